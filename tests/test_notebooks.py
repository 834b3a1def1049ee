"""Execute every notebook (jupytext percent-format .py) in a real kernel; their asserts count.

The kernel uses matplotlib's inline backend, as Jupyter does, so the test also checks what a
reader sees: each notebook displays at least one figure (a PNG output). The documentation
build executes the notebooks again, through its own cache (tests/test_docs_site.py).
"""

import os
from pathlib import Path

import pytest

NOTEBOOKS = sorted((Path(__file__).resolve().parent.parent / "notebooks").glob("*.py"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs(path, tmp_path, monkeypatch):
    jupytext = pytest.importorskip("jupytext")
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    pytest.importorskip("matplotlib_inline")
    nb = jupytext.read(path)
    # headless, yet figures become outputs (Agg, which CI sets, would silently drop them)
    monkeypatch.setenv("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    # the kernel imports this checkout's weylgain even when it is not installed
    root = str(path.parent.parent)
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")])))
    client = nbclient.NotebookClient(
        nb, timeout=600, kernel_name="python3",
        resources={"metadata": {"path": str(tmp_path)}},
    )
    client.execute()
    figures = [out for cell in nb.cells if cell.cell_type == "code"
               for out in cell.get("outputs", [])
               if out.get("output_type") in ("display_data", "execute_result")
               and "image/png" in out.get("data", {})]
    assert figures, f"{path.name} displays no figure when run in a kernel"


def test_there_are_notebooks():
    assert NOTEBOOKS, "no notebooks found in notebooks/"
