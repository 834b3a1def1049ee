"""The direct torus quotient (weylgain.quotient_torus): the same pencil as the full-mesh
quotient, counts equal to the exact lattice counts, bad input refused."""

from __future__ import annotations

import json

import numpy as np
import pytest
import scipy.linalg as sla

from weylgain import exact, meshes
from weylgain.errors import GroupError, MeshError, NotInvariantError, ParameterError
from weylgain.groups import AffineMap, FiniteGroup, named
from weylgain.quotient import quotient
from weylgain.quotient_torus import TorusQuotient, quotient_torus, torus_quotient_memory
from weylgain.spectrum import count_eigenvalues

I2 = np.eye(2)
ROT = np.array([[0.0, -1.0], [1.0, 0.0]])


def _group(name, *maps):
    return FiniteGroup(name, tuple(AffineMap(np.asarray(a, float), np.asarray(t, float))
                                   for a, t in maps), len(maps[0][1]))


C4 = _group("C4", (ROT, [0, 0]))
HALVES = _group("halves", (I2, [0.5, 0]), (I2, [0, 0.5]))
GLIDE = _group("glide", (np.diag([-1.0, 1.0]), [0, 0.5]))
C4_QUARTERS = _group("C4+quarters", (ROT, [0, 0]), (I2, [0.25, 0.25]))

# (dim, n, group, triangulation, lengths)
CASES = [
    (2, 8, named("B2"), "mirrored", 2 * np.pi),
    (2, 8, C4, "mirrored", 2 * np.pi),
    (2, 9, named("S2"), "kuhn", 2 * np.pi),
    (2, 8, HALVES, "kuhn", [1.0, 2.5]),
    (2, 8, GLIDE, "mirrored", [2.0, 3.0]),
    (2, 8, C4_QUARTERS, "mirrored", 2 * np.pi),
    (3, 6, named("S3"), "kuhn", 2 * np.pi),
    (3, 4, named("B3"), "mirrored", 2 * np.pi),
    (4, 4, named("S4"), "kuhn", 2 * np.pi),
    (1, 7, named("Z7"), "kuhn", 2 * np.pi),
]


def _ids(case):
    return f"T{case[0]}:{case[1]}:{case[3]}/{case[2].name}"


def _permuted_full(q: TorusQuotient, Q, lumped: bool):
    """The full-mesh route's pencil, its orbits put in the direct route's order."""
    h = q.lengths / q.n
    idx = np.ravel_multi_index(tuple(np.rint(q.orbit_points / h).astype(int).T),
                               (q.n,) * q.dim)
    perm = Q.orbits[idx]
    assert np.array_equal(np.sort(perm), np.arange(Q.n_orbits))  # one vertex per orbit
    K, M = Q.laplacian(lumped)
    return K.toarray()[np.ix_(perm, perm)], M.toarray()[np.ix_(perm, perm)]


@pytest.mark.parametrize("case", CASES, ids=[_ids(c) for c in CASES])
def test_same_pencil_as_the_full_mesh_quotient(case):
    dim, n, group, tri, length = case
    q = quotient_torus(dim, n, group, length=length, triangulation=tri)
    mesh = meshes.torus(dim, n, length=length, triangulation=tri)
    Q = quotient(mesh, group)
    assert q.n_orbits == Q.n_orbits
    assert q.n_vertices == mesh.n_vertices and q.n_simplices == mesh.n_simplices
    assert q.effective_order == Q.effective_order and q.kernel_order == Q.kernel_order
    assert q.volume == pytest.approx(Q.volume, rel=1e-12)
    assert q.mean_edge_length() == pytest.approx(mesh.mean_edge_length(), rel=1e-12)
    assert q.boundary_volume() == pytest.approx(Q.boundary_volume(), rel=1e-12, abs=1e-12)
    # orbit sizes from Burnside's side: they sum to the vertex count
    assert int(q.orbit_sizes.sum()) == mesh.n_vertices
    for lumped in (False, True):
        K, M = q.laplacian(lumped)
        K0, M0 = _permuted_full(q, Q, lumped)
        scale = np.abs(K0).max()
        assert np.abs(K.toarray() - K0).max() <= 1e-12 * scale
        assert np.abs(M.toarray() - M0).max() <= 1e-12 * np.abs(M0).max()
        assert (K != K.T).nnz == 0 and (M != M.T).nnz == 0  # exactly symmetric


def test_orbits_against_brute_force_enumeration():
    """Orbit representatives and sizes against the orbits of every vertex under every
    element, enumerated by hand on the integer grid."""
    n = 6
    q = quotient_torus(2, n, named("B2"), triangulation="mirrored")
    pts = {(i, j) for i in range(n) for j in range(n)}
    mats = [np.array(m) for m in ([[1, 0], [0, 1]], [[-1, 0], [0, 1]], [[1, 0], [0, -1]],
                                  [[-1, 0], [0, -1]], [[0, 1], [1, 0]], [[0, -1], [1, 0]],
                                  [[0, 1], [-1, 0]], [[0, -1], [-1, 0]])]
    orbits = []
    while pts:
        p = min(pts, key=lambda t: t[0] * n + t[1])
        orb = {tuple(int(x) for x in (a @ np.array(p)) % n) for a in mats}
        orbits.append((p[0] * n + p[1], len(orb)))
        pts -= orb
    h = q.lengths / n
    reps = np.ravel_multi_index(tuple(np.rint(q.orbit_points / h).astype(int).T), (n, n))
    assert sorted(orbits) == sorted(zip(reps.tolist(), q.orbit_sizes.tolist()))


def test_counts_equal_the_exact_lattice_counts():
    """N_G(lam) of the reduced pencil against the exact orbit count of lattice modes (a
    fine mesh at small lam: FEM eigenvalues are upper bounds that converge from above)."""
    g = named("B2")
    q = quotient_torus(2, 64, g, triangulation="mirrored")
    K, M = q.laplacian()
    for lam in (4.5, 12.5, 20.5):  # between the lattice eigenvalues |k|^2
        assert count_eigenvalues(K, M, lam) == exact.torus_invariant_count(g, lam)
    t = HALVES
    q = quotient_torus(2, 48, t)
    K, M = q.laplacian()
    for lam in (4.5, 16.5):
        assert count_eigenvalues(K, M, lam) == exact.torus_invariant_count(t, lam)


def test_memory_scales_with_orbits_and_to_dict():
    q = quotient_torus(2, 16, named("B2"), triangulation="mirrored")
    d = json.loads(json.dumps(q.to_dict()))
    assert d["n_orbits"] == q.n_orbits and d["route"] == "direct"
    assert d["mesh"] == "torus:2:16:mirrored"
    assert torus_quotient_memory(2, 1024, 8) < torus_quotient_memory(2, 1024, 1) / 6
    assert q.full_mesh().n_vertices == 256
    assert "TorusQuotient" in repr(q)


@pytest.mark.parametrize("call, error, words", [
    (lambda: quotient_torus(2, 8, C4, triangulation="kuhn"), NotInvariantError,
     "not invariant"),
    (lambda: quotient_torus(2, 9, HALVES), NotInvariantError, "grid steps"),
    (lambda: quotient_torus(2, 8, C4, length=[1.0, 2.0], triangulation="mirrored"),
     NotInvariantError, "different lengths"),
    (lambda: quotient_torus(2, 8, _group("rot60", ([[0.5, -0.75 ** 0.5],
                                                      [0.75 ** 0.5, 0.5]], [0, 0]))),
     NotInvariantError, "signed permutation"),
    (lambda: quotient_torus(2, 8, named("Oh")), GroupError, r"R\^3"),
    (lambda: quotient_torus(2, 8, named("SO(2)")), GroupError, "FiniteGroup"),
    (lambda: quotient_torus(2, 7, named("B2"), triangulation="mirrored"), MeshError, "even"),
    (lambda: quotient_torus(2, 2, named("B2")), MeshError, "at least 3"),
    (lambda: quotient_torus(5, 4, named("S2")), MeshError, "1 to 4"),
    (lambda: quotient_torus(2, 8, named("S2"), triangulation="hex"), MeshError,
     "triangulation"),
    (lambda: quotient_torus(2, 8, named("S2")).laplacian(density=lambda x: 1.0),
     ParameterError, "density"),
    (lambda: quotient_torus(2, 8, named("S2")).laplacian(lumped="yes"), ParameterError,
     "lumped"),
])
def test_bad_input_is_refused(call, error, words):
    with pytest.raises(error, match=words):
        call()


def test_refuses_what_cannot_fit():
    from weylgain.errors import ResourceError

    with pytest.raises(ResourceError):
        quotient_torus(4, 4000, named("S2"))


def test_counts_know_their_resolution():
    """The counter asks the quotient for h (the full mesh's mean edge) like any mesh."""
    q = quotient_torus(2, 64, named("B2"), triangulation="mirrored")
    r = count_eigenvalues(*q.laplacian(), 20.5, mesh=q, return_info=True)
    assert r.mean_edge == pytest.approx(meshes.torus(2, 64, triangulation="mirrored")
                                        .mean_edge_length(), rel=1e-12)
    assert r.resolved is True
    assert r.count == exact.torus_invariant_count(named("B2"), 20.5)
