"""Bounds of spec strings: the bounded number grammar and the largest sizes weylgain builds.

A spec string is read, never evaluated: the numbers in ``S2(2*pi)`` or ``T2(1/2, sqrt(2))``
come from a small grammar whose size is bounded before any arithmetic is done, and every size
a spec names (a dimension, a group's degree, a number of factors) is compared with the limits
below before anything is built. So ``S2(9**9**9)``, ``S2(1+1+...+1)`` or ``T100000`` are
refused in microseconds instead of running for hours or exhausting memory.

The number grammar (whitespace ignored)::

    number  := term (('+' | '-') term)*
    term    := factor (('*' | '/') factor)*
    factor  := ['-' | '+'] atom
    atom    := LITERAL | 'pi' | 'e' | 'sqrt(' number ')' | '(' number ')'
    LITERAL := digits with an optional decimal point and an optional exponent (2, 0.5, 1e-3)

with at most :data:`MAX_NUMBER_TOKENS` tokens, parentheses and ``sqrt`` nested at most
:data:`MAX_NUMBER_NESTING` deep, and literals of at most :data:`MAX_LITERAL_DIGITS` digits
and an exponent of at most three digits. There are no powers (``**``, ``^``): a power is
how a short text names a number of unbounded size. The value is exact (a sympy expression
such as ``2*pi`` or ``sqrt(2)/2``).

Limits (and why):

* :data:`MIN_LENGTH`, :data:`MAX_LENGTH` = 1e-150, 1e150: a radius or side length r.
  Eigenvalues scale like 1/r^2 and the exact counts work with lam r^2, so r^2 and 1/r^2
  must be normal doubles.
* :data:`MAX_DIMENSION` = 100: the dimension of a manifold (a factor or a product). The
  volume of the unit sphere S^d falls below 1e-300 at d ~ 380 and (2 pi)^d, the volume of
  the default torus, passes 1e300 at d ~ 375, so volumes, quotient volumes and Weyl
  constants of dimension 100 stay well inside the range of a double even after a division
  by a group order of 100! (1e158); the exact counts enumerate lam^(d/2) eigenvalues and
  are limited far below it.
* :data:`MAX_AMBIENT_DIMENSION` = 200: the coordinates of a manifold (``S1^100`` has 200)
  and the size D of the D x D matrices of a group. A group is stored by dense generator
  matrices whose orthogonality check costs D^3 each: ``signs200`` (200 generators of
  200 x 200) takes about 5 s and 200 MiB; ``signs300`` 8 s and 670 MiB, ``signs3000``
  would take 200 GiB.
* :data:`MAX_CYCLIC_ORDER` = 1,000,000: n in C<n>, D<n>, Z<n>. The rotation by 2 pi / n is
  a double; group elements are enumerated (at most 200,000 by default) to find
  reflections and kernels.
* :data:`MAX_SPEC_LENGTH` = 1000 characters of a manifold or group spec.
"""

from __future__ import annotations

import re
from typing import Any

from .errors import SpecError

__all__ = [
    "MAX_SPEC_LENGTH",
    "MAX_NUMBER_TOKENS",
    "MAX_NUMBER_NESTING",
    "MAX_LITERAL_DIGITS",
    "MIN_LENGTH",
    "MAX_LENGTH",
    "MAX_DIMENSION",
    "MAX_AMBIENT_DIMENSION",
    "MAX_CYCLIC_ORDER",
    "MAX_INTEGER_DIGITS",
    "parse_bounded_number",
    "bounded_int",
    "check_spec_length",
    "check_length_value",
]

MAX_SPEC_LENGTH = 1000
MAX_NUMBER_TOKENS = 40
MAX_NUMBER_NESTING = 4
MAX_LITERAL_DIGITS = 20
MIN_LENGTH = 1e-150
MAX_LENGTH = 1e150
MAX_DIMENSION = 100
MAX_AMBIENT_DIMENSION = 200
MAX_CYCLIC_ORDER = 1_000_000
# integers in specs (dimensions, orders, powers, axes) are read only when they have at most
# this many digits: int() of a 5000-digit string raises, and every limit above is below 1e7
MAX_INTEGER_DIGITS = 7

_TOKEN = re.compile(
    r"\s*(?:(?P<num>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)|(?P<name>[A-Za-z_]\w*)"
    r"|(?P<op>\*\*|[-+*/()^,]))")

_GRAMMAR_HINT = ("numbers are decimals (2, 0.5, 1e-3), pi, e, sqrt(...) and + - * / of "
                 "them, e.g. 2, 1/2, 2*pi, sqrt(2)")


def check_spec_length(spec: str, what: str) -> None:
    """Refuse a spec string longer than :data:`MAX_SPEC_LENGTH` characters."""
    if len(spec) > MAX_SPEC_LENGTH:
        raise SpecError(f"the {what} spec is {len(spec)} characters long; specs are limited to "
                        f"{MAX_SPEC_LENGTH} characters (give a shorter spec: S2^3 rather "
                        "than S2xS2xS2, a number such as 7 rather than 1+1+...)")


def bounded_int(digits: str, what: str, limit: int, spec: str, minimum: int = 0) -> int:
    """An integer written in a spec, at least ``minimum`` and at most ``limit``.

    The digit string is measured before it is converted, so a number of thousands of digits
    is refused without being read.
    """
    text = digits.lstrip("0") or "0"
    if len(text) > MAX_INTEGER_DIGITS or int(text) > limit:
        shown = text if len(text) <= 12 else f"{text[:6]}...({len(text)} digits)"
        raise SpecError(f"{spec!r}: the {what} {shown} exceeds the largest supported, {limit:,}"
                        f"{_LIMIT_REASON.get(what, '')}")
    value = int(text)
    if value < minimum:
        raise SpecError(f"{spec!r}: the {what} must be at least {minimum}; got {value}")
    return value


_LIMIT_REASON = {
    "dimension": (" (volumes and Weyl constants of higher dimensions leave the range of a "
                  "double, and no exact or mesh route reaches them)"),
    "power": " (the product would exceed the largest supported dimension)",
    "degree": (" (the group is stored as dense D x D generator matrices, each checked in "
               "D^3 operations)"),
    "order": " (the rotation 2*pi/n must stay distinct from the identity in a double)",
    "axis": " (group matrices are limited to 200 coordinates)",
    "number of factors": " (the group is stored as dense matrices on all coordinates)",
}


class _Reader:
    """Recursive-descent reader of one number (see the module docstring)."""

    def __init__(self, tokens: list[tuple[str, str]], text: str, spec: str, what: str) -> None:
        self.tokens = tokens
        self.pos = 0
        self.text = text
        self.spec = spec
        self.what = what

    def error(self, why: str) -> SpecError:
        return SpecError(f"cannot read the {self.what} {self.text!r} in spec {self.spec!r}: "
                         f"{why}; {_GRAMMAR_HINT}")

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self) -> tuple[str, str]:
        tok = self.peek()
        if tok is None:
            raise self.error("it ends too early")
        self.pos += 1
        return tok

    def expect(self, value: str) -> None:
        tok = self.take()
        if tok[1] != value:
            raise self.error(f"expected {value!r}, found {tok[1]!r}")

    def number(self, depth: int) -> Any:
        value = self.term(depth)
        while (tok := self.peek()) is not None and tok[1] in "+-":
            self.take()
            rhs = self.term(depth)
            value = value + rhs if tok[1] == "+" else value - rhs
        return value

    def term(self, depth: int) -> Any:
        value = self.factor(depth)
        while (tok := self.peek()) is not None and tok[1] in ("*", "/"):
            self.take()
            rhs = self.factor(depth)
            value = value * rhs if tok[1] == "*" else value / rhs
        return value

    def factor(self, depth: int) -> Any:
        tok = self.peek()
        if tok is not None and tok[1] in "+-":
            self.take()
            inner = self.atom(depth)
            return -inner if tok[1] == "-" else inner
        return self.atom(depth)

    def atom(self, depth: int) -> Any:
        import sympy as sp

        kind, value = self.take()
        if kind == "num":
            return _literal(value, self)
        if kind == "name":
            low = value.lower()
            if low == "pi":
                return sp.pi
            if low == "e":
                return sp.E
            if low == "sqrt":
                if depth >= MAX_NUMBER_NESTING:
                    raise self.error(f"sqrt and parentheses nest at most {MAX_NUMBER_NESTING} "
                                     "deep")
                if (nxt := self.peek()) is None or nxt[1] != "(":
                    raise self.error("sqrt needs its argument in parentheses, e.g. sqrt(2)")
                self.take()
                inner = self.number(depth + 1)
                self.expect(")")
                return sp.sqrt(inner)
            raise self.error(f"unknown name {value!r}")
        if value == "(":
            if depth >= MAX_NUMBER_NESTING:
                raise self.error(f"parentheses nest at most {MAX_NUMBER_NESTING} deep")
            inner = self.number(depth + 1)
            self.expect(")")
            return inner
        if value in ("**", "^"):
            raise self.error("powers are not accepted (a short power can name a number of "
                             "unbounded size); write the value, or use sqrt(...)")
        raise self.error(f"unexpected {value!r}")


def _literal(text: str, reader: _Reader) -> Any:
    import sympy as sp

    mantissa, _, exponent = text.lower().partition("e")
    digits = mantissa.replace(".", "").lstrip("0")
    if len(digits) > MAX_LITERAL_DIGITS:
        raise reader.error(f"the literal {text!r} has more than {MAX_LITERAL_DIGITS} digits "
                           "(a double holds 17)")
    exp_digits = exponent.lstrip("+-").lstrip("0")
    if len(exp_digits) > 3:
        raise reader.error(f"the exponent of {text!r} is beyond any double")
    # exact: 0.1 is 1/10, 1e-3 is 1/1000 (bounded: at most 20 digits and |exponent| < 1000)
    value = sp.Rational(mantissa)
    if exponent:
        value = value * sp.Integer(10) ** int(exponent)
    return value


def parse_bounded_number(text: str, spec: str, what: str = "number") -> Any:
    """Read one number of a spec (``2``, ``1/2``, ``2*pi``, ``sqrt(2)``) as an exact sympy value.

    Parameters
    ----------
    text : str
        The number as written.
    spec : str
        The whole spec (for the message).
    what : str
        What the number is (``"radius"``, ``"side length"``), for the message.

    Returns
    -------
    sympy.Expr
        A real number (not checked for sign or range: see :func:`check_length_value`).

    Raises
    ------
    SpecError
        Not of the grammar, more than :data:`MAX_NUMBER_TOKENS` tokens, nested deeper than
        :data:`MAX_NUMBER_NESTING`, a power, a literal of too many digits.
    """
    if not isinstance(text, str):
        raise SpecError(f"the {what} in spec {spec!r} must be a string; got {type(text).__name__}")
    body = text.strip()
    if not body:
        raise SpecError(f"an empty {what} in spec {spec!r}; {_GRAMMAR_HINT}")
    if len(body) > 4 * MAX_NUMBER_TOKENS * MAX_LITERAL_DIGITS:
        raise SpecError(f"the {what} in spec {spec!r} is {len(body)} characters long; write "
                        f"it in at most {MAX_NUMBER_TOKENS} tokens; {_GRAMMAR_HINT}")
    tokens: list[tuple[str, str]] = []
    pos = 0
    while pos < len(body):
        m = _TOKEN.match(body, pos)
        if m is None or m.end() == pos:
            rest = body[pos:].strip()
            if not rest:
                break
            raise SpecError(f"cannot read the {what} {body!r} in spec {spec!r}: unexpected "
                            f"{rest[:10]!r}; {_GRAMMAR_HINT}")
        kind = m.lastgroup or "op"
        tokens.append((kind, m.group(kind)))
        if len(tokens) > MAX_NUMBER_TOKENS:
            raise SpecError(f"the {what} {body[:40]!r}... in spec {spec!r} has more than "
                            f"{MAX_NUMBER_TOKENS} tokens; write the value itself; "
                            + _GRAMMAR_HINT)
        pos = m.end()
    reader = _Reader(tokens, body, spec, what)
    if any(v in ("**", "^") for _, v in tokens):
        raise reader.error("powers are not accepted (a short power such as 9**9**9 names a "
                           "number of unbounded size); write the value, or use sqrt(...)")
    value = reader.number(0)
    if reader.pos != len(tokens):
        raise reader.error(f"unexpected {tokens[reader.pos][1]!r}")
    return value


def check_length_value(value: Any, what: str, given: Any, spec: str | None = None) -> Any:
    """Refuse a numeric radius or length that is not a finite real in [MIN_LENGTH, MAX_LENGTH].

    Symbolic values (a sympy Symbol) are returned unchanged.
    """
    import sympy as sp

    where = f" in spec {spec!r}" if spec else ""
    if not getattr(value, "is_number", False):
        return value
    if value.is_real is False or value.has(sp.zoo, sp.nan, sp.oo, -sp.oo):
        raise SpecError(f"the {what} {given!r}{where} is not a finite real number; give a "
                        f"{what} between {MIN_LENGTH:g} and {MAX_LENGTH:g}")
    approx = sp.N(value, 20)  # arbitrary exponent range: 1e400 is evaluated, not overflowed
    if not approx.is_real or not approx.is_finite:
        raise SpecError(f"the {what} {given!r}{where} is not a finite real number; give a "
                        f"{what} between {MIN_LENGTH:g} and {MAX_LENGTH:g}")
    if not approx > 0:
        raise SpecError(f"the {what} {given!r}{where} must be positive; give a {what} between "
                        f"{MIN_LENGTH:g} and {MAX_LENGTH:g}")
    if approx > MAX_LENGTH or approx < MIN_LENGTH:
        double = "is not a finite double" if approx > 1.7e308 or approx < 2.3e-308 else \
            "is out of range"
        raise SpecError(
            f"the {what} {given!r}{where} (= {sp.N(approx, 4)}) {double}; give a {what} between "
            f"{MIN_LENGTH:g} and {MAX_LENGTH:g} (eigenvalues scale like 1/{what}^2, which must "
            "be a normal double)")
    return value
