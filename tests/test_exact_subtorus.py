"""Subtorus counts on flat tori (weylgain.exact.torus.torus_action_shells) by brute force.

Truth: modes enumerated in a box here, the subtorus constraint checked mode by mode, and the
finite part applied as explicit matrices on the mode set (closure of the generators,
averaged: the rank of the Reynolds operator), or canonical sorted tuples for permutations
of atoms.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from weylgain.errors import GroupError, SpecError
from weylgain.exact.torus import torus_action_shells, torus_action_spectrum
from weylgain.groups.actions import TorusAction

TWO_PI = 2 * math.pi


def box_modes(dim, n2max):
    r = math.isqrt(n2max)
    return [k for k in itertools.product(range(-r, r + 1), repeat=dim)
            if sum(x * x for x in k) <= n2max]


def reynolds_shells(dim, n2max, directions, generators):
    """Rank of the group average on each shell: generators as (A, t) affine maps."""
    modes = [k for k in box_modes(dim, n2max)
             if all(np.dot(k, v) == 0 for v in directions)]
    index = {k: i for i, k in enumerate(modes)}
    mats = []
    for a, t in generators:
        m = np.zeros((len(modes), len(modes)), dtype=complex)
        for k in modes:
            image = tuple(int(x) for x in np.rint(np.asarray(a).T @ np.array(k)))
            m[index[image], index[k]] = np.exp(2j * math.pi * np.dot(k, t))
        mats.append(m)
    def key(m):  # + 0.0 turns -0.0 into 0.0
        return (np.round(m.real, 8) + 0.0).tobytes() + (np.round(m.imag, 8) + 0.0).tobytes()

    eye = np.eye(len(modes), dtype=complex)
    group = {key(eye): eye}
    frontier = list(group.values())
    while frontier:
        new = []
        for g in frontier:
            for m in mats:
                p = m @ g
                if key(p) not in group:
                    group[key(p)] = p
                    new.append(p)
        frontier = new
    avg = sum(group.values()) / len(group)
    norms = np.array([sum(x * x for x in k) for k in modes])
    out = np.zeros(n2max + 1, dtype=np.int64)
    for n in range(n2max + 1):
        sel = np.flatnonzero(norms == n)
        if sel.size:
            out[n] = np.linalg.matrix_rank(avg[np.ix_(sel, sel)], tol=1e-8)
    return out


def test_direction_one_one_on_t2():
    a = TorusAction([[1, 1]], np.zeros((0, 2, 2)), np.zeros((0, 2)), (TWO_PI,) * 2, (2,))
    got = torus_action_shells(a, 60)
    truth = reynolds_shells(2, 60, [(1, 1)], [])
    np.testing.assert_array_equal(got, truth)
    assert got[2] == 2 and got[8] == 2 and got[4] == 0  # (j, -j): |k|^2 = 2 j^2


def test_direction_with_glide_reflection():
    # the swap with a half-period shift along the diagonal normalizes (1, 1)
    swap = np.array([[0.0, 1], [1, 0]])
    for t in ([0.5, 0.5], [0.0, 0.0], [0.25, 0.25]):
        a = TorusAction([[1, 1]], swap[None], np.array([t]), (TWO_PI,) * 2, (2,))
        np.testing.assert_array_equal(torus_action_shells(a, 40),
                                      reynolds_shells(2, 40, [(1, 1)], [(swap, t)]))


def test_direction_one_two_on_t3_with_sign_flip():
    flip = np.diag([1.0, 1, -1])
    a = TorusAction([[1, 2, 0]], flip[None], np.array([[0, 0, 0.5]]), (TWO_PI,) * 3, (3,))
    np.testing.assert_array_equal(torus_action_shells(a, 30),
                                  reynolds_shells(3, 30, [(1, 2, 0)], [(flip, [0, 0, 0.5])]))


def test_diagonal_t3_on_two_copies_modes_k_minus_k():
    v = np.hstack([np.eye(3, dtype=int)] * 2)
    a = TorusAction(v, np.zeros((0, 6, 6)), np.zeros((0, 6)), (TWO_PI,) * 6, (3, 3))
    got = torus_action_shells(a, 24)
    r3 = np.zeros(13, dtype=np.int64)  # |k|^2 counts in Z^3
    for k in box_modes(3, 12):
        r3[sum(x * x for x in k)] += 1
    truth = np.zeros(25, dtype=np.int64)
    truth[::2] = r3  # (k, -k) has |.|^2 = 2 |k|^2
    np.testing.assert_array_equal(got, truth)


def block_perm(p, size=3):
    k = len(p)
    m = np.zeros((size * k, size * k))
    for i, j in enumerate(p):
        m[size * j:size * j + size, size * i:size * i + size] = np.eye(size)
    return m


def test_t3_times_sym4_on_four_atoms():
    v = np.hstack([np.eye(3, dtype=int)] * 4)
    lin = np.array([block_perm([1, 0, 2, 3]), block_perm([1, 2, 3, 0])])
    a = TorusAction(v, lin, np.zeros((2, 12)), (TWO_PI,) * 12, (3,) * 4)
    n2max = 4
    got = torus_action_shells(a, n2max)
    ball = box_modes(3, n2max)
    seen = set()
    for k1, k2, k3 in itertools.product(ball, repeat=3):
        k4 = tuple(-(x + y + z) for x, y, z in zip(k1, k2, k3))
        total = sum(x * x for k in (k1, k2, k3, k4) for x in k)
        if total <= n2max:
            seen.add((tuple(sorted((k1, k2, k3, k4))), total))  # one orbit per multiset
    truth = np.bincount([t for _, t in seen], minlength=n2max + 1)
    np.testing.assert_array_equal(got, truth)


def test_spectrum_and_weyl_fit_of_diagonal_t3():
    # T^3 diag on (T^3)^2: M/G is the flat 3-torus of the differences with covolume
    # (2 pi)^3 / 2^(3/2) (the lattice {(k, -k)} has covolume 2^(3/2) in Z^6 units); d_G = 3.
    # Weyl: N ~ omega_3 vol lam^(3/2) / (2 pi)^3 = (4 pi / 3) lam^(3/2) / 2^(3/2) / (2 pi)^3
    # * (2 pi)^3; the lattice-point error in 3-d is O(lam^(3/4)) at worst (no boundary):
    # within 12 % over lam in [100, 1000] (the measured worst is ~5 %).
    v = np.hstack([np.eye(3, dtype=int)] * 2)
    a = TorusAction(v, np.zeros((0, 6, 6)), np.zeros((0, 6)), (TWO_PI,) * 6, (3, 3))
    eig, mult, full = torus_action_spectrum(a, 1000)
    vol = TWO_PI ** 3 / 2 ** 1.5
    for lam in (100, 300, 1000):
        pred = 4 * math.pi / 3 * vol * lam ** 1.5 / TWO_PI ** 3
        count = int(mult[eig <= lam].sum())
        assert abs(count / pred - 1) < 0.12
    assert full[0] == 1 and mult[0] == 1


def test_refusals():
    swap13 = np.eye(3)[[2, 1, 0]]
    a = TorusAction([[1, 2, 0]], swap13[None], np.zeros((1, 3)), (TWO_PI,) * 3, (3,))
    with pytest.raises(GroupError, match="normalize"):
        torus_action_shells(a, 10)
    b = TorusAction([[1, 0]], np.zeros((0, 2, 2)), np.zeros((0, 2)), (1.0, 2.0), (2,))
    with pytest.raises(SpecError, match="equal side lengths"):
        torus_action_shells(b, 10)


def test_products_of_circles_count_as_tori():
    """S1^3 with diagonal SO(2) (k1 + k2 + k3 = 0) and Sym(3) (multisets), by brute force."""
    from weylgain.exact import exact_counts

    modes = box_modes(3, 20)
    assert exact_counts("S1^3", "SO(2)", 20).count == sum(1 for k in modes if sum(k) == 0)
    assert exact_counts("S1^3", "Sym(3)", 20).count == len({tuple(sorted(k)) for k in modes})
    both = exact_counts("S1^3", "SO(2) x Sym(3)", 20)
    assert both.count == len({tuple(sorted(k)) for k in modes if sum(k) == 0})
    assert exact_counts("S1^3", "trivial", 20).count == len(modes)
    half = exact_counts("S1(2)^2", "SO(2)", 5)  # radius 2: eigenvalues |k|^2 / 4
    assert half.count == sum(1 for k in box_modes(2, 20) if sum(k) == 0)
