"""``--plot FILE``: the output path is checked before any work starts."""

from __future__ import annotations

import os
from typing import Any

from ..errors import SpecError

PLOT_FORMATS = ("png", "svg", "pdf")  # what every matplotlib installation writes


def add_plot_argument(parser: Any, what: str) -> None:
    """Register ``--plot FILE`` on a subcommand's parser."""
    parser.add_argument("--plot", metavar="FILE", default=None,
                        help=f"save a picture of {what} to FILE (.png, .svg or .pdf; needs "
                             "matplotlib: pip install 'weylgain[plot]')")


def check_plot_path(path: str | None) -> str | None:
    """The path, if a picture can be written there; a clear :class:`SpecError` otherwise.

    Checked: a known extension (png, svg, pdf), an existing and writable folder, no folder
    of that name, and matplotlib importable. Nothing is created.
    """
    if path is None:
        return None
    if os.path.isdir(path):
        raise SpecError(f"--plot {path}: is a folder; give a file name such as "
                        f"{os.path.join(path, 'plot.png')}")
    ext = os.path.splitext(path)[1].lower().lstrip(".")
    if ext not in PLOT_FORMATS:
        shown = f"'.{ext}'" if ext else "no extension"
        raise SpecError(f"--plot {path}: {shown} is not a picture format weylgain writes; "
                        f"use a file name ending in {', '.join('.' + f for f in PLOT_FORMATS)}")
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise SpecError(f"--plot {path}: the folder {folder} does not exist; create it first")
    if not os.access(folder, os.W_OK) or (os.path.exists(path) and not os.access(path, os.W_OK)):
        raise SpecError(f"--plot {path}: cannot write there (permission denied); choose "
                        "another folder")
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        raise SpecError("--plot needs matplotlib: pip install 'weylgain[plot]'") from None
    return path
