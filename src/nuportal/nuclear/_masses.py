"""Nucleon masses (GeV) from the PDG table shipped in ``data/pdg.yaml`` (made from `particle`)."""

from __future__ import annotations

from functools import cache

from nuportal.constants import mass

__all__ = ["proton_mass", "neutron_mass", "nucleon_mass"]


@cache
def proton_mass() -> float:
    """Proton mass in GeV (PDG)."""
    return mass("p")


@cache
def neutron_mass() -> float:
    """Neutron mass in GeV (PDG)."""
    return mass("n")


@cache
def nucleon_mass() -> float:
    """Average nucleon mass (m_p + m_n)/2 in GeV, used in the nucleon form factors' tau = Q^2/4M^2."""
    return 0.5 * (proton_mass() + neutron_mass())
