"""Counting on meshes for measure_gain: thresholds at gap midpoints, windows, counts by
inertia, the count of M itself, and the report of a mesh measurement (shared by the routes of
:mod:`weylgain.gain.measure`)."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any, Callable

import numpy as np

from ..errors import WeylgainError
from .fitting import _fit
from .report import MeasuredGain, measured_from_fits

if TYPE_CHECKING:  # the manifold layer imports sympy: only where measure_gain runs
    from ..manifolds.base import SpectrumModel


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
    if base.kind == "sphere" and base.step == 1 and hasattr(G_mesh, "elements"):
        # -I in the group: only even degrees carry invariants (a Lie group given by its
        # algebra has no element list: its orbit space, if any, brings its own spectrum)
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


def _manifold_counts(M: Any, mesh: Any, spec_M: SpectrumModel, C_M: float, h: float,
                     lam_h2: Callable[[float], float], min_count: int, averaged: bool,
                     progress: bool) -> tuple[np.ndarray, np.ndarray, Any]:
    """N on M itself (a check on the mesh; skipped when its window is too small), and its
    fit (d, d_err, fixed-dimension fit), None when skipped."""
    from ..groups import from_generators

    d = M.dim
    lo, hi = _window(C_M, d, h, lam_h2(h), 2 * min_count)
    lams_M = _threshold_grid(spec_M, lo, hi, 6) if lo < hi / 3 else np.zeros(0)
    counts_M = np.zeros(0)
    fit_M = None
    if lams_M.size >= 4:
        if M.antipodal_blocks():  # RP^d = the cover's -I quotient
            anti = from_generators(_antipodal_generators(M), name="antipodal")
            qa = _reduce(mesh, anti, None)
            pairs = [qa.laplacian()] + ([qa.laplacian(lumped=True)] if averaged else [])
        else:
            pairs = [_pencil(mesh, False)] + ([_pencil(mesh, True)] if averaged else [])
        counts_M = _counts(pairs, lams_M, progress)
        two_M = bool(float(M.boundary_volume) > 0) or d == 1
        fit_M = _fit(lams_M, counts_M, two_M)
    else:
        lams_M = np.zeros(0)  # too few thresholds: M is not measured (no counts to pair)
    return lams_M, counts_M, fit_M


def _report(M: Any, G: Any, geo: Any, mesh: Any, q: Any, spec_q: SpectrumModel, h: float,
            lams_q: np.ndarray, counts_q: np.ndarray, lams_M: np.ndarray,
            counts_M: np.ndarray, fit_M: Any, averaged: bool, t0: float,
            route: dict[str, Any] | None = None, whole_periods: bool = False
            ) -> MeasuredGain:
    """The fit of N_G (a point: constant count) and the MeasuredGain against the prediction
    (``route``: mesh, quotient_mesh, n_vertices, method and source where they are not those
    of ``mesh`` and ``q``). ``whole_periods``: counts at whole periods of a sphere group's
    staircase, an exact two-term law whose second term also carries the staircase's offset
    at those thresholds: fitted with it, and no boundary volume reported."""
    d, vM = M.dim, float(M.volume)
    dG_pred, vQ = geo.quotient_dim, float(geo.quotient_volume)
    base = q.base_mesh
    d_fit = d_err = vol_M = vol_M_err = None
    if fit_M is not None:
        d_fit, d_err, fixed_M = fit_M
        vol_M, vol_M_err = fixed_M.volume, fixed_M.volume_err
    bq_pred = float(geo.quotient_boundary_volume)
    two_term_q = bq_pred > 0 or dG_pred == 1 or whole_periods
    if base is None and np.all(counts_q == counts_q[0]):
        # a point: N_G constant (1): dimension 0, volume the count (counting measure)
        dG_fit, dG_err, fit_q = 0.0, 0.0, None
        vol_q, vol_q_err, bq = float(counts_q[-1]), 0.0, None
    else:
        dG_fit, dG_err, fit_q = _fit(lams_q, counts_q, two_term_q)
        vol_q, vol_q_err, bq = fit_q.volume, fit_q.volume_err, fit_q.boundary_volume
    assessed: dict[str, Any] = {}
    if whole_periods and fit_q is not None:
        bq = None
        assessed = dict(converged=bool(fit_q.converged), convergence_note=fit_q.reason,
                        fit_windows=fit_q.windows, d_G_ls_err=fit_q.dimension_ls_err,
                        vol_quotient_ls_err=fit_q.volume_ls_err)
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
    route = dict(dict(mesh=str(mesh.name), quotient_mesh=qname,
                      n_vertices=int(mesh.n_vertices), method=method, source="mesh"),
                 **(route or {}))
    return measured_from_fits(
        manifold=M.name, group=G.name, d=d, d_G_predicted=dG_pred, vol_M_predicted=vM,
        vol_quotient_predicted=vQ, boundary_volume_quotient_predicted=bq_pred,
        lams_M=lams_M, counts_M=counts_M, lams_q=lams_q, counts_q=counts_q, d_fit=d_fit,
        d_err=d_err, vol_M=vol_M, vol_M_err=vol_M_err, d_G=dG_fit, d_G_err=dG_err,
        vol_q=vol_q, vol_q_err=vol_q_err, boundary_volume=bq, t0=t0,
        mesh=route["mesh"], quotient_mesh=route["quotient_mesh"],
        n_vertices=route["n_vertices"], n_unknowns_quotient=int(q.n_orbits),
        two_term=fit_q is not None, method=route["method"],
        action=str(getattr(geo, "action", "") or ""), source=route["source"], **assessed,
    )


def _reduce(mesh: Any, group: Any, resolution: int | None) -> Any:
    """M/G on this mesh: :func:`weylgain.product_quotient.product_quotient` on a product mesh
    (the factors' vertex maps, or one factor's orbit space), else
    :func:`weylgain.quotient.quotient`."""
    from ..product_mesh import ProductMesh

    if isinstance(mesh, ProductMesh):
        from ..product_quotient import product_quotient

        return product_quotient(mesh, group)  # balances its factors' resolutions itself
    from ..quotient import quotient

    return quotient(mesh, group, resolution=resolution)


def _pencil(mesh: Any, lumped: bool) -> tuple[Any, Any]:
    """(K, M) of a mesh: its own tensor-product pencil, or the P1 pencil of a Mesh."""
    if callable(getattr(type(mesh), "laplacian", None)):
        return mesh.laplacian(lumped=lumped)
    from ..fem import laplacian

    return laplacian(mesh, lumped=lumped)


def _sphere_lam_h2(lam_max_h2: float) -> Callable[[float], float]:
    """lam_max h^2 for gap-midpoint sphere counts: also lam^(3/2) h^2 <= 10, where the FEM
    shift (~ lam^2 h^2 / 15, measured on icosahedral and invariant spheres) stays below half
    a gap (~ lam^(1/2)); on fine meshes this, not lam h^2, is the limit."""
    return lambda h: min(lam_max_h2, (10.0 * h) ** (2.0 / 3.0))


def _min_angle_note(mesh: Any) -> str:
    """', min angle X deg' for triangle meshes (the mesh quality, stated in reports)."""
    if not hasattr(mesh, "simplices") or mesh.dim != 2 or mesh.is_periodic:
        return ""  # (a 2-d product mesh, S1xI, has no triangles to grade)
    from ..invariant_meshes import mesh_quality

    return f", min angle {mesh_quality(mesh).min_angle_deg:.1f} deg"
