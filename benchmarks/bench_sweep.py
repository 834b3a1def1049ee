"""A threshold sweep on one pencil: serial in this process against a local Dask cluster.

40 thresholds (default) of the 164k-vertex sphere, split into tasks of ``--per-task``
thresholds. The serial sweep runs first, here (one pencil, one ordering, 40 factorizations);
then the same tasks on a ``LocalCluster`` of ``--workers`` single-threaded processes, started
beforehand (its start-up is reported apart). Each worker builds the pencil from its spec and
orders it once (the per-worker cache), so the parallel run pays that set-up once per worker.
Counts must be identical. Read the ratio, not the absolute times; check ``uptime`` first:
on a loaded machine two workers do not get two cores, so the CPU seconds of each worker's
tasks are printed too, and the share of a core each worker got (CPU over wall time).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import Table, fmt_ratio, fmt_time, machine_line  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--mesh", default="sphere:7")
    ap.add_argument("--n", type=int, default=40, help="number of thresholds")
    ap.add_argument("--lam-min", type=float, default=10.0)
    ap.add_argument("--lam-max", type=float, default=400.0)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--per-task", type=int, default=5)
    args = ap.parse_args()

    from distributed import Client, LocalCluster

    from weylgain import sweep

    print(machine_line())
    lams = np.linspace(args.lam_min, args.lam_max, args.n)
    tasks = sweep.count_tasks(args.mesh, lams, per_task=args.per_task)
    # numba kernels compiled (or loaded from the cache) untimed, as on a warm worker
    sweep.run(sweep.count_tasks("sphere:2", [4.0]), output=None, progress=False)
    sweep._PENCILS.clear()

    t0 = time.perf_counter()
    serial = sweep.run(tasks, output=None, progress=False)
    t_serial = time.perf_counter() - t0

    t0 = time.perf_counter()
    cluster = LocalCluster(n_workers=args.workers, threads_per_worker=1, processes=True,
                           dashboard_address=None)
    client = Client(cluster)
    client.run(lambda: sweep.run(sweep.count_tasks("sphere:2", [4.0]), output=None,
                                 progress=False))
    t_start = time.perf_counter() - t0
    try:
        t0 = time.perf_counter()
        par = sweep.run(tasks, client=client, output=None, progress=False)
        t_par = time.perf_counter() - t0
    finally:
        client.close()
        cluster.close()
    same = par.counts()[1].tolist() == serial.counts()[1].tolist()
    per_worker: dict[str, float] = {}
    cpu_worker: dict[str, float] = {}
    for r in par.records:
        per_worker[r["worker"]] = per_worker.get(r["worker"], 0.0) + r["seconds"]
        cpu_worker[r["worker"]] = cpu_worker.get(r["worker"], 0.0) + r["cpu_seconds"]
    cpu_serial = sum(r["cpu_seconds"] for r in serial.records)

    table = Table(["run", "tasks", "time", "speed-up", "counts equal"])
    table.add("serial (this process)", len(tasks), fmt_time(t_serial), "1.00x", "-")
    table.add(f"LocalCluster, {args.workers} workers", len(tasks), fmt_time(t_par),
              fmt_ratio(t_serial / t_par), "yes" if same else "NO")
    print(f"\n{args.mesh}: {serial.records[0]['result']['n']} vertices, {args.n} thresholds "
          f"in [{args.lam_min:g}, {args.lam_max:g}], {args.per_task} per task")
    table.print()
    print(f"cluster start-up (not in the parallel time): {fmt_time(t_start)}")
    print("task seconds per worker: "
          + ", ".join(f"{fmt_time(s)}" for s in sorted(per_worker.values())))
    print("task CPU seconds per worker: "
          + ", ".join(f"{fmt_time(s)}" for s in sorted(cpu_worker.values()))
          + f" (serial: {fmt_time(cpu_serial)})")
    # CPU over wall: the share of a core each worker got (1.0 on a quiet machine); the serial
    # CPU time also counts the spinning threads of a multi-threaded BLAS, so no ratio of CPUs
    print("share of a core each worker got: " + ", ".join(
        f"{cpu_worker[w] / per_worker[w]:.2f}" for w in sorted(per_worker)))
    print(f"N at the top threshold: {serial.counts()[1][-1]}")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
