"""``weylgain count --group`` with a continuous group names its unknowns for what they are.

For SO(2) on S^2 the reduced problem lives on a mesh of the orbit space [0, pi] (an interval),
whose nodes are points of M/G, not vertex orbits of the input mesh. Truth: the zonal
harmonics of S^2 (one per degree l, eigenvalue l(l+1)), so N_SO(2)(36) = 6 (l = 0..5) and
N_SO(2)(3) = 2; a point for SO(3) (only the constants: N = 1).
"""

import json
import re

from weylgain.cli import main


def test_so2_nodes_are_not_called_orbits(capsys):
    assert main(["count", "--mesh", "sphere:3", "--group", "SO(2)", "--lam", "3",
                 "--no-progress"]) == 0
    out = capsys.readouterr().out
    first, second, third = out.splitlines()[:3]
    assert "orbits" not in first  # the finding: "..., 22 orbits"
    assert second.startswith("M/G = S^2") and "[0, pi r]" in second
    nodes = int(re.search(r"an interval with (\d+) nodes", third).group(1))
    assert "points of M/G" in third and "not vertices of the mesh" in third
    assert re.search(r"^\s+3\s+2\s", out, re.M)  # N(3) = 2: l = 0, 1
    assert main(["count", "--mesh", "sphere:3", "--group", "SO(2)", "--lam", "36",
                 "--json", "--no-progress"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert "n_orbits" not in report and report["orbit_space_nodes"] == nodes
    assert "SO(2)" in report["orbit_space"] and report["count"] == 6


def test_a_point_orbit_space_says_one_unknown(capsys):
    assert main(["count", "--mesh", "sphere:2", "--group", "SO(3)", "--lam", "30",
                 "--no-progress"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert "orbits" not in lines[0] and "a point" in lines[1]
    assert "one unknown" in lines[2]
    assert re.search(r"^\s+30\s+1\s", "\n".join(lines), re.M)


def test_a_finite_group_still_reports_vertex_orbits(capsys):
    assert main(["count", "--mesh", "sphere:2:octahedron", "--group", "Oh", "--lam", "50",
                 "--json", "--no-progress"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert "orbit_space" not in report and 0 < report["n_orbits"] < report["n_vertices"]
