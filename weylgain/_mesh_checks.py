"""Structural and geometric checks of a simplicial mesh, and the volume arithmetic they use.

Private: :class:`weylgain.mesh.Mesh` binds :func:`validate`, :func:`relative_volumes` and
the warnings as its methods, and :mod:`weylgain.mesh` re-exports the public helpers
(:func:`~weylgain.mesh.coincident_pairs`, :func:`~weylgain.mesh.pinched_vertices`,
:func:`~weylgain.mesh.volumes_from_edges`). Nothing here imports the Mesh type: a mesh is
read through its attributes.
"""

from __future__ import annotations

import warnings
from itertools import combinations
from math import comb, factorial
from typing import Any

import numpy as np

from .errors import MeshError, MeshWarning

# a weylgain.mesh.Mesh (not imported: weylgain.mesh imports this module)
Mesh = Any

# A simplex whose volume is below this fraction of (longest edge)^k / k! is degenerate: its
# stiffness entries (cotangents) would be of order 1/fraction, and its shape is lost in rounding.
DEGENERATE_RELATIVE_VOLUME = 1e-10
# Simplex volumes outside this range cannot be carried through assembly and eigenvalue
# arithmetic in double precision (mass entries would underflow, products overflow).
VOLUME_RANGE = (1e-300, 1e300)
# Distinct vertices closer than this fraction of the shortest edge are reported as coincident.
COINCIDENT_FRACTION = 1e-8


def validate(self) -> None:
    """Run every structural and geometric check; raise :class:`MeshError` on failure.

    Checks: finite coordinates, index range, no repeated index in a simplex, no simplex
    listed twice, no unused vertex, simplices shorter than half a period, no degenerate
    simplex (relative to its own edge lengths, so at any coordinate scale), volumes that
    double precision can carry, no facet shared by more than two simplices. Warns
    (:class:`~weylgain.errors.MeshWarning`) about coincident distinct vertices (an
    unwelded seam: see :func:`weld`) and pinched vertices (see :func:`split_pinched`).
    """
    v, s = self._vertices, self._simplices
    n = v.shape[0]
    if n == 0 or s.shape[0] == 0:
        raise MeshError("a mesh needs at least one vertex and one simplex")
    bad = ~np.isfinite(v).all(axis=1)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise MeshError(
            f"vertex {i} has a non-finite coordinate {v[i].tolist()}; "
            f"{int(bad.sum())} vertices are affected"
        )
    _check_index_range(s, n)
    ss = np.sort(s, axis=1)
    rep = (ss[:, 1:] == ss[:, :-1]).any(axis=1)
    if rep.any():
        row = int(np.flatnonzero(rep)[0])
        raise MeshError(f"simplex {row} = {s[row].tolist()} repeats a vertex index")
    twice = _duplicate_rows(ss)
    if twice is not None:
        a, b, total = twice
        raise MeshError(
            f"simplex {b} = {s[b].tolist()} repeats simplex {a} = {s[a].tolist()} (the same "
            f"vertices; {total} repeated simplices in all): each simplex must be listed once, "
            "or its area is counted twice; remove the repeats, e.g. with "
            "np.unique(np.sort(simplices, axis=1), axis=0)"
        )
    used = np.zeros(n, dtype=bool)
    used[s.ravel()] = True
    if not used.all():
        i = int(np.flatnonzero(~used)[0])
        raise MeshError(
            f"vertex {i} belongs to no simplex ({int((~used).sum())} unused vertices); "
            "remove unused vertices before building the mesh"
        )
    e = self.edge_vectors()
    if not np.isfinite(e).all():
        row = int(np.flatnonzero(~np.isfinite(e).all(axis=(1, 2)))[0])
        raise MeshError(
            f"the edge vectors of simplex {row} = {s[row].tolist()} overflow double "
            "precision (coordinates near 1e308); rescale the vertices"
        )
    if self.is_periodic:
        # minimum-image edges are ambiguous at exactly half a period: such a simplex
        # could wrap either way round the torus
        per = self._period
        fin = np.isfinite(per)
        too_long = (np.abs(e[..., fin]) >= 0.5 * per[fin] * (1 - 1e-9)).any(axis=(1, 2))
        if too_long.any():
            row = int(np.flatnonzero(too_long)[0])
            raise MeshError(
                f"simplex {row} spans half a period or more along a periodic axis; "
                "refine the mesh so that each simplex is smaller than half the period"
            )
    quality = self.relative_volumes()
    degenerate = ~(quality > DEGENERATE_RELATIVE_VOLUME)
    if degenerate.any():
        row = int(np.flatnonzero(degenerate)[0])
        raise MeshError(
            f"simplex {row} = {s[row].tolist()} is degenerate: its volume is "
            f"{quality[row]:.3g} times that of a simplex of its longest edge (at least "
            f"{DEGENERATE_RELATIVE_VOLUME:g} is needed; its vertices are collinear or "
            f"coplanar up to rounding); {int(degenerate.sum())} degenerate simplices in "
            "all. Remove or repair them (collapse the short edge, or weld the vertices with "
            "weylgain.mesh.weld)"
        )
    vol = self.simplex_volumes()
    lo, hi = VOLUME_RANGE
    total = float(vol.sum())
    out = ~((vol >= lo) & (vol <= hi))
    if out.any() or not (total <= hi):
        row = int(np.flatnonzero(out)[0]) if out.any() else int(np.argmax(vol))
        size = float(np.abs(e[row]).max())
        raise MeshError(
            f"simplex {row} has {self.dim}-volume {vol[row]:.3g} (mesh volume {total:.3g}), "
            f"outside the range {lo:g} to {hi:g} that double precision can carry through "
            f"assembly and eigenvalue arithmetic: its edges are of order {size:.1e}. "
            f"Rescale the vertices (e.g. multiply by {1.0 / size:.0e}); eigenvalues scale "
            "by the inverse square of the factor"
        )
    faces, counts = self.facets()
    over = counts > 2
    if over.any():
        j = int(np.flatnonzero(over)[0])
        raise MeshError(
            f"facet {faces[j].tolist()} is shared by {int(counts[j])} simplices; a manifold "
            "mesh allows at most two (the mesh is not a manifold)"
        )
    self._warn_coincident()
    self._warn_pinched()


def relative_volumes(self) -> np.ndarray:
    """ndarray of shape (m,): each simplex's volume over (its longest edge)^k / k!.

    Scale-free shape quality: about 0.7 to 0.9 for well-shaped simplices, 0 for flat ones.
    """
    cached = self._cache.get("relative_volumes")
    if cached is None:
        unit, scale, en = self._volume_parts()
        k = self.dim
        longest = np.zeros(en.shape[0])  # squared, over every edge (not only at vertex 0)
        for a in range(k):
            np.maximum(longest, _row_sq(en[:, a]), out=longest)
            for b in range(a + 1, k):
                np.maximum(longest, _row_sq(en[:, b] - en[:, a]), out=longest)
        longest = np.sqrt(longest)
        cached = _readonly(unit / (np.where(longest > 0, longest, 1.0) ** k / factorial(k)))
        self._cache["relative_volumes"] = cached
    return cached


def volume_parts(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Volumes of the simplices scaled to unit largest coordinate difference, that
    scale, and the scaled edge vectors."""
    cached = self._cache.get("volume_parts")
    if cached is None:
        cached = _scaled_volumes(self.edge_vectors(), return_scaled=True)
        self._cache["volume_parts"] = cached
    return cached


def warn_coincident(self) -> None:
    pairs = coincident_pairs(self)
    if pairs.shape[0]:
        i, j = (int(x) for x in pairs[0])
        d = float(_norms(self.wrap_difference(self._vertices[j] - self._vertices[i])[None])[0])
        warnings.warn(
            f"{pairs.shape[0]} pairs of distinct vertices coincide (e.g. vertices {i} and "
            f"{j}, {d:.3g} apart): an unwelded seam? The mesh is treated as cut there (no "
            "coupling across it). If they should be one vertex, weld them with "
            "weylgain.mesh.weld(mesh)",
            MeshWarning, stacklevel=4,
        )


def warn_pinched(self) -> None:
    pinched, sheets = pinched_vertices(self)
    if pinched.size:
        i = int(pinched[0])
        warnings.warn(
            f"{pinched.size} pinched vertices (e.g. vertex {i}, where {int(sheets[0])} "
            "sheets of simplices meet only at that vertex, a bowtie): the mesh is not a "
            "manifold there and the sheets are coupled through that single vertex. If they "
            "should not touch, separate them with weylgain.mesh.split_pinched(mesh)",
            MeshWarning, stacklevel=4,
        )


def _readonly(a: np.ndarray) -> np.ndarray:
    a.setflags(write=False)
    return a


def volumes_from_edges(edges: np.ndarray) -> np.ndarray:
    """j-volumes of simplices given by their j edge vectors from one vertex.

    Parameters
    ----------
    edges : ndarray of shape (m, j, D)

    Returns
    -------
    ndarray of shape (m,)
        sqrt(sum of the squared j x j minors of the edge matrix) / j! (Cauchy-Binet: the same
        as sqrt(det(E E^T)) / j!, so any ambient dimension D >= j works), computed on edges
        scaled by each simplex's largest coordinate difference: full relative accuracy for
        slivers, and no overflow or underflow of squares at coordinates of order 1e+-160.
        A volume beyond the float64 range is inf (or 0).
    """
    unit, scale = _scaled_volumes(np.asarray(edges, dtype=np.float64))
    j = edges.shape[1]
    with np.errstate(over="ignore", under="ignore"):
        return unit * scale**j


def _row_sq(a: np.ndarray) -> np.ndarray:
    """Squared norms of the rows of a 2-d array (columns summed one by one: fast for few)."""
    out = a[:, 0] * a[:, 0]
    for j in range(1, a.shape[1]):
        out += a[:, j] * a[:, j]
    return out


def _abs_max_per_simplex(edges: np.ndarray) -> np.ndarray:
    """max |edges[e, i, d]| over i, d (an elementwise loop over the few columns: numpy's
    reduction over two short trailing axes is several times slower)."""
    m, j, D = edges.shape
    flat = edges.reshape(m, j * D)
    out = np.abs(flat[:, 0])
    for c in range(1, j * D):
        np.maximum(out, np.abs(flat[:, c]), out=out)
    return out


def _scaled_volumes(edges: np.ndarray, return_scaled: bool = False):
    """Volumes of the simplices with edges divided by their largest |coordinate|, and it."""
    m, j, D = edges.shape
    if m == 0 or j == 0 or D == 0:
        unit, scale = (np.ones(m) if j == 0 else np.zeros(m)), np.ones(m)
        return (unit, scale, edges) if return_scaled else (unit, scale)
    scale = _abs_max_per_simplex(edges)
    safe = np.where(scale > 0, scale, 1.0)
    en = edges / safe[:, None, None]
    if j == 1:
        unit = np.sqrt(_row_sq(en[:, 0, :]))
    elif j == 2 and D == 2:
        unit = np.abs(en[:, 0, 0] * en[:, 1, 1] - en[:, 0, 1] * en[:, 1, 0])
    elif j == 2 and D == 3:
        a, b = en[:, 0], en[:, 1]
        c0 = a[:, 1] * b[:, 2] - a[:, 2] * b[:, 1]
        c1 = a[:, 2] * b[:, 0] - a[:, 0] * b[:, 2]
        c2 = a[:, 0] * b[:, 1] - a[:, 1] * b[:, 0]
        unit = np.sqrt(c0 * c0 + c1 * c1 + c2 * c2)
    elif j == D:
        unit = np.abs(np.linalg.det(en))
    elif comb(D, j) <= 64:
        acc = np.zeros(m)
        for cols in combinations(range(D), j):
            acc += np.linalg.det(en[:, :, list(cols)]) ** 2
        unit = np.sqrt(acc)
    else:  # many minors: the R factor of a QR of E^T (backward stable as well)
        r = np.linalg.qr(np.transpose(en, (0, 2, 1)), mode="r")
        unit = np.abs(np.diagonal(r, axis1=1, axis2=2)).prod(axis=1)
    unit = np.where(scale > 0, unit, 0.0) / factorial(j)
    return (unit, scale, en) if return_scaled else (unit, scale)


def _norms(d: np.ndarray) -> np.ndarray:
    """Euclidean norms of the rows of d (..., D) without overflow or underflow of squares."""
    if d.shape[-1] == 0:
        return np.zeros(d.shape[:-1])
    scale = np.abs(d).max(axis=-1)
    safe = np.where(scale > 0, scale, 1.0)
    return scale * np.sqrt(((d / safe[..., None]) ** 2).sum(axis=-1))


def _check_index_range(simplices: np.ndarray, n: int) -> None:
    if simplices.size == 0:
        return
    if simplices.min() < 0 or simplices.max() >= n:
        s = simplices
        row = int(np.flatnonzero((s < 0).any(axis=1) | (s >= n).any(axis=1))[0])
        raise MeshError(
            f"simplex {row} = {s[row].tolist()} has a vertex index outside [0, {n - 1}] "
            f"(the mesh has {n} vertices, numbered from 0)"
        )


def _duplicate_rows(sorted_rows: np.ndarray) -> tuple[int, int, int] | None:
    """(first, repeat, number of repeats) of rows listed more than once, or None."""
    if sorted_rows.shape[0] < 2:
        return None
    order = np.lexsort(sorted_rows.T[::-1])
    srt = sorted_rows[order]
    same = (srt[1:] == srt[:-1]).all(axis=1)
    if not same.any():
        return None
    p = int(np.flatnonzero(same)[0])
    a, b = sorted((int(order[p]), int(order[p + 1])))
    return a, b, int(same.sum())


def coincident_pairs(mesh: Mesh, tol: float | None = None) -> np.ndarray:
    """Pairs of distinct vertices closer than ``tol``.

    Parameters
    ----------
    mesh : Mesh
    tol : float, optional
        Distance; default ``1e-8`` times the shortest edge (periodic axes: minimum image
        only when every axis is periodic).

    Returns
    -------
    ndarray of shape (p, 2), int64
        Sorted pairs i < j, in lexicographic order.
    """
    from scipy.spatial import cKDTree  # noqa: PLC0415 - only validation needs it

    v = mesh.vertices
    if v.shape[0] < 2:
        return np.zeros((0, 2), dtype=np.int64)
    if tol is None:
        tol = COINCIDENT_FRACTION * float(mesh.edge_lengths().min())
    try:
        tol = float(tol) if not isinstance(tol, (str, bytes)) else np.nan
    except (TypeError, ValueError):
        tol = np.nan
    if not np.isfinite(tol) or tol < 0:
        from .errors import ParameterError  # noqa: PLC0415

        raise ParameterError(f"tol must be a finite distance >= 0; got {tol}")
    boxsize = None
    pts = v
    if mesh.is_periodic:
        pts = mesh.wrap_points(v)
        if np.isfinite(mesh.period).all():
            boxsize = mesh.period
    # normalized coordinates: the tree squares distances, which would underflow at 1e-160
    lo = pts.min(axis=0)
    span = float(np.abs(pts - lo).max()) or 1.0
    if boxsize is not None:
        span = float(boxsize.max())
        tree = cKDTree((pts - 0.0) / span, boxsize=boxsize / span)
    else:
        tree = cKDTree((pts - lo) / span)
    pairs = tree.query_pairs(tol / span, output_type="ndarray").astype(np.int64)
    if pairs.shape[0] == 0:
        return np.zeros((0, 2), dtype=np.int64)
    pairs.sort(axis=1)
    return pairs[np.lexsort(pairs.T[::-1])]


def _corner_components(mesh: Mesh) -> tuple[np.ndarray, np.ndarray]:
    """Connected components of each vertex's star, joined through facets containing it.

    Returns (vertex of each corner (m*(k+1),), component label of each corner); corner
    ``e*(k+1)+a`` is vertex ``a`` (sorted order) of simplex ``e``.
    """
    from scipy.sparse import coo_matrix  # noqa: PLC0415
    from scipy.sparse.csgraph import connected_components  # noqa: PLC0415

    ss = np.sort(mesh.simplices, axis=1)
    m, k1 = ss.shape
    corner_vertex = ss.ravel()
    if k1 < 2:
        return corner_vertex, np.arange(corner_vertex.size)
    faces = np.concatenate([np.delete(ss, i, axis=1) for i in range(k1)])  # (k1*m, k)
    owner = np.tile(np.arange(m), k1)
    omitted = np.repeat(np.arange(k1), m)
    order = np.lexsort(faces.T[::-1])
    srt = faces[order]
    same = np.flatnonzero((srt[1:] == srt[:-1]).all(axis=1))
    if same.size == 0:
        return corner_vertex, np.arange(corner_vertex.size)
    fa, fb = order[same], order[same + 1]
    p = np.arange(k1 - 1)
    # facet position p is local position p (before the omitted vertex) or p + 1 (after)
    pos_a = p[None, :] + (p[None, :] >= omitted[fa][:, None])
    pos_b = p[None, :] + (p[None, :] >= omitted[fb][:, None])
    ca = (owner[fa][:, None] * k1 + pos_a).ravel()
    cb = (owner[fb][:, None] * k1 + pos_b).ravel()
    nc = m * k1
    graph = coo_matrix((np.ones(ca.size, dtype=np.int8), (ca, cb)), shape=(nc, nc))
    _, labels = connected_components(graph, directed=False)
    return corner_vertex, labels.astype(np.int64)


def pinched_vertices(mesh: Mesh) -> tuple[np.ndarray, np.ndarray]:
    """Vertices whose star falls apart into several sheets (bowtie vertices).

    Returns
    -------
    vertices : ndarray of shape (p,), int64
        Pinched vertices, increasing.
    sheets : ndarray of shape (p,), int64
        How many sheets meet at each.
    """
    if mesh.dim < 2:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    cv, labels = _corner_components(mesh)
    pairs, _ = _unique_rows(np.stack([cv, labels], axis=1))  # packed keys: fast
    counts = np.bincount(pairs[:, 0], minlength=mesh.n_vertices)
    pinched = np.flatnonzero(counts > 1)
    return pinched.astype(np.int64), counts[pinched].astype(np.int64)


def _unique_rows(rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Unique rows of a non-negative int64 array and their multiplicities.

    Packs each row into one int64 key when it fits (np.unique(axis=0) is 10x slower).
    """
    if rows.shape[0] == 0:
        return rows.copy(), np.zeros(0, dtype=np.int64)
    base = int(rows.max()) + 1
    width = rows.shape[1]
    if base ** width < 2**62:
        key = np.zeros(rows.shape[0], dtype=np.int64)
        for j in range(width):
            key = key * base + rows[:, j]
        uk, first, counts = np.unique(key, return_index=True, return_counts=True)
        return rows[first], counts.astype(np.int64)
    order = np.lexsort(rows.T[::-1])
    srt = rows[order]
    new = np.ones(srt.shape[0], dtype=bool)
    new[1:] = (srt[1:] != srt[:-1]).any(axis=1)
    starts = np.flatnonzero(new)
    counts = np.diff(np.append(starts, srt.shape[0]))
    return srt[starts], counts.astype(np.int64)


# the public helpers are documented (and pickled) under weylgain.mesh, their public path
for _obj in (coincident_pairs, pinched_vertices, volumes_from_edges):
    _obj.__module__ = "weylgain.mesh"
del _obj
