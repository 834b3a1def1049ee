"""Exact invariant counts against independent truth (docs/theory.md#exact-counts).

Truth used here never comes from weylgain.exact itself: closed-form multiplicities,
classical Molien series of point and reflection groups, characters of SO(3)
(sin((l+1/2)theta)/sin(theta/2)), explicit averaging over a basis of spherical harmonics,
the published torus check values, brute-force trace formulas over explicitly enumerated
affine groups, and closed forms for sign flips / permutations computed by separate loops.
"""

from __future__ import annotations

import argparse
import io
import itertools
import json
import math
from contextlib import redirect_stdout

import numpy as np
import pytest

from weylgain.errors import CountingError, GroupError, SpecError
from weylgain.exact import (
    ExactCounts,
    exact_counts,
    lattice_shell_counts,
    parse_manifold,
    sphere_harmonic_dimensions,
    sphere_invariant_count,
    sphere_invariant_dimensions,
    sphere_invariant_spectrum,
    torus_invariant_count,
    torus_invariant_shells,
    torus_invariant_spectrum,
)

PHI = (1 + math.sqrt(5)) / 2


# ---------------------------------------------------------------- helpers (independent)


def rotation(axis, angle):
    """Rodrigues rotation matrix."""
    u = np.asarray(axis, dtype=float)
    u = u / np.linalg.norm(u)
    k = np.array([[0, -u[2], u[1]], [u[2], 0, -u[0]], [-u[1], u[0], 0]])
    return np.eye(3) + math.sin(angle) * k + (1 - math.cos(angle)) * k @ k


def closure(gens):
    """All products of the generator matrices (plain BFS)."""
    key = lambda m: (np.round(m, 6) + 0.0).tobytes()  # + 0.0 turns -0.0 into 0.0
    out = {key(np.eye(len(gens[0]))): np.eye(len(gens[0]))}
    frontier = list(out.values())
    while frontier:
        new = []
        for m in frontier:
            for g in gens:
                p = g @ m
                if key(p) not in out:
                    out[key(p)] = p
                    new.append(p)
        frontier = new
    return np.array(list(out.values()))


def series(numerator_terms, denominator_degrees, n):
    """Power series of (sum t^a) / prod (1 - t^b) up to t^n."""
    c = np.zeros(n + 1, dtype=np.int64)
    for a in numerator_terms:
        if a <= n:
            c[a] += 1
    for b in denominator_degrees:
        for i in range(b, n + 1):
            c[i] += c[i - b]
    return c


def so3_character(g, degree):
    """Character of the degree-l harmonics at an element of O(3), from its rotation angle."""
    det = np.linalg.det(g)
    r = g * np.sign(det)
    cos_t = np.clip((np.trace(r) - 1) / 2, -1, 1)
    theta = math.acos(cos_t)
    if abs(math.sin(theta / 2)) < 1e-9:
        chi = 2 * degree + 1.0
    else:
        chi = math.sin((degree + 0.5) * theta) / math.sin(theta / 2)
    return chi * (1.0 if det > 0 else (-1.0) ** degree)


GROUP_T = [rotation([1, 1, 1], 2 * math.pi / 3), rotation([0, 0, 1], math.pi)]
GROUP_O = [rotation([0, 0, 1], math.pi / 2), rotation([1, 1, 1], 2 * math.pi / 3)]
GROUP_I = [rotation([0, 1, PHI], 2 * math.pi / 5), rotation([1, 1, 1], 2 * math.pi / 3)]


# ---------------------------------------------------------------- spheres


def test_full_multiplicities_closed_forms():
    k = np.arange(30)
    np.testing.assert_array_equal(sphere_harmonic_dimensions(3, 29), 2 * k + 1)
    np.testing.assert_array_equal(sphere_harmonic_dimensions(4, 29), (k + 1) ** 2)
    np.testing.assert_array_equal(sphere_harmonic_dimensions(2, 5), [1, 2, 2, 2, 2, 2])
    # S^4: (k+1)(k+2)(2k+3)/6
    np.testing.assert_array_equal(sphere_harmonic_dimensions(5, 29),
                                  (k + 1) * (k + 2) * (2 * k + 3) // 6)
    np.testing.assert_array_equal(sphere_invariant_dimensions(None, 29, dim=4), (k + 1) ** 2)
    # the identity given as a group gives the same numbers
    np.testing.assert_array_equal(sphere_invariant_dimensions(np.eye(4)[None], 29), (k + 1) ** 2)


def test_projective_plane_even_degrees():
    dims = sphere_invariant_dimensions(-np.eye(3)[None], 40)
    k = np.arange(41)
    np.testing.assert_array_equal(dims, np.where(k % 2 == 0, 2 * k + 1, 0))


def test_hemisphere_counts_and_two_term_law():
    mirror = np.diag([1.0, 1.0, -1.0])[None]
    np.testing.assert_array_equal(sphere_invariant_dimensions(mirror, 50), np.arange(51) + 1)
    for big_l in (5, 20, 63):
        lam = (big_l + 1) ** 2
        assert sphere_invariant_count(mirror, lam) == lam / 2 + math.sqrt(lam) / 2


@pytest.mark.parametrize("n", [1, 2, 3, 4, 5, 7])
def test_cyclic_rotation_groups(n):
    gen = rotation([0, 0, 1], 2 * math.pi / n)[None]
    k = np.arange(61)
    np.testing.assert_array_equal(sphere_invariant_dimensions(gen, 60), 2 * (k // n) + 1)


@pytest.mark.parametrize("gens, numerator, denominator, order", [
    (GROUP_I, [0, 15], [6, 10], 60),
    (GROUP_O, [0, 9], [4, 6], 24),
    (GROUP_T, [0, 6], [3, 4], 12),
])
def test_polyhedral_rotation_groups_classical_series(gens, numerator, denominator, order):
    assert len(closure(gens)) == order
    truth = series(numerator, denominator, 200)
    np.testing.assert_array_equal(sphere_invariant_dimensions(np.array(gens), 200), truth)


def test_icosahedral_degrees_listed():
    dims = sphere_invariant_dimensions(np.array(GROUP_I), 30)
    assert list(np.nonzero(dims)[0]) == [0, 6, 10, 12, 15, 16, 18, 20, 21, 22, 24, 25, 26,
                                         27, 28, 30]
    assert dims[30] == 2


def test_high_degree_stays_exact():
    # 1/det(I - t g) grows like k^2 for the identity: float rounding must still be exact
    truth = series([0, 15], [6, 10], 1500)
    np.testing.assert_array_equal(sphere_invariant_dimensions(np.array(GROUP_I), 1500), truth)


def test_character_route_with_improper_elements():
    # Ih, Oh, Td and D3h contain reflections / the inversion: use the O(3) characters
    ih = GROUP_I + [-np.eye(3)]
    oh = GROUP_O + [-np.eye(3)]
    td = GROUP_T + [np.array([[0.0, 1, 0], [1, 0, 0], [0, 0, 1]])]
    d3h = [rotation([0, 0, 1], 2 * math.pi / 3), rotation([1, 0, 0], math.pi),
           np.diag([1.0, 1.0, -1.0])]
    for gens in (ih, oh, td, d3h):
        elements = closure(gens)
        dims = sphere_invariant_dimensions(np.array(gens), 25)
        for l in range(26):
            avg = np.mean([so3_character(g, l) for g in elements])
            assert dims[l] == round(avg), (l, avg)
            assert abs(avg - round(avg)) < 1e-9


def test_explicit_harmonic_basis_averaging():
    """Represent G on an explicit basis of Y_lm (values at random points) and average traces."""
    from scipy.special import sph_harm_y

    rng = np.random.default_rng(0)
    pts = rng.normal(size=(80, 3))
    pts /= np.linalg.norm(pts, axis=1, keepdims=True)

    def basis(x, l):
        theta = np.arccos(np.clip(x[:, 2], -1, 1))
        phi = np.mod(np.arctan2(x[:, 1], x[:, 0]), 2 * np.pi)
        return np.stack([sph_harm_y(l, m, theta, phi) for m in range(-l, l + 1)], axis=1)

    gens = [rotation([0, 0, 1], 2 * math.pi / 3), np.diag([1.0, -1.0, 1.0]),
            rotation([1, 2, 0.5], 0.0)]  # C3v
    elements = closure(gens)
    dims = sphere_invariant_dimensions(np.array(gens), 9)
    for l in range(10):
        y = basis(pts, l)
        trace = 0.0
        for g in elements:
            # (f o g) in the same basis: solve y @ rep = basis(g x)
            rep, *_ = np.linalg.lstsq(y, basis(pts @ g.T, l), rcond=None)
            trace += np.trace(rep).real
        assert abs(trace / len(elements) - dims[l]) < 1e-6, l


def test_reflection_groups_in_four_dimensions():
    # B_4 acting on R^4: basic invariants of degrees 2, 4, 6, 8 (Chevalley)
    b4 = []
    for i in range(3):
        p = np.eye(4)
        p[[i, i + 1]] = p[[i + 1, i]]
        b4.append(p)
    b4.append(np.diag([-1.0, 1, 1, 1]))
    np.testing.assert_array_equal(sphere_invariant_dimensions(np.array(b4), 60),
                                  series([0], [4, 6, 8], 60))
    # S_4 permuting 4 coordinates: invariants of degrees 1, 2, 3, 4
    np.testing.assert_array_equal(sphere_invariant_dimensions(np.array(b4[:3]), 60),
                                  series([0], [1, 3, 4], 60))


def test_so2_on_s3_matches_large_cyclic_subgroup():
    """SO(2) rotating two coordinates of R^4 and C_n (n > degree) have the same invariants."""
    from types import SimpleNamespace

    so2 = SimpleNamespace(name="SO(2)", family="axis_rotation", coordinates=(0, 1),
                          lie_dimension=1, axis=None)
    gen = np.eye(4)
    gen[:2, :2] = rotation([0, 0, 1], 2 * math.pi / 31)[:2, :2]
    np.testing.assert_array_equal(sphere_invariant_dimensions(so2, 30, dim=4),
                                  sphere_invariant_dimensions(gen[None], 30))
    np.testing.assert_array_equal(sphere_invariant_dimensions(so2, 30, dim=4),
                                  np.arange(31) + 1)


def test_spectrum_and_radius():
    eig, mult = sphere_invariant_spectrum(-np.eye(3)[None], 42.0)
    np.testing.assert_allclose(eig, [0, 6, 20, 42])
    np.testing.assert_array_equal(mult, [1, 5, 9, 13])
    eig, mult = sphere_invariant_spectrum(-np.eye(3)[None], 42.0 / 4, radius=2.0)
    np.testing.assert_allclose(eig, [0, 6 / 4, 20 / 4, 42 / 4])
    assert sphere_invariant_count(None, 419.9, dim=3) == 400
    assert sphere_invariant_count(None, 420.0, dim=3) == 441
    assert sphere_invariant_count(None, -1.0, dim=3) == 0


def test_not_a_group_is_detected():
    class Fake:
        name = "fake"
        dim = 3
        order = 2
        generators = ()

        def elements(self, max_order=0):
            # identity and a rotation of order 3: not closed, Molien sum not integral
            return np.array([np.eye(3), rotation([0, 0, 1], 2 * math.pi / 3)]), np.zeros((2, 3))

    with pytest.raises(CountingError, match="not an integer"):
        sphere_invariant_dimensions(Fake(), 10)


def test_bad_sphere_input():
    with pytest.raises(GroupError, match="orthogonal"):
        sphere_invariant_dimensions(np.array([[[2.0, 0, 0], [0, 1, 0], [0, 0, 1]]]), 5)
    with pytest.raises(GroupError, match="more than"):
        sphere_invariant_dimensions(rotation([0, 0, 1], 1.0)[None], 5, max_order=1000)
    with pytest.raises(SpecError):
        sphere_invariant_dimensions(None, 5)


@pytest.mark.slow
def test_sphere_group_between_the_default_cap_and_max_order():
    """A generated group of 249,500 elements (no closed form) is enumerated up to max_order
    (1e6), not refused at FiniteGroup's default cap of 200,000. Truth: for rotation orders
    above the degree, C_500 x C_499 on two planes of R^4 has the invariants of
    SO(2) x SO(2), generated by |x_12|^2 and |x_34|^2: one harmonic in every even degree."""
    from weylgain.groups import from_generators

    gens = np.tile(np.eye(4), (2, 1, 1))
    gens[0, :2, :2] = rotation([0, 0, 1], 2 * math.pi / 500)[:2, :2]
    gens[1, 2:, 2:] = rotation([0, 0, 1], 2 * math.pi / 499)[:2, :2]
    k = np.arange(13)
    np.testing.assert_array_equal(sphere_invariant_dimensions(from_generators(gens), 12),
                                  (k % 2 == 0).astype(int))


# ---------------------------------------------------------------- tori


def brute_force_shells(gens_linear, gens_shift, dim, n2max):
    """(1/|G|) sum_g sum_{k in shell, A^T k = k} exp(2 pi i k.t), G enumerated explicitly."""
    key = lambda a, t: (np.round(a).astype(int).tobytes(), tuple(np.round(t % 1.0, 9) % 1.0))
    start = (np.eye(dim), np.zeros(dim))
    group = {key(*start): start}
    frontier = [start]
    while frontier:
        new = []
        for a, t in frontier:
            for ga, gt in zip(gens_linear, gens_shift):
                item = (ga @ a, (ga @ t + gt) % 1.0)
                if key(*item) not in group:
                    group[key(*item)] = item
                    new.append(item)
        frontier = new
    big = math.isqrt(n2max)
    modes = np.array(list(itertools.product(range(-big, big + 1), repeat=dim)))
    norms = (modes ** 2).sum(axis=1)
    keep = norms <= n2max
    modes, norms = modes[keep], norms[keep]
    acc = np.zeros(n2max + 1, dtype=complex)
    for a, t in group.values():
        fixed = np.all(modes @ a == modes, axis=1)  # (A^T k)^T = k^T A
        np.add.at(acc, norms[fixed], np.exp(2j * np.pi * modes[fixed] @ t))
    acc /= len(group)
    assert np.abs(acc.imag).max() < 1e-9
    assert np.abs(acc.real - np.round(acc.real)).max() < 1e-9
    return np.round(acc.real).astype(np.int64), len(group)


def perm_matrix(images):
    d = len(images)
    a = np.zeros((d, d))
    a[images, np.arange(d)] = 1.0
    return a


def test_public_check_values():
    assert torus_invariant_count(None, 1000, dim=2) == 3149
    assert torus_invariant_count(np.array([np.diag([-1.0, 1]), np.diag([1.0, -1])]), 1000) == 819
    assert torus_invariant_count(perm_matrix([1, 0])[None], 1000) == 1597


def test_lattice_shell_counts_against_enumeration():
    for dim, n2max in [(1, 30), (2, 50), (3, 20), (4, 9)]:
        big = math.isqrt(n2max)
        norms = (np.array(list(itertools.product(range(-big, big + 1), repeat=dim))) ** 2).sum(1)
        truth = np.bincount(norms[norms <= n2max], minlength=n2max + 1)
        np.testing.assert_array_equal(lattice_shell_counts(dim, n2max), truth)
    # r_2(25) = 12, r_4(n) = 8 * sigma(n) for odd n (Jacobi)
    assert lattice_shell_counts(2, 25)[25] == 12
    assert lattice_shell_counts(4, 15)[15] == 8 * (1 + 3 + 5 + 15)


CASES = {
    "B3": ([perm_matrix([1, 0, 2]), perm_matrix([1, 2, 0]), np.diag([-1.0, 1, 1])],
           np.zeros((3, 3))),
    "S3 + half shifts": ([perm_matrix([1, 0, 2]), perm_matrix([1, 2, 0]), np.eye(3)],
                         [[0.5, 0, 0], [0, 0.5, 0], [0.5, 0.5, 0.5]]),
    "glide": ([np.diag([-1.0, 1])], [[0, 0.5]]),
    "swap then shift": ([perm_matrix([1, 0])], [[0.5, 0]]),
    "screw and flip": ([perm_matrix([1, 2, 0]), np.diag([1.0, -1, -1])],
                       [[1 / 3, 0, 0], [0, 0, 0.5]]),
    "quarter turn + shift": ([np.array([[0.0, -1], [1, 0]])], [[0.5, 0.5]]),
    "Z4 translation": ([np.eye(2)], [[0.25, 0]]),
    # non-involutive linear parts with translations: distinguishes A^T k from A k
    "rotoreflections + shifts": ([[[-1.0, 0, 0], [0, 0, -1], [0, -1, 0]],
                                  [[0.0, 0, 1], [1, 0, 0], [0, -1, 0]]],
                                 [[0.5, 0.5, 0.5], [0, 0, 0.5]]),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_generator_orbits_match_enumerated_group_traces(name):
    lin, shift = CASES[name]
    lin = np.array(lin)
    shift = np.array(shift, dtype=float)
    dim = lin.shape[1]
    n2max = 12 if dim == 3 else 40
    truth, _ = brute_force_shells(lin, shift, dim, n2max)
    got = torus_invariant_shells(lin, n2max, translations=shift)
    np.testing.assert_array_equal(got, truth)


def test_random_affine_groups_match_enumerated_group_traces():
    rng = np.random.default_rng(1)
    for _ in range(40):
        n_gen = int(rng.integers(1, 3))
        lin = np.zeros((n_gen, 3, 3))
        for g in range(n_gen):
            lin[g][rng.permutation(3), np.arange(3)] = rng.choice([-1.0, 1.0], 3)
        shift = rng.integers(0, 4, (n_gen, 3)) / 4
        truth, _ = brute_force_shells(lin, shift, 3, 6)
        np.testing.assert_array_equal(torus_invariant_shells(lin, 6, translations=shift), truth)


def test_glide_reflection_phases():
    lin, shift = np.diag([-1.0, 1])[None], np.array([[0.0, 0.5]])
    lam = 200
    # pairs {(k1,k2), (-k1,k2)} with k1 > 0 carry one invariant (cos or sin in x);
    # k1 = 0 needs c = (-1)^{k2} c: only even k2
    truth = sum(1 for k1 in range(1, 15) for k2 in range(-15, 16) if k1 * k1 + k2 * k2 <= lam)
    truth += sum(1 for k2 in range(-15, 16) if k2 % 2 == 0 and k2 * k2 <= lam)
    assert torus_invariant_count(lin, lam, translations=shift) == truth
    # the same mirror without the glide: all of k1 = 0 survive
    assert torus_invariant_count(lin, lam) == truth + sum(
        1 for k2 in range(-15, 16) if k2 % 2 and k2 * k2 <= lam)


def sorted_tuple_count(dim, n2max, nonnegative):
    """#{k_1 <= ... <= k_d (>= 0 if nonnegative), |k|^2 <= n2max} by a plain recursion."""
    big = math.isqrt(n2max)

    def rec(remaining, budget, low):
        if remaining == 0:
            return 1
        total = 0
        for v in range(low, big + 1):
            # v <= next entries, so the rest adds at least (remaining-1)*min(v^2, ...) >= 0
            if v * v <= budget:
                total += rec(remaining - 1, budget - v * v, v)
        return total

    return rec(dim, n2max, 0 if nonnegative else -big)


@pytest.mark.parametrize("lam", [4, 7])
def test_s10_b10_from_generators_match_closed_forms(lam):
    d = 10
    transposition = perm_matrix([1, 0] + list(range(2, d)))
    cycle = perm_matrix([(i + 1) % d for i in range(d)])
    flip = np.diag([-1.0] + [1.0] * (d - 1))
    s10 = np.array([transposition, cycle])
    b10 = np.array([transposition, cycle, flip])
    assert torus_invariant_count(s10, lam) == sorted_tuple_count(d, lam, False)
    assert torus_invariant_count(b10, lam) == sorted_tuple_count(d, lam, True)


def test_torus_length_and_spectrum():
    signs = np.array([np.diag([-1.0, 1]), np.diag([1.0, -1])])
    eig, mult = torus_invariant_spectrum(signs, 5.0)
    np.testing.assert_allclose(eig, [0, 1, 2, 4, 5])
    np.testing.assert_array_equal(mult, [1, 2, 1, 2, 2])
    # period 1: eigenvalues (2 pi)^2 |k|^2
    scale = (2 * math.pi) ** 2
    assert torus_invariant_count(signs, 1000 * scale, length=1.0) == 819
    # |k|^2 = 1000 holds the orbits of (10, 30), (30, 10), (18, 26), (26, 18)
    assert torus_invariant_count(signs, 1000 * scale * (1 - 1e-9), length=1.0) == 819 - 4


def test_bad_torus_input():
    with pytest.raises(GroupError, match="signed permutation"):
        torus_invariant_count(rotation([0, 0, 1], math.pi / 4)[None], 10)
    with pytest.raises(GroupError, match="rational"):
        torus_invariant_count(np.eye(2)[None], 10, translations=[[1 / math.pi, 0]])
    with pytest.raises(GroupError, match="shape"):
        torus_invariant_count(np.eye(2)[None], 10, translations=[[0.5, 0, 0]])


# ---------------------------------------------------------------- kernels vs references


def test_lattice_codes_kernel_against_reference():
    from weylgain._kernels.exact_counts import lattice_codes

    for dim, n2max in [(1, 9), (2, 13), (3, 11), (5, 4)]:
        big = math.isqrt(n2max)
        base = 2 * big + 1
        modes = np.array(list(itertools.product(range(-big, big + 1), repeat=dim)))
        norms = (modes ** 2).sum(1)
        keep = norms <= n2max
        codes = ((modes[keep] + big) * base ** np.arange(dim - 1, -1, -1)).sum(1)
        order = np.argsort(codes)
        out_codes = np.empty(keep.sum(), dtype=np.int64)
        out_norms = np.empty(keep.sum(), dtype=np.int64)
        out_modes = np.empty((keep.sum(), dim), dtype=np.int16)
        assert lattice_codes(dim, n2max, out_codes, out_norms, out_modes) == keep.sum()
        np.testing.assert_array_equal(out_codes, codes[order])
        np.testing.assert_array_equal(out_modes, modes[keep][order])
        np.testing.assert_array_equal(out_norms, norms[keep][order])


def test_orbit_union_find_kernel_against_python_reference():
    from weylgain._kernels.exact_counts import lattice_codes, orbit_union_find

    dim, n2max, q = 3, 9, 6
    perms = np.array([[1, 0, 2], [1, 2, 0], [0, 1, 2]], dtype=np.int64)
    signs = np.array([[1, 1, 1], [1, 1, 1], [-1, 1, 1]], dtype=np.int64)
    weights = np.array([[3, 0, 0], [0, 2, 0], [0, 0, 3]], dtype=np.int64)
    n = int(lattice_shell_counts(dim, n2max).sum())
    codes, norms = np.empty(n, np.int64), np.empty(n, np.int64)
    modes = np.empty((n, dim), np.int16)
    lattice_codes(dim, n2max, codes, norms, modes)
    invariant, missing = orbit_union_find(codes, modes, 3, perms, signs, weights, q)
    assert missing == 0

    # reference: BFS over each orbit, propagating the phase exponent in Z_q
    big = 3
    modes = [tuple(k) for k in itertools.product(range(-big, big + 1), repeat=dim)
             if sum(v * v for v in k) <= n2max]
    seen, good_orbits = {}, []
    for start in modes:
        if start in seen:
            continue
        seen[start] = 0
        stack, ok, orbit = [start], True, [start]
        while stack:
            k = stack.pop()
            for g in range(3):
                image = tuple(int(signs[g, j] * k[perms[g, j]]) for j in range(dim))
                phase = (seen[k] + sum(int(weights[g, i]) * k[i] for i in range(dim))) % q
                if image in seen:
                    ok &= seen[image] == phase
                else:
                    seen[image] = phase
                    stack.append(image)
                    orbit.append(image)
        if ok:
            good_orbits.append(orbit)
    assert invariant.sum() == len(good_orbits)
    truth = np.bincount([sum(v * v for v in o[0]) for o in good_orbits], minlength=n2max + 1)
    np.testing.assert_array_equal(np.bincount(norms[invariant], minlength=n2max + 1), truth)


# ---------------------------------------------------------------- front door and CLI


def test_parse_manifold():
    assert parse_manifold("S2") == ("sphere", 2)
    assert parse_manifold("t10") == ("torus", 10)
    assert parse_manifold("S^3") == ("sphere", 3)
    with pytest.raises(SpecError):
        parse_manifold("RP2")


def test_exact_counts_with_raw_arrays():
    res = exact_counts("S2", rotation([0, 0, 1], math.pi / 2)[None], 420.0)
    assert isinstance(res, ExactCounts)
    assert res.count == 111 and res.count_at(419.9) == 100  # docs/theory.md#molien-series: S^2/C4
    assert res.group_order == 4
    assert res.weyl_prediction == pytest.approx(105.0)
    data = json.loads(json.dumps(res.to_dict()))
    assert data["count"] == 111 and len(data["eigenvalues"]) == 21
    assert sum(data["full_multiplicities"]) == 441
    res = exact_counts("T2", np.diag([-1.0, 1])[None], 200.0, translations=[[0, 0.5]])
    assert res.group_order == 2
    assert exact_counts("T2", "trivial", 1000).count == 3149


def test_exact_counts_with_named_groups():
    groups = pytest.importorskip("weylgain.groups")
    assert exact_counts("T2", "signs2", 1000).count == 819
    assert exact_counts("T2", "S2", 1000).count == 1597
    res = exact_counts("S2", "I", 1000)
    truth = series([0, 15], [6, 10], 40)
    k = np.arange(41)
    assert res.count == truth[k * (k + 1) <= 1000].sum() and res.group_order == 60
    assert exact_counts("S2", "SO(2)", 10000).count == 100  # one zonal harmonic per degree
    assert exact_counts("S3", "SO(3)", 99.0).count == 10  # k(k+2) <= 99: k <= 9
    assert exact_counts("S2", "SO(3)", 1000).count == 1
    hopf = exact_counts("S3", "hopf", 4 * 5 * 6)  # S^2 of radius 1/2: 4 l(l+1), l <= 5
    assert hopf.count == sum(2 * l + 1 for l in range(6))
    assert hopf.weyl_prediction == pytest.approx(4 * 5 * 6 / 4)
    assert exact_counts("T2", "T1", 100).count == 21
    big = exact_counts("T10", "B10", 7)
    assert big.group_order == 3715891200
    assert big.count == sorted_tuple_count(10, 7, True)
    with pytest.raises(GroupError):
        exact_counts("S9", "S10", 5)  # 10! elements: too many for the sphere Molien sum
    assert groups is not None


def test_torus_order_of_generated_groups_is_capped_not_fatal(monkeypatch):
    """|G| of a group without a closed form is enumerated only to report it: beyond the cap
    the order is None, and the count (from generator orbits) is unaffected."""
    from weylgain.exact import counts as exact_module
    from weylgain.groups import from_generators

    b3 = from_generators([perm_matrix([1, 0, 2]), perm_matrix([1, 2, 0]), np.diag([-1.0, 1, 1])])
    truth = sorted_tuple_count(3, 30, True)  # B3: orbits of modes = sorted non-negative k
    res = exact_counts("T3", b3, 30)
    assert res.group_order == 48 and res.count == truth  # 2^3 3!
    raw = exact_counts("T3", np.array([perm_matrix([1, 0, 2]), np.diag([-1.0, 1, 1])]), 30)
    assert raw.group_order == 8  # <(x y), x -> -x>: the dihedral group of the square
    monkeypatch.setattr(exact_module, "MAX_TORUS_ORDER_ENUMERATED", 10)
    capped = exact_counts("T3", from_generators(b3.generator_arrays()[0]), 30)
    assert capped.group_order is None and capped.quotient_volume is None
    assert capped.count == truth


def _run_cli(argv):
    from weylgain.cli import exact as cli_exact

    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers()
    cli_exact.add_parser(sub)
    args = parser.parse_args(["exact", *argv])
    buf = io.StringIO()
    with redirect_stdout(buf):
        code = cli_exact.run(args)
    return code, buf.getvalue()


def test_cli_json_shapes():
    pytest.importorskip("weylgain.groups")
    code, out = _run_cli(["T2", "signs2", "--lam", "1000", "--json"])
    data = json.loads(out)
    assert code == 0 and data["count"] == 819 and data["group_order"] == 4
    code, out = _run_cli(["S2", "antipodal", "--lam", "6", "--lam", "20", "--json",
                          "--degrees"])
    data = json.loads(out)
    assert [r["count"] for r in data["results"]] == [6, 15]
    assert [r["lam"] for r in data["results"]] == [6.0, 20.0]
    assert data["degrees"][:3] == [
        {"eigenvalue": 0.0, "multiplicity": 1, "full_multiplicity": 1},
        {"eigenvalue": 2.0, "multiplicity": 0, "full_multiplicity": 3},
        {"eigenvalue": 6.0, "multiplicity": 5, "full_multiplicity": 5}]
    code, out = _run_cli(["S2", "C4", "--lam", "420"])
    assert code == 0 and "111" in out and "105" in out


# ---------------------------------------------------------------- any compact group (issue 8)


def _rot_generator(dim, i, j, w=1.0):
    x = np.zeros((dim, dim))
    x[j, i], x[i, j] = w, -w
    return x


def test_exact_counts_of_new_kinds_against_hand_weyl_laws():
    """Exact counts over a decade of lam against hand-derived d_G and vol(M/G).

    Every case is a 1- or 3-dimensional quotient whose two-term Weyl law is known by hand:
    O(2) on S^2 (M/G = [0, pi/2]: N ~ sqrt(lam)/2 + 1/2, one invariant per even degree),
    diagonal SO(3) on S2^2 (M/G = [0, pi] with metric sqrt(2) d(angle): vol pi/sqrt(2),
    N ~ sqrt(lam/2) + 1/2), both within 1 (a unit jump at each eigenvalue); T3 diagonal on
    (T3)^2 (the flat 3-torus of differences, vol (2 pi)^3 / 2^(3/2), no boundary term:
    lattice-point error, within 12 % here).
    """
    from weylgain.groups import lie_group

    o2 = lie_group([_rot_generator(3, 0, 1)], [np.diag([1.0, -1, -1])])
    cases = [("S2", o2, 1, math.pi / 2), ("S2^2", "SO(3)", 1, math.pi / math.sqrt(2)),
             ("S2xS2", "SO(3) x Sym(2)", 1, math.pi / math.sqrt(2))]
    for manifold, group, d_g, vol in cases:
        res = exact_counts(manifold, group, 1000.0)
        assert res.quotient_dimension == d_g
        assert res.action  # every report says which action it used
        for lam in np.linspace(100, 1000, 19):
            weyl = 2 * vol * math.sqrt(lam) / (2 * math.pi)
            assert abs(res.count_at(lam) - weyl - 0.5) <= 1.0
    res = exact_counts("T3^2", "T3", 1000.0)
    assert res.quotient_dimension == 3
    vol = (2 * math.pi) ** 3 / 2 ** 1.5
    for lam in (100, 300, 1000):
        weyl = 4 * math.pi / 3 * vol * lam ** 1.5 / (2 * math.pi) ** 3
        assert abs(res.count_at(lam) / weyl - 1) < 0.12
    data = res.to_dict()
    assert {"action", "vol_quotient_error", "note"} <= set(data)
    json.dumps(data)


def test_exact_counts_of_action_records_and_hopf_from_its_algebra():
    from weylgain.groups.actions import LinearAction, TorusAction

    hopf = LinearAction(np.array([_rot_generator(4, 0, 1) + _rot_generator(4, 2, 3)]),
                        np.zeros((0, 4, 4)), (4,), True, label="hopf by hand")
    res = exact_counts("S3", hopf, 120.0)
    named_hopf = exact_counts("S3", "hopf", 120.0)
    assert res.multiplicities == named_hopf.multiplicities and res.count == named_hopf.count
    assert res.action == "hopf by hand" and res.weyl_prediction is None and res.note
    diag = TorusAction([[1, 1]], np.zeros((0, 2, 2)), np.zeros((0, 2)), (2 * math.pi,) * 2,
                       (2,))
    res = exact_counts("T2", diag, 50.0)
    assert res.count == 1 + 2 * 5  # (j, -j) with 2 j^2 <= 50
    # a circle turning factor 1 about z and factor 2 about x: coupled, no structure
    coupled = LinearAction((_rot_generator(6, 0, 1) + _rot_generator(6, 4, 5))[None],
                           np.zeros((0, 6, 6)), (3, 3), True)
    with pytest.raises(CountingError, match="no exact count"):
        exact_counts("S2^2", coupled, 10.0)


def test_groups_acting_on_single_factors():
    # SO(3) on factor 1 only: l1 = 0, everything on factor 2 (the pre-issue-8 reading)
    res = exact_counts("S2^2", "SO(3)@1", 30.0)
    assert res.count == sum(2 * l + 1 for l in range(6))  # l2 (l2 + 1) <= 30
    assert "factor 1" in res.action
    both = exact_counts("S2^2", "SO(3)@1 x SO(2)@2", 30.0)
    assert both.count == 6  # one zonal harmonic of factor 2 per l2 <= 5
    mixed = exact_counts("S2xS3", "trivial", 30.0)
    truth = sum((2 * a + 1) * (b + 1) ** 2 for a in range(6) for b in range(6)
                if a * (a + 1) + b * (b + 2) <= 30)
    assert mixed.count == truth


def test_radius_from_the_spec_or_the_argument():
    # S2(2)^2: eigenvalues scale by 1/4, the 1-dimensional quotient's length by 2
    small = exact_counts("S2^2", "SO(3)", 100.0)
    spec = exact_counts("S2(2)^2", "SO(3)", 25.0)
    arg = exact_counts("S2^2", "SO(3)", 25.0, radius=2.0)
    assert small.count == spec.count == arg.count == 7
    assert spec.manifold == arg.manifold == "S2(2)xS2(2)"
    assert spec.eigenvalues[1] == pytest.approx(0.5)
