"""Input checks shared by the :mod:`nuportal.stats` modules (all raise NuportalInputError)."""

from __future__ import annotations

import numpy as np

from nuportal.errors import NuportalInputError, require_range

__all__ = ["check_background", "check_cl", "check_choice", "scalar_or_array"]


def check_background(b, name: str = "b (expected background)") -> np.ndarray:
    """Return ``b`` as a float array after checking 0 <= b < inf (NaN rejected)."""
    require_range(name, b, 0.0, np.inf, high_open=True)
    return np.asarray(b, dtype=float)


def check_cl(cl, low: float = 0.0) -> np.ndarray:
    """Return ``cl`` as a float array after checking low < cl < 1."""
    require_range("cl (confidence level)", cl, low, 1.0, low_open=True, high_open=True)
    return np.asarray(cl, dtype=float)


def check_choice(name: str, value, allowed: tuple[str, ...]) -> str:
    """Return ``value`` if it is one of ``allowed``, else raise NuportalInputError."""
    if value not in allowed:
        raise NuportalInputError(
            f"{name} = {value!r} is not one of the allowed values {', '.join(map(repr, allowed))}"
        )
    return value


def scalar_or_array(x):
    """Return a Python-float-like NumPy scalar for 0-d results, the array otherwise."""
    x = np.asarray(x, dtype=float)
    return x[()] if x.ndim == 0 else x
