"""How a symmetry group acts, for learning: on points, on eigenspaces, by averaging.

Part of :mod:`weylgain.learning`. A group (a :class:`weylgain.groups.FiniteGroup`,
a :class:`weylgain.groups.ContinuousGroup` or a catalogue spec string) is turned into a
:class:`GroupAction`: generators as (linear, translation) pairs, elements for averaging and
augmentation, a canonicalization map, and the invariant subspace of an eigenspace from the
generators' matrices only (the Spec-Avg projection).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components

from ..errors import GroupError

__all__ = ["GroupAction", "as_action", "action_from_record", "invariant_subspace",
           "rotation_in_plane"]

#: Finite groups up to this order are enumerated to measure invariance discrepancies.
_ENUMERATE_FOR_DISCREPANCY = 64


def rotation_in_plane(dim: int, i: int, j: int, angle: float) -> np.ndarray:
    """Rotation of R^dim by ``angle`` in the (i, j) coordinate plane, shape (dim, dim)."""
    a = np.eye(dim)
    c, s = math.cos(angle), math.sin(angle)
    a[i, i], a[i, j], a[j, i], a[j, j] = c, -s, s, c
    return a


@dataclass(frozen=True)
class GroupAction:
    """A group ready for learning on one domain.

    Attributes
    ----------
    name : str
    order : float
        |G| (the effective order on the domain is not computed here), ``math.inf`` for a
        positive-dimensional group.
    lie_dimension : int
        0 for finite groups.
    generators : tuple of (ndarray (D, D), ndarray (D,))
        Generating (linear, translation-as-fraction-of-period) pairs. For a continuous
        group: rotations by 2 pi / Q with Q above the band limit, which impose exactly the
        same invariance on band-limited functions.
    family : str
        "finite" or the ContinuousGroup family.
    planes : tuple of (int, int)
        Rotation planes (continuous rotation families).
    axis : int or None
    coordinates : tuple of int
        Translated coordinates (torus_translation).
    group : object
        The original group object (for to_dict()).
    quadrature : int
        Q of the rotations by 2 pi / Q standing for a continuous group.
    quotient_dim : int or None
        dim M/G when it is known from the group's geometry (actions built from action data,
        family "generated"); None: derived from the family.
    """

    name: str
    order: float
    lie_dimension: int
    generators: tuple
    family: str
    planes: tuple = ()
    axis: int | None = None
    coordinates: tuple = ()
    group: Any = None
    quadrature: int = 0
    quotient_dim: int | None = None
    _cache: dict = field(default_factory=dict, repr=False, compare=False)

    @property
    def is_finite(self) -> bool:
        return self.family == "finite"

    # -------------------------------------------------------------- elements
    def elements(self, max_order: int = 200_000) -> tuple[np.ndarray, np.ndarray]:
        """All elements (finite) or the Q-point quadrature group (continuous).

        Returns
        -------
        linear : ndarray (m, D, D)
        translation : ndarray (m, D)
        """
        if "elements" in self._cache:
            return self._cache["elements"]
        if self.is_finite:
            lin, tr = self.group.elements(max_order=max_order)
            out = (np.asarray(lin, dtype=np.float64), np.asarray(tr, dtype=np.float64))
        else:
            out = _closure_small(self.generators, max_order)
        self._cache["elements"] = out
        return out

    def random_elements(self, k: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
        """``k`` random elements: uniform over an enumerated group, Haar for a continuous one,
        random words in the generators for a large finite group."""
        D = self.generators[0][0].shape[0]
        if not self.is_finite:
            lins = np.empty((k, D, D))
            trs = np.zeros((k, D))
            for i in range(k):
                lins[i], trs[i] = self.haar_element(rng)
            return lins, trs
        if self.order <= 200_000:
            lin, tr = self.elements()
            idx = rng.integers(0, len(lin), size=k)
            return lin[idx], tr[idx]
        lins = np.empty((k, D, D))
        trs = np.zeros((k, D))
        for i in range(k):
            a, t = np.eye(D), np.zeros(D)
            for _ in range(4 * len(self.generators) + 8):
                ga, gt = self.generators[rng.integers(len(self.generators))]
                a, t = ga @ a, np.mod(ga @ t + gt, 1.0)
            lins[i], trs[i] = a, t
        return lins, trs

    def haar_element(self, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
        """One Haar-random element of a continuous group (a true group element, any angle)."""
        D = self.generators[0][0].shape[0]
        a, t = np.eye(D), np.zeros(D)
        if self.coordinates:  # translations of these coordinates (a subtorus): any shift
            t = np.zeros(D)
            t[list(self.coordinates)] = rng.random(len(self.coordinates))
            return a, t
        for _ in range(3 if len(self.planes) > 1 else 1):
            for i, j in self.planes:
                a = rotation_in_plane(D, i, j, rng.uniform(0, 2 * math.pi)) @ a
        return a, t

    def test_elements(self, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
        """Elements to test invariance with: generators, plus all elements of a small group,
        random elements otherwise."""
        gl = np.stack([g[0] for g in self.generators])
        gt = np.stack([g[1] for g in self.generators])
        if self.is_finite and self.order <= _ENUMERATE_FOR_DISCREPANCY:
            el, et = self.elements()
        else:
            el, et = self.random_elements(16, rng)
        return np.concatenate([gl, el]), np.concatenate([gt, et])

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "order": None if math.isinf(self.order) else int(self.order),
            "lie_dimension": int(self.lie_dimension),
            "family": self.family,
            "n_generators": len(self.generators),
        }


def action_from_record(record: Any, group: Any, name: str, band_limit: int,
                       quotient_dim: int, order: float) -> GroupAction:
    """A :class:`GroupAction` (family "generated") from a group's action data.

    Parameters
    ----------
    record : weylgain.groups.actions.LinearAction or TorusAction
        What ``group.action_on(manifold)`` returns.
    group : object
        The group (kept for exact counts and reports).
    name : str
    band_limit : int
        The highest frequency of the kernel's modes under one-parameter subgroups (the
        total degree on products of spheres, max ``|k_i|`` on tori).
    quotient_dim : int
        dim M/G.
    order : float
        ``|G|`` (``math.inf`` for a positive-dimensional group).

    Each Lie-algebra element X (scaled to spectral norm 1, so that its frequencies on the
    kernel's modes are at most ``band_limit``) becomes the rotation exp(2 pi X / Q), Q above
    that frequency, which fixes exactly the band-limited functions the whole one-parameter
    group fixes; a torus direction v becomes the translation v / Q with Q above
    max ``|k.v|``. The finite generators are kept as they are.
    """
    from scipy.linalg import expm

    gens: list[tuple[np.ndarray, np.ndarray]] = []
    if hasattr(record, "directions"):
        D = int(record.dim)
        dirs = np.asarray(record.directions, dtype=np.int64).reshape(-1, D)
        Q = int(band_limit) * int(np.abs(dirs).sum(axis=1).max(initial=0)) + 1
        for v in dirs:
            gens.append((np.eye(D), v.astype(np.float64) / Q))
        for a, t in zip(np.asarray(record.linear), np.asarray(record.translation)):
            gens.append((np.array(a, dtype=np.float64), np.array(t, dtype=np.float64)))
        lie = len(dirs)
    else:
        D = int(record.dim)
        Q = int(band_limit) + 1
        algebra = np.asarray(record.algebra, dtype=np.float64).reshape(-1, D, D)
        for X in algebra:
            scale = float(np.linalg.norm(X, 2))
            if scale > 0:
                gens.append((expm((2 * math.pi / Q) * X / scale), np.zeros(D)))
        for g in np.asarray(record.generators, dtype=np.float64).reshape(-1, D, D):
            gens.append((np.array(g), np.zeros(D)))
        lie = len(algebra)
    if not gens:
        gens = [(np.eye(D), np.zeros(D))]
    return GroupAction(name, float(order), int(lie), tuple(gens), "generated", group=group,
                       quadrature=Q, quotient_dim=int(quotient_dim))


def _closure_small(generators: tuple, max_order: int) -> tuple[np.ndarray, np.ndarray]:
    """Closure of a few generators by breadth-first products (small groups only)."""
    D = generators[0][0].shape[0]
    elems = [(np.eye(D), np.zeros(D))]
    keys = {_key(*elems[0])}
    frontier = list(elems)
    while frontier:
        nxt = []
        for a, t in frontier:
            for ga, gt in generators:
                b, u = ga @ a, np.mod(ga @ t + gt, 1.0)
                k = _key(b, u)
                if k not in keys:
                    keys.add(k)
                    elems.append((b, u))
                    nxt.append((b, u))
                    if len(elems) > max_order:
                        raise GroupError(f"group has more than {max_order} elements")
        frontier = nxt
    return np.stack([e[0] for e in elems]), np.stack([e[1] for e in elems])


def _key(a: np.ndarray, t: np.ndarray) -> bytes:
    t = np.mod(np.round(t * 1e8) / 1e8, 1.0)
    return np.round(np.concatenate([a.ravel(), t]) * 1e8).astype(np.int64).tobytes()


def as_action(group: Any, ambient_dim: int, band_limit: int) -> GroupAction:
    """Turn a group (object or spec string) into a :class:`GroupAction` on R^ambient_dim.

    Parameters
    ----------
    group : FiniteGroup, ContinuousGroup, GroupAction or str
    ambient_dim : int
        D of the domain's coordinates.
    band_limit : int
        Highest angular frequency of the functions involved (sphere degree, torus |k_i|):
        a continuous rotation is replaced by the cyclic group of order band_limit + 1,
        which imposes the same invariance on such functions exactly.
    """
    if isinstance(group, GroupAction):
        return group
    if isinstance(group, str):
        from ..groups import named

        group = named(group, dim=ambient_dim)
    from ..groups import ContinuousGroup, FiniteGroup

    if isinstance(group, FiniteGroup):
        if group.dim != ambient_dim:
            if group.dim < ambient_dim:
                group = group.extended(ambient_dim)
            else:
                raise GroupError(
                    f"group {group.name!r} acts on R^{group.dim} but the domain's points live "
                    f"in R^{ambient_dim}; build it with dim={ambient_dim}"
                )
        gens = tuple((np.array(g.linear), np.array(g.translation)) for g in group.generators)
        if not gens:
            gens = ((np.eye(ambient_dim), np.zeros(ambient_dim)),)
        return GroupAction(group.name, float(group.order), 0, gens, "finite", group=group)
    if isinstance(group, ContinuousGroup):
        if group.dim != ambient_dim:
            raise GroupError(
                f"group {group.name!r} acts on R^{group.dim} but the domain's points live in "
                f"R^{ambient_dim}"
            )
        Q = int(band_limit) + 1
        D = ambient_dim
        # the group knows its quadrature generators (and refuses SO(D) and hopf itself)
        gens, planes, axis, coords = group.learning_generators(D, Q)
        return GroupAction(group.name, math.inf, group.lie_dimension, gens, group.family,
                           planes=planes, axis=axis,
                           coordinates=coords if coords is not None else (), group=group,
                           quadrature=Q)
    raise GroupError(
        f"expected a FiniteGroup, ContinuousGroup or group spec string; got {type(group).__name__}"
    )


def invariant_subspace(representations: list[np.ndarray], tol: float = 1e-8) -> np.ndarray:
    """Orthonormal basis of the common fixed space {v : D v = v for every D}.

    Only the generators' matrices are used. The stacked matrix B = [D_1 - I; ...; D_S - I]
    is first split into the connected components of its sparsity pattern (for monomial
    actions, e.g. signed permutations on Fourier modes, these are small orbits of modes),
    and the null space of each block comes from an SVD (never from (B B^T)^+).

    Parameters
    ----------
    representations : list of ndarray (m, m)
        D(g) for the generators g, real or complex, orthogonal or unitary.
    tol : float
        Singular values below ``tol`` (relative to 1, the scale of D - I) count as zero.

    Returns
    -------
    ndarray of shape (m, m_G)
        Orthonormal columns (complex when any D is complex).
    """
    m = representations[0].shape[0]
    dtype = np.result_type(*representations, np.float64)
    if m == 0:
        return np.zeros((0, 0), dtype=dtype)
    pattern = sp.csr_matrix((m, m))
    for D in representations:
        pattern = pattern + sp.csr_matrix(np.abs(D) > 1e-12)
    n_comp, labels = connected_components(pattern, directed=False)
    blocks = []
    for c in range(n_comp):
        idx = np.flatnonzero(labels == c)
        B = np.concatenate([D[np.ix_(idx, idx)] - np.eye(len(idx)) for D in representations])
        _, s, vh = np.linalg.svd(B, full_matrices=True)
        rank = int(np.sum(s > tol))
        null = vh[rank:].conj().T
        if null.shape[1]:
            full = np.zeros((m, null.shape[1]), dtype=dtype)
            full[idx] = null
            blocks.append(full)
    if not blocks:
        return np.zeros((m, 0), dtype=dtype)
    return np.concatenate(blocks, axis=1)


def canonicalizer(action: GroupAction, domain: Any,
                  rng_seed: int = 12345) -> Callable[[np.ndarray], np.ndarray]:
    """A map x -> canonical representative of its orbit (a fundamental domain).

    Special cases: coordinate sign flips (absolute values; on a torus about 0 modulo the
    period), rotations (move the point to the half-plane x_i >= 0, x_j = 0; for an axis
    stabilizer onto one meridian), torus translations (set the coordinates to the origin).
    Otherwise the orbit element maximizing a fixed generic function (a Dirichlet-type
    domain; this one enumerates the group).

    Parameters
    ----------
    action : GroupAction
    domain : SphereDomain, TorusDomain or MeshDomain (from :mod:`weylgain.learning`)
        Provides ``apply(linear, translation, X)`` and, for tori, ``period``/``origin``.
    """
    periodic = getattr(domain, "is_periodic", False)
    if hasattr(action.group, "orbit_representative"):
        # a continuous family maps each point to its orbit's representative itself
        group = action.group
        origin = getattr(domain, "origin", None)

        def canon_continuous(X: np.ndarray) -> np.ndarray:
            return group.orbit_representative(X, origin)

        return canon_continuous
    lin, tr = action.elements()
    diag_entries = np.einsum("gii->gi", lin)
    is_diag = np.all(np.abs(lin - diag_entries[:, :, None] * np.eye(lin.shape[1])) < 1e-12)
    if is_diag and np.all(np.abs(tr) < 1e-12):
        flipped = np.any(diag_entries < 0, axis=0)  # coordinates some element flips
        if len(lin) == 2 ** int(flipped.sum()):  # the full sign-flip group of those

            def canon_sign(X: np.ndarray) -> np.ndarray:
                Y = np.array(X, dtype=np.float64, copy=True)
                if periodic:  # about 0 modulo the period: centre first
                    Y = np.mod(Y + domain.period / 2, domain.period) - domain.period / 2
                Y[:, flipped] = np.abs(Y[:, flipped])
                return domain.wrap(Y)

            return canon_sign
    rng = np.random.default_rng(rng_seed)
    D = lin.shape[1]
    v = rng.standard_normal(D)
    phase = rng.uniform(0, 2 * np.pi, D)

    def score(Y: np.ndarray) -> np.ndarray:
        if not periodic:
            return Y @ v
        # a generic smooth periodic function; its argmax over an orbit is unique a.e.
        return np.sin(2 * np.pi * Y / domain.period + phase) @ v

    def canon_generic(X: np.ndarray) -> np.ndarray:
        X = np.asarray(X, dtype=np.float64)
        images = np.stack([domain.apply(a, t, X) for a, t in zip(lin, tr)])  # (|G|, n, D)
        best = np.argmax(np.stack([score(im) for im in images]), axis=0)
        return images[best, np.arange(X.shape[0])]

    return canon_generic
