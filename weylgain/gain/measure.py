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
from .fitting import _fit, _rel
from .report import MeasuredGain, _count_arg, _positive_float

if TYPE_CHECKING:  # the manifold layer imports sympy: only where measure_gain runs
    from ..manifolds.base import SpectrumModel


# Reduced problems of this many unknowns take the counter's dense route, which is slow under
# load (multithreaded BLAS on a busy machine): a finer mesh is faster.
_SLOW_DENSE = (600, 2500)


def _antipodal_generators(M: Any) -> np.ndarray:
    """-I on each antipodal block of M (RP^d and products with RP factors), as (k, D, D)
    generators acting on the cover's coordinates; (0, D, D) when M has none."""
    D = M.ambient_dim
    gens = []
    for off, n in M.antipodal_blocks():
        flip = np.eye(D)
        flip[off:off + n, off:off + n] *= -1
        gens.append(flip)
    return np.array(gens, dtype=np.float64).reshape(len(gens), D, D)


def _quotient_spectrum(M: Any, G: Any, geo: Any, G_mesh: Any) -> SpectrumModel:
    """The spectrum family of M/G (a sub-spectrum of M's, or of the orbit space)."""
    from ..groups import ContinuousGroup
    from ..manifolds.base import SpectrumModel

    base = M.spectrum_model()
    if isinstance(G, ContinuousGroup):
        return G.quotient_spectrum(base, geo)
    if base.kind == "sphere" and base.step == 1:
        # -I in the group: only even degrees carry invariants
        try:
            lin, _ = G_mesh.elements(max_order=5000)
            D = lin.shape[1]
            if np.any(np.abs(lin + np.eye(D)).max(axis=(1, 2)) < 1e-9):
                return SpectrumModel("sphere", base.dim, base.radius, 2)
        except WeylgainError:
            pass
    return base


def _threshold_grid(spec: SpectrumModel, lam_lo: float, lam_hi: float, n_points: int
                    ) -> np.ndarray:
    """About n_points thresholds in [lam_lo, lam_hi], at gap midpoints of the exact spectrum.

    Spheres: eigenvalues come in clusters and the staircase crosses the Weyl curve in the
    middle of each gap (docs/theory.md#two-term-law: lam = (L+1)^2 on S^2); the midpoints between
    consecutive carried degrees are used. Lattices: 1-d, midpoints between consecutive
    squares; d >= 2, half-integers (in units). FEM eigenvalues lie slightly above the exact
    ones, so gap-midpoint counts stay exact while the shift is below half a gap.
    """
    geo = np.geomspace(lam_lo, lam_hi, n_points)
    if spec.kind == "sphere" or (spec.kind == "lattice" and spec.dim == 1):
        if spec.kind == "sphere":
            r2 = spec.radius ** 2
            kmax = int(math.sqrt(lam_hi * r2)) + 2 * spec.step + 2
            k = np.arange(0, kmax + 1, spec.step, dtype=np.float64)
            eig = k * (k + spec.dim - 1) / r2
        else:
            kmax = int(math.sqrt(lam_hi / spec.unit)) + 2
            eig = spec.unit * np.arange(kmax + 1, dtype=np.float64) ** 2
        mids = (eig[:-1] + eig[1:]) / 2
        mids = mids[(mids >= lam_lo) & (mids <= lam_hi)]
        if mids.size <= n_points:
            return mids
        idx = np.unique(np.searchsorted(mids, geo).clip(0, mids.size - 1))
        return mids[idx]
    if spec.kind == "lattice":
        m = np.unique(np.floor(geo / spec.unit)) + 0.5
        return m * spec.unit
    return geo


def _window(C: float, dim: int, h: float, lam_h2: float, min_count: float,
            max_count: float = 400.0) -> tuple[float, float]:
    """[lam where the predicted count reaches min_count, min(lam_h2 / h^2, lam where it
    reaches max_count)]."""
    hi = lam_h2 / h ** 2
    if dim:
        hi = min(hi, (max_count / C) ** (2 / dim))
    lo = (min_count / C) ** (2 / dim) if dim else hi / 16
    return lo, hi


def _counts(K_M_pairs: list[tuple[Any, Any]], lams: np.ndarray, progress: bool) -> np.ndarray:
    """N(lam), averaged over the pencils given (consistent and lumped mass: their O(h^2)
    errors have opposite signs and largely cancel on flat meshes)."""
    from ..spectrum import counting_function

    total = np.zeros(lams.size)
    for K, Mm in K_M_pairs:
        total += counting_function(K, Mm, lams, progress=progress)
    return total / len(K_M_pairs)


def measure_gain(manifold: Any, group: Any, *, level: int | None = None,
                 n_points: int = 10, lam_max_h2: float | None = None, min_count: int = 10,
                 target_count: int = 40, progress: bool = False) -> MeasuredGain:
    """Measure d_G and vol(M/G) from eigenvalue counts and compare with the prediction.

    M is meshed by a mesh the group maps onto itself (octahedral or icosahedral spheres,
    mirrored or Kuhn tori), M/G is built by :func:`weylgain.quotient.quotient` (vertex orbits
    for finite groups, a weighted orbit-space mesh for continuous ones), eigenvalues are
    counted by inertia (:func:`weylgain.spectrum.counting_function`) at thresholds in a
    window [lam_min, lam_max] and Weyl's law is fitted (:func:`weylgain.spectrum.weyl_fit`):
    the dimension free (d, d_G), then the volume with the dimension fixed at the nearest
    integer and a second term (the reflection or boundary term, which also absorbs the
    constant offsets of cone points and singular orbits).

    The window: lam_min is where the predicted count reaches ``min_count``; lam_max =
    lam_max_h2 / h^2 (h the mean edge), where P1 eigenvalues are still accurate. Sphere counts
    are taken at gap midpoints of the exact spectrum and stay exact while the FEM shift
    (~ lam^2 h^2 / 15) stays below half a gap (~ lam^(1/2)): up to lam h^2 ~ 0.5 on coarse
    meshes, and lam^(3/2) h^2 ~ 10 on fine ones (finite groups), whichever is smaller;
    other counts carry a relative FEM bias of order lam h^2 / 12.

    Parameters
    ----------
    manifold, group : as for :func:`predict_gain`
        RP^d is measured on its cover S^d with the group <G, -I>.
    level : int, optional
        Mesh resolution (sphere subdivisions, torus vertices per axis). Default: the coarsest
        level of a short ladder at which M/G shows ``target_count`` eigenvalues below lam_max.
    n_points : int, default 10
        Number of thresholds for M/G (M gets 6).
    lam_max_h2 : float, optional
        lam_max h^2; default 0.5 for spheres (gap midpoints), 1.0 otherwise (averaged
        consistent and lumped counts).
    min_count, target_count : int
        Predicted invariant counts at lam_min and (wanted) at lam_max.
    progress : bool
        Progress bars on stderr.

    Returns
    -------
    MeasuredGain

    Raises
    ------
    SpecError
        A manifold measure_gain cannot mesh (products, S^d with d > 3, ...).
    GroupError, NotInvariantError
        The group does not act on M, or on any mesh available here.
    FitError
        Too few invariant eigenvalues below the resolution of the finest mesh (a large
        group): pass a finer ``level``.
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
    if _needs_exact_counts(M, G):
        return _measure_from_exact_counts(M, G, geo, manifold, n_points=n_points,
                                          min_count=min_count, t0=t0)
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

    mesh, q = _choose_mesh(M, G, G_mesh, finite, level, lam_h2, C_G, dG_pred, target_count)
    lams_q, counts_q, spec_q = _quotient_counts(
        M, G, geo, G_mesh, q, C_G, dG_pred, lam_h2, min_count, n_points, averaged, progress)
    h = float(mesh.edge_lengths().mean())
    lams_M, counts_M, fit_M = _manifold_counts(M, mesh, spec_M, C_M, h, lam_h2, min_count,
                                               averaged, progress)
    return _report(M, G, geo, mesh, q, spec_q, h, lams_q, counts_q, lams_M, counts_M, fit_M,
                   averaged, t0)


def _read_args(n_points: Any, level: Any, lam_max_h2: Any, min_count: Any, target_count: Any
               ) -> tuple[int, int | None, float | None, int, int]:
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
    target_count = _count_arg(target_count, "target_count", 1)
    return n_points, level, lam_max_h2, min_count, target_count


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
    from ..quotient import quotient

    mesh = q = None
    errors: list[str] = []
    for ladder in M.mesh_ladders(level, G_mesh if finite else None):
        for build in ladder:
            candidate = build()
            try:
                cq = quotient(candidate, G_mesh, resolution=_quotient_resolution(M, G))
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
                     averaged: bool, progress: bool
                     ) -> tuple[np.ndarray, np.ndarray, SpectrumModel]:
    """N_G at thresholds in M/G's own window (finite G: the same mesh; continuous: the orbit
    space), with the spectrum family the thresholds were placed in."""
    base = q.base_mesh
    spec_q = _quotient_spectrum(M, G, geo, G_mesh)
    if base is None:  # a point
        lams_q = np.array([1.0, 10.0, 100.0, 1000.0])
    else:
        hq = float(base.edge_lengths().mean())
        lo, hi = _window(C_G, dG_pred, hq, lam_h2(hq), min_count)
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


def _manifold_counts(M: Any, mesh: Any, spec_M: SpectrumModel, C_M: float, h: float,
                     lam_h2: Callable[[float], float], min_count: int, averaged: bool,
                     progress: bool) -> tuple[np.ndarray, np.ndarray, Any]:
    """N on M itself (a check on the mesh; skipped when its window is too small), and its
    fit (d, d_err, fixed-dimension fit), None when skipped."""
    from ..fem import laplacian
    from ..groups import from_generators
    from ..quotient import quotient

    d = M.dim
    lo, hi = _window(C_M, d, h, lam_h2(h), 2 * min_count)
    lams_M = _threshold_grid(spec_M, lo, hi, 6) if lo < hi / 3 else np.zeros(0)
    counts_M = np.zeros(0)
    fit_M = None
    if lams_M.size >= 4:
        if M.antipodal_blocks():  # RP^d = the cover's -I quotient
            anti = from_generators(_antipodal_generators(M), name="antipodal")
            qa = quotient(mesh, anti)
            pairs = [qa.laplacian()] + ([qa.laplacian(lumped=True)] if averaged else [])
        else:
            pairs = [laplacian(mesh)] + ([laplacian(mesh, lumped=True)] if averaged else [])
        counts_M = _counts(pairs, lams_M, progress)
        two_M = bool(float(M.boundary_volume) > 0) or d == 1
        fit_M = _fit(lams_M, counts_M, two_M)
    return lams_M, counts_M, fit_M


def _report(M: Any, G: Any, geo: Any, mesh: Any, q: Any, spec_q: SpectrumModel, h: float,
            lams_q: np.ndarray, counts_q: np.ndarray, lams_M: np.ndarray,
            counts_M: np.ndarray, fit_M: Any, averaged: bool, t0: float) -> MeasuredGain:
    """The fit of N_G (a point: constant count) and the MeasuredGain against the prediction."""
    d, vM = M.dim, float(M.volume)
    dG_pred, vQ = geo.quotient_dim, float(geo.quotient_volume)
    base = q.base_mesh
    d_fit = d_err = vol_M = vol_M_err = None
    if fit_M is not None:
        d_fit, d_err, fixed_M = fit_M
        vol_M, vol_M_err = fixed_M.volume, fixed_M.volume_err
    bq_pred = float(geo.quotient_boundary_volume)
    two_term_q = bq_pred > 0 or dG_pred == 1
    if base is None and np.all(counts_q == counts_q[0]):
        # a point: N_G constant (1): dimension 0, volume the count (counting measure)
        dG_fit, dG_err, fit_q = 0.0, 0.0, None
        vol_q, vol_q_err, bq = float(counts_q[-1]), 0.0, None
    else:
        dG_fit, dG_err, fit_q = _fit(lams_q, counts_q, two_term_q)
        vol_q, vol_q_err, bq = fit_q.volume, fit_q.volume_err, fit_q.boundary_volume
    same_dim = dG_pred == d
    qname = str(base.name) if base is not None else "point"
    where = {"sphere": "at gap midpoints of the sphere spectrum ",
             "lattice": "at gap midpoints of the lattice spectrum ",
             "generic": ""}[spec_q.kind]
    method = (f"M: {mesh.name} ({mesh.n_vertices} vertices, mean edge {h:.3g}"
              f"{_min_angle_note(mesh)}); M/G: "
              f"{q.kind} quotient on {qname} with {q.n_orbits} unknowns; {lams_q.size} "
              f"thresholds {where}in [{lams_q[0]:.4g}, {lams_q[-1]:.4g}]"
              f"{'; consistent and lumped counts averaged' if averaged else ''}; volume "
              "fitted with the second term")
    return MeasuredGain(
        manifold=M.name, group=G.name, mesh=str(mesh.name), quotient_mesh=qname,
        n_vertices=int(mesh.n_vertices), n_unknowns_quotient=int(q.n_orbits),
        lams=tuple(float(v) for v in lams_M), counts=tuple(float(v) for v in counts_M),
        lams_quotient=tuple(float(v) for v in lams_q),
        counts_quotient=tuple(float(v) for v in counts_q),
        d=None if d_fit is None else float(d_fit), d_err=None if d_err is None else float(d_err),
        vol_M=None if vol_M is None else float(vol_M),
        vol_M_err=None if vol_M_err is None else float(vol_M_err),
        d_G=float(dG_fit), d_G_err=float(dG_err), vol_quotient=float(vol_q),
        vol_quotient_err=float(vol_q_err),
        boundary_volume_quotient=None if bq is None else float(bq),
        d_predicted=int(d), d_G_predicted=int(dG_pred), vol_M_predicted=vM,
        vol_quotient_predicted=vQ, boundary_volume_quotient_predicted=bq_pred,
        d_G_rel_error=_rel(dG_fit, dG_pred), vol_quotient_rel_error=_rel(vol_q, vQ),
        vol_M_rel_error=None if vol_M is None else _rel(vol_M, vM),
        gain=float(vol_M / vol_q) if same_dim and vol_M is not None and vol_q else None,
        gain_predicted=vM / vQ if same_dim else None,
        two_term=fit_q is not None, method=method, seconds=time.perf_counter() - t0,
        action=str(getattr(geo, "action", "") or ""),
    )


def _sphere_lam_h2(lam_max_h2: float) -> Callable[[float], float]:
    """lam_max h^2 for gap-midpoint sphere counts: also lam^(3/2) h^2 <= 10, where the FEM
    shift (~ lam^2 h^2 / 15, measured on icosahedral and invariant spheres) stays below half
    a gap (~ lam^(1/2)); on fine meshes this, not lam h^2, is the limit."""
    return lambda h: min(lam_max_h2, (10.0 * h) ** (2.0 / 3.0))


def _min_angle_note(mesh: Any) -> str:
    """', min angle X deg' for triangle meshes (the mesh quality, stated in reports)."""
    if mesh.dim != 2 or mesh.is_periodic:
        return ""
    from ..meshes import mesh_quality

    return f", min angle {mesh_quality(mesh).min_angle_deg:.1f} deg"


def _quotient_resolution(M: Any, G: Any) -> int | None:
    """Resolution of the orbit-space mesh of a continuous quotient (None for finite G)."""
    from ..groups import ContinuousGroup

    if not isinstance(G, ContinuousGroup):
        return None
    return G.mesh_resolution(M)
