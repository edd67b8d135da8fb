"""Peak scan -> BR(K+ -> l+ N) -> |U_l|^2 for the K+ -> l+ N searches of reference 001 (Figs. 3-5, 9).

The scan (:func:`nuportal.search.peaks.scan_peaks`) gives a limit on signal events inside the
window m +- k sigma(m); dividing by the Gaussian signal fraction in the window gives the limit on
all signal events N_UL, converted with :mod:`nuportal.recast.kaon` (reference 001, Sec. 3.2).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from nuportal.experiments.kaon_searches.config import PeakSearchConfig
from nuportal.experiments.kaon_searches.spectra import SyntheticSpectrum, synthetic_spectrum
from nuportal.recast.kaon import br_upper_limit, br_upper_limit_from_kl2, mixing_from_br
from nuportal.search.peaks import PeakScan, scan_peaks

__all__ = ["PeakSearchResult", "scan_masses", "br_limits", "run_peak_search"]


def scan_masses(cfg: PeakSearchConfig, step_GeV: float | None = None) -> np.ndarray:
    """Mass hypotheses (GeV) from ``scan.m_min_GeV`` to ``scan.m_max_GeV`` in fixed steps."""
    step = cfg.scan.step_GeV if step_GeV is None else float(step_GeV)
    n = int(np.floor((cfg.scan.m_max_GeV - cfg.scan.m_min_GeV) / step * (1 + 1e-9))) + 1
    return cfg.scan.m_min_GeV + step * np.arange(n)


def br_limits(cfg: PeakSearchConfig, n_ul_total, m_GeV):
    """BR(K+ -> l+ N) upper limits from signal-event limits with the configured normalisation.

    ``kl2_sample``: N_UL BR(K_l2) / (N_lnu A_N/A_lnu); ``kaon_decays``: N_UL / (N_K A_N).
    """
    acc = cfg.acceptance_at(m_GeV)
    if cfg.normalisation.kind == "kl2_sample":
        return br_upper_limit_from_kl2(n_ul_total, cfg.normalisation.n_events, acc, cfg.lepton)
    return br_upper_limit(n_ul_total, cfg.normalisation.n_events, acc)


@dataclass(frozen=True, eq=False)
class PeakSearchResult:
    """Synthetic spectrum, peak scan and the BR and |U_l|^2 limits of one K+ -> l+ N search."""

    config: PeakSearchConfig
    spectrum: SyntheticSpectrum
    scan: PeakScan
    n_ul_total: np.ndarray
    br_ul: np.ndarray
    u2_ul: np.ndarray

    def columns(self) -> dict:
        """CSV columns (units in the names): scan columns plus total-signal, BR and |U|^2 limits."""
        cols = self.scan.to_columns()
        cols["acceptance_model"] = self.config.acceptance_at(self.scan.masses)
        cols["signal_upper_total"] = self.n_ul_total
        cols["BR_upper_limit"] = self.br_ul
        cols[f"U2_{self.config.lepton}_upper_limit"] = self.u2_ul
        return cols


def run_peak_search(cfg: PeakSearchConfig, rng: np.random.Generator, *, n_mc: int | None = None,
                    step_GeV: float | None = None) -> PeakSearchResult:
    """Simulate the synthetic spectrum, scan it and convert the limits (reference 001, Sec. 3.2).

    Parameters
    ----------
    cfg : PeakSearchConfig
    rng : numpy.random.Generator
    n_mc : int, optional
        Simulated events per background component (default from the configuration).
    step_GeV : float, optional
        Scan step in GeV (default ``cfg.scan.step_GeV``, 1 MeV as in reference 001).
    """
    spectrum = synthetic_spectrum(cfg, rng, n_mc)
    masses = scan_masses(cfg, step_GeV)
    scan = scan_peaks(spectrum.to_binned(), masses, resolution=cfg.sigma_m, k=cfg.scan.k_window,
                      method=cfg.scan.method, cl=cfg.scan.cl)
    n_ul = np.asarray(scan.signal_upper, float) / scan.signal_fraction_in_window
    br = np.asarray(br_limits(cfg, n_ul, masses), float)
    u2 = np.asarray(mixing_from_br(br, masses, "K+", cfg.lepton), float)
    return PeakSearchResult(cfg, spectrum, scan, n_ul, br, u2)
