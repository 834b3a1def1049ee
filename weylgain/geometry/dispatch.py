"""quotient_geometry: the group read from its spec, then the route that fits it."""

from __future__ import annotations

from typing import Any

from ..errors import SpecError
from ..manifolds import Manifold, parse_manifold
from ..manifolds._formulas import DEFAULT_MAX_ORDER
from .continuous import _continuous_quotient
from .finite import finite_quotient_geometry
from .result import QuotientGeometry


def resolve_group(spec: Any, manifold: Manifold) -> Any:
    """The group ``spec`` acting on ``manifold``: :func:`weylgain.groups.resolve` (a spec
    string or a group object; on a product of identical factors a group named for one factor
    acts diagonally, ``G@i`` on factor i only, ``Sym(k)`` permutes, ``A x B`` combines)."""
    from ..groups.catalogue import resolve

    return resolve(spec, manifold)


def quotient_geometry(manifold: Manifold | str, group: Any,
                      max_order: int = DEFAULT_MAX_ORDER) -> QuotientGeometry:
    """Derive d_G, vol(M/G) and the reflection boundary of M/G.

    Parameters
    ----------
    manifold : Manifold or str
        A catalogue manifold or a spec for :func:`parse_manifold`.
    group : FiniteGroup, ContinuousGroup, LieGroup, TorusGroup or str
        A group of :mod:`weylgain.groups` or a spec read by :func:`weylgain.groups.resolve`
        (``"SO(3)"`` on ``S2^3`` acts diagonally, ``"SO(3)@1"`` on factor 1 only, ``"SO(3) x
        Sym(3)"``). Lie groups take the coarea code of :mod:`weylgain.geometry.lie`, subtori
        the closed forms of :mod:`weylgain.geometry.torus`.
    max_order : int
        Largest group enumerated (needed for the kernel and the reflections; catalogue
        families S<d>, signs<d>, B<d> acting effectively are never enumerated).

    Raises
    ------
    GroupError
        The group does not act on the manifold (it does not preserve it), or is too large to
        enumerate when enumeration is needed.
    SpecError
        Unknown spec.
    """
    if isinstance(manifold, str):
        manifold = parse_manifold(manifold)
    if not isinstance(manifold, Manifold):
        raise SpecError(f"manifold must be a Manifold or a spec string; got "
                        f"{type(manifold).__name__}")
    group = resolve_group(group, manifold)
    from ..groups.continuous import ContinuousGroup
    from ..groups.finite import FiniteGroup
    from ..groups.lie import LieGroup
    from ..groups.torus import TorusGroup

    if isinstance(group, TorusGroup):  # subtori: closed forms on the lattice
        from .torus import torus_quotient_geometry

        return torus_quotient_geometry(manifold, group)
    if isinstance(group, LieGroup):  # the general coarea code
        from ..errors import ResourceError
        from .lie import linear_quotient_geometry

        try:
            _check_lie_route(manifold, group)
        except ResourceError as exc:
            raise _volume_error(manifold, group, exc) from exc
        # a group of R^n on a sphere of R^D, D > n: the identity on the other coordinates
        return linear_quotient_geometry(manifold, group.acting_on(manifold))
    if isinstance(group, FiniteGroup):
        return finite_quotient_geometry(manifold, group, max_order)
    if isinstance(group, ContinuousGroup):
        return _continuous_quotient(manifold, group)
    raise SpecError(f"group must be a FiniteGroup, ContinuousGroup or spec string; got "
                    f"{type(group).__name__}")


def _volume_error(M: Manifold, group: Any, exc: Exception) -> Exception:
    """A QuotientVolumeError carrying d_G (the generic orbit codimension of the action)."""
    from .result import QuotientVolumeError

    try:
        rank = int(group.action_on(M).generic_orbit_dimension())
    except Exception:  # noqa: BLE001 - d_G unknown: the original refusal stands
        return exc
    return QuotientVolumeError(M.name, getattr(group, "name", str(group)), M.dim, M.dim - rank,
                               str(exc))


# The general coarea code of a Lie-algebra group (weylgain.groups.geometry) costs, on R^D
# with an algebra of m matrices, about m D^2 x 2^20 operations for its Monte Carlo average
# (measured: 20 s for diagonal SO(3) on S2^12, D = 36) and an SVD of an (m D^2) x D(D+1)/2
# matrix for the invariant quadrics (97 GB at D = 300, S2^100): refused beyond this D.
MAX_LIE_ROUTE_DIMENSION = 40


def _check_lie_route(M: Manifold, group: Any) -> None:
    """Refuse, before any matrix is built, a Lie-algebra group whose quotient geometry cannot
    be computed in seconds and in memory (see MAX_LIE_ROUTE_DIMENSION)."""
    from ..errors import ResourceError

    algebra = getattr(group, "algebra", None)
    if algebra is None or getattr(algebra, "ndim", 0) != 3 or algebra.shape[0] == 0:
        return  # tori (lattice code) and finite parts only: no coarea integral
    m, D = int(algebra.shape[0]), int(algebra.shape[1])
    if D > MAX_LIE_ROUTE_DIMENSION:
        ops = m * D * D * 2.0 ** 20
        raise ResourceError(
            f"the quotient geometry of {getattr(group, 'name', 'the group')} on {M.name} works "
            f"in R^{D}: its coarea integral would take about {ops:.2g} operations (minutes to "
            f"hours) and its invariant-quadric SVD {8.0 * m * D ** 2 * D * (D + 1) / 2:.2g} "
            f"bytes; Lie-algebra groups are handled up to R^{MAX_LIE_ROUTE_DIMENSION} (e.g. "
            "SO(3) on S2^13); use fewer factors")
