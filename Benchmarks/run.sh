#!/usr/bin/env bash
# One command for the whole benchmark (see Benchmarks/README.md):
#   1. builds neuromod-bench and neuromod in release;
#   2. times one update of BP, WP, 3F-WP and 3F-NP on the housing network (8-128-64-1, batch 256) in
#      Neuromod (neuromod-bench) and in plain NumPy (numpy_peer.py), alternating, --rounds times, with
#      the same thread count; WP against its noise floor in both;
#   3. times the whole housing study `neuromod run` under /usr/bin/time -v (wall time, peak RSS) and the
#      NumPy equivalent at the same scale;
#   4. writes Benchmarks/results/latest.md (and the raw JSON beside it) and prints it.
#
# Usage: Benchmarks/run.sh [--quick] [--rounds K] [--repeats N] [--random spec|mt19937|gfsr4|taus2]
#                          [--blas-threads N] [--noise-threads N] [--jobs J] [--epochs E] [--runs R]
#                          [--no-study] [--no-numpy-study]
#   --quick          scaled study: 1 run, 3 epochs (a copy of the spec in a temp folder); 1 round of 30 repeats
#   --rounds K       alternate neuromod-bench and numpy_peer.py K times; report medians (default 3)
#   --repeats N      timed updates per measurement (default 50)
#   --random NAME    Neuromod's generator for the per-update timings (default `spec`: the one the study
#                    uses, the spec's `random` or Neuromod's default); NumPy always uses PCG64
#   --blas-threads N OpenBLAS threads on both sides (default 1)
#   --noise-threads N threads drawing Neuromod's weight probe in the per-update timings (default 1, like
#                    the single-threaded NumPy peer; the study itself uses `--jobs`)
#   --jobs J         runs trained at once, by `neuromod run` (threads) and by the NumPy equivalent
#                    (processes); default: the number of cores, as `neuromod run` itself
#   --epochs E / --runs R   study scale (default: the spec's 100 epochs, 5 runs; --quick: 3 and 1)
#   --no-study       skip the whole-study timings;  --no-numpy-study  skip only the NumPy one
#   --reuse-rounds   skip the per-update timings and report those of the previous invocation
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

CORES=$(getconf _NPROCESSORS_ONLN)
QUICK=0 ROUNDS="" REPEATS="" RANDOM_ALG=spec BLAS=1 NOISE=1 JOBS=$CORES EPOCHS="" RUNS="" STUDY=1 NUMPY_STUDY=1 REUSE=0
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
if [[ $REUSE == 1 ]]; then
    ls "$RAW"/neuromod-[0-9]*.json "$RAW"/numpy-[0-9]*.json > /dev/null 2>&1 \
        || { echo "run.sh: --reuse-rounds: no earlier per-update results in $RAW" >&2; exit 1; }
    rm -f "$RAW"/*study*
else
    rm -f "$RAW"/*.json "$RAW"/*.txt
fi
TMP=$(mktemp -d -t neuromod-bench-XXXXXX)
trap 'rm -rf "$TMP"' EXIT

LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
# What is measured: the commit, and whether Sources/ differed from it when the build ran (read-only git).
REVISION="$(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
GIT_OPTIONAL_LOCKS=0 git diff --quiet HEAD -- Sources 2>/dev/null || REVISION="$REVISION + uncommitted changes in Sources/"
python3 -c 'import numpy' 2>/dev/null || { echo "run.sh: NumPy is not installed (pip install numpy)" >&2; exit 1; }

echo "== building (release)"
# Through `make release`: the architecture flags live in the Makefile, not in Package.swift.
if ! make -C "$ROOT" release > "$TMP/build.log" 2>&1; then
    cat "$TMP/build.log" >&2
    echo "run.sh: release build failed" >&2
    exit 1
fi
grep -E "Compiling|complete" "$TMP/build.log" || true

export OPENBLAS_NUM_THREADS=$BLAS OMP_NUM_THREADS=$BLAS
if [[ $REUSE == 1 ]]; then
    echo "== per-update timings: reusing the $(ls "$RAW"/neuromod-[0-9]*.json | wc -l) round(s) of the previous invocation"
    ROUNDS=0
else
    echo "== per-update timings: $ROUNDS round(s), $REPEATS repeats, OpenBLAS threads $BLAS, noise threads $NOISE, Neuromod generator $RANDOM_ALG"
fi
for ((k = 1; k <= ROUNDS; k++)); do
    echo "-- round $k/$ROUNDS: neuromod-bench"
    .build/release/neuromod-bench --repeats "$REPEATS" --random "$RANDOM_ALG" --blas-threads "$BLAS" \
        --noise-threads "$NOISE" --spec "$SPEC" --json "$RAW/neuromod-$k.json"
    echo "-- round $k/$ROUNDS: numpy_peer.py"
    python3 Benchmarks/numpy_peer.py --repeats "$REPEATS" --threads "$BLAS" --json "$RAW/numpy-$k.json"
done

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

python3 Benchmarks/summarize.py --neuromod "$RAW"/neuromod-[0-9]*.json --numpy "$RAW"/numpy-[0-9]*.json \
    "${STUDY_ARGS[@]}" --machine "$CORES cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)" \
    --load "$LOAD_START at the start, $(cut -d' ' -f1-3 /proc/loadavg) at the end" \
    --revision "$REVISION" --out "$RESULTS/latest.md"
