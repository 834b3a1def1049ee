"""The interface every factorization backend implements.

A backend is made for one :class:`~weylgain.backends.pencil.Pencil`: it analyses the pattern
once (ordering, symbolic factorization) and then factors K - sigma M for any number of
shifts, reporting the inertia of each factorization together with whether the library's own
report can be trusted (no perturbed, delayed-and-unstable or null pivot). The counter then
checks every trusted factorization independently (backward error of a solve, distance of the
shift to the nearest eigenvalue) before it believes a count.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from .pencil import Pencil

__all__ = ["Inertia", "Factorization", "Backend"]


@dataclass(frozen=True)
class Inertia:
    """Inertia (n_negative, n_zero, n_positive) of one factorization of K - sigma M.

    Attributes
    ----------
    negative, zero, positive : int
        Pivot signs as the library reports them (-1 each when it reported nothing usable).
    trusted : bool
        Whether the library's inertia is valid: False after perturbed pivots, null pivots,
        off-diagonal pivoting in a route that needs diagonal pivots, or a failed factorization.
    reason : str
        Why it is not trusted ("" when it is).
    """

    negative: int
    zero: int
    positive: int
    trusted: bool
    reason: str = ""

    def to_dict(self) -> dict:
        return asdict(self)


class Factorization(ABC):
    """The factors of K - sigma M at one shift, in the pencil's own numbering."""

    def __init__(self, sigma: float, values: np.ndarray, inertia: Inertia) -> None:
        self.sigma = float(sigma)
        self.values = values  # upper triangle of K - sigma M on the pencil's pattern
        self.inertia = inertia

    @abstractmethod
    def solve(self, b: np.ndarray) -> np.ndarray:
        """x with (K - sigma M) x = b, for b of shape (n,)."""

    def free(self) -> None:
        """Release the factors (they are released when the object is collected, too)."""


class HandleFactorization(Factorization):
    """Factors held by a backend that keeps one numerical factorization per handle (PARDISO,
    MUMPS): a solve after the backend moved on to another shift refactors this one first.

    The backend provides ``_stamp`` (incremented by each numerical factorization),
    ``_numeric(values)`` and ``_solve(values, b)``.
    """

    def __init__(self, sigma: float, values: np.ndarray, inertia: Inertia, backend: Any,
                 stamp: int) -> None:
        super().__init__(sigma, values, inertia)
        self._backend = backend
        self._stamp = stamp

    def solve(self, b: np.ndarray) -> np.ndarray:
        be = self._backend
        if be._stamp != self._stamp:
            be._numeric(self.values)
            self._stamp = be._stamp
        return be._solve(self.values, b)


class Backend(ABC):
    """Factorizations of K - sigma M for one pencil, the symbolic analysis done once.

    Parameters
    ----------
    pencil : Pencil
    """

    #: short name (``backend=`` and ``--backend`` take it)
    name: str = ""
    #: the fill-reducing ordering the analysis used (set by each backend)
    ordering: str = ""
    #: entries of the factors and flops of one factorization as the analysis predicts them
    #: (None where the library does not say)
    factor_nonzeros: int | None = None
    factor_flops: float | None = None

    def __init__(self, pencil: Pencil) -> None:
        self.pencil = pencil

    @classmethod
    @abstractmethod
    def available(cls) -> tuple[bool, str]:
        """(whether the library imports here, why not when it does not)."""

    @abstractmethod
    def factor(self, sigma: float) -> Factorization:
        """Factor K - sigma M. Failures are reported in the inertia, not raised."""

    def close(self) -> None:
        """Release the analysis (and any library handle)."""

    def __enter__(self) -> "Backend":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
