"""Which thresholds a mesh resolves (``lam h^2 <= 0.5``, h the mean edge): the rule against a
mean edge computed here from the vertices and simplices, the warning exactly beyond it (and
never below), the fields in every result, its ``to_dict()`` and the command line's JSON, and
``weyl_count``'s argument checks.
"""

from __future__ import annotations

import json
import math
import warnings
from fractions import Fraction
from itertools import combinations

import numpy as np
import pytest
import scipy.linalg as sla
import scipy.sparse as sp

from weylgain import (EigenCounter, Resolution, ResolutionWarning, count_eigenvalues,
                      counting_function, laplacian, meshes, resolution_at, weyl_count, weyl_fit)
from weylgain.errors import ParameterError
from weylgain.groups import named
from weylgain.quotient import quotient
from weylgain.resolution import RESOLVED_LAM_H2, mean_edge_length


def _hand_mean_edge(vertices: np.ndarray, simplices: np.ndarray) -> float:
    """The mean length of the unique edges, from the arrays alone (no weylgain code)."""
    pairs = np.concatenate([simplices[:, [i, j]] for i, j in
                            combinations(range(simplices.shape[1]), 2)])
    pairs = np.unique(np.sort(pairs, axis=1), axis=0)
    return float(np.linalg.norm(vertices[pairs[:, 1]] - vertices[pairs[:, 0]], axis=1).mean())


@pytest.fixture(scope="module")
def sphere2():
    mesh = meshes.sphere(2)
    K, M = laplacian(mesh)
    h = _hand_mean_edge(mesh.vertices, mesh.simplices)
    ev = sla.eigh(K.toarray(), M.toarray(), eigvals_only=True)  # the discrete truth
    return mesh, K, M, h, ev


# ---------------------------------------------------------------------------- the rule
def test_the_rule_uses_the_mean_edge_computed_by_hand(sphere2):
    mesh, _, _, h, _ = sphere2
    assert 0.25 < h < 0.35  # sphere:2 (162 vertices): h ~ 0.30, resolved up to lam ~ 5.6
    assert mean_edge_length(mesh) == pytest.approx(h, rel=1e-12)
    assert RESOLVED_LAM_H2 == 0.5
    r = resolution_at(mesh, 2.0)
    assert isinstance(r, Resolution)
    assert r.mean_edge == pytest.approx(h, rel=1e-12)
    assert r.lam_h2 == pytest.approx(2.0 * h * h, rel=1e-12)
    assert r.lam_max_resolved == pytest.approx(0.5 / h ** 2, rel=1e-12)
    assert r.resolved is True and r.limit == 0.5
    top = 0.5 / h ** 2
    assert resolution_at(mesh, top * (1 - 1e-9)).resolved is True
    assert resolution_at(mesh, top * (1 + 1e-9)).resolved is False
    assert resolution_at(h, top * 2).lam_h2 == pytest.approx(1.0)  # a mean edge given directly
    d = resolution_at(mesh, 3 * top).to_dict()
    assert d["resolved"] is False and d["lam_h2"] == pytest.approx(1.5)
    json.dumps(d, allow_nan=False)


def test_a_quotient_uses_the_mesh_it_assembles():
    mesh = meshes.sphere(1)
    h = _hand_mean_edge(mesh.vertices, mesh.simplices)
    finite = quotient(mesh, named("I", dim=3))  # the reduced P1 space of the same mesh
    assert mean_edge_length(finite) == pytest.approx(h, rel=1e-12)
    cont = quotient(meshes.sphere(2), named("SO(2)"), resolution=41)  # the interval [0, pi]
    base = cont.base_mesh
    hq = _hand_mean_edge(base.vertices, base.simplices)
    assert hq == pytest.approx(math.pi / 40, rel=1e-6)
    assert mean_edge_length(cont) == pytest.approx(hq, rel=1e-12)
    point = quotient(mesh, named("SO(3)"))  # the orbit space is a point: exact for every lam
    r = resolution_at(point, 1e12)
    assert r.mean_edge == 0.0 and r.resolved and r.lam_max_resolved == math.inf
    assert r.to_dict()["lam_max_resolved"] is None
    json.dumps(r.to_dict(), allow_nan=False)


# ---------------------------------------------------------------------------- counts
def test_count_warns_exactly_beyond_the_resolved_range(sphere2):
    mesh, K, M, h, ev = sphere2
    top = 0.5 / h ** 2
    below, above = top * (1 - 1e-6), top * (1 + 1e-6)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ResolutionWarning)
        r = count_eigenvalues(K, M, below, mesh=mesh, return_info=True)
    assert r.count == int((ev <= below).sum())  # the count itself is the discrete truth
    assert r.resolved is True and r.mean_edge == pytest.approx(h, rel=1e-12)
    assert r.lam_h2 == pytest.approx(below * h * h, rel=1e-12)
    assert r.lam_max_resolved == pytest.approx(top, rel=1e-12)
    with pytest.warns(ResolutionWarning) as record:
        r = count_eigenvalues(K, M, above, mesh=mesh, return_info=True)
    assert len(record) == 1
    text = str(record[0].message)
    assert f"h = {h:.3g}" in text and f"up to about {top:.4g}" in text
    assert "use a finer mesh" in text and f"{above:g}" in text
    assert record[0].filename == __file__  # points at the caller's line
    assert r.resolved is False and r.count == int((ev <= above).sum())
    d = r.to_dict()
    assert d["resolved"] is False and d["lam_h2"] == pytest.approx(above * h * h)
    json.dumps(d, allow_nan=False)
    # the bare count warns too, and a mean edge given as a number works the same way
    with pytest.warns(ResolutionWarning):
        assert count_eigenvalues(K, M, 1e6, mesh=h) == mesh.n_vertices


def test_far_beyond_the_mesh_the_count_is_every_vertex(sphere2):
    mesh, K, M, h, ev = sphere2
    with pytest.warns(ResolutionWarning, match="use a finer mesh"):
        r = count_eigenvalues(K, M, 2 * ev.max(), mesh=mesh, return_info=True)
    assert r.count == r.n == mesh.n_vertices and r.above_spectrum
    assert r.to_dict()["above_spectrum"] is True


def test_a_bare_pencil_is_not_warned_about():
    K, M = sp.diags([0.0, 1.0, 2.0, 3.0]), sp.identity(4)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ResolutionWarning)
        r = count_eigenvalues(K, M, 5.0, return_info=True)  # above every eigenvalue: legitimate
        low = count_eigenvalues(K, M, 1.5, return_info=True)
        info = counting_function(K, M, [0.5, 5.0], return_info=True)
    assert r.count == 4 and r.above_spectrum and not low.above_spectrum
    assert r.resolved is None and r.mean_edge is None and r.lam_h2 is None
    assert r.to_dict()["resolved"] is None
    assert info.resolved is None and info.mean_edge is None
    json.dumps(info.to_dict(), allow_nan=False)


def test_counting_function_warns_once_listing_the_unresolved(sphere2):
    mesh, K, M, h, ev = sphere2
    top = 0.5 / h ** 2
    lams = [top / 4, top / 2, 2 * top, 3 * top]
    with pytest.warns(ResolutionWarning) as record:
        info = counting_function(K, M, lams, mesh=mesh, return_info=True)
    assert len(record) == 1
    text = str(record[0].message)
    assert f"{2 * top:g}" in text and f"{3 * top:g}" in text and f"{top / 2:g}" not in text
    assert info.counts.tolist() == [int((ev <= x).sum()) for x in lams]
    assert [r.resolved for r in info.results] == [True, True, False, False]
    assert info.resolved is False and info.mean_edge == pytest.approx(h, rel=1e-12)
    d = info.to_dict()
    assert d["resolved"] is False and d["lam_max_resolved"] == pytest.approx(top)
    json.dumps(d, allow_nan=False)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ResolutionWarning)
        assert counting_function(K, M, lams[:2], mesh=mesh, return_info=True).resolved is True


def test_a_counter_warns_once_and_every_result_says(sphere2):
    mesh, K, M, h, _ = sphere2
    top = 0.5 / h ** 2
    counter = EigenCounter(K, M, mesh=mesh)
    try:
        with pytest.warns(ResolutionWarning) as record:
            results = [counter.count_result(x) for x in (top / 2, 2 * top, 3 * top)]
            counter.count(4 * top)
        assert len(record) == 1
        assert [r.resolved for r in results] == [True, False, False]
        assert counter.mean_edge == pytest.approx(h, rel=1e-12)
    finally:
        counter.close()


def test_a_quotient_count_reports_the_quotient_mesh():
    q = quotient(meshes.sphere(2), named("SO(2)"), resolution=41)
    K, M = q.laplacian()
    hq = math.pi / 40
    with pytest.warns(ResolutionWarning):
        r = count_eigenvalues(K, M, 2 * 0.5 / hq ** 2, mesh=q, return_info=True)
    assert r.mean_edge == pytest.approx(hq, rel=1e-6) and r.resolved is False
    with warnings.catch_warnings():
        warnings.simplefilter("error", ResolutionWarning)
        # lam = 36 between the zonal eigenvalues l(l+1) = 30 and 42: 6 of them (l = 0..5)
        r = count_eigenvalues(K, M, 36.0, mesh=q, return_info=True)
    assert r.resolved is True and r.count == 6


# ---------------------------------------------------------------------------- fits
def test_weyl_fit_reports_and_warns_on_unresolved_thresholds():
    # exact counts of the unit sphere at gap midpoints, N((L + 1)^2) = (L + 1)^2
    lams = (np.arange(4, 12) + 1.0) ** 2
    counts = lams.copy()
    h = math.sqrt(0.5 / lams.max()) * (1 - 1e-12)  # just resolved at the largest threshold
    with warnings.catch_warnings():
        warnings.simplefilter("error", ResolutionWarning)
        fit = weyl_fit(lams, counts, mesh=h)
        plain = weyl_fit(lams, counts)
    assert fit.dimension == pytest.approx(2.0, abs=1e-9) and fit.volume == pytest.approx(4 * math.pi)
    assert fit.resolved is True and fit.max_lam_h2 == pytest.approx(0.5)
    assert fit.mean_edge == h and fit.lam_max_resolved == pytest.approx(lams.max())
    assert plain.resolved is None and plain.max_lam_h2 is None
    with pytest.warns(ResolutionWarning, match="the fit") as record:
        coarse = weyl_fit(lams, counts, mesh=2 * h)
    assert len(record) == 1 and "use a finer mesh" in str(record[0].message)
    assert coarse.resolved is False and coarse.max_lam_h2 == pytest.approx(2.0)
    d = coarse.to_dict()
    assert d["resolved"] is False and d["max_lam_h2"] == pytest.approx(2.0)
    json.dumps(d, allow_nan=False)
    json.dumps(plain.to_dict(), allow_nan=False)


# ---------------------------------------------------------------------------- bad mesh=
@pytest.mark.parametrize("bad, fragment", [
    ("sphere:2", "must be the weylgain.Mesh"),
    (np.ones(3), "must be the weylgain.Mesh"),
    (True, "must be the weylgain.Mesh"),
    (-0.1, "positive finite"),
    (0.0, "positive finite"),
    (float("nan"), "positive finite"),
    (float("inf"), "positive finite"),
])
def test_mesh_argument_is_checked(bad, fragment):
    K, M = sp.diags([0.0, 1.0]), sp.identity(2)
    for call in (lambda: count_eigenvalues(K, M, 1.0, mesh=bad),
                 lambda: counting_function(K, M, [1.0], mesh=bad),
                 lambda: EigenCounter(K, M, mesh=bad),
                 lambda: weyl_fit([1.0, 4.0, 9.0], [1.0, 4.0, 9.0], mesh=bad),
                 lambda: resolution_at(bad, 1.0)):
        with pytest.raises(ParameterError, match=fragment):
            call()


@pytest.mark.parametrize("lam", [float("nan"), float("inf"), "abc", None, 1j])
def test_resolution_at_checks_lam(lam):
    with pytest.raises(ParameterError, match="lam must be a finite real number"):
        resolution_at(0.1, lam)


# ---------------------------------------------------------------------------- weyl_count
@pytest.mark.parametrize("args, fragment", [
    ((-1.0, 2, 1.0), "lam must be finite and >= 0"),
    ((np.array([1.0, -2.0]), 2, 1.0), "got -2.0"),
    ((float("nan"), 2, 1.0), "lam must be finite"),
    ((float("inf"), 2, 1.0), "lam must be finite"),
    (("100", 2, 1.0), "got the string '100'"),
    ((None, 2, 1.0), "lam must be a real number"),
    ((1 + 2j, 2, 1.0), "lam must be a real number"),
    (([1.0, None], 2, 1.0), "lam must be a real number"),
    (([[1.0, 2.0], [3.0]], 2, 1.0), "lam must be a real number"),
    ((True, 2, 1.0), "lam must be a real number"),
    ((10.0, -1, 1.0), "dimension must be a finite number >= 0"),
    ((10.0, float("nan"), 1.0), "dimension must be"),
    ((10.0, float("inf"), 1.0), "dimension must be"),
    ((10.0, "2", 1.0), "dimension must be a real number"),
    ((10.0, None, 1.0), "dimension must be a real number"),
    ((10.0, True, 1.0), "dimension must be a real number"),
    ((10.0, 2 + 0j, 1.0), "dimension must be a real number"),
    ((10.0, 1000, 1.0), "too large"),
    ((10.0, 2, -1.0), "volume must be a positive finite number"),
    ((10.0, 2, 0.0), "volume must be a positive"),
    ((10.0, 2, float("nan")), "volume must be a positive"),
    ((10.0, 2, float("inf")), "volume must be a positive"),
    ((10.0, 2, "4pi"), "volume must be a real number"),
    ((10.0, 2, 1.0, float("nan")), "boundary_volume must be finite"),
    ((10.0, 2, 1.0, "1"), "boundary_volume must be a real number"),
])
def test_weyl_count_validates_its_arguments(args, fragment):
    with pytest.raises(ParameterError, match=fragment.replace("(", r"\(")):
        weyl_count(*args)


def test_weyl_count_values_stay_what_the_law_says():
    # unit sphere: C_W = omega_2 4 pi / (2 pi)^2 = 1, so N ~ lam; the flat 3-torus of side
    # 2 pi: C_W = (4/3) pi (2 pi)^3 / (2 pi)^3 = 4 pi / 3
    assert weyl_count(Fraction(100), 2, 4 * np.pi) == pytest.approx(100.0)
    assert weyl_count(np.int64(100), np.int64(2), 4 * np.pi) == pytest.approx(100.0)
    assert weyl_count(8.0, 3, (2 * np.pi) ** 3) == pytest.approx(4 * np.pi / 3 * 8 ** 1.5)
    out = weyl_count([0.0, 100.0], 2, 4 * np.pi, -4.0)  # a Dirichlet term is negative
    assert out.shape == (2,) and out[0] == 0.0 and out[1] < 100.0


# ---------------------------------------------------------------------------- the CLI
def test_cli_count_with_a_group_reports_the_quotient_resolution(capsys):
    from weylgain.cli import main

    mesh = meshes.sphere(1)
    h = _hand_mean_edge(mesh.vertices, mesh.simplices)  # I: the reduced problem of this mesh
    assert main(["count", "--mesh", "sphere:1", "--group", "I", "--lam", "1e6", "--lam",
                 "1", "--json", "--no-progress"]) == 0
    out = capsys.readouterr()
    data = json.loads(out.out)
    assert data["mean_edge"] == pytest.approx(h, rel=1e-12)
    assert data["lam_max_resolved"] == pytest.approx(0.5 / h ** 2, rel=1e-12)
    by_lam = {r["lam"]: r for r in data["results"]}
    assert by_lam[1e6]["resolved"] is False and by_lam[1.0]["resolved"] is True
    assert "weylgain: note:" in out.err and "1e+06" in out.err and "use a finer mesh" in out.err
    assert "Warning" not in out.err  # plain words, not a Python warning


def test_cli_count_with_a_continuous_group_uses_the_orbit_space_mesh(capsys):
    from weylgain.cli import main

    q = quotient(meshes.sphere(2), named("SO(2)", dim=3))
    base = q.base_mesh
    hq = _hand_mean_edge(base.vertices, base.simplices)
    assert main(["count", "--mesh", "sphere:2", "--group", "SO(2)", "--lam", "20", "--json",
                 "--no-progress"]) == 0
    out = capsys.readouterr()
    data = json.loads(out.out)
    assert data["mean_edge"] == pytest.approx(hq, rel=1e-12)
    assert data["results"][0]["lam_h2"] == pytest.approx(20 * hq ** 2, rel=1e-12)
    assert data["results"][0]["resolved"] is bool(20 * hq ** 2 <= 0.5)


def test_cli_sweep_reports_resolution(tmp_path, capsys):
    from weylgain.cli import main

    mesh = meshes.sphere(1)
    h = _hand_mean_edge(mesh.vertices, mesh.simplices)
    out_file = tmp_path / "s.jsonl"
    assert main(["sweep", "--mesh", "sphere:1", "--lam", "1", "--lam", "1e6", "--output",
                 str(out_file), "--json", "--no-progress"]) == 0
    out = capsys.readouterr()
    data = json.loads(out.out)
    (entry,) = data["counts"]
    assert entry["lams"] == [1.0, 1e6] and entry["counts"][1] == mesh.n_vertices
    assert entry["resolved"] == [True, False]
    assert entry["mean_edge"] == pytest.approx(h, rel=1e-12)
    assert entry["lam_h2"][1] == pytest.approx(1e6 * h * h, rel=1e-12)
    assert "weylgain: note: sphere:1:" in out.err and "use a finer mesh" in out.err
    assert "Warning" not in out.err
    record = json.loads(out_file.read_text().splitlines()[0])
    assert record["result"]["resolved"] == [True, False]


def test_sweep_api_warns_once_at_the_end(tmp_path):
    from weylgain import sweep

    tasks = sweep.count_tasks("sphere:1", [1.0, 1e5, 1e6], per_task=1)
    with pytest.warns(ResolutionWarning) as record:
        res = sweep.run(tasks, output=None, progress=False)
    assert len(record) == 1 and "lam = 100000, 1e+06 (" in str(record[0].message)
    (entry,) = res.unresolved()
    assert entry["lams"] == [1e5, 1e6] and entry["mesh"] == "sphere:1"
    with warnings.catch_warnings():
        warnings.simplefilter("error", ResolutionWarning)
        assert sweep.run(sweep.count_tasks("sphere:1", [1.0]), output=None,
                         progress=False).unresolved() == []
