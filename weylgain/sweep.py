"""Sweeps: many independent counts, exact counts, gain measurements and learning-curve seeds.

A sweep is a list of small picklable task specs (:class:`CountTask`, :class:`ExactTask`,
:class:`GainTask`, :class:`LearnTask`); :func:`run` executes them serially in this process,
on a local ``dask.distributed`` cluster (``workers=N``) or on any Dask cluster by address
(``scheduler="tcp://host:port"``). Tasks carry mesh *specs*, never matrices: each worker builds
its pencil from the spec and keeps it (with its fill-reducing ordering, the symbolic part of
every factorization) in a small per-process cache, so the thresholds of one pencil split over
several tasks share one ordering per worker.

Every result is written, as soon as it arrives, as one JSON line ``{"key": ..., ...}`` to the
output file; a rerun with the same file skips the keys already there, so an interrupted sweep
resumes where it stopped. Every line read back is checked (its key recomputed from its task,
its result's types and lengths), and a line that is not a valid record is reported by line
number and recomputed, never trusted. Tasks are pure (the same spec gives the same result): a
worker that dies loses nothing, its tasks are recomputed elsewhere. A task that raises is not
retried (its error is deterministic): it comes back as an error, the other tasks go on, and
:func:`run` raises once at the end, naming every failed task.

Dask is optional (``pip install 'weylgain[dask]'``); without it the same API runs serially and
says so once.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
import threading
import time
import warnings
from collections import OrderedDict
from dataclasses import asdict, dataclass, field
from typing import Any, Iterable, Sequence, Union

import numpy as np

from .errors import SpecError, WeylgainError, WeylgainWarning

__all__ = [
    "CountTask",
    "ExactTask",
    "GainTask",
    "LearnTask",
    "Task",
    "SweepResult",
    "count_tasks",
    "learning_seeds",
    "task_from_dict",
    "run",
    "dask_available",
]


# ============================================================================== task specs
def _canonical(obj: Any) -> str:
    return json.dumps(obj, sort_keys=True, separators=(",", ":"))


def _key(kind: str, params: dict) -> str:
    digest = hashlib.sha1(_canonical({"kind": kind, **params}).encode()).hexdigest()[:16]
    return f"{kind}-{digest}"


def _lams_tuple(lams: Any, what: str = "lams") -> tuple[float, ...]:
    try:
        arr = np.atleast_1d(np.asarray(lams, dtype=np.float64))
    except (TypeError, ValueError):
        raise SpecError(f"{what} must be a non-empty 1-d sequence of numbers; got {lams!r}"
                        ) from None
    if arr.ndim != 1 or arr.size == 0:
        raise SpecError(f"{what} must be a non-empty 1-d sequence of numbers; got shape {arr.shape}")
    if not np.isfinite(arr).all():
        raise SpecError(f"{what} must be finite; got {arr.tolist()}")
    return tuple(float(x) for x in arr)


def _integer(value: Any, what: str, minimum: int | None = None) -> int:
    """``value`` as an int (integral floats and digit strings of a JSON task file too)."""
    try:
        out = int(value)
        ok = not isinstance(value, bool) and float(value) == out
    except (TypeError, ValueError, OverflowError):
        ok = False
    if not ok:
        raise SpecError(f"{what} must be an integer; got {value!r}")
    if minimum is not None and out < minimum:
        raise SpecError(f"{what} must be at least {minimum}; got {out}")
    return out


def _real(value: Any, what: str, *, positive: bool = False,
          non_negative: bool = False) -> float:
    """``value`` as a finite float (positive or non-negative when asked)."""
    try:
        out = float(value)
    except (TypeError, ValueError):
        raise SpecError(f"{what} must be a number; got {value!r}") from None
    if not math.isfinite(out) or (positive and out <= 0) or (non_negative and out < 0):
        need = "positive" if positive else "non-negative" if non_negative else ""
        raise SpecError(f"{what} must be a finite {need + ' ' if need else ''}number; got "
                        f"{value!r}")
    return out


def _check_str(value: Any, what: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise SpecError(f"{what} must be a non-empty string; got {value!r}")
    return value.strip()


@dataclass(frozen=True)
class CountTask:
    """N(lam) of one pencil at several thresholds (one shared ordering).

    Attributes
    ----------
    mesh : str
        A mesh spec for :func:`weylgain.meshes.from_spec` (``"sphere:5"``) or a mesh file path
        that every worker can read.
    lams : tuple of float
        Thresholds.
    group : str or None
        Count on the quotient M/G by this group spec (``weylgain.groups.named``).
    lumped : bool
        Lumped (diagonal) mass.
    """

    mesh: str
    lams: tuple
    group: str | None = None
    lumped: bool = False
    kind: str = field(default="count", init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "mesh", _check_str(self.mesh, "mesh"))
        object.__setattr__(self, "lams", _lams_tuple(self.lams))
        if self.group is not None:
            object.__setattr__(self, "group", _check_str(self.group, "group"))
        if not isinstance(self.lumped, (bool, np.bool_)) and self.lumped not in (0, 1):
            raise SpecError(f"lumped must be True or False; got {self.lumped!r}")
        object.__setattr__(self, "lumped", bool(self.lumped))

    def params(self) -> dict[str, Any]:
        return {"mesh": self.mesh, "lams": list(self.lams), "group": self.group,
                "lumped": self.lumped}

    @property
    def key(self) -> str:
        return _key(self.kind, self.params())


@dataclass(frozen=True)
class ExactTask:
    """Exact invariant counts N_G(lam) of a sphere or torus quotient (:func:`weylgain.exact_counts`).

    Attributes
    ----------
    manifold : str
        ``"S<d>"`` or ``"T<d>"``.
    group : str
        A group spec (``"I"``, ``"signs2"``, ``"trivial"``, ...).
    lam : float
    radius, length : float
        Sphere radius, torus period.
    """

    manifold: str
    group: str
    lam: float
    radius: float = 1.0
    length: float = 2 * math.pi
    kind: str = field(default="exact", init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "manifold", _check_str(self.manifold, "manifold"))
        object.__setattr__(self, "group", _check_str(self.group, "group"))
        object.__setattr__(self, "lam", _lams_tuple(self.lam, "lam")[0])
        object.__setattr__(self, "radius", _real(self.radius, "radius", positive=True))
        object.__setattr__(self, "length", _real(self.length, "length", positive=True))

    def params(self) -> dict[str, Any]:
        return {"manifold": self.manifold, "group": self.group, "lam": self.lam,
                "radius": self.radius, "length": self.length}

    @property
    def key(self) -> str:
        return _key(self.kind, self.params())


@dataclass(frozen=True)
class GainTask:
    """One gain measurement (:func:`weylgain.measure_gain`).

    Attributes
    ----------
    manifold, group : str
    level : int or None
    n_points : int
    lam_max_h2 : float or None
    """

    manifold: str
    group: str
    level: int | None = None
    n_points: int = 10
    lam_max_h2: float | None = None
    kind: str = field(default="gain", init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "manifold", _check_str(self.manifold, "manifold"))
        object.__setattr__(self, "group", _check_str(self.group, "group"))
        if self.level is not None:
            object.__setattr__(self, "level", _integer(self.level, "level", 0))
        object.__setattr__(self, "n_points", _integer(self.n_points, "n_points", 1))
        if self.lam_max_h2 is not None:
            object.__setattr__(self, "lam_max_h2",
                               _real(self.lam_max_h2, "lam_max_h2", positive=True))

    def params(self) -> dict[str, Any]:
        return {"manifold": self.manifold, "group": self.group, "level": self.level,
                "n_points": self.n_points, "lam_max_h2": self.lam_max_h2}

    @property
    def key(self) -> str:
        return _key(self.kind, self.params())


@dataclass(frozen=True)
class LearnTask:
    """One learning-curve experiment from one master seed (:func:`weylgain.learning.experiment`).

    Attributes
    ----------
    domain : {"T2", "S2"}
    group : str
    seed : int
        Master seed (data, noise and target).
    n_values : tuple of int or None
    seeds : int
        Repetitions inside the task.
    noise : float or None
    ridge : str or float
    methods : tuple of str
    n_test : int
    """

    domain: str
    group: str
    seed: int = 0
    n_values: tuple | None = None
    seeds: int = 1
    noise: float | None = None
    ridge: Union[str, float] = "oracle"
    methods: tuple = ("none", "average")
    n_test: int = 2000
    kind: str = field(default="learn", init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "domain", _check_str(self.domain, "domain"))
        object.__setattr__(self, "group", _check_str(self.group, "group"))
        object.__setattr__(self, "seed", _integer(self.seed, "seed", 0))
        if self.n_values is not None:
            if isinstance(self.n_values, (str, bytes)) or not hasattr(self.n_values, "__iter__"):
                raise SpecError(f"n_values must be a sequence of sample sizes; got "
                                f"{self.n_values!r}")
            object.__setattr__(self, "n_values",
                               tuple(_integer(n, "each of n_values", 1) for n in self.n_values))
        object.__setattr__(self, "seeds", _integer(self.seeds, "seeds", 1))
        if self.noise is not None:
            object.__setattr__(self, "noise", _real(self.noise, "noise", non_negative=True))
        if not isinstance(self.ridge, str):
            object.__setattr__(self, "ridge", _real(self.ridge, "ridge", positive=True))
        if isinstance(self.methods, (str, bytes)) or not hasattr(self.methods, "__iter__"):
            raise SpecError(f"methods must be a sequence of method names; got {self.methods!r}")
        object.__setattr__(self, "methods", tuple(str(m) for m in self.methods))
        object.__setattr__(self, "n_test", _integer(self.n_test, "n_test", 1))

    def params(self) -> dict[str, Any]:
        return {"domain": self.domain, "group": self.group, "seed": self.seed,
                "n_values": None if self.n_values is None else list(self.n_values),
                "seeds": self.seeds, "noise": self.noise, "ridge": self.ridge,
                "methods": list(self.methods), "n_test": self.n_test}

    @property
    def key(self) -> str:
        return _key(self.kind, self.params())


Task = Union[CountTask, ExactTask, GainTask, LearnTask]
_TASK_TYPES = {"count": CountTask, "exact": ExactTask, "gain": GainTask, "learn": LearnTask}


def task_from_dict(spec: dict[str, Any]) -> Task:
    """A task from a JSON-style dict ``{"kind": "count", "mesh": ..., "lams": [...]}``.

    Raises
    ------
    SpecError
        Unknown kind or unknown / missing fields.
    """
    if not isinstance(spec, dict) or "kind" not in spec:
        raise SpecError(f"a task must be a dict with a 'kind' among {sorted(_TASK_TYPES)}; got {spec!r}")
    kind = spec["kind"]
    if kind not in _TASK_TYPES:
        raise SpecError(f"unknown task kind {kind!r}; expected one of {sorted(_TASK_TYPES)}")
    fields = {k: v for k, v in spec.items() if k != "kind"}
    try:
        return _TASK_TYPES[kind](**fields)
    except TypeError as exc:
        raise SpecError(f"bad fields for a {kind!r} task {fields}: {exc}") from exc


def count_tasks(mesh: str, lams: Sequence[float], *, group: str | None = None,
                lumped: bool = False, per_task: int = 4) -> list[CountTask]:
    """Split the thresholds of one pencil into tasks of ``per_task`` thresholds.

    Thresholds are sorted and dealt round-robin, so every task spans the whole range (equal
    work whatever the cost grows with). On a worker, all tasks of one pencil share one cached
    pencil and ordering.

    Parameters
    ----------
    mesh : str
        Mesh spec.
    lams : sequence of float
    group : str, optional
    lumped : bool
    per_task : int, default 4
        Thresholds per task (more tasks: finer load balance; each costs one pencil build per
        worker at most, thanks to the cache).

    Returns
    -------
    list of CountTask
    """
    values = sorted(_lams_tuple(lams))
    per_task = _integer(per_task, "per_task", 1)
    n_tasks = max(1, math.ceil(len(values) / per_task))
    return [CountTask(mesh, tuple(values[i::n_tasks]), group=group, lumped=lumped)
            for i in range(n_tasks)]


def learning_seeds(domain: str, group: str, seeds: Iterable[int], **options: Any) -> list[LearnTask]:
    """One :class:`LearnTask` per master seed (other options as for :class:`LearnTask`)."""
    if isinstance(seeds, (str, bytes)) or not hasattr(seeds, "__iter__"):
        raise SpecError(f"seeds must be an iterable of master seeds; got {seeds!r}")
    return [LearnTask(domain, group, seed=_integer(s, "each seed", 0), **options)
            for s in seeds]


# ============================================================================== execution
_PENCILS: "OrderedDict[tuple, tuple[Any, threading.Lock]]" = OrderedDict()
_PENCILS_LOCK = threading.Lock()
_PENCIL_CACHE_SIZE = 2


def _load_mesh(spec: str) -> Any:
    from . import meshes

    if os.path.exists(spec):
        from .io import read_mesh

        return read_mesh(spec)
    return meshes.from_spec(spec)


def _build_counter(mesh_spec: str, group: str | None, lumped: bool) -> Any:
    from .fem import laplacian
    from .spectrum import EigenCounter

    mesh = _load_mesh(mesh_spec)
    if group is None:
        K, M = laplacian(mesh, lumped=lumped)
    else:
        from .groups import named
        from .quotient import quotient

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
        from .errors import CountingError

        raise CountingError(f"counts decrease as lam grows on {task.mesh}: {counts[order].tolist()}")
    lam_max = results[0].lam_max_resolved
    return {"lams": [float(x) for x in lams], "counts": [int(c) for c in counts],
            "n": int(counter.n), "mean_edge": counter.mean_edge,
            "lam_max_resolved": lam_max if lam_max is not None and math.isfinite(lam_max)
            else None,
            "lam_h2": [float(r.lam_h2) for r in results],
            "resolved": [bool(r.resolved) for r in results]}


def _run_exact(task: ExactTask) -> dict[str, Any]:
    from .exact import exact_counts

    return exact_counts(task.manifold, task.group, task.lam, radius=task.radius,
                        length=task.length).to_dict()


def _run_gain(task: GainTask) -> dict[str, Any]:
    from .gain import measure_gain

    return measure_gain(task.manifold, task.group, level=task.level, n_points=task.n_points,
                        lam_max_h2=task.lam_max_h2).to_dict()


def _run_learn(task: LearnTask) -> dict[str, Any]:
    from .learning import experiment

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
        return execute(task)
    except Exception as exc:  # noqa: BLE001 - reported by run(), with its type
        return _error_record(task, type(exc).__name__, str(exc))


# ============================================================================== results
@dataclass(frozen=True)
class SweepResult:
    """What :func:`run` returns.

    Attributes
    ----------
    records : tuple of dict
        One record per distinct task, in task order: ``key``, ``kind``, ``task`` (the spec),
        ``result`` (the task's answer), ``seconds`` and ``cpu_seconds`` (of the process that
        ran it), ``worker`` (its address, None when serial).
    computed, skipped : int
        Tasks computed in this run (failed ones not included), and tasks found already done
        in the output file.
    mode : str
        ``"serial"``, ``"local:N"`` or the scheduler address.
    output : str or None
    seconds : float
    failed : tuple of dict
        One error record per task that raised (``key``, ``kind``, ``task`` and ``error``:
        ``{"type": ..., "message": ...}``), in task order; not in ``records``, not written to
        ``output`` (a rerun computes them again). :func:`run` raises when it is not empty;
        the exception carries this result as ``sweep_result``.
    """

    records: tuple
    computed: int
    skipped: int
    mode: str
    output: str | None
    seconds: float
    failed: tuple = ()

    def results(self) -> list[dict[str, Any]]:
        """The ``result`` of every task, in task order."""
        return [r["result"] for r in self.records]

    def counts(self, mesh: str | None = None, group: str | None = None,
               lumped: bool = False) -> tuple[np.ndarray, np.ndarray]:
        """The counting function gathered from the count records of one pencil.

        Parameters
        ----------
        mesh : str, optional
            The mesh spec (default: the only one in the sweep).
        group : str, optional
        lumped : bool

        Returns
        -------
        lams : ndarray of shape (p,)
            Sorted thresholds.
        counts : ndarray of shape (p,), int64
        """
        recs = [r for r in self.records if r["kind"] == "count"]
        meshes_ = {r["task"]["mesh"] for r in recs}
        if mesh is None:
            if len(meshes_) != 1:
                raise SpecError(f"the sweep counts several meshes {sorted(meshes_)}; pass mesh=")
            mesh = next(iter(meshes_))
        pairs = {}
        for r in recs:
            t = r["task"]
            if t["mesh"] == mesh and t["group"] == group and t["lumped"] == lumped:
                pairs.update(zip(r["result"]["lams"], r["result"]["counts"]))
        lams = np.array(sorted(pairs), dtype=np.float64)
        return lams, np.array([pairs[x] for x in lams], dtype=np.int64)

    def unresolved(self) -> list[dict[str, Any]]:
        """The count thresholds beyond the range their mesh resolves (``lam h^2 > 0.5``).

        Returns
        -------
        list of dict
            One per pencil with such thresholds: ``mesh``, ``group``, ``lumped``,
            ``mean_edge`` (h of the mesh counted on: the orbit-space mesh for a continuous
            group) and ``lams`` (sorted). Empty when every count is resolved (records written
            before counts carried ``resolved`` are taken as unknown and left out).
        """
        pencils: "OrderedDict[tuple, dict[str, Any]]" = OrderedDict()
        for r in self.records:
            if r["kind"] != "count" or "resolved" not in r["result"]:
                continue
            t, res = r["task"], r["result"]
            bad = [lam for lam, ok in zip(res["lams"], res["resolved"]) if not ok]
            if bad:
                entry = pencils.setdefault(
                    (t["mesh"], t["group"], t["lumped"]),
                    {"mesh": t["mesh"], "group": t["group"], "lumped": t["lumped"],
                     "mean_edge": res["mean_edge"], "lams": set()})
                entry["lams"].update(bad)
        return [entry | {"lams": sorted(entry["lams"])} for entry in pencils.values()]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self) | {"records": list(self.records), "failed": list(self.failed)}


# ============================================================================== the runner
_SERIAL_NOTICE_GIVEN = False


def dask_available() -> bool:
    """Whether ``dask.distributed`` can be imported."""
    try:
        import distributed  # noqa: F401
    except ImportError:
        return False
    return True


def _serial_notice(why: str) -> None:
    global _SERIAL_NOTICE_GIVEN
    if not _SERIAL_NOTICE_GIVEN:
        _SERIAL_NOTICE_GIVEN = True
        warnings.warn(f"{why}: running the sweep serially in this process "
                      "(pip install 'weylgain[dask]' for workers)", RuntimeWarning, stacklevel=3)


def _is_number(x: Any) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x)


def _is_count(x: Any) -> bool:
    return isinstance(x, int) and not isinstance(x, bool) and x >= 0


def _result_problem(task: Task, result: Any) -> str | None:
    """Why ``result`` cannot be the answer of ``task`` (types, lengths, thresholds), or None."""
    if not isinstance(result, dict):
        return f"its result is a {type(result).__name__}, not an object"
    if task.kind == "count":
        lams, counts = result.get("lams"), result.get("counts")
        if not isinstance(counts, list):
            return "its result has no list of counts"
        if not isinstance(lams, list) or not all(_is_number(x) for x in lams):
            return "its result has no list of thresholds"
        if tuple(float(x) for x in lams) != task.lams:
            return f"its thresholds {lams} are not its task's {list(task.lams)}"
        if len(counts) != len(lams) or not all(_is_count(c) for c in counts):
            return (f"its counts {counts!r} are not {len(lams)} non-negative integers "
                    "(one per threshold)")
        order = np.argsort(np.asarray(lams), kind="stable")
        if (np.diff(np.asarray(counts)[order]) < 0).any():
            return f"its counts {counts} decrease as lam grows"
        n = result.get("n")
        if n is not None and (not _is_count(n) or max(counts) > n):
            return f"its counts {counts} exceed the pencil's size n = {n!r}"
        if "resolved" in result:
            resolved, lam_h2 = result["resolved"], result.get("lam_h2")
            if (not isinstance(resolved, list) or len(resolved) != len(lams)
                    or not all(isinstance(r, bool) for r in resolved)):
                return "its 'resolved' flags are not one true/false per threshold"
            if (not isinstance(lam_h2, list) or len(lam_h2) != len(lams)
                    or not all(_is_number(x) for x in lam_h2)):
                return "its lam_h2 values are not one number per threshold"
            if not (_is_number(result.get("mean_edge")) and result["mean_edge"] > 0):
                return f"its mean_edge {result.get('mean_edge')!r} is not a positive number"
            lam_max = result.get("lam_max_resolved")
            if lam_max is not None and not _is_number(lam_max):
                return f"its lam_max_resolved {lam_max!r} is not a number"
    elif task.kind == "exact":
        if not _is_count(result.get("count")):
            return f"its count {result.get('count')!r} is not a non-negative integer"
        if not _is_number(result.get("lam")) or float(result["lam"]) != task.lam:
            return f"its lam {result.get('lam')!r} is not its task's {task.lam}"
    return None


def _record_problem(rec: Any) -> str | None:
    """Why a parsed line is not a valid sweep record, or None (the key is recomputed)."""
    if not isinstance(rec, dict):
        return f"a JSON {type(rec).__name__}, not a sweep record"
    missing = [k for k in ("key", "kind", "task", "result") if k not in rec]
    if missing:
        return f"no {', '.join(repr(k) for k in missing)} (not a sweep record)"
    if rec["kind"] not in _TASK_TYPES or not isinstance(rec["task"], dict):
        return f"its kind {rec['kind']!r} or task is not a sweep task's"
    try:
        task = task_from_dict({**rec["task"], "kind": rec["kind"]})
    except SpecError as exc:
        return f"its task is not a valid {rec['kind']} task ({exc})"
    if rec["key"] != task.key:
        # another task's answer under this key (edited or mixed files): never trusted
        return f"its key {rec['key']!r} is not its task's ({task.key})"
    return _result_problem(task, rec["result"])


_RECORD_START = re.compile(r'\s*\{\s*"key"\s*:')


def _check_results_file(path: str) -> None:
    """Refuse an existing file that is not a sweep results file, before any work.

    A results file starts with a record line (``{"key": ...``); a mesh, a task list or any
    other file does not, and appending (or, with ``resume=False``, truncating) would damage it.
    """
    if not os.path.isfile(path):
        return
    with open(path, "rb") as fh:
        head = fh.read(65536)
    text = head.decode("utf-8", errors="replace")
    first = next((line for line in text.splitlines() if line.strip()), "")
    if not first or _RECORD_START.match(first):
        return
    shown = first.strip()
    shown = shown[:60] + ("..." if len(shown) > 60 else "")
    raise SpecError(f"output {path!r} exists and is not a sweep results file (its first line "
                    f"is {shown!r}, not a record {{\"key\": ...}}); weylgain does not write "
                    "into it: give another --output / output= file name")


def _read_done(path: str) -> dict[str, dict]:
    """The valid records already in a JSONL file; every other line reported by number.

    A record is trusted only when its key is its task's (recomputed) and its result has the
    task's types and thresholds; two valid count records of one key that disagree are both
    dropped. What is not trusted is recomputed. A torn last line (a killed run) is reported
    like any other line that does not parse.
    """
    done: dict[str, dict] = {}
    first_line: dict[str, int] = {}
    bad: list[str] = []
    if not os.path.exists(path):
        return done
    conflicting: set[str] = set()
    # undecodable bytes (a torn write, or not text) make lines that do not parse
    with open(path, encoding="utf-8", errors="replace") as fh:
        for number, line in enumerate(fh, start=1):
            line = line.strip()
            if not line:
                continue
            try:
                rec = json.loads(line)
            except (json.JSONDecodeError, RecursionError):
                bad.append(f"line {number} is a cut-off record (torn by a killed run?)"
                           if _RECORD_START.match(line) else f"line {number} is not JSON")
                continue
            problem = _record_problem(rec)
            if problem is not None:
                bad.append(f"line {number}: {problem}")
                continue
            key = rec["key"]
            if key in done and rec["kind"] == "count" and \
                    done[key]["result"]["counts"] != rec["result"]["counts"]:
                conflicting.add(key)
                bad.append(f"line {number} counts {rec['result']['counts']} where line "
                           f"{first_line[key]} has {done[key]['result']['counts']} for the "
                           "same task")
            first_line.setdefault(key, number)
            done[key] = rec
    for key in conflicting:
        del done[key]
    if bad:
        shown = "; ".join(bad[:5]) + (f"; and {len(bad) - 5} more" if len(bad) > 5 else "")
        warnings.warn(f"{path}: {len(bad)} line(s) are not valid sweep records and are not "
                      f"used (their tasks, if in this sweep, are computed again): {shown}",
                      WeylgainWarning, stacklevel=3)
    return done


def _check_output(output: Any) -> str:
    """The results file as a str, checked before any task runs (a clear SpecError)."""
    from ._paths import writable_file

    return writable_file(output, "output", SpecError, example="results.jsonl")


class _Writer:
    """Appends one JSON line per record, flushed at once (a crash loses at most a torn line)."""

    def __init__(self, path: str | None, resume: bool) -> None:
        self.fh = None
        if path is not None:
            mode = "a" if resume else "w"
            try:
                self.fh = open(path, mode, encoding="utf-8")
            except OSError as exc:  # checked before; the folder may have gone since
                raise SpecError(f"cannot write the results file {path!r}: "
                                f"{exc.strerror or exc}") from None
            if resume and self.fh.tell() > 0:
                # a torn last line from a killed run must not swallow the next record
                with open(path, "rb") as rb:
                    rb.seek(-1, os.SEEK_END)
                    if rb.read(1) != b"\n":
                        self.fh.write("\n")

    def write(self, record: dict) -> None:
        if self.fh is not None:
            self.fh.write(json.dumps(record) + "\n")
            self.fh.flush()
            os.fsync(self.fh.fileno())

    def close(self) -> None:
        if self.fh is not None:
            self.fh.close()


def _as_tasks(tasks: Iterable[Any]) -> list[Task]:
    out: list[Task] = []
    if isinstance(tasks, (str, bytes, dict)) or not hasattr(tasks, "__iter__"):
        raise SpecError(f"tasks must be an iterable of task specs (CountTask, ..., or dicts "
                        f"with a 'kind'); got {type(tasks).__name__}")
    for t in tasks:
        if isinstance(t, dict):
            t = task_from_dict(t)
        if not isinstance(t, tuple(_TASK_TYPES.values())):
            raise SpecError(f"a sweep task must be a CountTask, ExactTask, GainTask, LearnTask "
                            f"or a dict with a 'kind'; got {type(t).__name__}")
        out.append(t)
    return out


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
    from ._progress import progress as _bar

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
        from .errors import ResolutionWarning

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
    from . import errors

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
    from .resolution import unresolved_message

    what = entry["mesh"] + (f" / {entry['group']}" if entry["group"] else "")
    return f"{what}: {unresolved_message(entry['mean_edge'], entry['lams'])}"


def _run_dask(todo: list[Task], collect: _Collector, *, workers: int | None,
              scheduler: str | None, client: Any, progress: bool, retries: int) -> str:
    from distributed import Client, LocalCluster, as_completed

    from ._progress import progress as _bar

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
