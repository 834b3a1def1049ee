"""The base class of the manifold families and the map tests they share."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import sympy as sp

from ..errors import SpecError
from ._formulas import LAMBDA, _TOL, to_float, weyl_constant, weyl_law


@dataclass(frozen=True)
class Manifold:
    """Base class of the manifold catalogue (use the subclasses or :func:`parse_manifold`)."""

    @property
    def dim(self) -> int:  # pragma: no cover - abstract
        raise NotImplementedError

    @property
    def ambient_dim(self) -> int:  # pragma: no cover - abstract
        raise NotImplementedError

    @property
    def volume(self) -> sp.Expr:  # pragma: no cover - abstract
        raise NotImplementedError

    @property
    def boundary_volume(self) -> sp.Expr:
        """(d-1)-volume of the boundary (0 for closed manifolds)."""
        return sp.S.Zero

    @property
    def name(self) -> str:  # pragma: no cover - abstract
        raise NotImplementedError

    @property
    def is_closed(self) -> bool:
        return self.boundary_volume == 0

    @property
    def factors(self) -> tuple["Manifold", ...]:
        """The factors of a product; a 1-tuple of itself otherwise."""
        return (self,)

    @property
    def weyl_constant(self) -> sp.Expr:
        return weyl_constant(self.dim, self.volume)

    def weyl_law(self, boundary: str = "neumann", lam: Any = LAMBDA) -> sp.Expr:
        """Two-term Weyl law of the Laplacian on this manifold (boundary condition given)."""
        b = self.boundary_volume
        if boundary not in ("neumann", "dirichlet"):
            raise SpecError(f"boundary must be 'neumann' or 'dirichlet'; got {boundary!r}")
        return weyl_law(self.dim, self.volume, b if boundary == "neumann" else 0,
                        b if boundary == "dirichlet" else 0, lam)

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "dim": self.dim,
            "ambient_dim": self.ambient_dim,
            "volume": str(self.volume),
            "volume_float": to_float(self.volume),
            "boundary_volume": str(self.boundary_volume),
            "boundary_volume_float": to_float(self.boundary_volume),
        }

    def __str__(self) -> str:
        return self.name

    # ---- elementary-factor interface (local coordinates); products override
    def _check_map(self, A: np.ndarray, t: np.ndarray) -> str | None:
        """None if x -> A x + t*period maps the manifold onto itself, else the reason."""
        raise NotImplementedError  # pragma: no cover

    def _wall_volume(self, A: np.ndarray, t: np.ndarray) -> sp.Expr:
        """Volume of the fixed set of the map when it has codimension 1 (else 0)."""
        raise NotImplementedError  # pragma: no cover

    def _cover(self) -> tuple["Manifold", bool]:
        """(covering manifold, whether it is a double cover by -I)."""
        return self, False


def _fmt(e: sp.Expr) -> str:
    return str(e).replace("**", "^").replace(" ", "")


def _no_translation(t: np.ndarray) -> bool:
    return bool(np.all(np.abs(t - np.round(t)) < _TOL))


def _is_reflection(A: np.ndarray) -> bool:
    D = A.shape[0]
    return bool(np.abs(A - A.T).max() < _TOL and abs(np.trace(A) - (D - 2)) < _TOL) if D else False


def _signed_perm(A: np.ndarray) -> np.ndarray | None:
    """Permutation p with A e_i = +-e_p[i], or None when A is not a signed permutation."""
    R = np.round(A)
    if np.abs(A - R).max() > _TOL or not np.all(np.isin(R, (-1.0, 0.0, 1.0))):
        return None
    if not (np.all(np.abs(R).sum(axis=0) == 1) and np.all(np.abs(R).sum(axis=1) == 1)):
        return None
    return np.argmax(np.abs(R), axis=0)
