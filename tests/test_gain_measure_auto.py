"""measure_gain chooses its own resolution (issue 17): the quotient-mesh route on S^2, RP^2
and the hemisphere, invariant meshes for the other point groups, refined flat grids, and the
exact counts where no mesh resolves enough invariant eigenvalues.

Truth never comes from the code under test: d_G = 2 and vol(M/G) = vol(M)/|G_eff| with
|G_eff| written down here, invariant counts of S^2/C_n from the closed form
sum_{l <= L} (2 floor(l/n) + 1), and the octahedral group as the 48 signed permutation
matrices. Every converged measurement must cover the truth at three standard deviations.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from weylgain.errors import FitError
from weylgain.gain import measure_gain


def _covers(value: float, err: float, truth: float) -> bool:
    return abs(value - truth) <= 3 * err


def _cyclic_count(n: int, lam: float) -> int:
    """N(lam) of S^2/C_n (rotations about one axis): 2 floor(l/n) + 1 invariants in degree l."""
    L = int(math.floor((math.sqrt(4 * lam + 1) - 1) / 2))  # l(l+1) <= lam
    return sum(2 * (ell // n) + 1 for ell in range(L + 1))


def _signed_permutations() -> np.ndarray:
    out = []
    for p in itertools.permutations(range(3)):
        for s in itertools.product((1.0, -1.0), repeat=3):
            A = np.zeros((3, 3))
            A[range(3), p] = s
            out.append(A)
    return np.array(out)


def _check(m, d_G: int, vol: float) -> None:
    assert m.d_G_predicted == d_G
    assert m.vol_quotient_predicted == pytest.approx(vol, rel=1e-12)
    if m.converged:
        assert _covers(m.d_G, m.d_G_err, d_G), m
        assert _covers(m.vol_quotient, m.vol_quotient_err, vol), m
    else:
        assert m.convergence_note


# ---------------------------------------------------------------- conjugation into a frame
def test_d3_about_z_is_conjugated_into_the_octahedral_group():
    from weylgain.gain.sphere_frames import _conjugator
    from weylgain.groups import named

    lin = np.asarray(named("D3").elements()[0], dtype=float)
    oh = _signed_permutations()
    R = _conjugator(lin, oh)
    assert R is not None
    assert np.allclose(R @ R.T, np.eye(3))
    for g in lin:
        img = R @ g @ R.T
        assert np.abs(oh - img).max(axis=(1, 2)).min() < 1e-9


def test_c7_has_no_octahedral_frame():
    from weylgain.gain.sphere_frames import _conjugator
    from weylgain.groups import named

    lin = np.asarray(named("C7").elements()[0], dtype=float)
    assert _conjugator(lin, _signed_permutations()) is None


def _dihedral_count(n: int, L: int) -> int:
    """N at the gap above degree L of S^2/D_n: floor(l/n) + [l even] invariants in degree l
    (cos(m phi) survives the 2-fold axis for m = n, 2n, ..., and m = 0 when l is even)."""
    return sum(ell // n + (1 - ell % 2) for ell in range(L + 1))


def test_a_rotated_d5_is_conjugated_into_the_icosahedral_frame_and_counts_exactly():
    from scipy.spatial.transform import Rotation

    from weylgain.gain.sphere_frames import _direct_plan
    from weylgain.groups import from_generators, named
    from weylgain.quotient_direct import quotient_sphere
    from weylgain.spectrum import counting_function

    R = Rotation.random(random_state=3).as_matrix()
    lin, _ = named("D5").extended(3).generator_arrays()
    G = from_generators(np.einsum("ij,gjk,lk->gil", R, lin, R), name="D5 rotated")
    base, conj, conjugated = _direct_plan(G)
    assert (base, conjugated) == ("icosahedron", True)
    K, Mm = quotient_sphere(4, conj, base=base).laplacian()
    Ls = [4, 6, 9]
    counts = counting_function(K, Mm, [(L + 1.0) ** 2 for L in Ls])
    assert list(counts) == [_dihedral_count(5, L) for L in Ls]


# ---------------------------------------------------------------- quotient mesh route
def test_s2_c4_on_the_quotient_mesh_counts_exactly_and_covers_the_truth():
    m = measure_gain("S2", "C4")
    assert m.source == "quotient mesh" and "never built" in m.mesh
    assert list(m.counts_quotient) == [_cyclic_count(4, v) for v in m.lams_quotient]
    assert m.counts_quotient[-1] >= 100  # the window was chosen for the fit
    assert m.converged, m.convergence_note
    _check(m, 2, math.pi)
    assert m.to_dict()["source"] == "quotient mesh"


def test_level_stays_an_override():
    m = measure_gain("S2", "C4", level=6)
    assert m.mesh.startswith("sphere:6:octahedron")
    assert list(m.counts_quotient) == [_cyclic_count(4, v) for v in m.lams_quotient]
    with pytest.raises(FitError, match="level"):
        measure_gain("S2", "Ih", level=3)


@pytest.mark.slow
@pytest.mark.parametrize("M, G, vol", [
    ("S2", "T", 4 * math.pi / 12), ("S2", "O", 4 * math.pi / 24),
    ("S2", "Oh", 4 * math.pi / 48), ("S2", "I", 4 * math.pi / 60),
    ("S2", "Ih", 4 * math.pi / 120), ("S2", "D3", 4 * math.pi / 6),
    ("S2", "antipodal", 2 * math.pi), ("RP2", "Oh", 2 * math.pi / 24),
    ("H2", "C4", 2 * math.pi / 4), ("S2", "mirror", 2 * math.pi),
])
def test_polyhedral_groups_converge_on_the_quotient_mesh(M, G, vol):
    m = measure_gain(M, G)
    assert m.source == "quotient mesh"
    assert m.converged, m.convergence_note
    _check(m, 2, vol)
    assert abs(m.d_G - 2) <= 0.1 and abs(m.vol_quotient / vol - 1) <= 0.02


# ---------------------------------------------------------------- invariant meshes of S^2
@pytest.mark.slow
def test_c7_on_one_invariant_mesh_counts_exactly():
    m = measure_gain("S2", "C7")
    assert m.source == "mesh" and "bipyramid7" in m.mesh
    assert list(m.counts_quotient) == [_cyclic_count(7, v) for v in m.lams_quotient]
    _check(m, 2, 4 * math.pi / 7)


@pytest.mark.slow
def test_a_group_no_mesh_resolves_takes_the_exact_counts_and_says_why():
    # C_12: six whole periods need lam up to 72^2, beyond the finest bipyramid sphere
    m = measure_gain("S2", "C12")
    assert m.source == "exact counts" and "resolve too few" in m.method
    assert m.converged, m.convergence_note
    _check(m, 2, 4 * math.pi / 12)


# ---------------------------------------------------------------- exact counts instead
@pytest.mark.slow
@pytest.mark.parametrize("M, G, d_G, vol", [
    ("S3", "S3", 3, 2 * math.pi ** 2 / 6),
    ("T3", "S3", 3, (2 * math.pi) ** 3 / 6),
])
def test_meshes_too_coarse_fall_back_to_exact_counts(M, G, d_G, vol):
    m = measure_gain(M, G)
    assert m.source == "exact counts" and "resolve too few" in m.method
    assert m.converged, m.convergence_note
    _check(m, d_G, vol)


# ---------------------------------------------------------------- flat grids
@pytest.mark.slow
@pytest.mark.parametrize("M, G, vol", [
    ("T2", "signs2", math.pi ** 2), ("T2", "B2", math.pi ** 2 / 2),
    ("T2", "C4", math.pi ** 2), ("Q2", "B2", 1.0 / 8),
])
def test_flat_grids_are_refined_for_the_lattice_staircase(M, G, vol):
    m = measure_gain(M, G)
    assert m.source == "mesh"
    assert m.counts_quotient[-1] >= 500
    _check(m, 2, vol)
