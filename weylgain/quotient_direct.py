"""S²/G without S²: the reduced pencil of a polyhedral sphere assembled at the cost of M/G.

The spheres of :func:`weylgain.meshes.sphere` refine every face of a regular icosahedron or
octahedron the same way, and that refinement is equivariant: a symmetry g of the base
polyhedron maps the refinement of a face F onto the refinement of gF. So for a finite group
G of symmetries of the base polyhedron the invariant pencil (PᵀKP, PᵀMP) of the full mesh
can be built from one face per G-orbit of faces, without ever building the mesh:

1. the G-orbits of the base faces (20 or 8 faces; G acts on them by permutation), one
   representative R per orbit, and each R's stabilizer G_R as permutations of R's corners;
2. the lattice of each representative face refined k times (the generator's own recursion,
   so the points are the mesh's vertices);
3. vertex orbits by union-find over the lattice points of the representatives, joining a
   point with its images under G_R and, along each edge of R, with the same vertex seen from
   the neighbouring face's representative: purely combinatorial, no coordinates matched;
4. one triangle per G_R-orbit of the triangles of R (a G-orbit of triangles of the mesh),
   weighted by the size of its G-orbit, its P1 element matrices scattered at the orbit
   labels of its corners.

Every triangle of the mesh lies in the G-orbit of exactly one kept triangle, and an isometry
preserving the vertex orbits preserves the orbit-indexed element matrix, so the sum is
exactly PᵀKP (PᵀMP): equal to the full-mesh route's pencil up to round-off and the order of
the orbits. Work and memory scale with (number of representative faces) x 4^k, that is with
n |G_R| / |G| (n/20 for I_h, n/8 for O_h, n/|G| whenever G_R is trivial); the assembly and
the pencil with n/|G|.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import scipy.sparse as sp

from ._direct_quotient import DirectQuotient
from ._meshgen import _check_int, _check_positive, _fmt
from .errors import GroupError, MeshError, NotInvariantError
from .groups import FiniteGroup

__all__ = ["SphereQuotient", "quotient_sphere", "sphere_spec", "direct_quotient_memory"]

_BASES = ("icosahedron", "octahedron")
_BASE_ORDER = {"icosahedron": 120, "octahedron": 48}  # |I_h|, |O_h|: no larger group fits
_MATCH_TOL = 1e-9  # base vertices are unit vectors: images match to round-off
# bytes per lattice point of the representative faces and per kept triangle: the peak RSS
# measured on sphere:9-11 with C2, D2 and Ih is 0.3 of this estimate in a quiet process;
# full CI runs measured sphere:9/C2 at 1.88 GB and 2.46 GB (against 0.92 GB alone: the
# allocator keeps more of the freed work arrays under load), so the constants carry that
# factor 3 rather than promise a peak they did not always bound
_BYTES_PER_POINT = 172.5
_BYTES_PER_TRIANGLE = 1008.0


def _readonly(a: np.ndarray) -> np.ndarray:
    a.setflags(write=False)
    return a


# ====================================================================== specs
_SPEC = re.compile(r"\s*sphere:\s*\+?(\d+)\s*(?::\s*(icosahedron|octahedron)\s*)?"
                   r"(?::\s*([^:]+?)\s*)?", re.IGNORECASE)


def sphere_spec(spec: str) -> tuple[int, str, float] | None:
    """``(subdivisions, base, radius)`` of a ``"sphere:K[:icosahedron|octahedron][:RADIUS]"``
    mesh spec, or None when ``spec`` is another kind of spec (or not a string).

    Parameters
    ----------
    spec : str

    Returns
    -------
    tuple or None
    """
    if not isinstance(spec, str):
        return None
    m = _SPEC.fullmatch(spec)
    if m is None:
        return None
    try:
        radius = float(m.group(3)) if m.group(3) is not None else 1.0
    except ValueError:
        return None  # from_spec gives the message
    if not (math.isfinite(radius) and radius > 0):
        return None
    return int(m.group(1)), (m.group(2) or "icosahedron").lower(), radius


# ====================================================================== base polyhedra
def _base(base: str) -> tuple[np.ndarray, np.ndarray]:
    from .meshes import _icosahedron, _octahedron, _orient_outward

    v, f = _icosahedron() if base == "icosahedron" else _octahedron()
    return v, _orient_outward(v, f)


def _group_elements(group: FiniteGroup, base: str) -> np.ndarray:
    """G's elements as 3x3 matrices (identity first), refusing what cannot act on the base."""
    limit = _BASE_ORDER[base]
    what = f"the {base} sphere"
    if group.dim > 3:
        raise GroupError(f"group {group.name!r} acts on R^{group.dim} but the sphere lives in "
                         "R^3")
    g = group.extended(3)
    if not g.is_linear:
        raise NotInvariantError(
            f"group {group.name!r} translates, but {what} is not periodic: translations act on "
            "flat tori only")
    if group.closed_order is not None and group.closed_order > limit:
        raise NotInvariantError(
            f"group {group.name!r} has {group.closed_order} elements; no group of more than "
            f"{limit} elements maps {what} onto itself (its symmetry group has order {limit})")
    try:
        lin, _ = g.elements(max_order=limit)
    except GroupError:
        raise NotInvariantError(
            f"group {group.name!r} has more than {limit} elements; no such group maps {what} "
            f"onto itself (its symmetry group has order {limit})") from None
    return np.array(lin, dtype=np.float64)


def _hint(base: str) -> str:
    return ("The octahedral sphere, meshes.sphere(k, base='octahedron'), is invariant under Oh "
            "and its subgroups (C4, D4, O, Oh, Td, Th, signs3, SignedPerm(3), Perm(3), ...) with "
            "the coordinate axes as symmetry axes; the icosahedral sphere, meshes.sphere(k), "
            "under Ih and its subgroups (I, T, Th, C5 about the vertex (0, 1, phi), ...); "
            "weylgain.invariant_sphere meshes S^2 for any other finite point group."
            if base in _BASES else "")


@dataclass
class _Action:
    """G acting on the base polyhedron: representative faces, stabilizers, edge links."""

    reps: np.ndarray            # (r,) face index of each representative
    orbit_size: np.ndarray      # (r,) |G R| = |G| / |G_R|
    corners: np.ndarray         # (r, 3, 3) corner coordinates of each representative
    corner_perms: np.ndarray    # (S, 3) corner permutations of the stabilizers, per face
    perm_face: np.ndarray       # (S,) representative (local index) of each permutation
    perm_start: np.ndarray      # (r + 1,) rows of each representative in corner_perms
    gen_perms: np.ndarray       # (s, 3) generators of the stabilizers (no identity)
    gen_face: np.ndarray        # (s,) representative of each generator
    edge_links: np.ndarray      # (3 r, 6) see _kernels.sphere_quotient.lattice_orbits
    reflections: np.ndarray     # (q, 3) unit normals of the mirrors among G's elements


def _action(elements: np.ndarray, base: str, group_name: str) -> _Action:
    v, faces = _base(base)
    nv = v.shape[0]
    # vertex permutation of every element (base vertices are unit vectors)
    img = np.einsum("gij,vj->gvi", elements, v)
    d = np.linalg.norm(img[:, :, None, :] - v[None, None, :, :], axis=3)
    vperm = d.argmin(axis=2)
    bad = (d.min(axis=2) > _MATCH_TOL).any(axis=1)
    bad |= (np.sort(vperm, axis=1) != np.arange(nv)).any(axis=1)  # two onto one vertex
    if bad.any():
        g = int(np.flatnonzero(bad)[0])
        raise NotInvariantError(
            f"the {base} sphere is not invariant under {group_name}: its element "
            f"{np.round(elements[g], 6).tolist()} does not map the vertices of the base "
            f"{base} onto themselves (so it maps no refinement of it onto itself). "
            + _hint(base))
    nf = faces.shape[0]
    # faces by their sorted corner triple packed into one integer: a table of nv^3 entries
    face_of = np.full(nv**3, -1, dtype=np.int64)
    srt = np.sort(faces, axis=1)
    face_of[(srt[:, 0] * nv + srt[:, 1]) * nv + srt[:, 2]] = np.arange(nf)
    img_faces = np.sort(vperm[:, faces], axis=2)  # (|G|, nf, 3)
    fperm = face_of[(img_faces[..., 0] * nv + img_faces[..., 1]) * nv + img_faces[..., 2]]
    if (fperm < 0).any():  # cannot happen for an isometry fixing the vertex set: be loud
        raise NotInvariantError(f"{group_name} maps a face of the base {base} to no face")
    # orbits of faces: representative = smallest face; to_rep[f] = an element g with g(rep) = f
    rep_of = np.full(nf, -1)
    to_rep = np.zeros(nf, dtype=np.int64)
    reps: list[int] = []
    for f in range(nf):
        if rep_of[f] >= 0:
            continue
        reps.append(f)
        images = fperm[:, f]
        for g in range(elements.shape[0] - 1, -1, -1):  # the first element wins: 0 = identity
            rep_of[images[g]] = f
            to_rep[images[g]] = g
    local = {f: i for i, f in enumerate(reps)}
    perms: list[list[int]] = []
    owner: list[int] = []
    start = [0]
    sizes = []
    gens: list[list[int]] = []
    gen_owner: list[int] = []
    for i, r in enumerate(reps):
        cr = faces[r].tolist()
        stab = np.flatnonzero(fperm[:, r] == r)  # the identity (element 0) comes first
        face_perms = [tuple(cr.index(int(vperm[g, c])) for c in cr) for g in stab.tolist()]
        perms += [list(t) for t in face_perms]
        owner += [i] * len(face_perms)
        start.append(len(perms))
        sizes.append(elements.shape[0] // len(stab))
        # a generating set of the stabilizer (at most 2 of its <= 6 permutations): the
        # union-find needs only generators, and each pass over the lattice costs memory traffic
        span = {(0, 1, 2)}
        for t in face_perms:
            if t in span:
                continue
            gens.append(list(t))
            gen_owner.append(i)
            while True:  # close the span under composition
                new = {tuple(a[b[x]] for x in range(3)) for a in span for b in
                       [g for g, o in zip(gens, gen_owner) if o == i]} - span
                if not new:
                    break
                span |= new
    edge_faces: dict[tuple[int, int], list[int]] = {}
    for f, (x, y, z) in enumerate(faces.tolist()):
        for e in ((x, y), (y, z), (z, x)):
            edge_faces.setdefault((min(e), max(e)), []).append(f)
    links = []
    for i, r in enumerate(reps):
        cr = faces[r].tolist()
        for a, b in ((0, 1), (1, 2), (2, 0)):
            ca, cb = cr[a], cr[b]
            nb = next(f for f in edge_faces[(min(ca, cb), max(ca, cb))] if f != r)
            r2 = int(rep_of[nb])
            g = int(to_rep[nb])  # g(r2) = nb: the vertex x of nb is g(y), y in r2
            c2 = faces[r2].tolist()
            a2 = next(t for t in range(3) if vperm[g, c2[t]] == ca)
            b2 = next(t for t in range(3) if vperm[g, c2[t]] == cb)
            links.append([i, a, b, local[r2], a2, b2])
    det = np.linalg.det(elements)
    tr = np.trace(elements, axis1=1, axis2=2)
    refl = elements[(det < 0) & (np.abs(tr - 1.0) < 1e-9)]
    normals = np.zeros((0, 3))
    if refl.shape[0]:
        _, vec = np.linalg.eigh(0.5 * (refl + np.transpose(refl, (0, 2, 1))))
        normals = vec[:, :, 0]  # eigenvalue -1
    rep_arr = np.array(reps, dtype=np.int64)
    return _Action(
        reps=rep_arr, orbit_size=np.array(sizes, dtype=np.int64),
        corners=np.ascontiguousarray(v[faces[rep_arr]]),
        corner_perms=np.array(perms, dtype=np.int64).reshape(-1, 3),
        perm_face=np.array(owner, dtype=np.int64),
        gen_perms=np.array(gens, dtype=np.int64).reshape(-1, 3),
        gen_face=np.array(gen_owner, dtype=np.int64),
        perm_start=np.array(start, dtype=np.int64),
        edge_links=np.array(links, dtype=np.int64).reshape(-1, 6), reflections=normals)


# ====================================================================== sizes
def _full_size(k: int, base: str) -> tuple[int, int]:
    """Vertices and triangles of the full mesh sphere(k, base)."""
    if base == "icosahedron":
        return 10 * 4**k + 2, 20 * 4**k
    return 4 * 4**k + 2, 8 * 4**k


def direct_quotient_memory(subdivisions: int, group_order: int, n_rep_faces: int,
                           stabilizer_order: int) -> float:
    """Bytes the direct route needs: lattice of the representative faces and kept triangles.

    Parameters
    ----------
    subdivisions : int
    group_order : int
    n_rep_faces : int
        Number of G-orbits of base faces.
    stabilizer_order : int
        Order of a face's stabilizer (the same for every face of one orbit).

    Returns
    -------
    float
    """
    n = 2.0 ** subdivisions
    points = n_rep_faces * (n + 1) * (n + 2) / 2
    triangles = n_rep_faces * n * n / max(1, stabilizer_order) + n_rep_faces * 3 * n
    return _BYTES_PER_POINT * points + _BYTES_PER_TRIANGLE * triangles


# ====================================================================== result
@dataclass(frozen=True, eq=False, repr=False)
class SphereQuotient(DirectQuotient):
    """S²/G for a polyhedral sphere mesh, assembled without the mesh.

    The reduced pencil of :func:`quotient_sphere`: the same problem as
    ``quotient(meshes.sphere(subdivisions, radius, base), group)`` (the same counts, the same
    matrices up to round-off and the order of the orbits), built from one face per G-orbit of
    faces of the base polyhedron.

    Attributes
    ----------
    group : FiniteGroup
    subdivisions : int
    base : str
    radius : float
    mesh_name : str
        The spec of the full mesh (``"sphere:7"``), which is never built.
    n_vertices, n_simplices : int
        Size of the full mesh.
    orbit_points : ndarray of shape (n_orbits, 3)
        One vertex of every orbit (the unknowns of the pencil, in order).
    mesh_volume : float
        Area of the full mesh.
    volume : float
        vol(M/G) = mesh_volume / ``|G|`` (the action on S² is effective).
    effective_order : int
    kernel_order : int
        1: only the identity fixes every vertex.
    dimension : int
        2.
    kind : str
        "finite".
    description : str
    """

    group: FiniteGroup
    subdivisions: int
    base: str
    radius: float
    mesh_name: str
    n_vertices: int
    n_simplices: int
    orbit_points: np.ndarray
    mesh_volume: float
    volume: float
    effective_order: int
    kernel_order: int
    description: str
    _positions: np.ndarray = field(repr=False)
    _tri: np.ndarray = field(repr=False)
    _weight: np.ndarray = field(repr=False)
    _labels: np.ndarray = field(repr=False)
    _pattern: tuple = field(repr=False)
    _normals: np.ndarray = field(repr=False)
    _perimeter_sum: float = field(repr=False)
    _cache: dict = field(default_factory=dict, repr=False)
    dimension: int = 2
    kind: str = "finite"
    orbits: None = None  # no mesh, so no per-vertex labels (see orbit_points)
    projection: None = None
    base_mesh: None = None

    _SURFACE = "sphere"
    _GENERATOR = "weylgain.meshes.sphere"

    @property
    def n_kept_triangles(self) -> int:
        """Triangles assembled: one per G-orbit of triangles of the full mesh."""
        return int(self._tri.shape[0])

    def mean_edge_length(self) -> float:
        """float: mean edge length of the full mesh (``h`` of :mod:`weylgain.resolution`)."""
        n_edges = 3 * self.n_simplices // 2  # closed surface: every edge in two triangles
        return float(self._perimeter_sum / (2.0 * n_edges))

    def _matrices(self, lumped: bool) -> tuple[sp.csr_matrix, sp.csr_matrix]:
        kdata, mdata, mdiag = self._assembled(lumped)
        indptr, indices = self._pattern
        n = self.n_orbits
        K = sp.csr_matrix((kdata.copy(), indices.copy(), indptr.copy()), shape=(n, n))
        r2 = self.radius * self.radius  # K of a surface is scale invariant, M scales as r^2
        if lumped:
            M = sp.csr_matrix(sp.diags(mdiag * r2))
        else:
            M = sp.csr_matrix((mdata * r2, indices.copy(), indptr.copy()), shape=(n, n))
        return K, M

    def _assembled(self, lumped: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        cached = self._cache.get(lumped)
        if cached is None:
            cached = _assemble(self._positions, self._tri, self._weight, self._labels,
                               self._pattern, self._slots(), self.n_orbits, lumped)[:3]
            self._cache[lumped] = cached
        return cached

    def _slots(self) -> np.ndarray:
        return self._cache["slots"]

    def boundary_volume(self) -> float:
        """vol(∂(M/G)): twice the length of the mirror walls on the mesh, over ``|G|``.

        As :meth:`weylgain.quotient.Quotient.boundary_volume` measures it on the full mesh:
        the edges a reflection of G fixes and the slices through the triangles it maps onto
        themselves (fixed vertex to the midpoint of the swapped pair), summed over the kept
        triangles with their orbit sizes.
        """
        if self._normals.shape[0] == 0:
            return 0.0
        p = self._positions[self._tri]  # (T, 3, 3) unit-sphere corners
        w = self._weight
        walls = 0.0
        for nrm in self._normals:
            on = np.abs(p @ nrm) < _MATCH_TOL
            for a, b in ((0, 1), (1, 2), (2, 0)):  # each edge lies in two triangles: half
                both = on[:, a] & on[:, b]
                if both.any():
                    walls += 0.5 * float(
                        (w[both] * np.linalg.norm(p[both, a] - p[both, b], axis=1)).sum())
            one = on.sum(axis=1) == 1
            if one.any():
                q = p[one]
                fixed = on[one].argmax(axis=1)
                rows = np.arange(q.shape[0])
                c = q[rows, fixed]
                x = q[rows, (fixed + 1) % 3]
                y = q[rows, (fixed + 2) % 3]
                mirrored = x - 2.0 * np.outer(x @ nrm, nrm)
                swap = np.linalg.norm(mirrored - y, axis=1) < _MATCH_TOL
                walls += float((w[one][swap] * np.linalg.norm(
                    c[swap] - 0.5 * (x[swap] + y[swap]), axis=1)).sum())
        return float(2.0 * walls * self.radius / self.effective_order)

    def full_mesh(self) -> Any:
        """The full mesh this quotient stands for (built now: n_vertices vertices)."""
        from .meshes import sphere

        return sphere(self.subdivisions, radius=self.radius, base=self.base)

    def _extra_dict(self) -> dict[str, Any]:
        return {"n_kept_triangles": self.n_kept_triangles}


def _assemble(positions, tri, weight, labels, pattern, slots, n_orbits, lumped):
    from ._kernels.sphere_quotient import assemble_orbit_pencil

    indptr, indices = pattern
    return assemble_orbit_pencil(positions, tri, weight, slots, indices.shape[0], labels,
                                 n_orbits, lumped)


# ====================================================================== public
def quotient_sphere(subdivisions: int, group: FiniteGroup, radius: float = 1.0,
                    base: str = "icosahedron") -> SphereQuotient:
    """S²/G for the mesh ``meshes.sphere(subdivisions, radius, base)``, without building it.

    Parameters
    ----------
    subdivisions : int
        Refinement level k >= 0 of the sphere (10 4^k + 2 vertices on the icosahedron,
        4 4^k + 2 on the octahedron).
    group : FiniteGroup
        A finite group of symmetries of the base polyhedron in the mesh's frame (a subgroup
        of I_h for the icosahedral sphere, of O_h for the octahedral one; see
        :func:`weylgain.meshes.sphere`); a group on R^1 or R^2 is extended by the identity.
    radius : float, default 1.0
    base : {"icosahedron", "octahedron"}

    Returns
    -------
    SphereQuotient
        Its :meth:`~SphereQuotient.laplacian` is the reduced pencil (PᵀKP, PᵀMP) of the full
        mesh, up to round-off and the order of the orbits.

    Raises
    ------
    MeshError
        A bad level, radius or base.
    GroupError
        Not a finite group, or a group acting on more than R^3.
    NotInvariantError
        The group does not map the base polyhedron (hence the mesh) onto itself.
    ResourceError
        The representative faces would not fit in the memory available (checked before
        anything is allocated).

    Examples
    --------
    >>> from weylgain.groups import named
    >>> from weylgain.quotient import quotient_sphere
    >>> q = quotient_sphere(4, named("I"))
    >>> q.n_orbits, q.n_vertices
    (44, 2562)
    """
    k = _check_int(subdivisions, "subdivisions", 0)
    radius = _check_positive(radius, "radius")
    if base not in _BASES:
        raise MeshError(f"unknown sphere base {base!r}; choose 'icosahedron' or 'octahedron'")
    if not isinstance(group, FiniteGroup):
        from .groups import ContinuousGroup

        extra = (" (a continuous group: use weylgain.quotient(meshes.sphere(k), group), which "
                 "meshes its orbit space)" if isinstance(group, ContinuousGroup) else "")
        raise GroupError("quotient_sphere needs a FiniteGroup (see weylgain.groups.named); "
                         f"got {type(group).__name__}{extra}")
    from .errors import ResourceError
    from .resources import MemoryEstimate, check_memory, format_bytes

    if k > 30:  # 4^k beyond any machine: refuse before 2^k overflows the lattice indices
        raise ResourceError(
            f"the direct quotient of sphere:{k} would need about "
            f"{format_bytes(direct_quotient_memory(k, 120, 1, 6))} of memory even for the "
            "largest group; choose a lower level (each level multiplies the size by 4)")
    elements = _group_elements(group, base)
    act = _action(elements, base, str(group.name))
    order = int(elements.shape[0])

    stab = order // int(act.orbit_size.max())
    need = direct_quotient_memory(k, order, int(act.reps.size), stab)
    n_full, m_full = _full_size(k, base)
    check_memory(MemoryEstimate(
        f"the direct quotient sphere:{k}/{group.name}", need,
        f"{act.reps.size} of {20 if base == 'icosahedron' else 8} base faces refined to "
        f"4^{k} triangles each"),
        "choose a lower level (each level multiplies the size by 4) or a larger group")
    from ._kernels.assembly import csr_pattern
    from ._kernels.sphere_quotient import canonical_triangles, face_positions, lattice_orbits

    n = 2**k
    positions = np.concatenate([face_positions(act.corners[i], k) for i in range(act.reps.size)])
    labels, first = lattice_orbits(n, int(act.reps.size), act.gen_perms, act.gen_face,
                                   act.edge_links)
    stab_sizes = np.diff(act.perm_start)
    capacity = int(sum(n * n // int(sz) + 2 * n + 2 for sz in stab_sizes))  # Burnside bound
    tri, mult = canonical_triangles(n, int(act.reps.size), act.corner_perms, act.perm_start,
                                    capacity)
    n_kept = int(tri.shape[0])
    P = (n + 1) * (n + 2) // 2
    weight = (mult * act.orbit_size[tri[:, 0] // P]).astype(np.float64)
    n_orb = int(first.size)
    indptr, indices, slots = csr_pattern(np.ascontiguousarray(labels[tri]), n_orb)
    kdata, mdata, mdiag, area, perim = _assemble(positions, tri, weight, labels,
                                                 (indptr, indices), slots, n_orb, False)
    mesh_volume = float((weight * area).sum()) * radius * radius
    name = f"sphere:{k}" + ("" if base == "icosahedron" else f":{base}")
    name += "" if radius == 1.0 else f":{_fmt(radius)}"
    q = SphereQuotient(
        group=group, subdivisions=k, base=base, radius=radius, mesh_name=name,
        n_vertices=n_full, n_simplices=m_full,
        orbit_points=_readonly(positions[first] * radius), mesh_volume=mesh_volume,
        volume=mesh_volume / order, effective_order=order, kernel_order=1,
        description=(f"{name} / {group.name}: {n_orb} vertex orbits of {n_full} (direct: "
                     f"{act.reps.size} representative faces, {n_kept} of {m_full} triangles)"),
        _positions=_readonly(positions), _tri=_readonly(tri), _weight=_readonly(weight),
        _labels=_readonly(labels), _pattern=(_readonly(indptr), _readonly(indices)),
        _normals=act.reflections, _perimeter_sum=float((weight * perim).sum()) * radius,
    )
    q._cache["slots"] = slots
    q._cache[False] = (kdata, mdata, mdiag)
    return q
