"""Exception types raised by weylgain.

Every error weylgain raises on bad input derives from :class:`WeylgainError`, and also from
the matching built-in (``ValueError`` or ``TypeError``) so that generic handlers still work.
Exit status of the ``weylgain`` command line (documented in docs/errors.md), by class:

* 2 -- bad input: any :class:`WeylgainError` not listed below (:class:`SpecError`,
  :class:`ParameterError`, :class:`GroupDefinitionError` for a malformed group,
  :class:`ResourceError` for a request too large for this machine, ...);
* 3 -- the group does not act on the manifold: :class:`ActionError`,
  :class:`NotInvariantError`, and a :class:`GroupError` not classified as malformed;
* 4 -- a valid question weylgain cannot answer: :class:`UnsupportedError` (no method for
  it) and its subclasses :class:`CountingError`, :class:`EigenvalueError` (a result that
  could not be certified); the message gives the reason.

Every warning derives from :class:`WeylgainWarning` (a ``UserWarning``): the input was valid
but questionable, the result is correct, and the message says what was noticed.
"""

from __future__ import annotations

__all__ = [
    "WeylgainError",
    "MeshError",
    "MatrixError",
    "UnsupportedError",
    "CountingError",
    "EigenvalueError",
    "GroupError",
    "GroupDefinitionError",
    "ActionError",
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


class UnsupportedError(WeylgainError, RuntimeError):
    """A valid question weylgain cannot answer: no method covers it, or the method's result
    cannot be certified. The message says why (exit status 4 of the command line)."""


class CountingError(UnsupportedError):
    """An eigenvalue count could not be certified (the factorization cannot be trusted)."""


class EigenvalueError(UnsupportedError):
    """Eigenvalues could not be computed or did not pass the inertia check."""


class GroupError(WeylgainError, ValueError):
    """A group cannot be used: it does not act on the manifold (exit status 3), or, as
    :class:`GroupDefinitionError`, it is malformed (exit status 2)."""


class GroupDefinitionError(GroupError):
    """A group is malformed: non-orthogonal generator, not a Lie algebra, dense winding,
    bad shapes, unknown element (bad input, exit status 2)."""


class ActionError(GroupError):
    """A well-formed group does not act on the manifold (it does not map M to itself, lives
    in another dimension, mixes factors); exit status 3."""


class NotInvariantError(ActionError):
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
