"""Actions on products of identical factors: diagonal, one factor, permutations, combined;
the resolve() rules and the M^k manifold specs. Values derived by hand in the comments."""

import math

import numpy as np
import pytest
import sympy as sp

from weylgain.errors import GroupError, SpecError
from weylgain.groups import (
    FiniteGroup,
    LieGroup,
    TorusGroup,
    combine,
    diagonal,
    named,
    on_factor,
    permute_factors,
    resolve,
)
from weylgain.geometry import quotient_geometry
from weylgain.manifolds import parse_manifold


def test_power_specs():
    assert parse_manifold("S2^3").name == "S2xS2xS2"
    assert parse_manifold("T3^4").dim == 12 and parse_manifold("S1^5").dim == 5
    assert parse_manifold("S^2").name == "S2"  # the old optional caret
    assert parse_manifold("S2(2)^2xT1").name == "S2(2)xS2(2)xT1"


def test_diagonal_so3_on_two_points():
    # orbits of (u, v) are SO(3) itself (free when u != +-v); Gamma = 2I - uu^T - vv^T has
    # det 2 sin^2(theta), vol_basis(SO(3)) = 8 pi^2, so vol(orbit) = 8 pi^2 sqrt(2) sin(theta);
    # vol(M/G) = int dvol/vol(orbit) = (4 pi)(2 pi) int_0^pi sin / (8 pi^2 sqrt 2 sin) = pi/sqrt 2
    q = quotient_geometry("S2^2", "SO(3)")
    assert q.quotient_dim == 1 and "diagonal on 2 factors" in q.action
    # the closed form (the interval [0, pi/sqrt 2]): exact, no Monte Carlo error
    assert q.vol_quotient_error == 0.0
    assert abs(float(q.quotient_volume) - math.pi / math.sqrt(2)) < 1e-12
    # the swap (u, v) -> (v, u) preserves the angle: trivial on the quotient, same volume
    qs = quotient_geometry("S2^2", "SO(3) x Sym(2)")
    assert qs.effective_order == 1 and qs.quotient_volume == q.quotient_volume


def _reference_three_points(n=400_000, seed=99):
    """vol(S2^3/SO(3)) by an independent Monte Carlo: fix u1 = e_z (SO(3) is transitive on
    the first factor, the integrand is invariant), u2, u3 uniform; orbit volume
    8 pi^2 sqrt(det(3I - sum u_i u_i^T)) (Gamma_ab = sum_i <e_a x u_i, e_b x u_i>)."""
    rng = np.random.default_rng(seed)
    u = rng.standard_normal((n, 2, 3))
    u /= np.linalg.norm(u, axis=2, keepdims=True)
    S = np.einsum("nki,nkj->nij", u, u) + np.diag([0.0, 0.0, 1.0])
    f = 1.0 / (8 * math.pi ** 2 * np.sqrt(np.linalg.det(3 * np.eye(3) - S)))
    vol = 4 * math.pi * (4 * math.pi) ** 2
    return vol * f.mean(), vol * f.std() / math.sqrt(n)


def test_diagonal_so3_on_three_points_against_independent_monte_carlo():
    q = quotient_geometry("S2^3", "SO(3)")
    assert q.quotient_dim == 3  # 6 - 3: locally free
    ref, ref_err = _reference_three_points()
    assert abs(float(q.quotient_volume) - ref) < 4 * math.hypot(ref_err, q.vol_quotient_error)
    # Sym(3) permutes three distinct generic points: |F_eff| = 6
    q6 = quotient_geometry("S2^3", "SO(3) x Sym(3)")
    assert q6.effective_order == 6
    assert float(q6.quotient_volume) == pytest.approx(float(q.quotient_volume) / 6, rel=1e-10)


def test_diagonal_torus_translations():
    # T3 translating both atoms of (T^3)^2 together: orbits are the diagonal 3-tori spanned
    # by (e_i, e_i), of volume (2 pi sqrt 2)^3, so vol = (2 pi)^6 / (2 pi sqrt 2)^3
    q = quotient_geometry("T3^2", "T3")
    assert q.quotient_dim == 3 and q.vol_quotient_error == 0
    assert sp.simplify(q.quotient_volume - (2 * sp.pi) ** 3 / 2 ** sp.Rational(3, 2)) == 0
    g = resolve("T3", "T3^2")
    assert isinstance(g, TorusGroup) and g.structure.factor_group == "translations"


def test_structures():
    s = resolve("SO(3) x Sym(3)", "S2^3").structure
    assert (s.copies, s.factor_ambient, s.factor_group, s.factor_improper) == (3, 3, "SO(3)",
                                                                                 False)
    assert s.permutations.shape == (2, 3)
    assert resolve("O(3)", "S2^2").structure.factor_improper
    assert resolve("SO(2)", "S2^4").structure.factor_group == "SO(2)"
    assert resolve("SO(3)@1", "S2^2").structure is None
    assert resolve("Sym(4)", "T3^4").structure.factor_group == "trivial"


def test_one_factor_action():
    # SO(3) transitive on factor 1: S2^2 / G = S^2 (the second point): d_G 2, vol 4 pi
    q = quotient_geometry("S2^2", "SO(3)@1")
    assert q.quotient_dim == 2 and q.quotient_volume == 4 * sp.pi
    assert "factor 1" in q.action
    # SO(2)@2 on S2^2: S^2 x [0, pi]: vol 4 pi * pi
    assert quotient_geometry("S2^2", "SO(2)@2").quotient_volume == 4 * sp.pi ** 2
    # independent rotations of both factors: a product of two points
    q2 = quotient_geometry("S2^2", "SO(3)@1 x SO(3)@2")
    assert q2.quotient_dim == 0 and q2.quotient_volume == 1


def test_resolve_rules_and_old_readings():
    sym3 = resolve("Sym(3)", "S2^3")
    assert isinstance(sym3, FiniteGroup) and sym3.order == 6 and sym3.dim == 9
    # a finite group named for one factor acts diagonally: C4 on S2^2 is free on a dense
    # set, vol (4 pi)^2 / 4
    c4 = quotient_geometry("S2^2", "C4")
    assert c4.quotient_volume == 4 * sp.pi ** 2 and c4.effective_order == 4
    assert resolve("S6", "T3^2").dim == 6  # needs the whole space: the old reading
    assert isinstance(resolve(named("SO(3)"), "S2^2"), LieGroup)  # objects act diagonally
    with pytest.raises(SpecError, match="3 factor"):
        resolve("Sym(2)", "S2^3")
    with pytest.raises(SpecError, match="factor 4"):
        resolve("SO(3)@4", "S2^3")


def test_constructor_errors():
    with pytest.raises(GroupError, match="same space"):
        combine(named("SO(3)"), permute_factors(2, 3))
    with pytest.raises(GroupError, match="overlap"):
        combine(diagonal(named("SO(3)"), 2), diagonal(named("SO(2)"), 2))
    with pytest.raises(GroupError, match="out of range"):
        on_factor(named("SO(3)"), 2, 2)
    with pytest.raises(GroupError, match="not a permutation"):
        permute_factors(3, 3, [[0, 0, 1]])
    cyc = permute_factors(3, 3, [[1, 2, 0]])
    assert cyc.order == 3 and cyc.structure.permutations.tolist() == [[1, 2, 0]]


def test_periodic_box_of_four_atoms():
    # T3 translating 4 atoms together: orbits spanned by (e_i, e_i, e_i, e_i), each of length
    # 2 pi * 2, so vol(orbit) = (4 pi)^3 = 64 pi^3; Sym(4) permutes 4 generic atoms: /24
    q = quotient_geometry("T3^4", "T3 x Sym(4)")
    assert q.quotient_dim == 9 and q.effective_order == 24
    assert sp.simplify(q.quotient_volume - (2 * sp.pi) ** 12 / (64 * sp.pi ** 3) / 24) == 0
    s = resolve("T3 x Sym(4)", "T3^4").structure
    assert s.factor_group == "translations" and s.permutations.shape == (2, 4)


def test_o3_on_two_points():
    # -I maps (u, v) to (-u, -v), which is the rotation by pi about u x v: trivial on the
    # quotient, so O(3) gives the same volume as SO(3)
    q = quotient_geometry("S2^2", "O(3)")
    assert q.effective_order == 1
    assert q.quotient_volume == quotient_geometry("S2^2", "SO(3)").quotient_volume
