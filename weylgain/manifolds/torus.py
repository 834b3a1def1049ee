"""The flat torus T^d = R^d / (L_1 Z x ... x L_d Z)."""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

from ..errors import SpecError
from ._flat import _check_length_count, _flat_wall, _lengths, _lengths_suffix, _swap_lengths_ok
from .base import Manifold, _signed_perm


@dataclass(frozen=True)
class Torus(Manifold):
    """The flat torus R^d / (L_1 Z x ... x L_d Z), default side lengths 2*pi."""

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
