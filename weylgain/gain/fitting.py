"""Weyl-law fits of measured counts, shared by the mesh route and the exact-count route."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..errors import FitError


def _fit(lams: np.ndarray, counts: np.ndarray, two_term_free: bool) -> tuple[float, float, Any]:
    """Dimension from a free fit, then the volume at the nearest integer dimension.

    The volume fit always carries the second term C lam^(d/2) + B lam^((d-1)/2): it is the
    Neumann term of reflection walls and boundaries, and otherwise absorbs the constant
    offsets of cone points and singular orbits that bias a one-term fit at moderate counts
    (B then comes out small). The free-dimension fit uses it only with ``two_term_free``.
    """
    from ..spectrum import weyl_fit

    if np.all(counts == counts[0]):  # a point is handled by the caller: this is a bad window
        raise FitError(
            f"the count stays at {counts[0]:g} for every threshold in [{lams[0]:.4g}, "
            f"{lams[-1]:.4g}]: no eigenvalue in the window, so nothing to fit; pass a finer "
            "level=")
    free = None
    if two_term_free:
        try:  # three parameters: keep it only when it is well determined
            free = weyl_fit(lams, counts, boundary=True)
            if not (0 < free.dimension < 20 and free.dimension_err < 0.05 * free.dimension):
                free = None
        except FitError:
            free = None
    if free is None:  # the log-log line (biased by O(lam^-1/2) when there is a boundary)
        free = weyl_fit(lams, counts, boundary=False)
    d_int = max(1, int(round(free.dimension)))
    fixed = weyl_fit(lams, counts, dimension=d_int, boundary=True)
    return free.dimension, free.dimension_err, fixed


def _rel(measured: float, predicted: float) -> float:
    return abs(measured - predicted) / abs(predicted) if predicted else abs(measured)
