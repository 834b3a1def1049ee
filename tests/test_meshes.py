"""Tests of the mesh generators against exact counts, volumes, topology and symmetry."""

from __future__ import annotations

import itertools
from math import factorial

import numpy as np
import pytest
from scipy.spatial import cKDTree

from weylgain import Mesh, MeshError, SpecError
from weylgain import meshes

PHI = (1 + 5**0.5) / 2


# ---------------------------------------------------------------------- helpers
def vertex_map(mesh: Mesh, linear: np.ndarray, shift: np.ndarray | None = None) -> np.ndarray:
    """Index of the vertex at linear @ x + shift for each vertex x (nearest point, checked)."""
    v = mesh.vertices
    img = v @ np.asarray(linear, dtype=float).T
    if shift is not None:
        img = img + shift
    if mesh.is_periodic:
        per = mesh.period
        img = np.mod(img, per)
        img[img >= per] -= per[np.nonzero(img >= per)[1]]
        tree = cKDTree(v, boxsize=per)
    else:
        tree = cKDTree(v)
    dist, idx = tree.query(img)
    scale = np.abs(v).max() + 1.0
    assert dist.max() < 1e-9 * scale, "vertices do not map onto vertices"
    return idx


def simplex_set(simplices: np.ndarray) -> np.ndarray:
    s = np.sort(simplices, axis=1)
    return s[np.lexsort(s.T[::-1])]


def maps_onto_itself(mesh: Mesh, linear, shift=None) -> bool:
    idx = vertex_map(mesh, linear, shift)
    return bool(np.array_equal(simplex_set(idx[mesh.simplices]), simplex_set(mesh.simplices)))


def signed_permutations(d: int):
    for perm in itertools.permutations(range(d)):
        for signs in itertools.product((1.0, -1.0), repeat=d):
            yield np.diag(signs) @ np.eye(d)[list(perm)]


def euler_characteristic(mesh: Mesh) -> int:
    """Alternating count of faces of every dimension (from the simplices, by brute force)."""
    s = np.sort(mesh.simplices, axis=1)
    k1 = s.shape[1]
    chi = 0
    for r in range(1, k1 + 1):
        faces = np.concatenate([s[:, list(c)] for c in itertools.combinations(range(k1), r)])
        chi += (-1) ** (r - 1) * np.unique(faces, axis=0).shape[0]
    return chi


def is_consistently_oriented(mesh: Mesh) -> bool:
    """Each interior facet is induced with opposite orientations by its two simplices."""
    s = mesh.simplices
    k1 = s.shape[1]
    faces, signs = [], []
    for i in range(k1):
        f = np.delete(s, i, axis=1)
        order = np.argsort(f, axis=1)
        # parity of the sorting permutation
        par = np.ones(len(f))
        for a in range(k1 - 1):
            for b in range(a + 1, k1 - 1):
                par *= np.sign(order[:, b] - order[:, a])
        faces.append(np.sort(f, axis=1))
        signs.append((-1) ** i * par)
    faces = np.concatenate(faces)
    signs = np.concatenate(signs)
    _, inv = np.unique(faces, axis=0, return_inverse=True)
    total = np.zeros(inv.max() + 1)
    np.add.at(total, inv.ravel(), signs)
    _, counts = np.unique(inv, return_counts=True)
    return bool(np.all(total[counts == 2] == 0))


def rotation(axis, angle) -> np.ndarray:
    a = np.asarray(axis, float) / np.linalg.norm(axis)
    K = np.array([[0, -a[2], a[1]], [a[2], 0, -a[0]], [-a[1], a[0], 0]])
    return np.eye(3) + np.sin(angle) * K + (1 - np.cos(angle)) * K @ K


def test_helpers_can_fail():
    m = meshes.sphere(1)
    s = np.array(m.simplices)
    s[0] = s[0, [1, 0, 2]]
    assert not is_consistently_oriented(Mesh(m.vertices, s))
    assert euler_characteristic(meshes.box(2, 3)) == 1


# ---------------------------------------------------------------------- 1-d
def test_interval_and_circle():
    m = meshes.interval(11, length=2.5)
    assert (m.n_vertices, m.n_simplices, m.dim) == (11, 10, 1)
    assert m.volume == pytest.approx(2.5, abs=1e-14)
    assert m.boundary_volume() == 2  # two end points
    c = meshes.circle(12, radius=2.0)
    assert c.is_closed and c.n_simplices == 12
    assert c.volume == pytest.approx(12 * 2 * 2.0 * np.sin(np.pi / 12))  # exact polygon perimeter
    assert euler_characteristic(c) == 0
    assert maps_onto_itself(c, rotation([0, 0, 1], 2 * np.pi / 12)[:2, :2])
    assert maps_onto_itself(c, np.diag([1.0, -1.0]))


# ---------------------------------------------------------------------- tori
@pytest.mark.parametrize("dim,n", [(1, 8), (2, 6), (3, 4), (4, 4)])
@pytest.mark.parametrize("tri", ["kuhn", "mirrored"])
def test_torus_counts_volume_topology(dim, n, tri):
    m = meshes.torus(dim, n, triangulation=tri)
    assert m.n_vertices == n**dim
    assert m.n_simplices == n**dim * factorial(dim)
    assert m.volume == pytest.approx((2 * np.pi) ** dim, rel=1e-12)
    assert m.is_closed and m.is_periodic
    assert np.all(m.vertices >= 0) and np.all(m.vertices < 2 * np.pi)
    if dim <= 3:
        assert euler_characteristic(m) == 0
    assert is_consistently_oriented(m)
    assert m.name == f"torus:{dim}:{n}" + (":mirrored" if tri == "mirrored" else "")


def test_torus_per_axis_lengths():
    m = meshes.torus(2, 5, length=[1.0, 3.0])
    assert m.volume == pytest.approx(3.0, rel=1e-13)
    np.testing.assert_array_equal(m.period, [1.0, 3.0])


@pytest.mark.parametrize("dim", [2, 3])
def test_kuhn_torus_symmetries(dim):
    m = meshes.torus(dim, 6)
    h = 2 * np.pi / 6
    eye = np.eye(dim)
    for perm in itertools.permutations(range(dim)):
        assert maps_onto_itself(m, eye[list(perm)])
    assert maps_onto_itself(m, -eye)
    for axis in range(dim):
        assert maps_onto_itself(m, eye, h * eye[axis])
    # a single sign flip maps vertices to vertices but not simplices to simplices
    flip = np.diag([-1.0] + [1.0] * (dim - 1))
    vertex_map(m, flip)
    assert not maps_onto_itself(m, flip)


@pytest.mark.parametrize("dim", [2, 3])
def test_mirrored_torus_symmetries(dim):
    m = meshes.torus(dim, 6, triangulation="mirrored")
    h = 2 * np.pi / 6
    for g in signed_permutations(dim):
        assert maps_onto_itself(m, g)
    eye = np.eye(dim)
    for axis in range(dim):
        assert maps_onto_itself(m, eye, 2 * h * eye[axis])
        assert not maps_onto_itself(m, eye, h * eye[axis])  # odd steps break the mirroring


def test_mirrored_torus_4d_generators():
    m = meshes.torus(4, 4, triangulation="mirrored")
    eye = np.eye(4)
    for g in [np.diag([-1.0, 1, 1, 1]), eye[[1, 0, 2, 3]], eye[[1, 2, 3, 0]]]:
        assert maps_onto_itself(m, g)


def test_torus_errors():
    with pytest.raises(MeshError, match="n >= 3"):
        meshes.torus(2, 2)
    with pytest.raises(MeshError, match="even n"):
        meshes.torus(2, 5, triangulation="mirrored")
    with pytest.raises(MeshError, match="dim"):
        meshes.torus(5, 4)
    with pytest.raises(MeshError, match="triangulation"):
        meshes.torus(2, 4, triangulation="delaunay")
    with pytest.raises(MeshError, match="length"):
        meshes.torus(2, 4, length=[1.0, 2.0, 3.0])
    with pytest.raises(MeshError, match="integer"):
        meshes.torus(2, 4.0)


# ---------------------------------------------------------------------- boxes
@pytest.mark.parametrize("dim", [1, 2, 3, 4])
@pytest.mark.parametrize("tri", ["kuhn", "mirrored"])
def test_box_volume_and_boundary(dim, tri):
    L = 1.5
    m = meshes.box(dim, 5, length=L, triangulation=tri)
    assert m.n_vertices == 5**dim and m.n_simplices == 4**dim * factorial(dim)
    assert m.volume == pytest.approx(L**dim, rel=1e-12)
    assert m.boundary_volume() == pytest.approx(2 * dim * L ** (dim - 1), rel=1e-12)
    assert is_consistently_oriented(m)


def test_box_symmetries():
    L = 2.0
    kuhn = meshes.box(3, 5, length=L)
    mirrored = meshes.box(3, 5, length=L, triangulation="mirrored")
    centre = np.full(3, L / 2)
    for g in signed_permutations(3):
        # about the centre: x -> g (x - c) + c
        assert maps_onto_itself(mirrored, g, centre - g @ centre)
    eye = np.eye(3)
    assert maps_onto_itself(kuhn, eye[[1, 2, 0]])
    assert maps_onto_itself(kuhn, -eye, 2 * centre)
    flip = np.diag([-1.0, 1, 1])
    assert not maps_onto_itself(kuhn, flip, centre - flip @ centre)


def test_box_errors():
    with pytest.raises(MeshError, match="n >= 3"):
        meshes.box(2, 2)
    with pytest.raises(MeshError, match="odd n"):
        meshes.box(2, 6, triangulation="mirrored")
    with pytest.raises(MeshError, match="positive"):
        meshes.box(2, 5, length=-1.0)


# ---------------------------------------------------------------------- 2-spheres
@pytest.mark.parametrize("k", [0, 1, 3])
def test_sphere_counts_and_topology(k):
    ico = meshes.sphere(k)
    assert ico.n_vertices == 10 * 4**k + 2 and ico.n_simplices == 20 * 4**k
    octa = meshes.sphere(k, base="octahedron")
    assert octa.n_vertices == 4 * 4**k + 2 and octa.n_simplices == 8 * 4**k
    for m in (ico, octa):
        assert m.is_closed and euler_characteristic(m) == 2
        assert np.allclose(np.linalg.norm(m.vertices, axis=1), 1.0, atol=1e-14)
        assert is_consistently_oriented(m)
        v = m.vertices[m.simplices]
        normal = np.cross(v[:, 1] - v[:, 0], v[:, 2] - v[:, 0])
        assert np.all(np.einsum("ij,ij->i", normal, v.sum(axis=1)) > 0)  # outward
    assert ico.name == f"sphere:{k}" and octa.name == f"sphere:{k}:octahedron"


def test_sphere_area_converges_quadratically():
    r = 2.0
    err = [abs(meshes.sphere(k, radius=r).volume - 4 * np.pi * r**2) for k in range(2, 6)]
    ratios = np.array(err[:-1]) / np.array(err[1:])
    assert np.all((ratios > 3.7) & (ratios < 4.3))  # h halves each level: O(h^2)
    assert err[-1] / (4 * np.pi * r**2) < 1e-3


def test_icosahedral_sphere_symmetry():
    m = meshes.sphere(2)
    gens = [np.eye(3)[[1, 2, 0]], np.diag([-1.0, 1, 1]), np.diag([1.0, -1, 1]),
            np.diag([1.0, 1, -1]), rotation([0, 1, PHI], 2 * np.pi / 5)]
    for g in gens:
        assert maps_onto_itself(m, g)
    # (x, y, z) -> (y, x, z) is not in I_h for this frame: the helper must notice
    with pytest.raises(AssertionError):
        maps_onto_itself(m, np.eye(3)[[1, 0, 2]])


def test_octahedral_sphere_symmetry():
    m = meshes.sphere(2, base="octahedron")
    for g in signed_permutations(3):
        assert maps_onto_itself(m, g)


def test_sphere_deterministic():
    a, b = meshes.sphere(3), meshes.sphere(3)
    np.testing.assert_array_equal(a.vertices, b.vertices)
    np.testing.assert_array_equal(a.simplices, b.simplices)
    c, d = meshes.ball(1), meshes.ball(1)
    np.testing.assert_array_equal(c.simplices, d.simplices)


def test_sphere_errors():
    with pytest.raises(MeshError, match="base"):
        meshes.sphere(2, base="cube")
    with pytest.raises(MeshError, match="at least 0"):
        meshes.sphere(-1)
    with pytest.raises(MeshError, match="positive"):
        meshes.sphere(1, radius=0.0)


# ---------------------------------------------------------------------- hemisphere, disk
def test_hemisphere():
    for k in (1, 3):
        m = meshes.hemisphere(k)
        assert m.n_simplices == 4 * 4**k
        assert m.n_vertices == 2 * 4**k + 2 ** (k + 1) + 1
        assert np.all(m.vertices[:, 2] >= 0)
        b = m.boundary_facets()
        assert np.all(m.vertices[b, 2] == 0)  # the boundary is the equator
        assert euler_characteristic(m) == 1
    e = [abs(meshes.hemisphere(k).volume - 2 * np.pi) for k in (3, 4)]
    assert 3.7 < e[0] / e[1] < 4.3
    assert meshes.hemisphere(4).boundary_volume() == pytest.approx(2 * np.pi, rel=1e-3)
    m = meshes.hemisphere(2)
    for g in signed_permutations(2):
        assert maps_onto_itself(m, np.block([[g, np.zeros((2, 1))], [np.zeros((1, 2)), 1]]))
    with pytest.raises(MeshError, match="octahedron"):
        meshes.hemisphere(2, base="icosahedron")


def test_disk():
    r = 1.5
    e = [abs(meshes.disk(k, radius=r).volume - np.pi * r**2) for k in (2, 3, 4)]
    assert all(3.7 < e[i] / e[i + 1] < 4.3 for i in range(2))
    m = meshes.disk(3, radius=r)
    assert m.ambient_dim == 2 and euler_characteristic(m) == 1
    b = np.unique(m.boundary_facets())
    np.testing.assert_allclose(np.linalg.norm(m.vertices[b], axis=1), r, rtol=1e-14)
    e = m.edge_vectors()
    assert np.all(e[:, 0, 0] * e[:, 1, 1] - e[:, 0, 1] * e[:, 1, 0] > 0)  # ccw
    vol = m.simplex_volumes()
    assert vol.min() / vol.max() > 0.2
    for g in signed_permutations(2):
        assert maps_onto_itself(m, g)


# ---------------------------------------------------------------------- S^3 and the ball
def test_sphere3():
    for k in (0, 1):
        m = meshes.sphere3(k)
        mm = 2 ** (k + 1)
        assert m.n_vertices == (mm + 1) ** 4 - (mm - 1) ** 4
        assert m.n_simplices == 48 * mm**3
        assert m.is_closed and euler_characteristic(m) == 0
        assert is_consistently_oriented(m)
        assert np.allclose(np.linalg.norm(m.vertices, axis=1), 1.0, atol=1e-14)
    m = meshes.sphere3(1)
    eye = np.eye(4)
    for g in [np.diag([-1.0, 1, 1, 1]), eye[[1, 0, 2, 3]], eye[[1, 2, 3, 0]]]:  # generate B_4
        assert maps_onto_itself(m, g)
    vol = m.simplex_volumes()
    assert vol.max() / vol.min() < 3


def test_sphere3_volume_converges():
    r = 0.5
    exact = 2 * np.pi**2 * r**3
    e = [abs(meshes.sphere3(k, radius=r).volume - exact) for k in (1, 2, 3)]
    assert all(3.3 < e[i] / e[i + 1] < 4.3 for i in range(2))
    assert e[-1] / exact < 1e-2


def dihedral_angles(m: Mesh) -> np.ndarray:
    v = m.vertices[m.simplices]
    out = []
    for i, j in itertools.combinations(range(4), 2):
        k, l = [x for x in range(4) if x not in (i, j)]
        e = v[:, j] - v[:, i]
        e /= np.linalg.norm(e, axis=1, keepdims=True)
        a, b = v[:, k] - v[:, i], v[:, l] - v[:, i]
        a -= (a * e).sum(1, keepdims=True) * e
        b -= (b * e).sum(1, keepdims=True) * e
        c = (a * b).sum(1) / np.linalg.norm(a, axis=1) / np.linalg.norm(b, axis=1)
        out.append(np.degrees(np.arccos(np.clip(c, -1, 1))))
    return np.concatenate(out)


def test_ball():
    for k in (0, 1, 2):
        m = meshes.ball(k)
        mm = 2 ** (k + 1)
        assert m.n_vertices == (mm + 1) ** 3 and m.n_simplices == 6 * mm**3
        assert euler_characteristic(m) == 1
        assert np.linalg.det(m.edge_vectors()).min() > 0  # no inverted tetrahedron
        ang = dihedral_angles(m)
        assert ang.min() > 15 and ang.max() < 140
        b = np.unique(m.boundary_facets())
        np.testing.assert_allclose(np.linalg.norm(m.vertices[b], axis=1), 1.0, rtol=1e-14)
    e = [abs(meshes.ball(k).volume - 4 / 3 * np.pi) for k in (1, 2, 3)]
    assert all(3.3 < e[i] / e[i + 1] < 4.3 for i in range(2))
    m = meshes.ball(1, radius=2.0)
    for g in signed_permutations(3):
        assert maps_onto_itself(m, g)


# ---------------------------------------------------------------------- specs
@pytest.mark.parametrize(
    "spec,name,nv",
    [
        ("sphere:2", "sphere:2", 162),
        ("sphere:2:octahedron", "sphere:2:octahedron", 66),
        ("sphere3:0", "sphere3:0", 80),
        ("torus:2:8", "torus:2:8", 64),
        ("torus:2:8:mirrored", "torus:2:8:mirrored", 64),
        ("box:3:5", "box:3:5", 125),
        ("interval:100", "interval:100", 100),
        ("circle:200", "circle:200", 200),
        ("hemisphere:2", "hemisphere:2", 41),
        ("disk:2", "disk:2", 41),
        ("ball:0", "ball:0", 27),
    ],
)
def test_from_spec(spec, name, nv):
    m = meshes.from_spec(spec)
    assert m.name == name and m.n_vertices == nv


def test_from_spec_options():
    m = meshes.from_spec("sphere:1:2.0")
    assert np.allclose(np.linalg.norm(m.vertices, axis=1), 2.0)
    t = meshes.from_spec("torus:2:4:mirrored:1")
    np.testing.assert_array_equal(t.period, [1.0, 1.0])
    assert meshes.from_spec("box:2:5:3").volume == pytest.approx(9.0)
    t2 = meshes.torus(2, 5, length=[1.0, 3.0])
    assert meshes.from_spec(t2.name).volume == pytest.approx(3.0)
    for spec in ["sphere:3:octahedron:0.5", "torus:3:6:mirrored", "interval:7:2", "disk:2:3"]:
        assert meshes.from_spec(spec).name == spec


@pytest.mark.parametrize(
    "spec",
    ["", "cube:3", "sphere", "sphere:x", "sphere:2:dodecahedron", "torus:2", "torus:2:8:hex",
     "box:2:5:kuhn:1:2", "sphere:2:-1", "ball:1.5", "sphere:2:1,2", "ball:1:mirrored"],
)
def test_from_spec_errors(spec):
    with pytest.raises(SpecError, match="Known forms"):
        meshes.from_spec(spec)


def test_from_spec_range_errors_are_mesh_errors():
    with pytest.raises(MeshError):
        meshes.from_spec("torus:2:5:mirrored")
    with pytest.raises(MeshError):
        meshes.from_spec("torus:2:2")


def test_available_lists_every_kind():
    text = "\n".join(meshes.available())
    for kind in ["interval", "circle", "torus", "box", "sphere:", "sphere3", "hemisphere", "disk",
                 "ball"]:
        assert kind in text
