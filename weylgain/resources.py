"""Memory estimates and guards: refuse, before allocating, what cannot fit in the machine.

Every estimate is computed from the request alone (a mesh spec, the size of a mesh, the size
of an exact-count table), in microseconds, and compared with the memory available now:
``MemAvailable`` of ``/proc/meminfo``, capped by a cgroup limit (containers) and by the
environment variable ``WEYLGAIN_MEMORY_LIMIT`` (``"4G"``, ``"512M"``, bytes) when set. Where
none of these can be read (not Linux, psutil absent), nothing is refused.

The mesh and assembly estimates are peaks of the real code measured with ``tracemalloc`` at
several sizes (tests/test_resources.py checks them within a factor of 2); they are linear in
the mesh size, so a request far beyond the machine is refused at once.

Running time is guarded the same way (:func:`check_time`): the exact counters estimate
their loops from the request (tables, monomials, group sizes) and refuse, with
:class:`~weylgain.errors.ResourceError`, what would run longer than
``WEYLGAIN_TIME_LIMIT`` (default 120 seconds; ``none`` for no limit).

The factorization of K - sigma M, the largest allocation of a count (on a 3-D mesh its
factors hold 10-50 times the nonzeros of the matrix), is estimated after the symbolic
analysis and before the numerical factorization: PARDISO and MUMPS report the memory their
factorization will take (``iparm(17)``, ``INFOG(16)``); for SuperLU the nonzeros of the
factor are counted exactly from the elimination tree of the ordered matrix (Gilbert, Ng and
Peyton's column counts, O(nnz) time) and multiplied by the bytes per factor nonzero
measured on meshes (:func:`superlu_factor_memory`).
"""

from __future__ import annotations

import math
import os
import re
from dataclasses import asdict, dataclass
from math import factorial

from .errors import ParameterError, ResourceError

__all__ = [
    "MemoryEstimate",
    "available_memory",
    "format_bytes",
    "mesh_size",
    "mesh_memory",
    "laplacian_memory",
    "exact_table_memory",
    "check_memory",
    "check_mesh_memory",
    "check_laplacian_memory",
    "factor_nonzeros",
    "pardiso_factor_memory",
    "mumps_factor_memory",
    "superlu_factor_memory",
    "check_factorization_memory",
    "TimeEstimate",
    "work_time",
    "time_limit",
    "format_seconds",
    "check_time",
]

_UNITS = {"": 1, "B": 1, "K": 2**10, "M": 2**20, "G": 2**30, "T": 2**40, "P": 2**50}


@dataclass(frozen=True)
class MemoryEstimate:
    """Memory a request would need.

    Attributes
    ----------
    what : str
        The request in words (``"the mesh sphere:40"``).
    bytes : float
        Estimated peak, in bytes (a float: requests can exceed any integer type's range).
    detail : str
        Sizes the estimate comes from (``"1.2e25 vertices, 2.4e25 triangles"``).
    """

    what: str
    bytes: float
    detail: str = ""

    def to_dict(self) -> dict:
        return asdict(self)


def format_bytes(n: float) -> str:
    """``1536`` -> ``"1.5 KiB"``; astronomically large values in powers of ten of bytes."""
    n = float(n)
    if not math.isfinite(n):
        return "more than 1e308 bytes"
    if n >= 2**60:
        return f"{n:.2g} bytes"
    for unit in ("bytes", "KiB", "MiB", "GiB", "TiB", "PiB"):
        if n < 1024 or unit == "PiB":
            return f"{n:.0f} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n:.1f} PiB"  # pragma: no cover


def _parse_bytes(text: str) -> int:
    m = re.fullmatch(r"\s*([0-9]*\.?[0-9]+)\s*([KMGTP]?)(?:I?B)?\s*", text.upper())
    if not m:
        raise ParameterError(
            f"WEYLGAIN_MEMORY_LIMIT must be a size such as 4G, 512M or 1000000 (bytes); got "
            f"{text!r}"
        )
    return int(float(m.group(1)) * _UNITS[m.group(2)])


def _cgroup_free() -> int | None:
    """Free room under a cgroup v2 (or v1) memory limit, if one is set."""
    for limit_file, usage_file in (("/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory.current"),
                                   ("/sys/fs/cgroup/memory/memory.limit_in_bytes",
                                    "/sys/fs/cgroup/memory/memory.usage_in_bytes")):
        try:
            with open(limit_file) as fh:
                raw = fh.read().strip()
            if raw == "max":
                return None
            limit = int(raw)
            if limit >= 2**60:  # v1 "no limit"
                return None
            with open(usage_file) as fh:
                usage = int(fh.read().strip())
            return max(limit - usage, 0)
        except (OSError, ValueError):
            continue
    return None


def available_memory() -> int | None:
    """Bytes that can be allocated now, or None when it cannot be determined.

    The smallest of ``MemAvailable`` (``/proc/meminfo``, else psutil), the room under a
    cgroup memory limit, and ``WEYLGAIN_MEMORY_LIMIT``.
    """
    candidates = []
    try:
        with open("/proc/meminfo") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    candidates.append(int(line.split()[1]) * 1024)
                    break
    except (OSError, ValueError, IndexError):
        try:
            import psutil  # noqa: PLC0415 - optional

            candidates.append(int(psutil.virtual_memory().available))
        except Exception:  # noqa: BLE001 - psutil absent or failing: no information
            pass
    free = _cgroup_free()
    if free is not None:
        candidates.append(free)
    env = os.environ.get("WEYLGAIN_MEMORY_LIMIT", "").strip()
    if env:
        candidates.append(_parse_bytes(env))
    return min(candidates) if candidates else None


# ====================================================================== meshes
def mesh_size(kind: str, *args: int) -> tuple[float, float, int, int]:
    """Vertices, simplices, intrinsic and ambient dimension of a generated mesh.

    Parameters
    ----------
    kind : str
        A :func:`weylgain.meshes.from_spec` kind: ``interval``, ``circle``, ``torus``,
        ``box``, ``sphere``, ``sphere:octahedron``, ``hemisphere``, ``disk``, ``sphere3``,
        ``ball``, ``isphere``.
    *args : int
        Its integer fields (``torus``, ``box``: dim and n; the others: one).

    Returns
    -------
    (n_vertices, n_simplices, k, D) : (float, float, int, int)
        Floats: a request may exceed any integer type (sphere:40 has 1.2e25 vertices).
    """
    a = [int(x) for x in args]
    try:
        return _mesh_size(kind, a)
    except OverflowError:  # beyond any float: the request is astronomically large
        k, D = (a[0], a[0]) if kind in ("torus", "box") else _mesh_size(kind, [3] * len(a))[2:]
        return math.inf, math.inf, k, D


def _mesh_size(kind: str, a: list[int]) -> tuple[float, float, int, int]:
    if kind == "interval":
        return float(a[0]), float(max(a[0] - 1, 0)), 1, 1
    if kind == "circle":
        return float(a[0]), float(a[0]), 1, 2
    if kind in ("torus", "box"):
        d, n = a[0], a[1]
        if not 1 <= d <= 4:  # the generator refuses it (and d! could take forever)
            return math.inf, math.inf, d, d
        cells = float(n) ** d if kind == "torus" else float(max(n - 1, 0)) ** d
        return float(n) ** d, cells * factorial(d), d, d
    if kind == "sphere":
        return 10.0 * 4.0 ** a[0] + 2, 20.0 * 4.0 ** a[0], 2, 3
    if kind == "sphere:octahedron":
        return 4.0 * 4.0 ** a[0] + 2, 8.0 * 4.0 ** a[0], 2, 3
    if kind in ("hemisphere", "disk"):
        return 2.0 * 4.0 ** a[0] + 2.0 ** (a[0] + 1) + 1, 4.0 * 4.0 ** a[0], 2, (
            3 if kind == "hemisphere" else 2)
    if kind == "sphere3":
        m = 2.0 ** (a[0] + 1)
        return (m + 1) ** 4 - (m - 1) ** 4, 48.0 * m**3, 3, 4
    if kind == "ball":
        m = 2.0 ** (a[0] + 1)
        return (m + 1) ** 3, 6.0 * m**3, 3, 3
    if kind == "isphere":
        return float(a[0]), 2.0 * a[0], 2, 3
    raise ParameterError(f"unknown mesh kind {kind!r}")


# Peak bytes of building a mesh, per vertex and per simplex, measured with tracemalloc
# (benchmarks and tests/test_resources.py): the generators' temporaries (midpoint tables,
# Morton keys, Kuhn paths) are a few arrays of the final size.
_MESH_BYTES_PER_VERTEX = {1: 30.0, 2: 110.0, 3: 150.0, 4: 200.0}
_MESH_BYTES_PER_SIMPLEX = {1: 30.0, 2: 120.0, 3: 220.0, 4: 400.0}
# Mesh.validate (run by the generators up to 50 000 simplices): sorted copies, facets, the
# pinched-vertex corner graph and the coincident-vertex tree, per simplex
_VALIDATE_BYTES_PER_SIMPLEX = {1: 210.0, 2: 650.0, 3: 1060.0, 4: 1600.0}
_VALIDATED_UP_TO = 50_000  # weylgain.meshes validates generated meshes up to this size
_ISPHERE_VALIDATED_UP_TO = 200_000  # invariant_sphere: up to this many triangles


def mesh_memory(kind: str, *args: int) -> MemoryEstimate:
    """Estimated peak memory of generating a mesh (see :func:`mesh_size` for the arguments)."""
    n, m, k, _ = mesh_size(kind, *args)
    need = n * _MESH_BYTES_PER_VERTEX[k] + m * _MESH_BYTES_PER_SIMPLEX[k]
    if m <= (_ISPHERE_VALIDATED_UP_TO if kind == "isphere" else _VALIDATED_UP_TO):
        need += m * _VALIDATE_BYTES_PER_SIMPLEX[k]
    spec = kind + ":" + ":".join(str(int(x)) for x in args)
    return MemoryEstimate(f"the mesh {spec}", need, f"{n:.3g} vertices, {m:.3g} {k}-simplices")


def laplacian_memory(n_vertices: float, n_simplices: float, k: int) -> MemoryEstimate:
    """Estimated peak memory of :func:`weylgain.laplacian` on a mesh of this size.

    The CSR pattern (vertex-simplex incidence, an nnz upper bound of (k+1) entries per
    incidence, the element-slot map of (k+1)^2 entries per simplex) and the data of K and M
    with their index copies, all 8-byte. nnz is about (2^(k+1) - 1) per vertex (each vertex
    of a k-dimensional mesh has about 2^k - 1 edges, as in Kuhn grids and subdivided spheres).
    """
    k1 = k + 1
    nnz = (2.0 ** (k + 1) - 1) * n_vertices
    words = (n_simplices * k1 * k1 * (2 if k < 4 else 3)  # slots, the indices upper bound
             + n_simplices * k1         # incidence
             + nnz * 5                  # pattern indices, K and M data, two index copies
             + n_vertices * 6)          # indptr copies, markers, diagonal
    return MemoryEstimate(
        "assembling K and M", 8.0 * words,
        f"{n_vertices:.3g} vertices, {n_simplices:.3g} {k}-simplices, ~{nnz:.3g} nonzeros each",
    )


def exact_table_memory(rows: float, columns: float, itemsize: int = 8, copies: int = 3,
                       what: str = "the exact-count table") -> MemoryEstimate:
    """Memory of a dense table of ``rows`` x ``columns`` numbers kept in ``copies`` arrays.

    For the exact counters: a Molien series is (conjugacy classes) x (max degree + 1)
    long doubles (itemsize 16); lattice shell counts are (group elements) x (largest
    ``|k|^2`` + 1) int64 (itemsize 8). An estimate of the arrays, not measured against those
    modules.
    """
    need = float(rows) * float(columns) * itemsize * copies
    return MemoryEstimate(what, need, f"{float(rows):.3g} x {float(columns):.3g} entries")


# ====================================================================== guards
def check_memory(estimate: MemoryEstimate, advice: str = "") -> None:
    """Raise :class:`~weylgain.errors.ResourceError` if ``estimate`` exceeds what is available.

    Parameters
    ----------
    estimate : MemoryEstimate
    advice : str
        What to do instead, appended to the message.
    """
    available = available_memory()
    if available is None or estimate.bytes <= available:
        return
    detail = f" ({estimate.detail})" if estimate.detail else ""
    raise ResourceError(
        f"{estimate.what}{detail} would need about {format_bytes(estimate.bytes)} of memory, "
        f"but only {format_bytes(available)} is available"
        + (f"; {advice}" if advice else "")
    )


def check_mesh_memory(kind: str, *args: int, assembly: bool = True) -> None:
    """Refuse a mesh request that cannot fit; see :func:`mesh_memory`.

    Parameters
    ----------
    kind, *args
        As for :func:`mesh_size` (the integer fields of a :func:`weylgain.meshes.from_spec`
        spec).
    assembly : bool, default True
        Count the assembly of K and M as well (a spec given to ``weylgain count`` is
        assembled next); the mesh generators called directly check the mesh alone.
    """
    n, m, k, _ = mesh_size(kind, *args)
    if k not in _MESH_BYTES_PER_SIMPLEX:  # out of range: the generator says so
        return
    est = mesh_memory(kind, *args)
    if assembly:
        est = MemoryEstimate(est.what, est.bytes + laplacian_memory(n, m, k).bytes, est.detail)
    check_memory(est, "choose a coarser mesh (a lower level or fewer vertices per direction; "
                        "each sphere level multiplies the size by 4)")


def check_laplacian_memory(n_vertices: float, n_simplices: float, k: int) -> None:
    """Refuse an assembly that cannot fit; see :func:`laplacian_memory`."""
    check_memory(laplacian_memory(n_vertices, n_simplices, k),
                 "use a coarser mesh, or a quotient by a symmetry group to shrink the problem")




# ====================================================================== factorizations
_FACTOR_WHAT = "the factorization of K - sigma M"
_FACTOR_ADVICE = (
    "use a smaller mesh, a quotient by a symmetry group (weylgain.quotient, --group) that "
    "shrinks the matrix, or the distributed MPI route over several machines "
    "(weylgain count --mpi, docs/scale.md)"
)
# SuperLU (scipy's splu in symmetric mode, both triangles): peak bytes of one factorization
# per nonzero of the Cholesky factor L (diagonal included) and per unknown, measured with
# the resident-set peak on 2-D and 3-D meshes (tests/test_resources.py): values of L and U,
# their row subscripts, the expansions of SuperLU's work space and the CSC copies of L and U
# that the inertia check reads. Measured: 52 bytes per nonzero of L (2-D and 3-D meshes of
# 5 000 to 27 000 unknowns alike); 60 keeps the estimate a little above the peak.
_SUPERLU_BYTES_PER_FACTOR_NONZERO = 60.0
_SUPERLU_BYTES_PER_UNKNOWN = 260.0


def factor_nonzeros(indptr, indices, n: int):
    """Nonzeros of each column of the Cholesky factor of a symmetric pattern (no factoring).

    Parameters
    ----------
    indptr : ndarray of shape (n + 1,), integer
    indices : ndarray of shape (nnz,), integer
        The full symmetric pattern (both triangles, CSC or CSR), in the order it is factored.
    n : int

    Returns
    -------
    ndarray of shape (n,), int64
        Column counts of L, diagonal included (``sum`` is ``nnz(L)``): the structure of the
        LDL^T and the symmetric-mode LU factors when the pivots stay on the diagonal.
    """
    import numpy as np  # noqa: PLC0415

    from ._kernels.elimination_tree import cholesky_column_counts  # noqa: PLC0415

    # one dtype per kernel: int64 indices, C-contiguous
    return cholesky_column_counts(np.ascontiguousarray(indptr, dtype=np.int64),
                                  np.ascontiguousarray(indices, dtype=np.int64), int(n))


def _factor_estimate(need: float, backend: str, n: int, detail: str) -> MemoryEstimate:
    return MemoryEstimate(_FACTOR_WHAT, float(need), f"{backend}, {n} unknowns, {detail}")


def pardiso_factor_memory(iparm, n: int, nnz: int) -> MemoryEstimate:
    """Memory the numerical factorization still needs, from PARDISO's report after phase 11.

    Parameters
    ----------
    iparm : ndarray of shape (64,), int32
        PARDISO's parameters after the analysis: ``iparm[14]`` the peak of the analysis,
        ``iparm[15]`` its permanent memory (already allocated), ``iparm[16]`` the memory of
        the numerical factorization and solve, in KiB (MKL's ``iparm(15)..iparm(17)``).
    n, nnz : int
        Unknowns and stored nonzeros of the pencil (one shift's values are allocated too).
    """
    total = 1024.0 * max(float(iparm[14]), float(iparm[15]) + float(iparm[16]))
    need = 1024.0 * float(iparm[16]) + 8.0 * nnz
    return _factor_estimate(need, "pardiso", n,
                            f"PARDISO's estimate after its analysis, {format_bytes(total)} "
                            f"at the peak in all")


def mumps_factor_memory(infog16_mb: float, n: int, nnz: int) -> MemoryEstimate:
    """Memory of the numerical factorization from MUMPS' estimate after the analysis (job 1).

    Parameters
    ----------
    infog16_mb : float
        ``INFOG(16)``: MUMPS' estimate, in MB, of its in-core factorization on the largest
        process (the work space margin ``ICNTL(14)`` included).
    n, nnz : int
        Unknowns and stored nonzeros of the pencil.
    """
    need = float(infog16_mb) * 2**20 + 8.0 * nnz
    return _factor_estimate(need, "mumps", n, "MUMPS' estimate after its analysis")


def superlu_factor_memory(indptr, indices, n: int) -> MemoryEstimate:
    """Memory of a SuperLU factorization of the ordered full matrix, before it is computed.

    Parameters
    ----------
    indptr : ndarray of shape (n + 1,), integer
    indices : ndarray of shape (nnz,), integer
        The full (both triangles) CSC pattern in the order SuperLU factors it.
    n : int

    Notes
    -----
    nnz(L) is exact (:func:`factor_nonzeros`); the bytes per factor nonzero are a
    measured constant (tests/test_resources.py checks the estimate against resident-set
    peaks within a factor of 2).
    """
    nnz_l = float(factor_nonzeros(indptr, indices, n).sum())
    need = (_SUPERLU_BYTES_PER_FACTOR_NONZERO * nnz_l + _SUPERLU_BYTES_PER_UNKNOWN * n
            + 8.0 * len(indices))
    return _factor_estimate(need, "superlu", n, f"{nnz_l:.3g} nonzeros in L and as many in U")


def check_factorization_memory(estimate: MemoryEstimate) -> None:
    """Refuse a numerical factorization that cannot fit (raise
    :class:`~weylgain.errors.ResourceError` with what to do instead)."""
    check_memory(estimate, _FACTOR_ADVICE)


# ====================================================================== running time
#: Default longest running time accepted for one computation, in seconds (estimated).
DEFAULT_TIME_LIMIT = 120.0
#: Element operations per second of vectorised numpy loops (adds, gathers, compares) and of
#: the numba kernels, and floating-point operations per second of dense linear algebra
#: (matrix products; an SVD of an m x n matrix is counted as 20 m n min(m, n) of them):
#: measured on the development machine (2 cores) with the exact counters. Estimates err on
#: the short side (runs took 1-5 times the estimate on a loaded machine), so a refusal
#: means "clearly too long".
NUMPY_ELEMENTS_PER_SECOND = 1.5e8
FLOPS_PER_SECOND = 1e10
#: Iterations per second of a Python loop doing a few small numpy operations each.
PYTHON_STEPS_PER_SECOND = 2e5


@dataclass(frozen=True)
class TimeEstimate:
    """Running time a request would need.

    Attributes
    ----------
    what : str
        The request in words (``"the harmonic Molien series up to degree 1000000"``).
    seconds : float
        Estimated running time (a float: requests can exceed any integer type's range).
    detail : str
        Sizes the estimate comes from.
    """

    what: str
    seconds: float
    detail: str = ""

    def to_dict(self) -> dict:
        return asdict(self)


def work_time(elements: float = 0.0, flops: float = 0.0, python_steps: float = 0.0) -> float:
    """Seconds for ``elements`` numpy element operations, ``flops`` dense floating-point
    operations and ``python_steps`` Python-level loop iterations (rates above)."""
    total = 0.0
    for amount, rate in ((elements, NUMPY_ELEMENTS_PER_SECOND), (flops, FLOPS_PER_SECOND),
                         (python_steps, PYTHON_STEPS_PER_SECOND)):
        try:
            total += float(amount) / rate
        except OverflowError:  # an integer beyond any float: astronomically long
            return math.inf
    return total


def time_limit() -> float | None:
    """The longest estimated running time accepted, in seconds, or None for no limit.

    ``WEYLGAIN_TIME_LIMIT`` (seconds, or ``"30s"``, ``"10m"``, ``"2h"``; ``"none"`` or ``"0"``
    for no limit), else :data:`DEFAULT_TIME_LIMIT`.
    """
    env = os.environ.get("WEYLGAIN_TIME_LIMIT", "").strip().lower()
    if not env:
        return DEFAULT_TIME_LIMIT
    if env in ("none", "0", "inf", "off"):
        return None
    m = re.fullmatch(r"([0-9]*\.?[0-9]+)\s*([smh]?)", env)
    if not m:
        raise ParameterError(
            f"WEYLGAIN_TIME_LIMIT must be a duration such as 120, 30s, 10m or 2h (or none); "
            f"got {env!r}")
    return float(m.group(1)) * {"": 1.0, "s": 1.0, "m": 60.0, "h": 3600.0}[m.group(2)]


def format_seconds(seconds: float) -> str:
    """``90`` -> ``"1.5 min"``; astronomically long times in years."""
    s = float(seconds)
    if not math.isfinite(s) or s > 3.15e7 * 1e6:
        return "more than a million years"
    for unit, size in (("years", 3.15e7), ("days", 86400.0), ("h", 3600.0), ("min", 60.0)):
        if s >= size:
            return f"{s / size:.3g} {unit}"
    return f"{s:.2g} s"


def check_time(estimate: TimeEstimate, advice: str = "") -> None:
    """Raise :class:`~weylgain.errors.ResourceError` if ``estimate`` exceeds the time limit.

    Parameters
    ----------
    estimate : TimeEstimate
    advice : str
        What to do instead, appended to the message.
    """
    limit = time_limit()
    if limit is None or estimate.seconds <= limit:
        return
    detail = f" ({estimate.detail})" if estimate.detail else ""
    raise ResourceError(
        f"{estimate.what}{detail} would take about {format_seconds(estimate.seconds)}, more "
        f"than the {format_seconds(limit)} allowed (WEYLGAIN_TIME_LIMIT)"
        + (f"; {advice}" if advice else "")
    )
