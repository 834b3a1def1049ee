"""weylgain: Weyl's law on quotient spaces and the sample-complexity gain from invariances.

The flat public API: meshes and the Laplace-Beltrami operator, exact eigenvalue counts and
Weyl fits, groups and quotient spaces, exact invariant counts, the gain calculator and
learning with invariances. Plotting lives in :mod:`weylgain.plotting`; the symbolic (sympy)
layer is :mod:`weylgain.manifolds` (the families) and :mod:`weylgain.geometry` (M/G and the
risk formulas).

``import weylgain`` is cheap (no scipy, sympy, matplotlib or numba): every name below is
imported from its module on first access (a module-level ``__getattr__``), so a command
line call or a script pays only for what it uses.
"""

from __future__ import annotations

import importlib as _importlib
import sys as _sys
import types as _types
from typing import TYPE_CHECKING, Any

from .errors import (
    ActionError,
    CountingError,
    EigenvalueError,
    FitError,
    GroupDefinitionError,
    GroupError,
    MatrixError,
    CacheWarning,
    MeshError,
    MeshWarning,
    NotInvariantError,
    ParameterError,
    ResolutionWarning,
    ResourceError,
    SpecError,
    UnsupportedError,
    WeylgainError,
    WeylgainWarning,
)

from . import _providers

__version__ = "0.1.0"

# The deprecated LieGroup/TorusGroup.quotient_geometry and the deprecated module
# weylgain.groups.geometry answer with the geometry of M/G, a layer above the groups: they ask
# weylgain._providers for it instead of importing upward; this top of the layering registers
# where it lives (loaded on first use, so ``import weylgain`` stays cheap)
_providers.provide("geometry", lambda: _importlib.import_module(".geometry", __name__))
# likewise weylgain.meshes reads the mesh spec kinds (isphere) of weylgain.invariant_meshes
_providers.provide("invariant_meshes",
                   lambda: _importlib.import_module(".invariant_meshes", __name__))

# the submodules exported as such
_SUBMODULES = ("groups", "meshes", "sweep")
# public name -> module it is imported from on first access. To export a new name, add it
# here, to the TYPE_CHECKING block and to __all__ (tests/test_import.py checks they agree).
_LAZY: dict[str, str] = {
    # meshes and FEM
    "Mesh": ".mesh",
    "weld": ".mesh",
    "split_pinched": ".mesh",
    "read_mesh": ".io",
    "write_mesh": ".io",
    "laplacian": ".fem",
    # meshes built for a group
    "invariant_sphere": ".invariant_meshes",
    "mesh_quality": ".invariant_meshes",
    "MeshQuality": ".invariant_meshes",
    # spectrum
    "EigenCounter": ".spectrum",
    "CountResult": ".spectrum",
    "CountingResult": ".spectrum",
    "WeylFit": ".spectrum",
    "count_eigenvalues": ".spectrum",
    "counting_function": ".spectrum",
    "eigenvalues": ".spectrum",
    "weyl_count": ".spectrum",
    "weyl_fit": ".spectrum",
    "Resolution": ".resolution",
    "resolution_at": ".resolution",
    # groups and quotients
    "AffineMap": ".groups",
    "ContinuousGroup": ".groups",
    "FiniteGroup": ".groups",
    "from_generators": ".groups",
    "LieGroup": ".groups",
    "TorusGroup": ".groups",
    "lie_group": ".groups",
    "subtorus": ".groups",
    "diagonal": ".groups",
    "on_factor": ".groups",
    "permute_factors": ".groups",
    "combine": ".groups",
    "load_group_file": ".groups",
    "Quotient": ".quotient",
    "quotient": ".quotient",
    # exact invariant counts
    "ExactCounts": ".exact",
    "exact_counts": ".exact",
    "sphere_invariant_count": ".exact",
    "sphere_invariant_dimensions": ".exact",
    "sphere_invariant_spectrum": ".exact",
    "torus_invariant_count": ".exact",
    "torus_invariant_spectrum": ".exact",
    # gains and learning
    "GainReport": ".gain",
    "MeasuredGain": ".gain",
    "measure_gain": ".gain",
    "predict_gain": ".gain",
    "FittedModel": ".learning",
    "LearningCurve": ".learning",
    "MeshKernel": ".learning",
    "SphereKernel": ".learning",
    "TorusKernel": ".learning",
    "fit_krr": ".learning",
    "learning_curve": ".learning",
}

if TYPE_CHECKING:  # what static tools see; at run time the names come from __getattr__
    from . import groups, meshes, sweep
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
    from .invariant_meshes import MeshQuality, invariant_sphere, mesh_quality
    from .gain import GainReport, MeasuredGain, measure_gain, predict_gain
    from .groups import AffineMap, ContinuousGroup, FiniteGroup, from_generators
    from .groups import (
        LieGroup,
        TorusGroup,
        combine,
        diagonal,
        lie_group,
        load_group_file,
        on_factor,
        permute_factors,
        subtorus,
    )
    from .io import read_mesh, write_mesh
    from .mesh import split_pinched, weld
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
    from .resolution import Resolution, resolution_at
    from .spectrum import (
        CountingResult,
        CountResult,
        EigenCounter,
        WeylFit,
        count_eigenvalues,
        counting_function,
        eigenvalues,
        weyl_count,
        weyl_fit,
    )


def __getattr__(name: str) -> Any:
    if name in _SUBMODULES:
        return _importlib.import_module(f".{name}", __name__)
    module_name = _LAZY.get(name)
    if module_name is None:
        raise AttributeError(f"module 'weylgain' has no attribute {name!r}")
    value = getattr(_importlib.import_module(module_name, __name__), name)
    globals()[name] = value  # later accesses skip __getattr__
    return value


def __dir__() -> list[str]:
    return sorted(set(__all__) | {k for k in globals() if k.startswith("__")})


class _Package(_types.ModuleType):
    """The package module, so that the function ``quotient`` survives its submodule.

    Importing ``weylgain.quotient`` (the module) makes Python set the package attribute
    ``quotient`` to that module, which would hide the function of the same name that the
    flat API exports; the eager ``from .quotient import quotient`` of old overwrote it
    again, a lazy package has to refuse the module instead.
    """

    def __setattr__(self, name: str, value: Any) -> None:
        if isinstance(value, _types.ModuleType) and name in _LAZY:
            return  # a submodule named like an exported function: keep the function
        super().__setattr__(name, value)


_sys.modules[__name__].__class__ = _Package


__all__ = [
    # meshes and FEM
    "Mesh",
    "meshes",
    "read_mesh",
    "write_mesh",
    "weld",
    "split_pinched",
    "laplacian",
    "invariant_sphere",
    "mesh_quality",
    "MeshQuality",
    # spectrum
    "count_eigenvalues",
    "counting_function",
    "eigenvalues",
    "EigenCounter",
    "CountResult",
    "CountingResult",
    "weyl_fit",
    "weyl_count",
    "WeylFit",
    "Resolution",
    "resolution_at",
    # sweeps of independent counts on Dask (one huge count on MPI: weylgain.mpi)
    "sweep",
    # groups and quotients
    "groups",
    "AffineMap",
    "FiniteGroup",
    "ContinuousGroup",
    "from_generators",
    "LieGroup",
    "TorusGroup",
    "lie_group",
    "subtorus",
    "diagonal",
    "on_factor",
    "permute_factors",
    "combine",
    "load_group_file",
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
    "GroupDefinitionError",
    "ActionError",
    "NotInvariantError",
    "UnsupportedError",
    "SpecError",
    "FitError",
    "ParameterError",
    "ResourceError",
    # warnings
    "WeylgainWarning",
    "MeshWarning",
    "ResolutionWarning",
    "CacheWarning",
    "__version__",
]
