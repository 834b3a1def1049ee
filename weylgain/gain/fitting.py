"""Weyl-law fits of measured counts, shared by the mesh route and the exact-count route.

The fit behind every measured d_G and vol(M/G) (docs/gain.md#how-the-fit-works):

* the law carries its second term, N(lam) = C lam^(d/2) + B lam^((d-1)/2): the Neumann term
  of reflection walls and boundaries, which otherwise biases the dimension low by O(lam^-1/2);
* staircases are smoothed before fitting where the eigenvalues are known (the exact-count
  route): the first Riesz mean R(lam) = sum_k (lam - lam_k)_+ = int_0^lam N averages the
  sawtooth of cyclic groups and the clusters of round spheres over whole periods without
  knowing the period; the mesh route counts at gap midpoints of the exact spectrum, where
  the staircase crosses its mean;
* the same fit runs on several windows (the whole range of thresholds, its lower and its upper
  part): the reported uncertainty is the least-squares error combined with the spread over the
  windows, a floor for correlated residuals and the change of d_G between the free fits
  with and without the second term; when the windows disagree by more than a tolerance the
  fit says so (``converged`` False with the reason) instead of giving a confident +-.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..errors import FitError

# Windows that disagree by more than this in d_G, or by this relative amount in vol(M/G),
# are not converged: the counts are not yet in the range where the two-term law holds.
D_TOLERANCE = 0.1
VOL_TOLERANCE = 0.05
# A converged dimension must be known to this (combined) standard error: beyond it two
# integer dimensions are within 2 sigma of each other.
D_ERR_LIMIT = 0.25
# A window whose top holds fewer invariant eigenvalues than this is not converged, however
# well it fits: below it a staircase can mimic another law exactly (S^2/C_n below degree n
# carries only the zonal harmonics, N = sqrt(lam) + O(1), a perfect d = 1).
MIN_TOP_COUNT = 100
# ... except in dimension 1, where every eigenvalue is its own cluster (no multiplicities to
# mimic another law) and 20 of them span 20 gaps of the interval's spectrum
MIN_TOP_COUNT_1D = 20


@dataclass(frozen=True)
class WindowedFit:
    """The Weyl fit of one counting function over several windows.

    Attributes
    ----------
    dimension, dimension_err : float
        Free-dimension fit over the whole window; its error combines the least-squares
        error, the spread over the sub-windows, a floor for correlated residuals and the
        change when the second term is dropped from (or added to) the free fit.
    dimension_ls_err : float
        The least-squares part alone.
    dimension_int : int
        The integer dimension the volume was fitted at (the nearest to ``dimension``).
    volume, volume_err, volume_ls_err : float
        vol from the fit at ``dimension_int`` with the second term (same error rule).
    boundary_volume : float
        The second-term coefficient as a (d-1)-volume (Neumann walls count positive).
    windows : tuple of dict
        Per window: ``lam_lo``, ``lam_hi``, ``n_points``, ``d``, ``d_err``, ``vol``.
    converged : bool
        Whether the windows agree within D_TOLERANCE in d and VOL_TOLERANCE in vol, and the
        dimension is known to D_ERR_LIMIT.
    reason : str
        Why not converged (empty when converged).
    smoothing : str
        ``"riesz"`` (first Riesz mean fitted) or ``"counts"`` (N itself).
    two_term : bool
        Whether the free-dimension fit carried the second term.
    """

    dimension: float
    dimension_err: float
    dimension_ls_err: float
    dimension_int: int
    volume: float
    volume_err: float
    volume_ls_err: float
    boundary_volume: float
    windows: tuple = field(default_factory=tuple)
    converged: bool = True
    reason: str = ""
    smoothing: str = "counts"
    two_term: bool = True


def _exponents(d: float, n_terms: int, shift: float) -> np.ndarray:
    return np.array([(d - j) / 2 + shift for j in range(n_terms)])


def _linear_fit(lam: np.ndarray, y: np.ndarray, d: float, n_terms: int, shift: float
                ) -> tuple[np.ndarray, np.ndarray, float]:
    """y ~ sum_j c_j lam^((d-j)/2 + shift) at fixed d, least squares on relative residuals:
    coefficients, their covariance, rms relative residual."""
    e = _exponents(d, n_terms, shift)
    A = lam[:, None] ** e[None, :] / y[:, None]
    coef, *_ = np.linalg.lstsq(A, np.ones_like(y), rcond=None)
    r = 1.0 - A @ coef
    dof = max(y.size - n_terms, 1)
    s2 = float(r @ r) / dof
    cov = s2 * np.linalg.pinv(A.T @ A)
    return coef, cov, math.sqrt(float(r @ r) / y.size)


def _free_fit(lam: np.ndarray, y: np.ndarray, n_terms: int, shift: float
              ) -> tuple[float, float]:
    """The dimension minimising the relative residual of the n_terms law (variable
    projection), and its least-squares standard error from the Jacobian in (d, c)."""
    from scipy.optimize import minimize_scalar

    def rms(d: float) -> float:
        coef, _, r = _linear_fit(lam, y, d, n_terms, shift)
        # the law is an expansion: its leading term must be positive and the second term a
        # correction to it (at most half of it at the lowest threshold); otherwise a
        # staircase N = lam on S^2 is fitted as well by d = 3 with C = 0
        if coef[0] <= 0 or (n_terms > 1 and abs(coef[1]) > 0.5 * coef[0] * math.sqrt(lam[0])):
            return r + 1e3
        return r

    slope = float(np.polyfit(np.log(lam), np.log(y), 1)[0])
    d0 = max(2 * (slope - shift), 0.05)
    grid = np.linspace(max(d0 - 3, 0.05), d0 + 3, 31)
    vals = [rms(g) for g in grid]
    k = int(np.argmin(vals))
    lo, hi = grid[max(k - 1, 0)], grid[min(k + 1, grid.size - 1)]
    res = minimize_scalar(rms, bounds=(lo, hi), method="bounded",
                          options={"xatol": 1e-7})
    d = float(res.x)
    if rms(d) >= 1e3:
        raise FitError(
            f"no dimension makes the second term a correction to the first on "
            f"[{lam[0]:.4g}, {lam[-1]:.4g}]: the counts are not in the range where the "
            "two-term law holds")
    coef, _, _ = _linear_fit(lam, y, d, n_terms, shift)
    # Jacobian of the relative residual in (d, c_0, ..., c_{n-1})
    e = _exponents(d, n_terms, shift)
    P = lam[:, None] ** e[None, :]
    J = np.empty((lam.size, n_terms + 1))
    J[:, 0] = (P * np.log(lam)[:, None] / 2) @ coef / y
    J[:, 1:] = P / y[:, None]
    r = 1.0 - P @ coef / y
    dof = max(lam.size - n_terms - 1, 1)
    s2 = float(r @ r) / dof
    cov = s2 * np.linalg.pinv(J.T @ J)
    return d, math.sqrt(max(float(cov[0, 0]), 0.0))


def _volume_from(coef: np.ndarray, cov: np.ndarray, d: int, shift: float
                 ) -> tuple[float, float, float]:
    """vol, its error and the boundary volume from the coefficients at integer d."""
    from ..weyl import _boundary_coefficient, weyl_constant

    scale = (d / 2 + shift) if shift else 1.0  # a Riesz mean: a_0 = c_0 (d/2 + 1)
    cw = weyl_constant(d, 1.0)
    vol = coef[0] * scale / cw
    vol_err = math.sqrt(max(float(cov[0, 0]), 0.0)) * scale / cw
    bvol = 0.0
    if coef.size > 1:
        bscale = ((d - 1) / 2 + shift) if shift else 1.0
        bvol = coef[1] * bscale / _boundary_coefficient(d)
    return float(vol), float(vol_err), float(bvol)


def _one_window(lam: np.ndarray, y: np.ndarray, two_term: bool, shift: float
                ) -> dict[str, Any]:
    # a Riesz mean carries one more term: int_0^lam of the constant offsets of N
    extra = 1 if shift else 0
    n_free = (2 if two_term else 1) + extra
    d, d_err = _free_fit(lam, y, n_free, shift)
    rms_free = _linear_fit(lam, y, d, n_free, shift)[2]
    d_int = max(1, int(round(d)))
    coef, cov, rms = _linear_fit(lam, y, d_int, 2 + extra, shift)
    vol, vol_err, bvol = _volume_from(coef, cov, d_int, shift)
    # correlated residuals (a staircase, a sawtooth) are not independent noise: residuals of
    # size rms at the two ends of the window can tilt the law by 2 rms over its log-length
    # (4 rms / log(lam_hi/lam_lo) in d) and shift its level by about 2 rms
    span = math.log(lam[-1] / lam[0])
    d_err = math.hypot(d_err, 4 * rms_free / span)
    vol_err = math.hypot(vol_err, 2 * rms * abs(vol))
    return dict(lam_lo=float(lam[0]), lam_hi=float(lam[-1]), n_points=int(lam.size),
                d=d, d_err=d_err, d_int=d_int, vol=vol, vol_err=vol_err, boundary_volume=bvol)


def riesz_means(eigenvalues: np.ndarray, multiplicities: np.ndarray, lams: np.ndarray
                ) -> np.ndarray:
    """R(lam) = sum_k m_k (lam - lam_k)_+ (the first Riesz mean, int_0^lam N) at each lam."""
    eig = np.asarray(eigenvalues, dtype=np.float64)
    m = np.asarray(multiplicities, dtype=np.float64)
    order = np.argsort(eig)
    eig, m = eig[order], m[order]
    cm = np.cumsum(m)
    cme = np.cumsum(m * eig)
    idx = np.searchsorted(eig, lams, side="right") - 1
    out = np.zeros(lams.size)
    ok = idx >= 0
    out[ok] = lams[ok] * cm[idx[ok]] - cme[idx[ok]]
    return out


def windowed_fit(lams: Any, values: Any, two_term: bool, *, smoothing: str = "counts",
                 top_count: float | None = None) -> WindowedFit:
    """Fit Weyl's law on the whole window and on its lower and upper parts.

    Parameters
    ----------
    lams : array_like
        Increasing positive thresholds.
    values : array_like
        N(lam) (``smoothing="counts"``) or the first Riesz mean R(lam) (``"riesz"``).
    two_term : bool
        Whether the free-dimension fit carries the second term (walls, boundary, d = 1).
        The volume fit always does.
    smoothing : {"counts", "riesz"}
    top_count : float, optional
        N at the top of the window (default: the last value, when they are counts); fewer
        than MIN_TOP_COUNT gives ``converged`` False.

    Returns
    -------
    WindowedFit

    Raises
    ------
    FitError
        Too few thresholds, non-positive values, or a count that never changes.
    """
    lam = np.asarray(lams, dtype=np.float64).ravel()
    y = np.asarray(values, dtype=np.float64).ravel()
    shift = 1.0 if smoothing == "riesz" else 0.0
    if lam.size != y.size:
        raise FitError(f"lams and counts differ in length ({lam.size} and {y.size})")
    keep = (lam > 0) & (y > 0) & np.isfinite(lam) & np.isfinite(y)
    lam, y = lam[keep], y[keep]
    if lam.size and np.all(y == y[0]):
        raise FitError(
            f"the count stays at {y[0]:g} for every threshold in [{lam[0]:.4g}, "
            f"{lam[-1]:.4g}]: no eigenvalue in the window, so nothing to fit; pass a finer "
            "level=")
    n_free = (3 if two_term else 2) + (1 if shift else 0)
    if lam.size < n_free + 1 or np.unique(lam).size < n_free + 1:
        raise FitError(f"need at least {n_free + 1} distinct thresholds with a positive count "
                       f"to fit {n_free} parameters; got {np.unique(lam).size}")
    order = np.argsort(lam)
    lam, y = lam[order], y[order]
    reasons = []
    try:
        full = _one_window(lam, y, two_term, shift)
    except FitError as exc:
        if not two_term:
            raise
        # the values of the one-term fit, reported as not converged
        reasons.append(str(exc))
        two_term = False
        full = _one_window(lam, y, False, shift)
    windows = [full]
    # sub-windows: the lower and upper two thirds of the points (each at least n_free + 2)
    p = lam.size
    k = max(n_free + 2, int(math.ceil(2 * p / 3)))
    if k < p:
        for sl in (slice(0, k), slice(p - k, p)):
            try:
                windows.append(_one_window(lam[sl], y[sl], two_term, shift))
            except (FitError, np.linalg.LinAlgError, ValueError):
                pass
    subs = windows[1:]
    d_spread = max((abs(w["d"] - full["d"]) for w in subs), default=0.0)
    # volumes are compared at the same integer dimension only
    v_subs = [w for w in subs if w["d_int"] == full["d_int"]]
    v_spread = max((abs(w["vol"] - full["vol"]) for w in v_subs), default=0.0)
    # the model part: the free dimension with and without the second term. On a sawtooth
    # staircase seen over few periods (S^2/C_10 on a mesh) the windows share one bias and
    # agree; the two models do not. Both directions: a closed quotient's staircase fitted
    # with the second term is as overconfident as a walled one fitted without it (over 2,160
    # synthetic S^2/C_n windows, dropping either direction leaves converged fits that miss
    # the truth at 3 sigma); the price is a wider +- on walled quotients.
    d_model = 0.0
    try:
        other = _free_fit(lam, y, (1 if two_term else 2) + (1 if shift else 0), shift)[0]
        d_model = abs(other - full["d"])
    except (FitError, np.linalg.LinAlgError, ValueError):
        pass
    # (1e-6: the tolerance of the dimension search itself)
    d_err = math.sqrt(full["d_err"] ** 2 + d_spread ** 2 + d_model ** 2 + 1e-12)
    vol_err = math.hypot(full["vol_err"], v_spread)
    if len(subs) == 2:
        lo, hi = subs
        drift = hi["d"] - lo["d"]
        if abs(drift) > D_TOLERANCE:
            reasons.append(
                f"the fitted dimension drifts from {lo['d']:.3g} on [{lo['lam_lo']:.4g}, "
                f"{lo['lam_hi']:.4g}] to {hi['d']:.3g} on [{hi['lam_lo']:.4g}, "
                f"{hi['lam_hi']:.4g}] (more than {D_TOLERANCE}): the counts are not yet in "
                "the range where the two-term law holds")
        if lo["d_int"] != hi["d_int"]:
            pass  # already reported through the drift in d
        elif abs(hi["vol"] - lo["vol"]) > VOL_TOLERANCE * abs(full["vol"]):
            reasons.append(
                f"the fitted volume moves from {lo['vol']:.5g} to {hi['vol']:.5g} between the "
                f"lower and upper windows (more than {VOL_TOLERANCE:.0%})")
    else:
        reasons.append(f"only {p} thresholds: too few to compare fitting windows")
    top = float(y[-1]) if top_count is None and not shift else top_count
    need = MIN_TOP_COUNT_1D if full["d_int"] == 1 else MIN_TOP_COUNT
    if top is not None and top < need:
        reasons.append(
            f"only {top:g} invariant eigenvalues up to the top of the window, lam = "
            f"{lam[-1]:.4g}; the two-term law needs at least {need} (a staircase "
            "this short can mimic another dimension): pass a finer level=")
    if d_err > D_ERR_LIMIT and not reasons:
        reasons.append(f"the dimension is known only to +- {d_err:.2g}: too uncertain to "
                       "tell neighbouring integer dimensions apart")
    for w in windows:
        w.pop("boundary_volume", None)
    return WindowedFit(
        dimension=float(full["d"]), dimension_err=float(d_err),
        dimension_ls_err=float(full["d_err"]), dimension_int=int(full["d_int"]),
        volume=float(full["vol"]), volume_err=float(vol_err),
        volume_ls_err=float(full["vol_err"]),
        boundary_volume=float(_one_window_bvol(lam, y, full["d_int"], shift)),
        windows=tuple(windows), converged=not reasons, reason="; ".join(reasons),
        smoothing=smoothing, two_term=bool(two_term))


def _one_window_bvol(lam: np.ndarray, y: np.ndarray, d_int: int, shift: float) -> float:
    coef, cov, _ = _linear_fit(lam, y, d_int, 2 + (1 if shift else 0), shift)
    return _volume_from(coef, cov, d_int, shift)[2]


def _fit(lams: np.ndarray, counts: np.ndarray, two_term_free: bool
         ) -> tuple[float, float, WindowedFit]:
    """Dimension (free), its error, and the windowed fit (whose ``volume``, ``volume_err``
    and ``boundary_volume`` are those at the nearest integer dimension).

    The call signature of the former fit, kept for the mesh route: the error now includes
    the spread over fitting windows (see :func:`windowed_fit`).
    """
    wf = windowed_fit(lams, counts, two_term_free)
    return wf.dimension, wf.dimension_err, wf


def _rel(measured: float, predicted: float) -> float:
    return abs(measured - predicted) / abs(predicted) if predicted else abs(measured)
