"""The exact-count route of measure_gain: Weyl's law fitted to exact invariant counts where
no mesh of M (or of the orbit space) is available here."""

from __future__ import annotations

import math
import time
from typing import Any

import numpy as np

from ..errors import FitError
from .fitting import _rel, riesz_means, windowed_fit
from .report import MeasuredGain


# The exact-count route fits the first Riesz mean of the exact invariant spectrum on a window
# that ends where the predicted quotient count reaches _EXACT_MAX_COUNT (the enumerations
# grow like lam^(d/2) on M, not on M/G) and starts where it is _EXACT_MIN_COUNT, or a
# factor _EXACT_SPAN lower in lam; the lower and upper parts of the window are compared
# (weylgain.gain.fitting.windowed_fit), so a window below the asymptotic range says so.
_EXACT_MAX_COUNT = 5000
_EXACT_MIN_COUNT = 100
_EXACT_SPAN = 100.0
# thresholds in the window (geometric): a Riesz mean is smooth, so these are cheap
_EXACT_POINTS = 24
# raising the top of the window (_extend_window): by this factor in lam, while the predicted
# time stays within _EXACT_SECONDS in all and the invariant count below _EXACT_COUNT_CAP
_EXACT_STEP = 4.0
_EXACT_SECONDS = 10.0
_EXACT_COUNT_CAP = 10 ** 12


def _needs_exact_counts(M: Any, G: Any) -> bool:
    """True where no mesh of M (or no orbit-space mesh for G) exists here."""
    from ..groups import ContinuousGroup, FiniteGroup

    if not isinstance(G, (FiniteGroup, ContinuousGroup)):
        return True  # Lie-algebra groups, subtori and product actions: no orbit-space mesh
    return bool(M.prefers_exact_counts())


def _exact_spec(M: Any, manifold: Any) -> str:
    return manifold if isinstance(manifold, str) else M.name


def _measure_from_exact_counts(M: Any, G: Any, geo: Any, manifold: Any, *, n_points: int,
                               min_count: int, t0: float) -> MeasuredGain:
    """Fit Weyl's law to the exact invariant counts of M/G (and to the counts of M).

    The window is :func:`_exact_window`; the first Riesz mean R(lam) = sum (lam - lam_k)_+
    of the invariant spectrum (which averages the staircase over whole periods) is fitted at
    geometrically spaced thresholds, on the whole window and on its lower and upper parts
    (:func:`weylgain.gain.fitting.windowed_fit`): the spread is part of the uncertainty, and
    windows that disagree give ``converged=False``.
    """
    from ..manifolds import weyl_constant
    from ..errors import GroupError
    from ..exact import exact_counts

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
    C_G = float(weyl_constant(dG, vQ))
    lo, hi = _exact_window(C_G, dG, min_count)
    t_first = time.perf_counter()
    res = _first_counts(spec, G, lo, hi)
    hi = float(res.lam)
    lo = min(lo, hi / 4)
    if dG > 1:
        res = _extend_window(res, spec, G, hi, M.spectrum_model().kind == "sphere", d,
                             time.perf_counter() - t_first)
        hi = float(res.lam)
        lo = max(lo, hi / _EXACT_SPAN)
    eig = np.asarray(res.eigenvalues, dtype=np.float64)
    mult = np.asarray(res.multiplicities, dtype=np.float64)
    n_thresh = max(n_points, _EXACT_POINTS)
    lams_q = np.geomspace(lo, hi, n_thresh)
    counts_q = np.array([res.count_at(v) for v in lams_q], dtype=np.float64)
    if np.count_nonzero(np.diff(counts_q)) < 3:
        raise FitError(
            f"the invariant count of {M.name}/{geo.group} changes at fewer than 3 of "
            f"{n_thresh} thresholds in [{lo:.4g}, {hi:.4g}]: too few invariant eigenvalues "
            "to fit Weyl's law")
    two_q = float(geo.quotient_boundary_volume) > 0 or dG == 1
    fit_q = windowed_fit(lams_q, riesz_means(eig, mult, lams_q), two_q, smoothing="riesz",
                         top_count=float(counts_q[-1]))

    # M itself from the full multiplicities (a check of the exact spectrum of M)
    full = np.asarray(res.full_multiplicities, dtype=np.float64)
    counts_M = np.array([full[eig <= v].sum() for v in lams_q], dtype=np.float64)
    lams_M = lams_q
    fit_M = None
    try:
        fit_M = windowed_fit(lams_M, riesz_means(eig, full, lams_M),
                             float(M.boundary_volume) > 0 or d == 1, smoothing="riesz")
    except FitError:
        fit_M = None
    return _exact_report(M, geo, res, lams_q, counts_q, lams_M, counts_M, fit_M, fit_q, vM,
                         vQ, t0)


def _first_counts(spec: str, G: Any, lo: float, hi: float) -> Any:
    """exact_counts up to hi, or (when its memory guard refuses) up to the largest hi / 2^k
    it accepts, down to 4 lo: T7/B7 cannot enumerate the 3e9 modes of T7 below the lam of
    5,000 predicted invariant eigenvalues, but it can count a lower window, which the fit
    then judges (usually: not converged, and why)."""
    from ..errors import CountingError, ResourceError
    from ..exact import exact_counts

    while True:
        try:
            return exact_counts(spec, G, hi)
        except (CountingError, ResourceError) as exc:
            if hi / 2 < 4 * lo:
                raise type(exc)(
                    f"measure_gain cannot count {spec}/{getattr(G, 'name', G)} exactly far "
                    f"enough: the fit needs lam up to at least {4 * lo:.4g} (four times "
                    f"the lam of {_EXACT_MIN_COUNT} predicted invariant eigenvalues), but "
                    f"{exc} (an enumeration of orbit representatives instead of every mode "
                    "of M is what is missing)") from exc
            hi /= 2


def _extend_window(res: Any, spec: str, G: Any, hi: float, sphere: bool, d: int,
                   first_seconds: float) -> Any:
    """Raise the top of the window while the exact counts stay cheap.

    The two-term law holds only far out (on T7/S7 the wall term is still twice the
    leading one at 20,000 invariant eigenvalues), so the window goes as high as the time
    budget _EXACT_SECONDS allows: lam is raised by _EXACT_STEP while the predicted time of
    the next enumeration (the last one's, times the step to the power of its growth: about
    lam on spheres, whose invariant spectra are computed degree by degree, lam^(d/2) for
    lattices and products, which enumerate the modes of M) fits, and the memory guards of
    :func:`weylgain.exact_counts` do not refuse it.
    """
    from ..errors import CountingError, ResourceError
    from ..exact import exact_counts

    growth = 1.0 if sphere else d / 2
    spent = last = max(first_seconds, 1e-3)
    step = _EXACT_STEP
    while step > 1.2 and res.count <= _EXACT_COUNT_CAP:
        if last and spent + last * step ** growth > _EXACT_SECONDS:
            step = math.sqrt(step)  # a smaller step may still fit the time budget
            continue
        t = time.perf_counter()
        try:
            res_next = exact_counts(spec, G, hi * step)
        except (CountingError, ResourceError):
            step = math.sqrt(step)  # the memory guard of the enumeration: a smaller step
            continue
        last = max(time.perf_counter() - t, 1e-3)
        spent += last
        res, hi = res_next, hi * step
    return res


def _exact_window(C_G: float, dG: int, min_count: int) -> tuple[float, float]:
    """[lo, hi] for the exact counts of a d_G-dimensional quotient with Weyl constant C_G.

    hi: where the predicted count reaches _EXACT_MAX_COUNT (d_G = 1: ten times the lam where
    it reaches ``min_count``, since the enumeration on M grows like lam^(d/2) while the
    quotient count only like lam^(1/2)); lo: where the count is _EXACT_MIN_COUNT (or
    ``min_count`` for d_G = 1), and at least hi / _EXACT_SPAN.
    """
    if dG == 1:
        lo = (min_count / C_G) ** 2
        return lo, 10 * lo
    hi = (_EXACT_MAX_COUNT / C_G) ** (2 / dG)
    lo = max((max(min_count, _EXACT_MIN_COUNT) / C_G) ** (2 / dG), hi / _EXACT_SPAN)
    return lo, hi


def _exact_report(M: Any, geo: Any, res: Any, lams_q: np.ndarray, counts_q: np.ndarray,
                  lams_M: np.ndarray, counts_M: np.ndarray, fit_M: Any, fit_q: Any,
                  vM: float, vQ: float, t0: float) -> MeasuredGain:
    d, dG = M.dim, geo.quotient_dim
    if isinstance(fit_q, tuple):  # a point: dimension 0, volume the count (counting measure)
        dG_fit, dG_err, fixed = 0.0, 0.0, None
        vol_q, vol_q_err, bq = float(counts_q[-1]), 0.0, None
    else:
        fixed = fit_q
        dG_fit, dG_err = fit_q.dimension, fit_q.dimension_err
        vol_q, vol_q_err, bq = fit_q.volume, fit_q.volume_err, fit_q.boundary_volume
    d_fit = d_err = vol_M = vol_M_err = None
    if fit_M is not None:
        d_fit, d_err = fit_M.dimension, fit_M.dimension_err
        vol_M, vol_M_err = fit_M.volume, fit_M.volume_err
    same_dim = dG == d
    label = res.action or getattr(geo, "action", "")
    method = (f"exact invariant counts of {res.manifold}/{res.group_name} (no mesh of this "
              f"space or orbit space is available); first Riesz mean of the invariant "
              f"spectrum at {lams_q.size} thresholds in [{lams_q[0]:.4g}, {lams_q[-1]:.4g}], "
              "fitted on the whole window and its lower and upper parts; volume fitted with "
              "the second term")
    if fixed is None:
        converged, note, windows, dG_ls, vq_ls = True, "", (), None, None
    else:
        converged, note, windows = fixed.converged, fixed.reason, fixed.windows
        dG_ls, vq_ls = fixed.dimension_ls_err, fixed.volume_ls_err
    ratio = ratio_lam = None
    if lams_M.size and counts_q.size and counts_q[-1] > 0:
        ratio, ratio_lam = float(counts_M[-1] / counts_q[-1]), float(lams_M[-1])
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
        source="exact counts", action=str(label), converged=bool(converged),
        convergence_note=note, fit_windows=tuple(windows), d_G_ls_err=dG_ls,
        vol_quotient_ls_err=vq_ls, smoothing="counts" if fixed is None else fixed.smoothing,
        count_ratio=ratio, count_ratio_lam=ratio_lam,
    )
