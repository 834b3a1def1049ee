"""Pictures: counting staircases against Weyl's law, exact invariant counts, predicted gains,
learning curves and quotient meshes coloured by vertex orbit.

matplotlib is imported inside the functions only (``pip install 'weylgain[plot]'``). Every
function draws into the Axes it is given, or into a new figure, and returns the Axes (an
array of Axes for the two-panel pictures). With ``path`` the figure is saved there (the
format from the extension: .png, .svg, .pdf) and, when the function made it, closed: a
figure made to be saved is never registered with pyplot, so scripts and the command line
leave no open figures behind; without ``path`` a new figure comes from pyplot, so that
Jupyter shows it inline.
"""

from __future__ import annotations

import math
import os
from typing import Any, Sequence

import numpy as np

from .errors import MeshError, SpecError

__all__ = [
    "plot_counting_function",
    "plot_counting_functions",
    "plot_exact_counts",
    "plot_gain",
    "plot_learning_curve",
    "plot_quotient_mesh",
    "orbit_colors",
    "orbit_color_indices",
    "PLOT_FORMATS",
]

PLOT_FORMATS = ("png", "svg", "pdf")

_LABELS = {"none": "plain KRR", "average": "group-averaged kernel", "augment": "augmentation",
           "canonical": "canonicalization", "specavg": "Spec-Avg"}

_DPI = 110


def _pyplot() -> Any:
    """matplotlib.pyplot, or a clear error when matplotlib is missing."""
    try:
        import matplotlib.pyplot as plt
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise SpecError("plotting needs matplotlib: pip install 'weylgain[plot]'") from exc
    return plt


def _new_figure(ncols: int, path: Any, figsize: tuple[float, float]) -> tuple[Any, Any]:
    """A figure with ``ncols`` Axes side by side: pyplot's for display, a bare one to save."""
    if path is not None:
        try:
            from matplotlib.figure import Figure
        except ImportError as exc:  # pragma: no cover - depends on the environment
            raise SpecError("plotting needs matplotlib: pip install 'weylgain[plot]'") from exc
        fig = Figure(figsize=figsize, layout="constrained")
        axes = fig.subplots(1, ncols, squeeze=False)[0]
    else:
        fig, axes = _pyplot().subplots(1, ncols, figsize=figsize, squeeze=False,
                                       layout="constrained")
        axes = axes[0]
    return fig, (axes[0] if ncols == 1 else axes)


def _check_path(path: Any, label: str = "path") -> Any:
    """``path`` if a picture can be saved there, checked before anything is drawn.

    A file-like object (with ``write``) is passed through. A file name must end in one of
    :data:`PLOT_FORMATS`, must not be a directory, and its folder must exist and be
    writable; otherwise a :class:`SpecError` says what is wrong (matplotlib's own errors
    would come only after the drawing, and as raw ``OSError``/``ValueError``). ``label``
    names the argument in the messages (``"path"``, or a CLI option such as ``"--plot"``).
    """
    if path is None or hasattr(path, "write"):
        return path
    from ._paths import writable_file

    name = writable_file(path, label, SpecError, example="plot.png")
    ext = os.path.splitext(name)[1].lower().lstrip(".")
    if ext not in PLOT_FORMATS:
        shown = f"'.{ext}'" if ext else "no extension"
        raise SpecError(f"{label} {name!r}: {shown} is not a picture format weylgain writes; "
                        f"use a file name ending in {', '.join('.' + f for f in PLOT_FORMATS)}")
    return path


def _save(fig: Any, path: Any, made_here: bool) -> None:
    if path is None:
        return
    try:
        fig.savefig(path, dpi=_DPI)
    except OSError as exc:  # the folder went away, or was never writable (checked before)
        raise SpecError(f"cannot save the picture to {path!r}: {exc.strerror or exc}") from None
    if made_here:
        import matplotlib.pyplot as plt

        if plt.fignum_exists(getattr(fig, "number", -1)):
            plt.close(fig)


def _need(obj: Any, attributes: tuple[str, ...], what: str, expected: str) -> None:
    """A clear SpecError when ``obj`` is not the result object a picture is drawn from."""
    missing = [a for a in attributes if not hasattr(obj, a)]
    if missing:
        raise SpecError(f"{what} draws {expected}; got {type(obj).__name__} (no "
                        f"{', '.join(missing)})")


def _check_ax(ax: Any, what: str) -> None:
    """A matplotlib Axes (anything that draws like one), or a clear SpecError."""
    if not all(callable(getattr(ax, name, None)) for name in ("plot", "step", "set_xlabel")):
        raise SpecError(f"{what} draws into matplotlib Axes; got {type(ax).__name__}")


def _check_axes(axes: Any, n: int, what: str) -> list:
    axes = list(np.ravel(np.asarray(axes, dtype=object)))
    if len(axes) != n:
        raise SpecError(f"{what} draws {n} panels; pass {n} Axes (got {len(axes)})")
    for ax in axes:
        _check_ax(ax, what)
    return axes


# -- counting functions -------------------------------------------------------------------

def plot_counting_function(lams: Any, counts: Any, dimension: float, volume: float,
                           boundary_volume: float = 0.0, *, ax: Any = None,
                           path: Any = None, title: str | None = None,
                           label: str = "N(λ), P1 FEM") -> Any:
    """The counting staircase N(λ) with the one- and two-term Weyl curves.

    Parameters
    ----------
    lams : array_like of shape (p,)
        Thresholds the counts were taken at, in any order (the eigenvalues themselves give
        the exact staircase, with counts 1, 2, ...).
    counts : array_like of shape (p,)
        N(λ) at each threshold.
    dimension, volume : float
        d and vol of Weyl's law N(λ) ≈ ω_d vol λ^(d/2) / (2π)^d. Dimension 0 (a point
        quotient, N ≡ 1) draws no Weyl curve.
    boundary_volume : float, default 0
        vol(∂M) for the two-term curve (Neumann sign); drawn only when non-zero.
    ax : matplotlib Axes, optional
        Drawn into; a new figure otherwise.
    path : str or path-like, optional
        Save the figure there.
    title, label : str, optional
        Axes title and the staircase's legend entry.

    Returns
    -------
    matplotlib Axes
        Its lines, in order: the staircase (``label``; data: the sorted thresholds and their
        counts, drawn as steps held until the next threshold), the one-term Weyl curve
        (label "Weyl") and, with a boundary, the two-term curve ("two-term Weyl").
    """
    path = _check_path(path)
    from . import weyl_count

    try:
        lam = np.asarray(lams, dtype=np.float64).ravel()
        cnt = np.asarray(counts, dtype=np.float64).ravel()
        dimension, volume = float(dimension), float(volume)
        boundary_volume = float(boundary_volume)
    except (TypeError, ValueError) as exc:
        raise SpecError(f"lams, counts, dimension, volume and boundary_volume must be real "
                        f"numbers (lams and counts of one length): {exc}") from None
    if lam.size == 0 or lam.shape != cnt.shape:
        raise SpecError(f"lams and counts must be non-empty and of one length; got "
                        f"{lam.size} and {cnt.size}")
    if not (np.isfinite(lam).all() and np.isfinite(cnt).all()):
        raise SpecError("lams and counts must be finite")
    if not (math.isfinite(dimension) and dimension >= 0):
        raise SpecError(f"dimension must be a finite number >= 0; got {dimension}")
    made_here = ax is None
    if made_here:
        fig, ax = _new_figure(1, path, (6.0, 4.2))
    else:
        _check_ax(ax, "plot_counting_function")
    order = np.argsort(lam, kind="stable")
    lam, cnt = lam[order], cnt[order]
    ax.step(lam, cnt, where="post", color="C0", lw=1.6, label=label)
    ax.plot(lam, cnt, "o", color="C0", ms=2.5, label="_nolegend_")
    top = float(lam[-1]) if lam[-1] > 0 else 1.0
    if float(dimension) > 0:
        grid = np.linspace(0.0, top, 400)
        ax.plot(grid, weyl_count(grid, dimension, volume), "--", color="C1", lw=1.2,
                label="Weyl")
        if boundary_volume:
            ax.plot(grid, weyl_count(grid, dimension, volume, boundary_volume), ":",
                    color="C2", lw=1.4, label="two-term Weyl")
    ax.set_xlim(0.0, top * 1.02)
    ax.set_ylim(bottom=0.0)
    ax.set_xlabel("λ")
    ax.set_ylabel("N(λ)  (eigenvalues ≤ λ)")
    if title:
        ax.set_title(title, fontsize=9)
    ax.legend(fontsize=8, loc="upper left")
    ax.grid(alpha=0.3)
    if made_here:
        _save(ax.figure, path, True)
    return ax


def plot_counting_functions(panels: Sequence[dict], *, axes: Any = None,
                            path: Any = None) -> Any:
    """Several counting staircases side by side (e.g. the full mesh and its quotient).

    Parameters
    ----------
    panels : sequence of dict
        Keyword arguments of :func:`plot_counting_function` for each panel (``lams,
        counts, dimension, volume`` and optionally ``boundary_volume, title, label``).
    axes : sequence of matplotlib Axes, optional
        One per panel; a new figure otherwise.
    path : str or path-like, optional
        Save the figure there.

    Returns
    -------
    ndarray of matplotlib Axes, shape (len(panels),)
    """
    path = _check_path(path)
    if isinstance(panels, (str, bytes, dict)) or not hasattr(panels, "__iter__"):
        raise SpecError(f"panels must be a sequence of dicts; got {type(panels).__name__}")
    panels = list(panels)
    if not panels:
        raise SpecError("plot_counting_functions needs at least one panel")
    allowed = {"lams", "counts", "dimension", "volume", "boundary_volume", "title", "label"}
    for i, panel in enumerate(panels):
        if not isinstance(panel, dict):
            raise SpecError(f"panel {i} must be a dict of plot_counting_function arguments; "
                            f"got {type(panel).__name__}")
        missing = {"lams", "counts", "dimension", "volume"} - set(panel)
        unknown = set(panel) - allowed
        if missing or unknown:
            raise SpecError(f"panel {i}: " + "; ".join(
                ([f"missing {sorted(missing)}"] if missing else [])
                + ([f"unknown keys {sorted(unknown)}"] if unknown else [])))
    made_here = axes is None
    if made_here:
        fig, axes = _new_figure(len(panels), path, (5.2 * len(panels), 4.2))
    axes = _check_axes(axes, len(panels), "plot_counting_functions")
    for panel, ax in zip(panels, axes):
        plot_counting_function(ax=ax, **panel)
    if made_here:
        _save(axes[0].figure, path, True)
    return np.asarray(axes, dtype=object)


# -- exact invariant counts ---------------------------------------------------------------

def plot_exact_counts(result: Any, *, axes: Any = None, path: Any = None) -> Any:
    """Exact invariant counts: per eigenvalue (left) and cumulative against Weyl (right).

    Parameters
    ----------
    result : weylgain.exact.ExactCounts
        From :func:`weylgain.exact_counts`: the eigenvalues of M up to ``result.lam``, the
        dimension of the invariant part of each eigenspace, and the Weyl prediction.
    axes : pair of matplotlib Axes, optional
        A new figure otherwise.
    path : str or path-like, optional
        Save the figure there.

    Returns
    -------
    ndarray of matplotlib Axes, shape (2,)
        Left: invariant multiplicity per eigenvalue (line "invariant", markers at (λ_k,
        m_k)) and, for a finite group, the full multiplicity divided by the group order
        (line "multiplicity / ``|G|``", the average share). Right: the cumulative count N_G(λ)
        (steps "N_G(λ)") and the Weyl prediction ("Weyl").
    """
    path = _check_path(path)
    _need(result, ("eigenvalues", "multiplicities", "full_multiplicities", "manifold",
                   "group_name"), "plot_exact_counts",
          "an ExactCounts (from weylgain.exact_counts)")
    eig = np.asarray(result.eigenvalues, dtype=np.float64)
    mult = np.asarray(result.multiplicities, dtype=np.float64)
    full = np.asarray(result.full_multiplicities, dtype=np.float64)
    made_here = axes is None
    if made_here:
        fig, axes = _new_figure(2, path, (10.4, 4.2))
    left, right = _check_axes(axes, 2, "plot_exact_counts")
    name = f"{result.manifold} / {result.group_name}"

    left.vlines(eig, 0.0, mult, color="C0", lw=1.0)
    left.plot(eig, mult, "o", color="C0", ms=3, label="invariant")
    order = result.group_order
    if order:
        left.plot(eig, full / float(order), "_", color="C3", ms=7, mew=1.2,
                  label=f"multiplicity / |G|  (|G| = {order:,})")
    left.set_xlabel("eigenvalue λ of M")
    left.set_ylabel("invariant eigenfunctions")
    left.set_title(f"{name}: invariant part of each eigenspace", fontsize=9)
    left.set_ylim(bottom=0.0)
    left.legend(fontsize=8, loc="upper left")
    left.grid(alpha=0.3)

    top = float(result.lam) if result.lam > 0 else (float(eig[-1]) if eig.size else 1.0)
    stair_x = np.concatenate([[0.0], eig, [top]]) if eig.size else np.array([0.0, top])
    cum = np.cumsum(mult)
    stair_y = np.concatenate([[0.0], cum, [cum[-1]]]) if eig.size else np.array([0.0, 0.0])
    right.step(stair_x, stair_y, where="post", color="C0", lw=1.6, label="N_G(λ)")
    if result.quotient_volume is not None and result.quotient_dimension > 0:
        grid = np.linspace(0.0, top, 400)
        weyl = np.array([result.weyl_at(x) for x in grid], dtype=np.float64)
        right.plot(grid, weyl, "--", color="C1", lw=1.2, label="Weyl")
    right.set_xlim(0.0, top * 1.02)
    right.set_ylim(bottom=0.0)
    right.set_xlabel("λ")
    right.set_ylabel("N_G(λ)  (invariant eigenvalues ≤ λ)")
    right.set_title(f"{name}: cumulative count against Weyl's law", fontsize=9)
    right.legend(fontsize=8, loc="upper left")
    right.grid(alpha=0.3)
    if made_here:
        _save(left.figure, path, True)
    return np.asarray([left, right], dtype=object)


# -- predicted gain -----------------------------------------------------------------------

def _gain_curves(report: Any, n: np.ndarray, eps: np.ndarray
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Leading-order risks at ``n`` (plain, invariant) and the sample ratio at ``eps``."""
    s2 = report.sigma ** 2
    risk = (s2 * report.vol_M / n) ** report.risk_exponent
    risk_inv = (s2 * report.vol_quotient / n) ** report.risk_exponent_invariant
    # n_plain(eps) / n_inv(eps) = (vol M / vol M/G) eps^(-(d - d_G) / (2 s))
    ratio = report.volume_ratio * eps ** (-(report.d - report.d_G) / (2.0 * report.s))
    return risk, risk_inv, ratio


def plot_gain(report: Any, *, n_range: tuple[float, float] = (10.0, 1e6),
              eps_range: tuple[float, float] | None = None, axes: Any = None,
              path: Any = None) -> Any:
    """Predicted excess risk against n, plain and invariant, and the sample ratio against ε.

    Parameters
    ----------
    report : weylgain.gain.GainReport
        From :func:`weylgain.predict_gain`.
    n_range : (float, float), default (10, 1e6)
        Sample sizes of the left panel.
    eps_range : (float, float), optional
        Target risks of the right panel; by default the invariant risks the left panel
        spans.
    axes : pair of matplotlib Axes, optional
        A new figure otherwise.
    path : str or path-like, optional
        Save the figure there.

    Returns
    -------
    ndarray of matplotlib Axes, shape (2,)
        Left (log-log): the leading-order risks (σ² vol(M)/n)^(s/(s+d/2)) ("plain") and
        (σ² vol(M/G)/n)^(s/(s+d_G/2)) ("invariant"). Right (log-log): the ratio of samples
        n_plain(ε)/n_invariant(ε) = (vol M/vol M/G) ε^(-(d-d_G)/(2s)) ("sample ratio"),
        flat at the group order for a linear gain. ``report.n`` and ``report.eps`` are marked.
    """
    path = _check_path(path)
    _need(report, ("sigma", "vol_M", "vol_quotient", "risk_exponent", "d", "d_G", "s"),
          "plot_gain", "a GainReport (from weylgain.predict_gain)")
    try:
        lo, hi = (float(x) for x in n_range)
    except (TypeError, ValueError):
        raise SpecError(f"n_range must be two numbers 0 < low < high; got {n_range!r}") from None
    if not (0 < lo < hi and math.isfinite(hi)):
        raise SpecError(f"n_range must be 0 < low < high; got {n_range}")
    n = np.geomspace(lo, hi, 200)
    made_here = axes is None
    if made_here:
        fig, axes = _new_figure(2, path, (10.4, 4.2))
    left, right = _check_axes(axes, 2, "plot_gain")
    risk, risk_inv, _ = _gain_curves(report, n, np.ones(1))
    if eps_range is None:
        eps_lo, eps_hi = float(risk_inv.min()), float(risk_inv.max())
        if not eps_lo < eps_hi:  # a flat invariant risk (d_G = 0 learns parametrically)
            eps_lo, eps_hi = float(risk.min()), float(risk.max())
    else:
        try:
            eps_lo, eps_hi = (float(x) for x in eps_range)
        except (TypeError, ValueError):
            raise SpecError(f"eps_range must be two numbers 0 < low < high; got {eps_range!r}"
                            ) from None
    if not (0 < eps_lo < eps_hi):
        raise SpecError(f"eps_range must be 0 < low < high; got {(eps_lo, eps_hi)}")
    eps = np.geomspace(eps_lo, eps_hi, 200)
    _, _, ratio = _gain_curves(report, n, eps)

    name = f"{report.manifold} / {report.group}"
    left.loglog(n, risk, color="C0", lw=1.6,
                label=f"plain: n^-{report.risk_exponent:.3g}")
    left.loglog(n, risk_inv, color="C1", lw=1.6,
                label=f"invariant: n^-{report.risk_exponent_invariant:.3g}")
    if report.n is not None and report.risk_at_n is not None:
        left.plot([report.n, report.n], [report.risk_invariant_at_n, report.risk_at_n], "o",
                  color="k", ms=4, label=f"n = {report.n:g}")
    left.set_xlabel("n (samples)")
    left.set_ylabel("predicted excess risk (leading order)")
    left.set_title(f"{name}: risk, s = {report.s:g}, σ = {report.sigma:g}", fontsize=9)
    left.legend(fontsize=8)
    left.grid(alpha=0.3, which="both")

    label = (f"linear gain: ×{report.linear_factor:,}" if report.kind == "linear"
             else "sample ratio")
    right.loglog(eps, ratio, color="C2", lw=1.6, label=label)
    if report.eps is not None and report.sample_ratio_at_eps is not None:
        right.plot([report.eps], [report.sample_ratio_at_eps], "o", color="k", ms=4,
                   label=f"ε = {report.eps:g}: ×{report.sample_ratio_at_eps:.4g}")
    right.set_xlabel("target excess risk ε")
    right.set_ylabel("samples saved  n_plain(ε) / n_invariant(ε)")
    right.set_title(f"{name}: {report.kind} gain", fontsize=9)
    from matplotlib.ticker import FuncFormatter, NullFormatter

    right.yaxis.set_major_formatter(FuncFormatter(lambda y, _: f"{y:g}"))
    right.yaxis.set_minor_formatter(NullFormatter())
    if report.d == report.d_G:  # a flat line: keep the axis around it readable
        right.set_ylim(report.volume_ratio / 3.0, report.volume_ratio * 3.0)
    right.invert_xaxis()  # smaller risk to the right: the direction of more data
    right.legend(fontsize=8)
    right.grid(alpha=0.3, which="both")
    if made_here:
        _save(left.figure, path, True)
    return np.asarray([left, right], dtype=object)


# -- learning curves ----------------------------------------------------------------------

def plot_learning_curve(curve: Any, ax: Any = None, path: str | None = None,
                        show_fit: bool = True) -> Any:
    """Excess risk against n (log-log), one line per method, with the per-seed spread.

    Parameters
    ----------
    curve : weylgain.learning.LearningCurve
    ax : matplotlib Axes, optional
        Drawn into; a new figure otherwise.
    path : str, optional
        Save the figure there (PNG etc.).
    show_fit : bool, default True
        Add the fitted power laws (dashed) with their exponents in the legend.

    Returns
    -------
    matplotlib Axes
    """
    path = _check_path(path)
    _need(curve, ("n_values", "methods", "risks", "exponents", "mean_risk"),
          "plot_learning_curve", "a LearningCurve (from weylgain.learning_curve)")
    made_here = ax is None
    if made_here:
        fig, ax = _new_figure(1, path, (6.0, 4.2))
    n = np.asarray(curve.n_values, dtype=float)
    for i, m in enumerate(curve.methods):
        r = curve.risks[i]
        mean = curve.mean_risk(m)
        line, = ax.loglog(n, mean, "o-", label=f"{_LABELS.get(m, m)}  "
                          f"(rate {curve.exponents[i]:.2f})")
        ax.fill_between(n, r.min(axis=0), r.max(axis=0), color=line.get_color(), alpha=0.15)
        if show_fit:
            c = np.polyfit(np.log(n), np.log(mean), 1)
            ax.loglog(n, np.exp(np.polyval(c, np.log(n))), "--", color=line.get_color(),
                      lw=0.8)
    title = f"{curve.domain} / {curve.group}"
    if curve.fitted_gain:
        g = ", ".join(f"{_LABELS.get(k, k)}: x{v:.2f}" for k, v in curve.fitted_gain.items())
        order = curve.predicted_gain.get("order")
        title += f"\nsamples saved {g}" + (f" (|G| = {order})" if order else "")
    ax.set_title(title, fontsize=9)
    from matplotlib.ticker import NullFormatter

    ax.xaxis.set_minor_formatter(NullFormatter())
    ax.set_xlabel("n (samples)")
    ax.set_ylabel("excess risk")
    ax.legend(fontsize=8)
    if path is not None:
        _save(ax.figure, path, made_here)
    return ax


# -- quotient meshes ----------------------------------------------------------------------

def _orbit_graph_coloring(mesh: Any, labels: np.ndarray, n_orbits: int) -> np.ndarray:
    """Greedy colouring of the orbit adjacency graph: adjacent orbits get different colours.

    Two orbits are adjacent when an edge of the mesh joins a vertex of one to a vertex of
    the other. Orbits are coloured in order of decreasing degree (Welsh-Powell).
    """
    edges = np.asarray(mesh.edges(), dtype=np.int64)
    a, b = labels[edges[:, 0]], labels[edges[:, 1]]
    keep = a != b
    pairs = np.unique(np.sort(np.stack([a[keep], b[keep]], axis=1), axis=1), axis=0)
    neighbours: list[list[int]] = [[] for _ in range(n_orbits)]
    for u, v in pairs:
        neighbours[u].append(int(v))
        neighbours[v].append(int(u))
    color = np.full(n_orbits, -1, dtype=np.int64)
    for u in sorted(range(n_orbits), key=lambda k: -len(neighbours[k])):
        used = {color[v] for v in neighbours[u]}
        c = 0
        while c in used:
            c += 1
        color[u] = c
    return color


def _orbit_palette(n_colors: int) -> np.ndarray:
    """RGBA rows: a qualitative palette of 20 colours, evenly spaced hues when more are needed."""
    from matplotlib import colormaps

    if n_colors <= 20:
        order = [0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 1, 3, 5, 7, 9, 11, 13, 15, 17, 19]
        return colormaps["tab20"](np.arange(20))[order][:max(1, n_colors)]
    return colormaps["hsv"](np.linspace(0.0, 1.0, n_colors, endpoint=False))


def orbit_color_indices(mesh: Any, labels: Any) -> np.ndarray:
    """A colour index per vertex: one per orbit, different for adjacent orbits.

    Parameters
    ----------
    mesh : weylgain.Mesh
        Gives the edges that make two orbits adjacent.
    labels : array_like of int, shape (n_vertices,)
        Orbit of each vertex (``Quotient.orbits``), numbered 0 .. n_orbits - 1.

    Returns
    -------
    ndarray of shape (n_vertices,), int64
        Equal on an orbit; a greedy colouring of the orbit adjacency graph, so orbits
        joined by an edge never share an index. Indices run over 0 .. k - 1 with k small
        (at most one more than the largest number of neighbours of an orbit).
    """
    from .mesh import Mesh

    if not isinstance(mesh, Mesh):
        raise MeshError(f"orbit colours need a weylgain.Mesh; got {type(mesh).__name__}")
    try:
        raw = np.asarray(labels)
        ok = raw.dtype.kind in "iu" or (raw.dtype.kind in "fb" and raw.size
                                        and np.isfinite(raw).all() and (raw == np.round(raw)).all())
        labels = raw.astype(np.int64) if ok or raw.size == 0 else None
    except (TypeError, ValueError):
        labels = None
    if labels is None:
        raise MeshError("labels must be integer orbit labels, one per vertex")
    if labels.shape != (mesh.n_vertices,):
        raise MeshError(f"labels must have one entry per vertex ({mesh.n_vertices}); got "
                        f"shape {labels.shape}")
    if labels.size and labels.min() < 0:
        raise MeshError("orbit labels must be non-negative")
    n_orbits = int(labels.max()) + 1 if labels.size else 0
    return _orbit_graph_coloring(mesh, labels, n_orbits)[labels]


def orbit_colors(mesh: Any, labels: Any) -> np.ndarray:
    """An RGBA colour per vertex: :func:`orbit_color_indices` through the orbit palette.

    Returns
    -------
    ndarray of shape (n_vertices, 4), float64
        Equal rows on an orbit, different rows for orbits joined by an edge.
    """
    index = orbit_color_indices(mesh, labels)
    return _orbit_palette(int(index.max()) + 1 if index.size else 1)[index]


def _domain_mask(mesh: Any, labels: np.ndarray) -> np.ndarray:
    """Vertices of one fundamental domain: the closest vertex of each orbit to a generic point.

    x lies in the Dirichlet domain {x : |x - p| <= |g x - p| for all g} of a point p with
    trivial stabiliser exactly when it is the closest point of its orbit to p, so the domain
    is read off the orbits alone, without the group's elements.
    """
    v = np.asarray(mesh.vertices, dtype=np.float64)
    D = v.shape[1]
    # a point off every mirror of the catalogue groups: the vertex nearest to an irrational
    # direction from the centre, nudged off it (the stabiliser of p must be trivial)
    generic = np.array([0.9123, 0.3779, 0.1571, 0.0713, 0.0331, 0.0157])[:D]
    generic = np.pad(generic, (0, D - generic.size))
    centre, scale = v.mean(axis=0), np.ptp(v, axis=0) + 1e-12
    p = v[np.argmin(np.linalg.norm(v - (centre + generic * scale), axis=1))]
    p = p + 1e-3 * scale * np.roll(generic, 1)
    dist = np.linalg.norm(mesh.wrap_difference(v - p), axis=1)
    best = np.full(int(labels.max()) + 1, np.inf)
    np.minimum.at(best, labels, dist)
    return dist <= best[labels] * (1 + 1e-12)


def _vertex_cells(v: np.ndarray, tri: np.ndarray, colors: np.ndarray
                  ) -> tuple[np.ndarray, np.ndarray]:
    """Split each triangle into the three quadrilaterals nearest its vertices.

    The quadrilateral of vertex a in triangle (a, b, c) joins a, the midpoint of ab, the
    centroid and the midpoint of ac; coloured like a, the pieces tile the surface into
    vertex cells, so every orbit shows as crisp patches (no blended colours).

    Returns
    -------
    cells : ndarray of shape (3 * n_triangles, 4, D)
    cell_colors : ndarray of shape (3 * n_triangles, 4)
    """
    P = v[tri]  # (t, 3, D)
    g = P.mean(axis=1)
    cells = []
    for i in range(3):
        a, b, c = P[:, i], P[:, (i + 1) % 3], P[:, (i + 2) % 3]
        cells.append(np.stack([a, (a + b) / 2, g, (a + c) / 2], axis=1))
    cell_colors = np.concatenate([colors[tri[:, i]] for i in range(3)])
    return np.concatenate(cells), cell_colors


def plot_quotient_mesh(mesh: Any, group: Any = None, *, color_by: str = "orbit",
                       ax: Any = None, path: Any = None, title: str | None = None) -> Any:
    """A mesh coloured by vertex orbit of a finite group: what M/G looks like.

    Parameters
    ----------
    mesh : weylgain.Mesh or weylgain.Quotient
        A surface in 3-D, a planar mesh or a curve; or a finite quotient (its mesh and
        orbits are used, ``group`` is then not needed).
    group : weylgain.FiniteGroup or str, optional
        The group (or a spec for :func:`weylgain.groups.named`) when ``mesh`` is a Mesh.
    color_by : {"orbit", "domain"}, default "orbit"
        "orbit": every vertex in its orbit's colour (the pattern repeats once per group
        element). "domain": one fundamental domain in its orbits' colours, the rest grey.
    ax : matplotlib Axes, optional
        A 3-D Axes for surfaces in 3-D, a 2-D one otherwise; a new figure when omitted.
    path : str or path-like, optional
        Save the figure there.
    title : str, optional

    Returns
    -------
    matplotlib Axes
        The vertices are one scatter collection (``gid="vertices"``) whose data array
        (``get_array()``) is :func:`orbit_color_indices` through its colormap, i.e. the
        colours :func:`orbit_colors` (with "domain": one more index, grey, outside the
        domain); the faces are one
        polygon collection (``gid="faces"``): each triangle cut into the three pieces
        nearest its vertices, each piece in its vertex's colour.

    Raises
    ------
    MeshError
        A mesh of dimension 3 or more, or in more than 3 ambient dimensions.
    GroupError
        A continuous group (no vertex orbits), or a mesh the group does not map to itself.
    """
    path = _check_path(path)
    from .quotient import Quotient, quotient

    if color_by not in ("orbit", "domain"):
        raise SpecError(f"color_by must be 'orbit' or 'domain'; got {color_by!r}")
    if ax is not None and not all(callable(getattr(ax, a, None)) for a in ("scatter",
                                                                          "add_collection")):
        raise SpecError(f"plot_quotient_mesh draws into a matplotlib Axes; got "
                        f"{type(ax).__name__}")
    if isinstance(mesh, Quotient):
        q = mesh
    else:
        if group is None:
            raise SpecError("plot_quotient_mesh needs a group (or a Quotient)")
        if isinstance(group, str):
            from .groups import named

            group = named(group, dim=mesh.ambient_dim)
        q = quotient(mesh, group)
    if q.orbits is None:
        from .errors import GroupError

        raise GroupError(f"{q.group.name} is a continuous group: its orbits are not sets of "
                         "vertices; plot_quotient_mesh needs a finite group")
    m = q.mesh
    if m.dim > 2 or m.ambient_dim > 3:
        raise MeshError(f"plot_quotient_mesh draws curves and surfaces in at most 3 "
                        f"dimensions; got a {m.dim}-mesh in R^{m.ambient_dim}")
    labels = np.asarray(q.orbits, dtype=np.int64)
    index = orbit_color_indices(m, labels)
    n_colors = int(index.max()) + 1
    palette = _orbit_palette(n_colors)[:n_colors]
    if color_by == "domain":  # one more palette entry, grey, for the vertices outside
        palette = np.vstack([palette, [0.85, 0.85, 0.85, 1.0]])
        index = np.where(_domain_mask(m, labels), index, n_colors)
    from matplotlib.colors import ListedColormap

    cmap = ListedColormap(palette)
    colors = palette[index]
    scatter_colors = dict(c=index, cmap=cmap, vmin=-0.5, vmax=len(palette) - 0.5)
    v = np.asarray(m.vertices, dtype=np.float64)
    tri = np.asarray(m.simplices, dtype=np.int64)
    if m.is_periodic:  # drop the simplices that wrap around: drawn, they would cross the box
        span = np.ptp(v[tri], axis=1)
        per = np.where(np.isfinite(m.period), m.period, np.inf)
        tri = tri[(span < per / 2).all(axis=1)]
    cells, cell_colors = _vertex_cells(v, tri, colors) if m.dim == 2 else (None, None)
    three_d = m.ambient_dim == 3
    made_here = ax is None
    if made_here:
        if path is not None:
            from matplotlib.figure import Figure

            fig = Figure(figsize=(5.6, 5.2), layout="constrained")
        else:
            fig = _pyplot().figure(figsize=(5.6, 5.2), layout="constrained")
        ax = fig.add_subplot(projection="3d" if three_d else None)
    elif three_d and not callable(getattr(ax, "add_collection3d", None)):
        raise SpecError("plot_quotient_mesh draws a surface in 3-D: pass a 3-D Axes "
                        "(fig.add_subplot(projection='3d'))")
    if three_d:
        from mpl_toolkits.mplot3d.art3d import Poly3DCollection

        if cells is not None:
            faces = Poly3DCollection(cells, facecolors=cell_colors, edgecolors="none")
            faces.set_gid("faces")
            ax.add_collection3d(faces)
        pts = ax.scatter(v[:, 0], v[:, 1], v[:, 2], s=2 if m.dim == 2 else 12,
                         depthshade=False, linewidths=0, **scatter_colors)
        lo, hi = v.min(axis=0), v.max(axis=0)
        mid, half = (lo + hi) / 2, float((hi - lo).max()) / 2 or 1.0
        ax.set_xlim(mid[0] - half, mid[0] + half)
        ax.set_ylim(mid[1] - half, mid[1] + half)
        ax.set_zlim(mid[2] - half, mid[2] + half)
        ax.set_box_aspect((1, 1, 1))
        # look at the fundamental domain (the same place in both colourings)
        look = v[_domain_mask(m, labels)].mean(axis=0) - mid
        if np.linalg.norm(look) > 1e-9:
            x, y, z = look
            ax.view_init(elev=float(np.degrees(np.arctan2(z, np.hypot(x, y)))),
                         azim=float(np.degrees(np.arctan2(y, x))))
        ax.set_axis_off()
    else:
        if v.shape[1] == 1:
            v = np.column_stack([v[:, 0], np.zeros(len(v))])
        if cells is not None:
            from matplotlib.collections import PolyCollection

            faces = PolyCollection(cells[:, :, :2], facecolors=cell_colors,
                                   edgecolors="none")
            faces.set_gid("faces")
            ax.add_collection(faces)
        pts = ax.scatter(v[:, 0], v[:, 1], s=4 if m.dim == 2 else 16, linewidths=0,
                         zorder=3, **scatter_colors)
        ax.set_aspect("equal")
        ax.autoscale_view()
    pts.set_gid("vertices")
    order = q.group.order if hasattr(q.group, "order") else None
    ax.set_title(title or f"{m.name or 'mesh'} / {q.group.name}: {q.n_orbits} vertex orbits"
                 + (f", |G| = {order}" if isinstance(order, int) else ""), fontsize=9)
    if made_here:
        _save(ax.figure, path, True)
    return ax
