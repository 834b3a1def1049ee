"""One check of an output path, before any long work: the picture, results and mesh files."""

from __future__ import annotations

import errno
import os
from typing import Any

from .errors import SpecError


def writable_file(path: Any, what: str, error: type[Exception] = SpecError,
                  example: str = "") -> str:
    """``path`` as a str if a file can be written there; else ``error`` saying why.

    Checked: a file name (str, bytes or path-like, not empty), not a directory, in an
    existing folder, and writable: an existing file is opened for appending (nothing
    written), a new one is created and removed at once (permission bits alone pass ``/proc``
    or a read-only mount, and everything for root). Nothing is left behind. ``what`` names
    it in the messages ("output", "--plot", "mesh file"); ``example`` is a file name
    suggested inside a directory given by mistake.
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
        if os.path.isfile(name):
            # open for appending, write nothing: the permission bits do not tell about a
            # read-only mount, and root passes os.access everywhere
            _probe(lambda: os.open(name, os.O_WRONLY | os.O_APPEND), where, error)
    elif not os.access(folder, os.W_OK | os.X_OK):
        raise error(f"{where} permission denied (the folder {folder!r} is not writable); "
                    "choose another folder")
    else:
        # the only sure test: create the file and remove it at once. Folders such as /proc
        # or a read-only mount pass os.access (always, for root) yet refuse a new file, and
        # the picture or results would fail only after the work
        fd = _probe(lambda: os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644),
                    where, error)
        if fd is not None:
            try:
                os.unlink(name)
            except OSError:
                pass
    return name


def _probe(opener: Any, where: str, error: type[Exception]) -> int | None:
    """Run ``opener`` (an ``os.open``) and close what it opened; ``error`` if it fails."""
    try:
        fd = opener()
    except FileExistsError:  # made by someone else since the check: writable after all
        return None
    except OSError as exc:
        hint = ("the file system there does not hold new files" if exc.errno in
                (errno.ENOENT, errno.EROFS, errno.EPERM, errno.EACCES, errno.ENOTDIR)
                else "")
        reason = exc.strerror or str(exc)
        raise error(f"{where} {reason}" + (f" ({hint}); choose another folder" if hint else
                                           "; choose another file name")) from None
    os.close(fd)
    return fd
