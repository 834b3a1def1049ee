"""Quotient geometry of a compact group action: d_G and vol(M/G) by the coarea formula.

Deprecated: the code lives in :mod:`weylgain.geometry.lie` (Lie-algebra groups) and
:mod:`weylgain.geometry.torus` (subtori), the home of M/G; import from
:mod:`weylgain.geometry`. This module emits a ``DeprecationWarning`` on import and hands its
old names on lazily (PEP 562). The group layer sits below the geometry of M/G and does not
import it: the names are read from the geometry that :mod:`weylgain._providers` hands out
(registered by the package's ``__init__``). Nothing in the package imports this module.
"""

from __future__ import annotations

import warnings
from typing import Any

from .._providers import provided

warnings.warn("weylgain.groups.geometry is deprecated; use weylgain.geometry",
              DeprecationWarning, stacklevel=2)

# old name -> the submodule of weylgain.geometry it lives in
_HOMES = {
    "linear_quotient_geometry": "lie",
    "generic_orbit_dimension": "lie",
    "MAX_FINITE_ELEMENTS": "lie",
    "MC_SAMPLES": "lie",
    "MC_SEED": "lie",
    "NONTRIVIAL_TOL": "lie",
    "RANK_RTOL": "lie",
    "TRIVIAL_TOL": "lie",
    "torus_quotient_geometry": "torus",
}

__all__ = [
    "linear_quotient_geometry",
    "torus_quotient_geometry",
    "generic_orbit_dimension",
    "MAX_FINITE_ELEMENTS",
    "MC_SAMPLES",
]


def __getattr__(name: str) -> Any:
    if name in _HOMES:
        return getattr(getattr(provided("geometry"), _HOMES[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(list(globals()) + list(_HOMES))
