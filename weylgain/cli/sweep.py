"""weylgain sweep: many counts (and exact counts, gains, learning seeds) on Dask workers.

examples:

    # 40 thresholds of one pencil on a local cluster of 2 worker processes
    weylgain sweep --mesh sphere:7 --lams 10:400:40 --workers 2 --output sweep.jsonl

    # the same sweep on a running Dask cluster
    weylgain sweep --mesh sphere:7 --lams 10:400:40 --scheduler tcp://10.0.0.5:8786

    # any mix of tasks from a JSON file (a list of {"kind": ..., ...} objects)
    weylgain sweep --tasks tasks.json --workers 2

Results are appended to --output (JSON lines, one per task, keyed) as they arrive; rerun
the same command after an interruption and only the missing tasks are computed
(--no-resume starts afresh). Lines of --output that are not valid records are named and
recomputed; an existing --output that is not a results file (a mesh, a task list) is
refused. A task that fails is named with its error (exit status 2) and the others are kept.
Without Dask installed the sweep runs serially.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from ..errors import SpecError


def add_parser(subparsers: Any) -> None:
    """Register the ``sweep`` subcommand."""
    p = subparsers.add_parser(
        "sweep",
        help="run many independent counts on Dask workers (resumable, JSON lines)",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--mesh", action="append", metavar="SPEC",
                   help="a mesh spec or file; repeat for several")
    p.add_argument("--group", action="append", metavar="G",
                   help="also count on M/G (repeat; 'none' for M itself; default none)")
    p.add_argument("--lam", type=float, action="append", metavar="LAM", help="a threshold")
    p.add_argument("--lams", metavar="START:STOP:NUM",
                   help="NUM thresholds evenly spaced from START to STOP")
    p.add_argument("--lumped", action="store_true", help="lumped (diagonal) mass")
    p.add_argument("--per-task", type=int, default=4, metavar="N",
                   help="thresholds per task (default 4; one pencil build per worker anyway)")
    p.add_argument("--tasks", metavar="JSON", help="a JSON file with a list of task objects")
    p.add_argument("--workers", type=int, default=None, metavar="N",
                   help="start a local Dask cluster with N worker processes")
    p.add_argument("--scheduler", default=None, metavar="ADDRESS",
                   help="use a running Dask scheduler (tcp://host:port)")
    p.add_argument("--output", default="sweep.jsonl", metavar="FILE",
                   help="JSON-lines results file (default sweep.jsonl)")
    p.add_argument("--no-resume", action="store_true",
                   help="recompute everything (the output file is started afresh)")
    p.add_argument("--json", action="store_true", help="print one JSON summary on stdout")
    p.add_argument("--no-progress", action="store_true", help="no progress bar on stderr")


# a sweep of more thresholds than this is a mistake (one factorization each), not a workload
_MAX_THRESHOLDS = 100_000


def _thresholds(args: argparse.Namespace) -> list[float]:
    import numpy as np

    lams = list(args.lam or [])
    if args.lams:
        parts = args.lams.split(":")
        try:
            start, stop, num = float(parts[0]), float(parts[1]), int(parts[2])
        except (ValueError, IndexError):
            raise SpecError(f"--lams must be START:STOP:NUM (e.g. 10:400:40); got {args.lams!r}")
        if num < 1 or len(parts) != 3:
            raise SpecError(f"--lams must be START:STOP:NUM with NUM >= 1; got {args.lams!r}")
        if num > _MAX_THRESHOLDS:
            # every threshold is one factorization: refused before the list is made
            raise SpecError(
                f"--lams asks for {num} thresholds; at most {_MAX_THRESHOLDS:,} are accepted "
                "(each is one factorization of the pencil: even a small mesh would take days). "
                "Sample the range more coarsely, or split it into several sweeps")
        lams += np.linspace(start, stop, num).tolist()
    return lams


def _tasks(args: argparse.Namespace) -> list[Any]:
    from .. import sweep

    tasks: list[Any] = []
    if args.tasks:
        try:
            with open(args.tasks, encoding="utf-8") as fh:
                spec = json.load(fh)
        except (OSError, ValueError) as exc:  # JSONDecodeError, UnicodeDecodeError
            raise SpecError(f"cannot read the task file {args.tasks!r}: {exc}")
        if not isinstance(spec, list):
            raise SpecError(f"the task file {args.tasks!r} must hold a JSON list of tasks")
        tasks += [sweep.task_from_dict(t) for t in spec]
    if args.mesh:
        lams = _thresholds(args)
        if not lams:
            raise SpecError("--mesh needs thresholds: --lam LAM (repeat) or --lams START:STOP:NUM")
        groups = args.group or ["none"]
        for mesh in args.mesh:
            for g in groups:
                group = None if g.lower() in ("none", "trivial", "1") else g
                tasks += sweep.count_tasks(mesh, lams, group=group, lumped=args.lumped,
                                           per_task=args.per_task)
    elif args.lam or args.lams or args.group:
        raise SpecError("--lam/--lams/--group need --mesh")
    if not tasks:
        raise SpecError("nothing to sweep: give --mesh with --lam/--lams, or --tasks FILE")
    return tasks


def run(args: argparse.Namespace) -> int:
    """Run the sweep; return the exit status."""
    from .. import sweep

    import warnings

    from ..errors import GroupError, ResolutionWarning, WeylgainError, WeylgainWarning

    tasks = _tasks(args)
    failure: WeylgainError | None = None
    with warnings.catch_warnings(record=True) as caught:  # said below in plain words
        warnings.simplefilter("always", WeylgainWarning)
        try:
            res = sweep.run(tasks, workers=args.workers, scheduler=args.scheduler,
                            output=args.output, resume=not args.no_resume,
                            progress=not (args.no_progress or args.json))
        except WeylgainError as exc:
            if getattr(exc, "sweep_result", None) is None:
                raise
            failure, res = exc, exc.sweep_result  # the other tasks' results are reported
    for w in caught:  # lines of the results file not used, ...; one note per pencil below
        if not issubclass(w.category, ResolutionWarning):
            print(f"weylgain: note: {w.message}", file=sys.stderr)
    summary = {"mode": res.mode, "tasks": len(res.records) + len(res.failed),
               "computed": res.computed, "skipped": res.skipped, "failed": len(res.failed),
               "output": res.output, "seconds": res.seconds}
    counts = _count_summary(res.records)
    for entry in res.unresolved():  # plain words on stderr, also with --json
        print(f"weylgain: note: {sweep.unresolved_note(entry)}", file=sys.stderr)
    if args.json:
        print(json.dumps(summary | {"counts": counts, "failures": list(res.failed)}))
    else:
        print(f"{summary['tasks']} tasks ({res.computed} computed"
              + (f", {len(res.failed)} failed" if res.failed else "")
              + f", {res.skipped} already in {res.output}) on {res.mode} in "
                f"{res.seconds:.2f} s")
        for c in counts:
            what = c["mesh"] + (f" / {c['group']}" if c["group"] else "")
            pairs = ", ".join(f"N({lam:g}) = {n}" for lam, n in zip(c["lams"], c["counts"]))
            print(f"{what}: {pairs}")
        other = len([r for r in res.records if r["kind"] != "count"])
        if other:
            print(f"{other} other task result(s) in {res.output}", file=sys.stdout)
    if failure is None:
        return 0
    for rec in res.failed:  # last, so that it is what the user sees: one line per task
        print(f"weylgain: error: {sweep.failure_line(rec)}", file=sys.stderr)
    if res.output:
        print(f"weylgain: the {len(res.records)} other task(s) are in {res.output}; fix the "
              "failed one(s) and rerun: only they are computed", file=sys.stderr)
    return 3 if isinstance(failure, GroupError) else 2


def _count_summary(records: Any) -> list[dict[str, Any]]:
    """Per pencil (mesh, group, lumped): the counts gathered from its (validated) records."""
    pencils: dict[tuple, dict] = {}
    for r in records:
        if r["kind"] != "count":
            continue
        t = r["task"]
        entry = pencils.setdefault((t["mesh"], t["group"], t["lumped"]),
                                   {"counts": {}, "lam_h2": {}, "resolved": {}})
        result = r["result"]
        entry["counts"].update(zip(result["lams"], result["counts"]))
        if "resolved" in result:  # records of older runs may not say
            entry["mean_edge"] = result["mean_edge"]
            entry["lam_max_resolved"] = result["lam_max_resolved"]
            entry["lam_h2"].update(zip(result["lams"], result["lam_h2"]))
            entry["resolved"].update(zip(result["lams"], result["resolved"]))
    counts = []
    for (m, g, lumped), d in pencils.items():
        lams = sorted(d["counts"])
        counts.append({"mesh": m, "group": g, "lumped": lumped, "lams": lams,
                       "counts": [d["counts"][x] for x in lams],
                       "mean_edge": d.get("mean_edge"),
                       "lam_max_resolved": d.get("lam_max_resolved"),
                       "lam_h2": [d["lam_h2"].get(x) for x in lams],
                       "resolved": [d["resolved"].get(x) for x in lams]})
    return counts
