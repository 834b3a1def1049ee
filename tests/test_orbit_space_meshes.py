"""Meshes of orbit spaces (weylgain.orbit_space_meshes) against exact invariant spectra.

Truth, none of it from the code under test:

* S^3/hopf and RP^3/hopf: the round sphere S^2(r/2), eigenvalues 4 l (l + 1) / r^2 with
  multiplicity 2 l + 1 (closed form);
* B^3/SO(2): the axisymmetric Neumann modes of the ball, lam = x^2 for every zero x of j_l'
  (one per harmonic degree l, lam = 0 once), found here with scipy.special and brentq;
* S^3/Sym(3) (permutations of three of the four coordinates), RP^3/Sym(3): degree-k harmonics
  on R^4, eigenvalue k (k + 2), invariant dimension p_k - p_(k-2) with p_k the number of
  Sym(3)-orbits of exponent vectors of degree k (Fischer decomposition; |x|^2 is invariant),
  even k only on RP^3 -- enumerated here;
* T^3/S3 (2 pi-periodic, coordinate permutations): one invariant per orbit of Fourier modes
  n in Z^3, eigenvalue |n|^2 -- enumerated here as sorted triples;
* volumes, boundary lengths and weighted volumes in closed form.

Tolerance of the counts. P1 with consistent mass gives upper bounds of the eigenvalues, lumped
mass (measured on these meshes) lower ones, with an error C lam^2 h^2, h the mean edge. The
constant measured on every mesh here (first 50-120 invariant eigenvalues, dense solves) lies in
[0.02, 0.20] for consistent mass and [0.001, 0.13] for lumped mass; the tests use C = 0.25.
A count N_h(L) on a consistent pencil therefore lies in [N(L / (1 + C L h^2)), N(L)], and on a
lumped pencil in [N(L), N(L / (1 - C L h^2))] (both brackets computed from the exact
spectrum). Where L sits at a gap midpoint and the shift is below half the gap, the count is
exact, and the tests also assert that.
"""

from __future__ import annotations

import itertools
import json
import math

import numpy as np
import pytest
from scipy.optimize import brentq
from scipy.special import jv, jvp, spherical_jn

from weylgain.errors import (GroupError, NotInvariantError, ParameterError, ResourceError,
                             SpecError)
from weylgain.orbit_space_meshes import (OrbitSpaceMesh, axial_ball_orbit_space, half_disk,
                                         hopf_orbit_space, orbit_space_levels,
                                         orbit_space_mesh)
from weylgain.spectrum import counting_function

C_P1 = 0.25  # the stated P1 constant: |lam_h - lam| <= C lam^2 h^2 (see the module docstring)


# ---------------------------------------------------------------------- exact spectra
def ball_axisymmetric_neumann(lam_max: float) -> np.ndarray:
    """Every lam = x^2 <= lam_max with j_l'(x) = 0 (x > 0), l = 0, 1, ..., plus lam = 0."""
    out = [0.0]
    xmax = math.sqrt(lam_max) + 1.0
    for l in range(0, int(xmax) + 2):
        f = lambda x, l=l: spherical_jn(l, x, derivative=True)  # noqa: E731
        xs = np.linspace(1e-6, xmax, 8000)
        ys = f(xs)
        for i in np.flatnonzero(np.sign(ys[:-1]) != np.sign(ys[1:])):
            x = brentq(f, xs[i], xs[i + 1], xtol=1e-14)
            if x > 1e-3 and x * x <= lam_max:
                out.append(x * x)
    return np.sort(np.array(out))


def hopf_spectrum(lam_max: float, r: float = 1.0) -> np.ndarray:
    lams = []
    l = 0
    while 4 * l * (l + 1) / r ** 2 <= lam_max:
        lams += [4 * l * (l + 1) / r ** 2] * (2 * l + 1)
        l += 1
    return np.array(lams)


def _sym3_monomial_orbits(k: int) -> int:
    """Orbits of Sym(3) (first three exponents) on exponent vectors of degree k in 4 variables."""
    if k < 0:
        return 0
    return sum(1 for a in range(k + 1) for b in range(a, k + 1) for c in range(b, k + 1)
               if a + b + c <= k)


def sphere3_sym3_spectrum(lam_max: float, even_only: bool = False) -> np.ndarray:
    lams = []
    k = 0
    while k * (k + 2) <= lam_max:
        if not even_only or k % 2 == 0:
            lams += [k * (k + 2)] * (_sym3_monomial_orbits(k) - _sym3_monomial_orbits(k - 2))
        k += 1
    return np.array(lams, dtype=float)


def torus3_sym3_spectrum(lam_max: float) -> np.ndarray:
    m = int(math.isqrt(int(lam_max))) + 1
    return np.sort(np.array([a * a + b * b + c * c
                             for a, b, c in itertools.product(range(-m, m + 1), repeat=3)
                             if a <= b <= c and a * a + b * b + c * c <= lam_max], dtype=float))


def _count(spec: np.ndarray, lam: float) -> int:
    return int(np.count_nonzero(spec <= lam + 1e-12))


def _check_brackets(q, spec, lams, lumped_too=True):
    """Consistent (and lumped) counts inside the P1 brackets of the module docstring."""
    h = q.mean_edge_length()
    K, M = q.laplacian()
    got = counting_function(K, M, lams)
    for L, n in zip(lams, got):
        lo = _count(spec, L / (1 + C_P1 * L * h * h))
        assert lo <= n <= _count(spec, L), (L, n, lo, _count(spec, L), h)
    if lumped_too:
        assert C_P1 * max(lams) * h * h < 0.5
        Kl, Ml = q.laplacian(lumped=True)
        got_l = counting_function(Kl, Ml, lams)
        for L, n in zip(lams, got_l):
            hi = _count(spec, L / (1 - C_P1 * L * h * h))
            assert _count(spec, L) <= n <= hi, (L, n, _count(spec, L), hi, h)
    return got


# ---------------------------------------------------------------------- truth sanity
def test_reference_spectra_against_known_values():
    # first zeros: j_0' = -j_1 -> 4.4934^2; j_1' -> 2.0816^2; j_2' -> 3.3421^2
    ev = ball_axisymmetric_neumann(25.0)
    np.testing.assert_allclose(ev[:4], [0.0, 2.081576 ** 2, 3.342094 ** 2, 4.493409 ** 2],
                               rtol=1e-5)
    # S^3/Sym(3): the invariant linear forms x1+x2+x3 and x4 (both harmonic); degree 2:
    # 4 invariant monomial orbits minus |x|^2
    assert _sym3_monomial_orbits(1) == 2 and _sym3_monomial_orbits(2) == 4
    assert list(sphere3_sym3_spectrum(8.0)) == [0.0, 3.0, 3.0, 8.0, 8.0, 8.0]
    # |n|^2 = 1: (0,0,±1) sorted; |n|^2 = 2: (-1,-1,0), (-1,0,1), (0,1,1)
    assert list(torus3_sym3_spectrum(2.0)) == [0.0, 1.0, 1.0, 2.0, 2.0, 2.0]


# ---------------------------------------------------------------------- B3 / SO(2)
def test_half_disk_geometry():
    for k in (3, 4, 5):
        m = half_disk(k)
        assert m.dim == 2 and m.vertices.shape[1] == 2
        assert m.vertices[:, 0].min() == 0.0                     # the axis rho = 0
        assert np.all(np.linalg.norm(m.vertices, axis=1) <= 1 + 1e-12)
        rim = m.boundary_facets()
        on_axis = (m.vertices[rim][..., 0] == 0.0).all(axis=1)
        chords = m.face_volumes(rim[~on_axis])
        c = float(chords.max())
        # inscribed polygon: area below pi/2 by at most sum c^3/(12 R) <= pi c^2 / 12
        assert 0 < math.pi / 2 - m.volume <= math.pi * c * c / 12 * 1.05
        assert m.face_volumes(rim[on_axis]).sum() == pytest.approx(2.0, rel=1e-12)
        assert 0 < math.pi - chords.sum() <= math.pi * c * c / 24 * 1.05
    m2 = half_disk(2, radius=3.0)
    assert m2.vertices[:, 0].max() == pytest.approx(3.0)


def test_ball_so2_volumes():
    errs = []
    for k in (3, 4, 5):
        q = axial_ball_orbit_space(k)
        assert q.volume == pytest.approx(math.pi / 2, rel=1e-15)   # the half-disk, closed form
        assert q.base_mesh.volume == pytest.approx(math.pi / 2, rel=2e-2)
        assert q.boundary_volume() == pytest.approx(math.pi, rel=2e-2)   # the arc only
        errs.append(abs(q.weighted_volume() - 4 * math.pi / 3))
    assert errs[-1] < 5e-3 * 4 * math.pi / 3
    assert 3.0 < errs[0] / errs[1] < 5.0 and 3.0 < errs[1] / errs[2] < 5.0   # O(h^2)
    q = axial_ball_orbit_space(4, radius=2.0)
    assert q.volume == pytest.approx(2 * math.pi) and q.manifold_volume == pytest.approx(
        4 * math.pi / 3 * 8)
    assert q.weighted_volume() == pytest.approx(4 * math.pi / 3 * 8, rel=1e-2)
    q4 = axial_ball_orbit_space(4, dim=4)                        # w = 4 pi rho^2
    assert q4.weighted_volume() == pytest.approx(math.pi ** 2 / 2, rel=1e-2)   # vol(B^4)


def test_ball_so2_counts_against_bessel_zeros():
    spec = ball_axisymmetric_neumann(420.0)
    lams = [3.0, 10.0, 30.0, 60.0, 100.0]
    for k in (4, 5):
        q = axial_ball_orbit_space(k)
        _check_brackets(q, spec, lams)
    # level 6 (h = 0.022): exact at every threshold up to lam = 400 (shift <= 0.25 lam^2 h^2
    # stays below the distance to the next exact eigenvalue at these thresholds)
    q = axial_ball_orbit_space(6)
    lams6 = [10.0, 50.0, 100.0, 200.0, 400.0]
    assert list(counting_function(*q.laplacian(), lams6)) == [_count(spec, L) for L in lams6]
    assert [_count(spec, L) for L in lams6] == [2, 8, 15, 29, 55]


def test_ball_radius_scales_the_spectrum():
    spec = ball_axisymmetric_neumann(420.0) / 4.0                 # B3(2): lam / R^2
    q = axial_ball_orbit_space(6, radius=2.0)
    lams = [2.5, 12.5, 25.0, 50.0]
    assert list(counting_function(*q.laplacian(), lams)) == [_count(spec, L) for L in lams]


def ball4_axisymmetric_neumann(lam_max: float) -> np.ndarray:
    """B^4/SO(3): u = r^-1 J_(l+1)(k r) Y_l(zonal), Neumann: k J'_(l+1)(k) = J_(l+1)(k)."""
    out = [0.0]
    xmax = math.sqrt(lam_max) + 1.0
    for l in range(0, int(xmax) + 2):
        f = lambda x, l=l: x * jvp(l + 1, x) - jv(l + 1, x)  # noqa: E731
        xs = np.linspace(1e-3, xmax, 8000)
        ys = f(xs)
        for i in np.flatnonzero(np.sign(ys[:-1]) != np.sign(ys[1:])):
            x = brentq(f, xs[i], xs[i + 1], xtol=1e-14)
            if x > 1e-2 and x * x <= lam_max:
                out.append(x * x)
    return np.sort(np.array(out))


def test_ball4_so3_counts():
    # SO(3) fixing an axis of R^4: the same half-disk, weight 4 pi rho^2
    spec = ball4_axisymmetric_neumann(420.0)
    q = orbit_space_mesh("B4", "SO(3)", 5)
    assert q.dimension == 2 and q.volume == pytest.approx(math.pi / 2)
    _check_brackets(q, spec, [5.0, 20.0, 50.0, 100.0])
    lams = [5.0, 20.0, 50.0, 100.0, 200.0]
    q6 = orbit_space_mesh("B4", "SO(3)", 6)
    assert list(counting_function(*q6.laplacian(), lams)) == [_count(spec, L) for L in lams] \
        == [1, 3, 7, 14, 27]


# ---------------------------------------------------------------------- hopf
@pytest.mark.parametrize("projective", [False, True])
def test_hopf_counts_and_volumes(projective):
    r = 1.0
    spec = hopf_spectrum(2000.0, r)
    mids = [4 * (l + 1) ** 2 for l in (0, 1, 3, 6)]              # between 4l(l+1) and 4(l+1)(l+2)
    for k in (3, 4):
        q = hopf_orbit_space(k, projective=projective)
        got = _check_brackets(q, spec, mids, lumped_too=False)
        assert list(got) == [(l + 1) ** 2 for l in (0, 1, 3, 6)]   # exact at gap midpoints
        assert q.volume == pytest.approx(math.pi)                     # S^2(1/2)
        assert q.base_mesh.volume == pytest.approx(math.pi, rel=5e-3)
        vol_M = math.pi ** 2 if projective else 2 * math.pi ** 2
        assert q.weighted_volume() == pytest.approx(vol_M, rel=5e-3)
        assert q.boundary_volume() == 0.0
    q = orbit_space_mesh("RP3" if projective else "S3", "hopf", 4)
    assert isinstance(q, OrbitSpaceMesh) and q.group == "hopf"


def test_hopf_radius():
    spec = hopf_spectrum(200.0, 2.0)                              # S3(2): 4 l(l+1) / 4
    q = orbit_space_mesh("S3(2)", "hopf", 4)
    mids = [(l + 1) ** 2 for l in (0, 2, 5)]
    assert list(counting_function(*q.laplacian(), mids)) == [_count(spec, L) for L in mids]
    assert q.volume == pytest.approx(4 * math.pi)                 # pi r^2
    assert q.weighted_volume() == pytest.approx(2 * math.pi ** 2 * 8, rel=5e-3)


# ---------------------------------------------------------------------- finite groups
def test_sphere3_sym3_counts_and_volumes():
    spec = sphere3_sym3_spectrum(200.0)
    mids = [1.5, 5.5, 11.5, 19.5, 29.5, 41.5]                     # between k(k+2) values
    q = orbit_space_mesh("S3", "S3", 2)
    assert q.n_orbits == 897
    got = _check_brackets(q, spec, mids)
    assert list(got) == [_count(spec, L) for L in mids] == [1, 3, 6, 11, 18, 27]
    assert q.volume == pytest.approx(math.pi ** 2 / 3, rel=2.5e-2)   # 2 pi^2 / 6
    assert q.boundary_volume() == pytest.approx(4 * math.pi, rel=2.5e-2)  # 3 great S^2 walls


def test_rp3_sym3_counts():
    spec = sphere3_sym3_spectrum(200.0, even_only=True)
    mids = [1.5, 11.5, 29.5, 41.5]
    q = orbit_space_mesh("RP3", "S3", 2)
    got = _check_brackets(q, spec, mids)
    assert list(got) == [_count(spec, L) for L in mids] == [1, 4, 11, 11]
    assert q.volume == pytest.approx(math.pi ** 2 / 6, rel=2.5e-2)


def test_torus3_sym3_counts_and_volumes():
    spec = torus3_sym3_spectrum(40.0)
    lams = [1.5, 2.5, 3.5, 5.5, 8.5]
    for n in (16, 24):
        q = orbit_space_mesh("T3", "S3", n)
        assert q.base_mesh is None and q.n_orbits == math.comb(n + 2, 3)   # sorted triples
        # the lumped bracket needs C lam h^2 < 1/2: lam <= 7 on the coarse grid (h = 0.50)
        _check_brackets(q, spec, lams if n == 24 else lams[:4])
        assert q.volume == pytest.approx((2 * math.pi) ** 3 / 6, rel=1e-12)
        assert q.boundary_volume() == pytest.approx(4 * math.sqrt(2) * math.pi ** 2, rel=1e-12)
    q = orbit_space_mesh("T3", "S3", 24)
    got = counting_function(*q.laplacian(lumped=True), lams[:4])
    assert list(got) == [_count(spec, L) for L in lams[:4]] == [3, 6, 10, 16]


# ---------------------------------------------------------------------- front door
def test_automatic_level_is_the_coarsest_with_enough_eigenvalues():
    q = orbit_space_mesh("B3", "SO(2)", target_count=300)
    # Weyl on the half-disk: N ~ (pi/2) lam / (4 pi) = lam / 8 at lam = 0.5 / h^2
    assert 0.5 / q.mean_edge_length() ** 2 / 8 >= 300
    coarser = axial_ball_orbit_space(q.level - 1)
    assert 0.5 / coarser.mean_edge_length() ** 2 / 8 < 300
    assert orbit_space_levels("B3", "SO(2)")[0] <= q.level <= orbit_space_levels("B3", "SO(2)")[-1]


def test_results_serialize():
    for q in (orbit_space_mesh("B3", "SO(2)", 3), orbit_space_mesh("RP3", "hopf", 2)):
        d = json.loads(json.dumps(q.to_dict()))
        assert d["dimension"] == 2 and d["kind"] == "continuous"
        assert d["n_orbits"] == q.base_mesh.n_vertices
    assert "halfdisk:3" in repr(orbit_space_mesh("B3", "SO(2)", 3))


# ---------------------------------------------------------------------- bad input
@pytest.mark.parametrize("call, exc, words", [
    (lambda: half_disk(-1), ParameterError, "at least 0"),
    (lambda: half_disk(1.5), ParameterError, "integer"),
    (lambda: half_disk(True), ParameterError, "integer"),
    (lambda: half_disk(2, radius=0.0), ParameterError, "positive"),
    (lambda: half_disk(2, radius="big"), ParameterError, "positive"),
    (lambda: half_disk(40), ResourceError, ""),
    (lambda: hopf_orbit_space(2, projective="yes"), ParameterError, "True or False"),
    (lambda: axial_ball_orbit_space(2, dim=2), ParameterError, "dim"),
    (lambda: orbit_space_mesh("S2", "hopf"), GroupError, "no orbit-space mesh"),
    (lambda: orbit_space_mesh("B3", "SO(3)"), GroupError, "quotient"),
    (lambda: orbit_space_mesh("S2", "SO(2)"), GroupError, "1-dimensional"),
    (lambda: orbit_space_mesh("S3", "C5"), NotInvariantError, ""),
    (lambda: orbit_space_mesh("K9", "hopf"), SpecError, ""),
    (lambda: orbit_space_mesh(3.0, "hopf"), SpecError, "manifold"),
    (lambda: orbit_space_mesh("B3", "SO(2)", level=-2), ParameterError, "level"),
    (lambda: orbit_space_mesh("B3", "SO(2)", target_count=0), ParameterError, "target_count"),
    (lambda: orbit_space_mesh("B3", "SO(2)", lam_h2=-1.0), ParameterError, "lam_h2"),
    (lambda: orbit_space_mesh("B3", "SO(2)", 2).laplacian(density=np.ones(3)), GroupError,
     "density"),
])
def test_bad_input(call, exc, words):
    with pytest.raises(exc) as info:
        call()
    assert words in str(info.value)
