"""Output paths refused before the work: ``--plot`` of count, exact, gain and learn,
``--plot-mesh``, sweep ``--output`` / ``output=`` and the plotting functions' ``path=``.

``/proc/x.png`` is the case of the finding: the permission bits of ``/proc`` say writable
(always, for root), yet no file can be created there, so a check of the bits alone passed and
the picture failed after minutes of work. Truth: the work functions are replaced by ones that
fail the test if called, and the file system itself (what exists before and after).
"""

import os
import sys

import pytest

from weylgain import plotting, sweep
from weylgain._paths import writable_file
from weylgain.errors import SpecError

on_proc = pytest.mark.skipif(not os.path.isdir("/proc/self"), reason="needs Linux's /proc")
UNWRITABLE = "/proc/x.png"


def _never(*args, **kwargs):
    raise AssertionError("the work started although the output path should have been refused")


@on_proc
@pytest.mark.parametrize("argv, patched", [
    (["count", "--mesh", "sphere:3", "--lam", "36", "--plot", UNWRITABLE],
     ("weylgain.cli.count", "_load_mesh")),
    (["count", "--mesh", "sphere:3", "--group", "C2", "--lam", "36", "--plot-mesh",
      UNWRITABLE], ("weylgain.cli.count", "_load_mesh")),
    (["exact", "S2", "I", "--lam", "400", "--plot", UNWRITABLE],
     ("weylgain.exact", "exact_counts")),
    (["gain", "S2", "I", "--plot", UNWRITABLE], ("weylgain.gain", "predict_gain")),
    (["learn", "--seeds", "1", "--plot", UNWRITABLE], ("weylgain.learning", "experiment")),
], ids=["count", "count --plot-mesh", "exact", "gain", "learn"])
def test_cli_refuses_a_picture_path_under_proc_before_the_work(argv, patched, capsys,
                                                               monkeypatch):
    from weylgain.cli import main

    monkeypatch.setattr(sys.modules[patched[0]] if patched[0] in sys.modules
                        else __import__(patched[0], fromlist=["_"]), patched[1], _never)
    status = main(argv)
    err = capsys.readouterr().err
    assert status == 2, err
    assert err.startswith("weylgain: error: ") and f"'{UNWRITABLE}': cannot write there" in err
    assert "Traceback" not in err and not os.path.exists(UNWRITABLE)


@on_proc
def test_sweep_output_under_proc_is_refused_before_any_task(monkeypatch, capsys):
    from weylgain.cli import main

    monkeypatch.setattr(sweep, "execute", _never)
    with pytest.raises(SpecError, match="cannot write there"):
        sweep.run([sweep.CountTask("sphere:1", (1.0,))], output="/proc/r.jsonl",
                  progress=False)
    assert main(["sweep", "--mesh", "sphere:1", "--lam", "1", "--output",
                 "/proc/r.jsonl"]) == 2
    assert "cannot write there" in capsys.readouterr().err


@on_proc
def test_plotting_functions_refuse_proc_before_drawing(monkeypatch):
    monkeypatch.setattr(plotting, "_new_figure", _never)
    with pytest.raises(SpecError, match="cannot write there"):
        plotting.plot_counting_function([1.0, 2.0], [1, 2], 2.0, 1.0, path=UNWRITABLE)


@on_proc
@pytest.mark.parametrize("folder", ["/proc", "/proc/self", "/sys"])
def test_writable_file_refuses_special_file_systems(folder):
    if folder == "/proc" and os.geteuid() == 0:
        assert os.access(folder, os.W_OK | os.X_OK)  # the permission bits say yes to root
    with pytest.raises(SpecError, match="cannot write there"):
        writable_file(os.path.join(folder, "weylgain-probe.png"), "--plot")


def test_writable_file_refuses_a_name_too_long_for_the_file_system(tmp_path):
    name = tmp_path / ("a" * 300 + ".png")
    with pytest.raises(SpecError, match="(?i)too long"):
        writable_file(name, "--plot")


def test_writable_file_leaves_nothing_behind_and_changes_nothing(tmp_path):
    new = tmp_path / "new.png"
    assert writable_file(new, "--plot") == str(new)
    assert list(tmp_path.iterdir()) == []  # the probe file was removed
    old = tmp_path / "old.jsonl"
    old.write_text("kept\n")
    os.utime(old, (1_000_000_000, 1_000_000_000))
    assert writable_file(old, "output") == str(old)
    assert old.read_text() == "kept\n" and old.stat().st_mtime == 1_000_000_000


def test_writable_file_refuses_a_file_that_cannot_be_opened_for_writing(tmp_path):
    if os.geteuid() == 0:
        pytest.skip("root opens read-only files for writing")
    path = tmp_path / "ro.png"
    path.write_bytes(b"")
    path.chmod(0o444)
    with pytest.raises(SpecError, match="permission denied"):
        writable_file(path, "--plot")
