"""``weylgain learn``: a small learning-curve experiment, measured against predicted gain.

Examples::

    weylgain learn                                   # T2 with sign flips (|G| = 4)
    weylgain learn --manifold S2 --group "SO(2)"     # exponent gain on the sphere
    weylgain learn --manifold S2^3 --group "SO(3) x Sym(3)" --n 400 3200 25600
    weylgain learn --manifold T3^2 --group "Trans(3)" --json
    weylgain learn --manifold S2xT1 --group C4       # a mixed product
    weylgain learn --ridge oracle --n 16 32 64 128   # the small-n route (dual KRR)
    weylgain learn --plot curves.png                 # needs matplotlib

Kernel ridge regression with a spectral Sobolev kernel, plain and with the group-averaged
kernel, on a random G-invariant target at the critical smoothness. With ``--ridge theory``
(default) or ``cv`` the curves run by the primal route to n = 102400 (both ridge rules
measured: the theory ridge and generalized cross-validation); ``oracle``, ``loocv`` and
``rate`` run the small-n dual route (with ``--specavg``). Prints the measured saving of
samples and the rate exponents with their 95% intervals against the predicted finite-n
curve (eigenlearning with exact invariant multiplicities) and the asymptotic values.
"""

from __future__ import annotations

import argparse
import json
import math
from typing import Any

from ._plot import add_plot_argument, check_plot_path


# the help texts are plain text (the module docstring above is reST, for the API docs)
_DESCRIPTION = """\
A learning-curve experiment, measured against the predicted curve.

Kernel ridge regression with a spectral Sobolev kernel, plain and with the group-averaged
kernel, on a random G-invariant target at the critical smoothness. With --ridge theory
(default) or cv the curves run by the primal route up to n = 102400 and both ridge rules
are measured (the ridge minimizing the predicted risk, and generalized cross-validation);
oracle, loocv and rate run the small-n dual route (also with --specavg). Prints the
measured saving of samples and the rate exponents with 95% intervals, against the
finite-n prediction (eigenlearning with exact invariant multiplicities) and the
asymptotic values."""

_EPILOG = """\
examples:
  weylgain learn                                   # T2 with sign flips (|G| = 4)
  weylgain learn --manifold S2 --group "SO(2)"     # exponent gain on the sphere
  weylgain learn --manifold S2^3 --group "SO(3) x Sym(3)" --n 400 3200 25600
  weylgain learn --manifold T3^2 --group "Trans(3)" --json
  weylgain learn --manifold S2xT1 --group C4       # a mixed product
  weylgain learn --ridge oracle --n 16 32 64 128   # the small-n route
  weylgain learn --plot curves.png                 # needs matplotlib"""


def add_parser(subparsers: Any) -> None:
    """Register the ``learn`` subcommand."""
    p = subparsers.add_parser(
        "learn",
        help="a learning-curve experiment with and without invariance",
        description=_DESCRIPTION,
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--manifold", default="T2",
                   help="manifold spec as for gain, where a spectral kernel exists: S<d>, "
                        "T<d>, S<d>^k, T<d>^k and mixed products such as S2xT1, S1xS2 "
                        "(default T2; T2: s = 2, S2: s = 1.5, "
                        "elsewhere s = d/2 + 1, eigenspaces up to 600 modes)")
    p.add_argument("--group", default=None,
                   help="group spec (default signs2 on T2, SO(2) on S2); e.g. C4, I, SO(2), "
                        "hopf, \"SO(3) x Sym(3)\", \"Trans(3)\"")
    p.add_argument("--group-file", metavar="FILE", default=None,
                   help="read the group from a JSON group file (its manifold must be "
                        "--manifold's)")
    p.add_argument("--n", type=int, nargs="+", default=None, metavar="N",
                   help="sample sizes (default 400 800 ... 102400; 16 ... 512 with the "
                        "small-n ridges)")
    p.add_argument("--seeds", type=int, default=None,
                   help="repetitions (default 8 by the primal route, 3 otherwise)")
    p.add_argument("--noise", type=float, default=0.3, help="noise sigma (default 0.3)")
    p.add_argument("--ridge", default="theory",
                   choices=["theory", "cv", "oracle", "loocv", "rate"],
                   help="ridge rule (default theory: the ridge minimizing the predicted "
                        "risk; cv: generalized cross-validation; both are measured by the "
                        "primal route; oracle/loocv/rate: the small-n route)")
    p.add_argument("--risk", default=None,
                   choices=["noise-averaged", "noise-target-averaged", "sampled"],
                   help="estimator of the theory ridge's risk by the primal route (default "
                        "noise-averaged: the exact expectation over the label noise given "
                        "the samples, the sampled risk's estimand with a smaller variance; "
                        "noise-target-averaged: also over the target's directions within "
                        "each eigenspace; sampled: the fit to the labels drawn). The GCV "
                        "ridge's risk is always sampled")
    p.add_argument("--specavg", action="store_true", help="also run Spec-Avg")
    p.add_argument("--seed", type=int, default=0, help="master seed (default 0)")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    add_plot_argument(p, "the learning curves")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")


def run(args: argparse.Namespace) -> int:
    """Run the experiment; return the exit status."""
    from .. import learning
    from ..errors import SpecError

    if args.group is not None and not args.group.strip():
        raise SpecError("--group is empty; give a group spec (e.g. signs2, C4, SO(2)) or "
                        "leave --group out for the default")
    group: Any = args.group
    if args.group_file is not None:
        if args.group is not None:
            raise SpecError("give either --group or --group-file, not both")
        from ..groups import load_group_file

        file_manifold, group = load_group_file(args.group_file)
        if str(file_manifold).replace(" ", "") != str(args.manifold).replace(" ", ""):
            raise SpecError(f"the group file is for {file_manifold}; pass --manifold "
                            f"{file_manifold}")
    if group is None:
        from ..manifolds import parse_manifold

        parse_manifold(args.manifold)  # an unknown spec is named before the missing group
        key = str(args.manifold).strip().upper()
        group = {"T2": "signs2", "S2": "SO(2)"}.get(key)
        if group is None:
            raise SpecError(f"--manifold {args.manifold} has no default group; give --group")
    scale = args.ridge in ("theory", "cv")
    if args.risk not in (None, "sampled") and not scale:
        raise SpecError(f"--risk {args.risk} runs with --ridge theory or cv (the primal "
                        f"route); --ridge {args.ridge} measures sampled risks on a test set")
    if args.specavg and scale:
        raise SpecError("--specavg runs with the small-n ridges (--ridge oracle, loocv or "
                        "rate), not with the primal route")
    n_values = args.n or (None if scale else [16, 32, 64, 128, 256, 512])
    seeds = args.seeds if args.seeds is not None else (8 if scale else 3)
    methods = ("none", "average") + (("specavg",) if args.specavg else ())
    check_plot_path(args.plot)
    curve = learning.experiment(args.manifold, group, n_values=n_values, seeds=seeds,
                                noise=args.noise, ridge=args.ridge, methods=methods,
                                seed=args.seed, risk=args.risk,
                                show_progress=not (args.no_progress or args.json))
    if args.plot:
        from ..plotting import plot_learning_curve

        plot_learning_curve(curve, path=args.plot)
    if args.json:
        out = curve.to_dict()
        if args.plot:
            out["plot"] = args.plot
        print(json.dumps(out))
        return 0
    print(_summary(curve))
    if args.plot:
        print(f"plot saved to {args.plot}")
    return 0


def _fmt(x: Any) -> str:
    return "n/a" if x is None or (isinstance(x, float) and not math.isfinite(x)) else f"{x:.3g}"


def _summary(curve: Any) -> str:
    lines = [f"learning curves on {curve.domain} with {curve.group} "
             f"(d_G = {curve.settings['quotient_dim']}, noise {curve.settings['noise']}, "
             f"{curve.settings['seeds']} seeds, ridge {curve.settings['ridge']})",
             "", "     n  " + "  ".join(f"{m:>10}" for m in curve.methods)]
    for k, n in enumerate(curve.n_values):
        lines.append(f"{n:6d}  " + "  ".join(f"{curve.mean_risk(m)[k]:10.3e}"
                                             for m in curve.methods))
    lines.append("")
    pe = curve.predicted_exponents
    for i, m in enumerate(curve.methods):
        pred = pe["plain"] if m in ("none", "specavg") else pe["invariant"]
        lines.append(f"rate exponent {m:>8}: {curve.exponents[i]:.3f} +- "
                     f"{_fmt(curve.exponent_errors[i])}   (predicted {pred:.3f})")
    th = curve.theory
    for m, g in curve.gain.items():
        lines.append(f"samples saved by {m}: x{_fmt(g)} +- {_fmt(curve.gain_error[m])} "
                     f"(interpolated), x{_fmt(curve.fitted_gain[m])} (common-slope fit)")
    if th:
        lines.append("")
        lines.append("measured against predicted (finite n: eigenlearning with exact "
                     "invariant multiplicities; 95% intervals):")
        for m, rules in th.get("saving_measured", {}).items():
            pred = th["saving_predicted"].get(m)
            asym = th["saving_asymptotic"].get(m)
            for rule, v in (rules.items() if "value" not in rules else [("", rules)]):
                est = th.get("risk_estimator", {}).get(rule)
                label = (f" ({rule} ridge{', ' + est + ' risk' if est else ''})" if rule
                         else "")
                lines.append(f"  saving by {m}{label}: x{_fmt(v['value'])} "
                             f"[{_fmt(v['low'])}, {_fmt(v['high'])}]   predicted "
                             f"x{_fmt(pred)}, asymptotically "
                             f"{'unbounded' if asym is None else 'x' + _fmt(asym)}")
        for m, rules in th.get("exponent_measured", {}).items():
            for rule, v in (rules.items() if "value" not in rules else [("", rules)]):
                label = f" ({rule} ridge)" if rule else ""
                lines.append(f"  exponent {m}{label}: {v['value']:.3f} "
                             f"[{_fmt(v['low'])}, {_fmt(v['high'])}]   predicted "
                             f"{_fmt(th['exponent_predicted'][m])}, asymptotically "
                             f"{_fmt(th['exponent_asymptotic'][m])}")
    pg = curve.predicted_gain
    if pg.get("order"):
        lines.append(f"predicted: |G| = {pg['order']} asymptotically")
    else:
        lines.append("predicted: the invariant exponent is better, so the sample ratio grows "
                     "without bound as the risk goes to zero")
    return "\n".join(lines)
