#!/usr/bin/env bash
# Which BLAS, which kernel: times the BLAS calls of one housing update (blasbench.c) on every BLAS
# Debian 12 ships for x86-64 and every OpenBLAS kernel this CPU can run, one thread, and checks every
# result against a long-double reference. See Benchmarks/README.md, "Which BLAS".
#
# Usage: Benchmarks/blas/run.sh [--rounds K] [--blocks N] [--out DIR]
#   --rounds K   rounds; each runs every configuration once, in a rotated order (default 10)
#   --blocks N   timed blocks of ≈ 300 µs per shape and run (default 5)
#   --out DIR    where raw.tsv and table.md go (default Benchmarks/results/blas)
#
# The libraries are not installed: `apt-get download` fetches the packages once into
# $NEUROMOD_BLAS_DIR (default /tmp/neuromod-blas) and `dpkg -x` unpacks them there, so the system's
# BLAS alternatives stay as they are. The installed OpenBLAS (libopenblas0-pthread, the one
# Neuromod links) is used from /usr/lib. Each configuration runs in its own process, since OpenBLAS
# reads OPENBLAS_CORETYPE when it is loaded.
set -euo pipefail

rounds=10 blocks=5
root="$(cd "$(dirname "$0")/../.." && pwd)"
out="$root/Benchmarks/results/blas"
while [ $# -gt 0 ]; do
    case "$1" in
        --rounds) rounds="$2"; shift 2 ;;
        --blocks) blocks="$2"; shift 2 ;;
        --out) out="$2"; shift 2 ;;
        -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
        *) echo "run.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
    esac
done

dir="${NEUROMOD_BLAS_DIR:-/tmp/neuromod-blas}"
lib="$dir/root/usr/lib/x86_64-linux-gnu"
packages=(libopenblas0-serial libopenblas0-openmp libblis4-serial libblis4-pthread libblas3 libatlas3-base)
if [ ! -e "$lib/atlas/libblas.so.3" ] || [ ! -e "$lib/blis-pthread/libblis.so.4" ]; then
    mkdir -p "$dir/debs" && (cd "$dir/debs" && apt-get download "${packages[@]}")
    for deb in "$dir"/debs/*.deb; do dpkg -x "$deb" "$dir/root"; done
fi
mkdir -p "$out"
cc -O2 -Wall -o "$dir/blasbench" "$root/Benchmarks/blas/blasbench.c" -ldl -lm

installed=/usr/lib/x86_64-linux-gnu/libopenblas.so.0
# label | library | environment (besides one thread everywhere and OPENBLAS_CORETYPE unset)
configs=()
for core in detected Prescott Haswell Zen SkylakeX Cooperlake; do
    env=""; [ "$core" = detected ] || env="OPENBLAS_CORETYPE=$core"
    configs+=("OpenBLAS 0.3.21 pthread (installed), $core|$installed|$env")
    configs+=("OpenBLAS 0.3.21 serial, $core|$lib/openblas-serial/libopenblas.so.0|$env")
    configs+=("OpenBLAS 0.3.21 openmp, $core|$lib/openblas-openmp/libopenblas.so.0|$env")
done
configs+=("BLIS 0.9.0 serial, detected|$lib/blis-serial/libblis.so.4|")
configs+=("BLIS 0.9.0 pthread, detected|$lib/blis-pthread/libblis.so.4|")
# BLIS_ARCH_TYPE takes the numeric id of bli_arch_string(): 0 skx, 3 haswell, 6 zen3.
configs+=("BLIS 0.9.0 serial, skx|$lib/blis-serial/libblis.so.4|BLIS_ARCH_TYPE=0")
configs+=("BLIS 0.9.0 serial, zen3|$lib/blis-serial/libblis.so.4|BLIS_ARCH_TYPE=6")
configs+=("BLIS 0.9.0 serial, haswell|$lib/blis-serial/libblis.so.4|BLIS_ARCH_TYPE=3")
configs+=("ATLAS 3.10.3 (libatlas3-base)|$lib/libcblas.so.3|")
configs+=("reference BLAS 3.11.0 (libblas3)|$lib/blas/libblas.so.3|")

raw="$out/raw.tsv"
{
    echo "# $(date -u +%FT%TZ) $(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //'), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "# rounds $rounds, blocks $blocks"
} > "$raw"
n=${#configs[@]}
for ((r = 0; r < rounds; r++)); do
    echo "round $((r + 1))/$rounds" >&2
    for ((i = 0; i < n; i++)); do
        IFS='|' read -r label path env <<< "${configs[$(((i + r * 7) % n))]}"
        # shellcheck disable=SC2086
        env -u OPENBLAS_CORETYPE -u BLIS_ARCH_TYPE OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 BLIS_NUM_THREADS=1 \
            LD_LIBRARY_PATH="$lib" $env "$dir/blasbench" "$path" "$label" "$blocks" >> "$raw" \
            || printf 'fail\t%s\n' "$label" >> "$raw"
    done
done
echo "# end $(date -u +%FT%TZ), load $(cut -d' ' -f1-3 /proc/loadavg)" >> "$raw"
python3 "$root/Benchmarks/blas/summarize.py" "$raw" > "$out/table.md"
cat "$out/table.md"
