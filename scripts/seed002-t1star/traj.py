import sys, numpy as np, time
sys.path.insert(0, __import__("os").path.dirname(__file__))
from t1star import load, features, acc
sets = {s: load(s) for s in ["mnist", "fashion-mnist"]}
for s,(Xtr,ytr,Xte,yte) in sets.items():
  for A_kind in ("ones","normal"):
    for seed in (1,2,3):
        rng = np.random.default_rng(seed)
        sub = rng.choice(60000, 10000, replace=False); X, y = Xtr[sub], ytr[sub]
        A = np.ones((1000,784)) if A_kind=="ones" else rng.standard_normal((1000,784))
        A = A*(rng.random((1000,784))>0.5)
        H,a = features(X,A,500); Ht,at = features(Xte,A,500)
        U = np.zeros((10,1000)); te=[]; tr=[]; Us=np.zeros_like(U); c=0
        for ep in range(2):
            perm = np.arange(10000) if ep==0 else rng.permutation(10000)
            for j,i in enumerate(perm):
                p = int(np.argmax(U@H[i]))
                if p!=y[i]:
                    f = 2*a[i]-1; U[p]-=0.01*f; U[y[i]]+=0.01*f
                Us+=U; c+=1
                if (j+1)%500==0:
                    te.append(acc(U,Ht,yte)); tr.append(acc(U,H,y))
        te=np.array(te); tr=np.array(tr)
        print(f"{s:14s} {A_kind:6s} seed {seed}: final test {te[-1]:.2f} train {tr[-1]:.2f} | max test {te.max():.2f} (ckpt {te.argmax()}) max train {tr.max():.2f} | mean test last 10 {te[-10:].mean():.2f} | avg-U test {acc(Us/c,Ht,yte):.2f}", flush=True)
