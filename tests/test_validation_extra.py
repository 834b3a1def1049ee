"""Bad inputs found by the audit in the group and learning layers: clear errors, no numbers."""

from __future__ import annotations

import numpy as np
import pytest

from weylgain import GroupError, ParameterError
from weylgain.cli import main
from weylgain.groups import AffineMap, from_generators
from weylgain.learning import TorusKernel, learning_curve, random_target, sample

QUARTER_TURN = np.array([[0.0, -1.0, 0.0], [1.0, 0.0, 0.0], [0.0, 0.0, 1.0]])


def test_wrong_user_order_is_refused():
    # a quarter turn generates C4: 4 elements, not 3 (nor 8)
    for wrong in (3, 8):
        with pytest.raises(GroupError, match=f"given order {wrong}"):
            from_generators(QUARTER_TURN[None], order=wrong)
    assert from_generators(QUARTER_TURN[None], order=4).order == 4
    with pytest.raises(GroupError, match="positive integer"):
        from_generators(QUARTER_TURN[None], order=0)


def test_affine_map_refuses_non_orthogonal_and_non_finite():
    with pytest.raises(GroupError, match="not orthogonal"):
        AffineMap(np.diag([2.0, 1.0, 1.0]), np.zeros(3))
    with pytest.raises(GroupError, match="finite"):
        AffineMap(np.eye(2) * np.nan, np.zeros(2))
    AffineMap(QUARTER_TURN, np.zeros(3))  # an isometry is fine


@pytest.mark.parametrize("noise", [-1.0, float("nan"), float("inf"), "abc"])
def test_noise_must_be_a_finite_nonnegative_sigma(noise):
    kernel = TorusKernel(2, smoothness=2.0, max_level=8)
    with pytest.raises(ParameterError, match="noise"):
        sample(kernel, 4, noise=noise)
    f = random_target(kernel, group="signs2", seed=0)
    with pytest.raises(ParameterError, match="noise"):
        learning_curve(kernel, f, "signs2", n_values=(8, 16), seeds=1, noise=noise,
                       show_progress=False)


@pytest.mark.parametrize("noise", ["-1", "nan"])
def test_cli_learn_refuses_bad_noise(noise, capsys):
    assert main(["learn", "--manifold", "T2", "--group", "signs2", "--noise", noise]) == 2
    assert "noise must be" in capsys.readouterr().err


@pytest.mark.parametrize("args, fragment", [
    ((-1.0, 2, 4 * np.pi), "lam must be finite"),
    ((np.array([1.0, np.nan]), 2, 4 * np.pi), "lam must be finite"),
    ((10.0, 2, -1.0), "volume must be a positive"),
    ((10.0, -1, 1.0), "dimension must be"),
    (("abc", 2, 1.0), "real numbers"),
])
def test_weyl_count_validates(args, fragment):
    from weylgain import weyl_count

    with pytest.raises(ParameterError, match=fragment):
        weyl_count(*args)


def test_weyl_count_values():
    from weylgain import weyl_count

    # unit sphere: C_W = 1, so N(lam) ~ lam; hemisphere adds sqrt(lam)/2 (vol d = 2 pi)
    assert weyl_count(100.0, 2, 4 * np.pi) == pytest.approx(100.0)
    assert weyl_count(100.0, 2, 2 * np.pi, 2 * np.pi) == pytest.approx(50.0 + 5.0)
    assert weyl_count(0.0, 2, 4 * np.pi) == 0.0


def test_count_says_when_lam_is_beyond_the_mesh(capsys):
    import json

    # sphere:1 (42 vertices, mean edge ~0.6): lam = 1e6 has lam h^2 ~ 4e5, far beyond
    assert main(["count", "--mesh", "sphere:1", "--lam", "1e6", "--lam", "0.5", "--json",
                 "--no-progress"]) == 0
    out = capsys.readouterr()
    data = json.loads(out.out)
    by_lam = {r["lam"]: r for r in data["results"]}
    assert by_lam[1e6]["resolved"] is False and by_lam[0.5]["resolved"] is True
    assert by_lam[1e6]["lam_h2"] == pytest.approx(1e6 * data["mean_edge"] ** 2)
    assert "resolves eigenvalues up to" in out.err and "1e+06" in out.err
    assert main(["count", "--mesh", "sphere:5", "--lam", "36", "--no-progress"]) == 0
    assert "resolves" not in capsys.readouterr().err  # lam h^2 ~ 0.06: resolved, silent
