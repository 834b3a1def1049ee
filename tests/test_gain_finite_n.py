"""The finite-n figures of predict_gain / ``weylgain gain --noise`` (issue 19): predicted KRR
risks with their constants, samples at a risk, and the savings, checked against facts that
do not come from the inversion under test: the risk at the samples found for eps is eps
(two code paths: the optimum at n and the inversion n(eps)), the saving of a finite group on
a quotient without boundary below and near ``|G|``, monotonicity in the noise, an unchanged
report without --noise, and the refusals."""

from __future__ import annotations

import json

import pytest

from weylgain.errors import SpecError
from weylgain.gain import predict_gain


def test_without_noise_the_report_is_unchanged():
    r = predict_gain("S2", "C4", n=1000, eps=1e-3)
    assert r.noise is None and r.finite_risk_at_n is None and r.finite_samples_at_eps is None


def test_risks_at_n_have_constants_and_the_saving_is_near_the_order():
    r = predict_gain("S2", "C4", n=2000, noise=0.3)
    # a unit-norm target: risks below 1 (the leading-order figure has no constants)
    assert 0 < r.finite_risk_invariant_at_n < r.finite_risk_at_n < 1
    # S2/C4 has no boundary: the saving approaches |G| = 4 from below
    assert 3.0 < r.finite_saving_at_n <= 4.0 + 1e-6
    louder = predict_gain("S2", "C4", n=2000, noise=1.0)
    assert louder.finite_risk_at_n > r.finite_risk_at_n


def test_samples_at_eps_reach_eps():
    eps = 2e-3
    r = predict_gain("S2", "C4", eps=eps, noise=0.3)
    assert r.finite_samples_invariant_at_eps < r.finite_samples_at_eps
    assert r.finite_saving_at_eps == pytest.approx(
        r.finite_samples_at_eps / r.finite_samples_invariant_at_eps)
    back = predict_gain("S2", "C4", n=r.finite_samples_at_eps, noise=0.3)
    assert back.finite_risk_at_n == pytest.approx(eps, rel=1e-3)
    back_inv = predict_gain("S2", "C4", n=r.finite_samples_invariant_at_eps, noise=0.3)
    assert back_inv.finite_risk_invariant_at_n == pytest.approx(eps, rel=1e-3)


def test_cli_prints_and_emits_the_finite_figures(capsys):
    from weylgain.cli import main

    assert main(["gain", "S2", "C4", "--n", "1000", "--eps", "3e-3", "--noise", "0.3"]) == 0
    out = capsys.readouterr().out
    assert "finite n" in out and "risk at n=1000" in out and "samples at eps=0.003" in out
    assert main(["gain", "S2", "C4", "--n", "1000", "--noise", "0.3", "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["noise"] == 0.3 and 0 < d["finite_risk_invariant_at_n"] < d["finite_risk_at_n"]
    assert d["finite_samples_at_eps"] is None  # no eps asked


@pytest.mark.parametrize("kwargs, match", [
    (dict(n=100, noise=-1.0), "noise must be"),
    (dict(n=100, noise="loud"), "noise must be"),
    (dict(noise=0.3), "need a sample size n or a risk eps"),
])
def test_refusals(kwargs, match):
    with pytest.raises(SpecError, match=match):
        predict_gain("S2", "C4", **kwargs)
