"""Numba kernels: homogeneous polynomials on the monomial basis.

Monomials ``x^a`` of degree k in D variables (``a`` in N^D, ``|a| = k``) are indexed by the
combinatorial number system: ``a`` is the (D-1)-subset ``c_i = a_0 + ... + a_{i-1} + i - 1``
(i = 1..D-1, stars and bars) of ``{0, ..., k+D-2}``, and its index is
``sum_i C(c_i, i)``. :func:`monomial_exponents` lists the monomials in that order and
:func:`monomial_index` inverts it, so the derivation kernel needs no hash table.
Private module: the public entry points live in :mod:`weylgain.exact.lie`.
"""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True)
def binomial_table(n_max, r_max):
    """``C(n, r)`` for ``0 <= n <= n_max``, ``0 <= r <= r_max`` (int64, zero when r > n)."""
    table = np.zeros((n_max + 1, r_max + 1), dtype=np.int64)
    for n in range(n_max + 1):
        table[n, 0] = 1
        for r in range(1, min(n, r_max) + 1):
            table[n, r] = table[n - 1, r - 1] + (table[n - 1, r] if r <= n - 1 else 0)
    return table


@njit(cache=True)
def monomial_index(exponent, binom):
    """Index of the monomial with the given exponent vector (int64 of shape (D,))."""
    dim = exponent.shape[0]
    index = np.int64(0)
    position = np.int64(-1)
    for i in range(1, dim):
        position += exponent[i - 1] + 1
        index += binom[position, i]
    return index


@njit(cache=True)
def monomial_exponents(dim, degree):
    """All exponent vectors of degree ``degree`` in ``dim`` variables, in index order.

    Returns
    -------
    ndarray of shape (C(degree + dim - 1, dim - 1), dim), int64
        Row ``i`` is the monomial of index ``i``.
    """
    binom = binomial_table(degree + dim, dim)
    n = binom[degree + dim - 1, dim - 1]
    out = np.zeros((n, dim), dtype=np.int64)
    # unrank every index: the largest c_{D-1} with C(c, D-1) <= rest, then downwards
    positions = np.zeros(dim, dtype=np.int64)
    for idx in range(n):
        rest = idx
        top = degree + dim - 2
        for i in range(dim - 1, 0, -1):
            c = top
            while binom[c, i] > rest:
                c -= 1
            positions[i] = c
            rest -= binom[c, i]
            top = c - 1
        # exponents from the gaps between consecutive positions (c_0 = -1, c_D = k + D - 1)
        previous = -1
        for i in range(1, dim):
            out[idx, i - 1] = positions[i] - previous - 1
            previous = positions[i]
        out[idx, dim - 1] = degree + dim - 2 - previous
    return out


@njit(cache=True)
def derivation_coo(exponents, matrix, tol):
    """The derivation ``p -> grad p . (X x)`` on degree-k monomials, as COO triplets.

    ``x^a`` maps to ``sum_{j, l} a_j X[j, l] x^(a - e_j + e_l)``; entries ``|X[j, l]| <= tol``
    are skipped. Duplicate (row, column) pairs (the ``j == l`` terms) are left for the
    caller to sum (scipy does when converting to CSR).

    Parameters
    ----------
    exponents : ndarray of shape (n, D), int64
        The monomials of one degree in index order (from :func:`monomial_exponents`).
    matrix : ndarray of shape (D, D), float64
        The linear vector field X.
    tol : float
        Entries of X at most this in modulus are treated as zero.

    Returns
    -------
    rows, cols : ndarray of shape (nnz,), int64
    values : ndarray of shape (nnz,), float64
    """
    n, dim = exponents.shape
    degree = 0
    if n > 0:
        for i in range(dim):
            degree += exponents[0, i]
    binom = binomial_table(degree + dim, dim)
    nonzero = 0
    for j in range(dim):
        for l in range(dim):
            if abs(matrix[j, l]) > tol:
                nonzero += 1
    cap = n * nonzero
    rows = np.empty(cap, dtype=np.int64)
    cols = np.empty(cap, dtype=np.int64)
    values = np.empty(cap, dtype=np.float64)
    work = np.empty(dim, dtype=np.int64)
    count = 0
    for col in range(n):
        for j in range(dim):
            aj = exponents[col, j]
            if aj == 0:
                continue
            for l in range(dim):
                x = matrix[j, l]
                if abs(x) <= tol:
                    continue
                for i in range(dim):
                    work[i] = exponents[col, i]
                work[j] -= 1
                work[l] += 1
                rows[count] = monomial_index(work, binom)
                cols[count] = col
                values[count] = aj * x
                count += 1
    return rows[:count], cols[:count], values[:count]


@njit(cache=True)
def weight_of_monomials(exponents, weights):
    """Integer weight ``sum_j a_j w_j`` of every monomial.

    Parameters
    ----------
    exponents : ndarray of shape (n, D), int64
    weights : ndarray of shape (D, r), int64
        Weight of each coordinate.

    Returns
    -------
    ndarray of shape (n, r), int64
    """
    n, dim = exponents.shape
    r = weights.shape[1]
    out = np.zeros((n, r), dtype=np.int64)
    for i in range(n):
        for j in range(dim):
            a = exponents[i, j]
            if a != 0:
                for s in range(r):
                    out[i, s] += a * weights[j, s]
    return out
