"""Property tests (hypothesis) of the eigenvalue counts themselves.

* Random symmetric pencils (K indefinite, definite or with exact clusters; M SPD) against
  dense ``scipy.linalg.eigh``, at thresholds drawn at random, within a relative 1e-12..1e-6
  of an eigenvalue (either side) and exactly at one; below and above the dense route limit,
  through every installed backend, and with the sparse route forced on small pencils.
* Exactly on the symmetric clusters of lumped and consistent meshes (flat tori, icospheres,
  octahedral spheres, boxes): the whole cluster is counted.
* Scales from 1e-100 to 1e100 (mesh coordinates, and K and M separately): the scaled count
  equals the unscaled one, or the package refuses with a weylgain error.
* Quotient counts against a brute-force projection: the rank of the group average of vertex
  permutations (built here from coordinates with numpy) on each eigenspace of the full mesh.

The convention (``weylgain.spectrum``): ``count_eigenvalues(K, M, lam)`` is the number of
eigenvalues <= lam + tol with ``tol = EigenCounter.tolerance(lam)`` (relative 1e-9): those
within tol of lam are numerically equal to it and counted. The reference is that count from
dense eigenvalues. It is ambiguous when a true eigenvalue lies just above lam + tol: the
counter certifies a factorization only when no eigenvalue is within tol/2 of its shift and
otherwise moves the shift up to lam + 6 tol (still "numerically equal"), so an eigenvalue in
(lam + tol, lam + 6 tol] may legitimately be counted or not; and a dense eigenvalue is only
known to within its round-off. Such draws are excluded with ``assume`` (:func:`_reference`),
never by weakening the assertion.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
import scipy.linalg as sla
import scipy.sparse as sp
from hypothesis import HealthCheck, Phase, assume, given, note, settings
from hypothesis import strategies as st

import weylgain as wg
import weylgain.spectrum as spectrum
from weylgain import Mesh, groups, meshes
from weylgain.backends import BACKENDS, available_backends
from weylgain.errors import CountingError, MeshError, WeylgainError
from weylgain.spectrum import EigenCounter

_WHY = available_backends()
INSTALLED = [b for b in BACKENDS if not _WHY[b]]
EPS = np.finfo(float).eps
# the highest shift the counter's recovery may factor at, in tolerances above lam
_MAX_SHIFT = 6.0


def _settings(n: int) -> settings:
    # no example database (nothing written into the work tree) and no shrinking: a failing
    # draw is reported as found, with the notes saying what was drawn (shrinking the known
    # PARDISO failures below would cost tens of seconds a run)
    return settings(max_examples=n, deadline=None, database=None,
                    phases=[Phase.explicit, Phase.reuse, Phase.generate],
                    suppress_health_check=[HealthCheck.too_slow,
                                           HealthCheck.filter_too_much,
                                           HealthCheck.data_too_large])


# Found by these properties: next to an exact multiple eigenvalue PARDISO and SuperLU could
# count short while every guard passed (their solves had a backward error of 1e-9..1e-8,
# enough to move eigenvalues by far more than the shift's distance to the cluster). The
# counter now rejects a factorization whose backward error cannot resolve that distance and
# recovers on a more accurate route; test_counts_exactly_on_the_clusters_that_were_missed
# keeps the reproducers (torus:2:24 lumped, 2 K, lam = 2 * 0.9943014562635588: PARDISO gave
# 3 instead of 5; torus:2:22 lumped, lam = 4.885641154454419: PARDISO 19, SuperLU 20 of 21).


def _backend_params() -> list:
    return [pytest.param(b, id=b) for b in INSTALLED]


# ====================================================================== the reference
class _Dense:
    """Dense generalized eigenpairs of (K, M) and an a-priori bound on their round-off."""

    def __init__(self, K, M, vectors: bool = False):
        Kd, Md = K.toarray(), M.toarray()
        if vectors:
            self.ev, self.vecs = sla.eigh(Kd, Md)
        else:
            self.ev, self.vecs = sla.eigh(Kd, Md, eigvals_only=True), None
        self.norm_k = float(np.abs(Kd).sum(axis=1).max())
        self.norm_m = float(np.abs(Md).sum(axis=1).max())
        self.mass_min = float(sla.eigh(Md, eigvals_only=True, subset_by_index=[0, 0])[0])

    def roundoff(self, lam: float) -> float:
        """A generous bound on |computed - true| of an eigenvalue near lam (backward-stable
        eigh: eps (||K|| + |lam| ||M||) / lambda_min(M), times a safety factor)."""
        return 100 * EPS * (self.norm_k + abs(lam) * self.norm_m) / self.mass_min


def _reference(dense: _Dense, lam: float, tol: float, ev: np.ndarray | None = None) -> int:
    """#{true eigenvalues <= lam + tol}; ``assume`` away the draws where that is ambiguous.

    Ambiguous: a (dense, so uncertain by its round-off r) eigenvalue in
    (lam + tol - r, lam + 6 tol + r]. There the counter may count it (its certified shift
    can be anywhere in [lam + tol, lam + 6 tol], see the module docstring) or not, and the
    dense value cannot say on which side of lam + tol the true eigenvalue lies.
    """
    ev = dense.ev if ev is None else ev
    r = dense.roundoff(lam) + 0.05 * tol
    near = (ev > lam + tol - r) & (ev <= lam + _MAX_SHIFT * tol + r)
    if near.any():
        note(f"ambiguous: eigenvalues {ev[near].tolist()} near lam + tol = {lam + tol!r}")
    assume(not near.any())
    return int((ev <= lam + tol).sum())


def _count_with(K, M, lam: float, want: int, backend: str) -> None:
    """The count at lam with this backend (and through the public function) is ``want``."""
    counter = EigenCounter(K, M, backend=backend)
    try:
        res = counter.count_result(lam)
    finally:
        counter.close()
    assert res.count == want, (backend, lam, res)
    assert wg.count_eigenvalues(K, M, lam, backend=backend) == want


# ====================================================================== random pencils
@st.composite
def _pencils(draw, n_min: int, n_max: int):
    """(K, M, description): K symmetric (indefinite, definite, or with exact clusters from
    repeated blocks), M = C C^T + mu I symmetric positive definite, both sparse."""
    n = draw(st.integers(n_min, n_max))
    kind = draw(st.sampled_from(["indefinite", "definite", "clustered"]))
    per_row = draw(st.floats(0.5, 6.0))
    mu = 10.0 ** -draw(st.floats(0.0, 2.0))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    if kind == "clustered":
        # bitwise repeated diagonal blocks, then a random symmetric permutation: every
        # eigenvalue of a block is exactly an eigenvalue of multiplicity mult of the pencil
        kb, mb, size = [], [], 0
        while size < n:
            b = int(rng.integers(1, 5))
            A = rng.standard_normal((b, b))
            C = rng.standard_normal((b, b))
            Kb, Mb = A + A.T, C @ C.T + mu * np.eye(b)
            mult = int(rng.integers(1, 9))
            kb += [Kb] * mult
            mb += [Mb] * mult
            size += b * mult
        perm = rng.permutation(size)
        K = sp.block_diag(kb, format="csr")[perm][:, perm]
        M = sp.block_diag(mb, format="csr")[perm][:, perm]
    else:
        density = min(1.0, per_row / n)
        B = sp.random(n, n, density=density, random_state=rng)
        K = B + B.T + sp.diags(rng.standard_normal(n))
        if kind == "definite":
            K = K + sp.identity(n) * (abs(K).sum(axis=1).max() + 1.0)
        C = sp.random(n, n, density=density, random_state=rng)
        M = C @ C.T + mu * sp.identity(n)
    return (sp.csr_matrix(K), sp.csr_matrix(M),
            f"{kind} n={K.shape[0]} per_row={per_row:.3g} mu={mu:.3g} seed={seed}")


def _draw_thresholds(data, ev: np.ndarray, k: int) -> list[tuple[str, float]]:
    """k thresholds: at random, within a relative 1e-12..1e-6 of an eigenvalue (either
    side), or exactly at one."""
    spread = float(ev[-1] - ev[0]) + 1.0
    big = float(np.abs(ev).max())
    out = []
    for _ in range(k):
        how = data.draw(st.sampled_from(["random", "near", "at"]))
        if how == "random":
            lam = data.draw(st.floats(ev[0] - 0.1 * spread, ev[-1] + 0.1 * spread))
        else:
            j = data.draw(st.integers(0, ev.size - 1))
            lam = float(ev[j])
            if how == "near":
                # relative to the eigenvalue, or to the spectrum for one at ~0
                ref = abs(lam) if abs(lam) > 1e-6 * big else big
                lam += data.draw(st.sampled_from([-1.0, 1.0])) * \
                    10.0 ** data.draw(st.floats(-12.0, -6.0)) * ref
        out.append((how, float(lam)))
    return out


def _check_pencil(K, M, data, k: int, backends=INSTALLED) -> None:
    dense = _Dense(K, M)
    thresholds = _draw_thresholds(data, dense.ev, k)
    counters = {b: EigenCounter(K, M, backend=b) for b in backends}
    try:
        tol = next(iter(counters.values())).tolerance
        wants = [(how, lam, _reference(dense, lam, tol(lam))) for how, lam in thresholds]
        for how, lam, want in wants:
            for backend, counter in counters.items():
                res = counter.count_result(lam)
                assert res.count == want, (how, backend, lam, want, res)
    finally:
        for c in counters.values():
            c.close()


@_settings(40)
@given(_pencils(5, 60), st.data())
def test_counts_match_eigh_on_small_random_pencils(pencil, data):
    K, M, what = pencil
    note(what)
    assert K.shape[0] <= spectrum._DENSE_LIMIT  # the dense LDL^T route
    _check_pencil(K, M, data, 6, backends=INSTALLED[:1])


@_settings(25)
@given(_pencils(5, 60), st.data(), st.booleans())
def test_sparse_route_on_small_random_pencils_is_right_or_refuses(pencil, data, fallback):
    # the sparse factorizations forced onto small pencils (where the unguarded inertia is
    # often wrong): with the dense last resort the count is right; without it the count is
    # right or a CountingError, never wrong
    K, M, what = pencil
    note(what)
    dense = _Dense(K, M)
    thresholds = _draw_thresholds(data, dense.ev, 4)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(spectrum, "_DENSE_LIMIT", 0)
        if not fallback:
            mp.setattr(spectrum, "_DENSE_FALLBACK_LIMIT", 0)
        for backend in INSTALLED:
            counter = EigenCounter(K, M, backend=backend)
            try:
                for how, lam in thresholds:
                    want = _reference(dense, lam, counter.tolerance(lam))
                    try:
                        res = counter.count_result(lam)
                    except CountingError:
                        assert not fallback, (how, backend, lam)
                        continue
                    assert res.count == want, (how, backend, lam, want, res)
                    assert res.backend != "dense" or fallback
            finally:
                counter.close()


def _check_large_pencil(pencil, data):
    K, M, what = pencil
    note(what)
    assert K.shape[0] > spectrum._DENSE_LIMIT  # the guarded sparse route
    _check_pencil(K, M, data, 8)


@_settings(4)
@given(_pencils(420, 700), st.data())
def test_counts_match_eigh_on_large_random_pencils(pencil, data):
    _check_large_pencil(pencil, data)


@pytest.mark.slow
@_settings(25)
@given(_pencils(420, 700), st.data())
def test_counts_match_eigh_on_large_random_pencils_many(pencil, data):
    _check_large_pencil(pencil, data)


# ====================================================================== symmetric clusters
_CLUSTER_MESHES = {
    "torus:2:24": lambda: meshes.torus(2, 24),
    "torus:2:16:mirrored": lambda: meshes.torus(2, 16, triangulation="mirrored"),
    "torus:3:8": lambda: meshes.torus(3, 8),
    "sphere:2": lambda: meshes.sphere(2),
    "sphere:3": lambda: meshes.sphere(3),
    "sphere:2:octahedron": lambda: meshes.sphere(2, base="octahedron"),
    "box:3:8": lambda: meshes.box(3, 8),
    "box:2:21:mirrored": lambda: meshes.box(2, 21, triangulation="mirrored"),
}
_SLOW_CLUSTER_MESHES = {
    "torus:2:22": lambda: meshes.torus(2, 22),
    "box:2:24": lambda: meshes.box(2, 24),
    "torus:2:36": lambda: meshes.torus(2, 36),
    "torus:3:10": lambda: meshes.torus(3, 10),
    "sphere:3:octahedron": lambda: meshes.sphere(3, base="octahedron"),
    "box:3:11:mirrored": lambda: meshes.box(3, 11, triangulation="mirrored"),
}
_MESH_CACHE: dict = {}


def _clusters(ev: np.ndarray, scale: float) -> list[tuple[int, int]]:
    """[start, stop) index ranges of numerically equal eigenvalues (split by gaps above 1e-11,
    relative: symmetric clusters are split by round-off, about 1e-13)."""
    gap = np.diff(ev) > 1e-11 * np.maximum(np.abs(ev[1:]), 1e-3 * scale)
    cuts = np.r_[0, np.flatnonzero(gap) + 1, ev.size]
    return [(int(a), int(b)) for a, b in zip(cuts[:-1], cuts[1:])]


def _mesh_reference(key: str, lumped: bool, vectors: bool = False):
    ck = (key, lumped, vectors)
    if ck not in _MESH_CACHE:
        make = {**_CLUSTER_MESHES, **_SLOW_CLUSTER_MESHES}[key]
        mesh = make()
        K, M = wg.laplacian(mesh, lumped=lumped)
        dense = _Dense(K, M, vectors=vectors)
        scale = float(np.max(K.diagonal() / M.diagonal()))
        _MESH_CACHE[ck] = (mesh, K, M, dense, _clusters(dense.ev, scale))
    return _MESH_CACHE[ck]


def test_issue_reproducer_lumped_torus_cluster():
    # exactly at an eigenvalue that is 4-fold by symmetry: the whole cluster counts
    K, M = wg.laplacian(meshes.torus(2, 24), lumped=True)
    ev = sla.eigh(K.toarray(), M.toarray(), eigvals_only=True)
    lam = 0.9943014562635588
    assert int((ev <= lam * (1 + 1e-9)).sum()) == 5
    assert int((ev < lam * (1 - 1e-9)).sum()) == 1  # 4-fold: eigenvalues 2..5
    for backend in INSTALLED:
        assert wg.count_eigenvalues(K, M, lam, backend=backend) == 5, backend


def _check_cluster(key, lumped, data, backend):
    mesh, K, M, dense, clusters = _mesh_reference(key, lumped)
    ev = dense.ev
    multiple = [c for c in clusters if c[1] - c[0] >= 2]
    start, stop = data.draw(st.sampled_from(multiple or clusters), label="cluster")
    lam = float(ev[data.draw(st.integers(start, stop - 1), label="member")])
    note(f"{key} lumped={lumped}: cluster {ev[start:stop].tolist()} (indices {start}..{stop})")
    counter = EigenCounter(K, M)
    tol = counter.tolerance(lam)
    counter.close()
    # the cluster is numerically one eigenvalue: its spread is round-off
    assert ev[stop - 1] - ev[start] < 0.05 * tol
    want = _reference(dense, lam, tol)
    assert want == stop  # everything below, and the whole cluster
    _count_with(K, M, lam, want, backend)


@pytest.mark.parametrize("backend", _backend_params())
@_settings(25)
@given(st.sampled_from(sorted(_CLUSTER_MESHES)), st.booleans(), st.data())
def test_counts_exactly_on_symmetric_clusters(backend, key, lumped, data):
    _check_cluster(key, lumped, data, backend)


@pytest.mark.slow
@pytest.mark.parametrize("backend", _backend_params())
@_settings(30)
@given(st.sampled_from(sorted(_SLOW_CLUSTER_MESHES)), st.booleans(), st.data())
def test_counts_exactly_on_symmetric_clusters_larger_meshes(backend, key, lumped, data):
    _check_cluster(key, lumped, data, backend)


# (mesh, lumped, factor on K, lam, truth): PARDISO (and for the last SuperLU) counts short,
# MUMPS right (measured 2026-12-02, a fresh counter each)
_PARDISO_MISCOUNTS = [
    ("torus:2:24", True, 2.0, 0.9943014562635588, 5),  # the issue's reproducer, K doubled
    ("sphere:3", False, 1.0, 2.0115447079262454, 4),   # 3-fold l = 1 cluster of the icosphere
    ("torus:3:8", True, 1.0, 1.8992824071035297, 19),
    ("torus:2:22", True, 1.0, 4.885641154454419, 21),   # 8-fold: PARDISO 19, SuperLU 20
]


@pytest.mark.skipif(bool(_WHY["pardiso"]), reason=_WHY["pardiso"] or "ok")
@pytest.mark.parametrize("key, lumped, factor, lam, want", _PARDISO_MISCOUNTS)
def test_counts_exactly_on_the_clusters_that_were_missed(key, lumped, factor, lam, want):
    mesh, K, M, dense, clusters = _mesh_reference(key, lumped)
    K = sp.csr_matrix(K * factor)
    lam = lam * factor
    counter = EigenCounter(K, M)
    tol = counter.tolerance(lam)
    counter.close()
    assert _reference(dense, lam / factor, tol / factor) == want
    for backend in INSTALLED:  # each route, recovered where its factors cannot tell
        assert wg.count_eigenvalues(K, M, lam, backend=backend) == want, backend


@pytest.mark.slow
@pytest.mark.parametrize("backend", _backend_params())
@pytest.mark.parametrize("key", ["torus:2:24", "torus:2:22"])
def test_every_cluster_of_the_issue_tori(key, backend):
    # the issue measured 12 of 615 (torus:2:24) and 14 of 535 (torus:2:22) such counts wrong:
    # here every cluster, at its lowest and highest member, lumped and consistent
    for lumped in (True, False):
        mesh, K, M, dense, clusters = _mesh_reference(key, lumped)
        ev = dense.ev
        counter = EigenCounter(K, M, backend=backend)
        wrong = []
        try:
            for start, stop in clusters:
                for lam in {float(ev[start]), float(ev[stop - 1])}:
                    tol = counter.tolerance(lam)
                    r = dense.roundoff(lam) + 0.05 * tol
                    if ((ev > lam + tol - r) & (ev <= lam + _MAX_SHIFT * tol + r)).any():
                        continue  # ambiguous reference (see _reference)
                    got = counter.count(lam)
                    if got != int((ev <= lam + tol).sum()):
                        wrong.append((lam, got, stop))
        finally:
            counter.close()
        assert not wrong, (key, lumped, wrong[:5], len(wrong))


# ====================================================================== scales
_SCALE_MESHES = {
    # name: (factory, lumped); sizes above the dense limit so the sparse route is scaled too
    "sphere:3": (lambda: meshes.sphere(3), False),
    "sphere:3:lumped": (lambda: meshes.sphere(3), True),
    "torus:2:24:lumped": (lambda: meshes.torus(2, 24), True),  # the issue's mesh
    "box:3:8": (lambda: meshes.box(3, 8), False),
    "torus:3:8:lumped": (lambda: meshes.torus(3, 8), True),
    "circle:30": (lambda: meshes.circle(30), False),
}
_SCALE_CACHE: dict = {}


def _scale_reference(key):
    if key not in _SCALE_CACHE:
        make, lumped = _SCALE_MESHES[key]
        mesh = make()
        K, M = wg.laplacian(mesh, lumped=lumped)
        dense = _Dense(K, M)
        scale = float(np.max(K.diagonal() / M.diagonal()))
        _SCALE_CACHE[key] = (mesh, lumped, K, M, dense, _clusters(dense.ev, scale))
    return _SCALE_CACHE[key]


def _draw_mesh_thresholds(data, ev, clusters, k):
    """k thresholds: at a cluster, mid-gap, or within a relative 1e-12..1e-6 of a cluster."""
    top = int(0.6 * len(clusters))  # the lower part of the spectrum
    out = []
    for _ in range(k):
        how = data.draw(st.sampled_from(["at", "mid", "near"]))
        c = data.draw(st.integers(0, max(top - 1, 0)))
        start, stop = clusters[c]
        lam = float(ev[start])
        if how == "mid":
            lam = 0.5 * (ev[stop - 1] + ev[min(stop, ev.size - 1)])
        elif how == "near":
            rel = 10.0 ** data.draw(st.floats(-12.0, -6.0))
            lam += data.draw(st.sampled_from([-1.0, 1.0])) * rel * max(abs(lam), 1.0)
        out.append((how, lam))
    return out


def _volume_in_range(mesh, s) -> bool:
    """Whether every simplex volume and the total, scaled by s^dim, lie well inside the
    range Mesh accepts (1e-300..1e300)."""
    vol = mesh.simplex_volumes() * float(s) ** mesh.dim if abs(math.log10(s)) < 150 else None
    if vol is None or not np.isfinite(vol).all():
        return False
    return vol.min() > 1e-297 and vol.sum() < 1e297


def _mesh_scaling(backend, key, exponent, move, data, k):
    mesh, lumped, K0, M0, dense, clusters = _scale_reference(key)
    s = 10.0 ** exponent  # not a power of two: scaled coordinates are rounded
    v = mesh.vertices * s
    if move and mesh.period is None:
        v = v + s * np.linspace(0.3, 0.7, mesh.ambient_dim)  # a translation at scale
    period = None if mesh.period is None else mesh.period * s
    thresholds = _draw_mesh_thresholds(data, dense.ev, clusters, k)
    counter0 = EigenCounter(K0, M0)
    wants = [(how, lam, _reference(dense, lam, counter0.tolerance(lam)))
             for how, lam in thresholds]
    counter0.close()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", wg.errors.WeylgainWarning)
            scaled = Mesh(v, mesh.simplices, period)
    except MeshError as exc:
        # refused: only where double precision cannot carry the volumes
        assert "outside the range" in str(exc)
        assert not _volume_in_range(mesh, s), (key, s, str(exc))
        return
    try:
        K, M = wg.laplacian(scaled, lumped=lumped)
    except WeylgainError as exc:
        assert abs(exponent) > 60, (key, s, str(exc))
        return
    factor = s**2  # eigenvalues scale by s^-2
    for how, lam, want in wants:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)  # over/underflow in guards
                res = wg.count_eigenvalues(K, M, lam / factor, backend=backend,
                                           return_info=True)
        except WeylgainError as exc:  # a refusal is allowed, a wrong count never
            note(f"refused at s = {s:g}: {exc}")
            assert abs(exponent) > 60, (key, s, how, lam, str(exc))
            continue
        assert res.count == want, (key, s, how, lam, want, res)


_MESH_SCALING_ARGS = (st.sampled_from(sorted(_SCALE_MESHES)), st.floats(-100.0, 100.0),
                      st.booleans(), st.data())


@pytest.mark.parametrize("backend", _backend_params())
@_settings(6)
@given(*_MESH_SCALING_ARGS)
def test_counts_under_mesh_scaling_from_1e_minus_100_to_1e100(backend, key, exponent, move,
                                                              data):
    _mesh_scaling(backend, key, exponent, move, data, 2)


@pytest.mark.slow
@pytest.mark.parametrize("backend", _backend_params())
@_settings(30)
@given(*_MESH_SCALING_ARGS)
def test_counts_under_mesh_scaling_many(backend, key, exponent, move, data):
    _mesh_scaling(backend, key, exponent, move, data, 4)


@st.composite
def _pencil_scalings(draw):
    """Factors a, b for (a K, b M): mantissa and exponent drawn, exponents in [-100, 100]."""
    ea, eb = draw(st.integers(-100, 100)), draw(st.integers(-100, 100))
    ma, mb = draw(st.floats(1.0, 10.0)), draw(st.floats(1.0, 10.0))
    return ma * 10.0**ea, mb * 10.0**eb


def _pencil_scaling(backend, key, factors, data, k):
    mesh, lumped, K0, M0, dense, clusters = _scale_reference(key)
    a, b = factors
    thresholds = _draw_mesh_thresholds(data, dense.ev, clusters, k)
    counter0 = EigenCounter(K0, M0)
    wants = [(how, lam, _reference(dense, lam, counter0.tolerance(lam)))
             for how, lam in thresholds]
    counter0.close()
    K, M = sp.csr_matrix(K0 * a), sp.csr_matrix(M0 * b)
    for how, lam, want in wants:
        lam_s = lam * (a / b)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)  # over/underflow in guards
                res = wg.count_eigenvalues(K, M, lam_s, backend=backend, return_info=True)
        except WeylgainError as exc:
            note(f"refused at a = {a:g}, b = {b:g}: {exc}")
            assert max(abs(math.log10(a)), abs(math.log10(b))) > 60, (key, a, b, str(exc))
            continue
        assert res.count == want, (key, a, b, how, lam, want, res)


_PENCIL_SCALING_ARGS = (st.sampled_from(sorted(_SCALE_MESHES)), _pencil_scalings(), st.data())


@pytest.mark.parametrize("backend", _backend_params())
@_settings(8)
@given(*_PENCIL_SCALING_ARGS)
def test_counts_under_pencil_scaling_from_1e_minus_100_to_1e100(backend, key, factors, data):
    _pencil_scaling(backend, key, factors, data, 2)


@pytest.mark.slow
@pytest.mark.parametrize("backend", _backend_params())
@_settings(30)
@given(*_PENCIL_SCALING_ARGS)
def test_counts_under_pencil_scaling_many(backend, key, factors, data):
    _pencil_scaling(backend, key, factors, data, 4)


@pytest.mark.slow
@_settings(12)
@given(st.sampled_from(["sphere:3", "box:3:8"]), st.floats(-100.0, 100.0), st.data())
def test_random_pencils_on_a_mesh_pattern_under_scaling(key, exponent, data):
    # non-power-of-two scalings of a random indefinite K (the mesh supplies only a sparsity
    # pattern): the count at the scaled threshold is the unscaled dense count
    mesh, lumped, K0, M0, dense0, _ = _scale_reference(key)
    rng = np.random.default_rng(data.draw(st.integers(0, 2**32 - 1)))
    P = sp.triu(K0, format="coo")
    vals = rng.standard_normal(P.nnz)
    A = sp.coo_matrix((vals, (P.row, P.col)), shape=K0.shape)
    K = sp.csr_matrix(A + sp.triu(A, 1).T)
    M = sp.csr_matrix(M0 / M0.diagonal().mean())
    dense = _Dense(K, M)
    thresholds = _draw_thresholds(data, dense.ev, 3)
    counter = EigenCounter(K, M)
    wants = [(lam, _reference(dense, lam, counter.tolerance(lam))) for _, lam in thresholds]
    counter.close()
    s = 10.0 ** exponent
    Ks = sp.csr_matrix(K * s)
    for lam, want in wants:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                got = wg.count_eigenvalues(Ks, M, lam * s)
        except WeylgainError as exc:
            note(f"refused at s = {s:g}: {exc}")
            assert abs(exponent) > 60, (key, s, lam, str(exc))
            continue
        assert got == want, (key, s, lam, want)


# ====================================================================== quotients
def _centred_box(dim: int, n: int) -> Mesh:
    # the mirrored box moved so that its centre is the origin, with exactly symmetric
    # coordinates (integers times 1/(n-1)): linear reflections act on it
    b = meshes.box(dim, n, triangulation="mirrored")
    idx = np.round(b.vertices * (n - 1)) - (n - 1) // 2
    return Mesh(idx / (n - 1), b.simplices, name=f"box:{dim}:{n}:centred")


# (mesh factory taking a size, sizes, group specs)
_QUOTIENT_CASES = {
    "sphere": (lambda k: meshes.sphere(k), [1, 2, 3],
               ["Ih", "I", "Th", "T", "D2h", "C2v", "C2", "mirror", "antipodal", "signs3"]),
    "sphere:octahedron": (lambda k: meshes.sphere(k, base="octahedron"), [1, 2, 3],
                          ["Oh", "O", "C4", "C4v", "D4h", "Td", "S3", "cyc3", "B3", "D2d"]),
    "torus:2": (lambda n: meshes.torus(2, n), [6, 12, 18],
                ["S2", "antipodal", "Z2:0", "Z3:1", "Z6:0", "Z3:0 x S2"]),
    "torus:2:mirrored": (lambda n: meshes.torus(2, n, triangulation="mirrored"), [8, 12, 16],
                         ["signs2", "B2", "C4", "C4v", "mirror", "Z2:1"]),
    "torus:3": (lambda n: meshes.torus(3, n), [4, 6], ["S3", "cyc3", "antipodal", "Z2:2"]),
    "box:2:centred": (lambda n: _centred_box(2, n), [9, 13, 21],
                      ["signs2", "B2", "C4", "C2v", "S2", "antipodal"]),
    "box:3:centred": (lambda n: _centred_box(3, n), [5, 7], ["Oh", "B3", "Td", "D4h", "signs3"]),
    "circle": (lambda n: meshes.circle(n), [24, 48], ["C6", "C8v", "C3v", "C12", "mirror"]),
}
_Q_MESHES: dict = {}
_Q_GROUPS: dict = {}


def _q_group(spec: str, dim: int):
    """A catalogue group, or "A x B": the group generated by both (built from generators)."""
    if " x " not in spec:
        return groups.named(spec, dim=dim)
    gens = [g for part in spec.split(" x ") for g in groups.named(part, dim=dim).generators]
    return groups.from_generators(np.stack([g.linear for g in gens]),
                                  np.stack([g.translation for g in gens]), name=spec)


def _vertex_images(mesh: Mesh, linear: np.ndarray, translation: np.ndarray) -> np.ndarray:
    """perm[i] = the vertex at g(v_i), by brute-force nearest points (minimum image on tori)."""
    v = mesh.vertices
    per = mesh.period
    img = v @ linear.T
    if per is not None:
        fin = np.isfinite(per)
        img = img + np.where(fin, translation * np.where(fin, per, 0.0), 0.0)
    d = img[:, None, :] - v[None, :, :]
    if per is not None:
        fin = np.isfinite(per)
        d[..., fin] -= per[fin] * np.round(d[..., fin] / per[fin])
    dist = np.sqrt((d**2).sum(axis=2))
    perm = dist.argmin(axis=1)
    size = float(np.abs(v).max()) if per is None else float(np.max(per[np.isfinite(per)]))
    assert dist[np.arange(v.shape[0]), perm].max() < 1e-9 * size, "mesh not invariant"
    assert np.unique(perm).size == perm.size
    return perm


def _group_elements(gen_perms: list[np.ndarray], n: int) -> np.ndarray:
    """Every distinct vertex permutation of the group generated (breadth-first closure)."""
    ident = np.arange(n)
    seen = {ident.tobytes(): ident}
    frontier = [ident]
    while frontier:
        nxt = []
        for e in frontier:
            for g in gen_perms:
                h = g[e]
                key = h.tobytes()
                if key not in seen:
                    seen[key] = h
                    nxt.append(h)
        frontier = nxt
        assert len(seen) <= 2000
    return np.stack(list(seen.values()))


def _q_reference(case: str, size: int, spec: str, lumped: bool):
    mkey = (case, size, lumped)
    if mkey not in _Q_MESHES:
        mesh = _QUOTIENT_CASES[case][0](size)
        K, M = wg.laplacian(mesh, lumped=lumped)
        dense = _Dense(K, M, vectors=True)
        scale = float(np.max(K.diagonal() / M.diagonal()))
        _Q_MESHES[mkey] = (mesh, K, M, dense, _clusters(dense.ev, scale))
    mesh, K, M, dense, clusters = _Q_MESHES[mkey]
    gkey = (case, size, spec, lumped)
    if gkey not in _Q_GROUPS:
        group = _q_group(spec, mesh.ambient_dim)
        gens = group.extended(mesh.ambient_dim).generators
        perms = [_vertex_images(mesh, g.linear, g.translation) for g in gens]
        elements = _group_elements(perms, mesh.n_vertices)
        V = dense.vecs
        # the group average P = (1/|G|) sum_g P_g, (P_g f)(i) = f(g(v_i)), applied to every
        # eigenvector: an M-orthogonal projector onto the invariant functions that maps each
        # eigenspace into itself
        PV = np.zeros_like(V)
        for e in elements:
            PV += V[e]
        PV /= elements.shape[0]
        MV = M @ V
        inv = []
        for start, stop in clusters:
            trace = float(np.einsum("ij,ij->", MV[:, start:stop], PV[:, start:stop]))
            rank = int(np.linalg.matrix_rank(PV[:, start:stop], tol=1e-6)) if stop > start else 0
            # an eigenspace is invariant: the trace of the projector on it is its rank
            assert abs(trace - rank) < 1e-6, (case, size, spec, start, stop, trace, rank)
            inv.append(rank)
        _Q_GROUPS[gkey] = (group, elements.shape[0], np.array(inv))
    group, order, inv = _Q_GROUPS[gkey]
    return mesh, K, M, dense, clusters, group, order, inv


@st.composite
def _quotient_draws(draw):
    case = draw(st.sampled_from(sorted(_QUOTIENT_CASES)))
    _, sizes, specs = _QUOTIENT_CASES[case]
    return case, draw(st.sampled_from(sizes)), draw(st.sampled_from(specs)), draw(st.booleans())


@_settings(40)
@given(_quotient_draws(), st.data())
def test_quotient_counts_equal_brute_force_invariant_counts(draw, data):
    case, size, spec, lumped = draw
    mesh, K, M, dense, clusters, group, order, inv = _q_reference(case, size, spec, lumped)
    note(f"{mesh.name} / {spec} (|G| acting = {order}), lumped={lumped}")
    q = wg.quotient(mesh, group)
    Kq, Mq = q.laplacian(lumped=lumped)
    assert Kq.shape[0] == q.n_orbits
    values = np.array([dense.ev[a] for a, _ in clusters])
    tops = np.array([dense.ev[b - 1] for _, b in clusters])
    usable = int(0.7 * len(clusters))
    lams = []
    for _ in range(4):
        how = data.draw(st.sampled_from(["random", "mid", "at"]))
        if how == "random":
            lam = data.draw(st.floats(-0.1, float(values[usable])))
        else:
            c = data.draw(st.integers(0, usable - 1))
            lam = 0.5 * (tops[c] + values[c + 1]) if how == "mid" else float(values[c])
        lams.append((how, lam))
    counter = EigenCounter(Kq, Mq)
    try:
        for how, lam in lams:
            tol = counter.tolerance(lam)
            # the reference counts invariant eigenvalues of the full pencil: ambiguity only
            # from clusters that hold invariant functions (they are the quotient's spectrum)
            r = dense.roundoff(lam) + 0.05 * tol
            near = (inv > 0) & (tops > lam + tol - r) & (values <= lam + _MAX_SHIFT * tol + r)
            assume(not near.any())
            want = int(inv[tops <= lam + tol].sum())
            got = counter.count(lam)
            assert got == want, (mesh.name, spec, lumped, how, lam, got, want)
    finally:
        counter.close()
    # the whole invariant spectrum: as many invariant functions as orbits
    assert int(inv.sum()) == q.n_orbits
