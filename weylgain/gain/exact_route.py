"""The exact-count route of measure_gain: Weyl's law fitted to exact invariant counts where
no mesh of M (or of the orbit space) is available here."""

from __future__ import annotations

import time
from typing import Any

import numpy as np

from ..errors import FitError
from .fitting import _fit, _rel
from .report import MeasuredGain


# The exact-count route fits a window of eigenvalues from about min_count invariant
# eigenvalues up to a decade of lam, stopping earlier where the quotient has more than this
# many (the exact enumerations grow like lam^(d/2) on M, not on M/G).
_EXACT_MAX_COUNT = 5000
# ... and starts where the quotient has this many: integers are cheap, and lattice and
# sphere staircases oscillate by O(lam^((d_G-1)/2)), a large relative error at small counts.
_EXACT_MIN_COUNT = 100


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

    The window starts where the predicted invariant count reaches ``min_count`` and spans a
    decade of lam, or less where the quotient would have more than 5,000 invariant
    eigenvalues (and starts at 100 at least). Thresholds sit at midpoints between consecutive eigenvalues that carry
    invariants (the staircase crosses its mean there), geometrically spaced.
    """
    from .. import symbolic as sym
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
