"""The quotient geometry of any compact group on spheres (issue 18, the geometry side): group
volumes against published formulas, vol(M/G) of locally free and polar actions against closed
forms derived here by hand (eigenvalue arcs and Weyl chambers), conjugated copies against the
catalogue, and d_G reported where the volume is not."""

import json
import math
import subprocess
import sys

import numpy as np
import pytest
import sympy as sp
from scipy.stats import ortho_group

from weylgain.geometry import quotient_geometry
from weylgain.geometry.compact import compact_group_volume
from weylgain.geometry.result import QuotientVolumeError
from weylgain.groups import lie_group
from weylgain.manifolds import parse_manifold


# ---------------------------------------------------------------------- representations
def so_basis(n):
    """E_ij = e_j e_i^T - e_i e_j^T (i < j): orthonormal in the metric of the catalogue."""
    out = []
    for i in range(n):
        for j in range(i + 1, n):
            X = np.zeros((n, n))
            X[j, i], X[i, j] = 1.0, -1.0
            out.append(X)
    return np.array(out)


def sym_traceless_basis(n):
    B = []
    for i in range(n):
        for j in range(i + 1, n):
            E = np.zeros((n, n))
            E[i, j] = E[j, i] = 1 / math.sqrt(2)
            B.append(E)
    for k in range(1, n):
        E = np.diag([1.0] * k + [-float(k)] + [0.0] * (n - k - 1))
        B.append(E / np.linalg.norm(E))
    return np.array(B)


def conjugation_rep(n):
    """so(n) acting on traceless symmetric n x n matrices by A -> X A - A X, in an
    orthonormal (Frobenius) basis: skew matrices of size n(n+1)/2 - 1."""
    B = sym_traceless_basis(n)
    return np.array([[[np.sum(B[r] * (X @ B[c] - B[c] @ X)) for c in range(len(B))]
                      for r in range(len(B))] for X in so_basis(n)])


def realify(Z):
    n = Z.shape[0]
    R = np.zeros((2 * n, 2 * n))
    R[:n, :n], R[:n, n:], R[n:, :n], R[n:, n:] = Z.real, -Z.imag, Z.imag, Z.real
    return R


def su_basis(n, traceless=True):
    """An orthonormal basis of u(n) (or su(n)) for -tr(XY), as complex n x n matrices."""
    out = []
    for i in range(n):
        for j in range(i + 1, n):
            Z = np.zeros((n, n), complex)
            Z[i, j], Z[j, i] = 1 / math.sqrt(2), -1 / math.sqrt(2)
            out.append(Z)
            Z = np.zeros((n, n), complex)
            Z[i, j] = Z[j, i] = 1j / math.sqrt(2)
            out.append(Z)
    if traceless:
        for k in range(1, n):
            d = np.array([1.0] * k + [-float(k)] + [0.0] * (n - k - 1))
            out.append(np.diag(1j * d / np.linalg.norm(d)))
    else:
        for i in range(n):
            Z = np.zeros((n, n), complex)
            Z[i, i] = 1j
            out.append(Z)
    return out


def su3_adjoint():
    T = su_basis(3)
    return np.array([[[np.real(-np.trace(T[r] @ (X @ T[c] - T[c] @ X))) for c in range(8)]
                      for r in range(8)] for X in T])


# ---------------------------------------------------------------------- group volumes
def _sphere_vol(k):
    return 2 * math.pi ** ((k + 1) / 2) / math.gamma((k + 1) / 2)


@pytest.mark.parametrize("n", [3, 4, 5])
def test_volume_of_so_n_is_the_product_of_sphere_volumes(n):
    # SO(n) -> S^(n-1) is a Riemannian submersion with fibre SO(n-1) when the E_ij are
    # orthonormal: vol SO(n) = prod_{k=1}^{n-1} vol(S^k)
    vol, exact, _ = compact_group_volume(so_basis(n), "SO(n)")
    truth = math.prod(_sphere_vol(k) for k in range(1, n))
    assert vol == pytest.approx(truth, rel=1e-10)
    assert float(exact) == pytest.approx(truth, rel=1e-10)


def test_volume_of_unitary_groups_macdonald():
    # published (Macdonald 1980), metric -tr(XY) on C^n: vol U(n) = (2 pi)^(n(n+1)/2) /
    # prod_{k<n} k!, vol SU(n) = sqrt(n) (2 pi)^((n^2+n-2)/2) / prod_{k<n} k!; the real forms
    # of an orthonormal basis of u(n) act on R^2n (the volume is that of the basis metric)
    for n in (2, 3):
        sf = math.prod(math.factorial(k) for k in range(1, n))
        u = np.array([realify(Z) for Z in su_basis(n, traceless=False)])
        su = np.array([realify(Z) for Z in su_basis(n)])
        assert compact_group_volume(u, "U(n)")[0] == pytest.approx(
            (2 * math.pi) ** (n * (n + 1) / 2) / sf, rel=1e-9)
        assert compact_group_volume(su, "SU(n)")[0] == pytest.approx(
            math.sqrt(n) * (2 * math.pi) ** ((n * n + n - 2) / 2) / sf, rel=1e-9)


def test_adjoint_su3_is_su3_mod_its_centre():
    # the adjoint image is SU(3)/Z_3: a third of sqrt(3) (2 pi)^5 / 2
    vol = compact_group_volume(su3_adjoint(), "PSU(3)")[0]
    assert vol == pytest.approx(math.sqrt(3) * (2 * math.pi) ** 5 / 6, rel=1e-9)


# ---------------------------------------------------------------------- locally free and polar
def _eigenvalue_arc_length():
    """Length of the set of ordered eigenvalue triples of unit traceless symmetric 3 x 3
    matrices, measured by brute force: the unit circle of the plane sum = 0 (Frobenius
    metric) sampled finely, the fraction of it that is ordered l1 >= l2 >= l3."""
    t = np.linspace(0, 2 * math.pi, 600_001)[:-1]
    e1 = np.array([1, -1, 0]) / math.sqrt(2)
    e2 = np.array([1, 1, -2]) / math.sqrt(6)
    lam = np.cos(t)[:, None] * e1 + np.sin(t)[:, None] * e2
    ordered = (lam[:, 0] >= lam[:, 1]) & (lam[:, 1] >= lam[:, 2])
    return 2 * math.pi * ordered.mean()


def test_spin2_on_s4_is_the_eigenvalue_arc():
    A = conjugation_rep(3)  # SO(3) on traceless symmetric 3x3: the 5-dim irreducible
    arc = _eigenvalue_arc_length()
    assert arc == pytest.approx(math.pi / 3, abs=1e-4)
    q = quotient_geometry("S4", lie_group(A, name="spin2"))
    assert q.quotient_dim == 1 and q.vol_quotient_error == 0
    assert float(q.quotient_volume) == pytest.approx(arc, abs=1e-4)
    assert sp.simplify(q.quotient_volume - sp.pi / 3) == 0
    # -I reverses the arc about its midpoint (the triple (1, 0, -1)/sqrt 2): half of it
    qm = quotient_geometry("S4", lie_group(A, [-np.eye(5)], name="spin2 x -I"))
    assert sp.simplify(qm.quotient_volume - sp.pi / 6) == 0 and qm.effective_order == 2


def test_spin2_monte_carlo_route_covers_the_arc(monkeypatch):
    # the general coarea route (generic stabilizer of order 4, vol SO(3) = 8 pi^2) without the
    # polar shortcut: its error bar must cover pi/3
    from weylgain.geometry import lie

    monkeypatch.setattr(lie, "_polar_section", lambda *a: None)
    q = lie.linear_quotient_geometry(parse_manifold("S4"), lie_group(conjugation_rep(3)),
                                     n_samples=1 << 18)
    assert q.vol_quotient_error > 0
    assert abs(float(q.quotient_volume) - math.pi / 3) < 4 * q.vol_quotient_error
    assert any("4 components" in s for s in q.derivation)  # the Klein four-group


def test_so4_on_symmetric_matrices_is_a_weyl_chamber():
    # SO(4) on traceless symmetric 4x4 (S^8): the diagonal matrices are a section, a unit
    # 2-sphere in the plane sum = 0 of R^4; S_4 permutes the eigenvalues, 24 chambers:
    # vol = 4 pi / 24. The chamber fraction is counted here by sampling.
    rng = np.random.default_rng(0)
    lam = rng.standard_normal((400_000, 4))
    lam -= lam.mean(axis=1, keepdims=True)
    frac = np.all(np.diff(lam, axis=1) <= 0, axis=1).mean()
    assert frac == pytest.approx(1 / 24, rel=0.03)
    q = quotient_geometry("S8", lie_group(conjugation_rep(4), name="SO(4) on Sym"))
    assert q.quotient_dim == 2
    assert sp.simplify(q.quotient_volume - sp.pi / 6) == 0


def test_su3_adjoint_on_s7():
    # the Cartan subalgebra is a section: its unit circle modulo the Weyl group S_3 (a
    # dihedral group of order 6 acting on the circle) is an arc of length 2 pi / 6
    q = quotient_geometry("S7", lie_group(su3_adjoint(), name="SU(3) adjoint"))
    assert q.quotient_dim == 1
    assert sp.simplify(q.quotient_volume - sp.pi / 3) == 0


# ---------------------------------------------------------------------- conjugated copies
def _tilt(alg, D, seed):
    Q = ortho_group.rvs(D, random_state=seed)
    A = np.zeros((len(alg), D, D))
    n = alg.shape[1]
    A[:, :n, :n] = alg
    return np.einsum("ij,ajk,lk->ail", Q, A, Q), Q


@pytest.mark.parametrize("spec, D, alg, seed", [
    ("S4", 5, so_basis(3), 1),  # SO(3) on a tilted 3-space of R^5
    ("S2", 3, so_basis(3)[:1], 2),  # SO(2) about a tilted axis
    ("S5", 6, so_basis(3), 3),
    ("S3", 4, so_basis(4), 4),  # transitive
    ("B3", 3, so_basis(3)[:1], 5),
])
def test_tilted_copy_equals_the_catalogue(spec, D, alg, seed):
    M = parse_manifold(spec)
    A, _ = _tilt(alg, D, seed)
    q = quotient_geometry(M, lie_group(A, name="tilted"))
    name = {3: "SO(3)", 1: "SO(2)", 6: "SO(4)"}[len(alg)]
    ref = quotient_geometry(M, name)
    assert q.quotient_dim == ref.quotient_dim
    assert sp.simplify(q.quotient_volume - ref.quotient_volume) == 0


def test_tilted_so3_on_s4_by_hand():
    # independent of the catalogue: x = (cos t u, sin t w), u in S^2, w in S^1; the orbit is
    # the 2-sphere of radius cos t, vol(S^4) E[1/(4 pi |u|^2)] with |u|^2 ~ Beta(3/2, 1) on S^4
    # (E[1/|u|^2] = 3): 8 pi^2/3 * 3 / (4 pi) = 2 pi; -I on R^5 halves it (w -> -w)
    A, _ = _tilt(so_basis(3), 5, 7)
    assert sp.simplify(quotient_geometry("S4", lie_group(A)).quotient_volume - 2 * sp.pi) == 0
    q = quotient_geometry("S4", lie_group(A, [-np.eye(5)]))
    assert sp.simplify(q.quotient_volume - sp.pi) == 0


# ---------------------------------------------------------------------- d_G without vol
def test_d_g_travels_with_a_refused_volume():
    with pytest.raises(QuotientVolumeError) as info:
        quotient_geometry("S2^14", "SO(3)")
    assert info.value.quotient_dim == 28 - 3 and info.value.dim == 28


def test_cli_gain_reports_d_g_when_the_volume_is_refused():
    out = subprocess.run([sys.executable, "-m", "weylgain", "gain", "S2^14", "SO(3)", "--json"],
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 4
    data = json.loads(out.stdout)
    assert data["d"] == 28 and data["d_G"] == 25 and data["vol_quotient"] is None
    assert data["kind"] == "exponential" and data["vol_quotient_unavailable_reason"]
    assert data["sample_exponent_invariant"] == pytest.approx(1 + 25 / (2 * 15))
    text = subprocess.run([sys.executable, "-m", "weylgain", "gain", "S2^14", "SO(3)"],
                          capture_output=True, text=True, timeout=300)
    assert text.returncode == 4 and "d_G = 25" in text.stdout and "not available" in text.stdout


def test_cli_gain_spin2_json(tmp_path):
    path = tmp_path / "spin2.json"
    path.write_text(json.dumps({"manifold": "S4", "kind": "lie", "name": "spin2", "dim": 5,
                                "lie_algebra": conjugation_rep(3).tolist(), "generators": []}))
    out = subprocess.run([sys.executable, "-m", "weylgain", "gain", "--group-file",
                          str(path), "--json"], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["d_G"] == 1 and data["vol_quotient"] == pytest.approx(math.pi / 3)


@pytest.mark.slow
def test_spin2_volume_against_exact_invariant_counts():
    # independent integers: the exact invariant counts of S4/spin2 (the invariant ring
    # C[tr A^2, tr A^3] restricted to the sphere), fitted with Weyl's law by measure_gain
    from weylgain.gain import measure_gain

    m = measure_gain("S4", lie_group(conjugation_rep(3), name="spin2"))
    assert m.source == "exact counts" and m.converged
    assert abs(m.vol_quotient - math.pi / 3) < 4 * m.vol_quotient_err
    assert abs(m.d_G - 1) < 4 * m.d_G_err


def test_positive_dimensional_stabilizer_so4_on_two_vectors():
    # SO(4) rotating (u, v) in R^4 + R^4 together, on S^7: orbits SO(4)/SO(2) of dimension 5,
    # d_G = 2. Truth from invariant theory: the invariants are the free algebra on |u|^2,
    # |v|^2, <u, v> (degree 2), so the harmonic invariants of degree 2j number
    # C(j+2, 2) - C(j+1, 2) = j + 1, at eigenvalue 2j(2j + 6); N_G(lam) ~ lam / 8 = vol
    # lam / (4 pi) by Weyl's law in dimension 2: vol = pi / 2
    import itertools

    from weylgain.geometry.lie import linear_quotient_geometry

    basis = []
    for i, j in itertools.combinations(range(4), 2):
        X = np.zeros((8, 8))
        X[i, j], X[j, i], X[4 + i, 4 + j], X[4 + j, 4 + i] = -1, 1, -1, 1
        basis.append(X)
    q = linear_quotient_geometry(parse_manifold("S7"), lie_group(np.array(basis)),
                                 n_samples=1 << 17)
    assert q.quotient_dim == 2 and q.vol_quotient_error > 0
    assert abs(float(q.quotient_volume) - math.pi / 2) < 4 * q.vol_quotient_error
    assert q.vol_quotient_error < 0.05 * math.pi / 2
    assert any("generic stabilizer H: of dimension 1" in s for s in q.derivation)


def test_answers_do_not_depend_on_the_basis():
    # any basis of the same algebra (scaled, mixed) is the same group: vol(G0) and the orbit
    # Jacobian change together
    A = conjugation_rep(3)
    R = np.random.default_rng(0).standard_normal((3, 3))
    for B in (3 * A, np.einsum("ab,bij->aij", R, A)):
        q = quotient_geometry("S4", lie_group(B))
        assert sp.simplify(q.quotient_volume - sp.pi / 3) == 0
    vol_a = compact_group_volume(A, "a")[0]
    vol_b = compact_group_volume(np.einsum("ab,bij->aij", R, A), "b")[0]
    # the metric in which R A is orthonormal shrinks volumes by abs(det R)
    assert vol_b == pytest.approx(vol_a / abs(np.linalg.det(R)), rel=1e-9)


def _diagonal_so3_on_two_blocks():
    A = np.zeros((3, 6, 6))
    A[:, :3, :3] = A[:, 3:, 3:] = so_basis(3)
    return lie_group(A, name="diagonal SO(3)")


def test_two_spheres_of_different_radii():
    # S^2 x S^2(2) rotated together: the orbit is labelled by the angle theta between the
    # points; the horizontal motion turns them about the normal at rates w1, w2 with
    # w1 - w2 = dtheta and 1^2 w1 + 2^2 w2 = 0 (orthogonal to the common rotation), length
    # sqrt(w1^2 + 4 w2^2) = (2/sqrt 5) dtheta: vol = 2 pi / sqrt 5
    from weylgain.geometry.lie import linear_quotient_geometry

    q = linear_quotient_geometry(parse_manifold("S2xS2(2)"), _diagonal_so3_on_two_blocks(),
                                 n_samples=1 << 18)
    assert q.quotient_dim == 1
    assert abs(float(q.quotient_volume) - 2 * math.pi / math.sqrt(5)) < 4 * q.vol_quotient_error


def test_sphere_and_ball_of_radius_two():
    # S^2 x B^3(2): det(inertia) = (1 + b^2) b^2 sin^2 phi, so vol = 4 pi 2 pi pi /(8 pi^2)
    # int_0^2 b / sqrt(1 + b^2) db = pi (sqrt 5 - 1)
    from weylgain.geometry.lie import linear_quotient_geometry

    q = linear_quotient_geometry(parse_manifold("S2xB3(2)"), _diagonal_so3_on_two_blocks(),
                                 n_samples=1 << 18)
    assert q.quotient_dim == 2
    assert abs(float(q.quotient_volume) - math.pi * (math.sqrt(5) - 1)) < 4 * q.vol_quotient_error
