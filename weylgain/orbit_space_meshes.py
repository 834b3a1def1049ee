"""Finite-element meshes of orbit spaces M/G that the vertex-orbit route does not give.

Two kinds, one front door (:func:`orbit_space_mesh`):

* **Continuous actions whose orbit space has dimension >= 2**, meshed directly, with the
  orbit-volume density w(y) = vol(orbit(y)) as the weight of the P1 pencil
  (:func:`weylgain.fem.laplacian` integrates it by an interior quadrature):

  - S^3(r)/hopf and RP^3(r)/hopf: the Hopf map is a Riemannian submersion onto S^2(r/2) with
    totally geodesic fibres of length 2 pi r (pi r on RP^3 = S^3/{±1}: -1 lies on every Hopf
    circle), so the invariant problem is the round sphere of radius r/2 with a constant weight
    (:func:`hopf_orbit_space`);
  - B^D(R)/SO(D-1) (rotations fixing an axis; B^3/SO(2) about z): the half-disk
    {(rho, z): rho >= 0, rho^2 + z^2 <= R^2} with w = vol(S^(D-2)) rho^(D-2), the ball's Neumann
    condition on the arc and the natural (weight-vanishing) condition on the axis
    (:func:`axial_ball_orbit_space`, on the mesh of :func:`half_disk`).

* **Finite groups on S^3, RP^3 and the flat 3-torus**, through the vertex orbits of a mesh the
  group maps onto itself: ``sphere3:k`` (the hypercube's boundary: every signed permutation of
  the four coordinates, so Sym(3), Sym(4), B_4 and their subgroups) by
  :func:`weylgain.quotient.quotient`, the Kuhn or mirrored torus by
  :func:`weylgain.quotient_torus.quotient_torus` without building T^3.

Every result has the interface of :class:`weylgain.quotient.Quotient` (``laplacian``,
``volume``, ``boundary_volume``, ``mean_edge_length``, ``n_orbits``, ``base_mesh``, ``kind``,
``dimension``, ``to_dict``), so the counter and the gain measurement take it as they take a
quotient.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np

from .errors import GroupError, ParameterError, SpecError
from .groups.continuous import HopfFibres, PolarOrbits
from .manifolds.ball import Ball
from .mesh import Mesh

__all__ = ["OrbitSpaceMesh", "half_disk", "hopf_orbit_space", "axial_ball_orbit_space",
           "orbit_space_mesh", "orbit_space_levels"]

# Default target of the automatic level: predicted invariant eigenvalues below the resolved
# eigenvalue lam_h2 / h^2 (the fit of the two-term law wants a few hundred).
_TARGET_COUNT = 300
_LAM_H2 = 0.5


def _sphere_volume(m: int, radius: float = 1.0) -> float:
    """Volume of the round m-sphere of the given radius (2 pi^((m+1)/2) / Gamma((m+1)/2))."""
    return 2.0 * math.pi ** ((m + 1) / 2) / math.gamma((m + 1) / 2) * radius ** m


def _level(level: Any, minimum: int = 0) -> int:
    if isinstance(level, bool) or not isinstance(level, (int, np.integer)):
        raise ParameterError(f"level must be an integer; got {level!r}")
    if int(level) < minimum:
        raise ParameterError(f"level must be at least {minimum}; got {int(level)}")
    return int(level)


def _radius(radius: Any) -> float:
    try:
        r = float(radius)
    except (TypeError, ValueError):
        raise ParameterError(f"radius must be a positive number; got {radius!r}") from None
    if not (math.isfinite(r) and r > 0):
        raise ParameterError(f"radius must be a positive finite number; got {radius!r}")
    return r


# ====================================================================== the result
@dataclass(frozen=True, eq=False)
class OrbitSpaceMesh:
    """A weighted P1 problem on a mesh of the orbit space of a continuous action.

    Attributes
    ----------
    manifold : str
        Name of M.
    group : str
        Name of G.
    base_mesh : Mesh
        The mesh of M/G (n vertices, dimension ``dimension``).
    density : callable
        Orbit-volume density w: points of shape (q, D) of ``base_mesh`` -> values (q,).
    dimension : int
        d_G = dim(M/G).
    volume : float
        vol(M/G) in the quotient metric (closed form of the orbit space, e.g. pi for
        S^3/hopf and RP^3/hopf, pi R^2/2 for B^3(R)/SO(2)): the volume in Weyl's law
        N_G ~ omega_d vol(M/G) lam^(d/2) / (2 pi)^d.
    manifold_volume : float
        vol(M) in closed form: the integral of the density over M/G (coarea formula).
    level : int
        Refinement level of ``base_mesh``.
    description : str
        The orbit space, its metric and weight in words.
    kind : str
        Always ``"continuous"``.
    """

    manifold: str
    group: str
    base_mesh: Mesh
    density: Callable[[np.ndarray], np.ndarray]
    dimension: int
    volume: float
    manifold_volume: float
    level: int
    description: str = ""
    kind: str = "continuous"

    @property
    def n_orbits(self) -> int:
        """int: unknowns of the reduced problem (vertices of ``base_mesh``)."""
        return int(self.base_mesh.n_vertices)

    @property
    def name(self) -> str:
        """str: ``"<M>/<G> on <base mesh>"``."""
        return f"{self.manifold}/{self.group} on {self.base_mesh.name}"

    def mean_edge_length(self) -> float:
        """float: mean edge of ``base_mesh``, the ``h`` of the resolution rule."""
        return float(self.base_mesh.mean_edge_length())

    def laplacian(self, lumped: bool = False, density: Any = None) -> tuple[Any, Any]:
        """Weighted stiffness and mass of the invariant problem.

        Parameters
        ----------
        lumped : bool, default False
            Lumped (diagonal) mass instead of consistent mass.
        density : None
            Accepted for the interface of :meth:`weylgain.quotient.Quotient.laplacian`; the
            orbit-volume density is already the weight, so anything else is refused.

        Returns
        -------
        K : csr_matrix of shape (n, n)
        M : csr_matrix of shape (n, n)
            The P1 pair of -div(w grad u) = lam w u on ``base_mesh`` (natural conditions on
            every boundary), n = ``n_orbits``.
        """
        from .fem import laplacian as _laplacian

        if density is not None:
            raise GroupError("an extra density is not supported on an orbit-space mesh (the "
                             "problem already carries the orbit-volume density)")
        return _laplacian(self.base_mesh, density=self.density, lumped=lumped)

    def weighted_volume(self) -> float:
        """float: the integral of the density over ``base_mesh`` (-> vol(M) as h -> 0).

        It equals the sum of the weighted mass matrix (the integral of w times the constant 1).
        """
        _, M = self.laplacian()
        return float(M.sum())

    def boundary_volume(self) -> float:
        """float: vol of the boundary of M/G where the density is positive, on ``base_mesh``.

        The Neumann boundary of the two-term Weyl law (the arc of the half-disk; 0 for the
        closed S^2(r/2)). Boundary facets on which the density vanishes (the rotation axis)
        are singular strata, not walls, and are not counted.
        """
        mesh = self.base_mesh
        if mesh.is_closed:
            return 0.0
        faces = mesh.boundary_facets()
        mids = mesh.vertices[faces].mean(axis=1)
        w = np.asarray(self.density(mids), dtype=float)
        return float(mesh.face_volumes(faces)[w > 1e-12 * max(1.0, float(w.max()))].sum())

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready description (no arrays)."""
        return {
            "manifold": self.manifold,
            "group": self.group,
            "kind": self.kind,
            "base_mesh": str(self.base_mesh.name),
            "n_orbits": self.n_orbits,
            "mean_edge_length": self.mean_edge_length(),
            "level": int(self.level),
            "dimension": int(self.dimension),
            "volume": float(self.volume),
            "mesh_volume": float(self.base_mesh.volume),
            "manifold_volume": float(self.manifold_volume),
            "description": self.description,
        }

    def __repr__(self) -> str:
        return (f"<OrbitSpaceMesh {self.manifold}/{self.group}: {self.base_mesh.name}, "
                f"{self.n_orbits} unknowns, dim {self.dimension}, volume {self.volume:.6g}>")


# ====================================================================== meshes
def half_disk(level: int, radius: float = 1.0) -> Mesh:
    """The half-disk {(rho, z): rho >= 0, rho^2 + z^2 <= radius^2}, triangulated.

    The triangles of :func:`weylgain.meshes.disk` with rho = x >= 0: that disk's simplex set is
    invariant under x -> -x and its edges run along x = 0 (they come from the octahedron's
    edges), so no triangle crosses the axis and the axis is a chain of mesh edges. Coordinates
    are (rho, z): rho the distance from the axis, z along it.

    Parameters
    ----------
    level : int
        Refinement level k >= 0 of the disk: 2 * 4^k triangles, mean edge about 1.2 R / 2^k.
    radius : float, default 1.0

    Returns
    -------
    Mesh
        Vertices of shape (n, 2), triangles of shape (2 * 4^k, 3); named ``"halfdisk:k"``.
    """
    from . import meshes

    k = _level(level)
    r = _radius(radius)
    disk = meshes.disk(k, radius=r)
    v, s = disk.vertices, disk.simplices
    tol = 1e-12 * r
    keep = (v[s][..., 0] >= -tol).all(axis=1)
    used, inverse = np.unique(s[keep], return_inverse=True)
    verts = v[used].copy()
    verts[np.abs(verts[:, 0]) <= tol, 0] = 0.0  # the axis exactly at rho = 0
    simp = inverse.reshape(-1, 3).astype(np.int64)
    name = f"halfdisk:{k}" + ("" if r == 1.0 else f":{r:g}")
    return Mesh(verts, simp, name=name)


def hopf_orbit_space(level: int, radius: float = 1.0, projective: bool = False
                     ) -> OrbitSpaceMesh:
    """S^3(r)/U(1) (Hopf) or RP^3(r)/U(1): the sphere S^2(r/2) with the fibre length as weight.

    The Hopf map S^3(r) -> S^2(r/2) is a Riemannian submersion with totally geodesic fibres
    (great circles of length 2 pi r), so the Laplacian of S^3 on invariant functions is that of
    S^2(r/2): eigenvalues 4 l (l + 1) / r^2 with multiplicity 2 l + 1 (the degree-2l harmonics
    of S^3 that the circle fixes). On RP^3 = S^3/{±1} the fibres are half circles (-1 lies on
    every Hopf circle) and the invariant spectrum is the same.

    Parameters
    ----------
    level : int
        Subdivisions k >= 0 of the icosahedral sphere (10 * 4^k + 2 vertices).
    radius : float, default 1.0
        Radius r of S^3 (of its cover S^3 for RP^3).
    projective : bool, default False
        RP^3(r) instead of S^3(r): the weight pi r instead of 2 pi r.

    Returns
    -------
    OrbitSpaceMesh
        ``volume`` = 4 pi (r/2)^2 = pi r^2; ``manifold_volume`` = 2 pi^2 r^3 (pi^2 r^3 on RP^3).
    """
    from . import meshes

    k = _level(level)
    r = _radius(radius)
    if not isinstance(projective, (bool, np.bool_)):
        raise ParameterError(f"projective must be True or False; got {projective!r}")
    fibre = (math.pi if projective else 2.0 * math.pi) * r
    base = meshes.sphere(k, radius=r / 2)

    def density(points: np.ndarray) -> np.ndarray:
        return np.full(np.asarray(points).shape[0], fibre)

    area = 4.0 * math.pi * (r / 2) ** 2
    M = ("RP3" if projective else "S3") + ("" if r == 1.0 else f"({r:g})")
    return OrbitSpaceMesh(
        manifold=M, group="hopf", base_mesh=base, density=density, dimension=2,
        volume=area, manifold_volume=area * fibre, level=k,
        description=f"{M}/U(1) (Hopf) = S^2(r/2 = {r / 2:g}), fibres of length "
                    f"{'pi' if projective else '2 pi'} r = {fibre:.6g} (constant weight)")


def axial_ball_orbit_space(level: int, dim: int = 3, radius: float = 1.0) -> OrbitSpaceMesh:
    """B^D(R)/SO(D-1), the rotations fixing an axis: a half-disk with weight vol(S^(D-2)) rho^(D-2).

    In coordinates (rho, z, angles) the ball's metric is d rho^2 + dz^2 + rho^2 g_S^(D-2); the
    orbit of (rho, z) is the sphere S^(D-2)(rho), so invariant functions solve
    -div(w grad u) = lam w u on the half-disk with w = vol(S^(D-2)) rho^(D-2) (2 pi rho for
    B^3/SO(2)): Neumann on the arc (the ball's condition), natural on the axis rho = 0 where
    w vanishes. Exact spectrum (D = 3): the axisymmetric Neumann modes of the ball, one for each
    harmonic degree l and each zero of j_l' (lam = 0 included).

    Parameters
    ----------
    level : int
        Refinement level k >= 0 of :func:`half_disk`.
    dim : int, default 3
        D >= 3, the dimension of the ball.
    radius : float, default 1.0

    Returns
    -------
    OrbitSpaceMesh
        ``volume`` = pi R^2 / 2 (the half-disk), ``manifold_volume`` = vol(B^D(R)).
    """
    if isinstance(dim, bool) or not isinstance(dim, (int, np.integer)) or int(dim) < 3:
        raise ParameterError(f"dim must be an integer >= 3 (the orbit space of B^2/SO(1) is "
                             f"B^2 itself); got {dim!r}")
    D = int(dim)
    R = _radius(radius)
    base = half_disk(level, R)
    m = D - 2
    c = _sphere_volume(m)

    def density(points: np.ndarray) -> np.ndarray:
        return c * np.clip(np.asarray(points)[:, 0], 0.0, None) ** m

    ball_vol = math.pi ** (D / 2) / math.gamma(D / 2 + 1) * R ** D
    M = f"B{D}" + ("" if R == 1.0 else f"({R:g})")
    return OrbitSpaceMesh(
        manifold=M, group=f"SO({D - 1})", base_mesh=base, density=density, dimension=2,
        volume=math.pi * R ** 2 / 2, manifold_volume=ball_vol, level=int(level),
        description=f"{M}/SO({D - 1}) = half-disk {{rho >= 0, rho^2 + z^2 <= {R:g}^2}}, "
                    f"w = vol(S^{m}) rho^{m}; Neumann on the arc, natural on the axis")


# ====================================================================== front door
@dataclass(frozen=True)
class _Family:
    """How to mesh one kind of pair.

    ``levels``: the automatic ladder, coarse to fine (kept to meshes that build and count in
    seconds to a minute); ``build(level)``; ``scale(level)``: a number proportional to the mean
    edge at that level (2^-k for subdivisions, 1/n for a grid of n per axis), so the ladder is
    climbed on estimates and only the chosen level is built.
    """

    levels: tuple[int, ...]
    build: Callable[[int], Any]
    scale: Callable[[int], float]


def _halving(k: int) -> float:
    return 2.0 ** -k


def _grid(n: int) -> float:
    return 1.0 / n


@functools.singledispatch
def _continuous_family(shape: Any, M: Any, G: Any) -> _Family | None:
    """The orbit-space mesh of M for orbits of this shape (None: none here)."""
    return None


@_continuous_family.register
def _(shape: HopfFibres, M: Any, G: Any) -> _Family | None:
    cover, double = M.cover()
    r = cover.sphere_radius()
    if cover.dim != 3 or r is None:
        return None
    if double and tuple(M.antipodal_blocks()) != ((0, 4),):
        return None
    rr = float(r)
    return _Family(tuple(range(1, 9)),
                   lambda k: hopf_orbit_space(k, radius=rr, projective=bool(double)), _halving)


@_continuous_family.register
def _(shape: PolarOrbits, M: Any, G: Any) -> _Family | None:
    return _axial_family(M, G, shape)


@functools.singledispatch
def _axial_family(M: Any, G: Any, shape: PolarOrbits) -> _Family | None:
    """Orbits S^m about an axis: a half-disk on a ball (other manifolds: None)."""
    return None


@_axial_family.register
def _(M: Ball, G: Any, shape: PolarOrbits) -> _Family | None:
    D, R = int(M.dim), float(M.radius)
    if D < 3 or shape.m != D - 2:
        return None

    def build(k: int) -> OrbitSpaceMesh:
        q = axial_ball_orbit_space(k, dim=D, radius=R)
        return OrbitSpaceMesh(
            manifold=M.name, group=G.name, base_mesh=q.base_mesh, density=q.density,
            dimension=q.dimension, volume=q.volume, manifold_volume=q.manifold_volume,
            level=q.level,
            description=q.description + f" (the axis: coordinate {shape.axis} of R^{D})")

    return _Family(tuple(range(1, 10)), build, _halving)


def _finite_family(M: Any, G: Any) -> _Family | None:
    from . import meshes
    from .errors import NotInvariantError
    from .groups import from_generators
    from .quotient import quotient
    from .quotient_torus import quotient_torus

    cover, double = M.cover()
    r = cover.sphere_radius()
    lengths = M.torus_lengths()
    if cover.dim == 3 and r is not None and (not double
                                            or tuple(M.antipodal_blocks()) == ((0, 4),)):
        G_mesh = G
        if double:  # RP^3 = S^3/{±1}: the cover's group <G, -I>
            lin, _ = G.generator_arrays()
            G_mesh = from_generators(np.concatenate([lin, -np.eye(4)[None]]),
                                     np.zeros((lin.shape[0] + 1, 4)), name=G.name)
        rr = float(r)
        return _Family(tuple(range(0, 5)),
                       lambda k: quotient(meshes.sphere3(k, radius=rr), G_mesh), _halving)
    if lengths is not None and len(lengths) == 3 and M.dim == 3:
        L = [float(v) for v in lengths]

        def build(n: int) -> Any:
            try:
                return quotient_torus(3, n, G, length=L, triangulation="kuhn")
            except NotInvariantError:  # sign changes: the mirrored triangulation keeps them
                return quotient_torus(3, n + n % 2, G, length=L, triangulation="mirrored")

        return _Family((8, 12, 16, 24, 32, 40, 48, 64), build, _grid)
    return None


def _family(M: Any, G: Any) -> _Family:
    from .groups import ContinuousGroup, FiniteGroup

    fam = None
    if isinstance(G, FiniteGroup):
        fam = _finite_family(M, G)
    elif isinstance(G, ContinuousGroup):
        fam = _continuous_family(G.orbit_shape(M.ambient_dim), M, G)
    if fam is None:
        raise GroupError(
            f"no orbit-space mesh of {M.name}/{G.name} here: orbit_space_mesh meshes S3 and "
            "RP3 under hopf, the balls B^D (D >= 3) under SO(D-1) fixing an axis (B3 under "
            "SO(2)), and S3, RP3 and T3 under finite groups mapping sphere3:k or the Kuhn or "
            "mirrored torus onto itself; use weylgain.quotient.quotient(mesh, group) for the "
            "1-dimensional orbit spaces and finite groups on other meshes")
    return fam


def _resolve(manifold: Any, group: Any) -> tuple[Any, Any]:
    from .geometry import resolve_group
    from .groups import as_catalogue
    from .manifolds import parse_manifold
    from .manifolds.base import Manifold

    if isinstance(manifold, str):
        M = parse_manifold(manifold)
    elif isinstance(manifold, Manifold):
        M = manifold
    else:
        raise SpecError(f"manifold must be a specification such as 'S3' or a weylgain "
                        f"manifold; got {type(manifold).__name__}")
    G = resolve_group(group, M)
    return M, as_catalogue(G) or G


def orbit_space_levels(manifold: Any, group: Any) -> tuple[int, ...]:
    """The automatic ladder of :func:`orbit_space_mesh` for this pair, coarse to fine.

    Icosahedral subdivisions 1-8 of S^2(r/2) (hopf; 8: 655,362 unknowns), half-disk levels
    1-9 (balls; 9: 263,169), ``sphere3`` subdivisions 0-4 (finite groups on S^3, RP^3; 4:
    262,402 vertices of S^3) or 8-64 vertices per axis of the torus (T^3). A ``level`` outside
    the ladder is accepted too, subject to the memory guard.

    Parameters
    ----------
    manifold, group : as for :func:`orbit_space_mesh`

    Returns
    -------
    tuple of int
    """
    M, G = _resolve(manifold, group)
    return _family(M, G).levels


def orbit_space_mesh(manifold: Any, group: Any, level: int | None = None, *,
                     target_count: int = _TARGET_COUNT, lam_h2: float = _LAM_H2) -> Any:
    """A finite-element problem on M/G for the pairs :func:`weylgain.quotient.quotient` cannot
    mesh from M alone, or without building M.

    Parameters
    ----------
    manifold : str or Manifold
        ``"S3"``, ``"RP3"``, ``"B3"`` (any radius, ``"B<D>"`` with D >= 3), ``"T3"``.
    group : str or group
        ``"hopf"`` (S3, RP3), ``"SO(2)"`` (B3; ``SO(D-1)`` fixing an axis of B^D), or a finite
        group mapping ``sphere3:k`` (S3, RP3: subgroups of the signed permutations B_4, e.g.
        ``"S3"`` = Sym(3) on three of the four coordinates) or the torus grid (T3: signed
        permutations and grid translations, e.g. ``"S3"``) onto itself.
    level : int, optional
        Refinement level (see :func:`orbit_space_levels`). Default: the coarsest level of the
        ladder at which the resolved window lam <= lam_h2 / h^2 holds ``target_count``
        predicted invariant eigenvalues (the finest level of the ladder if none does).
    target_count : int, default 300
        Predicted invariant eigenvalues wanted below the resolved eigenvalue.
    lam_h2 : float, default 0.5
        lam h^2 up to which P1 eigenvalues are counted as resolved.

    Returns
    -------
    OrbitSpaceMesh, Quotient or TorusQuotient
        An :class:`OrbitSpaceMesh` for continuous groups; the vertex-orbit
        :class:`~weylgain.quotient.Quotient` of ``sphere3:k`` or the
        :class:`~weylgain.quotient_torus.TorusQuotient` of the torus for finite groups. All
        have ``laplacian(lumped=...)``, ``volume``, ``boundary_volume()``,
        ``mean_edge_length()``, ``n_orbits``, ``base_mesh``, ``kind``, ``dimension`` and
        ``to_dict()``.

    Raises
    ------
    SpecError
        An unknown manifold specification.
    GroupError
        A pair with no orbit-space mesh here (the message lists the pairs that have one).
    NotInvariantError
        A finite group that does not map the mesh of M onto itself.
    ParameterError
        A bad level, target_count or lam_h2.
    ResourceError
        A level whose mesh cannot fit in memory (refused before allocating).
    """
    M, G = _resolve(manifold, group)
    fam = _family(M, G)
    if level is not None:
        return fam.build(_level(level))
    if isinstance(target_count, bool) or not isinstance(target_count, (int, np.integer)) \
            or int(target_count) < 1:
        raise ParameterError(f"target_count must be a positive integer; got {target_count!r}")
    try:
        lh2 = float(lam_h2)
    except (TypeError, ValueError):
        raise ParameterError(f"lam_h2 must be a positive number; got {lam_h2!r}") from None
    if not (math.isfinite(lh2) and lh2 > 0):
        raise ParameterError(f"lam_h2 must be a positive finite number; got {lam_h2!r}")
    return _coarsest_enough(fam, int(target_count), lh2)


def _coarsest_enough(fam: _Family, target: int, lam_h2: float) -> Any:
    """The first level of the ladder whose resolved window holds ``target`` predicted invariant
    eigenvalues (Weyl's one-term law on M/G with its own dimension and volume); the mean edge
    of each level is estimated from the coarsest one's by ``fam.scale``, and only the coarsest
    and the chosen level are built. The finest level of the ladder if none is enough."""
    k0 = fam.levels[0]
    q0 = fam.build(k0)
    h0 = q0.mean_edge_length()
    d = int(q0.dimension)
    omega = math.pi ** (d / 2) / math.gamma(d / 2 + 1)
    C = omega * float(q0.volume) / (2 * math.pi) ** d
    chosen = fam.levels[-1]
    for k in fam.levels:
        h = h0 * fam.scale(k) / fam.scale(k0)
        if C * (lam_h2 / h ** 2) ** (d / 2) >= target:
            chosen = k
            break
    return q0 if chosen == k0 else fam.build(chosen)
