"""Numba kernels of the direct torus quotient (:mod:`weylgain.quotient_torus`).

The flat torus mesh is the grid Z_n^d (C-order numbering) with a periodic triangulation; a
finite group acts on the grid by ``i -> A i + s (mod n)``, A a signed permutation (stored as
the source axis and the sign of each coordinate) and s a grid shift in [0, n). Orbits are
found without a per-vertex label array: the representative of an orbit is its smallest
index, a visited bit a vertex marks the orbits already seen, and the label of any vertex is
found from its representative (the minimum of its images) in a hash table of the
representatives. The reduced pencil is assembled row by row from the stencils of the
periodic triangulation: with P the 0/1 orbit matrix and K invariant,
(PᵀKP)_ab = |O_a| sum_{j in O_b} K_{r_a j}, so row a needs only the stencil of its
representative r_a. Integer arrays are int64, values float64.
"""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True)
def _unravel(i, n, d, coords):
    r = i
    for a in range(d - 1, -1, -1):
        q = r // n
        coords[a] = r - q * n
        r = q


@njit(cache=True)
def _image(coords, n, d, lin, shift, g):
    """Index of the image under element g of the vertex with grid coordinates ``coords``.

    ``lin[g]`` is a signed permutation given as (source axis, sign) pairs: ``lin[g, a, 0]``
    the axis coordinate a is taken from, ``lin[g, a, 1]`` its sign (+1 or -1)."""
    idx = 0
    for a in range(d):
        v = lin[g, a, 1] * coords[lin[g, a, 0]] + shift[g, a]  # in (-n, 2n)
        if v >= n:
            v -= n
        elif v < 0:
            v += n
        idx = idx * n + v
    return idx


@njit(cache=True)
def _canonical(coords, n, d, lin, shift):
    """The smallest index in the orbit of the vertex with these coordinates."""
    best = _image(coords, n, d, lin, shift, 0)
    for g in range(1, lin.shape[0]):
        j = _image(coords, n, d, lin, shift, g)
        if j < best:
            best = j
    return best


@njit(cache=True)
def grid_orbits(n, d, lin, shift):
    """``(reps, sizes)``: the smallest index of every orbit of Z_n^d (ascending) and the
    orbit's size. ``lin`` (G, d, 2) (signed permutations as (source axis, sign), see
    :func:`_image`) and ``shift`` (G, d) in [0, n) are the group's elements (the identity
    among them). A visited bit per vertex (n^d / 8 bytes); work n^d + (orbits x G)."""
    total = 1
    for _ in range(d):
        total *= n
    G = lin.shape[0]
    visited = np.zeros(total // 8 + 1, dtype=np.uint8)
    cap = total // G + 16
    reps = np.empty(cap, dtype=np.int64)
    sizes = np.empty(cap, dtype=np.int64)
    coords = np.empty(d, dtype=np.int64)
    m = 0
    for i in range(total):
        if visited[i >> 3] & (1 << (i & 7)):
            continue
        _unravel(i, n, d, coords)
        k = 0
        for g in range(G):
            j = _image(coords, n, d, lin, shift, g)
            if not visited[j >> 3] & (1 << (j & 7)):
                visited[j >> 3] |= np.uint8(1 << (j & 7))
                k += 1
        if m == cap:
            cap *= 2
            r2 = np.empty(cap, dtype=np.int64)
            s2 = np.empty(cap, dtype=np.int64)
            r2[:m] = reps[:m]
            s2[:m] = sizes[:m]
            reps = r2
            sizes = s2
        reps[m] = i
        sizes[m] = k
        m += 1
    return reps[:m].copy(), sizes[:m].copy()


@njit(cache=True)
def _search(reps, key):
    lo = 0
    hi = reps.shape[0]
    while lo < hi:
        mid = (lo + hi) // 2
        if reps[mid] < key:
            lo = mid + 1
        else:
            hi = mid
    return lo


_MIX = 0x9E3779B97F4A7C15  # Fibonacci hashing


@njit(cache=True)
def _hash_table(reps):
    """Open addressing of representative -> label: (keys, labels, mask), 2-4 slots an orbit
    (a lookup touches one or two cache lines where a binary search touches log2(orbits))."""
    size = 16
    while size < 2 * reps.shape[0]:
        size *= 2
    keys = np.full(size, -1, dtype=np.int64)
    labels = np.empty(size, dtype=np.int64)
    mask = size - 1
    for k in range(reps.shape[0]):
        h = (np.uint64(reps[k]) * np.uint64(_MIX)) >> np.uint64(20)
        slot = np.int64(h & np.uint64(mask))
        while keys[slot] != -1:
            slot = (slot + 1) & mask
        keys[slot] = reps[k]
        labels[slot] = k
    return keys, labels, mask


@njit(cache=True)
def _lookup(keys, labels, mask, key):
    h = (np.uint64(key) * np.uint64(_MIX)) >> np.uint64(20)
    slot = np.int64(h & np.uint64(mask))
    while keys[slot] != -1:
        if keys[slot] == key:
            return labels[slot]
        slot = (slot + 1) & mask
    return -1


@njit(cache=True)
def orbit_labels(points, n, d, lin, shift, reps):
    """The orbit label of each vertex index in ``points`` (shape (p,)); -1 if not found."""
    coords = np.empty(d, dtype=np.int64)
    labels = np.empty(points.shape[0], dtype=np.int64)
    for t in range(points.shape[0]):
        _unravel(points[t], n, d, coords)
        c = _canonical(coords, n, d, lin, shift)
        k = _search(reps, c)
        labels[t] = k if k < reps.shape[0] and reps[k] == c else -1
    return labels


@njit(cache=True)
def assemble_grid_quotient(n, d, lin, shift, reps, sizes, period, offsets, kst, mst, mlump):
    """The upper triangle of (PᵀKP, PᵀMP) in CSR, and the lumped diagonal PᵀM_L P.

    ``period`` (1 or 2): the triangulation's stencils depend on the coordinates mod period
    (class index sum_a (x_a mod period) period^(d-1-a)); ``offsets`` (S, d) in {-1, 0, 1};
    ``kst, mst`` (C, S) the stiffness and mass stencils per class; ``mlump`` (C,) the lumped
    mass. Returns (indptr, indices, kdata, mdata, mdiag); rows sorted, duplicates summed.
    """
    m = reps.shape[0]
    S = offsets.shape[0]
    keys, labels, mask = _hash_table(reps)
    x = np.empty(d, dtype=np.int64)
    y = np.empty(d, dtype=np.int64)
    cols = np.empty(S, dtype=np.int64)
    kv = np.empty(S)
    mv = np.empty(S)
    indptr = np.zeros(m + 1, dtype=np.int64)
    cap = m * 4 + 16
    indices = np.empty(cap, dtype=np.int64)
    kdata = np.empty(cap)
    mdata = np.empty(cap)
    mdiag = np.empty(m)
    nz = 0
    for a in range(m):
        _unravel(reps[a], n, d, x)
        cls = 0
        for ax in range(d):
            cls = cls * period + x[ax] % period
        w = float(sizes[a])
        mdiag[a] = w * mlump[cls]
        k = 0
        for s in range(S):
            if kst[cls, s] == 0.0 and mst[cls, s] == 0.0:
                continue
            for ax in range(d):
                v = x[ax] + offsets[s, ax]
                if v >= n:
                    v -= n
                elif v < 0:
                    v += n
                y[ax] = v
            c = _canonical(y, n, d, lin, shift)
            b = _lookup(keys, labels, mask, c)
            if b < a:
                continue  # the lower triangle: row b gives it
            # insertion into the row's sorted buffer, summing duplicates
            pos = 0
            while pos < k and cols[pos] < b:
                pos += 1
            if pos < k and cols[pos] == b:
                kv[pos] += w * kst[cls, s]
                mv[pos] += w * mst[cls, s]
                continue
            for q in range(k, pos, -1):
                cols[q] = cols[q - 1]
                kv[q] = kv[q - 1]
                mv[q] = mv[q - 1]
            cols[pos] = b
            kv[pos] = w * kst[cls, s]
            mv[pos] = w * mst[cls, s]
            k += 1
        if nz + k > cap:
            cap = 2 * cap + k
            i2 = np.empty(cap, dtype=np.int64)
            k2 = np.empty(cap)
            m2 = np.empty(cap)
            i2[:nz] = indices[:nz]
            k2[:nz] = kdata[:nz]
            m2[:nz] = mdata[:nz]
            indices = i2
            kdata = k2
            mdata = m2
        for q in range(k):
            indices[nz] = cols[q]
            kdata[nz] = kv[q]
            mdata[nz] = mv[q]
            nz += 1
        indptr[a + 1] = nz
    return indptr, indices[:nz].copy(), kdata[:nz].copy(), mdata[:nz].copy(), mdiag
