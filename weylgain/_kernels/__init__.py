"""Numba kernels (private). Imported lazily: nothing here compiles at ``import weylgain``.

numba's ``cache=True`` writes next to the source file unless NUMBA_CACHE_DIR is set, which
would put caches into the installed package. When the user has not chosen a folder, point
numba at a per-user cache folder before any kernel module is decorated.
"""

import os

if not os.environ.get("NUMBA_CACHE_DIR"):
    from numba.core import config as _numba_config

    if not _numba_config.CACHE_DIR:
        _base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
        _numba_config.CACHE_DIR = os.path.join(_base, "weylgain", "numba")
