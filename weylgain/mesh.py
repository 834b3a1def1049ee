"""The :class:`Mesh` type: a simplicial complex of intrinsic dimension k embedded in R^D.

Flat periodic meshes (tori) are represented exactly: vertex coordinates live in a box and
``period`` gives the length of each periodic axis, so edge vectors are taken modulo the period
(minimum image) instead of through an embedding into a higher-dimensional space.

Volumes are computed from the k x k minors of each simplex's edge matrix, scaled by the
simplex's own largest coordinate difference: they keep full relative accuracy for slivers (a
Gram determinant loses half the digits) and at any coordinate scale double precision can hold.
:func:`weld` merges coincident vertices and :func:`split_pinched` separates sheets that touch
at a single vertex; validation warns (:class:`~weylgain.errors.MeshWarning`) about both.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from ._mesh_checks import (  # noqa: F401 - the constants and helpers keep their public path
    COINCIDENT_FRACTION,
    DEGENERATE_RELATIVE_VOLUME,
    VOLUME_RANGE,
    _check_index_range,
    _corner_components,
    _norms,
    _readonly,
    _unique_rows,
    coincident_pairs,
    pinched_vertices,
    relative_volumes,
    validate,
    volume_parts,
    volumes_from_edges,
    warn_coincident,
    warn_pinched,
)
from .errors import MeshError, MeshWarning

__all__ = ["Mesh", "weld", "split_pinched", "coincident_pairs", "pinched_vertices",
           "volumes_from_edges"]


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
        # always, even with check=False: the numba kernels index vertices by these numbers
        # without bounds checks, so an index out of range would read (or crash) out of memory
        _check_index_range(self._simplices, n)
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
            with np.errstate(over="ignore", invalid="ignore"):  # validate() reports overflow
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
            unit, scale, _ = self._volume_parts()
            with np.errstate(over="ignore", under="ignore"):
                cached = _readonly(unit * scale**self.dim)
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
        return _norms(d)

    def mean_edge_length(self) -> float:
        """float: the mean edge length, the ``h`` of :mod:`weylgain.resolution`."""
        return float(self.edge_lengths().mean())

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
    # the checks live in weylgain._mesh_checks; bound here as methods (no extra frame,
    # so the MeshWarnings still point at the caller of Mesh(...))
    validate = validate
    relative_volumes = relative_volumes
    _volume_parts = volume_parts
    _warn_coincident = warn_coincident
    _warn_pinched = warn_pinched

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


# ====================================================================== seams and pinches


def weld(mesh: Mesh, tol: float | None = None) -> Mesh:
    """Merge vertices closer than ``tol`` into one (close an unwelded seam).

    Each cluster of vertices within ``tol`` of each other (transitively) becomes its
    lowest-numbered vertex, keeping that vertex's coordinates exactly. Simplices that collapse
    (two of their vertices merge) and simplices that become repeats of another are dropped;
    unused vertices are removed (the others keep their order).

    Parameters
    ----------
    mesh : Mesh
    tol : float, optional
        Distance below which vertices are merged; default ``1e-8`` times the shortest edge
        (the rule that makes validation warn about coincident vertices). Scanned meshes with
        seams of visible width need a larger value.

    Returns
    -------
    Mesh
        A new, validated mesh (the input is not modified).

    Raises
    ------
    MeshError
        If the welded mesh is invalid (a too large ``tol`` collapses whole simplices).
    """
    if not isinstance(mesh, Mesh):
        raise MeshError(f"weld needs a weylgain.Mesh; got {type(mesh).__name__}")
    from scipy.sparse import coo_matrix  # noqa: PLC0415
    from scipy.sparse.csgraph import connected_components  # noqa: PLC0415

    pairs = coincident_pairs(mesh, tol)
    n = mesh.n_vertices
    if pairs.shape[0] == 0:
        return Mesh(mesh.vertices, mesh.simplices, mesh.period, name=mesh.name)
    graph = coo_matrix((np.ones(pairs.shape[0], dtype=np.int8), (pairs[:, 0], pairs[:, 1])),
                       shape=(n, n))
    _, labels = connected_components(graph, directed=False)
    rep = np.full(labels.max() + 1, n, dtype=np.int64)
    np.minimum.at(rep, labels, np.arange(n))
    target = rep[labels]
    s = target[mesh.simplices]
    ss = np.sort(s, axis=1)
    keep = ~(ss[:, 1:] == ss[:, :-1]).any(axis=1)
    s, ss = s[keep], ss[keep]
    _, first = np.unique(ss, axis=0, return_index=True)
    s = s[np.sort(first)]
    used = np.unique(s)
    inv = np.full(n, -1, dtype=np.int64)
    inv[used] = np.arange(used.size)
    return Mesh(mesh.vertices[used], inv[s], mesh.period, name=mesh.name)


def split_pinched(mesh: Mesh) -> Mesh:
    """Give each sheet at a pinched (bowtie) vertex its own copy of the vertex.

    Parameters
    ----------
    mesh : Mesh

    Returns
    -------
    Mesh
        A new mesh with the same simplices (renumbered) in which no vertex is pinched; the
        copies share coordinates, so they are coincident vertices by construction.
    """
    if not isinstance(mesh, Mesh):
        raise MeshError(f"split_pinched needs a weylgain.Mesh; got {type(mesh).__name__}")
    if mesh.dim < 2:
        return Mesh(mesh.vertices, mesh.simplices, mesh.period, name=mesh.name)
    cv, labels = _corner_components(mesh)
    pairs, corner_to_new = np.unique(np.stack([cv, labels], axis=1), axis=0, return_inverse=True)
    s = corner_to_new.reshape(mesh.simplices.shape).astype(np.int64)
    # back to the original vertex order within each simplex (corners were sorted per row)
    order = np.argsort(np.argsort(mesh.simplices, axis=1), axis=1)
    s = np.take_along_axis(s, order, axis=1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", MeshWarning)  # the copies coincide on purpose
        return Mesh(mesh.vertices[pairs[:, 0]], s, mesh.period, name=mesh.name)


def _asarray(x: Any, what: str) -> np.ndarray:
    try:
        return np.asarray(x)
    except (ValueError, TypeError) as exc:  # ragged nested lists, odd objects
        raise MeshError(
            f"{what} must be a rectangular array; could not convert the input ({exc})"
        ) from None


def _as_vertices(vertices: Any) -> np.ndarray:
    a = _asarray(vertices, "vertices")
    if a.dtype == object or a.dtype.kind not in "iuf":
        raise MeshError(
            f"vertices must be a real numeric array of shape (n, D); got dtype {a.dtype}"
        )
    if a.ndim != 2:
        raise MeshError(f"vertices must have shape (n, D); got shape {a.shape}")
    return np.array(a, dtype=np.float64, order="C", copy=True)


def _as_simplices(simplices: Any) -> np.ndarray:
    a = _asarray(simplices, "simplices")
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
    try:
        p = np.asarray(period, dtype=np.float64)
    except (ValueError, TypeError):
        raise MeshError(
            f"period must be a positive number or {D} of them (np.inf for a non-periodic "
            f"axis); got {period!r}"
        ) from None
    if p.ndim == 0:
        p = np.full(D, float(p))
    if p.shape != (D,):
        raise MeshError(f"period must be a scalar or have shape ({D},); got shape {p.shape}")
    if np.isnan(p).any() or (p <= 0).any():
        raise MeshError(f"periods must be positive (np.inf for a non-periodic axis); got {p}")
    return p
