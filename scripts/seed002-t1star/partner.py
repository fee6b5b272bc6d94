# 157c228's additive output update: output_weights[1 - label] (torch negative index) instead of [prediction]
import sys, numpy as np, time
sys.path.insert(0, __import__("os").path.dirname(__file__))
from t1star import load, features, acc
sets = {s: load(s) for s in ["mnist", "fashion-mnist"]}
def go(H,a,y,passes,repeat,rng,other):
    U=np.zeros((10,H.shape[1]))
    for ep in range(passes):
        perm = np.arange(len(y)) if ep==0 else rng.permutation(len(y))
        for i in perm:
            for _ in range(repeat):
                p=int(np.argmax(U@H[i]))
                if p==y[i]: break
                f=2*a[i]-1
                o = (1-y[i])%10 if other=="partner" else p
                U[o]-=0.01*f; U[y[i]]+=0.01*f
    return U
for s,(Xtr,ytr,Xte,yte) in sets.items():
  for A_kind in ("ones","normal"):
    for other in ("partner","pred"):
     for passes,repeat in ((1,2),(2,1),(2,2)):
      res=[]
      for seed in (1,2):
        rng = np.random.default_rng(seed)
        sub = rng.choice(60000, 10000, replace=False); X, y = Xtr[sub], ytr[sub]
        A = np.ones((1000,784)) if A_kind=="ones" else rng.standard_normal((1000,784))
        A = A*(rng.random((1000,784))>0.5)
        H,a = features(X,A,500); Ht,at = features(Xte,A,500)
        U=go(H,a,y,passes,repeat,rng,other)
        res.append((acc(U,Ht,yte),acc(U,H,y)))
      r=np.mean(res,0)
      print(f"{s:14s} {A_kind:6s} {other:8s} passes {passes} repeat {repeat}: test {r[0]:.2f} train {r[1]:.2f}",flush=True)
