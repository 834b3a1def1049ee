"""The guards' share of a count: a guarded count against the bare analysis + factorization.

For each mesh and fast backend (MKL PARDISO, MUMPS), in one child process per pair, the sides
interleaved (their order alternating between repeats) and the best of ``--repeats`` kept:

* **bare**: the backend called directly on an already stored pencil: its symbolic analysis
  and one numerical factorization of K - lam M, the inertia read from the library (what a
  user who trusts the library's inertia blindly would pay; the pencil's construction is not
  timed on this side);
* **guarded**: :func:`weylgain.count_eigenvalues` from K and M: the input checks (real,
  square, finite, symmetric; the union of the upper triangles), the mass screen and the
  proven mass floor, the analysis, the factorization and the certificate (backward error,
  two steps of inverse iteration for the distance to the spectrum, the floor test);
* the same over 20 thresholds: one analysis + 20 raw factorizations against
  :func:`weylgain.counting_function`.

Then the parts of a guarded count, each timed on its own (best of the repeats): the pencil's
checks and storage, the mass screen (with the floor), the analysis, one factorization, the
certificate and one bare solve with the factors; and the floor that the certificate's two
dependent solves set under the ratios (``1 + 2 solves / bare``), which no other cut can go
below.

``--tree DIR`` runs the package found in DIR (for example an exported older commit) instead
of the installed one, for before/after tables. Read the ratios, not the absolute times: the
machine is shared.
"""

from __future__ import annotations

import argparse
import json
import math
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

# name -> (mesh spec, lam)
CASES = {
    "sphere 41k": ("sphere:6", 400.0),
    "sphere 164k": ("sphere:7", 200.0),
    "sphere 655k": ("sphere:8", 1521.0),
    "box 64k": ("box:3:40", 1000.0),
    "box 250k": ("box:3:63", 1000.0),
}
DEFAULT = ["sphere 41k", "sphere 164k", "sphere 655k", "box 64k"]


def measure(spec: str, lam: float, backend: str, repeats: int, thresholds: int) -> dict:
    """In a child process: the bare and guarded sides, interleaved, best of ``repeats``."""
    import numpy as np

    from weylgain import meshes
    from weylgain.backends import Pencil, backend_class
    from weylgain.fem import laplacian
    from weylgain.spectrum import EigenCounter, count_eigenvalues, counting_function

    K1, M1 = laplacian(meshes.sphere(3))  # compile / load every kernel first (sparse route)
    count_eigenvalues(K1, M1, 10.0, backend=backend)
    counting_function(K1, M1, [10.0, 20.0], backend=backend)
    K, M = laplacian(meshes.from_spec(spec))
    cls = backend_class(backend)
    lams = np.linspace(0.5 * lam, 1.5 * lam, thresholds)
    best: dict[str, float] = {}

    def keep(key: str, seconds: float, cpu0: float | None = None) -> None:
        best[key] = min(best.get(key, math.inf), seconds)
        if cpu0 is not None:  # process CPU time (all threads): the work, without the waits
            cpu = time.process_time() - cpu0
            best[key + "_cpu"] = min(best.get(key + "_cpu", math.inf), cpu)

    def bare_one() -> int:
        pencil = Pencil(K, M)
        c0, t0 = time.process_time(), time.perf_counter()
        be = cls(pencil)
        f = be.factor(lam)
        neg = f.inertia.negative
        f.free()
        be.close()
        keep("bare", time.perf_counter() - t0, c0)
        return neg

    def bare_many() -> int:
        pencil = Pencil(K, M)
        c0, t0 = time.process_time(), time.perf_counter()
        be = cls(pencil)
        negs = []
        for sigma in lams:
            f = be.factor(sigma)
            negs.append(f.inertia.negative)
            f.free()
        be.close()
        keep("bare_many", time.perf_counter() - t0, c0)
        return negs[-1]

    def guarded_one() -> int:
        c0, t0 = time.process_time(), time.perf_counter()
        c = count_eigenvalues(K, M, lam, backend=backend)
        keep("guarded", time.perf_counter() - t0, c0)
        return int(c)

    def guarded_many() -> int:
        c0, t0 = time.process_time(), time.perf_counter()
        c = counting_function(K, M, lams, backend=backend)
        keep("many", time.perf_counter() - t0, c0)
        return int(c[-1])

    counts: dict[str, int] = {}
    for r in range(repeats):
        pairs = [(bare_one, guarded_one), (bare_many, guarded_many)]
        for a, b in pairs:
            for fn in ((a, b) if r % 2 == 0 else (b, a)):
                counts[fn.__name__] = fn()
        # the parts of a guarded count, in the order a count runs them
        t0 = time.perf_counter()
        counter = EigenCounter(K, M, backend=backend, check_mass=False)
        t1 = time.perf_counter()
        counter.pencil.check_mass_positive_definite()
        counter.pencil.mass_lower_bound()
        t2 = time.perf_counter()
        be = counter._get_backend(backend)
        t3 = time.perf_counter()
        f = be.factor(lam + counter.tolerance(lam))
        t4 = time.perf_counter()
        counter._certify(f)
        t5 = time.perf_counter()
        f.solve(np.ones(counter.n))
        t6 = time.perf_counter()
        f.free()
        counter.close()
        for key, dt in (("checks", t1 - t0), ("mass", t2 - t1), ("analysis", t3 - t2),
                        ("factor", t4 - t3), ("certify", t5 - t4), ("solve", t6 - t5)):
            keep(key, dt)
    if counts["bare_one"] != counts["guarded_one"] or counts["bare_many"] != counts["guarded_many"]:
        raise AssertionError(f"bare and guarded counts differ: {counts}")
    return {**best, "n": int(K.shape[0]), "count": counts["guarded_one"],
            "thresholds": thresholds}


def _child(payload: dict, tree: str | None) -> dict:
    cmd = [sys.executable, __file__, "--child", json.dumps(payload)]
    if tree:
        cmd += ["--tree", tree]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("{")]
    if proc.returncode != 0 or not lines:
        return {"error": (proc.stderr.strip().splitlines() or ["no output"])[-1]}
    return json.loads(lines[-1])


def _cpu_ratio(g: dict, top: str, bottom: str) -> str:
    if top + "_cpu" not in g or not g[bottom + "_cpu"] > 0:
        return "—"
    return f"{g[top + '_cpu'] / g[bottom + '_cpu']:.3f}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", nargs="*", default=DEFAULT, choices=list(CASES))
    parser.add_argument("--backends", nargs="*", default=["pardiso", "mumps"])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--thresholds", type=int, default=20)
    parser.add_argument("--tree", default=None,
                        help="run the weylgain package found in this directory")
    parser.add_argument("--json", default=None, help="also write the rows here")
    parser.add_argument("--child", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child is not None:
        payload = json.loads(args.child)
        if args.tree:  # ahead of the installed (editable) package
            sys.meta_path[:] = [f for f in sys.meta_path if "editable" not in repr(f).lower()]
            sys.path.insert(0, str(Path(args.tree).resolve()))
        import weylgain

        out = measure(**payload)
        out["package"] = str(Path(weylgain.__file__).resolve().parent)
        print(json.dumps(out))
        return 0
    from _common import Table, fmt_time, log, machine_line

    from weylgain.backends import available_backends

    avail = available_backends()
    backends = [b for b in args.backends if not avail.get(b, "missing")]
    t1 = Table(["mesh", "backend", "n", "analysis + factorization", "guarded count",
                "guarded / bare", f"analysis + {args.thresholds} factorizations",
                f"counting_function ({args.thresholds})", "guarded / bare",
                "CPU: one", f"CPU: {args.thresholds}"])
    t2 = Table(["mesh", "backend", "input checks", "mass screen + floor", "analysis",
                "factorization", "certificate", "one solve"])
    # the two dependent solves of the certificate (backward error and the second step of
    # inverse iteration, issue 20) set a floor under the guarded / bare ratio whatever else
    # is cut: 1 + 2 solves / bare for one count, 1 + 2 solves / (bare per threshold) for many
    t3 = Table(["mesh", "backend", "one solve / factorization", "floor: one count",
                f"floor: {args.thresholds} thresholds"])
    rows = []
    for name in args.cases:
        spec, lam = CASES[name]
        for b in backends:
            log(f"... {b} on {name}")
            g = _child({"spec": spec, "lam": lam, "backend": b, "repeats": args.repeats,
                        "thresholds": args.thresholds}, args.tree)
            rows.append({"mesh": name, "backend": b, **g})
            if args.json:  # row by row: a long run stopped halfway keeps what it measured
                Path(args.json).write_text(json.dumps(rows, indent=1))
            if "error" in g:
                t1.add(name, b, "failed: " + g["error"][:60], *[""] * 8)
                continue
            t1.add(name, b, g["n"], fmt_time(g["bare"]), fmt_time(g["guarded"]),
                   f"{g['guarded'] / g['bare']:.3f}", fmt_time(g["bare_many"]),
                   fmt_time(g["many"]), f"{g['many'] / g['bare_many']:.3f}",
                   _cpu_ratio(g, "guarded", "bare"), _cpu_ratio(g, "many", "bare_many"))
            t2.add(name, b, fmt_time(g["checks"]), fmt_time(g["mass"]), fmt_time(g["analysis"]),
                   fmt_time(g["factor"]), fmt_time(g["certify"]), fmt_time(g["solve"]))
            t3.add(name, b, f"{g['solve'] / g['factor']:.3f}",
                   f"{1 + 2 * g['solve'] / g['bare']:.3f}",
                   f"{1 + 2 * g['solve'] * args.thresholds / g['bare_many']:.3f}")
            log(t1.render())
    print(machine_line())
    if args.tree:
        print(f"package: {args.tree}")
    print(f"\n## a guarded count against the bare analysis + factorization (one process a row, "
          f"sides interleaved, best of {args.repeats}; 'CPU': the same ratios in process CPU "
          "time, all threads, which a loaded machine's waits do not inflate)")
    t1.print()
    print("\n## the parts of a guarded count (best of the repeats)")
    t2.print()
    print("\n## the floor the certificate's two dependent solves set under guarded / bare")
    t3.print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
