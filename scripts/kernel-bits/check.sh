#!/usr/bin/env bash
# Holds the kernels as a release build compiles them to the bits of the unoptimized build
# (kernel_bits.c says why): compiles Sources/CNeuromodKernels once at -O2 (as `swift build -c
# release` does) and kernels.c once more at -O0 with its portable table renamed, links both with
# kernel_bits.c and runs it. Every level this CPU has is checked. Run by `make test`; a few seconds.
# KERNEL_BITS_CFLAGS adds flags to the optimized build (e.g. -freciprocal-math, to see the check fail).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
CLANG=${CLANG:-$(dirname "$(readlink -f "$(command -v swift)")")/clang}
SRC="$ROOT/Sources/CNeuromodKernels"
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
flags=(-I"$SRC/include" -I"$SRC" -fPIC -Wall -Wextra -Werror)
# shellcheck disable=SC2086
"$CLANG" -O2 "${flags[@]}" ${KERNEL_BITS_CFLAGS:-} -c "$SRC/kernels.c" -o "$OUT/kernels.o" & optimized=$!
"$CLANG" -O2 "${flags[@]}" -c "$SRC/dispatch.c" -o "$OUT/dispatch.o" & dispatch=$!
"$CLANG" -O0 "${flags[@]}" -Dnmk_kernels_portable=nmk_ref_kernels_portable \
    -Dnmk_kernels_avx2=nmk_ref_kernels_avx2 -Dnmk_kernels_avx512=nmk_ref_kernels_avx512 \
    -c "$SRC/kernels.c" -o "$OUT/reference.o" & reference=$!
status=0
wait $optimized || status=1
wait $dispatch || status=1
wait $reference || status=1
[[ $status -eq 0 ]] || { echo "kernel bits: the kernels did not compile" >&2; exit 1; }
"$CLANG" -O1 "${flags[@]}" "$ROOT/scripts/kernel-bits/kernel_bits.c" "$OUT/kernels.o" "$OUT/dispatch.o" \
    "$OUT/reference.o" -lm -lpthread -o "$OUT/kernel-bits"
"$OUT/kernel-bits"
