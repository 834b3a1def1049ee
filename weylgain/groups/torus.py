"""Subtori of flat tori: :class:`TorusGroup` and :func:`subtorus`.

T^D = R^D / (L_1 Z x ... x L_D Z). A subtorus is given by integer direction vectors v_a in
the lattice basis (fractions of the periods): it translates x by sum_a s_a v_a * L (s in
R^m), a closed subtorus because the directions are rational. Finite affine generators
(signed permutations and translations as fractions of the period) may be added; they must
normalize the subtorus (A v_a in the span of the directions).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..errors import GroupDefinitionError
from .actions import FactorStructure, TorusAction, torus_action
from .finite import AffineMap

__all__ = ["TorusGroup", "subtorus"]


def _as_affine(g: Any, D: int, i: int) -> AffineMap:
    if isinstance(g, AffineMap):
        m = g
    elif isinstance(g, dict):
        if "linear" not in g:
            raise GroupDefinitionError(
                f"affine generator {i} needs a 'linear' entry (a signed permutation "
                "matrix) and optionally 'translation' (fractions of the period)")
        m = AffineMap(np.asarray(g["linear"], dtype=np.float64),
                      np.mod(np.asarray(g.get("translation", np.zeros(D)), dtype=np.float64), 1.0))
    else:
        raise GroupDefinitionError(
            f"affine generator {i} must be an AffineMap or a dict with 'linear' and "
            f"'translation'; got {type(g).__name__}")
    if m.dim != D:
        raise GroupDefinitionError(
            f"affine generator {i} acts on R^{m.dim} but the torus is T^{D}")
    if not m.is_signed_permutation:
        raise GroupDefinitionError(
            f"affine generator {i}: the linear part is not a signed permutation "
            "matrix, so it is not an isometry of the flat torus")
    return m


@dataclass(frozen=True, eq=False)
class TorusGroup:
    """Translations along integer directions of T^D, with finite affine generators.

    Parameters
    ----------
    name : str
    directions : ndarray of shape (m, D), int64
        Linearly independent integer vectors in the lattice basis.
    generators : tuple of AffineMap
        Signed permutations with translations (fractions of the period).
    description, label : str
    structure : FactorStructure or None
    """

    name: str
    directions: np.ndarray
    generators: tuple = ()
    description: str = ""
    structure: FactorStructure | None = None
    label: str = ""
    _cache: dict = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        try:
            raw = np.asarray(self.directions)
        except (TypeError, ValueError) as exc:
            raise GroupDefinitionError("subtorus directions must be integer vectors") from exc
        try:
            v = np.array(raw, dtype=np.float64)
        except (TypeError, ValueError) as exc:
            raise GroupDefinitionError("subtorus directions must be integer vectors") from exc
        if v.ndim == 1:
            v = v[None]
        if v.ndim != 2 or v.shape[1] < 1:
            raise GroupDefinitionError(
                f"subtorus directions must have shape (m, D); got shape {v.shape}")
        if not np.all(np.isfinite(v)) or np.any(np.abs(v - np.round(v)) > 1e-12):
            bad = [row.tolist() for row in v if np.any(np.abs(row - np.round(row)) > 1e-12)]
            raise GroupDefinitionError(
                f"subtorus directions must be integer vectors in the lattice basis (fractions of "
                f"the periods); got {bad}. A direction with irrational ratios winds densely and "
                "its closure is a larger torus: give integer directions")
        V = np.round(v).astype(np.int64)
        D = V.shape[1]
        if V.shape[0] and np.linalg.matrix_rank(V.astype(np.float64)) < V.shape[0]:
            raise GroupDefinitionError(
                f"subtorus directions {V.tolist()} are linearly dependent (or zero); "
                "give independent directions")
        gens = tuple(_as_affine(g, D, i) for i, g in enumerate(self.generators))
        for i, g in enumerate(gens):
            for a, d in enumerate(V):
                img = g.linear @ d
                if V.shape[0] == 0 or np.linalg.matrix_rank(np.vstack([V, img])) > V.shape[0]:
                    raise GroupDefinitionError(
                        f"affine generator {i} maps direction {a} ({d.tolist()}) to "
                        f"{np.round(img).astype(int).tolist()}, outside the span of "
                        "the directions: it does not normalize the subtorus")
        V.setflags(write=False)
        object.__setattr__(self, "directions", V)
        object.__setattr__(self, "generators", gens)

    @property
    def dim(self) -> int:
        return int(self.directions.shape[1])

    @property
    def lie_dimension(self) -> int:
        return int(self.directions.shape[0])

    @property
    def is_abelian(self) -> bool:
        return True

    @property
    def order(self) -> float:
        return math.inf

    def generator_arrays(self) -> tuple[np.ndarray, np.ndarray]:
        D = self.dim
        if not self.generators:
            return np.zeros((0, D, D)), np.zeros((0, D))
        return (np.stack([g.linear for g in self.generators]),
                np.stack([g.translation for g in self.generators]))

    def action_on(self, manifold: Any) -> TorusAction:
        """The action data on a flat torus (or a product of tori) of :mod:`weylgain.manifolds`."""
        lin, tr = self.generator_arrays()
        return torus_action(manifold, self.directions, lin, tr, self.structure, self.label,
                            self.name)

    def quotient_geometry(self, manifold: Any) -> Any:
        """d_G and vol(M/G) in closed form.

        Deprecated: M/G has its home in :mod:`weylgain.geometry`; use
        ``weylgain.geometry.quotient_geometry(manifold, group)`` (same answer). This method
        emits a ``DeprecationWarning`` and will be removed in the next release.
        """
        from .lie import _deprecated_quotient_geometry

        return _deprecated_quotient_geometry(manifold, self)

    def with_label(self, label: str, structure: FactorStructure | None = None) -> "TorusGroup":
        return TorusGroup(self.name, self.directions, self.generators, self.description,
                          structure if structure is not None else self.structure, label)

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": "torus",
            "name": self.name,
            "description": self.description,
            "dim": self.dim,
            "translations": self.directions.tolist(),
            "generators": [g.to_dict() for g in self.generators],
            "label": self.label,
            "structure": None if self.structure is None else self.structure.to_dict(),
        }

    def __repr__(self) -> str:
        return (f"<TorusGroup {self.name!r} on T^{self.dim}: directions "
                f"{self.directions.tolist()}, {len(self.generators)} affine generators>")


def subtorus(directions: Any, generators: Any = None, name: str | None = None,
             description: str = "") -> TorusGroup:
    """The subtorus of T^D along integer directions, with optional affine generators.

    Parameters
    ----------
    directions : array_like of shape (m, D)
        Integer vectors in the lattice basis (fractions of the periods), independent.
    generators : sequence of AffineMap or dict, optional
        Finite affine generators: {"linear": signed permutation (D, D), "translation": (D,)
        fractions of the period}.
    name : str, optional

    Raises
    ------
    GroupError
        Non-integer or dependent directions, a generator that is not a torus isometry or does
        not normalize the subtorus.
    """
    if generators is not None and (isinstance(generators, (str, bytes, dict))
                                   or not hasattr(generators, "__iter__")):
        raise GroupDefinitionError(
            f"generators must be a sequence of AffineMaps or dicts with 'linear' "
            f"and 'translation'; got {generators!r}")
    gens = () if generators is None else tuple(generators)
    return TorusGroup(name or "subtorus", directions, gens, description)
