"""Frames for the quotient-mesh route of measure_gain on S^2: a finite point group as a
symmetry group of the octahedral or icosahedral sphere (in its own frame, or conjugated into
it by a rotation), and the group on the cover sphere of RP^2 and of the hemisphere."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..errors import WeylgainError


def _axis(g: np.ndarray) -> np.ndarray | None:
    """The unit axis of the rotation det(g) g, None for +-I."""
    r = g * np.sign(np.linalg.det(g))
    if np.abs(r - np.eye(3)).max() < 1e-9:
        return None
    w, v = np.linalg.eig(r)
    k = int(np.argmin(np.abs(w - 1.0)))
    a = np.real(v[:, k])
    return a / np.linalg.norm(a)


def _frame(u: np.ndarray, v: np.ndarray | None) -> np.ndarray:
    """An orthonormal frame (columns) whose first vector is u and whose second lies in the
    plane of u and v (any, when v is None or parallel to u)."""
    if v is None or abs(float(u @ v)) > 1 - 1e-9:
        v = np.eye(3)[int(np.argmin(np.abs(u)))]
    w = v - (v @ u) * u
    w /= np.linalg.norm(w)
    return np.column_stack([u, w, np.cross(u, w)])


def _signature(g: np.ndarray) -> tuple[int, int]:
    """Conjugation invariants of an orthogonal 3x3 matrix: (det, trace), rounded."""
    return int(round(float(np.linalg.det(g)))), int(round(1e6 * float(np.trace(g))))


def _conjugator(elements: np.ndarray, target: np.ndarray) -> np.ndarray | None:
    """A rotation R with R g R^T in ``target`` for every g in ``elements``, or None.

    Two elements of G with non-parallel axes (one when all axes are parallel: a cyclic
    group, C_nh or S_2n, which any rotation about its axis leaves unchanged) fix R once they
    are matched with elements of the target of the same signature and the same angle
    between the axes; every candidate is checked on all of G.
    """
    axes = [(g, _axis(g)) for g in elements]
    axes = [(g, a) for g, a in axes if a is not None]
    if not axes:
        return np.eye(3)  # {I} or {I, -I}: any frame
    g1, a1 = max(axes, key=lambda t: abs(_signature(t[0])[1] - 3e6))
    second = [(g, a) for g, a in axes if abs(float(a @ a1)) < 1 - 1e-6]
    g2, a2 = second[0] if second else (None, None)
    t_ax = [(t, _axis(t)) for t in target]
    sig1 = _signature(g1)
    sig2 = _signature(g2) if g2 is not None else None
    flat = target.reshape(target.shape[0], 9)

    probe = np.array([g1] + ([g2] if g2 is not None else []))

    def inside(R: np.ndarray) -> bool:
        for part in (probe, elements):  # the two matched elements first: cheap rejections
            img = np.einsum("ij,gjk,lk->gil", R, part, R).reshape(-1, 9)
            dist = np.abs(img[:, None, :] - flat[None, :, :]).max(axis=2).min(axis=1)
            if dist.max() >= 1e-7:
                return False
        return True

    src = _frame(a1, a2)
    for t1, b1 in t_ax:
        if b1 is None or _signature(t1) != sig1:
            continue
        for s1 in (1.0, -1.0):
            cands = [None] if g2 is None else [
                s2 * b2 for t2, b2 in t_ax if b2 is not None and _signature(t2) == sig2
                for s2 in (1.0, -1.0)
                if abs(float(s1 * b1 @ (s2 * b2)) - float(a1 @ a2)) < 1e-7]
            for c in cands:
                R = _frame(s1 * b1, c) @ src.T
                if inside(R):
                    return R
    return None


def _with_harmonic_symmetry(M: Any, G_mesh: Any) -> Any:
    """G on the cover sphere with the symmetry whose invariant harmonics are M's
    eigenfunctions (the mirror of the last axis for a hemisphere with Neumann conditions;
    nothing for S^2 and RP^2, whose -I is already in G_mesh)."""
    from ..groups import from_generators

    extra = np.asarray(M.harmonic_symmetry(), dtype=np.float64)[1:]
    if extra.shape[0] == 0:
        return G_mesh
    lin, tr = G_mesh.generator_arrays()
    return from_generators(np.concatenate([lin, extra]),
                           np.concatenate([tr, np.zeros((extra.shape[0], lin.shape[1]))]),
                           name=G_mesh.name)


def _direct_plan(G_mesh: Any) -> tuple[str, Any, bool] | None:
    """(base polyhedron, the group in its frame, whether it was conjugated) for the direct
    quotient, or None when G is no symmetry group of either polyhedral sphere."""
    from ..errors import NotInvariantError
    from ..groups import from_generators, named
    from ..quotient_direct import quotient_sphere

    for base in ("octahedron", "icosahedron"):
        try:
            quotient_sphere(0, G_mesh, base=base)
            return base, G_mesh, False
        except NotInvariantError:
            continue
    try:
        elements = np.asarray(G_mesh.extended(3).elements(max_order=120)[0], dtype=np.float64)
    except WeylgainError:
        return None
    for base, big in (("octahedron", "Oh"), ("icosahedron", "Ih")):
        target = np.asarray(named(big).elements(max_order=120)[0], dtype=np.float64)
        if elements.shape[0] > target.shape[0] or target.shape[0] % elements.shape[0]:
            continue
        R = _conjugator(elements, target)
        if R is None:
            continue
        lin, _ = G_mesh.extended(3).generator_arrays()
        conj = from_generators(np.einsum("ij,gjk,lk->gil", R, lin, R), name=G_mesh.name)
        try:
            quotient_sphere(0, conj, base=base)
            return base, conj, True
        except NotInvariantError:
            continue
    return None
