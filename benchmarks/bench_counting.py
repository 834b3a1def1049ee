"""Counting N(lam) with each factorization backend, against the SuperLU route, peak memory.

For each mesh the P1 pencil (K, M) is assembled and N(lam) counted by Sylvester's law of
inertia with every installed backend (MKL PARDISO, MUMPS: symmetric indefinite LDL^T) and
with the SuperLU route (LU forced to diagonal pivots), each in a fresh child process run right
after the others, so that its peak resident memory (ru_maxrss: mesh, assembly and count) is
its own. Counts must agree. Ratios are SuperLU time / backend time (read them, not the
absolute times: the machine is shared).

Then, for the fastest backend on the 164k-vertex sphere: the share of the guards (input
checks, mass screen, backward error, distance to the nearest eigenvalue) in a count, and
``counting_function`` over 20 thresholds against one count (the analysis is done once).

``--quick``: small meshes (a smoke run). ``--large``: adds the 2.6M-vertex sphere and the
250k-vertex box/ball on the fast backends (SuperLU there only with ``--superlu-large``:
it takes over 20 minutes and 12 GiB on the box). LaPy's eigenpair route runs on the
41k-vertex sphere only (it takes minutes beyond).
"""

from __future__ import annotations

import argparse
import json
import math
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import Table, fmt_ratio, fmt_time, log, machine_line  # noqa: E402

# name -> (mesh spec, lam, run SuperLU by default)
CASES = {
    "sphere 41k": ("sphere:6", 400.0, True),
    "sphere 164k": ("sphere:7", 200.0, True),
    "sphere 655k": ("sphere:8", 1521.0, True),
    "sphere 2.6M": ("sphere:9", 1521.0, False),
    "box 64k": ("box:3:40", 1000.0, True),
    "box 250k": ("box:3:63", 1000.0, False),
    "ball 36k": ("ball:4", 400.0, True),
    "ball 275k": ("ball:5", 400.0, False),
    "T^3 64k": ("torus:3:40", 30.0, True),
    "T^4 65k": ("torus:4:16", 4.0, True),
}
QUICK = ["sphere 41k", "box 64k", "ball 36k", "T^4 65k"]
DEFAULT = ["sphere 41k", "sphere 164k", "sphere 655k", "box 64k", "ball 36k", "T^3 64k",
           "T^4 65k"]
LARGE = ["sphere 2.6M", "box 250k", "ball 275k"]


def _rss_gib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20  # KiB on Linux


def one(spec: str, lam: float, backend: str, lapy_k: int = 0) -> dict:
    """In a child: assemble, count (and LaPy eigs when asked); timings and peak memory."""
    from weylgain import meshes
    from weylgain.fem import laplacian
    from weylgain.spectrum import EigenCounter, count_eigenvalues

    K1, M1 = laplacian(meshes.sphere(1))  # numba and the backend library loaded untimed
    count_eigenvalues(K1, M1, 1.0)
    mesh = meshes.from_spec(spec)
    t0 = time.perf_counter()
    K, M = laplacian(mesh)
    t1 = time.perf_counter()
    base = _rss_gib()
    counter = EigenCounter(K, M, backend=backend)
    res = counter.count_result(lam)
    t2 = time.perf_counter()
    counter.close()
    out = {"n": mesh.n_vertices, "count": res.count, "backend": res.backend,
           "assembly": t1 - t0, "count_s": t2 - t1, "rss": _rss_gib(), "rss_before": base}
    if lapy_k:
        from lapy import Solver, TriaMesh

        t3 = time.perf_counter()
        evals, _ = Solver(TriaMesh(np.asarray(mesh.vertices), np.asarray(mesh.simplices))
                          ).eigs(k=lapy_k)
        out["lapy_s"] = time.perf_counter() - t3
        out["lapy_count"] = int((evals <= lam).sum()) if evals.max() > lam else None
    return out


def guards_and_reuse(spec: str, lam: float, backend: str) -> dict:
    """Guard share of one count, and 20 thresholds against one count (child process)."""
    from weylgain import meshes
    from weylgain.fem import laplacian
    from weylgain.spectrum import EigenCounter, count_eigenvalues, counting_function

    K1, M1 = laplacian(meshes.sphere(1))
    count_eigenvalues(K1, M1, 1.0)
    K, M = laplacian(meshes.from_spec(spec))
    t0 = time.perf_counter()
    counter = EigenCounter(K, M, backend=backend)  # input checks and the mass screen
    t1 = time.perf_counter()
    be = counter._get_backend(backend)  # the symbolic analysis
    t2 = time.perf_counter()
    f = be.factor(lam + counter.tolerance(lam))  # the numerical factorization
    t3 = time.perf_counter()
    ok = counter._certify(f)  # backward error and distance to the nearest eigenvalue
    t4 = time.perf_counter()
    counter.close()
    t5 = time.perf_counter()
    one_count = count_eigenvalues(K, M, lam, backend=backend)
    t6 = time.perf_counter()
    lams = np.linspace(0.5 * lam, 1.5 * lam, 20)
    counting_function(K, M, lams, backend=backend)
    t7 = time.perf_counter()
    return {"checks": t1 - t0, "analysis": t2 - t1, "factor": t3 - t2, "certify": t4 - t3,
            "trusted": bool(ok[0]), "one": t6 - t5, "twenty": t7 - t6, "count": one_count}


def _child(payload: dict) -> dict:
    cmd = [sys.executable, __file__, "--child", json.dumps(payload)]
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        return {"error": (p.stderr.strip().splitlines() or ["?"])[-1]}
    return json.loads(p.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small meshes, a smoke run")
    parser.add_argument("--large", action="store_true", help="also the largest meshes")
    parser.add_argument("--superlu-large", action="store_true",
                        help="run the SuperLU route on the largest meshes too (very long)")
    parser.add_argument("--cases", nargs="*", help=f"a subset of {list(CASES)}")
    parser.add_argument("--backends", nargs="*", help="only these fast backends")
    parser.add_argument("--no-lapy", action="store_true", help="skip LaPy's eigenpair route")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        payload = json.loads(args.child)
        fn = guards_and_reuse if payload.pop("what") == "guards" else one
        print(json.dumps(fn(**payload)))
        return 0
    from weylgain.backends import BACKENDS, available_backends

    why = available_backends()
    fast = [b for b in BACKENDS if b != "superlu" and not why[b]]
    names = args.cases or (QUICK if args.quick else DEFAULT + (LARGE if args.large else []))
    print(f"# N(lam): LDL^T backends against the SuperLU route — {machine_line()}", flush=True)
    print(f"# backends installed: {', '.join(fast + ['superlu'])}"
          + "".join(f"; {b} missing: {why[b]}" for b in BACKENDS if why[b]))
    t = Table(["mesh", "vertices", "lam", "N", "backend", "count", "vs SuperLU",
               "peak RSS", "RSS before count", "LaPy eigs", "eigs/count"])
    failed = False
    for name in names:
        spec, lam, with_superlu = CASES[name]
        run = [b for b in fast if not args.backends or b in args.backends]
        run += ["superlu"] if with_superlu or args.superlu_large else []
        rows = {}
        for b in run:
            lapy_k = 0
            if b == run[0] and name == "sphere 41k" and not args.no_lapy:
                lapy_k = 441  # N(400) = 400 on the sphere: k above it
            log(f"... {name} with {b}")
            rows[b] = _child({"what": "one", "spec": spec, "lam": lam, "backend": b,
                              "lapy_k": lapy_k})
        counts = {r["count"] for r in rows.values() if "count" in r}
        if len(counts) > 1:
            failed = True
        ref = rows.get("superlu", {}).get("count_s")
        for b, r in rows.items():
            if "error" in r:
                t.add(name, "", f"{lam:g}", "", b, "failed: " + r["error"][:60], "", "", "",
                      "", "")
                continue
            ratio = fmt_ratio(ref / r["count_s"]) if ref and b != "superlu" else "—"
            lapy = r.get("lapy_s")
            t.add(name, f"{r['n']:,}", f"{lam:g}", r["count"], r["backend"],
                  fmt_time(r["count_s"]), ratio, f"{r['rss']:.2f} GiB",
                  f"{r['rss_before']:.2f} GiB", fmt_time(lapy),
                  fmt_ratio(lapy / r["count_s"]) if lapy else "—")
        if "superlu" not in rows:
            t.add(name, "", f"{lam:g}", "", "superlu", "not run (--superlu-large)", "", "", "",
                  "", "")
        log(t.render())  # the table so far, in case a later case is stopped
    print()
    print("## one count (assembly excluded; each row a fresh process, run back to back)")
    t.print()
    if fast and not args.quick:
        b = fast[0]
        log(f"... guards and 20 thresholds on the 164k sphere with {b}")
        g = _child({"what": "guards", "spec": "sphere:7", "lam": 200.0, "backend": b})
        if "error" not in g:
            work = g["analysis"] + g["factor"]
            guards = g["checks"] + g["certify"]
            t2 = Table(["backend", "checks + mass screen", "analysis", "factorization",
                        "backward error + distance", "guards / (analysis + factorization)",
                        "one count", "20 thresholds", "20 / one"])
            t2.add(b, fmt_time(g["checks"]), fmt_time(g["analysis"]), fmt_time(g["factor"]),
                   fmt_time(g["certify"]), f"{100 * guards / work:.0f} %", fmt_time(g["one"]),
                   fmt_time(g["twenty"]), fmt_ratio(g["twenty"] / g["one"]))
            print()
            print("## the 164k-vertex sphere at lam = 200: guards, and counting_function reuse")
            t2.print()
    if failed:
        raise AssertionError("the backends' counts differ")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
