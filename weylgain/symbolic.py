"""Symbolic geometry of manifolds and their quotients (sympy): dimensions, volumes, Weyl laws.

This is the only weylgain module that imports sympy. Everything here is exact: volumes are
sympy expressions (``4*pi``, ``2*pi**2``, ``sqrt(2)*pi``) that also evaluate to floats with
``float(expr)``. Numerical code never calls into this module in a loop.

Manifolds
---------
Every manifold lives in coordinates of R^D (its ``ambient_dim``); groups act on those
coordinates (see :mod:`weylgain.groups`)::

    S<d>[(r)]           sphere S^d of radius r (default 1) in R^(d+1)
    T<d>[(L,...)]       flat torus R^d / (L_1 Z x ... x L_d Z); one L for all axes or d of
                        them (default 2*pi); coordinates are the d angles
    RP<d>[(r)]          real projective space S^d(r) / {x ~ -x}, coordinates of R^(d+1)
    B<d>[(r)]           ball of radius r in R^d, centred at 0
    H<d>[(r)]           hemisphere {x in S^d(r) : x_(d+1) >= 0} in R^(d+1)
    Q<d>[(L,...)]       box [-L_1/2, L_1/2] x ... in R^d (default L = 1), centred at 0
    I[(L)]              interval [-L/2, L/2] (= Q1)
    A x B               product: coordinates concatenated (``S2xT1`` lives in R^3 x R^1)

Separators ``x``, ``X``, ``*`` or ``×`` join factors; an optional ``^`` is accepted
before the dimension (``S^2`` is S2), and ``M^k`` after a factor is a power: k identical
factors (``S2^3`` = ``S2xS2xS2``, ``T3^4``); radii and lengths are numbers or simple
expressions (``2*pi``, ``1/2``, ``sqrt(2)``).

Quotients
---------
:func:`quotient_geometry` derives, for a manifold M and a group G (a
:class:`weylgain.groups.FiniteGroup` or :class:`weylgain.groups.ContinuousGroup`; a
:class:`weylgain.groups.LieGroup` or :class:`weylgain.groups.TorusGroup` is handed to its own
``quotient_geometry``, see :mod:`weylgain.groups.geometry`; a spec string is read by
:func:`weylgain.groups.resolve`, so a group named for one factor of ``S2^k`` acts diagonally),

* d_G = dim M - dim(principal orbit);
* vol(M/G): finite G: vol(M) / order(G_eff), with G_eff the group that acts effectively (the
  image of G in the isometries of M: elements acting trivially are quotiented out, e.g. the
  mirror z -> -z on the circle in the xy-plane, or -I on RP^d); continuous G: the coarea
  formula vol(M/G) = int_M dvol / vol(orbit(x)), integrated symbolically;
* the reflection boundary vol d(M/G) = vol(dM)/order(G_eff) + (2/order(G_eff)) sum_r vol Fix(r) over
  elements r whose fixed set in M has codimension 1 (glide reflections of tori have no fixed
  points and add nothing).

RP^d is handled through its cover: RP^d / G = S^d / <G, -I>. A group acting on R^D' with D'
larger than the manifold's D must preserve the coordinate subspace R^D (the manifold sits at
zero in the extra coordinates) and acts through its restriction; with D' < D it is extended by
the identity on the extra coordinates (so ``S3`` acting on the 3-sphere permutes the first
three of its four coordinates).
"""

from __future__ import annotations

import dataclasses
import functools
import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import sympy as sp

from . import _spec_bounds as _bounds
from .errors import GroupError, SpecError

__all__ = [
    "LAMBDA",
    "Manifold",
    "Sphere",
    "Torus",
    "ProjectiveSpace",
    "Ball",
    "Hemisphere",
    "Box",
    "Product",
    "QuotientGeometry",
    "ball_volume",
    "sphere_volume",
    "weyl_constant",
    "weyl_law",
    "parse_manifold",
    "manifold_grammar",
    "resolve_group",
    "quotient_geometry",
    "risk_exponent",
    "sample_exponent",
    "sample_ratio",
    "heuristic_risk",
    "heuristic_samples",
    "to_float",
]

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


# ====================================================================== manifolds
@dataclass(frozen=True)
class Manifold:
    """Base class of the manifold catalogue (use the subclasses or :func:`parse_manifold`)."""

    @property
    def dim(self) -> int:  # pragma: no cover - abstract
        raise NotImplementedError

    @property
    def ambient_dim(self) -> int:  # pragma: no cover - abstract
        raise NotImplementedError

    @property
    def volume(self) -> sp.Expr:  # pragma: no cover - abstract
        raise NotImplementedError

    @property
    def boundary_volume(self) -> sp.Expr:
        """(d-1)-volume of the boundary (0 for closed manifolds)."""
        return sp.S.Zero

    @property
    def name(self) -> str:  # pragma: no cover - abstract
        raise NotImplementedError

    @property
    def is_closed(self) -> bool:
        return self.boundary_volume == 0

    @property
    def factors(self) -> tuple["Manifold", ...]:
        """The factors of a product; a 1-tuple of itself otherwise."""
        return (self,)

    @property
    def weyl_constant(self) -> sp.Expr:
        return weyl_constant(self.dim, self.volume)

    def weyl_law(self, boundary: str = "neumann", lam: Any = LAMBDA) -> sp.Expr:
        """Two-term Weyl law of the Laplacian on this manifold (boundary condition given)."""
        b = self.boundary_volume
        if boundary not in ("neumann", "dirichlet"):
            raise SpecError(f"boundary must be 'neumann' or 'dirichlet'; got {boundary!r}")
        return weyl_law(self.dim, self.volume, b if boundary == "neumann" else 0,
                        b if boundary == "dirichlet" else 0, lam)

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "dim": self.dim,
            "ambient_dim": self.ambient_dim,
            "volume": str(self.volume),
            "volume_float": to_float(self.volume),
            "boundary_volume": str(self.boundary_volume),
            "boundary_volume_float": to_float(self.boundary_volume),
        }

    def __str__(self) -> str:
        return self.name

    # ---- elementary-factor interface (local coordinates); products override
    def _check_map(self, A: np.ndarray, t: np.ndarray) -> str | None:
        """None if x -> A x + t*period maps the manifold onto itself, else the reason."""
        raise NotImplementedError  # pragma: no cover

    def _wall_volume(self, A: np.ndarray, t: np.ndarray) -> sp.Expr:
        """Volume of the fixed set of the map when it has codimension 1 (else 0)."""
        raise NotImplementedError  # pragma: no cover

    def _cover(self) -> tuple["Manifold", bool]:
        """(covering manifold, whether it is a double cover by -I)."""
        return self, False


def _fmt(e: sp.Expr) -> str:
    return str(e).replace("**", "^").replace(" ", "")


def _no_translation(t: np.ndarray) -> bool:
    return bool(np.all(np.abs(t - np.round(t)) < _TOL))


def _is_reflection(A: np.ndarray) -> bool:
    D = A.shape[0]
    return bool(np.abs(A - A.T).max() < _TOL and abs(np.trace(A) - (D - 2)) < _TOL) if D else False


def _signed_perm(A: np.ndarray) -> np.ndarray | None:
    """Permutation p with A e_i = +-e_p[i], or None when A is not a signed permutation."""
    R = np.round(A)
    if np.abs(A - R).max() > _TOL or not np.all(np.isin(R, (-1.0, 0.0, 1.0))):
        return None
    if not (np.all(np.abs(R).sum(axis=0) == 1) and np.all(np.abs(R).sum(axis=1) == 1)):
        return None
    return np.argmax(np.abs(R), axis=0)


@dataclass(frozen=True)
class Sphere(Manifold):
    """The round sphere S^d of radius ``radius`` in R^(d+1)."""

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


@dataclass(frozen=True)
class ProjectiveSpace(Manifold):
    """Real projective space RP^d = S^d(r)/{x ~ -x}, in the coordinates of R^(d+1)."""

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


@dataclass(frozen=True)
class Hemisphere(Manifold):
    """The closed hemisphere {x in S^d(r) : x_(d+1) >= 0} in R^(d+1)."""

    d: int
    radius: Any = 1

    def __post_init__(self) -> None:
        object.__setattr__(self, "d", _nonneg_int(self.d, "dimension"))
        if self.d < 1:
            raise SpecError("a hemisphere needs d >= 1")
        object.__setattr__(self, "radius", _positive_expr(self.radius, "radius"))

    dim = property(lambda self: self.d)
    ambient_dim = property(lambda self: self.d + 1)
    volume = property(lambda self: sphere_volume(self.d, self.radius) / 2)
    boundary_volume = property(lambda self: sphere_volume(self.d - 1, self.radius))
    name = property(lambda self: f"H{self.d}" + ("" if self.radius == 1 else f"({self.radius})"))

    def _check_map(self, A, t):
        if not _no_translation(t):
            return "a hemisphere admits no torus translations"
        e = np.zeros(self.d + 1)
        e[-1] = 1.0
        if np.abs(A[:, -1] - e).max() > _TOL or np.abs(A[-1, :] - e).max() > _TOL:
            return (f"the map moves the last axis x_{self.d + 1}, so it does not preserve the "
                    "hemisphere x_(d+1) >= 0")
        return None

    def _wall_volume(self, A, t):
        # a reflection of the first d coordinates fixes half a great S^(d-1)
        return sphere_volume(self.d - 1, self.radius) / 2 if _is_reflection(A) else sp.S.Zero


@dataclass(frozen=True)
class Ball(Manifold):
    """The ball of radius ``radius`` in R^d, centred at the origin."""

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


# ====================================================================== parsing
def _parse_number(text: str, spec: str, what: str = "number") -> sp.Expr:
    """A radius or side length of a manifold spec: read by the bounded number grammar of
    :mod:`weylgain._spec_bounds` (never evaluated as an expression of unbounded size),
    positive and within [1e-150, 1e150]."""
    v = _bounds.parse_bounded_number(text, spec, what)
    return _bounds.check_length_value(v, what, text.strip(), spec)


def _split_product(spec: str) -> list[str]:
    parts, depth, cur = [], 0, ""
    for ch in spec:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        if depth == 0 and ch in "xX*×":
            parts.append(cur)
            cur = ""
        else:
            cur += ch
    parts.append(cur)
    return parts


# S2, S^2 (an optional caret before the dimension), S2(3), and powers S2^3 = S2xS2xS2
_FACTOR = re.compile(r"^(RP|S|T|B|H|Q|I)\^?(\d*)(?:\((.*?)\))?(?:\^(\d+))?$", re.IGNORECASE)

_GRAMMAR = [
    ("S<d>[(r)]", "sphere S^d of radius r (default 1) in R^(d+1)"),
    ("T<d>[(L,...)]", "flat torus with side lengths L (default 2*pi; one or d values)"),
    ("RP<d>[(r)]", "real projective space S^d(r)/{x ~ -x}, coordinates of R^(d+1)"),
    ("B<d>[(r)]", "ball of radius r in R^d"),
    ("H<d>[(r)]", "hemisphere x_(d+1) >= 0 of S^d(r)"),
    ("Q<d>[(L,...)]", "box [-L/2, L/2]^d (default L = 1)"),
    ("I[(L)]", "interval [-L/2, L/2] (default L = 1)"),
    ("AxB", "product, coordinates concatenated (e.g. S2xT1, S1xS1, IxI)"),
    ("M^k", "k identical factors (S2^3 = S2xS2xS2, T3^4); S^2 without digits before ^ is S2"),
]


def manifold_grammar() -> list[tuple[str, str]]:
    """The manifold spec forms accepted by :func:`parse_manifold`, with descriptions."""
    return list(_GRAMMAR)


def _grammar_hint() -> str:
    return "valid forms: " + ", ".join(s for s, _ in _GRAMMAR)


def parse_manifold(spec: str) -> Manifold:
    """A manifold from a spec string such as ``S2``, ``T3``, ``RP2``, ``B3(2)``, ``S2xT1``.

    See the module docstring for the grammar.

    Raises
    ------
    SpecError
        The string is not a manifold spec.
    """
    if not isinstance(spec, str) or not spec.strip():
        raise SpecError(f"a manifold spec must be a non-empty string; got {spec!r}. "
                        + _grammar_hint())
    _bounds.check_spec_length(spec, "manifold")
    s = spec.strip().replace(" ", "")
    if s.count("(") != s.count(")"):
        raise SpecError(f"unbalanced parentheses in manifold spec {spec!r}")
    factors = []
    parts = _split_product(s)
    if any(not p for p in parts):
        raise SpecError(f"unknown manifold spec {spec!r}; " + _grammar_hint())
    for part in parts:
        m = _FACTOR.match(part)
        if not part or m is None:
            raise SpecError(f"unknown manifold {part!r} in spec {spec!r}; " + _grammar_hint())
        kind, digits, args = m.group(1).upper(), m.group(2), m.group(3)
        power = 1 if m.group(4) is None else _bounds.bounded_int(
            m.group(4), "power", _bounds.MAX_DIMENSION, spec)
        if power < 1:
            raise SpecError(f"{part!r}: the power k in M^k must be at least 1")
        n_before = len(factors)
        if kind == "I":
            if digits not in ("", "1"):
                raise SpecError(f"'I' is the interval (1-dimensional); use Q{digits} for a box")
            digits = "1"
        if not digits:
            raise SpecError(f"{part!r} needs a dimension, e.g. {kind}2; " + _grammar_hint())
        d = _bounds.bounded_int(digits, "dimension", _bounds.MAX_DIMENSION, spec)
        what = "radius" if kind in ("S", "RP", "B", "H") else "side length"
        if args is not None and args.count(",") >= _bounds.MAX_DIMENSION:
            raise SpecError(f"{part!r}: more side lengths than the largest supported "
                            f"dimension, {_bounds.MAX_DIMENSION}")
        vals = [] if args is None else [_parse_number(a, spec, what) for a in args.split(",")]
        if kind in ("S", "RP", "B", "H"):
            if len(vals) > 1:
                raise SpecError(f"{part!r}: a {kind} takes one radius")
            r = vals[0] if vals else 1
            if kind == "S":
                factors.append(Sphere(d, r))
            elif kind == "RP":
                factors.append(ProjectiveSpace(d, r))
            elif kind == "B":
                factors.append(Ball(d, r))
            else:
                factors.append(Hemisphere(d, r))
        else:
            if d < 1:
                raise SpecError(f"{part!r}: the dimension must be at least 1")
            default = 2 * sp.pi if kind == "T" else sp.S.One
            if vals and len(vals) not in (1, d):
                raise SpecError(f"{part!r}: give 1 or {d} side lengths, not {len(vals)}")
            lengths = tuple(vals) * (d if len(vals) == 1 else 1) if vals else (default,) * d
            factors.append(Torus(lengths) if kind == "T" else Box(lengths))
        factors.extend([factors[n_before]] * (power - 1))
        _check_total_dimension(factors, spec)
    M = factors[0] if len(factors) == 1 else Product(tuple(factors))
    _check_volume_range(M, spec.strip() if len(spec) < 60 else M.factors[0].name + "x...")
    return M


def _check_total_dimension(factors: list[Manifold], spec: str) -> None:
    """Refuse a product beyond the largest supported dimension (checked factor by factor, so
    ``S2^100xS2^100x...`` stops at the first factor too many)."""
    dim = sum(f.dim for f in factors)
    ambient = sum(f.ambient_dim for f in factors)
    if dim > _bounds.MAX_DIMENSION:
        raise SpecError(
            f"{spec!r} has dimension {dim} or more, which exceeds the largest supported, "
            f"{_bounds.MAX_DIMENSION}: volumes and Weyl constants of higher dimensions leave "
            "the range of a double, and no exact or mesh route reaches them")
    if ambient > _bounds.MAX_AMBIENT_DIMENSION:
        raise SpecError(
            f"{spec!r} lives in R^{ambient} or more, which exceeds the largest supported "
            f"ambient dimension, {_bounds.MAX_AMBIENT_DIMENSION} (groups act on it by "
            f"dense {ambient} x {ambient} matrices)")


# a volume outside this range leaves the doubles of the reports (vol(M)/vol(M/G), Weyl
# constants, eps^(d/2s) powers) once divided by a group order or raised to a power
_MIN_VOLUME = 1e-300
_MAX_VOLUME = 1e300


def _check_volume_range(M: "Manifold", what: str | None = None) -> None:
    """Refuse a manifold whose volume (or boundary volume) is not within [1e-300, 1e300].

    The volumes are exact sympy expressions; they are evaluated with an unbounded exponent
    (mpmath), so ``S2(1e100)^4`` is seen to have volume 2.6e+802 instead of overflowing.
    """
    vol = M.volume
    if not getattr(vol, "is_number", False):
        return  # a symbolic radius: nothing to evaluate
    for label, value in (("volume", vol), ("boundary volume", M.boundary_volume)):
        if label == "boundary volume" and value == 0:
            continue
        approx = sp.N(value, 15)
        if not approx.is_finite or approx > _MAX_VOLUME or approx < _MIN_VOLUME:
            raise SpecError(
                f"the {label} of {what or M.name} is {sp.N(approx, 4)}, outside "
                f"[{_MIN_VOLUME:g}, {_MAX_VOLUME:g}]: the gain and the Weyl constants would "
                "leave the range of a double; choose radii and side lengths nearer 1, or a "
                "lower dimension")


def resolve_group(spec: Any, manifold: Manifold) -> Any:
    """The group ``spec`` acting on ``manifold``: :func:`weylgain.groups.resolve` (a spec
    string or a group object; on a product of identical factors a group named for one factor
    acts diagonally, ``G@i`` on factor i only, ``Sym(k)`` permutes, ``A x B`` combines)."""
    from .groups import resolve

    return resolve(spec, manifold)


# ====================================================================== quotients
@dataclass(frozen=True)
class QuotientGeometry:
    """Dimension and volumes of a quotient M/G (sympy expressions).

    Attributes
    ----------
    manifold, group : str
        Names.
    dim : int
        d = dim M.
    quotient_dim : int
        d_G = dim M - dim(principal orbit).
    volume, quotient_volume : sympy.Expr
        vol(M) and vol(M/G) (a point has volume 1: N_G = 1, only constants are invariant).
    wall_volume : sympy.Expr
        (2/order(G_eff)) sum_r vol Fix(r): the Neumann boundary created by reflections.
    boundary_part_volume : sympy.Expr
        vol(dM / G): the image of the manifold's own boundary.
    group_order, effective_order, kernel_order : int or None
        Finite groups: order(G), the order of the group acting effectively on M, and of the
        subgroup acting trivially (group_order may be None when unknown).
    n_reflections : int or None
        Number of elements of G_eff (finite) whose fixed set has codimension 1.
    orbit_volume : sympy.Expr or None
        The volume of principal orbits when they all have the same volume.
    transitive : bool
    continuous : bool
    derivation : tuple of str
        Steps, in words and formulas.
    vol_quotient_error : float
        Standard error of ``quotient_volume`` when it is computed numerically (Monte Carlo
        over M); 0.0 for closed forms.
    action : str
        The action used, in words ("diagonal on 2 factors of S2", "on factor 1 of S2^2").
    """

    manifold: str
    group: str
    dim: int
    quotient_dim: int
    volume: sp.Expr
    quotient_volume: sp.Expr
    wall_volume: sp.Expr
    boundary_part_volume: sp.Expr
    group_order: int | None
    effective_order: int | None
    kernel_order: int | None
    n_reflections: int | None
    orbit_volume: sp.Expr | None
    transitive: bool
    continuous: bool
    derivation: tuple = field(default_factory=tuple)
    vol_quotient_error: float = 0.0
    action: str = ""

    @property
    def orbit_dim(self) -> int:
        return self.dim - self.quotient_dim

    @property
    def quotient_boundary_volume(self) -> sp.Expr:
        return self.wall_volume + self.boundary_part_volume

    @property
    def weyl_constant(self) -> sp.Expr:
        return weyl_constant(self.quotient_dim, self.quotient_volume)

    def weyl_law(self, boundary: str = "neumann", lam: Any = LAMBDA) -> sp.Expr:
        """Two-term Weyl law of the invariant counting function N_G(lambda).

        Reflection walls are Neumann (invariant functions have zero normal derivative there);
        the image of dM carries ``boundary`` ('neumann' or 'dirichlet').
        """
        if boundary not in ("neumann", "dirichlet"):
            raise SpecError(f"boundary must be 'neumann' or 'dirichlet'; got {boundary!r}")
        # (continuous groups have no walls: singular strata change only lower-order terms)
        b = self.boundary_part_volume
        neu = self.wall_volume + (b if boundary == "neumann" else 0)
        dir_ = b if boundary == "dirichlet" else 0
        return weyl_law(self.quotient_dim, self.quotient_volume, neu, dir_, lam)

    def to_dict(self) -> dict[str, Any]:
        def pair(name: str, e: sp.Expr | None) -> dict[str, Any]:
            return {name: None if e is None else to_float(e),
                    name + "_expr": None if e is None else str(e)}

        out: dict[str, Any] = {
            "manifold": self.manifold,
            "group": self.group,
            "dim": self.dim,
            "quotient_dim": self.quotient_dim,
            "orbit_dim": self.orbit_dim,
        }
        out.update(pair("volume", self.volume))
        out.update(pair("quotient_volume", self.quotient_volume))
        out.update(pair("wall_volume", self.wall_volume))
        out.update(pair("boundary_part_volume", self.boundary_part_volume))
        out.update(pair("quotient_boundary_volume", self.quotient_boundary_volume))
        out.update(pair("orbit_volume", self.orbit_volume))
        out.update({
            "group_order": self.group_order,
            "effective_order": self.effective_order,
            "kernel_order": self.kernel_order,
            "n_reflections": self.n_reflections,
            "transitive": self.transitive,
            "continuous": self.continuous,
            "derivation": list(self.derivation),
            "vol_quotient_error": float(self.vol_quotient_error),
            "action": self.action,
        })
        return out


def quotient_geometry(manifold: Manifold | str, group: Any,
                      max_order: int = DEFAULT_MAX_ORDER) -> QuotientGeometry:
    """Derive d_G, vol(M/G) and the reflection boundary of M/G.

    Parameters
    ----------
    manifold : Manifold or str
        A catalogue manifold or a spec for :func:`parse_manifold`.
    group : FiniteGroup, ContinuousGroup, LieGroup, TorusGroup or str
        A group of :mod:`weylgain.groups` or a spec read by :func:`weylgain.groups.resolve`
        (``"SO(3)"`` on ``S2^3`` acts diagonally, ``"SO(3)@1"`` on factor 1 only, ``"SO(3) x
        Sym(3)"``). Groups with a ``quotient_geometry`` method (LieGroup, TorusGroup) compute
        it themselves (:mod:`weylgain.groups.geometry`).
    max_order : int
        Largest group enumerated (needed for the kernel and the reflections; catalogue
        families S<d>, signs<d>, B<d> acting effectively are never enumerated).

    Raises
    ------
    GroupError
        The group does not act on the manifold (it does not preserve it), or is too large to
        enumerate when enumeration is needed.
    SpecError
        Unknown spec.
    """
    if isinstance(manifold, str):
        manifold = parse_manifold(manifold)
    if not isinstance(manifold, Manifold):
        raise SpecError(f"manifold must be a Manifold or a spec string; got "
                        f"{type(manifold).__name__}")
    group = resolve_group(group, manifold)
    from .groups import ContinuousGroup, FiniteGroup

    if hasattr(group, "quotient_geometry"):  # LieGroup, TorusGroup: the general coarea code
        _check_lie_route(manifold, group)
        return group.quotient_geometry(manifold)
    if isinstance(group, FiniteGroup):
        q = _finite_quotient(manifold, group, max_order)
        label = getattr(group, "label", "")
        return dataclasses.replace(q, action=label) if label else q
    if isinstance(group, ContinuousGroup):
        return _continuous_quotient(manifold, group)
    raise SpecError(f"group must be a FiniteGroup, ContinuousGroup or spec string; got "
                    f"{type(group).__name__}")


# The general coarea code of a Lie-algebra group (weylgain.groups.geometry) costs, on R^D
# with an algebra of m matrices, about m D^2 x 2^20 operations for its Monte Carlo average
# (measured: 20 s for diagonal SO(3) on S2^12, D = 36) and an SVD of an (m D^2) x D(D+1)/2
# matrix for the invariant quadrics (97 GB at D = 300, S2^100): refused beyond this D.
MAX_LIE_ROUTE_DIMENSION = 40


def _check_lie_route(M: Manifold, group: Any) -> None:
    """Refuse, before any matrix is built, a Lie-algebra group whose quotient geometry cannot
    be computed in seconds and in memory (see MAX_LIE_ROUTE_DIMENSION)."""
    from .errors import ResourceError

    algebra = getattr(group, "algebra", None)
    if algebra is None or getattr(algebra, "ndim", 0) != 3 or algebra.shape[0] == 0:
        return  # tori (lattice code) and finite parts only: no coarea integral
    m, D = int(algebra.shape[0]), int(algebra.shape[1])
    if D > MAX_LIE_ROUTE_DIMENSION:
        ops = m * D * D * 2.0 ** 20
        raise ResourceError(
            f"the quotient geometry of {getattr(group, 'name', 'the group')} on {M.name} works "
            f"in R^{D}: its coarea integral would take about {ops:.2g} operations (minutes to "
            f"hours) and its invariant-quadric SVD {8.0 * m * D ** 2 * D * (D + 1) / 2:.2g} "
            f"bytes; Lie-algebra groups are handled up to R^{MAX_LIE_ROUTE_DIMENSION} (e.g. "
            "SO(3) on S2^13); use fewer factors")


# ---------------------------------------------------------------------- finite groups
def _align(lin: np.ndarray, tr: np.ndarray, D: int, gname: str, mname: str
           ) -> tuple[np.ndarray, np.ndarray, str | None]:
    """Generators of a group on R^D' as maps of R^D (extend by identity or restrict)."""
    g, Dg = lin.shape[0], lin.shape[1]
    if Dg == D:
        return lin, tr, None
    if Dg < D:
        L = np.tile(np.eye(D), (g, 1, 1))
        L[:, :Dg, :Dg] = lin
        T = np.zeros((g, D))
        T[:, :Dg] = tr
        return L, T, f"{gname} acts on R^{Dg}; extended by the identity to the R^{D} of {mname}"
    off = np.abs(lin[:, D:, :D]).max(initial=0.0) if g else 0.0
    if off > _TOL:
        raise GroupError(
            f"group {gname!r} acts on R^{Dg} but {mname} spans only the first {D} coordinates, "
            f"and some generator moves that subspace (it mixes coordinates 1..{D} with "
            f"{D + 1}..{Dg}); the group does not act on {mname}. Choose a group that "
            "preserves these coordinates."
        )
    if g and not _no_translation(tr[:, D:]):
        raise GroupError(f"group {gname!r} translates coordinates outside the {D} of {mname}")
    return (np.ascontiguousarray(lin[:, :D, :D]), np.ascontiguousarray(tr[:, :D]),
            f"{gname} acts on R^{Dg}; {mname} spans its first {D} coordinates, where it acts "
            "by the restriction")


def _closed_form_reflections(name: str, d: int, D: int) -> np.ndarray | None:
    """Every reflection of the catalogue families S<d>, signs<d>, B<d> (padded to R^D), as
    one (n, D, D) array: the list the classes of :func:`_reflection_classes` stand for
    (small d only: n D^2 numbers)."""
    m = re.fullmatch(r"(S|signs|B)(\d+)", name)
    if m is None or int(m.group(2)) != d:
        return None
    fam = m.group(1)
    mats = []
    if fam in ("signs", "B"):
        for i in range(d):
            a = np.eye(D)
            a[i, i] = -1.0
            mats.append(a)
    if fam in ("S", "B"):
        for i in range(d):
            for j in range(i + 1, d):
                for sgn in ((1.0,) if fam == "S" else (1.0, -1.0)):
                    a = np.eye(D)
                    a[i, i] = a[j, j] = 0.0
                    a[i, j] = a[j, i] = sgn
                    mats.append(a)
    return np.array(mats).reshape(-1, D, D)


def _reflection_classes(name: str, d: int, D: int) -> list[tuple[int, np.ndarray]] | None:
    """Reflections of the catalogue families S<d>, signs<d>, B<d> (padded to R^D), as
    (multiplicity, representative) pairs, or None for other groups.

    The fixed set of g r g^-1 is g Fix(r), of the same volume, for every g in G (an isometry
    of M). In S<d> all C(d,2) transpositions are conjugate; in B<d> the d sign flips are one
    class and the d(d-1) signed transpositions another (x_i <-> x_j conjugated by the flip of
    x_i is x_i <-> -x_j). signs<d> is abelian: its d flips are listed one by one. So S<100> on
    T^100 needs one wall volume instead of 4950 matrices of 100 x 100 (and S<1000>, before
    the dimension bound, needed 4 TB).
    """
    m = re.fullmatch(r"(S|signs|B)(\d+)", name)
    if m is None or int(m.group(2)) != d:
        return None
    fam = m.group(1)

    def flip(i: int) -> np.ndarray:
        a = np.eye(D)
        a[i, i] = -1.0
        return a

    def swap(i: int, j: int) -> np.ndarray:
        a = np.eye(D)
        a[i, i] = a[j, j] = 0.0
        a[i, j] = a[j, i] = 1.0
        return a

    out: list[tuple[int, np.ndarray]] = []
    if fam == "signs":
        out.extend((1, flip(i)) for i in range(d))
    if fam == "B" and d >= 1:
        out.append((d, flip(0)))
    if fam in ("S", "B") and d >= 2:
        out.append((d * (d - 1) // 2 * (2 if fam == "B" else 1), swap(0, 1)))
    return out


def _finite_quotient(M: Manifold, G: Any, max_order: int) -> QuotientGeometry:
    from .groups import from_generators

    D = M.ambient_dim
    steps: list[str] = []
    lin0, tr0 = G.generator_arrays()
    lin, tr, note = _align(lin0, tr0, D, G.name, M.name)
    if note:
        steps.append(note)
    for a, b in zip(lin, tr):
        why = M._check_map(a, b)
        if why:
            raise GroupError(f"group {G.name!r} does not act on {M.name}: {why}")
    cover, double = M._cover()
    group_order: int | None
    try:
        group_order = int(G.closed_order) if G.closed_order is not None else None
    except AttributeError:  # pragma: no cover - duck-typed groups
        group_order = None

    # The group that acts on the cover: generated by the aligned generators and, for RP
    # factors, -I on each such block (RP^d / G = S^d / <G, -I>).
    extra = []
    if double:
        off = 0
        for f in M.factors:
            if isinstance(f, ProjectiveSpace):
                a = np.eye(D)
                a[off:off + f.ambient_dim, off:off + f.ambient_dim] *= -1
                extra.append(a)
            off += f.ambient_dim
    deck = 2 ** len(extra)
    # a matrix group acting on all coordinates of M (or extended by the identity) is faithful
    # on every catalogue manifold except RP^d (handled through the cover)
    faithful = note is None or "extended" in note
    refl: list[tuple[int, np.ndarray]] | None = None
    closed_refl = None
    if not extra and faithful and group_order is not None:
        closed_refl = _reflection_classes(G.name, G.dim, D)
    if closed_refl is not None or (not extra and faithful and group_order is not None
                                   and group_order > max_order):
        # a linear or torus action of a group on coordinates M spans is faithful, so
        # |G_eff| = |G|; the reflections of the catalogue families S<d>, signs<d>, B<d> are
        # known in closed form, so those groups are never enumerated
        cover_order = group_order
        refl = closed_refl
        if refl is None:
            raise GroupError(
                f"group {G.name!r} has {group_order} elements (more than max_order="
                f"{max_order}) and its reflections are not known in closed form; raise "
                "max_order to enumerate it"
            )
        n_closed = sum(c for c, _ in refl)
        steps.append(f"|G| = {group_order} in closed form; the action is faithful, so "
                     f"|G_eff| = {group_order}; {n_closed} reflections in closed form")
        elements = None
    else:
        if not extra and note is None:
            elements = G.elements(max_order)
        elif not extra and faithful:
            el_l, el_t = G.elements(max_order)
            elements = _align(el_l, el_t, D, G.name, M.name)[:2]
        else:
            gl = np.concatenate([lin, np.array(extra).reshape(-1, D, D)]) if extra else lin
            gt = np.concatenate([tr, np.zeros((len(extra), D))]) if extra else tr
            H = from_generators(gl, gt, name=G.name + "_on_" + M.name)
            elements = H.elements(max_order)
        cover_order = int(elements[0].shape[0])
        if double:
            steps.append(f"{M.name} = {cover.name}/(-I): work on the cover with <G, -I> of "
                         f"order {cover_order}")
    if group_order is None:  # a group from generators: its order by closure (cached)
        try:
            group_order = int(G.elements(max_order)[0].shape[0])
        except GroupError:
            pass
    eff = cover_order // deck
    kernel = None if group_order is None else group_order // eff
    if group_order is not None and kernel is not None and kernel > 1:
        steps.append(f"|G| = {group_order} but a subgroup of order {kernel} acts trivially on "
                     f"{M.name}: the effective group has order {eff}")
    elif group_order is not None:
        steps.append(f"|G| = {group_order}, acting effectively on {M.name}")
    else:
        steps.append(f"the group acts on {M.name} through a group of order {eff}")

    # reflections: elements of the cover group whose fixed set has codimension 1
    walls = sp.S.Zero
    n_refl = 0
    if refl is None:
        el_l, el_t = elements
        if isinstance(cover, Product):
            idx = range(el_l.shape[0])
        else:
            sym = np.abs(el_l - np.transpose(el_l, (0, 2, 1))).max(axis=(1, 2)) < _TOL
            trc = np.abs(np.trace(el_l, axis1=1, axis2=2) - (D - 2)) < _TOL
            idx = np.flatnonzero(sym & trc)
        classes = ((1, el_l[i], el_t[i]) for i in idx)
    else:
        zero = np.zeros(D)
        classes = ((c, a, zero) for c, a in refl)
    counts: dict[sp.Expr, int] = {}
    for mult, a, t in classes:
        w = cover._wall_volume(a, t)
        if w != 0:
            counts[w] = counts.get(w, 0) + mult
            n_refl += mult
    walls = sp.Add(*[c * w for w, c in counts.items()])
    vol = M.volume
    qvol = cover.volume / cover_order
    wall_volume = 2 * walls / cover_order
    bpart = cover.boundary_volume / cover_order
    steps.append(f"vol(M/G) = vol({cover.name})/{cover_order} = {_fmt(cover.volume)}/"
                 f"{cover_order} = {_fmt(qvol)}")
    if n_refl:
        steps.append(f"{n_refl} elements fix a codimension-1 set (reflections): vol d(M/G) "
                     f"gains (2/{cover_order}) * ({_fmt(walls)}) = {_fmt(wall_volume)} of "
                     "Neumann wall")
    return QuotientGeometry(
        manifold=M.name, group=G.name, dim=M.dim, quotient_dim=M.dim, volume=vol,
        quotient_volume=qvol, wall_volume=wall_volume,
        boundary_part_volume=bpart, group_order=group_order, effective_order=eff,
        kernel_order=kernel, n_reflections=n_refl, orbit_volume=None,
        transitive=False, continuous=False, derivation=tuple(steps),
    )


# ---------------------------------------------------------------------- continuous groups
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


def _moved_coordinates(G: Any) -> tuple[int, ...]:
    fam = G.family
    if fam in ("axis_rotation", "torus_translation"):
        return tuple(int(c) for c in G.coordinates)
    if fam == "axis_stabilizer":
        return tuple(c for c in range(G.dim) if c != G.axis)
    return tuple(range(G.dim))  # rotation, hopf


def _rotation_quotient(f: Manifold, K: tuple[int, ...], gname: str, steps: list[str]
                       ) -> tuple[int, sp.Expr, sp.Expr, sp.Expr | None]:
    """(d_G, vol(F/G), vol(dF/G), orbit volume) for SO(k) rotating local coordinates K."""
    k = len(K)
    if isinstance(f, (Sphere, ProjectiveSpace, Hemisphere)):
        d, r = f.d, f.radius
        if isinstance(f, Hemisphere) and f.d in K:
            raise GroupError(f"{gname} rotates the last axis, so it does not preserve the "
                             f"hemisphere {f.name}")
        if k == d + 1:
            steps.append(f"SO({k}) is transitive on {f.name}: M/G is a point (volume 1 in "
                         "counting measure; only constants are invariant)")
            return 0, sp.S.One, sp.S.Zero, f.volume
        unit, text = _sphere_rotation_quotient_unit(d, k)
        steps.append(text)
        vol = unit * r ** (d - k + 1)
        if isinstance(f, ProjectiveSpace):
            steps.append("-I maps an orbit (rho, y) to (rho, -y), a different orbit: "
                         f"vol({f.name}/G) = vol(S^{d}/G)/2")
            vol = vol / 2
        bpart = sp.S.Zero
        if isinstance(f, Hemisphere):
            steps.append("the mirror x_(d+1) -> -x_(d+1) commutes with G and swaps the two "
                         f"halves: vol({f.name}/G) = vol(S^{d}/G)/2")
            vol = vol / 2
            _, bvol, _, _ = _rotation_quotient(Sphere(d - 1, r), K, gname, [])
            bpart = bvol
        return d - k + 1, vol, bpart, None
    if isinstance(f, Ball):
        d, r = f.d, f.radius
        if k == d:
            unit = sp.S.One
        else:
            unit, _ = _sphere_rotation_quotient_unit(d - 1, k)
        t = _T
        # radial coarea: dvol = t^(d-1) dt dvol_S, orbits scale like t^(k-1)
        vol = sp.integrate(t ** (d - 1) * unit / t ** (k - 1), (t, 0, r))
        steps.append(f"coarea in the radius: vol({f.name}/G) = int_0^{_fmt(r)} t^{d - 1} "
                     f"vol(S^{d - 1}/G) / t^{k - 1} dt = {_fmt(vol)}")
        bvol = unit * r ** (d - k)
        return d - k + 1, vol, bvol, None
    raise GroupError(f"{gname} (rotations) does not act on {f.name}; rotations act on spheres, "
                     "hemispheres (fixing the last axis), RP^d and balls")


def _continuous_quotient(M: Manifold, G: Any) -> QuotientGeometry:
    D = M.ambient_dim
    steps: list[str] = []
    K = _moved_coordinates(G)
    if G.dim > D and all(c >= D for c in K):
        steps.append(f"{G.name} moves only coordinates outside the R^{D} of {M.name}: it acts "
                     "trivially")
        return QuotientGeometry(M.name, G.name, M.dim, M.dim, M.volume, M.volume, sp.S.Zero,
                                M.boundary_volume, None, 1, None, 0, sp.S.One, False, True,
                                tuple(steps))
    if any(c >= D for c in K):
        raise GroupError(
            f"{G.name} moves coordinates {K} of R^{G.dim}, but {M.name} spans only the first "
            f"{D}: the group mixes the manifold's coordinates with others and does not act on it"
        )
    fam = G.family
    if fam == "torus_translation":
        return _torus_translation_quotient(M, G, K, steps)
    off = 0
    owner = None
    for i, f in enumerate(M.factors):
        if all(off <= c < off + f.ambient_dim for c in K):
            owner = (i, f, tuple(c - off for c in K))
        off += f.ambient_dim
    if owner is None:
        raise GroupError(f"{G.name} moves coordinates {K}, which belong to different factors "
                         f"of {M.name}; it does not act on the product")
    i, f, Kl = owner
    if fam == "hopf":
        if not (isinstance(f, (Sphere, ProjectiveSpace)) and f.d == 3 and len(Kl) == 4):
            raise GroupError(f"the Hopf action acts on S^3 (or RP^3) in R^4; not on {f.name}")
        r = f.radius
        orbit_vol = 2 * sp.pi * r  # great circles
        if isinstance(f, ProjectiveSpace):
            orbit_vol = sp.pi * r  # -I lies in U(1): orbits are half circles in RP^3
        fvol = f.volume / orbit_vol
        steps.append(f"Hopf orbits are great circles of length {_fmt(orbit_vol)} (free action): "
                     f"vol({f.name}/U(1)) = {_fmt(f.volume)} / {_fmt(orbit_vol)} = {_fmt(fvol)} "
                     "= vol(S^2(r/2))")
        fdg, fb = 2, sp.S.Zero
    else:
        fdg, fvol, fb, orbit_vol = _rotation_quotient(f, Kl, G.name, steps)
    others = [g for j, g in enumerate(M.factors) if j != i]
    rest = sp.Mul(*[g.volume for g in others])
    d_G = M.dim - f.dim + fdg
    qvol = fvol * rest
    # boundary of the quotient: (dF/G) x rest  +  (F/G) x d(rest)
    bpart = fb * rest
    for j, g in enumerate(others):  # by index: a product may repeat one factor object
        bpart += fvol * g.boundary_volume * sp.Mul(*[h.volume for m, h in enumerate(others)
                                                    if m != j])
    if others:
        steps.append(f"product: vol(M/G) = vol({f.name}/G) * {_fmt(rest)} = {_fmt(qvol)}")
    transitive = d_G == 0
    return QuotientGeometry(
        manifold=M.name, group=G.name, dim=M.dim, quotient_dim=d_G, volume=M.volume,
        quotient_volume=qvol, wall_volume=sp.S.Zero, boundary_part_volume=bpart,
        group_order=None, effective_order=None, kernel_order=None, n_reflections=None,
        orbit_volume=orbit_vol, transitive=transitive, continuous=True,
        derivation=tuple(steps),
    )


def _torus_translation_quotient(M: Manifold, G: Any, K: tuple[int, ...], steps: list[str]
                                ) -> QuotientGeometry:
    """T^k translating the first k TORUS coordinates of M (on a product: of its torus factors,
    in order). Every orbit is a flat subtorus of the same volume: vol(M/G) = vol(M)/vol(orbit)."""
    if isinstance(M, Product):
        torus_coords: list[int] = []
        off = 0
        for f in M.factors:
            if isinstance(f, Torus):
                torus_coords.extend(range(off, off + f.dim))
            off += f.ambient_dim
        if max(K) >= len(torus_coords):
            raise GroupError(f"{G.name} translates {len(K)} torus coordinates, but {M.name} "
                             f"has only {len(torus_coords)}")
        K = tuple(torus_coords[c] for c in K)
        steps.append(f"{G.name} translates the torus coordinates {K} of {M.name}")
    orbit = sp.S.One
    off = 0
    for f in M.factors:
        Kf = [c - off for c in K if off <= c < off + f.ambient_dim]
        if Kf and not isinstance(f, Torus):
            raise GroupError(f"{G.name} translates coordinates, which only acts on a torus; "
                             f"{f.name} is not one")
        for c in Kf:
            orbit *= f.lengths[c]
        off += f.ambient_dim
    qvol = M.volume / orbit
    bpart = M.boundary_volume / orbit
    steps.append(f"every orbit is a flat subtorus of volume {_fmt(orbit)}: vol(M/G) = "
                 f"vol({M.name}) / {_fmt(orbit)} = {_fmt(qvol)} (coarea, constant orbits)")
    d_G = M.dim - len(K)
    return QuotientGeometry(
        manifold=M.name, group=G.name, dim=M.dim, quotient_dim=d_G, volume=M.volume,
        quotient_volume=qvol, wall_volume=sp.S.Zero, boundary_part_volume=bpart,
        group_order=None, effective_order=None, kernel_order=None, n_reflections=None,
        orbit_volume=orbit, transitive=d_G == 0, continuous=True, derivation=tuple(steps),
    )


# ====================================================================== risk and samples
def risk_exponent(s: Any = _S, d: Any = None) -> sp.Expr:
    """Minimax excess-risk exponent s/(s + d/2): R(n) ~ n^(-s/(s+d/2)) (docs/theory.md#minimax-risk)."""
    s = _volume_arg(s)
    return s / (s + _volume_arg(d) / 2)


def sample_exponent(s: Any = _S, d: Any = None) -> sp.Expr:
    """Exponent of the sample complexity n(eps) ~ eps^(-(1 + d/(2s)))."""
    s = _volume_arg(s)
    return 1 + _volume_arg(d) / (2 * s)


def sample_ratio(s: Any, d: int, d_G: int, volume: Any, quotient_volume: Any,
                 eps: Any = _EPS) -> sp.Expr:
    """n_plain(eps) / n_invariant(eps) from R(n) = (sigma^2 vol / n)^(s/(s+d/2)).

    = (vol(M)/vol(M/G)) * eps^(-(d - d_G)/(2s)); sigma cancels. For finite groups it is
    order(G_eff) at every eps; for a dimension drop it grows without bound as eps -> 0.
    """
    s = _volume_arg(s)
    return _volume_arg(volume) / _volume_arg(quotient_volume) * _volume_arg(eps) ** (
        -sp.Rational(d - d_G) / (2 * s))


def heuristic_risk(n: Any, s: Any, d: int, volume: Any, sigma: Any = 1, norm: Any = 1
                   ) -> sp.Expr:
    """Constant-explicit heuristic risk (docs/theory.md#heuristic-risk) (do not trust the constant tightly).

    With a = d/(2s), kappa = pi a / sin(pi a), C = omega_d vol / (2 pi)^d, B = norm of f in H^s:
    R ~ (1+a) a^(-a/(1+a)) (sigma^2 kappa C / n)^(1/(1+a)) B^(2a/(1+a)); for d = 0,
    sigma^2 C / n (parametric).
    """
    s, n, sigma, B = (_volume_arg(v) for v in (s, n, sigma, norm))
    C = weyl_constant(d, volume)
    if d == 0:
        return sigma ** 2 * C / n
    a = sp.Rational(d) / (2 * s)
    kappa = sp.pi * a / sp.sin(sp.pi * a)
    return (1 + a) * a ** (-a / (1 + a)) * (sigma ** 2 * kappa * C / n) ** (1 / (1 + a)) * \
        B ** (2 * a / (1 + a))


def heuristic_samples(eps: Any, s: Any, d: int, volume: Any, sigma: Any = 1, norm: Any = 1
                      ) -> sp.Expr:
    """Samples for heuristic excess risk eps: the inverse of :func:`heuristic_risk` in n."""
    eps, s, sigma, B = (_volume_arg(v) for v in (eps, s, sigma, norm))
    C = weyl_constant(d, volume)
    if d == 0:
        return sigma ** 2 * C / eps
    a = sp.Rational(d) / (2 * s)
    kappa = sp.pi * a / sp.sin(sp.pi * a)
    return (1 + a) ** (1 + a) * a ** (-a) * sigma ** 2 * kappa * C * B ** (2 * a) / \
        eps ** (1 + a)
