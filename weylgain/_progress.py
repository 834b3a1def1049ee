"""A dependency-free progress bar on stderr for long CLI runs."""

from __future__ import annotations

import sys
import time
from typing import Iterable, Iterator, TypeVar

T = TypeVar("T")


def progress(items: Iterable[T], total: int | None = None, label: str = "",
             enabled: bool = True, min_seconds: float = 0.5) -> Iterator[T]:
    """Yield ``items``, drawing a bar on stderr once the run has lasted ``min_seconds``.

    Nothing is drawn when ``enabled`` is false or stderr is not a terminal, so piped JSON
    output and logs stay clean.
    """
    if total is None:
        try:
            total = len(items)  # type: ignore[arg-type]
        except TypeError:
            total = None
    show = enabled and sys.stderr.isatty()
    start = time.perf_counter()
    drawn = False
    for i, item in enumerate(items):
        yield item
        if show and time.perf_counter() - start >= min_seconds:
            drawn = True
            done = i + 1
            if total:
                width = 30
                fill = int(width * done / total)
                sys.stderr.write(f"\r{label} [{'#' * fill}{'.' * (width - fill)}] {done}/{total}")
            else:
                sys.stderr.write(f"\r{label} {done}")
            sys.stderr.flush()
    if drawn:
        sys.stderr.write("\n")
        sys.stderr.flush()
