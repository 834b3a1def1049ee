"""Counting on M/G against counting on M, side by side in one process (issues 3 and 21).

For a finite group G acting on a G-invariant mesh, the invariant eigenvalues of M are those of
the reduced pencil (PᵀKP, PᵀMP), P the (vertices x orbits) 0/1 matrix: about n/|G| unknowns.
For each case the table gives

* on M: assembly of (K, M) + ``count_eigenvalues`` (the full count N(lam));
* on M/G: ``weylgain.quotient(mesh, G)`` (vertex permutations of the generators, KD-tree
  matching, simplex check, union-find orbits) + ``Quotient.laplacian()`` (full assembly, then
  PᵀKP, PᵀMP) + ``count_eigenvalues`` on the reduced pencil (N_G(lam));

* on M/G, direct: ``weylgain.quotient_sphere(k, G)`` (one face per orbit of base faces) or
  ``weylgain.quotient_torus.quotient_torus(dim, n, G)`` (orbits on the grid, stencils), never
  the mesh, + ``laplacian()`` + ``count_eigenvalues`` (issue 21);

with the ratio of the costs beside 1/|G|, and N_G checked against the exact invariant count
of ``weylgain.exact`` (harmonic Molien series for spheres, orbits of lattice modes for tori):
FEM eigenvalues with consistent mass are upper bounds, so the discrete count is at most the
exact one, and equal to it at these resolutions (lam h^2 small, lam between clusters).
Each case uses a fresh mesh object per run (the CSR pattern is rebuilt inside the timing on
both sides); numba kernels are compiled or loaded from the cache before any timing.

Cases (full): the icosahedral sphere(8) (655,362 vertices) with C2, D2, I and Ih, the
octahedral sphere(8) (262,146 vertices) with Oh, lam = 400 (between l = 19 and 20); the
mirrored torus T^4 with n = 10 (10,000 vertices, 240,000 4-simplices) and S4 permuting the
coordinates (24), lam = 2.5; the flat torus T^2 (2 pi periods) with n = 1612 (2,598,544
vertices) and B2 (8, mirrored), C4 (4, mirrored), the translations by quarter periods
Z4 x Z4 (16, Kuhn) at lam = 100.5; T^3 with n = 40 (64,000 vertices) and S3 (6, Kuhn) and
B3 (48, mirrored) at lam = 10.5. ``--quick``: sphere(5) at lam = 49, torus(4, 6), T^2 with
n = 128 at lam = 20.5, T^3 with n = 12 at lam = 2.5. ``--only WORD``: the cases whose group
contains WORD. ``--huge``: S^2/I_h direct at sphere(10), (11) and (12) (10.5M, 41.9M and 167.8M
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

import numpy as np  # noqa: E402

from weylgain import Mesh, groups, meshes  # noqa: E402
from weylgain import exact  # noqa: E402
from weylgain.fem import laplacian  # noqa: E402
from weylgain.quotient import quotient, quotient_sphere  # noqa: E402
from weylgain.quotient_torus import quotient_torus  # noqa: E402
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


def direct_count(build, lam: float) -> tuple[int, float, float, float, int]:
    t0 = time.perf_counter()
    q = build()
    t1 = time.perf_counter()
    K, M = q.laplacian()
    t2 = time.perf_counter()
    n = count_eigenvalues(K, M, lam)
    return n, t1 - t0, t2 - t1, time.perf_counter() - t2, q.n_orbits


def _torus_group(name: str, dim: int):
    """A group of the flat torus by name: the catalogue, or the quarter-period translations
    Z4 x Z4 / the rotation C4 of T^2 built from their generators."""
    from weylgain.groups import AffineMap, FiniteGroup

    if name == "Z4xZ4":
        gens = tuple(AffineMap(np.eye(dim), 0.25 * np.eye(dim)[a]) for a in range(2))
        return FiniteGroup("Z4xZ4", gens, dim)
    if name == "C4":
        rot = np.eye(dim)
        rot[:2, :2] = [[0.0, -1.0], [1.0, 0.0]]
        return FiniteGroup("C4", (AffineMap(rot, np.zeros(dim)),), dim)
    return groups.named(name, dim=dim)


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
    """(mesh factory, direct-route builder factory or None, group, lam, exact count)."""
    k = 5 if quick else 8
    lam = 49.0 if quick else 400.0  # midpoints: 7^2 between l = 6, 7; 20^2 between l = 19, 20
    n2 = 128 if quick else 1612  # T^2: 2,598,544 vertices
    n3 = 12 if quick else 40  # T^3: 64,000 vertices
    lam2 = 20.5 if quick else 100.5  # between |k|^2 = 20 and 25 / 100 and 101 (FEM error
    lam3 = 2.5 if quick else 10.5  # below a few %: the counts are the exact ones)

    def sph(g, lam):
        return exact.sphere_invariant_count(g, lam)

    def tor(g, lam):
        return exact.torus_invariant_count(g, lam)

    def sphere_case(base, spec):
        def direct(g):
            return lambda: quotient_sphere(k, g, base=base)
        return (lambda: meshes.sphere(k, base=base), direct, spec, 3, lam, sph)

    def torus_case(dim, n, tri, spec, lam_t):
        def direct(g):
            return lambda: quotient_torus(dim, n, g, triangulation=tri)
        return (lambda: meshes.torus(dim, n, triangulation=tri), direct, spec, dim, lam_t, tor)

    return [
        sphere_case("icosahedron", "C2"),
        sphere_case("icosahedron", "D2"),
        sphere_case("icosahedron", "I"),
        sphere_case("icosahedron", "Ih"),
        sphere_case("octahedron", "Oh"),
        (lambda: meshes.torus(4, 6 if quick else 10, triangulation="mirrored"), None, "S4", 4,
         2.5, tor),
        torus_case(2, n2, "mirrored", "B2", lam2),
        torus_case(2, n2, "mirrored", "C4", lam2),
        torus_case(2, n2, "kuhn", "Z4xZ4", lam2),
        torus_case(3, n3, "kuhn", "S3", lam3),
        torus_case(3, n3, "mirrored", "B3", lam3),
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_common_args(parser)
    parser.add_argument("--only", nargs="*", help="only the cases whose group name contains "
                        "one of these words (B2, C4, Z4, S3, B3, C2, D2, I, Ih, Oh, S4)")
    parser.add_argument("--huge", action="store_true",
                        help="also S^2/I_h direct at sphere:10-12 (up to 167.8M vertices "
                             "equivalent; about 4 GiB and a few minutes)")
    args = parser.parse_args(argv)
    print(f"# counting on M/G vs on M (weylgain) — {machine_line()}")
    t0 = time.perf_counter()
    q = quotient(meshes.sphere(1, base="octahedron"), groups.named("O"))
    count_eigenvalues(*q.laplacian(), 1.0)
    count_eigenvalues(*quotient_sphere(1, groups.named("O"), base="octahedron").laplacian(), 1.0)
    count_eigenvalues(*quotient_torus(2, 16, groups.named("B2"), triangulation="mirrored"
                                      ).laplacian(), 1.0)
    quotient(meshes.torus(4, 4, triangulation="mirrored"), groups.named("S4", dim=4))
    print(f"# numba warm-up (compile or load from cache): {fmt_time(time.perf_counter() - t0)}; "
          f"best of {args.repeat} (fresh mesh object per run)")
    table = Table(["mesh", "G", "|G|", "vertices", "orbits", "N(M)", "N_G", "exact",
                   "M: asm+count", "mesh route: build M/G", "count M/G", "mesh route total",
                   "direct: build M/G", "direct total", "mesh route / M", "direct / M",
                   "1/|G|"])
    done_full: dict = {}
    summary = []
    meshes_made: dict = {}
    for make_mesh, direct, spec, gdim, lam, exact_fn in cases(args.quick):
        if args.only and not any(w in spec for w in args.only):
            continue
        key0 = make_mesh.__code__, tuple(c.cell_contents for c in make_mesh.__closure__ or ())
        if key0 not in meshes_made:
            meshes_made.clear()  # one large mesh in memory at a time
            meshes_made[key0] = make_mesh()
        mesh = meshes_made[key0]
        group = _torus_group(spec, gdim) if mesh.is_periodic else groups.named(spec, dim=gdim)
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
        if direct is not None:
            n_d, da, db, dc, d_orb = best_parts(lambda: direct_count(direct(group), lam),
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
        log(table.render())
        summary.append((mesh.name, spec, order, q_t / full_t,
                        None if d_t is None else d_t / full_t))
    print()
    print(f"# lam = {'49' if args.quick else '400'} on spheres, 2.5 on T^4, "
          f"{'20.5' if args.quick else '100.5'} on T^2, {'2.5' if args.quick else '10.5'} on "
          "T^3; 'build M/G' = quotient + reduced assembly; totals include the count on M/G")
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
