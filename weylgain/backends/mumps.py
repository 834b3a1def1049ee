"""MUMPS, symmetric indefinite (``SYM=2``): multifrontal LDL^T with threshold pivoting.

Through pymumps (``pip install pymumps``, built against the distribution's MUMPS, e.g. Debian's
``libmumps-dev``; it needs mpi4py). The counter runs it on ``MPI.COMM_SELF``, so it works in a
plain process and inside an MPI job alike. The analysis (job 1) is done once per pencil; each
shift is a
numerical factorization (job 2). The inertia is INFOG(12) (negative pivots, the ScaLAPACK root
switched off so that it is complete); null pivots are detected (ICNTL(24), INFOG(28)), and a
factorization with null pivots, static-pivoting replacements (INFOG(25)) or an error is
reported untrusted.

The ordering is chosen from the pencil's pattern (the counter knows no meshes): with at most
:data:`PORD_ROW_NONZEROS` entries a row on average (a triangulated surface has 7, a path 3)
our nested-dissection order is given as ``PERM_IN`` (Debian's MUMPS has no METIS); denser
patterns (tetrahedral meshes: 14-15, four-dimensional ones about 31) take MUMPS' own PORD
(``ICNTL(7) = 4``), which there needs about half the flops and two thirds of the factor
entries of our order (64k-vertex box: 2.95e10 against 6.77e10 flops, 26.7M against 38.0M
entries), while on surfaces its analysis costs several times ours for 16% fewer flops.
"""

from __future__ import annotations

import numpy as np

from ..errors import SpecError
from .base import Backend, HandleFactorization, Inertia
from .pencil import Pencil

__all__ = ["MumpsBackend", "ORDERINGS", "PORD_ROW_NONZEROS", "choose_ordering"]

#: ``ordering=`` names and their ``ICNTL(7)`` ("nd" is our own order, given as ``PERM_IN``)
ORDERINGS: dict[str, int] = {"nd": 1, "pord": 4, "amd": 0, "amf": 2, "qamd": 6}
#: average entries a row (diagonal included) above which "auto" takes PORD: between
#: triangulated surfaces (7) and tetrahedral meshes (14-15)
PORD_ROW_NONZEROS = 10.0


def choose_ordering(pencil: Pencil) -> str:
    """The ordering ``"auto"`` takes for this pencil: "pord" for patterns with more than
    :data:`PORD_ROW_NONZEROS` entries a row on average (volume meshes), else "nd"."""
    row_nonzeros = (2.0 * pencil.nnz - pencil.n) / pencil.n  # full pattern, diagonal once
    return "pord" if row_nonzeros > PORD_ROW_NONZEROS else "nd"



class MumpsBackend(Backend):
    """MUMPS LDL^T (SYM=2) on MPI.COMM_SELF, analysis reused across shifts."""

    name = "mumps"

    @classmethod
    def available(cls) -> tuple[bool, str]:
        try:
            import mumps  # noqa: F401
            from mpi4py import MPI  # noqa: F401
        except ImportError as exc:
            return False, (f"pymumps / mpi4py not importable ({exc}); install Debian's "
                           "libmumps-dev and libopenmpi-dev, then pip install 'weylgain[mumps]'")
        return True, ""

    def __init__(self, pencil: Pencil, ordering: str = "auto") -> None:
        super().__init__(pencil)
        if ordering == "auto":
            ordering = choose_ordering(pencil)
        if ordering not in ORDERINGS:
            raise SpecError(f"unknown MUMPS ordering {ordering!r}; choose one of "
                            f"{', '.join(ORDERINGS)} or 'auto'")
        import mumps
        from mpi4py import MPI

        n = pencil.n
        ctx = mumps.DMumpsContext(par=1, sym=2, comm=MPI.COMM_SELF)
        self._ctx = ctx
        ctx.set_silent()
        self._irn = np.repeat(np.arange(1, n + 1, dtype=np.int32), np.diff(pencil.indptr))
        self._jcn = pencil.indices + np.int32(1)
        ctx.set_shape(n)
        ctx.set_centralized_assembled_rows_cols(self._irn, self._jcn)
        self._values = pencil.m_values  # the pattern's values for the analysis
        ctx.set_centralized_assembled_values(self._values)
        if ordering == "nd":
            from .._kernels.ordering import nested_dissection

            pattern = pencil.symmetric_pattern()
            perm = nested_dissection(pattern.indptr.astype(np.int64),
                                     pattern.indices.astype(np.int64), n, 64)
            del pattern
            self._perm_in = np.empty(n, dtype=np.int32)
            self._perm_in[perm] = np.arange(1, n + 1, dtype=np.int32)
            ctx.id.perm_in = ctx.cast_array(self._perm_in)
        ctx.set_icntl(7, ORDERINGS[ordering])  # the given order, or MUMPS' own
        ctx.set_icntl(13, 1)   # no ScaLAPACK root: INFOG(12) counts every negative pivot
        ctx.set_icntl(24, 1)   # detect null pivots (INFOG(28))
        ctx.set_icntl(14, 40)  # 40% workspace margin for delayed pivots
        self._stamp = 0
        ctx.run(1)
        used = {v: k for k, v in ORDERINGS.items()}.get(int(ctx.get_infog(7)))
        #: the fill-reducing ordering the analysis used (MUMPS' INFOG(7))
        self.ordering = used or f"ICNTL(7)={int(ctx.get_infog(7))}"
        entries = int(ctx.get_infog(20))  # negative: millions
        #: entries of the factors and the factorization's flops, as the analysis predicts
        self.factor_nonzeros = entries if entries >= 0 else -entries * 10**6
        self.factor_flops = float(ctx.get_rinfog(1))
        from ..resources import check_factorization_memory, mumps_factor_memory

        try:  # refuse, before the numerical factorization, factors that cannot fit
            self.factor_memory = mumps_factor_memory(max(ctx.get_infog(16), 0), n, pencil.nnz)
            check_factorization_memory(self.factor_memory)
        except BaseException:
            self.close()
            raise

    def _numeric(self, values: np.ndarray) -> str:
        """Job 2 on these values; '' or the error."""
        self._stamp += 1
        ctx = self._ctx
        self._values = values
        ctx.set_centralized_assembled_values(values)
        for _ in range(3):
            try:
                ctx.run(2)
                return ""
            except RuntimeError as exc:
                if ctx.get_infog(1) in (-8, -9):  # workspace too small: more, and again
                    ctx.set_icntl(14, 2 * ctx.get_icntl(14) + 20)
                    continue
                return f"MUMPS factorization failed ({exc})"
        return "MUMPS factorization failed (workspace)"

    def _solve(self, values: np.ndarray, b: np.ndarray) -> np.ndarray:
        x = np.array(b, dtype=np.float64, order="C")  # MUMPS overwrites its right-hand side
        self._ctx.set_rhs(x)
        self._ctx.run(3)
        return x

    def factor(self, sigma: float) -> HandleFactorization:
        values = self.pencil.values(sigma)
        err = self._numeric(values)
        n = self.pencil.n
        ctx = self._ctx
        if err:
            inertia = Inertia(-1, -1, -1, False, err)
        else:
            neg = int(ctx.get_infog(12))
            null = int(ctx.get_infog(28))
            static = int(ctx.get_infog(25))
            counts = (neg, null, n - neg - null)
            if null:
                inertia = Inertia(*counts, False, f"{null} null pivots")
            elif static:
                inertia = Inertia(*counts, False, f"{static} pivots replaced (static pivoting)")
            else:
                inertia = Inertia(*counts, True)
        return HandleFactorization(sigma, values, inertia, self, self._stamp)

    @property
    def peak_memory_bytes(self) -> int:
        """MUMPS' report of the memory its factorization used (INFOG(22), MB), bytes."""
        return int(self._ctx.get_infog(22)) * 1024 * 1024

    def close(self) -> None:
        if getattr(self, "_ctx", None) is not None:
            self._ctx.destroy()
            self._ctx = None

    def __del__(self) -> None:
        try:
            self.close()
        except Exception:  # pragma: no cover - interpreter shutdown
            pass
