"""Neutrino sources: atmospheric intensity tables and the sources the Monte Carlo engine samples."""

from nuportal.flux.atmospheric import FLAVOURS, HondaFlux, load_honda
from nuportal.flux.sources import AtmosphericSource

__all__ = ["FLAVOURS", "AtmosphericSource", "HondaFlux", "load_honda"]
