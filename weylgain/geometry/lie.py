"""Quotient geometry of a compact group action: d_G and vol(M/G) by the coarea formula.

For G = G0 . F (G0 the identity component, F the finite part) acting on M:

* d_G = dim M - (generic orbit dimension); the generic orbit dimension is the generic rank of
  the infinitesimal action x -> (X_1 x, ..., X_m x): the exact (sympy) rank at 3 random
  rational points of M when every matrix entry is rational, otherwise the numerical rank
  (singular values above 1e-9 of the largest) at 5 seeded random points, the maximum taken.
  Subtori: the rank of the direction matrix.
* vol(M/G) = vol(M/G0) / order(F_eff), F_eff the image of F acting on M/G0: an element f acts
  trivially there when f x lies in the orbit G0 x for generic x, tested at 3 generic points
  by minimising the distance from f x to exp(sum t_a X_a) x over the exponential coordinates t (16 starts;
  trivial below 1e-7, non-trivial above 1e-4, refused in between). Tori: exactly, through
  the invariant lattice modes. Enumeration of F stops at MAX_FINITE_ELEMENTS elements.
* vol(M/G0) = int_M dvol(x) / vol(G0 x) (coarea). For a locally free action (orbit
  dimension = dim G0), vol(G0 x) = sqrt(det Gamma(x)) vol_basis(G0) / order(generic stabilizer),
  Gamma_ab = <X_a x, X_b x> and vol_basis(G0) the volume of G0 in the left-invariant metric
  in which the basis is orthonormal. vol_basis is known for tori (the covolume of the kernel
  lattice of t -> exp(sum t_a X_a), from the weights) and for su(2)/so(3) (normalised by the
  Killing form; SO(3) or SU(2) according to exp(2 pi H) = I or not in the representation).
  Closed forms: a transitive action (a point: volume 1), an algebra that splits along the
  factors of a product (the quotient is the product of the factor quotients), a constant
  orbit volume (vol(M) / vol(orbit), e.g. the Hopf action), a circle rotating one plane of a
  sphere (a Beta integral), two 2-spheres rotated together by SO(3) (the interval
  [0, pi/sqrt(2)]). Otherwise a deterministic seeded Monte Carlo average over M
  (MC_SAMPLES points) with its standard error (``vol_quotient_error``). Caveat: where the
  singular orbits have codimension 2 (diagonal SO(3) on S2^2, where the integrand grows like
  1/sin(angle)) the variance of 1/vol(G0 x) diverges logarithmically; the mean still
  converges (to about 0.2% here) but the stated error is then an underestimate. Where the volume cannot be computed (orbits
  of dimension below dim G0 that are not transitive on a factor, non-simple non-abelian
  algebras, su(2) representations whose generic stabilizer is not determined), a
  :class:`~weylgain.errors.GroupError` says so and gives d_G (exact counts remain
  available).
* Walls: the Lie-group quotients report no reflection walls (wall_volume 0), as for the
  named continuous families; the boundary of M/G contributes to the second Weyl term only.
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


# ====================================================================== vol_basis(G0)
def _structure_constants(algebra: np.ndarray) -> np.ndarray:
    m = algebra.shape[0]
    c = np.zeros((m, m, m))
    for a in range(m):
        for b in range(m):
            c[a, b] = span_coefficients(algebra, algebra[a] @ algebra[b] - algebra[b] @ algebra[a])
    return c


def _group_volume(algebra: np.ndarray, what: str) -> tuple[float, Any, str, str]:
    """vol_basis(G0): (float, sympy expr, kind "torus"/"SO(3)"/"SU(2)", derivation)."""
    import sympy as sp

    m = algebra.shape[0]
    c = _structure_constants(algebra)
    scale = max(1.0, float(np.abs(algebra).max()))
    if np.abs(c).max(initial=0.0) <= 1e-9 * scale:
        W = commuting_weights(algebra)
        cov, exact, text = torus_lattice(W, what)
        return cov, exact, "torus", f"G0 is a torus T^{m}; {text}"
    if m == 3:
        ad = np.transpose(c, (0, 2, 1))  # (ad_a)_{cb} = c[a, b, c]
        kill = np.einsum("aij,bji->ab", ad, ad)
        K = -kill / 2.0  # Gram matrix of the basis in the metric where [E_a, E_b] = eps E_c
        ev = np.linalg.eigvalsh(K)
        if ev.min() <= 1e-9 * ev.max():  # pragma: no cover - 3-dim compact: abelian or su(2)
            raise GroupError(f"{what}: the 3-dimensional algebra is neither abelian nor su(2)")
        H = algebra[0] / math.sqrt(K[0, 0])  # unit length: exp(2 pi H) = I in SO(3)
        from scipy.linalg import expm

        E = expm(2 * math.pi * H)
        D = H.shape[0]
        if np.abs(E - np.eye(D)).max() < 1e-8:
            kind, vol_e = "SO(3)", 8 * sp.pi ** 2
        elif np.abs(expm(4 * math.pi * H) - np.eye(D)).max() < 1e-8:
            kind, vol_e = "SU(2)", 16 * sp.pi ** 2
        else:  # pragma: no cover - every su(2) representation integrates
            raise GroupError(f"{what}: exp(4 pi H) is not the identity; not an su(2) action")
        detK = float(np.linalg.det(K))
        ratio = recognize(1 / math.sqrt(detK))
        exact = vol_e * ratio
        text = (f"G0 is {kind} (exp(2 pi H) {'=' if kind == 'SO(3)' else '!='} I for a unit H in "
                f"the Killing metric -B/2); vol = {vol_e} / sqrt(det K) with K = -B/2 the Gram "
                f"matrix of the basis: {exact}")
        return float(exact), exact, kind, text
    raise GroupError(
        f"{what}: the volume of G0 is computed for tori and for su(2)/so(3) (a {m}-dimensional "
        "non-abelian algebra was given). vol(M/G) is not available for it; d_G and the exact "
        "invariant counts are.")


def _su2_stabilizer(algebra: np.ndarray, what: str) -> tuple[int, str]:
    """Order of the generic stabilizer of an su(2)/so(3) action (rules below), or refuse."""
    c = _structure_constants(algebra)
    ad = np.transpose(c, (0, 2, 1))
    K = -np.einsum("aij,bji->ab", ad, ad) / 2.0
    Kinv = np.linalg.inv(K)
    C = np.einsum("ab,aij,bjk->ik", Kinv, algebra, algebra)  # Casimir, -j(j+1) on spin j
    mu = np.sort(np.linalg.eigvalsh(-(C + C.T) / 2))
    spins: dict[float, int] = {}
    for v in mu:
        j = round(2 * (-1 + math.sqrt(1 + 4 * max(v, 0.0))) / 2) / 2
        spins[j] = spins.get(j, 0) + 1
    comps = {j: (n // (4 * j + 2) if (2 * j) % 2 else n // (2 * j + 1))
             for j, n in spins.items() if j > 0}
    if comps.get(0.5, 0) >= 1:
        return 1, "a spin-1/2 component (quaternions) is acted on freely: trivial stabilizer"
    integer = {j: n for j, n in comps.items() if j == int(j)}
    if integer.get(1.0, 0) >= 1 and sum(integer.values()) >= 2:
        return 1, ("a vector (spin 1) component and another component of spin >= 1: a generic "
                   "pair has trivial stabilizer")
    raise GroupError(
        f"{what}: the generic stabilizer of this su(2) representation (spins "
        f"{sorted(comps)} with multiplicities {[comps[j] for j in sorted(comps)]}) is not "
        "determined (supported: a spin-1/2 component, or a spin-1 component together with "
        "another of spin >= 1), so vol(M/G) is not computed; d_G and exact counts are available")


# ====================================================================== connected part
def _connected(blocks: tuple[int, ...], algebra: np.ndarray, rational: bool, what: str,
               steps: list[str], n_samples: int) -> tuple[int, Any, float, Any]:
    """(orbit dim, vol(M1/G0) at unit radii, its standard error, orbit volume or None) for
    the product M1 of unit spheres S^(b-1)."""
    import sympy as sp

    from ..manifolds._formulas import sphere_volume

    dimM = sum(b - 1 for b in blocks)
    volM = sp.Mul(*[sphere_volume(b - 1) for b in blocks])
    m = algebra.shape[0]
    if m == 0:
        return 0, volM, 0.0, None
    rank, text = generic_orbit_dimension(algebra, blocks, rational)
    steps.append(text)
    if rank == dimM:
        steps.append("the orbits are open: G0 is transitive and the quotient is a point "
                     "(volume 1; only constants are invariant)")
        return rank, sp.S.One, 0.0, volM
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
                sub_steps: list[str] = []
                r, v, e, o = _connected((b,), p, rational and _rat(p), what, sub_steps,
                                        n_samples)
                steps.extend(f"factor {i + 1}: {t}" for t in sub_steps)
                if p.shape[0] == 0:
                    steps.append(f"factor {i + 1}: not acted on (volume {v})")
                    o = sp.S.One
                err2 = math.sqrt(err2 ** 2 * float(v) ** 2 + e ** 2 * float(vol) ** 2)
                tot_rank += r
                vol = vol * v
                orbit = None if (o is None or orbit is None) else orbit * o
            return tot_rank, vol, err2, orbit
    if rank < m:
        raise GroupError(
            f"{what}: the orbits have dimension {rank} < dim G0 = {m} (positive-dimensional "
            f"stabilizers) and G0 is not transitive; vol(M/G) is computed for locally free "
            f"actions, transitive ones and algebras that split along the factors. d_G = "
            f"{dimM - rank}; exact invariant counts are still available")
    vb, vb_exact, kind, text = _group_volume(algebra, what)
    steps.append(text)
    stab, stab_text = (1, "torus acting faithfully: trivial generic stabilizer") \
        if kind == "torus" else _su2_stabilizer(algebra, what)
    steps.append(stab_text)
    rng = np.random.default_rng(MC_SEED)
    probe = _unit_points(blocks, 64, rng)
    sq = _sqrt_gram(algebra, probe)
    steps.append("vol(G0 x) = sqrt(det Gamma(x)) vol_basis(G0) / |stabilizer|, Gamma_ab = "
                 "<X_a x, X_b x> (locally free action)")
    if np.ptp(sq) <= 1e-10 * sq.max():
        orbit = recognize(float(sq.mean())) * vb_exact / stab
        vol = sp.simplify(volM / orbit)
        steps.append(f"sqrt(det Gamma) = {recognize(float(sq.mean()))} is constant: every orbit "
                     f"has volume {orbit}; vol(M/G0) = vol(M)/vol(orbit) = {volM}/({orbit}) = "
                     f"{vol}")
        return rank, vol, 0.0, orbit
    if kind == "SO(3)" and blocks == (3, 3) and _faithful_on_each_block(algebra, blocks):
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
    if kind == "torus" and m == 1 and len(blocks) == 1:
        W = commuting_weights(algebra)
        if W.shape[0] == 1:  # one rotated plane: rho^2 ~ Beta(1, q/2) on the sphere
            q = blocks[0] - 2
            beta = lambda a, b: sp.gamma(a) * sp.gamma(b) / sp.gamma(a + b)  # noqa: E731
            omega = recognize(abs(float(W[0, 0])))
            vol = sp.simplify(volM * beta(sp.S.Half, sp.Rational(q, 2)) /
                              beta(sp.S.One, sp.Rational(q, 2)) / (omega * vb_exact / stab))
            steps.append(f"one rotated plane of weight {omega}: sqrt(det Gamma) = {omega} rho, "
                         f"rho^2 ~ Beta(1, {q}/2) on S^{blocks[0] - 1}; vol(M/G0) = vol(M) "
                         f"E[1/rho] / ({omega} vol_basis) = {vol}")
            return rank, vol, 0.0, None
    # Monte Carlo of the coarea average
    total, total2, n_done = 0.0, 0.0, 0
    chunk = 1 << 16
    while n_done < n_samples:
        n = min(chunk, n_samples - n_done)
        x = _unit_points(blocks, n, rng)
        f = stab / (vb * _sqrt_gram(algebra, x))
        f = f[np.isfinite(f)]
        total += float(f.sum())
        total2 += float((f * f).sum())
        n_done += n
    mean = total / n_done
    var = max(total2 / n_done - mean * mean, 0.0)
    vm = float(volM)
    value = vm * mean
    err = vm * math.sqrt(var / n_done)
    steps.append(f"orbit volume not constant: Monte Carlo average of 1/vol(G0 x) over "
                 f"{n_done} seeded uniform points of M: vol(M/G0) = {value:.8g} +- {err:.2g} "
                 "(standard error)")
    return rank, sp.Float(value, 12), err, None


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
    V = np.einsum("aij,nj->nai", algebra, x)
    G = np.einsum("nai,nbi->nab", V, V)
    return np.sqrt(np.clip(np.linalg.det(G), 0.0, None))


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
    from scipy.linalg import expm
    from scipy.optimize import least_squares

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
                   what: str) -> int:
    """Number of finite elements acting trivially on M/G0 (f x in G0 x at 3 generic points)."""
    rng = np.random.default_rng(11)
    pts = _unit_points(blocks, 3, rng)
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
    """QuotientGeometry of a :class:`~weylgain.groups.LieGroup` on a sphere, RP^d or a
    product of spheres of equal radii (module docstring for the method and its limits).

    Raises
    ------
    GroupError
        The group does not act on the manifold, or vol(M/G) is not computable (the message
        gives d_G).
    """
    import sympy as sp

    from ..manifolds import parse_manifold
    from ..manifolds._formulas import DEFAULT_MAX_ORDER
    from .finite import finite_quotient_geometry
    from .result import QuotientGeometry

    M = parse_manifold(manifold) if isinstance(manifold, str) else manifold
    act = group.action_on(M)
    D = group.dim
    label = act.label
    if group.lie_dimension == 0:
        from ..groups.finite import from_generators

        fg = from_generators(group.generators, name=group.name) if group.generators.shape[0] \
            else _trivial_finite(group.name, D)
        q = finite_quotient_geometry(M, fg, DEFAULT_MAX_ORDER)
        return _with(q, action=label, group=group.name)
    factors = M.factors
    if not all(f.cover()[0].sphere_radius() is not None for f in factors):  # S^d and RP^d
        raise GroupError(f"vol(M/G) for a Lie-algebra group is computed on spheres, RP^d and "
                         f"products of spheres; not on {M.name}")
    radii = {sp.sympify(f.cover()[0].sphere_radius()) for f in factors}
    if len(radii) != 1:
        raise GroupError(f"the factors of {M.name} have different radii; the Lie-group quotient "
                         "geometry needs equal radii")
    r = radii.pop()
    steps: list[str] = [f"action: {label}"]
    what = f"group {group.name!r} on {M.name}"
    gens = np.array(group.generators)
    if len(factors) == 1 and M.antipodal_blocks():  # RP^d
        gens = np.concatenate([gens, -np.eye(D)[None]])
        steps.append(f"{M.name} = S^{M.dim}/(-I): work on the sphere with -I added to the "
                     "finite part")
    blocks = act.blocks
    rank, vol1, err1, orbit1 = _connected(blocks, group.algebra, act.rational, what, steps,
                                          n_samples)
    dimM = M.dim
    d_G = dimM - rank
    transitive = d_G == 0
    elements = _finite_elements(gens, group.name) if gens.shape[0] else np.eye(D)[None]
    n_el = elements.shape[0]
    if transitive:
        eff, kernel = 1, n_el
    else:
        kernel = _trivial_count(group.algebra, elements, blocks, what)
        eff = n_el // kernel
        steps.append(f"finite part: {n_el} elements modulo G0-trivial ones: {kernel} act trivially "
                     f"on M/G0 (f x in G0 x), so |F_eff| = {eff}")
    scale = r ** d_G
    qvol = sp.S.One if transitive else sp.simplify(vol1 * scale / eff)
    err = 0.0 if transitive else err1 * float(scale) / eff
    orbit = None if orbit1 is None else sp.simplify(orbit1 * r ** rank)
    steps.append(f"vol(M/G) = vol(M/G0) / |F_eff| = {qvol}" + (f" +- {err:.2g}" if err else "")
                 + ("" if r == 1 else f" (radius {r}: scale r^{d_G})"))
    return QuotientGeometry(
        manifold=M.name, group=group.name, dim=dimM, quotient_dim=d_G, volume=M.volume,
        quotient_volume=qvol, wall_volume=sp.S.Zero, boundary_part_volume=sp.S.Zero,
        group_order=None, effective_order=eff, kernel_order=kernel, n_reflections=None,
        orbit_volume=orbit, transitive=transitive, continuous=True, derivation=tuple(steps),
        vol_quotient_error=float(err), action=label)


def _trivial_finite(name: str, D: int) -> Any:
    from ..groups.finite import FiniteGroup

    return FiniteGroup(name, (), D, 1, "trivial")


def _with(q: Any, **kw: Any) -> Any:
    import dataclasses

    return dataclasses.replace(q, **kw)
