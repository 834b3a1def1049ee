"""Neumann modes of the ball: ``weylgain.manifolds.ball.neumann_modes`` against scipy.

Peers, in the same process: for the disk, ``scipy.special.jnp_zeros(l, n)`` order by order
(Bessel derivative zeros, enough of them per order to pass the cut-off); for B^3, a dense
scan of ``spherical_jn(l, x, derivative=True)`` (step 1e-3) with ``brentq`` per sign change.
The two sides must agree (same number of modes, roots to 1e-12 relative) before a time is
printed.

    NUMBA_CACHE_DIR=/tmp/nbc python benchmarks/bench_ball_modes.py [--quick]
"""

from __future__ import annotations

import argparse
import math

import numpy as np

from _common import Table, add_common_args, best_of, fmt_ratio, fmt_time, machine_line


def disk_peer(lam: float) -> np.ndarray:
    from scipy.special import jnp_zeros

    kmax = math.sqrt(lam)
    out = [np.zeros(1)]  # the constant
    for l in range(int(kmax) + 2):
        n = int(kmax / math.pi) + 3
        z = jnp_zeros(l, n)
        out.append(z[z <= kmax])
    return np.sort(np.concatenate(out)) ** 2


def b3_peer(lam: float) -> np.ndarray:
    from scipy.optimize import brentq
    from scipy.special import spherical_jn

    kmax = math.sqrt(lam)
    x = np.arange(1e-6, kmax + 1e-3, 1e-3)
    out = [0.0]
    for l in range(int(kmax) + 2):
        d = spherical_jn(l, x, derivative=True)
        for i in np.flatnonzero(np.sign(d[:-1]) * np.sign(d[1:]) < 0):
            out.append(brentq(lambda t: spherical_jn(l, t, derivative=True), x[i], x[i + 1],
                              xtol=1e-15, rtol=1e-15))
    k = np.array(out)
    return np.sort(k[k <= kmax]) ** 2


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_common_args(parser)
    args = parser.parse_args()
    from weylgain.manifolds.ball import neumann_modes

    print(machine_line())
    table = Table(["ball", "lam", "modes", "weylgain", "scipy peer", "peer / weylgain",
                   "max rel. diff"])
    cases = [(2, 1e3), (2, 1e4), (3, 1e3), (3, 1e4)] if not args.quick else \
        [(2, 1e3), (3, 1e3)]
    if not args.quick:
        cases += [(2, 4e4), (3, 4e4)]
    for d, lam in cases:
        t_ours, (eig, _) = best_of(lambda: neumann_modes(d, lam), args.repeat)
        peer = disk_peer if d == 2 else b3_peer
        t_peer, ref = best_of(lambda: peer(lam), 1 if d == 3 else args.repeat)
        if len(ref) != len(eig):
            raise SystemExit(f"B{d} lam={lam}: {len(eig)} modes against {len(ref)}")
        diff = float(np.max(np.abs(eig[1:] - ref[1:]) / ref[1:]))
        if diff > 1e-12:
            raise SystemExit(f"B{d} lam={lam}: roots differ by {diff:.2g}")
        table.add(f"B{d}", f"{lam:.0e}", len(eig), fmt_time(t_ours), fmt_time(t_peer),
                  fmt_ratio(t_peer / t_ours), f"{diff:.1e}")
    table.print()


if __name__ == "__main__":
    main()
