"""weylgain: Weyl's law on quotient spaces and the sample-complexity gain from invariances.

The flat public API: meshes and the Laplace-Beltrami operator, exact eigenvalue counts and
Weyl fits, groups and quotient spaces, exact invariant counts, the gain calculator and
learning with invariances. Plotting lives in :mod:`weylgain.plotting` and the symbolic
(sympy) layer in :mod:`weylgain.symbolic`; neither is imported here.
"""

from . import groups, meshes
from .errors import (
    CountingError,
    EigenvalueError,
    FitError,
    GroupError,
    MatrixError,
    MeshError,
    NotInvariantError,
    SpecError,
    WeylgainError,
)
from .exact import (
    ExactCounts,
    exact_counts,
    sphere_invariant_count,
    sphere_invariant_dimensions,
    sphere_invariant_spectrum,
    torus_invariant_count,
    torus_invariant_spectrum,
)
from .fem import laplacian
from .gain import GainReport, MeasuredGain, measure_gain, predict_gain
from .groups import AffineMap, ContinuousGroup, FiniteGroup, from_generators
from .io import read_mesh, write_mesh
from .learning import (
    FittedModel,
    LearningCurve,
    MeshKernel,
    SphereKernel,
    TorusKernel,
    fit_krr,
    learning_curve,
)
from .mesh import Mesh
from .quotient import Quotient, quotient
from .spectrum import (
    EigenCounter,
    WeylFit,
    count_eigenvalues,
    counting_function,
    eigenvalues,
    weyl_count,
    weyl_fit,
)

__version__ = "0.1.0"

__all__ = [
    # meshes and FEM
    "Mesh",
    "meshes",
    "read_mesh",
    "write_mesh",
    "laplacian",
    # spectrum
    "count_eigenvalues",
    "counting_function",
    "eigenvalues",
    "EigenCounter",
    "weyl_fit",
    "weyl_count",
    "WeylFit",
    # groups and quotients
    "groups",
    "AffineMap",
    "FiniteGroup",
    "ContinuousGroup",
    "from_generators",
    "quotient",
    "Quotient",
    # exact invariant counts
    "ExactCounts",
    "exact_counts",
    "sphere_invariant_dimensions",
    "sphere_invariant_count",
    "sphere_invariant_spectrum",
    "torus_invariant_count",
    "torus_invariant_spectrum",
    # gains and learning
    "predict_gain",
    "measure_gain",
    "GainReport",
    "MeasuredGain",
    "fit_krr",
    "FittedModel",
    "SphereKernel",
    "TorusKernel",
    "MeshKernel",
    "learning_curve",
    "LearningCurve",
    # errors
    "WeylgainError",
    "MeshError",
    "MatrixError",
    "CountingError",
    "EigenvalueError",
    "GroupError",
    "NotInvariantError",
    "SpecError",
    "FitError",
    "__version__",
]
