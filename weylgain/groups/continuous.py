"""The named continuous families (rotations about an axis, axis stabilizers, SO(n), the
Hopf circle, torus translations): :class:`ContinuousGroup`."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any


from ..errors import GroupError

__all__ = ["ContinuousGroup", "CONTINUOUS_FAMILIES"]


# ====================================================================== ContinuousGroup
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


