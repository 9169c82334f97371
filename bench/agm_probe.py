#!/usr/bin/env python3
"""AGM's purge dynamics on real descriptors, outside Swift: how many components survive
each iteration for a given bandwidth (git history of docs/benchmarks.md, "AGM/EGM on real
descriptors").

Not a second implementation of `AGM.train`: a small NumPy model of the same iteration
(exact m-NN E-step, strongest-first purge by rho_{i,K} < tau, M-step, sigma floor) with
the knobs that the Swift options do not expose, so that variants can be tried in minutes.

Data: raw float32 rows of 128, as written by
    loci-bench kmeans /tmp/siftfeat --k 64 --iterations 1 --sample 50000 --export DIR
Example:
    python3 bench/agm_probe.py DIR/data.f32 --points 20000 --starts 2048 --f 1.5 2 2.5
    python3 bench/agm_probe.py DIR/data.f32 --points 20000 --starts 0 --f 2 2.5 3 --no-weights
"""
import argparse

import numpy as np


def nearest(queries, centres, m, chunk=4000):
    """Indices and squared distances of each query's m nearest centres, nearest first."""
    idx_parts, d_parts = [], []
    cn = (centres * centres).sum(1)
    m = min(m, centres.shape[0])
    for s in range(0, queries.shape[0], chunk):
        q = queries[s:s + chunk]
        d2 = np.maximum((q * q).sum(1)[:, None] - 2 * q @ centres.T + cn[None, :], 0)
        idx = np.argpartition(d2, m - 1, axis=1)[:, :m] if centres.shape[0] > m else \
            np.tile(np.arange(centres.shape[0]), (q.shape[0], 1))
        dd = np.take_along_axis(d2, idx, 1)
        order = np.argsort(dd, 1)
        idx_parts.append(np.take_along_axis(idx, order, 1))
        d_parts.append(np.take_along_axis(dd, order, 1))
    return np.concatenate(idx_parts), np.concatenate(d_parts)


def log_overlap(mi, mj, si, sj, wi, wj, d, weights):
    """log <p_i, p_j> of two isotropic Gaussians (with the mixing weights if `weights`)."""
    s = si * si + sj * sj
    r = -d / 2 * np.log(2 * np.pi * s) - ((mi - mj) ** 2).sum(-1) / (2 * s)
    return r + (np.log(wi) + np.log(wj) if weights else 0)


def run(x, starts, sigma0, m=5, tau=0.8, floor=True, weights=True, iterations=12, min_mass=1.5, seed=1):
    n, d = x.shape
    rng = np.random.default_rng(seed)
    mu = x[rng.choice(n, starts, replace=False)] if 0 < starts < n else x.copy()
    k = mu.shape[0]
    sig, w = np.full(k, sigma0), np.full(k, 1.0 / k)
    history = []
    for _ in range(iterations):
        # P-step: strongest first; i is purged when rho_{i,K} < tau against the kept ones.
        nb, _ = nearest(mu, mu, m + 1)
        alive, decided = np.ones(k, bool), np.zeros(k, bool)
        for c in sorted(range(k), key=lambda c: (-w[c], c)):
            own = log_overlap(mu[c], mu[c], sig[c], sig[c], w[c], w[c], d, weights)
            logs = [own] + [log_overlap(mu[c], mu[o], sig[c], sig[o], w[c], w[o], d, weights)
                            for o in nb[c] if o != c and decided[o] and alive[o]]
            decided[c] = True
            top = max(logs)
            if np.exp(own - top - np.log(np.exp(np.array(logs) - top).sum())) < tau:
                alive[c] = False
        # E-step over each point's m nearest alive components, then M-step around the new mean.
        nn, nd = nearest(x, mu, m)
        s2 = sig[nn] ** 2
        logp = np.log(w[nn]) - d / 2 * np.log(2 * np.pi * s2) - nd / (2 * s2)
        logp[~alive[nn]] = -np.inf
        top = logp.max(1, keepdims=True)
        voted = np.isfinite(top[:, 0])
        r = np.zeros_like(logp)
        r[voted] = np.exp(logp[voted] - top[voted])
        r[voted] /= r[voted].sum(1, keepdims=True)
        rows = np.repeat(np.arange(n), nn.shape[1])
        mass = np.bincount(nn.ravel(), r.ravel(), minlength=k)
        sums = np.zeros((k, d))
        np.add.at(sums, nn.ravel(), r.ravel()[:, None] * x[rows])
        keep = alive & (mass > min_mass)
        new_mu = mu.copy()
        new_mu[keep] = sums[keep] / mass[keep][:, None]
        spread = np.bincount(nn.ravel(), r.ravel() * ((x[rows] - new_mu[nn.ravel()]) ** 2).sum(1), minlength=k)
        sig = np.sqrt(spread[keep] / (d * mass[keep]))
        if floor:
            sig = np.maximum(sig, sigma0)
        w = mass[keep] / mass[keep].sum()
        mu, k = new_mu[keep], int(keep.sum())
        history.append(k)
        if len(history) >= 3 and history[-1] == history[-2] == history[-3]:
            break
    return history, float(nearest(x, mu, 1)[1].mean())


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("data")
    p.add_argument("--points", type=int, default=20000)
    p.add_argument("--starts", type=int, default=2048, help="0: every point")
    p.add_argument("--f", type=float, nargs="+", default=[2.0],
                   help="sigma0 = f x RMS nearest-start distance / sqrt(d)")
    p.add_argument("--no-weights", action="store_true", help="overlap without the mixing weights")
    p.add_argument("--no-floor", action="store_true")
    p.add_argument("--iterations", type=int, default=12)
    a = p.parse_args()
    x = np.fromfile(a.data, dtype=np.float32).reshape(-1, 128)[:a.points].astype(np.float64)
    starts = x[np.random.default_rng(1).choice(len(x), a.starts, replace=False)] if 0 < a.starts < len(x) else x
    rms = float(np.sqrt(nearest(starts, starts, 2)[1][:, 1].mean()))
    print(f"{len(x)} points, {len(starts)} starts, RMS nearest-start distance {rms:.4f}")
    for f in a.f:
        s0 = f * rms / np.sqrt(x.shape[1])
        hist, mse = run(x, a.starts, s0, floor=not a.no_floor, weights=not a.no_weights, iterations=a.iterations)
        print(f"f={f} sigma0={s0:.4f}: components per iteration {hist}, final MSE {mse:.4f}", flush=True)


if __name__ == "__main__":
    main()
