"""Targets and data for learning: G-invariant random targets on a kernel's eigenspaces,
the invariant dimensions of its eigenspaces, the quotient dimension d_G, and uniform samples.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np

from ..errors import ParameterError
from .invariance import GroupAction, as_action, invariant_subspace
from .kernels import SpectralKernel, _kernel_smoothness

INVARIANCE_METHODS = ("none", "average", "augment", "canonical", "specavg")


def _rng(seed: Any) -> np.random.Generator:
    if isinstance(seed, np.random.Generator):
        return seed
    try:
        return np.random.default_rng(seed)
    except (TypeError, ValueError):
        raise ParameterError(f"seed must be an integer >= 0, a SeedSequence or a numpy "
                             f"Generator; got {seed!r}") from None


def _action(group: Any, kernel: SpectralKernel) -> GroupAction:
    from .domains import action_for

    return action_for(group, kernel)


def quotient_dimension(kernel: SpectralKernel, group: Any) -> int:
    """d_G = dim(M/G): d for finite groups, d - 1 for a rotation about an axis (sphere,
    d >= 2), 1 for an axis stabilizer, d - k for translations of k torus coordinates."""
    d = kernel.domain.dim
    if group is None:
        return d
    act = _action(group, kernel)
    if act.quotient_dim is not None:
        return int(act.quotient_dim)
    if act.is_finite:
        return d
    if hasattr(act.group, "quotient_dimension_on"):
        return int(act.group.quotient_dimension_on(d))
    return d - len(act.coordinates)


def _invariant_basis(kernel: SpectralKernel, action: GroupAction, j: int) -> np.ndarray:
    """Orthonormal basis (m_j, m_j^G) of the invariant part of eigenspace j, cached."""
    cache = kernel.__dict__.setdefault("_invariant_cache", {})
    # Keyed by the generators' content: names are not unique (every from_generators group
    # is "custom") and id() of a freed group is reused, which returned wrong bases.
    gens = tuple((np.ascontiguousarray(a, dtype=np.float64).tobytes(),
                  np.ascontiguousarray(t, dtype=np.float64).tobytes())
                 for a, t in action.generators)
    key = (gens, j)
    if key not in cache:
        reps = [kernel.representation(j, a, t) for a, t in action.generators]
        cache[key] = invariant_subspace(reps)
    return cache[key]


def invariant_dimensions(kernel: SpectralKernel, group: Any) -> np.ndarray:
    """dim of the G-invariant part of every kept eigenspace, from generators only.

    Returns
    -------
    ndarray of shape (J,) int64
    """
    act = _action(group, kernel)
    return np.array([_invariant_basis(kernel, act, j).shape[1]
                     for j in range(len(kernel.eigenvalues))], dtype=np.int64)


@dataclass(frozen=True, eq=False)
class SpectralTarget:
    """A real function sum_j <c_j, basis_j(x)> on the kernel's eigenspaces.

    Attributes
    ----------
    kernel : SpectralKernel
    coefficients : tuple of ndarray
        One vector per eigenspace (length ``kernel.multiplicities[j]``).
    smoothness : float
        Per-mode standard deviation (1 + lam)^{-(smoothness/2 + d_G/4)}: the target is in
        H^{s'} for every s' < smoothness and not in H^smoothness (up to the truncation).
    group : str or None
    """

    kernel: SpectralKernel
    coefficients: tuple
    smoothness: float
    group: str | None = None

    def __call__(self, X: np.ndarray) -> np.ndarray:
        X = np.asarray(X, dtype=np.float64)
        out = np.zeros(len(X))
        for j, c in enumerate(self.coefficients):
            if np.any(c != 0):
                out += np.real(self.kernel.basis(j, X) @ c)
        return out

    @property
    def norm(self) -> float:
        """L^2 norm with respect to the uniform probability measure."""
        tot = sum(float(np.sum(np.abs(c) ** 2)) for c in self.coefficients)
        return math.sqrt(tot / self.kernel.domain.volume)

    def to_dict(self) -> dict[str, Any]:
        return {"smoothness": self.smoothness, "group": self.group, "norm": self.norm,
                "n_eigenspaces": len(self.coefficients)}


def random_target(kernel: SpectralKernel, smoothness: float | None = None, group: Any = None,
                  seed: Any = 0, max_eigenvalue: float | None = None,
                  norm: float = 1.0, mean_zero: bool = True) -> SpectralTarget:
    """A random target at the critical smoothness, G-invariant by spectral projection.

    Gaussian coefficients with per-mode standard deviation (1 + lam)^{-(s/2 + d_G/4)} on the
    kernel's eigenspaces (d_G the quotient dimension, so that the H^s energy per unit of
    log lam is constant: the target is in H^s only up to a logarithm), projected per
    eigenspace onto the invariant subspace.

    Parameters
    ----------
    kernel : SpectralKernel
    smoothness : float, optional
        s; default the kernel's.
    group : group or spec, optional
    seed : int or Generator
    max_eigenvalue : float, optional
        Zero coefficients above (default: every kept eigenspace).
    norm : float, default 1.0
        L^2(uniform probability) norm of the result.
    mean_zero : bool, default True
        Drop the constant mode (it is learned at the parametric rate by every estimator
        and would only dilute the comparison).

    Returns
    -------
    SpectralTarget
    """
    if not isinstance(kernel, SpectralKernel):
        raise ParameterError(f"random_target needs a kernel (SphereKernel, TorusKernel or "
                             f"MeshKernel); got {type(kernel).__name__}")
    rng = _rng(seed)
    s = kernel.smoothness if smoothness is None else _kernel_smoothness("random_target",
                                                                        smoothness)
    for what, value in (("max_eigenvalue", max_eigenvalue), ("norm", norm)):
        try:
            ok = (value is None and what != "norm") or (not isinstance(value, (bool, str, bytes))
                                   and math.isfinite(float(value)) and float(value) >= 0)
        except (TypeError, ValueError):
            ok = False
        if not ok:
            raise ParameterError(f"{what} must be a finite number >= 0; got {value!r}")
    dg = quotient_dimension(kernel, group)
    act = None if group is None else _action(group, kernel)
    coefs = []
    for j, (lam, m) in enumerate(zip(kernel.eigenvalues, kernel.multiplicities)):
        if (max_eigenvalue is not None and lam > max_eigenvalue) or (mean_zero and lam == 0):
            coefs.append(np.zeros(m, dtype=np.complex128 if kernel.is_complex else np.float64))
            continue
        c = rng.standard_normal(m)
        if kernel.is_complex:
            c = c + 1j * rng.standard_normal(m)
        if act is not None:
            Q = _invariant_basis(kernel, act, j)
            c = Q @ (Q.conj().T @ c)
        if kernel.is_complex:  # a real function: c_{-k} = conj(c_k)
            c = 0.5 * (c + kernel.conjugate(j, c))
        coefs.append(c * (1.0 + lam) ** (-(s / 2 + dg / 4)))
    unscaled = SpectralTarget(kernel, tuple(coefs), s, None if act is None else act.name)
    scale = norm / unscaled.norm if unscaled.norm > 0 else 1.0
    return SpectralTarget(kernel, tuple(c * scale for c in coefs), s, unscaled.group)


def _sequence(value: Any, what: str) -> list:
    """A sequence argument as a list (a clear ParameterError for a number or a string)."""
    if isinstance(value, (str, bytes)) or not hasattr(value, "__iter__"):
        raise ParameterError(f"{what} must be a sequence; got {value!r}")
    return list(value)


def _whole(value: Any, what: str) -> int:
    """An integer argument (integral floats too); a clear ParameterError otherwise."""
    try:
        out = int(value)
        ok = not isinstance(value, (bool, str, bytes)) and float(value) == out
    except (TypeError, ValueError, OverflowError):
        ok = False
    if not ok:
        raise ParameterError(f"{what} must be an integer; got {value!r}")
    return out


def _check_noise(noise: Any) -> None:
    """A noise level is a finite number >= 0 (a negative sigma would silently mean |sigma|)."""
    try:
        ok = bool(np.isfinite(float(noise)) and float(noise) >= 0)
    except (TypeError, ValueError):
        ok = False
    if not ok:
        raise ParameterError(f"noise must be a finite standard deviation >= 0; got {noise!r}")


def sample(domain: Any, n: int, target: Callable[[np.ndarray], np.ndarray] | None = None,
           noise: float = 0.0, seed: Any = 0) -> tuple[np.ndarray, np.ndarray]:
    """n uniform points and noisy target values y = f(x) + noise * N(0, 1).

    Parameters
    ----------
    domain : a domain with ``sample(n, rng)`` (SphereDomain, TorusDomain, MixedProductDomain,
        MeshDomain) or a SpectralKernel (its domain is used)
    n : int
    target : callable (n, D) -> (n,), optional
        Default: zero.
    noise : float
        Standard deviation sigma.
    seed : int or Generator

    Returns
    -------
    X : ndarray of shape (n, D)
    y : ndarray of shape (n,)
    """
    if isinstance(domain, SpectralKernel):
        domain = domain.domain
    if not callable(getattr(domain, "sample", None)) or not hasattr(domain, "ambient_dim"):
        raise ParameterError(f"sample needs a domain (a sphere, flat torus, product of them or "
                             f"MeshDomain) or a kernel; got {type(domain).__name__}")
    _check_noise(noise)
    n = _whole(n, "n")
    if n < 1:
        raise ParameterError(f"n must be at least 1; got {n}")
    if target is not None and not callable(target):
        raise ParameterError(f"target must be a function of the points (n, D) -> (n,); got "
                             f"{type(target).__name__}")
    from ..resources import MemoryEstimate, check_memory

    check_memory(MemoryEstimate(f"{n} sample points", 8.0 * 3 * n * (domain.ambient_dim + 1)),
                 "draw fewer points")
    rng = _rng(seed)
    X = domain.sample(n, rng)
    f = np.zeros(len(X)) if target is None else np.asarray(target(X), dtype=np.float64)
    if f.shape != (len(X),):
        raise ParameterError(f"target must return one value per point, shape ({len(X)},); got "
                             f"shape {f.shape}")
    return X, f + noise * rng.standard_normal(len(X))
