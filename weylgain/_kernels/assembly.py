"""Numba kernels for P1 finite-element assembly on simplices of any dimension (k <= 4).

The CSR pattern and an element -> slot map are built once per mesh; each assembly then
scatters element matrices straight into the CSR data arrays (no COO -> CSR sort on the hot
path: that sort, not the arithmetic, is what makes the usual numpy assemblers slow).
All kernels take float64 / int64 C-contiguous arrays only.
"""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True)
def csr_pattern(simplices, n_vertices):
    """CSR pattern of the vertex adjacency of a simplicial mesh and the element -> slot map.

    Returns (indptr (n+1,), indices (nnz,), slots (m, (k+1)**2)) with sorted column indices;
    ``slots[e, a*(k+1) + b]`` is the position in the CSR data of entry (s[e,a], s[e,b]).
    """
    m, k1 = simplices.shape
    start = np.zeros(n_vertices + 1, dtype=np.int64)
    for e in range(m):
        for a in range(k1):
            start[simplices[e, a] + 1] += k1
    for i in range(n_vertices):
        start[i + 1] += start[i]
    buf = np.empty(start[n_vertices], dtype=np.int64)
    fill = start[:n_vertices].copy()
    for e in range(m):
        for a in range(k1):
            i = simplices[e, a]
            for b in range(k1):
                buf[fill[i]] = simplices[e, b]
                fill[i] += 1
    indptr = np.zeros(n_vertices + 1, dtype=np.int64)
    nnz = 0
    for i in range(n_vertices):
        seg = np.sort(buf[start[i]:start[i + 1]])
        last = -1
        for j in range(seg.shape[0]):
            if seg[j] != last:
                buf[nnz] = seg[j]  # compact in place: nnz never overtakes start[i] + j
                nnz += 1
                last = seg[j]
        indptr[i + 1] = nnz
    indices = buf[:nnz].copy()
    slots = np.empty((m, k1 * k1), dtype=np.int64)
    for e in range(m):
        for a in range(k1):
            i = simplices[e, a]
            lo0 = indptr[i]
            for b in range(k1):
                target = simplices[e, b]
                lo = lo0
                hi = indptr[i + 1]
                while lo < hi:  # binary search in the sorted row
                    mid = (lo + hi) // 2
                    if indices[mid] < target:
                        lo = mid + 1
                    else:
                        hi = mid
                slots[e, a * k1 + b] = lo
    return indptr, indices, slots


@njit(cache=True)
def _gram_inverse(E, k, G, Ginv):
    """Gram matrix G = E E^T of the k edge rows of E, its inverse and determinant.

    Gauss-Jordan on a k x k SPD matrix without pivoting (SPD needs none), in preallocated
    scratch so the element loop does not allocate.
    """
    D = E.shape[1]
    for i in range(k):
        for j in range(k):
            acc = 0.0
            for d in range(D):
                acc += E[i, d] * E[j, d]
            G[i, j] = acc
            Ginv[i, j] = 1.0 if i == j else 0.0
    det = 1.0
    for c in range(k):
        p = G[c, c]
        det *= p
        if p <= 0.0:
            return 0.0
        inv_p = 1.0 / p
        for j in range(k):
            G[c, j] *= inv_p
            Ginv[c, j] *= inv_p
        for r in range(k):
            if r != c:
                f = G[r, c]
                if f != 0.0:
                    for j in range(k):
                        G[r, j] -= f * G[c, j]
                        Ginv[r, j] -= f * Ginv[c, j]
    return det


@njit(cache=True)
def assemble_p1(vertices, simplices, period, slots, nnz, density_q, qbary, qweights, lumped):
    """Scatter P1 stiffness and mass into CSR data arrays.

    Parameters
    ----------
    vertices : (n, D) float64; simplices : (m, k+1) int64
    period : (D,) float64, 0 for a non-periodic axis (minimum-image edge vectors otherwise)
    slots : (m, (k+1)**2) int64 from :func:`csr_pattern`; nnz : number of CSR entries
    density_q : (m, Q) float64 density at quadrature points, or shape (0, 0) for w = 1
    qbary : (Q, k+1) float64 barycentric quadrature points; qweights : (Q,) summing to 1
    lumped : bool, row-sum (diagonal) mass instead of the consistent one

    Returns
    -------
    kdata : (nnz,) stiffness values; mdata : (nnz,) consistent mass values (zero if lumped);
    mdiag : (n,) lumped mass (zero if consistent); volumes : (m,) simplex volumes
    """
    n, D = vertices.shape
    m, k1 = simplices.shape
    k = k1 - 1
    has_density = density_q.shape[0] > 0
    Q = qweights.shape[0]
    kdata = np.zeros(nnz, dtype=np.float64)
    mdata = np.zeros(nnz, dtype=np.float64)
    mdiag = np.zeros(n, dtype=np.float64)
    volumes = np.empty(m, dtype=np.float64)
    E = np.empty((k, D), dtype=np.float64)
    G = np.empty((k, k), dtype=np.float64)
    Ginv = np.empty((k, k), dtype=np.float64)
    S = np.empty((k1, k1), dtype=np.float64)
    kfact = 1.0
    for i in range(2, k + 1):
        kfact *= i
    mass_off = 1.0 / ((k + 1) * (k + 2))
    for e in range(m):
        v0 = simplices[e, 0]
        for i in range(k):
            vi = simplices[e, i + 1]
            for d in range(D):
                x = vertices[vi, d] - vertices[v0, d]
                p = period[d]
                if p > 0.0:
                    x -= p * np.floor(x / p + 0.5)
                E[i, d] = x
        det = _gram_inverse(E, k, G, Ginv)
        vol = np.sqrt(det) / kfact if det > 0.0 else 0.0
        volumes[e] = vol
        wbar = 1.0
        if has_density:
            wbar = 0.0
            for q in range(Q):
                wbar += qweights[q] * density_q[e, q]
        c = vol * wbar
        # grad(phi_i) . grad(phi_j) = (G^-1)_{ij} for i, j >= 1; phi_0 = 1 - sum of the others
        tot = 0.0
        for i in range(k):
            row = 0.0
            for j in range(k):
                val = c * Ginv[i, j]
                S[i + 1, j + 1] = val
                row += val
            S[i + 1, 0] = -row
            S[0, i + 1] = -row
            tot += row
        S[0, 0] = tot
        for a in range(k1):
            for b in range(k1):
                kdata[slots[e, a * k1 + b]] += S[a, b]
        if lumped:
            for a in range(k1):
                if has_density:
                    acc = 0.0
                    for q in range(Q):
                        acc += qweights[q] * density_q[e, q] * qbary[q, a]
                    mdiag[simplices[e, a]] += vol * acc
                else:
                    mdiag[simplices[e, a]] += vol / k1
        else:
            for a in range(k1):
                for b in range(k1):
                    if has_density:
                        acc = 0.0
                        for q in range(Q):
                            acc += qweights[q] * density_q[e, q] * qbary[q, a] * qbary[q, b]
                        val = vol * acc
                    else:
                        val = vol * mass_off * (2.0 if a == b else 1.0)
                    mdata[slots[e, a * k1 + b]] += val
    return kdata, mdata, mdiag, volumes
