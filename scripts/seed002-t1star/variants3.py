import sys, numpy as np, time
sys.path.insert(0, __import__("os").path.dirname(__file__))
from t1star import load, run
sets = {s: load(s) for s in ["mnist", "fashion-mnist"]}
V = {"mask p=0.02": dict(p=0.02), "mask p=0.05": dict(p=0.05), "mask p=0.9": dict(p=0.9),
     "T=1 normal 60k": dict(A_kind="normal", ntrain=60000), "60k passes=1": dict(ntrain=60000, passes=1)}
for vn, kw in V.items():
    for s, ds in sets.items():
        t=time.time()
        seeds = (1,) if kw.get("ntrain") else (1,2)
        r = [run(vn, ds, seed=sd, **kw) for sd in seeds]
        print(f"{vn:38s} {s:14s} test {np.mean([x[0] for x in r]):6.2f} train {np.mean([x[1] for x in r]):6.2f}  ({time.time()-t:.0f}s)", flush=True)
