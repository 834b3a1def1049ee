"""Numba kernel: a proven diagonal lower bound M >= diag(g) from the triangles of M's graph.

For a symmetric M with slacks ``s_i = m_ii - sum_{j != i} |m_ij|``,

    x^T M x = sum_i s_i x_i^2 + sum_{i<j} |m_ij| (x_i + sign(m_ij) x_j)^2.

On a triangle (i, j, k) of the graph whose three signs multiply to +1 (a P1 mass matrix: all
positive), the three edge terms with one common weight w are, after flipping the signs of some
x's, ``w x^T (I + 11^T) x`` on (x_i, x_j, x_k), at least ``w (x_i^2 + x_j^2 + x_k^2)`` (the
matrix I + 11^T has eigenvalues 1, 1, 4). Give each such triangle the weight
``w_t = min over its edges e of |m_e| / T_e``, T_e the number of such triangles on e: the
weights on an edge then sum to at most |m_e|, the rest of every edge term is >= 0, and

    x^T M x >= sum_i g_i x_i^2,   g_i = s_i + sum_{t containing i} w_t.

So ``lambda_min(M) >= min_i g_i`` (a proof, up to the round-off of the sums). On a P1 mass on
triangles (every edge on two triangles of equal weight area/12) g_i = m_ii / 2, which is what
the element matrices give; on tetrahedra (negative slacks) the bound is weaker and may fail.

A row left at g_v <= 0 (in a quotient pencil P^T M P, a vertex on a rotation axis has all its
neighbours in one orbit: one edge, no triangle, zero slack) borrows through the rest u of an
edge the triangles did not use, from a neighbour b with g_b > 0:
``u (x_v + s x_b)^2 >= (1 - e) u x_v^2 - (1/e - 1) u x_b^2`` for 0 < e < 1, with e chosen so
that b gives ``c = g_b / (2 deg_b)``; a lender thus keeps at least half of its g_b.
"""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True)
def triangle_mass_floor(indptr, indices, values):
    """``(g, triangles)``: the diagonal bound g of shape (n,) and the triangles used.

    ``indptr, indices, values``: the upper triangle of M in CSR with sorted rows (the first
    entry of every row its diagonal, int32 indices, float64 values). Work
    O(sum over edges of the two rows' lengths), memory O(nnz).
    """
    n = indptr.shape[0] - 1
    nnz = indices.shape[0]
    g = np.zeros(n)
    for i in range(n):
        for p in range(indptr[i], indptr[i + 1]):
            j = indices[p]
            v = values[p]
            if j == i:
                g[i] += v
            else:
                g[i] -= abs(v)
                g[j] -= abs(v)
    count = np.zeros(nnz, dtype=np.int64)
    used = np.zeros(1)  # the weight the triangles take from each edge (second sweep)
    triangles = 0
    for sweep in range(2):
        for i in range(n):
            for p in range(indptr[i], indptr[i + 1]):
                j = indices[p]
                if j <= i or values[p] == 0.0:
                    continue
                # k > j in row i and in row j (both sorted): a merge
                q = p + 1
                r = indptr[j]
                qend = indptr[i + 1]
                rend = indptr[j + 1]
                while q < qend and r < rend:
                    a = indices[q]
                    b = indices[r]
                    if a < b:
                        q += 1
                    elif b < a:
                        r += 1
                    else:
                        # triangle (i, j, a): edges p = (i, j), q = (i, a), r = (j, a)
                        if values[q] != 0.0 and values[r] != 0.0 and \
                                values[p] * values[q] * values[r] > 0.0:
                            if sweep == 0:
                                count[p] += 1
                                count[q] += 1
                                count[r] += 1
                                triangles += 1
                            else:
                                w = abs(values[p]) / count[p]
                                w2 = abs(values[q]) / count[q]
                                w3 = abs(values[r]) / count[r]
                                if w2 < w:
                                    w = w2
                                if w3 < w:
                                    w = w3
                                g[i] += w
                                g[j] += w
                                g[a] += w
                                used[p] += w
                                used[q] += w
                                used[r] += w
                        q += 1
                        r += 1
        if sweep == 0:
            used = np.zeros(nnz)
    # rows left at g <= 0 (a vertex whose neighbours fold into one orbit of a quotient, say)
    # borrow from neighbours with g > 0 through the unused rest u of their edge:
    # u (x_v + s x_b)^2 >= (1 - e) u x_v^2 - (1/e - 1) u x_b^2 for 0 < e < 1; the lender b
    # gives at most c = g_b / (2 deg_b) a borrower, so it keeps at least half of g_b
    deg = np.zeros(n, dtype=np.int64)
    for i in range(n):
        for p in range(indptr[i], indptr[i + 1]):
            j = indices[p]
            if j != i and values[p] != 0.0:
                deg[i] += 1
                deg[j] += 1
    g0 = g.copy()
    for i in range(n):
        for p in range(indptr[i], indptr[i + 1]):
            j = indices[p]
            if j == i or values[p] == 0.0:
                continue
            rest = abs(values[p]) - used[p]
            if not rest > 0.0:
                continue
            if g0[i] <= 0.0 and g0[j] > 0.0:
                v = i
                b = j
            elif g0[j] <= 0.0 and g0[i] > 0.0:
                v = j
                b = i
            else:
                continue
            c = g0[b] / (2.0 * deg[b])
            g[v] += rest * c / (rest + c)  # (1 - e) rest with 1/e - 1 = c / rest
            g[b] -= c
    return g, triangles
