"""Domains (sphere, flat torus, mesh) and spectral Sobolev kernels on them.

The kernels on products of spheres are in :mod:`weylgain.learning.product_kernels`.

Part of :mod:`weylgain.learning` (which re-exports the public names). A spectral
Sobolev kernel of smoothness s is

    K(x, y) = sum_j (1 + lam_j)^{-s} Z_j(x, y),

Z_j the reproducing kernel of the j-th Laplace eigenspace (L^2(vol)-orthonormal bases),
truncated at whole eigenspaces so that it keeps every isometry invariance of the domain.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from .._harmonics import ZonalBasis, harmonic_dimension, sphere_volume, zonal_series
from .invariance import GroupAction
from ..errors import MeshError, WeylgainError

__all__ = [
    "SphereDomain",
    "TorusDomain",
    "MeshDomain",
    "SpectralKernel",
    "SphereKernel",
    "TorusKernel",
    "MeshKernel",
]


def _as_points(X: Any, D: int, what: str = "X") -> np.ndarray:
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2 or X.shape[1] != D:
        raise WeylgainError(f"{what} must have shape (n, {D}); got shape {X.shape}")
    return X


# ====================================================================== domains
@dataclass(frozen=True)
class SphereDomain:
    """The unit sphere S^d in R^{d+1} with its round metric.

    Parameters
    ----------
    dim : int, default 2
        d (the intrinsic dimension).
    """

    dim: int = 2
    is_periodic = False

    def __post_init__(self) -> None:
        if not isinstance(self.dim, (int, np.integer)) or self.dim < 1:
            raise WeylgainError(f"sphere dimension must be a positive integer; got {self.dim!r}")

    @property
    def ambient_dim(self) -> int:
        return self.dim + 1

    @property
    def volume(self) -> float:
        return sphere_volume(self.dim)

    @property
    def name(self) -> str:
        return f"S{self.dim}"

    def sample(self, n: int, rng: np.random.Generator) -> np.ndarray:
        """n uniform points (normalized Gaussians), shape (n, d+1)."""
        x = rng.standard_normal((n, self.ambient_dim))
        return x / np.linalg.norm(x, axis=1, keepdims=True)

    def apply(self, linear: np.ndarray, translation: np.ndarray, X: np.ndarray) -> np.ndarray:
        """Image of points under x -> linear @ x (the translation must vanish)."""
        return X @ np.asarray(linear).T

    def wrap(self, X: np.ndarray) -> np.ndarray:
        return X

    def to_dict(self) -> dict[str, Any]:
        return {"kind": "sphere", "dim": int(self.dim), "volume": self.volume}


@dataclass(frozen=True)
class TorusDomain:
    """The flat torus [origin, origin + period)^d with the flat metric.

    Parameters
    ----------
    dim : int
    period : float, default 2 pi
    origin : float, default 0.0
        E.g. period 2 and origin -1 for the ICML 2025 setting [-1, 1)^d.
    """

    dim: int = 2
    period: float = 2 * math.pi
    origin: float = 0.0
    is_periodic = True

    def __post_init__(self) -> None:
        if not isinstance(self.dim, (int, np.integer)) or self.dim < 1:
            raise WeylgainError(f"torus dimension must be a positive integer; got {self.dim!r}")
        try:
            ok = (not isinstance(self.period, (bool, str, bytes))
                  and math.isfinite(float(self.period)) and float(self.period) > 0)
        except (TypeError, ValueError):
            ok = False
        if not ok:
            raise WeylgainError(f"torus period must be positive; got {self.period!r}")

    @property
    def ambient_dim(self) -> int:
        return self.dim

    @property
    def volume(self) -> float:
        return float(self.period) ** self.dim

    @property
    def name(self) -> str:
        return f"T{self.dim}"

    def sample(self, n: int, rng: np.random.Generator) -> np.ndarray:
        return self.origin + self.period * rng.random((n, self.dim))

    def wrap(self, X: np.ndarray) -> np.ndarray:
        return self.origin + np.mod(X - self.origin, self.period)

    def apply(self, linear: np.ndarray, translation: np.ndarray, X: np.ndarray) -> np.ndarray:
        """Image of points under x -> linear @ x + translation * period, wrapped."""
        return self.wrap(X @ np.asarray(linear).T + np.asarray(translation) * self.period)

    def to_dict(self) -> dict[str, Any]:
        return {"kind": "torus", "dim": int(self.dim), "period": float(self.period),
                "origin": float(self.origin), "volume": self.volume}


class MeshDomain:
    """A simplicial mesh as a domain: uniform sampling and point location.

    Parameters
    ----------
    mesh : weylgain.mesh.Mesh
    """

    def __init__(self, mesh: Any) -> None:
        from ..mesh import Mesh

        if not isinstance(mesh, Mesh):
            raise MeshError(f"a mesh domain needs a weylgain.Mesh; got {type(mesh).__name__}")
        self.mesh = mesh
        self.dim = int(mesh.dim)
        self.ambient_dim = int(mesh.ambient_dim)
        self.is_periodic = bool(mesh.is_periodic)
        self.volume = float(mesh.volume)
        self.name = mesh.name or f"mesh({mesh.n_vertices} vertices)"
        per = mesh.period
        self._period = None if per is None else np.asarray(per, dtype=np.float64)
        self._tree = None

    @property
    def period(self) -> np.ndarray | None:
        return self._period

    def sample(self, n: int, rng: np.random.Generator) -> np.ndarray:
        """n points uniform with respect to the mesh's volume, shape (n, D)."""
        vol = self.mesh.simplex_volumes()
        tri = rng.choice(len(vol), size=n, p=vol / vol.sum())
        bary = rng.dirichlet(np.ones(self.dim + 1), size=n)
        v0 = self.mesh.vertices[self.mesh.simplices[tri, 0]]
        edges = self.mesh.edge_vectors()[tri]  # (n, k, D), minimum image
        return self.wrap(v0 + np.einsum("nk,nkd->nd", bary[:, 1:], edges))

    def wrap(self, X: np.ndarray) -> np.ndarray:
        return self.mesh.wrap_points(X) if self.is_periodic else X

    def apply(self, linear: np.ndarray, translation: np.ndarray, X: np.ndarray) -> np.ndarray:
        Y = X @ np.asarray(linear).T
        if self._period is not None:
            fin = np.isfinite(self._period)
            Y[:, fin] += np.asarray(translation)[fin] * self._period[fin]
            return self.wrap(Y)
        return Y

    def locate(self, X: np.ndarray, candidates: int = 8) -> tuple[np.ndarray, np.ndarray]:
        """Containing simplex and barycentric coordinates of points on (or near) the mesh.

        Candidates are the simplices with the nearest centroids (a k-d tree, periodic on
        tori); each point takes the candidate whose barycentric coordinates (of its
        orthogonal projection onto the simplex's affine hull) are least negative, then
        the coordinates are clipped to the simplex.

        Returns
        -------
        simplex : ndarray of shape (n,) int64
        bary : ndarray of shape (n, k+1)
        """
        from scipy.spatial import cKDTree

        mesh = self.mesh
        edges = mesh.edge_vectors()  # (m, k, D)
        v0 = mesh.vertices[mesh.simplices[:, 0]]
        if self._tree is None:
            cent = v0 + edges.sum(axis=1) / (self.dim + 1)
            if self.is_periodic:
                box = np.where(np.isfinite(self._period), self._period, 0.0)
                cent = self.wrap(cent)
                self._tree = cKDTree(cent, boxsize=box if np.all(box > 0) else None)
            else:
                self._tree = cKDTree(cent)
            gram = np.einsum("mkd,mld->mkl", edges, edges)
            self._gram_inv = np.linalg.inv(gram)
        X = _as_points(X, self.ambient_dim)
        if self.is_periodic:
            X = self.wrap(X)
        kq = min(candidates, mesh.n_simplices)
        _, cand = self._tree.query(X, k=kq)
        cand = cand.reshape(len(X), kq)
        diff = X[:, None, :] - v0[cand]  # (n, c, D)
        if self.is_periodic:
            diff = mesh.wrap_difference(diff.reshape(-1, self.ambient_dim)).reshape(diff.shape)
        rhs = np.einsum("nckd,ncd->nck", edges[cand], diff)
        lam = np.einsum("nckl,ncl->nck", self._gram_inv[cand], rhs)
        bary = np.concatenate([1.0 - lam.sum(axis=2, keepdims=True), lam], axis=2)
        best = np.argmax(bary.min(axis=2), axis=1)
        rows = np.arange(len(X))
        b = np.clip(bary[rows, best], 0.0, None)
        b /= b.sum(axis=1, keepdims=True)
        return cand[rows, best].astype(np.int64), b

    def interpolation_matrix(self, X: np.ndarray) -> Any:
        """Sparse (n, n_vertices) matrix of barycentric interpolation at points X."""
        import scipy.sparse as sp

        simplex, bary = self.locate(X)
        cols = self.mesh.simplices[simplex]  # (n, k+1)
        rows = np.repeat(np.arange(len(X)), self.dim + 1)
        return sp.csr_matrix((bary.ravel(), (rows, cols.ravel())),
                             shape=(len(X), self.mesh.n_vertices))

    def to_dict(self) -> dict[str, Any]:
        return {"kind": "mesh", "name": self.name, "dim": self.dim,
                "n_vertices": int(self.mesh.n_vertices), "volume": self.volume}


# ====================================================================== kernels
class SpectralKernel:
    """Base class: K(x, y) = sum_j (1 + lam_j)^{-s} Z_j(x, y) over whole eigenspaces.

    Attributes
    ----------
    domain : SphereDomain, TorusDomain or MeshDomain
    smoothness : float
        s (the RKHS is H^s when s > d/2).
    eigenvalues : ndarray of shape (J,)
        Distinct Laplace eigenvalues kept, ascending.
    multiplicities : ndarray of shape (J,) int64
    is_complex : bool
        Whether :meth:`basis` returns complex values (Fourier modes).
    """

    domain: Any
    smoothness: float
    eigenvalues: np.ndarray
    multiplicities: np.ndarray
    is_complex = False

    @property
    def weights(self) -> np.ndarray:
        """(1 + lam_j)^{-s}, shape (J,)."""
        return (1.0 + self.eigenvalues) ** (-self.smoothness)

    @property
    def n_modes(self) -> int:
        return int(self.multiplicities.sum())

    @property
    def spec(self) -> str:
        """The manifold spec of :mod:`weylgain.exact` this kernel lives on ("S2", "T3^2"):
        the domain's name unless the kernel was built from another spec (a flat T6 from
        "T3^2", whose groups act factor by factor)."""
        return self.__dict__.get("_spec") or self.domain.name

    @property
    def band_limit(self) -> int:
        """Highest angular frequency among the kept modes."""
        raise NotImplementedError

    def __call__(self, X: np.ndarray, Y: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def basis(self, j: int, X: np.ndarray) -> np.ndarray:
        """Orthonormal basis of eigenspace j at points X: shape (n, multiplicities[j])."""
        raise NotImplementedError

    def representation(self, j: int, linear: np.ndarray, translation: np.ndarray) -> np.ndarray:
        """D_j(g) with (g.f)(x) = f(g^{-1} x) in the basis of eigenspace j."""
        raise NotImplementedError

    def features(self, X: np.ndarray) -> np.ndarray:
        """All basis functions at X, eigenspace after eigenspace: shape (n, n_modes),
        so that K(X, Y) = features(X) diag(w) features(Y)^H."""
        return np.concatenate([self.basis(j, X) for j in range(len(self.eigenvalues))], axis=1)

    def conjugate(self, j: int, coefficients: np.ndarray) -> np.ndarray:
        """Coefficients of the complex conjugate function (identity for real bases)."""
        return coefficients

    def averaged(self, action: GroupAction) -> Any:
        """The group-averaged kernel K^G(x, y) = mean_g K(g x, y) as a callable.

        Finite groups: all elements. Continuous groups: the cyclic quadrature group of
        order above the band limit, exact for this band-limited kernel.
        """
        lin, tr = action.elements()
        dom = self.domain

        def k_avg(X: np.ndarray, Y: np.ndarray) -> np.ndarray:
            out = np.zeros((len(X), len(Y)))
            for a, t in zip(lin, tr):
                out += self(dom.apply(a, t, X), Y)
            return out / len(lin)

        return k_avg

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": type(self).__name__,
            "domain": self.domain.to_dict(),
            "smoothness": float(self.smoothness),
            "n_eigenspaces": int(len(self.eigenvalues)),
            "n_modes": self.n_modes,
            "max_eigenvalue": float(self.eigenvalues[-1]),
        }


def _kernel_smoothness(kind: str, smoothness: Any) -> float:
    """The Sobolev order of a kernel: a positive finite number (a clear ParameterError)."""
    from ..errors import ParameterError

    try:
        ok = not isinstance(smoothness, (bool, str, bytes)) and math.isfinite(float(smoothness))
        s = float(smoothness) if ok else math.nan
    except (TypeError, ValueError):
        s = math.nan
    if not s > 0:
        raise ParameterError(f"{kind}: smoothness must be a positive finite number (the Sobolev "
                             f"order s of the kernel); got {smoothness!r}")
    return s


def _kernel_integer(kind: str, what: str, value: Any, minimum: int) -> int:
    """An integer size of a kernel (``max_degree``, ``max_level``, ``n_eigenpairs``)."""
    from ..errors import ParameterError

    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
        raise ParameterError(f"{kind}: {what} must be an integer; got {value!r}")
    if value < minimum:
        raise ParameterError(f"{kind}: {what} must be at least {minimum}; got {value}")
    return int(value)


def _check_kernel_memory(kind: str, n_entries: float, advice: str) -> None:
    """Refuse, before allocating, a kernel whose tables (8 bytes an entry) cannot fit."""
    from ..resources import MemoryEstimate, check_memory

    check_memory(MemoryEstimate(f"the {kind}", 8.0 * 4.0 * float(n_entries),
                                f"about {float(n_entries):.3g} modes"), advice)


class SphereKernel(SpectralKernel):
    """Sobolev kernel on S^d through the addition theorem (exact, any d).

    K(x, y) = sum_{l <= L} (1 + l(l+d-1))^{-s} dim_l / vol(S^d) * P_l(<x, y>).

    Parameters
    ----------
    dim : int, default 2
    smoothness : float, default 1.5
    max_degree : int, default 24
        L (whole degrees are kept).
    """

    def __init__(self, dim: int = 2, smoothness: float = 1.5, max_degree: int = 24) -> None:
        self.domain = SphereDomain(dim)
        if isinstance(dim, (int, np.integer)) and dim > 64:
            raise WeylgainError(f"SphereKernel: dim = {dim} is beyond the 64 dimensions its "
                                "harmonic tables are computed for")
        self.smoothness = _kernel_smoothness("SphereKernel", smoothness)
        self.max_degree = _kernel_integer("SphereKernel", "max_degree", max_degree, 0)
        # the anchor set holds about 2 dim_L points of S^d: refuse what cannot fit
        _check_kernel_memory("SphereKernel", 2.0 * (dim + 1) * float(self.max_degree + 1)
                             ** (dim - 1) * 2.0 / math.gamma(dim), "lower max_degree")
        ls = np.arange(self.max_degree + 1)
        self.eigenvalues = (ls * (ls + dim - 1)).astype(np.float64)
        self.multiplicities = np.array([harmonic_dimension(int(l), dim) for l in ls], np.int64)
        self._bases: dict[int, ZonalBasis] = {}
        # one shared, oversampled anchor set serves every degree (features in one sweep)
        rng = np.random.default_rng([0, self.max_degree, dim])
        p = rng.standard_normal((2 * int(self.multiplicities[-1]) + 4, dim + 1))
        self._anchors = p / np.linalg.norm(p, axis=1, keepdims=True)

    @property
    def band_limit(self) -> int:
        return self.max_degree

    def features(self, X: np.ndarray) -> np.ndarray:
        from .._harmonics import _iterate_normalized

        X = _as_points(X, self.domain.ambient_dim)
        t = np.clip(X @ self._anchors.T, -1.0, 1.0)
        vol = self.domain.volume
        parts = []
        for l, p in _iterate_normalized(t, self.max_degree,
                                        self.domain.dim):
            b = self._basis(l)
            parts.append((b.dimension / vol) * p @ b.coefficients)
        return np.concatenate(parts, axis=1)

    def __call__(self, X: np.ndarray, Y: np.ndarray) -> np.ndarray:
        D = self.domain.ambient_dim
        return zonal_series(_as_points(X, D) @ _as_points(Y, D, "Y").T, self.weights,
                            self.domain.dim)

    def _basis(self, j: int) -> ZonalBasis:
        if j not in self._bases:
            self._bases[j] = ZonalBasis(j, self.domain.dim, anchors=self._anchors)
        return self._bases[j]

    def basis(self, j: int, X: np.ndarray) -> np.ndarray:
        return self._basis(j).evaluate(_as_points(X, self.domain.ambient_dim))

    def representation(self, j: int, linear: np.ndarray, translation: np.ndarray) -> np.ndarray:
        return self._basis(j).representation(linear)

    def averaged(self, action: GroupAction) -> Any:
        """Exact Haar average for rotations fixing an axis (zonal harmonics, m = 0):
        the mean of P_l(<g x, y>) over the stabilizer of e_a is P_l(x_a) P_l(y_a)."""
        a = (action.group.zonal_axis(self.domain.dim)
             if hasattr(action.group, "zonal_axis") else None)
        if a is None:
            return super().averaged(action)
        d = self.domain.dim
        w = self.weights * self.multiplicities / self.domain.volume
        from .._harmonics import _iterate_normalized

        def k_zonal(X: np.ndarray, Y: np.ndarray) -> np.ndarray:
            px = np.stack([p.copy() for _, p in _iterate_normalized(
                np.clip(X[:, a], -1, 1), self.max_degree, d)], axis=1)
            py = np.stack([p.copy() for _, p in _iterate_normalized(
                np.clip(Y[:, a], -1, 1), self.max_degree, d)], axis=1)
            return (px * w) @ py.T

        return k_zonal

    def to_dict(self) -> dict[str, Any]:
        out = super().to_dict()
        out["max_degree"] = self.max_degree
        return out


def _lattice_ball(dim: int, max_level: int) -> np.ndarray:
    """All k in Z^dim with ``|k|^2`` <= max_level, shape (N, dim) int64 (pruned enumeration)."""
    r = int(math.isqrt(max_level))
    pts = np.zeros((1, 0), dtype=np.int64)
    norms = np.zeros(1, dtype=np.int64)
    vals = np.arange(-r, r + 1, dtype=np.int64)
    for _ in range(dim):
        new_norm = norms[:, None] + vals[None, :] ** 2
        keep = new_norm <= max_level
        rows, cols = np.nonzero(keep)
        pts = np.concatenate([pts[rows], vals[cols][:, None]], axis=1)
        norms = new_norm[rows, cols]
    return pts


class TorusKernel(SpectralKernel):
    """Sobolev kernel on a flat torus from its Fourier modes, truncated at ``|k|^2`` <= L.

    Modes phi_k(x) = exp(2 pi i k.x / P) / sqrt(vol), eigenvalue (2 pi / P)^2 ``|k|^2``.

    Parameters
    ----------
    dim : int
    smoothness : float
    max_level : int
        L: keep every k in Z^d with ``|k|^2`` <= L (whole eigenspaces).
    period : float, default 2 pi
    origin : float, default 0.0
    """

    is_complex = True

    def __init__(self, dim: int = 2, smoothness: float = 2.0, max_level: int = 100,
                 period: float = 2 * math.pi, origin: float = 0.0) -> None:
        self.domain = TorusDomain(dim, period, origin)
        if isinstance(dim, (int, np.integer)) and dim > 64:
            raise WeylgainError(f"TorusKernel: dim = {dim} is beyond the 64 dimensions its "
                                "mode tables are computed for")
        self.smoothness = _kernel_smoothness("TorusKernel", smoothness)
        self.max_level = _kernel_integer("TorusKernel", "max_level", max_level, 0)
        # |k|^2 <= L holds about omega_d L^(d/2) modes (the enumeration keeps a cube slab)
        _check_kernel_memory("TorusKernel", (dim + 1) * (2.0 * math.sqrt(self.max_level) + 1)
                             ** dim, "lower max_level")
        modes = _lattice_ball(dim, self.max_level)
        levels = np.sum(modes ** 2, axis=1)
        order = np.lexsort(modes.T[::-1].tolist() + [levels]) if dim else np.argsort(levels)
        self.modes = modes[order]
        self.levels_of_modes = levels[order]
        self.levels, starts, counts = np.unique(self.levels_of_modes, return_index=True,
                                                return_counts=True)
        self._starts = starts
        self.multiplicities = counts.astype(np.int64)
        self.eigenvalues = (2 * math.pi / period) ** 2 * self.levels.astype(np.float64)
        self._index: dict[int, dict[tuple, int]] = {}

    @property
    def band_limit(self) -> int:
        return int(np.abs(self.modes).max()) if len(self.modes) else 0

    def _phases(self, X: np.ndarray, modes: np.ndarray) -> np.ndarray:
        return (2 * math.pi / self.domain.period) * (X @ modes.T.astype(np.float64))

    def __call__(self, X: np.ndarray, Y: np.ndarray) -> np.ndarray:
        X = _as_points(X, self.domain.dim)
        Y = _as_points(Y, self.domain.dim, "Y")
        w = np.repeat(self.weights, self.multiplicities) / self.domain.volume
        px, py = self._phases(X, self.modes), self._phases(Y, self.modes)
        return (np.cos(px) * w) @ np.cos(py).T + (np.sin(px) * w) @ np.sin(py).T

    def eigenspace_modes(self, j: int) -> np.ndarray:
        """The k vectors of eigenspace j, shape (m_j, d)."""
        s = self._starts[j]
        return self.modes[s:s + self.multiplicities[j]]

    def basis(self, j: int, X: np.ndarray) -> np.ndarray:
        X = _as_points(X, self.domain.dim)
        return np.exp(1j * self._phases(X, self.eigenspace_modes(j))) / math.sqrt(
            self.domain.volume)

    def _mode_index(self, j: int) -> dict[tuple, int]:
        if j not in self._index:
            self._index[j] = {tuple(k): i for i, k in enumerate(self.eigenspace_modes(j))}
        return self._index[j]

    def representation(self, j: int, linear: np.ndarray, translation: np.ndarray) -> np.ndarray:
        """Monomial matrix: g.phi_k = exp(-2 pi i (A k).t) phi_{A k} for g x = A x + t P."""
        A = np.asarray(linear, dtype=np.float64)
        Ai = np.rint(A).astype(np.int64)
        if np.abs(A - Ai).max() > 1e-9:
            raise WeylgainError("a torus isometry must have a signed-permutation linear part")
        modes = self.eigenspace_modes(j)
        images = modes @ Ai.T
        index = self._mode_index(j)
        m = len(modes)
        D = np.zeros((m, m), dtype=np.complex128)
        phase = np.exp(-2j * math.pi * (images @ np.asarray(translation, dtype=np.float64)))
        for col, k in enumerate(images):
            D[index[tuple(k)], col] = phase[col]
        return D

    def real_transform(self, j: int) -> np.ndarray:
        """Unitary T (m_j, m_j) with basis(j, X) @ T real: sqrt(2) cos and sqrt(2) sin of
        k.x for each pair {k, -k} (and the constant for k = 0)."""
        index = self._mode_index(j)
        modes = self.eigenspace_modes(j)
        m = len(modes)
        T = np.zeros((m, m), dtype=np.complex128)
        col = 0
        for i, k in enumerate(modes):
            ineg = index[tuple(-k)]
            if ineg == i:  # k = 0
                T[i, col] = 1.0
                col += 1
            elif tuple(k) > tuple(-k):
                r = 1.0 / math.sqrt(2.0)
                T[i, col], T[ineg, col] = r, r  # sqrt(2) cos(k.x)
                T[i, col + 1], T[ineg, col + 1] = -1j * r, 1j * r  # sqrt(2) sin(k.x)
                col += 2
        return T

    def conjugate(self, j: int, coefficients: np.ndarray) -> np.ndarray:
        index = self._mode_index(j)
        neg = np.array([index[tuple(-k)] for k in self.eigenspace_modes(j)])
        return np.conj(coefficients[neg])

    def to_dict(self) -> dict[str, Any]:
        out = super().to_dict()
        out["max_level"] = self.max_level
        return out


class MeshKernel(SpectralKernel):
    """Sobolev kernel from FEM eigenpairs of a mesh, evaluated by barycentric interpolation.

    Parameters
    ----------
    mesh : weylgain.mesh.Mesh
    smoothness : float
    n_eigenpairs : int
        How many eigenpairs to compute; the top cluster is dropped if it may be incomplete,
        so whole (numerically degenerate) eigenspaces are kept.
    cluster_tol : float, default 1e-6
        Relative gap below which eigenvalues belong to one cluster.
    """

    def __init__(self, mesh: Any, smoothness: float = 1.5, n_eigenpairs: int = 80,
                 cluster_tol: float = 1e-6) -> None:
        from ..fem import laplacian
        from ..spectrum import eigenvalues as fem_eigenpairs

        self.domain = MeshDomain(mesh)
        self.smoothness = _kernel_smoothness("MeshKernel", smoothness)
        n_eigenpairs = _kernel_integer("MeshKernel", "n_eigenpairs", n_eigenpairs, 1)
        try:
            cluster_tol = float(cluster_tol)
        except (TypeError, ValueError):
            cluster_tol = math.nan
        if not (math.isfinite(cluster_tol) and 0 <= cluster_tol < 1):
            from ..errors import ParameterError

            raise ParameterError(f"MeshKernel: cluster_tol must be a number in [0, 1) (a "
                                 f"relative gap); got {cluster_tol!r}")
        K, M = laplacian(mesh)
        k = min(n_eigenpairs + 1, mesh.n_vertices)
        vals, vecs = fem_eigenpairs(K, M, k, return_eigenvectors=True)
        vals = np.maximum(vals, 0.0)
        scale = max(1.0, float(vals[-1]))
        new_cluster = np.diff(vals) > cluster_tol * scale
        starts = np.concatenate([[0], np.flatnonzero(new_cluster) + 1])
        if k < mesh.n_vertices:
            starts_end = starts[-1]  # the top cluster may continue past k: drop it
        else:
            starts_end = len(vals)
        if starts_end == 0:
            raise MeshError("too few eigenpairs for one complete eigenspace; raise n_eigenpairs")
        self._vecs = vecs[:, :starts_end]
        self._M = M
        st = starts[starts < starts_end]
        self._starts = st
        self.multiplicities = np.diff(np.concatenate([st, [starts_end]])).astype(np.int64)
        self.eigenvalues = np.array([vals[s:s + m].mean() for s, m in
                                     zip(st, self.multiplicities)])
        self._perm_cache: dict[bytes, np.ndarray] = {}

    @property
    def band_limit(self) -> int:
        return int(math.ceil(math.sqrt(self.eigenvalues[-1]))) + 1

    def _values(self, X: np.ndarray) -> np.ndarray:
        return self.domain.interpolation_matrix(X) @ self._vecs

    def __call__(self, X: np.ndarray, Y: np.ndarray) -> np.ndarray:
        w = np.repeat(self.weights, self.multiplicities)
        return (self._values(X) * w) @ self._values(Y).T

    def features(self, X: np.ndarray) -> np.ndarray:
        # one point location for all eigenspaces, not one per eigenspace
        return self._values(X)

    def basis(self, j: int, X: np.ndarray) -> np.ndarray:
        s = self._starts[j]
        return self.domain.interpolation_matrix(X) @ self._vecs[:, s:s + self.multiplicities[j]]

    def _vertex_preimage(self, linear: np.ndarray, translation: np.ndarray) -> np.ndarray:
        """perm[v] = index of the vertex g^{-1}(v); NotInvariantError if none matches."""
        from scipy.spatial import cKDTree

        from ..errors import NotInvariantError

        key = np.concatenate([np.ravel(linear), translation]).round(10).tobytes()
        if key in self._perm_cache:
            return self._perm_cache[key]
        mesh = self.domain.mesh
        V = mesh.vertices
        A = np.asarray(linear)
        per = self.domain.period
        # g^{-1} x = A^T (x - t P)
        shift = np.zeros(V.shape[1]) if per is None else np.where(
            np.isfinite(per), np.asarray(translation) * per, 0.0)
        pre = self.domain.wrap((V - shift) @ A)
        if self.domain.is_periodic:
            tree = cKDTree(self.domain.wrap(V), boxsize=np.where(np.isfinite(per), per, 0.0))
        else:
            tree = cKDTree(V)
        dist, idx = tree.query(pre)
        if dist.max() > 1e-8 * max(1.0, mesh.h):
            raise NotInvariantError(
                "the mesh is not invariant under a group generator (a vertex image is "
                f"{dist.max():.2e} away from every vertex); use a symmetric mesh"
            )
        self._perm_cache[key] = idx
        return idx

    def representation(self, j: int, linear: np.ndarray, translation: np.ndarray) -> np.ndarray:
        perm = self._vertex_preimage(linear, translation)
        s = self._starts[j]
        phi = self._vecs[:, s:s + self.multiplicities[j]]
        return phi.T @ (self._M @ phi[perm])
