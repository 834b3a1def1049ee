"""One pencil on many MPI ranks: distributed eigenvalue counts with MUMPS.

Run under MPI::

    mpiexec -n 4 python -m weylgain.mpi --mesh box:3:40 --lam 50 --lam 100 --json

Every rank builds the mesh from its spec (cheap and deterministic) and assembles the P1
stiffness and mass of *its share of the elements only* (a contiguous block of simplices, in
the mesh's space-filling order) with weylgain's numba kernels. The shares are handed to MUMPS
as a distributed assembled matrix (``ICNTL(18) = 3``): MUMPS sums the overlapping entries, so
no rank ever holds the global matrix. The analysis (ordering, symbolic factorization) is done
once and reused for every threshold; each count is one numerical LDL^T factorization of
K - sigma M, whose inertia MUMPS reports (``INFOG(12)``, negative pivots) with null pivots
detected (``ICNTL(24) = 1``, ``INFOG(28)``). The guards are those of the serial counter
(:class:`weylgain.EigenCounter`): the backward error of one solve and the distance from the
shift to the nearest eigenvalue by inverse iteration with the same factors; a shift too close
to an eigenvalue (or a null pivot) is moved up by a few tolerances, as serially. The counts
therefore equal the serial ones.

Needs the ``mpi`` extra (mpi4py, pymumps) built against the system's MPI and MUMPS (Debian:
``apt-get install openmpi-bin libopenmpi-dev libmumps-dev libopenblas0``); see the
"Running at scale" page (docs/scale.md).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import resource
import sys
import time
from dataclasses import asdict, dataclass
from typing import Any, Sequence

import numpy as np

from .errors import CountingError, MeshError, SpecError, WeylgainError

__all__ = ["MPIUnavailableError", "DistributedCount", "count_distributed", "mpi_available",
           "main"]

_RTOL = 1e-9  # as weylgain.spectrum: eigenvalues within RTOL * scale count as equal to lam
_BACKWARD_ERROR_LIMIT = 1e-8
_INSTALL = ("the MPI count needs mpi4py and pymumps built against a system MPI and MUMPS: "
            "apt-get install openmpi-bin libopenmpi-dev libmumps-dev libopenblas0 && "
            "pip install 'weylgain[mpi]'")


class MPIUnavailableError(WeylgainError, ImportError):
    """mpi4py or pymumps (with a parallel MUMPS) is not installed."""


def _import_stack() -> tuple[Any, Any]:
    try:
        from mpi4py import MPI
    except ImportError as exc:
        raise MPIUnavailableError(f"mpi4py is missing ({exc}); {_INSTALL}") from exc
    try:
        import mumps
        ctx_type = mumps.DMumpsContext
    except (ImportError, AttributeError) as exc:
        raise MPIUnavailableError(f"pymumps is missing ({exc}); {_INSTALL}") from exc
    return MPI, ctx_type


def mpi_available() -> bool:
    """Whether mpi4py and pymumps import (the ``mpi`` extra and its system libraries)."""
    try:
        _import_stack()
    except MPIUnavailableError:
        return False
    return True


@dataclass(frozen=True)
class DistributedCount:
    """Counts of one pencil by MUMPS over MPI, and the solver's own statistics.

    Attributes
    ----------
    mesh : str
    lams, counts : tuple
        Thresholds (as given) and N(lam).
    n_vertices, n_simplices, n_ranks : int
    nnz : int
        Entries of the upper triangle handed to MUMPS, summed over ranks (with overlaps).
    factor_entries : int
        Entries in the factors (``INFOG(29)``).
    factor_entries_estimate : int
        The analysis' estimate of the real space for the factors (``INFOG(3)``).
    flops_estimate, flops : float
        Flops of the elimination, estimated by the analysis (``RINFOG(1)``) and done in the
        last factorization (``RINFOG(3)``).
    mumps_memory_mb_max, mumps_memory_mb_total : int
        Memory MUMPS used in the factorization, on the largest rank and in total
        (``INFOG(21)``, ``INFOG(22)``).
    peak_rss_mb : tuple of float
        Peak resident memory of each rank's process (the whole Python process).
    ordering : int
        The ordering MUMPS used (``INFOG(7)``: 3 SCOTCH, 5 METIS, ...).
    null_pivots : int
        Null pivots met in all factorizations (each one moved its shift).
    factorizations : int
    seconds_analysis, seconds : float
        Analysis time and total time (assembly included), on rank 0.
    """

    mesh: str
    lams: tuple
    counts: tuple
    n_vertices: int
    n_simplices: int
    n_ranks: int
    nnz: int
    factor_entries: int
    factor_entries_estimate: int
    flops_estimate: float
    flops: float
    mumps_memory_mb_max: int
    mumps_memory_mb_total: int
    peak_rss_mb: tuple
    ordering: int
    null_pivots: int
    factorizations: int
    seconds_analysis: float
    seconds: float

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        for k in ("lams", "counts", "peak_rss_mb"):
            out[k] = list(out[k])
        return out


def _mumps_count(info_value: int) -> int:
    """MUMPS stores big counts c as -c/1e6 (millions) in its integer statistics."""
    return int(info_value) if info_value >= 0 else int(-info_value) * 1_000_000


def _local_pencil(mesh: Any, rank: int, size: int, lumped: bool):
    """Upper-triangle COO of this rank's elements' stiffness and mass (0-based)."""
    from ._kernels.assembly import assemble_p1, csr_pattern
    from .fem import _quadrature

    m = mesh.n_simplices
    lo, hi = (m * rank) // size, (m * (rank + 1)) // size
    simplices = np.ascontiguousarray(mesh.simplices[lo:hi], dtype=np.int64)
    n = mesh.n_vertices
    indptr, indices, slots = csr_pattern(simplices, n)
    bary, qw = _quadrature(mesh.dim, 0)
    period = np.zeros(mesh.ambient_dim)
    if mesh.period is not None:
        period = np.where(np.isfinite(mesh.period), mesh.period, 0.0)
    vertices = np.ascontiguousarray(mesh.vertices, dtype=np.float64)
    kdata, mdata, mdiag, vols = assemble_p1(vertices, simplices, period, slots,
                                            indices.shape[0], np.zeros((0, 0)), bary, qw,
                                            bool(lumped))
    if simplices.shape[0] and not (vols > 0).all():
        raise MeshError(f"simplex {lo + int(np.flatnonzero(~(vols > 0))[0])} has zero volume")
    rows = np.repeat(np.arange(n, dtype=np.int64), np.diff(indptr))
    cols = indices.astype(np.int64)
    if lumped:  # this share's row sums on the diagonal (the shares add up to the total)
        mdata = np.zeros_like(kdata)
        on_diag = np.flatnonzero(rows == cols)
        mdata[on_diag] = mdiag[rows[on_diag]]
    upper = rows <= cols
    return rows[upper], cols[upper], kdata[upper], mdata[upper]


class _SymOp:
    """y = A x for a symmetric matrix given by its upper triangle (this rank's share)."""

    def __init__(self, rows: np.ndarray, cols: np.ndarray, vals: np.ndarray, n: int) -> None:
        import scipy.sparse as sp

        off = rows != cols
        r = np.concatenate([rows, cols[off]])
        c = np.concatenate([cols, rows[off]])
        v = np.concatenate([vals, vals[off]])
        self.A = sp.csr_matrix((v, (r, c)), shape=(n, n))

    def __matmul__(self, x: np.ndarray) -> np.ndarray:
        return self.A @ x


def count_distributed(mesh: str, lams: Sequence[float], *, lumped: bool = False,
                      comm: Any = None, verbose: bool = False) -> DistributedCount:
    """Count N(lam) of a mesh's P1 pencil with MUMPS on all ranks of ``comm`` (collective).

    Call it on every rank (``mpiexec -n P python script.py``); every rank returns the same
    result.

    Parameters
    ----------
    mesh : str
        A mesh spec (``"box:3:40"``) or a mesh file every rank can read.
    lams : sequence of float
        Thresholds (non-negative, finite).
    lumped : bool, default False
        Lumped (diagonal) mass.
    comm : mpi4py communicator, optional
        Default ``MPI.COMM_WORLD`` (one rank works too).
    verbose : bool
        MUMPS statistics on stdout of rank 0.

    Returns
    -------
    DistributedCount

    Raises
    ------
    MPIUnavailableError
        mpi4py or pymumps is missing.
    SpecError, MeshError, ResourceError
        On every rank alike, when any rank could not read or build the mesh (a missing or
        corrupt file there), when the ranks built different meshes (a relative path read in
        different working folders: compared by sizes, a hash of the connectivity and the
        vertex sums), or when a rank's memory cannot hold its share or MUMPS' factorization:
        all ranks raise, none waits in a collective.
    CountingError
        A count could not be certified, or MUMPS failed (its INFOG(1), INFOG(2) are quoted).
    """
    try:
        lam_arr = np.atleast_1d(np.asarray(lams, dtype=np.float64))
    except (TypeError, ValueError):
        lam_arr = np.array([np.nan])
    if lam_arr.ndim != 1 or lam_arr.size == 0 or not np.isfinite(lam_arr).all():
        raise SpecError(f"lams must be a non-empty 1-d sequence of finite numbers; got {lams!r}")
    if not isinstance(mesh, (str, os.PathLike)) or not os.fspath(mesh):
        raise SpecError(f"mesh must be a mesh spec (e.g. 'box:3:40') or a mesh file path; got "
                        f"{mesh!r}")
    mesh = os.fspath(mesh)
    if comm is not None and not all(hasattr(comm, a) for a in ("rank", "size", "Allreduce")):
        raise SpecError(f"comm must be an mpi4py communicator (e.g. MPI.COMM_WORLD); got "
                        f"{type(comm).__name__}")
    MPI, Context = _import_stack()
    comm = MPI.COMM_WORLD if comm is None else comm
    rank, size = comm.rank, comm.size
    t0 = time.perf_counter()

    def build() -> tuple:
        msh = _read_mesh(mesh)
        from .resources import check_laplacian_memory

        share = (msh.n_simplices * (rank + 1)) // size - (msh.n_simplices * rank) // size
        check_laplacian_memory(msh.n_vertices, share, msh.dim)
        local = _local_pencil(msh, rank, size, lumped)
        rows_, cols_, kv_, mv_ = local
        return msh, local, _SymOp(rows_, cols_, kv_, msh.n_vertices), \
            _SymOp(rows_, cols_, mv_, msh.n_vertices)

    # every rank reaches this one allgather, whatever happened to it: a rank whose file is
    # missing or corrupt, or that built another mesh (a relative path read in another
    # folder), stops every rank with that error instead of leaving them in a collective
    built, prints = _on_all_ranks(
        comm, build, lambda b: _fingerprint(b[0], lumped) | {"lams": lam_arr.tolist()})
    _check_same_pencil(prints, mesh)
    msh, (rows, cols, kv, mv), Kop, Mop = built
    n = msh.n_vertices
    # the global diagonals (for the tolerance scale, as the serial counter) and row sums
    diag = rows == cols
    dK = np.zeros(n)
    dM = np.zeros(n)
    np.add.at(dK, rows[diag], kv[diag])
    np.add.at(dM, rows[diag], mv[diag])
    comm.Allreduce(MPI.IN_PLACE, dK, op=MPI.SUM)
    comm.Allreduce(MPI.IN_PLACE, dM, op=MPI.SUM)
    scale = float(max(np.max(np.abs(dK) / dM), np.finfo(float).tiny))
    irn = (rows + 1).astype(np.int32)
    jcn = (cols + 1).astype(np.int32)
    a_loc = np.empty(kv.size, dtype=np.float64)
    nnz = comm.allreduce(int(kv.size), op=MPI.SUM)

    ctx = Context(par=1, sym=2, comm=comm)
    stats: dict[str, Any] = {"null": 0, "facts": 0}
    try:
        if not verbose:
            ctx.set_silent()
        ctx.set_shape(n)
        ctx.set_icntl(18, 3)  # distributed assembled matrix
        ctx.set_icntl(24, 1)  # detect null pivots (INFOG(28))
        ctx.set_icntl(13, 1)  # no ScaLAPACK on the root front: its pivots enter INFOG(12)
        ctx.set_icntl(14, 40)  # workspace margin over the analysis' estimate (percent)
        ctx.set_distributed_assembled_rows_cols(irn, jcn)
        np.subtract(kv, 0.0 * mv, out=a_loc)
        ctx.set_distributed_assembled_values(a_loc)
        ta = time.perf_counter()
        _mumps_job(ctx, 1, comm)
        t_analysis = time.perf_counter() - ta

        def fits() -> None:  # each rank against its own machine's memory, before job 2
            from .resources import check_factorization_memory, mumps_factor_memory

            check_factorization_memory(mumps_factor_memory(ctx.get_infog(16), n, kv.size))

        _on_all_ranks(comm, fits)
        est_entries = _mumps_count(ctx.get_infog(3))
        flops_est = float(ctx.get_rinfog(1))
        rng = np.random.default_rng(12345)

        def factor(sigma: float) -> tuple[int, bool, str, float]:
            np.subtract(kv, sigma * mv, out=a_loc)  # in place: MUMPS holds this buffer
            for _ in range(4):
                ctx.set_job(2)
                ctx._mumps_c(ctx.id)
                err = ctx.get_infog(1)
                if err in (-8, -9, -13, -17, -19, -20):  # workspace too small: grow, retry
                    ctx.set_icntl(14, 2 * ctx.get_icntl(14))
                    continue
                break
            if ctx.get_infog(1) < 0:
                raise CountingError(f"MUMPS factorization failed at shift {sigma:.12g}: "
                                    f"INFOG(1) = {ctx.get_infog(1)}, INFOG(2) = {ctx.get_infog(2)}")
            stats["facts"] += 1
            negatives = int(ctx.get_infog(12))
            nulls = int(ctx.get_infog(28))
            if nulls:
                stats["null"] += nulls
                return negatives, False, f"{nulls} null pivot(s)", 0.0
            eta, dist = _guards(ctx, comm, MPI, Kop, Mop, sigma, n, rng)
            if not eta < _BACKWARD_ERROR_LIMIT:
                return negatives, False, f"backward error {eta:.2g}", dist
            return negatives, True, "", dist

        order = np.argsort(lam_arr, kind="stable")
        counts = np.empty(lam_arr.size, dtype=np.int64)
        for i in order:
            counts[i] = _count_one(float(lam_arr[i]), scale, factor)
        if (np.diff(counts[order]) < 0).any():
            raise CountingError(f"counts decrease as lam grows: {counts[order].tolist()}")
        result_stats = dict(
            factor_entries=_mumps_count(ctx.get_infog(29)),
            flops=float(ctx.get_rinfog(3)),
            mem_max=int(ctx.get_infog(21)), mem_total=int(ctx.get_infog(22)),
            ordering=int(ctx.get_infog(7)))
    finally:
        ctx.destroy()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # KiB on Linux
    peaks = comm.allgather(peak)
    seconds = comm.bcast(time.perf_counter() - t0, root=0)
    return DistributedCount(
        mesh=str(mesh), lams=tuple(float(x) for x in lam_arr),
        counts=tuple(int(c) for c in counts), n_vertices=int(n),
        n_simplices=int(msh.n_simplices), n_ranks=int(size), nnz=int(nnz),
        factor_entries=result_stats["factor_entries"], factor_entries_estimate=est_entries,
        flops_estimate=flops_est, flops=result_stats["flops"],
        mumps_memory_mb_max=result_stats["mem_max"],
        mumps_memory_mb_total=result_stats["mem_total"],
        peak_rss_mb=tuple(float(p) for p in peaks), ordering=result_stats["ordering"],
        null_pivots=int(stats["null"]), factorizations=int(stats["facts"]),
        seconds_analysis=float(comm.bcast(t_analysis, root=0)), seconds=float(seconds))


def _read_mesh(spec: str) -> Any:
    """The mesh of a file (if it exists here) or of a generator spec; a clear error else."""
    from . import meshes

    if os.path.exists(spec):
        from .io import read_mesh

        return read_mesh(spec)
    if ":" not in spec and "." in os.path.basename(spec):
        raise SpecError(f"mesh file {spec!r} does not exist (looked for it in "
                        f"{os.getcwd()!r}); every rank must be able to read it")
    return meshes.from_spec(spec)


def _fingerprint(msh: Any, lumped: bool) -> dict[str, Any]:
    """What two ranks must agree on to assemble shares of one pencil.

    Sizes and the connectivity (its SHA-1) exactly; the vertex coordinates through their
    sums and sums of squares per axis, compared to a relative 1e-10 (a generator spec may
    round its coordinates differently on another machine's math library).
    """
    import hashlib

    verts = np.asarray(msh.vertices, dtype=np.float64)
    simplices = np.ascontiguousarray(msh.simplices, dtype=np.int64)
    return {"n_vertices": int(msh.n_vertices), "n_simplices": int(msh.n_simplices),
            "dim": int(msh.dim), "ambient_dim": int(msh.ambient_dim), "lumped": bool(lumped),
            "simplices_sha1": hashlib.sha1(simplices.tobytes()).hexdigest(),
            "period": None if msh.period is None else [float(x) for x in msh.period],
            "sums": verts.sum(axis=0).tolist(), "squares": (verts ** 2).sum(axis=0).tolist()}


def _same_fingerprint(a: dict[str, Any], b: dict[str, Any]) -> bool:
    exact = [k for k in a if k not in ("sums", "squares", "period", "lams")]
    if any(a[k] != b[k] for k in exact) or (a["period"] is None) != (b["period"] is None):
        return False
    floats = [(a["sums"], b["sums"]), (a["squares"], b["squares"])]
    if a["period"] is not None:
        floats.append((a["period"], b["period"]))
    scale = max([1.0] + [abs(x) for x in a["squares"]])
    return all(np.allclose(x, y, rtol=1e-10, atol=1e-10 * scale, equal_nan=True)
               for x, y in floats)


def _check_same_pencil(prints: list[dict[str, Any]], spec: str) -> None:
    """A SpecError (on every rank alike) when the ranks did not build one mesh."""
    lams = [r for r, p in enumerate(prints) if p.get("lams") != prints[0].get("lams")]
    if lams:  # each rank would run another number of factorizations: a hang
        raise SpecError(f"the MPI ranks were given different thresholds (rank 0: "
                        f"{prints[0].get('lams')}; rank {lams[0]}: {prints[lams[0]].get('lams')}"
                        "); start every rank with the same --lam values")
    other = [r for r, p in enumerate(prints) if not _same_fingerprint(prints[0], p)]
    if not other:
        return

    def says(r: int) -> str:
        p = prints[r]
        return f"rank {r}: {p['n_vertices']} vertices, {p['n_simplices']} simplices"
    raise SpecError(
        f"the MPI ranks built different meshes from {spec!r} ({says(0)}; "
        + "; ".join(says(r) for r in other[:3])
        + ("" if len(other) <= 3 else f"; and {len(other) - 3} more ranks")
        + "), so their shares are not one pencil; nothing was counted. A relative file path "
        "is read in each rank's working folder: give an absolute path to one file every "
        "rank reads, or a mesh spec")


def _on_all_ranks(comm: Any, work: Any, public: Any = None) -> tuple[Any, list[Any]]:
    """``work()`` on this rank, then one allgather: every rank learns whether any failed.

    Returns ``work()``'s value and every rank's ``public(value)``. When ``work`` raised on
    some rank, every rank raises the same error (the first failed rank's type, each failed
    rank's message), so none waits forever in the next collective.
    """
    try:
        value = work()
        info: tuple = ("ok", None if public is None else public(value))
    except Exception as exc:  # noqa: BLE001 - re-raised below, on every rank alike
        value, info = None, ("error", type(exc).__name__, str(exc))
    everyone = comm.allgather(info)
    failed = [(r, i) for r, i in enumerate(everyone) if i[0] == "error"]
    if failed:
        from . import errors

        first = failed[0][1][1]
        cls = MPIUnavailableError if first == "MPIUnavailableError" else getattr(errors, first,
                                                                                 None)
        raw = not (isinstance(cls, type) and issubclass(cls, WeylgainError))
        if raw:  # a raw exception on a rank: still weylgain's type, the raw one named
            cls = errors.ResourceError if first == "MemoryError" else CountingError

        def said(i: tuple) -> str:
            return (f"{i[1]}: " if raw or i[1] != first else "") + i[2]

        size = len(everyone)
        messages = {said(i) for _, i in failed}
        if size == 1:
            text = said(failed[0][1])
        elif len(failed) == size and len(messages) == 1:
            text = f"on every MPI rank: {said(failed[0][1])}"
        else:
            text = "; ".join(f"on MPI rank {r} of {size}: {said(i)}" for r, i in failed[:3])
            if len(failed) > 3:
                text += f"; and {len(failed) - 3} more ranks"
        raise cls(text)
    return value, [i[1] for i in everyone]


def _mumps_job(ctx: Any, job: int, comm: Any) -> None:
    ctx.set_job(job)
    ctx._mumps_c(ctx.id)
    if ctx.get_infog(1) < 0:
        raise CountingError(f"MUMPS job {job} failed: INFOG(1) = {ctx.get_infog(1)}, "
                            f"INFOG(2) = {ctx.get_infog(2)}")


def _guards(ctx: Any, comm: Any, MPI: Any, Kop: _SymOp, Mop: _SymOp, sigma: float, n: int,
            rng: np.random.Generator, steps: int = 3) -> tuple[float, float]:
    """Backward error of one solve and the distance from sigma to the nearest eigenvalue.

    The serial counter's guards, collectively: matrix-vector products are summed over the
    ranks' shares, the solve uses MUMPS's centralized right-hand side on rank 0.
    """
    def matvec(op: _SymOp, x: np.ndarray) -> np.ndarray:
        y = op @ x
        comm.Allreduce(MPI.IN_PLACE, y, op=MPI.SUM)
        return y

    def apply_A(x: np.ndarray) -> np.ndarray:
        return matvec(Kop, x) - sigma * matvec(Mop, x)

    # the infinity norm of A = K - sigma M: row sums of |A| over all shares
    absA = abs(Kop.A - sigma * Mop.A)
    norm_rows = np.asarray(absA.sum(axis=1)).ravel()
    comm.Allreduce(MPI.IN_PLACE, norm_rows, op=MPI.SUM)
    normA = float(norm_rows.max())
    x = comm.bcast(rng.standard_normal(n) if comm.rank == 0 else None, root=0)
    eta, theta = 0.0, math.inf
    for step in range(steps):
        b = matvec(Mop, x)
        rhs = b.copy()
        if comm.rank == 0:
            ctx.set_rhs(rhs)
        _mumps_job(ctx, 3, comm)
        y = comm.bcast(rhs if comm.rank == 0 else None, root=0)
        if step == 0:
            r = apply_A(y) - b
            eta = float(np.abs(r).max() / (normA * np.abs(y).max() + np.abs(b).max()))
        My = matvec(Mop, y)
        ny = math.sqrt(abs(float(y @ My)))
        if ny == 0 or not np.isfinite(ny):
            return eta, 0.0
        yb = float(y @ b)
        theta = abs(float(x @ b) / yb) if yb != 0 else 0.0
        x = y / ny
    return eta, float(theta)


def _count_one(lam: float, scale: float, factor: Any) -> int:
    """The serial counter's shift-and-recover loop (weylgain.spectrum.EigenCounter.count)."""
    tol = _RTOL * max(abs(lam), 1e-3 * scale, 1e-300)
    sigma = lam + tol
    reasons = []
    for attempt in range(4):
        count, trusted, reason, dist = factor(sigma)
        if trusted and dist > 0.5 * tol:
            return count
        reasons.append(reason or f"an eigenvalue lies within {dist:.2g} of the shift {sigma:.12g}")
        sigma = lam + (2 + 2 * attempt) * tol
    raise CountingError(f"cannot certify the eigenvalue count at lam = {lam:.12g}: "
                        + "; ".join(reasons) + ". Try a slightly different lam.")


# ============================================================================== entry point
def _rank() -> int:
    """This process's rank in MPI.COMM_WORLD (0 without mpi4py)."""
    try:
        from mpi4py import MPI
    except ImportError:
        return 0
    return int(MPI.COMM_WORLD.rank)


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="mpiexec -n P python -m weylgain.mpi",
        description="Count Laplace eigenvalues N(lam) of one mesh's P1 pencil with MUMPS on "
                    "all MPI ranks (distributed assembly, one analysis, one factorization "
                    "per threshold). Output on rank 0.",
        epilog="example: mpiexec -n 2 python -m weylgain.mpi --mesh box:3:40 --lam 50 --json")
    p.add_argument("--mesh", required=True, help="mesh spec (box:3:40, sphere:7, ...) or file")
    p.add_argument("--lam", type=float, action="append", required=True, metavar="LAM",
                   help="a threshold; repeat for several")
    p.add_argument("--lumped", action="store_true", help="lumped (diagonal) mass")
    p.add_argument("--json", action="store_true", help="one JSON object on stdout (rank 0)")
    p.add_argument("--verbose", action="store_true", help="MUMPS's own statistics")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m weylgain.mpi``: the distributed count; returns the exit status."""
    args = _parser().parse_args(argv)
    for lam in args.lam:
        if not math.isfinite(lam) or lam < 0:
            print(f"weylgain: error: --lam must be a finite non-negative number; got {lam}",
                  file=sys.stderr)
            return 2
    try:
        res = count_distributed(args.mesh, args.lam, lumped=args.lumped, verbose=args.verbose)
    except WeylgainError as exc:
        # every rank raises the same error (count_distributed agrees on it): said once
        if _rank() == 0:
            print(f"weylgain: error: {exc}", file=sys.stderr)
        return 2
    from mpi4py import MPI

    if MPI.COMM_WORLD.rank != 0:
        return 0
    if args.json:
        print(json.dumps(res.to_dict()))
        return 0
    print(f"{res.mesh}: {res.n_vertices} vertices, {res.n_simplices} simplices, "
          f"{res.n_ranks} MPI rank(s)")
    print(f"{'lam':>12} {'N(lam)':>10}")
    for lam, c in zip(res.lams, res.counts):
        print(f"{lam:>12g} {c:>10d}")
    print(f"factors: {res.factor_entries:.3g} entries, {res.flops:.3g} flops per "
          f"factorization; MUMPS memory {res.mumps_memory_mb_max} MB max per rank; "
          f"{res.seconds:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
