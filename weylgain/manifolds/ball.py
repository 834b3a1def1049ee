"""The ball B^d(r), centred at the origin."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

import sympy as sp

from ..errors import SpecError
from ._formulas import _T, _nonneg_int, _positive_expr, ball_volume, sphere_volume
from .base import Manifold, _fmt, _is_reflection, _ladder, _no_translation
from .sphere import _one_radius, _sphere_rotation_quotient_unit


@dataclass(frozen=True)
class Ball(Manifold):
    """The ball of radius ``radius`` in R^d, centred at the origin."""

    SPEC = ("B", "B<d>[(r)]", "ball of radius r in R^d")
    SPEC_NUMBER = "radius"

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

    @classmethod
    def from_spec(cls, d: int, vals: list[sp.Expr], part: str) -> Manifold:
        """The family member of a spec factor: dimension d, the numbers in parentheses."""
        return cls(d, _one_radius(cls.SPEC[0], vals, part))

    def linear_blocks(self) -> tuple[int, ...]:
        return (self.ambient_dim,)

    def mesh_ladders(self, level: int | None, group: Any = None
                     ) -> list[list[Callable[[], Any]]]:
        from .. import meshes

        r = float(self.radius)
        if self.d == 2:
            return [_ladder(lambda k: meshes.disk(k, radius=r), [6], level)]
        if self.d == 3:
            return [_ladder(lambda k: meshes.ball(k, radius=r), [3], level)]
        return super().mesh_ladders(level, group)

    def rotation_quotient(self, K: tuple[int, ...], gname: str, steps: list[str]
                          ) -> tuple[int, sp.Expr, sp.Expr, sp.Expr | None]:
        d, r, k = self.d, self.radius, len(K)
        if k == d:
            unit = sp.S.One
        else:
            unit, _ = _sphere_rotation_quotient_unit(d - 1, k)
        t = _T
        # radial coarea: dvol = t^(d-1) dt dvol_S, orbits scale like t^(k-1)
        vol = sp.integrate(t ** (d - 1) * unit / t ** (k - 1), (t, 0, r))
        steps.append(f"coarea in the radius: vol({self.name}/G) = int_0^{_fmt(r)} t^{d - 1} "
                     f"vol(S^{d - 1}/G) / t^{k - 1} dt = {_fmt(vol)}")
        bvol = unit * r ** (d - k)
        return d - k + 1, vol, bvol, None
