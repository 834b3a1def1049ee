"""predict_gain: the gain of G-invariance on M from the symbolic quotient geometry."""

from __future__ import annotations

import math
from dataclasses import asdict
from typing import Any

from ..errors import SpecError
from .report import GainReport, PartialGainReport, _fmt_num, _positive_float


def predict_gain(manifold: Any, group: Any, s: float | None = None, eps: float | None = None,
                 n: float | None = None, sigma: float = 1.0,
                 noise: float | None = None) -> GainReport:
    """Predict the sample-complexity gain of G-invariance on M (see the theory page, docs/theory.md#gain).

    Parameters
    ----------
    manifold : weylgain.manifolds.Manifold or str
        E.g. ``"S2"``, ``"T7"``, ``"S2xT1"`` (see :func:`weylgain.manifolds.parse_manifold`).
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
    noise : float, optional
        With ``n`` or ``eps``: also the finite-n figures with their constants (the
        ``finite_*`` fields): the predicted learning curves of KRR with the spectral Sobolev
        kernel on M, plain and invariant, for a critical random invariant target of unit
        norm and label noise ``noise``, at the theory ridge (eigenlearning with the exact
        invariant multiplicities, :func:`weylgain.learning.predict_learning_curve`). Needs a
        pair :func:`weylgain.exact.exact_counts` counts.

    Returns
    -------
    GainReport

    Raises
    ------
    SpecError
        Unknown manifold or group spec, s <= d/2, non-positive eps, n or sigma.
    ActionError
        The group does not act on the manifold.
    QuotientVolumeError
        vol(M/G) is not computable for this action (an UnsupportedError); it carries d_G,
        and :func:`partial_gain` turns it into what is known without the volume.
    """
    from ..geometry import quotient_geometry, risk_exponent, sample_ratio
    from ..manifolds._formulas import _S

    geo = quotient_geometry(manifold, group)
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

    s_sym = _S
    beta = risk_exponent(s_sym, d)
    beta_G = risk_exponent(s_sym, dG)
    vol_M = _finite_volume(geo.volume, f"vol({geo.manifold})", geo)
    vol_Q = _finite_volume(geo.quotient_volume, f"vol({geo.manifold}/{geo.group})", geo)
    ratio_expr = sample_ratio(s_sym, d, dG, geo.volume, geo.quotient_volume)
    b = s / (s + d / 2)
    bG = s / (s + dG / 2)
    vratio = vol_M / vol_Q

    kind, linear = _gain_kind(geo, d, dG, vratio)
    ratio_eps, risk_n, risk_inv_n, equiv, ratio_n = _ratios_at(
        d, dG, s, sigma, eps, n, vol_M, vol_Q, b, bG, vratio)

    if not math.isfinite(vratio) or (linear is not None and not math.isfinite(float(linear))):
        raise SpecError(
            f"the gain vol(M)/vol(M/G) of {geo.group} on {geo.manifold} is "
            f"{_sp_n(geo.volume / geo.quotient_volume)}, beyond the range of a double; the "
            "report's floats cannot hold it (a linear gain is the order of the group acting)")
    explanation = _explain(geo, kind, linear, s, b, bG, eps, ratio_eps, n, ratio_n, vratio)
    finite = {} if noise is None else _finite_n_figures(manifold, geo, group, s, noise, eps, n)
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
        action=str(getattr(geo, "action", "") or ""), **finite,
    ))


def partial_gain(exc: Any, s: float | None = None) -> PartialGainReport:
    """The dimensions and exponents of the gain from a
    :class:`~weylgain.geometry.result.QuotientVolumeError` (d_G without vol(M/G)).

    Parameters
    ----------
    exc : QuotientVolumeError
        The refusal of :func:`predict_gain` (it carries ``dim`` and ``quotient_dim``).
    s : float, optional
        Sobolev smoothness, s > d/2 (default d/2 + 1).

    Returns
    -------
    PartialGainReport
    """
    d, dG = int(exc.dim), int(exc.quotient_dim)
    s = d / 2 + 1 if s is None else _positive_float(s, "s")
    if not s > d / 2:
        raise SpecError(f"the smoothness s must exceed d/2 = {d / 2:g} for M of dimension {d}; "
                        f"got s = {s:g}")
    return PartialGainReport(
        manifold=exc.manifold, group=exc.group, d=d, d_G=dG, s=s,
        kind="exponential" if dG < d else "unknown", risk_exponent=s / (s + d / 2),
        risk_exponent_invariant=s / (s + dG / 2), sample_exponent=1 + d / (2 * s),
        sample_exponent_invariant=1 + dG / (2 * s), reason=exc.reason)


def _finite_n_figures(manifold: Any, geo: Any, group: Any, s: float, noise: Any,
                      eps: float | None, n: float | None) -> dict[str, float | None]:
    """The ``finite_*`` fields: predicted curves with their constants at n and at eps."""
    import numpy as np

    from ..errors import WeylgainError
    from ..learning.theory import predict_learning_curve

    try:
        sigma = float(noise)
    except (TypeError, ValueError):
        sigma = math.nan
    if not (math.isfinite(sigma) and sigma >= 0) or isinstance(noise, bool):
        raise SpecError(f"noise must be a finite number >= 0 (the label noise's standard "
                        f"deviation); got {noise!r}")
    if n is None and eps is None:
        raise SpecError("the finite-n figures (noise) need a sample size n or a risk eps; "
                        "give --n or --eps with --noise")
    spec = manifold if isinstance(manifold, str) else str(geo.manifold)
    out: dict[str, float | None] = {"noise": sigma}

    def none_if_inf(x: float) -> float | None:
        return float(x) if math.isfinite(float(x)) else None

    try:
        curve = predict_learning_curve(spec, group, [n if n is not None else 1000.0],
                                       smoothness=s, noise=sigma)
        if n is not None:
            out.update(finite_risk_at_n=float(curve.risk_plain[0]),
                       finite_risk_invariant_at_n=float(curve.risk_invariant[0]),
                       finite_saving_at_n=none_if_inf(curve.saving[0]))
        if eps is not None:
            need = curve.spectrum.samples_for_risk(np.array([eps]))[0]
            if math.isfinite(need) and need > curve.n_values[0]:
                # complete the spectrum for the larger n the risk asks for
                curve = predict_learning_curve(spec, group, [need], smoothness=s,
                                               noise=sigma)
            plain = curve.spectrum.samples_for_risk(np.array([eps]))[0]
            inv = curve.spectrum.samples_for_risk(np.array([eps]), invariant=True)[0]
            out.update(finite_samples_at_eps=none_if_inf(plain),
                       finite_samples_invariant_at_eps=none_if_inf(inv),
                       finite_saving_at_eps=(none_if_inf(plain / inv)
                                             if math.isfinite(plain) else None))
    except SpecError:
        raise
    except WeylgainError as exc:
        raise SpecError(f"the finite-n figures of {geo.group} on {geo.manifold} need its "
                        f"exact invariant multiplicities and a spectral kernel: {exc}") from None
    return out



def _gain_kind(geo: Any, d: int, dG: int, vratio: float) -> tuple[str, int | float | None]:
    """('none' | 'linear' | 'exponential', the linear factor or None for a dimension drop)."""
    if dG < d:
        return "exponential", None
    if geo.effective_order is not None:
        linear = int(geo.effective_order)
        return ("linear" if linear > 1 else "none"), linear
    # a continuous group acting without lowering the dimension acts trivially here
    linear_f = float(vratio) if abs(vratio - round(vratio)) > 1e-12 else int(round(vratio))
    return ("linear" if vratio > 1 + 1e-12 else "none"), linear_f


def _ratios_at(d: int, dG: int, s: float, sigma: float, eps: float | None, n: float | None,
               vol_M: float, vol_Q: float, b: float, bG: float, vratio: float
               ) -> tuple[float | None, ...]:
    """The sample ratio at eps and the risks, equivalent samples and ratio at n (None where
    not asked); SpecError where they leave the range of a double."""
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
    return ratio_eps, risk_n, risk_inv_n, equiv, ratio_n

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
