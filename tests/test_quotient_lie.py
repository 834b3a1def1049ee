"""quotient() takes a LieGroup or TorusGroup equal to a catalogue family.

Truth: the catalogue family's own orbit-space pencil (same matrices, entry by entry), the
closed zonal counts of S^2/SO(2) (one invariant per degree l, eigenvalue l(l+1)) and of
S^3/SO(3) (k(k+2)), the exact invariant counts of ``weylgain.exact_counts`` (computed from
harmonic characters, without any mesh), and dense ``scipy.linalg.eigh`` of the pencil.
"""

import math

import numpy as np
import pytest
import scipy.linalg as sla

from weylgain import meshes
from weylgain.errors import GroupError
from weylgain.exact import exact_counts
from weylgain.groups import lie_group, named, subtorus
from weylgain.quotient import quotient
from weylgain.spectrum import count_eigenvalues


def _rotation(D, i, j, scale=1.0):
    """The skew generator of the rotation of the (i, j) coordinate plane of R^D."""
    X = np.zeros((D, D))
    X[j, i], X[i, j] = scale, -scale
    return X


def _same_pencil(q_lie, q_named):
    K1, M1 = q_lie.laplacian()
    K2, M2 = q_named.laplacian()
    assert K1.shape == K2.shape
    assert abs(K1 - K2).max() == 0 and abs(M1 - M2).max() == 0
    assert q_lie.dimension == q_named.dimension
    assert q_lie.volume == q_named.volume
    return K1, M1


def _zonal_count(lam):
    """N(lam) on S^2/SO(2): degrees l with l(l+1) <= lam, one invariant each."""
    return sum(1 for l in range(100) if l * (l + 1) <= lam)


def test_so2_from_a_scaled_basis_is_the_catalogue_so2():
    algebra = np.array([_rotation(3, 0, 1, scale=2.5)])  # any basis of so(2) about z
    before = algebra.copy()
    lie = lie_group(algebra, name="my SO(2)")
    mesh = meshes.sphere(2)
    q_lie = quotient(mesh, lie, resolution=81)
    q_named = quotient(mesh, named("SO(2)"), resolution=81)
    K, M = _same_pencil(q_lie, q_named)
    assert np.array_equal(algebra, before)  # the user's basis is not modified
    assert q_lie.group.name == "my SO(2)"
    assert q_lie.volume == pytest.approx(math.pi)
    # between the eigenvalues l(l+1), where the P1 error (< 1e-2 relative) cannot cross
    for lam in (1.0, 4.0, 9.0, 15.0, 25.0):
        expected = _zonal_count(lam)
        assert count_eigenvalues(K, M, lam) == expected
        assert exact_counts("S2", lie, lam).count == expected
        dense = sla.eigh(K.toarray(), M.toarray(), eigvals_only=True)
        assert int((dense <= lam).sum()) == expected


def test_rotation_about_the_x_axis_gives_the_same_interval():
    lie = lie_group(np.array([_rotation(3, 1, 2)]), name="SO(2) about x")
    mesh = meshes.sphere(2)
    q = quotient(mesh, lie, resolution=81)
    K, M = q.laplacian()
    # the orbit space is the polar interval whatever the axis: same pencil as about z
    K2, M2 = quotient(mesh, named("SO(2)"), resolution=81).laplacian()
    assert np.allclose(K.toarray(), K2.toarray(), rtol=1e-12, atol=1e-12)
    assert np.allclose(M.toarray(), M2.toarray(), rtol=1e-12, atol=1e-12)
    for lam in (4.0, 15.0):
        assert count_eigenvalues(K, M, lam) == _zonal_count(lam)


def test_so3_fixing_an_axis_of_r4_is_the_catalogue_family():
    basis = np.array([_rotation(4, i, j) for i, j in ((0, 1), (0, 2), (1, 2))])
    lie = lie_group(basis, name="SO(3) in R^4")
    mesh = meshes.sphere3(0)
    q_lie = quotient(mesh, lie, resolution=101)
    K, M = _same_pencil(q_lie, quotient(mesh, named("SO(3)", dim=4), resolution=101))
    lam = sla.eigh(K.toarray(), M.toarray(), eigvals_only=True)[:5]
    assert np.allclose(lam[1:], [k * (k + 2) for k in range(1, 5)], rtol=2e-3)
    for cut in (4.0, 10.0, 20.0):
        assert count_eigenvalues(K, M, cut) == sum(1 for k in range(50) if k * (k + 2) <= cut)


def test_hopf_from_the_complex_structure_is_the_catalogue_hopf():
    J = _rotation(4, 0, 1) + _rotation(4, 2, 3)  # i on C^2 = R^4
    lie = lie_group(J[None], name="U(1)")
    mesh = meshes.sphere3(0)
    _same_pencil(quotient(mesh, lie, resolution=2), quotient(mesh, named("hopf"), resolution=2))


def test_so3_from_a_basis_is_transitive_on_the_sphere():
    basis = np.array([_rotation(3, i, j) for i, j in ((0, 1), (0, 2), (1, 2))])
    q = quotient(meshes.sphere(1), lie_group(basis, name="SO(3) from so(3)"))
    assert q.dimension == 0 and q.n_orbits == 1


def test_unit_subtorus_is_the_catalogue_translation():
    mesh = meshes.torus(2, 8)
    q = quotient(mesh, subtorus([[1, 0]], name="T1 by direction"))
    K, M = _same_pencil(q, quotient(mesh, named("T1", dim=2)))
    h = 2 * math.pi / 8
    k = np.array([0, 1, 1, 2, 2, 3, 3, 4])
    exact = 6 / h ** 2 * (1 - np.cos(k * h)) / (2 + np.cos(k * h))  # P1 periodic chain
    assert np.allclose(sla.eigh(K.toarray(), M.toarray(), eigvals_only=True), exact,
                       rtol=1e-10, atol=1e-10)


def test_lie_groups_off_the_catalogue_are_refused_clearly():
    mirror = np.diag([1.0, -1.0, 1.0])
    o2 = lie_group(np.array([_rotation(3, 0, 1)]), [mirror], name="O(2)")
    with pytest.raises(GroupError, match=r"O\(2\) \(LieGroup\) is not supported.*as_catalogue"):
        quotient(meshes.sphere(1), o2)
    # a rotation about the axis (1, 1, 1): not a coordinate axis
    n = np.ones(3) / math.sqrt(3)
    X = np.array([[0, -n[2], n[1]], [n[2], 0, -n[0]], [-n[1], n[0], 0]])
    with pytest.raises(GroupError, match="equals a catalogue family"):
        quotient(meshes.sphere(1), lie_group(X[None], name="tilted"))
    diagonal = subtorus([[1, 1]], name="diagonal")
    with pytest.raises(GroupError, match=r"diagonal \(TorusGroup\) is not supported"):
        quotient(meshes.torus(2, 4), diagonal)
    # a Lie group of the wrong dimension keeps the catalogue family's message
    so3_r4 = lie_group(np.array([_rotation(4, 0, 1), _rotation(4, 0, 2), _rotation(4, 1, 2)]))
    with pytest.raises(GroupError, match="acts on R\\^4 but the mesh lives in R\\^3"):
        quotient(meshes.sphere(1), so3_r4)
    with pytest.raises(GroupError, match="quotient needs a FiniteGroup or ContinuousGroup"):
        quotient(meshes.sphere(1), object())
