"""measure_gain: d_G and vol(M/G) measured from finite-element eigenvalue counts.

The steps of :func:`measure_gain`: read the arguments, put the group on the mesh's
coordinates, choose a mesh the group maps onto itself, count on M/G and on M, report.
"""

from __future__ import annotations

import math
import time
from typing import TYPE_CHECKING, Any, Callable

import numpy as np

from ..errors import FitError, SpecError, WeylgainError
from .exact_route import _measure_from_exact_counts, _needs_exact_counts
from .mesh_counts import (_antipodal_generators, _counts, _manifold_counts, _min_angle_note,
                          _quotient_spectrum, _reduce, _report, _sphere_lam_h2,
                          _threshold_grid, _window)
from .sphere_frames import (_AXIAL_MIN_PERIODS, _AXIAL_MARGIN, _AXIAL_MAX_VERTICES,
                            _axial_level, _bipyramid_plan, _direct_plan,
                            _invariant_sphere_mesh, _with_harmonic_symmetry)
from .report import MeasuredGain, _count_arg, _positive_float

if TYPE_CHECKING:  # the manifold layer imports sympy: only where measure_gain runs
    from ..manifolds.base import SpectrumModel


# Reduced problems of this many unknowns take the counter's dense route, which is slow under
# load (multithreaded BLAS on a busy machine): a finer mesh is faster.
_SLOW_DENSE = (600, 2500)


def measure_gain(manifold: Any, group: Any, *, level: int | None = None,
                 n_points: int = 10, lam_max_h2: float | None = None, min_count: int = 10,
                 target_count: int | None = None, progress: bool = False,
                 route: str | None = None) -> MeasuredGain:
    """Measure d_G and vol(M/G) from eigenvalue counts and compare with the prediction.

    The resolution is chosen for the fit: the window of thresholds should hold a few hundred
    invariant eigenvalues (about 1,000 for lattice staircases), within the memory guard and
    about a minute on two cores. The routes (``source`` of the result):

    * ``"quotient mesh"``: S^2, RP^2 (on its cover, with -I) and the hemisphere H^2 (on its
      cover, with the mirror of the last axis: Neumann conditions) under a symmetry group of
      the octahedral or icosahedral sphere, in its frame or conjugated into it by a rotation
      (D_3 about z, C_5, ...): M/G is assembled by :func:`weylgain.quotient_direct.
      quotient_sphere` from one face per orbit, never building M, at the level whose
      resolved window holds ``target_count`` invariant eigenvalues;
    * ``"mesh"``: a mesh of M the group maps onto itself and its quotient
      (:func:`weylgain.quotient.quotient`: vertex orbits for finite groups, a weighted
      orbit-space mesh for continuous ones); the axial point groups on S^2 (C_n, C_nv,
      C_nh, S_2n, D_n, D_nh, D_nd outside the polyhedral frames) the sphere subdivided from
      an m-gonal bipyramid, counted at whole periods lam = (j e / r)^2 of the staircase (e
      the group's exponent: there N_G = C lam + B lam^(1/2) exactly), exact counts where
      fewer than 6 periods are resolved within 800,000 vertices; flat 2-d tori and boxes a
      grid refined for ~1,000 invariant eigenvalues; S^3/hopf, RP^3/hopf and B^3/SO(2)
      their orbit-space meshes (:func:`weylgain.orbit_space_meshes.orbit_space_mesh`);
    * ``"exact counts"``: where no mesh exists, or the meshes here resolve too few invariant
      eigenvalues and the pair has exact counts (:func:`weylgain.exact_counts`; the method
      says why).

    Eigenvalues are counted by inertia (:func:`weylgain.spectrum.counting_function`) at
    thresholds in a window [lam_min, lam_max] and Weyl's two-term law is fitted on the whole
    window and its lower and upper parts (:func:`weylgain.gain.fitting.windowed_fit`): the
    dimension free (d_G), then the volume at the nearest integer dimension with the second
    (wall or boundary) term. Windows that disagree give ``converged`` False and the reason.

    The window: lam_max = lam_max_h2 / h^2 (h the mean edge), where P1 eigenvalues are still
    accurate. Sphere counts are taken at gap midpoints of the exact spectrum and stay exact
    while the FEM shift (~ lam^2 h^2 / 15) stays below half a gap (~ lam^(1/2)): up to
    lam h^2 ~ 0.5 on coarse meshes, and lam^(3/2) h^2 ~ 10 on fine ones (finite groups),
    whichever is smaller; flat counts average consistent and lumped mass. lam_min is where
    the predicted count reaches ``min_count`` (a tenth of lam_max on the automatic routes).

    Parameters
    ----------
    manifold, group : as for :func:`predict_gain`
        RP^d is measured on its cover S^d with the group <G, -I>.
    level : int, optional
        An override of the resolution (sphere subdivisions, torus or box vertices per axis),
        used as given: too coarse a level raises FitError instead of falling back to exact
        counts. Default: chosen as above.
    n_points : int, default 10
        Number of thresholds for M/G (at least 16 on the sphere routes chosen automatically,
        30 on refined flat grids; M gets 6).
    lam_max_h2 : float, optional
        lam_max h^2; default 0.5 for spheres (gap midpoints), 1.0 otherwise (averaged
        consistent and lumped counts).
    min_count : int, default 10
        Predicted invariant count at lam_min.
    target_count : int, optional
        Predicted invariant count wanted at lam_max: default 300 on the sphere routes,
        1,000 on flat grids, 40 on the other ladders of meshes.
    progress : bool
        Progress bars on stderr.
    route : {None, "auto", "mesh", "exact"}
        None or ``"auto"``: as above. ``"mesh"``: finite elements only (the mesh of M, the
        quotient mesh, or the orbit-space mesh of :func:`weylgain.orbit_space_meshes.
        orbit_space_mesh` for S^3/hopf, RP^3/hopf, B^3/SO(2), finite groups on S^3, RP^3 and
        T^3), never falling back to exact counts; refused where no mesh exists here.
        ``"exact"``: the exact counts only.

    Returns
    -------
    MeasuredGain

    Raises
    ------
    SpecError
        A manifold measure_gain cannot mesh and cannot count exactly.
    GroupError, NotInvariantError
        The group does not act on M, or on any mesh available here.
    FitError
        Too few invariant eigenvalues below the resolution of the mesh (a ``level`` given
        too coarse, or a pair with no exact counts).
    ResourceError
        The requested level does not fit in memory.
    """
    from ..geometry import quotient_geometry, resolve_group
    from ..groups import as_catalogue
    from ..manifolds import parse_manifold, weyl_constant

    t0 = time.perf_counter()
    M = parse_manifold(manifold) if isinstance(manifold, str) else manifold
    G = resolve_group(group, M)
    # a Lie group or subtorus equal to a catalogue family (SO(3) from its Lie algebra, a
    # conjugate of it, unit translations) takes that family's orbit-space mesh
    G = as_catalogue(G) or G
    geo = quotient_geometry(M, G)
    n_points, level, lam_max_h2, min_count, target_count = _read_args(
        n_points, level, lam_max_h2, min_count, target_count)
    mode = _read_route(route)
    if mode == "exact":
        return _measure_from_exact_counts(M, G, geo, manifold, n_points=n_points,
                                          min_count=min_count, t0=t0)
    if _needs_exact_counts(M, G):
        # no mesh of M: an orbit-space mesh where one exists (S^3/hopf, RP^3/hopf,
        # B^3/SO(2)), else the exact counts
        mesh_result = _orbit_space_route(M, G, geo, manifold, level, lam_max_h2, min_count,
                                         n_points, target_count, progress, t0, mode)
        if mesh_result is not None:
            return mesh_result
        if mode == "mesh":
            raise SpecError(f"no mesh of {M.name} or of {M.name}/{G.name} is available to "
                            "measure it; the exact counts measure it instead (route='exact' or "
                            "the default in Python, --route exact or auto on the command line)")
        return _measure_from_exact_counts(M, G, geo, manifold, n_points=n_points,
                                          min_count=min_count, t0=t0)
    if _is_continuous_group(G):
        # a 2-d orbit-space mesh where one exists (S^3/hopf = S^2(1/2) with the fibre
        # length as weight): its window holds a few hundred invariant eigenvalues on a
        # 10k-vertex sphere, where the orbit-space mesh of the S^3 ladder holds 81
        mesh_result = _orbit_space_route(M, G, geo, manifold, level, lam_max_h2, min_count,
                                         n_points, target_count, progress, t0, mode)
        if mesh_result is not None:
            return mesh_result
    spec_M = M.spectrum_model()
    if lam_max_h2 is None:
        from ..resolution import RESOLVED_LAM_H2

        # spheres: the resolution rule itself; elsewhere the averaged consistent and lumped
        # counts (opposite O(h^2) errors) stay accurate further out
        lam_max_h2 = RESOLVED_LAM_H2 if spec_M.kind == "sphere" else 1.0
    G_mesh, finite = _group_on_mesh(M, G)
    finite_sphere = spec_M.kind == "sphere" and finite
    lam_h2 = _sphere_lam_h2(lam_max_h2) if finite_sphere else (lambda h: lam_max_h2)
    # spheres: consistent-mass counts at gap midpoints are exact while the FEM shift is below
    # half a gap; elsewhere the consistent (upper bound) and lumped (lower) counts are averaged
    averaged = spec_M.kind != "sphere"

    dG_pred, vQ = geo.quotient_dim, float(geo.quotient_volume)
    C_G = float(weyl_constant(dG_pred, vQ))
    d, vM = M.dim, float(M.volume)
    C_M = float(weyl_constant(d, vM))

    # S^2, RP^2 and the hemisphere, counted on the cover S^2: the group with -I (RP^2) or
    # the mirror of the last axis (Neumann conditions on H^2) added
    round_surface = finite_sphere and d == 2 and M.ambient_dim == 3
    if round_surface:
        G_mesh = _with_harmonic_symmetry(M, G_mesh)
        # S^2 and RP^2 under a symmetry group of a polyhedral sphere (in its frame or
        # conjugated into it): M/G assembled without M, at the level the window needs
        plan = _direct_plan(G_mesh)
        if plan is not None:
            return _measure_quotient_mesh(M, G, geo, G_mesh, plan, level, lam_h2, C_G, C_M,
                                          min_count, n_points, target_count or _DIRECT_TARGET,
                                          progress, t0)
        # an axial group (C_n, D_n, ... outside the polyhedral frames): the bipyramid
        # sphere, counted at whole periods of the staircase; exact counts where even its
        # finest level resolves fewer than _AXIAL_MIN_PERIODS periods
        axial = _bipyramid_plan(G_mesh)
        if axial is not None:
            try:
                result = _measure_axial(M, G, geo, G_mesh, axial, level, lam_h2, C_G, C_M,
                                        min_count, target_count or _DIRECT_TARGET, progress,
                                        t0)
            except FitError as exc:
                exact = None if level is not None or mode == "mesh" else _exact_instead(
                    M, G, geo, manifold, n_points, min_count, t0, str(exc))
                if exact is None:
                    raise
                return exact
            if result.converged or level is not None or mode == "mesh":
                return result
            exact = _exact_instead(M, G, geo, manifold, n_points, min_count, t0,
                                   f"the fit on {result.mesh} did not converge: "
                                   f"{result.convergence_note}")
            return exact if exact is not None and exact.converged else result
    invariant_sphere = round_surface and level is None
    try:
        if invariant_sphere:
            # any other point group: one mesh built for it, as fine as the window needs
            mesh, q = _invariant_sphere_mesh(M, G, G_mesh, lam_h2, C_G,
                                             target_count or _DIRECT_TARGET, _DIRECT_MIN_TOP)
        else:
            mesh, q = _choose_mesh(M, G, G_mesh, finite, level, lam_h2, C_G, dG_pred,
                                   target_count or _LADDER_TARGET)
        flat = (finite and level is None and spec_M.kind == "lattice" and d == 2
                and dG_pred == 2)
        mesh_M = mesh  # M itself is counted on the ladder's mesh: |G| times more counts
        if flat:  # lattice staircases need ~1,000 invariant eigenvalues: a finer grid
            mesh, q = _flat_refined(M, G, G_mesh, mesh, q, lam_h2, C_G,
                                    target_count or _FLAT_TARGET)
        lams_q, counts_q, spec_q = _quotient_counts(
            M, G, geo, G_mesh, q, C_G, dG_pred, lam_h2, min_count,
            max(n_points, _DIRECT_POINTS if invariant_sphere else _FLAT_POINTS)
            if invariant_sphere or flat else n_points, averaged,
            progress, span=_WINDOW_SPAN if invariant_sphere or flat else None,
            max_count=4.0 * (target_count or _FLAT_TARGET) if flat else 400.0)
    except FitError as exc:
        # the meshes of M resolve too few invariant eigenvalues: where the pair has exact
        # invariant counts (finite groups on spheres and tori), those; the orbit-space
        # meshes of finite groups on S^3, RP^3 and T^3 (3-d: some 45,000 unknowns and a
        # minute or more per few factorizations at 300 invariant eigenvalues) only when
        # route="mesh" asks for finite elements
        mesh_result = None if mode != "mesh" else _orbit_space_route(
            M, G, geo, manifold, level, lam_max_h2, min_count, n_points, target_count,
            progress, t0, mode)
        if mesh_result is not None:
            return mesh_result
        exact = (None if level is not None or mode == "mesh" else
                 _exact_instead(M, G, geo, manifold, n_points, min_count, t0, str(exc)))
        if exact is None:
            raise
        return exact
    h = float(mesh.edge_lengths().mean())
    route = None
    if invariant_sphere:  # M itself on its own coarse mesh: its window is |G| times lower
        mesh_M = M.mesh_ladders(None, None)[0][-1]()
    if mesh_M is not mesh:
        route = dict(mesh=str(mesh.name), n_vertices=int(mesh.n_vertices))
        mesh = mesh_M
        h = float(mesh.edge_lengths().mean())
    lams_M, counts_M, fit_M = _manifold_counts(M, mesh, spec_M, C_M, h, lam_h2, min_count,
                                               averaged, progress)
    result = _report(M, G, geo, mesh, q, spec_q, h, lams_q, counts_q, lams_M, counts_M,
                     fit_M, averaged, t0, route=route)
    if result.converged or level is not None or mode == "mesh":
        return result
    # the windows of the mesh disagree (too short a staircase within the resolution this
    # route affords): exact counts reach further where the pair has them, and are taken
    # only when they converge; otherwise the mesh's verdict stands
    exact = _exact_instead(M, G, geo, manifold, n_points, min_count, t0,
                           f"the fit on {result.mesh} did not converge: "
                           f"{result.convergence_note}")
    return exact if exact is not None and exact.converged else result


def _read_args(n_points: Any, level: Any, lam_max_h2: Any, min_count: Any, target_count: Any
               ) -> tuple[int, int | None, float | None, int, int | None]:
    """measure_gain's numeric options, checked (SpecError) and converted."""
    n_points = _count_arg(n_points, "n_points", 4)
    if n_points > 10_000:  # each threshold is one factorization
        raise SpecError(f"n_points = {n_points} thresholds is far more than a fit needs (about "
                        "10 to 40); each costs one factorization")
    if level is not None:
        level = _count_arg(level, "level", 0)
    if lam_max_h2 is not None:
        lam_max_h2 = _positive_float(lam_max_h2, "lam_max_h2")
    min_count = _count_arg(min_count, "min_count", 1)
    if target_count is not None:
        target_count = _count_arg(target_count, "target_count", 1)
    return n_points, level, lam_max_h2, min_count, target_count


def _read_route(route: Any) -> str:
    """measure_gain's ``route``: "auto" (also None), "mesh" or "exact"; ParameterError
    otherwise."""
    from ..errors import ParameterError

    if route is None:
        return "auto"
    if not isinstance(route, str) or route not in ("auto", "mesh", "exact"):
        raise ParameterError(f"route must be 'auto' (or None), 'mesh' or 'exact'; got "
                             f"{route!r}")
    return route


def _orbit_space_route(M: Any, G: Any, geo: Any, manifold: Any, level: int | None,
                       lam_max_h2: float | None, min_count: int, n_points: int,
                       target_count: int | None, progress: bool, t0: float, route: str
                       ) -> MeasuredGain | None:
    """M/G counted on its orbit-space mesh (:func:`weylgain.orbit_space_meshes.
    orbit_space_mesh`), None where the pair has none. In the automatic route a fit that does
    not converge gives way to the exact counts where those converge."""
    from ..errors import GroupError
    from ..manifolds import weyl_constant
    from ..orbit_space_meshes import orbit_space_mesh
    from ..resolution import RESOLVED_LAM_H2

    finite = not _is_continuous_group(G)
    G_mesh = _group_on_mesh(M, G)[0] if finite else G
    spec_q = _quotient_spectrum(M, G, geo, G_mesh)
    averaged = spec_q.kind != "sphere"  # flat and generic spectra: consistent and lumped
    base_h2 = lam_max_h2 if lam_max_h2 is not None else (1.0 if averaged else RESOLVED_LAM_H2)
    lam_h2 = (_sphere_lam_h2(base_h2) if spec_q.kind == "sphere"
              else (lambda h: base_h2))
    # non-clustered spectra (the half-disk of B^3/SO(2)) fluctuate like lattice staircases:
    # at 300 invariant eigenvalues the windows of B3/SO(2) still disagree (2.13 against 2)
    target = target_count or (_FLAT_TARGET if averaged else _DIRECT_TARGET)
    try:
        q = orbit_space_mesh(M, G, level, target_count=target, lam_h2=base_h2)
    except GroupError:
        return None
    dG_pred, vQ = geo.quotient_dim, float(geo.quotient_volume)
    C_G = float(weyl_constant(dG_pred, vQ))
    hq = float(q.mean_edge_length())
    lo, hi = _window(C_G, dG_pred, hq, lam_h2(hq), min_count, max_count=4.0 * target)
    lo = max(lo, hi / _WINDOW_SPAN)
    try:
        if not lo < hi / 3:
            raise FitError(
                f"the orbit-space mesh of {M.name}/{G.name} (mean edge {hq:.3g}) resolves "
                f"eigenvalues up to about {hi:.4g}, where it has only about "
                f"{C_G * hi ** (dG_pred / 2):.3g} invariant eigenvalues; pass a finer level=")
        lams_q = _threshold_grid(spec_q, lo, hi, max(n_points, _DIRECT_POINTS))
        counts_q = _counts([q.laplacian()] + ([q.laplacian(lumped=True)] if averaged else []),
                           lams_q, progress)
    except FitError as exc:
        if level is not None or route == "mesh":
            raise
        return _exact_instead(M, G, geo, manifold, n_points, min_count, t0, str(exc))
    spec_M = M.spectrum_model()
    mesh_M = M.mesh_ladders(None, None)[0][-1]()  # M itself on its coarse mesh: a check
    h_M = float(mesh_M.edge_lengths().mean())
    lam_h2_M = _sphere_lam_h2(base_h2) if spec_M.kind == "sphere" else (lambda h: base_h2)
    lams_M, counts_M, fit_M = _manifold_counts(
        M, mesh_M, spec_M, float(weyl_constant(M.dim, float(M.volume))), h_M, lam_h2_M,
        min_count, spec_M.kind != "sphere", progress)
    name = str(getattr(q, "name", None) or q.to_dict().get("mesh", "orbit space"))
    base = getattr(q, "base_mesh", None)
    where = "at gap midpoints of the exact spectrum " if spec_q.kind != "generic" else ""
    method = (f"M/G: orbit-space mesh {name} (mean edge {hq:.3g}, {q.n_orbits} unknowns); "
              f"{lams_q.size} thresholds {where}in [{lams_q[0]:.4g}, {lams_q[-1]:.4g}]"
              f"{'; consistent and lumped counts averaged' if averaged else ''}; volume "
              f"fitted with the second term; M: {mesh_M.name} ({mesh_M.n_vertices} vertices)")
    result = _report(M, G, geo, mesh_M, q, spec_q, h_M, lams_q, counts_q, lams_M, counts_M,
                     fit_M, averaged, t0, route=dict(
                         mesh=name, quotient_mesh=str(base.name) if base is not None else name,
                         n_vertices=int(base.n_vertices) if base is not None else int(
                             q.n_orbits), method=method, source="mesh"))
    if result.converged or level is not None or route == "mesh":
        return result
    exact = _exact_instead(M, G, geo, manifold, n_points, min_count, t0,
                           f"the fit on {name} did not converge: {result.convergence_note}")
    return exact if exact is not None and exact.converged else result


def _is_continuous_group(G: Any) -> bool:
    from ..groups import FiniteGroup

    return not isinstance(G, FiniteGroup)


def _group_on_mesh(M: Any, G: Any) -> tuple[Any, bool]:
    """The group as it acts on the mesh's coordinates (restricted, or on the cover of RP^d),
    and whether it is finite."""
    from ..geometry.finite import _align
    from ..groups import FiniteGroup, from_generators

    finite = isinstance(G, FiniteGroup)
    G_mesh = G
    if finite:
        lin, tr = G.generator_arrays()
        lin, tr, _ = _align(lin, tr, M.ambient_dim, G.name, M.name)
        anti = _antipodal_generators(M)  # RP^d: the cover's group <G, -I>
        lin = np.concatenate([lin, anti])
        tr = np.concatenate([tr, np.zeros((anti.shape[0], M.ambient_dim))])
        if lin.shape[0] == 0:
            lin, tr = np.eye(M.ambient_dim)[None], np.zeros((1, M.ambient_dim))
        G_mesh = from_generators(lin, tr, name=G.name)
    elif M.antipodal_blocks():
        raise SpecError("measure_gain measures continuous groups on spheres, balls and tori, "
                        "not on RP^d")
    return G_mesh, finite


def _choose_mesh(M: Any, G: Any, G_mesh: Any, finite: bool, level: int | None,
                 lam_h2: Callable[[float], float], C_G: float, dG_pred: int,
                 target_count: int) -> tuple[Any, Any]:
    """The mesh of M and its quotient: the first family the group maps onto itself, at the
    coarsest level with enough counts (and a reduced problem outside the size range where
    the counter's dense route is slow)."""
    from ..errors import NotInvariantError

    mesh = q = None
    errors: list[str] = []
    for ladder in M.mesh_ladders(level, G_mesh if finite else None):
        for build in ladder:
            candidate = build()
            try:
                cq = _reduce(candidate, G_mesh, _quotient_resolution(M, G))
            except NotInvariantError as exc:
                errors.append(str(exc))
                break  # the family does not fit: a finer level will not either
            mesh, q = candidate, cq
            if not finite or dG_pred == 0:
                break  # the orbit-space mesh has its own resolution: coarsest M will do
            h = float(candidate.edge_lengths().mean())
            enough = C_G * (lam_h2(h) / h ** 2) ** (dG_pred / 2) >= target_count
            if enough and not _SLOW_DENSE[0] < cq.n_orbits <= _SLOW_DENSE[1]:
                break
        if mesh is not None:
            break
    if mesh is None or q is None:
        raise NotInvariantError(
            f"no mesh of {M.name} available to measure_gain is invariant under {G.name}: "
            + " | ".join(errors))
    return mesh, q


def _quotient_counts(M: Any, G: Any, geo: Any, G_mesh: Any, q: Any, C_G: float, dG_pred: int,
                     lam_h2: Callable[[float], float], min_count: int, n_points: int,
                     averaged: bool, progress: bool, span: float | None = None,
                     max_count: float = 400.0
                     ) -> tuple[np.ndarray, np.ndarray, SpectrumModel]:
    """N_G at thresholds in M/G's own window (finite G: the same mesh; continuous: the orbit
    space), with the spectrum family the thresholds were placed in."""
    base = q.base_mesh
    spec_q = _quotient_spectrum(M, G, geo, G_mesh)
    if base is None:  # a point
        lams_q = np.array([1.0, 10.0, 100.0, 1000.0])
    else:
        hq = float(base.edge_lengths().mean())
        lo, hi = _window(C_G, dG_pred, hq, lam_h2(hq), min_count, max_count)
        if span is not None:  # a window of this span at the top of the resolved range
            lo = max(lo, hi / span)
        if not lo < hi / 3:
            raise FitError(
                f"the mesh {base.name} (mean edge {hq:.3g}) resolves eigenvalues up to about "
                f"{hi:.4g}, where {M.name}/{G.name} has only about "
                f"{C_G * hi ** (dG_pred / 2):.3g} invariant eigenvalues; pass a finer level="
            )
        lams_q = _threshold_grid(spec_q, lo, hi, n_points)
        if lams_q.size < 4:
            raise FitError(f"only {lams_q.size} thresholds fit in [{lo:.4g}, {hi:.4g}]; pass a "
                           "finer level=")
    pairs = [q.laplacian()] + ([q.laplacian(lumped=True)] if averaged and base is not None
                               else [])
    return lams_q, _counts(pairs, lams_q, progress), spec_q


def _quotient_resolution(M: Any, G: Any) -> int | None:
    """Resolution of the orbit-space mesh of a continuous quotient (None for finite G)."""
    from ..groups import ContinuousGroup

    if not isinstance(G, ContinuousGroup):
        return None
    return G.mesh_resolution(M)


# ============================================================ the quotient-mesh route (S^2)
# The direct quotient (weylgain.quotient_direct) assembles S^2/G from one face per G-orbit
# of faces of a polyhedral sphere: the work is that of M/G, so the level is chosen for the
# window, not for the size of M. Levels whose pencil would exceed _DIRECT_UNKNOWNS unknowns
# are taken only when no smaller one reaches _DIRECT_MIN_TOP predicted invariant eigenvalues
# (each threshold is one factorization: 0.5 s at 44k unknowns, 2.5 s at 175k, quiet machine).
_DIRECT_UNKNOWNS = 120_000
# predicted invariant eigenvalues wanted at the top of the window: on the quotient-mesh
# route (and the invariant meshes of S^2), and on the ladders of the other meshes
_DIRECT_TARGET = 300
_LADDER_TARGET = 40
# flat tori and boxes in 2-d: lattice staircases need ~1,000 invariant eigenvalues (checked
# on exact lattice counts: at 500 the windows of T2/mirror still disagree by 0.3 in d_G), on
# grids of at most _FLAT_MAX_VERTICES vertices, at _FLAT_POINTS thresholds
_FLAT_TARGET = 1000
_FLAT_MAX_VERTICES = 130_000
_FLAT_POINTS = 30
_DIRECT_MIN_TOP = 150
_DIRECT_MAX_LEVEL = 12
# thresholds on the quotient-mesh route, and the window's span lam_max / lam_min
_DIRECT_POINTS = 16
_WINDOW_SPAN = 10.0


def _direct_level(base: str, radius: float, order: int, lam_h2: Callable[[float], float],
                  C_G: float, target: int) -> int:
    """The sphere level of the quotient-mesh route: the coarsest whose resolved window holds
    ``target`` predicted invariant eigenvalues, within _DIRECT_UNKNOWNS unknowns; beyond
    that size, the finest level within it if that holds _DIRECT_MIN_TOP, else the coarsest
    level that does (memory is checked by quotient_sphere itself)."""
    from ..meshes import sphere

    h3 = float(sphere(3, radius=radius, base=base).edge_lengths().mean())
    faces = 20 if base == "icosahedron" else 8
    within = None
    for k in range(3, _DIRECT_MAX_LEVEL + 1):
        h = h3 * 2.0 ** (3 - k)
        top = C_G * lam_h2(h) / h ** 2
        small = faces * 4 ** k / (2 * order) <= _DIRECT_UNKNOWNS
        if small:
            if top >= target:
                return k
            within = (k, top)
        elif within is not None and within[1] >= _DIRECT_MIN_TOP:
            return within[0]
        elif top >= _DIRECT_MIN_TOP:
            return k
    return _DIRECT_MAX_LEVEL


def _measure_quotient_mesh(M: Any, G: Any, geo: Any, G_mesh: Any,
                           plan: tuple[str, Any, bool], level: int | None,
                           lam_h2: Callable[[float], float], C_G: float, C_M: float,
                           min_count: int, n_points: int, target_count: int, progress: bool,
                           t0: float) -> MeasuredGain:
    """S^2/G (RP^2/G on its cover) counted on the direct quotient of a polyhedral sphere; M
    itself on a coarse mesh of the same family (its window needs |G| times fewer levels)."""
    from ..errors import ResourceError
    from ..quotient_direct import quotient_sphere

    base, G_frame, conjugated = plan
    spec_M = M.spectrum_model()
    r = float(spec_M.radius)
    order = int(G_frame.extended(3).elements(max_order=120)[0].shape[0])
    k = level if level is not None else _direct_level(base, r, order, lam_h2, C_G,
                                                       target_count)
    while True:
        try:
            q = quotient_sphere(k, G_frame, radius=r, base=base)
            break
        except ResourceError:
            if level is not None or k <= 3:
                raise
            k -= 1  # the memory guard: the finest level that fits
    spec_q = _quotient_spectrum(M, G, geo, G_mesh)
    hq = q.mean_edge_length()
    lo, hi = _window(C_G, 2, hq, lam_h2(hq), min_count, max_count=4.0 * target_count)
    lo = max(lo, hi / _WINDOW_SPAN)
    if not lo < hi / 3:
        raise FitError(
            f"the quotient mesh {q.mesh_name}/{G.name} (mean edge {hq:.3g}) resolves "
            f"eigenvalues up to about {hi:.4g}, where {M.name}/{G.name} has only about "
            f"{C_G * hi:.3g} invariant eigenvalues; pass a finer level= (or none: the level is "
            "then chosen for the window)")
    lams_q = _threshold_grid(spec_q, lo, hi, max(n_points, _DIRECT_POINTS))
    counts_q = _counts([q.laplacian()], lams_q, progress)
    mesh_M = M.mesh_ladders(None, None)[0][-1]()  # M itself: |G| times more counts
    h_M = float(mesh_M.edge_lengths().mean())
    lams_M, counts_M, fit_M = _manifold_counts(M, mesh_M, spec_M, C_M, h_M, lam_h2,
                                               min_count, False, progress)
    frame = (f"{G.name} conjugated by a rotation into the {base}'s frame" if conjugated
             else f"{G.name} in the {base}'s frame")
    where = "at gap midpoints of the sphere spectrum " if spec_q.kind == "sphere" else ""
    method = (f"M/G: quotient mesh of {q.mesh_name} "
              f"({q.n_vertices} vertices, never built; mean edge {hq:.3g}) by {frame}, "
              f"assembled from one face per orbit: {q.n_orbits} unknowns; {lams_q.size} "
              f"thresholds {where}in [{lams_q[0]:.4g}, {lams_q[-1]:.4g}]; M: "
              f"{mesh_M.name} ({mesh_M.n_vertices} vertices, mean edge {h_M:.3g}"
              f"{_min_angle_note(mesh_M)}); volume fitted with the second "
              "term")
    return _report(M, G, geo, mesh_M, q, spec_q, h_M, lams_q, counts_q, lams_M, counts_M,
                   fit_M, False, t0, route=dict(
                       mesh=f"{q.mesh_name} (quotient mesh: the full mesh is never built)",
                       quotient_mesh=f"{q.mesh_name}/{G.name} (direct)",
                       n_vertices=int(q.n_vertices), method=method, source="quotient mesh"))


def _measure_axial(M: Any, G: Any, geo: Any, G_mesh: Any, plan: tuple[int, Any, int],
                   level: int | None, lam_h2: Callable[[float], float], C_G: float,
                   C_M: float, min_count: int, target_count: int, progress: bool, t0: float
                   ) -> MeasuredGain:
    """S^2/G (RP^2/G, H^2/G on the cover) for an axial point group: the bipyramid sphere of
    the group's frame and its vertex-orbit quotient, counted at the whole periods
    lam = (j e / r)^2 of the staircase (e the group's period, :func:`~weylgain.gain.
    sphere_frames.group_period`), where the invariant count is exactly
    C lam + B lam^(1/2); FitError when fewer than _AXIAL_MIN_PERIODS periods are resolved."""
    from ..quotient import quotient
    from .sphere_frames import bipyramid_sphere

    m, G_frame, e = plan
    spec_M = M.spectrum_model()
    r = float(spec_M.radius)
    if level is None:
        k, J, lam_max = _axial_level(m, r, e, lam_h2, C_G, target_count)
    else:
        k = level
        if m * 4 ** k + 2 > 4 * _AXIAL_MAX_VERTICES:
            from ..errors import ResourceError

            raise ResourceError(
                f"level={k} makes the bipyramid sphere of {M.name}/{G.name} {m * 4 ** k + 2} "
                f"vertices, beyond the {4 * _AXIAL_MAX_VERTICES} this route builds; pass a "
                "coarser level= (or none: the level is then chosen for the window)")
    mesh = bipyramid_sphere(m, k, r)
    h = float(mesh.edge_lengths().mean())
    lam_max = _AXIAL_MARGIN * lam_h2(h) / h ** 2
    J = int(r * math.sqrt(lam_max) / e)
    if J < _AXIAL_MIN_PERIODS:
        raise FitError(
            f"the staircase of {M.name}/{G.name} has period {e} in the degree; the bipyramid "
            f"sphere {mesh.name} ({mesh.n_vertices} vertices, mean edge {h:.3g}) resolves "
            f"eigenvalues up to about {lam_max:.4g}, {J} whole periods, where the fit needs "
            f"{_AXIAL_MIN_PERIODS} (lam up to {(_AXIAL_MIN_PERIODS * e / r) ** 2:.4g})"
            + ("; pass a finer level=" if level is not None else
               f" within {_AXIAL_MAX_VERTICES} vertices"))
    q = quotient(mesh, G_frame)
    # from the second period where that leaves _AXIAL_MIN_PERIODS: at the first, a wall
    # term can still exceed half the leading one (C_6v at lam = 36), which the fit refuses
    j0 = 2 if J > _AXIAL_MIN_PERIODS else 1
    lams_q = (np.arange(j0, J + 1, dtype=np.float64) * e / r) ** 2
    counts_q = _counts([q.laplacian()], lams_q, progress)
    spec_q = _quotient_spectrum(M, G, geo, G_mesh)
    mesh_M = M.mesh_ladders(None, None)[0][-1]()  # M itself: |G| times more counts
    h_M = float(mesh_M.edge_lengths().mean())
    lams_M, counts_M, fit_M = _manifold_counts(M, mesh_M, spec_M, C_M, h_M, lam_h2,
                                               min_count, False, progress)
    method = (f"M/G: vertex-orbit quotient of {mesh.name} (the sphere subdivided from the "
              f"{m}-gonal bipyramid, {mesh.n_vertices} vertices, mean edge {h:.3g}"
              f"{_min_angle_note(mesh)}) by {G.name} in its frame: {q.n_orbits} unknowns; "
              f"{lams_q.size} thresholds at whole periods of the staircase, lam = (j {e})^2"
              f"{'' if r == 1.0 else f' / {r:g}^2'}, j = {j0}..{J} (the group's period {e} in the "
              "degree: there the invariant count is exactly C lam + B lam^(1/2)), up to "
              f"{lams_q[-1]:.4g}; fitted with the second term; M: {mesh_M.name} "
              f"({mesh_M.n_vertices} vertices, mean edge {h_M:.3g})")
    return _report(M, G, geo, mesh_M, q, spec_q, h_M, lams_q, counts_q, lams_M, counts_M,
                   fit_M, False, t0, route=dict(
                       mesh=str(mesh.name), quotient_mesh=f"{mesh.name}/{G.name}",
                       n_vertices=int(mesh.n_vertices), method=method, source="mesh"),
                   whole_periods=True)


def _flat_refined(M: Any, G: Any, G_mesh: Any, mesh: Any, q: Any,
                  lam_h2: Callable[[float], float], C_G: float, target: int
                  ) -> tuple[Any, Any]:
    """A grid of a flat torus or box fine enough for ``target`` invariant eigenvalues below
    lam_max (the lattice staircase fluctuates too much below ~1,000 for the windows to
    agree), within _FLAT_MAX_VERTICES; (mesh, q) unchanged where that is already so, or no
    finer grid of the families is invariant.

    The level of these meshes is the number of vertices per axis: a probe at level 60 gives
    the mean edge per level, and the level is rounded up to a multiple of 60 (every
    translation by 1/2, ..., 1/6, 1/10, 1/12 of a side maps the grid onto itself), or one
    more (boxes: an even number of cells about the centre).
    """
    from ..errors import MeshError, NotInvariantError
    from ..quotient import quotient

    h = float(mesh.edge_lengths().mean())
    if C_G * lam_h2(h) / h ** 2 >= target:
        return mesh, q
    lam_top = target / C_G
    try:
        probe = M.mesh_ladders(60, None)[0][0]()
    except MeshError:  # a mirrored box: an odd number of vertices per axis
        probe = M.mesh_ladders(61, None)[0][0]()
    h60 = float(probe.edge_lengths().mean())
    h_need = math.sqrt(lam_h2(h60) / lam_top)
    n = 60 * math.ceil(60 * h60 / h_need / 60)
    n = min(n, 60 * int(math.sqrt(_FLAT_MAX_VERTICES) // 60))
    if n * n <= mesh.n_vertices:
        return mesh, q
    for level in (n, n + 1):
        for ladder in M.mesh_ladders(level, G_mesh):
            try:
                candidate = ladder[0]()
                return candidate, quotient(candidate, G_mesh)
            except (MeshError, NotInvariantError):
                continue
    return mesh, q


def _exact_instead(M: Any, G: Any, geo: Any, manifold: Any, n_points: int, min_count: int,
                   t0: float, why: str) -> MeasuredGain | None:
    """The exact-count measurement where the meshes resolve too few invariant eigenvalues,
    with the reason in its method; None where the pair has no exact counts."""
    from dataclasses import replace

    try:
        m = _measure_from_exact_counts(M, G, geo, manifold, n_points=n_points,
                                       min_count=min_count, t0=t0)
    except WeylgainError:
        return None
    method = m.method.replace(" (no mesh of this space or orbit space is available)", "")
    lead = ("the mesh route did not converge" if why.startswith("the fit on") else
            "the meshes available here resolve too few invariant eigenvalues")
    return replace(m, method=f"{lead} ({why}); {method}",
                   seconds=time.perf_counter() - t0)
