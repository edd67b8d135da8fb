"""Exceptions raised on bad user input (the CLI maps them to exit status 2)."""

from __future__ import annotations


class NuportalInputError(ValueError):
    """A user-supplied value is outside its allowed range or malformed.

    The message always names the offending value and the allowed range.
    """


def require_range(
    name: str, value, low: float, high: float, *, low_open: bool = False, high_open: bool = False
) -> None:
    """Raise :class:`NuportalInputError` unless every element of ``value`` lies in the range.

    Parameters
    ----------
    name : str
        Name of the quantity, used in the message.
    value : float or array_like
        Value(s) to check. NaN is always rejected.
    low, high : float
        Range limits (use ``numpy.inf`` for an unbounded side).
    low_open, high_open : bool
        Whether the corresponding end of the range is excluded.
    """
    import numpy as np

    arr = np.asarray(value, dtype=float)
    bad = ~np.isfinite(arr) & ~(np.isinf(arr) & ((arr > 0) & (high == np.inf)))
    bad |= (arr <= low) if low_open else (arr < low)
    bad |= (arr >= high) if high_open else (arr > high)
    if np.any(bad):
        first = arr[bad].flat[0] if arr.ndim else float(arr)
        lb = "(" if low_open or low == -np.inf else "["
        hb = ")" if high_open or high == np.inf else "]"
        raise NuportalInputError(
            f"{name} = {first:g} is outside the allowed range {lb}{low:g}, {high:g}{hb}"
        )


def require_range_spec(option: str, lo: float, hi: float, n: int) -> None:
    """Check the ends of a grid ``lo:hi:n``: finite, lo < hi for n >= 2, and lo == hi for n == 1 (a
    one-point range); raise :class:`NuportalInputError` naming ``option`` otherwise."""
    import math

    if not (math.isfinite(lo) and math.isfinite(hi)):
        raise NuportalInputError(f"{option} ends {lo:g}:{hi:g} are outside the allowed range (finite values)")
    if n >= 2 and not hi > lo:
        raise NuportalInputError(f"{option} {lo:g}:{hi:g}:{n} needs lo < hi for n >= 2 points")
    if n == 1 and hi != lo:
        raise NuportalInputError(f"{option} {lo:g}:{hi:g}:1 is a one-point range with lo != hi; "
                                 "give lo:lo:1 for one point, or n >= 2")
