"""Risk and sample-complexity formulas of kernel ridge regression on M and on M/G."""

from __future__ import annotations

from typing import Any

import sympy as sp

from ..manifolds._formulas import _EPS, _S, _volume_arg, weyl_constant


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
