"""Exact counts on products of spheres (weylgain.exact.configurations) against independent truth.

Truth: a brute-force projection computed here (products of harmonic polynomials of each
factor at random configurations, averaged over an Euler-angle quadrature that is exact at
that degree for SO(3), equally spaced angles for SO(2), and the permutations of the
factors), the Clebsch-Gordan triangle rule summed over tuples, hand-derived invariants
(P_l(x1 . x2) on S2^2; det(x1, x2, x3) antisymmetric), and Weyl's law with hand-derived
d_G and vol(M/G).
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from weylgain.errors import CountingError, GroupError, SpecError
from weylgain.exact.configurations import configuration_spectrum, permutation_cycle_types
from weylgain.groups.actions import FactorStructure


def structure(copies, group, improper=False, perms=()):
    return FactorStructure(copies, 3, group, improper, np.array(perms, dtype=np.int64)
                           .reshape(-1, copies))


def spectrum_dict(st, lam):
    eig, mult, full = configuration_spectrum(st, lam)
    return {int(round(e)): (int(m), int(f)) for e, m, f in zip(eig, mult, full)}


def rotation_matrix(axis, angle):
    u = np.asarray(axis, dtype=float) / np.linalg.norm(axis)
    k = np.array([[0, -u[2], u[1]], [u[2], 0, -u[0]], [-u[1], u[0], 0]])
    return np.eye(3) + math.sin(angle) * k + (1 - math.cos(angle)) * k @ k


def harmonics(degree):
    """Exponents and coefficient columns of a basis of degree-l harmonics on R^3."""
    mons = np.array([a for a in itertools.product(range(degree + 1), repeat=3)
                     if sum(a) == degree]).reshape(-1, 3)
    low = [a for a in itertools.product(range(degree + 1), repeat=3) if sum(a) == degree - 2]
    if not low:
        return mons, np.eye(len(mons))
    index = {a: i for i, a in enumerate(low)}
    lap = np.zeros((len(low), len(mons)))
    for col, a in enumerate(mons):
        for j in range(3):
            if a[j] >= 2:
                b = list(a)
                b[j] -= 2
                lap[index[tuple(b)], col] += a[j] * (a[j] - 1)
    _, s, vh = np.linalg.svd(lap)
    return mons, vh[int(np.sum(s > 1e-9 * s[0])):].T


def eval_harmonics(degree, x):
    mons, coeff = harmonics(degree)
    return np.prod(x[:, None, :] ** mons[None], axis=2) @ coeff  # (n_points, dim H_l)


def so3_quadrature(degree):
    n = 2 * degree + 1
    nodes, weights = np.polynomial.legendre.leggauss(degree + 1)
    return [(rotation_matrix([0, 0, 1], 2 * math.pi * a / n)
             @ rotation_matrix([0, 1, 0], math.acos(c))
             @ rotation_matrix([0, 0, 1], 2 * math.pi * b / n), w)
            for a in range(n) for b in range(n) for c, w in zip(nodes, weights)]


def so2_quadrature(degree):
    n = 2 * degree + 1
    return [(rotation_matrix([0, 0, 1], 2 * math.pi * a / n), 1.0) for a in range(n)]


def brute_force(copies, energy, rotations, perms, improper=False, seed=1):
    """Rank of the group average on the eigenspace sum l_i(l_i+1) = energy of S2^copies."""
    lmax = int(math.isqrt(energy)) + 1
    tuples = [t for t in itertools.product(range(lmax + 1), repeat=copies)
              if sum(l * (l + 1) for l in t) == energy]
    total_deg = max(sum(t) for t in tuples)
    rng = np.random.default_rng(seed)
    dim = sum(math.prod(2 * l + 1 for l in t) for t in tuples)
    n_points = 2 * dim + 10
    x = rng.standard_normal((n_points, copies, 3))
    x /= np.linalg.norm(x, axis=2, keepdims=True)
    group = [(r * s, w) for r, w in rotations(total_deg) for s in ((1, -1) if improper else (1,))]
    perm_list = closure_perms(perms, copies)
    avg = np.zeros((n_points, dim))
    for r, w in group:
        for p in perm_list:
            y = x[:, p, :] @ r.T
            cols = []
            for t in tuples:
                vals = np.ones((n_points, 1))
                for i, l in enumerate(t):
                    h = eval_harmonics(l, y[:, i, :])
                    vals = (vals[:, :, None] * h[:, None, :]).reshape(n_points, -1)
                cols.append(vals)
            avg += w * np.concatenate(cols, axis=1)
    s = np.linalg.svd(avg, compute_uv=False)
    return int(np.sum(s > 1e-8 * s[0])) if s[0] > 1e-10 else 0


def closure_perms(perms, copies):
    out = {tuple(range(copies))}
    frontier = list(out)
    while frontier:
        new = []
        for p in frontier:
            for g in perms:
                q = tuple(g[p[i]] for i in range(copies))
                if q not in out:
                    out.add(q)
                    new.append(q)
        frontier = new
    return [list(p) for p in out]


# ------------------------------------------------------------ hand cases


def test_so3_on_two_points_one_invariant_per_l():
    # P_l(x1 . x2) in H_l x H_l, eigenvalue 2 l (l + 1); nothing else (Schur)
    for perms in ((), ([1, 0],)):  # the swap fixes P_l(x1 . x2): same counts
        spec = spectrum_dict(structure(2, "SO(3)", perms=perms), 200)
        inv = {e: m for e, (m, _) in spec.items() if m}
        assert inv == {2 * l * (l + 1): 1 for l in range(10)}
    for e in (4, 6):  # (1, 1) and (2, 0)/(0, 2)... 6 = (2, 0): no invariant
        assert brute_force(2, e, so3_quadrature, []) == spec.get(e, (0, 0))[0]


def test_full_multiplicities_of_s2_squared():
    spec = spectrum_dict(structure(2, "trivial"), 40)
    truth = {}
    for a in range(7):
        for b in range(7):
            e = a * (a + 1) + b * (b + 1)
            if e <= 40:
                truth[e] = truth.get(e, 0) + (2 * a + 1) * (2 * b + 1)
    assert {e: f for e, (_, f) in spec.items()} == truth
    assert {e: m for e, (m, _) in spec.items()} == truth  # trivial group: everything


def clebsch_gordan_count(lam):
    """sum over (l1, l2, l3) of [l3 in l1 x l2] (triangle rule), by eigenvalue."""
    out = {}
    top = int(math.isqrt(int(lam))) + 1
    for t in itertools.product(range(top), repeat=3):
        e = sum(l * (l + 1) for l in t)
        if e <= lam and abs(t[0] - t[1]) <= t[2] <= t[0] + t[1]:
            out[e] = out.get(e, 0) + 1
    return out


def test_so3_on_three_points_clebsch_gordan():
    spec = spectrum_dict(structure(3, "SO(3)"), 60)
    assert {e: m for e, (m, _) in spec.items() if m} == clebsch_gordan_count(60)
    for e in (4, 6):
        assert brute_force(3, e, so3_quadrature, []) == spec[e][0]


def test_so3_sym3_on_three_points_signs():
    # det(x1, x2, x3) spans the invariants of (1, 1, 1): it is antisymmetric under swaps,
    # so with Sym(3) eigenvalue 6 carries nothing; three equal odd l: (-1)^l sign
    sym3 = [[1, 0, 2], [1, 2, 0]]
    spec = spectrum_dict(structure(3, "SO(3)", perms=sym3), 40)
    assert spec[6][0] == 0 and spectrum_dict(structure(3, "SO(3)"), 6)[6][0] == 1
    assert spec[18][0] == 1  # l = (2, 2, 2): 2 x 2 contains 2 once, symmetric
    assert spec[4][0] == 1  # (1, 1, 0) and permutations: x1 . x2 symmetrised
    for e in (4, 6):
        assert brute_force(3, e, so3_quadrature, sym3) == spec[e][0]
    # by hand from the Clebsch-Gordan counts: (l, l, l) with l odd is antisymmetric
    assert spectrum_dict(structure(3, "SO(3)", perms=sym3), 36)[36][0] == 0  # l = 3


def test_o3_kills_odd_invariants():
    # -I on every factor acts by (-1)^(l1 + l2 + l3): det(x1, x2, x3) is odd
    spec = spectrum_dict(structure(3, "SO(3)", improper=True), 12)
    assert spec[6][0] == 0 and spec[4][0] == 3
    assert brute_force(3, 6, so3_quadrature, [], improper=True) == 0
    two = spectrum_dict(structure(2, "SO(3)", improper=True), 50)
    assert {e: m for e, (m, _) in two.items() if m} == {2 * l * (l + 1): 1 for l in range(5)}


def test_so2_on_two_points():
    spec = spectrum_dict(structure(2, "SO(2)"), 12)
    for e in (2, 4, 6):
        assert brute_force(2, e, so2_quadrature, []) == spec[e][0]
    assert spec[2][0] == 2  # z1 and z2


def test_trivial_with_permutations_counts_symmetric_tensors():
    spec = spectrum_dict(structure(2, "trivial", perms=[[1, 0]]), 30)
    for e, (m, _) in spec.items():
        truth = 0
        for a in range(6):
            for b in range(a, 6):
                if a * (a + 1) + b * (b + 1) == e:
                    d = 2 * a + 1
                    truth += d * (d + 1) // 2 if a == b else d * (2 * b + 1)
        assert m == truth


def test_trivial_connected_part_on_s3_products():
    st = FactorStructure(2, 4, "trivial", False, np.array([[1, 0]]))
    eig, mult, full = configuration_spectrum(st, 20, sphere_dim=3)
    # S3: l (l + 2), dim (l + 1)^2; swap: symmetric part of H_l x H_l on the diagonal
    inv = dict(zip(eig.astype(int).tolist(), mult.tolist()))
    assert inv[6] == 4 * 5 // 2 and inv[16] == 9 * 10 // 2 and inv[3] == 4  # (1,0)+(0,1)
    assert dict(zip(eig.astype(int).tolist(), full.tolist()))[3] == 8


# ------------------------------------------------------------ Weyl fit


@pytest.mark.parametrize("perms", [(), ([1, 0],)])
def test_weyl_fit_so3_on_two_points(perms):
    # M/G = [0, pi] (the angle) with the quotient metric sqrt(2) d(angle): vol pi / sqrt(2),
    # d_G = 1: N(lam) ~ 2 vol sqrt(lam) / (2 pi) = sqrt(lam / 2); the second (boundary)
    # term of a 1-d quotient with two endpoints is a constant 1/2 (Neumann), so over a decade
    # the count stays within 1 of sqrt(lam/2) + 1/2 (a unit jump at each eigenvalue).
    eig, mult, _ = configuration_spectrum(structure(2, "SO(3)", perms=perms), 1000)
    vol = math.pi / math.sqrt(2)
    for lam in np.linspace(100, 1000, 37):
        count = int(mult[eig <= lam].sum())
        assert abs(count - (2 * vol * math.sqrt(lam) / (2 * math.pi) + 0.5)) <= 1.0
    lo, hi = int(mult[eig <= 100].sum()), int(mult[eig <= 1000].sum())
    assert abs(math.log(hi / lo) / math.log(10) - 0.5) < 0.06  # d_G / 2


# ------------------------------------------------------------ errors and enumeration


def test_cycle_types_of_symmetric_group():
    types, order = permutation_cycle_types([[1, 0, 2, 3], [1, 2, 3, 0]], 4)
    assert order == 24
    assert types == {(1, 1, 1, 1): 1, (1, 1, 2): 6, (2, 2): 3, (1, 3): 8, (4,): 6}


def test_refusals():
    with pytest.raises(GroupError, match="not a permutation"):
        permutation_cycle_types([[0, 0]], 2)
    with pytest.raises(CountingError, match="more than"):
        # A9 (a 9-cycle and a 3-cycle): enumerated, so refused; S9 has closed-form types
        permutation_cycle_types([list(range(1, 9)) + [0], [1, 2, 0] + list(range(3, 9))], 9,
                                max_order=1000)
    with pytest.raises(SpecError, match="S2 only"):
        configuration_spectrum(FactorStructure(2, 4, "SO(3)", False, np.zeros((0, 2))), 10,
                               sphere_dim=3)
    with pytest.raises(SpecError, match="connected parts"):
        configuration_spectrum(structure(2, "SU(2)"), 10)


def test_structure_hints_that_misdescribe_the_action_are_refused():
    from weylgain.exact.configurations import check_structure
    from weylgain.groups.actions import LinearAction

    swap = np.zeros((6, 6))
    swap[:3, 3:] = swap[3:, :3] = np.eye(3)
    c4 = np.kron(np.eye(2), rotation_matrix([0, 0, 1], math.pi / 2))
    empty = np.zeros((0, 6, 6))
    # a finite rotation hidden behind a "trivial" hint would be ignored by the characters
    hidden = LinearAction(empty, c4[None], (3, 3), False, structure(2, "trivial"))
    with pytest.raises(CountingError, match="finite rotation"):
        check_structure(hidden)
    # swap composed with -I is not Sym(2) x {+-I}: the sign is tied to the permutation
    twisted = LinearAction(empty, (-swap)[None], (3, 3), True,
                           structure(2, "trivial", improper=True, perms=[[1, 0]]))
    with pytest.raises(CountingError, match="not a product group"):
        check_structure(twisted)
    # the honest description passes
    fine = LinearAction(empty, np.array([swap, -np.eye(6)]), (3, 3), True,
                        structure(2, "trivial", improper=True, perms=[[1, 0]]))
    check_structure(fine)


def finite_brute_force(copies, energy, elements, seed=2):
    """Rank of the average over explicit (3k x 3k) group elements on one eigenspace."""
    lmax = int(math.isqrt(energy)) + 1
    tuples = [t for t in itertools.product(range(lmax + 1), repeat=copies)
              if sum(l * (l + 1) for l in t) == energy]
    dim = sum(math.prod(2 * l + 1 for l in t) for t in tuples)
    rng = np.random.default_rng(seed)
    n = 2 * dim + 10
    x = rng.standard_normal((n, copies, 3))
    x /= np.linalg.norm(x, axis=2, keepdims=True)
    avg = np.zeros((n, dim))
    for g in elements:
        y = (x.reshape(n, -1) @ g.T).reshape(n, copies, 3)
        cols = []
        for t in tuples:
            vals = np.ones((n, 1))
            for i, l in enumerate(t):
                h = eval_harmonics(l, y[:, i, :])
                vals = (vals[:, :, None] * h[:, None, :]).reshape(n, -1)
            cols.append(vals)
        avg += np.concatenate(cols, axis=1) / len(elements)
    s = np.linalg.svd(avg, compute_uv=False)
    return int(np.sum(s > 1e-8 * s[0])) if s[0] > 1e-10 else 0


def test_finite_groups_on_products_of_spheres():
    from weylgain.exact.configurations import finite_configuration_spectrum
    from weylgain.groups.actions import LinearAction

    c4 = rotation_matrix([0, 0, 1], math.pi / 2)
    swap = np.zeros((6, 6))
    swap[:3, 3:] = swap[3:, :3] = np.eye(3)
    cases = {
        "C4 diagonal": [np.kron(np.eye(2), c4)],
        "C4 on factor 1": [np.block([[c4, np.zeros((3, 3))], [np.zeros((3, 3)), np.eye(3)]])],
        "C4 diagonal x swap": [np.kron(np.eye(2), c4), swap],
        "swap then C4 on one factor": [swap @ np.block([[c4, np.zeros((3, 3))],
                                                       [np.zeros((3, 3)), np.eye(3)]])],
    }
    for name, gens in cases.items():
        act = LinearAction(np.zeros((0, 6, 6)), np.array(gens), (3, 3), False)
        eig, mult, _ = finite_configuration_spectrum(act, 12)
        spec = dict(zip(np.rint(eig).astype(int).tolist(), mult.tolist()))
        elements = []
        frontier = [np.eye(6)]
        seen = {(np.round(np.eye(6), 7) + 0.0).tobytes()}
        elements.append(np.eye(6))
        while frontier:
            new = []
            for m in frontier:
                for g in gens:
                    p = g @ m
                    k = (np.round(p, 7) + 0.0).tobytes()
                    if k not in seen:
                        seen.add(k)
                        elements.append(p)
                        new.append(p)
            frontier = new
        for e in (2, 4, 6):
            assert finite_brute_force(2, e, elements) == spec[e], (name, e)
