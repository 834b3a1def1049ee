"""Products M1 x M2: linear groups on products of balls and spheres, the product FEM pencil,
and measurements on products (against closed forms and the factors' own spectra)."""

from __future__ import annotations

import numpy as np
import pytest

from weylgain.errors import GroupError
from weylgain.groups import resolve
from weylgain.manifolds import parse_manifold


def _rotation(axis: np.ndarray, angle: float) -> np.ndarray:
    a = axis / np.linalg.norm(axis)
    K = np.array([[0, -a[2], a[1]], [a[2], 0, -a[0]], [-a[1], a[0], 0]])
    return np.eye(3) + np.sin(angle) * K + (1 - np.cos(angle)) * K @ K


# ------------------------------------------------------------------ linear groups on balls
@pytest.mark.parametrize("spec, blocks", [("B3^3", (3, 3, 3)), ("B3xS2", (3, 3)),
                                          ("B2xS1", (2, 2))])
def test_linear_blocks_accept_balls_and_spheres(spec, blocks):
    assert parse_manifold(spec).linear_blocks() == blocks


@pytest.mark.parametrize("spec", ["S2xT1", "B3xT1", "B2xQ2", "S2xH2", "S2xRP2"])
def test_linear_blocks_refuse_tori_boxes_hemispheres_rp(spec):
    assert parse_manifold(spec).linear_blocks() is None


def test_so3_acts_diagonally_on_three_balls():
    M = parse_manifold("B3^3")
    G = resolve("SO(3)", M)
    act = G.action_on(M)
    assert act.blocks == (3, 3, 3)
    # a rotation applied to every ball maps B3^3 onto itself; a map mixing two balls
    # is refused by the product, whatever the group layer says
    R = _rotation(np.array([1.0, 2.0, 3.0]), 0.7)
    A = np.kron(np.eye(3), R)
    assert M.check_map(A, np.zeros(9)) is None
    A[0:3, 3:6] = 0.1
    assert "mixes" in M.check_map(A, np.zeros(9))


def test_rotations_refused_on_ball_times_torus():
    M = parse_manifold("B3xT1")
    with pytest.raises(GroupError, match="B3xT1"):
        resolve("SO(3)", M).action_on(M)
