#!/usr/bin/env python3
"""Merges the JSON of neuromod-bench, numpy_peer.py and torch_peer.py (one file per program, thread
count, precision and round) and the whole-study timings into the Markdown report
Benchmarks/results/latest.md; prints it. Called by run.sh."""
import argparse
import glob
import itertools
import json
import os
import re
import statistics
import time

# The stated memory bound of the whole study at the benchmark's scale (Benchmarks/README.md, "Whole
# housing study"): one process training 2 runs side by side, each holding its 19 MB weight probe.
STUDY_RSS_BOUND_MB = 128


def load(paths):
    return [json.load(open(p)) for p in paths]


def by_method(rounds):
    """{method: [update timing of each round]}"""
    out = {}
    for r in rounds:
        for m in r["methods"]:
            out.setdefault(m["method"], []).append(m["update"])
    return out


def by_phase(rounds):
    out = {}
    for r in rounds:
        for p in r["phases"]:
            out.setdefault(p["name"], []).append(p["timing"])
    return out


def med(timings):
    """Median over rounds of each round's median; min over rounds of the minima."""
    return statistics.median(t["medianMs"] for t in timings), min(t["minMs"] for t in timings)


def best(timings):
    """The best round: the lowest of the per-round medians (the least disturbed round)."""
    return min(t["medianMs"] for t in timings)


def cpu_med(timings):
    """Median over rounds of each round's median thread-CPU time (None for results without it)."""
    values = [t.get("cpuMedianMs") for t in timings]
    values = [v for v in values if isinstance(v, (int, float)) and v == v]
    return statistics.median(values) if values else None


def competitors(raw):
    """{(program, threads, dtype): [JSON of each round]} from raw/PROGRAM-tTHREADS[-DTYPE]-ROUND.json."""
    runs = {}
    for path in sorted(glob.glob(os.path.join(raw, "*-t*-*.json"))):
        m = re.fullmatch(r"(neuromod|numpy|torch)-t(\d+)(?:-(float32|float64))?-(\d+)\.json", os.path.basename(path))
        if m:
            runs.setdefault((m[1], int(m[2]), m[3] or "float64"), []).append(json.load(open(path)))
    return runs


COLUMNS = (("neuromod", "float64", "Neuromod f64"), ("numpy", "float64", "NumPy f64"), ("torch", "float64", "PyTorch f64"),
           ("neuromod", "float32", "Neuromod f32"), ("numpy", "float32", "NumPy f32"), ("torch", "float32", "PyTorch f32"))


def competitor_table(runs, reduce):
    """Markdown rows: per thread count and method, ms/update of every program and precision
    (`reduce` turns a method's per-round timings into one figure) and the ratios to Neuromod."""
    L = ["| threads | method | " + " | ".join(c[2] for c in COLUMNS)
         + " | NumPy f64 / Neuromod | PyTorch f64 / Neuromod | fastest f32 / Neuromod f64 | fastest f32 peer / Neuromod f32 |",
         "|---:|---|" + "---:|" * (len(COLUMNS) + 4)]
    for threads in sorted({k[1] for k in runs}):
        cells = {(prog, dt): by_method(runs[(prog, threads, dt)]) for prog, dt, _ in COLUMNS if (prog, threads, dt) in runs}
        methods = list(dict.fromkeys(m for c in cells.values() for m in c))
        for method in methods:
            ms = {key: reduce(c[method]) for key, c in cells.items() if method in c}
            ref = ms.get(("neuromod", "float64"))
            ref32 = ms.get(("neuromod", "float32"))
            ratio = lambda v, r=ref: f"**{v / r:.2f}**" if v is not None and r else "–"  # noqa: E731
            f32 = [v for (prog, dt), v in ms.items() if dt == "float32"]
            peers32 = [v for (prog, dt), v in ms.items() if dt == "float32" and prog != "neuromod"]
            times = (f"{ms[(p, d)]:.3f}" if (p, d) in ms else "–" for p, d, _ in COLUMNS)
            L.append(f"| {threads} | {method} | " + " | ".join(times)
                     + f" | {ratio(ms.get(('numpy', 'float64')))} | {ratio(ms.get(('torch', 'float64')))} | "
                     + f"{ratio(min(f32)) if f32 else '–'} | {ratio(min(peers32), ref32) if peers32 else '–'} |")
    return L


def libraries(runs, cpu_flags):
    """The machine's instruction sets and the BLAS and kernel every program ran."""
    L = [f"- CPU instruction sets (/proc/cpuinfo): {cpu_flags or 'unknown'}"]
    first = lambda prog: next((r[0] for (p, _, _), r in sorted(runs.items()) if p == prog), None)  # noqa: E731
    if (nm := first("neuromod")):
        L.append(f"- Neuromod: {nm.get('blasLine', 'BLAS unknown')}")
        L.append(f"- Neuromod kernels: {nm.get('kernels') or 'unknown (a neuromod-bench older than run-time dispatch)'}")
        if nm.get("blasWarning"):
            L.append(f"- **{nm['blasWarning']}**")
    if (npy := first("numpy")):
        L.append(f"- NumPy {npy['numpy']}: {npy.get('blasConfig') or npy['blas']} (core {npy.get('blasCore', 'unknown')})")
    if (tr := first("torch")):
        blas = re.search(r"BLAS_INFO=(\w+)", tr["config"])
        mkl = next((line.strip(" -") for line in tr["config"].splitlines() if "Math Kernel Library" in line), "")
        L.append(f"- PyTorch {tr['torch']}: CPU capability {tr['cpuCapability']} (`torch.backends.cpu.get_cpu_capability()`), "
                 f"BLAS {blas[1] if blas else 'unknown'} ({mkl}); `torch.__config__.show()` in raw/torch-config.txt")
    else:
        L.append("- PyTorch: not measured (--no-torch, or it could not be installed)")
    return L


def parse_cpu(path):
    text = open(path).read()
    user = float(re.search(r"User time \(seconds\): (\S+)", text).group(1))
    system = float(re.search(r"System time \(seconds\): (\S+)", text).group(1))
    return user + system


def parse_time_v(path):
    text = open(path).read()
    wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)", text).group(1)
    seconds = 0.0
    for part in wall.split(":"):
        seconds = seconds * 60 + float(part)
    rss_kb = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", text).group(1))
    cpu = re.search(r"Percent of CPU this job got: (\S+)", text).group(1)
    return seconds, rss_kb, cpu


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--neuromod", nargs="+", required=True)
    p.add_argument("--numpy", nargs="+", required=True)
    p.add_argument("--study-time")
    p.add_argument("--study-summary")
    p.add_argument("--study-command", default="")
    p.add_argument("--study-rss", help="'seconds kB' samples of the study's resident set")
    p.add_argument("--numpy-study")
    p.add_argument("--numpy-study-time")
    p.add_argument("--machine", default="")
    p.add_argument("--load", default="")
    p.add_argument("--revision", default="", help="what was built (commit)")
    p.add_argument("--raw", help="folder of the per-round JSON of all programs (the competitor tables)")
    p.add_argument("--cpu-flags", default="", help="the instruction sets the CPU has")
    p.add_argument("--command", default="", help="the run.sh command line")
    p.add_argument("--out", required=True)
    a = p.parse_args()

    nm, npy = load(a.neuromod), load(a.numpy)
    nm0, np0 = nm[0], npy[0]
    L = []
    L.append(f"# Neuromod benchmark — {time.strftime('%Y-%m-%d %H:%M %Z')}")
    L.append("")
    if a.revision:
        L.append(f"Built from: {a.revision}.")
    L.append(f"Machine: {a.machine}; load average (1/5/15 min) {a.load}. "
             f"Housing network {'-'.join(map(str, nm0['layerSizes']))}, batch {nm0['batch']}, "
             f"{nm0['parameters']} parameters, float64.")
    L.append(f"Threads: Neuromod OpenBLAS {nm0['blasThreadsAtStart']} at start → {nm0['blasThreads']}, "
             f"probe-noise threads {nm0.get('noiseThreads', 1)} "
             f"(OPENBLAS_NUM_THREADS={nm0.get('openblasEnvironment') or 'unset'}); "
             f"NumPy {np0['numpy']} ({np0['blas']}) OpenBLAS {np0['blasThreads']}. "
             f"Everything else single-threaded on both sides.")
    L.append(f"Generators: Neuromod {nm0['random']} (GSL, ziggurat, 256 per-instance streams); NumPy PCG64 "
             f"(default_rng, ziggurat). {len(nm)} round(s) alternating the two programs; each figure is the "
             f"median over rounds of the per-round median of {nm0['methods'][0]['update']['repeats']} timed "
             f"updates after {nm0['methods'][0]['update']['warmup']} warm-up ones; min is the fastest single update.")
    L.append(f"Spec check: {nm0['specCheck']}.")
    L.append("")
    runs = competitors(a.raw) if a.raw else {}
    if runs:
        L.append("## Against NumPy and PyTorch: ms per update")
        L.append("")
        if a.command:
            L.append(f"`{a.command}`")
            L.append("")
        L += libraries(runs, a.cpu_flags)
        L.append("")
        rounds = len(runs[next(iter(runs))])
        L.append(f"Median over {rounds} round(s) of each round's median update time; programs alternate within "
                 "a round (the order rotates from round to round). Ratios > 1: Neuromod is faster. "
                 "*fastest f32 / Neuromod f64*: the fastest float32 program (Neuromod's own included) against "
                 "Neuromod in float64; *fastest f32 peer / Neuromod f32*: the faster float32 peer against "
                 "Neuromod's float32 mode (`neuromod-bench --precision float32`, docs/precision.md), which runs "
                 "its products on one OpenBLAS thread and so is timed at 1 thread only. "
                 "*threads*: OpenBLAS threads and Neuromod's probe-draw threads; NumPy's OpenBLAS threads "
                 "(its generator is single-threaded); `torch.set_num_threads`.")
        L.append("")
        L += competitor_table(runs, lambda ts: med(ts)[0])
        L.append("")
        L.append("Best round (the lowest per-round median: the least disturbed round):")
        L.append("")
        L += competitor_table(runs, best)
        L.append("")
        L.append("Fastest single update (min over rounds; with 2 threads on a shared 2-core machine the medians "
                 "can be dominated by threads waiting for a descheduled partner):")
        L.append("")
        L += competitor_table(runs, lambda ts: med(ts)[1])
        L.append("")
    L.append("## One update (forward pass(es), noise, update, applied)")
    L.append("")
    L.append("| method | Neuromod ms/update: median · best round · min | NumPy ms/update: median · best round · min "
             "| **ratio NumPy/Neuromod**: medians · best rounds · minima | CPU ms Neuromod · NumPy (ratio) |")
    L.append("|---|---:|---:|---:|---:|")
    nmm, npm = by_method(nm), by_method(npy)
    for method in nmm:
        (a1, b1), (a2, b2) = med(nmm[method]), med(npm[method])
        r1, r2 = best(nmm[method]), best(npm[method])
        c1, c2 = cpu_med(nmm[method]), cpu_med(npm[method])
        cpu = f"{c1:.3f} · {c2:.3f} ({c2 / c1:.2f})" if c1 and c2 else "–"
        L.append(f"| {method} | {a1:.3f} · {r1:.3f} · {b1:.3f} | {a2:.3f} · {r2:.3f} · {b2:.3f} "
                 f"| {a2 / a1:.2f} · **{r2 / r1:.2f}** · {b2 / b1:.2f} | {cpu} |")
    L.append("")
    L.append("Ratio > 1: Neuromod is faster. *median*: median over rounds of each round's median; *best round*: "
             "the lowest per-round median; *min*: the fastest single update. CPU ms: the calling thread's CPU time "
             "(`CLOCK_THREAD_CPUTIME_ID` / `time.thread_time_ns`; OpenBLAS runs single-threaded in that thread), "
             "median over rounds. On this shared 2-vCPU machine a co-running process slows the code itself (CPU "
             "time rises with wall time, per-round medians are bimodal), so the best-round medians and the minima "
             "are the estimates of the undisturbed cost; the medians show what a busy machine gives. "
             + (f"Neuromod drew the weight probe on {nm0['noiseThreads']} threads: its CPU time counts only the "
                "calling thread's share." if nm0.get("noiseThreads", 1) > 1 else ""))
    L.append("")
    L.append("## Weight perturbation against its noise floor")
    L.append("")
    nf = med([r["floor"]["perInstance"] for r in nm])
    nf1 = med([r["floor"]["singleStream"] for r in nm])
    pf = med([r["floor"]["perInstance"] for r in npy])
    wp_n, tf_n = med(nmm["WP"])[0], med(nmm["3F-WP"])[0]
    wp_p, tf_p = med(npm["WP"])[0], med(npm["3F-WP"])[0]
    normals = nm0["floor"]["normals"]
    L.append(f"Floor: the time to draw {normals:,} = 256 × {nm0['parameters']} normals alone with the same generator.")
    L.append("")
    L.append("| | Neuromod | NumPy |")
    L.append("|---|---:|---:|")
    L.append(f"| generator | {nm0['random']}, 256 streams (as the learner) | PCG64, `rng.standard_normal((256, {nm0['parameters']}))` |")
    nfb, pfb = best([r["floor"]["perInstance"] for r in nm]), best([r["floor"]["perInstance"] for r in npy])
    L.append(f"| floor ms: median · best round · min | {nf[0]:.3f} · {nfb:.3f} · {nf[1]:.3f} | {pf[0]:.3f} · {pfb:.3f} · {pf[1]:.3f} |")
    L.append(f"| ns per normal (best round) | {nfb * 1e6 / normals:.2f} | {pfb * 1e6 / normals:.2f} |")
    fc_n = cpu_med([r["floor"]["perInstance"] for r in nm])
    fc_p = cpu_med([r["floor"]["perInstance"] for r in npy])
    wc_n, wc_p = cpu_med(nmm["WP"]), cpu_med(npm["WP"])
    if fc_n and fc_p and wc_n and wc_p:
        L.append(f"| floor CPU ms | {fc_n:.3f} | {fc_p:.3f} |")
        L.append(f"| WP update / floor (CPU times) | {wc_n / fc_n:.2f} | {wc_p / fc_p:.2f} |")
    L.append(f"| WP update / floor (best rounds) | **{best(nmm['WP']) / nfb:.2f}** | **{best(npm['WP']) / pfb:.2f}** |")
    L.append(f"| WP update / floor (medians) | {wp_n / nf[0]:.2f} | {wp_p / pf[0]:.2f} |")
    wpm_n, wpm_p = med(nmm["WP"])[1], med(npm["WP"])[1]
    L.append(f"| WP update / floor (minima) | {wpm_n / nf[1]:.2f} | {wpm_p / pf[1]:.2f} |")
    L.append(f"| 3F-WP update / floor (best rounds) | {best(nmm['3F-WP']) / nfb:.2f} | {best(npm['3F-WP']) / pfb:.2f} |")
    L.append(f"| WP update − floor, ms (best rounds) | {best(nmm['WP']) - nfb:.3f} | {best(npm['WP']) - pfb:.3f} |")
    L.append("")
    per_call = [g["perInstance"] for r in nm for g in r.get("gaussianMethods", []) if g["method"] == "ziggurat-per-call"]
    if per_call:
        gf = best(per_call)
        f32 = by_method(runs.get(("neuromod", 1, "float32"), [])) if runs else {}
        ratios = [f"WP f64 {best(nmm['WP']) / gf:.2f}", f"3F-WP f64 {best(nmm['3F-WP']) / gf:.2f}"]
        ratios += [f"{m} f32 {best(f32[m]) / gf:.2f}" for m in ("WP", "3F-WP") if m in f32]
        L.append(f"Neuromod's floor runs GSL's ziggurat with its fast path inline (the same numbers, docs/kernels.md, "
                 f"\"Gaussian draws\"). GSL's own `gsl_ran_gaussian_ziggurat`, one call per draw, fills the same "
                 f"256 streams in {gf:.3f} ms ({gf * 1e6 / normals:.2f} ns/normal, best round): update / that floor, "
                 f"best rounds: " + ", ".join(ratios) + ".")
        L.append("")
    L.append(f"Neuromod, one {nm0['random']} stream filling the whole buffer: {nf1[0]:.3f} ms (min {nf1[1]:.3f}).")
    others = {}
    for r in nm:
        for f in r.get("otherFloors", []):
            others.setdefault(f["generator"], []).append(f["perInstance"])
    if others:
        L.append("Other GSL generators, same 256-stream floor (best round of 10 repeats; ranlxd2 3): " + "; ".join(
            f"{g} {best(t):.2f} ms ({best(t) * 1e6 / normals:.2f} ns/normal)" for g, t in others.items()) + ".")
    L.append("")
    if "WP-rad" in nmm and nm0.get("signFloors"):
        L.append("## Rademacher probes (ε = ±σ, drawn from bits)")
        L.append("")
        L.append("| | Neuromod | NumPy |")
        L.append("|---|---:|---:|")
        for method in ("WP-rad", "3F-WP-rad"):
            if method in nmm and method in npm:
                L.append(f"| {method} ms/update: best round · CPU median | {best(nmm[method]):.3f} · {cpu_med(nmm[method]) or float('nan'):.3f} "
                         f"| {best(npm[method]):.3f} · {cpu_med(npm[method]) or float('nan'):.3f} |")
        for gauss, rad in (("WP", "WP-rad"), ("3F-WP", "3F-WP-rad")):
            if rad in nmm and rad in npm:
                cn, cp = cpu_med(nmm[gauss]), cpu_med(nmm[rad])
                cpu = f" · CPU {cn / cp:.2f}" if cn and cp else ""
                L.append(f"| **Gaussian {gauss} / {rad}** (best rounds{' · CPU medians' if cpu else ''}) "
                         f"| **{best(nmm[gauss]) / best(nmm[rad]):.2f}**{cpu} | {best(npm[gauss]) / best(npm[rad]):.2f} |")
        sf = [r["signFloors"][0]["perInstance"] for r in nm]
        psf = [r["signFloors"][0]["perInstance"] for r in npy if r.get("signFloors")]
        L.append(f"| sign floor: 256 × {nm0['parameters']} signs, ms (best round) | {best(sf):.3f} ({nm0['signFloors'][0]['generator']}, "
                 f"fillSignBits, 256 streams) | {best(psf):.3f} (`integers(0, 2, int8)*2-1`) |" if psf else
                 f"| sign floor: 256 × {nm0['parameters']} signs, ms (best round) | {best(sf):.3f} | – |")
        others = {}
        for r in nm:
            for f in r["signFloors"][1:]:
                others.setdefault(f["generator"], []).append(f["perInstance"])
        if others:
            L.append("")
            L.append("Sign floor of the other GSL generators (best round): " + "; ".join(
                f"{g} {best(t):.3f} ms ({best(t) * 1e6 / nm0['signFloors'][0]['signs']:.3f} ns/sign)" for g, t in others.items()) + ".")
        methods = {}
        for r in nm:
            for g in r.get("gaussianMethods", []):
                if g["method"] != "ziggurat-per-call":
                    methods.setdefault(g["method"], []).append(g["perInstance"])
        if methods:
            L.append("GSL's other Gaussian methods, same 256-stream floor, " + nm0["random"] + " (best round; ziggurat "
                     + f"{nfb:.2f} ms): " + "; ".join(f"{m} {best(t):.2f} ms ({best(t) * 1e6 / normals:.2f} ns/normal)"
                                                     for m, t in methods.items()) + ".")
        L.append("")
    L.append("## Phases (timed on their own)")
    L.append("")
    L.append("| phase | Neuromod ms: best round (min) | phase | NumPy ms: best round (min) |")
    L.append("|---|---:|---|---:|")
    for p1, p2 in itertools.zip_longest(by_phase(nm).items(), by_phase(npy).items()):
        cells = []
        for p in (p1, p2):
            cells += [p[0], f"{best(p[1]):.3f} ({med(p[1])[1]:.3f})"] if p else ["", ""]
        L.append("| " + " | ".join(cells) + " |")
    L.append("")

    if a.study_time:
        wall, rss, cpu = parse_time_v(a.study_time)
        summary = json.load(open(a.study_summary))["methods"]
        epochs_note = ""
        L.append("## Whole housing study")
        L.append("")
        cpu_s = parse_cpu(a.study_time)
        L.append(f"`{a.study_command}` under `/usr/bin/time -v`: wall **{wall:.1f} s**, CPU (user + system) {cpu_s:.1f} s, "
                 f"peak RSS **{rss / 1024:.1f} MB** ({rss} kB; bound < {STUDY_RSS_BOUND_MB} MB: "
                 f"{'met' if rss < STUDY_RSS_BOUND_MB * 1024 else 'NOT met'}), CPU {cpu}.{epochs_note}")
        L.append("")
        npy_study = json.load(open(a.numpy_study))["study"] if a.numpy_study else None
        np_by = {m["method"]: m for m in npy_study["methods"]} if npy_study else {}
        if a.study_rss:
            samples = [tuple(map(float, line.split())) for line in open(a.study_rss) if len(line.split()) == 2]
            if samples:
                t_peak, kb_peak = max(samples, key=lambda x: x[1])
                # Methods run one after the other; their walls locate the sampled peak.
                bounds, acc = [], wall - sum(s["wallSeconds"] for s in summary)
                for s in summary:
                    bounds.append((s["method"], acc, acc + s["wallSeconds"]))
                    acc += s["wallSeconds"]
                where = next((f"during {m}" for m, lo, hi in bounds if lo <= t_peak <= hi),
                             "while loading the data" if t_peak < bounds[0][1] else "while writing the results")
                L.append(f"Resident set sampled every second ({len(samples)} samples): highest {kb_peak / 1024:.1f} MB at "
                         f"{t_peak:.0f} s of {wall:.0f} s (≈ {where}); per method, highest sample: " + ", ".join(
                             f"{m} " + (f"{max(ks) / 1024:.1f} MB" if (ks := [k for t_, k in samples if lo <= t_ <= hi]) else "–")
                             for m, lo, hi in bounds) + ".")
                L.append("")
        L.append("| method | updates | Neuromod wall s | Neuromod ms/update | NumPy wall s | NumPy ms/update | ratio NumPy/Neuromod |")
        L.append("|---|---:|---:|---:|---:|---:|---:|")
        for s in summary:
            updates = s["updatesPerRun"] * s["runs"]
            n_ms = 1e3 * s["wallSeconds"] / max(updates, 1)
            q = np_by.get(s["method"])
            if q:
                L.append(f"| {s['method']} | {updates} | {s['wallSeconds']:.2f} | {n_ms:.3f} | {q['wallSeconds']:.2f} | "
                         f"{q['msPerUpdate']:.3f} | **{q['wallSeconds'] / s['wallSeconds']:.2f}** |")
            else:
                L.append(f"| {s['method']} | {updates} | {s['wallSeconds']:.2f} | {n_ms:.3f} | – | – | – |")
        L.append("")
        L.append("Per-method walls are the runner's own (training plus, per update, the clean loss pass and, per "
                 "epoch, the clean losses on the training and test sets); with `--jobs` > 1 runs overlap and "
                 "ms/update is wall time divided by all updates.")
        if a.numpy_study_time:
            w2, r2, c2 = parse_time_v(a.numpy_study_time)
            L.append(f"NumPy equivalent ({npy_study['runs']} run(s) × {npy_study['epochs']} epoch(s), "
                     f"{npy_study.get('jobs', 1)} process(es); peak RSS is the largest process's) under "
                     f"`/usr/bin/time -v`: wall {w2:.1f} s, CPU (user + system) {parse_cpu(a.numpy_study_time):.1f} s, "
                     f"peak RSS {r2 / 1024:.1f} MB, CPU {c2}. Whole-study ratios NumPy/Neuromod: process walls "
                     f"**{w2 / wall:.2f}**, CPU times **{parse_cpu(a.numpy_study_time) / cpu_s:.2f}**.")
        L.append("")
    text = "\n".join(L) + "\n"
    open(a.out, "w").write(text)
    print(text)
    print(f"wrote {a.out}")


if __name__ == "__main__":
    main()
