"""The Neumann spectrum of the ball B^d: ``neumann_modes`` and ``Ball.exact_spectrum``.

Truth: published Bessel zeros, scipy.special.jnp_zeros (an independent algorithm), a dense
scan of the spherical Bessel derivative, mpmath at 30 digits, the interval's closed form, and
the two-term Weyl law.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.special import jnp_zeros, spherical_jn

from weylgain.errors import ParameterError
from weylgain.manifolds import Ball
from weylgain.manifolds.ball import neumann_modes


def test_published_values_b3():
    e, l = neumann_modes(3, 50.0)
    k = np.sqrt(e)
    assert k[0] == 0.0 and l[0] == 0
    # j_1'(x) = 0 first at 2.08157597781810 (A&S table 10.6: 2.08158); j_0' = -j_1, whose
    # first zero solves tan x = x: 4.49340945790906; j_2': 3.34209365736569
    assert abs(k[l == 1][0] - 2.0815759778181006) < 1e-13
    assert abs(k[l == 0][1] - 4.4934094579090642) < 1e-13
    assert abs(k[l == 2][0] - 3.3420936573656942) < 1e-13


def test_b3_closed_forms():
    """l = 0: tan k = k; l = 1: tan k = 2k / (2 - k^2) (j_1' in sines and cosines)."""
    e, l = neumann_modes(3, 3000.0)
    k0, k1 = np.sqrt(e[l == 0][1:]), np.sqrt(e[l == 1])
    assert np.max(np.abs(np.sin(k0) - k0 * np.cos(k0)) / k0) < 1e-13
    assert np.max(np.abs((2 - k1 ** 2) * np.sin(k1) - 2 * k1 * np.cos(k1)) / k1 ** 2) < 1e-13
    # tan x = x has one root in each (n pi, n pi + pi/2), n >= 1, at n pi + pi/2 - O(1/n):
    # below sqrt(3000) = 54.77 those of n = 1..16 (the 17th lies above 17.5 pi - 0.02 = 54.96)
    n = np.arange(1, 17)
    assert len(k0) == 16 and np.all((k0 > n * np.pi) & (k0 < n * np.pi + np.pi / 2))


def test_disk_against_jnp_zeros():
    lam = 2500.0
    e, l = neumann_modes(2, lam)
    assert np.all(np.diff(e) >= 0) and e.dtype == np.float64 and l.dtype == np.int64
    for deg in range(0, 60):
        k = np.sqrt(e[l == deg])
        if deg == 0:
            assert k[0] == 0.0
            k = k[1:]
        ref = jnp_zeros(deg, len(k) + 1)
        assert ref[len(k)] ** 2 > lam  # nothing missed above the last one found
        np.testing.assert_allclose(k, ref[:len(k)], rtol=1e-13)
    assert l.max() < 60


def test_b3_against_dense_scan():
    """Every sign change of j_l' on a grid of step 0.002 (far below the root spacing)."""
    lam = 400.0
    e, l = neumann_modes(3, lam)
    kmax = math.sqrt(lam)
    x = np.arange(1e-6, kmax, 0.002)
    for deg in range(0, int(kmax) + 2):
        d = spherical_jn(deg, x, derivative=True)
        ref = np.flatnonzero(np.sign(d[:-1]) * np.sign(d[1:]) < 0)
        got = np.sqrt(e[l == deg])
        if deg == 0:
            got = got[1:]
        assert len(got) == len(ref), deg
        assert np.all(np.abs(got - x[ref]) <= 0.002 + 1e-12)


def test_b3_to_30_digits():
    mpmath = pytest.importorskip("mpmath")
    mpmath.mp.dps = 30
    e, l = neumann_modes(3, 3000.0)
    for i in range(1, len(e), 23):
        k, nu = math.sqrt(e[i]), int(l[i]) + mpmath.mpf(1) / 2
        root = mpmath.findroot(lambda x: x * mpmath.besselj(nu, x, derivative=1)
                               - mpmath.besselj(nu, x) / 2, mpmath.mpf(k))
        assert abs(float((k - root) / root)) < 1e-14


def test_interval_closed_form():
    # B^1(r) = [-r, r]: (n pi / (2 r))^2, cos (even, l = 0) for n even, sin (odd, l = 1)
    r = 1.7
    e, l = neumann_modes(1, 300.0, radius=r)
    n = np.arange(len(e))
    np.testing.assert_allclose(e, (n * np.pi / (2 * r)) ** 2, rtol=1e-14, atol=1e-300)
    assert np.array_equal(l, n % 2)
    assert ((len(e)) * np.pi / (2 * r)) ** 2 > 300.0


def test_radius_scaling_and_cutoff_inclusive():
    e1, l1 = neumann_modes(3, 200.0)
    e2, l2 = neumann_modes(3, 200.0 / 4, radius=2.0)
    np.testing.assert_allclose(e2 * 4, e1, rtol=1e-14)
    assert np.array_equal(l1, l2)
    assert len(neumann_modes(3, 0.0)[0]) == 1  # the constant


@pytest.mark.parametrize("d", [2, 3, 4])
def test_two_term_weyl_law(d):
    """N(lam) = w_d |B| lam^(d/2) / (2 pi)^d + w_(d-1) |dB| lam^((d-1)/2) / (4 (2 pi)^(d-1))
    + o(lam^((d-1)/2)) for Neumann conditions."""
    lam = {2: 40000.0, 3: 6000.0, 4: 2500.0}[d]
    eig, mult = Ball(d).exact_spectrum(lam)
    n = int(mult.sum())

    def w(m):  # volume of the unit m-ball
        return math.pi ** (m / 2) / math.gamma(m / 2 + 1)

    vol, area = w(d), d * w(d)
    lead = w(d) * vol * lam ** (d / 2) / (2 * math.pi) ** d
    second = w(d - 1) * area * lam ** ((d - 1) / 2) / (4 * (2 * math.pi) ** (d - 1))
    # the remainder is a small fraction of the second term
    assert abs(n - lead - second) < 0.15 * second, (n, lead, second)
    assert abs(n - lead) > 0.5 * second  # the second term is really there


def test_exact_spectrum_multiplicities():
    eig, mult = Ball(3).exact_spectrum(60.0)
    e, l = neumann_modes(3, 60.0)
    assert np.array_equal(eig, e)  # no two degrees share an eigenvalue
    assert np.array_equal(mult, 2 * l + 1)
    eig2, mult2 = Ball(2).exact_spectrum(60.0)
    e2, l2 = neumann_modes(2, 60.0)
    assert np.array_equal(mult2, np.where(l2 == 0, 1, 2))


@pytest.mark.parametrize("args", [(0, 1.0), (2.0, 1.0), (True, 1.0), (3, -1.0),
                                  (3, float("nan")), (3, "10")])
def test_bad_input(args):
    with pytest.raises(ParameterError):
        neumann_modes(*args)


@pytest.mark.parametrize("radius", [0.0, -1.0, float("inf"), "1"])
def test_bad_radius(radius):
    with pytest.raises(ParameterError, match="radius"):
        neumann_modes(3, 10.0, radius=radius)
