"""M/G has one home, weylgain.geometry: the groups' own quotient_geometry methods are
deprecated (a warning, then the same answer as weylgain.geometry.quotient_geometry)."""

import numpy as np
import pytest
import sympy as sp

from weylgain.geometry import quotient_geometry
from weylgain.groups import lie_group, subtorus
from weylgain.manifolds import Sphere, parse_manifold


def test_lie_group_method_warns_and_agrees():
    X = np.zeros((3, 3))
    X[0, 1], X[1, 0] = -1.0, 1.0  # rotations about the z axis: S^2/SO(2) = [0, pi]
    g = lie_group([X])
    with pytest.warns(DeprecationWarning, match="quotient_geometry"):
        old = g.quotient_geometry(Sphere(2))
    new = quotient_geometry(Sphere(2), g)
    assert old.quotient_dim == new.quotient_dim == 1
    assert sp.simplify(old.quotient_volume - sp.pi) == 0 and new.quotient_volume == old.quotient_volume


def test_torus_group_method_warns_and_agrees():
    T2 = parse_manifold("T2")
    t = subtorus([[1, 1]])  # the diagonal circle of T^2 = (R/2piZ)^2: orbits of length 2 sqrt2 pi
    with pytest.warns(DeprecationWarning, match="quotient_geometry"):
        old = t.quotient_geometry(T2)
    new = quotient_geometry(T2, t)
    assert old.quotient_dim == new.quotient_dim == 1
    assert sp.simplify(new.quotient_volume - sp.sqrt(2) * sp.pi) == 0
    assert new.quotient_volume == old.quotient_volume
