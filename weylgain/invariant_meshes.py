"""Sphere meshes invariant under any finite subgroup of O(3), and triangle-mesh quality.

The icosahedral and octahedral spheres of :mod:`weylgain.meshes` serve only the subgroups of
I_h and O_h in their own frames. :func:`invariant_sphere` meshes S² for *any* finite group G of
orthogonal 3x3 matrices (the axial families C_n, C_nv, C_nh, D_n, D_nh, D_nd, S_2n for every n,
the polyhedral groups, each in any frame), working only from G's elements:

1. the poles of every rotation axis (the isolated fixed points of G on S²), as G-orbits;
2. seed points in a Dirichlet domain of G, each carried to its whole G-orbit;
3. Lloyd (centroidal Voronoi) iterations that move the seeds only: each seed goes to the
   centroid of its Voronoi cell among *all* orbit points, averaged over its orbit and pulled
   back, and the orbits are regenerated from the seeds. The point set is G-invariant by
   construction at every step. A seed that comes closer than 0.6 h to its own mirror image
   is moved onto the mirror (an orbit of half the size, kept on the mirror from then on), so
   that mirrors carry rows of vertices instead of pairs straddling them;
4. the convex hull (the spherical Delaunay triangulation of the points). G maps the hull onto
   itself; only its triangulation of co-circular point sets (always present next to mirrors:
   x, σx, y, σy lie on one circle) is arbitrary, so the hull triangles are grouped into
   planar facets and every facet with more than three vertices is fanned from its vertex
   centroid projected to the sphere (a canonical, hence G-invariant, choice);
5. a check that every generator maps vertices onto vertices (to 1e-10 radius) and triangles
   onto triangles; :class:`~weylgain.errors.MeshError` otherwise.

Why the poles: a vertex of an invariant mesh fixed by a rotation of order n has a multiple of
n triangles around it, so the smallest angle of an invariant mesh is at most 360°/n there
(30° for n = 12). Measured at 2000 vertices: the smallest angle is 22-42° for every axial
group with n = 2..12 (30° or more for all but a few mirror groups) and 33-42° for the
polyhedral groups; the longest edge is about 1.3-1.6 times the mean edge.

If the mirror-row construction ever fails its invariance check, the plain one (all seeds
generic, co-circular facets fanned) is used instead.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from ._meshgen import _check_int, _check_positive, _checked, _fmt, _guard, _localized
from .errors import MeshError
from .mesh import Mesh
from .meshes import _spec_error

__all__ = ["invariant_sphere", "mesh_quality", "MeshQuality", "DEFAULT_N_VERTICES"]

DEFAULT_N_VERTICES = 4000
_MIN_VERTICES = 12
_MAX_ORDER = 20_000
_MATCH_TOL = 1e-10  # vertex matching, relative to the radius
_COPLANAR_TOL = 1e-9  # co-circular hull facets are merged within this distance (unit sphere)


# ====================================================================== quality
@dataclass(frozen=True)
class MeshQuality:
    """Shape and size of a triangle mesh.

    Attributes
    ----------
    min_angle_deg, max_angle_deg : float
        Smallest and largest interior angle of any triangle, in degrees.
    h_max, h_mean : float
        Longest and mean edge length.
    n_vertices, n_triangles : int
    """

    min_angle_deg: float
    max_angle_deg: float
    h_max: float
    h_mean: float
    n_vertices: int
    n_triangles: int

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def __str__(self) -> str:
        return (f"{self.n_vertices} vertices, {self.n_triangles} triangles, angles "
                f"{self.min_angle_deg:.1f}-{self.max_angle_deg:.1f} deg, edges h_mean "
                f"{self.h_mean:.3g}, h_max {self.h_max:.3g}")


def _triangle_angles(vertices: np.ndarray, triangles: np.ndarray) -> np.ndarray:
    """Interior angles (radians) of each triangle, shape (m, 3)."""
    p = vertices[triangles]  # (m, 3, D)
    out = np.empty(triangles.shape, dtype=np.float64)
    for k in range(3):
        u = p[:, (k + 1) % 3] - p[:, k]
        w = p[:, (k + 2) % 3] - p[:, k]
        cross = np.linalg.norm(np.cross(u, w), axis=-1) if p.shape[2] == 3 else np.abs(
            u[:, 0] * w[:, 1] - u[:, 1] * w[:, 0])
        out[:, k] = np.arctan2(cross, np.einsum("ij,ij->i", u, w))
    return out


def mesh_quality(mesh: Mesh) -> MeshQuality:
    """Angles and edge lengths of a triangle mesh.

    Parameters
    ----------
    mesh : Mesh
        A 2-dimensional (triangle) mesh in R^2 or R^3, not periodic.

    Returns
    -------
    MeshQuality

    Raises
    ------
    MeshError
        The mesh is not a non-periodic triangle mesh in R^2 or R^3.
    """
    if not isinstance(mesh, Mesh):
        raise MeshError(f"mesh_quality needs a weylgain.Mesh; got {type(mesh).__name__}")
    if mesh.dim != 2 or mesh.ambient_dim not in (2, 3) or mesh.is_periodic:
        raise MeshError(
            f"mesh_quality measures triangle meshes in R^2 or R^3; got a {mesh.dim}-dimensional "
            f"mesh in R^{mesh.ambient_dim}" + (" (periodic)" if mesh.is_periodic else ""))
    ang = np.degrees(_triangle_angles(mesh.vertices, mesh.simplices))
    e = mesh.edge_lengths()
    return MeshQuality(min_angle_deg=float(ang.min()), max_angle_deg=float(ang.max()),
                       h_max=float(e.max()), h_mean=float(e.mean()),
                       n_vertices=mesh.n_vertices, n_triangles=mesh.n_simplices)


# ====================================================================== the group
def _group_elements(group: Any) -> tuple[np.ndarray, np.ndarray, str]:
    """(elements (g, 3, 3) with the identity first, generators (s, 3, 3), name)."""
    from .errors import GroupError
    # the finite groups and their names only: the group layer stands above the meshes
    from .groups.finite import FiniteGroup
    from .groups.finite_catalogue import named_finite

    name = group.strip() if isinstance(group, str) else getattr(group, "name", "")
    if isinstance(group, str):
        try:
            group = named_finite(group, dim=3)  # None: a continuous family's name
        except GroupError as exc:  # SpecError is not a GroupError: it propagates as is
            raise MeshError(f"invariant_sphere: {exc}") from exc
    if group is None or (hasattr(group, "family") and not isinstance(group, FiniteGroup)):
        raise MeshError(
            f"{name} is a continuous group: no mesh is invariant under it; "
            "weylgain.quotient meshes its orbit space directly")
    if not isinstance(group, FiniteGroup):
        raise MeshError("invariant_sphere needs a FiniteGroup (weylgain.groups.named or "
                        f"from_generators) or a group spec string; got {type(group).__name__}")
    if group.dim > 3:
        raise MeshError(f"group {group.name!r} acts on R^{group.dim}; an S^2 mesh lives in R^3")
    if not group.is_linear:
        raise MeshError(f"group {group.name!r} translates (a torus group); invariant_sphere "
                        "needs orthogonal matrices fixing the origin")
    g3 = group.extended(3) if group.dim < 3 else group
    try:
        lin, _ = g3.elements(max_order=_MAX_ORDER)
    except GroupError as exc:
        raise MeshError(f"invariant_sphere: {exc}") from exc
    gens, _ = g3.generator_arrays()
    lin = np.array(lin, dtype=np.float64)
    if not np.allclose(lin[0], np.eye(3), atol=1e-12):  # the closure lists the identity first
        k = int(np.argmin(np.abs(lin - np.eye(3)).max(axis=(1, 2))))
        lin[[0, k]] = lin[[k, 0]]
    return lin, np.array(gens, dtype=np.float64).reshape(-1, 3, 3), str(group.name)


def _unique_points(x: np.ndarray, tol: float) -> np.ndarray:
    """x with points closer than tol to an earlier point removed (first occurrence kept)."""
    from scipy.spatial import cKDTree

    if x.shape[0] == 0:
        return x
    pairs = cKDTree(x).query_pairs(tol, output_type="ndarray")
    drop = np.zeros(x.shape[0], dtype=bool)
    if pairs.size:
        drop[np.maximum(pairs[:, 0], pairs[:, 1])] = True
    return x[~drop]


def _orbit(elements: np.ndarray, x: np.ndarray) -> np.ndarray:
    """All images g x, shape (g * k, 3), element-major (x's own copies first)."""
    return np.einsum("gij,kj->gki", elements, x).reshape(-1, 3)


def _poles(elements: np.ndarray) -> np.ndarray:
    """The poles ±a of every rotation axis, as whole G-orbits (unit vectors)."""
    det = np.linalg.det(elements)
    rot = elements[(det > 0) & (np.abs(elements - np.eye(3)).max(axis=(1, 2)) > 1e-9)]
    if rot.shape[0] == 0:
        return np.zeros((0, 3))
    # the axis is the eigenvector of the symmetric part with eigenvalue 1 (the others are
    # cos(angle) < 1): simple and stable for every angle, including half-turns
    _, vecs = np.linalg.eigh(0.5 * (rot + np.transpose(rot, (0, 2, 1))))
    axes = vecs[:, :, -1]
    cand = _unique_points(np.concatenate([axes, -axes]), 1e-6)
    # regenerate each as an exact orbit of one representative, so invariance is to rounding
    out: list[np.ndarray] = []
    covered = np.zeros(cand.shape[0], dtype=bool)
    for i in range(cand.shape[0]):
        if covered[i]:
            continue
        orb = _unique_points(_orbit(elements, cand[i:i + 1]), 1e-6)
        out.append(orb)
        d = np.linalg.norm(cand[:, None, :] - orb[None, :, :], axis=2).min(axis=1)
        covered |= d < 1e-6
    return np.concatenate(out)


# ====================================================================== points
def _fibonacci_sphere(n: int, rotation: np.ndarray) -> np.ndarray:
    i = np.arange(n) + 0.5
    z = 1.0 - 2.0 * i / n
    r = np.sqrt(np.clip(1.0 - z * z, 0.0, None))
    phi = math.pi * (3.0 - math.sqrt(5.0)) * i
    return np.stack([r * np.cos(phi), r * np.sin(phi), z], axis=1) @ rotation.T


def _random_rotation(rng: np.random.Generator) -> np.ndarray:
    q, r = np.linalg.qr(rng.standard_normal((3, 3)))
    q = q * np.sign(np.diag(r))
    if np.linalg.det(q) < 0:
        q[:, 0] = -q[:, 0]
    return q


def _initial_seeds(elements: np.ndarray, n_seeds: int, rng: np.random.Generator
                   ) -> np.ndarray:
    """About n_seeds well-spread points of a Dirichlet domain of G (one per generic orbit)."""
    order = elements.shape[0]
    # the domain's centre: a random point whose images are as far from it as possible
    cand = rng.standard_normal((64, 3))
    cand /= np.linalg.norm(cand, axis=1, keepdims=True)
    if order > 1:
        img = np.einsum("gij,kj->kgi", elements[1:], cand)
        spread = np.linalg.norm(img - cand[:, None, :], axis=2).min(axis=1)
        p = cand[int(np.argmax(spread))]
    else:
        p = cand[0]
    images = elements @ p  # (g, 3), images[0] = p
    pts = _fibonacci_sphere(max(n_seeds * order, 4), _random_rotation(rng))
    inside = pts @ p >= (pts @ images.T).max(axis=1) - 1e-12
    seeds = pts[inside]
    if seeds.shape[0] == 0:  # tiny targets: rejection sampling in the domain
        while seeds.shape[0] < n_seeds:
            x = rng.standard_normal((256, 3))
            x /= np.linalg.norm(x, axis=1, keepdims=True)
            seeds = np.concatenate([seeds, x[x @ p >= (x @ images.T).max(axis=1)]])
        seeds = seeds[:n_seeds]
    return seeds


def _outward(x: np.ndarray, tri: np.ndarray) -> np.ndarray:
    a, b, c = x[tri[:, 0]], x[tri[:, 1]], x[tri[:, 2]]
    neg = np.einsum("ij,ij->i", np.cross(b - a, c - a), a + b + c) < 0
    tri = tri.copy()
    tri[neg] = tri[neg][:, [0, 2, 1]]
    return tri


def _hull(x: np.ndarray) -> Any:
    from scipy.spatial import ConvexHull, QhullError

    try:
        hull = ConvexHull(x)
    except QhullError as exc:
        raise MeshError(f"the convex hull of the {x.shape[0]} sphere points failed: {exc}"
                        ) from None
    if np.unique(hull.simplices).size != x.shape[0]:
        raise MeshError("two sphere points (nearly) coincide: the hull dropped a point")
    return hull


def _voronoi_centroids(x: np.ndarray, tri: np.ndarray) -> np.ndarray:
    """Centroids of the Voronoi cells of the points x of a Delaunay triangulation ``tri``
    (outward oriented), computed on the chordal triangles and projected to the sphere.

    Each triangle gives every corner the kite (corner, edge midpoint, circumcentre, edge
    midpoint), with signed area (an obtuse triangle's circumcentre lies outside), so the
    kites of a vertex add up to its Voronoi cell.
    """
    a, b, c = x[tri[:, 0]], x[tri[:, 1]], x[tri[:, 2]]
    u, v = b - a, c - a
    w = np.cross(u, v)
    ww = np.einsum("ij,ij->i", w, w)
    cc = a + (np.einsum("ij,ij->i", u, u)[:, None] * np.cross(v, w)
              + np.einsum("ij,ij->i", v, v)[:, None] * np.cross(w, u)) / (2 * ww[:, None])
    nrm = w / np.sqrt(ww)[:, None]
    n = x.shape[0]
    area = np.zeros(n)
    moment = np.zeros((n, 3))
    corners = (a, b, c)
    for k in range(3):
        p, q, r = corners[k], corners[(k + 1) % 3], corners[(k + 2) % 3]
        mq, mr = 0.5 * (p + q), 0.5 * (p + r)
        a1 = 0.5 * np.einsum("ij,ij->i", np.cross(mq - p, cc - p), nrm)
        a2 = 0.5 * np.einsum("ij,ij->i", np.cross(cc - p, mr - p), nrm)
        m = a1[:, None] * (p + mq + cc) / 3 + a2[:, None] * (p + cc + mr) / 3
        idx = tri[:, k]
        area += np.bincount(idx, a1 + a2, minlength=n)
        for j in range(3):
            moment[:, j] += np.bincount(idx, m[:, j], minlength=n)
    cent = moment / np.where(area > 0, area, 1.0)[:, None]
    bad = (area <= 0) | ~np.isfinite(cent).all(axis=1)
    cent[bad] = x[bad]
    return cent / np.linalg.norm(cent, axis=1, keepdims=True)


class _Seeds:
    """The seeds of the generic orbits (``free``) and of the orbits on mirrors.

    A seed on the mirror of a reflection s has the stabilizer {1, s}; its orbit is swept by
    coset representatives of G/{1, s} (half the elements), so no point is listed twice.
    """

    def __init__(self, elements: np.ndarray, free: np.ndarray) -> None:
        self.elements = elements
        self.free = free
        det = np.linalg.det(elements)
        tr = np.trace(elements, axis1=1, axis2=2)
        self.reflections = np.flatnonzero((det < 0) & (np.abs(tr - 1.0) < 1e-9))
        w, vec = np.linalg.eigh(0.5 * (elements[self.reflections]
                                       + np.transpose(elements[self.reflections], (0, 2, 1))))
        self.normals = vec[:, :, 0]  # eigenvalue -1
        self.mirror = np.zeros((0, 3))
        self.mirror_of = np.zeros(0, dtype=np.int64)  # index into self.reflections
        self._reps: dict[int, np.ndarray] = {}

    def coset_reps(self, r: int) -> np.ndarray:
        """Indices of elements g, one per coset g{1, s} (s the r-th reflection)."""
        reps = self._reps.get(r)
        if reps is None:
            from scipy.spatial import cKDTree

            e = self.elements
            prod = (e @ e[self.reflections[r]]).reshape(len(e), 9)
            partner = cKDTree(e.reshape(len(e), 9)).query(prod)[1]
            used = np.zeros(len(e), dtype=bool)
            out = []
            for i in range(len(e)):
                if not used[i]:
                    out.append(i)
                    used[i] = used[partner[i]] = True
            reps = self._reps[r] = np.array(out)
        return reps

    def snap(self, gap: float) -> None:
        """Move free seeds closer than gap to their mirror image onto that mirror."""
        if not self.reflections.size or not self.free.shape[0]:
            return
        dist = 2 * np.abs(self.free @ self.normals.T)  # |x - s x| for each reflection s
        near = dist.min(axis=1) < gap
        if not near.any():
            return
        r = dist[near].argmin(axis=1)
        x = self.free[near] - np.einsum("ki,ki->k", self.free[near], self.normals[r])[
            :, None] * self.normals[r]
        self.mirror = np.concatenate([self.mirror, x / np.linalg.norm(x, axis=1)[:, None]])
        self.mirror_of = np.concatenate([self.mirror_of, r])
        self.free = self.free[~near]

    def groups(self) -> list[tuple[int, np.ndarray]]:
        return [(int(r), np.flatnonzero(self.mirror_of == r)) for r in np.unique(self.mirror_of)]

    def points(self) -> np.ndarray:
        """Every orbit point: free orbits element-major, then the mirror orbits by mirror."""
        parts = [_orbit(self.elements, self.free)]
        for r, idx in self.groups():
            parts.append(_orbit(self.elements[self.coset_reps(r)], self.mirror[idx]))
        return np.concatenate(parts)

    def update(self, centroids: np.ndarray) -> float:
        """Seeds <- their cells' centroids pulled back and averaged over the orbit (the
        points in the order of :meth:`points`); returns the largest move."""
        e = self.elements
        inv = np.transpose(e, (0, 2, 1))
        k = self.free.shape[0]
        new_free = np.einsum("gij,gkj->ki", inv, centroids[:len(e) * k].reshape(len(e), k, 3))
        step = 0.0
        if k:
            new_free /= np.linalg.norm(new_free, axis=1, keepdims=True)
            step = float(np.abs(new_free - self.free).max())
        at = len(e) * k
        new_mirror = self.mirror.copy()
        for r, idx in self.groups():
            reps = self.coset_reps(r)
            c = centroids[at:at + len(reps) * idx.size].reshape(len(reps), idx.size, 3)
            at += len(reps) * idx.size
            x = np.einsum("gij,gkj->ki", inv[reps], c)
            n = self.normals[r]
            x -= np.outer(x @ n, n)  # the cell is mirror-symmetric: stay on the mirror
            x /= np.linalg.norm(x, axis=1, keepdims=True)
            step = max(step, float(np.abs(x - self.mirror[idx]).max()))
            new_mirror[idx] = x
        self.free, self.mirror = new_free, new_mirror
        return step


def _relax(seeds: _Seeds, poles: np.ndarray, iterations: int, on_mirrors: bool) -> None:
    """Lloyd iterations on the seeds, with forces from the whole G-invariant point set.

    With ``on_mirrors``, a generic orbit whose points pair up across a mirror closer than
    0.6 h during the first iterations is moved onto the mirror (half as many points): the
    pairs would otherwise leave co-circular quadrilaterals along every mirror, and 2n points
    instead of n around a pole where n mirrors meet.
    """
    n_p = poles.shape[0]
    n_total = n_p + seeds.points().shape[0]
    h = math.sqrt(8 * math.pi / math.sqrt(3) / max(n_total, 4))  # target edge
    for it in range(iterations):
        if on_mirrors and it < max(1, (2 * iterations) // 3):
            seeds.snap(0.6 * h)
        x = np.concatenate([poles, seeds.points()])
        tri = _outward(x, _hull(x).simplices)
        step = seeds.update(_voronoi_centroids(x, tri)[n_p:])
        if step < 1e-3 * h and it >= (2 * iterations) // 3:
            break


# ====================================================================== triangulation
def _canonical_triangulation(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Hull triangles with co-circular facets fanned from their centroid (G-invariant).

    Returns the vertices (x plus the fan centres, unit vectors) and outward triangles.
    """
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    hull = _hull(x)
    tri = hull.simplices.astype(np.int64)
    nb = hull.neighbors.astype(np.int64)
    eq = hull.equations  # unit normal n and offset: n . y + offset = 0 on the facet
    m = tri.shape[0]
    i = np.repeat(np.arange(m), 3)
    j = nb.reshape(-1)
    # the vertex of neighbour j opposite to the shared edge
    opp = tri[j, np.argmax(nb[j] == i[:, None], axis=1)]
    dist = np.abs(np.einsum("ij,ij->i", eq[i, :3], x[opp]) + eq[i, 3])
    close = dist < _COPLANAR_TOL
    graph = coo_matrix((np.ones(int(close.sum())), (i[close], j[close])), shape=(m, m))
    n_comp, label = connected_components(graph, directed=False)
    sizes = np.bincount(label, minlength=n_comp)
    keep = tri[sizes[label] == 1]
    new_pts: list[np.ndarray] = []
    fans: list[np.ndarray] = []
    order = np.argsort(label, kind="stable")
    starts = np.concatenate([[0], np.cumsum(sizes)])
    n = x.shape[0]
    for comp in np.flatnonzero(sizes > 1):
        members = order[starts[comp]:starts[comp + 1]]
        ids = np.unique(tri[members])
        p = x[ids]
        centre = p.mean(axis=0)
        normal = eq[members[0], :3]
        e1 = p[0] - centre
        e1 -= normal * (e1 @ normal)
        e1 /= np.linalg.norm(e1)
        e2 = np.cross(normal, e1)
        ang = np.arctan2((p - centre) @ e2, (p - centre) @ e1)
        ring = ids[np.argsort(ang)]
        c_idx = n + len(new_pts)
        new_pts.append(centre / np.linalg.norm(centre))
        fans.append(np.stack([np.full(ring.size, c_idx), ring, np.roll(ring, -1)], axis=1))
    verts = np.concatenate([x] + ([np.array(new_pts)] if new_pts else []))
    tris = np.concatenate([keep] + fans) if fans else keep
    return verts, _outward(verts, tris)


def _check_invariance(v: np.ndarray, tri: np.ndarray, generators: np.ndarray,
                      scale: float, name: str) -> None:
    """Every generator maps vertices onto vertices (to 1e-10 scale) and triangles onto
    triangles; MeshError otherwise."""
    from scipy.spatial import cKDTree

    tree = cKDTree(v)
    n = v.shape[0]
    ref = np.sort(tri, axis=1)
    ref_keys = np.sort((ref[:, 0] * n + ref[:, 1]) * n + ref[:, 2])
    for s, g in enumerate(generators):
        dist, perm = tree.query(v @ g.T, k=1)
        if dist.max() > _MATCH_TOL * scale or np.bincount(perm, minlength=n).max() != 1:
            raise MeshError(
                f"invariant_sphere: generator {s} of {name} moves a vertex "
                f"{dist.max():.3g} away from every vertex (or merges two); the construction "
                "lost invariance (try another seed=)")
        t = np.sort(perm[tri], axis=1)
        keys = np.sort((t[:, 0] * n + t[:, 1]) * n + t[:, 2])
        if not np.array_equal(keys, ref_keys):
            raise MeshError(
                f"invariant_sphere: generator {s} of {name} maps vertices onto vertices but not "
                "triangles onto triangles (a degenerate facet was split asymmetrically; try "
                "another seed=)")


# ====================================================================== public
def invariant_sphere(group: Any, n_vertices: int = DEFAULT_N_VERTICES, radius: float = 1.0,
                     seed: int = 0, *, iterations: int = 30) -> Mesh:
    """A triangulation of the 2-sphere whose vertex and triangle sets G maps onto themselves.

    Works for every finite subgroup G of O(3) in any frame (from its elements only): the
    axial groups C_n, C_nv, C_nh, D_n, D_nh, D_nd, S_2n and the polyhedral groups T, T_d, T_h,
    O, O_h, I, I_h, rotated or not. The vertices are the poles of G's rotation axes, the
    G-orbits of Lloyd-relaxed seed points and the centres of co-circular facets; see the
    module docstring for the construction and the theory page (docs/theory.md) for why a
    finite group needs an invariant *simplex* set. Deterministic for a given seed.

    Parameters
    ----------
    group : FiniteGroup or str
        A finite group of orthogonal 3x3 matrices (a group on R^1 or R^2 is extended by the
        identity), or a catalogue spec such as ``"C7"`` or ``"D5h"``.
    n_vertices : int, default 4000
        Target number of vertices, at least 12 (the mesh has about this many: whole orbits,
        the poles and the facet centres are added).
    radius : float, default 1.0
    seed : int, default 0
        Seeds the random frame of the initial points.
    iterations : int, default 30
        Maximum number of Lloyd iterations (they stop earlier once the points settle).

    Returns
    -------
    Mesh
        A closed, outward-oriented triangle mesh of the sphere in R^3, named
        ``"isphere:<n_vertices>:<group name>"`` (plus ``":<radius>"``). Its quality is
        reported by :func:`mesh_quality`.

    Raises
    ------
    MeshError
        Bad arguments, a continuous or non-linear group, or (should not happen) a result that
        fails the invariance check.
    SpecError
        An unknown group spec.

    Examples
    --------
    >>> from weylgain.invariant_meshes import invariant_sphere, mesh_quality
    >>> m = invariant_sphere("C7", n_vertices=500)
    >>> m.is_closed, mesh_quality(m).min_angle_deg > 20
    (True, True)
    """
    n_target = _check_int(n_vertices, "n_vertices", _MIN_VERTICES)
    radius = _check_positive(radius, "radius")
    iterations = _check_int(iterations, "iterations", 0)
    seed = _check_int(seed, "seed", 0)
    _guard("isphere", n_target)  # refuse, before allocating, what cannot fit
    elements, generators, gname = _group_elements(group)
    order = elements.shape[0]
    poles = _poles(elements)
    rng = np.random.default_rng(seed)
    n_seeds = max(1, math.ceil((_MIN_VERTICES - poles.shape[0]) / order),
                  round((n_target - poles.shape[0]) / order))
    initial = _initial_seeds(elements, n_seeds, rng)
    failure = None
    for on_mirrors in (True, False):  # the plain construction is the fallback
        seeds = _Seeds(elements, initial)
        try:
            _relax(seeds, poles, iterations, on_mirrors)
            x = np.concatenate([poles, seeds.points()])
            if _unique_points(x, 1e-7).shape[0] != x.shape[0]:
                raise MeshError("invariant_sphere: two orbit points coincide after "
                                "relaxation; try another seed= or n_vertices=")
            v, tri = _canonical_triangulation(x)
            _check_invariance(v, tri, generators, 1.0, gname)
        except MeshError as exc:
            failure = exc
            continue
        break
    else:
        raise failure  # type: ignore[misc]
    v, tri = _localized(v * radius, tri)
    name = f"isphere:{n_target}:{gname}" + ("" if radius == 1.0 else f":{_fmt(radius)}")
    return Mesh(v, tri, name=name, check=tri.shape[0] <= 200_000)


# ====================================================================== the mesh spec
def _isphere_from_spec(spec: str, fields: list[str]) -> Mesh:
    """The mesh of ``isphere:N:GROUP[:RADIUS]`` (``fields``: the parts after the kind)."""
    import re

    if len(fields) not in (2, 3) or not fields[1].strip():
        raise _spec_error(spec, "isphere needs isphere:N:GROUP or isphere:N:GROUP:RADIUS")
    if not re.fullmatch(r"[+]?\d+", fields[0].strip()):
        raise _spec_error(spec, f"expected an integer number of vertices, got {fields[0]!r}")
    from .resources import check_mesh_memory

    check_mesh_memory("isphere", int(fields[0]))  # refuse, before allocating, what cannot fit
    kw = {}
    if len(fields) == 3:
        try:
            kw["radius"] = float(fields[2])
        except ValueError:
            raise _spec_error(spec, f"expected a radius, got {fields[2]!r}") from None
        if not (np.isfinite(kw["radius"]) and kw["radius"] > 0):
            raise _spec_error(spec, f"the radius must be a positive number; got {fields[2]!r}")
    with _checked():  # the generator need not check again
        return invariant_sphere(fields[1].strip(), n_vertices=int(fields[0]), **kw)


# The spec kinds this module adds to weylgain.meshes.from_spec: kind -> (grammar line,
# builder(spec, fields)). weylgain.meshes reads them through weylgain._providers.
SPEC_KINDS = {
    "isphere": ("isphere:N:GROUP[:RADIUS]     2-sphere with about N vertices, invariant under "
                "a finite point group GROUP (any catalogue spec, e.g. C7, D5h, Ih)",
                _isphere_from_spec),
}
