"""Learning on mixed products of spheres and tori (S2xT1, S1xS2, ...): the product kernel
against the factors' closed-form spectra and addition theorems, the invariant multiplicities
against closed-form counts, and a learning curve end to end."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.special import eval_legendre

from weylgain.errors import GroupError, ParameterError
from weylgain.learning.domains import action_for, kernel_for
from weylgain.learning.kernels import SphereKernel, TorusKernel
from weylgain.learning.product_kernels import ProductKernel
from weylgain.learning.targets import invariant_dimensions, quotient_dimension


def _s2_t1_table(lam: float, inv_s2=lambda l: 2 * l + 1, inv_t1=lambda k: 1):
    """{eigenvalue: multiplicity} of S^2 x T^1(2 pi) up to lam from the closed forms
    l(l+1) + k^2, with per-degree (S^2) and per-frequency k in Z (T^1) invariant counts."""
    out: dict[int, int] = {}
    for l in range(0, 60):
        for k in range(-60, 61):
            v = l * (l + 1) + k * k
            if v <= lam:
                out[v] = out.get(v, 0) + inv_s2(l) * inv_t1(k)
    return out


def test_product_kernel_spectrum_is_the_sum_of_the_factor_spectra():
    k = ProductKernel([SphereKernel(2, 1.0, 6), TorusKernel(1, 1.0, 40)], 2.5, 30.0)
    table = _s2_t1_table(30.0)
    assert list(k.eigenvalues) == sorted(table)
    assert list(k.multiplicities) == [table[v] for v in sorted(table)]
    assert k.domain.volume == pytest.approx(4 * math.pi * 2 * math.pi)
    assert k.domain.name == "S2xT1" and k.domain.dim == 3 and k.domain.ambient_dim == 4


def test_product_kernel_against_the_addition_theorems():
    # K(x, y) = sum_{l, k} (1 + l(l+1) + k^2)^{-s} (2l+1)/(4 pi) P_l(x.y) * e^{ik(a-b)}/(2 pi)
    s, lam = 2.5, 20.0
    k = ProductKernel([SphereKernel(2, 1.0, 5), TorusKernel(1, 1.0, 30)], s, lam)
    rng = np.random.default_rng(3)
    X, Y = k.domain.sample(7, rng), k.domain.sample(5, rng)
    ref = np.zeros((7, 5))
    dot = X[:, :3] @ Y[:, :3].T
    dt = X[:, 3:4] - Y[:, 3:4].T
    for l in range(0, 6):
        for q in range(-6, 7):
            v = l * (l + 1) + q * q
            if v <= lam:
                ref += (1 + v) ** -s * (2 * l + 1) / (4 * math.pi) * eval_legendre(l, dot) \
                    * np.cos(q * dt) / (2 * math.pi)
    np.testing.assert_allclose(k(X, Y), ref, atol=1e-12)


def test_factor_kernels_that_stop_too_early_are_refused():
    with pytest.raises(ParameterError, match="stops at eigenvalue"):
        ProductKernel([SphereKernel(2, 1.0, 2), TorusKernel(1, 1.0, 40)], 2.5, 30.0)


def test_kernel_for_mixed_products():
    k = kernel_for("S2xT1", max_modes=300)
    assert isinstance(k, ProductKernel) and k.n_modes <= 300 and k.spec == "S2xT1"
    k2 = kernel_for("S1xS2", max_eigenvalue=10.0)
    assert isinstance(k2, ProductKernel)
    # S^1 x S^2: m^2 + l(l+1) (m in Z): the same table as S^2 x T^1
    table = _s2_t1_table(10.0)
    assert list(k2.multiplicities) == [table[v] for v in sorted(table)]


def _c4_s2(l: int) -> int:
    return sum(1 for m in range(-l, l + 1) if m % 4 == 0)


@pytest.mark.parametrize("manifold, group, inv_s2, inv_t1, d_G", [
    ("S2xT1", "C4", _c4_s2, lambda k: 1, 3),                 # quarter turns of S^2
    ("S2xT1", "SO(2)", lambda l: 1, lambda k: 1, 2),         # Y_l^0 only
    ("S2xT1", "T1", lambda l: 2 * l + 1, lambda k: k == 0, 2),   # constant along T^1
    ("S2xT1", "SO(3)", lambda l: l == 0, lambda k: 1, 1),    # constant on S^2
    ("S1xS2", "C2", lambda l: 2 * l + 1, lambda m: m % 2 == 0, 3),  # half turn of S^1
])
def test_invariant_multiplicities_on_mixed_products(manifold, group, inv_s2, inv_t1, d_G):
    k = kernel_for(manifold, max_eigenvalue=14.0)
    act = action_for(group, k)
    table = _s2_t1_table(14.0, inv_s2, inv_t1)
    assert list(invariant_dimensions(k, act)) == [table.get(int(round(v)), 0)
                                                  for v in k.eigenvalues]
    assert quotient_dimension(k, act) == d_G


def test_group_acting_on_a_torus_factor_moves_the_torus_coordinates():
    k = kernel_for("S2xT1", max_eigenvalue=6.0)
    act = action_for("T1", k)
    lin, tr = act.elements()
    assert np.all(np.abs(tr[:, :3]) == 0) and np.any(tr[:, 3] != 0)
    X = k.domain.sample(5, np.random.default_rng(0))
    Y = k.domain.apply(lin[1], tr[1], X)
    np.testing.assert_allclose(Y[:, :3], X[:, :3])
    assert np.all((Y[:, 3] >= 0) & (Y[:, 3] < 2 * math.pi))


def test_the_averaged_kernel_is_invariant():
    k = kernel_for("S2xT1", max_eigenvalue=8.0)
    act = action_for("C4", k)
    kg = k.averaged(act)
    rng = np.random.default_rng(1)
    X, Y = k.domain.sample(6, rng), k.domain.sample(4, rng)
    A = np.eye(4)
    A[:2, :2] = [[0.0, -1.0], [1.0, 0.0]]
    np.testing.assert_allclose(kg(X @ A.T, Y), kg(X, Y), atol=1e-12)
    assert not np.allclose(k(X @ A.T, Y), k(X, Y))  # the plain kernel is not


def test_a_continuous_group_on_two_factors_is_refused():
    k = kernel_for("S1xS2", max_eigenvalue=6.0)
    from weylgain.groups import lie_group

    X = np.zeros((1, 5, 5))
    X[0, 0, 2], X[0, 2, 0] = -1.0, 1.0  # rotates the circle's x into the sphere's x
    with pytest.raises(GroupError):
        action_for(lie_group(X, name="mixing"), k)


def test_learning_curves_on_s2xt1_follow_the_theory():
    # the primal route of `weylgain learn`: plain and C4-averaged KRR on a C4-invariant
    # target; the invariant multiplicities are the closed-form table's, averaging helps and
    # both risks follow the eigenlearning prediction
    from weylgain.learning import random_target
    from weylgain.learning.scale import measure_curves

    k = kernel_for("S2xT1", max_eigenvalue=20.0)
    target = random_target(k, group="C4", seed=0)
    cur = measure_curves(k, target, "C4", n_values=(200, 800, 3200), seeds=3, noise=0.3,
                         show_progress=False)
    inv = _s2_t1_table(20.0, _c4_s2)
    assert list(cur.spectrum.invariant_multiplicities) == [inv.get(int(round(v)), 0)
                                                          for v in k.eigenvalues]
    measured = np.asarray(cur.risks["theory"]).mean(axis=1)  # (none/average, n)
    assert np.all(measured[1] < measured[0])
    # the finite-n prediction (eigenlearning) holds to the Monte Carlo spread of 3 seeds
    np.testing.assert_allclose(measured, cur.predicted, rtol=0.25)


def test_a_screw_turning_the_sphere_and_shifting_the_circle():
    # a quarter turn of S^2 about z with a quarter shift of T^1: Y_l^m e^{ikt} is invariant
    # iff m + k = 0 mod 4 (both signs of m and k occur, so the sign convention is immaterial)
    from weylgain.groups import from_generators

    A = np.eye(4)
    A[:2, :2] = [[0.0, -1.0], [1.0, 0.0]]
    screw = from_generators(A[None], np.array([[0, 0, 0, 0.25]]), name="screw")
    k = kernel_for("S2xT1", max_eigenvalue=14.0)
    act = action_for(screw, k)
    table: dict[int, int] = {}
    for l in range(0, 5):
        for m in range(-l, l + 1):
            for q in range(-4, 5):
                v = l * (l + 1) + q * q
                if v <= 14 and (m + q) % 4 == 0:
                    table[v] = table.get(v, 0) + 1
    assert list(invariant_dimensions(k, act)) == [table.get(int(round(v)), 0)
                                                  for v in k.eigenvalues]
    assert quotient_dimension(k, act) == 3


@pytest.mark.parametrize("spec, match", [("B3xS1", "Ball has none here"),
                                         ("S2xH2", "Hemisphere has none here"),
                                         ("S2(2)xT1", "radius 2")])
def test_products_without_a_spectral_kernel_are_refused(spec, match):
    from weylgain.errors import SpecError

    with pytest.raises(SpecError, match=match):
        kernel_for(spec)
