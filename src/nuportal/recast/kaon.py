"""Peak searches K+ -> l+ N: upper limit on signal events -> BR(K+ -> l+ N) -> |U_l|^2.

Reference 001 (NA48/2 and NA62 HNL searches, Sec. 3.2):

    BR(K+ -> l+ N) < N_UL / (N_K A_N(m_N)),                       (BR from events)
    |U_l|^2 < BR(K+ -> l+ N) / (BR(K+ -> l+ nu) rho_l(m_N)),       (BR to mixing)

with rho the Shrock factor of :func:`nuportal.production.meson.rho`.  When the kaon flux is measured
with the selected K_l2 sample, N_K = N_lnu / (BR(K_l2) A_lnu), hence

    BR_UL = N_UL A_lnu / (N_lnu A_N(m)) BR(K_l2).

Units: masses in GeV; event counts and acceptances are dimensionless.
"""

from __future__ import annotations

import numpy as np

from nuportal import constants as C
from nuportal.errors import NuportalInputError, require_range
from nuportal.production.meson import br_over_U2

__all__ = ["br_upper_limit", "n_kaon_from_kl2", "br_upper_limit_from_kl2", "mixing_from_br",
           "mass_range"]

_LEPTONS = ("e", "mu")
_MESONS = ("K+", "pi+")


def _result(value):
    value = np.asarray(value, dtype=float)
    return float(value) if value.ndim == 0 else value


def mass_range(meson: str = "K+", lepton: str = "mu") -> tuple[float, float]:
    """Open kinematic range (0, m_P - m_l) of the HNL mass in P+ -> l+ N, in GeV."""
    if meson not in _MESONS:
        raise NuportalInputError(f"meson {meson!r} is not one of {', '.join(_MESONS)}")
    if lepton not in _LEPTONS:
        raise NuportalInputError(f"lepton {lepton!r} is not one of {', '.join(_LEPTONS)}")
    return 0.0, C.mass(meson) - C.mass(lepton)


def br_upper_limit(n_ul, n_k, acceptance):
    """BR(K+ -> l+ N) upper limit N_UL / (N_K A(m)) (reference 001, Sec. 3.2), vectorised.

    Parameters
    ----------
    n_ul : float or array_like
        Upper limit on the number of signal events (>= 0).
    n_k : float or array_like
        Number of kaon decays in the fiducial volume (> 0).
    acceptance : float or array_like
        Signal acceptance A_N(m_N) in (0, 1].
    """
    require_range("N_UL (signal-event upper limit)", n_ul, 0.0, np.inf, high_open=True)
    require_range("N_K (kaon decays)", n_k, 0.0, np.inf, low_open=True, high_open=True)
    require_range("signal acceptance A_N", acceptance, 0.0, 1.0, low_open=True)
    return _result(np.asarray(n_ul, float) / (np.asarray(n_k, float) * np.asarray(acceptance, float)))


def n_kaon_from_kl2(n_lnu, acceptance_lnu, lepton: str = "mu"):
    """Kaon decays N_K = N_lnu / (BR(K+ -> l+ nu) A_lnu) from a selected K_l2 sample.

    Parameters
    ----------
    n_lnu : float or array_like
        Selected K+ -> l+ nu events (> 0).
    acceptance_lnu : float or array_like
        Acceptance of the K_l2 selection in (0, 1].
    lepton : {"e", "mu"}
    """
    mass_range("K+", lepton)
    require_range("N_lnu (selected K_l2 events)", n_lnu, 0.0, np.inf, low_open=True, high_open=True)
    require_range("A_lnu (K_l2 acceptance)", acceptance_lnu, 0.0, 1.0, low_open=True)
    br = C.value("BR_K_mu2" if lepton == "mu" else "BR_K_e2")
    return _result(np.asarray(n_lnu, float) / (br * np.asarray(acceptance_lnu, float)))


def br_upper_limit_from_kl2(n_ul, n_lnu, acceptance_ratio, lepton: str = "mu"):
    """BR_UL = N_UL BR(K_l2) / (N_lnu A_N/A_lnu), the K_l2-normalised form of reference 001.

    Parameters
    ----------
    n_ul : float or array_like
        Upper limit on signal events (>= 0).
    n_lnu : float
        Selected K_l2 events (> 0).
    acceptance_ratio : float or array_like
        A_N(m_N) / A_lnu (> 0; may exceed 1).
    lepton : {"e", "mu"}
    """
    require_range("A_N / A_lnu (acceptance ratio)", acceptance_ratio, 0.0, np.inf, low_open=True,
                  high_open=True)
    n_k_times_a_lnu = n_kaon_from_kl2(n_lnu, 1.0, lepton)
    require_range("N_UL (signal-event upper limit)", n_ul, 0.0, np.inf, high_open=True)
    return _result(np.asarray(n_ul, float) / (n_k_times_a_lnu * np.asarray(acceptance_ratio, float)))


def mixing_from_br(br_ul, m_n, meson: str = "K+", lepton: str = "mu"):
    """|U_l|^2 limit = BR_UL / (BR(P+ -> l+ nu) rho_l(m_N)) (reference 001, Sec. 3.2), vectorised.

    Parameters
    ----------
    br_ul : float or array_like
        Upper limit on BR(P+ -> l+ N) (>= 0).
    m_n : float or array_like
        HNL mass in GeV, inside the open kinematic range (0, m_P - m_l) (see :func:`mass_range`).
    meson : {"K+", "pi+"}
    lepton : {"e", "mu"}

    Raises
    ------
    NuportalInputError
        For a mass outside the kinematic range or a negative / non-finite BR.
    """
    low, high = mass_range(meson, lepton)
    require_range(f"HNL mass [GeV] in {meson} -> {lepton}+ N", m_n, low, high, low_open=True,
                  high_open=True)
    require_range("BR upper limit", br_ul, 0.0, np.inf, high_open=True)
    return _result(np.asarray(br_ul, float) / br_over_U2(np.asarray(m_n, float), meson, lepton))
