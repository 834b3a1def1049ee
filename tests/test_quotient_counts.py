"""FEM invariant counts on M/G against exact invariant counts from characters (docs/theory.md#exact-counts).

Consistent-mass P1 eigenvalues sit above the true ones (exactly so on flat tori, and to
O(h^2) geometry error on polyhedral spheres), so FEM counts sit at or below the exact ones
and agree with them where lam h^2 is small. Sphere counts are compared at midpoints
lam = l(l+1) + l + 1/2 between eigenvalue clusters, so a cluster straddling lam does not
decide the comparison.
"""

import math

import pytest

from weylgain import count_eigenvalues, groups, meshes, quotient
from weylgain.exact import sphere_invariant_count, torus_invariant_count


def _quotient_count(mesh, spec, lam):
    q = quotient(mesh, groups.named(spec, dim=mesh.ambient_dim))
    K, M = q.laplacian()
    return count_eigenvalues(K, M, lam)


@pytest.mark.parametrize("spec, base", [("C4", "octahedron"), ("Oh", "octahedron"),
                                        ("I", "icosahedron"), ("Ih", "icosahedron"),
                                        ("mirror", "octahedron"), ("antipodal", "icosahedron")])
def test_sphere_quotients_count_exactly_at_resolved_midpoints(spec, base):
    mesh = meshes.sphere(5, base=base)
    group = groups.named(spec)
    for l in (4, 8, 12):
        lam = l * (l + 1) + l + 0.5
        assert _quotient_count(mesh, spec, lam) == sphere_invariant_count(group, lam), (spec, l)


def test_sphere_mod_rotations_counts_one_per_degree():
    mesh = meshes.sphere(4)  # h = 0.08: resolved up to l ~ 12 (lam h^2 < 1)
    for l in (3, 8, 12):
        lam = l * (l + 1) + l + 0.5
        assert _quotient_count(mesh, "SO(2)", lam) == l + 1
        assert sphere_invariant_count(groups.named("SO(2)"), lam, dim=3) == l + 1
    # a finer orbit-space mesh resolves higher degrees
    q = quotient(mesh, groups.named("SO(2)"), resolution=400)
    K, M = q.laplacian()
    assert count_eigenvalues(K, M, 40 * 41 + 40.5) == 41


@pytest.mark.parametrize("spec", ["signs2", "B2", "S2", "Z4"])
def test_torus_quotients_are_bounded_by_and_close_to_exact_counts(spec):
    mesh = meshes.torus(2, 64, triangulation="mirrored")
    group = groups.named(spec)
    for lam in (20.5, 60.5):
        exact = torus_invariant_count(group, lam, dim=2)
        fem = _quotient_count(mesh, spec, lam)
        h = 2 * math.pi / 64
        # FEM eigenvalues exceed the true ones by at most ~0.25 lam^2 h^2 (test_fem): count
        # the exact modes that could have crossed lam
        lower = torus_invariant_count(group, lam / (1 + 0.3 * lam * h**2), dim=2)
        assert lower <= fem <= exact, (spec, lam, lower, fem, exact)


def test_published_torus_check_values():
    # docs/theory.md#lattice-orbits (d = 2, lam = 1000): all modes 3149, sign flips 819, permutations 1597
    assert torus_invariant_count(None, 1000, dim=2) == 3149
    assert torus_invariant_count(groups.named("signs2"), 1000) == 819
    assert torus_invariant_count(groups.named("S2"), 1000) == 1597
