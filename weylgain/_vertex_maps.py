"""Vertex maps of a finite group on a mesh: the permutation each isometry induces, checked
on simplices, and the vertex orbits of a set of permutations.

The first step of :func:`weylgain.quotient.quotient` for a finite group;
:mod:`weylgain.quotient` re-exports :func:`~weylgain.quotient.vertex_permutation` and
:func:`~weylgain.quotient.vertex_orbits` (their public path and module).
"""

from __future__ import annotations

import numpy as np
from scipy.spatial import cKDTree

from .errors import GroupError, NotInvariantError
from .groups import AffineMap
from .mesh import Mesh


# ====================================================================== invariance hints
def _mesh_hint(mesh: Mesh) -> str:
    name = mesh.name or ""
    if mesh.is_periodic:
        return (
            "A plain Kuhn torus keeps only coordinate permutations, x -> -x and grid "
            "translations; for sign flips or signed permutations use "
            "meshes.torus(dim, n, triangulation='mirrored') with even n (also invariant under "
            "translations by an even number of grid steps). A translation by 1/k of the "
            "period needs n divisible by k (by 2k on a mirrored torus)."
        )
    if name.startswith("sphere:") or (mesh.dim == 2 and mesh.ambient_dim == 3 and mesh.is_closed):
        return (
            "The octahedral sphere, meshes.sphere(k, base='octahedron'), is invariant under Oh "
            "and its subgroups (C4, D4, C4v, O, Oh, Td, Th, signs3, B3, S3, ...) with the "
            "coordinate axes as symmetry axes; the icosahedral sphere, meshes.sphere(k), under "
            "Ih and its subgroups (I, T, Th, C5 about the vertex (0, 1, phi), ...)."
        )
    if name.startswith("box:"):
        return ("Use meshes.box(dim, n, triangulation='mirrored') with odd n for reflections "
                "of the box about its centre.")
    return ("Build the mesh so that the group maps simplices onto simplices (see the "
            "symmetry stated in each weylgain.meshes generator).")


def _map_label(amap: AffineMap, label: str | None) -> str:
    if label:
        return label
    lin = np.round(amap.linear, 6).tolist()
    tr = np.round(amap.translation, 6).tolist()
    return f"x -> {lin} x + {tr} * period" if np.any(tr) else f"x -> {lin} x"


# ====================================================================== vertex permutation
def vertex_permutation(mesh: Mesh, affine_map: AffineMap, tol: float = 1e-8,
                       label: str | None = None) -> np.ndarray:
    """The permutation of mesh vertices induced by an isometry, checked on simplices.

    Parameters
    ----------
    mesh : Mesh
    affine_map : AffineMap
        Acting on R^D, D = mesh.ambient_dim. Its translation is a fraction of
        ``mesh.period`` (wrapped on periodic axes).
    tol : float, default 1e-8
        Matching tolerance, relative to max(1, largest coordinate or period).
    label : str, optional
        Name of the map, used in error messages.

    Returns
    -------
    perm : ndarray of shape (n_vertices,), int64
        ``perm[i]`` is the vertex that vertex i is mapped to.

    Raises
    ------
    NotInvariantError
        If a vertex is not mapped onto a vertex, or the simplex set is not mapped onto
        itself; the message names the map, the first failure and a mesh that would work.
    GroupError
        If the dimensions do not match.
    """
    if not isinstance(mesh, Mesh):
        raise GroupError(f"vertex_permutation needs a weylgain.Mesh; got {type(mesh).__name__}")
    D = mesh.ambient_dim
    if affine_map.dim != D:
        raise GroupError(
            f"the map acts on R^{affine_map.dim} but the mesh lives in R^{D}"
        )
    what = _map_label(affine_map, label)
    v = mesh.vertices
    n = v.shape[0]
    if mesh.is_periodic:
        per = mesh.period
        fin = np.isfinite(per)
        if not affine_map.is_linear and np.any(np.abs(affine_map.translation[~fin]) > 1e-12):
            raise NotInvariantError(f"map {what} translates along a non-periodic axis of the mesh")
        scale = max(1.0, float(np.max(per[fin])))
    else:
        if not affine_map.is_linear:
            raise NotInvariantError(
                f"map {what} translates, but the mesh {mesh.name or ''} is not periodic: "
                "translations act on flat tori only"
            )
        scale = max(1.0, float(np.abs(v).max())) if n else 1.0
    radius = tol * scale
    hashed = _point_hash(mesh, radius)
    if hashed is None:  # high ambient dimension or a tolerance as large as the mesh
        perm, dist = _kdtree_images(mesh, affine_map)
    else:
        perm, dist = _hashed_images(mesh, affine_map, hashed, radius)
    bad = dist > radius
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        img = _images(mesh, affine_map)[i]
        d = mesh.wrap_difference(v - img[None, :])
        nearest = float(np.sqrt((d * d).sum(axis=1)).min())  # one vertex: brute force is fine
        raise NotInvariantError(
            f"the mesh {mesh.name or ''} is not invariant under {what}: vertex {i} at "
            f"{np.round(v[i], 6).tolist()} is mapped to {np.round(img, 6).tolist()}, which is "
            f"not a vertex (nearest vertex {nearest:.3g} away; {int(bad.sum())} vertices fail). "
            + _mesh_hint(mesh)
        )
    if np.bincount(perm, minlength=n).max(initial=0) > 1:
        raise NotInvariantError(
            f"the map {what} sends two vertices of the mesh {mesh.name or ''} to the same vertex "
            "(duplicate vertices in the mesh?)"
        )
    from ._kernels.orbits import first_unmapped_simplex

    s_sorted, table, count = _simplex_table(mesh)
    j, why = first_unmapped_simplex(s_sorted, table, count, perm)
    if why == 1:  # every image is a simplex, but the multisets differ
        raise NotInvariantError(
            f"the map {what} permutes the simplices of the mesh {mesh.name or ''} but not "
            "their multiplicities: the mesh lists some simplex more than once; remove the "
            "duplicate simplices"
        )
    if j >= 0:
        # the table is built on row-sorted simplices in mesh order: j indexes mesh.simplices
        raise NotInvariantError(
            f"the mesh {mesh.name or ''} is not invariant under {what}: vertices map onto "
            f"vertices, but simplex {j} = {mesh.simplices[j].tolist()} is mapped to "
            f"{sorted(perm[mesh.simplices[j]].tolist())}, which is not a simplex of the mesh "
            "(the reduced stiffness/mass would be wrong). " + _mesh_hint(mesh)
        )
    return perm


# Hashing looks at 2^D cells per query: beyond this ambient dimension the KD-tree is cheaper
_HASH_MAX_DIM = 6


def _images(mesh: Mesh, affine_map: AffineMap) -> np.ndarray:
    """Images of the vertices, wrapped into [0, L) along periodic axes."""
    v = mesh.vertices
    if not mesh.is_periodic:
        return v @ affine_map.linear.T
    per = mesh.period
    fin = np.isfinite(per)
    img = affine_map.apply(v, per)
    img[:, fin] = np.mod(img[:, fin], per[fin])
    # values rounded up to the period fold back to 0
    img[:, fin] = np.where(img[:, fin] >= per[fin], img[:, fin] - per[fin], img[:, fin])
    return img


def _wrapped_vertices(mesh: Mesh) -> np.ndarray:
    if not mesh.is_periodic:
        return mesh.vertices
    per = mesh.period
    fin = np.isfinite(per)
    pts = mesh.wrap_points(mesh.vertices)
    pts[:, fin] = np.where(pts[:, fin] >= per[fin], pts[:, fin] - per[fin], pts[:, fin])
    return pts


def _point_hash(mesh: Mesh, radius: float) -> tuple | None:
    """The vertices hashed by grid cell (cached per mesh and radius), or None where the
    KD-tree is the better tool (high ambient dimension, a radius as large as the mesh)."""
    from ._kernels.orbits import hash_points, min_edge_length

    D = mesh.ambient_dim
    n = mesh.n_vertices
    if D > _HASH_MAX_DIM or n == 0:
        return None
    cached = mesh._cache.get("point_hash")
    if cached is not None and cached[0] == radius:
        return cached[1]
    pts = np.ascontiguousarray(_wrapped_vertices(mesh), dtype=np.float64)
    per = mesh.period if mesh.is_periodic else np.full(D, np.inf)
    fin = np.isfinite(per)
    period = np.where(fin, per, 0.0)
    edge = float(mesh._cache.get("min_edge", -1.0))
    if edge < 0:
        edge = float(min_edge_length(pts, mesh.simplices, period))
        mesh._cache["min_edge"] = edge
    extent = float(np.abs(pts).max()) if pts.size else 1.0
    # half the shortest edge keeps about one vertex per cell; the cell must be at least twice
    # the matching radius for the 2^D-cell rule, and coarse enough for int64 cell indices
    h = max(0.5 * edge, 4.0 * radius, extent * 2.0**-40, 1e-300)
    ncell = np.where(fin, np.floor(np.where(fin, per, 1.0) / h), 0).astype(np.int64)
    ncell[fin] = np.maximum(ncell[fin], 1)
    cell = np.where(fin, np.where(fin, per, 1.0) / np.maximum(ncell, 1), h)
    if radius > 0.5 * float(cell.min()):
        return None  # a tolerance as large as the cells: the 2^D-cell rule would miss points
    bits = max(4, int(2 * n - 1).bit_length())
    head, nxt = hash_points(pts, cell, ncell, bits)
    out = (pts, cell, ncell, period, head, nxt)
    mesh._cache["point_hash"] = (radius, out)
    return out


def _hashed_images(mesh: Mesh, affine_map: AffineMap, hashed: tuple, radius: float
                   ) -> tuple[np.ndarray, np.ndarray]:
    from ._kernels.orbits import match_points

    pts, cell, ncell, period, head, nxt = hashed
    lin = np.ascontiguousarray(affine_map.linear, dtype=np.float64)
    shift = np.ascontiguousarray(affine_map.translation * period, dtype=np.float64)
    if not (np.isfinite(lin).all() and np.isfinite(shift).all()):
        raise NotInvariantError("the map has non-finite entries")
    return match_points(pts, head, nxt, cell, ncell, period, lin, shift, float(radius))


def _kdtree_images(mesh: Mesh, affine_map: AffineMap) -> tuple[np.ndarray, np.ndarray]:
    """Nearest vertex of every image by a KD-tree (the route of high ambient dimensions)."""
    v = mesh.vertices
    if mesh.is_periodic:
        per = mesh.period
        fin = np.isfinite(per)
        img = _images(mesh, affine_map)
        pts = _wrapped_vertices(mesh).copy()
        box = np.where(fin, per, 0.0)
        if not fin.all():  # non-periodic axes: shift to >= 0 and use a box too large to wrap
            lo = np.minimum(pts[:, ~fin].min(axis=0), img[:, ~fin].min(axis=0))
            hi = np.maximum(pts[:, ~fin].max(axis=0), img[:, ~fin].max(axis=0))
            pts[:, ~fin] -= lo
            img[:, ~fin] -= lo
            box[~fin] = 3 * (hi - lo) + 1.0
        tree = cKDTree(pts, boxsize=box)  # the box depends on the map: not cached
    else:
        img = v @ affine_map.linear.T
        tree = mesh._cache.get("kdtree")
        if tree is None:  # one tree per mesh serves every generator
            tree = mesh._cache["kdtree"] = cKDTree(v)
    dist, perm = tree.query(img, k=1, workers=-1)
    return perm.astype(np.int64), dist


def _simplex_table(mesh: Mesh) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Row-sorted simplices and their hash table with multiplicities (cached per mesh)."""
    from ._kernels.orbits import simplex_table

    cached = mesh._cache.get("simplex_table")
    if cached is None:
        s = np.ascontiguousarray(np.sort(mesh.simplices, axis=1), dtype=np.int64)
        bits = max(4, int(2 * s.shape[0] - 1).bit_length())
        table, count = simplex_table(s, bits)
        cached = mesh._cache["simplex_table"] = (s, table, count)
    return cached


def vertex_orbits(perms: np.ndarray) -> tuple[np.ndarray, int]:
    """Orbits of the group generated by vertex permutations (union-find, numba).

    Parameters
    ----------
    perms : array_like of shape (g, n), int
        One permutation of the n vertices per generator.

    Returns
    -------
    labels : ndarray of shape (n,), int64
        Orbit of each vertex, numbered in the order of the smallest vertex of each orbit.
    n_orbits : int
    """
    from ._kernels.orbits import orbit_labels

    p = np.ascontiguousarray(np.asarray(perms, dtype=np.int64))
    if p.ndim != 2:
        raise GroupError(f"perms must have shape (g, n); got shape {p.shape}")
    if p.size and (p.min() < 0 or p.max() >= p.shape[1]):
        raise GroupError("perms holds indices outside [0, n)")
    labels, count = orbit_labels(p)
    return labels, int(count)


# the public functions are documented under weylgain.quotient, their public path
for _obj in (vertex_permutation, vertex_orbits):
    _obj.__module__ = "weylgain.quotient"
del _obj
