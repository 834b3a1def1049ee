"""Exact configuration counts against their formulas (issue 21): time against lambda per route.

weylgain counts the invariant eigenfunctions of ``(S2)^k / (C x P)`` (C = SO(3) or O(3)
acting diagonally, P permuting the factors) by a character recursion over the harmonic
degrees (:func:`weylgain.exact.configurations.configuration_spectrum`). Two peers run in the
same process, level by level, and every count must be equal:

* **formula**: the direct Clebsch-Gordan reference, vectorised over all degree tuples
  (S2^2: one invariant per degree, at ``2 l (l + 1)``; S2^3: the triangle rule, with the
  parity ``a + b + c`` even under O(3), Sym(3) by Burnside on the 3j symmetries; S2^4: the
  number of intermediate spins shared by ``V_a x V_b`` and ``V_c x V_d``);
* **quadrature**: brute force, the Weyl integration formula over SO(3) evaluated by
  the midpoint rule on the circle of rotation angles (exact at these degrees) tuple by tuple, rounded (capped at
  ``--max-tuples`` tuples).

The "numpy form" column is the same recursion in numpy, which a fresh process uses for
counts below ``NUMPY_ROUTE_ELEMENTS`` (loading the compiled kernels costs 1-2 s there).
A last column times the front door ``weylgain.exact_counts`` end to end (it adds the Weyl
prediction of the quotient geometry) at the smallest cut-off of each route.

A second table: Lie groups with the finite part ``-I`` (``lie_sphere_dimensions``), against
the invariant-ring formula (O(3) x {+-I} on the 5-dim irrep of SO(3): ``C[tr A^2, tr A^3]``
in even degrees; O(2) on S2: the even zonal harmonics).

Run: ``python benchmarks/bench_exact_speed.py [--repeat 3] [--quick]``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import Table, add_common_args, best_of, fmt_ratio, fmt_time, machine_line  # noqa: E402

import weylgain  # noqa: E402
import weylgain.exact.configurations as C  # noqa: E402
from weylgain.exact.configurations import configuration_spectrum  # noqa: E402
from weylgain.groups.actions import FactorStructure  # noqa: E402

SYM3 = [[1, 0, 2], [1, 2, 0]]


def structure(copies, improper=False, perms=()):
    return FactorStructure(copies, 3, "SO(3)", improper,
                           np.array(perms, dtype=np.int64).reshape(-1, copies))


def degree_grid(lam, copies):
    top = 0
    while (top + 1) * (top + 2) <= lam:
        top += 1
    ls = np.arange(top + 1)
    grids = np.meshgrid(*([ls] * copies), indexing="ij")
    energy = sum(g * (g + 1) for g in grids)
    return grids, energy, energy <= lam


def per_level(energy, weights, lam):
    """{level: count} from tuples' levels and (integer) weights."""
    totals = np.bincount(energy.ravel(), weights=weights.ravel().astype(np.float64),
                         minlength=int(lam) + 1)
    return {int(e): int(round(v)) for e, v in enumerate(totals) if round(v) != 0}


# --------------------------------------------------------------------- formula references


def formula(copies, improper, sym, lam):
    grids, energy, inside = degree_grid(lam, copies)
    if copies == 2:
        a, b = grids
        weight = (a == b) & inside
    elif copies == 3:
        a, b, c = grids
        ok = inside & (np.abs(a - b) <= c) & (c <= a + b)
        if improper:
            ok &= (a + b + c) % 2 == 0
        weight = ok.astype(np.int64)
        if sym:  # Burnside: 3 transpositions (3j sign (-1)^c on a = b), 2 three-cycles
            weight = weight * (1 + 3 * (a == b) * (-1) ** c + 2 * ((a == b) & (b == c)))
            return {e: v // 6 for e, v in per_level(energy, weight, lam).items() if v}
    else:
        a, b, c, d = grids
        low = np.maximum(np.abs(a - b), np.abs(c - d))
        high = np.minimum(a + b, c + d)
        weight = np.where(inside, np.maximum(high - low + 1, 0), 0)
    return per_level(energy, np.asarray(weight, dtype=np.int64), lam)


# --------------------------------------------------------------------- quadrature brute force


def quadrature(copies, improper, sym, lam):
    """Weyl integration: int_SO(3) f = (1/2pi) int_0^2pi f(theta) (1 - cos theta) d theta,
    by the midpoint rule on N points (exact for trigonometric polynomials of degree < N)."""
    grids, energy, inside = degree_grid(lam, copies)
    top = grids[0].shape[0] - 1
    n_points = 2 * (3 * copies * top + 8)  # even: no node where sin(power theta / 2) = 0
    theta = 2 * np.pi * (np.arange(n_points) + 0.5) / n_points
    w = (1 - np.cos(theta)) / n_points
    ls = np.arange(top + 1)[:, None]

    def chi(power):  # chi_l(g^power) on the class of rotation angle theta
        t = power * theta[None, :]
        return np.sin((ls + 0.5) * t) / np.sin(t / 2)

    def integral(*tables, parity=None):
        letters = "abcd"[:len(tables)]
        spec = ",".join(f"{x}n" for x in letters) + ",n->" + "".join(letters)
        out = np.einsum(spec, *tables, w)
        if parity is not None:  # average over +-I: -I acts on V_l by (-1)^l
            out = (out + parity * out) / 2
        return out

    sign = None
    if improper:
        sign = (-1.0) ** sum(grids)
    chi1 = chi(1)
    full = integral(*([chi1] * copies), parity=sign)
    if not sym:
        total = full
    else:  # Burnside over Sym(3): the transposition sees chi_a(g^2) chi_c(g) on (a, a, c)
        swap2 = np.einsum("an,cn,n->ac", chi(2), chi1, w)
        cyc = np.einsum("an,n->a", chi(3), w)
        if improper:
            a, _, c = grids
            swap2 = (swap2 + swap2 * (-1.0) ** (2 * np.arange(top + 1)[:, None]
                                                + np.arange(top + 1)[None, :])) / 2
            cyc = (cyc + cyc * (-1.0) ** (3 * np.arange(top + 1))) / 2
        a, b, c = grids
        total = (full + 3 * np.where(a == b, swap2[a, c], 0.0)
                 + 2 * np.where((a == b) & (b == c), cyc[a], 0.0)) / 6
    # Burnside averages are integers per level (per orbit of tuples), not per tuple
    totals = np.bincount(energy.ravel(), weights=np.where(inside, total, 0.0).ravel(),
                         minlength=int(lam) + 1)
    counts = np.rint(totals)
    err = np.abs(totals - counts).max(initial=0.0)
    assert err < 1e-6, err
    return {int(e): int(v) for e, v in enumerate(counts) if v != 0}


def ours(copies, improper, sym, lam, numpy_form=False):
    """weylgain's count; ``numpy_form``: the numpy form of the recursion (what a fresh
    process uses for small counts, before the compiled kernels are loaded)."""
    saved = dict(C._KERNEL_STATE), C.NUMPY_ROUTE_ELEMENTS
    if numpy_form:
        C._KERNEL_STATE["loaded"], C.NUMPY_ROUTE_ELEMENTS = False, float("inf")
    try:
        eig, mult, _ = configuration_spectrum(
            structure(copies, improper, SYM3 if sym else ()), lam)
    finally:
        C._KERNEL_STATE.update(saved[0])
        C.NUMPY_ROUTE_ELEMENTS = saved[1]
    return {int(round(e)): int(m) for e, m in zip(eig, mult) if m}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_common_args(parser)
    parser.add_argument("--max-tuples", type=float, default=2e6,
                        help="largest number of degree tuples the quadrature peer visits")
    args = parser.parse_args()
    routes = [
        ("S2^2 / SO(3)", "S2^2", "SO(3)", 2, False, False, [1e2, 1e3, 1e4, 1e5]),
        ("S2^3 / SO(3)", "S2^3", "SO(3)", 3, False, False, [1e2, 5e2, 1e3, 1e4]),
        ("S2^3 / O(3)", "S2^3", "O(3)", 3, True, False, [5e2, 1e3, 1e4]),
        ("S2^3 / SO(3) x Sym(3)", "S2^3", "SO(3) x Sym(3)", 3, False, True,
         [5e2, 1e3, 1e4]),
        ("S2^3 / O(3) x Sym(3)", "S2^3", "O(3) x Sym(3)", 3, True, True, [5e2, 1e3]),
        ("S2^4 / SO(3)", "S2^4", "SO(3)", 4, False, False, [1e2, 5e2, 1e3]),
    ]
    if args.quick:
        routes = [(r[0], r[1], r[2], r[3], r[4], r[5], r[6][:2]) for r in routes]
    # load the compiled kernels outside the timings (the default route uses them from then on)
    C._type_series((1, 1), np.array([0, 2]), np.array([1, 3]), "SO(3)", 1, 2, route="numba")
    print(machine_line())
    table = Table(["route", "lam", "count", "counts equal", "weylgain", "numpy form", "formula",
                   "formula / weylgain", "quadrature", "exact_counts end to end"])
    for name, spec, group, copies, improper, sym, lams in routes:
        for i, lam in enumerate(lams):
            t_ours, got = best_of(lambda: ours(copies, improper, sym, lam), args.repeat)
            t_np, got_np = best_of(lambda: ours(copies, improper, sym, lam, True), args.repeat)
            t_ref, ref = best_of(lambda: formula(copies, improper, sym, lam), args.repeat)
            equal = got == ref == got_np
            tuples = degree_grid(lam, copies)[0][0].size
            t_quad = None
            if tuples <= args.max_tuples:
                t_quad, brute = best_of(lambda: quadrature(copies, improper, sym, lam), 1)
                equal = equal and brute == got
            assert equal, (name, lam)
            t_front = None
            if i == 0:
                t_front, res = best_of(lambda: weylgain.exact_counts(spec, group, lam), 1)
                assert res.count == sum(got.values())
            table.add(name, f"{lam:g}", sum(got.values()), "yes" if equal else "NO",
                      fmt_time(t_ours), fmt_time(t_np), fmt_time(t_ref),
                      fmt_ratio(t_ref / t_ours),
                      fmt_time(t_quad), fmt_time(t_front))
    table.print()
    lie_table(args.repeat)


def _rot(dim, i, j):
    x = np.zeros((dim, dim))
    x[j, i], x[i, j] = 1.0, -1.0
    return x


def _irrep5_algebra():
    sym = []
    for i in range(3):
        for j in range(i + 1, 3):
            e = np.zeros((3, 3))
            e[i, j] = e[j, i] = 1 / np.sqrt(2)
            sym.append(e)
    sym = np.array(sym + [np.diag([1.0, -1, 0]) / np.sqrt(2),
                          np.diag([1.0, 1, -2]) / np.sqrt(6)])
    return np.array([np.einsum("aij,bij->ab", sym, np.einsum("ik,bkj->bij", x, sym)
                               - np.einsum("bik,kj->bij", sym, x))
                     for x in (_rot(3, 0, 1), _rot(3, 1, 2), _rot(3, 0, 2))])


def _ring_harmonics(top):
    poly = [0 if k % 2 else sum(1 for j in range(k // 3 + 1) if (k - 3 * j) % 2 == 0)
            for k in range(top + 1)]
    return np.array([poly[k] - (poly[k - 2] if k >= 2 else 0) for k in range(top + 1)])


def lie_table(repeat: int = 1) -> None:
    from weylgain.exact.lie import lie_sphere_dimensions
    from weylgain.groups.actions import LinearAction

    table = Table(["route", "degrees (lam)", "invariants", "counts equal", "weylgain",
                   "formula"])
    o3 = LinearAction(_irrep5_algebra(), -np.eye(5)[None], (5,), False)
    o2 = LinearAction(_rot(3, 0, 1)[None], -np.eye(3)[None], (3,), True)
    lie_sphere_dimensions(o3, 3)  # load the numba kernels outside the timings
    for name, act, dim, top, truth in [
            ("O(3) x {+-I} on S4 (5-dim irrep)", o3, 5, 25, _ring_harmonics),
            ("O(2) on S2", o2, 3, 100, lambda t: np.array([1 - k % 2 for k in range(t + 1)]))]:
        t_ours, got = best_of(lambda: lie_sphere_dimensions(act, top), repeat)
        t_ref, ref = best_of(lambda: truth(top), repeat)
        equal = bool(np.array_equal(got, ref))
        assert equal, name
        table.add(name, f"0..{top} ({top * (top + dim - 2)})", int(got.sum()), "yes",
                  fmt_time(t_ours), fmt_time(t_ref))
    table.print()


if __name__ == "__main__":
    main()
