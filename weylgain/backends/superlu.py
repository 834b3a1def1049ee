"""scipy's SuperLU forced into diagonal pivoting: the always-available route.

With ``SymmetricMode``, ``diag_pivot_thresh=0`` and a natural column order on a matrix
already permuted by nested dissection, SuperLU keeps perm_r == perm_c == identity whenever it
can; then P A P^T = L U with L unit lower triangular, U = D L^T, and the negative entries of
diag U count the negative eigenvalues. It computes both triangles (no use of symmetry) and
cannot pivot off the diagonal without losing the inertia, so every factorization is checked:
identity permutations, no zero pivot, bounded growth of L.
"""

from __future__ import annotations

import warnings

import numpy as np
import scipy.sparse as sp
import scipy.sparse.linalg as spla

from .base import Backend, Factorization, Inertia
from .pencil import Pencil

__all__ = ["SuperLUBackend"]

_GROWTH_LIMIT = 1e8


class _SuperLUFactorization(Factorization):
    def __init__(self, sigma, values, inertia, lu, perm, inv) -> None:
        super().__init__(sigma, values, inertia)
        self._lu = lu
        self._perm = perm
        self._inv = inv

    def solve(self, b: np.ndarray) -> np.ndarray:
        if self._lu is None:
            raise RuntimeError("no factors (the factorization failed)")
        return self._lu.solve(np.ascontiguousarray(b[self._perm]))[self._inv]

    def free(self) -> None:
        self._lu = None


class SuperLUBackend(Backend):
    """SuperLU LU with diagonal pivots in a nested-dissection order (computed once)."""

    name = "superlu"
    ordering = "nd"

    @classmethod
    def available(cls) -> tuple[bool, str]:
        return True, ""

    def __init__(self, pencil: Pencil) -> None:
        super().__init__(pencil)
        from .._kernels.ordering import nested_dissection

        n = pencil.n
        pattern = pencil.symmetric_pattern()
        perm = nested_dissection(pattern.indptr.astype(np.int64),
                                 pattern.indices.astype(np.int64), n, 64)
        del pattern
        inv = np.empty_like(perm)
        inv[perm] = np.arange(n)
        self._perm, self._inv = perm, inv
        # the permuted full matrix's CSC arrays, and for each of its entries the position of
        # its value in the pencil's upper triangle: a shift is then one gather, no sorting
        rows = np.repeat(np.arange(n, dtype=np.int64), np.diff(pencil.indptr))
        cols = pencil.indices.astype(np.int64)
        src = np.arange(pencil.nnz, dtype=np.float64) + 1.0
        off = rows != cols
        r = np.concatenate([inv[rows], inv[cols[off]]])
        c = np.concatenate([inv[cols], inv[rows[off]]])
        s = np.concatenate([src, src[off]])
        del rows, cols, src, off
        full = sp.csc_matrix((s, (r, c)), shape=(n, n))
        del r, c, s
        self._src = full.data.astype(np.int64) - 1
        self._indices = full.indices
        self._indptr = full.indptr
        del full
        from ..resources import check_factorization_memory, superlu_factor_memory

        # refuse, before the numerical factorization, factors that cannot fit
        self.factor_memory = superlu_factor_memory(self._indptr, self._indices, n)
        check_factorization_memory(self.factor_memory)

    def matrix(self, values: np.ndarray) -> sp.csc_matrix:
        """The permuted K - sigma M (full, CSC) from its upper-triangular values."""
        n = self.pencil.n
        return sp.csc_matrix((values[self._src], self._indices, self._indptr), shape=(n, n),
                             copy=False)

    def factor(self, sigma: float) -> Factorization:
        values = self.pencil.values(sigma)
        A = self.matrix(values)
        n = self.pencil.n
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", sp.SparseEfficiencyWarning)
            try:
                lu = spla.splu(A, permc_spec="NATURAL", diag_pivot_thresh=0.0,
                               options=dict(SymmetricMode=True, Equil=False))
            except RuntimeError as exc:  # exactly singular
                bad = Inertia(-1, -1, -1, False, f"singular factorization ({exc})")
                return _SuperLUFactorization(sigma, values, bad, None, self._perm, self._inv)
        del A
        ident = np.arange(n)
        u = lu.U.diagonal()
        neg = int((u < 0).sum())
        zero = int((u == 0).sum())
        counts = (neg, zero, n - neg - zero)
        if not (np.array_equal(lu.perm_r, ident) and np.array_equal(lu.perm_c, ident)):
            # an off-diagonal pivot: L U is no longer L D L^T of the ordered matrix
            inertia = Inertia(*counts, False, "off-diagonal pivoting")
        elif not np.isfinite(u).all() or zero:
            inertia = Inertia(*counts, False, "zero pivot")
        else:
            growth = float(np.abs(lu.L.data).max())
            if not growth < _GROWTH_LIMIT:
                inertia = Inertia(*counts, False, f"element growth {growth:.2g} in L")
            else:
                inertia = Inertia(*counts, True)
        return _SuperLUFactorization(sigma, values, inertia, lu, self._perm, self._inv)
