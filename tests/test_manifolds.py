"""weylgain.manifolds: one class per family, one spec grammar, the protocol the package asks of M.

Truth comes from closed forms (volumes of spheres, balls and their orbit spaces, the Hopf
fibration, lattice spectra), not from the code under test.
"""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
import sympy as sp

from weylgain.errors import GroupError, SpecError
from weylgain.manifolds import (
    Ball,
    Box,
    Hemisphere,
    Manifold,
    Product,
    ProjectiveSpace,
    SpectrumModel,
    Sphere,
    Torus,
    manifold_grammar,
    parse_manifold,
)
from weylgain.manifolds.spec import FAMILIES

PI = sp.pi


# ---------------------------------------------------------------------------- grammar
@pytest.mark.parametrize("spec", ["S2", "RP3", "H2", "B3(2)", "T2(1,3)", "Q2", "I", "S2xT1",
                                  "S2^3", "I(2)xQ3(1,2,3)", "RP1xS1", "T3(1/2)", "S3(sqrt(2))"])
def test_round_trip(spec: str) -> None:
    m = parse_manifold(spec)
    assert parse_manifold(m.name) == m
    assert m.name == parse_manifold(m.name).name


def test_spellings_read_to_the_same_manifold() -> None:
    assert parse_manifold("S^2") == Sphere(2)
    assert parse_manifold("s2") == Sphere(2)
    assert parse_manifold("rp2") == ProjectiveSpace(2)  # RP before S
    assert parse_manifold("S2^3") == Product((Sphere(2),) * 3)
    assert parse_manifold("S2 x T1") == Product((Sphere(2), Torus((2 * PI,))))
    assert parse_manifold("I") == Box((sp.S.One,))
    assert parse_manifold("T2(3)") == Torus((3, 3))
    assert parse_manifold("Q2(1,2)").lengths == (1, 2)


def test_grammar_unchanged() -> None:
    # the literal rows of the grammar as documented before the families moved
    assert manifold_grammar() == [
        ("S<d>[(r)]", "sphere S^d of radius r (default 1) in R^(d+1)"),
        ("T<d>[(L,...)]", "flat torus with side lengths L (default 2*pi; one or d values)"),
        ("RP<d>[(r)]", "real projective space S^d(r)/{x ~ -x}, coordinates of R^(d+1)"),
        ("B<d>[(r)]", "ball of radius r in R^d"),
        ("H<d>[(r)]", "hemisphere x_(d+1) >= 0 of S^d(r)"),
        ("Q<d>[(L,...)]", "box [-L/2, L/2]^d (default L = 1)"),
        ("I[(L)]", "interval [-L/2, L/2] (default L = 1)"),
        ("AxB", "product, coordinates concatenated (e.g. S2xT1, S1xS1, IxI)"),
        ("M^k", "k identical factors (S2^3 = S2xS2xS2, T3^4); S^2 without digits before ^ is S2"),
    ]


def test_registry_rows_name_their_prefix() -> None:
    for prefix, family in FAMILIES.items():
        assert family.SPEC[0] == prefix
        assert family.SPEC[1].startswith(prefix)
        assert family.SPEC_NUMBER in ("radius", "side length")


@pytest.mark.parametrize("spec, fragment", [
    ("I2", "'I' is the interval (1-dimensional); use Q2 for a box"),
    ("S2(1,2)", "a S takes one radius"),
    ("RP2(1,2)", "a RP takes one radius"),
    ("T2(1,2,3)", "give 1 or 2 side lengths, not 3"),
    ("T0", "the dimension must be at least 1"),
    ("S", "needs a dimension, e.g. S2"),
    ("Z2", "unknown manifold 'Z2'"),
    ("S2(-1)", "radius"),
    ("Q2(0)", "side length"),
])
def test_grammar_errors(spec: str, fragment: str) -> None:
    with pytest.raises(SpecError, match=fragment.replace("(", r"\(").replace(")", r"\)")):
        parse_manifold(spec)


def test_manifolds_import_no_upper_layer() -> None:
    code = ("import sys, weylgain.manifolds; "
            "bad = [m for m in ('weylgain.symbolic', 'weylgain.groups', 'weylgain.geometry', "
            "'weylgain.gain', 'weylgain.meshes') if m in sys.modules]; "
            "assert not bad, bad")
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)


# ---------------------------------------------------------------------------- protocol
def test_defaults_of_the_base_class() -> None:
    m = Torus((1, 3))
    assert m.antipodal_blocks() == ()
    assert m.sphere_radius() is None
    assert m.linear_blocks() is None
    assert m.halfspace_axis() is None
    assert Box((1, 1)).with_size(radius=2, length=3) == Box((1, 1))
    with pytest.raises(GroupError, match=r"\(rotations\) does not act on T2\(1,3\)"):
        m.rotation_quotient((0, 1), "SO(2)", [])
    with pytest.raises(GroupError, match="the Hopf action acts on S\\^3 \\(or RP\\^3\\) in R\\^4; "
                                         "not on S2"):
        Sphere(2).hopf_quotient("hopf", [])
    # a product is meshed when every factor is (the tensor-product element), else refused
    with pytest.raises(SpecError, match="cannot mesh S4xT1: its factor S4 has no mesh"):
        parse_manifold("S4xT1").mesh_ladders(None)
    assert len(parse_manifold("S2xT1").mesh_ladders(None)) >= 1
    with pytest.raises(SpecError, match="measure_gain cannot mesh S4"):
        Sphere(4).mesh_ladders(None)
    assert parse_manifold("S2xT1").spectrum_model() == SpectrumModel("generic")


def test_sphere_protocol() -> None:
    s = Sphere(2, 3)
    assert s.sphere_radius() == 3
    assert s.linear_blocks() == (3,)
    assert s.torus_lengths() is None
    assert s.with_size(radius=2) == Sphere(2, 2)
    assert s.spectrum_model() == SpectrumModel("sphere", 2, 3.0, 1)
    assert s.spectrum_model(2).step == 2
    assert not Sphere(3).prefers_exact_counts() and Sphere(4).prefers_exact_counts()
    # the aliases of the elementary-factor interface
    mirror = np.diag([1.0, 1.0, -1.0])
    assert s.check_map(mirror, np.zeros(3)) is None
    assert s.check_map(mirror, np.array([0.5, 0, 0])) == "a sphere admits no torus translations"
    assert s.wall_volume(mirror, np.zeros(3)) == 6 * PI  # a great circle of radius 3
    assert s.cover() == (s, False)


def test_projective_protocol() -> None:
    rp = ProjectiveSpace(3, 2)
    assert rp.antipodal_blocks() == ((0, 4),)
    assert rp.linear_blocks() == (4,)
    assert rp.sphere_radius() is None  # not a round sphere: -I acts
    assert rp.cover() == (Sphere(3, 2), True)
    assert rp.spectrum_model() == SpectrumModel("sphere", 3, 2.0, 2)
    assert ProjectiveSpace(4).prefers_exact_counts() and not rp.prefers_exact_counts()


def test_hemisphere_ball_flat_protocol() -> None:
    h = Hemisphere(2)
    assert h.halfspace_axis() == 2 and h.linear_blocks() == (3,)
    assert h.spectrum_model() == SpectrumModel("sphere", 2, 1.0, 1)
    assert Ball(3).linear_blocks() == (3,) and Ball(3).sphere_radius() is None
    t = Torus((1, 3))
    assert t.torus_lengths() == (1, 3)
    assert t.spectrum_model() == SpectrumModel("generic")  # unequal sides: no lattice model
    assert Torus((2 * PI,) * 2).spectrum_model() == SpectrumModel("lattice", 2, unit=1.0)
    assert Torus((1, 1)).with_size(length=2) == Torus((2, 2))
    assert Torus((1,) * 4).prefers_exact_counts() and not Torus((1,) * 3).prefers_exact_counts()
    # Neumann box of side L: eigenvalues (pi/L)^2 sum m_i^2
    assert Box((2, 2)).spectrum_model() == SpectrumModel("lattice", 2, unit=(np.pi / 2) ** 2)
    assert Box((1, 2)).spectrum_model().kind == "generic"


def test_product_protocol() -> None:
    p = parse_manifold("RP2xS1xRP3")
    assert p.antipodal_blocks() == ((0, 3), (5, 4))
    assert p.torus_lengths() is None and p.linear_blocks() is None
    assert parse_manifold("T1(2)xT2(3,5)").torus_lengths() == (2, 3, 5)
    assert parse_manifold("S2xS1").linear_blocks() == (3, 2)
    assert parse_manifold("S2xS3").prefers_exact_counts()
    assert parse_manifold("T2xT1").prefers_exact_counts()
    assert not parse_manifold("S2xT1").prefers_exact_counts()


# ------------------------------------------------------- orbit spaces against closed forms
def test_rotation_quotients_against_closed_forms() -> None:
    steps: list[str] = []
    # S^2/SO(2): a meridian of length pi r
    assert Sphere(2, 2).rotation_quotient((0, 1), "SO(2)", steps) == (1, 2 * PI, 0, None)
    # S^3/SO(2) rotating one plane: (a, phi) with metric da^2 + sin^2 a dphi^2, a in [0, pi/2]
    d_G, vol, bvol, orbit = Sphere(3).rotation_quotient((0, 1), "SO(2)", steps)
    assert (d_G, sp.simplify(vol - 2 * PI), bvol, orbit) == (2, 0, 0, None)
    d_G, vol, _, _ = ProjectiveSpace(3).rotation_quotient((0, 1), "SO(2)", steps)
    assert (d_G, sp.simplify(vol - PI)) == (2, 0)
    # transitive: a point, whose orbit is all of M
    assert Sphere(2).rotation_quotient((0, 1, 2), "SO(3)", steps) == (0, 1, 0, 4 * PI)
    # H^2/SO(2): a quarter circle of length pi/2; its boundary circle/SO(2): one point
    assert Hemisphere(2).rotation_quotient((0, 1), "SO(2)", steps) == (1, PI / 2, 1, None)
    with pytest.raises(GroupError, match="rotates the last axis"):
        Hemisphere(2).rotation_quotient((1, 2), "SO(2)", steps)
    # B^2(r)/SO(2) = [0, r]; B^3/SO(2) = a half disc of area pi/2, bounded by a half circle
    assert Ball(2, 3).rotation_quotient((0, 1), "SO(2)", steps) == (1, 3, 1, None)
    d_G, vol, bvol, _ = Ball(3).rotation_quotient((0, 1), "SO(2)", steps)
    assert (d_G, sp.simplify(vol - PI / 2), sp.simplify(bvol - PI)) == (2, 0, 0)
    assert all(isinstance(s, str) and s for s in steps)


def test_hopf_quotients_are_two_spheres_of_half_radius() -> None:
    for r in (1, 2):
        fvol, orbit = Sphere(3, r).hopf_quotient("hopf", [])
        assert orbit == 2 * PI * r and sp.simplify(fvol - 4 * PI * (sp.S(r) / 2) ** 2) == 0
        fvol, orbit = ProjectiveSpace(3, r).hopf_quotient("hopf", [])
        assert orbit == PI * r and sp.simplify(fvol - 4 * PI * (sp.S(r) / 2) ** 2) == 0


# ---------------------------------------------------------------------------- meshes
def test_mesh_ladders_shape_and_frames() -> None:
    assert [len(lad) for lad in Sphere(2).mesh_ladders(None)] == [2, 2]
    assert [len(lad) for lad in Sphere(2).mesh_ladders(3)] == [1, 1]
    assert [len(lad) for lad in ProjectiveSpace(2).mesh_ladders(None, group=object())] == [2, 2, 3]
    assert [len(lad) for lad in Torus((1, 1)).mesh_ladders(None)] == [3, 3]
    with pytest.raises(SpecError, match="measure_gain cannot mesh H3"):
        Hemisphere(3).mesh_ladders(None)
    disk = Ball(2, 2).mesh_ladders(2)[0][0]()
    assert np.linalg.norm(disk.vertices, axis=1).max() == pytest.approx(2.0)
    box = Box((2, 4)).mesh_ladders(5)[0][0]()  # centred: [-1, 1] x [-2, 2]
    assert np.allclose(box.vertices.min(axis=0), [-1, -2])
    assert np.allclose(box.vertices.max(axis=0), [1, 2])


def test_every_family_is_a_manifold() -> None:
    for family in FAMILIES.values():
        m = family.from_spec(2 if family.SPEC[0] != "I" else 1, [], family.SPEC[0])
        assert isinstance(m, Manifold)
        assert parse_manifold(m.name) == m


# ------------------------------------------------------------- exact spectra of products
def _count(table, lam: float) -> int:
    eig, mult = table
    return int(mult[eig <= lam].sum())


def test_exact_spectrum_of_products_against_enumeration() -> None:
    import itertools
    import math

    lam = 40.5  # between eigenvalues of every example
    # S2 x T1 (length 2 pi): k(k+1) + m^2, multiplicity 2k + 1 per (k, m)
    brute = sum(2 * k + 1 for k in range(10) for m in range(-10, 11) if k * (k + 1) + m * m <= lam)
    assert _count(parse_manifold("S2xT1").exact_spectrum(lam), lam) == brute
    # T2(1, 3): (2 pi m1)^2 + (2 pi m2 / 3)^2 over the integer lattice
    brute = sum(1 for m1, m2 in itertools.product(range(-5, 6), range(-10, 11))
                if (2 * math.pi * m1) ** 2 + (2 * math.pi * m2 / 3) ** 2 <= lam)
    assert _count(parse_manifold("T2(1,3)").exact_spectrum(lam), lam) == brute
    # Neumann box Q2(2): (pi m1 / 2)^2 + (pi m2 / 2)^2, m_i >= 0
    brute = sum(1 for m1, m2 in itertools.product(range(10), range(10))
                if (math.pi * m1 / 2) ** 2 + (math.pi * m2 / 2) ** 2 <= lam)
    assert _count(parse_manifold("Q2(2)").exact_spectrum(lam), lam) == brute
    # RP2: the even degrees of S2; S3(2): k(k+2)/4 with multiplicity (k+1)^2
    assert _count(parse_manifold("RP2").exact_spectrum(lam), lam) == sum(
        2 * k + 1 for k in range(0, 10, 2) if k * (k + 1) <= lam)
    assert _count(parse_manifold("S3(2)").exact_spectrum(lam), lam) == sum(
        (k + 1) ** 2 for k in range(20) if k * (k + 2) / 4 <= lam)
    # S1 x S1 is the torus T2: the same table
    a, b = parse_manifold("S1xS1").exact_spectrum(lam), parse_manifold("T2").exact_spectrum(lam)
    assert np.allclose(a[0], b[0]) and np.array_equal(a[1], b[1])
    # B3 x S1 and S2 x RP2 x T1: a three-factor product, and one without a closed form
    # B3 x S1: the ball's Neumann modes (degree l, multiplicity 2l + 1) plus m^2 of the circle
    from weylgain.manifolds.ball import neumann_modes
    e, degrees = neumann_modes(3, lam)
    assert _count(parse_manifold("B3xS1").exact_spectrum(lam), lam) == sum(
        (2 * int(d) + 1) * (1 if m == 0 else 2)
        for x, d in zip(e, degrees) for m in range(7) if x + m * m <= lam)
    three = parse_manifold("S2xRP2xT1").exact_spectrum(lam)
    brute = sum((2 * k + 1) * (2 * j + 1) for k in range(8) for j in range(0, 8, 2)
                for m in range(-7, 8) if k * (k + 1) + j * (j + 1) + m * m <= lam)
    assert _count(three, lam) == brute
    eig = three[0]
    assert np.all(np.diff(eig) > 0) and eig[0] == 0.0


def test_exact_spectrum_refuses_bad_cutoffs() -> None:
    from weylgain.errors import ParameterError, ResourceError

    for bad in (-1.0, float("nan"), float("inf"), "10", True):
        with pytest.raises(ParameterError, match="cut-off lam"):
            Sphere(2).exact_spectrum(bad)
    with pytest.raises(ParameterError, match="cut-off lam"):
        Hemisphere(2).exact_spectrum(-1)
    with pytest.raises(ResourceError, match="exact spectrum of S2"):
        Sphere(2).exact_spectrum(1e30)  # about 1e15 degrees: refused before allocating
    with pytest.raises(ResourceError, match="exact spectrum of T1xT1"):
        parse_manifold("T1xT1").exact_spectrum(1e12)
