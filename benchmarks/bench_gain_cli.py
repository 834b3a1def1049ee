"""How fast does ``weylgain gain`` answer? predict_gain on every catalogue pair.

Run: ``python benchmarks/bench_gain_cli.py``.

For each (manifold, group) pair of :func:`weylgain.gain.catalogue_pairs` it times
:func:`weylgain.gain.predict_gain` (spec parsing, group construction, the symbolic
derivation of d_G, vol(M/G) and the reflection walls, and the report) against a peer run
side by side in the same process: a hand-coded plain-float evaluation of the same formulas
from hard-wired (d, d_G, vol M, vol M/G), the cheapest conceivable calculator, which knows
the answers in advance. "cold" is the first call in the process for that pair (sympy
integrals and group closures not yet cached), "warm" the best of a few repeats. The CLI goal
is an answer well under a second after import; the last column says whether it holds.
"""

from __future__ import annotations

import math
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

t_import = time.perf_counter()
import weylgain.manifolds, weylgain.geometry  # noqa: E402,F401  (sympy: the CLI imports it before answering)
from weylgain.gain import catalogue_pairs, predict_gain  # noqa: E402

t_import = time.perf_counter() - t_import

PI = math.pi


def _sphere(d: int, r: float = 1.0) -> float:
    return 2 * PI ** ((d + 1) / 2) / math.gamma((d + 1) / 2) * r ** d


# (d, d_G, vol M, vol M/G) derived by hand (docs/theory.md#continuous-groups)
HAND = {
    ("S2", "mirror"): (2, 2, 4 * PI, 2 * PI), ("S2", "C4"): (2, 2, 4 * PI, PI),
    ("S2", "D3"): (2, 2, 4 * PI, 4 * PI / 6), ("S2", "T"): (2, 2, 4 * PI, 4 * PI / 12),
    ("S2", "O"): (2, 2, 4 * PI, 4 * PI / 24), ("S2", "Oh"): (2, 2, 4 * PI, 4 * PI / 48),
    ("S2", "I"): (2, 2, 4 * PI, 4 * PI / 60), ("S2", "Ih"): (2, 2, 4 * PI, 4 * PI / 120),
    ("S2", "antipodal"): (2, 2, 4 * PI, 2 * PI),
    ("S3", "Perm(3)"): (3, 3, 2 * PI ** 2, PI ** 2 / 3),
    ("S6", "Perm(7)"): (6, 6, _sphere(6), _sphere(6) / 5040),
    ("T2", "mirror"): (2, 2, 4 * PI ** 2, 2 * PI ** 2),
    ("T2", "signs2"): (2, 2, 4 * PI ** 2, PI ** 2),
    ("T2", "Perm(2)"): (2, 2, 4 * PI ** 2, 2 * PI ** 2),
    ("T2", "SignedPerm(2)"): (2, 2, 4 * PI ** 2, PI ** 2 / 2),
    ("T2", "Z10"): (2, 2, 4 * PI ** 2, 0.4 * PI ** 2),
    ("T2", "C4"): (2, 2, 4 * PI ** 2, PI ** 2),
    ("T3", "Perm(3)"): (3, 3, 8 * PI ** 3, 8 * PI ** 3 / 6),
    ("T7", "Perm(7)"): (7, 7, (2 * PI) ** 7, (2 * PI) ** 7 / 5040),
    ("T7", "signs7"): (7, 7, (2 * PI) ** 7, PI ** 7),
    ("T7", "SignedPerm(7)"): (7, 7, (2 * PI) ** 7, PI ** 7 / 5040),
    ("RP2", "antipodal"): (2, 2, 2 * PI, 2 * PI), ("RP2", "Oh"): (2, 2, 2 * PI, PI / 12),
    ("B3", "Oh"): (3, 3, 4 * PI / 3, 4 * PI / 3 / 48), ("H2", "C4"): (2, 2, 2 * PI, PI / 2),
    ("Q2", "SignedPerm(2)"): (2, 2, 1.0, 1 / 8), ("S1", "C4h"): (1, 1, 2 * PI, PI / 2),
    ("S2xT1", "C4"): (3, 3, 8 * PI ** 2, 2 * PI ** 2),
    ("S2", "SO(2)"): (2, 1, 4 * PI, PI), ("S2", "SO(3)"): (2, 0, 4 * PI, 1.0),
    ("S3", "SO(3)"): (3, 1, 2 * PI ** 2, PI), ("S4", "SO(4)"): (4, 1, _sphere(4), PI),
    ("S3", "hopf"): (3, 2, 2 * PI ** 2, PI), ("RP3", "hopf"): (3, 2, PI ** 2, PI),
    ("T2", "Trans(1)"): (2, 1, 4 * PI ** 2, 2 * PI),
    ("T3", "Trans(2)"): (3, 1, 8 * PI ** 3, 2 * PI),
    ("B3", "SO(2)"): (3, 2, 4 * PI / 3, PI / 2), ("S2xT1", "Trans(1)"): (3, 2, 8 * PI ** 2, 4 * PI),
}


def hand_gain(pair: tuple[str, str], s: float, eps: float) -> dict:
    """The peer: the same numbers from hard-wired geometry, in plain floats."""
    d, dG, vM, vQ = HAND[pair]
    b, bG = s / (s + d / 2), s / (s + dG / 2)
    kind = "exponential" if dG < d else ("linear" if vM / vQ > 1 + 1e-12 else "none")
    return {"d": d, "d_G": dG, "vol_M": vM, "vol_quotient": vQ, "kind": kind,
            "risk_exponent": b, "risk_exponent_invariant": bG,
            "ratio": vM / vQ * eps ** (-(d - dG) / (2 * s))}


def best(f, repeat: int) -> float:
    out = math.inf
    for _ in range(repeat):
        t = time.perf_counter()
        f()
        out = min(out, time.perf_counter() - t)
    return out


def main() -> None:
    eps = 1e-3
    rows = []
    for pair in catalogue_pairs():
        m, g = pair
        d = HAND[pair][0]
        s = d / 2 + 1
        t = time.perf_counter()
        rep = predict_gain(m, g, s=s, eps=eps)
        cold = time.perf_counter() - t
        peer = hand_gain(pair, s, eps)
        # the benchmark is also a consistency check of the two calculators
        assert rep.d_G == peer["d_G"] and rep.kind == peer["kind"], pair
        assert math.isclose(rep.vol_quotient, peer["vol_quotient"], rel_tol=1e-12), pair
        assert math.isclose(rep.sample_ratio_at_eps, peer["ratio"], rel_tol=1e-9), pair
        warm = best(lambda: predict_gain(m, g, s=s, eps=eps), 3)
        peer_t = best(lambda: hand_gain(pair, s, eps), 200)
        rows.append((f"{m} {g}", rep.kind, cold, warm, peer_t))

    print(f"import weylgain.gain (with sympy): {t_import * 1e3:.0f} ms\n")
    head = (f"{'pair':<22}{'kind':<13}{'cold ms':>9}{'warm ms':>9}{'peer us':>9}"
            f"{'warm/peer':>11}  < 1 s")
    print(head)
    print("-" * len(head))
    for name, kind, cold, warm, peer in rows:
        ok = "yes" if cold < 1.0 else "NO"
        print(f"{name:<22}{kind:<13}{cold * 1e3:>9.1f}{warm * 1e3:>9.2f}{peer * 1e6:>9.2f}"
              f"{warm / peer:>11.0f}  {ok}")
    colds = [r[2] for r in rows]
    warms = [r[3] for r in rows]
    print("-" * len(head))
    print(f"{len(rows)} pairs: cold median {sorted(colds)[len(colds) // 2] * 1e3:.1f} ms, "
          f"max {max(colds) * 1e3:.1f} ms; warm median "
          f"{sorted(warms)[len(warms) // 2] * 1e3:.2f} ms")


if __name__ == "__main__":
    main()
