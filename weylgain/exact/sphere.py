"""Spheres ``S^{D-1}`` in ``R^D`` with finite groups (Molien series) and the named
continuous families (closed forms).

The invariant dimension of the degree-``k`` harmonics (eigenvalue ``k(k+D-2)``) under a
finite ``G`` in ``O(D)`` is the ``t^k`` coefficient of the harmonic Molien series
``H_G(t) = (1 - t^2) (1/|G|) sum_g 1/det(I - t g)``. The group is enumerated (point groups
are small); elements sharing a characteristic polynomial share their series.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..errors import ActionError, CountingError, GroupError, SpecError
from ._util import (
    MAX_SPHERE_GROUP_ORDER,
    _binomial,
    _check_lam,
    _group_name,
    _is_continuous_group,
    _is_finite_group,
    _linear_elements,
    _max_degree,
)

# ----------------------------------------------------------------------------------------
# spheres


def sphere_harmonic_dimensions(dim: int, max_degree: int) -> np.ndarray:
    """Dimensions of the degree-k harmonic polynomials on ``R^dim`` (no group).

    ``C(k+D-1, D-1) - C(k+D-3, D-1)``: the multiplicity of the eigenvalue ``k(k+D-2)`` of
    the unit sphere ``S^{D-1}``.

    Parameters
    ----------
    dim : int
        Ambient dimension D >= 2.
    max_degree : int
        Largest degree k (>= 0).

    Returns
    -------
    ndarray of shape (max_degree + 1,), int64
    """
    dim = int(dim)
    if dim < 2:
        raise SpecError(f"spheres need an ambient dimension D >= 2, got {dim}")
    return np.array([_binomial(k + dim - 1, dim - 1) - _binomial(k + dim - 3, dim - 1)
                     for k in range(int(max_degree) + 1)], dtype=np.int64)


def _det_series_coefficients(elements: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distinct coefficient rows of det(I - t g) over the group and how often each occurs.

    Coefficients come from the power sums tr(g^j) by Newton's identities (exact for integer
    matrices, well conditioned for orthogonal ones); entries within 1e-9 of an integer are
    snapped so integer characteristic polynomials are handled exactly.
    """
    n, dim, _ = elements.shape
    power = elements.copy()
    sums = [np.trace(power, axis1=1, axis2=2)]
    for _ in range(1, dim):
        power = power @ elements
        sums.append(np.trace(power, axis1=1, axis2=2))
    elem = [np.ones(n)]
    for k in range(1, dim + 1):
        acc = np.zeros(n)
        for i in range(1, k + 1):
            acc += (-1) ** (i - 1) * elem[k - i] * sums[i - 1]
        elem.append(acc / k)
    coeff = np.stack([(-1) ** k * elem[k] for k in range(dim + 1)], axis=1)  # (n, D+1)
    snapped = np.round(coeff)
    coeff = np.where(np.abs(coeff - snapped) < 1e-9, snapped, coeff)
    keys = np.round(coeff * 1e8).astype(np.int64)
    _, first, counts = np.unique(keys, axis=0, return_index=True, return_counts=True)
    return coeff[first], counts


def _molien_from_elements(elements: np.ndarray, max_degree: int) -> np.ndarray:
    """Exact coefficients of (1/|G|) sum_g 1/det(I - t g) up to t^max_degree (int64)."""
    coeff, counts = _det_series_coefficients(elements)
    order = elements.shape[0]
    dim = coeff.shape[1] - 1
    a = coeff.astype(np.longdouble)
    series = np.zeros((coeff.shape[0], max_degree + 1), dtype=np.longdouble)
    series[:, 0] = 1
    for n in range(1, max_degree + 1):
        acc = np.zeros(coeff.shape[0], dtype=np.longdouble)
        for j in range(1, min(n, dim) + 1):
            acc -= a[:, j] * series[:, n - j]
        series[:, n] = acc
    total = counts.astype(np.longdouble) @ series
    molien = total / order
    rounded = np.round(molien)
    err = np.abs(molien - rounded)
    worst = int(np.argmax(err)) if err.size else 0
    if err.size and err[worst] > 1e-6:
        raise CountingError(
            f"Molien series coefficient of t^{worst} is {float(molien[worst])!r}, not an "
            "integer: the matrices do not form a group (check closure and orthogonality) or "
            "the degree is too high for floating point; lower the degree")
    return rounded.astype(np.int64)


def _continuous_sphere_dimensions(group: Any, dim: int, max_degree: int) -> np.ndarray:
    """Invariant harmonic dimensions of a named continuous family: the group's own answer."""
    from ..groups.continuous import as_continuous

    cg = as_continuous(group, dim)
    if cg is None:
        raise ActionError(
            f"continuous group {_group_name(group)} (family "
            f"{str(getattr(group, 'family', ''))!r}) does not act on a "
            "sphere; use SO(2), SO(n-1), SO(n) or hopf")
    return cg.harmonic_invariant_dimensions(dim, max_degree)


def sphere_invariant_dimensions(group: Any, max_degree: int, *, dim: int | None = None,
                                max_order: int = MAX_SPHERE_GROUP_ORDER) -> np.ndarray:
    """Dimension of the G-invariant harmonics of each degree on ``S^{D-1}``.

    Coefficients of the harmonic Molien series ``(1 - t^2) (1/|G|) sum_g 1/det(I - t g)``:
    entry ``k`` is the multiplicity of the eigenvalue ``k(k+D-2)`` on ``S^{D-1}/G``.

    Parameters
    ----------
    group : FiniteGroup, ContinuousGroup, array_like of shape (g, D, D), or None
        The group: a ``weylgain.groups`` group (its elements are enumerated), raw orthogonal
        generator matrices (closed here), a continuous group of a supported family, or None
        for the trivial group (then ``dim`` is required).
    max_degree : int
        Largest degree (>= 0).
    dim : int, optional
        Ambient dimension D; required when ``group`` is None, checked otherwise.
    max_order : int
        Largest group enumerated; larger groups raise :class:`GroupError`.

    Returns
    -------
    ndarray of shape (max_degree + 1,), int64
    """
    try:
        ok = not isinstance(max_degree, (bool, str)) and int(max_degree) == max_degree
    except (TypeError, ValueError, OverflowError):
        ok = False
    if not ok:
        raise SpecError(f"max_degree must be an integer; got {max_degree!r}")
    max_degree = int(max_degree)
    if max_degree > 0:  # the series are (3 or more) x (max_degree + 1) long doubles
        from ..resources import check_memory, exact_table_memory

        check_memory(exact_table_memory(3, max_degree + 1, 16, 3,
                                        "the harmonic Molien series"),
                     "lower lam (the series has sqrt(lam) terms)")
    if max_degree < 0:
        raise SpecError(f"max_degree must be >= 0, got {max_degree}")
    if dim is not None:
        from ._util import _check_whole

        dim = _check_whole(dim, "dim")
    if group is None:
        if dim is None:
            raise SpecError("the trivial group needs dim= (the ambient dimension D)")
        return sphere_harmonic_dimensions(dim, max_degree)
    if _is_continuous_group(group):
        if dim is None:
            raise SpecError("a continuous group needs dim= (the ambient dimension D)")
        return _continuous_sphere_dimensions(group, int(dim), max_degree)
    elements = _linear_elements(group, max_order)
    group_dim = elements.shape[1]
    if dim is not None and int(dim) != group_dim:
        raise GroupError(
            f"the group acts on R^{group_dim} but the sphere lives in R^{dim}; extend the "
            "group (FiniteGroup.extended) or pick the matching sphere")
    if group_dim < 2:
        raise SpecError(f"spheres need an ambient dimension D >= 2, got {group_dim}")
    molien = _molien_from_elements(elements, max_degree)
    harmonic = molien.copy()
    harmonic[2:] -= molien[:-2]
    return harmonic


def _sphere_dimension_of(group: Any, dim: int | None) -> int:
    from ._util import _check_whole, _matrices_dimension, _refuse_spec_string

    _refuse_spec_string(group)
    if dim is not None:
        return _check_whole(dim, "dim")
    if group is None or _is_continuous_group(group):
        raise SpecError("dim= (the ambient dimension D) is required for this group")
    if _is_finite_group(group):
        return int(group.dim)
    return _matrices_dimension(group)


def sphere_invariant_spectrum(group: Any, lam: float, *, radius: float = 1.0,
                              dim: int | None = None, include_zero: bool = False,
                              max_order: int = MAX_SPHERE_GROUP_ORDER,
                              ) -> tuple[np.ndarray, np.ndarray]:
    """Eigenvalues ``<= lam`` of ``S^{D-1}/G`` (radius ``r``) with invariant multiplicities.

    Parameters
    ----------
    group : see :func:`sphere_invariant_dimensions`
    lam : float
        Cut-off.
    radius : float
        Sphere radius r; eigenvalues are ``k(k+D-2)/r^2``.
    dim : int, optional
        Ambient dimension D (required for None and continuous groups).
    include_zero : bool
        Keep the sphere eigenvalues that carry no invariant function (multiplicity 0).

    Returns
    -------
    eigenvalues : ndarray of shape (m,), float64
    multiplicities : ndarray of shape (m,), int64
    """
    from ._util import _check_positive

    lam = _check_lam(lam)
    radius = _check_positive(radius, "radius")
    d = _sphere_dimension_of(group, dim)
    kmax = _max_degree(lam, d, radius)
    if kmax < 0:
        return np.zeros(0), np.zeros(0, dtype=np.int64)
    mult = sphere_invariant_dimensions(group, kmax, dim=d, max_order=max_order)
    k = np.arange(kmax + 1)
    eig = k * (k + d - 2) / float(radius) ** 2
    keep = np.ones(k.size, dtype=bool) if include_zero else mult > 0
    return eig[keep].astype(np.float64), mult[keep]


def sphere_invariant_count(group: Any, lam: float, *, radius: float = 1.0,
                           dim: int | None = None,
                           max_order: int = MAX_SPHERE_GROUP_ORDER) -> int:
    """Number ``N_G(lam)`` of G-invariant eigenfunctions of ``S^{D-1}`` with eigenvalue <= lam.

    Parameters and group forms as in :func:`sphere_invariant_spectrum`.

    Returns
    -------
    int
    """
    _, mult = sphere_invariant_spectrum(group, lam, radius=radius, dim=dim, max_order=max_order)
    return int(mult.sum())
