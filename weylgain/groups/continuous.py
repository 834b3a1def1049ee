"""The named continuous families (rotations about an axis, axis stabilizers, SO(n), the
Hopf circle, torus translations): :class:`ContinuousGroup`."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..errors import GroupError

__all__ = ["ContinuousGroup", "CONTINUOUS_FAMILIES"]


# ====================================================================== ContinuousGroup
# the largest SO(n) whose matrix Lie algebra (n(n-1)/2 matrices) is built and validated:
# LieGroup checks every commutator, about n^7 work (measured 2 s at n = 11, 25 s at n = 14)
MAX_MATRIX_ROTATION = 12

CONTINUOUS_FAMILIES = ("axis_rotation", "axis_stabilizer", "rotation", "torus_translation", "hopf")


@dataclass(frozen=True)
class ContinuousGroup:
    """A compact Lie group acting by isometries, described by its family.

    Parameters
    ----------
    name : str
        "SO(2)", "SO(3)", "SO(n)", "hopf", "T1", ...
    family : str
        "axis_rotation" (SO(2) rotating ``coordinates`` (two of them), fixing ``axis``),
        "axis_stabilizer" (SO(D-1) fixing coordinate ``axis`` of R^D), "rotation" (SO(D),
        transitive on S^{D-1}), "torus_translation" (translations of ``coordinates`` of a
        torus), "hopf" (U(1) acting on C^2 = R^4 by e^{it}(z1, z2)).
    lie_dimension : int
        Dimension of the group.
    dim : int
        Dimension D of the space acted on.
    axis : int or None
        Fixed axis (axis_rotation, axis_stabilizer).
    coordinates : tuple of int or None
        Moved coordinates (axis_rotation, torus_translation).
    """

    name: str
    family: str
    lie_dimension: int
    dim: int
    axis: int | None = None
    coordinates: tuple[int, ...] | None = None
    description: str = ""

    def __post_init__(self) -> None:
        if self.family not in CONTINUOUS_FAMILIES:
            raise GroupError(
                f"unknown continuous family {self.family!r}; expected one of {CONTINUOUS_FAMILIES}"
            )

    @property
    def order(self) -> float:
        """Infinite (a positive-dimensional group)."""
        return math.inf

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": "continuous",
            "name": self.name,
            "family": self.family,
            "description": self.description,
            "lie_dimension": int(self.lie_dimension),
            "dim": int(self.dim),
            "axis": self.axis,
            "coordinates": None if self.coordinates is None else list(self.coordinates),
        }

    # ---------------------------------------------------------------- as a Lie group
    def lie_algebra(self) -> np.ndarray:
        """A basis of the Lie algebra as skew matrices, shape (lie_dimension, dim, dim).

        axis_rotation: the rotation from coordinate ``coordinates[0]`` towards
        ``coordinates[1]``; axis_stabilizer and rotation: E_ij = e_j e_i^T - e_i e_j^T
        (i < j) on the moved coordinates; hopf: the complex structure of C^2 = R^4
        ((x1, y1, x2, y2) with z_k = x_k + i y_k). Torus translations have no matrix algebra
        (see :meth:`to_group`).
        """
        D = self.dim

        def rot(i: int, j: int) -> np.ndarray:
            X = np.zeros((D, D))
            X[j, i], X[i, j] = 1.0, -1.0
            return X

        fam = self.family
        if fam == "axis_rotation":
            i, j = self.coordinates
            return rot(int(i), int(j))[None]
        if fam in ("axis_stabilizer", "rotation"):
            coords = [c for c in range(D) if fam == "rotation" or c != self.axis]
            return np.array([rot(i, j) for a, i in enumerate(coords) for j in coords[a + 1:]])
        if fam == "hopf":
            return (rot(0, 1) + rot(2, 3))[None]
        raise GroupError(f"{self.name} translates torus coordinates; it has no matrix Lie "
                         "algebra (use to_group() for the subtorus)")

    def to_group(self) -> Any:
        """The same group as a :class:`~weylgain.groups.LieGroup` (or, for torus
        translations, a :class:`~weylgain.groups.TorusGroup`)."""
        if self.family == "torus_translation":
            from .torus import TorusGroup

            V = np.zeros((len(self.coordinates), self.dim), dtype=np.int64)
            for a, c in enumerate(self.coordinates):
                V[a, c] = 1
            return TorusGroup(self.name, V, (), self.description)
        from .lie import LieGroup

        moved = self.dim - (1 if self.family == "axis_stabilizer" else 0) \
            if self.family in ("rotation", "axis_stabilizer") else 2
        if moved > MAX_MATRIX_ROTATION:
            from ..errors import ResourceError

            m = moved * (moved - 1) // 2
            raise ResourceError(
                f"{self.name} as a matrix Lie group has a basis of {m} matrices of "
                f"{self.dim} x {self.dim}; validating it checks {m * (m - 1) // 2} commutators "
                f"(time grows like n^7: 2 s for SO(11), 25 s for SO(14)), so the matrix form "
                f"is built up to SO({MAX_MATRIX_ROTATION}); predict_gain and the quotient "
                f"geometry of {self.name} on spheres use closed forms and need no matrices")
        return LieGroup(self.name, self.lie_algebra(), np.zeros((0, self.dim, self.dim)),
                        self.description)

    def action_on(self, manifold: Any) -> Any:
        """The action data (:class:`~weylgain.groups.LinearAction` or
        :class:`~weylgain.groups.TorusAction`) on a manifold of :mod:`weylgain.manifolds`."""
        return self.to_group().action_on(manifold)
