"""Tests of weylgain.groups against closed-form orders, textbook reflection counts and the
geometry of the regular polyhedra."""

import itertools
import json
import math

import numpy as np
import pytest

from weylgain.errors import GroupError, SpecError
from weylgain.groups import (
    AffineMap,
    ContinuousGroup,
    FiniteGroup,
    catalogue,
    from_generators,
    named,
)

PHI = (1 + math.sqrt(5)) / 2

# textbook orders of the point groups and coordinate groups
ORDERS = {
    "C1": 1, "C2": 2, "C5": 5, "C7": 7,
    "D2": 4, "D3": 6, "D6": 12,
    "C1v": 2, "C3v": 6, "C4v": 8,
    "C2h": 4, "C3h": 6, "C6h": 12,
    "D2h": 8, "D3h": 12, "D4h": 16,
    "D2d": 8, "D3d": 12, "D5d": 20,
    "T": 12, "O": 24, "I": 60, "Td": 24, "Th": 24, "Oh": 48, "Ih": 120,
    "Ci": 2, "antipodal": 2, "mirror": 2, "Cs": 2,
    "S1": 1, "S2": 2, "S3": 6, "S4": 24, "S6": 720,
    "signs1": 2, "signs2": 4, "signs4": 16,
    "B1": 2, "B2": 8, "B3": 48, "B4": 384,
    "cyc3": 3, "cyc5": 5, "Z4": 4, "Z3:1": 3,
}

# number of reflections (elements whose linear part has one eigenvalue -1): textbook values
REFLECTIONS = {
    "Oh": 9, "Td": 6, "Ih": 15, "C3v": 3, "C4v": 4, "D4h": 5, "D3d": 3, "D2d": 2,
    "Th": 3, "O": 0, "I": 0, "T": 0, "mirror": 1, "Ci": 0,
    "signs2": 2, "signs3": 3, "S3": 3, "S4": 6, "B2": 4, "B3": 9,
}


@pytest.mark.parametrize("spec,order", sorted(ORDERS.items()))
def test_closure_matches_textbook_order(spec, order):
    g = named(spec)
    assert g.order == order
    lin, tr = g.elements()
    assert lin.shape[0] == order
    assert tr.shape == (order, g.dim)


@pytest.mark.parametrize("spec", ["C5v", "D4d", "Oh", "Ih", "B3", "S4", "Td"])
def test_elements_orthogonal_and_closed(spec):
    g = named(spec)
    lin, _ = g.elements()
    D = g.dim
    eye = np.eye(D)
    assert np.abs(np.einsum("gij,gkj->gik", lin, lin) - eye).max() < 1e-10
    assert np.allclose(lin[0], eye)  # identity first
    keys = {tuple(np.round(a, 6).ravel()) for a in lin}
    assert len(keys) == lin.shape[0]  # distinct elements
    # closure under products and inverses
    for a, b in itertools.product(lin[:12], lin):
        assert tuple(np.round(a @ b, 6).ravel()) in keys
    for a in lin:
        assert tuple(np.round(a.T, 6).ravel()) in keys


def test_translation_group_closure_modulo_one():
    g = from_generators([np.eye(2), np.diag([-1.0, 1.0])], [[0.25, 0.0], [0.0, 0.0]])
    assert g.order == 8  # translations by k/4 along x and the reflection: dihedral D4
    lin, tr = g.elements()
    assert np.all((tr >= 0) & (tr < 1))
    # the reflection composed with translations: four reflections x -> -x + k/4 on the circle
    assert len(g.reflections()) == 4


@pytest.mark.parametrize("spec,count", sorted(REFLECTIONS.items()))
def test_reflection_counts(spec, count):
    refl = named(spec).reflections()
    assert len(refl) == count
    for r in refl:
        ev = np.linalg.eigvalsh(r.linear)
        assert np.sum(np.isclose(ev, -1)) == 1 and np.sum(np.isclose(ev, 1)) == len(ev) - 1


def test_icosahedral_group_fixes_the_icosahedron_and_has_its_vertex_rotations():
    g = named("I")
    lin, _ = g.elements()
    # vertices (0, +-1, +-phi) and cyclic permutations: permuted by every element
    base = np.array([[0, a, b * PHI] for a in (1, -1) for b in (1, -1)], dtype=float)
    verts = np.concatenate([np.roll(base, k, axis=1) for k in range(3)])
    keys = {tuple(np.round(v, 8)) for v in verts}
    for a in lin:
        assert {tuple(np.round(a @ v, 8)) for v in verts} == keys
    # 5-fold rotation about the vertex (0, 1, phi): angle 2 pi / 5 about u
    u = np.array([0, 1, PHI]) / math.hypot(1, PHI)
    K = np.array([[0, -u[2], u[1]], [u[2], 0, -u[0]], [-u[1], u[0], 0]])
    th = 2 * math.pi / 5
    R = np.eye(3) + math.sin(th) * K + (1 - math.cos(th)) * K @ K
    assert np.min(np.abs(lin - R).max(axis=(1, 2))) < 1e-10
    # element census of I: 1 + 24 five-fold + 20 three-fold + 15 two-fold
    tr = np.trace(lin, axis1=1, axis2=2)
    angles = np.arccos(np.clip((tr - 1) / 2, -1, 1))
    assert np.sum(np.isclose(angles, math.pi)) == 15
    assert np.sum(np.isclose(angles, 2 * math.pi / 3)) == 20
    assert np.sum(np.isclose(angles, 2 * math.pi / 5) | np.isclose(angles, 4 * math.pi / 5)) == 24


def test_octahedral_group_is_all_signed_permutations():
    lin, _ = named("Oh").elements()
    truth = set()
    for p in itertools.permutations(range(3)):
        for s in itertools.product((1, -1), repeat=3):
            a = np.zeros((3, 3))
            a[list(p), [0, 1, 2]] = s
            truth.add(tuple(a.ravel()))
    assert {tuple(a.ravel()) for a in lin} == truth
    assert named("Oh").is_signed_permutation and not named("I").is_signed_permutation


def test_huge_groups_have_closed_form_orders_without_enumeration():
    s10 = named("S10")
    b10 = named("B10")
    assert s10.order == math.factorial(10) == 3628800
    assert b10.order == 2 ** 10 * math.factorial(10) == 3715891200
    assert s10.n_generators == 2 and b10.n_generators == 3
    with pytest.raises(GroupError, match="closed form"):
        s10.elements()
    with pytest.raises(GroupError, match="max_order"):
        b10.reflections()
    assert s10.to_dict()["order"] == 3628800


def test_closure_cap_for_unknown_order():
    th = 1.0  # rotation by 1 radian: infinite group
    c, s = math.cos(th), math.sin(th)
    g = from_generators([[[c, -s], [s, c]]])
    with pytest.raises(GroupError, match="max_order"):
        g.elements(max_order=500)
    with pytest.raises(GroupError, match="irrational"):
        g.elements(max_order=50)


def test_from_generators_validation_messages():
    with pytest.raises(GroupError, match="not orthogonal"):
        from_generators([[[1.0, 0.1], [0.0, 1.0]]])
    with pytest.raises(GroupError, match="square"):
        from_generators(np.ones((1, 2, 3)))
    with pytest.raises(GroupError, match="non-finite"):
        from_generators([[[np.nan, 0.0], [0.0, 1.0]]])
    c, s = math.cos(0.3), math.sin(0.3)
    with pytest.raises(GroupError, match="signed"):
        from_generators([[[c, -s], [s, c]]], [[0.5, 0.0]])
    with pytest.raises(GroupError, match="shape"):
        from_generators([np.eye(2)], [[0.5, 0.0, 0.0]])
    # orthogonal to 1e-12 is accepted
    g = from_generators([np.eye(2) + 1e-13])
    assert g.order == 1


def test_unknown_specs_list_valid_forms():
    for bad in ["C0", "X5", "Cd", "C3d", "SO(1)", "", "S", "oh"]:
        with pytest.raises(SpecError, match="valid forms|SO\\(n\\)|positive|Cnd"):
            named(bad)
    with pytest.raises(SpecError) as info:
        named("icosahedral")
    assert "S<d>" in str(info.value) and "Oh" in str(info.value)
    with pytest.raises(SpecError):
        named("Oh", dim=2)


def test_catalogue_lists_every_family():
    specs = [s for s, _ in catalogue()]
    for form in ["Cn", "Dn", "Cnv", "Cnh", "Dnh", "Dnd", "T", "O", "I", "Td", "Th", "Oh", "Ih",
                 "Perm(<d>) | S<d>", "signs<d>", "SignedPerm(<d>) | B<d>", "cyc<d>", "SO(2)", "hopf", "Trans(<k>) | T<k>"]:
        assert form in specs
    assert all(isinstance(d, str) and d for _, d in catalogue())


def test_symmetric_group_is_not_schoenflies():
    g = named("S3")
    assert g.order == 6 and g.dim == 3
    lin, _ = g.elements()
    assert all(np.all(np.isin(a, (0.0, 1.0))) for a in lin)  # permutation matrices


def test_extended_acts_as_identity_on_extra_coordinates():
    g = named("C4").extended(5)
    assert g.dim == 5 and g.order == 4
    lin, _ = g.elements()
    assert np.allclose(lin[:, 3:, 3:], np.eye(2)) and np.allclose(lin[:, :3, 3:], 0)
    assert named("S2", dim=4).order == 2 and named("S2", dim=4).dim == 4
    with pytest.raises(GroupError):
        named("C4").extended(2)


def test_apply_and_kernel_order():
    g = named("C4")
    x = np.array([[1.0, 0.0, 0.0]])
    y = g.apply(x)
    assert y.shape == (1, 1, 3) and np.allclose(y[0], [[0.0, 1.0, 0.0]])
    # C2 about z fixes the z axis pointwise: all of C4 fixes the poles, only e fixes (1,0,0)
    assert g.kernel_order(np.array([[0, 0, 1.0], [0, 0, -1.0]])) == 4
    assert g.kernel_order(np.array([[1.0, 0, 0], [0, 0, 1.0]])) == 1
    # the mirror z -> -z acting on the equator circle acts trivially
    circle = np.array([[math.cos(t), math.sin(t), 0.0] for t in np.linspace(0, 6, 7)])
    assert named("mirror").kernel_order(circle) == 2
    assert named("C4h").effective_order(circle) == 4
    # torus translation by a quarter period, wrapped
    z = named("Z4", dim=2)
    pts = np.array([[0.5, 1.0], [5.0, 2.0]])
    out = z.apply(pts, period=2 * np.pi)
    assert np.allclose(out[0], [[0.5 + np.pi / 2, 1.0], [(5.0 + np.pi / 2) % (2 * np.pi), 2.0]])
    assert z.kernel_order(pts, period=2 * np.pi) == 1
    with pytest.raises(GroupError, match="period"):
        z.apply(pts)


def test_affine_map_properties():
    m = AffineMap(np.diag([1.0, -1.0]), np.zeros(2))
    assert m.is_reflection and m.is_linear and m.is_signed_permutation
    r = AffineMap(np.array([[0.0, -1.0], [1.0, 0.0]]), np.array([0.5, 0.0]))
    assert not r.is_reflection and not r.is_linear
    c = m.compose(r)
    assert np.allclose(c.linear, np.diag([1.0, -1.0]) @ r.linear)
    assert np.allclose(c.translation, [0.5, 0.0])
    with pytest.raises(AttributeError):
        m.linear = np.eye(2)  # frozen
    assert not m.linear.flags.writeable


def test_continuous_groups():
    so2 = named("SO(2)")
    assert isinstance(so2, ContinuousGroup)
    assert so2.family == "axis_rotation" and so2.axis == 2 and so2.dim == 3
    assert named("SO(3)").family == "rotation"
    st = named("SO(3)", dim=4)
    assert st.family == "axis_stabilizer" and st.axis == 3 and st.lie_dimension == 3
    assert named("hopf").family == "hopf" and named("hopf").dim == 4
    t1 = named("T1", dim=2)
    assert t1.family == "torus_translation" and t1.coordinates == (0,) and t1.dim == 2
    assert named("T").order == 12  # T alone is the tetrahedral group
    with pytest.raises(SpecError):
        named("SO(3)", dim=7)


def test_to_dict_is_json():
    for spec in ["Oh", "Z4:1", "B10", "SO(2)", "hopf"]:
        d = named(spec).to_dict()
        assert json.loads(json.dumps(d)) == d
    assert named("Oh").to_dict()["order"] == 48


def test_dnd_mirrors_bisect_the_twofold_axes():
    # D2d: the 2-fold axes are x and y; its mirrors contain z and the diagonals x = +-y
    refl = named("D2d").reflections()
    normals = sorted(tuple(np.round(np.abs(np.linalg.eigh(r.linear)[1][:, 0]), 6)) for r in refl)
    s = round(1 / math.sqrt(2), 6)
    assert normals == [(s, s, 0.0), (s, s, 0.0)]


def test_input_not_modified():
    mats = np.stack([np.eye(3), np.diag([1.0, 1.0, -1.0])])
    copy = mats.copy()
    from_generators(mats)
    assert np.array_equal(mats, copy)
    assert isinstance(from_generators(mats), FiniteGroup)
