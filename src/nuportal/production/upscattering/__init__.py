"""HNL production by neutrino upscattering on nuclei (reference 004 Appendix B).

``channels(portal, nucleus)`` returns the list of :class:`UpscatterChannel` objects the Monte Carlo
engine samples: dipole -> coherent (forward) + proton + neutron elastic (Eq. 32); mixing -> coherent
(Eq. 39) + NC quasi-elastic on protons and neutrons (Llewellyn Smith) + DIS (Eq. 41).  A free proton
("H") has no coherent channel.
"""

from __future__ import annotations

from nuportal.errors import NuportalInputError
from nuportal.nuclear.nuclei import Nucleus, get_nucleus
from nuportal.production.upscattering.channels import (
    CoherentChannel,
    DISChannel,
    NucleonChannel,
    UpscatterChannel,
)

__all__ = ["channels", "UpscatterChannel", "CoherentChannel", "NucleonChannel", "DISChannel"]

PORTALS = ("dipole", "mixing")


def channels(portal: str, nucleus: str | Nucleus, *, coherent_m4_sign: int = -1,
             atomic_screening: bool = False) -> list[UpscatterChannel]:
    """Upscattering channels of ``portal`` ("dipole" | "mixing") on ``nucleus`` ("Fe", "O16", "H", ...).

    ``coherent_m4_sign``: -1 (physical) or +1 (the dipole coherent sign of reference 004's code);
    ``atomic_screening``: screen the dipole coherent channel by the atomic electrons (option, default off).
    """
    if coherent_m4_sign not in (-1, 1):
        raise NuportalInputError(f"coherent_m4_sign = {coherent_m4_sign!r} is not one of -1, +1")
    if portal not in PORTALS:
        raise NuportalInputError(f"portal = {portal!r}; allowed: {', '.join(PORTALS)}")
    nuc = get_nucleus(nucleus)
    out: list[UpscatterChannel] = []
    if not nuc.is_free_nucleon:
        out.append(CoherentChannel(f"{portal}-coherent-{nuc.symbol}", portal, nuc, portal == "dipole",
                                   m4_sign=coherent_m4_sign, screening=bool(atomic_screening)))
    pauli = {"p": "pauli", "n": "pauli" if portal == "mixing" else "none"}
    for nucleon in ("p", "n"):
        if nucleon == "n" and nuc.A == nuc.Z:
            continue
        # dipole: photon pole dsigma/dt ~ 1/|t| -> forward (log) angle sampling; mixing: flat at small Q^2
        out.append(NucleonChannel(f"{portal}-{nucleon}-elastic-{nuc.symbol}", portal, nuc, portal == "dipole",
                                  nucleon=nucleon, multiplicity_factor=pauli[nucleon]))
    if portal == "mixing":
        out.append(DISChannel(f"mixing-dis-{nuc.symbol}", portal, nuc, False))
    return out
