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

__all__ = ["ProductDomain", "ProductSphereKernel", "MixedProductDomain", "ProductKernel"]


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


# ====================================================================== mixed products
class MixedProductDomain:
    """A product of unit spheres and flat tori, points in R^D (factor after factor).

    Parameters
    ----------
    factors : sequence of SphereDomain or TorusDomain
    name : str, optional
        Default: the factor names joined by ``x`` (``"S2xT1"``).

    Attributes
    ----------
    period : ndarray of shape (D,)
        Each torus coordinate's period; 2 pi on sphere coordinates (where translations
        vanish and points lie in [-1, 1], so wrapping by it is the identity).
    is_periodic : bool
        True when a factor is a torus.
    """

    def __init__(self, factors: Any, name: str | None = None) -> None:
        self.factors = tuple(factors)
        if len(self.factors) < 1:
            from ..errors import ParameterError

            raise ParameterError("a product domain needs at least one factor")
        self.offsets = np.concatenate([[0], np.cumsum([f.ambient_dim for f in self.factors])])
        self.dim = int(sum(f.dim for f in self.factors))
        self.ambient_dim = int(self.offsets[-1])
        self.volume = float(np.prod([f.volume for f in self.factors]))
        self.name = name or "x".join(f.name for f in self.factors)
        self.is_periodic = any(f.is_periodic for f in self.factors)
        per = np.full(self.ambient_dim, 2 * math.pi)
        for i, f in enumerate(self.factors):
            if f.is_periodic:
                per[self.offsets[i]:self.offsets[i + 1]] = float(f.period)
        self.period = per
        self.origin = 0.0

    def _blocks(self, X: np.ndarray) -> list[np.ndarray]:
        o = self.offsets
        return [X[:, o[i]:o[i + 1]] for i in range(len(self.factors))]

    def sample(self, n: int, rng: np.random.Generator) -> np.ndarray:
        """n points, uniform for the product measure, shape (n, D)."""
        return np.concatenate([f.sample(n, rng) for f in self.factors], axis=1)

    def wrap(self, X: np.ndarray) -> np.ndarray:
        """Torus coordinates into their fundamental box, sphere coordinates unchanged."""
        X = np.asarray(X, dtype=np.float64)
        return np.concatenate([f.wrap(b) for f, b in zip(self.factors, self._blocks(X))],
                              axis=1)

    def apply(self, linear: np.ndarray, translation: np.ndarray, X: np.ndarray) -> np.ndarray:
        """Image of points under x -> linear @ x + translation * period (wrapped); the
        translation is a fraction of the period on torus coordinates, 0 elsewhere."""
        t = np.asarray(translation, dtype=np.float64) * self.period
        return self.wrap(np.asarray(X) @ np.asarray(linear).T + t)

    def to_dict(self) -> dict[str, Any]:
        return {"kind": "product", "name": self.name,
                "factors": [f.to_dict() for f in self.factors], "volume": self.volume}


def _enumerate_levels(eigs: list[np.ndarray], lam_max: float) -> list[tuple[int, ...]]:
    """Every tuple (j_1, ..., j_k) of factor eigenspaces with sum of eigenvalues <= lam_max
    (each factor's eigenvalues ascending)."""
    tol = 1e-9 * max(1.0, lam_max)
    rest_min = [float(sum(e[0] for e in eigs[i + 1:])) for i in range(len(eigs))]
    out: list[tuple[int, ...]] = []

    def walk(i: int, prefix: tuple[int, ...], total: float) -> None:
        if i == len(eigs):
            out.append(prefix)
            return
        for j, v in enumerate(eigs[i]):
            if total + v + rest_min[i] > lam_max + tol:
                break
            walk(i + 1, prefix + (j,), total + float(v))

    walk(0, (), 0.0)
    return out


class ProductKernel(SpectralKernel):
    """Sobolev kernel on a product of spectral factors (unit spheres, flat tori):
    K = sum_Lam (1 + Lam)^{-s} Z_Lam, Lam = lam_1 + ... + lam_k.

    The eigenspace of Lam is the sum of the tensor products E_1 x ... x E_k of factor
    eigenspaces whose eigenvalues add up to Lam (products of eigenfunctions); every
    eigenspace up to ``max_eigenvalue`` is kept whole, so the kernel keeps every
    isometry of the product that acts factor by factor (and permutes identical factors).
    The basis is real: a torus factor's Fourier modes enter as sqrt(2) cos / sqrt(2) sin.

    Parameters
    ----------
    factors : sequence of SphereKernel or TorusKernel
        One kernel per factor; only their eigenspaces are used (their own smoothness and
        truncation do not matter, as long as they keep every eigenvalue <= max_eigenvalue).
    smoothness : float
    max_eigenvalue : float
        Lam_max (whole eigenspaces).
    name : str, optional
        The domain's name (default: the factor names joined by ``x``).
    """

    def __init__(self, factors: Any, smoothness: float = 2.5, max_eigenvalue: float = 30.0,
                 name: str | None = None) -> None:
        from ..errors import ParameterError

        factors = tuple(factors)
        if not factors or not all(isinstance(k, SpectralKernel) for k in factors):
            raise ParameterError("ProductKernel needs a sequence of factor kernels "
                                 "(SphereKernel, TorusKernel)")
        self.factors = factors
        self.domain = MixedProductDomain([k.domain for k in factors], name)
        self.smoothness = _kernel_smoothness("ProductKernel", smoothness)
        try:
            lam_max = float(max_eigenvalue)
        except (TypeError, ValueError):
            lam_max = math.nan
        if not (math.isfinite(lam_max) and lam_max >= 0) or isinstance(max_eigenvalue, bool):
            raise ParameterError(f"ProductKernel: max_eigenvalue must be a finite number >= 0; "
                                 f"got {max_eigenvalue!r}")
        for k in factors:
            if float(k.eigenvalues[-1]) < lam_max and \
                    not _keeps_all(k, lam_max):
                raise ParameterError(
                    f"ProductKernel: the factor kernel on {k.domain.name} stops at eigenvalue "
                    f"{float(k.eigenvalues[-1]):g} < max_eigenvalue = {lam_max:g}; build it "
                    "with a higher cut-off")
        eigs = [np.asarray(k.eigenvalues, dtype=np.float64) for k in factors]
        mults = [np.asarray(k.multiplicities, dtype=np.int64) for k in factors]
        # about the number of modes: the product of the factors' counts is an upper bound
        est = float(np.prod([float(m[e <= lam_max].sum()) for e, m in zip(eigs, mults)]))
        _check_kernel_memory("ProductKernel", min(est, 1e12) * 4.0, "lower max_eigenvalue")
        tuples = _enumerate_levels(eigs, lam_max)
        totals = np.array([sum(float(eigs[i][j]) for i, j in enumerate(t)) for t in tuples])
        keys = np.round(totals / max(1.0, lam_max), 9)
        levels, inverse = np.unique(keys, return_inverse=True)
        self.tuples = [[t for t, g in zip(tuples, inverse) if g == a] for a in range(len(levels))]
        self.eigenvalues = np.array([totals[inverse == a].mean() for a in range(len(levels))])
        self.multiplicities = np.array(
            [sum(int(np.prod([mults[i][j] for i, j in enumerate(t)])) for t in ts)
             for ts in self.tuples], dtype=np.int64)
        self._bands = [[_band(k, j) for j in range(len(k.eigenvalues))] for k in factors]
        self._band_limit = max(sum(self._bands[i][j] for i, j in enumerate(t)) for t in tuples)
        self._reps: dict[tuple, np.ndarray] = {}

    @property
    def band_limit(self) -> int:
        return int(self._band_limit)

    def _factor_basis(self, i: int, j: int, X: np.ndarray) -> np.ndarray:
        k = self.factors[i]
        b = k.basis(j, X)
        if k.is_complex:  # real cos / sin pairs of the Fourier modes
            b = np.real(b @ k.real_transform(j))
        return b

    def _block(self, Xs: list[np.ndarray], t: tuple[int, ...]) -> np.ndarray:
        out = self._factor_basis(0, t[0], Xs[0])
        for i in range(1, len(t)):
            f = self._factor_basis(i, t[i], Xs[i])
            out = (out[:, :, None] * f[:, None, :]).reshape(len(out), -1)
        return out

    def _split(self, X: np.ndarray) -> list[np.ndarray]:
        return self.domain._blocks(_as_points(X, self.domain.ambient_dim))

    def basis(self, j: int, X: np.ndarray) -> np.ndarray:
        Xs = self._split(X)
        return np.concatenate([self._block(Xs, t) for t in self.tuples[j]], axis=1)

    def features(self, X: np.ndarray) -> np.ndarray:
        Xs = self._split(X)
        return np.concatenate([self._block(Xs, t) for ts in self.tuples for t in ts], axis=1)

    def __call__(self, X: np.ndarray, Y: np.ndarray) -> np.ndarray:
        w = np.repeat(self.weights, self.multiplicities)
        return (self.features(X) * w) @ self.features(Y).T

    def representation(self, j: int, linear: np.ndarray, translation: np.ndarray) -> np.ndarray:
        """D_j(g) by least squares at random points: basis(g^{-1} P) = basis(P) D_j(g)
        (exact up to round-off: the eigenspace is invariant under every factorwise
        isometry)."""
        A = np.asarray(linear, dtype=np.float64)
        t = np.asarray(translation, dtype=np.float64)
        key = (j, np.round(A, 12).tobytes(), np.round(t, 12).tobytes())
        if key not in self._reps:
            m = int(self.multiplicities[j])
            rng = np.random.default_rng([2, j, m])
            P = self.domain.sample(3 * m + 16, rng)
            # g^{-1} x = A^T (x - t period), as rows: (x - t period) A
            Pinv = self.domain.wrap((P - t * self.domain.period) @ A)
            D, *_ = np.linalg.lstsq(self.basis(j, P), self.basis(j, Pinv), rcond=None)
            self._reps[key] = D
        return self._reps[key]

    def to_dict(self) -> dict[str, Any]:
        out = super().to_dict()
        out["factors"] = [k.domain.name for k in self.factors]
        return out


def _keeps_all(kernel: SpectralKernel, lam_max: float) -> bool:
    """Whether a factor kernel holds every eigenvalue up to lam_max (its last kept
    eigenvalue may lie below lam_max when the next one is above)."""
    nxt = getattr(kernel, "max_degree", None)
    if nxt is not None:  # a sphere: the next degree's eigenvalue
        L, d = int(nxt) + 1, int(kernel.domain.dim)
        return L * (L + d - 1) > lam_max
    lvl = getattr(kernel, "max_level", None)
    if lvl is not None:  # a torus: every |k|^2 <= max_level is kept
        unit = (2 * math.pi / float(kernel.domain.period)) ** 2
        return unit * (int(lvl) + 1) > lam_max
    return False


def _band(kernel: SpectralKernel, j: int) -> int:
    """The highest frequency of eigenspace j under a one-parameter group of isometries: the
    degree on a sphere, the largest |k_i| on a torus."""
    modes = getattr(kernel, "eigenspace_modes", None)
    if callable(modes):
        m = modes(j)
        return int(np.abs(m).max()) if len(m) else 0
    return int(j)  # sphere eigenspace j is degree j
