"""Plots of atmospheric-upscattering results (reference 004 Figs. 2-10 style). Functions take an ``ax``."""

from __future__ import annotations

import numpy as np

__all__ = ["exclusion_polygon", "plot_exclusion"]


def exclusion_polygon(masses, low, high):
    """Closed outline (x, y) of an excluded region given the interval [low, high] at each mass.

    Masses without an excluded interval (NaN) split nothing: the outline runs along the lower edge of the
    masses with an interval, then back along the upper edge.
    """
    m, lo, hi = (np.asarray(a, float) for a in (masses, low, high))
    ok = np.isfinite(lo) & np.isfinite(hi)
    if not ok.any():
        return np.empty(0), np.empty(0)
    x = np.concatenate([m[ok], m[ok][::-1], m[ok][:1]])
    y = np.concatenate([lo[ok], hi[ok][::-1], lo[ok][:1]])
    return x, y


def plot_exclusion(ax, masses, low, high, *, label: str, fill: bool = True, **style):
    """Draw an excluded region (filled, or outline only); returns the artists."""
    x, y = exclusion_polygon(masses, low, high)
    if x.size == 0:
        return ax.plot([], [], label=f"{label} (nothing excluded)", **style)
    if fill:
        style.setdefault("alpha", 0.35)
        return ax.fill(x, y, label=label, **style)
    style.setdefault("ls", "--")
    return ax.plot(x, y, label=label, **style)
