"""``weylgain learn``: a tiny run end to end, its JSON, a plot, and its errors."""

import json

import pytest

from weylgain.cli import main


def test_learn_json_reports_measured_and_predicted(capsys):
    argv = ["learn", "--n", "16", "32", "64", "--seeds", "1", "--json", "--no-progress"]
    assert main(argv) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["domain"] == "T2" and out["group"] == "signs2"
    assert out["n_values"] == [16, 32, 64]
    # the prediction for the four sign flips of T^2 is the group order
    assert out["predicted_gain"]["order"] == 4
    risks = out["mean_risk"]
    for method in out["methods"]:
        assert len(risks[method]) == 3 and all(r > 0 for r in risks[method])


def test_learn_writes_a_png(tmp_path, capsys):
    pytest.importorskip("matplotlib")
    png = tmp_path / "curves.png"
    argv = ["learn", "--n", "16", "32", "--seeds", "1", "--no-progress", "--plot", str(png)]
    assert main(argv) == 0
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_learn_rejects_unknown_groups(capsys):
    assert main(["learn", "--group", "nonsense", "--n", "16", "32", "--seeds", "1"]) in (2, 3)
    assert "weylgain: error:" in capsys.readouterr().err
