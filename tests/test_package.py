"""The package surface: flat API, no heavy or optional imports at import time, no compile."""

import subprocess
import sys

import weylgain


def test_all_names_exist():
    for name in weylgain.__all__:
        assert hasattr(weylgain, name), name


def test_import_is_light():
    code = (
        "import sys, weylgain; "
        "bad = [m for m in ('matplotlib', 'sympy', 'meshio', 'lapy', 'skfem') if m in sys.modules]; "
        "print(bad)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_no_numba_compilation_at_import():
    code = (
        "import weylgain; "
        "from weylgain._kernels import assembly; "
        "print(len(assembly.assemble_p1.signatures))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "0"


def test_cli_without_arguments_shows_what_it_can_do():
    out = subprocess.run([sys.executable, "-m", "weylgain"], capture_output=True, text=True)
    assert out.returncode == 0
    for cmd in ("count", "exact", "gain", "learn"):
        assert cmd in out.stdout


def test_numba_caches_never_go_into_the_package(tmp_path):
    import os

    env = {k: v for k, v in os.environ.items() if k != "NUMBA_CACHE_DIR"}
    env["XDG_CACHE_HOME"] = str(tmp_path)
    code = (
        "import numpy as np, weylgain; from weylgain import meshes; "
        "weylgain.laplacian(meshes.interval(5))"
    )
    subprocess.run([sys.executable, "-c", code], env=env, check=True)
    assert list((tmp_path / "weylgain" / "numba").rglob("*.nbi")), "no cache in the user folder"
    pkg = os.path.dirname(weylgain.__file__)
    stray = [os.path.join(d, f) for d, _, fs in os.walk(pkg) for f in fs if f.endswith((".nbi", ".nbc"))]
    assert not stray, stray
