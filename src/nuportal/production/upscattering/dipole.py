"""Dipole-portal upscattering nu + target -> N + target (reference 004 Sec. II, Appendix B.1).

Lagrangian L = d F^{mu nu} N-bar sigma_{mu nu} P_L nu + h.c. (reference 004 Eq. 2): vertex
2 d sigma^{mu nu} q_nu P_L, i.e. d = mu_nu/2 for a Dirac transition magnetic moment mu_nu with
L = -(mu_nu/2) psi-bar sigma F psi.  The operator flips chirality (nu_L -> N_R): for m_N -> 0 the
N is produced with helicity +1/2 (helicity flip); the m_N^2 terms below come from the
helicity-conserving (-1/2) admixture of the right-chiral N spinor (weight (E - k)/(2E) ~ m^2/4E^2).
Cross sections in GeV^-4 for d = 1 GeV^-1 (they scale as d^2); the incoming neutrino is purely
left-handed (no spin average), the nucleon/nucleus spin is averaged.  Same result for antineutrinos.
"""

from __future__ import annotations

import numpy as np

from nuportal import constants
from nuportal.production.upscattering._nucleon_ff import dirac_pauli

__all__ = ["coherent_dsigma_dQ2", "coherent_dsigma_du", "nucleon_dsigma_dt"]


def coherent_dsigma_dQ2(E, Q2, m, Z: int, F2) -> np.ndarray:
    """Coherent dsigma/dQ^2 on a spin-0 nucleus in the static limit (GeV^-4, d = 1 GeV^-1).

    dsigma/dQ^2 = 4 alpha Z^2 |F|^2 / Q^2 (1 - m^2/(4E^2) - m^4/(4 E^2 Q^2)),
    derived from the trace with J^mu = 2M delta^mu_0 (reference 004 Eq. 9 prints the last term as
    m^4/(E^2 Q^2), which turns negative at Q_min = E - k; the factor 1/4 is required).  The m -> 0 limit
    alpha mu^2 Z^2/Q^2 with mu = 2d is the textbook magnetic-moment result dsigma/dT = alpha mu^2 Z^2/T.

    Parameters
    ----------
    E, Q2, m : array_like
        Neutrino energy (GeV), Q^2 = -t (GeV^2), HNL mass (GeV).
    Z : int
        Nuclear charge.
    F2 : array_like
        Squared nuclear charge form factor |F(Q^2)|^2.
    """
    alpha = constants.value("alpha_em")
    bracket = 1.0 - m * m / (4.0 * E * E) - m**4 / (4.0 * E * E * Q2)
    return np.maximum(4.0 * alpha * Z * Z * F2 / Q2 * bracket, 0.0)


def coherent_dsigma_du(E, u, m, Z: int, F2, m4_sign: int = -1) -> np.ndarray:
    """Coherent dsigma/du = 2 E k dsigma/dQ^2 (GeV^-4, d = 1 GeV^-1), u = 1 - cos(Theta), static target.

    Same physics as :func:`coherent_dsigma_dQ2` at Q^2 = Q^2_min + 2 E k u (reference 004 Eq. 33), written
    without cancellation for u -> 0: with Q^2_min = (E - k)^2 = m^4 / (E + k)^2 the bracket is
        1 - m^2/(4E^2) - m^4/(4 E^2 Q^2) = m^2 / (2 E (E + k)) + (E + k)^2 k u / (2 E Q^2),
    two non-negative terms (the first is the helicity-conserving remainder (E - k)/(2E) at Q^2_min).
    ``F2`` is |F|^2 at that Q^2.  Q^2 = 0 (m = 0 and u = 0 only) is taken as 1e-300 GeV^2.

    ``m4_sign = +1`` reproduces the sign error of reference 004's public code (Atmo-UpScatt
    ``sourceCode/dipoleModule.py``, ``d_sigma_d_cos_Theta_coherent``: ``4 E^2 - m^2 + m^4/t`` with its
    t = +Q^2), i.e. the bracket 1 - m^2/(4E^2) + m^4/(4 E^2 Q^2); for convention studies only.
    """
    alpha = constants.value("alpha_em")
    k = np.sqrt(np.maximum((E - m) * (E + m), 0.0))
    ek = E + k
    Q2 = np.maximum((m * m / ek) ** 2 + 2.0 * E * k * u, 1e-300)
    bracket = m * m / (2.0 * E * ek) + ek * ek * k * u / (2.0 * E * Q2)
    if m4_sign == 1:
        bracket = bracket + m**4 / (2.0 * E * E * Q2)
    elif m4_sign != -1:
        raise ValueError(f"m4_sign = {m4_sign} is not one of -1 (physical), +1 (reference 004 code)")
    return 8.0 * alpha * Z * Z * F2 * E * k / Q2 * bracket


def nucleon_dsigma_dt(E, t, m, nucleon: str, M: float) -> np.ndarray:
    """Elastic nu + nucleon -> N + nucleon dsigma/dt (GeV^-4, d = 1 GeV^-1), full nucleon recoil.

    Contraction of the dipole lepton tensor with the conserved nucleon tensor
    H^{mu nu}/4M^2 = -tau G_M^2 g^{mu nu} + (G_E^2 + tau G_M^2)/(1 + tau) P^mu P^nu / M^2:
        dsigma/dt = alpha / (t^2 (s - M^2)^2) { t G_M^2 (t^2 + t m^2 - 2 m^4)
                     - 2 (G_E^2 + tau G_M^2)/(1 + tau) [8 t (P.k)^2 + 2 P^2 m^2 (m^2 - t)] },
    P.k = M E + (t - m^2)/4, P^2 = M^2 - t/4, tau = -t/4M^2, G_E = F1 - tau F2, G_M = F1 + F2
    (F1, F2 from reference 004 Eqs. 37-38).  This replaces reference 004 Eq. 34, whose printed form
    keeps only the g^{mu nu} structure; it reduces to alpha mu^2 (1/|t| - 1/(2ME)) for a point
    Dirac particle at m = 0, and is checked against an explicit Dirac-matrix trace in the tests.
    """
    alpha = constants.value("alpha_em")
    Q2 = -t
    f1, f2 = dirac_pauli(Q2, nucleon)
    tau = Q2 / (4.0 * M * M)
    ge, gm = f1 - tau * f2, f1 + f2
    c2 = (ge * ge + tau * gm * gm) / (1.0 + tau)
    pk = M * E + (t - m * m) / 4.0
    p2 = M * M - t / 4.0
    curly = t * gm * gm * (t * t + t * m * m - 2.0 * m**4) - 2.0 * c2 * (8.0 * t * pk * pk
                                                                        + 2.0 * p2 * m * m * (m * m - t))
    s_minus = 2.0 * M * E
    return np.maximum(alpha * curly / (t * t * s_minus * s_minus), 0.0)
