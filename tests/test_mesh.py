"""The Mesh type: validation with clear errors, geometry, immutability."""

import math

import numpy as np
import pytest

from weylgain import Mesh, MeshError
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
