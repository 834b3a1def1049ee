"""The layering of the package: the counter (``spectrum``, ``resolution``, ``backends``,
``resources``) stands alone, below every mesh, quotient, group and manifold type.

The acceptance test of issue 16: ``weylgain.spectrum`` is imported and counts a pencil with
``mesh=h`` in a fresh interpreter in which the mesh, quotient, group and manifold modules cannot
be imported at all. The truth of the count is the pencil's own diagonal (eigenvalues 1..50).
Beside it: a static check of the counter's imports, and the ``mean_edge_length()`` protocol
through which the resolution rule asks a mesh or a quotient for ``h`` without naming its type.
"""

from __future__ import annotations

import ast
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import weylgain
from weylgain.errors import ParameterError
from weylgain.mesh import Mesh
from weylgain.resolution import mean_edge_length

PACKAGE = Path(weylgain.__file__).resolve().parent

# Everything that sits above the counter in the layering.
ABOVE_THE_COUNTER = ("mesh", "meshes", "invariant_meshes", "fem", "io", "quotient", "groups",
                     "manifolds", "symbolic", "geometry", "gain", "exact", "learning", "sweep")

# The counter's own modules.
COUNTER_FILES = (["spectrum.py", "weyl.py", "resolution.py", "resources.py"]
                 + [f"backends/{p.name}" for p in sorted((PACKAGE / "backends").glob("*.py"))])

_BLOCKED_COUNT = """
import sys
for name in {blocked!r}:
    sys.modules["weylgain." + name] = None   # any import of it now raises ImportError
import numpy as np
import scipy.sparse as sp
from weylgain.spectrum import EigenCounter, count_eigenvalues, weyl_fit
K = sp.diags(np.arange(1.0, 51.0)).tocsr()
res = count_eigenvalues(K, sp.identity(50, format="csr"), 10.5, mesh=0.1, return_info=True)
print(res.count, res.mean_edge, res.lam_h2, res.resolved)
"""


def test_the_counter_runs_with_every_higher_layer_blocked():
    code = _BLOCKED_COUNT.format(blocked=ABOVE_THE_COUNTER)
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=120)
    assert run.returncode == 0, run.stderr
    count, h, lam_h2, resolved = run.stdout.split()
    assert int(count) == 10                  # eigenvalues 1, 2, ..., 10 are <= 10.5
    assert float(h) == 0.1
    assert float(lam_h2) == pytest.approx(10.5 * 0.01, rel=1e-12)
    assert resolved == "True"                # 0.105 <= 0.5


def _imports(text: str, package: list[str]) -> list[tuple[int, str]]:
    """(line, absolute module name) of every import in ``text``, top level or inside a
    function, relative ones resolved against ``package`` (the file's package, as parts)."""
    found = []
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.ImportFrom):
            base = package[:len(package) - node.level + 1] if node.level else []
            target = ".".join(base + ([node.module] if node.module else []))
            names = ([target] if node.module
                     else [f"{target}.{alias.name}" for alias in node.names])
            found += [(node.lineno, name) for name in names]
        elif isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
    return found


def _upward(text: str, package: list[str]) -> list[tuple[int, str]]:
    forbidden = {f"weylgain.{name}" for name in ABOVE_THE_COUNTER}
    return [(line, mod) for line, mod in _imports(text, package)
            if any(mod == f or mod.startswith(f + ".") for f in forbidden)]


@pytest.mark.parametrize("relpath", COUNTER_FILES)
def test_the_counter_imports_nothing_above_it(relpath):
    path = PACKAGE / relpath
    package = ["weylgain"] + list(Path(relpath).parent.parts)
    assert _upward(path.read_text(), package) == [], f"{relpath} imports from a higher layer"


WEYL_NAMES = ("weyl_fit", "weyl_count", "weyl_constant", "unit_ball_volume", "WeylFit")


@pytest.mark.parametrize("name", WEYL_NAMES)
def test_the_weyl_fit_keeps_its_public_path(name):
    # the fit step moved to weylgain.weyl; weylgain.spectrum and weylgain re-export the same
    # objects, documented (and pickled) under weylgain.spectrum
    import weylgain.spectrum
    import weylgain.weyl

    obj = getattr(weylgain.weyl, name)
    assert getattr(weylgain.spectrum, name) is obj
    assert obj.__module__ == "weylgain.spectrum"
    if name in weylgain.__all__:
        assert getattr(weylgain, name) is obj


def test_the_weyl_module_imports_only_errors_and_resolution():
    inside = _package_imports("weyl.py")
    assert inside <= {"weylgain.errors", "weylgain.resolution"}, sorted(inside)


def test_the_weyl_fit_recovers_a_lattice_count():
    # truth by enumeration: N(lam) on the flat torus R^2/(2 pi Z)^2 counts integer points k
    # with |k|^2 <= lam; Weyl: C_W = omega_2 (2 pi)^2 / (2 pi)^2 = pi, vol = 4 pi^2
    from weylgain.weyl import weyl_count, weyl_fit

    k = np.arange(-60, 61)
    norms = np.add.outer(k * k, k * k).ravel()
    lams = np.linspace(400.0, 3000.0, 14)
    counts = [int((norms <= lam).sum()) for lam in lams]
    fit = weyl_fit(lams, counts)
    assert fit.dimension == pytest.approx(2.0, abs=0.02)
    assert fit.volume == pytest.approx(4 * math.pi ** 2, rel=0.05)
    assert weyl_count(100.0, 2, 4 * math.pi ** 2) == pytest.approx(100 * math.pi, rel=1e-14)


def test_the_import_check_sees_a_lazy_upward_import():
    # The static check must be able to fail: function-level imports of the mesh and the
    # quotient from inside backends/ (two dots) and from the top level (one dot, `from .`).
    text = ("import numpy\n"
            "def f():\n    from ..mesh import Mesh\n    from .pencil import Pencil\n"
            "def g():\n    from .. import quotient\n")
    assert _upward(text, ["weylgain", "backends"]) == [(3, "weylgain.mesh"),
                                                         (6, "weylgain.quotient")]
    assert _upward("from .fem import laplacian\n", ["weylgain"]) == [(1, "weylgain.fem")]
    assert _upward("from .resolution import x\n", ["weylgain"]) == []


# ---------------------------------------------------------------- the mean_edge_length protocol


def test_a_mesh_reports_its_mean_edge():
    # A right isosceles triangle with legs 1: edges 1, 1 and sqrt(2).
    tri = Mesh(np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0]]), np.array([[0, 1, 2]]))
    assert tri.mean_edge_length() == pytest.approx((2 + math.sqrt(2)) / 3, rel=1e-14)
    assert mean_edge_length(tri) == pytest.approx((2 + math.sqrt(2)) / 3, rel=1e-14)


class _Ruler:
    """Neither a Mesh nor a Quotient: an object that knows its own h."""

    def __init__(self, h):
        self.h = h

    def mean_edge_length(self):
        return self.h


def test_any_object_that_knows_its_mean_edge_is_accepted():
    assert mean_edge_length(_Ruler(0.25)) == 0.25
    assert mean_edge_length(_Ruler(0)) == 0.0        # a point orbit space: every lam resolved


@pytest.mark.parametrize("h", [float("nan"), -1.0, math.inf, "0.1", None, True, [0.1]])
def test_a_wrong_mean_edge_from_the_object_is_refused(h):
    with pytest.raises(ParameterError, match=r"mesh\.mean_edge_length\(\) must return a "
                                             r"non-negative finite number"):
        mean_edge_length(_Ruler(h))


def test_a_method_on_the_instance_alone_is_not_the_protocol():
    # Only a method of the type counts (as for Mesh and Quotient); an attribute of that name
    # on some other object leaves the usual error.
    class Plain:
        pass

    odd = Plain()
    odd.mean_edge_length = lambda: 0.1
    with pytest.raises(ParameterError, match="must be the weylgain.Mesh"):
        mean_edge_length(odd)


# ------------------------------------------------------------------------ arrows elsewhere


def _package_imports(relpath: str) -> set[str]:
    """The weylgain modules a file of the package imports (anywhere in it)."""
    package = ["weylgain"] + list(Path(relpath).parent.parts)
    return {mod for _, mod in _imports((PACKAGE / relpath).read_text(), package)
            if mod.startswith("weylgain")}


def test_the_mesh_generators_import_nothing_above_them():
    # invariant_meshes -> meshes is the one arrow between them (the spec kind isphere is read
    # by meshes.from_spec through weylgain._providers); meshes and _meshgen reach no group,
    # quotient or invariant mesh
    above = ("weylgain.invariant_meshes", "weylgain.groups", "weylgain.geometry",
             "weylgain.manifolds", "weylgain.quotient", "weylgain.gain", "weylgain.exact")
    for name in ("meshes.py", "_meshgen.py"):
        assert not {m for m in _package_imports(name) if m.startswith(above)}, name
    assert "weylgain.meshes" in _package_imports("invariant_meshes.py")


# Inside weylgain.learning every arrow points down this list (kernels at the bottom).
LEARNING_ORDER = ("invariance", "kernels", "product_kernels", "domains", "targets", "theory",
                  "fit", "curves", "scale", "experiment")


@pytest.mark.parametrize("name", LEARNING_ORDER)
def test_the_learning_modules_import_only_downwards(name):
    below = set(LEARNING_ORDER[:LEARNING_ORDER.index(name)])
    inside = {m.split(".")[2] for m in _package_imports(f"learning/{name}.py")
              if m.startswith("weylgain.learning.")}
    assert inside <= below, f"learning/{name}.py imports {sorted(inside - below)} from above"
    assert not {m for m in _package_imports(f"learning/{name}.py")
                if m.startswith(("weylgain.cli", "weylgain.sweep", "weylgain.plotting",
                                 "weylgain.mpi"))}


def test_the_learning_domains_keep_their_old_names():
    from weylgain import learning

    assert learning.Sphere is learning.SphereDomain
    assert learning.FlatTorus is learning.TorusDomain
    assert isinstance(learning.SphereKernel(2, 1.5, 4).domain, learning.Sphere)
    assert isinstance(learning.TorusKernel(2, 2.0, 4).domain, learning.FlatTorus)
    # the public objects are documented (and pickled) under weylgain.learning
    for name in ("SphereDomain", "FittedModel", "learning_curve", "experiment"):
        assert getattr(learning, name).__module__ == "weylgain.learning", name


def test_the_mesh_checks_do_not_import_the_mesh_back():
    # mesh -> _mesh_checks is the one arrow between them; the checks read a mesh through its
    # attributes, and Mesh binds them as its own methods
    from weylgain import _mesh_checks, mesh

    assert "weylgain._mesh_checks" in _package_imports("mesh.py")
    assert not {m for m in _package_imports("_mesh_checks.py") if m == "weylgain.mesh"}
    assert mesh.Mesh.validate is _mesh_checks.validate
    for name in ("coincident_pairs", "pinched_vertices", "volumes_from_edges"):
        assert getattr(mesh, name) is getattr(_mesh_checks, name)
        assert getattr(mesh, name).__module__ == "weylgain.mesh"


def test_mesh_warnings_still_point_at_the_caller():
    # an unwelded seam: vertex 3 repeats vertex 1 (truth: the two coordinates are equal), so
    # vertex 2 is also a pinch between the two triangles
    from weylgain.errors import MeshWarning

    v = np.array([[0, 0], [1, 0], [0, 1], [1, 0], [1, 1]], float)
    with pytest.warns(MeshWarning) as record:
        Mesh(v, [[0, 1, 2], [3, 4, 2]])
    assert sorted("coincide" in str(w.message) for w in record) == [False, True]
    assert {Path(w.filename).name for w in record} == {Path(__file__).name}


def test_no_module_imports_the_deprecated_shims():
    # weylgain.symbolic and weylgain.groups.geometry warn on import: nothing inside uses them
    shims = {"weylgain.symbolic", "weylgain.groups.geometry"}
    users = {str(path.relative_to(PACKAGE)): sorted(found)
             for path in sorted(PACKAGE.rglob("*.py"))
             if (found := {m for m in _package_imports(str(path.relative_to(PACKAGE)))
                           if m in shims or m.startswith("weylgain.symbolic.")})}
    users.pop("symbolic.py", None)
    users.pop("groups/geometry.py", None)
    assert not users, users
