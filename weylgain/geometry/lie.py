"""Quotient geometry of a compact group action: d_G and vol(M/G) by the coarea formula.

For G = G0 . F (G0 the identity component, F the finite part) acting linearly on M (a sphere,
RP^d, a ball, or a product of spheres and balls, of one radius or several):

* d_G = dim M - (generic orbit dimension), the generic rank of x -> (X_1 x, ..., X_m x)
  (exact sympy rank at rational points for rational matrices, else numerical), checked
  against the action's own answer (the one the exact counts use). It is always reported:
  where the volume is refused, :class:`~weylgain.geometry.result.QuotientVolumeError`
  carries it.
* vol(M/G) = vol(M/G0) / order(F_eff), F_eff the image of F acting on M/G0: f acts
  trivially there when f x lies in G0 x at 3 generic points (least squares over the
  exponential coordinates, 16 starts; trivial below 1e-7, non-trivial above 1e-4, refused
  in between). Enumeration of F stops at MAX_FINITE_ELEMENTS elements.
* vol(M/G0) = int_M dvol(x) / vol(G0 x) (coarea), with vol(G0 x) = J(x) vol(G0) / vol(H):
  J(x) the product of the non-zero singular values of c -> sum c_a X_a x, vol(G0) the volume
  of the group in the metric where the basis is orthonormal (Macdonald's formula,
  :mod:`weylgain.geometry.compact`), H the stabilizer of a generic point -- finite
  (locally free actions) or not -- found on the normal space of its orbit
  (:func:`~weylgain.geometry.compact.generic_stabilizer`). Conjugating the group by an
  orthogonal matrix changes none of these numbers.
* Closed forms, tried in order: a transitive action (a point, volume 1); one ball (coarea in
  the radius: vol(S/G0)/(d_G(S) + 1)); an algebra that splits along the factors of a
  product (the product of the factor quotients); a group fixing a subspace of R^D (S^(D-1)
  is a join, a Beta integral times the quotient of the moved sphere -- so a tilted copy of a
  catalogue group gives the catalogue's answer); a constant orbit volume (vol(M) /
  vol(orbit), e.g. Hopf); two 2-spheres rotated together by SO(3) ([0, pi/sqrt 2]); a circle
  rotating one plane; a polar representation with a section of dimension 2 or 3 (S(Sigma)/W,
  |W| from a quadrature of the orbit volume over the section, accepted when an integer to
  1e-5: spin 2 of SO(3) on S^4 gives pi/3, SO(4) on symmetric 4 x 4 matrices pi/6, the
  adjoint SU(3) on S^7 pi/3).
* Otherwise a deterministic seeded Monte Carlo average over M (MC_SAMPLES uniform points,
  uniform in each ball factor) with its error (``vol_quotient_error``): the integrand is
  unbounded near singular orbits, so the mass of a fitted Pareto tail beyond the largest
  sample is added to the mean and to the standard error (measured coverage: |z| <= 2.5 over
  36 seeded runs of spin 2, SU(3) adjoint and B3^2 with the polar route disabled).
* Boundary: for ball factors, vol(dM/G) is the sum over the faces (one ball replaced by its
  sphere) by the same code with a quarter of the samples. Walls: the Lie-group quotients
  report no reflection walls (wall_volume 0); singular strata change only lower-order terms.
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Any

import numpy as np

from ..errors import GroupError
from ..groups._linalg import commuting_weights, recognize, span_coefficients, torus_lattice

__all__ = [
    "linear_quotient_geometry",
    "torus_quotient_geometry",
    "generic_orbit_dimension",
    "MAX_FINITE_ELEMENTS",
    "MC_SAMPLES",
]

MAX_FINITE_ELEMENTS = 20_000
MC_SAMPLES = 1 << 20  # Monte Carlo points of the coarea average
MC_SEED = 20231
RANK_RTOL = 1e-9
TRIVIAL_TOL = 1e-7
NONTRIVIAL_TOL = 1e-4


# ====================================================================== points and rank
def _unit_points(blocks: tuple[int, ...], n: int, rng: np.random.Generator) -> np.ndarray:
    """n uniform random points of the product of unit spheres S^(b-1), shape (n, sum b)."""
    x = rng.standard_normal((n, sum(blocks)))
    off = 0
    for b in blocks:
        seg = x[:, off:off + b]
        seg /= np.linalg.norm(seg, axis=1, keepdims=True)
        off += b
    return x


def _rational_sphere_point(b: int, rng: np.random.Generator) -> list[Fraction]:
    """A random rational point of the unit sphere S^(b-1) (inverse stereographic projection)."""
    if b == 1:
        return [Fraction(1)]
    y = [Fraction(int(rng.integers(-9, 10)), int(rng.integers(1, 8))) for _ in range(b - 1)]
    s = sum(v * v for v in y)
    return [2 * v / (1 + s) for v in y] + [(s - 1) / (1 + s)]


def _tangent_matrix(algebra: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Columns X_a x: shape (D, m)."""
    return np.einsum("aij,j->ia", algebra, x)


def generic_orbit_dimension(algebra: np.ndarray, blocks: tuple[int, ...], rational: bool,
                            seed: int = 7) -> tuple[int, str]:
    """Generic rank of x -> (X_a x)_a on the product of unit spheres of the given blocks.

    Returns
    -------
    rank : int
    text : str
        How it was computed (exact or numerical with its tolerance).
    """
    m = algebra.shape[0]
    if m == 0:
        return 0, "no continuous part: orbit dimension 0"
    rng = np.random.default_rng(seed)
    if rational:
        import sympy as sp

        from ..groups._linalg import to_fraction

        Xq = [sp.Matrix([[sp.Rational(to_fraction(v).numerator, to_fraction(v).denominator)
                          for v in row] for row in X]) for X in algebra]
        best = 0
        for _ in range(3):
            pt = [v for b in blocks for v in _rational_sphere_point(b, rng)]
            xq = sp.Matrix([sp.Rational(v.numerator, v.denominator) for v in pt])
            T = sp.Matrix.hstack(*[X * xq for X in Xq])
            best = max(best, int(T.rank()))
        return best, (f"generic orbit dimension {best}: exact rank of (X_a x) at 3 random "
                      "rational points of M (rational matrices)")
    best = 0
    for x in _unit_points(blocks, 5, rng):
        s = np.linalg.svd(_tangent_matrix(algebra, x), compute_uv=False)
        if s.size and s[0] > 0:
            best = max(best, int((s > RANK_RTOL * s[0]).sum()))
    return best, (f"generic orbit dimension {best}: numerical rank of (X_a x) at 5 seeded random "
                  f"points (singular values above {RANK_RTOL:g} of the largest), maximum taken")


# ====================================================================== connected part
def _is_abelian(algebra: np.ndarray) -> bool:
    scale = max(1.0, float(np.abs(algebra).max(initial=0.0))) ** 2
    return all(np.abs(algebra[a] @ algebra[b] - algebra[b] @ algebra[a]).max() <= 1e-9 * scale
               for a in range(len(algebra)) for b in range(a + 1, len(algebra)))


def _sample_points(blocks: tuple[int, ...], balls: tuple[bool, ...], n: int,
                   rng: np.random.Generator, radii: tuple[float, ...] | None = None
                   ) -> np.ndarray:
    """n uniform random points of the product of spheres S^(b-1) and balls B^b (unit radii,
    or ``radii``)."""
    x = _unit_points(blocks, n, rng)
    off = 0
    for i, (b, ball) in enumerate(zip(blocks, balls)):
        if ball:
            x[:, off:off + b] *= rng.random((n, 1)) ** (1.0 / b)
        if radii is not None:
            x[:, off:off + b] *= float(radii[i])
        off += b
    return x


def _fixed_space_reduction(block: int, algebra: np.ndarray, rational: bool, what: str,
                           steps: list[str], n_samples: int) -> tuple[int, Any, float] | None:
    """A group moving only a subspace V1 of R^D (fixing V1^perp = R^p pointwise): S^(D-1) is
    the join of S(V1) and S^(p-1); with x = (cos t u, sin t w), the quotient metric is dt^2 +
    cos^2 t ds^2(S(V1)/G0) + sin^2 t ds^2(S^(p-1)), so vol = vol(S(V1)/G0) vol(S^(p-1))
    int_0^(pi/2) cos^a t sin^(p-1) t dt, a = dim S(V1)/G0. None when nothing is fixed."""
    import sympy as sp

    from ..manifolds._formulas import sphere_volume

    D = block
    stacked = algebra.reshape(-1, D)
    _, sv, vt = np.linalg.svd(stacked)
    scale = max(1.0, float(np.abs(algebra).max()))
    k = int((sv > 1e-9 * scale).sum())
    if k == 0 or k == D:
        return None
    Q1 = vt[:k].T
    p = D - k
    sub = np.einsum("ik,aij,jl->akl", Q1, algebra, Q1)
    sub = (sub - np.transpose(sub, (0, 2, 1))) / 2
    steps.append(f"the group moves a {k}-dimensional subspace V1 of R^{D} and fixes its "
                 f"complement R^{p}: S^{D - 1} is the join of S(V1) = S^{k - 1} and S^{p - 1}")
    sub_steps: list[str] = []
    rank, v1, e1, _ = _connected((k,), (False,), sub, rational and _rat(sub), what, sub_steps,
                                 n_samples)
    steps.extend(f"on S(V1): {t}" for t in sub_steps)
    a = (k - 1) - rank
    half = sp.S.Half
    integral = sp.gamma(sp.Rational(a + 1, 2)) * sp.gamma(sp.Rational(p, 2)) / \
        sp.gamma(sp.Rational(a + 1 + p, 2)) * half
    factor = sp.simplify(sphere_volume(p - 1) * integral)
    vol = sp.simplify(v1 * factor)
    steps.append(f"vol(M/G0) = vol(S(V1)/G0) vol(S^{p - 1}) int_0^(pi/2) cos^{a} t "
                 f"sin^{p - 1} t dt = ({v1}) * {factor} = {vol}")
    return rank, vol, e1 * float(factor)


def _connected(blocks: tuple[int, ...], balls: tuple[bool, ...], algebra: np.ndarray,
               rational: bool, what: str, steps: list[str], n_samples: int,
               radii: tuple[Any, ...] | None = None) -> tuple[int, Any, float, Any]:
    """(orbit dim, vol(M1/G0) at unit radii, its standard error, orbit volume or None) for
    the product M1 of unit spheres S^(b-1) (and unit balls B^b where ``balls`` says so);
    with ``radii`` (factors of different radii) the volume is that of the product with
    those radii."""
    import sympy as sp

    from ..manifolds._formulas import ball_volume, sphere_volume

    dimM = sum(b if ball else b - 1 for b, ball in zip(blocks, balls))
    rr = radii if radii is not None else (1,) * len(blocks)
    volM = sp.Mul(*[(ball_volume(b) if ball else sphere_volume(b - 1)) *
                    sp.sympify(r) ** (b if ball else b - 1)
                    for b, ball, r in zip(blocks, balls, rr)])
    m = algebra.shape[0]
    if m == 0:
        return 0, volM, 0.0, None
    rank, text = generic_orbit_dimension(algebra, blocks, rational)
    steps.append(text)
    if rank == dimM:
        steps.append("the orbits are open: G0 is transitive and the quotient is a point "
                     "(volume 1; only constants are invariant)")
        return rank, sp.S.One, 0.0, volM
    if len(blocks) == 1 and balls[0]:
        # coarea in the radius: the sphere of radius t has quotient t^a vol(S/G0)
        sub_steps: list[str] = []
        r, v, e, _ = _connected(blocks, (False,), algebra, rational, what, sub_steps,
                                n_samples)
        steps.extend(sub_steps)
        a = blocks[0] - 1 - r
        vol = sp.simplify(v / (a + 1))
        steps.append(f"coarea in the radius: vol(B^{blocks[0]}/G0) = int_0^1 t^{a} "
                     f"vol(S^{blocks[0] - 1}/G0) dt = {vol}")
        return r, vol, e / (a + 1), None
    # an algebra that splits along the factors: product of the factor quotients
    if len(blocks) > 1:
        off = np.concatenate([[0], np.cumsum(blocks)])
        parts = []
        for i, b in enumerate(blocks):
            sub = algebra[:, off[i]:off[i + 1], off[i]:off[i + 1]].reshape(m, -1)
            u, s, vt = np.linalg.svd(sub, full_matrices=False)
            r = int((s > 1e-9 * max(1.0, s.max(initial=0.0))).sum()) if s.size else 0
            parts.append(vt[:r].reshape(r, b, b))
        if sum(p.shape[0] for p in parts) == m:  # algebra = direct sum of its projections
            steps.append("the algebra splits along the factors: M/G0 is the product of the "
                         "factor quotients")
            tot_rank, vol, err2, orbit = 0, sp.S.One, 0.0, sp.S.One
            for i, (b, p) in enumerate(zip(blocks, parts)):
                sub_steps = []
                r, v, e, o = _connected((b,), (balls[i],), p, rational and _rat(p), what,
                                        sub_steps, n_samples)
                steps.extend(f"factor {i + 1}: {t}" for t in sub_steps)
                if radii is not None:  # the factor's quotient at its radius
                    dg_i = (b if balls[i] else b - 1) - r
                    sc = sp.sympify(radii[i])
                    v, e = v * sc ** dg_i, e * float(sc) ** dg_i
                    o = None if o is None else o * sc ** r
                if p.shape[0] == 0:
                    steps.append(f"factor {i + 1}: not acted on (volume {v})")
                    o = sp.S.One
                err2 = math.sqrt(err2 ** 2 * float(v) ** 2 + e ** 2 * float(vol) ** 2)
                tot_rank += r
                vol = vol * v
                orbit = None if (o is None or orbit is None) else orbit * o
            return tot_rank, vol, err2, orbit
    if len(blocks) == 1:
        red = _fixed_space_reduction(blocks[0], algebra, rational, what, steps, n_samples)
        if red is not None:
            return red[0], red[1], red[2], None
    from .compact import compact_group_volume, generic_stabilizer, orbit_jacobian

    vb, vb_exact, text = compact_group_volume(algebra, what)
    steps.append(text)
    rng = np.random.default_rng(MC_SEED)
    x0 = _sample_points(blocks, balls, 1, rng, radii)[0]
    vh, vh_exact, n_comp, stab_text = generic_stabilizer(algebra, x0, what)
    steps.append(stab_text)
    probe = _sample_points(blocks, balls, 64, rng, radii)
    sq = orbit_jacobian(algebra, probe, rank)
    steps.append("vol(G0 x) = J(x) vol(G0) / vol(H), J(x) the product of the non-zero "
                 "singular values of c -> sum c_a X_a x (coarea along g -> g x)")
    if np.ptp(sq) <= 1e-10 * sq.max():
        orbit = recognize(float(sq.mean())) * vb_exact / vh_exact
        vol = sp.simplify(volM / orbit)
        steps.append(f"J = {recognize(float(sq.mean()))} is constant: every orbit "
                     f"has volume {orbit}; vol(M/G0) = vol(M)/vol(orbit) = {volM}/({orbit}) = "
                     f"{vol}")
        return rank, vol, 0.0, orbit
    if blocks == (3, 3) and not any(balls) and radii is None and m == 3 and \
            not _is_abelian(algebra) and \
            _faithful_on_each_block(algebra, blocks):
        # two points of S^2 rotated together: a faithful 3-dim real representation of so(3)
        # is the standard one up to an orthogonal change of basis, so the orbit of (x1, x2)
        # is labelled by the angle theta between x1 and Q x2; moving the points apart by
        # dtheta/2 each is horizontal, of length sqrt(2) dtheta / 2, hence M/G0 =
        # [0, pi/sqrt(2)] (the Monte Carlo integrand 1/sin(theta) has infinite variance here)
        vol = sp.pi / sp.sqrt(2)
        steps.append("two unit 2-spheres rotated together: M/G0 is the angle between the "
                     "points, the interval [0, pi/sqrt(2)] in the quotient metric; "
                     f"vol(M/G0) = {vol}")
        return rank, vol, 0.0, None
    if m == 1 and len(blocks) == 1 and not balls[0]:
        W = commuting_weights(algebra)
        if W.shape[0] == 1:  # one rotated plane: rho^2 ~ Beta(1, q/2) on the sphere
            q = blocks[0] - 2
            beta = lambda a, b: sp.gamma(a) * sp.gamma(b) / sp.gamma(a + b)  # noqa: E731
            omega = recognize(abs(float(W[0, 0])))
            vol = sp.simplify(volM * beta(sp.S.Half, sp.Rational(q, 2)) /
                              beta(sp.S.One, sp.Rational(q, 2)) / (omega * vb_exact / vh_exact))
            steps.append(f"one rotated plane of weight {omega}: J = {omega} rho, "
                         f"rho^2 ~ Beta(1, {q}/2) on S^{blocks[0] - 1}; vol(M/G0) = vol(M) "
                         f"E[1/rho] / ({omega} vol(G0)/vol(H)) = {vol}")
            return rank, vol, 0.0, None
    polar = _polar_section(algebra, blocks, balls, rank, x0, vb, vh, volM, what, steps)
    if polar is not None:
        return rank, polar, 0.0, None
    # Monte Carlo of the coarea average
    value, err, tail = _coarea_monte_carlo(algebra, blocks, balls, rank, vh / vb, float(volM),
                                           n_samples, rng, radii)
    steps.append(f"orbit volume not constant: Monte Carlo average of 1/vol(G0 x) over "
                 f"{n_samples} seeded uniform points of M: vol(M/G0) = {value:.8g} +- "
                 f"{err:.2g} (1/vol(G0 x) is unbounded near the singular orbits: the mass "
                 f"{tail:.2g} of a Pareto tail beyond the largest sample is added to the mean "
                 "and to the standard error)")
    return rank, sp.Float(value, 12), err, None


TAIL_K = 64  # order statistics of the Hill estimate of the integrand's tail


def _coarea_monte_carlo(algebra: np.ndarray, blocks: tuple[int, ...], balls: tuple[bool, ...],
                        rank: int, ratio: float, volM: float, n_samples: int,
                        rng: np.random.Generator, radii: tuple[Any, ...] | None = None
                        ) -> tuple[float, float, float]:
    """vol(M) E[ratio / J(x)] over uniform x: (value, error, tail term).

    1/J is unbounded near the singular orbits (a Pareto tail P(f > t) ~ t^-a: a = 2 where
    the singular orbits have codimension 2 and one dimension less, a = 3/2 for codimension 3
    and two less), so a sample of n points misses, typically, the tail's mass beyond its
    largest value f_max, and its standard error under-covers. That mass, a/(a - 1) f_max / n
    for a Pareto tail (a by Hill's estimate from the TAIL_K largest values, at least 1.05),
    is added to the mean and, in quadrature, to the standard error."""
    from .compact import orbit_jacobian

    total, total2, n_done = 0.0, 0.0, 0
    top = np.zeros(0)
    chunk = 1 << 16
    while n_done < n_samples:
        n = min(chunk, n_samples - n_done)
        x = _sample_points(blocks, balls, n, rng, radii)
        with np.errstate(divide="ignore"):
            f = ratio / orbit_jacobian(algebra, x, rank)
        f = f[np.isfinite(f)]
        total += float(f.sum())
        total2 += float((f * f).sum())
        top = np.sort(np.concatenate([top, f]))[-TAIL_K:]
        n_done += n
    mean = total / n_done
    var = max(total2 / n_done - mean * mean, 0.0)
    tail = 0.0
    if top.size == TAIL_K and top[0] > 0:
        hill = float(np.mean(np.log(top[1:] / top[0])))
        if hill > 0:
            alpha = max(1.0 / hill, 1.05)
            tail = alpha / (alpha - 1) * float(top[-1]) / n_done
    se = math.sqrt(var / n_done)
    return volM * (mean + tail), volM * math.hypot(se, tail), volM * tail


POLAR_MAX_SECTION = 3  # quadrature over the unit sphere of a section of dimension <= 3
POLAR_INTEGER_RTOL = 1e-5


def _polar_section(algebra: np.ndarray, blocks: tuple[int, ...], balls: tuple[bool, ...],
                   rank: int, x0: np.ndarray, vb: float, vh: float, volM: Any, what: str,
                   steps: list[str]) -> Any:
    """vol(S^(D-1)/G0) = vol(S(Sigma)) / |W| for a polar representation, else None.

    The normal space Sigma of the orbit at a regular point x0 is a section (meets every orbit
    orthogonally) when <X_a u, w> = 0 for all a and u, w in Sigma (Dadok's criterion); then
    S^(D-1)/G0 = S(Sigma)/W isometrically, W the finite generalized Weyl group, and the
    integration formula vol(M) = (1/|W|) int_S(Sigma) vol(G0 y) dy gives |W| from a
    quadrature of the orbit volume over the unit sphere of Sigma (dimension 2 or 3). The
    order is accepted when it is an integer to 1e-5."""
    import sympy as sp

    from ..manifolds._formulas import sphere_volume
    from .compact import orbit_jacobian

    if len(blocks) != 1 or balls[0]:
        return None
    A = np.einsum("aij,j->ia", algebra, x0)
    u, s, _ = np.linalg.svd(A)
    nu = u[:, rank:]
    k = nu.shape[1]
    if k < 2 or k > POLAR_MAX_SECTION:
        return None
    C = np.einsum("ip,aij,jq->apq", nu, algebra, nu)
    if np.abs(C).max() > 1e-9 * max(1.0, float(np.abs(algebra).max())):
        return None
    if k == 2:
        n = 1 << 15
        t = (np.arange(n) + 0.5) * (2 * math.pi / n)
        Y = np.cos(t)[:, None] * nu[:, 0] + np.sin(t)[:, None] * nu[:, 1]
        integral = float(orbit_jacobian(algebra, Y, rank).mean()) * 2 * math.pi
        how = f"midpoint rule with {n} points on the circle"
    else:
        nz, nphi = 600, 1200
        z, wz = np.polynomial.legendre.leggauss(nz)
        phi = (np.arange(nphi) + 0.5) * (2 * math.pi / nphi)
        total = 0.0
        for zi, wi in zip(z, wz):
            rho = math.sqrt(max(1 - zi * zi, 0.0))
            Y = (rho * np.cos(phi))[:, None] * nu[:, 0] + (rho * np.sin(phi))[:, None] * \
                nu[:, 1] + zi * nu[:, 2]
            total += wi * float(orbit_jacobian(algebra, Y, rank).mean()) * 2 * math.pi
        integral = total
        how = f"Gauss-Legendre x midpoint rule, {nz} x {nphi} points on the 2-sphere"
    order = vb * integral / (vh * float(volM))
    nearest = round(order)
    if nearest < 1 or abs(order - nearest) > POLAR_INTEGER_RTOL * nearest:
        steps.append(f"polar test: the section gives |W| = {order:.8g}, not an integer to "
                     f"{POLAR_INTEGER_RTOL:g}; the Monte Carlo route is used")
        return None
    vol = sp.simplify(sphere_volume(k - 1) / nearest)
    steps.append(f"the representation is polar: the normal space Sigma (dimension {k}) of a "
                 f"generic orbit meets the orbits orthogonally (<X_a u, w> = 0 on Sigma), so "
                 f"M/G0 = S^{k - 1}/W; |W| = vol(G0) int_S(Sigma) J / (vol(H) vol(M)) = "
                 f"{order:.9g} ({how}) = {nearest}; vol(M/G0) = vol(S^{k - 1})/{nearest} = {vol}")
    return vol


def _faithful_on_each_block(algebra: np.ndarray, blocks: tuple[int, ...]) -> bool:
    """True when the algebra's restriction to every block has full rank (acts faithfully)."""
    m = algebra.shape[0]
    off = np.concatenate([[0], np.cumsum(blocks)])
    for i in range(len(blocks)):
        sub = algebra[:, off[i]:off[i + 1], off[i]:off[i + 1]].reshape(m, -1)
        if np.linalg.matrix_rank(sub, tol=1e-9 * max(1.0, float(np.abs(sub).max()))) < m:
            return False
    return True


def _rat(a: np.ndarray) -> bool:
    from ..groups._linalg import is_rational

    return is_rational(a)


def _sqrt_gram(algebra: np.ndarray, x: np.ndarray) -> np.ndarray:
    from .compact import orbit_jacobian

    V = np.einsum("aij,nj->nai", algebra, x[:1])
    rank = int(np.linalg.matrix_rank(V[0], tol=1e-9 * max(1.0, float(np.abs(V).max()))))
    return orbit_jacobian(algebra, x, rank)


# ====================================================================== finite part
def _finite_elements(gens: np.ndarray, name: str) -> np.ndarray:
    from ..groups.finite import from_generators

    D = gens.shape[1]
    if gens.shape[0] == 0:
        return np.eye(D)[None]
    try:
        return from_generators(gens, name=name).elements(MAX_FINITE_ELEMENTS)[0]
    except GroupError as exc:
        raise GroupError(
            f"the finite generators of {name!r} generate more than {MAX_FINITE_ELEMENTS} "
            "matrices (or an infinite group, e.g. a rotation by an irrational angle); the "
            "effective order on M/G0 is found by enumeration, so give finite-order generators "
            "(an element of G0 need not be listed)") from exc


def _in_orbit(algebra: np.ndarray, x: np.ndarray, y: np.ndarray, rng: np.random.Generator
              ) -> float:
    """min over t of |exp(sum t_a X_a) x - y| (multi-start least squares)."""
    from scipy.optimize import least_squares

    from .compact import expm_skew as expm

    m = algebra.shape[0]
    d0 = float(np.linalg.norm(x - y))
    if m == 0 or d0 < TRIVIAL_TOL:
        return d0
    spans = []
    for X in algebra:
        ev = np.abs(np.linalg.eigvals(X).imag)
        ev = ev[ev > 1e-9]
        spans.append(2 * math.pi / ev.min() if ev.size else 1.0)
    spans = np.array(spans)

    def res(t: np.ndarray) -> np.ndarray:
        return expm(np.einsum("a,aij->ij", t, algebra)) @ x - y

    best = d0
    for _ in range(16):
        t0 = rng.uniform(-1, 1, m) * spans
        sol = least_squares(res, t0, xtol=1e-14, ftol=1e-14, gtol=1e-14)
        best = min(best, float(np.linalg.norm(sol.fun)))
        if best < TRIVIAL_TOL:
            break
    return best


def _invariant_quadrics(algebra: np.ndarray) -> np.ndarray:
    """A basis (k, D, D) of the symmetric Q with [Q, X_a] = 0: G0-invariant quadratic forms."""
    D = algebra.shape[1]
    idx = [(i, j) for i in range(D) for j in range(i, D)]
    cols = []
    for i, j in idx:
        Q = np.zeros((D, D))
        Q[i, j] = Q[j, i] = 1.0
        cols.append(np.concatenate([(Q @ X - X @ Q).ravel() for X in algebra] or [np.zeros(1)]))
    A = np.array(cols).T
    _, s, vt = np.linalg.svd(A, full_matrices=False)  # U of (m D^2)^2 entries is never needed
    rank = int((s > 1e-9 * max(1.0, s.max(initial=0.0))).sum())
    out = []
    for v in vt[rank:]:
        Q = np.zeros((D, D))
        for c, (i, j) in zip(v, idx):
            Q[i, j] = Q[j, i] = c
        out.append(Q)
    return np.array(out).reshape(-1, D, D)


def _trivial_count(algebra: np.ndarray, elements: np.ndarray, blocks: tuple[int, ...],
                   balls: tuple[bool, ...], what: str) -> int:
    """Number of finite elements acting trivially on M/G0 (f x in G0 x at 3 generic points)."""
    rng = np.random.default_rng(11)
    pts = _sample_points(blocks, balls, 3, rng)
    Q = _invariant_quadrics(algebra)
    count = 0
    for f in elements:
        # cheap necessary test first: G0-invariant quadratic forms and det Gamma must agree
        fx = pts @ f.T
        qa = np.einsum("kij,ni,nj->nk", Q, pts, pts)
        qb = np.einsum("kij,ni,nj->nk", Q, fx, fx)
        ga, gb = _sqrt_gram(algebra, pts), _sqrt_gram(algebra, fx)
        if np.abs(qa - qb).max(initial=0.0) > NONTRIVIAL_TOL or \
                np.abs(ga - gb).max(initial=0.0) > NONTRIVIAL_TOL:
            continue
        trivial = True
        for x in pts:
            d = _in_orbit(algebra, x, f @ x, rng)
            if d > NONTRIVIAL_TOL:
                trivial = False
                break
            if d > TRIVIAL_TOL:
                raise GroupError(f"{what}: cannot decide whether a finite element acts trivially "
                                 f"on M/G0 (distance {d:.3g} from the orbit, between "
                                 f"{TRIVIAL_TOL:g} and {NONTRIVIAL_TOL:g})")
        count += trivial
    return count


# ====================================================================== linear groups
def linear_quotient_geometry(manifold: Any, group: Any, n_samples: int = MC_SAMPLES) -> Any:
    """QuotientGeometry of a :class:`~weylgain.groups.LieGroup` on a sphere, RP^d, a ball or
    a product of spheres or balls of equal radii (module docstring for the method).

    Raises
    ------
    ActionError
        The group does not act on the manifold.
    QuotientVolumeError
        vol(M/G) is not computable here; the exception carries d_G (``quotient_dim``) and the
        reason.
    """
    from ..errors import ResourceError, UnsupportedError
    from ..manifolds import parse_manifold
    from .result import QuotientVolumeError

    M = parse_manifold(manifold) if isinstance(manifold, str) else manifold
    act = group.action_on(M)
    try:
        return _linear_quotient_geometry(M, group, act, n_samples)
    except (UnsupportedError, ResourceError, GroupError) as exc:
        from ..errors import ActionError, GroupDefinitionError

        if isinstance(exc, (ActionError, GroupDefinitionError, QuotientVolumeError)):
            raise
        d_G = M.dim - _action_rank(act)
        raise QuotientVolumeError(M.name, group.name, M.dim, d_G, str(exc)) from exc


def _action_rank(act: Any) -> int:
    """The generic orbit dimension of the identity component (the action's own answer, the
    one the exact counts use)."""
    return int(act.generic_orbit_dimension())


def _linear_quotient_geometry(M: Any, group: Any, act: Any, n_samples: int) -> Any:
    import sympy as sp

    from ..manifolds._formulas import DEFAULT_MAX_ORDER
    from .finite import finite_quotient_geometry
    from .result import QuotientGeometry

    algebra, generators = act.algebra, act.generators
    D = act.dim
    label = act.label
    if algebra.shape[0] == 0:
        from ..groups.finite import from_generators

        fg = from_generators(generators, name=group.name) if generators.shape[0] \
            else _trivial_finite(group.name, D)
        q = finite_quotient_geometry(M, fg, DEFAULT_MAX_ORDER)
        return _with(q, action=label, group=group.name)
    factors = M.factors
    balls = tuple(_ball_radius(f) is not None for f in factors)
    radii_l = [f.cover()[0].sphere_radius() if not ball else _ball_radius(f)
               for f, ball in zip(factors, balls)]
    if any(v is None for v in radii_l):
        raise GroupError(f"vol(M/G) for a Lie-algebra group is computed on spheres, RP^d, balls "
                         f"and their products; not on {M.name}")
    distinct = {sp.sympify(v) for v in radii_l}
    # one radius: computed at radius 1 and scaled by r^d_G; several: sampled at their radii
    if len(distinct) == 1:
        r, radii = distinct.pop(), None
    else:
        r, radii = sp.S.One, tuple(sp.sympify(v) for v in radii_l)
    steps: list[str] = [f"action: {label}"]
    what = f"group {group.name!r} on {M.name}"
    gens = np.array(generators)
    if len(factors) == 1 and M.antipodal_blocks():  # RP^d
        gens = np.concatenate([gens, -np.eye(D)[None]])
        steps.append(f"{M.name} = S^{M.dim}/(-I): work on the sphere with -I added to the "
                     "finite part")
    blocks = act.blocks
    rank, vol1, err1, orbit1 = _connected(blocks, balls, algebra, act.rational, what,
                                          steps, n_samples, radii)
    if rank != _action_rank(act):
        from ..errors import UnsupportedError

        raise UnsupportedError(f"{what}: the generic orbit dimension is {rank} by one test and "
                               f"{_action_rank(act)} by another; refused rather than guessed")
    dimM = M.dim
    d_G = dimM - rank
    transitive = d_G == 0
    elements = _finite_elements(gens, group.name) if gens.shape[0] else np.eye(D)[None]
    n_el = elements.shape[0]
    if transitive:
        eff, kernel = 1, n_el
    else:
        kernel = _trivial_count(algebra, elements, blocks, balls, what)
        eff = n_el // kernel
        steps.append(f"finite part: {n_el} elements modulo G0-trivial ones: {kernel} act trivially "
                     f"on M/G0 (f x in G0 x), so |F_eff| = {eff}")
    scale = r ** d_G
    bpart = _ball_boundary(blocks, balls, algebra, act.rational, what, steps, n_samples,
                           r ** (d_G - 1) / eff, radii) if any(balls) else sp.S.Zero
    qvol = sp.S.One if transitive else sp.simplify(vol1 * scale / eff)
    err = 0.0 if transitive else err1 * float(scale) / eff
    orbit = None if orbit1 is None else sp.simplify(orbit1 * r ** rank)
    steps.append(f"vol(M/G) = vol(M/G0) / |F_eff| = {qvol}" + (f" +- {err:.2g}" if err else "")
                 + ("" if r == 1 else f" (radius {r}: scale r^{d_G})"))
    return QuotientGeometry(
        manifold=M.name, group=group.name, dim=dimM, quotient_dim=d_G, volume=M.volume,
        quotient_volume=qvol, wall_volume=sp.S.Zero, boundary_part_volume=bpart,
        group_order=None, effective_order=eff, kernel_order=kernel, n_reflections=None,
        orbit_volume=orbit, transitive=transitive, continuous=True, derivation=tuple(steps),
        vol_quotient_error=float(err), action=label)


def _ball_boundary(blocks: tuple[int, ...], balls: tuple[bool, ...], algebra: np.ndarray,
                   rational: bool, what: str, steps: list[str], n_samples: int,
                   factor: Any, radii: tuple[Any, ...] | None = None) -> Any:
    """vol(dM/G) for a product with ball factors: dM is the union of the faces where one ball
    factor is replaced by its boundary sphere; each face's quotient by the same coarea code
    (a quarter of the samples: the boundary enters only the second Weyl term)."""
    import sympy as sp

    total = sp.S.Zero
    for i, ball in enumerate(balls):
        if not ball:
            continue
        face = tuple(False if j == i else b for j, b in enumerate(balls))
        sub: list[str] = []
        _, v, e, _ = _connected(blocks, face, algebra, rational, what, sub,
                                max(n_samples // 4, 1 << 12), radii)
        total += v
    bpart = sp.nsimplify(total * factor) if total.is_Rational else total * factor
    steps.append(f"boundary: dM is the union of the faces where one ball factor becomes its "
                 f"sphere; vol(dM/G) = sum of the faces' quotients = {sp.N(bpart, 8)}")
    return bpart


def _ball_radius(f: Any) -> Any:
    """The radius of a full-dimensional ball factor (every rotation of its R^n maps it onto
    itself and it has the dimension of its R^n), read from its volume; else None."""
    import sympy as sp

    from ..manifolds._formulas import ball_volume

    n = f.ambient_dim
    if f.dim != n or f.linear_blocks() != (n,) or f.halfspace_axis() is not None or \
            f.antipodal_blocks() or f.sphere_radius() is not None:
        return None
    return sp.nsimplify(sp.simplify((f.volume / ball_volume(n)) ** sp.Rational(1, n)))


def _trivial_finite(name: str, D: int) -> Any:
    from ..groups.finite import FiniteGroup

    return FiniteGroup(name, (), D, 1, "trivial")


def _with(q: Any, **kw: Any) -> Any:
    import dataclasses

    return dataclasses.replace(q, **kw)
