"""Spherical harmonics without coordinates: Gegenbauer sums and zonal eigenspace bases.

The degree-l eigenspace of the Laplacian on the unit sphere S^d (in R^{d+1}) has the
reproducing kernel (addition theorem)

    Z_l(x, y) = dim_l / vol(S^d) * P_l(<x, y>),    P_l = C_l^{(d-1)/2} / C_l^{(d-1)/2}(1),

so kernels and orthonormal bases of each eigenspace can be built from inner products alone,
in any dimension. Private helpers of :mod:`weylgain.learning`.
"""

from __future__ import annotations

import math

import numpy as np

__all__ = [
    "sphere_volume",
    "harmonic_dimension",
    "normalized_gegenbauer",
    "zonal_series",
    "ZonalBasis",
]


def sphere_volume(d: int) -> float:
    """Volume of the unit sphere S^d in R^{d+1}: 2 pi^{(d+1)/2} / Gamma((d+1)/2)."""
    return 2.0 * math.pi ** ((d + 1) / 2) / math.gamma((d + 1) / 2)


def harmonic_dimension(l: int, d: int) -> int:
    """Dimension of the degree-l harmonics on S^d: C(l+d, d) - C(l+d-2, d)."""
    if l < 0:
        return 0
    if l < 2:
        return 1 if l == 0 else d + 1
    return math.comb(l + d, d) - math.comb(l + d - 2, d)


def _iterate_normalized(t: np.ndarray, max_degree: int, d: int):
    """Yield (l, P_l(t)) for l = 0..max_degree, P_l the Gegenbauer polynomial with P_l(1) = 1."""
    alpha = (d - 1) / 2.0
    p_prev = np.ones_like(t)
    yield 0, p_prev
    if max_degree == 0:
        return
    # Unnormalized three-term recursion, with its value at 1 carried along to normalize.
    if alpha == 0.0:  # Chebyshev (circle): T_{l+1} = 2 t T_l - T_{l-1}
        p_cur = t.copy()
        yield 1, p_cur
        for l in range(1, max_degree):
            p_prev, p_cur = p_cur, 2.0 * t * p_cur - p_prev
            yield l + 1, p_cur
        return
    c_prev, c_cur = np.ones_like(t), 2.0 * alpha * t
    n_prev, n_cur = 1.0, 2.0 * alpha
    yield 1, c_cur / n_cur
    for l in range(1, max_degree):
        c_next = (2.0 * (l + alpha) * t * c_cur - (l + 2.0 * alpha - 1.0) * c_prev) / (l + 1)
        n_next = (2.0 * (l + alpha) * n_cur - (l + 2.0 * alpha - 1.0) * n_prev) / (l + 1)
        # Renormalize both to keep the numbers O(1) whatever the degree.
        c_prev, c_cur = c_cur / n_next, c_next / n_next
        n_prev, n_cur = n_cur / n_next, 1.0
        yield l + 1, c_cur


def normalized_gegenbauer(l: int, d: int, t: np.ndarray) -> np.ndarray:
    """P_l(t) for S^d, normalized so that P_l(1) = 1 (Legendre for d = 2, cos(l acos t) for d = 1).

    Parameters
    ----------
    l : int
        Degree.
    d : int
        Sphere dimension (S^d in R^{d+1}).
    t : ndarray
        Cosines of angles, any shape.

    Returns
    -------
    ndarray, same shape as ``t``
    """
    t = np.clip(np.asarray(t, dtype=np.float64), -1.0, 1.0)
    for deg, p in _iterate_normalized(t, l, d):
        if deg == l:
            return p
    raise AssertionError("unreachable")


def zonal_series(t: np.ndarray, coefficients: np.ndarray, d: int) -> np.ndarray:
    """sum_l coefficients[l] * dim_l / vol(S^d) * P_l(t): a zonal kernel from its spectrum.

    Parameters
    ----------
    t : ndarray
        Inner products <x, y>, any shape (clipped to [-1, 1]).
    coefficients : ndarray of shape (L+1,)
        Weight of each degree 0..L.
    d : int
        Sphere dimension.

    Returns
    -------
    ndarray, same shape as ``t``
    """
    t = np.clip(np.asarray(t, dtype=np.float64), -1.0, 1.0)
    coefficients = np.asarray(coefficients, dtype=np.float64)
    vol = sphere_volume(d)
    out = np.zeros_like(t)
    for l, p in _iterate_normalized(t, len(coefficients) - 1, d):
        if coefficients[l] != 0.0:
            out += (coefficients[l] * harmonic_dimension(l, d) / vol) * p
    return out


class ZonalBasis:
    """An L^2(S^d)-orthonormal basis of the degree-l harmonics from reproducing kernels.

    The functions Z_l(., p_j) at m > dim_l random points p_j span the eigenspace; with the
    eigendecomposition Z_l(P, P) = U diag(w) U^T (rank dim_l) the functions
    psi_k = sum_j U_jk Z_l(., p_j) / sqrt(w_k) are orthonormal, because
    <Z_l(., p), Z_l(., q)> = Z_l(p, q) (reproducing property).

    The action (g.f)(x) = f(g^{-1} x) maps Z_l(., p) to Z_l(., g p), so in this basis

        D(g) = diag(w)^{-1/2} U^T Z_l(P, g P) U diag(w)^{-1/2},

    an orthogonal matrix computed from inner products only.

    Parameters
    ----------
    l : int
        Degree.
    d : int
        Sphere dimension (points live in R^{d+1}).
    seed : int
        Seed of the anchor points (fixed so that bases are reproducible).
    """

    def __init__(self, l: int, d: int, seed: int = 0, anchors: np.ndarray | None = None) -> None:
        self.l = int(l)
        self.d = int(d)
        self.dimension = harmonic_dimension(self.l, self.d)
        self._scale = self.dimension / sphere_volume(self.d)
        if anchors is None:
            rng = np.random.default_rng([seed, self.l, self.d])
            m = 2 * self.dimension + 4  # oversampling keeps the Gram matrix well conditioned
            p = rng.standard_normal((m, self.d + 1))
            anchors = p / np.linalg.norm(p, axis=1, keepdims=True)
        if len(anchors) < self.dimension:
            raise ValueError("fewer anchor points than the dimension of the eigenspace")
        self.anchors = anchors
        gram = self.kernel(self.anchors, self.anchors)
        w, u = np.linalg.eigh(gram)
        keep = np.argsort(w)[::-1][: self.dimension]
        self._weights = w[keep]
        if self._weights.min() <= 1e-8 * self._weights.max():
            raise ArithmeticError(f"degenerate anchor set for degree {l} on S^{d}")
        self._coef = u[:, keep] / np.sqrt(self._weights)  # (m, dim_l)

    def kernel(self, X: np.ndarray, Y: np.ndarray) -> np.ndarray:
        """The reproducing kernel Z_l(X, Y), shape (len(X), len(Y))."""
        return self._scale * normalized_gegenbauer(self.l, self.d, X @ Y.T)

    @property
    def coefficients(self) -> np.ndarray:
        """(m_anchors, dim_l): psi = Z_l(., anchors) @ coefficients."""
        return self._coef

    def evaluate(self, X: np.ndarray) -> np.ndarray:
        """Basis functions at points X (n, d+1): ndarray of shape (n, dim_l)."""
        return self.kernel(X, self.anchors) @ self._coef

    def representation(self, linear: np.ndarray) -> np.ndarray:
        """D(g) of shape (dim_l, dim_l) for the orthogonal map x -> linear @ x."""
        moved = self.anchors @ np.asarray(linear, dtype=np.float64).T
        return self._coef.T @ self.kernel(self.anchors, moved) @ self._coef
