"""The box [-L_1/2, L_1/2] x ... x [-L_d/2, L_d/2] (the interval I when d = 1)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np
import sympy as sp

from ..errors import SpecError
from ._flat import (_check_length_count, _flat_wall, _lengths, _lengths_suffix, _side_lengths,
                    _swap_lengths_ok)
from .base import Manifold, SpectrumModel, _ladder, _no_translation, _signed_perm


@dataclass(frozen=True)
class Box(Manifold):
    """The box [-L_1/2, L_1/2] x ... x [-L_d/2, L_d/2] (default L = 1), centred at 0."""

    SPEC = ("Q", "Q<d>[(L,...)]", "box [-L/2, L/2]^d (default L = 1)")
    SPEC_NUMBER = "side length"

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

    @classmethod
    def from_spec(cls, d: int, vals: list[sp.Expr], part: str) -> Manifold:
        """The family member of a spec factor: dimension d, the numbers in parentheses."""
        return cls(_side_lengths(d, vals, part, sp.S.One))

    def spectrum_model(self, step: int = 1) -> SpectrumModel:
        if all(v == self.lengths[0] for v in self.lengths):
            return SpectrumModel("lattice", self.dim,
                                 unit=(math.pi / float(self.lengths[0])) ** 2)
        return super().spectrum_model(step)

    def exact_spectrum(self, lam: float) -> tuple[np.ndarray, np.ndarray]:
        from ._spectra import check_cutoff, interval_spectrum, product_spectrum

        lam = check_cutoff(lam)
        sides = [interval_spectrum((math.pi / float(L)) ** 2, lam, False, self.name)
                 for L in self.lengths]  # Neumann: cos(pi m x / L), m >= 0
        return product_spectrum(sides, lam, self.name)

    def eigenspace_traces(self, lam: float, linear: np.ndarray, shift: np.ndarray
                          ) -> tuple[np.ndarray, np.ndarray]:
        """Traces on the Neumann modes prod_j cos(pi m_j (x_j + L_j/2)/L_j) of the box
        centred at 0 (see Manifold.eigenspace_traces)."""
        from ._spectra import check_cutoff, lattice_modes, mode_traces
        from .base import _checked_maps

        linear, shift = _checked_maps(self, linear, shift)
        steps = [(math.pi / float(L)) ** 2 for L in self.lengths]
        modes, eig = lattice_modes(steps, check_cutoff(lam), False, self.name)
        return mode_traces(modes, eig, linear, shift, False)

    def mesh_ladders(self, level: int | None, group: Any = None
                     ) -> list[list[Callable[[], Any]]]:
        if self.dim > 3:
            return super().mesh_ladders(level, group)
        dim = self.dim
        L = [float(v) for v in self.lengths]
        if dim == 1:
            return [_ladder(lambda n: _centred_box(1, n, L, "kuhn"), [5201, 10401], level)]
        sizes = {2: [61, 121], 3: [17, 25]}[dim]
        return [_ladder(lambda n, tri=tri: _centred_box(dim, n, L, tri), sizes, level)
                for tri in ("mirrored", "kuhn")]


class IntervalSpec:
    """The spec reader of ``I[(L)]``: the interval, a 1-dimensional :class:`Box`."""

    SPEC = ("I", "I[(L)]", "interval [-L/2, L/2] (default L = 1)")
    SPEC_NUMBER = "side length"

    @staticmethod
    def spec_digits(digits: str) -> str:
        """The dimension digits of an ``I`` factor: none or 1 (the interval is 1-dimensional)."""
        if digits not in ("", "1"):
            raise SpecError(f"'I' is the interval (1-dimensional); use Q{digits} for a box")
        return "1"

    @staticmethod
    def from_spec(d: int, vals: list[sp.Expr], part: str) -> Manifold:
        """The interval of a spec factor (d is 1)."""
        return Box.from_spec(d, vals, part)


def _centred_box(dim: int, n: int, lengths: list[float], triangulation: str) -> Any:
    """meshes.box shifted to [-L/2, L/2]^dim, the frame of :class:`Box`."""
    from .. import meshes
    from ..mesh import Mesh

    m = meshes.box(dim, n, length=lengths if dim > 1 else lengths[0],
                   triangulation=triangulation)
    v = m.vertices - np.asarray(lengths)[None, :] / 2
    return Mesh(v, m.simplices, name=f"{m.name}:centred")
