"""Exact counts at the edges (issue 20): the constant at lam = 0, negative cut-offs, huge
cyclic groups (counted right or refused, never merged), and memory/time refusals before
any allocation. Truths are closed forms and brute-force enumerations written here."""

from __future__ import annotations

import itertools
import math
import os
import subprocess
import sys
import time
import tracemalloc
from collections import Counter

import numpy as np
import pytest

import weylgain
from weylgain.errors import GroupError, ResourceError, SpecError
from weylgain.exact import torus_invariant_count
from weylgain.groups import from_generators


def rot_z(angle: float) -> np.ndarray:
    c, s = math.cos(angle), math.sin(angle)
    return np.array([[c, -s, 0.0], [s, c, 0.0], [0.0, 0.0, 1.0]])


# ------------------------------------------------------------------ lam = 0 and below


@pytest.mark.parametrize("manifold, group", [("S2^2", "SO(3)"), ("S2^3", "SO(3) x Sym(3)"),
                                             ("S2^2", "SO(3) x Sym(2)"), ("S2", "I"),
                                             ("S2^2", "SO(2)@1"), ("T2", "signs2"),
                                             ("S2^2", "C4")])
def test_the_constant_counts_at_lam_zero(manifold, group):
    # the constant function is invariant under every group: N(0) = 1 exactly
    assert weylgain.exact_counts(manifold, group, 0.0).count == 1


def test_s2_squared_under_so3_one_invariant_per_degree():
    # invariants of S2 x S2 under diagonal SO(3): P_l(x1 . x2), eigenvalue 2 l (l + 1)
    result = weylgain.exact_counts("S2^2", "SO(3)", 200.0)
    for lam in (0.0, 3.9, 4.0, 11.9, 12.0, 100.0, 200.0):
        truth = sum(1 for l in range(20) if 2 * l * (l + 1) <= lam)
        assert result.count_at(lam) == truth


@pytest.mark.parametrize("manifold, group", [("S2", "I"), ("S2^2", "SO(2)@1"),
                                             ("S2^2", "SO(3)"), ("T1", "Z3"),
                                             ("S2^2", "C4")])
def test_negative_cut_offs_refused(manifold, group):
    with pytest.raises(SpecError, match=">= 0"):
        weylgain.exact_counts(manifold, group, -1.0)


def test_count_at_refuses_negative_cut_offs():
    result = weylgain.exact_counts("S2", "I", 10.0)
    with pytest.raises(SpecError, match=">= 0"):
        result.count_at(-0.5)


# ------------------------------------------------------------------ huge cyclic groups


def _circle_truth(n: int, lam: float) -> int:
    """Modes e^{ikx} of R/2piZ invariant under x -> x + 2 pi / n: k = 0 mod n, k^2 <= lam."""
    top = math.isqrt(int(lam))
    return sum(1 for k in range(-top, top + 1) if k % n == 0)


@pytest.mark.parametrize("n", [7, 1000, 2_000_000_000, 10**10])
def test_huge_cyclic_translations_counted_right(n):
    for lam in (100.0, 1e4):
        got = torus_invariant_count(np.eye(1)[None], lam, translations=[[1.0 / n]])
        assert got == _circle_truth(n, lam)


def test_tiny_translation_is_not_snapped_to_zero():
    group = weylgain.groups.group_from_dict(
        {"kind": "finite", "generators": [{"linear": [[1.0]], "translation": [1e-10]}]})
    result = weylgain.exact_counts("T1", group, 100.0)
    assert result.count == 1  # truth: only k = 0 (k must be a multiple of 10^10)
    assert result.group_order == 10**10


def test_irrational_translation_refused():
    with pytest.raises(GroupError, match="not recognizably a fraction"):
        torus_invariant_count(np.eye(1)[None], 10.0, translations=[[1 / math.pi]])


def test_rotation_by_a_tiny_angle_is_never_order_two():
    g = from_generators(rot_z(2 * math.pi / 1e7)[None])
    t0 = time.perf_counter()
    with pytest.raises(GroupError, match="more than max_order"):
        g.elements(max_order=1_000_000)
    with pytest.raises(GroupError, match="more than"):
        weylgain.exact_counts("S2", rot_z(2 * math.pi / 1e7)[None], 100.0)
    assert time.perf_counter() - t0 < 5


def test_large_cyclic_rotation_counted_right():
    # C_n about z: the degree-l harmonics e^{i m phi} P_l^m with m = 0 mod n are invariant,
    # 2 floor(l / n) + 1 of them
    n = 200
    result = weylgain.exact_counts("S2", rot_z(2 * math.pi / n)[None], 450 * 451)
    truth = sum(2 * (l // n) + 1 for l in range(451))
    assert result.count == truth
    assert result.group_order == n
    # C_1000 to degree 1100: the floating-point Molien sum cannot be trusted there, and
    # says so rather than rounding to a wrong integer
    n, top = 1000, 1100
    try:
        count = weylgain.exact_counts("S2", rot_z(2 * math.pi / n)[None], top * (top + 1)).count
    except weylgain.errors.CountingError as exc:
        assert "not an integer" in str(exc)
    else:
        assert count == sum(2 * (l // n) + 1 for l in range(top + 1))


def test_distinct_elements_in_one_hash_cell_are_not_merged():
    # two rotations whose angles differ by 2 pi 1e-9: each has a small order bound, but the
    # group they generate has elements within 1e-8 of the identity
    a = rot_z(2 * math.pi / 1000)
    b = rot_z(2 * math.pi / 1000 * (1 + 1e-6))
    t0 = time.perf_counter()
    with pytest.raises(GroupError, match="more than max_order"):
        from_generators(np.stack([a, b])).elements(max_order=200_000)
    assert time.perf_counter() - t0 < 30


def test_symmetric_group_cycle_types_closed_form_against_enumeration():
    from weylgain.exact import permutation_cycle_types

    k = 6
    gens = [[1, 0] + list(range(2, k)), list(range(1, k)) + [0]]
    types, order = permutation_cycle_types(gens, k)
    truth: Counter = Counter()
    for p in itertools.permutations(range(k)):
        done, lengths = [False] * k, []
        for i in range(k):
            n, j = 0, i
            while not done[j]:
                done[j], j, n = True, p[j], n + 1
            if n:
                lengths.append(n)
        truth[tuple(sorted(lengths))] += 1
    assert order == math.factorial(k)
    assert types == truth


# ------------------------------------------------------------------ refusals before allocation


def _refused_quickly(call, error=ResourceError, match="would"):
    tracemalloc.start()
    t0 = time.perf_counter()
    try:
        with pytest.raises(error, match=match):
            call()
    finally:
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    assert time.perf_counter() - t0 < 20
    assert peak < 200 * 2**20  # the refusal allocated nothing of the size it refused


@pytest.mark.parametrize("manifold, group, lam", [
    ("S2^2", "SO(3)", 1e9), ("S2^2", "SO(3)", 1e12), ("S2^3", "SO(3) x Sym(3)", 1e9),
    ("S2^2", "SO(2)@1", 1e9), ("S2^2", "C4", 1e9), ("S2^2", "SO(3)", 1e300),
    ("S2^3", "SO(3)", 1e7), ("T2", "signs2", 1e8), ("T1", "Z3", 1e9)])
def test_huge_cut_offs_refused_before_allocating(manifold, group, lam):
    _refused_quickly(lambda: weylgain.exact_counts(manifold, group, lam))


@pytest.mark.parametrize("lam", [1e9, 1e12])
def test_lie_algebra_groups_refused_at_huge_cut_offs(lam):
    group = weylgain.groups.group_from_dict({"lie_algebra": [[[0, -1, 0], [1, 0, 0],
                                                              [0, 0, 0]]]})
    _refused_quickly(lambda: weylgain.exact_counts("S2", group, lam))


def test_memory_limit_is_checked_before_the_allocation(monkeypatch):
    monkeypatch.setenv("WEYLGAIN_MEMORY_LIMIT", "4G")
    _refused_quickly(lambda: weylgain.exact_counts("S2^2", "SO(3)", 1e9),
                     match="only 4.0 GiB")


def test_time_limit_refuses_long_counts(monkeypatch):
    # S2^3 under SO(3) at lam 1e6 takes about a minute; S2^2 at 100 takes milliseconds
    monkeypatch.setenv("WEYLGAIN_TIME_LIMIT", "10")
    _refused_quickly(lambda: weylgain.exact_counts("S2^3", "SO(3)", 1e6),
                     match="WEYLGAIN_TIME_LIMIT")
    assert weylgain.exact_counts("S2^2", "SO(3)", 100.0).count == 7
    monkeypatch.setenv("WEYLGAIN_TIME_LIMIT", "soon")
    with pytest.raises(weylgain.errors.ParameterError, match="WEYLGAIN_TIME_LIMIT"):
        weylgain.exact_counts("S2^2", "SO(3)", 100.0)


def test_lattice_shell_table_refused():
    from weylgain.exact import lattice_shell_counts

    _refused_quickly(lambda: lattice_shell_counts(2, 10**9))
    assert lattice_shell_counts(2, 5).tolist() == [1, 4, 4, 0, 4, 8]


@pytest.mark.parametrize("argv, fragment", [
    (["S2^2", "SO(3)", "--lam", "1e9"], "would need"),
    (["S2", "I", "--lam", "-1"], ">= 0"),
    (["S2^2", "SO(2)@1", "--lam", "-1"], ">= 0"),
    (["S2^2", "SO(3)", "--lam", "0"], None),
])
def test_cli(argv, fragment):
    env = dict(os.environ, WEYLGAIN_MEMORY_LIMIT="4G")
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "weylgain", "exact", *argv],
                          capture_output=True, text=True, timeout=60, env=env)
    assert time.perf_counter() - t0 < 60
    assert "Traceback" not in proc.stderr
    if fragment is None:
        assert proc.returncode == 0
        assert proc.stdout.split()[-3] == "1"  # the count column at lam = 0
    else:
        assert proc.returncode == 2
        assert fragment in proc.stderr
