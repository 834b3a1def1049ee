"""Deterministic generators of standard meshes (intervals, circles, tori, boxes, spheres, balls).

Every generator is vectorized numpy, returns a :class:`weylgain.Mesh` labelled with its spec
string (``"sphere:5"``), and gives bit-identical arrays on every call.

Symmetry is the point of these meshes: a finite group G can only be reduced exactly on a mesh
whose *simplex set* (not only its vertex set) is mapped onto itself by G (docs/theory.md#fem-counts). Each
docstring states the group the simplex set keeps; the tests check it.

Grid triangulations
-------------------
``"kuhn"`` cuts every grid cube into d! Kuhn (Freudenthal) simplices
``{x_{pi(1)} >= ... >= x_{pi(d)}}`` in the local cube coordinates, all cubes alike. The simplex
set is invariant under coordinate permutations, the central inversion x -> -x and every grid
translation, but *not* under a single sign flip x_i -> -x_i.

``"mirrored"`` reflects the Kuhn cube in coordinate i when the cube index along i is odd, so that
every cube's main diagonal starts at its "all-even" corner. The simplex set is invariant under
every signed permutation of the coordinates about an all-even vertex and under translations by
even numbers of grid steps.

Meshes built for a group
------------------------
The sphere meshes invariant under any finite point group and the triangle-quality report live
in :mod:`weylgain.invariant_meshes` (``weylgain.invariant_sphere``, ``weylgain.mesh_quality``),
which reads group specs and so sits above this module. :func:`from_spec` still reads their
spec ``isphere:N:GROUP[:RADIUS]``: the spec kinds of higher layers are asked of the registry
:mod:`weylgain._providers`, never imported from here. ``weylgain.meshes.invariant_sphere``,
``mesh_quality`` and ``MeshQuality`` remain as deprecated aliases.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence

import numpy as np

from ._meshgen import _check_int, _check_positive, _checked, _fmt, _guard, _localized
from .errors import MeshError, SpecError
from ._providers import provided
from .mesh import Mesh

__all__ = [
    "interval",
    "circle",
    "torus",
    "box",
    "sphere",
    "sphere3",
    "hemisphere",
    "disk",
    "ball",
    "from_spec",
    "available",
    "TRIANGULATIONS",
]

TRIANGULATIONS = ("kuhn", "mirrored")
_GOLDEN = (1.0 + 5.0**0.5) / 2.0


# ====================================================================== helpers
def _axis_lengths(length: float | Sequence[float], dim: int) -> np.ndarray:
    arr = np.asarray(length, dtype=np.float64) if not np.isscalar(length) else None
    if arr is None:
        return np.full(dim, _check_positive(length, "length"))
    if arr.shape != (dim,):
        raise MeshError(
            f"length must be a number or a sequence of {dim} per-axis lengths; "
            f"got shape {arr.shape}"
        )
    return np.array([_check_positive(x, "length") for x in arr])


def _check_triangulation(triangulation: str) -> str:
    if triangulation not in TRIANGULATIONS:
        raise MeshError(
            f"unknown triangulation {triangulation!r}; choose one of {', '.join(TRIANGULATIONS)}"
        )
    return triangulation


def _kuhn_paths(ncells: Sequence[int], mirrored: bool) -> np.ndarray:
    """Grid multi-indices of the Kuhn simplices of a grid of cubes.

    Parameters
    ----------
    ncells : sequence of int, length d
        Number of cubes along each axis.
    mirrored : bool
        Reflect each cube along the axes where its index is odd.

    Returns
    -------
    ndarray of shape (prod(ncells) * d!, d + 1, d), int64
        Vertex multi-indices (not wrapped), positively oriented, cube-major order.
    """
    d = len(ncells)
    cells = np.stack(
        np.meshgrid(*[np.arange(k, dtype=np.int64) for k in ncells], indexing="ij"), axis=-1
    ).reshape(-1, d)
    if mirrored:
        odd = cells % 2
        start = cells + odd
        step = 1 - 2 * odd
    else:
        start = cells
        step = np.ones_like(cells)
    perms = np.array(list(itertools.permutations(range(d))), dtype=np.int64)  # (d!, d)
    unit = np.eye(d, dtype=np.int64)[perms]  # (d!, d, d): row k is e_{perm[k]}
    cum = np.concatenate([np.zeros((len(perms), 1, d), np.int64), np.cumsum(unit, axis=1)], 1)
    paths = start[:, None, None, :] + step[:, None, None, :] * cum[None]  # (c, d!, d+1, d)
    # orientation of the path simplex = sign(perm) * prod(step); flip the negative ones
    perm_sign = np.array([round(np.linalg.det(np.eye(d)[p])) for p in perms], dtype=np.int64)
    sign = perm_sign[None, :] * np.prod(step, axis=1)[:, None]
    paths = paths.reshape(-1, d + 1, d)
    if d >= 2:
        neg = sign.reshape(-1) < 0
        paths[neg] = paths[neg][:, [1, 0] + list(range(2, d + 1))]
    else:
        # orient 1-simplices left to right
        back = paths[:, 1, 0] < paths[:, 0, 0]
        paths[back] = paths[back][:, ::-1]
    return paths


def _compact(vertices: np.ndarray, simplices: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Drop unused vertices, keeping the relative order of the rest."""
    used = np.unique(simplices)
    inv = np.full(vertices.shape[0], -1, dtype=np.int64)
    inv[used] = np.arange(used.size)
    return vertices[used], inv[simplices]


# Mesh.validate costs seconds on millions of simplices (facet dedup); the generators are
# correct by construction (tested at small sizes), so only small meshes are re-validated.
_VALIDATE_UP_TO = 50_000


def _mesh(vertices: np.ndarray, simplices: np.ndarray, name: str, period=None) -> Mesh:
    return Mesh(vertices, simplices, period, name=name,
                check=simplices.shape[0] <= _VALIDATE_UP_TO)


# ====================================================================== 1-dimensional
def interval(n: int, length: float = 1.0) -> Mesh:
    """The interval [0, length] with ``n`` equally spaced vertices.

    Parameters
    ----------
    n : int
        Number of vertices, at least 2.
    length : float, default 1.0

    Returns
    -------
    Mesh
        n vertices in R^1, n - 1 segments; name ``"interval:n"``.
    """
    n = _check_int(n, "n (number of vertices of the interval)", 2)
    length = _check_positive(length, "length")
    _guard("interval", n)
    x = np.linspace(0.0, length, n)[:, None]
    s = np.stack([np.arange(n - 1), np.arange(1, n)], axis=1)
    name = f"interval:{n}" + ("" if length == 1.0 else f":{_fmt(length)}")
    return _mesh(x, s, name)


def circle(n: int, radius: float = 1.0) -> Mesh:
    """A regular n-gon inscribed in the circle of given radius in R^2 (a closed 1-manifold).

    Vertex i is at angle 2*pi*i/n; the polygon is invariant under the dihedral group D_n
    generated by the rotation by 2*pi/n and the reflection y -> -y.

    Returns
    -------
    Mesh
        n vertices in R^2, n segments; name ``"circle:n"``.
    """
    n = _check_int(n, "n (number of vertices of the circle)", 3)
    radius = _check_positive(radius, "radius")
    _guard("circle", n)
    t = 2.0 * np.pi * np.arange(n) / n
    x = radius * np.stack([np.cos(t), np.sin(t)], axis=1)
    s = np.stack([np.arange(n), (np.arange(n) + 1) % n], axis=1)
    name = f"circle:{n}" + ("" if radius == 1.0 else f":{_fmt(radius)}")
    return _mesh(x, s, name)


# ====================================================================== grids
def torus(
    dim: int,
    n: int,
    length: float | Sequence[float] = 2 * np.pi,
    triangulation: str = "kuhn",
) -> Mesh:
    """The flat torus R^dim / (length Z)^dim, exact (periodic coordinates, no embedding).

    Parameters
    ----------
    dim : int
        1 to 4.
    n : int
        Vertices per direction (at least 3 so that every simplex is shorter than half a
        period; even for ``"mirrored"``). Vertex i has coordinates ``index * length / n``.
    length : float or sequence of dim floats, default 2*pi
        The period of each axis.
    triangulation : {"kuhn", "mirrored"}
        See the module docstring. ``"kuhn"``: invariant under coordinate permutations,
        x -> -x and all grid translations. ``"mirrored"``: invariant under every signed
        permutation (x_i -> -x_i about the origin, which is a vertex) and translations by an
        even number of grid steps. (Permutations need equal lengths.)

    Returns
    -------
    Mesh
        n^dim vertices in [0, length)^dim (C-order grid numbering), n^dim * dim! simplices,
        ``period = length``; name ``"torus:dim:n"`` (plus ``":mirrored"``).
    """
    dim = _check_int(dim, "dim", 1)
    if dim > 4:
        raise MeshError(f"torus dim must be 1 to 4; got {dim}")
    n = _check_int(n, "n (vertices per direction of the torus)", 1)
    if n < 3:
        raise MeshError(
            f"a torus needs n >= 3 vertices per direction (each simplex must be shorter than "
            f"half a period); got n = {n}"
        )
    triangulation = _check_triangulation(triangulation)
    mirrored = triangulation == "mirrored" and dim >= 1
    if triangulation == "mirrored" and n % 2:
        raise MeshError(
            f"a mirrored torus needs an even n (the reflected cubes must alternate around each "
            f"period); got n = {n}: use n = {n + 1} or triangulation='kuhn'"
        )
    lengths = _axis_lengths(length, dim)
    _guard("torus", dim, n)
    shape = (n,) * dim
    idx = np.stack(np.meshgrid(*[np.arange(n)] * dim, indexing="ij"), -1).reshape(-1, dim)
    vertices = idx * (lengths / n)
    paths = _kuhn_paths(shape, mirrored) % n
    simplices = np.ravel_multi_index(tuple(np.moveaxis(paths, -1, 0)), shape).astype(np.int64)
    name = f"torus:{dim}:{n}" + (":mirrored" if triangulation == "mirrored" else "")
    if not np.all(lengths == 2 * np.pi):
        name += ":" + (",".join(_fmt(x) for x in lengths) if len(set(lengths)) > 1
                       else _fmt(lengths[0]))
    return _mesh(vertices, simplices, name, period=lengths)


def box(
    dim: int,
    n: int,
    length: float | Sequence[float] = 1.0,
    triangulation: str = "kuhn",
) -> Mesh:
    """The box [0, length]^dim with n vertices per direction.

    Parameters
    ----------
    dim : int
        1 to 4.
    n : int
        Vertices per direction, at least 3. ``"mirrored"`` needs n odd (an even number of
        cells, so that the centre of the box is a vertex).
    length : float or sequence of dim floats, default 1.0
    triangulation : {"kuhn", "mirrored"}
        ``"kuhn"``: invariant under coordinate permutations and the central inversion
        x -> length - x. ``"mirrored"``: mirrored about the centre of the box, invariant under
        every reflection x_i -> length_i - x_i and (equal lengths) every coordinate
        permutation, i.e. the full symmetry group B_dim of the cube.

    Returns
    -------
    Mesh
        n^dim vertices (C-order grid), (n-1)^dim * dim! simplices; name ``"box:dim:n"``.
    """
    dim = _check_int(dim, "dim", 1)
    if dim > 4:
        raise MeshError(f"box dim must be 1 to 4; got {dim}")
    n = _check_int(n, "n (vertices per direction of the box)", 1)
    if n < 3:
        raise MeshError(f"a box needs n >= 3 vertices per direction; got n = {n}")
    triangulation = _check_triangulation(triangulation)
    if triangulation == "mirrored" and n % 2 == 0:
        raise MeshError(
            f"a mirrored box needs an odd n (an even number of cells, so that the triangulation "
            f"is symmetric about the centre); got n = {n}: use n = {n + 1} or triangulation='kuhn'"
        )
    lengths = _axis_lengths(length, dim)
    _guard("box", dim, n)
    shape = (n,) * dim
    idx = np.stack(np.meshgrid(*[np.arange(n)] * dim, indexing="ij"), -1).reshape(-1, dim)
    vertices = idx * (lengths / (n - 1))
    paths = _kuhn_paths((n - 1,) * dim, triangulation == "mirrored")
    simplices = np.ravel_multi_index(tuple(np.moveaxis(paths, -1, 0)), shape).astype(np.int64)
    name = f"box:{dim}:{n}" + (":mirrored" if triangulation == "mirrored" else "")
    if not np.all(lengths == 1.0):
        name += ":" + (",".join(_fmt(x) for x in lengths) if len(set(lengths)) > 1
                       else _fmt(lengths[0]))
    return _mesh(vertices, simplices, name)


# ====================================================================== spheres
def _icosahedron() -> tuple[np.ndarray, np.ndarray]:
    p = _GOLDEN
    v = []
    for a, b in itertools.product((-1.0, 1.0), repeat=2):
        v += [(0.0, a, b * p), (a, b * p, 0.0), (b * p, 0.0, a)]
    v = np.array(v)
    # faces: triples of mutually adjacent vertices (edge length 2)
    d = np.linalg.norm(v[:, None] - v[None], axis=2)
    adj = np.abs(d - 2.0) < 1e-9
    faces = [t for t in itertools.combinations(range(12), 3)
             if adj[t[0], t[1]] and adj[t[1], t[2]] and adj[t[0], t[2]]]
    return v / np.linalg.norm(v[0]), np.array(faces, dtype=np.int64)


def _octahedron() -> tuple[np.ndarray, np.ndarray]:
    v = np.concatenate([np.eye(3), -np.eye(3)])
    faces = [(a + 3 * sa, b + 3 * sb, c + 3 * sc)
             for sa, sb, sc in itertools.product((0, 1), repeat=3) for a, b, c in [(0, 1, 2)]]
    return v, np.array(faces, dtype=np.int64)


def _orient_outward(v: np.ndarray, f: np.ndarray) -> np.ndarray:
    a, b, c = v[f[:, 0]], v[f[:, 1]], v[f[:, 2]]
    neg = np.einsum("ij,ij->i", np.cross(b - a, c - a), a + b + c) < 0
    f = f.copy()
    f[neg] = f[neg][:, [0, 2, 1]]
    return f


def _subdivide_sphere(v: np.ndarray, f: np.ndarray, levels: int) -> tuple[np.ndarray, np.ndarray]:
    """Midpoint (1-to-4) subdivision, projecting the new vertices to the unit sphere."""
    for _ in range(levels):
        n = v.shape[0]
        e = np.concatenate([f[:, [0, 1]], f[:, [1, 2]], f[:, [2, 0]]])
        lo, hi = np.minimum(e[:, 0], e[:, 1]), np.maximum(e[:, 0], e[:, 1])
        keys, first, inverse = np.unique(lo * n + hi, return_index=True, return_inverse=True)
        mid = v[lo[first]] + v[hi[first]]
        mid /= np.linalg.norm(mid, axis=1, keepdims=True)
        v = np.concatenate([v, mid])
        m = f.shape[0]
        ab, bc, ca = (n + inverse[:m], n + inverse[m:2 * m], n + inverse[2 * m:])
        a, b, c = f[:, 0], f[:, 1], f[:, 2]
        f = np.concatenate([
            np.stack([a, ab, ca], 1), np.stack([ab, b, bc], 1),
            np.stack([ca, bc, c], 1), np.stack([ab, bc, ca], 1),
        ])
    return v, f


def _sphere_arrays(subdivisions: int, base: str) -> tuple[np.ndarray, np.ndarray]:
    if base == "icosahedron":
        v, f = _icosahedron()
    elif base == "octahedron":
        v, f = _octahedron()
    else:
        raise MeshError(f"unknown sphere base {base!r}; choose 'icosahedron' or 'octahedron'")
    f = _orient_outward(v, f)
    return _subdivide_sphere(v, f, subdivisions)


def sphere(subdivisions: int, radius: float = 1.0, base: str = "icosahedron") -> Mesh:
    """The 2-sphere of given radius in R^3: a subdivided, projected regular polyhedron.

    Each step splits every triangle into 4 at its edge midpoints and projects the midpoints
    radially onto the sphere. Vertices are finally numbered along a Morton curve (locality).

    Frames (so that point groups can be matched to the mesh):

    * ``base="icosahedron"``: the 12 base vertices are (0, ±1, ±φ), (±1, ±φ, 0),
      (±φ, 0, ±1) (φ the golden ratio) scaled to the radius. The simplex set is invariant
      under the full icosahedral group I_h (order 120), generated by the sign flips of each
      coordinate, the cyclic shift (x, y, z) -> (y, z, x) and the rotation by 2π/5 about the
      vertex axis (0, 1, φ). 10*4^k + 2 vertices, 20*4^k triangles.
    * ``base="octahedron"``: base vertices ±e_i; invariant under the 48 signed permutations of
      the coordinates (O_h). 4*4^k + 2 vertices, 8*4^k triangles. The equator z = 0 is a union
      of edges.

    Triangles are oriented with outward normals.

    Parameters
    ----------
    subdivisions : int
        Number of refinement steps k >= 0.
    radius : float, default 1.0
    base : {"icosahedron", "octahedron"}

    Returns
    -------
    Mesh
        Named ``"sphere:k"`` (``"sphere:k:octahedron"``).
    """
    k = _check_int(subdivisions, "subdivisions", 0)
    radius = _check_positive(radius, "radius")
    if base in ("icosahedron", "octahedron"):  # (else _sphere_arrays says what is wrong)
        _guard("sphere" + (":octahedron" if base == "octahedron" else ""), k)
    v, f = _sphere_arrays(k, base)
    v, f = _localized(v * radius, f)
    name = f"sphere:{k}" + ("" if base == "icosahedron" else f":{base}")
    name += "" if radius == 1.0 else f":{_fmt(radius)}"
    return _mesh(v, f, name)


def hemisphere(subdivisions: int, radius: float = 1.0, base: str = "octahedron") -> Mesh:
    """The closed upper hemisphere z >= 0 of the octahedral sphere (see :func:`sphere`).

    The equator is a union of edges, so the boundary is a polygon on the great circle z = 0.
    The simplex set is invariant under the 8 signed permutations of (x, y) that fix z (the
    point group C_4v). 2*4^k + 2^(k+1) + 1 vertices, 4*4^k triangles.

    Parameters
    ----------
    subdivisions : int
    radius : float, default 1.0
    base : {"octahedron"}
        Only the octahedral sphere has its equator made of edges.
    """
    k = _check_int(subdivisions, "subdivisions", 0)
    radius = _check_positive(radius, "radius")
    if base != "octahedron":
        raise MeshError(
            "hemisphere needs base='octahedron' (its equator z = 0 is a union of edges); "
            f"got {base!r}"
        )
    _guard("hemisphere", k)
    v, f = _sphere_arrays(k, "octahedron")
    f = f[v[f, 2].sum(axis=1) > 0]
    v, f = _compact(v, f)
    v, f = _localized(v * radius, f)
    name = f"hemisphere:{k}" + ("" if radius == 1.0 else f":{_fmt(radius)}")
    return _mesh(v, f, name)


def disk(subdivisions: int, radius: float = 1.0) -> Mesh:
    """The disk of given radius in R^2: the octahedral hemisphere flattened azimuthally.

    A hemisphere point at polar angle θ and azimuth ϕ goes to radius ``radius * θ / (π/2)`` at
    azimuth ϕ (the azimuthal equidistant map, which keeps the triangles near the rim well
    shaped, unlike the orthogonal projection). The boundary vertices lie on the circle. The
    simplex set is invariant under the 8 symmetries of the square (signed permutations of
    x, y). Triangles are counter-clockwise.

    Parameters
    ----------
    subdivisions : int
        Refinement level k of :func:`hemisphere`; 4*4^k triangles.
    radius : float, default 1.0
    """
    k = _check_int(subdivisions, "subdivisions", 0)
    radius = _check_positive(radius, "radius")
    _guard("disk", k)
    with _checked():
        h = hemisphere(k)
    v = h.vertices
    theta = np.arccos(np.clip(v[:, 2], -1.0, 1.0))
    rho = np.hypot(v[:, 0], v[:, 1])
    scale = np.where(rho > 0, theta / np.where(rho > 0, rho, 1.0), 0.0) * (2.0 / np.pi) * radius
    xy = v[:, :2] * scale[:, None]
    # exact zeros/rim radius for symmetric inputs
    rim = np.abs(v[:, 2]) < 1e-15
    xy[rim] = radius * v[rim, :2] / rho[rim, None]
    name = f"disk:{k}" + ("" if radius == 1.0 else f":{_fmt(radius)}")
    return _mesh(xy, h.simplices, name)


def _cube_grid_to_sphere(u: np.ndarray) -> np.ndarray:
    """Equiangular radial map of points u (|u|_inf = 1) on a cube surface to the unit sphere.

    Each coordinate goes through tan(π/4 · u), then the point is normalized; this commutes with
    every signed permutation and spreads the cells far more evenly than a plain projection.
    """
    w = np.tan(0.25 * np.pi * u)
    return w / np.linalg.norm(w, axis=1, keepdims=True)


def sphere3(subdivisions: int, radius: float = 1.0) -> Mesh:
    """The 3-sphere of given radius in R^4: the boundary of the hypercube, mapped radially.

    The 8 cubic facets of [-1, 1]^4 are cut into m = 2^(k+1) cubes per edge and triangulated by
    mirrored Kuhn cells (mirrored about the centre, so that facets agree on shared faces); the
    vertices are sent to the sphere by the equiangular map u -> tan(π u/4) / ``|tan(π u/4)|``.
    The simplex set therefore keeps the *full* symmetry of the hypercube, the 384 signed
    permutations of the four coordinates (B_4), at every level. (A red refinement of the
    16-cell keeps B_4 only at level 0: choosing the interior diagonal of each octahedron breaks
    it.) Mirrored Kuhn tetrahedra have dihedral angles 45/60/90 degrees; the equiangular map
    distorts them by a bounded factor (volume ratio max/min about 3).

    Parameters
    ----------
    subdivisions : int
        k >= 0: (m+1)^4 - (m-1)^4 vertices and 48 m^3 tetrahedra with m = 2^(k+1).
    radius : float, default 1.0

    Returns
    -------
    Mesh
        Named ``"sphere3:k"``.
    """
    k = _check_int(subdivisions, "subdivisions", 0)
    radius = _check_positive(radius, "radius")
    _guard("sphere3", k)
    m = 2 ** (k + 1)
    face = _kuhn_paths((m, m, m), mirrored=True)  # (s, 4, 3)
    blocks = []
    for axis in range(4):
        others = [a for a in range(4) if a != axis]
        for level in (0, m):
            g = np.empty(face.shape[:2] + (4,), dtype=np.int64)
            g[..., others] = face
            g[..., axis] = level
            if (axis + (level > 0)) % 2 == 0:  # keep a consistent orientation of the boundary
                g = g[:, [1, 0, 2, 3]]
            blocks.append(g)
    grid = np.concatenate(blocks)  # (S, 4, 4) multi-indices in 0..m
    keys = np.ravel_multi_index(tuple(np.moveaxis(grid, -1, 0)), (m + 1,) * 4)
    uniq, simplices = np.unique(keys, return_inverse=True)
    simplices = simplices.reshape(keys.shape).astype(np.int64)
    u = np.stack(np.unravel_index(uniq, (m + 1,) * 4), axis=1) * (2.0 / m) - 1.0
    v = _cube_grid_to_sphere(u) * radius
    v, simplices = _localized(v, simplices)
    name = f"sphere3:{k}" + ("" if radius == 1.0 else f":{_fmt(radius)}")
    return _mesh(v, simplices, name)


def ball(subdivisions: int, radius: float = 1.0) -> Mesh:
    """The solid ball of given radius in R^3, tetrahedral, with the full octahedral symmetry.

    The cube [-1, 1]^3 is cut into m = 2^(k+1) cells per direction with mirrored Kuhn cells
    (mirrored about the centre) and mapped onto the ball by the homogeneous equiangular map
    x -> ``|x|_inf`` * s(x/``|x|_inf``), s as in :func:`sphere3` (cube shells go to spheres). The map
    is smooth on every tetrahedron (the mirrored grid is aligned with the planes x_i = ±x_j
    where it has kinks), so no tetrahedron is inverted; the simplex set is invariant under
    all 48 signed permutations (O_h).

    Parameters
    ----------
    subdivisions : int
        k >= 0: (m+1)^3 vertices, 6 m^3 tetrahedra, m = 2^(k+1).
    radius : float, default 1.0

    Returns
    -------
    Mesh
        Named ``"ball:k"``.
    """
    k = _check_int(subdivisions, "subdivisions", 0)
    radius = _check_positive(radius, "radius")
    _guard("ball", k)
    m = 2 ** (k + 1)
    paths = _kuhn_paths((m, m, m), mirrored=True)
    simplices = np.ravel_multi_index(tuple(np.moveaxis(paths, -1, 0)), (m + 1,) * 3)
    idx = np.stack(np.meshgrid(*[np.arange(m + 1)] * 3, indexing="ij"), -1).reshape(-1, 3)
    x = idx * (2.0 / m) - 1.0
    t = np.abs(x).max(axis=1)
    v = np.zeros_like(x)
    nz = t > 0
    v[nz] = t[nz, None] * _cube_grid_to_sphere(x[nz] / t[nz, None])
    v, simplices = _localized(v * radius, simplices.astype(np.int64))
    name = f"ball:{k}" + ("" if radius == 1.0 else f":{_fmt(radius)}")
    return _mesh(v, simplices, name)


# ====================================================================== specs
_GRAMMAR = [
    "interval:N[:LENGTH]          N >= 2 vertices on [0, LENGTH]",
    "circle:N[:RADIUS]            regular N-gon, N >= 3",
    "torus:DIM:N[:kuhn|mirrored][:LENGTH]   flat torus, DIM 1-4, N >= 3 per direction "
    "(period LENGTH, default 2*pi, or L1,L2,... per axis; mirrored needs N even)",
    "box:DIM:N[:kuhn|mirrored][:LENGTH]     [0, LENGTH]^DIM (or L1,L2,...), N >= 3 per "
    "direction (mirrored needs N odd)",
    "sphere:K[:icosahedron|octahedron][:RADIUS]   2-sphere, K subdivisions",
    "sphere3:K[:RADIUS]           3-sphere in R^4 (hypercube boundary), K subdivisions",
    "hemisphere:K[:RADIUS]        upper half of the octahedral sphere",
    "disk:K[:RADIUS]              flattened hemisphere",
    "ball:K[:RADIUS]              solid 3-ball",
]
_FILE_FORM = "file:PATH                    a mesh file (OFF, OBJ; others through meshio)"


def _spec_kinds() -> dict:
    """The spec kinds of the layers above this one (``isphere``): kind -> (grammar line,
    builder(spec, fields) -> Mesh), from :data:`weylgain.invariant_meshes.SPEC_KINDS` as the
    registry :mod:`weylgain._providers` hands it out."""
    return provided("invariant_meshes").SPEC_KINDS


def available() -> list[str]:
    """The mesh-spec grammar understood by :func:`from_spec`, one form per entry."""
    return list(_GRAMMAR) + [row for row, _ in _spec_kinds().values()] + [_FILE_FORM]


def _spec_error(spec: str, why: str) -> SpecError:
    forms = "\n  ".join(available())
    return SpecError(f"bad mesh spec {spec!r}: {why}. Known forms:\n  {forms}")


_DEPRECATED = ("invariant_sphere", "mesh_quality", "MeshQuality")


def __getattr__(name: str) -> object:
    """The deprecated aliases ``invariant_sphere``, ``mesh_quality``, ``MeshQuality``: they
    live in :mod:`weylgain.invariant_meshes` (a layer above), reached through the registry."""
    if name in _DEPRECATED:
        import warnings

        warnings.warn(f"weylgain.meshes.{name} is deprecated; use weylgain.{name} (defined in "
                      "weylgain.invariant_meshes)", DeprecationWarning, stacklevel=2)
        return getattr(provided("invariant_meshes"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def from_spec(spec: str) -> Mesh:
    """Build a mesh from a spec string such as ``"sphere:5"`` or ``"torus:2:64:mirrored"``.

    Parameters
    ----------
    spec : str
        See :func:`available` for the grammar.

    Returns
    -------
    Mesh

    Raises
    ------
    SpecError
        On an unknown form, a wrong number of fields or an unparsable number; the message lists
        the known forms. (Out-of-range values raise :class:`MeshError` from the generator.)

    Notes
    -----
    ``"isphere:N:GROUP[:RADIUS]"`` is :func:`weylgain.invariant_meshes.invariant_sphere`: a
    sphere with about N vertices
    whose vertex and triangle sets the finite point group GROUP (a spec of
    :func:`weylgain.groups.named` such as ``"C7"``, ``"D5h"`` or ``"Ih"``) maps onto
    themselves, e.g. ``"isphere:4000:C5"``.
    """
    if not isinstance(spec, str) or not spec.strip():
        raise _spec_error(str(spec), "expected a non-empty string")
    spec = spec.strip()
    if spec.startswith("file:"):
        from .io import read_mesh

        return read_mesh(spec[5:])
    kind, *fields = spec.split(":")
    kind = kind.lower()
    n_int = {"interval": 1, "circle": 1, "torus": 2, "box": 2, "sphere": 1, "sphere3": 1,
             "hemisphere": 1, "disk": 1, "ball": 1}
    if kind not in n_int:
        extra = _spec_kinds()
        if kind in extra:
            return extra[kind][1](spec, fields)
        raise _spec_error(spec, f"unknown mesh kind {kind!r}")
    need = n_int[kind]
    if len(fields) < need:
        raise _spec_error(spec, f"{kind} needs {need} integer field(s)")
    ints = []
    for f in fields[:need]:
        if not re.fullmatch(r"[+]?\d+", f.strip()):
            raise _spec_error(spec, f"expected an integer, got {f!r}")
        ints.append(int(f))
    words = {"torus": TRIANGULATIONS, "box": TRIANGULATIONS,
             "sphere": ("icosahedron", "octahedron")}.get(kind, ())
    word = None
    number = None
    for f in fields[need:]:
        f = f.strip()
        if f.lower() in words and word is None:
            word = f.lower()
            continue
        if number is None:
            try:
                values = [float(x) for x in f.split(",")]
            except ValueError:
                pass
            else:
                if len(values) > 1 and kind not in ("torus", "box"):
                    raise _spec_error(spec, f"only torus and box take per-axis lengths: {f!r}")
                if not all(np.isfinite(x) and x > 0 for x in values):
                    raise _spec_error(spec, f"length/radius must be a positive number; got {f!r}")
                number = values[0] if len(values) == 1 else values
                continue
        raise _spec_error(spec, f"unexpected field {f!r}")
    kw = {} if number is None else {"radius": number}
    from .resources import check_mesh_memory  # refuse, before allocating, what cannot fit

    check_mesh_memory(kind + (":octahedron" if word == "octahedron" else ""), *ints)
    with _checked():  # the generators need not check again
        return _build(kind, ints, word, number, kw)


def _build(kind: str, ints: list[int], word: str | None, number, kw: dict) -> Mesh:
    if kind == "interval":
        return interval(ints[0], **({} if number is None else {"length": number}))
    if kind == "circle":
        return circle(ints[0], **kw)
    if kind in ("torus", "box"):
        gen = torus if kind == "torus" else box
        opts: dict = {"triangulation": word or "kuhn"}
        if number is not None:
            opts["length"] = number
        return gen(ints[0], ints[1], **opts)
    if kind == "sphere":
        return sphere(ints[0], base=word or "icosahedron", **kw)
    return {"sphere3": sphere3, "hemisphere": hemisphere, "disk": disk, "ball": ball}[kind](
        ints[0], **kw)

