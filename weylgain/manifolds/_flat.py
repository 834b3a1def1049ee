"""Side lengths and reflection walls shared by the flat families (torus and box)."""

from __future__ import annotations

from typing import Any

import numpy as np
import sympy as sp

from .. import _spec_bounds as _bounds
from ..errors import SpecError
from ._formulas import _TOL, _nonneg_int, _positive_expr
from .base import _fmt, _is_reflection


def _check_length_count(lengths: Any, what: str) -> None:
    """Refuse more side lengths than the largest supported dimension before reading them."""
    try:
        n = len(lengths)
    except TypeError:
        raise SpecError(f"a {what} needs a sequence of side lengths; got {lengths!r}") from None
    if n > _bounds.MAX_DIMENSION:
        raise SpecError(f"a {what} with {n} side lengths: the dimension {n} exceeds the "
                        f"largest supported, {_bounds.MAX_DIMENSION}")


def _lengths(lengths: Any, d: int | None, default: sp.Expr, what: str) -> tuple[sp.Expr, ...]:
    if lengths is None:
        if d is None:
            raise SpecError(f"a {what} needs a dimension or side lengths")
        return (default,) * _nonneg_int(d, "dimension")
    if isinstance(lengths, (list, tuple)):
        out = tuple(_positive_expr(v, "side length") for v in lengths)
        if d is not None and len(out) != d:
            if len(out) == 1:
                return out * d
            raise SpecError(f"a {d}-dimensional {what} needs 1 or {d} side lengths; got {len(out)}")
        return out
    if d is None:
        raise SpecError(f"a {what} needs a dimension or a list of side lengths")
    return (_positive_expr(lengths, "side length"),) * _nonneg_int(d, "dimension")


def _lengths_suffix(lengths: tuple[sp.Expr, ...], default: sp.Expr) -> str:
    if all(v == default for v in lengths):
        return ""
    if all(v == lengths[0] for v in lengths):
        return f"({_fmt(lengths[0])})"
    return "(" + ",".join(_fmt(v) for v in lengths) + ")"


def _swap_lengths_ok(p: np.ndarray, lengths: tuple[sp.Expr, ...]) -> bool:
    return all(lengths[int(p[i])] == lengths[i] for i in range(len(p)))


def _flat_wall(A: np.ndarray, t: np.ndarray, lengths: tuple[sp.Expr, ...],
               periodic: bool) -> sp.Expr:
    """Fixed (d-1)-volume of x -> A x + t*L for a signed-permutation reflection A.

    Box (periodic False, t = 0): the mirror hyperplane through the centre. Torus: solve
    (A - I) x + t L = 0 modulo the lattice; a glide (translation along the mirror) has no
    fixed point.
    """
    if not _is_reflection(A):
        return sp.S.Zero
    d = A.shape[0]
    diag = np.diag(A)
    minus = np.flatnonzero(diag < -0.5)
    tt = np.mod(t, 1.0)
    tt[np.abs(tt - 1.0) < _TOL] = 0.0
    if len(minus) == 1 and np.all(np.abs(diag[np.arange(d) != minus[0]] - 1) < _TOL):
        i = int(minus[0])  # x_i -> -x_i + t_i L_i
        others = [k for k in range(d) if k != i]
        rest = sp.Mul(*[lengths[k] for k in others])
        if not periodic:
            return rest
        if np.any(np.abs(tt[others]) > _TOL):
            return sp.S.Zero  # glide reflection
        return 2 * rest  # x_i = t_i L/2 and t_i L/2 + L/2: two parallel subtori
    # a (possibly signed) transposition of coordinates i and j
    moved = np.flatnonzero(np.abs(diag - 1) > _TOL)
    if len(moved) != 2:
        return sp.S.Zero
    i, j = (int(v) for v in moved)
    others = [k for k in range(d) if k not in (i, j)]
    rest = sp.Mul(*[lengths[k] for k in others])
    wall = sp.sqrt(2) * lengths[i] * rest
    if not periodic:
        return wall
    if np.any(np.abs(tt[others]) > _TOL):
        return sp.S.Zero
    sign = A[i, j]  # x_i -> sign * x_j + t_i L
    total = tt[i] + tt[j] if sign > 0 else tt[i] - tt[j]
    if abs(total - round(total)) > _TOL:
        return sp.S.Zero  # glide along the diagonal
    return wall


def _side_lengths(d: int, vals: list[sp.Expr], part: str, default: sp.Expr
                  ) -> tuple[sp.Expr, ...]:
    """The side lengths of a flat family's spec factor: none (default), one, or d."""
    if d < 1:
        raise SpecError(f"{part!r}: the dimension must be at least 1")
    if vals and len(vals) not in (1, d):
        raise SpecError(f"{part!r}: give 1 or {d} side lengths, not {len(vals)}")
    return tuple(vals) * (d if len(vals) == 1 else 1) if vals else (default,) * d
