"""The flat torus T^d = R^d / (L_1 Z x ... x L_d Z)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np
import sympy as sp

from ..errors import SpecError
from ._flat import (_check_length_count, _flat_wall, _lengths, _lengths_suffix, _side_lengths,
                    _swap_lengths_ok)
from .base import Manifold, SpectrumModel, _ladder, _signed_perm


@dataclass(frozen=True)
class Torus(Manifold):
    """The flat torus R^d / (L_1 Z x ... x L_d Z), default side lengths 2*pi."""

    SPEC = ("T", "T<d>[(L,...)]", "flat torus with side lengths L (default 2*pi; one or d values)")
    SPEC_NUMBER = "side length"

    lengths: tuple

    def __post_init__(self) -> None:
        _check_length_count(self.lengths, "torus")
        object.__setattr__(self, "lengths", _lengths(tuple(self.lengths), None, 2 * sp.pi,
                                                     "torus"))
        if not self.lengths:
            raise SpecError("a torus needs dimension >= 1")

    dim = property(lambda self: len(self.lengths))
    ambient_dim = property(lambda self: len(self.lengths))
    volume = property(lambda self: sp.Mul(*self.lengths))
    name = property(lambda self: f"T{self.dim}" + _lengths_suffix(self.lengths, 2 * sp.pi))

    def _check_map(self, A, t):
        p = _signed_perm(A)
        if p is None:
            return "the linear part is not a signed permutation (not an isometry of the torus)"
        if not _swap_lengths_ok(p, self.lengths):
            return "the map swaps torus axes of different lengths"
        return None

    def _wall_volume(self, A, t):
        return _flat_wall(A, t, self.lengths, True)

    @classmethod
    def from_spec(cls, d: int, vals: list[sp.Expr], part: str) -> Manifold:
        """The family member of a spec factor: dimension d, the numbers in parentheses."""
        return cls(_side_lengths(d, vals, part, 2 * sp.pi))

    def torus_lengths(self) -> tuple[sp.Expr, ...]:
        return self.lengths

    def with_size(self, radius: Any = None, length: Any = None) -> Manifold:
        return self if length is None else Torus((length,) * self.dim)

    def spectrum_model(self, step: int = 1) -> SpectrumModel:
        if all(v == self.lengths[0] for v in self.lengths):
            return SpectrumModel("lattice", self.dim,
                                 unit=(2 * math.pi / float(self.lengths[0])) ** 2)
        return super().spectrum_model(step)

    def prefers_exact_counts(self) -> bool:
        return self.dim > 3

    def exact_spectrum(self, lam: float) -> tuple[np.ndarray, np.ndarray]:
        from ._spectra import check_cutoff, interval_spectrum, product_spectrum

        lam = check_cutoff(lam)
        circles = [interval_spectrum((2 * math.pi / float(L)) ** 2, lam, True, self.name)
                   for L in self.lengths]
        return product_spectrum(circles, lam, self.name)

    def eigenspace_traces(self, lam: float, linear: np.ndarray, shift: np.ndarray
                          ) -> tuple[np.ndarray, np.ndarray]:
        """Traces on the lattice modes exp(2 pi i m.x/L) (see Manifold.eigenspace_traces)."""
        from ._spectra import check_cutoff, lattice_modes, mode_traces
        from .base import _checked_maps

        linear, shift = _checked_maps(self, linear, shift)
        steps = [(2 * math.pi / float(L)) ** 2 for L in self.lengths]
        modes, eig = lattice_modes(steps, check_cutoff(lam), True, self.name)
        return mode_traces(modes, eig, linear, shift, True)

    def mesh_ladders(self, level: int | None, group: Any = None
                     ) -> list[list[Callable[[], Any]]]:
        if self.dim > 3:
            return super().mesh_ladders(level, group)
        from .. import meshes

        dim = self.dim
        L = [float(v) for v in self.lengths]
        arg = L if dim > 1 else L[0]
        sizes = {1: [5200, 10400], 2: [60, 120, 200], 3: [16, 24]}[dim]
        return [_ladder(lambda n, tri=tri: meshes.torus(dim, n, length=arg, triangulation=tri),
                        sizes, level) for tri in ("mirrored", "kuhn")]

