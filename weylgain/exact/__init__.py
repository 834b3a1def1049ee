"""Exact counts of group-invariant Laplace eigenfunctions: the ground truth of weylgain.

Submodules, one concern each:

* :mod:`weylgain.exact.sphere`: spheres with finite groups (Molien series) and the named
  continuous families (closed forms).
* :mod:`weylgain.exact.torus`: flat tori, lattice modes under affine generators and
  subtori.
* :mod:`weylgain.exact.lie`: spheres under any compact group given by a Lie algebra plus
  finite generators (kernels of derivations on homogeneous polynomials).
* :mod:`weylgain.exact.configurations`: products of spheres ``S2^k`` under diagonal
  rotations and factor permutations (characters on a maximal torus, cycle index).
* :mod:`weylgain.exact.counts`: :class:`ExactCounts` and :func:`exact_counts`, the front
  door used by ``weylgain exact``.
"""

from ._util import MAX_SPHERE_GROUP_ORDER
from .configurations import configuration_spectrum, permutation_cycle_types
from .counts import (
    MAX_TORUS_ORDER_ENUMERATED,
    ExactCounts,
    exact_counts,
    parse_manifold,
)
from .lie import kernel_sphere_dimensions, lie_sphere_dimensions
from .sphere import (
    sphere_harmonic_dimensions,
    sphere_invariant_count,
    sphere_invariant_dimensions,
    sphere_invariant_spectrum,
)
from .torus import (
    MAX_TORUS_MODES,
    lattice_shell_counts,
    torus_action_shells,
    torus_action_spectrum,
    torus_invariant_count,
    torus_invariant_shells,
    torus_invariant_spectrum,
)

__all__ = [
    "ExactCounts",
    "exact_counts",
    "parse_manifold",
    "sphere_harmonic_dimensions",
    "sphere_invariant_dimensions",
    "sphere_invariant_count",
    "sphere_invariant_spectrum",
    "lattice_shell_counts",
    "torus_invariant_shells",
    "torus_invariant_count",
    "torus_invariant_spectrum",
    "lie_sphere_dimensions",
    "kernel_sphere_dimensions",
    "configuration_spectrum",
    "permutation_cycle_types",
    "torus_action_shells",
    "torus_action_spectrum",
]
