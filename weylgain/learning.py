"""Kernel ridge regression with invariances on manifolds, Spec-Avg, and learning curves.

What this module lets you watch is the sample-complexity gain (see the theory page, docs/theory.md#gain): with a
G-invariant target, an invariant estimator with n samples does as well as a plain one with
about n·``|G|`` samples (finite G), or converges at a better rate (positive-dimensional orbits).

Kernels are spectral Sobolev kernels K(x, y) = sum_j (1 + lam_j)^{-s} Z_j(x, y) truncated at
whole eigenspaces (:class:`SphereKernel` exact by the addition theorem, :class:`TorusKernel`
from Fourier modes, :class:`MeshKernel` from FEM eigenpairs). Invariance is imposed by one of

* ``"none"``       plain kernel ridge regression;
* ``"average"``    the group-averaged kernel K^G(x, y) = mean_g K(g x, y) (Haar average for
                   rotations, exact: zonal harmonics on spheres, a cyclic quadrature above
                   the band limit otherwise);
* ``"augment"``    data augmentation by all elements, or ``n_augment`` random ones;
* ``"canonical"``  inputs mapped to a fundamental domain before a plain kernel;
* ``"specavg"``    Spec-Avg (Soleymani et al., ICML 2025): empirical spectral coefficients
                   projected, per eigenspace, onto the invariant subspace computed from the
                   generators' matrices D_lam(g) only.

Example
-------
>>> import numpy as np
>>> from weylgain.learning import TorusKernel, random_target, sample, fit_krr
>>> kernel = TorusKernel(dim=2, smoothness=2.0, max_level=50)
>>> f = random_target(kernel, group="signs2", seed=1)
>>> X, y = sample(kernel.domain, 200, f, noise=0.3, seed=2)
>>> model = fit_krr(X, y, kernel, ridge=1e-3, invariance="average", group="signs2")
>>> model.invariance_discrepancy() < 1e-10
True
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Callable, Sequence

import numpy as np

from ._invariance import GroupAction, as_action, canonicalizer, invariant_subspace
from ._progress import progress
from ._spectral_kernels import (
    FlatTorus,
    MeshDomain,
    MeshKernel,
    SpectralKernel,
    Sphere,
    SphereKernel,
    TorusKernel,
    _kernel_smoothness,
)
from .errors import ParameterError, WeylgainError

__all__ = [
    "Sphere",
    "FlatTorus",
    "MeshDomain",
    "SpectralKernel",
    "SphereKernel",
    "TorusKernel",
    "MeshKernel",
    "SpectralTarget",
    "random_target",
    "sample",
    "FittedModel",
    "fit_krr",
    "rate_ridge",
    "invariant_dimensions",
    "quotient_dimension",
    "LearningCurve",
    "learning_curve",
    "experiment",
    "INVARIANCE_METHODS",
]

INVARIANCE_METHODS = ("none", "average", "augment", "canonical", "specavg")


def _rng(seed: Any) -> np.random.Generator:
    if isinstance(seed, np.random.Generator):
        return seed
    try:
        return np.random.default_rng(seed)
    except (TypeError, ValueError):
        raise ParameterError(f"seed must be an integer >= 0, a SeedSequence or a numpy "
                             f"Generator; got {seed!r}") from None


def _action(group: Any, kernel: SpectralKernel) -> GroupAction:
    return as_action(group, kernel.domain.ambient_dim, kernel.band_limit)


def quotient_dimension(kernel: SpectralKernel, group: Any) -> int:
    """d_G = dim(M/G): d for finite groups, d - 1 for a rotation about an axis (sphere,
    d >= 2), 1 for an axis stabilizer, d - k for translations of k torus coordinates."""
    d = kernel.domain.dim
    if group is None:
        return d
    act = _action(group, kernel)
    if act.is_finite:
        return d
    if act.family == "axis_rotation":
        return d - 1
    if act.family == "axis_stabilizer":
        return 1
    return d - len(act.coordinates)


def _invariant_basis(kernel: SpectralKernel, action: GroupAction, j: int) -> np.ndarray:
    """Orthonormal basis (m_j, m_j^G) of the invariant part of eigenspace j, cached."""
    cache = kernel.__dict__.setdefault("_invariant_cache", {})
    # Keyed by the generators' content: names are not unique (every from_generators group
    # is "custom") and id() of a freed group is reused, which returned wrong bases.
    gens = tuple((np.ascontiguousarray(a, dtype=np.float64).tobytes(),
                  np.ascontiguousarray(t, dtype=np.float64).tobytes())
                 for a, t in action.generators)
    key = (gens, j)
    if key not in cache:
        reps = [kernel.representation(j, a, t) for a, t in action.generators]
        cache[key] = invariant_subspace(reps)
    return cache[key]


def invariant_dimensions(kernel: SpectralKernel, group: Any) -> np.ndarray:
    """dim of the G-invariant part of every kept eigenspace, from generators only.

    Returns
    -------
    ndarray of shape (J,) int64
    """
    act = _action(group, kernel)
    return np.array([_invariant_basis(kernel, act, j).shape[1]
                     for j in range(len(kernel.eigenvalues))], dtype=np.int64)


# ====================================================================== targets, data
@dataclass(frozen=True, eq=False)
class SpectralTarget:
    """A real function sum_j <c_j, basis_j(x)> on the kernel's eigenspaces.

    Attributes
    ----------
    kernel : SpectralKernel
    coefficients : tuple of ndarray
        One vector per eigenspace (length ``kernel.multiplicities[j]``).
    smoothness : float
        Per-mode standard deviation (1 + lam)^{-(smoothness/2 + d_G/4)}: the target is in
        H^{s'} for every s' < smoothness and not in H^smoothness (up to the truncation).
    group : str or None
    """

    kernel: SpectralKernel
    coefficients: tuple
    smoothness: float
    group: str | None = None

    def __call__(self, X: np.ndarray) -> np.ndarray:
        X = np.asarray(X, dtype=np.float64)
        out = np.zeros(len(X))
        for j, c in enumerate(self.coefficients):
            if np.any(c != 0):
                out += np.real(self.kernel.basis(j, X) @ c)
        return out

    @property
    def norm(self) -> float:
        """L^2 norm with respect to the uniform probability measure."""
        tot = sum(float(np.sum(np.abs(c) ** 2)) for c in self.coefficients)
        return math.sqrt(tot / self.kernel.domain.volume)

    def to_dict(self) -> dict[str, Any]:
        return {"smoothness": self.smoothness, "group": self.group, "norm": self.norm,
                "n_eigenspaces": len(self.coefficients)}


def random_target(kernel: SpectralKernel, smoothness: float | None = None, group: Any = None,
                  seed: Any = 0, max_eigenvalue: float | None = None,
                  norm: float = 1.0, mean_zero: bool = True) -> SpectralTarget:
    """A random target at the critical smoothness, G-invariant by spectral projection.

    Gaussian coefficients with per-mode standard deviation (1 + lam)^{-(s/2 + d_G/4)} on the
    kernel's eigenspaces (d_G the quotient dimension, so that the H^s energy per unit of
    log lam is constant: the target is in H^s only up to a logarithm), projected per
    eigenspace onto the invariant subspace.

    Parameters
    ----------
    kernel : SpectralKernel
    smoothness : float, optional
        s; default the kernel's.
    group : group or spec, optional
    seed : int or Generator
    max_eigenvalue : float, optional
        Zero coefficients above (default: every kept eigenspace).
    norm : float, default 1.0
        L^2(uniform probability) norm of the result.
    mean_zero : bool, default True
        Drop the constant mode (it is learned at the parametric rate by every estimator
        and would only dilute the comparison).

    Returns
    -------
    SpectralTarget
    """
    if not isinstance(kernel, SpectralKernel):
        raise ParameterError(f"random_target needs a kernel (SphereKernel, TorusKernel or "
                             f"MeshKernel); got {type(kernel).__name__}")
    rng = _rng(seed)
    s = kernel.smoothness if smoothness is None else _kernel_smoothness("random_target",
                                                                        smoothness)
    for what, value in (("max_eigenvalue", max_eigenvalue), ("norm", norm)):
        try:
            ok = (value is None and what != "norm") or (not isinstance(value, (bool, str, bytes))
                                   and math.isfinite(float(value)) and float(value) >= 0)
        except (TypeError, ValueError):
            ok = False
        if not ok:
            raise ParameterError(f"{what} must be a finite number >= 0; got {value!r}")
    dg = quotient_dimension(kernel, group)
    act = None if group is None else _action(group, kernel)
    coefs = []
    for j, (lam, m) in enumerate(zip(kernel.eigenvalues, kernel.multiplicities)):
        if (max_eigenvalue is not None and lam > max_eigenvalue) or (mean_zero and lam == 0):
            coefs.append(np.zeros(m, dtype=np.complex128 if kernel.is_complex else np.float64))
            continue
        c = rng.standard_normal(m)
        if kernel.is_complex:
            c = c + 1j * rng.standard_normal(m)
        if act is not None:
            Q = _invariant_basis(kernel, act, j)
            c = Q @ (Q.conj().T @ c)
        if kernel.is_complex:  # a real function: c_{-k} = conj(c_k)
            c = 0.5 * (c + kernel.conjugate(j, c))
        coefs.append(c * (1.0 + lam) ** (-(s / 2 + dg / 4)))
    unscaled = SpectralTarget(kernel, tuple(coefs), s, None if act is None else act.name)
    scale = norm / unscaled.norm if unscaled.norm > 0 else 1.0
    return SpectralTarget(kernel, tuple(c * scale for c in coefs), s, unscaled.group)


def _sequence(value: Any, what: str) -> list:
    """A sequence argument as a list (a clear ParameterError for a number or a string)."""
    if isinstance(value, (str, bytes)) or not hasattr(value, "__iter__"):
        raise ParameterError(f"{what} must be a sequence; got {value!r}")
    return list(value)


def _whole(value: Any, what: str) -> int:
    """An integer argument (integral floats too); a clear ParameterError otherwise."""
    try:
        out = int(value)
        ok = not isinstance(value, (bool, str, bytes)) and float(value) == out
    except (TypeError, ValueError, OverflowError):
        ok = False
    if not ok:
        raise ParameterError(f"{what} must be an integer; got {value!r}")
    return out


def _check_noise(noise: Any) -> None:
    """A noise level is a finite number >= 0 (a negative sigma would silently mean |sigma|)."""
    try:
        ok = bool(np.isfinite(float(noise)) and float(noise) >= 0)
    except (TypeError, ValueError):
        ok = False
    if not ok:
        raise ParameterError(f"noise must be a finite standard deviation >= 0; got {noise!r}")


def sample(domain: Any, n: int, target: Callable[[np.ndarray], np.ndarray] | None = None,
           noise: float = 0.0, seed: Any = 0) -> tuple[np.ndarray, np.ndarray]:
    """n uniform points and noisy target values y = f(x) + noise * N(0, 1).

    Parameters
    ----------
    domain : Sphere, FlatTorus, MeshDomain or a SpectralKernel (its domain is used)
    n : int
    target : callable (n, D) -> (n,), optional
        Default: zero.
    noise : float
        Standard deviation sigma.
    seed : int or Generator

    Returns
    -------
    X : ndarray of shape (n, D)
    y : ndarray of shape (n,)
    """
    if isinstance(domain, SpectralKernel):
        domain = domain.domain
    if not isinstance(domain, (Sphere, FlatTorus, MeshDomain)):
        raise ParameterError(f"sample needs a domain (Sphere, FlatTorus, MeshDomain) or a "
                             f"kernel; got {type(domain).__name__}")
    _check_noise(noise)
    n = _whole(n, "n")
    if n < 1:
        raise ParameterError(f"n must be at least 1; got {n}")
    if target is not None and not callable(target):
        raise ParameterError(f"target must be a function of the points (n, D) -> (n,); got "
                             f"{type(target).__name__}")
    from .resources import MemoryEstimate, check_memory

    check_memory(MemoryEstimate(f"{n} sample points", 8.0 * 3 * n * (domain.ambient_dim + 1)),
                 "draw fewer points")
    rng = _rng(seed)
    X = domain.sample(n, rng)
    f = np.zeros(len(X)) if target is None else np.asarray(target(X), dtype=np.float64)
    if f.shape != (len(X),):
        raise ParameterError(f"target must return one value per point, shape ({len(X)},); got "
                             f"shape {f.shape}")
    return X, f + noise * rng.standard_normal(len(X))


# ====================================================================== fitting
def rate_ridge(n: int, kernel: SpectralKernel, group: Any = None, constant: float = 1.0) -> float:
    """eta = constant * n^{-1/(1+a)} * mu_0 with a = d_G/(2s) (the rate-optimal schedule of
    docs/theory.md#minimax-risk), mu_0 = 1/vol the top eigenvalue of the kernel's integral operator."""
    a = quotient_dimension(kernel, group) / (2 * kernel.smoothness)
    return constant * n ** (-1.0 / (1.0 + a)) * kernel.weights[0] / kernel.domain.volume


def _ridge_grid(kernel: SpectralKernel, grid: Sequence[float] | None) -> np.ndarray:
    if grid is not None:
        try:
            out = np.asarray(grid, dtype=np.float64).ravel()
        except (TypeError, ValueError):
            out = np.zeros(0)
        if out.size == 0 or not (np.isfinite(out).all() and (out > 0).all()):
            raise ParameterError(f"ridge_grid must be a non-empty sequence of positive finite "
                                 f"ridges; got {grid!r}")
        return out
    mu0 = kernel.weights[0] / kernel.domain.volume
    return mu0 * np.logspace(-9, 0, 37)


class _EigenSolver:
    """KRR solves (K + n eta I)^{-1} y for many eta after one eigendecomposition."""

    def __init__(self, Kmat: np.ndarray, y: np.ndarray) -> None:
        Kmat = 0.5 * (Kmat + Kmat.T)
        self.e, self.U = np.linalg.eigh(Kmat)
        self.e = np.maximum(self.e, 0.0)
        self.Uty = self.U.T @ y
        self.y = y
        self.n = len(y)

    def dual(self, eta: float) -> np.ndarray:
        return self.U @ (self.Uty / (self.e + self.n * eta))

    def loocv(self, grid: np.ndarray) -> np.ndarray:
        """Mean squared leave-one-out error for each eta (closed form)."""
        out = np.empty(len(grid))
        U2 = self.U ** 2
        for i, eta in enumerate(grid):
            h = self.e / (self.e + self.n * eta)
            fit = self.U @ (h * self.Uty)
            hii = U2 @ h
            out[i] = np.mean(((self.y - fit) / np.maximum(1.0 - hii, 1e-12)) ** 2)
        return out


@dataclass(frozen=True, eq=False)
class FittedModel:
    """A fitted (possibly invariant) regressor.

    Attributes
    ----------
    method : str
        One of :data:`INVARIANCE_METHODS`.
    kernel : SpectralKernel
    action : GroupAction or None
    ridge : float or None
        eta of the objective (1/N) sum (f(x_i) - y_i)^2 + eta ``||f||_K^2`` (None for Spec-Avg).
    n_train : int
        Number of (original) samples.
    n_centers : int
        Kernel centers (n ``|G|`` for full augmentation) or spectral modes (Spec-Avg).
    """

    method: str
    kernel: SpectralKernel
    action: GroupAction | None
    ridge: float | None
    n_train: int
    n_centers: int
    _kernel_fn: Callable | None = field(default=None, repr=False)
    _transform: Callable | None = field(default=None, repr=False)
    _centers: np.ndarray | None = field(default=None, repr=False)
    _dual: np.ndarray | None = field(default=None, repr=False)
    _spectral: tuple = field(default=(), repr=False)

    def predict(self, X: np.ndarray) -> np.ndarray:
        """Predictions at points X (n, D): ndarray of shape (n,)."""
        X = np.asarray(X, dtype=np.float64)
        if self.method == "specavg":
            out = np.zeros(len(X))
            for j, c in self._spectral:
                out += np.real(self.kernel.basis(j, X) @ c)
            return out
        Z = X if self._transform is None else self._transform(X)
        return self._kernel_fn(Z, self._centers) @ self._dual

    def invariance_discrepancy(self, group: Any = None, X: np.ndarray | None = None,
                               n_points: int = 256, seed: Any = 0) -> float:
        """sup ``|f(x) - f(g x)|`` over test points and group elements.

        Elements: the generators plus every element of a group of order <= 64, otherwise 16
        random elements (Haar-random angles for continuous groups, not only the quadrature).

        Parameters
        ----------
        group : group or spec, optional
            Default: the group the model was fitted with (required for plain models).
        X : ndarray (n, D), optional
            Default: ``n_points`` uniform random points.
        """
        act = self.action if group is None else _action(group, self.kernel)
        if act is None:
            raise WeylgainError("this model has no group; pass group=... to measure invariance")
        rng = _rng(seed)
        dom = self.kernel.domain
        if X is None:
            X = dom.sample(n_points, rng)
        f0 = self.predict(X)
        lin, tr = act.test_elements(rng)
        worst = 0.0
        for a, t in zip(lin, tr):
            worst = max(worst, float(np.max(np.abs(self.predict(dom.apply(a, t, X)) - f0))))
        return worst

    def to_dict(self) -> dict[str, Any]:
        return {
            "method": self.method,
            "kernel": self.kernel.to_dict(),
            "group": None if self.action is None else self.action.to_dict(),
            "ridge": self.ridge,
            "n_train": int(self.n_train),
            "n_centers": int(self.n_centers),
        }


def _specavg_cutoff(n: int, kernel: SpectralKernel, max_eigenvalue: float | None,
                    cutoff: int | None) -> int:
    """Number of eigenspaces kept: those with lam <= max_eigenvalue, or the largest prefix of
    whole eigenspaces with at most D = n^{1/(1+alpha)} modes (alpha = 2s/d), at least one."""
    if max_eigenvalue is not None:
        return int(np.sum(kernel.eigenvalues <= max_eigenvalue * (1 + 1e-12)))
    if cutoff is None:
        alpha = 2 * kernel.smoothness / kernel.domain.dim
        cutoff = int(math.ceil(n ** (1.0 / (1.0 + alpha))))
    cum = np.cumsum(kernel.multiplicities)
    return max(1, int(np.sum(cum <= cutoff)))



def _check_ridge(ridge: Any, rules: tuple[str, ...]) -> None:
    """A positive finite number or one of the named rules; else a ParameterError."""
    if isinstance(ridge, str):
        if ridge not in rules:
            names = ", ".join(repr(r) for r in rules)
            raise ParameterError(f"ridge must be a positive number or one of {names}; "
                                 f"got {ridge!r}")
        return
    try:
        ok = bool(float(ridge) > 0 and math.isfinite(float(ridge)))
    except (TypeError, ValueError):
        ok = False
    if not ok:
        raise ParameterError(f"ridge must be positive and finite; got {ridge!r}")

def fit_krr(X: np.ndarray, y: np.ndarray, kernel: SpectralKernel, ridge: float | str = "loocv",
            invariance: str = "none", group: Any = None, *, n_augment: int | None = None,
            ridge_grid: Sequence[float] | None = None, cutoff: int | None = None,
            max_eigenvalue: float | None = None, seed: Any = 0) -> FittedModel:
    """Fit kernel ridge regression, imposing invariance as asked.

    Parameters
    ----------
    X : ndarray of shape (n, D)
        Inputs on the kernel's domain.
    y : ndarray of shape (n,)
    kernel : SpectralKernel
    ridge : float or {"loocv", "rate"}, default "loocv"
        eta in (1/N) sum (f(x_i) - y_i)^2 + eta ``||f||^2``; "loocv" picks it on a grid by the
        closed-form leave-one-out error; "rate" uses :func:`rate_ridge`. Ignored by Spec-Avg.
    invariance : {"none", "average", "augment", "canonical", "specavg"}
    group : FiniteGroup, ContinuousGroup or spec string
        Required unless invariance is "none" (then used only for discrepancy reports).
    n_augment : int, optional
        Augmentation by this many random elements per sample (default: all elements).
    ridge_grid : sequence of float, optional
        Candidate eta for "loocv".
    cutoff, max_eigenvalue : optional
        Spec-Avg truncation (whole eigenspaces): at most ``cutoff`` modes (default
        n^{1/(1+2s/d)}) or every eigenvalue <= max_eigenvalue.
    seed : int or Generator
        For random augmentation.

    Returns
    -------
    FittedModel
    """
    if invariance not in INVARIANCE_METHODS:
        raise WeylgainError(
            f"invariance must be one of {INVARIANCE_METHODS}; got {invariance!r}")
    if not isinstance(kernel, SpectralKernel):
        raise ParameterError(f"fit_krr needs a kernel (SphereKernel, TorusKernel or "
                             f"MeshKernel); got {type(kernel).__name__}")
    dom = kernel.domain
    try:
        X = np.asarray(X, dtype=np.float64)
        y = np.asarray(y, dtype=np.float64)
    except (TypeError, ValueError):
        raise ParameterError("X and y must be real arrays of shapes (n, D) and (n,)") from None
    if X.ndim != 2 or X.shape[1] != dom.ambient_dim or y.shape != (len(X),):
        raise WeylgainError(
            f"X must have shape (n, {dom.ambient_dim}) and y shape (n,); got {X.shape} and "
            f"{y.shape}")
    if not (np.isfinite(X).all() and np.isfinite(y).all()):
        raise ParameterError("X and y must be finite (no NaN or inf); drop or impute the "
                             "missing samples first")
    if invariance != "none" and group is None:
        raise WeylgainError(f"invariance={invariance!r} needs a group (group=...)")
    act = None if group is None else _action(group, kernel)
    n = len(X)

    if invariance == "specavg":
        J = _specavg_cutoff(n, kernel, max_eigenvalue, cutoff)
        parts = []
        modes = 0
        for j in range(J):
            phi = kernel.basis(j, X)
            coef = (dom.volume / n) * (phi.conj().T @ y)
            Q = _invariant_basis(kernel, act, j)
            coef = Q @ (Q.conj().T @ coef)
            parts.append((j, coef))
            modes += Q.shape[1]
        return FittedModel("specavg", kernel, act, None, n, modes, _spectral=tuple(parts))

    _check_ridge(ridge, ("loocv", "rate"))  # before any kernel matrix is built
    kernel_fn, transform, centers, targets = _design(X, y, kernel, invariance, act,
                                                     n_augment, seed)
    solver = _EigenSolver(kernel_fn(centers, centers), targets)
    if ridge == "loocv":
        grid = _ridge_grid(kernel, ridge_grid)
        eta = float(grid[int(np.argmin(solver.loocv(grid)))])
    elif ridge == "rate":
        eta = rate_ridge(n, kernel, group if invariance != "none" else None)
    else:
        eta = float(ridge)
    return FittedModel(invariance, kernel, act, eta, n, len(centers), kernel_fn, transform,
                       centers, solver.dual(eta))


def _design(X: np.ndarray, y: np.ndarray, kernel: SpectralKernel, invariance: str,
            act: GroupAction | None, n_augment: int | None,
            seed: Any) -> tuple[Callable, Callable | None, np.ndarray, np.ndarray]:
    """The kernel regression problem behind a (non-Spec-Avg) invariance method.

    Returns
    -------
    kernel_fn : callable (X, Y) -> ndarray (len(X), len(Y))
    transform : callable or None
        Applied to inputs before ``kernel_fn`` (canonicalization).
    centers : ndarray of shape (N, D)
    targets : ndarray of shape (N,)
    """
    dom = kernel.domain
    kernel_fn: Callable = kernel
    transform = None
    centers, targets = X, y
    if invariance == "average":
        kernel_fn = kernel.averaged(act)
    elif invariance == "canonical":
        transform = canonicalizer(act, dom)
        centers = transform(X)
    elif invariance == "augment":
        if n_augment is None:
            lin, tr = act.elements()
            centers = np.concatenate([dom.apply(a, t, X) for a, t in zip(lin, tr)])
            targets = np.tile(y, len(lin))
        else:
            rng = _rng(seed)
            lin, tr = act.random_elements(len(X) * int(n_augment), rng)
            Xr = np.repeat(X, int(n_augment), axis=0)
            moved = np.einsum("nij,nj->ni", lin, Xr)
            if getattr(dom, "is_periodic", False):
                moved = dom.wrap(moved + tr * dom.period)
            centers = np.concatenate([X, moved])
            targets = np.concatenate([y, np.repeat(y, int(n_augment))])
    return kernel_fn, transform, centers, targets


# ====================================================================== learning curves
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
        boundary term), and "gain_module": weylgain.gain.predict_gain's answer when it
        is available.
    settings : dict
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


def _gain_module_prediction(domain: Any, action: GroupAction, smoothness: float) -> Any:
    """weylgain.gain.predict_gain's prediction as a dict, or None when unavailable."""
    try:
        from . import gain as gain_module  # written concurrently; optional
    except ImportError:
        return None
    fn = getattr(gain_module, "predict_gain", None)
    if fn is None:
        return None
    group = action.group if action.group is not None else action.name
    for args in ((domain.name, group), (domain.name, action.name)):
        try:
            res = fn(*args, s=smoothness)
        except Exception:  # the hook must never break an experiment
            continue
        return res.to_dict() if hasattr(res, "to_dict") else res
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
    from .resources import MemoryEstimate, check_memory

    check_memory(MemoryEstimate(f"{n_test} test points", 8.0 * 4 * n_test
                                * (kernel.domain.ambient_dim + 2)), "lower n_test")
    if _whole(seed, "seed") < 0:
        raise ParameterError(f"seed must be an integer >= 0; got {seed}")
    _check_ridge(ridge, ("loocv", "rate", "oracle"))
    _check_noise(noise)
    if ridge == "oracle" and "augment" in methods and n_augment is not None:
        raise WeylgainError("the oracle ridge supports augmentation by all elements only")
    act = _action(group, kernel)
    dom = kernel.domain
    root = np.random.SeedSequence(seed)
    test_ss, *seed_ss = root.spawn(1 + seeds)
    grid = _ridge_grid(kernel, None)
    risks = np.full((len(methods), seeds, len(n_values)), np.nan)
    ridges = np.full_like(risks, np.nan)
    data_ss = [ss.spawn(len(n_values)) for ss in seed_ss]
    jobs = [(s, k) for s in range(seeds) for k in range(len(n_values))]
    fast = (isinstance(target, SpectralTarget) and target.kernel is kernel
            and set(methods) <= {"none", "average", "specavg"})
    if fast:
        primal = _PrimalProblem(kernel, act, target)
    else:
        Xt = dom.sample(n_test, np.random.default_rng(test_ss))
        ft = np.asarray(target(Xt), dtype=np.float64)
    for s, k in progress(jobs, label="learning curve", enabled=show_progress):
        n = int(n_values[k])
        rng = np.random.default_rng(data_ss[s][k])
        X, y = sample(dom, n, target, noise, rng)
        if fast:
            Phi = primal.features(X)
            for i, m in enumerate(methods):
                risks[i, s, k], ridges[i, s, k] = primal.risk(Phi, y, m, ridge, grid)
            continue
        for i, m in enumerate(methods):
            r = ridge
            if ridge == "oracle" and m != "specavg":
                model = _oracle_fit(X, y, kernel, m, act, grid, Xt, ft, n_augment)
            else:
                model = fit_krr(X, y, kernel, "loocv" if r == "oracle" else r, m,
                                None if m == "none" else act, n_augment=n_augment, seed=rng)
            risks[i, s, k] = float(np.mean((model.predict(Xt) - ft) ** 2))
            ridges[i, s, k] = np.nan if model.ridge is None else model.ridge
    exps, errs = zip(*[_fit_exponent(n_values, risks[i]) for i in range(len(methods))])
    s_ = kernel.smoothness
    d = dom.dim
    dg = quotient_dimension(kernel, act)
    predicted_exponents = {"plain": s_ / (s_ + d / 2), "invariant": s_ / (s_ + dg / 2)}
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
    predicted: dict[str, Any] = {"order": None if math.isinf(act.order) else int(act.order)}
    inv_dims = invariant_dimensions(kernel, act)
    mu = kernel.weights / dom.volume
    eta_med = float(np.nanmedian(ridges)) if np.isfinite(ridges).any() else float(grid[len(grid) // 2])
    predicted["spectral"] = (_degrees_of_freedom(mu, kernel.multiplicities, eta_med)
                             / _degrees_of_freedom(mu, inv_dims, eta_med))
    predicted["spectral_ridge"] = eta_med
    predicted["gain_module"] = _gain_module_prediction(dom, act, kernel.smoothness)
    settings = {"kernel": kernel.to_dict(), "seeds": int(seeds), "noise": float(noise),
                "ridge": ridge if isinstance(ridge, str) else float(ridge),
                "n_test": int(n_test), "seed": int(seed), "quotient_dim": int(dg),
                "target": target.to_dict() if hasattr(target, "to_dict") else repr(target)}
    return LearningCurve(dom.name, act.name, methods, n_values, risks, ridges,
                         np.array(exps), np.array(errs), predicted_exponents, ratios, gain,
                         gain_err, fitted_gain, predicted, settings)


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


# ====================================================================== presets
_PRESETS = {
    "T2": dict(kernel=lambda: TorusKernel(2, smoothness=2.0, max_level=120), noise=0.3,
               n_values=(16, 32, 64, 128, 256, 512)),
    "S2": dict(kernel=lambda: SphereKernel(2, smoothness=1.5, max_degree=24), noise=0.3,
               n_values=(16, 32, 64, 128, 256, 512)),
}


def experiment(domain: str = "T2", group: str = "signs2", *, n_values: Sequence[int] | None = None,
               seeds: int = 4, noise: float | None = None, ridge: float | str = "oracle",
               methods: Sequence[str] = ("none", "average"), n_test: int = 2000,
               seed: int = 0, show_progress: bool = True) -> LearningCurve:
    """A ready-made learning-curve experiment (what ``weylgain learn`` runs).

    Parameters
    ----------
    domain : {"T2", "S2"}
        T2: flat torus (2 pi)^2, Sobolev s = 2, ``|k|^2`` <= 120. S2: unit sphere, s = 1.5,
        degrees <= 24. Default noise 0.3, n = 16, 32, ..., 512.
    group : str
        A group spec acting on the domain (e.g. "signs2", "C4" on T2; "C4", "SO(2)" on S2).
    n_values, seeds, noise, ridge, methods, n_test, seed, show_progress
        See :func:`learning_curve`. The target is :func:`random_target` (critical
        smoothness, G-invariant, unit norm) from ``seed``.

    Returns
    -------
    LearningCurve
    """
    from .errors import SpecError

    if _whole(seed, "seed") < 0:
        raise ParameterError(f"seed must be an integer >= 0; got {seed}")
    key = domain.strip().upper().replace("^", "") if isinstance(domain, str) else None
    if key not in _PRESETS:
        raise SpecError(f"unknown experiment domain {domain!r}; expected one of {sorted(_PRESETS)}")
    preset = _PRESETS[key]
    kernel = preset["kernel"]()
    target = random_target(kernel, group=group, seed=np.random.SeedSequence([seed, 7]))
    return learning_curve(kernel, target, group, methods=methods,
                          n_values=preset["n_values"] if n_values is None else n_values,
                          seeds=seeds, noise=preset["noise"] if noise is None else noise,
                          ridge=ridge, n_test=n_test, seed=seed, show_progress=show_progress)
