"""What a sweep returns and writes: :class:`SweepResult`, and the results file.

Every line of a results file is checked when it is read back for a resume (its key
recomputed from its task, its result's types and lengths); a line that is not a valid record
is reported by line number and recomputed, never trusted. A file that is not a results file
is refused before any task runs.
"""

from __future__ import annotations

import json
import math
import os
import re
import warnings
from collections import OrderedDict
from dataclasses import asdict, dataclass
from typing import Any, Iterable

import numpy as np

from ..errors import SpecError, WeylgainWarning
from .tasks import _TASK_TYPES, Task, task_from_dict


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
    from .._paths import writable_file

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
