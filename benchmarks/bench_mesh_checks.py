"""Cost of the input checks added against silent wrong answers, beside the work they guard.

For each mesh: the assembly kernel alone (the peer) against ``laplacian`` with its checks
(accurate volumes, kernel-volume comparison, power-of-two rescaling), and ``Mesh`` validation
with the new checks (repeated simplices, accurate volumes, coincident and pinched vertices)
against the old Gram-determinant volumes and facet count, all in one process. Ratios matter,
not absolute times. Run: ``python benchmarks/bench_mesh_checks.py``.
"""

from __future__ import annotations

import time
from math import factorial

import numpy as np

from weylgain import Mesh, laplacian, meshes
from weylgain.mesh import _unique_rows


def best(fn, repeat=3):
    t = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        t.append(time.perf_counter() - t0)
    return min(t)


def old_validation(v, s):
    """The checks before this change: Gram volumes, repeated indices, facet counts."""
    e = v[s[:, 1:]] - v[s[:, :1]]
    gram = np.einsum("mid,mjd->mij", e, e)
    vol = np.sqrt(np.clip(np.linalg.det(gram), 0, None)) / factorial(s.shape[1] - 1)
    ss = np.sort(s, axis=1)
    (ss[:, 1:] == ss[:, :-1]).any(axis=1)
    f = np.concatenate([np.delete(ss, i, axis=1) for i in range(ss.shape[1])])
    _unique_rows(f)
    return vol


def main() -> None:
    from weylgain._kernels.assembly import assemble_p1, csr_pattern

    print(f"{'mesh':>12} {'simplices':>10} {'kernel s':>9} {'laplacian s':>11} {'ratio':>6} "
          f"{'old check s':>11} {'validate s':>10} {'ratio':>6}")
    for spec in ("sphere:5", "sphere:7", "ball:4", "torus:2:400"):
        mesh = meshes.from_spec(spec)
        laplacian(mesh)  # compile / load caches
        indptr, indices, slots = csr_pattern(mesh.simplices, mesh.n_vertices)
        period = np.zeros(mesh.ambient_dim) if mesh.period is None else mesh.period
        k = mesh.dim
        t_kernel = best(lambda: assemble_p1(mesh.vertices, mesh.simplices, period, slots,
                                            indices.shape[0], np.zeros((0, 0)),
                                            np.ones((1, k + 1)) / (k + 1), np.ones(1), False))

        def fresh_laplacian():
            m = Mesh(mesh.vertices, mesh.simplices, mesh.period, check=False)
            m._cache["csr_pattern"] = (indptr, indices, slots)  # the peer reuses it too
            laplacian(m)

        t_lap = best(fresh_laplacian)
        v, s = np.array(mesh.vertices), np.array(mesh.simplices)
        t_old = best(lambda: old_validation(v, s))
        t_new = best(lambda: Mesh(v, s, mesh.period))
        print(f"{spec:>12} {mesh.n_simplices:>10} {t_kernel:>9.4f} {t_lap:>11.4f} "
              f"{t_lap / t_kernel:>6.2f} {t_old:>11.4f} {t_new:>10.4f} {t_new / t_old:>6.2f}")


if __name__ == "__main__":
    main()
