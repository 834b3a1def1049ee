"""A dependency-free progress bar on stderr for long CLI runs.

Bars are drawn from the start (0 of n, before the first step runs), so a long first step
shows that something is under way. Other messages written to stderr while a bar is on
screen (the numba compile notice) call :func:`interrupt_line` first, to start on a new line.
"""

from __future__ import annotations

import sys
import time
from typing import Iterable, Iterator, TypeVar

T = TypeVar("T")

_WIDTH = 30
_line_open = False  # a bar is drawn without its newline yet
_interrupted = ""  # the bar a message interrupted, to draw again below the message


def interrupt_line() -> None:
    """End a bar's line on stderr, if one is open, so that a message starts on its own line."""
    global _line_open, _interrupted
    if _line_open:
        sys.stderr.write("\n")
        sys.stderr.flush()
        _line_open = False
        _interrupted = _last_text


def resume_line() -> None:
    """Draw the bar that :func:`interrupt_line` ended again, below the message."""
    global _line_open, _interrupted
    if _interrupted:
        sys.stderr.write(_interrupted)
        sys.stderr.flush()
        _line_open = True
        _interrupted = ""


_last_text = ""


def _draw(label: str, done: int, total: int | None, what: str = "") -> None:
    global _line_open, _last_text, _interrupted
    if total:
        fill = int(_WIDTH * done / total)
        text = f"\r{label} [{'#' * fill}{'.' * (_WIDTH - fill)}] {done}/{total}"
    else:
        text = f"\r{label} {done}"
    if what:
        text += f"  {what}"
    _last_text = text + "\033[K"  # clear what a longer previous line left behind
    sys.stderr.write(_last_text)
    sys.stderr.flush()
    _line_open = True
    _interrupted = ""


def _close() -> None:
    global _line_open, _interrupted
    _interrupted = ""
    if _line_open:
        sys.stderr.write("\n")
        sys.stderr.flush()
        _line_open = False


def progress(items: Iterable[T], total: int | None = None, label: str = "",
             enabled: bool = True, min_seconds: float = 0.0) -> Iterator[T]:
    """Yield ``items``, drawing a bar on stderr from the start (0 of ``total``).

    Nothing is drawn when ``enabled`` is false or stderr is not a terminal, so piped JSON
    output and logs stay clean. With ``min_seconds`` > 0 the bar waits that long before it
    first appears (for loops that are usually quick).
    """
    if total is None:
        try:
            total = len(items)  # type: ignore[arg-type]
        except TypeError:
            total = None
    show = enabled and sys.stderr.isatty()
    start = time.perf_counter()
    drawn = False
    if show and min_seconds <= 0:
        _draw(label, 0, total)
        drawn = True
    try:
        for i, item in enumerate(items):
            yield item
            if show and (drawn or time.perf_counter() - start >= min_seconds):
                drawn = True
                _draw(label, i + 1, total)
    finally:
        if drawn:
            _close()


class Steps:
    """A bar over a known number of named steps, drawn as each step starts.

    Parameters
    ----------
    total : int
        Number of steps.
    label : str
        Printed before the bar.
    enabled : bool, default True
        Draw nothing when false (or when stderr is not a terminal).

    Examples
    --------
    >>> bar = Steps(3, "count", enabled=False)
    >>> bar.step("assembling"); bar.step("ordering"); bar.step("counting"); bar.close()
    """

    def __init__(self, total: int, label: str = "", enabled: bool = True) -> None:
        self.total = max(1, int(total))
        self.label = label
        self.done = 0
        self._show = enabled and sys.stderr.isatty()
        self._started = False

    def step(self, what: str = "") -> None:
        """Mark the previous step done (if any) and show ``what`` as the one now running."""
        if self._started:
            self.done = min(self.total, self.done + 1)
        self._started = True
        if self._show:
            _draw(self.label, self.done, self.total, what)

    def close(self) -> None:
        """Mark the last step done and end the line."""
        if self._started:
            self.done = self.total
            if self._show:
                _draw(self.label, self.done, self.total)
        if self._show:
            _close()
