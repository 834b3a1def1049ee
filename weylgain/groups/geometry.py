"""Quotient geometry of a compact group action: d_G and vol(M/G) by the coarea formula.

Deprecated: the code lives in :mod:`weylgain.geometry.lie` (Lie-algebra groups) and
:mod:`weylgain.geometry.torus` (subtori), the home of M/G; import from
:mod:`weylgain.geometry`. This module emits a ``DeprecationWarning`` on import and hands its
old names on lazily (PEP 562): the group layer sits below the geometry of M/G, so only this
deprecated path reaches up to it, at run time and by module name.
"""

from __future__ import annotations

import importlib
import warnings
from typing import Any

warnings.warn("weylgain.groups.geometry is deprecated; use weylgain.geometry",
              DeprecationWarning, stacklevel=2)

_HOMES = {
    "linear_quotient_geometry": "weylgain.geometry.lie",
    "generic_orbit_dimension": "weylgain.geometry.lie",
    "MAX_FINITE_ELEMENTS": "weylgain.geometry.lie",
    "MC_SAMPLES": "weylgain.geometry.lie",
    "MC_SEED": "weylgain.geometry.lie",
    "NONTRIVIAL_TOL": "weylgain.geometry.lie",
    "RANK_RTOL": "weylgain.geometry.lie",
    "TRIVIAL_TOL": "weylgain.geometry.lie",
    "torus_quotient_geometry": "weylgain.geometry.torus",
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
        return getattr(importlib.import_module(_HOMES[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(list(globals()) + list(_HOMES))
