"""The closed hemisphere H^d(r) = {x in S^d(r) : x_(d+1) >= 0}."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

import numpy as np
import sympy as sp

from ..errors import GroupError, SpecError
from ._formulas import _TOL, _nonneg_int, _positive_expr, sphere_volume
from .base import Manifold, SpectrumModel, _is_reflection, _ladder, _no_translation
from .sphere import Sphere, _one_radius, _sphere_rotation_quotient_unit, _transitive


@dataclass(frozen=True)
class Hemisphere(Manifold):
    """The closed hemisphere {x in S^d(r) : x_(d+1) >= 0} in R^(d+1)."""

    SPEC = ("H", "H<d>[(r)]", "hemisphere x_(d+1) >= 0 of S^d(r)")
    SPEC_NUMBER = "radius"

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

    @classmethod
    def from_spec(cls, d: int, vals: list[sp.Expr], part: str) -> Manifold:
        """The family member of a spec factor: dimension d, the numbers in parentheses."""
        return cls(d, _one_radius(cls.SPEC[0], vals, part))

    def linear_blocks(self) -> tuple[int, ...]:
        return (self.ambient_dim,)

    def halfspace_axis(self) -> int:
        return self.d

    def spectrum_model(self, step: int = 1) -> SpectrumModel:
        return SpectrumModel("sphere", self.dim, float(self.radius), step)

    def exact_spectrum(self, lam: float) -> tuple[np.ndarray, np.ndarray]:
        """Neumann spectrum: the harmonics of S^d even in x_(d+1), k(k + d - 1)/r^2 with
        multiplicity C(k + d - 1, d - 1)."""
        eig, tr = self.eigenspace_traces(lam, np.eye(self.d + 1)[None],
                                         np.zeros((1, self.d + 1)))
        return eig, np.rint(tr[:, 0]).astype(np.int64)

    def harmonic_degrees(self, lam: float) -> tuple[np.ndarray, np.ndarray]:
        from .sphere import _degree_table

        return _degree_table(self, lam, 1)

    def harmonic_symmetry(self) -> np.ndarray:
        mirror = np.eye(self.d + 1)
        mirror[-1, -1] = -1.0
        return np.stack([np.eye(self.d + 1), mirror])

    def mesh_ladders(self, level: int | None, group: Any = None
                     ) -> list[list[Callable[[], Any]]]:
        if self.d != 2:
            return super().mesh_ladders(level, group)
        from .. import meshes

        r = float(self.radius)
        return [_ladder(lambda k: meshes.hemisphere(k, radius=r), [5, 6], level)]

    def rotation_quotient(self, K: tuple[int, ...], gname: str, steps: list[str]
                          ) -> tuple[int, sp.Expr, sp.Expr, sp.Expr | None]:
        d, r, k = self.d, self.radius, len(K)
        if d in K:
            raise GroupError(f"{gname} rotates the last axis, so it does not preserve the "
                             f"hemisphere {self.name}")
        if k == d + 1:
            return _transitive(self, k, steps)
        unit, text = _sphere_rotation_quotient_unit(d, k)
        steps.append(text)
        steps.append("the mirror x_(d+1) -> -x_(d+1) commutes with G and swaps the two "
                     f"halves: vol({self.name}/G) = vol(S^{d}/G)/2")
        vol = unit * r ** (d - k + 1) / 2
        _, bvol, _, _ = Sphere(d - 1, r).rotation_quotient(K, gname, [])
        return d - k + 1, vol, bvol, None
