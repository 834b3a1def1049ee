"""``weylgain count``: JSON shape, exact sphere counts, quotients, files and errors."""

import json
import subprocess
import sys

import pytest

from weylgain import meshes
from weylgain.cli import main
from weylgain.io import write_mesh


def _json(capsys, argv):
    assert main(argv) == 0
    return json.loads(capsys.readouterr().out)


def test_count_json_on_the_sphere(capsys):
    out = _json(capsys, ["count", "--mesh", "sphere:4", "--lam", "36", "--json"])
    assert out["n_vertices"] == 2562
    assert out["lam"] == 36.0
    assert out["count"] == 36  # l <= 5: sum of 2l+1
    assert out["weyl"] == pytest.approx(36.0, rel=0.01)  # C_W(S^2) = 1, area ~ 4 pi
    assert len(out["results"]) == 1


def test_count_several_lams_give_lists(capsys):
    out = _json(capsys, ["count", "--mesh", "torus:2:40", "--lam", "10.5", "--lam", "2.5",
                         "--json"])
    # exact lattice counts #{k in Z^2 : |k|^2 <= lam}: 37 at 10.5, 9 at 2.5 (resolved mesh)
    assert out["count"] == [37, 9]
    assert out["lam"] == [10.5, 2.5]
    assert out["weyl"] == pytest.approx([10.5 * 3.14159265, 2.5 * 3.14159265], rel=1e-6)


def test_count_on_a_quotient(capsys):
    out = _json(capsys, ["count", "--mesh", "sphere:4:octahedron", "--group", "Oh",
                         "--lam", "50", "--json"])
    # Oh-invariant harmonics of S^2: degrees 0, 4, 6 -> N(50) = 3 (l(l+1) = 0, 20, 42)
    assert out["count"] == 3
    assert out["n_orbits"] < out["n_vertices"] / 30


def test_count_reads_mesh_files(capsys, tmp_path):
    path = tmp_path / "s.off"
    write_mesh(meshes.sphere(3), path)
    out = _json(capsys, ["count", "--mesh", str(path), "--lam", "7", "--json"])
    assert out["count"] == 9


@pytest.mark.parametrize("argv, code, message", [
    (["count", "--mesh", "spere:4"], 2, "spere"),
    (["count", "--mesh", "missing.off"], 2, "does not exist"),
    (["count", "--mesh", "sphere:2", "--lam", "-1"], 2, "non-negative"),
    (["count", "--mesh", "sphere:2", "--group", "C4"], 3, "octahedron"),
])
def test_count_errors_exit_with_a_message(argv, code, message, capsys):
    assert main(argv) == code
    err = capsys.readouterr().err
    assert err.startswith("weylgain: error:") and message in err


def test_console_script_module_entry():
    out = subprocess.run([sys.executable, "-m", "weylgain", "count", "--mesh", "sphere:2",
                          "--lam", "2.5"], capture_output=True, text=True)
    assert out.returncode == 0
    assert "N(lam)" in out.stdout


def test_count_json_is_one_line_like_the_other_commands(capsys):
    assert main(["count", "--mesh", "interval:20", "--lam", "10", "--json"]) == 0
    out = capsys.readouterr().out
    assert out.endswith("\n") and out.count("\n") == 1
    # the unit interval with Neumann ends: eigenvalues (k pi)^2, k = 0, 1 below 10
    assert json.loads(out)["count"] == 2
