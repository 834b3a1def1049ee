"""Products M_1 x ... x M_k, coordinates concatenated in factor order."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

import numpy as np
import sympy as sp

from .. import _spec_bounds as _bounds
from ..errors import SpecError
from ._formulas import _TOL
from .base import Manifold, _no_translation


@dataclass(frozen=True)
class Product(Manifold):
    """A product M_1 x ... x M_k, coordinates concatenated in factor order."""

    parts: tuple

    def __post_init__(self) -> None:
        flat: list[Manifold] = []
        for f in self.parts:
            if not isinstance(f, Manifold):
                raise SpecError(f"product factors must be manifolds; got {type(f).__name__}")
            flat.extend(f.factors)
        if len(flat) < 2:
            raise SpecError("a product needs at least two factors")
        dim = sum(f.dim for f in flat)
        ambient = sum(f.ambient_dim for f in flat)
        if dim > _bounds.MAX_DIMENSION or ambient > _bounds.MAX_AMBIENT_DIMENSION:
            raise SpecError(
                f"a product of dimension {dim} in R^{ambient} exceeds the largest supported "
                f"(dimension {_bounds.MAX_DIMENSION}, R^{_bounds.MAX_AMBIENT_DIMENSION}): "
                "volumes and Weyl constants of higher dimensions leave the range of a double")
        object.__setattr__(self, "parts", tuple(flat))

    factors = property(lambda self: self.parts)
    dim = property(lambda self: sum(f.dim for f in self.parts))
    ambient_dim = property(lambda self: sum(f.ambient_dim for f in self.parts))
    volume = property(lambda self: sp.Mul(*[f.volume for f in self.parts]))
    name = property(lambda self: "x".join(f.name for f in self.parts))

    @property
    def boundary_volume(self) -> sp.Expr:
        vols = [f.volume for f in self.parts]
        return sp.Add(*[f.boundary_volume * sp.Mul(*(vols[:i] + vols[i + 1:]))
                        for i, f in enumerate(self.parts)])

    @property
    def offsets(self) -> list[int]:
        off = [0]
        for f in self.parts:
            off.append(off[-1] + f.ambient_dim)
        return off

    def antipodal_blocks(self) -> tuple[tuple[int, int], ...]:
        off = self.offsets
        return tuple((off[i] + o, n) for i, f in enumerate(self.parts)
                     for o, n in f.antipodal_blocks())

    def torus_lengths(self) -> tuple[sp.Expr, ...] | None:
        lengths = [f.torus_lengths() for f in self.parts]
        if any(v is None for v in lengths):
            return None
        return tuple(x for v in lengths for x in v)

    def linear_blocks(self) -> tuple[int, ...] | None:
        """One block per factor when an orthogonal group acts on every factor as a whole
        (spheres and balls); None when a factor admits none (tori, boxes), only a subgroup
        (a hemisphere must fix its last axis, which a block action does not check), or is a
        quotient by -I (RP^d: the product's geometry works on the factors' covers)."""
        if any(not _linear_factor(f) for f in self.parts):
            return None
        return tuple(f.ambient_dim for f in self.parts)

    def mesh_ladders(self, level: int | None, group: Any = None
                     ) -> list[list[Callable[[], Any]]]:
        """Product meshes (the tensor-product element on the factors' meshes), one ladder per
        choice of the factors' mesh families; level k has about 500 * 2^k vertices, the
        factors meshed at matching mean edges (see :func:`weylgain.product_ladders.product_ladders`).

        Raises
        ------
        SpecError
            A factor has no mesh here (the message names it).
        """
        from ..product_ladders import product_ladders

        for f in self.parts:
            try:
                f.mesh_ladders(0, None)
            except SpecError as exc:
                raise SpecError(f"measure_gain cannot mesh {self.name}: its factor {f.name} "
                                f"has no mesh ({exc})") from None
        return product_ladders(self, level, group)

    def prefers_exact_counts(self) -> bool:
        # products of spheres or of tori have exact counts (and no mesh here)
        return all(f.sphere_radius() is not None for f in self.parts) or \
            all(f.torus_lengths() is not None for f in self.parts)

    def exact_spectrum(self, lam: float) -> tuple[np.ndarray, np.ndarray] | None:
        """Sums of the factors' eigenvalues (products of eigenfunctions), None when a factor
        has no closed-form spectrum."""
        from ._spectra import check_cutoff, product_spectrum

        lam = check_cutoff(lam)
        tables = [f.exact_spectrum(lam) for f in self.parts]
        if any(t is None for t in tables):
            return None
        return product_spectrum(tables, lam, self.name)

    def _cover(self):
        covers = [f._cover() for f in self.parts]
        if not any(c for _, c in covers):
            return self, False
        return Product(tuple(m for m, _ in covers)), True

    def _blocks(self, A: np.ndarray) -> list[int] | str:
        """Factor index each factor is mapped to, or the reason the map mixes factors."""
        off = self.offsets
        k = len(self.parts)
        target = []
        for i in range(k):
            cols = A[:, off[i]:off[i + 1]]
            hit = [j for j in range(k) if np.abs(cols[off[j]:off[j + 1]]).max() > _TOL]
            if len(hit) != 1:
                return (f"the map mixes the coordinates of factor {i + 1} "
                        f"({self.parts[i].name}) across factors")
            j = hit[0]
            if self.parts[j] != self.parts[i]:
                return (f"the map sends factor {i + 1} ({self.parts[i].name}) onto factor "
                        f"{j + 1} ({self.parts[j].name}), which is a different manifold")
            target.append(j)
        if sorted(target) != list(range(k)):
            return "the map does not permute the factors"
        return target

    def _sub(self, A, t, i, j):
        off = self.offsets
        return A[off[j]:off[j + 1], off[i]:off[i + 1]], t[off[j]:off[j + 1]]

    def _check_map(self, A, t):
        target = self._blocks(A)
        if isinstance(target, str):
            return target
        for i, j in enumerate(target):
            a, b = self._sub(A, t, i, j)
            why = self.parts[i]._check_map(a, b)
            if why:
                return f"factor {i + 1} ({self.parts[i].name}): {why}"
        return None

    def _is_identity_on(self, i: int, a: np.ndarray, b: np.ndarray) -> bool:
        if np.abs(a - np.eye(a.shape[0])).max() > _TOL:
            return False
        return _no_translation(b)  # a torus translation by whole periods is the identity

    def _wall_volume(self, A, t):
        target = self._blocks(A)
        if isinstance(target, str):
            return sp.S.Zero
        vols = [f.volume for f in self.parts]
        moved = [i for i, j in enumerate(target)
                 if j != i or not self._is_identity_on(i, *self._sub(A, t, i, j))]
        if len(moved) == 1:  # one factor reflected, the others fixed pointwise
            i = moved[0]
            a, b = self._sub(A, t, i, i)
            w = self.parts[i]._wall_volume(a, b)
            return w * sp.Mul(*(vols[:i] + vols[i + 1:])) if w != 0 else sp.S.Zero
        if len(moved) == 2:
            i, j = moved
            if target[i] != j or target[j] != i or self.parts[i].dim != 1:
                return sp.S.Zero
            # (x_i, x_j) -> (h(x_j), k(x_i)): the fixed set is the graph of h when k h = id,
            # a curve sqrt(2) times as long as the factor (an isometry's graph in N x N)
            h_a, h_t = self._sub(A, t, j, i)  # x_j -> component i
            k_a, k_t = self._sub(A, t, i, j)  # x_i -> component j
            comp_a = k_a @ h_a
            comp_t = k_a @ h_t + k_t
            if np.abs(comp_a - np.eye(comp_a.shape[0])).max() > _TOL:
                return sp.S.Zero
            if not _no_translation(comp_t):
                return sp.S.Zero
            rest = sp.Mul(*[vols[m] for m in range(len(vols)) if m not in (i, j)])
            return sp.sqrt(2) * vols[i] * rest
        return sp.S.Zero


def _linear_factor(f: Manifold) -> bool:
    """True when every orthogonal map of the factor's R^n maps it onto itself."""
    blocks = f.linear_blocks()
    return blocks is not None and len(blocks) == 1 and f.halfspace_axis() is None and \
        not f.antipodal_blocks()
