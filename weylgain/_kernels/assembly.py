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
    Row by row through a vertex -> simplex incidence list, with a marker array instead of
    sorting duplicates, and the slot of each neighbour remembered for the element map.
    """
    m, k1 = simplices.shape
    # vertex -> incident simplices (counting sort)
    vstart = np.zeros(n_vertices + 1, dtype=np.int64)
    for e in range(m):
        for a in range(k1):
            vstart[simplices[e, a] + 1] += 1
    for i in range(n_vertices):
        vstart[i + 1] += vstart[i]
    incident = np.empty(vstart[n_vertices], dtype=np.int64)
    fill = vstart[:n_vertices].copy()
    for e in range(m):
        for a in range(k1):
            i = simplices[e, a]
            incident[fill[i]] = e
            fill[i] += 1
    mark = np.full(n_vertices, -1, dtype=np.int64)
    pos = np.zeros(n_vertices, dtype=np.int64)
    maxdeg = 0
    for i in range(n_vertices):
        maxdeg = max(maxdeg, (vstart[i + 1] - vstart[i]) * k1)
    row = np.empty(maxdeg, dtype=np.int64)
    indptr = np.zeros(n_vertices + 1, dtype=np.int64)
    indices = np.empty(vstart[n_vertices] * k1, dtype=np.int64)  # an upper bound
    slots = np.empty((m, k1 * k1), dtype=np.int64)
    nnz = 0
    for i in range(n_vertices):
        cnt = 0
        for t in range(vstart[i], vstart[i + 1]):
            e = incident[t]
            for b in range(k1):
                j = simplices[e, b]
                if mark[j] != i:
                    mark[j] = i
                    # insertion sort: rows are short (tens of entries)
                    p = cnt
                    while p > 0 and row[p - 1] > j:
                        row[p] = row[p - 1]
                        p -= 1
                    row[p] = j
                    cnt += 1
        for p in range(cnt):
            indices[nnz + p] = row[p]
            pos[row[p]] = nnz + p
        nnz += cnt
        indptr[i + 1] = nnz
        for t in range(vstart[i], vstart[i + 1]):
            e = incident[t]
            for a in range(k1):
                if simplices[e, a] == i:
                    for b in range(k1):
                        slots[e, a * k1 + b] = pos[simplices[e, b]]
    return indptr, indices[:nnz].copy(), slots


@njit(cache=True)
def _gram_inverse(E, k, G, Ginv):
    """Gram matrix G = E E^T of the k edge rows of E, its inverse (into Ginv) and determinant.

    Closed forms for k <= 3 (the hot cases: curves, surfaces, tetrahedra); Gauss-Jordan
    without pivoting (the matrix is SPD) for k = 4. Preallocated scratch: the element loop
    does not allocate.
    """
    D = E.shape[1]
    for i in range(k):
        for j in range(i, k):
            acc = 0.0
            for d in range(D):
                acc += E[i, d] * E[j, d]
            G[i, j] = acc
            G[j, i] = acc
    if k == 1:
        det = G[0, 0]
        if det <= 0.0:
            return 0.0
        Ginv[0, 0] = 1.0 / det
        return det
    if k == 2:
        a, b, c = G[0, 0], G[0, 1], G[1, 1]
        det = a * c - b * b
        if det <= 0.0:
            return 0.0
        inv = 1.0 / det
        Ginv[0, 0] = c * inv
        Ginv[1, 1] = a * inv
        Ginv[0, 1] = -b * inv
        Ginv[1, 0] = -b * inv
        return det
    if k == 3:
        c00 = G[1, 1] * G[2, 2] - G[1, 2] * G[2, 1]
        c01 = G[1, 2] * G[2, 0] - G[1, 0] * G[2, 2]
        c02 = G[1, 0] * G[2, 1] - G[1, 1] * G[2, 0]
        det = G[0, 0] * c00 + G[0, 1] * c01 + G[0, 2] * c02
        if det <= 0.0:
            return 0.0
        inv = 1.0 / det
        Ginv[0, 0] = c00 * inv
        Ginv[1, 0] = c01 * inv
        Ginv[2, 0] = c02 * inv
        Ginv[0, 1] = (G[0, 2] * G[2, 1] - G[0, 1] * G[2, 2]) * inv
        Ginv[1, 1] = (G[0, 0] * G[2, 2] - G[0, 2] * G[2, 0]) * inv
        Ginv[2, 1] = (G[0, 1] * G[2, 0] - G[0, 0] * G[2, 1]) * inv
        Ginv[0, 2] = (G[0, 1] * G[1, 2] - G[0, 2] * G[1, 1]) * inv
        Ginv[1, 2] = (G[0, 2] * G[1, 0] - G[0, 0] * G[1, 2]) * inv
        Ginv[2, 2] = (G[0, 0] * G[1, 1] - G[0, 1] * G[1, 0]) * inv
        return det
    for i in range(k):
        for j in range(k):
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
def _edge(vertices, period, periodic, i0, i, d):
    """Coordinate d of the (minimum-image) edge vector x_i - x_i0."""
    x = vertices[i, d] - vertices[i0, d]
    if periodic:
        p = period[d]
        if p > 0.0:
            x -= p * np.floor(x / p + 0.5)
    return x


@njit(cache=True)
def _assemble_unweighted_low_dim(vertices, simplices, period, slots, nnz, lumped):
    """Triangles and tetrahedra with w = 1: the element algebra unrolled (2-3x the general
    loop, which pays for runtime-sized small matrices)."""
    n, D = vertices.shape
    m, k1 = simplices.shape
    periodic = False
    for d in range(D):
        if period[d] > 0.0:
            periodic = True
    kdata = np.zeros(nnz, dtype=np.float64)
    mdata = np.zeros(nnz, dtype=np.float64)
    mdiag = np.zeros(n, dtype=np.float64)
    volumes = np.empty(m, dtype=np.float64)
    S = np.empty((4, 4), dtype=np.float64)
    for e in range(m):
        i0 = simplices[e, 0]
        if k1 == 3:
            i1 = simplices[e, 1]
            i2 = simplices[e, 2]
            a = 0.0
            b = 0.0
            c = 0.0
            for d in range(D):
                u = _edge(vertices, period, periodic, i0, i1, d)
                v = _edge(vertices, period, periodic, i0, i2, d)
                a += u * u
                b += u * v
                c += v * v
            det = a * c - b * b
            vol = 0.5 * np.sqrt(det) if det > 0.0 else 0.0
            f = vol / det if det > 0.0 else 0.0
            s11 = f * c
            s22 = f * a
            s12 = -f * b
            s10 = -(s11 + s12)
            s20 = -(s12 + s22)
            s00 = -(s10 + s20)
            volumes[e] = vol
            sl = slots[e]
            kdata[sl[0]] += s00
            kdata[sl[1]] += s10
            kdata[sl[2]] += s20
            kdata[sl[3]] += s10
            kdata[sl[4]] += s11
            kdata[sl[5]] += s12
            kdata[sl[6]] += s20
            kdata[sl[7]] += s12
            kdata[sl[8]] += s22
            if lumped:
                share = vol / 3.0
                mdiag[i0] += share
                mdiag[i1] += share
                mdiag[i2] += share
            else:
                md = vol / 6.0
                mo = vol / 12.0
                mdata[sl[0]] += md
                mdata[sl[4]] += md
                mdata[sl[8]] += md
                mdata[sl[1]] += mo
                mdata[sl[2]] += mo
                mdata[sl[3]] += mo
                mdata[sl[5]] += mo
                mdata[sl[6]] += mo
                mdata[sl[7]] += mo
            continue
        i1 = simplices[e, 1]
        i2 = simplices[e, 2]
        i3 = simplices[e, 3]
        g00 = g01 = g02 = g11 = g12 = g22 = 0.0
        for d in range(D):
            u = _edge(vertices, period, periodic, i0, i1, d)
            v = _edge(vertices, period, periodic, i0, i2, d)
            w = _edge(vertices, period, periodic, i0, i3, d)
            g00 += u * u
            g01 += u * v
            g02 += u * w
            g11 += v * v
            g12 += v * w
            g22 += w * w
        c00 = g11 * g22 - g12 * g12
        c01 = g12 * g02 - g01 * g22
        c02 = g01 * g12 - g11 * g02
        det = g00 * c00 + g01 * c01 + g02 * c02
        vol = np.sqrt(det) / 6.0 if det > 0.0 else 0.0
        f = vol / det if det > 0.0 else 0.0
        S[1, 1] = f * c00
        S[1, 2] = S[2, 1] = f * c01
        S[1, 3] = S[3, 1] = f * c02
        S[2, 2] = f * (g00 * g22 - g02 * g02)
        S[2, 3] = S[3, 2] = f * (g02 * g01 - g00 * g12)
        S[3, 3] = f * (g00 * g11 - g01 * g01)
        volumes[e] = vol
        tot = 0.0
        for i in range(1, 4):
            row = S[i, 1] + S[i, 2] + S[i, 3]
            S[i, 0] = -row
            S[0, i] = -row
            tot += row
        S[0, 0] = tot
        sl = slots[e]
        for a_ in range(4):
            for b_ in range(4):
                kdata[sl[a_ * 4 + b_]] += S[a_, b_]
        if lumped:
            share = vol / 4.0
            for a_ in range(4):
                mdiag[simplices[e, a_]] += share
        else:
            off = vol / 20.0
            for a_ in range(4):
                for b_ in range(4):
                    mdata[sl[a_ * 4 + b_]] += 2.0 * off if a_ == b_ else off
    return kdata, mdata, mdiag, volumes


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
    if not has_density and (k == 2 or k == 3):
        return _assemble_unweighted_low_dim(vertices, simplices, period, slots, nnz, lumped)
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
