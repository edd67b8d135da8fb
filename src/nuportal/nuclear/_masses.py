"""Nucleon masses from the PDG tables of the `particle` package (GeV)."""

from __future__ import annotations

from functools import cache

from particle import Particle

__all__ = ["proton_mass", "neutron_mass", "nucleon_mass"]


@cache
def proton_mass() -> float:
    """Proton mass in GeV (PDG via `particle`)."""
    return Particle.from_pdgid(2212).mass / 1000.0


@cache
def neutron_mass() -> float:
    """Neutron mass in GeV (PDG via `particle`)."""
    return Particle.from_pdgid(2112).mass / 1000.0


@cache
def nucleon_mass() -> float:
    """Average nucleon mass (m_p + m_n)/2 in GeV, used in the nucleon form factors' tau = Q^2/4M^2."""
    return 0.5 * (proton_mass() + neutron_mass())
