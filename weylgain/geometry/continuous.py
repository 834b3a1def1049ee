"""Quotients by the named continuous families (rotations, Hopf, torus translations): the
coarea formula, through the manifolds' rotation_quotient and hopf_quotient; the group
answers which coordinates it moves and whether it translates or has Hopf fibres."""

from __future__ import annotations

from typing import Any

import sympy as sp

from ..errors import GroupError
from ..groups.continuous import HopfFibres
from ..manifolds import Manifold
from ..manifolds.base import _fmt
from .result import QuotientGeometry


def _moved_coordinates(G: Any) -> tuple[int, ...]:
    return G.moved_coordinates()


def _continuous_quotient(M: Manifold, G: Any) -> QuotientGeometry:
    D = M.ambient_dim
    steps: list[str] = []
    K = _moved_coordinates(G)
    if G.dim > D and all(c >= D for c in K):
        steps.append(f"{G.name} moves only coordinates outside the R^{D} of {M.name}: it acts "
                     "trivially")
        return QuotientGeometry(M.name, G.name, M.dim, M.dim, M.volume, M.volume, sp.S.Zero,
                                M.boundary_volume, None, 1, None, 0, sp.S.One, False, True,
                                tuple(steps))
    if any(c >= D for c in K):
        raise GroupError(
            f"{G.name} moves coordinates {K} of R^{G.dim}, but {M.name} spans only the first "
            f"{D}: the group mixes the manifold's coordinates with others and does not act on it"
        )
    if G.torus_translation_count() is not None:
        return _torus_translation_quotient(M, G, K, steps)
    off = 0
    owner = None
    for i, f in enumerate(M.factors):
        if all(off <= c < off + f.ambient_dim for c in K):
            owner = (i, f, tuple(c - off for c in K))
        off += f.ambient_dim
    if owner is None:
        raise GroupError(f"{G.name} moves coordinates {K}, which belong to different factors "
                         f"of {M.name}; it does not act on the product")
    i, f, Kl = owner
    if isinstance(G.orbit_shape(D), HopfFibres):
        if len(Kl) != 4:
            raise GroupError(f"the Hopf action acts on S^3 (or RP^3) in R^4; not on {f.name}")
        fvol, orbit_vol = f.hopf_quotient(G.name, steps)
        fdg, fb = f.dim - 1, sp.S.Zero  # circles: S^3 -> S^2, S^d -> d - 1 (d > 3)
    else:
        fdg, fvol, fb, orbit_vol = f.rotation_quotient(Kl, G.name, steps)
    others = [g for j, g in enumerate(M.factors) if j != i]
    rest = sp.Mul(*[g.volume for g in others])
    d_G = M.dim - f.dim + fdg
    qvol = fvol * rest
    # boundary of the quotient: (dF/G) x rest  +  (F/G) x d(rest)
    bpart = fb * rest
    for j, g in enumerate(others):  # by index: a product may repeat one factor object
        bpart += fvol * g.boundary_volume * sp.Mul(*[h.volume for m, h in enumerate(others)
                                                    if m != j])
    if others:
        steps.append(f"product: vol(M/G) = vol({f.name}/G) * {_fmt(rest)} = {_fmt(qvol)}")
    transitive = d_G == 0
    return QuotientGeometry(
        manifold=M.name, group=G.name, dim=M.dim, quotient_dim=d_G, volume=M.volume,
        quotient_volume=qvol, wall_volume=sp.S.Zero, boundary_part_volume=bpart,
        group_order=None, effective_order=None, kernel_order=None, n_reflections=None,
        orbit_volume=orbit_vol, transitive=transitive, continuous=True,
        derivation=tuple(steps),
    )


def _torus_translation_quotient(M: Manifold, G: Any, K: tuple[int, ...], steps: list[str]
                                ) -> QuotientGeometry:
    """T^k translating the first k TORUS coordinates of M (on a product: of its torus factors,
    in order). Every orbit is a flat subtorus of the same volume: vol(M/G) = vol(M)/vol(orbit)."""
    if len(M.factors) > 1:
        torus_coords: list[int] = []
        off = 0
        for f in M.factors:
            if f.torus_lengths() is not None:
                torus_coords.extend(range(off, off + f.dim))
            off += f.ambient_dim
        if max(K) >= len(torus_coords):
            raise GroupError(f"{G.name} translates {len(K)} torus coordinates, but {M.name} "
                             f"has only {len(torus_coords)}")
        K = tuple(torus_coords[c] for c in K)
        steps.append(f"{G.name} translates the torus coordinates {K} of {M.name}")
    orbit = sp.S.One
    off = 0
    for f in M.factors:
        Kf = [c - off for c in K if off <= c < off + f.ambient_dim]
        lengths = f.torus_lengths()
        if Kf and lengths is None:
            raise GroupError(f"{G.name} translates coordinates, which only acts on a torus; "
                             f"{f.name} is not one")
        for c in Kf:
            orbit *= lengths[c]
        off += f.ambient_dim
    qvol = M.volume / orbit
    bpart = M.boundary_volume / orbit
    steps.append(f"every orbit is a flat subtorus of volume {_fmt(orbit)}: vol(M/G) = "
                 f"vol({M.name}) / {_fmt(orbit)} = {_fmt(qvol)} (coarea, constant orbits)")
    d_G = M.dim - len(K)
    return QuotientGeometry(
        manifold=M.name, group=G.name, dim=M.dim, quotient_dim=d_G, volume=M.volume,
        quotient_volume=qvol, wall_volume=sp.S.Zero, boundary_part_volume=bpart,
        group_order=None, effective_order=None, kernel_order=None, n_reflections=None,
        orbit_volume=orbit, transitive=d_G == 0, continuous=True, derivation=tuple(steps),
    )
