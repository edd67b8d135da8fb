"""The HNL parameter point: mass, mixings, dipole couplings, Majorana/Dirac, extra invisible width.

All couplings are validated on construction: |U_alpha|^2 in [0, 1], dipole couplings d_alpha >= 0
(GeV^-1), mass > 0 (GeV), extra invisible width >= 0 (GeV).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from nuportal.errors import NuportalInputError, require_range

__all__ = ["HNL", "FLAVOURS"]

FLAVOURS = ("e", "mu", "tau")


@dataclass(frozen=True)
class HNL:
    """One heavy neutral lepton.

    Parameters
    ----------
    mass : float
        HNL mass in GeV, > 0.
    U2 : dict, optional
        Squared mixing angles ``{"e": |U_e|^2, "mu": |U_mu|^2, "tau": |U_tau|^2}``, each in [0, 1].
    d : dict, optional
        Transition-magnetic-moment (dipole) couplings to the active flavours in GeV^-1, each >= 0
        (convention of reference 004, Eq. 8: Gamma(N -> nu gamma) = d^2 m^3 / (4 pi)).
    majorana : bool
        True for a Majorana HNL, False for a Dirac HNL.
    extra_invisible_width : float
        Additional width into invisible hidden-sector states, in GeV (>= 0).
    """

    mass: float
    U2: dict = field(default_factory=dict)
    d: dict = field(default_factory=dict)
    majorana: bool = True
    extra_invisible_width: float = 0.0

    def __post_init__(self) -> None:
        require_range("HNL mass [GeV]", self.mass, 0.0, np.inf, low_open=True, high_open=True)
        object.__setattr__(self, "U2", self._flavour_dict("|U|^2", self.U2, 1.0))
        if sum(self.U2.values()) > 1.0:
            raise NuportalInputError(
                f"sum |U_e|^2 + |U_mu|^2 + |U_tau|^2 = {sum(self.U2.values()):g} is outside the allowed "
                "range [0, 1] (unitarity of the mixing matrix)")
        object.__setattr__(self, "d", self._flavour_dict("dipole d [GeV^-1]", self.d, np.inf))
        require_range("extra invisible width [GeV]", self.extra_invisible_width, 0.0, np.inf)

    @staticmethod
    def _flavour_dict(label: str, values: dict, upper: float) -> dict:
        unknown = set(values) - set(FLAVOURS)
        if unknown:
            raise NuportalInputError(
                f"unknown flavour(s) {sorted(unknown)} for {label}; allowed: {', '.join(FLAVOURS)}"
            )
        out = {}
        for fl in FLAVOURS:
            v = float(values.get(fl, 0.0))
            require_range(f"{label}_{fl}", v, 0.0, upper, high_open=upper == np.inf)
            out[fl] = v
        return out

    @property
    def U2_total(self) -> float:
        """Sum of the squared mixings, sum_alpha |U_alpha|^2."""
        return sum(self.U2.values())

    @property
    def dirac(self) -> bool:
        """True for a Dirac HNL."""
        return not self.majorana

    def with_mass(self, mass: float) -> HNL:
        """A copy of this HNL with another mass (same couplings)."""
        return HNL(mass, dict(self.U2), dict(self.d), self.majorana, self.extra_invisible_width)
