"""The gain calculator: how much less data does a symmetry buy?

:func:`predict_gain` answers from theory (docs/theory.md#orbit-spaces and #gain, via
:mod:`weylgain.symbolic`): for data on a manifold M whose target is invariant under a group G,
the minimax excess risk of kernel ridge regression behaves like

    R(n) ~ (sigma^2 vol(M/G) / n)^(s / (s + d_G/2)),

so a finite group multiplies the effective sample size by order(G) (a *linear* gain) and a group
with positive-dimensional orbits lowers the dimension d -> d_G and improves the exponent (an
*exponential* gain: the ratio of samples needed grows without bound as the target risk
eps -> 0).

:func:`measure_gain` checks the theory against the eigenvalue counter: it meshes M and M/G,
counts Laplace eigenvalues, fits Weyl's law and reports the measured d_G and vol(M/G) against
the prediction.
"""

from __future__ import annotations

import math
import time
from dataclasses import asdict, dataclass, field
from typing import Any, Callable

import numpy as np

from .errors import FitError, SpecError, WeylgainError

__all__ = [
    "GainReport",
    "MeasuredGain",
    "predict_gain",
    "measure_gain",
    "catalogue_pairs",
    "worked_examples",
]


# ====================================================================== prediction
@dataclass(frozen=True)
class GainReport:
    """What invariance to a group buys for learning on a manifold (theory).

    Attributes
    ----------
    manifold, group : str
    s, sigma : float
        Sobolev smoothness of the target (s > d/2) and noise level.
    eps, n : float or None
        Target excess risk and sample size the ratios were evaluated at.
    d, d_G : int
        dim M and dim M/G.
    vol_M, vol_quotient : float
        vol(M) and vol(M/G) (a point has volume 1).
    vol_M_expr, vol_quotient_expr : str
        The same as exact sympy expressions.
    boundary_volume_quotient, wall_volume : float
        vol d(M/G) and its part created by reflections (Neumann walls).
    kind : str
        'none', 'linear' or 'exponential' (d_G < d; 'exponential' also for transitive
        actions, where d_G = 0 and learning becomes parametric).
    linear_factor : int, float or None
        The sample multiplier order(G_eff) = vol(M)/vol(M/G) when the dimension does not drop
        (1 for 'none'); None when it drops.
    group_order, effective_order, kernel_order, n_reflections : int or None
        Finite groups only.
    volume_ratio : float
        vol(M)/vol(M/G) (for a dimension drop, the constant in front of the eps power).
    risk_exponent, risk_exponent_invariant : float
        s/(s + d/2) and s/(s + d_G/2).
    risk_exponent_expr, risk_exponent_invariant_expr : str
        The same as expressions in s.
    sample_exponent, sample_exponent_invariant : float
        n(eps) ~ eps^-(1 + d/(2s)) and eps^-(1 + d_G/(2s)).
    sample_ratio_expr : str
        n_plain(eps)/n_invariant(eps) as an expression in eps.
    sample_ratio_at_eps : float or None
        Its value at ``eps``.
    risk_at_n, risk_invariant_at_n : float or None
        Leading-order risks (sigma^2 vol / n)^exponent without and with invariance.
    equivalent_samples_at_n, sample_ratio_at_n : float or None
        Samples the plain estimator needs to match the invariant risk at ``n``, and that
        number divided by n.
    explanation : str
        Plain-language account.
    derivation : tuple of str
        How d_G and vol(M/G) were derived.
    vol_quotient_error : float
        Standard error of ``vol_quotient`` when it comes from a numerical coarea integral
        (Monte Carlo or quadrature); 0 for closed forms.
    action : str
        How the group acts, in words (for products: diagonal on all factors, on one factor,
        permuting factors); empty for a group acting on a single factor in the usual way.
    """

    manifold: str
    group: str
    s: float
    sigma: float
    eps: float | None
    n: float | None
    d: int
    d_G: int
    vol_M: float
    vol_quotient: float
    vol_M_expr: str
    vol_quotient_expr: str
    boundary_volume_quotient: float
    wall_volume: float
    kind: str
    linear_factor: int | float | None
    group_order: int | None
    effective_order: int | None
    kernel_order: int | None
    n_reflections: int | None
    volume_ratio: float
    risk_exponent: float
    risk_exponent_invariant: float
    risk_exponent_expr: str
    risk_exponent_invariant_expr: str
    sample_exponent: float
    sample_exponent_invariant: float
    sample_ratio_expr: str
    sample_ratio_at_eps: float | None
    risk_at_n: float | None
    risk_invariant_at_n: float | None
    equivalent_samples_at_n: float | None
    sample_ratio_at_n: float | None
    explanation: str
    derivation: tuple = field(default_factory=tuple)
    vol_quotient_error: float = 0.0
    action: str = ""

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["derivation"] = list(self.derivation)
        return out


def _positive_float(v: Any, what: str) -> float:
    try:
        x = float(v)
    except (TypeError, ValueError) as exc:
        raise SpecError(f"{what} must be a positive number; got {v!r}") from exc
    if not (math.isfinite(x) and x > 0):
        raise SpecError(f"{what} must be a positive finite number; got {v!r}")
    return x


def _count_arg(v: Any, what: str, minimum: int) -> int:
    """An integer option of measure_gain (``level``, ``n_points``, ...), at least ``minimum``."""
    if isinstance(v, bool) or not isinstance(v, (int, np.integer)):
        if not (isinstance(v, (float, np.floating)) and math.isfinite(v) and v == int(v)):
            raise SpecError(f"{what} must be an integer; got {v!r}")
    if int(v) < minimum:
        raise SpecError(f"{what} must be at least {minimum}; got {int(v)}")
    return int(v)


def _fmt_num(x: float) -> str:
    if x == int(x) and abs(x) < 1e15:
        return f"{int(x):,}"
    return f"{x:.4g}"


def predict_gain(manifold: Any, group: Any, s: float | None = None, eps: float | None = None,
                 n: float | None = None, sigma: float = 1.0) -> GainReport:
    """Predict the sample-complexity gain of G-invariance on M (see the theory page, docs/theory.md#gain).

    Parameters
    ----------
    manifold : weylgain.symbolic.Manifold or str
        E.g. ``"S2"``, ``"T7"``, ``"S2xT1"`` (see :func:`weylgain.symbolic.parse_manifold`).
    group : FiniteGroup, ContinuousGroup or str
        E.g. ``"mirror"``, ``"S7"``, ``"SO(2)"`` (see :func:`weylgain.groups.named`).
    s : float, optional
        Sobolev smoothness of the target, s > d/2. Default d/2 + 1.
    eps : float, optional
        Target excess risk for ``sample_ratio_at_eps``.
    n : float, optional
        Sample size for the risks and the equivalent sample size.
    sigma : float, default 1
        Noise standard deviation (it cancels from the ratios).

    Returns
    -------
    GainReport

    Raises
    ------
    SpecError
        Unknown manifold or group spec, s <= d/2, non-positive eps, n or sigma.
    GroupError
        The group does not act on the manifold.
    """
    from . import symbolic as sym

    geo = sym.quotient_geometry(manifold, group)
    d, dG = geo.dim, geo.quotient_dim
    if s is None:
        s = d / 2 + 1
    s = _positive_float(s, "s")
    if not s > d / 2:
        raise SpecError(f"the smoothness s must exceed d/2 = {d / 2:g} for M of dimension {d} "
                        f"(kernel regression in H^s needs s > d/2); got s = {s:g}")
    sigma = _positive_float(sigma, "sigma")
    eps = None if eps is None else _positive_float(eps, "eps")
    n = None if n is None else _positive_float(n, "n")

    s_sym = sym._S
    beta = sym.risk_exponent(s_sym, d)
    beta_G = sym.risk_exponent(s_sym, dG)
    vol_M = _finite_volume(geo.volume, f"vol({geo.manifold})", geo)
    vol_Q = _finite_volume(geo.quotient_volume, f"vol({geo.manifold}/{geo.group})", geo)
    ratio_expr = sym.sample_ratio(s_sym, d, dG, geo.volume, geo.quotient_volume)
    b = s / (s + d / 2)
    bG = s / (s + dG / 2)
    vratio = vol_M / vol_Q

    if dG < d:
        kind = "exponential"
        linear: int | float | None = None
    elif geo.effective_order is not None:
        linear = int(geo.effective_order)
        kind = "linear" if linear > 1 else "none"
    else:  # a continuous group acting without lowering the dimension acts trivially here
        linear = float(vratio) if abs(vratio - round(vratio)) > 1e-12 else int(round(vratio))
        kind = "linear" if vratio > 1 + 1e-12 else "none"

    ratio_eps = None
    risk_n = risk_inv_n = equiv = ratio_n = None
    try:
        if eps is not None:
            ratio_eps = vratio * eps ** (-(d - dG) / (2 * s))
        if n is not None:
            risk_n = (sigma ** 2 * vol_M / n) ** b
            risk_inv_n = (sigma ** 2 * vol_Q / n) ** bG
            equiv = sigma ** 2 * vol_M * risk_inv_n ** (-1 / b)
            ratio_n = equiv / n
        if not all(math.isfinite(v) for v in (ratio_eps, risk_n, risk_inv_n, equiv, ratio_n)
                   if v is not None):
            raise OverflowError
    except (OverflowError, ZeroDivisionError) as exc:  # float powers raise, products give inf
        given = ", ".join(f"{k} = {v:g}" for k, v in (("eps", eps), ("n", n)) if v is not None)
        raise SpecError(
            f"{given} is so extreme that the sample ratios leave the range of a double; use "
            "the expression sample_ratio_expr, or a moderate eps / n") from exc

    if not math.isfinite(vratio) or (linear is not None and not math.isfinite(float(linear))):
        raise SpecError(
            f"the gain vol(M)/vol(M/G) of {geo.group} on {geo.manifold} is "
            f"{_sp_n(geo.volume / geo.quotient_volume)}, beyond the range of a double; the "
            "report's floats cannot hold it (a linear gain is the order of the group acting)")
    explanation = _explain(geo, kind, linear, s, b, bG, eps, ratio_eps, n, ratio_n, vratio)
    return _checked_report(GainReport(
        manifold=geo.manifold, group=geo.group, s=s, sigma=sigma, eps=eps, n=n, d=d, d_G=dG,
        vol_M=vol_M, vol_quotient=vol_Q, vol_M_expr=str(geo.volume),
        vol_quotient_expr=str(geo.quotient_volume),
        boundary_volume_quotient=float(geo.quotient_boundary_volume),
        wall_volume=float(geo.wall_volume), kind=kind, linear_factor=linear,
        group_order=geo.group_order, effective_order=geo.effective_order,
        kernel_order=geo.kernel_order, n_reflections=geo.n_reflections, volume_ratio=vratio,
        risk_exponent=b, risk_exponent_invariant=bG,
        risk_exponent_expr=str(beta), risk_exponent_invariant_expr=str(beta_G),
        sample_exponent=1 + d / (2 * s), sample_exponent_invariant=1 + dG / (2 * s),
        sample_ratio_expr=str(ratio_expr), sample_ratio_at_eps=ratio_eps, risk_at_n=risk_n,
        risk_invariant_at_n=risk_inv_n, equivalent_samples_at_n=equiv,
        sample_ratio_at_n=ratio_n, explanation=explanation, derivation=geo.derivation,
        vol_quotient_error=float(getattr(geo, "vol_quotient_error", 0.0) or 0.0),
        action=str(getattr(geo, "action", "") or ""),
    ))


# volumes of the report: normal doubles, with room for the ratios and eps/n powers built on
# them (symbolic volumes are exact; an underflow to 0 would print a gain of Infinity)
_VOLUME_RANGE = (1e-300, 1e300)


def _sp_n(expr: Any) -> str:
    """An exact expression evaluated with an unbounded exponent (1e+800 stays 1e+800)."""
    import sympy as sp

    try:
        return str(sp.N(expr, 4))
    except (TypeError, ValueError):  # pragma: no cover - a symbol left over
        return str(expr)


def _finite_volume(expr: Any, what: str, geo: Any) -> float:
    """float(expr), refused (SpecError) outside [1e-300, 1e300] instead of 0, inf or nan."""
    import sympy as sp

    approx = sp.N(expr, 15)
    lo, hi = _VOLUME_RANGE
    if not (approx.is_real and approx.is_finite and lo <= approx <= hi):
        raise SpecError(
            f"{what} = {_sp_n(expr)} is outside [{lo:g}, {hi:g}]: the gain and the risks would "
            f"leave the range of a double (a silent 0 or Infinity); choose a smaller group, "
            "radii or side lengths nearer 1, or a lower dimension")
    return float(approx)


def _checked_report(report: GainReport) -> GainReport:
    """The safety net: a report whose floats are not all finite is refused, never printed."""
    for name, value in asdict(report).items():
        if isinstance(value, float) and not math.isfinite(value):
            raise SpecError(
                f"the gain of {report.group} on {report.manifold} would report {name} = "
                f"{value}; refused rather than printed as a result (choose moderate eps, n, "
                "radii and dimensions)")
    return report


def _explain(geo: Any, kind: str, linear: Any, s: float, b: float, bG: float,
             eps: float | None, ratio_eps: float | None, n: float | None,
             ratio_n: float | None, vratio: float) -> str:
    M, G, d, dG = geo.manifold, geo.group, geo.dim, geo.quotient_dim
    parts: list[str] = []
    if kind == "none":
        parts.append(f"{G} acts trivially on {M}: every function is already invariant, so "
                     "invariance buys nothing (gain 1).")
        if geo.kernel_order and geo.kernel_order > 1:
            parts.append(f"(All {geo.group_order} elements fix every point of {M}.)")
        return " ".join(parts)
    if kind == "linear":
        parts.append(
            f"{G} acts on {M} through a finite group of {_fmt_num(linear)} isometries. The "
            f"quotient {M}/{G} keeps the dimension d = {d} and has 1/{_fmt_num(linear)} of the "
            f"volume, so an invariant estimator with n samples is as accurate as a plain one "
            f"with {_fmt_num(linear)}*n samples: a linear gain of {_fmt_num(linear)}, at every "
            f"accuracy. The rate n^-{b:.4g} (exponent s/(s+d/2) at s = {s:g}) is unchanged."
        )
        if geo.kernel_order and geo.kernel_order > 1:
            parts.append(f"The group has {geo.group_order} elements, but a subgroup of "
                         f"{geo.kernel_order} fixes every point of {M}; only "
                         f"{_fmt_num(linear)} distinct maps count.")
        if geo.n_reflections:
            what = ("Its reflection gives" if geo.n_reflections == 1 else
                    f"Its {geo.n_reflections} reflections give")
            parts.append(f"{what} {M}/{G} a boundary (a "
                         "lower-order correction to the count of invariant modes, not to the "
                         "gain).")
        return " ".join(parts)
    # exponential
    if dG == 0:
        parts.append(
            f"{G} is transitive on {M}: the quotient is a single point and only constant "
            "functions are invariant. Learning an invariant target is parametric (one number): "
            f"the risk falls like 1/n instead of n^-{b:.4g}. This is the extreme case of an "
            f"exponential gain (the dimension drops from {d} to 0)."
        )
    else:
        parts.append(
            f"The orbits of {G} on {M} have dimension {d - dG}, so the quotient {M}/{G} has "
            f"dimension d_G = {dG} < d = {d}. The risk exponent improves from s/(s+d/2) = "
            f"{b:.4g} to s/(s+d_G/2) = {bG:.4g} (s = {s:g}): reaching excess risk eps takes "
            f"~eps^-{1 + d / (2 * s):.4g} samples without invariance and ~eps^-"
            f"{1 + dG / (2 * s):.4g} with it, a ratio that grows like eps^-"
            f"{(d - dG) / (2 * s):.4g} without bound as eps -> 0: an exponential gain "
            "(exponential in the dimension drop at fixed accuracy)."
        )
    if ratio_eps is not None:
        parts.append(f"At eps = {eps:g} the invariant estimator needs about "
                     f"{_fmt_num(ratio_eps)} times fewer samples (leading order).")
    if ratio_n is not None:
        parts.append(f"With n = {_fmt_num(n)} invariant samples a plain estimator would need "
                     f"about {_fmt_num(ratio_n)} times as many to match.")
    return " ".join(parts)


# ====================================================================== catalogue
def catalogue_pairs() -> list[tuple[str, str]]:
    """Representative (manifold, group) spec pairs, finite and continuous, that the calculator
    answers (used by the benchmark and the docs)."""
    return [
        ("S2", "mirror"), ("S2", "C4"), ("S2", "D3"), ("S2", "T"), ("S2", "O"), ("S2", "Oh"),
        ("S2", "I"), ("S2", "Ih"), ("S2", "antipodal"), ("S3", "S3"), ("S6", "S7"),
        ("T2", "mirror"), ("T2", "signs2"), ("T2", "S2"), ("T2", "B2"), ("T2", "Z10"),
        ("T2", "C4"), ("T3", "S3"), ("T7", "S7"), ("T7", "signs7"), ("T7", "B7"),
        ("RP2", "antipodal"), ("RP2", "Oh"), ("B3", "Oh"), ("H2", "C4"), ("Q2", "B2"),
        ("S1", "C4h"), ("S2xT1", "C4"),
        ("S2", "SO(2)"), ("S2", "SO(3)"), ("S3", "SO(3)"), ("S4", "SO(4)"), ("S3", "hopf"),
        ("RP3", "hopf"), ("T2", "T1"), ("T3", "T2"), ("B3", "SO(2)"), ("S2xT1", "T1"),
    ]


def worked_examples() -> list[dict[str, Any]]:
    """The worked examples of the docs: (manifold, group, story, expected gain)."""
    return [
        {"manifold": "T2", "group": "mirror", "story": "a mirror-symmetric image",
         "gain": 2},
        {"manifold": "T2", "group": "Z10", "story": "an image made of ten identical parts "
         "(a periodic image repeating ten times along one axis)", "gain": 10},
        {"manifold": "T7", "group": "S7", "story": "seven coloured blocks whose order does not "
         "matter", "gain": 5040},
        {"manifold": "S2", "group": "SO(2)", "story": "rotations of the sphere about an axis",
         "gain": "exponential"},
        {"manifold": "S2", "group": "SO(3)", "story": "all rotations of the sphere (transitive)",
         "gain": "exponential"},
    ]


# ====================================================================== measurement
@dataclass(frozen=True)
class MeasuredGain:
    """Predicted against measured quotient geometry (eigenvalue counts and Weyl-law fits).

    Attributes
    ----------
    manifold, group : str
    mesh, quotient_mesh : str
        Meshes of M and of the reduced problem (the same mesh for finite groups, the
        orbit-space mesh for continuous ones); ``n_vertices`` and ``n_unknowns_quotient``
        their sizes.
    lams, counts : tuple
        Thresholds and N(lam) on M (may be empty when the mesh of M is too coarse to fit).
    lams_quotient, counts_quotient : tuple
        Thresholds and N_G(lam) on M/G.
    d, d_err, vol_M, vol_M_err : float or None
        Weyl fit of N on M (dimension free; then the volume with the dimension fixed at the
        nearest integer); None when not measured.
    d_G, d_G_err, vol_quotient, vol_quotient_err : float
        The same for N_G.
    boundary_volume_quotient : float or None
        Fitted coefficient of the second term of the law, as a (d_G - 1)-volume.
    d_predicted, d_G_predicted : int
    vol_M_predicted, vol_quotient_predicted, boundary_volume_quotient_predicted : float
    d_G_rel_error, vol_quotient_rel_error : float
        abs(measured - predicted) / predicted (absolute error when the prediction is 0).
    vol_M_rel_error : float or None
    gain, gain_predicted : float or None
        vol(M)/vol(M/G) measured (from the two fits) and predicted, when d_G = d.
    two_term : bool
        Whether the second term was fitted for M/G.
    method : str
    seconds : float
    source : str
        ``"mesh"`` (finite-element counts on a mesh of M and of M/G) or ``"exact counts"``
        (where no mesh is available -- products of spheres, tori of dimension > 3, groups
        given by a Lie algebra -- the exact invariant counts of :func:`weylgain.exact_counts`
        are fitted instead: a check of the predicted geometry against independent integers,
        not of the finite-element solver).
    action : str
        How the group acts (see :class:`GainReport`).
    """

    manifold: str
    group: str
    mesh: str
    quotient_mesh: str
    n_vertices: int
    n_unknowns_quotient: int
    lams: tuple
    counts: tuple
    lams_quotient: tuple
    counts_quotient: tuple
    d: float | None
    d_err: float | None
    vol_M: float | None
    vol_M_err: float | None
    d_G: float
    d_G_err: float
    vol_quotient: float
    vol_quotient_err: float
    boundary_volume_quotient: float | None
    d_predicted: int
    d_G_predicted: int
    vol_M_predicted: float
    vol_quotient_predicted: float
    boundary_volume_quotient_predicted: float
    d_G_rel_error: float
    vol_quotient_rel_error: float
    vol_M_rel_error: float | None
    gain: float | None
    gain_predicted: float | None
    two_term: bool
    method: str
    seconds: float
    source: str = "mesh"
    action: str = ""

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        for key in ("lams", "lams_quotient"):
            out[key] = [float(v) for v in getattr(self, key)]
        for key in ("counts", "counts_quotient"):
            out[key] = [float(v) for v in getattr(self, key)]
        return out


def _centred_box(dim: int, n: int, lengths: list[float], triangulation: str) -> Any:
    """meshes.box shifted to [-L/2, L/2]^dim, the frame of symbolic.Box."""
    from . import meshes
    from .mesh import Mesh

    m = meshes.box(dim, n, length=lengths if dim > 1 else lengths[0],
                   triangulation=triangulation)
    v = m.vertices - np.asarray(lengths)[None, :] / 2
    return Mesh(v, m.simplices, name=f"{m.name}:centred")


# Reduced problems of this many unknowns take the counter's dense route, which is slow under
# load (multithreaded BLAS on a busy machine): a finer mesh is faster.
_SLOW_DENSE = (600, 2500)

# Meshes of M, by family, from coarse to fine: measure_gain takes the first family the group
# maps onto itself and the coarsest level whose resolution shows enough invariant eigenvalues.
# The finest levels keep one call within a few seconds (a count of a 16k-vertex pencil takes
# about 0.3 s).
def _mesh_ladders(M: Any, level: int | None, group: Any = None
                  ) -> list[list[Callable[[], Any]]]:
    from . import meshes
    from . import symbolic as sym

    def ladder(make: Callable[[int], Any], levels: list[int]) -> list[Callable[[], Any]]:
        lv = levels if level is None else [int(level)]
        return [lambda k=k: make(k) for k in lv]

    if isinstance(M, (sym.Sphere, sym.ProjectiveSpace)):
        r = float(M.radius)
        if M.d == 1:
            # 1-d: cheap; sizes keep M and M/G above the dense-route limit of the counter
            return [ladder(lambda n: meshes.circle(n, radius=r), [5200, 10400])]
        if M.d == 2:
            out = [ladder(lambda k: meshes.sphere(k, radius=r, base="octahedron"), [5, 6]),
                   ladder(lambda k: meshes.sphere(k, radius=r), [4, 5])]
            if group is not None:  # any other finite group: a mesh built for it (level k:
                # as many vertices as the icosahedral sphere of level k)
                out.append(ladder(lambda k: meshes.invariant_sphere(
                    group, n_vertices=10 * 4 ** k + 2, radius=r), [4, 5, 6]))
            return out
        if M.d == 3:
            return [ladder(lambda k: meshes.sphere3(k, radius=r), [2])]
    if isinstance(M, sym.Hemisphere) and M.d == 2:
        return [ladder(lambda k: meshes.hemisphere(k, radius=float(M.radius)), [5, 6])]
    if isinstance(M, sym.Ball) and M.d == 2:
        return [ladder(lambda k: meshes.disk(k, radius=float(M.radius)), [6])]
    if isinstance(M, sym.Ball) and M.d == 3:
        return [ladder(lambda k: meshes.ball(k, radius=float(M.radius)), [3])]
    if isinstance(M, sym.Torus) and M.dim <= 3:
        L = [float(v) for v in M.lengths]
        arg = L if M.dim > 1 else L[0]
        sizes = {1: [5200, 10400], 2: [60, 120, 200], 3: [16, 24]}[M.dim]
        return [ladder(lambda n, tri=tri: meshes.torus(M.dim, n, length=arg, triangulation=tri),
                       sizes) for tri in ("mirrored", "kuhn")]
    if isinstance(M, sym.Box) and M.dim <= 3:
        L = [float(v) for v in M.lengths]
        if M.dim == 1:
            return [ladder(lambda n: _centred_box(1, n, L, "kuhn"), [5201, 10401])]
        sizes = {2: [61, 121], 3: [17, 25]}[M.dim]
        return [ladder(lambda n, tri=tri: _centred_box(M.dim, n, L, tri), sizes)
                for tri in ("mirrored", "kuhn")]
    raise SpecError(
        f"measure_gain cannot mesh {M.name}; it measures S1, S2, S3, RP1, RP2, H2, B2, B3, "
        "T1-T3, I, Q2, Q3 (predict_gain answers for the others)"
    )


@dataclass(frozen=True)
class _Spectrum:
    """Where the exact eigenvalues of a counted space lie (to put thresholds in gaps).

    kind 'sphere': k(k+dim-1)/r^2 for k = 0, step, 2 step, ... (step 2 when -I acts: RP^d,
    the Hopf quotient S^2(r/2) seen in S^3 degrees); 'lattice': unit * (m . m), m in Z^dim
    (flat tori; boxes with Neumann conditions: unit * sum m_i^2, m_i >= 0); 'generic': none.
    """

    kind: str
    dim: int = 0
    radius: float = 1.0
    step: int = 1
    unit: float = 1.0


def _manifold_spectrum(M: Any, step: int = 1) -> _Spectrum:
    from . import symbolic as sym

    if isinstance(M, (sym.Sphere, sym.ProjectiveSpace, sym.Hemisphere)):
        st = 2 if isinstance(M, sym.ProjectiveSpace) else step
        return _Spectrum("sphere", M.dim, float(M.radius), st)
    if isinstance(M, sym.Torus) and all(v == M.lengths[0] for v in M.lengths):
        return _Spectrum("lattice", M.dim, unit=(2 * math.pi / float(M.lengths[0])) ** 2)
    if isinstance(M, sym.Box) and all(v == M.lengths[0] for v in M.lengths):
        return _Spectrum("lattice", M.dim, unit=(math.pi / float(M.lengths[0])) ** 2)
    return _Spectrum("generic")


def _quotient_spectrum(M: Any, G: Any, geo: Any, G_mesh: Any) -> _Spectrum:
    """The spectrum family of M/G (a sub-spectrum of M's, or of the orbit space)."""
    from .groups import ContinuousGroup

    base = _manifold_spectrum(M)
    if isinstance(G, ContinuousGroup):
        if G.family == "hopf":
            return _Spectrum("sphere", 3, base.radius, 2)  # even degrees of S^3
        if G.family == "torus_translation" and base.kind == "lattice":
            return _Spectrum("lattice", geo.quotient_dim, unit=base.unit)
        return base  # SO(k), k <= d: invariants in every degree of the sphere
    if base.kind == "sphere" and base.step == 1:
        # -I in the group: only even degrees carry invariants
        try:
            lin, _ = G_mesh.elements(max_order=5000)
            D = lin.shape[1]
            if np.any(np.abs(lin + np.eye(D)).max(axis=(1, 2)) < 1e-9):
                return _Spectrum("sphere", base.dim, base.radius, 2)
        except WeylgainError:
            pass
    return base


def _threshold_grid(spec: _Spectrum, lam_lo: float, lam_hi: float, n_points: int
                    ) -> np.ndarray:
    """About n_points thresholds in [lam_lo, lam_hi], at gap midpoints of the exact spectrum.

    Spheres: eigenvalues come in clusters and the staircase crosses the Weyl curve in the
    middle of each gap (docs/theory.md#two-term-law: lam = (L+1)^2 on S^2); the midpoints between
    consecutive carried degrees are used. Lattices: 1-d, midpoints between consecutive
    squares; d >= 2, half-integers (in units). FEM eigenvalues lie slightly above the exact
    ones, so gap-midpoint counts stay exact while the shift is below half a gap.
    """
    geo = np.geomspace(lam_lo, lam_hi, n_points)
    if spec.kind == "sphere" or (spec.kind == "lattice" and spec.dim == 1):
        if spec.kind == "sphere":
            r2 = spec.radius ** 2
            kmax = int(math.sqrt(lam_hi * r2)) + 2 * spec.step + 2
            k = np.arange(0, kmax + 1, spec.step, dtype=np.float64)
            eig = k * (k + spec.dim - 1) / r2
        else:
            kmax = int(math.sqrt(lam_hi / spec.unit)) + 2
            eig = spec.unit * np.arange(kmax + 1, dtype=np.float64) ** 2
        mids = (eig[:-1] + eig[1:]) / 2
        mids = mids[(mids >= lam_lo) & (mids <= lam_hi)]
        if mids.size <= n_points:
            return mids
        idx = np.unique(np.searchsorted(mids, geo).clip(0, mids.size - 1))
        return mids[idx]
    if spec.kind == "lattice":
        m = np.unique(np.floor(geo / spec.unit)) + 0.5
        return m * spec.unit
    return geo


def _fit(lams: np.ndarray, counts: np.ndarray, two_term_free: bool) -> tuple[float, float, Any]:
    """Dimension from a free fit, then the volume at the nearest integer dimension.

    The volume fit always carries the second term C lam^(d/2) + B lam^((d-1)/2): it is the
    Neumann term of reflection walls and boundaries, and otherwise absorbs the constant
    offsets of cone points and singular orbits that bias a one-term fit at moderate counts
    (B then comes out small). The free-dimension fit uses it only with ``two_term_free``.
    """
    from .spectrum import weyl_fit

    if np.all(counts == counts[0]):  # a point is handled by the caller: this is a bad window
        raise FitError(
            f"the count stays at {counts[0]:g} for every threshold in [{lams[0]:.4g}, "
            f"{lams[-1]:.4g}]: no eigenvalue in the window, so nothing to fit; pass a finer "
            "level=")
    free = None
    if two_term_free:
        try:  # three parameters: keep it only when it is well determined
            free = weyl_fit(lams, counts, boundary=True)
            if not (0 < free.dimension < 20 and free.dimension_err < 0.05 * free.dimension):
                free = None
        except FitError:
            free = None
    if free is None:  # the log-log line (biased by O(lam^-1/2) when there is a boundary)
        free = weyl_fit(lams, counts, boundary=False)
    d_int = max(1, int(round(free.dimension)))
    fixed = weyl_fit(lams, counts, dimension=d_int, boundary=True)
    return free.dimension, free.dimension_err, fixed


def _rel(measured: float, predicted: float) -> float:
    return abs(measured - predicted) / abs(predicted) if predicted else abs(measured)


def _window(C: float, dim: int, h: float, lam_h2: float, min_count: float,
            max_count: float = 400.0) -> tuple[float, float]:
    """[lam where the predicted count reaches min_count, min(lam_h2 / h^2, lam where it
    reaches max_count)]."""
    hi = lam_h2 / h ** 2
    if dim:
        hi = min(hi, (max_count / C) ** (2 / dim))
    lo = (min_count / C) ** (2 / dim) if dim else hi / 16
    return lo, hi


def _counts(K_M_pairs: list[tuple[Any, Any]], lams: np.ndarray, progress: bool) -> np.ndarray:
    """N(lam), averaged over the pencils given (consistent and lumped mass: their O(h^2)
    errors have opposite signs and largely cancel on flat meshes)."""
    from .spectrum import counting_function

    total = np.zeros(lams.size)
    for K, Mm in K_M_pairs:
        total += counting_function(K, Mm, lams, progress=progress)
    return total / len(K_M_pairs)


def measure_gain(manifold: Any, group: Any, *, level: int | None = None,
                 n_points: int = 10, lam_max_h2: float | None = None, min_count: int = 10,
                 target_count: int = 40, progress: bool = False) -> MeasuredGain:
    """Measure d_G and vol(M/G) from eigenvalue counts and compare with the prediction.

    M is meshed by a mesh the group maps onto itself (octahedral or icosahedral spheres,
    mirrored or Kuhn tori), M/G is built by :func:`weylgain.quotient.quotient` (vertex orbits
    for finite groups, a weighted orbit-space mesh for continuous ones), eigenvalues are
    counted by inertia (:func:`weylgain.spectrum.counting_function`) at thresholds in a
    window [lam_min, lam_max] and Weyl's law is fitted (:func:`weylgain.spectrum.weyl_fit`):
    the dimension free (d, d_G), then the volume with the dimension fixed at the nearest
    integer and a second term (the reflection or boundary term, which also absorbs the
    constant offsets of cone points and singular orbits).

    The window: lam_min is where the predicted count reaches ``min_count``; lam_max =
    lam_max_h2 / h^2 (h the mean edge), where P1 eigenvalues are still accurate. Sphere counts
    are taken at gap midpoints of the exact spectrum and stay exact while the FEM shift
    (~ lam^2 h^2 / 15) stays below half a gap (~ lam^(1/2)): up to lam h^2 ~ 0.5 on coarse
    meshes, and lam^(3/2) h^2 ~ 10 on fine ones (finite groups), whichever is smaller;
    other counts carry a relative FEM bias of order lam h^2 / 12.

    Parameters
    ----------
    manifold, group : as for :func:`predict_gain`
        RP^d is measured on its cover S^d with the group <G, -I>.
    level : int, optional
        Mesh resolution (sphere subdivisions, torus vertices per axis). Default: the coarsest
        level of a short ladder at which M/G shows ``target_count`` eigenvalues below lam_max.
    n_points : int, default 10
        Number of thresholds for M/G (M gets 6).
    lam_max_h2 : float, optional
        lam_max h^2; default 0.5 for spheres (gap midpoints), 1.0 otherwise (averaged
        consistent and lumped counts).
    min_count, target_count : int
        Predicted invariant counts at lam_min and (wanted) at lam_max.
    progress : bool
        Progress bars on stderr.

    Returns
    -------
    MeasuredGain

    Raises
    ------
    SpecError
        A manifold measure_gain cannot mesh (products, S^d with d > 3, ...).
    GroupError, NotInvariantError
        The group does not act on M, or on any mesh available here.
    FitError
        Too few invariant eigenvalues below the resolution of the finest mesh (a large
        group): pass a finer ``level``.
    """
    from . import symbolic as sym
    from .errors import NotInvariantError
    from .fem import laplacian
    from .groups import FiniteGroup, from_generators
    from .quotient import quotient
    t0 = time.perf_counter()
    M = sym.parse_manifold(manifold) if isinstance(manifold, str) else manifold
    G = sym.resolve_group(group, M)
    geo = sym.quotient_geometry(M, G)
    n_points = _count_arg(n_points, "n_points", 4)
    if n_points > 10_000:  # each threshold is one factorization
        raise SpecError(f"n_points = {n_points} thresholds is far more than a fit needs (about "
                        "10 to 40); each costs one factorization")
    if level is not None:
        level = _count_arg(level, "level", 0)
    if lam_max_h2 is not None:
        lam_max_h2 = _positive_float(lam_max_h2, "lam_max_h2")
    min_count = _count_arg(min_count, "min_count", 1)
    target_count = _count_arg(target_count, "target_count", 1)
    if _needs_exact_counts(M, G):
        return _measure_from_exact_counts(M, G, geo, manifold, n_points=n_points,
                                          min_count=min_count, t0=t0)
    spec_M = _manifold_spectrum(M)
    if lam_max_h2 is None:
        from .resolution import RESOLVED_LAM_H2

        # spheres: the resolution rule itself; elsewhere the averaged consistent and lumped
        # counts (opposite O(h^2) errors) stay accurate further out
        lam_max_h2 = RESOLVED_LAM_H2 if spec_M.kind == "sphere" else 1.0
    finite_sphere = spec_M.kind == "sphere" and isinstance(G, FiniteGroup)
    lam_h2 = _sphere_lam_h2(lam_max_h2) if finite_sphere else (lambda h: lam_max_h2)
    # spheres: consistent-mass counts at gap midpoints are exact while the FEM shift is below
    # half a gap; elsewhere the consistent (upper bound) and lumped (lower) counts are averaged
    averaged = spec_M.kind != "sphere"

    # the group as it acts on the mesh's coordinates (restricted, or on the cover of RP^d)
    finite = isinstance(G, FiniteGroup)
    G_mesh = G
    if finite:
        lin, tr = G.generator_arrays()
        lin, tr, _ = sym._align(lin, tr, M.ambient_dim, G.name, M.name)
        if isinstance(M, sym.ProjectiveSpace):
            lin = np.concatenate([lin, -np.eye(M.ambient_dim)[None]])
            tr = np.concatenate([tr, np.zeros((1, M.ambient_dim))])
        if lin.shape[0] == 0:
            lin, tr = np.eye(M.ambient_dim)[None], np.zeros((1, M.ambient_dim))
        G_mesh = from_generators(lin, tr, name=G.name)
    elif isinstance(M, sym.ProjectiveSpace):
        raise SpecError("measure_gain measures continuous groups on spheres, balls and tori, "
                        "not on RP^d")

    dG_pred, vQ = geo.quotient_dim, float(geo.quotient_volume)
    C_G = float(sym.weyl_constant(dG_pred, vQ))
    d, vM = M.dim, float(M.volume)
    C_M = float(sym.weyl_constant(d, vM))

    # the mesh: first family the group maps onto itself; coarsest level with enough counts
    # (and a reduced problem outside the size range where the counter's dense route is slow)
    mesh = q = None
    errors: list[str] = []
    for ladder in _mesh_ladders(M, level, G_mesh if finite else None):
        for build in ladder:
            candidate = build()
            try:
                cq = quotient(candidate, G_mesh, resolution=_quotient_resolution(M, G))
            except NotInvariantError as exc:
                errors.append(str(exc))
                break  # the family does not fit: a finer level will not either
            mesh, q = candidate, cq
            if not finite or dG_pred == 0:
                break  # the orbit-space mesh has its own resolution: coarsest M will do
            h = float(candidate.edge_lengths().mean())
            enough = C_G * (lam_h2(h) / h ** 2) ** (dG_pred / 2) >= target_count
            if enough and not _SLOW_DENSE[0] < cq.n_orbits <= _SLOW_DENSE[1]:
                break
        if mesh is not None:
            break
    if mesh is None or q is None:
        raise NotInvariantError(
            f"no mesh of {M.name} available to measure_gain is invariant under {G.name}: "
            + " | ".join(errors))

    # M/G: counts in its own window (finite G: the same mesh; continuous: the orbit space)
    base = q.base_mesh
    spec_q = _quotient_spectrum(M, G, geo, G_mesh)
    if base is None:  # a point
        lams_q = np.array([1.0, 10.0, 100.0, 1000.0])
    else:
        hq = float(base.edge_lengths().mean())
        lo, hi = _window(C_G, dG_pred, hq, lam_h2(hq), min_count)
        if not lo < hi / 3:
            raise FitError(
                f"the mesh {base.name} (mean edge {hq:.3g}) resolves eigenvalues up to about "
                f"{hi:.4g}, where {M.name}/{G.name} has only about "
                f"{C_G * hi ** (dG_pred / 2):.3g} invariant eigenvalues; pass a finer level="
            )
        lams_q = _threshold_grid(spec_q, lo, hi, n_points)
        if lams_q.size < 4:
            raise FitError(f"only {lams_q.size} thresholds fit in [{lo:.4g}, {hi:.4g}]; pass a "
                           "finer level=")
    pairs = [q.laplacian()] + ([q.laplacian(lumped=True)] if averaged and base is not None
                               else [])
    counts_q = _counts(pairs, lams_q, progress)

    # M itself (a check on the mesh; skipped when its window is too small)
    h = float(mesh.edge_lengths().mean())
    lo, hi = _window(C_M, d, h, lam_h2(h), 2 * min_count)
    lams_M = _threshold_grid(spec_M, lo, hi, 6) if lo < hi / 3 else np.zeros(0)
    counts_M = np.zeros(0)
    fit_M = None
    d_fit = d_err = None
    if lams_M.size >= 4:
        if isinstance(M, sym.ProjectiveSpace):  # RP^d = the cover's -I quotient
            anti = from_generators(-np.eye(M.ambient_dim)[None], name="antipodal")
            qa = quotient(mesh, anti)
            pairs = [qa.laplacian()] + ([qa.laplacian(lumped=True)] if averaged else [])
        else:
            pairs = [laplacian(mesh)] + ([laplacian(mesh, lumped=True)] if averaged else [])
        counts_M = _counts(pairs, lams_M, progress)
        two_M = bool(float(M.boundary_volume) > 0) or d == 1
        d_fit, d_err, fit_M = _fit(lams_M, counts_M, two_M)

    bq_pred = float(geo.quotient_boundary_volume)
    two_term_q = bq_pred > 0 or dG_pred == 1
    if base is None and np.all(counts_q == counts_q[0]):
        # a point: N_G constant (1): dimension 0, volume the count (counting measure)
        dG_fit, dG_err, fit_q = 0.0, 0.0, None
        vol_q, vol_q_err, bq = float(counts_q[-1]), 0.0, None
    else:
        dG_fit, dG_err, fit_q = _fit(lams_q, counts_q, two_term_q)
        vol_q, vol_q_err, bq = fit_q.volume, fit_q.volume_err, fit_q.boundary_volume
    vol_M = None if fit_M is None else fit_M.volume
    same_dim = dG_pred == d
    qname = str(base.name) if base is not None else "point"
    where = {"sphere": "at gap midpoints of the sphere spectrum ",
             "lattice": "at gap midpoints of the lattice spectrum ",
             "generic": ""}[spec_q.kind]
    method = (f"M: {mesh.name} ({mesh.n_vertices} vertices, mean edge {h:.3g}"
              f"{_min_angle_note(mesh)}); M/G: "
              f"{q.kind} quotient on {qname} with {q.n_orbits} unknowns; {lams_q.size} "
              f"thresholds {where}in [{lams_q[0]:.4g}, {lams_q[-1]:.4g}]"
              f"{'; consistent and lumped counts averaged' if averaged else ''}; volume "
              "fitted with the second term")
    return MeasuredGain(
        manifold=M.name, group=G.name, mesh=str(mesh.name), quotient_mesh=qname,
        n_vertices=int(mesh.n_vertices), n_unknowns_quotient=int(q.n_orbits),
        lams=tuple(float(v) for v in lams_M), counts=tuple(float(v) for v in counts_M),
        lams_quotient=tuple(float(v) for v in lams_q),
        counts_quotient=tuple(float(v) for v in counts_q),
        d=None if d_fit is None else float(d_fit), d_err=None if d_err is None else float(d_err),
        vol_M=None if vol_M is None else float(vol_M),
        vol_M_err=None if fit_M is None else float(fit_M.volume_err),
        d_G=float(dG_fit), d_G_err=float(dG_err), vol_quotient=float(vol_q),
        vol_quotient_err=float(vol_q_err),
        boundary_volume_quotient=None if bq is None else float(bq),
        d_predicted=int(d), d_G_predicted=int(dG_pred), vol_M_predicted=vM,
        vol_quotient_predicted=vQ, boundary_volume_quotient_predicted=bq_pred,
        d_G_rel_error=_rel(dG_fit, dG_pred), vol_quotient_rel_error=_rel(vol_q, vQ),
        vol_M_rel_error=None if vol_M is None else _rel(vol_M, vM),
        gain=float(vol_M / vol_q) if same_dim and vol_M is not None and vol_q else None,
        gain_predicted=vM / vQ if same_dim else None,
        two_term=fit_q is not None, method=method, seconds=time.perf_counter() - t0,
        action=str(getattr(geo, "action", "") or ""),
    )


def _sphere_lam_h2(lam_max_h2: float) -> Callable[[float], float]:
    """lam_max h^2 for gap-midpoint sphere counts: also lam^(3/2) h^2 <= 10, where the FEM
    shift (~ lam^2 h^2 / 15, measured on icosahedral and invariant spheres) stays below half
    a gap (~ lam^(1/2)); on fine meshes this, not lam h^2, is the limit."""
    return lambda h: min(lam_max_h2, (10.0 * h) ** (2.0 / 3.0))


def _min_angle_note(mesh: Any) -> str:
    """', min angle X deg' for triangle meshes (the mesh quality, stated in reports)."""
    if mesh.dim != 2 or mesh.is_periodic:
        return ""
    from .meshes import mesh_quality

    return f", min angle {mesh_quality(mesh).min_angle_deg:.1f} deg"


def _quotient_resolution(M: Any, G: Any) -> int | None:
    """Resolution of the orbit-space mesh of a continuous quotient (None for finite G)."""
    from .groups import ContinuousGroup

    if not isinstance(G, ContinuousGroup):
        return None
    if G.family == "hopf":
        return 4  # icosahedral S^2(r/2), 2562 vertices
    if G.family == "torus_translation":
        left = M.dim - len(G.coordinates or ())
        return {1: 3000, 2: 120}.get(left, 24)
    # an interval [0, pi r] or [0, R] with the orbit-volume weight: 1-d problems are cheap,
    # and above 2500 unknowns the counter takes its fast sparse route
    return 3000


# ====================================================================== from exact counts
# The exact-count route fits a window of eigenvalues from about min_count invariant
# eigenvalues up to a decade of lam, stopping earlier where the quotient has more than this
# many (the exact enumerations grow like lam^(d/2) on M, not on M/G).
_EXACT_MAX_COUNT = 5000
# ... and starts where the quotient has this many: integers are cheap, and lattice and
# sphere staircases oscillate by O(lam^((d_G-1)/2)), a large relative error at small counts.
_EXACT_MIN_COUNT = 100


def _needs_exact_counts(M: Any, G: Any) -> bool:
    """True where no mesh of M (or no orbit-space mesh for G) exists here."""
    from . import symbolic as sym
    from .groups import ContinuousGroup, FiniteGroup

    if not isinstance(G, (FiniteGroup, ContinuousGroup)):
        return True  # Lie-algebra groups, subtori and product actions: no orbit-space mesh
    if isinstance(M, sym.Product):  # products of spheres or of tori have exact counts
        return all(isinstance(f, sym.Sphere) for f in M.factors) or \
            all(isinstance(f, sym.Torus) for f in M.factors)
    if isinstance(M, (sym.Sphere, sym.ProjectiveSpace)) and M.d > 3:
        return True
    if isinstance(M, sym.Torus) and M.dim > 3:
        return True
    return False


def _exact_spec(M: Any, manifold: Any) -> str:
    return manifold if isinstance(manifold, str) else M.name


def _measure_from_exact_counts(M: Any, G: Any, geo: Any, manifold: Any, *, n_points: int,
                               min_count: int, t0: float) -> MeasuredGain:
    """Fit Weyl's law to the exact invariant counts of M/G (and to the counts of M).

    The window starts where the predicted invariant count reaches ``min_count`` and spans a
    decade of lam, or less where the quotient would have more than 5,000 invariant
    eigenvalues (and starts at 100 at least). Thresholds sit at midpoints between consecutive eigenvalues that carry
    invariants (the staircase crosses its mean there), geometrically spaced.
    """
    from . import symbolic as sym
    from .errors import GroupError
    from .exact import exact_counts

    d, dG = M.dim, geo.quotient_dim
    vM = float(M.volume)
    if geo.quotient_volume is None:
        raise GroupError(f"vol({M.name}/{geo.group}) is not available, so there is no "
                         "prediction to measure against")
    vQ = float(geo.quotient_volume)
    spec = _exact_spec(M, manifold)
    if dG == 0:
        lams_q = np.array([1.0, 10.0, 100.0, 1000.0])
        res = exact_counts(spec, G, float(lams_q[-1]))
        counts_q = np.array([res.count_at(v) for v in lams_q], dtype=np.float64)
        if not np.all(counts_q == 1):
            raise FitError(f"{M.name}/{geo.group} is predicted to be a point, but the exact "
                           f"counts are {counts_q.tolist()}")
        return _exact_report(M, geo, res, lams_q, counts_q, np.zeros(0), np.zeros(0), None,
                             (0.0, 0.0, None), vM, vQ, t0)
    C_G = float(sym.weyl_constant(dG, vQ))
    # d_G = 1: the staircase is off by O(1) (a few % at 10-30 eigenvalues, and the second
    # term absorbs most of it), while the enumeration on M grows like lam^(d/2), d up to
    # 2 d_G + 3 for configurations: start at min_count there
    first = max(min_count, min_count if dG == 1 else _EXACT_MIN_COUNT)
    lo = (first / C_G) ** (2 / dG)
    hi = min(10 * lo, (_EXACT_MAX_COUNT / C_G) ** (2 / dG))
    res = exact_counts(spec, G, hi)
    eig = np.asarray(res.eigenvalues, dtype=np.float64)
    carried = eig[np.asarray(res.multiplicities) > 0]
    mids = (carried[:-1] + carried[1:]) / 2
    mids = mids[(mids >= lo) & (mids <= hi)]
    if mids.size < 4:
        raise FitError(
            f"only {mids.size} gaps of the invariant spectrum of {M.name}/{geo.group} lie in "
            f"[{lo:.4g}, {hi:.4g}]: too few thresholds to fit Weyl's law")
    if mids.size > n_points:
        idx = np.unique(np.searchsorted(mids, np.geomspace(mids[0], mids[-1], n_points))
                        .clip(0, mids.size - 1))
        mids = mids[idx]
    lams_q = mids
    counts_q = np.array([res.count_at(v) for v in lams_q], dtype=np.float64)
    fit_q = _fit(lams_q, counts_q, True)

    # M itself from the full multiplicities (a check of the exact spectrum of M)
    full = np.asarray(res.full_multiplicities, dtype=np.float64)
    cum = np.cumsum(full)
    lams_M = np.zeros(0)
    counts_M = np.zeros(0)
    fit_M = None
    if eig.size >= 6:
        mids_M = (eig[:-1] + eig[1:]) / 2
        mids_M = mids_M[mids_M >= lo]
        if mids_M.size >= 4:
            idx = np.unique(np.searchsorted(mids_M, np.geomspace(mids_M[0], mids_M[-1], 6))
                            .clip(0, mids_M.size - 1))
            lams_M = mids_M[idx]
            counts_M = cum[np.searchsorted(eig, lams_M) - 1]
            try:
                fit_M = _fit(lams_M, counts_M, True)
            except FitError:
                fit_M = None
    return _exact_report(M, geo, res, lams_q, counts_q, lams_M, counts_M, fit_M, fit_q, vM,
                         vQ, t0)


def _exact_report(M: Any, geo: Any, res: Any, lams_q: np.ndarray, counts_q: np.ndarray,
                  lams_M: np.ndarray, counts_M: np.ndarray, fit_M: Any, fit_q: Any,
                  vM: float, vQ: float, t0: float) -> MeasuredGain:
    d, dG = M.dim, geo.quotient_dim
    dG_fit, dG_err, fixed = fit_q
    if fixed is None:  # a point: dimension 0, volume the count (counting measure)
        vol_q, vol_q_err, bq = float(counts_q[-1]), 0.0, None
    else:
        vol_q, vol_q_err, bq = fixed.volume, fixed.volume_err, fixed.boundary_volume
    d_fit = d_err = vol_M = vol_M_err = None
    if fit_M is not None:
        d_fit, d_err, fixed_M = fit_M
        vol_M, vol_M_err = fixed_M.volume, fixed_M.volume_err
    same_dim = dG == d
    label = res.action or getattr(geo, "action", "")
    method = (f"exact invariant counts of {res.manifold}/{res.group_name} (no mesh of this "
              f"space or orbit space is available); {lams_q.size} thresholds at gap midpoints "
              f"of the invariant spectrum in [{lams_q[0]:.4g}, {lams_q[-1]:.4g}]; volume "
              "fitted with the second term")
    return MeasuredGain(
        manifold=M.name, group=geo.group, mesh="exact counts", quotient_mesh="exact counts",
        n_vertices=0, n_unknowns_quotient=0,
        lams=tuple(float(v) for v in lams_M), counts=tuple(float(v) for v in counts_M),
        lams_quotient=tuple(float(v) for v in lams_q),
        counts_quotient=tuple(float(v) for v in counts_q),
        d=None if d_fit is None else float(d_fit), d_err=None if d_err is None else float(d_err),
        vol_M=None if vol_M is None else float(vol_M),
        vol_M_err=None if vol_M_err is None else float(vol_M_err),
        d_G=float(dG_fit), d_G_err=float(dG_err), vol_quotient=float(vol_q),
        vol_quotient_err=float(vol_q_err),
        boundary_volume_quotient=None if bq is None else float(bq),
        d_predicted=int(d), d_G_predicted=int(dG), vol_M_predicted=vM,
        vol_quotient_predicted=vQ,
        boundary_volume_quotient_predicted=float(geo.quotient_boundary_volume),
        d_G_rel_error=_rel(dG_fit, dG), vol_quotient_rel_error=_rel(vol_q, vQ),
        vol_M_rel_error=None if vol_M is None else _rel(vol_M, vM),
        gain=float(vol_M / vol_q) if same_dim and vol_M is not None and vol_q else None,
        gain_predicted=vM / vQ if same_dim else None,
        two_term=fixed is not None, method=method, seconds=time.perf_counter() - t0,
        source="exact counts", action=str(label),
    )
