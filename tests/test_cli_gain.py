"""``weylgain gain``: output, JSON keys and exit codes."""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from weylgain.cli import gain as cli_gain

ROOT = Path(__file__).resolve().parent.parent


def run(argv: list[str], capsys) -> tuple[int, str, str]:
    parser = argparse.ArgumentParser(prog="weylgain")
    sub = parser.add_subparsers(dest="command")
    cli_gain.add_parser(sub)
    args = parser.parse_args(["gain", *argv])
    code = cli_gain.run(args)
    out, err = capsys.readouterr()
    return code, out, err


def test_json_of_a_linear_gain(capsys):
    code, out, err = run(["T7", "S7", "--json", "--eps", "0.01"], capsys)
    assert code == 0 and err == ""
    data = json.loads(out)
    assert data["d"] == 7 and data["d_G"] == 7
    assert data["kind"] == "linear" and data["linear_factor"] == 5040
    assert data["vol_M"] == pytest.approx(128 * math.pi ** 7)
    assert data["vol_quotient"] == pytest.approx(128 * math.pi ** 7 / 5040)
    assert data["risk_exponent"] == data["risk_exponent_invariant"]
    assert data["sample_ratio_at_eps"] == pytest.approx(5040)
    assert "measured" not in data


def test_json_of_an_exponential_gain(capsys):
    code, out, _ = run(["S2", "SO(2)", "--s", "2", "--json"], capsys)
    data = json.loads(out)
    assert code == 0
    assert data["kind"] == "exponential" and data["linear_factor"] is None
    assert (data["d"], data["d_G"]) == (2, 1)
    assert data["vol_quotient"] == pytest.approx(math.pi)
    assert data["risk_exponent"] == pytest.approx(2 / 3)
    assert data["risk_exponent_invariant"] == pytest.approx(0.8)


def test_first_argument_is_the_manifold(capsys):
    # S3 S3: the 3-sphere (in R^4) with the permutations of 3 coordinates
    code, out, _ = run(["S3", "S3", "--json"], capsys)
    data = json.loads(out)
    assert code == 0
    assert data["d"] == 3 and data["linear_factor"] == 6
    assert data["vol_M"] == pytest.approx(2 * math.pi ** 2)


def test_human_readable_table(capsys):
    code, out, _ = run(["S2", "SO(3)"], capsys)
    assert code == 0
    for text in ("manifold M", "quotient M/G", "kind of gain", "exponential", "parametric",
                 "risk exponent"):
        assert text in out
    code, out, _ = run(["T2", "mirror", "--n", "100"], capsys)
    assert "linear factor" in out and "2" in out and "equivalent samples" in out
    rows = dict(re.split(r"\s{2,}", line, maxsplit=1) for line in out.splitlines()
                if re.search(r"\S\s{2,}\S", line))
    assert rows["linear factor"] == "2"
    assert rows["kind of gain"] == "linear"
    assert rows["equivalent samples"] == "200 (x2)"  # a linear gain of 2 at every n


def test_exit_codes(capsys):
    code, out, err = run(["X9", "C4"], capsys)
    assert code == 2 and out == "" and err.startswith("weylgain: error:")
    code, _, err = run(["S2", "nonsense"], capsys)
    assert code == 2 and "unknown group" in err
    code, _, err = run(["S2", "C4", "--s", "0.5"], capsys)
    assert code == 2 and "d/2" in err
    code, _, err = run(["T2", "SO(2)"], capsys)  # rotations do not act on a flat torus
    assert code == 3
    code, _, err = run(["S1", "Oh"], capsys)
    assert code == 3 and "does not act" in err


def test_measure_json(capsys):
    code, out, _ = run(["S3", "hopf", "--measure", "--json"], capsys)
    assert code == 0
    data = json.loads(out)
    measured = data["measured"]
    assert measured["d_G"] == pytest.approx(2, abs=0.05)
    assert measured["vol_quotient"] == pytest.approx(math.pi, rel=0.02)
    code, out, _ = run(["S2", "SO(3)", "--measure"], capsys)
    assert code == 0 and "measured d_G" in out


def test_a_pair_that_cannot_be_measured_exits_4(capsys):
    # T12/B12 acts (the prediction stands) but neither exact route reaches the window the
    # fit needs: the hyperoctahedral group has 2^12 12! elements, too many for the character
    # sum; a valid question without an answer here, exit status 4
    code, _, err = run(["T12", "B12", "--measure"], capsys)
    assert code == 4 and "character sum" in err


def test_route_mesh_without_a_mesh_names_the_command_line_option(capsys):
    # S2^2/SO(3) has no mesh of M and no orbit-space mesh: --route mesh is refused (bad
    # input, 2) and the message says how to ask for the exact counts on the command line
    code, _, err = run(["S2^2", "SO(3)", "--measure", "--route", "mesh"], capsys)
    assert code == 2 and "no mesh of S2xS2" in err and "--route exact" in err


def test_python_dash_m(tmp_path):
    env = dict(os.environ, NUMBA_CACHE_DIR=str(tmp_path / "nbc"))
    proc = subprocess.run([sys.executable, "-m", "weylgain", "gain", "T2", "Z10", "--json"],
                          capture_output=True, text=True, cwd=ROOT, env=env, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["linear_factor"] == 10
    proc = subprocess.run([sys.executable, "-m", "weylgain", "gain", "T2", "SO(2)"],
                          capture_output=True, text=True, cwd=ROOT, env=env, timeout=120)
    assert proc.returncode == 3 and "weylgain: error:" in proc.stderr
