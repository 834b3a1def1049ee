"""Exact invariant counts on T^10 for S_10 and B_10: generators versus canonicalization.

weylgain counts the invariant Fourier modes of ``R^10/(2 pi Z)^10`` by joining each mode with
its images under the group *generators* (2 for S_10, 3 for B_10; union-find in a numba
kernel) — the group (3,628,800 and 3,715,891,200 elements) is never enumerated, and the
same code handles any signed-permutation group with translations.

The peer, run side by side in the same process, is the special-purpose shortcut available
for exactly these two groups: enumerate the modes with numpy (int8, vectorized by
coordinate), canonicalize each mode by sorting its entries (of ``|k|`` for B_10), encode the
canonical vectors as integers and count the distinct ones with ``np.unique``.

A second table counts ``(T^3)^k / (T^3 x Sym(k))`` (a translation of the whole periodic box
and permutations of k identical atoms): weylgain enumerates only the modes with
``sum_atoms k_atom = 0`` (free coordinates) and joins them by the generators' union-find;
the peer enumerates k-1 free atoms, fixes the last by the constraint and counts multisets
of atom modes with ``np.unique``.

A third table is the character sum (:func:`weylgain.exact.torus.torus_character_shells`,
the route of ``measure_gain`` on T7): ``dim E_n^G = (1/|G|) sum_g tr(g | E_n)`` with the
traces factored over the cycles of each signed permutation, one product of theta series
per cycle type. It is timed against the orbit union-find over every mode (forced) and the
sort+unique canonicalization, all three asserted equal, on T7 under S7, signs7 and B7; then
alone up to ``|k|^2 = 10^5``, where the union-find would need ~10^18 modes (times vs lam,
the group enumeration counted once per group and reported apart).

Run: ``python benchmarks/bench_exact_torus.py [--lam 8 12 16] [--character-only]``.
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _common  # noqa: E402,F401  (finds the checkout's weylgain when it is not installed)

from weylgain import groups  # noqa: E402
from weylgain.exact import lattice_shell_counts, torus_invariant_count  # noqa: E402


def enumerate_modes(dim: int, n2max: int) -> np.ndarray:
    """All k in Z^dim with |k|^2 <= n2max, shape (n, dim), int8 (coordinate by coordinate)."""
    big = math.isqrt(n2max)
    values = np.arange(-big, big + 1, dtype=np.int64)
    modes = np.zeros((1, 0), dtype=np.int8)
    norms = np.zeros(1, dtype=np.int64)
    for _ in range(dim):
        new_norms = norms[:, None] + values[None, :] ** 2
        rows, cols = np.nonzero(new_norms <= n2max)
        modes = np.concatenate([modes[rows], values[cols, None].astype(np.int8)], axis=1)
        norms = new_norms[rows, cols]
    return modes


def peer_count(dim: int, n2max: int, signed: bool) -> int:
    """Orbit count by canonicalization: sort (|k| for signed permutations), unique."""
    modes = enumerate_modes(dim, n2max)
    canon = np.sort(np.abs(modes) if signed else modes, axis=1).astype(np.int64)
    big = math.isqrt(n2max)
    codes = (canon + big) @ ((2 * big + 1) ** np.arange(dim - 1, -1, -1, dtype=np.int64))
    return int(np.unique(codes).size)


def best_time(fn, repeat: int) -> tuple[float, object]:
    best, value = math.inf, None
    for _ in range(repeat):
        start = time.perf_counter()
        value = fn()
        best = min(best, time.perf_counter() - start)
    return best, value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lam", type=float, nargs="+", default=[6.0, 10.0, 14.0, 18.0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--character-only", action="store_true",
                        help="only the character-sum tables (T7 under S7, signs7, B7)")
    args = parser.parse_args()
    if args.character_only:
        character_section(args.repeat)
        return
    dim = 10
    s10 = groups.named("S10")
    b10 = groups.named("B10")
    print(f"S10: order {s10.order} from {len(s10.generators)} generators; "
          f"B10: order {b10.order} from {len(b10.generators)} generators "
          "(closed forms: neither group is enumerated)")
    torus_invariant_count(b10, 2.0)  # compile / load the numba kernels outside the timings
    header = (f"{'group':>5} {'lam':>5} {'modes':>10} {'count':>8} {'weylgain s':>11} "
              f"{'sort+unique s':>14} {'peer/weylgain':>14}")
    print(header)
    print("-" * len(header))
    for lam in args.lam:
        n_modes = int(lattice_shell_counts(dim, int(lam)).sum())
        for name, group, signed in (("S10", s10, False), ("B10", b10, True)):
            t_ours, ours = best_time(lambda: torus_invariant_count(group, lam), args.repeat)
            t_peer, peer = best_time(lambda: peer_count(dim, int(lam), signed), args.repeat)
            assert ours == peer, (name, lam, ours, peer)
            print(f"{name:>5} {lam:>5g} {n_modes:>10d} {ours:>8d} {t_ours:>11.4f} "
                  f"{t_peer:>14.4f} {t_peer / t_ours:>14.2f}")
    subtorus_section(args.repeat)
    character_section(args.repeat)


def block_perm(images, size=3):
    k = len(images)
    m = np.zeros((size * k, size * k))
    for i, j in enumerate(images):
        m[size * j:size * j + size, size * i:size * i + size] = np.eye(size)
    return m


def peer_atoms_count(atoms: int, n2max: int) -> int:
    """T3 x Sym(k) on (T3)^k by brute force: free atoms enumerated, the last one fixed by
    sum = 0, orbits = multisets of atom modes (sorted rows), counted with np.unique."""
    ball = enumerate_modes(3, n2max).astype(np.int64)
    grids = np.meshgrid(*[np.arange(len(ball))] * (atoms - 1), indexing="ij")
    idx = np.stack([g.ravel() for g in grids], axis=1)
    free = ball[idx]  # (n, atoms - 1, 3)
    last = -free.sum(axis=1, keepdims=True)
    modes = np.concatenate([free, last], axis=1)
    keep = (modes ** 2).sum(axis=(1, 2)) <= n2max
    modes = modes[keep]
    big = math.isqrt(n2max) * atoms
    atom_code = (modes + big) @ ((2 * big + 1) ** np.arange(2, -1, -1, dtype=np.int64))
    canon = np.sort(atom_code, axis=1)
    return int(np.unique(canon, axis=0).shape[0])


def subtorus_section(repeat: int) -> None:
    """T3 translating all atoms together, with Sym(k) permuting them: (T3)^k / (T3 x Sym(k))."""
    from weylgain.exact import torus_action_shells
    from weylgain.groups.actions import TorusAction

    print()
    header = (f"{'atoms':>5} {'n2max':>5} {'count':>8} {'weylgain s':>11} "
              f"{'brute force s':>14} {'peer/weylgain':>14}")
    print("(T3)^k / (T3 x Sym(k)): subtorus constraint + permutation orbits")
    print(header)
    print("-" * len(header))
    for atoms, n2max in ((3, 6), (3, 10), (4, 4), (4, 6)):
        dim = 3 * atoms
        directions = np.hstack([np.eye(3, dtype=np.int64)] * atoms)
        cyc = list(range(1, atoms)) + [0]
        swap = [1, 0] + list(range(2, atoms))
        action = TorusAction(directions, np.array([block_perm(swap), block_perm(cyc)]),
                             np.zeros((2, dim)), (2 * math.pi,) * dim, (3,) * atoms)
        t_ours, shells = best_time(lambda: torus_action_shells(action, n2max), repeat)
        t_peer, peer = best_time(lambda: peer_atoms_count(atoms, n2max), 1)
        ours = int(shells.sum())
        assert ours == peer, (atoms, n2max, ours, peer)
        print(f"{atoms:>5} {n2max:>5} {ours:>8d} {t_ours:>11.4f} {t_peer:>14.4f} "
              f"{t_peer / t_ours:>14.2f}")


def peer_canonical_count(dim: int, n2max: int, name: str) -> int:
    """Orbit count by canonicalization for S_d (sort), signs_d (|k|) and B_d (sorted |k|)."""
    modes = enumerate_modes(dim, n2max).astype(np.int64)
    if name.startswith("signs"):
        canon = np.abs(modes)
    else:
        canon = np.sort(np.abs(modes) if name.startswith("B") else modes, axis=1)
    big = math.isqrt(n2max)
    codes = (canon + big) @ ((2 * big + 1) ** np.arange(dim - 1, -1, -1, dtype=np.int64))
    return int(np.unique(codes).size)


def character_section(repeat: int) -> None:
    """T7 under S7, signs7, B7: the character sum against the union-find and the peer."""
    import weylgain.exact.torus as torus
    from weylgain.exact.torus import torus_character_shells

    dim = 7
    named = {g: groups.named(g, dim=dim) for g in ("S7", "signs7", "B7")}
    print()
    print("T7/G: character sum over cycle types (weylgain) vs orbit union-find over every "
          "mode (weylgain, forced) vs sort+unique (numpy peer); the group's cycle types are "
          "collected once (first column)")
    header = (f"{'group':>6} {'n2max':>6} {'modes':>10} {'count':>10} {'types s':>8} "
              f"{'character s':>12} {'union-find s':>13} {'peer s':>8} {'uf/char':>8} "
              f"{'peer/char':>10}")
    print(header)
    print("-" * len(header))
    # load the kernels outside the timings (a tiny group of another torus)
    torus_character_shells(groups.named("signs2", dim=2), 1)
    first = {}
    for g, G in named.items():
        t0 = time.perf_counter()
        torus_character_shells(G, 1)  # enumerates the group once (cached)
        first[g] = time.perf_counter() - t0
    old = torus.CHARACTER_ROUTE_MODES
    for n2max in (10, 20, 40):
        n_modes = int(lattice_shell_counts(dim, n2max).sum())
        for g, G in named.items():
            t_char, ours = best_time(lambda: int(torus_character_shells(G, n2max).sum()),
                                     repeat)
            torus.CHARACTER_ROUTE_MODES = 10 ** 18  # force the union-find
            try:
                t_uf, uf = best_time(lambda: int(torus.torus_invariant_shells(G, n2max).sum()),
                                     1)
            finally:
                torus.CHARACTER_ROUTE_MODES = old
            t_peer, peer = best_time(lambda: peer_canonical_count(dim, n2max, g), 1)
            assert ours == uf == peer, (g, n2max, ours, uf, peer)
            print(f"{g:>6} {n2max:>6} {n_modes:>10d} {ours:>10d} {first[g]:>8.3f} "
                  f"{t_char:>12.4f} {t_uf:>13.4f} {t_peer:>8.3f} {t_uf / t_char:>8.1f} "
                  f"{t_peer / t_char:>10.1f}")
    print()
    print("T7/G by the character sum alone (no other method reaches these lam: the modes "
          "of T7 below |k|^2 = n2max number ~4.7 n2max^3.5)")
    header = f"{'group':>6} {'n2max':>7} {'modes of T7':>12} {'invariants':>20} {'seconds':>9}"
    print(header)
    print("-" * len(header))
    for n2max in (1_000, 10_000, 100_000):
        n_modes = int(lattice_shell_counts(dim, n2max).sum())
        for g, G in named.items():
            t, count = best_time(lambda: int(torus_character_shells(G, n2max).sum()), 1)
            print(f"{g:>6} {n2max:>7d} {n_modes:>12.3e} {count:>20d} {t:>9.3f}")


if __name__ == "__main__":
    main()
