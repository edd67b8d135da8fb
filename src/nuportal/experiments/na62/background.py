"""K+ -> pi0 e+ nu (gamma) background in the squared missing mass, reference 000 Sec. III.

Two components, both per kaon decay in the fiducial volume and after the geometric acceptance:

* radiative K+ -> pi0 e+ nu gamma with E*_gamma above ``e_gamma_min`` (weighted events of
  :mod:`nuportal.production.kl3_radiative`), true m2_miss = (p_nu + p_gamma)^2, each event
  weighted by the probability that the radiative photon escapes the vetoes;
* the non-radiative K_e3 peak at m2_miss = 0 (rate BR(K_e3) minus the explicit radiative part, so
  that the inclusive K_e3 rate is preserved; softer photons move m2_miss by less than the resolution).

The reconstructed spectrum is the true spectrum convolved with a Gaussian of width sigma_m2; the
convolution is done analytically on a fine histogram, so window counts carry no smearing noise.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
from scipy.special import ndtr

from nuportal import constants as C
from nuportal.errors import NuportalInputError
from nuportal.experiments.na62.config import NA62Config
from nuportal.experiments.na62.geometry import accept_event, veto_pass_probability
from nuportal.kinematics import angle_to_z, mass2
from nuportal.production import kl3
from nuportal.production.kl3_radiative import sample_ke3_gamma

__all__ = ["BackgroundSpectrum", "simulate_background", "M2_EDGES", "M2_EDGES_2D", "THETA_EDGES"]

#: fine true-m2 binning (GeV^2); bin width 1e-4 GeV^2 << sigma_m2
M2_EDGES = np.linspace(0.0, 0.13, 1301)
#: photon polar-angle binning for the (m2, theta_gamma) density of Fig. 3 (rad, log spaced)
THETA_EDGES = np.geomspace(1e-4, 1.0, 61)
#: coarser true-m2 binning for the (m2, theta_gamma) density of Fig. 3
M2_EDGES_2D = np.linspace(0.0, 0.13, 66)
_CHUNK = 500_000


@dataclass(frozen=True)
class BackgroundSpectrum:
    """Accepted background per kaon decay, binned in true m2_miss.

    Attributes
    ----------
    radiative : ndarray
        Radiative events per kaon per true-m2 bin, no photon veto.
    vetoed_correlated : ndarray
        The same, each accepted event weighted by the veto pass probability of its photon.
    vetoed_factorised : ndarray
        ``radiative`` times the mean veto pass probability of *all generated* events in the same
        true-m2 bin (acceptance and veto factorised).
    veto_treatment : str
        Which of the two is used: "factorised" or "correlated" (see :func:`simulate_background`).
    var_correlated, var_factorised : ndarray
        Monte Carlo variances (sums of squared weights) of the two vetoed spectra.
    peak : float
        Accepted non-radiative K_e3 events per kaon at m2_miss = 0.
    density_2d : ndarray
        Radiative events per kaon in (true m2, theta_gamma) bins, no veto (Fig. 3).
    sigma_m2 : float
        Resolution in GeV^2.
    n_generated : int
        Number of radiative events generated.
    """

    radiative: np.ndarray
    vetoed_correlated: np.ndarray
    vetoed_factorised: np.ndarray
    veto_treatment: str
    var_correlated: np.ndarray
    var_factorised: np.ndarray
    peak: float
    density_2d: np.ndarray
    sigma_m2: float
    n_generated: int

    @property
    def radiative_vetoed(self) -> np.ndarray:
        """Vetoed radiative spectrum per kaon for the configured veto treatment."""
        if self.veto_treatment == "correlated":
            return self.vetoed_correlated
        return self.vetoed_factorised

    def with_treatment(self, treatment: str) -> BackgroundSpectrum:
        """The same spectrum with the other veto treatment selected."""
        return replace(self, veto_treatment=treatment)

    @property
    def centres(self) -> np.ndarray:
        """Centres of the fine true-m2 bins (GeV^2)."""
        return 0.5 * (M2_EDGES[1:] + M2_EDGES[:-1])

    def window(self, lo, hi, veto: bool = True):
        """Reconstructed background per kaon with m2_miss in [lo, hi] (arrays broadcast)."""
        lo = np.asarray(lo, float)[..., None]
        hi = np.asarray(hi, float)[..., None]
        s = self.sigma_m2
        frac = ndtr((hi - self.centres) / s) - ndtr((lo - self.centres) / s)
        rad = self.radiative_vetoed if veto else self.radiative
        peak = self.peak * (ndtr(hi[..., 0] / s) - ndtr(lo[..., 0] / s))
        return frac @ rad + peak

    def window_mc_variance(self, lo, hi):
        """Monte Carlo variance of :meth:`window` (vetoed), per kaon squared."""
        lo = np.asarray(lo, float)[..., None]
        hi = np.asarray(hi, float)[..., None]
        s = self.sigma_m2
        frac = ndtr((hi - self.centres) / s) - ndtr((lo - self.centres) / s)
        var = self.var_correlated if self.veto_treatment == "correlated" else self.var_factorised
        return frac**2 @ var

    def density(self, m2, veto: bool = True):
        """Reconstructed dN/dm2_miss per kaon (GeV^-2) at ``m2``."""
        m2 = np.asarray(m2, float)[..., None]
        s = self.sigma_m2
        gauss = np.exp(-0.5 * ((m2 - self.centres) / s) ** 2) / (s * np.sqrt(2 * np.pi))
        rad = self.radiative_vetoed if veto else self.radiative
        peak = self.peak * np.exp(-0.5 * (m2[..., 0] / s) ** 2) / (s * np.sqrt(2 * np.pi))
        return gauss @ rad + peak

    def total(self, veto: bool = False) -> float:
        """All accepted background per kaon decay (radiative + peak)."""
        return float((self.radiative_vetoed if veto else self.radiative).sum() + self.peak)


def _radiative_chunk(rng, n, cfg: NA62Config):
    ev = sample_ke3_gamma(rng, n, e_gamma_min=cfg.analysis.e_gamma_min_GeV)
    ok, (p_gamma_lab,), _ = accept_event(
        rng, ev["p_pi"], ev["p_e"], cfg.beam, cfg.detector, extra_rest=(ev["p_gamma"],)
    )
    w = ev["weight"] * ok * cfg.detector.selection_efficiency
    m2 = mass2(ev["p_nu"] + ev["p_gamma"])
    p_veto = veto_pass_probability(p_gamma_lab, cfg.photon_veto)
    theta = angle_to_z(p_gamma_lab)
    return m2, w, p_veto, theta, ev["weight"]


def _peak(rng, cfg: NA62Config, radiative_br: float, n: int) -> float:
    """Accepted non-radiative K_e3 per kaon: (BR(K_e3) - radiative part) x acceptance."""
    ev = kl3.sample_kl3_events(rng, n, 0.0, "e")
    ok, _, _ = accept_event(rng, ev["p_pi"], ev["p_l"], cfg.beam, cfg.detector)
    acc = ok.mean() * cfg.detector.selection_efficiency
    return (C.value("BR_K_e3") - radiative_br) * acc


def simulate_background(cfg: NA62Config, rng: np.random.Generator, n: int | None = None):
    """Generate the background spectrum (``n`` radiative events, default from the config)."""
    n = cfg.analysis.n_background_events if n is None else int(n)
    if n < 1:
        raise NuportalInputError(
            f"number of radiative decays n = {n} is outside the allowed range [1, inf)")
    nb = M2_EDGES.size - 1
    rad, rad_v, var = np.zeros(nb), np.zeros(nb), np.zeros(nb)
    gen, gen_v, var_acc = np.zeros(nb), np.zeros(nb), np.zeros(nb)
    d2 = np.zeros((M2_EDGES_2D.size - 1, THETA_EDGES.size - 1))
    br_sum = 0.0
    done = 0
    while done < n:
        k = min(_CHUNK, n - done)
        m2, w, pv, theta, w_gen = _radiative_chunk(rng, k, cfg)
        br_sum += float(w_gen.sum())
        gen += np.histogram(m2, M2_EDGES, weights=w_gen)[0]
        gen_v += np.histogram(m2, M2_EDGES, weights=w_gen * pv)[0]
        rad += np.histogram(m2, M2_EDGES, weights=w)[0]
        rad_v += np.histogram(m2, M2_EDGES, weights=w * pv)[0]
        var += np.histogram(m2, M2_EDGES, weights=(w * pv) ** 2)[0]
        var_acc += np.histogram(m2, M2_EDGES, weights=w**2)[0]
        d2 += np.histogram2d(m2, theta, [M2_EDGES_2D, THETA_EDGES], weights=w)[0]
        done += k
    scale = 1.0 / n
    # the radiative BR above e_gamma_min (before acceptance) fixes the non-radiative remainder
    peak = _peak(rng, cfg, br_sum * scale, min(n, 400_000))
    mean_pass = np.divide(gen_v, gen, out=np.zeros(nb), where=gen > 0)
    treatment = cfg.photon_veto.acceptance_correlation
    return BackgroundSpectrum(
        radiative=rad * scale, vetoed_correlated=rad_v * scale,
        vetoed_factorised=rad * mean_pass * scale, veto_treatment=treatment,
        var_correlated=var * scale**2, var_factorised=var_acc * mean_pass**2 * scale**2,
        peak=peak, density_2d=d2 * scale, sigma_m2=cfg.analysis.sigma_m2_GeV2, n_generated=n,
    )

