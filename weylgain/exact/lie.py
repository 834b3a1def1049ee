"""Invariant harmonics on ``S^{D-1}`` under a compact group given by a Lie algebra.

``G = closure(exp(span algebra)) . <generators>`` acts orthogonally on ``R^D``, so the
homogeneous polynomials split as ``P_k = H_k + |x|^2 P_{k-2}`` as G-representations and
the invariant harmonics of degree k number ``dim P_k^G - dim P_{k-2}^G``.

The connected part ``G_0`` is counted exactly, by weights, with no linear algebra:

1. A maximal torus: the centralizer ``t`` of a generic element of the algebra. Its
   elements are simultaneously diagonalised (``U^H (i h) U`` real diagonal) and the
   coordinate weights are rationalised to integer vectors in a basis of ``r`` of them
   (a dense winding, whose weights are not rationally related, is refused).
2. Roots: the weight shifts ``w_l - w_j`` carried by the entries of the algebra in the
   eigen-coordinates ``z = U^H x``; a positive system from a generic functional.
3. The Weyl group from the root reflections (orbit of ``rho``), and the Brauer-Klimyk form
   of the Weyl integration formula for the trivial multiplicity,
   ``dim P_k^{G_0} = sum_{w in W} sign(w) m_k(rho - w rho)``, where ``m_k(mu)`` is the number
   of degree-k monomials in ``z`` of weight ``mu``. For an abelian algebra this is just the
   number of weight-zero monomials; for SO(3) it is ``m_k(0) - m_k(alpha)``.

Finite generators on top: when their elements commute with ``G_0`` (after replacing a
generator by a commuting element of its coset ``f G_0`` where one exists), or ``G_0`` is a
torus whose weight spaces they permute, the count stays exact and fast by Weyl integration
twisted by the finite elements (:mod:`weylgain.exact._twisted`). Otherwise (an outer
automorphism) they act on ``P_k^{G_0}``: a basis of it (the weight-zero monomials
for a torus, otherwise the kernel of the positive root operators on the weight-zero
monomials, built with the derivation kernel of :mod:`weylgain._kernels.polynomials` and
checked against the exact count), then the rank of ``p o g^{-1} - p`` on it by values at
points of the unit torus in ``z`` (floating point; the singular-value gap is checked and an
unclear gap is refused with :class:`CountingError`).

:func:`kernel_sphere_dimensions` is the direct general path (the common kernel of the
derivations on the real monomial basis, exact rational rank with sympy when the action is
rational, floating-point rank otherwise); it serves as an independent check at small
degree.
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Any

import numpy as np

from ..errors import CountingError, GroupDefinitionError, SpecError
from ._lie_torus import MAX_MONOMIALS, LieTorusData, _monomials, _weights_of

__all__ = ["LieTorusData", "lie_sphere_dimensions", "lie_torus_data",
           "kernel_sphere_dimensions", "MAX_MONOMIALS"]

#: Largest weight-zero space handled by dense linear algebra (finite generators, roots).
MAX_DENSE_BASIS = 6_000
#: Relative tolerance below which a singular value counts as zero.
RANK_ZERO = 1e-9
#: Relative size above which a singular value counts as nonzero; in between: refused.
RANK_NONZERO = 1e-6
#: Largest denominator accepted when rationalising torus weights.
MAX_WEIGHT_DENOMINATOR = 1000

_SEED = 20231


# ----------------------------------------------------------------------------------------
# validation


def _action_arrays(action: Any) -> tuple[np.ndarray, np.ndarray, int]:
    """(algebra (m, D, D), generators (g, D, D), D) of a LinearAction-like record."""
    try:
        algebra = np.array(action.algebra, dtype=np.float64)
        generators = np.array(action.generators, dtype=np.float64)
    except AttributeError as exc:
        raise GroupDefinitionError(
            f"expected a LinearAction (weylgain.groups.actions) with algebra and generators, "
            f"got {type(action).__name__}") from exc
    blocks = tuple(getattr(action, "blocks", ()) or ())
    dim = int(sum(blocks)) if blocks else None
    if algebra.size == 0:
        algebra = algebra.reshape(0, dim or generators.shape[-1], dim or generators.shape[-1])
    if generators.size == 0:
        generators = generators.reshape(0, algebra.shape[-1], algebra.shape[-1])
    if algebra.ndim != 3 or algebra.shape[1] != algebra.shape[2]:
        raise GroupDefinitionError(f"the algebra must have shape (m, D, D), got {algebra.shape}")
    if generators.ndim != 3 or generators.shape[1:] != algebra.shape[1:]:
        raise GroupDefinitionError(
            f"generators must have shape (g, D, D) with the algebra's D = {algebra.shape[1]}, "
            f"got {generators.shape}")
    d = algebra.shape[1]
    if dim is not None and dim != d:
        raise GroupDefinitionError(
            f"the action's blocks {blocks} sum to {dim}, its matrices are {d}x{d}")
    if len(blocks) > 1:
        raise SpecError(f"the action lives on a product with factors of ambient sizes {blocks}; "
                        "lie_sphere_dimensions counts on one sphere S^(D-1) (use "
                        "weylgain.exact.exact_counts for products)")
    if d < 2:
        raise SpecError(f"spheres need an ambient dimension D >= 2, got {d}")
    if not (np.all(np.isfinite(algebra)) and np.all(np.isfinite(generators))):
        raise GroupDefinitionError("the action has NaN or infinite entries")
    for a, x in enumerate(algebra):
        scale = max(1.0, float(np.abs(x).max()))
        if np.abs(x + x.T).max() > 1e-10 * scale:
            raise GroupDefinitionError(f"algebra element {a} is not skew-symmetric: an orthogonal "
                             "action needs X^T = -X")
    for i, g in enumerate(generators):
        if np.abs(g @ g.T - np.eye(d)).max() > 1e-8:
            raise GroupDefinitionError(f"generator {i} is not orthogonal (|g g^T - I| > 1e-8)")
    return algebra, generators, d


def _null_space(matrix: np.ndarray, what: str, scale: float = 0.0) -> np.ndarray:
    """Orthonormal null space (columns) with the singular-value gap checked.

    Singular values are judged relative to ``max(s_max, scale)``: ``scale`` is the size the
    entries would have if nothing cancelled (so an all-rounding-noise matrix has rank 0).
    """
    if matrix.shape[1] == 0:
        return np.zeros((0, 0), dtype=matrix.dtype)
    if matrix.shape[0] == 0:
        return np.eye(matrix.shape[1], dtype=matrix.dtype)
    # the full V^H is needed only when there are fewer rows than columns
    _, s, vh = np.linalg.svd(matrix, full_matrices=matrix.shape[0] < matrix.shape[1])
    rank = max(_gap_rank(np.concatenate([[max(float(s[0]), scale)], s]), what) - 1, 0)
    return vh[rank:].conj().T


def _gap_rank(s: np.ndarray, what: str) -> int:
    """Numerical rank of singular values ``s`` (descending) with a clear gap.

    Zero: ``s <= RANK_ZERO * s_max``; nonzero: ``s >= RANK_NONZERO * s_max``. Anything in
    between means the rank cannot be trusted, and is refused.
    """
    if s.size == 0 or s[0] == 0:
        return 0
    rel = s / s[0]
    unclear = (rel > RANK_ZERO) & (rel < RANK_NONZERO)
    if np.any(unclear):
        raise CountingError(
            f"{what}: singular values {float(rel[unclear][0]):.2e} (relative) lie between "
            f"{RANK_ZERO:g} and {RANK_NONZERO:g}, so the rank is unclear in floating point; "
            "lower the degree or give the action with rational entries")
    return int(np.count_nonzero(rel >= RANK_NONZERO))


# ----------------------------------------------------------------------------------------
# the maximal torus, roots and Weyl group


def _rationalize(values: np.ndarray, what: str) -> tuple[np.ndarray, int]:
    """Integers n and L with values = n / L (elementwise), or CountingError."""
    fractions = []
    lcm = 1
    for v in values.ravel():
        f = Fraction(float(v)).limit_denominator(MAX_WEIGHT_DENOMINATOR)
        if abs(float(f) - v) > 1e-7 * max(1.0, abs(v)):
            raise CountingError(
                f"{what}: the weight ratio {v!r} is not rational with a denominator <= "
                f"{MAX_WEIGHT_DENOMINATOR}, so exp(algebra) is not a closed torus of that "
                "dimension (a dense winding); its closure is a larger torus: give the "
                "algebra of the closure")
        fractions.append(f)
        lcm = lcm * f.denominator // math.gcd(lcm, f.denominator)
    ints = np.array([f.numerator * (lcm // f.denominator) for f in fractions],
                    dtype=np.int64).reshape(values.shape)
    return ints, lcm


def lie_torus_data(algebra: np.ndarray) -> LieTorusData:
    """Maximal torus, integer weights, roots and Weyl group data of a compact algebra.

    Parameters
    ----------
    algebra : ndarray of shape (m, D, D), float64
        Skew-symmetric basis, m >= 1.

    Returns
    -------
    LieTorusData
    """
    algebra = np.asarray(algebra, dtype=np.float64)
    m, d, _ = algebra.shape
    scale = float(np.abs(algebra).max())
    rng = np.random.default_rng(_SEED)
    generic = np.tensordot(rng.standard_normal(m), algebra, axes=1)
    # the centralizer of a generic element is a maximal torus (Cartan subalgebra)
    brackets = np.stack([(generic @ x - x @ generic).ravel() for x in algebra], axis=1)
    bracket_scale = 2.0 * np.linalg.norm(generic) * max(np.linalg.norm(x) for x in algebra)
    cent = _null_space(brackets, "centralizer of a generic algebra element", bracket_scale)
    torus = np.tensordot(cent.T.real, algebra, axes=1)  # (r, D, D)
    r = torus.shape[0]
    for i in range(r):
        for j in range(i):
            if np.abs(torus[i] @ torus[j] - torus[j] @ torus[i]).max() > 1e-8 * scale**2:
                raise CountingError("the centralizer of a generic element is not abelian: "
                                    "the algebra is not the Lie algebra of a compact group")
    combo = np.tensordot(rng.standard_normal(r), torus, axes=1)
    _, unitary = np.linalg.eigh(1j * combo)
    real_weights = np.empty((d, r))
    for i in range(r):
        diag = unitary.conj().T @ (1j * torus[i]) @ unitary
        off = np.abs(diag - np.diag(np.diag(diag))).max()
        if off > 1e-8 * max(scale, 1.0):
            raise CountingError("the torus elements could not be diagonalised together "
                                f"(off-diagonal {off:.1e})")
        real_weights[:, i] = np.diag(diag).real
    # integer coordinates: express every weight in a basis of r of them
    order = np.argsort(-np.linalg.norm(real_weights, axis=1))
    basis_rows: list[int] = []
    for j in order:
        trial = real_weights[basis_rows + [j]]
        if np.linalg.matrix_rank(trial, tol=1e-8 * max(scale, 1.0)) == len(basis_rows) + 1:
            basis_rows.append(int(j))
        if len(basis_rows) == r:
            break
    if len(basis_rows) < r:
        raise CountingError("the torus acts with fewer independent weights than its "
                            "dimension: the algebra does not act faithfully")
    basis = real_weights[basis_rows]  # (r, r)
    coeff = np.linalg.solve(basis.T, real_weights.T).T  # real_weights = coeff @ basis
    weights, denom = _rationalize(coeff, "torus weights")
    # roots: weight shifts w_l - w_j of the entries of the algebra in z-coordinates
    tol = 1e-9 * max(scale, 1.0)
    roots: dict[tuple, list[np.ndarray]] = {}
    for x in algebra:
        xt = unitary.conj().T @ x.astype(np.complex128) @ unitary
        for j, l in zip(*np.nonzero(np.abs(xt) > tol)):
            alpha = tuple(int(v) for v in weights[l] - weights[j])
            if any(alpha):
                roots.setdefault(alpha, [])
            elif j != l:
                raise CountingError("the algebra has weight-zero components off the torus: "
                                    "the generic element was not regular")
        for alpha, ops in roots.items():
            mask = np.zeros((d, d), dtype=bool)
            shift = np.array(alpha)
            for j in range(d):
                for l in range(d):
                    if np.array_equal(weights[l] - weights[j], shift):
                        mask[j, l] = True
            comp = np.where(mask, xt, 0)
            if np.abs(comp).max() > tol:
                ops.append(comp)
    # a positive system from a generic functional (irrational, so no root is on its wall)
    functional = np.array([math.sqrt(2 + i) + i / math.pi for i in range(r)])
    all_roots = np.array(sorted(roots), dtype=np.int64).reshape(-1, r)
    sign = all_roots @ functional if all_roots.size else np.zeros(0)
    positive = all_roots[sign > 0]
    negative = all_roots[sign < 0]
    if positive.shape[0] != negative.shape[0]:
        raise CountingError("the roots are not symmetric under negation: not a compact algebra")
    operators = []
    for alpha in positive:
        # root spaces are lines: one operator per root (the largest projection) suffices
        ops = roots[tuple(int(v) for v in alpha)]
        operators.append((alpha.copy(), max(ops, key=lambda op: float(np.abs(op).max()))))
    # Weyl group orbit of 2 rho, with an invariant inner product (dual of -tr(h_i h_j))
    to_real = basis / denom  # integer coordinates -> real weights in the h-basis
    killing = -np.einsum("iab,jba->ij", torus, torus)
    gram = to_real @ np.linalg.inv(killing) @ to_real.T
    two_rho = positive.sum(axis=0)
    shifts, signs = _weyl_orbit(two_rho, positive, gram)
    return LieTorusData(unitary=unitary, weights=weights,
                        roots=np.concatenate([positive, negative]).astype(np.int64),
                        n_positive=int(positive.shape[0]), root_operators=tuple(operators),
                        weyl_shifts=shifts, weyl_signs=signs)


def _weyl_orbit(two_rho: np.ndarray, positive: np.ndarray, gram: np.ndarray,
                max_order: int = 100_000) -> tuple[np.ndarray, np.ndarray]:
    """``rho - w rho`` and ``sign(w)`` over the Weyl group (orbit of the regular ``rho``)."""
    r = two_rho.shape[0]
    if positive.shape[0] == 0:
        return np.zeros((1, r), dtype=np.int64), np.ones(1, dtype=np.int64)
    start = two_rho.astype(np.float64)
    seen = {tuple(np.rint(start).astype(np.int64)): 1}
    frontier = [(start, 1)]
    while frontier:
        nxt = []
        for vec, sgn in frontier:
            for alpha in positive.astype(np.float64):
                coef = 2.0 * (vec @ gram @ alpha) / (alpha @ gram @ alpha)
                image = vec - coef * alpha
                key = tuple(np.rint(image).astype(np.int64))
                if np.abs(image - np.array(key)).max() > 1e-6:
                    raise CountingError("a root reflection left the weight lattice: the "
                                        "roots do not form a root system")
                if key not in seen:
                    seen[key] = -sgn
                    nxt.append((np.array(key, dtype=np.float64), -sgn))
                    if len(seen) > max_order:
                        raise CountingError(f"Weyl group larger than {max_order}")
        frontier = nxt
    images = np.array(list(seen), dtype=np.int64)
    signs = np.array(list(seen.values()), dtype=np.int64)
    diff = two_rho[None, :] - images
    if np.any(diff % 2):
        raise CountingError("rho - w rho is not in the root lattice")
    return diff // 2, signs


# ----------------------------------------------------------------------------------------
# counting


def _connected_invariants(data: LieTorusData, exponents: np.ndarray) -> int:
    """``dim P_k^{G_0}`` by the Brauer-Klimyk sum over the Weyl group (exact)."""
    mono_weights = _weights_of(exponents, data.weights)
    total = 0
    for shift, sign in zip(data.weyl_shifts, data.weyl_signs):
        total += int(sign) * int(np.count_nonzero(np.all(mono_weights == shift, axis=1)))
    if total < 0:  # pragma: no cover - a sum of multiplicities
        raise CountingError("negative invariant dimension: inconsistent root data")
    return total


def _derivation(exponents: np.ndarray, matrix: np.ndarray):
    """Sparse CSR matrix of the derivation of a (complex) linear vector field."""
    from scipy.sparse import coo_matrix

    from .._kernels.polynomials import derivation_coo

    n = exponents.shape[0]
    out = None
    for part, factor in ((matrix.real, 1.0), (matrix.imag, 1j)):
        part = np.ascontiguousarray(part, dtype=np.float64)
        if not np.any(part):
            continue
        rows, cols, vals = derivation_coo(exponents, part, 0.0)
        block = coo_matrix((vals * factor, (rows, cols)), shape=(n, n)).tocsr()
        out = block if out is None else out + block
    if out is None:
        out = coo_matrix((n, n), dtype=np.complex128).tocsr()
    return out


def _connected_basis(data: LieTorusData, exponents: np.ndarray, expected: int
                     ) -> tuple[np.ndarray, np.ndarray]:
    """Weight-zero monomial indices and a basis (columns) of ``P_k^{G_0}`` on them."""
    mono_weights = _weights_of(exponents, data.weights)
    zero = np.flatnonzero(~np.any(mono_weights, axis=1))
    if data.abelian:
        return zero, np.eye(zero.size, dtype=np.complex128)
    if zero.size > MAX_DENSE_BASIS:
        raise CountingError(
            f"{zero.size} weight-zero monomials exceed the dense budget ({MAX_DENSE_BASIS}) "
            "for finite generators on a non-abelian group; lower lam")
    from scipy.special import gammaln

    log_norm = 0.5 * gammaln(exponents + 1.0).sum(axis=1)  # log sqrt(a!)
    blocks = []
    for alpha, op in data.root_operators:
        target = np.flatnonzero(np.all(mono_weights == alpha, axis=1))
        if target.size == 0 or zero.size == 0:
            continue
        # Bombieri scaling z^a / sqrt(a!): the algebra acts by skew-Hermitian matrices
        # there (the derivation of E maps entries to sqrt(a_j (a_l + 1)) E_jl), which keeps
        # the gap between zero and nonzero singular values wide at high degree
        block = _derivation(exponents, op)[target][:, zero].toarray()
        blocks.append(block * np.exp(log_norm[target][:, None] - log_norm[zero][None, :]))
    stacked = np.concatenate(blocks) if blocks else np.zeros((0, zero.size), complex)
    # equilibrate rows so that the gap check sees relative sizes
    norms = np.linalg.norm(stacked, axis=1)
    stacked = stacked[norms > 0] / norms[norms > 0, None]
    basis = _null_space(stacked, "kernel of the root operators")
    if basis.shape[1] != expected:
        raise CountingError(
            f"the kernel of the root operators has dimension {basis.shape[1]}, the exact "
            f"weight count says {expected}: floating point failed at this degree; lower lam")
    # back to plain monomial coefficients
    return zero, basis * np.exp(-log_norm[zero])[:, None]


def _fixed_dimension(data: LieTorusData, exponents: np.ndarray, zero: np.ndarray,
                     basis: np.ndarray, generators: np.ndarray, rng) -> int:
    """Dimension of the subspace of span(basis) fixed by ``p -> p o g^{-1}`` for every g."""
    nb = basis.shape[1]
    if nb == 0:
        return 0
    if nb > MAX_DENSE_BASIS:
        raise CountingError(f"{nb} G_0-invariants exceed the dense budget ({MAX_DENSE_BASIS}) "
                            "for the finite generators; lower lam")
    u = data.unitary
    d = u.shape[0]
    expo = exponents[zero]
    n_points = 2 * nb + 8
    zeta = np.exp(2j * np.pi * rng.random((n_points, d)))

    def values(points: np.ndarray) -> np.ndarray:
        # monomials z^a at every point, through logs would lose zeros: use power tables
        degree = int(expo[0].sum()) if expo.size else 0
        powers = np.ones((points.shape[0], d, degree + 1), dtype=np.complex128)
        for e in range(1, degree + 1):
            powers[:, :, e] = powers[:, :, e - 1] * points
        out = np.ones((points.shape[0], expo.shape[0]), dtype=np.complex128)
        for j in range(d):
            out *= powers[:, j, :][:, expo[:, j]]
        return out

    # a basis orthonormal in its values at the points (so that the values at the moved
    # points are on the same scale): base = Q S V^H, basis <- basis V S^{-1}
    q, sv, vh = np.linalg.svd(values(zeta) @ basis, full_matrices=False)
    if _gap_rank(sv, "values of the G_0-invariants at the sample points") < nb:
        raise CountingError("the G_0-invariants are not independent at the sample points; "
                            "lower lam")
    basis = basis @ (vh.conj().T / sv[None, :])
    blocks = [values(zeta @ (u.conj().T @ g.T @ u).T) @ basis - q  # z(g^{-1} x), x = U zeta
              for g in generators]
    s = np.linalg.svd(np.concatenate(blocks), compute_uv=False)
    rank = _gap_rank(np.concatenate([[1.0], s]), "fixed space of the finite generators") - 1
    return nb - rank


def _guard_monomials(data: LieTorusData, d: int, max_degree: int) -> None:
    """Refuse degrees whose monomials cannot be enumerated in memory and time.

    All monomials of degree <= max_degree in d variables, C(max_degree + d, d), are
    enumerated once; each costs its exponents, its weight and one comparison per Weyl group
    element.
    """
    from ..resources import work_time
    from ._util import _guard

    total = math.comb(max_degree + d, d)
    largest = math.comb(max_degree + d - 1, d - 1)
    n_weyl, r = data.weyl_shifts.shape
    # measured: about 0.4 us per monomial on S2 under SO(2) (numba enumeration, the weights,
    # and numpy comparisons over short rows, which cost far more than one element each)
    per_monomial = 5.0 * (3.0 * d + n_weyl * (r + 2.0))
    _guard(f"the invariant polynomials of degree up to {max_degree} in {d} variables",
           f"{float(total):.3g} monomials, Weyl group of order {n_weyl}",
           nbytes=8.0 * largest * (2 * d + 2 * r + 4),
           seconds=work_time(elements=float(total) * per_monomial,
                             python_steps=(max_degree + 1) * (n_weyl + 5)),
           advice="lower lam (the monomials grow like lam^(D/2) on the sphere in R^D)")


def _guard_dense(data: LieTorusData, d: int, n_generators: int, counts: np.ndarray,
                 n_zero: np.ndarray) -> None:
    """Refuse the dense part (finite generators on the G_0-invariants) when it cannot
    finish in the time limit, before any of it runs (sizes known from the exact counts)."""
    from ..resources import work_time
    from ._util import _guard

    flops = 0.0  # complex arithmetic: 4 real flops per operation
    n_pos = len(data.root_operators)
    for k in np.flatnonzero(counts):
        nb, nz = float(counts[k]), float(max(n_zero[k], counts[k]))
        points = 2.0 * nb + 8.0
        if not data.abelian:  # kernel of the root operators: an SVD of (n_pos nz) x nz
            flops += 80.0 * max(n_pos, 1) * nz ** 3
        flops += 4.0 * points * nz * (d * (k + 2.0) + nb) * (n_generators + 1)  # values
        flops += 80.0 * (n_generators + 1) * points * nb * nb  # the two SVDs
    if flops:
        worst = int(np.argmax(counts))
        _guard(f"the finite generators on the G_0-invariant polynomials up to degree "
               f"{counts.size - 1}", f"up to {int(counts[worst])} invariants of degree {worst}, "
               f"{n_generators} generators", seconds=work_time(flops=flops),
               advice="lower lam (the finite generators are applied by dense linear algebra "
                      "on every degree)")


def lie_sphere_dimensions(action: Any, max_degree: int) -> np.ndarray:
    """Number of G-invariant harmonics of each degree on ``S^{D-1}``.

    ``dim P_k^G - dim P_{k-2}^G``, ``P_k^G`` the G-invariant homogeneous polynomials of
    degree k. The connected part is counted exactly from weights (module docstring); finite
    generators are applied in floating point with a checked singular-value gap (``-I`` in
    closed form: it kills the odd degrees); with no algebra the finite group is enumerated
    (harmonic Molien series, exact).

    Parameters
    ----------
    action : LinearAction
        ``algebra`` (m, D, D) skew-symmetric, ``generators`` (g, D, D) orthogonal.
    max_degree : int
        Largest degree k (>= 0).

    Returns
    -------
    ndarray of shape (max_degree + 1,), int64
        Entry k: multiplicity of the eigenvalue ``k(k+D-2)`` on ``S^{D-1}/G``.

    Raises
    ------
    GroupError
        The action is malformed (not skew, not orthogonal, shapes).
    CountingError
        Exp(algebra) is not closed (a dense winding), a floating-point rank is unclear, or a
        budget is exceeded.
    """
    max_degree = int(max_degree)
    if max_degree < 0:
        raise SpecError(f"max_degree must be >= 0, got {max_degree}")
    algebra, generators, d = _action_arrays(action)
    if algebra.shape[0] == 0:
        from .sphere import sphere_invariant_dimensions

        if generators.shape[0] == 0:
            return sphere_invariant_dimensions(None, max_degree, dim=d)
        return sphere_invariant_dimensions(generators, max_degree, dim=d)
    data = lie_torus_data(algebra)
    _guard_monomials(data, d, max_degree)
    # +-I acts on P_k by the scalar (+-1)^k: no linear algebra for it (O(n), G_0 x {+-I})
    scalar = np.array([abs(float(np.abs(g - np.eye(d)).max())) < 1e-12
                       or abs(float(np.abs(g + np.eye(d)).max())) < 1e-12 for g in generators],
                      dtype=bool)
    odd_killed = bool(any(g[0, 0] < 0 for g in generators[scalar]))
    generators = generators[~scalar]
    if generators.shape[0]:
        from ._twisted import (_centralizing_elements, _twisted_invariants,
                               torus_normalizer_invariants)

        elements = _centralizing_elements(algebra, generators)
        poly = None
        if elements is not None:  # Weyl integration twisted by the finite part (fast, exact)
            poly = _twisted_invariants(data, elements, max_degree)
        elif data.abelian:  # a torus with a finite part permuting its weight spaces
            poly = torus_normalizer_invariants(data, generators, max_degree)
        if poly is not None:
            if odd_killed:
                poly[1::2] = 0
            harmonic = poly.copy()
            harmonic[2:] -= poly[:-2]
            if np.any(harmonic < 0):
                raise CountingError("negative harmonic count from the twisted Weyl integral")
            return harmonic
    rng = np.random.default_rng(_SEED + 1)
    poly = np.zeros(max_degree + 1, dtype=np.int64)
    n_zero = np.zeros(max_degree + 1, dtype=np.int64)
    for k in range(max_degree + 1):  # the connected part: exact weight counts (cheap)
        if odd_killed and k % 2:
            continue  # -I in G: no invariant of odd degree
        exponents = _monomials(d, k)
        poly[k] = _connected_invariants(data, exponents)
        if generators.shape[0] and poly[k]:
            n_zero[k] = int(np.count_nonzero(
                ~np.any(_weights_of(exponents, data.weights), axis=1)))
    if generators.shape[0]:  # the finite part: dense linear algebra, estimated first
        _guard_dense(data, d, generators.shape[0], poly, n_zero)
        for k in np.flatnonzero(poly):
            exponents = _monomials(d, int(k))
            zero, basis = _connected_basis(data, exponents, int(poly[k]))
            poly[k] = _fixed_dimension(data, exponents, zero, basis, generators, rng)
    harmonic = poly.copy()
    harmonic[2:] -= poly[:-2]
    if np.any(harmonic < 0):
        raise CountingError("negative harmonic count: the generators do not normalize the "
                            "algebra or the floating-point rank failed; check the action")
    return harmonic


# ----------------------------------------------------------------------------------------
# the direct path (independent check)


def _exact_rank(blocks: list, n: int) -> int:
    """Exact rank of stacked sparse rational matrices (sympy DomainMatrix over QQ)."""
    from sympy import QQ
    from sympy.polys.matrices import DomainMatrix

    rows: dict[int, dict[int, Any]] = {}
    offset = 0
    for block in blocks:
        coo = block.tocoo()
        for i, j, v in zip(coo.row, coo.col, coo.data):
            f = Fraction(float(v)).limit_denominator(10**6)
            if f != 0:
                rows.setdefault(offset + int(i), {})[int(j)] = QQ(f.numerator, f.denominator)
        offset += block.shape[0]
    if not rows:
        return 0
    keys = sorted(rows)
    sdm = {new: rows[old] for new, old in enumerate(keys)}
    return DomainMatrix(sdm, (len(keys), n), QQ).rank()


def kernel_sphere_dimensions(action: Any, max_degree: int, *, exact: bool | None = None
                             ) -> np.ndarray:
    """The same counts as :func:`lie_sphere_dimensions` by the direct general path.

    ``P_k^{G_0}`` is the common kernel of the derivations ``(X p)(x) = grad p(x) . X x`` on
    the real monomial basis (sparse matrices from the numba kernel); its rank is exact
    (sympy, rational arithmetic) when ``exact`` (default: ``action.rational``), otherwise
    from singular values with the gap check. Finite generators act on a basis of that
    kernel through values at random points of ``S^{D-1}``. Dense: meant for small degrees
    (independent checks), not for Weyl fits.

    Parameters
    ----------
    action : LinearAction
    max_degree : int
    exact : bool, optional

    Returns
    -------
    ndarray of shape (max_degree + 1,), int64
    """
    algebra, generators, d = _action_arrays(action)
    if exact is None:
        exact = bool(getattr(action, "rational", False))
    if exact and generators.shape[0]:
        raise SpecError("the exact direct path handles the connected part only; use "
                        "exact=False with finite generators")
    rng = np.random.default_rng(_SEED + 2)
    poly = np.zeros(int(max_degree) + 1, dtype=np.int64)
    for k in range(int(max_degree) + 1):
        exponents = _monomials(d, k)
        n = exponents.shape[0]
        mats = [_derivation(exponents, x.astype(np.complex128)).real for x in algebra]
        if exact:
            poly[k] = n - _exact_rank(mats, n)
            continue
        if mats:
            stacked = np.concatenate([m.toarray() for m in mats])
            basis = _null_space(stacked, "common kernel of the derivations")
        else:
            basis = np.eye(n)
        if generators.shape[0] and basis.shape[1]:
            points = rng.standard_normal((2 * basis.shape[1] + 8, d))
            points /= np.linalg.norm(points, axis=1, keepdims=True)

            def values(p: np.ndarray) -> np.ndarray:
                return np.prod(p[:, None, :] ** exponents[None, :, :], axis=2)

            base = values(points) @ basis
            stacked = np.concatenate([values(points @ g) @ basis - base for g in generators])
            # points @ g = (g^T x)^T = g^{-1} x for orthogonal g
            s = np.linalg.svd(stacked, compute_uv=False)
            ref = max(float(np.abs(base).max()), 1.0) * math.sqrt(points.shape[0])
            rank = _gap_rank(np.concatenate([[ref], s]), "fixed space (direct path)") - 1
            poly[k] = basis.shape[1] - rank
        else:
            poly[k] = basis.shape[1]
    harmonic = poly.copy()
    harmonic[2:] -= poly[:-2]
    return harmonic
