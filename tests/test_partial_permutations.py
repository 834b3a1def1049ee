"""Partial permutations ``Sym(m)@i1,...,im``: spelling, matrices against brute force, errors,
group files (issue 18)."""

from __future__ import annotations

import itertools
import json

import numpy as np
import pytest

from weylgain.errors import SpecError
from weylgain.groups import load_group_file, resolve
from weylgain.groups.serialize import group_from_dict, group_to_dict
from weylgain.manifolds import parse_manifold


def _block_perm(images, blocks):
    """Reference: the matrix moving factor i to factor images[i] (blocks of sizes)."""
    off = np.concatenate([[0], np.cumsum(blocks)])
    D = off[-1]
    P = np.zeros((D, D))
    for i, j in enumerate(images):
        P[off[j]:off[j] + blocks[i], off[i]:off[i] + blocks[i]] = np.eye(blocks[i])
    return P


def _element_set(group):
    els = group.elements(max_order=1000)[0]
    return {tuple(np.rint(g).astype(int).ravel()) for g in els}


@pytest.mark.parametrize("spec, manifold, moved", [
    ("Sym(2)@2,3", "B3^3", (1, 2)),
    ("Sym(3)@1,3,4", "S2^4", (0, 2, 3)),
    ("Sym(4)@2,3,4,5", "B3^5", (1, 2, 3, 4)),
    ("Sym(2)@1,3", "B3xS2xB3", (0, 2)),
    ("sym(2) @ 3, 1", "B3^3", (0, 2)),
])
def test_elements_are_all_permutations_of_the_listed_factors(spec, manifold, moved):
    M = parse_manifold(manifold)
    blocks = [f.ambient_dim for f in M.factors]
    g = resolve(spec, M)
    truth = set()
    for perm in itertools.permutations(moved):
        images = list(range(len(blocks)))
        for src, dst in zip(moved, perm):
            images[src] = dst
        truth.add(tuple(np.rint(_block_perm(images, blocks)).astype(int).ravel()))
    assert _element_set(g) == truth
    assert g.order == len(truth)


def test_water_and_methane_structures():
    water = resolve("SO(3) x Sym(2)@2,3", "B3^3")
    assert water.structure.factor_group == "SO(3)"
    assert water.structure.permutations.tolist() == [[0, 2, 1]]
    methane = resolve("SO(3) x Sym(4)@2,3,4,5", "B3^5")
    # the permutation generators fix factor 1 and generate all 24 permutations of 2..5
    from weylgain.exact.configurations import permutation_cycle_types

    types, order = permutation_cycle_types(methane.structure.permutations, 5)
    assert order == 24 and all(1 in t for t in types)


@pytest.mark.parametrize("spec, words", [
    ("Sym(2)@2,4", "factor 4 does not exist"),
    ("Sym(2)@0,1", "factor 0 does not exist"),
    ("Sym(2)@2,2", "listed more than once"),
    ("Sym(3)@1,2", "needs 3 factor indices"),
    ("Sym(2)@1,2,3", "needs 2 factor indices"),
    ("Sym(1)@1", "permutes nothing"),
    ("Sym(2)@1,x", "Sym(m)@i1,...,im"),
    ("Sym(2)@", "Sym(m)@i1,...,im"),
])
def test_bad_indices_are_refused(spec, words):
    with pytest.raises(SpecError, match=None) as exc:
        resolve(spec, "B3^3")
    assert words in str(exc.value)


def test_factors_must_be_identical():
    with pytest.raises(SpecError, match="not identical"):
        resolve("Sym(2)@1,2", "B3xS2xB3")
    with pytest.raises(SpecError, match="not identical"):
        resolve("Sym(2)@1,2", "B3xB3(2)")


def test_round_trip_through_a_dictionary():
    g = resolve("SO(3) x Sym(2)@2,3", "B3^3")
    back = group_from_dict(json.loads(json.dumps(group_to_dict(g))))
    M = parse_manifold("B3^3")
    a, b = g.action_on(M), back.action_on(M)
    assert np.allclose(a.generators, b.generators) and np.allclose(a.algebra, b.algebra)
    assert b.structure.permutations.tolist() == [[0, 2, 1]]


def test_group_file_with_a_spec_is_resolved_on_its_manifold(tmp_path):
    p = tmp_path / "water.json"
    p.write_text(json.dumps({"manifold": "B3^3", "spec": "SO(3) x Sym(2)@2,3"}))
    manifold, g = load_group_file(p)
    assert manifold == "B3^3"
    ref = resolve("SO(3) x Sym(2)@2,3", "B3^3")
    assert g.dim == 9 and np.allclose(g.generators, ref.generators)
    p.write_text(json.dumps({"manifold": "B3^3", "spec": "Sym(2)@2,5"}))
    with pytest.raises(SpecError, match="factor 5 does not exist"):
        load_group_file(p)


def test_named_without_a_manifold_points_to_resolve():
    from weylgain.groups import named

    for spec in ("Sym(2)@2,3", "SO(3) x Sym(2)@2,3", "C4@1"):
        with pytest.raises(SpecError, match="resolve"):
            named(spec)


@pytest.mark.parametrize("spec, words", [("SO(3) x Sym(2)@2,2", "listed more than once"),
                                         ("SO(3) x Sym(2)@2,4", "factor 4 does not exist")])
def test_command_line_refuses_bad_indices_as_bad_input(spec, words, capsys):
    from weylgain.cli import main

    assert main(["gain", "B3^3", spec]) == 2
    assert words in capsys.readouterr().err
