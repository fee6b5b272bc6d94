#!/usr/bin/env bash
# One command for the whole benchmark (see Benchmarks/README.md):
#   1. builds neuromod-bench and neuromod in release;
#   2. times one update of BP, WP, 3F-WP and 3F-NP on the housing network (8-128-64-1, batch 256) in
#      Neuromod (neuromod-bench), plain NumPy (numpy_peer.py) and PyTorch on the CPU (torch_peer.py),
#      each in float64 and float32 (Neuromod's float32 at 1 thread), at every thread count of --threads,
#      alternating the programs, --rounds times; WP against its noise floor;
#   3. times the whole housing study `neuromod run` under /usr/bin/time -v (wall time, peak RSS) and the
#      NumPy equivalent at the same scale;
#   4. writes Benchmarks/results/latest.md (and the raw JSON beside it) and prints it, with the CPU, its
#      instruction sets and the BLAS and kernel of every program (and a warning when Neuromod's OpenBLAS
#      runs a kernel older than the CPU).
#
# PyTorch goes into a virtual environment, Benchmarks/.venv (gitignored; it sees the system's NumPy), on
# first use: `pip install torch==2.13.0+cpu` (override with NEUROMOD_BENCH_TORCH=<pip requirement>).
# A `+cpu` build from PyPI (about 190 MB, no CUDA packages) because PyPI's default Linux torch pulls
# about 3 GB of CUDA packages and PyTorch's own CPU index (download.pytorch.org/whl/cpu) may not be
# reachable (it was not on the machine this was written on). If the install fails, PyTorch is skipped
# with a message.
#
# Usage: Benchmarks/run.sh [--quick] [--rounds K] [--repeats N] [--random spec|mt19937|gfsr4|taus2]
#                          [--blas-threads N] [--noise-threads N] [--jobs J] [--epochs E] [--runs R]
#                          [--no-study] [--no-numpy-study] [--threads 1,2] [--precisions float64,float32]
#                          [--no-torch]
#   --quick          scaled study: 1 run, 3 epochs (a copy of the spec in a temp folder); 1 round of 30 repeats
#   --rounds K       alternate neuromod-bench, numpy_peer.py and torch_peer.py K times; report medians (default 3)
#   --threads LIST   thread counts of the per-update timings, comma-separated (default 1,2): OpenBLAS
#                    threads of Neuromod and NumPy, Neuromod's probe-draw threads, torch.set_num_threads
#   --precisions LIST  the precisions of every program (default float64,float32); Neuromod's float32
#                    mode (neuromod-bench --precision float32) runs at 1 thread only (its products need
#                    one OpenBLAS thread: sgemm's bits depend on the thread count)
#   --no-torch       leave PyTorch out (no virtual environment, no install)
#   --repeats N      timed updates per measurement (default 50)
#   --random NAME    Neuromod's generator for the per-update timings (default `spec`: the one the study
#                    uses, the spec's `random` or Neuromod's default); NumPy always uses PCG64
#   --blas-threads N OpenBLAS threads of the whole-study timings on both sides (default 1)
#   --noise-threads N threads drawing Neuromod's weight probe in the per-update timings (default: the
#                    round's thread count; the study itself uses `--jobs`)
#   --jobs J         runs trained at once, by `neuromod run` (threads) and by the NumPy equivalent
#                    (processes); default: the number of cores, as `neuromod run` itself
#   --epochs E / --runs R   study scale (default: the spec's 100 epochs, 5 runs; --quick: 3 and 1)
#   --no-study       skip the whole-study timings;  --no-numpy-study  skip only the NumPy one
#   --reuse-rounds   skip the per-update timings and report those of the previous invocation
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

CORES=$(getconf _NPROCESSORS_ONLN)
QUICK=0 ROUNDS="" REPEATS="" RANDOM_ALG=spec BLAS=1 NOISE="" JOBS=$CORES EPOCHS="" RUNS="" STUDY=1 NUMPY_STUDY=1 REUSE=0
THREADS=1,2 PRECISIONS=float64,float32 TORCH=1
COMMAND="Benchmarks/run.sh $*"
while [[ $# -gt 0 ]]; do
    case "$1" in
        --quick) QUICK=1 ;;
        --rounds) ROUNDS=$2; shift ;;
        --repeats) REPEATS=$2; shift ;;
        --random) RANDOM_ALG=$2; shift ;;
        --blas-threads) BLAS=$2; shift ;;
        --noise-threads) NOISE=$2; shift ;;
        --jobs) JOBS=$2; shift ;;
        --epochs) EPOCHS=$2; shift ;;
        --runs) RUNS=$2; shift ;;
        --no-study) STUDY=0 ;;
        --no-numpy-study) NUMPY_STUDY=0 ;;
        --threads) THREADS=$2; shift ;;
        --precisions) PRECISIONS=$2; shift ;;
        --no-torch) TORCH=0 ;;
        --reuse-rounds) REUSE=1 ;;
        -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d'; exit 0 ;;
        *) echo "run.sh: unknown argument $1" >&2; exit 2 ;;
    esac
    shift
done
if [[ $QUICK == 1 ]]; then
    : "${ROUNDS:=1}" "${REPEATS:=30}" "${EPOCHS:=3}" "${RUNS:=1}"
else
    : "${ROUNDS:=3}" "${REPEATS:=50}" "${EPOCHS:=100}" "${RUNS:=5}"
fi

SPEC=Models/thesis/california-housing.yaml
RESULTS=Benchmarks/results
RAW=$RESULTS/raw
mkdir -p "$RAW"
FIRST_T=${THREADS%%,*}
if [[ $REUSE == 1 ]]; then
    ls "$RAW"/neuromod-t*.json "$RAW"/numpy-t*.json > /dev/null 2>&1 \
        || { echo "run.sh: --reuse-rounds: no earlier per-update results in $RAW" >&2; exit 1; }
    rm -f "$RAW"/*study*
else
    rm -f "$RAW"/*.json "$RAW"/*.txt
fi
[[ ",$PRECISIONS," == *,float64,* ]] || { echo "run.sh: --precisions must include float64 (Neuromod's)" >&2; exit 2; }
TMP=$(mktemp -d -t neuromod-bench-XXXXXX)
trap 'rm -rf "$TMP"' EXIT

LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
# What is measured: the commit, and whether Sources/ differed from it when the build ran (read-only git).
REVISION="$(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
GIT_OPTIONAL_LOCKS=0 git diff --quiet HEAD -- Sources 2>/dev/null || REVISION="$REVISION + uncommitted changes in Sources/"
python3 -c 'import numpy' 2>/dev/null || { echo "run.sh: NumPy is not installed (pip install numpy)" >&2; exit 1; }

VENV=Benchmarks/.venv
TORCH_REQ=${NEUROMOD_BENCH_TORCH:-torch==2.13.0+cpu}
if [[ $TORCH == 1 ]] && ! "$VENV/bin/python" -c 'import torch' 2>/dev/null; then
    echo "== installing PyTorch into $VENV: pip install $TORCH_REQ"
    if ! { python3 -m venv --system-site-packages "$VENV" && "$VENV/bin/pip" install --quiet "$TORCH_REQ"; }; then
        echo "run.sh: could not install $TORCH_REQ into $VENV: PyTorch is skipped (--no-torch to skip silently)" >&2
        TORCH=0
    fi
fi
CPU_MODEL=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)
CPU_FLAGS=$(grep -m1 '^flags' /proc/cpuinfo | tr ' ' '\n' \
    | grep -xE 'sse4_2|avx|avx2|fma|avx512f|avx512bw|avx512vl|avx512_bf16|avx_vnni|amx_tile' | paste -sd' ' || true)
echo "== CPU: $CPU_MODEL ($CORES cores); instruction sets: $CPU_FLAGS"
echo "== building (release)"
# Through `make release` (swift build -c release; the kernels pick their instruction set at run time).
if ! make -C "$ROOT" release > "$TMP/build.log" 2>&1; then
    cat "$TMP/build.log" >&2
    echo "run.sh: release build failed" >&2
    exit 1
fi
grep -E "Compiling|complete" "$TMP/build.log" || true
.build/release/neuromod --version | sed 's/^/   /'

# One measurement: program ($1: neuromod, numpy or torch) at $2 threads, precision $3, round $4.
measure() {
    local prog=$1 t=$2 dt=$3 k=$4
    case $prog in
        neuromod)
            if [[ $dt == float32 ]]; then
                # The float32 mode runs its products on one OpenBLAS thread: timed at 1 thread only, updates only.
                [[ $t == 1 ]] || return 0
                echo "-- round $k/$ROUNDS, $t thread(s): neuromod-bench (float32)"
                OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 .build/release/neuromod-bench --repeats "$REPEATS" \
                    --random "$RANDOM_ALG" --blas-threads 1 --noise-threads "${NOISE:-1}" --spec "$SPEC" \
                    --precision float32 --no-all-floors --json "$RAW/neuromod-t$t-float32-$k.json"
                return 0
            fi
            echo "-- round $k/$ROUNDS, $t thread(s): neuromod-bench (float64)"
            OPENBLAS_NUM_THREADS=$t OMP_NUM_THREADS=$t .build/release/neuromod-bench --repeats "$REPEATS" \
                --random "$RANDOM_ALG" --blas-threads "$t" --noise-threads "${NOISE:-$t}" --spec "$SPEC" \
                $([[ $t != "$FIRST_T" ]] && echo --no-all-floors) --json "$RAW/neuromod-t$t-$k.json" ;;
        numpy)
            echo "-- round $k/$ROUNDS, $t thread(s): numpy_peer.py ($dt)"
            python3 Benchmarks/numpy_peer.py --repeats "$REPEATS" --threads "$t" --dtype "$dt" --json "$RAW/numpy-t$t-$dt-$k.json" ;;
        torch)
            echo "-- round $k/$ROUNDS, $t thread(s): torch_peer.py ($dt)"
            "$VENV/bin/python" Benchmarks/torch_peer.py --repeats "$REPEATS" --threads "$t" --dtype "$dt" \
                --json "$RAW/torch-t$t-$dt-$k.json" ;;
    esac
}

if [[ $REUSE == 1 ]]; then
    echo "== per-update timings: reusing the $(ls "$RAW"/neuromod-t"$FIRST_T"-[0-9]*.json | wc -l) round(s) of the previous invocation"
    ROUNDS=0
else
    echo "== per-update timings: $ROUNDS round(s), $REPEATS repeats, threads $THREADS, precisions $PRECISIONS, Neuromod generator $RANDOM_ALG"
    if [[ $TORCH == 1 ]]; then "$VENV/bin/python" Benchmarks/torch_peer.py --info > "$RAW/torch-config.txt"; fi
    python3 -c 'import numpy; numpy.show_config(); numpy.show_runtime()' > "$RAW/numpy-config.txt" 2>&1 || true
fi
# Every (program, precision) pair once per round and thread count; the order rotates from round to round.
JOBS_LIST=(neuromod:float64)
for dt in ${PRECISIONS//,/ }; do
    if [[ $dt == float32 ]]; then JOBS_LIST+=("neuromod:float32"); fi
    JOBS_LIST+=("numpy:$dt")
    if [[ $TORCH == 1 ]]; then JOBS_LIST+=("torch:$dt"); fi
done
for ((k = 1; k <= ROUNDS; k++)); do
    for t in ${THREADS//,/ }; do
        n=${#JOBS_LIST[@]}
        for ((j = 0; j < n; j++)); do
            job=${JOBS_LIST[$(((j + k - 1) % n))]}
            measure "${job%%:*}" "$t" "${job##*:}" "$k"
        done
    done
done

export OPENBLAS_NUM_THREADS=$BLAS OMP_NUM_THREADS=$BLAS
STUDY_ARGS=()
if [[ $STUDY == 1 ]]; then
    # The study spec: a copy of the thesis's file in the temp folder, its data path made absolute (spec
    # paths are relative to the spec's folder) and, unless at full scale, fewer epochs. (A copy also keeps
    # the command line from matching a broad `pkill -f california-housing` aimed at someone else's run.)
    STUDY_SPEC=$TMP/study.yaml
    sed -e "s|^\(  *\)epochs: 100|\1epochs: $EPOCHS|" \
        -e "s|^\(  *\)path: \.\./data/|\1path: $ROOT/Models/data/|" "$SPEC" > "$STUDY_SPEC"
    grep -q "epochs: $EPOCHS" "$STUDY_SPEC" || { echo "run.sh: could not scale the spec's epochs" >&2; exit 1; }
    echo "== whole housing study: neuromod run $STUDY_SPEC --runs $RUNS --jobs $JOBS --blas-threads $BLAS ($EPOCHS epochs)"
    /usr/bin/time -v -o "$RAW/neuromod-study-time.txt" \
        .build/release/neuromod run "$STUDY_SPEC" --runs "$RUNS" --jobs "$JOBS" --blas-threads "$BLAS" \
        --out "$TMP/study" --quiet > "$RAW/neuromod-study-stdout.txt" &
    TIME_PID=$!
    # Resident set size of the study every second (seconds since start, kB), to see when the peak occurs.
    (
        start=$(date +%s.%N)
        while kill -0 "$TIME_PID" 2>/dev/null; do
            child=$(pgrep -P "$TIME_PID" -x neuromod || true)
            if [[ -n $child ]]; then
                rss=$(awk '/^VmRSS/ {print $2}' "/proc/$child/status" 2>/dev/null || true)
                [[ -n $rss ]] && echo "$(echo "$(date +%s.%N) - $start" | bc) $rss"
            fi
            sleep 1
        done
    ) > "$RAW/neuromod-study-rss.txt" &
    SAMPLER_PID=$!
    if ! wait "$TIME_PID"; then
        echo "run.sh: the study did not finish (killed or failed):" >&2
        cat "$RAW/neuromod-study-time.txt" "$RAW/neuromod-study-stdout.txt" >&2 || true
        exit 1
    fi
    wait "$SAMPLER_PID" || true
    cat "$RAW/neuromod-study-stdout.txt"
    cp "$TMP/study/summary.json" "$RAW/neuromod-study-summary.json"
    STUDY_ARGS+=(--study-time "$RAW/neuromod-study-time.txt" --study-summary "$RAW/neuromod-study-summary.json"
                 --study-rss "$RAW/neuromod-study-rss.txt"
                 --study-command "neuromod run <copy of $SPEC$([[ $EPOCHS != 100 ]] && echo " with epochs: $EPOCHS" || true)> --runs $RUNS --jobs $JOBS --blas-threads $BLAS --out <tmp> --quiet")
    if [[ $NUMPY_STUDY == 1 ]]; then
        echo "== NumPy whole-experiment equivalent: $RUNS run(s) × $EPOCHS epoch(s)"
        /usr/bin/time -v -o "$RAW/numpy-study-time.txt" \
            python3 Benchmarks/numpy_peer.py --study-only --epochs "$EPOCHS" --runs "$RUNS" --jobs "$JOBS" --threads "$BLAS" \
            --json "$RAW/numpy-study.json" \
            || { echo "run.sh: the NumPy study did not finish (killed or failed)" >&2; cat "$RAW/numpy-study-time.txt" >&2; exit 1; }
        STUDY_ARGS+=(--numpy-study "$RAW/numpy-study.json" --numpy-study-time "$RAW/numpy-study-time.txt")
    fi
fi

python3 Benchmarks/summarize.py --neuromod "$RAW"/neuromod-t"$FIRST_T"-[0-9]*.json --numpy "$RAW"/numpy-t"$FIRST_T"-float64-*.json \
    --raw "$RAW" --cpu-flags "$CPU_FLAGS" --command "$COMMAND" \
    "${STUDY_ARGS[@]}" --machine "$CORES cores, $CPU_MODEL" \
    --load "$LOAD_START at the start, $(cut -d' ' -f1-3 /proc/loadavg) at the end" \
    --revision "$REVISION" --out "$RESULTS/latest.md"
