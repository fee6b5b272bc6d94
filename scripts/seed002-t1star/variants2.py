import sys, numpy as np, time
sys.path.insert(0, __import__("os").path.dirname(__file__))
import t1star
from t1star import load, run
sets = {s: load(s) for s in ["mnist", "fashion-mnist"]}
orig = t1star.train
def mk(ro):
    def tr(*a, **k):
        k["ro"] = ro; return orig(*a, **k)
    return tr
V = {}
for a_, b_ in [(0,1),(0.25,1),(0.5,1),(1,0.5),(1,0)]:
    V[f"ro [[-{a_},{a_}],[{b_},-{b_}]]"] = ((( -a_, a_), (b_, -b_)), {})
V["ro perceptron, 60k, 2 passes"] = (((-1,1),(1,-1)), dict(ntrain=60000))
for vn, (ro, kw) in V.items():
    t1star.train = mk(ro)
    for s, ds in sets.items():
        t=time.time()
        seeds = (1,) if kw.get("ntrain") else (1,2)
        r = [run(vn, ds, seed=sd, **kw) for sd in seeds]
        print(f"{vn:38s} {s:14s} test {np.mean([x[0] for x in r]):6.2f} train {np.mean([x[1] for x in r]):6.2f}  ({time.time()-t:.0f}s)", flush=True)
