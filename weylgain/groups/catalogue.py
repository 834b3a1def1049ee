"""The group catalogue: :func:`named` specification strings and :func:`catalogue`.

A finite group is stored by its generators only. Its order comes in closed form for the
catalogue families (so the symmetric group S_10, order 3,628,800, is never enumerated) and
otherwise from a closure (breadth-first products with the generators) capped at
``max_order`` elements.

Group specification grammar (the strings of :func:`named` and of the command line)
-----------------------------------------------------------------------------------
Point groups of R^3 (Schoenflies names; ``n`` a positive integer)::

    Cn    rotations by 2*pi/n about the z axis                         order n
    Dn    Cn plus 2-fold rotations about the x axis (rotations only)    order 2n
    Cnv   Cn plus the mirrors containing the z axis (first: y -> -y)    order 2n
    Cnh   Cn plus the mirror z -> -z                                   order 2n
    Dnh   Dn plus the mirror z -> -z                                   order 4n
    Dnd   Dn plus the mirrors containing z halfway between the 2-fold axes  order 4n
    T, Td, Th     tetrahedral groups (orders 12, 24, 24)
    O, Oh         octahedral groups, axes along the coordinate axes (orders 24, 48)
    I, Ih         icosahedral groups in the frame of the icosahedron with vertices
                  (0, +-1, +-phi) and cyclic permutations (orders 60, 120)
    Ci, antipodal x -> -x (in R^dim, default R^3)                      order 2
    Cs, mirror    the last coordinate changes sign (in R^dim, default R^3)  order 2

Coordinate groups of R^d (also torus-compatible: signed permutations)::

    S<d>      all permutations of d coordinates (S3 has order 6; this is never the
              Schoenflies rotoreflection group S_2n)                 order d!
    signs<d>  independent sign flips of d coordinates                  order 2^d
    B<d>      signed permutations of d coordinates                     order 2^d d!
    cyc<d>    cyclic shift of d coordinates                            order d
    Z<n>[:<axis>]  translation by 1/n of the period along an axis of a torus
              (default axis 0)                                          order n

Continuous groups::

    SO(2)     rotations about the z axis of R^3 (on S^1 in R^2 when dim=2: transitive)
    SO(<n>)   rotations of R^n (transitive on S^{n-1}); with dim = n+1 the rotations of
              R^{n+1} fixing the last axis (the axis stabilizer, S^n / SO(n) = [0, pi])
    hopf      the U(1) Hopf action on S^3 in R^4 = C^2
    T<k>      continuous translations of the first k coordinates of a torus

``dim`` (the dimension D of the space acted on) extends a group by the identity on extra
coordinates when it is larger than the group's natural dimension.
"""

from __future__ import annotations

import math
import re
from typing import Any, Sequence

import numpy as np

from ..errors import SpecError
from .continuous import ContinuousGroup
from .finite import FiniteGroup, from_generators

__all__ = ["named", "catalogue", "resolve"]


# ----------------------------------------------------------------------- matrices
def _rotation(axis: Sequence[float], angle: float) -> np.ndarray:
    u = np.asarray(axis, dtype=np.float64)
    u = u / np.linalg.norm(u)
    k = np.array([[0, -u[2], u[1]], [u[2], 0, -u[0]], [-u[1], u[0], 0]])
    return np.eye(3) + math.sin(angle) * k + (1 - math.cos(angle)) * (k @ k)


def _mirror(normal: Sequence[float]) -> np.ndarray:
    n = np.asarray(normal, dtype=np.float64)
    n = n / np.linalg.norm(n)
    return np.eye(len(n)) - 2 * np.outer(n, n)


def _perm(images: Sequence[int]) -> np.ndarray:
    """Matrix sending e_i to e_{images[i]}."""
    d = len(images)
    a = np.zeros((d, d))
    a[list(images), list(range(d))] = 1.0
    return a


_PHI = (1 + math.sqrt(5)) / 2
_CYC3 = _perm([1, 2, 0])  # (x, y, z) -> (z, x, y): a 3-fold rotation about (1,1,1)
_FLIP_XY = np.diag([-1.0, -1.0, 1.0])
_ZFLIP = np.diag([1.0, 1.0, -1.0])
_XROT = np.diag([1.0, -1.0, -1.0])
_NEG3 = -np.eye(3)


def _cn(n: int) -> np.ndarray:
    return _rotation([0, 0, 1], 2 * math.pi / n)


def _finite(name: str, mats: list[np.ndarray], order: int, description: str,
            dim: int | None, natural: int) -> FiniteGroup:
    D = natural if dim is None else dim
    if D < natural:
        raise SpecError(f"group {name!r} acts on R^{natural}; dim={dim} is too small")
    if mats:
        grp = from_generators(np.stack(mats), name=name, order=order, description=description)
    else:
        grp = FiniteGroup(name, (), natural, order, description)
    return grp.extended(D)


_CATALOGUE: list[tuple[str, str]] = [
    ("Cn", "rotations by 2*pi/n about the z axis of R^3 (order n); with dim=2, of the plane"),
    ("Dn", "Cn plus 2-fold rotations about the x axis: rotations only (order 2n)"),
    ("Cnv", "Cn plus n mirrors containing the z axis, one being y -> -y (order 2n)"),
    ("Cnh", "Cn plus the mirror z -> -z (order 2n)"),
    ("Dnh", "Dn plus the mirror z -> -z (order 4n)"),
    ("Dnd", "Dn plus n mirrors containing z, halfway between the 2-fold axes (order 4n)"),
    ("T", "chiral tetrahedral group, in the cube frame (order 12)"),
    ("Td", "full tetrahedral group: T plus the mirror x <-> y (order 24)"),
    ("Th", "pyritohedral group: T plus x -> -x (order 24)"),
    ("O", "chiral octahedral group, 4-fold axes along the coordinate axes (order 24)"),
    ("Oh", "full octahedral group, O plus x -> -x (order 48)"),
    ("I", "chiral icosahedral group, frame of the icosahedron (0, +-1, +-phi) (order 60)"),
    ("Ih", "full icosahedral group, I plus x -> -x (order 120)"),
    ("Ci | antipodal", "x -> -x in R^dim (default 3) (order 2)"),
    ("Cs | mirror", "the last coordinate changes sign, in R^dim (default 3) (order 2)"),
    ("S<d>", "permutations of d coordinates, e.g. S3 (order d!); NOT Schoenflies S_2n"),
    ("signs<d>", "independent sign flips of d coordinates (order 2^d)"),
    ("B<d>", "signed permutations of d coordinates (order 2^d d!)"),
    ("cyc<d>", "cyclic shift of d coordinates (order d)"),
    ("Z<n>[:<axis>]", "translation of a torus by 1/n of the period along an axis, default 0 (order n)"),
    ("SO(2)", "continuous: rotations about the z axis of R^3 (S^2/SO(2) = [0, pi])"),
    ("SO(<n>)", "continuous: rotations of R^n, transitive on S^{n-1}; with dim=n+1 the "
                "rotations fixing the last axis of R^{n+1} (S^n/SO(n) = [0, pi])"),
    ("hopf", "continuous: the U(1) Hopf action on S^3 in R^4 = C^2 (S^3/U(1) = S^2(1/2))"),
    ("T<k>", "continuous: translations of the first k coordinates of a torus (T^d/T^k = T^(d-k))"),
    ("O(3)", "continuous: SO(3) plus -I (rotations and reflections of R^3)"),
    ("Sym(<k>)", "permutations of k identical factors of a product (order k!); with dim, "
                 "factors of ambient size dim/k"),
    ("G@<i>", "on a product: G acting on factor i only (1-based); resolve() only"),
    ("A x B", "the group generated by A and B (spaces around x); resolve() only"),
]


def catalogue() -> list[tuple[str, str]]:
    """The group specification forms accepted by :func:`named`, with descriptions.

    Returns
    -------
    list of (spec, description) tuples
    """
    return list(_CATALOGUE)


def _spec_error(spec: str, why: str = "") -> SpecError:
    forms = ", ".join(s for s, _ in _CATALOGUE)
    extra = f" ({why})" if why else ""
    return SpecError(f"unknown group spec {spec!r}{extra}; valid forms: {forms}")


def _positive(spec: str, s: str) -> int:
    n = int(s)
    if n < 1:
        raise _spec_error(spec, "the integer must be positive")
    return n


def _symmetric_group_generators(d: int) -> list[np.ndarray]:
    """A transposition and a d-cycle: two generators for S_d, whatever d! is."""
    mats = []
    if d >= 2:
        mats.append(_perm([1, 0] + list(range(2, d))))
    if d >= 3:
        mats.append(_perm([(i + 1) % d for i in range(d)]))
    return mats


def named(spec: str, dim: int | None = None) -> Any:
    """A group from a catalogue specification string (see the module docstring or
    :func:`catalogue`).

    Parameters
    ----------
    spec : str
        E.g. "C4", "D3h", "Oh", "Ih", "S3", "signs2", "B10", "Z4:1", "SO(2)", "hopf", "T1".
    dim : int, optional
        Dimension of the space acted on; the group is extended by the identity on extra
        coordinates. Default: the group's natural dimension (3 for point groups, d for the
        coordinate groups).

    Raises
    ------
    SpecError
        Unknown spec, or a dimension the group cannot act in.
    """
    if not isinstance(spec, str):
        raise SpecError(f"a group spec must be a string; got {type(spec).__name__}")
    s = spec.strip()
    if dim is not None and (not isinstance(dim, (int, np.integer)) or dim < 1):
        raise SpecError(f"dim must be a positive integer; got {dim!r}")
    dim = None if dim is None else int(dim)

    # ---- continuous groups
    m = re.fullmatch(r"Sym\((\d+)\)", s, flags=re.IGNORECASE)
    if m:
        from .product import permute_factors

        k = _positive(spec, m.group(1))
        D = k if dim is None else dim
        if D % k:
            raise SpecError(f"Sym({k}) permutes {k} identical factors; dim={dim} is not a "
                            f"multiple of {k}")
        return permute_factors(k, D // k)
    if s.upper() == "O(3)":
        if dim not in (None, 3):
            raise SpecError(f"O(3) acts on R^3; dim={dim} is not supported")
        from .lie import LieGroup

        alg = ContinuousGroup("SO(3)", "rotation", 3, 3).lie_algebra()
        return LieGroup("O(3)", alg, -np.eye(3)[None], "rotations and reflections of R^3")
    m = re.fullmatch(r"SO\((\d+)\)", s, flags=re.IGNORECASE)
    if m:
        n = _positive(spec, m.group(1))
        if n < 2:
            raise _spec_error(spec, "SO(n) needs n >= 2")
        name = f"SO({n})"
        if n == 2 and (dim is None or dim == 3):
            return ContinuousGroup(name, "axis_rotation", 1, 3, axis=2, coordinates=(0, 1),
                                   description="rotations about the z axis of R^3")
        D = n if dim is None else dim
        if D == n:
            return ContinuousGroup(name, "rotation", n * (n - 1) // 2, n,
                                   description=f"rotations of R^{n} (transitive on S^{n - 1})")
        if D == n + 1:
            return ContinuousGroup(name, "axis_stabilizer", n * (n - 1) // 2, D, axis=n,
                                   description=f"rotations of R^{D} fixing the last axis")
        raise SpecError(f"{name} acts on R^{n} (transitively) or on R^{n + 1} (fixing the last "
                        f"axis); dim={dim} is not supported")
    if s.lower() == "hopf":
        if dim not in (None, 4):
            raise SpecError(f"the Hopf action lives on R^4 = C^2; dim={dim} is not supported")
        return ContinuousGroup("hopf", "hopf", 1, 4,
                               description="U(1) acting on C^2 = R^4 by e^{it}(z1, z2)")
    m = re.fullmatch(r"T(\d+)", s)
    if m:
        k = _positive(spec, m.group(1))
        D = k if dim is None else dim
        if D < k:
            raise SpecError(f"T{k} translates {k} coordinates; dim={dim} is too small")
        return ContinuousGroup(f"T{k}", "torus_translation", k, D, coordinates=tuple(range(k)),
                               description=f"translations of the first {k} torus coordinates")

    # ---- coordinate groups
    m = re.fullmatch(r"S(\d+)", s)
    if m:
        d = _positive(spec, m.group(1))
        return _finite(f"S{d}", _symmetric_group_generators(d), math.factorial(d),
                       f"permutations of {d} coordinates", dim, d)
    m = re.fullmatch(r"signs(\d+)", s, flags=re.IGNORECASE)
    if m:
        d = _positive(spec, m.group(1))
        mats = []
        for i in range(d):
            a = np.eye(d)
            a[i, i] = -1.0
            mats.append(a)
        return _finite(f"signs{d}", mats, 2 ** d, f"sign flips of {d} coordinates", dim, d)
    m = re.fullmatch(r"B(\d+)", s)
    if m:
        d = _positive(spec, m.group(1))
        mats = _symmetric_group_generators(d)
        a = np.eye(d)
        a[0, 0] = -1.0
        mats.append(a)
        return _finite(f"B{d}", mats, 2 ** d * math.factorial(d),
                       f"signed permutations of {d} coordinates", dim, d)
    m = re.fullmatch(r"cyc(\d+)", s, flags=re.IGNORECASE)
    if m:
        d = _positive(spec, m.group(1))
        mats = [_perm([(i + 1) % d for i in range(d)])] if d >= 2 else []
        return _finite(f"cyc{d}", mats, d, f"cyclic shift of {d} coordinates", dim, d)
    m = re.fullmatch(r"Z(\d+)(?::(\d+))?", s)
    if m:
        n = _positive(spec, m.group(1))
        axis = int(m.group(2)) if m.group(2) is not None else 0
        D = axis + 1 if dim is None else dim
        if axis >= D:
            raise SpecError(f"{spec!r} translates axis {axis}, which R^{D} does not have")
        t = np.zeros((1, D))
        t[0, axis] = 1.0 / n
        name = f"Z{n}:{axis}"
        desc = f"translation by 1/{n} of the period along axis {axis}"
        if n == 1:
            return FiniteGroup(name, (), D, 1, desc)
        return from_generators(np.eye(D)[None], t, name, order=n, description=desc)

    # ---- point groups of R^3
    if s in ("Ci", "antipodal", "-I"):
        D = 3 if dim is None else dim
        return from_generators(-np.eye(D)[None], name="antipodal", order=2,
                               description=f"x -> -x in R^{D}")
    if s in ("Cs", "mirror"):
        D = 3 if dim is None else dim
        a = np.eye(D)
        a[-1, -1] = -1.0
        return from_generators(a[None], name="mirror", order=2,
                               description=f"reflection of the last coordinate of R^{D}")
    fixed = {
        "T": ([_CYC3, _FLIP_XY], 12),
        "Td": ([_CYC3, _FLIP_XY, _perm([1, 0, 2])], 24),
        "Th": ([_CYC3, _FLIP_XY, _NEG3], 24),
        "O": ([_cn(4), _CYC3], 24),
        "Oh": ([_cn(4), _CYC3, _NEG3], 48),
        "I": ([_CYC3, _FLIP_XY, _rotation([0, 1, _PHI], 2 * math.pi / 5)], 60),
        "Ih": ([_CYC3, _FLIP_XY, _rotation([0, 1, _PHI], 2 * math.pi / 5), _NEG3], 120),
    }
    if s in fixed:
        mats, order = fixed[s]
        desc = dict((k.split(" ")[0], v) for k, v in _CATALOGUE)[s]
        return _finite(s, mats, order, desc, dim, 3)
    m = re.fullmatch(r"([CD])(\d+)([vhd]?)", s)
    if m:
        kind, n, suffix = m.group(1), _positive(spec, m.group(2)), m.group(3)
        if kind == "C" and suffix == "d":
            raise _spec_error(spec, "Cnd is not a group name; did you mean Dnd or Cnv?")
        rot = [_cn(n)] if n > 1 else []
        if dim == 2 and kind == "C" and suffix in ("", "v"):
            # planar versions: rotations (and mirrors) of R^2
            mats2 = [a[:2, :2] for a in rot]
            if suffix == "v":
                mats2.append(np.diag([1.0, -1.0]))
            order = n * (2 if suffix == "v" else 1)
            return _finite(s, mats2, order, f"{s} acting on the plane", 2, 2)
        if kind == "C":
            if suffix == "":
                return _finite(s, rot, n, f"rotations by 2*pi/{n} about z", dim, 3)
            extra = np.diag([1.0, -1.0, 1.0]) if suffix == "v" else _ZFLIP
            what = "mirrors containing z" if suffix == "v" else "the mirror z -> -z"
            return _finite(s, rot + [extra], 2 * n, f"C{n} plus {what}", dim, 3)
        base = rot + [_XROT]
        if suffix == "":
            return _finite(s, base, 2 * n, f"rotation group of order {2 * n}: C{n} plus 2-fold "
                           "rotations about x", dim, 3)
        if suffix == "h":
            return _finite(s, base + [_ZFLIP], 4 * n, f"D{n} plus the mirror z -> -z", dim, 3)
        a = math.pi / (2 * n)
        mir = _mirror([-math.sin(a), math.cos(a), 0.0])
        return _finite(s, base + [mir], 4 * n,
                       f"D{n} plus mirrors containing z between the 2-fold axes", dim, 3)
    raise _spec_error(spec)


# ====================================================================== resolve
_COMBINE = re.compile(r"\s+x\s+")


def resolve(spec_or_group: Any, manifold: Any) -> Any:
    """The group acting on a manifold, from a spec string or a group object.

    Rules (``manifold`` a :mod:`weylgain.symbolic` Manifold or spec; k >= 2 identical factors
    F of ambient size a, as in ``S2^3``, ``T3^4``, ``S2xS2``):

    * ``"A x B"`` (the letter x with spaces around it) combines the resolved A and B
      (:func:`weylgain.groups.combine`): ``"SO(3) x Sym(3)"``, ``"T3 x Sym(4)"``;
    * ``"G@i"`` (1-based): G, named for factor i, acts on that factor only;
    * ``"Sym(k)"``: permutations of the k factors;
    * a group named for one factor (``named(spec, dim=a)`` exists) acts diagonally on all
      identical factors: ``SO(3)`` on ``S2^2`` rotates both points together (before issue 8
      it acted on the first factor only; write ``SO(3)@1`` for that);
    * otherwise (one factor, or a spec that needs the whole space such as ``S6`` on
      ``T3^2``) the old reading: ``named(spec, dim=ambient)`` or the natural dimension.

    A group object of the manifold's ambient dimension is returned unchanged; one of the
    ambient dimension of a factor of a product of identical factors acts diagonally.
    """
    from ..symbolic import Manifold, parse_manifold
    from .product import combine, diagonal, on_factor

    M = parse_manifold(manifold) if isinstance(manifold, str) else manifold
    if not isinstance(M, Manifold):
        raise SpecError(f"manifold must be a Manifold or a spec string; got {type(M).__name__}")
    factors = M.factors
    k = len(factors)
    identical = k >= 2 and all(f == factors[0] for f in factors)
    a = factors[0].ambient_dim
    if not isinstance(spec_or_group, str):
        g = spec_or_group
        gdim = getattr(g, "dim", None)
        if identical and gdim == a and gdim != M.ambient_dim:
            return diagonal(g, k)
        return g
    s = spec_or_group.strip()
    parts = _COMBINE.split(s)
    if len(parts) > 1:
        if any(not p.strip() for p in parts):
            raise SpecError(f"{spec_or_group!r}: 'A x B' needs a group on both sides of x")
        out = resolve(parts[0], M)
        for p in parts[1:]:
            out = combine(out, resolve(p, M))
        return out
    m = re.fullmatch(r"(.+)@(\d+)", s)
    if m:
        i = int(m.group(2))
        if not 1 <= i <= k:
            raise SpecError(f"{spec_or_group!r}: factor {i} does not exist; {M.name} has {k} "
                            "factor(s), numbered from 1")
        f = factors[i - 1]
        g = named(m.group(1), dim=f.ambient_dim)
        return on_factor(g, i - 1, [h.ambient_dim for h in factors])
    m = re.fullmatch(r"Sym\((\d+)\)", s, flags=re.IGNORECASE)
    if m:
        n = int(m.group(1))
        if not identical or n != k:
            raise SpecError(f"{spec_or_group!r} permutes {n} identical factors; {M.name} has {k} "
                            "factor(s)" + ("" if identical else " that are not identical"))
        return named(s, dim=M.ambient_dim)
    if identical:
        try:
            g = named(s, dim=a)
        except SpecError:
            g = None
        if g is not None and g.dim == a:
            return diagonal(g, k)
    try:
        return named(s, dim=M.ambient_dim)
    except SpecError as first:
        try:
            return named(s)
        except SpecError:
            raise first from None
