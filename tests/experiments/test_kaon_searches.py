"""experiments.kaon_searches: configurations, SYNTHETIC spectra and the peak-search chain (ref. 001)."""

import numpy as np
import pytest

from nuportal import constants as C
from nuportal.errors import NuportalInputError
from nuportal.experiments.kaon_searches import (
    PEAK_SEARCHES,
    load_kpimumu,
    load_peak_search,
    run_peak_search,
    synthetic_spectrum,
)
from nuportal.experiments.kaon_searches.config import BackgroundComponent
from nuportal.experiments.kaon_searches.spectra import missing_mass2, track_momenta
from nuportal.production.meson import br_over_U2


def test_shipped_configs_load_and_carry_reference_numbers():
    # reference 001, Sec. 3.2: N_mu_nu = 5.977e7 (300-375 MeV), N_e_nu = 3.01e8 (170-448 MeV), 1 MeV steps
    rk, k15 = load_peak_search("na62rk_kmu2_2007"), load_peak_search("na62_ke2_2015")
    assert rk.normalisation.n_events == 5.977e7 and k15.normalisation.n_events == 3.01e8
    assert (rk.scan.m_min_GeV, rk.scan.m_max_GeV) == (0.300, 0.375)
    assert (k15.scan.m_min_GeV, k15.scan.m_max_GeV) == (0.170, 0.448)
    assert rk.scan.step_GeV == k15.scan.step_GeV == 0.001
    assert rk.synthetic and k15.synthetic
    na48 = load_kpimumu().lnv_total  # reference 001, Sec. 3.1: 1 event, b = 1.16 +- 0.87 +- 0.12
    assert (na48.n_obs, na48.background, na48.background_sigma_stat, na48.background_sigma_syst) == (
        1, 1.16, 0.87, 0.12)


def test_bad_config_file_is_reported(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\nsynthetic: true\n")
    with pytest.raises(NuportalInputError, match="field"):
        load_peak_search(bad)
    with pytest.raises(ValueError, match="needs track"):  # pydantic ValidationError is a ValueError
        BackgroundComponent(name="x", process="kl3", events_in_range=1.0)


def test_missing_mass_kinematics():
    rng = np.random.default_rng(3)
    # K+ -> mu+ nu with the muon correctly identified: m2_miss = m_nu^2 = 0 (float rounding only)
    kmu2 = BackgroundComponent(name="k", process="two_body", track="mu", partner="nu", events_in_range=1)
    p = track_momenta(kmu2, rng, 1000, 74.0)
    np.testing.assert_allclose(missing_mass2(p, C.mass("mu"), 74.0), 0.0, atol=1e-9)
    # K+ -> pi0 mu+ nu: m_miss = m(pi0 nu) in [m_pi0, m_K - m_mu] (kinematic bounds)
    kmu3 = BackgroundComponent(name="k", process="kl3", track="mu", events_in_range=1)
    m2 = missing_mass2(track_momenta(kmu3, rng, 2000, 74.0), C.mass("mu"), 74.0)
    assert m2.min() >= C.mass("pi0") ** 2 - 1e-9
    assert m2.max() <= (C.mass("K+") - C.mass("mu")) ** 2 + 1e-9


@pytest.mark.parametrize("name", PEAK_SEARCHES)
def test_synthetic_spectrum(name):
    cfg = load_peak_search(name)
    a = synthetic_spectrum(cfg, np.random.default_rng(7), n_mc=20_000)
    b = synthetic_spectrum(cfg, np.random.default_rng(7), n_mc=20_000)
    np.testing.assert_array_equal(a.observed, b.observed)  # same seed, same spectrum
    for comp in cfg.backgrounds:  # each component normalised to its tuned level (float rounding)
        assert a.components[comp.name].sum() == pytest.approx(comp.events_in_range, rel=1e-12)
    total = sum(c.events_in_range for c in cfg.backgrounds)
    assert abs(a.observed.sum() - total) < 5 * np.sqrt(total)  # Poisson draw: 5 sigma
    assert np.all(a.background_sigma >= cfg.background_rel_uncertainty * a.background)


@pytest.mark.parametrize("name", PEAK_SEARCHES)
def test_peak_search_chain(name):
    cfg = load_peak_search(name)
    res = run_peak_search(cfg, np.random.default_rng(11), n_mc=20_000, step_GeV=0.005)
    m = res.scan.masses
    assert np.all(np.isfinite(res.u2_ul)) and np.all(res.u2_ul > 0)
    # |U|^2 = BR / (BR(K_l2) rho) (reference 001), float tolerance
    np.testing.assert_allclose(res.u2_ul, res.br_ul / br_over_U2(m, "K+", cfg.lepton), rtol=1e-12)
    # what the background levels were tuned for: limits on signal events O(10-100) as in ref. 001
    # Figs. 3-4 (right); a median outside [10, 150] means the synthetic model drifted
    assert 10 < np.median(res.n_ul_total) < 150
    cols = res.columns()
    assert len({np.size(v) for v in cols.values()}) == 1
