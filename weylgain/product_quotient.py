"""Orbit spaces of product meshes: M/G on the tensor-product element of
:mod:`weylgain.product_mesh`, for finite groups acting factor by factor (orbits of product
vertices from the factors' vertex maps) and continuous groups moving one factor (that
factor's orbit space, :func:`weylgain.quotient.quotient`, tensored with the others).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np
import scipy.sparse as sp

from .errors import GroupError, NotInvariantError
from .mesh import Mesh
from .product_mesh import (_EDGE_SLACK, _FACTOR_LEVELS, _FACTOR_MAX_VERTICES, QUOTIENT_UNKNOWNS,
                           ProductMesh, product_pencil)

__all__ = ["ProductQuotient", "product_quotient"]


def product_quotient(pm: "ProductMesh", group: Any, resolution: int | None = None,
                     tol: float = 1e-8) -> "ProductQuotient":
    """The orbit space of the product mesh ``pm`` under a group acting factor by factor.

    Parameters
    ----------
    group : FiniteGroup, ContinuousGroup, LieGroup or TorusGroup
        A finite group: every generator maps each factor isometrically onto a factor
        (itself, or an identical factor mesh); the invariant problem is reduced by
        orbits of product vertices. A continuous group (or a Lie group / subtorus equal
        to a catalogue family) must move the coordinates of one factor only; that
        factor's orbit space (:func:`weylgain.quotient.quotient`) is tensored with the
        other factors.
    resolution : int, optional
        Continuous groups: the resolution of the factor's orbit-space mesh (as for
        :func:`weylgain.quotient.quotient`); default matched to that factor's mesh, which
        is how the factors' resolutions are balanced in a product.
    tol : float, default 1e-8
        Vertex matching tolerance (finite groups).

    Returns
    -------
    ProductQuotient

    Raises
    ------
    NotInvariantError
        A generator does not map the product mesh onto itself (a factor mesh that is not
        invariant, or a map mixing the coordinates of several factors).
    GroupError
        A continuous group whose orbits move more than one factor, or a group of another
        dimension.
    """
    from .groups import FiniteGroup

    if isinstance(group, FiniteGroup):
        return _finite_product_quotient(pm, group, tol)
    if callable(getattr(group, "action_on", None)):
        return _continuous_product_quotient(pm, group, resolution)
    raise GroupError(f"quotient needs a FiniteGroup or a continuous group; got "
                     f"{type(group).__name__}")


# ====================================================================== quotients
@dataclass(frozen=True, eq=False)
class ProductQuotient:
    """M/G on a product mesh, ready for eigenvalue counting.

    Attributes
    ----------
    mesh : ProductMesh
        The product mesh of M.
    group : group object
    kind : str
        "finite" (reduction by orbits of product vertices) or "continuous" (one factor
        replaced by its orbit space).
    base_mesh : ProductMesh, Mesh or None
        Where the reduced problem lives: ``mesh`` (finite groups); the product of the orbit
        space and the other factors (continuous); None when every factor is a point.
    projection : csr_matrix of shape (n_vertices, n_orbits) or None
        0/1 matrix of vertex orbits (finite groups).
    dimension : int
        d_G.
    volume : float
        vol(M/G) of the discrete problem: vol(M) / effective order (finite groups), the
        product of the factor quotient's volume and the other factors' (continuous).
    effective_order : int or None
        Order of the group acting effectively (finite groups; None when too large to
        enumerate).
    description : str
    """

    mesh: ProductMesh
    group: Any
    kind: str
    base_mesh: Any
    projection: sp.csr_matrix | None
    dimension: int
    volume: float
    effective_order: int | None
    description: str
    _pencil: Callable[[bool], tuple[sp.csr_matrix, sp.csr_matrix]] = field(repr=False)

    @property
    def n_orbits(self) -> int:
        """Unknowns of the reduced problem."""
        if self.projection is not None:
            return int(self.projection.shape[1])
        return 1 if self.base_mesh is None else int(self.base_mesh.n_vertices)

    def mean_edge_length(self) -> float:
        """The mean edge of the mesh the reduced problem lives on (0 for a point)."""
        return 0.0 if self.base_mesh is None else float(self.base_mesh.mean_edge_length())

    def laplacian(self, lumped: bool = False) -> tuple[sp.csr_matrix, sp.csr_matrix]:
        """Stiffness and mass of the invariant problem, shape (n_orbits, n_orbits) each."""
        return self._pencil(bool(lumped))

    def to_dict(self) -> dict[str, Any]:
        return {"mesh": self.mesh.name, "n_vertices": int(self.mesh.n_vertices),
                "group": getattr(self.group, "name", str(self.group)), "kind": self.kind,
                "n_orbits": self.n_orbits,
                "base_mesh": None if self.base_mesh is None else self.base_mesh.name,
                "dimension": int(self.dimension), "volume": float(self.volume),
                "effective_order": self.effective_order, "description": self.description}

    def __repr__(self) -> str:
        return (f"<ProductQuotient {self.mesh.name}/{getattr(self.group, 'name', '?')}: "
                f"{self.kind}, {self.n_orbits} unknowns, dim {self.dimension}>")


def _factor_targets(pm: ProductMesh, A: np.ndarray, label: str) -> list[int]:
    """The factor each factor is mapped onto by the linear part A (checked block structure)."""
    off = pm.offsets
    k = len(pm.factors)
    scale = max(1.0, float(np.abs(A).max()))
    target = []
    for i in range(k):
        cols = A[:, off[i]:off[i + 1]]
        hit = [j for j in range(k) if np.abs(cols[off[j]:off[j + 1]]).max(initial=0.0)
               > 1e-9 * scale]
        if len(hit) != 1:
            raise NotInvariantError(
                f"{label} mixes the coordinates of factor {i + 1} ({pm.factors[i].name}) "
                f"with other factors, so it does not map the product mesh {pm.name} onto "
                "itself; a product mesh is invariant only under maps acting factor by factor")
        target.append(hit[0])
    if sorted(target) != list(range(k)):
        raise NotInvariantError(f"{label} does not permute the factors of {pm.name}")
    for i, j in enumerate(target):
        a, b = pm.factors[i], pm.factors[j]
        if i != j and (a.n_vertices != b.n_vertices or a.ambient_dim != b.ambient_dim
                       or not np.array_equal(a.vertices, b.vertices)
                       or not np.array_equal(a.simplices, b.simplices)):
            raise NotInvariantError(
                f"{label} sends factor {i + 1} ({a.name}) onto factor {j + 1} ({b.name}), "
                "whose mesh differs; use the same mesh for factors the group permutes")
    return target


def _product_permutation(pm: ProductMesh, gen: Any, tol: float, label: str
                         ) -> tuple[np.ndarray, list[int], list[np.ndarray]]:
    """The permutation of product vertices (C order) induced by a factorwise isometry, the
    factor each factor is sent to, and the factors' vertex permutations."""
    from ._vertex_maps import vertex_permutation
    from .groups import AffineMap

    A = np.asarray(gen.linear, dtype=np.float64)
    t = np.asarray(gen.translation, dtype=np.float64)
    target = _factor_targets(pm, A, label)
    off = pm.offsets
    shape = pm.shape
    # new multi-index: component j of the image = perm_i(v_i) for target[i] = j
    idx = np.indices(shape, dtype=np.int64).reshape(len(shape), -1)
    new = np.empty_like(idx)
    perms = []
    for i, j in enumerate(target):
        a = A[off[j]:off[j + 1], off[i]:off[i + 1]]
        b = t[off[j]:off[j + 1]]
        perm = vertex_permutation(pm.factors[i], AffineMap(a, b), tol=tol,
                                  label=f"{label} on factor {i + 1}")
        perms.append(perm)
        new[j] = perm[idx[i]]
    return np.ravel_multi_index(tuple(new), shape).astype(np.int64), target, perms


def _finite_product_quotient(pm: ProductMesh, group: Any, tol: float) -> ProductQuotient:
    from ._vertex_maps import vertex_orbits

    D = pm.ambient_dim
    if group.dim > D:
        raise GroupError(f"group {group.name!r} acts on R^{group.dim} but the product mesh "
                         f"{pm.name} lives in R^{D}")
    g = group.extended(D)
    n = pm.n_vertices
    # the permutations and the orbit labels: about (generators + 4) int64 vectors of n
    from .resources import MemoryEstimate, check_memory

    check_memory(MemoryEstimate(f"the vertex orbits of {pm.name}",
                                8.0 * n * (g.n_generators + 4), f"{n:.3g} vertices"),
                 "choose a coarser level")
    perms = np.empty((g.n_generators, n), dtype=np.int64)
    factor_maps = []
    for s, gen in enumerate(g.generators):
        perms[s], target, fperms = _product_permutation(pm, gen, tol,
                                                        f"generator {s} of {group.name}")
        factor_maps.append((target, fperms))
    labels, n_orb = vertex_orbits(perms)
    P = sp.csr_matrix((np.ones(n), labels, np.arange(n + 1)), shape=(n, n_orb))
    kernel = _kernel_order(pm, g, perms)
    eff = g.order // kernel if kernel else None
    projections = _factor_projections(pm, factor_maps, n_orb)

    def pencil(lumped: bool) -> tuple[sp.csr_matrix, sp.csr_matrix]:
        if projections is not None:  # G = G_1 x ... x G_k: reduce each factor, then separate
            from .fem import laplacian as _laplacian

            reduced = []
            for f, Pi in zip(pm.factors, projections):
                Ki, Mi = _laplacian(f, lumped=lumped)
                PiT = Pi.T.tocsr()
                reduced.append((PiT @ Ki @ Pi, PiT @ Mi @ Pi))
            return product_pencil(reduced, f"the pencil of {pm.name}/{group.name}",
                                  separated=True)
        K, M = pm.laplacian(lumped=lumped, separated=False)
        PT = P.T.tocsr()
        return sp.csr_matrix(PT @ K @ P), sp.csr_matrix(PT @ M @ P)

    vol = pm.volume / eff if eff else pm.volume / g.order
    return ProductQuotient(
        mesh=pm, group=group, kind="finite", base_mesh=pm, projection=P, dimension=pm.dim,
        volume=float(vol), effective_order=None if eff is None else int(eff),
        description=f"{pm.name} / {group.name}: {n_orb} vertex orbits of {n}",
        _pencil=pencil)


def _factor_projections(pm: ProductMesh, factor_maps: list, n_orb: int
                        ) -> list[sp.csr_matrix] | None:
    """The factors' orbit projections when every generator moves at most one factor (then
    the group is the product of its factor parts and the vertex orbits are products of the
    factors' orbits); None otherwise."""
    from ._vertex_maps import vertex_orbits

    k = len(pm.factors)
    per_factor: list[list[np.ndarray]] = [[] for _ in range(k)]
    for target, fperms in factor_maps:
        if list(target) != list(range(k)):
            return None
        moved = [i for i, p in enumerate(fperms) if not np.array_equal(p, np.arange(p.size))]
        if len(moved) > 1:
            return None
        for i in moved:
            per_factor[i].append(fperms[i])
    out = []
    for f, ps in zip(pm.factors, per_factor):
        m = int(f.n_vertices)
        labels, count = vertex_orbits(np.array(ps)) if ps else (np.arange(m), m)
        out.append(sp.csr_matrix((np.ones(m), labels, np.arange(m + 1)), shape=(m, count)))
    if int(np.prod([p.shape[1] for p in out])) != n_orb:  # pragma: no cover - a safeguard
        return None
    return out


def _kernel_order(pm: ProductMesh, g: Any, perms: np.ndarray) -> int | None:
    """Order of the subgroup fixing every product vertex (None: too large to enumerate).

    A factorwise map fixes every (v_1, ..., v_k) iff it fixes the points that vary one
    factor at a time with the others at their first vertex, so those sum_i n_i points
    are the sample.
    """
    if perms.shape[0] and np.all(perms == np.arange(perms.shape[1])):
        return int(g.order)
    first = [f.vertices[0] for f in pm.factors]
    rows = []
    for i, f in enumerate(pm.factors):
        for v in f.vertices:
            rows.append(np.concatenate(first[:i] + [v] + first[i + 1:]))
    pts = np.array(rows)
    per = pm.period
    try:
        return int(g.kernel_order(pts, period=per,
                                  tol=1e-8 * max(1.0, float(np.abs(pts).max()))))
    except GroupError:
        return None


def _generators_on(pm: ProductMesh, group: Any) -> tuple[np.ndarray | None, np.ndarray | None]:
    """(Lie algebra (m, D, D), None) or (None, translation directions (m, D)) of a continuous
    group, on the product's coordinates R^D.

    Translations name the TORUS coordinates of M (its periodic axes, in order), as
    everywhere in the package; they are placed on the product's periodic axes here.
    """
    D = pm.ambient_dim
    obj = group.to_group() if callable(getattr(group, "to_group", None)) else group
    algebra = getattr(obj, "algebra", None)
    if algebra is not None:
        A = np.asarray(algebra, dtype=np.float64)
        if A.shape[1] > D and np.abs(A[:, D:, :]).max(initial=0.0) + \
                np.abs(A[:, :, D:]).max(initial=0.0) > 1e-12:
            raise GroupError(f"{group.name} acts on R^{A.shape[1]} but the product mesh "
                             f"{pm.name} lives in R^{D}")
        m = min(A.shape[1], D)
        full = np.zeros((A.shape[0], D, D))
        full[:, :m, :m] = A[:, :m, :m]
        return full, None
    V = np.asarray(obj.directions, dtype=np.int64)
    per = pm.period
    periodic = np.flatnonzero(np.isfinite(per)) if per is not None else np.zeros(0, np.int64)
    used = np.flatnonzero(np.abs(V).sum(axis=0))
    if used.size and used.max() >= periodic.size:
        raise GroupError(f"{group.name} translates torus coordinate {int(used.max()) + 1}, but "
                         f"{pm.name} has {periodic.size} periodic axes")
    full = np.zeros((V.shape[0], D), dtype=np.int64)
    full[:, periodic[used]] = V[:, used]
    return None, full


def _moved_factor(pm: ProductMesh, group: Any, A: np.ndarray | None, V: np.ndarray | None
                  ) -> int:
    """The one factor whose coordinates a continuous group moves."""
    off = pm.offsets
    if A is not None:
        S = np.abs(A)
        coords = np.flatnonzero(S.sum(axis=(0, 1)) + S.sum(axis=(0, 2)) > 1e-12)
    else:
        coords = np.flatnonzero(np.abs(V).sum(axis=0))
    hit = sorted({i for c in coords for i in range(len(pm.factors)) if off[i] <= c < off[i + 1]})
    if len(hit) != 1:
        names = ", ".join(pm.factors[i].name for i in hit) or "none"
        raise GroupError(
            f"{group.name} moves the coordinates of {len(hit)} factors of {pm.name} "
            f"({names}); a product mesh is reduced by a continuous group moving one factor "
            "(its orbit space times the other factors); measure this pair with exact counts, "
            "or choose a group acting on one factor")
    return hit[0]


def _restricted(group: Any, A: np.ndarray | None, V: np.ndarray | None, lo: int, hi: int
                ) -> Any:
    """The group on the coordinates [lo, hi) of one factor, as a catalogue family (None when
    it equals none)."""
    from .groups import as_catalogue
    from .groups.lie import LieGroup
    from .groups.torus import TorusGroup

    name = getattr(group, "name", "G")
    desc = getattr(group, "description", "")
    if A is not None:
        n = hi - lo
        return as_catalogue(LieGroup(name, A[:, lo:hi, lo:hi], np.zeros((0, n, n)), desc))
    return as_catalogue(TorusGroup(name, V[:, lo:hi], (), desc))


def _finer_quotient(mesh: Mesh, group: Any, h: float, coarse: Any) -> Any:
    """The orbit space of ``mesh`` at the coarsest resolution whose mesh has mean edge at
    most 1.25 h (the resolution's meaning is the orbit space's: vertices of an interval or
    of a torus axis, subdivisions of a sphere), or ``coarse`` when it is fine enough."""
    from .quotient import quotient

    if coarse.base_mesh.mean_edge_length() <= _EDGE_SLACK * h:
        return coarse
    last = coarse
    for r in _FACTOR_LEVELS:
        if r < 1:
            continue
        try:
            q = quotient(mesh, group, resolution=r)
        except GroupError:
            continue
        last = q
        if q.base_mesh.mean_edge_length() <= _EDGE_SLACK * h or \
                q.base_mesh.n_vertices > _FACTOR_MAX_VERTICES:
            return q
    return last


def _continuous_product_quotient(pm: ProductMesh, group: Any, resolution: int | None
                                 ) -> ProductQuotient:
    from .fem import laplacian as _laplacian
    from .quotient import quotient

    A, V = _generators_on(pm, group)
    i = _moved_factor(pm, group, A, V)
    off = pm.offsets
    G_i = _restricted(group, A, V, off[i], off[i + 1])
    if G_i is None:
        raise GroupError(
            f"{group.name} restricted to factor {i + 1} ({pm.factors[i].name}) of {pm.name} "
            "equals no catalogue family (SO(2) about an axis, SO(D-1), SO(D), hopf, "
            "translations of torus axes), so no orbit-space mesh is known for it")
    factors = list(pm.factors)
    q_i = quotient(factors[i], G_i, resolution=resolution)
    if pm.remesh is not None and resolution is None:
        # mesh the orbit space (and the other factors) at the edge that gives about
        # QUOTIENT_UNKNOWNS unknowns; the acted-on factor only matters through its orbit space
        vol_q = float(q_i.volume) * float(np.prod([f.volume for j, f in enumerate(factors)
                                                   if j != i]))
        d_q = int(q_i.dimension) + sum(int(f.dim) for j, f in enumerate(factors) if j != i)
        if d_q > 0:
            h = (vol_q / QUOTIENT_UNKNOWNS) ** (1.0 / d_q)
            factors = [f if j == i else pm.remesh(j, h) for j, f in enumerate(factors)]
            if q_i.base_mesh is not None:
                q_i = _finer_quotient(factors[i], G_i, h, q_i)
    others = [f for j, f in enumerate(factors) if j != i]
    # the reduced problem lives on the orbit space times the other factors (in factor order)
    base_parts = [b for b in (q_i.base_mesh if j == i else f for j, f in enumerate(factors))
                  if b is not None]
    base = None if not base_parts else base_parts[0] if len(base_parts) == 1 \
        else ProductMesh(tuple(base_parts))
    vol_others = float(np.prod([f.volume for f in others])) if others else 1.0
    cache: dict = {}

    def pencil(lumped: bool) -> tuple[sp.csr_matrix, sp.csr_matrix]:
        if lumped not in cache:
            pencils = [q_i.laplacian(lumped=lumped) if j == i
                       else _laplacian(f, lumped=lumped) for j, f in enumerate(factors)]
            cache[lumped] = product_pencil(pencils, f"the pencil of {pm.name}/{group.name}",
                                           separated=True)
        return cache[lumped]

    dim = int(q_i.dimension) + sum(int(f.dim) for f in others)
    return ProductQuotient(
        mesh=pm, group=group, kind="continuous", base_mesh=base, projection=None,
        dimension=dim, volume=float(q_i.volume) * vol_others, effective_order=None,
        description=(f"{pm.name} / {group.name}: factor {i + 1} replaced by its orbit space "
                     f"({q_i.description})"),
        _pencil=pencil)
