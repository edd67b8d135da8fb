"""SYNTHETIC missing-mass spectra for the K+ -> l+ N peak searches of reference 001 (Figs. 3-4 left).

These spectra are NOT the experiments' data.  Each background source of the configuration is
simulated with kaon-decay kinematics (K_l3 Dalitz sampler of :mod:`nuportal.production.kl3`,
isotropic two-body decays, pi -> mu nu decays in flight, beam-halo muons), boosted to the lab at the
nominal beam momentum, and the single reconstructed track is given the searched lepton's mass:

    m2_miss = (P_K - P_track)^2 = m_K^2 + m_l^2 - 2 (E_K E_track - p_K p_z,track)   (reference 001).

m2_miss is smeared with a Gaussian of width ``sigma_m2_GeV2``, histogrammed in m_miss = sign
sqrt|m2_miss| (GeV), and each component is normalised to its configured (tuned) number of events in
the histogram range.  The observed counts are one Poisson draw of the total from the given
``numpy.random.Generator``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from nuportal import constants as C
from nuportal.errors import NuportalInputError
from nuportal.experiments.kaon_searches.config import BackgroundComponent, PeakSearchConfig
from nuportal.kinematics import boost, boost_along_z, four_vector, random_unit_vectors, two_body_momentum
from nuportal.production.kl3 import sample_kl3_events
from nuportal.search.peaks import BinnedSpectrum

__all__ = ["SyntheticSpectrum", "missing_mass2", "track_momenta", "component_histogram",
           "synthetic_spectrum", "SYNTHETIC_LABEL"]

SYNTHETIC_LABEL = "SYNTHETIC spectrum (nuportal model, not experimental data)"
_MASS_NAMES = {"e": "e", "mu": "mu", "pi+": "pi+", "pi0": "pi0"}


def _mass(name: str) -> float:
    return 0.0 if name == "nu" else C.mass(_MASS_NAMES[name])


def missing_mass2(p_track, assumed_mass, beam_momentum_GeV):
    """m2_miss (GeV^2) of lab track three-momenta (n, 3), nominal kaon along +z, track mass assumed.

    Parameters
    ----------
    p_track : array_like, shape (..., 3)
        Track momentum in the lab, GeV.
    assumed_mass : float
        Mass hypothesis of the track (the searched lepton), GeV.
    beam_momentum_GeV : float
        Nominal kaon momentum along +z, GeV.
    """
    p = np.asarray(p_track, dtype=float)
    m_k = C.mass("K+")
    e_k = np.hypot(beam_momentum_GeV, m_k)
    e_t = np.sqrt(np.sum(p * p, axis=-1) + assumed_mass**2)
    return m_k**2 + assumed_mass**2 - 2.0 * (e_k * e_t - beam_momentum_GeV * p[..., 2])


def _two_body(rng, n, m_parent, m1, m2):
    """Isotropic parent-frame four-momenta (n, 4) of daughter 1 of m_parent -> m1 m2."""
    p = float(two_body_momentum(m_parent, m1, m2))
    return four_vector(np.full(n, np.hypot(p, m1)), p * random_unit_vectors(rng, n))


def track_momenta(comp: BackgroundComponent, rng: np.random.Generator, n: int, beam_momentum_GeV: float):
    """Lab three-momenta (n, 3), GeV, of the reconstructed track of background ``comp``."""
    m_k = C.mass("K+")
    gamma = np.hypot(beam_momentum_GeV, m_k) / m_k
    if comp.process == "halo":
        p = rng.uniform(comp.p_min_GeV, comp.p_max_GeV, n)
        theta = comp.angle_rms_rad * np.sqrt(-2.0 * np.log1p(-rng.uniform(0.0, 1.0, n)))
        phi = rng.uniform(0.0, 2.0 * np.pi, n)
        return p[:, None] * np.stack([np.sin(theta) * np.cos(phi), np.sin(theta) * np.sin(phi),
                                      np.cos(theta)], axis=-1)
    if comp.process == "kl3":
        track = sample_kl3_events(rng, n, 0.0, comp.track)["p_l"]
    elif comp.process == "two_body":
        track = _two_body(rng, n, m_k, _mass(comp.track), _mass(comp.partner))
    else:  # pi_decay: K+ -> pi+ partner, pi+ -> mu+ nu in flight
        pion = _two_body(rng, n, m_k, C.mass("pi+"), _mass(comp.partner))
        muon = _two_body(rng, n, C.mass("pi+"), C.mass("mu"), 0.0)
        track = boost(muon, pion[:, 1:] / pion[:, :1])
    return boost_along_z(track, gamma)[:, 1:]


def component_histogram(cfg: PeakSearchConfig, comp: BackgroundComponent, rng: np.random.Generator,
                        n_mc: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Expected events per m_miss bin of one background and its Monte Carlo relative error per bin."""
    n_mc = cfg.n_mc_per_component if n_mc is None else int(n_mc)
    p = track_momenta(comp, rng, n_mc, cfg.beam_momentum_GeV)
    m2 = missing_mass2(p, C.mass(cfg.lepton), cfg.beam_momentum_GeV)
    m2 = m2 + cfg.sigma_m2_GeV2 * rng.standard_normal(n_mc)
    counts, _ = np.histogram(np.sign(m2) * np.sqrt(np.abs(m2)), bins=cfg.histogram.edges)
    if counts.sum() == 0:
        raise NuportalInputError(f"background {comp.name!r} of {cfg.name} puts no simulated event into "
                                 f"the histogram range [{cfg.histogram.m_min_GeV}, "
                                 f"{cfg.histogram.m_max_GeV}] GeV; remove it or widen the range")
    rel_err = 1.0 / np.sqrt(np.maximum(counts, 1))
    return comp.events_in_range * counts / counts.sum(), rel_err


@dataclass(frozen=True, eq=False)
class SyntheticSpectrum:
    """A synthetic m_miss spectrum: per-component expectations, total, uncertainty, observed counts.

    Attributes
    ----------
    edges : ndarray
        m_miss bin edges in GeV.
    components : dict of str -> ndarray
        Expected events per bin of each background.
    background, background_sigma : ndarray
        Total expected background and its absolute uncertainty per bin (configured relative
        uncertainty plus the Monte Carlo statistical error, in quadrature).
    observed : ndarray of int
        Poisson draw of ``background`` (no signal injected).
    """

    edges: np.ndarray
    components: dict
    background: np.ndarray
    background_sigma: np.ndarray
    observed: np.ndarray

    def to_binned(self) -> BinnedSpectrum:
        """The spectrum as a :class:`nuportal.search.peaks.BinnedSpectrum` in m (GeV)."""
        return BinnedSpectrum(self.edges, self.observed, self.background, self.background_sigma, "m")


def synthetic_spectrum(cfg: PeakSearchConfig, rng: np.random.Generator,
                       n_mc: int | None = None) -> SyntheticSpectrum:
    """Simulate every background of ``cfg``, add them, and draw Poisson observed counts.

    Parameters
    ----------
    cfg : PeakSearchConfig
    rng : numpy.random.Generator
        Source of all random numbers (simulation and the Poisson draw).
    n_mc : int, optional
        Simulated events per component (default ``cfg.n_mc_per_component``).
    """
    comps, var_mc = {}, 0.0
    for comp in cfg.backgrounds:
        hist, rel = component_histogram(cfg, comp, rng, n_mc)
        comps[comp.name] = hist
        var_mc = var_mc + (hist * rel) ** 2
    total = sum(comps.values())
    sigma = np.sqrt((cfg.background_rel_uncertainty * total) ** 2 + var_mc)
    observed = rng.poisson(total)
    return SyntheticSpectrum(cfg.histogram.edges, comps, total, sigma, observed)
