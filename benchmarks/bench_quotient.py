"""Counting on M/G against counting on M, side by side in one process (issue 3).

For a finite group G acting on a G-invariant mesh, the invariant eigenvalues of M are those of
the reduced pencil (PᵀKP, PᵀMP), P the (vertices x orbits) 0/1 matrix: about n/|G| unknowns.
For each case the table gives

* on M: assembly of (K, M) + ``count_eigenvalues`` (the full count N(lam));
* on M/G: ``weylgain.quotient(mesh, G)`` (vertex permutations of the generators, KD-tree
  matching, simplex check, union-find orbits) + ``Quotient.laplacian()`` (full assembly, then
  PᵀKP, PᵀMP) + ``count_eigenvalues`` on the reduced pencil (N_G(lam));

with the ratio of the costs beside 1/|G|, and N_G checked against the exact invariant count
of ``weylgain.exact`` (harmonic Molien series for spheres, orbits of lattice modes for tori):
FEM eigenvalues with consistent mass are upper bounds, so the discrete count is at most the
exact one, and equal to it at these resolutions (lam h^2 small, lam between clusters).
Each case uses a fresh mesh object per run (the CSR pattern is rebuilt inside the timing on
both sides); numba kernels are compiled or loaded from the cache before any timing.

Cases (full): octahedral sphere(7) (65,538 vertices) with O (24) and Oh (48), icosahedral
sphere(7) (163,842 vertices) with I (60), lam = 400 (between l = 19 and 20); the mirrored
torus T^4 with n = 10 (10,000 vertices, 240,000 4-simplices) and S4 permuting the
coordinates (24), lam = 2.5. ``--quick``: sphere(5) at lam = 49 and torus(4, 6).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import Table, add_common_args, fmt_time, log, machine_line  # noqa: E402

from weylgain import Mesh, groups, meshes  # noqa: E402
from weylgain import exact  # noqa: E402
from weylgain.fem import laplacian  # noqa: E402
from weylgain.quotient import quotient  # noqa: E402
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
    k = 5 if quick else 7
    octa = meshes.sphere(k, base="octahedron")
    ico = meshes.sphere(k)
    tor = meshes.torus(4, 6 if quick else 10, triangulation="mirrored")
    lam = 49.0 if quick else 400.0  # midpoints: 7^2 between l = 6, 7; 20^2 between l = 19, 20
    return [
        (octa, "O", lam, lambda g, lam: exact.sphere_invariant_count(g, lam)),
        (octa, "Oh", lam, lambda g, lam: exact.sphere_invariant_count(g, lam)),
        (ico, "I", lam, lambda g, lam: exact.sphere_invariant_count(g, lam)),
        (tor, "S4", 2.5, lambda g, lam: exact.torus_invariant_count(g, lam)),
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_common_args(parser)
    args = parser.parse_args(argv)
    print(f"# counting on M/G vs on M (weylgain) — {machine_line()}")
    t0 = time.perf_counter()
    q = quotient(meshes.sphere(1, base="octahedron"), groups.named("O"))
    count_eigenvalues(*q.laplacian(), 1.0)
    quotient(meshes.torus(4, 4, triangulation="mirrored"), groups.named("S4", dim=4))
    print(f"# numba warm-up (compile or load from cache): {fmt_time(time.perf_counter() - t0)}; "
          f"best of {args.repeat} (fresh mesh object per run)")
    table = Table(["mesh", "G", "|G|", "lam", "vertices", "orbits", "N(M)", "N_G FEM",
                   "N_G exact", "M: asm+count", "G: quotient", "G: reduced asm", "G: count",
                   "G: total", "M/G total / M", "count ratio", "1/|G|"])
    done_full: dict = {}
    summary = []
    for mesh, spec, lam, exact_fn in cases(args.quick):
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
        table.add(mesh.name, spec, order, f"{lam:g}", f"{mesh.n_vertices:,}", f"{n_orb:,}",
                  n_full, n_g, n_exact, fmt_time(full_t), fmt_time(qa), fmt_time(qb),
                  fmt_time(qc), fmt_time(q_t), f"{q_t / full_t:.3f}", f"{qc / fc:.4f}",
                  f"{1 / order:.4f}")
        summary.append((mesh.name, spec, order, q_t / full_t, qc / fc, fa / full_t))
    print()
    table.print()
    print()
    print("# 'M/G total / M' = (quotient + reduced assembly + count on M/G) / (assembly + count "
          "on M); 'count ratio' = count on M/G / count on M (the factorization alone)")
    for name, spec, order, r, rc, fa_share in summary:
        verdict = "near or below 1/|G|" if r <= 2.0 / order else f"{r * order:.1f}x 1/|G|"
        print(f"# {name} / {spec}: total ratio {r:.3f} ({verdict}); count alone {rc:.4f} "
              f"= {rc * order:.2f}/|G|")
    print(f"# total wall time {time.perf_counter() - t0:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
