"""Symmetry groups: finite groups of affine isometries and compact continuous groups.

Submodules: :mod:`~weylgain.groups.finite` (AffineMap, FiniteGroup, from_generators),
:mod:`~weylgain.groups.continuous` (the named continuous families, and
:func:`as_catalogue`, which recognises a Lie group or subtorus equal to one of them),
:mod:`~weylgain.groups.catalogue` (the specification strings of :func:`named`) and
:mod:`~weylgain.groups.actions` (the action data every group reduces to on a manifold),
:mod:`~weylgain.groups.lie` (compact groups from a Lie algebra), :mod:`~weylgain.groups.torus`
(subtori), :mod:`~weylgain.groups.product` (diagonal, one-factor, permutation and combined
actions on products), :mod:`~weylgain.groups.serialize` (dictionaries and group files) and
:mod:`~weylgain.groups.geometry` (d_G and vol(M/G) of these groups).

A finite group is stored by its generators only. Its order comes in closed form for the
catalogue families (so the symmetric group S_10, order 3,628,800, is never enumerated) and
otherwise from a closure (breadth-first products with the generators) capped at
``max_order`` elements. The specification grammar is documented in
:mod:`weylgain.groups.catalogue` and listed by :func:`catalogue`.
"""

from .actions import FactorStructure, LinearAction, TorusAction
from .catalogue import catalogue, named, resolve
from .continuous import CONTINUOUS_FAMILIES, ContinuousGroup, as_catalogue
from .finite import DEFAULT_MAX_ORDER, AffineMap, FiniteGroup, from_generators
from .lie import LieGroup, lie_group
from .product import combine, diagonal, on_factor, permute_factors
from .serialize import group_from_dict, group_to_dict, load_group_file
from .torus import TorusGroup, subtorus

__all__ = [
    "AffineMap",
    "FiniteGroup",
    "ContinuousGroup",
    "as_catalogue",
    "from_generators",
    "named",
    "catalogue",
    "FactorStructure",
    "LinearAction",
    "TorusAction",
    "CONTINUOUS_FAMILIES",
    "DEFAULT_MAX_ORDER",
    "LieGroup",
    "lie_group",
    "TorusGroup",
    "subtorus",
    "diagonal",
    "on_factor",
    "permute_factors",
    "combine",
    "resolve",
    "group_from_dict",
    "group_to_dict",
    "load_group_file",
]
