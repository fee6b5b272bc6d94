"""T=1* (Table 2, seed 002) in NumPy: the authors' code path and variants.

Usage: OPENBLAS_NUM_THREADS=1 python3 scripts/seed002-t1star/t1star.py [variant ...]
"""
import gzip, os, sys, time
import numpy as np

DATA = os.environ.get("NEUROMOD_DATA", "../shared/data")


def idx(path):
    with gzip.open(path, "rb") as f:
        b = f.read()
    nd = b[3]
    dims = [int.from_bytes(b[4 + 4 * i:8 + 4 * i], "big") for i in range(nd)]
    return np.frombuffer(b, np.uint8, offset=4 + 4 * nd).reshape(dims)


def load(name):
    d = f"{DATA}/{name}"
    Xtr = idx(f"{d}/train-images-idx3-ubyte.gz").reshape(60000, -1) / 255.0
    ytr = idx(f"{d}/train-labels-idx1-ubyte.gz").astype(int)
    Xte = idx(f"{d}/t10k-images-idx3-ubyte.gz").reshape(10000, -1) / 255.0
    yte = idx(f"{d}/t10k-labels-idx1-ubyte.gz").astype(int)
    return Xtr, ytr, Xte, yte


def cap(Z, k):
    """top-k per row (torch.topk picks; ties irrelevant for continuous drives). Returns h, a."""
    idxs = np.argpartition(-Z, k - 1, axis=1)[:, :k]
    a = np.zeros_like(Z)
    np.put_along_axis(a, idxs, 1.0, axis=1)
    return Z * a, a


def features(X, A, k, bias=0.0):
    Z = np.maximum(X @ A.T + bias, 0.0)
    return cap(Z, k)


def train(H, Aind, y, passes, rng, ro=((-1, 1), (1, -1)), eta=0.01, order="shuffle",
          repeat=1, readout="h", update_feat=None, gate="mis", avg=False):
    """Perceptron-style output rule: U[pred] += eta*ro[a][1], U[label] += eta*ro[a][0]."""
    n = H.shape[1]
    U = np.zeros((10, n))
    Usum = np.zeros((10, n)); cnt = 0
    ro = np.asarray(ro, float)
    R = H if readout == "h" else Aind
    F = Aind if update_feat is None else update_feat
    N = len(y)
    perm = np.arange(N)
    for ep in range(passes):
        if order == "shuffle" and ep > 0:
            perm = rng.permutation(N)
        for i in perm:
            for _ in range(repeat):
                pred = int(np.argmax(U @ R[i]))
                if gate == "mis" and pred == y[i]:
                    break
                f = F[i]
                # row = fired bit: col0 label, col1 pred; table rows [notfired, fired]
                U[pred] += eta * (ro[0, 1] + (ro[1, 1] - ro[0, 1]) * f)
                U[y[i]] += eta * (ro[0, 0] + (ro[1, 0] - ro[0, 0]) * f)
            if avg:
                Usum += U; cnt += 1
    return (Usum / cnt) if avg else U


def acc(U, H, y):
    return 100.0 * np.mean(np.argmax(H @ U.T, axis=1) == y)


def run(name, ds, seed=1, n=1000, k=500, p=0.5, A_kind="ones", mask=True, passes=2, center=None,
        repeat=1, readout="h", avg=False, bias=0.0, ntrain=10000, binary_input=False, scale_x=1.0,
        update="a"):
    Xtr, ytr, Xte, yte = ds
    rng = np.random.default_rng(seed)
    sub = rng.choice(60000, ntrain, replace=False)
    X, y = Xtr[sub], ytr[sub]
    Xt = Xte
    if binary_input:
        X = (X > 0.5).astype(float); Xt = (Xt > 0.5).astype(float)
    if center == "mnist-norm":  # torchvision Normalize((0.1307,), (0.3081,))
        X = (X - 0.1307) / 0.3081; Xt = (Xt - 0.1307) / 0.3081
    elif center == "pixel-mean":
        m = X.mean(0); X = X - m; Xt = Xt - m
    elif center == "image-mean":
        X = X - X.mean(1, keepdims=True); Xt = Xt - Xt.mean(1, keepdims=True)
    X = X * scale_x; Xt = Xt * scale_x
    d = X.shape[1]
    A = np.ones((n, d)) if A_kind == "ones" else rng.standard_normal((n, d))
    if mask:
        A = A * (rng.random((n, d)) > 1 - p)
    H, a = features(X, A, k, bias)
    Ht, at = features(Xt, A, k, bias)
    if readout == "a":
        Rtr, Rte = a, at
    else:
        Rtr, Rte = H, Ht
    uf = None
    if update == "h":
        uf = H  # update with real activations (not a table rule)
    U = train(H if readout == "h" else a, a, y, passes, rng, repeat=repeat, readout="h",
              avg=avg, update_feat=uf)
    return acc(U, Rte, yte), acc(U, Rtr, y)


if __name__ == "__main__":
    t0 = time.time()
    sets = {s: load(s) for s in ["mnist", "fashion-mnist"]}
    variants = {
        "code (masked ones, /255, 2 passes)": {},
        "T=1 normal": {"A_kind": "normal"},
    }
    for vn, kw in variants.items():
        for s, ds in sets.items():
            r = [run(vn, ds, seed=sd, **kw) for sd in (1, 2)]
            print(f"{vn:40s} {s:14s} test {np.mean([x[0] for x in r]):6.2f} train {np.mean([x[1] for x in r]):6.2f}", flush=True)
    print("time", time.time() - t0)
