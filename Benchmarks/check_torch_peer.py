#!/usr/bin/env python3
"""Checks that Benchmarks/torch_peer.py computes the same four updates as Neuromod.

1. Replay: `neuromod-bench --dump-reference` writes one update of each method on a tiny 3-5-4-1
   network (batch 6) with the noise Neuromod drew; the PyTorch peer, fed the same weights, batch and
   noise, must give the same update: to 1e-10 (relative max difference) in float64, to 1e-4 in
   float32 (the inputs rounded to float32, then float32 arithmetic).
2. The textbook BP step of the peer (autograd, torch.optim.SGD) against its manual backward, on the
   housing network and a real minibatch, float64: to 1e-10.
The statistical checks of check_numpy_peer.py are not repeated: the estimators are the same formulas.

Usage: Benchmarks/.venv/bin/python Benchmarks/check_torch_peer.py [--reference PATH] [--bench PATH]
Exit status 1 if a check fails.
"""
import argparse
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import check_numpy_peer as numpy_check  # noqa: E402  (sets the thread variables, imports numpy_peer)
import numpy as np  # noqa: E402
import torch  # noqa: E402

import torch_peer as tp  # noqa: E402


def torch_update(dtype):
    """An update function for check_numpy_peer.replay running the PyTorch peer in `dtype`."""
    def update(method, params, x, t, eta, sigma, noise, sizes):
        params = tp.to_torch(params, dtype)
        x, t = torch.from_numpy(x).to(dtype), torch.from_numpy(t).to(dtype)
        noise = torch.from_numpy(noise).to(dtype) if noise is not None else None
        if method == "BP":
            loss, upd = tp.bp_update(params, x, t, eta)
        else:
            f = {"WP": tp.wp_update, "3F-WP": tp.tfwp_update, "3F-NP": tp.tfnp_update,
                 "WP-rad": tp.wp_update, "3F-WP-rad": tp.tfwp_update}[method]
            loss, upd = f(params, x, t, eta, sigma, noise)
        return loss.item(), np.concatenate([np.concatenate([dW.double().numpy().ravel(), db.double().numpy()]) for dW, db in upd])
    return update


def autograd_matches_manual():
    train_x, train_t, _, _ = tp.peer.load_housing(tp.peer.default_data_path(), 1)
    x, t = torch.from_numpy(train_x[:256]), torch.from_numpy(train_t[:256])
    init = tp.peer.init_params(np.random.default_rng([1, 2]))
    manual = tp.to_torch(init, torch.float64)
    _, upd = tp.bp_update(manual, x, t, 0.02)
    for (W, b), (dW, db) in zip(manual, upd):
        W.add_(dW)
        b.add_(db)
    step = tp.make_autograd_step(tp.to_torch(init, torch.float64), 0.02)
    step(x, t)
    after = [p.detach() for p in step.parameters]
    rel = max(float((a - m).abs().max() / m.abs().max()) for a, m in zip(after, [p for layer in manual for p in layer]))
    print(f"2. BP (autograd + SGD) against the manual backward, housing network, float64: {rel:.2e} "
          f"{'ok' if rel < 1e-10 else 'DIFFERS'}")
    return rel < 1e-10


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--reference", help="reference JSON from neuromod-bench --dump-reference (default: create it)")
    p.add_argument("--bench", default=os.path.join(HERE, "..", ".build", "release", "neuromod-bench"))
    args = p.parse_args()
    torch.set_num_threads(1)
    reference = args.reference
    if reference is None:
        reference = os.path.join(tempfile.mkdtemp(prefix="neuromod-check-"), "reference.json")
        subprocess.run([args.bench, "--dump-reference", reference], check=True, cwd=os.path.join(HERE, ".."))
    ok = True
    for dtype, tolerance in ((torch.float64, 1e-10), (torch.float32, 1e-4)):
        print(f"\n{dtype}, tolerance {tolerance:g}")
        ok &= numpy_check.replay(reference, torch_update(dtype), f"PyTorch {str(dtype)[6:]}", tolerance)
    print()
    ok &= autograd_matches_manual()
    print(f"\ntorch {torch.__version__}: " + ("all checks passed" if ok else "SOME CHECKS FAILED"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
