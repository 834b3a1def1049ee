"""Learning on any manifold spec the gain calculator knows: the spectral kernel of a spec and
the action of a group on it.

Part of :mod:`weylgain.learning`. A spec (``"S2"``, ``"T3"``, ``"S2^3"``, ``"T3^2"``) gets
the spectral Sobolev kernel of its manifold: :class:`SphereKernel` on S^d,
:class:`TorusKernel` on T^d and on products of tori (a flat torus; the spec is kept, so
groups act factor by factor), :class:`ProductSphereKernel` on products of identical unit
spheres. A group (catalogue spec, ``"A x B"``, ``"G@i"``, ``Sym(k)``, a group object, a
group file's group) acts through its action data, as in :mod:`weylgain.exact`.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..errors import GroupError, ParameterError, SpecError, WeylgainError
from .invariance import GroupAction, action_from_record, as_action
from .kernels import SpectralKernel, SphereKernel, TorusKernel
from .product_kernels import ProductSphereKernel

__all__ = ["kernel_for", "action_for"]

#: What a learning domain can be, in words (for refusals).
_SUPPORTED = ("learning needs a spectral kernel: unit spheres S<d>, flat tori T<d> (period "
              "2 pi), products of identical unit spheres S<d>^k and products of flat tori "
              "T<d>^k")


def _factors(spec: str) -> tuple[Any, list]:
    from ..manifolds import parse_manifold

    if not isinstance(spec, str):
        raise SpecError(f"the manifold must be a spec string (e.g. S2, T3^2, S2^3); got "
                        f"{type(spec).__name__}")
    M = parse_manifold(spec)
    factors = list(M.factors)
    for f in factors:
        if f.sphere_radius() is not None:
            if float(f.sphere_radius()) != 1.0:
                raise SpecError(f"{spec}: {_SUPPORTED}; spheres of radius {f.radius} are not "
                                "supported")
        elif f.torus_lengths() is not None:
            if any(abs(float(x) - 2 * math.pi) > 1e-12 for x in f.torus_lengths()):
                raise SpecError(f"{spec}: {_SUPPORTED}; tori of other periods are not "
                                "supported")
        else:
            raise SpecError(f"{spec}: {_SUPPORTED}; {type(f).__name__} has none here")
    spheres = [f.sphere_radius() is not None for f in factors]
    if any(spheres) and not all(spheres):
        raise SpecError(f"{spec}: {_SUPPORTED}; mixed products of spheres and tori have no "
                        "spectral kernel here")
    if all(spheres) and any(f != factors[0] for f in factors):
        raise SpecError(f"{spec}: {_SUPPORTED}; the spheres differ")
    return M, factors


def _cutoff_for(spec: str, max_modes: int) -> float:
    """The largest eigenvalue cut-off with at most ``max_modes`` modes (whole eigenspaces)."""
    from ..exact import exact_counts

    lam = 4.0
    for _ in range(40):
        counts = exact_counts(spec, None, lam)
        if counts.count > max_modes:
            break
        lam *= 2.0
    eig = np.asarray(counts.eigenvalues, dtype=np.float64)
    cum = np.cumsum(np.asarray(counts.full_multiplicities, dtype=np.int64))
    ok = np.flatnonzero(cum <= max_modes)
    return float(eig[ok[-1]]) if len(ok) else float(eig[0])


def kernel_for(manifold: str, smoothness: float | None = None, max_modes: int = 1000,
               max_eigenvalue: float | None = None) -> SpectralKernel:
    """The spectral Sobolev kernel of a manifold spec, truncated at whole eigenspaces.

    Parameters
    ----------
    manifold : str
        ``"S<d>"``, ``"T<d>"``, ``"S<d>^k"`` or ``"T<d>^k"`` (also ``"S2xS2"``).
    smoothness : float, optional
        s; default d/2 + 1 (an RKHS of continuous functions, H^s with s > d/2).
    max_modes : int, default 1000
        Keep the eigenspaces up to the largest eigenvalue with at most this many modes in
        all (the primal route costs O(n p^2) for p modes).
    max_eigenvalue : float, optional
        Cut-off instead of ``max_modes``.

    Returns
    -------
    SphereKernel, TorusKernel or ProductSphereKernel
        With ``kernel.spec`` the given spec.
    """
    M, factors = _factors(manifold)
    if isinstance(max_modes, bool) or not isinstance(max_modes, (int, np.integer)) \
            or not 1 <= max_modes <= 200_000:
        raise ParameterError(f"max_modes must be an integer in [1, 200000]; got {max_modes!r}")
    d = int(M.dim)
    s = d / 2.0 + 1.0 if smoothness is None else smoothness
    if max_eigenvalue is None:
        lam = _cutoff_for(manifold, int(max_modes))
    else:
        try:
            lam = float(max_eigenvalue)
        except (TypeError, ValueError):
            lam = math.nan
        if not (math.isfinite(lam) and lam >= 0):
            raise ParameterError(f"max_eigenvalue must be a finite number >= 0; got "
                                 f"{max_eigenvalue!r}")
    if all(f.sphere_radius() is not None for f in factors):
        if len(factors) == 1:
            fd = factors[0].d
            L = 0
            while (L + 1) * (L + fd) <= lam:
                L += 1
            kernel: SpectralKernel = SphereKernel(fd, s, L)
        else:
            if any(f != factors[0] for f in factors):
                raise SpecError(f"{manifold}: {_SUPPORTED}; the spheres differ")
            kernel = ProductSphereKernel(factors[0].d, len(factors), s, lam)
    elif any(f.sphere_radius() is not None for f in factors):
        raise SpecError(f"{manifold}: {_SUPPORTED}; mixed products of spheres and tori have "
                        "no spectral kernel here")
    else:
        kernel = TorusKernel(d, s, int(math.floor(lam + 1e-9)))
    kernel._spec = str(manifold).strip()
    return kernel


def action_for(group: Any, kernel: SpectralKernel) -> GroupAction:
    """The action of a group (spec, object or :class:`GroupAction`) on a kernel's manifold.

    Single spheres and tori take the catalogue groups directly (:func:`as_action`); products
    and every other group go through ``weylgain.groups.resolve(group, M).action_on(M)``:
    Lie-algebra elements become rotations by 2 pi / Q above the band limit, torus
    directions translations by 1/Q, finite generators stay.
    """
    if isinstance(group, GroupAction):
        return group
    if not isinstance(kernel, SpectralKernel):
        raise ParameterError(f"action_for needs a kernel; got {type(kernel).__name__}")
    if group is None:
        raise GroupError("a group is needed (e.g. C4, SO(2), 'SO(3) x Sym(3)')")
    cache = kernel.__dict__.setdefault("_action_cache", {})
    if isinstance(group, str) and group in cache:
        return cache[group]
    spec = kernel.spec
    first: WeylgainError | None = None
    if spec == kernel.domain.name and not isinstance(kernel, ProductSphereKernel):
        try:
            return as_action(group, kernel.domain.ambient_dim, kernel.band_limit)
        except (GroupError, SpecError) as exc:
            if not isinstance(kernel, (SphereKernel, TorusKernel)):
                raise
            first = exc
    try:
        act = _record_action(group, kernel, spec)
    except WeylgainError:
        if first is not None:
            raise first from None
        raise
    if isinstance(group, str):
        cache[group] = act
    return act


def _record_action(group: Any, kernel: SpectralKernel, spec: str) -> GroupAction:
    """The action through ``resolve(group, M).action_on(M)`` (see :func:`action_for`)."""
    from ..groups import resolve
    from ..geometry import quotient_geometry
    from ..manifolds import parse_manifold

    M = parse_manifold(spec)
    obj = resolve(group, M)
    if not hasattr(obj, "action_on"):
        raise GroupError(f"group {group!r} has no action on {spec}")
    record = obj.action_on(M)
    if int(record.dim) != kernel.domain.ambient_dim:
        raise GroupError(f"group {group!r} acts on R^{record.dim}; the points of {spec} live "
                         f"in R^{kernel.domain.ambient_dim}")
    try:
        geo = quotient_geometry(M, obj)
        qd = int(geo.quotient_dim)
    except WeylgainError as exc:
        raise GroupError(f"dim {spec}/{group} is unknown ({exc}); learning needs it for the "
                         "predicted rates") from None
    order = getattr(obj, "order", math.inf)
    try:
        order = float(order)
    except (TypeError, ValueError):
        order = math.inf
    lie = int(np.asarray(getattr(record, "algebra", getattr(record, "directions", []))).reshape(
        -1).size > 0)
    if lie:
        order = math.inf
    name = group if isinstance(group, str) else str(getattr(obj, "name", "custom"))
    return action_from_record(record, obj, name, kernel.band_limit, qd, order)
