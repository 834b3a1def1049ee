"""The round sphere S^d(r)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sympy as sp

from ._formulas import _nonneg_int, _positive_expr, sphere_volume
from .base import Manifold, _is_reflection, _no_translation


@dataclass(frozen=True)
class Sphere(Manifold):
    """The round sphere S^d of radius ``radius`` in R^(d+1)."""

    d: int
    radius: Any = 1

    def __post_init__(self) -> None:
        object.__setattr__(self, "d", _nonneg_int(self.d, "sphere dimension"))
        object.__setattr__(self, "radius", _positive_expr(self.radius, "radius"))

    dim = property(lambda self: self.d)
    ambient_dim = property(lambda self: self.d + 1)
    volume = property(lambda self: sphere_volume(self.d, self.radius))
    name = property(lambda self: f"S{self.d}" + ("" if self.radius == 1 else f"({self.radius})"))

    def _check_map(self, A, t):
        return None if _no_translation(t) else "a sphere admits no torus translations"

    def _wall_volume(self, A, t):
        return sphere_volume(self.d - 1, self.radius) if _is_reflection(A) and self.d >= 1 \
            else sp.S.Zero
