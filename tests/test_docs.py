"""The Sphinx documentation builds without a single warning (``sphinx-build -W``)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parent.parent / "docs"


@pytest.mark.slow
def test_docs_build_without_warnings(tmp_path: Path) -> None:
    pytest.importorskip("sphinx")
    pytest.importorskip("numpydoc")
    pytest.importorskip("myst_parser")
    env = dict(os.environ)
    # numba's cache and matplotlib must not touch the package or need a display
    env.setdefault("NUMBA_CACHE_DIR", str(tmp_path / "numba_cache"))
    env.setdefault("MPLBACKEND", "Agg")
    out = tmp_path / "html"
    proc = subprocess.run(
        [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-E", "-q", "-b", "html",
         "-d", str(tmp_path / "doctrees"), str(DOCS), str(out)],
        capture_output=True, text=True, env=env, timeout=600,
    )
    assert proc.returncode == 0, (
        f"sphinx-build -W failed (exit {proc.returncode}):\n{proc.stderr[-6000:]}"
    )
    for page in ("index", "api", "counting", "quotients", "install", "cli"):
        assert (out / f"{page}.html").is_file(), f"{page}.html was not built"
    # autodoc really imported the package: documented functions appear in the API page
    api = (out / "api.html").read_text(encoding="utf-8")
    for name in ("count_eigenvalues", "weyl_fit", "quotient", "exact_counts", "laplacian"):
        assert name in api, f"{name} missing from the API reference"
