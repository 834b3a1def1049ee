"""Issue 16: unambiguous group names in reports, no import circles, no arrows back up.

Truths: the group names are the spellings the issue asks for (``Perm(d)``, ``SignedPerm(d)``,
``Trans(k)``: none of them reads as a manifold); wall volumes against a group built from its
matrices by hand (its reflections enumerated by brute force); the deprecated methods against
the function they forward to; the invariance of the ``isphere`` mesh against a rotation
matrix written out here; the import graph read from the source text with ``ast``.
"""

from __future__ import annotations

import ast
import json
import math
import warnings
from pathlib import Path

import numpy as np
import pytest
import sympy as sp

import weylgain
from weylgain import groups
from weylgain.cli import main
from weylgain.errors import SpecError, UnsupportedError
from weylgain.gain import predict_gain
from weylgain.geometry import quotient_geometry
from weylgain.groups import from_generators, lie_group, named, subtorus
from weylgain.groups.catalogue import resolve
from weylgain.manifolds import Sphere, parse_manifold

PACKAGE = Path(weylgain.__file__).resolve().parent


# ====================================================================== names in reports
@pytest.mark.parametrize("spec, name", [("S7", "Perm(7)"), ("Perm(7)", "Perm(7)"),
                                        ("perm(7)", "Perm(7)"), ("B3", "SignedPerm(3)"),
                                        ("SignedPerm(3)", "SignedPerm(3)"),
                                        ("signs3", "signs3"), ("T2", "Trans(2)"),
                                        ("Trans(2)", "Trans(2)")])
def test_groups_carry_the_unambiguous_name(spec, name):
    assert named(spec).name == name


@pytest.mark.parametrize("manifold, group, name, order", [
    ("T7", "Perm(7)", "Perm(7)", math.factorial(7)),
    ("T7", "S7", "Perm(7)", math.factorial(7)),
    ("T3", "SignedPerm(3)", "SignedPerm(3)", 2 ** 3 * 6),
    ("S3", "S3", "Perm(3)", 6),  # the group S3 on the sphere S3
])
def test_the_gain_report_names_the_group_unambiguously(manifold, group, name, order):
    r = predict_gain(manifold, group)
    assert r.group_order == order  # brute force: d! and 2^d d!
    assert r.to_dict()["group"] == name
    assert json.loads(json.dumps(r.to_dict()))["group"] == name
    text = r.explanation
    assert f"{manifold}/{name}" in text and f"/{group} " not in text.replace(name, "")


def test_the_command_line_report_says_perm(capsys):
    assert main(["gain", "S3", "S3"]) == 0
    out = capsys.readouterr().out
    lines = {line.split()[0] + " " + line.split()[1]: line for line in out.splitlines()
             if len(line.split()) > 2}
    assert lines["group G"].split()[2] == "Perm(3)"
    assert "S3/Perm(3)" in out and "S3/S3" not in out
    assert main(["gain", "T3", "B3", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["group"] == "SignedPerm(3)"
    assert main(["gain", "T3", "T2", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["group"] == "Trans(2)"


def test_an_ambiguous_short_spelling_is_refused_with_both_readings():
    # S3 on S2^3: the 3 coordinates of every point, or the 3 points?
    with pytest.raises(SpecError) as info:
        resolve("S3", "S2^3")
    assert "'Perm(3)'" in str(info.value) and "'Sym(3)'" in str(info.value)
    # the long spellings each have one reading: orders 6 and 6, different actions
    assert resolve("Perm(3)", "S2^3").order == resolve("Sym(3)", "S2^3").order == 6


# ====================================================================== reflection_key
def _enumerated_wall(M, lin):
    """2 |walls| / |G| from the reflections found by brute force among all group elements
    (closure of the given matrices, done here)."""
    D = M.ambient_dim
    elems = {tuple(np.eye(D).ravel())}
    frontier = [np.eye(D)]
    while frontier:
        new = []
        for a in frontier:
            for g in lin:
                b = np.round(g @ a, 9)
                key = tuple(b.ravel())
                if key not in elems:
                    elems.add(key)
                    new.append(b)
        frontier = new
    mats = [np.array(k).reshape(D, D) for k in elems]
    refl = [a for a in mats if np.sum(np.isclose(np.linalg.eigvalsh((a + a.T) / 2), -1)) == 1
            and np.allclose(a @ a, np.eye(D))]
    walls = sp.Add(*[M._wall_volume(a, np.zeros(D)) for a in refl])
    return 2 * walls / len(mats), len(mats)


@pytest.mark.parametrize("spec", ["Perm(3)", "SignedPerm(3)", "signs3"])
def test_closed_form_walls_follow_the_key_not_the_name(spec):
    M = parse_manifold("T3")
    G = named(spec)
    wall, order = _enumerated_wall(M, G.generator_arrays()[0])
    q = quotient_geometry(M, G)
    assert order == G.order
    assert sp.simplify(q.wall_volume - wall) == 0


def test_a_user_group_named_like_a_catalogue_family_is_enumerated():
    # the 3-cycle of coordinates (order 3) named "S3": a rotation, no reflection at all; the
    # name must not lend it the three transpositions of the catalogue's Perm(3)
    cyc = np.array([[[0.0, 0, 1], [1, 0, 0], [0, 1, 0]]])
    G = from_generators(cyc, name="S3", order=3)
    assert G.reflection_key == ""
    q = quotient_geometry(parse_manifold("T3"), G)
    assert q.wall_volume == 0 and q.effective_order == 3


# ====================================================================== deprecated paths
J = np.array([[0.0, -1.0], [1.0, 0.0]])


def test_the_deprecated_group_methods_warn_and_forward():
    X = np.zeros((4, 4))
    X[:2, :2] = J
    lie = lie_group([X])
    with pytest.warns(DeprecationWarning, match="LieGroup.quotient_geometry"):
        old = lie.quotient_geometry(Sphere(3))
    new = quotient_geometry(Sphere(3), lie)
    assert old.to_dict() == new.to_dict()
    assert new.quotient_volume == 2 * sp.pi  # closed form (docs/theory.md: orbit 2 pi cos a)
    torus = subtorus([[1, 1]])
    T2 = parse_manifold("T2")
    with pytest.warns(DeprecationWarning, match="TorusGroup.quotient_geometry"):
        old = torus.quotient_geometry(T2)
    assert old.to_dict() == quotient_geometry(T2, torus).to_dict()
    assert sp.simplify(old.quotient_volume - sp.sqrt(2) * sp.pi) == 0  # the diagonal circle


def test_an_unregistered_provider_is_a_clear_error():
    from weylgain._providers import provided

    with pytest.raises(UnsupportedError, match="not registered"):
        provided("no such layer")


def test_the_isphere_spec_still_works_and_is_invariant():
    from weylgain import meshes

    m = meshes.from_spec("isphere:4000:C5")
    assert abs(m.n_vertices - 4000) <= 100 and m.is_closed
    c, s = math.cos(2 * math.pi / 5), math.sin(2 * math.pi / 5)
    R = np.array([[c, -s, 0], [s, c, 0], [0, 0, 1]])  # C5 about z, written out
    v = np.asarray(m.vertices)
    moved = v @ R.T
    d = np.linalg.norm(moved[:, None, :] - v[None, :, :], axis=2).min(axis=1)
    assert d.max() < 1e-9
    assert any(form.startswith("isphere:") for form in meshes.available())
    with pytest.raises(SpecError, match="isphere needs"):
        meshes.from_spec("isphere:400")


def test_the_old_mesh_names_warn_and_are_the_new_objects():
    import weylgain.invariant_meshes as im
    from weylgain import meshes

    for name in ("invariant_sphere", "mesh_quality", "MeshQuality"):
        with pytest.warns(DeprecationWarning, match=f"weylgain.{name}"):
            assert getattr(meshes, name) is getattr(im, name)
        assert getattr(weylgain, name) is getattr(im, name)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(AttributeError):
            meshes.no_such_name  # noqa: B018


# ====================================================================== the import graph
def _module_of(path: Path) -> str:
    rel = path.relative_to(PACKAGE.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


MODULES = {_module_of(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _resolve(base: str) -> str | None:
    """The module ``base`` names, or its nearest enclosing module of the package."""
    while base and base not in MODULES:
        base = base.rpartition(".")[0]
    return base or None


def _edges(module: str, path: Path) -> set[str]:
    """Every weylgain module ``module`` imports: top level, inside functions, under
    TYPE_CHECKING, and by ``importlib.import_module("...")`` with a literal name."""
    is_pkg = path.name == "__init__.py"
    package = module if is_pkg else module.rpartition(".")[0]
    out: set[str] = set()

    def absolute(name: str, level: int) -> str:
        if not level:
            return name
        base = package.split(".")
        base = base[:len(base) - level + 1]
        return ".".join(base + ([name] if name else []))

    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            target = absolute(node.module or "", node.level)
            for alias in node.names:  # a submodule imported by name is an edge to it
                sub = f"{target}.{alias.name}"
                out.add(sub if sub in MODULES else target)
        elif isinstance(node, ast.Import):
            out.update(alias.name for alias in node.names)
        elif (isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(
                node.func, "id", None)) in ("import_module", "__import__")
              and node.args and isinstance(node.args[0], ast.Constant)
              and isinstance(node.args[0].value, str)):
            name = node.args[0].value
            level = len(name) - len(name.lstrip("."))
            out.add(absolute(name.lstrip("."), level) if level else name)
    found = {_resolve(m) for m in out if m.startswith("weylgain")}
    return {m for m in found if m and m != module}


GRAPH = {m: _edges(m, p) for m, p in MODULES.items()}


def test_the_graph_reader_sees_imports_of_every_kind():
    # fixed points of the reader: a relative submodule import inside a function, a literal
    # importlib name, an absolute import
    assert "weylgain.invariant_meshes" in GRAPH["weylgain"]          # import_module(".x")
    assert "weylgain.resources" in GRAPH["weylgain.meshes"]          # inside a function
    assert "weylgain._providers" in GRAPH["weylgain.groups.lie"]     # inside a function
    assert "weylgain.groups.catalogue" in GRAPH["weylgain.geometry.dispatch"]


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def test_the_cycle_finder_finds_a_planted_cycle():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


def test_no_import_circles_among_weylgain_modules():
    assert _cycles(GRAPH) == []


@pytest.mark.parametrize("lower, higher", [
    ("weylgain.groups", "weylgain.geometry"),
    ("weylgain.groups", "weylgain.invariant_meshes"),
    ("weylgain.meshes", "weylgain.invariant_meshes"),
    ("weylgain.meshes", "weylgain.groups"),
    ("weylgain.manifolds", "weylgain.groups"),
])
def test_no_arrow_runs_back_up(lower, higher):
    up = {(m, t) for m, targets in GRAPH.items() if m == lower or m.startswith(lower + ".")
          for t in targets if t == higher or t.startswith(higher + ".")}
    assert not up, sorted(up)


def test_the_count_report_names_the_group_unambiguously(capsys):
    # a 2-torus mesh with mirrored Kuhn cells keeps every signed permutation (meshes docs)
    assert main(["count", "--mesh", "torus:2:8:mirrored", "--group", "B2", "--lam", "4",
                 "--no-progress", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["group"] == "SignedPerm(2)"
    assert main(["count", "--mesh", "torus:2:8:mirrored", "--group", "S2", "--lam", "4",
                 "--no-progress"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("torus:2:8:mirrored / Perm(2):")


def test_the_direct_quotients_share_one_interface():
    from weylgain._direct_quotient import DirectQuotient
    from weylgain.errors import ParameterError
    from weylgain.quotient_direct import quotient_sphere
    from weylgain.quotient_torus import quotient_torus

    qs = quotient_sphere(2, named("Oh"), base="octahedron")
    qt = quotient_torus(2, 8, named("B2"), triangulation="mirrored")
    for q, surface, dim in ((qs, "sphere", 2), (qt, "torus", 2)):
        assert isinstance(q, DirectQuotient)
        with pytest.raises(ParameterError, match=f"direct {surface} quotient takes no density"):
            q.laplacian(density=np.ones(3))
        with pytest.raises(ParameterError, match="lumped"):
            q.laplacian(lumped="yes")
        K, M = q.laplacian()
        assert K.shape == M.shape == (q.n_orbits, q.n_orbits)
        d = q.to_dict()
        assert d["route"] == "direct" and d["dimension"] == dim and d["n_orbits"] == q.n_orbits
        assert repr(q).startswith(f"<{type(q).__name__} {q.mesh_name}/{q.group.name}:")
    # the truth without the code under test: vol(M/G) = vol(M)/|G|; |Oh| = 48, |B2| = 8
    assert qs.to_dict()["volume"] == pytest.approx(qs.mesh_volume / 48)
    assert qt.to_dict()["volume"] == pytest.approx((2 * math.pi) ** 2 / 8)
    assert "n_kept_triangles" in qs.to_dict() and "n_kept_triangles" not in qt.to_dict()


@pytest.mark.parametrize("manifold, group, swapped", [
    ("C4", "S2", True), ("Perm(3)", "S3", True), ("SO(3) x Sym(3)", "S2^3", True),
    ("hopf", "S3", True), ("S2", "C4", False), ("S3", "S3", False), ("T2", "T3", False),
    ("nonsense", "S2", False), ("C4", "nonsense", False)])
def test_specs_given_in_swapped_order_are_recognised(manifold, group, swapped):
    from weylgain.groups.catalogue import given_in_swapped_order

    assert given_in_swapped_order(manifold, group) is swapped


@pytest.mark.parametrize("command", ["gain", "exact"])
def test_the_command_line_offers_the_right_order(command, capsys):
    extra = ["--lam", "10"] if command == "exact" else []
    assert main([command, "C4", "S2", *extra]) == 2
    err = capsys.readouterr().err
    assert "'C4' is a group and 'S2' a manifold" in err
    assert f"weylgain {command} S2 C4" in err
    # the right order answers (S2/C4: vol 4 pi / 4 = pi, no mesh involved)
    assert main([command, "S2", "C4", *extra, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    key = "vol_quotient" if command == "gain" else "quotient_volume"
    assert data[key] == pytest.approx(math.pi)


@pytest.mark.parametrize("spec", ["Perm(4)", "SignedPerm(3)", "signs4"])
def test_a_family_given_by_its_generators_gets_the_closed_form(spec):
    # no name, no key, no order: max_order=10 forbids enumeration, so the walls must come
    # from recognising the family in the generators; truth: brute-force enumeration here
    lin, tr = named(spec).generator_arrays()
    G = from_generators(lin, tr, name="mine")
    M = parse_manifold(f"T{G.dim}")
    wall, order = _enumerated_wall(M, lin)
    q = quotient_geometry(M, G, max_order=10)
    assert q.effective_order == order
    assert sp.simplify(q.wall_volume - wall) == 0


def test_a_subgroup_of_a_family_is_not_taken_for_it():
    # signs3 with the 3-cycle: order 24 (truth: 2^3 sign patterns times 3 rotations), a
    # subgroup of SignedPerm(3) (order 48) with only the 3 sign flips as reflections
    from weylgain.groups.finite_catalogue import coordinate_family

    cyc = np.array([[0.0, 0, 1], [1, 0, 0], [0, 1, 0]])
    lin = np.array([np.diag([-1.0, 1, 1]), cyc])
    G = from_generators(lin, name="B3")
    assert coordinate_family(G) == (None, None)
    M = parse_manifold("T3")
    wall, order = _enumerated_wall(M, lin)
    q = quotient_geometry(M, G)
    assert order == 24 and q.effective_order == 24
    assert sp.simplify(q.wall_volume - wall) == 0


def test_a_large_family_survives_a_round_trip_through_its_dictionary():
    # Perm(12) has 479,001,600 elements: never enumerated, before or after the round trip
    G = named("Perm(12)")
    back = groups.group_from_dict(groups.group_to_dict(G))
    assert back.reflection_key == ""  # the dictionary carries no key: it is found again
    a = quotient_geometry("T12", G)
    b = quotient_geometry("T12", back)
    assert b.effective_order == math.factorial(12)
    assert sp.simplify(a.wall_volume - b.wall_volume) == 0
    # and the closed form against the formula: C(12,2) transposition walls, each the
    # hyperplane x_i = x_j of T^12: vol (2 pi)^11 sqrt(2); 2 * 66 * that / 12!
    assert sp.simplify(b.wall_volume - 2 * 66 * (2 * sp.pi) ** 11 * sp.sqrt(2)
                       / math.factorial(12)) == 0
