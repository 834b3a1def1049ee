"""The gain calculator: how much less data does a symmetry buy?

:func:`predict_gain` answers from theory (docs/theory.md#orbit-spaces and #gain, via
:mod:`weylgain.geometry`): for data on a manifold M whose target is invariant under a group G,
the minimax excess risk of kernel ridge regression behaves like

    R(n) ~ (sigma^2 vol(M/G) / n)^(s / (s + d_G/2)),

so a finite group multiplies the effective sample size by order(G) (a *linear* gain) and a group
with positive-dimensional orbits lowers the dimension d -> d_G and improves the exponent (an
*exponential* gain: the ratio of samples needed grows without bound as the target risk
eps -> 0).

:func:`measure_gain` checks the theory against the eigenvalue counter: it meshes M and M/G,
counts Laplace eigenvalues, fits Weyl's law and reports the measured d_G and vol(M/G) against
the prediction.
"""

from __future__ import annotations

from typing import Any

from .catalogue import catalogue_pairs, worked_examples
from .exact_route import (  # noqa: F401  (private names of the former gain.py, kept importable)
    _EXACT_MAX_COUNT,
    _EXACT_MIN_COUNT,
    _exact_report,
    _exact_spec,
    _measure_from_exact_counts,
    _needs_exact_counts,
)
from .fitting import _fit, _rel  # noqa: F401
from .measure import (  # noqa: F401
    _SLOW_DENSE,
    _counts,
    _min_angle_note,
    _quotient_resolution,
    _quotient_spectrum,
    _sphere_lam_h2,
    _threshold_grid,
    _window,
    measure_gain,
)
from .predict import (  # noqa: F401
    _VOLUME_RANGE,
    _checked_report,
    _explain,
    _finite_volume,
    _sp_n,
    partial_gain,
    predict_gain,
)
from .report import GainReport, MeasuredGain, PartialGainReport, _count_arg, _fmt_num, _positive_float  # noqa: F401

__all__ = [
    "GainReport",
    "MeasuredGain",
    "PartialGainReport",
    "partial_gain",
    "predict_gain",
    "measure_gain",
    "catalogue_pairs",
    "worked_examples",
]

# The public objects keep weylgain.gain as their home, whichever file of the package defines
# them: the API docs, the error catalogue and pickles name them by it.
for _name in __all__:
    _obj = globals()[_name]
    if callable(_obj) and getattr(_obj, "__module__", "").startswith(__name__ + "."):
        _obj.__module__ = __name__
del _name, _obj


def __getattr__(name: str) -> Any:
    """Former private names of gain.py now answered by the manifold classes (kept importable;
    resolved lazily because the manifold layer imports sympy)."""
    if name == "_Spectrum":
        from ..manifolds.base import SpectrumModel

        return SpectrumModel
    if name == "_manifold_spectrum":
        return lambda M, step=1: M.spectrum_model(step)
    if name == "_mesh_ladders":
        return lambda M, level, group=None: M.mesh_ladders(level, group)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
