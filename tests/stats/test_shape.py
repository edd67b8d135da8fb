"""Tests for nuportal.stats.shape (binned Asimov limits / discovery reach, pyhf cross-check).

References: Cowan, Cranmer, Gross & Vitells, EPJC 71 (2011) 1554, arXiv:1007.1727 (CCGV):
q~_{mu,A} = 2 sum [mu S - B ln(1 + mu S / B)] for sigma_b = 0; median Z_A of Eq. (97);
median CL_{s+b} / CL_s limits at sqrt(q~_{mu,A}) = Phi^-1(cl) / Phi^-1(1 - (1 - cl)/2).
pyhf 0.7 (AsymptoticCalculator with q~_mu, and pyhf.infer.intervals.upper_limits) is the
independent implementation used as the field-standard cross-check.
"""

import time
import warnings

import numpy as np
import pytest
from scipy.optimize import minimize_scalar
from scipy.special import ndtri

from nuportal.errors import NuportalInputError
from nuportal.stats import counting
from nuportal.stats import shape as sh

Z90 = 1.2815515655446004  # Phi^-1(0.9)
Z95 = 1.6448536269514722  # Phi^-1(0.95): CLs at 90 % CL


def toy_exponential(n_bins=40, n_bkg=2000.0, mass=0.5, width=0.04):
    """Falling exponential background and a unit-normalised Gaussian signal on [0, 1]."""
    edges = np.linspace(0.0, 1.0, n_bins + 1)
    centres = 0.5 * (edges[1:] + edges[:-1])
    background = n_bkg * np.exp(-centres / 0.3) * np.diff(edges) / 0.3
    signal = np.exp(-0.5 * ((centres - mass) / width) ** 2)
    return signal / signal.sum(), background


def brute_q(mu, S, B, sigma, kind):
    """Profiled Asimov q by direct numerical minimisation over theta (independent check)."""
    S, B = np.asarray(S, float), np.asarray(B, float)
    n = B if kind == "exclusion" else B + mu * S

    def objective(theta):
        nu = (mu * S if kind == "exclusion" else 0.0) + B * (1.0 + sigma * theta)
        log_term = np.where(n > 0, n * np.log(np.where(n > 0, n, 1) / nu), 0.0)
        return 2.0 * np.sum(nu - n + log_term) + theta**2

    return minimize_scalar(objective, bounds=(-5, 5), method="bounded",
                           options={"xatol": 1e-12}).fun


def test_closed_forms_without_nuisance():
    S, B = toy_exponential()
    for mu in (0.0, 3.0, 40.0):
        ref = 2.0 * np.sum(mu * S - B * np.log1p(mu * S / B))
        assert sh.q_mu_asimov(mu, S, B) == pytest.approx(ref, rel=1e-12, abs=1e-15)
        ref0 = 2.0 * np.sum((mu * S + B) * np.log1p(mu * S / B) - mu * S)
        assert sh.q0_asimov(mu, S, B) == pytest.approx(ref0, rel=1e-12, abs=1e-15)
    s, b = 10.0, 4.0  # single bin: CCGV Eq. (97)
    za = np.sqrt(2 * ((s + b) * np.log(1 + s / b) - s))
    assert sh.discovery_significance_asimov([s], [b]) == pytest.approx(za, rel=1e-12)


@pytest.mark.parametrize("sigma", [0.02, 0.1, 0.3])
@pytest.mark.parametrize("kind", ["exclusion", "discovery"])
def test_profiled_q_matches_brute_force(sigma, kind):
    S, B = toy_exponential()
    func = sh.q_mu_asimov if kind == "exclusion" else sh.q0_asimov
    for mu in (5.0, 20.0, 60.0):
        assert func(mu, S, B, sigma) == pytest.approx(brute_q(mu, S, B, sigma, kind), rel=1e-7)


def test_solutions_hit_target_and_grow_with_uncertainty():
    S, B = toy_exponential()
    limits = [sh.upper_limit_asimov(S, B, 0.9, s) for s in (0.0, 0.01, 0.05, 0.2)]
    assert np.all(np.diff(limits) > 0)
    for sigma in (0.0, 0.1):
        mu = sh.upper_limit_asimov(S, B, 0.9, sigma)
        assert sh.q_mu_asimov(mu, S, B, sigma) == pytest.approx(Z90**2, rel=1e-10)
        mu = sh.upper_limit_asimov(S, B, 0.9, sigma, method="cls")
        assert sh.q_mu_asimov(mu, S, B, sigma) == pytest.approx(Z95**2, rel=1e-10)
        mu = sh.discovery_strength_asimov(S, B, 0.9, sigma)
        assert sh.q0_asimov(mu, S, B, sigma) == pytest.approx(Z90**2, rel=1e-10)
    five_sigma = sh.discovery_strength_asimov(S, B, cl=float(1 - 2.866515718791939e-07))
    assert sh.discovery_significance_asimov(S * five_sigma, B) == pytest.approx(5.0, rel=1e-8)


@pytest.mark.parametrize("b", [1e4, 1e6])
def test_single_bin_reduces_to_counting_formula(b):
    tol = 3.0 / np.sqrt(b)  # next order is O(z / sqrt(b)) relative
    for method in ("clsb", "cls"):
        s_shape = sh.shape_signal_needed([1.0], [b], 0.9, "exclusion", method=method)
        s_count = counting.exclusion_signal_asymptotic(b, 0.9, method=method)
        assert s_shape == pytest.approx(s_count, rel=tol)
    s_shape = sh.shape_signal_needed([1.0], [b], 0.9, "detection")
    assert s_shape == pytest.approx(counting.detection_signal_asymptotic(b), rel=tol)
    # with a normalisation uncertainty the single bin gives s ~ z sqrt(b + s + (sigma b)^2)
    sigma = 0.3 / np.sqrt(b)
    s_nuis = sh.shape_signal_needed([1.0], [b], 0.9, bkg_uncertainty=sigma)
    assert s_nuis == pytest.approx(Z90 * np.sqrt(b + s_nuis + (sigma * b) ** 2), rel=tol)


def test_shape_beats_every_single_window_on_flat_background():
    n_bins, width = 60, 1.7
    centres = np.arange(n_bins) + 0.5
    B = np.full(n_bins, 50.0)
    S = np.exp(-0.5 * ((centres - 30.0) / width) ** 2)
    for kind in ("exclusion", "detection"):
        s_shape = sh.shape_signal_needed(S, B, 0.9, kind)
        mu_shape = sh.upper_limit_asimov(S, B) if kind == "exclusion" else (
            sh.discovery_strength_asimov(S, B))
        best_window = np.inf
        for lo in range(20, 31):
            for hi in range(lo + 1, 41):
                s_w, b_w = S[lo:hi].sum(), B[lo:hi].sum()
                # same likelihood machinery on the merged window (cut-and-count)
                best_window = min(best_window, sh.shape_signal_needed([s_w], [b_w], 0.9, kind)
                                  / s_w * S.sum())
        assert s_shape < best_window
        assert mu_shape * S.sum() == pytest.approx(s_shape)
    # the paper's window m +- 1.4 sigma with s_w = erf(1.4/sqrt 2) s_tot and s = z sqrt(b + s)
    in_window = np.abs(centres - 30.0) <= 1.4 * width
    frac = S[in_window].sum() / S.sum()
    s_paper = counting.exclusion_signal_asymptotic(B[in_window].sum()) / frac
    assert sh.shape_signal_needed(S, B) < s_paper


def test_batch_and_broadcasting():
    S, B = toy_exponential()
    S3 = np.stack([toy_exponential(mass=m)[0] for m in (0.3, 0.5, 0.7)])
    sigmas = np.array([0.0, 0.05, 0.2])
    batch = sh.upper_limit_asimov(S3, B, 0.9, sigmas)
    loop = [sh.upper_limit_asimov(s, B, 0.9, g) for s, g in zip(S3, sigmas, strict=True)]
    np.testing.assert_allclose(batch, loop, rtol=1e-12)
    assert sh.q_mu_asimov([1.0, 2.0, 3.0], S, B).shape == (3,)
    assert isinstance(sh.upper_limit_asimov(S, B), float)
    one_by_one = [sh.upper_limit_asimov(S, B, 0.9), sh.upper_limit_asimov(S, B, 0.95)]
    np.testing.assert_allclose(sh.upper_limit_asimov(S, B, [0.9, 0.95]), one_by_one)


def test_zero_background_bins_and_extreme_scales():
    S, B = toy_exponential()
    # no background at all: q = 2 mu sum S exactly
    assert sh.upper_limit_asimov(S, np.zeros_like(B)) == pytest.approx(Z90**2 / 2 / S.sum())
    B0 = B.copy()
    B0[18:22] = 0.0
    for sigma in (0.0, 0.3):
        mu = sh.upper_limit_asimov(S, B0, 0.9, sigma)
        assert sh.q_mu_asimov(mu, S, B0, sigma) == pytest.approx(Z90**2, rel=1e-10)
    with pytest.raises(NuportalInputError, match="background = 0"):
        sh.discovery_strength_asimov(S, B0)
    for scale in (1e-9, 1e9):  # the needed yield does not depend on the template normalisation
        assert sh.shape_signal_needed(S * scale, B, bkg_uncertainty=0.1) == pytest.approx(
            sh.shape_signal_needed(S, B, bkg_uncertainty=0.1), rel=1e-9)


def _pyhf_quiet(func, *args, **kwargs):
    """Run a pyhf call with its known deprecation chatter silenced (pytest turns warnings to
    errors; pyhf 0.7.6 uses jsonschema.RefResolver, deprecated in jsonschema 4.18)."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=DeprecationWarning)
        return func(*args, **kwargs)


@pytest.mark.parametrize(("sigma", "method"),
                         [(None, "clsb"), (None, "cls"), (0.1, "clsb"), (0.1, "cls")])
def test_numpy_agrees_with_pyhf(sigma, method):
    S, B = toy_exponential()
    ours = sh.upper_limit_asimov(S, B, 0.9, sigma or 0.0, method)
    theirs = _pyhf_quiet(sh.pyhf_upper_limit, S, B, sigma, 0.9, method)
    assert ours == pytest.approx(theirs, rel=0.05)  # same asymptotics: agree to ~1e-7 in fact
    assert ours == pytest.approx(theirs, rel=1e-4)


def test_pyhf_wrapper_matches_pyhf_upper_limit_routine():
    import pyhf

    S, B = toy_exponential(n_bins=20)
    scale = 20.0  # put the limit well inside the default POI bounds [0, 10]
    model = _pyhf_quiet(sh._pyhf_model, S * scale, B, 0.1)
    data = B.tolist() + model.config.auxdata
    # pyhf 0.7.6 upper_limit(scan=None) ignores `level` (scikit-hep/pyhf#2563): call the
    # TOMS 748 scan it wraps directly
    _, expected = _pyhf_quiet(pyhf.infer.intervals.upper_limits.toms748_scan, data, model,
                              0.5, 5.0, level=0.1)
    ours = _pyhf_quiet(sh.pyhf_upper_limit, S, B, 0.1, 0.9, "cls")
    assert ours == pytest.approx(float(expected[2]) * scale, rel=1e-3)


def test_speed_without_nuisance():
    masses = np.linspace(0.2, 0.8, 100)
    templates = [toy_exponential(mass=m)[0] for m in masses]
    B = toy_exponential()[1]
    start = time.perf_counter()
    for _ in range(3):  # 100 mass points x 3 scenarios, one call each
        for S in templates:
            sh.upper_limit_asimov(S, B)
    per_call = (time.perf_counter() - start) / 300
    assert per_call < 0.02


@pytest.mark.parametrize(
    ("kwargs", "pattern"),
    [({"signal": [-1.0, 1.0]}, "signal = -1"),
     ({"background": [np.nan, 1.0]}, "background = nan"),
     ({"signal": [0.0, 0.0]}, "signal template sum = 0"),
     ({"signal": [1.0, 1.0, 1.0]}, "same number of bins"),
     ({"cl": 0.4}, r"cl \(confidence level\) = 0.4 .*\(0.5, 1\)"),
     ({"cl": 1.0}, r"cl \(confidence level\) = 1"),
     ({"bkg_uncertainty": -0.1}, "bkg_uncertainty = -0.1"),
     ({"method": "bayes"}, "method = 'bayes'")],
)
def test_bad_input_raises(kwargs, pattern):
    args = {"signal": [1.0, 2.0], "background": [3.0, 4.0]} | kwargs
    with pytest.raises(NuportalInputError, match=pattern):
        sh.upper_limit_asimov(**args)


def test_z_targets():
    assert ndtri(0.9) == pytest.approx(Z90)
    assert ndtri(0.95) == pytest.approx(Z95)
