"""Fill-reducing orderings per backend: every ordering gives the true inertia, "auto" picks the
one that keeps the fill (PARDISO's parallel nested dissection) or needs fewer flops (MUMPS'
PORD on volume meshes, our nested dissection on surfaces), decided from the pencil alone.

Truth: dense ``scipy.linalg.eigh`` of the same pencil, and the libraries' own predictions of
the factor size of the orderings compared (not the choice under test).
"""

import numpy as np
import pytest
import scipy.linalg as sla
import scipy.sparse as sp

from weylgain import meshes
from weylgain.backends import Pencil, available_backends
from weylgain.errors import SpecError
from weylgain.fem import laplacian

_WHY = available_backends()
needs_pardiso = pytest.mark.skipif(bool(_WHY["pardiso"]), reason=_WHY["pardiso"] or "")
needs_mumps = pytest.mark.skipif(bool(_WHY["mumps"]), reason=_WHY["mumps"] or "")


def _pencil_and_truth(spec):
    K, M = laplacian(meshes.from_spec(spec))
    ev = sla.eigh(K.toarray(), M.toarray(), eigvals_only=True)
    # a shift in the middle of a wide gap of the spectrum, away from every eigenvalue
    gaps = np.diff(ev[: ev.size // 3])
    j = int(np.argmax(gaps[5:])) + 5
    sigma = 0.5 * (ev[j] + ev[j + 1])
    return K, M, sigma, j + 1


@pytest.fixture(scope="module")
def surface():
    return _pencil_and_truth("sphere:3")  # 642 vertices: above the dense route's 400


@pytest.fixture(scope="module")
def volume():
    return _pencil_and_truth("box:3:9")  # 729 vertices, tetrahedra


def _check_all_orderings(cls, orderings, case):
    K, M, sigma, truth = case
    pencil = Pencil(K, M)
    before = [a.copy() for a in (pencil.indptr, pencil.indices, pencil.k_values,
                                 pencil.m_values)]
    for name in orderings:
        be = cls(pencil, ordering=name)
        try:
            f = be.factor(sigma)
            assert f.inertia.trusted, (name, f.inertia.reason)
            assert f.inertia.negative == truth, name
            x = f.solve(np.ones(pencil.n))
            A = pencil.full(f.values)
            assert np.abs(A @ x - 1.0).max() < 1e-8 * np.abs(x).max() * abs(A).sum(1).max()
            assert be.ordering == name
            assert be.factor_nonzeros is None or be.factor_nonzeros >= pencil.nnz
        finally:
            be.close()
    for a, b in zip(before, (pencil.indptr, pencil.indices, pencil.k_values, pencil.m_values)):
        assert np.array_equal(a, b)  # the analysis reads the pencil, never writes it


@needs_pardiso
@pytest.mark.parametrize("case", ["surface", "volume"])
def test_pardiso_every_ordering_counts_true(case, request):
    from weylgain.backends.pardiso import ORDERINGS, PardisoBackend

    _check_all_orderings(PardisoBackend, ORDERINGS, request.getfixturevalue(case))


@needs_mumps
@pytest.mark.parametrize("case", ["surface", "volume"])
def test_mumps_every_ordering_counts_true(case, request):
    from weylgain.backends.mumps import ORDERINGS, MumpsBackend

    _check_all_orderings(MumpsBackend, ORDERINGS, request.getfixturevalue(case))


@needs_pardiso
@pytest.mark.parametrize("spec", ["sphere:5", "box:3:20"])
def test_pardiso_auto_is_parallel_nested_dissection_with_the_same_fill(spec):
    """The parallel METIS ordering keeps the fill of the sequential one (measured equal on
    spheres and boxes up to 655k and 250k vertices; 5% allowed for thread-count effects)."""
    from weylgain.backends.pardiso import PardisoBackend

    pencil = Pencil(*laplacian(meshes.from_spec(spec)))
    sizes = {}
    for name in ("auto", "nd"):
        be = PardisoBackend(pencil, ordering=name)
        sizes[be.ordering] = (be.factor_nonzeros, be.factor_flops)
        be.close()
    assert set(sizes) == {"nd-parallel", "nd"}
    (par_nnz, par_flops), (seq_nnz, seq_flops) = sizes["nd-parallel"], sizes["nd"]
    assert seq_nnz > pencil.nnz and seq_flops > 0
    assert par_nnz <= 1.05 * seq_nnz and par_flops <= 1.05 * seq_flops


@needs_mumps
def test_mumps_auto_takes_pord_on_volume_meshes_where_it_needs_fewer_flops():
    from weylgain.backends.mumps import MumpsBackend

    pencil = Pencil(*laplacian(meshes.from_spec("box:3:20")))  # 8000 vertices
    flops = {}
    for name in ("nd", "pord"):
        be = MumpsBackend(pencil, ordering=name)
        flops[name] = be.factor_flops
        be.close()
    auto = MumpsBackend(pencil)
    try:
        assert auto.ordering == "pord"
    finally:
        auto.close()
    assert flops["pord"] < 0.8 * flops["nd"]  # the libraries' own predictions


def _row_nonzeros(A):
    """Average entries a row of the full pattern, counted by brute force."""
    A = sp.csr_matrix(A)
    pattern = (abs(A) + abs(A).T).tocsr()
    pattern.eliminate_zeros()
    return pattern.nnz / A.shape[0]


@needs_mumps
@pytest.mark.parametrize("spec, dense_rows", [("sphere:4", False), ("torus:2:30", False),
                                               ("box:3:12", True), ("ball:2", True),
                                               ("torus:3:10", True), ("torus:4:5", True)])
def test_mumps_choice_follows_the_pattern_not_the_mesh(spec, dense_rows):
    from weylgain.backends.mumps import PORD_ROW_NONZEROS, choose_ordering

    K, M = laplacian(meshes.from_spec(spec))
    truth = _row_nonzeros(K + M)
    assert (truth > PORD_ROW_NONZEROS) == dense_rows
    assert choose_ordering(Pencil(K, M)) == ("pord" if dense_rows else "nd")


@needs_mumps
def test_mumps_choice_on_a_bare_pencil():
    """No mesh at all: a path (3 a row) keeps nested dissection, a banded pencil with 13
    entries a row takes PORD."""
    from weylgain.backends.mumps import choose_ordering

    n = 500
    path = sp.diags([-np.ones(n - 1), 2 * np.ones(n), -np.ones(n - 1)], [-1, 0, 1])
    assert choose_ordering(Pencil(path, sp.identity(n))) == "nd"
    band = sp.diags([np.full(n - abs(k), -1.0) for k in range(-6, 7) if k]
                    + [np.full(n, 13.0)], [k for k in range(-6, 7) if k] + [0])
    assert choose_ordering(Pencil(band, sp.identity(n))) == "pord"


@pytest.mark.parametrize("backend", ["pardiso", "mumps"])
def test_unknown_ordering_refused(backend):
    if _WHY[backend]:
        pytest.skip(_WHY[backend])
    from weylgain.backends import backend_class

    pencil = Pencil(sp.identity(500, format="csr"), sp.identity(500, format="csr"))
    with pytest.raises(SpecError, match="unknown .* ordering 'metis5'.*choose one of"):
        backend_class(backend)(pencil, ordering="metis5")
