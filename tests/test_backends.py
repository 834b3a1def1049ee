"""Factorization backends of the counter: inertia against dense eigh, against each other,
forced failures caught by the guards, and the SuperLU-only fallback."""

import numpy as np
import pytest
import scipy.linalg as sla
import scipy.sparse as sp

import weylgain.spectrum as spectrum
from weylgain import meshes
from weylgain.backends import BACKENDS, Pencil, available_backends, resolve_backend
from weylgain.errors import CountingError, MatrixError, SpecError
from weylgain.fem import laplacian
from weylgain.spectrum import EigenCounter, count_eigenvalues, counting_function

_WHY = available_backends()
INSTALLED = [b for b in BACKENDS if not _WHY[b]]


def _each_backend():
    return [pytest.param(b, marks=pytest.mark.skipif(bool(_WHY[b]), reason=_WHY[b] or "ok"))
            for b in BACKENDS]


def _random_pencil(rng, n, density=0.05, definite=False):
    """A random sparse symmetric K (indefinite unless ``definite``) and SPD M."""
    B = sp.random(n, n, density=density, random_state=rng)
    K = B + B.T + sp.diags(rng.standard_normal(n))
    if definite:
        K = K + sp.identity(n) * (abs(K).sum(axis=1).max() + 1.0)
    C = sp.random(n, n, density=density, random_state=rng)
    M = C @ C.T + sp.identity(n)
    return sp.csr_matrix(K), sp.csr_matrix(M)


@pytest.fixture
def sparse_route(monkeypatch):
    """Small problems take the sparse route (the dense one is switched off)."""
    monkeypatch.setattr(spectrum, "_DENSE_LIMIT", 0)


# ----------------------------------------------------------------------------- the kernels
def test_pencil_kernels_against_scipy():
    from weylgain._kernels.pencil import max_asymmetry, upper_union

    rng = np.random.default_rng(0)
    for trial in range(20):
        n = int(rng.integers(1, 30))
        A = sp.random(n, n, density=0.3, random_state=rng, format="csr")
        B = sp.random(n, n, density=0.2, random_state=rng, format="csr")
        A.sort_indices()
        B.sort_indices()
        i64 = lambda a: a.astype(np.int64)  # noqa: E731
        want = np.abs(A.toarray() - A.toarray().T).max() if n else 0.0
        got = max_asymmetry(i64(A.indptr), i64(A.indices), A.data, n)
        assert got == pytest.approx(want, abs=0)
        ip, ix, kv, mv = upper_union(i64(A.indptr), i64(A.indices), A.data,
                                     i64(B.indptr), i64(B.indices), B.data, n)
        Uk = sp.csr_matrix((kv, ix, ip), shape=(n, n)).toarray()
        Um = sp.csr_matrix((mv, ix, ip), shape=(n, n)).toarray()
        assert np.array_equal(Uk, np.triu(A.toarray()))
        assert np.array_equal(Um, np.triu(B.toarray()))
        pattern = (np.triu(A.toarray()) != 0) | (np.triu(B.toarray()) != 0)
        assert int(ip[-1]) == int(pattern.sum())
        for i in range(n):
            row = ix[ip[i]:ip[i + 1]]
            assert np.array_equal(row, np.flatnonzero(pattern[i]))


def _naive_max_asymmetry(A):
    D = A.toarray()
    return float(np.abs(D - D.T).max()) if D.size else 0.0


@pytest.mark.parametrize("kind", ["symmetric", "perturbed", "dropped mirror", "moved mirror",
                                  "random"])
def test_max_asymmetry_against_dense(kind):
    """The one-cursor-per-row kernel against |A - A^T| computed densely, on the patterns that
    exercise each of its branches (mirrors met, stepped over, never reached)."""
    from weylgain._kernels.pencil import max_asymmetry

    rng = np.random.default_rng(7)
    for trial in range(30):
        n = int(rng.integers(1, 40))
        B = sp.random(n, n, density=0.25, random_state=rng, format="csr")
        A = (B + B.T).tolil()
        if kind == "perturbed" and A.nnz:
            i, j = (int(v) for v in np.argwhere(A.toarray() != 0)[rng.integers(A.nnz)])
            A[i, j] = A[i, j] + 1e-3 * (1 + trial)
        elif kind in ("dropped mirror", "moved mirror") and n > 2:
            rows, cols = np.nonzero(np.triu(A.toarray(), 1))
            if rows.size:
                k = int(rng.integers(rows.size))
                i, j = int(rows[k]), int(cols[k])
                if rng.random() < 0.5:
                    i, j = j, i
                v = A[i, j]
                A[i, j] = 0.0
                if kind == "moved mirror":  # same counts above and below, patterns differ
                    free = np.argwhere(A.toarray() == 0)
                    free = free[free[:, 0] != free[:, 1]]
                    if free.size:
                        a, b = (int(t) for t in free[rng.integers(len(free))])
                        A[a, b] = v
        elif kind == "random":
            A = sp.random(n, n, density=0.3, random_state=rng, format="lil")
        A = sp.csr_matrix(A)
        A.eliminate_zeros()
        A.sort_indices()
        got = max_asymmetry(A.indptr.astype(np.int64), A.indices.astype(np.int64), A.data, n)
        assert got == _naive_max_asymmetry(A)


def test_symmetric_upper_products_against_scipy():
    """The one-pass products with the upper triangle against scipy on the full matrix."""
    from weylgain._kernels.pencil import symmetric_upper_abs_row_sums, symmetric_upper_matvec

    rng = np.random.default_rng(3)
    for trial in range(20):
        n = int(rng.integers(1, 50))
        K, M = _random_pencil(rng, n, density=0.2)
        p = Pencil(K, M)
        x = rng.standard_normal(n)
        for values, A in ((p.k_values, K), (p.m_values, M)):
            out = symmetric_upper_matvec(p.indptr, p.indices, values, x, np.empty(n))
            assert np.allclose(out, A @ x, rtol=1e-13, atol=1e-13 * np.abs(A).sum())
            sums = symmetric_upper_abs_row_sums(p.indptr, p.indices, values, np.empty(n))
            assert np.allclose(sums, np.asarray(abs(A).sum(axis=1)).ravel(), rtol=1e-13)


def _naive_lanczos(A, start, steps):
    """Textbook Lanczos in numpy (the reference of the fused kernel)."""
    q = start / np.linalg.norm(start)
    q_prev = np.zeros_like(q)
    alpha, beta, b_prev = [], [], 0.0
    for _ in range(steps):
        w = A @ q
        a = q @ w
        w = w - a * q - b_prev * q_prev
        b = np.linalg.norm(w)
        alpha.append(a)
        beta.append(b)
        if b < 1e-12 * max(abs(a), 1.0):
            break
        q_prev, q, b_prev = q, w / b, b
    return np.array(alpha), np.array(beta[: len(alpha) - 1])


def test_jacobi_scaled_lanczos_against_numpy():
    from weylgain._kernels.pencil import jacobi_scaled_lanczos

    rng = np.random.default_rng(5)
    for n in (2, 7, 60, 300):
        _, M = _random_pencil(rng, n, density=0.1)
        p = Pencil(sp.identity(n, format="csr"), M)
        dh = 1.0 / np.sqrt(M.diagonal())
        start = rng.standard_normal(n)
        steps = min(16, n - 1)
        alpha, beta = jacobi_scaled_lanczos(p.indptr, p.indices, p.m_values, dh, start, steps)
        S = (sp.diags(dh) @ M @ sp.diags(dh)).toarray()
        ra, rb = _naive_lanczos(S, start, steps)
        assert alpha.shape == ra.shape and beta.shape == rb.shape
        # without reorthogonalization round-off grows from step to step (the two orders of
        # summation part after ~10 steps); the first steps agree to round-off, and the
        # smallest Ritz value, which is what the screen uses, is stable
        k = min(6, alpha.size)
        assert np.allclose(alpha[:k], ra[:k], rtol=1e-10)
        assert np.allclose(beta[:k - 1], rb[:k - 1], rtol=1e-10)
        lo = sla.eigvalsh_tridiagonal(alpha, beta)[0] if beta.size else alpha[0]
        ref = sla.eigvalsh_tridiagonal(ra, rb)[0] if rb.size else ra[0]
        assert lo == pytest.approx(ref, rel=1e-6)
        # a Ritz value bounds the spectrum from above
        assert lo >= np.linalg.eigvalsh(S)[0] - 1e-12


def test_pencil_products_and_no_copy_of_the_input():
    rng = np.random.default_rng(1)
    K, M = _random_pencil(rng, 40)
    K0 = K.copy()
    p = Pencil(K, M)
    x = rng.standard_normal(40)
    assert np.allclose(p.K_matvec(x), K @ x)
    assert np.allclose(p.M_matvec(x), M @ x)
    assert np.allclose(p.dense(p.values(2.5)), (K - 2.5 * M).toarray())
    assert (K != K0).nnz == 0
    assert p.scale == pytest.approx(np.max(np.abs(K.diagonal()) / M.diagonal()))
    with pytest.raises(MatrixError, match="not symmetric"):
        Pencil(sp.csr_matrix(np.triu(np.ones((3, 3)))), sp.identity(3))


# ----------------------------------------------------------------------------- against eigh
@pytest.mark.parametrize("backend", _each_backend())
def test_inertia_equals_dense_eigh_on_random_pencils(backend):
    from weylgain.backends import backend_class

    rng = np.random.default_rng(7)
    for trial in range(12):
        n = int(rng.integers(20, 120))
        K, M = _random_pencil(rng, n, definite=(trial % 3 == 0))
        ev = sla.eigh(K.toarray(), M.toarray(), eigvals_only=True)
        be = backend_class(backend)(Pencil(K, M))
        try:
            gaps = np.diff(ev)
            for sigma in list(rng.uniform(ev[0] - 1, ev[-1] + 1, 3)) + \
                    [0.5 * (ev[j] + ev[j + 1]) for j in np.argsort(gaps)[-2:]]:
                f = be.factor(sigma)
                if f.inertia.trusted:
                    assert f.inertia.negative == int((ev < sigma).sum()), (trial, sigma)
                    assert f.inertia.zero == 0
                    assert f.inertia.positive == n - f.inertia.negative
                    y = f.solve(np.ones(n))
                    assert np.allclose((K - sigma * M) @ y, 1.0, atol=1e-6)
                else:
                    # a backend may refuse, never lie; the counter then recovers
                    assert f.inertia.reason
        finally:
            be.close()


@pytest.mark.parametrize("backend", _each_backend())
def test_counts_at_shifts_within_1e12_of_an_eigenvalue(backend, sparse_route):
    rng = np.random.default_rng(3)
    K, M = _random_pencil(rng, 150)
    ev = sla.eigh(K.toarray(), M.toarray(), eigvals_only=True)
    counter = EigenCounter(K, M, backend=backend)
    try:
        for j in rng.choice(150, 12, replace=False):
            for lam in (ev[j] - 1e-12, ev[j], ev[j] + 1e-12):
                res = counter.count_result(lam)
                tol = counter.tolerance(lam)
                # eigenvalues within the tolerance of lam count as equal to it
                assert int((ev <= lam - tol).sum()) <= res.count <= int((ev <= lam + 6 * tol).sum())
                assert res.count == int((ev <= res.shift).sum())
                assert res.backend in (backend, "superlu", "dense")
    finally:
        counter.close()


# ----------------------------------------------------------------------------- meshes
# exact counts of the smooth spectra where the P1 eigenvalues are resolved (lam h^2 small):
# S^2 between clusters l(l+1): (L+1)^2; T^2 = R^2/(2 pi Z)^2: #{k in Z^2 : |k|^2 <= lam};
# the Neumann box [0, 1]^3 (pi^2 |k|^2, k >= 0): 1 below pi^2, then 4 (three k = e_i)
MESHES = {
    "sphere": (lambda: meshes.sphere(4), {0.0: 1, 4.0: 4, 9.0: 9, 16.0: 16, 25.0: 25}),
    "box": (lambda: meshes.box(3, 12), {0.0: 1, 5.0: 1, 12.0: 4}),
    "torus": (lambda: meshes.torus(2, 40), {0.0: 1, 1.5: 5, 2.5: 9, 4.5: 13}),
}


@pytest.mark.parametrize("name", sorted(MESHES))
def test_backends_agree_with_each_other_and_exact_counts_on_meshes(name):
    make, truth = MESHES[name]
    K, M = laplacian(make())
    assert K.shape[0] > spectrum._DENSE_LIMIT
    lams = list(truth)
    seen = {}
    for backend in INSTALLED:
        info = counting_function(K, M, lams, backend=backend, return_info=True)
        assert info.counts.tolist() == list(truth.values()), backend
        assert info.backend == backend
        assert {r.backend for r in info.results} == {backend}
        # and far beyond the resolved range, where only agreement can be checked
        seen[backend] = count_eigenvalues(K, M, 400.0, backend=backend)
    assert len(set(seen.values())) == 1, seen


# ----------------------------------------------------------------------------- misbehaviour
@pytest.mark.parametrize("backend", _each_backend())
def test_singular_shift_is_reported_untrusted(backend):
    from weylgain.backends import backend_class

    n = 60
    K = sp.diags(np.arange(n, dtype=float) // 2)  # double eigenvalues 0, 1, ..., 29
    M = sp.identity(n, format="csr")
    be = backend_class(backend)(Pencil(K, M))
    try:
        f = be.factor(7.0)  # exactly at an eigenvalue: two exact zero pivots
        assert not f.inertia.trusted
        assert f.inertia.reason
    finally:
        be.close()


@pytest.mark.parametrize("backend", _each_backend())
def test_singular_shift_recovers_or_raises_clearly(backend, sparse_route, monkeypatch):
    n = 60
    K = sp.diags(np.arange(n, dtype=float) // 2)
    M = sp.identity(n, format="csr")
    # the counter moves the shift off lam: counted right, eigenvalues at lam included
    assert count_eigenvalues(K, M, 7.0, backend=backend) == 16
    # forced to factor exactly at the eigenvalue (zero tolerance), every attempt is singular,
    # and so is the dense last resort (K - 7 M has an exact zero eigenvalue): refused, with
    # what happened on every route
    monkeypatch.setattr(spectrum, "_RTOL", 0.0)
    with pytest.raises(CountingError, match=r"cannot certify.*min \|eig\(K - sigma M\)\| = 0"):
        count_eigenvalues(K, M, 7.0, backend=backend)
    # one tolerance above the eigenvalue, the dense route counts it (16 = 2 * 8 below 7.5)
    assert count_eigenvalues(K, M, 7.5, backend=backend) == 16
    monkeypatch.setattr(spectrum, "_DENSE_FALLBACK_LIMIT", 0)
    with pytest.raises(CountingError, match="cannot certify"):
        count_eigenvalues(K, M, 7.0, backend=backend)


@pytest.mark.skipif(bool(_WHY["pardiso"]), reason=_WHY["pardiso"] or "ok")
def test_pardiso_perturbed_pivots_fall_back_to_a_certified_route(sparse_route):
    # [[0, 1], [1, 0]] blocks: zero 1x1 pivots; PARDISO's pivoting stays within supernodes,
    # so with the blocks split across supernodes it perturbs (or pivots 2x2). Either way the
    # count must be the truth: n/2 eigenvalues -1 (M = I) below 0.
    from weylgain.backends.pardiso import PardisoBackend

    n = 200
    rows = np.arange(0, n, 2)
    K = sp.coo_matrix((np.ones(n), (np.r_[rows, rows + 1], np.r_[rows + 1, rows])),
                      shape=(n, n)).tocsr()
    M = sp.identity(n, format="csr")
    be = PardisoBackend(Pencil(K, M))
    be._iparm[20] = 0  # no Bunch-Kaufman: only 1x1 pivots, so the zero pivots get perturbed
    try:
        f = be.factor(0.0)
        assert not f.inertia.trusted and "perturbed" in f.inertia.reason
    finally:
        be.close()
    counter = EigenCounter(K, M, backend="pardiso")
    counter._get_backend("pardiso")._iparm[20] = 0
    res = counter.count_result(0.0)
    counter.close()
    assert res.count == n // 2
    assert res.backend in ("pardiso", "mumps", "superlu", "dense")
    if res.backend != "pardiso":
        assert any("perturbed" in r for r in res.reasons)


def test_superlu_alone_through_the_environment(monkeypatch, sparse_route):
    monkeypatch.setenv("WEYLGAIN_BACKEND", "superlu")
    assert resolve_backend() == "superlu"
    K, M = laplacian(meshes.sphere(3))
    res = count_eigenvalues(K, M, 12.5, return_info=True)
    assert (res.count, res.backend) == (16, "superlu")  # l <= 3 on S^2: 1 + 3 + 5 + 7
    assert res.to_dict()["backend"] == "superlu"


def test_backend_names_are_checked():
    with pytest.raises(SpecError, match="unknown backend"):
        resolve_backend("cholmod")
    for b in BACKENDS:
        if _WHY[b]:
            with pytest.raises(SpecError, match="not available"):
                resolve_backend(b)
    assert resolve_backend("auto") == INSTALLED[0]


def _naive_dominant_definite(A, rtol=1e-13):
    """Reference of the graph test: breadth-first sign propagation over each component."""
    D = A.toarray()
    n = D.shape[0]
    d = np.diag(D)
    off = np.abs(D).sum(axis=1) - np.abs(d)
    slack = d - off
    tol = rtol * (np.abs(d) + off)
    if (slack < -tol).any() or not (d > 0).all():
        return False
    sign = np.zeros(n, dtype=int)
    for root in range(n):
        if sign[root]:
            continue
        sign[root] = 1
        comp, stack, settled = [root], [root], False
        while stack:
            i = stack.pop()
            for j in np.flatnonzero(D[i]):
                if j == i:
                    continue
                want = -int(np.sign(D[i, j])) * sign[i]
                if sign[j] == 0:
                    sign[j] = want
                    comp.append(j)
                    stack.append(j)
                elif sign[j] != want:
                    settled = True
        settled |= bool((slack[comp] > tol[comp]).any())
        if not settled:
            return False
    return True


@pytest.mark.parametrize("kind", ["triangles", "bipartite", "signed", "strict row", "random"])
def test_diagonally_dominant_definite_against_bfs_and_eigvalsh(kind):
    """The parity union-find against breadth-first sign propagation, and its True against
    the smallest eigenvalue computed densely (a proof must never accept a singular matrix)."""
    from weylgain._kernels.pencil import diagonally_dominant_definite

    rng = np.random.default_rng(11)
    seen = set()
    for trial in range(40):
        n = int(rng.integers(3, 30))
        if kind == "bipartite":  # edges only between the two halves: a null vector exists
            B = sp.random(n, n, density=0.3, random_state=rng).toarray()
            half = n // 2
            B[:half, :half] = 0
            B[half:, half:] = 0
        else:
            B = sp.random(n, n, density=0.3, random_state=rng).toarray()
        W = np.triu(B, 1)
        if kind == "signed":
            W *= rng.choice([-1.0, 1.0], size=W.shape)
        W = W + W.T
        A = np.diag(np.abs(W).sum(axis=1)) + W  # every row exactly weakly dominant
        if kind == "triangles":
            A = np.zeros((n, n))
            for _ in range(n):  # P1-like masses: a sum of (J + I) blocks on triangles
                t = rng.choice(n, size=3, replace=False)
                A[np.ix_(t, t)] += rng.random() * (np.ones((3, 3)) + np.eye(3)) / 12
            A[np.diag_indices(n)] += (np.abs(A).sum(axis=1) - 2 * np.diag(A)).clip(0)
        if kind == "strict row":
            A[0, 0] *= 1.5
        if kind == "random":
            A = A + np.diag(rng.standard_normal(n) * 0.1 * np.abs(np.diag(A)).max())
        if not (np.diag(A) > 0).all():
            continue
        p = Pencil(sp.identity(n, format="csr"), sp.csr_matrix(A))
        got = bool(diagonally_dominant_definite(p.indptr, p.indices, p.m_values, 1e-13))
        assert got == _naive_dominant_definite(sp.csr_matrix(A))
        lo = np.linalg.eigvalsh(A / np.sqrt(np.outer(np.diag(A), np.diag(A))))[0]
        if got:
            assert lo > 1e-12
        seen.add(got)
    if kind == "bipartite":  # every component is consistent: never proved, and singular
        assert seen == {False}
    if kind == "triangles":
        assert True in seen


def test_mass_screen_on_meshes_takes_the_graph_proof_and_rejects_a_singular_mass():
    """P1 masses of triangle meshes are proved definite on the graph (no Lanczos steps); a
    weakly dominant mass with a null vector is refused."""
    from weylgain._kernels import pencil as kern

    K, M = laplacian(meshes.sphere(3))
    p = Pencil(K, M)
    assert kern.diagonally_dominant_definite(p.indptr, p.indices, p.m_values, 1e-13)
    p.check_mass_positive_definite(dense_limit=0)
    # [[1, 1], [1, 1]] blocks along the diagonal of a 500 x 500 matrix: singular, dominant
    n = 500
    blocks = sp.block_diag([np.ones((2, 2))] * (n // 2), format="csr")
    with pytest.raises(MatrixError, match="positive definite"):
        Pencil(sp.identity(n, format="csr"), blocks).check_mass_positive_definite()


def test_a_failed_analysis_is_not_redone_at_every_threshold(sparse_route, monkeypatch):
    """A backend whose analysis fails is skipped at the next thresholds (SuperLU counts)."""
    import weylgain.backends as backends

    calls = []
    real = backends.backend_class

    class Failing:
        def __init__(self, pencil):
            calls.append(1)
            raise MemoryError("no memory for the analysis (forced)")

    monkeypatch.setattr(backends, "backend_class",
                        lambda name: Failing if name == "mumps" else real(name))
    n = 60
    K = sp.diags(np.arange(n, dtype=float))
    M = sp.identity(n, format="csr")
    counter = EigenCounter(K, M, backend="superlu")
    counter.backend = "mumps"  # as if chosen; its analysis fails
    got = [counter.count_result(lam) for lam in (3.5, 10.5, 40.5)]
    assert [r.count for r in got] == [4, 11, 41]  # diag(0, 1, ..., 59): exact
    assert all(r.backend == "superlu" and "analysis failed" in r.reasons[0] for r in got)
    assert len(calls) == 1
