"""The gain calculator and the CLI for Lie-algebra groups, product actions and group files.

Truths are derived by hand (comments), not taken from the code:

* S2^2 with SO(3) acting diagonally: the orbit of (x1, x2) is fixed by the angle
  theta = angle(x1, x2); moving both points by dtheta/2 in opposite directions is
  horizontal, of length sqrt(2) dtheta/2, so M/G = [0, pi/sqrt(2)]: d_G = 1,
  vol(M/G) = pi/sqrt(2).
* S^3 in C^2 with the circle e^{it}(z1, e^{it} z2) = (e^{it} z1, e^{2it} z2): the orbit of
  (z1, z2) has length 2 pi sqrt(|z1|^2 + 4 |z2|^2) (period 2 pi, speed |X x|). With
  |z1| = cos a, |z2| = sin a, dvol = cos a sin a da dt1 dt2, the coarea formula gives
  vol(M/G) = (2 pi)^2 / (2 pi) int_0^(pi/2) cos a sin a / sqrt(1 + 3 sin^2 a) da
           = pi int_0^1 du / sqrt(1 + 3u) = 2 pi / 3.
* (T3)^2 with T3 translating both atoms: orbits are the diagonal 3-tori of volume
  (2 pi sqrt 2)^3, so vol(M/G) = (2 pi)^6 / (2 sqrt 2 (2 pi)^3) = (2 pi)^3 / 2^(3/2).
"""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

import weylgain as wg
from weylgain.cli import main

PI_OVER_SQRT2 = math.pi / math.sqrt(2)
CIRCLE_12_VOLUME = 2 * math.pi / 3
T3_DIAGONAL_VOLUME = (2 * math.pi) ** 3 / 2 ** 1.5


def _circle_12() -> list[list[float]]:
    J = np.zeros((4, 4))
    J[0, 1], J[1, 0] = -1.0, 1.0
    J[2, 3], J[3, 2] = -2.0, 2.0
    return J.tolist()


@pytest.fixture
def circle_file(tmp_path):
    p = tmp_path / "circle.json"
    p.write_text(json.dumps({"manifold": "S3", "name": "circle(1,2)",
                             "lie_algebra": [_circle_12()]}))
    return str(p)


def test_predict_configuration_reports_action_and_error():
    r = wg.predict_gain("S2^2", "SO(3)")
    assert (r.d, r.d_G, r.kind) == (4, 1, "exponential")
    assert "diagonal" in r.action
    assert r.vol_quotient_error == 0.0  # a closed form: the interval [0, pi/sqrt(2)]
    assert r.vol_quotient == pytest.approx(PI_OVER_SQRT2, rel=1e-12)
    d = r.to_dict()
    assert d["action"] == r.action and d["vol_quotient_error"] == r.vol_quotient_error


def test_predict_three_points_reports_monte_carlo_error():
    # S2^3 / SO(3): no closed form here; the coarea integral is a Monte Carlo average
    r = wg.predict_gain("S2^3", "SO(3)")
    assert r.d_G == 3 and r.vol_quotient_error > 0
    assert r.vol_quotient_error < 1e-2 * r.vol_quotient


def test_predict_closed_form_has_zero_error():
    r = wg.predict_gain("T3^2", "T3")
    assert r.d_G == 3 and r.vol_quotient_error == 0.0
    assert r.vol_quotient == pytest.approx(T3_DIAGONAL_VOLUME, rel=1e-12)


@pytest.mark.slow
def test_measure_configuration_from_exact_counts():
    m = wg.measure_gain("S2^2", "SO(3)")
    assert m.source == "exact counts" and "diagonal" in m.action
    assert m.d_G == pytest.approx(1.0, abs=0.05)
    # d_G = 1: the staircase is off by O(1) out of 10-30 counts; the second term absorbs
    # most of it, 2 % is a safe bound
    assert m.vol_quotient == pytest.approx(PI_OVER_SQRT2, rel=0.02)
    assert m.to_dict()["source"] == "exact counts"


def test_measure_lie_algebra_circle_from_exact_counts():
    G = wg.groups.lie_group([_circle_12()], name="circle(1,2)")
    m = wg.measure_gain("S3", G)
    assert m.source == "exact counts"
    assert m.d_G == pytest.approx(2.0, abs=0.05)
    # d_G = 2 with 100-1000 counts: the lattice-like staircase error is O(lam^(1/2)), a
    # relative 1-3 % that the two-term fit reduces below 1 %
    assert m.vol_quotient == pytest.approx(CIRCLE_12_VOLUME, rel=0.01)


def test_measure_subtorus_diagonal_on_product_from_exact_counts():
    m = wg.measure_gain("T3^2", "T3")
    assert m.source == "exact counts"
    assert m.d_G == pytest.approx(3.0, abs=0.1)
    # lattice points in a 3-ball of radius 4..13: the fit of 100..3000 counts is within 3 %
    assert m.vol_quotient == pytest.approx(T3_DIAGONAL_VOLUME, rel=0.03)


def test_cli_gain_group_file_json(circle_file, capsys):
    assert main(["gain", "--group-file", circle_file, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["manifold"] == "S3" and data["d_G"] == 2
    assert data["vol_quotient"] == pytest.approx(CIRCLE_12_VOLUME,
                                                 abs=4 * data["vol_quotient_error"] + 1e-12)
    assert data["action"]


def test_cli_exact_group_file_json(circle_file, capsys):
    # invariant monomials z1^a zb1^b z2^c zb2^d with a - b + 2(c - d) = 0, harmonic part;
    # degree 0: 1; degree 1: none; degree 2: |z1|^2, |z2|^2 minus |x|^2 -> 1; so N(lam)
    # at lam = 8 (degrees 0..2 on S^3: eigenvalues 0, 3, 8) is 2
    assert main(["exact", "--group-file", circle_file, "--lam", "8", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["count"] == 2 and data["quotient_dimension"] == 2


def test_cli_gain_product_text(capsys):
    assert main(["gain", "S2^3", "SO(3) x Sym(3)"]) == 0
    out = capsys.readouterr().out
    assert "action" in out and "diagonal" in out
    row = next(line for line in out.splitlines() if line.startswith("quotient M/G"))
    assert "d_G = 3" in row and "+-" in row  # 6 - 3 (free SO(3) orbits); a numerical volume


def test_cli_group_arguments_errors(circle_file, capsys):
    assert main(["gain", "S2", "C4", "--group-file", circle_file]) == 2
    assert "not both" in capsys.readouterr().err
    assert main(["gain"]) == 2
    assert "--group-file" in capsys.readouterr().err
    assert main(["exact", "--group-file", circle_file + ".missing", "--lam", "5"]) == 2
    assert "cannot read the group file" in capsys.readouterr().err
