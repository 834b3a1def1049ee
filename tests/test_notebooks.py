"""Execute every notebook (jupytext percent-format .py) in a real kernel; their asserts count.

The kernel uses matplotlib's inline backend, as Jupyter does, so the test also checks what a
reader sees: each notebook displays at least one figure (a PNG output).

Each notebook is executed once per test run. The executed notebook goes into a jupyter-cache
in the session's temporary folder, keyed by the hash of its code; the documentation build
(tests/test_docs_site.py) reads its outputs from there instead of executing it a second time.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.py"))


def notebook_cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The session's jupyter-cache of executed notebooks (shared with the docs build)."""
    return tmp_path_factory.getbasetemp() / "jupyter_cache"


def execute_notebook(path: Path, tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The executed notebook of ``path``: from the session's cache, else run in a kernel.

    A failing cell raises (nbclient's CellExecutionError) and nothing is cached.
    """
    jupytext = pytest.importorskip("jupytext")
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    pytest.importorskip("matplotlib_inline")
    nb = jupytext.read(path)
    cache = None
    try:
        from jupyter_cache import get_cache
        from jupyter_cache.base import CacheBundleIn
    except ImportError:  # no myst-nb here: execute without a cache
        pass
    else:
        cache = get_cache(str(notebook_cache_dir(tmp_path_factory)))
        try:
            record = cache.match_cache_notebook(nb)
        except KeyError:
            pass
        else:
            return cache.get_cache_bundle(record.pk).nb
    env = dict(os.environ)
    # headless, yet figures become outputs (Agg, which CI sets, would silently drop them)
    env["MPLBACKEND"] = "module://matplotlib_inline.backend_inline"
    # the kernel imports this checkout's weylgain even when it is not installed
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    workdir = tmp_path_factory.mktemp(f"nb_{path.stem}")
    # no timing metadata on the cells: the cache key (cells and their metadata) stays the
    # one the docs build computes from the same source
    client = nbclient.NotebookClient(nb, timeout=900, kernel_name="python3",
                                     record_timing=False,
                                     resources={"metadata": {"path": str(workdir)}})
    client.execute(env=env)
    if cache is not None:
        cache.cache_notebook_bundle(CacheBundleIn(nb, str(path)), check_validity=False,
                                    overwrite=True)
    return nb


def figures(nb: Any) -> list[Any]:
    return [out for cell in nb.cells if cell.cell_type == "code"
            for out in cell.get("outputs", [])
            if out.get("output_type") in ("display_data", "execute_result")
            and "image/png" in out.get("data", {})]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs(path: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    nb = execute_notebook(path, tmp_path_factory)
    errors = [out for cell in nb.cells if cell.cell_type == "code"
              for out in cell.get("outputs", []) if out.get("output_type") == "error"]
    assert not errors, f"{path.name}: {errors[0].get('ename')}: {errors[0].get('evalue')}"
    assert figures(nb), f"{path.name} displays no figure when run in a kernel"


def test_there_are_notebooks() -> None:
    assert NOTEBOOKS, "no notebooks found in notebooks/"
