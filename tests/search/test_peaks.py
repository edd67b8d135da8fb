"""Peak scan of binned mass spectra (nuportal.search.peaks; shared reference 001, Sec. 3)."""

from pathlib import Path

import numpy as np
import pytest
from scipy import integrate, optimize, special, stats

from nuportal.errors import NuportalInputError
from nuportal.io import write_csv
from nuportal.search import peaks
from nuportal.search.peaks import (
    BinnedSpectrum,
    build_windows,
    global_significance,
    local_significance,
    mass_hypotheses,
    p_value_hybrid,
    read_spectrum_csv,
    scan_peaks,
    toy_max_local_z,
    z_asimov_with_uncertainty,
)
from nuportal.stats.intervals import cls_upper_limit, feldman_cousins, rolke_lopez

DATA = Path(__file__).parent / "data"


def flat_spectrum(rng, b=100.0, sigma_b=0.0, signal=0.0, m0=0.3, width=0.002, lo=0.2, hi=0.4, nb=200):
    """Flat background with an optional injected Gaussian peak; Poisson counts from ``rng``."""
    edges = np.linspace(lo, hi, nb + 1)
    lam = b + signal * np.diff(stats.norm.cdf(edges, m0, width))
    return BinnedSpectrum(edges, rng.poisson(lam), np.full(nb, b), np.full(nb, sigma_b))


# ------------------------------------------------------------------------- spectrum type + IO
def test_spectrum_validated_and_frozen():
    s = BinnedSpectrum([0.1, 0.2, 0.3], [1, 2], [0.5, 0.5])
    assert s.n_bins == 2 and s.observed.dtype == np.int64
    np.testing.assert_allclose(s.centres, [0.15, 0.25])
    np.testing.assert_array_equal(s.background_sigma, [0.0, 0.0])
    with pytest.raises(ValueError):
        s.observed[0] = 5  # arrays are read-only
    assert BinnedSpectrum([0.01, 0.04], [1], [1.0], variable="m2").mass_range == pytest.approx((0.1, 0.2))


@pytest.mark.parametrize("kwargs,needle", [
    (dict(edges=[], observed=[], background=[]), "edges is empty"),
    (dict(edges=[0.1], observed=[], background=[]), "edges has 1 values"),
    (dict(edges=[0.1, 0.3, 0.2], observed=[1, 1], background=[1, 1]), "strictly increasing"),
    (dict(edges=[0.1, 0.2, 0.3], observed=[1, -1], background=[1, 1]), "observed = -1 is outside"),
    (dict(edges=[0.1, 0.2, 0.3], observed=[1, 1.5], background=[1, 1]), "integer count"),
    (dict(edges=[0.1, 0.2, 0.3], observed=[1, 1], background=[1, np.nan]), "background = nan"),
    (dict(edges=[0.1, 0.2, 0.3], observed=[1, 1], background=[1, -2]), "background = -2 is outside"),
    (dict(edges=[0.1, 0.2, 0.3], observed=[1, 1, 1], background=[1, 1]), "observed has 3 values"),
    (dict(edges=[0.1, 0.2, 0.3], observed=[1, 1], background=[1, 1], background_sigma=[0, -1]),
     "background_sigma = -1 is outside the allowed range [0, inf)"),
    (dict(edges=[0.1, np.inf], observed=[1], background=[1]), "edges = inf"),
    (dict(edges=[0.1, 0.2], observed=[1], background=[1], variable="m3"), "variable = 'm3'"),
])
def test_spectrum_bad_input(kwargs, needle):
    with pytest.raises(NuportalInputError) as info:
        BinnedSpectrum(**kwargs)
    assert needle in str(info.value)


def test_read_test_spectrum_matches_its_recipe():
    # the data file states its recipe in its header; regenerate it and compare exactly
    s = read_spectrum_csv(DATA / "peak_spectrum.csv")
    rng = np.random.default_rng(2024)
    edges = np.round(np.linspace(0.300, 0.375, 76), 6)
    lam = 20.0 + 120 * np.diff(stats.norm.cdf(edges, 0.340, 0.0015))
    np.testing.assert_array_equal(s.observed, rng.poisson(lam))
    np.testing.assert_allclose(s.edges, edges, atol=1e-12)
    assert s.variable == "m" and np.all(s.background_sigma == 1.0) and np.all(s.background == 20.0)


def test_read_nuportal_csv_roundtrip(tmp_path):
    cols = {"m2_low_GeV2": [0.01, 0.02], "m2_high_GeV2": [0.02, 0.03], "observed": [3, 4],
            "background": [2.5, 3.5]}
    path = write_csv(tmp_path / "s.csv", cols, {"source": "test"})
    s = read_spectrum_csv(path)
    assert s.variable == "m2" and s.n_bins == 2
    np.testing.assert_allclose(s.edges, [0.01, 0.02, 0.03])
    np.testing.assert_array_equal(s.background_sigma, [0.0, 0.0])


@pytest.mark.parametrize("text,needle", [
    ("m_low_GeV,m_high_GeV,observed\n0.1,0.2,3\n", "lacks the columns background"),
    ("# only a comment\n", "holds no bins"),
    ("m_low_GeV,m_high_GeV,observed,background\n0.1,0.2,3,1\n0.25,0.3,3,1\n", "not contiguous"),
    ("m_low_GeV,m_high_GeV,observed,background\n0.1,0.2,x,1\n", "non-numeric"),
    ("m_low_GeV,m_high_GeV,observed,background\n0.1,0.2,-3,1\n", "observed = -3 is outside"),
])
def test_read_spectrum_bad_files(tmp_path, text, needle):
    (tmp_path / "s.csv").write_text(text)
    with pytest.raises(NuportalInputError) as info:
        read_spectrum_csv(tmp_path / "s.csv")
    assert needle in str(info.value)


def test_read_spectrum_missing_file(tmp_path):
    with pytest.raises(NuportalInputError, match="does not exist"):
        read_spectrum_csv(tmp_path / "nope.csv")


# ------------------------------------------------------------------------------- hypotheses
def test_mass_hypotheses_fixed_and_sigma_steps():
    # fixed 1 MeV steps over 300-375 MeV: 76 hypotheses (reference 001, Sec. 3.2)
    m = mass_hypotheses(0.300, 0.375, step=0.001)
    assert m.size == 76 and m[-1] == pytest.approx(0.375)
    # sigma/2 steps with sigma = 0.01 m: m_{i+1} = 1.005 m_i, a geometric series (Sec. 3.1)
    m = mass_hypotheses(0.2, 0.3, step="sigma/2", resolution=lambda x: 0.01 * x)
    np.testing.assert_allclose(m, 0.2 * 1.005 ** np.arange(m.size), rtol=1e-12)
    assert m[-1] <= 0.3 < m[-1] * 1.005
    with pytest.raises(NuportalInputError, match="malformed"):
        mass_hypotheses(0.2, 0.3, step="half sigma", resolution=0.01)
    with pytest.raises(NuportalInputError, match="step"):
        mass_hypotheses(0.2, 0.3, step=-0.001)


# ------------------------------------------------------------------------ window bookkeeping
def test_window_bins_by_centre_and_signal_fraction():
    # unit bins 0..10; m = 5, sigma = 1, k = 1.5: window [3.5, 6.5] holds the centres 3.5 ... 6.5
    # (closed window), i.e. bins 3-6, whose outer edges [3, 7] hold 2 Phi(2) - 1 of a Gaussian.
    s = BinnedSpectrum(np.arange(11.0), np.arange(10), np.ones(10), np.full(10, 0.5))
    w = build_windows(s, [5.0], 1.0, 1.5)
    assert (w.first[0], w.stop[0]) == (3, 7)
    assert w.sums(s.observed)[0] == 3 + 4 + 5 + 6
    assert w.signal_fraction()[0] == pytest.approx(2 * stats.norm.cdf(2.0) - 1, rel=1e-12)
    assert w.background_sigma()[0] == pytest.approx(4 * 0.5)  # fully correlated: linear sum
    w_unc = build_windows(s, [5.0], 1.0, 1.5, background_correlation="none")
    assert w_unc.background_sigma()[0] == pytest.approx(np.sqrt(4) * 0.5)  # quadrature


def test_signal_fraction_tends_to_erf_for_fine_bins():
    # bins of 1e-3 sigma: the included-bin fraction equals erf(k / sqrt 2) to O(bin / sigma)
    s = BinnedSpectrum(np.linspace(0.0, 1.0, 100001), np.zeros(100000, int), np.ones(100000))
    w = build_windows(s, [0.5], 0.01, 1.5)
    assert w.signal_fraction()[0] == pytest.approx(special.erf(1.5 / np.sqrt(2)), abs=1e-3)


def test_m2_window_is_the_squared_mass_window():
    # spectrum in m2: the window [m - k sigma, m + k sigma] maps to [(m - k s)^2, (m + k s)^2]
    m2_edges = np.linspace(0.0, 0.1, 1001)  # 1e-4 GeV^2 bins
    s = BinnedSpectrum(m2_edges, np.zeros(1000, int), np.ones(1000), variable="m2")
    w = build_windows(s, [0.2], 0.005, 2.0)
    centres = s.centres
    inside = (centres >= 0.19 ** 2) & (centres <= 0.21 ** 2)
    assert (w.first[0], w.stop[0]) == (np.flatnonzero(inside)[0], np.flatnonzero(inside)[-1] + 1)
    assert w.signal_fraction()[0] == pytest.approx(special.erf(2 / np.sqrt(2)), abs=0.01)


@pytest.mark.parametrize("masses,res,k,needle", [
    ([0.5], 0.01, 1.5, "mass hypothesis (GeV) = 0.5 is outside the allowed range [0.1, 0.4]"),
    ([0.05], 0.01, 1.5, "outside the allowed range"),
    ([0.2], 0.01, 0.0, "k (window half-width in sigma) = 0 is outside the allowed range (0, inf)"),
    ([0.2], 0.01, -1.0, "k (window half-width in sigma) = -1"),
    ([0.2], -0.01, 1.5, "resolution (sigma(m) in GeV) = -0.01 is outside"),
    ([0.2], 1e-6, 1.5, "contains no bin centre"),
    ([], 0.01, 1.5, "non-empty"),
])
def test_window_bad_input(masses, res, k, needle):
    s = BinnedSpectrum(np.linspace(0.1, 0.4, 31), np.ones(30, int), np.ones(30))
    with pytest.raises(NuportalInputError) as info:
        build_windows(s, masses, res, k)
    assert needle in str(info.value)


# ---------------------------------------------------------------------- local significance
def test_hybrid_p_value_exact_poisson_and_quadrature():
    n = np.array([0, 1, 5, 30, 60])
    # sigma_b = 0: exact Poisson P(N >= n | b) (scipy.stats.poisson, independent code), rel 1e-12
    np.testing.assert_allclose(p_value_hybrid(n, 25.0, 0.0), stats.poisson.sf(n - 1, 25.0), rtol=1e-12)
    # sigma_b > 0: direct adaptive integration over the truncated Gaussian prior (scipy quad);
    # 1e-7 relative: the 64-node Gauss-Legendre rule on +-8 sigma is converged far below that
    for ni in n[1:]:
        for b, sb in [(25.0, 3.0), (2.0, 1.5)]:
            num = integrate.quad(lambda x, ni=ni, b=b, sb=sb: stats.poisson.sf(ni - 1, x)
                                 * stats.norm.pdf(x, b, sb), max(0, b - 12 * sb), b + 12 * sb,
                                 epsabs=0, epsrel=1e-11, limit=200)[0]
            norm = stats.norm.sf(-b / sb) if b - 8 * sb < 0 else 1.0
            assert p_value_hybrid(ni, b, sb) == pytest.approx(num / norm, rel=1e-7)


def test_z_asimov_matches_numerical_profile_likelihood():
    # Cowan (2012) Eq. (20) is the on/off likelihood ratio with control count m = tau b,
    # tau = b / sigma_b^2; maximise it numerically (independent code), agreement 1e-6 absolute
    def z_numeric(n, b, sb):
        tau, m = b / sb ** 2, b * b / sb ** 2

        def nll(s, bb):
            return -(special.xlogy(n, s + bb) - s - bb + special.xlogy(m, tau * bb) - tau * bb)

        free = nll(n - b, b)  # unconditional maximum: b_hat = m / tau, s_hat = n - b_hat
        fixed = optimize.minimize_scalar(lambda bb: nll(0.0, bb), bounds=(1e-9, 10 * (n + b)),
                                         method="bounded", options={"xatol": 1e-12}).fun
        return np.sqrt(2 * (fixed - free))
    for n, b, sb in [(40, 25.0, 3.0), (12, 4.0, 1.0), (300, 200.0, 20.0)]:
        assert z_asimov_with_uncertainty(n, b, sb) == pytest.approx(z_numeric(n, b, sb), abs=1e-5)
    # continuity at sigma_b -> 0 (closed-form known-background limit), 1e-6
    assert z_asimov_with_uncertainty(40, 25.0, 1e-5) == pytest.approx(
        z_asimov_with_uncertainty(40, 25.0, 0.0), abs=1e-6)


def test_local_significance_conventions():
    p, z = local_significance([0, 10, 40], [10.0, 10.0, 10.0], [0.0, 0.0, 0.0])
    assert z[0] == 0.0 and p[0] == 1.0  # deficits: Z clipped at 0, p not clipped
    assert z[2] == pytest.approx(-stats.norm.ppf(stats.poisson.sf(39, 10.0)), rel=1e-10)
    with pytest.raises(NuportalInputError, match="significance is infinite"):
        local_significance([3], [0.0], [0.0])
    with pytest.raises(NuportalInputError, match="significance = 'bayes'"):
        local_significance([3], [1.0], [0.0], "bayes")
    # an enormous excess underflows the p-value; Z then comes from the asymptotic formula
    assert np.isfinite(local_significance([5000], [1.0], [0.0])[1][0])


# ---------------------------------------------------------------------------------- scan
def test_injected_peak_found_with_expected_significance():
    # flat b = 100/bin (1 MeV bins), 250 signal events at 300 MeV, sigma = 2 MeV, k = 1.5.
    # Expected (median) local Z at the true mass: the Asimov significance for a known background,
    # Z_A = sqrt(2 ((s + b) ln(1 + s / b) - s)) (Cowan, Cranmer, Gross & Vitells 2011, Eq. 97),
    # with s, b the signal (injected x included-bin fraction) and background in the window.
    # Over 40 seeded pseudo-experiments the mean Z agrees within 0.35: standard error
    # 1/sqrt(40) = 0.16, plus the asymptotic approximation (O(0.1) at b = 600).
    rng = np.random.default_rng(7)
    z_true, m_best = [], []
    for _ in range(40):
        s = flat_spectrum(rng, signal=250.0)
        sc = scan_peaks(s, resolution=0.002, step="sigma/2", k=1.5, method="cls", expected=False)
        i = int(np.argmin(np.abs(sc.masses - 0.3)))
        z_true.append(sc.local_z[i])
        m_best.append(sc.max_local_z[1])
        assert sc.excess[i]
    w = build_windows(s, [0.3], 0.002, 1.5)
    s_w, b_w = 250 * w.signal_fraction()[0], w.sums(s.background)[0]
    z_a = np.sqrt(2 * ((s_w + b_w) * np.log1p(s_w / b_w) - s_w))
    assert np.mean(z_true) == pytest.approx(z_a, abs=0.35)
    # the best mass lies within one resolution (2 MeV) of the injected mass in every experiment
    assert np.max(np.abs(np.array(m_best) - 0.3)) < 0.002


def test_scan_columns_and_summary():
    s = flat_spectrum(np.random.default_rng(1), b=5.0, sigma_b=0.5, nb=50, lo=0.3, hi=0.35)
    sc = scan_peaks(s, resolution=0.001, step=0.001, k=2.0, cl=0.9)
    cols = sc.to_columns()
    assert list(cols)[:4] == ["m_GeV", "sigma_m_GeV", "window_low_GeV", "window_high_GeV"]
    assert all(np.all(np.isfinite(v)) and len(v) == sc.masses.size for v in cols.values())
    np.testing.assert_allclose(cols["window_high_GeV"] - cols["window_low_GeV"], 4 * 0.001)
    assert np.all(sc.signal_upper >= sc.signal_lower) and np.all(sc.signal_lower >= 0)
    np.testing.assert_array_equal(cols["excess"], sc.local_z > 3)
    summary = sc.summary()
    assert summary["max_local_Z"] == pytest.approx(sc.local_z.max())
    assert summary["n_eff_windows"] == pytest.approx(0.05 / (2 * 2.0 * 0.001))  # 12.5 windows
    assert "rolke-lopez" in summary["limit_method"] and "0.9 CL" in summary["limit_method"]


def test_scan_bad_method_and_cl():
    s = flat_spectrum(np.random.default_rng(1), nb=20)
    with pytest.raises(NuportalInputError, match="method = 'bayes' is not one of"):
        scan_peaks(s, resolution=0.01, method="bayes")
    with pytest.raises(NuportalInputError, match="cl"):
        scan_peaks(s, resolution=0.01, cl=1.2)
    with pytest.raises(NuportalInputError, match="resolution"):
        scan_peaks(s)


# ------------------------------------------------------------------------------- limits
def test_injected_callable_receives_window_sums():
    calls = []

    class Iv:
        def __init__(self, lo, up):
            self.lower, self.upper = lo, up

    def method(n, b, sigma_b, cl):
        calls.append((n, b, sigma_b, cl))
        return Iv(0.0, n + 2 * sigma_b + cl)

    s = BinnedSpectrum(np.arange(11.0), np.arange(10), np.ones(10), np.full(10, 0.25))
    sc = scan_peaks(s, [4.0, 5.0, 5.0], resolution=1.0, k=1.0, method=method, cl=0.8, expected=False)
    # window [3, 5] / [4, 6]: centres 3.5, 4.5 / 4.5, 5.5 -> n = 7 / 9, sigma_b = 0.5 (linear)
    np.testing.assert_allclose(sc.signal_upper, [7 + 1 + 0.8, 9 + 1 + 0.8, 9 + 1 + 0.8])
    assert sorted(calls) == [(7, 2.0, 0.5, 0.8), (9, 2.0, 0.5, 0.8)]  # repeated windows called once


@pytest.mark.parametrize("name,direct", [
    ("rolke-lopez", lambda n, b, cl: rolke_lopez(n, b, 0.0, cl)),
    ("feldman-cousins", feldman_cousins),
    ("cls", cls_upper_limit),
])
def test_limits_equal_direct_call_without_background_uncertainty(name, direct):
    # sigma_b = 0: every window's interval is the method called directly on its sums (exact)
    s = flat_spectrum(np.random.default_rng(3), b=0.4, signal=8.0, m0=0.32, nb=30, lo=0.3, hi=0.33)
    sc = scan_peaks(s, resolution=0.001, step=0.002, k=1.5, method=name, cl=0.9)
    for i in range(sc.masses.size):
        iv = direct(int(sc.n_obs[i]), float(sc.b[i]), 0.9)
        assert sc.signal_upper[i] == pytest.approx(float(iv.upper), rel=1e-12)
        assert sc.signal_lower[i] == pytest.approx(float(iv.lower), rel=1e-12, abs=1e-12)
        n_med = int(stats.poisson.median(sc.b[i]))
        assert sc.signal_upper_expected[i] == pytest.approx(float(direct(n_med, float(sc.b[i]), 0.9).upper))


def test_rolke_lopez_gets_window_background_uncertainty():
    s = flat_spectrum(np.random.default_rng(4), b=3.0, sigma_b=0.3, nb=20, lo=0.3, hi=0.32)
    sc = scan_peaks(s, [0.31], resolution=0.001, k=1.5, expected=False)
    assert sc.sigma_b[0] == pytest.approx(0.3 * (sc.windows.stop[0] - sc.windows.first[0]))
    direct = rolke_lopez(int(sc.n_obs[0]), float(sc.b[0]), float(sc.sigma_b[0]), 0.9)
    assert sc.signal_upper[0] == pytest.approx(direct.upper, rel=1e-12)
    # known-background methods ignore sigma_b and say so in the method label
    assert "known background" in scan_peaks(s, [0.31], resolution=0.001, method="cls").method


# -------------------------------------------------------------------- look-elsewhere effect
def test_trials_and_gross_vitells_formulas():
    # N_eff = (m_max - m_min) / (2 k sigma) for constant sigma: 0.2 / (2 * 1.5 * 0.002) = 33.3
    assert peaks.effective_trials(np.linspace(0.2, 0.4, 101), np.full(101, 0.002), 1.5) == pytest.approx(
        100 / 3)
    # two upcrossings of z_ref = 1: p = Phi(-3) + 2 exp(-(9 - 1) / 2) (Gross & Vitells Eq. 2)
    p = peaks.gross_vitells_global_p(3.0, [0, 2, 0, 2, 0], 1.0)
    assert p == pytest.approx(stats.norm.sf(3) + 2 * np.exp(-4), rel=1e-12)


def test_global_p_uniform_for_pure_background():
    # Under the background-only hypothesis the toy-based global p-value must be uniform.
    # One toy ensemble (2000 toys) calibrates the max-local-Z distribution; 300 independent
    # background-only data sets (another seed) give p-values that a KS test must not reject at
    # the 1 % level (seeded, so deterministic; loose because p is discrete in steps of 1/2001).
    s = flat_spectrum(np.random.default_rng(11), b=30.0, sigma_b=1.0, nb=40, lo=0.3, hi=0.34)
    sc = scan_peaks(s, resolution=0.002, step="sigma/2", k=1.5, method="cls", expected=False)
    g = global_significance(sc, 2000, np.random.default_rng(12))
    assert 0 < g.p_global <= 1 and g.max_z_toys.size == 2000
    z_data = toy_max_local_z(sc.windows, 300, np.random.default_rng(13))
    p = (np.sum(g.max_z_toys[None, :] >= z_data[:, None], axis=1) + 1) / 2001
    assert stats.kstest(p, "uniform").pvalue > 0.01
    # the trials-factor estimate is of the right size (factor 3) at the toys' 90 % quantile
    z90 = np.quantile(g.max_z_toys, 0.9)
    assert 0.1 / 3 < peaks._trials_global_p(z90, sc.n_eff) < 0.1 * 3


def test_global_significance_strong_peak_and_inputs():
    s = flat_spectrum(np.random.default_rng(5), b=20.0, signal=200.0, m0=0.32, nb=40, lo=0.3, hi=0.34)
    sc = scan_peaks(s, resolution=0.0015, step=0.001, method="cls", expected=False)
    g = global_significance(sc, 200, np.random.default_rng(6))
    assert g.p_global == pytest.approx(1 / 201)  # no toy reaches the observed Z (> 5)
    assert g.n_exceeding == 0 and g.to_dict()["global_p_toys_is_upper_bound"]
    with pytest.raises(NuportalInputError, match="n_toys"):
        global_significance(sc, 0, np.random.default_rng(6))
    with pytest.raises(NuportalInputError, match="max_z_observed"):
        global_significance(sc.windows, 10, np.random.default_rng(6))
    assert peaks.with_global(sc, g).summary()["global_p_toys"] == g.p_global


# ---------------------------------------------------------------------------------- plot
def test_plot_upper_limits_draws_observed_and_expected():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    s = flat_spectrum(np.random.default_rng(2), b=5.0, nb=30, lo=0.3, hi=0.33)
    sc = scan_peaks(s, resolution=0.001, step=0.001, method="cls")
    fig, ax = plt.subplots()
    artists = peaks.plot_upper_limits(ax, sc)
    np.testing.assert_allclose(artists[0].get_ydata(), sc.signal_upper)
    lines = [a for a in artists if hasattr(a, "get_ydata")]
    np.testing.assert_allclose(lines[1].get_ydata(), sc.signal_upper_expected)
    assert "90% CL" in artists[0].get_label()
    assert {"expected $\\pm 1\\sigma$", "expected $\\pm 2\\sigma$"} <= {a.get_label() for a in artists}
    # the band brackets the median: quantiles of Poisson(b) at -2, -1, +1, +2 sigma
    band = sc.expected_band
    assert np.all(band["-2"] <= band["-1"]) and np.all(band["-1"] <= sc.signal_upper_expected)
    assert np.all(sc.signal_upper_expected <= band["+1"]) and np.all(band["+1"] <= band["+2"])
    plt.close(fig)
