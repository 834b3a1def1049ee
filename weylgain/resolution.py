"""Which eigenvalues a mesh resolves: the rule ``lam h^2 <= 0.5``, ``h`` the mean edge length.

P1 (linear) finite elements approximate an eigenvalue ``lam`` of the manifold with a relative
error of order ``lam h^2 / 12`` (see the theory page, ``docs/theory.md``, "FEM counts"): below
``lam h^2 = 0.5`` that is a few per cent, the range in which a count of the discrete problem
stands for the manifold's count. Beyond it the count is still exact *for the discrete problem*
(the matrices the mesh gives), but it no longer approximates the manifold's: at a large enough
``lam`` it is simply the number of unknowns.

This module is the one home of that rule. Everything that reports it uses it:
:func:`weylgain.spectrum.count_eigenvalues`, :func:`~weylgain.spectrum.counting_function`
and :class:`~weylgain.spectrum.EigenCounter` with ``mesh=``, :func:`~weylgain.spectrum.weyl_fit`
with ``mesh=``, the count tasks of :mod:`weylgain.sweep`, and ``weylgain count`` / ``weylgain
sweep`` on the command line.

Which ``h``: the mean edge of the mesh the matrices were assembled on. For a :class:`Mesh`, its
own; for a :class:`~weylgain.quotient.Quotient` by a finite group, the input mesh (the reduced
problem is the invariant subspace of the P1 space of that mesh); for a continuous group, the
orbit-space mesh (``Quotient.base_mesh``, where the reduced problem lives); for a quotient
whose orbit space is a point, none (``h = 0``: the one invariant eigenvalue, 0, is exact and
every ``lam`` is resolved).
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass
from typing import Any, Iterable

from .errors import ParameterError

__all__ = [
    "RESOLVED_LAM_H2",
    "Resolution",
    "mean_edge_length",
    "lam_max_resolved",
    "resolution_at",
    "unresolved_message",
    "warn_unresolved",
]

#: The resolved range: ``lam h^2 <= RESOLVED_LAM_H2`` (a relative P1 eigenvalue error of a few
#: per cent). ``measure_gain`` fits in the same window on spheres.
RESOLVED_LAM_H2 = 0.5


@dataclass(frozen=True)
class Resolution:
    """Whether one threshold lies in the range a mesh resolves.

    Attributes
    ----------
    lam : float
        The threshold.
    mean_edge : float
        ``h``, the mean edge length of the mesh the matrices were assembled on (0 for a
        quotient whose orbit space is a point).
    lam_h2 : float
        ``lam * h**2``.
    lam_max_resolved : float
        ``RESOLVED_LAM_H2 / h**2``, the largest resolved threshold (inf when ``h = 0``).
    resolved : bool
        ``lam_h2 <= RESOLVED_LAM_H2``.
    limit : float
        The rule's bound on ``lam h^2`` (:data:`RESOLVED_LAM_H2`).
    """

    lam: float
    mean_edge: float
    lam_h2: float
    lam_max_resolved: float
    resolved: bool
    limit: float = RESOLVED_LAM_H2

    def to_dict(self) -> dict[str, Any]:
        """A JSON-safe dict (an infinite ``lam_max_resolved`` becomes None: no limit)."""
        return {"lam": float(self.lam), "mean_edge": float(self.mean_edge),
                "lam_h2": float(self.lam_h2),
                "lam_max_resolved": (float(self.lam_max_resolved)
                                     if math.isfinite(self.lam_max_resolved) else None),
                "resolved": bool(self.resolved), "limit": float(self.limit)}


def _is_real_number(x: Any) -> bool:
    import numpy as np

    return isinstance(x, numbers.Real) and not isinstance(x, (bool, np.bool_))


def mean_edge_length(mesh: Any, *, name: str = "mesh") -> float | None:
    """``h`` of the rule: the mean edge length of the mesh a pencil was assembled on.

    Parameters
    ----------
    mesh : Mesh, Quotient, float or None
        A :class:`weylgain.Mesh` (its mean edge); a :class:`weylgain.Quotient` (the mean edge
        of the mesh its :meth:`~weylgain.Quotient.laplacian` assembles: the input mesh for a
        finite group, the orbit-space mesh for a continuous one, 0 when the orbit space is a
        point); any object with such a ``mean_edge_length()`` method; a positive finite number
        (a mean edge given directly); or None (unknown).
    name : str, default "mesh"
        The argument's name, for the error message.

    Returns
    -------
    float or None
        ``h`` (None when ``mesh`` is None).

    Raises
    ------
    ParameterError
        Anything else: a string, a bool, an array, a negative, zero, NaN or infinite number;
        or an object whose ``mean_edge_length()`` is not a non-negative finite number.
    """
    if mesh is None:
        return None
    # Ask the object itself (Mesh and Quotient answer), so that the counter imports no mesh
    # or quotient type and stays below them in the layering.
    if callable(getattr(type(mesh), "mean_edge_length", None)):
        h = mesh.mean_edge_length()
        if _is_real_number(h) and math.isfinite(h) and h >= 0:
            return float(h)
        raise ParameterError(f"{name}.mean_edge_length() must return a non-negative finite "
                             f"number (the mean edge h); got {_short_repr(h)}")
    if _is_real_number(mesh):
        h = float(mesh)
        if math.isfinite(h) and h > 0:
            return h
        raise ParameterError(f"{name} given as a mean edge length must be a positive finite "
                             f"number; got {mesh!r}")
    raise ParameterError(
        f"{name} must be the weylgain.Mesh (or Quotient) the matrices were assembled on, or "
        f"its mean edge length as a positive number, or None; got {type(mesh).__name__} "
        f"{_short_repr(mesh)}")


def _short_repr(x: Any) -> str:
    text = repr(x)
    return text if len(text) <= 60 else text[:57] + "..."


def lam_max_resolved(mean_edge: float) -> float:
    """The largest threshold a mesh of mean edge ``h`` resolves: ``RESOLVED_LAM_H2 / h**2``.

    Parameters
    ----------
    mean_edge : float
        ``h`` >= 0 (0: no limit).

    Returns
    -------
    float
        inf when ``h = 0`` (or so small that ``h**2`` underflows).
    """
    h2 = float(mean_edge) ** 2
    return RESOLVED_LAM_H2 / h2 if h2 > 0 else math.inf


def resolution_at(mesh: Any, lam: float) -> Resolution:
    """Whether ``lam`` lies in the range ``mesh`` resolves (``lam h^2 <= 0.5``).

    Parameters
    ----------
    mesh : Mesh, Quotient or float
        As for :func:`mean_edge_length` (not None).
    lam : float
        A finite threshold.

    Returns
    -------
    Resolution

    Raises
    ------
    ParameterError
        A ``mesh`` :func:`mean_edge_length` refuses, None, or a ``lam`` that is not a finite
        real number.

    Examples
    --------
    >>> r = resolution_at(0.25, 4.0)          # mean edge 0.25: resolved up to lam = 8
    >>> r.lam_h2, r.resolved, r.lam_max_resolved
    (0.25, True, 8.0)
    """
    h = mean_edge_length(mesh)
    if h is None:
        raise ParameterError("resolution_at needs a mesh, a quotient or a mean edge length; "
                             "got None")
    return _resolution(h, lam)


def _resolution(h: float, lam: Any) -> Resolution:
    if not _is_real_number(lam) or not math.isfinite(float(lam)):
        raise ParameterError(f"lam must be a finite real number; got {_short_repr(lam)}")
    lam = float(lam)
    lam_h2 = lam * h * h
    return Resolution(lam, h, lam_h2, lam_max_resolved(h), bool(lam_h2 <= RESOLVED_LAM_H2))


_CONSEQUENCE = {
    "count": "the count is exact for the discrete problem but not an approximation of the "
             "manifold's",
    "fit": "the counts fitted there are exact for the discrete problem but fall away from the "
           "manifold's, and the fit with them",
}


def unresolved_message(mean_edge: float, lams: Iterable[float], what: str = "count") -> str:
    """Plain words for thresholds beyond the resolved range (the warning's and the CLI's text).

    Parameters
    ----------
    mean_edge : float
        ``h``.
    lams : iterable of float
        The unresolved thresholds.
    what : {"count", "fit"}, default "count"
        What is affected: counts, or a Weyl fit through them.

    Returns
    -------
    str
    """
    values = sorted(set(float(v) for v in lams))
    shown = ", ".join(f"{v:g}" for v in values[:6]) + (", ..." if len(values) > 6 else "")
    h = float(mean_edge)
    worst = values[-1] * h * h if values else math.nan
    return (f"this mesh (mean edge h = {h:.3g}) resolves eigenvalues up to about "
            f"{lam_max_resolved(h):.4g} (lam h^2 <= {RESOLVED_LAM_H2:g}); at lam = {shown} "
            f"(lam h^2 up to {worst:.3g}) {_CONSEQUENCE[what]}: use a finer mesh")


def warn_unresolved(mean_edge: float, lams: Iterable[float], what: str = "count",
                    stacklevel: int = 2) -> None:
    """Issue one :class:`~weylgain.errors.ResolutionWarning` with :func:`unresolved_message`.

    Parameters
    ----------
    mean_edge : float
    lams : iterable of float
    what : {"count", "fit"}
    stacklevel : int, default 2
        As for :func:`warnings.warn`, counted from the caller of this function.
    """
    import warnings

    from .errors import ResolutionWarning

    warnings.warn(unresolved_message(mean_edge, lams, what), ResolutionWarning,
                  stacklevel=stacklevel + 1)
