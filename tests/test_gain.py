"""predict_gain against the worked examples, measure_gain against the prediction."""

from __future__ import annotations

import json
import math

import pytest

from weylgain.errors import FitError, GroupError, SpecError
from weylgain.gain import (
    GainReport,
    MeasuredGain,
    catalogue_pairs,
    measure_gain,
    predict_gain,
    worked_examples,
)


# ---------------------------------------------------------------- worked examples
def test_mirror_symmetric_image_gains_two():
    r = predict_gain("T2", "mirror")
    assert (r.kind, r.linear_factor, r.d, r.d_G) == ("linear", 2, 2, 2)
    assert r.vol_quotient == pytest.approx(2 * math.pi ** 2)
    assert r.risk_exponent == r.risk_exponent_invariant


def test_ten_identical_parts_gain_ten():
    # a periodic image repeating ten times along one axis: translations by 1/10 of the width
    r = predict_gain("T2", "Z10")
    assert (r.kind, r.linear_factor) == ("linear", 10)
    # the same count for ten rotated copies on a sphere
    assert predict_gain("S2", "C10").linear_factor == 10


@pytest.mark.parametrize("manifold", ["T7", "S6"])
def test_seven_blocks_in_any_order_gain_5040(manifold):
    r = predict_gain(manifold, "S7", eps=1e-2, n=1000)
    assert (r.kind, r.linear_factor, r.effective_order) == ("linear", 5040, 5040)
    assert r.sample_ratio_at_eps == pytest.approx(5040)
    assert r.sample_ratio_at_n == pytest.approx(5040)  # a linear gain at every n
    assert r.equivalent_samples_at_n == pytest.approx(5040 * 1000)


def test_rotations_about_an_axis_give_an_exponential_gain():
    r = predict_gain("S2", "SO(2)", s=2, eps=1e-3)
    assert (r.kind, r.linear_factor, r.d, r.d_G) == ("exponential", None, 2, 1)
    assert r.risk_exponent_expr == "s/(s + 1)"
    assert r.risk_exponent_invariant_expr == "s/(s + 1/2)"
    assert r.risk_exponent == pytest.approx(2 / 3)
    assert r.risk_exponent_invariant == pytest.approx(4 / 5)
    assert r.sample_exponent == pytest.approx(1.5)
    assert r.sample_exponent_invariant == pytest.approx(1.25)
    # n_plain / n_inv = (4 pi / pi) eps^(-1/(2s))
    assert r.sample_ratio_at_eps == pytest.approx(4 * 1e-3 ** -0.25)
    # the ratio grows without bound as eps -> 0
    ratios = [predict_gain("S2", "SO(2)", s=2, eps=e).sample_ratio_at_eps
              for e in (1e-2, 1e-4, 1e-8)]
    assert ratios[0] < ratios[1] < ratios[2]
    assert "exponential" in r.explanation


def test_transitive_action_is_parametric():
    r = predict_gain("S2", "SO(3)", s=2, n=100)
    assert (r.kind, r.d_G, r.linear_factor) == ("exponential", 0, None)
    assert r.risk_exponent_invariant == 1.0
    assert r.vol_quotient == 1.0
    assert "parametric" in r.explanation and "constant" in r.explanation
    # R_G(n) = 1/n (sigma = 1, a point of volume 1)
    assert r.risk_invariant_at_n == pytest.approx(1 / 100)


def test_trivial_action_gives_nothing():
    r = predict_gain("RP2", "antipodal")
    assert (r.kind, r.linear_factor, r.kernel_order) == ("none", 1, 2)
    assert "trivially" in r.explanation


def test_non_effective_action_counts_only_the_effective_group():
    r = predict_gain("S1", "C4h")
    assert (r.group_order, r.effective_order, r.linear_factor) == (8, 4, 4)
    assert "fixes every point" in r.explanation


def test_sample_ratio_at_n_for_a_dimension_drop():
    s, n = 2.0, 1e4
    r = predict_gain("S2", "SO(2)", s=s, n=n)
    b, bG = s / (s + 1), s / (s + 0.5)
    risk_inv = (math.pi / n) ** bG
    equiv = 4 * math.pi * risk_inv ** (-1 / b)
    assert r.risk_invariant_at_n == pytest.approx(risk_inv)
    assert r.risk_at_n == pytest.approx((4 * math.pi / n) ** b)
    assert r.equivalent_samples_at_n == pytest.approx(equiv)
    assert r.sample_ratio_at_n == pytest.approx(equiv / n)
    assert r.sample_ratio_at_n > 1


def test_default_smoothness_and_validation():
    assert predict_gain("T7", "S7").s == pytest.approx(4.5)  # d/2 + 1
    with pytest.raises(SpecError, match="d/2"):
        predict_gain("S2", "C4", s=1.0)
    with pytest.raises(SpecError):
        predict_gain("S2", "C4", eps=-1)
    with pytest.raises(SpecError):
        predict_gain("S2", "C4", n=0)
    with pytest.raises(SpecError):
        predict_gain("S9x", "C4")
    with pytest.raises(GroupError):
        predict_gain("T2", "SO(2)")


def test_report_is_json_serializable():
    for m, g in (("S2", "SO(2)"), ("T7", "B7"), ("S1", "C4h")):
        r = predict_gain(m, g, eps=0.01, n=50)
        assert isinstance(r, GainReport)
        d = r.to_dict()
        json.dumps(d)
        for key in ("d", "d_G", "vol_M", "vol_quotient", "kind", "linear_factor",
                    "risk_exponent", "risk_exponent_invariant"):
            assert key in d


def test_catalogue_pairs_all_answer():
    for m, g in catalogue_pairs():
        r = predict_gain(m, g)
        assert r.kind in ("none", "linear", "exponential")
        if r.kind == "linear":
            assert r.linear_factor == pytest.approx(r.vol_M / r.vol_quotient)
    for ex in worked_examples():
        r = predict_gain(ex["manifold"], ex["group"])
        if ex["gain"] == "exponential":
            assert r.kind == "exponential"
        else:
            assert r.linear_factor == ex["gain"]


# hand-known: orders of the point groups (T 12, O 24, I 60, ...), |S_3| = 6, |B_2| = 8,
# sphere quotients of docs/theory.md#continuous-groups, the Hopf quotient S^2(1/2)
@pytest.mark.parametrize("m, g, kind, factor, d_G, vol_q", [
    ("S2", "T", "linear", 12, 2, math.pi / 3),
    ("S2", "O", "linear", 24, 2, math.pi / 6),
    ("S2", "I", "linear", 60, 2, math.pi / 15),
    ("S2", "Oh", "linear", 48, 2, math.pi / 12),
    ("S2", "antipodal", "linear", 2, 2, 2 * math.pi),
    ("S3", "Perm(3)", "linear", 6, 3, math.pi ** 2 / 3),
    ("T2", "C4", "linear", 4, 2, math.pi ** 2),
    ("RP2", "Oh", "linear", 24, 2, math.pi / 12),
    ("Q2", "SignedPerm(2)", "linear", 8, 2, 1 / 8),
    ("H2", "C4", "linear", 4, 2, math.pi / 2),
    ("S2xT1", "C4", "linear", 4, 3, 2 * math.pi ** 2),
    ("S3", "SO(3)", "exponential", None, 1, math.pi),
    ("S3", "hopf", "exponential", None, 2, math.pi),
    ("RP3", "hopf", "exponential", None, 2, math.pi),
    ("T3", "Trans(2)", "exponential", None, 1, 2 * math.pi),
    ("B3", "SO(2)", "exponential", None, 2, math.pi / 2),
    ("S2xT1", "Trans(1)", "exponential", None, 2, 4 * math.pi),
])
def test_catalogue_pairs_by_hand(m, g, kind, factor, d_G, vol_q):
    assert (m, g) in catalogue_pairs()
    r = predict_gain(m, g)
    assert (r.kind, r.linear_factor, r.d_G) == (kind, factor, d_G)
    assert r.vol_quotient == pytest.approx(vol_q, rel=1e-12)


def test_extreme_eps_or_n_is_a_clear_error():
    # eps^-(d - d_G)/(2s) and the equivalent sample size leave the double range: a SpecError,
    # not an OverflowError from a float power
    with pytest.raises(SpecError, match="extreme"):
        predict_gain("S2", "SO(3)", s=1.01, eps=1e-320)
    with pytest.raises(SpecError, match="extreme"):
        predict_gain("S2", "SO(3)", n=1e300)


# ---------------------------------------------------------------- measurement
# Tolerances. Sphere counts are taken at gap midpoints, where the P1 counts are exact while
# lam h^2 < ~0.5 (every threshold here is inside), so what is left is the Weyl remainder
# over a window of 10-400 invariant eigenvalues: 2% on volumes, 0.05 on dimensions
# (one-term log-log slopes carry the O(lam^-1/2) boundary bias). 1-d orbit spaces are
# meshed with 3000 vertices: 1%. Flat tori average consistent and lumped counts (FEM bias
# O((lam h^2)^2)) but lattice counts fluctuate: 3% on volumes, 0.2 on dimensions.
def _check(m: MeasuredGain, dim_tol: float, vol_tol: float) -> None:
    assert abs(m.d_G - m.d_G_predicted) <= dim_tol, m
    assert m.vol_quotient_rel_error <= vol_tol, m
    json.dumps(m.to_dict())


def test_measure_circle_quotient_fast():
    m = measure_gain("S2", "SO(2)")
    assert (m.d_G_predicted, m.vol_quotient_predicted) == (1, pytest.approx(math.pi))
    _check(m, 0.02, 0.01)
    assert m.d == pytest.approx(2, abs=0.02)  # M itself, counted on its mesh
    assert m.vol_M == pytest.approx(4 * math.pi, rel=0.01)


def test_measure_hopf_and_torus_translations():
    m = measure_gain("S3", "hopf")
    _check(m, 0.05, 0.02)
    m = measure_gain("T2", "T1")
    _check(m, 0.02, 0.01)


def test_measure_transitive_point():
    m = measure_gain("S2", "SO(3)")
    assert m.d_G == 0 and m.vol_quotient == 1
    assert set(m.counts_quotient) == {1.0}
    assert not m.two_term and m.boundary_volume_quotient is None  # nothing was fitted


def test_measure_finite_interval():
    m = measure_gain("T1", "mirror")
    _check(m, 0.05, 0.01)
    assert m.gain == pytest.approx(2, rel=0.01)
    assert m.two_term  # [0, pi] has two Neumann end points: the volume fit has the 2nd term


def test_measure_takes_exact_counts_where_no_mesh_fits_and_refuses_a_coarse_level():
    # H2/C3 = S2/C3h on the cover: the bipyramid sphere counted at whole periods (a third
    # of the hemisphere, 2 pi / 3, closed form); route="exact" forces the exact counts
    m = measure_gain("H2", "C3")
    assert m.source == "mesh" and "bipyramid" in m.mesh
    assert measure_gain("H2", "C3", route="exact").source == "exact counts"
    assert abs(m.d_G - 2) <= 3 * m.d_G_err + 1e-6
    assert m.vol_quotient == pytest.approx(2 * math.pi / 3, rel=0.02)
    with pytest.raises(FitError):
        measure_gain("S2", "Ih", level=4)  # 120 elements: too few invariant modes


@pytest.mark.slow
@pytest.mark.parametrize("manifold, group, dim_tol, vol_tol", [
    ("S2", "mirror", 0.02, 0.01),   # the hemisphere: exact two-term law at midpoints
    ("S2", "C4", 0.05, 0.02),
    ("RP2", "mirror", 0.05, 0.02),
    ("T2", "S2", 0.2, 0.03),
    ("T2", "signs2", 0.2, 0.03),
    ("S3", "SO(3)", 0.02, 0.01),
    ("B2", "SO(2)", 0.02, 0.01),
])
def test_measure_agrees_with_prediction(manifold, group, dim_tol, vol_tol):
    m = measure_gain(manifold, group)
    _check(m, dim_tol, vol_tol)
    if m.gain_predicted is not None and m.gain is not None:
        assert m.gain == pytest.approx(m.gain_predicted, rel=0.05)
