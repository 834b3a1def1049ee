"""Exact invariant harmonics per degree for Lie-algebra groups on S^{D-1}: weights vs projection.

weylgain counts ``dim H_k^G`` from the weights of a maximal torus and the Weyl group
(Brauer-Klimyk: ``sum_w sign(w) m_k(rho - w rho)``, monomial counts, no linear algebra), plus
a floating-point fixed space of the finite generators on the connected invariants.

The peer, run side by side in the same process, is the brute-force projection: a basis of
the degree-k harmonic polynomials (kernel of the Laplacian on monomial coefficients) valued
at random points of the sphere, averaged over a group quadrature that is exact at that
degree (equally spaced angles for a circle, Euler angles with Gauss-Legendre nodes for
SO(3), the finite part enumerated), and the rank of the average. Counts must agree degree by
degree. A last column times weylgain alone up to the degree a Weyl fit over a decade of
lambda needs (the peer is out of reach there).

Run: ``python benchmarks/bench_exact_lie.py [--repeat 3]``.
"""

from __future__ import annotations

import argparse
import itertools
import math
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import Table, add_common_args, best_of, fmt_ratio, fmt_time, machine_line  # noqa: E402

from weylgain.exact.lie import lie_sphere_dimensions  # noqa: E402
from weylgain.groups.actions import LinearAction  # noqa: E402


def rot(dim, i, j, w=1.0):
    x = np.zeros((dim, dim))
    x[j, i], x[i, j] = w, -w
    return x


def rotation3(axis, angle):
    u = np.asarray(axis, dtype=float)
    k = np.array([[0, -u[2], u[1]], [u[2], 0, -u[0]], [-u[1], u[0], 0]])
    return np.eye(3) + math.sin(angle) * k + (1 - math.cos(angle)) * k @ k


SYM = []
for _i in range(3):
    for _j in range(_i + 1, 3):
        _e = np.zeros((3, 3))
        _e[_i, _j] = _e[_j, _i] = 1 / math.sqrt(2)
        SYM.append(_e)
SYM += [np.diag([1.0, -1, 0]) / math.sqrt(2), np.diag([1.0, 1, -2]) / math.sqrt(6)]
SYM = np.array(SYM)


def irrep5(r):
    return np.einsum("aij,ik,bkl,jl->ab", SYM, r, SYM, r)


def irrep5_algebra():
    so3 = [rot(3, 0, 1), rot(3, 1, 2), rot(3, 0, 2)]
    return np.array([np.einsum("aij,jk,bki->ab", SYM, x, SYM)
                     - np.einsum("aij,bjk,ki->ab", SYM, SYM, x) for x in so3])


# ------------------------------------------------------------ the brute-force peer


def harmonic_basis(dim, degree):
    mons = np.array([a for a in itertools.product(range(degree + 1), repeat=dim)
                     if sum(a) == degree]).reshape(-1, dim)
    low = [a for a in itertools.product(range(degree + 1), repeat=dim) if sum(a) == degree - 2]
    if not low:
        return mons, np.eye(len(mons))
    index = {a: i for i, a in enumerate(low)}
    lap = np.zeros((len(low), len(mons)))
    for col, a in enumerate(mons):
        for j in range(dim):
            if a[j] >= 2:
                b = list(a)
                b[j] -= 2
                lap[index[tuple(b)], col] += a[j] * (a[j] - 1)
    _, s, vh = np.linalg.svd(lap)
    return mons, vh[int(np.sum(s > 1e-9 * s[0])):].T


def projection_counts(dim, max_degree, quadrature, seed=0):
    out = []
    for k in range(max_degree + 1):
        mons, coeff = harmonic_basis(dim, k)
        rng = np.random.default_rng(seed)
        x = rng.standard_normal((2 * coeff.shape[1] + 10, dim))
        x /= np.linalg.norm(x, axis=1, keepdims=True)
        avg = np.zeros((x.shape[0], coeff.shape[1]))
        for g, w in quadrature(k):
            avg += w * (np.prod((x @ g.T)[:, None, :] ** mons[None], axis=2) @ coeff)
        s = np.linalg.svd(avg, compute_uv=False)
        out.append(int(np.sum(s > 1e-8 * s[0])) if s[0] > 1e-10 else 0)
    return np.array(out)


def circle_quadrature(generator, freq, finite=()):
    from scipy.linalg import expm

    def quad(k):
        n = 2 * k * freq + 1
        fin = [np.eye(generator.shape[0])] + list(finite)
        return [(f @ expm(2 * math.pi * t / n * generator), 1.0 / (n * len(fin)))
                for f in fin for t in range(n)]
    return quad


def so3_quadrature(rep):
    def quad(k):
        n = 2 * k + 1
        nodes, weights = np.polynomial.legendre.leggauss(k + 1)
        return [(rep(rotation3([0, 0, 1], 2 * math.pi * a / n)
                     @ rotation3([0, 1, 0], math.acos(c))
                     @ rotation3([0, 0, 1], 2 * math.pi * b / n)), w / (2 * n * n))
                for a in range(n) for b in range(n) for c, w in zip(nodes, weights)]
    return quad


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_common_args(parser)
    args = parser.parse_args()
    circle = rot(4, 0, 1) + rot(4, 2, 3, 2.0)
    half_turn = np.diag([1.0, -1, -1])
    alg5 = irrep5_algebra()
    cases = [
        # name, action, D, peer degree, peer quadrature, Weyl-fit degree (lam decade)
        ("circle (1,2) on S3", LinearAction(circle[None], np.zeros((0, 4, 4)), (4,), True),
         4, 8, circle_quadrature(circle, 2), 31),
        ("O(2) on S2", LinearAction(rot(3, 0, 1)[None], half_turn[None], (3,), True),
         3, 12, circle_quadrature(rot(3, 0, 1), 1, [half_turn]), 31),
        ("SO(3) on S4 (5-dim irrep)", LinearAction(alg5, np.zeros((0, 5, 5)), (5,), False),
         5, 5, so3_quadrature(irrep5), 30),
        ("O(3) on S4 (irrep, -I)", LinearAction(alg5, -np.eye(5)[None], (5,), False),
         5, 5, so3_quadrature(lambda r: irrep5(r)), 18),
    ]
    # -I is not in the image of SO(3): the peer averages over +-I explicitly
    lie_sphere_dimensions(cases[0][1], 2)  # compile / load the numba kernels outside timings
    print(machine_line())
    table = Table(["case", "degrees", "counts equal", "weylgain", "projection", "ratio",
                   "weylgain to Weyl-fit degree"])
    for name, act, dim, kmax, quad, kfit in cases:
        if name.startswith("O(3)"):
            base = quad

            def quad(k, base=base):
                return [(s * g, w / 2) for g, w in base(k) for s in (1.0, -1.0)]
        t_ours, ours = best_of(lambda: lie_sphere_dimensions(act, kmax), args.repeat)
        t_peer, peer = best_of(lambda: projection_counts(dim, kmax, quad), 1)
        equal = bool(np.array_equal(ours, peer))
        assert equal, (name, ours, peer)
        t_fit, _ = best_of(lambda: lie_sphere_dimensions(act, kfit), 1)
        table.add(name, f"0..{kmax}", "yes" if equal else "NO", fmt_time(t_ours),
                  fmt_time(t_peer), fmt_ratio(t_peer / t_ours),
                  f"0..{kfit}: {fmt_time(t_fit)}")
    table.print()


if __name__ == "__main__":
    main()
