"""Small linear-algebra helpers of the group layer: spans, rational recognition, lattices."""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Any

import numpy as np

from ..errors import GroupDefinitionError

SKEW_TOL = 1e-10  # |X + X^T| allowed in a Lie algebra basis
SPAN_TOL = 1e-9  # relative residual of "Y lies in span(X)"
MAX_DENOMINATOR = 1000  # rational recognition: denominators up to this bound
RATIONAL_TOL = 1e-12


def as_matrix_stack(a: Any, what: str, D: int | None = None) -> np.ndarray:
    """``a`` as a C-contiguous float64 array of shape (k, D, D) (a copy)."""
    try:
        arr = np.array(a, dtype=np.float64, copy=True)
    except (TypeError, ValueError) as exc:
        raise GroupDefinitionError(f"{what} must be numbers, an array of shape (k, D, D)") from exc
    if arr.ndim == 2 and arr.shape[0] == arr.shape[1] and arr.size:
        arr = arr[None]
    if arr.size == 0 and D is not None:
        return np.zeros((0, D, D))
    if arr.ndim != 3 or arr.shape[1] != arr.shape[2]:
        raise GroupDefinitionError(
            f"{what} must be square matrices, an array of shape (k, D, D); got "
            f"shape {arr.shape}")
    if D is not None and arr.shape[1] != D:
        raise GroupDefinitionError(
            f"{what} are {arr.shape[1]}x{arr.shape[1]} matrices but the group acts "
            f"on R^{D}")
    if not np.all(np.isfinite(arr)):
        raise GroupDefinitionError(f"{what} contain non-finite entries (nan or inf)")
    return np.ascontiguousarray(arr)


def span_residual(basis: np.ndarray, Y: np.ndarray, scale: float | None = None) -> float:
    """Distance of the matrix Y from span(basis), basis of shape (m, D, D), relative to
    ``scale``.

    ``scale`` is the size Y would have without cancellation (for a commutator [X, Y]:
    |X| |Y|, Frobenius norms); default |Y| itself. Dividing by the scale of the inputs, not
    by |Y|, keeps an exactly-zero commutator computed in floating point (rounding noise of
    relative size 1e-16) at residual ~1e-16 instead of 1.
    """
    ny = float(np.linalg.norm(Y))
    ref = ny if scale is None else max(float(scale), ny)
    if ny == 0.0 or ref == 0.0:
        return 0.0
    if basis.shape[0] == 0:
        return ny / ref
    A = basis.reshape(basis.shape[0], -1).T
    coef, *_ = np.linalg.lstsq(A, Y.ravel(), rcond=None)
    return float(np.linalg.norm(A @ coef - Y.ravel()) / ref)


def span_coefficients(basis: np.ndarray, Y: np.ndarray) -> np.ndarray:
    A = basis.reshape(basis.shape[0], -1).T
    return np.linalg.lstsq(A, Y.ravel(), rcond=None)[0]


def is_rational(a: np.ndarray, max_denominator: int = MAX_DENOMINATOR) -> bool:
    """True when every entry is within 1e-12 of a fraction with a denominator <= the bound."""
    for v in np.asarray(a, dtype=np.float64).ravel():
        f = Fraction(float(v)).limit_denominator(max_denominator)
        if abs(float(f) - v) > RATIONAL_TOL * max(1.0, abs(v)):
            return False
    return True


def to_fraction(v: float, max_denominator: int = MAX_DENOMINATOR) -> Fraction:
    return Fraction(float(v)).limit_denominator(max_denominator)


def recognize(x: float, tol: float = 1e-10) -> Any:
    """A sympy number equal to x: a small fraction, or the square root of one, else a Float."""
    import sympy as sp

    for cand in (x, x * x):
        f = Fraction(cand).limit_denominator(MAX_DENOMINATOR)
        if abs(float(f) - cand) <= tol * max(1.0, abs(cand)):
            q = sp.Rational(f.numerator, f.denominator)
            return q if cand is x else sp.sqrt(q)
    return sp.Float(x, 15)


def commuting_weights(algebra: np.ndarray, seed: int = 0) -> np.ndarray:
    """Weights of commuting skew matrices: rows w_j with exp(sum t_a X_a) rotating the j-th
    common invariant plane by the angle w_j . t (only planes with a non-zero weight).

    Returns
    -------
    ndarray of shape (p, m)
    """
    m, D, _ = algebra.shape
    rng = np.random.default_rng(seed)
    c = rng.standard_normal(m)
    Y = np.einsum("a,aij->ij", c, algebra)
    lam, vec = np.linalg.eigh(1j * Y)  # Hermitian; eigenvalues +-omega
    rows = []
    scale = max(1.0, float(np.abs(algebra).max(initial=0.0)))
    for j in range(D):
        if lam[j] > 1e-9 * scale:
            v = vec[:, j]
            rows.append([float(np.real(np.vdot(v, 1j * X @ v))) for X in algebra])
    return np.array(rows, dtype=np.float64).reshape(-1, m)


def torus_lattice(weights: np.ndarray, what: str) -> tuple[float, Any, str]:
    """Covolume (in the coordinates t of the basis) of {t : W t in 2 pi Z^p}, the kernel of
    t -> exp(sum t_a X_a). Refuses a non-closed (dense) winding.

    Returns
    -------
    covolume : float
    exact : sympy expression of the covolume (pi^m times a recognised number)
    text : str
        The derivation in words.
    """
    import sympy as sp

    p, m = weights.shape
    if m == 0:
        return 1.0, sp.S.One, "the trivial group"
    # m independent weight rows as a basis B of the dual; R = W B^-1 must be rational
    chosen: list[int] = []
    for j in range(p):
        trial = weights[chosen + [j]]
        if np.linalg.matrix_rank(trial, tol=1e-9 * max(1.0, np.abs(weights).max())) > len(chosen):
            chosen.append(j)
        if len(chosen) == m:
            break
    if len(chosen) < m:
        raise GroupDefinitionError(
            f"{what}: the weights {weights.tolist()} have rank {len(chosen)} < {m}: "
            "some direction of the algebra acts trivially (the basis is not "
            "independent as an action)")
    B = weights[chosen]
    R = weights @ np.linalg.inv(B)
    fr = [[to_fraction(v) for v in row] for row in R]
    bad = max(abs(float(f) - v) for row_f, row in zip(fr, R) for f, v in zip(row_f, row))
    if bad > 1e-8:
        freq = ", ".join(f"{w:.6g}" for w in weights[:, 0]) if m == 1 else str(
            np.round(weights, 6).tolist())
        raise GroupDefinitionError(
            f"{what}: the frequencies ({freq}) of the one-parameter groups are not rationally "
            "related, so exp(t X) winds densely and its closure is a torus of higher dimension: "
            "the group is not closed. Use frequencies with rational ratios (e.g. 1 and 2, not 1 "
            "and sqrt(2)) or add the missing directions to the algebra."
        )
    q = 1
    for row in fr:
        for f in row:
            q = q * f.denominator // math.gcd(q, f.denominator)
    P = sp.Matrix([[int(f * q) for f in row] for row in fr])
    from sympy.matrices.normalforms import smith_normal_form

    S = smith_normal_form(P, domain=sp.ZZ)
    index = 1
    for i in range(min(S.shape)):
        d = int(S[i, i])
        if d:
            index *= q // math.gcd(abs(d), q)
    detB = abs(float(np.linalg.det(B)))
    cov = (2 * math.pi) ** m * index / detB
    exact = (2 * sp.pi) ** m * recognize(index / detB)
    text = (f"kernel of t -> exp(sum t_a X_a): {{t : W t in 2 pi Z^{p}}} with weights W = "
            f"{np.round(weights, 6).tolist()}; covolume (2 pi)^{m} * {index} / |det B| = "
            f"{exact}")
    return cov, exact, text
