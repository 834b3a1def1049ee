"""Learning curves: excess risk against n for several estimators over seeds, the fitted
rates, and the sample ratio at equal risk (the measured gain of symmetry).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Callable, Sequence

import numpy as np

from .._progress import progress
from ..errors import ParameterError, WeylgainError
from .fit import (FittedModel, _check_ridge, _design, _EigenSolver, _ridge_grid,
                  _specavg_cutoff, fit_krr, rate_ridge)
from .invariance import GroupAction
from .kernels import SpectralKernel
from .targets import (INVARIANCE_METHODS, SpectralTarget, _action, _check_noise,
                      _invariant_basis, _sequence, _whole, invariant_dimensions,
                      quotient_dimension, sample)


@dataclass(frozen=True)
class LearningCurve:
    """Excess risk against n for several estimators, with fitted rates and the sample ratio.

    Attributes
    ----------
    domain, group : str
    methods : tuple of str
    n_values : ndarray (k,)
    risks : ndarray (methods, seeds, k)
        Excess risk ``||f_hat - f*||^2`` in L^2(uniform probability), Monte Carlo on a test set.
    ridges : ndarray (methods, seeds, k)
        The chosen eta (NaN for Spec-Avg).
    exponents, exponent_errors : ndarray (methods,)
        Fitted decay rate r in risk ~ n^{-r} (mean over seeds and its standard error).
    predicted_exponents : dict
        s/(s + d/2) for plain estimators and s/(s + d_G/2) for invariant ones.
    sample_ratios : dict method -> ndarray (k,)
        n_plain(risk of method at n) / n: samples the plain estimator needs for equal risk
        (log-log interpolation; NaN where the plain curve does not reach).
    gain, gain_error : dict method -> float
        Geometric mean of the finite sample ratios, and its standard error across seeds.
    fitted_gain : dict method -> float
        exp((c_plain - c_method) / r) from a log-log fit log R = c - r log n with one common
        slope r for both curves (all seeds, all n): the ratio of samples at equal risk when
        the exponents agree (finite groups); less noisy than interpolation.
    predicted_gain : dict
        "order" ``|G|`` (finite groups), "spectral": ratio of the kernels' degrees of freedom
        at the median chosen ridge with exact invariant multiplicities (includes the
        boundary term), and "quotient": d_G, vol(M/G) and the effective group order of the
        orbit space (:func:`weylgain.geometry.quotient_geometry`) when they can be derived.
    settings : dict
    theory : dict
        The measured savings and exponents against the predicted ones (filled by
        :func:`weylgain.learning.experiment`): ``saving_measured`` (with its interval),
        ``saving_predicted`` (finite n), ``saving_asymptotic``, ``exponent_measured``,
        ``exponent_predicted``, ``exponent_asymptotic``, per method (see
        ``weylgain.learning.scale.ScaledCurves.summary``).
    """

    domain: str
    group: str
    methods: tuple
    n_values: np.ndarray
    risks: np.ndarray
    ridges: np.ndarray
    exponents: np.ndarray
    exponent_errors: np.ndarray
    predicted_exponents: dict
    sample_ratios: dict
    gain: dict
    gain_error: dict
    fitted_gain: dict
    predicted_gain: dict
    settings: dict
    theory: dict = field(default_factory=dict)

    def mean_risk(self, method: str) -> np.ndarray:
        """Geometric mean over seeds of the risk of ``method``, shape (k,)."""
        i = self.methods.index(method)
        return np.exp(np.mean(np.log(self.risks[i]), axis=0))

    def to_dict(self) -> dict[str, Any]:
        def clean(v: Any) -> Any:
            if isinstance(v, dict):
                return {str(k): clean(x) for k, x in v.items()}
            if isinstance(v, (list, tuple)):
                return [clean(x) for x in v]
            if isinstance(v, np.ndarray):
                return clean(v.tolist())
            if isinstance(v, (np.floating, float)):
                return None if not math.isfinite(float(v)) else float(v)
            if isinstance(v, np.integer):
                return int(v)
            return v

        return clean({
            **self.theory,
            "domain": self.domain,
            "group": self.group,
            "methods": list(self.methods),
            "n_values": self.n_values,
            "mean_risk": {m: self.mean_risk(m) for m in self.methods},
            "risks": self.risks,
            "ridges": self.ridges,
            "exponents": dict(zip(self.methods, self.exponents)),
            "exponent_errors": dict(zip(self.methods, self.exponent_errors)),
            "predicted_exponents": self.predicted_exponents,
            "sample_ratios": self.sample_ratios,
            "gain": self.gain,
            "gain_error": self.gain_error,
            "fitted_gain": self.fitted_gain,
            "predicted_gain": self.predicted_gain,
            "settings": self.settings,
        })


def _fit_exponent(n_values: np.ndarray, risks: np.ndarray) -> tuple[float, float]:
    """Decay exponent from log-log least squares per seed: mean and standard error."""
    x = np.log(n_values)
    slopes = [-np.polyfit(x, np.log(r), 1)[0] for r in risks]
    err = float(np.std(slopes, ddof=1) / math.sqrt(len(slopes))) if len(slopes) > 1 else math.nan
    return float(np.mean(slopes)), err


def _common_slope_gain(n_values: np.ndarray, plain: np.ndarray, other: np.ndarray) -> float:
    """Fit log R = c_method - r log n (one slope, two intercepts) to every seed's points of
    both curves; return exp((c_plain - c_other) / r), the sample ratio at equal risk."""
    ln = np.log(n_values)
    rows, rhs = [], []
    for which, curves in ((0, plain), (1, other)):
        for curve in curves:
            for x, r in zip(ln, curve):
                rows.append([1.0 - which, float(which), -x])
                rhs.append(math.log(r))
    (c0, c1, r), *_ = np.linalg.lstsq(np.array(rows), np.array(rhs), rcond=None)
    return float(math.exp((c0 - c1) / r)) if r > 0 else math.nan


def _equal_risk_ratio(n_values: np.ndarray, plain: np.ndarray, other: np.ndarray) -> np.ndarray:
    """n_plain(risk_other(n)) / n by interpolating log n against log risk of the plain curve
    (made monotone by a running minimum); NaN outside the plain curve's range."""
    lr = np.log(np.minimum.accumulate(plain))
    ln = np.log(n_values)
    # np.interp needs increasing abscissae: reverse the decreasing log-risk curve. Where the
    # running minimum is flat, keep the smallest n reaching that risk (the last of the tie
    # in reversed order), not the largest, which would inflate the ratio.
    xs, ys = lr[::-1], ln[::-1]
    keep = np.concatenate([np.diff(xs) > 0, [True]])
    xs, ys = xs[keep], ys[keep]
    target = np.log(other)
    out = np.exp(np.interp(target, xs, ys)) / n_values
    out[(target < xs[0]) | (target > xs[-1])] = np.nan
    return out


def _quotient_prediction(domain: Any, action: GroupAction) -> Any:
    """d_G, vol(M/G) and the effective group order of the domain's orbit space
    (weylgain.geometry, the layer below learning) as a dict, or None when the geometry cannot
    be derived for this pair."""
    from ..geometry import quotient_geometry

    group = action.group if action.group is not None else action.name
    for g in (group, action.name):
        try:
            return quotient_geometry(domain.name, g).to_dict()
        except WeylgainError:  # no closed form for this pair: the curve stands without it
            continue
    return None


def _degrees_of_freedom(mu: np.ndarray, mult: np.ndarray, eta: float) -> float:
    return float(np.sum(mult * mu / (mu + eta)))


def learning_curve(kernel: SpectralKernel, target: Callable[[np.ndarray], np.ndarray],
                   group: Any, *, methods: Sequence[str] = ("none", "average"),
                   n_values: Sequence[int] = (32, 64, 128, 256, 512), seeds: int = 4,
                   noise: float = 0.5, ridge: float | str = "loocv", n_test: int = 2000,
                   seed: int = 0, n_augment: int | None = None,
                   show_progress: bool = True) -> LearningCurve:
    """Excess risk against n for several ways of imposing invariance, over several seeds.

    Parameters
    ----------
    kernel : SpectralKernel
    target : callable (n, D) -> (n,)
        The (G-invariant) regression function, e.g. from :func:`random_target`.
    group : group or spec
    methods : sequence of str
        Estimators (see :func:`fit_krr`); "none" (plain) is the reference of the ratios.
    n_values : sequence of int
        Sample sizes (ascending).
    seeds : int
        Independent repetitions (data and noise); reproducible from ``seed``.
    noise : float
        sigma.
    ridge : float, "loocv", "rate" or "oracle"
        "oracle" picks eta on the test set (the best achievable risk along the grid).
    n_test : int
        Monte Carlo test points (shared by all methods and n).
    seed : int
    n_augment : int, optional
        Passed to "augment".
    show_progress : bool

    Returns
    -------
    LearningCurve
    """
    methods, n_values = _check_curve_args(kernel, target, methods, n_values, seeds, noise,
                                          ridge, n_test, seed, n_augment)
    act = _action(group, kernel)
    dom = kernel.domain
    root = np.random.SeedSequence(seed)
    test_ss, *seed_ss = root.spawn(1 + seeds)
    grid = _ridge_grid(kernel, None)
    risks = np.full((len(methods), seeds, len(n_values)), np.nan)
    ridges = np.full_like(risks, np.nan)
    data_ss = [ss.spawn(len(n_values)) for ss in seed_ss]
    jobs = [(s, k) for s in range(seeds) for k in range(len(n_values))]
    # A spectral target with the estimators that live in the kernel's feature space: exact
    # risks from the coefficients, no Monte Carlo test set.
    fast = (isinstance(target, SpectralTarget) and target.kernel is kernel
            and set(methods) <= {"none", "average", "specavg"})
    primal, test_set = None, None
    if fast:
        primal = _PrimalProblem(kernel, act, target)
    else:
        Xt = dom.sample(n_test, np.random.default_rng(test_ss))
        test_set = (Xt, np.asarray(target(Xt), dtype=np.float64))
    for s, k in progress(jobs, label="learning curve", enabled=show_progress):
        rng = np.random.default_rng(data_ss[s][k])
        risks[:, s, k], ridges[:, s, k] = _run_seed(kernel, target, act, methods,
                                                    int(n_values[k]), noise, ridge, grid, rng,
                                                    primal, test_set, n_augment)
    settings = {"kernel": kernel.to_dict(), "seeds": int(seeds), "noise": float(noise),
                "ridge": ridge if isinstance(ridge, str) else float(ridge),
                "n_test": int(n_test), "seed": int(seed)}
    return _collect(kernel, target, act, methods, n_values, risks, ridges, grid, settings)


def _check_curve_args(kernel: Any, target: Any, methods: Any, n_values: Any, seeds: Any,
                      noise: Any, ridge: Any, n_test: Any, seed: Any,
                      n_augment: Any) -> tuple[tuple[str, ...], np.ndarray]:
    """Refuse bad arguments of :func:`learning_curve` before any work; return the methods as a
    tuple and the sample sizes as a sorted array."""
    if not isinstance(kernel, SpectralKernel):
        raise ParameterError(f"learning_curve needs a kernel (SphereKernel, TorusKernel or "
                             f"MeshKernel); got {type(kernel).__name__}")
    if not callable(target):
        raise ParameterError(f"target must be a function of the points (n, D) -> (n,); got "
                             f"{type(target).__name__}")
    if isinstance(methods, str):
        methods = (methods,)
    methods = tuple(_sequence(methods, "methods"))
    if not methods:
        raise ParameterError(f"methods must name at least one of {INVARIANCE_METHODS}")
    for m in methods:
        if m not in INVARIANCE_METHODS:
            raise ParameterError(f"unknown method {m!r}; expected one of {INVARIANCE_METHODS}")
    n_values = np.array(sorted(_whole(n, "each of n_values") for n in _sequence(n_values,
                                                                                "n_values")))
    if len(n_values) < 2 or n_values[0] < 2:
        raise ParameterError("n_values needs at least two sample sizes >= 2")
    if _whole(seeds, "seeds") < 1:
        raise ParameterError("seeds must be >= 1")
    if _whole(n_test, "n_test") < 1:
        raise ParameterError(f"n_test must be at least 1; got {n_test}")
    from ..resources import MemoryEstimate, check_memory

    check_memory(MemoryEstimate(f"{n_test} test points", 8.0 * 4 * n_test
                                * (kernel.domain.ambient_dim + 2)), "lower n_test")
    if _whole(seed, "seed") < 0:
        raise ParameterError(f"seed must be an integer >= 0; got {seed}")
    _check_ridge(ridge, ("loocv", "rate", "oracle"))
    _check_noise(noise)
    if ridge == "oracle" and "augment" in methods and n_augment is not None:
        raise WeylgainError("the oracle ridge supports augmentation by all elements only")
    return methods, n_values


def _run_seed(kernel: SpectralKernel, target: Callable[[np.ndarray], np.ndarray],
              act: GroupAction, methods: tuple[str, ...], n: int, noise: float, ridge: Any,
              grid: np.ndarray, rng: np.random.Generator, primal: _PrimalProblem | None,
              test_set: tuple[np.ndarray, np.ndarray] | None,
              n_augment: int | None) -> tuple[np.ndarray, np.ndarray]:
    """One seed's data set of ``n`` samples drawn from ``rng``: the excess risk and the chosen
    ridge of every method on it, two arrays of shape (len(methods),).

    ``primal`` gives exact risks (spectral targets); otherwise ``test_set`` (points, values)
    estimates them. ``rng`` is also the augmentation's source, after the sample.
    """
    risks = np.full(len(methods), np.nan)
    ridges = np.full(len(methods), np.nan)
    X, y = sample(kernel.domain, n, target, noise, rng)
    if primal is not None:
        Phi = primal.features(X)
        for i, m in enumerate(methods):
            risks[i], ridges[i] = primal.risk(Phi, y, m, ridge, grid)
        return risks, ridges
    Xt, ft = test_set
    for i, m in enumerate(methods):
        r = ridge
        if ridge == "oracle" and m != "specavg":
            model = _oracle_fit(X, y, kernel, m, act, grid, Xt, ft, n_augment)
        else:
            model = fit_krr(X, y, kernel, "loocv" if r == "oracle" else r, m,
                            None if m == "none" else act, n_augment=n_augment, seed=rng)
        risks[i] = float(np.mean((model.predict(Xt) - ft) ** 2))
        ridges[i] = np.nan if model.ridge is None else model.ridge
    return risks, ridges


def _collect(kernel: SpectralKernel, target: Any, act: GroupAction, methods: tuple[str, ...],
             n_values: np.ndarray, risks: np.ndarray, ridges: np.ndarray, grid: np.ndarray,
             settings: dict[str, Any]) -> LearningCurve:
    """The :class:`LearningCurve` of the measured risks: fitted and predicted rates, sample
    ratios and gains; ``settings`` gets the quotient dimension and the target."""
    dom = kernel.domain
    exps, errs = zip(*[_fit_exponent(n_values, risks[i]) for i in range(len(methods))])
    s_ = kernel.smoothness
    d = dom.dim
    dg = quotient_dimension(kernel, act)
    predicted_exponents = {"plain": s_ / (s_ + d / 2), "invariant": s_ / (s_ + dg / 2)}
    ratios, gain, gain_err, fitted_gain = _sample_ratios(methods, n_values, risks)
    predicted = _predicted_gain(kernel, act, ridges, grid)
    settings = dict(settings, quotient_dim=int(dg),
                    target=target.to_dict() if hasattr(target, "to_dict") else repr(target))
    return LearningCurve(dom.name, act.name, methods, n_values, risks, ridges,
                         np.array(exps), np.array(errs), predicted_exponents, ratios, gain,
                         gain_err, fitted_gain, predicted, settings)


def _sample_ratios(methods: tuple[str, ...], n_values: np.ndarray, risks: np.ndarray
                   ) -> tuple[dict, dict, dict, dict]:
    """Against the plain estimator ("none"; empty dicts without it): per method, the sample
    ratios at equal risk, their geometric mean (the gain) and its standard error across
    seeds, and the common-slope gain."""
    seeds = risks.shape[1]
    ratios: dict[str, Any] = {}
    gain: dict[str, float] = {}
    gain_err: dict[str, float] = {}
    fitted_gain: dict[str, float] = {}
    if "none" in methods:
        p = methods.index("none")
        mean = {m: np.exp(np.mean(np.log(risks[i]), axis=0)) for i, m in enumerate(methods)}
        for i, m in enumerate(methods):
            if m == "none":
                continue
            r = _equal_risk_ratio(n_values, mean["none"], mean[m])
            ratios[m] = r
            fin = r[np.isfinite(r)]
            gain[m] = float(np.exp(np.mean(np.log(fin)))) if len(fin) else math.nan
            per_seed = []
            for s in range(seeds):
                rs = _equal_risk_ratio(n_values, risks[p, s], risks[i, s])
                rs = rs[np.isfinite(rs)]
                if len(rs):
                    per_seed.append(np.mean(np.log(rs)))
            fitted_gain[m] = _common_slope_gain(n_values, risks[p], risks[i])
            gain_err[m] = (float(gain[m] * np.std(per_seed, ddof=1) / math.sqrt(len(per_seed)))
                           if len(per_seed) > 1 else math.nan)
    return ratios, gain, gain_err, fitted_gain


def _predicted_gain(kernel: SpectralKernel, act: GroupAction, ridges: np.ndarray,
                    grid: np.ndarray) -> dict[str, Any]:
    """The gains the theory predicts: the group order, the ratio of degrees of freedom at the
    median chosen ridge, and the orbit space's d_G and vol(M/G)."""
    dom = kernel.domain
    predicted: dict[str, Any] = {"order": None if math.isinf(act.order) else int(act.order)}
    inv_dims = invariant_dimensions(kernel, act)
    mu = kernel.weights / dom.volume
    eta_med = (float(np.nanmedian(ridges)) if np.isfinite(ridges).any()
               else float(grid[len(grid) // 2]))
    predicted["spectral"] = (_degrees_of_freedom(mu, kernel.multiplicities, eta_med)
                             / _degrees_of_freedom(mu, inv_dims, eta_med))
    predicted["spectral_ridge"] = eta_med
    predicted["quotient"] = _quotient_prediction(dom, act)
    return predicted


class _PrimalProblem:
    """Exact excess risks for spectral targets, solving KRR in the kernel's feature space.

    With K = Phi diag(w) Phi^H, the KRR solution is f = Phi c with
    c = W^{1/2} (Phi~^H Phi~ + n eta I)^{-1} Phi~^H y, Phi~ = Phi W^{1/2}; the group-averaged
    kernel is the same with the invariant features Phi Q (Q: orthonormal bases of the
    invariant parts of the eigenspaces, from generators). The excess risk in L^2(uniform
    probability) is ``|c - a|^2`` / vol exactly, a the target's coefficients: no Monte Carlo.
    """

    def __init__(self, kernel: SpectralKernel, act: GroupAction, target: SpectralTarget) -> None:
        self.kernel = kernel
        J = len(kernel.eigenvalues)
        # Complex Fourier modes are turned into real cos/sin features (real eigh is faster).
        self.T = [kernel.real_transform(j) if kernel.is_complex else None for j in range(J)]
        self.a = np.concatenate([c if T is None else np.real(T.conj().T @ c)
                                 for c, T in zip(target.coefficients, self.T)])
        self.w = np.repeat(kernel.weights, kernel.multiplicities)
        self.vol = kernel.domain.volume
        offs = np.concatenate([[0], np.cumsum(kernel.multiplicities)])
        self.offsets = offs
        blocks = []
        for j in range(J):
            B = _invariant_basis(kernel, act, j)
            if self.T[j] is not None:  # a real orthonormal basis of the same subspace
                P = np.real(self.T[j].conj().T @ B @ B.conj().T @ self.T[j])
                ev, U = np.linalg.eigh(0.5 * (P + P.T))
                B = U[:, ev > 0.5]
            blocks.append(B)
        N = int(offs[-1])
        NG = sum(b.shape[1] for b in blocks)
        Q = np.zeros((N, NG))
        wG = np.empty(NG)
        col = 0
        for j, b in enumerate(blocks):
            Q[offs[j]:offs[j + 1], col:col + b.shape[1]] = b
            wG[col:col + b.shape[1]] = kernel.weights[j]
            col += b.shape[1]
        self.Q, self.wG = Q, wG
        self.group = act

    def features(self, X: np.ndarray) -> np.ndarray:
        """Real orthonormal features of every kept mode at X, shape (n, N)."""
        F = self.kernel.features(X)  # one sweep (sphere: one Gegenbauer recursion)
        if not self.kernel.is_complex:
            return F
        offs = self.offsets
        return np.concatenate([np.real(F[:, offs[j]:offs[j + 1]] @ T)
                               for j, T in enumerate(self.T)], axis=1)

    def _krr(self, Phi: np.ndarray, w: np.ndarray, y: np.ndarray, ridge: Any,
             grid: np.ndarray, to_full: np.ndarray | None, method: str) -> tuple[float, float]:
        n = len(y)
        sw = np.sqrt(w)
        Pt = Phi * sw
        e, V = np.linalg.eigh(Pt.conj().T @ Pt)
        e = np.maximum(e, 0.0)
        b = V.conj().T @ (Pt.conj().T @ y)
        if isinstance(ridge, str) and ridge == "loocv":
            A = Pt @ V
            A2 = np.abs(A) ** 2
            scores = []
            for eta in grid:
                d = 1.0 / (e + n * eta)
                fit = np.real(A @ (b * d))
                hii = A2 @ d  # diagonal of the hat matrix A diag(d) A^H
                scores.append(np.mean(((y - fit) / np.maximum(1 - hii, 1e-12)) ** 2))
            etas = np.array([grid[int(np.argmin(scores))]])
        elif isinstance(ridge, str) and ridge == "oracle":
            etas = grid
        elif isinstance(ridge, str) and ridge == "rate":
            etas = np.array([rate_ridge(n, self.kernel, None if method == "none" else self.group)])
        else:
            etas = np.array([float(ridge)])
        C = sw[:, None] * (V @ (b[:, None] / (e[:, None] + n * etas[None, :])))
        if to_full is not None:
            C = to_full @ C
        risks = np.sum(np.abs(C - self.a[:, None]) ** 2, axis=0) / self.vol
        i = int(np.argmin(risks))
        return float(risks[i]), float(etas[i])

    def risk(self, Phi: np.ndarray, y: np.ndarray, method: str, ridge: Any,
             grid: np.ndarray) -> tuple[float, float]:
        """(excess risk, eta) of one estimator on one data set."""
        if method == "none":
            return self._krr(Phi, self.w, y, ridge, grid, None, method)
        if method == "average":
            return self._krr(Phi @ self.Q, self.wG, y, ridge, grid, self.Q, method)
        n = len(y)  # Spec-Avg
        J = _specavg_cutoff(n, self.kernel, None, None)
        cut = int(self.offsets[J])
        c = (self.vol / n) * (Phi[:, :cut].conj().T @ y)
        Qc = self.Q[:cut]
        c = Qc @ (Qc.conj().T @ c)
        full = np.zeros_like(self.a)
        full[:cut] = c
        return float(np.sum(np.abs(full - self.a) ** 2) / self.vol), math.nan


def _oracle_fit(X: np.ndarray, y: np.ndarray, kernel: SpectralKernel, method: str,
                act: GroupAction, grid: np.ndarray, Xt: np.ndarray, ft: np.ndarray,
                n_augment: int | None) -> FittedModel:
    """The fit whose eta on ``grid`` has the smallest test risk (one eigendecomposition)."""
    if method == "augment" and n_augment is not None:
        raise WeylgainError("the oracle ridge supports augmentation by all elements only")
    action = None if method == "none" else act
    kernel_fn, transform, centers, targets = _design(X, y, kernel, method, action, None, 0)
    solver = _EigenSolver(kernel_fn(centers, centers), targets)
    KtU = kernel_fn(Xt if transform is None else transform(Xt), centers) @ solver.U
    risks = [np.mean((KtU @ (solver.Uty / (solver.e + solver.n * eta)) - ft) ** 2)
             for eta in grid]
    eta = float(grid[int(np.argmin(risks))])
    return FittedModel(method, kernel, action, eta, len(y), len(centers), kernel_fn, transform,
                       centers, solver.dual(eta))
