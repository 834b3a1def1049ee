"""The counter's overhead cuts (issue 21) keep every guarantee: the fused K/M product against
scipy's, the cached norms against their definitions, the backward error against a naive
residual, one random start a counter, the mass screen's order, and counts against analytic
sphere counts and dense eigenvalues."""

from __future__ import annotations

import math

import numpy as np
import pytest
import scipy.linalg as sla
import scipy.sparse as sp

from weylgain import meshes
from weylgain.backends import Pencil
from weylgain.errors import MatrixError
from weylgain.fem import laplacian
from weylgain.spectrum import EigenCounter, count_eigenvalues, counting_function


def _random_pencil(n: int, seed: int):
    """Symmetric K (indefinite) and M (definite) on different random patterns."""
    rng = np.random.default_rng(seed)
    A = sp.random(n, n, density=4.0 / n, random_state=rng, format="csr")
    B = sp.random(n, n, density=3.0 / n, random_state=rng, format="csr")
    K = A + A.T - sp.diags(rng.standard_normal(n))
    M = B + B.T
    M = M + sp.diags(np.asarray(abs(M).sum(axis=1)).ravel() + 1.0)  # strictly dominant
    return K.tocsr(), M.tocsr()


@pytest.mark.parametrize("seed", range(3))
def test_fused_pair_product_matches_scipy(seed):
    K, M = _random_pencil(300, seed)
    p = Pencil(K, M)
    x = np.random.default_rng(10 + seed).standard_normal(300)
    Kx, Mx = p.KM_matvec(x)
    assert np.allclose(Kx, K @ x, rtol=1e-13, atol=1e-13 * abs(K).max())
    assert np.allclose(Mx, M @ x, rtol=1e-13, atol=1e-13 * abs(M).max())
    # and on a mesh pencil (the int32 pattern of a real count)
    K, M = laplacian(meshes.sphere(3))
    p = Pencil(K, M)
    x = np.random.default_rng(seed).standard_normal(p.n)
    Kx, Mx = p.KM_matvec(x)
    assert np.allclose(Kx, K @ x, rtol=1e-12, atol=1e-12 * abs(K @ x).max())
    assert np.allclose(Mx, M @ x, rtol=1e-12, atol=1e-12 * abs(M @ x).max())


def test_cached_norms_are_the_infinity_norms():
    K, M = _random_pencil(250, 7)
    p = Pencil(K, M)
    assert p.k_norm1 == pytest.approx(float(abs(K).sum(axis=1).max()), rel=1e-13)
    assert p.m_norm1 == pytest.approx(float(abs(M).sum(axis=1).max()), rel=1e-13)
    assert np.allclose(p.mass_row_sums(), np.asarray(abs(M).sum(axis=1)).ravel(), rtol=1e-13)
    assert p.mass_row_sums() is p.mass_row_sums()  # computed once


def test_backward_error_is_the_naive_residual():
    K, M = _random_pencil(500, 3)
    counter = EigenCounter(K, M)
    rng = np.random.default_rng(4)
    y, b = rng.standard_normal(500), rng.standard_normal(500)
    sigma = 0.37
    Ky, My = counter.pencil.KM_matvec(y)
    eta = counter._backward_error(sigma, b, y, Ky, My, float(abs(y).max()))
    A = (K - sigma * M).toarray()
    norm = float(abs(K).sum(axis=1).max()) + sigma * float(abs(M).sum(axis=1).max())
    naive = abs(A @ y - b).max() / (norm * abs(y).max() + abs(b).max())
    assert eta == pytest.approx(naive, rel=1e-10)
    counter.close()


def test_one_random_start_a_counter_and_counts_stay_analytic(monkeypatch):
    """S^2: eigenvalues l(l+1) with multiplicity 2l+1, so N = (top + 1)^2 between the
    clusters (the FEM eigenvalues of this mesh are within 1% of them). The start M x is
    formed once for all thresholds; each threshold makes one fused K/M product."""
    K, M = laplacian(meshes.sphere(5))  # 10,242 vertices: the sparse route
    counter = EigenCounter(K, M)
    calls = {"M": 0, "KM": 0}
    real_m, real_km = counter.pencil.M_matvec, counter.pencil.KM_matvec

    def m_spy(x):
        calls["M"] += 1
        return real_m(x)

    def km_spy(x):
        calls["KM"] += 1
        return real_km(x)

    monkeypatch.setattr(counter.pencil, "M_matvec", m_spy)
    monkeypatch.setattr(counter.pencil, "KM_matvec", km_spy)
    for lam, top in ((25.0, 4), (64.0, 7), (100.0, 9), (3.0, 1)):
        r = counter.count_result(lam)
        assert r.count == (top + 1) ** 2
        assert r.backward_error < 1e-12 and r.distance > counter.tolerance(lam)
    assert calls == {"M": 1, "KM": 4}
    counter.close()


def test_counting_function_matches_analytic_sphere_counts():
    K, M = laplacian(meshes.sphere(5))
    lams = np.array([100.0, 1.0, 25.0, 3.0, 64.0, 43.0, 13.0])
    tops = [9, 0, 4, 1, 7, 6, 3]
    out = counting_function(K, M, lams)
    assert out.tolist() == [(t + 1) ** 2 for t in tops]


def test_mass_screen_proves_a_triangle_mass_by_its_floor(monkeypatch):
    """A P1 mass on triangles is proven definite by the triangle floor (which the
    certificate needs anyway): the graph dominance test is not run."""
    import weylgain._kernels.pencil as kp

    def refuse(*args):
        raise AssertionError("the graph test ran although the floor proves M")

    monkeypatch.setattr(kp, "diagonally_dominant_definite", refuse)
    K, M = laplacian(meshes.sphere(3))  # 642 vertices: above the dense limit
    p = Pencil(K, M)
    p.check_mass_positive_definite()
    assert p.mass_bound_kind == "triangles"
    assert 0 < p.mass_lower_bound() <= float(np.linalg.eigvalsh(M.toarray())[0])


def test_weakly_dominant_mass_without_triangles_still_proven_and_counted():
    """A path-graph mass tridiag(1, 2, 1) (weakly dominant, no triangles: the floor finds no
    bound) is proven by the graph test; the counts equal those of a dense generalized
    eigensolver."""
    n = 600
    M = sp.diags([np.ones(n - 1), 2.0 * np.ones(n), np.ones(n - 1)], [-1, 0, 1], format="csr")
    M = M + sp.diags(np.r_[1.0, np.zeros(n - 2), 1.0])  # strict at the two ends
    K = sp.diags(np.linspace(-3.0, 50.0, n), format="csr")
    ev = sla.eigvalsh(K.toarray(), M.toarray())
    counter = EigenCounter(K, M)
    for lam in (-1.0, 0.5, 7.0, float(0.5 * (ev[200] + ev[201]))):
        assert counter.count(lam) == int((ev <= lam).sum())
    counter.close()


def test_indefinite_mass_still_refused():
    n = 500
    M = sp.diags([np.ones(n - 1), 1.9 * np.ones(n), np.ones(n - 1)], [-1, 0, 1], format="csr")
    with pytest.raises(MatrixError, match="positive definite"):
        count_eigenvalues(sp.identity(n, format="csr"), M, 1.0)


def test_certificate_refuses_an_eigenvalue_at_the_shift_as_before():
    """A threshold on an eigenvalue is counted with it (the shift moves up), never wrong."""
    n = 700
    K = sp.diags(np.arange(n, dtype=float), format="csr")
    M = sp.identity(n, format="csr")
    r = count_eigenvalues(K, M, 300.0, return_info=True)
    assert r.count == 301 and r.backend != "dense"
    assert math.isfinite(r.distance) and r.distance > 0
