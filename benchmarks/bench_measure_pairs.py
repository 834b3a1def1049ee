"""Every pair of the measured table of docs/gain.md, measured one after another in one process.

Run: ``python benchmarks/bench_measure_pairs.py [--pairs S2/C7,T2/mirror] [--json out.json]``.

The pairs: :func:`weylgain.gain.catalogue_pairs`, the configurations (``S2^2 "SO(3)"``,
``S2^3 "SO(3) x Sym(3)"``, ``T3^2 T3``) and the finite and continuous pairs of issue 17 that
are not in the catalogue (S2/C7, S2/C10, S2/D5h, B2/SO(2), H2/C3). For each,
:func:`weylgain.gain.measure_gain` runs once and one Markdown row is printed: the route, the
predicted and measured d_G (with its reported uncertainty), the predicted and measured
vol(M/G) and the relative error, the measured gain against the predicted one, whether the
fitting windows agree, whether the error bars cover the prediction at three standard
deviations, whether the row meets the goal of the issue (d_G within 0.05, vol(M/G) within
2%), the window [lam_0, lam_1] and the invariant count N_G(lam_1) at its top, the wall time
and its ratio to the one-minute goal, and the machine's load average (1 min) at the start
and at the end of the row (two cores are shared: the times scale with the load).
A pair that cannot be measured is a row with its refusal.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

from weylgain.gain import catalogue_pairs, measure_gain  # noqa: E402

CONFIGURATIONS = [("S2^2", "SO(3)"), ("S2^3", "SO(3) x Sym(3)"), ("T3^2", "T3")]
EXTRA = [("S2", "C7"), ("S2", "C10"), ("S2", "D5h"), ("B2", "SO(2)"), ("H2", "C3")]
GOAL_D, GOAL_VOL, GOAL_SECONDS = 0.05, 0.02, 60.0


def all_pairs() -> list[tuple[str, str]]:
    """The pairs of the table, in its order, without repeats."""
    return list(dict.fromkeys(list(catalogue_pairs()) + CONFIGURATIONS + EXTRA))


def measure_row(M: str, G: str) -> dict:
    """One pair: measured and predicted fields, or the refusal, with the load around it."""
    load0 = os.getloadavg()[0]
    t = time.perf_counter()
    try:
        m = measure_gain(M, G)
    except Exception as exc:  # a refusal is a row of the table, not a crash of the script
        return dict(M=M, G=G, error=f"{type(exc).__name__}: {exc}",
                    seconds=time.perf_counter() - t, load_start=load0,
                    load_end=os.getloadavg()[0])
    seconds = time.perf_counter() - t
    covers = (abs(m.d_G - m.d_G_predicted) <= 3 * m.d_G_err + 1e-12
              and abs(m.vol_quotient - m.vol_quotient_predicted)
              <= 3 * m.vol_quotient_err + 1e-12 * abs(m.vol_quotient_predicted))
    goal = (abs(m.d_G - m.d_G_predicted) <= GOAL_D
            and m.vol_quotient_rel_error <= GOAL_VOL)
    if m.gain_measured is not None and m.gain_predicted is not None:
        gain = (f"{m.gain_measured:.4g} ± {m.gain_measured_err:.2g} "
                f"(pred. {m.gain_predicted:.4g})")
    else:  # a dimension drop: the sample exponent the measured d_G implies
        gain = (f"eps^-{m.sample_exponent_measured:.3f} ± {m.sample_exponent_measured_err:.2g}"
                f" (pred. eps^-{m.sample_exponent_predicted:.3f})")
    return dict(M=M, G=G, route=m.source, mesh=m.mesh, gain=gain,
                d_G_predicted=m.d_G_predicted, d_G=m.d_G, d_G_err=m.d_G_err,
                vol_predicted=m.vol_quotient_predicted, vol=m.vol_quotient,
                vol_err=m.vol_quotient_err, vol_rel_error=m.vol_quotient_rel_error,
                converged=m.converged, note=m.convergence_note, covers=covers, goal=goal,
                lam_lo=m.lams_quotient[0], lam_hi=m.lams_quotient[-1],
                N_G=m.counts_quotient[-1], seconds=seconds, load_start=load0,
                load_end=os.getloadavg()[0])


HEADER = ("| $M/G$ | route | $d_G$ pred. | $d_G$ measured | vol($M/G$) pred. | "
          "vol measured (error) | gain measured (predicted) | converged | covers at "
          "$3\\sigma$ | goal | window $[\\lambda_0, \\lambda_1]$, $N_G(\\lambda_1)$ | time "
          "(/ 60 s) | load start, end |\n"
          "|---|---|---|---|---|---|---|---|---|---|---|---|---|")


def markdown(r: dict) -> str:
    """The row of one pair."""
    name = f"`{r['M']}/{r['G']}`"
    load = f"{r['load_start']:.1f}, {r['load_end']:.1f}"
    if "error" in r:
        return (f"| {name} | refused | | | | | | {r['error'][:160]} | | | | "
                f"{r['seconds']:.1f} s | {load} |")
    conv = "yes" if r["converged"] else "**no**: " + r["note"].split(";")[0][:90]
    route = r["route"] + (f" (`{r['mesh'].split(' ')[0]}`)" if r["route"] != "exact counts"
                          else "")
    return (f"| {name} | {route} | {r['d_G_predicted']} | {r['d_G']:.3f} ± {r['d_G_err']:.2g}"
            f" | {r['vol_predicted']:.5g} | {r['vol']:.5g} ± {r['vol_err']:.2g} "
            f"({r['vol_rel_error']:.2%}) | {r['gain']} | {conv} | "
            f"{'yes' if r['covers'] else 'NO'} | {'yes' if r['goal'] else 'no'} | "
            f"[{r['lam_lo']:.4g}, {r['lam_hi']:.4g}], {r['N_G']:.4g} | {r['seconds']:.1f} s "
            f"({r['seconds'] / GOAL_SECONDS:.2f}) | {load} |")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", default=None,
                        help="comma-separated pairs M/G to run (default: every pair)")
    parser.add_argument("--json", default=None, help="write the rows as a JSON list here")
    args = parser.parse_args(argv)
    pairs = all_pairs()
    if args.pairs:
        wanted = [p.strip() for p in args.pairs.split(",") if p.strip()]
        known = {f"{M}/{G}": (M, G) for M, G in pairs}
        # a pair outside the table is measured too (M/G split at the first slash)
        pairs = [known.get(p) or tuple(p.split("/", 1)) for p in wanted]
    load0 = os.getloadavg()[0]
    print(f"load average at the start: {load0:.1f} on {os.cpu_count()} cores\n")
    print(HEADER, flush=True)
    rows = []
    t0 = time.perf_counter()
    for M, G in pairs:
        row = measure_row(M, G)
        rows.append(row)
        print(markdown(row), flush=True)
        if args.json:  # rewritten after every row: a partial run still leaves its rows
            with open(args.json, "w") as fh:
                json.dump(rows, fh, indent=1)
    done = [r for r in rows if "error" not in r]
    conv = [r for r in done if r["converged"]]
    slow = [f"{r['M']}/{r['G']}" for r in rows if r["seconds"] > GOAL_SECONDS]
    print(f"\n{len(rows)} pairs: {len(done)} measured, {len(rows) - len(done)} refused; "
          f"{len(conv)} converged; {sum(r['covers'] for r in done)} cover the prediction at "
          f"3 sigma; {sum(r['goal'] for r in done)} within {GOAL_D} in d_G and "
          f"{GOAL_VOL:.0%} in vol; slowest {max((r['seconds'] for r in rows), default=0):.1f} "
          f"s; over {GOAL_SECONDS:.0f} s: {', '.join(slow) or 'none'}; total "
          f"{time.perf_counter() - t0:.0f} s; load average at the start {load0:.1f}, at the "
          f"end {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
