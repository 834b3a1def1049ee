"""The round sphere S^d(r)."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np
import sympy as sp

from ..errors import SpecError
from ._formulas import _ALPHA, _nonneg_int, _positive_expr, sphere_volume
from .base import Manifold, SpectrumModel, _fmt, _is_reflection, _ladder, _no_translation


@dataclass(frozen=True)
class Sphere(Manifold):
    """The round sphere S^d of radius ``radius`` in R^(d+1)."""

    SPEC = ("S", "S<d>[(r)]", "sphere S^d of radius r (default 1) in R^(d+1)")
    SPEC_NUMBER = "radius"

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

    @classmethod
    def from_spec(cls, d: int, vals: list[sp.Expr], part: str) -> Manifold:
        """The family member of a spec factor: dimension d, the numbers in parentheses."""
        return cls(d, _one_radius(cls.SPEC[0], vals, part))

    def sphere_radius(self) -> sp.Expr:
        return self.radius

    def linear_blocks(self) -> tuple[int, ...]:
        return (self.ambient_dim,)

    def with_size(self, radius: Any = None, length: Any = None) -> Manifold:
        return self if radius is None else Sphere(self.d, radius)

    def spectrum_model(self, step: int = 1) -> SpectrumModel:
        return SpectrumModel("sphere", self.dim, float(self.radius), step)

    def prefers_exact_counts(self) -> bool:
        return self.d > 3

    def exact_spectrum(self, lam: float) -> tuple[np.ndarray, np.ndarray]:
        from ._spectra import check_cutoff, sphere_spectrum

        return sphere_spectrum(self.d, float(self.radius), check_cutoff(lam), 1, self.name)

    def harmonic_degrees(self, lam: float) -> tuple[np.ndarray, np.ndarray]:
        return _degree_table(self, lam, 1)

    def mesh_ladders(self, level: int | None, group: Any = None
                     ) -> list[list[Callable[[], Any]]]:
        ladders = _round_sphere_ladders(self.d, float(self.radius), level, group)
        return ladders if ladders is not None else super().mesh_ladders(level, group)

    def rotation_quotient(self, K: tuple[int, ...], gname: str, steps: list[str]
                          ) -> tuple[int, sp.Expr, sp.Expr, sp.Expr | None]:
        k = len(K)
        if k == self.d + 1:
            return _transitive(self, k, steps)
        unit, text = _sphere_rotation_quotient_unit(self.d, k)
        steps.append(text)
        return self.d - k + 1, unit * self.radius ** (self.d - k + 1), sp.S.Zero, None

    def hopf_quotient(self, gname: str, steps: list[str]) -> tuple[sp.Expr, sp.Expr | None]:
        if self.d < 3:
            return super().hopf_quotient(gname, steps)
        if self.d > 3:  # the Hopf circle of R^4, the identity on the other coordinates
            return _hopf_fixing(self, steps), None
        return _hopf(self, 2 * sp.pi * self.radius, steps)  # orbits: great circles


def _degree_table(m: Manifold, lam: float, step: int) -> tuple[np.ndarray, np.ndarray]:
    """Degrees k = 0, step, 2 step, ... of the harmonics of S^d(r) (d = m.dim) with their
    eigenvalues k(k + d - 1)/r^2 <= lam."""
    from ._spectra import check_cutoff, sphere_spectrum

    eig, _ = sphere_spectrum(m.dim, float(m.radius), check_cutoff(lam), step, m.name)
    r2 = float(m.radius) ** 2
    d = m.dim
    k = np.rint((-(d - 1) + np.sqrt((d - 1) ** 2 + 4 * eig * r2)) / 2).astype(np.int64)
    return eig, k


def _one_radius(kind: str, vals: list[sp.Expr], part: str) -> Any:
    """The radius of a round family's spec (default 1)."""
    if len(vals) > 1:
        raise SpecError(f"{part!r}: a {kind} takes one radius")
    return vals[0] if vals else 1


def _round_sphere_ladders(d: int, r: float, level: int | None, group: Any
                          ) -> list[list[Callable[[], Any]]] | None:
    """Mesh ladders of S^d(r) (also those of RP^d, counted on its cover), None beyond S3."""
    from .. import meshes
    from .._providers import provided

    if d == 1:
        # 1-d: cheap; sizes keep M and M/G above the dense-route limit of the counter
        return [_ladder(lambda n: meshes.circle(n, radius=r), [5200, 10400], level)]
    if d == 2:
        out = [_ladder(lambda k: meshes.sphere(k, radius=r, base="octahedron"), [5, 6], level),
               _ladder(lambda k: meshes.sphere(k, radius=r), [4, 5], level)]
        if group is not None:  # any other finite group: a mesh built for it (level k:
            # as many vertices as the icosahedral sphere of level k)
            # invariant_meshes sits above the manifolds (it reads the group catalogue): reach
            # it through the provider registry that weylgain/__init__ fills
            isphere = provided("invariant_meshes").invariant_sphere
            out.append(_ladder(lambda k: isphere(
                group, n_vertices=10 * 4 ** k + 2, radius=r), [4, 5, 6], level))
        return out
    if d == 3:
        return [_ladder(lambda k: meshes.sphere3(k, radius=r), [2], level)]
    return None


def _transitive(f: Manifold, k: int, steps: list[str]
                ) -> tuple[int, sp.Expr, sp.Expr, sp.Expr]:
    steps.append(f"SO({k}) is transitive on {f.name}: M/G is a point (volume 1 in "
                 "counting measure; only constants are invariant)")
    return 0, sp.S.One, sp.S.Zero, f.volume


def _hopf(f: Manifold, orbit_vol: sp.Expr, steps: list[str]) -> tuple[sp.Expr, sp.Expr]:
    """vol(f/U(1)) for the free Hopf action whose orbits have volume ``orbit_vol``."""
    fvol = f.volume / orbit_vol
    steps.append(f"Hopf orbits are great circles of length {_fmt(orbit_vol)} (free action): "
                 f"vol({f.name}/U(1)) = {_fmt(f.volume)} / {_fmt(orbit_vol)} = {_fmt(fvol)} "
                 "= vol(S^2(r/2))")
    return fvol, orbit_vol


def _hopf_fixing(f: Manifold, steps: list[str]) -> sp.Expr:
    """vol(S^d(r)/U(1)), d > 3, U(1) the Hopf circle on the first 4 coordinates.

    With x = r (cos(phi) a, sin(phi) b), a in S^3, b in S^(d-4), phi in [0, pi/2], the
    volume element is r^d cos^3 sin^(d-4) dphi da db and the orbit through x a circle of
    length 2 pi r cos(phi): the coarea formula gives
    r^(d-1) vol(S^3) vol(S^(d-4)) / (2 pi) * int_0^(pi/2) cos^2 sin^(d-4) dphi.
    """
    d, m = f.dim, f.dim - 4
    integral = sp.gamma(sp.Rational(m + 1, 2)) * sp.gamma(sp.Rational(3, 2)) / (
        2 * sp.gamma(sp.Rational(m + 4, 2)))
    vol = sp.simplify(f.radius ** (d - 1) * sphere_volume(3) * sphere_volume(m) * integral
                      / (2 * sp.pi))
    steps.append(f"Hopf circles of R^4 fixing the other {m + 1} coordinates: the orbit through "
                 f"a point at |x_1..4| = r cos(phi) has length 2 pi r cos(phi); coarea: "
                 f"vol({f.name}/U(1)) = {_fmt(vol)}")
    return vol


@functools.lru_cache(maxsize=None)
def _sphere_rotation_quotient_unit(d: int, k: int) -> tuple[sp.Expr, str]:
    """vol(S^d(1) / SO(k)), SO(k) rotating k of the d+1 coordinates, 2 <= k <= d.

    Join coordinates x = (cos(a) u, sin(a) v), u in S^(k-1), v in S^(d-k), a in [0, pi/2]:
    dvol = cos^(k-1)(a) sin^(d-k)(a) da du dv; the orbit of x is S^(k-1)(cos a). The coarea
    formula vol(M/G) = int_M dvol / vol(orbit) is integrated in a.
    """
    a = _ALPHA
    density = sp.cos(a) ** (k - 1) * sp.sin(a) ** (d - k) * sphere_volume(k - 1) * \
        sphere_volume(d - k)
    orbit = sphere_volume(k - 1) * sp.cos(a) ** (k - 1)
    integrand = sp.simplify(density / orbit)
    value = sp.integrate(integrand, (a, 0, sp.pi / 2))
    text = (f"coarea: vol(S^{d}/SO({k})) = int_0^(pi/2) [{_fmt(density)}] / [{_fmt(orbit)}] "
            f"dalpha = int_0^(pi/2) {_fmt(integrand)} dalpha = {_fmt(value)} (radius 1)")
    return sp.simplify(value), text
