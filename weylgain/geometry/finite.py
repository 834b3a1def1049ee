"""Quotients by finite groups: vol(M)/|G_eff| and the Neumann walls of reflections."""

from __future__ import annotations

import dataclasses
import re
from typing import Any

import numpy as np
import sympy as sp

from ..errors import GroupError
from ..manifolds import Manifold
from ..manifolds._formulas import _TOL
from ..manifolds.base import _fmt, _no_translation
from .result import QuotientGeometry


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


def finite_quotient_geometry(M: Manifold, G: Any, max_order: int) -> QuotientGeometry:
    """QuotientGeometry of a FiniteGroup on M (its generators aligned to the R^D of M):
    vol(M/G) = vol(M)/|G_eff| and the Neumann walls of its reflections; the group's
    ``label`` (the action in words) becomes the result's ``action``.

    Raises
    ------
    GroupError
        The group does not act on M, or is too large to enumerate when enumeration is needed.
    """
    from ..groups.finite import from_generators

    D = M.ambient_dim
    steps: list[str] = []
    lin0, tr0 = G.generator_arrays()
    lin, tr, note = _align(lin0, tr0, D, G.name, M.name)
    if note:
        steps.append(note)
    for a, b in zip(lin, tr):
        why = M.check_map(a, b)
        if why:
            raise GroupError(f"group {G.name!r} does not act on {M.name}: {why}")
    cover, double = M.cover()
    group_order: int | None
    try:
        group_order = int(G.closed_order) if G.closed_order is not None else None
    except AttributeError:  # pragma: no cover - duck-typed groups
        group_order = None

    # The group that acts on the cover: generated by the aligned generators and, for RP
    # factors, -I on each such block (RP^d / G = S^d / <G, -I>).
    extra = []
    if double:
        for off, n in M.antipodal_blocks():
            a = np.eye(D)
            a[off:off + n, off:off + n] *= -1
            extra.append(a)
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
        if len(cover.factors) > 1:
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
        w = cover.wall_volume(a, t)
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
    q = QuotientGeometry(
        manifold=M.name, group=G.name, dim=M.dim, quotient_dim=M.dim, volume=vol,
        quotient_volume=qvol, wall_volume=wall_volume,
        boundary_part_volume=bpart, group_order=group_order, effective_order=eff,
        kernel_order=kernel, n_reflections=n_refl, orbit_volume=None,
        transitive=False, continuous=False, derivation=tuple(steps),
    )
    label = getattr(G, "label", "")
    return dataclasses.replace(q, action=label) if label else q


_finite_quotient = finite_quotient_geometry  # the former private name
