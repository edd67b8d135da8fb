"""Detector sites: depth, position in the Earth and the fiducial volume seen by an HNL.

Reference 004 Eq. 6 describes a detector by an effective length l and transverse area A_perp with
A_perp l = V (the fiducial volume).  For a convex body the mean chord over isotropic uniform lines
is l = 4 V / S (Cauchy); we use it with A_perp = V / l.  For a detector made of several identical
modules (DUNE) l is the mean chord of one module and A_perp = V_total / l.

The data (each value with its source) are in ``data/earth/sites.yaml``.  The fiducial shape of one
module is scaled uniformly so that its volume times the medium density reproduces the quoted
fiducial mass (the scale factor is recorded in :attr:`Site.shape_scale`).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib.resources import files

import numpy as np

from nuportal import _yaml
from nuportal.earth.prem import EARTH_RADIUS_CM
from nuportal.errors import NuportalInputError, require_range

__all__ = ["Site", "get_site", "available_sites", "shape_volume_surface"]

_M = 100.0  # cm per m
_KT_G = 1.0e9  # g per kt


@dataclass(frozen=True)
class Site:
    """A detector site (Earth-centred coordinates, cm).

    Attributes
    ----------
    name : str
        Canonical key (``available_sites()``).
    depth_m : float
        Vertical overburden in m.
    position_cm : numpy.ndarray, shape (3,)
        Y = (0, 0, R - depth) in cm.
    volume_cm3 : float
        Total fiducial volume V in cm^3 (fiducial mass / density).
    length_cm : float
        Effective decay length l = 4 V_module / S_module in cm (reference 004 Eq. 6).
    area_cm2 : float
        A_perp = volume_cm3 / length_cm in cm^2.
    fiducial_mass_kt : float
    medium : str
    source : str
        Sources of the numbers (one line per quantity).
    density_g_cm3 : float
    n_modules : int
    shape : str
        "cylinder", "sphere" or "box" (fiducial volume of one module).
    shape_scale : float
        Linear factor applied to the tabulated shape to match the fiducial mass.
    """

    name: str
    depth_m: float
    position_cm: np.ndarray
    volume_cm3: float
    length_cm: float
    area_cm2: float
    fiducial_mass_kt: float
    medium: str
    source: str
    density_g_cm3: float = 1.0
    n_modules: int = 1
    shape: str = "cylinder"
    shape_scale: float = 1.0


@cache
def _raw() -> dict:
    return _yaml.safe_load(files("nuportal").joinpath("data/earth/sites.yaml").read_text())


def available_sites() -> tuple[str, ...]:
    """Canonical names of the tabulated sites."""
    return tuple(_raw())


def _resolve(name: str) -> str:
    key = str(name).strip().lower()
    for site, entry in _raw().items():
        if key == site or key in entry.get("aliases", []):
            return site
    raise NuportalInputError(f"unknown site {name!r}; available: {', '.join(available_sites())}")


def shape_volume_surface(shape: dict) -> tuple[float, float]:
    """Volume (m^3) and surface (m^2) of a fiducial shape from ``sites.yaml``.

    ``shape`` has ``kind`` ("cylinder": radius_m, height_m; "sphere": radius_m; "box": length_m,
    width_m, height_m), each dimension a mapping with ``value``.
    """
    d = {k: float(v["value"]) for k, v in shape.items() if k != "kind"}
    kind = shape["kind"]
    if kind == "cylinder":
        r, h = d["radius_m"], d["height_m"]
        return np.pi * r**2 * h, 2 * np.pi * r**2 + 2 * np.pi * r * h
    if kind == "sphere":
        r = d["radius_m"]
        return 4 / 3 * np.pi * r**3, 4 * np.pi * r**2
    if kind == "box":
        a, b, c = d["length_m"], d["width_m"], d["height_m"]
        return a * b * c, 2 * (a * b + b * c + c * a)
    raise NuportalInputError(f"fiducial shape kind {kind!r} is not one of cylinder, sphere, box")


def get_site(name: str, *, depth_m: float | None = None) -> Site:
    """Return the :class:`Site` ``name`` (case-insensitive; aliases such as "sk", "hk" accepted).

    Parameters
    ----------
    name : str
        One of :func:`available_sites` or an alias.
    depth_m : float, optional
        Override of the tabulated overburden in m; must satisfy 0 <= depth_m <= R (6.371e6 m).

    Raises
    ------
    NuportalInputError
        Unknown name (the message lists the available sites) or a depth outside the Earth.
    """
    key = _resolve(name)
    e = _raw()[key]
    depth = float(e["depth_m"]["value"] if depth_m is None else depth_m)
    require_range("depth_m", depth, 0.0, EARTH_RADIUS_CM / _M)
    rho = float(e["density_g_cm3"]["value"])
    mass_kt = float(e["fiducial_mass_kt"]["value"])
    n_mod = int(e["n_modules"]["value"])
    volume = mass_kt * _KT_G / rho
    v_shape, s_shape = shape_volume_surface(e["fiducial_shape"])
    scale = (volume / n_mod / (v_shape * _M**3)) ** (1.0 / 3.0)
    length = scale * 4.0 * v_shape / s_shape * _M
    keys = ("depth_m", "density_g_cm3", "fiducial_mass_kt", "n_modules")
    sources = [f"{k}: {e[k]['source']}" for k in keys]
    sources += [f"{k}: {v['source']}" for k, v in e["fiducial_shape"].items() if k != "kind"]
    return Site(name=key, depth_m=depth, position_cm=np.array([0.0, 0.0, EARTH_RADIUS_CM - depth * _M]),
                volume_cm3=volume, length_cm=length, area_cm2=volume / length, fiducial_mass_kt=mass_kt,
                medium=str(e["medium"]), source="\n".join(sources), density_g_cm3=rho, n_modules=n_mod,
                shape=str(e["fiducial_shape"]["kind"]), shape_scale=scale)
