"""Plot functions: each takes a matplotlib ``ax``, draws, and returns the artists it made.

The CLI creates figures and saves them; nothing here touches files or global state.
"""

from __future__ import annotations

import numpy as np
from matplotlib.colors import LogNorm

from nuportal.limits import load_limit

__all__ = ["plot_curves", "plot_existing_limits", "plot_spectrum", "plot_density_2d",
           "style_log_axes"]

_LIMIT_STYLE = {
    "PIENU-2017": dict(color="tab:green"),
    "TRIUMF-1992": dict(color="tab:olive"),
    "KEK-1984": dict(color="tab:purple"),
    "NA62-2020-Ke": dict(color="tab:red"),
    "PS191-1988": dict(color="tab:gray", ls="--"),
    "NA62-2021-Kmu": dict(color="tab:red"),
    "NA62-RK-2017-Kmu": dict(color="tab:brown", ls="--"),
    "E949-2015": dict(color="tab:cyan"),
    "KEK-1982-Kmu": dict(color="tab:purple"),
    "PSI-1987": dict(color="tab:olive"),
    "PIENU-2019-mu": dict(color="tab:green"),
}


def style_log_axes(ax, xlabel: str, ylabel: str, ylim=None, legend_size=None):
    """Log-y axes with labels, optional y-range, legend and a light grid."""
    ax.set_yscale("log")
    if ylim is not None:
        ax.set_ylim(*ylim)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.legend(fontsize=legend_size)
    ax.grid(alpha=0.3, which="both")


def plot_curves(ax, x, curves: dict, **common):
    """Draw several y(x) curves given as ``{label: y}`` or ``{label: (y, style_dict)}``."""
    artists = []
    for label, y in curves.items():
        style = dict(common)
        if isinstance(y, tuple):
            y, extra = y
            style.update(extra)
        artists += ax.plot(x, y, label=label, **style)
    return artists


def plot_existing_limits(ax, infos, fill: bool = True):
    """Draw published limits (``LimitInfo`` list); excluded regions shaded above the curves."""
    artists = []
    for info in infos:
        m, u = load_limit(info.id)
        if info.plot_mass_max_GeV is not None:  # digitisation strokes beyond it are not drawn
            u = np.where(m <= info.plot_mass_max_GeV, u, np.nan)
        style = _LIMIT_STYLE.get(info.id, {})
        label = info.label + (" (excluded inside)" if info.region == "closed" and "closed" in info.reference
                              else "")
        artists += ax.plot(m, u, lw=1.2, label=label, **style)
        if fill and "closed" not in info.reference:
            artists.append(ax.fill_between(m, u, 1.0, alpha=0.08, color=style.get("color", "k")))
    return artists


def plot_spectrum(ax, x, y, window=None, **style):
    """Histogram-like spectrum y(x) with an optional shaded signal window (lo, hi)."""
    artists = ax.plot(x, y, **style)
    if window is not None:
        artists.append(ax.axvspan(*window, color="tab:orange", alpha=0.3, label="signal window"))
    return artists


def plot_density_2d(ax, x_edges, y_edges, density, **style):
    """Log-colour 2-D density (x along the first axis of ``density``)."""
    pos = density[density > 0]
    norm = LogNorm(vmin=pos.min(), vmax=pos.max()) if pos.size else None
    mesh = ax.pcolormesh(x_edges, y_edges, np.where(density > 0, density, np.nan).T, norm=norm,
                         shading="flat", **style)
    return [mesh]
