"""Group files (issue 20): every field validated by type and range, named in the message;
misspelled keys refused, never ignored; stated orders checked. Truths are hand-derived
invariant counts on S2."""

from __future__ import annotations

import json
import math
import subprocess
import sys

import numpy as np
import pytest

import weylgain
from weylgain.errors import GroupError, SpecError
from weylgain.groups import group_from_dict, group_to_dict, load_group_file, named

ROT_Z = [[[0, -1, 0], [1, 0, 0], [0, 0, 0]]]  # the Lie algebra of SO(2) about z
FLIP_X = [[1, 0, 0], [0, -1, 0], [0, 0, -1]]  # 2-fold rotation about x: SO(2) -> O(2)
QUARTER = [[0, -1, 0], [1, 0, 0], [0, 0, 1]]  # C4 about z


def write(tmp_path, data, name="g.json"):
    path = tmp_path / name
    path.write_text(json.dumps(data) if not isinstance(data, str) else data)
    return path


@pytest.mark.parametrize("body, field", [
    ({"kind": "finite", "order": "three", "generators": [QUARTER]}, "'order'"),
    ({"kind": "finite", "order": 2.5, "generators": [QUARTER]}, "'order'"),
    ({"kind": "finite", "order": True, "generators": [QUARTER]}, "'order'"),
    ({"kind": "finite", "dim": "many", "generators": []}, "'dim'"),
    ({"kind": "finite", "dim": 0, "generators": []}, "'dim'"),
    ({"kind": "finite", "generators": [[["a", 0, 0], [0, 1, 0], [0, 0, 1]]]}, "generators[0]"),
    ({"kind": "finite", "generators": [3]}, "generators[0]"),
    ({"kind": "finite", "generators": [[[1, 0], [0]]]}, "generators[0]"),
    ({"kind": "finite", "generators": [{"linear": [[1.0]], "translation": ["x"]}]},
     "generators[0].translation"),
    ({"kind": "finite", "generators": [{"linear": [[1.0]], "shift": [0.5]}]}, "generators[0]"),
    ({"lie_algebra": "a"}, "'lie_algebra'"),
    ({"lie_algebra": [[[0, "b", 0], [1, 0, 0], [0, 0, 0]]]}, "'lie_algebra'"),
    ({"lie_algebra": ROT_Z, "lie_dimension": 2}, "'lie_dimension'"),
    ({"lie_algebra": ROT_Z, "dim": 4}, "'dim'"),
    ({"translations": "a"}, "'translations'"),
    ({"kind": "continuous", "name": "SO(2)", "family": "axis_rotation", "lie_dimension": "x",
      "dim": 3}, "'lie_dimension'"),
    ({"kind": "continuous", "name": "SO(2)", "family": "axis_rotation", "lie_dimension": 1,
      "dim": 3, "coordinates": [0, 7]}, "'coordinates'"),
    ({"kind": "named", "spec": "C4", "dim": "a"}, "'dim'"),
    ({"kind": "finite", "name": 5, "generators": [QUARTER]}, "'name'"),
    ({"kind": "finite", "generators": [QUARTER], "structure": {"copies": "two"}}, "'copies'"),
])
def test_bad_fields_named(body, field):
    with pytest.raises(SpecError, match="group dictionary") as info:
        group_from_dict(body)
    assert field in str(info.value)


@pytest.mark.parametrize("body, fragment", [
    ({"lie_algebra": ROT_Z, "generator": [FLIP_X]}, "did you mean 'generators'"),
    ({"kind": "finite", "generators": [QUARTER], "oder": 4}, "did you mean 'order'"),
    ({"generator": [QUARTER]}, "misspelled"),
])
def test_misspelled_keys_refused(body, fragment):
    with pytest.raises(SpecError, match=fragment):
        group_from_dict(body)


def test_o2_file_is_counted_as_o2(tmp_path):
    # S2 / SO(2): one invariant P_l(z) per degree l; O(2) adds z -> -z: even l only
    lam = 500.0
    so2 = sum(1 for l in range(40) if l * (l + 1) <= lam)
    o2 = sum(1 for l in range(0, 40, 2) if l * (l + 1) <= lam)
    m, g = load_group_file(write(tmp_path, {"manifold": "S2", "lie_algebra": ROT_Z,
                                            "generators": [FLIP_X]}))
    assert weylgain.exact_counts(m, g, lam).count == o2
    m, g = load_group_file(write(tmp_path, {"manifold": "S2", "lie_algebra": ROT_Z}))
    assert weylgain.exact_counts(m, g, lam).count == so2


def test_stated_orders_are_checked():
    assert group_from_dict({"kind": "finite", "generators": [QUARTER], "order": 4}).order == 4
    with pytest.raises(GroupError, match="order"):
        group_from_dict({"kind": "finite", "generators": [QUARTER], "order": 5})
    with pytest.raises(GroupError, match="order"):
        group_from_dict({"kind": "finite", "generators": [QUARTER], "order": 10**9})


def test_round_trip_keeps_large_signed_permutation_orders():
    b10 = named("B10")
    back = group_from_dict(group_to_dict(b10))
    assert back.order == 2**10 * math.factorial(10)
    forged = group_to_dict(b10)
    forged["order"] = 2**10 * math.factorial(10) + 2
    with pytest.raises(GroupError, match="'order'"):
        group_from_dict(forged)


def test_deeply_nested_file_refused(tmp_path):
    path = write(tmp_path, '{"manifold": "S2", "generators": ' + "[" * 100_000
                 + "]" * 100_000 + "}")
    with pytest.raises(SpecError, match="too deeply"):
        load_group_file(path)
    path = write(tmp_path, {"manifold": "S2", "kind": "finite",
                            "generators": [[[[[[1.0]]]]]]}, "g2.json")
    with pytest.raises(SpecError, match="nested"):
        load_group_file(path)


def test_tiny_rotation_in_a_file_refused_not_order_two(tmp_path):
    c, s = math.cos(2 * math.pi / 1e7), math.sin(2 * math.pi / 1e7)
    path = write(tmp_path, {"manifold": "S2", "kind": "finite",
                            "generators": [[[c, -s, 0], [s, c, 0], [0, 0, 1]]]})
    m, g = load_group_file(path)
    with pytest.raises(GroupError, match="more than max_order"):
        weylgain.exact_counts(m, g, 100.0)


@pytest.mark.parametrize("body, fragment", [
    ({"manifold": "S2", "kind": "finite", "order": "three", "generators": [QUARTER]},
     "'order'"),
    ({"manifold": "S2", "lie_algebra": ROT_Z, "generator": [FLIP_X]}, "did you mean"),
    ({"manifold": "S2", "kind": "finite", "generators": [3]}, "generators[0]"),
])
def test_cli_reports_the_field(tmp_path, body, fragment):
    path = write(tmp_path, body)
    proc = subprocess.run([sys.executable, "-m", "weylgain", "exact", "--group-file",
                           str(path), "--lam", "10"], capture_output=True, text=True,
                          timeout=60)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert fragment in proc.stderr


def test_input_dictionary_unchanged():
    body = {"kind": "finite", "generators": [{"linear": QUARTER, "translation": [0, 0, 0]}],
            "order": 4}
    before = json.dumps(body)
    group_from_dict(body)
    assert json.dumps(body) == before
    assert np.asarray(body["generators"][0]["linear"]).tolist() == QUARTER
