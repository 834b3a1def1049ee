"""measure_gain's exact route on the pairs it could not measure before: T7 under S7,
signs7 and B7 (the character sum at asymptotic lam), RP3/hopf (the cover's even degrees)
and B3/SO(2) (the ball's Neumann modes), against closed forms of d_G and vol(M/G); the
counts themselves against references that share no code with the route."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from weylgain.gain import measure_gain


def _covers(value: float, err: float, truth: float, k: float = 3.0) -> bool:
    return abs(value - truth) <= k * err


PAIRS = [
    # (M, G, d_G, vol(M/G)): (2 pi)^7 / |G|; S^3/U(1) = S^2(1/2) (-I is in the circle, so
    # RP^3 has the same orbit space); B^3/SO(2) = the half-disk {r >= 0, r^2 + z^2 <= 1}
    ("T7", "S7", 7, (2 * math.pi) ** 7 / 5040),
    ("T7", "signs7", 7, (2 * math.pi) ** 7 / 2 ** 7),
    pytest.param("T7", "B7", 7, (2 * math.pi) ** 7 / 645120, marks=pytest.mark.slow),
    pytest.param("RP3", "hopf", 2, math.pi, marks=pytest.mark.slow),
    ("B3", "SO(2)", 2, math.pi / 2),
    # RP^2/SO(2): the even zonal harmonics, the interval [0, pi/2]
    pytest.param("RP2", "SO(2)", 1, math.pi / 2, marks=pytest.mark.slow),
]


@pytest.mark.parametrize("M, G, dG, vol", PAIRS)
def test_exact_route_measures_the_pair_within_the_goal(M, G, dG, vol):
    # route="exact": some of these pairs now take an orbit-space mesh automatically
    m = measure_gain(M, G, route="exact")
    assert m.source == "exact counts"
    assert m.converged, m.convergence_note
    assert abs(m.d_G - dG) <= 0.05 and _covers(m.d_G, m.d_G_err, dG)
    assert abs(m.vol_quotient / vol - 1) <= 0.02
    assert _covers(m.vol_quotient, m.vol_quotient_err, vol)
    # M itself from the full multiplicities: its dimension and volume
    assert m.d == pytest.approx(m.d_predicted, abs=0.05)
    assert m.vol_M == pytest.approx(m.vol_M_predicted, rel=0.01)
    json.dumps(m.to_dict())


def test_T7_window_is_asymptotic():
    # the window [1e4, 1e5] of |k|^2 (the old route stopped at 41, where the wall term was
    # larger than the leading one); N/N_G at the top tends to |signs7| = 128 from below
    m = measure_gain("T7", "signs7")
    assert m.lams_quotient[0] == pytest.approx(1e4, rel=1e-3)
    assert m.lams_quotient[-1] == pytest.approx(1e5, rel=1e-3)
    assert 0.95 * 128 < m.count_ratio < 128


# ---------------------------------------------------------------- the counts


def test_projective_counts_are_the_even_hopf_degrees():
    from weylgain.gain.exact_route import _exact_counter
    from weylgain.geometry import resolve_group
    from weylgain.manifolds import parse_manifold

    M = parse_manifold("RP3")
    G = resolve_group("hopf", M)
    res = _exact_counter(M, G, "RP3")(400.0)
    # S^3/U(1) = S^2(1/2): eigenvalues 4 j (j + 1), multiplicity 2j + 1 -> N = (J + 1)^2
    J = max(j for j in range(20) if 4 * j * (j + 1) <= 400)
    assert res.count == (J + 1) ** 2
    for lam in (0.0, 7.9, 8.0, 23.9, 24.0, 100.0):
        J = max(j for j in range(20) if 4 * j * (j + 1) <= lam)
        assert res.count_at(lam) == (J + 1) ** 2
    # RP^3 itself: the even degrees k of S^3, (k + 1)^2 functions at k (k + 2)
    eig = np.asarray(res.eigenvalues)
    full = np.asarray(res.full_multiplicities)
    for k in range(0, 19):
        at = full[np.isclose(eig, k * (k + 2))].sum()
        assert at == ((k + 1) ** 2 if k % 2 == 0 else 0)


def _spherical_bessel_derivative_zeros(l: int, xmax: float) -> list[float]:
    """Zeros x > 0 of j_l'(x) below xmax (and x = 0 for l = 0, the constant), by sign
    changes on a fine grid and bisection (scipy only)."""
    from scipy.optimize import brentq
    from scipy.special import spherical_jn

    def f(x):
        return spherical_jn(l, x, derivative=True)

    xs = np.linspace(1e-6, xmax, 20001)
    ys = f(xs)
    roots = [0.0] if l == 0 else []
    for a, b, ya, yb in zip(xs[:-1], xs[1:], ys[:-1], ys[1:]):
        if ya == 0 or ya * yb < 0:
            roots.append(brentq(f, a, b))
    return [r for r in roots if r > 1e-3 or l == 0]


def test_ball_counts_are_one_per_radial_mode_and_degree():
    from weylgain.gain.exact_route import _exact_counter
    from weylgain.geometry import resolve_group
    from weylgain.manifolds import parse_manifold

    M = parse_manifold("B3")
    G = resolve_group("SO(2)", M)
    lam = 400.0
    res = _exact_counter(M, G, "B3")(lam)
    ref_inv = ref_full = 0
    for l in range(0, 30):
        zeros = [z for z in _spherical_bessel_derivative_zeros(l, math.sqrt(lam))
                 if z * z <= lam]
        ref_inv += len(zeros)  # the m = 0 harmonic of degree l: one invariant each
        ref_full += (2 * l + 1) * len(zeros)
    assert res.count == ref_inv
    assert int(np.sum(res.full_multiplicities)) == ref_full
    # the constant is the first invariant
    assert res.count_at(0.0) == 1


def test_continuous_groups_on_RP3_and_B3_take_the_exact_route():
    from weylgain.gain.exact_route import _needs_exact_counts
    from weylgain.geometry import resolve_group
    from weylgain.manifolds import parse_manifold

    for m, g, expected in [("RP3", "hopf", True), ("B3", "SO(2)", True),
                           ("B3", "SO(3)", False), ("S2", "SO(2)", False),
                           ("RP2", "Oh", False), ("T7", "S7", True)]:
        M = parse_manifold(m)
        assert _needs_exact_counts(M, resolve_group(g, M)) is expected, (m, g)


def test_ball_counts_of_a_finite_group_count_the_invariant_harmonics():
    # C4 about the z axis: the degree-l harmonics Y_lm with m = 0 mod 4 are invariant
    from weylgain.gain.exact_route import _exact_counter
    from weylgain.geometry import resolve_group
    from weylgain.manifolds import parse_manifold

    M = parse_manifold("B3")
    G = resolve_group("C4", M)
    lam = 300.0
    res = _exact_counter(M, G, "B3")(lam)
    ref = 0
    for l in range(0, 25):
        zeros = [z for z in _spherical_bessel_derivative_zeros(l, math.sqrt(lam))
                 if z * z <= lam]
        ref += len(zeros) * sum(1 for m in range(-l, l + 1) if m % 4 == 0)
    assert res.count == ref
