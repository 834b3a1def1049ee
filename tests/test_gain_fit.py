"""The Weyl fit behind measure_gain: windows, uncertainty, convergence, the measured gain.

Truth never comes from the code under test: exact spectra are built here from closed forms
(sphere harmonics l(l+1) with multiplicity 2l+1, (k+1)^2 on S^3; the invariant harmonics of
C_n about an axis, 2 floor(l/n) + 1 per degree) or by brute-force lattice enumeration, and
volumes are closed forms. Every converged fit must cover the truth at three standard
deviations; a fit that does not must say so (``converged`` False, with a reason).
"""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from weylgain.errors import FitError
from weylgain.gain.fitting import _fit, riesz_means, windowed_fit


def _sphere2(n: int = 1, lmax: int = 400) -> tuple[np.ndarray, np.ndarray]:
    """S^2 (n = 1) or S^2/C_n: eigenvalues l(l+1), invariant multiplicity 2 floor(l/n) + 1."""
    ell = np.arange(lmax + 1)
    return (ell * (ell + 1)).astype(float), (2 * (ell // n) + 1).astype(float)


def _lattice(d: int, kmax: int, positive: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Flat torus R^d/(2 pi Z)^d by brute force: |k|^2 over k in [-kmax, kmax]^d (or the
    representatives k >= 0 of the sign changes: the quotient by signs_d)."""
    k = np.arange(0 if positive else -kmax, kmax + 1)
    grids = np.meshgrid(*([k] * d), indexing="ij")
    e = sum(g.astype(np.int64) ** 2 for g in grids).ravel()
    ev, mult = np.unique(e, return_counts=True)
    return ev.astype(float), mult.astype(float)


def _counts(eig: np.ndarray, mult: np.ndarray, lams: np.ndarray) -> np.ndarray:
    return np.array([mult[eig <= v].sum() for v in lams], dtype=float)


def _covers(value: float, err: float, truth: float) -> bool:
    return abs(value - truth) <= 3 * err


VOL_S2 = 4 * math.pi
# (name, eig, mult, thresholds, two_term, d, vol, smoothing)
CASES = []
for n in (1, 2, 3, 5, 7, 10):
    eig, mult = _sphere2(n)
    for smoothing in ("counts", "riesz"):
        if smoothing == "counts":  # gap midpoints: the staircase crosses its mean there
            mids = (eig[:-1] + eig[1:]) / 2
            lams = mids[(mids > 100) & (mids < 25000)][::8]
        else:
            lams = np.geomspace(100, 25000, 24)
        CASES.append((f"S2/C{n}-{smoothing}", eig, mult, lams, n > 1, 2, VOL_S2 / n, smoothing))
_k3 = np.arange(0, 300)
CASES.append(("S3-riesz", (_k3 * (_k3 + 2)).astype(float), ((_k3 + 1) ** 2).astype(float),
              np.geomspace(200, 60000, 24), False, 3, 2 * math.pi ** 2, "riesz"))
_t2 = _lattice(2, 70)
_t2s = _lattice(2, 70, positive=True)
_t3 = _lattice(3, 24)
for smoothing in ("counts", "riesz"):
    CASES.append((f"T2-{smoothing}", *_t2, np.geomspace(50, 4000, 24), False, 2,
                  4 * math.pi ** 2, smoothing))
    CASES.append((f"T2/signs2-{smoothing}", *_t2s, np.geomspace(50, 4000, 24), True, 2,
                  math.pi ** 2, smoothing))
CASES.append(("T3-riesz", *_t3, np.geomspace(30, 550, 24), False, 3, 8 * math.pi ** 3, "riesz"))


@pytest.mark.parametrize("name, eig, mult, lams, two_term, d, vol, smoothing", CASES,
                         ids=[c[0] for c in CASES])
def test_exact_spectra_converge_to_the_closed_forms(name, eig, mult, lams, two_term, d, vol,
                                                    smoothing):
    values = riesz_means(eig, mult, lams) if smoothing == "riesz" else _counts(eig, mult, lams)
    wf = windowed_fit(lams, values, two_term, smoothing=smoothing)
    assert wf.converged, wf.reason
    assert abs(wf.dimension - d) <= 0.05
    assert abs(wf.volume / vol - 1) <= 0.02
    assert _covers(wf.dimension, wf.dimension_err, d), (wf.dimension, wf.dimension_err)
    assert _covers(wf.volume, wf.volume_err, vol), (wf.volume, wf.volume_err, vol)
    assert wf.dimension_int == d
    assert len(wf.windows) == 3


def test_riesz_smooths_the_sawtooth_of_cyclic_groups():
    # S^2/C_10: the invariant count jumps every 10 degrees; the Riesz mean at arbitrary
    # (not gap-midpoint) thresholds still gives the volume to 1%
    eig, mult = _sphere2(10)
    lams = np.geomspace(100, 25000, 24)
    wf = windowed_fit(lams, riesz_means(eig, mult, lams), True, smoothing="riesz")
    assert wf.converged and abs(wf.volume / (VOL_S2 / 10) - 1) < 0.01


def test_riesz_means_against_the_definition():
    rng = np.random.default_rng(3)
    eig = np.sort(rng.uniform(0, 50, 40))
    mult = rng.integers(0, 4, 40).astype(float)
    lams = np.array([0.0, 1.0, 7.5, 25.0, 49.9, 80.0])
    brute = [sum(m * max(v - e, 0.0) for e, m in zip(eig, mult)) for v in lams]
    assert np.allclose(riesz_means(eig, mult, lams), brute)
    # unsorted input gives the same
    perm = rng.permutation(40)
    assert np.allclose(riesz_means(eig[perm], mult[perm], lams), brute)


def test_a_staircase_equal_to_lam_is_not_fitted_as_dimension_three():
    # S^2 at gap midpoints: N = (L+1)^2 = lam exactly, which C lam^(d/2) + B lam^((d-1)/2)
    # also fits with d = 3, C = 0: the second term must stay a correction
    eig, mult = _sphere2(1)
    mids = (eig[:-1] + eig[1:]) / 2
    lams = mids[(mids > 100) & (mids < 25000)][::8]
    wf = windowed_fit(lams, _counts(eig, mult, lams), True)
    assert abs(wf.dimension - 2) < 1e-3 and wf.converged


@pytest.mark.parametrize("b, c", [(30.0, 200.0), (-2.0, 0.0), (60.0, 900.0), (15.0, -40.0)])
def test_far_from_the_asymptotic_range_the_fit_says_so_or_covers_the_truth(b, c):
    # N = C lam^(7/2) (1 + b lam^-1/2 + c lam^-1) on a short window, as on T7/S7, where the
    # wall and edge terms are larger than the leading one: a confident wrong d is forbidden
    lams = np.geomspace(10, 80, 20)
    C = 0.01
    counts = np.floor(C * lams ** 3.5 * (1 + b / np.sqrt(lams) + c / lams))
    wf = windowed_fit(lams, counts, True)
    ok_d = _covers(wf.dimension, wf.dimension_err, 7)
    vol = C / (math.pi ** 3.5 / math.gamma(4.5) / (2 * math.pi) ** 7)
    ok_v = _covers(wf.volume, wf.volume_err, vol)
    assert (not wf.converged and wf.reason) or (ok_d and ok_v), (wf.dimension, wf.reason)


def test_not_converged_carries_the_reason_in_words():
    lams = np.geomspace(10, 80, 20)
    counts = np.floor(0.01 * lams ** 3.5 * (1 + 60 / np.sqrt(lams) + 900 / lams))
    wf = windowed_fit(lams, counts, True)
    assert not wf.converged
    assert "drifts" in wf.reason or "correction" in wf.reason or "moves" in wf.reason


def test_the_error_includes_the_window_spread():
    eig, mult = _sphere2(7)
    mids = (eig[:-1] + eig[1:]) / 2
    lams = mids[(mids > 80) & (mids < 1000)]
    wf = windowed_fit(lams, _counts(eig, mult, lams), True)
    spread = max(abs(w["d"] - wf.dimension) for w in wf.windows[1:])
    assert wf.dimension_err >= spread - 1e-12
    assert wf.dimension_err >= wf.dimension_ls_err


def test_the_mesh_route_signature_is_kept():
    eig, mult = _sphere2(3)
    mids = (eig[:-1] + eig[1:]) / 2
    lams = mids[(mids > 100) & (mids < 10000)][::6]
    d, d_err, fixed = _fit(lams, _counts(eig, mult, lams), True)
    assert abs(d - 2) <= 3 * d_err
    assert abs(fixed.volume / (VOL_S2 / 3) - 1) < 0.02
    assert fixed.boundary_volume == pytest.approx(fixed.boundary_volume)  # a number


def test_bad_windows_are_refused_with_fit_errors():
    with pytest.raises(FitError, match="stays at"):
        windowed_fit(np.geomspace(1, 10, 8), np.full(8, 5.0), True)
    with pytest.raises(FitError, match="at least"):
        windowed_fit([1.0, 2.0, 3.0], [1.0, 2.0, 4.0], True)
    with pytest.raises(FitError, match="differ in length"):
        windowed_fit([1.0, 2.0, 3.0], [1.0, 2.0], False)


# ---------------------------------------------------------------- measure_gain, exact route

EXACT_PAIRS = [
    # (M, G, d_G, vol(M/G) closed form)
    ("S6", "S7", 6, 16 * math.pi ** 3 / 15 / 5040),
    ("S2^2", "SO(3)", 1, math.pi / math.sqrt(2)),
    pytest.param("T3^2", "T3", 3, (2 * math.pi) ** 3 / 2 ** 1.5, marks=pytest.mark.slow),
]


@pytest.mark.parametrize("M, G, dG, vol", EXACT_PAIRS)
def test_exact_route_against_closed_forms(M, G, dG, vol):
    from weylgain.gain import measure_gain

    m = measure_gain(M, G)
    assert m.source == "exact counts" and m.smoothing == "riesz"
    assert m.converged, m.convergence_note
    assert abs(m.d_G - dG) <= 0.05 and _covers(m.d_G, m.d_G_err, dG)
    assert abs(m.vol_quotient / vol - 1) <= 0.02
    assert _covers(m.vol_quotient, m.vol_quotient_err, vol)
    assert len(m.fit_windows) == 3
    json.dumps(m.to_dict())  # JSON-ready


def test_exact_route_finite_group_gain_and_count_ratio():
    from weylgain.gain import measure_gain

    m = measure_gain("S6", "S7")
    # sphere invariant spectra are cheap degree by degree: the window is raised far beyond
    # the 5,000 predicted invariant eigenvalues it starts from
    assert m.counts_quotient[-1] > 1e9
    assert m.gain_measured == pytest.approx(5040, rel=0.02)
    assert abs(m.gain_measured - 5040) <= 3 * m.gain_measured_err
    # N / N_G at the top of the window: below |G| (the singular strata carry extra
    # invariants) and approaching it
    assert 0.8 * 5040 < m.count_ratio < 5040
    # d_G = d: the exponent is unchanged
    assert m.sample_exponent_measured == pytest.approx(m.sample_exponent_predicted, abs=0.01)


def test_exact_route_exponent_of_a_dimension_drop():
    from weylgain.gain import measure_gain

    m = measure_gain("S2^2", "SO(3)")
    s = m.smoothness
    assert s == 3.0  # d/2 + 1 for d = 4
    assert m.sample_exponent_predicted == pytest.approx(1 + 1 / (2 * s))
    assert abs(m.sample_exponent_measured - m.sample_exponent_predicted) <= \
        3 * m.sample_exponent_measured_err + 1e-12
    m2 = m.with_smoothness(1.5)
    assert m2.sample_exponent_predicted == pytest.approx(1 + 1 / 3)
    assert m2.converged == m.converged and m2.fit_windows == m.fit_windows
    assert m.gain_measured is None


def test_exact_route_refuses_a_window_it_cannot_count_and_says_what_is_missing():
    from weylgain.errors import CountingError, ResourceError
    from weylgain.gain import measure_gain

    # T10/B10: 3.7e9 group elements (too many for the character sum) and 1.9e13 lattice
    # modes of T10 below the lam the fit needs (too many for the orbit union-find)
    with pytest.raises((CountingError, ResourceError), match="character sum"):
        measure_gain("T10", "B10")


@pytest.mark.slow
@pytest.mark.parametrize("M, G, vol", [("T7", "S7", 128 * math.pi ** 7 / 5040),
                                       ("T7", "signs7", 128 * math.pi ** 7 / 2 ** 7)])
def test_exact_route_never_confidently_wrong_on_T7(M, G, vol):
    from weylgain.gain import measure_gain

    m = measure_gain(M, G)
    covered = _covers(m.d_G, m.d_G_err, 7) and _covers(m.vol_quotient, m.vol_quotient_err, vol)
    assert (not m.converged and m.convergence_note) or covered


# ---------------------------------------------------------------- mesh route and the CLI

def test_mesh_route_reports_convergence_and_covers_the_truth():
    from weylgain.gain import measure_gain

    m = measure_gain("S2", "C4")
    assert m.source in ("mesh", "quotient mesh") and m.converged is not None
    if m.converged:
        assert _covers(m.d_G, m.d_G_err, 2)
        assert _covers(m.vol_quotient, m.vol_quotient_err, math.pi)
    else:
        assert m.convergence_note
    assert m.count_ratio is None or 3 < m.count_ratio < 5


def test_cli_prints_the_fit_verdict_and_the_measured_gain(capsys):
    import argparse

    from weylgain.cli import gain as cli_gain

    parser = argparse.ArgumentParser(prog="weylgain")
    cli_gain.add_parser(parser.add_subparsers(dest="command"))
    code = cli_gain.run(parser.parse_args(["gain", "S6", "S7", "--measure"]))
    out = capsys.readouterr().out
    assert code == 0
    assert "converged: the fitting windows agree" in out
    assert "measured gain" in out and "predicted |G_eff| = 5,040" in out
    code = cli_gain.run(parser.parse_args(["gain", "S2^2", "SO(3)", "--measure", "--json",
                                           "--s", "2.5"]))
    data = json.loads(capsys.readouterr().out)["measured"]
    assert code == 0 and data["converged"] is True and data["smoothness"] == 2.5
    assert data["sample_exponent_predicted"] == pytest.approx(1.2)
    assert len(data["fit_windows"]) == 3


def test_cli_marks_a_fit_that_did_not_converge(capsys):
    from weylgain.cli.gain import _measured_rows
    from weylgain.gain.report import MeasuredGain

    lams = tuple(float(v) for v in np.geomspace(10, 80, 20))
    counts = tuple(float(v) for v in
                   np.floor(0.01 * np.array(lams) ** 3.5 * (1 + 60 / np.sqrt(lams) + 900 /
                                                            np.array(lams))))
    m = MeasuredGain(
        manifold="T7", group="S7", mesh="-", quotient_mesh="-", n_vertices=0,
        n_unknowns_quotient=0, lams=(), counts=(), lams_quotient=lams, counts_quotient=counts,
        d=None, d_err=None, vol_M=None, vol_M_err=None, d_G=5.4, d_G_err=0.03,
        vol_quotient=800.0, vol_quotient_err=1.0, boundary_volume_quotient=None,
        d_predicted=7, d_G_predicted=7, vol_M_predicted=128 * math.pi ** 7,
        vol_quotient_predicted=76.7, boundary_volume_quotient_predicted=10.0,
        d_G_rel_error=0.2, vol_quotient_rel_error=9.4, vol_M_rel_error=None, gain=None,
        gain_predicted=5040.0, two_term=True, method="synthetic", seconds=0.0)
    assert m.converged is False and m.convergence_note  # filled from the counts
    text = "\n".join(f"{k}  {v}" for k, v in _measured_rows(m))
    assert "NOT converged" in text and "[NOT CONVERGED]" in text


SWEEPS = [
    ((1, 3, 5, 7, 10, 12), (25, 225), (4, 16), 15),
    pytest.param(tuple(range(1, 13)), (25, 81, 225, 400), (4, 16, 40), 100,
                 marks=pytest.mark.slow),
]


@pytest.mark.parametrize("orders, starts, factors, min_converged", SWEEPS)
def test_coverage_sweep_over_cyclic_sawtooths_and_windows(orders, starts, factors,
                                                          min_converged):
    # S^2/C_n on windows from degree 5 to 60 with 8 to 16 gap-midpoint thresholds (what the
    # mesh route sees): every fit that calls itself converged covers d_G = 2 and
    # vol = 4 pi / n at three standard deviations
    ell = np.arange(600)
    eig = (ell * (ell + 1)).astype(float)
    mids = (eig[:-1] + eig[1:]) / 2
    converged = 0
    for n in orders:
        mult = (2 * (ell // n) + 1).astype(float)
        for lo in starts:
            for factor in factors:
                cand = mids[(mids >= lo) & (mids <= lo * factor)]
                for k in (8, 16):
                    idx = np.unique(np.searchsorted(cand, np.geomspace(cand[0], cand[-1], k)))
                    lams = cand[idx]
                    for two_term in (False, True):
                        try:
                            wf = windowed_fit(lams, _counts(eig, mult, lams), two_term)
                        except FitError:
                            continue
                        if not wf.converged:
                            assert wf.reason
                            continue
                        converged += 1
                        assert _covers(wf.dimension, wf.dimension_err, 2), (n, lo, factor, k)
                        assert _covers(wf.volume, wf.volume_err, 4 * math.pi / n), (n, lo, k)
    assert converged > min_converged  # the sweep is not vacuous


def test_a_short_staircase_is_not_converged_even_when_it_fits_perfectly():
    # S^2/C_12 below degree 12: only zonal harmonics, N = L + 1 = sqrt(lam) + O(1) exactly
    eig, mult = _sphere2(12)
    mids = (eig[:-1] + eig[1:]) / 2
    lams = mids[(mids > 20) & (mids < 110)]
    wf = windowed_fit(lams, _counts(eig, mult, lams), False)
    assert abs(wf.dimension - 1) < 0.01  # it looks one-dimensional ...
    assert not wf.converged and "invariant eigenvalues up to the top" in wf.reason
