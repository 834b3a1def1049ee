"""The Hopf circle of R^4 on larger spheres S^d (d > 3, identity on the other coordinates):
gain and exact agree on d_G = d - 1 and vol(M/G), and the volume matches a Monte Carlo
coarea integral (the orbit through x is a circle of length 2 pi |x_1..4|)."""

import math

import numpy as np
import pytest

from weylgain.exact import exact_counts
from weylgain.gain import predict_gain


@pytest.mark.parametrize("d", [4, 5, 7])
def test_hopf_on_larger_spheres(d):
    rep = predict_gain(f"S{d}", "hopf")
    assert rep.d_G == d - 1
    # Monte Carlo: vol(S^d) * E[1 / (2 pi |u|)], u the first four coordinates of a uniform point
    rng = np.random.default_rng(d)
    x = rng.standard_normal((400_000, d + 1))
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    w = 1.0 / (2 * math.pi * np.linalg.norm(x[:, :4], axis=1))
    vol_sphere = 2 * math.pi ** ((d + 1) / 2) / math.gamma((d + 1) / 2)
    mc, err = vol_sphere * w.mean(), vol_sphere * w.std() / math.sqrt(len(w))
    assert abs(float(rep.vol_quotient) - mc) < 5 * err
    ex = exact_counts(f"S{d}", "hopf", 20.0)
    assert ex.quotient_dimension == d - 1
    assert ex.quotient_volume == pytest.approx(float(rep.vol_quotient), rel=1e-12)
