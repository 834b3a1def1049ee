"""Eigenvalues, exact eigenvalue counts and Weyl-law fits for symmetric pencils (K, M).

Counting uses Sylvester's law of inertia: with M symmetric positive definite, the number of
negative pivots of an LDL^T factorization of K - sigma M is the number of eigenvalues below
sigma. One sparse factorization per shift, whatever the count; no eigenpair is computed.
Every count is guarded (pivoting, backward error, distance to the nearest eigenvalue) and
recovered or refused, never returned wrong in silence.

The Weyl-law fit (:func:`weyl_fit`, :class:`WeylFit`, :func:`weyl_count`,
:func:`weyl_constant`, :func:`unit_ball_volume`) lives in :mod:`weylgain.weyl`, the next step
of mesh -> (K, M) -> counts -> fit -> gain, and is re-exported here.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any, Sequence

import numpy as np
import scipy.linalg as sla
import scipy.sparse.linalg as spla

from .errors import CountingError, EigenvalueError
# the fit step lives in weylgain.weyl; its names stay importable from here
from .weyl import (  # noqa: F401
    WeylFit,
    _boundary_coefficient,
    _dlog_weyl_factor,
    _lstsq_cov,
    unit_ball_volume,
    weyl_constant,
    weyl_count,
    weyl_fit,
)

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
    "CountResult",
    "CountingResult",
]

# below this size a dense LDL^T (Bunch-Kaufman, backward stable) is the route; above it the
# guarded sparse factorization is far cheaper (dense costs n^3 and a multithreaded BLAS on a
# loaded machine makes even n = 1000 slow)
_DENSE_LIMIT = 400
# when the sparse factorization cannot be certified, problems up to this size are recounted
# densely instead of refused
_DENSE_FALLBACK_LIMIT = 6000
# eigenvalues within RTOL * max(|lam|, 1e-3 * typical) of the shift count as equal to it
# (they are numerically); "typical" (Pencil.typical_scale) is the round-off scale of the low
# eigenvalues, not the largest eigenvalue, so that a graded mesh or a badly scaled mass
# (eigenvalues over 14 decades) keeps a tolerance far below its low eigenvalues' gaps
_RTOL = 1e-9
_BACKWARD_ERROR_LIMIT = 1e-8
# the inertia of a factorization exact for A + E is that of A when ||E||_2 < min |eig(A)|;
# min |eig(A)| is estimated from above by inverse iteration, hence the margin
_FLIP_MARGIN = 100.0


# ----------------------------------------------------------------------------- results
@dataclass(frozen=True)
class CountResult:
    """One certified count N(lam) and how it was obtained.

    Attributes
    ----------
    lam : float
        The threshold.
    count : int
        #{j : lam_j <= lam} (eigenvalues numerically equal to lam included).
    backend : str
        The factorization that gave the count: "pardiso", "mumps", "superlu", or "dense"
        (small problems, and the last resort of problems up to a few thousand unknowns).
    shift : float
        The shift sigma that was factored (lam plus a few tolerances).
    n : int
        Size of the pencil.
    recounts : int
        Factorizations rejected by the guards before this one.
    reasons : tuple of str
        Why each rejected factorization was rejected.
    distance : float
        Estimated distance from the shift to the nearest eigenvalue (inf on the dense route).
    backward_error : float
        Relative backward error of a solve with the factors (0 on the dense route).
    mean_edge : float or None
        ``h``, the mean edge of the mesh the pencil was assembled on (the ``mesh=`` of the
        counter); None for a bare pencil (resolution unknown).
    lam_h2 : float or None
        ``lam * h**2`` (None when ``h`` is unknown).
    lam_max_resolved : float or None
        The largest threshold the mesh resolves, ``0.5 / h**2`` (see
        :mod:`weylgain.resolution`); None when ``h`` is unknown (or infinite: a quotient whose
        orbit space is a point).
    resolved : bool or None
        Whether ``lam h^2 <= 0.5``, the range in which the count of the discrete problem
        stands for the manifold's; None when ``h`` is unknown.
    above_spectrum : bool
        (property) ``count == n``: ``lam`` is at or above every eigenvalue of the discrete
        problem, so the count cannot grow any further. Known even for a bare pencil; on a mesh
        it means ``lam`` is far beyond what the mesh resolves.
    """

    lam: float
    count: int
    backend: str
    shift: float
    n: int
    recounts: int = 0
    reasons: tuple[str, ...] = ()
    distance: float = math.inf
    backward_error: float = 0.0
    mean_edge: float | None = None
    lam_h2: float | None = None
    lam_max_resolved: float | None = None
    resolved: bool | None = None

    @property
    def above_spectrum(self) -> bool:
        return self.count >= self.n

    def to_dict(self) -> dict:
        out = asdict(self)
        out["reasons"] = list(self.reasons)
        for key in ("distance", "backward_error", "lam_max_resolved"):
            if out[key] is not None and not math.isfinite(out[key]):
                out[key] = None
        out["above_spectrum"] = self.above_spectrum
        return out


@dataclass(frozen=True)
class CountingResult:
    """The counting function at several thresholds (:func:`counting_function` with
    ``return_info=True``).

    Attributes
    ----------
    results : tuple of CountResult
        One per threshold, in the order the thresholds were given.
    backend : str
        The backend chosen for the pencil (a single count may still report "dense" or a
        fallback in its own result).
    mean_edge : float or None
        ``h`` of the mesh the pencil was assembled on (None for a bare pencil).
    resolved : bool or None
        (property) Whether every threshold is in the range the mesh resolves
        (``lam h^2 <= 0.5``, see :mod:`weylgain.resolution`); None when ``h`` is unknown.
    lam_max_resolved : float or None
        (property) ``0.5 / h**2``; None when ``h`` is unknown or 0.
    """

    results: tuple[CountResult, ...]
    backend: str
    mean_edge: float | None = None

    @property
    def lams(self) -> np.ndarray:
        return np.array([r.lam for r in self.results], dtype=np.float64)

    @property
    def counts(self) -> np.ndarray:
        return np.array([r.count for r in self.results], dtype=np.int64)

    @property
    def resolved(self) -> bool | None:
        if self.mean_edge is None:
            return None
        return all(bool(r.resolved) for r in self.results)

    @property
    def lam_max_resolved(self) -> float | None:
        if self.mean_edge is None or self.mean_edge == 0:
            return None
        from .resolution import lam_max_resolved

        return lam_max_resolved(self.mean_edge)

    def to_dict(self) -> dict:
        return {"backend": self.backend, "lams": self.lams.tolist(),
                "counts": self.counts.tolist(), "mean_edge": self.mean_edge,
                "lam_max_resolved": self.lam_max_resolved, "resolved": self.resolved,
                "results": [r.to_dict() for r in self.results]}


# ----------------------------------------------------------------------------- the counter
class EigenCounter:
    """Exact eigenvalue counts of one pencil (K, M) at many shifts.

    The pencil is checked and stored once (the upper triangles of K and M on one pattern);
    the backend's symbolic analysis (ordering, symbolic factorization) is done once and
    reused for every shift.

    Parameters
    ----------
    K : sparse matrix of shape (n, n)
        Symmetric stiffness (any symmetric matrix).
    M : sparse matrix of shape (n, n)
        Symmetric positive definite mass.
    check_mass : bool, default True
        Screen M for positive definiteness (a few Lanczos steps).
    backend : str, optional
        "auto" (default: ``$WEYLGAIN_BACKEND`` if set, else the fastest installed),
        "pardiso", "mumps" or "superlu"; see :mod:`weylgain.backends`.
    mesh : Mesh, Quotient or float, optional
        The mesh K and M were assembled on (a :class:`~weylgain.Quotient` for its
        :meth:`~weylgain.Quotient.laplacian`), or its mean edge length ``h``. Then every
        :class:`CountResult` says whether ``lam`` is in the range the mesh resolves
        (``lam h^2 <= 0.5``, :mod:`weylgain.resolution`). Without it (a bare pencil) the
        resolution fields are None.

    Warns
    -----
    ResolutionWarning
        With ``mesh``: once per counter, at the first count beyond the resolved range (the
        count is exact for the discrete problem but does not approximate the manifold's).
        Every result carries ``resolved`` whether or not the warning was shown.
    """

    def __init__(self, K: Any, M: Any, *, check_mass: bool = True,
                 backend: str | None = None, mesh: Any = None) -> None:
        from .backends import Pencil, resolve_backend
        from .resolution import mean_edge_length

        self.mean_edge = mean_edge_length(mesh)
        self._warned_unresolved = False
        self.backend = resolve_backend(backend)
        self.pencil = Pencil(K, M)
        self.n = self.pencil.n
        if check_mass:
            self.pencil.check_mass_positive_definite(_DENSE_LIMIT)
        # the order of the largest eigenvalue: sets the absolute scale of round-off
        self.scale = self.pencil.scale
        self._backends: dict[str, Any] = {}
        self._failed_analyses: dict[str, BaseException] = {}
        self._norms: tuple[float, float] | None = None
        self._rng = np.random.default_rng(12345)
        # the certificate's random start x and M x / max|M x|, drawn once per counter
        self._start: tuple[np.ndarray, np.ndarray, float] | None = None

    # ---- tolerances
    def tolerance(self, lam: float) -> float:
        """Eigenvalues closer than this to a shift are numerically equal to it."""
        return _RTOL * max(abs(lam), 1e-3 * self.pencil.typical_scale, 1e-300)

    # ---- backends
    def make_backend(self, name: str | None = None):
        """A new backend object for this pencil (its analysis is done here)."""
        from .backends import backend_class

        return backend_class(name or self.backend)(self.pencil)

    def _get_backend(self, name: str):
        if name not in self._backends:
            self._backends[name] = self.make_backend(name)
        return self._backends[name]

    def close(self) -> None:
        """Release every backend's factors and analysis."""
        for be in self._backends.values():
            be.close()
        self._backends.clear()

    # ---- the guards
    def _norm_bound(self, sigma: float) -> float:
        """An upper bound of ||K - sigma M||_inf from ||K||_inf and ||M||_inf (computed once)."""
        if self._norms is None:  # both from the pencil's cached row sums
            self._norms = (self.pencil.k_norm1, self.pencil.m_norm1)
        return self._norms[0] + abs(sigma) * self._norms[1]

    def _certify(self, f: Any, steps: int = 2) -> tuple[bool, str, float, float]:
        """(trusted, reason, distance, backward error) of a factorization.

        The backward error of one solve with a random right-hand side, then inverse
        iteration with the same factors (the first solve serves both) for the distance from
        the shift to the nearest eigenvalue of the pencil. The Rayleigh-quotient estimate is
        never below the true distance and tightens with each step; two steps suffice because
        it is compared with half the tolerance. The random start (and its product with M) is
        drawn once per counter; the first solve's K y and M y come from one pass over the
        pattern and give both the residual and the next right-hand side, so a threshold
        costs two solves and one fused product besides its factorization.

        Then the inertia itself: the factors are exact for some A + E with ||E||_2 <= eta
        ||A||_inf (A = K - sigma M), and A + E has the inertia of A when ||E||_2 <
        min |eig(A)|. With a proven lower bound of lambda_min(M) that follows from the
        pencil distance, min |eig(A)| >= distance * lambda_min(M): diagonal or Gershgorin
        masses (margin 2), or ``M >= diag(g)`` proven once per pencil from the triangles of
        M's graph (finite-element masses on triangles and most tetrahedral meshes; the
        margin of the direct check, 100). Where there is no such bound, or it does not clear
        the perturbation by its margin, min |eig(A)| is estimated by one more step of
        inverse iteration on A alone, and must clear eta ||A||_inf by a margin (the estimate
        is from above).
        """
        if not f.inertia.trusted:
            return False, f.inertia.reason, 0.0, math.inf
        from .backends.pencil import dot

        pencil = self.pencil
        eta = math.inf
        theta = math.inf
        sigma = f.sigma
        try:
            if self._start is None:
                # every vector scaled to max-norm 1 (the estimate does not depend on the
                # scale of x), so that pencils scaled by 1e+-100 neither over- nor underflow
                x0 = self._rng.standard_normal(self.n)
                b0 = pencil.M_matvec(x0)
                sb0 = float(np.abs(b0).max())
                if not (sb0 > 0 and math.isfinite(sb0)):
                    return False, f"M x is {sb0:.3g} (M at the limits of the double range)", \
                        0.0, eta
                b0 /= sb0
                self._start = (x0, b0, sb0)
            # the same random start for every shift of this pencil (it is independent of
            # each K - sigma M), so that M x is formed once; nothing below writes into it
            x, b, sb = self._start
            for step in range(steps):
                y = f.solve(b)  # y = (K - sigma M)^-1 M x / sb
                sy = float(np.abs(y).max())
                My = None
                if step == 0:
                    # K y and M y in one pass: the residual of the solve, and M of the next
                    # iterate x = y / sy without another product
                    Ky, My = pencil.KM_matvec(y)
                    eta = self._backward_error(sigma, b, y, Ky, My, sy)
                    if not eta < _BACKWARD_ERROR_LIMIT:
                        return False, f"backward error {eta:.2g}", 0.0, eta
                # x^T M x / x^T M y with y = (K - sigma M)^-1 M x: the Rayleigh-quotient
                # estimate of lam_j - sigma for the eigenvalue lam_j nearest the shift
                # (here b = M x / sb and y = (K - sigma M)^-1 b)
                yb = dot(y, b)
                theta = abs(dot(x, b) / yb) / sb if yb != 0 else 0.0
                if not (sy > 0 and math.isfinite(sy)):
                    return True, "", 0.0, eta
                x = y / sy
                if step + 1 < steps:
                    b = (My if My is not None else pencil.M_matvec(y)) / sy  # M x
                    sb = float(np.abs(b).max())
                    if not (sb > 0 and math.isfinite(sb)):
                        return False, \
                            f"M x is {sb:.3g} (M at the limits of the double range)", 0.0, eta
                    b /= sb
            perturbation = eta * self._norm_bound(sigma)
            floor = pencil.mass_lower_bound()
            # a diagonal or dominant M: the margin 2 of a proven floor; a floor from the
            # triangles of M's graph (finite-element masses): the margin of the direct check
            margin = 2.0 if pencil.mass_bound_kind == "dominance" else _FLIP_MARGIN
            if floor is not None and theta * floor > margin * perturbation:
                return True, "", float(theta), eta
            gap = self._smallest_magnitude(f, x)
            if not gap > _FLIP_MARGIN * perturbation:
                return False, (
                    f"min |eig(K - sigma M)| is about {gap:.2g}, within {_FLIP_MARGIN:g} times "
                    f"the perturbation {perturbation:.2g} that the factorization's backward "
                    f"error {eta:.2g} allows: its inertia is not certain"), float(theta), eta
        except (RuntimeError, ValueError, FloatingPointError) as exc:
            return False, f"solve failed ({exc})", 0.0, eta
        return True, "", float(theta), eta

    def _backward_error(self, sigma: float, b: np.ndarray, y: np.ndarray, Ky: np.ndarray,
                        My: np.ndarray, sy: float) -> float:
        """Normwise backward error of the solve (K - sigma M) y = b (max-norms), from
        ``Ky = K y``, ``My = M y`` and ``sy = max |y|``: the residual of the pencil itself,
        not of the rounded values that were factored."""
        r = My * (-sigma)
        r += Ky
        r -= b
        return float(np.abs(r).max() / (self._norm_bound(sigma) * sy + np.abs(b).max()))

    def _smallest_magnitude(self, f: Any, start: np.ndarray) -> float:
        """An estimate (from above) of min |eig(K - sigma M)|: ||u|| / ||A^-1 u|| for u the
        pencil's inverse-iteration vector (a random start already multiplied by A^-1 M
        twice, so the directions of small |eig| dominate it): one more solve."""
        u = start / float(np.sqrt(np.multiply(start, start).sum()))
        z = f.solve(u)
        nz = float(np.sqrt(np.multiply(z, z).sum()))
        if not math.isfinite(nz):
            return 0.0
        return 1.0 / nz if nz > 0 else math.inf

    # ---- factorizations
    def _dense_count(self, lam: float, tol: float) -> tuple[int, float, str]:
        """(count, shift, note) from the eigenvalues of the dense K - sigma M (Sylvester: its
        negative eigenvalues are the pencil's eigenvalues below sigma). A symmetric
        eigensolver is backward stable with respect to K - sigma M alone, unlike a
        generalized one (whose Cholesky of M loses the low eigenvalues of graded meshes), so
        the inertia is certain once min |eig| clears the round-off; else the shift moves up
        by a few tolerances, and where that cannot help the count is refused."""
        p = self.pencil
        last = ""
        # congruent to K - sigma M (same inertia): the Jacobi scaling by diag(M)^-1/2, for
        # pencils whose rows differ in scale by many decades (badly scaled masses)
        jacobi = 1.0 / np.sqrt(p.diagonal(p.m_values))
        for attempt in range(4):
            sigma = lam + (1 + 2 * attempt) * tol
            A = p.dense(p.values(sigma))
            for form in ("", "Jacobi-scaled "):
                if form:
                    A *= jacobi[:, None]
                    A *= jacobi[None, :]
                ev = sla.eigvalsh(A, check_finite=False)
                # LAPACK's symmetric eigensolvers are backward stable: eigenvalues within a
                # small multiple of eps ||A|| (the margin covers it for n <= 6000)
                err = _FLIP_MARGIN * np.finfo(float).eps * float(np.abs(A).sum(axis=1).max())
                gap = float(np.abs(ev).min())
                if gap > err:
                    return int((ev < 0).sum()), sigma, last
            last = (f"dense: min |eig(K - sigma M)| = {gap:.2g} at shift {sigma:.12g} "
                    f"({form or 'unscaled'}), within the round-off {err:.2g} of the "
                    "eigensolver")
        raise CountingError(
            f"cannot certify the eigenvalue count at lam = {lam:.12g}: {last}. "
            + self._conditioning_hint())

    def _conditioning_hint(self) -> str:
        p = self.pencil
        spread = p.scale / p.typical_scale
        if spread > 1e6:
            return (f"The pencil's diagonal ratios K_ii / M_ii span {spread:.2g} times their "
                    "average: a strongly graded mesh or elements of very different sizes "
                    "(or a badly scaled M). Improve the mesh quality (smooth the grading), or "
                    "try a slightly different lam.")
        return ("Try a slightly different lam, another backend (backend='superlu', 'mumps' or "
                "'pardiso'), or check that M is positive definite.")

    # ---- the public count
    def count(self, lam: float) -> int:
        """Number of eigenvalues <= lam (eigenvalues within :meth:`tolerance` count as equal)."""
        return self._resolved_count(lam, warn=True, stacklevel=3).count

    def count_result(self, lam: float) -> CountResult:
        """:meth:`count` with how it was obtained (backend, shift, rejected factorizations)
        and, with ``mesh=``, whether ``lam`` is in the range the mesh resolves."""
        return self._resolved_count(lam, warn=True, stacklevel=3)

    def _resolved_count(self, lam: float, warn: bool, stacklevel: int) -> CountResult:
        """The certified count with the resolution fields (and the warning, once)."""
        result = self._certified_count(lam)
        if self.mean_edge is None:
            return result
        from dataclasses import replace

        from .resolution import _resolution, warn_unresolved

        r = _resolution(self.mean_edge, result.lam)
        result = replace(result, mean_edge=r.mean_edge, lam_h2=r.lam_h2,
                         lam_max_resolved=r.lam_max_resolved, resolved=r.resolved)
        if warn and not r.resolved and not self._warned_unresolved:
            self._warned_unresolved = True
            warn_unresolved(self.mean_edge, [r.lam], stacklevel=stacklevel)
        return result

    def _certified_count(self, lam: float) -> CountResult:
        """The certified count at ``lam`` (guards, recovery, fallbacks; no resolution)."""
        lam = _as_threshold(lam)  # text, None, arrays, complex, NaN: a CountingError
        tol = self.tolerance(lam)
        if self.n <= _DENSE_LIMIT:
            count, sigma, note = self._dense_count(lam, tol)
            notes = (note,) if note else ()
            return CountResult(lam, count, "dense", sigma, self.n, len(notes), notes)
        # the chosen backend, then MUMPS when installed (the most accurate solves measured
        # here) and the SuperLU route, each guarded the same way, then dense; SuperLU chosen
        # is the fallback alone (WEYLGAIN_BACKEND=superlu)
        chain = [self.backend]
        if self.backend != "superlu":
            chain += (["mumps"] if self.backend != "mumps" else []) + ["superlu"]
        reasons: list[str] = []
        for name in chain:
            if name == "mumps" and name != self.backend:
                from .backends import available_backends

                if available_backends()["mumps"]:  # probed only when it is needed
                    continue
            exc = self._failed_analyses.get(name)
            if exc is None:
                try:
                    be = self._get_backend(name)
                except (MemoryError, RuntimeError, OSError) as err:
                    # remembered: the next threshold does not redo an analysis that failed
                    exc = self._failed_analyses[name] = err
            if exc is not None:
                from .errors import ResourceError

                if isinstance(exc, ResourceError) and name == chain[-1]:
                    # its factors cannot fit (and those of the routes before it did not)
                    raise ResourceError(*exc.args)
                reasons.append(f"{name}: analysis failed ({exc})")
                continue
            sigma = lam + tol
            for attempt in range(4):
                f = be.factor(sigma)
                ok, why, dist, eta = self._certify(f)
                negative = f.inertia.negative
                f.free()
                del f
                if ok and dist > 0.5 * tol:
                    return CountResult(lam, int(negative), name, sigma, self.n, len(reasons),
                                       tuple(reasons), dist, eta)
                if ok:
                    why = f"an eigenvalue lies within {dist:.2g} of the shift"
                reasons.append(f"{name}: {why} at shift {sigma:.12g}")
                if why.startswith("min |eig"):
                    break  # the factorization cannot resolve the shift: the next route
                # recover: move the shift up by a few tolerances (still counting eigenvalues
                # numerically equal to lam, and no eigenvalue meaningfully above it)
                sigma = lam + (2 + 2 * attempt) * tol
        if self.n <= _DENSE_FALLBACK_LIMIT:
            count, sigma, note = self._dense_count(lam, tol)
            reasons += [note] if note else []
            return CountResult(lam, count, "dense", sigma, self.n, len(reasons),
                               tuple(reasons))
        raise CountingError(
            f"cannot certify the eigenvalue count at lam = {lam:.12g}: " + "; ".join(reasons)
            + ". " + self._conditioning_hint()
        )


# ----------------------------------------------------------------------------- public API
def _as_threshold(value: Any, what: str = "lam", error: type = CountingError) -> float:
    """A threshold or shift as a finite float; ``error`` for text, None, arrays, complex."""
    try:
        bad = (value is None or isinstance(value, (str, bytes, complex, np.complexfloating))
               or np.ndim(value) != 0)
        out = math.nan if bad else float(value)
    except (TypeError, ValueError):
        out = math.nan
    if not math.isfinite(out):
        raise error(f"{what} must be a finite real number; got {value!r}")
    return out


def count_eigenvalues(K: Any, M: Any, lam: float, *, backend: str | None = None,
                      return_info: bool = False, mesh: Any = None) -> int | CountResult:
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
    backend : str, optional
        The sparse factorization: "auto" (default; ``$WEYLGAIN_BACKEND`` when set, else the
        fastest installed of "pardiso", "mumps", "superlu"), or one of those names.
    return_info : bool, default False
        Return a :class:`CountResult` (count, backend, shift, rejected factorizations,
        resolution) instead of the bare count.
    mesh : Mesh, Quotient or float, optional
        The mesh K and M were assembled on (or the :class:`~weylgain.Quotient` whose
        :meth:`~weylgain.Quotient.laplacian` they are), or its mean edge length ``h``: the
        result then says whether ``lam`` is in the range the mesh resolves,
        ``lam h^2 <= 0.5`` (:mod:`weylgain.resolution`), and a count beyond it warns.

    Returns
    -------
    int or CountResult
        #{j : lam_j <= lam}. Eigenvalues within a relative 1e-9 of ``lam`` (numerically
        equal to it, such as the zero eigenvalue of a closed mesh at lam = 0) are counted.

    Raises
    ------
    MatrixError
        K, M not symmetric, of different shapes, or M not positive definite.
    CountingError
        The factorization could not be trusted at or near ``lam`` even after recovery.
    SpecError
        Unknown backend, or a named backend that is not installed.
    ParameterError
        ``mesh`` is neither a Mesh, a Quotient, a positive mean edge length nor None.

    Warns
    -----
    ResolutionWarning
        With ``mesh``, when ``lam h^2 > 0.5``: the count is exact for the discrete problem
        but does not approximate the manifold's (use a finer mesh).

    Notes
    -----
    Without ``mesh`` nothing is known about the resolution and nothing is warned, even when
    ``lam`` lies above every eigenvalue of the pencil (``CountResult.above_spectrum``,
    count = n): for a pencil that is not a finite-element discretization that is a
    legitimate question with a legitimate answer (``diag(0, 1, 2, 3)`` at ``lam = 5`` has 4
    eigenvalues below it). On a mesh it means ``lam`` is far beyond the resolved range; pass
    ``mesh=`` to be told.

    Examples
    --------
    >>> import scipy.sparse as sp
    >>> K = sp.diags([0.0, 1.0, 2.0, 3.0]); M = sp.identity(4)
    >>> count_eigenvalues(K, M, 1.5), count_eigenvalues(K, M, 2.0)
    (2, 3)
    """
    lam = _as_threshold(lam)  # before the pencil is checked and stored
    counter = EigenCounter(K, M, backend=backend, mesh=mesh)
    try:
        result = counter._resolved_count(lam, warn=True, stacklevel=3)
    finally:
        counter.close()
    return result if return_info else result.count


def counting_function(K: Any, M: Any, lams: Sequence[float] | np.ndarray, *,
                      progress: bool = False, backend: str | None = None,
                      return_info: bool = False, mesh: Any = None
                      ) -> np.ndarray | CountingResult:
    """The counting function N(lam) of the pencil (K, M) at many thresholds.

    Parameters
    ----------
    K, M : sparse matrices of shape (n, n)
        As for :func:`count_eigenvalues`; the analysis (ordering, symbolic factorization)
        is done once and reused for every threshold.
    lams : array_like of shape (p,)
        Thresholds, in any order.
    progress : bool, default False
        Draw a progress bar on stderr (when it is a terminal).
    backend : str, optional
        As for :func:`count_eigenvalues`.
    return_info : bool, default False
        Return a :class:`CountingResult` (one :class:`CountResult` a threshold).
    mesh : Mesh, Quotient or float, optional
        As for :func:`count_eigenvalues`: every result says whether its ``lam`` is resolved.

    Returns
    -------
    ndarray of shape (p,), int64, or CountingResult
        N at each threshold; checked to be non-decreasing in lam.

    Warns
    -----
    ResolutionWarning
        With ``mesh``: one warning for the call, listing the thresholds with
        ``lam h^2 > 0.5``.
    """
    try:
        lam_arr = np.asarray(lams, dtype=np.float64)
    except (TypeError, ValueError):
        raise CountingError(f"lams must be a non-empty 1-d sequence of real numbers; got "
                            f"{lams!r}") from None
    if lam_arr.ndim != 1 or lam_arr.size == 0:
        raise CountingError(f"lams must be a non-empty 1-d sequence; got shape {lam_arr.shape}")
    if not np.isfinite(lam_arr).all():
        raise CountingError("lams must be finite")
    from ._progress import progress as _bar

    counter = EigenCounter(K, M, backend=backend, mesh=mesh)
    order = np.argsort(lam_arr, kind="stable")
    results: list[CountResult | None] = [None] * lam_arr.size
    try:
        for i in _bar(order, total=order.size, label="counting", enabled=progress):
            results[i] = counter._resolved_count(lam_arr[i], warn=False, stacklevel=0)
    finally:
        counter.close()
    out = np.array([r.count for r in results], dtype=np.int64)
    sorted_counts = out[order]
    if (np.diff(sorted_counts) < 0).any():
        raise CountingError(
            "the counts decrease as lam grows, so a factorization was wrong; "
            f"counts {sorted_counts.tolist()} at {lam_arr[order].tolist()}"
        )
    unresolved = [r.lam for r in results if r.resolved is False]
    if unresolved:
        from .resolution import warn_unresolved

        warn_unresolved(counter.mean_edge, unresolved, "count", stacklevel=2)
    if return_info:
        return CountingResult(tuple(results), counter.backend, counter.mean_edge)
    return out


def eigenvalues(K: Any, M: Any, k: int, return_eigenvectors: bool = False,
                sigma: float | None = None, *, backend: str | None = None):
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
    backend : str, optional
        The factorization for the shift-invert solves and the counts, as for
        :func:`count_eigenvalues`.

    Returns
    -------
    vals : ndarray of shape (k,)
        Ascending.
    vecs : ndarray of shape (n, k)
        Only with ``return_eigenvectors``.
    """
    counter = EigenCounter(K, M, backend=backend)
    try:
        return _eigenvalues(counter, k, return_eigenvectors, sigma)
    finally:
        counter.close()


def _eigenvalues(counter: EigenCounter, k: Any, return_eigenvectors: bool,
                 sigma: float | None):
    n = counter.n
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or not 1 <= k <= n:
        raise EigenvalueError(f"k must be an integer in [1, {n}]; got {k!r}")
    k = int(k)
    if sigma is not None:
        sigma = _as_threshold(sigma, "sigma", EigenvalueError)
    pencil = counter.pencil
    if n <= _DENSE_LIMIT or k > n // 3:
        vals, vecs = sla.eigh(pencil.dense(pencil.k_values), pencil.dense(pencil.m_values),
                              subset_by_index=[0, k - 1])
        return (vals, vecs) if return_eigenvectors else vals
    if sigma is None:
        sigma = -1e-6 * counter.pencil.typical_scale
        while counter.count(sigma) != 0:  # K may be indefinite: go below its spectrum
            sigma = 4 * sigma - 1.0
    # a backend of its own, so that the counts below do not replace these factors
    solver = counter.make_backend()
    try:
        factors = solver.factor(sigma)
        if factors.inertia.reason and "error" in factors.inertia.reason:
            raise EigenvalueError(f"cannot factor K - sigma M at sigma = {sigma:.6g}: "
                                  f"{factors.inertia.reason}")
        op = spla.LinearOperator((n, n), matvec=lambda b: factors.solve(np.ravel(b)),
                                 dtype=np.float64)
        Kop = spla.LinearOperator((n, n), matvec=lambda x: pencil.K_matvec(np.ravel(x)),
                                  dtype=np.float64)
        Mop = spla.LinearOperator((n, n), matvec=lambda x: pencil.M_matvec(np.ravel(x)),
                                  dtype=np.float64)
        extra = 0
        for attempt in range(4):
            kk = min(k + extra, n - 2)
            ncv = min(n - 1, max(2 * kk + 1, kk + 32))
            try:
                vals, vecs = spla.eigsh(Kop, k=kk, M=Mop, sigma=sigma, OPinv=op, which="LM",
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
    finally:
        solver.close()
    raise EigenvalueError(
        f"shift-invert Lanczos kept missing eigenvalues among the {k} smallest "
        "(checked by inertia counts); try a larger k or the dense route for small problems"
    )


def _missing_below_top(counter: EigenCounter, wanted: np.ndarray, computed: np.ndarray) -> int:
    """How many eigenvalues Lanczos missed below the top cluster of ``wanted`` (0 if none)."""
    top = wanted[-1]
    tol = 1e-6 * max(abs(top), 1e-3 * counter.pencil.typical_scale)
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
