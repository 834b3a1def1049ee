"""Group dictionaries and group files: every kind round-trips to an equal group."""

import json

import numpy as np
import pytest

from weylgain.errors import GroupError, SpecError
from weylgain.groups import (
    diagonal,
    group_from_dict,
    lie_group,
    load_group_file,
    named,
    permute_factors,
    resolve,
    subtorus,
)
from weylgain.geometry import quotient_geometry

J = np.array([[0.0, -1.0], [1.0, 0.0]])
HOPF = np.kron(np.eye(2), J)


def _same(a, b):
    da, db = a.to_dict(), b.to_dict()
    assert json.loads(json.dumps(da)) == json.loads(json.dumps(db))
    assert type(a) is type(b)


@pytest.mark.parametrize("make", [
    lambda: lie_group([HOPF], name="hopf-algebra"),
    lambda: lie_group([np.pad(J, ((0, 1), (0, 1)))], [np.diag([1.0, -1.0, -1.0])], name="O(2)"),
    lambda: subtorus([[1, 1]], [{"linear": [[0, 1], [1, 0]], "translation": [0.5, 0]}]),
    lambda: named("C4"),
    lambda: named("Z4:1"),
    lambda: named("SO(2)"),
    lambda: named("hopf"),
    lambda: resolve("SO(3) x Sym(3)", "S2^3"),
    lambda: diagonal(named("T3"), 2),
    lambda: permute_factors(4, 3),
])
def test_round_trip(make):
    g = make()
    back = group_from_dict(json.loads(json.dumps(g.to_dict())))
    _same(g, back)
    if getattr(g, "structure", None) is not None:
        assert back.structure.to_dict() == g.structure.to_dict()


def test_group_files(tmp_path):
    p = tmp_path / "hopf.json"
    p.write_text(json.dumps({"manifold": "S3", "lie_algebra": [HOPF.tolist()], "name": "h"}))
    spec, g = load_group_file(p)
    assert spec == "S3" and g.name == "h"
    assert quotient_geometry(spec, g).quotient_volume == quotient_geometry("S3", "hopf"
                                                                           ).quotient_volume
    t = tmp_path / "torus.json"
    t.write_text(json.dumps({"manifold": "T2", "translations": [[1, 1]], "generators": [
        {"linear": [[0, 1], [1, 0]], "translation": [0, 0]}]}))
    spec, g = load_group_file(t)
    assert spec == "T2" and g.directions.tolist() == [[1, 1]] and len(g.generators) == 1


@pytest.mark.parametrize("content, err, match", [
    ("{not json", SpecError, "not valid JSON"),
    (json.dumps({"lie_algebra": [HOPF.tolist()]}), SpecError, "'manifold'"),
    (json.dumps({"manifold": "S3"}), SpecError, "lie_algebra"),
    (json.dumps({"manifold": "S3", "lie_algebra": "abc"}), SpecError, "lie_algebra"),
    (json.dumps({"manifold": "T2", "translations": [[1, 1]], "generators": [{"translation": [0,
                                                                                         0]}]}),
     SpecError, "linear"),
    (json.dumps({"manifold": "S3", "lie_algebra": [np.eye(4).tolist()]}), GroupError, "skew"),
    (json.dumps({"manifold": "T2", "translations": [[1, 0.5]]}), GroupError, "integer"),
])
def test_bad_files(tmp_path, content, err, match):
    p = tmp_path / "g.json"
    p.write_text(content)
    with pytest.raises(err, match=match):
        load_group_file(p)
    with pytest.raises(SpecError, match="cannot read"):
        load_group_file(tmp_path / "missing.json")
