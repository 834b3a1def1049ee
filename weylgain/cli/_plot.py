"""``--plot FILE``: the output path is checked before any work starts."""

from __future__ import annotations

from typing import Any

from ..errors import SpecError



def add_plot_argument(parser: Any, what: str) -> None:
    """Register ``--plot FILE`` on a subcommand's parser."""
    parser.add_argument("--plot", metavar="FILE", default=None,
                        help=f"save a picture of {what} to FILE (.png, .svg or .pdf; needs "
                             "matplotlib: pip install 'weylgain[plot]')")


def check_plot_path(path: str | None, option: str = "--plot") -> str | None:
    """The path, if a picture can be written there; a clear :class:`SpecError` otherwise.

    The checks of the plotting functions (:func:`weylgain.plotting._check_path`: a known
    extension, an existing and writable folder, no folder of that name), then matplotlib
    importable. Nothing is created.
    """
    if path is None:
        return None
    from ..plotting import _check_path

    _check_path(path, option)
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        raise SpecError(f"{option} needs matplotlib: pip install 'weylgain[plot]'") from None
    return path
