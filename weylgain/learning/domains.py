"""Learning on any manifold spec the gain calculator knows: the spectral kernel of a spec and
the action of a group on it.

Part of :mod:`weylgain.learning`. A spec (``"S2"``, ``"T3"``, ``"S2^3"``, ``"T3^2"``) gets
the spectral Sobolev kernel of its manifold: :class:`SphereKernel` on S^d,
:class:`TorusKernel` on T^d and on products of tori (a flat torus; the spec is kept, so
groups act factor by factor), :class:`ProductSphereKernel` on products of identical unit
spheres, :class:`ProductKernel` on any other product of unit spheres and flat tori
(``S2xT1``, ``S1xS2``, ``T1xS2xS3``: products of the factors' eigenfunctions). A group (catalogue spec, ``"A x B"``, ``"G@i"``, ``Sym(k)``, a group object, a
group file's group) acts through its action data, as in :mod:`weylgain.exact`.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..errors import GroupError, ParameterError, SpecError, WeylgainError
from .invariance import GroupAction, action_from_record, as_action
from .kernels import SpectralKernel, SphereKernel, TorusKernel
from .product_kernels import ProductKernel, ProductSphereKernel

__all__ = ["kernel_for", "action_for"]

#: What a learning domain can be, in words (for refusals).
_SUPPORTED = ("learning needs a spectral kernel: unit spheres S<d>, flat tori T<d> (period "
              "2 pi) and products of them (S<d>^k, T<d>^k, S2xT1, S1xS2, ...)")


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
    spheres = [f.sphere_radius() is not None for f in factors]
    if len(factors) == 1 and spheres[0]:
        fd = factors[0].d
        L = 0
        while (L + 1) * (L + fd) <= lam:
            L += 1
        kernel: SpectralKernel = SphereKernel(fd, s, L)
    elif all(spheres) and all(f == factors[0] for f in factors):
        kernel = ProductSphereKernel(factors[0].d, len(factors), s, lam)
    elif not any(spheres):
        kernel = TorusKernel(d, s, int(math.floor(lam + 1e-9)))
    else:  # spheres of several dimensions, or spheres and tori
        kernel = ProductKernel([_factor_kernel(f, s, lam) for f in factors], s, lam,
                               name=M.name)
    kernel._spec = str(manifold).strip()
    return kernel


def _factor_kernel(f: Any, s: float, lam: float) -> SpectralKernel:
    """The kernel of one factor holding every eigenvalue up to lam (its eigenspaces only are
    used by :class:`ProductKernel`)."""
    if f.sphere_radius() is not None:
        L = 0
        while (L + 1) * (L + f.d) <= lam:
            L += 1
        return SphereKernel(f.d, s, L)
    return TorusKernel(f.dim, s, int(math.floor(lam + 1e-9)))


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
    if spec == kernel.domain.name and not isinstance(kernel, (ProductSphereKernel,
                                                                ProductKernel)):
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
    if isinstance(kernel, ProductKernel):
        record, held = _product_record(obj, M)
    else:
        record, held = obj.action_on(M), obj
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
    return action_from_record(record, held, name, kernel.band_limit, qd, order)


# ---------------------------------------------------------------- groups on mixed products
class _Record:
    """Action data on a product of spheres and tori, read by :func:`action_from_record`:
    ``algebra`` and ``generators`` (linear groups) or ``directions``, ``linear`` and
    ``translation`` (translations and affine generators)."""

    def __init__(self, dim: int, **arrays: np.ndarray) -> None:
        self.dim = int(dim)
        for k, v in arrays.items():
            setattr(self, k, v)


class _OnFactor:
    """A continuous group acting on one factor of a product, for learning: it hands its
    orbit representatives to the factor's coordinates; every other question goes to the
    group itself."""

    def __init__(self, group: Any, inner: Any, lo: int, hi: int) -> None:
        self._group, self._inner, self._lo, self._hi = group, inner, lo, hi

    def __getattr__(self, name: str) -> Any:
        return getattr(self._group, name)

    def orbit_representative(self, X: np.ndarray, origin: Any) -> np.ndarray:
        Y = np.array(X, dtype=np.float64, copy=True)
        Y[:, self._lo:self._hi] = self._inner.orbit_representative(
            Y[:, self._lo:self._hi], origin)
        return Y

    def zonal_axis(self, domain_dim: int) -> int | None:
        return None


def _torus_axes(M: Any) -> list[int]:
    """The coordinates of M that are torus angles (its torus factors', in order)."""
    axes, off = [], 0
    for f in M.factors:
        if f.torus_lengths() is not None:
            axes += list(range(off, off + f.ambient_dim))
        off += f.ambient_dim
    return axes


def _product_record(obj: Any, M: Any) -> tuple[Any, Any]:
    """(action data, group for reports) of a group on a product of spheres and tori.

    The group layer acts on spheres, balls and products of spheres (linear groups) or on
    flat tori (translations); on a mixed product the data is assembled here: finite
    generators checked by ``M.check_map``, a Lie algebra on R^D, torus translations placed
    on M's torus coordinates.
    """
    from ..groups import as_catalogue

    D = int(M.ambient_dim)
    try:
        return obj.action_on(M), obj
    except WeylgainError:
        pass
    cont = as_catalogue(obj)
    grp = cont.to_group() if cont is not None else obj
    if not hasattr(grp, "algebra") and not hasattr(grp, "directions"):  # a finite group
        L, T = _finite_generators(grp, M, D)
        return _Record(D, directions=np.zeros((0, D), dtype=np.int64), linear=L,
                       translation=T), obj
    off = np.concatenate([[0], np.cumsum([f.ambient_dim for f in M.factors])])
    algebra = getattr(grp, "algebra", None)
    if algebra is not None:
        A = np.asarray(algebra, dtype=np.float64)
        full = np.zeros((A.shape[0], D, D))
        m = min(A.shape[1], D)
        full[:, :m, :m] = A[:, :m, :m]
        moved = np.flatnonzero(np.abs(full).sum(axis=(0, 1)) + np.abs(full).sum(axis=(0, 2)))
        finite = np.zeros((0, D, D))
        if np.asarray(grp.generators).shape[0]:  # a finite part: checked like a finite group
            finite, _ = _finite_generators(grp, M, D)
        record = _Record(D, algebra=full, generators=finite)
    else:
        V = np.asarray(grp.directions, dtype=np.int64)
        axes = _torus_axes(M)
        used = np.flatnonzero(np.abs(V).sum(axis=0))
        if used.size and used.max() >= len(axes):
            raise GroupError(f"{obj.name} translates torus coordinate {int(used.max()) + 1}; "
                             f"{M.name} has {len(axes)}")
        full = np.zeros((V.shape[0], D), dtype=np.int64)
        full[:, np.asarray(axes)[used]] = V[:, used]
        moved = np.flatnonzero(np.abs(full).sum(axis=0))
        record = _Record(D, directions=full, linear=np.zeros((0, D, D)),
                         translation=np.zeros((0, D)))
    owners = {int(np.searchsorted(off, c, side="right") - 1) for c in moved}
    if len(owners) != 1:
        raise GroupError(f"{obj.name} moves coordinates of {len(owners)} factors of {M.name}; "
                         "learning on a product takes continuous groups acting on one factor")
    i = owners.pop()
    lo, hi = int(off[i]), int(off[i + 1])
    inner = _factor_group(record, lo, hi, obj) if cont is not None else None
    return record, (_OnFactor(obj, inner, lo, hi) if inner is not None else obj)


def _finite_generators(grp: Any, M: Any, D: int) -> tuple[np.ndarray, np.ndarray]:
    """The finite generators of a group on R^D (identity on coordinates beyond its own),
    each checked to map M onto itself."""
    if callable(getattr(grp, "generator_arrays", None)):
        lin, tr = grp.generator_arrays()
    else:  # a Lie group's finite part: linear maps
        lin = np.asarray(grp.generators, dtype=np.float64)
        tr = np.zeros((lin.shape[0], lin.shape[1]))
    lin = np.asarray(lin, dtype=np.float64)
    tr = np.asarray(tr, dtype=np.float64)
    n = lin.shape[1]
    if n > D:
        raise GroupError(f"group {grp.name!r} acts on R^{n}; {M.name} lives in R^{D}")
    L = np.tile(np.eye(D), (lin.shape[0], 1, 1))
    L[:, :n, :n] = lin
    T = np.zeros((lin.shape[0], D))
    T[:, :n] = tr
    for g, (a, t) in enumerate(zip(L, T)):
        why = M.check_map(a, t)
        if why:
            raise GroupError(f"group {grp.name!r}: generator {g} does not act on {M.name}: "
                             f"{why}")
    return L, T


def _factor_group(record: Any, lo: int, hi: int, obj: Any) -> Any:
    """The catalogue family of the record restricted to coordinates [lo, hi), or None."""
    from ..groups import as_catalogue
    from ..groups.lie import LieGroup
    from ..groups.torus import TorusGroup

    n = hi - lo
    if hasattr(record, "algebra"):
        sub = LieGroup(obj.name, record.algebra[:, lo:hi, lo:hi], np.zeros((0, n, n)), "")
    else:
        sub = TorusGroup(obj.name, record.directions[:, lo:hi], (), "")
    fam = as_catalogue(sub)
    return fam if fam is not None and hasattr(fam, "orbit_representative") else None
