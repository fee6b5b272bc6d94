#!/usr/bin/env python3
"""The thesis's four housing methods in PyTorch (CPU), timed like numpy_peer.py.

Same network, batch, initial weights, data and algorithms as numpy_peer.py (whose helpers it
imports), written the way a PyTorch user would: tensors [post x pre], `addmm` for the layers,
`bmm` for the per-sample perturbed weights, one `torch.randn` per update, updates applied in place
under `torch.inference_mode()`, `torch.set_num_threads(--threads)`.

- BP: manual backward (the same matrix products as the NumPy peer, no autograd).
  "BP (autograd)" is also timed: forward, `loss.backward()` and `torch.optim.SGD.step()`, the
  textbook PyTorch loop.
- WP, 3F-WP, 3F-NP: no autograd (the algorithms need none). 3F-WP's Hebbian sum over the batch is
  a broadcast multiply and `sum(0)`, 2-4x faster here than `torch.einsum("nj,ni,nji->ji", ...)`;
  `bmm` was the fastest perturbed forward in float64 (einsum 1.3x slower).

Noise: torch's CPU generator (mt19937), `torch.randn` in the update's precision.
Usage: python3 Benchmarks/torch_peer.py [--repeats N] [--warmup N] [--threads N]
                                        [--dtype float64|float32] [--json PATH] [--info]
"""
import argparse
import os
import platform
import sys
import time


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--repeats", type=int, default=50, help="timed updates per method (default 50)")
    p.add_argument("--warmup", type=int, default=5, help="untimed updates before timing (default 5)")
    p.add_argument("--threads", type=int, default=1, help="torch.set_num_threads (default 1)")
    p.add_argument("--dtype", choices=("float64", "float32"), default="float64", help="precision (default float64)")
    p.add_argument("--seed", type=int, default=1, help="seed of split, init and noise (default 1)")
    p.add_argument("--batches", type=int, default=8, help="distinct minibatches cycled through (default 8)")
    p.add_argument("--json", default=None, help="write machine-readable results here")
    p.add_argument("--info", action="store_true", help="print torch.__config__.show() and parallel_info(), then exit")
    return p.parse_args(argv)


if __name__ == "__main__":
    _ARGS = parse_args()
    for _var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
        os.environ[_var] = str(_ARGS.threads)

import torch  # noqa: E402  (after the thread environment is set)

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import numpy as np  # noqa: E402

import numpy_peer as peer  # noqa: E402

ACTIVATIONS = peer.ACTIVATIONS


def activate(z, kind):
    return torch.sigmoid(z) if kind == "sigmoid" else z


def layer_slices(params):
    return peer.layer_slices((params[0][0].shape[1],) + tuple(W.shape[0] for W, _ in params))


def forward(params, x):
    a = [x]
    for (W, b), kind in zip(params, ACTIVATIONS):
        a.append(activate(torch.addmm(b, a[-1], W.T), kind))
    return a


def sample_losses(y, t):
    return ((y - t) ** 2).mean(dim=1)


def centered_reward(losses):
    return losses.mean() - losses  # R - mean(R) with R = -L


# Each update returns (mean loss, [(dW, db)] per layer), not applied: check_torch_peer.py replays them.

def bp_update(params, x, t, eta):
    a = forward(params, x)
    y = a[-1]
    delta = 2.0 * (y - t) / y.numel()
    updates = [None] * len(params)
    for l in range(len(params) - 1, -1, -1):
        if ACTIVATIONS[l] == "sigmoid":
            delta = delta * a[l + 1] * (1.0 - a[l + 1])
        updates[l] = (-eta * (delta.T @ a[l]), -eta * delta.sum(dim=0))
        if l > 0:
            delta = delta @ params[l][0]
    return sample_losses(y, t).mean(), updates


def perturbed_forward(params, x, eps):
    """Forward pass with per-sample weights W + eps_W^(n), b + eps_b^(n); eps is [B x P]."""
    B = x.shape[0]
    a = [x]
    for (W, b), (sw, sb), kind in zip(params, layer_slices(params), ACTIVATIONS):
        eW = eps[:, sw].view(B, *W.shape)
        z = torch.addmm(b, a[-1], W.T) + torch.bmm(eW, a[-1].unsqueeze(2)).squeeze(2) + eps[:, sb]
        a.append(activate(z, kind))
    return a


def wp_update(params, x, t, eta, sigma, eps):
    a = perturbed_forward(params, x, eps)
    losses = sample_losses(a[-1], t)
    flat = (eta / (x.shape[0] * sigma)) * (centered_reward(losses) @ eps)
    return losses.mean(), [(flat[sw].view(W.shape), flat[sb]) for (W, _), (sw, sb) in zip(params, layer_slices(params))]


def tfwp_update(params, x, t, eta, sigma, eps):
    B = x.shape[0]
    a = perturbed_forward(params, x, eps)
    losses = sample_losses(a[-1], t)
    A = centered_reward(losses)
    alpha = eta / (B * sigma)
    updates = []
    for l, ((W, _), (sw, sb)) in enumerate(zip(params, layer_slices(params))):
        if l == len(params) - 1:  # linear output layer: eligibility 1, as WP
            updates.append((alpha * (A @ eps[:, sw]).view(W.shape), alpha * (A @ eps[:, sb])))
            continue
        c = A[:, None] * a[l + 1]  # A^(n) x_out^(n)
        hebb = c[:, :, None] * a[l][:, None, :]
        updates.append((alpha * (eps[:, sw].view(B, *W.shape) * hebb).sum(dim=0), alpha * (c * eps[:, sb]).sum(dim=0)))
    return losses.mean(), updates


def tfnp_update(params, x, t, eta, sigma, xi):
    B = x.shape[0]
    clean = forward(params, x)
    widths = [W.shape[0] for W, _ in params]
    xis = torch.split(xi, widths, dim=1)
    noisy = x
    for (W, b), kind, xi_l in zip(params, ACTIVATIONS, xis):
        noisy = activate(torch.addmm(b, noisy, W.T), kind) + sigma * xi_l
    losses = sample_losses(noisy, t)
    A = centered_reward(losses)
    alpha = eta / (B * sigma)
    updates = []
    for l, (kind, xi_l) in enumerate(zip(ACTIVATIONS, xis)):
        g = clean[l + 1] * (1.0 - clean[l + 1]) if kind == "sigmoid" else 1.0
        delta = A[:, None] * g * xi_l
        updates.append((alpha * (delta.T @ clean[l]), alpha * delta.sum(dim=0)))
    return losses.mean(), updates


def rademacher(gen, shape, dtype):
    """+-1 in `dtype`, the way a PyTorch user draws signs: an empty tensor filled by bernoulli_(0.5), times 2, minus 1."""
    return torch.empty(shape, dtype=dtype).bernoulli_(0.5, generator=gen).mul_(2).sub_(1)


def make_step(method, params, gen):
    """A function (x, t) -> loss performing one whole update of `method` (draws included), applied."""
    cfg = {**peer.METHODS, **peer.RADEMACHER}[method]
    eta, sigma = cfg["eta"], cfg["sigma"]
    P = sum(W.numel() + b.numel() for W, b in params)
    nodes = sum(W.shape[0] for W, _ in params)
    dtype = params[0][0].dtype

    @torch.inference_mode()
    def step(x, t):
        if method == "BP":
            loss, upd = bp_update(params, x, t, eta)
        elif method == "3F-NP":
            loss, upd = tfnp_update(params, x, t, eta, sigma, torch.randn(x.shape[0], nodes, generator=gen, dtype=dtype))
        else:
            if method.endswith("-rad"):
                eps = rademacher(gen, (x.shape[0], P), dtype).mul_(sigma)
            else:
                eps = torch.randn(x.shape[0], P, generator=gen, dtype=dtype).mul_(sigma)
            loss, upd = (wp_update if method in ("WP", "WP-rad") else tfwp_update)(params, x, t, eta, sigma, eps)
        for (W, b), (dW, db) in zip(params, upd):
            W.add_(dW)
            b.add_(db)
        return loss.item()

    return step


def make_autograd_step(params, eta):
    """BP the textbook way: parameters with requires_grad, loss.backward(), torch.optim.SGD."""
    leaves = [p.clone().requires_grad_() for layer in params for p in layer]
    layers = list(zip(leaves[0::2], leaves[1::2]))
    opt = torch.optim.SGD(leaves, lr=eta)

    def step(x, t):
        opt.zero_grad(set_to_none=True)
        loss = sample_losses(forward(layers, x)[-1], t).mean()
        loss.backward()
        opt.step()
        return loss.item()

    step.parameters = leaves  # W1, b1, W2, ... (for check_torch_peer.py)
    return step


def to_torch(params, dtype):
    """Copies of NumPy (W, b) pairs as tensors of `dtype`."""
    return [(torch.tensor(W, dtype=dtype), torch.tensor(b, dtype=dtype)) for W, b in params]


def environment():
    return dict(torch=torch.__version__, cpuCapability=torch.backends.cpu.get_cpu_capability(),
                threads=torch.get_num_threads(), interopThreads=torch.get_num_interop_threads(),
                mkl=torch.backends.mkl.is_available(), mkldnn=torch.backends.mkldnn.is_available(),
                config=torch.__config__.show(), parallel=torch.__config__.parallel_info())


def main(args):
    if args.info:
        env = environment()
        print(env["config"] + env["parallel"] + f"CPU capability: {env['cpuCapability']}")
        return
    torch.set_num_threads(args.threads)
    dtype = getattr(torch, args.dtype)
    train_x, train_t, _, _ = peer.load_housing(peer.default_data_path(), args.seed)
    order = np.random.default_rng([args.seed, 3]).permutation(len(train_x))
    batches = [(torch.from_numpy(train_x[order[b * peer.BATCH:(b + 1) * peer.BATCH]]).to(dtype),
                torch.from_numpy(train_t[order[b * peer.BATCH:(b + 1) * peer.BATCH]]).to(dtype))
               for b in range(args.batches)]
    P = peer.parameter_count()
    out = dict(implementation="torch", date=time.strftime("%Y-%m-%dT%H:%M:%S%z"), host=platform.node(),
               cores=os.cpu_count(), dtype=args.dtype, random="mt19937 (torch CPU generator)",
               layerSizes=list(peer.SIZES), batch=peer.BATCH, parameters=P, methods=[], **environment())
    print(f"torch_peer: housing network {'-'.join(map(str, peer.SIZES))}, batch {peer.BATCH}, {P} parameters, {args.dtype}")
    print(f"  torch {torch.__version__}, CPU capability {out['cpuCapability']}, threads {out['threads']} "
          f"(interop {out['interopThreads']}), MKL {out['mkl']}; {args.warmup} warm-up + {args.repeats} timed updates")
    print("\n  method         median ms     min ms   (one update, applied)")
    for method in list(peer.METHODS) + list(peer.RADEMACHER) + ["BP (autograd)"]:
        params = to_torch(peer.init_params(np.random.default_rng([args.seed, 2])), dtype)
        gen = torch.Generator().manual_seed(args.seed)
        if method == "BP (autograd)":
            step = make_autograd_step(params, peer.METHODS["BP"]["eta"])
        else:
            step = make_step(method, params, gen)
        losses = []
        tm = peer.measure(lambda i: losses.append(step(*batches[i % len(batches)])), args.warmup, args.repeats)
        out["methods"].append(dict(method=method, update=tm, firstLoss=losses[args.warmup], lastLoss=losses[-1]))
        print(f"  {method:<13} {tm['medianMs']:8.3f}   {tm['minMs']:8.3f}   loss {losses[args.warmup]:.4f} → {losses[-1]:.4f}")
    gen = torch.Generator().manual_seed(args.seed)
    floor = peer.measure(lambda i: torch.randn(peer.BATCH, P, generator=gen, dtype=dtype), min(args.warmup, 2), args.repeats)
    out["floor"] = dict(generator="torch.randn", normals=peer.BATCH * P, perInstance=floor,
                        nsPerNormal=floor["medianMs"] * 1e6 / (peer.BATCH * P))
    print(f"\n  noise floor torch.randn({peer.BATCH}, {P}): median {floor['medianMs']:.3f} ms, min {floor['minMs']:.3f} ms")
    sign_floor = peer.measure(lambda i: rademacher(gen, (peer.BATCH, P), dtype), min(args.warmup, 2), args.repeats)
    out["signFloors"] = [dict(generator="torch bernoulli_(0.5)*2-1", signs=peer.BATCH * P, perInstance=sign_floor,
                              nsPerSign=sign_floor["medianMs"] * 1e6 / (peer.BATCH * P))]
    print(f"  sign floor empty().bernoulli_(0.5)*2-1: median {sign_floor['medianMs']:.3f} ms")
    if args.json:
        peer.write_json(args.json, out)


if __name__ == "__main__":
    main(_ARGS)
