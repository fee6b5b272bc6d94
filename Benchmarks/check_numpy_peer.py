#!/usr/bin/env python3
"""Checks that Benchmarks/numpy_peer.py computes the same four updates as Neuromod.

1. Replay (exact): `neuromod-bench --dump-reference` writes one update of each method (WP-rad and
   3F-WP-rad too: Neuromod's bit-packed Rademacher path against NumPy on the same ±sigma) on a tiny
   3-5-4-1 sigmoid/sigmoid/linear network (batch 6) together with the noise Neuromod drew. The NumPy
   peer's update functions are fed the same weights, batch and noise; their updates must equal
   Neuromod's to rounding (relative max difference < 1e-10).
2. Estimator alignment (statistical): the mean NumPy update over many noise draws is compared with
   the NumPy backprop gradient by cosine and by scale. WP estimates -eta*sigma*grad, 3F-NP
   -eta*grad; 3F-WP (a Hebbian-weighted, biased estimator) is reported for information only.
   Done on the tiny network with a real-sized batch, and on the housing network (8-128-64-1) with
   one housing row repeated 256 times, so that the centered reward holds only the noise's effect and
   a few hundred draws suffice (with 256 different rows the spread of per-sample losses dominates
   the centered reward and the cosine needs ~10^4 draws to approach 1).

Usage: python3 Benchmarks/check_numpy_peer.py [--reference PATH] [--bench PATH_TO_neuromod-bench]
Exit status 1 if a replay differs or an alignment cosine is below its threshold.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import numpy as np  # noqa: E402

import numpy_peer as peer  # noqa: E402

TINY_ACTIVATIONS = ("sigmoid", "sigmoid", "linear")


def flat(updates):
    return np.concatenate([np.concatenate([dW.ravel(), db.ravel()]) for dW, db in updates])


def numpy_update(method, params, x, t, eta, sigma, noise, sizes):
    """The NumPy peer's update of `method` (not applied): (mean loss, flat update W1, b1, W2, ...)."""
    if method == "BP":
        loss, upd = peer.bp_update(params, x, t, eta, TINY_ACTIVATIONS)
    else:
        f = {"WP": peer.wp_update, "3F-WP": peer.tfwp_update, "3F-NP": peer.tfnp_update,
             "WP-rad": peer.wp_update, "3F-WP-rad": peer.tfwp_update}[method]
        loss, upd = f(params, x, t, eta, sigma, noise, sizes, TINY_ACTIVATIONS)
    return float(loss), flat(upd)


def replay(reference_path, update=numpy_update, name="NumPy", tolerance=1e-10):
    """Feeds each case of the reference (weights, batch, noise) to `update` and compares with
    Neuromod's update: max relative difference < tolerance, mean loss equal to tolerance/100."""
    cases = json.load(open(reference_path))
    ok = True
    print(f"1. replay of Neuromod's updates with Neuromod's noise ({reference_path})")
    print(f"   method   max |Δ{name} − ΔNeuromod| / max |ΔNeuromod|   mean loss {name} vs Neuromod")
    for c in cases:
        sizes = tuple(c["sizes"])
        B = c["batch"]
        params = [(np.array(w).reshape(sizes[l + 1], sizes[l]), np.array(b))
                  for l, (w, b) in enumerate(zip(c["weights"], c["biases"]))]
        x = np.array(c["input"]).reshape(B, sizes[0])
        t = np.array(c["target"]).reshape(B, sizes[-1])
        noise = np.array(c["noise"]) if c.get("noise") is not None else None
        m = c["method"]
        if m not in peer.METHODS and m not in peer.RADEMACHER:
            print(f"   {m}: unknown method, skipped")
            continue
        loss, got = update(m, params, x, t, c["learningRate"], c.get("sigma"), noise, sizes)
        ref = np.concatenate([np.concatenate([np.array(w), np.array(b)])
                              for w, b in zip(c["updateWeights"], c["updateBiases"])])
        rel = np.max(np.abs(got - ref)) / np.max(np.abs(ref))
        ref_loss = float(np.mean(c["instanceLosses"]))
        passed = rel < tolerance and abs(loss - ref_loss) <= tolerance / 100 * max(1.0, abs(ref_loss))
        ok &= passed
        print(f"   {m:<9}   {rel:10.2e}                                  {loss:.12f} vs {ref_loss:.12f}  "
              f"{'ok' if passed else 'DIFFERS'}")
    return ok


def mean_update(method, params, x, t, draws, rng, sizes, activations):
    P = peer.parameter_count(sizes)
    nodes = sum(sizes[1:])
    eta, sigma = peer.METHODS[method]["eta"], peer.METHODS[method]["sigma"]
    total = None
    for _ in range(draws):
        if method == "3F-NP":
            _, upd = peer.tfnp_update(params, x, t, eta, sigma, rng.standard_normal((len(x), nodes)), sizes, activations)
        else:
            eps = sigma * rng.standard_normal((len(x), P))
            f = peer.wp_update if method == "WP" else peer.tfwp_update
            _, upd = f(params, x, t, eta, sigma, eps, sizes, activations)
        v = flat(upd)
        total = v if total is None else total + v
    return total / draws


def alignment(label, params, x, t, draws, sizes, activations, seed):
    print(f"\n   {label}: batch {len(x)}, {peer.parameter_count(sizes)} parameters")
    print("   method   draws   cos(mean Δ, −∇L)   scale (mean Δ·(−∇L)/|∇L|²) / expected")
    _, bp = peer.bp_update(params, x, t, 1.0, activations)
    neg_grad = flat(bp)                                 # −∇L (eta = 1)
    results = {}
    for method in ("WP", "3F-NP", "3F-WP"):
        start = time.perf_counter()
        m = mean_update(method, params, x, t, draws[method], np.random.default_rng(seed), sizes, activations)
        cos = float(m @ neg_grad / (np.linalg.norm(m) * np.linalg.norm(neg_grad)))
        eta, sigma = peer.METHODS[method]["eta"], peer.METHODS[method]["sigma"]
        expected = eta * sigma if method in ("WP", "3F-WP") else eta
        scale = float(m @ neg_grad / (neg_grad @ neg_grad)) / expected
        results[method] = (cos, scale)
        print(f"   {method:<6} {draws[method]:6d}   {cos:8.4f}            {scale:8.3f}"
              f"{'  (biased estimator: information only)' if method == '3F-WP' else ''}"
              f"                        {time.perf_counter() - start:.1f} s")
    return results


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--reference", help="reference JSON from neuromod-bench --dump-reference (default: create it)")
    p.add_argument("--bench", default=os.path.join(HERE, "..", ".build", "release", "neuromod-bench"))
    p.add_argument("--housing-draws", type=int, default=300)
    p.add_argument("--tiny-draws", type=int, default=3000)
    args = p.parse_args()

    ok = True
    reference = args.reference
    if reference is None:
        reference = os.path.join(tempfile.mkdtemp(prefix="neuromod-check-"), "reference.json")
        subprocess.run([args.bench, "--dump-reference", reference], check=True, cwd=os.path.join(HERE, ".."))
    ok &= replay(reference)

    print("\n2. alignment of the NumPy estimators with the NumPy backprop gradient")
    rng = np.random.default_rng(11)
    tiny = (3, 5, 4, 1)
    params = peer.init_params(rng, tiny)
    x = rng.standard_normal((256, 3))
    t = rng.standard_normal((256, 1))
    tiny_res = alignment("tiny 3-5-4-1, 256 random samples", params, x, t,
                         {"WP": args.tiny_draws, "3F-NP": args.tiny_draws, "3F-WP": args.tiny_draws},
                         tiny, TINY_ACTIVATIONS, 12)

    train_x, train_t, _, _ = peer.load_housing(peer.default_data_path(), 1)
    params = peer.init_params(np.random.default_rng([1, 2]))
    x = np.repeat(train_x[:1], 256, axis=0)
    t = np.repeat(train_t[:1], 256, axis=0)
    d = args.housing_draws
    house_res = alignment("housing 8-128-64-1, one row repeated 256 times", params, x, t,
                          {"WP": d, "3F-NP": d, "3F-WP": d}, peer.SIZES, peer.ACTIVATIONS, 13)

    # Thresholds: WP and 3F-NP are unbiased to O(sigma^2); with these draw counts their cosine is
    # above 0.9 on the tiny network and above 0.8 on the housing one (estimated 1/sqrt(1 + P/N) for
    # N = draws·256 independent samples: tiny ≈ 1.0, housing ≈ 0.9 for WP).
    for res, thr in ((tiny_res, 0.9), (house_res, 0.8)):
        for m in ("WP", "3F-NP"):
            cos, scale = res[m]
            if cos < thr or not (0.5 < scale < 1.5):
                ok = False
                print(f"   FAILED: {m} cos {cos:.3f} (threshold {thr}) scale {scale:.3f}")
    print("\nall checks passed" if ok else "\nSOME CHECKS FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
