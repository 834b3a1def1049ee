"""Compact groups from a Lie algebra: :class:`LieGroup` and :func:`lie_group`.

G = closure(exp(span{X_1, ..., X_m})) . <F_1, ..., F_g> acting orthogonally on R^D, with X_a
real skew-symmetric D x D matrices (a basis of the Lie algebra of the identity component
G0) and F_i orthogonal matrices normalizing it (F X F^T in the span). Examples: the Hopf
circle (the complex structure of C^2 = R^4), the circle (e^{it} z1, e^{2it} z2) on S^3,
O(2) = SO(2) about z plus the 2-fold rotation about x.

Validation (:class:`~weylgain.errors.GroupError`): skew symmetry (to 1e-10), linear
independence, closure of the span under commutators (a Lie algebra), orthogonal generators
that normalize the algebra (residuals measured against the size of the inputs, |X_a| |X_b|
for a commutator, so that exact zeros computed in floating point pass), and closedness of
exp: the centre of the algebra must
exponentiate to a closed torus (frequencies with rational ratios, recognised as fractions
with denominators up to 1000). A dense winding such as the frequencies (1, sqrt 2) is
refused with the frequencies named. (The semisimple part of a compact Lie algebra always
exponentiates to a closed subgroup; requiring the centre alone to be closed is sufficient,
and may refuse rare closed groups whose centre winds densely into the semisimple part.)
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..errors import GroupDefinitionError
from ._linalg import (
    SKEW_TOL,
    SPAN_TOL,
    as_matrix_stack,
    commuting_weights,
    is_rational,
    span_residual,
    torus_lattice,
)
from .actions import FactorStructure, LinearAction, linear_action

__all__ = ["LieGroup", "lie_group"]

_ORTHO_TOL = 1e-10


def _readonly(a: np.ndarray) -> np.ndarray:
    a = np.ascontiguousarray(a)
    a.setflags(write=False)
    return a


def _bracket(X: np.ndarray, Y: np.ndarray) -> np.ndarray:
    return X @ Y - Y @ X


def _center(algebra: np.ndarray) -> np.ndarray:
    """A basis (k, D, D) of the centre {Z in span : [Z, X_a] = 0 for all a}."""
    m = algebra.shape[0]
    if m == 0:
        return algebra
    # linear map c -> ([sum c_b X_b, X_a])_a
    cols = [np.concatenate([_bracket(Xb, Xa).ravel() for Xa in algebra]) for Xb in algebra]
    A = np.array(cols).T
    _, s, vt = np.linalg.svd(A, full_matrices=False)  # U of (m D^2)^2 entries is never needed
    scale = max(1.0, float(s.max(initial=0.0)))
    rank = int((s > 1e-9 * scale).sum())
    null = vt[rank:]
    return np.einsum("kb,bij->kij", null, algebra)


def _guard_validation(m: int, g: int, D: int, what: str) -> None:
    """Refuse, before it starts, a validation that cannot finish in the time limit.

    The brackets and conjugations are m^2 / 2 + g m products of D x D matrices (2 D^3
    flops each), each then tested against the span by least squares on (D^2, m).
    """
    from ..resources import TimeEstimate, check_time, work_time

    products = m * m / 2.0 + g * (m + 1.0) + m
    flops = products * (4.0 * D ** 3 + 4.0 * D * D * m * m)
    check_time(TimeEstimate(f"validating {what} on R^{D}",
                            work_time(flops=flops, elements=products * 10.0 * D * D),
                            f"{m} Lie algebra matrices, {g} generators, {D} x {D}"),
               "act on fewer coordinates (each product of D x D matrices costs D^3)")


def validate_algebra(algebra: np.ndarray, generators: np.ndarray, what: str) -> None:
    """Raise GroupError unless (algebra, generators) describe a compact group (module doc)."""
    m, D, _ = algebra.shape
    _guard_validation(m, generators.shape[0], D, what)
    for a, X in enumerate(algebra):
        err = float(np.abs(X + X.T).max(initial=0.0))
        if err > SKEW_TOL:
            raise GroupDefinitionError(
                f"{what}: Lie algebra matrix {a} is not skew-symmetric: max |X + X^T| "
                f"= {err:.3g} > {SKEW_TOL:g}; an orthogonal group's Lie algebra "
                "consists of skew-symmetric matrices (X^T = -X)")
        if not np.any(X):
            raise GroupDefinitionError(f"{what}: Lie algebra matrix {a} is zero; drop it")
    if m:
        flat = algebra.reshape(m, -1)
        s = np.linalg.svd(flat, compute_uv=False)
        if s[-1] <= 1e-9 * s[0]:
            raise GroupDefinitionError(
                f"{what}: the {m} Lie algebra matrices are linearly dependent "
                f"(singular values {np.round(s, 12).tolist()}); give a basis "
                "(independent matrices) of the Lie algebra")
        for a in range(m):
            for b in range(a + 1, m):
                # relative to |X_a| |X_b|: a commutator that is exactly zero computes to
                # rounding noise, which is no evidence against the span
                r = span_residual(algebra, _bracket(algebra[a], algebra[b]),
                                  float(np.linalg.norm(algebra[a]) * np.linalg.norm(algebra[b])))
                if r > SPAN_TOL:
                    raise GroupDefinitionError(
                        f"{what}: the commutator [X_{a}, X_{b}] is not in the span of the basis "
                        f"(relative residual {r:.3g}): the span is not a Lie algebra. Add the "
                        "commutators to the basis (the group they generate is larger)")
    for i, F in enumerate(generators):
        err = float(np.abs(F @ F.T - np.eye(D)).max(initial=0.0))
        if err > _ORTHO_TOL:
            raise GroupDefinitionError(
                f"{what}: generator {i} is not orthogonal: max |F F^T - I| = "
                f"{err:.3g} > {_ORTHO_TOL:g}; groups act by isometries")
        for a, X in enumerate(algebra):
            r = span_residual(algebra, F @ X @ F.T, float(np.linalg.norm(X)))
            if r > SPAN_TOL:
                raise GroupDefinitionError(
                    f"{what}: generator {i} does not normalize the Lie algebra: F X_{a} F^T is "
                    f"not in the span (relative residual {r:.3g}), so <G0, F> is not compact "
                    "with identity component G0. Use generators with F G0 F^-1 = G0")
    center = _center(algebra)
    if center.shape[0]:
        W = commuting_weights(center)
        torus_lattice(W, what)  # raises on a dense winding


@dataclass(frozen=True, eq=False)
class LieGroup:
    """A compact group G = closure(exp(span algebra)) . <generators> acting on R^D.

    Use :func:`lie_group` (validating) or the product constructors of
    :mod:`weylgain.groups.product`.

    Parameters
    ----------
    name : str
    algebra : ndarray of shape (m, D, D), float64
        Basis of the Lie algebra of the identity component (skew-symmetric).
    generators : ndarray of shape (g, D, D), float64
        Orthogonal matrices normalizing the algebra (the finite part).
    description : str
    structure : FactorStructure or None
        Product hint for the exact counts (set by :mod:`weylgain.groups.product`).
    label : str
        The action in words (for reports), e.g. "diagonal on 2 factors".
    """

    name: str
    algebra: np.ndarray
    generators: np.ndarray
    description: str = ""
    structure: FactorStructure | None = None
    label: str = ""
    _cache: dict = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        alg = as_matrix_stack(self.algebra, "the Lie algebra basis")
        D = alg.shape[1]
        gens = as_matrix_stack(self.generators, "the generators", D)
        validate_algebra(alg, gens, f"group {self.name!r}")
        object.__setattr__(self, "algebra", _readonly(alg))
        object.__setattr__(self, "generators", _readonly(gens))

    # ---------------------------------------------------------------- structure
    @property
    def dim(self) -> int:
        """Dimension D of the space acted on."""
        return int(self.algebra.shape[1])

    @property
    def lie_dimension(self) -> int:
        """Dimension m of the group (of its Lie algebra)."""
        return int(self.algebra.shape[0])

    @property
    def order(self) -> float:
        """Infinite for a positive-dimensional group, else the order of the finite group."""
        if self.lie_dimension:
            return math.inf
        from .finite import from_generators

        if not self.generators.shape[0]:
            return 1
        return from_generators(self.generators, name=self.name).order

    @property
    def is_abelian(self) -> bool:
        """True when all basis matrices commute (the identity component is a torus)."""
        a = self.algebra
        tol = 1e-9 * max(1.0, float(np.abs(a).max(initial=0.0))) ** 2
        return all(np.abs(_bracket(a[i], a[j])).max() <= tol
                   for i in range(len(a)) for j in range(i + 1, len(a)))

    @property
    def rational(self) -> bool:
        """Every entry of the algebra and generators is a fraction with a small denominator."""
        if "rational" not in self._cache:
            self._cache["rational"] = is_rational(self.algebra) and is_rational(self.generators)
        return bool(self._cache["rational"])

    # ---------------------------------------------------------------- actions
    def extended(self, D: int) -> "LieGroup":
        """The same group acting on R^D, as the identity on coordinates ``dim .. D-1``.

        Parameters
        ----------
        D : int
            New ambient dimension, at least :attr:`dim`.

        Returns
        -------
        LieGroup
            Algebra (m, D, D) and generators (g, D, D) padded with zeros (algebra) and the
            identity (generators); ``self`` when D equals :attr:`dim`.

        Raises
        ------
        GroupDefinitionError
            D smaller than the group's dimension.
        """
        D = int(D)
        n = self.dim
        if D < n:
            raise GroupDefinitionError(f"cannot extend group {self.name!r}, acting on R^{n}, "
                                       f"to R^{D}")
        if D == n:
            return self
        alg = np.zeros((self.lie_dimension, D, D))
        alg[:, :n, :n] = self.algebra
        gens = np.repeat(np.eye(D)[None], self.generators.shape[0], axis=0)
        gens[:, :n, :n] = self.generators
        label = self.label or (f"linear on R^{n}, the identity on the other {D - n} "
                               f"coordinate{'s' if D - n > 1 else ''}")
        return LieGroup(self.name, alg, gens, self.description, None, label)

    def acting_on(self, manifold: Any) -> "LieGroup":
        """The group in the ambient dimension of ``manifold``: itself, or (one factor in
        R^D, D larger than :attr:`dim`) :meth:`extended` to R^D, fixing the extra
        coordinates. Products of identical factors are the business of
        :func:`weylgain.groups.resolve` (a group named for one factor acts diagonally)."""
        D = getattr(manifold, "ambient_dim", None)
        factors = getattr(manifold, "factors", ())
        if isinstance(D, int) and D > self.dim and len(factors) == 1:
            return self.extended(D)
        return self

    def action_on(self, manifold: Any) -> LinearAction:
        """The action data on a manifold of :mod:`weylgain.manifolds`.

        Parameters
        ----------
        manifold : Manifold
            A Sphere, ProjectiveSpace or Ball in R^D, or a product of spheres whose blocks
            the algebra preserves (block diagonal) and the generators permute. A group of
            R^n with n < D acts on a single sphere or ball of R^D as the identity on the
            extra coordinates (:meth:`acting_on`).

        Raises
        ------
        ActionError
            The group does not act on this manifold.
        """
        g = self.acting_on(manifold)
        return linear_action(manifold, g.algebra, g.generators, g.rational,
                             g.structure, g.label, g.name)

    def quotient_geometry(self, manifold: Any) -> Any:
        """d_G, vol(M/G) and the derivation (:class:`weylgain.geometry.QuotientGeometry`).

        Deprecated: M/G has its home in :mod:`weylgain.geometry`; use
        ``weylgain.geometry.quotient_geometry(manifold, group)`` (same answer). This method
        emits a ``DeprecationWarning`` and will be removed in the next release.
        """
        return _deprecated_quotient_geometry(manifold, self)

    def with_label(self, label: str, structure: FactorStructure | None = None) -> "LieGroup":
        return LieGroup(self.name, self.algebra, self.generators, self.description,
                        structure if structure is not None else self.structure, label)

    def to_dict(self) -> dict[str, Any]:
        """The group file / API dictionary (see :func:`weylgain.groups.group_from_dict`)."""
        return {
            "kind": "lie",
            "name": self.name,
            "description": self.description,
            "dim": self.dim,
            "lie_dimension": self.lie_dimension,
            "lie_algebra": self.algebra.tolist(),
            "generators": self.generators.tolist(),
            "label": self.label,
            "structure": None if self.structure is None else self.structure.to_dict(),
        }

    def __repr__(self) -> str:
        return (f"<LieGroup {self.name!r} on R^{self.dim}: dimension {self.lie_dimension}, "
                f"{self.generators.shape[0]} finite generators>")


def lie_group(algebra: Any, generators: Any = None, name: str | None = None,
              description: str = "") -> LieGroup:
    """A compact group from a Lie algebra basis and finite generators normalizing it.

    Parameters
    ----------
    algebra : array_like of shape (m, D, D)
        Real skew-symmetric matrices, linearly independent, closed under commutators (up to
        span). ``m = 0`` (an array of shape (0, D, D)) gives a finite group.
    generators : array_like of shape (g, D, D), optional
        Orthogonal matrices with F X F^T in the span for every X (e.g. a mirror with SO(2)).
    name : str, optional
    description : str, optional

    Returns
    -------
    LieGroup

    Raises
    ------
    GroupError
        Not skew-symmetric, dependent, not a Lie algebra, a generator that is not orthogonal
        or does not normalize the algebra, or a dense winding (not a closed subgroup).

    Examples
    --------
    >>> J = [[0, -1, 0, 0], [1, 0, 0, 0], [0, 0, 0, -2], [0, 0, 2, 0]]
    >>> lie_group([J], name="circle(1,2)").lie_dimension   # (e^{it} z1, e^{2it} z2)
    1
    """
    try:
        alg = (np.asarray(algebra, dtype=np.float64) if not isinstance(algebra, np.ndarray)
               else algebra)
    except (TypeError, ValueError):
        raise GroupDefinitionError(
            f"the Lie algebra basis must be real matrices of shape (m, D, D); got "
            f"{algebra!r}") from None
    if alg.ndim == 2 and alg.shape[0] == alg.shape[1] and alg.size:
        alg = alg[None]
    if alg.ndim != 3:
        raise GroupDefinitionError(
            f"the Lie algebra basis must have shape (m, D, D); got shape {alg.shape}")
    D = alg.shape[1]
    gens = np.zeros((0, D, D)) if generators is None else generators
    return LieGroup(name or "lie", alg, gens, description)


def _deprecated_quotient_geometry(manifold: Any, group: Any) -> Any:
    """The deprecated ``group.quotient_geometry(manifold)``: a warning, then the answer of
    :func:`weylgain.geometry.quotient_geometry`. The group layer sits below the geometry of
    M/G and does not import it: the geometry is asked of the registry
    :mod:`weylgain._providers`, which the package's ``__init__`` fills."""
    import warnings

    from .._providers import provided

    warnings.warn(f"{type(group).__name__}.quotient_geometry(manifold) is deprecated; use "
                  "weylgain.geometry.quotient_geometry(manifold, group)", DeprecationWarning,
                  stacklevel=3)
    return provided("geometry").quotient_geometry(manifold, group)
