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
    noise : float or None
        The label noise of the finite-n figures (None: not asked for).
    finite_risk_at_n, finite_risk_invariant_at_n : float or None
        Predicted excess risks at ``n`` with their constants (eigenlearning: the spectral
        Sobolev kernel of smoothness s, a critical random invariant target of unit norm,
        the theory ridge; see :func:`weylgain.learning.predict_learning_curve`).
    finite_saving_at_n : float or None
        n_plain(invariant risk at n) / n on those curves.
    finite_samples_at_eps, finite_samples_invariant_at_eps : float or None
        Samples each estimator needs for excess risk ``eps`` (None: more than 1e15).
    finite_saving_at_eps : float or None
        Their ratio.
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
    noise: float | None = None
    finite_risk_at_n: float | None = None
    finite_risk_invariant_at_n: float | None = None
    finite_saving_at_n: float | None = None
    finite_samples_at_eps: float | None = None
    finite_samples_invariant_at_eps: float | None = None
    finite_saving_at_eps: float | None = None

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["derivation"] = list(self.derivation)
        return out


@dataclass(frozen=True)
class PartialGainReport:
    """What is known of the gain when vol(M/G) is not: d, d_G and the exponents.

    The rates need only the dimensions; the constants (the volume ratio, sample ratios at eps
    or n) need vol(M/G), which is missing for the ``reason`` given.

    Attributes
    ----------
    manifold, group : str
    d, d_G : int
        dim M and dim M/G (the generic orbit codimension, always computable).
    s : float
        Sobolev smoothness (default d/2 + 1).
    kind : str
        'exponential' when d_G < d; 'unknown' otherwise (a linear factor needs the volume).
    risk_exponent, risk_exponent_invariant : float
        s/(s + d/2) and s/(s + d_G/2).
    sample_exponent, sample_exponent_invariant : float
        1 + d/(2s) and 1 + d_G/(2s).
    reason : str
        Why vol(M/G) is not available.
    """

    manifold: str
    group: str
    d: int
    d_G: int
    s: float
    kind: str
    risk_exponent: float
    risk_exponent_invariant: float
    sample_exponent: float
    sample_exponent_invariant: float
    reason: str

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out.pop("reason")
        out.update(vol_quotient=None, vol_quotient_available=False,
                   vol_quotient_unavailable_reason=self.reason)
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
    converged : bool or None
        Whether the Weyl fits of N_G over several windows of thresholds agree (d_G within
        0.1, vol(M/G) within 5%) and d_G is known to +- 0.25; when False, ``d_G`` and
        ``vol_quotient`` are what the whole window gives, *not* a measurement of the
        asymptotic law, and ``convergence_note`` says why. Filled from the counts when not
        given.
    convergence_note : str
        Why the fit did not converge (empty when it did).
    fit_windows : tuple of dict
        The windows the uncertainty comes from: the whole range, its lower and upper part,
        each with ``lam_lo, lam_hi, n_points, d, d_err, d_int, vol, vol_err``.
    d_G_ls_err, vol_quotient_ls_err : float or None
        The least-squares part of ``d_G_err`` and ``vol_quotient_err`` (the rest is the spread
        over the windows).
    smoothing : str
        ``"counts"`` (N_G at gap midpoints) or ``"riesz"`` (the first Riesz mean of the exact
        invariant spectrum, which averages sawtooth staircases over whole periods).
    gain_measured, gain_measured_err : float or None
        When d_G = d (finite groups): vol(M) / measured vol(M/G) (vol(M) is exact), the
        measured sample multiplier, to compare with ``gain_predicted`` = order(G_eff).
    count_ratio, count_ratio_lam : float or None
        N(lam)/N_G(lam) at the largest threshold where both counts are known (it tends to
        order(G_eff) as lam grows, for finite groups), and that threshold.
    smoothness : float or None
        The Sobolev smoothness s the exponents below are evaluated at (default d/2 + 1, as
        :func:`predict_gain`; :meth:`with_smoothness` changes it).
    sample_exponent_measured, sample_exponent_measured_err, sample_exponent_predicted : float
        n(eps) ~ eps^-(1 + d_G/(2s)) with the measured and the predicted d_G: the exponent
        the measured dimension implies.
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
    converged: bool | None = None
    convergence_note: str = ""
    fit_windows: tuple = ()
    d_G_ls_err: float | None = None
    vol_quotient_ls_err: float | None = None
    smoothing: str = "counts"
    gain_measured: float | None = None
    gain_measured_err: float | None = None
    count_ratio: float | None = None
    count_ratio_lam: float | None = None
    smoothness: float | None = None
    sample_exponent_measured: float | None = None
    sample_exponent_measured_err: float | None = None
    sample_exponent_predicted: float | None = None

    def __post_init__(self) -> None:
        # frozen: the derived fields are set once, here
        put = object.__setattr__
        if self.converged is None:
            self._assess_windows(put)
        if self.d_G_predicted == self.d_predicted and self.vol_quotient:
            g = self.vol_M_predicted / self.vol_quotient
            put(self, "gain_measured", float(g))
            put(self, "gain_measured_err",
                float(abs(g) * self.vol_quotient_err / abs(self.vol_quotient)))
        if self.count_ratio is None:
            common = sorted(set(self.lams) & set(self.lams_quotient))
            if common:
                lam = common[-1]
                n_m = self.counts[list(self.lams).index(lam)]
                n_q = self.counts_quotient[list(self.lams_quotient).index(lam)]
                if n_q > 0:
                    put(self, "count_ratio", float(n_m / n_q))
                    put(self, "count_ratio_lam", float(lam))
        s = self.smoothness if self.smoothness is not None else self.d_predicted / 2 + 1
        put(self, "smoothness", float(s))
        put(self, "sample_exponent_measured", float(1 + self.d_G / (2 * s)))
        put(self, "sample_exponent_measured_err", float(self.d_G_err / (2 * s)))
        put(self, "sample_exponent_predicted", float(1 + self.d_G_predicted / (2 * s)))

    def _assess_windows(self, put: Any) -> None:
        """converged, the note and the windows from the stored counts of M/G (the mesh
        route: the same windowed fit its d_G and errors came from)."""
        from ..errors import FitError
        from .fitting import windowed_fit

        lams, counts = self.lams_quotient, self.counts_quotient
        if self.d_G_predicted == 0 or not lams:
            put(self, "converged", True)  # a point: N_G constant, nothing to converge
            return
        two = self.boundary_volume_quotient_predicted > 0 or self.d_G_predicted == 1
        try:
            wf = windowed_fit(lams, counts, two, smoothing=self.smoothing)
        except FitError as exc:
            put(self, "converged", False)
            put(self, "convergence_note", str(exc))
            return
        put(self, "converged", bool(wf.converged))
        put(self, "convergence_note", wf.reason)
        put(self, "fit_windows", wf.windows)
        put(self, "d_G_ls_err", wf.dimension_ls_err)
        put(self, "vol_quotient_ls_err", wf.volume_ls_err)

    def with_smoothness(self, s: float) -> MeasuredGain:
        """The same measurement with the exponents evaluated at smoothness ``s``."""
        from dataclasses import replace

        return replace(self, smoothness=_positive_float(s, "s"))

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["fit_windows"] = [dict(w) for w in self.fit_windows]
        for key in ("lams", "lams_quotient"):
            out[key] = [float(v) for v in getattr(self, key)]
        for key in ("counts", "counts_quotient"):
            out[key] = [float(v) for v in getattr(self, key)]
        return out


def _optional(x: Any) -> float | None:
    return None if x is None else float(x)


def measured_from_fits(*, manifold: str, group: str, d: int, d_G_predicted: int,
                       vol_M_predicted: float, vol_quotient_predicted: float,
                       boundary_volume_quotient_predicted: float,
                       lams_M: np.ndarray, counts_M: np.ndarray, lams_q: np.ndarray,
                       counts_q: np.ndarray, d_fit: float | None, d_err: float | None,
                       vol_M: float | None, vol_M_err: float | None, d_G: float,
                       d_G_err: float, vol_q: float, vol_q_err: float,
                       boundary_volume: float | None, t0: float, **route: Any
                       ) -> MeasuredGain:
    """The :class:`MeasuredGain` of both measurement routes from their fits: the counts as
    tuples, the relative errors against the prediction and the volume ratio (when d_G = d)
    derived here; ``route`` holds the fields that say how the counts were obtained (mesh,
    quotient_mesh, sizes, method, source, action, convergence, ...)."""
    import time

    from .fitting import _rel

    same_dim = d_G_predicted == d
    return MeasuredGain(
        manifold=manifold, group=group,
        lams=tuple(float(v) for v in lams_M), counts=tuple(float(v) for v in counts_M),
        lams_quotient=tuple(float(v) for v in lams_q),
        counts_quotient=tuple(float(v) for v in counts_q),
        d=_optional(d_fit), d_err=_optional(d_err), vol_M=_optional(vol_M),
        vol_M_err=_optional(vol_M_err), d_G=float(d_G), d_G_err=float(d_G_err),
        vol_quotient=float(vol_q), vol_quotient_err=float(vol_q_err),
        boundary_volume_quotient=_optional(boundary_volume),
        d_predicted=int(d), d_G_predicted=int(d_G_predicted),
        vol_M_predicted=float(vol_M_predicted), vol_quotient_predicted=float(vol_quotient_predicted),
        boundary_volume_quotient_predicted=float(boundary_volume_quotient_predicted),
        d_G_rel_error=_rel(d_G, d_G_predicted),
        vol_quotient_rel_error=_rel(vol_q, vol_quotient_predicted),
        vol_M_rel_error=None if vol_M is None else _rel(vol_M, vol_M_predicted),
        gain=float(vol_M / vol_q) if same_dim and vol_M is not None and vol_q else None,
        gain_predicted=vol_M_predicted / vol_quotient_predicted if same_dim else None,
        seconds=time.perf_counter() - t0, **route,
    )
