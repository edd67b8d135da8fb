"""Excluded coupling intervals at one mass from a signal curve on a coupling grid.

At fixed HNL mass the expected signal S(c) is computed on a grid of couplings (one simulation per mass,
reweighted analytically). The excluded set is {c : S(c) >= S_UL}; its edges are found by linear
interpolation of log(S / S_UL) in log c between grid points, which is exact for power laws
(S ~ c^2 on the floor, S ~ c^2 exp(-c^2 ...) near the ceiling is smooth in log-log on a fine grid).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from nuportal.errors import NuportalInputError

__all__ = ["ExcludedInterval", "excluded_interval", "excluded_islands", "log_grid"]


@dataclass(frozen=True)
class ExcludedInterval:
    """Excluded coupling interval [low, high] (NaN, NaN when nothing is excluded).

    ``open_low``/``open_high`` flag an interval that reaches the end of the grid (the true edge lies
    beyond it); ``islands`` counts disjoint excluded ranges (the interval spans all of them).
    """

    low: float
    high: float
    open_low: bool = False
    open_high: bool = False
    islands: int = 0

    @property
    def empty(self) -> bool:
        """True when no coupling on the grid is excluded."""
        return self.islands == 0


def log_grid(lo: float, hi: float, n: int) -> np.ndarray:
    """n logarithmically spaced values from lo to hi (both > 0)."""
    if not (lo > 0 and hi > lo and n >= 2):
        raise NuportalInputError(
            f"coupling grid ({lo:g}, {hi:g}, n={n}) is invalid: need 0 < lo < hi, n >= 2")
    return np.geomspace(lo, hi, n)


def _crossing(c, r, i):
    """Coupling where log r crosses 0 between grid points i and i + 1 (log-log interpolation)."""
    lr0, lr1 = np.log(r[i]), np.log(r[i + 1])
    f = lr0 / (lr0 - lr1)
    return float(np.exp(np.log(c[i]) + f * (np.log(c[i + 1]) - np.log(c[i]))))


def excluded_interval(couplings, signal, threshold: float) -> ExcludedInterval:
    """Excluded interval of couplings where ``signal >= threshold``.

    Parameters
    ----------
    couplings : array_like
        Strictly increasing positive couplings.
    signal : array_like
        Expected signal events at each coupling (>= 0).
    threshold : float
        Signal events excluded at the chosen confidence level (> 0).
    """
    c = np.asarray(couplings, float)
    s = np.asarray(signal, float)
    if c.shape != s.shape or c.ndim != 1 or c.size < 2 or np.any(np.diff(c) <= 0) or np.any(c <= 0):
        raise NuportalInputError("couplings must be a strictly increasing positive 1-D grid matching signal")
    if not np.all(np.isfinite(s)) or np.any(s < 0):
        raise NuportalInputError("signal must be finite and >= 0 at every coupling")
    if not threshold > 0:
        raise NuportalInputError(f"threshold = {threshold:g} is outside the allowed range (0, inf)")
    excl = s >= threshold
    if not excl.any():
        return ExcludedInterval(np.nan, np.nan)
    r = np.maximum(s, 1e-300) / threshold
    first, last = int(np.argmax(excl)), int(c.size - 1 - np.argmax(excl[::-1]))
    low = c[0] if first == 0 else _crossing(c, r, first - 1)
    high = c[-1] if last == c.size - 1 else _crossing(c, r, last)
    islands = int(excl[0]) + int(np.count_nonzero(excl[1:] & ~excl[:-1]))
    return ExcludedInterval(low, high, first == 0, last == c.size - 1, islands)


def excluded_islands(couplings, signal, threshold: float) -> list[tuple[float, float]]:
    """Every disjoint excluded range [(low, high), ...] in increasing coupling (edges interpolated as in
    :func:`excluded_interval`; a range touching the grid end stops there)."""
    iv = excluded_interval(couplings, signal, threshold)  # validates
    if iv.empty:
        return []
    c, s = np.asarray(couplings, float), np.asarray(signal, float)
    excl = s >= threshold
    r = np.maximum(s, 1e-300) / threshold
    starts = np.flatnonzero(excl & ~np.concatenate([[False], excl[:-1]]))
    ends = np.flatnonzero(excl & ~np.concatenate([excl[1:], [False]]))
    out = []
    for a, b in zip(starts, ends, strict=True):
        lo = c[0] if a == 0 else _crossing(c, r, a - 1)
        hi = c[-1] if b == c.size - 1 else _crossing(c, r, b)
        out.append((lo, hi))
    return out
