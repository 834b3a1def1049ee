"""T^d/G without T^d: the reduced pencil of a flat torus grid mesh at the cost of M/G.

The tori of :func:`weylgain.meshes.torus` are the grid Z_n^d with a periodic triangulation
("kuhn": the same in every cube; "mirrored": reflected from cube to cube, so periodic with
period 2). A finite group of isometries of the flat torus that maps the mesh onto itself —
coordinate permutations, sign changes (signed permutations about the origin, a vertex),
translations by whole grid steps — acts on the grid indices by ``i -> A i + s (mod n)``. So
the invariant pencil (PᵀKP, PᵀMP) can be built without the mesh:

1. the group's elements as integer maps of the grid, the invariance of the triangulation
   checked once on a 4^d torus of the same spacing (the triangulation is 2-periodic, so a
   map of the grid preserves it on every n exactly when it does there);
2. vertex orbits by one pass over the grid with a visited bit per vertex: the
   representative of an orbit is its smallest index, and the label of any vertex is the
   position of the smallest of its images among the sorted representatives (no label array
   of n^d entries);
3. the stiffness and mass stencils of the periodic triangulation (one per class of
   coordinates mod its period), read off the P1 matrices of that 4^d torus;
4. row a of the reduced pencil from the stencil of its representative r_a:
   (PᵀKP)_ab = |O_a| sum_{j in O_b} K_{r_a j}, since K is invariant; the upper triangle
   only, so the pencil is exactly symmetric.

Equal to the full-mesh route's pencil up to round-off and the order of the orbits. Memory
scales with n^d/|G| (plus one bit per vertex); time with n^d for the pass over the visited
bits (a bit test a vertex) plus (n^d/|G|) x |G| x 3^d for the labels of the rows' neighbours.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Sequence

import numpy as np
import scipy.sparse as sp

from ._direct_quotient import DirectQuotient
from .errors import GroupError, MeshError, NotInvariantError
from .groups import FiniteGroup

__all__ = ["TorusQuotient", "quotient_torus", "torus_quotient_memory"]

_TRIANGULATIONS = ("kuhn", "mirrored")
_SMALL = 4  # the grid the stencils and the invariance are read on (even, >= 3)
# bytes per orbit of the assembled pencil (CSR upper triangle, K and M values, the scratch of
# scipy's symmetric copies) and per vertex (the visited bits, with slack)
_BYTES_PER_ENTRY = 96.0
_BYTES_PER_VERTEX = 0.25


def _readonly(a: np.ndarray) -> np.ndarray:
    a.setflags(write=False)
    return a


def torus_quotient_memory(dim: int, n: int, group_order: int) -> int:
    """Bytes :func:`quotient_torus` needs at most (about): the pencil of n^dim / ``|G|``
    orbits with up to 3^dim upper entries a row, and a bit per vertex.

    Parameters
    ----------
    dim, n : int
    group_order : int

    Returns
    -------
    int
    """
    vertices = float(n) ** dim
    orbits = vertices / max(int(group_order), 1) + 16
    entries = orbits * (3 ** dim + 1) / 2 + orbits
    return int(entries * _BYTES_PER_ENTRY + vertices * _BYTES_PER_VERTEX)


@dataclass(frozen=True, eq=False, repr=False)
class TorusQuotient(DirectQuotient):
    """T^d/G for a flat torus grid mesh, assembled without the mesh.

    The same problem as ``quotient(meshes.torus(dim, n, length, triangulation), group)``
    (the same counts, the same matrices up to round-off and the order of the orbits).

    Attributes
    ----------
    group : FiniteGroup
    dim, n : int
        The torus T^dim with n vertices per direction.
    lengths : ndarray of shape (dim,)
        The periods.
    triangulation : str
        "kuhn" or "mirrored".
    mesh_name : str
        The spec of the full mesh (``"torus:2:512"``), which is never built.
    n_vertices, n_simplices : int
        Size of the full mesh.
    orbit_points : ndarray of shape (n_orbits, dim)
        The representative vertex of every orbit (the unknowns of the pencil, in order).
    orbit_sizes : ndarray of shape (n_orbits,), int64
    mesh_volume : float
        vol(T^dim), the product of the periods.
    volume : float
        vol(M/G) = mesh_volume / effective_order.
    effective_order : int
        Number of distinct maps of the grid among the group's elements.
    kernel_order : int
        ``|G| / effective_order``.
    dimension : int
    kind : str
        "finite".
    description : str
    """

    group: FiniteGroup
    dim: int
    n: int
    lengths: np.ndarray
    triangulation: str
    mesh_name: str
    n_vertices: int
    n_simplices: int
    orbit_points: np.ndarray
    orbit_sizes: np.ndarray
    mesh_volume: float
    volume: float
    effective_order: int
    kernel_order: int
    description: str
    _mean_edge: float = field(repr=False)
    _pencil: tuple = field(repr=False)
    _cache: dict = field(default_factory=dict, repr=False)
    kind: str = "finite"
    orbits: None = None  # no mesh, so no per-vertex labels (see orbit_points)
    projection: None = None
    base_mesh: None = None

    _SURFACE = "torus"
    _GENERATOR = "weylgain.meshes.torus"

    @property
    def dimension(self) -> int:
        return int(self.dim)

    def mean_edge_length(self) -> float:
        """float: mean edge length of the full mesh (``h`` of :mod:`weylgain.resolution`)."""
        return float(self._mean_edge)

    def _matrices(self, lumped: bool) -> tuple[sp.csr_matrix, sp.csr_matrix]:
        indptr, indices, kdata, mdata, mdiag = self._pencil
        m = self.n_orbits
        K = _symmetric(indptr, indices, kdata, m)
        if lumped:
            M = sp.csr_matrix(sp.diags(mdiag.copy()))
        else:
            M = _symmetric(indptr, indices, mdata, m)
        return K, M

    def boundary_volume(self) -> float | None:
        """vol(∂(M/G)) as :meth:`weylgain.quotient.Quotient.boundary_volume` measures it.

        The mirror walls of a grid-aligned or diagonal reflection are unions of facets and
        slices of the mesh for every admissible n, so they are measured on the smallest torus
        of the same periods and triangulation on which the group acts the same way (n'
        dividing n); None when the group cannot be enumerated.
        """
        if "boundary" not in self._cache:
            from .meshes import torus
            from .quotient import quotient

            small = _smallest_equivalent_n(self.group.extended(self.dim), self.n,
                                           self.triangulation)
            mesh = torus(self.dim, small, length=self.lengths.tolist(),
                         triangulation=self.triangulation)
            self._cache["boundary"] = quotient(mesh, self.group).boundary_volume()
        return self._cache["boundary"]

    def full_mesh(self) -> Any:
        """The full mesh this quotient stands for (built now: n_vertices vertices)."""
        from .meshes import torus

        return torus(self.dim, self.n, length=self.lengths.tolist(),
                     triangulation=self.triangulation)

def _symmetric(indptr: np.ndarray, indices: np.ndarray, data: np.ndarray, m: int
               ) -> sp.csr_matrix:
    U = sp.csr_matrix((data, indices, indptr), shape=(m, m))
    A = U + sp.triu(U, 1, format="csr").T
    A = sp.csr_matrix(A)
    A.sort_indices()
    return A


# ====================================================================== the action
def _grid_maps(group: FiniteGroup, dim: int, n: int, lengths: np.ndarray
               ) -> tuple[np.ndarray, np.ndarray]:
    """The group's elements as integer maps of the grid: (pairs (G, d, 2), shift (G, d)),
    ``pairs[g, a]`` = (the axis coordinate a of the image is taken from, its sign)."""
    lin, tr = group.elements()
    A = np.rint(lin)
    absA = np.abs(A)
    if (not np.allclose(lin, A, atol=1e-9) or not ((absA == 0) | (absA == 1)).all()
            or not (absA.sum(axis=1) == 1).all() or not (absA.sum(axis=2) == 1).all()):
        raise NotInvariantError(
            f"group {group.name!r} has an element that is not a signed permutation of the "
            f"coordinates; on the grid of a flat torus mesh only coordinate permutations, "
            "sign changes and translations map vertices onto vertices")
    S = tr * n
    shift = np.rint(S)
    if not np.allclose(S, shift, atol=1e-7):
        bad = tr[np.flatnonzero(~np.isclose(S, shift, atol=1e-7).all(axis=1))[0]]
        raise NotInvariantError(
            f"group {group.name!r} translates by {np.round(bad, 6).tolist()} of the period, "
            f"which is not a whole number of grid steps on torus:{dim}:{n}: a translation by "
            f"1/k of the period needs n divisible by k (by 2k on a mirrored torus)")
    src = np.abs(A).argmax(axis=2)  # (G, d): coordinate a of the image comes from src
    if not np.allclose(lengths[src], lengths[None, :], rtol=1e-12, atol=0):
        raise NotInvariantError(  # a permutation must map each axis onto one as long
            f"group {group.name!r} permutes axes of different lengths "
            f"{lengths.tolist()}: permutations need equal periods")
    sign = np.take_along_axis(A, src[:, :, None], axis=2)[:, :, 0]
    pairs = np.stack([src, sign], axis=2)
    return (np.ascontiguousarray(pairs, dtype=np.int64),
            np.ascontiguousarray(np.mod(shift, n), dtype=np.int64))


def _check_invariant(group: FiniteGroup, dim: int, n: int, lengths: np.ndarray,
                     triangulation: str, small_mesh: Any) -> None:
    """Each generator preserves the triangulation: checked on the 4^d torus of the same
    spacing with the generator's grid shift reduced mod 2 (the triangulation's period)."""
    from ._vertex_maps import _mesh_hint, vertex_permutation
    from .groups import AffineMap

    for s, gen in enumerate(group.generators):
        steps = np.rint(gen.translation * n).astype(np.int64)
        small = AffineMap(gen.linear, np.mod(steps, 2) / _SMALL)
        try:
            vertex_permutation(small_mesh, small, label=f"generator {s} of {group.name}")
        except NotInvariantError:
            raise NotInvariantError(
                f"the mesh torus:{dim}:{n}" + (":mirrored" if triangulation == "mirrored"
                                                else "")
                + f" is not invariant under generator {s} of {group.name} (x -> "
                f"{np.rint(gen.linear).astype(int).tolist()} x + "
                f"{np.round(gen.translation, 6).tolist()} * period): it does not map "
                "simplices onto simplices. " + _mesh_hint(small_mesh)) from None


def _smallest_equivalent_n(group: FiniteGroup, n: int, triangulation: str) -> int:
    """The smallest n' dividing n (>= 3; even on a mirrored torus) on which every element's
    translation is a whole number of grid steps of the same parity as on n."""
    _, tr = group.elements()
    steps = np.rint(tr * n)
    for m in range(3, n + 1):
        if n % m or (triangulation == "mirrored" and m % 2):
            continue
        s = tr * m
        if not np.allclose(s, np.rint(s), atol=1e-7):
            continue
        if triangulation == "mirrored" and not np.array_equal(np.mod(np.rint(s), 2),
                                                               np.mod(steps, 2)):
            continue
        return m
    return n


def _stencils(small_mesh: Any, dim: int, period: int
              ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(offsets (3^d, d), K stencils (C, 3^d), M stencils, lumped masses (C,)) per class of
    coordinates mod ``period``, read off the P1 matrices of the small torus."""
    from .fem import laplacian

    K, M = laplacian(small_mesh)
    _, ML = laplacian(small_mesh, lumped=True)
    K, M = K.tocsr(), M.tocsr()
    mlump = ML.diagonal()
    offsets = np.array(np.meshgrid(*[[-1, 0, 1]] * dim, indexing="ij")).reshape(dim, -1).T
    offsets = np.ascontiguousarray(offsets, dtype=np.int64)
    code = {tuple(o): i for i, o in enumerate(offsets.tolist())}
    shape = (_SMALL,) * dim
    classes = np.array(np.meshgrid(*[range(period)] * dim, indexing="ij")).reshape(dim, -1).T
    kst = np.zeros((classes.shape[0], offsets.shape[0]))
    mst = np.zeros_like(kst)
    ml = np.zeros(classes.shape[0])
    for c, cc in enumerate(classes):
        v = int(np.ravel_multi_index(tuple(cc), shape))
        ml[c] = mlump[v]
        for p in range(K.indptr[v], K.indptr[v + 1]):
            w = np.array(np.unravel_index(K.indices[p], shape))
            off = tuple(int(x) for x in (w - cc + 1) % _SMALL - 1)
            kst[c, code[off]] += K.data[p]
        for p in range(M.indptr[v], M.indptr[v + 1]):
            w = np.array(np.unravel_index(M.indices[p], shape))
            off = tuple(int(x) for x in (w - cc + 1) % _SMALL - 1)
            mst[c, code[off]] += M.data[p]
    return offsets, kst, mst, ml


# ====================================================================== the builder
def quotient_torus(dim: int, n: int, group: FiniteGroup,
                   length: float | Sequence[float] = 2 * np.pi,
                   triangulation: str = "kuhn") -> TorusQuotient:
    """T^dim/G for the mesh ``meshes.torus(dim, n, length, triangulation)``, without
    building it.

    Parameters
    ----------
    dim : int
        1 to 4.
    n : int
        Vertices per direction (at least 3; even for ``"mirrored"``).
    group : FiniteGroup
        Signed permutations of the coordinates and translations by fractions of the period
        (whole grid steps), mapping the triangulation onto itself (see
        :func:`weylgain.meshes.torus`); a group on fewer coordinates is extended by the
        identity.
    length : float or sequence of dim floats, default 2*pi
    triangulation : {"kuhn", "mirrored"}

    Returns
    -------
    TorusQuotient
        Its :meth:`~TorusQuotient.laplacian` is the reduced pencil (PᵀKP, PᵀMP) of the full
        mesh, up to round-off and the order of the orbits.

    Raises
    ------
    MeshError
        A bad dim, n, length or triangulation.
    GroupError
        Not a finite group, or a group acting on more than R^dim.
    NotInvariantError
        The group does not map the mesh onto itself (a rotation that is not a signed
        permutation, a translation that is not a whole number of grid steps, a sign change
        on a Kuhn torus, ...).
    ResourceError
        The reduced pencil would not fit in the memory available (checked before anything
        is allocated).

    Examples
    --------
    >>> from weylgain.groups import named
    >>> from weylgain.quotient_torus import quotient_torus
    >>> q = quotient_torus(2, 8, named("B2"), triangulation="mirrored")
    >>> q.n_orbits, q.n_vertices
    (15, 64)
    """
    from ._meshgen import _check_int, _fmt
    from .meshes import _axis_lengths, torus

    dim = _check_int(dim, "dim", 1)
    if dim > 4:
        raise MeshError(f"torus dim must be 1 to 4; got {dim}")
    n = _check_int(n, "n (vertices per direction of the torus)", 3)
    if triangulation not in _TRIANGULATIONS:
        raise MeshError(f"unknown triangulation {triangulation!r}; choose one of "
                        f"{', '.join(_TRIANGULATIONS)}")
    if triangulation == "mirrored" and n % 2:
        raise MeshError(f"a mirrored torus needs an even n; got n = {n}: use n = {n + 1} or "
                        "triangulation='kuhn'")
    lengths = _axis_lengths(length, dim)
    if not isinstance(group, FiniteGroup):
        raise GroupError("quotient_torus needs a FiniteGroup (see weylgain.groups.named); "
                         f"got {type(group).__name__} (a continuous group: use "
                         "weylgain.quotient(meshes.torus(...), group))")
    if group.dim > dim:
        raise GroupError(f"group {group.name!r} acts on R^{group.dim} but the torus is "
                         f"T^{dim}")
    g = group.extended(dim)
    from .errors import ResourceError
    from .resources import MemoryEstimate, check_memory

    if float(n) ** dim >= 2.0**62:
        raise ResourceError(f"torus:{dim}:{n} has more than 2^62 vertices; choose a smaller n")
    lin, shift = _grid_maps(g, dim, n, lengths)
    order = int(lin.shape[0])
    check_memory(MemoryEstimate(
        f"the direct quotient torus:{dim}:{n}/{group.name}",
        torus_quotient_memory(dim, n, order),
        f"about {n}^{dim}/{order} orbits with up to {3 ** dim} entries a row"),
        "choose a smaller n or a larger group")
    h = lengths / n
    small_mesh = torus(dim, _SMALL, length=(h * _SMALL).tolist(), triangulation=triangulation)
    _check_invariant(g, dim, n, lengths, triangulation, small_mesh)
    # elements acting alike on the grid (only possible when n divides a difference of
    # translations, which the closure already reduces mod 1): the effective order
    keys = np.concatenate([lin.reshape(order, -1), shift], axis=1)  # (axis, sign) and shift
    effective = int(np.unique(keys, axis=0).shape[0])
    from ._kernels.torus_quotient import assemble_grid_quotient, grid_orbits

    period = 2 if triangulation == "mirrored" else 1
    offsets, kst, mst, ml = _stencils(small_mesh, dim, period)
    reps, sizes = grid_orbits(n, dim, lin, shift)
    pencil = assemble_grid_quotient(n, dim, lin, shift, reps, sizes, period, offsets, kst,
                                    mst, ml)
    coords = np.stack(np.unravel_index(reps, (n,) * dim), axis=1) * h[None, :]
    name = f"torus:{dim}:{n}" + (":mirrored" if triangulation == "mirrored" else "")
    if not np.all(lengths == 2 * np.pi):
        name += ":" + (",".join(_fmt(x) for x in lengths) if len(set(lengths)) > 1
                       else _fmt(lengths[0]))
    n_full = n ** dim
    mesh_volume = float(np.prod(lengths))
    return TorusQuotient(
        group=group, dim=dim, n=n, lengths=_readonly(lengths.copy()),
        triangulation=triangulation, mesh_name=name, n_vertices=n_full,
        n_simplices=n_full * math.factorial(dim), orbit_points=_readonly(coords),
        orbit_sizes=_readonly(sizes), mesh_volume=mesh_volume,
        volume=mesh_volume / effective, effective_order=effective,
        kernel_order=order // effective,
        description=(f"{name} / {group.name}: {reps.size} vertex orbits of {n_full} (direct: "
                     "stencils on the grid, no mesh)"),
        _mean_edge=float(small_mesh.mean_edge_length()),
        _pencil=tuple(_readonly(a) for a in pencil),
    )
