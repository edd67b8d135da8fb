"""Protocols of the upscattering engine and the geometry/source/detector implementations it ships.

The generator (:mod:`nuportal.mc.upscatter`) only talks to these protocols, so the same code serves
the Earth (atmospheric neutrinos upscattered in the Earth, reference 004) and detector geometries
(accelerator beams upscattering in detector materials).

* :class:`Source` - neutrino intensity at a point for a travel direction; ``diffuse = True`` means
  the neutrino direction is integrated over (the engine samples it around the HNL direction with
  004 Eqs. 21-26); ``diffuse = False`` means a beam with a fixed ``direction`` (the scattering angle
  follows from geometry and ``intensity_at`` returns a fluence rate per unit area, GeV^-1 cm^-2 s^-1).
* :class:`Target` - species, number densities, bounding region and inside test, optional analytic
  direction cap.
* :class:`Detector` - position, volume, effective length l and area A_perp
  (``nuportal.earth.sites.Site`` satisfies it).

Implementations: :class:`SphericalTarget` (uniform-composition-free base: sphere centred at the
origin with the analytic cap), :class:`UniformSphereTarget` (constant densities, for tests and
toy studies), :class:`EarthTarget` (PREM + composition from :mod:`nuportal.earth`),
:class:`BoxDetector` (a detector given by position, volume and length) and
:class:`IsotropicPowerLawSource` (isotropic I0 E^-gamma, a stand-in for tests and benchmarks).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, runtime_checkable

import numpy as np

from nuportal.errors import NuportalInputError, require_range

__all__ = [
    "Source", "Target", "Detector", "SphericalTarget", "UniformSphereTarget", "EarthTarget",
    "BoxDetector", "IsotropicPowerLawSource", "sphere_cap_cos_max", "local_vertical",
]


@runtime_checkable
class Source(Protocol):
    """Neutrino source: ``intensity_at(E, X, v_hat) -> (I (2, 3, N), aux (N,))``.

    I[0 = nu / 1 = nubar, alpha = e, mu, tau] in (GeV cm^2 s sr)^-1 for a diffuse source; aux is a
    per-event diagnostic (for the atmosphere: cos of the zenith angle at the entry point W).
    """

    energy_range: tuple[float, float]
    diffuse: bool

    def intensity_at(self, energy, x_cm, v_hat): ...


@runtime_checkable
class Target(Protocol):
    """Material region in which neutrinos upscatter (cm, Earth-centred or detector coordinates)."""

    species: tuple[str, ...]

    def number_densities(self, x_cm): ...        # (n_species, N) nuclei per cm^3

    def contains(self, x_cm): ...                # (N,) bool

    def max_distance(self, y_cm) -> float: ...   # largest |X - Y| over the target (cm)

    def direction_cap(self, r_prime_cm, y_cm): ...  # (axis (3,), cos_max (N,)) or None


@runtime_checkable
class Detector(Protocol):
    """Detector treated as a point of area A_perp and effective length l (004 Eqs. 6-7)."""

    position_cm: np.ndarray
    volume_cm3: float
    length_cm: float
    area_cm2: float


def local_vertical(y_cm) -> np.ndarray:
    """Unit vector 'up' at the detector: Y / |Y| (+z if the detector sits at the origin)."""
    y = np.asarray(y_cm, float)
    norm = np.linalg.norm(y)
    return y / norm if norm > 0.0 else np.array([0.0, 0.0, 1.0])


def sphere_cap_cos_max(r_prime_cm, y_norm_cm: float, radius_cm: float):
    """Largest cos(theta') keeping X = Y + r' n_hat inside a sphere of radius R about the origin.

    theta' is measured from the local vertical Y/|Y|:  |Y + r' n|^2 < R^2  <=>
    cos(theta') < (R^2 - |Y|^2 - r'^2) / (2 r' |Y|); clipped to [-1, 1] (reference 004 Eq. 20 and
    the sampling of cos theta' "from angles that leave the interaction within the Earth").  One
    formula, one place: delegates to :func:`nuportal.earth.geometry.cos_theta_max_inside`.
    """
    from nuportal.earth.geometry import cos_theta_max_inside

    return cos_theta_max_inside(r_prime_cm, y_norm_cm, radius_cm)


class SphericalTarget:
    """Sphere of radius ``radius_cm`` centred at the origin (geometry part of a target)."""

    species: tuple[str, ...] = ()

    def __init__(self, radius_cm: float) -> None:
        require_range("target radius [cm]", radius_cm, 0.0, np.inf, low_open=True, high_open=True)
        self.radius_cm = float(radius_cm)

    def contains(self, x_cm):
        """True where |X| < R."""
        return np.einsum("ij,ij->i", x_cm, x_cm) < self.radius_cm**2

    def max_distance(self, y_cm) -> float:
        """R + |Y| (004 App. A.1: R_max = R_earth + |Y|)."""
        return self.radius_cm + float(np.linalg.norm(y_cm))

    def direction_cap(self, r_prime_cm, y_cm):
        """(local vertical at Y, cos_max(r')) from :func:`sphere_cap_cos_max`."""
        y_norm = float(np.linalg.norm(y_cm))
        return local_vertical(y_cm), sphere_cap_cos_max(r_prime_cm, y_norm, self.radius_cm)


class UniformSphereTarget(SphericalTarget):
    """Sphere of constant number densities (nuclei per cm^3), one per species."""

    def __init__(self, radius_cm: float, densities_per_cm3: dict[str, float]) -> None:
        super().__init__(radius_cm)
        if not densities_per_cm3:
            raise NuportalInputError("UniformSphereTarget needs at least one species density")
        for name, n in densities_per_cm3.items():
            require_range(f"number density of {name} [cm^-3]", n, 0.0, np.inf, high_open=True)
        self.species = tuple(densities_per_cm3)
        self._n = np.array([densities_per_cm3[s] for s in self.species], float)

    def number_densities(self, x_cm):
        """(n_species, N) densities, zero outside the sphere."""
        inside = self.contains(np.asarray(x_cm, float))
        return self._n[:, None] * inside[None, :]


class EarthTarget(SphericalTarget):
    """The Earth: PREM density and layer compositions (reference 004 App. C) via nuportal.earth.

    Parameters
    ----------
    ocean : bool
        PREM's 3 km ocean shell (True, the default) or upper-crust rock up to the surface (False:
        continental sites such as Kamioka); passed to
        :func:`nuportal.earth.composition.number_densities`.
    """

    def __init__(self, ocean: bool = True) -> None:
        from nuportal.earth import composition, prem

        super().__init__(prem.EARTH_RADIUS_CM)
        self.species = tuple(composition.ELEMENTS)
        self.ocean = bool(ocean)
        self._composition = composition

    def number_densities(self, x_cm):
        """(len(ELEMENTS), N) nuclei per cm^3 at |X| (004 Eq. 45)."""
        x = np.asarray(x_cm, float)
        r = np.sqrt(np.einsum("ij,ij->i", x, x))
        return np.asarray(self._composition.number_densities(r, ocean=self.ocean), float)


@dataclass(frozen=True)
class BoxDetector:
    """A detector given by its centre, volume V and effective length l = 4V/S; A_perp = V / l."""

    position_cm: np.ndarray
    volume_cm3: float
    length_cm: float

    def __post_init__(self) -> None:
        require_range("detector volume [cm^3]", self.volume_cm3, 0.0, np.inf, low_open=True,
                      high_open=True)
        require_range("detector length [cm]", self.length_cm, 0.0, np.inf, low_open=True,
                      high_open=True)
        object.__setattr__(self, "position_cm", np.asarray(self.position_cm, float).reshape(3))

    @property
    def area_cm2(self) -> float:
        """A_perp = V / l (cm^2)."""
        return self.volume_cm3 / self.length_cm


class IsotropicPowerLawSource:
    """Isotropic, position-independent intensity I = I0 (E / 1 GeV)^-gamma per flavour.

    Parameters
    ----------
    i0 : array_like (2, 3)
        Normalisation per (nu/nubar, e/mu/tau) in (GeV cm^2 s sr)^-1 at E = 1 GeV.
    gamma : float
        Spectral index.
    energy_range : (float, float)
        (E_min, E_max) in GeV.
    """

    diffuse = True

    def __init__(self, i0, gamma: float, energy_range: tuple[float, float]) -> None:
        self.i0 = np.asarray(i0, float).reshape(2, 3)
        require_range("intensity normalisation", self.i0, 0.0, np.inf, high_open=True)
        require_range("E_min [GeV]", energy_range[0], 0.0, np.inf, low_open=True, high_open=True)
        require_range("E_max [GeV]", energy_range[1], energy_range[0], np.inf, low_open=True)
        self.gamma = float(gamma)
        self.energy_range = (float(energy_range[0]), float(energy_range[1]))

    def intensity_at(self, energy, x_cm, v_hat):
        """(I (2, 3, N), cos of the travel direction w.r.t. -z (N,)) at the given points."""
        e = np.asarray(energy, float)
        spectrum = e ** (-self.gamma)
        return self.i0[:, :, None] * spectrum[None, None, :], -np.asarray(v_hat)[:, 2]
