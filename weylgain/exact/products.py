"""Exact invariant counts on products M_1 x ... x M_k of any families (and on single factors
without a closed-form route of their own: balls, boxes, hemispheres, RP^d).

The eigenspaces of a product are tensor products E_1(mu_1) x ... x E_k(mu_k) with
eigenvalue mu_1 + ... + mu_k. The product asks each factor for its eigenspaces and the trace
of a group element on them (:meth:`weylgain.manifolds.Manifold.eigenspace_traces`), or, for
a connected group rotating one factor, for the harmonic degree of each eigenspace
(:meth:`weylgain.manifolds.Manifold.harmonic_degrees`); nothing here branches on a family.

* A finite group acting factorwise, g = (g_1, ..., g_k): the invariant dimension of
  E_1 x ... x E_k is (1/|G|) sum_g prod_i tr(g_i | E_i). The group is enumerated.
* A connected group on one factor (``SO(2)``, ``SO(3)@1``, a Lie group supported on one
  block), with finite generators on that factor or on the others: the invariant harmonics
  of each degree on that factor (:func:`weylgain.exact.lie_sphere_dimensions`) times the
  invariant table of the others (the finite generators there, by characters).
* Translations of torus coordinates (``T1`` on ``S2xT1``): the modes constant along the
  translated coordinates.

Permutations of identical factors go through the routes of
:mod:`weylgain.exact.configurations` and :mod:`weylgain.exact.torus`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ..errors import CountingError, GroupError

__all__ = ["ProductTable", "product_invariant_table", "needs_product_route"]

#: Largest group enumerated for the character average.
MAX_PRODUCT_GROUP_ORDER = 100_000
_TOL = 1e-9


@dataclass(frozen=True)
class ProductTable:
    """Invariant spectrum of M/G below a cut-off.

    Attributes
    ----------
    eigenvalues : ndarray of float64, shape (n,)
        Distinct eigenvalues of M, ascending.
    invariant : ndarray of int64, shape (n,)
        Invariant multiplicity of each.
    full : ndarray of int64, shape (n,)
        Multiplicity on M.
    label : str
        The action counted, in words.
    """

    eigenvalues: np.ndarray
    invariant: np.ndarray
    full: np.ndarray
    label: str

    def to_dict(self) -> dict:
        return {"eigenvalues": self.eigenvalues.tolist(),
                "invariant": self.invariant.tolist(), "full": self.full.tolist(),
                "label": self.label}


def needs_product_route(m: Any) -> bool:
    """True for manifolds the sphere/torus routes do not count: a factor that is neither a
    round sphere nor a flat torus (balls, boxes, hemispheres, RP^d), or spheres and tori
    mixed in one product."""
    factors = m.factors
    spheres = [f.sphere_radius() is not None for f in factors]
    tori = [f.torus_lengths() is not None for f in factors]
    if not all(s or t for s, t in zip(spheres, tori)):
        return True
    return not (all(spheres) or all(tori))


# ----------------------------------------------------------------------------- tables


def _offsets(m: Any) -> list[int]:
    off = [0]
    for f in m.factors:
        off.append(off[-1] + f.ambient_dim)
    return off


def _merge(eig: np.ndarray, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    from ..manifolds._spectra import merge_rows

    return merge_rows(eig, rows)


def _guard_rows(rows: float, width: int, name: str) -> None:
    from ._util import _guard

    _guard(f"the exact table of {name}", f"{rows:.3g} rows x {width} columns",
           nbytes=8.0 * 3 * rows * max(width, 1))


def _convolve(tables: list[tuple[np.ndarray, np.ndarray]], lam: float, name: str
              ) -> tuple[np.ndarray, np.ndarray]:
    """Sums of eigenvalues <= lam with the products of the rows (traces, or invariant and
    full multiplicities), equal sums merged."""
    eig, rows = tables[0]
    for e2, r2 in tables[1:]:
        _guard_rows(float(len(eig)) * len(e2), rows.shape[1], name)
        sums = eig[:, None] + e2[None, :]
        a, b = np.nonzero(sums <= lam * (1 + 1e-12))
        eig, rows = _merge(sums[a, b], rows[a] * r2[b])
    return eig, rows


def _full_table(f: Any, lam: float) -> tuple[np.ndarray, np.ndarray]:
    """(eigenvalues, [[mult, mult]]) of a factor the group does not move."""
    spec = f.exact_spectrum(lam)
    if spec is None:
        raise CountingError(f"no exact count on a product with {f.name}: its spectrum has no "
                            "closed form here")
    eig, mult = spec
    return eig, np.stack([mult, mult], axis=1).astype(np.int64)


def _round(values: np.ndarray, what: str) -> np.ndarray:
    out = np.rint(values)
    err = np.abs(values - out)
    if len(err) and float(err.max()) > 1e-6 * max(1.0, float(np.abs(values).max())) + 1e-6:
        raise CountingError(f"the character average of {what} is not an integer (off by "
                            f"{float(err.max()):.2g}); the group is not a group of isometries "
                            "of the product, or its elements are too inexact")
    return out.astype(np.int64)


# ----------------------------------------------------------------------------- groups


def _aligned(linear: np.ndarray, shift: np.ndarray, D: int, gname: str, mname: str
             ) -> tuple[np.ndarray, np.ndarray]:
    """Elements on R^D' as maps of R^D: extended by the identity, or restricted when they
    fix the extra coordinates."""
    g, Dg = linear.shape[0], linear.shape[1]
    if Dg == D:
        return linear, shift
    if Dg < D:
        L = np.tile(np.eye(D), (g, 1, 1))
        L[:, :Dg, :Dg] = linear
        T = np.zeros((g, D))
        T[:, :Dg] = shift
        return L, T
    if np.abs(linear[:, D:, :D]).max(initial=0.0) > _TOL or \
            np.abs(linear[:, :D, D:]).max(initial=0.0) > _TOL or \
            np.abs(np.asarray(shift)[:, D:]).max(initial=0.0) > _TOL:
        raise GroupError(f"group {gname!r} acts on R^{Dg} and mixes the {D} coordinates of "
                         f"{mname} with others; it does not act on {mname}")
    return np.ascontiguousarray(linear[:, :D, :D]), np.ascontiguousarray(shift[:, :D])


def _support(X: np.ndarray, off: list[int], identity: bool) -> set[int] | None:
    """Factors a matrix moves (None when it couples or permutes factors)."""
    k = len(off) - 1
    base = np.eye(X.shape[0]) if identity else np.zeros_like(X)
    diff = X - base
    moved = set()
    for i in range(k):
        for j in range(k):
            block = diff[off[j]:off[j + 1], off[i]:off[i + 1]]
            if np.abs(block).max(initial=0.0) > _TOL:
                if i != j:
                    return None
                moved.add(i)
    return moved


def _pattern(A: np.ndarray, off: list[int]) -> list[int] | None:
    """target[i]: the factor that factor i is mapped onto (None: a block is split)."""
    k = len(off) - 1
    target = []
    for i in range(k):
        hit = [j for j in range(k)
               if np.abs(A[off[j]:off[j + 1], off[i]:off[i + 1]]).max(initial=0.0) > _TOL]
        if len(hit) != 1:
            return None
        target.append(hit[0])
    return target if sorted(target) == list(range(k)) else None


def _cycles(target: list[int]) -> list[list[int]]:
    seen: set[int] = set()
    out = []
    for i in range(len(target)):
        if i not in seen:
            cyc = [i]
            seen.add(i)
            while target[cyc[-1]] != i:
                cyc.append(target[cyc[-1]])
                seen.add(cyc[-1])
            out.append(cyc)
    return out


def _cycle_maps(linear: np.ndarray, shift: np.ndarray, off: list[int], cyc: list[int]
                ) -> tuple[np.ndarray, np.ndarray]:
    """The maps once around a cycle of factors, i0 -> i1 -> ... -> i0, as maps of factor i0
    (identical factors share their coordinates)."""
    a = off[cyc[0] + 1] - off[cyc[0]]
    hA = np.tile(np.eye(a), (linear.shape[0], 1, 1))
    ht = np.zeros((linear.shape[0], a))
    for n, i in enumerate(cyc):
        j = cyc[(n + 1) % len(cyc)]
        B = linear[:, off[j]:off[j + 1], off[i]:off[i + 1]]
        hA = B @ hA
        ht = np.einsum("gab,gb->ga", B, ht) + shift[:, off[j]:off[j + 1]]
    return hA, ht


def _finite_table(m: Any, linear: np.ndarray, shift: np.ndarray, lam: float, what: str
                  ) -> tuple[np.ndarray, np.ndarray]:
    """(eigenvalues, [[invariant, full]]) of a finite group of isometries acting factorwise
    or permuting identical factors, given by all its elements, by the average of characters.

    An element permuting factors in cycles has trace zero on E_1 x ... x E_k unless the
    eigenvalues agree along each cycle, and then the product over the cycles of its trace,
    once around the cycle, on one factor's eigenspace."""
    off = _offsets(m)
    factors = m.factors
    classes: dict[tuple[int, ...], list[int]] = {}
    for n, A in enumerate(linear):
        target = _pattern(A, off)
        if target is None:
            raise CountingError(f"an element of {what} couples the factors of {m.name}; exact "
                                "counts on products take groups acting on each factor or "
                                "permuting identical factors")
        for i, j in enumerate(target):
            if factors[i] != factors[j]:
                raise CountingError(f"an element of {what} maps factor {i + 1} "
                                    f"({factors[i].name}) onto factor {j + 1} "
                                    f"({factors[j].name}), a different manifold")
        classes.setdefault(tuple(target), []).append(n)
    g = linear.shape[0]
    eigs, sums = [], []
    for target, idx in classes.items():
        tables = []
        for cyc in _cycles(list(target)):
            f = factors[cyc[0]]
            hA, ht = _cycle_maps(linear[idx], shift[idx], off, cyc)
            table = f.eigenspace_traces(lam / len(cyc), hA, ht)
            if table is None:
                raise CountingError(f"no exact count for {what} on {m.name}: the factor "
                                    f"{f.name} has no table of eigenspace traces")
            _guard_rows(float(len(table[0])), len(idx), m.name)
            tables.append((len(cyc) * table[0], table[1]))
        eig, traces = _convolve(tables, lam, m.name)
        eigs.append(eig)
        sums.append(traces.sum(axis=1))
    full_tables = [_full_table(f, lam) for f in factors]
    eig_full, rows_full = _convolve(full_tables, lam, m.name) if len(full_tables) > 1 \
        else full_tables[0]
    eig_inv, total = _merge(np.concatenate(eigs), np.concatenate(sums))
    inv = _round(total / g, f"{what} on {m.name}")
    both = np.concatenate([np.stack([inv, np.zeros_like(inv)], axis=1),
                           np.stack([np.zeros_like(rows_full[:, 1]), rows_full[:, 1]], axis=1)])
    return _merge(np.concatenate([eig_inv, eig_full]), both)


def _elements(group: Any) -> tuple[np.ndarray, np.ndarray]:
    from ._util import _known_order

    order = _known_order(group)
    if order is not None and order > MAX_PRODUCT_GROUP_ORDER:
        raise CountingError(f"group {group.name} has {order} elements; exact counts on "
                            f"products average characters over at most "
                            f"{MAX_PRODUCT_GROUP_ORDER}")
    linear, shift = group.elements(max_order=MAX_PRODUCT_GROUP_ORDER)
    return np.asarray(linear, dtype=np.float64), np.asarray(shift, dtype=np.float64)


def _sub_manifold(m: Any, keep: list[int]) -> Any:
    from ..manifolds import Product

    parts = [m.factors[i] for i in keep]
    return parts[0] if len(parts) == 1 else Product(tuple(parts))


def _rest_table(m: Any, rest: list[int], gens: list[tuple[np.ndarray, np.ndarray]], lam: float,
                name: str) -> tuple[np.ndarray, np.ndarray] | None:
    """Table of the factors ``rest`` under the finite group generated by ``gens`` (maps of
    their concatenated coordinates); None when there are no factors."""
    if not rest:
        return None
    sub = _sub_manifold(m, rest)
    if not gens:
        tables = [_full_table(m.factors[i], lam) for i in rest]
        return _convolve(tables, lam, sub.name) if len(tables) > 1 else tables[0]
    from ..groups import AffineMap, FiniteGroup

    G = FiniteGroup(f"finite part of {name}", tuple(AffineMap(A, t) for A, t in gens),
                    sub.ambient_dim)
    linear, shift = _elements(G)
    return _finite_table(sub, linear, shift, lam, f"the finite part of {name}")


def _lie_factor_table(f: Any, algebra: np.ndarray, own: list[np.ndarray], lam: float,
                      what: str) -> tuple[np.ndarray, np.ndarray]:
    """(eigenvalues, [[invariant, full]]) of one factor under a connected group with finite
    generators, from its harmonic degrees."""
    from ..groups.actions import LinearAction
    from ..manifolds._spectra import harmonic_characters, harmonic_dimension
    from .lie import lie_sphere_dimensions

    degrees = f.harmonic_degrees(lam)
    if degrees is None:
        raise CountingError(f"no exact count for {what}: a rotation group acts on factors "
                            f"whose eigenspaces are harmonics (spheres, RP^d, balls, "
                            f"hemispheres), not on {f.name}")
    eig, deg = degrees
    n = f.ambient_dim
    kmax = int(deg.max()) if len(deg) else 0
    # the eigenspaces are the harmonics invariant under R (hemispheres: the mirror), which
    # commutes with the group: the invariants of <G, R>
    sym = np.asarray(f.harmonic_symmetry(), dtype=np.float64)
    action = LinearAction(algebra, np.array(own + list(sym[1:])).reshape(-1, n, n), (n,),
                          False)
    inv_deg = lie_sphere_dimensions(action, kmax)
    if len(sym) > 1:
        full_deg = _round(harmonic_characters(sym, kmax).mean(axis=1), f.name)
    else:
        full_deg = np.array([harmonic_dimension(n - 1, d) for d in range(kmax + 1)],
                            dtype=np.int64)
    return _merge(eig, np.stack([inv_deg[deg], full_deg[deg]], axis=1).astype(np.int64))


def _lie_table(m: Any, algebra: np.ndarray, generators: np.ndarray, lam: float, name: str
               ) -> tuple[tuple[np.ndarray, np.ndarray], str]:
    """A connected group each of whose algebra elements moves one factor (a product of
    connected groups on single factors), with finite generators each on one rotated factor
    or on the factors no algebra element moves."""
    off = _offsets(m)
    k = len(m.factors)
    per_factor: dict[int, list[np.ndarray]] = {}
    for X in algebra:
        s = _support(X, off, False)
        if s is None or len(s) > 1:
            raise CountingError(f"{name} rotates several factors of {m.name} together; exact "
                                "counts on mixed products take connected groups each on one "
                                "factor")
        for i in s:
            per_factor.setdefault(i, []).append(X[off[i]:off[i + 1], off[i]:off[i + 1]])
    own: dict[int, list[np.ndarray]] = {i: [] for i in per_factor}
    others = []
    for A in generators:
        s = _support(A, off, True)
        rotated = set(per_factor) & (s if s is not None else set(range(k)))
        if rotated and (s is None or len(s) > 1):
            raise CountingError(f"a finite generator of {name} acts on a rotated factor and "
                                f"on other factors of {m.name} at once; not counted exactly")
        if rotated:
            (i,) = rotated
            own[i].append(A[off[i]:off[i + 1], off[i]:off[i + 1]])
        elif s is None or s:
            others.append(A)
    tables = [_lie_factor_table(m.factors[i], np.array(per_factor[i]), own[i], lam,
                                f"{name} on {m.name}") for i in sorted(per_factor)]
    rest = [j for j in range(k) if j not in per_factor]
    keep = [c for j in rest for c in range(off[j], off[j + 1])]
    gens = [(A[np.ix_(keep, keep)], np.zeros(len(keep))) for A in others]
    rest_table = _rest_table(m, rest, gens, lam, name)
    if rest_table is not None:
        tables.append(rest_table)
    names = ", ".join(f"{m.factors[i].name} (factor {i + 1})" for i in sorted(per_factor))
    label = f"{name} rotating {names}" + (
        ", its finite part also on the other factors" if others else "")
    return (_convolve(tables, lam, m.name) if len(tables) > 1 else tables[0]), label


def _translation_table(m: Any, group: Any, lam: float
                       ) -> tuple[tuple[np.ndarray, np.ndarray], str]:
    """Translations of torus coordinates (numbered among the torus coordinates of m, in
    factor order): the invariant modes are constant along them."""
    from ..manifolds._spectra import lattice_modes

    coords = getattr(group, "coordinates", None)
    K = [int(c) for c in coords] if coords else list(range(group.torus_translation_count()))
    owners = []
    for i, f in enumerate(m.factors):
        lengths = f.torus_lengths()
        if lengths is not None:
            owners.extend((i, j) for j in range(len(lengths)))
    if not K or max(K) >= len(owners):
        raise GroupError(f"{group.name} translates {len(K)} torus coordinates, but {m.name} "
                         f"has only {len(owners)}")
    fixed: dict[int, set[int]] = {}
    for c in K:
        i, j = owners[c]
        fixed.setdefault(i, set()).add(j)
    tables = []
    for i, f in enumerate(m.factors):
        if i not in fixed:
            tables.append(_full_table(f, lam))
            continue
        eig_full, mult = _full_table(f, lam)
        lengths = [float(L) for L in f.torus_lengths()]
        free = [L for j, L in enumerate(lengths) if j not in fixed[i]]
        if free:
            steps = [(2 * np.pi / L) ** 2 for L in free]
            _, eig_inv = lattice_modes(steps, lam, True, f.name)
        else:
            eig_inv = np.zeros(1)
        eig = np.concatenate([eig_inv, eig_full])
        rows = np.concatenate([np.stack([np.ones(len(eig_inv), dtype=np.int64),
                                         np.zeros(len(eig_inv), dtype=np.int64)], axis=1),
                               np.stack([np.zeros(len(eig_full), dtype=np.int64),
                                         mult[:, 0]], axis=1)])
        tables.append(_merge(eig, rows))
    moved = ", ".join(f"{m.factors[i].name} (factor {i + 1})" for i in sorted(fixed))
    label = f"{group.name} translating torus coordinates of {moved}"
    return (_convolve(tables, lam, m.name) if len(tables) > 1 else tables[0]), label


# ----------------------------------------------------------------------------- front door


def product_invariant_table(m: Any, group: Any, lam: float, name: str = "") -> ProductTable:
    """The exact invariant spectrum of m/G below lam through the factors' own tables.

    Parameters
    ----------
    m : Manifold
        A product of any families (or a single factor).
    group : FiniteGroup, ContinuousGroup, LieGroup or None
        The group as :func:`weylgain.groups.resolve` returns it on ``m`` (None: trivial).
    lam : float
        Cut-off (>= 0).
    name : str
        The group's name for messages.

    Returns
    -------
    ProductTable

    Raises
    ------
    CountingError
        The group couples factors (or maps one onto a different one), rotates several
        factors together or a factor without harmonic eigenspaces, or is too large to
        enumerate (the message says which).
    GroupError
        An element is not an isometry of its factor.
    ResourceError
        A table would not fit in memory (checked before it is built).
    """
    name = name or str(getattr(group, "name", "") or "trivial")
    D = m.ambient_dim
    if group is None:
        tables = [_full_table(f, lam) for f in m.factors]
        eig, rows = _convolve(tables, lam, m.name) if len(tables) > 1 else tables[0]
        label = "trivial"
    elif hasattr(group, "elements") and hasattr(group, "generators"):  # finite
        linear, shift = _elements(group)
        linear, shift = _aligned(linear, shift, D, name, m.name)
        eig, rows = _finite_table(m, linear, shift, lam, name)
        label = (f"{name}: {linear.shape[0]} isometries, characters on the factors' "
                 "eigenspaces averaged")
    elif callable(getattr(group, "torus_translation_count", None)) and \
            group.torus_translation_count() is not None:
        (eig, rows), label = _translation_table(m, group, lam)
    elif callable(getattr(group, "lie_algebra", None)) or hasattr(group, "algebra"):
        if hasattr(group, "algebra"):
            algebra = np.asarray(group.algebra, dtype=np.float64)
            generators = np.asarray(group.generators, dtype=np.float64)
        else:
            algebra = np.asarray(group.lie_algebra(), dtype=np.float64)
            generators = np.zeros((0,) + algebra.shape[1:])
        Dg = algebra.shape[1]
        algebra, _ = _aligned(algebra + np.eye(Dg), np.zeros((len(algebra), Dg)), D, name,
                              m.name)
        algebra = algebra - np.eye(D)
        if len(generators):
            generators, _ = _aligned(generators, np.zeros((len(generators), Dg)), D, name,
                                     m.name)
        else:
            generators = np.zeros((0, D, D))
        (eig, rows), label = _lie_table(m, algebra, generators, lam, name)
    else:
        raise CountingError(f"no exact count for {name!r} on {m.name}: give a finite group, "
                            "a connected group on one factor, or torus translations")
    return ProductTable(np.ascontiguousarray(eig, dtype=np.float64),
                        np.ascontiguousarray(rows[:, 0], dtype=np.int64),
                        np.ascontiguousarray(rows[:, 1], dtype=np.int64), label)
