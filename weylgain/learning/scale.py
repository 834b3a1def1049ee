"""Learning curves at scale, measured against the predicted finite-n curves.

Part of :mod:`weylgain.learning`. For a spectral target, KRR with a kernel of p modes is a
ridge regression on p features: the fit needs only the Gram matrix Phi^T Phi (p x p) and
Phi^T y, accumulated over the samples in chunks, O(n p^2) time and O(p^2) memory whatever
n. Each seed draws one stream of samples; the curve is read off at every n of the grid (the
samples up to n), so a seed costs one pass over n_max samples plus one eigendecomposition
per grid point. The excess risk is exact from the coefficients (no test set).

The risk of the theory ridge is estimated three ways from the same samples (the
``risk`` argument of :func:`measure_curves` picks the one the summary reads; all three are
kept): **sampled**, the excess risk of the fit to the noisy labels drawn; **noise-averaged**,
its exact expectation over the label noise given the sampled inputs (Rao-Blackwellization:
``||c_0 - a||_w^2 + sigma^2 tr(W S G S)``, c_0 the noiseless fit, S = (G + n eta)^{-1}),
an unbiased estimator of the same expected risk with less variance; and
**noise-target-averaged**, also averaged over the target's direction within every
(invariant part of an) eigenspace at its per-eigenspace energy (a trace), which is what the
finite-n prediction depends on. The GCV ridge depends on the noise drawn, so its risk is
always the sampled one.

The ridge is chosen two ways at every n and both are reported: the **theory** ridge (the one
minimizing the predicted risk, :meth:`LearningSpectrum.theory_ridge`) and **generalized
cross-validation** (GCV, Golub, Heath & Wahba 1979: n RSS(eta) / (n - df(eta))^2 on a grid,
the rotation-invariant form of leave-one-out, from the same eigendecomposition).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import Any, Sequence

import numpy as np

from .._progress import progress
from ..errors import ParameterError
from .curves import _PrimalProblem
from .kernels import SpectralKernel
from .targets import SpectralTarget, _action, _check_noise, _sequence, _whole
from .theory import LearningSpectrum, learning_spectrum

__all__ = ["ScaledCurves", "measure_curves", "RISK_ESTIMATORS"]

#: The ridge rules measured.
RIDGE_RULES = ("theory", "cv")
#: Invariance methods of the primal route ("none" plain, "average" the group-averaged kernel).
METHODS = ("none", "average")
#: Estimators of the theory ridge's excess risk (see the module docstring).
RISK_ESTIMATORS = ("sampled", "noise-averaged", "noise-target-averaged")
#: The default: the conditional expectation over the noise given the inputs (the sampled
#: risk's own estimand, with less variance by the Rao-Blackwell theorem).
DEFAULT_RISK = "noise-averaged"


@dataclass(frozen=True)
class ScaledCurves:
    """Measured learning curves (two ridge rules) and the predicted ones, with statistics.

    Attributes
    ----------
    spectrum : LearningSpectrum
    n_values : ndarray (k,)
    risks : dict rule -> ndarray (methods, seeds, k)
        Excess risks ``||f_hat - f||^2`` (L^2 of the uniform probability), exact from the
        coefficients: for the theory ridge by the estimator ``risk_estimator``, for the GCV
        ridge always sampled (the ridge depends on the noise drawn).
    ridges : dict rule -> ndarray (methods, seeds, k)
    predicted : ndarray (methods, k)
        Predicted excess risks at the theory ridge.
    settings : dict
    estimates : dict estimator -> ndarray (methods, seeds, k)
        The theory ridge's risk by every estimator of :data:`RISK_ESTIMATORS` (same samples).
    risk_estimator : str
        The estimator in ``risks["theory"]``.
    """

    spectrum: LearningSpectrum
    n_values: np.ndarray
    risks: dict
    ridges: dict
    predicted: np.ndarray
    settings: dict
    estimates: dict = field(default_factory=dict)
    risk_estimator: str = "sampled"

    def mean_risk(self, method: str, rule: str = "theory") -> np.ndarray:
        """Mean over seeds of the measured excess risk, shape (k,)."""
        return self.risks[rule][METHODS.index(method)].mean(axis=0)

    def summary(self, confidence: float = 0.95, n_boot: int = 400, seed: int = 0
                ) -> dict[str, Any]:
        """Savings and exponents, measured (with intervals) and predicted, per method.

        Returns
        -------
        dict
            ``saving_measured[method][rule]`` = {value, low, high} (geometric mean over the
            n where the plain curve reaches the invariant risk, interval by a bootstrap over
            seeds); ``saving_predicted[method]`` (the same on the predicted curves, finite
            n) and ``saving_predicted_continuous`` (exact inversion of the predicted plain
            curve); ``saving_asymptotic``; ``exponent_measured[method][rule]`` = {value,
            low, high} (mean of the per-seed log-log slopes, t interval);
            ``exponent_predicted`` (slope of the predicted curve over the same n) and
            ``exponent_asymptotic``; ``saving_n`` the n used.
        """
        from scipy import stats

        n = self.n_values.astype(np.float64)
        seeds = next(iter(self.risks.values())).shape[1]
        alpha = 1.0 - confidence
        out: dict[str, Any] = {"saving_measured": {"average": {}}, "exponent_measured": {}}
        pred_ratio = _ratios(n, self.predicted[0], self.predicted[1])
        used = np.isfinite(pred_ratio)
        for rule, r in self.risks.items():
            ratio = _ratios(n, r[0].mean(axis=0), r[1].mean(axis=0))
            ok = used & np.isfinite(ratio)
            value = _gmean(ratio[ok])
            rng = np.random.default_rng(seed)
            boots = []
            for _ in range(n_boot if seeds > 1 else 0):
                pick = rng.integers(0, seeds, seeds)
                rb = _ratios(n, r[0, pick].mean(axis=0), r[1, pick].mean(axis=0),
                             extrapolate=True)
                boots.append(_gmean(rb[ok]))
            boots = [b for b in boots if math.isfinite(b)]
            lo, hi = (np.quantile(boots, [alpha / 2, 1 - alpha / 2]) if boots
                      else (math.nan, math.nan))
            out["saving_measured"]["average"][rule] = {"value": value, "low": float(lo),
                                                       "high": float(hi)}
            t = stats.t.ppf(1 - alpha / 2, seeds - 1) if seeds > 1 else math.nan
            for i, m in enumerate(METHODS):
                slopes = np.array([_slope(n, r[i, s]) for s in range(seeds)])
                mean = float(np.mean(slopes))
                se = float(np.std(slopes, ddof=1) / math.sqrt(seeds)) if seeds > 1 else math.nan
                out["exponent_measured"].setdefault(m, {})[rule] = {
                    "value": mean, "low": mean - t * se, "high": mean + t * se}
            out["saving_measured"]["average"][rule]["n_used"] = int(ok.sum())
        out["saving_predicted"] = {"average": _gmean(pred_ratio[used])}
        cont = self.spectrum.saving_at_n(n[used]) if used.any() else np.array([])
        out["saving_predicted_continuous"] = {"average": _gmean(cont)}
        asym = self.spectrum.asymptotic_saving
        out["saving_asymptotic"] = {"average": None if math.isinf(asym) else asym}
        out["saving_n"] = [int(x) for x in n[used]]
        out["exponent_predicted"] = {m: _slope(n, self.predicted[i])
                                     for i, m in enumerate(METHODS)}
        ae = self.spectrum.asymptotic_exponents
        out["exponent_asymptotic"] = {"none": ae["plain"], "average": ae["invariant"]}
        out["risk_estimator"] = {"theory": self.risk_estimator, "cv": "sampled"}
        return out

    def with_estimator(self, risk: str) -> "ScaledCurves":
        """The same curves with the theory ridge's risks by another estimator."""
        _check_risk(risk)
        if risk not in self.estimates:
            raise ParameterError(f"these curves hold the estimators {sorted(self.estimates)}; "
                                 f"not {risk!r}")
        return replace(self, risks=dict(self.risks, theory=self.estimates[risk]),
                       risk_estimator=risk)

    def by_estimator(self, confidence: float = 0.95, n_boot: int = 400, seed: int = 0
                     ) -> dict[str, Any]:
        """The theory ridge's saving and exponents by every estimator held (same samples):
        ``{estimator: {"saving": {value, low, high}, "exponent": {method: {value, low,
        high}}}}``, to compare their intervals."""
        out = {}
        for est in self.estimates:
            s = self.with_estimator(est).summary(confidence, n_boot, seed)
            out[est] = {"saving": s["saving_measured"]["average"]["theory"],
                        "exponent": {m: s["exponent_measured"][m]["theory"] for m in METHODS}}
        return out

    def to_dict(self) -> dict[str, Any]:
        def clean(v: Any) -> Any:
            if isinstance(v, dict):
                return {str(k): clean(x) for k, x in v.items()}
            if isinstance(v, (list, tuple, np.ndarray)):
                return [clean(x) for x in (v.tolist() if isinstance(v, np.ndarray) else v)]
            if isinstance(v, (float, np.floating)):
                return float(v) if math.isfinite(float(v)) else None
            if isinstance(v, np.integer):
                return int(v)
            return v

        out = {"spectrum": self.spectrum.to_dict(), "n_values": self.n_values,
               "mean_risk": {rule: {m: self.mean_risk(m, rule) for m in METHODS}
                             for rule in self.risks},
               "predicted_risk": {m: self.predicted[i] for i, m in enumerate(METHODS)},
               "settings": self.settings}
        out.update(self.summary())
        out["measured_by_estimator"] = self.by_estimator()
        return clean(out)


def _gmean(x: np.ndarray) -> float:
    x = np.asarray(x, dtype=np.float64)
    x = x[np.isfinite(x) & (x > 0)]
    return float(np.exp(np.mean(np.log(x)))) if len(x) else math.nan


def _slope(n: np.ndarray, risk: np.ndarray) -> float:
    ok = np.isfinite(risk) & (risk > 0)
    if ok.sum() < 2:
        return math.nan
    return float(-np.polyfit(np.log(n[ok]), np.log(risk[ok]), 1)[0])


def _ratios(n: np.ndarray, plain: np.ndarray, other: np.ndarray,
            extrapolate: bool = False) -> np.ndarray:
    """n_plain(risk_other(n)) / n by log-log interpolation of the plain curve (a running
    minimum makes it monotone); NaN outside its range unless ``extrapolate`` (end slopes)."""
    lr = np.log(np.minimum.accumulate(plain))
    ln = np.log(n)
    xs, ys = lr[::-1], ln[::-1]
    keep = np.concatenate([np.diff(xs) > 0, [True]])
    xs, ys = xs[keep], ys[keep]
    target = np.log(other)
    out = np.interp(target, xs, ys)
    outside = (target < xs[0]) | (target > xs[-1])
    if extrapolate and len(xs) >= 2:
        lo = target < xs[0]
        out[lo] = ys[0] + (target[lo] - xs[0]) * (ys[1] - ys[0]) / (xs[1] - xs[0])
        hi = target > xs[-1]
        out[hi] = ys[-1] + (target[hi] - xs[-1]) * (ys[-1] - ys[-2]) / (xs[-1] - xs[-2])
    elif outside.any():
        out[outside] = np.nan
    return np.exp(out) / n


class _single_threaded_blas:
    """Run OpenBLAS on one thread inside the block (restored after).

    On a shared 2-core machine a multi-threaded eigh of a 600 x 600 matrix spins for
    seconds instead of 0.2 s; one thread is never much slower for these sizes. Looks up
    the OpenBLAS libraries numpy and scipy loaded (as threadpoolctl does); a no-op where
    there are none.
    """

    def __init__(self) -> None:
        self._libs: list[tuple[Any, Any, int]] = []

    def __enter__(self) -> "_single_threaded_blas":
        import ctypes

        try:
            with open("/proc/self/maps") as fh:
                paths = {line.split()[-1] for line in fh
                         if "openblas" in line.lower() and ".so" in line.split()[-1]}
        except OSError:
            return self
        for path in sorted(paths):
            try:
                lib = ctypes.CDLL(path)
            except OSError:
                continue
            for prefix in ("scipy_openblas", "openblas"):
                for suffix in ("64_", ""):
                    get = getattr(lib, f"{prefix}_get_num_threads{suffix}", None)
                    put = getattr(lib, f"{prefix}_set_num_threads{suffix}", None)
                    if get is not None and put is not None:
                        self._libs.append((get, put, int(get())))
                        put(1)
                        break
                else:
                    continue
                break
        return self

    def __exit__(self, *exc: Any) -> None:
        for _, put, n in self._libs:
            put(n)


class _Accumulator:
    """Gram matrix, right-hand side and sum of squares of one estimator's features."""

    def __init__(self, p: int) -> None:
        self.G = np.zeros((p, p))
        self.b = np.zeros(p)
        self.yy = 0.0

    def add(self, P: np.ndarray, y: np.ndarray) -> None:
        self.G += P.T @ P
        self.b += P.T @ y
        self.yy += float(y @ y)

    def fits(self, n: int, theory_eta: float, grid: np.ndarray, sw: np.ndarray
             ) -> dict[str, tuple[np.ndarray, float]]:
        """Coefficients (in the unwhitened feature basis) and ridge of each rule at n."""
        e, V = np.linalg.eigh(0.5 * (self.G + self.G.T))
        e = np.maximum(e, 0.0)
        Vb = V.T @ self.b
        # GCV(eta) = n RSS / (n - df)^2, RSS = yy - 2 c.b + c.G.c in the eigenbasis
        d = 1.0 / (e[:, None] + n * grid[None, :])
        c = Vb[:, None] * d
        rss = self.yy - 2 * np.sum(Vb[:, None] * c, axis=0) + np.sum(e[:, None] * c ** 2, axis=0)
        df = np.sum(e[:, None] * d, axis=0)
        # df close to n (a near-interpolating fit) makes GCV 0/0: keep 5% of n residual dof
        valid = (n - df) > 0.05 * n
        gcv = np.full(len(grid), np.inf)
        gcv[valid] = n * np.maximum(rss[valid], 0.0) / (n - df[valid]) ** 2
        eta_cv = float(grid[int(np.argmin(gcv))])
        out = {}
        for rule, eta in (("theory", float(theory_eta)), ("cv", eta_cv)):
            coef = sw * (V @ (Vb / (e + n * eta)))
            out[rule] = (coef, eta)
        self.eig = (e, V)
        return out


def _averaged_risks(e: np.ndarray, V: np.ndarray, sw: np.ndarray, n: int, eta: float,
                    a: np.ndarray, directions: np.ndarray, noise: float
                    ) -> tuple[float, float, float]:
    """Closed-form averages of the excess risk ``||c - a||^2`` of one ridge fit.

    The fit to y = Phi a + eps is c = D S Pt^T y with Pt = Phi D (D = diag(sw), the square
    roots of the weights), G = Pt^T Pt = V diag(e) V^T and S = (G + n eta I)^{-1}. Its error
    splits into the noiseless part c_0 - a = -D V diag(n eta / (e + n eta)) V^T D^{-1} a
    (since S G = I - n eta S) and the noise part D S Pt^T eps, whose mean square over
    eps ~ N(0, sigma^2 I) is sigma^2 tr(D S G S D).

    Parameters
    ----------
    e, V : ndarray (p,), (p, p)
        Eigen-decomposition of G.
    sw : ndarray (p,)
    n : int
    eta : float
    a : ndarray (p,)
        The target's coefficients (in the fit's coordinates).
    directions : ndarray (p, q)
        Columns B with E[a a^T] = B B^T over the target's directions.
    noise : float
        sigma.

    Returns
    -------
    (bias, bias averaged over the directions, noise term) : floats
        Not divided by the volume.
    """
    shrink = (n * eta) / (e + n * eta)
    bias = sw * (V @ (shrink * (V.T @ (a / sw))))
    Z = V.T @ (directions / sw[:, None])
    Z *= shrink[:, None]
    Z = sw[:, None] * (V @ Z)
    noise_term = noise ** 2 * float(np.sum(e / (e + n * eta) ** 2 * ((sw ** 2) @ V ** 2)))
    return float(bias @ bias), float(np.sum(Z * Z)), noise_term


def _check_risk(risk: Any) -> None:
    if not isinstance(risk, str) or risk not in RISK_ESTIMATORS:
        raise ParameterError(f"risk must be one of {RISK_ESTIMATORS} (the estimator of the "
                             f"theory ridge's excess risk); got {risk!r}")


def _direction_basis(primal: _PrimalProblem, a: np.ndarray, Q: np.ndarray) -> np.ndarray:
    """Columns B (of Q, scaled) with B B^T = sum_j (E_j / m_j^G) Q_j Q_j^T: the second
    moment of a target whose direction within the invariant part Q_j of every eigenspace j
    is uniform, at the energy E_j = |Q_j^T a|^2 that ``a`` has there."""
    alpha = Q.T @ a
    rows = np.argmax(np.abs(Q), axis=0)
    block = np.searchsorted(primal.offsets, rows, side="right") - 1
    energy = np.bincount(block, weights=alpha ** 2, minlength=len(primal.offsets))
    count = np.bincount(block, minlength=len(primal.offsets))
    return Q * np.sqrt(energy[block] / count[block])[None, :]


def _check_args(kernel: Any, target: Any, n_values: Any, seeds: Any, noise: Any,
                chunk: Any, seed: Any) -> np.ndarray:
    if not isinstance(kernel, SpectralKernel):
        raise ParameterError(f"measure_curves needs a kernel (SphereKernel, TorusKernel, "
                             f"ProductSphereKernel); got {type(kernel).__name__}")
    if not isinstance(target, SpectralTarget) or target.kernel is not kernel:
        raise ParameterError("measure_curves needs a SpectralTarget of the same kernel (from "
                             "random_target(kernel, ...)): its risks are exact from the "
                             "coefficients")
    n = np.array(sorted(_whole(x, "each of n_values") for x in _sequence(n_values,
                                                                          "n_values")))
    if len(n) < 2 or n[0] < 2 or len(np.unique(n)) != len(n):
        raise ParameterError("n_values needs at least two distinct sample sizes >= 2")
    if n[-1] > 10 ** 9:
        raise ParameterError(f"n_values up to {n[-1]}: at most 10^9 samples per seed")
    if _whole(seeds, "seeds") < 1:
        raise ParameterError("seeds must be >= 1")
    if _whole(chunk, "chunk") < 1:
        raise ParameterError(f"chunk must be >= 1; got {chunk}")
    if _whole(seed, "seed") < 0:
        raise ParameterError(f"seed must be an integer >= 0; got {seed}")
    _check_noise(noise)
    return n


def measure_curves(kernel: SpectralKernel, target: SpectralTarget, group: Any, *,
                   n_values: Sequence[int] = tuple(400 * 2 ** k for k in range(9)),
                   seeds: int = 8, noise: float = 0.3, chunk: int = 4096, seed: int = 0,
                   show_progress: bool = True, risk: str = DEFAULT_RISK) -> ScaledCurves:
    """Plain and group-averaged KRR learning curves by the primal route, against theory.

    Parameters
    ----------
    kernel : SpectralKernel
    target : SpectralTarget
        A target of ``kernel`` (e.g. :func:`random_target`), invariant under ``group``
        (a target with a part outside the invariant functions is refused).
    group : group, spec or GroupAction
    n_values : sequence of int
        Sample sizes (each seed reads its one stream of samples at every n).
    seeds : int
        Independent streams.
    noise : float
        sigma.
    chunk : int
        Samples per block of features (memory: chunk x p doubles).
    seed : int
    show_progress : bool
    risk : {"noise-averaged", "noise-target-averaged", "sampled"}
        The estimator of the theory ridge's risk that ``risks["theory"]`` and the summary
        use (all three are computed from the same samples and kept in ``estimates``).
        "sampled": the risk of the fit to the labels drawn; "noise-averaged": its exact
        expectation over the label noise given the inputs (default: the same estimand as
        "sampled", the expected risk of this target, with less variance by the
        Rao-Blackwell theorem); "noise-target-averaged": also averaged over the target's
        direction within the invariant part of every eigenspace at its per-eigenspace
        energy (the estimand of a target with uniformly random directions per eigenspace,
        as :func:`random_target` draws them, on which alone the finite-n prediction
        depends). The GCV ridge's risk is always sampled.

    Returns
    -------
    ScaledCurves
    """
    _check_risk(risk)
    n_values = _check_args(kernel, target, n_values, seeds, noise, chunk, seed)
    act = _action(group, kernel)
    spectrum = learning_spectrum(kernel, act, target, noise)
    p = int(kernel.n_modes)
    from ..resources import MemoryEstimate, TimeEstimate, check_memory, check_time, work_time

    chunk = int(min(chunk, n_values[-1]))
    check_memory(MemoryEstimate("the primal learning curves", 8.0 * (4 * chunk * p + 6 * p * p),
                                f"{p} modes, chunks of {chunk} samples"),
                 "lower the kernel's cut-off or the chunk")
    # per seed: the accumulation (n p^2), and per n an eigh (~10 p^3) and the average over
    # the target's directions (2 p^2 p_G with p_G <= p, for both methods)
    check_time(TimeEstimate("the primal learning curves",
                            work_time(flops=2.0 * seeds * (n_values[-1] * p * p
                                                           + len(n_values) * 14 * p ** 3)),
                            f"{seeds} seeds, n up to {n_values[-1]}, {p} modes"),
               "fewer seeds, smaller n or a lower cut-off")
    primal = _PrimalProblem(kernel, act, target)
    norm = float(np.linalg.norm(primal.a))
    off = float(np.linalg.norm(primal.a - primal.Q @ (primal.Q.T @ primal.a)))
    if off > 1e-8 * norm:
        raise ParameterError(f"the target is not invariant under {act.name}: {off / norm:.3g} "
                             "of its norm lies outside the invariant functions, which the "
                             "group-averaged estimator cannot learn and the predicted curves "
                             "do not describe; draw it with random_target(kernel, group=...)")
    eta_th = [spectrum.theory_ridge(n_values, invariant=False),
              spectrum.theory_ridge(n_values, invariant=True)]
    predicted = np.stack([spectrum.risk(n_values, eta_th[0], invariant=False),
                          spectrum.risk(n_values, eta_th[1], invariant=True)])
    mu0 = float(kernel.weights[0]) / kernel.domain.volume
    grid = mu0 * np.logspace(-14, 1, 61)
    k = len(n_values)
    risks = {r: np.full((2, seeds, k), np.nan) for r in RIDGE_RULES}
    ridges = {r: np.full((2, seeds, k), np.nan) for r in RIDGE_RULES}
    estimates = {r: np.full((2, seeds, k), np.nan) for r in RISK_ESTIMATORS}
    streams = np.random.SeedSequence([int(seed), 19]).spawn(int(seeds))
    with _single_threaded_blas():
        _run(kernel, primal, float(noise), n_values, eta_th, grid, chunk, streams, risks,
             ridges, estimates, show_progress)
    settings = {"kernel": kernel.to_dict(), "seeds": int(seeds), "noise": float(noise),
                "seed": int(seed), "chunk": chunk, "n_modes": p,
                "n_invariant_modes": int(primal.Q.shape[1]), "ridge_rules": list(RIDGE_RULES),
                "cv": "generalized cross-validation on 61 ridges",
                "risk_estimator": {"theory": risk, "cv": "sampled"}}
    risks["theory"] = estimates[risk]
    return ScaledCurves(spectrum, n_values, risks, ridges, predicted, settings, estimates,
                        risk)


def _run(kernel: SpectralKernel, primal: _PrimalProblem, noise: float, n_values: np.ndarray,
         eta_th: list, grid: np.ndarray, chunk: int, streams: list, risks: dict,
         ridges: dict, estimates: dict, show_progress: bool) -> None:
    """Every seed's stream: accumulate, and fit at each n (fills ``risks``, ``ridges`` and
    ``estimates``)."""
    a = primal.a
    sw = np.sqrt(primal.w)
    swg = np.sqrt(primal.wG)
    Q = primal.Q
    vol = kernel.domain.volume
    # the target in each fit's coordinates, and its directions' second moment
    coords = (a, Q.T @ a)
    dirs = _direction_basis(primal, a, Q)
    directions = (dirs, Q.T @ dirs)
    for s in progress(range(len(streams)), label="learning curves", enabled=show_progress):
        rng = np.random.default_rng(streams[s])
        acc = [_Accumulator(len(sw)), _Accumulator(Q.shape[1])]
        done = 0
        for i, n in enumerate(n_values):
            while done < n:
                c = int(min(chunk, n - done))
                Phi = primal.features(kernel.domain.sample(c, rng))
                y = Phi @ a + noise * rng.standard_normal(c)
                acc[0].add(Phi * sw, y)
                acc[1].add((Phi @ Q) * swg, y)
                done += c
            for mth in (0, 1):
                fits = acc[mth].fits(int(n), eta_th[mth][i], grid, sw if mth == 0 else swg)
                for rule, (coef, eta) in fits.items():
                    full = coef if mth == 0 else Q @ coef
                    risks[rule][mth, s, i] = float(np.sum((full - a) ** 2) / vol)
                    ridges[rule][mth, s, i] = eta
                e, V = acc[mth].eig
                bias, bias_avg, var = _averaged_risks(e, V, sw if mth == 0 else swg, int(n),
                                                      float(eta_th[mth][i]), coords[mth],
                                                      directions[mth], noise)
                estimates["sampled"][mth, s, i] = risks["theory"][mth, s, i]
                estimates["noise-averaged"][mth, s, i] = (bias + var) / vol
                estimates["noise-target-averaged"][mth, s, i] = (bias_avg + var) / vol
