"""Numba kernels (private). Imported lazily: nothing here compiles at ``import weylgain``.

numba's ``cache=True`` writes next to the source file unless NUMBA_CACHE_DIR is set, which
would put caches into the installed package, and crashes where nothing is writable.
:mod:`weylgain._kernels._cache` picks a writable folder (NUMBA_CACHE_DIR, the per-user cache,
a per-user temporary folder) before any kernel module is decorated, or disables caching for
this package's kernels with one warning.

The first run compiles the kernels (tens of seconds) and says so: a listener on numba's
``numba:compile`` event, which fires only on a cache miss, writes one line to stderr the
moment a kernel of this package starts compiling (see :mod:`weylgain._kernels._notice`).
"""

from . import _cache  # noqa: E402  (a writable cache folder, or no caching; never the package)

_cache.configure()

from . import _notice  # noqa: E402  (after the cache folder is set; registers the listener)

_notice.install()
