"""Groups as objects (issue 16): the continuous catalogue families answer each layer's
question themselves, and a Lie group equal to a catalogue family is recognised as it.

Truth comes from closed forms (S^2/SO(2) = [0, pi], S^3/U(1) = S^2(1/2), one SO(2)-invariant
harmonic per degree on S^2), from the finite cyclic subgroups' Molien series (enumerated
elements, another code path) and from the group action itself (orbit representatives are
checked against rotated points).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from weylgain import exact_counts, measure_gain
from weylgain.geometry import quotient_geometry
from weylgain.errors import ActionError, GroupError, SpecError
from weylgain.exact import sphere_invariant_dimensions
from weylgain.groups import (ContinuousGroup, LieGroup, as_catalogue, lie_group, named,
                             subtorus)
from weylgain.groups.continuous import (HopfFibres, PolarOrbits, SphericalOrbits,
                                        TranslationOrbits)


def _E(D: int, i: int, j: int) -> np.ndarray:
    """The rotation generator of the (i, j) plane, built here (not by the catalogue)."""
    X = np.zeros((D, D))
    X[i, j], X[j, i] = -1.0, 1.0
    return X


def _so(D: int) -> np.ndarray:
    return np.array([_E(D, i, j) for i in range(D) for j in range(i + 1, D)])


def _random_rotation(D: int, seed: int) -> np.ndarray:
    q, r = np.linalg.qr(np.random.default_rng(seed).normal(size=(D, D)))
    q = q * np.sign(np.diag(r))
    if np.linalg.det(q) < 0:
        q[:, 0] *= -1
    return q


def _rot_z(angle: float, D: int = 3, i: int = 0, j: int = 1) -> np.ndarray:
    a = np.eye(D)
    c, s = math.cos(angle), math.sin(angle)
    a[i, i], a[i, j], a[j, i], a[j, j] = c, -s, s, c
    return a


# ----------------------------------------------------------------------------- as_catalogue
def test_so3_from_its_basis_and_a_conjugate_are_recognised():
    R = _random_rotation(3, 7)
    for g in (lie_group(_so(3), name="so3"),
              lie_group(np.array([R @ X @ R.T for X in _so(3)]), name="conj")):
        cg = as_catalogue(g)
        assert isinstance(cg, ContinuousGroup)
        assert (cg.family, cg.dim, cg.lie_dimension, cg.name) == ("rotation", 3, 3, g.name)


def test_a_mixed_basis_of_so3_is_recognised():
    # any basis of the span: sums and scalings of the E_ij
    B = _so(3)
    g = lie_group(np.array([2 * B[0] + B[1], B[1] - 3 * B[2], B[2]]))
    assert as_catalogue(g).family == "rotation"


def test_so2_about_each_axis_hopf_stabilizer_and_unit_translations():
    for axis, (i, j) in ((2, (0, 1)), (0, (1, 2)), (1, (0, 2))):
        cg = as_catalogue(lie_group([-3.0 * _E(3, i, j)]))
        assert (cg.family, cg.axis, cg.coordinates) == ("axis_rotation", axis, (i, j))
    hopf = as_catalogue(lie_group([_E(4, 0, 1) + _E(4, 2, 3)]))
    assert hopf.family == "hopf"
    stab = as_catalogue(lie_group(np.array([_E(4, i, j) for i, j in
                                            ((0, 1), (0, 3), (1, 3))])))
    assert (stab.family, stab.axis) == ("axis_stabilizer", 2)
    plane = as_catalogue(lie_group([_E(2, 0, 1)]))
    assert (plane.family, plane.dim) == ("rotation", 2)
    tr = as_catalogue(subtorus([[0, 0, 1], [1, 0, 0]]))
    assert (tr.family, tr.coordinates, tr.torus_translation_count()) == \
        ("torus_translation", (0, 2), 2)


def test_groups_that_are_not_catalogue_families_are_refused():
    R = _random_rotation(3, 3)
    assert as_catalogue(lie_group([R @ _E(3, 0, 1) @ R.T])) is None  # a tilted axis
    assert as_catalogue(lie_group([_E(4, 0, 1) - _E(4, 2, 3)])) is None  # the other circle
    assert as_catalogue(lie_group([_E(4, 0, 1) + 2 * _E(4, 2, 3)])) is None  # (1, 2) circle
    assert as_catalogue(lie_group([_E(4, 0, 1)])) is None  # one plane of R^4
    assert as_catalogue(named("O(3)")) is None  # a finite part
    assert as_catalogue(named("C4")) is None  # finite
    assert as_catalogue(subtorus([[1, 1]])) is None  # a diagonal direction
    assert as_catalogue(subtorus([[2, 0]])) is None
    so3 = named("SO(3)")
    assert as_catalogue(so3) is so3
    with pytest.raises(GroupError, match="resolve a spec string first"):
        as_catalogue("SO(3)")
    with pytest.raises(GroupError, match="needs a group object"):
        as_catalogue(3.0)


# ------------------------------------------------------------------ same answers everywhere
@pytest.mark.parametrize("spec, manifold, algebra, d_G, vol", [
    ("SO(3)", "S2", _so(3), 0, None),
    ("SO(2)", "S2", np.array([_E(3, 0, 1)]), 1, math.pi),  # [0, pi]
    ("hopf", "S3", np.array([_E(4, 0, 1) + _E(4, 2, 3)]), 2, math.pi),  # S^2(1/2)
])
def test_quotient_geometry_of_the_lie_group_equals_the_catalogue(spec, manifold, algebra,
                                                                 d_G, vol):
    R = _random_rotation(3, 11) if spec == "SO(3)" else np.eye(algebra.shape[1])
    g = lie_group(np.array([R @ X @ R.T for X in algebra]))
    for geo in (quotient_geometry(manifold, g), quotient_geometry(manifold, spec),
                quotient_geometry(manifold, as_catalogue(g))):
        assert geo.quotient_dim == d_G
        if vol is not None:
            assert float(geo.quotient_volume) == pytest.approx(vol, rel=1e-9)


def test_exact_counts_of_the_lie_group_equal_the_catalogue_and_closed_forms():
    lam = 30.5  # degrees l <= 5 on S^2: l(l+1) <= 30
    g = lie_group(np.array([_E(3, 0, 1)]))
    for grp in (g, "SO(2)", as_catalogue(g)):
        assert exact_counts("S2", grp, lam).count == 6  # one zonal harmonic per degree
    R = _random_rotation(3, 5)
    conj = lie_group(np.array([R @ X @ R.T for X in _so(3)]))
    for grp in (conj, "SO(3)", as_catalogue(conj)):
        assert exact_counts("S2", grp, lam).count == 1  # the constants only


def test_harmonic_invariants_against_large_cyclic_subgroups():
    # a continuous group and a cyclic subgroup of order > degree share invariants
    n, deg = 41, 30
    hopf_gen = _rot_z(2 * math.pi / n, 4) @ _rot_z(2 * math.pi / n, 4, 2, 3)
    np.testing.assert_array_equal(named("hopf").harmonic_invariant_dimensions(4, deg),
                                  sphere_invariant_dimensions(hopf_gen[None], deg))
    so2_in_r4 = ContinuousGroup("SO(2)", "axis_rotation", 1, 4, coordinates=(0, 1))
    np.testing.assert_array_equal(so2_in_r4.harmonic_invariant_dimensions(4, deg),
                                  sphere_invariant_dimensions(_rot_z(2 * math.pi / n, 4)[None],
                                                              deg))
    np.testing.assert_array_equal(named("SO(2)").harmonic_invariant_dimensions(3, deg),
                                  np.ones(deg + 1, dtype=np.int64))
    with pytest.raises(ActionError, match="does not act on a sphere"):
        named("T1").harmonic_invariant_dimensions(3, deg)
    with pytest.raises(SpecError, match="lives on S\\^3 in R\\^4"):
        named("hopf").harmonic_invariant_dimensions(3, deg)


def test_sphere_and_torus_quotients_in_closed_form():
    assert named("SO(2)").sphere_quotient(3, 2.0) == (1, pytest.approx(2 * math.pi))
    assert named("hopf").sphere_quotient(4, 1.0) == (2, pytest.approx(math.pi))
    assert named("SO(3)").sphere_quotient(3, 1.0) == (0, None)
    assert named("SO(3)", dim=4).sphere_quotient(4, 1.0) == (1, pytest.approx(math.pi))
    assert named("T2", dim=3).torus_translation_count() == 2
    assert named("SO(3)").torus_translation_count() is None


def test_orbit_shapes_and_moved_coordinates():
    assert named("SO(2)").orbit_shape(3) == PolarOrbits(1, 2)
    assert named("SO(3)", dim=4).orbit_shape(4) == PolarOrbits(2, 3)
    assert named("SO(3)").orbit_shape(3) == SphericalOrbits()
    assert named("hopf").orbit_shape(4) == HopfFibres()
    assert named("T1", dim=2).orbit_shape(2) == TranslationOrbits((0,))
    assert ContinuousGroup("SO(2)", "axis_rotation", 1, 4, coordinates=(0, 1)).orbit_shape(4) \
        is None
    assert named("SO(3)", dim=4).moved_coordinates() == (0, 1, 2)
    assert named("hopf").moved_coordinates() == (0, 1, 2, 3)


def test_orbit_representatives_are_constant_on_orbits():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(50, 3))
    so2 = named("SO(2)")
    g = _rot_z(0.7)
    rep, rep_g = so2.orbit_representative(X, 0.0), so2.orbit_representative(X @ g.T, 0.0)
    np.testing.assert_allclose(rep, rep_g, atol=1e-12)
    np.testing.assert_allclose(np.linalg.norm(rep, axis=1), np.linalg.norm(X, axis=1))
    stab = named("SO(3)", dim=4)
    Y = rng.normal(size=(20, 4))
    h = np.eye(4)
    h[:3, :3] = _random_rotation(3, 2)
    np.testing.assert_allclose(stab.orbit_representative(Y, 0.0),
                               stab.orbit_representative(Y @ h.T, 0.0), atol=1e-12)
    t1 = named("T1", dim=2)
    Z = rng.uniform(0, 1, size=(10, 2))
    np.testing.assert_allclose(t1.orbit_representative(Z, 0.25)[:, 0], 0.25)
    np.testing.assert_allclose(t1.orbit_representative(Z, 0.25)[:, 1], Z[:, 1])
    with pytest.raises(GroupError, match="not supported"):
        named("hopf").orbit_representative(rng.normal(size=(3, 4)), 0.0)


def test_learning_generators_are_quadrature_steps_of_the_group():
    gens, planes, axis, coords = named("SO(2)").learning_generators(3, 8)
    assert planes == ((0, 1),) and axis == 2 and coords is None
    np.testing.assert_allclose(gens[0][0], _rot_z(2 * math.pi / 8), atol=1e-15)
    gens, planes, axis, coords = named("T2", dim=3).learning_generators(3, 4)
    assert coords == (0, 1) and planes == ()
    np.testing.assert_allclose([t for _, t in gens], [[0.25, 0, 0], [0, 0.25, 0]])
    assert named("SO(2)").quotient_dimension_on(2) == 1
    assert named("SO(3)", dim=4).quotient_dimension_on(3) == 1
    assert named("SO(2)").zonal_axis(2) == 2 and named("SO(3)").zonal_axis(2) is None
    with pytest.raises(GroupError, match="learning with the continuous group"):
        named("SO(3)").learning_generators(3, 4)


def test_measure_gain_meshes_a_lie_group_equal_to_so2():
    """Before issue 16 a LieGroup took the exact-count route; now it is meshed like SO(2)."""
    g = lie_group(np.array([_E(3, 0, 1)]), name="circle about z")
    m = measure_gain("S2", g)
    assert m.source == "mesh"
    assert m.group == "circle about z"
    assert (m.d_G_predicted, m.vol_quotient_predicted) == (1, pytest.approx(math.pi))
    assert abs(m.d_G - 1) <= 0.02 and m.vol_quotient_rel_error <= 0.01
    # a circle that is no catalogue family still takes the exact route
    R = _random_rotation(3, 4)
    tilted = lie_group(np.array([R @ _E(3, 0, 1) @ R.T]))
    assert as_catalogue(tilted) is None and isinstance(tilted, LieGroup)


# ------------------------------------------------------------------------------ layering
def _imported_modules(path: str) -> set[str]:
    """Every module a file imports, at the top or inside functions (relative ones resolved
    against weylgain.groups)."""
    import ast
    from pathlib import Path

    tree = ast.parse(Path(path).read_text())
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = {0: "", 1: "weylgain.groups", 2: "weylgain"}[node.level]
            mod = ".".join(p for p in (base, node.module or "") if p)
            out.add(mod)
    return out


def test_the_finite_group_layer_reaches_nothing_above_it():
    """The mesh layer reads group names through finite_catalogue: that module and what it
    imports stay below the manifolds, the meshes and the quotient geometry (else the
    circle groups -> geometry -> manifolds -> meshes -> invariant_meshes -> groups is back)."""
    import weylgain.groups as groups_pkg
    from pathlib import Path

    here = Path(groups_pkg.__file__).parent
    allowed = {"__future__", "math", "re", "typing", "dataclasses", "fractions", "numpy",
               "sympy", "sympy.combinatorics", "sympy.matrices.normalforms",
               "weylgain", "weylgain.errors", "weylgain._spec_bounds", "weylgain.resources",
               "weylgain.groups.finite", "weylgain.groups.actions", "weylgain.groups._linalg"}
    for name in ("finite_catalogue", "finite", "actions", "_linalg"):
        extra = _imported_modules(str(here / f"{name}.py")) - allowed
        assert not extra, f"groups/{name}.py imports {sorted(extra)}"


def test_named_finite_agrees_with_named():
    from weylgain.groups.finite_catalogue import named_finite

    for spec, dim in (("C4", None), ("D3h", None), ("Ih", None), ("S3", None), ("B2", 3),
                      ("Z4:1", None), ("Sym(3)", 6), ("cyc5", None), ("antipodal", 4)):
        a, b = named_finite(spec, dim), named(spec, dim)
        assert (a.name, a.dim, a.order) == (b.name, b.dim, b.order)
        np.testing.assert_array_equal(a.generator_arrays()[0], b.generator_arrays()[0])
    for spec in ("SO(2)", "so(3)", "O(3)", "hopf", "T2"):  # continuous: named() builds them
        assert named_finite(spec) is None
        assert named(spec).order == math.inf
    with pytest.raises(SpecError, match="unknown group spec"):
        named_finite("C4x")
