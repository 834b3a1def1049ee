"""Real projective space RP^d(r) = S^d(r) / {x ~ -x}."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..errors import SpecError
from ._formulas import _nonneg_int, _positive_expr, sphere_volume
from .base import Manifold
from .sphere import Sphere


@dataclass(frozen=True)
class ProjectiveSpace(Manifold):
    """Real projective space RP^d = S^d(r)/{x ~ -x}, in the coordinates of R^(d+1)."""

    d: int
    radius: Any = 1

    def __post_init__(self) -> None:
        object.__setattr__(self, "d", _nonneg_int(self.d, "dimension"))
        if self.d < 1:
            raise SpecError("RP^d needs d >= 1")
        object.__setattr__(self, "radius", _positive_expr(self.radius, "radius"))

    dim = property(lambda self: self.d)
    ambient_dim = property(lambda self: self.d + 1)
    volume = property(lambda self: sphere_volume(self.d, self.radius) / 2)
    name = property(lambda self: f"RP{self.d}" + ("" if self.radius == 1 else f"({self.radius})"))

    def _cover(self):
        return Sphere(self.d, self.radius), True

    def _check_map(self, A, t):
        return Sphere(self.d, self.radius)._check_map(A, t)
