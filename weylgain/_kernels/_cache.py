"""Where numba caches this package's compiled kernels: a writable folder, never the package.

numba's ``cache=True`` tries, in order, ``NUMBA_CACHE_DIR``, the source file's own
``__pycache__`` (inside the installed package) and ``~/.cache``; it crashes at import
(``cannot cache function ...: no locator available``) when none is writable, as for a service
account with no home. :func:`configure` runs before any kernel module is decorated and picks
the first folder that passes a cheap write probe (``os.access`` and a temporary file, no
compilation): the user's ``NUMBA_CACHE_DIR``, else ``$XDG_CACHE_HOME/weylgain/numba`` or
``~/.cache/weylgain/numba``, else a per-user folder in the temporary directory (created 0700
and used only if owned by this user and not writable by others). With none, this package's
kernels are compiled without caching, with one :class:`~weylgain.errors.CacheWarning`. The
package folder is never used.
"""

from __future__ import annotations

import os
import tempfile
import warnings

__all__ = ["configure", "chosen_folder"]

_PACKAGE = __name__.rsplit(".", 1)[0]  # weylgain._kernels
_state: dict[str, object] = {}


def _writable(path: str) -> bool:
    """Can numba write cache files into ``path`` (created if missing)?"""
    try:
        os.makedirs(path, exist_ok=True)
        if not (os.path.isdir(path) and os.access(path, os.W_OK | os.X_OK)):
            return False
        # os.access says yes to root on a read-only file system: write for real
        with tempfile.NamedTemporaryFile(dir=path, prefix=".probe-"):
            pass
        return True
    except OSError:
        return False


def _private_temp_folder() -> str | None:
    """A per-user folder in the temporary directory that no other user can have planted."""
    try:
        uid = os.getuid()
    except AttributeError:  # Windows: the temp folder is per-user already
        uid = None
    try:
        base = tempfile.gettempdir()
    except (OSError, FileNotFoundError):
        return None
    path = os.path.join(base, f"weylgain-numba-{uid if uid is not None else 'user'}")
    try:
        os.makedirs(path, mode=0o700, exist_ok=True)
        st = os.stat(path)
        if uid is not None and (st.st_uid != uid or st.st_mode & 0o022):
            return None  # someone else's folder: its cached code must not be loaded
    except OSError:
        return None
    return path if _writable(path) else None


def _inside_package(path: str) -> bool:
    package_root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    try:
        return os.path.commonpath([os.path.abspath(path), package_root]) == package_root
    except ValueError:  # different drives
        return False


def _default_folder() -> str | None:
    base = os.environ.get("XDG_CACHE_HOME")
    if not base:
        home = os.path.expanduser("~")
        if not home or home == "~":
            return None
        base = os.path.join(home, ".cache")
    return os.path.join(base, "weylgain", "numba")


def _disable_caching_for_package() -> None:
    """Give this package's dispatchers numba's null cache (others keep theirs)."""
    from numba.core import caching, dispatcher

    original = dispatcher.Dispatcher.enable_caching
    if getattr(original, "_weylgain_wrapped", False):
        return

    def enable_caching(self):  # type: ignore[no-untyped-def]
        module = getattr(self.py_func, "__module__", "") or ""
        if module.startswith(_PACKAGE + "."):
            self._cache = caching.NullCache()
        else:
            original(self)

    enable_caching._weylgain_wrapped = True  # type: ignore[attr-defined]
    dispatcher.Dispatcher.enable_caching = enable_caching


def configure() -> str | None:
    """Point numba at a writable cache folder; return it (None: caching disabled).

    Idempotent; call before any kernel module is imported.
    """
    if "folder" in _state:
        return _state["folder"]  # type: ignore[return-value]
    from numba.core import config

    user = os.environ.get("NUMBA_CACHE_DIR", "") or config.CACHE_DIR or ""
    candidates = [user] if user else []
    default = _default_folder()
    if default:
        candidates.append(default)
    chosen = None
    for path in candidates:
        if path and not _inside_package(path) and _writable(path):
            chosen = path
            break
    if chosen is None:
        chosen = _private_temp_folder()
    problem = None
    if chosen is None:
        _disable_caching_for_package()
        problem = ("no writable folder for numba's cache (tried "
                   + ", ".join(repr(p) for p in candidates + ["a per-user temporary folder"])
                   + "): weylgain's kernels are compiled in every process, without caching; "
                   "set NUMBA_CACHE_DIR to a writable folder to keep them")
    else:
        config.CACHE_DIR = chosen
        if user and chosen != user:
            problem = (f"NUMBA_CACHE_DIR={user!r} is not a writable folder"
                       + (" (it is inside the weylgain package)" if _inside_package(user)
                          else "")
                       + f"; weylgain's kernels are cached in {chosen!r} instead")
    if problem:
        from ..errors import CacheWarning

        warnings.warn(problem, CacheWarning, stacklevel=2)
    _state["folder"] = chosen
    return chosen


def chosen_folder() -> str | None:
    """The cache folder :func:`configure` chose (None: caching disabled)."""
    return configure()
