"""Ready-made learning-curve experiments (what ``weylgain learn`` runs)."""

from __future__ import annotations

from typing import Sequence

import numpy as np

from ..errors import ParameterError
from .curves import LearningCurve, learning_curve
from .kernels import SphereKernel, TorusKernel
from .targets import _whole, random_target


_PRESETS = {
    "T2": dict(kernel=lambda: TorusKernel(2, smoothness=2.0, max_level=120), noise=0.3,
               n_values=(16, 32, 64, 128, 256, 512)),
    "S2": dict(kernel=lambda: SphereKernel(2, smoothness=1.5, max_degree=24), noise=0.3,
               n_values=(16, 32, 64, 128, 256, 512)),
}


def experiment(domain: str = "T2", group: str = "signs2", *, n_values: Sequence[int] | None = None,
               seeds: int = 4, noise: float | None = None, ridge: float | str = "oracle",
               methods: Sequence[str] = ("none", "average"), n_test: int = 2000,
               seed: int = 0, show_progress: bool = True) -> LearningCurve:
    """A ready-made learning-curve experiment (what ``weylgain learn`` runs).

    Parameters
    ----------
    domain : {"T2", "S2"}
        T2: flat torus (2 pi)^2, Sobolev s = 2, ``|k|^2`` <= 120. S2: unit sphere, s = 1.5,
        degrees <= 24. Default noise 0.3, n = 16, 32, ..., 512.
    group : str
        A group spec acting on the domain (e.g. "signs2", "C4" on T2; "C4", "SO(2)" on S2).
    n_values, seeds, noise, ridge, methods, n_test, seed, show_progress
        See :func:`learning_curve`. The target is :func:`random_target` (critical
        smoothness, G-invariant, unit norm) from ``seed``.

    Returns
    -------
    LearningCurve
    """
    from ..errors import SpecError

    if _whole(seed, "seed") < 0:
        raise ParameterError(f"seed must be an integer >= 0; got {seed}")
    key = domain.strip().upper().replace("^", "") if isinstance(domain, str) else None
    if key not in _PRESETS:
        raise SpecError(f"unknown experiment domain {domain!r}; expected one of {sorted(_PRESETS)}")
    preset = _PRESETS[key]
    kernel = preset["kernel"]()
    target = random_target(kernel, group=group, seed=np.random.SeedSequence([seed, 7]))
    return learning_curve(kernel, target, group, methods=methods,
                          n_values=preset["n_values"] if n_values is None else n_values,
                          seeds=seeds, noise=preset["noise"] if noise is None else noise,
                          ridge=ridge, n_test=n_test, seed=seed, show_progress=show_progress)
