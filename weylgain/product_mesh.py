"""The tensor-product finite element on a product M_1 x ... x M_k of meshed manifolds.

A :class:`ProductMesh` is the list of its factor meshes; its vertices are the tuples
(v_1, ..., v_k) of factor vertices (numbered in C order: the last factor fastest) and its
cells the products of factor simplices (prisms for a triangle times an edge). The basis
functions are the products phi_1(x_1) ... phi_k(x_k) of the factors' P1 functions, so the
pencil is

    K = sum_i M_1 (x) ... (x) K_i (x) ... (x) M_k,      M = M_1 (x) ... (x) M_k

(Kronecker products of the factors' P1 pencils), and its eigenvalues are exactly the sums
lam_1 + ... + lam_k of the factors' discrete eigenvalues (the eigenvectors are the products
of the factors' eigenvectors). With lumped factor masses, M is the product of the lumped
masses and the eigenvalues are the sums of the factors' lumped-mass eigenvalues.

A group acting factor by factor (each element maps factor i onto some factor j isometrically,
torus factors included) permutes the product vertices by the factors' vertex maps, and the
invariant problem is reduced by vertex orbits as in :mod:`weylgain.quotient`. A continuous
group moving the coordinates of one factor is reduced on that factor (its orbit-space mesh
and density) and tensored with the other factors' pencils. Both reductions live in
:mod:`weylgain.product_quotient` (the layer of quotients, above the groups); this module is
the mesh and its pencil only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np
import scipy.sparse as sp

from .errors import GroupError
from .mesh import Mesh

__all__ = ["ProductMesh", "product_pencil", "product_memory"]

#: Unknowns a continuous quotient aims at when its factors can be remeshed: the orbit space
#: of M is smaller than M, so it is meshed finer than M (more eigenvalues resolved).
QUOTIENT_UNKNOWNS = 20_000

# the factor resolutions (see weylgain.product_ladders)
#: Levels tried on a factor's own ladder (its meaning: subdivisions for spheres and balls,
#: vertices for circles and tori) when matching its mean edge to the product's.
_FACTOR_LEVELS = tuple(range(0, 11)) + (12, 14, 16, 20, 24, 28, 32, 40, 48, 56, 64, 80, 96,
                                        112, 128, 160, 192, 224, 256, 320, 384, 448, 512,
                                        640, 768, 1024, 1536, 2048, 3072, 4096)
#: A factor mesh above this many vertices ends the search (the product would not fit anyway).
_FACTOR_MAX_VERTICES = 400_000
#: Product level k aims at about _BASE_VERTICES * 2^k vertices; default levels tried.
_BASE_VERTICES = 500
_DEFAULT_LEVELS = tuple(range(2, 10))
#: A factor's mean edge may exceed the product's target by this factor (levels are discrete).
_EDGE_SLACK = 1.25

#: bytes per stored nonzero of the product pencil while it is assembled: the k Kronecker
#: terms, their sum and the mass (data 8 + index 4 each), with the COO intermediates of
#: scipy's kron (row, column, data: 24 bytes) for the largest term
_BYTES_PER_NONZERO = 12.0 * 4 + 24.0


def _kron_all(mats: list[sp.spmatrix]) -> sp.csr_matrix:
    out = mats[0]
    for m in mats[1:]:
        out = sp.kron(out, m, format="csr")
    return sp.csr_matrix(out)


def product_memory(pencils_nnz: list[int], n_unknowns: int) -> float:
    """Estimated peak bytes of assembling the Kronecker pencil.

    Parameters
    ----------
    pencils_nnz : list of int
        Nonzeros of each factor's stiffness matrix (the mass has the same pattern).
    n_unknowns : int
        Product of the factor sizes.

    Returns
    -------
    float
        Bytes.
    """
    nnz = float(np.prod([float(v) for v in pencils_nnz]))
    return nnz * _BYTES_PER_NONZERO + 24.0 * float(n_unknowns)


def _check_memory(nnz_factors: list[int], n: int, what: str) -> None:
    from .resources import MemoryEstimate, check_memory

    need = product_memory(nnz_factors, n)
    check_memory(MemoryEstimate(what, need, f"{n:.3g} unknowns, about "
                                f"{float(np.prod([float(v) for v in nnz_factors])):.3g} "
                                "nonzeros"),
                 "choose a coarser level, or a larger group (its quotient is smaller)")


def product_pencil(pencils: list[tuple[sp.spmatrix, sp.spmatrix]], what: str = "the product "
                   "pencil", separated: bool = False) -> tuple[sp.csr_matrix, sp.csr_matrix]:
    """K = sum_i M_1 (x) .. K_i .. (x) M_k and M = M_1 (x) ... (x) M_k.

    Parameters
    ----------
    pencils : list of (K_i, M_i)
        The factors' stiffness and mass, each of shape (n_i, n_i).
    what : str
        The request in words, for the memory refusal.
    separated : bool, default False
        Return the congruent block-diagonal form instead (when the factors other than the
        largest have at most :data:`SEPARATED_MAX` unknowns together): with W the
        M_j-orthonormal eigenvectors of the smaller factors (W^T K_j W = diag(mu),
        W^T M_j W = I), (I (x) W)^T K (I (x) W) is, after reordering, the direct sum of
        K_L + s M_L over the sums s of the smaller factors' eigenvalues (L the largest factor),
        and M becomes the direct sum of copies of M_L. The same eigenvalues and, by
        Sylvester's law, the same inertia at every shift: what eigenvalue counting needs, at
        the cost of the largest factor's factorizations.

    Returns
    -------
    K, M : csr_matrix of shape (prod n_i, prod n_i)

    Raises
    ------
    ResourceError
        The Kronecker products would not fit in memory (checked before they are built).
    """
    n = int(np.prod([int(K.shape[0]) for K, _ in pencils]))
    nnz = [max(int(sp.csr_matrix(K).nnz), int(sp.csr_matrix(M).nnz)) for K, M in pencils]
    sizes = [int(K.shape[0]) for K, _ in pencils]
    big = int(np.argmax(sizes))
    if separated and len(pencils) > 1 and n // sizes[big] <= SEPARATED_MAX:
        # copies of the largest factor's pattern, one per sum of the others' eigenvalues
        _check_memory([nnz[big], n // sizes[big]], n, what)
        return _separated(pencils, big)
    _check_memory(nnz, n, what)
    masses = [sp.csr_matrix(M) for _, M in pencils]
    K = None
    for i, (Ki, _) in enumerate(pencils):
        term = _kron_all(masses[:i] + [sp.csr_matrix(Ki)] + masses[i + 1:])
        K = term if K is None else K + term
    return sp.csr_matrix(K), _kron_all(masses)


#: The smaller factors of a product are diagonalized densely up to this many unknowns.
SEPARATED_MAX = 3000


def _separated(pencils: list[tuple[sp.spmatrix, sp.spmatrix]], big: int
               ) -> tuple[sp.csr_matrix, sp.csr_matrix]:
    """The block-diagonal pencil congruent to the product pencil (see :func:`product_pencil`)."""
    from scipy.linalg import eigh

    shifts = np.zeros(1)
    for j, (Kj, Mj) in enumerate(pencils):
        if j != big:
            mu = eigh(sp.csr_matrix(Kj).toarray(), sp.csr_matrix(Mj).toarray(),
                      eigvals_only=True)
            shifts = np.add.outer(shifts, mu).ravel()
    KL, ML = sp.csr_matrix(pencils[big][0]), sp.csr_matrix(pencils[big][1])
    m = shifts.size
    K = sp.kron(sp.identity(m, format="csr"), KL, format="csr") + \
        sp.kron(sp.diags(shifts), ML, format="csr")
    return sp.csr_matrix(K), sp.kron(sp.identity(m, format="csr"), ML, format="csr")


# ====================================================================== the mesh
@dataclass(frozen=True, eq=False)
class ProductMesh:
    """The product of factor meshes, carrying the tensor-product (Q1-type) element.

    Parameters
    ----------
    factors : tuple of Mesh (or ProductMesh)
        The factor meshes; nested products are flattened.
    name : str, optional
        Default: the factor names joined by ``" x "``.
    remesh : callable (i, h) -> Mesh, optional
        A mesh of factor i of the same family with mean edge about h (set by
        :func:`weylgain.product_ladders.product_ladders`). A continuous quotient uses it to mesh its orbit space
        finer than M itself (about :data:`QUOTIENT_UNKNOWNS` unknowns); without it the
        factor meshes are used as they are.
    """

    factors: tuple
    name: str = ""
    remesh: Callable[[int, float], Mesh] | None = field(default=None, repr=False,
                                                        compare=False)
    _cache: dict = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        flat: list[Mesh] = []
        for f in self.factors:
            if isinstance(f, ProductMesh):
                flat.extend(f.factors)
            elif isinstance(f, Mesh):
                flat.append(f)
            else:
                raise GroupError(f"a product mesh is made of weylgain Meshes; got "
                                 f"{type(f).__name__}")
        if not flat:
            raise GroupError("a product mesh needs at least one factor")
        object.__setattr__(self, "factors", tuple(flat))
        if not self.name:
            object.__setattr__(self, "name", " x ".join(str(f.name or "mesh") for f in flat))

    # ------------------------------------------------------------------ sizes
    @property
    def shape(self) -> tuple[int, ...]:
        """Vertices of each factor."""
        return tuple(int(f.n_vertices) for f in self.factors)

    @property
    def n_vertices(self) -> int:
        return int(np.prod(self.shape))

    @property
    def n_cells(self) -> int:
        """Number of product cells (products of factor simplices)."""
        return int(np.prod([int(f.n_simplices) for f in self.factors]))

    @property
    def dim(self) -> int:
        return sum(int(f.dim) for f in self.factors)

    @property
    def ambient_dim(self) -> int:
        return sum(int(f.ambient_dim) for f in self.factors)

    @property
    def offsets(self) -> list[int]:
        """Start of each factor's coordinates in R^D."""
        off = [0]
        for f in self.factors:
            off.append(off[-1] + int(f.ambient_dim))
        return off

    @property
    def is_periodic(self) -> bool:
        return any(f.is_periodic for f in self.factors)

    @property
    def period(self) -> np.ndarray | None:
        """ndarray of shape (D,): the factors' periods (inf on non-periodic axes), or None."""
        if not self.is_periodic:
            return None
        return np.concatenate([f.period if f.period is not None
                               else np.full(f.ambient_dim, np.inf) for f in self.factors])

    @property
    def volume(self) -> float:
        return float(np.prod([f.volume for f in self.factors]))

    def boundary_volume(self) -> float:
        """vol(d(M_1 x ... x M_k)) = sum_i vol(dM_i) prod_{j != i} vol(M_j)."""
        vols = [f.volume for f in self.factors]
        return float(sum(f.boundary_volume() * np.prod(vols[:i] + vols[i + 1:])
                         for i, f in enumerate(self.factors)))

    @property
    def is_closed(self) -> bool:
        return all(f.is_closed for f in self.factors)

    def edge_lengths(self) -> np.ndarray:
        """Lengths of the edges of the product cells: every edge of factor i times every
        vertex of the other factors (an edge's length repeated that many times).

        Returns
        -------
        ndarray of shape (sum_i E_i prod_{j != i} n_j,)
        """
        n = self.shape
        parts = [np.repeat(f.edge_lengths(), int(np.prod(n[:i] + n[i + 1:])))
                 for i, f in enumerate(self.factors)]
        return np.concatenate(parts)

    def mean_edge_length(self) -> float:
        """float: the mean edge of the product cells (weighted as in :meth:`edge_lengths`)."""
        n = self.shape
        tot = cnt = 0.0
        for i, f in enumerate(self.factors):
            e = f.edge_lengths()
            rest = float(np.prod(n[:i] + n[i + 1:]))
            tot += float(e.sum()) * rest
            cnt += e.size * rest
        return tot / cnt

    def factor_edges(self) -> tuple[float, ...]:
        """The mean edge of each factor mesh."""
        return tuple(float(f.mean_edge_length()) for f in self.factors)

    def __repr__(self) -> str:
        return (f"<ProductMesh {self.name!r}: {self.n_vertices} vertices "
                f"({' x '.join(str(v) for v in self.shape)}), dimension {self.dim} in "
                f"R^{self.ambient_dim}>")

    # ------------------------------------------------------------------ FEM
    def laplacian(self, lumped: bool = False, separated: bool = True
                  ) -> tuple[sp.csr_matrix, sp.csr_matrix]:
        """The tensor-product pencil (K, M) (see the module docstring).

        Parameters
        ----------
        lumped : bool, default False
            Lumped factor masses (then M is diagonal).
        separated : bool, default True
            The congruent block-diagonal form (the smaller factors diagonalized; the same
            eigenvalues and inertia, far cheaper to count: see :func:`product_pencil`);
            False: the nodal matrices.

        Returns
        -------
        K, M : csr_matrix of shape (n_vertices, n_vertices)

        Raises
        ------
        ResourceError
            The pencil would not fit in memory.
        """
        from .fem import laplacian as _laplacian

        key = ("pencil", bool(lumped), bool(separated))
        if key not in self._cache:
            pencils = [_laplacian(f, lumped=lumped) for f in self.factors]
            self._cache[key] = product_pencil(pencils, f"the pencil of {self.name}",
                                              separated=separated)
        return self._cache[key]
