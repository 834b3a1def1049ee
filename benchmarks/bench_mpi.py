"""One pencil on MPI: ``mpiexec -n 2`` against one rank on the 64k-vertex box, and a scaling
estimate for a 10^8-vertex mesh from MUMPS's own statistics.

Each run is a fresh ``mpiexec -n P python -m weylgain.mpi`` (distributed assembly, MUMPS
analysis once, one LDL^T factorization per threshold), run one after the other; the serial
counter (:class:`weylgain.EigenCounter`) runs in a child process too. Reported: the count
(must be equal), the wall time of the count (rank 0, assembly included), peak resident memory
of every rank, MUMPS's memory on the largest rank (INFOG(21)), factor entries (INFOG(29)) and
flops per factorization (RINFOG(3)).

The estimate: for 3-D meshes under nested dissection the factor has O(n^(4/3)) entries and
costs O(n^2) flops; the exponents are also fitted from a smaller box measured here, and both
extrapolations are printed for n = 10^8, with the memory (8 bytes an entry, plus MUMPS's
integer overhead measured here) and the time at an assumed sustained factorization rate.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import Table, fmt_ratio, fmt_time, machine_line  # noqa: E402

_ENV = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1",
            OMPI_MCA_rmaps_base_oversubscribe="1", OMP_NUM_THREADS="1",
            OPENBLAS_NUM_THREADS="1")

_SERIAL = """
import json, resource, sys, time
from weylgain import meshes, laplacian, EigenCounter
mesh = meshes.from_spec(sys.argv[1]); lam = float(sys.argv[2])
t0 = time.perf_counter()
K, M = laplacian(mesh)
c = EigenCounter(K, M).count(lam)
print(json.dumps({"count": int(c), "seconds": time.perf_counter() - t0,
                  "rss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def _mpi(n: int, mesh: str, lam: float) -> dict:
    cmd = ["mpiexec", "-n", str(n), "--oversubscribe"]
    if os.geteuid() == 0:
        cmd.append("--allow-run-as-root")
    cmd += [sys.executable, "-m", "weylgain.mpi", "--mesh", mesh, "--lam", str(lam), "--json"]
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, env=_ENV, timeout=3600)
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        raise SystemExit(f"mpiexec failed: {proc.stderr}")
    line = next(x for x in proc.stdout.splitlines() if "{" in x)
    out = json.loads(line[line.index("{"):])
    out["wall"] = wall
    return out


def _serial(mesh: str, lam: float) -> dict:
    proc = subprocess.run([sys.executable, "-c", _SERIAL, mesh, str(lam)], capture_output=True,
                          text=True, env=_ENV, timeout=3600)
    if proc.returncode != 0:
        raise SystemExit(f"serial count failed: {proc.stderr}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--mesh", default="box:3:40", help="default: the 64k-vertex box")
    ap.add_argument("--small", default="box:3:25", help="smaller mesh for the fitted exponents")
    ap.add_argument("--lam", type=float, default=1000.0)
    ap.add_argument("--ranks", type=int, default=2)
    ap.add_argument("--target", type=float, default=1e8, help="vertices of the estimate")
    ap.add_argument("--gflops", type=float, default=10.0,
                    help="assumed sustained factorization rate per core (GFlop/s)")
    ap.add_argument("--cores", type=int, default=1024, help="cores of the assumed cluster")
    args = ap.parse_args()
    if shutil.which("mpiexec") is None:
        raise SystemExit("needs mpiexec (apt-get install openmpi-bin libopenmpi-dev libmumps-dev)")
    print(machine_line())

    ser = _serial(args.mesh, args.lam)
    one = _mpi(1, args.mesh, args.lam)
    many = _mpi(args.ranks, args.mesh, args.lam)
    table = Table(["run", "N(lam)", "count time", "speed-up", "peak RSS per rank",
                   "MUMPS MB (max rank)", "factor entries", "flops"])
    table.add("serial EigenCounter", ser["count"], fmt_time(ser["seconds"]), "-",
              f"{ser['rss']:.0f} MB", "-", "-", "-")
    for r in (one, many):
        table.add(f"mpiexec -n {r['n_ranks']}", r["counts"][0], fmt_time(r["seconds"]),
                  fmt_ratio(one["seconds"] / r["seconds"]),
                  " / ".join(f"{x:.0f}" for x in r["peak_rss_mb"]) + " MB",
                  r["mumps_memory_mb_max"], f"{r['factor_entries']:.3g}", f"{r['flops']:.3g}")
    print(f"\n{args.mesh}: {one['n_vertices']} vertices, {one['n_simplices']} tetrahedra, "
          f"lam = {args.lam:g}")
    table.print()
    equal = ser["count"] == one["counts"][0] == many["counts"][0]
    print(f"counts equal: {'yes' if equal else 'NO'}; mpiexec wall time (start-up, imports, "
          f"mesh on every rank): {fmt_time(one['wall'])} / {fmt_time(many['wall'])}")

    small = _mpi(1, args.small, args.lam)
    n0, n1 = small["n_vertices"], one["n_vertices"]
    fit_f = math.log(one["factor_entries"] / small["factor_entries"]) / math.log(n1 / n0)
    fit_w = math.log(one["flops"] / small["flops"]) / math.log(n1 / n0)
    ratio = args.target / n1
    bytes_per_entry = one["mumps_memory_mb_total"] * 2**20 / one["factor_entries"]
    print(f"\nscaling estimate for n = {args.target:.3g} vertices (3-D, nested dissection), "
          f"from {args.mesh} ({n1}) and {args.small} ({n0}):")
    est = Table(["model", "factor entries", "memory", "flops per count",
                 f"time on {args.cores} cores at {args.gflops:g} GF/s"])
    for name, ef, ew in (("theory n^(4/3), n^2", 4 / 3, 2.0),
                         (f"fitted n^{fit_f:.2f}, n^{fit_w:.2f}", fit_f, fit_w)):
        entries = one["factor_entries"] * ratio ** ef
        flops = one["flops"] * ratio ** ew
        mem = entries * bytes_per_entry
        secs = flops / (args.cores * args.gflops * 1e9)
        est.add(name, f"{entries:.2g}", f"{mem / 2**40:.1f} TiB", f"{flops:.2g}",
                f"{secs / 3600:.1f} h" if secs > 3600 else fmt_time(secs))
    est.print()
    print(f"(MUMPS memory per factor entry measured here: {bytes_per_entry:.1f} bytes; "
          "fitted exponents over a small range include lower-order terms)")
    return 0 if equal else 1


if __name__ == "__main__":
    sys.exit(main())
