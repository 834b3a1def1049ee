"""Plots (matplotlib imported lazily, inside the functions only)."""

from __future__ import annotations

from typing import Any

__all__ = ["plot_learning_curve"]

_LABELS = {"none": "plain KRR", "average": "group-averaged kernel", "augment": "augmentation",
           "canonical": "canonicalization", "specavg": "Spec-Avg"}


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
    import matplotlib

    if ax is None and path is not None:
        matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt
    import numpy as np

    if ax is None:
        _, ax = plt.subplots(figsize=(6, 4.2))
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
        ax.figure.tight_layout()
        ax.figure.savefig(path, dpi=110)
    return ax
