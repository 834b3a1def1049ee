"""The reflection boundary of M/G measured on the mesh, against the formula of docs/theory.md#reflections."""

import math

import pytest

from weylgain import groups, meshes, quotient


@pytest.mark.parametrize("mesh, group, expected, rel", [
    # hemisphere S^2/(z -> -z): the equator, 2 pi (the polygon is inscribed: O(h^2) short)
    (meshes.sphere(4, base="octahedron"), "mirror", 2 * math.pi, 1e-3),
    # sign flips on T^2: the perimeter of [0, pi]^2 (flat, so exact)
    (meshes.torus(2, 16, triangulation="mirrored"), "signs2", 4 * math.pi, 1e-12),
    # swap x <-> y on T^2: the diagonal, 2 sqrt(2) pi, counted twice over |G| = 2
    (meshes.torus(2, 16), "S2", 2 * math.sqrt(2) * math.pi, 1e-12),
    # O_h: 9 great-circle mirrors, some through triangles rather than along edges
    (meshes.sphere(3, base="octahedron"), "Oh", 2 / 48 * 9 * 2 * math.pi, 1e-2),
    # I_h: 15 mirrors
    (meshes.sphere(4), "Ih", 2 / 120 * 15 * 2 * math.pi, 1e-3),
    # rotations only: no wall
    (meshes.sphere(3, base="octahedron"), "C4", 0.0, 0.0),
])
def test_boundary_volume_of_finite_quotients(mesh, group, expected, rel):
    q = quotient(mesh, groups.named(group, dim=mesh.ambient_dim))
    assert q.boundary_volume() == pytest.approx(expected, rel=rel, abs=1e-12)


def test_boundary_of_a_mesh_with_boundary_is_divided_too():
    # the square [0, 1]^2 (mirrored, odd n) under the swap x <-> y: the triangle below the
    # diagonal has perimeter 2 + sqrt(2) = (4 + 2 sqrt(2)) / 2
    mesh = meshes.box(2, 9, triangulation="mirrored")
    q = quotient(mesh, groups.named("S2"))
    assert q.boundary_volume() == pytest.approx(2 + math.sqrt(2), rel=1e-12)


def test_continuous_quotients_have_no_wall():
    q = quotient(meshes.sphere(3), groups.named("SO(2)"))
    assert q.boundary_volume() == 0.0
