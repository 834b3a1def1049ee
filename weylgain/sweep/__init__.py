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

from .execution import (  # noqa: F401 - private names the CLI and the tests reach here
    _RUNNERS,
    _dask_failure,
    _execute_recorded,
    _failure,
    _run_dask,
    _serial_notice,
    dask_available,
    execute,
    failure_line,
    run,
    unresolved_note,
)
from .records import SweepResult
from .tasks import (
    CountTask,
    ExactTask,
    GainTask,
    LearnTask,
    Task,
    count_tasks,
    learning_seeds,
    task_from_dict,
)

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

# Read by the execution module through this package (so that a test can reset it here):
# whether the "running serially" notice was given in this process.
_SERIAL_NOTICE_GIVEN = False

# the public objects are documented (and pickled) under weylgain.sweep, their home before
# the package was split into tasks, records and execution
for _obj in (CountTask, ExactTask, GainTask, LearnTask, SweepResult, count_tasks,
             learning_seeds, task_from_dict, run, dask_available, execute, failure_line,
             unresolved_note):
    _obj.__module__ = __name__
del _obj
