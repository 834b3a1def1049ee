"""The polynomial kernels (weylgain._kernels.polynomials) against slow pure-python references.

References: monomials listed by itertools and ranked by an independent stars-and-bars
formula written with math.comb; the derivation ``grad p . X x`` applied to each monomial as a
dictionary polynomial.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from weylgain._kernels.polynomials import (
    binomial_table,
    derivation_coo,
    monomial_exponents,
    monomial_index,
    weight_of_monomials,
)


def reference_rank(a):
    """Stars and bars: bars after a_0, a_0 + a_1 + 1, ...; index = sum_i C(bar_i, i)."""
    bars, pos = [], -1
    for e in a[:-1]:
        pos += e + 1
        bars.append(pos)
    return sum(math.comb(c, i + 1) for i, c in enumerate(bars))


def reference_monomials(dim, degree):
    out = [a for a in itertools.product(range(degree + 1), repeat=dim) if sum(a) == degree]
    return sorted(out, key=reference_rank)


@pytest.mark.parametrize("dim,degree", [(1, 0), (1, 5), (2, 0), (2, 7), (3, 4), (4, 6),
                                        (5, 3)])
def test_monomial_exponents_match_reference_order(dim, degree):
    ref = reference_monomials(dim, degree)
    got = monomial_exponents(dim, degree)
    assert got.shape == (math.comb(degree + dim - 1, dim - 1), dim)
    assert [tuple(r) for r in got] == ref
    assert [reference_rank(a) for a in ref] == list(range(len(ref)))  # a bijection
    binom = binomial_table(degree + dim, dim)
    for i, row in enumerate(got):
        assert monomial_index(row, binom) == i


def test_binomial_table():
    table = binomial_table(12, 5)
    for n in range(13):
        for r in range(6):
            assert table[n, r] == math.comb(n, r)


def reference_derivation(dim, degree, matrix):
    mons = reference_monomials(dim, degree)
    index = {a: i for i, a in enumerate(mons)}
    out = np.zeros((len(mons), len(mons)))
    for col, a in enumerate(mons):
        for j in range(dim):
            for l in range(dim):
                if a[j] == 0:
                    continue
                b = list(a)
                b[j] -= 1
                b[l] += 1
                out[index[tuple(b)], col] += a[j] * matrix[j, l]
    return out


@pytest.mark.parametrize("dim,degree", [(2, 3), (3, 4), (4, 3), (5, 2)])
def test_derivation_matches_reference(dim, degree):
    rng = np.random.default_rng(dim * 10 + degree)
    x = rng.standard_normal((dim, dim))
    x[0, 1] = 0.0  # a skipped entry
    rows, cols, vals = derivation_coo(monomial_exponents(dim, degree), x, 0.0)
    n = math.comb(degree + dim - 1, dim - 1)
    got = np.zeros((n, n))
    np.add.at(got, (rows, cols), vals)
    np.testing.assert_allclose(got, reference_derivation(dim, degree, x), atol=1e-12)


def test_derivation_of_a_rotation_kills_the_invariants():
    # x0^2 + x1^2 is invariant under the rotation of (x0, x1): its image is zero
    x = np.zeros((3, 3))
    x[1, 0], x[0, 1] = 1.0, -1.0
    mons = monomial_exponents(3, 2)
    rows, cols, vals = derivation_coo(mons, x, 0.0)
    n = mons.shape[0]
    mat = np.zeros((n, n))
    np.add.at(mat, (rows, cols), vals)
    p = np.zeros(n)
    for i, a in enumerate(mons):
        if tuple(a) in ((2, 0, 0), (0, 2, 0)):
            p[i] = 1.0
    assert np.abs(mat @ p).max() == 0.0
    q = np.zeros(n)
    q[[i for i, a in enumerate(mons) if tuple(a) == (2, 0, 0)][0]] = 1.0
    assert np.abs(mat @ q).max() > 0  # x0^2 alone is not


def test_weights_of_monomials():
    mons = monomial_exponents(4, 5)
    w = np.array([[1, 0], [-1, 2], [2, -3], [0, 1]], dtype=np.int64)
    got = weight_of_monomials(mons, w)
    ref = np.array([[sum(a[j] * w[j, s] for j in range(4)) for s in range(2)] for a in mons])
    np.testing.assert_array_equal(got, ref)
