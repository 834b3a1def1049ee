"""The manifold families: one class per family, one spec grammar for the whole package.

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
factors (``S2^3`` = ``S2xS2xS2``). Volumes are exact sympy expressions; this subpackage
imports sympy, so the counter and the mesh layer never import it.
"""

from __future__ import annotations

from ._formulas import LAMBDA, ball_volume, sphere_volume, to_float, weyl_constant, weyl_law
from .ball import Ball
from .base import Manifold, SpectrumModel
from .box import Box
from .hemisphere import Hemisphere
from .product import Product
from .projective import ProjectiveSpace
from .spec import manifold_grammar, parse_manifold
from .sphere import Sphere
from .torus import Torus

__all__ = [
    "Manifold",
    "Sphere",
    "ProjectiveSpace",
    "Hemisphere",
    "Ball",
    "Torus",
    "Box",
    "Product",
    "parse_manifold",
    "manifold_grammar",
    "SpectrumModel",
    "LAMBDA",
    "ball_volume",
    "sphere_volume",
    "weyl_constant",
    "weyl_law",
    "to_float",
]
