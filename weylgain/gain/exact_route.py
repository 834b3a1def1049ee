"""The exact-count route of measure_gain: Weyl's law fitted to exact invariant counts where
no mesh of M (or of the orbit space) is available here."""

from __future__ import annotations

import math
import time
from typing import Any, Callable

import numpy as np

from ..errors import FitError
from .fitting import riesz_means, windowed_fit
from .report import MeasuredGain, measured_from_fits


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
# ... and, on flat tori and boxes, whose exact counts enumerate the lattice modes of M (a
# cost growing like lam^1.6 on T^2, not the lam^(d/2) the time prediction assumes), while M
# has at most _LATTICE_MODES_CAP modes below the top: a bound on the work by design, not
# by the load of the machine (T^2/mirror: lam <= 3.2e5, about 3 s of counting at load 11;
# at its former top, 2e5, vol(M/G) came out within 0.001%)
_LATTICE_MODES_CAP = 10 ** 6
# ... and where the time prediction stops the window below _EXACT_MIN_TOP predicted invariant
# eigenvalues on products and configurations (generic spectra: each count there carries a
# fixed cost of seconds, so under load the first count alone could exhaust a wall-clock
# budget), one count at that top where its predicted CPU time fits _EXACT_SECONDS, else at
# the top that does (_count_at_least): S2^3/(SO(3) x Sym(3)) stopped at lam ~ 3000 (d_G
# 3.107 +- 0.12) at load 6 with the wall clock, and B3/SO(2) spent 400 s on this floor
_EXACT_MIN_TOP = 2 * 10 ** 6
# finite groups on flat tori (d >= 3): the window [lam / _LATTICE_SPAN, lam] with lam the
# eigenvalue of the shell |k|^2 = _LATTICE_SHELLS; at its bottom (10^4) the terms beyond
# the Riesz fit's three are below 1e-4 of the count on T7/B7
_LATTICE_SHELLS = 100_000
_LATTICE_SPAN = 10.0


def _needs_exact_counts(M: Any, G: Any) -> bool:
    """True where no mesh of M (or no orbit-space mesh for G) exists here.

    Besides the manifolds that prefer exact counts and the groups without an orbit-space
    mesh: continuous groups on RP^d (counted on the cover S^d, even degrees) and on balls
    where the orbit space has dimension >= 2 (a half-disk for B^3/SO(2): counted from the
    ball's Neumann modes, one radial family per harmonic degree).
    """
    from ..groups import ContinuousGroup, FiniteGroup

    if not isinstance(G, (FiniteGroup, ContinuousGroup)):
        return True  # Lie-algebra groups, subtori and product actions: no orbit-space mesh
    if isinstance(G, ContinuousGroup):
        if _projective_cover(M) is not None:
            return True
        if _is_ball(M) and G.quotient_dimension_on(M.dim) >= 2:
            return True
    return bool(M.prefers_exact_counts())


def _projective_cover(M: Any) -> Any:
    """The covering sphere of M = RP^d (-I on all of R^(d+1)), else None."""
    cover, double = M.cover()
    if double and tuple(M.antipodal_blocks()) == ((0, M.ambient_dim),) \
            and cover.sphere_radius() is not None:
        return cover
    return None


def _is_ball(M: Any) -> bool:
    from ..manifolds.ball import Ball

    return isinstance(M, Ball) and M.dim >= 2


def _sphere_degree_invariants(G: Any, ambient: int, kmax: int) -> np.ndarray:
    """Invariant dimensions of the degree-k harmonics on S^(ambient-1), k = 0..kmax
    (from :func:`weylgain.exact.exact_counts` of the unit sphere)."""
    from ..errors import CountingError
    from ..exact import exact_counts

    lam = kmax * (kmax + ambient - 2) + 0.5
    res = exact_counts(f"S{ambient - 1}", G, lam)
    mult = np.asarray(res.multiplicities, dtype=np.int64)
    if mult.size != kmax + 1:  # pragma: no cover - exact_counts keeps every degree
        raise CountingError(f"expected {kmax + 1} degrees of S^{ambient - 1}, got {mult.size}")
    return mult


def _projective_counts(M: Any, cover: Any, G: Any, lam: float) -> Any:
    """Exact counts of RP^d / G: the G-invariant harmonics of even degree on the cover S^d
    (-I acts by (-1)^k on degree k and commutes with the linear G)."""
    from dataclasses import replace

    from ..exact import exact_counts

    r = float(cover.sphere_radius())
    res = exact_counts(f"S{cover.dim}", G, lam, radius=r)
    eig = np.asarray(res.eigenvalues, dtype=np.float64)
    D = cover.ambient_dim
    k = np.rint((-(D - 2) + np.sqrt((D - 2) ** 2 + 4 * eig * r * r)) / 2).astype(np.int64)
    even = (k % 2) == 0
    mult = np.where(even, np.asarray(res.multiplicities, dtype=np.int64), 0)
    full = np.where(even, np.asarray(res.full_multiplicities, dtype=np.int64), 0)
    return replace(res, manifold=M.name, count=int(mult.sum()),
                   multiplicities=tuple(int(v) for v in mult),
                   full_multiplicities=tuple(int(v) for v in full), quotient_volume=None,
                   weyl_prediction=None,
                   note=f"counted on the cover {cover.name}: the invariant harmonics of even "
                        "degree")


def _ball_counts(M: Any, G: Any, lam: float) -> Any:
    """Exact counts of B^d / G (Neumann): each ball mode of degree l stands for the
    harmonics H_l of S^(d-1) times one radial function, so it carries as many invariants
    as H_l has (for SO(2) about an axis of B^3: exactly one, m = 0)."""
    from ..exact import ExactCounts
    from ..exact.sphere import sphere_harmonic_dimensions
    from ..manifolds.ball import neumann_modes

    d = int(M.dim)
    eig, deg = neumann_modes(d, lam, float(M.radius))
    lmax = int(deg.max()) if deg.size else 0
    inv = _sphere_degree_invariants(G, d, lmax)[deg]
    full = sphere_harmonic_dimensions(d, lmax)[deg]
    return ExactCounts(
        manifold=M.name, group_name=str(getattr(G, "name", "") or "custom"), lam=float(lam),
        count=int(inv.sum()), eigenvalues=tuple(float(v) for v in eig),
        multiplicities=tuple(int(v) for v in inv),
        full_multiplicities=tuple(int(v) for v in full), dimension=d,
        note="Neumann modes of the ball, zeros of Bessel cross-products, with the "
             "invariant harmonics of each degree")


def _exact_counter(M: Any, G: Any, spec: str) -> Callable[[float], Any]:
    """lam -> ExactCounts of M/G for the exact route (RP^d on its cover, balls from their
    Neumann modes, everything else through :func:`weylgain.exact.exact_counts`)."""
    from ..exact import exact_counts

    cover = _projective_cover(M)
    if cover is not None and _is_continuous(G):
        return lambda lam: _projective_counts(M, cover, G, lam)
    if _is_ball(M):  # any group acting linearly on the boundary sphere
        return lambda lam: _ball_counts(M, G, lam)
    return lambda lam: exact_counts(spec, G, lam)


def _is_continuous(G: Any) -> bool:
    from ..groups import FiniteGroup

    return not isinstance(G, FiniteGroup)


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
    from ..errors import UnsupportedError

    d, dG = M.dim, geo.quotient_dim
    vM = float(M.volume)
    if geo.quotient_volume is None:
        raise UnsupportedError(f"vol({M.name}/{geo.group}) is not available, so there is no "
                         "prediction to measure against")
    vQ = float(geo.quotient_volume)
    spec = _exact_spec(M, manifold)
    count = _exact_counter(M, G, spec)
    if dG == 0:
        lams_q = np.array([1.0, 10.0, 100.0, 1000.0])
        res = count(float(lams_q[-1]))
        counts_q = np.array([res.count_at(v) for v in lams_q], dtype=np.float64)
        if not np.all(counts_q == 1):
            raise FitError(f"{M.name}/{geo.group} is predicted to be a point, but the exact "
                           f"counts are {counts_q.tolist()}")
        return _exact_report(M, geo, res, lams_q, counts_q, np.zeros(0), np.zeros(0), None,
                             (0.0, 0.0, None), vM, vQ, t0)
    C_G = float(weyl_constant(dG, vQ))
    res = _lattice_counts(M, G, count)
    if res is not None:
        # finite groups on flat tori: the character sum reaches the asymptotic range
        hi = float(res.lam)
        lo = hi / _LATTICE_SPAN
    else:
        lo, hi = _exact_window(C_G, dG, min_count)
        t_first = time.process_time()
        res = _first_counts(count, spec, G, lo, hi)
        hi = float(res.lam)
        lo = min(lo, hi / 4)
        if dG > 1:
            kind = M.spectrum_model().kind
            timing: dict[str, float] = {}
            res = _extend_window(res, count, hi, kind == "sphere", d,
                                 time.process_time() - t_first,
                                 lam_cap=_lattice_lam_cap(M) if kind == "lattice" else None,
                                 timing=timing)
            if kind not in ("sphere", "lattice") and res.count < _EXACT_MIN_TOP:
                res = _count_at_least(res, count, (_EXACT_MIN_TOP / C_G) ** (2 / dG),
                                      cpu=timing.get("cpu"), growth=timing.get("growth", d / 2))
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


def _lattice_counts(M: Any, G: Any, count: Callable[[float], Any]) -> Any:
    """Exact counts of a flat torus under a finite group at the top of the lattice window
    (|k|^2 up to _LATTICE_SHELLS, where the two-term law holds: on T7/B7 the third term is
    still 1% at 3,000), or None where this does not apply or cannot be afforded.

    These counts come from the character sum over the group's cycle types
    (:func:`weylgain.exact.torus.torus_character_shells`), whose cost grows like
    lam^(3/2), not like the lam^(d/2) modes of M.
    """
    from ..errors import CountingError, ResourceError
    from ..groups import FiniteGroup

    lengths = M.torus_lengths()
    if not isinstance(G, FiniteGroup) or lengths is None or M.dim < 3:
        return None
    if len(set(float(v) for v in lengths)) != 1:
        return None
    unit = (2 * math.pi / float(lengths[0])) ** 2
    from dataclasses import replace

    for shells in (_LATTICE_SHELLS, _LATTICE_SHELLS // 10):
        try:
            res = count((shells + 0.5) * unit)
        except (CountingError, ResourceError):
            continue
        note = (f"the lattice window |k|^2 in [{shells / _LATTICE_SPAN:.4g}, {shells}], "
                "counted by the character sum over the group's cycle types")
        return replace(res, note=f"{res.note}; {note}" if res.note else note)
    return None


def _first_counts(count: Callable[[float], Any], spec: str, G: Any, lo: float, hi: float
                  ) -> Any:
    """exact counts up to hi, or (when a memory guard refuses) up to the largest hi / 2^k
    it accepts, down to 4 lo; the fit then judges the lower window (usually: not
    converged, and why)."""
    from ..errors import CountingError, ResourceError

    while True:
        try:
            return count(hi)
        except (CountingError, ResourceError) as exc:
            if hi / 2 < 4 * lo:
                raise type(exc)(
                    f"measure_gain cannot count {spec}/{getattr(G, 'name', G)} exactly far "
                    f"enough: the fit needs lam up to at least {4 * lo:.4g} (four times "
                    f"the lam of {_EXACT_MIN_COUNT} predicted invariant eigenvalues), but "
                    f"{exc}") from exc
            hi /= 2


def _count_at_least(res: Any, count: Callable[[float], Any], lam: float,
                    cpu: float | None = None, growth: float = 1.0,
                    budget: float | None = None) -> Any:
    """The counts up to lam (or the largest lam / 2^k above the current top that the memory
    guards accept), else ``res`` unchanged: a top of the window that does not depend on the
    wall clock (only, through ``cpu``, on the process's CPU time, which the load barely moves).

    ``cpu``: the CPU seconds of the count at ``res.lam``. With it, the count's cost is
    predicted as ``cpu (lam / res.lam)^growth`` and lam is lowered to what
    ``budget`` (default _EXACT_SECONDS) CPU seconds afford: the floor is cheap where the
    counts are (configurations: each count a fixed cost of seconds, growing slowly), and
    does not run for minutes where they are not (the Neumann modes of a ball, or products
    enumerating the modes of M: B3/SO(2) took 400 s to reach 2e6 invariant eigenvalues,
    whose fit had converged at 1e5).
    """
    from ..errors import CountingError, ResourceError

    if cpu is not None and cpu > 0 and lam > float(res.lam):
        budget = _EXACT_SECONDS if budget is None else budget
        g = max(float(growth), 0.5)
        if cpu * (lam / float(res.lam)) ** g > budget:
            lam = float(res.lam) * (budget / cpu) ** (1 / g)
    while lam > 1.2 * float(res.lam):
        try:
            return count(lam)
        except (CountingError, ResourceError):
            lam /= 2
    return res


def _lattice_lam_cap(M: Any) -> float:
    """The lam below which a flat M has _LATTICE_MODES_CAP modes by Weyl's law (the top
    of the exact route's window on lattices)."""
    from ..manifolds import weyl_constant

    C_M = float(weyl_constant(M.dim, float(M.volume)))
    return (_LATTICE_MODES_CAP / C_M) ** (2 / M.dim)


def _extend_window(res: Any, count: Callable[[float], Any], hi: float, sphere: bool, d: int,
                   first_seconds: float, lam_cap: float | None = None,
                   timing: dict[str, float] | None = None) -> Any:
    """Raise the top of the window while the exact counts stay cheap.

    The two-term law holds only far out, so the window goes as high as the time
    budget _EXACT_SECONDS allows: lam is raised by _EXACT_STEP while the predicted time of
    the next count (the last one's, times the step to the power of its growth) fits, and the
    memory guards of the counts do not refuse it. The growth is at most that of the route's
    enumeration (about lam on spheres, whose invariant spectra are computed degree by
    degree; lam^(d/2) for lattices and products, which enumerate the modes of M), and less
    where a count a step lower shows it (the configurations' Clebsch-Gordan recursions grow
    far slower than the modes of M): the first count carries the warm-up, so the probe
    times the count at ``hi`` again, warm, against the count at ``hi / step``. ``lam_cap``
    (lattices: :func:`_lattice_lam_cap`) bounds the top whatever the timings say.

    The times are the process's CPU time, not the wall clock: on a loaded machine a count
    waits for a core longer but does not work more, so the top barely moves with the load.
    ``timing`` (a dict), when given, receives the CPU seconds of the last count (``cpu``),
    the growth exponent of its cost between the last two counts (``growth``; the one used
    above when there were not two), and the CPU seconds spent (``spent``).
    """
    from ..errors import CountingError, ResourceError

    growth = 1.0 if sphere else d / 2
    spent = last = max(first_seconds, 1e-3)
    step = _EXACT_STEP
    if growth > 1.0 and 3 * last < _EXACT_SECONDS:
        try:
            t = time.process_time()
            count(hi / step)
            low = max(time.process_time() - t, 1e-3)
            t = time.process_time()
            count(hi)
            warm = max(time.process_time() - t, 1e-3)
            spent += low + warm
            last = warm
            growth = min(growth, max(math.log(warm / low) / math.log(step), 0.5))
        except (CountingError, ResourceError):
            pass  # keep the route's own bound
    seen = growth
    while step > 1.2 and res.count <= _EXACT_COUNT_CAP:
        if lam_cap is not None and hi * step > lam_cap:
            if lam_cap / hi <= 1.2:
                break
            step = lam_cap / hi
            continue
        if last and spent + last * step ** growth > _EXACT_SECONDS:
            step = math.sqrt(step)  # a smaller step may still fit the time budget
            continue
        t = time.process_time()
        try:
            res_next = count(hi * step)
        except (CountingError, ResourceError):
            step = math.sqrt(step)  # the memory guard of the enumeration: a smaller step
            continue
        now = max(time.process_time() - t, 1e-3)
        if now > 0.1 and last > 0.1:  # the growth seen at this lam (fixed costs aside)
            seen = max(math.log(now / last) / math.log(step), 0.5)
        last = now
        spent += last
        res, hi = res_next, hi * step
    if timing is not None:
        timing.update(cpu=last, growth=seen, spent=spent)
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
    label = res.action or getattr(geo, "action", "")
    how = f"; {res.note}" if getattr(res, "note", "") else ""
    method = (f"exact invariant counts of {res.manifold}/{res.group_name} (no mesh of "
              f"this space or orbit space is available{how}); first Riesz mean of the invariant "
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
    return measured_from_fits(
        manifold=M.name, group=geo.group, d=d, d_G_predicted=dG, vol_M_predicted=vM,
        vol_quotient_predicted=vQ,
        boundary_volume_quotient_predicted=float(geo.quotient_boundary_volume),
        lams_M=lams_M, counts_M=counts_M, lams_q=lams_q, counts_q=counts_q, d_fit=d_fit,
        d_err=d_err, vol_M=vol_M, vol_M_err=vol_M_err, d_G=dG_fit, d_G_err=dG_err,
        vol_q=vol_q, vol_q_err=vol_q_err, boundary_volume=bq, t0=t0,
        mesh="exact counts", quotient_mesh="exact counts", n_vertices=0, n_unknowns_quotient=0,
        two_term=fixed is not None, method=method, source="exact counts", action=str(label),
        converged=bool(converged), convergence_note=note, fit_windows=tuple(windows),
        d_G_ls_err=dG_ls, vol_quotient_ls_err=vq_ls,
        smoothing="counts" if fixed is None else fixed.smoothing,
        count_ratio=ratio, count_ratio_lam=ratio_lam,
    )
