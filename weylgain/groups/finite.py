"""Finite groups of affine isometries: :class:`AffineMap`, :class:`FiniteGroup`,
:func:`from_generators` and the closure that enumerates elements.

A finite group is stored by its generators only. Its order comes in closed form for the
catalogue families (so the symmetric group S_10, order 3,628,800, is never enumerated) and
otherwise from a closure (breadth-first products with the generators) capped at
``max_order`` elements.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..errors import GroupError
from ._linalg import is_rational
from .actions import _is_manifold, linear_action, torus_action

__all__ = ["AffineMap", "FiniteGroup", "from_generators", "DEFAULT_MAX_ORDER"]

_ORTHO_TOL = 1e-10
_KEY_SCALE = 1e6  # elements are identified by entries rounded to 1e-6
DEFAULT_MAX_ORDER = 200_000


def _readonly(a: np.ndarray) -> np.ndarray:
    a.setflags(write=False)
    return a


def _snap(a: np.ndarray) -> np.ndarray:
    """Round entries within 1e-12 of -1, 0 or 1 to that integer (clean signed permutations)."""
    out = np.array(a, dtype=np.float64, copy=True)
    r = np.round(out)
    near = (np.abs(out - r) < 1e-12) & (np.abs(r) <= 1)
    out[near] = r[near]
    return out


def _is_signed_permutation(a: np.ndarray) -> bool:
    ok_entries = np.all((a == 0) | (a == 1) | (a == -1))
    return bool(ok_entries and np.all((a != 0).sum(axis=0) == 1) and np.all((a != 0).sum(axis=1) == 1))



# ====================================================================== AffineMap
@dataclass(frozen=True, eq=False)
class AffineMap:
    """An isometry x -> linear @ x + translation * period.

    Parameters
    ----------
    linear : ndarray of shape (D, D), float64
        Orthogonal matrix (a signed permutation when ``translation`` is non-zero).
    translation : ndarray of shape (D,), float64
        Translation as a FRACTION of the period of each axis (zero for point groups).
    """

    linear: np.ndarray
    translation: np.ndarray

    def __post_init__(self) -> None:
        try:
            lin = _snap(np.asarray(self.linear, dtype=np.float64))
            tr = np.asarray(self.translation, dtype=np.float64)
        except (TypeError, ValueError):
            raise GroupError("an affine map needs a real (D, D) matrix and a real translation "
                             f"of shape (D,); got {self.linear!r} and {self.translation!r}"
                             ) from None
        if lin.ndim != 2 or lin.shape[0] != lin.shape[1]:
            raise GroupError(f"linear part must be a square (D, D) matrix; got shape {lin.shape}")
        if tr.shape != (lin.shape[0],):
            raise GroupError(
                f"translation must have shape ({lin.shape[0]},); got shape {tr.shape}"
            )
        if not (np.all(np.isfinite(lin)) and np.all(np.isfinite(tr))):
            raise GroupError("an affine map needs finite entries (no nan or inf)")
        D = lin.shape[0]
        err = np.abs(lin @ lin.T - np.eye(D)).max() if D else 0.0
        if err > _ORTHO_TOL:  # weylgain's groups act by isometries
            raise GroupError(
                f"the linear part is not orthogonal: max |A A^T - I| = {err:.3g} > "
                f"{_ORTHO_TOL:g}; weylgain groups act by isometries (orthogonal linear parts)")
        tr = np.array(tr, copy=True)
        object.__setattr__(self, "linear", _readonly(np.ascontiguousarray(lin)))
        object.__setattr__(self, "translation", _readonly(tr))

    @property
    def dim(self) -> int:
        return int(self.linear.shape[0])

    @property
    def is_linear(self) -> bool:
        """True when the translation is zero (modulo whole periods)."""
        t = self.translation
        return bool(np.all(np.abs(t - np.round(t)) < 1e-12))

    @property
    def is_signed_permutation(self) -> bool:
        """True when the linear part is a signed permutation matrix (a torus isometry)."""
        return _is_signed_permutation(self.linear)

    @property
    def is_reflection(self) -> bool:
        """True when the linear part has exactly one eigenvalue -1 and all others +1."""
        a = self.linear
        D = a.shape[0]
        return bool(np.allclose(a, a.T, atol=1e-9) and abs(np.trace(a) - (D - 2)) < 1e-9)

    def apply(self, points: np.ndarray, period: Any = None) -> np.ndarray:
        """Image of points.

        Parameters
        ----------
        points : array_like of shape (n, D)
        period : float or array_like of shape (D,), optional
            Axis periods (np.inf: not periodic). The translation is multiplied by the period
            and periodic coordinates are wrapped into [0, period).

        Returns
        -------
        ndarray of shape (n, D)
        """
        x = np.asarray(points, dtype=np.float64)
        if x.ndim != 2 or x.shape[1] != self.dim:
            raise GroupError(f"points must have shape (n, {self.dim}); got shape {x.shape}")
        y = x @ self.linear.T
        if period is None:
            if not self.is_linear:
                raise GroupError(
                    "this map translates by a fraction of a period; pass the period of the "
                    "torus (period=...) to apply it"
                )
            return y
        per = np.broadcast_to(np.asarray(period, dtype=np.float64), (self.dim,))
        fin = np.isfinite(per)
        if np.any(np.abs(self.translation[~fin]) > 1e-12):
            raise GroupError("a translation along a non-periodic axis (period inf) is not allowed")
        y[:, fin] += self.translation[fin] * per[fin]
        y[:, fin] = np.mod(y[:, fin], per[fin])
        return y

    def compose(self, other: "AffineMap") -> "AffineMap":
        """The map self ∘ other (apply ``other`` first); translations taken modulo 1."""
        t = self.linear @ other.translation + self.translation
        return AffineMap(self.linear @ other.linear, np.mod(t, 1.0))

    def to_dict(self) -> dict[str, Any]:
        return {"linear": self.linear.tolist(), "translation": self.translation.tolist()}


# ====================================================================== closure
# Two products that are the same element differ by rounding only (1e-15 per product, a few
# hundred products deep); two distinct elements of a group of order <= N differ by at least
# 2 sin(pi / N) in norm, so by 2 pi / (N D) in some entry (and translations by 1 / N).
# Elements are hashed on a grid finer than that, and every hash hit is compared entry by
# entry: within _SAME_TOL it is the same element, otherwise two distinct elements share a
# cell, so the group has more than N elements and enumeration stops (never a merge).
_SAME_TOL = 1e-9


def _grid(max_order: int, D: int) -> float:
    """Hash resolution for a closure of at most ``max_order`` elements on R^D."""
    return max(min(1.0 / _KEY_SCALE, 1.0 / (4.0 * max(int(max_order), 1) * max(D, 1))),
               100.0 * _SAME_TOL)


def _keys(lin: np.ndarray, tr: np.ndarray, grid: float = 1.0 / _KEY_SCALE) -> np.ndarray:
    """Hashable keys (void rows) identifying elements by entries rounded to ``grid``,
    translations mod 1."""
    F = lin.shape[0]
    cells = int(round(1.0 / grid))
    a = np.round(lin.reshape(F, -1) / grid).astype(np.int64)
    b = np.mod(np.round(np.mod(tr, 1.0) * cells).astype(np.int64), cells)
    k = np.ascontiguousarray(np.concatenate([a, b], axis=1))
    return k.view(np.dtype((np.void, k.dtype.itemsize * k.shape[1]))).ravel()


def _distance(lin_a: np.ndarray, tr_a: np.ndarray, lin_b: np.ndarray, tr_b: np.ndarray
              ) -> np.ndarray:
    """Largest entry difference of (F, D, D) linear parts and (F, D) translations mod 1."""
    F = lin_a.shape[0]
    d_lin = np.abs(lin_a - lin_b).reshape(F, -1).max(axis=1, initial=0.0)
    diff = np.mod(tr_a - tr_b + 0.5, 1.0) - 0.5
    d_tr = np.abs(diff).max(axis=1, initial=0.0)
    return np.maximum(d_lin, d_tr)


def _too_large(name: str, max_order: int, closed_form: bool, gap: float | None = None
               ) -> GroupError:
    if gap is not None:
        why = (f" Two distinct elements differ by only {gap:.2g} in their entries, so some "
               "element lies that close to the identity and the group has more than "
               f"max_order={max_order} elements (a rotation by a tiny or irrational angle).")
    else:
        why = ""
    hint = (" Its order is known in closed form (FiniteGroup.order) without enumeration."
            if closed_form else
            " If the group is infinite (a rotation by an irrational angle), check the "
            "generators.")
    return GroupError(f"group {name!r} has more than max_order={max_order} elements; "
                      f"enumeration stopped.{why}{hint} Raise max_order to enumerate it "
                      "anyway.")


def _generator_order_bound(lin: np.ndarray, tr: np.ndarray) -> float:
    """A lower bound on the order of one generator, from its smallest rotation angle.

    An orthogonal matrix rotating some plane by theta (0 < theta <= pi) has order at least
    2 pi / theta; its eigenvalues are well conditioned (a normal matrix), so angles above
    1e-12 are real rotations, not rounding. A pure translation by t has order at least
    1 / min |t_j| (t_j != 0 mod 1).
    """
    D = lin.shape[0]
    bound = 1.0
    if D:
        angles = np.abs(np.angle(np.linalg.eigvals(lin)))
        moving = angles[angles > 1e-12]
        if moving.size:
            bound = max(bound, 2.0 * np.pi / float(moving.min()))
        elif D and np.abs(lin - np.eye(D)).max() <= 1e-12:
            shift = np.abs(np.mod(tr + 0.5, 1.0) - 0.5)
            shift = shift[shift > 1e-15]
            if shift.size:
                bound = max(bound, 1.0 / float(shift.min()))
    return bound


def _signed_permutation_order(gen_lin: np.ndarray, gen_tr: np.ndarray) -> int | None:
    """Exact order of a group of signed permutation matrices without translations (as
    permutations of the 2D signed axes, Schreier-Sims in polynomial time), else None."""
    if gen_lin.shape[0] == 0 or np.any(np.abs(np.mod(gen_tr + 0.5, 1.0) - 0.5) > 1e-12):
        return None
    if not all(_is_signed_permutation(a) for a in gen_lin):
        return None
    from sympy.combinatorics import Permutation, PermutationGroup

    D = gen_lin.shape[1]
    perms = []
    for a in gen_lin:
        image = list(range(2 * D))
        for j in range(D):  # +e_j (point j) -> +-e_i (point i or i + D), -e_j likewise
            i = int(np.flatnonzero(a[:, j])[0])
            image[j], image[j + D] = (i, i + D) if a[i, j] > 0 else (i + D, i)
        perms.append(Permutation(image))
    return int(PermutationGroup(perms).order())


def _closure(
    gen_lin: np.ndarray, gen_tr: np.ndarray, max_order: int, name: str, closed_form: bool
) -> tuple[np.ndarray, np.ndarray]:
    D = gen_lin.shape[1] if gen_lin.ndim == 3 else 0
    exact_order = _signed_permutation_order(gen_lin, gen_tr) if D else None
    if exact_order is not None and exact_order > max_order:
        raise GroupError(
            f"group {name!r} has {exact_order} elements (signed permutations, order by "
            f"Schreier-Sims), more than max_order={max_order}; enumeration was not started. "
            "Use a smaller group, or raise max_order.")
    for g in range(gen_lin.shape[0] if D else 0):  # refuse at once what is surely too large
        bound = _generator_order_bound(gen_lin[g], gen_tr[g])
        if bound > max_order * (1 + 1e-9) + 0.5:
            raise GroupError(
                f"group {name!r} has more than max_order={max_order} elements: generator {g} "
                f"alone has order at least {bound:.4g} (its smallest rotation angle is "
                f"2 pi / {bound:.4g}, or its translation 1 / {bound:.4g} of the period); "
                "enumeration was not started. Use a smaller group, or raise max_order.")
    grid = _grid(max_order, D)
    eye = np.eye(D)[None]
    zero = np.zeros((1, D))
    seen = {bytes(_keys(eye, zero, grid)[0]): (0, 0)}  # key -> (block, row) of its element
    lins = [eye]
    trs = [zero]
    front_l, front_t = eye, zero
    count = 1
    while front_l.shape[0]:
        new_l, new_t = [], []
        added: list[bytes] = []  # keys first seen this round (relabelled below)
        for g in range(gen_lin.shape[0]):
            L = np.einsum("ij,fjk->fik", gen_lin[g], front_l)
            T = np.mod(front_t @ gen_lin[g].T + gen_tr[g], 1.0)
            keys = _keys(L, T, grid)
            take, hits, where = [], [], []
            for i, k in enumerate(keys):
                kb = bytes(k)
                found = seen.get(kb)
                if found is None:
                    seen[kb] = (len(lins) + len(new_l), len(take))
                    added.append(kb)
                    take.append(i)
                else:
                    hits.append(i)
                    where.append(found)
            pending = (L[take], T[take]) if take else None
            if hits:  # the same element, or two distinct ones in one cell: never merged
                blocks = {}
                for i, (b, r) in zip(hits, where):
                    blocks.setdefault(b, ([], []))
                    blocks[b][0].append(i)
                    blocks[b][1].append(r)
                for b, (idx, rows) in blocks.items():
                    if b < len(lins):
                        ref_l, ref_t = lins[b][rows], trs[b][rows]
                    else:
                        j = b - len(lins)  # this round: an earlier generator, or this one
                        src_l, src_t = (new_l[j], new_t[j]) if j < len(new_l) else pending
                        ref_l, ref_t = src_l[rows], src_t[rows]
                    gap = _distance(L[idx], T[idx], ref_l, ref_t)
                    if gap.max() > _SAME_TOL:
                        raise _too_large(name, max_order, closed_form, float(gap.max()))
            if take:
                new_l.append(pending[0])
                new_t.append(pending[1])
                count += len(take)
                if count > max_order:
                    raise _too_large(name, max_order, closed_form)
        if not new_l:
            break
        front_l = np.concatenate(new_l)
        front_t = np.concatenate(new_t)
        # the blocks of this round, one per generator, become one block of the element list
        offset = len(lins)
        starts = np.cumsum([0] + [x.shape[0] for x in new_l])
        for kb in added:
            b, r = seen[kb]
            seen[kb] = (offset, int(starts[b - offset] + r))
        lins.append(front_l)
        trs.append(front_t)
    lin = np.concatenate(lins)
    tr = np.concatenate(trs)
    return _snap(lin), tr


# ====================================================================== FiniteGroup
@dataclass(frozen=True, eq=False)
class FiniteGroup:
    """A finite group of isometries of R^D (or of a flat torus), given by generators.

    Parameters
    ----------
    name : str
        Label (the catalogue spec for named groups).
    generators : tuple of AffineMap
        Generating set; an empty tuple is the trivial group.
    dim : int
        Dimension D of the space the matrices act on.
    closed_order : int, optional
        The order when known in closed form (catalogue families); otherwise computed by
        closure on first use.
    description : str, optional
    structure : FactorStructure, optional
        Product hint for the exact counts (set by :mod:`weylgain.groups.product`).
    label : str, optional
        The action in words, for reports ("permutations of 3 factors").
    reflection_key : str, optional
        Set by the catalogue for the families whose reflections are known in closed form
        (``"S7"`` for ``Perm(7)``, ``"signs3"``, ``"B3"`` for ``SignedPerm(3)``): the key of
        :func:`weylgain.groups.finite_catalogue.reflection_classes`. It is not the display
        name, so a user's group named ``"S3"`` is enumerated, not taken for the catalogue's.
    """

    name: str
    generators: tuple[AffineMap, ...]
    dim: int
    closed_order: int | None = None
    description: str = ""
    structure: Any = None
    label: str = ""
    reflection_key: str = ""
    _cache: dict = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        gens = tuple(self.generators)
        for i, g in enumerate(gens):
            if not isinstance(g, AffineMap):
                raise GroupError(f"generator {i} is not an AffineMap")
            if g.dim != self.dim:
                raise GroupError(
                    f"generator {i} acts on R^{g.dim} but the group acts on R^{self.dim}"
                )
        object.__setattr__(self, "generators", gens)

    # -------------------------------------------------------------- structure
    @property
    def n_generators(self) -> int:
        return len(self.generators)

    @property
    def is_linear(self) -> bool:
        """True when no generator translates."""
        return all(g.is_linear for g in self.generators)

    @property
    def is_signed_permutation(self) -> bool:
        """True when every linear part is a signed permutation (the group acts on tori)."""
        return all(g.is_signed_permutation for g in self.generators)

    @property
    def order(self) -> int:
        """Number of elements: closed form for catalogue families, else by closure."""
        if self.closed_order is not None:
            return int(self.closed_order)
        return int(self.elements()[0].shape[0])

    def generator_arrays(self) -> tuple[np.ndarray, np.ndarray]:
        """Generators as arrays: linear (g, D, D) and translation (g, D)."""
        D = self.dim
        if not self.generators:
            return np.zeros((0, D, D)), np.zeros((0, D))
        return (
            np.stack([g.linear for g in self.generators]),
            np.stack([g.translation for g in self.generators]),
        )

    def elements(self, max_order: int = DEFAULT_MAX_ORDER) -> tuple[np.ndarray, np.ndarray]:
        """All group elements by closure.

        Parameters
        ----------
        max_order : int, default 200_000
            Stop with :class:`GroupError` when the group has more elements.

        Returns
        -------
        linear : ndarray of shape (``|G|``, D, D)
            The identity comes first.
        translation : ndarray of shape (``|G|``, D)
            Fractions of the period in [0, 1).
        """
        cached = self._cache.get("elements")
        if cached is not None:
            return cached
        if self.closed_order is not None and self.closed_order > max_order:
            raise GroupError(
                f"group {self.name!r} has {self.closed_order} elements, more than "
                f"max_order={max_order}; its order is known in closed form (.order) but the "
                "elements are not enumerated. Use the generators (a few) instead, or raise "
                "max_order."
            )
        lin, tr = _closure(*self.generator_arrays(), max_order, self.name,
                           self.closed_order is not None)
        if self.closed_order is not None and lin.shape[0] != self.closed_order:
            raise GroupError(  # would be a catalogue bug: keep the check cheap and loud
                f"closure of {self.name!r} gives {lin.shape[0]} elements, but its closed-form "
                f"order is {self.closed_order}"
            )
        out = (_readonly(lin), _readonly(tr))
        self._cache["elements"] = out
        return out

    def element_maps(self, max_order: int = DEFAULT_MAX_ORDER) -> list[AffineMap]:
        """All elements as :class:`AffineMap` objects."""
        lin, tr = self.elements(max_order)
        return [AffineMap(a, t) for a, t in zip(lin, tr)]

    def reflections(self, max_order: int = DEFAULT_MAX_ORDER) -> list[AffineMap]:
        """Elements whose linear part is a reflection (one eigenvalue -1, the others +1).

        On a torus such an element may be a glide reflection (non-zero translation along the
        mirror) without fixed points; its ``translation`` tells.
        """
        lin, tr = self.elements(max_order)
        D = self.dim
        sym = np.abs(lin - np.transpose(lin, (0, 2, 1))).max(axis=(1, 2)) < 1e-9
        tra = np.abs(np.trace(lin, axis1=1, axis2=2) - (D - 2)) < 1e-9
        idx = np.flatnonzero(sym & tra)
        return [AffineMap(lin[i], tr[i]) for i in idx]

    def apply(self, points: np.ndarray, period: Any = None) -> np.ndarray:
        """Apply each generator to points.

        Parameters
        ----------
        points : array_like of shape (n, D)
        period : float or array_like of shape (D,), optional
            Torus periods (translations are fractions of them; coordinates wrapped).

        Returns
        -------
        ndarray of shape (n_generators, n, D)
        """
        x = np.asarray(points, dtype=np.float64)
        if x.ndim != 2 or x.shape[1] != self.dim:
            raise GroupError(f"points must have shape (n, {self.dim}); got shape {x.shape}")
        if not self.generators:
            return np.zeros((0,) + x.shape)
        return np.stack([g.apply(x, period) for g in self.generators])

    def kernel_order(self, points: np.ndarray, period: Any = None, tol: float = 1e-8,
                     max_order: int = DEFAULT_MAX_ORDER) -> int:
        """Order of the subgroup fixing every given point (the part acting trivially).

        Pass sample points of the manifold the group acts on (e.g. mesh vertices): the
        effective order of the action is ``order // kernel_order(points)``.

        Parameters
        ----------
        points : array_like of shape (n, D)
        period : float or array_like of shape (D,), optional
        tol : float
            Distance below which a point counts as fixed.
        """
        x = np.asarray(points, dtype=np.float64)
        if x.ndim != 2 or x.shape[1] != self.dim:
            raise GroupError(f"points must have shape (n, {self.dim}); got shape {x.shape}")
        lin, tr = self.elements(max_order)
        per = None
        if period is not None:
            per = np.broadcast_to(np.asarray(period, dtype=np.float64), (self.dim,))
            fin = np.isfinite(per)
        count = 0
        for a, t in zip(lin, tr):
            y = x @ a.T
            d = y - x
            if per is not None:
                d[:, fin] += t[fin] * per[fin]
                d[:, fin] -= per[fin] * np.round(d[:, fin] / per[fin])
            elif np.any(np.abs(t - np.round(t)) > 1e-12):
                continue  # a translation moves every point of an unwrapped space
            if np.all(np.abs(d) <= tol):
                count += 1
        return count

    def effective_order(self, points: np.ndarray, period: Any = None, tol: float = 1e-8) -> int:
        """Order of the group that acts effectively on the given points."""
        return self.order // self.kernel_order(points, period, tol)

    def extended(self, D: int) -> "FiniteGroup":
        """The same group acting on R^D, as the identity on the extra coordinates."""
        if D < self.dim:
            raise GroupError(f"cannot extend a group acting on R^{self.dim} to R^{D}")
        if D == self.dim:
            return self
        gens = []
        for g in self.generators:
            a = np.eye(D)
            a[: self.dim, : self.dim] = g.linear
            t = np.zeros(D)
            t[: self.dim] = g.translation
            gens.append(AffineMap(a, t))
        return FiniteGroup(self.name, tuple(gens), D, self.closed_order, self.description,
                           reflection_key=self.reflection_key)

    def restricted_to(self, lo: int, hi: int, tol: float = 1e-9) -> "FiniteGroup | None":
        """The group on the coordinates [lo, hi) (a factor of a product), generated by the
        generators' [lo, hi) blocks, when every generator maps those coordinates onto
        themselves; None when one moves them onto others."""
        if not 0 <= lo < hi <= self.dim:
            raise GroupError(f"coordinates [{lo}, {hi}) are not a block of R^{self.dim}")
        lin, tr = [], []
        for gen in self.generators:
            A = np.asarray(gen.linear, dtype=np.float64)
            rest = A.copy()
            rest[lo:hi, lo:hi] = 0.0
            if np.abs(rest[lo:hi]).max(initial=0.0) > tol or \
                    np.abs(rest[:, lo:hi]).max(initial=0.0) > tol:
                return None  # this generator moves the block onto other coordinates
            lin.append(A[lo:hi, lo:hi])
            tr.append(np.asarray(gen.translation, dtype=np.float64)[lo:hi])
        if not lin:
            return None
        return from_generators(np.array(lin), np.array(tr), name=self.name)

    def action_on(self, manifold: Any) -> Any:
        """The action data on a manifold of :mod:`weylgain.manifolds`: a
        :class:`~weylgain.groups.TorusAction` on flat tori, else a
        :class:`~weylgain.groups.LinearAction` with an empty algebra."""
        lin, tr = self.generator_arrays()
        if _is_manifold(manifold) and manifold.torus_lengths() is not None:
            return torus_action(manifold, np.zeros((0, self.dim), dtype=np.int64), lin, tr,
                                self.structure, self.label, self.name)
        if not self.is_linear:
            raise GroupError(f"group {self.name!r} translates (a torus group); "
                             f"{getattr(manifold, 'name', manifold)} is not a flat torus")
        return linear_action(manifold, np.zeros((0, self.dim, self.dim)), lin, is_rational(lin),
                             self.structure, self.label, self.name)

    def to_dict(self) -> dict[str, Any]:
        order: int | None
        try:
            order = self.order
        except GroupError:
            order = None
        return {
            "kind": "finite",
            "name": self.name,
            "description": self.description,
            "dim": int(self.dim),
            "order": order,
            "is_linear": self.is_linear,
            "is_signed_permutation": self.is_signed_permutation,
            "generators": [g.to_dict() for g in self.generators],
            "label": self.label,
            "structure": None if self.structure is None else self.structure.to_dict(),
        }

    def __repr__(self) -> str:
        o = self.closed_order if self.closed_order is not None else "?"
        return f"<FiniteGroup {self.name!r} on R^{self.dim}: order {o}, {self.n_generators} generators>"



# ====================================================================== construction
def from_generators(
    matrices: Any,
    translations: Any = None,
    name: str | None = None,
    *,
    order: int | None = None,
    description: str = "",
    verify_order: bool = True,
) -> FiniteGroup:
    """A finite group from generator matrices (and torus translations).

    Parameters
    ----------
    matrices : array_like of shape (g, D, D)
        Orthogonal generator matrices (to 1e-10).
    translations : array_like of shape (g, D), optional
        Translations as fractions of the torus period; only allowed for generators whose
        linear part is a signed permutation.
    name : str, optional
    order : int, optional
        The order in closed form, if known (then the group is never enumerated to get it).
    verify_order : bool, default True
        Check a given ``order`` by enumerating the group when it has at most 200,000
        elements (a wrong order would silently give a wrong vol(M/G)); larger orders are
        trusted as closed forms.

    Raises
    ------
    GroupError
        Non-square, non-orthogonal or non-finite matrices, shape mismatches, translations with
        a linear part that is not a signed permutation.
    """
    if isinstance(matrices, str):
        raise GroupError(f"from_generators takes generator matrices; for the group spec "
                         f"{matrices!r} use weylgain.groups.named({matrices!r})")
    try:
        mats = np.asarray(matrices, dtype=np.float64)
    except (TypeError, ValueError):
        raise GroupError("from_generators takes real (g, D, D) generator matrices") from None
    if mats.ndim == 2 and mats.shape[0] == mats.shape[1] and mats.size:
        mats = mats[None]
    if mats.ndim != 3 or mats.shape[1] != mats.shape[2]:
        raise GroupError(
            f"generators must be square matrices, an array of shape (g, D, D); got shape "
            f"{mats.shape}"
        )
    g, D, _ = mats.shape
    if not np.all(np.isfinite(mats)):
        raise GroupError("generator matrices contain non-finite entries (nan or inf)")
    for i in range(g):
        err = np.abs(mats[i] @ mats[i].T - np.eye(D)).max() if D else 0.0
        if err > _ORTHO_TOL:
            raise GroupError(
                f"generator {i} is not orthogonal: max |A A^T - I| = {err:.3g} > {_ORTHO_TOL:g}; "
                "weylgain groups act by isometries (orthogonal linear parts)"
            )
    if translations is None:
        trs = np.zeros((g, D))
    else:
        try:
            trs = np.asarray(translations, dtype=np.float64)
        except (TypeError, ValueError):
            raise GroupError(f"translations must be real numbers of shape ({g}, {D})") from None
        if trs.ndim == 1 and g == 1:
            trs = trs[None]
        if trs.shape != (g, D):
            raise GroupError(f"translations must have shape ({g}, {D}); got shape {trs.shape}")
        if not np.all(np.isfinite(trs)):
            raise GroupError("translations contain non-finite entries")
    gens = []
    for i in range(g):
        m = AffineMap(mats[i], np.mod(trs[i], 1.0))
        if not m.is_linear and not m.is_signed_permutation:
            raise GroupError(
                f"generator {i} has a translation but its linear part is not a signed "
                "permutation matrix; translations are fractions of a torus period and only "
                "signed coordinate permutations are isometries of a flat torus"
            )
        gens.append(m)
    if order is not None:
        if isinstance(order, bool) or not isinstance(order, (int, np.integer)) or order < 1:
            raise GroupError(f"order must be a positive integer; got {order!r}")
        order = int(order)
        if verify_order and order <= DEFAULT_MAX_ORDER:
            probe = FiniteGroup(name or "custom", tuple(gens), D, None, description)
            try:
                found = int(probe.elements(max_order=order)[0].shape[0])
            except GroupError:
                found = None  # more elements than the order claimed
            if found != order:
                raise GroupError(
                    f"the generators do not form a group of the given order {order}: "
                    + (f"their closure has {found} elements" if found is not None else
                       f"their closure has more than {order} elements")
                    + "; pass the right order, or none to have it computed")
    return FiniteGroup(name or "custom", tuple(gens), D, order, description)


