"""Expected number of tagged neutrinos at NA62 and the Poisson statements of reference 002.

N_tagged = N_K * BR(K_mu2) * < A_geo * P_int(E_nu) > * eps_sel, with P_int = 1 - exp(-N_A sum_i X_i
sigma(E_nu)) over the calorimeter layers (LKr, MUV1, MUV2; X_i in g/cm^2) and the average taken over a
seeded Monte Carlo of K+ -> mu+ nu decays in the fiducial volume (beam momentum spread, uniform decay
vertex, isotropic decay in the kaon frame).  Units: GeV, cm; ``*_m`` names are metres.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats

from nuportal.constants import mass, value
from nuportal.errors import require_range
from nuportal.kinematics import boost_along_z, four_vector, random_unit_vectors, two_body_momentum
from nuportal.tagging.kinematics import radial_distance_at_plane

__all__ = [
    "AVOGADRO_PER_G", "sigma_numu", "interaction_probability", "column_density_g_cm2",
    "massless_angle_fraction", "annulus_acceptance_analytic", "sample_kmu2", "acceptance_mask",
    "YieldEstimate", "expected_yield", "poisson_probability", "p_at_least", "z_from_p",
    "observation_statistics", "projection",
]

#: Nucleons per gram, N_A in mol^-1 x 1 mol/g (CODATA 2018, exact).
AVOGADRO_PER_G = 6.02214076e23


def sigma_numu(e_nu, cc_slope_cm2_per_GeV, nc_over_cc=0.0):
    """nu_mu-nucleon cross section (cm^2) = slope * E_nu * (1 + NC/CC), linear DIS regime.

    PDG review "Neutrino cross-section measurements": sigma_CC/E = 0.677e-38 cm^2/GeV (isoscalar, E of
    30-200 GeV); pass ``nc_over_cc = 0`` for CC only.  E_nu in GeV, must be > 0.
    """
    require_range("E_nu (GeV)", e_nu, 0.0, np.inf, low_open=True)
    return cc_slope_cm2_per_GeV * np.asarray(e_nu, float) * (1.0 + nc_over_cc)


def interaction_probability(sigma_cm2, column_density):
    """Probability 1 - exp(-N_A X sigma) that a neutrino interacts in ``column_density`` (g/cm^2)."""
    require_range("column density (g/cm^2)", column_density, 0.0, np.inf)
    return -np.expm1(-AVOGADRO_PER_G * np.asarray(column_density, float) * np.asarray(sigma_cm2, float))


def column_density_g_cm2(config) -> float:
    """Summed column density (g/cm^2) of the calorimeter layers of a :class:`TagConfig`."""
    return float(sum(m.column_density_g_cm2 for m in config.materials))


def massless_angle_fraction(theta0, gamma):
    """Fraction of massless daughters of an isotropic decay with lab angle below ``theta0`` (rad).

    From cos theta* = (cos theta - beta)/(1 - beta cos theta): F = (1 - cos theta0*)/2, written as
    (1 + beta)(1 - cos theta0) / (2 (1 - beta cos theta0)) to avoid cancellations at small angles.
    """
    g = np.asarray(gamma, float)
    beta = np.sqrt(1.0 - 1.0 / g**2)
    one_minus_c = 2.0 * np.sin(0.5 * np.asarray(theta0, float)) ** 2
    one_minus_bc = 1.0 / (g**2 * (1.0 + beta)) + beta * one_minus_c
    return (1.0 + beta) * one_minus_c / (2.0 * one_minus_bc)


def annulus_acceptance_analytic(config, n_z: int = 2001):
    """Fraction of K_mu2 neutrinos hitting the LKr annulus: fixed p_K, uniform z, beam on axis.

    Mean over the fiducial volume of F(atan(r_max/L)) - F(atan(r_min/L)), L = z_LKr - z_decay, with
    F = :func:`massless_angle_fraction`.  An analytic cross-check of the Monte Carlo acceptance.
    """
    b, g = config.beam, config.geometry
    z = np.linspace(b.z_decay_min_m, b.z_decay_max_m, n_z)
    gamma = np.hypot(b.momentum_GeV, mass("K+")) / mass("K+")
    length = g.lkr_z_m - z
    frac = (massless_angle_fraction(np.arctan(g.lkr_r_max_m / length), gamma)
            - massless_angle_fraction(np.arctan(g.lkr_r_min_m / length), gamma))
    return float(np.trapezoid(frac, z) / (z[-1] - z[0]))


def sample_kmu2(config, rng: np.random.Generator, n: int, momentum_spread: bool = True) -> dict:
    """Sample ``n`` K+ -> mu+ nu decays in the fiducial volume: vertex (cm), muon and neutrino (GeV).

    Kaon momentum Gaussian (config rms fraction, or fixed if ``momentum_spread`` is False), along +z
    on the beam axis; decay vertex uniform in z; isotropic two-body decay boosted to the lab.
    """
    require_range("number of Monte Carlo decays", n, 1, np.inf)
    b = config.beam
    mk, mm = mass("K+"), mass("mu")
    spread = b.momentum_rms_fraction if momentum_spread else 0.0
    p_k = b.momentum_GeV * (1.0 + spread * rng.standard_normal(n))
    z_cm = 100.0 * rng.uniform(b.z_decay_min_m, b.z_decay_max_m, n)
    u = random_unit_vectors(rng, n)
    p_star = two_body_momentum(mk, mm, 0.0)
    mu_rest = four_vector(np.full(n, np.hypot(p_star, mm)), p_star * u)
    nu_rest = four_vector(np.full(n, p_star), -p_star * u)
    gamma = np.hypot(p_k, mk) / mk
    vertex = np.stack([np.zeros(n), np.zeros(n), z_cm], axis=-1)
    return {"vertex_cm": vertex, "p_kaon": p_k, "muon": boost_along_z(mu_rest, gamma),
            "neutrino": boost_along_z(nu_rest, gamma)}


def _muon_radius(events, geometry, z_m):
    """Muon distance (cm) from the axis at z (m): straight line, plus the MNP33 kick in x downstream."""
    mu, v = events["muon"], events["vertex_cm"]
    dz = 100.0 * z_m - v[:, 2]  # backward muons (p_z <= 0) get a negative path and fail below
    x = v[:, 0] + dz * mu[:, 1] / mu[:, 3]
    y = v[:, 1] + dz * mu[:, 2] / mu[:, 3]
    p = np.linalg.norm(mu[:, 1:], axis=-1)
    if z_m > geometry.magnet_z_m:
        x = x + 100.0 * (z_m - geometry.magnet_z_m) * geometry.magnet_pt_kick_GeV / p
    return np.hypot(x, y)


def acceptance_mask(events, config, require_muon: bool | None = None):
    """Boolean mask: neutrino inside the LKr annulus (and the muon in STRAW 1, 4 and MUV3)."""
    g = config.geometry
    nu = events["neutrino"]
    fwd = nu[:, 3] > 0  # backward neutrinos (cos theta* < -beta_K) never reach the LKr
    r_nu = np.full(fwd.shape, np.inf)
    r_nu[fwd] = radial_distance_at_plane(events["vertex_cm"][fwd], nu[fwd, 1:] / nu[fwd, :1],
                                         100.0 * g.lkr_z_m)
    ok = fwd & (r_nu >= 100.0 * g.lkr_r_min_m) & (r_nu <= 100.0 * g.lkr_r_max_m)
    if config.selection.require_muon_in_acceptance if require_muon is None else require_muon:
        for z_m in g.straw_z_m:
            r = _muon_radius(events, g, z_m)
            ok &= (r >= 100.0 * g.straw_r_min_m) & (r <= 100.0 * g.straw_r_max_m)
        r = _muon_radius(events, g, g.muv3_z_m)
        ok &= (r >= 100.0 * g.muv3_r_min_m) & (r <= 100.0 * g.muv3_r_max_m)
    return ok


@dataclass(frozen=True)
class YieldEstimate:
    """Factors of N_tagged = N_K * br * acceptance * p_int_accepted * efficiency (per K+ decay)."""

    n_kaon_decays: np.ndarray
    n_tagged: np.ndarray
    br: float
    acceptance: float
    acceptance_mc_error: float
    p_int_accepted: float
    mean_e_nu_accepted_GeV: float
    efficiency: float
    calibrated: bool
    n_mc: int

    @property
    def per_decay(self) -> float:
        """Expected tagged neutrinos per K+ decay in the fiducial volume."""
        return self.br * self.acceptance * self.p_int_accepted * self.efficiency


def expected_yield(n_kaon_decays, config, rng: np.random.Generator, n_mc: int = 200_000,
                   efficiency: float | None = None) -> YieldEstimate:
    """Expected tagged neutrinos for ``n_kaon_decays`` K+ decays in the fiducial volume (vectorised).

    ``efficiency`` overrides the configured eps_sel (e.g. 1.0 for the physics-only estimate).
    """
    require_range("number of K+ decays", n_kaon_decays, 0.0, np.inf)
    eff = config.selection.efficiency if efficiency is None else efficiency
    require_range("selection efficiency", eff, 0.0, 1.0)
    ev = sample_kmu2(config, rng, n_mc)
    acc = acceptance_mask(ev, config)
    xs = config.cross_section
    nc = xs.nc_over_cc if config.selection.count_neutral_current else 0.0
    e_nu = ev["neutrino"][acc, 0]
    p_int = interaction_probability(sigma_numu(e_nu, xs.cc_slope_cm2_per_GeV, nc),
                                    column_density_g_cm2(config))
    frac = acc.mean()
    nk = np.asarray(n_kaon_decays, float)
    br = value("BR_K_mu2")
    p_mean = float(p_int.mean()) if p_int.size else 0.0
    return YieldEstimate(nk, nk * br * frac * p_mean * eff, br, float(frac),
                         float(np.sqrt(frac * (1 - frac) / n_mc)), p_mean,
                         float(e_nu.mean()) if e_nu.size else 0.0, float(eff),
                         bool(config.selection.calibrated and efficiency is None), int(n_mc))


def poisson_probability(n, mu):
    """P(n | mu) of a Poisson count with mean ``mu`` >= 0."""
    require_range("Poisson mean", mu, 0.0, np.inf)
    return stats.poisson.pmf(n, mu)


def p_at_least(n, mu):
    """P(N >= n | mu) of a Poisson count with mean ``mu`` >= 0."""
    require_range("Poisson mean", mu, 0.0, np.inf)
    return stats.poisson.sf(np.asarray(n) - 1, mu)


def z_from_p(p):
    """One-sided Gaussian significance Z = Phi^-1(1 - p) of a p-value in (0, 1]."""
    require_range("p-value", p, 0.0, 1.0, low_open=True)
    return stats.norm.isf(p)


def observation_statistics(s: float, b: float, n_obs: int) -> dict:
    """Reference-002 statements for ``n_obs`` events: P(n | s+b), P(n | b), P(>= n | b) and Z."""
    p_bkg = float(p_at_least(n_obs, b))
    return {"s": s, "b": b, "n_obs": n_obs,
            "P_n_obs_given_s_plus_b": float(poisson_probability(n_obs, s + b)),
            "P_n_obs_given_b": float(poisson_probability(n_obs, b)),
            "P_at_least_n_obs_given_b": p_bkg, "Z_at_least_n_obs": float(z_from_p(p_bkg))}


def projection(s: float, b: float, scale: float, k_max: int = 3) -> dict:
    """Expected outcome with the data set ``scale`` times larger (s, b scaled).

    The median count n_med of Poisson(s+b) and its significance Z = Phi^-1(1 - P(n >= n_med | b));
    P(n >= k | s+b) for k = 1..k_max.
    """
    require_range("data-set scale factor", scale, 0.0, np.inf, low_open=True)
    s3, b3 = s * scale, b * scale
    n_med = int(stats.poisson.median(s3 + b3))
    p_med = float(p_at_least(n_med, b3)) if n_med > 0 else 1.0
    out = {"scale": scale, "s": s3, "b": b3, "expected_n": s3 + b3, "median_n": n_med,
           "P_at_least_median_given_b": p_med, "Z_median": float(z_from_p(p_med))}
    for k in range(1, k_max + 1):
        out[f"P_at_least_{k}"] = float(p_at_least(k, s3 + b3))
    return out
