#!/usr/bin/env bash
# Same numbers as before the three-factor engine: builds BASE (default 62574ae, main before the
# engine) beside this checkout, runs the same studies with both release builds on this machine and
# compares their deterministic outputs byte for byte (every CSV but timing.csv, and summary.json
# without its wall-clock fields), and their summary tables without the wall-time column.
#
#   scripts/same-numbers.sh                  # all studies; data studies need DATA (default ../shared/data)
#   BASE=<commit> DATA=/path/to/data WORK=/tmp/same scripts/same-numbers.sh
#
# Prints one line per compared file ("same" / "DIFFERENT") and exits 1 if any differs.
# With BENCH_ROUNDS=N (e.g. 5) it also times neuromod-bench's per-update figures of both builds,
# alternating them N times on one OpenBLAS thread, and prints the medians and their ratio.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
base=${BASE:-62574ae}
work=${WORK:-$(mktemp -d /tmp/neuromod-same.XXXXXX)}
data=${DATA:-$root/../shared/data}
mkdir -p "$work"
if [ ! -d "$work/base" ]; then git -C "$root" worktree add --detach "$work/base" "$base" >/dev/null; fi
echo "building $base in $work/base and this checkout (release)" >&2
(cd "$work/base" && swift build -c release --product neuromod >/dev/null)
make -C "$root" release >/dev/null   # the base builds as its manifest says; ours is swift build -c release (run-time kernels, no flags)

studies=(
  "sinusoid|Models/thesis/sinusoid.yaml"
  "readings-3fwp|Models/thesis/sinusoid-3fwp-readings.yaml --runs 3"
  "housing-bp-np|Models/thesis/california-housing.yaml --runs 1 --methods BP,3F-NP"
  "reaching|Models/nrl/reaching.yaml"
  "cartpole|Models/nrl/cartpole.yaml --episodes 1000"
  "acrobot|Models/nrl/acrobot.yaml --episodes 60"
  "delay-sweep|Models/timing/delay-sweep.yaml --episodes 40 --runs 2"
)
if [ -d "$data/mnist" ]; then
  studies+=(
    "dopamine-readings|Models/dopamine/readings.yaml --epochs 2 --data-dir $data"
    "signsgd-rates|Models/dopamine/signsgd-rates.yaml --epochs 1 --data-dir $data"
    "evolution|Models/evolution/mnist-0-4-genes.yaml --generations 12 --data-dir $data"
  )
else
  echo "no $data/mnist: readout and evolution studies skipped (set DATA)" >&2
fi

status=0
compare() {  # name, file a, file b
  if cmp -s "$2" "$3"; then echo "same       $1"; else echo "DIFFERENT  $1"; status=1; fi
}
table() { grep -v '^wrote ' "$1" | sed -E -e 's/[[:space:]]+[0-9.]+[[:space:]]*$//' -e 's/cached in [0-9.]+ s/cached in … s/'; }
for entry in "${studies[@]}"; do
  name=${entry%%|*}; args=${entry#*|}
  for side in base new; do
    bin="$root/.build/release/neuromod"; [ "$side" = base ] && bin="$work/base/.build/release/neuromod"
    rm -rf "$work/out/$side/$name"; mkdir -p "$work/out/$side"
    # shellcheck disable=SC2086
    (cd "$root" && "$bin" run $args --out "$work/out/$side/$name" --quiet > "$work/out/$side/$name.txt")
  done
  for f in "$work/out/base/$name"/*.csv; do
    file=$(basename "$f"); [ "$file" = timing.csv ] && continue
    compare "$name/$file" "$f" "$work/out/new/$name/$file"
  done
  compare "$name/summary.json (no wall times)" \
    <(grep -iv -e 'seconds' -e '"kind"' "$work/out/base/$name/summary.json") <(grep -iv -e 'seconds' -e '"kind"' "$work/out/new/$name/summary.json")
  compare "$name/summary table (no wall column)" <(table "$work/out/base/$name.txt") <(table "$work/out/new/$name.txt")
done
if [ -n "${BENCH_ROUNDS:-}" ]; then
  (cd "$work/base" && swift build -c release --product neuromod-bench >/dev/null)
  grep -m1 'model name' /proc/cpuinfo
  for r in $(seq "$BENCH_ROUNDS"); do
    for side in base new; do
      dir="$root"; [ "$side" = base ] && dir="$work/base"
      (cd "$dir" && OPENBLAS_NUM_THREADS=1 .build/release/neuromod-bench --repeats 40 --random spec > "$work/bench-$side-$r.txt" 2>&1)
    done
  done
  python3 - "$work" "$BENCH_ROUNDS" <<'PY'
import re, statistics, sys
work, rounds = sys.argv[1], int(sys.argv[2])
ms = {}
for side in ("base", "new"):
    for r in range(1, rounds + 1):
        for line in open(f"{work}/bench-{side}-{r}.txt"):
            m = re.match(r"^  (BP|WP|3F-WP|3F-NP)\s+([0-9.]+)", line)
            if m: ms.setdefault((side, m.group(1)), []).append(float(m.group(2)))
print("method  base ms   new ms   new/base  (medians of %d alternating rounds, one OpenBLAS thread)" % rounds)
for method in ("BP", "WP", "3F-WP", "3F-NP"):
    b, n = statistics.median(ms[("base", method)]), statistics.median(ms[("new", method)])
    print(f"{method:6}  {b:7.3f}  {n:7.3f}  {n / b:6.3f}")
PY
fi
exit $status
