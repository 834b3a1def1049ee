"""Numba kernels for the checked pencil: a symmetry test, the union of upper triangles, and
products with a symmetric matrix stored as its upper triangle.

The counter stores a pencil (K, M) once, as the upper triangles of K and M on one shared
pattern (half the entries of one matrix, two value arrays), so that K - sigma M for any shift
is one subtraction of value arrays. The first two kernels read canonical CSR (sorted column
indices, no duplicates) with int64 indices; the products read
the pencil's own int32 pattern (the index type PARDISO and MUMPS take) in one pass, where
scipy needs two products and a validation of a new matrix object per value array.
"""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True)
def max_asymmetry(indptr, indices, data, n):
    """max |a_ij - a_ji| of the canonical CSR matrix (indptr, indices, data) of size n x n.

    A missing mirror entry counts as zero. O(nnz) with one cursor per row: visiting the
    strictly lower entries (i, j) row by row, i ascending, meets the mirrors (j, i) of each
    row j in increasing column order, so the cursor of row j only moves forward; an upper
    entry a cursor steps over, or never reaches, has no mirror.
    """
    cursor = indptr[:n].copy()
    worst = 0.0
    for i in range(n):
        for p in range(indptr[i], indptr[i + 1]):
            j = indices[p]
            if j >= i:
                break  # sorted rows: the rest of the row is the diagonal and above
            c = cursor[j]
            end = indptr[j + 1]
            while c < end and indices[c] < i:
                if indices[c] > j:
                    d = abs(data[c])  # (j, col) with j < col < i: its mirror was not met
                    if d > worst:
                        worst = d
                c += 1
            if c < end and indices[c] == i:
                d = abs(data[p] - data[c])
                c += 1
            else:
                d = abs(data[p])
            cursor[j] = c
            if d > worst:
                worst = d
    for j in range(n):
        for c in range(cursor[j], indptr[j + 1]):
            if indices[c] > j:
                d = abs(data[c])
                if d > worst:
                    worst = d
    return worst


@njit(cache=True)
def _merge_row(indptr_k, indices_k, data_k, indptr_m, indices_m, data_m, i, n, write, out,
               indices, kval, mval):
    """Merge the upper parts (j >= i) of row i; write them at ``out`` when ``write``.

    Returns the number of union entries of the row.
    """
    a = indptr_k[i]
    a_end = indptr_k[i + 1]
    b = indptr_m[i]
    b_end = indptr_m[i + 1]
    while a < a_end and indices_k[a] < i:
        a += 1
    while b < b_end and indices_m[b] < i:
        b += 1
    count = 0
    while a < a_end or b < b_end:
        ca = indices_k[a] if a < a_end else n
        cb = indices_m[b] if b < b_end else n
        c = ca if ca < cb else cb
        if write:
            indices[out + count] = c
            kval[out + count] = data_k[a] if ca == c else 0.0
            mval[out + count] = data_m[b] if cb == c else 0.0
        if ca == c:
            a += 1
        if cb == c:
            b += 1
        count += 1
    return count


@njit(cache=True)
def upper_union(indptr_k, indices_k, data_k, indptr_m, indices_m, data_m, n):
    """The upper triangles (j >= i) of two canonical CSR matrices on their union pattern.

    Returns (indptr int64 (n+1,), indices int32 (nnz,), k values (nnz,), m values (nnz,)),
    rows sorted; an entry present in one matrix only has 0 in the other's values.
    """
    indptr = np.zeros(n + 1, dtype=np.int64)
    none_i = np.empty(0, dtype=np.int32)
    none_f = np.empty(0, dtype=np.float64)
    for i in range(n):
        indptr[i + 1] = indptr[i] + _merge_row(indptr_k, indices_k, data_k, indptr_m,
                                               indices_m, data_m, i, n, False, 0,
                                               none_i, none_f, none_f)
    nnz = indptr[n]
    indices = np.empty(nnz, dtype=np.int32)
    kval = np.empty(nnz, dtype=np.float64)
    mval = np.empty(nnz, dtype=np.float64)
    for i in range(n):
        _merge_row(indptr_k, indices_k, data_k, indptr_m, indices_m, data_m, i, n, True,
                   indptr[i], indices, kval, mval)
    return indptr, indices, kval, mval


@njit(cache=True)
def symmetric_upper_matvec(indptr, indices, values, x, out):
    """out = A x for the symmetric A given by its upper triangle (CSR, int32 indices).

    One pass over the triangle: each off-diagonal entry a_ij (j > i) adds to row i and, as
    a_ji, to row j. Returns ``out``.
    """
    n = x.shape[0]
    for i in range(n):
        out[i] = 0.0
    for i in range(n):
        xi = x[i]
        acc = 0.0
        for p in range(indptr[i], indptr[i + 1]):
            j = indices[p]
            v = values[p]
            acc += v * x[j]
            if j != i:
                out[j] += v * xi
        out[i] += acc
    return out


@njit(cache=True)
def symmetric_upper_matvec_pair(indptr, indices, a_values, b_values, x, out_a, out_b):
    """out_a = A x and out_b = B x for two symmetric matrices given by their upper triangles
    on one pattern (the pencil's K and M): one pass over the pattern for both products.
    Returns ``(out_a, out_b)``."""
    n = x.shape[0]
    for i in range(n):
        out_a[i] = 0.0
        out_b[i] = 0.0
    for i in range(n):
        xi = x[i]
        acc_a = 0.0
        acc_b = 0.0
        for p in range(indptr[i], indptr[i + 1]):
            j = indices[p]
            va = a_values[p]
            vb = b_values[p]
            xj = x[j]
            acc_a += va * xj
            acc_b += vb * xj
            if j != i:
                out_a[j] += va * xi
                out_b[j] += vb * xi
        out_a[i] += acc_a
        out_b[i] += acc_b
    return out_a, out_b


@njit(cache=True)
def symmetric_upper_abs_row_sums(indptr, indices, values, out):
    """out_i = sum_j |a_ij| for the symmetric A given by its upper triangle; returns ``out``."""
    n = out.shape[0]
    for i in range(n):
        out[i] = 0.0
    for i in range(n):
        acc = 0.0
        for p in range(indptr[i], indptr[i + 1]):
            j = indices[p]
            v = abs(values[p])
            acc += v
            if j != i:
                out[j] += v
        out[i] += acc
    return out


@njit(cache=True)
def jacobi_scaled_lanczos(indptr, indices, values, inv_sqrt_diag, start, steps):
    """Plain Lanczos on D^-1/2 A D^-1/2 (A symmetric, given by its upper triangle).

    Fused into one kernel so that each step is one pass over the triangle and a few over
    vectors, without temporaries. ``start`` is the (unnormalized) first vector; returns the
    tridiagonal (alpha of shape (m,), beta of shape (m - 1,)) after m <= steps steps (fewer
    when an invariant subspace is found).
    """
    n = start.shape[0]
    alpha = np.zeros(steps)
    beta = np.zeros(steps)
    q = np.empty(n)
    q_prev = np.zeros(n)
    w = np.empty(n)
    xs = np.empty(n)
    norm = 0.0
    for i in range(n):
        norm += start[i] * start[i]
    norm = np.sqrt(norm)
    for i in range(n):
        q[i] = start[i] / norm
    b_prev = 0.0
    m = steps
    for step in range(steps):
        for i in range(n):
            xs[i] = inv_sqrt_diag[i] * q[i]
            w[i] = 0.0
        for i in range(n):
            xi = xs[i]
            acc = 0.0
            for p in range(indptr[i], indptr[i + 1]):
                j = indices[p]
                v = values[p]
                acc += v * xs[j]
                if j != i:
                    w[j] += v * xi
            w[i] += acc
        a = 0.0
        for i in range(n):
            w[i] *= inv_sqrt_diag[i]
            a += q[i] * w[i]
        alpha[step] = a
        b = 0.0
        for i in range(n):
            w[i] -= a * q[i] + b_prev * q_prev[i]
            b += w[i] * w[i]
        b = np.sqrt(b)
        beta[step] = b
        if b < 1e-12 * max(abs(a), 1.0):
            m = step + 1
            break
        for i in range(n):
            q_prev[i] = q[i]
            q[i] = w[i] / b
        b_prev = b
    return alpha[:m].copy(), beta[:max(m - 1, 0)].copy()


@njit(cache=True)
def _signed_root(parent, parity, i):
    """Root of i in the parity union-find, and the parity of i relative to it (compressing)."""
    r = i
    p = 0
    while parent[r] != r:
        p ^= parity[r]
        r = parent[r]
    cur = i
    cp = p
    while parent[cur] != cur:
        nxt = parent[cur]
        old = parity[cur]
        parent[cur] = r
        parity[cur] = cp
        cp ^= old
        cur = nxt
    return r, p


@njit(cache=True)
def diagonally_dominant_definite(indptr, indices, values, rtol):
    """Whether a weakly diagonally dominant symmetric A (upper triangle given) is definite.

    With slack_i = a_ii - sum_{j != i} |a_ij| >= 0,
    x^T A x = sum_i slack_i x_i^2 + sum_{i<j} |a_ij| (x_i + sign(a_ij) x_j)^2 >= 0, and it
    vanishes only for an x that is zero on every row with positive slack and satisfies
    x_j = -sign(a_ij) x_i on every edge. So A is positive definite if and only if every
    connected component of its graph holds a row with positive slack or a cycle on which those
    sign constraints contradict each other (for a P1 mass matrix, whose off-diagonal entries
    are positive: any triangle). A union-find with parities decides it in O(nnz).

    Rows are compared with a relative tolerance ``rtol`` (round-off of the row sums): a slack
    below ``-rtol (a_ii + sum |a_ij|)`` means "not dominant" (False: decide otherwise), one
    above ``+rtol (...)`` is positive. Returns True only when definiteness is proved.
    """
    n = indptr.shape[0] - 1
    diag = np.zeros(n)
    off = np.zeros(n)
    for i in range(n):
        for p in range(indptr[i], indptr[i + 1]):
            j = indices[p]
            v = values[p]
            if j == i:
                diag[i] += v
            else:
                off[i] += abs(v)
                off[j] += abs(v)
    parent = np.arange(n)
    parity = np.zeros(n, dtype=np.int8)
    settled = np.zeros(n, dtype=np.bool_)  # strict row or contradictory cycle in the set
    for i in range(n):
        slack = diag[i] - off[i]
        tol = rtol * (abs(diag[i]) + off[i])
        if slack < -tol or not diag[i] > 0:
            return False
        if slack > tol:
            settled[i] = True
    for i in range(n):
        for p in range(indptr[i], indptr[i + 1]):
            j = indices[p]
            v = values[p]
            if j == i or v == 0.0:
                continue
            # x_j = -sign(a_ij) x_i: opposite signs (parity 1) for a positive entry
            rel = 1 if v > 0 else 0
            ri, pi = _signed_root(parent, parity, i)
            rj, pj = _signed_root(parent, parity, j)
            if ri == rj:
                if (pi ^ pj) != rel:
                    settled[ri] = True
            else:
                parent[rj] = ri
                parity[rj] = pi ^ pj ^ rel
                settled[ri] = settled[ri] or settled[rj]
    for i in range(n):
        if parent[i] == i and not settled[i]:
            return False
    return True
