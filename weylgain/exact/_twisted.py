"""Invariant polynomials of G = G_0 . H by Weyl integration twisted by a finite part H whose
elements commute with G_0 (private helper of :mod:`weylgain.exact.lie`).

The Haar measure of G averages Haar measure on the cosets h G_0, so
``dim P_k^G = (1/|H|) sum_h int_{G_0} chi_k(h g) dg``. For h commuting with G_0 the function
``g -> chi_k(h g)`` is a class function, and the Weyl integration formula on the maximal
torus, in its Brauer-Klimyk form, gives the integral as ``sum_w sign(w) tr(h | P_k[rho - w
rho])``: h preserves the weight spaces, and its trace there is a sum of ``exp(i a . theta)``
over the monomials of that weight in h-eigen-coordinates. A generator acting on G_0 by an
inner automorphism is first replaced by a commuting element of its coset.
"""

from __future__ import annotations

import math

import numpy as np

from ..errors import CountingError
from ._lie_torus import LieTorusData, _monomials, _weights_of

#: Largest finite part enumerated for the twisted Weyl integration (elements commuting
#: with the connected part); larger ones take the dense route.
MAX_TWISTED_ORDER = 2_000


def _commutes(algebra: np.ndarray, f: np.ndarray) -> bool:
    return all(np.abs(f @ x - x @ f).max() <= 1e-9 * max(1.0, float(np.abs(x).max()))
               for x in algebra)


def _centralizing_representative(algebra: np.ndarray, f: np.ndarray, tries: int = 4,
                                 seed: int = 7) -> np.ndarray | None:
    """An element ``h^-1 f`` of the coset ``f G_0`` that commutes with G_0, or None.

    It exists when f acts on the algebra by an inner automorphism (always for SO(3): a
    mirror is -I times a rotation). ``h = exp(sum c_a X_a)`` is found by least squares on
    ``h^T (f X_a f^T) h - X_a`` from a few seeded starts; the result is accepted only if it
    commutes with every X_a to 1e-9 (so a failed search falls back to the dense route and
    never gives a wrong count).
    """
    from scipy.linalg import expm
    from scipy.optimize import least_squares

    m = algebra.shape[0]
    if m < 3:  # an abelian algebra: conjugating by G_0 does not change the action on it
        return None
    norms = np.array([np.linalg.norm(x) for x in algebra])
    targets = np.array([f @ x @ f.T for x in algebra])

    def residual(c: np.ndarray) -> np.ndarray:
        h = expm(np.tensordot(c, algebra, axes=1))
        return ((np.transpose(h) @ targets @ h - algebra) / norms[:, None, None]).ravel()

    rng = np.random.default_rng(seed)
    scale = 2.0 * math.pi / max(float(np.max(np.abs(np.linalg.eigvals(x)))) for x in algebra)
    for _ in range(tries):
        fit = least_squares(residual, rng.uniform(-scale, scale, m), xtol=1e-15, ftol=1e-15,
                            gtol=1e-15, max_nfev=30 * m)  # ~10 when it converges
        if np.abs(fit.fun).max() > 1e-11:
            continue
        h = expm(np.tensordot(fit.x, algebra, axes=1))
        rep = h.T @ f
        if _commutes(algebra, rep) and np.abs(rep @ rep.T - np.eye(f.shape[0])).max() < 1e-11:
            return rep
    return None


def _centralizing_elements(algebra: np.ndarray, generators: np.ndarray) -> np.ndarray | None:
    """All elements of a finite group H with G_0 H = G_0 <generators> whose elements commute
    with the algebra (then ``g -> chi(h g)`` is a class function of G_0 for each of them),
    when H has at most :data:`MAX_TWISTED_ORDER` elements; else None. A generator that does
    not commute is replaced by a commuting element of its coset f G_0 where one is found
    (:func:`_centralizing_representative`)."""
    if generators.shape[0] == 0:
        return None
    reps = []
    for f in generators:
        rep = f if _commutes(algebra, f) else _centralizing_representative(algebra, f)
        if rep is None:
            return None
        reps.append(rep)
    from ..errors import WeylgainError
    from ..groups.finite import from_generators

    try:
        group = from_generators(np.array(reps), name="finite part")
        linear, _ = group.elements(max_order=MAX_TWISTED_ORDER)
    except WeylgainError:
        return None
    return np.asarray(linear, dtype=np.float64)


def _twisted_data(data: LieTorusData, f: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Weights (D, r) and eigen-angles (D,) of an element f commuting with G_0.

    f commutes with the maximal torus, so in the z-coordinates it is block diagonal over
    the coordinates of equal weight; diagonalised there, each new coordinate keeps its
    weight and carries an eigenvalue exp(i theta) of f.
    """
    u = data.unitary
    fz = u.conj().T @ f.astype(np.complex128) @ u
    d = fz.shape[0]
    weights = data.weights
    keys: dict[tuple, list[int]] = {}
    for j in range(d):
        keys.setdefault(tuple(int(v) for v in weights[j]), []).append(j)
    order, angles = [], []
    covered = np.zeros((d, d), dtype=bool)
    for idx in keys.values():
        block = fz[np.ix_(idx, idx)]
        covered[np.ix_(idx, idx)] = True
        lam = np.linalg.eigvals(block)
        if np.abs(np.abs(lam) - 1.0).max() > 1e-8:
            raise CountingError("a finite element is not unitary on a weight space")
        order.extend(idx)
        angles.extend(np.angle(lam).tolist())
    if np.abs(np.where(covered, 0, fz)).max() > 1e-8:
        raise CountingError("a finite element commuting with the algebra does not preserve "
                            "the weight spaces of the maximal torus")
    return np.ascontiguousarray(weights[order]), np.array(angles)


def _twisted_invariants(data: LieTorusData, elements: np.ndarray, max_degree: int
                        ) -> np.ndarray:
    """``dim P_k^G`` for G = G_0 . H, H a finite group commuting with G_0 (all elements).

    The Haar measure of G is the average over h in H of Haar on the coset h G_0, so
    ``dim P_k^G = (1/|H|) sum_h int_{G_0} chi_k(h g) dg``. For h commuting with G_0,
    ``g -> chi_k(h g)`` is a class function, and the Weyl integration formula in its
    Brauer-Klimyk form gives ``int_{G_0} chi_k(h g) dg = sum_w sign(w) tr(h | P_k[rho - w
    rho])``: the trace of h on the weight spaces of the degree-k polynomials, a sum over
    the monomials of that weight in h-eigen-coordinates of ``exp(i a . theta)``.
    """
    d = data.unitary.shape[0]
    _guard_twisted(data, d, max_degree, elements.shape[0])
    per = [_twisted_data(data, f) for f in elements]
    weights = per[0][0]  # the same weight order for every element (blocks of equal weight)
    thetas = np.stack([theta for _, theta in per], axis=1)  # (D, |H|)
    poly = np.zeros(max_degree + 1, dtype=np.int64)
    for k in range(max_degree + 1):
        exponents = _monomials(d, k)
        mono = _weights_of(exponents, weights)
        hit = np.zeros(exponents.shape[0])
        for shift, sign in zip(data.weyl_shifts, data.weyl_signs):
            hit += int(sign) * np.all(mono == shift, axis=1)
        rows = np.flatnonzero(hit)
        # sum over monomials a of sign * exp(i a . theta_h), for every element h at once
        phases = np.exp(1j * (exponents[rows].astype(np.float64) @ thetas))
        total = complex((hit[rows] @ phases).sum())
        value = total / len(per)
        nearest = round(value.real)
        if abs(value - nearest) > 1e-6 or nearest < 0:
            raise CountingError(
                f"the twisted Weyl integral of degree {k} is {value:.6g}, not a non-negative "
                "integer: the finite part does not form a group with the algebra, or floating "
                "point failed; lower lam")
        poly[k] = int(nearest)
    return poly


def _guard_twisted(data: LieTorusData, d: int, max_degree: int, n_elements: int) -> None:
    """Refuse a twisted Weyl integral that cannot finish in the time limit: every monomial
    of degree <= max_degree gets a weight, a phase and one comparison per Weyl group element,
    for every element of the finite part."""
    from ..resources import work_time
    from ._util import _guard

    total = float(math.comb(max_degree + d, d))
    n_weyl, r = data.weyl_shifts.shape
    per_monomial = 5.0 * (4.0 * d + n_weyl * (r + 3.0))
    _guard(f"the invariant polynomials of degree up to {max_degree} in {d} variables, twisted "
           f"by {n_elements} finite elements", f"{total:.3g} monomials per element",
           nbytes=8.0 * math.comb(max_degree + d - 1, d - 1) * (2 * d + 2 * r + 6),
           seconds=work_time(elements=total * per_monomial * n_elements,
                             python_steps=(max_degree + 1) * n_elements * (n_weyl + 5)),
           advice="lower lam (the monomials grow like lam^(D/2) on the sphere in R^D)")


# ----------------------------------------------------------------------------------------
# a torus G_0 with a finite part that normalizes it (O(2): a mirror reverses the circle)


def _finite_elements(generators: np.ndarray) -> np.ndarray | None:
    """All elements of the finite group generated (at most MAX_TWISTED_ORDER), or None."""
    from ..errors import WeylgainError
    from ..groups.finite import from_generators

    try:
        linear, _ = from_generators(generators, name="finite part").elements(
            max_order=MAX_TWISTED_ORDER)
    except WeylgainError:
        return None
    return np.asarray(linear, dtype=np.float64)


def _complete_symmetric(eigenvalues: np.ndarray, n_max: int) -> np.ndarray:
    """h_n(eigenvalues) for n = 0..n_max: the coefficients of prod_i 1 / (1 - u lambda_i)."""
    out = np.zeros(n_max + 1, dtype=np.complex128)
    out[0] = 1.0
    for lam in eigenvalues:  # multiply by 1 / (1 - u lam): out_n += lam out_{n-1}
        for n in range(1, n_max + 1):
            out[n] += lam * out[n - 1]
    return out


def _torus_cycles(data: LieTorusData, h: np.ndarray) -> list | None:
    """The cycles of weight spaces of an element h normalizing the torus: a list of
    (length L, weight sum sigma, eigenvalues of h^L on the first space of the cycle); None
    when h does not map weight spaces onto weight spaces."""
    u = data.unitary
    hz = u.conj().T @ h.astype(np.complex128) @ u
    spaces: dict[tuple, list[int]] = {}
    for j, w in enumerate(data.weights):
        spaces.setdefault(tuple(int(v) for v in w), []).append(j)
    tol = 1e-8
    image: dict[tuple, tuple] = {}
    for w, idx in spaces.items():
        hits = [w2 for w2, idx2 in spaces.items()
                if np.abs(hz[np.ix_(idx2, idx)]).max() > tol]
        if len(hits) != 1 or len(spaces[hits[0]]) != len(idx):
            return None
        image[w] = hits[0]
    cycles, seen = [], set()
    for start in spaces:
        if start in seen:
            continue
        path = [start]
        while image[path[-1]] != start:
            path.append(image[path[-1]])
            if len(path) > len(spaces):
                return None
        seen.update(path)
        M = np.eye(len(spaces[start]), dtype=np.complex128)
        for a, b in zip(path, path[1:] + [start]):  # V_a -> V_b
            M = hz[np.ix_(spaces[b], spaces[a])] @ M
        sigma = tuple(int(v) for v in np.sum([np.array(w) for w in path], axis=0))
        cycles.append((len(path), sigma, np.linalg.eigvals(M)))
    return cycles


def torus_normalizer_invariants(data: LieTorusData, generators: np.ndarray,
                                max_degree: int) -> np.ndarray | None:
    """``dim P_k^G``, G = T . H with T the torus G_0 and H = <generators> normalizing it.

    For h in H, ``int_T tr(h t | P_k) dt`` is the ``s^k`` coefficient of
    ``int_T det(I - s h t)^-1 dt``. h permutes the weight spaces; over a cycle of length L
    through weights with sum sigma, ``det(I - s h t) = det(I - s^L t^sigma M)`` (M the
    return map of h^L), whose inverse is ``sum_n h_n(M) s^(L n) t^(n sigma)``. The torus
    integral keeps the products with total weight zero, collected by a table over (degree,
    weight). None when H is infinite or too large, or some h does not permute weight
    spaces (then the caller uses the dense route).
    """
    elements = _finite_elements(generators)
    if elements is None:
        return None
    d = data.unitary.shape[0]
    _guard_twisted(data, d, max_degree, elements.shape[0])
    total = np.zeros(max_degree + 1, dtype=np.complex128)
    zero = (0,) * data.rank
    for h in elements:
        cycles = _torus_cycles(data, h)
        if cycles is None:
            return None
        table: dict[tuple, complex] = {(0, zero): 1.0 + 0.0j}
        for length, sigma, lam in cycles:
            coeff = _complete_symmetric(lam, max_degree // length)
            new: dict[tuple, complex] = {}
            for (deg, wsum), value in table.items():
                for n in range((max_degree - deg) // length + 1):
                    key = (deg + length * n, tuple(a + n * b for a, b in zip(wsum, sigma)))
                    new[key] = new.get(key, 0.0) + value * coeff[n]
            table = new
        for (deg, wsum), value in table.items():
            if wsum == zero:
                total[deg] += value
    value = total / elements.shape[0]
    nearest = np.round(value.real)
    if np.abs(value - nearest).max() > 1e-6 or np.any(nearest < 0):
        raise CountingError("the torus integral twisted by the finite part is not a "
                            "non-negative integer: the finite part does not normalize the "
                            "torus, or floating point failed; lower lam")
    return nearest.astype(np.int64)
