"""Exact invariant counts on products of any two families (issue 16).

Truth that does not come from the code under test: explicit eigenbases (real spherical
harmonics from scipy, cos/sin modes of circles, Neumann cosines of boxes, ball radial roots
from a dense scan of the spherical Bessel derivative) sampled at random points, with the group
elements written out by hand; the invariant dimension of an eigenspace is the rank of the
group average of its basis. Closed forms where they exist; N/N_G -> |G| and the Weyl law with
vol(M/G) from predict_gain at large lam.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.special import sph_harm_y, spherical_jn

from weylgain.errors import CountingError, GroupError, SpecError
from weylgain.exact import exact_counts
from weylgain.exact.products import product_invariant_table
from weylgain.gain.predict import predict_gain
from weylgain.groups import AffineMap, FiniteGroup, from_generators
from weylgain.manifolds import parse_manifold

RNG = np.random.default_rng(1)


def _rot(theta: float) -> np.ndarray:
    c, s = math.cos(theta), math.sin(theta)
    return np.array([[c, -s], [s, c]])


def _block(*blocks: np.ndarray) -> np.ndarray:
    n = sum(b.shape[0] for b in blocks)
    out = np.zeros((n, n))
    i = 0
    for b in blocks:
        out[i:i + b.shape[0], i:i + b.shape[0]] = b
        i += b.shape[0]
    return out


def _closure(gens: list[tuple[np.ndarray, np.ndarray]], period: np.ndarray
             ) -> list[tuple[np.ndarray, np.ndarray]]:
    """All products of the generators (brute force; translations modulo the period)."""
    n = gens[0][0].shape[0]
    out = [(np.eye(n), np.zeros(n))]
    frontier = list(out)
    while frontier:
        new = []
        for A, t in frontier:
            for B, s in gens:
                C, u = B @ A, B @ t + s
                u = np.where(period > 0, np.mod(u, np.where(period > 0, period, 1.0)), u)
                u[np.abs(u - period) < 1e-9] = 0.0
                if not any(np.allclose(C, D) and np.allclose(u, v) for D, v in out):
                    out.append((C, u))
                    new.append((C, u))
        frontier = new
    return out


def _invariant_dim(funcs, elements, points) -> int:
    """Rank of the group average of the sampled basis functions."""
    avg = np.zeros((len(points), len(funcs)))
    for A, t in elements:
        q = points @ A.T + t
        avg += np.stack([f(q) for f in funcs], axis=1)
    avg /= len(elements)
    sv = np.linalg.svd(avg, compute_uv=False)
    return int((sv > 1e-8 * max(1.0, sv[0])).sum()) if len(sv) else 0


def _real_harmonics(l: int, axis_offset: int = 0):
    """Real spherical harmonics of degree l on the directions of coordinates 0..2."""
    def make(m, part):
        def f(P):
            x, y, z = P[:, axis_offset], P[:, axis_offset + 1], P[:, axis_offset + 2]
            r = np.sqrt(x * x + y * y + z * z)
            theta = np.arccos(np.clip(z / r, -1, 1))
            phi = np.arctan2(y, x)
            v = sph_harm_y(l, m, theta, phi)
            return v.real if part == 0 else v.imag
        return f
    out = [make(0, 0)]
    for m in range(1, l + 1):
        out += [make(m, 0), make(m, 1)]
    return out


def _circle_modes(n: int, col: int, period: float = 2 * math.pi):
    w = 2 * math.pi * n / period
    if n == 0:
        return [lambda P: np.ones(len(P))]
    return [lambda P: np.cos(w * P[:, col]), lambda P: np.sin(w * P[:, col])]


def _angle_modes(n: int, col: int):
    """cos/sin(n phi) of the angle of coordinates (col, col + 1) (a unit circle S1)."""
    if n == 0:
        return [lambda P: np.ones(len(P))]
    return [lambda P: np.cos(n * np.arctan2(P[:, col + 1], P[:, col])),
            lambda P: np.sin(n * np.arctan2(P[:, col + 1], P[:, col]))]


def _sphere_points(n: int) -> np.ndarray:
    x = RNG.normal(size=(n, 3))
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def _compare(result, brute: dict[float, int]) -> None:
    eig = np.asarray(result.eigenvalues)
    mult = np.asarray(result.multiplicities)
    got = {}
    for e, m in zip(eig, mult):
        if m:
            got[round(float(e), 9)] = int(m)
    want = {round(e, 9): m for e, m in brute.items() if m}
    assert got == want


# ----------------------------------------------------------------------- S2 x T1


def _s2t1_brute(gens, lam):
    elements = _closure(gens, np.array([0, 0, 0, 2 * math.pi]))
    brute: dict[float, int] = {}
    L = int(math.sqrt(lam)) + 1
    for l in range(L + 1):
        for n in range(L + 1):
            e = l * (l + 1) + n * n
            if e > lam:
                continue
            funcs = [lambda P, f=f, g=g: f(P) * g(P) for f in _real_harmonics(l)
                     for g in _circle_modes(n, 3)]
            pts = np.hstack([_sphere_points(3 * len(funcs) + 8),
                             RNG.uniform(0, 2 * math.pi, (3 * len(funcs) + 8, 1))])
            brute[float(e)] = brute.get(float(e), 0) + _invariant_dim(funcs, elements, pts)
    return brute, len(elements)


def test_s2xt1_diagonal_c4_against_sampled_harmonics():
    # a quarter turn about z together with a quarter period of the circle
    A = _block(np.array([[0.0, -1, 0], [1, 0, 0], [0, 0, 1]]), np.eye(1))
    G = from_generators([A], [[0, 0, 0, 0.25]], name="C4 diagonal")
    brute, order = _s2t1_brute([(A, np.array([0, 0, 0, math.pi / 2]))], 30.0)
    res = exact_counts("S2xT1", G, 30.0)
    assert order == 4
    _compare(res, brute)
    assert res.count == sum(brute.values())


def test_s2xt1_mirror_and_reflection_against_sampled_harmonics():
    # z -> -z with theta -> -theta, and a half turn about z with a half period
    A1 = _block(np.diag([1.0, 1, -1]), -np.eye(1))
    A2 = _block(np.diag([-1.0, -1, 1]), np.eye(1))
    G = from_generators([A1, A2], [[0, 0, 0, 0], [0, 0, 0, 0.5]], name="D")
    brute, order = _s2t1_brute([(A1, np.zeros(4)), (A2, np.array([0, 0, 0, math.pi]))], 24.0)
    res = exact_counts("S2xT1", G, 24.0)
    assert order == 4 and res.group_order == 4
    _compare(res, brute)


def test_s2xt1_catalogue_c4_is_the_sphere_rotation():
    # the catalogue's C4 rotates the sphere only: (invariant harmonics) x (all circle modes)
    res = exact_counts("S2xT1", "C4", 50.0)
    brute = 0
    for l in range(8):
        inv = sum(1 for m in range(-l, l + 1) if m % 4 == 0)
        brute += sum(inv * (1 if n == 0 else 2) for n in range(8) if l * (l + 1) + n * n <= 50)
    assert res.count == brute


def test_s2xt1_translations_and_rotations_closed_forms():
    lam = 200.0
    res = exact_counts("S2xT1", "T1", lam)  # constant along the circle: the S2 spectrum
    L = max(l for l in range(30) if l * (l + 1) <= lam)
    assert res.count == (L + 1) ** 2
    assert res.quotient_dimension == 2
    res = exact_counts("S2xT1", "SO(2)", lam)  # zonal harmonics x circle modes
    assert res.count == sum(1 for l in range(30) for n in range(-30, 31)
                            if l * (l + 1) + n * n <= lam)
    assert res.quotient_dimension == 2
    assert exact_counts("S2xT2", "T2", 30.0).count == 36  # l <= 5: sum (2l + 1)
    res = exact_counts("S1xT1", "T1", 50.0)  # translations of the T1 factor only
    assert res.count == sum(2 if n else 1 for n in range(10) if n * n <= 50)


# ----------------------------------------------------------------------- B3 x S1


def _b3_radial_roots(l: int, kmax: float) -> list[float]:
    """Roots of j_l' in (0, kmax] by a dense scan and bisection (independent of neumann_modes);
    l = 0 includes the constant."""
    x = np.arange(1e-6, kmax + 1e-3, 1e-3)
    d = spherical_jn(l, x, derivative=True)
    out = [0.0] if l == 0 else []
    for i in np.flatnonzero(np.sign(d[:-1]) * np.sign(d[1:]) < 0):
        a, b = x[i], x[i + 1]
        for _ in range(60):
            c = 0.5 * (a + b)
            if np.sign(spherical_jn(l, c, derivative=True)) == np.sign(
                    spherical_jn(l, a, derivative=True)):
                a = c
            else:
                b = c
        out.append(0.5 * (a + b))
    return [k for k in out if k * k <= kmax * kmax]


def test_b3xs1_diagonal_half_turn_against_sampled_harmonics():
    # a half turn of the ball about z with a half turn of the circle
    A = _block(np.diag([-1.0, -1, 1]), -np.eye(2))
    G = from_generators([A], name="C2 diagonal")
    elements = _closure([(A, np.zeros(5))], np.zeros(5))
    lam = 60.0
    brute: dict[float, int] = {}
    kmax = math.sqrt(lam)
    for l in range(int(kmax) + 2):
        for k in _b3_radial_roots(l, kmax):
            for n in range(int(kmax) + 1):
                e = k * k + n * n
                if e > lam:
                    continue
                funcs = [lambda P, f=f, g=g: f(P) * g(P) for f in _real_harmonics(l)
                         for g in _angle_modes(n, 3)]
                m = 3 * len(funcs) + 8
                ang = RNG.uniform(0, 2 * math.pi, m)
                pts = np.hstack([_sphere_points(m), np.stack([np.cos(ang), np.sin(ang)], 1)])
                key = round(e, 9)
                brute[key] = brute.get(key, 0) + _invariant_dim(funcs, elements, pts)
    res = exact_counts("B3xS1", G, lam)
    assert res.count == sum(brute.values())
    for x in (5.0, 17.3, 40.0):
        assert res.count_at(x) == sum(v for e, v in brute.items() if e <= x)


def test_b3xs1_so2_counts_radial_modes():
    lam = 150.0
    res = exact_counts("B3xS1", "SO(2)", lam)
    kmax = math.sqrt(lam)
    brute = sum(1 for l in range(int(kmax) + 2) for k in _b3_radial_roots(l, kmax)
                for n in range(-13, 14) if k * k + n * n <= lam)
    assert res.count == brute
    assert res.quotient_dimension == 3


# ----------------------------------------------------------------------- other families


def test_box_x_circle_rotation_against_sampled_modes():
    # Q2 = [-1/2, 1/2]^2 (Neumann): a quarter turn of the square with a quarter turn of S1
    A = _block(np.array([[0.0, -1], [1, 0]]), _rot(math.pi / 2))
    G = from_generators([A], name="C4 diagonal")
    elements = _closure([(A, np.zeros(4))], np.zeros(4))
    lam = 150.0
    spaces: dict[float, list] = {}  # whole eigenspaces: the rotation swaps m1 and m2
    for m1 in range(5):
        for m2 in range(5):
            for n in range(13):
                e = math.pi ** 2 * (m1 * m1 + m2 * m2) + n * n
                if e <= lam:
                    spaces.setdefault(round(e, 9), []).extend(
                        lambda P, g=g, m1=m1, m2=m2: np.cos(math.pi * m1 * (P[:, 0] + 0.5))
                        * np.cos(math.pi * m2 * (P[:, 1] + 0.5)) * g(P)
                        for g in _angle_modes(n, 2))
    brute = {}
    for e, funcs in spaces.items():
        k = 3 * len(funcs) + 8
        ang = RNG.uniform(0, 2 * math.pi, k)
        pts = np.hstack([RNG.uniform(-0.5, 0.5, (k, 2)), np.stack([np.cos(ang), np.sin(ang)],
                                                                   1)])
        brute[e] = _invariant_dim(funcs, elements, pts)
    res = exact_counts("Q2xS1", G, lam)
    _compare(res, brute)


def test_hemisphere_and_projective_factors_against_sampled_harmonics():
    # H2 x T1: a third of a turn about the pole with a third of the period
    A = _block(np.array([[-0.5, -math.sqrt(3) / 2, 0], [math.sqrt(3) / 2, -0.5, 0],
                         [0, 0, 1]]), np.eye(1))
    # (from_generators takes translations with signed permutations only: built directly)
    G = FiniteGroup("C3 diagonal", (AffineMap(A, np.array([0, 0, 0, 1 / 3])),), 4)
    elements = _closure([(A, np.array([0, 0, 0, 2 * math.pi / 3]))],
                        np.array([0, 0, 0, 2 * math.pi]))
    lam = 30.0

    def brute_counts(keep_degree, even_in_z):
        brute: dict[float, int] = {}
        for l in range(6):
            if not keep_degree(l):
                continue
            for n in range(6):
                e = l * (l + 1) + n * n
                if e > lam:
                    continue
                harm = [f for m, f in zip([0] + [m for m in range(1, l + 1) for _ in (0, 1)],
                                          _real_harmonics(l))
                        if not even_in_z or (l + m) % 2 == 0]  # Neumann: even in z
                funcs = [lambda P, f=f, g=g: f(P) * g(P) for f in harm
                         for g in _circle_modes(n, 3)]
                k = 3 * len(funcs) + 8
                pts = np.hstack([_sphere_points(k), RNG.uniform(0, 2 * math.pi, (k, 1))])
                brute[float(e)] = brute.get(float(e), 0) + _invariant_dim(funcs, elements,
                                                                          pts)
        return brute

    _compare(exact_counts("H2xT1", G, lam), brute_counts(lambda l: True, True))
    _compare(exact_counts("RP2xT1", G, lam), brute_counts(lambda l: l % 2 == 0, False))


def test_full_spectra_of_hemisphere_and_single_factors():
    # H2 Neumann: multiplicity l + 1 (the harmonics even in z)
    eig, mult = parse_manifold("H2").exact_spectrum(42.0)
    assert mult.tolist() == [l + 1 for l in range(7)]
    res = exact_counts("B3", "trivial", 100.0)  # a single ball: its own spectrum
    assert res.count == int(parse_manifold("B3").exact_spectrum(100.0)[1].sum())


# ----------------------------------------------------------------------- asymptotics


@pytest.mark.parametrize("spec,group,lam,tol", [
    ("S2xT1", "C4", 20000.0, 0.005),
    ("S2xT1", "SO(2)", 20000.0, 0.005),
    ("S2xT1", "T1", 20000.0, 0.01),
    ("B3xS1", "C2", 2500.0, 0.1),
    ("B3xT1", "T1", 3000.0, 0.1),
])
def test_weyl_law_with_predicted_volume(spec, group, lam, tol):
    res = exact_counts(spec, group, lam)
    rep = predict_gain(spec, group).to_dict()
    assert res.quotient_dimension == rep["d_G"]
    assert res.quotient_volume == pytest.approx(float(rep["vol_quotient"]), rel=1e-12)
    assert abs(res.ratio - 1) < tol  # boundaries (balls) add a positive second term
    full = sum(res.full_multiplicities)
    if res.group_order:
        assert full / res.count == pytest.approx(res.group_order, rel=0.005)


def test_boundary_second_term_of_b3xs1():
    """N_G(lam) - Weyl ~ (1/4) w_(d-1) |d(M/G)| lam^((d-1)/2) / (2 pi)^(d-1), Neumann."""
    lam = 2500.0
    res = exact_counts("B3xS1", "C2", lam)
    bvol = 4 * math.pi * 2 * math.pi / 2  # |dB3| x |S1| / 2
    second = (4 / 3 * math.pi) * bvol * lam ** 1.5 / (4 * (2 * math.pi) ** 3)
    assert abs(res.count - res.weyl_prediction - second) < 0.1 * second


# ----------------------------------------------------------------------- refusals


def test_refusals():
    # an element that swaps the coordinates of the sphere and the circle
    with pytest.raises(CountingError, match="couples|permutes"):
        A = np.eye(4)[[0, 1, 3, 2]]
        product_invariant_table(parse_manifold("S2xT1"),
                                from_generators([A], name="swap"), 10.0)
    with pytest.raises(CountingError, match="harmonics"):  # SO(2) on the box
        exact_counts("Q2xS1", "SO(2)", 10.0)
    with pytest.raises(SpecError, match=">= 0"):
        exact_counts("S2xT1", "C4", -1.0)
    with pytest.raises(GroupError, match="not an isometry of T2"):  # 45 degrees on a torus
        exact_counts("T2xS2", "C8", 10.0)
    with pytest.raises(CountingError, match="elements"):  # too many to enumerate
        from weylgain.exact import products

        old = products.MAX_PRODUCT_GROUP_ORDER
        products.MAX_PRODUCT_GROUP_ORDER = 10
        try:
            exact_counts("S2xT1", "I", 10.0)
        finally:
            products.MAX_PRODUCT_GROUP_ORDER = old


def test_input_not_modified():
    A = _block(np.array([[0.0, -1, 0], [1, 0, 0], [0, 0, 1]]), np.eye(1))
    G = from_generators([A], [[0, 0, 0, 0.25]], name="C4 diagonal")
    before = A.copy()
    exact_counts("S2xT1", G, 10.0)
    assert np.array_equal(A, before)


# ----------------------------------------------------------------------- permutations


@pytest.mark.parametrize("spec,group,lam", [
    ("S2xS2", "Sym(2)", 60.0), ("S2xS2", "C4 x Sym(2)", 60.0), ("S2^3", "Sym(3)", 30.0),
    ("T2^2", "Sym(2)", 30.0), ("T1^3", "Sym(3)", 40.0)])
def test_factor_permutations_match_the_configuration_and_lattice_routes(spec, group, lam):
    """Characters over cycles of factors against the cycle-index and lattice-orbit routes."""
    from weylgain.groups import resolve

    M = parse_manifold(spec)
    table = product_invariant_table(M, resolve(group, M), lam, group)
    ref = exact_counts(spec, group, lam)
    e, m = np.asarray(ref.eigenvalues), np.asarray(ref.multiplicities)
    np.testing.assert_allclose(table.eigenvalues[table.invariant > 0], e[m > 0], rtol=1e-12)
    assert np.array_equal(table.invariant[table.invariant > 0], m[m > 0])


def test_ball_squared_swap_is_the_symmetric_square():
    lam = 60.0
    eig, mult = parse_manifold("B3").exact_spectrum(lam)
    brute = 0
    for a in range(len(eig)):
        if 2 * eig[a] <= lam:
            brute += mult[a] * (mult[a] + 1) // 2
        brute += sum(int(mult[a] * mult[b]) for b in range(a + 1, len(eig))
                     if eig[a] + eig[b] <= lam)
    res = exact_counts("B3xB3", "Sym(2)", lam)
    assert res.count == brute
    assert sum(res.full_multiplicities) == sum(
        int(mult[a] * mult[b]) for a in range(len(eig)) for b in range(len(eig))
        if eig[a] + eig[b] <= lam)


def test_partial_permutation_on_a_mixed_product():
    # swapping the spheres of S2xS2xT1: (S2xS2 / Sym(2)) x (the circle's modes)
    lam = 40.0
    res = exact_counts("S2xS2xT1", "Sym(2)@1,2", lam)
    ref = exact_counts("S2xS2", "Sym(2)", lam)
    brute = sum(m * (1 if n == 0 else 2) for e, m in zip(ref.eigenvalues, ref.multiplicities)
                for n in range(7) if e + n * n <= lam)
    assert res.count == brute


# ----------------------------------------------------------------------- connected groups


def test_hemisphere_rotations_keep_the_even_zonal_harmonics():
    # Y_l^0 is even in z iff l is even: SO(2) on H2 keeps l even, one per degree
    lam = 150.0
    res = exact_counts("H2xT1", "SO(2)", lam)
    assert res.count == sum(1 for l in range(0, 13, 2) for n in range(-13, 14)
                            if l * (l + 1) + n * n <= lam)
    # SO(3) fixing x4 on H3: Gegenbauer polynomials of x4, even degrees k, k(k+2) <= lam
    assert exact_counts("H3", "SO(3)", lam).count == sum(
        1 for k in range(0, 14, 2) if k * (k + 2) <= lam)
    # the full Neumann multiplicities of H2: l + 1
    assert list(res.full_multiplicities[:3]) == [1, 2, 2]  # 0; 1 (n = +-1); 2 (l = 1)


def test_connected_groups_on_two_factors():
    # SO(3) on S2 leaves the constants, SO(2) on B3 one function per radial mode
    lam = 100.0
    res = exact_counts("S2xB3", "SO(3)@1 x SO(2)@2", lam)
    kmax = math.sqrt(lam)
    assert res.count == sum(len(_b3_radial_roots(l, kmax)) for l in range(int(kmax) + 2))
    rep = predict_gain("S2xB3", "SO(3)@1 x SO(2)@2").to_dict()
    assert res.quotient_dimension == rep["d_G"] == 2


def test_characters_of_irrational_rotations_match_the_molien_series():
    """A double rotation of S3 by 2 pi/5 and 4 pi/5 (irrational traces), S3xT1 against the
    harmonic Molien series of S3 (weylgain.exact.sphere, an independent route) times the
    circle's modes."""
    R4 = _block(_rot(2 * math.pi / 5), _rot(4 * math.pi / 5))
    lam = 120.0
    res = exact_counts("S3xT1", from_generators([_block(R4, np.eye(1))], name="C5"), lam)
    ref = exact_counts("S3", from_generators([R4], name="C5"), lam)
    brute = sum(m * (1 if n == 0 else 2) for e, m in zip(ref.eigenvalues, ref.multiplicities)
                for n in range(11) if e + n * n <= lam)
    assert res.count == brute and res.group_order == 5


def test_harmonic_characters_closed_forms():
    """tr(R_theta | H_l(S2)) = sin((l + 1/2) theta) / sin(theta / 2); the mirror z -> -z
    multiplies Y_l^m by (-1)^(l+m), so its trace is sum_(m=-l..l) (-1)^(l+m) = 1."""
    from weylgain.manifolds._spectra import harmonic_characters

    theta = 0.7
    R = _block(_rot(theta), np.eye(1))
    chars = harmonic_characters(np.stack([np.eye(3), R, np.diag([1.0, 1, -1])]), 12)
    l = np.arange(13)
    np.testing.assert_allclose(chars[:, 0], 2 * l + 1, rtol=1e-13)
    np.testing.assert_allclose(chars[:, 1], np.sin((l + 0.5) * theta) / np.sin(theta / 2),
                               atol=1e-11)
    np.testing.assert_allclose(chars[:, 2], np.ones(13), atol=1e-11)
