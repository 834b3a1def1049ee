"""The Mesh type: validation with clear errors, geometry, immutability."""

import math
import warnings

import numpy as np
import pytest

from weylgain import Mesh, MeshError, meshes
from weylgain.errors import MeshWarning
from weylgain.mesh import _unique_rows

SQUARE_V = np.array([[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 1.0]])
SQUARE_T = np.array([[0, 1, 2], [0, 2, 3]])


def test_basic_geometry_of_a_square():
    m = Mesh(SQUARE_V, SQUARE_T, name="square")
    assert (m.dim, m.ambient_dim, m.n_vertices, m.n_simplices) == (2, 2, 4, 2)
    assert m.volume == pytest.approx(1.0)
    assert m.boundary_volume() == pytest.approx(4.0)
    assert not m.is_closed
    assert m.h == pytest.approx(math.sqrt(2))
    assert m.edges().tolist() == [[0, 1], [0, 2], [0, 3], [1, 2], [2, 3]]
    assert "square" in repr(m)


def test_inputs_are_copied_and_results_read_only():
    v = SQUARE_V.copy()
    t = SQUARE_T.astype(np.int32)
    m = Mesh(v, t)
    v[0, 0] = 99.0
    assert m.vertices[0, 0] == 0.0
    assert m.simplices.dtype == np.int64 and m.vertices.dtype == np.float64
    with pytest.raises(ValueError):
        m.vertices[0, 0] = 1.0


def test_flat_torus_uses_minimum_image_edges():
    # a 3x3 periodic grid of the unit torus, two triangles per cell
    n = 3
    ij = np.array([(i, j) for i in range(n) for j in range(n)])
    v = ij / n
    idx = lambda i, j: (i % n) * n + (j % n)
    tris = []
    for i in range(n):
        for j in range(n):
            tris.append([idx(i, j), idx(i + 1, j), idx(i + 1, j + 1)])
            tris.append([idx(i, j), idx(i + 1, j + 1), idx(i, j + 1)])
    m = Mesh(v, np.array(tris), period=1.0)
    assert m.is_periodic and m.is_closed
    assert m.volume == pytest.approx(1.0)
    assert np.abs(m.edge_vectors()).max() <= 1 / n + 1e-12


@pytest.mark.parametrize("vertices, simplices, match", [
    (np.array([[0.0, np.nan], [1, 0], [0, 1]]), np.array([[0, 1, 2]]), "non-finite"),
    (np.array([[0.0, np.inf], [1, 0], [0, 1]]), np.array([[0, 1, 2]]), "non-finite"),
    (SQUARE_V, np.array([[0, 1, 4]]), "outside"),
    (SQUARE_V, np.array([[0, 1, -1]]), "outside"),
    (SQUARE_V[:3], np.array([[0, 1, 1]]), "repeats"),
    (np.array([[0.0, 0], [1, 0], [2, 0]]), np.array([[0, 1, 2]]), "degenerate"),
    (SQUARE_V, np.array([[0, 1, 2]]), "belongs to no simplex"),
    (SQUARE_V, SQUARE_T.astype(float), "integer"),
    (SQUARE_V.astype(complex), SQUARE_T, "real numeric"),
    (SQUARE_V.ravel(), SQUARE_T, "shape"),
    (SQUARE_V, SQUARE_T.ravel(), "shape"),
    (SQUARE_V, np.array([[0, 1, 2, 3, 0, 1]]), "2 to 5 vertices"),
    (np.zeros((4, 1)), np.array([[0, 1, 2]]), "cannot be embedded"),
])
def test_validation_errors_say_what_is_wrong(vertices, simplices, match):
    with pytest.raises(MeshError, match=match):
        Mesh(vertices, simplices)


def test_non_manifold_facet_is_rejected():
    # three triangles sharing the edge (0, 1): a "book" with three pages
    v = np.array([[0.0, 0, 0], [1, 0, 0], [0, 1, 0], [0, -1, 0], [0, 0, 1]])
    t = np.array([[0, 1, 2], [0, 1, 3], [0, 1, 4]])
    with pytest.raises(MeshError, match="shared by 3 simplices"):
        Mesh(v, t)


def test_half_period_simplices_are_ambiguous():
    v = np.array([[0.0, 0.0], [0.5, 0.0], [0.0, 0.3]])
    with pytest.raises(MeshError, match="half a period"):
        Mesh(v, np.array([[0, 1, 2]]), period=1.0)
    with pytest.raises(MeshError, match="period"):
        Mesh(v, np.array([[0, 1, 2]]), period=[1.0, -1.0])


def test_unique_rows_matches_numpy():
    rng = np.random.default_rng(0)
    for hi, width in ((30, 3), (2**40, 3)):  # packed keys, and the lexsort path
        rows = rng.integers(0, min(hi, 40), (500, width)) * (hi // 40 if hi > 40 else 1)
        a, c = _unique_rows(rows)
        b, d = np.unique(rows, axis=0, return_counts=True)
        assert np.array_equal(a, b) and np.array_equal(c, d)


def test_renumbered_keeps_geometry():
    m = Mesh(SQUARE_V, SQUARE_T)
    r = m.renumbered(np.array([3, 2, 1, 0]))
    assert r.volume == pytest.approx(m.volume)
    assert np.array_equal(r.vertices[0], m.vertices[3])
    with pytest.raises(MeshError, match="permutation"):
        m.renumbered(np.array([0, 0, 1, 2]))


# ====================================================================== accurate volumes, scales
def test_sliver_volume_keeps_full_relative_accuracy():
    # area 0.5 * 1e-9 exactly up to rounding of the inputs; the Gram determinant
    # |e1|^2 |e2|^2 - (e1.e2)^2 would cancel to a few digits at best
    h = 1e-9
    m = Mesh(np.array([[0.0, 0.0], [1.0, 0.0], [0.5, h]]), np.array([[0, 1, 2]]))
    assert m.simplex_volumes()[0] == pytest.approx(0.5 * h, rel=1e-12)
    m3 = Mesh(np.array([[0.0, 0.0, 0.0], [1.0, 0.0, 0.0], [0.5, h, 0.0]]), np.array([[0, 1, 2]]))
    assert m3.simplex_volumes()[0] == pytest.approx(0.5 * h, rel=1e-12)
    assert m.relative_volumes()[0] == pytest.approx(h / 1.0, rel=1e-9)


@pytest.mark.parametrize("factor", [1e-140, 1e-100, 1e78, 1e140])
def test_well_shaped_triangles_at_extreme_scales_are_accepted(factor):
    v = np.array([[0.0, 0.0, 0.0], [1.0, 0.0, 0.0], [0.5, 0.8, 0.1]])
    m = Mesh(v * factor, np.array([[0, 1, 2]]))
    ref = 0.5 * np.linalg.norm(np.cross(v[1] - v[0], v[2] - v[0]))
    assert m.volume == pytest.approx(ref * factor**2, rel=1e-14)
    assert m.h == pytest.approx(factor, rel=1e-14)  # the edge (0,0,0)-(1,0,0)


@pytest.mark.parametrize("D,k", [(3, 2), (4, 2), (4, 3), (5, 4), (9, 4)])
def test_volumes_match_the_gram_determinant_on_random_simplices(D, k):
    rng = np.random.default_rng(D * 10 + k)
    v = rng.standard_normal((k + 1, D))
    e = v[1:] - v[0]
    ref = np.sqrt(np.linalg.det(e @ e.T)) / math.factorial(k)
    m = Mesh(v, np.arange(k + 1)[None, :])
    assert m.simplex_volumes()[0] == pytest.approx(ref, rel=1e-12)


def test_index_range_is_checked_even_without_validation():
    with pytest.raises(MeshError, match="outside"):
        Mesh(SQUARE_V, np.array([[0, 1, 2], [0, 2, 99]]), check=False)


# ====================================================================== seams and pinches
def _pinched_brute_force(simplices, n):
    """Vertices whose star is disconnected, by breadth-first search over shared facets."""
    out = []
    for vtx in range(n):
        star = [tuple(s) for s in simplices if vtx in s]
        if not star:
            continue
        seen, todo = {star[0]}, [star[0]]
        while todo:
            a = todo.pop()
            for b in star:
                if b not in seen and len(set(a) & set(b)) == len(a) - 1:
                    seen.add(b)
                    todo.append(b)
        if len(seen) < len(star):
            out.append(vtx)
    return out


def test_pinched_vertices_match_a_brute_force_search():
    from weylgain.mesh import pinched_vertices

    rng = np.random.default_rng(3)
    base = meshes.sphere(1)
    for trial in range(6):
        # glue two copies of the sphere at 1 to 3 vertices: those become bowties
        v = np.vstack([base.vertices, base.vertices + [3.0, 0, 0]])
        s = np.vstack([base.simplices, base.simplices + base.n_vertices])
        glue = rng.choice(base.n_vertices, size=trial % 3 + 1, replace=False)
        s2 = s.copy()
        mask = np.isin(s2, glue + base.n_vertices) & (np.arange(s2.shape[0]) >= len(
            base.simplices))[:, None]
        s2[mask] -= base.n_vertices
        used = np.unique(s2)
        inv = np.full(v.shape[0], -1)
        inv[used] = np.arange(used.size)
        with pytest.warns(MeshWarning, match="pinched"):
            m = Mesh(v[used], inv[s2])
        got, sheets = pinched_vertices(m)
        assert got.tolist() == _pinched_brute_force(m.simplices.tolist(), m.n_vertices)
        assert (sheets == 2).all()


def test_bowtie_warns_and_split_pinched_separates_the_sheets():
    from weylgain.mesh import split_pinched

    v = np.array([[0, 0], [1, 0], [0, 1], [-1, 0], [0, -1]], float)
    t = np.array([[0, 1, 2], [0, 3, 4]])
    with pytest.warns(MeshWarning, match="split_pinched"):
        m = Mesh(v, t)
    with warnings.catch_warnings():
        warnings.simplefilter("error", MeshWarning)
        sp = split_pinched(m)
    assert sp.n_vertices == 6 and sp.volume == pytest.approx(m.volume)
    # two separate triangles: the zero eigenvalue is double
    import weylgain as wg

    K, M = wg.laplacian(sp)
    assert wg.count_eigenvalues(K, M, 1e-8) == 2


def test_unwelded_seam_warns_and_weld_restores_the_closed_sphere():
    from weylgain.mesh import weld

    s = meshes.sphere(2)
    # cut the sphere along the great circle y = 0: vertices on it are duplicated for y > 0
    on = np.flatnonzero(np.abs(s.vertices[:, 1]) < 1e-12)
    copy = {int(i): s.n_vertices + j for j, i in enumerate(on)}
    upper = s.vertices[s.simplices][:, :, 1].sum(axis=1) > 0
    t = s.simplices.copy()
    for r in np.flatnonzero(upper):
        t[r] = [copy.get(int(i), int(i)) for i in t[r]]
    v = np.vstack([s.vertices, s.vertices[on]])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        cut = Mesh(v, t)
    assert any("weylgain.mesh.weld" in str(w.message) for w in caught)
    assert not cut.is_closed
    with warnings.catch_warnings():
        warnings.simplefilter("error", MeshWarning)
        welded = weld(cut)
    assert welded.is_closed and welded.n_vertices == s.n_vertices
    np.testing.assert_array_equal(welded.vertices, s.vertices)
    assert welded.volume == pytest.approx(s.volume, rel=1e-14)
