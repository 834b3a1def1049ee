"""Memory estimates against measured peaks, refusals before allocation, and numba's cache folder.

Truth: tracemalloc peaks of the real generators and assembler; the vertex and simplex counts
of the generated meshes; subprocesses with hostile environments (a cache folder inside a
regular file fails for root as well, unlike permission bits).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

import pytest

import weylgain
from weylgain import meshes
from weylgain import resources as res
from weylgain.errors import ParameterError, ResourceError, SpecError

PACKAGE = Path(weylgain.__file__).parent

SPECS = ["interval:5000", "circle:3000", "torus:2:60", "box:3:12", "sphere:3",
         "sphere:2:octahedron", "hemisphere:3", "disk:3", "sphere3:1", "ball:1", "torus:4:5",
         "box:4:4", "sphere:6"]


def _kind_and_ints(spec):
    kind, *fields = spec.split(":")
    ints = [int(f) for f in fields if f.isdigit()]
    if "octahedron" in fields:
        kind += ":octahedron"
    return kind, ints


@pytest.mark.parametrize("spec", SPECS)
def test_mesh_size_formulas_match_the_generators(spec):
    kind, ints = _kind_and_ints(spec)
    n, m, k, D = res.mesh_size(kind, *ints)
    mesh = meshes.from_spec(spec)
    assert (n, m, k, D) == (mesh.n_vertices, mesh.n_simplices, mesh.dim, mesh.ambient_dim)


def _peak(fn):
    tracemalloc.start()
    try:
        out = fn()
        return out, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("spec", ["sphere:4", "sphere:6", "torus:2:200", "box:3:24", "ball:2",
                                  "sphere3:2", "torus:4:8", "interval:100000"])
def test_estimates_are_within_a_factor_two_of_measured_peaks(spec):
    kind, ints = _kind_and_ints(spec)
    warm = meshes.from_spec(spec.split(":")[0] + ":" + ":".join(
        str(min(i, 3)) for i in ints)) if kind not in ("interval",) else meshes.interval(10)
    weylgain.laplacian(warm)  # numba kernels loaded outside the measurement
    mesh, peak_mesh = _peak(lambda: meshes.from_spec(spec))
    _, peak_lap = _peak(lambda: weylgain.laplacian(mesh))
    est_mesh = res.mesh_memory(kind, *ints).bytes
    est_lap = res.laplacian_memory(mesh.n_vertices, mesh.n_simplices, mesh.dim).bytes
    assert 0.5 <= est_mesh / peak_mesh <= 2.0, (est_mesh, peak_mesh)
    assert 0.5 <= est_lap / peak_lap <= 2.0, (est_lap, peak_lap)


def test_far_too_large_requests_are_refused_at_once():
    for spec in ("sphere:40", "torus:4:100000", "ball:30", "isphere:100000000000000:C5"):
        t0 = time.perf_counter()
        with pytest.raises(ResourceError, match=r"would need about .* available; choose"):
            meshes.from_spec(spec)
        assert time.perf_counter() - t0 < 1.0


def test_memory_limit_variable_refuses_a_small_request(monkeypatch):
    monkeypatch.setenv("WEYLGAIN_MEMORY_LIMIT", "1M")
    assert res.available_memory() <= 2**20
    with pytest.raises(ResourceError, match="only 1.0 MiB"):
        meshes.from_spec("sphere:6")
    with pytest.raises(ResourceError, match="assembling K and M"):
        weylgain.laplacian(meshes.sphere(5))
    monkeypatch.setenv("WEYLGAIN_MEMORY_LIMIT", "lots")
    with pytest.raises(ParameterError, match="WEYLGAIN_MEMORY_LIMIT"):
        res.available_memory()


def test_available_memory_reads_meminfo():
    with open("/proc/meminfo") as fh:
        total = int(next(line for line in fh if line.startswith("MemTotal:")).split()[1]) * 1024
    avail = res.available_memory()
    assert avail is not None and 0 < avail <= total


def test_cli_refuses_within_a_second_of_starting():
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "weylgain", "count", "--mesh", "sphere:40"],
                          capture_output=True, text=True, timeout=60)
    elapsed = time.perf_counter() - t0
    assert proc.returncode == 2
    assert "would need about" in proc.stderr and "Traceback" not in proc.stderr
    # the interpreter and the package import dominate; the refusal itself is instant
    assert elapsed < 10.0


def test_estimate_records_and_formatting():
    est = res.mesh_memory("sphere", 40)
    assert est.to_dict()["what"] == "the mesh sphere:40" and est.bytes > 1e27
    assert res.format_bytes(1536) == "1.5 KiB" and res.format_bytes(10) == "10 bytes"
    assert res.exact_table_memory(10, 100, itemsize=16, copies=1).bytes == 16000
    with pytest.raises(SpecError):
        meshes.from_spec("sphere:x")


# ====================================================================== numba cache folder
_PROBE = """
import json, sys, tempfile, warnings
if len(sys.argv) > 1:
    tempfile.tempdir = sys.argv[1]
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    import weylgain._kernels as k
    folder = k._cache.chosen_folder()
    if len(sys.argv) > 2:
        import weylgain
        from weylgain import meshes
        K, M = weylgain.laplacian(meshes.sphere(1))
print(json.dumps({"folder": folder, "warnings": [str(w.message) for w in caught
                                                 if "CacheWarning" in type(w.message).__name__]}))
"""


def _run_probe(env_changes, *args, timeout=120):
    env = dict(os.environ)
    for key, value in env_changes.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    proc = subprocess.run([sys.executable, "-c", _PROBE, *args], env=env, capture_output=True,
                          text=True, timeout=timeout)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _package_cache_files():
    return sorted(str(p) for p in PACKAGE.rglob("*.nbi")) + sorted(
        str(p) for p in PACKAGE.rglob("*.nbc"))


@pytest.fixture
def regular_file(tmp_path):
    f = tmp_path / "a_file"
    f.write_text("not a folder")
    return f


def test_unwritable_cache_dir_falls_back_with_one_warning(regular_file, tmp_path):
    before = _package_cache_files()
    out = _run_probe({"NUMBA_CACHE_DIR": str(regular_file / "cache"),
                      "XDG_CACHE_HOME": str(tmp_path / "xdg"), "HOME": None})
    assert out["folder"] == str(tmp_path / "xdg" / "weylgain" / "numba")
    assert len(out["warnings"]) == 1 and "not a writable folder" in out["warnings"][0]
    assert _package_cache_files() == before


def test_no_home_uses_a_private_temporary_folder(regular_file, tmp_path):
    temp = tmp_path / "tmp"
    temp.mkdir()
    out = _run_probe({"NUMBA_CACHE_DIR": None, "HOME": None,
                      "XDG_CACHE_HOME": str(regular_file / "x")}, str(temp))
    assert out["folder"] == str(temp / f"weylgain-numba-{os.getuid()}")
    assert out["warnings"] == []
    assert (os.stat(out["folder"]).st_mode & 0o777) == 0o700


def test_a_temporary_folder_of_another_owner_is_not_used(regular_file, tmp_path):
    temp = tmp_path / "tmp"
    planted = temp / f"weylgain-numba-{os.getuid()}"
    planted.mkdir(parents=True)
    planted.chmod(0o777)  # writable by everyone: cached code there could be anyone's
    out = _run_probe({"NUMBA_CACHE_DIR": None, "HOME": None,
                      "XDG_CACHE_HOME": str(regular_file / "x")}, str(temp))
    assert out["folder"] is None and len(out["warnings"]) == 1


def test_cache_inside_the_package_is_refused(tmp_path):
    out = _run_probe({"NUMBA_CACHE_DIR": str(PACKAGE / "_kernels" / "__pycache__"),
                      "XDG_CACHE_HOME": str(tmp_path / "xdg")})
    assert out["folder"] == str(tmp_path / "xdg" / "weylgain" / "numba")
    assert "inside the weylgain package" in out["warnings"][0]


@pytest.mark.slow
def test_nothing_writable_compiles_without_caching_and_runs(regular_file):
    before = _package_cache_files()
    out = _run_probe({"NUMBA_CACHE_DIR": str(regular_file / "c"), "HOME": None,
                      "XDG_CACHE_HOME": str(regular_file / "x")}, str(regular_file / "t"),
                     "run", timeout=600)
    assert out["folder"] is None
    assert len(out["warnings"]) == 1 and "without caching" in out["warnings"][0]
    assert _package_cache_files() == before
