#!/usr/bin/env bash
# The ARM check that runs without an ARM machine (none is available here): cross-compile the kernels
# (Sources/CNeuromodKernels/kernels.c) for aarch64-linux-gnu with the toolchain's clang, -O2 -Wall
# -Wextra -Werror, and inspect the object. It checks that
#   1. the kernel source compiles for AArch64 (only the portable level; the x86 levels are #if'd out);
#   2. the loops vectorize to NEON (fmul on v*.2d, two doubles per register);
#   3. no fused multiply-add (fmla/fmls/fmadd/fmsub) appears: the contraction pragma holds on AArch64,
#      whose clang default would fuse a*b + c, so the bits stay those of the x86 levels.
# It does NOT run anything on ARM, and it borrows this machine's x86-64 glibc headers (with two shim
# headers for the word size), since no AArch64 sysroot is installed: it checks the kernel code, not
# an AArch64 libc. gaussian_ziggurat.c (plain C, no vector code) is compiled too, with a shim
# pthread.h declaring the one call it makes (x86-64 glibc's pthread.h does not parse for AArch64).
# dispatch.c is not compiled (it needs more of pthread.h); on AArch64 it only offers `portable`,
# with no CPU query.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
CLANG=${CLANG:-$(dirname "$(readlink -f "$(command -v swift)")")/clang}
SHIM=$(mktemp -d)
trap 'rm -rf "$SHIM"' EXIT
mkdir -p "$SHIM/gnu" "$SHIM/bits"
: > "$SHIM/gnu/stubs.h"
printf '#define __WORDSIZE 64\n#define __WORDSIZE_TIME64_COMPAT32 1\n#define __SYSCALL_WORDSIZE 64\n' > "$SHIM/bits/wordsize.h"
printf '#pragma once\ntypedef int pthread_once_t;\n#define PTHREAD_ONCE_INIT 0\nint pthread_once(pthread_once_t *, void (*)(void));\n' > "$SHIM/pthread.h"
SRC="$ROOT/Sources/CNeuromodKernels"
"$CLANG" --target=aarch64-linux-gnu -O2 -Wall -Wextra -Werror -I"$SRC/include" -isystem "$SHIM" \
    -isystem /usr/include/x86_64-linux-gnu -c "$SRC/kernels.c" -o "$SHIM/kernels.o"
"$CLANG" --target=aarch64-linux-gnu -O2 -Wall -Wextra -Werror -I"$SRC/include" -isystem "$SHIM" \
    -isystem /usr/include/x86_64-linux-gnu -c "$SRC/gaussian_ziggurat.c" -o "$SHIM/gaussian_ziggurat.o"
OBJDUMP=$(dirname "$CLANG")/llvm-objdump
neon=$("$OBJDUMP" -d "$SHIM/kernels.o" | grep -cE 'fmul[[:space:]]+v[0-9]+\.2d' || true)
fused=$("$OBJDUMP" -d "$SHIM/kernels.o" "$SHIM/gaussian_ziggurat.o" | grep -cE '[[:space:]](fmla|fmls|fmadd|fmsub|fnmadd|fnmsub)[[:space:]]' || true)
echo "aarch64: kernels.c and gaussian_ziggurat.c compile; kernels.c has $neon NEON fmul .2d instructions; $fused fused multiply-adds in either"
[[ $neon -gt 0 ]] || { echo "check-arm: the loops did not vectorize for NEON" >&2; exit 1; }
[[ $fused -eq 0 ]] || { echo "check-arm: fused multiply-adds found: contraction is on" >&2; exit 1; }
