"""The Earth for the atmospheric-upscattering engine: PREM density, composition, chords, sites.

Modules: :mod:`~nuportal.earth.prem` (density), :mod:`~nuportal.earth.composition` (number
densities, electron fraction), :mod:`~nuportal.earth.geometry` (entry points, zenith angles, chord
profiles for oscillations, sampling caps) and :mod:`~nuportal.earth.sites` (detector sites).
Earth-centred Cartesian coordinates in cm; detectors sit at (0, 0, R - depth).
"""

from nuportal.earth.prem import EARTH_RADIUS_CM

__all__ = ["EARTH_RADIUS_CM"]
