"""Elemental composition of the Earth: number densities and electron fraction.

Mass fractions are reference 004 Appendix C Table 1 (crust: Lutgens et al. 2011; mantle and core:
McDonough 2014), stored with IUPAC molar masses in ``data/earth/composition.yaml``.  PREM shells
map onto the table's columns by their ``region`` (``prem.shells``): inner and outer core -> core;
lower mantle, transition zone, LVZ and LID -> mantle; the two crustal layers -> crust; PREM's 3 km
ocean -> crust composition (Table 1 has no water column; the paper lists only three layers).

The printed fractions sum to 98.56 % (crust), 98.91 % (mantle) and 98.6 % (core).  Number
densities (reference 004 Eq. 45) use them as printed by default, as the paper does, so that
1.1-1.4 % of the mass carries no target nuclei; ``renormalise=True`` scales each column to 100 %.
The electron fraction defaults to the renormalised columns: the unlisted mass is made of other
elements with Z/A close to 1/2, so dropping it would bias Y_e low by the same 1.1-1.4 %.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib.resources import files

import numpy as np
from scipy.constants import Avogadro

from nuportal import _yaml
from nuportal.earth import prem
from nuportal.errors import NuportalInputError

__all__ = [
    "ELEMENTS",
    "COMPOSITION_REGIONS",
    "Element",
    "element",
    "mass_fractions",
    "region_electron_fraction",
    "number_densities",
    "electron_fraction",
    "electron_density",
]

#: Elements of reference 004 Table 1, in the row order of the table.
ELEMENTS: tuple[str, ...] = ("O", "Si", "Al", "Fe", "Ca", "Na", "K", "Mg", "S", "Ni")
#: Columns of reference 004 Table 1.
COMPOSITION_REGIONS: tuple[str, ...] = ("crust", "mantle", "core")


@dataclass(frozen=True)
class Element:
    """A chemical element: symbol, atomic number ``Z`` and molar mass in g/mol (IUPAC)."""

    symbol: str
    Z: int
    molar_mass_g_mol: float


@cache
def _raw() -> dict:
    raw = _yaml.safe_load(files("nuportal").joinpath("data/earth/composition.yaml").read_text())
    if tuple(raw["elements"]) != ELEMENTS:
        raise ValueError("composition.yaml element order disagrees with ELEMENTS")
    for region, total in raw["printed_total_percent"].items():
        if abs(sum(raw["mass_percent"][region].values()) - total) > 1e-6:
            raise ValueError(f"composition.yaml: {region} fractions do not add up to {total} %")
    return raw


def element(symbol: str) -> Element:
    """Return the :class:`Element` ``symbol`` (one of ``ELEMENTS``)."""
    if symbol not in ELEMENTS:
        raise NuportalInputError(f"element {symbol!r} is not one of {', '.join(ELEMENTS)}")
    e = _raw()["elements"][symbol]
    return Element(symbol, int(e["Z"]), float(e["molar_mass_g_mol"]))


def _column(region: str) -> str:
    mapping = _raw()["region_map"]
    if region not in mapping:
        raise NuportalInputError(f"region {region!r} is not one of {', '.join(mapping)}")
    return mapping[region]


def mass_fractions(region: str, *, renormalise: bool = False) -> dict[str, float]:
    """Mass fractions (not percent) of ``ELEMENTS`` in a region, reference 004 Table 1.

    Parameters
    ----------
    region : str
        "crust", "mantle", "core" or "ocean" (PREM's ocean uses the crust column).
    renormalise : bool
        False (default): as printed (sums 0.9856 / 0.9891 / 0.986). True: scaled to sum to 1.
    """
    percent = _raw()["mass_percent"][_column(region)]
    scale = 100.0 / sum(percent.values()) if renormalise else 1.0
    return {el: float(percent[el]) * scale / 100.0 for el in ELEMENTS}


@cache
def _element_arrays() -> tuple[np.ndarray, np.ndarray]:
    """(Z (E,), molar mass in g/mol (E,)) in the order of ``ELEMENTS``."""
    els = [element(s) for s in ELEMENTS]
    return np.array([e.Z for e in els], float), np.array([e.molar_mass_g_mol for e in els])


@cache
def _shell_fractions(ocean: bool, renormalise: bool) -> np.ndarray:
    """Mass fractions per PREM shell (K + 1, E); the last row (outside the Earth) is zero."""
    rows = [list(mass_fractions(s.region, renormalise=renormalise).values()) for s in prem.shells(ocean)]
    return np.array(rows + [[0.0] * len(ELEMENTS)])


def region_electron_fraction(region: str, *, renormalise: bool = True) -> float:
    """Electron fraction Y_e = sum_i f_i Z_i / M_i (mol electrons per gram) of a region."""
    z, m = _element_arrays()
    f = np.array(list(mass_fractions(region, renormalise=renormalise).values()))
    return float(np.sum(f * z / m))


def number_densities(r_cm, *, ocean: bool = True, renormalise: bool = False) -> np.ndarray:
    """Number density of each element of ``ELEMENTS`` at radius ``r_cm``, nuclei per cm^3.

    Reference 004 Eq. 45: n_i = rho f_i N_A / m_i with rho the PREM density (g/cm^3), f_i the
    Table 1 mass fraction of the region and m_i the molar mass (g/mol).  Zero outside the Earth.

    Parameters
    ----------
    r_cm : array_like, shape S
        Distance from the Earth's centre in cm.
    ocean : bool
        PREM ocean option (see :func:`nuportal.earth.prem.shells`).
    renormalise : bool
        Scale the Table 1 columns to 100 % (default False: as printed, like reference 004).

    Returns
    -------
    numpy.ndarray, shape (len(ELEMENTS),) + S
    """
    r = np.asarray(r_cm, dtype=float)
    idx = prem.shell_of(r, ocean=ocean)  # -1 outside -> last (zero) row
    f = np.moveaxis(_shell_fractions(ocean, renormalise)[idx], -1, 0)
    _, m = _element_arrays()
    m = m.reshape((-1,) + (1,) * r.ndim)
    return prem.density(r, ocean=ocean) * f * Avogadro / m


def electron_fraction(r_cm, *, ocean: bool = True, renormalise: bool = True) -> np.ndarray:
    """Electron fraction Y_e (electrons per nucleon mass unit, i.e. mol e- per gram) at ``r_cm``.

    Y_e = sum_i f_i Z_i / M_i over reference 004 Table 1; 0 outside the Earth.  Used for the
    matter potential V = sqrt(2) G_F n_e in oscillations.  Renormalised columns by default (see
    the module docstring); ``renormalise=False`` gives the as-printed value, consistent with
    :func:`number_densities`.
    """
    r = np.asarray(r_cm, dtype=float)
    idx = prem.shell_of(r, ocean=ocean)
    z, m = _element_arrays()
    ye_shell = _shell_fractions(ocean, renormalise) @ (z / m)
    return ye_shell[idx]


def electron_density(r_cm, *, ocean: bool = True, renormalise: bool = True) -> np.ndarray:
    """Electron number density n_e = rho N_A Y_e at ``r_cm`` in cm^-3 (0 outside the Earth)."""
    r = np.asarray(r_cm, dtype=float)
    ye = electron_fraction(r, ocean=ocean, renormalise=renormalise)
    return prem.density(r, ocean=ocean) * Avogadro * ye
