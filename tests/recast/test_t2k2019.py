"""recast.t2k2019: T2K 2019 ND280 heavy-neutrino search (PRD 100, 052006), single-flavour recast."""

from importlib.resources import files

import numpy as np
import pytest
from scipy.special import erfinv

from nuportal.errors import NuportalInputError
from nuportal.recast import t2k2019 as T

GRID = np.arange(140, 500, 10) / 1000.0


def _raw(name):
    """Independent parse of a package table: numeric rows after the '#' header and column line."""
    lines = [ln for ln in files("nuportal").joinpath(f"data/t2k2019/{name}").read_text().splitlines()
             if ln and not ln.startswith("#")]
    return np.array([[float(x) for x in ln.split(",")] for ln in lines[1:]])


# ------------------------------------------------------------------------------------- tables
def test_tables_have_the_release_shapes():
    t = T.load_tables()
    np.testing.assert_allclose(t.mass_GeV, GRID, rtol=0, atol=1e-12)
    assert t.decays.shape == (36, 48)
    assert t.flux_mc_stat.shape == (36, 48)
    assert t.efficiency.shape == (36, 10, 24)
    assert t.background.shape == t.background_error.shape == t.observed.shape == (10,)
    np.testing.assert_array_equal(t.observed, 0.0)           # no event observed in any channel
    # efficiencies in [0, 1] up to the release's rounding noise (one entry is -2.3e-10)
    assert np.all((t.efficiency >= -1e-9) & (t.efficiency <= 1))
    assert np.all(t.efficiency[:, :5].sum(axis=1) <= 1) and np.all(t.efficiency[:, 5:].sum(axis=1) <= 1)
    assert np.all(t.decays >= 0)


def test_tables_match_known_release_numbers():
    # values quoted in the shared SOURCES.md and read from flux.npy during the conversion; the
    # tables keep 6 (background, efficiency) or 8 (decays) significant digits -> rtol 1e-5
    t = T.load_tables()
    assert t.background[4] == pytest.approx(0.563, abs=5e-4)        # FHC e+e-: 0.563 +- 0.241
    assert t.background_error[4] == pytest.approx(0.241, abs=5e-4)
    assert t.background[9] == pytest.approx(0.0153, abs=5e-5)       # RHC e+e-: 0.0153 +- 0.0154
    assert t.background_error[9] == pytest.approx(0.0154, abs=5e-5)
    assert t.decays[0, 10] == pytest.approx(3.86406536e13, rel=1e-7)  # 140 MeV, K->mu N, N->ee nu(mu,tau)
    assert t.efficiency[0, 4, 10] == pytest.approx(7.56319016e-2, rel=1e-5)  # FHC ee channel
    # flux MC statistics: 3 % typically, up to ~22 % next to kinematic thresholds, on top of the
    # 15 % correlated part, where a row is filled
    filled = t.decays > 0
    assert np.all(t.flux_mc_stat[~filled] == 0)
    assert np.median(t.flux_mc_stat[filled]) < 0.05 and t.flux_mc_stat[filled].max() < 0.3


def test_published_limits_load_and_mark_no_sensitivity():
    lim = T.load_t2k_limits()
    prof = lim["profiling"]
    np.testing.assert_allclose(prof["mass_GeV"], GRID, atol=1e-12)
    assert prof["U2e"][25] == pytest.approx(1.05824444266e-09, rel=1e-7)   # 390 MeV
    assert np.all(np.isnan(prof["U2mu"][GRID > 0.388]))                   # released as 1 = no limit
    assert np.all(np.isfinite(prof["U2mu"][GRID < 0.388]))
    assert lim["marginalisation"]["U2tau"].shape == (36,)
    assert lim["single_Umumu_method_A"]["U2mu"].size == 28


# ------------------------------------------------------------------------------------- signal
def _hand_weights(ue, um, ut):
    """Mixing factor per mode written out by hand (module docstring table; T2K's 'contribution')."""
    decay = [um, um, ue, ue, um, um, ue, ue, (ue + ut) / 2, (ue + ut) / 2, (um + ut) / 2, (um + ut) / 2,
             um, um, ue, ue, um, um, ue, ue, um, um, ue, ue]
    return np.array([(um if i % 2 == 0 else ue) * d for i, d in enumerate(decay)])


def test_expected_signal_by_hand_at_a_grid_mass():
    # s_c = sum_i w_i Phi_{r(c,i)} eff[c,i], r = i for FHC channels, 24 + i for RHC ones, from the raw CSVs
    dec, eff = _raw("expected_decays.csv"), _raw("efficiency.csv")
    k = 16                                                   # 300 MeV
    assert dec[k, 0] == 300
    phi = dec[k, 1:]
    e = eff[eff[:, 0] == 300][:, 2:]                         # (24 modes, 10 channels)
    ue, um, ut = 1e-8, 2e-8, 3e-8
    w = _hand_weights(ue, um, ut)
    hand = np.array([np.sum(w * phi[:24] * e[:, c]) for c in range(5)]
                    + [np.sum(w * phi[24:] * e[:, c]) for c in range(5, 10)])
    np.testing.assert_allclose(T.expected_signal(0.30, ue, um, ut), hand, rtol=1e-12)  # same numbers
    assert hand.sum() > 1.0                                   # a sizeable signal at these mixings


def test_mode_weights_mapping():
    np.testing.assert_allclose(T.mode_weights(0.2, 0.3, 0.5), _hand_weights(0.2, 0.3, 0.5), rtol=1e-15)
    w = T.mode_weights(U2mu=1.0)
    assert w[10] == 0.5 and w[11] == 0.0 and w[8] == 0.0      # e e nu(mu,tau) counts half for U_mu alone
    assert set(np.flatnonzero(w)) == {0, 4, 10, 12, 16, 20}


def test_expected_signal_scaling_interpolation_and_broadcasting():
    s1 = T.expected_signal(0.35, 1e-9, 0.0)
    np.testing.assert_allclose(T.expected_signal(0.35, 1e-8, 0.0), 1e2 * s1, rtol=1e-12)   # U^4
    np.testing.assert_array_equal(T.expected_signal(0.35, 0.0, 0.0, 1e-6), 0.0)  # no K -> tau N
    lo, hi = T.expected_signal(0.30, 1e-9, 2e-9), T.expected_signal(0.31, 1e-9, 2e-9)
    np.testing.assert_allclose(T.expected_signal(0.3025, 1e-9, 2e-9), 0.75 * lo + 0.25 * hi, rtol=1e-12)
    out = T.expected_signal(np.array([0.2, 0.3, 0.4]), np.array([[1e-9], [2e-9]]), 0.0)
    assert out.shape == (2, 3, 10)
    np.testing.assert_allclose(out[1, 2], T.expected_signal(0.4, 2e-9, 0.0), rtol=1e-12)


def test_long_lifetime_approximation_holds_along_the_limits():
    # decay length at |U|^2 ~ 1e-9 is > 1e7 m for p = 1 GeV: the linear approximation is exact to
    # < 1e-4 at 280 m (and 0.5 GeV, the soft end of the kaon-decay HNL spectrum)
    assert np.min(T.long_lifetime_ratio(GRID, 1e-9, 1e-9, 1e-9, momentum_GeV=0.5)) > 0.9999
    prof = T.load_t2k_limits()["profiling"]
    assert np.min(T.long_lifetime_ratio(GRID, prof["U2e"], 0.0, momentum_GeV=0.5)) > 0.9999
    assert T.long_lifetime_ratio(0.4, 1e-3, 1e-3, momentum_GeV=1.0) < 0.5  # and fails when it must


# ------------------------------------------------------------------------------------- limits
@pytest.mark.parametrize("flavour", ["e", "mu"])
def test_bayesian_limits_within_20_percent_of_t2k(flavour):
    # Same model as T2K (flat prior in U^2 on [1e-16, 10], Poisson n = 0, 15 % + MC-stat flux
    # nuisance; background drops out for n = 0). Observed ours/T2K: 0.93-1.03 (e), 0.97-1.02 (mu).
    # The residual scatter is mass to mass, i.e. the MCMC noise of T2K's 90 % quantiles (a few %),
    # plus the efficiency covariance we do not have. 20 % is the tolerance asked for.
    cmp = T.compare_with_t2k(flavour, "bayesian")
    both = np.isfinite(cmp["t2k"])
    assert both.sum() == (36 if flavour == "e" else 25)
    assert np.all(np.isfinite(cmp["ratio"][both]))
    np.testing.assert_array_less(np.abs(cmp["ratio"][both] - 1.0), 0.20)
    assert 0.9 < np.median(cmp["ratio"][both]) < 1.05     # no overall bias beyond a few %


@pytest.mark.parametrize("flavour", ["e", "mu"])
def test_cls_limits_pin_the_documented_difference(flavour):
    # The frequentist CLs limit cannot be within 20 %: for n = 0 it is sqrt(ln 10 / S0) while T2K's
    # flat-prior credible limit is erfinv(0.9) / sqrt(S0), i.e. 1.3046x higher at the same nominal
    # 90 %. Pin the exact ratio to our nuisance-free Bayesian limit and the band against T2K
    # (observed 1.19-1.32; the band adds the MCMC scatter of +-10 %).
    _, cls = T.single_flavour_limits(flavour, "cls")
    _, bay0 = T.single_flavour_limits(flavour, "bayesian", flux_uncertainty=False)
    ok = np.isfinite(cls)
    np.testing.assert_allclose(cls[ok] / bay0[ok], np.sqrt(np.log(10.0)) / erfinv(0.9), rtol=1e-7)
    cmp = T.compare_with_t2k(flavour, "cls")
    assert 1.1 < cmp["ratio_min"] and cmp["ratio_max"] < 1.45


def test_bayesian_closed_form_and_flux_nuisance():
    # flat prior, no nuisance: the posterior of u is half-Gaussian -> u_up = erfinv(cl) / sqrt(S0);
    # rtol 1e-6 because T2K's prior starts at 1e-16, not 0 (a relative shift ~1e-16 sqrt(S0) ~ 1e-7)
    s0 = T.single_flavour_yield(GRID, "e")
    np.testing.assert_allclose(T.bayesian_limit(GRID, "e", flux_uncertainty=False), erfinv(0.9) / np.sqrt(s0),
                               rtol=1e-6)
    # the 15 % flux nuisance loosens the limit by ~1-2 %, never tightens it
    r = T.bayesian_limit(GRID, "e") / T.bayesian_limit(GRID, "e", flux_uncertainty=False)
    assert np.all((r > 1.0) & (r < 1.05))


def test_log_uniform_prior_depends_on_its_lower_bound():
    # log-uniform prior: posterior flat in ln U^2 below the sensitivity -> limit set by the lower bound
    lims = [T.bayesian_limit(0.39, "e", prior="log", prior_range=(lo, 10.0)) for lo in (1e-16, 1e-12, 1e-10)]
    assert lims[0] < lims[1] < lims[2] < T.bayesian_limit(0.39, "e")
    assert lims[0] < 0.2 * T.load_t2k_limits()["profiling"]["U2e"][25]   # T2K did not use it


def test_no_sensitivity_gives_nan():
    # K -> mu N closes at m_K - m_mu = 388 MeV: no U_mu-only signal above
    assert T.single_flavour_yield(0.40, "mu") == 0.0
    assert np.isnan(T.bayesian_limit(0.40, "mu")) and np.isnan(T.cls_limit(0.40, "mu"))


# --------------------------------------------------------------------------------- bad input
@pytest.mark.parametrize("mass", [0.13, 0.5, np.nan])
def test_mass_outside_the_tables_is_rejected(mass):
    with pytest.raises(NuportalInputError, match=r"HNL mass.*allowed range \[0.14, 0.49\]") as exc:
        T.expected_signal(mass, 1e-9, 0.0)
    assert f"{mass:g}" in str(exc.value)
    with pytest.raises(NuportalInputError, match="HNL mass"):
        T.bayesian_limit(mass, "e")


def test_bad_mixings_and_options_are_rejected():
    with pytest.raises(NuportalInputError, match=r"\|U_mu\|\^2 = -1e-09 .*\[0, 1\]"):
        T.expected_signal(0.3, 1e-9, -1e-9)
    with pytest.raises(NuportalInputError, match=r"\|U_e\|\^2 = 2"):
        T.expected_signal(0.3, 2.0, 0.0)
    with pytest.raises(NuportalInputError, match="flavour 'tau'"):
        T.cls_limit(0.3, "tau")
    with pytest.raises(NuportalInputError, match="prior 'jeffreys'"):
        T.bayesian_limit(0.3, "e", prior="jeffreys")
    with pytest.raises(NuportalInputError, match="method 'fc'"):
        T.single_flavour_limits("e", "fc")


# ------------------------------------------------------------------------------------- figure
def test_figure_is_written(tmp_path):
    path = T.figure_t2k2019(tmp_path / "t2k2019.png")
    assert path.exists() and path.stat().st_size > 10_000
