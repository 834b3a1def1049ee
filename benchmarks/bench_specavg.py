"""Spec-Avg against group averaging as |G| grows: sign flips of T^d, d = 2..10.

Both fit an exactly invariant estimator on the torus [-1, 1)^d (period 2) with every mode
|k|^2 <= 2. Group averaging evaluates the kernel at g.x for every one of the 2^d elements
(cost ~ |G| n^2 modes); Spec-Avg projects each eigenspace with the d generators only
(cost ~ log|G| per mode, plus the empirical coefficients). Prints times and their ratio.

    python benchmarks/bench_specavg.py [--n 100] [--dmax 10] [--repeat 1]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _common  # noqa: E402,F401  (finds the checkout's weylgain when it is not installed)

from weylgain.learning import TorusKernel, fit_krr, sample  # noqa: E402


def _best(fn, repeat: int) -> float:
    best = np.inf
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=100)
    ap.add_argument("--dmin", type=int, default=2)
    ap.add_argument("--dmax", type=int, default=10)
    ap.add_argument("--level", type=int, default=2, help="keep modes with |k|^2 <= level")
    ap.add_argument("--repeat", type=int, default=1)
    args = ap.parse_args()

    print(f"n = {args.n} samples, modes |k|^2 <= {args.level}; times in seconds "
          "(Spec-Avg includes building the invariant subspaces from the generators)")
    print(f"{'d':>3} {'|G|':>6} {'gens':>5} {'modes':>6} {'inv':>5} {'Spec-Avg':>10} "
          f"{'averaging':>10} {'avg/SA':>8}")
    for d in range(args.dmin, args.dmax + 1):
        group = f"signs{d}"

        def target(X):
            return (X ** 2 @ np.arange(1, d + 1)) / d

        X, y = sample(TorusKernel(d, 1.5, args.level, 2.0, -1.0).domain, args.n, target,
                      noise=0.1, seed=d)
        holder = {}

        def specavg():
            kernel = TorusKernel(d, 1.5, args.level, 2.0, -1.0)  # fresh: no cached subspaces
            holder["sa"] = fit_krr(X, y, kernel, invariance="specavg", group=group,
                                   max_eigenvalue=1e9)

        def averaging():
            kernel = TorusKernel(d, 1.5, args.level, 2.0, -1.0)
            holder["avg"] = fit_krr(X, y, kernel, 1e-4, "average", group)

        t_sa = _best(specavg, args.repeat)
        t_avg = _best(averaging, args.repeat)
        kern = TorusKernel(d, 1.5, args.level, 2.0, -1.0)
        print(f"{d:3d} {2 ** d:6d} {d:5d} {kern.n_modes:6d} {holder['sa'].n_centers:5d} "
              f"{t_sa:10.4f} {t_avg:10.4f} {t_avg / t_sa:8.1f}", flush=True)


if __name__ == "__main__":
    main()
