"""Weighted Monte Carlo of neutrino upscattering into HNLs (reference 004 Eq. 7, Appendix A).

Simulate once per HNL mass (:func:`simulate`), then reweight to every coupling
(:func:`expected_events`); visible decay products come from :mod:`nuportal.mc.decay_products`.
"""

from nuportal.mc.events import UpscatterEvents
from nuportal.mc.reweight import decay_model, event_rates, expected_events
from nuportal.mc.targets import BoxDetector, EarthTarget, IsotropicPowerLawSource, UniformSphereTarget
from nuportal.mc.upscatter import PORTALS, default_channels, simulate

__all__ = [
    "UpscatterEvents", "simulate", "default_channels", "PORTALS", "expected_events", "event_rates",
    "decay_model", "EarthTarget", "UniformSphereTarget", "BoxDetector", "IsotropicPowerLawSource",
]
