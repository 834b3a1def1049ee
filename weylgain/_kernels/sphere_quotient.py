"""Numba kernels of the direct sphere quotient (:mod:`weylgain.quotient_direct`).

A face of the base polyhedron refined k times is the triangular lattice of the points with
barycentric weights (N - i - j, i, j), N = 2^k, on its corners (c0, c1, c2); point (i, j) has
index ``i (N + 1) - i (i - 1) / 2 + j`` among the (N + 1)(N + 2) / 2 points of the face, and
the face has N^2 triangles: (i, j), (i+1, j), (i, j+1) for i + j <= N - 1 and (i+1, j),
(i+1, j+1), (i, j+1) for i + j <= N - 2. Positions follow the mesh generator's recursion
exactly: a point with an odd weight is the normalized sum of the two adjacent points of the
level before. All arrays float64 / int64, C-contiguous.
"""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True)
def _index(i, j, n):
    return i * (n + 1) - (i * (i - 1)) // 2 + j


@njit(cache=True)
def face_positions(corners, levels):
    """Unit-sphere positions of the lattice points of one face refined ``levels`` times.

    Parameters
    ----------
    corners : (3, 3) float64, the face's corners (unit vectors) c0, c1, c2
    levels : int

    Returns
    -------
    (P, 3) float64, P = (N + 1)(N + 2) / 2, in lattice order
    """
    prev = np.empty((3, 3), dtype=np.float64)
    prev[_index(0, 0, 1)] = corners[0]
    prev[_index(1, 0, 1)] = corners[1]
    prev[_index(0, 1, 1)] = corners[2]
    n = 1
    for _ in range(levels):
        n2 = 2 * n
        cur = np.empty(((n2 + 1) * (n2 + 2) // 2, 3), dtype=np.float64)
        for i in range(n2 + 1):
            for j in range(n2 + 1 - i):
                k = _index(i, j, n2)
                if i % 2 == 0 and j % 2 == 0:
                    p = _index(i // 2, j // 2, n)
                    cur[k, 0] = prev[p, 0]
                    cur[k, 1] = prev[p, 1]
                    cur[k, 2] = prev[p, 2]
                    continue
                if i % 2 == 1 and j % 2 == 1:
                    a = _index((i - 1) // 2, (j + 1) // 2, n)
                    b = _index((i + 1) // 2, (j - 1) // 2, n)
                elif i % 2 == 1:
                    a = _index((i - 1) // 2, j // 2, n)
                    b = _index((i + 1) // 2, j // 2, n)
                else:
                    a = _index(i // 2, (j - 1) // 2, n)
                    b = _index(i // 2, (j + 1) // 2, n)
                x = prev[a, 0] + prev[b, 0]
                y = prev[a, 1] + prev[b, 1]
                z = prev[a, 2] + prev[b, 2]
                r = np.sqrt(x * x + y * y + z * z)
                cur[k, 0] = x / r
                cur[k, 1] = y / r
                cur[k, 2] = z / r
        prev = cur
        n = n2
    return prev


@njit(cache=True)
def _find(parent, i):
    while parent[i] != i:
        parent[i] = parent[parent[i]]
        i = parent[i]
    return i


@njit(cache=True)
def _union(parent, a, b):
    ra = _find(parent, a)
    rb = _find(parent, b)
    if ra != rb:
        if ra < rb:  # the smaller index is the root: a root is its orbit's first point
            parent[rb] = ra
        else:
            parent[ra] = rb


@njit(cache=True)
def lattice_orbits(n, n_faces, corner_perms, perm_face, edge_links):
    """Orbits of the lattice points of the representative faces.

    Parameters
    ----------
    n : int, N = 2^k
    n_faces : int, number of representative faces (lattice points face-major)
    corner_perms : (S, 3) int64; row s maps corner a of face perm_face[s] to corner
        corner_perms[s, a] of the same face (an element of the face's stabilizer)
    perm_face : (S,) int64
    edge_links : (E, 6) int64 rows (f, a, b, f2, a2, b2): the point with weight t on corner a
        and n - t on corner b of face f is the point with weight t on corner a2 and n - t on
        corner b2 of face f2 (the same vertex of the sphere, up to the group)

    Returns
    -------
    labels : (n_faces * P,) int64, orbits numbered in the order of their first point
    first : (n_orbits,) int64, the first point of every orbit
    """
    P = (n + 1) * (n + 2) // 2
    parent = np.arange(n_faces * P)
    w = np.empty(3, dtype=np.int64)
    v = np.empty(3, dtype=np.int64)
    for s in range(corner_perms.shape[0]):
        off = perm_face[s] * P
        for i in range(n + 1):
            for j in range(n + 1 - i):
                w[0] = n - i - j
                w[1] = i
                w[2] = j
                for a in range(3):
                    v[corner_perms[s, a]] = w[a]
                _union(parent, off + _index(i, j, n), off + _index(v[1], v[2], n))
    for e in range(edge_links.shape[0]):
        f, a, b, f2, a2, b2 = (edge_links[e, 0], edge_links[e, 1], edge_links[e, 2],
                               edge_links[e, 3], edge_links[e, 4], edge_links[e, 5])
        for t in range(n + 1):
            w[0] = 0
            w[1] = 0
            w[2] = 0
            w[a] = t
            w[b] = n - t
            v[0] = 0
            v[1] = 0
            v[2] = 0
            v[a2] = t
            v[b2] = n - t
            _union(parent, f * P + _index(w[1], w[2], n), f2 * P + _index(v[1], v[2], n))
    total = n_faces * P
    labels = np.empty(total, dtype=np.int64)
    first = np.empty(total, dtype=np.int64)
    count = 0
    for i in range(total):
        r = _find(parent, i)
        if r == i:
            labels[i] = count
            first[count] = i
            count += 1
        else:
            labels[i] = labels[r]
    return labels, first[:count].copy()


@njit(cache=True)
def canonical_triangles(n, n_faces, corner_perms, perm_start, capacity):
    """The triangles of the representative faces, one per orbit of the face's stabilizer.

    A triangle is identified by its centroid's integer barycentric weights W (three times the
    centroid: (3N - 3i - 3j - 2, 3i + 1, 3j + 1) for the triangle up from (i, j), (3N - 3i
    - 3j - 4, 3i + 2, 3j + 2) for the one down), an injective and equivariant label; it is
    kept when W is the lexicographically largest of its images under the face's corner
    permutations (rows perm_start[f]:perm_start[f+1] of ``corner_perms``, identity
    included), and its multiplicity is the size of its orbit under the stabilizer.

    Returns (tri (T, 3) global point indices, face-major; mult (T,) int64); ``capacity``
    bounds T (Burnside: N^2/|G_R| plus the fixed triangles).
    """
    P = (n + 1) * (n + 2) // 2
    out_tri = np.empty((capacity, 3), dtype=np.int64)
    out_mult = np.empty(capacity, dtype=np.int64)
    w = np.empty(3, dtype=np.int64)
    img = np.empty(3, dtype=np.int64)
    kept = 0
    for f in range(n_faces):
        s0 = perm_start[f]
        s1 = perm_start[f + 1]
        off = f * P
        for i in range(n):
            for j in range(n - i):
                for up in range(2):
                    if up == 0 and i + j > n - 2:
                        continue
                    if up == 1:
                        w[1] = 3 * i + 1
                        w[2] = 3 * j + 1
                    else:
                        w[1] = 3 * i + 2
                        w[2] = 3 * j + 2
                    w[0] = 3 * n - w[1] - w[2]
                    canonical = True
                    same = 0
                    for s in range(s0, s1):
                        img[corner_perms[s, 0]] = w[0]
                        img[corner_perms[s, 1]] = w[1]
                        img[corner_perms[s, 2]] = w[2]
                        if img[0] != w[0]:
                            if img[0] > w[0]:
                                canonical = False
                                break
                            continue
                        if img[1] != w[1]:
                            if img[1] > w[1]:
                                canonical = False
                                break
                            continue
                        same += 1  # equal first two weights: the image is the triangle
                    if not canonical:
                        continue
                    if up == 1:
                        out_tri[kept, 0] = off + _index(i, j, n)
                        out_tri[kept, 1] = off + _index(i + 1, j, n)
                        out_tri[kept, 2] = off + _index(i, j + 1, n)
                    else:
                        out_tri[kept, 0] = off + _index(i + 1, j, n)
                        out_tri[kept, 1] = off + _index(i + 1, j + 1, n)
                        out_tri[kept, 2] = off + _index(i, j + 1, n)
                    out_mult[kept] = (s1 - s0) // same
                    kept += 1
    return out_tri[:kept].copy(), out_mult[:kept].copy()


@njit(cache=True)
def assemble_orbit_pencil(positions, tri, weight, slots, nnz, labels, n_orbits, lumped):
    """P1 stiffness and mass of weighted triangles scattered into an orbit-indexed CSR.

    positions (Q, 3) unit-sphere points; tri (T, 3) point indices; weight (T,) float64 (the
    triangle's orbit size); slots (T, 9) from the CSR pattern of labels[tri]; labels (Q,)
    orbit of every point. Returns (kdata, mdata, mdiag (n_orbits,), area (T,), perimeter (T,)).
    """
    T = tri.shape[0]
    kdata = np.zeros(nnz, dtype=np.float64)
    mdata = np.zeros(nnz, dtype=np.float64)
    mdiag = np.zeros(n_orbits, dtype=np.float64)
    area = np.empty(T, dtype=np.float64)
    perim = np.empty(T, dtype=np.float64)
    for e in range(T):
        i0 = tri[e, 0]
        i1 = tri[e, 1]
        i2 = tri[e, 2]
        a = 0.0
        b = 0.0
        c = 0.0
        w2 = 0.0
        for d in range(3):
            u = positions[i1, d] - positions[i0, d]
            v = positions[i2, d] - positions[i0, d]
            a += u * u
            b += u * v
            c += v * v
            t = positions[i2, d] - positions[i1, d]
            w2 += t * t
        det = a * c - b * b
        vol = 0.5 * np.sqrt(det) if det > 0.0 else 0.0
        f = vol / det if det > 0.0 else 0.0
        area[e] = vol
        perim[e] = np.sqrt(a) + np.sqrt(c) + np.sqrt(w2)
        g = weight[e]
        s11 = g * f * c
        s22 = g * f * a
        s12 = -g * f * b
        s10 = -(s11 + s12)
        s20 = -(s12 + s22)
        s00 = -(s10 + s20)
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
            share = g * vol / 3.0
            mdiag[labels[i0]] += share
            mdiag[labels[i1]] += share
            mdiag[labels[i2]] += share
        else:
            md = g * vol / 6.0
            mo = g * vol / 12.0
            mdata[sl[0]] += md
            mdata[sl[4]] += md
            mdata[sl[8]] += md
            mdata[sl[1]] += mo
            mdata[sl[2]] += mo
            mdata[sl[3]] += mo
            mdata[sl[5]] += mo
            mdata[sl[6]] += mo
            mdata[sl[7]] += mo
    return kdata, mdata, mdiag, area, perim
