"""``weylgain learn``: a small learning-curve experiment, measured against predicted gain.

Examples::

    weylgain learn                                   # T2 with sign flips (|G| = 4)
    weylgain learn --manifold S2 --group "SO(2)"     # exponent gain on the sphere
    weylgain learn --manifold T2 --group C4 --json
    weylgain learn --plot curves.png                 # needs matplotlib

Kernel ridge regression with a spectral Sobolev kernel, plain and with the group-averaged
kernel (optionally Spec-Avg), on a random G-invariant target at the critical smoothness,
with the ridge chosen per fit (``--ridge oracle|loocv|rate``). Prints the fitted rate
exponents, the measured ratio of samples at equal risk, and the predictions (|G|, the
spectral degrees-of-freedom ratio, and weylgain.gain.predict_gain when available).
"""

from __future__ import annotations

import argparse
import json
import math
from typing import Any

from ._plot import add_plot_argument, check_plot_path


# the help texts are plain text (the module docstring above is reST, for the API docs)
_DESCRIPTION = """\
A small learning-curve experiment, measured against the predicted gain.

Kernel ridge regression with a spectral Sobolev kernel, plain and with the group-averaged
kernel (optionally Spec-Avg), on a random G-invariant target at the critical smoothness,
with the ridge chosen per fit (--ridge oracle|loocv|rate). Prints the fitted rate
exponents, the measured ratio of samples at equal risk, and the predictions (|G|, the
spectral degrees-of-freedom ratio, and the gain calculator's prediction)."""

_EPILOG = """\
examples:
  weylgain learn                                   # T2 with sign flips (|G| = 4)
  weylgain learn --manifold S2 --group "SO(2)"     # exponent gain on the sphere
  weylgain learn --manifold T2 --group C4 --json
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
    p.add_argument("--manifold", default="T2", choices=["T2", "S2"],
                   help="T2: flat torus (2 pi)^2, s = 2; S2: unit sphere, s = 1.5")
    p.add_argument("--group", default=None,
                   help="group spec (default signs2 on T2, SO(2) on S2); e.g. C4, signs2, SO(2)")
    p.add_argument("--n", type=int, nargs="+", default=None, metavar="N",
                   help="sample sizes (default 16 32 ... 512)")
    p.add_argument("--seeds", type=int, default=3, help="repetitions (default 3)")
    p.add_argument("--noise", type=float, default=0.3, help="noise sigma (default 0.3)")
    p.add_argument("--ridge", default="oracle", choices=["oracle", "loocv", "rate"],
                   help="ridge choice per fit (default oracle: best eta on a grid)")
    p.add_argument("--specavg", action="store_true", help="also run Spec-Avg")
    p.add_argument("--seed", type=int, default=0, help="master seed (default 0)")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    add_plot_argument(p, "the learning curves")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")


def run(args: argparse.Namespace) -> int:
    """Run the experiment; return the exit status."""
    from ..learning import experiment

    if args.group is not None and not args.group.strip():
        from ..errors import SpecError

        raise SpecError("--group is empty; give a group spec (e.g. signs2, C4, SO(2)) or "
                        "leave --group out for the default")
    group = args.group or ("signs2" if args.manifold == "T2" else "SO(2)")
    n_values = args.n or [16, 32, 64, 128, 256, 512]
    methods = ("none", "average") + (("specavg",) if args.specavg else ())
    check_plot_path(args.plot)
    curve = experiment(args.manifold, group, n_values=n_values, seeds=args.seeds,
                       noise=args.noise, ridge=args.ridge, methods=methods, seed=args.seed,
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
    pg = curve.predicted_gain
    for m, g in curve.gain.items():
        lines.append(f"samples saved by {m}: x{_fmt(g)} +- {_fmt(curve.gain_error[m])} "
                     f"(interpolated), x{_fmt(curve.fitted_gain[m])} (common-slope fit)")
    if pg.get("order"):
        lines.append(f"predicted: |G| = {pg['order']} asymptotically; "
                     f"x{pg['spectral']:.3g} from the kernel's degrees of freedom at the "
                     f"chosen ridge (boundary terms included)")
    else:
        lines.append("predicted: the invariant exponent is better, so the sample ratio grows "
                     "without bound as the risk goes to zero")
    gm = pg.get("gain_module")
    if isinstance(gm, dict) and gm.get("explanation"):
        lines.append("gain module: " + gm["explanation"])
    return "\n".join(lines)
