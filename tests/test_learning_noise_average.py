"""The primal route's averaged risk estimators (weylgain.learning.scale).

Truths: a brute-force Monte Carlo over many noise draws (and over many random target
directions) of the excess risk of KRR solved in its dual form (K + n eta I)^{-1} y, which
shares no code with the closed forms; the sampled risk of the same samples; the finite-n
prediction.
"""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from weylgain.errors import ParameterError
from weylgain.learning import random_target
from weylgain.learning.curves import _PrimalProblem
from weylgain.learning.domains import action_for
from weylgain.learning.kernels import SphereKernel, TorusKernel
from weylgain.learning.scale import (RISK_ESTIMATORS, _averaged_risks, _direction_basis,
                                     measure_curves)


def _small_problem(group="C4"):
    kernel = SphereKernel(2, smoothness=1.5, max_degree=4)  # 25 modes
    act = action_for(group, kernel)
    target = random_target(kernel, group=act, seed=3)
    primal = _PrimalProblem(kernel, act, target)
    rng = np.random.default_rng(11)
    X = kernel.domain.sample(50, rng)
    return kernel, primal, primal.features(X), rng


def _dual_coefficients(Phi, w, y, eta):
    """KRR in the dual form: c = diag(w) Phi^T (Phi diag(w) Phi^T + n eta I)^{-1} y."""
    n = len(Phi)
    K = (Phi * w) @ Phi.T
    return w[:, None] * (Phi.T @ np.linalg.solve(K + n * eta * np.eye(n), y))


def _fits(primal, Phi, method):
    """(features, weights, target coordinates, map to the full coefficients) of a method."""
    if method == "none":
        return Phi, primal.w, primal.a, np.eye(len(primal.a))
    return Phi @ primal.Q, primal.wG, primal.Q.T @ primal.a, primal.Q


def _closed_form(F, w, a, directions, eta, noise):
    sw = np.sqrt(w)
    e, V = np.linalg.eigh((F * sw).T @ (F * sw))
    return _averaged_risks(np.maximum(e, 0.0), V, sw, len(F), eta, a, directions, noise)


@pytest.mark.parametrize("method", ["none", "average"])
@pytest.mark.parametrize("eta", [1e-4, 1e-3])
def test_the_noise_average_matches_a_monte_carlo_over_noise_draws(method, eta):
    kernel, primal, Phi, rng = _small_problem()
    F, w, a, to_full = _fits(primal, Phi, method)
    noise = 0.3
    bias, _, var = _closed_form(F, w, a, np.zeros((len(a), 1)), eta, noise)
    f = Phi @ primal.a
    # the noiseless part: the dual fit to the noiseless labels, exactly
    c0 = to_full @ _dual_coefficients(F, w, f[:, None], eta)[:, 0]
    assert bias == pytest.approx(np.sum((c0 - primal.a) ** 2), rel=1e-7)
    draws = 4000
    Y = f[:, None] + noise * rng.standard_normal((len(f), draws))
    C = to_full @ _dual_coefficients(F, w, Y, eta)
    risks = np.sum((C - primal.a[:, None]) ** 2, axis=0)
    mc, se = risks.mean(), risks.std(ddof=1) / math.sqrt(draws)
    assert abs((bias + var) - mc) < 4 * se, (bias + var, mc, se)
    assert var > 10 * se  # the noise term is resolved, not lost in the Monte Carlo error


@pytest.mark.parametrize("method", ["none", "average"])
def test_the_target_average_matches_a_monte_carlo_over_target_directions(method):
    kernel, primal, Phi, rng = _small_problem()
    Q = primal.Q
    dirs = _direction_basis(primal, primal.a, Q)
    F, w, a, to_full = _fits(primal, Phi, method)
    eta = 1e-3
    _, bias_avg, _ = _closed_form(F, w, a, dirs if method == "none" else Q.T @ dirs, eta, 0.0)
    # random targets: in every eigenspace j a uniformly random direction in the invariant
    # part, at the energy the target has there
    block = np.searchsorted(primal.offsets, np.argmax(np.abs(Q), axis=0), side="right") - 1
    alpha = Q.T @ primal.a
    draws = 3000
    G = rng.standard_normal((Q.shape[1], draws))
    for j in np.unique(block):
        cols = block == j
        G[cols] *= np.sqrt(np.sum(alpha[cols] ** 2)) / np.linalg.norm(G[cols], axis=0)
    A = Q @ G  # (p, draws) targets
    Y = Phi @ A
    C = to_full @ _dual_coefficients(F, w, Y, eta)
    risks = np.sum((C - A) ** 2, axis=0)
    mc, se = risks.mean(), risks.std(ddof=1) / math.sqrt(draws)
    assert abs(bias_avg - mc) < 4 * se, (bias_avg, mc, se)
    assert np.allclose(np.sum(A ** 2, axis=0), np.sum(primal.a ** 2))  # same energy


def test_the_route_s_estimates_against_a_dual_reference_on_the_same_samples():
    # measure_curves' three estimates of one seed, recomputed from its stream of samples by
    # dual KRR: sampled, plus the noise average sigma^2 |W Phi^T (K + n eta)^{-1}|_F^2
    kernel = TorusKernel(2, 2.0, 20)
    act = action_for("signs2", kernel)
    f = random_target(kernel, group=act, seed=1)
    noise, n_values = 0.3, [100, 200]
    cur = measure_curves(kernel, f, act, n_values=n_values, seeds=1, noise=noise,
                         show_progress=False)
    primal = _PrimalProblem(kernel, act, f)
    rng = np.random.default_rng(np.random.SeedSequence([0, 19]).spawn(1)[0])
    Phi, y = np.zeros((0, len(primal.a))), np.zeros(0)
    for i, n in enumerate(n_values):
        X = kernel.domain.sample(n - len(y), rng)
        P = primal.features(X)
        Phi, y = np.vstack([Phi, P]), np.concatenate([y, P @ primal.a
                                                      + noise * rng.standard_normal(len(X))])
        for m, method in enumerate(("none", "average")):
            F, w, a, to_full = _fits(primal, Phi, method)
            eta = cur.ridges["theory"][m, 0, i]
            K = (F * w) @ F.T
            M = to_full @ (w[:, None] * (F.T @ np.linalg.inv(K + n * eta * np.eye(n))))
            sampled = np.sum((M @ y - primal.a) ** 2) / kernel.domain.volume
            averaged = (np.sum((M @ (Phi @ primal.a) - primal.a) ** 2)
                        + noise ** 2 * np.sum(M ** 2)) / kernel.domain.volume
            assert cur.estimates["sampled"][m, 0, i] == pytest.approx(sampled, rel=1e-6)
            assert cur.estimates["noise-averaged"][m, 0, i] == pytest.approx(averaged, rel=1e-6)
            assert cur.estimates["noise-target-averaged"][m, 0, i] > 0


@pytest.fixture(scope="module")
def torus_curves():
    kernel = TorusKernel(2, 2.0, 40)
    f = random_target(kernel, group="signs2", seed=np.random.SeedSequence([0, 7]))
    return measure_curves(kernel, f, "signs2", n_values=[400, 800, 1600, 3200], seeds=8,
                          show_progress=False)


def test_the_averaged_estimators_vary_less_over_seeds_and_agree_with_the_sampled(torus_curves):
    cur = torus_curves
    sampled = cur.estimates["sampled"]
    se = sampled.std(axis=1, ddof=1) / math.sqrt(sampled.shape[1])
    for est in ("noise-averaged", "noise-target-averaged"):
        r = cur.estimates[est]
        # an unbiased estimator of the same mean: within the sampled one's error
        assert np.all(np.abs(r.mean(axis=1) - sampled.mean(axis=1)) < 4 * se), est
        # with (here several times) less variance
        assert np.all(r.std(axis=1) < 0.5 * sampled.std(axis=1)), est
    assert cur.risk_estimator == "noise-averaged"
    np.testing.assert_array_equal(cur.risks["theory"], cur.estimates["noise-averaged"])


def test_the_measured_saving_brackets_the_finite_n_prediction(torus_curves):
    s = torus_curves.summary()
    meas = s["saving_measured"]["average"]["theory"]
    pred = s["saving_predicted"]["average"]
    assert meas["low"] <= pred <= meas["high"], (meas, pred)
    assert meas["high"] - meas["low"] < 0.06 * pred  # a few percent, with 8 seeds
    for m in ("none", "average"):
        e = s["exponent_measured"][m]["theory"]
        assert e["low"] - 0.01 <= s["exponent_predicted"][m] <= e["high"] + 0.01, (m, e)
    by = torus_curves.by_estimator()
    width = {k: v["saving"]["high"] - v["saving"]["low"] for k, v in by.items()}
    assert width["noise-averaged"] < 0.5 * width["sampled"]
    # the JSON names the estimators
    d = json.loads(json.dumps(torus_curves.to_dict()))
    assert d["risk_estimator"] == {"theory": "noise-averaged", "cv": "sampled"}
    assert set(d["measured_by_estimator"]) == set(RISK_ESTIMATORS)


def test_another_estimator_is_a_view_of_the_same_samples(torus_curves):
    other = torus_curves.with_estimator("sampled")
    np.testing.assert_array_equal(other.risks["theory"], torus_curves.estimates["sampled"])
    np.testing.assert_array_equal(other.risks["cv"], torus_curves.risks["cv"])
    with pytest.raises(ParameterError, match="risk must be one of"):
        torus_curves.with_estimator("exact")


def test_unknown_estimators_are_refused():
    from weylgain.learning import experiment

    kernel = TorusKernel(2, 2.0, 10)
    f = random_target(kernel, group="signs2", seed=1)
    with pytest.raises(ParameterError, match="risk must be one of"):
        measure_curves(kernel, f, "signs2", n_values=[10, 20], risk="averaged")
    with pytest.raises(ParameterError, match="primal route"):
        experiment("T2", "signs2", ridge="oracle", risk="noise-averaged")


def test_learn_names_its_estimator_in_the_json(capsys):
    from weylgain.cli import main

    base = ["learn", "--n", "200", "400", "--seeds", "2", "--json"]
    assert main(base) == 0
    default = json.loads(capsys.readouterr().out)
    assert default["risk_estimator"] == {"theory": "noise-averaged", "cv": "sampled"}
    assert main(base + ["--risk", "sampled"]) == 0
    sampled = json.loads(capsys.readouterr().out)
    assert sampled["risk_estimator"]["theory"] == "sampled"
    # the same samples: the sampled figures are the default run's sampled column
    assert (sampled["saving_measured"]["average"]["theory"]["value"]
            == pytest.approx(default["measured_by_estimator"]["sampled"]["saving"]["value"]))


def test_a_target_that_is_not_invariant_is_refused():
    # its non-invariant part would be dropped by the average over invariant directions and
    # is not described by the predicted curves: refused, not a silent wrong number
    kernel = TorusKernel(2, 2.0, 10)
    f = random_target(kernel, seed=1)  # no group: not invariant under the sign flips
    with pytest.raises(ParameterError, match="not invariant under"):
        measure_curves(kernel, f, "signs2", n_values=[10, 20], show_progress=False)
