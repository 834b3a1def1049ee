"""Tests of the direct sphere quotient (weylgain.quotient_direct) and of the hashing kernels
behind the full-mesh route (weylgain._kernels.orbits).

Truth, never from the code under test: the reduced pencil of the full mesh built here by
brute force (every group element's vertex permutation by all-pairs nearest match, orbits by
scipy's connected components, P^T K P with weylgain.fem.laplacian); the exact invariant
counts of weylgain.exact (characters); the mesh generator's own vertices; pure-Python
enumerations of lattice triangles and of hash matches.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys

import numpy as np
import pytest
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components

import weylgain
from weylgain import meshes
from weylgain.cli import main
from weylgain.errors import (GroupError, MeshError, NotInvariantError, ParameterError,
                             ResourceError, SpecError)
from weylgain.exact import sphere_invariant_count
from weylgain.fem import laplacian
from weylgain.groups import AffineMap, FiniteGroup, from_generators, named
from weylgain.quotient import SphereQuotient, quotient, quotient_sphere, vertex_permutation
from weylgain.spectrum import counting_function


# ---------------------------------------------------------------------- references
def brute_force_pencil(mesh, group, lumped=False):
    """(P^T K P, P^T M P) and the orbit of every vertex, from all elements by all-pairs match."""
    v = mesh.vertices
    n = v.shape[0]
    lin, _ = group.extended(3).elements()
    rows, cols = [], []
    for a in lin:
        d = np.linalg.norm((v @ a.T)[:, None, :] - v[None, :, :], axis=2)
        j = d.argmin(axis=1)
        assert d[np.arange(n), j].max() < 1e-9
        rows.append(np.arange(n))
        cols.append(j)
    graph = sp.csr_matrix((np.ones(n * len(lin)), (np.concatenate(rows), np.concatenate(cols))),
                          shape=(n, n))
    n_orb, labels = connected_components(graph, directed=False)
    P = sp.csr_matrix((np.ones(n), (np.arange(n), labels)), shape=(n, n_orb))
    K, M = laplacian(mesh, lumped=lumped)
    return (P.T @ K @ P).toarray(), (P.T @ M @ P).toarray(), labels


def matched(q, mesh, labels):
    """The brute-force orbit of each direct orbit, by the nearest vertex of its point."""
    d = np.linalg.norm(q.orbit_points[:, None, :] - mesh.vertices[None, :, :], axis=2)
    assert d.min(axis=1).max() < 1e-12 * max(1.0, q.radius)
    return labels[d.argmin(axis=1)]


CASES = [("icosahedron", g) for g in ("I", "Ih", "T", "Th", "D2", "C2", "Ci", "Cs", "signs3")] + [
    ("octahedron", g) for g in ("O", "Oh", "Td", "T", "C4", "D4", "C4v", "D2h", "B3", "S3", "cyc3")]


# ---------------------------------------------------------------------- the pencil
@pytest.mark.parametrize("base,spec", CASES)
def test_direct_pencil_is_the_full_meshs_reduced_pencil(base, spec):
    group = named(spec)
    for k in ((0, 1, 2, 3) if group.order <= 8 else (0, 1, 2)):  # all-pairs truth: small
        mesh = meshes.sphere(k, base=base)
        q = quotient_sphere(k, group, base=base)
        for lumped in (False, True):
            Kf, Mf, labels = brute_force_pencil(mesh, group, lumped=lumped)
            perm = matched(q, mesh, labels)
            assert q.n_orbits == Kf.shape[0] == np.unique(perm).size
            K, M = q.laplacian(lumped=lumped)
            Kf, Mf = Kf[np.ix_(perm, perm)], Mf[np.ix_(perm, perm)]
            assert np.abs(K.toarray() - Kf).max() <= 1e-13 * max(1.0, np.abs(Kf).max())
            assert np.abs(M.toarray() - Mf).max() <= 1e-13 * np.abs(Mf).max()
        assert q.n_vertices == mesh.n_vertices and q.n_simplices == mesh.n_simplices
        assert q.mesh_volume == pytest.approx(mesh.volume, rel=1e-13)
        assert q.volume == pytest.approx(mesh.volume / group.order, rel=1e-13)
        assert q.mean_edge_length() == pytest.approx(mesh.mean_edge_length(), rel=1e-13)


def test_radius_scales_mass_only_and_spec_route_equals_function():
    g = named("Oh")
    q1 = quotient_sphere(3, g, base="octahedron")
    q2 = quotient("sphere:3:octahedron:2.5", g)
    assert isinstance(q2, SphereQuotient) and q2.radius == 2.5
    K1, M1 = q1.laplacian()
    K2, M2 = q2.laplacian()
    assert np.abs((K1 - K2).toarray()).max() < 1e-13
    assert np.abs((6.25 * M1 - M2).toarray()).max() < 1e-13 * np.abs(M2.toarray()).max()
    assert q2.orbit_points == pytest.approx(2.5 * q1.orbit_points, abs=1e-14)


@pytest.mark.parametrize("base,spec", [("icosahedron", "Ih"), ("icosahedron", "Th"),
                                       ("octahedron", "Oh"), ("octahedron", "C4v"),
                                       ("octahedron", "D4h")])
def test_boundary_volume_equals_the_full_route_and_tends_to_the_mirror_circles(base, spec):
    g = named(spec)
    mesh = meshes.sphere(4, base=base)
    q = quotient_sphere(4, g, base=base)
    assert q.boundary_volume() == pytest.approx(quotient(mesh, g).boundary_volume(), rel=1e-12)
    # smooth truth: every mirror meets S^2 in a great circle of length 2 pi; the walls of
    # S^2/G have length 2 * (number of mirrors) * 2 pi / |G|; chords are shorter than arcs
    mirrors = len(g.reflections())
    smooth = 2 * mirrors * 2 * math.pi / g.order
    assert 0.99 * smooth < q.boundary_volume() <= smooth * (1 + 1e-12)


@pytest.mark.parametrize("base,spec,k", [("icosahedron", "I", 5), ("icosahedron", "Ih", 5),
                                         ("icosahedron", "D2", 4), ("octahedron", "O", 5),
                                         ("octahedron", "Td", 5)])
def test_counts_equal_the_exact_invariant_counts(base, spec, k):
    g = named(spec)
    q = quotient_sphere(k, g, base=base)
    lams = [16.0, 36.0, 100.0] + ([196.0] if k == 5 else [])  # (L+1)^2: between clusters
    counts = counting_function(*q.laplacian(), lams)
    assert list(counts) == [sphere_invariant_count(g, lam) for lam in lams]


# ---------------------------------------------------------------------- refusals
def test_bad_inputs_are_refused_with_weylgains_errors(monkeypatch):
    g = named("I")
    with pytest.raises(GroupError, match="needs a FiniteGroup"):
        quotient_sphere(3, "I")
    with pytest.raises(GroupError, match="continuous group"):
        quotient_sphere(3, named("SO(2)"))
    with pytest.raises(NotInvariantError, match="not invariant under C5"):
        quotient_sphere(3, named("C5"))  # C5 about z is no symmetry of the icosahedron
    with pytest.raises(NotInvariantError, match="order 48"):
        quotient_sphere(3, named("I"), base="octahedron")
    with pytest.raises(NotInvariantError, match="translates"):
        quotient_sphere(2, FiniteGroup("shift", (AffineMap(np.eye(3), [0.5, 0, 0]),), 3))
    with pytest.raises(GroupError, match="R\\^4"):
        quotient_sphere(2, named("S4", dim=4))
    with pytest.raises(NotInvariantError, match="more than 120"):
        quotient_sphere(2, from_generators([np.diag([1.0, 1.0, -1.0]),
                                            _rotation_z(2 * math.pi / 200)]))
    with pytest.raises(MeshError, match="subdivisions"):
        quotient_sphere(-1, g)
    with pytest.raises(MeshError, match="subdivisions"):
        quotient_sphere(2.5, g)
    with pytest.raises(MeshError, match="radius"):
        quotient_sphere(2, g, radius=float("nan"))
    with pytest.raises(MeshError, match="base"):
        quotient_sphere(2, g, base="cube")
    with pytest.raises(ResourceError, match="lower level"):
        quotient_sphere(40, g)
    q = quotient_sphere(2, g)
    with pytest.raises(ParameterError, match="density"):
        q.laplacian(density=np.ones(3))
    with pytest.raises(ParameterError, match="lumped"):
        q.laplacian(lumped="no")
    with pytest.raises(SpecError):
        quotient("sphere:x", g)
    with pytest.raises(GroupError, match="needs a weylgain.Mesh"):
        quotient(np.zeros((3, 3)), g)
    # memory: refused before anything is allocated
    monkeypatch.setenv("WEYLGAIN_MEMORY_LIMIT", "1M")
    with pytest.raises(ResourceError, match="direct quotient sphere:9/I"):
        quotient_sphere(9, g)
    with pytest.raises(ResourceError):
        quotient("sphere:9", g)


def _rotation_z(angle):
    c, s = math.cos(angle), math.sin(angle)
    return np.array([[c, -s, 0.0], [s, c, 0.0], [0.0, 0.0, 1.0]])


def test_nothing_passed_in_is_modified():
    g = named("Ih")
    gens_before = [a.linear.copy() for a in g.generators]
    q = quotient_sphere(2, g)
    K, M = q.laplacian()
    K.data[:] = 0.0  # the caller's copy: the quotient's pencil is unchanged
    K2, _ = q.laplacian()
    assert np.abs(K2.data).max() > 0
    assert all(np.array_equal(a.linear, b) for a, b in zip(g.generators, gens_before))


# ---------------------------------------------------------------------- kernels vs naive
def test_face_positions_are_the_generators_vertices():
    from weylgain._kernels.sphere_quotient import face_positions

    for base in ("icosahedron", "octahedron"):
        mesh = meshes.sphere(3, base=base)
        from weylgain.quotient_direct import _base

        v, f = _base(base)
        pts = face_positions(np.ascontiguousarray(v[f[0]]), 3)
        assert pts.shape == (45, 3)  # (8 + 1)(8 + 2)/2 lattice points
        d = np.linalg.norm(pts[:, None, :] - mesh.vertices[None, :, :], axis=2)
        assert d.min(axis=1).max() == 0.0  # the same recursion, the same floating point


def naive_canonical(n, perms):
    """All N^2 triangles of a face, grouped into orbits under the corner permutations."""
    tris = set()
    for i in range(n):
        for j in range(n - i):
            tris.add(frozenset([(i, j), (i + 1, j), (i, j + 1)]))
            if i + j <= n - 2:
                tris.add(frozenset([(i + 1, j), (i + 1, j + 1), (i, j + 1)]))

    def image(t, p):
        out = set()
        for i, j in t:
            w = [n - i - j, i, j]
            v = [0, 0, 0]
            for a in range(3):
                v[p[a]] = w[a]
            out.add((v[1], v[2]))
        return frozenset(out)

    orbits = {frozenset(image(t, p) for p in perms) for t in tris}
    return len(tris), sorted(len(o) for o in orbits)


@pytest.mark.parametrize("perms", [[(0, 1, 2)], [(0, 1, 2), (0, 2, 1)],
                                   [(0, 1, 2), (1, 2, 0), (2, 0, 1)],
                                   [(0, 1, 2), (1, 2, 0), (2, 0, 1), (0, 2, 1), (2, 1, 0),
                                    (1, 0, 2)]])
def test_canonical_triangles_against_enumeration(perms):
    from weylgain._kernels.sphere_quotient import _index, canonical_triangles

    for n in (1, 2, 4, 8):
        total, sizes = naive_canonical(n, perms)
        cp = np.array(perms, dtype=np.int64)
        tri, mult = canonical_triangles(n, 1, cp, np.array([0, len(perms)], dtype=np.int64),
                                        n * n + 2 * n + 2)
        assert int(mult.sum()) == total == n * n
        assert sorted(mult.tolist()) == sizes
        pts = {_index(i, j, n): (i, j) for i in range(n + 1) for j in range(n + 1 - i)}
        assert all(len({pts[x] for x in row}) == 3 for row in tri.tolist())


def test_lattice_orbits_against_brute_force_orbits():
    from weylgain.quotient_direct import _action, _base, _group_elements
    from weylgain._kernels.sphere_quotient import face_positions, lattice_orbits

    for base, spec in (("icosahedron", "T"), ("octahedron", "C4v"), ("icosahedron", "Ih")):
        g = named(spec)
        act = _action(_group_elements(g, base), base, spec)
        k, n = 2, 4
        labels, first = lattice_orbits(n, int(act.reps.size), act.gen_perms, act.gen_face,
                                       act.edge_links)
        pos = np.concatenate([face_positions(act.corners[i], k) for i in range(act.reps.size)])
        _, _, full = brute_force_pencil(meshes.sphere(k, base=base), g)
        mesh = meshes.sphere(k, base=base)
        d = np.linalg.norm(pos[:, None, :] - mesh.vertices[None, :, :], axis=2)
        brute = full[d.argmin(axis=1)]
        # the same partition of the lattice points
        pairs = set(zip(labels.tolist(), brute.tolist()))
        assert len(pairs) == first.size == np.unique(brute).size == np.unique(full).size


def test_match_points_against_brute_force_with_periodic_axes():
    from weylgain._kernels.orbits import hash_points, match_points

    rng = np.random.default_rng(3)
    per = np.array([2.0, 0.0, 1.5])  # axes 0 and 2 periodic
    pts = rng.random((400, 3)) * np.array([2.0, 1.0, 1.5])
    cell = np.array([2.0 / 20, 0.05, 1.5 / 15])
    ncell = np.array([20, 0, 15], dtype=np.int64)
    head, nxt = hash_points(pts, cell, ncell, 10)
    lin = np.array([[0.0, 0.0, 1.0], [0.0, 1.0, 0.0], [1.0, 0.0, 0.0]])  # swap x, z
    shift = np.array([0.3, 0.0, 0.7])
    idx, dist = match_points(pts, head, nxt, cell, ncell, per, lin, shift, 0.02)
    img = pts @ lin.T + shift
    for k in range(pts.shape[0]):
        dd = img[k] - pts
        for a in (0, 2):
            y = img[k, a] % per[a]
            dd[:, a] = y - pts[:, a]
            dd[:, a] -= per[a] * np.round(dd[:, a] / per[a])
        r = np.linalg.norm(dd, axis=1)
        j = int(r.argmin())
        if r[j] <= 0.02:
            assert idx[k] == j and dist[k] == pytest.approx(r[j], abs=1e-12)
        else:
            assert idx[k] == -1
    # an exact image set: each point's image under the identity is itself
    idx, dist = match_points(pts, head, nxt, cell, ncell, per, np.eye(3), np.zeros(3), 1e-9)
    assert np.array_equal(idx, np.arange(400))


def test_vertex_permutation_is_the_brute_force_match():
    cases = [(meshes.sphere(2), named("Ih")),
             (meshes.sphere(2, base="octahedron"), named("Oh")),
             (meshes.torus(2, 8, triangulation="mirrored"), named("B2")),
             (meshes.torus(3, 4), named("Z4:1", dim=3))]
    for mesh, g in cases:
        gx = g.extended(mesh.ambient_dim)
        lin, tr = gx.elements()
        for a, t in zip(lin, tr):
            perm = vertex_permutation(mesh, AffineMap(a, t))
            y = mesh.vertices @ a.T
            if mesh.is_periodic:
                y = y + t * mesh.period
            d = mesh.wrap_difference(y[:, None, :] - mesh.vertices[None, :, :])
            assert np.array_equal(perm, np.sqrt((d * d).sum(axis=2)).argmin(axis=1))


def test_simplex_check_catches_what_the_vertices_miss():
    from weylgain._kernels.orbits import first_unmapped_simplex, simplex_table

    # the Kuhn torus: a sign flip maps vertices onto vertices but not triangles
    with pytest.raises(NotInvariantError, match="not a simplex of the mesh"):
        quotient(meshes.torus(2, 6), named("signs2"))
    s = np.sort(np.array([[0, 1, 2], [1, 2, 3], [1, 2, 3]], dtype=np.int64), axis=1)
    table, count = simplex_table(s, 4)
    assert count.tolist() == [1, 2, 0]
    assert first_unmapped_simplex(s, table, count, np.arange(4)) == (-1, 0)
    # 0 <-> 3: [0,1,2] -> [1,2,3] exceeds that row's multiplicity
    assert first_unmapped_simplex(s, table, count, np.array([3, 1, 2, 0]))[1] == 1
    # 0 -> 4: no such simplex
    s5 = np.vstack([s, [[2, 3, 4]]])
    t5, c5 = simplex_table(s5, 4)
    assert first_unmapped_simplex(s5, t5, c5, np.array([4, 1, 2, 3, 0])) == (0, 0)


def test_min_edge_length_against_numpy():
    from weylgain._kernels.orbits import min_edge_length

    for mesh in (meshes.sphere(2), meshes.torus(2, 5)):
        per = np.where(np.isfinite(mesh.period), mesh.period, 0.0) if mesh.is_periodic else \
            np.zeros(mesh.ambient_dim)
        assert min_edge_length(mesh.vertices, mesh.simplices, per) == pytest.approx(
            mesh.edge_lengths().min(), rel=1e-14)


# ---------------------------------------------------------------------- command line
def test_cli_count_on_a_sphere_takes_the_direct_route(capsys):
    assert main(["count", "--mesh", "sphere:4", "--group", "I", "--lam", "36", "--lam", "100",
                 "--json", "--no-progress"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["quotient_route"] == "direct"
    assert out["count"] == [sphere_invariant_count(named("I"), lam) for lam in (36.0, 100.0)]
    full = quotient(meshes.sphere(4), named("I"))
    assert out["n_orbits"] == full.n_orbits and out["n_vertices"] == 2562
    assert out["quotient_volume"] == pytest.approx(full.volume, rel=1e-12)
    assert out["mean_edge"] == pytest.approx(full.mean_edge_length(), rel=1e-12)
    assert out["quotient_boundary_volume"] == pytest.approx(full.boundary_volume(), rel=1e-12)


@pytest.mark.slow
def test_memory_estimate_bounds_the_measured_peak():
    # the kernels compiled and cached first, in a process of their own: the bound is on the
    # work's memory, not on LLVM's while it compiles
    warm = subprocess.run([sys.executable, "-c", "from weylgain.groups import named\n"
                           "from weylgain.quotient_direct import quotient_sphere\n"
                           "quotient_sphere(9, named('C2')).laplacian()\n"],
                          capture_output=True, text=True, timeout=600)
    assert warm.returncode == 0, warm.stderr
    # the peak is VmHWM after resetting it (clear_refs 5), not ru_maxrss: a child started by
    # vfork + exec inherits its parent's ru_maxrss (the test process's own peak)
    code = (
        "import psutil\n"
        "from weylgain.groups import named\n"
        "from weylgain.quotient_direct import quotient_sphere, direct_quotient_memory\n"
        "quotient_sphere(1, named('C2')).laplacian()\n"
        "r0 = psutil.Process().memory_info().rss\n"
        "open('/proc/self/clear_refs', 'w').write('5')\n"
        "q = quotient_sphere(9, named('C2')); q.laplacian()\n"
        "peak = next(int(l.split()[1]) * 1024 for l in open('/proc/self/status')\n"
        "            if l.startswith('VmHWM'))\n"
        "print(peak - r0, direct_quotient_memory(9, 2, 10, 1))\n")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=600)
    assert run.returncode == 0, run.stderr
    measured, estimate = map(float, run.stdout.split())
    assert 0.25 * estimate <= measured <= estimate


def test_flat_api_is_unchanged():
    assert weylgain.quotient is quotient
