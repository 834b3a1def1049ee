"""Exact Laplace spectra below a cut-off: the tables behind ``Manifold.exact_spectrum``.

A table is (eigenvalues, multiplicities): distinct eigenvalues <= lam in ascending order
(float64) and their multiplicities (int64). Products add eigenvalues and multiply
multiplicities (the eigenfunctions of M1 x M2 are products), so a flat torus is the product
of its circles and a box the product of its Neumann intervals.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..errors import CountingError, ParameterError

# multiplicities and counts stay exact in int64 below this
_MAX_MULTIPLICITY = 2 ** 62
# rows of one table; beyond, the exact route is the lattice counters of weylgain.exact
_MAX_ROWS = 20_000_000

Spectrum = tuple[np.ndarray, np.ndarray]


def check_cutoff(lam: Any) -> float:
    """The cut-off lam as a float: a finite real number >= 0."""
    if isinstance(lam, (bool, np.bool_)) or not isinstance(lam, (int, float, np.integer,
                                                                  np.floating)):
        raise ParameterError(f"the cut-off lam must be a real number >= 0; got {lam!r}")
    value = float(lam)
    if not math.isfinite(value) or value < 0:
        raise ParameterError(f"the cut-off lam must be a finite number >= 0; got {lam!r}")
    return value


def _check_rows(rows: float, name: str) -> None:
    """Refuse a table of more rows than the exact tables hold, before it is allocated."""
    from ..errors import ResourceError
    from ..resources import check_memory, exact_table_memory

    if rows > _MAX_ROWS:
        raise ResourceError(
            f"the exact spectrum of {name} below this cut-off has about {rows:.3g} entries "
            f"(more than {_MAX_ROWS:.0e}); choose a smaller cut-off lam")
    check_memory(exact_table_memory(rows, 2, 8, 3, f"the exact spectrum of {name}"),
                 "choose a smaller cut-off lam")


def sphere_spectrum(d: int, radius: float, lam: float, step: int, name: str) -> Spectrum:
    """k(k+d-1)/r^2 for k = 0, step, 2 step, ..., with the dimensions of the harmonics of
    degree k, C(k+d, d) - C(k+d-2, d)."""
    # largest k with k(k+d-1) <= lam r^2
    k_max = int(math.floor((-(d - 1) + math.sqrt((d - 1) ** 2 + 4 * lam * radius ** 2)) / 2))
    _check_rows(k_max / step + 1, name)
    ks = [k for k in range(0, k_max + 1, step) if k * (k + d - 1) / radius ** 2 <= lam]
    mult = []
    for k in ks:
        m = math.comb(k + d, d) - (math.comb(k + d - 2, d) if k >= 2 else 0)
        if m > _MAX_MULTIPLICITY:
            raise CountingError(f"the multiplicity of the degree-{k} eigenvalue of {name} "
                                f"exceeds 2^62; choose a smaller cut-off lam")
        mult.append(m)
    eig = np.array([k * (k + d - 1) / radius ** 2 for k in ks], dtype=np.float64)
    return eig, np.array(mult, dtype=np.int64)


def interval_spectrum(unit: float, lam: float, periodic: bool, name: str) -> Spectrum:
    """unit * m^2 for m >= 0: a circle (periodic: multiplicity 2 for m > 0) or a Neumann
    interval (multiplicity 1)."""
    m_max = int(math.floor(math.sqrt(lam / unit)))
    _check_rows(m_max + 1, name)
    m = np.arange(m_max + 1, dtype=np.float64)
    eig = unit * m ** 2
    keep = eig <= lam
    mult = np.ones(m_max + 1, dtype=np.int64)
    if periodic:
        mult[1:] = 2
    return eig[keep], mult[keep]


def product_spectrum(tables: list[Spectrum], lam: float, name: str) -> Spectrum:
    """The spectrum of a product below lam: sums of eigenvalues, products of multiplicities,
    equal sums (to round-off) merged."""
    eig, mult = tables[0]
    for e2, m2 in tables[1:]:
        _check_rows(float(len(eig)) * float(len(e2)), name)
        if len(mult) and len(m2) and float(mult.max()) * float(m2.max()) > _MAX_MULTIPLICITY:
            raise CountingError(f"a multiplicity of the spectrum of {name} exceeds 2^62; "
                                "choose a smaller cut-off lam")
        sums = eig[:, None] + e2[None, :]
        keep = sums <= lam
        s, p = sums[keep], (mult[:, None] * m2[None, :])[keep]
        order = np.argsort(s, kind="stable")
        s, p = s[order], p[order]
        if not len(s):
            eig, mult = s, p
            continue
        # a new eigenvalue where the sum moves by more than round-off
        new = np.concatenate([[True], np.diff(s) > 1e-9 * np.maximum(1.0, np.abs(s[1:]))])
        starts = np.flatnonzero(new)
        if np.add.reduceat(p.astype(np.float64), starts).max() > _MAX_MULTIPLICITY:
            raise CountingError(f"a multiplicity of the spectrum of {name} exceeds 2^62; "
                                "choose a smaller cut-off lam")
        eig, mult = s[starts], np.add.reduceat(p, starts)
    return eig, mult


# --- the Neumann ball: zeros of Bessel cross-products -------------------------------------
#
# The Neumann eigenfunctions of the unit ball B^d are g(k r) Y_l with Y_l a spherical harmonic
# of degree l on S^(d-1) and g(x) = x^(1 - d/2) J_nu(x), nu = l + d/2 - 1. The condition
# g'(k) = 0 reads f(k) = k J_nu'(k) + (1 - d/2) J_nu(k) = 0. Completeness rests on three facts:
#   * l = 0: f(x) = -x J_(d/2)(x) (since nu = d/2 - 1), so the roots are 0 (the constants) and
#     the zeros of J_(d/2);
#   * l >= 1: a + nu = l > 0 with a = 1 - d/2, so (Dixon) the positive zeros of f interlace with
#     those of J_nu: exactly one in (0, j_(nu,1)) and one in each (j_(nu,i), j_(nu,i+1));
#     the Rayleigh quotient puts the first above x0 = sqrt(l (l + d - 2));
#   * the zeros of J_nu (nu >= 1/2 here) lie beyond nu and are more than 3 apart (Sturm
#     comparison for sqrt(x) J_nu), so a grid of step 1 from nu brackets each one once.

_GRID_STEP = 1.0


def _jv(nu: np.ndarray, x: np.ndarray) -> np.ndarray:
    """J_nu(x); half-integer orders (odd dimensions) through the spherical Bessel functions,
    J_(n+1/2)(x) = sqrt(2x/pi) j_n(x), several times faster than jv at large orders."""
    from scipy.special import jv, spherical_jn

    nu = np.broadcast_to(np.asarray(nu, dtype=np.float64), np.shape(x))
    n = nu - 0.5
    half = np.abs(n - np.rint(n)) < 1e-12
    if not half.all():
        return jv(nu, x)
    n = np.rint(n).astype(np.int64)
    out = np.empty(np.shape(x))
    neg = n < 0  # J_(-1/2)(x) = sqrt(2/(pi x)) cos x
    out[neg] = np.sqrt(2 / (np.pi * x[neg])) * np.cos(x[neg])
    pos = ~neg
    out[pos] = np.sqrt(2 * x[pos] / np.pi) * spherical_jn(n[pos], x[pos])
    return out


def _bessel_f(nu: np.ndarray, a: np.ndarray, b: float, x: np.ndarray
              ) -> tuple[np.ndarray, np.ndarray]:
    """f = a J_nu(x) + b x J_nu'(x) and its x-derivative a J' + b (nu^2/x - x) J
    (J' = J_(nu-1) - nu J_nu / x; Bessel's equation for J'')."""
    J = _jv(nu, x)
    Jp = _jv(nu - 1, x) - nu * J / x
    return a * J + b * x * Jp, a * Jp + b * (nu * nu / x - x) * J


def _refine(nu: np.ndarray, a: np.ndarray, b: float, lo: np.ndarray, hi: np.ndarray
            ) -> np.ndarray:
    """The one root of f in each bracket [lo, hi] (f changes sign there): Newton steps kept
    inside the bracket (bisection where a step leaves it), all brackets at once."""
    lo, hi = lo.astype(np.float64).copy(), hi.astype(np.float64).copy()
    flo = _bessel_f(nu, a, b, lo)[0]
    x = 0.5 * (lo + hi)
    out = np.empty_like(x)
    idx = np.arange(len(x))
    for _ in range(200):
        fx, dfx = _bessel_f(nu, a, b, x)
        left = np.sign(fx) == np.sign(flo)
        lo = np.where(left, x, lo)
        flo = np.where(left, fx, flo)
        hi = np.where(left, hi, x)
        with np.errstate(divide="ignore", invalid="ignore"):
            newton = x - fx / dfx
        inside = np.isfinite(newton) & (newton >= lo) & (newton <= hi)
        new = np.where(inside, newton, 0.5 * (lo + hi))
        new = np.where(fx == 0, x, new)
        done = (inside & (np.abs(newton - x) <= 1e-14 * x)) | (hi - lo <= 1e-15 * x) | \
            (fx == 0)
        out[idx[done]] = new[done]
        keep = ~done
        if not keep.any():
            return out
        idx, nu, a, lo, hi, flo, x = (v[keep] for v in (idx, nu, a, lo, hi, flo, new))
    raise CountingError("the Bessel root refinement did not converge (please report: "
                        "this should not happen)")


def _bessel_zeros(nus: np.ndarray, xmax: float) -> tuple[np.ndarray, np.ndarray]:
    """Every zero of J_nu in (0, xmax] for each order nu in ``nus`` (all >= 1/2):
    (zeros, index into nus), grouped by order, ascending within an order."""
    counts = np.maximum(np.ceil((xmax - nus) / _GRID_STEP).astype(np.int64), 0)
    owner = np.repeat(np.arange(len(nus)), counts + 1)
    starts = np.concatenate([[0], np.cumsum(counts + 1)[:-1]])
    pos = np.arange(len(owner)) - np.repeat(starts, counts + 1)
    grid = np.minimum(nus[owner] + _GRID_STEP * pos, xmax)
    vals = _jv(nus[owner], grid)
    s = np.sign(vals)
    same = owner[:-1] == owner[1:]
    cells = np.flatnonzero(same & (s[:-1] * s[1:] < 0))
    node = np.flatnonzero((s == 0) & (grid > 0))
    zeros = np.concatenate([
        _refine(nus[owner[cells]], np.ones(len(cells)), 0.0, grid[cells], grid[cells + 1]),
        grid[node]])
    which = np.concatenate([owner[cells], owner[node]])
    order = np.lexsort((zeros, which))
    return zeros[order], which[order]


def _ball_radial_roots(d: int, kmax: float) -> tuple[np.ndarray, np.ndarray]:
    """(k, l): every Neumann radial root k <= kmax of the unit ball B^d with its degree l."""
    if d == 1:
        degrees = np.arange(2)
    else:  # the first root of degree l lies above sqrt(l (l + d - 2))
        degrees = np.arange(int(math.floor(kmax)) + 2)
        degrees = degrees[(degrees == 0) | (degrees * (degrees + d - 2) < kmax * kmax)]
    # l = 0: f = -x J_(d/2), the constant and the zeros of J_(d/2)
    z0, _ = _bessel_zeros(np.array([d / 2]), kmax)
    ls = degrees[degrees > 0]
    if not len(ls):
        return np.concatenate([[0.0], z0]), np.zeros(len(z0) + 1, dtype=np.int64)
    nus = ls + d / 2 - 1
    zs, which = _bessel_zeros(nus, kmax)
    x0 = np.maximum(np.sqrt(ls * (ls + d - 2.0)), 1e-3)
    keep = zs > x0[which]  # (the zeros of J_nu lie beyond nu >= x0 anyway)
    zs, which = zs[keep], which[keep]
    # intervals (x0, j_1), (j_1, j_2), ..., (j_m, kmax) of each degree
    lo = np.concatenate([x0, zs])
    grp = np.concatenate([np.arange(len(ls)), which])
    order = np.lexsort((lo, grp))
    lo, grp = lo[order], grp[order]
    last = np.append(grp[1:] != grp[:-1], True)
    hi = np.where(last, kmax, np.roll(lo, -1))
    valid = lo < hi
    lo, hi, grp, last = lo[valid], hi[valid], grp[valid], last[valid]
    a = np.full(len(lo), 1 - d / 2)
    flo = _bessel_f(nus[grp], a, 1.0, lo)[0]
    fhi = _bessel_f(nus[grp], a, 1.0, hi)[0]
    change = flo * fhi < 0
    # every interval up to the last zero of J_nu holds exactly one root (interlacing)
    if not (change | last | (fhi == 0)).all():
        raise CountingError(f"the Neumann roots of B{d} do not interlace with the zeros of "
                            "J_nu (please report: this should not happen)")
    roots = _refine(nus[grp[change]], a[change], 1.0, lo[change], hi[change])
    exact = fhi == 0
    k = np.concatenate([[0.0], z0, roots, hi[exact]])
    l = np.concatenate([np.zeros(len(z0) + 1, dtype=np.int64), ls[grp[change]],
                        ls[grp[exact]]])
    return k, l.astype(np.int64)


def harmonic_dimension(n: int, l: int) -> int:
    """The dimension of the spherical harmonics of degree l on S^n (S^0: degrees 0 and 1)."""
    if n == 0:
        return 1 if l in (0, 1) else 0
    return math.comb(l + n, n) - (math.comb(l + n - 2, n) if l >= 2 else 0)


def ball_neumann_modes(d: int, lam: float, radius: float, name: str
                       ) -> tuple[np.ndarray, np.ndarray]:
    """(eigenvalues, degrees) of the Neumann ball B^d(radius) below lam, one entry per radial
    mode, sorted by eigenvalue (then degree)."""
    kmax = math.sqrt(lam) * radius
    # radial modes: about sum_l (kmax - l) / pi ~ kmax^2 / (2 pi); the grid pi times more
    _check_rows(kmax * kmax / 2 + 2 * kmax + 4, name)  # the bracketing grid
    k, deg = _ball_radial_roots(d, kmax)
    eig = (k / radius) ** 2
    keep = eig <= lam
    eig, deg = eig[keep], deg[keep]
    order = np.lexsort((deg, eig))
    return np.ascontiguousarray(eig[order]), np.ascontiguousarray(deg[order])


def ball_spectrum(d: int, radius: float, lam: float, name: str) -> Spectrum:
    """The Neumann spectrum of B^d(radius) below lam: distinct eigenvalues (radial modes of
    different degrees never coincide in exact arithmetic; equal ones to round-off merged) and
    multiplicities sum of dim H_l(S^(d-1))."""
    eig, deg = ball_neumann_modes(d, lam, radius, name)
    mult = np.array([harmonic_dimension(d - 1, int(l)) for l in deg], dtype=np.int64)
    if not len(eig):
        return eig, mult
    new = np.concatenate([[True], np.diff(eig) > 1e-12 * np.maximum(1.0, eig[1:])])
    starts = np.flatnonzero(new)
    return eig[starts], np.add.reduceat(mult, starts)


# --- characters: traces of isometries on eigenspaces ---------------------------------------
#
# A table of traces is (eigenvalues, traces): distinct eigenvalues <= lam (float64 (n,)) and
# the trace of each isometry g on each eigenspace (float64 (n, g)), g acting by f -> f o g^-1
# (the real characters of orthogonal representations: g and g^-1 have the same trace).


def harmonic_characters(linear: np.ndarray, kmax: int) -> np.ndarray:
    """Traces of orthogonal maps on the harmonics of degree k = 0..kmax.

    sum_k tr(A | P_k) t^k = 1 / det(I - t A) = prod_j 1 / (1 - z_j t) over the eigenvalues
    z_j of A (homogeneous polynomials P_k); the harmonics are H_k = P_k - P_(k-2).

    Parameters
    ----------
    linear : ndarray of float64, shape (g, n, n)
        Orthogonal matrices.
    kmax : int
        Largest degree (>= 0).

    Returns
    -------
    ndarray of float64, shape (kmax + 1, g)
        Entry (k, i): the trace of ``linear[i]`` on the degree-k harmonics of S^(n-1).
    """
    linear = np.ascontiguousarray(linear, dtype=np.float64)
    g = linear.shape[0]
    z = np.linalg.eigvals(linear) if g else np.zeros((0, linear.shape[1]), dtype=complex)
    z = z / np.abs(z)  # on the unit circle (orthogonal)
    c = np.zeros((kmax + 1, g), dtype=np.complex128)
    c[0] = 1.0
    for j in range(z.shape[1]):  # multiply the series by 1 / (1 - z_j t)
        zj = z[:, j]
        for k in range(1, kmax + 1):
            c[k] += zj * c[k - 1]
    p = c.real
    h = p.copy()
    h[2:] -= p[:-2]
    return h


def merge_rows(eig: np.ndarray, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sort by eigenvalue and add the rows of equal eigenvalues (to round-off, 1e-9
    relative): eig (n,), rows (n, ...) -> distinct eig, summed rows."""
    order = np.argsort(eig, kind="stable")
    eig, rows = eig[order], rows[order]
    if not len(eig):
        return eig, rows
    new = np.concatenate([[True], np.diff(eig) > 1e-9 * np.maximum(1.0, np.abs(eig[1:]))])
    starts = np.flatnonzero(new)
    return eig[starts], np.add.reduceat(rows, starts, axis=0)


def degree_traces(eig: np.ndarray, degree: np.ndarray, linear: np.ndarray,
                  symmetry: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Traces on eigenspaces that are the harmonics of one degree each (spheres, RP^d, balls),
    or their part invariant under a finite group R of maps commuting with ``linear``
    (``symmetry``: its elements, (r, n, n); hemispheres): the harmonic character of that
    degree averaged over A R, equal eigenvalues merged."""
    kmax = int(degree.max()) if len(degree) else 0
    linear = np.asarray(linear, dtype=np.float64)
    if symmetry is None or len(symmetry) <= 1:
        chars = harmonic_characters(linear, kmax)
    else:
        g = linear.shape[0]
        both = np.concatenate([linear @ h for h in symmetry])
        chars = harmonic_characters(both, kmax).reshape(kmax + 1, len(symmetry), g).mean(1)
    return merge_rows(eig, chars[degree])


def lattice_modes(steps: list[float], lam: float, signed: bool, name: str
                  ) -> tuple[np.ndarray, np.ndarray]:
    """Integer modes m with sum_j steps_j m_j^2 <= lam (m in Z^n when ``signed``, else N^n):
    (modes (N, n) int64, eigenvalues (N,) float64)."""
    tops = [int(math.floor(math.sqrt(lam / s) + 1e-9)) for s in steps]
    total = 1.0
    for t in tops:
        total *= (2 * t + 1) if signed else (t + 1)
    _check_rows(total * (len(steps) + 1), name)
    axes = [np.arange(-t if signed else 0, t + 1, dtype=np.int64) for t in tops]
    grid = np.stack(np.meshgrid(*axes, indexing="ij"), axis=-1).reshape(-1, len(steps))
    eig = (grid.astype(np.float64) ** 2) @ np.asarray(steps, dtype=np.float64)
    keep = eig <= lam * (1 + 1e-12)
    return grid[keep], eig[keep]


def mode_traces(modes: np.ndarray, eig: np.ndarray, linear: np.ndarray, shift: np.ndarray,
                periodic: bool) -> tuple[np.ndarray, np.ndarray]:
    """Traces of signed permutations on the modes of a flat torus (periodic: e_m(x) =
    exp(2 pi i m.x / L), x -> A x + t L fixes e_m up to the phase exp(-2 pi i m.t) when
    A m = m) or of a Neumann box centred at 0 (cos modes; a reflected axis gives (-1)^m_j,
    a permutation must fix m)."""
    n = modes.shape[1]
    g = linear.shape[0]
    traces = np.zeros((len(eig), g))
    mf = modes.astype(np.float64)
    for i in range(g):
        A = np.rint(linear[i])
        perm = np.argmax(np.abs(A), axis=0)  # e_j -> sign_j e_perm(j)
        sign = A[perm, np.arange(n)]
        if periodic:
            fixed = np.all(mf @ A.T == mf, axis=1)
            phase = np.cos(2 * np.pi * (mf @ shift[i]))
            traces[:, i] = np.where(fixed, phase, 0.0)
        else:
            fixed = np.all(modes[:, perm] == modes, axis=1)
            odd = (modes[:, sign < 0].sum(axis=1) % 2) == 1
            traces[:, i] = np.where(fixed, np.where(odd, -1.0, 1.0), 0.0)
    return merge_rows(eig, traces)
