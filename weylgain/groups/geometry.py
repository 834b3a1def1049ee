"""Quotient geometry of a compact group action: d_G and vol(M/G) by the coarea formula.

The code lives in :mod:`weylgain.geometry.lie` (Lie-algebra groups) and
:mod:`weylgain.geometry.torus` (subtori), the home of M/G; this module re-exports its names.

Deprecated: import from :mod:`weylgain.geometry`; this module emits a ``DeprecationWarning``
on import.
"""

from __future__ import annotations

import warnings

from ..geometry.lie import (MAX_FINITE_ELEMENTS, MC_SAMPLES, MC_SEED, NONTRIVIAL_TOL, RANK_RTOL,
                            TRIVIAL_TOL, generic_orbit_dimension, linear_quotient_geometry)
from ..geometry.torus import torus_quotient_geometry

warnings.warn("weylgain.groups.geometry is deprecated; use weylgain.geometry",
              DeprecationWarning, stacklevel=2)

__all__ = [
    "linear_quotient_geometry",
    "torus_quotient_geometry",
    "generic_orbit_dimension",
    "MAX_FINITE_ELEMENTS",
    "MC_SAMPLES",
]
