"""weylgain.gain as a subpackage: it asks M for its meshes, spectrum, antipodal blocks and
exact-count preference (the manifold protocol) instead of testing manifold classes, and the
names of the former gain.py stay importable."""

from __future__ import annotations

import json
import math
import subprocess
import sys

import numpy as np
import pytest

from weylgain.errors import SpecError
from weylgain.gain import measure_gain
from weylgain.geometry import resolve_group
from weylgain.manifolds import parse_manifold


def _antipodal(spec):
    from weylgain.gain.measure import _antipodal_generators

    return _antipodal_generators(parse_manifold(spec))


@pytest.mark.parametrize("spec, diagonals", [
    ("S2", []),                                      # no -I acts trivially on a sphere
    ("RP2", [[-1, -1, -1]]),                         # RP^2 = S^2 / -I
    ("S1xRP2", [[1, 1, -1, -1, -1]]),                # -I on the RP factor only
    ("RP1xRP1", [[-1, -1, 1, 1], [1, 1, -1, -1]]),   # one -I per factor, not their product
])
def test_antipodal_generators_flip_each_projective_block(spec, diagonals):
    gens = _antipodal(spec)
    assert gens.shape[0] == len(diagonals)
    for gen, diagonal in zip(gens, diagonals):
        np.testing.assert_array_equal(gen, np.diag(np.array(diagonal, dtype=float)))


@pytest.mark.parametrize("manifold, group, exact", [
    # no mesh here: spheres and tori above dimension 3, products of spheres or of tori
    ("S4", "mirror", True), ("RP4", "mirror", True), ("T4", "mirror", True),
    ("S2xS2", "mirror", True), ("T2xT1", "mirror", True),
    # continuous groups on RP^d (their cover's even degrees) and on balls with a quotient of
    # dimension >= 2 (the Neumann modes times the invariant harmonics)
    ("RP2", "SO(2)", True), ("B3", "SO(2)", True),
    # meshed: low-dimensional spheres, RP^d, tori, balls, boxes, hemispheres
    ("S2", "mirror", False), ("S3", "SO(3)", False), ("RP2", "mirror", False),
    ("T3", "mirror", False), ("B3", "SO(3)", False), ("Q2", "mirror", False),
    ("H2", "mirror", False),
])
def test_exact_counts_are_chosen_where_no_mesh_exists(manifold, group, exact):
    from weylgain.gain.exact_route import _needs_exact_counts

    M = parse_manifold(manifold)
    assert _needs_exact_counts(M, resolve_group(group, M)) is exact


def test_continuous_group_on_projective_space_is_measured_on_its_cover():
    # RP^2 = S^2/{+-1} has area 2 pi; rotations about an axis leave the colatitude in
    # [0, pi/2]: d_G = 1 and vol(RP^2/SO(2)) = pi/2 (closed forms)
    m = measure_gain("RP2", "SO(2)")
    assert m.converged
    assert abs(m.d_G - 1) <= 3 * m.d_G_err
    assert abs(m.vol_quotient - math.pi / 2) <= 3 * m.vol_quotient_err


@pytest.mark.slow
def test_rp1_is_measured_on_its_cover():
    # RP^1 of radius 1 is a circle of length pi; a mirror halves it (closed forms)
    m = measure_gain("RP1", "mirror", level=5200)
    assert m.d_G == pytest.approx(1, abs=0.01)
    assert m.vol_quotient == pytest.approx(math.pi / 2, rel=0.01)
    assert m.vol_M == pytest.approx(math.pi, rel=0.01)


def test_former_names_stay_importable_and_public_objects_keep_their_home():
    import weylgain.gain as gain
    from weylgain.gain import (  # noqa: F401
        _Spectrum,
        _count_arg,
        _fit,
        _manifold_spectrum,
        _needs_exact_counts,
        _threshold_grid,
    )
    from weylgain.manifolds.base import SpectrumModel

    assert _Spectrum is SpectrumModel
    assert _manifold_spectrum(parse_manifold("RP2")) == SpectrumModel("sphere", 2, 1.0, 2)
    for name in gain.__all__:
        assert getattr(gain, name).__module__ == "weylgain.gain", name
    with pytest.raises(AttributeError):
        gain._no_such_name  # noqa: B018


def test_importing_gain_does_not_import_sympy():
    code = ("import sys, json, weylgain.gain\n"
            "print(json.dumps('sympy' in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, timeout=120)
    assert json.loads(out.stdout.strip().splitlines()[-1]) is False
