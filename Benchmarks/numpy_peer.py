#!/usr/bin/env python3
"""A plain NumPy implementation of the thesis's four housing methods (and WP, 3F-WP with Rademacher
probes), timed like neuromod-bench.

The peer that Benchmarks/run.sh times side by side with `neuromod-bench`: same network
(8-128-64-1, sigmoid hidden layers, linear output, uniform init U(±1/sqrt(fan_in)) for weights and
biases), same batch (256 standardized California Housing rows), float64 (--dtype float32 for the
per-update timings), row-major, per-sample MSE,
reward R = -L, batch-mean baseline, centered reward A = R - mean(R):

- BP    (SGD, eta 0.02):  exact gradient of the batch-mean MSE.
- WP    (Algorithm 1, eta 0.05, sigma 0.1): every weight and bias perturbed per sample by
        eps ~ N(0, sigma^2); forward with per-sample weights (W x + einsum over the draws);
        dW = eta/B sum_n A_n eps_n / sigma  (one GEMV over the [B x 9473] draws).
- 3F-WP (Algorithm 2, output-unit reading, eta 0.05, sigma 0.1): on hidden layers the Hebbian
        factor x_in x_out of the perturbed pass, dW_ji = eta/B sum_n A_n x_i x_j eps_ji / sigma,
        db_j = eta/B sum_n A_n x_j eps_j / sigma; on the linear output layer eligibility 1 (as WP).
- 3F-NP (Algorithm 3, eta 0.01, sigma 0.1): a clean pass and a noisy pass with sigma*xi,
        xi ~ N(0, 1), added after every layer's activation (including the linear output) and fed
        forward; dW_l = eta/B sum_n A_n (g(a_l) xi_l / sigma) a_{l-1}^T with clean a, g = a(1-a)
        for sigmoid layers and 1 for the output.

- WP-rad, 3F-WP-rad (per-update timings only, not in the study): WP and 3F-WP with a Rademacher
        probe eps = +-sigma, drawn as NumPy users do, rng.integers(0, 2, (B, 9473), dtype=np.int8)
        * 2 - 1, cast to the update's precision and scaled by sigma; the rest as WP and 3F-WP.

Noise comes from numpy's default_rng (PCG64) standard_normal (ziggurat). The noise floor is
rng.standard_normal((256, 9473)). The "whole housing experiment" mirrors NeuromodLab's Runner:
per method and run, fresh initial weights, a per-run shuffle each epoch, minibatches of 256 (the
last one smaller), for every perturbation method an extra clean forward pass per update (the
runner's clean loss), and after each epoch the clean loss on the whole training and test sets.

OpenBLAS/OMP threads are set (before numpy is imported) to --threads (default 1).
Usage: python3 Benchmarks/numpy_peer.py [--repeats N] [--warmup N] [--threads N] [--dtype float64|float32]
                                        [--json PATH]
                                        [--epochs E] [--runs R] [--jobs J] [--study-only]
"""
import argparse
import ctypes
import glob
import gzip
import json
import math
import os
import platform
import sys
import time

THREAD_VARS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--repeats", type=int, default=50, help="timed calls per measurement (default 50)")
    p.add_argument("--warmup", type=int, default=5, help="untimed calls before timing (default 5)")
    p.add_argument("--threads", type=int, default=1, help="OpenBLAS/OMP threads (default 1)")
    p.add_argument("--dtype", choices=("float64", "float32"), default="float64",
                   help="precision of the per-update timings (default float64; the study is float64)")
    p.add_argument("--seed", type=int, default=1, help="seed of split, init and noise (default 1)")
    p.add_argument("--batches", type=int, default=8, help="distinct minibatches cycled through (default 8)")
    p.add_argument("--data", default=None, help="housing CSV (default Models/data/california_housing.csv.gz)")
    p.add_argument("--json", default=None, help="write machine-readable results here")
    p.add_argument("--epochs", type=int, default=0,
                   help="whole-experiment equivalent: epochs per run (default 0: skip; the study uses 100)")
    p.add_argument("--runs", type=int, default=1, help="whole-experiment equivalent: runs per method (study: 5)")
    p.add_argument("--jobs", type=int, default=1,
                   help="whole-experiment equivalent: runs trained at once, one process each (default 1)")
    p.add_argument("--study-only", action="store_true", help="skip the per-update timings")
    return p.parse_args(argv)


if __name__ == "__main__":
    _ARGS = parse_args()
    for _var in THREAD_VARS:
        os.environ[_var] = str(_ARGS.threads)

import numpy as np  # noqa: E402  (after the thread environment is set)

SIZES = (8, 128, 64, 1)
ACTIVATIONS = ("sigmoid", "sigmoid", "linear")
BATCH = 256
METHODS = {
    "BP": dict(eta=0.02, sigma=None),
    "WP": dict(eta=0.05, sigma=0.1),
    "3F-WP": dict(eta=0.05, sigma=0.1),
    "3F-NP": dict(eta=0.01, sigma=0.1),
}
# WP and 3F-WP with the Rademacher probe: timed per update (as neuromod-bench's WP-rad, 3F-WP-rad),
# not part of the study.
RADEMACHER = {
    "WP-rad": dict(eta=0.05, sigma=0.1),
    "3F-WP-rad": dict(eta=0.05, sigma=0.1),
}


def rademacher(rng, shape, dtype):
    """+-1 in `dtype`, the way a NumPy user draws signs: integers {0, 1} as int8, times 2, minus 1."""
    return (rng.integers(0, 2, size=shape, dtype=np.int8) * 2 - 1).astype(dtype)


# ----------------------------------------------------------------------------------------------
# The network: params is a list of (W [post x pre], b [post]) per layer.

def parameter_count(sizes=SIZES):
    return sum(sizes[l] * sizes[l + 1] + sizes[l + 1] for l in range(len(sizes) - 1))


def init_params(rng, sizes=SIZES):
    """Uniform init U(-1/sqrt(fan_in), 1/sqrt(fan_in)) for weights and biases (PyTorch's default)."""
    params = []
    for l in range(len(sizes) - 1):
        bound = 1.0 / math.sqrt(sizes[l])
        params.append((rng.uniform(-bound, bound, (sizes[l + 1], sizes[l])),
                       rng.uniform(-bound, bound, sizes[l + 1])))
    return params


def activate(z, kind):
    return 1.0 / (1.0 + np.exp(-z)) if kind == "sigmoid" else z


def forward(params, x, activations=ACTIVATIONS):
    """Clean pass; returns [x, a_1, ..., a_L]."""
    a = [x]
    for (W, b), kind in zip(params, activations):
        a.append(activate(a[-1] @ W.T + b, kind))
    return a


def sample_losses(y, t):
    """Per-sample MSE (1/K) sum_k (y_k - t_k)^2."""
    return ((y - t) ** 2).mean(axis=1)


def centered_reward(losses):
    r = -losses
    return r - r.mean()


def cast(params, dtype):
    return [(W.astype(dtype), b.astype(dtype)) for W, b in params]


def apply(params, updates):
    for (W, b), (dW, db) in zip(params, updates):
        W += dW
        b += db


def layer_slices(sizes=SIZES):
    """Column ranges of W_l and b_l in a per-sample draw vector ordered W1, b1, W2, b2, ..."""
    out, off = [], 0
    for l in range(len(sizes) - 1):
        nw, nb = sizes[l] * sizes[l + 1], sizes[l + 1]
        out.append((slice(off, off + nw), slice(off + nw, off + nw + nb)))
        off += nw + nb
    return out


# ----------------------------------------------------------------------------------------------
# The four updates. Each returns (mean loss the update was computed from, [(dW, db)] per layer).

def bp_update(params, x, t, eta, activations=ACTIVATIONS):
    a = forward(params, x, activations)
    y = a[-1]
    B, K = y.shape
    delta = 2.0 * (y - t) / (B * K)                      # dL/dy of the batch-mean loss
    updates = [None] * len(params)
    for l in range(len(params) - 1, -1, -1):
        if activations[l] == "sigmoid":
            delta = delta * a[l + 1] * (1.0 - a[l + 1])  # through phi'
        updates[l] = (-eta * (delta.T @ a[l]), -eta * delta.sum(axis=0))
        if l > 0:
            delta = delta @ params[l][0]
    return sample_losses(y, t).mean(), updates


def perturbed_forward(params, x, eps, sizes, activations):
    """Forward pass with per-sample weights W + eps_W^(n), b + eps_b^(n); eps is [B x P]."""
    B = x.shape[0]
    a = [x]
    for l, ((W, b), (sw, sb), kind) in enumerate(zip(params, layer_slices(sizes), activations)):
        eW = eps[:, sw].reshape(B, sizes[l + 1], sizes[l])
        z = a[-1] @ W.T + b + np.einsum("nji,ni->nj", eW, a[-1]) + eps[:, sb]
        a.append(activate(z, kind))
    return a


def wp_update(params, x, t, eta, sigma, eps, sizes=SIZES, activations=ACTIVATIONS):
    """Algorithm 1. eps: [B x P] draws from N(0, sigma^2), per sample ordered W1, b1, W2, b2, ..."""
    a = perturbed_forward(params, x, eps, sizes, activations)
    losses = sample_losses(a[-1], t)
    A = centered_reward(losses)
    flat = (eta / (x.shape[0] * sigma)) * (A @ eps)       # one GEMV over the draws
    updates = [(flat[sw].reshape(sizes[l + 1], sizes[l]), flat[sb]) for l, (sw, sb) in enumerate(layer_slices(sizes))]
    return losses.mean(), updates


def tfwp_update(params, x, t, eta, sigma, eps, sizes=SIZES, activations=ACTIVATIONS):
    """Algorithm 2, output-unit reading: Hebbian x_in x_out (perturbed pass) on hidden layers,
    eligibility 1 on the output layer."""
    B = x.shape[0]
    a = perturbed_forward(params, x, eps, sizes, activations)
    losses = sample_losses(a[-1], t)
    A = centered_reward(losses)
    alpha = eta / (B * sigma)
    last = len(params) - 1
    updates = []
    for l, (sw, sb) in enumerate(layer_slices(sizes)):
        if l == last:
            updates.append(((alpha * (A @ eps[:, sw])).reshape(sizes[l + 1], sizes[l]), alpha * (A @ eps[:, sb])))
            continue
        eW = eps[:, sw].reshape(B, sizes[l + 1], sizes[l])
        c = A[:, None] * a[l + 1]                         # A^(n) x_out^(n)
        updates.append((alpha * np.einsum("nj,ni,nji->ji", c, a[l], eW), alpha * (c * eps[:, sb]).sum(axis=0)))
    return losses.mean(), updates


def tfnp_update(params, x, t, eta, sigma, xi, sizes=SIZES, activations=ACTIVATIONS):
    """Algorithm 3. xi: [B x (sum of layer sizes)] standard normals, per sample ordered layer 1, 2, ...;
    the noisy pass adds sigma*xi after every activation and feeds it forward."""
    B = x.shape[0]
    clean = forward(params, x, activations)
    noisy = x
    offsets = np.cumsum((0,) + tuple(sizes[1:]))
    for l, ((W, b), kind) in enumerate(zip(params, activations)):
        noisy = activate(noisy @ W.T + b, kind) + sigma * xi[:, offsets[l]:offsets[l + 1]]
    losses = sample_losses(noisy, t)
    A = centered_reward(losses)
    alpha = eta / (B * sigma)
    updates = []
    for l, kind in enumerate(activations):
        g = clean[l + 1] * (1.0 - clean[l + 1]) if kind == "sigmoid" else 1.0
        delta = A[:, None] * g * xi[:, offsets[l]:offsets[l + 1]]
        updates.append((alpha * (delta.T @ clean[l]), alpha * delta.sum(axis=0)))
    return losses.mean(), updates


def make_step(method, params, rng, sizes=SIZES, activations=ACTIVATIONS, dtype=np.float64):
    """A function (x, t) -> loss performing one whole update of `method` (draws included), applied;
    the draws in `dtype` (params and batches must be in it too)."""
    cfg = {**METHODS, **RADEMACHER}[method]
    eta, sigma = cfg["eta"], cfg["sigma"]
    P = parameter_count(sizes)
    nodes = sum(sizes[1:])

    def step(x, t):
        if method == "BP":
            loss, upd = bp_update(params, x, t, eta, activations)
        elif method == "3F-NP":
            loss, upd = tfnp_update(params, x, t, eta, sigma, rng.standard_normal((x.shape[0], nodes), dtype), sizes, activations)
        else:
            if method.endswith("-rad"):
                eps = rademacher(rng, (x.shape[0], P), dtype)
            else:
                eps = rng.standard_normal((x.shape[0], P), dtype)
            eps *= sigma
            f = wp_update if method in ("WP", "WP-rad") else tfwp_update
            loss, upd = f(params, x, t, eta, sigma, eps, sizes, activations)
        apply(params, upd)
        return loss

    return step


# ----------------------------------------------------------------------------------------------
# Data, timing, environment.

def default_data_path():
    here = os.path.dirname(os.path.abspath(__file__))
    return os.path.join(here, "..", "Models", "data", "california_housing.csv.gz")


def load_housing(path, seed, test_fraction=0.2):
    """Standardized (train_x, train_t, test_x, test_t): seeded 80/20 split, inputs z-scored on the
    training rows (ddof 0), target MedHouseVal left in units of 100 000 USD."""
    opener = gzip.open if open(path, "rb").read(2) == b"\x1f\x8b" else open
    with opener(path, "rt") as f:
        header = [h.strip() for h in f.readline().split(",")]
        data = np.loadtxt(f, delimiter=",")
    target = header.index("MedHouseVal")
    inputs = [i for i in range(len(header)) if i != target]
    order = np.random.default_rng(seed).permutation(len(data))
    n_test = int(math.ceil(test_fraction * len(data)))
    test, train = data[order[:n_test]], data[order[n_test:]]
    mean, std = train[:, inputs].mean(axis=0), train[:, inputs].std(axis=0)
    z = lambda d: np.ascontiguousarray((d[:, inputs] - mean) / std)  # noqa: E731
    return z(train), np.ascontiguousarray(train[:, [target]]), z(test), np.ascontiguousarray(test[:, [target]])


def timing(samples_ns, cpu_ns, warmup):
    ms = sorted(s / 1e6 for s in samples_ns)
    cpu = sorted(s / 1e6 for s in cpu_ns)
    return dict(medianMs=float(np.median(ms)), minMs=ms[0], meanMs=float(np.mean(ms)), maxMs=ms[-1],
                cpuMedianMs=float(np.median(cpu)), cpuMinMs=cpu[0], repeats=len(ms), warmup=warmup)


def measure(fn, warmup, repeats):
    """Wall time and the calling thread's CPU time of each call (single-threaded BLAS runs in it)."""
    for i in range(warmup):
        fn(i)
    samples, cpu = [], []
    for i in range(repeats):
        cpu_start = time.thread_time_ns()
        start = time.perf_counter_ns()
        fn(warmup + i)
        samples.append(time.perf_counter_ns() - start)
        cpu.append(time.thread_time_ns() - cpu_start)
    return timing(samples, cpu, warmup)


def openblas_info():
    """Threads, config and core (kernel) of numpy's bundled OpenBLAS, asked through ctypes (None
    for what cannot be asked)."""
    libdir = os.path.join(os.path.dirname(np.__file__), "..", "numpy.libs")
    for lib in glob.glob(os.path.join(libdir, "*openblas*.so*")):
        try:
            so = ctypes.CDLL(lib)
        except OSError:
            continue

        def call(stem, restype):
            for name in (f"scipy_openblas_{stem}64_", f"openblas_{stem}64_", f"openblas_{stem}"):
                if hasattr(so, name):
                    getattr(so, name).restype = restype
                    value = getattr(so, name)()
                    return value.decode() if isinstance(value, bytes) else value
            return None
        return dict(threads=call("get_num_threads", ctypes.c_int), config=call("get_config", ctypes.c_char_p),
                    core=call("get_corename", ctypes.c_char_p))
    return dict(threads=None, config=None, core=None)


def blas_name():
    try:
        cfg = np.show_config(mode="dicts")
        blas = cfg["Build Dependencies"]["blas"]
        return f'{blas.get("name")} {blas.get("version")}'
    except Exception:  # noqa: BLE001
        return "unknown"


# ----------------------------------------------------------------------------------------------
# The benchmark.

def bench_updates(args, data, out):
    train_x, train_t = data[0], data[1]
    rng_order = np.random.default_rng([args.seed, 3])
    order = rng_order.permutation(len(train_x))
    dtype = np.dtype(args.dtype)
    batches = [(train_x[order[b * BATCH:(b + 1) * BATCH]].astype(dtype), train_t[order[b * BATCH:(b + 1) * BATCH]].astype(dtype))
               for b in range(min(args.batches, len(train_x) // BATCH))]
    P = parameter_count()
    out["methods"] = []
    print(f"numpy_peer: housing network {'-'.join(map(str, SIZES))}, batch {BATCH}, {P} parameters, "
          f"{len(batches)} minibatches of {len(train_x)} training rows")
    print(f"  numpy {np.__version__} ({blas_name()}, core {out['blasCore']}), PCG64, {args.dtype}; "
          f"OpenBLAS threads {out['blasThreads']} "
          f"(OPENBLAS_NUM_THREADS={os.environ.get('OPENBLAS_NUM_THREADS', 'unset')}); "
          f"{args.warmup} warm-up + {args.repeats} timed calls per measurement")
    print("\n  method   median ms     min ms   (one update, applied)")
    for method, cfg in {**METHODS, **RADEMACHER}.items():
        params = cast(init_params(np.random.default_rng([args.seed, 2])), dtype)
        step = make_step(method, params, np.random.default_rng([args.seed, 5]), dtype=dtype)
        losses = []
        tm = measure(lambda i: losses.append(step(*batches[i % len(batches)])), args.warmup, args.repeats)
        first, last = losses[args.warmup], losses[-1]
        out["methods"].append(dict(method=method, learningRate=cfg["eta"], sigma=cfg["sigma"], update=tm,
                                   firstLoss=float(first), lastLoss=float(last)))
        print(f"  {method:<6} {tm['medianMs']:8.3f}   {tm['minMs']:8.3f}   loss {first:.4f} → {last:.4f}")

    params = cast(init_params(np.random.default_rng([args.seed, 2])), dtype)
    rng = np.random.default_rng([args.seed, 5])
    eps = 0.1 * rng.standard_normal((BATCH, P), dtype)
    z_block = np.random.default_rng([args.seed, 1]).standard_normal((BATCH, 192), dtype)

    def noisy_forward(x):
        """NP's noisy pass, its draws included (as Neuromod's forward with a .nodes probe)."""
        offsets = np.cumsum((0,) + SIZES[1:])
        xi = rng.standard_normal((len(x), offsets[-1]), dtype)
        a = x
        for l, ((W, b), kind) in enumerate(zip(params, ACTIVATIONS)):
            a = activate(a @ W.T + b, kind) + 0.1 * xi[:, offsets[l]:offsets[l + 1]]
        return a

    def draw(_):
        e = rng.standard_normal((BATCH, P), dtype)
        e *= 0.1

    phases = [
        ("clean forward", lambda i: forward(params, batches[i % len(batches)][0])),
        (f"WP: draw 256 × {P} (standard_normal, × sigma)", draw),
        ("WP: perturbed forward (einsum over draws)",
         lambda i: perturbed_forward(params, batches[i % len(batches)][0], eps, SIZES, ACTIVATIONS)),
        ("NP: noisy forward (with its draws)", lambda i: noisy_forward(batches[i % len(batches)][0])),
        ("sigmoid over 256 × 192 (1/(1+np.exp(-z)))", lambda i: activate(z_block, "sigmoid")),
        ("BP: forward + backward", lambda i: bp_update(params, *batches[i % len(batches)], 0.02)),
    ]
    out["phases"] = []
    print("\n  phase                                          median ms     min ms")
    for name, fn in phases:
        tm = measure(fn, args.warmup, args.repeats)
        out["phases"].append(dict(name=name, timing=tm))
        print(f"  {name:<46} {tm['medianMs']:8.3f}   {tm['minMs']:8.3f}")

    floor_rng = np.random.default_rng([args.seed, 5])
    floor = measure(lambda i: floor_rng.standard_normal((BATCH, P), dtype), min(args.warmup, 2), args.repeats)
    buf = np.empty((BATCH, P), dtype)
    floor_out = measure(lambda i: floor_rng.standard_normal(dtype=dtype, out=buf), min(args.warmup, 2), args.repeats)
    out["floor"] = dict(generator="PCG64", normals=BATCH * P, perInstance=floor, singleStream=floor,
                        preallocated=floor_out, nsPerNormal=floor["medianMs"] * 1e6 / (BATCH * P))
    sign_floor = measure(lambda i: rademacher(floor_rng, (BATCH, P), dtype), min(args.warmup, 2), args.repeats)
    out["signFloors"] = [dict(generator="PCG64 integers(int8)*2-1", signs=BATCH * P, perInstance=sign_floor,
                              nsPerSign=sign_floor["medianMs"] * 1e6 / (BATCH * P))]
    print(f"  sign floor rng.integers(0, 2, ({BATCH}, {P}), int8)*2-1 as {args.dtype}: median {sign_floor['medianMs']:.3f} ms")
    wp = next(m for m in out["methods"] if m["method"] == "WP")["update"]["medianMs"]
    tfwp = next(m for m in out["methods"] if m["method"] == "3F-WP")["update"]["medianMs"]
    out["wpOverFloor"] = wp / floor["medianMs"]
    out["threeFactorWPOverFloor"] = tfwp / floor["medianMs"]
    print(f"\n  noise floor rng.standard_normal(({BATCH}, {P})) PCG64: median {floor['medianMs']:.3f} ms, "
          f"min {floor['minMs']:.3f} ms, {out['floor']['nsPerNormal']:.2f} ns/normal "
          f"(into a preallocated buffer: {floor_out['medianMs']:.3f} ms)")
    print(f"  WP update / noise floor: {out['wpOverFloor']:.2f}   3F-WP / floor: {out['threeFactorWPOverFloor']:.2f}")


def evaluate(params, x, t):
    return float(sample_losses(forward(params, x)[-1], t).mean())


_STUDY = {}


def study_run(method, r):
    """One run of one method (as NeuromodLab's Runner.train): returns (updates, train, test, diverged)."""
    args, (train_x, train_t, test_x, test_t) = _STUDY["args"], _STUDY["data"]
    n = len(train_x)
    params = init_params(np.random.default_rng([args.seed, 2, r]))
    order_rng = np.random.default_rng([args.seed, 3, r])
    step = make_step(method, params, np.random.default_rng([args.seed, 5, r]))
    updates, steps = 0, []
    tr = te = float("nan")
    for _ in range(args.epochs):
        perm = order_rng.permutation(n)
        for s in range(0, n, BATCH):
            idx = perm[s:s + BATCH]
            x, t = train_x[idx], train_t[idx]
            clean = None if method == "BP" else float(sample_losses(forward(params, x)[-1], t).mean())
            rule_loss = step(x, t)
            loss = rule_loss if clean is None else clean
            updates += 1
            steps.append(loss)
            if not (math.isfinite(loss) and math.isfinite(rule_loss)):
                return updates, tr, te, True
        tr, te = evaluate(params, train_x, train_t), evaluate(params, test_x, test_t)
        if not math.isfinite(tr):
            return updates, tr, te, True
    return updates, tr, te, False


def study(args, data, out):
    """The whole housing experiment at --epochs x --runs, as NeuromodLab's Runner does it: methods one
    after the other, the runs of a method on up to --jobs processes (fork)."""
    import multiprocessing
    _STUDY.update(args=args, data=data)
    n = len(data[0])
    results = []
    total_start = time.perf_counter()
    jobs = max(1, min(args.jobs, args.runs))
    print(f"\n  whole-experiment equivalent: {len(METHODS)} methods × {args.runs} run(s) × {args.epochs} epoch(s), "
          f"{(n + BATCH - 1) // BATCH} updates per epoch, {jobs} process(es)")
    for method in METHODS:
        start = time.perf_counter()
        if jobs > 1:
            with multiprocessing.get_context("fork").Pool(jobs) as pool:
                outcomes = pool.starmap(study_run, [(method, r) for r in range(args.runs)])
        else:
            outcomes = [study_run(method, r) for r in range(args.runs)]
        wall = time.perf_counter() - start
        updates = sum(o[0] for o in outcomes)
        final_train = [o[1] for o in outcomes if not o[3]]
        final_test = [o[2] for o in outcomes if not o[3]]
        results.append(dict(method=method, runs=args.runs, epochs=args.epochs, updates=updates, wallSeconds=wall,
                            msPerUpdate=1e3 * wall / max(updates, 1), finalTrainLoss=final_train,
                            finalTestLoss=final_test, diverged=sum(o[3] for o in outcomes)))
        print(f"  {method:<6} {wall:8.2f} s  {1e3 * wall / max(updates, 1):7.3f} ms/update (incl. clean loss and "
              f"epoch evaluation)  final train MSE {np.mean(final_train) if final_train else float('nan'):.4f}")
    out["study"] = dict(methods=results, wallSeconds=time.perf_counter() - total_start, epochs=args.epochs,
                        runs=args.runs, jobs=jobs)
    print(f"  total {out['study']['wallSeconds']:.2f} s")


def main(args):
    data = load_housing(args.data or default_data_path(), args.seed)
    info = openblas_info()
    out = dict(implementation="numpy", date=time.strftime("%Y-%m-%dT%H:%M:%S%z"), host=platform.node(),
               cores=os.cpu_count(), numpy=np.__version__, blas=blas_name(), random="PCG64", dtype=args.dtype,
               blasThreads=info["threads"], blasConfig=info["config"], blasCore=info["core"], threadEnvironment={v: os.environ.get(v) for v in THREAD_VARS},
               layerSizes=list(SIZES), batch=BATCH, parameters=parameter_count())
    if not args.study_only:
        bench_updates(args, data, out)
    if args.epochs > 0:
        study(args, data, out)
    if args.json:
        write_json(args.json, out)


def write_json(path, results):
    with open(path, "w") as f:
        json.dump(results, f, indent=2, sort_keys=True)
    print(f"  wrote {path}")


if __name__ == "__main__":
    main(_ARGS)
