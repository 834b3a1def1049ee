"""The maximal-torus data of a compact group's connected part and the monomials it weighs:
shared by the Lie-algebra counts (:mod:`weylgain.exact.lie`) and their twisted Weyl
integration for finite parts (:mod:`weylgain.exact._twisted`)."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..errors import CountingError

#: Largest number of monomials of one degree enumerated (memory: ~8 D bytes each).
MAX_MONOMIALS = 20_000_000


@dataclass(frozen=True)
class LieTorusData:
    """A maximal torus of the connected part in integer weight coordinates.

    Attributes
    ----------
    unitary : ndarray of shape (D, D), complex128
        Columns are the eigen-coordinates: ``z = unitary^H x``.
    weights : ndarray of shape (D, r), int64
        Integer weight of each coordinate ``z_j`` (rank r of the torus).
    roots : ndarray of shape (n_roots, r), int64
        The roots (weight shifts of the complexified algebra), positive ones first.
    n_positive : int
        Number of positive roots.
    root_operators : tuple of (ndarray (r,), ndarray (D, D) complex128)
        ``(alpha, E)``: the components of the algebra of weight ``alpha > 0`` in the
        z-coordinates.
    weyl_shifts : ndarray of shape (n_W, r), int64 (n_W the order of the Weyl group)
        ``rho - w rho`` for every Weyl group element w.
    weyl_signs : ndarray of shape (n_W,), int64
        ``sign(w)``.
    """

    unitary: np.ndarray
    weights: np.ndarray
    roots: np.ndarray
    n_positive: int
    root_operators: tuple
    weyl_shifts: np.ndarray
    weyl_signs: np.ndarray

    @property
    def rank(self) -> int:
        return int(self.weights.shape[1])

    @property
    def abelian(self) -> bool:
        return self.roots.shape[0] == 0


def _monomials(dim: int, degree: int) -> np.ndarray:
    n = math.comb(degree + dim - 1, dim - 1)
    if n > MAX_MONOMIALS:
        raise CountingError(
            f"{n} monomials of degree {degree} in {dim} variables exceed the budget "
            f"({MAX_MONOMIALS}); lower lam")
    from .._kernels.polynomials import monomial_exponents

    return monomial_exponents(int(dim), int(degree))


def _weights_of(exponents: np.ndarray, weights: np.ndarray) -> np.ndarray:
    from .._kernels.polynomials import weight_of_monomials

    return weight_of_monomials(exponents, np.ascontiguousarray(weights, dtype=np.int64))
