#!/usr/bin/env python3
"""Turns blasbench samples (Benchmarks/blas/run.sh's raw.tsv) into Markdown tables.

Per configuration: the kernel the library reports, whether every result passed its error bound, and
µs per update set — the sum over the set's calls of each call's median (and of its minimum) over all
blocks of all rounds:
  BP set  = 3 forward GEMMs + 3 weight-gradient GEMMs + 2 delta GEMMs (one backprop update)
  WP set  = 3 forward GEMMs + 3 × 256 per-instance GEMVs + 6 transposed GEMVs (one weight-perturbation
            update's BLAS calls; its noise draws are not BLAS and are not counted)
Then every call, µs per call (a wp-drive call is its 256 GEMVs), medians.

Usage: summarize.py raw.tsv
"""
import statistics
import sys
from collections import defaultdict

BP = ["fwd 256x128x8 (N,T) b=1", "fwd 256x64x128 (N,T)", "fwd 256x1x64 (N,T) b=1",
      "gradW 128x8x256 (T,N)", "gradW 64x128x256 (T,N)", "gradW 1x64x256 (T,N)",
      "delta 256x64x1 (N,N)", "delta 256x128x64 (N,N)"]
WP = BP[:3] + ["wp-drive 256x gemv 128x8", "wp-drive 256x gemv 64x128", "wp-drive 256x gemv 1x64",
               "wp-update gemv^T 256x1024", "wp-update gemv^T 256x128", "wp-update gemv^T 256x8192",
               "wp-update gemv^T 256x64 (w)", "wp-update gemv^T 256x64 (b)", "wp-update gemv^T 256x1"]


def main(path):
    samples = defaultdict(list)
    info = defaultdict(dict)
    checks = defaultdict(lambda: [0, 0, 0.0])  # ok, total, worst ratio
    failed = set()
    order, shapes, comments = [], [], []
    for line in open(path, encoding="utf-8"):
        if line.startswith("#"):
            comments.append(line[1:].strip())
            continue
        f = line.rstrip("\n").split("\t")
        if f[0] == "fail":
            failed.add(f[1])
            continue
        label = f[1]
        if label not in order:
            order.append(label)
        if f[0] == "info":
            info[label][f[2]] = f[3]
        elif f[0] == "check":
            c = checks[label]
            c[0] += f[4] == "ok"
            c[1] += 1
            c[2] = max(c[2], float(f[5]))
        elif f[0] == "sample":
            samples[(label, f[2], f[3])].append(float(f[4]))
            if f[3] not in shapes:
                shapes.append(f[3])

    def stat(label, prec, shape, fn):
        return fn(samples[(label, prec, shape)])

    def total(label, prec, names, fn):
        return sum(stat(label, prec, s, fn) for s in names)

    print("Samples: " + "; ".join(comments) + ".\n")
    print("| library, kernel asked | kernel it runs | checks | BP set f64 µs | WP set f64 µs | BP set f32 µs | WP set f32 µs |")
    print("|---|---|---|---:|---:|---:|---:|")
    for label in order:
        ok, n, worst = checks[label]
        verdict = f"{ok}/{n} ok (≤ {worst:.2g} of bound)" if ok == n and label not in failed else f"**{n - ok} FAIL** of {n}"
        cells = []
        for prec in ("f64", "f32"):
            for names in (BP, WP):
                med, low = total(label, prec, names, statistics.median), total(label, prec, names, min)
                cells.append(f"{med:.1f} ({low:.1f})")
        print(f"| {label} | {info[label].get('core', '–')} | {verdict} | " + " | ".join(cells) + " |")
    print("\nµs per update set: sum of the calls' medians (sum of their minima).\n")

    for prec in ("f64", "f32"):
        print(f"\nPer call, {prec}, median µs:\n")
        print("| shape | " + " | ".join(order) + " |")
        print("|---|" + "---:|" * len(order))
        for shape in shapes:
            print(f"| {shape} | " + " | ".join(f"{stat(l, prec, shape, statistics.median):.2f}" for l in order) + " |")
    configs = "\n".join(f"- {l}: {info[l].get('config', '')} ({info[l].get('path', '')})" for l in order)
    print("\nLibraries:\n\n" + configs)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: summarize.py raw.tsv")
    main(sys.argv[1])
