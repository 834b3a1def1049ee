"""The named continuous families (rotations about an axis, axis stabilizers, SO(n), the
Hopf circle, torus translations): :class:`ContinuousGroup`.

A ContinuousGroup answers each layer's question about its family itself (the moved
coordinates, the invariant harmonics of a sphere, the quotient of a sphere or a torus, the
orbit shape a quotient mesh is built for, the learning generators, the mesh resolution and
the spectrum of M/G), so that the family names are switched on here and in the catalogue
only. :func:`as_catalogue` recognises a :class:`~weylgain.groups.LieGroup` or
:class:`~weylgain.groups.TorusGroup` that equals one of these families.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..errors import ActionError, GroupDefinitionError, GroupError, SpecError

__all__ = ["ContinuousGroup", "CONTINUOUS_FAMILIES", "as_catalogue", "PolarOrbits",
           "SphericalOrbits", "HopfFibres", "TranslationOrbits"]


# ====================================================================== orbit shapes
# What a quotient mesh is built for: the orbit space of a sphere (or ball) under the family.
@dataclass(frozen=True)
class PolarOrbits:
    """Orbits S^m about a fixed axis (SO(2) about an axis of R^3, SO(D-1) fixing an axis of
    R^D): S^{D-1}/G is the polar interval [0, pi r], weighted by vol(S^m) (r sin(s/r))^m."""

    m: int
    axis: int | None


@dataclass(frozen=True)
class SphericalOrbits:
    """SO(D): transitive on S^{D-1} (a point), spheres of every radius in the ball B^D."""


@dataclass(frozen=True)
class HopfFibres:
    """The Hopf circles of S^3: S^3/U(1) = S^2(r/2), fibres of length 2 pi r."""


@dataclass(frozen=True)
class TranslationOrbits:
    """Flat subtori translating ``coordinates`` of a torus."""

    coordinates: tuple[int, ...]


# ====================================================================== ContinuousGroup
# the largest SO(n) whose matrix Lie algebra (n(n-1)/2 matrices) is built and validated:
# LieGroup checks every commutator, about n^7 work (measured 2 s at n = 11, 25 s at n = 14)
MAX_MATRIX_ROTATION = 12

CONTINUOUS_FAMILIES = ("axis_rotation", "axis_stabilizer", "rotation", "torus_translation", "hopf")


@dataclass(frozen=True)
class ContinuousGroup:
    """A compact Lie group acting by isometries, described by its family.

    Parameters
    ----------
    name : str
        "SO(2)", "SO(3)", "SO(n)", "hopf", "Trans(1)", ...
    family : str
        "axis_rotation" (SO(2) rotating ``coordinates`` (two of them), fixing ``axis``),
        "axis_stabilizer" (SO(D-1) fixing coordinate ``axis`` of R^D), "rotation" (SO(D),
        transitive on S^{D-1}), "torus_translation" (translations of ``coordinates`` of a
        torus), "hopf" (U(1) acting on C^2 = R^4 by e^{it}(z1, z2)).
    lie_dimension : int
        Dimension of the group.
    dim : int
        Dimension D of the space acted on.
    axis : int or None
        Fixed axis (axis_rotation, axis_stabilizer).
    coordinates : tuple of int or None
        Moved coordinates (axis_rotation, torus_translation).
    """

    name: str
    family: str
    lie_dimension: int
    dim: int
    axis: int | None = None
    coordinates: tuple[int, ...] | None = None
    description: str = ""

    def __post_init__(self) -> None:
        if self.family not in CONTINUOUS_FAMILIES:
            raise GroupDefinitionError(
                f"unknown continuous family {self.family!r}; expected one of {CONTINUOUS_FAMILIES}"
            )

    @property
    def order(self) -> float:
        """Infinite (a positive-dimensional group)."""
        return math.inf

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": "continuous",
            "name": self.name,
            "family": self.family,
            "description": self.description,
            "lie_dimension": int(self.lie_dimension),
            "dim": int(self.dim),
            "axis": self.axis,
            "coordinates": None if self.coordinates is None else list(self.coordinates),
        }

    # ---------------------------------------------------------------- as a Lie group
    def lie_algebra(self) -> np.ndarray:
        """A basis of the Lie algebra as skew matrices, shape (lie_dimension, dim, dim).

        axis_rotation: the rotation from coordinate ``coordinates[0]`` towards
        ``coordinates[1]``; axis_stabilizer and rotation: E_ij = e_j e_i^T - e_i e_j^T
        (i < j) on the moved coordinates; hopf: the complex structure of C^2 = R^4
        ((x1, y1, x2, y2) with z_k = x_k + i y_k). Torus translations have no matrix algebra
        (see :meth:`to_group`).
        """
        D = self.dim

        def rot(i: int, j: int) -> np.ndarray:
            X = np.zeros((D, D))
            X[j, i], X[i, j] = 1.0, -1.0
            return X

        fam = self.family
        if fam == "axis_rotation":
            i, j = self.coordinates
            return rot(int(i), int(j))[None]
        if fam in ("axis_stabilizer", "rotation"):
            coords = list(self.moved_coordinates())
            return np.array([rot(i, j) for a, i in enumerate(coords) for j in coords[a + 1:]])
        if fam == "hopf":
            return (rot(0, 1) + rot(2, 3))[None]
        raise GroupError(f"{self.name} translates torus coordinates; it has no matrix Lie "
                         "algebra (use to_group() for the subtorus)")

    def to_group(self) -> Any:
        """The same group as a :class:`~weylgain.groups.LieGroup` (or, for torus
        translations, a :class:`~weylgain.groups.TorusGroup`)."""
        if self.family == "torus_translation":
            from .torus import TorusGroup

            V = np.zeros((len(self.coordinates), self.dim), dtype=np.int64)
            for a, c in enumerate(self.coordinates):
                V[a, c] = 1
            return TorusGroup(self.name, V, (), self.description)
        from .lie import LieGroup

        moved = len(self.moved_coordinates())
        if moved > MAX_MATRIX_ROTATION:
            from ..errors import ResourceError

            m = moved * (moved - 1) // 2
            raise ResourceError(
                f"{self.name} as a matrix Lie group has a basis of {m} matrices of "
                f"{self.dim} x {self.dim}; validating it checks {m * (m - 1) // 2} commutators "
                f"(time grows like n^7: 2 s for SO(11), 25 s for SO(14)), so the matrix form "
                f"is built up to SO({MAX_MATRIX_ROTATION}); predict_gain and the quotient "
                f"geometry of {self.name} on spheres use closed forms and need no matrices")
        return LieGroup(self.name, self.lie_algebra(), np.zeros((0, self.dim, self.dim)),
                        self.description)

    def action_on(self, manifold: Any) -> Any:
        """The action data (:class:`~weylgain.groups.LinearAction` or
        :class:`~weylgain.groups.TorusAction`) on a manifold of :mod:`weylgain.manifolds`."""
        return self.to_group().action_on(manifold)

    # ---------------------------------------------------------------- the family's answers
    def moved_coordinates(self) -> tuple[int, ...]:
        """The coordinates of R^D the group moves (all of them for SO(D) and hopf)."""
        fam = self.family
        if fam == "axis_rotation" and self.coordinates is None:
            return tuple(c for c in range(self.dim) if c != self.axis)[:2]
        if fam in ("axis_rotation", "torus_translation"):
            return tuple(int(c) for c in self.coordinates)
        if fam == "axis_stabilizer":
            return tuple(c for c in range(self.dim) if c != self.axis)
        if fam == "rotation" and self.coordinates:
            return tuple(int(c) for c in self.coordinates)  # SO(m) extended by the identity
        return tuple(range(self.dim))  # rotation, hopf

    def torus_translation_count(self) -> int | None:
        """How many torus coordinates the group translates; None unless it translates."""
        if self.family != "torus_translation":
            return None
        coords = self.coordinates
        return len(coords) if coords else int(self.lie_dimension)

    def orbit_shape(self, D: int) -> Any:
        """The shape of the orbits in R^D that a quotient mesh is built for.

        Parameters
        ----------
        D : int
            Ambient dimension of the mesh.

        Returns
        -------
        PolarOrbits, SphericalOrbits, HopfFibres, TranslationOrbits or None
            None where no orbit-space mesh is known (SO(2) about an axis outside R^3).
        """
        fam = self.family
        if fam == "axis_stabilizer" or (fam == "axis_rotation" and D == 3):
            return PolarOrbits(int(D) - 2, self.axis)
        if fam == "rotation":
            fixed = [c for c in range(int(D)) if c not in self.moved_coordinates()]
            if not fixed:
                return SphericalOrbits()
            # SO(D-1) extended by the identity on one axis: polar orbits about that axis
            return PolarOrbits(int(D) - 2, fixed[0]) if len(fixed) == 1 else None
        if fam == "hopf":
            return HopfFibres()  # (on R^D, D > 4, the geometry refuses, asking for R^4)
        if fam == "torus_translation":
            return TranslationOrbits(tuple(int(c) for c in (self.coordinates or ())))
        return None

    def harmonic_invariant_dimensions(self, dim: int, max_degree: int) -> np.ndarray:
        """Dimensions of the invariant harmonics of each degree on S^{dim-1} in R^dim.

        Parameters
        ----------
        dim : int
            Ambient dimension D of the sphere.
        max_degree : int
            Largest degree k (>= 0).

        Returns
        -------
        ndarray of shape (max_degree + 1,), int64
            Entry k: the multiplicity of the eigenvalue k(k+D-2) on S^{D-1}/G.

        Raises
        ------
        SpecError
            The group does not act on this sphere (torus translations, hopf off R^4, more
            rotated coordinates than D).
        """
        family = self.family
        name = self.name or "custom"
        degrees = np.arange(max_degree + 1)
        moved = self._moved_on_sphere(dim)
        if family == "hopf":
            if dim == 4:
                # bidegree (p, q) harmonics on C^2 carry e^{i(p-q)theta}: invariant iff
                # p = q, dimension 2p + 1, in degree 2p
                return np.where(degrees % 2 == 0, degrees + 1, 0).astype(np.int64)
            # the circle on C^2 extended by the identity on R^m, m = dim - 4: a monomial
            # z^a zbar^b y^c is invariant iff |a| = |b| = p ((p+1)^2 of them, degree 2p), so
            # dim P_k^G = sum_p (p+1)^2 C(k-2p+m-1, m-1); harmonics: P_k - P_{k-2}
            m = dim - 4
            poly = np.array([sum((p + 1) ** 2 * math.comb(int(k) - 2 * p + m - 1, m - 1)
                                 for p in range(int(k) // 2 + 1)) for k in degrees],
                            dtype=np.int64)
            harmonic = poly.copy()
            harmonic[2:] -= poly[:-2]
            return harmonic
        if family not in ("axis_rotation", "axis_stabilizer", "rotation"):
            raise ActionError(
                f"continuous group {name} (family {family!r}) does not act on a "
                "sphere; use SO(2), SO(n-1), SO(n) or hopf")
        n_rot = len(moved)
        if n_rot < 2:
            raise SpecError(f"{name} rotates {n_rot} coordinates, cannot act on R^{dim}")
        # SO(m) rotating m coordinates of R^D and fixing the other D - m (a group of R^n,
        # n < D, is extended by the identity): the invariant polynomials are generated by
        # |x_rot|^2 and the D-m fixed coordinates, so the harmonic Molien series is
        # (1-t^2)/((1-t^2)(1-t)^{D-m}) = (1-t)^{m-D}
        free = dim - n_rot
        if free == 0:
            return (degrees == 0).astype(np.int64)
        return np.array([math.comb(int(k) + free - 1, free - 1) for k in degrees],
                        dtype=np.int64)

    def _moved_on_sphere(self, dim: int) -> tuple[int, ...]:
        """The coordinates of R^dim the group moves; refuses a group that needs more."""
        if self.family == "torus_translation":
            raise ActionError(f"continuous group {self.name} translates torus coordinates; it "
                            "does not act on a sphere")
        moved = self.moved_coordinates()
        if self.family == "hopf" and dim < 4:
            raise SpecError(f"the Hopf circle action lives on S^3 in R^4 (and on larger spheres, "
                            f"fixing the extra coordinates), not on S^{dim - 1}")
        if self.dim > dim or any(c >= dim for c in moved):
            raise SpecError(f"{self.name} acts on R^{self.dim} (it moves coordinates "
                            f"{list(moved)}); a sphere in R^{dim} is too small for it")
        return moved

    def extended(self, D: int) -> Any:
        """The same group acting on R^D, as the identity on the coordinates past its own.

        A rotation family keeps its closed forms (a ContinuousGroup moving the same
        coordinates); the Hopf circle becomes a :class:`~weylgain.groups.LieGroup` on R^D.

        Raises
        ------
        GroupError
            D smaller than the group's dimension, or a torus translation.
        """
        D = int(D)
        if D < self.dim:
            raise GroupDefinitionError(
                f"cannot extend {self.name}, acting on R^{self.dim}, to R^{D}")
        if D == self.dim:
            return self
        if self.family == "torus_translation":
            raise GroupDefinitionError(
                f"{self.name} translates torus coordinates; extending it to R^{D} "
                "is a matter of the torus, not of R^D")
        if self.family == "hopf":
            from .lie import LieGroup

            X = np.zeros((1, D, D))
            X[0, :4, :4] = self.lie_algebra()[0]
            return LieGroup(self.name, X, np.zeros((0, D, D)),
                            f"{self.description or 'the Hopf circle'}; identity on the other "
                            f"{D - 4} coordinates of R^{D}")
        moved = self.moved_coordinates()
        desc = (f"{self.description or self.name}; identity on the other {D - self.dim} "
                f"coordinates of R^{D}")
        if self.family == "axis_stabilizer":
            # SO(n) on R^(n+1) fixing one axis: on R^D it rotates the same n coordinates
            return ContinuousGroup(self.name, "rotation", self.lie_dimension, D,
                                   coordinates=tuple(moved), description=desc)
        return ContinuousGroup(self.name, self.family, self.lie_dimension, D, axis=self.axis,
                               coordinates=tuple(moved), description=desc)

    def sphere_quotient(self, ambient: int, radius: float) -> tuple[int, float | None]:
        """(d_G, vol(M/G)) of the sphere S^{ambient-1} of the given radius, in floats.

        vol is None for a transitive action (d_G = 0).
        """
        moved = self._moved_on_sphere(ambient)
        if self.family == "hopf":
            if ambient == 4:  # S^3 / U(1) = S^2 of radius r/2
                return 2, _sphere_volume(2, radius / 2)
            # fixed R^(D-4): x = (cos t u, sin t v), u in S^3, v in S^(D-5); the orbit of x
            # is a circle of length 2 pi r cos t, so by the coarea formula
            # vol = vol(S^3) vol(S^(D-5)) r^(D-2) / (2 pi) * int_0^(pi/2) cos^2 t sin^(D-5) t dt
            n = ambient - 5
            beta = math.gamma(1.5) * math.gamma((n + 1) / 2) / math.gamma((n + 4) / 2) / 2
            vol = (_sphere_volume(3) * _sphere_volume(n) / (2 * math.pi) * beta
                   * radius ** (ambient - 2))
            return ambient - 2, vol
        qd = ambient - len(moved)
        if qd == 0:
            return 0, None
        # S^{D-1}/SO(m) is the half sphere {r >= 0} of S^{D-m} (r = |x_rot|)
        return qd, _sphere_volume(qd, radius) / 2

    def mesh_resolution(self, M: Any) -> int:
        """Vertices (or subdivisions) of the orbit-space mesh of M/G for measure_gain."""
        if self.family == "hopf":
            return 4  # icosahedral S^2(r/2), 2562 vertices
        if self.family == "torus_translation":
            left = M.dim - len(self.coordinates or ())
            return {1: 3000, 2: 120}.get(left, 24)
        # an interval [0, pi r] or [0, R] with the orbit-volume weight: 1-d problems are cheap,
        # and above 2500 unknowns the counter takes its fast sparse route
        return 3000

    def quotient_spectrum(self, base: Any, geo: Any) -> Any:
        """Where the exact eigenvalues of M/G lie, from M's spectrum model ``base``
        (a :class:`weylgain.manifolds.SpectrumModel`) and the quotient geometry ``geo``."""
        model = type(base)  # the manifold layer's SpectrumModel, without importing it here
        if self.family == "hopf":
            return model("sphere", 3, base.radius, 2)  # even degrees of S^3
        if self.family == "torus_translation" and base.kind == "lattice":
            return model("lattice", geo.quotient_dim, unit=base.unit)
        return base  # SO(k), k <= d: invariants in every degree of the sphere

    # ---------------------------------------------------------------- learning
    def learning_generators(self, D: int, Q: int
                            ) -> tuple[tuple[tuple[np.ndarray, np.ndarray], ...],
                                       tuple[tuple[int, int], ...], int | None,
                                       tuple[int, ...] | None]:
        """Quadrature generators for learning on points of R^D (Q steps per circle).

        Returns
        -------
        gens : tuple of (linear (D, D), translation (D,))
        planes : tuple of (i, j)
            The rotated coordinate planes (empty for translations).
        axis : int or None
        coordinates : tuple of int or None
            The translated coordinates (torus translations).

        Raises
        ------
        GroupError
            SO(D) and hopf: learning supports rotations about an axis and translations.
        """
        fam = self.family
        if fam == "axis_rotation":
            coords = self.coordinates
            if coords is None:
                coords = tuple(i for i in range(D) if i != self.axis)[:2]
            i, j = coords
            return ((_rotation_in_plane(D, i, j, 2 * math.pi / Q), np.zeros(D)),), ((i, j),), \
                self.axis, None
        if fam == "axis_stabilizer":
            others = [i for i in range(D) if i != self.axis]
            planes = tuple((others[k], others[k + 1]) for k in range(len(others) - 1))
            gens = tuple((_rotation_in_plane(D, i, j, 2 * math.pi / Q), np.zeros(D))
                         for i, j in planes)
            return gens, planes, self.axis, None
        if fam == "torus_translation":
            tgens = []
            for c in self.coordinates:
                t = np.zeros(D)
                t[c] = 1.0 / Q
                tgens.append((np.eye(D), t))
            return tuple(tgens), (), None, tuple(self.coordinates)
        raise GroupError(
            f"learning with the continuous group {self.name!r} (family {self.family!r}) is "
            "not supported; use an axis rotation, an axis stabilizer or torus translations"
        )

    def orbit_representative(self, X: np.ndarray, origin: Any) -> np.ndarray:
        """One point of each orbit: the orbit of each row of X mapped to a canonical point.

        Rotations about an axis: the rotated coordinates collapse onto the first one, with
        the norm of the rotated part; translations: the translated coordinates set to
        ``origin`` (the torus domain's origin).

        Raises
        ------
        GroupError
            SO(D) and hopf (as :meth:`learning_generators`).
        """
        X = np.asarray(X, dtype=np.float64)
        Y = np.array(X, dtype=np.float64, copy=True)
        fam = self.family
        if fam == "axis_rotation":
            (i, j), = self.learning_generators(X.shape[1], 1)[1]
            Y[:, i] = np.hypot(X[:, i], X[:, j])
            Y[:, j] = 0.0
            return Y
        if fam == "axis_stabilizer":
            others = [k for k in range(X.shape[1]) if k != self.axis]
            Y[:, others] = 0.0
            Y[:, others[0]] = np.linalg.norm(X[:, others], axis=1)
            return Y
        if fam == "torus_translation":
            Y[:, list(self.coordinates)] = origin
            return Y
        self.learning_generators(X.shape[1], 1)  # raises for the other families
        return Y  # pragma: no cover

    def quotient_dimension_on(self, d: int) -> int:
        """dim(M/G) for a d-dimensional domain M (a sphere S^d, or a torus T^d)."""
        fam = self.family
        if fam == "axis_rotation":
            return d - 1
        if fam == "axis_stabilizer":
            return 1
        if fam == "rotation":  # S^d in R^(d+1), SO(m) moving m coordinates (m = d+1: 0)
            return max(d + 1 - len(self.moved_coordinates()), 0)
        if fam == "hopf":
            return d - 1
        return d - len(self.coordinates)

    def zonal_axis(self, domain_dim: int) -> int | None:
        """The fixed axis when the invariant kernel is zonal about it (the Haar average of
        the stabilizer of an axis, or SO(2) on S^2), else None."""
        if self.axis is not None and (self.family == "axis_stabilizer" or (
                self.family == "axis_rotation" and domain_dim == 2)):
            return int(self.axis)
        return None


def _rotation_in_plane(dim: int, i: int, j: int, angle: float) -> np.ndarray:
    a = np.eye(dim)
    c, s = math.cos(angle), math.sin(angle)
    a[i, i], a[i, j], a[j, i], a[j, j] = c, -s, s, c
    return a


def _sphere_volume(d: int, r: float = 1.0) -> float:
    """Volume of the round S^d of radius r."""
    return 2 * math.pi ** ((d + 1) / 2) / math.gamma((d + 1) / 2) * r ** d


def as_continuous(group: Any, dim: int) -> ContinuousGroup | None:
    """``group`` as a ContinuousGroup: itself, or built from the fields of a record that
    describes a named family (``family``, ``coordinates``, ``axis``, ...; ``dim`` fills a
    missing dimension); None when the family is not one of :data:`CONTINUOUS_FAMILIES`."""
    if isinstance(group, ContinuousGroup):
        return group
    family = getattr(group, "family", None)
    if family not in CONTINUOUS_FAMILIES:
        return None
    coords = getattr(group, "coordinates", None)
    return ContinuousGroup(
        str(getattr(group, "name", "") or ""), family, int(getattr(group, "lie_dimension", 0)),
        int(getattr(group, "dim", dim) or dim), getattr(group, "axis", None),
        None if coords is None else tuple(int(c) for c in coords))


# ====================================================================== as_catalogue
_SPAN_RTOL = 1e-9


def _same_span(A: np.ndarray, B: np.ndarray) -> bool:
    """True when the stacks of matrices A (m, D, D) and B (m', D, D) span the same space."""
    if A.shape[0] != B.shape[0] or A.shape[1:] != B.shape[1:]:
        return False
    rows = np.concatenate([A.reshape(A.shape[0], -1), B.reshape(B.shape[0], -1)])
    rows = rows / np.linalg.norm(rows, axis=1, keepdims=True)
    s = np.linalg.svd(rows, compute_uv=False)
    return int((s > _SPAN_RTOL * s[0]).sum()) == A.shape[0]


def _catalogue_lie(group: Any) -> ContinuousGroup | None:
    A = np.asarray(group.algebra, dtype=np.float64)
    m, D = A.shape[0], A.shape[1]
    if m == 0 or np.asarray(group.generators).shape[0]:
        return None  # finite groups, and finite parts the families do not have
    scale = float(np.abs(A).max())
    fixed = [a for a in range(D) if np.abs(A[:, a, :]).max() <= 1e-9 * scale
             and np.abs(A[:, :, a]).max() <= 1e-9 * scale]
    moved = tuple(c for c in range(D) if c not in fixed)
    desc = group.description
    candidate = None
    if not fixed and m == D * (D - 1) // 2:
        candidate = ContinuousGroup(group.name, "rotation", m, D, description=desc)
    elif D == 3 and m == 1 and len(fixed) == 1:
        candidate = ContinuousGroup(group.name, "axis_rotation", 1, 3, axis=fixed[0],
                                    coordinates=moved, description=desc)
    elif D >= 4 and len(fixed) == 1 and m == (D - 1) * (D - 2) // 2:
        candidate = ContinuousGroup(group.name, "axis_stabilizer", m, D, axis=fixed[0],
                                    description=desc)
    elif D == 4 and m == 1 and not fixed:
        candidate = ContinuousGroup(group.name, "hopf", 1, 4, description=desc)
    if candidate is None or not _same_span(A, candidate.lie_algebra()):
        return None
    return candidate


def _catalogue_torus(group: Any) -> ContinuousGroup | None:
    V = np.asarray(group.directions)
    if len(group.generators) or V.shape[0] == 0:
        return None
    if np.any((V != 0).sum(axis=1) != 1) or np.any(np.abs(V).sum(axis=1) != 1):
        return None  # not unit coordinate directions
    coords = tuple(sorted(int(np.flatnonzero(row)[0]) for row in V))
    return ContinuousGroup(group.name, "torus_translation", len(coords), int(V.shape[1]),
                           coordinates=coords, description=group.description)


def as_catalogue(group: Any) -> ContinuousGroup | None:
    """The catalogue family equal to a group, or None.

    Recognised: a :class:`~weylgain.groups.LieGroup` without a finite part whose Lie algebra
    spans so(D) (SO(D)), the rotations of one coordinate plane of R^3 (SO(2) about a
    coordinate axis), the rotations fixing one coordinate axis of R^D, D >= 4 (SO(D-1)),
    or the Hopf circle of R^4 (in any basis of the span, e.g. a conjugate of SO(3) by a
    rotation); a :class:`~weylgain.groups.TorusGroup` translating unit coordinate
    directions without affine generators (T<k>). A ContinuousGroup is returned unchanged.
    The group keeps its name and description.

    Parameters
    ----------
    group : group object
        Anything with ``action_on`` (a FiniteGroup, or a product action, gives None).

    Returns
    -------
    ContinuousGroup or None

    Raises
    ------
    GroupError
        Not a group object (a spec string: resolve it first with
        :func:`weylgain.groups.named` or :func:`weylgain.groups.resolve`).
    """
    if isinstance(group, ContinuousGroup):
        return group
    from .lie import LieGroup
    from .torus import TorusGroup

    if isinstance(group, LieGroup):
        return _catalogue_lie(group)
    if isinstance(group, TorusGroup):
        return _catalogue_torus(group)
    if not callable(getattr(group, "action_on", None)):
        hint = "; resolve a spec string first with weylgain.groups.named(spec) or " \
            "weylgain.groups.resolve(spec, manifold)" if isinstance(group, str) else ""
        raise GroupDefinitionError(
            f"as_catalogue needs a group object (ContinuousGroup, LieGroup, "
            f"TorusGroup or FiniteGroup); got {type(group).__name__}{hint}")
    return None
