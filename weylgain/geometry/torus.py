"""Quotients by subtori (TorusGroup): closed forms from the Smith decomposition."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..errors import GroupError
from ..manifolds import parse_manifold
from ..manifolds._formulas import DEFAULT_MAX_ORDER
from .finite import finite_quotient_geometry
from .lie import MAX_FINITE_ELEMENTS, _trivial_finite, _with
from .result import QuotientGeometry


def torus_quotient_geometry(manifold: Any, group: Any) -> Any:
    """QuotientGeometry of a :class:`~weylgain.groups.TorusGroup`, in closed form.

    Orbits of the subtorus are translates of the closed subtorus spanned by the saturated
    lattice Z^D ∩ span(directions), of volume sqrt(det(B G B^T)) with B a lattice basis
    (first rows of W^-1 in the Smith decomposition U V W = S) and G = diag(L^2). The finite
    part acts on M/T0 trivially exactly when it fixes every invariant mode k (k . v_a = 0):
    A^T k = k and k . t integer.
    """
    import sympy as sp
    from sympy.matrices.normalforms import smith_normal_decomp

    M = parse_manifold(manifold) if isinstance(manifold, str) else manifold
    act = group.action_on(M)
    V = act.directions
    m, D = V.shape
    lengths = list(M.torus_lengths() or ())
    steps = [f"action: {act.label}"]
    if m == 0:
        lin, tr = group.generator_arrays()
        from ..groups.finite import from_generators

        fg = from_generators(lin, tr, name=group.name) if lin.shape[0] else \
            _trivial_finite(group.name, D)
        return _with(finite_quotient_geometry(M, fg, DEFAULT_MAX_ORDER), action=act.label,
                     group=group.name)
    S, U, W = smith_normal_decomp(sp.Matrix(V.tolist()), domain=sp.ZZ)
    Winv = W.inv()
    B = Winv[:m, :]
    G = sp.diag(*[L ** 2 for L in lengths])
    orbit = sp.sqrt(sp.factor((B * G * B.T).det()))
    orbit = sp.simplify(orbit)
    steps.append(f"orbits are closed subtori: the saturated lattice Z^{D} ∩ span(directions) has "
                 f"basis {B.tolist()} (Smith decomposition); orbit volume sqrt(det(B diag(L^2) "
                 f"B^T)) = {orbit}")
    d_G = D - m
    transitive = d_G == 0
    vol0 = sp.simplify(M.volume / orbit)
    lin, tr = group.generator_arrays()
    eff, kernel = 1, 1
    if lin.shape[0] and not transitive:
        from ..groups.finite import from_generators

        try:
            el_l, el_t = from_generators(lin, tr, name=group.name).elements(MAX_FINITE_ELEMENTS)
        except GroupError as exc:
            raise GroupError(f"the affine generators of {group.name!r} generate more than "
                             f"{MAX_FINITE_ELEMENTS} elements; give finite-order generators"
                             ) from exc
        K = np.array(W[:, m:].tolist(), dtype=np.float64)  # invariant modes: a Z-basis
        kernel = 0
        for A, t in zip(el_l, el_t):
            fixes = np.abs(A.T @ K - K).max(initial=0.0) < 1e-9
            phase = t @ K
            if fixes and np.abs(phase - np.round(phase)).max(initial=0.0) < 1e-9:
                kernel += 1
        eff = el_l.shape[0] // kernel
        steps.append(f"finite part: {el_l.shape[0]} elements, {kernel} fix every invariant mode "
                     f"(act trivially on M/T0): |F_eff| = {eff}")
    qvol = sp.S.One if transitive else sp.simplify(vol0 / eff)
    steps.append("the subtorus is transitive: M/G is a point" if transitive else
                 f"vol(M/G) = vol(M) / (vol(orbit) |F_eff|) = {M.volume}/({orbit} * {eff}) = "
                 f"{qvol}")
    return QuotientGeometry(
        manifold=M.name, group=group.name, dim=M.dim, quotient_dim=d_G, volume=M.volume,
        quotient_volume=qvol, wall_volume=sp.S.Zero, boundary_part_volume=sp.S.Zero,
        group_order=None, effective_order=eff, kernel_order=kernel, n_reflections=None,
        orbit_volume=orbit, transitive=transitive, continuous=True, derivation=tuple(steps),
        vol_quotient_error=0.0, action=act.label)
