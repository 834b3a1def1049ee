"""``weylgain exact``: exact invariant eigenvalue counts on spheres, flat tori, balls and
products of any families.

Examples::

    weylgain exact S2 C4 --lam 420
    weylgain exact T2 signs2 --lam 1000 --json
    weylgain exact T10 "SignedPerm(10)" --lam 10 --lam 20 --json
    weylgain exact S2 I --lam 1000 --degrees

JSON output (one object on stdout):

* one ``--lam``: the fields of :meth:`weylgain.exact.ExactCounts.to_dict` without the
  spectrum lists: ``manifold, group, lam, count, dimension, quotient_dimension, group_order,
  quotient_volume, weyl_prediction, ratio``;
* several ``--lam``: ``manifold, group, dimension, quotient_dimension, group_order,
  quotient_volume`` and ``results``, a list of ``{lam, count, weyl_prediction, ratio}`` in
  the order given;
* ``--degrees`` adds ``degrees``: a list of ``{eigenvalue, multiplicity,
  full_multiplicity}`` for every eigenvalue of the manifold up to the largest ``lam``
  (multiplicity = dimension of the invariant part, possibly 0);
* ``--plot FILE`` adds ``plot``: the file written (see
  :func:`weylgain.plotting.plot_exact_counts`).
"""

from __future__ import annotations

import argparse
import json
import math
from typing import TYPE_CHECKING, Any

from ..errors import SpecError
from ._group_args import PRODUCT_EPILOG, add_group_arguments, manifold_and_group
from .gain import swap_hint
from ._plot import add_plot_argument, check_plot_path

if TYPE_CHECKING:
    from ..exact import ExactCounts

_SPECTRUM_KEYS = ("eigenvalues", "multiplicities", "full_multiplicities")


def add_parser(subparsers: Any) -> None:
    """Register the ``exact`` subcommand on an argparse subparsers object."""
    parser = subparsers.add_parser(
        "exact",
        help="exact counts of invariant eigenfunctions on spheres, tori, balls and products",
        description=(
            "Exact number N_G(lam) of G-invariant Laplace eigenfunctions with eigenvalue "
            "<= lam on a unit sphere S<d> (harmonic Molien series), a flat torus T<d> = "
            "R^d/(2 pi Z)^d (orbits of Fourier modes under the group generators), a ball B<d> "
            "(Neumann: Bessel zeros times harmonics), a box, a hemisphere, RP^d, or a product "
            "of any of them (S2xT1, B3^3: characters on the factors' eigenspaces), with the "
            "one-term Weyl prediction omega_d vol(M/G) lam^(d/2) / (2 pi)^d."),
        epilog=("Examples: weylgain exact S2 C4 --lam 420 ; weylgain exact T10 "
                "\"SignedPerm(10)\" --lam 16 --json ; weylgain exact S2^2 \"SO(3)\" --lam 100 "
                "--json ; weylgain exact S2xT1 C4 --lam 50 ; weylgain exact B3^3 \"SO(3) x Sym(2)@2,3\" --lam 70 "
                "(water) ; weylgain exact --group-file G.json --lam 50. " + PRODUCT_EPILOG),
    )
    add_group_arguments(parser, "S<d> (unit sphere in R^(d+1), e.g. S2), T<d> (flat torus, "
                        "e.g. T2), B<d> (ball), I/Q<d> (boxes), H<d> (hemisphere), RP<d>, or a "
                        "product (S2^3, T3^4, S2xT1, B3^3)",
                        "group spec as in weylgain.groups.named (C4, O, Ih, mirror, "
                        "antipodal, Perm(3), signs2, SignedPerm(10), Z2:1, SO(2), hopf, "
                        "Trans(1), ...; the short S3, B10, T1 where unambiguous), a product "
                        "action (\"SO(3) x Sym(3)\", SO(3)@1) or 'trivial'")
    parser.add_argument("--lam", type=float, action="append", required=True,
                        help="eigenvalue cut-off (repeat for several)")
    parser.add_argument("--radius", type=float, default=1.0, help="sphere radius (default 1)")
    parser.add_argument("--length", type=float, default=2 * math.pi,
                        help="torus period (default 2*pi)")
    parser.add_argument("--degrees", action="store_true",
                        help="list the invariant multiplicity of every eigenvalue")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    add_plot_argument(parser, "the invariant counts per eigenvalue and cumulatively against "
                              "Weyl's law")
    parser.set_defaults(func=run)


def _summary(result: ExactCounts) -> dict:
    data = result.to_dict()
    for key in _SPECTRUM_KEYS:
        data.pop(key)
    return data


def _degrees(result: ExactCounts) -> list[dict]:
    return [{"eigenvalue": e, "multiplicity": m, "full_multiplicity": f}
            for e, m, f in zip(result.eigenvalues, result.multiplicities,
                               result.full_multiplicities)]


def _fmt(x: float | None, spec: str = ".6g") -> str:
    return "-" if x is None else format(x, spec)


def _as_lie_object(manifold: Any, group: Any) -> Any:
    """A catalogue name that means a Lie-algebra group (``O(3)``) on a single sphere or ball,
    as that group object: it then takes the route of any compact group (its action data,
    extended by the identity on a larger sphere) instead of the finite-group route. Other
    specs are passed on unchanged (exact_counts reports their errors in its own words)."""
    if not isinstance(group, str) or not isinstance(manifold, str):
        return group
    from ..errors import WeylgainError
    from ..groups import resolve
    from ..groups.lie import LieGroup
    from ..manifolds import parse_manifold

    try:
        M = parse_manifold(manifold)
        if len(M.factors) != 1:
            return group
        resolved = resolve(group, M)
    except WeylgainError:
        return group
    return resolved if isinstance(resolved, LieGroup) else group


def run(args: argparse.Namespace) -> int:
    """Run ``weylgain exact``; returns the exit code (errors propagate as WeylgainError)."""
    plot = check_plot_path(getattr(args, "plot", None))
    from ..exact import exact_counts

    lams = [float(x) for x in args.lam]
    for lam in lams:  # as weylgain count: N(lam) counts eigenvalues of a non-negative operator
        if not math.isfinite(lam) or lam < 0:
            raise SpecError(f"--lam must be finite and >= 0 (N(lam) counts eigenvalues of a "
                            f"non-negative operator); got {lam}")
    manifold, group = manifold_and_group(args)
    try:
        group = _as_lie_object(manifold, group)
        result = exact_counts(manifold, group, max(lams), radius=args.radius,
                              length=args.length)
    except SpecError as exc:
        raise SpecError(f"{exc}{swap_hint(args, 'exact')}") from exc
    rows = [{"lam": float(lam), "count": result.count_at(lam),
             "weyl_prediction": result.weyl_at(lam)} for lam in lams]
    for row in rows:
        pred = row["weyl_prediction"]
        row["ratio"] = row["count"] / pred if pred else None
    if plot:
        from ..plotting import plot_exact_counts

        plot_exact_counts(result, path=plot)
    if args.json:
        data = _summary(result)
        if len(lams) > 1:
            for key in ("lam", "count", "weyl_prediction", "ratio"):
                data.pop(key)
            data["results"] = rows
        if args.degrees:
            data["degrees"] = _degrees(result)
        if plot:
            data["plot"] = plot
        print(json.dumps(data))
        return 0
    order = "continuous" if result.group_order is None and result.quotient_dimension != \
        result.dimension else _fmt(result.group_order, "d")
    print(f"{result.manifold} / {result.group_name}: |G| = {order}, dim M/G = "
          f"{result.quotient_dimension}, vol(M/G) = {_fmt(result.quotient_volume)}"
          + (f" +- {result.vol_quotient_error:.2g}" if result.vol_quotient_error else ""))
    if result.action:
        print(f"action: {result.action}")
    if result.note:
        print(f"note: {result.note}")
    print(f"{'lam':>14} {'count':>12} {'weyl':>14} {'ratio':>9}")
    for row in rows:
        print(f"{row['lam']:>14.6g} {row['count']:>12d} {_fmt(row['weyl_prediction']):>14} "
              f"{_fmt(row['ratio'], '.5f'):>9}")
    if args.degrees:
        print()
        print(f"{'eigenvalue':>14} {'invariant':>10} {'of':>10}")
        for item in _degrees(result):
            print(f"{item['eigenvalue']:>14.6g} {item['multiplicity']:>10d} "
                  f"{item['full_multiplicity']:>10d}")
    if plot:
        print(f"plot saved to {plot}")
    return 0
