"""Counting on M/G against counting on M, side by side in one process (issues 3 and 21).

For a finite group G acting on a G-invariant mesh, the invariant eigenvalues of M are those of
the reduced pencil (PᵀKP, PᵀMP), P the (vertices x orbits) 0/1 matrix: about n/|G| unknowns.
For each case the table gives

* on M: assembly of (K, M) + ``count_eigenvalues`` (the full count N(lam));
* on M/G: ``weylgain.quotient(mesh, G)`` (vertex permutations of the generators, KD-tree
  matching, simplex check, union-find orbits) + ``Quotient.laplacian()`` (full assembly, then
  PᵀKP, PᵀMP) + ``count_eigenvalues`` on the reduced pencil (N_G(lam));

* on M/G, direct (spheres only): ``weylgain.quotient_sphere(k, G)`` (one face per orbit of
  base faces, never the mesh) + ``laplacian()`` + ``count_eigenvalues`` (issue 21);

with the ratio of the costs beside 1/|G|, and N_G checked against the exact invariant count
of ``weylgain.exact`` (harmonic Molien series for spheres, orbits of lattice modes for tori):
FEM eigenvalues with consistent mass are upper bounds, so the discrete count is at most the
exact one, and equal to it at these resolutions (lam h^2 small, lam between clusters).
Each case uses a fresh mesh object per run (the CSR pattern is rebuilt inside the timing on
both sides); numba kernels are compiled or loaded from the cache before any timing.

Cases (full): the icosahedral sphere(8) (655,362 vertices) with C2, D2, I and Ih, the
octahedral sphere(8) (262,146 vertices) with Oh, lam = 400 (between l = 19 and 20); the
mirrored torus T^4 with n = 10 (10,000 vertices, 240,000 4-simplices) and S4 permuting the
coordinates (24), lam = 2.5 (mesh route only). ``--quick``: sphere(5) at lam = 49 and
torus(4, 6). ``--huge``: S^2/I_h direct at sphere(10), (11) and (12) (10.5M, 41.9M and 167.8M
vertices equivalent), each in a fresh process with its peak RSS (the full mesh is not built).
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import Table, add_common_args, fmt_time, log, machine_line  # noqa: E402

from weylgain import Mesh, groups, meshes  # noqa: E402
from weylgain import exact  # noqa: E402
from weylgain.fem import laplacian  # noqa: E402
from weylgain.quotient import quotient, quotient_sphere  # noqa: E402
from weylgain.spectrum import count_eigenvalues  # noqa: E402


def _fresh(mesh: Mesh) -> Mesh:
    return Mesh(mesh.vertices, mesh.simplices, mesh.period, name=mesh.name, check=False)


def full_count(mesh: Mesh, lam: float) -> tuple[int, float, float]:
    t0 = time.perf_counter()
    K, M = laplacian(mesh)
    t1 = time.perf_counter()
    n = count_eigenvalues(K, M, lam)
    return n, t1 - t0, time.perf_counter() - t1


def quotient_count(mesh: Mesh, group, lam: float) -> tuple[int, float, float, float, int]:
    t0 = time.perf_counter()
    q = quotient(mesh, group)
    t1 = time.perf_counter()
    K, M = q.laplacian()
    t2 = time.perf_counter()
    n = count_eigenvalues(K, M, lam)
    return n, t1 - t0, t2 - t1, time.perf_counter() - t2, q.n_orbits


def direct_count(k: int, base: str, group, lam: float) -> tuple[int, float, float, float, int]:
    t0 = time.perf_counter()
    q = quotient_sphere(k, group, base=base)
    t1 = time.perf_counter()
    K, M = q.laplacian()
    t2 = time.perf_counter()
    n = count_eigenvalues(K, M, lam)
    return n, t1 - t0, t2 - t1, time.perf_counter() - t2, q.n_orbits


_HUGE = """
import json, resource, time
from weylgain.groups import named
from weylgain.quotient import quotient_sphere
from weylgain.spectrum import count_eigenvalues
from weylgain.exact import sphere_invariant_count
g = named("Ih")
t0 = time.perf_counter(); q = quotient_sphere({k}, g); t1 = time.perf_counter()
K, M = q.laplacian(); t2 = time.perf_counter()
n = count_eigenvalues(K, M, {lam}); t3 = time.perf_counter()
print(json.dumps(dict(k={k}, n_vertices=q.n_vertices, orbits=q.n_orbits, build=t1 - t0,
                      laplacian=t2 - t1, count=t3 - t2, n=int(n),
                      exact=int(sphere_invariant_count(g, {lam})),
                      peak=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024)))
"""


def huge() -> None:
    """S^2/I_h by the direct route at 10.5M, 41.9M and 167.8M vertices equivalent."""
    table = Table(["mesh", "vertices (never built)", "orbits", "build M/G", "assembly",
                   "count", "total", "N_G", "exact", "peak RSS"])
    for k in (10, 11, 12):
        log(f"... sphere:{k} / Ih (direct, fresh process)")
        run = subprocess.run([sys.executable, "-c", _HUGE.format(k=k, lam=10000.0)],
                             capture_output=True, text=True, timeout=3600)
        if run.returncode != 0:
            print(f"# sphere:{k}/Ih failed: {run.stderr.strip().splitlines()[-1:]}")
            continue
        r = json.loads(run.stdout.strip().splitlines()[-1])
        if r["n"] != r["exact"]:
            raise AssertionError(f"sphere:{k}/Ih: FEM {r['n']} != exact {r['exact']}")
        table.add(f"sphere:{k}", f"{r['n_vertices']:,}", f"{r['orbits']:,}",
                  fmt_time(r["build"]), fmt_time(r["laplacian"]), fmt_time(r["count"]),
                  fmt_time(r["build"] + r["laplacian"] + r["count"]), r["n"], r["exact"],
                  f"{r['peak'] / 2**30:.2f} GiB")
    print()
    print("# S^2/I_h by the direct route, lam = 10^4 (the mesh is never built)")
    table.print()


def best_parts(fn, repeat: int):
    """Best total of ``repeat`` runs of fn() -> (count, part seconds..., [extra])."""
    best = None
    for _ in range(max(1, repeat)):
        out = fn()
        parts = [x for x in out[1:] if isinstance(x, float)]
        if best is None or sum(parts) < sum(p for p in best[1:] if isinstance(p, float)):
            best = out
    return best


def cases(quick: bool):
    k = 5 if quick else 8
    octa = meshes.sphere(k, base="octahedron")
    ico = meshes.sphere(k)
    tor = meshes.torus(4, 6 if quick else 10, triangulation="mirrored")
    lam = 49.0 if quick else 400.0  # midpoints: 7^2 between l = 6, 7; 20^2 between l = 19, 20

    def sph(g, lam):
        return exact.sphere_invariant_count(g, lam)

    return [
        (ico, k, "icosahedron", "C2", lam, sph),
        (ico, k, "icosahedron", "D2", lam, sph),
        (ico, k, "icosahedron", "I", lam, sph),
        (ico, k, "icosahedron", "Ih", lam, sph),
        (octa, k, "octahedron", "Oh", lam, sph),
        (tor, None, None, "S4", 2.5, lambda g, lam: exact.torus_invariant_count(g, lam)),
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_common_args(parser)
    parser.add_argument("--huge", action="store_true",
                        help="also S^2/I_h direct at sphere:10-12 (up to 167.8M vertices "
                             "equivalent; about 4 GiB and a few minutes)")
    args = parser.parse_args(argv)
    print(f"# counting on M/G vs on M (weylgain) — {machine_line()}")
    t0 = time.perf_counter()
    q = quotient(meshes.sphere(1, base="octahedron"), groups.named("O"))
    count_eigenvalues(*q.laplacian(), 1.0)
    count_eigenvalues(*quotient_sphere(1, groups.named("O"), base="octahedron").laplacian(), 1.0)
    quotient(meshes.torus(4, 4, triangulation="mirrored"), groups.named("S4", dim=4))
    print(f"# numba warm-up (compile or load from cache): {fmt_time(time.perf_counter() - t0)}; "
          f"best of {args.repeat} (fresh mesh object per run)")
    table = Table(["mesh", "G", "|G|", "vertices", "orbits", "N(M)", "N_G", "exact",
                   "M: asm+count", "mesh route: build M/G", "count M/G", "mesh route total",
                   "direct: build M/G", "direct total", "mesh route / M", "direct / M",
                   "1/|G|"])
    done_full: dict = {}
    summary = []
    for mesh, k, base, spec, lam, exact_fn in cases(args.quick):
        group = groups.named(spec, dim=mesh.ambient_dim)
        order = group.order
        log(f"... {mesh.name} / {spec}")
        key = (mesh.name, lam)
        if key not in done_full:
            done_full[key] = best_parts(lambda: full_count(_fresh(mesh), lam), args.repeat)
        n_full, fa, fc = done_full[key]
        n_g, qa, qb, qc, n_orb = best_parts(lambda: quotient_count(_fresh(mesh), group, lam),
                                            args.repeat)
        n_exact = exact_fn(group, lam)
        if n_g != n_exact:
            raise AssertionError(f"{mesh.name}/{spec}: FEM invariant count {n_g} != exact "
                                 f"{n_exact} at lam = {lam}")
        full_t = fa + fc
        q_t = qa + qb + qc
        d_t = d_build = None
        if k is not None:
            n_d, da, db, dc, d_orb = best_parts(lambda: direct_count(k, base, group, lam),
                                                args.repeat)
            if n_d != n_g or d_orb != n_orb:
                raise AssertionError(f"{mesh.name}/{spec}: direct route {n_d} ({d_orb} "
                                     f"orbits) != mesh route {n_g} ({n_orb} orbits)")
            d_build, d_t = da + db, da + db + dc
        table.add(mesh.name, spec, order, f"{mesh.n_vertices:,}", f"{n_orb:,}", n_full, n_g,
                  n_exact, fmt_time(full_t), fmt_time(qa + qb), fmt_time(qc), fmt_time(q_t),
                  "-" if d_t is None else fmt_time(d_build),
                  "-" if d_t is None else fmt_time(d_t), f"{q_t / full_t:.3f}",
                  "-" if d_t is None else f"{d_t / full_t:.4f}", f"{1 / order:.4f}")
        summary.append((mesh.name, spec, order, q_t / full_t,
                        None if d_t is None else d_t / full_t))
    print()
    print(f"# lam = {'49' if args.quick else '400'} on spheres, 2.5 on T^4; 'build M/G' = "
          "quotient + reduced assembly; totals include the count on M/G")
    table.print()
    print()
    for name, spec, order, r, rd in summary:
        direct = "" if rd is None else f"; direct route {rd:.4f} = {rd * order:.2f}/|G|"
        print(f"# {name} / {spec}: mesh route {r:.3f} = {r * order:.1f}/|G|{direct}")
    print(f"# peak RSS of this process: "
          f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20:.2f} GiB")
    if args.huge:
        huge()
    print(f"# total wall time {time.perf_counter() - t0:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
