# 5 seeds of the code's T=1 / T=1* path: test and train accuracy, 10k and 60k, last iterate and averaged U.
import sys, numpy as np
sys.path.insert(0, __import__("os").path.dirname(__file__))
from t1star import load, run
rows = [("T=1  code 10k", dict(A_kind="normal")), ("T=1* code 10k", dict()),
        ("T=1  code 60k", dict(A_kind="normal", ntrain=60000)), ("T=1* code 60k", dict(ntrain=60000)),
        ("T=1  averaged U 10k", dict(A_kind="normal", avg=True)), ("T=1* averaged U 10k", dict(avg=True))]
for s in ["mnist","fashion-mnist"]:
    ds = load(s)
    for name, kw in rows:
        r = np.array([run(name, ds, seed=sd, **kw) for sd in range(1, 6)])
        m, sd = r.mean(0), r.std(0, ddof=1)
        print(f"{s:14s} {name:22s} test {m[0]:.2f} ± {sd[0]:.2f}  train {m[1]:.2f} ± {sd[1]:.2f}   runs test {np.round(r[:,0],1).tolist()}", flush=True)
