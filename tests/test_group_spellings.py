"""One unambiguous spelling per group: Perm(d) and SignedPerm(d) beside S<d> and B<d>, and
S<k> on k identical factors of ambient size k (S3 on S2^3) refused with both readings.

Truth: the groups' elements enumerated by brute force from their definitions (all d!
permutation matrices, all 2^d d! signed ones), not from the catalogue.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from weylgain import groups
from weylgain.errors import SpecError
from weylgain.groups.catalogue import resolve


def _permutation_matrices(d, signed):
    out = []
    for p in itertools.permutations(range(d)):
        for signs in (itertools.product((1.0, -1.0), repeat=d) if signed else [(1.0,) * d]):
            a = np.zeros((d, d))
            a[np.arange(d), p] = signs
            out.append(a)
    return out


def _same_elements(group, reference):
    lin, _ = group.elements()
    got = {tuple(np.round(np.asarray(g), 9).ravel()) for g in lin}
    want = {tuple(np.round(g, 9).ravel()) for g in reference}
    return got == want


@pytest.mark.parametrize("d", [2, 3, 4])
def test_long_spellings_are_the_coordinate_groups(d):
    assert _same_elements(groups.named(f"Perm({d})"), _permutation_matrices(d, False))
    assert _same_elements(groups.named(f"SignedPerm({d})"), _permutation_matrices(d, True))
    # the short names still work where nothing else can be meant
    assert groups.named(f"perm({d})").order == groups.named(f"S{d}").order


@pytest.mark.parametrize("group, manifold, k", [("S3", "S2^3", 3), ("S2", "S1^2", 2),
                                                 ("S4", "S3^4", 4)])
def test_s_k_on_k_points_of_k_coordinates_is_refused_with_both_readings(group, manifold, k):
    with pytest.raises(SpecError) as info:
        resolve(group, manifold)
    msg = str(info.value)
    assert "two readings" in msg and f"'Perm({k})'" in msg and f"'Sym({k})'" in msg


def test_the_two_readings_are_different_actions():
    coords = resolve("Perm(3)", "S2^3")
    points = resolve("Sym(3)", "S2^3")
    assert coords.order == points.order == 6
    # Perm(3): one 3x3 permutation repeated on the diagonal blocks of R^9; Sym(3): 3x3 blocks
    # of identities moved between the points
    for g in coords.generator_arrays()[0]:
        blocks = [g[3 * i:3 * i + 3, 3 * j:3 * j + 3] for i in range(3) for j in range(3)]
        assert all(np.allclose(blocks[4 * i], blocks[0]) for i in range(3))
        assert not np.allclose(blocks[0], np.eye(3))
    for g in points.generator_arrays()[0]:
        for i in range(3):
            row = [g[3 * i:3 * i + 3, 3 * j:3 * j + 3] for j in range(3)]
            nonzero = [b for b in row if np.abs(b).max() > 0]
            assert len(nonzero) == 1 and np.allclose(nonzero[0], np.eye(3))


@pytest.mark.parametrize("group, manifold", [("S3", "S2^2"), ("S3", "T3"), ("B3", "S2^3"),
                                              ("S4", "S3^2"), ("S2", "S1^3")])
def test_unambiguous_short_spellings_keep_working(group, manifold):
    assert resolve(group, manifold).order >= 2
