"""The interface shared by the quotients assembled without their mesh.

:class:`weylgain.quotient_direct.SphereQuotient` (S²/G of a polyhedral sphere) and
:class:`weylgain.quotient_torus.TorusQuotient` (T^d/G of a grid torus) stand for
``quotient(mesh, group)`` of a mesh they never build. What they share is here: the refusals
and the matrices of :meth:`~DirectQuotient.laplacian`, :meth:`~DirectQuotient.to_dict`, the
number of unknowns and the repr. Each subclass (a frozen dataclass) supplies the fields
named below and :meth:`~DirectQuotient._matrices`, the assembled pencil.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.sparse as sp

from .errors import ParameterError


class DirectQuotient:
    """Mixin of the direct quotients (finite groups, the mesh never built).

    A subclass has the fields ``group`` (a FiniteGroup), ``mesh_name``, ``n_vertices``,
    ``orbit_points`` (one vertex per orbit, shape (n_orbits, dim)), ``volume``,
    ``effective_order``, ``kernel_order``, ``description`` and ``dimension``, and sets
    ``_SURFACE`` (``"sphere"``, ``"torus"``: the words of the messages) and ``_GENERATOR``
    (the function of :mod:`weylgain.meshes` that builds the full mesh).
    """

    _SURFACE = ""
    _GENERATOR = ""

    # ---------------------------------------------------------------- the unknowns
    @property
    def n_orbits(self) -> int:
        """Number of unknowns of the reduced problem (vertex orbits)."""
        return int(self.orbit_points.shape[0])  # type: ignore[attr-defined]

    # ---------------------------------------------------------------- the pencil
    def laplacian(self, lumped: bool = False, density: Any = None
                  ) -> tuple[sp.csr_matrix, sp.csr_matrix]:
        """Stiffness and mass of the invariant problem, (PᵀKP, PᵀMP).

        Parameters
        ----------
        lumped : bool, default False
            Lumped (diagonal) mass instead of consistent mass.
        density : None
            Not supported on this route (build the mesh and use
            :func:`weylgain.quotient.quotient` for a weighted problem).

        Returns
        -------
        K, M : csr_matrix of shape (n_orbits, n_orbits)
        """
        if not isinstance(lumped, (bool, np.bool_)):
            raise ParameterError(f"lumped must be True or False; got {lumped!r}")
        if density is not None:
            raise ParameterError(
                f"the direct {self._SURFACE} quotient takes no density; build the mesh "
                f"({self._GENERATOR}) and use weylgain.quotient(mesh, group).laplacian("
                "density=...) for a weighted problem")
        return self._matrices(bool(lumped))

    def _matrices(self, lumped: bool) -> tuple[sp.csr_matrix, sp.csr_matrix]:
        """(K, M), new arrays the caller may modify; ``lumped`` already checked."""
        raise TypeError(f"{type(self).__name__} does not assemble its pencil")  # pragma: no cover

    # ---------------------------------------------------------------- reports
    def _extra_dict(self) -> dict[str, Any]:
        """Fields of :meth:`to_dict` particular to the subclass (after ``n_orbits``)."""
        return {}

    def to_dict(self) -> dict[str, Any]:
        """The JSON record: mesh, size, group, route, unknowns, dimension, volume, orders."""
        return {
            "mesh": self.mesh_name,  # type: ignore[attr-defined]
            "n_vertices": int(self.n_vertices),  # type: ignore[attr-defined]
            "group": self.group.to_dict(),  # type: ignore[attr-defined]
            "kind": "finite",
            "route": "direct",
            "n_orbits": self.n_orbits,
            **self._extra_dict(),
            "dimension": int(self.dimension),  # type: ignore[attr-defined]
            "volume": float(self.volume),  # type: ignore[attr-defined]
            "effective_order": int(self.effective_order),  # type: ignore[attr-defined]
            "kernel_order": int(self.kernel_order),  # type: ignore[attr-defined]
            "description": self.description,  # type: ignore[attr-defined]
        }

    def __repr__(self) -> str:
        return (f"<{type(self).__name__} {self.mesh_name}/{self.group.name}: "  # type: ignore[attr-defined]
                f"finite (direct), {self.n_orbits} unknowns, dim {self.dimension}, "  # type: ignore[attr-defined]
                f"volume {self.volume:.6g}>")  # type: ignore[attr-defined]
