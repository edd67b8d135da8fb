"""Beyond reference 000: a binned shape analysis of the m2_miss spectrum.

For each HNL mass the reconstructed spectrum in m_N^2 +- ``half_width`` sigma is binned (bins of
``bin_sigma`` sigma); the signal template is the Gaussian resolution profile, the background the
vetoed radiative + K_e3 spectrum.  The median expected upper limit on the signal strength follows
from the profile-likelihood ratio on the Asimov background-only data set
(:func:`nuportal.stats.shape.upper_limit_asimov`); with the template normalised to |U_e|^2 = 1 the
strength *is* the |U_e|^2 limit.  f_visdecay is neglected here (it is < 1e-6 for the minimal model).
"""

from __future__ import annotations

import numpy as np
from scipy.special import ndtr

from nuportal.experiments.na62.background import BackgroundSpectrum
from nuportal.experiments.na62.config import NA62Config
from nuportal.experiments.na62.signal import SignalEfficiency
from nuportal.production import kl3
from nuportal.stats.shape import upper_limit_asimov

__all__ = ["templates", "shape_reach"]


def templates(cfg: NA62Config, scenario: str, background: BackgroundSpectrum,
              efficiency: SignalEfficiency, masses, half_width: float = 5.0,
              bin_sigma: float = 0.5):
    """Signal (per unit |U_e|^2) and background templates, shape (n_masses, n_bins)."""
    sigma = cfg.analysis.sigma_m2_GeV2
    n_k = cfg.scenarios[scenario].n_kaon
    m2 = np.square(np.asarray(masses, float))[:, None]
    offsets = np.arange(-half_width, half_width + 1e-9, bin_sigma) * sigma
    edges = m2 + offsets[None, :]
    lo, hi = edges[:, :-1], edges[:, 1:]
    bkg = n_k * background.window(lo, hi, veto=True)
    frac = ndtr((hi - m2) / sigma) - ndtr((lo - m2) / sigma)
    s_tot = n_k * kl3.br_over_U2(np.asarray(masses, float), "e") * efficiency(masses)
    return s_tot[:, None] * frac, bkg


def shape_reach(cfg: NA62Config, scenario: str, background: BackgroundSpectrum,
                efficiency: SignalEfficiency, masses, bkg_uncertainty: float = 0.0,
                method: str = "clsb"):
    """Median expected |U_e|^2 exclusion from the binned profile likelihood (Asimov)."""
    sig, bkg = templates(cfg, scenario, background, efficiency, masses)
    return upper_limit_asimov(sig, bkg, cl=cfg.analysis.cl, bkg_uncertainty=bkg_uncertainty,
                              method=method)
