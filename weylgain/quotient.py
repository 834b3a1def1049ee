"""Orbit spaces M/G as finite-element problems (see the theory page, docs/theory.md#orbit-spaces).

* A finite group acting on a G-invariant mesh: the invariant P1 functions are those constant
  on vertex orbits. With P the (vertices x orbits) 0/1 matrix, the pair (PᵀKP, PᵀMP) has
  exactly the G-invariant part of the spectrum of (K, M). Only the generators' vertex
  permutations are computed (never the group's elements); orbits come from union-find.
* A continuous group: the orbit space is meshed directly and carries the orbit-volume
  density w(y) = vol(orbit(y)) (S²/SO(2) = [0, π] with w = 2π sin θ, etc.).

Both go through :func:`quotient`.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np
import scipy.sparse as sp

from ._vertex_maps import vertex_orbits, vertex_permutation
from .errors import GroupError
from .groups import ContinuousGroup, FiniteGroup, LieGroup, TorusGroup, as_catalogue
from .groups.continuous import HopfFibres, PolarOrbits, SphericalOrbits, TranslationOrbits
from .mesh import Mesh, volumes_from_edges
from .quotient_direct import SphereQuotient, quotient_sphere

__all__ = ["Quotient", "quotient", "vertex_permutation", "vertex_orbits", "quotient_sphere",
           "SphereQuotient"]


def _readonly(a: np.ndarray) -> np.ndarray:
    a.setflags(write=False)
    return a


def _sphere_volume(d: int, radius: float = 1.0) -> float:
    """d-dimensional volume of the round sphere S^d of given radius."""
    return 2 * math.pi ** ((d + 1) / 2) / math.gamma((d + 1) / 2) * radius ** d


# ====================================================================== Quotient
@dataclass(frozen=True, eq=False)
class Quotient:
    """The orbit space M/G as a finite-element problem.

    Attributes
    ----------
    mesh : Mesh
        The input mesh of M.
    group : FiniteGroup or ContinuousGroup
    kind : str
        "finite" (reduction by vertex orbits) or "continuous" (a mesh of the orbit space).
    orbits : ndarray of shape (n_vertices,), int64, or None
        Orbit label of every vertex (finite groups).
    projection : csr_matrix of shape (n_vertices, n_orbits), or None
        0/1 matrix P with P[i, orbit(i)] = 1 (finite groups).
    base_mesh : Mesh or None
        The mesh the reduced problem lives on: ``mesh`` for finite groups, the orbit-space
        mesh for continuous groups (None when the orbit space is a point).
    density : callable or None
        Orbit-volume density w on ``base_mesh`` (continuous groups).
    dimension : int
        d_G = dim(M/G).
    volume : float
        vol(M/G), the volume that enters Weyl's law N_G ~ omega_d vol(M/G) lam^(d/2)/(2 pi)^d:
        vol(M) / (effective order) for finite groups; the volume of the orbit space in the
        quotient metric for continuous ones (pi for S^2/SO(2), 2 pi for T^2/T1, pi r^2 for
        S^3(r)/U(1)); 1 for a point (N_G ≡ 1). The orbit-volume density integrates to vol(M).
    effective_order : int or None
        Order of the group that acts effectively (finite groups).
    kernel_order : int or None
        Order of the subgroup that fixes every vertex (finite groups).
    """

    mesh: Mesh
    group: FiniteGroup | ContinuousGroup
    kind: str
    orbits: np.ndarray | None
    projection: sp.csr_matrix | None
    base_mesh: Mesh | None
    density: Callable[[np.ndarray], np.ndarray] | None
    dimension: int
    volume: float
    effective_order: int | None
    kernel_order: int | None
    description: str = ""

    @property
    def n_orbits(self) -> int:
        """Number of unknowns of the reduced problem (vertex orbits, or orbit-mesh vertices)."""
        if self.projection is not None:
            return int(self.projection.shape[1])
        return 1 if self.base_mesh is None else self.base_mesh.n_vertices

    def mean_edge_length(self) -> float:
        """float: ``h`` of the resolution rule for the reduced problem.

        The mean edge of the mesh :meth:`laplacian` assembles on: the input mesh for a finite
        group, the orbit-space mesh for a continuous one, 0 when the orbit space is a point
        (its one invariant eigenvalue, 0, is exact).
        """
        base = self.mesh if self.kind == "finite" else self.base_mesh
        return 0.0 if base is None else base.mean_edge_length()

    def laplacian(self, lumped: bool = False, density: Any = None
                  ) -> tuple[sp.csr_matrix, sp.csr_matrix]:
        """Stiffness and mass of the invariant problem.

        Parameters
        ----------
        lumped : bool, default False
            Lumped (diagonal) mass instead of consistent mass.
        density : callable or ndarray of shape (m,), optional
            Finite groups only: an extra weight on M (see :func:`weylgain.fem.laplacian`);
            it must itself be G-invariant for the reduction to be exact.

        Returns
        -------
        K : csr_matrix of shape (n_orbits, n_orbits)
        M : csr_matrix of shape (n_orbits, n_orbits)
            (PᵀKP, PᵀMP) for finite groups; the weighted P1 pair of the orbit-space mesh for
            continuous groups; ([[0]], [[vol(M)]]) when the orbit space is a point.
        """
        from .fem import laplacian as _laplacian

        if self.kind == "finite":
            K, M = _laplacian(self.mesh, density=density, lumped=lumped)
            P = self.projection
            PT = P.T.tocsr()
            return sp.csr_matrix(PT @ K @ P), sp.csr_matrix(PT @ M @ P)
        if density is not None:
            raise GroupError(
                "an extra density is not supported for continuous quotients (the orbit-space "
                "problem already carries the orbit-volume density)"
            )
        if self.base_mesh is None:
            return sp.csr_matrix(np.zeros((1, 1))), sp.csr_matrix(np.array([[self.mesh.volume]]))
        return _laplacian(self.base_mesh, density=self.density, lumped=lumped)

    def boundary_volume(self) -> float | None:
        """vol(d(M/G)): the Neumann boundary that enters the two-term Weyl law.

        Finite groups: (vol(dM) + 2 sum_r vol Fix(r)) / order(G_eff) over the elements r of
        the effective group that act on M as reflections, with Fix(r) measured on the mesh
        (the interior facets whose vertices r fixes), so it is exact for the discrete
        problem. Continuous groups: 0 (the orbit-volume density vanishes on the singular
        strata; no wall). None when the group cannot be enumerated (a very large group).
        """
        if self.kind != "finite":
            return 0.0
        mesh = self.mesh
        g = self.group.extended(mesh.ambient_dim)
        try:
            # on a full-dimensional mesh only a reflection of R^D has a codimension-1 fixed
            # set; on a lower-dimensional one a half-turn can reflect M (a circle in R^3) and
            # a mirror containing M acts trivially, so every element is tried there
            candidates = g.reflections() if mesh.dim == mesh.ambient_dim else g.element_maps()
        except GroupError:
            return None
        faces, counts = mesh.facets()
        interior = faces[counts == 2]
        simp = mesh.simplices
        identity = np.arange(mesh.n_vertices)
        seen: set[bytes] = set()
        walls = 0.0
        for r in candidates:
            perm = vertex_permutation(mesh, r, label=f"element of {self.group.name}")
            # count each map of M once: elements acting trivially (or like one already
            # counted, for a non-effective action) are not separate walls of M/G_eff
            key = perm.tobytes()
            if key in seen or np.array_equal(perm, identity):
                continue
            seen.add(key)
            # the wall runs along facets that r fixes pointwise ...
            fixed = (perm[interior] == interior).all(axis=1)
            walls += float(mesh.face_volumes(interior[fixed]).sum())
            # ... or through simplices that r maps onto themselves, swapping one vertex pair:
            # there the wall is the slice through the fixed vertices and the pair's midpoint
            mapped = perm[simp]
            moved = mapped != simp
            onto = (np.sort(mapped, axis=1) == np.sort(simp, axis=1)).all(axis=1)
            cut = onto & (moved.sum(axis=1) == 2)
            walls += _slice_volume(mesh, simp[cut], moved[cut])
        return float((mesh.boundary_volume() + 2.0 * walls) / self.effective_order)

    def to_dict(self) -> dict[str, Any]:
        return {
            "mesh": self.mesh.name,
            "n_vertices": int(self.mesh.n_vertices),
            "group": self.group.to_dict(),
            "kind": self.kind,
            "n_orbits": self.n_orbits,
            "base_mesh": None if self.base_mesh is None else self.base_mesh.name,
            "dimension": int(self.dimension),
            "volume": float(self.volume),
            "effective_order": self.effective_order,
            "kernel_order": self.kernel_order,
            "description": self.description,
        }

    def __repr__(self) -> str:
        return (f"<Quotient {self.mesh.name or 'mesh'}/{self.group.name}: {self.kind}, "
                f"{self.n_orbits} unknowns, dim {self.dimension}, volume {self.volume:.6g}>")


def _slice_volume(mesh: Mesh, simplices: np.ndarray, moved: np.ndarray) -> float:
    """(k-1)-volume of the mirror slices of simplices whose two ``moved`` vertices swap."""
    if simplices.shape[0] == 0:
        return 0.0
    if mesh.dim == 1:
        return float(simplices.shape[0])  # the slice of an edge is its midpoint
    v = mesh.vertices
    k1 = simplices.shape[1]
    pair = simplices[moved].reshape(-1, 2)
    rest = simplices[~moved].reshape(-1, k1 - 2)
    a = v[pair[:, 0]]
    mid = a + 0.5 * mesh.wrap_difference(v[pair[:, 1]] - a)
    e = mesh.wrap_difference(v[rest] - mid[:, None, :])  # (m, k-1, D) edges of the slice
    return float(volumes_from_edges(e).sum())


def quotient(mesh: Mesh | str,
             group: FiniteGroup | ContinuousGroup | LieGroup | TorusGroup, *,
             resolution: int | None = None, tol: float = 1e-8) -> Quotient | SphereQuotient:
    """The orbit space of a mesh under a group, ready for eigenvalue counting.

    Parameters
    ----------
    mesh : Mesh or str
        A mesh, or a mesh spec of :func:`weylgain.meshes.from_spec`. A polyhedral sphere
        spec (``"sphere:K[:icosahedron|octahedron][:RADIUS]"``) with a finite group takes the
        direct route, :func:`~weylgain.quotient_direct.quotient_sphere`: the reduced pencil
        is assembled from one face per orbit of faces, and the mesh is never built. Any
        other spec is built and reduced as a mesh.
    group : FiniteGroup, ContinuousGroup, LieGroup or TorusGroup
        A finite group acting on a lower dimension than ``mesh.ambient_dim`` is extended by
        the identity on the extra coordinates. A LieGroup or TorusGroup is accepted when it
        equals a catalogue family (:func:`weylgain.groups.as_catalogue`), and is reduced as
        that family.
    resolution : int, optional
        Continuous groups: number of vertices of an interval or circle orbit space, or the
        subdivision level of a sphere orbit space (Hopf). Default: matched to the input mesh's
        mean edge length.
    tol : float, default 1e-8
        Vertex matching tolerance (finite groups).

    Returns
    -------
    Quotient or SphereQuotient
        A :class:`~weylgain.quotient_direct.SphereQuotient` for a sphere spec and a finite
        group (the same pencil, counts and volume; no mesh, so no per-vertex ``orbits``).

    Raises
    ------
    NotInvariantError
        A generator does not map the mesh (vertices and simplices) onto itself.
    GroupError
        Dimension mismatch, a continuous group/mesh combination that is not supported, or a
        Lie group or subtorus that equals no catalogue family.
    SpecError
        A mesh spec that :func:`weylgain.meshes.from_spec` does not read.
    """
    if isinstance(mesh, str):
        from .quotient_direct import sphere_spec

        _check_tol_resolution(tol, resolution)
        parsed = sphere_spec(mesh)
        if parsed is not None and isinstance(group, FiniteGroup):
            k, base, radius = parsed
            return quotient_sphere(k, group, radius=radius, base=base)
        from .meshes import from_spec

        mesh = from_spec(mesh)
    if not isinstance(mesh, Mesh):
        raise GroupError(f"quotient needs a weylgain.Mesh (or a mesh spec string); got "
                         f"{type(mesh).__name__}")
    _check_tol_resolution(tol, resolution)
    if isinstance(group, FiniteGroup):
        return _finite_quotient(mesh, group, tol)
    if isinstance(group, ContinuousGroup):
        return _continuous_quotient(mesh, group, resolution)
    if callable(getattr(group, "action_on", None)):
        # a LieGroup or TorusGroup equal to a catalogue family (SO(3) from its Lie algebra,
        # a conjugate of it, unit translations) takes that family's orbit-space mesh
        family = as_catalogue(group)
        if family is not None:
            return _continuous_quotient(mesh, family, resolution)
        raise GroupError(
            f"quotient of a mesh by {getattr(group, 'name', None) or type(group).__name__} "
            f"({type(group).__name__}) is not supported: a Lie group or subtorus is reduced "
            "only when it equals a catalogue family without a finite part (SO(2) about a "
            "coordinate axis of R^3, SO(D-1) fixing a coordinate axis, SO(D), hopf on R^4, "
            "T<k> translating coordinate axes); check with weylgain.groups.as_catalogue, or "
            "pass a FiniteGroup"
        )
    raise GroupError(
        f"quotient needs a FiniteGroup or ContinuousGroup (see weylgain.groups.named); "
        f"got {type(group).__name__}"
    )


def _check_tol_resolution(tol: Any, resolution: Any) -> None:
    from .errors import ParameterError

    try:
        tol_ok = not isinstance(tol, (bool, str)) and math.isfinite(float(tol)) and tol >= 0
    except (TypeError, ValueError):
        tol_ok = False
    if not tol_ok:
        raise ParameterError(f"tol must be a finite number >= 0 (the vertex matching "
                             f"tolerance); got {tol!r}")
    if resolution is not None and (isinstance(resolution, bool)
                                   or not isinstance(resolution, (int, np.integer))
                                   or resolution < 1):
        raise ParameterError(f"resolution must be a positive integer (or None for the "
                             f"default); got {resolution!r}")


# ----------------------------------------------------------------------- finite
def _finite_quotient(mesh: Mesh, group: FiniteGroup, tol: float) -> Quotient:
    D = mesh.ambient_dim
    if group.dim > D:
        raise GroupError(
            f"group {group.name!r} acts on R^{group.dim} but the mesh lives in R^{D}"
        )
    g = group.extended(D)
    n = mesh.n_vertices
    perms = np.empty((g.n_generators, n), dtype=np.int64)
    for s, gen in enumerate(g.generators):
        perms[s] = vertex_permutation(mesh, gen, tol=tol,
                                      label=f"generator {s} of {group.name}")
    labels, n_orb = vertex_orbits(perms)
    P = sp.csr_matrix((np.ones(n), labels, np.arange(n + 1)), shape=(n, n_orb))
    # kernel of the action: elements whose vertex permutation is the identity
    kernel = _kernel_order(mesh, g, perms)
    eff = g.order // kernel if kernel else g.order
    return Quotient(
        mesh=mesh, group=group, kind="finite", orbits=_readonly(labels), projection=P,
        base_mesh=mesh, density=None, dimension=mesh.dim,
        volume=mesh.volume / eff, effective_order=int(eff), kernel_order=kernel,
        description=f"{mesh.name or 'mesh'} / {group.name}: {n_orb} vertex orbits of {n}",
    )


def _kernel_order(mesh: Mesh, group: FiniteGroup, perms: np.ndarray) -> int | None:
    """Order of the subgroup fixing every vertex; None when it cannot be computed."""
    if perms.shape[0] and np.all(perms == np.arange(perms.shape[1])):
        return group.order  # every generator fixes every vertex
    # an isometry fixing a full-dimensional piece of manifold, or (linear maps) a spanning set
    # of vectors, is the identity: no enumeration needed in the usual case
    if mesh.dim == mesh.ambient_dim:
        return 1
    if group.is_linear and np.linalg.matrix_rank(mesh.vertices) == mesh.ambient_dim:
        return 1
    try:
        per = mesh.period if mesh.is_periodic else None
        return group.kernel_order(mesh.vertices, period=per,
                                  tol=1e-8 * max(1.0, float(np.abs(mesh.vertices).max())))
    except GroupError:
        # too many elements to enumerate: assume an effective action (true whenever the
        # vertices span the space the group acts on, e.g. any full-dimensional mesh)
        return None


# ----------------------------------------------------------------------- continuous
def _sphere_radius(mesh: Mesh, group: ContinuousGroup) -> float | None:
    """Radius if the mesh is a closed (D-1)-sphere centred at the origin of R^D, else None."""
    if mesh.is_periodic or mesh.dim != mesh.ambient_dim - 1 or not mesh.is_closed:
        return None
    r = np.linalg.norm(mesh.vertices, axis=1)
    if r.min() <= 0 or (r.max() - r.min()) > 1e-6 * r.max():
        return None
    return float(r.mean())


def _ball_radius(mesh: Mesh) -> float | None:
    if mesh.is_periodic or mesh.dim != mesh.ambient_dim or mesh.is_closed:
        return None
    r = np.linalg.norm(mesh.vertices, axis=1)
    b = np.unique(mesh.boundary_facets())
    rb = r[b]
    if (rb.max() - rb.min()) > 1e-6 * rb.max() or r.min() > 1e-12:
        return None
    return float(rb.mean())


def _mean_edge(mesh: Mesh) -> float:
    return float(mesh.edge_lengths().mean())


def _interval_quotient(mesh: Mesh, group: ContinuousGroup, length: float,
                       weight: Callable[[np.ndarray], np.ndarray], resolution: int | None,
                       description: str) -> Quotient:
    from . import meshes

    n = resolution if resolution is not None else max(9, int(math.ceil(length / _mean_edge(mesh))) + 1)
    if n < 2:
        raise GroupError(f"resolution must be at least 2 vertices; got {n}")
    base = meshes.interval(int(n), length=length)

    def density(points: np.ndarray) -> np.ndarray:
        return weight(np.asarray(points)[:, 0])

    # vol(M/G) is the length of the orbit space in the quotient metric (docs/theory.md#continuous-groups: pi for
    # S^2/SO(2)); the weighted length, the integral of w, is vol(M) (coarea formula)
    return Quotient(mesh=mesh, group=group, kind="continuous", orbits=None, projection=None,
                    base_mesh=base, density=density, dimension=1, volume=float(length),
                    effective_order=None, kernel_order=None, description=description)


def _continuous_quotient(mesh: Mesh, group: ContinuousGroup, resolution: int | None) -> Quotient:
    D = mesh.ambient_dim
    unsupported = GroupError(
        f"the quotient of {mesh.name or 'this mesh'} (a {mesh.dim}-manifold in R^{D}) by "
        f"{group.name} ({group.family}) is not supported; supported: spheres S^(D-1) "
        "centred at 0 by "
        "SO(2) about an axis (D=3), SO(D-1) fixing an axis, SO(D) (a point); disks/balls by "
        "SO(D) (a radius interval); S^3 by hopf; flat tori by T<k>"
    )
    # the group says what its orbits look like; the orbit-space mesh is chosen by that shape
    return _orbit_space(group.orbit_shape(D), mesh, group, resolution, unsupported)


def _check_linear_dim(mesh: Mesh, group: ContinuousGroup) -> None:
    D = mesh.ambient_dim
    if group.dim != D:
        raise GroupError(f"{group.name} acts on R^{group.dim} but the mesh lives in R^{D}")


@functools.singledispatch
def _orbit_space(shape: Any, mesh: Mesh, group: ContinuousGroup, resolution: int | None,
                 unsupported: GroupError) -> Quotient:
    """The orbit space of ``mesh`` for a group whose orbits have ``shape`` (None: unknown)."""
    # no orbit-space mesh is known (SO(2) about an axis outside R^3): a rotation group of
    # another R^n is a dimension mismatch first
    _check_linear_dim(mesh, group)
    raise unsupported


@_orbit_space.register
def _(shape: PolarOrbits, mesh: Mesh, group: ContinuousGroup, resolution: int | None,
      unsupported: GroupError) -> Quotient:
    _check_linear_dim(mesh, group)
    D = mesh.ambient_dim
    r = _sphere_radius(mesh, group)
    if r is None:
        raise unsupported
    m = D - 2  # orbits of the point at polar angle theta: spheres S^m of radius r sin(theta)
    c = _sphere_volume(m)

    def weight(s: np.ndarray) -> np.ndarray:
        return c * (r * np.sin(np.clip(s / r, 0.0, math.pi))) ** m

    return _interval_quotient(
        mesh, group, math.pi * r, weight, resolution,
        f"S^{D - 1}(r={r:.6g}) / {group.name} = [0, pi r] (arc length from the axis), "
        f"w = vol(S^{m}) (r sin(s/r))^{m}",
    )


@_orbit_space.register
def _(shape: SphericalOrbits, mesh: Mesh, group: ContinuousGroup, resolution: int | None,
      unsupported: GroupError) -> Quotient:
    _check_linear_dim(mesh, group)
    D = mesh.ambient_dim
    r = _sphere_radius(mesh, group)
    if r is not None:  # transitive: the orbit space is a point
        return Quotient(mesh=mesh, group=group, kind="continuous", orbits=None,
                        projection=None, base_mesh=None, density=None, dimension=0,
                        volume=1.0, effective_order=None, kernel_order=None,
                        description=f"S^{D - 1} / {group.name} = a point (only constants "
                                    "are invariant)")
    R = _ball_radius(mesh)
    if R is None:
        raise unsupported
    c = _sphere_volume(D - 1)

    def weight_r(s: np.ndarray) -> np.ndarray:
        return c * np.clip(s, 0.0, None) ** (D - 1)

    return _interval_quotient(
        mesh, group, R, weight_r, resolution,
        f"B^{D}(R={R:.6g}) / {group.name} = [0, R] (radius), w = vol(S^{D - 1}) r^{D - 1}",
    )


@_orbit_space.register
def _(shape: HopfFibres, mesh: Mesh, group: ContinuousGroup, resolution: int | None,
      unsupported: GroupError) -> Quotient:
    from . import meshes

    _check_linear_dim(mesh, group)
    D = mesh.ambient_dim
    r = _sphere_radius(mesh, group)
    if r is None or D != 4:
        raise unsupported
    if resolution is None:
        # icosahedral sphere of radius r/2: mean edge about 1.1 * r/2 / 2^k
        target = _mean_edge(mesh)
        k = max(1, int(math.ceil(math.log2(max(1.0, 0.55 * r / target)))))
    else:
        k = int(resolution)
    base = meshes.sphere(k, radius=r / 2)
    fibre = 2 * math.pi * r

    def density_h(points: np.ndarray) -> np.ndarray:
        return np.full(np.asarray(points).shape[0], fibre)

    return Quotient(mesh=mesh, group=group, kind="continuous", orbits=None,
                    projection=None, base_mesh=base, density=density_h, dimension=2,
                    volume=4 * math.pi * (r / 2) ** 2, effective_order=None,
                    kernel_order=None,
                    description=f"S^3(r={r:.6g}) / U(1) (Hopf) = S^2(r/2), fibres of "
                                f"length 2 pi r")


@_orbit_space.register
def _(shape: TranslationOrbits, mesh: Mesh, group: ContinuousGroup, resolution: int | None,
      unsupported: GroupError) -> Quotient:
    from . import meshes

    D = mesh.ambient_dim
    coords = shape.coordinates
    if group.dim > D:
        raise GroupError(f"{group.name} acts on R^{group.dim} but the mesh lives in R^{D}")
    per = mesh.period
    if not mesh.is_periodic or mesh.dim != D or any(not np.isfinite(per[c]) for c in coords):
        raise GroupError(
            f"{group.name} translates coordinates {list(coords)} of a flat torus; "
            f"{mesh.name or 'this mesh'} is not a flat torus periodic along them "
            "(use meshes.torus)"
        )
    rest = [a for a in range(D) if a not in coords]
    fibre = float(np.prod([per[c] for c in coords]))
    if not rest:
        return Quotient(mesh=mesh, group=group, kind="continuous", orbits=None,
                        projection=None, base_mesh=None, density=None, dimension=0,
                        volume=1.0, effective_order=None, kernel_order=None,
                        description=f"T^{D} / {group.name} = a point")
    if any(not np.isfinite(per[a]) for a in rest):
        raise unsupported
    if resolution is None:
        v = mesh.wrap_points(mesh.vertices)
        n = max(int(np.unique(np.round(v[:, a] / per[a] * 1e9)).size) for a in rest)
        n = max(n, 3)
    else:
        n = int(resolution)
    base = meshes.torus(len(rest), n, length=[float(per[a]) for a in rest])

    def density_t(points: np.ndarray) -> np.ndarray:
        return np.full(np.asarray(points).shape[0], fibre)

    return Quotient(mesh=mesh, group=group, kind="continuous", orbits=None,
                    projection=None, base_mesh=base, density=density_t,
                    dimension=len(rest), volume=float(base.volume),
                    effective_order=None, kernel_order=None,
                    description=f"T^{D} / {group.name} = T^{len(rest)} (axes {rest}), "
                                f"constant weight {fibre:.6g}")
