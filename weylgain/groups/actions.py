"""Action data: what every group reduces to on a manifold with ambient coordinates R^D.

A group object exposes ``action_on(manifold) -> LinearAction | TorusAction``; the exact
counts and the quotient geometry need nothing else from it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["FactorStructure", "LinearAction", "TorusAction"]


def _frozen_array(a: object, dtype: type, ndim: int) -> np.ndarray:
    arr = np.array(a, dtype=dtype, copy=True)
    if arr.ndim != ndim:
        raise ValueError(f"expected a {ndim}-dimensional array; got shape {arr.shape}")
    arr = np.ascontiguousarray(arr)
    arr.setflags(write=False)
    return arr


@dataclass(frozen=True)
class FactorStructure:
    """Hint for fast exact counts on a product of k identical factors (S2^k, T3^k).

    Parameters
    ----------
    copies : int
        Number k of identical factors.
    factor_ambient : int
        Ambient size of one factor (3 for S2, 3 for T3).
    factor_group : str
        Connected part acting diagonally on every factor: "trivial", "SO(2)" (the rotation
        of coordinates (0, 1) of each factor), "SO(3)", or for tori "translations" (T^n
        translating every factor together).
    factor_improper : bool
        True when -I on every factor (diagonally) is in G (O(3) = SO(3) x {+-I}).
    permutations : ndarray of shape (p, k), int64
        Generators of the group permuting the factors, row = images of factor indices
        (p may be 0).
    """

    copies: int
    factor_ambient: int
    factor_group: str
    factor_improper: bool
    permutations: np.ndarray

    def __post_init__(self) -> None:
        perms = np.array(self.permutations, dtype=np.int64, copy=True).reshape(-1, self.copies)
        perms.setflags(write=False)
        object.__setattr__(self, "permutations", perms)

    def to_dict(self) -> dict:
        return {
            "copies": int(self.copies),
            "factor_ambient": int(self.factor_ambient),
            "factor_group": self.factor_group,
            "factor_improper": bool(self.factor_improper),
            "permutations": self.permutations.tolist(),
        }


@dataclass(frozen=True)
class LinearAction:
    """G = closure(exp(span algebra)) . <generators>, acting orthogonally on R^D.

    Parameters
    ----------
    algebra : ndarray of shape (m, D, D), float64
        Skew-symmetric, linearly independent basis of the Lie algebra; m >= 0.
    generators : ndarray of shape (g, D, D), float64
        Orthogonal matrices, each normalizing span(algebra).
    blocks : tuple of int
        Ambient sizes of M's factors in order ((D,) for one sphere).
    rational : bool
        Every entry of algebra and generators is exactly rational (small denominators), so
        exact sympy rank is possible.
    structure : FactorStructure or None
        Set by the product constructors when it applies.
    label : str
        The action used, in words ("diagonal on 3 factors of S2", "on factor 1 of S2^3",
        "linear on R^4"); goes into reports.
    """

    algebra: np.ndarray
    generators: np.ndarray
    blocks: tuple[int, ...]
    rational: bool
    structure: FactorStructure | None = None
    label: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "algebra", _frozen_array(self.algebra, np.float64, 3))
        object.__setattr__(self, "generators", _frozen_array(self.generators, np.float64, 3))
        object.__setattr__(self, "blocks", tuple(int(b) for b in self.blocks))

    @property
    def dim(self) -> int:
        """Ambient dimension D."""
        return int(sum(self.blocks))

    def to_dict(self) -> dict:
        return {
            "kind": "linear",
            "algebra": self.algebra.tolist(),
            "generators": self.generators.tolist(),
            "blocks": list(self.blocks),
            "rational": bool(self.rational),
            "structure": None if self.structure is None else self.structure.to_dict(),
            "label": self.label,
        }


@dataclass(frozen=True)
class TorusAction:
    """Translations of R^D/(L_1 Z x ... x L_D Z) along integer directions + finite affine maps.

    Parameters
    ----------
    directions : ndarray of shape (m, D), int64
        Directions in the lattice basis (fractions of the period).
    linear : ndarray of shape (g, D, D), float64
        Signed permutation matrices (linear parts of the finite generators).
    translation : ndarray of shape (g, D), float64
        Translations of the finite generators, fractions of the period in [0, 1).
    lengths : tuple of float
        Side lengths, (D,).
    blocks : tuple of int
        Torus factor sizes ((3, 3, 3, 3) for T3^4).
    structure : FactorStructure or None
    label : str
    """

    directions: np.ndarray
    linear: np.ndarray
    translation: np.ndarray
    lengths: tuple[float, ...]
    blocks: tuple[int, ...]
    structure: FactorStructure | None = None
    label: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "directions", _frozen_array(self.directions, np.int64, 2))
        object.__setattr__(self, "linear", _frozen_array(self.linear, np.float64, 3))
        object.__setattr__(self, "translation", _frozen_array(self.translation, np.float64, 2))
        object.__setattr__(self, "lengths", tuple(float(x) for x in self.lengths))
        object.__setattr__(self, "blocks", tuple(int(b) for b in self.blocks))

    @property
    def dim(self) -> int:
        """Torus dimension D."""
        return int(sum(self.blocks))

    def to_dict(self) -> dict:
        return {
            "kind": "torus",
            "directions": self.directions.tolist(),
            "linear": self.linear.tolist(),
            "translation": self.translation.tolist(),
            "lengths": list(self.lengths),
            "blocks": list(self.blocks),
            "structure": None if self.structure is None else self.structure.to_dict(),
            "label": self.label,
        }
