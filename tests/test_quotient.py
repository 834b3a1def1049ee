"""Tests of weylgain.quotient.

Truth: the invariant part of the full spectrum computed independently (dense eigh of the full
pair, then the dimension of the invariant subspace of every eigenspace, from the average of
the vertex permutations of ALL group elements matched by brute force); analytic spectra of
orbit spaces (l(l+1), k(k+2), Bessel zeros); the exact discrete spectrum of periodic P1.
"""

import json
import math

import numpy as np
import pytest
import scipy.linalg as sla
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components
from scipy.special import jn_zeros

from weylgain import meshes
from weylgain.errors import GroupError, NotInvariantError
from weylgain.fem import laplacian
from weylgain.groups import from_generators, named
from weylgain.mesh import Mesh
from weylgain.quotient import quotient, vertex_orbits, vertex_permutation


# ---------------------------------------------------------------------- references
def naive_permutation(mesh, lin, tr):
    """Image vertex of every vertex by brute-force nearest match (no KD-tree)."""
    v = mesh.vertices
    y = v @ lin.T
    if mesh.is_periodic:
        y = y + tr * mesh.period
    d = mesh.wrap_difference(y[:, None, :] - v[None, :, :])
    dist = np.sqrt((d * d).sum(axis=2))
    perm = dist.argmin(axis=1)
    assert dist[np.arange(len(perm)), perm].max() < 1e-9
    return perm


def invariant_spectrum(mesh, group, lumped=False):
    """Invariant part of the full spectrum: eigenvalue repeated dim(E ∩ invariant) times."""
    K, M = laplacian(mesh, lumped=lumped)
    lam, V = sla.eigh(K.toarray(), M.toarray())
    n = mesh.n_vertices
    lin, tr = group.extended(mesh.ambient_dim).elements()
    A = np.zeros((n, n))  # (A f)(i) = mean_g f(g i): projector onto invariant vectors
    for a, t in zip(lin, tr):
        A[np.arange(n), naive_permutation(mesh, a, t)] += 1.0 / len(lin)
    out = []
    i = 0
    while i < n:
        j = i + 1
        while j < n and lam[j] - lam[i] <= 1e-8 * max(1.0, abs(lam[i])):
            j += 1
        r = np.linalg.matrix_rank(A @ V[:, i:j], tol=1e-7)
        out += [lam[i:j].mean()] * r
        i = j
    return np.array(out)


def reduced_spectrum(q, lumped=False):
    K, M = q.laplacian(lumped=lumped)
    return sla.eigh(K.toarray(), M.toarray(), eigvals_only=True)


# ---------------------------------------------------------------------- kernel
def _canonical(labels):
    _, first = np.unique(labels, return_index=True)
    order = np.argsort(first)
    relabel = np.empty(order.size, dtype=np.int64)
    relabel[order] = np.arange(order.size)
    return relabel[np.unique(labels, return_inverse=True)[1]]


@pytest.mark.parametrize("seed", range(5))
def test_union_find_kernel_matches_connected_components(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 300))
    g = int(rng.integers(0, 4))
    perms = np.empty((g, n), dtype=np.int64)
    for s in range(g):
        # sparse permutations: a few random transpositions and short cycles
        p = np.arange(n)
        for _ in range(int(rng.integers(0, n // 3 + 1))):
            i, j = rng.integers(0, n, size=2)
            p[[i, j]] = p[[j, i]]
        perms[s] = p
    labels, count = vertex_orbits(perms)
    rows = np.concatenate([np.arange(n)] * g) if g else np.zeros(0, dtype=np.int64)
    cols = perms.ravel()
    graph = sp.coo_matrix((np.ones(rows.size), (rows, cols)), shape=(n, n))
    ref_count, ref = connected_components(graph, directed=True, connection="weak")
    assert count == ref_count
    assert np.array_equal(labels, _canonical(ref))
    assert np.array_equal(labels, _canonical(labels))  # numbered by smallest vertex


def test_vertex_orbits_rejects_bad_input():
    with pytest.raises(GroupError):
        vertex_orbits(np.array([[0, 5]]))


# ---------------------------------------------------------------------- finite groups
CASES = [
    (lambda: meshes.sphere(3, base="octahedron"), "C4", None),
    (lambda: meshes.sphere(3, base="octahedron"), "Oh", None),
    (lambda: meshes.sphere(2, base="octahedron"), "Td", None),
    (lambda: meshes.sphere(1), "Ih", None),
    (lambda: meshes.sphere(1), "I", None),
    (lambda: meshes.torus(2, 8, triangulation="mirrored"), "signs2", None),
    (lambda: meshes.torus(2, 8, triangulation="mirrored"), "B2", None),
    (lambda: meshes.torus(2, 6), "S2", None),
    (lambda: meshes.torus(2, 8), "Z4", 2),
    (lambda: meshes.torus(3, 4, triangulation="mirrored"), "B3", None),
]


@pytest.mark.parametrize("make_mesh,spec,dim", CASES)
@pytest.mark.parametrize("lumped", [False, True])
def test_reduced_eigenvalues_are_the_invariant_spectrum(make_mesh, spec, dim, lumped):
    mesh = make_mesh()
    group = named(spec, dim=dim)
    q = quotient(mesh, group)
    got = reduced_spectrum(q, lumped)
    want = invariant_spectrum(mesh, group, lumped)
    assert got.size == want.size == q.n_orbits
    assert np.allclose(got, want, rtol=1e-8, atol=1e-8)


@pytest.mark.parametrize("make_mesh,spec,dim", CASES[:1] + CASES[3:4] + CASES[6:7] + CASES[9:])
def test_matrices_commute_with_generator_permutations(make_mesh, spec, dim):
    mesh = make_mesh()
    g = named(spec, dim=dim).extended(mesh.ambient_dim)
    K, M = laplacian(mesh)
    for gen in g.generators:
        p = vertex_permutation(mesh, gen)
        assert np.array_equal(p, naive_permutation(mesh, gen.linear, gen.translation))
        for A in (K, M):
            B = A[p][:, p]
            assert abs(B - A).max() < 1e-12 * abs(A).max()


def test_orbits_and_projection():
    mesh = meshes.sphere(1, base="octahedron")  # 18 vertices: 6 axis points, 12 edge midpoints
    q = quotient(mesh, named("Oh"))
    assert q.n_orbits == 2
    assert sorted(np.bincount(q.orbits).tolist()) == [6, 12]
    P = q.projection
    assert P.shape == (18, 2) and np.array_equal(P.toarray().sum(axis=1), np.ones(18))
    assert q.kind == "finite" and q.dimension == 2 and q.effective_order == 48
    assert q.volume == pytest.approx(mesh.volume / 48)
    assert q.kernel_order == 1
    assert json.loads(json.dumps(q.to_dict()))["n_orbits"] == 2
    # trivial group: one orbit per vertex
    q1 = quotient(mesh, named("C1"))
    assert q1.n_orbits == 18 and q1.effective_order == 1


def _ring(n=12):
    """A regular n-gon in the plane z = 0 of R^3 (a 1-manifold with ambient dimension 3)."""
    t = 2 * np.pi * np.arange(n) / n
    v = np.stack([np.cos(t), np.sin(t), np.zeros(n)], axis=1)
    s = np.stack([np.arange(n), (np.arange(n) + 1) % n], axis=1)
    return Mesh(v, s, name="ring")


def test_non_effective_action_counts_the_effective_order():
    # a polygon in the plane z = 0 of R^3: the mirror z -> -z fixes it pointwise
    ring = _ring(12)
    q = quotient(ring, named("C4h"))  # C4 about z with z -> -z: effective order 4
    assert q.kernel_order == 2 and q.effective_order == 4
    assert q.volume == pytest.approx(ring.volume / 4)
    assert q.n_orbits == 3


@pytest.mark.parametrize("spec,walls", [
    ("C4h", 0),     # C4 rotates the ring freely; z -> -z fixes it pointwise: a circle, no wall
    ("mirror", 0),  # acts trivially: the quotient is the ring itself
    ("D1", 2),      # the half-turn about x acts on the ring as y -> -y: an arc, 2 end points
    ("C1v", 2),     # the mirror y -> -y: the same arc
    ("C2v", 2),     # two mirrors: a quarter arc, 2 end points
])
def test_ring_walls_come_from_the_action_on_the_ring(spec, walls):
    # truth by hand: the orbit space of the 12-gon is a circle or an arc, and the boundary of
    # a 1-dimensional quotient is counted in points; the linear part in R^3 does not decide
    q = quotient(_ring(12), named(spec))
    assert q.boundary_volume() == walls


def test_lower_dimensional_group_is_extended():
    mesh = meshes.torus(3, 4)
    q = quotient(mesh, named("S2"))  # swaps x and y, identity on z
    assert q.effective_order == 2
    with pytest.raises(GroupError, match="R\\^3"):
        quotient(meshes.torus(2, 6), named("C4"))


# ---------------------------------------------------------------------- not invariant
def test_kuhn_torus_with_one_sign_flip_is_rejected():
    with pytest.raises(NotInvariantError, match="mirrored") as info:
        quotient(meshes.torus(2, 6), named("mirror", dim=2))
    assert "simplex" in str(info.value) and "mirror" in str(info.value)


def test_icosahedral_sphere_with_c4_is_rejected():
    with pytest.raises(NotInvariantError, match="octahedron") as info:
        quotient(meshes.sphere(1), named("C4"))
    assert "vertex" in str(info.value) and "C4" in str(info.value)


def test_octahedral_sphere_with_icosahedral_group_is_rejected():
    with pytest.raises(NotInvariantError, match="icosahedral"):
        quotient(meshes.sphere(1, base="octahedron"), named("I"))


def test_duplicate_simplex_is_named_not_a_stop_iteration():
    # an unchecked mesh listing edge (0, 1) twice: the half-turn maps every edge onto an edge,
    # but (6, 7) would need to appear twice too
    ring = _ring(12)
    doubled = Mesh(ring.vertices, np.concatenate([ring.simplices, ring.simplices[:1]]),
                   name="ring", check=False)
    with pytest.raises(NotInvariantError, match="more than once"):
        quotient(doubled, named("C2"))


def test_translation_must_map_the_grid():
    with pytest.raises(NotInvariantError, match="divisible"):
        quotient(meshes.torus(2, 8), named("Z3", dim=2))
    g = from_generators([np.eye(3)], [[0.5, 0.0, 0.0]])
    with pytest.raises(NotInvariantError, match="periodic"):
        quotient(meshes.sphere(1), g)


# ---------------------------------------------------------------------- continuous groups
def _low(q, k):
    return reduced_spectrum(q)[:k]


def test_sphere_by_axis_rotation_is_the_weighted_interval():
    mesh = meshes.sphere(2)
    exact = np.array([l * (l + 1) for l in range(6)], dtype=float)
    errs = []
    for n in (41, 81):
        q = quotient(mesh, named("SO(2)"), resolution=n)
        assert q.kind == "continuous" and q.dimension == 1 and q.n_orbits == n
        assert q.volume == pytest.approx(math.pi)
        lam = _low(q, 6)
        assert abs(lam[0]) < 1e-9
        errs.append(np.abs(lam[1:] - exact[1:]) / exact[1:])
    assert errs[1].max() < 5e-3
    ratio = errs[0] / errs[1]
    assert np.all((ratio > 3.0) & (ratio < 5.0))  # O(h^2)
    # the weight integrates to the area of the sphere (coarea)
    q = quotient(mesh, named("SO(2)"), resolution=41)
    _, M = q.laplacian()
    assert M.sum() == pytest.approx(4 * math.pi, rel=1e-6)


def test_three_sphere_by_axis_stabilizer():
    q = quotient(meshes.sphere3(0), named("SO(3)", dim=4), resolution=101)
    lam = _low(q, 5)
    exact = np.array([k * (k + 2) for k in range(5)], dtype=float)
    assert abs(lam[0]) < 1e-9
    assert np.allclose(lam[1:], exact[1:], rtol=2e-3)
    _, M = q.laplacian()
    assert M.sum() == pytest.approx(2 * math.pi ** 2, rel=1e-6)  # vol(S^3)


def test_torus_by_translations_is_the_exact_periodic_chain():
    mesh = meshes.torus(2, 8)
    q = quotient(mesh, named("T1", dim=2))
    assert q.dimension == 1 and q.n_orbits == 8
    assert q.volume == pytest.approx(2 * math.pi)
    lam = reduced_spectrum(q)
    h = 2 * math.pi / 8
    k = np.array([0, 1, 1, 2, 2, 3, 3, 4])
    exact = 6 / h ** 2 * (1 - np.cos(k * h)) / (2 + np.cos(k * h))  # P1, consistent mass
    assert np.allclose(lam, exact, rtol=1e-10, atol=1e-10)
    q = quotient(meshes.torus(2, 8), named("T1", dim=2), resolution=200)
    assert np.allclose(reduced_spectrum(q)[:5], [0, 1, 1, 4, 4], atol=2e-3)


def test_hopf_quotient_is_the_half_radius_sphere():
    q = quotient(meshes.sphere3(0), named("hopf"), resolution=3)
    assert q.dimension == 2 and q.volume == pytest.approx(math.pi)
    lam = _low(q, 9)
    exact = np.array([0] + [8] * 3 + [24] * 5, dtype=float)  # l(l+2), l = 0, 2, 4 = 4 j(j+1)
    assert abs(lam[0]) < 1e-9
    assert np.allclose(lam[1:], exact[1:], rtol=2e-2)
    _, M = q.laplacian()
    assert M.sum() == pytest.approx(2 * math.pi ** 2, rel=2e-2)  # vol(S^3) by the coarea formula


def test_disk_by_rotations_is_the_radial_interval():
    q = quotient(meshes.disk(2), named("SO(2)", dim=2), resolution=161)
    lam = _low(q, 3)
    exact = jn_zeros(1, 2) ** 2  # Neumann radial modes: zeros of J0' = -J1
    assert abs(lam[0]) < 1e-9
    assert np.allclose(lam[1:], exact, rtol=1e-3)


def test_transitive_rotation_gives_a_point():
    mesh = meshes.sphere(1)
    q = quotient(mesh, named("SO(3)"))
    K, M = q.laplacian()
    assert K.shape == M.shape == (1, 1)
    assert K.toarray()[0, 0] == 0 and M.toarray()[0, 0] == pytest.approx(mesh.volume)
    assert q.dimension == 0 and q.n_orbits == 1 and q.volume == 1.0


def test_unsupported_continuous_quotients_raise():
    with pytest.raises(GroupError, match="not supported"):
        quotient(meshes.torus(3, 4), named("SO(3)"))
    with pytest.raises(GroupError, match="flat torus"):
        quotient(meshes.sphere(1), named("T1", dim=3))
    with pytest.raises(GroupError):
        quotient(meshes.sphere(1), "C4")
