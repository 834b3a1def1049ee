"""Issue 21, exact counts at formula speed: the character recursion of
``weylgain.exact.configurations`` against references that do not use characters.

Truth here comes from Clebsch-Gordan and 3j-symbol facts, enumerated tuple by tuple:

* SO(3) invariants of ``V_a x V_b`` : 1 iff a = b (Schur);
* of ``V_a x V_b x V_c`` : 1 iff ``|a - b| <= c <= a + b`` (Clebsch-Gordan series);
  under O(3), -I acts by ``(-1)^(a+b+c)``, so also ``a + b + c`` even;
* a transposition of two equal factors acts on that invariant (the 3j symbol) by
  ``(-1)^(a+b+c) = (-1)^c``, a 3-cycle by +1 (even permutations of the columns), so the
  Sym(3) count follows by Burnside;
* of four factors: the number of j with ``V_j`` in both ``V_a x V_b`` and ``V_c x V_d``;
* SO(2) invariants of ``V_a x V_b`` : weight pairs (m, -m), ``2 min(a, b) + 1``;
* no connected part: products of the dimensions ``2l + 1`` (or of ``dim H_l(S^d)``).
"""

from __future__ import annotations

import math
import time
from collections import Counter

import numpy as np
import pytest

from weylgain.exact.configurations import configuration_spectrum
from weylgain.groups.actions import FactorStructure

SWAP2 = [[1, 0]]
SYM3 = [[1, 0, 2], [1, 2, 0]]


def structure(copies, group="SO(3)", improper=False, perms=(), ambient=3):
    return FactorStructure(copies, ambient, group, improper,
                           np.array(perms, dtype=np.int64).reshape(-1, copies))


def spectrum(st, lam, **kw):
    """{level: invariant multiplicity} and {level: full multiplicity} of the code."""
    eig, mult, full = configuration_spectrum(st, lam, **kw)
    levels = np.rint(eig).astype(int).tolist()
    return ({e: int(m) for e, m in zip(levels, mult) if m},
            {e: int(f) for e, f in zip(levels, full)})


def degrees(lam, d=2):
    """Degrees l of S^d with l (l + d - 1) <= lam."""
    out = []
    l = 0
    while l * (l + d - 1) <= lam:
        out.append(l)
        l += 1
    return out


def E(l, d=2):
    return l * (l + d - 1)


def _as_dict(counter):
    return {e: m for e, m in counter.items() if m}


# ------------------------------------------------------------------------ S2^2


@pytest.mark.parametrize("lam", [0, 1, 3.99, 4, 100, 2500.5])
def test_s2_squared_so3_one_invariant_per_degree(lam):
    truth = Counter(2 * E(l) for l in degrees(lam / 2))
    got, _ = spectrum(structure(2), lam)
    assert got == _as_dict(truth)


def test_s2_squared_so3_at_lam_1e4_in_milliseconds():
    st = structure(2)
    configuration_spectrum(st, 10.0)  # kernels loaded
    best = math.inf
    for _ in range(3):
        t0 = time.perf_counter()
        _, mult, _ = configuration_spectrum(st, 1e4)
        best = min(best, time.perf_counter() - t0)
    assert int(mult.sum()) == sum(1 for l in range(200) if 2 * l * (l + 1) <= 1e4) == 71
    assert best < 0.5  # measured 0.6 ms; the character tables took 17 s


@pytest.mark.parametrize("improper, perms", [(False, SWAP2), (True, ()), (True, SWAP2)])
def test_s2_squared_swap_and_parity_keep_every_degree(improper, perms):
    # the invariant of V_l x V_l is symmetric ((-1)^(2l) = 1) and even (a + b = 2l)
    lam = 300
    truth = Counter(2 * E(l) for l in degrees(lam / 2))
    got, _ = spectrum(structure(2, improper=improper, perms=perms), lam)
    assert got == _as_dict(truth)


def test_s2_squared_so2_counts_weight_pairs():
    lam = 200
    truth: Counter = Counter()
    for a in degrees(lam):
        for b in degrees(lam - E(a)):
            truth[E(a) + E(b)] += 2 * min(a, b) + 1
    got, full = spectrum(structure(2, "SO(2)"), lam)
    assert got == _as_dict(truth)
    fulls: Counter = Counter()
    for a in degrees(lam):
        for b in degrees(lam - E(a)):
            fulls[E(a) + E(b)] += (2 * a + 1) * (2 * b + 1)
    assert full == dict(fulls)


# ------------------------------------------------------------------------ S2^3


def _triples(lam):
    for a in degrees(lam):
        for b in degrees(lam - E(a)):
            for c in degrees(lam - E(a) - E(b)):
                yield a, b, c


@pytest.mark.parametrize("lam", [0, 6, 50, 500])
@pytest.mark.parametrize("improper", [False, True])
def test_s2_cubed_clebsch_gordan_triangle(lam, improper):
    truth: Counter = Counter()
    for a, b, c in _triples(lam):
        if abs(a - b) <= c <= a + b and (not improper or (a + b + c) % 2 == 0):
            truth[E(a) + E(b) + E(c)] += 1
    got, _ = spectrum(structure(3, improper=improper), lam)
    assert got == _as_dict(truth)


@pytest.mark.parametrize("improper", [False, True])
def test_s2_cubed_sym3_by_burnside_on_3j_symbols(improper):
    lam = 400
    identity: Counter = Counter()
    swap: Counter = Counter()
    cycle: Counter = Counter()
    for a, b, c in _triples(lam):
        if abs(a - b) <= c <= a + b and (not improper or (a + b + c) % 2 == 0):
            e = E(a) + E(b) + E(c)
            identity[e] += 1
            if a == b:  # fixed by the transposition of factors 0, 1: 3j sign (-1)^(2a+c)
                swap[e] += (-1) ** c
            if a == b == c:  # fixed by the 3-cycles: even permutations keep the 3j symbol
                cycle[e] += 1
    truth = {}
    for e in identity:
        total = identity[e] + 3 * swap[e] + 2 * cycle[e]
        assert total % 6 == 0
        if total:
            truth[e] = total // 6
    got, _ = spectrum(structure(3, improper=improper, perms=SYM3), lam)
    assert got == truth


def test_s2_cubed_cyclic_permutations_by_burnside():
    # C3 = <(0 1 2)>: identity + two 3-cycles, each fixing (a, a, a) with trace +1
    lam = 400
    truth: Counter = Counter()
    for a, b, c in _triples(lam):
        if abs(a - b) <= c <= a + b:
            truth[E(a) + E(b) + E(c)] += 1 + (2 if a == b == c else 0)
    assert all(v % 3 == 0 for v in truth.values())
    got, _ = spectrum(structure(3, perms=[[1, 2, 0]]), lam)
    assert got == {e: v // 3 for e, v in truth.items() if v}


def test_s2_cubed_total_at_lam_1e4_against_a_vectorised_triangle_sum():
    lam = 1e4
    ls = np.arange(len(degrees(lam)))
    a, b, c = np.meshgrid(ls, ls, ls, indexing="ij")
    ok = ((a * (a + 1) + b * (b + 1) + c * (c + 1) <= lam)
          & (np.abs(a - b) <= c) & (c <= a + b))
    t0 = time.perf_counter()
    _, mult, full = configuration_spectrum(structure(3), lam)
    elapsed = time.perf_counter() - t0
    assert int(mult.sum()) == int(ok.sum())
    dims = 2 * ls + 1
    inside = a * (a + 1) + b * (b + 1) + c * (c + 1) <= lam
    assert int(full.sum()) == int((dims[a] * dims[b] * dims[c])[inside].sum())
    assert elapsed < 5.0  # measured 20 ms


# ------------------------------------------------------------------------ S2^4 and S^d


def test_s2_fourth_power_so3_through_intermediate_spins():
    lam = 120
    truth: Counter = Counter()
    for a, b, c in _triples(lam):
        for d in degrees(lam - E(a) - E(b) - E(c)):
            shared = set(range(abs(a - b), a + b + 1)) & set(range(abs(c - d), c + d + 1))
            truth[E(a) + E(b) + E(c) + E(d)] += len(shared)
    got, _ = spectrum(structure(4), lam)
    assert got == _as_dict(truth)


def test_s3_squared_swap_no_connected_part_by_burnside_on_dimensions():
    d, lam = 3, 150

    def dim(l):
        return math.comb(l + d, d) - (math.comb(l + d - 2, d) if l >= 2 else 0)

    total: Counter = Counter()
    for a in degrees(lam, d):
        for b in degrees(lam - E(a, d), d):
            total[E(a, d) + E(b, d)] += dim(a) * dim(b)
    for a in degrees(lam / 2, d):  # the swap fixes (a, a) with trace dim H_a
        total[2 * E(a, d)] += dim(a)
    got, _ = spectrum(structure(2, "trivial", perms=SWAP2, ambient=4), lam, sphere_dim=d)
    assert got == {e: v // 2 for e, v in total.items()}


def test_radius_scales_the_eigenvalues_only():
    lam, r = 40.0, 2.0
    eig1, mult1, full1 = configuration_spectrum(structure(3), lam * r**2)
    eig2, mult2, full2 = configuration_spectrum(structure(3), lam, radius=r)
    np.testing.assert_allclose(eig2, eig1 / r**2)
    np.testing.assert_array_equal(mult1, mult2)
    np.testing.assert_array_equal(full1, full2)


def test_input_structure_is_not_modified():
    perms = np.array(SYM3, dtype=np.int64)
    st = structure(3, perms=perms)
    before = np.array(st.permutations, copy=True)
    configuration_spectrum(st, 100)
    np.testing.assert_array_equal(st.permutations, before)


# ------------------------------------------------------------------------ Lie groups with -I


def _rot(dim, i, j):
    x = np.zeros((dim, dim))
    x[j, i], x[i, j] = 1.0, -1.0
    return x


def _irrep5_algebra():
    """so(3) on traceless symmetric 3x3 matrices (R^5), A -> [X, A], orthonormal basis."""
    sym = []
    for i in range(3):
        for j in range(i + 1, 3):
            e = np.zeros((3, 3))
            e[i, j] = e[j, i] = 1 / math.sqrt(2)
            sym.append(e)
    sym += [np.diag([1.0, -1, 0]) / math.sqrt(2), np.diag([1.0, 1, -2]) / math.sqrt(6)]
    sym = np.array(sym)
    return np.array([np.einsum("aij,bij->ab", sym, np.einsum("ik,bkj->bij", x, sym)
                               - np.einsum("bik,kj->bij", sym, x))
                     for x in (_rot(3, 0, 1), _rot(3, 1, 2), _rot(3, 0, 2))])


def test_o2_on_s2_minus_identity_keeps_even_zonal_harmonics():
    from weylgain.exact.lie import lie_sphere_dimensions
    from weylgain.groups.actions import LinearAction

    act = LinearAction(_rot(3, 0, 1)[None], -np.eye(3)[None], (3,), True)
    got = lie_sphere_dimensions(act, 80)
    # SO(2) about the axis: the zonal harmonic of each degree; -I acts on H_k by (-1)^k
    np.testing.assert_array_equal(got, [1 - k % 2 for k in range(81)])


def test_so3_x_minus_identity_on_s4_against_the_invariant_ring():
    # SO(3) on traceless symmetric matrices: invariants C[tr A^2, tr A^3]; -I (not in the
    # image of SO(3)) removes the odd degrees. Harmonics: P_k^G - P_{k-2}^G.
    from weylgain.exact.lie import lie_sphere_dimensions
    from weylgain.groups.actions import LinearAction

    top = 24
    poly = [0 if k % 2 else sum(1 for j in range(k // 3 + 1) if (k - 3 * j) % 2 == 0)
            for k in range(top + 1)]
    truth = [poly[k] - (poly[k - 2] if k >= 2 else 0) for k in range(top + 1)]
    act = LinearAction(_irrep5_algebra(), -np.eye(5)[None], (5,), False)
    t0 = time.perf_counter()
    got = lie_sphere_dimensions(act, top)
    np.testing.assert_array_equal(got, truth)
    assert time.perf_counter() - t0 < 20  # the dense route took 84 s at degree 25
    # without -I the odd degrees come back (tr A^3)
    plain = LinearAction(_irrep5_algebra(), np.zeros((0, 5, 5)), (5,), False)
    poly = [sum(1 for j in range(k // 3 + 1) if (k - 3 * j) % 2 == 0) for k in range(13)]
    np.testing.assert_array_equal(lie_sphere_dimensions(plain, 12),
                                  [poly[k] - (poly[k - 2] if k >= 2 else 0)
                                   for k in range(13)])


# ------------------------------------------------------------------------ the two routes


@pytest.mark.parametrize("d, groups", [(2, ("trivial", "SO(2)", "SO(3)")), (3, ("trivial",))])
def test_numpy_and_numba_routes_agree_on_every_cycle_type(d, groups):
    # the numpy form (fresh processes, small counts) and the compiled kernels compute the same
    # recursion; the truths above reach both only by the process's history, so compare here
    from sympy.utilities.iterables import partitions

    from weylgain.exact.configurations import _sphere_levels, _type_series

    for lam in (0, 5, 37, 300):
        e_max, levels = _sphere_levels(lam, 1.0, d)
        dims = np.array([math.comb(l + d, d) - (math.comb(l + d - 2, d) if l >= 2 else 0)
                         for l in range(levels.size)], dtype=np.int64)
        for k in range(1, 6):
            for part in partitions(k):
                lengths = tuple(sorted(n for n, m in part.items() for _ in range(m)))
                for group in groups:
                    for sign in (1, -1):
                        a = _type_series(lengths, levels, dims, group, sign, e_max,
                                         route="numpy")
                        b = _type_series(lengths, levels, dims, group, sign, e_max,
                                         route="numba")
                        np.testing.assert_array_equal(a, b, err_msg=str((lam, lengths,
                                                                         group, sign)))
