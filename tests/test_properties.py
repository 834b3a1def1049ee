"""Property tests (hypothesis): reader round trips, readers under fuzzed bytes, and the
invariance of FEM spectra under relabelling, rigid motion and scaling.

Truth: the written arrays themselves (round trips); "a Mesh or a MeshError, nothing else"
(fuzzing); dense ``scipy.linalg.eigh`` of the unmoved mesh's matrices, counted at thresholds
in the middle of its spectral gaps (invariances). Scaling covers 1e-100 to 1e100 for curves
and surfaces and 1e-90 to 1e90 for solids: beyond that a tetrahedron's volume leaves the
range 1e-300..1e300 that Mesh accepts (and refuses with a MeshError, tested too).
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import scipy.linalg as sla
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import weylgain as wg
from weylgain import Mesh, meshes
from weylgain import io as wio
from weylgain.errors import MeshError, MeshWarning

SETTINGS = settings(max_examples=30, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])

# ====================================================================== round trips
_finite = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False,
                    width=64)


@SETTINGS
@given(st.lists(st.tuples(_finite, _finite, _finite), min_size=42, max_size=42),
       st.sampled_from(["off", "obj"]), st.booleans())
def test_write_read_round_trip_is_exact(tmp_path, noise, ext, scale):
    base = meshes.sphere(1)
    v = base.vertices * (1e3 if scale else 1.0) + 1e-3 * np.array(noise) / 1e6
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", MeshWarning)
            m = Mesh(v, base.simplices, name="x")
    except MeshError:
        assume(False)
    path = tmp_path / f"m.{ext}"
    wio.write_mesh(m, path)
    back = wio.read_mesh(path)
    np.testing.assert_array_equal(back.vertices, m.vertices)
    np.testing.assert_array_equal(back.simplices, m.simplices)


@SETTINGS
@given(st.integers(min_value=0, max_value=3), st.floats(min_value=-300, max_value=300))
def test_round_trip_at_any_exponent(tmp_path, level, exponent):
    m0 = meshes.sphere(level % 2)
    factor = 10.0 ** (exponent / 3.0)  # surfaces: areas stay inside 1e-300..1e300
    try:
        m = Mesh(m0.vertices * factor, m0.simplices)
    except MeshError as exc:
        assert "outside the range" in str(exc)
        return
    path = tmp_path / "m.off"
    wio.write_mesh(m, path)
    np.testing.assert_array_equal(wio.read_mesh(path).vertices, m.vertices)


# ====================================================================== fuzzing
def _valid_off() -> bytes:
    return (b"OFF\n# tetrahedron\n4 4 6\n0 0 0\n1 0 0\n0 1 0\n0 0 1\n"
            b"3 0 2 1\n3 0 1 3\n3 0 3 2\n3 1 2 3\n")


def _valid_obj() -> bytes:
    return b"v 0 0 0\nv 1 0 0\nv 0 1 0\nv 0 0 1\nf 1 3 2\nf 1 2 4\nf 1 4 3\nf 2 3 4\n"


def _read_survives(path):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", MeshWarning)
        try:
            m = wio.read_mesh(path)
        except MeshError:
            return None
    assert isinstance(m, Mesh)
    return m


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.sampled_from(["off", "obj", "ply", "stl", "vtk"]), st.binary(max_size=400))
def test_readers_survive_random_bytes(tmp_path, ext, data):
    path = tmp_path / f"f.{ext}"
    path.write_bytes(data)
    _read_survives(path)


@settings(max_examples=200, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.sampled_from(["off", "obj"]), st.data())
def test_readers_survive_mutated_files(tmp_path, ext, data):
    raw = bytearray(_valid_off() if ext == "off" else _valid_obj())
    for _ in range(data.draw(st.integers(1, 6))):
        op = data.draw(st.sampled_from(["flip", "insert", "delete"]))
        i = data.draw(st.integers(0, len(raw) - 1)) if raw else 0
        if op == "flip" and raw:
            raw[i] = data.draw(st.integers(0, 255))
        elif op == "insert":
            raw[i:i] = data.draw(st.binary(min_size=1, max_size=8))
        elif raw:
            del raw[i:i + data.draw(st.integers(1, 8))]
    path = tmp_path / f"f.{ext}"
    path.write_bytes(bytes(raw))
    m = _read_survives(path)
    if m is not None:  # whatever was accepted is a valid mesh
        assert np.isfinite(m.vertices).all() and m.volume > 0


# ====================================================================== invariances
_BASES = {
    "circle:12": (meshes.circle(12), 100.0),
    "disk:1": (meshes.disk(1), 100.0),
    "sphere:1": (meshes.sphere(1), 100.0),
    "torus:2:6": (meshes.torus(2, 6), 100.0),
    "ball:0": (meshes.ball(0), 90.0),
}
_REFERENCE: dict = {}


def _reference(name):
    """Dense generalized eigenvalues of the unmoved mesh; thresholds mid-gap."""
    if name not in _REFERENCE:
        mesh, _ = _BASES[name]
        K, M = wg.laplacian(mesh)
        ev = sla.eigh(K.toarray(), M.toarray(), eigvals_only=True)
        gap = (ev[1:] - ev[:-1]) > 1e-6 * ev[-1]
        lams = ((ev[1:] + ev[:-1]) / 2)[gap]
        _REFERENCE[name] = (ev, lams)
    return _REFERENCE[name]


def _rotation(rng, D):
    q, r = np.linalg.qr(rng.standard_normal((D, D)))
    return q * np.sign(np.diag(r))


@SETTINGS
@given(st.sampled_from(sorted(_BASES)), st.integers(0, 2**32 - 1),
       st.floats(min_value=-1.0, max_value=1.0), st.booleans(), st.booleans())
def test_counts_invariant_under_relabelling_motion_and_scaling(name, seed, exp_frac, move,
                                                               relabel):
    mesh, max_exp = _BASES[name]
    ev, lams = _reference(name)
    rng = np.random.default_rng(seed)
    scale = 10.0 ** (exp_frac * max_exp)
    v = mesh.vertices * scale
    period = None if mesh.period is None else mesh.period * scale
    if move and period is None:  # rigid motions of an embedded mesh (a torus: translations)
        v = v @ _rotation(rng, mesh.ambient_dim).T + rng.standard_normal(mesh.ambient_dim) * scale
    elif move:
        v = mesh.wrap_points(v / scale + rng.uniform(0, 1, mesh.ambient_dim)) * scale
    s = mesh.simplices
    if relabel:
        perm = rng.permutation(mesh.n_vertices)
        inv = np.empty_like(perm)
        inv[perm] = np.arange(perm.size)
        v, s = v[perm], inv[s]
        s = s[rng.permutation(s.shape[0])]
        s = np.take_along_axis(s, rng.permuted(np.tile(np.arange(s.shape[1]), (s.shape[0], 1)),
                                               axis=1), axis=1)
    moved = Mesh(v, s, period)
    K, M = wg.laplacian(moved)
    picks = rng.choice(lams.size, size=min(5, lams.size), replace=False)
    for lam in lams[picks]:
        assert wg.count_eigenvalues(K, M, lam / scale**2) == int((ev <= lam).sum())


@pytest.mark.parametrize("factor", [1e-101, 1e101])
def test_solids_beyond_the_double_range_are_refused(factor):
    with pytest.raises(MeshError, match="outside the range"):
        Mesh(meshes.ball(0).vertices * factor, meshes.ball(0).simplices)


@SETTINGS
@given(st.integers(-330, 330))
def test_power_of_two_scaling_is_exact(exponent):
    mesh = meshes.sphere(1)
    c = np.ldexp(1.0, exponent // 2)
    try:
        scaled = Mesh(mesh.vertices * c, mesh.simplices)
    except MeshError:
        assume(False)
    K, M = wg.laplacian(mesh)
    K2, M2 = wg.laplacian(scaled)
    # P1 on surfaces: K is scale free, M scales by c^2, both exactly (powers of two)
    np.testing.assert_array_equal(K2.toarray(), K.toarray())
    np.testing.assert_array_equal(M2.toarray(), M.toarray() * c**2)
