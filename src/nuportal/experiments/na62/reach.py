"""Projected NA62 reach on |U_e|^2 from K+ -> pi0 e+ N (reference 000, Sec. IV, Eqs. 2-3).

Rolling window m2_miss in [m_N^2 - k sigma, m_N^2 + k sigma]; the signal inside the window is
s = erf(k / sqrt 2) * s_tot.  Detection sensitivity (90% CL local): s >= z sqrt(b); median expected
exclusion: s >= z sqrt(b + s); exact Poisson versions where b is small (``statistics`` setting).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np
from scipy.special import erf

from nuportal.errors import NuportalInputError
from nuportal.experiments.na62.background import BackgroundSpectrum
from nuportal.experiments.na62.config import NA62Config
from nuportal.experiments.na62.signal import SignalEfficiency, visible_decay_fraction
from nuportal.model import HNL
from nuportal.production import kl3
from nuportal.stats.counting import signal_needed

__all__ = ["ReachCurve", "reach_curve", "window_bounds", "k_scan", "mass_grid"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ReachCurve:
    """Projected |U_e|^2 sensitivity of one scenario versus HNL mass (all arrays per mass)."""

    scenario: str
    n_kaon: float
    m_N_GeV: np.ndarray
    U2_e_detection: np.ndarray
    U2_e_median_exclusion: np.ndarray
    background: np.ndarray          # b in the window (events)
    background_mc_rel_error: np.ndarray  # relative Monte Carlo uncertainty of b
    signal_detection: np.ndarray    # s needed in the window for detection
    signal_exclusion: np.ndarray    # s needed in the window for median exclusion
    eps_sig: np.ndarray
    eps_sig_mc_error: np.ndarray
    eps_veto: np.ndarray            # mean veto efficiency of the background in the window
    br_over_U2: np.ndarray
    f_visdecay: np.ndarray

    def columns(self) -> dict[str, np.ndarray]:
        """Output columns with unit-bearing names, in CSV order."""
        return {
            "m_N_GeV": self.m_N_GeV,
            "U2_e_detection": self.U2_e_detection,
            "U2_e_median_exclusion": self.U2_e_median_exclusion,
            "background_in_window": self.background,
            "background_mc_rel_error": self.background_mc_rel_error,
            "signal_needed_detection": self.signal_detection,
            "signal_needed_exclusion": self.signal_exclusion,
            "eps_sig": self.eps_sig,
            "eps_sig_mc_error": self.eps_sig_mc_error,
            "eps_veto_bkg": self.eps_veto,
            "BR_over_U2": self.br_over_U2,
            "f_visdecay": self.f_visdecay,
        }


def mass_grid(cfg: NA62Config) -> np.ndarray:
    """The configured HNL mass grid in GeV."""
    a = cfg.analysis
    return np.linspace(a.mass_min_GeV, a.mass_max_GeV, a.n_masses)


def window_bounds(m_n, sigma_m2: float, k: float):
    """Signal window [m_N^2 - k sigma, m_N^2 + k sigma] in GeV^2."""
    k = np.asarray(k, float)
    bad_k = ~((k > 0) & np.isfinite(k))
    if np.any(bad_k):
        bad = k[bad_k].flat[0] if k.ndim else float(k)
        raise NuportalInputError(f"window half-width k = {bad:g} is outside the allowed range "
                                 "(0, inf)")
    m2 = np.square(np.asarray(m_n, float))
    return m2 - k * sigma_m2, m2 + k * sigma_m2


def _with_signal(m, efficiency: SignalEfficiency):
    """Drop masses where the acceptance vanishes (no sensitivity), with a warning."""
    keep = efficiency(m) > 0
    if not np.all(keep):
        log.warning("no signal acceptance for m_N >= %.4f GeV: %d masses dropped",
                    m[~keep].min(), int((~keep).sum()))
    if not np.any(keep):
        raise NuportalInputError("no HNL mass in the requested range has signal acceptance")
    return m[keep]


def _solve_U2(s_needed, a_per_U2, f_vis_fn):
    """Solve s_needed = a U2 (1 - f_vis(U2)) by fixed-point iteration (f_vis is tiny in practice)."""
    u2 = s_needed / a_per_U2
    for _ in range(20):
        f = f_vis_fn(u2)
        new = s_needed / (a_per_U2 * np.clip(1.0 - f, 1e-12, None))
        if np.all(np.abs(new - u2) <= 1e-9 * u2):
            break
        u2 = new
    return u2, f_vis_fn(u2)


def reach_curve(cfg: NA62Config, scenario: str, background: BackgroundSpectrum,
                efficiency: SignalEfficiency, masses=None, majorana: bool = True) -> ReachCurve:
    """Detection and median-exclusion |U_e|^2 versus mass for one scenario."""
    if scenario not in cfg.scenarios:
        raise NuportalInputError(
            f"unknown scenario {scenario!r}; allowed: {', '.join(cfg.scenarios)}")
    m = mass_grid(cfg) if masses is None else np.asarray(masses, float)
    end = kl3.endpoint("e")
    if np.any((m <= 0) | (m >= end)):
        bad = m[(m <= 0) | (m >= end)][0]
        raise NuportalInputError(f"m_N = {bad:g} GeV is outside the allowed range (0, {end:.6f})")
    a = cfg.analysis
    n_k = cfg.scenarios[scenario].n_kaon
    m = _with_signal(m, efficiency)
    lo, hi = window_bounds(m, a.sigma_m2_GeV2, a.k_window)
    b_veto = background.window(lo, hi, veto=True)
    b_all = background.window(lo, hi, veto=False)
    b = n_k * b_veto
    b_err = np.divide(np.sqrt(background.window_mc_variance(lo, hi)), b_veto,
                      out=np.zeros_like(b_veto), where=b_veto > 0)
    eps_veto = np.divide(b_veto, b_all, out=np.zeros_like(b_all), where=b_all > 0)
    s_det = signal_needed(b, a.cl, kind="detection", stats=a.statistics,
                          expected=a.poisson_expected)
    s_exc = signal_needed(b, a.cl, kind="exclusion", stats=a.statistics,
                          expected=a.poisson_expected)
    br1 = kl3.br_over_U2(m, "e")
    eps = efficiency(m)
    a_per_u2 = n_k * br1 * eps * erf(a.k_window / np.sqrt(2.0))
    u_det, u_exc, f_vis = [], [], []
    for i, mi in enumerate(m):
        j = efficiency.nearest(mi)
        mom, path = efficiency.hnl_momentum[j], efficiency.path_to_end_m[j]

        def fv(u2, mi=mi, mom=mom, path=path):
            u2 = float(np.clip(u2, 0.0, 1.0))
            return visible_decay_fraction(HNL(mi, {"e": u2}, majorana=majorana), mom, path)

        ud, _ = _solve_U2(s_det[i], a_per_u2[i], fv)
        ue, fe = _solve_U2(s_exc[i], a_per_u2[i], fv)
        u_det.append(ud)
        u_exc.append(ue)
        f_vis.append(fe)
    return ReachCurve(scenario, n_k, m, np.array(u_det), np.array(u_exc), b, b_err, s_det, s_exc,
                      eps, efficiency.error(m),
                      eps_veto, br1, np.array(f_vis))


def k_scan(cfg: NA62Config, background: BackgroundSpectrum, m_n: float, ks=None):
    """s/sqrt(b) (up to a constant) versus the window half-width k at mass ``m_n``.

    The signal fraction in the window is erf(k/sqrt2); the background is integrated over the
    window, so the optimum is found without the narrow-window approximation of Eq. (2).
    """
    ks = np.linspace(0.2, 3.0, 29) if ks is None else np.asarray(ks, float)
    lo, hi = window_bounds(m_n, cfg.analysis.sigma_m2_GeV2, ks)
    b = background.window(lo, hi, veto=True)
    return ks, erf(ks / np.sqrt(2.0)) / np.sqrt(b)
