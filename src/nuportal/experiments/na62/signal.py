"""Signal model of reference 000, Eq. (1): s_tot = N_K * BR(K+ -> pi0 e+ N) * eps_sig * (1 - f_vis).

``eps_sig(m_N)`` is the geometric acceptance of :mod:`~nuportal.experiments.na62.geometry` times
the non-geometric selection efficiency, estimated with the exact K+ -> pi0 e+ N matrix element on
a grid of masses and interpolated.  ``f_vis`` is the fraction of accepted HNLs that decay visibly
before the end of the detector, from the model's lifetime and branching ratios.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from nuportal.decay import widths
from nuportal.experiments.na62.config import NA62Config
from nuportal.experiments.na62.geometry import accept_event
from nuportal.model import HNL
from nuportal.production import kl3

__all__ = ["SignalEfficiency", "simulate_signal_efficiency", "visible_decay_fraction"]

_N_KEEP = 2000  # accepted HNLs kept per grid mass for f_vis


@dataclass(frozen=True)
class SignalEfficiency:
    """eps_sig on a mass grid, with accepted-HNL samples for the visible-decay fraction."""

    masses: np.ndarray
    efficiency: np.ndarray
    efficiency_err: np.ndarray
    hnl_momentum: list          # per grid mass: lab momenta (GeV) of accepted HNLs
    path_to_end_m: list         # per grid mass: distance from decay vertex to detector end (m)

    def __call__(self, m_n):
        """Interpolated efficiency at mass(es) ``m_n`` (GeV); 0 beyond the endpoint."""
        return np.interp(m_n, self.masses, self.efficiency, right=0.0)

    def error(self, m_n):
        """Interpolated binomial Monte Carlo error of the efficiency at ``m_n``."""
        return np.interp(m_n, self.masses, self.efficiency_err, right=0.0)

    def nearest(self, m_n: float) -> int:
        """Index of the grid mass closest to ``m_n``."""
        return int(np.argmin(np.abs(self.masses - m_n)))


def simulate_signal_efficiency(cfg: NA62Config, rng: np.random.Generator, masses=None):
    """Estimate eps_sig on ``masses`` (default: ``n_efficiency_masses`` up to the endpoint)."""
    if masses is None:
        end = kl3.endpoint("e")
        masses = np.linspace(1e-3, end * (1 - 1e-4), cfg.analysis.n_efficiency_masses)
    n = cfg.analysis.n_signal_events_per_mass
    eff, err, mom, path = [], [], [], []
    for m in np.asarray(masses, float):
        ev = kl3.sample_kl3_events(rng, n, float(m), "e")
        ok, (p_n_lab,), z_vtx = accept_event(rng, ev["p_pi"], ev["p_l"], cfg.beam,
                                             cfg.detector, extra_rest=(ev["p_N"],))
        e = ok.mean() * cfg.detector.selection_efficiency
        eff.append(e)
        err.append(np.sqrt(ok.mean() * (1 - ok.mean()) / n) * cfg.detector.selection_efficiency)
        mom.append(np.linalg.norm(p_n_lab[ok][:_N_KEEP, 1:], axis=1))
        path.append(cfg.detector.detector_end_m - z_vtx[ok][:_N_KEEP])
    return SignalEfficiency(np.asarray(masses, float), np.array(eff), np.array(err), mom, path)


def visible_decay_fraction(hnl: HNL, momenta, path_m):
    """f_vis: mean probability of a visible decay within ``path_m`` for HNLs of lab ``momenta``.

    The flight path is taken along the beam axis (HNL angles are a few mrad).
    """
    if momenta.size == 0:
        return 0.0
    p_decay = widths.decay_probability(hnl, momenta, 0.0, np.asarray(path_m) * 100.0)
    return float(widths.visible_fraction(hnl) * np.mean(p_decay))
