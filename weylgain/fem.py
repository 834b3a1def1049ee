"""P1 finite-element assembly of the Laplace-Beltrami operator on a :class:`~weylgain.Mesh`.

Element matrices come from the intrinsic geometry of each simplex (the Gram matrix of its
edge vectors), so the same code serves curves, surfaces in R^3, 3-manifolds in R^4 and flat
periodic meshes. The numba kernels live in :mod:`weylgain._kernels.assembly`.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Callable, Union

import numpy as np
import scipy.sparse as sp
from scipy.special import roots_jacobi

from .errors import MeshError, ParameterError
from .mesh import Mesh

# The kernels work from Gram determinants, which lose digits on slivers (relative error about
# eps / q^2 for a simplex of relative volume q); their volumes are compared with the mesh's
# accurate ones and a simplex whose stiffness cannot be trusted to this accuracy is refused.
_KERNEL_VOLUME_TOLERANCE = 1e-6

__all__ = ["laplacian", "simplex_quadrature"]

Density = Union[None, Callable[[np.ndarray], np.ndarray], np.ndarray]


@lru_cache(maxsize=None)
def _quadrature(k: int, degree: int) -> tuple[np.ndarray, np.ndarray]:
    n1 = degree // 2 + 1
    # conical (Stroud) product rule: Gauss-Jacobi in collapsed coordinates. All points are
    # interior and all weights positive, so a density vanishing on the boundary (2 pi sin t
    # at the poles) still gives a positive definite mass matrix.
    P = np.zeros((1, 0))
    W = np.ones(1)
    for j in range(1, k + 1):
        x, w = roots_jacobi(n1, k - j, 0.0)
        t = (1.0 + x) / 2.0
        w = w / 2.0 ** (k - j + 1)
        P = np.hstack([np.repeat(P, n1, axis=0), np.tile(t, P.shape[0])[:, None]])
        W = np.repeat(W, n1) * np.tile(w, W.shape[0])
    # collapsed -> simplex coordinates: x_j = xi_j * prod_{i<j} (1 - xi_i)
    X = np.empty_like(P)
    rest = np.ones(P.shape[0])
    for j in range(k):
        X[:, j] = P[:, j] * rest
        rest = rest * (1.0 - P[:, j])
    bary = np.hstack([rest[:, None], X])
    W = W / W.sum()
    bary.setflags(write=False)
    W.setflags(write=False)
    return np.ascontiguousarray(bary), np.ascontiguousarray(W)


def simplex_quadrature(k: int, degree: int = 4) -> tuple[np.ndarray, np.ndarray]:
    """A positive-weight quadrature rule with interior points on the k-simplex.

    Parameters
    ----------
    k : int
        Simplex dimension (1 to 4).
    degree : int, default 4
        Polynomials up to this degree are integrated exactly.

    Returns
    -------
    bary : ndarray of shape (Q, k + 1)
        Barycentric coordinates of the points.
    weights : ndarray of shape (Q,)
        Positive weights summing to 1 (multiply by the simplex volume).
    """
    if not _is_int(k) or not 1 <= k <= 4:
        raise ParameterError(f"simplex_quadrature needs an integer k from 1 to 4; got {k!r}")
    _check_degree(degree, "degree")
    return _quadrature(int(k), int(degree))


# (degree / 2 + 1)^k points per simplex: 21^4 = 194481 at the cap, already a lot of memory
_MAX_QUADRATURE_DEGREE = 40


def _is_int(x: object) -> bool:
    return isinstance(x, (int, np.integer)) and not isinstance(x, (bool, np.bool_))


def _check_degree(degree: object, name: str) -> None:
    if not _is_int(degree) or not 0 <= degree <= _MAX_QUADRATURE_DEGREE:
        raise ParameterError(
            f"{name} must be an integer from 0 to {_MAX_QUADRATURE_DEGREE}; got {degree!r}"
        )


def _pattern(mesh: Mesh) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    cached = mesh._cache.get("csr_pattern")
    if cached is None:
        from ._kernels.assembly import csr_pattern

        cached = csr_pattern(mesh.simplices, mesh.n_vertices)
        mesh._cache["csr_pattern"] = cached
    return cached


def _density_at_quadrature(mesh: Mesh, density: Density, bary: np.ndarray) -> np.ndarray:
    m = mesh.n_simplices
    Q = bary.shape[0]
    if callable(density):
        v = mesh.vertices
        s = mesh.simplices
        x0 = v[s[:, 0]]
        e = mesh.edge_vectors()  # (m, k, D), minimum image
        pts = x0[:, None, :] + np.einsum("qk,mkd->mqd", bary[:, 1:], e)
        pts = mesh.wrap_points(pts.reshape(m * Q, -1))
        vals = np.asarray(density(pts))
        if vals.dtype.kind not in "iuf":
            raise MeshError(
                f"density(points) must return real numbers; got dtype {vals.dtype}"
            )
        vals = vals.astype(np.float64)
        if vals.shape not in ((m * Q,), (m * Q, 1)):
            raise MeshError(
                f"density(points) must return one value per point, shape ({m * Q},); "
                f"got shape {vals.shape}"
            )
        vals = vals.reshape(m, Q)
    else:
        try:
            arr = np.asarray(density)
        except (TypeError, ValueError):  # ragged nested lists
            arr = np.zeros(0, dtype=object)
        if arr.dtype.kind not in "iuf" or arr.shape != (m,):
            raise MeshError(
                f"density must be a callable or a real array with one value per simplex, "
                f"shape ({m},); got {arr.dtype} array of shape {arr.shape}"
            )
        vals = np.repeat(arr.astype(np.float64)[:, None], Q, axis=1)
    if not np.isfinite(vals).all():
        raise MeshError("density has non-finite values (NaN or inf) inside the mesh")
    if (vals < 0).any():
        raise MeshError("density must be non-negative; it has negative values inside the mesh")
    if not (vals.sum(axis=1) > 0).all():
        e = int(np.flatnonzero(~(vals.sum(axis=1) > 0))[0])
        raise MeshError(
            f"density vanishes on all of simplex {e}: the mass matrix would be singular"
        )
    return np.ascontiguousarray(vals)


def laplacian(
    mesh: Mesh, density: Density = None, lumped: bool = False, quadrature_degree: int = 4
) -> tuple[sp.csr_matrix, sp.csr_matrix]:
    """Assemble the P1 stiffness and mass matrices of the Laplace-Beltrami operator.

    The generalized eigenproblem ``K u = lam M u`` discretizes ``-div(w grad u) = lam w u``
    with natural (Neumann) conditions on any boundary.

    Parameters
    ----------
    mesh : Mesh
        Simplices of intrinsic dimension 1 to 4 in any ambient dimension; flat periodic meshes
        use minimum-image edge vectors.
    density : callable or ndarray of shape (m,), optional
        Weight w of the problem: a function taking points of shape (q, D) and returning
        values of shape (q,), integrated by a positive-weight interior quadrature rule of
        degree ``quadrature_degree``; or one value per simplex. Must be non-negative (it may
        vanish on the boundary, as 2 pi sin(theta) does at the poles of S^2/SO(2)).
    lumped : bool, default False
        Row-sum (diagonal) mass. The default consistent mass, with exact geometry, makes the
        discrete eigenvalues upper bounds of the true ones.
    quadrature_degree : int, default 4
        Degree of the quadrature rule used for a callable density.

    Returns
    -------
    K : csr_matrix of shape (n, n)
        Stiffness, symmetric positive semidefinite.
    M : csr_matrix of shape (n, n)
        Mass, symmetric positive definite (diagonal if ``lumped``).

    Examples
    --------
    >>> from weylgain import meshes, laplacian
    >>> K, M = laplacian(meshes.sphere(3))
    >>> K.shape
    (642, 642)
    """
    if not isinstance(mesh, Mesh):
        raise MeshError(f"laplacian needs a weylgain.Mesh; got {type(mesh).__name__}")
    if not isinstance(lumped, (bool, np.bool_)):
        raise ParameterError(f"lumped must be True or False; got {lumped!r}")
    _check_degree(quadrature_degree, "quadrature_degree")
    if not np.isfinite(mesh.vertices).all():
        raise MeshError("the mesh has non-finite vertex coordinates (built with check=False?)")
    from .resources import check_laplacian_memory

    check_laplacian_memory(mesh.n_vertices, mesh.n_simplices, mesh.dim)
    from ._kernels.assembly import assemble_p1

    indptr, indices, slots = _pattern(mesh)
    k = mesh.dim
    if density is None:
        dq = np.zeros((0, 0))
        bary, qw = _quadrature(k, 0)
    else:
        bary, qw = _quadrature(k, max(int(quadrature_degree), 2))
        dq = _density_at_quadrature(mesh, density, bary)
    # assemble on the mesh scaled by a power of two c (exact) that brings its simplices to
    # size about 1, so that the kernels' squared lengths neither underflow nor overflow; then
    # K scales by c^(2-k) and M by c^-k, exactly again
    true_vols = mesh.simplex_volumes()
    size = float(np.median(mesh._volume_parts()[1]))  # each simplex's largest |edge coordinate|
    exponent = -int(np.frexp(size)[1]) if np.isfinite(size) and size > 0 else 0
    c = np.ldexp(1.0, exponent)
    period = np.zeros(mesh.ambient_dim)
    if mesh.period is not None:
        period = np.where(np.isfinite(mesh.period), mesh.period, 0.0) * c
    kdata, mdata, mdiag, vols = assemble_p1(
        np.ascontiguousarray(mesh.vertices * c), mesh.simplices, period, slots,
        indices.shape[0], dq, bary, qw, bool(lumped),
    )
    expected = np.ldexp(true_vols, k * exponent)
    with np.errstate(invalid="ignore", over="ignore"):
        off = ~(np.abs(vols - expected) <= _KERNEL_VOLUME_TOLERANCE * expected)
        # (a flat simplex cannot pass: its Gram determinant keeps no correct digit)
        off |= ~(expected > 0)
    if off.any():
        e = int(np.flatnonzero(off)[0])
        q = float(mesh.relative_volumes()[e])
        raise MeshError(
            f"simplex {e} = {mesh.simplices[e].tolist()} is too flat for an accurate stiffness "
            f"matrix (volume {q:.2g} times that of a simplex of its longest edge; "
            f"{int(off.sum())} such simplices): its element matrix would be dominated by "
            "rounding. Remove or repair the slivers (collapse their short edges)"
        )
    if exponent:
        kdata = np.ldexp(kdata, (2 - k) * exponent)
        mdata = np.ldexp(mdata, -k * exponent)
        mdiag = np.ldexp(mdiag, -k * exponent)
    if not (np.isfinite(kdata).all() and np.isfinite(mdata).all()
            and np.isfinite(mdiag).all()):
        raise MeshError("the assembled matrices have non-finite entries; rescale the mesh")
    n = mesh.n_vertices
    # copies: the cached pattern must survive whatever the caller does to K and M
    K = sp.csr_matrix((kdata, indices.copy(), indptr.copy()), shape=(n, n))
    if lumped:
        M = sp.csr_matrix(sp.diags(mdiag))
    else:
        M = sp.csr_matrix((mdata, indices.copy(), indptr.copy()), shape=(n, n))
    return K, M
