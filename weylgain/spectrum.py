"""Eigenvalues, exact eigenvalue counts and Weyl-law fits for symmetric pencils (K, M).

Counting uses Sylvester's law of inertia: with M symmetric positive definite, the number of
negative pivots of an LDL^T factorization of K - sigma M is the number of eigenvalues below
sigma. One sparse factorization per shift, whatever the count; no eigenpair is computed.
Every count is guarded (pivoting, backward error, distance to the nearest eigenvalue) and
recovered or refused, never returned wrong in silence.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import asdict, dataclass
from typing import Any, Sequence

import numpy as np
import scipy.linalg as sla
import scipy.sparse as sp
import scipy.sparse.linalg as spla

from .errors import CountingError, EigenvalueError, FitError, MatrixError

__all__ = [
    "count_eigenvalues",
    "counting_function",
    "eigenvalues",
    "weyl_fit",
    "weyl_count",
    "weyl_constant",
    "unit_ball_volume",
    "WeylFit",
    "EigenCounter",
]

# below this size a dense LDL^T (Bunch-Kaufman, backward stable) is the route; above it the
# guarded sparse factorization is far cheaper (dense costs n^3 and a multithreaded BLAS on a
# loaded machine makes even n = 1000 slow)
_DENSE_LIMIT = 400
# when the sparse factorization cannot be certified, problems up to this size are recounted
# densely instead of refused
_DENSE_FALLBACK_LIMIT = 6000
# eigenvalues within RTOL * scale of the shift count as equal to it (they are numerically)
_RTOL = 1e-9
_BACKWARD_ERROR_LIMIT = 1e-8


# ----------------------------------------------------------------------------- input checks
def _as_pencil(K: Any, M: Any) -> tuple[sp.csc_matrix, sp.csc_matrix]:
    mats = []
    for name, A in (("K", K), ("M", M)):
        if sp.issparse(A):
            B = sp.csc_matrix(A, dtype=np.float64, copy=True)
        else:
            arr = np.asarray(A)
            if arr.dtype == object or arr.dtype.kind not in "iuf":
                raise MatrixError(f"{name} must be a real scipy sparse matrix or array; got {arr.dtype}")
            if arr.ndim != 2:
                raise MatrixError(f"{name} must be 2-dimensional; got shape {arr.shape}")
            B = sp.csc_matrix(arr.astype(np.float64))
        if B.shape[0] != B.shape[1]:
            raise MatrixError(f"{name} must be square; got shape {B.shape}")
        B.sum_duplicates()
        if not np.isfinite(B.data).all():
            raise MatrixError(f"{name} has non-finite entries (NaN or inf)")
        mats.append(B)
    Kc, Mc = mats
    if Kc.shape != Mc.shape:
        raise MatrixError(f"K and M must have the same shape; got {Kc.shape} and {Mc.shape}")
    if Kc.shape[0] == 0:
        raise MatrixError("K and M are empty")
    for name, B in (("K", Kc), ("M", Mc)):
        scale = abs(B).max() if B.nnz else 0.0
        asym = abs(B - B.T).max() if B.nnz else 0.0
        if asym > 1e-10 * max(scale, np.finfo(float).tiny):
            raise MatrixError(
                f"{name} is not symmetric (max |{name} - {name}^T| = {asym:.3g} against max "
                f"|{name}| = {scale:.3g}); symmetrize it, e.g. ({name} + {name}.T) / 2"
            )
    d = Mc.diagonal()
    if not (d > 0).all():
        i = int(np.flatnonzero(~(d > 0))[0])
        raise MatrixError(
            f"M must be positive definite; its diagonal entry {i} is {d[i]:.3g}"
        )
    return Kc, Mc


def _check_mass_positive_definite(M: sp.csc_matrix) -> None:
    """Gershgorin first (free); else the bottom of the Jacobi-scaled spectrum by Lanczos.

    A cheap screen, not a proof: it catches a mass matrix with a clearly negative or zero
    eigenvalue. Jacobi-scaled, a FEM mass matrix has its spectrum in about [1/(k+2), 2],
    so 40 Lanczos steps find the bottom to a few digits.
    """
    d = M.diagonal()
    off = np.asarray(abs(M).sum(axis=1)).ravel() - np.abs(d)
    n = M.shape[0]
    if (d - off > 0).all() or n == 1:
        return
    Dh = 1.0 / np.sqrt(d)
    if n <= _DENSE_LIMIT:
        lo = sla.eigvalsh(Dh[:, None] * M.toarray() * Dh[None, :], subset_by_index=[0, 0])[0]
    else:
        S = sp.csr_matrix(sp.diags(Dh) @ M @ sp.diags(Dh))
        lo = _lanczos_smallest(S, steps=min(40, n - 1))
    if not lo > 1e-10:
        raise MatrixError(
            f"M must be positive definite; its Jacobi-scaled spectrum reaches {lo:.3g}"
        )


def _lanczos_smallest(S: sp.csr_matrix, steps: int) -> float:
    """Smallest Ritz value of ``steps`` Lanczos steps (full reorthogonalization)."""
    n = S.shape[0]
    Q = np.empty((steps + 1, n))
    q = np.random.default_rng(0).standard_normal(n)
    Q[0] = q / np.linalg.norm(q)
    alpha = np.empty(steps)
    beta = np.empty(steps)
    for j in range(steps):
        w = S @ Q[j]
        alpha[j] = Q[j] @ w
        w -= Q[: j + 1].T @ (Q[: j + 1] @ w)
        w -= Q[: j + 1].T @ (Q[: j + 1] @ w)
        beta[j] = np.linalg.norm(w)
        if beta[j] < 1e-12:
            steps = j + 1
            break
        Q[j + 1] = w / beta[j]
    return float(sla.eigvalsh_tridiagonal(alpha[:steps], beta[: steps - 1])[0])


# ----------------------------------------------------------------------------- the counter
@dataclass(frozen=True)
class _Factor:
    count: int  # negative pivots = eigenvalues below the shift
    lu: Any  # SuperLU object or None (dense route)
    mass: Any  # M in the ordering of the factored matrix
    trusted: bool
    reason: str
    distance: float = math.inf  # from the shift to the nearest eigenvalue (estimate)


class EigenCounter:
    """Exact eigenvalue counts of one pencil (K, M) at many shifts.

    The fill-reducing ordering (nested dissection of the pattern, a numba kernel) is
    computed once and reused for every shift.

    Parameters
    ----------
    K : sparse matrix of shape (n, n)
        Symmetric stiffness (any symmetric matrix).
    M : sparse matrix of shape (n, n)
        Symmetric positive definite mass.
    """

    def __init__(self, K: Any, M: Any, *, check_mass: bool = True) -> None:
        self.K, self.M = _as_pencil(K, M)
        self.n = self.K.shape[0]
        if check_mass:
            _check_mass_positive_definite(self.M)
        dK = self.K.diagonal()
        dM = self.M.diagonal()
        # the order of the largest eigenvalue: sets the absolute scale of round-off
        self.scale = float(max(np.max(np.abs(dK) / dM), np.finfo(float).tiny))
        self._perm: np.ndarray | None = None
        self._Kp: sp.csc_matrix | None = None
        self._Mp: sp.csc_matrix | None = None
        self._rng = np.random.default_rng(12345)

    # ---- tolerances
    def tolerance(self, lam: float) -> float:
        """Eigenvalues closer than this to a shift are numerically equal to it."""
        return _RTOL * max(abs(lam), 1e-3 * self.scale, 1e-300)

    # ---- factorizations
    def _dense_factor(self, sigma: float) -> _Factor:
        A = (self.K - sigma * self.M).toarray()
        _, D, _ = sla.ldl(A, lower=True)
        # D is block diagonal (1x1 and 2x2 Bunch-Kaufman pivots): inertia of D = inertia of A
        ev = sla.eigvalsh_tridiagonal(np.diag(D).copy(), np.diag(D, -1).copy())
        return _Factor(int((ev < 0).sum()), None, None, True, "dense")

    def _sparse_factor(self, sigma: float) -> _Factor:
        if self._perm is None:
            self._order()
        A = (self._Kp - sigma * self._Mp).tocsc()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", sp.SparseEfficiencyWarning)
            try:
                # diagonal pivots only (diag_pivot_thresh = 0) in symmetric mode, so that
                # L U = L D L^T whenever SuperLU keeps perm_r == perm_c == identity
                lu = spla.splu(A, permc_spec="NATURAL", diag_pivot_thresh=0.0,
                               options=dict(SymmetricMode=True, Equil=False))
            except RuntimeError as exc:  # exactly singular
                return _Factor(-1, None, None, False, f"singular factorization ({exc})")
        return self._checked(lu, A, self._Mp)

    def _order(self) -> None:
        """Nested dissection of the pattern of |K| + |M|, computed once per pencil."""
        from ._kernels.ordering import nested_dissection

        pattern = (abs(self.K) + abs(self.M)).tocsr()
        perm = nested_dissection(pattern.indptr.astype(np.int64),
                                 pattern.indices.astype(np.int64), self.n, 64)
        self._perm = perm
        self._Kp = self.K[perm][:, perm].tocsc()
        self._Mp = self.M[perm][:, perm].tocsc()

    def _checked(self, lu: Any, A: sp.csc_matrix, Mo: sp.csc_matrix) -> _Factor:
        """Inertia of a SuperLU factorization, or the reason it cannot be trusted."""
        n = self.n
        ident = np.arange(n)
        if not (np.array_equal(lu.perm_r, ident) and np.array_equal(lu.perm_c, ident)):
            # an off-diagonal pivot: L U is no longer L D L^T of the ordered matrix
            return _Factor(-1, lu, Mo, False, "off-diagonal pivoting")
        u = lu.U.diagonal()
        if not np.isfinite(u).all() or (u == 0).any():
            return _Factor(-1, lu, Mo, False, "zero pivot")
        growth = np.abs(lu.L.data).max()
        if not growth < 1e8:
            return _Factor(-1, lu, Mo, False, f"element growth {growth:.2g} in L")
        f = _Factor(int((u < 0).sum()), lu, Mo, True, "")
        eta, dist = self._backward_error_and_distance(f, A)
        if not eta < _BACKWARD_ERROR_LIMIT:
            return _Factor(-1, lu, Mo, False, f"backward error {eta:.2g}")
        return _Factor(f.count, lu, Mo, True, "", dist)

    def _backward_error_and_distance(self, f: _Factor, A: sp.csc_matrix,
                                     steps: int = 3) -> tuple[float, float]:
        """Backward error of a solve, and the distance from the shift to the nearest
        eigenvalue by inverse iteration with the same factors (the first solve serves both).
        """
        x = self._rng.standard_normal(self.n)
        Mp = f.mass
        normA = abs(A).sum(axis=1).max()
        eta = 0.0
        theta = math.inf
        for step in range(steps):
            b = Mp @ x
            y = f.lu.solve(b)
            if step == 0:
                r = A @ y - b
                eta = np.abs(r).max() / (normA * np.abs(y).max() + np.abs(b).max())
            ny = math.sqrt(abs(y @ (Mp @ y)))
            if ny == 0 or not np.isfinite(ny):
                return eta, 0.0
            # x^T M x / y^T M x with y = (K - sigma M)^-1 M x: the Rayleigh-quotient estimate
            # of lam_j - sigma for the eigenvalue lam_j nearest the shift
            theta = abs((x @ b) / (y @ b)) if (y @ b) != 0 else 0.0
            x = y / ny
        return float(eta), float(theta)

    def factor(self, sigma: float) -> _Factor:
        if self.n <= _DENSE_LIMIT:
            return self._dense_factor(sigma)
        return self._sparse_factor(sigma)

    # ---- the public count
    def count(self, lam: float) -> int:
        """Number of eigenvalues <= lam (eigenvalues within :meth:`tolerance` count as equal)."""
        lam = float(lam)
        if not np.isfinite(lam):
            raise CountingError(f"lam must be finite; got {lam}")
        tol = self.tolerance(lam)
        sigma = lam + tol
        reasons = []
        for attempt in range(4):
            f = self.factor(sigma)
            if f.trusted:
                if f.lu is None:
                    # dense route: the inertia of a backward-stable LDL^T is exact unless an
                    # eigenvalue lies within round-off (far below tol) of the shift
                    return f.count
                dist = f.distance
                if dist > 0.5 * tol:
                    return f.count
                reasons.append(f"an eigenvalue lies within {dist:.2g} of the shift {sigma:.12g}")
            else:
                reasons.append(f"{f.reason} at shift {sigma:.12g}")
            # recover: move the shift up by a few tolerances (still counting eigenvalues
            # numerically equal to lam, and no eigenvalue meaningfully above it)
            sigma = lam + (2 + 2 * attempt) * tol
        if self.n <= _DENSE_FALLBACK_LIMIT:
            return self._dense_count(lam + tol)
        raise CountingError(
            f"cannot certify the eigenvalue count at lam = {lam:.12g}: " + "; ".join(reasons)
            + ". Try a slightly different lam, or check that M is positive definite."
        )

    def _dense_count(self, upper: float) -> int:
        """The last resort for small problems: all eigenvalues, densely."""
        ev = sla.eigh(self.K.toarray(), self.M.toarray(), eigvals_only=True)
        return int((ev <= upper).sum())


# ----------------------------------------------------------------------------- public API
def count_eigenvalues(K: Any, M: Any, lam: float) -> int:
    """Exact number of eigenvalues <= ``lam`` of the pencil ``K u = lam M u``.

    By Sylvester's law of inertia: the negative pivots of an LDL^T factorization of
    K - lam M. No eigenpair is computed, and the cost is one sparse factorization whatever
    the count.

    Parameters
    ----------
    K : sparse matrix of shape (n, n)
        Symmetric (for example the stiffness of :func:`weylgain.laplacian`).
    M : sparse matrix of shape (n, n)
        Symmetric positive definite (for example the mass).
    lam : float
        The threshold.

    Returns
    -------
    int
        #{j : lam_j <= lam}. Eigenvalues within a relative 1e-9 of ``lam`` (numerically
        equal to it, such as the zero eigenvalue of a closed mesh at lam = 0) are counted.

    Raises
    ------
    MatrixError
        K, M not symmetric, of different shapes, or M not positive definite.
    CountingError
        The factorization could not be trusted at or near ``lam`` even after recovery.

    Examples
    --------
    >>> import scipy.sparse as sp
    >>> K = sp.diags([0.0, 1.0, 2.0, 3.0]); M = sp.identity(4)
    >>> count_eigenvalues(K, M, 1.5), count_eigenvalues(K, M, 2.0)
    (2, 3)
    """
    return EigenCounter(K, M).count(lam)


def counting_function(K: Any, M: Any, lams: Sequence[float] | np.ndarray, *,
                      progress: bool = False) -> np.ndarray:
    """The counting function N(lam) of the pencil (K, M) at many thresholds.

    Parameters
    ----------
    K, M : sparse matrices of shape (n, n)
        As for :func:`count_eigenvalues`; the ordering is computed once and reused.
    lams : array_like of shape (p,)
        Thresholds, in any order.
    progress : bool, default False
        Draw a progress bar on stderr (when it is a terminal).

    Returns
    -------
    ndarray of shape (p,), int64
        N at each threshold; checked to be non-decreasing in lam.
    """
    lam_arr = np.asarray(lams, dtype=np.float64)
    if lam_arr.ndim != 1 or lam_arr.size == 0:
        raise CountingError(f"lams must be a non-empty 1-d sequence; got shape {lam_arr.shape}")
    if not np.isfinite(lam_arr).all():
        raise CountingError("lams must be finite")
    from ._progress import progress as _bar

    counter = EigenCounter(K, M)
    order = np.argsort(lam_arr, kind="stable")
    out = np.empty(lam_arr.size, dtype=np.int64)
    for i in _bar(order, total=order.size, label="counting", enabled=progress):
        out[i] = counter.count(lam_arr[i])
    sorted_counts = out[order]
    if (np.diff(sorted_counts) < 0).any():
        raise CountingError(
            "the counts decrease as lam grows, so a factorization was wrong; "
            f"counts {sorted_counts.tolist()} at {lam_arr[order].tolist()}"
        )
    return out


def eigenvalues(K: Any, M: Any, k: int, return_eigenvectors: bool = False,
                sigma: float | None = None):
    """The ``k`` smallest eigenvalues of ``K u = lam M u``, checked against exact counts.

    Shift-invert Lanczos (ARPACK) below the spectrum; the result is then certified with
    inertia counts: the number of computed eigenvalues below the gap under the top cluster
    must equal the exact count there, so a member of an eigenvalue cluster that Lanczos
    missed is detected and recomputed, never returned as a wrong set.

    Parameters
    ----------
    K, M : sparse matrices of shape (n, n)
        Symmetric pencil, M positive definite.
    k : int
        How many eigenvalues (1 <= k <= n).
    return_eigenvectors : bool, default False
        Also return M-orthonormal eigenvectors.
    sigma : float, optional
        Shift for shift-invert; by default just below the smallest eigenvalue.

    Returns
    -------
    vals : ndarray of shape (k,)
        Ascending.
    vecs : ndarray of shape (n, k)
        Only with ``return_eigenvectors``.
    """
    counter = EigenCounter(K, M)
    n = counter.n
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or not 1 <= k <= n:
        raise EigenvalueError(f"k must be an integer in [1, {n}]; got {k!r}")
    k = int(k)
    Kc, Mc = counter.K, counter.M
    if n <= _DENSE_LIMIT or k > n // 3:
        vals, vecs = sla.eigh(Kc.toarray(), Mc.toarray(), subset_by_index=[0, k - 1])
        return (vals, vecs) if return_eigenvectors else vals
    if sigma is None:
        sigma = -1e-6 * counter.scale
        while counter.factor(sigma).count != 0:  # K may be indefinite: go below its spectrum
            sigma = 4 * sigma - 1.0
    if counter._perm is None:
        counter._order()
    perm = counter._perm
    inv = np.empty_like(perm)
    inv[perm] = np.arange(n)
    # the pencil is SPD below its spectrum: factor in the nested-dissection order
    lu_p = spla.splu((counter._Kp - sigma * counter._Mp).tocsc(), permc_spec="NATURAL")

    def solve(b: np.ndarray) -> np.ndarray:
        return lu_p.solve(np.ravel(b)[perm])[inv]

    op = spla.LinearOperator((n, n), matvec=solve, dtype=np.float64)
    extra = 0
    for attempt in range(4):
        kk = min(k + extra, n - 2)
        ncv = min(n - 1, max(2 * kk + 1, kk + 32))
        try:
            vals, vecs = spla.eigsh(Kc, k=kk, M=Mc, sigma=sigma, OPinv=op, which="LM",
                                    ncv=ncv, v0=np.ones(n), maxiter=50 * n)
        except spla.ArpackNoConvergence as exc:
            raise EigenvalueError(f"Lanczos did not converge for k = {kk}: {exc}") from exc
        order = np.argsort(vals)
        vals, vecs = vals[order], vecs[:, order]
        missing = _missing_below_top(counter, vals[:k], vals)
        if missing == 0:
            vals, vecs = vals[:k], vecs[:, :k]
            return (vals, vecs) if return_eigenvectors else vals
        extra += missing + 8 + 2 * extra
    raise EigenvalueError(
        f"shift-invert Lanczos kept missing eigenvalues among the {k} smallest "
        "(checked by inertia counts); try a larger k or the dense route for small problems"
    )


def _missing_below_top(counter: EigenCounter, wanted: np.ndarray, computed: np.ndarray) -> int:
    """How many eigenvalues Lanczos missed below the top cluster of ``wanted`` (0 if none)."""
    top = wanted[-1]
    tol = 1e-6 * max(abs(top), 1e-3 * counter.scale)
    below = computed[computed < top - tol]
    if below.size == 0:
        gap_point = None
    else:
        gap_point = 0.5 * (below[-1] + top)
    if gap_point is not None:
        exact = counter.count(gap_point)
        have = int((computed <= gap_point).sum())
        if exact != have:
            return max(exact - have, 1)
    exact_top = counter.count(top + tol)
    have_top = int((computed <= top + tol).sum())
    return max(exact_top - have_top, 0)


# ----------------------------------------------------------------------------- Weyl's law
def unit_ball_volume(d: float) -> float:
    """omega_d = pi^(d/2) / Gamma(d/2 + 1), the volume of the unit d-ball (d may be real)."""
    return math.pi ** (d / 2) / math.gamma(d / 2 + 1)


def weyl_constant(dimension: float, volume: float) -> float:
    """C_W = omega_d vol / (2 pi)^d, so that N(lam) ~ C_W lam^(d/2)."""
    return unit_ball_volume(dimension) * volume / (2 * math.pi) ** dimension


def weyl_count(lam: Any, dimension: float, volume: float, boundary_volume: float = 0.0) -> Any:
    """Weyl's law N(lam) ~ C_W lam^(d/2) + omega_{d-1} vol(dM) lam^((d-1)/2) / (4 (2 pi)^(d-1)).

    A positive ``boundary_volume`` is the Neumann term, a negative one the Dirichlet term.
    """
    lam = np.asarray(lam, dtype=np.float64)
    d = float(dimension)
    out = weyl_constant(d, volume) * lam ** (d / 2)
    if boundary_volume:
        out = out + _boundary_coefficient(d) * boundary_volume * lam ** ((d - 1) / 2)
    return out if out.ndim else float(out)


def _boundary_coefficient(d: float) -> float:
    return unit_ball_volume(d - 1) / (4 * (2 * math.pi) ** (d - 1))


@dataclass(frozen=True)
class WeylFit:
    """Result of :func:`weyl_fit`.

    Attributes
    ----------
    dimension, dimension_err : float
        Fitted dimension d (or the fixed value, with error 0) and its standard error.
    volume, volume_err : float
        vol(M) = C_W (2 pi)^d / omega_d and its standard error (propagated through d).
    boundary_volume, boundary_volume_err : float
        Coefficient of the Neumann boundary term, as a (d-1)-volume (0 without it).
    constant : float
        The fitted Weyl constant C_W.
    rms_relative_residual : float
        Root mean square of (N - fit) / N over the points.
    n_points : int
    boundary : bool
        Whether the two-term law was fitted.
    """

    dimension: float
    dimension_err: float
    volume: float
    volume_err: float
    boundary_volume: float
    boundary_volume_err: float
    constant: float
    rms_relative_residual: float
    n_points: int
    boundary: bool

    def to_dict(self) -> dict:
        return {k: (float(v) if isinstance(v, (float, np.floating)) else v)
                for k, v in asdict(self).items()}

    def predict(self, lam: Any) -> Any:
        """The fitted law at ``lam``."""
        return weyl_count(lam, self.dimension, self.volume, self.boundary_volume)


def weyl_fit(lams: Any, counts: Any, dimension: float | None = None,
             boundary: bool = False) -> WeylFit:
    """Fit Weyl's law to eigenvalue counts.

    Model: N(lam) = C lam^(d/2) (+ B lam^((d-1)/2) with ``boundary``), least squares on
    relative residuals (counts grow by orders of magnitude). With the dimension free and no
    boundary term this is the log-log line fit.

    Parameters
    ----------
    lams : array_like of shape (p,)
        Positive thresholds.
    counts : array_like of shape (p,)
        N(lam) (positive); for spheres prefer midpoints between eigenvalue clusters.
    dimension : float, optional
        Fix d (then only the volume, and boundary term, are fitted).
    boundary : bool, default False
        Fit the two-term law (a Neumann boundary, or reflections in a quotient).

    Returns
    -------
    WeylFit
        With ``dimension`` and ``volume`` and their standard errors.
    """
    lam = np.asarray(lams, dtype=np.float64).ravel()
    N = np.asarray(counts, dtype=np.float64).ravel()
    if lam.shape != N.shape:
        raise FitError(f"lams and counts differ in length ({lam.size} and {N.size})")
    if not (np.isfinite(lam).all() and np.isfinite(N).all()):
        raise FitError("lams and counts must be finite")
    keep = (lam > 0) & (N > 0)
    lam, N = lam[keep], N[keep]
    n_params = (0 if dimension is not None else 1) + 1 + (1 if boundary else 0)
    if lam.size < n_params + 1:
        raise FitError(
            f"need at least {n_params + 1} points with lam > 0 and N > 0 to fit "
            f"{n_params} parameters; got {lam.size}"
        )
    if np.unique(lam).size < n_params + 1:
        raise FitError("need distinct lam values")
    if dimension is not None:
        d = float(dimension)
        if not d > 0:
            raise FitError(f"dimension must be positive; got {dimension}")
        cols = [lam ** (d / 2)]
        if boundary:
            cols.append(lam ** ((d - 1) / 2))
        A = np.stack(cols, axis=1) / N[:, None]
        coef, cov, resid = _lstsq_cov(A, np.ones_like(N))
        C = coef[0]
        B = coef[1] if boundary else 0.0
        vC = cov[0, 0]
        vB = cov[1, 1] if boundary else 0.0
        d_err = 0.0
        vol = C / weyl_constant(d, 1.0)
        vol_err = math.sqrt(max(vC, 0.0)) / weyl_constant(d, 1.0)
    else:
        x = np.log(lam)
        y = np.log(N)
        if not boundary:
            A = np.stack([np.ones_like(x), x / 2], axis=1)
            coef, cov, resid = _lstsq_cov(A, y)
            logC, d = coef
            C = math.exp(logC)
            B, vB = 0.0, 0.0
            d_err = math.sqrt(max(cov[1, 1], 0.0))
            # vol = C / f(d): d log vol = d logC - (f'/f) dd
            g = _dlog_weyl_factor(d)
            var = cov[0, 0] + g**2 * cov[1, 1] - 2 * g * cov[0, 1]
            vol = C / weyl_constant(d, 1.0)
            vol_err = vol * math.sqrt(max(var, 0.0))
            resid = (N - C * lam ** (d / 2)) / N
        else:
            from scipy.optimize import curve_fit

            def model(lv, C, B, d):
                return C * lv ** (d / 2) + B * lv ** ((d - 1) / 2)

            slope = np.polyfit(np.log(lam), np.log(N), 1)[0]
            p0 = [N[-1] / lam[-1] ** slope, 0.0, 2 * slope]
            try:
                popt, pcov = curve_fit(model, lam, N, p0=p0, sigma=N, maxfev=20000)
            except (RuntimeError, ValueError) as exc:
                raise FitError(f"the two-term fit did not converge: {exc}") from exc
            C, B, d = (float(v) for v in popt)
            d_err = math.sqrt(max(pcov[2, 2], 0.0))
            vB = pcov[1, 1]
            g = _dlog_weyl_factor(d)
            # log vol = log C - log f(d)
            var = pcov[0, 0] / C**2 + g**2 * pcov[2, 2] - 2 * g * pcov[0, 2] / C
            vol = C / weyl_constant(d, 1.0)
            vol_err = abs(vol) * math.sqrt(max(var, 0.0))
            resid = (N - model(lam, *popt)) / N
    bc = _boundary_coefficient(d) if boundary else 1.0
    bvol = B / bc if boundary else 0.0
    bvol_err = math.sqrt(max(vB, 0.0)) / bc if boundary else 0.0
    if dimension is not None:
        resid = (N - (C * lam ** (d / 2) + B * lam ** ((d - 1) / 2))) / N
    return WeylFit(
        dimension=float(d), dimension_err=float(d_err), volume=float(vol),
        volume_err=float(vol_err), boundary_volume=float(bvol),
        boundary_volume_err=float(bvol_err), constant=float(C),
        rms_relative_residual=float(np.sqrt(np.mean(np.asarray(resid) ** 2))),
        n_points=int(lam.size), boundary=bool(boundary),
    )


def _lstsq_cov(A: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    coef, *_ = np.linalg.lstsq(A, y, rcond=None)
    resid = y - A @ coef
    dof = max(A.shape[0] - A.shape[1], 1)
    s2 = float(resid @ resid) / dof
    cov = s2 * np.linalg.pinv(A.T @ A)
    return coef, cov, resid


def _dlog_weyl_factor(d: float, h: float = 1e-6) -> float:
    """d/dd log(omega_d / (2 pi)^d)."""
    return (math.log(weyl_constant(d + h, 1.0)) - math.log(weyl_constant(d - h, 1.0))) / (2 * h)
