"""Symbolic geometry of manifolds and their quotients (sympy): dimensions, volumes, Weyl laws.

Deprecated: import from :mod:`weylgain.manifolds` and :mod:`weylgain.geometry`; this module
re-exports their names for one release and emits a ``DeprecationWarning`` on import.

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

# The code lives in weylgain.manifolds (the manifold families, their grammar and formulas) and
# weylgain.geometry (quotients and the risk formulas); this module re-exports its former names
# (the private ones too) for one release, and warns on import: no weylgain module imports it.
from __future__ import annotations

import warnings

from .geometry.continuous import (_continuous_quotient, _moved_coordinates,
                                  _torus_translation_quotient)
from .geometry.dispatch import (MAX_LIE_ROUTE_DIMENSION, _check_lie_route, quotient_geometry,
                                resolve_group)
from .geometry.finite import (_align, _closed_form_reflections, _finite_quotient,
                              _reflection_classes, finite_quotient_geometry)
from .geometry.result import QuotientGeometry
from .geometry.risk import (heuristic_risk, heuristic_samples, risk_exponent, sample_exponent,
                            sample_ratio)
from .manifolds import (Ball, Box, Hemisphere, Manifold, Product, ProjectiveSpace, Sphere, Torus,
                        manifold_grammar, parse_manifold)
from .manifolds._formulas import (_ALPHA, _EPS, _N, _S, _T, _TOL, DEFAULT_MAX_ORDER, LAMBDA,
                                  _nonneg_int, _positive_expr, _volume_arg, ball_volume,
                                  sphere_volume, to_float, weyl_constant, weyl_law)
from .manifolds.base import _fmt, _is_reflection, _no_translation, _signed_perm
from .manifolds.spec import _check_volume_range
from .manifolds.sphere import _sphere_rotation_quotient_unit

warnings.warn("weylgain.symbolic is deprecated; use weylgain.manifolds and weylgain.geometry",
              DeprecationWarning, stacklevel=2)

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
