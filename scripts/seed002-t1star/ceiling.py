# Ceiling: best linear readout (ridge, one-vs-all) on the T=1* features, 10k and 60k training images.
import sys, numpy as np
sys.path.insert(0, __import__("os").path.dirname(__file__))
from t1star import load, features
for s in ["mnist","fashion-mnist"]:
    Xtr,ytr,Xte,yte = load(s)
    for ntr in (10000, 60000):
        rng=np.random.default_rng(1)
        sub=rng.choice(60000,ntr,replace=False); X,y=Xtr[sub],ytr[sub]
        A=np.ones((1000,784))*(rng.random((1000,784))>0.5)
        for feat in ("a","h"):
            H,a=features(X,A,500); Ht,at=features(Xte,A,500)
            F,Ft=(a,at) if feat=="a" else (H/H.mean(),Ht/H.mean())
            F=np.hstack([F,np.ones((len(F),1))]); Ft=np.hstack([Ft,np.ones((len(Ft),1))])
            Y=np.eye(10)[y]
            for lam in (1.0, 100.0):
                W=np.linalg.solve(F.T@F+lam*np.eye(F.shape[1]),F.T@Y)
                print(f"{s:14s} n={ntr} feat {feat} ridge lam {lam}: test {100*np.mean(np.argmax(Ft@W,1)==yte):.2f} train {100*np.mean(np.argmax(F@W,1)==y):.2f}",flush=True)
