"""Point clouds and molecules: exact invariant counts on products of balls ``(B^d(r))^k``.

A molecule of k atoms is a point of ``(B^3)^k`` (each atom in the unit ball), rotated together
(SO(3) or O(3) acting diagonally) and with identical atoms relabelled (a permutation group of
the factors, all of them or some: ``"SO(3) x Sym(2)@2,3"`` for water, O then two H).

The Neumann Laplacian of ``B^d(r)`` has the eigenfunctions
``r^(1 - d/2) J_(l + d/2 - 1)(x r / R) Y_l(theta)`` with ``x`` a positive root of
``x J'_nu(x) + (1 - d/2) J_nu(x) = 0`` (``nu = l + d/2 - 1``; on ``B^3`` the roots of the
spherical Bessel derivative ``j_l'``), plus the constant (``l = 0``, ``x = 0``). Each root
(the radial index) carries the harmonics of degree l, a copy of the SO(d) representation
``H_l``. On ``(B^d)^k`` an eigenspace is labelled by the modes ``(l_i, nu_i)`` of the factors,
with eigenvalue ``sum_i x_(l_i, nu_i)^2 / r^2``; ``G = C x {+-I}^e x P`` (C connected, acting
diagonally) acts on it as on ``H_(l_1) x ... x H_(l_k)`` with P permuting equally-labelled
factors. The invariant dimension is the character average (as on products of spheres,
:mod:`weylgain.exact.configurations`)::

    (1 / (|P| 2^e)) sum_(s in P) sum_(+-) sum_(tuples constant on the cycles of s)
        prod_cycles (+-1)^(n l) * integral_C prod_cycles chi_l(c^n) dc,

a cycle of length n with mode (l, nu) contributing the eigenvalue ``n x_(l,nu)^2 / r^2``.
For SO(3), ``integral prod chi_(l_j)(c^(n_j)) dc`` is the constant term of
``(1 - z) prod_j sum_(|m| <= l_j) z^(n_j m)`` (the Clebsch-Gordan multiplicity of the trivial
representation for the identity), for SO(2) the constant term of the product, for the trivial
group ``prod_j dim H_(l_j)``. The eigenvalues are real numbers (sums of squared Bessel roots),
so the counts enumerate the mode tuples below the cut-off (not the eigenfunctions): a few
hundred thousand tuples for water at lam ~ 300.

A finite group permuting and rotating the factors (``"Oh x Sym(2)@2,3"``) is enumerated and
each element's trace is the product over its cycles of the harmonic characters of the block
products (:func:`ball_finite_spectrum`).
"""

from __future__ import annotations

import math
from collections import Counter
from typing import Any

import numpy as np

from ..errors import CountingError, GroupError, SpecError
from ._util import _check_lam, _guard

__all__ = ["ball_neumann_modes", "ball_configuration_spectrum", "ball_finite_spectrum",
           "ball_product", "ball_spectrum", "molecule_table", "MAX_MODE_TUPLES"]

#: Largest number of mode tuples (per cycle type) enumerated by the ball counts.
MAX_MODE_TUPLES = 20_000_000
#: Relative gap below which two sums of squared Bessel roots are one eigenvalue.
_MERGE_RTOL = 1e-9


# ---------------------------------------------------------------------------- radial modes
def _harmonic_dimension(l: int, d: int) -> int:
    """dim H_l(R^d): harmonic polynomials of degree l in d variables."""
    return math.comb(l + d - 1, d - 1) - (math.comb(l + d - 3, d - 1) if l >= 2 else 0)


def ball_neumann_modes(lam: float, d: int = 3, radius: float = 1.0
                       ) -> tuple[np.ndarray, np.ndarray]:
    """The Neumann radial modes of ``B^d(radius)`` with eigenvalue ``<= lam``
    (:func:`weylgain.manifolds.ball.neumann_modes`, checked here with our messages).

    Parameters
    ----------
    lam : float
        Cut-off (>= 0).
    d : int
        Dimension of the ball (>= 2).
    radius : float

    Returns
    -------
    eigenvalues : ndarray of shape (m,), float64
        ``x^2 / radius^2`` for each root x (ascending), the constant's 0 first; each mode
        carries ``dim H_l`` eigenfunctions.
    degrees : ndarray of shape (m,), int64
        The harmonic degree l of each mode.
    """
    from ..manifolds.ball import neumann_modes

    lam = _check_lam(lam)
    if isinstance(d, bool) or not isinstance(d, (int, np.integer)) or d < 2:
        raise SpecError(f"ball modes need an integer dimension d >= 2; got {d!r}")
    if not (isinstance(radius, (int, float, np.floating, np.integer)) and radius > 0
            and math.isfinite(radius)):
        raise SpecError(f"radius must be a positive finite number; got {radius!r}")
    if lam < 0:
        return np.zeros(0), np.zeros(0, dtype=np.int64)
    eig, deg = neumann_modes(int(d), float(lam), float(radius))
    return np.asarray(eig, dtype=np.float64), np.asarray(deg, dtype=np.int64)


# ---------------------------------------------------------------------------- enumeration
def _mode_tuples(energies: np.ndarray, lengths: list[int], lam: float, what: str,
                 symmetric: bool = False) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Tuples of modes, one per cycle, with ``sum n_j e_(m_j) <= lam`` (energies ascending).

    ``symmetric``: the summand is symmetric within runs of equal cycle lengths, so only the
    tuples non-decreasing within each run are listed, each with the number of ordered tuples
    it stands for (run! / prod (equal indices)!). Otherwise every ordered tuple, count 1.

    Returns (energy sums (t,), mode indices (t, c), counts (t,) int64); the memory is
    guarded before each stage grows."""
    tol = lam * 1e-12 + 1e-12
    tot = np.zeros(1)
    idx = np.zeros((1, 0), dtype=np.int64)
    count = np.ones(1, dtype=np.int64)
    streak = np.zeros(1, dtype=np.int64)
    for j, n in enumerate(lengths):
        # the modes a row can take: energies[col] <= (lam - tot) / n, from `low` on
        stop = np.searchsorted(energies, (lam + tol - tot) / n, side="right")
        same_run = symmetric and j > 0 and lengths[j - 1] == n
        low = idx[:, -1] if same_run else np.zeros(tot.size, dtype=np.int64)
        sizes = np.maximum(stop - low, 0)
        size = int(sizes.sum())
        if size > MAX_MODE_TUPLES:
            raise CountingError(
                f"{what}: more than {MAX_MODE_TUPLES} mode tuples below lam = {lam:.6g} "
                "(the ball's eigenvalues are sums of squared Bessel roots, enumerated one "
                "tuple at a time); lower lam or use fewer factors")
        _guard(what, f"{size} mode tuples of {len(lengths)} cycles",
               nbytes=8.0 * size * (len(lengths) + 8))
        rows = np.repeat(np.arange(tot.size), sizes)
        starts = np.cumsum(sizes) - sizes
        cols = np.arange(size) - np.repeat(starts, sizes) + np.repeat(low, sizes)
        if same_run:
            streak = np.where(cols == idx[rows, -1], streak[rows] + 1, 1)
            count = count[rows] * (j - run_start + 1) // streak
        else:
            run_start = j
            streak = np.ones(size, dtype=np.int64)
            count = count[rows]
        tot = tot[rows] + n * energies[cols]
        idx = np.concatenate([idx[rows], cols[:, None].astype(np.int64)], axis=1)
    return tot, idx, count


def _shift_sum(state: np.ndarray, half: int, ls: np.ndarray, n: int) -> tuple[np.ndarray, int]:
    """Multiply each row of a Laurent polynomial table (exponents -half..half) by
    ``sum_(|m| <= l_row) z^(n m)``: running sums along stride n."""
    rows, width = state.shape
    l_top = int(ls.max(initial=0))
    new_half = half + n * l_top
    new_w = 2 * new_half + 1
    padded = np.zeros((rows, new_w + 2 * n * (l_top + 1)), dtype=np.int64)
    off = n * (l_top + 1) + (new_half - half)
    padded[:, off:off + width] = state
    csum = padded.copy()
    for t in range(n, csum.shape[1]):
        csum[:, t] += csum[:, t - n]
    # new[u] (exponent u - new_half) = sum_{|m| <= l} old[u - n m] = C[u + n l] - C[u - n(l+1)]
    base = np.arange(new_w) + n * (l_top + 1)
    r = np.arange(rows)[:, None]
    hi = base[None, :] + n * ls[:, None]
    lo = base[None, :] - n * (ls[:, None] + 1)
    return csum[r, hi] - csum[r, lo], new_half


def _connected_weights(degrees: np.ndarray, lengths: list[int], group: str) -> np.ndarray:
    """``integral_C prod_j chi_(l_j)(c^(n_j)) dc`` for each row of degrees (u, c)."""
    u = degrees.shape[0]
    out = np.zeros(u, dtype=np.int64)
    # rows in chunks: a chunk's tables are (rows, about 4 sum(n_j l_j)) int64, a few copies
    width = 4 * int((degrees.max(axis=0, initial=0) * np.asarray(lengths)).sum()) + 8
    chunk = max(1, int(2e7 // width))
    for a in range(0, u, chunk):
        rows = degrees[a:a + chunk]
        state = np.ones((rows.shape[0], 1), dtype=np.int64)
        half = 0
        for j, n in enumerate(lengths):
            state, half = _shift_sum(state, half, rows[:, j], int(n))
        if group == "SO(3)" and half >= 1:
            out[a:a + chunk] = state[:, half] - state[:, half + 1]
        else:
            out[a:a + chunk] = state[:, half]
    return out


def _canonical_degrees(degrees: np.ndarray, lengths: list[int]) -> np.ndarray:
    """Rows with the degrees sorted within runs of equal cycle lengths (the weight is
    symmetric there), so equal weights share one row."""
    out = degrees.copy()
    start = 0
    while start < len(lengths):
        stop = start
        while stop < len(lengths) and lengths[stop] == lengths[start]:
            stop += 1
        if stop - start > 1:
            out[:, start:stop] = np.sort(out[:, start:stop], axis=1)
        start = stop
    return out


def _merge(energies: np.ndarray, lam: float) -> tuple[np.ndarray, np.ndarray]:
    """Distinct eigenvalues (sorted) of a list of floating sums, and each sum's index in it:
    sums closer than ``_MERGE_RTOL`` (relative) are the same eigenvalue."""
    if energies.size == 0:
        return np.zeros(0), np.zeros(0, dtype=np.int64)
    order = np.argsort(energies, kind="stable")
    e = energies[order]
    new = np.ones(e.size, dtype=bool)
    new[1:] = np.diff(e) > _MERGE_RTOL * np.maximum(1.0, e[1:])
    group = np.cumsum(new) - 1
    where = np.empty(e.size, dtype=np.int64)
    where[order] = group
    return e[new], where


def _locate(values: np.ndarray, levels: np.ndarray) -> np.ndarray:
    """Index of each value among the distinct levels (within the merge tolerance)."""
    pos = np.searchsorted(levels, values)
    lo = np.clip(pos - 1, 0, levels.size - 1)
    hi = np.clip(pos, 0, levels.size - 1)
    pick = np.where(np.abs(levels[hi] - values) < np.abs(levels[lo] - values), hi, lo)
    if values.size and np.abs(levels[pick] - values).max() > \
            10 * _MERGE_RTOL * max(1.0, float(np.abs(values).max())):
        raise CountingError("a mode sum of a cycle type is not an eigenvalue of the product: "
                            "the eigenvalues could not be matched (internal error)")
    return pick


def _full_spectrum(energies: np.ndarray, degrees: np.ndarray, k: int, d: int, lam: float
                   ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(levels, full multiplicities, the identity tuples' energies and degrees)."""
    tot, idx, count = _mode_tuples(energies, [1] * k, lam, f"the spectrum of (B{d})^{k}",
                                   symmetric=True)
    dims = np.array([_harmonic_dimension(int(l), d) for l in range(int(degrees.max()) + 1)],
                    dtype=np.int64)
    levels, where = _merge(tot, lam)
    full = np.zeros(levels.size, dtype=np.int64)
    np.add.at(full, where, count * np.prod(dims[degrees[idx]], axis=1))
    return levels, full, tot


def _checked_average(total: list, denom: int) -> np.ndarray:
    out = np.array(total, dtype=object)
    bad = [i for i, v in enumerate(out) if v % denom]
    if bad:
        raise CountingError(f"character average at eigenvalue {bad[0]} is "
                            f"{out[bad[0]]}/{denom}, not an integer: the group data are "
                            "inconsistent")
    return np.array([v // denom for v in out], dtype=np.int64)


def ball_configuration_spectrum(structure: Any, lam: float, radius: float = 1.0, *,
                                ball_dim: int = 3
                                ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Invariant spectrum of ``(B^d(r))^k / G`` for ``G = C x {+-I}^e x P`` (Neumann).

    Parameters
    ----------
    structure : FactorStructure
        ``copies`` = k, ``factor_ambient`` = d, ``factor_group`` "trivial", "SO(2)"
        (rotating coordinates 0, 1 of each factor; d = 3) or "SO(3)" (d = 3),
        ``factor_improper`` (-I on every factor), ``permutations`` (generators of P).
    lam : float
        Cut-off.
    radius : float
    ball_dim : int
        d.

    Returns
    -------
    eigenvalues : ndarray of shape (m,), float64
        The distinct eigenvalues of ``(B^d)^k`` up to lam (ascending, 0 first).
    multiplicities : ndarray of shape (m,), int64
        Invariant multiplicity of each (may be 0).
    full_multiplicities : ndarray of shape (m,), int64
        Multiplicity on ``(B^d)^k``.
    """
    from .configurations import permutation_cycle_types

    lam = _check_lam(lam)
    d = int(ball_dim)
    k = int(structure.copies)
    group = str(structure.factor_group)
    if int(structure.factor_ambient) != d:
        raise SpecError(f"the structure's factors live in R^{structure.factor_ambient}, the "
                        f"balls B{d} in R^{d}")
    if group not in ("trivial", "SO(2)", "SO(3)"):
        raise SpecError(f"ball counts handle the connected parts trivial, SO(2), SO(3) acting "
                        f"diagonally, not {group!r}")
    if group != "trivial" and d != 3:
        raise SpecError(f"{group} acting diagonally is counted on products of B3, not B{d}")
    energies, degrees = ball_neumann_modes(lam, d, radius)
    if energies.size == 0:
        return np.zeros(0), np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    levels, full, tuples = _full_spectrum(energies, degrees, k, d, lam)
    types, order = permutation_cycle_types(structure.permutations, k)
    signs = (1, -1) if bool(structure.factor_improper) else (1,)
    from ..resources import work_time

    # measured: about 1000 numpy element operations per mode tuple of the identity, all
    # cycle types and their weights included (methane at lam 800: 1.8e6 tuples, 18 s)
    _guard(f"the character count on (B{d})^{k} up to lam = {lam:.6g}",
           f"{tuples.size} mode tuples, {len(types)} cycle types",
           seconds=work_time(elements=1000.0 * tuples.size * (1 + 0.2 * (len(signs) - 1))),
           advice="lower lam (the work grows like lam^k for k balls)")
    dims = np.array([_harmonic_dimension(int(l), d) for l in range(int(degrees.max()) + 1)],
                    dtype=np.int64)
    acc = np.zeros(levels.size, dtype=np.int64)
    for lengths_t, count in types.items():
        lengths = sorted((int(n) for n in lengths_t), reverse=True)
        tot, idx, multi = _mode_tuples(energies, lengths, lam,
                                       f"the cycle type {tuple(lengths)} on (B{d})^{k}",
                                       symmetric=True)
        if tot.size == 0:
            continue
        degs = degrees[idx]
        if group == "trivial":
            weight = np.prod(dims[degs], axis=1)
        else:
            canon = _canonical_degrees(degs, lengths)
            base = int(degrees.max()) + 1
            if float(base) ** len(lengths) < 2.0 ** 62:  # one int64 key per row: fast
                key = canon @ (base ** np.arange(len(lengths), dtype=np.int64))
                _, first, inv = np.unique(key, return_index=True, return_inverse=True)
                uniq = canon[first]
            else:
                uniq, inv = np.unique(canon, axis=0, return_inverse=True)
            weight = _connected_weights(uniq, lengths, group)[inv.reshape(-1)]
        where = _locate(tot, levels)
        parity = (degs * np.array(lengths)[None, :]).sum(axis=1) % 2
        for s in signs:
            w = weight if s > 0 else np.where(parity == 1, -weight, weight)
            np.add.at(acc, where, int(count) * multi * w)
    total = [int(v) for v in acc]
    mult = _checked_average(total, order * len(signs))
    return levels, mult, full


def ball_finite_spectrum(action: Any, lam: float, radius: float = 1.0, *, ball_dim: int = 3,
                         max_order: int = 20_000
                         ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Invariant spectrum of ``(B^d(r))^k / G`` for a finite G permuting and rotating balls.

    Every element is a factor permutation with blocks; on the mode tuples constant on its
    cycles its trace is the product over cycles of ``chi_l(M_c)`` (``M_c`` the product of
    the blocks around the cycle, ``chi_l`` the character of O(d) on ``H_l``), graded by
    ``|c| x^2``. The group is enumerated (at most ``max_order`` elements).

    Parameters
    ----------
    action : LinearAction
        Empty algebra; blocks all d.
    lam, radius, ball_dim : see :func:`ball_configuration_spectrum`
    max_order : int

    Returns
    -------
    eigenvalues, multiplicities, full_multiplicities : see :func:`ball_configuration_spectrum`
    """
    from .configurations import _harmonic_characters

    lam = _check_lam(lam)
    d = int(ball_dim)
    blocks = tuple(int(b) for b in action.blocks)
    if any(b != d for b in blocks):
        raise SpecError(f"the action's blocks {blocks} are not all {d} (factors B{d})")
    if np.asarray(action.algebra).reshape(-1).size:
        raise SpecError("ball_finite_spectrum takes finite groups (empty algebra)")
    k = len(blocks)
    dim = d * k
    gens = np.asarray(action.generators, dtype=np.float64).reshape(-1, dim, dim)
    energies, degrees = ball_neumann_modes(lam, d, radius)
    if energies.size == 0:
        return np.zeros(0), np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    levels, full, _ = _full_spectrum(energies, degrees, k, d, lam)
    from ..groups.finite import AffineMap, FiniteGroup

    fg = FiniteGroup("custom", tuple(AffineMap(g, np.zeros(dim)) for g in gens), dim)
    try:
        elements = fg.elements(max_order=max_order)[0]
    except GroupError as exc:
        raise CountingError(f"{exc} Exact counts on products of balls enumerate finite groups: "
                            "use a smaller group") from None
    l_max = int(degrees.max())
    # elements sharing (cycle lengths, characters per cycle) share their series
    keyed: Counter = Counter()
    tables: dict = {}
    for g in elements:
        target, mats = [], []
        for i in range(k):
            hits = [j for j in range(k) if np.abs(g[d * j:d * j + d, d * i:d * i + d]).max()
                    > 1e-9]
            if len(hits) != 1:
                raise GroupError("a group element mixes the factors: not a factor "
                                 "permutation with blocks")
            target.append(hits[0])
            mats.append(g[d * hits[0]:d * hits[0] + d, d * i:d * i + d])
        cycles = []
        done = [False] * k
        for i in range(k):
            if done[i]:
                continue
            comp, j, n = np.eye(d), i, 0
            while not done[j]:
                done[j] = True
                comp = mats[j] @ comp
                j = target[j]
                n += 1
            chars = np.rint(_harmonic_characters(comp, l_max) * 1e6) / 1e6
            cycles.append((n, tuple(chars.tolist())))
        key = tuple(sorted(cycles, key=lambda c: (-c[0], c[1])))
        keyed[key] += 1
    acc = np.zeros(levels.size)
    for key, count in keyed.items():
        lengths = [n for n, _ in key]
        tot, idx, _ = _mode_tuples(energies, lengths, lam, f"the cycle type {tuple(lengths)} "
                                   f"on (B{d})^{k}")
        if tot.size == 0:
            continue
        w = np.ones(tot.size)
        for j, (_, chars) in enumerate(key):
            w *= np.asarray(chars)[degrees[idx[:, j]]]
        np.add.at(acc, _locate(tot, levels), count * w)
    avg = acc / elements.shape[0]
    mult = np.rint(avg).astype(np.int64)
    if avg.size and np.abs(avg - mult).max() > 1e-6:
        raise CountingError("character average is not an integer: the generators do not close "
                            "into an orthogonal group")
    return levels, mult, full


def ball_spectrum(action: Any, lam: float, radius: float = 1.0, *, ball_dim: int = 3
                  ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Invariant spectrum of ``(B^d(r))^k / G`` from the group's action data.

    A diagonal SO(2)/SO(3)/O(3) (or none) with factor permutations (the action's
    FactorStructure, checked against the matrices) goes through
    :func:`ball_configuration_spectrum`; a finite group permuting and rotating the factors
    through :func:`ball_finite_spectrum`.

    Parameters
    ----------
    action : LinearAction
        On R^(k d), blocks all d.
    lam : float
    radius : float
    ball_dim : int

    Returns
    -------
    eigenvalues, multiplicities, full_multiplicities : see :func:`ball_configuration_spectrum`

    Raises
    ------
    CountingError
        Any other action (a connected group on one factor only, SO(3) on a subset, ...).
    """
    from .configurations import check_structure

    if getattr(action, "structure", None) is not None:
        check_structure(action)
        return ball_configuration_spectrum(action.structure, lam, radius, ball_dim=ball_dim)
    if np.asarray(action.algebra).reshape(-1).size == 0:
        return ball_finite_spectrum(action, lam, radius, ball_dim=ball_dim)
    raise CountingError("exact counts on products of balls need a diagonal SO(2)/SO(3)/O(3) "
                        "(or no connected part) with factor permutations, or a finite group "
                        "permuting and rotating the factors")


def ball_product(manifold: Any) -> tuple[int, float] | None:
    """``(d, radius)`` when every factor of ``manifold`` is the same ball ``B^d(radius)``
    (``B3``, ``B3^3``, ``B3xB3``), else None: the question :func:`ball_spectrum` answers.

    Parameters
    ----------
    manifold : Manifold or str
    """
    from ..manifolds import Manifold, parse_manifold
    from ..manifolds.ball import Ball

    M = parse_manifold(manifold) if isinstance(manifold, str) else manifold
    if not isinstance(M, Manifold):
        return None
    factors = M.factors
    first = factors[0]
    if not isinstance(first, Ball) or any(f != first for f in factors):
        return None
    return int(first.d), float(first.radius)


def molecule_table(manifold: Any, group: Any, lam: float
                   ) -> tuple[np.ndarray, np.ndarray, np.ndarray, str] | None:
    """The invariant spectrum of ``(B^d)^k / G`` when G rotates all balls together, else None.

    The exact counts' front door asks this first on products of balls: a group whose action
    carries a FactorStructure with a diagonal SO(2) or SO(3) (with or without -I, with
    permutations of all or some factors) is counted here; finite groups, connected groups on
    one factor and mixed products are left to :mod:`weylgain.exact.products` (None).

    Parameters
    ----------
    manifold : Manifold or str
    group : group object (anything with ``action_on``), or None
    lam : float

    Returns
    -------
    (eigenvalues, multiplicities, full_multiplicities, action label) or None
    """
    ball = ball_product(manifold)
    if ball is None or group is None or not hasattr(group, "action_on"):
        return None
    from ..manifolds import parse_manifold

    M = parse_manifold(manifold) if isinstance(manifold, str) else manifold
    action = group.action_on(M)
    structure = getattr(action, "structure", None)
    if structure is None or str(structure.factor_group) not in ("SO(2)", "SO(3)"):
        return None
    eig, mult, full = ball_spectrum(action, lam, ball[1], ball_dim=ball[0])
    return eig, mult, full, str(getattr(action, "label", "") or "")
