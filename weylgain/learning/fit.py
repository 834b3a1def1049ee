"""Fitting kernel ridge regression with an invariance: plain, group-averaged kernel,
augmentation, canonicalization or Spec-Avg; the ridge by leave-one-out or by the rate.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Callable, Sequence

import numpy as np

from ..errors import ParameterError, WeylgainError
from .invariance import GroupAction, canonicalizer
from .kernels import SpectralKernel
from .targets import (INVARIANCE_METHODS, _action, _invariant_basis, _rng,
                      quotient_dimension)


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
