"""Say so on stderr when a first run starts compiling the numba kernels.

numba fires a ``numba:compile`` event only when a dispatcher compiles, that is when no
cached machine code was found for the signature (a cache hit loads silently). The listener
installed here filters the events of this package's kernels and writes one line per kernel
module and process, at the moment compilation starts, with the time it takes::

    weylgain: compiling kernels (first run only, ~25 s)...

A caller that knows which kernel modules a job will need (the command line) declares them
with :func:`expect`; the first notice then covers all of them that have no cache yet, in one
line and one estimate, and none of them is announced again.
"""

from __future__ import annotations

import os
import sys
import threading
from typing import Any, Iterable

from numba.core import event

__all__ = ["install", "expect", "COMPILE_SECONDS", "enabled"]

_PACKAGE = __name__.rsplit(".", 1)[0]  # weylgain._kernels

# Cold compile time of each kernel module (all the signatures the package uses), measured
# with benchmarks/bench_import.py --cold-start on a 2-core x86-64 machine under load
# (numba 0.68, Python 3.11), rounded up. A module missing here is announced without a time.
COMPILE_SECONDS: dict[str, float] = {
    "assembly": 12.0,
    "pencil": 4.0,
    "mass_floor": 3.0,  # the certificate's proven mass bound (2.6 s quiet)
    "ordering": 7.0,
    "orbits": 2.0,
    "exact_counts": 7.0,
}

_lock = threading.Lock()
_announced: set[str] = set()
_expected: set[str] = set()
_installed = False


def enabled() -> bool:
    """False when ``WEYLGAIN_QUIET`` is set to a non-empty value other than ``0``."""
    return os.environ.get("WEYLGAIN_QUIET", "") in ("", "0")


def expect(modules: Iterable[str]) -> None:
    """Declare the kernel modules (``"assembly"``, ``"ordering"``, ...) a job will compile.

    The first compile notice then estimates the time for all of them that are not cached.
    """
    with _lock:
        _expected.update(modules)


def _module_of(dispatcher: Any) -> str | None:
    module = getattr(getattr(dispatcher, "py_func", None), "__module__", "") or ""
    if not module.startswith(_PACKAGE + "."):
        return None
    return module.rsplit(".", 1)[1]


def _looks_cached(module: str, cache_path: str | None) -> bool:
    """An index file of ``module`` newer than its source in numba's cache folder?"""
    if not cache_path:
        return False
    source = os.path.join(os.path.dirname(__file__), module + ".py")
    try:
        stamp = os.path.getmtime(source)
        names = os.listdir(cache_path)
    except OSError:
        return False
    for name in names:
        if name.startswith(module + ".") and name.endswith(".nbi"):
            try:
                if os.path.getmtime(os.path.join(cache_path, name)) >= stamp:
                    return True
            except OSError:
                continue
    return False


def _message(seconds: float) -> str:
    estimate = f", ~{seconds:.0f} s" if seconds > 0 else ""
    return f"weylgain: compiling kernels (first run only{estimate})...\n"


class _CompileNotice(event.Listener):
    def on_start(self, ev: event.Event) -> None:
        data = ev.data or {}
        module = _module_of(data.get("dispatcher"))
        if module is None:
            return
        with _lock:
            if module in _announced:
                return
            cache = getattr(data.get("dispatcher"), "_cache", None)
            cache_path = getattr(cache, "_cache_path", None)
            covered = {module} | {m for m in _expected - _announced
                                  if not _looks_cached(m, cache_path)}
            _announced.update(covered)
        if not enabled():
            return
        seconds = sum(COMPILE_SECONDS.get(m, 0.0) for m in covered)
        try:
            from .._progress import interrupt_line, resume_line

            interrupt_line()
            sys.stderr.write(_message(seconds))
            sys.stderr.flush()
            resume_line()
        except (OSError, ValueError):  # stderr closed: nothing to tell
            pass

    def on_end(self, ev: event.Event) -> None:
        pass


def install() -> None:
    """Register the listener once per process (idempotent)."""
    global _installed
    with _lock:
        if _installed:
            return
        event.register("numba:compile", _CompileNotice())
        _installed = True
