"""The manifold spec grammar: one parser for the whole package."""

from __future__ import annotations

import re
from typing import Any

import sympy as sp

from .. import _spec_bounds as _bounds
from ..errors import SpecError
from .ball import Ball
from .base import Manifold
from .box import Box, IntervalSpec
from .hemisphere import Hemisphere
from .product import Product
from .projective import ProjectiveSpace
from .sphere import Sphere
from .torus import Torus

# The families of the spec grammar, in the order of manifold_grammar(): the prefix of a
# factor and the class that reads it (SPEC row, SPEC_NUMBER, from_spec, optional
# spec_digits). A new family is one file and one line here.
FAMILIES: dict[str, Any] = {
    "S": Sphere,
    "T": Torus,
    "RP": ProjectiveSpace,
    "B": Ball,
    "H": Hemisphere,
    "Q": Box,
    "I": IntervalSpec,
}


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


# S2, S^2 (an optional caret before the dimension), S2(3), and powers S2^3 = S2xS2xS2; the
# longest prefixes first, so that RP is tried before S
_PREFIXES = "|".join(sorted(FAMILIES, key=len, reverse=True))
_FACTOR = re.compile(r"^(" + _PREFIXES + r")\^?(\d*)(?:\((.*?)\))?(?:\^(\d+))?$", re.IGNORECASE)

_GRAMMAR = [family.SPEC[1:] for family in FAMILIES.values()] + [
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
        family = FAMILIES[kind]
        if hasattr(family, "spec_digits"):  # a family of fixed dimension (the interval)
            digits = family.spec_digits(digits)
        if not digits:
            raise SpecError(f"{part!r} needs a dimension, e.g. {kind}2; " + _grammar_hint())
        d = _bounds.bounded_int(digits, "dimension", _bounds.MAX_DIMENSION, spec)
        if args is not None and args.count(",") >= _bounds.MAX_DIMENSION:
            raise SpecError(f"{part!r}: more side lengths than the largest supported "
                            f"dimension, {_bounds.MAX_DIMENSION}")
        vals = [] if args is None else [_parse_number(a, spec, family.SPEC_NUMBER)
                                        for a in args.split(",")]
        factors.append(family.from_spec(d, vals, part))
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
