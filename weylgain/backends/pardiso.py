"""MKL PARDISO, real symmetric indefinite (``mtype=-2``): Bunch–Kaufman LDL^T.

MKL comes from wheels (``pip install pypardiso`` pulls ``mkl``; x86-64 Linux and Windows).
pypardiso is used only to find and load ``libmkl_rt``; the solver is called directly so that
the analysis (phase 11, METIS nested dissection) is done once per pencil and each shift is a
numerical factorization (phase 22) on the same pattern. The inertia is iparm(22)/iparm(23).

The ordering is MKL's OpenMP-parallel METIS nested dissection (``iparm(2) = 3``): measured on
surfaces (164k and 655k-vertex spheres) and tetrahedral boxes (64k, 250k) it gives exactly the
fill (``iparm(18)``) and flops (``iparm(19)``) of the sequential METIS (``iparm(2) = 2``) in
less analysis time. ``ordering="nd"`` asks for the sequential one, ``"amd"`` for minimum
degree (more fill: for comparisons).
PARDISO replaces tiny pivots by perturbed ones (iparm(10)) instead of pivoting across
supernodes; a factorization with perturbed pivots (iparm(14) > 0) is not a congruence of
K - sigma M any more, so its inertia is reported untrusted and the counter recovers.
"""

from __future__ import annotations

import ctypes

import numpy as np

from ..errors import SpecError
from .base import Backend, HandleFactorization, Inertia
from .pencil import Pencil

__all__ = ["PardisoBackend"]

_MTYPE = -2
_c_int = ctypes.c_int32
_p_int = ctypes.POINTER(ctypes.c_int32)
_p_dbl = ctypes.POINTER(ctypes.c_double)

_LIB = None

#: ``ordering=`` names and their ``iparm(2)``; "auto" is the parallel nested dissection
ORDERINGS: dict[str, int] = {"nd-parallel": 3, "nd": 2, "amd": 0}


def _library():
    """MKL's ``pardiso`` symbol, found the way pypardiso finds it (PYPARDISO_MKL_RT first)."""
    global _LIB
    if _LIB is None:
        import pypardiso  # noqa: F401  (finding libmkl_rt is its job)
        from pypardiso.pardiso_wrapper import PyPardisoSolver

        _LIB = PyPardisoSolver(mtype=_MTYPE).libmkl.pardiso
        _LIB.restype = None
        _LIB.argtypes = [ctypes.POINTER(ctypes.c_int64), _p_int, _p_int, _p_int, _p_int,
                         _p_int, ctypes.c_void_p, _p_int, _p_int, _p_int, _p_int, _p_int,
                         _p_int, ctypes.c_void_p, ctypes.c_void_p, _p_int]
    return _LIB



class PardisoBackend(Backend):
    """MKL PARDISO LDL^T (Bunch–Kaufman within supernodes), analysis reused across shifts."""

    name = "pardiso"

    @classmethod
    def available(cls) -> tuple[bool, str]:
        try:
            _library()
        except (ImportError, OSError, AttributeError) as exc:
            return False, f"pypardiso / MKL not loadable ({exc}); pip install 'weylgain[pardiso]'"
        return True, ""

    def __init__(self, pencil: Pencil, ordering: str = "auto") -> None:
        super().__init__(pencil)
        if ordering == "auto":
            ordering = "nd-parallel"
        if ordering not in ORDERINGS:
            raise SpecError(f"unknown PARDISO ordering {ordering!r}; choose one of "
                            f"{', '.join(ORDERINGS)} or 'auto'")
        #: the fill-reducing ordering the analysis used
        self.ordering = ordering
        self._lib = _library()
        self._pt = np.zeros(64, dtype=np.int64)
        iparm = np.zeros(64, dtype=np.int32)
        iparm[0] = 1    # our own settings below
        iparm[1] = ORDERINGS[ordering]  # (parallel) METIS nested dissection
        iparm[7] = 0    # iterative refinement: default (only after perturbed pivots)
        iparm[9] = 8    # perturb pivots below 1e-8 ||A|| (then detected: iparm[13])
        iparm[10] = 0   # no scaling,
        iparm[12] = 0   # no matching (their symmetric variants cost a second analysis)
        iparm[17] = -1  # report nnz(L) (iparm(18))
        iparm[18] = -1  # report the factorization's MFlops (iparm(19))
        iparm[20] = 1   # Bunch-Kaufman 1x1 and 2x2 pivots
        iparm[23] = 0   # classic factorization (reports the inertia)
        iparm[26] = 0   # no matrix checker
        iparm[34] = 1   # zero-based indices: the pencil's arrays are passed as they are
        self._iparm = iparm
        self._indptr = pencil.indptr  # int32, zero-based, as PARDISO reads them
        self._indices = pencil.indices  # int32 already
        self._perm = np.zeros(1, dtype=np.int32)
        self._stamp = 0
        self._open = False
        self._call(11, pencil.m_values)  # symbolic analysis once (pattern only)
        self._open = True
        #: entries of the factor L and the factorization's flops, as the analysis predicts
        self.factor_nonzeros = int(iparm[17])
        self.factor_flops = 1e6 * float(iparm[18])
        from ..resources import check_factorization_memory, pardiso_factor_memory

        try:  # refuse, before the numerical factorization, factors that cannot fit
            self.factor_memory = pardiso_factor_memory(iparm, pencil.n, pencil.nnz)
            check_factorization_memory(self.factor_memory)
        except BaseException:
            self.close()
            raise

    def _call(self, phase: int, values: np.ndarray, b: np.ndarray | None = None,
              x: np.ndarray | None = None) -> int:
        n = self.pencil.n
        err = _c_int(0)
        nrhs = 1
        bb = b if b is not None else np.zeros(1)
        xx = x if x is not None else np.zeros(1)
        self._lib(self._pt.ctypes.data_as(ctypes.POINTER(ctypes.c_int64)),
                  ctypes.byref(_c_int(1)), ctypes.byref(_c_int(1)), ctypes.byref(_c_int(_MTYPE)),
                  ctypes.byref(_c_int(phase)), ctypes.byref(_c_int(n)),
                  values.ctypes.data_as(ctypes.c_void_p),
                  self._indptr.ctypes.data_as(_p_int), self._indices.ctypes.data_as(_p_int),
                  self._perm.ctypes.data_as(_p_int), ctypes.byref(_c_int(nrhs)),
                  self._iparm.ctypes.data_as(_p_int), ctypes.byref(_c_int(0)),
                  bb.ctypes.data_as(ctypes.c_void_p), xx.ctypes.data_as(ctypes.c_void_p),
                  ctypes.byref(err))
        if err.value != 0 and phase == 11:
            raise MemoryError(f"PARDISO analysis failed with error {err.value}") \
                if err.value in (-2, -9) else RuntimeError(f"PARDISO analysis error {err.value}")
        return int(err.value)

    def _numeric(self, values: np.ndarray) -> int:
        self._stamp += 1
        return self._call(22, values)

    def _solve(self, values: np.ndarray, b: np.ndarray) -> np.ndarray:
        # PARDISO reads b and writes x (iparm(6) = 0): the caller's b is passed as it is when
        # it is already a contiguous float64 vector, and x is a new array (callers keep it)
        bb = np.ascontiguousarray(b, dtype=np.float64)
        if bb.shape != (self.pencil.n,):
            raise ValueError(f"right-hand side of shape {bb.shape}; expected ({self.pencil.n},)")
        x = np.empty_like(bb)
        err = self._call(33, values, bb, x)
        if err != 0:
            raise RuntimeError(f"PARDISO solve failed with error {err}")
        return x

    def factor(self, sigma: float) -> HandleFactorization:
        values = self.pencil.values(sigma)
        err = self._numeric(values)
        n = self.pencil.n
        ip = self._iparm
        if err != 0:
            inertia = Inertia(-1, -1, -1, False, f"PARDISO factorization error {err}")
        else:
            pos, neg = int(ip[21]), int(ip[22])
            perturbed = int(ip[13])
            zero = n - pos - neg
            if perturbed:
                inertia = Inertia(neg, zero, pos, False, f"{perturbed} perturbed pivots")
            elif zero:
                inertia = Inertia(neg, zero, pos, False, f"{zero} zero pivots")
            else:
                inertia = Inertia(neg, zero, pos, True)
        return HandleFactorization(sigma, values, inertia, self, self._stamp)

    @property
    def peak_memory_bytes(self) -> int:
        """PARDISO's own report of its peak memory (analysis and factorization), bytes."""
        ip = self._iparm
        return 1024 * int(max(ip[14], ip[15] + ip[16]))

    def close(self) -> None:
        if self._open:
            self._open = False
            self._call(-1, self.pencil.m_values)

    def __del__(self) -> None:  # release MKL's memory with the object
        try:
            self.close()
        except Exception:  # pragma: no cover - interpreter shutdown
            pass

