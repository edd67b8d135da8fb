"""Mass-mixing upscattering nu + target -> N + target via Z exchange (reference 004 Appendix B.2).

Interaction U G_F/sqrt2 [N-bar gamma^mu (1 - gamma5) nu] J^Z_mu: the SM neutral current with the
outgoing lepton massive.  Cross sections per |U|^2 = 1 in GeV^-4 (DIS in cm^2 per nucleon).
"""

from __future__ import annotations

import numpy as np

from nuportal import constants
from nuportal.nuclear.form_factors import axial_FA
from nuportal.production.upscattering._nucleon_ff import dirac_pauli

__all__ = ["coherent_dsigma_dQ2", "nc_form_factors", "llewellyn_smith_dsigma_dQ2", "nucleon_dsigma_dQ2",
           "dis_dsigma_dcos_per_nucleon", "DIS_COEFFICIENT_CM2"]

#: Leading coefficient of reference 004 Eq. 41 (cm^2 per GeV of E_nu), per nucleon.
DIS_COEFFICIENT_CM2 = 3e-39


def coherent_dsigma_dQ2(E, Q2, m, Q_w: float, F2) -> np.ndarray:
    """Coherent dsigma/dQ^2 = G_F^2 Q_w^2/(8 pi) (1 - m^2/4E^2 - Q^2/4E^2) |F|^2 (GeV^-4).

    Reference 004 Eq. 39 with the PDG weak charge Q_w = N - (1 - 4 sin^2 theta_W) Z (Eq. 39's
    G_F^2 Q_w^2/(2 pi) uses Q_w/2).  For F = 1, m = 0: sigma = G_F^2 Q_w^2 E^2/(4 pi) (CEvNS).
    Same for antineutrinos (pure vector coupling to a spin-0 nucleus).
    """
    gf = constants.value("G_F")
    bracket = 1.0 - (m * m + Q2) / (4.0 * E * E)
    return np.maximum(gf * gf * Q_w * Q_w / (8.0 * np.pi) * bracket * F2, 0.0)


def nc_form_factors(Q2, nucleon: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Neutral-current (F1^Z, F2^Z, F_A^Z) of "p"/"n" (no strange quarks).

    F^Z_{p} = (1/2 - 2 s_W^2) F^p - 1/2 F^n (F1 and F2), neutron with p <-> n;
    F_A^Z = +-1/2 g_A G_A (tau3 = +1 proton, -1 neutron), with F_A(Q^2) from :func:`axial_FA`.
    """
    s2w = constants.value("sin2_theta_W")
    other = {"p": "n", "n": "p"}[nucleon]
    gv = 0.5 - 2.0 * s2w
    (f1_s, f2_s), (f1_o, f2_o) = dirac_pauli(Q2, nucleon), dirac_pauli(Q2, other)
    f1 = gv * f1_s - 0.5 * f1_o
    f2 = gv * f2_s - 0.5 * f2_o
    fa = (0.5 if nucleon == "p" else -0.5) * axial_FA(Q2)
    return f1, f2, fa


def llewellyn_smith_dsigma_dQ2(E, Q2, m, M, F1, F2, FA, FP, sign) -> np.ndarray:
    """Llewellyn Smith (1972) dsigma/dQ^2 with a massive outgoing lepton (GeV^-4, coupling G_F/sqrt2).

    dsigma/dQ^2 = G_F^2 M^2/(8 pi E^2) [A + sign B (s-u)/M^2 + C (s-u)^2/M^4], s - u = 4ME - Q^2 - m^2,
    A, B, C as in Formaggio & Zeller, Rev. Mod. Phys. 84 (2012) 1307, Eq. 58 (cos theta_C -> 1,
    xi F_V^2 -> F2); sign = +1 for neutrinos, -1 for antineutrinos with F_A > 0 for the proton
    (Formaggio & Zeller write -+ with g_A < 0).
    """
    gf = constants.value("G_F")
    tau = Q2 / (4.0 * M * M)
    r = m * m / (4.0 * M * M)
    A = (m * m + Q2) / (M * M) * ((1 + tau) * FA**2 - (1 - tau) * F1**2 + tau * (1 - tau) * F2**2
                                  + 4 * tau * F1 * F2
                                  - r * ((F1 + F2) ** 2 + (FA + 2 * FP) ** 2 - (Q2 / (M * M) + 4) * FP**2))
    B = Q2 / (M * M) * FA * (F1 + F2)
    C = 0.25 * (FA**2 + F1**2 + tau * F2**2)
    su = 4.0 * M * E - Q2 - m * m
    out = gf * gf * M * M / (8.0 * np.pi * E * E) * (A + sign * B * su / (M * M) + C * su * su / M**4)
    return np.maximum(out, 0.0)


def nucleon_dsigma_dQ2(E, Q2, m, nucleon: str, M: float, antineutrino: bool = False) -> np.ndarray:
    """NC elastic nu + nucleon -> N + nucleon (GeV^-4): Llewellyn Smith with NC form factors.

    Pseudoscalar form factor from PCAC, F_P = 2 M^2 F_A^Z/(m_pi^2 + Q^2) (reference 004 B.2); it only
    enters with m^2/M^2.
    """
    f1, f2, fa = nc_form_factors(Q2, nucleon)
    m_pi = constants.mass("pi+")
    fp = 2.0 * M * M * fa / (m_pi * m_pi + Q2)
    return llewellyn_smith_dsigma_dQ2(E, Q2, m, M, f1, f2, fa, fp, -1.0 if antineutrino else 1.0)


def dis_dsigma_dcos_per_nucleon(E, m, M, one_minus_F2) -> np.ndarray:
    """Reference 004 Eq. 41 (the paper's parametrisation of its CT18 DIS integral), cm^2 per nucleon.

    dsigma/dcos = E/2 sqrt(1 - m^2/s) (1 - |F|^2) x 3e-39 cm^2 (E in GeV, s = M^2 + 2ME); flat in
    cos(Theta); the paper applies it per nucleon with the coherent form factor at Eq. 33's Q^2.
    """
    s = M * M + 2.0 * M * E
    return 0.5 * E * np.sqrt(np.maximum(1.0 - m * m / s, 0.0)) * one_minus_F2 * DIS_COEFFICIENT_CM2

