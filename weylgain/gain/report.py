"""The reports of the gain calculator: :class:`GainReport` (theory) and :class:`MeasuredGain`
(eigenvalue counts against the theory), with the argument checks both entry points share."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from ..errors import SpecError


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
