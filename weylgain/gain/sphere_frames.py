"""Frames for the quotient-mesh route of measure_gain on S^2: a finite point group as a
symmetry group of the octahedral or icosahedral sphere (in its own frame, or conjugated into
it by a rotation), and the group on the cover sphere of RP^2 and of the hemisphere."""

from __future__ import annotations

import math
from typing import Any, Callable

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


# ====================================================== axial groups: the bipyramid sphere
# The axial point groups (C_n, C_nv, C_nh, S_2n, D_n, D_nh, D_nd) are symmetry groups of a
# sphere subdivided from an m-gonal bipyramid (poles +-e_z, m vertices on the equator, the
# first on the x axis) for m = n or 2n: the mesh has D_mh symmetry. It costs no relaxation,
# so it can be as fine as the window needs.


def _bipyramid_group(m: int) -> Any:
    """D_mh in the bipyramid's frame: rotation by 2 pi / m about z, the mirror z -> -z and
    the half-turn about the x axis (through the first equatorial vertex)."""
    from ..groups import from_generators

    c, s = math.cos(2 * math.pi / m), math.sin(2 * math.pi / m)
    rot = np.array([[c, -s, 0.0], [s, c, 0.0], [0.0, 0.0, 1.0]])
    mirror = np.diag([1.0, 1.0, -1.0])
    half = np.diag([1.0, -1.0, -1.0])
    return from_generators(np.array([rot, mirror, half]), name=f"D{m}h")


def _rotation_order(g: np.ndarray) -> int:
    """The order of the rotation det(g) g (1 for +-I)."""
    r = g * np.sign(np.linalg.det(g))
    angle = math.acos(max(-1.0, min(1.0, (float(np.trace(r)) - 1.0) / 2.0)))
    if angle < 1e-9:
        return 1
    return max(1, int(round(2 * math.pi / angle)))


def group_period(elements: np.ndarray) -> int:
    """The exponent of a finite group of orthogonal matrices: the least e with g^e = I for
    every element (the lcm of the element orders).

    On S^2 the number of G-invariant harmonics of degree l is (2l + 1)/|G| plus a function
    of l of period e (the character of a rotation by 2 pi j / p in degree l has period p in
    l, an improper element's the lcm of p and 2), so at the whole periods L + 1 = k e the
    invariant count N_G(L) = (L + 1)^2 / |G| + k S is exactly a two-term law in
    lam = (L + 1)^2 (S the sum of that periodic part over one period).

    Parameters
    ----------
    elements : ndarray, shape (|G|, D, D)

    Returns
    -------
    int
    """
    e = 1
    D = elements.shape[1]
    for g in elements:
        p, power = 1, g.copy()
        while np.abs(power - np.eye(D)).max() > 1e-7:
            power = power @ g
            p += 1
            if p > 4 * elements.shape[0] + 4:
                raise ValueError("an element of infinite order: not a finite group")
        e = e * p // math.gcd(e, p)
    return e


def _bipyramid_plan(G_mesh: Any) -> tuple[int, Any, int] | None:
    """(m, the group conjugated into the frame of the m-gonal bipyramid sphere, its period)
    for an axial point group on S^2, or None (a polyhedral group, or no frame found)."""
    from ..groups import from_generators

    try:
        elements = np.asarray(G_mesh.extended(3).elements(max_order=4000)[0],
                              dtype=np.float64)
    except WeylgainError:
        return None
    n = max(_rotation_order(g) for g in elements)
    # (m >= 3: a bipyramid; the groups of a 1- or 2-fold axis sit in D_4h)
    for m in sorted({n, 2 * n} - {1, 2}) if n > 2 else [4]:
        target = np.asarray(_bipyramid_group(m).elements(max_order=8 * m + 8)[0],
                            dtype=np.float64)
        if target.shape[0] % elements.shape[0]:
            continue
        R = _conjugator(elements, target)
        if R is None:
            continue
        lin, _ = G_mesh.extended(3).generator_arrays()
        conj = from_generators(np.einsum("ij,gjk,lk->gil", R, lin, R), name=G_mesh.name)
        return m, conj, group_period(elements)
    return None


def bipyramid_sphere(m: int, subdivisions: int, radius: float = 1.0) -> Any:
    """The 2-sphere subdivided from the m-gonal bipyramid, projected: D_mh-invariant.

    Parameters
    ----------
    m : int
        Equatorial vertices (m >= 3); the first is on the x axis, the poles are +-e_z.
    subdivisions : int
        Midpoint refinements k (m 4^k + 2 vertices, 2 m 4^k triangles).
    radius : float

    Returns
    -------
    Mesh
        Named ``"sphere:k:bipyramid<m>"``.
    """
    from ..meshes import _localized, _mesh, _orient_outward, _subdivide_sphere

    phi = 2 * math.pi * np.arange(m) / m
    v = np.concatenate([np.stack([np.cos(phi), np.sin(phi), np.zeros(m)], axis=1),
                        [[0.0, 0.0, 1.0], [0.0, 0.0, -1.0]]])
    ring = np.arange(m)
    f = np.concatenate([np.stack([ring, (ring + 1) % m, np.full(m, m)], axis=1),
                        np.stack([ring, (ring + 1) % m, np.full(m, m + 1)], axis=1)])
    f = _orient_outward(v, f.astype(np.int64))
    v, f = _subdivide_sphere(v, f, subdivisions)
    v, f = _localized(v * radius, f)
    name = f"sphere:{subdivisions}:bipyramid{m}" + ("" if radius == 1.0 else f":{radius:g}")
    return _mesh(v, f, name)


# invariant meshes of S^2 for the other point groups: at most this many vertices (the Lloyd
# relaxation and the hull take ~8 s at 41k vertices and grow like n log n)
_ISPHERE_MAX_VERTICES = 60_000


def _invariant_sphere_mesh(M: Any, G: Any, G_mesh: Any, lam_h2: Callable[[float], float],
                           C_G: float, target: int, min_top: int) -> tuple[Any, Any]:
    """One invariant mesh of S^2 for G (weylgain.invariant_meshes.invariant_sphere) with as many
    vertices as the window of ``target`` invariant eigenvalues needs, at most
    _ISPHERE_MAX_VERTICES, and its quotient; FitError (before building anything) when even
    that mesh resolves fewer than min_top."""
    from ..errors import FitError
    from ..invariant_meshes import invariant_sphere
    from ..quotient import quotient

    r = float(M.spectrum_model().radius)

    def top(n: int) -> float:
        # an invariant mesh of n vertices has about the mean edge of the icosahedral sphere
        # of as many vertices, 1.21 r sqrt(10 / (n - 2))
        h = 1.21 * r * math.sqrt(10.0 / (n - 2))
        return C_G * lam_h2(h) / h ** 2

    n = 10 * 4 ** 4 + 2
    while n < _ISPHERE_MAX_VERTICES and top(n) < target:
        n = int(n * 1.25)
    n = min(n, _ISPHERE_MAX_VERTICES)
    if top(n) < min_top:
        raise FitError(
            f"{G.name} is no symmetry group of a polyhedral sphere (not even conjugated), and "
            f"an invariant mesh of S^2 of {n} vertices resolves only about {top(n):.0f} "
            f"invariant eigenvalues of {M.name}/{G.name} (the fit needs "
            f"{min_top}); pass level= to mesh anyway")
    # 10 Lloyd iterations (not 30): three times faster, smallest angle 36 deg (38 with 30)
    mesh = invariant_sphere(G_mesh, n_vertices=n, radius=r, iterations=10)
    return mesh, quotient(mesh, G_mesh)


# axial point groups on S^2 (C_n, C_nv, C_nh, S_2n, D_n, D_nh, D_nd outside the polyhedral
# frames): the sphere subdivided from an m-gonal bipyramid, counted at whole periods of the
# group's staircase. Wanted at the top: _AXIAL_PERIODS periods; at least _AXIAL_MIN_PERIODS
# (the windowed fit compares two sub-windows of 5 thresholds), on at most
# _AXIAL_MAX_VERTICES vertices (assembly and orbits ~4 s at 458k on a quiet machine; the
# reduced pencils have |G| times fewer unknowns)
_AXIAL_PERIODS = 8
_AXIAL_MIN_PERIODS = 6
_AXIAL_MAX_VERTICES = 800_000
# the bipyramid's triangles are flatter than the icosahedral sphere's (smallest angle 22 deg
# for m = 10): its resolved range is taken 0.8 times the rule's (at the rule's top,
# S^2/C_10 on sphere:8:bipyramid10 missed one eigenvalue of 490)
_AXIAL_MARGIN = 0.8


def _axial_level(m: int, radius: float, period: int, lam_h2: Callable[[float], float],
                 C_G: float, target: int) -> tuple[int, int, float]:
    """(level, whole periods J resolved, lam_max) of the bipyramid sphere: the coarsest
    level whose resolved range holds _AXIAL_PERIODS whole periods and ``target`` predicted
    invariant eigenvalues, else the finest within _AXIAL_MAX_VERTICES."""
    h3 = float(bipyramid_sphere(m, 3, radius).edge_lengths().mean())
    best = (3, 0, 0.0)
    for k in range(3, 13):
        if m * 4 ** k + 2 > _AXIAL_MAX_VERTICES:
            break
        h = h3 * 2.0 ** (3 - k)  # midpoint subdivision halves the edges
        lam_max = _AXIAL_MARGIN * lam_h2(h) / h ** 2
        J = int(radius * math.sqrt(lam_max) / period)
        best = (k, J, lam_max)
        if J >= _AXIAL_PERIODS and C_G * (J * period / radius) ** 2 >= target:
            break
    return best
