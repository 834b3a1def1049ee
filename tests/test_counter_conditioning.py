"""The counter on ill-conditioned pencils: graded meshes and badly scaled masses.

Every count is checked against a reference that does not go through the counter:

* scaled pencils ``K = S B S``, ``M = S C S`` with ``S`` diagonal over up to 14 decades and
  ``B``, ``C`` well-conditioned: the pencil's eigenvalues are those of ``(B, C)``, computed
  accurately by ``scipy.linalg.eigh`` on the well-conditioned pair;
* graded meshes of a quarter disk (smallest triangle down to 1e-8 of the largest): N(0) = 1
  (the constants, Neumann problem on a connected mesh), and thresholds between eigenvalues
  of the Jacobi-scaled dense pencil, kept only where the threshold is farther from every
  reference eigenvalue than that reference's own error (64 eps times the largest
  eigenvalue).
"""

from __future__ import annotations

import numpy as np
import pytest
import scipy.linalg as sla
import scipy.sparse as sp
from scipy.spatial import Delaunay

import weylgain
from weylgain import Mesh
from weylgain.backends import available_backends
from weylgain.errors import CountingError, MeshError

BACKENDS = [name for name, ok in available_backends().items() if ok]


def _scaled_pencil(n, decades, seed, diagonal_mass):
    """(K, M, eigenvalues): K = S B S, M = S C S, eigenvalues of (B, C) computed directly."""
    rng = np.random.default_rng(seed)
    s = 10.0 ** rng.uniform(-decades / 2, 0, n)
    main = rng.uniform(1.0, 10.0, n)
    off = rng.uniform(-0.4, 0.4, n - 1)
    B = sp.diags([off, main + 1.0, off], [-1, 0, 1])  # diagonally dominant: SPD, cond ~ 10
    if diagonal_mass:
        C = sp.identity(n)
    else:
        c_off = rng.uniform(-0.3, 0.3, n - 1)
        C = sp.diags([c_off, np.ones(n), c_off], [-1, 0, 1])
    S = sp.diags(s)
    K = (S @ B @ S).tocsr()
    M = (S @ C @ S).tocsr()
    ev = sla.eigh(B.toarray(), C.toarray(), eigvals_only=True)
    return K, M, ev


def _between(ev, rng, k, margin):
    """k thresholds at random points of gaps wider than 2 * margin."""
    gaps = np.flatnonzero(np.diff(ev) > 2 * margin)
    pick = rng.choice(gaps, size=min(k, gaps.size), replace=False)
    return [float(ev[i] + margin + rng.uniform(0, 1) * (ev[i + 1] - ev[i] - 2 * margin))
            for i in pick]


def test_diagonal_mass_over_14_decades():
    # the case of the audit: eigenvalues 1 (x49) and 1e14
    n = 50
    K = sp.identity(n, format="csr")
    d = np.ones(n)
    d[-1] = 1e-14
    M = sp.diags(d).tocsr()
    assert weylgain.count_eigenvalues(K, M, 0.5) == 0
    assert weylgain.count_eigenvalues(K, M, 1.0) == 49
    assert weylgain.count_eigenvalues(K, M, 2.0) == 49
    assert weylgain.count_eigenvalues(K, M, 2e14) == 50


@pytest.mark.parametrize("n", [60, 900])  # the dense route and the sparse one
@pytest.mark.parametrize("diagonal_mass", [True, False])
@pytest.mark.parametrize("seed", range(3))
def test_scaled_pencils_count_like_their_well_conditioned_core(n, diagonal_mass, seed):
    decades = 14 if diagonal_mass else 8
    K, M, ev = _scaled_pencil(n, decades, seed, diagonal_mass)
    rng = np.random.default_rng(100 + seed)
    lams = _between(ev, rng, 6, 1e-6 * ev.max()) + [0.5 * ev[0], ev[-1] * 2]
    for backend in BACKENDS:
        counter = weylgain.EigenCounter(K, M, backend=backend)
        try:
            for lam in lams:
                assert counter.count(lam) == int((ev <= lam).sum()), (backend, lam)
        finally:
            counter.close()


def _graded_quarter_disk(n, ratio, seed):
    """A Delaunay mesh of the quarter disk, points graded towards the corner (radii from
    ``ratio`` to 1, log-uniform), the corner and the two far ends included."""
    rng = np.random.default_rng(seed)
    r = np.exp(rng.uniform(np.log(ratio), 0.0, n - 3))
    t = rng.uniform(0.0, np.pi / 2, n - 3)
    P = np.vstack([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0], np.c_[r * np.cos(t), r * np.sin(t)]])
    return P, Delaunay(P).simplices


def _graded_cases(count, n_range):
    cases = []
    seed = 0
    while len(cases) < count:
        rng = np.random.default_rng(seed)
        n = int(rng.integers(*n_range))
        ratio = 10 ** rng.uniform(-4.5, -2.5)
        P, T = _graded_quarter_disk(n, ratio, seed)
        seed += 1
        try:
            mesh = Mesh(P, T)
            K, M = weylgain.laplacian(mesh)
        except MeshError:  # a sliver the mesh checks refuse: not a counting case
            continue
        cases.append((mesh, K, M))
    return cases


def _jacobi_scaled_reference(K, M):
    """Eigenvalues of D K D, D M D with D = diag(M)^-1/2 (unit-diagonal, well-conditioned
    mass) and their absolute error bound (64 eps times the largest: the mass is
    well-conditioned, so eigh is accurate to a small multiple of eps ||D K D||)."""
    d = 1.0 / np.sqrt(M.diagonal())
    Kd = d[:, None] * K.toarray() * d[None, :]
    Md = d[:, None] * M.toarray() * d[None, :]
    ev = sla.eigh(Kd, Md, eigvals_only=True)
    return ev, 64 * np.finfo(float).eps * np.abs(ev).max()


@pytest.mark.parametrize("n_range", [(190, 400), (450, 1300)])  # dense and sparse routes
def test_graded_meshes_counted_right_or_refused(n_range):
    meshes_ = _graded_cases(6, n_range)
    ratios = []
    for i, (mesh, K, M) in enumerate(meshes_):
        vol = mesh.simplex_volumes()
        ratios.append(vol.min() / vol.max())
        ev, err = _jacobi_scaled_reference(K, M)
        assert ev[1] > 2 * err  # the reference separates 0 from the next eigenvalue
        rng = np.random.default_rng(i)
        lams = _between(ev[ev < ev[1] * 40], rng, 4, max(err, 1e-6 * ev[1]))
        for backend in BACKENDS:
            counter = weylgain.EigenCounter(K, M, backend=backend)
            try:
                assert counter.count(0.0) == 1, backend
                for lam in lams:
                    try:
                        got = counter.count(lam)
                    except CountingError as exc:  # refused is allowed, with a reason
                        assert "mesh" in str(exc) or "lam" in str(exc)
                        continue
                    assert got == int((ev <= lam).sum()), (backend, lam, mesh.n_vertices)
            finally:
                counter.close()
    assert min(ratios) < 1e-6  # the cases do reach strongly graded meshes


def test_graded_mesh_from_the_audit_is_not_overcounted():
    # seed 25 of the audit's generator: dense eigh puts N(5) at 1; the old tolerance
    # (relative to the largest eigenvalue, ~1e14 here) counted 6
    rng = np.random.default_rng(25)
    n = int(rng.integers(190, 530))
    ratio = 10 ** rng.uniform(-4.5, -2)
    r = np.exp(rng.uniform(np.log(ratio), 0, n - 3))
    t = rng.uniform(0, np.pi / 2, n - 3)
    P = np.vstack([[0, 0], [1, 0], [0, 1], np.c_[r * np.cos(t), r * np.sin(t)]])
    mesh = Mesh(P, Delaunay(P).simplices)
    K, M = weylgain.laplacian(mesh)
    ev, err = _jacobi_scaled_reference(K, M)
    assert ev[1] > 5.0 + err and ev[-1] > 1e12
    assert weylgain.count_eigenvalues(K, M, 5.0) == 1
    assert weylgain.count_eigenvalues(K, M, 0.0) == 1
