import sys, numpy as np, time
sys.path.insert(0, __import__("os").path.dirname(__file__))
from t1star import load, run
sets = {s: load(s) for s in ["mnist", "fashion-mnist"]}
V = {
 "passes=1": dict(passes=1),
 "passes=5": dict(passes=5),
 "repeat=2,passes=1 (157c228 epochs)": dict(repeat=2, passes=1),
 "repeat=2,passes=2": dict(repeat=2, passes=2),
 "readout binary a": dict(readout="a"),
 "averaged perceptron": dict(avg=True),
 "center mnist-norm": dict(center="mnist-norm"),
 "center pixel-mean": dict(center="pixel-mean"),
 "center image-mean": dict(center="image-mean"),
 "k=100": dict(k=100), "k=250": dict(k=250), "k=800": dict(k=800),
 "update with h": dict(update="h"),
 "binary input": dict(binary_input=True),
 "no mask p": dict(p=0.1),
}
for vn, kw in V.items():
    for s, ds in sets.items():
        t=time.time()
        r = [run(vn, ds, seed=sd, **kw) for sd in (1, 2)]
        print(f"{vn:38s} {s:14s} test {np.mean([x[0] for x in r]):6.2f} train {np.mean([x[1] for x in r]):6.2f}  ({time.time()-t:.0f}s)", flush=True)
