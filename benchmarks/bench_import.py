"""How long does ``import weylgain`` take, next to the libraries it builds on? And a first run?

Run: ``python benchmarks/bench_import.py`` (``--repeat`` fresh interpreters per case, default 7);
``--cold-start`` also times the first command-line runs with an empty numba cache (minutes).

Every case runs in a fresh interpreter (``python -c``), so nothing is cached in
``sys.modules``; the operating system's file cache is warm after the first run, which is what
a user calling the command line repeatedly sees. Two times per case, medians over the runs:
the import itself (``time.perf_counter`` around the statement, inside the child) and the
whole process (interpreter start-up and exit included: what a shell user waits for). The peers
run side by side in the same loop: ``import numpy`` and ``import scipy.sparse`` (the floor of
any code that touches a sparse matrix), and LaPy and scikit-fem when installed. The ratio
column is the import time over that of ``import numpy``. The goal of the lazy package is
``import weylgain`` well under 0.5 s; the heavier rows say what a first use of each layer
costs (the FEM layer needs scipy.sparse; the gain calculator needs sympy).

``--cold-start``: each command runs twice in fresh interpreters, first with an empty
``NUMBA_CACHE_DIR`` (what a fresh install sees: numba compiles the kernels), then with the
cache that run left (every later run). A listener on numba's compile event in the child
times the compilation of each kernel module; these are the times the first-run notice
("compiling kernels (first run only, ~N s)") promises, in weylgain/_kernels/_notice.py.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from _common import Table, fmt_ratio, fmt_time, log, machine_line

ROOT = Path(__file__).resolve().parent.parent

# (label, statement, is it weylgain's?)
CASES = [
    ("import numpy", "import numpy", False),
    ("import scipy.sparse", "import scipy.sparse", False),
    ("import lapy", "import lapy", False),
    ("import skfem", "import skfem", False),
    ("import weylgain", "import weylgain", True),
    ("CLI parser (weylgain --help)", "from weylgain.cli import build_parser; build_parser()",
     True),
    ("FEM layer (laplacian, meshes)", "from weylgain import laplacian, meshes", True),
    ("counting (count_eigenvalues)", "from weylgain import count_eigenvalues", True),
    ("quotients (quotient)", "from weylgain import quotient", True),
    ("gain calculator (sympy)", "from weylgain import predict_gain", True),
    ("plotting (matplotlib)", "import weylgain.plotting as p; p._pyplot()", True),
]

_CHILD = ("import time\n_t = time.perf_counter()\n{stmt}\n"
          "print(time.perf_counter() - _t)")


def _available(stmt: str) -> bool:
    name = stmt.split()[1].split(".")[0]
    return name in ("weylgain",) or importlib.util.find_spec(name) is not None


def time_case(stmt: str, repeat: int, env: dict) -> tuple[float, float]:
    """Median import time (inside the child) and median process wall time, in seconds."""
    inner, outer = [], []
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = subprocess.run([sys.executable, "-c", _CHILD.format(stmt=stmt)],
                             capture_output=True, text=True, env=env, cwd=str(ROOT))
        outer.append(time.perf_counter() - t0)
        if out.returncode != 0:
            raise RuntimeError(f"{stmt!r} failed:\n{out.stderr}")
        inner.append(float(out.stdout.strip().splitlines()[-1]))
    return statistics.median(inner), statistics.median(outer)


COLD_COMMANDS = [
    ["count", "--no-progress"],  # the README's main job: sphere:5, four thresholds
    ["count", "--mesh", "sphere:4:octahedron", "--group", "Oh", "--lam", "100",
     "--no-progress"],
    ["exact", "T3", "B3", "--lam", "50"],
]

_COLD_CHILD = """
import contextlib, io, json, sys, time
t_start = time.perf_counter()
from numba.core import event
spent, stack = {}, []
class Timer(event.Listener):
    def on_start(self, ev):
        stack.append((ev.data["dispatcher"].py_func.__module__, time.perf_counter()))
    def on_end(self, ev):
        module, t0 = stack.pop()
        if not any(m == module for m, _ in stack):  # outermost compile of that module
            spent[module] = spent.get(module, 0.0) + time.perf_counter() - t0
event.register("numba:compile", Timer())
from weylgain.cli import main
with contextlib.redirect_stdout(io.StringIO()):
    code = main(ARGV)
print(json.dumps({"code": code, "total": time.perf_counter() - t_start, "compile": spent}))
"""


def cold_start(env: dict) -> None:
    """Time each command with an empty numba cache, then with the cache it left."""
    import json
    import tempfile

    table = Table(["command", "first run (empty cache)", "later runs", "ratio",
                   "compiling (per kernel module)"])
    for argv in COLD_COMMANDS:
        with tempfile.TemporaryDirectory(prefix="weylgain-cold-") as cache:
            child_env = dict(env, NUMBA_CACHE_DIR=cache)
            runs = []
            for _ in range(2):
                t0 = time.perf_counter()
                out = subprocess.run([sys.executable, "-c",
                                      _COLD_CHILD.replace("ARGV", repr(argv))],
                                     capture_output=True, text=True, env=child_env,
                                     cwd=str(ROOT))
                wall = time.perf_counter() - t0
                if out.returncode != 0:
                    raise RuntimeError(f"{argv} failed:\n{out.stderr}")
                runs.append((wall, json.loads(out.stdout.strip().splitlines()[-1])))
        (cold, cold_info), (warm, warm_info) = runs
        assert not warm_info["compile"], f"{argv}: the second run compiled again"
        parts = ", ".join(f"{m.rsplit('.', 1)[-1]} {fmt_time(t)}"
                          for m, t in sorted(cold_info["compile"].items()))
        label = "weylgain " + " ".join(a for a in argv if a != "--no-progress")
        table.add(label, fmt_time(cold), fmt_time(warm), fmt_ratio(cold / warm), parts)
        log(f"  {label}: {fmt_time(cold)} cold, {fmt_time(warm)} warm")
    print(f"\nfirst run against later runs, process wall time ({machine_line()})\n")
    table.print()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7,
                        help="fresh interpreters per case (default 7; the median is reported)")
    parser.add_argument("--quick", action="store_true", help="3 runs per case")
    parser.add_argument("--cold-start", action="store_true",
                        help="also time first runs with an empty numba cache (minutes)")
    args = parser.parse_args()
    repeat = 3 if args.quick else max(1, args.repeat)
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")]).rstrip(
        os.pathsep)
    env.setdefault("MPLBACKEND", "Agg")
    log(machine_line())
    baseline = None
    rows = []
    for label, stmt, ours in CASES:
        if not _available(stmt):
            rows.append((label, None, None, ours))
            continue
        # one untimed run warms the file cache (and numba's, which no import touches)
        time_case(stmt, 1, env)
        inner, outer = time_case(stmt, repeat, env)
        if stmt == "import numpy":
            baseline = inner
        rows.append((label, inner, outer, ours))
        log(f"  {label}: {fmt_time(inner)}")
    table = Table(["case", "import (median)", "process (median)", "vs import numpy", "ours",
                   "under 0.5 s"])
    for label, inner, outer, ours in rows:
        if inner is None:
            table.add(label, "not installed", "—", "—", "yes" if ours else "peer", "—")
            continue
        table.add(label, fmt_time(inner), fmt_time(outer),
                  fmt_ratio(inner / baseline) if baseline else "—",
                  "yes" if ours else "peer", ("yes" if inner < 0.5 else "no") if ours else "—")
    print(f"\nimport times, median of {repeat} fresh interpreters ({machine_line()})\n")
    table.print()
    if args.cold_start:
        cold_start(env)


if __name__ == "__main__":
    main()
