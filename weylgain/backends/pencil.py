"""A checked symmetric pencil (K, M), stored once: the upper triangles on one shared pattern.

Every backend factors K - sigma M for many shifts. Holding K, M, their permuted copies and a
pattern at once costs several times the matrix; here the pencil is half of one sparse matrix
(the upper triangle of the union pattern of K and M) with two value arrays, and
K - sigma M at a shift is one array subtraction on that pattern. The symmetry check reads
the input in place (a numba kernel), so no transposed copy is made either.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import scipy.linalg as sla
import scipy.sparse as sp

from ..errors import MatrixError

__all__ = ["Pencil"]

# relative asymmetry accepted as round-off
_SYMMETRY_RTOL = 1e-10


def _as_canonical_csr(A: Any, name: str) -> sp.csr_matrix:
    """A as float64 canonical CSR, sharing the caller's arrays when they already are."""
    if sp.issparse(A):
        B = A.tocsr() if A.format != "csr" else A
        if B.dtype != np.float64:
            if B.dtype.kind not in "iuf":
                raise MatrixError(f"{name} must be a real matrix; got dtype {B.dtype}")
            B = B.astype(np.float64)
        if not B.has_canonical_format:
            B = B.copy()  # sum_duplicates works in place: never on the caller's matrix
            B.sum_duplicates()
    else:
        try:
            arr = np.asarray(A)
        except (ValueError, TypeError) as exc:  # ragged nested lists
            raise MatrixError(f"{name} must be a real scipy sparse matrix or a rectangular "
                              f"array; got {type(A).__name__} that numpy cannot read ({exc})"
                              ) from None
        if arr.dtype == object or arr.dtype.kind not in "iuf":
            raise MatrixError(f"{name} must be a real scipy sparse matrix or array; got {arr.dtype}")
        if arr.ndim != 2:
            raise MatrixError(f"{name} must be 2-dimensional; got shape {arr.shape}")
        B = sp.csr_matrix(arr.astype(np.float64))
    if B.ndim != 2 or B.shape[0] != B.shape[1]:
        raise MatrixError(f"{name} must be square; got shape {B.shape}")
    if not np.isfinite(B.data).all():
        raise MatrixError(f"{name} has non-finite entries (NaN or inf)")
    return B


class Pencil:
    """K and M checked (real, square, same shape, finite, symmetric, positive mass diagonal)
    and stored as their upper triangles on one pattern.

    Parameters
    ----------
    K : sparse matrix or array of shape (n, n)
        Symmetric.
    M : sparse matrix or array of shape (n, n)
        Symmetric with a positive diagonal (positive definiteness is screened separately,
        :meth:`check_mass_positive_definite`).

    Attributes
    ----------
    n : int
    indptr : ndarray of shape (n + 1,), int32
        Row pointers of the upper-triangular union pattern (CSR, sorted rows; the first entry
        of every row is its diagonal).
    indices : ndarray of shape (nnz,), int32
    k_values, m_values : ndarray of shape (nnz,), float64
        The upper triangles of K and M on that pattern.
    scale : float
        ``max |K_ii| / M_ii``, the order of the largest eigenvalue.
    typical_scale : float
        ``||K||_inf n / sum M_ii``: how far round-off moves an eigenvalue with a spread-out
        eigenvector (sets the counter's absolute tolerance near 0).
    """

    def __init__(self, K: Any, M: Any) -> None:
        from .._kernels.pencil import max_asymmetry, upper_union

        Kc = _as_canonical_csr(K, "K")
        Mc = _as_canonical_csr(M, "M")
        if Kc.shape != Mc.shape:
            raise MatrixError(f"K and M must have the same shape; got {Kc.shape} and {Mc.shape}")
        n = Kc.shape[0]
        if n == 0:
            raise MatrixError("K and M are empty")
        arrays = {}
        for name, B in (("K", Kc), ("M", Mc)):
            ip = np.ascontiguousarray(B.indptr, dtype=np.int64)
            ix = np.ascontiguousarray(B.indices, dtype=np.int64)
            dt = np.ascontiguousarray(B.data, dtype=np.float64)
            scale = float(np.abs(dt).max()) if dt.size else 0.0
            asym = float(max_asymmetry(ip, ix, dt, n)) if dt.size else 0.0
            if asym > _SYMMETRY_RTOL * max(scale, np.finfo(float).tiny):
                raise MatrixError(
                    f"{name} is not symmetric (max |{name} - {name}^T| = {asym:.3g} against max "
                    f"|{name}| = {scale:.3g}); symmetrize it, e.g. ({name} + {name}.T) / 2"
                )
            arrays[name] = (ip, ix, dt)
        del Kc, Mc
        indptr, indices, kval, mval = upper_union(*arrays["K"], *arrays["M"], n)
        del arrays
        first = indptr[:-1]
        # rows hold columns j >= i in order: the first entry is the diagonal when present
        nonempty = np.flatnonzero(indptr[1:] > first)
        d = np.zeros(n)
        on_diag = nonempty[indices[first[nonempty]] == nonempty]
        d[on_diag] = mval[first[on_diag]]
        if not (d > 0).all():
            i = int(np.flatnonzero(~(d > 0))[0])
            raise MatrixError(f"M must be positive definite; its diagonal entry {i} is {d[i]:.3g}")
        if indices.size >= 2**31:
            raise MatrixError(f"the pencil has {indices.size} upper-triangular entries; "
                              "at most 2^31 - 1 are supported")
        self.n = int(n)
        # int32 like the indices: scipy would otherwise upcast the indices at every product
        self.indptr = indptr.astype(np.int32)
        self.indices = indices
        self.k_values = kval
        self.m_values = mval
        dK = np.zeros(n)
        dK[on_diag] = kval[first[on_diag]]
        self.scale = float(max(np.max(np.abs(dK) / d), np.finfo(float).tiny))
        # ||K||_inf n / sum M_ii: a perturbation E of K moves an eigenvalue with a spread-out
        # eigenvector v (v^T M v = 1, so ||v||^2 ~ n / sum M_ii) by up to ||E|| ||v||^2.
        # Unlike scale it ignores the tiny elements of a graded mesh, which carry huge
        # K_ii / M_ii but little of either trace
        #: ``||K||_inf`` (computed once: the certificate's norm bound reuses it)
        self.k_norm1 = self.norm1(kval)
        typical = float(self.k_norm1 * n / d.sum())
        self.typical_scale = typical if math.isfinite(typical) and typical > 0 else self.scale
        self._mass_bound: float | None = None
        self._mass_bound_known = False
        self._m_rows: np.ndarray | None = None  # row sums of |M|, once
        #: how :meth:`mass_lower_bound` was proven: "" (not yet, or none), "dominance"
        #: (diagonal or strictly diagonally dominant M) or "triangles"
        self.mass_bound_kind = ""

    # ---- values and products
    @property
    def nnz(self) -> int:
        """Entries of the upper-triangular pattern."""
        return int(self.indices.size)

    def values(self, sigma: float) -> np.ndarray:
        """The upper triangle of K - sigma M on the pattern (a new array)."""
        out = self.m_values * (-float(sigma))
        out += self.k_values
        return out

    def upper(self, values: np.ndarray) -> sp.csr_matrix:
        """The upper triangle with these values as a CSR matrix (the pattern is shared)."""
        U = sp.csr_matrix((values, self.indices, self.indptr), shape=(self.n, self.n),
                          copy=False)
        U.has_sorted_indices = True
        return U

    def diagonal(self, values: np.ndarray) -> np.ndarray:
        return values[self.indptr[:-1]]

    def matvec(self, values: np.ndarray, x: np.ndarray) -> np.ndarray:
        """A x for the symmetric A with upper triangle ``values`` (one pass, a numba kernel)."""
        from .._kernels.pencil import symmetric_upper_matvec

        x = np.ascontiguousarray(x, dtype=np.float64)
        return symmetric_upper_matvec(self.indptr, self.indices, values, x, np.empty(self.n))

    def K_matvec(self, x: np.ndarray) -> np.ndarray:
        return self.matvec(self.k_values, x)

    def M_matvec(self, x: np.ndarray) -> np.ndarray:
        return self.matvec(self.m_values, x)

    def KM_matvec(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``(K x, M x)``, each of shape (n,), in one pass over the pattern (a numba kernel)."""
        from .._kernels.pencil import symmetric_upper_matvec_pair

        x = np.ascontiguousarray(x, dtype=np.float64)
        return symmetric_upper_matvec_pair(self.indptr, self.indices, self.k_values,
                                           self.m_values, x, np.empty(self.n),
                                           np.empty(self.n))

    def abs_row_sums(self, values: np.ndarray) -> np.ndarray:
        """Row sums of ``|A|`` for the symmetric A with these upper-triangular values."""
        from .._kernels.pencil import symmetric_upper_abs_row_sums

        return symmetric_upper_abs_row_sums(self.indptr, self.indices, values, np.empty(self.n))

    def full(self, values: np.ndarray) -> sp.csc_matrix:
        """The whole symmetric matrix (a new sparse matrix: for small problems and tests)."""
        U = self.upper(values)
        return (U + sp.triu(U, 1, format="csr").T).tocsc()

    def dense(self, values: np.ndarray) -> np.ndarray:
        U = self.upper(values).toarray()
        return U + np.triu(U, 1).T

    def norm1(self, values: np.ndarray) -> float:
        """max row sum of ``|A|`` for the symmetric A with these upper-triangular values."""
        return float(self.abs_row_sums(values).max())

    def mass_row_sums(self) -> np.ndarray:
        """Row sums of ``|M|`` of shape (n,) (computed once per pencil; do not modify)."""
        if self._m_rows is None:
            self._m_rows = self.abs_row_sums(self.m_values)
        return self._m_rows

    @property
    def m_norm1(self) -> float:
        """``||M||_inf`` (from the cached row sums)."""
        return float(self.mass_row_sums().max())

    def symmetric_pattern(self) -> sp.csr_matrix:
        """The full symmetric pattern (values 1) as CSR, for orderings."""
        U = self.upper(np.ones(self.nnz))
        return (U + U.T).tocsr()

    # ---- the mass screen
    def mass_lower_bound(self) -> float | None:
        """A proven lower bound of lambda_min(M), or None where none is found.

        Exact for a diagonal M (its smallest entry); Gershgorin's ``min_i (M_ii - sum_j!=i
        |M_ij|)`` where that is positive; else the triangle bound of
        :func:`~weylgain._kernels.mass_floor.triangle_mass_floor`, ``M >= diag(g)`` from the
        triangles of M's graph (for a P1 mass on triangles g_i = M_ii / 2; on tetrahedra it
        may be weaker or fail). Computed once per pencil (one pass over the triangles of the
        graph, O(nnz x row length)); the round-off of the sums is taken off every bound.
        Where no bound is positive the counter checks the inertia of each factorization
        against ``min |eig(K - sigma M)|`` directly instead.
        """
        if not self._mass_bound_known:
            m = self.m_values
            d = self.diagonal(m)
            rows = self.mass_row_sums()
            off = rows - d
            # the row sums carry round-off of about nnz_row * eps * d: keep a margin for it
            margin = 64.0 * np.finfo(float).eps * rows
            slack = d - off - margin
            low = float(slack.min()) if slack.size else 0.0
            kind = "dominance"
            if not low > 0:
                from .._kernels.mass_floor import triangle_mass_floor

                g, triangles = triangle_mass_floor(self.indptr, self.indices, m)
                low = float((g - margin).min()) if triangles else 0.0
                kind = "triangles"
            self._mass_bound = low if low > 0 and math.isfinite(low) else None
            self.mass_bound_kind = kind if self._mass_bound is not None else ""
            self._mass_bound_known = True
        return self._mass_bound

    def check_mass_positive_definite(self, dense_limit: int = 400, steps: int = 16) -> None:
        """Gershgorin first (free), then the triangle floor of :meth:`mass_lower_bound` (which
        the counter's certificate needs anyway), then weak diagonal dominance decided on the
        graph (:func:`~weylgain._kernels.pencil.diagonally_dominant_definite`: a proof,
        O(nnz)); else the bottom of the Jacobi-scaled spectrum of M.

        The first three are proofs (up to the round-off of the row sums); the last is a cheap
        screen, not a proof: it catches a mass matrix with a clearly negative or zero
        eigenvalue. Jacobi-scaled, a FEM mass matrix has its spectrum in about [1/(k+2), 2],
        and Lanczos' smallest Ritz value converges from above to the bottom of the spectrum
        (without reorthogonalization the Ritz values still stay inside it), so a few dozen
        steps find a negative or zero eigenvalue.
        """
        m = self.m_values
        d = self.diagonal(m)
        n = self.n
        off = self.mass_row_sums() - d
        if (d - off > 0).all() or n == 1:
            return
        # M >= diag(g) with every g_i > 0 from the triangles of its graph (a P1 mass on
        # triangles, and on tetrahedra usually): a proof, and the bound the counter's
        # certificate needs anyway (computed once), so it is tried before the graph test
        if self.mass_lower_bound() is not None:
            return
        from .._kernels.pencil import diagonally_dominant_definite

        # weakly dominant (equality in some rows): decided exactly from the graph, in one
        # pass; the tolerance covers the round-off of the row sums
        if diagonally_dominant_definite(self.indptr, self.indices, m, 1e-13):
            return
        Dh = 1.0 / np.sqrt(d)
        if n <= dense_limit:
            lo = sla.eigvalsh(Dh[:, None] * self.dense(m) * Dh[None, :],
                              subset_by_index=[0, 0])[0]
        else:
            from .._kernels.pencil import jacobi_scaled_lanczos

            start = np.random.default_rng(0).standard_normal(n)
            alpha, beta = jacobi_scaled_lanczos(self.indptr, self.indices, m, Dh, start,
                                                min(steps, n - 1))
            lo = float(sla.eigvalsh_tridiagonal(alpha, beta)[0])
            lo = lo if math.isfinite(lo) else -math.inf
        if not lo > 1e-10:
            raise MatrixError(
                f"M must be positive definite; its Jacobi-scaled spectrum reaches {lo:.3g}"
            )


def dot(a: np.ndarray, b: np.ndarray) -> float:
    """a . b without BLAS: a threaded BLAS dot of one vector can wait for busy cores far
    longer than the arithmetic takes (19 ms against 0.3 ms measured on a loaded machine)."""
    return float(np.multiply(a, b).sum())
