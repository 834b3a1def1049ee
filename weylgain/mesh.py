"""The :class:`Mesh` type: a simplicial complex of intrinsic dimension k embedded in R^D.

Flat periodic meshes (tori) are represented exactly: vertex coordinates live in a box and
``period`` gives the length of each periodic axis, so edge vectors are taken modulo the period
(minimum image) instead of through an embedding into a higher-dimensional space.
"""

from __future__ import annotations

from math import factorial
from typing import Any

import numpy as np

from .errors import MeshError

__all__ = ["Mesh"]


def _readonly(a: np.ndarray) -> np.ndarray:
    a.setflags(write=False)
    return a


class Mesh:
    """A simplicial mesh of a k-manifold (possibly with boundary) embedded in R^D.

    Parameters
    ----------
    vertices : array_like of shape (n, D)
        Vertex coordinates; converted to float64 (a copy is made, the input is never modified).
    simplices : array_like of shape (m, k + 1)
        Vertex indices of each simplex, an integer array; converted to int64. 1 <= k <= 4, k <= D.
    period : float or array_like of shape (D,), optional
        Period of each coordinate axis for flat periodic meshes (tori). ``np.inf`` marks a
        non-periodic axis; a scalar applies to every axis. Edge vectors are reduced to the
        minimum image, so every simplex must be smaller than half a period in each direction.
    name : str, optional
        A label used in reports.
    check : bool, default True
        Validate the mesh (finite coordinates, index range, no repeated index in a simplex, no
        degenerate simplex, no unused vertex, no facet shared by more than two simplices).

    Raises
    ------
    MeshError
        If any check fails; the message names the offending simplex or vertex.

    Examples
    --------
    >>> import numpy as np
    >>> from weylgain import Mesh
    >>> m = Mesh(np.array([[0.0, 0], [1, 0], [0, 1]]), np.array([[0, 1, 2]]))
    >>> m.dim, m.ambient_dim, round(m.volume, 12)
    (2, 2, 0.5)
    """

    __slots__ = ("_vertices", "_simplices", "_period", "name", "_cache")

    def __init__(
        self,
        vertices: Any,
        simplices: Any,
        period: Any = None,
        *,
        name: str | None = None,
        check: bool = True,
    ) -> None:
        vertices = _as_vertices(vertices)
        simplices = _as_simplices(simplices)
        n, D = vertices.shape
        k = simplices.shape[1] - 1
        if not 1 <= k <= 4:
            raise MeshError(
                f"simplices must have 2 to 5 vertices (intrinsic dimension 1 to 4); got {k + 1}"
            )
        if k > D:
            raise MeshError(
                f"a {k}-dimensional simplex cannot be embedded in R^{D}: vertices have {D} "
                f"coordinates but simplices have {k + 1} vertices"
            )
        self._vertices = _readonly(vertices)
        self._simplices = _readonly(simplices)
        self._period = None if period is None else _readonly(_as_period(period, D))
        self.name = name
        self._cache: dict[str, Any] = {}
        if check:
            self.validate()

    # ------------------------------------------------------------------ basic properties
    @property
    def vertices(self) -> np.ndarray:
        """ndarray of shape (n, D), float64, read-only: vertex coordinates."""
        return self._vertices

    @property
    def simplices(self) -> np.ndarray:
        """ndarray of shape (m, k + 1), int64, read-only: vertex indices of each simplex."""
        return self._simplices

    @property
    def period(self) -> np.ndarray | None:
        """ndarray of shape (D,) or None: axis periods of a flat periodic mesh (inf: not periodic)."""
        return self._period

    @property
    def n_vertices(self) -> int:
        return int(self._vertices.shape[0])

    @property
    def n_simplices(self) -> int:
        return int(self._simplices.shape[0])

    @property
    def dim(self) -> int:
        """Intrinsic dimension k."""
        return int(self._simplices.shape[1] - 1)

    @property
    def ambient_dim(self) -> int:
        """Embedding dimension D."""
        return int(self._vertices.shape[1])

    @property
    def is_periodic(self) -> bool:
        return self._period is not None and bool(np.isfinite(self._period).any())

    def __repr__(self) -> str:
        label = f" {self.name!r}" if self.name else ""
        per = ", periodic" if self.is_periodic else ""
        return (
            f"<Mesh{label}: {self.n_vertices} vertices, {self.n_simplices} {self.dim}-simplices "
            f"in R^{self.ambient_dim}{per}>"
        )

    # ------------------------------------------------------------------ geometry
    def edge_vectors(self) -> np.ndarray:
        """Edge vectors x_i - x_0 of every simplex.

        Returns
        -------
        ndarray of shape (m, k, D)
            Minimum-image differences for periodic axes.
        """
        cached = self._cache.get("edges")
        if cached is None:
            v = self._vertices
            s = self._simplices
            e = v[s[:, 1:]] - v[s[:, :1]]
            e = self.wrap_difference(e)
            cached = _readonly(np.ascontiguousarray(e))
            self._cache["edges"] = cached
        return cached

    def wrap_difference(self, diff: np.ndarray) -> np.ndarray:
        """Reduce coordinate differences to the minimum image along periodic axes."""
        if not self.is_periodic:
            return diff
        per = self._period
        finite = np.isfinite(per)
        out = np.array(diff, dtype=np.float64, copy=True)
        if finite.all():
            out -= per * np.round(out / per)
            return out
        p = per[finite]
        out[..., finite] -= p * np.round(out[..., finite] / p)
        return out

    def wrap_points(self, x: np.ndarray) -> np.ndarray:
        """Map points into the fundamental box [0, period) along periodic axes."""
        if not self.is_periodic:
            return np.asarray(x, dtype=np.float64)
        out = np.array(x, dtype=np.float64, copy=True)
        finite = np.isfinite(self._period)
        out[..., finite] = np.mod(out[..., finite], self._period[finite])
        return out

    def simplex_volumes(self) -> np.ndarray:
        """ndarray of shape (m,): k-dimensional volume of each simplex (from the Gram matrix)."""
        cached = self._cache.get("volumes")
        if cached is None:
            e = self.edge_vectors()
            cached = _readonly(volumes_from_edges(e))
            self._cache["volumes"] = cached
        return cached

    @property
    def volume(self) -> float:
        """Total k-dimensional volume."""
        return float(self.simplex_volumes().sum())

    @property
    def h(self) -> float:
        """Longest edge length (the mesh size)."""
        return float(self.edge_lengths().max())

    def edge_lengths(self) -> np.ndarray:
        """ndarray of shape (n_edges,): length of every edge."""
        ed = self.edges()
        d = self.wrap_difference(self._vertices[ed[:, 1]] - self._vertices[ed[:, 0]])
        return np.sqrt((d * d).sum(axis=1))

    def edges(self) -> np.ndarray:
        """ndarray of shape (n_edges, 2), int64: unique edges, sorted (i < j)."""
        cached = self._cache.get("edge_list")
        if cached is None:
            s = self._simplices
            k1 = s.shape[1]
            pairs = [(i, j) for i in range(k1) for j in range(i + 1, k1)]
            e = np.concatenate([s[:, [i, j]] for i, j in pairs])
            e.sort(axis=1)
            cached = _readonly(_unique_rows(e)[0])
            self._cache["edge_list"] = cached
        return cached

    def facets(self) -> tuple[np.ndarray, np.ndarray]:
        """Unique (k-1)-faces and how many simplices share each.

        Returns
        -------
        faces : ndarray of shape (f, k), int64
            Sorted vertex indices of each facet.
        counts : ndarray of shape (f,), int64
            Number of simplices containing the facet (1 on the boundary, 2 inside).
        """
        cached = self._cache.get("facets")
        if cached is None:
            s = np.sort(self._simplices, axis=1)
            k1 = s.shape[1]
            f = np.concatenate([np.delete(s, i, axis=1) for i in range(k1)])
            faces, counts = _unique_rows(f)
            cached = (_readonly(faces), _readonly(counts))
            self._cache["facets"] = cached
        return cached

    def boundary_facets(self) -> np.ndarray:
        """ndarray of shape (b, k), int64: facets that belong to exactly one simplex."""
        faces, counts = self.facets()
        return faces[counts == 1]

    @property
    def is_closed(self) -> bool:
        """True when the mesh has no boundary facet."""
        return self.boundary_facets().shape[0] == 0

    def boundary_volume(self) -> float:
        """(k-1)-dimensional volume of the boundary."""
        return float(self.face_volumes(self.boundary_facets()).sum())

    def face_volumes(self, faces: np.ndarray) -> np.ndarray:
        """(k-1)-volumes of faces given by k vertex indices each (1 per point when k = 1).

        Parameters
        ----------
        faces : ndarray of shape (f, k), int
            Vertex indices, e.g. from :meth:`facets`.

        Returns
        -------
        ndarray of shape (f,)
        """
        faces = np.asarray(faces, dtype=np.int64)
        if faces.shape[0] == 0 or self.dim == 1:
            return np.ones(faces.shape[0])  # points: counting measure
        v = self._vertices
        e = self.wrap_difference(v[faces[:, 1:]] - v[faces[:, :1]])
        return volumes_from_edges(e)

    # ------------------------------------------------------------------ validation
    def validate(self) -> None:
        """Run every structural and geometric check; raise :class:`MeshError` on failure."""
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
        if s.min() < 0 or s.max() >= n:
            row = int(np.flatnonzero((s < 0).any(axis=1) | (s >= n).any(axis=1))[0])
            raise MeshError(
                f"simplex {row} = {s[row].tolist()} has a vertex index outside [0, {n - 1}]"
            )
        ss = np.sort(s, axis=1)
        rep = (ss[:, 1:] == ss[:, :-1]).any(axis=1)
        if rep.any():
            row = int(np.flatnonzero(rep)[0])
            raise MeshError(f"simplex {row} = {s[row].tolist()} repeats a vertex index")
        used = np.zeros(n, dtype=bool)
        used[s.ravel()] = True
        if not used.all():
            i = int(np.flatnonzero(~used)[0])
            raise MeshError(
                f"vertex {i} belongs to no simplex ({int((~used).sum())} unused vertices); "
                "remove unused vertices before building the mesh"
            )
        if self.is_periodic:
            # minimum-image edges are ambiguous at exactly half a period: such a simplex
            # could wrap either way round the torus
            per = self._period
            fin = np.isfinite(per)
            e = self.edge_vectors()
            too_long = (np.abs(e[..., fin]) >= 0.5 * per[fin] * (1 - 1e-9)).any(axis=(1, 2))
            if too_long.any():
                row = int(np.flatnonzero(too_long)[0])
                raise MeshError(
                    f"simplex {row} spans half a period or more along a periodic axis; "
                    "refine the mesh so that each simplex is smaller than half the period"
                )
        vol = self.simplex_volumes()
        lengths = np.sqrt((self.edge_vectors() ** 2).sum(axis=2)).max(axis=1)
        scale = lengths ** self.dim / factorial(self.dim)
        degenerate = ~(vol > 1e-10 * scale)
        if degenerate.any():
            row = int(np.flatnonzero(degenerate)[0])
            raise MeshError(
                f"simplex {row} = {s[row].tolist()} is degenerate (volume {vol[row]:.3g}, "
                f"against {scale[row]:.3g} for its edge length); "
                f"{int(degenerate.sum())} degenerate simplices in all"
            )
        faces, counts = self.facets()
        over = counts > 2
        if over.any():
            j = int(np.flatnonzero(over)[0])
            raise MeshError(
                f"facet {faces[j].tolist()} is shared by {int(counts[j])} simplices; a manifold "
                "mesh allows at most two (the mesh is not a manifold)"
            )

    # ------------------------------------------------------------------ misc
    def with_name(self, name: str) -> "Mesh":
        """The same mesh with another label (no copy of the arrays, no re-validation)."""
        m = Mesh.__new__(Mesh)
        m._vertices, m._simplices, m._period = self._vertices, self._simplices, self._period
        m.name = name
        m._cache = self._cache
        return m

    def renumbered(self, order: np.ndarray) -> "Mesh":
        """The same mesh with vertex ``order[i]`` becoming vertex ``i``."""
        order = np.asarray(order, dtype=np.int64)
        if order.shape != (self.n_vertices,) or not np.array_equal(
            np.sort(order), np.arange(self.n_vertices)
        ):
            raise MeshError("order must be a permutation of the vertex indices")
        inv = np.empty_like(order)
        inv[order] = np.arange(order.size)
        return Mesh(self._vertices[order], inv[self._simplices], self._period, name=self.name,
                    check=False)


def volumes_from_edges(edges: np.ndarray) -> np.ndarray:
    """j-volumes of simplices given by their j edge vectors from one vertex.

    Parameters
    ----------
    edges : ndarray of shape (m, j, D)

    Returns
    -------
    ndarray of shape (m,)
        sqrt(det(E E^T)) / j!, from the Gram matrix, so any ambient dimension D >= j works.
    """
    j = edges.shape[1]
    gram = np.einsum("mid,mjd->mij", edges, edges)
    det = gram[:, 0, 0] if j == 1 else np.linalg.det(gram)
    return np.sqrt(np.clip(det, 0.0, None)) / factorial(j)


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


def _as_vertices(vertices: Any) -> np.ndarray:
    a = np.asarray(vertices)
    if a.dtype == object or a.dtype.kind not in "iuf":
        raise MeshError(
            f"vertices must be a real numeric array of shape (n, D); got dtype {a.dtype}"
        )
    if a.ndim != 2:
        raise MeshError(f"vertices must have shape (n, D); got shape {a.shape}")
    return np.array(a, dtype=np.float64, order="C", copy=True)


def _as_simplices(simplices: Any) -> np.ndarray:
    a = np.asarray(simplices)
    if a.dtype.kind == "f":
        if a.size and not np.all(np.isfinite(a) & (a == np.round(a))):
            raise MeshError("simplices must hold integer vertex indices; got non-integer floats")
        raise MeshError(
            f"simplices must be an integer array of shape (m, k + 1); got dtype {a.dtype} "
            "(convert with .astype(np.int64) if the values are indices)"
        )
    if a.dtype.kind not in "iu":
        raise MeshError(
            f"simplices must be an integer array of shape (m, k + 1); got dtype {a.dtype}"
        )
    if a.ndim != 2:
        raise MeshError(f"simplices must have shape (m, k + 1); got shape {a.shape}")
    if a.dtype.kind == "u" and a.size and a.max() > np.iinfo(np.int64).max:
        raise MeshError("simplex indices do not fit in int64")
    return np.array(a, dtype=np.int64, order="C", copy=True)


def _as_period(period: Any, D: int) -> np.ndarray:
    p = np.asarray(period, dtype=np.float64)
    if p.ndim == 0:
        p = np.full(D, float(p))
    if p.shape != (D,):
        raise MeshError(f"period must be a scalar or have shape ({D},); got shape {p.shape}")
    if np.isnan(p).any() or (p <= 0).any():
        raise MeshError(f"periods must be positive (np.inf for a non-periodic axis); got {p}")
    return p
