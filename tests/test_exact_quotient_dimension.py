"""exact_counts reports d_G for every action, also where vol(M/G) is refused, and takes a
catalogue name meaning a Lie-algebra group (O(3)) from Python as the CLI does."""

import numpy as np

from weylgain.exact import exact_counts
from weylgain.groups import lie_group


def test_d_g_survives_a_refused_volume():
    # SO(2) turning one plane of R^42 on S^41: the volume step refuses R^42 (beyond its
    # coarea budget), d_G = 41 - 1 still comes out; the counts by hand: harmonics of degree
    # k <= 2 (k (k + 40) <= 90) invariant under the rotation: 1 + 40 + (1 + 820 - 1) = 861
    D = 42
    X = np.zeros((1, D, D))
    X[0, 0, 1], X[0, 1, 0] = -1.0, 1.0
    res = exact_counts("S41", lie_group(X), 90.0)
    assert res.count == 861
    assert res.quotient_dimension == 40
    assert res.quotient_volume is None and res.weyl_prediction is None


def test_o3_by_name_from_python():
    # O(3) on S^2: the constant only; on S^4 (identity on x4, x5) the harmonics of x4, x5:
    # k + 1 of degree k, k (k + 3) <= 30 -> k <= 4: 15; d_G = 0 and 2
    r2 = exact_counts("S2", "O(3)", 30.0)
    assert (r2.count, r2.quotient_dimension) == (1, 0)
    r4 = exact_counts("S4", "O(3)", 30.0)
    assert (r4.count, r4.quotient_dimension) == (15, 2)
