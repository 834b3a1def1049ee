"""Ready-made learning-curve experiments (what ``weylgain learn`` runs)."""

from __future__ import annotations

import dataclasses
import math
from typing import Any, Sequence

import numpy as np

from ..errors import ParameterError
from .curves import LearningCurve, _collect, learning_curve
from .domains import kernel_for
from .kernels import SphereKernel, TorusKernel
from .scale import DEFAULT_RISK, METHODS, _check_risk, measure_curves
from .targets import _action, _whole, random_target
from .theory import learning_spectrum


_PRESETS = {
    "T2": dict(kernel=lambda: TorusKernel(2, smoothness=2.0, max_level=120), noise=0.3,
               n_values=(16, 32, 64, 128, 256, 512)),
    "S2": dict(kernel=lambda: SphereKernel(2, smoothness=1.5, max_degree=24), noise=0.3,
               n_values=(16, 32, 64, 128, 256, 512)),
}

#: Sample sizes of the primal route (ridge "theory" or "cv"): 400 to 102400.
SCALE_N_VALUES = tuple(400 * 2 ** k for k in range(9))


def _kernel(domain: Any, smoothness: Any, max_modes: Any) -> Any:
    key = domain.strip().upper().replace("^", "") if isinstance(domain, str) else None
    if key in _PRESETS and smoothness is None and max_modes is None:
        return _PRESETS[key]["kernel"](), _PRESETS[key]
    return kernel_for(domain, smoothness, 600 if max_modes is None else max_modes), None


def experiment(domain: str = "T2", group: Any = "signs2", *,
               n_values: Sequence[int] | None = None, seeds: int = 4,
               noise: float | None = None, ridge: float | str = "oracle",
               methods: Sequence[str] = ("none", "average"), n_test: int = 2000,
               seed: int = 0, show_progress: bool = True, smoothness: float | None = None,
               max_modes: int | None = None, risk: str | None = None) -> LearningCurve:
    """A ready-made learning-curve experiment (what ``weylgain learn`` runs).

    Parameters
    ----------
    domain : str
        A manifold spec with a spectral kernel (``weylgain.learning.domains.kernel_for``):
        ``S<d>``, ``T<d>``, ``S<d>^k``, ``T<d>^k``. T2 and S2 keep their presets unless
        ``smoothness`` or ``max_modes`` is given: T2 the flat torus (2 pi)^2, s = 2,
        ``|k|^2 <= 120``; S2 the unit sphere, s = 1.5, degrees <= 24. Elsewhere s = d/2 + 1
        and the eigenspaces up to 600 modes.
    group : str or group
        A group acting on the domain: catalogue specs ("signs2", "C4", "SO(2)", "I",
        "hopf"), products ("SO(3) x Sym(3)", "SO(3)@1", "T3"), or a group object (e.g.
        from :func:`weylgain.groups.load_group_file`).
    n_values : sequence of int, optional
        Default: 16, 32, ..., 512 with the small-n ridges, 400, 800, ..., 102400 with the
        primal route.
    seeds, noise, methods, n_test, seed, show_progress
        See :func:`learning_curve`. Default noise 0.3. The target is :func:`random_target`
        (critical smoothness, G-invariant, unit norm) from ``seed``.
    ridge : float, "oracle", "loocv", "rate", "theory" or "cv"
        "theory" and "cv" run the primal route (``weylgain.learning.scale.measure_curves``:
        n up to 1e5,
        plain and group-averaged KRR, both ridge rules measured; the curve holds the
        risks of the one asked). The others run :func:`learning_curve`.
    smoothness : float, optional
        s of the kernel (and the target).
    max_modes : int, optional
        The kernel's eigenspaces up to this many modes.
    risk : {"noise-averaged", "noise-target-averaged", "sampled"}, optional
        The primal route's estimator of the theory ridge's risk
        (``weylgain.learning.scale.measure_curves``; default "noise-averaged"; the GCV
        ridge's is always sampled). The small-n route measures sampled risks on a test set
        and refuses the averaged ones.

    Returns
    -------
    LearningCurve
        With ``theory``: measured against predicted savings and exponents.
    """
    if _whole(seed, "seed") < 0:
        raise ParameterError(f"seed must be an integer >= 0; got {seed}")
    primal = isinstance(ridge, str) and ridge in ("theory", "cv")
    if risk is not None:
        _check_risk(risk)
        if not primal and risk != "sampled":
            raise ParameterError(f"the {risk} risk is computed by the primal route (ridge "
                                 f"'theory' or 'cv'); ridge {ridge!r} measures sampled risks "
                                 "on a test set")
    kernel, preset = _kernel(domain, smoothness, max_modes)
    act = _action(group, kernel)
    target = random_target(kernel, group=act, seed=np.random.SeedSequence([seed, 7]))
    noise = (0.3 if preset is None else preset["noise"]) if noise is None else noise
    if primal:
        if isinstance(methods, str):
            methods = (methods,)
        if set(methods) - set(METHODS):
            raise ParameterError(f"the primal route (ridge {ridge!r}) runs the methods "
                                 f"{METHODS}; Spec-Avg, augmentation and canonicalization run "
                                 "with ridge 'oracle', 'loocv' or 'rate'")
        curves = measure_curves(kernel, target, act,
                                n_values=SCALE_N_VALUES if n_values is None else n_values,
                                seeds=seeds, noise=noise, seed=seed,
                                show_progress=show_progress,
                                risk=DEFAULT_RISK if risk is None else risk)
        rule = ridge
        grid = kernel.weights[0] / kernel.domain.volume * np.logspace(-14, 1, 61)
        settings = dict(curves.settings, ridge=rule, n_test=0)
        lc = _collect(kernel, target, act, METHODS, curves.n_values, curves.risks[rule],
                      curves.ridges[rule], grid, settings)
        theory = curves.summary()
        theory["predicted_risk"] = {m: curves.predicted[i].tolist()
                                    for i, m in enumerate(METHODS)}
        theory["mean_risk_by_ridge"] = {r: {m: curves.mean_risk(m, r).tolist()
                                            for m in METHODS} for r in curves.risks}
        theory["measured_by_estimator"] = curves.by_estimator()
        return dataclasses.replace(lc, theory=theory)
    lc = learning_curve(kernel, target, act, methods=methods,
                        n_values=(preset["n_values"] if preset else SCALE_N_VALUES[:4])
                        if n_values is None else n_values,
                        seeds=seeds, noise=noise, ridge=ridge, n_test=n_test, seed=seed,
                        show_progress=show_progress)
    return dataclasses.replace(lc, theory=_small_n_theory(lc, kernel, act, target, noise))


def _small_n_theory(lc: LearningCurve, kernel: Any, act: Any, target: Any,
                    noise: float) -> dict[str, Any]:
    """The predicted finite-n saving and exponents next to a small-n curve's measurements."""
    spectrum = learning_spectrum(kernel, act, target, noise)
    n = lc.n_values.astype(np.float64)
    pred = {"none": spectrum.risk(n), "average": spectrum.risk(n, invariant=True)}
    from .scale import _gmean, _ratios, _slope

    ratio = _ratios(n, pred["none"], pred["average"])
    out: dict[str, Any] = {"saving_measured": {}, "saving_predicted": {},
                           "saving_asymptotic": {}, "exponent_measured": {},
                           "exponent_predicted": {}, "exponent_asymptotic": {},
                           "predicted_risk": {m: v.tolist() for m, v in pred.items()}}
    asym = spectrum.asymptotic_saving
    ae = spectrum.asymptotic_exponents
    for i, m in enumerate(lc.methods):
        inv = m != "none" and m != "specavg"
        z = 1.96
        e, err = float(lc.exponents[i]), float(lc.exponent_errors[i])
        out["exponent_measured"][m] = {"value": e, "low": e - z * err, "high": e + z * err}
        out["exponent_predicted"][m] = _slope(n, pred["average" if inv else "none"])
        out["exponent_asymptotic"][m] = ae["invariant" if inv else "plain"]
        if m in lc.gain:
            g, ge = lc.gain[m], lc.gain_error.get(m, math.nan)
            out["saving_measured"][m] = {"value": g, "low": g - z * ge, "high": g + z * ge}
            out["saving_predicted"][m] = _gmean(ratio) if inv else 1.0
            out["saving_asymptotic"][m] = (None if math.isinf(asym) else asym) if inv else 1.0
    return out
