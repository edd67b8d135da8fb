"""Two-body leptonic meson decays to an HNL: P+ -> l+ N (P = pi, K).

Shrock, Phys. Lett. B 96 (1980) 159 and Phys. Rev. D 24 (1981) 1232; the form used by the NA62
peak searches (reference 001, Eq. for rho):

    BR(P+ -> l+ N) = BR(P+ -> l+ nu) * rho_l(m_N) * |U_l|^2,
    rho_l(m_N) = (x + y - (x - y)^2) sqrt(lambda(1, x, y)) / (x (1 - x)^2),

with x = (m_l / m_P)^2, y = (m_N / m_P)^2 and the Kallen function lambda.  rho -> 1 as m_N -> 0 and
exceeds 1 (helicity-suppression lifted) for m_N >> m_l.
"""

from __future__ import annotations

import numpy as np

from nuportal import constants as C
from nuportal.kinematics import kallen

__all__ = ["rho", "br_over_U2", "MESONS"]

#: (meson, lepton) -> measured SM branching ratio used for normalisation
_SM_BR = {
    ("K+", "e"): "BR_K_e2",
    ("K+", "mu"): "BR_K_mu2",
    ("pi+", "e"): "BR_pi_e2",
    ("pi+", "mu"): "BR_pi_mu2",
}
MESONS = ("K+", "pi+")


def rho(m_n, meson="K+", lepton="e"):
    """Shrock kinematic factor rho_l(m_N) for P+ -> l+ N; zero above threshold m_P - m_l.

    Parameters
    ----------
    m_n : float or array_like
        HNL mass in GeV (>= 0).
    meson : {"K+", "pi+"}
    lepton : {"e", "mu"}
    """
    m_p, m_l = C.mass(meson), C.mass(lepton)
    x = (m_l / m_p) ** 2
    y = np.square(np.asarray(m_n, float) / m_p)
    lam = kallen(1.0, x, y)
    val = (x + y - (x - y) ** 2) * np.sqrt(np.clip(lam, 0.0, None)) / (x * (1.0 - x) ** 2)
    return np.where(np.asarray(m_n) < m_p - m_l, val, 0.0)


def br_over_U2(m_n, meson="K+", lepton="e"):
    """BR(P+ -> l+ N) / |U_l|^2 = BR(P+ -> l+ nu) * rho_l(m_N) (measured SM BR, PDG 2024)."""
    out = C.value(_SM_BR[(meson, lepton)]) * rho(m_n, meson, lepton)
    return float(out) if np.ndim(m_n) == 0 else out  # scalar in, scalar out
