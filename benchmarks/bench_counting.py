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

Then (issue 21) for each fast backend, in one process per mesh with the sides interleaved (best
of 3): every ordering the backend offers, with the analysis' predicted factor entries and flops
and the one ``"auto"`` takes; a guarded count against the bare analysis + one factorization of
the same pencil; ``counting_function`` over 20 thresholds against one analysis + 20 raw
factorizations. ``--sections`` picks among ``counts``, ``guards``, ``orderings`` and
``overhead``.

``--quick``: small meshes (a smoke run). ``--large``: adds the 2.6M-vertex sphere, the
250k-vertex box and ball and the 65k-vertex T^4 on the fast backends (SuperLU there only with
``--superlu-large``: it takes over 20 minutes and 12 GiB on the box, and did not finish in 16
minutes on T^4). ``--huge``: the 10.5M-vertex sphere with the fastest backend alone. LaPy's
eigenpair route runs on the 41k-vertex sphere and the 36k-vertex ball (it takes minutes
beyond); its count is checked against the others.
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
    "T^3 14k": ("torus:3:24", 7.0, True),   # the finest T^3 of measure_gain
    "T^3 64k": ("torus:3:40", 30.0, True),
    "T^4 10k": ("torus:4:10", 4.0, True),
    "T^4 65k": ("torus:4:16", 4.0, False),  # SuperLU: over 16 min and 7 GiB (not finished)
    "sphere 10.5M": ("sphere:10", 1521.0, False),
}
QUICK = ["sphere 41k", "box 64k", "ball 36k", "T^4 10k"]
DEFAULT = ["sphere 41k", "sphere 164k", "sphere 655k", "box 64k", "ball 36k", "T^3 14k",
           "T^3 64k", "T^4 10k"]
LARGE = ["sphere 2.6M", "box 250k", "ball 275k", "T^4 65k"]
HUGE = ["sphere 10.5M"]  # PARDISO only: about 10 minutes and most of 24 GiB
# the orderings and overhead tables (issue 21): surfaces and tetrahedral boxes within ~4 GiB
ORDER_CASES = ["sphere 164k", "sphere 655k", "box 64k", "box 250k"]
ORDER_QUICK = ["sphere 41k", "box 64k"]
# LaPy's eigenpair route where it finishes within minutes: k eigenpairs, k above N(lam)
LAPY_K = {"sphere 41k": 441, "ball 36k": 630}


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
    n = mesh.n_vertices
    if not lapy_k:
        del mesh  # a user counting a huge mesh keeps K and M, not necessarily the mesh
    base = _rss_gib()
    counter = EigenCounter(K, M, backend=backend)
    res = counter.count_result(lam)
    t2 = time.perf_counter()
    counter.close()
    out = {"n": n, "count": res.count, "backend": res.backend,
           "assembly": t1 - t0, "count_s": t2 - t1, "rss": _rss_gib(), "rss_before": base}
    if lapy_k:
        from lapy import Solver, TetMesh, TriaMesh

        t3 = time.perf_counter()
        kind = TriaMesh if mesh.simplices.shape[1] == 3 else TetMesh
        evals, _ = Solver(kind(np.asarray(mesh.vertices), np.asarray(mesh.simplices))
                          ).eigs(k=lapy_k)
        out["lapy_s"] = time.perf_counter() - t3
        out["lapy_count"] = int((evals <= lam).sum()) if evals.max() > lam else None
    return out


def guards_and_reuse(spec: str, lam: float, backend: str) -> dict:
    """Guard share of one count, and 20 thresholds against one count (child process)."""
    from weylgain import meshes
    from weylgain._kernels.pencil import max_asymmetry
    from weylgain.fem import laplacian
    from weylgain.spectrum import EigenCounter, count_eigenvalues, counting_function

    K1, M1 = laplacian(meshes.sphere(1))
    count_eigenvalues(K1, M1, 1.0)
    K, M = laplacian(meshes.from_spec(spec))
    best: dict[str, float] = {}

    def keep(key: str, seconds: float) -> None:
        best[key] = min(best.get(key, math.inf), seconds)

    trusted = True
    for _ in range(3):  # best of 3: each part of a count, in the order a count runs them
        t0 = time.perf_counter()
        counter = EigenCounter(K, M, backend=backend, check_mass=False)  # checks + storage
        t1 = time.perf_counter()
        counter.pencil.check_mass_positive_definite()  # the mass screen
        t2 = time.perf_counter()
        be = counter._get_backend(backend)  # the symbolic analysis
        t3 = time.perf_counter()
        f = be.factor(lam + counter.tolerance(lam))  # the numerical factorization
        t4 = time.perf_counter()
        trusted &= bool(counter._certify(f)[0])  # backward error, distance to an eigenvalue
        t5 = time.perf_counter()
        counter.close()
        for key, dt in (("pencil", t1 - t0), ("mass", t2 - t1), ("analysis", t3 - t2),
                        ("factor", t4 - t3), ("certify", t5 - t4)):
            keep(key, dt)
        # the symmetry test inside the pencil's construction, timed on its own
        t6 = time.perf_counter()
        for A in (K, M):
            max_asymmetry(A.indptr.astype(np.int64), A.indices.astype(np.int64), A.data,
                          A.shape[0])
        keep("symmetry", time.perf_counter() - t6)
    t5 = time.perf_counter()
    one_count = count_eigenvalues(K, M, lam, backend=backend)
    t6 = time.perf_counter()
    lams = np.linspace(0.5 * lam, 1.5 * lam, 20)
    counting_function(K, M, lams, backend=backend)
    t7 = time.perf_counter()
    return {**best, "trusted": trusted, "one": t6 - t5, "twenty": t7 - t6, "count": one_count}


def orderings(spec: str, lam: float, backend: str) -> dict:
    """Each ordering of ``backend`` on one pencil (child process): analysis and factorization
    times (best of 3), the predicted factor entries and flops, and which one "auto" takes."""
    from weylgain import meshes
    from weylgain.backends import Pencil, backend_class
    from weylgain.fem import laplacian
    from weylgain.spectrum import count_eigenvalues

    K1, M1 = laplacian(meshes.sphere(1))
    count_eigenvalues(K1, M1, 1.0, backend=backend)
    K, M = laplacian(meshes.from_spec(spec))
    pencil = Pencil(K, M)
    cls = backend_class(backend)
    module = sys.modules[cls.__module__]
    names = ["nd-parallel", "nd"] if backend == "pardiso" else ["nd", "pord"]
    auto = cls(pencil).ordering if backend == "pardiso" else module.choose_ordering(pencil)
    rows: dict[str, dict] = {}
    for _ in range(3):  # interleaved, so that a change of load hits every ordering alike
        for name in names:
            t0 = time.perf_counter()
            be = cls(pencil, ordering=name)
            t1 = time.perf_counter()
            f = be.factor(lam)
            t2 = time.perf_counter()
            r = rows.setdefault(name, {"analysis": math.inf, "factor": math.inf})
            r["analysis"] = min(r["analysis"], t1 - t0)
            r["factor"] = min(r["factor"], t2 - t1)
            r.update(nnz=be.factor_nonzeros, flops=be.factor_flops,
                     count=f.inertia.negative, used=be.ordering)
            f.free()
            be.close()
    row_nonzeros = (2.0 * pencil.nnz - pencil.n) / pencil.n
    return {"n": pencil.n, "row_nonzeros": row_nonzeros, "auto": auto, "rows": rows}


def overhead(spec: str, lam: float, backend: str, thresholds: int = 20) -> dict:
    """A guarded count against the bare analysis + one factorization of the same pencil, and
    ``counting_function`` over ``thresholds`` thresholds against one analysis + that many raw
    factorizations (child process; best of 3, the sides interleaved)."""
    from weylgain import meshes
    from weylgain.backends import Pencil, backend_class
    from weylgain.fem import laplacian
    from weylgain.spectrum import EigenCounter, count_eigenvalues, counting_function

    K1, M1 = laplacian(meshes.sphere(1))
    count_eigenvalues(K1, M1, 1.0, backend=backend)
    K, M = laplacian(meshes.from_spec(spec))
    cls = backend_class(backend)
    lams = np.linspace(0.5 * lam, 1.5 * lam, thresholds)
    best: dict[str, float] = {}

    def keep(key: str, seconds: float) -> None:
        best[key] = min(best.get(key, math.inf), seconds)

    for _ in range(3):
        t0 = time.perf_counter()
        pencil = Pencil(K, M)  # what a bare user of the library would pass it: excluded
        t1 = time.perf_counter()
        be = cls(pencil)
        t2 = time.perf_counter()
        be.factor(lam).free()
        t3 = time.perf_counter()
        for sigma in lams[1:]:
            be.factor(sigma).free()
        t4 = time.perf_counter()
        be.close()
        keep("pencil", t1 - t0)
        keep("bare", t3 - t1)
        keep("bare_many", t4 - t1)
        t5 = time.perf_counter()
        count = count_eigenvalues(K, M, lam, backend=backend)
        t6 = time.perf_counter()
        counts = counting_function(K, M, lams, backend=backend)
        t7 = time.perf_counter()
        keep("guarded", t6 - t5)
        keep("many", t7 - t6)
        # the parts of the guards, in the order a count runs them
        t8 = time.perf_counter()
        counter = EigenCounter(K, M, backend=backend, check_mass=False)
        t9 = time.perf_counter()
        counter.pencil.check_mass_positive_definite()
        t10 = time.perf_counter()
        be = counter._get_backend(backend)
        f = be.factor(lam + counter.tolerance(lam))
        counter.pencil.mass_lower_bound()  # once per pencil (timed apart below)
        kind = counter.pencil.mass_bound_kind or "none"
        extra: list[int] = []
        direct = counter._smallest_magnitude

        def spy(*a, _direct=direct, _extra=extra):
            _extra.append(1)
            return _direct(*a)

        counter._smallest_magnitude = spy
        t11 = time.perf_counter()
        counter._certify(f)
        t12 = time.perf_counter()
        counter.close()
        fresh = Pencil(K, M)
        t13 = time.perf_counter()
        fresh.mass_lower_bound()
        keep("floor", time.perf_counter() - t13)
        del fresh
        keep("checks", t9 - t8)
        keep("mass", t10 - t9)
        keep("certify", t12 - t11)
    return {**best, "count": int(count), "counts_last": int(counts[-1]),
            "thresholds": thresholds, "solves": 2 + len(extra),
            "floor_kind": kind}


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
    parser.add_argument("--huge", action="store_true",
                        help="also the 10.5M-vertex sphere (PARDISO only, most of 24 GiB)")
    parser.add_argument("--superlu-large", action="store_true",
                        help="run the SuperLU route on the largest meshes too (very long)")
    parser.add_argument("--cases", nargs="*", help=f"a subset of {list(CASES)}")
    parser.add_argument("--backends", nargs="*", help="only these fast backends")
    parser.add_argument("--no-lapy", action="store_true", help="skip LaPy's eigenpair route")
    parser.add_argument("--sections", nargs="*",
                        default=["counts", "guards", "orderings", "overhead"],
                        help="counts, guards, orderings, overhead (default: all)")
    parser.add_argument("--order-cases", nargs="*",
                        help=f"meshes for the orderings and overhead tables (default "
                             f"{ORDER_CASES})")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        payload = json.loads(args.child)
        fn = {"guards": guards_and_reuse, "one": one, "orderings": orderings,
              "overhead": overhead}[payload.pop("what")]
        print(json.dumps(fn(**payload)))
        return 0
    from weylgain.backends import BACKENDS, available_backends

    why = available_backends()
    fast = [b for b in BACKENDS if b != "superlu" and not why[b]]
    names = args.cases or (QUICK if args.quick else DEFAULT + (LARGE if args.large else [])
                           + (HUGE if args.huge else []))
    print(f"# N(lam): LDL^T backends against the SuperLU route — {machine_line()}", flush=True)
    print(f"# backends installed: {', '.join(fast + ['superlu'])}"
          + "".join(f"; {b} missing: {why[b]}" for b in BACKENDS if why[b]))
    t = Table(["mesh", "vertices", "lam", "N", "backend", "count", "vs SuperLU",
               "peak RSS", "RSS before count", "LaPy eigs", "eigs/count"])
    failed = False
    for name in (names if "counts" in args.sections else []):
        spec, lam, with_superlu = CASES[name]
        run = [b for b in fast if not args.backends or b in args.backends]
        if name in HUGE:
            run = run[:1]
        run += ["superlu"] if with_superlu or args.superlu_large else []
        rows = {}
        for b in run:
            lapy_k = 0
            if b == run[0] and name in LAPY_K and not args.no_lapy:
                lapy_k = LAPY_K[name]
            log(f"... {name} with {b}")
            rows[b] = _child({"what": "one", "spec": spec, "lam": lam, "backend": b,
                              "lapy_k": lapy_k})
        counts = {r["count"] for r in rows.values() if "count" in r}
        counts |= {r["lapy_count"] for r in rows.values() if r.get("lapy_count") is not None}
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
    if "counts" in args.sections:
        print()
        print("## one count (assembly excluded; each row a fresh process, run back to back)")
        t.print()
    if fast and not args.quick and "guards" in args.sections:
        b = fast[0]
        log(f"... guards and 20 thresholds on the 164k sphere with {b}")
        g = _child({"what": "guards", "spec": "sphere:7", "lam": 200.0, "backend": b})
        if "error" not in g:
            work = g["analysis"] + g["factor"]
            guards = g["symmetry"] + g["mass"] + g["certify"]
            total = g["pencil"] + g["mass"] + work + g["certify"]
            t2 = Table(["backend", "pencil (symmetry test)", "mass screen", "analysis",
                        "factorization", "backward error + distance",
                        "guards / count", "guards / (analysis + factorization)",
                        "one count", "20 thresholds", "20 / one"])
            t2.add(b, f"{fmt_time(g['pencil'])} ({fmt_time(g['symmetry'])})",
                   fmt_time(g["mass"]), fmt_time(g["analysis"]), fmt_time(g["factor"]),
                   fmt_time(g["certify"]), f"{100 * guards / total:.0f} %",
                   f"{100 * guards / work:.0f} %", fmt_time(g["one"]),
                   fmt_time(g["twenty"]), fmt_ratio(g["twenty"] / g["one"]))
            print()
            print("## the 164k-vertex sphere at lam = 200: guards (best of 3 each), and "
                  "counting_function reuse")
            print("guards = the symmetry test + the mass screen + backward error and distance; "
                  "a count = pencil + mass screen + analysis + factorization + backward error "
                  "and distance")
            t2.print()
    order_names = args.order_cases or (ORDER_QUICK if args.quick else ORDER_CASES)
    order_backends = [b for b in fast if not args.backends or b in args.backends]
    if "orderings" in args.sections and order_backends:
        t3 = Table(["mesh", "vertices", "entries a row", "backend", "ordering", "auto",
                    "analysis", "factorization", "analysis + factorization", "factor entries",
                    "predicted flops", "N"])
        for name in order_names:
            spec, lam, _ = CASES[name]
            for b in order_backends:
                log(f"... orderings of {b} on {name}")
                r = _child({"what": "orderings", "spec": spec, "lam": lam, "backend": b})
                if "error" in r:
                    t3.add(name, "", "", b, "failed: " + r["error"][:60], *[""] * 7)
                    continue
                counts = {row["count"] for row in r["rows"].values()}
                failed |= len(counts) > 1
                for o, row in r["rows"].items():
                    t3.add(name, f"{r['n']:,}", f"{r['row_nonzeros']:.1f}", b, row["used"],
                           "yes" if o == r["auto"] else "", fmt_time(row["analysis"]),
                           fmt_time(row["factor"]), fmt_time(row["analysis"] + row["factor"]),
                           f"{row['nnz'] / 1e6:.2f}M", f"{row['flops']:.3g}", row["count"])
                log(t3.render())
        print()
        print("## orderings per backend (one process per mesh and backend, orderings "
              "interleaved, best of 3)")
        t3.print()
    if "overhead" in args.sections and order_backends:
        t4 = Table(["mesh", "backend", "analysis + factorization", "guarded count",
                    "guarded / bare", "input checks", "mass screen", "mass floor (once)",
                    "certificate", "solves", "analysis + 20 factorizations",
                    "counting_function (20)", "ratio"])
        for name in order_names:
            spec, lam, _ = CASES[name]
            for b in order_backends:
                log(f"... guard overhead of {b} on {name}")
                g = _child({"what": "overhead", "spec": spec, "lam": lam, "backend": b})
                if "error" in g:
                    t4.add(name, b, "failed: " + g["error"][:60], *[""] * 10)
                    continue
                t4.add(name, b, fmt_time(g["bare"]), fmt_time(g["guarded"]),
                       f"{g['guarded'] / g['bare']:.3f}", fmt_time(g["checks"]),
                       fmt_time(g["mass"]), f"{fmt_time(g['floor'])} ({g['floor_kind']})",
                       fmt_time(g["certify"]), g["solves"],
                       fmt_time(g["bare_many"]), fmt_time(g["many"]),
                       f"{g['many'] / g['bare_many']:.3f}")
                log(t4.render())
        print()
        print("## guard overhead: a guarded count (pencil checks, mass screen, analysis, "
              "factorization, certificate) against the bare analysis + factorization of the "
              "same pencil; counting_function over 20 thresholds against one analysis + 20 "
              "raw factorizations (one process, interleaved, best of 3); 'solves' = the "
              "certificate's solves a threshold (2 where the mass floor proves the inertia, "
              "3 where the direct check runs)")
        t4.print()
    if failed:
        raise AssertionError("the backends' counts differ")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
