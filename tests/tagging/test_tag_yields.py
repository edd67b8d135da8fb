"""Tagged-neutrino yield pieces and Poisson statements (nuportal.tagging.yields)."""

import numpy as np
import pytest

from nuportal.errors import NuportalInputError
from nuportal.tagging import yields
from nuportal.tagging.config import load_config


@pytest.fixture(scope="module")
def cfg():
    return load_config()


def test_sigma_against_pdg():
    # PDG review "Neutrino cross-section measurements": sigma_CC/E = 0.677e-38 cm^2/GeV; at 50 GeV
    # sigma_CC = 3.385e-37 cm^2 and with NC/CC = 0.3 the total is 1.3x (exact arithmetic, rel 1e-12).
    assert yields.sigma_numu(50.0, 0.677e-38) == pytest.approx(3.385e-37, rel=1e-12, abs=0.0)
    assert yields.sigma_numu(50.0, 0.677e-38, 0.3) == pytest.approx(1.3 * 3.385e-37, rel=1e-12, abs=0.0)


def test_interaction_probability_by_hand(cfg):
    # 127 cm x 2.41 g/cm^3 LKr = 306.07 g/cm^2; at 40 GeV CC: 6.022e23 x 306.07 x 2.708e-37 = 4.99e-11.
    x = 127.0 * 2.41
    p = yields.interaction_probability(yields.sigma_numu(40.0, 0.677e-38), x)
    assert p == pytest.approx(6.02214076e23 * x * 0.677e-38 * 40.0, rel=1e-6)  # linear regime
    assert yields.column_density_g_cm2(cfg) == pytest.approx(306.07 + 62.5 * 7.874 + 55.0 * 7.874)


def test_angle_fraction_limits():
    # Isotropic massless daughter: half the decays go forward of cos theta* = 0, i.e. of tan theta = 1/(beta
    # gamma) in the lab; all decays within pi (exact relations, 1e-9).
    g = 150.0
    theta_half = np.arctan(1.0 / np.sqrt(g**2 - 1.0))
    assert yields.massless_angle_fraction(theta_half, g) == pytest.approx(0.5, abs=1e-9)
    assert yields.massless_angle_fraction(np.pi, g) == pytest.approx(1.0, abs=1e-9)


def test_mc_acceptance_against_analytic(cfg, rng):
    # Neutrino-only LKr acceptance, fixed p_K: MC vs the analytic average over z. 1e5 decays give a
    # binomial error 0.0015; tolerance 0.006 (4 sigma).
    ev = yields.sample_kmu2(cfg, rng, 100_000, momentum_spread=False)
    mc = yields.acceptance_mask(ev, cfg, require_muon=False).mean()
    assert mc == pytest.approx(yields.annulus_acceptance_analytic(cfg), abs=0.006)
    # The muon requirement can only remove events.
    assert yields.acceptance_mask(ev, cfg).mean() < mc


def test_yield_vectorised_and_linear(cfg, rng):
    est = yields.expected_yield(np.array([1e12, 5e12]), cfg, rng, n_mc=20_000)
    assert est.n_tagged[1] == pytest.approx(5 * est.n_tagged[0], rel=1e-12)
    assert est.calibrated
    # With the calibrated eps_sel the talk's N_sig = 0.208 (reference 002) is reproduced; the 2e4-event
    # MC error on A_geo (~1.4%) plus the 2-digit rounding of eps_sel: tolerance 5%.
    assert est.n_tagged[1] == pytest.approx(0.208, rel=0.05)


def test_poisson_statements_of_the_talk():
    # Reference 002: s = 0.208, b = 0.030 + 0.004 -> P(1 | s+b) = 19%, P(1 | b) = 3%; printed to 1%, so
    # tolerance 0.005.
    obs = yields.observation_statistics(0.208, 0.034, 1)
    assert obs["P_n_obs_given_s_plus_b"] == pytest.approx(0.19, abs=0.005)
    assert obs["P_n_obs_given_b"] == pytest.approx(0.03, abs=0.005)
    # P(n >= 1 | b) = 1 - exp(-0.034) = 0.03343 -> Z = 1.833 (scipy norm.isf, 1e-3).
    assert obs["P_at_least_n_obs_given_b"] == pytest.approx(-np.expm1(-0.034), rel=1e-12)
    assert obs["Z_at_least_n_obs"] == pytest.approx(1.833, abs=1e-3)


def test_projection_three_times():
    # s, b x 3 -> mu = 0.726: median n = 1 (P(0) = 0.484 < 0.5), P(n >= 1 | b = 0.102) = 0.0970, and
    # P(>= 1) = 1 - e^-0.726, P(>= 2) = 1 - e^-mu (1 + mu) (hand formulas, 1e-12).
    pr = yields.projection(0.208, 0.034, 3.0)
    mu = 0.726
    assert pr["median_n"] == 1
    assert pr["P_at_least_median_given_b"] == pytest.approx(-np.expm1(-0.102), rel=1e-12)
    assert pr["P_at_least_1"] == pytest.approx(1 - np.exp(-mu), rel=1e-12)
    assert pr["P_at_least_2"] == pytest.approx(1 - np.exp(-mu) * (1 + mu), rel=1e-12)


def test_bad_yield_input(cfg, rng):
    with pytest.raises(NuportalInputError, match="range"):
        yields.expected_yield(-1.0, cfg, rng)
    with pytest.raises(NuportalInputError, match="range"):
        yields.projection(0.2, 0.03, 0.0)
