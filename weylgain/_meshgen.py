"""Private helpers shared by the mesh generators (:mod:`weylgain.meshes`) and the invariant
sphere meshes (:mod:`weylgain.invariant_meshes`): argument checks, the Morton renumbering for
memory locality, and the memory guard that refuses a mesh before it is allocated.

Both generator modules import from here, so neither needs the other's private names (the one
arrow between them is ``meshes`` -> ``invariant_meshes``, for the public re-exports).
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterator

import numpy as np

from .errors import MeshError


def _check_int(value: object, name: str, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise MeshError(f"{name} must be an integer; got {value!r}")
    value = int(value)
    if value < minimum:
        raise MeshError(f"{name} must be at least {minimum}; got {value}")
    return value


def _check_positive(value: object, name: str) -> float:
    try:
        v = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise MeshError(f"{name} must be a positive number; got {value!r}") from None
    if not np.isfinite(v) or v <= 0:
        raise MeshError(f"{name} must be a positive finite number; got {value!r}")
    return v


def _spread_bits_3(x: np.ndarray) -> np.ndarray:
    """Insert two zero bits between the low 21 bits of x (the 3-d Morton interleave)."""
    x = x & 0x1FFFFF
    x = (x | (x << 32)) & 0x1F00000000FFFF
    x = (x | (x << 16)) & 0x1F0000FF0000FF
    x = (x | (x << 8)) & 0x100F00F00F00F00F
    x = (x | (x << 4)) & 0x10C30C30C30C30C3
    x = (x | (x << 2)) & 0x1249249249249249
    return x


def _morton_order(points: np.ndarray) -> np.ndarray:
    """Permutation sorting points along a Z-order (Morton) curve, for memory locality."""
    n, D = points.shape
    bits = 63 // D
    lo = points.min(axis=0)
    span = np.maximum(points.max(axis=0) - lo, 1e-300)
    q = np.floor((points - lo) / span * ((1 << bits) - 1)).astype(np.int64)
    if D == 3:
        key = (_spread_bits_3(q[:, 0]) << 2) | (_spread_bits_3(q[:, 1]) << 1) | _spread_bits_3(
            q[:, 2])
    else:
        key = np.zeros(n, dtype=np.int64)
        for b in range(bits - 1, -1, -1):
            for a in range(D):
                key = (key << 1) | ((q[:, a] >> b) & 1)
    return np.argsort(key, kind="stable")


def _localized(vertices: np.ndarray, simplices: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Renumber vertices along a Morton curve and sort simplices by their smallest vertex."""
    order = _morton_order(vertices)
    inv = np.empty_like(order)
    inv[order] = np.arange(order.size)
    simplices = inv[simplices]
    m = simplices.shape[0]
    key = simplices.min(axis=1) * m + np.arange(m)  # unique keys: deterministic order
    simplices = simplices[np.argsort(key)]
    return vertices[order], simplices


def _fmt(x: float) -> str:
    return f"{x:g}"


# True while a request's memory has been checked already (by from_spec, with the assembly
# that follows it, or by a generator built on another one): the generators then skip theirs
_CHECKED = contextvars.ContextVar("weylgain_mesh_memory_checked", default=False)


def _guard(kind: str, *ints: int) -> None:
    """Refuse, before allocating, a generated mesh that cannot fit (ResourceError)."""
    if _CHECKED.get():
        return
    from .resources import check_mesh_memory

    check_mesh_memory(kind, *ints, assembly=False)


@contextlib.contextmanager
def _checked() -> Iterator[None]:
    """Within this block the generators trust that the request's memory was checked."""
    token = _CHECKED.set(True)
    try:
        yield
    finally:
        _CHECKED.reset(token)
