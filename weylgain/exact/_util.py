"""Shared helpers of the exact counts: integer formulas, cut-offs, group objects as arrays."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..errors import GroupError, SpecError
from ..groups import AffineMap, FiniteGroup

#: Largest group enumerated for the sphere Molien series.
MAX_SPHERE_GROUP_ORDER = 1_000_000

_TRIVIAL_NAMES = {"1", "c1", "trivial", "identity", "id", "e", "none"}
_TOL_ORTHOGONAL = 1e-8

# ----------------------------------------------------------------------------------------
# small exact helpers


def _binomial(n: int, r: int) -> int:
    """C(n, r) for integers, zero when n < r or n < 0 (the convention the formulas need)."""
    if r < 0 or n < r or n < 0:
        return 0
    return math.comb(n, r)


def _max_degree(lam: float, dim: int, radius: float) -> int:
    """Largest k >= 0 with k(k+dim-2)/radius^2 <= lam, or -1 when lam < 0."""
    try:
        scaled = float(lam) * float(radius) ** 2
    except OverflowError:
        scaled = math.inf
    if not math.isfinite(scaled):
        raise SpecError(f"lam radius^2 = {lam!r} x {radius!r}^2 is beyond floating point; no "
                        "table of harmonics that large can be computed")
    tol = 1e-12 * max(1.0, abs(scaled))
    if scaled < -tol:
        return -1
    b = dim - 2
    # exact integers: k (k + b) is an integer, so k (k + b) <= scaled + tol iff it is <= the
    # floor of it (float square roots of huge values are off by far more than one)
    top = int(math.floor(max(scaled, 0.0) + tol))
    k = max((math.isqrt(b * b + 4 * top) - b) // 2, 0)
    while k > 0 and k * (k + b) > top:
        k -= 1
    while (k + 1) * (k + 1 + b) <= top:
        k += 1
    return k


def _check_lam(lam: float) -> float:
    try:
        value = float(lam)
    except (TypeError, ValueError, OverflowError) as exc:
        raise SpecError(f"lam must be a real number, got {lam!r}") from exc
    if not math.isfinite(value):
        raise SpecError(f"lam must be finite, got {lam!r}")
    return value


def _check_cutoff(lam: float) -> float:
    """A cut-off of the front door (``exact_counts``, ``count_at``, ``weylgain exact``).

    Negative cut-offs are refused as ``weylgain count`` refuses them: N(lam) counts the
    eigenvalues of a non-negative operator, so a negative lam is a mistake, not a question.
    (The low-level spectrum functions keep answering 0 below the spectrum.)
    """
    value = _check_lam(lam)
    if value < 0:
        raise SpecError(f"lam must be finite and >= 0 (N(lam) counts eigenvalues of the "
                        f"Laplacian, which are >= 0); got {lam!r}")
    return value


def _integer_level(lam: float, radius: float) -> int:
    """``floor(lam r^2)`` (with a relative tolerance of 1e-12), or -1 below 0.

    On spheres of radius r every eigenvalue times r^2 is an integer, so the integer levels
    up to this one are the eigenvalues up to lam.
    """
    try:
        scaled = float(lam) * float(radius) ** 2
    except OverflowError:
        scaled = math.inf
    if not math.isfinite(scaled):
        raise SpecError(f"lam radius^2 = {lam!r} x {radius!r}^2 is beyond floating point; no "
                        "table of eigenvalues that large can be computed")
    tol = 1e-12 * max(1.0, abs(scaled))
    if scaled < -tol:
        return -1
    return int(math.floor(max(scaled, 0.0) + tol))


def _guard(what: str, detail: str, *, nbytes: float = 0.0, seconds: float = 0.0,
           advice: str = "lower lam") -> None:
    """Refuse (ResourceError) a table or loop that cannot fit in memory or in the time
    limit, before anything is allocated (weylgain.resources)."""
    from ..resources import MemoryEstimate, TimeEstimate, check_memory, check_time

    if nbytes:
        check_memory(MemoryEstimate(what, float(nbytes), detail), advice)
    if seconds:
        check_time(TimeEstimate(what, float(seconds), detail), advice)


# ----------------------------------------------------------------------------------------
# groups given as FiniteGroup-like objects or raw arrays


def _is_finite_group(group: Any) -> bool:
    return hasattr(group, "generators") and hasattr(group, "elements")


def _is_continuous_group(group: Any) -> bool:
    return hasattr(group, "family") and not _is_finite_group(group)


def _group_name(group: Any) -> str:
    if group is None:
        return "trivial"
    name = getattr(group, "name", None)
    if isinstance(name, str) and name:
        return name
    return "custom"


def _check_positive(value: Any, what: str) -> float:
    """A radius or period: a positive finite number (a clear SpecError)."""
    try:
        ok = not isinstance(value, (bool, str, bytes)) and math.isfinite(float(value))
        out = float(value) if ok else math.nan
    except (TypeError, ValueError):
        out = math.nan
    if not out > 0:
        raise SpecError(f"{what} must be a positive finite number, got {value!r}")
    return out


def _check_whole(value: Any, what: str, minimum: int = 1) -> int:
    """An integer option (``dim``, ``max_order``): a clear SpecError otherwise."""
    try:
        ok = (not isinstance(value, (bool, str, bytes)) and float(value) == int(value))
    except (TypeError, ValueError, OverflowError):
        ok = False
    if not ok:
        raise SpecError(f"{what} must be an integer; got {value!r}")
    if int(value) < minimum:
        raise SpecError(f"{what} must be at least {minimum}; got {int(value)}")
    if what == "dim" and int(value) > 10_000:
        raise SpecError(f"dim = {int(value)} is beyond the 10000 dimensions weylgain builds "
                        "group matrices for")
    return int(value)


def _matrices_dimension(group: Any) -> int:
    """D of raw (g, D, D) generator matrices; a GroupError for anything else."""
    try:
        shape = np.shape(group)
    except (TypeError, ValueError):
        shape = ()
    if len(shape) not in (2, 3) or shape[-1] != shape[-2] or shape[-1] < 1:
        raise GroupError(f"group must be a weylgain group (weylgain.groups.named(...)) or "
                         f"(g, D, D) generator matrices; got {type(group).__name__} of shape "
                         f"{shape}")
    return int(shape[-1])


def _refuse_spec_string(group: Any) -> None:
    """The low-level exact counts take group objects or matrices, not spec strings."""
    if isinstance(group, str):
        raise SpecError(f"this function takes a group object or generator matrices; for the "
                        f"spec {group!r} pass weylgain.groups.named({group!r}, dim=D), or use "
                        "weylgain.exact_counts, which reads specs")


def _as_generator_arrays(matrices: Any, translations: Any = None) -> tuple[np.ndarray, np.ndarray]:
    """Validate raw generators: (g, D, D) matrices and (g, D) translations (fractions)."""
    _refuse_spec_string(matrices)
    try:
        linear = np.array(matrices, dtype=np.float64)
    except (TypeError, ValueError):
        raise GroupError("generators must be real (g, D, D) matrices") from None
    if linear.ndim == 2:
        linear = linear[None]
    if linear.ndim != 3 or linear.shape[1] != linear.shape[2] or linear.shape[1] < 1:
        raise GroupError(
            f"generator matrices must have shape (g, D, D) or (D, D), got {np.shape(matrices)}")
    if not np.all(np.isfinite(linear)):
        raise GroupError("generator matrices contain NaN or infinite entries")
    n_gen, dim = linear.shape[0], linear.shape[1]
    if translations is None:
        shift = np.zeros((n_gen, dim))
    else:
        shift = np.array(translations, dtype=np.float64)
        if shift.ndim == 1:
            shift = shift[None]
        if shift.shape != (n_gen, dim):
            raise GroupError(
                f"translations must have shape ({n_gen}, {dim}) to match the generators, "
                f"got {np.shape(translations)}")
        if not np.all(np.isfinite(shift)):
            raise GroupError("translations contain NaN or infinite entries")
    for i, a in enumerate(linear):
        err = np.abs(a @ a.T - np.eye(dim)).max()
        if err > _TOL_ORTHOGONAL:
            raise GroupError(
                f"generator {i} is not orthogonal (|A A^T - I| = {err:.2e}); isometries of "
                "spheres and tori need orthogonal linear parts")
    return linear, shift


def _generators_of(group: Any, translations: Any = None) -> tuple[np.ndarray, np.ndarray]:
    """(linear (g, D, D), translation (g, D)) of a FiniteGroup-like object or raw arrays."""
    if _is_finite_group(group):
        gens = tuple(group.generators)
        if not gens:
            dim = int(group.dim)
            return np.eye(dim)[None], np.zeros((1, dim))
        linear = np.stack([np.asarray(g.linear, dtype=np.float64) for g in gens])
        shift = np.stack([np.asarray(g.translation, dtype=np.float64) for g in gens])
        return _as_generator_arrays(linear, shift)
    return _as_generator_arrays(group, translations)


def _raw_group(linear: np.ndarray, shift: np.ndarray) -> FiniteGroup:
    """A FiniteGroup of generators already validated by :func:`_as_generator_arrays`.

    Built directly (not by ``from_generators``) so that this module's own tolerances and
    messages stay in force; its closure and element cache are those of ``weylgain.groups``.
    """
    gens = tuple(AffineMap(a, t) for a, t in zip(linear, shift))
    return FiniteGroup("custom", gens, int(linear.shape[1]))


def _known_order(group: Any) -> int | None:
    """The order of a group object when known without enumerating it, else None.

    A FiniteGroup's ``order`` property would enumerate the group with its own default cap
    (ignoring the caller's), so only its closed form is used; duck-typed objects may give an
    integer ``order``.
    """
    order = (getattr(group, "closed_order", None) if hasattr(group, "closed_order")
             else getattr(group, "order", None))
    return int(order) if isinstance(order, (int, np.integer)) else None


def _linear_elements(group: Any, max_order: int) -> np.ndarray:
    """All linear elements (|G|, D, D) of a finite group acting on a sphere."""
    max_order = _check_whole(max_order, "max_order")
    if _is_finite_group(group):
        order = _known_order(group)
        if order is not None and order > max_order:
            raise GroupError(
                f"group {_group_name(group)} has {order} elements, more than max_order="
                f"{max_order} allowed for the sphere Molien series; use a smaller group or "
                "raise max_order")
        linear, shift = group.elements(max_order=max_order)
        linear = np.asarray(linear, dtype=np.float64)
        if np.abs(np.asarray(shift)).max(initial=0.0) > 1e-12:
            raise GroupError(
                f"group {_group_name(group)} has translations; spheres need linear groups")
        return linear
    linear, shift = _as_generator_arrays(group)
    try:
        return _raw_group(linear, shift).elements(max_order)[0]
    except GroupError as exc:
        raise GroupError(f"{exc} The sphere Molien series enumerates the group: use a "
                         "smaller group or raise max_order.") from exc
