import sys, numpy as np
sys.path.insert(0, __import__("os").path.dirname(__file__))
from t1star import load, run
for s in ["mnist","fashion-mnist"]:
    ds=load(s)
    for passes in (2,10):
        r=run("avg", ds, seed=1, avg=True, passes=passes)
        print(f"{s:14s} averaged perceptron passes {passes}: test {r[0]:.2f} train {r[1]:.2f}", flush=True)
