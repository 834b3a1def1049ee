"""Learning curves that confirm the theory: the validation table, and time per curve.

For each (manifold, group) pair, KRR with the spectral Sobolev kernel (s = d/2 + 1 unless
the pair says otherwise, eigenspaces up to --modes modes) is run plain and with the
group-averaged kernel by the primal route (weylgain.learning.measure_curves) on a random
G-invariant target at the critical smoothness, n = 400, 800, ..., --nmax, over --seeds
seeds, with the theory ridge and with generalized cross-validation. Prints, per pair, the
measured saving of samples (95% bootstrap interval over seeds) and the exponents (95% t
interval) against the finite-n prediction (eigenlearning with exact invariant
multiplicities) and the asymptotic values, and the wall time of the curves.

The theory ridge's risk is read by --risk (default noise-averaged: its exact expectation
over the label noise given the samples); the saving with the sampled risk of the same
samples is printed next to it, so the two intervals compare side by side (the GCV ridge's
risk is always sampled).

    python benchmarks/bench_learning.py [--seeds 8] [--nmax 102400] [--modes 600]
                                        [--risk noise-averaged]
                                        [--pairs T2/signs2,S2/C4] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _common  # noqa: E402,F401  (finds the checkout's weylgain when it is not installed)

from weylgain.learning import random_target  # noqa: E402
from weylgain.learning.domains import action_for, kernel_for  # noqa: E402
from weylgain.learning.scale import RISK_ESTIMATORS, measure_curves  # noqa: E402

#: The issue's table: finite groups, exponent gains, translations.
PAIRS = [
    ("T2", "signs2"), ("T2", "mirror"), ("S2", "C4"), ("S2", "I"),
    ("S2", "SO(2)"), ("S3", "hopf"), ("S2^2", "SO(3)"), ("S2^3", "SO(3) x Sym(3)"),
    ("T3^2", "T3"), ("S2^2", "O(3)"),
]


def run_pair(manifold: str, group: str, seeds: int, nmax: int, modes: int,
             noise: float, risk: str = "noise-averaged") -> dict:
    t0 = time.perf_counter()
    kernel = kernel_for(manifold, max_modes=modes)
    act = action_for(group, kernel)
    target = random_target(kernel, group=act, seed=np.random.SeedSequence([0, 7]))
    n_values = [n for n in (400 * 2 ** k for k in range(20)) if n <= nmax]
    setup = time.perf_counter() - t0
    t0 = time.perf_counter()
    curves = measure_curves(kernel, target, act, n_values=n_values, seeds=seeds, noise=noise,
                            show_progress=False, risk=risk)
    wall = time.perf_counter() - t0
    out = curves.to_dict()
    out.update(pair=f"{manifold}/{group}", setup_seconds=setup, curve_seconds=wall,
               seconds_per_seed=wall / seeds)
    return out


def _row(res: dict) -> str:
    sm = res["saving_measured"]["average"]
    sp = res["saving_predicted"]["average"]
    sa = res["saving_asymptotic"]["average"]
    em, ep, ea = res["exponent_measured"], res["exponent_predicted"], res["exponent_asymptotic"]

    def iv(v: dict) -> str:
        if v["value"] is None:
            return "n/a"
        return f"{v['value']:.3g} [{v['low']:.3g}, {v['high']:.3g}]"

    def f(x: float | None) -> str:
        return "n/a" if x is None else f"{x:.3g}"

    sampled = res["measured_by_estimator"]["sampled"]["saving"]
    return (f"| {res['pair']} | {res['spectrum']['n_modes']}/"
            f"{res['spectrum']['n_invariant_modes']} | {res['settings']['seeds']} | "
            f"{iv(sm['theory'])} | {iv(sampled)} | {iv(sm['cv'])} | "
            f"{f(sp)} | {'inf' if sa is None else f(sa)} | "
            f"{iv(em['none']['theory'])} | {f(ep['none'])} | {f(ea['none'])} | "
            f"{iv(em['average']['theory'])} | {f(ep['average'])} | {f(ea['average'])} | "
            f"{res['curve_seconds']:.0f} |")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, default=8)
    ap.add_argument("--nmax", type=int, default=102400)
    ap.add_argument("--modes", type=int, default=600)
    ap.add_argument("--noise", type=float, default=0.3)
    ap.add_argument("--risk", default="noise-averaged", choices=RISK_ESTIMATORS,
                    help="estimator of the theory ridge's risk (default noise-averaged)")
    ap.add_argument("--pairs", default=None, help="comma-separated M/G (default: the table)")
    ap.add_argument("--json", default=None, help="write every result to this JSON file")
    args = ap.parse_args()
    pairs = PAIRS if args.pairs is None else [tuple(p.split("/", 1))
                                              for p in args.pairs.split(",")]
    print(f"# {_common.machine_line()}")
    print(f"# seeds {args.seeds}, n = 400 .. {args.nmax}, modes <= {args.modes}, "
          f"noise {args.noise}, theory ridge's risk {args.risk}")
    print("| pair | modes / invariant | seeds | saving (theory ridge) | saving (theory ridge, "
          "sampled risk) | saving (GCV, sampled risk) | predicted (finite n) | asymptotic | "
          "exponent plain | predicted | asymptotic | exponent invariant | predicted | "
          "asymptotic | time (s) |")
    print("|" + "---|" * 15)
    results = []
    for manifold, group in pairs:
        res = run_pair(manifold, group, args.seeds, args.nmax, args.modes, args.noise,
                       args.risk)
        results.append(res)
        print(_row(res), flush=True)
        if args.json:
            Path(args.json).write_text(json.dumps(results))


if __name__ == "__main__":
    main()
