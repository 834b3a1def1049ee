"""Exact constants of the manifold layer: unit ball and sphere volumes, Weyl constants and
laws, and the checked readers of dimensions, radii and volumes (sympy)."""

from __future__ import annotations

from typing import Any

import numpy as np
import sympy as sp

from .. import _spec_bounds as _bounds
from ..errors import SpecError

#: The eigenvalue symbol of the Weyl laws.
LAMBDA = sp.Symbol("lambda", positive=True)
_S = sp.Symbol("s", positive=True)
_EPS = sp.Symbol("epsilon", positive=True)
_N = sp.Symbol("n", positive=True)
_ALPHA = sp.Symbol("alpha", positive=True)  # join angle of the coarea integrals
_T = sp.Symbol("t", positive=True)  # radial variable of balls
_TOL = 1e-9
DEFAULT_MAX_ORDER = 200_000


# ====================================================================== constants
def ball_volume(d: int) -> sp.Expr:
    """Volume omega_d of the unit d-ball, pi^(d/2) / Gamma(d/2 + 1) (omega_0 = 1)."""
    d = _nonneg_int(d, "d", _bounds.MAX_AMBIENT_DIMENSION)
    return sp.pi ** sp.Rational(d, 2) / sp.gamma(sp.Rational(d, 2) + 1)


def sphere_volume(d: int, radius: Any = 1) -> sp.Expr:
    """Volume of the d-sphere of radius r, (d+1) omega_(d+1) r^d (S^0: 2 points)."""
    d = _nonneg_int(d, "d", _bounds.MAX_AMBIENT_DIMENSION - 1)
    return (d + 1) * ball_volume(d + 1) * _volume_arg(radius, "radius") ** d


def weyl_constant(dim: int, volume: Any) -> sp.Expr:
    """C_W = omega_d vol / (2 pi)^d: N(lambda) ~ C_W lambda^(d/2)."""
    dim = _nonneg_int(dim, "dim", _bounds.MAX_AMBIENT_DIMENSION)
    return ball_volume(dim) * _volume_arg(volume) / (2 * sp.pi) ** dim


def weyl_law(dim: int, volume: Any, neumann_volume: Any = 0, dirichlet_volume: Any = 0,
             lam: Any = LAMBDA) -> sp.Expr:
    """The two-term Weyl law as an expression in ``lam``.

    N(lambda) ~ C_W lambda^(d/2) + omega_(d-1) (V_N - V_D) lambda^((d-1)/2) / (4 (2 pi)^(d-1))

    Parameters
    ----------
    dim : int
        Dimension d.
    volume : sympy expression or number
    neumann_volume, dirichlet_volume : sympy expression or number
        (d-1)-volumes of the Neumann and Dirichlet parts of the boundary.
    lam : sympy expression or number, default the symbol ``lambda``
    """
    dim = _nonneg_int(dim, "dim", _bounds.MAX_AMBIENT_DIMENSION)
    lam = _volume_arg(lam, "lam")
    main = weyl_constant(dim, volume) * lam ** sp.Rational(dim, 2)
    if dim == 0:
        return main
    b = _volume_arg(neumann_volume, "neumann_volume") - _volume_arg(dirichlet_volume,
                                                                     "dirichlet_volume")
    return main + ball_volume(dim - 1) * b * lam ** sp.Rational(dim - 1, 2) / (
        4 * (2 * sp.pi) ** (dim - 1))


def to_float(expr: Any) -> float | None:
    """``float(expr)``, or None when the expression still contains symbols."""
    try:
        return float(_volume_arg(expr))
    except (TypeError, ValueError):  # SpecError is a ValueError
        return None


def _volume_arg(v: Any, what: str = "volume") -> sp.Expr:
    """A volume or threshold of the Weyl-law helpers: a sympy value (strings read by the
    bounded spec grammar, never evaluated: ``"9**9**9"`` would never finish)."""
    if isinstance(v, str):
        return _bounds.parse_bounded_number(v, v, what)
    try:
        return sp.sympify(v, strict=True)
    except (sp.SympifyError, TypeError, ValueError) as exc:
        raise SpecError(f"{what} must be a number or a sympy expression; got {v!r}") from exc


def _nonneg_int(v: Any, what: str, limit: int = _bounds.MAX_DIMENSION) -> int:
    if isinstance(v, (bool, np.bool_)) or not isinstance(v, (int, np.integer)) or v < 0:
        raise SpecError(f"{what} must be a non-negative integer; got {v!r}")
    if v > limit:  # gamma(d/2) and pi^(d/2) of a huge d never finish (or leave any double)
        raise SpecError(
            f"the {what} {int(v) if int(v) < 10**12 else '%.3g' % float(v)} exceeds the largest "
            f"supported, {limit}: volumes and Weyl constants of higher dimensions leave the "
            "range of a double (vol S^d < 1e-300 from d ~ 380)")
    return int(v)


def _positive_expr(v: Any, what: str) -> sp.Expr:
    """A radius or length: a bounded number (strings are read by the spec number grammar,
    never evaluated), positive and within [1e-150, 1e150] when it is a number."""
    if isinstance(v, str):
        e = _bounds.parse_bounded_number(v, v, what)
    elif isinstance(v, (bool, np.bool_)):
        raise SpecError(f"{what} must be a positive number or expression; got {v!r}")
    else:
        try:
            e = sp.sympify(v, strict=True)
        except (sp.SympifyError, TypeError, ValueError) as exc:
            raise SpecError(f"{what} must be a positive number or expression; got {v!r}") from exc
    if not isinstance(e, sp.Expr):
        raise SpecError(f"{what} must be a positive number or expression; got {v!r}")
    if e.is_positive is False or e.is_finite is False:
        raise SpecError(f"{what} must be positive and finite; got {v!r}")
    return _bounds.check_length_value(e, what, v)


# sympy imports some submodules lazily on the first products of pi and gamma values (about
# 0.2 s); pay it at import time so that the first answer of the command line is fast
_WARM_UP = sphere_volume(2) * sphere_volume(3) / (2 * sp.pi) ** 3
