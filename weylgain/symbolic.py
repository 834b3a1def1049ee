"""Symbolic geometry of manifolds and their quotients (sympy): dimensions, volumes, Weyl laws.

This is the only weylgain module that imports sympy. Everything here is exact: volumes are
sympy expressions (``4*pi``, ``2*pi**2``, ``sqrt(2)*pi``) that also evaluate to floats with
``float(expr)``. Numerical code never calls into this module in a loop.

Manifolds
---------
Every manifold lives in coordinates of R^D (its ``ambient_dim``); groups act on those
coordinates (see :mod:`weylgain.groups`)::

    S<d>[(r)]           sphere S^d of radius r (default 1) in R^(d+1)
    T<d>[(L,...)]       flat torus R^d / (L_1 Z x ... x L_d Z); one L for all axes or d of
                        them (default 2*pi); coordinates are the d angles
    RP<d>[(r)]          real projective space S^d(r) / {x ~ -x}, coordinates of R^(d+1)
    B<d>[(r)]           ball of radius r in R^d, centred at 0
    H<d>[(r)]           hemisphere {x in S^d(r) : x_(d+1) >= 0} in R^(d+1)
    Q<d>[(L,...)]       box [-L_1/2, L_1/2] x ... in R^d (default L = 1), centred at 0
    I[(L)]              interval [-L/2, L/2] (= Q1)
    A x B               product: coordinates concatenated (``S2xT1`` lives in R^3 x R^1)

Separators ``x``, ``X``, ``*`` or ``×`` join factors; an optional ``^`` is accepted
before the dimension (``S^2`` is S2), and ``M^k`` after a factor is a power: k identical
factors (``S2^3`` = ``S2xS2xS2``, ``T3^4``); radii and lengths are numbers or simple
expressions (``2*pi``, ``1/2``, ``sqrt(2)``).

Quotients
---------
:func:`quotient_geometry` derives, for a manifold M and a group G (a
:class:`weylgain.groups.FiniteGroup` or :class:`weylgain.groups.ContinuousGroup`; a
:class:`weylgain.groups.LieGroup` or :class:`weylgain.groups.TorusGroup` is handed to its own
``quotient_geometry``, see :mod:`weylgain.groups.geometry`; a spec string is read by
:func:`weylgain.groups.resolve`, so a group named for one factor of ``S2^k`` acts diagonally),

* d_G = dim M - dim(principal orbit);
* vol(M/G): finite G: vol(M) / order(G_eff), with G_eff the group that acts effectively (the
  image of G in the isometries of M: elements acting trivially are quotiented out, e.g. the
  mirror z -> -z on the circle in the xy-plane, or -I on RP^d); continuous G: the coarea
  formula vol(M/G) = int_M dvol / vol(orbit(x)), integrated symbolically;
* the reflection boundary vol d(M/G) = vol(dM)/order(G_eff) + (2/order(G_eff)) sum_r vol Fix(r) over
  elements r whose fixed set in M has codimension 1 (glide reflections of tori have no fixed
  points and add nothing).

RP^d is handled through its cover: RP^d / G = S^d / <G, -I>. A group acting on R^D' with D'
larger than the manifold's D must preserve the coordinate subspace R^D (the manifold sits at
zero in the extra coordinates) and acts through its restriction; with D' < D it is extended by
the identity on the extra coordinates (so ``S3`` acting on the 3-sphere permutes the first
three of its four coordinates).
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import sympy as sp

from .errors import GroupError, SpecError

__all__ = [
    "LAMBDA",
    "Manifold",
    "Sphere",
    "Torus",
    "ProjectiveSpace",
    "Ball",
    "Hemisphere",
    "Box",
    "Product",
    "QuotientGeometry",
    "ball_volume",
    "sphere_volume",
    "weyl_constant",
    "weyl_law",
    "parse_manifold",
    "manifold_grammar",
    "resolve_group",
    "quotient_geometry",
    "risk_exponent",
    "sample_exponent",
    "sample_ratio",
    "heuristic_risk",
    "heuristic_samples",
    "to_float",
]

# the manifold layer (weylgain.manifolds) re-exported: this module keeps its public names
from .manifolds import (  # noqa: E402
    Ball, Box, Hemisphere, Manifold, Product, ProjectiveSpace, Sphere, Torus, manifold_grammar,
    parse_manifold)
from .manifolds._formulas import (  # noqa: E402
    _ALPHA, _EPS, _N, _S, _T, _TOL, DEFAULT_MAX_ORDER, LAMBDA, _nonneg_int, _positive_expr,
    _volume_arg, ball_volume, sphere_volume, to_float, weyl_constant, weyl_law)
from .manifolds.base import _fmt, _is_reflection, _no_translation, _signed_perm  # noqa: E402
from .manifolds.spec import _check_volume_range  # noqa: E402



def resolve_group(spec: Any, manifold: Manifold) -> Any:
    """The group ``spec`` acting on ``manifold``: :func:`weylgain.groups.resolve` (a spec
    string or a group object; on a product of identical factors a group named for one factor
    acts diagonally, ``G@i`` on factor i only, ``Sym(k)`` permutes, ``A x B`` combines)."""
    from .groups import resolve

    return resolve(spec, manifold)


# ====================================================================== quotients
@dataclass(frozen=True)
class QuotientGeometry:
    """Dimension and volumes of a quotient M/G (sympy expressions).

    Attributes
    ----------
    manifold, group : str
        Names.
    dim : int
        d = dim M.
    quotient_dim : int
        d_G = dim M - dim(principal orbit).
    volume, quotient_volume : sympy.Expr
        vol(M) and vol(M/G) (a point has volume 1: N_G = 1, only constants are invariant).
    wall_volume : sympy.Expr
        (2/order(G_eff)) sum_r vol Fix(r): the Neumann boundary created by reflections.
    boundary_part_volume : sympy.Expr
        vol(dM / G): the image of the manifold's own boundary.
    group_order, effective_order, kernel_order : int or None
        Finite groups: order(G), the order of the group acting effectively on M, and of the
        subgroup acting trivially (group_order may be None when unknown).
    n_reflections : int or None
        Number of elements of G_eff (finite) whose fixed set has codimension 1.
    orbit_volume : sympy.Expr or None
        The volume of principal orbits when they all have the same volume.
    transitive : bool
    continuous : bool
    derivation : tuple of str
        Steps, in words and formulas.
    vol_quotient_error : float
        Standard error of ``quotient_volume`` when it is computed numerically (Monte Carlo
        over M); 0.0 for closed forms.
    action : str
        The action used, in words ("diagonal on 2 factors of S2", "on factor 1 of S2^2").
    """

    manifold: str
    group: str
    dim: int
    quotient_dim: int
    volume: sp.Expr
    quotient_volume: sp.Expr
    wall_volume: sp.Expr
    boundary_part_volume: sp.Expr
    group_order: int | None
    effective_order: int | None
    kernel_order: int | None
    n_reflections: int | None
    orbit_volume: sp.Expr | None
    transitive: bool
    continuous: bool
    derivation: tuple = field(default_factory=tuple)
    vol_quotient_error: float = 0.0
    action: str = ""

    @property
    def orbit_dim(self) -> int:
        return self.dim - self.quotient_dim

    @property
    def quotient_boundary_volume(self) -> sp.Expr:
        return self.wall_volume + self.boundary_part_volume

    @property
    def weyl_constant(self) -> sp.Expr:
        return weyl_constant(self.quotient_dim, self.quotient_volume)

    def weyl_law(self, boundary: str = "neumann", lam: Any = LAMBDA) -> sp.Expr:
        """Two-term Weyl law of the invariant counting function N_G(lambda).

        Reflection walls are Neumann (invariant functions have zero normal derivative there);
        the image of dM carries ``boundary`` ('neumann' or 'dirichlet').
        """
        if boundary not in ("neumann", "dirichlet"):
            raise SpecError(f"boundary must be 'neumann' or 'dirichlet'; got {boundary!r}")
        # (continuous groups have no walls: singular strata change only lower-order terms)
        b = self.boundary_part_volume
        neu = self.wall_volume + (b if boundary == "neumann" else 0)
        dir_ = b if boundary == "dirichlet" else 0
        return weyl_law(self.quotient_dim, self.quotient_volume, neu, dir_, lam)

    def to_dict(self) -> dict[str, Any]:
        def pair(name: str, e: sp.Expr | None) -> dict[str, Any]:
            return {name: None if e is None else to_float(e),
                    name + "_expr": None if e is None else str(e)}

        out: dict[str, Any] = {
            "manifold": self.manifold,
            "group": self.group,
            "dim": self.dim,
            "quotient_dim": self.quotient_dim,
            "orbit_dim": self.orbit_dim,
        }
        out.update(pair("volume", self.volume))
        out.update(pair("quotient_volume", self.quotient_volume))
        out.update(pair("wall_volume", self.wall_volume))
        out.update(pair("boundary_part_volume", self.boundary_part_volume))
        out.update(pair("quotient_boundary_volume", self.quotient_boundary_volume))
        out.update(pair("orbit_volume", self.orbit_volume))
        out.update({
            "group_order": self.group_order,
            "effective_order": self.effective_order,
            "kernel_order": self.kernel_order,
            "n_reflections": self.n_reflections,
            "transitive": self.transitive,
            "continuous": self.continuous,
            "derivation": list(self.derivation),
            "vol_quotient_error": float(self.vol_quotient_error),
            "action": self.action,
        })
        return out


def quotient_geometry(manifold: Manifold | str, group: Any,
                      max_order: int = DEFAULT_MAX_ORDER) -> QuotientGeometry:
    """Derive d_G, vol(M/G) and the reflection boundary of M/G.

    Parameters
    ----------
    manifold : Manifold or str
        A catalogue manifold or a spec for :func:`parse_manifold`.
    group : FiniteGroup, ContinuousGroup, LieGroup, TorusGroup or str
        A group of :mod:`weylgain.groups` or a spec read by :func:`weylgain.groups.resolve`
        (``"SO(3)"`` on ``S2^3`` acts diagonally, ``"SO(3)@1"`` on factor 1 only, ``"SO(3) x
        Sym(3)"``). Groups with a ``quotient_geometry`` method (LieGroup, TorusGroup) compute
        it themselves (:mod:`weylgain.groups.geometry`).
    max_order : int
        Largest group enumerated (needed for the kernel and the reflections; catalogue
        families S<d>, signs<d>, B<d> acting effectively are never enumerated).

    Raises
    ------
    GroupError
        The group does not act on the manifold (it does not preserve it), or is too large to
        enumerate when enumeration is needed.
    SpecError
        Unknown spec.
    """
    if isinstance(manifold, str):
        manifold = parse_manifold(manifold)
    if not isinstance(manifold, Manifold):
        raise SpecError(f"manifold must be a Manifold or a spec string; got "
                        f"{type(manifold).__name__}")
    group = resolve_group(group, manifold)
    from .groups import ContinuousGroup, FiniteGroup

    if hasattr(group, "quotient_geometry"):  # LieGroup, TorusGroup: the general coarea code
        _check_lie_route(manifold, group)
        return group.quotient_geometry(manifold)
    if isinstance(group, FiniteGroup):
        q = _finite_quotient(manifold, group, max_order)
        label = getattr(group, "label", "")
        return dataclasses.replace(q, action=label) if label else q
    if isinstance(group, ContinuousGroup):
        return _continuous_quotient(manifold, group)
    raise SpecError(f"group must be a FiniteGroup, ContinuousGroup or spec string; got "
                    f"{type(group).__name__}")


# The general coarea code of a Lie-algebra group (weylgain.groups.geometry) costs, on R^D
# with an algebra of m matrices, about m D^2 x 2^20 operations for its Monte Carlo average
# (measured: 20 s for diagonal SO(3) on S2^12, D = 36) and an SVD of an (m D^2) x D(D+1)/2
# matrix for the invariant quadrics (97 GB at D = 300, S2^100): refused beyond this D.
MAX_LIE_ROUTE_DIMENSION = 40


def _check_lie_route(M: Manifold, group: Any) -> None:
    """Refuse, before any matrix is built, a Lie-algebra group whose quotient geometry cannot
    be computed in seconds and in memory (see MAX_LIE_ROUTE_DIMENSION)."""
    from .errors import ResourceError

    algebra = getattr(group, "algebra", None)
    if algebra is None or getattr(algebra, "ndim", 0) != 3 or algebra.shape[0] == 0:
        return  # tori (lattice code) and finite parts only: no coarea integral
    m, D = int(algebra.shape[0]), int(algebra.shape[1])
    if D > MAX_LIE_ROUTE_DIMENSION:
        ops = m * D * D * 2.0 ** 20
        raise ResourceError(
            f"the quotient geometry of {getattr(group, 'name', 'the group')} on {M.name} works "
            f"in R^{D}: its coarea integral would take about {ops:.2g} operations (minutes to "
            f"hours) and its invariant-quadric SVD {8.0 * m * D ** 2 * D * (D + 1) / 2:.2g} "
            f"bytes; Lie-algebra groups are handled up to R^{MAX_LIE_ROUTE_DIMENSION} (e.g. "
            "SO(3) on S2^13); use fewer factors")


# ---------------------------------------------------------------------- finite groups
def _align(lin: np.ndarray, tr: np.ndarray, D: int, gname: str, mname: str
           ) -> tuple[np.ndarray, np.ndarray, str | None]:
    """Generators of a group on R^D' as maps of R^D (extend by identity or restrict)."""
    g, Dg = lin.shape[0], lin.shape[1]
    if Dg == D:
        return lin, tr, None
    if Dg < D:
        L = np.tile(np.eye(D), (g, 1, 1))
        L[:, :Dg, :Dg] = lin
        T = np.zeros((g, D))
        T[:, :Dg] = tr
        return L, T, f"{gname} acts on R^{Dg}; extended by the identity to the R^{D} of {mname}"
    off = np.abs(lin[:, D:, :D]).max(initial=0.0) if g else 0.0
    if off > _TOL:
        raise GroupError(
            f"group {gname!r} acts on R^{Dg} but {mname} spans only the first {D} coordinates, "
            f"and some generator moves that subspace (it mixes coordinates 1..{D} with "
            f"{D + 1}..{Dg}); the group does not act on {mname}. Choose a group that "
            "preserves these coordinates."
        )
    if g and not _no_translation(tr[:, D:]):
        raise GroupError(f"group {gname!r} translates coordinates outside the {D} of {mname}")
    return (np.ascontiguousarray(lin[:, :D, :D]), np.ascontiguousarray(tr[:, :D]),
            f"{gname} acts on R^{Dg}; {mname} spans its first {D} coordinates, where it acts "
            "by the restriction")


def _closed_form_reflections(name: str, d: int, D: int) -> np.ndarray | None:
    """Every reflection of the catalogue families S<d>, signs<d>, B<d> (padded to R^D), as
    one (n, D, D) array: the list the classes of :func:`_reflection_classes` stand for
    (small d only: n D^2 numbers)."""
    m = re.fullmatch(r"(S|signs|B)(\d+)", name)
    if m is None or int(m.group(2)) != d:
        return None
    fam = m.group(1)
    mats = []
    if fam in ("signs", "B"):
        for i in range(d):
            a = np.eye(D)
            a[i, i] = -1.0
            mats.append(a)
    if fam in ("S", "B"):
        for i in range(d):
            for j in range(i + 1, d):
                for sgn in ((1.0,) if fam == "S" else (1.0, -1.0)):
                    a = np.eye(D)
                    a[i, i] = a[j, j] = 0.0
                    a[i, j] = a[j, i] = sgn
                    mats.append(a)
    return np.array(mats).reshape(-1, D, D)


def _reflection_classes(name: str, d: int, D: int) -> list[tuple[int, np.ndarray]] | None:
    """Reflections of the catalogue families S<d>, signs<d>, B<d> (padded to R^D), as
    (multiplicity, representative) pairs, or None for other groups.

    The fixed set of g r g^-1 is g Fix(r), of the same volume, for every g in G (an isometry
    of M). In S<d> all C(d,2) transpositions are conjugate; in B<d> the d sign flips are one
    class and the d(d-1) signed transpositions another (x_i <-> x_j conjugated by the flip of
    x_i is x_i <-> -x_j). signs<d> is abelian: its d flips are listed one by one. So S<100> on
    T^100 needs one wall volume instead of 4950 matrices of 100 x 100 (and S<1000>, before
    the dimension bound, needed 4 TB).
    """
    m = re.fullmatch(r"(S|signs|B)(\d+)", name)
    if m is None or int(m.group(2)) != d:
        return None
    fam = m.group(1)

    def flip(i: int) -> np.ndarray:
        a = np.eye(D)
        a[i, i] = -1.0
        return a

    def swap(i: int, j: int) -> np.ndarray:
        a = np.eye(D)
        a[i, i] = a[j, j] = 0.0
        a[i, j] = a[j, i] = 1.0
        return a

    out: list[tuple[int, np.ndarray]] = []
    if fam == "signs":
        out.extend((1, flip(i)) for i in range(d))
    if fam == "B" and d >= 1:
        out.append((d, flip(0)))
    if fam in ("S", "B") and d >= 2:
        out.append((d * (d - 1) // 2 * (2 if fam == "B" else 1), swap(0, 1)))
    return out


def _finite_quotient(M: Manifold, G: Any, max_order: int) -> QuotientGeometry:
    from .groups import from_generators

    D = M.ambient_dim
    steps: list[str] = []
    lin0, tr0 = G.generator_arrays()
    lin, tr, note = _align(lin0, tr0, D, G.name, M.name)
    if note:
        steps.append(note)
    for a, b in zip(lin, tr):
        why = M._check_map(a, b)
        if why:
            raise GroupError(f"group {G.name!r} does not act on {M.name}: {why}")
    cover, double = M._cover()
    group_order: int | None
    try:
        group_order = int(G.closed_order) if G.closed_order is not None else None
    except AttributeError:  # pragma: no cover - duck-typed groups
        group_order = None

    # The group that acts on the cover: generated by the aligned generators and, for RP
    # factors, -I on each such block (RP^d / G = S^d / <G, -I>).
    extra = []
    if double:
        off = 0
        for f in M.factors:
            if isinstance(f, ProjectiveSpace):
                a = np.eye(D)
                a[off:off + f.ambient_dim, off:off + f.ambient_dim] *= -1
                extra.append(a)
            off += f.ambient_dim
    deck = 2 ** len(extra)
    # a matrix group acting on all coordinates of M (or extended by the identity) is faithful
    # on every catalogue manifold except RP^d (handled through the cover)
    faithful = note is None or "extended" in note
    refl: list[tuple[int, np.ndarray]] | None = None
    closed_refl = None
    if not extra and faithful and group_order is not None:
        closed_refl = _reflection_classes(G.name, G.dim, D)
    if closed_refl is not None or (not extra and faithful and group_order is not None
                                   and group_order > max_order):
        # a linear or torus action of a group on coordinates M spans is faithful, so
        # |G_eff| = |G|; the reflections of the catalogue families S<d>, signs<d>, B<d> are
        # known in closed form, so those groups are never enumerated
        cover_order = group_order
        refl = closed_refl
        if refl is None:
            raise GroupError(
                f"group {G.name!r} has {group_order} elements (more than max_order="
                f"{max_order}) and its reflections are not known in closed form; raise "
                "max_order to enumerate it"
            )
        n_closed = sum(c for c, _ in refl)
        steps.append(f"|G| = {group_order} in closed form; the action is faithful, so "
                     f"|G_eff| = {group_order}; {n_closed} reflections in closed form")
        elements = None
    else:
        if not extra and note is None:
            elements = G.elements(max_order)
        elif not extra and faithful:
            el_l, el_t = G.elements(max_order)
            elements = _align(el_l, el_t, D, G.name, M.name)[:2]
        else:
            gl = np.concatenate([lin, np.array(extra).reshape(-1, D, D)]) if extra else lin
            gt = np.concatenate([tr, np.zeros((len(extra), D))]) if extra else tr
            H = from_generators(gl, gt, name=G.name + "_on_" + M.name)
            elements = H.elements(max_order)
        cover_order = int(elements[0].shape[0])
        if double:
            steps.append(f"{M.name} = {cover.name}/(-I): work on the cover with <G, -I> of "
                         f"order {cover_order}")
    if group_order is None:  # a group from generators: its order by closure (cached)
        try:
            group_order = int(G.elements(max_order)[0].shape[0])
        except GroupError:
            pass
    eff = cover_order // deck
    kernel = None if group_order is None else group_order // eff
    if group_order is not None and kernel is not None and kernel > 1:
        steps.append(f"|G| = {group_order} but a subgroup of order {kernel} acts trivially on "
                     f"{M.name}: the effective group has order {eff}")
    elif group_order is not None:
        steps.append(f"|G| = {group_order}, acting effectively on {M.name}")
    else:
        steps.append(f"the group acts on {M.name} through a group of order {eff}")

    # reflections: elements of the cover group whose fixed set has codimension 1
    walls = sp.S.Zero
    n_refl = 0
    if refl is None:
        el_l, el_t = elements
        if isinstance(cover, Product):
            idx = range(el_l.shape[0])
        else:
            sym = np.abs(el_l - np.transpose(el_l, (0, 2, 1))).max(axis=(1, 2)) < _TOL
            trc = np.abs(np.trace(el_l, axis1=1, axis2=2) - (D - 2)) < _TOL
            idx = np.flatnonzero(sym & trc)
        classes = ((1, el_l[i], el_t[i]) for i in idx)
    else:
        zero = np.zeros(D)
        classes = ((c, a, zero) for c, a in refl)
    counts: dict[sp.Expr, int] = {}
    for mult, a, t in classes:
        w = cover._wall_volume(a, t)
        if w != 0:
            counts[w] = counts.get(w, 0) + mult
            n_refl += mult
    walls = sp.Add(*[c * w for w, c in counts.items()])
    vol = M.volume
    qvol = cover.volume / cover_order
    wall_volume = 2 * walls / cover_order
    bpart = cover.boundary_volume / cover_order
    steps.append(f"vol(M/G) = vol({cover.name})/{cover_order} = {_fmt(cover.volume)}/"
                 f"{cover_order} = {_fmt(qvol)}")
    if n_refl:
        steps.append(f"{n_refl} elements fix a codimension-1 set (reflections): vol d(M/G) "
                     f"gains (2/{cover_order}) * ({_fmt(walls)}) = {_fmt(wall_volume)} of "
                     "Neumann wall")
    return QuotientGeometry(
        manifold=M.name, group=G.name, dim=M.dim, quotient_dim=M.dim, volume=vol,
        quotient_volume=qvol, wall_volume=wall_volume,
        boundary_part_volume=bpart, group_order=group_order, effective_order=eff,
        kernel_order=kernel, n_reflections=n_refl, orbit_volume=None,
        transitive=False, continuous=False, derivation=tuple(steps),
    )


# ---------------------------------------------------------------------- continuous groups
def _moved_coordinates(G: Any) -> tuple[int, ...]:
    fam = G.family
    if fam in ("axis_rotation", "torus_translation"):
        return tuple(int(c) for c in G.coordinates)
    if fam == "axis_stabilizer":
        return tuple(c for c in range(G.dim) if c != G.axis)
    return tuple(range(G.dim))  # rotation, hopf


def _continuous_quotient(M: Manifold, G: Any) -> QuotientGeometry:
    D = M.ambient_dim
    steps: list[str] = []
    K = _moved_coordinates(G)
    if G.dim > D and all(c >= D for c in K):
        steps.append(f"{G.name} moves only coordinates outside the R^{D} of {M.name}: it acts "
                     "trivially")
        return QuotientGeometry(M.name, G.name, M.dim, M.dim, M.volume, M.volume, sp.S.Zero,
                                M.boundary_volume, None, 1, None, 0, sp.S.One, False, True,
                                tuple(steps))
    if any(c >= D for c in K):
        raise GroupError(
            f"{G.name} moves coordinates {K} of R^{G.dim}, but {M.name} spans only the first "
            f"{D}: the group mixes the manifold's coordinates with others and does not act on it"
        )
    fam = G.family
    if fam == "torus_translation":
        return _torus_translation_quotient(M, G, K, steps)
    off = 0
    owner = None
    for i, f in enumerate(M.factors):
        if all(off <= c < off + f.ambient_dim for c in K):
            owner = (i, f, tuple(c - off for c in K))
        off += f.ambient_dim
    if owner is None:
        raise GroupError(f"{G.name} moves coordinates {K}, which belong to different factors "
                         f"of {M.name}; it does not act on the product")
    i, f, Kl = owner
    if fam == "hopf":
        if len(Kl) != 4:
            raise GroupError(f"the Hopf action acts on S^3 (or RP^3) in R^4; not on {f.name}")
        fvol, orbit_vol = f.hopf_quotient(G.name, steps)
        fdg, fb = 2, sp.S.Zero
    else:
        fdg, fvol, fb, orbit_vol = f.rotation_quotient(Kl, G.name, steps)
    others = [g for j, g in enumerate(M.factors) if j != i]
    rest = sp.Mul(*[g.volume for g in others])
    d_G = M.dim - f.dim + fdg
    qvol = fvol * rest
    # boundary of the quotient: (dF/G) x rest  +  (F/G) x d(rest)
    bpart = fb * rest
    for j, g in enumerate(others):  # by index: a product may repeat one factor object
        bpart += fvol * g.boundary_volume * sp.Mul(*[h.volume for m, h in enumerate(others)
                                                    if m != j])
    if others:
        steps.append(f"product: vol(M/G) = vol({f.name}/G) * {_fmt(rest)} = {_fmt(qvol)}")
    transitive = d_G == 0
    return QuotientGeometry(
        manifold=M.name, group=G.name, dim=M.dim, quotient_dim=d_G, volume=M.volume,
        quotient_volume=qvol, wall_volume=sp.S.Zero, boundary_part_volume=bpart,
        group_order=None, effective_order=None, kernel_order=None, n_reflections=None,
        orbit_volume=orbit_vol, transitive=transitive, continuous=True,
        derivation=tuple(steps),
    )


def _torus_translation_quotient(M: Manifold, G: Any, K: tuple[int, ...], steps: list[str]
                                ) -> QuotientGeometry:
    """T^k translating the first k TORUS coordinates of M (on a product: of its torus factors,
    in order). Every orbit is a flat subtorus of the same volume: vol(M/G) = vol(M)/vol(orbit)."""
    if isinstance(M, Product):
        torus_coords: list[int] = []
        off = 0
        for f in M.factors:
            if isinstance(f, Torus):
                torus_coords.extend(range(off, off + f.dim))
            off += f.ambient_dim
        if max(K) >= len(torus_coords):
            raise GroupError(f"{G.name} translates {len(K)} torus coordinates, but {M.name} "
                             f"has only {len(torus_coords)}")
        K = tuple(torus_coords[c] for c in K)
        steps.append(f"{G.name} translates the torus coordinates {K} of {M.name}")
    orbit = sp.S.One
    off = 0
    for f in M.factors:
        Kf = [c - off for c in K if off <= c < off + f.ambient_dim]
        if Kf and not isinstance(f, Torus):
            raise GroupError(f"{G.name} translates coordinates, which only acts on a torus; "
                             f"{f.name} is not one")
        for c in Kf:
            orbit *= f.lengths[c]
        off += f.ambient_dim
    qvol = M.volume / orbit
    bpart = M.boundary_volume / orbit
    steps.append(f"every orbit is a flat subtorus of volume {_fmt(orbit)}: vol(M/G) = "
                 f"vol({M.name}) / {_fmt(orbit)} = {_fmt(qvol)} (coarea, constant orbits)")
    d_G = M.dim - len(K)
    return QuotientGeometry(
        manifold=M.name, group=G.name, dim=M.dim, quotient_dim=d_G, volume=M.volume,
        quotient_volume=qvol, wall_volume=sp.S.Zero, boundary_part_volume=bpart,
        group_order=None, effective_order=None, kernel_order=None, n_reflections=None,
        orbit_volume=orbit, transitive=d_G == 0, continuous=True, derivation=tuple(steps),
    )


# ====================================================================== risk and samples
def risk_exponent(s: Any = _S, d: Any = None) -> sp.Expr:
    """Minimax excess-risk exponent s/(s + d/2): R(n) ~ n^(-s/(s+d/2)) (docs/theory.md#minimax-risk)."""
    s = _volume_arg(s)
    return s / (s + _volume_arg(d) / 2)


def sample_exponent(s: Any = _S, d: Any = None) -> sp.Expr:
    """Exponent of the sample complexity n(eps) ~ eps^(-(1 + d/(2s)))."""
    s = _volume_arg(s)
    return 1 + _volume_arg(d) / (2 * s)


def sample_ratio(s: Any, d: int, d_G: int, volume: Any, quotient_volume: Any,
                 eps: Any = _EPS) -> sp.Expr:
    """n_plain(eps) / n_invariant(eps) from R(n) = (sigma^2 vol / n)^(s/(s+d/2)).

    = (vol(M)/vol(M/G)) * eps^(-(d - d_G)/(2s)); sigma cancels. For finite groups it is
    order(G_eff) at every eps; for a dimension drop it grows without bound as eps -> 0.
    """
    s = _volume_arg(s)
    return _volume_arg(volume) / _volume_arg(quotient_volume) * _volume_arg(eps) ** (
        -sp.Rational(d - d_G) / (2 * s))


def heuristic_risk(n: Any, s: Any, d: int, volume: Any, sigma: Any = 1, norm: Any = 1
                   ) -> sp.Expr:
    """Constant-explicit heuristic risk (docs/theory.md#heuristic-risk) (do not trust the constant tightly).

    With a = d/(2s), kappa = pi a / sin(pi a), C = omega_d vol / (2 pi)^d, B = norm of f in H^s:
    R ~ (1+a) a^(-a/(1+a)) (sigma^2 kappa C / n)^(1/(1+a)) B^(2a/(1+a)); for d = 0,
    sigma^2 C / n (parametric).
    """
    s, n, sigma, B = (_volume_arg(v) for v in (s, n, sigma, norm))
    C = weyl_constant(d, volume)
    if d == 0:
        return sigma ** 2 * C / n
    a = sp.Rational(d) / (2 * s)
    kappa = sp.pi * a / sp.sin(sp.pi * a)
    return (1 + a) * a ** (-a / (1 + a)) * (sigma ** 2 * kappa * C / n) ** (1 / (1 + a)) * \
        B ** (2 * a / (1 + a))


def heuristic_samples(eps: Any, s: Any, d: int, volume: Any, sigma: Any = 1, norm: Any = 1
                      ) -> sp.Expr:
    """Samples for heuristic excess risk eps: the inverse of :func:`heuristic_risk` in n."""
    eps, s, sigma, B = (_volume_arg(v) for v in (eps, s, sigma, norm))
    C = weyl_constant(d, volume)
    if d == 0:
        return sigma ** 2 * C / eps
    a = sp.Rational(d) / (2 * s)
    kappa = sp.pi * a / sp.sin(sp.pi * a)
    return (1 + a) ** (1 + a) * a ** (-a) * sigma ** 2 * kappa * C * B ** (2 * a) / \
        eps ** (1 + a)
