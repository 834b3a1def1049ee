"""Exact Laplace spectra below a cut-off: the tables behind ``Manifold.exact_spectrum``.

A table is (eigenvalues, multiplicities): distinct eigenvalues <= lam in ascending order
(float64) and their multiplicities (int64). Products add eigenvalues and multiply
multiplicities (the eigenfunctions of M1 x M2 are products), so a flat torus is the product
of its circles and a box the product of its Neumann intervals.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..errors import CountingError, ParameterError

# multiplicities and counts stay exact in int64 below this
_MAX_MULTIPLICITY = 2 ** 62
# rows of one table; beyond, the exact route is the lattice counters of weylgain.exact
_MAX_ROWS = 20_000_000

Spectrum = tuple[np.ndarray, np.ndarray]


def check_cutoff(lam: Any) -> float:
    """The cut-off lam as a float: a finite real number >= 0."""
    if isinstance(lam, (bool, np.bool_)) or not isinstance(lam, (int, float, np.integer,
                                                                  np.floating)):
        raise ParameterError(f"the cut-off lam must be a real number >= 0; got {lam!r}")
    value = float(lam)
    if not math.isfinite(value) or value < 0:
        raise ParameterError(f"the cut-off lam must be a finite number >= 0; got {lam!r}")
    return value


def _check_rows(rows: float, name: str) -> None:
    """Refuse a table of more rows than the exact tables hold, before it is allocated."""
    from ..errors import ResourceError
    from ..resources import check_memory, exact_table_memory

    if rows > _MAX_ROWS:
        raise ResourceError(
            f"the exact spectrum of {name} below this cut-off has about {rows:.3g} entries "
            f"(more than {_MAX_ROWS:.0e}); choose a smaller cut-off lam")
    check_memory(exact_table_memory(rows, 2, 8, 3, f"the exact spectrum of {name}"),
                 "choose a smaller cut-off lam")


def sphere_spectrum(d: int, radius: float, lam: float, step: int, name: str) -> Spectrum:
    """k(k+d-1)/r^2 for k = 0, step, 2 step, ..., with the dimensions of the harmonics of
    degree k, C(k+d, d) - C(k+d-2, d)."""
    # largest k with k(k+d-1) <= lam r^2
    k_max = int(math.floor((-(d - 1) + math.sqrt((d - 1) ** 2 + 4 * lam * radius ** 2)) / 2))
    _check_rows(k_max / step + 1, name)
    ks = [k for k in range(0, k_max + 1, step) if k * (k + d - 1) / radius ** 2 <= lam]
    mult = []
    for k in ks:
        m = math.comb(k + d, d) - (math.comb(k + d - 2, d) if k >= 2 else 0)
        if m > _MAX_MULTIPLICITY:
            raise CountingError(f"the multiplicity of the degree-{k} eigenvalue of {name} "
                                f"exceeds 2^62; choose a smaller cut-off lam")
        mult.append(m)
    eig = np.array([k * (k + d - 1) / radius ** 2 for k in ks], dtype=np.float64)
    return eig, np.array(mult, dtype=np.int64)


def interval_spectrum(unit: float, lam: float, periodic: bool, name: str) -> Spectrum:
    """unit * m^2 for m >= 0: a circle (periodic: multiplicity 2 for m > 0) or a Neumann
    interval (multiplicity 1)."""
    m_max = int(math.floor(math.sqrt(lam / unit)))
    _check_rows(m_max + 1, name)
    m = np.arange(m_max + 1, dtype=np.float64)
    eig = unit * m ** 2
    keep = eig <= lam
    mult = np.ones(m_max + 1, dtype=np.int64)
    if periodic:
        mult[1:] = 2
    return eig[keep], mult[keep]


def product_spectrum(tables: list[Spectrum], lam: float, name: str) -> Spectrum:
    """The spectrum of a product below lam: sums of eigenvalues, products of multiplicities,
    equal sums (to round-off) merged."""
    eig, mult = tables[0]
    for e2, m2 in tables[1:]:
        _check_rows(float(len(eig)) * float(len(e2)), name)
        if len(mult) and len(m2) and float(mult.max()) * float(m2.max()) > _MAX_MULTIPLICITY:
            raise CountingError(f"a multiplicity of the spectrum of {name} exceeds 2^62; "
                                "choose a smaller cut-off lam")
        sums = eig[:, None] + e2[None, :]
        keep = sums <= lam
        s, p = sums[keep], (mult[:, None] * m2[None, :])[keep]
        order = np.argsort(s, kind="stable")
        s, p = s[order], p[order]
        if not len(s):
            eig, mult = s, p
            continue
        # a new eigenvalue where the sum moves by more than round-off
        new = np.concatenate([[True], np.diff(s) > 1e-9 * np.maximum(1.0, np.abs(s[1:]))])
        starts = np.flatnonzero(new)
        if np.add.reduceat(p.astype(np.float64), starts).max() > _MAX_MULTIPLICITY:
            raise CountingError(f"a multiplicity of the spectrum of {name} exceeds 2^62; "
                                "choose a smaller cut-off lam")
        eig, mult = s[starts], np.add.reduceat(p, starts)
    return eig, mult
