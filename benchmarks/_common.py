"""Shared helpers of the benchmark scripts: best-of-r timing and a plain-text table.

The machine these run on is shared and noisy, so every case is timed best-of-r with
:func:`time.perf_counter` and the peer runs in the same process, right next to ours: read the
ratios, not the absolute times.
"""

from __future__ import annotations

import gc
import math
import os
import platform
import sys
import time
from pathlib import Path
from typing import Any, Callable, Sequence

try:  # run from a checkout without installing: use the package next to this folder
    import weylgain  # noqa: F401
except ImportError:  # pragma: no cover - depends on the environment
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

__all__ = ["best_of", "Table", "fmt_time", "fmt_ratio", "machine_line", "add_common_args", "log"]


def best_of(fn: Callable[[], Any], repeat: int = 3,
            setup: Callable[[], Any] | None = None) -> tuple[float, Any]:
    """Best wall time of ``repeat`` calls of ``fn`` (after ``setup``, untimed), and a result.

    The best process CPU time of the same calls is kept in ``best_of.last_cpu`` (seconds):
    on a loaded machine wall time includes waiting for a core, CPU time does not (but it adds
    up the threads of a multi-threaded BLAS).

    Parameters
    ----------
    fn : callable
        Called with the value returned by ``setup`` when given, else with no argument.
    repeat : int, default 3
    setup : callable, optional
        Run before every call, outside the timing (for example a fresh mesh object, so that
        a per-mesh cache is rebuilt).

    Returns
    -------
    seconds : float
        The best of the ``repeat`` wall timings.
    value : object
        The value returned by the last call.
    """
    best, best_cpu, value = math.inf, math.inf, None
    for _ in range(max(1, int(repeat))):
        arg = setup() if setup is not None else None
        gc.collect()
        c0 = time.process_time()
        start = time.perf_counter()
        value = fn(arg) if setup is not None else fn()
        best = min(best, time.perf_counter() - start)
        best_cpu = min(best_cpu, time.process_time() - c0)
        del arg
    best_of.last_cpu = best_cpu
    return best, value


best_of.last_cpu = math.nan


def fmt_time(seconds: float | None) -> str:
    """Seconds as a short string with a unit (ms below one second)."""
    if seconds is None or not math.isfinite(seconds):
        return "—"
    if seconds < 1.0:
        return f"{seconds * 1e3:.1f} ms"
    return f"{seconds:.2f} s"


def fmt_ratio(x: float | None) -> str:
    if x is None or not math.isfinite(x):
        return "—"
    return f"{x:.1f}x" if x < 100 else f"{x:.0f}x"


class Table:
    """Collect rows, print them as an aligned Markdown table.

    Parameters
    ----------
    columns : sequence of str
        Header of each column.
    """

    def __init__(self, columns: Sequence[str]) -> None:
        self.columns = [str(c) for c in columns]
        self.rows: list[list[str]] = []

    def add(self, *cells: Any) -> None:
        if len(cells) != len(self.columns):
            raise ValueError(f"expected {len(self.columns)} cells, got {len(cells)}")
        self.rows.append([str(c) for c in cells])

    def render(self) -> str:
        widths = [max(len(c), *(len(r[i]) for r in self.rows)) if self.rows else len(c)
                  for i, c in enumerate(self.columns)]

        def line(cells: Sequence[str]) -> str:
            return "| " + " | ".join(c.rjust(w) for c, w in zip(cells, widths)) + " |"

        out = [line(self.columns), "|" + "|".join("-" * (w + 2) for w in widths) + "|"]
        out += [line(r) for r in self.rows]
        return "\n".join(out)

    def print(self) -> None:
        print(self.render(), flush=True)


def machine_line() -> str:
    """One line describing the run: Python, cores, load average."""
    try:
        load = "load %.1f %.1f %.1f" % os.getloadavg()
    except OSError:
        load = "load ?"
    return (f"python {platform.python_version()} on {platform.machine()}, "
            f"{os.cpu_count()} cores, {load}")


def add_common_args(parser: Any, default_repeat: int = 3) -> None:
    """``--quick`` (small sizes, a smoke run) and ``--repeat`` (best of r)."""
    parser.add_argument("--quick", action="store_true",
                        help="small sizes: a smoke run of a few seconds")
    parser.add_argument("--repeat", type=int, default=default_repeat,
                        help=f"best of this many runs per case (default {default_repeat})")


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)
