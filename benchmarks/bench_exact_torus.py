"""Exact invariant counts on T^10 for S_10 and B_10: generators versus canonicalization.

weylgain counts the invariant Fourier modes of ``R^10/(2 pi Z)^10`` by joining each mode with
its images under the group *generators* (2 for S_10, 3 for B_10; union-find in a numba
kernel) — the group (3,628,800 and 3,715,891,200 elements) is never enumerated, and the
same code handles any signed-permutation group with translations.

The peer, run side by side in the same process, is the special-purpose shortcut available
for exactly these two groups: enumerate the modes with numpy (int8, vectorized by
coordinate), canonicalize each mode by sorting its entries (of ``|k|`` for B_10), encode the
canonical vectors as integers and count the distinct ones with ``np.unique``.

Run: ``python benchmarks/bench_exact_torus.py [--lam 8 12 16]``.
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _common  # noqa: E402,F401  (finds the checkout's weylgain when it is not installed)

from weylgain import groups  # noqa: E402
from weylgain.exact import lattice_shell_counts, torus_invariant_count  # noqa: E402


def enumerate_modes(dim: int, n2max: int) -> np.ndarray:
    """All k in Z^dim with |k|^2 <= n2max, shape (n, dim), int8 (coordinate by coordinate)."""
    big = math.isqrt(n2max)
    values = np.arange(-big, big + 1, dtype=np.int64)
    modes = np.zeros((1, 0), dtype=np.int8)
    norms = np.zeros(1, dtype=np.int64)
    for _ in range(dim):
        new_norms = norms[:, None] + values[None, :] ** 2
        rows, cols = np.nonzero(new_norms <= n2max)
        modes = np.concatenate([modes[rows], values[cols, None].astype(np.int8)], axis=1)
        norms = new_norms[rows, cols]
    return modes


def peer_count(dim: int, n2max: int, signed: bool) -> int:
    """Orbit count by canonicalization: sort (|k| for signed permutations), unique."""
    modes = enumerate_modes(dim, n2max)
    canon = np.sort(np.abs(modes) if signed else modes, axis=1).astype(np.int64)
    big = math.isqrt(n2max)
    codes = (canon + big) @ ((2 * big + 1) ** np.arange(dim - 1, -1, -1, dtype=np.int64))
    return int(np.unique(codes).size)


def best_time(fn, repeat: int) -> tuple[float, object]:
    best, value = math.inf, None
    for _ in range(repeat):
        start = time.perf_counter()
        value = fn()
        best = min(best, time.perf_counter() - start)
    return best, value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lam", type=float, nargs="+", default=[6.0, 10.0, 14.0, 18.0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    dim = 10
    s10 = groups.named("S10")
    b10 = groups.named("B10")
    print(f"S10: order {s10.order} from {len(s10.generators)} generators; "
          f"B10: order {b10.order} from {len(b10.generators)} generators "
          "(closed forms: neither group is enumerated)")
    torus_invariant_count(b10, 2.0)  # compile / load the numba kernels outside the timings
    header = (f"{'group':>5} {'lam':>5} {'modes':>10} {'count':>8} {'weylgain s':>11} "
              f"{'sort+unique s':>14} {'peer/weylgain':>14}")
    print(header)
    print("-" * len(header))
    for lam in args.lam:
        n_modes = int(lattice_shell_counts(dim, int(lam)).sum())
        for name, group, signed in (("S10", s10, False), ("B10", b10, True)):
            t_ours, ours = best_time(lambda: torus_invariant_count(group, lam), args.repeat)
            t_peer, peer = best_time(lambda: peer_count(dim, int(lam), signed), args.repeat)
            assert ours == peer, (name, lam, ours, peer)
            print(f"{name:>5} {lam:>5g} {n_modes:>10d} {ours:>8d} {t_ours:>11.4f} "
                  f"{t_peer:>14.4f} {t_peer / t_ours:>14.2f}")


if __name__ == "__main__":
    main()
