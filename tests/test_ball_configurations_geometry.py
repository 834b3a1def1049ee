"""Point clouds in the unit ball rotated together (B3^k / SO(3), O(3)): d_G and vol(M/G) by
the coarea formula, against a closed form derived here (k = 2), the radius convention (k = 1)
and a naive Monte Carlo reference written independently (k = 3)."""

import json
import math
import subprocess
import sys

import numpy as np
import pytest
import sympy as sp
from scipy import integrate

from weylgain.geometry import quotient_geometry, resolve_group
from weylgain.geometry.lie import linear_quotient_geometry
from weylgain.groups import lie_group
from weylgain.manifolds import parse_manifold

SO3 = np.array([[[0, 0, 0], [0, 0, -1], [0, 1, 0]],
                [[0, 0, 1], [0, 0, 0], [-1, 0, 0]],
                [[0, -1, 0], [1, 0, 0], [0, 0, 0]]], dtype=float)

# vol(B3^2/SO(3)): with |u| = a, |v| = b and the angle phi between them, the orbit of (u, v)
# has volume 8 pi^2 sqrt(det I), I the inertia tensor, det I = (a^2 + b^2) a^2 b^2 sin^2 phi;
# du dv = 4 pi a^2 da 2 pi b^2 sin phi db dphi, so vol = pi int_0^1 int_0^1 ab/sqrt(a^2+b^2)
# = pi (2 sqrt 2 - 2)/3 = 2 pi (sqrt 2 - 1)/3
PAIR_VOLUME = 2 * math.pi * (math.sqrt(2) - 1) / 3


def test_pair_closed_form_by_quadrature():
    val, _ = integrate.dblquad(lambda a, b: a * b / math.hypot(a, b), 0, 1, 0, 1)
    assert math.pi * val == pytest.approx(PAIR_VOLUME, rel=1e-8)


def test_one_point_is_the_radius_interval():
    # B3/SO(3) is the radius [0, 1]: coarea int_B3 dx / (4 pi |x|^2) = 1 (the catalogue's
    # convention), through the Lie-algebra route too
    q = quotient_geometry("B3", lie_group(SO3, name="so(3)"))
    assert q.quotient_dim == 1 and q.quotient_volume == 1 and q.vol_quotient_error == 0
    assert q.quotient_volume == quotient_geometry("B3", "SO(3)").quotient_volume


def _geometry(spec, group, n=1 << 18):
    M = parse_manifold(spec)
    return linear_quotient_geometry(M, resolve_group(group, M), n_samples=n)


@pytest.mark.parametrize("group", ["SO(3)", "O(3)"])
def test_two_points(group):
    q = _geometry("B3^2", group)
    assert q.quotient_dim == 3 and q.vol_quotient_error > 0
    # -I is the rotation by pi about the normal of the plane of two points: it acts trivially
    assert q.effective_order == 1
    assert abs(float(q.quotient_volume) - PAIR_VOLUME) < 4 * q.vol_quotient_error
    assert q.vol_quotient_error < 0.02 * PAIR_VOLUME


def _naive_three_points(n, seed):
    """vol(B3^3/SO(3)) by rejection sampling from the cube and the inertia tensor."""
    rng = np.random.default_rng(seed)
    pts = []
    while sum(len(p) for p in pts) < 3 * n:
        c = rng.uniform(-1, 1, (4 * n, 3))
        pts.append(c[(c * c).sum(1) <= 1])
    x = np.concatenate(pts)[:3 * n].reshape(n, 3, 3)
    r2 = (x * x).sum(-1)
    inertia = r2.sum(1)[:, None, None] * np.eye(3) - np.einsum("nki,nkj->nij", x, x)
    f = 1 / (8 * math.pi ** 2 * np.sqrt(np.linalg.det(inertia)))
    vb3 = 4 * math.pi / 3
    return vb3 ** 3 * f.mean(), vb3 ** 3 * f.std() / math.sqrt(n)


def test_three_points_against_a_naive_reference():
    ref, ref_err = _naive_three_points(1 << 18, 12345)
    q = _geometry("B3^3", "SO(3)")
    assert q.quotient_dim == 6
    v, e = float(q.quotient_volume), q.vol_quotient_error
    assert abs(v - ref) < 4 * math.hypot(e, ref_err)
    # with -I: three generic points span R^3, -I is no rotation: half the volume
    qo = _geometry("B3^3", "O(3)")
    assert qo.effective_order == 2
    assert float(qo.quotient_volume) == pytest.approx(v / 2, rel=1e-12)


@pytest.mark.parametrize("k", [2, 3, 4])
def test_dimension_of_k_points(k):
    M = parse_manifold(f"B3^{k}")
    q = linear_quotient_geometry(M, resolve_group("SO(3)", M), n_samples=1 << 12)
    assert q.quotient_dim == 3 * k - 3 and q.dim == 3 * k


def test_ball_boundary_of_the_pair():
    # dM = S2 x B3 u B3 x S2; each face: a = 1 above, pi int_0^1 b/sqrt(1+b^2) db =
    # pi (sqrt 2 - 1); the boundary term is estimated with a quarter of the samples
    q = _geometry("B3^2", "SO(3)", 1 << 20)
    assert float(q.boundary_part_volume) == pytest.approx(2 * math.pi * (math.sqrt(2) - 1),
                                                          rel=0.03)


@pytest.mark.slow
def test_cli_gain_on_three_points():
    out = subprocess.run([sys.executable, "-m", "weylgain", "gain", "B3^3", "SO(3)", "--json"],
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["d"] == 9 and data["d_G"] == 6 and data["kind"] == "exponential"
    assert data["vol_quotient_error"] > 0
    ref, ref_err = _naive_three_points(1 << 16, 777)
    assert abs(data["vol_quotient"] - ref) < 4 * math.hypot(data["vol_quotient_error"], ref_err)


def test_scaled_balls():
    # radius 2: the quotient scales like r^d_G
    q1 = quotient_geometry("B3", lie_group(SO3))
    q2 = quotient_geometry("B3(2)", lie_group(SO3))
    assert sp.simplify(q2.quotient_volume - 2 * q1.quotient_volume) == 0


def test_two_points_in_the_disk():
    # SO(2) on B2^2: the orbit of (x, y) is a circle of length 2 pi sqrt(|x|^2 + |y|^2), so
    # vol = (2 pi)^2 / (2 pi) int int r s / sqrt(r^2 + s^2) = 4 pi (sqrt 2 - 1) / 3; each
    # boundary face S1 x B2 gives 2 pi int_0^1 s / sqrt(1 + s^2) ds = 2 pi (sqrt 2 - 1)
    q = _geometry("B2^2", "SO(2)")
    assert q.quotient_dim == 3
    truth = 4 * math.pi * (math.sqrt(2) - 1) / 3
    assert abs(float(q.quotient_volume) - truth) < 4 * q.vol_quotient_error
    assert float(q.boundary_part_volume) == pytest.approx(4 * math.pi * (math.sqrt(2) - 1),
                                                          rel=0.03)
