"""Volumes of compact connected matrix groups and generic stabilizers (for the coarea formula).

* :func:`compact_group_volume`: the volume of G0 = closure(exp(span basis)) in O(D), in the
  left-invariant metric in which the given basis is orthonormal. Macdonald's formula with the
  Ad-invariant trace form h(X, Y) = -tr(X Y) of the representation: vol_h(G0) = vol_h(T)
  prod_{alpha > 0} 2 pi / <alpha, rho>, T a maximal torus (the centraliser of a random element,
  its volume the covolume of the kernel lattice of exp), alpha the positive roots (the angles
  by which exp(t H) rotates the root planes), rho half their sum; then vol_basis(G0) =
  vol_h(G0) / sqrt(det K), K the Gram matrix of the basis in h. (U(n): (2 pi)^(n(n+1)/2) /
  prod_{k<n} k!; SU(n): sqrt(n) (2 pi)^((n^2+n-2)/2) / prod_{k<n} k!; SO(3): 8 pi^2.)
* :func:`generic_stabilizer`: at a point x, the stabilizer H = G0_x. Its Lie algebra is the
  kernel of c -> sum c_a X_a x; at a principal point H acts trivially on the normal space
  nu = (span X_a x)^perp, so H is the set of g in G0 fixing nu pointwise. Its components are
  found by Gauss-Newton on g nu = nu from seeded random starts in G0 (products of
  exponentials), identified modulo H0 and closed under products (a group): |H / H0| and
  vol_basis(H) = |H / H0| vol_basis(H0).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..errors import GroupError
from ..groups._linalg import commuting_weights, recognize, span_coefficients, torus_lattice

__all__ = ["compact_group_volume", "generic_stabilizer", "orbit_jacobian", "expm_skew"]

NULL_RTOL = 1e-8
SOLVE_TOL = 1e-10
MAX_STARTS = 768


def _null(A: np.ndarray, atol: float) -> np.ndarray:
    """Orthonormal basis (columns) of the null space of A: singular values <= atol (absolute,
    so that a matrix of rounding noise has a full null space)."""
    u, s, vt = np.linalg.svd(A)
    rank = int((s > atol).sum())
    return vt[rank:].T.copy()


def _ad_matrices(basis: np.ndarray) -> np.ndarray:
    """(m, m, m): ad[a] is the matrix of [X_a, .] in the basis coordinates."""
    m = basis.shape[0]
    ad = np.zeros((m, m, m))
    for a in range(m):
        for b in range(m):
            ad[a][:, b] = span_coefficients(basis, basis[a] @ basis[b] - basis[b] @ basis[a])
    return ad


def compact_group_volume(basis: np.ndarray, what: str) -> tuple[float, Any, str]:
    """vol of closure(exp(span basis)) in the metric where ``basis`` is orthonormal.

    Parameters
    ----------
    basis : ndarray of shape (m, D, D)
        Skew-symmetric, independent, closed under brackets (a compact Lie algebra).
    what : str
        For messages.

    Returns
    -------
    volume : float
    exact : sympy expression (pi^p times a recognised number, or a Float)
    text : str
        The derivation.
    """
    import sympy as sp

    m = basis.shape[0]
    if m == 0:
        return 1.0, sp.S.One, "the trivial group (volume 1)"
    K = -np.einsum("aij,bji->ab", basis, basis)  # h(X_a, X_b) = -tr(X_a X_b)
    L = np.linalg.cholesky(K)
    # h-orthonormal basis of g: E = L^-1 X (E_i = sum_a (L^-1)_ia X_a)
    Linv = np.linalg.inv(L)
    E = np.einsum("ia,ajk->ijk", Linv, basis)
    ad = _ad_matrices(E)  # skew symmetric in these coordinates
    rng = np.random.default_rng(3)
    c = rng.standard_normal(m)
    adH = np.einsum("a,abc->bc", c, ad)
    scale = max(1.0, float(np.abs(ad).max(initial=0.0)))
    tcoef = _null(adH, NULL_RTOL * scale)  # (m, r): the Cartan subalgebra
    r = tcoef.shape[1]
    T = np.einsum("ar,aij->rij", tcoef, E)  # h-orthonormal (tcoef orthonormal columns)
    W = commuting_weights(T)
    cov, cov_exact, tor_text = torus_lattice(W, what)
    ad_t = np.einsum("ar,abc->rbc", tcoef, ad)
    roots = commuting_weights(ad_t, seed=5)  # one row per positive root (positive on a random H)
    rho = roots.sum(axis=0) / 2.0
    prod = 1.0
    for alpha in roots:
        ip = float(alpha @ rho)
        if ip <= 1e-9:  # pragma: no cover - a positive system has <alpha, rho> > 0
            raise GroupError(f"{what}: root system not recognised (<alpha, rho> = {ip:.3g})")
        prod *= 2 * math.pi / ip
    detK = float(np.linalg.det(K))
    vol = cov * prod / math.sqrt(detK)
    power = r + roots.shape[0]
    exact = sp.pi ** power * recognize(vol / math.pi ** power)
    text = (f"G0 has dimension {m}, rank {r}, {roots.shape[0]} positive roots; maximal torus "
            f"({tor_text}); Macdonald's formula in the trace form -tr(XY): vol = vol(T) "
            f"prod 2 pi/<alpha, rho>, divided by sqrt(det K) = {math.sqrt(detK):.6g} for the "
            f"basis metric: vol(G0) = {exact}")
    return vol, exact, text


def orbit_jacobian(algebra: np.ndarray, x: np.ndarray, rank: int) -> np.ndarray:
    """The product of the ``rank`` largest singular values of c -> sum c_a X_a x, for each
    point (x of shape (n, D)): the Jacobian of g -> g x off its kernel. Shape (n,)."""
    m, D, _ = algebra.shape
    V = (x @ algebra.reshape(m * D, D).T).reshape(x.shape[0], m, D)  # V[n, a] = X_a x_n
    G = V @ V.transpose(0, 2, 1)
    if rank == m:
        return np.sqrt(np.clip(np.linalg.det(G), 0.0, None))
    ev = np.linalg.eigvalsh(G)[:, m - rank:]
    return np.sqrt(np.clip(np.prod(ev, axis=1), 0.0, None))


def expm_skew(X: np.ndarray) -> np.ndarray:
    """exp(X) of a real skew-symmetric matrix, from the eigendecomposition of the Hermitian
    i X (many times faster than a Pade expm at these sizes)."""
    lam, V = np.linalg.eigh(1j * X)
    return np.real((V * np.exp(-1j * lam)) @ V.conj().T)


def _random_element(algebra: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    g = np.eye(algebra.shape[1])
    for _ in range(3):
        t = rng.standard_normal(algebra.shape[0]) * 3.0
        g = expm_skew(np.einsum("a,aij->ij", t, algebra)) @ g
    return g


def _solve_fixing(algebra: np.ndarray, S: np.ndarray, g: np.ndarray) -> np.ndarray | None:
    """Gauss-Newton from g for an element of G0 with g S = S (S of shape (D, k))."""
    for _ in range(60):
        R = g @ S - S
        res = float(np.abs(R).max())
        if res < SOLVE_TOL:
            return g
        J = np.einsum("aij,jk->ika", algebra, g @ S).reshape(-1, algebra.shape[0])
        t = np.linalg.lstsq(J, -R.ravel(), rcond=None)[0]
        step = float(np.linalg.norm(t))
        if step > 1.0:
            t /= step
        g = expm_skew(np.einsum("a,aij->ij", t, algebra)) @ g
    return None


def _in_identity_component(h_alg: np.ndarray, y: np.ndarray, rng: np.random.Generator
                           ) -> bool:
    """y (an element of H) lies in H0 = closure(exp(span h_alg))."""
    D = y.shape[0]
    if float(np.abs(y - np.eye(D)).max()) < 1e-8:
        return True
    if h_alg.shape[0] == 0:
        return False
    for k in range(8):
        g = np.eye(D) if k == 0 else _random_element(h_alg, rng)
        for _ in range(60):
            R = g - y
            if float(np.abs(R).max()) < 1e-9:
                return True
            J = np.einsum("aij,jk->ika", h_alg, g).reshape(-1, h_alg.shape[0])
            t = np.linalg.lstsq(J, -R.ravel(), rcond=None)[0]
            n = float(np.linalg.norm(t))
            if n > 1.0:
                t /= n
            g = expm_skew(np.einsum("a,aij->ij", t, h_alg)) @ g
            if n < 1e-14:
                break
    return False


def generic_stabilizer(algebra: np.ndarray, x: np.ndarray, what: str, seed: int = 17
                       ) -> tuple[float, Any, int, str]:
    """The stabilizer H of a generic point x: (vol_basis(H), exact, |H/H0|, derivation).

    vol_basis(H) is measured in the metric of the algebra's basis restricted to Lie(H).
    """
    import sympy as sp

    m, D, _ = algebra.shape
    A = np.einsum("aij,j->ia", algebra, x)  # (D, m)
    scale = max(1.0, float(np.abs(algebra).max()))
    hcoef = _null(A, NULL_RTOL * scale)  # (m, k)
    h_alg = np.einsum("ak,aij->kij", hcoef, algebra)
    if h_alg.shape[0]:
        vol0, exact0, text0 = compact_group_volume(h_alg, what + " (stabilizer)")
    else:
        vol0, exact0, text0 = 1.0, sp.S.One, "finite"
    nu = _null(A.T, NULL_RTOL * scale)  # (D, D - rank): normal space, contains x
    rng = np.random.default_rng(seed)
    reps: list[np.ndarray] = [np.eye(D)]

    def known(g: np.ndarray) -> bool:
        return any(_in_identity_component(h_alg, r.T @ g, rng) for r in reps)

    starts, quiet = 0, 0
    while starts < MAX_STARTS and (quiet < 32 + 16 * len(reps)):
        g = _solve_fixing(algebra, nu, _random_element(algebra, rng))
        starts += 1
        quiet += 1
        if g is not None and not known(g):
            reps.append(g)
            quiet = 0
    # close under products: H/H0 is a group
    changed = True
    while changed and len(reps) <= 4096:
        changed = False
        for a in list(reps):
            for b in list(reps):
                p = a @ b
                if not known(p):
                    reps.append(p)
                    changed = True
    if len(reps) > 4096:  # pragma: no cover - a finite group of this size is not generic
        raise GroupError(f"{what}: the generic stabilizer has more than 4096 components")
    n = len(reps)
    err = max(float(np.abs(g @ nu - nu).max()) for g in reps)
    if err > 1e-8:  # pragma: no cover - every found element was checked by the solver
        raise GroupError(f"{what}: a stabilizer element moves the normal space by {err:.3g}")
    kind = ("finite" if h_alg.shape[0] == 0 else
            f"of dimension {h_alg.shape[0]} ({text0})")
    text = (f"generic stabilizer H: {kind}, {n} component{'s' if n > 1 else ''} (elements of "
            f"G0 fixing the normal space of the orbit at a generic point, found by Gauss-Newton "
            f"from {starts} seeded random starts and closed under products); vol(H) = "
            f"{n} * {exact0}")
    return n * vol0, n * exact0, n, text
