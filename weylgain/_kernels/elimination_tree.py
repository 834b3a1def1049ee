"""Numba kernels: the symbolic Cholesky structure of a symmetric pattern, without factoring.

The column counts of the Cholesky factor L of a symmetric matrix A in its given order (the
number of nonzeros of each column of L, diagonal included) by the algorithm of Gilbert, Ng
and Peyton (1994): the elimination tree, a postorder of it and, for each column, the
leaves of the row subtrees met by a union-find with path compression. O(nnz(A) alpha(n))
time and O(n) memory: it predicts the size of a factorization before any of it is
allocated. (The structure of L is that of the LDL^T and of the symmetric-mode LU factors of
any matrix with this pattern, when the pivots stay on the diagonal and nothing cancels.)
"""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True)
def elimination_tree(indptr, indices, n):
    """Parent of each column in the elimination tree (-1 at a root).

    ``indptr, indices``: the symmetric pattern (CSC or CSR; entries below the diagonal of a
    column are ignored, so the full pattern or its upper triangle in CSC both work).
    """
    parent = np.full(n, -1, dtype=np.int64)
    ancestor = np.full(n, -1, dtype=np.int64)
    for k in range(n):
        for p in range(indptr[k], indptr[k + 1]):
            i = np.int64(indices[p])
            while i != -1 and i < k:
                inext = ancestor[i]
                ancestor[i] = k
                if inext == -1:
                    parent[i] = k
                i = inext
    return parent


@njit(cache=True)
def postorder(parent, n):
    """A postorder of the forest ``parent`` (children before their parent)."""
    head = np.full(n, -1, dtype=np.int64)
    nxt = np.full(n, -1, dtype=np.int64)
    stack = np.empty(n, dtype=np.int64)
    post = np.empty(n, dtype=np.int64)
    for j in range(n - 1, -1, -1):
        if parent[j] != -1:
            nxt[j] = head[parent[j]]
            head[parent[j]] = j
    k = 0
    for j in range(n):
        if parent[j] != -1:
            continue
        top = 0
        stack[0] = j
        while top >= 0:
            p = stack[top]
            i = head[p]
            if i == -1:
                top -= 1
                post[k] = p
                k += 1
            else:
                head[p] = nxt[i]
                top += 1
                stack[top] = i
    return post


@njit(cache=True)
def cholesky_column_counts(indptr, indices, n):
    """Nonzeros of each column of the Cholesky factor of the pattern, diagonal included.

    ``indptr, indices``: the *full* symmetric pattern (both triangles), CSC or CSR.
    Returns an int64 array of shape (n,).
    """
    parent = elimination_tree(indptr, indices, n)
    post = postorder(parent, n)
    ancestor = np.empty(n, dtype=np.int64)
    maxfirst = np.full(n, -1, dtype=np.int64)
    prevleaf = np.full(n, -1, dtype=np.int64)
    first = np.full(n, -1, dtype=np.int64)
    delta = np.zeros(n, dtype=np.int64)
    for k in range(n):  # first[j]: the postorder index of the first descendant of j
        j = post[k]
        delta[j] = 1 if first[j] == -1 else 0  # 1 at a leaf
        while j != -1 and first[j] == -1:
            first[j] = k
            j = parent[j]
    for i in range(n):
        ancestor[i] = i
    for k in range(n):
        j = post[k]
        if parent[j] != -1:
            delta[parent[j]] -= 1  # j is not a root
        for p in range(indptr[j], indptr[j + 1]):
            i = np.int64(indices[p])
            if i <= j or first[j] <= maxfirst[i]:
                continue  # j is not a leaf of the i-th row subtree
            maxfirst[i] = first[j]
            jprev = prevleaf[i]
            prevleaf[i] = j
            delta[j] += 1  # A(i, j) is in the skeleton
            if jprev != -1:  # a subsequent leaf: subtract the overlap at the common ancestor
                q = jprev
                while q != ancestor[q]:
                    q = ancestor[q]
                s = jprev
                while s != q:
                    sparent = ancestor[s]
                    ancestor[s] = q
                    s = sparent
                delta[q] -= 1
        if parent[j] != -1:
            ancestor[j] = parent[j]
    for j in range(n):  # parents have larger indices than their children
        if parent[j] != -1:
            delta[parent[j]] += delta[j]
    return delta
