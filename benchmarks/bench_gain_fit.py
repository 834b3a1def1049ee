"""measure_gain over every catalogue pair and the configurations: measured against predicted.

Run: ``python benchmarks/bench_gain_fit.py [--timeout 90] [--json out.jsonl]``.

For each pair of :func:`weylgain.gain.catalogue_pairs` and the configuration pairs
(``S2^2 "SO(3)"``, ``S2^3 "SO(3) x Sym(3)"``, ``T3^2 T3``) and a few more pairs of the
issue (S2/C7, S2/C10, S2/D5h, B2/SO(2), H2/C3) it runs
:func:`weylgain.gain.measure_gain` once and prints a Markdown table row: the route (mesh or
quotient mesh or exact counts), predicted and measured d_G and vol(M/G) with the reported
uncertainty, the measured gain (vol(M)/vol(M/G) against |G_eff|, or the sample exponent
the measured d_G implies),
whether the fitting windows agree (``converged``) and why not, the window and the invariant
count at its top, and the wall time. A pair that cannot be measured shows its refusal. The
table of docs/gain.md#measured-pairs comes from this script. The goal it checks: every
converged row covers the prediction at three standard deviations (last column).
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

from weylgain.gain import catalogue_pairs, measure_gain  # noqa: E402

CONFIGURATIONS = [("S2^2", "SO(3)"), ("S2^3", "SO(3) x Sym(3)"), ("T3^2", "T3")]
# pairs of the issue that are not in the catalogue: sawtooths of cyclic groups, a dihedral
# group with walls, and a continuous group on a ball
EXTRA = [("S2", "C7"), ("S2", "C10"), ("S2", "D5h"), ("B2", "SO(2)"), ("H2", "C3")]


class _Timeout(Exception):
    pass


def _alarm(*_: object) -> None:
    raise _Timeout()


def measure_row(M: str, G: str, timeout: int) -> dict:
    """One pair: the measured and predicted fields, or the refusal."""
    t = time.perf_counter()
    signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(timeout)
    try:
        m = measure_gain(M, G)
    except _Timeout:
        return dict(M=M, G=G, error=f"timeout after {timeout} s", t=time.perf_counter() - t)
    except Exception as exc:  # a refusal is a row of the table, not a crash of the script
        return dict(M=M, G=G, error=f"{type(exc).__name__}: {exc}", t=time.perf_counter() - t)
    finally:
        signal.alarm(0)
    covers = (abs(m.d_G - m.d_G_predicted) <= 3 * m.d_G_err
              and abs(m.vol_quotient - m.vol_quotient_predicted) <= 3 * m.vol_quotient_err)
    if m.gain_measured is not None and m.gain_predicted is not None:
        gain = (f"{m.gain_measured:.4g} ± {m.gain_measured_err:.2g} "
                f"(pred. {m.gain_predicted:.4g})")
    else:  # a dimension drop: the sample exponent the measured d_G implies
        gain = (f"eps^-{m.sample_exponent_measured:.3f} ± {m.sample_exponent_measured_err:.2g}"
                f" (pred. eps^-{m.sample_exponent_predicted:.3f})")
    return dict(M=M, G=G, route=m.source, gain=gain, mesh=m.mesh, dG=m.d_G, dG_err=m.d_G_err, dG_pred=m.d_G_predicted,
                vol=m.vol_quotient, vol_err=m.vol_quotient_err,
                vol_pred=m.vol_quotient_predicted, rel=m.vol_quotient_rel_error,
                conv=m.converged, note=m.convergence_note, lo=m.lams_quotient[0],
                hi=m.lams_quotient[-1], Ntop=m.counts_quotient[-1], covers=covers,
                t=time.perf_counter() - t)


HEADER = ("| $M/G$ | route | $d_G$ pred. | $d_G$ measured | vol($M/G$) pred. | "
          "vol measured (error) | gain measured (predicted) | converged | "
          "window $[\\lambda_0, \\lambda_1]$, $N_G(\\lambda_1)$ | time | covers at $3\\sigma$ |\n"
          "|---|---|---|---|---|---|---|---|---|---|---|")


def markdown(r: dict) -> str:
    name = f"`{r['M']}/{r['G']}`"
    if "error" in r:
        return (f"| {name} | refused | | | | | | {r['error'][:160]} | | {r['t']:.1f} s | |")
    conv = "yes" if r["conv"] else "**no**: " + r["note"].split(";")[0][:90]
    route = r["route"] + (f" (`{r['mesh'].split(' ')[0]}`)" if r["route"] != "exact counts"
                          else "")
    return (f"| {name} | {route} | {r['dG_pred']} | {r['dG']:.3f} ± {r['dG_err']:.2g} | "
            f"{r['vol_pred']:.5g} | {r['vol']:.5g} ± {r['vol_err']:.2g} ({r['rel']:.2%}) | "
            f"{r['gain']} | {conv} | [{r['lo']:.4g}, {r['hi']:.4g}], {r['Ntop']:.4g} | "
            f"{r['t']:.1f} s | {'yes' if r['covers'] else 'NO'} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--timeout", type=int, default=90)
    parser.add_argument("--json", default=None, help="also write one JSON line per pair")
    parser.add_argument("--only", default=None,
                        help="comma-separated pairs M/G to run (default: all)")
    args = parser.parse_args()
    load0 = os.getloadavg()[0]
    print(f"load average at the start: {load0:.1f} on {os.cpu_count()} cores\n")
    print(HEADER)
    sink = open(args.json, "w") if args.json else None
    pairs = list(dict.fromkeys(list(catalogue_pairs()) + CONFIGURATIONS + EXTRA))
    if args.only:
        wanted = set(args.only.split(","))
        pairs = [(M, G) for M, G in pairs if f"{M}/{G}" in wanted]
    rows = []
    for M, G in pairs:
        row = measure_row(M, G, args.timeout)
        rows.append(row)
        print(markdown(row), flush=True)
        if sink:
            sink.write(json.dumps(row) + "\n")
    if sink:
        sink.close()
    done = [r for r in rows if "error" not in r]
    conv = [r for r in done if r["conv"]]
    print(f"\n{len(rows)} pairs: {len(done)} measured, {len(rows) - len(done)} refused; "
          f"{len(conv)} converged, of which {sum(r['covers'] for r in conv)} cover the "
          f"prediction at 3 sigma; slowest {max(r['t'] for r in rows):.1f} s; load average "
          f"at the end {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
