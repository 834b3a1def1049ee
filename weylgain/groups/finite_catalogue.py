"""The finite groups of the catalogue, by name: point groups of R^3, coordinate groups of
R^d, torus translations Z<n> and the factor permutations Sym(k) (:func:`named_finite`),
with the list of every spec form (:data:`_CATALOGUE`, shown by
:func:`weylgain.groups.catalogue`).

This module imports only the finite groups, so the mesh layer (spheres invariant under a
named point group) reads group names without reaching the Lie groups, products, manifolds
or quotient geometry above it; :func:`weylgain.groups.named` adds the continuous families.
"""

from __future__ import annotations

import dataclasses
import math
import re
from typing import Any, Sequence

import numpy as np

from .. import _spec_bounds as _bounds
from ..errors import GroupError, SpecError
from .actions import FactorStructure
from .finite import AffineMap, FiniteGroup, from_generators

__all__ = ["named_finite", "is_continuous_name", "permute_factors", "closed_form_reflections",
           "coordinate_family",
           "reflection_classes"]

_MAX_COPIES = 1000  # products of more factors: matrices of (copies D)^2 entries each


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
            dim: int | None, natural: int, reflection_key: str = "") -> FiniteGroup:
    D = natural if dim is None else dim
    if D < natural:
        raise SpecError(f"group {name!r} acts on R^{natural}; dim={dim} is too small")
    if mats:
        grp = from_generators(np.stack(mats), name=name, order=order, description=description,
                              verify_order=False)  # closed-form orders
    else:
        grp = FiniteGroup(name, (), natural, order, description)
    if reflection_key:
        grp = dataclasses.replace(grp, reflection_key=reflection_key)
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
    ("Perm(<d>) | S<d>", "permutations of d coordinates, e.g. Perm(3) (order d!); NOT "
                         "Schoenflies S_2n"),
    ("signs<d>", "independent sign flips of d coordinates (order 2^d)"),
    ("SignedPerm(<d>) | B<d>", "signed permutations of d coordinates (order 2^d d!)"),
    ("cyc<d>", "cyclic shift of d coordinates (order d)"),
    ("Z<n>[:<axis>]", "translation of a torus by 1/n of the period along an axis, default 0 (order n)"),
    ("SO(2)", "continuous: rotations about the z axis of R^3 (S^2/SO(2) = [0, pi])"),
    ("SO(<n>)", "continuous: rotations of R^n, transitive on S^{n-1}; with dim=n+1 the "
                "rotations fixing the last axis of R^{n+1} (S^n/SO(n) = [0, pi])"),
    ("hopf", "continuous: the U(1) Hopf action on S^3 in R^4 = C^2 (S^3/U(1) = S^2(1/2))"),
    ("Trans(<k>) | T<k>", "continuous: translations of the first k coordinates of a torus "
                          "(T^d/Trans(k) = T^(d-k))"),
    ("O(3)", "continuous: SO(3) plus -I (rotations and reflections of R^3)"),
    ("Sym(<k>)", "permutations of k identical factors of a product (order k!); with dim, "
                 "factors of ambient size dim/k"),
    ("Sym(<m>)@<i1>,...,<im>", "on a product: permutations of the m listed identical factors "
                               "only, the others fixed (order m!; water on B3^3: "
                               "'SO(3) x Sym(2)@2,3'); resolve() only"),
    ("G@<i>", "on a product: G acting on factor i only (1-based); resolve() only"),
    ("A x B", "the group generated by A and B (spaces around x); resolve() only"),
]


def _spec_error(spec: str, why: str = "") -> SpecError:
    forms = ", ".join(s for s, _ in _CATALOGUE)
    extra = f" ({why})" if why else ""
    return SpecError(f"unknown group spec {spec!r}{extra}; valid forms: {forms}")


def _positive(spec: str, s: str, what: str = "degree",
              limit: int = _bounds.MAX_AMBIENT_DIMENSION) -> int:
    """The integer of a group name, bounded before anything is built (``S1000``,
    ``signs3000``, ``SO(2999)`` are refused here, not after gigabytes of matrices)."""
    if not s.lstrip("0"):  # 0, 00
        raise _spec_error(spec, "the integer must be positive")
    return _bounds.bounded_int(s, what, limit, spec, minimum=1)


def _check_generator_memory(name: str, n_generators: int, D: int) -> None:
    """Refuse generator matrices that cannot fit: n dense D x D matrices, kept about three
    times over (the stack, the snapped AffineMap copies, an extension to R^dim)."""
    from ..resources import MemoryEstimate, check_memory

    check_memory(MemoryEstimate(f"the {n_generators} generator matrices of {name}",
                                3.0 * 8.0 * n_generators * D * D,
                                f"{n_generators} matrices of {D} x {D}"),
                 "use a smaller group, or a lower dimension")


def _symmetric_group_generators(d: int) -> list[np.ndarray]:
    """A transposition and a d-cycle: two generators for S_d, whatever d! is."""
    mats = []
    if d >= 2:
        mats.append(_perm([1, 0] + list(range(2, d))))
    if d >= 3:
        mats.append(_perm([(i + 1) % d for i in range(d)]))
    return mats


def _copies(copies: Any, what: str = "copies") -> int:
    if isinstance(copies, bool) or not isinstance(copies, (int, np.integer)) or copies < 1:
        raise GroupError(f"{what} must be a positive integer; got {copies!r}")
    if copies > _MAX_COPIES:
        raise GroupError(f"{what} = {copies} is more than the {_MAX_COPIES} factors weylgain "
                         "builds matrices for (each group matrix has (copies D)^2 entries)")
    return int(copies)


def _block_permutation(images: Sequence[int], a: int) -> np.ndarray:
    k = len(images)
    P = np.zeros((k * a, k * a))
    for i, j in enumerate(images):
        P[j * a:(j + 1) * a, i * a:(i + 1) * a] = np.eye(a)
    return P


def permute_factors(copies: int, factor_ambient: int, generators: Any = None,
                    name: str | None = None) -> FiniteGroup:
    """Permutations of ``copies`` identical factors of ambient size ``factor_ambient``.

    Parameters
    ----------
    copies : int
    factor_ambient : int
    generators : sequence of sequences of int, optional
        Permutations as images of the factor indices (0-based), e.g. [[1, 2, 0]] for a cyclic
        shift. Default: a transposition and a k-cycle, generating Sym(k) (order k!).

    Returns
    -------
    FiniteGroup of block permutation matrices on R^(copies factor_ambient), with a
    FactorStructure (trivial connected part, these permutations).
    """
    k = _copies(copies)
    a = _copies(factor_ambient, "factor_ambient")
    order: int | None
    if generators is None:
        perms = []
        if k >= 2:
            perms.append([1, 0] + list(range(2, k)))
        if k >= 3:
            perms.append([(i + 1) % k for i in range(k)])
        order = math.factorial(k)
        name = name or f"Sym({k})"
    else:
        try:
            perms = [list(map(int, p)) for p in generators]
        except (TypeError, ValueError):
            raise GroupError(f"generators must be permutations of the factor indices 0..{k - 1} "
                             f"(lists of integers); got {generators!r}") from None
        for p in perms:
            if sorted(p) != list(range(k)):
                raise GroupError(f"{p} is not a permutation of the factor indices 0..{k - 1}")
        order = None
        name = name or "permutations"
    gens = tuple(AffineMap(_block_permutation(p, a), np.zeros(k * a)) for p in perms)
    struct = FactorStructure(k, a, "trivial", False, np.array(perms, dtype=np.int64).reshape(-1, k))
    return FiniteGroup(name, gens, k * a, order, f"permutations of {k} factors", struct,
                       f"{name} permuting {k} factors")


# the continuous families' spellings (named() builds them; they are no finite groups)
_CONTINUOUS_NAME = re.compile(r"SO\(\d+\)|O\(3\)|hopf", flags=re.IGNORECASE)
# T<k> (case-sensitive: "t1" is no group name) or Trans(<k>), the spelling that cannot be
# read as the torus T<k>
_TRANSLATIONS_NAME = re.compile(r"T\d+|[Tt]rans\(\d+\)")


def is_continuous_name(s: str) -> bool:
    """True when the stripped spec ``s`` names a continuous family (SO(n), O(3), hopf, T<k>)."""
    return bool(_CONTINUOUS_NAME.fullmatch(s) or _TRANSLATIONS_NAME.fullmatch(s))


def check_spec(spec: Any, dim: Any) -> tuple[str, int | None]:
    """The stripped spec and the dimension, checked (SpecError) before anything is built."""
    if not isinstance(spec, str):
        raise SpecError(f"a group spec must be a string; got {type(spec).__name__}")
    _bounds.check_spec_length(spec, "group")
    s = spec.strip()
    if dim is not None and (isinstance(dim, bool) or not isinstance(dim, (int, np.integer))
                            or dim < 1):
        raise SpecError(f"dim must be a positive integer; got {dim!r}")
    if dim is not None and dim > _bounds.MAX_AMBIENT_DIMENSION:
        raise SpecError(f"dim = {dim} is beyond the {_bounds.MAX_AMBIENT_DIMENSION} ambient "
                        "dimensions weylgain builds group matrices for (dense D x D "
                        "generators, each checked in D^3 operations)")
    dim = None if dim is None else int(dim)
    return s, dim


def named_finite(spec: str, dim: int | None = None) -> FiniteGroup | None:
    """A finite group of the catalogue from its name, or None for a continuous family's name.

    Parameters
    ----------
    spec : str
        E.g. "C4", "D3h", "Oh", "Perm(3)", "signs2", "SignedPerm(10)", "Z4:1", "Sym(3)" (or
        the short "S3", "B10").
    dim : int, optional
        As for :func:`weylgain.groups.named`.

    Raises
    ------
    SpecError
        Unknown spec, or a dimension the group cannot act in.
    """
    s, dim = check_spec(spec, dim)
    if is_continuous_name(s):
        return None
    return _finite_from_name(s, spec, dim)


# spellings that cannot be read as a manifold: Perm(d) for S<d> (S3 is also the 3-sphere),
# SignedPerm(d) for B<d> (B3 is also the ball). The groups are named by these long spellings
# (reports, JSON); the short ones remain accepted as specs and are the groups'
# ``reflection_key``, which the closed-form reflections read
_LONG_NAMES = {"perm": "S", "signedperm": "B"}


def _finite_from_name(s: str, spec: str, dim: int | None) -> FiniteGroup:
    """The finite group named ``s`` (checked by :func:`check_spec`)."""
    m = re.fullmatch(r"(Perm|SignedPerm)\((\d+)\)", s, flags=re.IGNORECASE)
    if m:
        s = _LONG_NAMES[m.group(1).lower()] + m.group(2)
    m = re.fullmatch(r"Sym\((\d+)\)", s, flags=re.IGNORECASE)
    if m:
        k = _positive(spec, m.group(1), "number of factors")
        D = k if dim is None else dim
        if D % k:
            raise SpecError(f"Sym({k}) permutes {k} identical factors; dim={dim} is not a "
                            f"multiple of {k}")
        return permute_factors(k, D // k)
    # ---- coordinate groups
    m = re.fullmatch(r"S(\d+)", s)
    if m:
        d = _positive(spec, m.group(1))
        _check_generator_memory(s, 2, max(d, dim or 0))
        return _finite(f"Perm({d})", _symmetric_group_generators(d), math.factorial(d),
                       f"permutations of {d} coordinates", dim, d, f"S{d}")
    m = re.fullmatch(r"signs(\d+)", s, flags=re.IGNORECASE)
    if m:
        d = _positive(spec, m.group(1))
        _check_generator_memory(s, d, max(d, dim or 0))
        mats = []
        for i in range(d):
            a = np.eye(d)
            a[i, i] = -1.0
            mats.append(a)
        return _finite(f"signs{d}", mats, 2 ** d, f"sign flips of {d} coordinates", dim, d,
                       f"signs{d}")
    m = re.fullmatch(r"B(\d+)", s)
    if m:
        d = _positive(spec, m.group(1))
        _check_generator_memory(s, 3, max(d, dim or 0))
        mats = _symmetric_group_generators(d)
        a = np.eye(d)
        a[0, 0] = -1.0
        mats.append(a)
        return _finite(f"SignedPerm({d})", mats, 2 ** d * math.factorial(d),
                       f"signed permutations of {d} coordinates", dim, d, f"B{d}")
    m = re.fullmatch(r"cyc(\d+)", s, flags=re.IGNORECASE)
    if m:
        d = _positive(spec, m.group(1))
        mats = [_perm([(i + 1) % d for i in range(d)])] if d >= 2 else []
        return _finite(f"cyc{d}", mats, d, f"cyclic shift of {d} coordinates", dim, d)
    m = re.fullmatch(r"Z(\d+)(?::(\d+))?", s)
    if m:
        n = _positive(spec, m.group(1), "order", _bounds.MAX_CYCLIC_ORDER)
        axis = (_bounds.bounded_int(m.group(2), "axis", _bounds.MAX_AMBIENT_DIMENSION - 1, spec)
                if m.group(2) is not None else 0)
        D = axis + 1 if dim is None else dim
        if axis >= D:
            raise SpecError(f"{spec!r} translates axis {axis}, which R^{D} does not have")
        t = np.zeros((1, D))
        t[0, axis] = 1.0 / n
        name = f"Z{n}:{axis}"
        desc = f"translation by 1/{n} of the period along axis {axis}"
        if n == 1:
            return FiniteGroup(name, (), D, 1, desc)
        return from_generators(np.eye(D)[None], t, name, order=n, description=desc,
                               verify_order=False)

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
        kind, suffix = m.group(1), m.group(3)
        n = _positive(spec, m.group(2), "order", _bounds.MAX_CYCLIC_ORDER)
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


# ====================================================================== reflections by key
# The wall volumes of M/G need every reflection of G; for these families the catalogue
# knows them from the group's ``reflection_key`` (S<d> for Perm(d), signs<d>, B<d> for
# SignedPerm(d)), without enumerating the group.
def closed_form_reflections(name: str, d: int, D: int) -> np.ndarray | None:
    """Every reflection of the catalogue families S<d>, signs<d>, B<d> (padded to R^D), as
    one (n, D, D) array: the list the classes of :func:`reflection_classes` stand for
    (small d only: n D^2 numbers). ``name`` is the group's ``reflection_key``."""
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


def coordinate_family(group: FiniteGroup) -> tuple[str, int] | tuple[None, None]:
    """The ``reflection_key`` and order of a group that *is* a whole catalogue family on its
    own coordinates, read from its generators (not its name), or (None, None).

    The generators must be matrices without translations of one family: permutation matrices
    (``S<d>``), diagonal sign matrices (``signs<d>``) or signed permutation matrices
    (``B<d>``). They generate a subgroup of that family; it is the whole family when its
    exact order (Schreier-Sims, :func:`weylgain.groups.finite._signed_permutation_order`)
    is the family's d!, 2^d or 2^d d!. So a group from a file or from
    :func:`~weylgain.groups.from_generators` gets the closed-form reflections of the family
    it equals, and no other group does.
    """
    from .finite import _signed_permutation_order

    lin, tr = group.generator_arrays()
    d = int(group.dim)
    if lin.shape[0] == 0 or np.any(tr != 0) or not group.is_signed_permutation:
        return None, None
    if np.all(lin >= 0):
        key, order = f"S{d}", math.factorial(d)
    elif all(np.count_nonzero(a - np.diag(np.diagonal(a))) == 0 for a in lin):
        key, order = f"signs{d}", 2 ** d
    else:
        key, order = f"B{d}", 2 ** d * math.factorial(d)
    found = _signed_permutation_order(lin, tr)
    return (key, order) if found == order else (None, None)


def reflection_classes(name: str, d: int, D: int) -> list[tuple[int, np.ndarray]] | None:
    """Reflections of the catalogue families S<d>, signs<d>, B<d> (padded to R^D), as
    (multiplicity, representative) pairs, or None for other groups. ``name`` is the
    group's ``reflection_key`` (``"S7"`` for ``Perm(7)``), not its display name.

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
