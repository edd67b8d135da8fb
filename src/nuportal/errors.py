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
