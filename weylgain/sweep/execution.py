"""Running a sweep: one task here (:func:`execute`, with a per-process pencil cache), and
many serially or on Dask workers (:func:`run`).

``execute`` and ``_SERIAL_NOTICE_GIVEN`` are looked up on the package :mod:`weylgain.sweep`,
so that replacing them there (``sweep.execute = ...``, as the tests do) takes effect.
"""

from __future__ import annotations

import math
import os
import sys
import threading
import time
import warnings
from collections import OrderedDict
from typing import Any, Iterable

import numpy as np

from ..errors import SpecError, WeylgainError
from .records import (
    SweepResult,
    _as_tasks,
    _check_output,
    _check_results_file,
    _read_done,
    _Writer,
)
from .tasks import CountTask, ExactTask, GainTask, LearnTask, Task, _integer


_PENCILS: "OrderedDict[tuple, tuple[Any, threading.Lock]]" = OrderedDict()
_PENCILS_LOCK = threading.Lock()
_PENCIL_CACHE_SIZE = 2


def _load_mesh(spec: str) -> Any:
    from .. import meshes

    if os.path.exists(spec):
        from ..io import read_mesh

        return read_mesh(spec)
    return meshes.from_spec(spec)


def _build_counter(mesh_spec: str, group: str | None, lumped: bool) -> Any:
    from ..fem import laplacian
    from ..spectrum import EigenCounter

    mesh = _load_mesh(mesh_spec)
    if group is None:
        K, M = laplacian(mesh, lumped=lumped)
    else:
        from ..groups import named
        from ..quotient import quotient

        q = quotient(mesh, named(group, dim=mesh.ambient_dim))
        K, M = q.laplacian(lumped=lumped)
        mesh = q  # the resolution is that of the reduced problem's mesh
    return EigenCounter(K, M, mesh=mesh)


def _counter(mesh_spec: str, group: str | None, lumped: bool) -> tuple[Any, threading.Lock]:
    """The pencil of a spec, built once per process (LRU of a few pencils)."""
    key = (mesh_spec, group, lumped)
    with _PENCILS_LOCK:
        hit = _PENCILS.get(key)
        if hit is not None:
            _PENCILS.move_to_end(key)
            return hit
    entry = (_build_counter(mesh_spec, group, lumped), threading.Lock())
    with _PENCILS_LOCK:
        entry = _PENCILS.setdefault(key, entry)
        _PENCILS.move_to_end(key)
        while len(_PENCILS) > _PENCIL_CACHE_SIZE:
            _PENCILS.popitem(last=False)
    return entry


def _run_count(task: CountTask) -> dict[str, Any]:
    counter, lock = _counter(task.mesh, task.group, task.lumped)
    lams = np.asarray(task.lams)
    order = np.argsort(lams, kind="stable")
    counts = np.empty(lams.size, dtype=np.int64)
    results: list[Any] = [None] * lams.size
    with lock:  # EigenCounter is not thread-safe (lazy ordering, guard RNG)
        for i in order:
            # no warning here (a worker's would be lost): the record says it, run() warns once
            results[i] = counter._resolved_count(lams[i], warn=False, stacklevel=0)
            counts[i] = results[i].count
    if (np.diff(counts[order]) < 0).any():
        from ..errors import CountingError

        raise CountingError(f"counts decrease as lam grows on {task.mesh}: {counts[order].tolist()}")
    lam_max = results[0].lam_max_resolved
    return {"lams": [float(x) for x in lams], "counts": [int(c) for c in counts],
            "n": int(counter.n), "mean_edge": counter.mean_edge,
            "lam_max_resolved": lam_max if lam_max is not None and math.isfinite(lam_max)
            else None,
            "lam_h2": [float(r.lam_h2) for r in results],
            "resolved": [bool(r.resolved) for r in results]}


def _run_exact(task: ExactTask) -> dict[str, Any]:
    from ..exact import exact_counts

    return exact_counts(task.manifold, task.group, task.lam, radius=task.radius,
                        length=task.length).to_dict()


def _run_gain(task: GainTask) -> dict[str, Any]:
    from ..gain import measure_gain

    return measure_gain(task.manifold, task.group, level=task.level, n_points=task.n_points,
                        lam_max_h2=task.lam_max_h2).to_dict()


def _run_learn(task: LearnTask) -> dict[str, Any]:
    from ..learning import experiment

    return experiment(task.domain, task.group, n_values=task.n_values, seeds=task.seeds,
                      noise=task.noise, ridge=task.ridge, methods=task.methods,
                      n_test=task.n_test, seed=task.seed, show_progress=False).to_dict()


_RUNNERS = {"count": _run_count, "exact": _run_exact, "gain": _run_gain, "learn": _run_learn}


def execute(task: Task) -> dict[str, Any]:
    """Run one task here and return its record (what :func:`run` writes as one JSON line).

    Pure: the same task gives the same ``result`` wherever and however often it runs.
    """
    t0, c0 = time.perf_counter(), time.process_time()
    result = _RUNNERS[task.kind](task)
    cpu = time.process_time() - c0
    worker = None
    try:
        from distributed import get_worker

        worker = get_worker().address
    except (ImportError, ValueError):
        pass
    return {"key": task.key, "kind": task.kind, "task": task.params(), "result": result,
            "seconds": time.perf_counter() - t0, "cpu_seconds": cpu, "worker": worker}


def _error_record(task: Task, error_type: str, message: str) -> dict[str, Any]:
    return {"key": task.key, "kind": task.kind, "task": task.params(),
            "error": {"type": error_type, "message": message}}


def _execute_recorded(task: Task) -> dict[str, Any]:
    """:func:`execute`, with an exception returned as an error record instead of raised.

    What a task raises is deterministic (bad input, an uncertifiable count, a refused
    allocation): raised on a Dask worker it would be logged there with its traceback and
    retried for nothing. Returned as a record it is reported once, by :func:`run`.
    """
    try:
        return _package().execute(task)
    except Exception as exc:  # noqa: BLE001 - reported by run(), with its type
        return _error_record(task, type(exc).__name__, str(exc))




def _package() -> Any:
    """The package weylgain.sweep, where ``execute`` and ``_SERIAL_NOTICE_GIVEN`` are read:
    a replacement set there (``sweep.execute = ...``) is the one that runs."""
    return sys.modules[__package__]


def dask_available() -> bool:
    """Whether ``dask.distributed`` can be imported."""
    try:
        import distributed  # noqa: F401
    except ImportError:
        return False
    return True


def _serial_notice(why: str) -> None:
    package = _package()
    if not package._SERIAL_NOTICE_GIVEN:
        package._SERIAL_NOTICE_GIVEN = True
        warnings.warn(f"{why}: running the sweep serially in this process "
                      "(pip install 'weylgain[dask]' for workers)", RuntimeWarning, stacklevel=3)



def run(tasks: Iterable[Any], *, workers: int | None = None, scheduler: str | None = None,
        client: Any = None, output: str | os.PathLike | None = "results.jsonl",
        resume: bool = True, progress: bool = True, retries: int = 2) -> SweepResult:
    """Run a sweep: serially, on a local Dask cluster, or on a Dask cluster by address.

    Parameters
    ----------
    tasks : iterable of Task or dict
        Task specs (see :func:`count_tasks`, :func:`learning_seeds`, :func:`task_from_dict`).
        Duplicates (the same key) run once.
    workers : int, optional
        Start a local ``dask.distributed.LocalCluster`` with this many single-threaded worker
        processes (closed at the end). ``None`` or 1 without ``scheduler``: serial, here.
    scheduler : str, optional
        Address of a running Dask scheduler (``"tcp://host:port"``); its workers must have
        weylgain installed and be able to read any mesh files named in the tasks.
    client : distributed.Client, optional
        An existing client (overrides ``workers`` and ``scheduler``; left open).
    output : str or path or None, default "results.jsonl"
        JSON-lines file the records are appended to as they arrive (None: keep in memory).
    resume : bool, default True
        Skip the tasks whose key is already in ``output``; False starts the file afresh.
    progress : bool, default True
        A progress bar on stderr (when it is a terminal).
    retries : int, default 2
        Dask retries of a task whose run failed outside weylgain's code (a task whose worker
        died is rescheduled anyway). What a task itself raises is deterministic: it is never
        retried, it comes back as an error at once.

    Returns
    -------
    SweepResult
        Records of every task in task order (computed now or read back from ``output``).

    Raises
    ------
    SpecError
        A task that is not a task spec, a bad ``workers`` value, or an ``output`` that cannot
        be written or is an existing file that is not a sweep results file (a mesh, a task
        list): refused before any task runs.
    WeylgainError
        After every task has run, when some raised: the error type of the first failure
        (``SpecError`` for a bad mesh spec, ...; ``ResourceError`` for a task whose workers
        kept dying), its message naming each failed task and its error. The other tasks'
        records are in ``output``, and the exception's ``sweep_result`` attribute is the
        :class:`SweepResult` (with ``failed``); a rerun computes only the failed tasks.

    Warns
    -----
    WeylgainWarning
        When lines of ``output`` read back are not valid records (do not parse, a key that
        is not its task's, counts that are not integers, no counts, ...): they are named by
        line number, not used, and their tasks computed again.
    ResolutionWarning
        Once, at the end, when some count thresholds lie beyond the range their mesh
        resolves (``lam h^2 > 0.5``, :mod:`weylgain.resolution`); every count record carries
        ``mean_edge``, ``lam_max_resolved``, ``lam_h2`` and ``resolved``, and
        :meth:`SweepResult.unresolved` lists them.
    """
    from .._progress import progress as _bar

    t0 = time.perf_counter()
    task_list = _as_tasks(tasks)
    unique: "OrderedDict[str, Task]" = OrderedDict()
    for t in task_list:
        unique.setdefault(t.key, t)
    if workers is not None:
        if isinstance(workers, bool) or not isinstance(workers, (int, np.integer)) or workers < 1:
            raise SpecError(f"workers must be a positive integer; got {workers!r}")
        workers = int(workers)
    if scheduler is not None and (not isinstance(scheduler, str) or not scheduler.strip()):
        raise SpecError(f"scheduler must be the address of a Dask scheduler "
                        f"('tcp://host:port'); got {scheduler!r}")
    retries = _integer(retries, "retries", 0)
    if workers is not None and workers > 4 * (os.cpu_count() or 1) + 64:
        raise SpecError(f"workers = {workers} local worker processes is far more than this "
                        f"machine's {os.cpu_count()} cores; use a Dask cluster (scheduler=) "
                        "for more")
    if client is not None and not callable(getattr(client, "submit", None)):
        raise SpecError(f"client must be a dask.distributed Client; got {type(client).__name__}")
    path = None if output is None else _check_output(output)
    if path is not None:
        _check_results_file(path)
    done = _read_done(path) if (path is not None and resume) else {}
    todo = [t for k, t in unique.items() if k not in done]
    skipped = len(unique) - len(todo)
    records: dict[str, dict] = {k: done[k] for k in unique if k in done}

    want_dask = client is not None or scheduler is not None or (workers or 1) > 1
    mode = "serial"
    if want_dask and not dask_available():
        _serial_notice("dask.distributed is not installed")
        want_dask = False
    failed: dict[str, dict] = {}
    collect = _Collector(records, failed, _Writer(path, resume))
    try:
        if not todo:
            pass
        elif not want_dask:
            for t in _bar(todo, total=len(todo), label="sweep", enabled=progress):
                collect(_execute_recorded(t))
        else:
            mode = _run_dask(todo, collect, workers=workers, scheduler=scheduler,
                             client=client, progress=progress, retries=retries)
    finally:
        collect.writer.close()
    if want_dask and mode == "serial":
        mode = scheduler or (f"local:{workers}" if workers else "client")
    ordered = tuple(records[k] for k in unique if k in records)
    result = SweepResult(ordered, len(todo) - len(failed), skipped, mode, path,
                         time.perf_counter() - t0,
                         failed=tuple(failed[k] for k in unique if k in failed))
    unresolved = result.unresolved()
    if unresolved:
        from ..errors import ResolutionWarning

        warnings.warn("; ".join(unresolved_note(u) for u in unresolved), ResolutionWarning,
                      stacklevel=2)
    if result.failed:
        raise _failure(result)
    return result


class _Collector:
    """Takes each record as it arrives: written and kept, or (an error record) kept aside."""

    def __init__(self, records: dict, failed: dict, writer: "_Writer") -> None:
        self.records, self.failed, self.writer = records, failed, writer

    def __call__(self, rec: dict) -> None:
        if "error" in rec:
            self.failed[rec["key"]] = rec
        else:
            self.writer.write(rec)
            self.records[rec["key"]] = rec


def failure_line(rec: dict[str, Any]) -> str:
    """One failed task in plain words: its kind, its spec and its error."""
    spec = ", ".join(f"{k}={v!r}" for k, v in rec["task"].items() if v is not None)
    err = rec["error"]
    return f"{rec['kind']} task ({spec}) failed: {err['type']}: {err['message']}"


def _failure(result: SweepResult) -> WeylgainError:
    """The exception :func:`run` raises when tasks failed: the first one's type, every task."""
    from .. import errors

    first = result.failed[0]["error"]["type"]
    cls = getattr(errors, first, None)
    if not (isinstance(cls, type) and issubclass(cls, WeylgainError)):
        cls = WeylgainError  # a raw exception from a task (a bug): still weylgain's type
    n_bad, n_done = len(result.failed), len(result.records)
    kept = f"the other {n_done} task(s) are done"
    if result.output:
        kept += f" and in {result.output}; a rerun computes only the failed ones"
    lines = [failure_line(r) for r in result.failed[:5]]
    if n_bad > 5:
        lines.append(f"... and {n_bad - 5} more")
    exc = cls(f"{n_bad} of {n_bad + n_done} sweep task(s) failed ({kept}): "
              + " | ".join(lines))
    exc.sweep_result = result  # type: ignore[attr-defined]
    return exc


def unresolved_note(entry: dict[str, Any]) -> str:
    """Plain words for one entry of :meth:`SweepResult.unresolved` (the warning's text)."""
    from ..resolution import unresolved_message

    what = entry["mesh"] + (f" / {entry['group']}" if entry["group"] else "")
    return f"{what}: {unresolved_message(entry['mean_edge'], entry['lams'])}"


def _run_dask(todo: list[Task], collect: _Collector, *, workers: int | None,
              scheduler: str | None, client: Any, progress: bool, retries: int) -> str:
    from distributed import Client, LocalCluster, as_completed

    from .._progress import progress as _bar

    cluster = None
    own_client = client is None
    if client is not None:
        mode = "client"
    elif scheduler is not None:
        try:
            client = Client(scheduler)
        except (OSError, ValueError, TypeError) as exc:  # malformed or unreachable address
            raise SpecError(f"cannot connect to the Dask scheduler {scheduler!r} ({exc}); give "
                            "its address as tcp://host:port") from None
        mode = scheduler
    else:
        # one thread per worker process: the factorizations are single-threaded and the
        # process boundary is what gives parallelism (no GIL, no shared pencil)
        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                               dashboard_address=None)
        client = Client(cluster)
        mode = f"local:{workers}"
    try:
        # the tasks return their errors as records (_execute_recorded): nothing a task
        # raises reaches Dask, so nothing is logged on a worker nor retried for nothing
        by_key = {f"weylgain-{t.key}": t for t in todo}
        futures = [client.submit(_execute_recorded, t, key=k, pure=True, retries=int(retries))
                   for k, t in by_key.items()]
        for fut in _bar(as_completed(futures), total=len(futures), label="sweep",
                        enabled=progress):
            try:
                rec = fut.result()
            except Exception as exc:  # noqa: BLE001 - Dask's own failures, per task
                rec = _dask_failure(by_key[fut.key], exc)
            collect(rec)
    finally:
        if own_client:
            client.close()
        if cluster is not None:
            cluster.close()
    return mode


def _dask_failure(task: Task, exc: BaseException) -> dict[str, Any]:
    """An error record for a task Dask could not run (its workers died, it was cancelled)."""
    name = type(exc).__name__
    if name == "KilledWorker":
        return _error_record(task, "ResourceError",
                             f"the worker processes running it died repeatedly (killed, out "
                             f"of memory, or crashed: see the workers' logs) ({exc})")
    if isinstance(exc, WeylgainError):
        return _error_record(task, name, str(exc))
    return _error_record(task, "WeylgainError", f"Dask could not run it: {name}: {exc}")
