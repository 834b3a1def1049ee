"""The proven mass floor M >= diag(g) from the triangles of M's graph, cached on the pencil,
and how the counter's certificate uses it (skipping the extra solve only when it proves)."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from weylgain import meshes
from weylgain.backends import Pencil
from weylgain.fem import laplacian
from weylgain.spectrum import EigenCounter


def _lambda_min(M) -> float:
    return float(np.linalg.eigvalsh(M.toarray())[0])


@pytest.mark.parametrize("spec", ["sphere:2", "torus:2:7", "torus:2:8:mirrored",
                                  "box:2:9", "box:3:5", "ball:1",
                                  "torus:3:5"])
def test_floor_is_below_the_smallest_eigenvalue(spec):
    K, M = laplacian(meshes.from_spec(spec))
    p = Pencil(K, M)
    floor = p.mass_lower_bound()
    lo = _lambda_min(M)
    assert floor is not None and p.mass_bound_kind == "triangles"
    assert 0 < floor <= lo
    if meshes.from_spec(spec).dim == 2:
        # P1 on triangles: the element matrices give M >= diag(M) / 2, and so does the bound
        assert floor == pytest.approx(0.5 * M.diagonal().min(), rel=1e-9)


def test_floor_on_random_graphs_with_mixed_signs():
    """Element-wise assembled matrices sum_t a_t (I + 11^T) on the triangles of a random
    Delaunay triangulation, their signs switched by a random diagonal +-1 (same eigenvalues,
    mixed off-diagonal signs), a random diagonal shift of either sign, and random extra
    edges (triangles of both sign products): a bound, when found, is never above
    lambda_min, and it is found on most of them."""
    from scipy.spatial import Delaunay

    rng = np.random.default_rng(7)
    found = 0
    for trial in range(40):
        n = int(rng.integers(8, 40))
        tri = Delaunay(rng.random((n, 2))).simplices
        a = rng.uniform(0.1, 1.0, tri.shape[0])
        r = np.repeat(tri, 3, axis=1).ravel()
        c = np.tile(tri, (1, 3)).ravel()
        v = np.repeat(a, 9) * np.where(r == c, 2.0, 1.0)
        A = sp.csr_matrix((v, (r, c)), shape=(n, n))
        D = sp.diags(rng.choice([-1.0, 1.0], n))
        A = D @ A @ D
        if trial % 2:  # extra edges of random sign
            i, j = rng.integers(0, n, (2, 4))
            keep = i != j
            w = rng.uniform(-0.05, 0.05, keep.sum())
            E = sp.csr_matrix((w, (i[keep], j[keep])), shape=(n, n))
            A = A + E + E.T
        A = sp.csr_matrix(A + sp.diags(rng.uniform(-0.05, 0.05, n) * A.diagonal()))
        lo = _lambda_min(A)
        if not A.diagonal().min() > 0 or not lo > 0:
            continue
        floor = Pencil(sp.identity(n), A).mass_lower_bound()
        if floor is not None:
            found += 1
            assert floor <= lo * (1 + 1e-12), (trial, floor, lo)
    assert found >= 15  # the bound is found on most of them (not vacuous)


def test_no_floor_where_the_triangles_do_not_prove_one():
    """T^4's P1 mass (31 entries a row): the crude triangle weights cannot cover the negative
    slacks, so no bound is claimed (and the counter keeps its extra solve)."""
    K, M = laplacian(meshes.torus(4, 4))
    p = Pencil(K, M)
    assert p.mass_lower_bound() is None and p.mass_bound_kind == ""
    # a signless-Laplacian-like M with only even cycles has lambda_min 0: no bound
    n = 6
    rows = np.arange(n)
    A = sp.csr_matrix((np.ones(n), (rows, (rows + 1) % n)), shape=(n, n))
    A = A + A.T + 2 * sp.identity(n)  # the cycle C6: eigenvalues 2 + 2cos(2 pi k/6) >= 0
    assert Pencil(sp.identity(n), A).mass_lower_bound() is None


def test_floor_is_computed_once_per_pencil(monkeypatch):
    import weylgain._kernels.mass_floor as mf

    calls = []
    real = mf.triangle_mass_floor

    def counting(*args):
        calls.append(1)
        return real(*args)

    monkeypatch.setattr(mf, "triangle_mass_floor", counting)
    K, M = laplacian(meshes.sphere(3))
    counter = EigenCounter(K, M)  # the mass screen proves definiteness by dominance first
    for lam in (10.0, 30.0, 100.0):
        counter.count(lam)
    assert len(calls) == 1
    counter.close()


def _spy(counter):
    calls = []
    real = counter._smallest_magnitude

    def spy(*args):
        calls.append(1)
        return real(*args)

    counter._smallest_magnitude = spy
    return calls


def test_certificate_skips_the_extra_solve_with_a_floor_and_counts_right():
    K, M = laplacian(meshes.sphere(5))  # 10,242 vertices: the sparse route
    counter = EigenCounter(K, M)
    calls = _spy(counter)
    for lam, top in ((25.0, 4), (64.0, 7), (100.0, 9)):
        # S^2: eigenvalues l(l+1), multiplicity 2l+1, so N = (top + 1)^2 between the
        # clusters; the FEM eigenvalues (upper bounds) are within 1% of them here
        assert counter.count(lam) == (top + 1) ** 2
    assert calls == []  # the triangle floor certified every inertia
    counter.close()


def test_certificate_falls_back_to_the_extra_solve_when_the_floor_is_too_weak():
    K, M = laplacian(meshes.sphere(5))
    counter = EigenCounter(K, M)
    counter.pencil.mass_lower_bound()
    # a floor that is true but far too small to prove anything: the direct check must run
    object.__setattr__(counter.pencil, "_mass_bound", 1e-300)
    calls = _spy(counter)
    assert counter.count(25.0) == 25
    assert len(calls) == 1
    counter.close()


def test_torus_four_keeps_the_extra_solve_and_the_exact_count():
    K, M = laplacian(meshes.torus(4, 6))
    counter = EigenCounter(K, M)
    calls = _spy(counter)
    assert counter.count(1.5) == 9  # |k|^2 <= 1.5 on Z^4: 0 and the 8 modes |k|^2 = 1
    assert len(calls) >= 1
    counter.close()


@pytest.mark.parametrize("group, base", [("Oh", "octahedron"), ("I", "icosahedron"),
                                         ("Ih", "icosahedron"), ("C2", "icosahedron")])
def test_floor_on_quotient_masses(group, base):
    """P^T M P of a quotient: a vertex on a rotation axis has all its neighbours in one orbit
    (one edge, no triangle, zero slack); it borrows from that neighbour's bound. The bound is
    found and stays below lambda_min."""
    from weylgain.groups import named
    from weylgain.quotient import quotient_sphere

    K, M = quotient_sphere(4, named(group), base=base).laplacian()
    floor = Pencil(K, M).mass_lower_bound()
    assert floor is not None and 0 < floor <= _lambda_min(M)


def test_floor_on_random_folded_masses():
    """P^T A P for random element-assembled A and random vertex foldings P (the pattern of a
    quotient pencil: merged edges, lost triangles, borrowing rows), some with a diagonal
    pushed down: every bound found is below lambda_min (dense eigenvalues)."""
    from scipy.spatial import Delaunay

    rng = np.random.default_rng(1)
    found = 0
    for trial in range(200):
        n = int(rng.integers(6, 30))
        tri = Delaunay(rng.random((n, 2))).simplices
        a = rng.uniform(0.01, 1.0, tri.shape[0])
        r = np.repeat(tri, 3, axis=1).ravel()
        c = np.tile(tri, (1, 3)).ravel()
        A = sp.csr_matrix((np.repeat(a, 9) * np.where(r == c, 2.0, 1.0), (r, c)), shape=(n, n))
        k = int(rng.integers(2, n))
        lab = rng.integers(0, k, n)
        lab[:k] = np.arange(k)
        P = sp.csr_matrix((np.ones(n), (np.arange(n), lab)), shape=(n, k))
        B = sp.csr_matrix(P.T @ A @ P)
        if trial % 3 == 0:
            B = sp.csr_matrix(B + sp.diags(rng.uniform(-0.3, 0.1, k) * B.diagonal()))
        lo = _lambda_min(B)
        if not (B.diagonal().min() > 0 and lo > 0):
            continue
        floor = Pencil(sp.identity(k), B).mass_lower_bound()
        if floor is not None:
            found += 1
            assert floor <= lo * (1 + 1e-12), (trial, floor, lo)
    assert found >= 150
