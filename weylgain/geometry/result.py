"""The result of the quotient geometry: d_G, vol(M/G) and the boundary of M/G."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import sympy as sp

from ..errors import SpecError, UnsupportedError
from ..manifolds._formulas import LAMBDA, to_float, weyl_constant, weyl_law


@dataclass(frozen=True)
class QuotientGeometry:
    """Dimension and volumes of a quotient M/G (sympy expressions).

    Attributes
    ----------
    manifold, group : str
        Names.
    dim : int
        d = dim M.
    quotient_dim : int
        d_G = dim M - dim(principal orbit).
    volume, quotient_volume : sympy.Expr
        vol(M) and vol(M/G) (a point has volume 1: N_G = 1, only constants are invariant).
    wall_volume : sympy.Expr
        (2/order(G_eff)) sum_r vol Fix(r): the Neumann boundary created by reflections.
    boundary_part_volume : sympy.Expr
        vol(dM / G): the image of the manifold's own boundary.
    group_order, effective_order, kernel_order : int or None
        Finite groups: order(G), the order of the group acting effectively on M, and of the
        subgroup acting trivially (group_order may be None when unknown).
    n_reflections : int or None
        Number of elements of G_eff (finite) whose fixed set has codimension 1.
    orbit_volume : sympy.Expr or None
        The volume of principal orbits when they all have the same volume.
    transitive : bool
    continuous : bool
    derivation : tuple of str
        Steps, in words and formulas.
    vol_quotient_error : float
        Standard error of ``quotient_volume`` when it is computed numerically (Monte Carlo
        over M); 0.0 for closed forms.
    action : str
        The action used, in words ("diagonal on 2 factors of S2", "on factor 1 of S2^2").
    """

    manifold: str
    group: str
    dim: int
    quotient_dim: int
    volume: sp.Expr
    quotient_volume: sp.Expr
    wall_volume: sp.Expr
    boundary_part_volume: sp.Expr
    group_order: int | None
    effective_order: int | None
    kernel_order: int | None
    n_reflections: int | None
    orbit_volume: sp.Expr | None
    transitive: bool
    continuous: bool
    derivation: tuple = field(default_factory=tuple)
    vol_quotient_error: float = 0.0
    action: str = ""

    @property
    def orbit_dim(self) -> int:
        return self.dim - self.quotient_dim

    @property
    def quotient_boundary_volume(self) -> sp.Expr:
        return self.wall_volume + self.boundary_part_volume

    @property
    def weyl_constant(self) -> sp.Expr:
        return weyl_constant(self.quotient_dim, self.quotient_volume)

    def weyl_law(self, boundary: str = "neumann", lam: Any = LAMBDA) -> sp.Expr:
        """Two-term Weyl law of the invariant counting function N_G(lambda).

        Reflection walls are Neumann (invariant functions have zero normal derivative there);
        the image of dM carries ``boundary`` ('neumann' or 'dirichlet').
        """
        if boundary not in ("neumann", "dirichlet"):
            raise SpecError(f"boundary must be 'neumann' or 'dirichlet'; got {boundary!r}")
        # (continuous groups have no walls: singular strata change only lower-order terms)
        b = self.boundary_part_volume
        neu = self.wall_volume + (b if boundary == "neumann" else 0)
        dir_ = b if boundary == "dirichlet" else 0
        return weyl_law(self.quotient_dim, self.quotient_volume, neu, dir_, lam)

    def to_dict(self) -> dict[str, Any]:
        def pair(name: str, e: sp.Expr | None) -> dict[str, Any]:
            return {name: None if e is None else to_float(e),
                    name + "_expr": None if e is None else str(e)}

        out: dict[str, Any] = {
            "manifold": self.manifold,
            "group": self.group,
            "dim": self.dim,
            "quotient_dim": self.quotient_dim,
            "orbit_dim": self.orbit_dim,
        }
        out.update(pair("volume", self.volume))
        out.update(pair("quotient_volume", self.quotient_volume))
        out.update(pair("wall_volume", self.wall_volume))
        out.update(pair("boundary_part_volume", self.boundary_part_volume))
        out.update(pair("quotient_boundary_volume", self.quotient_boundary_volume))
        out.update(pair("orbit_volume", self.orbit_volume))
        out.update({
            "group_order": self.group_order,
            "effective_order": self.effective_order,
            "kernel_order": self.kernel_order,
            "n_reflections": self.n_reflections,
            "transitive": self.transitive,
            "continuous": self.continuous,
            "derivation": list(self.derivation),
            "vol_quotient_error": float(self.vol_quotient_error),
            "action": self.action,
        })
        return out


class QuotientVolumeError(UnsupportedError):
    """vol(M/G) cannot be computed for this action (a valid question without an answer here);
    d_G, which is always computable, travels with the error.

    Attributes
    ----------
    manifold, group : str
    dim, quotient_dim : int
        dim M and d_G = dim M - (generic orbit dimension).
    reason : str
        Why the volume is not available.
    """

    def __init__(self, manifold: str, group: str, dim: int, quotient_dim: int,
                 reason: str) -> None:
        self.manifold, self.group = manifold, group
        self.dim, self.quotient_dim, self.reason = int(dim), int(quotient_dim), reason
        super().__init__(f"vol({manifold}/{group}) is not available: {reason} (d_G = "
                         f"{quotient_dim} is: dim M = {dim} minus the generic orbit dimension "
                         f"{dim - quotient_dim})")
