"""The ball B^d(r), centred at the origin."""

from __future__ import annotations

from dataclasses import dataclass
import math
from typing import Any, Callable

import numpy as np
import sympy as sp

from ..errors import ParameterError, SpecError
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

    def harmonic_degrees(self, lam: float) -> tuple[np.ndarray, np.ndarray]:
        # r^(1-d/2) J_nu(k r) Y_l: as a representation of O(d), the degree-l harmonics
        from ._spectra import ball_neumann_modes, check_cutoff

        return ball_neumann_modes(self.d, check_cutoff(lam), float(self.radius), self.name)

    def exact_spectrum(self, lam: float) -> tuple[np.ndarray, np.ndarray]:
        """The Neumann spectrum up to ``lam``: squared zeros of Bessel cross-products over
        the radius squared (see :func:`neumann_modes`), multiplicities dim H_l(S^(d-1))."""
        from ._spectra import ball_spectrum, check_cutoff

        return ball_spectrum(self.d, float(self.radius), check_cutoff(lam), self.name)

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


def neumann_modes(dim: int, lam: float, radius: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
    """Every Neumann eigenvalue <= lam of the ball B^dim(radius), once per radial mode.

    The Neumann eigenfunctions are r^(1 - dim/2) J_nu(k r) Y_l(x/r) with Y_l a spherical
    harmonic of degree l on S^(dim-1), nu = l + dim/2 - 1 and k a root of
    k J_nu'(k) + (1 - dim/2) J_nu(k) = 0 (dim 3: the zeros of the spherical Bessel j_l';
    dim 2: those of J_l'); the eigenvalue is k^2 / radius^2. Degree 0 includes the
    constant mode, eigenvalue 0. Each entry stands for dim H_l(S^(dim-1)) eigenfunctions
    (2l + 1 in dim 3, 2 for l >= 1 in dim 2; in dim 1 the degrees are 0 (even, cos) and
    1 (odd, sin), one each).

    Complete: every root is bracketed (the degree-0 roots are the zeros of J_(dim/2), the
    others interlace with the zeros of J_nu, which a unit grid from nu separates), then
    refined by safeguarded Newton steps to a relative error of about 1e-15.

    Parameters
    ----------
    dim : int
        Dimension of the ball, >= 1.
    lam : float
        Cut-off, finite and >= 0.
    radius : float
        Radius of the ball, finite and > 0.

    Returns
    -------
    eigenvalues : ndarray of float64, shape (n,)
        Sorted ascending (ties, which do not occur for distinct degrees, by degree).
    degrees : ndarray of int64, shape (n,)
        The harmonic degree l of each eigenvalue.

    Raises
    ------
    ParameterError
        dim is not an integer >= 1, lam not a finite number >= 0, or radius not a finite
        number > 0.
    ResourceError
        The table would not fit in memory (checked before it is built).
    """
    from ._spectra import ball_neumann_modes, check_cutoff

    if isinstance(dim, (bool, np.bool_)) or not isinstance(dim, (int, np.integer)) or dim < 1:
        raise ParameterError(f"the dimension of the ball must be an integer >= 1; got {dim!r}")
    lam = check_cutoff(lam)
    if isinstance(radius, (bool, np.bool_)) or not isinstance(
            radius, (int, float, np.integer, np.floating)) or not math.isfinite(radius) \
            or radius <= 0:
        raise ParameterError(f"the radius of the ball must be a finite number > 0; "
                             f"got {radius!r}")
    return ball_neumann_modes(int(dim), lam, float(radius), f"B{int(dim)}")
