"""The box [-L_1/2, L_1/2] x ... x [-L_d/2, L_d/2] (the interval I when d = 1)."""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

from ..errors import SpecError
from ._flat import _check_length_count, _flat_wall, _lengths, _lengths_suffix, _swap_lengths_ok
from .base import Manifold, _no_translation, _signed_perm


@dataclass(frozen=True)
class Box(Manifold):
    """The box [-L_1/2, L_1/2] x ... x [-L_d/2, L_d/2] (default L = 1), centred at 0."""

    lengths: tuple

    def __post_init__(self) -> None:
        _check_length_count(self.lengths, "box")
        object.__setattr__(self, "lengths", _lengths(tuple(self.lengths), None, sp.S.One, "box"))
        if not self.lengths:
            raise SpecError("a box needs dimension >= 1")

    dim = property(lambda self: len(self.lengths))
    ambient_dim = property(lambda self: len(self.lengths))
    volume = property(lambda self: sp.Mul(*self.lengths))

    @property
    def boundary_volume(self) -> sp.Expr:
        L = self.lengths
        return 2 * sp.Add(*[sp.Mul(*(L[:i] + L[i + 1:])) for i in range(len(L))])

    @property
    def name(self) -> str:
        if self.dim == 1:
            return "I" + _lengths_suffix(self.lengths, sp.S.One)
        return f"Q{self.dim}" + _lengths_suffix(self.lengths, sp.S.One)

    def _check_map(self, A, t):
        if not _no_translation(t):
            return "a box admits no torus translations"
        p = _signed_perm(A)
        if p is None:
            return "the linear part is not a signed permutation (not a symmetry of the box)"
        if not _swap_lengths_ok(p, self.lengths):
            return "the map swaps box axes of different lengths"
        return None

    def _wall_volume(self, A, t):
        return _flat_wall(A, t, self.lengths, False)
