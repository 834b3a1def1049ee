"""The geometry of quotients M/G and the risk formulas beside it (sympy).

One home for M/G: :func:`quotient_geometry` reads the group (a spec string is resolved on the
manifold by :func:`weylgain.groups.resolve`) and takes the route that fits it:

* finite groups (:mod:`weylgain.geometry.finite`): vol(M) divided by the order of the group
  acting effectively, and the Neumann walls of the reflections;
* the named continuous families (:mod:`weylgain.geometry.continuous`): the coarea formula,
  through each manifold's ``rotation_quotient`` and ``hopf_quotient``;
* Lie-algebra groups (:mod:`weylgain.geometry.lie`, with the group volumes and generic
  stabilizers of :mod:`weylgain.geometry.compact`) and subtori
  (:mod:`weylgain.geometry.torus`), reached through the groups' own ``quotient_geometry``.

d_G is always computed; where vol(M/G) is not, :class:`QuotientVolumeError` (an
:class:`~weylgain.errors.UnsupportedError`) carries d_G and the reason.

The risk and sample-complexity formulas of kernel ridge regression (:mod:`weylgain.geometry.risk`)
turn d_G and vol(M/G) into the gain of symmetry.
"""

from __future__ import annotations

from .dispatch import quotient_geometry, resolve_group
from .lie import generic_orbit_dimension, linear_quotient_geometry
from .result import QuotientGeometry, QuotientVolumeError
from .risk import (heuristic_risk, heuristic_samples, risk_exponent, sample_exponent,
                   sample_ratio)
from .torus import torus_quotient_geometry

__all__ = [
    "QuotientGeometry",
    "QuotientVolumeError",
    "quotient_geometry",
    "resolve_group",
    "risk_exponent",
    "sample_exponent",
    "sample_ratio",
    "heuristic_risk",
    "heuristic_samples",
    "linear_quotient_geometry",
    "torus_quotient_geometry",
    "generic_orbit_dimension",
]
