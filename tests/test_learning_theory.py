"""Predicted learning curves (weylgain.learning.theory) against truths that do not come from
them: closed forms of the self-consistent equation, dense Monte Carlo expectations of KRR
(kernel matrices by the addition theorem / Fourier sums, group averages over the elements),
exact invariant counts, and the measured curves of the primal route."""

from __future__ import annotations

import math

import numpy as np
import pytest

from weylgain.errors import ParameterError
from weylgain.learning import SphereKernel, TorusKernel, random_target
from weylgain.learning.curves import _PrimalProblem
from weylgain.learning.scale import _single_threaded_blas
from weylgain.learning.targets import _action
from weylgain.learning.theory import (LearningSpectrum, effective_regularization,
                                      learning_spectrum, predict_learning_curve,
                                      predicted_risk)


def test_kappa_of_one_eigenspace_is_the_root_of_the_quadratic():
    # n = m mu / (mu + k) + delta / k  <=>  n k^2 + (n mu - m mu - delta) k - delta mu = 0
    mu, m, n, eta = 0.3, 7.0, 20.0, 1e-3
    delta = n * eta
    b = n * mu - m * mu - delta
    root = (-b + math.sqrt(b * b + 4 * n * delta * mu)) / (2 * n)
    k = effective_regularization(np.array([mu]), np.array([m]), n, eta)
    assert k == pytest.approx(root, rel=1e-10)


def test_ridgeless_large_n_limit_is_the_parametric_risk():
    # p modes, n >> p, tiny ridge: KRR is least squares, excess risk sigma^2 p / (n - p)
    mu = np.array([1.0, 0.5, 0.25])
    m = np.array([3, 4, 5])
    n, sigma = 10_000.0, 0.7
    r = predicted_risk(mu, m, np.zeros(3), sigma, n, 1e-14)
    assert r == pytest.approx(sigma ** 2 * 12 / (n - 12), rel=1e-6)


def _dense_risk(kernel, target, group, n, eta, reps, seed):
    """Mean exact excess risk of dual KRR (K + n eta I)^{-1} y over ``reps`` data sets, and
    its standard error; K by the kernel's closed form (addition theorem, Fourier sums)."""
    primal = _PrimalProblem(kernel, _action(group, kernel), target)
    rng = np.random.default_rng(seed)
    with _single_threaded_blas():  # small solves: threads only spin on a shared machine
        out = [_one_dense_risk(kernel, target, primal, n, eta, rng) for _ in range(reps)]
    out = np.array(out)
    return out.mean(), out.std(ddof=1) / math.sqrt(reps)


def _one_dense_risk(kernel, target, primal, n, eta, rng):
    X = kernel.domain.sample(n, rng)
    y = target(X) + 0.3 * rng.standard_normal(n)
    alpha = np.linalg.solve(kernel(X, X) + n * eta * np.eye(n), y)
    # f_hat = sum_i alpha_i K(., x_i): coefficient w_k sum_i alpha_i phi_k(x_i)
    coef = primal.w * (primal.features(X).T @ alpha)
    return np.sum((coef - primal.a) ** 2) / kernel.domain.volume


@pytest.mark.parametrize("kernel, group, n, eta", [
    (SphereKernel(2, 1.5, 8), "C4", 120, 1e-3),
    (TorusKernel(2, 2.0, 16), "signs2", 100, 1e-4),
])
def test_predicted_plain_risk_is_the_monte_carlo_expectation(kernel, group, n, eta):
    f = random_target(kernel, group=group, seed=3)
    mean, se = _dense_risk(kernel, f, group, n, eta, reps=100, seed=0)
    spec = learning_spectrum(kernel, group, f, 0.3)
    pred = float(spec.risk(n, eta))
    # eigenlearning at n ~ 100: a few percent; the Monte Carlo error ~1-2%
    assert abs(mean / pred - 1) < 0.05 + 3 * se / mean, (mean, se, pred)


def test_predicted_invariant_risk_is_the_expectation_with_the_averaged_kernel():
    kernel = SphereKernel(2, 1.5, 8)
    f = random_target(kernel, group="C4", seed=4)
    act = _action("C4", kernel)
    k_avg = kernel.averaged(act)  # mean over the 4 elements: independent of the subspaces
    n, eta = 80, 1e-3
    primal = _PrimalProblem(kernel, act, f)
    rng = np.random.default_rng(1)
    with _single_threaded_blas():
        risks = [_one_invariant_risk(kernel, f, k_avg, primal, n, eta, rng) for _ in range(100)]
    mean, se = np.mean(risks), np.std(risks, ddof=1) / math.sqrt(len(risks))
    pred = float(learning_spectrum(kernel, act, f, 0.3).risk(n, eta, invariant=True))
    assert abs(mean / pred - 1) < 0.06 + 3 * se / mean, (mean, se, pred)


def _one_invariant_risk(kernel, f, k_avg, primal, n, eta, rng):
    X = kernel.domain.sample(n, rng)
    y = f(X) + 0.3 * rng.standard_normal(n)
    alpha = np.linalg.solve(k_avg(X, X) + n * eta * np.eye(n), y)
    # K^G = sum_k w_k P phi_k phi_k: coefficients P (w * Phi^T alpha)
    coef = primal.Q @ (primal.Q.T @ (primal.w * (primal.features(X).T @ alpha)))
    return np.sum((coef - primal.a) ** 2) / kernel.domain.volume


@pytest.mark.parametrize("kernel, group", [
    (SphereKernel(2, 1.5, 10), "C4"), (SphereKernel(2, 1.5, 10), "I"),
    (SphereKernel(2, 1.5, 10), "SO(2)"), (TorusKernel(2, 2.0, 30), "signs2"),
    (TorusKernel(2, 2.0, 30), "mirror"),
])
def test_invariant_multiplicities_are_exacts_and_the_generators(kernel, group):
    from weylgain.exact import exact_counts

    ex = exact_counts(kernel.domain.name, group, float(kernel.eigenvalues[-1]))
    spec_exact = learning_spectrum(kernel, group, None, 0.3)
    spec_gen = learning_spectrum(kernel, group, None, 0.3, invariant_multiplicities="generators")
    assert spec_exact.source == "exact"
    assert np.array_equal(spec_exact.invariant_multiplicities, ex.multiplicities)
    assert np.array_equal(spec_gen.invariant_multiplicities, ex.multiplicities)
    assert np.array_equal(spec_exact.multiplicities, ex.full_multiplicities)


def _synthetic(order: int) -> LearningSpectrum:
    lam = np.arange(1, 120, dtype=np.float64) ** 2
    full = np.full(len(lam), 4 * order, dtype=np.int64)
    inv = np.full(len(lam), 4, dtype=np.int64)
    energy = inv * (1 + lam) ** -2.5
    return LearningSpectrum((1 + lam) ** -2.0, lam, full, inv, energy / energy.sum(), 0.3, 2,
                            2, float(order), 2.0, 2.0)


def test_saving_tends_to_the_order_when_every_eigenspace_shrinks_by_it():
    # invariant multiplicities m/|G| everywhere: the invariant problem with n samples is
    # the plain one with |G| n, up to the noise (exactly |G| at the same kappa); at large n
    spec = _synthetic(5)
    s = spec.saving_at_n([1e3, 1e5, 1e7])
    assert np.all(np.diff(s) > -1e-6)
    assert 4.0 < s[-1] <= 5.0 * 1.001
    assert spec.asymptotic_saving == 5.0


def test_samples_for_risk_inverts_the_risk():
    spec = _synthetic(3)
    n = np.array([300.0, 5000.0])
    r = spec.risk(n)
    assert spec.samples_for_risk(r) == pytest.approx(n, rel=1e-4)
    assert spec.samples_for_risk(r[:1], invariant=True)[0] < n[0]


def test_predict_learning_curve_from_exact_counts_fixed_cutoff():
    c = predict_learning_curve("S2", "C4", [1e3, 1e4], smoothness=2.0, max_eigenvalue=420)
    assert c.spectrum.group_order == 4 and c.spectrum.laplace_eigenvalues.max() == 420
    assert np.all(c.risk_invariant < c.risk_plain)
    assert 3.0 < c.saving[-1] < 4.0 + 1e-6
    lie = predict_learning_curve("S2^2", "SO(3)", [1e2, 1e3], max_eigenvalue=40)
    assert math.isinf(lie.spectrum.asymptotic_saving)
    assert lie.spectrum.quotient_dimension == 1
    assert lie.saving[1] > lie.saving[0] > 1


@pytest.mark.slow
def test_predict_learning_curve_from_exact_counts_any_pair():
    c = predict_learning_curve("S2", "C4", [1e3, 1e5], smoothness=2.0)
    assert c.spectrum.group_order == 4
    assert np.all(c.risk_invariant < c.risk_plain)
    assert 3.0 < c.saving[-1] < 4.0 + 1e-6
    lie = predict_learning_curve("S2^2", "SO(3)", [1e3, 1e4], max_eigenvalue=120)
    assert math.isinf(lie.spectrum.asymptotic_saving)
    assert lie.spectrum.quotient_dimension == 1
    assert lie.saving[1] > lie.saving[0] > 1


@pytest.mark.parametrize("bad, match", [
    (dict(n_values=[0, 10]), "n_values"),
    (dict(n_values=[10], noise=-1), "noise"),
    (dict(n_values=[10], smoothness=float("nan")), "smoothness"),
])
def test_predict_learning_curve_refuses(bad, match):
    with pytest.raises(ParameterError, match=match):
        predict_learning_curve("S2", "C4", **bad)


@pytest.mark.slow
def test_measured_saving_and_exponents_agree_with_the_prediction_on_a_small_case():
    from weylgain.learning.scale import measure_curves

    kernel = TorusKernel(2, 2.0, 40)
    f = random_target(kernel, group="signs2", seed=np.random.SeedSequence([0, 7]))
    curves = measure_curves(kernel, f, "signs2", n_values=[400, 800, 1600, 3200, 6400],
                            seeds=10, show_progress=False)
    summary = curves.summary()
    meas = summary["saving_measured"]["average"]["theory"]
    pred = summary["saving_predicted"]["average"]
    assert meas["low"] * 0.95 <= pred <= meas["high"] * 1.05, (meas, pred)
    for m in ("none", "average"):
        e = summary["exponent_measured"][m]["theory"]
        assert e["low"] - 0.03 <= summary["exponent_predicted"][m] <= e["high"] + 0.03
    # measured mean risks within 15% of the predicted curve at every n
    for i, m in enumerate(("none", "average")):
        ratio = curves.mean_risk(m) / curves.predicted[i]
        assert np.all(np.abs(ratio - 1) < 0.15), (m, ratio)


def test_measured_risks_follow_the_predicted_curve_on_a_tiny_case():
    # the fast version of the check above: fewer modes, sizes and seeds, the same truths
    from weylgain.learning.scale import measure_curves

    kernel = TorusKernel(2, 2.0, 40)
    f = random_target(kernel, group="signs2", seed=np.random.SeedSequence([0, 7]))
    curves = measure_curves(kernel, f, "signs2", n_values=[400, 800, 1600], seeds=6,
                            show_progress=False)
    summary = curves.summary()
    meas = summary["saving_measured"]["average"]["theory"]
    pred = summary["saving_predicted"]["average"]
    assert meas["low"] * 0.9 <= pred <= meas["high"] * 1.1, (meas, pred)
    for i, m in enumerate(("none", "average")):
        ratio = curves.mean_risk(m) / curves.predicted[i]
        assert np.all(np.abs(ratio - 1) < 0.2), (m, ratio)
