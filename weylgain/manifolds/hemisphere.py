"""The closed hemisphere H^d(r) = {x in S^d(r) : x_(d+1) >= 0}."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import sympy as sp

from ..errors import SpecError
from ._formulas import _TOL, _nonneg_int, _positive_expr, sphere_volume
from .base import Manifold, _is_reflection, _no_translation


@dataclass(frozen=True)
class Hemisphere(Manifold):
    """The closed hemisphere {x in S^d(r) : x_(d+1) >= 0} in R^(d+1)."""

    d: int
    radius: Any = 1

    def __post_init__(self) -> None:
        object.__setattr__(self, "d", _nonneg_int(self.d, "dimension"))
        if self.d < 1:
            raise SpecError("a hemisphere needs d >= 1")
        object.__setattr__(self, "radius", _positive_expr(self.radius, "radius"))

    dim = property(lambda self: self.d)
    ambient_dim = property(lambda self: self.d + 1)
    volume = property(lambda self: sphere_volume(self.d, self.radius) / 2)
    boundary_volume = property(lambda self: sphere_volume(self.d - 1, self.radius))
    name = property(lambda self: f"H{self.d}" + ("" if self.radius == 1 else f"({self.radius})"))

    def _check_map(self, A, t):
        if not _no_translation(t):
            return "a hemisphere admits no torus translations"
        e = np.zeros(self.d + 1)
        e[-1] = 1.0
        if np.abs(A[:, -1] - e).max() > _TOL or np.abs(A[-1, :] - e).max() > _TOL:
            return (f"the map moves the last axis x_{self.d + 1}, so it does not preserve the "
                    "hemisphere x_(d+1) >= 0")
        return None

    def _wall_volume(self, A, t):
        # a reflection of the first d coordinates fixes half a great S^(d-1)
        return sphere_volume(self.d - 1, self.radius) / 2 if _is_reflection(A) else sp.S.Zero
