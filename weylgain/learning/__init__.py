"""Kernel ridge regression with invariances on manifolds, Spec-Avg, and learning curves.

What this module lets you watch is the sample-complexity gain (see the theory page, docs/theory.md#gain): with a
G-invariant target, an invariant estimator with n samples does as well as a plain one with
about n·``|G|`` samples (finite G), or converges at a better rate (positive-dimensional orbits).

Kernels are spectral Sobolev kernels K(x, y) = sum_j (1 + lam_j)^{-s} Z_j(x, y) truncated at
whole eigenspaces (:class:`SphereKernel` exact by the addition theorem, :class:`TorusKernel`
from Fourier modes, :class:`MeshKernel` from FEM eigenpairs). Invariance is imposed by one of

* ``"none"``       plain kernel ridge regression;
* ``"average"``    the group-averaged kernel K^G(x, y) = mean_g K(g x, y) (Haar average for
                   rotations, exact: zonal harmonics on spheres, a cyclic quadrature above
                   the band limit otherwise);
* ``"augment"``    data augmentation by all elements, or ``n_augment`` random ones;
* ``"canonical"``  inputs mapped to a fundamental domain before a plain kernel;
* ``"specavg"``    Spec-Avg (Soleymani et al., ICML 2025): empirical spectral coefficients
                   projected, per eigenspace, onto the invariant subspace computed from the
                   generators' matrices D_lam(g) only.

Example
-------
>>> import numpy as np
>>> from weylgain.learning import TorusKernel, random_target, sample, fit_krr
>>> kernel = TorusKernel(dim=2, smoothness=2.0, max_level=50)
>>> f = random_target(kernel, group="signs2", seed=1)
>>> X, y = sample(kernel.domain, 200, f, noise=0.3, seed=2)
>>> model = fit_krr(X, y, kernel, ridge=1e-3, invariance="average", group="signs2")
>>> model.invariance_discrepancy() < 1e-10
True
"""

from __future__ import annotations

from .curves import (LearningCurve, _common_slope_gain, _equal_risk_ratio, _PrimalProblem,
                     learning_curve)
from .domains import action_for, kernel_for
from .experiment import experiment
from .fit import FittedModel, fit_krr, rate_ridge
from .kernels import (MeshDomain, MeshKernel, SpectralKernel, SphereDomain, SphereKernel,
                      TorusDomain, TorusKernel)
from .product_kernels import MixedProductDomain, ProductKernel, ProductSphereKernel
from .scale import ScaledCurves, measure_curves
from .targets import (INVARIANCE_METHODS, SpectralTarget, _action, invariant_dimensions,
                      quotient_dimension, random_target, sample)
from .theory import (LearningSpectrum, PredictedCurve, effective_regularization,
                     learning_spectrum, predict_learning_curve, predicted_risk)

# The learning domains under their first names (kept: the package's one class named Sphere
# is the manifold of weylgain.manifolds; these are the sampling domains of the kernels).
Sphere = SphereDomain
FlatTorus = TorusDomain

__all__ = [
    "Sphere",
    "FlatTorus",
    "SphereDomain",
    "TorusDomain",
    "MeshDomain",
    "SpectralKernel",
    "SphereKernel",
    "TorusKernel",
    "MeshKernel",
    "SpectralTarget",
    "random_target",
    "sample",
    "FittedModel",
    "fit_krr",
    "rate_ridge",
    "invariant_dimensions",
    "quotient_dimension",
    "LearningCurve",
    "learning_curve",
    "experiment",
    "INVARIANCE_METHODS",
    # predicted curves (eigenlearning), every domain of the calculator, the primal route
    "ProductSphereKernel",
    "ProductKernel",
    "MixedProductDomain",
    "kernel_for",
    "action_for",
    "LearningSpectrum",
    "PredictedCurve",
    "effective_regularization",
    "predicted_risk",
    "learning_spectrum",
    "predict_learning_curve",
    "ScaledCurves",
    "measure_curves",
]

# The public objects keep weylgain.learning as their home, whichever file of the package
# defines them: the API docs, the error catalogue and pickles name them by it.
for _name in __all__:
    _obj = globals()[_name]
    if callable(_obj) and getattr(_obj, "__module__", "").startswith(__name__ + "."):
        _obj.__module__ = __name__
del _name, _obj
