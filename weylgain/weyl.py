"""Weyl's law: the fit step of mesh -> (K, M) -> counts -> fit -> gain.

N(lam) ~ C_W lam^(d/2) (+ the boundary term), its constants
(:func:`~weylgain.spectrum.unit_ball_volume`, :func:`~weylgain.spectrum.weyl_constant`), the
law itself (:func:`~weylgain.spectrum.weyl_count`) and its least-squares fit to eigenvalue
counts (:func:`~weylgain.spectrum.weyl_fit`, :class:`~weylgain.spectrum.WeylFit`). The counts
come from :mod:`weylgain.spectrum`, which re-exports every name here: ``weylgain.spectrum`` is
their public path and the module they report (the API reference documents them there), so
``from weylgain.spectrum import weyl_fit`` and ``from weylgain.weyl import weyl_fit`` give the
same function.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from .errors import FitError

__all__ = [
    "weyl_fit",
    "weyl_count",
    "weyl_constant",
    "unit_ball_volume",
    "WeylFit",
]


def unit_ball_volume(d: float) -> float:
    """omega_d = pi^(d/2) / Gamma(d/2 + 1), the volume of the unit d-ball (d may be real)."""
    return math.pi ** (d / 2) / math.gamma(d / 2 + 1)


def weyl_constant(dimension: float, volume: float) -> float:
    """C_W = omega_d vol / (2 pi)^d, so that N(lam) ~ C_W lam^(d/2)."""
    return unit_ball_volume(dimension) * volume / (2 * math.pi) ** dimension


def weyl_count(lam: Any, dimension: float, volume: float, boundary_volume: float = 0.0) -> Any:
    """Weyl's law N(lam) ~ C_W lam^(d/2) + omega_{d-1} vol(dM) lam^((d-1)/2) / (4 (2 pi)^(d-1)).

    Parameters
    ----------
    lam : float or array_like of float
        Thresholds, finite and >= 0.
    dimension : float
        d, finite and >= 0 (a fitted, non-integer d is allowed).
    volume : float
        vol(M), positive and finite.
    boundary_volume : float, default 0.0
        vol(dM): positive for the Neumann term, negative for the Dirichlet term.

    Returns
    -------
    float or ndarray
        The law at ``lam`` (an array of the shape of ``lam`` when it is one).

    Raises
    ------
    ParameterError
        A value that is not a real number (a string, None, a bool, a complex number), a
        negative or non-finite ``lam``, a negative or non-finite ``dimension``, a volume that
        is not positive and finite, a non-finite ``boundary_volume``, or a dimension so large
        that omega_d leaves double precision.
    """
    import numbers

    from .errors import ParameterError

    def real(value: Any, what: str) -> float:
        if (isinstance(value, (bool, np.bool_, str, bytes))
                or not isinstance(value, numbers.Real)):
            raise ParameterError(f"weyl_count takes real numbers: {what} must be a real "
                                 f"number; got {type(value).__name__} {value!r}")
        return float(value)

    d = real(dimension, "dimension")
    volume_ = real(volume, "volume")
    bvol = real(boundary_volume, "boundary_volume")
    if isinstance(lam, (str, bytes)):
        raise ParameterError(f"weyl_count takes real numbers: lam must be a real number or an "
                             f"array of real numbers; got the string {lam!r}")
    try:
        arr = np.asarray(lam)
    except (TypeError, ValueError) as exc:  # ragged nested sequences
        raise ParameterError(f"weyl_count takes real numbers: lam must be a real number or "
                             f"an array of them ({exc})") from None
    if arr.dtype.kind == "O" and all(isinstance(v, numbers.Real)
                                     and not isinstance(v, (bool, np.bool_))
                                     for v in arr.ravel().tolist()):
        arr = arr.astype(np.float64)  # Fractions, Decimals and the like
    if arr.dtype.kind not in "iuf":
        raise ParameterError(f"weyl_count takes real numbers: lam must be a real number or an "
                             f"array of real numbers; got {type(lam).__name__} of dtype "
                             f"{arr.dtype} ({str(lam)[:60]})")
    lam = arr.astype(np.float64)
    if not (np.all(np.isfinite(lam)) and np.all(lam >= 0)):
        bad = float(lam[~(np.isfinite(lam) & (lam >= 0))].ravel()[0])
        raise ParameterError(f"lam must be finite and >= 0 (N(lam) counts eigenvalues of a "
                             f"non-negative operator); got {bad!r}")
    if not (math.isfinite(d) and d >= 0):
        raise ParameterError(f"dimension must be a finite number >= 0; got {dimension!r}")
    if not (math.isfinite(volume_) and volume_ > 0):
        raise ParameterError(f"volume must be a positive finite number; got {volume!r}")
    if not math.isfinite(bvol):
        raise ParameterError(f"boundary_volume must be finite; got {boundary_volume!r}")
    try:
        constant = weyl_constant(d, volume_)
        coefficient = _boundary_coefficient(d) if bvol else 0.0
    except OverflowError:
        raise ParameterError(f"dimension {d:g} is too large: the unit-ball volume omega_d "
                             "leaves double precision (Weyl's law needs d below about 340)"
                             ) from None
    out = constant * lam ** (d / 2)
    if bvol:
        out = out + coefficient * bvol * lam ** ((d - 1) / 2)
    return out if out.ndim else float(out)


def _boundary_coefficient(d: float) -> float:
    return unit_ball_volume(d - 1) / (4 * (2 * math.pi) ** (d - 1))


@dataclass(frozen=True)
class WeylFit:
    """Result of :func:`weyl_fit`.

    Attributes
    ----------
    dimension, dimension_err : float
        Fitted dimension d (or the fixed value, with error 0) and its standard error.
    volume, volume_err : float
        vol(M) = C_W (2 pi)^d / omega_d and its standard error (propagated through d).
    boundary_volume, boundary_volume_err : float
        Coefficient of the Neumann boundary term, as a (d-1)-volume (0 without it).
    constant : float
        The fitted Weyl constant C_W.
    rms_relative_residual : float
        Root mean square of (N - fit) / N over the points.
    n_points : int
    boundary : bool
        Whether the two-term law was fitted.
    mean_edge : float or None
        ``h`` of the mesh the counts came from (the ``mesh=`` of :func:`weyl_fit`); None when
        not given.
    max_lam_h2 : float or None
        ``lam h^2`` at the largest fitted threshold (None without ``mesh``).
    lam_max_resolved : float or None
        ``0.5 / h**2``, the largest threshold the mesh resolves (None without ``mesh``, or
        when there is no limit).
    resolved : bool or None
        Whether every fitted threshold is in the resolved range (``max_lam_h2 <= 0.5``, see
        :mod:`weylgain.resolution`); None without ``mesh``.
    """

    dimension: float
    dimension_err: float
    volume: float
    volume_err: float
    boundary_volume: float
    boundary_volume_err: float
    constant: float
    rms_relative_residual: float
    n_points: int
    boundary: bool
    mean_edge: float | None = None
    max_lam_h2: float | None = None
    lam_max_resolved: float | None = None
    resolved: bool | None = None

    def to_dict(self) -> dict:
        out = {k: (float(v) if isinstance(v, (float, np.floating)) else v)
               for k, v in asdict(self).items()}
        if out["lam_max_resolved"] is not None and not math.isfinite(out["lam_max_resolved"]):
            out["lam_max_resolved"] = None
        return out

    def predict(self, lam: Any) -> Any:
        """The fitted law at ``lam``."""
        return weyl_count(lam, self.dimension, self.volume, self.boundary_volume)


def weyl_fit(lams: Any, counts: Any, dimension: float | None = None,
             boundary: bool = False, *, mesh: Any = None) -> WeylFit:
    """Fit Weyl's law to eigenvalue counts.

    Model: N(lam) = C lam^(d/2) (+ B lam^((d-1)/2) with ``boundary``), least squares on
    relative residuals (counts grow by orders of magnitude). With the dimension free and no
    boundary term this is the log-log line fit.

    Parameters
    ----------
    lams : array_like of shape (p,)
        Positive thresholds.
    counts : array_like of shape (p,)
        N(lam) (positive); for spheres prefer midpoints between eigenvalue clusters.
    dimension : float, optional
        Fix d (then only the volume, and boundary term, are fitted).
    boundary : bool, default False
        Fit the two-term law (a Neumann boundary, or reflections in a quotient).
    mesh : Mesh, Quotient or float, optional
        The mesh the counts were taken on (or the quotient, or its mean edge length ``h``):
        the fit then says whether every fitted threshold is in the range the mesh resolves,
        ``lam h^2 <= 0.5`` (:mod:`weylgain.resolution`), and warns when one is not.

    Returns
    -------
    WeylFit
        With ``dimension`` and ``volume`` and their standard errors (and, with ``mesh``,
        ``max_lam_h2`` and ``resolved``).

    Raises
    ------
    FitError
        Too few usable points, lams and counts of different lengths, non-finite values.
    ParameterError
        ``mesh`` is neither a Mesh, a Quotient, a positive mean edge length nor None.

    Warns
    -----
    ResolutionWarning
        With ``mesh``, when the largest fitted threshold has ``lam h^2 > 0.5``: beyond it
        the counts of the discrete problem fall away from the manifold's, and the fit with
        them.
    """
    from .resolution import mean_edge_length

    h = mean_edge_length(mesh)
    arrays = []
    for name, values in (("lams", lams), ("counts", counts)):
        if isinstance(values, (str, bytes)) or np.iscomplexobj(values):
            raise FitError(f"{name} must be real numbers; got {str(values)[:60]!r}")
        try:
            arrays.append(np.asarray(values, dtype=np.float64).ravel())
        except (TypeError, ValueError) as exc:
            raise FitError(f"{name} must be a 1-d sequence of real numbers ({exc})") from None
    lam, N = arrays
    if lam.shape != N.shape:
        raise FitError(f"lams and counts differ in length ({lam.size} and {N.size})")
    if not (np.isfinite(lam).all() and np.isfinite(N).all()):
        raise FitError("lams and counts must be finite")
    keep = (lam > 0) & (N > 0)
    lam, N = lam[keep], N[keep]
    n_params = (0 if dimension is not None else 1) + 1 + (1 if boundary else 0)
    if lam.size < n_params + 1:
        raise FitError(
            f"need at least {n_params + 1} points with lam > 0 and N > 0 to fit "
            f"{n_params} parameters; got {lam.size}"
        )
    if np.unique(lam).size < n_params + 1:
        raise FitError("need distinct lam values")
    if dimension is not None:
        try:
            d = float(dimension) if not isinstance(dimension, (str, bytes, bool)) else math.nan
        except (TypeError, ValueError):
            d = math.nan
        if not (d > 0 and math.isfinite(d) and d <= 1000):
            raise FitError(f"dimension must be a positive finite number (at most 1000); got "
                           f"{dimension!r}")
        cols = [lam ** (d / 2)]
        if boundary:
            cols.append(lam ** ((d - 1) / 2))
        A = np.stack(cols, axis=1) / N[:, None]
        coef, cov, resid = _lstsq_cov(A, np.ones_like(N))
        C = coef[0]
        B = coef[1] if boundary else 0.0
        vC = cov[0, 0]
        vB = cov[1, 1] if boundary else 0.0
        d_err = 0.0
        vol = C / weyl_constant(d, 1.0)
        vol_err = math.sqrt(max(vC, 0.0)) / weyl_constant(d, 1.0)
    else:
        x = np.log(lam)
        y = np.log(N)
        if not boundary:
            A = np.stack([np.ones_like(x), x / 2], axis=1)
            coef, cov, resid = _lstsq_cov(A, y)
            logC, d = coef
            C = math.exp(logC)
            B, vB = 0.0, 0.0
            d_err = math.sqrt(max(cov[1, 1], 0.0))
            # vol = C / f(d): d log vol = d logC - (f'/f) dd
            g = _dlog_weyl_factor(d)
            var = cov[0, 0] + g**2 * cov[1, 1] - 2 * g * cov[0, 1]
            vol = C / weyl_constant(d, 1.0)
            vol_err = vol * math.sqrt(max(var, 0.0))
            resid = (N - C * lam ** (d / 2)) / N
        else:
            from scipy.optimize import curve_fit

            def model(lv, C, B, d):
                return C * lv ** (d / 2) + B * lv ** ((d - 1) / 2)

            slope = np.polyfit(np.log(lam), np.log(N), 1)[0]
            p0 = [N[-1] / lam[-1] ** slope, 0.0, 2 * slope]
            try:
                popt, pcov = curve_fit(model, lam, N, p0=p0, sigma=N, maxfev=20000)
            except (RuntimeError, ValueError) as exc:
                raise FitError(f"the two-term fit did not converge: {exc}") from exc
            C, B, d = (float(v) for v in popt)
            d_err = math.sqrt(max(pcov[2, 2], 0.0))
            vB = pcov[1, 1]
            g = _dlog_weyl_factor(d)
            # log vol = log C - log f(d)
            var = pcov[0, 0] / C**2 + g**2 * pcov[2, 2] - 2 * g * pcov[0, 2] / C
            vol = C / weyl_constant(d, 1.0)
            vol_err = abs(vol) * math.sqrt(max(var, 0.0))
            resid = (N - model(lam, *popt)) / N
    bc = _boundary_coefficient(d) if boundary else 1.0
    bvol = B / bc if boundary else 0.0
    bvol_err = math.sqrt(max(vB, 0.0)) / bc if boundary else 0.0
    if dimension is not None:
        resid = (N - (C * lam ** (d / 2) + B * lam ** ((d - 1) / 2))) / N
    resolution: dict[str, Any] = {}
    if h is not None:
        from .resolution import _resolution, warn_unresolved

        top = _resolution(h, float(lam.max()))
        resolution = dict(mean_edge=top.mean_edge, max_lam_h2=top.lam_h2,
                          lam_max_resolved=top.lam_max_resolved, resolved=top.resolved)
        if not top.resolved:
            warn_unresolved(h, lam[lam * h * h > top.limit].tolist(), "fit",
                            stacklevel=2)
    return WeylFit(
        dimension=float(d), dimension_err=float(d_err), volume=float(vol),
        volume_err=float(vol_err), boundary_volume=float(bvol),
        boundary_volume_err=float(bvol_err), constant=float(C),
        rms_relative_residual=float(np.sqrt(np.mean(np.asarray(resid) ** 2))),
        n_points=int(lam.size), boundary=bool(boundary), **resolution,
    )


def _lstsq_cov(A: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    coef, *_ = np.linalg.lstsq(A, y, rcond=None)
    resid = y - A @ coef
    dof = max(A.shape[0] - A.shape[1], 1)
    s2 = float(resid @ resid) / dof
    cov = s2 * np.linalg.pinv(A.T @ A)
    return coef, cov, resid


def _dlog_weyl_factor(d: float, h: float = 1e-6) -> float:
    """d/dd log(omega_d / (2 pi)^d)."""
    return (math.log(weyl_constant(d + h, 1.0)) - math.log(weyl_constant(d - h, 1.0))) / (2 * h)


# the public home of these names is weylgain.spectrum (its API page, the pickled path of a
# WeylFit, and the bad-input catalogue's exemptions are read there)
for _obj in (weyl_fit, weyl_count, weyl_constant, unit_ball_volume, WeylFit):
    _obj.__module__ = "weylgain.spectrum"
del _obj
