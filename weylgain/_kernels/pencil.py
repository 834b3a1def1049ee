"""Numba kernels for the checked pencil: a symmetry test and the union of upper triangles.

The counter stores a pencil (K, M) once, as the upper triangles of K and M on one shared
pattern (half the entries of one matrix, two value arrays), so that K - sigma M for any shift
is one subtraction of value arrays. Both kernels read canonical CSR (sorted column indices,
no duplicates) and allocate only their outputs.
"""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True)
def _find(indices, lo, hi, col):
    """Position of ``col`` in the sorted indices[lo:hi], or -1."""
    while lo < hi:
        mid = (lo + hi) // 2
        c = indices[mid]
        if c < col:
            lo = mid + 1
        elif c > col:
            hi = mid
        else:
            return mid
    return -1


@njit(cache=True)
def max_asymmetry(indptr, indices, data, n):
    """max |a_ij - a_ji| of the canonical CSR matrix (indptr, indices, data) of size n x n.

    A missing mirror entry counts as zero. O(nnz log(row length)), no allocation.
    """
    worst = 0.0
    for i in range(n):
        for p in range(indptr[i], indptr[i + 1]):
            j = indices[p]
            if j == i:
                continue
            q = _find(indices, indptr[j], indptr[j + 1], i)
            if q < 0:
                d = abs(data[p])
            elif j < i:
                d = abs(data[p] - data[q])
            else:
                continue  # the pair is measured from its lower entry
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
