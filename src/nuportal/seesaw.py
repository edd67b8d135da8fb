"""Type-I seesaw lower bounds on the mixing of two quasi-degenerate HNLs (reference 000, Fig. 4).

With two HNLs of mass M (a quasi-Dirac pair) the lightest neutrino is massless and the Casas-Ibarra
parametrisation Theta = i U_nu m^(1/2) R^dagger M^(-1/2) has one complex angle omega = phi + i gamma
(R R^T = 1). Summing over the pair,

    M |U_a|^2 = cosh(2 gamma) A_a + sinh(2 gamma) B_a,    A_a = m_j |U_aj|^2 + m_k |U_ak|^2,

with (j, k) = (2, 3) for the normal and (1, 2) for the inverted ordering, and |B_a| <= 2 sqrt(m_j m_k)
|U_aj| |U_ak| (equality for a suitable Majorana phase). The minimum over gamma and the phases is

    M |U_a|^2 >= sqrt(A_a^2 - B_max^2) = | m_j |U_aj|^2 - m_k |U_ak|^2 |,

the "seesaw bound" of the paper's Fig. 4 (a lower bound on |U_e|^2, below the usual bound on the total
U^2 = sum_a |U_a|^2 >= (m_j + m_k) / M). ``tests/test_seesaw.py`` checks it against a direct
minimisation over the Casas-Ibarra parameters.
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files

import numpy as np

from nuportal import _yaml
from nuportal.errors import NuportalInputError, require_range

__all__ = ["ORDERINGS", "light_masses_eV", "pmns_abs2_e", "seesaw_lower_bound_U2"]

ORDERINGS = ("normal", "inverted")


@cache
def _inputs(ordering: str) -> dict:
    """Splittings and angles: the normal ordering is the oscillation engine's own NuFit 5.0 set
    (``data/oscillation/nufit.yaml``), the inverted one ``data/oscillation/seesaw.yaml``."""
    if ordering not in ORDERINGS:
        raise NuportalInputError(f"ordering {ordering!r} is not one of {', '.join(ORDERINGS)}")
    if ordering == "normal":
        from nuportal.oscillation.matter import OscillationParameters

        p = OscillationParameters.from_data()
        return {"dm21_sq_eV2": p.dm21_sq_eV2, "dm3l_sq_eV2": p.dm31_sq_eV2, "theta12_deg": p.theta12_deg,
                "theta13_deg": p.theta13_deg, "theta23_deg": p.theta23_deg}
    return _yaml.safe_load(files("nuportal").joinpath("data/oscillation/seesaw.yaml").read_text())[ordering]


def light_masses_eV(ordering: str = "normal") -> np.ndarray:
    """(m1, m2, m3) in eV with the lightest one massless."""
    p = _inputs(ordering)
    dm21, dm3l = p["dm21_sq_eV2"], p["dm3l_sq_eV2"]
    if ordering == "normal":
        return np.sqrt([0.0, dm21, dm3l])
    m2 = np.sqrt(-dm3l)
    return np.array([np.sqrt(m2**2 - dm21), m2, 0.0])


def pmns_abs2_e(ordering: str = "normal") -> np.ndarray:
    """|U_ei|^2 (i = 1, 2, 3) of the PMNS matrix (independent of every CP phase)."""
    p = _inputs(ordering)
    s12, s13 = (np.sin(np.radians(p[k])) ** 2 for k in ("theta12_deg", "theta13_deg"))
    return np.array([(1 - s12) * (1 - s13), s12 * (1 - s13), s13])


def seesaw_lower_bound_U2(mass_GeV, flavour: str = "e", ordering: str = "normal"):
    """Smallest |U_e|^2 = sum over a quasi-degenerate HNL pair of mass ``mass_GeV`` (GeV) that gives the
    observed light-neutrino masses (lightest massless). Vectorised over the mass.

    Only ``flavour = "e"``: the mu and tau rows depend on the (poorly known) Dirac phase.
    """
    require_range("HNL mass [GeV]", mass_GeV, 0.0, np.inf, low_open=True, high_open=True)
    if flavour != "e":
        raise NuportalInputError(f"flavour {flavour!r}: only the e bound is provided (mu and tau depend on "
                                 "the Dirac phase)")
    m = light_masses_eV(ordering)
    u2 = pmns_abs2_e(ordering)
    j, k = (1, 2) if ordering == "normal" else (0, 1)
    bound_eV = abs(m[j] * u2[j] - m[k] * u2[k])
    out = bound_eV * 1e-9 / np.asarray(mass_GeV, float)
    return float(out) if np.ndim(out) == 0 else out
