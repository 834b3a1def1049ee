"""Predicted learning curves of kernel ridge regression from the kernel's spectrum.

Part of :mod:`weylgain.learning`. The expected excess risk of KRR with a kernel of
integral-operator eigenvalues mu_i (orthonormal eigenfunctions in L^2 of the sampling
probability), a target with coefficients v_i, noise variance sigma^2 and ridge eta (the
objective (1/n) sum (f(x_i) - y_i)^2 + eta ``||f||_K^2``, i.e. delta = n eta in
``(K + delta I)^{-1}``) is, in the spectral ("eigenlearning", omniscient-risk,
deterministic-equivalent) approximation of Bordelon, Canatar & Pehlevan (ICML 2020),
Canatar, Bordelon & Pehlevan (Nat. Commun. 2021) and Simon et al. (the eigenlearning
framework, 2021/2023):

* the effective regularization kappa solves n = sum_i mu_i / (mu_i + kappa) + delta / kappa;
* the learnabilities are L_i = mu_i / (mu_i + kappa), the overfitting factor
  E_0 = n / (n - sum_i L_i^2);
* the test error ``||f - f_hat||^2 + sigma^2`` is E_0 (sum_i (1 - L_i)^2 v_i^2 + sigma^2), so
  the excess risk is E_0 sum_i (1 - L_i)^2 v_i^2 + sigma^2 (E_0 - 1).

Degenerate eigenvalues enter only through their multiplicity and the target's energy in the
eigenspace, so a curve costs O(#eigenspaces) per (n, eta). The invariant estimator (the
group-averaged kernel) is the same kernel restricted to the invariant functions: the same
eigenvalues with the invariant multiplicities of each eigenspace (those of
:mod:`weylgain.exact`), and the same (invariant) target.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Sequence

import numpy as np

from ..errors import CountingError, ParameterError, WeylgainError

__all__ = [
    "LearningSpectrum",
    "PredictedCurve",
    "effective_regularization",
    "predicted_risk",
    "learning_spectrum",
    "predict_learning_curve",
]

#: Largest sample size the inversions n(risk) search (beyond: "more than 1e15 samples").
_N_MAX = 1e15


def _positive_array(value: Any, what: str) -> np.ndarray:
    try:
        arr = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise ParameterError(f"{what} must be positive numbers; got {value!r}") from None
    if arr.size == 0 or not (np.isfinite(arr).all() and (arr > 0).all()):
        raise ParameterError(f"{what} must be positive finite numbers; got {value!r}")
    return arr


def _spectrum_arrays(eigenvalues: Any, multiplicities: Any) -> tuple[np.ndarray, np.ndarray]:
    """(mu, m) as float arrays, checked: mu > 0 finite, m >= 0 finite, the same length."""
    mu = np.atleast_1d(_positive_array(eigenvalues, "eigenvalues"))
    try:
        m = np.atleast_1d(np.asarray(multiplicities, dtype=np.float64))
    except (TypeError, ValueError):
        m = np.array([math.nan])
    if m.shape != mu.shape or mu.ndim != 1 or not (np.isfinite(m).all() and (m >= 0).all()):
        raise ParameterError(f"multiplicities must be {mu.size} finite numbers >= 0 (one per "
                             f"eigenvalue); got {multiplicities!r}")
    return mu, m


def _broadcast_n_ridge(n: Any, ridge: Any) -> tuple[np.ndarray, np.ndarray]:
    n_arr = _positive_array(n, "n (sample sizes)")
    r_arr = _positive_array(ridge, "ridge")
    try:
        return np.broadcast_arrays(n_arr, r_arr)
    except ValueError:
        raise ParameterError(f"n and ridge must broadcast together; got shapes {n_arr.shape} "
                             f"and {r_arr.shape}") from None


def effective_regularization(eigenvalues: np.ndarray, multiplicities: np.ndarray,
                             n: Any, ridge: Any) -> np.ndarray:
    """kappa solving n = sum_j m_j mu_j / (mu_j + kappa) + n eta / kappa.

    Parameters
    ----------
    eigenvalues : ndarray (J,)
        mu_j > 0, the kernel operator's distinct eigenvalues (w.r.t. the sampling probability).
    multiplicities : ndarray (J,)
        m_j >= 0.
    n, ridge : float or ndarray (broadcast together)
        Sample size(s) and ridge(s) eta > 0.

    Returns
    -------
    ndarray
        kappa, of the broadcast shape of ``n`` and ``ridge``.
    """
    mu, m = _spectrum_arrays(eigenvalues, multiplicities)
    n, ridge = _broadcast_n_ridge(n, ridge)
    shape = n.shape
    n, delta = n.ravel(), (n * ridge).ravel()
    keep = m > 0
    mu, m = mu[keep], m[keep]
    # the root lies in [delta / n, (sum m mu + delta) / n] (the left side decreases in kappa)
    lo = np.log(delta / n)
    hi = np.log((float(np.sum(m * mu)) + delta) / n)

    # safeguarded Newton on log(left side / n) against log kappa (nearly linear: slopes in
    # [-1, 0]): a Newton step where it stays inside the bracket the signs keep, a bisection
    # where it does not (quadratic near the root, never lost)
    logk = 0.5 * (lo + hi)
    for _ in range(100):
        k = np.exp(logk)[:, None]
        share = m * mu / (mu + k)
        left = share.sum(axis=1) + delta / k[:, 0]
        f = np.log(left / n)
        slope = (-(share * k / (mu + k)).sum(axis=1) - delta / k[:, 0]) / left
        pos = f > 0  # the left side still above n: the root is at a larger kappa
        lo = np.where(pos, logk, lo)
        hi = np.where(pos, hi, logk)
        step = logk - f / np.where(slope < 0, slope, -1.0)
        new = np.where((step >= lo) & (step <= hi), step, 0.5 * (lo + hi))
        moved = float(np.max(np.abs(new - logk)))
        logk = new
        if moved < 1e-12:
            break
    return np.exp(logk).reshape(shape)


def predicted_risk(eigenvalues: np.ndarray, multiplicities: np.ndarray,
                   target_energy: np.ndarray, noise: float, n: Any, ridge: Any) -> np.ndarray:
    """Expected excess risk ``E ||f_hat - f||^2`` of KRR in the eigenlearning approximation.

    Parameters
    ----------
    eigenvalues, multiplicities : ndarray (J,)
        See :func:`effective_regularization`.
    target_energy : ndarray (J,)
        ``sum_i v_i^2`` over each eigenspace: the target's squared L^2(probability) norm in it.
    noise : float
        sigma (standard deviation of the label noise).
    n, ridge : float or ndarray (broadcast together)

    Returns
    -------
    ndarray
        E_0 sum_j (1 - L_j)^2 e_j + sigma^2 (E_0 - 1), of the broadcast shape.
    """
    mu, m = _spectrum_arrays(eigenvalues, multiplicities)
    try:
        e = np.asarray(target_energy, dtype=np.float64)
    except (TypeError, ValueError):
        e = np.array([math.nan])
    if e.shape != mu.shape or not (np.isfinite(e).all() and (e >= 0).all()):
        raise ParameterError(f"target_energy must be {mu.size} finite numbers >= 0 (one per "
                             f"eigenvalue); got {target_energy!r}")
    try:
        sigma = float(noise)
    except (TypeError, ValueError):
        sigma = math.nan
    if not (math.isfinite(sigma) and sigma >= 0) or isinstance(noise, bool):
        raise ParameterError(f"noise must be a finite number >= 0 (the label noise's standard "
                             f"deviation); got {noise!r}")
    n_arr, r_arr = _broadcast_n_ridge(n, ridge)
    kappa = effective_regularization(mu, m, n_arr, r_arr).ravel()
    L = mu / (mu + kappa[:, None])
    e0 = n_arr.ravel() / (n_arr.ravel() - (m * L ** 2).sum(axis=1))
    bias = ((1.0 - L) ** 2 * e).sum(axis=1)
    return (e0 * bias + noise ** 2 * (e0 - 1.0)).reshape(n_arr.shape)


@dataclass(frozen=True)
class LearningSpectrum:
    """What the predicted learning curves need: eigenspaces, multiplicities, target, noise.

    Attributes
    ----------
    eigenvalues : ndarray (J,)
        mu_j: the kernel operator's eigenvalues with respect to the uniform probability
        (a spectral Sobolev kernel: (1 + lam_j)^{-s} / vol(M)).
    laplace_eigenvalues : ndarray (J,)
        lam_j, the Laplace eigenvalue of each eigenspace.
    multiplicities, invariant_multiplicities : ndarray (J,) int64
        dim of each eigenspace and of its G-invariant part.
    target_energy : ndarray (J,)
        The target's squared L^2(probability) norm in each eigenspace (an invariant target:
        only invariant modes carry it).
    noise : float
    dimension, quotient_dimension : int
        d = dim M and d_G = dim M/G.
    group_order : float
        ``|G|`` (``math.inf`` for a positive-dimensional group).
    smoothness : float
        s of the kernel.
    target_smoothness : float
        The target's smoothness (critical targets: equal to s).
    domain, group : str
    source : str
        Where the invariant multiplicities come from ("exact" or "generators").
    """

    eigenvalues: np.ndarray
    laplace_eigenvalues: np.ndarray
    multiplicities: np.ndarray
    invariant_multiplicities: np.ndarray
    target_energy: np.ndarray
    noise: float
    dimension: int
    quotient_dimension: int
    group_order: float
    smoothness: float
    target_smoothness: float
    domain: str = ""
    group: str = ""
    source: str = "exact"
    _cache: dict = field(default_factory=dict, repr=False, compare=False)

    def _mult(self, invariant: bool) -> np.ndarray:
        return self.invariant_multiplicities if invariant else self.multiplicities

    def risk(self, n: Any, ridge: Any = None, invariant: bool = False) -> np.ndarray:
        """Predicted excess risk at n (the theory ridge when ``ridge`` is None)."""
        n = _positive_array(n, "n")
        if ridge is None:
            return self.optimum(n, invariant)[0]
        ridge = _positive_array(ridge, "ridge")
        return predicted_risk(self.eigenvalues, self._mult(invariant), self.target_energy,
                              self.noise, n, ridge)

    def theory_ridge(self, n: Any, invariant: bool = False) -> np.ndarray:
        """The ridge eta minimizing the predicted excess risk at each n."""
        return self.optimum(_positive_array(n, "n"), invariant)[1]

    def optimum(self, n: np.ndarray, invariant: bool = False) -> tuple[np.ndarray, np.ndarray]:
        """(minimal predicted risk, its ridge) at each n: a log grid, then golden sections."""
        n = np.atleast_1d(np.asarray(n, dtype=np.float64))
        mu_top = float(self.eigenvalues.max())
        grid = mu_top * np.logspace(-16, 1, 35)
        risks = self.risk(n[:, None], np.broadcast_to(grid, (len(n), len(grid))), invariant)
        best = np.argmin(risks, axis=1)
        step = math.log(grid[1] / grid[0])
        lo = np.log(grid[best]) - step
        hi = np.log(grid[best]) + step
        golden = (math.sqrt(5) - 1) / 2
        a = hi - golden * (hi - lo)
        b = lo + golden * (hi - lo)
        ra = self.risk(n, np.exp(a), invariant)
        rb = self.risk(n, np.exp(b), invariant)
        for _ in range(30):  # golden sections, one new risk a step (the other point is kept)
            left = ra < rb
            hi = np.where(left, b, hi)
            lo = np.where(left, lo, a)
            x = np.where(left, hi - golden * (hi - lo), lo + golden * (hi - lo))
            rx = self.risk(n, np.exp(x), invariant)
            a, b, ra, rb = (np.where(left, x, b), np.where(left, a, x),
                            np.where(left, rx, rb), np.where(left, ra, rx))
        eta = np.exp(0.5 * (lo + hi))
        return self.risk(n, eta, invariant), eta

    def samples_for_risk(self, risk: Any, invariant: bool = False) -> np.ndarray:
        """The n at which the predicted risk (theory ridge) falls to ``risk``.

        A continuous n: the optimal risk (decreasing in n) on a log grid brackets it, regula
        falsi in (log n, log risk) finds it;
        ``inf`` when even 1e15 samples do not reach it, 1 when one sample does.
        """
        eps = np.atleast_1d(_positive_array(risk, "risk"))
        # the optimal risk on a log grid of n brackets each root (it decreases with n) ...
        grid = np.linspace(0.0, math.log(_N_MAX), 49)
        curve = np.log(self.risk(np.exp(grid), invariant=invariant))
        top, first = math.exp(curve[-1]), math.exp(curve[0])
        target = np.log(eps)
        k = np.clip(np.searchsorted(-curve, -target), 1, len(grid) - 1)
        lo, hi = grid[k - 1], grid[k]
        f_lo, f_hi = curve[k - 1] - target, curve[k] - target
        best = np.where(np.abs(f_lo) < np.abs(f_hi), lo, hi)
        best_f = np.minimum(np.abs(f_lo), np.abs(f_hi))
        # ... then regula falsi (Illinois) in (log n, log risk), nearly linear on a bracket
        for _ in range(24):
            mid = np.where(f_lo != f_hi, (lo * f_hi - hi * f_lo) / np.where(
                f_lo != f_hi, f_hi - f_lo, 1.0), 0.5 * (lo + hi))
            mid = np.clip(mid, np.minimum(lo, hi), np.maximum(lo, hi))
            f_mid = np.log(self.risk(np.exp(mid), invariant=invariant)) - target
            closer = np.abs(f_mid) < best_f
            best, best_f = np.where(closer, mid, best), np.where(closer, np.abs(f_mid), best_f)
            above = f_mid > 0  # still above the risk sought: the root is to the right
            # Illinois: halve the value of the end point that stays, so the bracket shrinks
            f_hi = np.where(above, 0.5 * f_hi, f_mid)
            hi = np.where(above, hi, mid)
            f_lo = np.where(above, f_mid, 0.5 * f_lo)
            lo = np.where(above, mid, lo)
            if np.all(best_f < 1e-11):
                break
        out = np.exp(best)
        out[eps < top] = math.inf
        out[eps >= first] = 1.0
        return out

    def saving_at_n(self, n: Any) -> np.ndarray:
        """n_plain(risk of the invariant estimator at n) / n, both at the theory ridge."""
        n = np.atleast_1d(_positive_array(n, "n"))
        return self.samples_for_risk(self.risk(n, invariant=True)) / n

    def saving_at_risk(self, risk: Any) -> np.ndarray:
        """n_plain(risk) / n_invariant(risk), both at the theory ridge."""
        return self.samples_for_risk(risk) / self.samples_for_risk(risk, invariant=True)

    @property
    def asymptotic_saving(self) -> float:
        """``|G|`` for a finite group (the ratio of quotient volumes), inf otherwise."""
        return float(self.group_order)

    @property
    def asymptotic_exponents(self) -> dict[str, float]:
        """Minimax exponents 2r/(2r + d) (plain) and 2r/(2r + d_G) (invariant), r the target's
        smoothness (capped at s)."""
        r = min(self.target_smoothness, self.smoothness)
        return {"plain": 2 * r / (2 * r + self.dimension),
                "invariant": 2 * r / (2 * r + self.quotient_dimension)}

    def curve(self, n_values: Sequence[float]) -> "PredictedCurve":
        """The predicted curves (theory ridge) at these sample sizes."""
        n = np.atleast_1d(_positive_array(n_values, "n_values"))
        rp, ep = self.optimum(n, False)
        ri, ei = self.optimum(n, True)
        saving = self.samples_for_risk(ri) / n
        return PredictedCurve(self, n, rp, ri, ep, ei, saving)

    def to_dict(self) -> dict[str, Any]:
        return {"domain": self.domain, "group": self.group, "noise": float(self.noise),
                "dimension": int(self.dimension),
                "quotient_dimension": int(self.quotient_dimension),
                "group_order": None if math.isinf(self.group_order) else float(self.group_order),
                "smoothness": float(self.smoothness),
                "target_smoothness": float(self.target_smoothness),
                "n_eigenspaces": int(len(self.eigenvalues)),
                "n_modes": int(self.multiplicities.sum()),
                "n_invariant_modes": int(self.invariant_multiplicities.sum()),
                "max_eigenvalue": float(self.laplace_eigenvalues.max()),
                "invariant_multiplicities_from": self.source}


def _slope(n: np.ndarray, risk: np.ndarray) -> float:
    """-d log risk / d log n by least squares over the points."""
    ok = np.isfinite(risk) & (risk > 0)
    if ok.sum() < 2:
        return math.nan
    return float(-np.polyfit(np.log(n[ok]), np.log(risk[ok]), 1)[0])


@dataclass(frozen=True)
class PredictedCurve:
    """Predicted excess risks (theory ridge) of the plain and invariant estimators.

    Attributes
    ----------
    spectrum : LearningSpectrum
    n_values : ndarray (k,)
    risk_plain, risk_invariant : ndarray (k,)
    ridge_plain, ridge_invariant : ndarray (k,)
        The theory ridges (eta minimizing each predicted risk).
    saving : ndarray (k,)
        n_plain(risk_invariant(n)) / n: samples the plain estimator needs for the invariant
        one's risk, per invariant sample.
    """

    spectrum: LearningSpectrum
    n_values: np.ndarray
    risk_plain: np.ndarray
    risk_invariant: np.ndarray
    ridge_plain: np.ndarray
    ridge_invariant: np.ndarray
    saving: np.ndarray

    @property
    def exponents(self) -> dict[str, float]:
        """Least-squares log-log slopes of the predicted curves over ``n_values`` (finite n)."""
        return {"plain": _slope(self.n_values, self.risk_plain),
                "invariant": _slope(self.n_values, self.risk_invariant)}

    def to_dict(self) -> dict[str, Any]:
        def f(a: np.ndarray) -> list:
            return [None if not math.isfinite(float(x)) else float(x) for x in a]

        asym = self.spectrum.asymptotic_saving
        return {"spectrum": self.spectrum.to_dict(), "n_values": f(self.n_values),
                "risk_plain": f(self.risk_plain), "risk_invariant": f(self.risk_invariant),
                "ridge_plain": f(self.ridge_plain), "ridge_invariant": f(self.ridge_invariant),
                "saving": f(self.saving),
                "saving_asymptotic": None if math.isinf(asym) else asym,
                "exponents": self.exponents,
                "exponents_asymptotic": self.spectrum.asymptotic_exponents}


# ------------------------------------------------------------------ building spectra
def _critical_energy(laplace: np.ndarray, inv_mult: np.ndarray, smoothness: float,
                     quotient_dim: int, norm: float = 1.0) -> np.ndarray:
    """Expected energies of :func:`random_target`'s law: per invariant mode variance
    (1 + lam)^{-(s + d_G/2)}, no constant mode, scaled to the squared norm."""
    e = inv_mult * (1.0 + laplace) ** (-(smoothness + quotient_dim / 2.0))
    e = np.where(laplace > 0, e, 0.0)
    tot = float(e.sum())
    if tot <= 0:
        raise CountingError("the target has no invariant mode with a positive eigenvalue "
                            "below the cut-off; raise the cut-off")
    return norm ** 2 * e / tot


def _exact_invariant_multiplicities(spec: str, group: Any, laplace: np.ndarray,
                                    length: float | None) -> tuple[np.ndarray, Any]:
    """Invariant multiplicities of the eigenspaces at ``laplace`` from weylgain.exact."""
    from ..exact import exact_counts

    kw = {} if length is None else {"length": float(length)}
    counts = exact_counts(spec, group, float(laplace.max()) * (1 + 1e-12), **kw)
    eig = np.asarray(counts.eigenvalues, dtype=np.float64)
    mult = np.asarray(counts.multiplicities, dtype=np.int64)
    out = np.zeros(len(laplace), dtype=np.int64)
    for j, lam in enumerate(laplace):
        hit = np.flatnonzero(np.abs(eig - lam) <= 1e-9 * max(1.0, lam))
        if len(hit) != 1:
            raise CountingError(f"the exact spectrum of {spec} has no eigenvalue {lam:g}")
        out[j] = mult[hit[0]]
    return out, counts


def learning_spectrum(kernel: Any, group: Any, target: Any = None, noise: float = 0.3,
                      invariant_multiplicities: str = "exact") -> LearningSpectrum:
    """The :class:`LearningSpectrum` of a spectral kernel, a group and a target.

    Parameters
    ----------
    kernel : SpectralKernel
    group : group or spec
    target : SpectralTarget, optional
        Its energies per eigenspace; default: the expected energies of
        :func:`random_target` (critical smoothness, unit norm).
    noise : float
    invariant_multiplicities : {"exact", "generators"}
        "exact": :func:`weylgain.exact.exact_counts` (falls back to the generators, with
        ``source`` saying so, where exact has no count); "generators": the dimension of the
        invariant subspace of each eigenspace from the generators' matrices.

    Returns
    -------
    LearningSpectrum
    """
    from .kernels import SpectralKernel
    from .targets import (SpectralTarget, _action, _check_noise, invariant_dimensions,
                          quotient_dimension)

    if not isinstance(kernel, SpectralKernel):
        raise ParameterError(f"learning_spectrum needs a kernel (SphereKernel, TorusKernel, "
                             f"ProductSphereKernel); got {type(kernel).__name__}")
    if invariant_multiplicities not in ("exact", "generators"):
        raise ParameterError("invariant_multiplicities must be 'exact' or 'generators'; got "
                             f"{invariant_multiplicities!r}")
    _check_noise(noise)
    act = _action(group, kernel)
    dom = kernel.domain
    laplace = np.asarray(kernel.eigenvalues, dtype=np.float64)
    source = "generators"
    inv = None
    if invariant_multiplicities == "exact":
        spec = getattr(dom, "spec", None) or dom.name
        length = getattr(dom, "period", None)
        try:
            inv, _ = _exact_invariant_multiplicities(
                spec, act.group if act.group is not None else act.name, laplace,
                None if length is None or not np.isscalar(length) else float(length))
            source = "exact"
        except WeylgainError:
            inv = None
    if inv is None:
        inv = invariant_dimensions(kernel, act)
    dg = quotient_dimension(kernel, act)
    vol = float(dom.volume)
    if isinstance(target, SpectralTarget):
        energy = np.array([float(np.sum(np.abs(c) ** 2)) for c in target.coefficients]) / vol
        ts = float(target.smoothness)
    elif target is None:
        energy = _critical_energy(laplace, inv, kernel.smoothness, dg)
        ts = float(kernel.smoothness)
    else:
        raise ParameterError("target must be a SpectralTarget (from random_target) or None")
    return LearningSpectrum(
        eigenvalues=kernel.weights / vol, laplace_eigenvalues=laplace,
        multiplicities=np.asarray(kernel.multiplicities, dtype=np.int64),
        invariant_multiplicities=np.asarray(inv, dtype=np.int64), target_energy=energy,
        noise=float(noise), dimension=int(dom.dim), quotient_dimension=int(dg),
        group_order=float(act.order), smoothness=float(kernel.smoothness),
        target_smoothness=ts, domain=str(dom.name), group=str(act.name), source=source)


def predict_learning_curve(manifold: str, group: Any, n_values: Sequence[float] = (
        100, 1000, 10_000, 100_000), *, smoothness: float | None = None, noise: float = 0.3,
        max_eigenvalue: float | None = None) -> PredictedCurve:
    """Predicted learning curves of a spectral Sobolev kernel on M, plain and G-invariant.

    The kernel is K = sum_lam (1 + lam)^{-s} Z_lam on M (every eigenspace up to
    ``max_eigenvalue``), the target is random at the critical smoothness (the law of
    :func:`random_target`, unit norm, expected energies per eigenspace), and the invariant
    multiplicities are :func:`weylgain.exact.exact_counts`'. Every pair ``exact`` counts
    works: spheres, tori, products and configurations, finite and Lie groups.

    Parameters
    ----------
    manifold : str
        A spec of weylgain.exact ("S2", "T3^2", "S2^3", ...).
    group : str or group
    n_values : sequence of float
    smoothness : float, optional
        s; default d/2 + 1 (the RKHS is a Sobolev space, s > d/2).
    noise : float
    max_eigenvalue : float, optional
        The spectrum's cut-off; default: large enough that the modes left out are far below
        the effective regularization at the largest n (raised until they are).

    Returns
    -------
    PredictedCurve
    """
    from ..exact import exact_counts
    from ..manifolds import parse_manifold, to_float
    from .targets import _check_noise

    _check_noise(noise)
    n = np.atleast_1d(_positive_array(n_values, "n_values"))
    if not isinstance(manifold, str):
        raise ParameterError(f"manifold must be a spec string (e.g. 'S2', 'T3^2'); got "
                             f"{type(manifold).__name__}")
    geometry = parse_manifold(manifold)
    d = int(geometry.dim)
    s = d / 2.0 + 1.0 if smoothness is None else float(_positive_array(smoothness,
                                                                      "smoothness"))
    vol = float(to_float(geometry.volume))
    lam = 64.0 if max_eigenvalue is None else float(_positive_array(max_eigenvalue,
                                                                    "max_eigenvalue"))
    for _ in range(8):
        counts = exact_counts(manifold, group, lam)
        eig = np.asarray(counts.eigenvalues, dtype=np.float64)
        full = np.asarray(counts.full_multiplicities, dtype=np.int64)
        inv = np.asarray(counts.multiplicities, dtype=np.int64)
        order = math.inf if counts.group_order is None else float(counts.group_order)
        dg = int(counts.quotient_dimension)
        spectrum = LearningSpectrum(
            eigenvalues=(1.0 + eig) ** (-s) / vol, laplace_eigenvalues=eig,
            multiplicities=full, invariant_multiplicities=inv,
            target_energy=_critical_energy(eig, inv, s, dg), noise=float(noise),
            dimension=d, quotient_dimension=dg, group_order=order, smoothness=s,
            target_smoothness=s, domain=str(manifold), group=str(counts.group_name))
        if max_eigenvalue is not None:
            break
        # complete enough when the last eigenspace is learned to < 1e-3 at the largest n
        _, eta = spectrum.optimum(np.array([n.max()]))
        kappa = effective_regularization(spectrum.eigenvalues, full, n.max(), eta)[0]
        if spectrum.eigenvalues[-1] < 1e-3 * kappa:
            break
        lam *= 2.0
    return spectrum.curve(n)
