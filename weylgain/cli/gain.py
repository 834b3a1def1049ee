"""``weylgain gain``: what does a symmetry buy for learning on a manifold?

Examples::

    weylgain gain T2 mirror                 # a mirror-symmetric image: gain 2
    weylgain gain T7 "Perm(7)"              # 7 blocks in any order: gain 5,040
    weylgain gain S2 SO(2) --s 2 --eps 1e-3 # rotations about an axis: exponential gain
    weylgain gain S3 "Perm(3)" --json       # the 3-sphere, permutations of 3 coordinates
    weylgain gain S2 C4 --measure           # check d_G and vol(M/G) against a mesh

The first argument is always a manifold (``S2``, ``T3``, ``RP2``, ``B3``, ``H2``, ``Q2``,
``I``, products ``S2xT1``; see :func:`weylgain.manifolds.parse_manifold`), the second a group
(see :func:`weylgain.groups.named`).

JSON (``--json``): the fields of :meth:`weylgain.gain.GainReport.to_dict` -- among them
``d, d_G, vol_M, vol_quotient, kind, linear_factor`` (null when the dimension drops),
``risk_exponent, risk_exponent_invariant, sample_ratio_at_eps, explanation`` -- and with
``--measure`` also ``measured``: :meth:`weylgain.gain.MeasuredGain.to_dict` (``d_G`` and
``vol_quotient`` fitted from eigenvalue counts, their relative errors, the fit window;
``converged`` and ``convergence_note``: whether the fitting windows agree, and why not;
``gain_measured``, ``count_ratio`` and ``sample_exponent_measured`` beside the predictions).
A measurement whose windows disagree is printed as NOT CONVERGED with the reason (exit 0:
it is a finding, not an error).

Where vol(M/G) cannot be computed (see docs/gain.md), what is known without it is still
printed -- d, d_G, the kind of gain and the exponents, in text or as JSON with
``"vol_quotient": null`` and ``vol_quotient_unavailable_reason`` -- and the exit status is 4.

Exit codes: 0 success; 2 bad usage, an unknown manifold/group spec or a malformed group; 3 the
group does not act on the manifold; 4 a valid question that cannot be answered (vol(M/G)
unavailable: the partial report is printed); 1 another weylgain error (e.g. a failed fit
with ``--measure``).
"""

from __future__ import annotations

import argparse
import json
import shlex
import sys
import textwrap
from typing import Any

from ._group_args import PRODUCT_EPILOG, add_group_arguments, manifold_and_group

from ._plot import add_plot_argument, check_plot_path

EXIT_OK = 0
EXIT_USAGE = 2
EXIT_GROUP = 3
EXIT_UNSUPPORTED = 4


def add_parser(subparsers: Any) -> None:
    """Register the ``gain`` subcommand on an argparse subparsers object."""
    parser = subparsers.add_parser(
        "gain",
        help="predict (and optionally measure) the sample-complexity gain of a symmetry",
        description=textwrap.fill(
            "Sample-complexity gain of learning a G-invariant target on a manifold M "
            "(kernel ridge regression, Tahmasebi & Jegelka 2023): the quotient dimension d_G, "
            "vol(M/G), whether the gain is linear (finite G: |G| times fewer samples) or "
            "exponential (positive-dimensional orbits: the rate exponent improves), and the "
            "ratio of samples needed.", width=88),
        epilog=textwrap.fill(
            "Manifolds: S<d> T<d> RP<d> B<d> H<d> Q<d> I, radii/lengths in parentheses "
            "(S2(2), T2(1,2)), products S2xT1. Groups: C4 D3 T O I Ih Oh mirror antipodal "
            "Perm(7) signs7 SignedPerm(7) cyc3 Z10 SO(2) SO(3) hopf Trans(1) ... (the short "
            "S7, B7, T1 are read the same where nothing else can be meant). " + PRODUCT_EPILOG,
            width=88)
        + "\nexamples:\n  weylgain gain Q7 \"Perm(7)\"         # seven values in [0, 1], any "
          "order\n  weylgain gain S2 \"SO(2)\" --eps 1e-3 --json\n"
          "  weylgain gain S2 \"SO(2)\" --s 2 --plot gain.png\n"
          "  weylgain gain S2^3 \"SO(3) x Sym(3)\" --json   # three points, rotated and "
          "permuted\n  weylgain gain --group-file G.json --measure",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_group_arguments(parser, "manifold spec, e.g. S2, T7, RP2, B3, S2xT1, S2^3",
                        "group spec, e.g. mirror, C4, Perm(7), SO(2), hopf, Trans(1), "
                        "\"SO(3) x Sym(3)\"")
    parser.add_argument("--s", type=float, default=None,
                        help="Sobolev smoothness of the target, s > d/2 (default d/2 + 1)")
    parser.add_argument("--eps", type=float, default=None,
                        help="target excess risk for the sample ratio")
    parser.add_argument("--n", type=float, default=None,
                        help="sample size for the risks and the equivalent sample size")
    parser.add_argument("--sigma", type=float, default=1.0, help="noise level (default 1)")
    parser.add_argument("--noise", type=float, default=None,
                        help="with --n or --eps: also the finite-n figures with their "
                             "constants (predicted KRR learning curves, plain and invariant, "
                             "label noise of this standard deviation, unit-norm target)")
    parser.add_argument("--measure", action="store_true",
                        help="also mesh M and M/G, count eigenvalues and fit Weyl's law "
                             "(a few seconds); where no mesh exists (products, Lie-algebra "
                             "groups) the exact invariant counts are fitted instead")
    parser.add_argument("--route", choices=("auto", "mesh", "exact"), default="auto",
                        help="with --measure: how to count (default auto: a mesh of M or "
                             "M/G where one resolves the window, else exact counts; mesh or "
                             "exact forces one, and a pair without it is refused)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    add_plot_argument(parser, "the predicted risk against n (plain and invariant) and the "
                              "sample ratio against eps")
    parser.set_defaults(func=run)


def _error(msg: str) -> None:
    print(f"weylgain: error: {msg}", file=sys.stderr)


def swap_hint(args: argparse.Namespace, command: str) -> str:
    """'' or, when MANIFOLD GROUP read only the other way round (``C4 S2``), the sentence
    that says so and gives the command in the right order."""
    from ..groups.catalogue import given_in_swapped_order

    m, g = getattr(args, "manifold", None), getattr(args, "group", None)
    if not given_in_swapped_order(m, g):
        return ""
    return (f". {m!r} is a group and {g!r} a manifold: the manifold comes first, "
            f"weylgain {command} {shlex.quote(g)} {shlex.quote(m)}")


def run(args: argparse.Namespace) -> int:
    """Run ``weylgain gain`` on parsed arguments; return the exit code."""
    from ..errors import NotInvariantError, SpecError, WeylgainError
    from ..gain import measure_gain, predict_gain
    from ..geometry.result import QuotientVolumeError
    from . import EXIT_CODES, exit_status

    try:
        plot = check_plot_path(getattr(args, "plot", None))
    except SpecError as exc:
        _error(str(exc))
        return EXIT_USAGE
    try:
        manifold, group = manifold_and_group(args)
        report = predict_gain(manifold, group, s=args.s, eps=args.eps, n=args.n,
                              sigma=args.sigma, noise=getattr(args, "noise", None))
    except QuotientVolumeError as exc:
        return _partial(exc, args)
    except WeylgainError as exc:
        _error(str(exc) + (swap_hint(args, "gain") if isinstance(exc, SpecError) else ""))
        return exit_status(exc)
    measured = None
    if getattr(args, "measure", False):
        try:
            measured = measure_gain(manifold, group, route=getattr(args, "route", "auto")
                                    ).with_smoothness(report.s)
        except NotInvariantError as exc:  # the group acts on M (predicted above), on no mesh
            _error(f"--measure: {exc}")
            return EXIT_CODES["valid question that cannot be answered"]
        except WeylgainError as exc:  # bad input 2, does not act 3, cannot be measured 4
            _error(f"--measure: {exc}")
            return exit_status(exc)
    if plot:
        from ..plotting import plot_gain

        plot_gain(report, path=plot)
    if args.json:
        data = report.to_dict()
        if measured is not None:
            data["measured"] = measured.to_dict()
        if plot:
            data["plot"] = plot
        print(json.dumps(data))
        return EXIT_OK
    print(format_report(report, measured))
    if plot:
        print(f"plot saved to {plot}")
    return EXIT_OK


def _partial(exc: Any, args: argparse.Namespace) -> int:
    """Print what is known without vol(M/G) (d_G and the exponents); exit status 4."""
    from ..errors import WeylgainError
    from ..gain.predict import partial_gain
    from . import exit_status

    try:
        part = partial_gain(exc, args.s)
    except WeylgainError as err:
        _error(str(err))
        return exit_status(err)
    if args.json:
        print(json.dumps(part.to_dict()))
    else:
        print(format_partial(part))
    _error(str(exc))
    return EXIT_UNSUPPORTED


def format_partial(p: Any) -> str:
    """The table of ``weylgain gain`` when vol(M/G) is not available."""
    rows = [
        ("manifold M", f"{p.manifold}  (dim {p.d})"),
        ("group G", p.group),
        ("quotient M/G", f"dim d_G = {p.d_G}, vol not available"),
        ("kind of gain", p.kind + ("  (transitive: parametric)" if p.d_G == 0 else "")),
        ("smoothness s", _num(p.s)),
        ("risk exponent", f"{p.risk_exponent:.4g}  ->  invariant {p.risk_exponent_invariant:.4g}"),
        ("samples n(eps)", f"eps^-{p.sample_exponent:.4g}  ->  eps^-"
                           f"{p.sample_exponent_invariant:.4g}"),
    ]
    width = max(len(k) for k, _ in rows)
    lines = [f"{k:<{width}}  {v}" for k, v in rows]
    lines.append("")
    lines.extend(textwrap.wrap(
        f"vol(M/G) is not available: {p.reason}. The rates above need only the dimensions; "
        "the constants (the volume ratio and the sample ratios at eps or n) need the volume.",
        width=88))
    return "\n".join(lines)


def _num(x: Any, spec: str = ".6g") -> str:
    if x is None:
        return "-"
    if isinstance(x, int):
        return f"{x:,}"
    return format(x, spec)


def _vol(expr: str, value: float) -> str:
    return expr if expr == _num(value) else f"{expr} = {_num(value)}"


def _order_note(r: Any) -> str:
    if r.effective_order is None:
        return ""
    if r.group_order is None:  # continuous: only a finite part acting on M/G0 counts
        if r.effective_order <= 1:
            return ""
        return f"  (its finite part acts on the orbit space as {_num(r.effective_order)} maps)"
    return f"  (order {_num(r.group_order)}, acting as {_num(r.effective_order)} maps)"


def format_report(report: Any, measured: Any = None) -> str:
    """The human-readable table of ``weylgain gain``."""
    r = report
    rows: list[tuple[str, str]] = [
        ("manifold M", f"{r.manifold}  (dim {r.d}, vol {_vol(r.vol_M_expr, r.vol_M)})"),
        ("group G", r.group + _order_note(r)),
        ("quotient M/G", f"dim d_G = {r.d_G}, vol {_vol(r.vol_quotient_expr, r.vol_quotient)}"
                         + (f" +- {r.vol_quotient_error:.2g} (numerical coarea integral)"
                            if getattr(r, "vol_quotient_error", 0.0) else "")),
    ]
    if getattr(r, "action", ""):
        rows.insert(2, ("action", r.action))
    if r.boundary_volume_quotient:
        rows.append(("boundary of M/G", f"{_num(r.boundary_volume_quotient)}  (reflection walls "
                                        f"{_num(r.wall_volume)})"))
    rows += [
        ("kind of gain", r.kind + ("  (transitive: parametric)" if r.kind == "exponential"
                                   and r.d_G == 0 else "")),
        ("linear factor", _num(r.linear_factor)),
        ("smoothness s", _num(r.s)),
        ("risk exponent", f"{r.risk_exponent_expr} = {r.risk_exponent:.4g}  ->  invariant "
                          f"{r.risk_exponent_invariant_expr} = {r.risk_exponent_invariant:.4g}"),
        ("samples n(eps)", f"eps^-{r.sample_exponent:.4g}  ->  eps^-"
                           f"{r.sample_exponent_invariant:.4g}"),
        ("sample ratio", r.sample_ratio_expr.replace("**", "^")),
    ]
    if r.eps is not None:
        rows.append((f"ratio at eps={r.eps:g}", _num(r.sample_ratio_at_eps)))
    if r.n is not None:
        rows.append((f"risk at n={r.n:g}", f"{_num(r.risk_at_n)} plain, "
                                           f"{_num(r.risk_invariant_at_n)} invariant"))
        rows.append(("equivalent samples", f"{_num(r.equivalent_samples_at_n)} "
                                           f"(x{_num(r.sample_ratio_at_n)})"))
    if getattr(r, "noise", None) is not None:
        rows += _finite_rows(r)
    if measured is not None:
        rows += _measured_rows(measured)
    width = max(len(k) for k, _ in rows)
    lines = [f"{k:<{width}}  {v}" for k, v in rows]
    lines.append("")
    lines.extend(textwrap.wrap(r.explanation, width=88))
    return "\n".join(lines)


def _finite_rows(r: Any) -> list[tuple[str, str]]:
    """The finite-n figures with their constants (predicted KRR curves, --noise)."""
    def n_or_more(x: Any) -> str:
        return "more than 1e15" if x is None else f"{x:,.0f}"

    rows = [("finite n", f"KRR curves, noise {r.noise:g}, unit-norm target, theory ridge")]
    if r.finite_risk_at_n is not None:
        saving = ("n/a" if r.finite_saving_at_n is None else f"x{r.finite_saving_at_n:.4g}")
        rows.append((f"  risk at n={r.n:g}", f"{_num(r.finite_risk_at_n)} plain, "
                                             f"{_num(r.finite_risk_invariant_at_n)} invariant "
                                             f"(saving {saving})"))
    if r.eps is not None:
        saving = ("n/a" if r.finite_saving_at_eps is None else f"x{r.finite_saving_at_eps:.4g}")
        rows.append((f"  samples at eps={r.eps:g}",
                     f"{n_or_more(r.finite_samples_at_eps)} plain, "
                     f"{n_or_more(r.finite_samples_invariant_at_eps)} invariant ({saving})"))
    return rows


def _measured_rows(m: Any) -> list[tuple[str, str]]:
    """The measured fields beside the predicted ones; a fit whose windows disagree is shown
    as not converged, with the reason, instead of a confident +-."""
    converged = getattr(m, "converged", True) is not False
    tag = "" if converged else "  [NOT CONVERGED]"
    rows = [("fit", "converged: the fitting windows agree" if converged
             else f"NOT converged: {m.convergence_note}")]
    rows.append(("measured d_G", f"{m.d_G:.4g} +- {m.d_G_err:.2g}  (predicted "
                                 f"{m.d_G_predicted}, rel. error {m.d_G_rel_error:.2%}){tag}"))
    rows.append(("measured vol(M/G)", f"{m.vol_quotient:.5g} +- {m.vol_quotient_err:.2g}  "
                                      f"(predicted {m.vol_quotient_predicted:.5g}, rel. error "
                                      f"{m.vol_quotient_rel_error:.2%}){tag}"))
    if getattr(m, "gain_measured", None) is not None:
        rows.append(("measured gain", f"vol(M)/vol(M/G) = {m.gain_measured:.5g} +- "
                                      f"{m.gain_measured_err:.2g}  (predicted |G_eff| = "
                                      f"{m.gain_predicted:,.6g}){tag}"))
    if getattr(m, "count_ratio", None) is not None:
        trend = ("tends to |G_eff| as lam grows" if m.d_G_predicted == m.d_predicted else
                 f"grows like lam^{(m.d_predicted - m.d_G_predicted) / 2:g}: the dimension drop")
        rows.append(("N / N_G", f"{m.count_ratio:.5g} at lam = {m.count_ratio_lam:.4g}  "
                                f"({trend})"))
    if m.d_G_predicted < m.d_predicted and getattr(m, "sample_exponent_measured", None):
        rows.append(("measured exponent", f"n(eps) ~ eps^-{m.sample_exponent_measured:.4g} "
                                          f"+- {m.sample_exponent_measured_err:.2g} at s = "
                                          f"{m.smoothness:.4g}  (predicted eps^-"
                                          f"{m.sample_exponent_predicted:.4g}){tag}"))
    rows.append(("measurement", m.method))
    return rows
