"""Three points on S^2 rotated together and relabelled: --measure reaches the asymptotic
range of the exact counts (the window grows as far as the counts' own cost allows, measured,
not the lam^(d/2) of M's modes) and lands within 0.05 in d_G and 0.1% in volume.

The truth comes from an independent Monte Carlo coarea integral: a generic orbit of SO(3) on
(S^2)^3 is SO(3) itself with the metric omega -> sum |omega x x_i|^2 = omega^T (3I - S) omega,
S = sum x_i x_i^T, so vol(M/SO(3)) = int dx / (8 pi^2 sqrt(det(3I - S))); Sym(3) acts freely
on generic orbits and divides it by 6."""

import math

import numpy as np
import pytest

from weylgain.gain import measure_gain


def _coarea_volume(n: int, seed: int) -> tuple[float, float]:
    rng = np.random.default_rng(seed)

    def unit(k):
        x = rng.standard_normal((k, 3))
        return x / np.linalg.norm(x, axis=1, keepdims=True)

    x = [np.tile([0.0, 0.0, 1.0], (n, 1)), unit(n), unit(n)]  # x1 fixed: rotate it there
    S = sum(np.einsum("ni,nj->nij", v, v) for v in x)
    w = 1.0 / np.sqrt(np.linalg.det(3.0 * np.eye(3) - S))
    scale = (4 * math.pi) ** 3 / (8 * math.pi ** 2) / 6
    return scale * w.mean(), scale * w.std() / math.sqrt(n)


@pytest.mark.slow
def test_three_points_rotated_and_relabelled_are_measured_in_the_asymptotic_range():
    vol, err = _coarea_volume(1_000_000, 3)
    m = measure_gain("S2^3", "SO(3) x Sym(3)")
    assert m.converged
    assert abs(m.d_G - 3) < 0.05 and abs(m.d_G - 3) <= 3 * m.d_G_err
    assert abs(m.vol_quotient - vol) <= 4 * math.hypot(err, m.vol_quotient_err)
    assert abs(m.vol_quotient / vol - 1) < 1e-3
