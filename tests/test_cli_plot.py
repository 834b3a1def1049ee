"""``--plot FILE`` on count, exact, gain and learn: valid pictures, paths checked first."""

import json
import os
import struct
import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest

from weylgain.cli import main

pytest.importorskip("matplotlib")


def _png_size(path):
    """(width, height) from the IHDR chunk, after checking the PNG signature."""
    data = open(path, "rb").read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    length, kind = struct.unpack(">I4s", data[8:16])
    assert kind == b"IHDR" and length == 13
    return struct.unpack(">II", data[16:24])


def _assert_svg(path):
    root = ET.parse(path).getroot()
    assert root.tag in ("svg", "{http://www.w3.org/2000/svg}svg")
    assert os.path.getsize(path) > 5000  # axes, curves and labels, not an empty canvas


def _sensible(size, panels):
    w, h = size
    assert 300 <= h <= 1500 and 300 * panels <= w <= 1500 * panels, size


def test_count_plot_png(tmp_path, capsys):
    png = tmp_path / "staircase.png"
    argv = ["count", "--mesh", "sphere:3", "--lam", "7", "--plot", str(png),
            "--plot-points", "5", "--json", "--no-progress"]
    assert main(argv) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["plot"] == str(png) and out["count"] == 9  # l <= 2: 1 + 3 + 5
    _sensible(_png_size(png), 1)


def test_count_plot_with_a_group_has_two_panels(tmp_path, capsys):
    png = tmp_path / "quotient.png"
    argv = ["count", "--mesh", "sphere:2:octahedron", "--group", "C4", "--lam", "20",
            "--plot", str(png), "--plot-points", "4", "--no-progress"]
    assert main(argv) == 0
    assert f"plot saved to {png}" in capsys.readouterr().out
    w, h = _png_size(png)
    _sensible((w, h), 2)
    assert w > 1.6 * h  # side by side


def test_exact_plot_svg(tmp_path, capsys):
    svg = tmp_path / "exact.svg"
    assert main(["exact", "S2", "I", "--lam", "400", "--plot", str(svg)]) == 0
    _assert_svg(svg)


def test_gain_plot_png_and_pdf(tmp_path, capsys):
    png, pdf = tmp_path / "gain.png", tmp_path / "gain.pdf"
    assert main(["gain", "S2", "SO(2)", "--s", "2", "--eps", "1e-3", "--plot", str(png)]) == 0
    _sensible(_png_size(png), 2)
    assert main(["gain", "Q7", "S7", "--json", "--plot", str(pdf)]) == 0
    data = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert data["linear_factor"] == 5040 and data["plot"] == str(pdf)
    assert pdf.read_bytes()[:5] == b"%PDF-"


@pytest.mark.parametrize("argv", [
    # every other argument is bad too: the plot path must be the first thing checked
    ["count", "--mesh", "spere:4"],
    ["exact", "S2", "nonsense", "--lam", "10"],
    ["gain", "S2", "nonsense"],
    ["learn", "--group", "nonsense"],
])
@pytest.mark.parametrize("bad, message", [
    ("picture.txt", "'.txt' is not a picture format"),
    ("picture", "no extension"),
    (os.path.join("missing-folder", "p.png"), "does not exist"),
])
def test_bad_plot_paths_fail_before_any_work(argv, bad, message, tmp_path, capsys):
    code = main(argv + ["--plot", str(tmp_path / bad)])
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith("weylgain: error: --plot") and message in err, err
    assert not os.listdir(tmp_path) or bad.startswith("missing")


def test_plot_path_that_is_a_folder(tmp_path, capsys):
    folder = tmp_path / "out.png"
    folder.mkdir()
    assert main(["gain", "T2", "mirror", "--plot", str(folder)]) == 2
    assert "is a directory" in capsys.readouterr().err


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0,
                    reason="root writes anywhere")
def test_plot_into_a_read_only_folder(tmp_path, capsys):
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o500)
    try:
        assert main(["gain", "T2", "mirror", "--plot", str(ro / "p.png")]) == 2
        assert "permission denied" in capsys.readouterr().err
    finally:
        ro.chmod(0o700)


def test_console_script_writes_the_plot(tmp_path):
    png = tmp_path / "g.png"
    proc = subprocess.run([sys.executable, "-m", "weylgain", "gain", "T2", "mirror", "--plot",
                           str(png)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    _sensible(_png_size(png), 2)


def test_count_plot_mesh_draws_the_fundamental_domain(tmp_path, capsys):
    png = tmp_path / "domain.png"
    argv = ["count", "--mesh", "sphere:2:octahedron", "--group", "C4", "--lam", "20",
            "--plot-mesh", str(png), "--json", "--no-progress"]
    assert main(argv) == 0
    assert json.loads(capsys.readouterr().out)["plot_mesh"] == str(png)
    _sensible(_png_size(png), 1)


@pytest.mark.parametrize("argv, message", [
    (["count", "--mesh", "sphere:2"], "give --group too"),
    (["count", "--mesh", "sphere:2", "--group", "SO(2)", "--lam", "5"], "continuous"),
])
def test_count_plot_mesh_errors(argv, message, tmp_path, capsys):
    assert main(argv + ["--plot-mesh", str(tmp_path / "m.png"), "--no-progress"]) == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / "m.png").exists()


def test_help_texts_are_plain_text(capsys):
    """No reST markup (double backquotes, '::' literal blocks, roles) in any --help."""
    for command in ("count", "exact", "gain", "learn"):
        with pytest.raises(SystemExit):
            main([command, "--help"])
        text = capsys.readouterr().out
        assert "usage: weylgain " + command in text
        for markup in ("``", "::\n", ":func:", ":class:", ":mod:", ":meth:"):
            assert markup not in text, (command, markup)
