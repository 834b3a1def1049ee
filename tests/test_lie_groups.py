"""LieGroup: validation, action data and quotient geometry on spheres, against hand-derived
values (derivations in the comments)."""

import math

import numpy as np
import pytest
import sympy as sp

from weylgain.errors import GroupError
from weylgain.groups import LinearAction, lie_group, named
from weylgain.geometry import generic_orbit_dimension, quotient_geometry
from weylgain.manifolds import ProjectiveSpace, Sphere, parse_manifold

J = np.array([[0.0, -1.0], [1.0, 0.0]])


def block(*parts):
    D = sum(p.shape[0] for p in parts)
    out = np.zeros((D, D))
    o = 0
    for p in parts:
        out[o:o + p.shape[0], o:o + p.shape[0]] = p
        o += p.shape[0]
    return out


LZ = block(J, np.zeros((1, 1)))  # rotation about the z axis of R^3
SO3 = np.array([[[0, 0, 0], [0, 0, -1], [0, 1, 0]],
                [[0, 0, 1], [0, 0, 0], [-1, 0, 0]],
                [[0, -1, 0], [1, 0, 0], [0, 0, 0]]], dtype=float)


def test_o2_on_s2_is_the_quarter_meridian():
    # S^2/SO(2) = [0, pi] (the polar angle); the 2-fold rotation about x sends theta to
    # pi - theta, so S^2/O(2) = [0, pi/2]: d_G = 1, length pi/2
    g = lie_group([LZ], [np.diag([1.0, -1.0, -1.0])], name="O(2)")
    q = g.quotient_geometry(Sphere(2))
    assert q.quotient_dim == 1 and q.quotient_volume == sp.pi / 2
    assert q.effective_order == 2 and q.kernel_order == 1 and q.vol_quotient_error == 0.0


def test_mirror_containing_the_axis_buys_nothing():
    # y -> -y maps (theta, phi) to (theta, -phi): the same SO(2) orbit, so it acts trivially
    # on S^2/SO(2) = [0, pi]: vol stays pi and |F_eff| = 1
    g = lie_group([LZ], [np.diag([1.0, -1.0, 1.0])])
    q = g.quotient_geometry(Sphere(2))
    assert q.quotient_volume == sp.pi and q.effective_order == 1 and q.kernel_order == 2


def test_hopf_from_its_lie_algebra_equals_named_hopf():
    # the complex structure of C^2 generates e^{it}(z1, z2): free, great circles of length
    # 2 pi, vol(S^3)/(2 pi) = 2 pi^2 / 2 pi = pi, d_G = 3 - 1 = 2
    g = lie_group([block(J, J)], name="hopf-algebra")
    q = g.quotient_geometry(Sphere(3))
    old = quotient_geometry("S3", "hopf")  # the named family's own code path
    assert q.quotient_dim == old.quotient_dim == 2
    assert q.quotient_volume == old.quotient_volume == sp.pi
    assert q.orbit_volume == 2 * sp.pi
    np.testing.assert_array_equal(named("hopf").action_on(Sphere(3)).algebra[0], block(J, J))
    # radius 2: vol scales like r^(d_G)
    assert g.quotient_geometry(Sphere(3, 2)).quotient_volume == 4 * sp.pi
    # RP^3: -I = e^{i pi} lies in the circle, so RP^3/U(1) = S^3/U(1): vol pi, as named hopf
    assert g.quotient_geometry(ProjectiveSpace(3)).quotient_volume == \
        quotient_geometry("RP3", "hopf").quotient_volume == sp.pi


def test_circle_with_weights_1_2_on_s3_by_monte_carlo():
    # X = diag(J, 2J): (e^{it} z1, e^{2it} z2), period 2 pi, free on S^3 (z1, z2 != 0).
    # Orbit length 2 pi sqrt(|z1|^2 + 4 |z2|^2). Hopf coordinates z1 = cos(a) e^{i p},
    # z2 = sin(a) e^{i q}, dvol = cos a sin a da dp dq:
    # vol = (2 pi)^2 int_0^{pi/2} cos a sin a / (2 pi sqrt(cos^2 a + 4 sin^2 a)) da
    #     = pi int_0^1 du / sqrt(1 + 3u)  (u = sin^2 a)  = pi (2/3)(2 - 1) = 2 pi / 3
    g = lie_group([block(J, 2 * J)], name="circle(1,2)")
    q = g.quotient_geometry(Sphere(3))
    truth = 2 * math.pi / 3
    assert q.quotient_dim == 2 and q.orbit_volume is None
    assert 0 < q.vol_quotient_error < 0.01
    assert abs(float(q.quotient_volume) - truth) < 4 * q.vol_quotient_error
    assert "Monte Carlo" in " ".join(q.derivation)


def test_transitive_and_non_locally_free():
    q = lie_group(SO3).quotient_geometry(Sphere(2))  # SO(3) on S^2: a point
    assert q.transitive and q.quotient_dim == 0 and q.quotient_volume == 1
    # so(3) rotating 3 of the 4 coordinates of S^3: orbits are 2-spheres (dim 2 < 3)
    alg = np.array([block(X, np.zeros((1, 1))) for X in SO3])
    # (the orbit through x_4 = cos t is a 2-sphere; M/G is t in [0, pi], of length pi)
    q = lie_group(alg).quotient_geometry(Sphere(3))
    assert q.quotient_dim == 1 and q.quotient_volume == sp.pi


def test_dense_winding_is_refused_with_its_frequencies():
    with pytest.raises(GroupError, match=r"1\.41421"):
        lie_group([block(J, math.sqrt(2) * J)])


@pytest.mark.parametrize("alg, gens, match", [
    ([[[0, 1, 0], [1, 0, 0], [0, 0, 0]]], None, "skew"),
    ([LZ, 2 * LZ], None, "dependent"),
    (SO3[:2], None, "commutator"),
    ([LZ], [np.array([[1, 0, 0], [0, 0.5, -math.sqrt(3) / 2], [0, math.sqrt(3) / 2, 0.5]])],
     "normalize"),
    ([LZ], [2 * np.eye(3)], "orthogonal"),
])
def test_invalid_groups_are_refused(alg, gens, match):
    with pytest.raises(GroupError, match=match):
        lie_group(np.array(alg, dtype=float), gens)


def test_action_data():
    g = lie_group([LZ], [np.diag([1.0, -1.0, 1.0])])
    act = g.action_on(Sphere(2))
    assert isinstance(act, LinearAction) and act.blocks == (3,) and act.rational
    assert act.algebra.shape == (1, 3, 3) and not act.algebra.flags.writeable
    # a group of R^3 acts on larger spheres by the identity on the other coordinates, on
    # no smaller one
    assert g.action_on(Sphere(3)).algebra.shape == (1, 4, 4)
    with pytest.raises(GroupError, match="R\\^3"):
        g.action_on(Sphere(1))
    mixing = np.zeros((6, 6))
    mixing[0, 3], mixing[3, 0] = -1.0, 1.0  # rotates x of factor 1 into x of factor 2
    with pytest.raises(GroupError, match="mixes factors"):
        lie_group([mixing]).action_on(parse_manifold("S2^2"))
    assert not lie_group([math.sqrt(2) * LZ]).rational


def _slow_rank(algebra, blocks, n=200, seed=3):
    rng = np.random.default_rng(seed)
    best = 0
    for _ in range(n):
        x = np.concatenate([(lambda v: v / np.linalg.norm(v))(rng.standard_normal(b))
                            for b in blocks])
        T = np.stack([X @ x for X in algebra], axis=1)
        best = max(best, np.linalg.matrix_rank(T))
    return best


@pytest.mark.parametrize("alg, blocks", [
    ([LZ], (3,)), (SO3, (3,)), ([block(J, 2 * J)], (4,)), ([block(J, math.sqrt(3) * J)], (4,)),
    ([np.kron(np.eye(2), X) for X in SO3], (3, 3)),
    ([np.kron(np.eye(3), X) for X in SO3], (3, 3, 3)),
    ([block(J, J), block(J, -J)], (4,)),
])
def test_generic_rank_against_numpy_matrix_rank(alg, blocks):
    alg = np.array(alg, dtype=float)
    slow = _slow_rank(alg, blocks)
    for rational in (False, True):
        if rational and not np.allclose(alg, np.round(alg)):
            continue
        assert generic_orbit_dimension(alg, blocks, rational)[0] == slow
