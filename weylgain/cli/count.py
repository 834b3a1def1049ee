"""``weylgain count``: N(lam) of a mesh or of its quotient by a group, against Weyl's law."""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import textwrap
import time
from types import SimpleNamespace
from typing import Any

from ..errors import SpecError
from ..resolution import RESOLVED_LAM_H2  # noqa: F401  (the rule lives in weylgain.resolution)
from ._plot import add_plot_argument, check_plot_path

DEFAULT_MESH = "sphere:5"
# perfect squares (L+1)^2 sit between sphere clusters l(l+1), where N = lam exactly on S^2;
# all four are within what sphere:5 resolves (lam h^2 <= 0.5 up to about 350)
DEFAULT_LAMS = (36.0, 100.0, 196.0, 324.0)


def add_parser(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "count",
        help="count Laplace eigenvalues N(lam) of a mesh (or its quotient) against Weyl's law",
        description=textwrap.fill(
            "Count the eigenvalues <= lam of the P1 Laplace-Beltrami operator of a mesh, "
            "exactly for the discrete problem (Sylvester's law of inertia, no eigenpairs), "
            "and compare with Weyl's law. With --group, count on the orbit space M/G "
            "(the G-invariant eigenfunctions). With --plot, draw the counting staircase.",
            width=88),
        epilog=(
            textwrap.fill(
                "mesh specs: sphere:K[:octahedron], sphere3:K, torus:DIM:N[:mirrored], "
                "box:DIM:N[:mirrored], interval:N, circle:N, hemisphere:K, disk:K, ball:K, "
                "isphere:N:GROUP (an N-vertex sphere invariant under any finite point group, "
                "e.g. isphere:4000:C5), or a mesh file (.off, .obj; others through meshio).",
                width=88) + "\n"
            "examples:\n"
            "  weylgain count --mesh sphere:5 --lam 36 --json\n"
            "  weylgain count --mesh sphere:5 --group I --lam 400\n"
            "  weylgain count --mesh isphere:4000:C5 --group C5 --lam 49\n"
            "  weylgain count --mesh torus:2:64:mirrored --group signs2 --lam 100 --lam 400\n"
            "  weylgain count --mesh sphere:4:octahedron --group Oh --lam 400 --plot oh.png"
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--mesh", default=DEFAULT_MESH,
                   help=f"a generator spec or a mesh file (default {DEFAULT_MESH})")
    p.add_argument("--lam", type=float, action="append", metavar="LAM",
                   help=f"a threshold; repeat for several (default {list(DEFAULT_LAMS)})")
    p.add_argument("--group", default=None,
                   help="count G-invariant eigenvalues on M/G (e.g. C4, I, Oh, signs2, SO(2))")
    p.add_argument("--lumped", action="store_true", help="lumped (diagonal) mass matrix")
    p.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    p.add_argument("--no-progress", action="store_true", help="no progress bar on stderr")
    p.add_argument("--backend", default=None,
                   choices=["auto", "pardiso", "mumps", "superlu"],
                   help="sparse LDL^T factorization for the counts (default auto: "
                        "$WEYLGAIN_BACKEND, else the fastest installed)")
    p.add_argument("--mpi", action="store_true",
                   help="count one pencil on all MPI ranks with MUMPS (start with mpiexec -n P "
                        "python -m weylgain count --mpi ...; needs the 'mpi' extra); no "
                        "--group, --backend or --plot")
    add_plot_argument(p, "the counting staircase N(lam) with the one- and two-term Weyl "
                         "curves (with --group: the quotient's beside the full mesh's)")
    p.add_argument("--plot-mesh", metavar="FILE", default=None,
                   help="with --group (a finite group): save a picture of the mesh with one "
                        "fundamental domain of M/G coloured by vertex orbit (.png, .svg or "
                        ".pdf)")
    p.add_argument("--plot-points", type=int, default=24, metavar="P",
                   help="with --plot: thresholds counted, evenly spaced up to the largest "
                        "--lam, besides the --lam values (default 24; each is one "
                        "factorization)")
    p.set_defaults(run=run)


def _load_mesh(spec: str):
    from .. import meshes

    if os.path.exists(spec):
        from ..io import read_mesh

        return read_mesh(spec)
    if ":" not in spec and "." in os.path.basename(spec):
        raise SpecError(f"mesh file {spec!r} does not exist")
    return meshes.from_spec(spec)


def _orbit_space_line(q: Any, n_nodes: int) -> str:
    """What the unknowns of a continuous quotient are (not vertex orbits: orbit-space nodes)."""
    if q.base_mesh is None:
        return f"M/G = {q.description}\n  one unknown (the constant functions)"
    shape = "an interval" if q.base_mesh.dim == 1 else f"a {q.base_mesh.dim}-dimensional mesh"
    return (f"M/G = {q.description}\n  counted on {shape} with {n_nodes} nodes (points of "
            f"M/G, each one whole {q.group.name} orbit; not vertices of the mesh)")


def _direct_sphere_group(args: argparse.Namespace, plot: Any, plot_mesh: Any) -> Any:
    """The finite group of ``--group`` when ``--mesh`` is a polyhedral sphere spec and no
    picture needs the mesh (the direct quotient route), else None."""
    if not args.group or plot or plot_mesh or os.path.exists(args.mesh):
        return None
    from ..quotient_direct import sphere_spec

    if sphere_spec(args.mesh) is None:
        return None
    from ..groups import FiniteGroup, named

    group = named(args.group, dim=3)
    return group if isinstance(group, FiniteGroup) else None


def _plot_grid(lams: list[float], points: int) -> list[float]:
    """The thresholds of the staircase: ``points`` evenly spaced up to max(lams), and lams."""
    top = max(lams)
    grid = [top * (k + 1) / points for k in range(points)] if top > 0 else []
    return sorted(set(grid) | set(lams))


def _count_at(counter: Any, lams: list[float], bar: Any, what: str) -> list[int]:
    counts = [0] * len(lams)
    for i in sorted(range(len(lams)), key=lambda k: lams[k]):
        bar.step(f"{what} lam = {lams[i]:g}")
        counts[i] = int(counter.count(lams[i]))
    return counts


def _run_mpi(args: argparse.Namespace, lams: list[float]) -> int:
    """``--mpi``: hand the count to :func:`weylgain.mpi.main` on every rank."""
    given = [flag for flag, on in (("--group", args.group), ("--backend", args.backend),
                                   ("--plot", getattr(args, "plot", None)),
                                   ("--plot-mesh", args.plot_mesh)) if on]
    if given:
        raise SpecError(f"--mpi counts the pencil of one mesh with MUMPS on all ranks; "
                        f"{', '.join(given)} cannot be combined with it")
    from .. import mpi

    argv = ["--mesh", args.mesh] + [a for lam in lams for a in ("--lam", repr(lam))]
    argv += ["--lumped"] * bool(args.lumped) + ["--json"] * bool(args.json)
    return mpi.main(argv)


def run(args: argparse.Namespace) -> int:
    lams = [float(x) for x in (args.lam or DEFAULT_LAMS)]
    for lam in lams:
        if not math.isfinite(lam) or lam < 0:
            raise SpecError(f"--lam must be a finite non-negative number; got {lam}")
    if getattr(args, "mpi", False):
        return _run_mpi(args, lams)
    plot = check_plot_path(getattr(args, "plot", None))
    plot_mesh = check_plot_path(getattr(args, "plot_mesh", None), "--plot-mesh")
    if args.group is not None and not args.group.strip():
        raise SpecError("--group is empty; give a group spec (e.g. C4, I, SO(2)) or leave "
                        "--group out to count on the mesh itself")
    if plot_mesh and not args.group:
        raise SpecError("--plot-mesh draws the orbits of a group: give --group too")
    if plot and args.plot_points < 1:
        raise SpecError(f"--plot-points must be at least 1; got {args.plot_points}")
    from .._kernels import _notice
    from .._progress import Steps

    # announce the first-run compile of everything this command needs in one line
    _notice.expect(["assembly", "pencil", "mass_floor"]
                   + (["orbits", "sphere_quotient"] if args.group else []))
    grid = _plot_grid(lams, args.plot_points) if plot else lams
    n_steps = 3 + bool(args.group) + len(grid) + ((2 + len(grid)) if plot and args.group else 0)
    bar = Steps(n_steps, "weylgain count", enabled=not args.no_progress)
    bar.step(f"mesh {args.mesh}")

    from ..fem import laplacian
    from ..spectrum import EigenCounter, weyl_count

    t0 = time.perf_counter()
    direct = _direct_sphere_group(args, plot, plot_mesh)
    if direct is not None:
        # S^2/G of a polyhedral sphere: the reduced pencil from one face per orbit of faces,
        # without building the mesh (its size and area come from the quotient)
        from ..quotient import quotient

        group = direct
        bar.step(f"vertex orbits of {args.group} (direct: the mesh is not built)")
        q = quotient(args.mesh.strip(), group)
        mesh = SimpleNamespace(n_vertices=q.n_vertices, n_simplices=q.n_simplices, dim=2,
                               volume=q.mesh_volume, ambient_dim=3)
        mesh_bvol = 0.0  # a closed sphere
    else:
        mesh = _load_mesh(args.mesh)
        mesh_bvol = mesh.boundary_volume()
    report: dict[str, Any] = {
        "mesh": args.mesh,
        "n_vertices": mesh.n_vertices,
        "n_simplices": mesh.n_simplices,
        "dimension": mesh.dim,
        "volume": mesh.volume,
        "boundary_volume": mesh_bvol,
        "mass": "lumped" if args.lumped else "consistent",
    }
    if args.group:
        from ..groups import named
        from ..quotient import quotient

        if direct is None:
            group = named(args.group, dim=mesh.ambient_dim)
            bar.step(f"vertex orbits of {args.group}")
            q = quotient(mesh, group)
        # reports name the group by its unambiguous name (Perm(3) for the spec S3)
        gname = str(getattr(group, "name", "") or args.group)
        bar.step("assembling K, M on M/G")
        K, M = q.laplacian(lumped=args.lumped)
        dim, vol = float(q.dimension), float(q.volume)
        bvol = float(q.boundary_volume() or 0.0)
        if q.kind == "finite":
            report.update(group=gname, n_orbits=int(K.shape[0]),
                          quotient_route="direct" if direct is not None else "mesh")
        else:
            # the unknowns are nodes of a mesh of the orbit space (an interval for SO(2) on
            # S^2), not vertex orbits of the input mesh: say so, and under another name
            report.update(group=gname, orbit_space=q.description,
                          orbit_space_nodes=int(K.shape[0]))
        report.update(quotient_dimension=dim, quotient_volume=vol,
                      quotient_boundary_volume=bvol)
    else:
        bar.step("assembling K, M")
        K, M = laplacian(mesh, lumped=args.lumped)
        dim, vol, bvol = float(mesh.dim), mesh.volume, mesh.boundary_volume()
    bar.step("ordering")
    counter = EigenCounter(K, M, backend=args.backend)
    report["backend"] = counter.backend
    results = []
    grid_counts = _count_at(counter, grid, bar, "counting")
    by_lam = dict(zip(grid, grid_counts))
    counts = [by_lam[lam] for lam in lams]
    if plot and args.group:
        bar.step("assembling K, M on M (for the picture)")
        K_full, M_full = laplacian(mesh, lumped=args.lumped)
        bar.step("ordering (M)")
        full_counts = _count_at(EigenCounter(K_full, M_full), grid, bar, "counting on M")
    bar.close()
    from ..resolution import _resolution, lam_max_resolved, mean_edge_length, unresolved_message

    # the mesh the counted pencil was assembled on: the quotient's (its orbit-space mesh for
    # a continuous group) with --group, else the mesh itself
    h = mean_edge_length(q if args.group else mesh)
    report["mean_edge"] = h
    lam_max = lam_max_resolved(h)
    report["lam_max_resolved"] = lam_max if math.isfinite(lam_max) else None  # None: no limit
    for lam, cnt in zip(lams, counts):
        weyl = float(weyl_count(lam, dim, vol)) if dim > 0 else 1.0
        weyl2 = float(weyl_count(lam, dim, vol, bvol)) if dim > 0 else 1.0
        res = _resolution(h, lam)
        results.append({
            "lam": lam, "count": int(cnt), "weyl": weyl, "weyl_two_term": weyl2,
            "ratio": (cnt / weyl) if weyl > 0 else None,
            "lam_h2": res.lam_h2, "resolved": res.resolved,
        })
    report["seconds"] = time.perf_counter() - t0
    if len(results) == 1:
        report.update({k: results[0][k] for k in ("lam", "count", "weyl", "weyl_two_term", "ratio")})
    else:
        for key in ("lam", "count", "weyl", "weyl_two_term", "ratio"):
            report[key] = [r[key] for r in results]
    report["results"] = results
    unresolved = [r["lam"] for r in results if not r["resolved"]]
    if unresolved:  # plain words on stderr, also with --json (stdout stays one JSON object)
        print(f"weylgain: note: {unresolved_message(h, unresolved)}", file=sys.stderr)
    if plot:
        from ..plotting import plot_counting_function, plot_counting_functions

        quotient_panel = dict(lams=grid, counts=grid_counts, dimension=dim, volume=vol,
                              boundary_volume=bvol,
                              title=(f"M/G = {args.mesh} / {gname}" if args.group
                                     else f"{args.mesh}"),
                              label="N(λ), P1 FEM" + (" on M/G" if args.group else ""))
        if args.group:
            full_panel = dict(lams=grid, counts=full_counts, dimension=float(mesh.dim),
                              volume=mesh.volume, boundary_volume=mesh.boundary_volume(),
                              title=f"M = {args.mesh}", label="N(λ), P1 FEM")
            plot_counting_functions([full_panel, quotient_panel], path=plot)
        else:
            plot_counting_function(path=plot, **quotient_panel)
        report["plot"] = plot
    if plot_mesh:
        if q.orbits is None:
            raise SpecError(f"--plot-mesh needs a finite group; {gname} is continuous "
                            "(its orbits are not sets of vertices)")
        from ..plotting import plot_quotient_mesh

        plot_quotient_mesh(q, color_by="domain", path=plot_mesh)
        report["plot_mesh"] = plot_mesh
    if args.json:
        sys.stdout.write(json.dumps(report) + "\n")
        return 0
    what = f"{args.mesh}" + (f" / {gname}" if args.group else "")
    print(f"{what}: {mesh.n_vertices} vertices, {mesh.n_simplices} {mesh.dim}-simplices"
          + (f", {K.shape[0]} orbits" if args.group and q.kind == "finite" else ""))
    if args.group and q.kind != "finite":
        print(_orbit_space_line(q, int(K.shape[0])))
    print(f"Weyl's law with d = {dim:g}, volume = {vol:.6g}"
          + (f", boundary = {bvol:.6g}" if bvol else ""))
    print(f"{'lam':>12} {'N(lam)':>10} {'Weyl':>12} {'N/Weyl':>8} {'2-term':>12}")
    for r in results:
        ratio = f"{r['ratio']:.4f}" if r["ratio"] is not None else "-"
        print(f"{r['lam']:>12g} {r['count']:>10d} {r['weyl']:>12.2f} {ratio:>8} "
              f"{r['weyl_two_term']:>12.2f}")
    print(f"({report['seconds']:.2f} s; discrete counts of P1 FEM with consistent mass sit at or "
          "below the smooth manifold's)" if not args.lumped else f"({report['seconds']:.2f} s)")
    for saved in (plot, plot_mesh):
        if saved:
            print(f"plot saved to {saved}")
    return 0
