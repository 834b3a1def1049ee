"""The base class of the manifold families and the map tests they share."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

import numpy as np
import sympy as sp

from ..errors import GroupError, SpecError
from ._formulas import LAMBDA, _TOL, to_float, weyl_constant, weyl_law


@dataclass(frozen=True)
class Manifold:
    """Base class of the manifold catalogue (use the subclasses or :func:`parse_manifold`)."""

    @property
    def dim(self) -> int:  # pragma: no cover - abstract
        raise NotImplementedError

    @property
    def ambient_dim(self) -> int:  # pragma: no cover - abstract
        raise NotImplementedError

    @property
    def volume(self) -> sp.Expr:  # pragma: no cover - abstract
        raise NotImplementedError

    @property
    def boundary_volume(self) -> sp.Expr:
        """(d-1)-volume of the boundary (0 for closed manifolds)."""
        return sp.S.Zero

    @property
    def name(self) -> str:  # pragma: no cover - abstract
        raise NotImplementedError

    @property
    def is_closed(self) -> bool:
        return self.boundary_volume == 0

    @property
    def factors(self) -> tuple["Manifold", ...]:
        """The factors of a product; a 1-tuple of itself otherwise."""
        return (self,)

    @property
    def weyl_constant(self) -> sp.Expr:
        return weyl_constant(self.dim, self.volume)

    def weyl_law(self, boundary: str = "neumann", lam: Any = LAMBDA) -> sp.Expr:
        """Two-term Weyl law of the Laplacian on this manifold (boundary condition given)."""
        b = self.boundary_volume
        if boundary not in ("neumann", "dirichlet"):
            raise SpecError(f"boundary must be 'neumann' or 'dirichlet'; got {boundary!r}")
        return weyl_law(self.dim, self.volume, b if boundary == "neumann" else 0,
                        b if boundary == "dirichlet" else 0, lam)

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "dim": self.dim,
            "ambient_dim": self.ambient_dim,
            "volume": str(self.volume),
            "volume_float": to_float(self.volume),
            "boundary_volume": str(self.boundary_volume),
            "boundary_volume_float": to_float(self.boundary_volume),
        }

    def __str__(self) -> str:
        return self.name

    # ---- elementary-factor interface (local coordinates); products override
    def _check_map(self, A: np.ndarray, t: np.ndarray) -> str | None:
        """None if x -> A x + t*period maps the manifold onto itself, else the reason."""
        raise NotImplementedError  # pragma: no cover

    def _wall_volume(self, A: np.ndarray, t: np.ndarray) -> sp.Expr:
        """Volume of the fixed set of the map when it has codimension 1 (else 0)."""
        raise NotImplementedError  # pragma: no cover

    def _cover(self) -> tuple["Manifold", bool]:
        """(covering manifold, whether it is a double cover by -I)."""
        return self, False

    # ---- the protocol: what the package asks of M (each family overrides what applies)
    def check_map(self, A: np.ndarray, t: np.ndarray) -> str | None:
        """None if x -> A x + t*period maps the manifold onto itself, else the reason."""
        return self._check_map(A, t)

    def wall_volume(self, A: np.ndarray, t: np.ndarray) -> sp.Expr:
        """Volume of the fixed set of the map when it has codimension 1 (else 0)."""
        return self._wall_volume(A, t)

    def cover(self) -> tuple["Manifold", bool]:
        """(covering manifold, whether it is a double cover by -I)."""
        return self._cover()

    def antipodal_blocks(self) -> tuple[tuple[int, int], ...]:
        """The (offset, size) coordinate blocks on which -I is the identity of M (RP^d)."""
        return ()

    def torus_lengths(self) -> tuple[sp.Expr, ...] | None:
        """The side lengths when every coordinate is a torus angle, else None."""
        return None

    def sphere_radius(self) -> sp.Expr | None:
        """The radius of a round sphere S^d, else None."""
        return None

    def linear_blocks(self) -> tuple[int, ...] | None:
        """The block sizes an orthogonal group acts on block-diagonally, or None when no
        linear group acts (spheres, RP^d, balls, hemispheres and products of spheres do)."""
        return None

    def halfspace_axis(self) -> int | None:
        """The coordinate a symmetry must fix (the last axis of a hemisphere), else None."""
        return None

    def with_size(self, radius: Any = None, length: Any = None) -> "Manifold":
        """This manifold with another radius (spheres) or side length (tori)."""
        return self

    def spectrum_model(self, step: int = 1) -> "SpectrumModel":
        """Where the exact eigenvalues lie (to put count thresholds in spectral gaps)."""
        return SpectrumModel("generic")

    def mesh_ladders(self, level: int | None, group: Any = None
                     ) -> list[list[Callable[[], Any]]]:
        """Meshes of M by family, each a ladder from coarse to fine (one level if given).

        measure_gain takes the first family the group maps onto itself and the coarsest
        level whose resolution shows enough invariant eigenvalues.

        Raises
        ------
        SpecError
            No mesh of this manifold is available.
        """
        raise SpecError(
            f"measure_gain cannot mesh {self.name}; it measures S1, S2, S3, RP1, RP2, H2, B2, B3, "
            "T1-T3, I, Q2, Q3 (predict_gain answers for the others)"
        )

    def prefers_exact_counts(self) -> bool:
        """True where exact counts replace meshes (no mesh of this manifold here)."""
        return False

    def exact_spectrum(self, lam: float) -> tuple[np.ndarray, np.ndarray] | None:
        """The exact Laplace spectrum up to ``lam``, or None where no closed form is known.

        Returns
        -------
        (eigenvalues, multiplicities) : (ndarray of float64, ndarray of int64) or None
            Distinct eigenvalues <= lam, ascending, with their multiplicities (Neumann
            conditions on a boundary).

        Raises
        ------
        ParameterError
            lam is not a finite number >= 0.
        ResourceError
            The table would not fit in memory (checked before it is built).
        """
        from ._spectra import check_cutoff

        check_cutoff(lam)
        return None

    def harmonic_degrees(self, lam: float) -> tuple[np.ndarray, np.ndarray] | None:
        """The eigenspaces as harmonics of the ambient R^n, where each one is: eigenvalues
        <= lam, one entry per eigenspace, with the degree k such that the eigenspace is the
        harmonics H_k(S^(n-1)) invariant under :meth:`harmonic_symmetry` (as a
        representation of the orthogonal maps commuting with it); None where the
        eigenspaces are not of that form.

        Returns
        -------
        (eigenvalues, degrees) : (ndarray of float64 (m,), ndarray of int64 (m,)) or None
            Spheres: k(k + d - 1)/r^2 with degree k; RP^d the even k; hemispheres every k
            (their symmetry keeps the harmonics even in x_(d+1)); balls one entry per radial
            mode (equal eigenvalues of different degrees appear twice).
        """
        from ._spectra import check_cutoff

        check_cutoff(lam)
        return None

    def harmonic_symmetry(self) -> np.ndarray:
        """The elements (r, n, n) of a finite group R (the identity first) whose invariant
        harmonics are the eigenspaces of :meth:`harmonic_degrees`: the identity alone, or
        for a hemisphere the identity and the mirror of the last axis (Neumann conditions
        keep the harmonics even in it)."""
        return np.eye(self.ambient_dim)[None]

    def eigenspace_traces(self, lam: float, linear: np.ndarray, shift: np.ndarray
                          ) -> tuple[np.ndarray, np.ndarray] | None:
        """The trace of each isometry x -> A x + t (t in periods on torus coordinates) on
        each eigenspace with eigenvalue <= lam: the characters that exact counts on
        products average. None where this family has no such table.

        Parameters
        ----------
        lam : float
            Cut-off (finite, >= 0).
        linear : ndarray of float64, shape (g, n, n)
            Linear parts in the manifold's ambient coordinates (n = ambient_dim).
        shift : ndarray of float64, shape (g, n)
            Translations (fractions of the periods; zero except on tori).

        Returns
        -------
        (eigenvalues, traces) : (ndarray of float64 (m,), ndarray of float64 (m, g)) or None
            Distinct eigenvalues <= lam, ascending; traces[e, i] is the trace of map i on
            eigenspace e (the identity gives the multiplicities).

        Raises
        ------
        GroupError
            A map is not an isometry of the manifold (the message says why).
        """
        linear, shift = _checked_maps(self, linear, shift)
        table = self.harmonic_degrees(lam)
        if table is None:
            return None
        from ._spectra import degree_traces

        return degree_traces(table[0], table[1], linear, self.harmonic_symmetry())

    def rotation_quotient(self, K: tuple[int, ...], gname: str, steps: list[str]
                          ) -> tuple[int, sp.Expr, sp.Expr, sp.Expr | None]:
        """(d_G, vol(M/G), vol(dM/G), orbit volume) for SO(k) rotating local coordinates K;
        the derivation is appended to ``steps``.

        Raises
        ------
        GroupError
            Rotations do not act on this manifold.
        """
        raise GroupError(f"{gname} (rotations) does not act on {self.name}; rotations act on "
                         "spheres, hemispheres (fixing the last axis), RP^d and balls")

    def hopf_quotient(self, gname: str, steps: list[str]) -> tuple[sp.Expr, sp.Expr]:
        """(vol(M/U(1)), orbit volume) of the Hopf action; the derivation goes to ``steps``.

        Raises
        ------
        GroupError
            M is not S^3 or RP^3.
        """
        raise GroupError(f"the Hopf action acts on S^3 (or RP^3) in R^4; not on {self.name}")


@dataclass(frozen=True)
class SpectrumModel:
    """Where the exact eigenvalues of a counted space lie (to put thresholds in gaps).

    kind 'sphere': k(k+dim-1)/r^2 for k = 0, step, 2 step, ... (step 2 when -I acts: RP^d,
    the Hopf quotient S^2(r/2) seen in S^3 degrees); 'lattice': unit * (m . m), m in Z^dim
    (flat tori; boxes with Neumann conditions: unit * sum m_i^2, m_i >= 0); 'generic': none.
    """

    kind: str
    dim: int = 0
    radius: float = 1.0
    step: int = 1
    unit: float = 1.0


def _ladder(make: Callable[[int], Any], levels: list[int], level: int | None
            ) -> list[Callable[[], Any]]:
    """Mesh makers for the given levels (only ``level`` when one is requested)."""
    lv = levels if level is None else [int(level)]
    return [lambda k=k: make(k) for k in lv]


def _fmt(e: sp.Expr) -> str:
    return str(e).replace("**", "^").replace(" ", "")


def _no_translation(t: np.ndarray) -> bool:
    return bool(np.all(np.abs(t - np.round(t)) < _TOL))


def _is_reflection(A: np.ndarray) -> bool:
    D = A.shape[0]
    return bool(np.abs(A - A.T).max() < _TOL and abs(np.trace(A) - (D - 2)) < _TOL) if D else False


def _signed_perm(A: np.ndarray) -> np.ndarray | None:
    """Permutation p with A e_i = +-e_p[i], or None when A is not a signed permutation."""
    R = np.round(A)
    if np.abs(A - R).max() > _TOL or not np.all(np.isin(R, (-1.0, 0.0, 1.0))):
        return None
    if not (np.all(np.abs(R).sum(axis=0) == 1) and np.all(np.abs(R).sum(axis=1) == 1)):
        return None
    return np.argmax(np.abs(R), axis=0)


def _checked_maps(m: Manifold, linear: np.ndarray, shift: np.ndarray
                  ) -> tuple[np.ndarray, np.ndarray]:
    """(g, n, n) linear parts and (g, n) shifts as float64, each map checked to be an
    isometry of m (GroupError naming the reason otherwise)."""
    from ..errors import GroupError

    n = m.ambient_dim
    linear = np.ascontiguousarray(linear, dtype=np.float64).reshape(-1, n, n)
    shift = np.ascontiguousarray(shift, dtype=np.float64).reshape(-1, n)
    if linear.shape[0] != shift.shape[0]:
        raise GroupError(f"{linear.shape[0]} linear parts but {shift.shape[0]} translations")
    for A, t in zip(linear, shift):
        why = m.check_map(A, t)
        if why:
            raise GroupError(f"a group element is not an isometry of {m.name}: {why}")
    return linear, shift
