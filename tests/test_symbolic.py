"""weylgain.symbolic against hand-derived closed forms (docs/theory.md: Weyl's law, orbit spaces, the gain)."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
import sympy as sp

from weylgain.errors import GroupError, SpecError
from weylgain.groups import from_generators, named
from weylgain.geometry import (
    heuristic_risk,
    heuristic_samples,
    quotient_geometry,
    risk_exponent,
    sample_exponent,
    sample_ratio,
)
from weylgain.manifolds import (
    LAMBDA,
    Ball,
    Box,
    Hemisphere,
    Product,
    ProjectiveSpace,
    Sphere,
    Torus,
    ball_volume,
    parse_manifold,
    sphere_volume,
    weyl_constant,
    weyl_law,
)

pi = sp.pi


def same(a, b) -> bool:
    return sp.simplify(sp.sympify(a) - sp.sympify(b)) == 0


# ---------------------------------------------------------------- constants (docs/theory.md#weyls-law)
@pytest.mark.parametrize("d, omega", [(0, 1), (1, 2), (2, pi), (3, 4 * pi / 3),
                                      (4, pi ** 2 / 2)])
def test_unit_ball_volumes(d, omega):
    assert same(ball_volume(d), omega)


@pytest.mark.parametrize("d, cw", [(1, 2), (2, 1), (3, sp.Rational(1, 3)),
                                   (4, sp.Rational(1, 12)), (5, sp.Rational(1, 60))])
def test_weyl_constants_of_unit_spheres(d, cw):
    # docs/theory.md#weyls-law: C_W(S^1, ..., S^5) = 2, 1, 1/3, 1/12, 1/60
    assert same(weyl_constant(d, sphere_volume(d)), cw)
    assert same(Sphere(d).weyl_constant, cw)


def test_sphere_volumes_with_radius():
    r = sp.Symbol("r", positive=True)
    assert same(Sphere(2, r).volume, 4 * pi * r ** 2)
    assert same(Sphere(3, r).volume, 2 * pi ** 2 * r ** 3)
    assert same(sphere_volume(0), 2)  # two points


def test_hemisphere_two_term_law_is_the_exact_count():
    # docs/theory.md#molien-series: N_G = lam/2 + sqrt(lam)/2 exactly at lam = (L+1)^2 (Neumann hemisphere)
    law = Hemisphere(2).weyl_law("neumann")
    assert same(law, LAMBDA / 2 + sp.sqrt(LAMBDA) / 2)
    dirichlet = Hemisphere(2).weyl_law("dirichlet")
    assert same(dirichlet, LAMBDA / 2 - sp.sqrt(LAMBDA) / 2)
    for L in range(3, 30, 7):
        exact = sum(l + 1 for l in range(L + 1))  # l+1 invariants in degree l
        assert law.subs(LAMBDA, (L + 1) ** 2) == exact


def test_weyl_law_neumann_and_dirichlet_terms():
    # the unit square [0,1]^2: C = pi/(4 pi^2) = 1/(4 pi), boundary coefficient
    # omega_1 * 4 / (4 * 2 pi) = 1/pi
    law = weyl_law(2, 1, neumann_volume=4)
    assert same(law, LAMBDA / (4 * pi) + sp.sqrt(LAMBDA) / pi)
    assert same(Box((1, 1)).weyl_law("dirichlet"), LAMBDA / (4 * pi) - sp.sqrt(LAMBDA) / pi)


# ---------------------------------------------------------------- parsing
@pytest.mark.parametrize("spec, cls, dim, ambient, vol", [
    ("S2", Sphere, 2, 3, 4 * pi),
    ("S^3", Sphere, 3, 4, 2 * pi ** 2),
    ("S2(2)", Sphere, 2, 3, 16 * pi),
    ("T3", Torus, 3, 3, 8 * pi ** 3),
    ("T2(1,2)", Torus, 2, 2, 2),
    ("T2(1)", Torus, 2, 2, 1),
    ("RP2", ProjectiveSpace, 2, 3, 2 * pi),
    ("B3", Ball, 3, 3, 4 * pi / 3),
    ("B2(1/2)", Ball, 2, 2, pi / 4),
    ("H2", Hemisphere, 2, 3, 2 * pi),
    ("Q2", Box, 2, 2, 1),
    ("Q2(2*pi)", Box, 2, 2, 4 * pi ** 2),
    ("I", Box, 1, 1, 1),
    ("I(3)", Box, 1, 1, 3),
    ("S2xT1", Product, 3, 4, 8 * pi ** 2),
    ("S1*S1", Product, 2, 4, 4 * pi ** 2),
    ("IxI", Product, 2, 2, 1),
])
def test_parse_manifold(spec, cls, dim, ambient, vol):
    m = parse_manifold(spec)
    assert isinstance(m, cls)
    assert (m.dim, m.ambient_dim) == (dim, ambient)
    assert same(m.volume, vol)


def test_parse_boundaries_and_names():
    assert same(parse_manifold("B3").boundary_volume, 4 * pi)
    assert same(parse_manifold("Q2").boundary_volume, 4)
    assert same(parse_manifold("IxS1").boundary_volume, 4 * pi)  # two circles
    assert parse_manifold("S2").is_closed and not parse_manifold("H2").is_closed
    assert parse_manifold("S2xT1").name == "S2xT1"
    assert parse_manifold(" s2 ").name == "S2"


@pytest.mark.parametrize("bad", ["", "X2", "S", "T2(1,2,3)", "S2(-1)", "S2(abc)", "S2x",
                                 "I3", "T0", "S2(1", "RP0", "B2(import os)"])
def test_parse_rejects_bad_specs(bad):
    with pytest.raises(SpecError):
        parse_manifold(bad)


# ---------------------------------------------------------------- docs/theory.md#continuous-groups table
def test_sphere_by_axis_rotation_is_an_interval_of_length_pi():
    q = quotient_geometry("S2", "SO(2)")
    assert (q.dim, q.quotient_dim, q.orbit_dim) == (2, 1, 1)
    assert same(q.quotient_volume, pi)
    assert q.continuous and not q.transitive
    r = sp.Symbol("r", positive=True)
    assert same(quotient_geometry(Sphere(2, r), "SO(2)").quotient_volume, pi * r)


@pytest.mark.parametrize("spec, n", [("S3", 4), ("S4", 5), ("S5", 6)])
def test_axis_stabilizer_quotient_is_pi(spec, n):
    # S^{n-1} / SO(n-1) = [0, pi]
    q = quotient_geometry(spec, f"SO({n - 1})")
    assert q.quotient_dim == 1
    assert same(q.quotient_volume, pi)


def test_transitive_rotation_gives_a_point():
    q = quotient_geometry("S2", "SO(3)")
    assert q.quotient_dim == 0 and q.transitive
    assert q.quotient_volume == 1  # a point: N_G = 1
    assert quotient_geometry("S1", "SO(2)").quotient_dim == 0  # planar SO(2) on the circle


def test_hopf_quotient_is_the_sphere_of_radius_one_half():
    r = sp.Symbol("r", positive=True)
    q = quotient_geometry(Sphere(3, r), "hopf")
    assert q.quotient_dim == 2
    assert same(q.quotient_volume, sphere_volume(2, r / 2))  # pi r^2
    # -I lies in U(1): RP^3 has the same quotient
    assert same(quotient_geometry("RP3", "hopf").quotient_volume, pi)
    with pytest.raises(GroupError):
        quotient_geometry("S2xT1", "hopf")


def test_torus_translations():
    q = quotient_geometry("T2", "T1")
    assert q.quotient_dim == 1 and same(q.quotient_volume, 2 * pi)
    assert same(quotient_geometry("T3", "T2").quotient_volume, 2 * pi)
    # side lengths: T1 translates the first axis (length 1): the quotient is the circle of 2
    assert same(quotient_geometry("T2(1,2)", "T1").quotient_volume, 2)
    assert quotient_geometry("T2", "T2").transitive


def test_sphere_by_rotating_two_of_four_coordinates():
    # SO(2) on S^3 (first two coordinates): orbits circles of radius r cos(a); the quotient
    # is a hemisphere of S^2: vol = 2 pi (join coordinates, done by hand)
    q = quotient_geometry("S3", "SO(2)")
    assert q.quotient_dim == 2 and same(q.quotient_volume, 2 * pi)


def test_balls_and_hemispheres_by_rotations():
    # B^3 / SO(2) = a half disk of radius 1; its boundary arc is S^2/SO(2) of length pi
    q = quotient_geometry("B3", "SO(2)")
    assert q.quotient_dim == 2 and same(q.quotient_volume, pi / 2)
    assert same(q.boundary_part_volume, pi)
    assert same(quotient_geometry("B2", "SO(2)").quotient_volume, 1)  # [0, 1]
    assert same(quotient_geometry("H2", "SO(2)").quotient_volume, pi / 2)  # [0, pi/2]
    # RP^2 / SO(2): half of [0, pi] (-I exchanges the two ends)
    assert same(quotient_geometry("RP2", "SO(2)").quotient_volume, pi / 2)


@pytest.mark.parametrize("m, g, order, vol", [
    ("S2", "C4", 4, pi), ("S2", "Ih", 120, pi / 30), ("S2", "Oh", 48, pi / 12),
    ("T2", "signs2", 4, pi ** 2), ("T2", "Z10", 10, 2 * pi ** 2 / 5),
    ("T7", "S7", 5040, 128 * pi ** 7 / 5040), ("S6", "S7", 5040, 16 * pi ** 3 / 15 / 5040),
    ("T7", "B7", 645120, 128 * pi ** 7 / 645120), ("B3", "Oh", 48, pi / 36),
])
def test_finite_effective_groups_divide_the_volume(m, g, order, vol):
    q = quotient_geometry(m, g)
    assert q.quotient_dim == q.dim
    assert (q.effective_order, q.kernel_order) == (order, 1)
    assert same(q.quotient_volume, vol)


def test_non_effective_actions():
    # C4h on R^3 acting on the circle of the xy-plane: the mirror z -> -z fixes the circle
    q = quotient_geometry("S1", "C4h")
    assert (q.group_order, q.effective_order, q.kernel_order) == (8, 4, 2)
    assert same(q.quotient_volume, pi / 2)
    # -I on RP^2 is the identity
    q = quotient_geometry("RP2", "antipodal")
    assert (q.effective_order, q.kernel_order) == (1, 2)
    assert same(q.quotient_volume, 2 * pi)
    # O and Oh act on RP^2 through the same group of 24 maps
    qo, qoh = quotient_geometry("RP2", "O"), quotient_geometry("RP2", "Oh")
    assert qo.effective_order == qoh.effective_order == 24 and qoh.kernel_order == 2
    assert same(qo.quotient_volume, pi / 12) and same(qoh.quotient_volume, pi / 12)
    # D4h restricted to the circle: the dihedral group of order 8 and 4 mirror lines
    q = quotient_geometry("S1", "D4h")
    assert (q.effective_order, q.kernel_order) == (8, 2)
    assert same(q.quotient_volume, pi / 4)
    assert same(q.wall_volume, 2)  # the arc [0, pi/4] has two end points


def test_reflection_walls_match_the_theory_examples():
    # hemisphere = S^2/(z -> -z): vol d = 2 pi
    q = quotient_geometry("S2", "mirror")
    assert same(q.quotient_volume, 2 * pi) and same(q.wall_volume, 2 * pi)
    assert q.n_reflections == 1
    # sign flips on T^2: the perimeter of [0, pi]^2
    assert same(quotient_geometry("T2", "signs2").wall_volume, 4 * pi)
    # coordinate swap on T^2: the diagonal, 2 sqrt(2) pi
    assert same(quotient_geometry("T2", "S2").wall_volume, 2 * sp.sqrt(2) * pi)
    # B2 on T^2: the triangle 0 <= x <= y <= pi, perimeter 2 pi + sqrt(2) pi
    q = quotient_geometry("T2", "B2")
    assert same(q.quotient_volume, pi ** 2 / 2)
    assert same(q.wall_volume, 2 * pi + sp.sqrt(2) * pi)
    # Ih: 15 mirrors, each a great circle: (2/120) * 15 * 2 pi
    assert same(quotient_geometry("S2", "Ih").wall_volume, pi / 2)
    # no reflection, no wall
    assert quotient_geometry("S2", "C4").wall_volume == 0
    # S_7 on T^7: 21 transpositions, each fixing a diagonal subtorus sqrt(2) (2 pi)^6
    q = quotient_geometry("T7", "S7")
    assert same(q.wall_volume, sp.Rational(2, 5040) * 21 * sp.sqrt(2) * (2 * pi) ** 6)
    # B_7: 7 sign flips (two subtori (2 pi)^6 each) and 42 signed transpositions
    q = quotient_geometry("T7", "B7")
    walls = 7 * 2 * (2 * pi) ** 6 + 42 * sp.sqrt(2) * (2 * pi) ** 6
    assert same(q.wall_volume, 2 * walls / 645120)
    assert q.n_reflections == 49


def test_glide_reflection_has_no_wall():
    # (x, y) -> (-x, y + pi) on T^2: the Klein bottle, a free quotient without boundary
    g = from_generators(np.diag([-1.0, 1.0])[None], np.array([[0.0, 0.5]]), name="glide")
    q = quotient_geometry("T2", g)
    assert same(q.quotient_volume, 2 * pi ** 2)
    assert q.wall_volume == 0 and q.n_reflections == 0
    # the same mirror translated across it, (x, y) -> (-x + pi, y), still fixes two circles
    g = from_generators(np.diag([-1.0, 1.0])[None], np.array([[0.5, 0.0]]), name="shifted")
    assert same(quotient_geometry("T2", g).wall_volume, 4 * pi)
    # (x, y) -> (y + pi/2, x + pi/2): a glide along the diagonal (order 4; its square is
    # the translation by (pi, pi)); neither it nor its cube has a fixed point
    swap = np.array([[0.0, 1.0], [1.0, 0.0]])
    g = from_generators(swap[None], np.array([[0.25, 0.25]]), name="diag-glide")
    q = quotient_geometry("T2", g)
    assert q.effective_order == 4 and same(q.quotient_volume, pi ** 2)
    assert q.wall_volume == 0
    # (x, y) -> (y + pi, x + pi) looks like a glide, but (pi, pi) = (pi, -pi) modulo the
    # lattice is perpendicular to the mirror: x - y = pi is fixed pointwise, a wall
    g = from_generators(swap[None], np.array([[0.5, 0.5]]), name="swap-shift")
    assert same(quotient_geometry("T2", g).wall_volume, 2 * sp.sqrt(2) * pi)


def test_product_manifolds():
    # C4 acts on the S^2 factor of S^2 x T^1 (extended by the identity on the T^1 axis)
    q = quotient_geometry("S2xT1", "C4")
    assert same(q.quotient_volume, 8 * pi ** 2 / 4) and q.quotient_dim == 3
    # T1 translates the torus factor: (S^2 x S^1)/S^1 = S^2
    q = quotient_geometry("S2xT1", "T1")
    assert q.quotient_dim == 2 and same(q.quotient_volume, 4 * pi)
    # SO(2) about z on the S^2 factor
    q = quotient_geometry("S2xT1", "SO(2)")
    assert q.quotient_dim == 2 and same(q.quotient_volume, 2 * pi ** 2)
    # swapping the two circles of S^1 x S^1: the diagonal is a wall of length 2 sqrt(2) pi,
    # as for the coordinate swap of the flat torus T^2 it is isometric to
    P = np.zeros((4, 4))
    P[2:, :2] = np.eye(2)
    P[:2, 2:] = np.eye(2)
    q = quotient_geometry("S1xS1", from_generators(P[None], name="swap"))
    assert same(q.quotient_volume, 2 * pi ** 2)
    assert same(q.wall_volume, 2 * sp.sqrt(2) * pi)
    # a mirror of one circle: the wall is (2 points) x S^1
    M = np.eye(4)
    M[1, 1] = -1
    q = quotient_geometry("S1xS1", from_generators(M[None], name="m"))
    assert same(q.wall_volume, 2 * 2 * pi)
    # the interval factor's boundary: (S^1 x I) / C4 on the circle
    q = quotient_geometry("S1xI", named("C4", dim=2).extended(3))
    assert same(q.boundary_part_volume, 2 * 2 * pi / 4)


def test_product_with_a_repeated_factor_object():
    # S^2 x I(2) x I(2) with the SAME interval object twice, SO(2) on the sphere: the quotient
    # is [0, pi] x [-1, 1]^2 and its boundary ([0, pi] x the square's perimeter 8): 8 pi
    interval = Box((2,))
    q = quotient_geometry(Product((Sphere(2), interval, interval)), "SO(2)")
    assert q.quotient_dim == 3 and same(q.quotient_volume, 4 * pi)
    assert same(q.boundary_part_volume, 8 * pi)


def test_continuous_quotient_two_term_law_by_hand():
    # B^3 / SO(2): a half disk of area pi/2, d_G = 2, C = pi (pi/2) / (2 pi)^2 = 1/8; its
    # boundary arc pi gives omega_1 pi / (4 * 2 pi) = 1/4 in front of sqrt(lambda)
    q = quotient_geometry("B3", "SO(2)")
    assert same(q.weyl_law("neumann"), LAMBDA / 8 + sp.sqrt(LAMBDA) / 4)
    assert same(q.weyl_law("dirichlet"), LAMBDA / 8 - sp.sqrt(LAMBDA) / 4)


def test_group_from_generators_gets_its_order_and_kernel():
    # C4h by its generators (no closed-form order) on the circle of the xy-plane: 8 elements,
    # the mirror z -> -z acts trivially, 4 distinct maps
    lin, tr = named("C4h").generator_arrays()
    q = quotient_geometry("S1", from_generators(lin, tr, name="c4h-by-generators"))
    assert (q.group_order, q.effective_order, q.kernel_order) == (8, 4, 2)
    assert same(q.quotient_volume, pi / 2)
    # the diagonal glide of T^2 (order 4, faithful)
    swap = np.array([[0.0, 1.0], [1.0, 0.0]])
    q = quotient_geometry("T2", from_generators(swap[None], np.array([[0.25, 0.25]])))
    assert (q.group_order, q.kernel_order) == (4, 1)


def test_groups_that_do_not_act_raise():
    with pytest.raises(GroupError, match="signed permutation"):
        quotient_geometry("T2", "D3")
    with pytest.raises(GroupError):
        quotient_geometry("T2", "SO(2)")
    with pytest.raises(GroupError, match="does not act"):
        quotient_geometry("S1", "Oh")  # a 3-fold axis leaves the xy-plane
    with pytest.raises(GroupError):
        quotient_geometry("H2", "mirror")  # z -> -z swaps the hemispheres
    with pytest.raises(GroupError):
        quotient_geometry("T2(1,2)", "S2")  # swaps axes of different lengths
    with pytest.raises(GroupError):
        quotient_geometry("S2", "Z4")  # a translation on a sphere
    with pytest.raises(GroupError):
        quotient_geometry("S1xS1", "S4")  # mixes the factors
    with pytest.raises(SpecError):
        quotient_geometry("S2", "nonsense")


def test_closed_form_reflections_match_enumeration():
    from weylgain.geometry.finite import _closed_form_reflections

    for spec in ("S4", "signs4", "B4", "S3", "B3"):
        g = named(spec)
        closed = _closed_form_reflections(g.reflection_key, g.dim, g.dim)
        enumerated = np.array([r.linear for r in g.reflections()])
        key = lambda a: sorted(map(bytes, np.round(a).astype(np.int8)))  # noqa: E731
        assert key(closed) == key(enumerated), spec


def test_derivation_is_recorded():
    q = quotient_geometry("S2", "SO(2)")
    assert any("coarea" in step for step in q.derivation)
    d = q.to_dict()
    assert d["quotient_volume"] == pytest.approx(np.pi)
    assert d["quotient_volume_expr"] == "pi"
    import json

    json.dumps(quotient_geometry("S1", "C4h").to_dict())


# ---------------------------------------------------------------- docs/theory.md#minimax-risk
def test_risk_and_sample_exponents():
    s = sp.Symbol("s", positive=True)
    assert same(risk_exponent(s, 2), s / (s + 1))
    assert same(risk_exponent(s, 1), s / (s + sp.Rational(1, 2)))
    assert float(risk_exponent(2, 2)) == pytest.approx(2 / 3)
    assert risk_exponent(2, 0) == 1  # parametric
    assert same(sample_exponent(s, 3), 1 + sp.Rational(3, 2) / s)


def test_sample_ratio():
    s, eps = sp.Symbol("s", positive=True), sp.Symbol("epsilon", positive=True)
    # S^2 / SO(2): (4 pi / pi) eps^(-1/(2s))
    assert same(sample_ratio(s, 2, 1, 4 * pi, pi, eps), 4 * eps ** (-1 / (2 * s)))
    # finite group: |G| at every eps
    assert same(sample_ratio(s, 2, 2, 4 * pi, pi, eps), 4)


def test_heuristic_constants_invert_and_give_the_linear_gain():
    n = sp.Integer(1000)
    R = heuristic_risk(n, 2, 2, 4 * pi, sigma=sp.Rational(1, 2), norm=3)
    back = heuristic_samples(R, 2, 2, 4 * pi, sigma=sp.Rational(1, 2), norm=3)
    assert float(back) == pytest.approx(1000, rel=1e-10)
    # the same dimension: the ratio of sample sizes is the volume ratio |G|
    eps = sp.Rational(1, 100)
    ratio = heuristic_samples(eps, 2, 2, 4 * pi) / heuristic_samples(eps, 2, 2, pi)
    assert float(ratio) == pytest.approx(4)
    # d = 0: sigma^2 C / n with C = vol = 1 for a point
    assert same(heuristic_risk(n, 2, 0, 1), 1 / n)


def test_the_deprecated_shims_still_work_and_warn():
    """weylgain.symbolic and weylgain.groups.geometry re-export the new homes' objects and
    warn on import (a fresh interpreter: a module warns only the first time it is imported)."""
    code = """
import warnings
warnings.simplefilter("always")
with warnings.catch_warnings(record=True) as caught:
    import weylgain.symbolic as old
    import weylgain.groups.geometry as old_lie
import weylgain.geometry, weylgain.manifolds
assert old.Sphere is weylgain.manifolds.Sphere
assert old.quotient_geometry is weylgain.geometry.quotient_geometry
assert old_lie.generic_orbit_dimension is weylgain.geometry.generic_orbit_dimension
assert str(old.quotient_geometry("S2", "SO(2)").quotient_volume) == "pi"
messages = [str(w.message) for w in caught if issubclass(w.category, DeprecationWarning)]
print(messages)
assert messages == [
    "weylgain.symbolic is deprecated; use weylgain.manifolds and weylgain.geometry",
    "weylgain.groups.geometry is deprecated; use weylgain.geometry"], messages
"""
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=120)
    assert run.returncode == 0, run.stderr
