"""Learning on every domain the calculator knows: kernels of specs, products of spheres, group
actions from action data, against closed forms (Legendre addition theorem, exact counts,
invariance under random group elements) and the refusals."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from scipy.special import eval_legendre

from weylgain.errors import ParameterError, SpecError
from weylgain.learning import random_target
from weylgain.learning.domains import action_for, kernel_for
from weylgain.learning.kernels import SphereKernel, TorusKernel
from weylgain.learning.product_kernels import ProductSphereKernel
from weylgain.learning.targets import invariant_dimensions, quotient_dimension


def test_product_kernel_is_the_product_of_legendre_series():
    k = ProductSphereKernel(2, 2, smoothness=2.0, max_eigenvalue=12)
    rng = np.random.default_rng(0)
    X, Y = k.domain.sample(5, rng), k.domain.sample(4, rng)
    # K = sum over (l1, l2) with l1(l1+1) + l2(l2+1) <= 12 of (1 + Lam)^-s Z_l1 Z_l2,
    # Z_l(x, y) = (2l + 1) / (4 pi) P_l(x.y) on the unit sphere
    truth = np.zeros((5, 4))
    for l1 in range(4):
        for l2 in range(4):
            lam = l1 * (l1 + 1) + l2 * (l2 + 1)
            if lam > 12:
                continue
            z1 = (2 * l1 + 1) / (4 * math.pi) * eval_legendre(l1, X[:, :3] @ Y[:, :3].T)
            z2 = (2 * l2 + 1) / (4 * math.pi) * eval_legendre(l2, X[:, 3:] @ Y[:, 3:].T)
            truth += (1 + lam) ** -2.0 * z1 * z2
    np.testing.assert_allclose(k(X, Y), truth, atol=1e-12)


@pytest.mark.parametrize("spec, group, d_g, modes", [
    ("S2^2", "SO(3)", 1, 250), ("S2^2", "O(3)", 1, 250), ("S2^3", "SO(3) x Sym(3)", 3, 64),
    pytest.param("S2^3", "SO(3) x Sym(3)", 3, 250, marks=pytest.mark.slow),
    ("S3", "hopf", 2, 250), ("T3^2", "T3", 3, 250), ("S2^2", "Sym(2)", 4, 250),
])
def test_actions_from_action_data_match_exact_counts(spec, group, d_g, modes):
    from weylgain.exact import exact_counts

    kernel = kernel_for(spec, max_modes=modes)
    act = action_for(group, kernel)
    assert quotient_dimension(kernel, act) == d_g
    ex = exact_counts(spec, group, float(kernel.eigenvalues[-1]))
    assert np.array_equal(invariant_dimensions(kernel, act), ex.multiplicities)
    assert np.array_equal(kernel.multiplicities, ex.full_multiplicities)


def test_invariant_target_on_s2_squared_is_invariant_under_haar_rotations():
    kernel = kernel_for("S2^2", max_modes=250)
    f = random_target(kernel, group="SO(3)", seed=1)
    rng = np.random.default_rng(2)
    X = kernel.domain.sample(50, rng)
    q, _ = np.linalg.qr(rng.standard_normal((3, 3)))
    q *= np.sign(np.linalg.det(q))  # a random rotation (never the quadrature's angles)
    g = np.kron(np.eye(2), q)
    assert np.max(np.abs(f(X @ g.T) - f(X))) < 1e-10
    # and a function of x1.x2 only, as S2 x S2 / SO(3) = [-1, 1] says
    assert np.std(f(X)) > 1e-3


def test_kernel_for_cuts_whole_eigenspaces_at_the_mode_budget():
    k = kernel_for("S2", max_modes=100)
    assert isinstance(k, SphereKernel) and k.n_modes == 100  # degrees <= 9: (9 + 1)^2
    t = kernel_for("T3^2", max_modes=300)
    assert isinstance(t, TorusKernel) and t.spec == "T3^2" and t.domain.dim == 6
    assert t.n_modes <= 300
    assert kernel_for("S2", smoothness=3.0, max_modes=50).smoothness == 3.0


@pytest.mark.parametrize("spec, match", [
    ("RP2", "spectral kernel"), ("S2(2)", "radius"), ("B3xS1", "Ball has none here"),
    ("K3", "unknown manifold"),
])
def test_kernel_for_refuses_what_has_no_spectral_kernel(spec, match):
    with pytest.raises(SpecError, match=match):
        kernel_for(spec)


@pytest.mark.parametrize("modes", [0, 10 ** 7, "many", True])
def test_kernel_for_refuses_a_bad_mode_budget(modes):
    with pytest.raises(ParameterError, match="max_modes"):
        kernel_for("S2", max_modes=modes)


def test_group_that_does_not_act_is_refused():
    from weylgain.errors import WeylgainError

    with pytest.raises(WeylgainError):
        action_for("nosuch", kernel_for("S2^2", max_modes=50))


def test_cli_learn_on_a_product_reports_measured_and_predicted(capsys):
    from weylgain.cli import main

    argv = ["learn", "--manifold", "S2^2", "--group", "SO(3)", "--n", "200", "400", "800",
            "--seeds", "2", "--json", "--no-progress"]
    assert main(argv) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["domain"] == "S2^2" and out["settings"]["quotient_dim"] == 1
    for key in ("saving_measured", "saving_predicted", "saving_asymptotic",
                "exponent_measured", "exponent_predicted", "exponent_asymptotic"):
        assert key in out, key
    assert out["saving_asymptotic"]["average"] is None  # unbounded: a better exponent
    assert set(out["saving_measured"]["average"]) == {"theory", "cv"}
    assert out["exponent_asymptotic"]["average"] > out["exponent_asymptotic"]["none"]
