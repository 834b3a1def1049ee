"""Action data: what every group reduces to on a manifold with ambient coordinates R^D.

A group object exposes ``action_on(manifold) -> LinearAction | TorusAction``; the exact
counts and the quotient geometry need nothing else from it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ..errors import ActionError, GroupDefinitionError

__all__ = ["FactorStructure", "LinearAction", "TorusAction", "linear_action", "torus_action"]


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

    def generic_orbit_dimension(self, n_points: int = 3, seed: int = 0) -> int:
        """Dimension of a generic orbit of the identity component: the generic rank of the
        tangent vectors ``X_1 x, ..., X_m x``.

        The rank is taken at ``n_points`` random Gaussian points x of R^D (the largest
        value; the rank is lower only on a measure-zero set) by singular values judged
        against ``|X_a| |x|`` (zero below 1e-11, nonzero above 1e-7, relative). On a
        sphere, a ball or a product of spheres (the algebra is block diagonal, so it
        commutes with rescaling each block) this is the orbit dimension at a generic point
        of M, and ``dim M/G = dim M - generic_orbit_dimension()``.

        Returns
        -------
        int
            Between 0 and min(m, D - 1).

        Raises
        ------
        UnsupportedError
            Singular values without a clear gap (the rank is not decided in floating point).
        """
        from ..errors import UnsupportedError

        m, D = int(self.algebra.shape[0]), self.dim
        if m == 0:
            return 0
        rng = np.random.default_rng(seed)
        norms = np.linalg.norm(self.algebra.reshape(m, -1), axis=1)
        best, unclear = -1, None
        for _ in range(max(int(n_points), 1)):
            x = rng.standard_normal(D)
            T = np.einsum("aij,j->ia", self.algebra, x) / (norms * np.linalg.norm(x))
            s = np.linalg.svd(T, compute_uv=False)
            if np.any((s > 1e-11) & (s < 1e-7)):
                unclear = s  # rounding noise ~1e-16, a generic tangent vector ~1
                continue
            best = max(best, int(np.count_nonzero(s >= 1e-7)))
        if best < 0:
            raise UnsupportedError(
                f"the tangent vectors of the orbit at random points have singular values "
                f"{np.array2string(unclear, precision=2)} with no clear gap between zero and "
                "nonzero: the orbit dimension is not decided in floating point")
        return best

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

    def generic_orbit_dimension(self) -> int:
        """Dimension of every orbit of the translations: the rank of the directions (exact,
        integer vectors); ``dim M/G = D - generic_orbit_dimension()``."""
        if self.directions.shape[0] == 0:
            return 0
        import sympy as sp

        return int(sp.Matrix(self.directions.tolist()).rank())

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


# ====================================================================== actions on a manifold
# The manifold is asked through its protocol (linear_blocks, halfspace_axis, torus_lengths,
# check_map), so the group layer names no manifold family.
def _is_manifold(obj: Any) -> bool:
    """True for an object of the manifold protocol (:class:`weylgain.manifolds.Manifold`)."""
    return hasattr(obj, "factors") and callable(getattr(obj, "torus_lengths", None)) and \
        callable(getattr(obj, "linear_blocks", None))


def _require_manifold(manifold: Any) -> None:
    if not _is_manifold(manifold):
        raise GroupDefinitionError(f"action_on needs a weylgain.symbolic Manifold; got "
                         f"{type(manifold).__name__}")


def _linear_blocks(manifold: Any, D: int, name: str) -> tuple[int, ...]:
    _require_manifold(manifold)
    if manifold.ambient_dim != D:
        raise ActionError(f"group {name!r} acts on R^{D} but {manifold.name} lives in "
                         f"R^{manifold.ambient_dim}; use weylgain.groups.resolve(group, manifold) "
                         "to act diagonally on identical factors or on one factor")
    blocks = manifold.linear_blocks()
    if blocks is None:
        factors = manifold.factors
        # the first factor no orthogonal group acts on (on a product: the first non-sphere)
        bad = next((f for f in factors
                    if (f.linear_blocks() if len(factors) == 1 else f.sphere_radius()) is None),
                   factors[0])
        raise ActionError(f"a linear (orthogonal) group acts on spheres, RP^d, balls and "
                         f"products of spheres; not on {manifold.name} (factor {bad.name})")
    return tuple(int(b) for b in blocks)


def _check_blocks(manifold: Any, blocks: tuple[int, ...], algebra: np.ndarray,
                  generators: np.ndarray, name: str) -> None:
    if len(blocks) == 1:
        if manifold.halfspace_axis() is not None:
            D = blocks[0]
            mats = list(algebra) + [F - np.eye(D) for F in generators]
            if any(np.abs(X[-1, :-1]).max(initial=0.0) > 1e-9 for X in mats) or any(
                    F[-1, -1] < 1 - 1e-9 for F in generators):
                raise ActionError(f"group {name!r} moves the last axis, so it does not preserve "
                                 f"the hemisphere {manifold.name}")
        return
    off = np.concatenate([[0], np.cumsum(blocks)])
    for a, X in enumerate(algebra):
        for i in range(len(blocks)):
            for j in range(len(blocks)):
                if i != j and np.abs(X[off[i]:off[i + 1], off[j]:off[j + 1]]).max() > 1e-9:
                    raise ActionError(
                        f"group {name!r}: Lie algebra matrix {a} mixes factors {j + 1} "
                        f"and {i + 1} of {manifold.name}; on a product the algebra "
                        "must be block diagonal (act on each factor)")
    for g, F in enumerate(generators):
        why = manifold.check_map(F, np.zeros(F.shape[0]))
        if why:
            raise ActionError(
                f"group {name!r}: generator {g} does not act on {manifold.name}: {why}")


def linear_action(manifold: Any, algebra: np.ndarray, generators: np.ndarray, rational: bool,
                  structure: FactorStructure | None, label: str, name: str) -> LinearAction:
    """The action data of an orthogonal group on a manifold of :mod:`weylgain.manifolds`.

    Parameters
    ----------
    manifold : Manifold
        A sphere, RP^d, ball or hemisphere in R^D, or a product of spheres whose blocks the
        algebra preserves (block diagonal) and the generators permute.
    algebra : ndarray of shape (m, D, D)
        Lie algebra basis (m may be 0: a finite group).
    generators : ndarray of shape (g, D, D)
        The finite part.
    rational : bool
        Every entry of algebra and generators is a small fraction.
    structure : FactorStructure or None
    label : str
        The action in words; empty for the default "linear on R^D".
    name : str
        The group's name, for messages.

    Returns
    -------
    LinearAction

    Raises
    ------
    ActionError
        Not a manifold, another ambient dimension, a manifold no orthogonal group acts on,
        an algebra that mixes factors, or a generator that does not map M to itself.
    """
    D = int(algebra.shape[1])
    blocks = _linear_blocks(manifold, D, name)
    _check_blocks(manifold, blocks, algebra, generators, name)
    return LinearAction(algebra, generators, blocks, rational, structure,
                        label or f"linear on R^{D}")


def torus_action(manifold: Any, directions: np.ndarray, linear: np.ndarray,
                 translation: np.ndarray, structure: FactorStructure | None, label: str,
                 name: str) -> TorusAction:
    """The action data of translations and affine maps on a flat torus (or a product of tori).

    Parameters
    ----------
    manifold : Manifold
        A flat torus or a product of flat tori (``manifold.torus_lengths()`` is not None).
    directions : ndarray of shape (m, D), int64
        Translation directions in the lattice basis (m may be 0).
    linear, translation : ndarray of shapes (g, D, D) and (g, D)
        The affine generators (signed permutations, fractions of the period).
    structure : FactorStructure or None
    label : str
        The action in words; empty for the default "translations along ...".
    name : str
        The group's name, for messages.

    Returns
    -------
    TorusAction

    Raises
    ------
    ActionError
        Not a manifold, not a flat torus, another dimension, or a generator that is not an
        isometry of this torus.
    """
    _require_manifold(manifold)
    lengths = manifold.torus_lengths()
    if lengths is None:
        raise ActionError(f"a subtorus acts on flat tori; {manifold.name} is not one")
    D = int(directions.shape[1])
    if manifold.ambient_dim != D:
        raise ActionError(f"group {name!r} acts on T^{D} but {manifold.name} has "
                         f"dimension {manifold.ambient_dim}; use weylgain.groups.resolve")
    for i in range(linear.shape[0]):
        why = manifold.check_map(linear[i], translation[i])
        if why:
            raise ActionError(f"group {name!r}: generator {i} does not act on "
                             f"{manifold.name}: {why}")
    blocks = tuple(f.dim for f in manifold.factors)
    return TorusAction(directions, linear, translation, tuple(float(L) for L in lengths), blocks,
                       structure, label or f"translations along {directions.tolist()}")
