"""A first run that talks: one compile notice on stderr with an empty numba cache, none after.

Each case runs in a fresh interpreter with its own empty NUMBA_CACHE_DIR, so numba really
compiles (the notice comes from numba's compile event, not from a guess); the small orbit
kernel keeps the fast cases to a few seconds.
"""

import os
import subprocess
import sys

import pytest

NOTICE = "weylgain: compiling kernels (first run only"

# two kernels of one module, both compiled: still a single line
_ORBITS = ("import numpy as np\n"
           "from weylgain._kernels.orbits import orbit_labels\n"
           "perms = np.array([[1, 0, 3, 2]], dtype=np.int64)\n"
           "labels, n = orbit_labels(perms)\n"
           "assert n == 2 and labels.tolist() == [0, 0, 1, 1]\n")


def _run(code, cache, **env_extra):
    env = {k: v for k, v in os.environ.items() if k != "WEYLGAIN_QUIET"}
    env.update(NUMBA_CACHE_DIR=str(cache), **env_extra)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert out.returncode == 0, out.stderr
    return out.stderr


def test_notice_once_on_a_cold_cache_then_silent(tmp_path):
    first = _run(_ORBITS, tmp_path)
    assert first.count(NOTICE) == 1, first
    assert "~2 s" in first  # the measured estimate for this module
    again = _run(_ORBITS, tmp_path)  # the cache is there now: numba loads, nothing compiles
    assert NOTICE not in again, again


def test_importing_kernels_says_nothing(tmp_path):
    err = _run("import weylgain._kernels.orbits, weylgain._kernels.assembly", tmp_path)
    assert NOTICE not in err


def test_quiet_switch(tmp_path):
    assert NOTICE not in _run(_ORBITS, tmp_path, WEYLGAIN_QUIET="1")


def test_other_numba_code_is_not_announced(tmp_path):
    code = ("import weylgain._kernels, numba\n"
            "f = numba.njit(lambda x: x + 1)\n"
            "assert f(1) == 2\n")
    assert NOTICE not in _run(code, tmp_path)


def test_expected_modules_share_one_line_and_one_estimate(tmp_path):
    code = ("from weylgain._kernels import _notice\n"
            "_notice.expect(['orbits', 'exact_counts'])\n" + _ORBITS)
    err = _run(code, tmp_path)
    assert err.count(NOTICE) == 1
    assert "~9 s" in err  # orbits 2 s + exact_counts 7 s, neither cached yet


@pytest.mark.slow
def test_first_weylgain_count_announces_the_compile_before_it_happens(tmp_path):
    env = dict(os.environ, NUMBA_CACHE_DIR=str(tmp_path))
    env.pop("WEYLGAIN_QUIET", None)
    argv = [sys.executable, "-m", "weylgain", "count", "--mesh", "sphere:2", "--lam", "7",
            "--json"]
    first = subprocess.run(argv, capture_output=True, text=True, env=env)
    assert first.returncode == 0, first.stderr
    assert first.stderr.count(NOTICE) == 1, first.stderr
    assert first.stdout.count("\n") == 1  # stdout keeps its single JSON line
    second = subprocess.run(argv, capture_output=True, text=True, env=env)
    assert second.returncode == 0 and NOTICE not in second.stderr


def _stderr_on_a_terminal(argv, env):
    """Run with stderr on a pseudo-terminal (the bar draws only there); its text."""
    import pty

    master, slave = pty.openpty()
    try:
        proc = subprocess.run(argv, stdout=subprocess.PIPE, stderr=slave, env=env, timeout=300)
    finally:
        os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:  # EIO: the terminal has no writer left
            break
        if not data:
            break
        chunks.append(data)
    os.close(master)
    assert proc.returncode == 0
    return b"".join(chunks).decode(errors="replace")


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
def test_progress_bar_is_drawn_from_the_first_step(tmp_path):
    env = dict(os.environ, NUMBA_CACHE_DIR=os.environ.get("NUMBA_CACHE_DIR", str(tmp_path)))
    argv = [sys.executable, "-m", "weylgain", "count", "--mesh", "interval:10", "--lam", "5",
            "--lam", "50"]
    err = _stderr_on_a_terminal(argv, env)
    frames = [f for f in err.replace("\r\n", "\n").replace("\n", "\r").split("\r") if f.strip()]
    bars = [f for f in frames if f.startswith("weylgain count [")]
    # mesh, assembly, ordering, two counts: the bar shows 0/5 before any of them has run
    assert bars[0].startswith("weylgain count [" + "." * 30 + "] 0/5  mesh interval:10")
    assert any("counting lam = 50" in b for b in bars)
    assert bars[-1].startswith("weylgain count [" + "#" * 30 + "] 5/5")
    done = [int(b.split("] ")[1].split("/")[0]) for b in bars]
    assert done == sorted(done)
    # without a terminal (or with --no-progress) stderr stays clean
    out = subprocess.run(argv + ["--no-progress"], capture_output=True, text=True, env=env)
    assert "weylgain count [" not in out.stderr
