"""Exact counts on products of balls B3^k (molecules; issue 18) against independent truth:
Bessel roots from scipy and published tables, Clebsch-Gordan rules and characters integrated
numerically over the maximal torus with the Weyl measure, explicit enumeration of the
permutations, the sphere's Molien series, and Weyl's law with a closed-form vol(M/G)."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from scipy.integrate import dblquad
from scipy.special import jn_zeros, jnp_zeros, spherical_jn

from weylgain.errors import CountingError, SpecError
from weylgain.exact.molecules import (_connected_weights, ball_neumann_modes, ball_product,
                                      ball_spectrum)
from weylgain.groups import resolve
from weylgain.manifolds import parse_manifold


def _spectrum(manifold, spec, lam):
    M = parse_manifold(manifold)
    return ball_spectrum(resolve(spec, M).action_on(M), lam)


def _count(manifold, spec, lam):
    return int(_spectrum(manifold, spec, lam)[1].sum())


# ------------------------------------------------------------------ radial modes
def test_disk_roots_are_scipy_jnp_zeros():
    e, l = ball_neumann_modes(900.0, d=2)
    x = np.sqrt(e)
    for n in range(0, 12):
        mine = np.sort(x[l == n])
        ref = jnp_zeros(n, 20) if n else np.concatenate([[0.0], jn_zeros(1, 20)])
        ref = ref[ref <= 30.0]  # J_0' = -J_1: the roots of J_1, and the constant
        assert mine.size == ref.size and np.allclose(mine, ref, rtol=1e-12, atol=1e-12)


def test_ball_roots_against_published_values_and_spherical_bessel():
    e, l = ball_neumann_modes(200.0, d=3)
    x = np.sqrt(e)
    # tan x = x (l = 0), j_1'(x) = 0 and j_2'(x) = 0: Abramowitz & Stegun table 10.6
    assert np.allclose(x[l == 0][:4], [0.0, 4.493409457909064, 7.725251836937707,
                                       10.904121659428899], atol=1e-10)
    assert np.allclose(x[l == 1][:2], [2.081575977818101, 5.940369990572713], atol=1e-9)
    assert abs(x[l == 2][0] - 3.342093657365695) < 1e-9
    for xi, li in zip(x[1:], l[1:]):
        assert abs(spherical_jn(int(li), xi, derivative=True)) < 1e-10


def test_ball_mode_count_follows_two_term_weyl_law():
    lam = 2500.0
    e, l = ball_neumann_modes(lam, d=3)
    N = int((2 * l + 1).sum())
    # N(lam) ~ |B| lam^(3/2) / (6 pi^2) + |dB| lam / (16 pi) (Neumann)
    weyl = (4 * math.pi / 3) * lam ** 1.5 / (6 * math.pi ** 2) + 4 * math.pi * lam / (16 * math.pi)
    assert abs(N / weyl - 1) < 0.01


def test_bad_mode_arguments():
    assert ball_neumann_modes(-1.0)[0].size == 0
    assert _spectrum("B3^2", "SO(3)", -1.0)[0].size == 0
    with pytest.raises(SpecError):
        ball_neumann_modes(float("nan"))
    with pytest.raises(SpecError):
        ball_neumann_modes(10.0, d=1)
    with pytest.raises(SpecError):
        ball_neumann_modes(10.0, radius=0.0)


# ------------------------------------------------------------------ characters
_Q = 512
_THETA = (np.arange(_Q) + 0.5) * np.pi / _Q


def _chi(l, n):
    """chi_l of SO(3) at the rotation by n theta: sum_{|m|<=l} cos(m n theta)."""
    m = np.arange(-l, l + 1)
    return np.cos(np.outer(n * _THETA, m)).sum(axis=1)


def _haar(values):
    """Weyl integration: int_SO(3) f = (1/pi) int_0^pi f(theta) (1 - cos theta) d theta."""
    return float(np.mean(values * (1 - np.cos(_THETA))))


@pytest.mark.parametrize("lengths", [[1, 1], [1, 1, 1], [2, 1], [2, 1, 1], [3, 1], [2, 2, 1],
                                     [1, 1, 1, 1]])
def test_connected_weights_are_haar_integrals_of_characters(lengths):
    rng = np.random.default_rng(len(lengths) * 10 + sum(lengths))
    degs = rng.integers(0, 6, size=(25, len(lengths)))
    w = _connected_weights(degs, lengths, "SO(3)")
    for row, got in zip(degs, w):
        ref = _haar(np.prod([_chi(int(l), n) for l, n in zip(row, lengths)], axis=0))
        assert got == round(ref) and abs(ref - round(ref)) < 1e-8


# ------------------------------------------------------------------ brute force on B3^k
def _modes(lam):
    e, l = ball_neumann_modes(lam)
    return e, l


def _haar_so2(values):
    """int_SO(2) f: the mean over the circle (the grid theta in (0, pi) and its mirror: the
    characters are even in theta)."""
    return float(np.mean(values))


def _brute(k, perms, lam, improper=False, connected=True, haar=None):
    """N_G(lam) by explicit enumeration of the permutations, of the mode tuples constant on
    their cycles, and numerical Haar integration of the characters."""
    haar = haar or _haar
    e, l = _modes(lam)
    total = 0.0
    for p in perms:
        cycles, seen = [], set()
        for i in range(k):
            if i in seen:
                continue
            cyc, j = [], i
            while j not in seen:
                seen.add(j)
                cyc.append(j)
                j = p[j]
            cycles.append(len(cyc))
        for modes in itertools.product(range(e.size), repeat=len(cycles)):
            if sum(n * e[m] for n, m in zip(cycles, modes)) > lam + 1e-9:
                continue
            prod = np.ones(_Q) if connected else 1.0
            for n, m in zip(cycles, modes):
                prod = prod * (_chi(int(l[m]), n) if connected else 2 * int(l[m]) + 1)
            val = haar(prod) if connected else prod
            if improper:
                sign = (-1) ** sum(n * int(l[m]) for n, m in zip(cycles, modes))
                val = (val + sign * val) / 2
            total += val
    return total / len(perms)


def _closure(gens, k):
    out = {tuple(range(k))}
    frontier = list(out)
    while frontier:
        nxt = []
        for p in frontier:
            for g in gens:
                q = tuple(g[p[i]] for i in range(k))
                if q not in out:
                    out.add(q)
                    nxt.append(q)
        frontier = nxt
    return sorted(out)


def test_two_points_clebsch_gordan_rule():
    lam = 150.0
    e, l = _modes(lam)
    # V_a x V_b has one SO(3) invariant iff a == b; it is symmetric under the swap and
    # even under -I
    pairs = [(i, j) for i in range(e.size) for j in range(e.size)
             if l[i] == l[j] and e[i] + e[j] <= lam + 1e-9]
    assert _count("B3^2", "SO(3)", lam) == len(pairs)
    assert _count("B3^2", "O(3)", lam) == len(pairs)
    assert _count("B3^2", "SO(3) x Sym(2)", lam) == len({tuple(sorted(p)) for p in pairs})


def test_water_triangle_and_symmetric_square_rules():
    lam = 70.0
    e, l = _modes(lam)
    so3 = water = o3 = 0
    for a, b, c in itertools.product(range(e.size), repeat=3):
        if e[a] + e[b] + e[c] > lam + 1e-9:
            continue
        la, lb, lc = int(l[a]), int(l[b]), int(l[c])
        tri = abs(lb - lc) <= la <= lb + lc
        so3 += tri
        o3 += tri and (la + lb + lc) % 2 == 0
        if b < c:
            water += tri  # an orbit {(a,b,c), (a,c,b)}: one invariant
        elif b == c:
            water += la % 2 == 0 and la <= 2 * lb  # V_la in Sym^2 V_lb
    assert _count("B3^3", "SO(3)", lam) == so3
    assert _count("B3^3", "O(3)", lam) == o3
    assert _count("B3^3", "SO(3) x Sym(2)@2,3", lam) == water


@pytest.mark.parametrize("manifold, spec, k, gens, improper", [
    ("B3^3", "SO(3) x Sym(3)", 3, [(1, 0, 2), (1, 2, 0)], False),
    ("B3^3", "O(3) x Sym(2)@1,3", 3, [(2, 1, 0)], True),
    ("B3^4", "SO(3) x Sym(3)@2,3,4", 4, [(0, 2, 1, 3), (0, 2, 3, 1)], False),
])
def test_permutation_groups_by_explicit_enumeration(manifold, spec, k, gens, improper):
    lam = 40.0
    ref = _brute(k, _closure(gens, k), lam, improper=improper)
    assert abs(ref - round(ref)) < 1e-8
    assert _count(manifold, spec, lam) == round(ref)


def test_methane_by_explicit_enumeration():
    lam = 26.0
    perms = [(0,) + p for p in itertools.permutations((1, 2, 3, 4))]
    ref = _brute(5, perms, lam)
    ev, mult, full = _spectrum("B3^5", "SO(3) x Sym(4)@2,3,4,5", lam)
    assert int(mult.sum()) == round(ref)
    e, l = _modes(lam)
    # the full spectrum: every ordered 5-tuple of modes with its 5 harmonic dimensions
    n_full = sum(np.prod([2 * int(l[m]) + 1 for m in t])
                 for t in itertools.product(range(e.size), repeat=5) if e[list(t)].sum() <= lam)
    assert int(full.sum()) == n_full


def test_permutations_only_and_counts_at_each_eigenvalue():
    lam = 60.0
    ref = _brute(2, [(0, 1), (1, 0)], lam, connected=False)
    ev, mult, full = _spectrum("B3^2", "Sym(2)", lam)
    assert int(mult.sum()) == round(ref)
    # eigenvalue by eigenvalue: each level is a sum of two squared roots
    e, l = _modes(lam)
    for E, m, f in zip(ev, mult, full):
        tuples = [(i, j) for i in range(e.size) for j in range(e.size)
                  if abs(e[i] + e[j] - E) < 1e-9 * max(1, E)]
        assert f == sum((2 * l[i] + 1) * (2 * l[j] + 1) for i, j in tuples)
        assert 0 <= m <= f


def test_finite_group_on_one_ball_is_the_sphere_molien_series():
    from weylgain.exact.sphere import sphere_invariant_spectrum
    from weylgain.groups import named

    lam = 300.0
    e, l = _modes(lam)
    _, by_degree = sphere_invariant_spectrum(named("Oh"), float(l.max()) * (l.max() + 1),
                                             include_zero=True)
    assert _count("B3", "Oh", lam) == int(sum(by_degree[int(d)] for d in l))


def test_finite_group_permuting_balls_by_enumeration():
    # Ci on every ball with the swap: (+-I) x Sym(2), through the finite route
    M = parse_manifold("B3^2")
    from weylgain.groups import combine, diagonal, named, permute_factors

    g = combine(diagonal(named("C2"), 2), permute_factors(2, 3))
    lam = 50.0
    ev, mult, _ = ball_spectrum(g.action_on(M), lam)
    # reference: the C2 rotation about z acts on Y_lm by (-1)^m; trace on H_l = sum (-1)^m
    e, l = _modes(lam)
    total = 0.0
    for rot in (0, 1):
        for swap in (False, True):
            if not swap:
                for i, j in itertools.product(range(e.size), repeat=2):
                    if e[i] + e[j] <= lam + 1e-9:
                        total += math.prod(sum((-1) ** (rot * m) for m in range(-int(x), int(x) + 1))
                                           for x in (l[i], l[j]))
            else:
                for i in range(e.size):
                    if 2 * e[i] <= lam + 1e-9:
                        total += 2 * int(l[i]) + 1  # the square of the rotation is 1
    assert int(mult.sum()) == round(total / 4)


# ------------------------------------------------------------------ Weyl's law
def test_two_points_approach_weyl_with_closed_form_volume():
    # vol(B3^2 / SO(3)) = int dp / orbit volume, orbit volume 8 pi^2 sqrt(det inertia)
    # = 8 pi^2 r1 r2 sin(theta) sqrt(r1^2 + r2^2): pi int_0^1 int_0^1 r1 r2 / |r| dr1 dr2
    vol = math.pi * dblquad(lambda a, b: a * b / math.hypot(a, b), 0, 1, 0, 1)[0]
    ratios, swaps = [], []
    for lam in (400.0, 1600.0):
        n = _count("B3^2", "SO(3)", lam)
        weyl = (4 * math.pi / 3) * vol * lam ** 1.5 / (2 * math.pi) ** 3
        ratios.append(n / weyl)
        swaps.append(n / _count("B3^2", "SO(3) x Sym(2)", lam))
    # the Neumann boundary adds a positive lam^(-1/2) correction
    assert 1.0 < ratios[1] < ratios[0] < 1.25 and ratios[1] < 1.15
    assert swaps[0] < swaps[1] < 2.0 and swaps[1] > 1.75


# ------------------------------------------------------------------ refusals
def test_ball_product_and_refusals():
    assert ball_product("B3^3") == (3, 1.0)
    assert ball_product("B3xS2") is None and ball_product("S2^2") is None
    M = parse_manifold("B3^2")
    with pytest.raises(CountingError):
        ball_spectrum(resolve("SO(3)@1", M).action_on(M), 20.0)


def test_too_large_questions_are_refused_before_the_work(monkeypatch):
    from weylgain.errors import ResourceError
    from weylgain.exact import molecules

    monkeypatch.setenv("WEYLGAIN_TIME_LIMIT", "0.5s")
    with pytest.raises(ResourceError, match="lower lam"):
        _count("B3^5", "SO(3) x Sym(4)@2,3,4,5", 500.0)
    monkeypatch.delenv("WEYLGAIN_TIME_LIMIT")
    monkeypatch.setattr(molecules, "MAX_MODE_TUPLES", 1000)
    with pytest.raises(CountingError, match="mode tuples"):
        _count("B3^3", "SO(3)", 300.0)


@pytest.mark.parametrize("manifold, spec, lam", [("B3^2", "Sym(2)", 60.0),
                                                 ("B3^3", "Sym(3)", 40.0),
                                                 ("B3^3", "Oh x Sym(2)@2,3", 30.0),
                                                 ("B3^2", "C2 x Sym(2)", 50.0)])
def test_finite_groups_agree_with_the_product_route(manifold, spec, lam):
    # weylgain.exact.products averages characters on the factors' eigenspaces: another
    # implementation (per-factor tables, not mode tuples)
    from weylgain.exact import exact_counts

    assert _count(manifold, spec, lam) == exact_counts(manifold, spec, lam).count


def test_molecule_table_takes_the_diagonal_rotations_only():
    from weylgain.exact.molecules import molecule_table

    M = parse_manifold("B3^3")
    got = molecule_table(M, resolve("SO(3) x Sym(2)@2,3", M), 70.0)
    assert got is not None and int(got[1].sum()) == _count("B3^3", "SO(3) x Sym(2)@2,3", 70.0)
    assert "Sym(2)@2,3" in got[3]
    assert molecule_table(M, resolve("Sym(3)", M), 70.0) is None
    assert molecule_table(parse_manifold("S2^2"), resolve("SO(3)", "S2^2"), 10.0) is None


def test_rotations_about_one_axis_by_enumeration():
    # SO(2) about z on every ball (the maximal torus of SO(3)): the constant term of the
    # product of characters, by enumeration with the swap of two of three atoms
    lam = 35.0
    ref = _brute(3, [(0, 1, 2), (0, 2, 1)], lam, haar=_haar_so2)
    assert abs(ref - round(ref)) < 1e-8
    assert _count("B3^3", "SO(2) x Sym(2)@2,3", lam) == round(ref)


@pytest.mark.slow
def test_water_counts_extrapolate_to_the_coarea_volume():
    # the ratio count / one-term Weyl law, fitted as c + a lam^(-1/2) + b / lam on three
    # cut-offs, extrapolates to c = 1 when d_G = 6 and vol(M/G) are right; the volume is the
    # geometry layer's coarea integral (another computation: uniform points, orbit volumes)
    from weylgain.geometry import quotient_geometry
    from weylgain.manifolds import to_float

    M = parse_manifold("B3^3")
    g = resolve("SO(3) x Sym(2)@2,3", M)
    geo = quotient_geometry(M, g)
    assert int(geo.quotient_dim) == 6
    vol = to_float(geo.quotient_volume)
    ev, mult, _ = ball_spectrum(g.action_on(M), 3000.0)
    cum = np.cumsum(mult)
    lams = np.array([1000.0, 1500.0, 3000.0])
    counts = np.array([cum[np.searchsorted(ev, x, side="right") - 1] for x in lams])
    ratio = counts / ((math.pi ** 3 / 6) * vol * lams ** 3 / (2 * math.pi) ** 6)
    A = np.c_[np.ones(3), lams ** -0.5, 1 / lams]
    c = np.linalg.solve(A, ratio)[0]
    assert abs(c - 1) < 0.05, (c, ratio)
    assert np.all(np.diff(ratio) < 0)


def test_radius_scales_the_eigenvalues():
    # B(r) has the eigenvalues of B(1) divided by r^2
    M2 = parse_manifold("B3(2)^2")
    assert ball_product(M2) == (3, 2.0)
    ev2, mult2, full2 = ball_spectrum(resolve("SO(3) x Sym(2)", M2).action_on(M2), 30.0,
                                      radius=2.0)
    ev1, mult1, full1 = _spectrum("B3^2", "SO(3) x Sym(2)", 120.0)
    assert np.allclose(ev2 * 4, ev1) and (mult2 == mult1).all() and (full2 == full1).all()


def test_the_exact_front_door_counts_water_with_the_molecule_route():
    # water: three points in B3 rotated together, the two hydrogens swapped; 66 invariant
    # eigenfunctions below lam = 70 by brute force over mode tuples (Clebsch-Gordan rules and
    # the swap's character, tests above); the front door must take the same route
    from weylgain.exact import exact_counts

    res = exact_counts("B3^3", "SO(3) x Sym(2)@2,3", 70.0)
    assert res.count == 66
    assert res.quotient_dimension == 6
