"""Real projective space RP^d(r) = S^d(r) / {x ~ -x}."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

import numpy as np
import sympy as sp

from ..errors import SpecError
from ._formulas import _nonneg_int, _positive_expr, sphere_volume
from .base import Manifold, SpectrumModel
from .sphere import (Sphere, _degree_table, _hopf, _one_radius, _round_sphere_ladders,
                     _transitive)


@dataclass(frozen=True)
class ProjectiveSpace(Manifold):
    """Real projective space RP^d = S^d(r)/{x ~ -x}, in the coordinates of R^(d+1)."""

    SPEC = ("RP", "RP<d>[(r)]", "real projective space S^d(r)/{x ~ -x}, coordinates of R^(d+1)")
    SPEC_NUMBER = "radius"

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

    @classmethod
    def from_spec(cls, d: int, vals: list[sp.Expr], part: str) -> Manifold:
        """The family member of a spec factor: dimension d, the numbers in parentheses."""
        return cls(d, _one_radius(cls.SPEC[0], vals, part))

    def antipodal_blocks(self) -> tuple[tuple[int, int], ...]:
        return ((0, self.ambient_dim),)

    def linear_blocks(self) -> tuple[int, ...]:
        return (self.ambient_dim,)

    def spectrum_model(self, step: int = 1) -> SpectrumModel:
        return SpectrumModel("sphere", self.dim, float(self.radius), 2)  # even degrees only

    def prefers_exact_counts(self) -> bool:
        return self.d > 3

    def exact_spectrum(self, lam: float) -> tuple[np.ndarray, np.ndarray]:
        from ._spectra import check_cutoff, sphere_spectrum

        # the even harmonics of the cover: functions with f(-x) = f(x)
        return sphere_spectrum(self.d, float(self.radius), check_cutoff(lam), 2, self.name)

    def harmonic_degrees(self, lam: float) -> tuple[np.ndarray, np.ndarray]:
        # the even harmonics of the cover; A and -A act alike on them
        return _degree_table(self, lam, 2)

    def mesh_ladders(self, level: int | None, group: Any = None
                     ) -> list[list[Callable[[], Any]]]:
        # counted on the cover S^d: the quotient by <G, -I>
        ladders = _round_sphere_ladders(self.d, float(self.radius), level, group)
        return ladders if ladders is not None else super().mesh_ladders(level, group)

    def rotation_quotient(self, K: tuple[int, ...], gname: str, steps: list[str]
                          ) -> tuple[int, sp.Expr, sp.Expr, sp.Expr | None]:
        k = len(K)
        if k == self.d + 1:
            return _transitive(self, k, steps)
        d_G, vol, _, _ = Sphere(self.d, self.radius).rotation_quotient(K, gname, steps)
        steps.append("-I maps an orbit (rho, y) to (rho, -y), a different orbit: "
                     f"vol({self.name}/G) = vol(S^{self.d}/G)/2")
        return d_G, vol / 2, sp.S.Zero, None

    def hopf_quotient(self, gname: str, steps: list[str]) -> tuple[sp.Expr, sp.Expr]:
        if self.d != 3:
            return super().hopf_quotient(gname, steps)
        return _hopf(self, sp.pi * self.radius, steps)  # -I lies in U(1): half circles
