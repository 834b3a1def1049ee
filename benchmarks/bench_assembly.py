"""P1 stiffness + mass assembly: weylgain.laplacian against LaPy and scikit-fem, same process.

Every mesh is assembled by the three codes in turn, best of ``--repeat`` runs each, and the
table reports times and the ratios peer / weylgain. The machine is shared and noisy: the
ratios measured side by side are the result, not the absolute times.

* weylgain, **first call**: a fresh ``Mesh`` object (built outside the timing) so the CSR
  pattern and the element -> slot map are built inside it; **repeated call**: the pattern is
  cached on the mesh and only the element kernel + scatter runs. The numba kernels are
  compiled (or loaded from ``NUMBA_CACHE_DIR``) once, before any timing.
* LaPy 1.7: ``Solver.__init__`` only dispatches to the static methods ``Solver._fem_tria`` /
  ``Solver._fem_tetra`` (numpy element matrices + COO -> CSC conversion); those are timed
  directly on a ``TriaMesh`` / ``TetMesh`` built outside the timing.
* scikit-fem 12: ``Basis(mesh, ElementTriP1() / ElementTetP1())`` (reference-element maps and
  basis values at quadrature points, timed separately as "skfem basis") then
  ``asm(laplace, basis)`` and ``asm(mass, basis)`` ("skfem asm"). scikit-fem assembles on
  planar meshes only, so the icosphere rows have no skfem entry: the planar rows (a square
  triangulated like ``weylgain.meshes.box(2, n)``, of the same size as the spheres) compare all
  three codes on one mesh.

On the planar and tetrahedral meshes the three stiffness and mass matrices are checked equal
(to 1e-10 relative) before anything is timed, so the codes solve the same problem.

Run: ``python benchmarks/bench_assembly.py`` (full targets: icospheres of 41k and 164k
vertices, a 1M-tetrahedron box) or ``--quick`` (small meshes, a smoke run).
Target (issue 2): at least 10x LaPy on the 164k sphere and on the 1M-tet box.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import scipy.sparse as sp

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import Table, add_common_args, best_of, fmt_ratio, fmt_time, log, machine_line  # noqa: E402

from weylgain import Mesh  # noqa: E402
from weylgain import meshes  # noqa: E402
from weylgain.fem import laplacian  # noqa: E402


def _fresh(mesh: Mesh) -> Mesh:
    """A new Mesh with the same arrays and an empty cache (so the pattern is rebuilt)."""
    return Mesh(mesh.vertices, mesh.simplices, mesh.period, name=mesh.name, check=False)


def lapy_assemble(mesh: Mesh):
    """LaPy's assembly route for this mesh: (callable, geometry object)."""
    from lapy import Solver, TetMesh, TriaMesh

    v = np.asarray(mesh.vertices, dtype=np.float64)
    t = np.asarray(mesh.simplices, dtype=np.int64)
    if mesh.dim == 2:
        if v.shape[1] == 2:
            v = np.hstack([v, np.zeros((v.shape[0], 1))])
        geo = TriaMesh(v, t)
        return (lambda: Solver._fem_tria(geo)), geo
    geo = TetMesh(v, t)
    return (lambda: Solver._fem_tetra(geo)), geo


def skfem_objects(mesh: Mesh):
    """(make_basis, assemble) for a planar triangle or a tetrahedral mesh in R^3."""
    import skfem
    from skfem.models.poisson import laplace, mass

    p = np.ascontiguousarray(np.asarray(mesh.vertices).T)
    t = np.ascontiguousarray(np.asarray(mesh.simplices).T)
    if mesh.dim == 2 and mesh.ambient_dim == 2:
        m, elem = skfem.MeshTri(p, t), skfem.ElementTriP1()
    elif mesh.dim == 3 and mesh.ambient_dim == 3:
        m, elem = skfem.MeshTet(p, t), skfem.ElementTetP1()
    else:
        return None

    def make_basis():
        return skfem.Basis(m, elem)

    def assemble(basis):
        return skfem.asm(laplace, basis), skfem.asm(mass, basis)

    return make_basis, assemble


def _rel_diff(A, B) -> float:
    A = sp.csr_matrix(A)
    B = sp.csr_matrix(B)
    return float(abs(A - B).max() / abs(A).max())


def check_same(mesh: Mesh, ours, lapy_pair, skfem_pair) -> str:
    """Max relative differences of the peers' K and M from ours (they must agree)."""
    notes = []
    for name, pair in (("lapy", lapy_pair), ("skfem", skfem_pair)):
        if pair is None:
            continue
        dk = _rel_diff(ours[0], pair[0])
        dm = _rel_diff(ours[1], pair[1])
        if not (dk < 1e-10 and dm < 1e-10):
            raise AssertionError(f"{name} disagrees with weylgain on {mesh.name}: "
                                 f"|dK| = {dk:.2e}, |dM| = {dm:.2e} (relative)")
        notes.append(f"{name} K,M agree to {max(dk, dm):.0e}")
    return "; ".join(notes)


def cases(quick: bool) -> list[tuple[str, Mesh]]:
    if quick:
        return [
            ("icosphere k=4", meshes.sphere(4)),
            ("planar square", meshes.box(2, 51)),
            ("tet box", meshes.box(3, 16)),
        ]
    return [
        ("icosphere k=6", meshes.sphere(6)),
        ("planar square", meshes.box(2, 203)),  # 41,209 vertices: the size of sphere(6)
        ("icosphere k=7", meshes.sphere(7)),
        ("planar square", meshes.box(2, 405)),  # 164,025 vertices: the size of sphere(7)
        ("tet box", meshes.box(3, 56)),  # 6 * 55^3 = 998,250 tetrahedra
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_common_args(parser)
    args = parser.parse_args(argv)
    print(f"# P1 assembly (K + consistent M): weylgain vs LaPy vs scikit-fem — {machine_line()}")
    print(f"# best of {args.repeat} (wall time; the last column is the ratio of best CPU times, "
          "less sensitive to other load); numba warmed up before timing (compile/cache load "
          "excluded)")
    t0 = time.perf_counter()
    laplacian(meshes.sphere(1))
    laplacian(meshes.box(3, 3))
    print(f"# numba warm-up (compile or load from cache): {fmt_time(time.perf_counter() - t0)}")
    table = Table(["mesh", "vertices", "simplices", "weylgain 1st", "weylgain rep",
                   "LaPy", "skfem basis", "skfem asm", "LaPy/wg 1st", "LaPy/wg rep",
                   "skfem asm/wg rep", "LaPy/wg rep (CPU)"])
    notes = []
    results = {}
    for label, mesh in cases(args.quick):
        log(f"... {label} {mesh.n_vertices} vertices")
        ours = laplacian(_fresh(mesh))
        lapy_fn, _ = lapy_assemble(mesh)
        sk = skfem_objects(mesh)
        # correctness first: the same matrices from every code (spheres: LaPy only)
        lapy_pair = lapy_fn()
        sk_pair = sk[1](sk[0]()) if sk is not None else None
        notes.append(f"{label} ({mesh.n_vertices}): " + check_same(mesh, ours, lapy_pair, sk_pair))
        del lapy_pair, sk_pair
        t_first, _ = best_of(lambda m: laplacian(m), args.repeat, setup=lambda: _fresh(mesh))
        cached = _fresh(mesh)
        laplacian(cached)
        t_rep, _ = best_of(lambda: laplacian(cached), args.repeat)
        c_rep = best_of.last_cpu
        t_lapy, _ = best_of(lapy_fn, args.repeat)
        c_lapy = best_of.last_cpu
        if sk is not None:
            t_basis, basis = best_of(sk[0], args.repeat)
            t_sk, _ = best_of(lambda: sk[1](basis), args.repeat)
            del basis
        else:
            t_basis = t_sk = None
        results[(label, mesh.n_vertices)] = (t_first, t_rep, t_lapy, c_lapy / c_rep)
        table.add(label, f"{mesh.n_vertices:,}", f"{mesh.n_simplices:,}", fmt_time(t_first),
                  fmt_time(t_rep), fmt_time(t_lapy), fmt_time(t_basis), fmt_time(t_sk),
                  fmt_ratio(t_lapy / t_first), fmt_ratio(t_lapy / t_rep),
                  fmt_ratio(t_sk / t_rep) if t_sk is not None else "—",
                  fmt_ratio(c_lapy / c_rep))
    print()
    table.print()
    print()
    print("# same matrices: " + " | ".join(notes))
    print("# skfem is planar-only here: on the icosphere rows compare with the planar row of the "
          "same size below it")
    if not args.quick:
        for (label, n), (t_first, t_rep, t_lapy, cpu_ratio) in results.items():
            if label.startswith("icosphere k=7") or label.startswith("tet box"):
                ok = t_lapy / t_rep >= 10
                print(f"# target >= 10x LaPy on {label} ({n:,} vertices): repeated "
                      f"{t_lapy / t_rep:.1f}x (CPU time {cpu_ratio:.1f}x), first call "
                      f"{t_lapy / t_first:.1f}x -> "
                      f"{'met' if ok else 'MISSED'}")
    print(f"# total wall time {time.perf_counter() - t0:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
