"""P1 assembly: the numba kernels against a plain numpy reference, and exact spectra."""

from math import factorial, pi

import numpy as np
import pytest
import scipy.linalg as sla
import scipy.sparse as sp

from weylgain import meshes
from weylgain.errors import MeshError
from weylgain.fem import laplacian, simplex_quadrature
from weylgain.mesh import Mesh


# ----------------------------------------------------------------------------- reference
def reference_assembly(mesh, lumped=False):
    """Slow, obvious P1 assembly: per element, hat-function gradients from the pseudo-inverse
    of the edge matrix (not the Gram inverse the kernel uses), mass from the closed form."""
    n = mesh.n_vertices
    K = np.zeros((n, n))
    M = np.zeros((n, n))
    v = mesh.vertices
    for s in mesh.simplices:
        k = len(s) - 1
        E = mesh.wrap_difference(v[s[1:]] - v[s[0]])  # (k, D)
        vol = np.sqrt(np.linalg.det(E @ E.T)) / factorial(k)
        # gradients of the hat functions: rows of pinv(E)^T for phi_1..phi_k
        Gr = np.linalg.pinv(E)  # (D, k)
        grads = np.vstack([-Gr.sum(axis=1), Gr.T])  # (k+1, D)
        Ke = vol * grads @ grads.T
        Me = vol / ((k + 1) * (k + 2)) * (np.ones((k + 1, k + 1)) + np.eye(k + 1))
        if lumped:
            Me = np.diag(Me.sum(axis=1))
        K[np.ix_(s, s)] += Ke
        M[np.ix_(s, s)] += Me
    return K, M


def _check_against_reference(mesh, lumped=False, rtol=1e-11):
    K, M = laplacian(mesh, lumped=lumped)
    Kr, Mr = reference_assembly(mesh, lumped=lumped)
    scale = np.abs(Kr).max()
    assert np.abs(K.toarray() - Kr).max() <= rtol * scale
    assert np.abs(M.toarray() - Mr).max() <= rtol * np.abs(Mr).max()
    assert sp.isspmatrix_csr(K) and sp.isspmatrix_csr(M)


@pytest.mark.parametrize("make", [
    lambda: meshes.circle(17, radius=1.3),
    lambda: meshes.interval(9, length=2.0),
    lambda: meshes.sphere(1),
    lambda: meshes.torus(2, 5),
    lambda: meshes.torus(3, 4, triangulation="mirrored"),
    lambda: meshes.box(3, 4),
    lambda: meshes.torus(4, 3),
    lambda: meshes.sphere3(0),
], ids=["circle", "interval", "sphere", "torus2", "torus3-mirrored", "box3", "torus4", "sphere3"])
@pytest.mark.parametrize("lumped", [False, True])
def test_kernel_matches_numpy_reference(make, lumped):
    _check_against_reference(make(), lumped=lumped)


def test_random_simplices_in_higher_ambient_dimension():
    # a 3-manifold patch in R^5 and a surface in R^4: random vertices, a fan of simplices
    rng = np.random.default_rng(7)
    for k, D in ((2, 4), (3, 5), (4, 6)):
        v = rng.standard_normal((k + 2, D))
        # two simplices sharing the facet {0, 2, ..., k}
        simp = np.array([list(range(k + 1)), [0] + list(range(2, k + 2))])
        mesh = Mesh(v, simp)
        _check_against_reference(mesh)


@pytest.mark.parametrize("make", [lambda: meshes.sphere(1), lambda: meshes.box(3, 3),
                                  lambda: meshes.sphere3(0)], ids=["tri", "tet", "4-simplex"])
def test_per_element_density_scales_element_matrices(make):
    # the general (weighted) kernel, for every simplex dimension
    mesh = make()
    w = np.linspace(0.5, 2.0, mesh.n_simplices)
    K, M = laplacian(mesh, density=w)
    Kr = np.zeros((mesh.n_vertices,) * 2)
    Mr = np.zeros_like(Kr)
    for e, s in enumerate(mesh.simplices):
        sub = Mesh(mesh.vertices[s], np.arange(len(s))[None, :])
        Ke, Me = reference_assembly(sub)
        Kr[np.ix_(s, s)] += w[e] * Ke
        Mr[np.ix_(s, s)] += w[e] * Me
    assert np.allclose(K.toarray(), Kr, rtol=1e-12, atol=1e-14)
    assert np.allclose(M.toarray(), Mr, rtol=1e-12, atol=1e-14)


def test_callable_density_linear_weight_is_integrated_exactly():
    # w(x) = 1 + x on [0, 1] elements: int w phi_i phi_j is a cubic, exact for degree >= 3
    mesh = meshes.interval(5, length=1.0)
    K, M = laplacian(mesh, density=lambda x: 1.0 + x[:, 0])
    h = 0.25
    for e in range(4):
        a, b = e * h, (e + 1) * h
        # exact integrals of (1 + x) phi_a phi_b on [a, b]
        xs, ws = np.polynomial.legendre.leggauss(6)
        x = (a + b) / 2 + h / 2 * xs
        wq = ws * h / 2
        phi0 = (b - x) / h
        phi1 = (x - a) / h
        m01 = np.sum(wq * (1 + x) * phi0 * phi1)
        assert M[e, e + 1] == pytest.approx(m01, rel=1e-13)
        k01 = -np.sum(wq * (1 + x)) / h**2
        assert K[e, e + 1] == pytest.approx(k01, rel=1e-13)


def test_quadrature_rules_are_exact_and_positive():
    rng = np.random.default_rng(0)
    for k in range(1, 5):
        bary, w = simplex_quadrature(k, 4)
        assert (w > 0).all() and (bary > 0).all()
        assert np.allclose(bary.sum(axis=1), 1)
        # int over the unit simplex of prod b_i^a_i = prod a_i! k! / (sum a + k)!
        for _ in range(5):
            a = rng.multinomial(4, np.ones(k + 1) / (k + 1))
            exact = np.prod([factorial(x) for x in a]) * factorial(k) / factorial(a.sum() + k)
            assert np.sum(w * np.prod(bary**a, axis=1)) == pytest.approx(exact, rel=1e-12)


def test_inputs_are_not_modified_and_errors_are_clear():
    mesh = meshes.sphere(1)
    v0 = mesh.vertices.copy()
    laplacian(mesh)
    assert np.array_equal(mesh.vertices, v0)
    with pytest.raises(MeshError, match="one value per simplex"):
        laplacian(mesh, density=np.ones(3))
    with pytest.raises(MeshError, match="non-negative"):
        laplacian(mesh, density=lambda x: -np.ones(len(x)))
    with pytest.raises(MeshError, match="one value per point"):
        laplacian(mesh, density=lambda x: np.ones((len(x), 2)))
    with pytest.raises(MeshError, match="weylgain.Mesh"):
        laplacian(np.zeros((3, 3)))


def test_pattern_cache_is_not_corrupted_by_callers():
    mesh = meshes.torus(2, 6)
    K, M = laplacian(mesh)
    K.indices[:] = 0  # a caller scribbling on the result
    K2, _ = laplacian(mesh)
    Kr, _ = reference_assembly(mesh)
    assert np.allclose(K2.toarray(), Kr)


# ----------------------------------------------------------------------------- spectra
def _dense_eigs(mesh, **kw):
    K, M = laplacian(mesh, **kw)
    return sla.eigh(K.toarray(), M.toarray(), eigvals_only=True)


def test_sphere_spectrum_and_second_order_convergence():
    exact = np.repeat([l * (l + 1) for l in range(5)], [2 * l + 1 for l in range(5)])
    errs = []
    for k in (2, 3, 4):
        ev = _dense_eigs(meshes.sphere(k))[: exact.size]
        errs.append(np.abs(ev - exact)[1:].max() / exact[1:].max())
    assert errs[-1] < 1e-2  # relative error of l = 4 (lam = 20) at h = 0.08
    rates = np.log2(np.array(errs[:-1]) / np.array(errs[1:]))
    assert (rates > 1.8).all(), rates  # O(h^2): halving h divides the error by 4


def test_flat_torus_spectrum_is_an_upper_bound():
    mesh = meshes.torus(2, 24)
    ev = _dense_eigs(mesh)
    k = np.arange(-12, 13)
    exact = np.sort((k[:, None] ** 2 + k[None, :] ** 2).ravel())[:40]
    assert ev[0] == pytest.approx(0, abs=1e-10)
    # consistent mass and exact (flat) geometry: discrete eigenvalues bound the true ones
    assert (ev[:40] >= exact - 1e-9).all()
    # P1 error ~ c h^2 lam^2; on Kuhn triangles c is 1/12 along the axes and ~1/4 along the
    # diagonal that the triangulation does not cut (measured 0.22): a bound, not a fit
    h = 2 * np.pi / 24
    assert (ev[:40] - exact <= 0.3 * h**2 * np.maximum(exact, 1) ** 2).all()


def test_interval_and_box_neumann_spectra():
    L = 2.0
    ev = _dense_eigs(meshes.interval(201, length=L))[:6]
    exact = (np.pi * np.arange(6) / L) ** 2
    assert np.allclose(ev, exact, rtol=1e-3, atol=1e-10)
    ev = _dense_eigs(meshes.box(2, 33, length=1.0))[:6]
    k = np.arange(4)
    exact = np.sort((np.pi**2 * (k[:, None] ** 2 + k[None, :] ** 2)).ravel())[:6]
    assert (ev >= exact - 1e-9).all()
    assert np.allclose(ev, exact, rtol=1e-2, atol=1e-10)


def test_sphere3_spectrum_multiplicities_and_convergence():
    from weylgain.spectrum import eigenvalues

    exact = np.repeat([0, 3, 8, 15], [1, 4, 9, 16])
    errs = []
    for k in (1, 2):
        K, M = laplacian(meshes.sphere3(k))
        ev = eigenvalues(K, M, 30)
        # l(l+2) with multiplicity (l+1)^2: 0; 3 (x4); 8 (x9); 15 (x16)
        assert ev[0] == pytest.approx(0, abs=1e-9)
        assert ev[14] > 12 and ev[13] < 10 and ev[4] < 4.5 and ev[5] > 6
        errs.append(np.abs(ev - exact)[1:14].max() / 8)
    assert errs[1] < 0.05
    assert errs[0] / errs[1] > 3  # O(h^2)


def test_weighted_interval_is_the_sphere_mod_rotations():
    # S^2/SO(2): [0, pi] with density 2 pi sin(theta); eigenvalues l(l+1), one per l
    mesh = meshes.interval(161, length=pi)
    ev = _dense_eigs(mesh, density=lambda x: 2 * pi * np.sin(x[:, 0]))[:6]
    exact = np.array([l * (l + 1) for l in range(6)])
    assert np.allclose(ev, exact, rtol=2e-3, atol=1e-9)
    K, M = laplacian(mesh, density=lambda x: 2 * pi * np.sin(x[:, 0]))
    assert np.linalg.eigvalsh(M.toarray()).min() > 0  # positive definite despite w = 0 ends


def test_lumped_mass_is_row_sum_of_consistent():
    mesh = meshes.sphere(2)
    _, M = laplacian(mesh)
    _, Ml = laplacian(mesh, lumped=True)
    assert np.allclose(Ml.diagonal(), np.asarray(M.sum(axis=1)).ravel())
    assert Ml.nnz == mesh.n_vertices


def test_csr_pattern_kernel_matches_scipy_reference():
    from weylgain._kernels.assembly import csr_pattern

    for mesh in (meshes.sphere(2), meshes.torus(3, 4), meshes.sphere3(0)):
        s = mesh.simplices
        n, k1 = mesh.n_vertices, s.shape[1]
        indptr, indices, slots = csr_pattern(s, n)
        rows = np.repeat(s, k1, axis=1).ravel()
        cols = np.tile(s, (1, k1)).ravel()
        ref = sp.csr_matrix((np.ones(rows.size), (rows, cols)), shape=(n, n))
        ref.sum_duplicates()
        ref.sort_indices()
        assert np.array_equal(indptr, ref.indptr) and np.array_equal(indices, ref.indices)
        # every element entry (a, b) lands in the slot of (s[e, a], s[e, b])
        e_rows = np.searchsorted(indptr, slots.ravel(), side="right") - 1
        assert np.array_equal(e_rows, rows) and np.array_equal(indices[slots.ravel()], cols)


# ====================================================================== scales and slivers
@pytest.mark.parametrize("name, factor", [("sphere:1", 1e-80), ("sphere:1", 1e90),
                                          ("ball:0", 1e-80), ("ball:0", 1e60),
                                          ("circle:9", 1e-150)])
def test_assembly_scales_as_the_theory_says_at_extreme_scales(name, factor):
    # K scales by factor^(k-2), M by factor^k: entries agree with the unscaled mesh's
    from weylgain import Mesh, meshes

    mesh = meshes.from_spec(name)
    K, M = laplacian(mesh)
    K2, M2 = laplacian(Mesh(mesh.vertices * factor, mesh.simplices))
    k = mesh.dim
    np.testing.assert_allclose(K2.toarray(), K.toarray() * factor ** (k - 2), rtol=1e-12,
                               atol=1e-12 * abs(K).max() * factor ** (k - 2))
    np.testing.assert_allclose(M2.toarray(), M.toarray() * factor**k, rtol=1e-12, atol=0)


def test_scanned_collinear_triangle_never_reaches_the_stiffness():
    from weylgain import Mesh
    from weylgain.errors import MeshError

    # a strip of two good triangles and one whose vertices are collinear up to rounding
    v = np.array([[0.0, 0, 0], [1, 0, 0], [0, 1, 0], [0.1, 0.2, 0.3], [0.4, 0.5, 0.6],
                  [0.7, 0.8, 0.9]])
    t = np.array([[0, 1, 2], [3, 4, 5]])
    with pytest.raises(MeshError, match="degenerate"):
        Mesh(v, t)
    with pytest.raises(MeshError, match="too flat"):
        laplacian(Mesh(v, t, check=False))
