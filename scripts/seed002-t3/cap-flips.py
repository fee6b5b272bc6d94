"""How discontinuous is a k-cap net in its input? (seed 002, docs/plasticity-rules.md "T = 3: the variants")

Counts the units whose cap selection changes, per round, when each of the first 100 MNIST test
images moves by a random l2 step (0.1: one attack step; 2: an attack radius), clipped to [0, 1]:
`paper` with W = 0 (T=1's features) against `code` with W = 1 on G's edges and b = 1
(table2-t3-code.yaml's `T=3 code mult r=0`). n = 1000, k = 500, p = 0.5, A ~ N(0, 1) masked with
p; NumPy's own draws (not Neuromod's streams). A selected unit with zero drive does not count.

Usage: python3 scripts/seed002-t3/cap-flips.py   (NEUROMOD_DATA, default ../shared/data)
"""
import gzip, os
import numpy as np

DATA = os.environ.get("NEUROMOD_DATA", "../shared/data")
X = np.frombuffer(gzip.open(f'{DATA}/mnist/t10k-images-idx3-ubyte.gz').read()[16:], dtype=np.uint8).reshape(-1, 784)[:100] / 255.
rng = np.random.default_rng(1); n, k = 1000, 500
A = rng.standard_normal((n, 784)) * (rng.random((n, 784)) < 0.5)
G = (rng.random((n, n)) < 0.5).astype(float); np.fill_diagonal(G, 0)   # G[i, j]: edge i -> j
def cap(z):
    z = np.maximum(z, 0); idx = np.argsort(-z, kind='stable')[:k]; h = np.zeros(n); h[idx] = z[idx]; return h, set(idx[z[idx] > 0])
def code(x):
    ax = A @ x; h, s = cap(ax + 1); sets = [s]
    for t in (2, 3):
        h, s = cap(G.T @ (h + ax) + 1); sets.append(s)
    return sets
def paper_w0(x):
    return [cap(A @ x)[1]]
for step in (0.1, 2.0):
    fp, fc = [], []
    for x in X:
        d = rng.standard_normal(784); d *= step / np.linalg.norm(d); y = np.clip(x + d, 0, 1)
        a, b = paper_w0(x), paper_w0(y); fp.append(len(a[0] ^ b[0]) / 2)
        a, b = code(x), code(y); fc.append([len(a[t] ^ b[t]) / 2 for t in range(3)])
    fc = np.array(fc)
    print(f'random step {step}: paper W=0 round 1 flips {np.mean(fp):.1f} of {k}; code W=1 rounds 1,2,3 flips', fc.mean(0).round(1))
