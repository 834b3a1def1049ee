"""``import weylgain`` is lazy: no sympy, matplotlib, scipy or numba until a name needs them.

Correctness properties of the lazy package (what is imported, which names resolve), not
timings; the import time is measured in benchmarks/bench_import.py.
"""

import ast
import json
import os
import subprocess
import sys

import pytest

import weylgain

HEAVY = ("sympy", "matplotlib", "scipy", "numba", "meshio")


def _loaded_after(code: str) -> list[str]:
    """Which of HEAVY are in sys.modules after running ``code`` in a fresh interpreter."""
    probe = (f"{code}\nimport sys, json\n"
             f"print(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                         check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_import_weylgain_imports_no_heavy_module():
    assert _loaded_after("import weylgain") == []


def test_errors_and_version_need_no_heavy_module():
    code = ("import weylgain\n"
            "assert issubclass(weylgain.SpecError, weylgain.WeylgainError)\n"
            "assert weylgain.__version__")
    assert _loaded_after(code) == []


def test_the_fem_layer_does_not_import_sympy_or_matplotlib():
    loaded = _loaded_after("from weylgain import laplacian, meshes, count_eigenvalues")
    assert "sympy" not in loaded and "matplotlib" not in loaded
    assert "scipy" in loaded  # the probe sees real imports: this one is needed


def test_cli_help_imports_no_heavy_module():
    code = ("import contextlib, io\n"
            "from weylgain.cli import main\n"
            "with contextlib.redirect_stdout(io.StringIO()):\n"
            "    main([])")
    assert _loaded_after(code) == []


def test_every_public_name_resolves_to_its_module_object():
    import importlib

    for name in weylgain.__all__:
        value = getattr(weylgain, name)
        if name in weylgain._SUBMODULES:
            assert value is importlib.import_module(f"weylgain.{name}")
        elif name in weylgain._LAZY:
            module = importlib.import_module(weylgain._LAZY[name], "weylgain")
            assert value is getattr(module, name), name
    assert set(weylgain.__all__) <= set(dir(weylgain))


def test_lazy_table_type_checking_block_and_all_agree():
    """The three lists of exports in __init__.py name the same things from the same places."""
    import weylgain.errors

    tree = ast.parse(open(weylgain.__file__, encoding="utf-8").read())
    block = next(node for node in tree.body if isinstance(node, ast.If)
                 and getattr(node.test, "id", None) == "TYPE_CHECKING")
    static: dict[str, str] = {}
    for node in block.body:
        assert isinstance(node, ast.ImportFrom) and node.level == 1
        for alias in node.names:
            static[alias.name] = "." + node.module if node.module else "." + alias.name
    lazy = dict(weylgain._LAZY, **{m: "." + m for m in weylgain._SUBMODULES})
    assert static == lazy
    eager = {alias.name for node in tree.body if isinstance(node, ast.ImportFrom)
             and node.module == "errors" for alias in node.names}
    assert eager and eager <= set(weylgain.errors.__all__)
    expected = set(lazy) | eager | {"__version__"}
    assert set(weylgain.__all__) == expected
    assert len(weylgain.__all__) == len(set(weylgain.__all__))


def test_unknown_attribute_is_an_attribute_error():
    with pytest.raises(AttributeError, match="no attribute 'not_a_name'"):
        weylgain.not_a_name  # noqa: B018


def test_function_quotient_survives_the_import_of_its_module():
    """``weylgain.quotient`` is the function even after the submodule has been imported."""
    code = ("import weylgain.quotient\n"
            "from weylgain.quotient import Quotient\n"
            "import weylgain, types\n"
            "assert callable(weylgain.quotient), weylgain.quotient\n"
            "assert not isinstance(weylgain.quotient, types.ModuleType)\n"
            "assert weylgain.quotient is sys.modules['weylgain.quotient'].quotient")
    _loaded_after("import sys\n" + code)


def test_star_import_gives_the_public_api():
    code = "from weylgain import *\nassert callable(quotient) and callable(laplacian)"
    env = dict(os.environ)
    subprocess.run([sys.executable, "-c", code], check=True, env=env)
