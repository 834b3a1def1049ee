"""Spectral Sobolev kernels on products of unit spheres (S^d)^k, and their domain.

Part of :mod:`weylgain.learning` (which re-exports the public names); the single-factor
domains and kernels are in :mod:`weylgain.learning.kernels`.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .kernels import (SpectralKernel, SphereDomain, SphereKernel, _as_points,
                      _check_kernel_memory, _kernel_smoothness)

__all__ = ["ProductDomain", "ProductSphereKernel"]


class ProductDomain:
    """The product (S^d)^k of unit spheres, points in R^{k(d+1)} (factor after factor).

    Parameters
    ----------
    dim : int
        d of each factor.
    copies : int
        k.
    """

    is_periodic = False

    def __init__(self, dim: int = 2, copies: int = 2) -> None:
        if not isinstance(copies, (int, np.integer)) or isinstance(copies, bool) or copies < 1:
            from ..errors import ParameterError

            raise ParameterError(f"a product of spheres needs an integer copies >= 1 (k of "
                                 f"(S^d)^k); got {copies!r}")
        self.factor = SphereDomain(dim)
        self.copies = int(copies)
        self.dim = self.factor.dim * self.copies
        self.ambient_dim = self.factor.ambient_dim * self.copies
        self.volume = self.factor.volume ** self.copies
        self.name = f"S{self.factor.dim}^{self.copies}"

    def sample(self, n: int, rng: np.random.Generator) -> np.ndarray:
        """n uniform points, shape (n, k(d+1))."""
        return np.concatenate([self.factor.sample(n, rng) for _ in range(self.copies)], axis=1)

    def apply(self, linear: np.ndarray, translation: np.ndarray, X: np.ndarray) -> np.ndarray:
        """Image of points under x -> linear @ x (block rotations and factor permutations)."""
        return X @ np.asarray(linear).T

    def wrap(self, X: np.ndarray) -> np.ndarray:
        return X

    def to_dict(self) -> dict[str, Any]:
        return {"kind": "sphere_product", "dim": int(self.factor.dim),
                "copies": self.copies, "volume": self.volume}


class ProductSphereKernel(SpectralKernel):
    """Sobolev kernel on (S^d)^k: K = sum_Lam (1 + Lam)^{-s} Z_Lam, Lam = sum_i l_i(l_i+d-1).

    The eigenspace of Lam is the sum of the tensor products H_{l_1} x ... x H_{l_k} of
    spherical harmonics with sum_i l_i(l_i + d - 1) = Lam; every eigenspace up to
    ``max_eigenvalue`` is kept whole, so the kernel keeps the invariance under rotations of
    the factors (diagonal or not) and permutations of the factors. Features are row-wise
    Kronecker products of the factors' orthonormal harmonics.

    Parameters
    ----------
    dim : int, default 2
        d of each factor.
    copies : int, default 2
        k.
    smoothness : float, default 3.0
    max_eigenvalue : float, default 30
        Lam_max (whole eigenspaces).
    """

    def __init__(self, dim: int = 2, copies: int = 2, smoothness: float = 3.0,
                 max_eigenvalue: float = 30.0) -> None:
        self.domain = ProductDomain(dim, copies)
        self.smoothness = _kernel_smoothness("ProductSphereKernel", smoothness)
        try:
            lam_max = float(max_eigenvalue)
        except (TypeError, ValueError):
            lam_max = math.nan
        if not (math.isfinite(lam_max) and lam_max >= 0) or isinstance(max_eigenvalue, bool):
            from ..errors import ParameterError

            raise ParameterError(f"ProductSphereKernel: max_eigenvalue must be a finite "
                                 f"number >= 0; got {max_eigenvalue!r}")
        d, k = int(dim), int(copies)
        L = 0
        while (L + 1) * (L + d) <= lam_max:
            L += 1
        # about N(Lam) modes of (S^d)^k: refuse before the tuple tables are built
        est = (1.0 + lam_max) ** (d * k / 2.0) * 4.0 ** k
        _check_kernel_memory("ProductSphereKernel", est, "lower max_eigenvalue")
        self.factor = SphereKernel(d, self.smoothness, L)
        lam_f = self.factor.eigenvalues.astype(np.int64)
        tuples: list[tuple[int, ...]] = [()]
        for _ in range(k):
            tuples = [t + (l,) for t in tuples for l in range(L + 1)
                      if sum(int(lam_f[i]) for i in t) + int(lam_f[l]) <= lam_max]
        levels = np.array([sum(int(lam_f[i]) for i in t) for t in tuples], dtype=np.int64)
        self.levels = np.unique(levels)
        self.tuples = [[t for t, v in zip(tuples, levels) if v == lev] for lev in self.levels]
        fm = self.factor.multiplicities
        self.multiplicities = np.array([sum(int(np.prod([fm[l] for l in t])) for t in ts)
                                        for ts in self.tuples], dtype=np.int64)
        self.eigenvalues = self.levels.astype(np.float64)
        self._factor_offsets = np.concatenate([[0], np.cumsum(fm)])
        self._total_degree = max(sum(t) for t in tuples)
        self._reps: dict[tuple, np.ndarray] = {}

    @property
    def band_limit(self) -> int:
        return int(self._total_degree)

    def _factor_features(self, X: np.ndarray) -> list[np.ndarray]:
        X = _as_points(X, self.domain.ambient_dim)
        a = self.factor.domain.ambient_dim
        return [self.factor.features(X[:, i * a:(i + 1) * a]) for i in range(self.domain.copies)]

    def _block(self, F: list[np.ndarray], t: tuple[int, ...]) -> np.ndarray:
        off = self._factor_offsets
        out = F[0][:, off[t[0]]:off[t[0] + 1]]
        for i in range(1, len(t)):
            f = F[i][:, off[t[i]]:off[t[i] + 1]]
            out = (out[:, :, None] * f[:, None, :]).reshape(len(out), -1)
        return out

    def _space(self, F: list[np.ndarray], j: int) -> np.ndarray:
        return np.concatenate([self._block(F, t) for t in self.tuples[j]], axis=1)

    def features(self, X: np.ndarray) -> np.ndarray:
        F = self._factor_features(X)
        return np.concatenate([self._space(F, j) for j in range(len(self.eigenvalues))], axis=1)

    def basis(self, j: int, X: np.ndarray) -> np.ndarray:
        return self._space(self._factor_features(X), j)

    def __call__(self, X: np.ndarray, Y: np.ndarray) -> np.ndarray:
        w = np.repeat(self.weights, self.multiplicities)
        return (self.features(X) * w) @ self.features(Y).T

    def representation(self, j: int, linear: np.ndarray, translation: np.ndarray) -> np.ndarray:
        """D_j(g) by least squares at random points: basis(g^{-1} P) = basis(P) D_j(g)
        (exact up to round-off: the eigenspace is invariant under every isometry)."""
        A = np.asarray(linear, dtype=np.float64)
        key = (j, np.round(A, 12).tobytes())
        if key not in self._reps:
            m = int(self.multiplicities[j])
            rng = np.random.default_rng([1, j, m])
            P = self.domain.sample(3 * m + 16, rng)
            F = self.basis(j, P)
            Fg = self.basis(j, P @ A)  # rows: (A^T x)^T = x^T A, i.e. g^{-1} x
            D, *_ = np.linalg.lstsq(F, Fg, rcond=None)
            self._reps[key] = D
        return self._reps[key]

    def to_dict(self) -> dict[str, Any]:
        out = super().to_dict()
        out["max_eigenvalue"] = float(self.eigenvalues[-1])
        out["copies"] = self.domain.copies
        return out
