"""Exception types raised by weylgain.

Every error weylgain raises on bad input derives from :class:`WeylgainError`, and also from
the matching built-in (``ValueError`` or ``TypeError``) so that generic handlers still work.
Every warning derives from :class:`WeylgainWarning` (a ``UserWarning``): the input was valid
but questionable, the result is correct, and the message says what was noticed.
"""

from __future__ import annotations

__all__ = [
    "WeylgainError",
    "MeshError",
    "MatrixError",
    "CountingError",
    "EigenvalueError",
    "GroupError",
    "NotInvariantError",
    "SpecError",
    "FitError",
    "ParameterError",
    "ResourceError",
    "WeylgainWarning",
    "MeshWarning",
    "ResolutionWarning",
    "CacheWarning",
]


class WeylgainError(Exception):
    """Base class of every error raised by weylgain."""


class MeshError(WeylgainError, ValueError):
    """A mesh is malformed: bad shapes, dtypes, indices, degenerate or non-manifold simplices."""


class MatrixError(WeylgainError, ValueError):
    """A (K, M) pair is unusable: not square, not symmetric, wrong shapes, M not positive."""


class CountingError(WeylgainError, RuntimeError):
    """An eigenvalue count could not be certified (the factorization cannot be trusted)."""


class EigenvalueError(WeylgainError, RuntimeError):
    """Eigenvalues could not be computed or did not pass the inertia check."""


class GroupError(WeylgainError, ValueError):
    """A group is malformed (non-orthogonal generator, infinite closure, unknown element)."""


class NotInvariantError(GroupError):
    """A mesh is not invariant under a group generator (vertices or simplices do not map)."""


class SpecError(WeylgainError, ValueError):
    """A manifold, mesh or group specification string cannot be understood."""


class FitError(WeylgainError, ValueError):
    """A Weyl-law fit has too few or unusable data points."""


class ParameterError(WeylgainError, ValueError):
    """A keyword argument has the wrong type or an out-of-range value."""


class ResourceError(WeylgainError, MemoryError):
    """A request would need more memory than the machine has available (refused up front)."""


class WeylgainWarning(UserWarning):
    """Base class of every warning issued by weylgain."""


class MeshWarning(WeylgainWarning):
    """A mesh is valid but questionable: coincident unwelded vertices, pinched vertices."""


class ResolutionWarning(WeylgainWarning):
    """A threshold lies beyond what the mesh resolves; the count describes the mesh only."""


class CacheWarning(WeylgainWarning):
    """numba's cache folder is not writable: kernels are compiled without caching."""
