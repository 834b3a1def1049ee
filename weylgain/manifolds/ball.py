"""The ball B^d(r), centred at the origin."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sympy as sp

from ..errors import SpecError
from ._formulas import _nonneg_int, _positive_expr, ball_volume, sphere_volume
from .base import Manifold, _is_reflection, _no_translation


@dataclass(frozen=True)
class Ball(Manifold):
    """The ball of radius ``radius`` in R^d, centred at the origin."""

    d: int
    radius: Any = 1

    def __post_init__(self) -> None:
        object.__setattr__(self, "d", _nonneg_int(self.d, "dimension"))
        if self.d < 1:
            raise SpecError("a ball needs d >= 1")
        object.__setattr__(self, "radius", _positive_expr(self.radius, "radius"))

    dim = property(lambda self: self.d)
    ambient_dim = property(lambda self: self.d)
    volume = property(lambda self: ball_volume(self.d) * self.radius ** self.d)
    boundary_volume = property(lambda self: sphere_volume(self.d - 1, self.radius))
    name = property(lambda self: f"B{self.d}" + ("" if self.radius == 1 else f"({self.radius})"))

    def _check_map(self, A, t):
        return None if _no_translation(t) else "a ball admits no torus translations"

    def _wall_volume(self, A, t):
        return ball_volume(self.d - 1) * self.radius ** (self.d - 1) if _is_reflection(A) \
            else sp.S.Zero
