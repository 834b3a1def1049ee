"""One check of an output path, before any long work: the picture, results and mesh files."""

from __future__ import annotations

import os
from typing import Any

from .errors import SpecError


def writable_file(path: Any, what: str, error: type[Exception] = SpecError,
                  example: str = "") -> str:
    """``path`` as a str if a file can be written there; else ``error`` saying why.

    Checked: a file name (str, bytes or path-like, not empty), not a directory, in an
    existing folder, and writable (the file if it exists, else its folder). Nothing is
    created. ``what`` names it in the messages ("output", "--plot", "mesh file"); ``example``
    is a file name suggested inside a directory given by mistake.
    """
    try:
        name = os.fspath(path)
    except TypeError:
        raise error(f"{what} must be a file name (str or path-like); got "
                    f"{type(path).__name__}") from None
    if isinstance(name, bytes):
        name = os.fsdecode(name)
    if not name.strip():
        raise error(f"{what} is empty: give a non-empty file name")
    if os.path.isdir(name):
        hint = f", such as {os.path.join(name, example)!r}" if example else ""
        raise error(f"{what} {name!r} is a directory; give a file name inside it{hint}")
    folder = os.path.dirname(os.path.abspath(name))
    where = f"{what} {name!r}: cannot write there:"
    if os.path.exists(folder) and not os.path.isdir(folder):
        raise error(f"{where} the folder {folder!r} does not exist: it is a file, not a "
                    "directory")
    if not os.path.isdir(folder):
        raise error(f"{where} the folder {folder!r} does not exist (or is not a folder); "
                    "create it first")
    if os.path.exists(name):
        if not os.access(name, os.W_OK):
            raise error(f"{where} permission denied (the file is not writable)")
    elif not os.access(folder, os.W_OK | os.X_OK):
        raise error(f"{where} permission denied (the folder {folder!r} is not writable); "
                    "choose another folder")
    return name
