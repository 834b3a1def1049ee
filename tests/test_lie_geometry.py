"""Quotient geometry of subtori and of the closed forms of the coarea formula, against
hand-derived values and brute-force mode counting."""

import itertools
import math

import numpy as np
import pytest
import sympy as sp

from weylgain.errors import GroupError
from weylgain.groups import lie_group, subtorus
from weylgain.groups._linalg import commuting_weights, torus_lattice
from weylgain.geometry import QuotientGeometry, quotient_geometry
from weylgain.manifolds import Sphere, parse_manifold

J = np.array([[0.0, -1.0], [1.0, 0.0]])


def test_diagonal_subtorus_of_t2():
    # the line along (1, 1) closes after one period in each axis: length 2 pi sqrt 2;
    # vol(T^2/G) = 4 pi^2 / (2 pi sqrt 2) = sqrt(2) pi, d_G = 1
    q = subtorus([[1, 1]]).quotient_geometry(parse_manifold("T2"))
    assert q.quotient_dim == 1 and q.orbit_volume == 2 * sp.sqrt(2) * sp.pi
    assert q.quotient_volume == sp.sqrt(2) * sp.pi and q.vol_quotient_error == 0


def test_saturated_lattice():
    # (2, 4) spans the same closed line as (1, 2): length 2 pi sqrt 5, vol 2 pi / sqrt 5
    for d in ([[1, 2]], [[2, 4]]):
        q = subtorus(d).quotient_geometry(parse_manifold("T2"))
        assert sp.simplify(q.quotient_volume - 2 * sp.pi / sp.sqrt(5)) == 0
    # on T^2(1, 3) (lengths 1 and 3) the line (1, 1) has length sqrt(1 + 9)
    q = subtorus([[1, 1]]).quotient_geometry(parse_manifold("T2(1,3)"))
    assert sp.simplify(q.quotient_volume - 3 / sp.sqrt(10)) == 0


def test_subtorus_volume_against_brute_force_mode_count():
    # invariant modes of the (1, 1) subtorus of T^2(2 pi): k in Z^2 with k . (1, 1) = 0, i.e.
    # k = (j, -j), eigenvalue |k|^2 = 2 j^2. Counted by brute force over a box of modes,
    # N(lam) must follow Weyl's law of a 1-dimensional quotient of volume vol(T^2/G):
    # N ~ 2 vol sqrt(lam) / (2 pi), up to O(1)
    q = subtorus([[1, 1]]).quotient_geometry(parse_manifold("T2"))
    lam = 40_000.0
    n = int(math.sqrt(lam)) + 1
    count = sum(1 for k in itertools.product(range(-n, n + 1), repeat=2)
                if k[0] + k[1] == 0 and k[0] ** 2 + k[1] ** 2 <= lam)
    weyl = float(q.weyl_constant) * math.sqrt(lam)
    assert abs(count - weyl) <= 2


def test_finite_part_on_the_subtorus_quotient():
    # T^2/(1,1) is the circle of x - y; the swap (x, y) -> (y, x) reverses it (F_eff = 2);
    # the half-period translation (1/2, 1/2) lies in the subtorus (F_eff = 1)
    T2 = parse_manifold("T2")
    swap = {"linear": [[0, 1], [1, 0]], "translation": [0, 0]}
    half = {"linear": [[1, 0], [0, 1]], "translation": [0.5, 0.5]}
    qs = subtorus([[1, 1]], [swap]).quotient_geometry(T2)
    assert qs.effective_order == 2 and qs.quotient_volume == sp.sqrt(2) * sp.pi / 2
    qh = subtorus([[1, 1]], [half]).quotient_geometry(T2)
    assert qh.effective_order == 1 and qh.kernel_order == 2
    # (1/2, 0) is not in the subtorus: it shifts x - y by half its period
    qx = subtorus([[1, 1]], [{"linear": np.eye(2), "translation": [0.5, 0]}]).quotient_geometry(T2)
    assert qx.effective_order == 2


def test_torus_errors_and_transitive():
    with pytest.raises(GroupError, match="integer"):
        subtorus([[1, math.sqrt(2)]])
    with pytest.raises(GroupError, match="dependent"):
        subtorus([[1, 1], [2, 2]])
    with pytest.raises(GroupError, match="normalize"):
        subtorus([[1, 1]], [{"linear": [[1, 0], [0, -1]], "translation": [0, 0]}])
    q = subtorus(np.eye(2, dtype=int)).quotient_geometry(parse_manifold("T2"))
    assert q.transitive and q.quotient_volume == 1


def test_circle_rotating_one_plane_closed_form():
    # SO(2) rotating (x1, x2) of S^3: x = (cos a u, sin a v), orbit 2 pi cos a,
    # dvol = cos a sin a da du dv: vol = (2 pi)^2 int_0^{pi/2} sin a / (2 pi) da = 2 pi
    X = np.zeros((4, 4))
    X[:2, :2] = J
    q = lie_group([X]).quotient_geometry(Sphere(3))
    assert q.quotient_dim == 2 and q.quotient_volume == 2 * sp.pi and q.vol_quotient_error == 0
    # a double-speed basis vector does not change the group or the volume
    assert lie_group([3 * X]).quotient_geometry(Sphere(3)).quotient_volume == 2 * sp.pi


def test_torus_lattice_covolume():
    # weights 1 and 2 (e^{it}, e^{2it}): kernel 2 pi Z; weights 2, 4, 6: kernel pi Z
    for w, cov in (([[1.0], [2.0]], 2 * math.pi), ([[2.0], [4.0], [6.0]], math.pi),
                   ([[2.0], [3.0]], 2 * math.pi)):
        assert torus_lattice(np.array(w), "t")[0] == pytest.approx(cov)
    # T^2 acting on C^2 by (e^{i s}, e^{i (s + t)}): kernel 2 pi Z^2, covolume 4 pi^2
    alg = np.array([np.kron(np.eye(2), J), np.pad(J, ((2, 0), (2, 0)))])
    W = commuting_weights(alg)
    assert torus_lattice(W, "t")[0] == pytest.approx(4 * math.pi ** 2)


def test_su2_acting_freely_on_s3():
    # left multiplication by unit quaternions: SU(2) acts simply transitively on S^3
    q = lie_group([np.kron(np.eye(2), J), [[0, 0, -1, 0], [0, 0, 0, 1], [1, 0, 0, 0],
                                           [0, -1, 0, 0]],
                   [[0, 0, 0, -1], [0, 0, -1, 0], [0, 1, 0, 0], [1, 0, 0, 0]]]
                  ).quotient_geometry(Sphere(3))
    assert q.transitive and q.quotient_volume == 1


def test_quotient_geometry_fields():
    q = quotient_geometry("S2", "C4")
    assert isinstance(q, QuotientGeometry) and q.vol_quotient_error == 0.0 and q.action == ""
    d = quotient_geometry("S2^2", "SO(3)@1").to_dict()
    assert d["vol_quotient_error"] == 0.0 and "factor 1" in d["action"]
