"""Density of the Earth: the Preliminary Reference Earth Model (PREM).

Dziewonski & Anderson, Phys. Earth Planet. Inter. 25 (1981) 297, Table I: in each spherical
shell the density is a cubic polynomial rho(x) = a + b x + c x^2 + d x^3 (g/cm^3) in
x = r / 6371 km.  Reference 004 (Appendix C) uses the same model ("Table IV", the values
tabulated from these polynomials).  The coefficients live in ``data/earth/prem.yaml``.

The published model ends with a 3 km ocean (1.02 g/cm^3).  For continental sites (Kamioka,
SURF, Jiangmen) the top 3 km are rock; ``ocean=False`` replaces the ocean by the PREM upper
crust (2.6 g/cm^3, region "crust").  The default is the published model (``ocean=True``), as
used by reference 004.

Radii are in cm; a radius exactly on a boundary belongs to the outer shell (shell ``k`` covers
``r_inner <= r < r_outer``), except ``r = R`` which belongs to the top shell.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib.resources import files

import numpy as np

from nuportal import _yaml
from nuportal.errors import require_range

__all__ = [
    "EARTH_RADIUS_CM",
    "SHELLS",
    "Shell",
    "shells",
    "density",
    "shell_of",
    "region_of",
    "earth_mass_kg",
    "REGIONS",
]

#: PREM reference radius, 6371 km, in cm (Dziewonski & Anderson 1981).
EARTH_RADIUS_CM = 6.371e8
#: Composition regions (reference 004 Table 1 columns, plus PREM's ocean).
REGIONS = ("core", "mantle", "crust", "ocean")
_KM = 1.0e5


@dataclass(frozen=True)
class Shell:
    """One PREM shell: ``r_inner_cm <= r < r_outer_cm``, density polynomial in x = r / 6371 km.

    Attributes
    ----------
    name : str
    r_inner_cm, r_outer_cm : float
        Radii in cm.
    region : str
        One of ``REGIONS``; selects the composition (reference 004 Table 1).
    coefficients : tuple of float
        (a, b, c, d) in g/cm^3 (Dziewonski & Anderson 1981, Table I).
    """

    name: str
    r_inner_cm: float
    r_outer_cm: float
    region: str
    coefficients: tuple[float, float, float, float] = (0.0, 0.0, 0.0, 0.0)


@cache
def _raw() -> dict:
    return _yaml.safe_load(files("nuportal").joinpath("data/earth/prem.yaml").read_text())


@cache
def shells(ocean: bool = True) -> tuple[Shell, ...]:
    """Return the PREM shells, innermost first.

    Parameters
    ----------
    ocean : bool
        True (default): the published model with its 3 km ocean (1.02 g/cm^3).  False: the ocean
        is replaced by upper crust (2.6 g/cm^3, region "crust"), appropriate for continental sites.
    """
    raw = _raw()
    if float(raw["reference_radius_km"]) * _KM != EARTH_RADIUS_CM:
        raise ValueError("prem.yaml reference radius disagrees with EARTH_RADIUS_CM")
    out = [
        Shell(s["name"], float(s["r_inner_km"]) * _KM, float(s["r_outer_km"]) * _KM, s["region"],
              tuple(float(c) for c in s["coefficients"]))
        for s in raw["shells"]
    ]
    if not ocean and out[-1].region == "ocean":
        below = out[-2]
        out[-1] = Shell("upper_crust_replacing_ocean", out[-1].r_inner_cm, out[-1].r_outer_cm,
                        below.region, below.coefficients)
    return tuple(out)


#: The published PREM shells (with the ocean), innermost first.
SHELLS: tuple[Shell, ...] = shells(True)


@cache
def _tables(ocean: bool) -> tuple[np.ndarray, np.ndarray]:
    """(outer radii in cm (K,), coefficients (K, 4)) of :func:`shells`."""
    sh = shells(ocean)
    return (np.array([s.r_outer_cm for s in sh]), np.array([s.coefficients for s in sh]))


def shell_of(r_cm, *, ocean: bool = True) -> np.ndarray:
    """Index (into :func:`shells`) of the shell containing each radius; -1 outside the Earth.

    Parameters
    ----------
    r_cm : array_like
        Distance from the Earth's centre in cm (>= 0).
    ocean : bool
        Ocean option of :func:`shells` (it does not change the indices).

    Returns
    -------
    numpy.ndarray of int, same shape as ``r_cm``.
    """
    r = np.asarray(r_cm, dtype=float)
    require_range("r_cm", r, 0.0, np.inf)
    outer, _ = _tables(ocean)
    idx = np.searchsorted(outer, r, side="right")
    idx = np.where(r == EARTH_RADIUS_CM, len(outer) - 1, idx)
    return np.where(r > EARTH_RADIUS_CM, -1, idx).astype(int)


def region_of(r_cm, *, ocean: bool = True) -> np.ndarray:
    """Composition region (string array, ``REGIONS``) at each radius; "" outside the Earth."""
    idx = shell_of(r_cm, ocean=ocean)
    names = np.array([s.region for s in shells(ocean)] + [""])
    return names[idx]


def density(r_cm, *, ocean: bool = True) -> np.ndarray:
    """PREM density in g/cm^3 at distance ``r_cm`` (cm) from the centre; 0 outside the Earth.

    Dziewonski & Anderson (1981) Table I: rho = a + b x + c x^2 + d x^3, x = r / 6371 km.

    Parameters
    ----------
    r_cm : array_like
        Radius in cm (>= 0).
    ocean : bool
        True: published model with the 3 km ocean; False: ocean replaced by upper crust.
    """
    r = np.asarray(r_cm, dtype=float)
    idx = shell_of(r, ocean=ocean)
    _, coef = _tables(ocean)
    a, b, c, d = np.moveaxis(coef[np.clip(idx, 0, None)], -1, 0)
    x = r / EARTH_RADIUS_CM
    rho = a + x * (b + x * (c + x * d))
    return np.where(idx >= 0, rho, 0.0)


def earth_mass_kg(*, ocean: bool = True) -> float:
    """Mass of the PREM Earth in kg, 4 pi int rho r^2 dr integrated exactly shell by shell.

    For rho = sum_n a_n x^n: int_{x1}^{x2} rho x^2 dx = sum_n a_n (x2^(n+3) - x1^(n+3)) / (n+3).
    """
    sh = shells(ocean)
    x1 = np.array([s.r_inner_cm for s in sh])[:, None] / EARTH_RADIUS_CM
    x2 = np.array([s.r_outer_cm for s in sh])[:, None] / EARTH_RADIUS_CM
    coef = np.array([s.coefficients for s in sh])
    n = np.arange(4)[None, :]
    integral = np.sum(coef * (x2 ** (n + 3) - x1 ** (n + 3)) / (n + 3))
    grams = 4.0 * np.pi * EARTH_RADIUS_CM**3 * integral
    return float(grams * 1e-3)
