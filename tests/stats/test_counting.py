"""Tests for nuportal.stats.counting (cut-and-count detection / median exclusion yields).

Reference numbers and their sources:

* z(0.90) = 1.2815515655 and z(0.95) = 1.6448536270: standard normal quantiles
  (Abramowitz & Stegun Table 26.5); the NA62 paper (shared reference 000_8765c30c5ed4f07e,
  Sec. IV) quotes 1.282.
* Poisson, b = 0: the 90 % CL upper limit for n = 0 is s = -ln(0.1) = 2.302585 (CLs and CLs+b
  coincide since CL_b = 1); detection needs n_c = 1 and the median reaches it at s = ln 2.
* Poisson, b = 3: median(Poisson(3)) = 3; the classic 90 % upper limit on the mean for n = 3
  is 6.68 (PDG Review of Particle Physics, "Statistics", table of Poisson upper limits), so
  s_up = 3.681 (CLs+b).  All b = 3 numbers are also re-derived with scipy.stats.poisson + brentq.
* Large b: the exact constructions approach z sqrt(b) and z sqrt(b + s).
"""

import math

import numpy as np
import pytest
from scipy.optimize import brentq
from scipy.stats import poisson

from nuportal.errors import NuportalInputError
from nuportal.stats import counting as C


def test_z_from_cl_reference_values():
    assert C.z_from_cl(0.9) == pytest.approx(1.2815515655446004, rel=1e-12)
    assert C.z_from_cl(0.95) == pytest.approx(1.6448536269514722, rel=1e-12)
    assert round(float(C.z_from_cl(0.9)), 3) == 1.282  # the paper's number
    np.testing.assert_allclose(C.z_from_cl([0.5, 0.8413447460685429]), [0.0, 1.0], atol=1e-12)


def test_asymptotic_formulae():
    b = np.array([0.0, 1.0, 100.0, 1e4])
    z = 1.2815515655446004
    np.testing.assert_allclose(C.detection_signal_asymptotic(b), z * np.sqrt(b), rtol=1e-14)
    s = C.exclusion_signal_asymptotic(b)
    np.testing.assert_allclose(s, z * np.sqrt(b + s), rtol=1e-12)  # s = z sqrt(b + s)
    assert s[0] == pytest.approx(z * z)
    # CLs: CL_b = 1/2 at the median, so z -> Phi^-1(1 - alpha/2) = 1.6449 at 90 % CL
    s_cls = C.exclusion_signal_asymptotic(b, method="cls")
    np.testing.assert_allclose(s_cls, 1.6448536269514722 * np.sqrt(b + s_cls), rtol=1e-12)


def test_poisson_zero_background():
    for method in ("clsb", "cls"):
        for expected in ("median", "asimov"):
            s = C.exclusion_signal_poisson(0.0, 0.9, method=method, expected=expected)
            assert s == pytest.approx(-math.log(0.1), rel=1e-12)  # 2.302585
    assert C.detection_signal_poisson(0.0) == pytest.approx(math.log(2.0), rel=1e-12)
    assert C.detection_signal_poisson(0.0, expected="asimov") == pytest.approx(math.log(2.0))


def test_poisson_exclusion_b3_against_scipy():
    b, n_med = 3.0, 3
    assert poisson.median(b) == n_med
    s_clsb = C.exclusion_signal_poisson(b, 0.9, method="clsb")
    assert b + s_clsb == pytest.approx(6.68, abs=0.005)  # PDG table, n = 3, 90 % CL
    assert poisson.cdf(n_med, b + s_clsb) == pytest.approx(0.1, rel=1e-10)
    ref = brentq(lambda s: poisson.cdf(n_med, b + s) / poisson.cdf(n_med, b) - 0.1, 0, 50)
    assert C.exclusion_signal_poisson(b, 0.9, method="cls") == pytest.approx(ref, rel=1e-9)


def test_poisson_detection_b3_against_scipy():
    b = 3.0
    assert poisson.sf(5, b) <= 0.1 < poisson.sf(4, b)  # P(N>=6) = 0.084, P(N>=5) = 0.185: n_c=6
    s = C.detection_signal_poisson(b, 0.9)
    assert poisson.sf(5, b + s) == pytest.approx(0.5, rel=1e-10)
    ref = brentq(lambda x: poisson.sf(5, b + x) - 0.5, 0, 50)
    assert s == pytest.approx(ref, rel=1e-9)


@pytest.mark.parametrize("cl", [0.9, 0.95, 0.99])
def test_poisson_vectorised_matches_brute_force(cl):
    b = np.array([0.0, 0.01, 0.3, 0.69, 1.0, 2.5, 7.0, 12.3, 40.0, 99.0])
    det = C.detection_signal_poisson(b, cl)
    exc = C.exclusion_signal_poisson(b, cl, method="cls")
    for bi, d, e in zip(b, det, exc, strict=True):
        n_c = next(n for n in range(1000) if poisson.sf(n - 1, bi) <= 1 - cl)
        assert poisson.sf(n_c - 1, bi + d) == pytest.approx(0.5, rel=1e-9)
        n_med = next(n for n in range(1000) if poisson.cdf(n, bi) >= 0.5)
        ratio = poisson.cdf(n_med, bi + e) / poisson.cdf(n_med, bi)
        assert ratio == pytest.approx(1 - cl, rel=1e-8)


def test_exact_curves_are_step_like_and_asimov_smooth():
    # discrete median: median(Poisson(0.5)) = 0, so the limit drops below the b = 0 value
    assert C.exclusion_signal_poisson(0.5) == pytest.approx(-math.log(0.1) - 0.5)
    b = np.linspace(0.0, 30.0, 601)
    for kind in ("detection", "exclusion"):
        smooth = C.signal_needed(b, kind=kind, stats="poisson", expected="asimov")
        exact = C.signal_needed(b, kind=kind, stats="poisson")
        rising = b[:-1] >= -math.log(0.9)  # below b = 0.105 detection needs n_c = 1 exactly
        assert np.all(np.diff(smooth)[rising] > 0)  # smooth and increasing
        assert np.any(np.diff(exact) < 0)  # saw-tooth
    # Asimov exclusion equals the exact one at integer b (Poisson median = b there)
    bi = np.arange(0.0, 30.0)
    np.testing.assert_allclose(C.exclusion_signal_poisson(bi, expected="asimov"),
                               C.exclusion_signal_poisson(bi), rtol=1e-10)
    # Asimov detection is the lower envelope of the saw-tooth
    assert np.all(C.detection_signal_poisson(b, expected="asimov")
                  <= C.detection_signal_poisson(b) + 1e-9)


def test_auto_switch_and_agreement_at_b100():
    assert C.POISSON_ASYMPTOTIC_SWITCH == 100.0
    b = 100.0
    det_a, exc_a = C.detection_signal_asymptotic(b), C.exclusion_signal_asymptotic(b)
    det_p, exc_p = C.detection_signal_poisson(b), C.exclusion_signal_poisson(b)
    # b = 100: s_det = 13.67 vs 12.82 (+6.6 %, saw-tooth phase), s_exc = 14.07 vs 13.66 (+3.0 %)
    assert det_p / det_a == pytest.approx(1.0, abs=0.07)
    assert exc_p / exc_a == pytest.approx(1.0, abs=0.04)
    assert C.detection_signal_poisson(b, expected="asimov") / det_a == pytest.approx(1, abs=0.03)
    cls_ratio = C.exclusion_signal_poisson(b, method="cls") / C.exclusion_signal_asymptotic(
        b, method="cls")
    assert cls_ratio == pytest.approx(1.0, abs=0.03)
    arr = np.array([50.0, 99.9, 100.0, 400.0])
    for kind in ("detection", "exclusion"):
        auto = C.signal_needed(arr, kind=kind)
        pois = C.signal_needed(arr, kind=kind, stats="poisson")
        asym = C.signal_needed(arr, kind=kind, stats="asymptotic")
        np.testing.assert_array_equal(auto, np.where(arr < 100.0, pois, asym))


def test_large_b_limit():
    b = np.array([1e4, 1e6])
    for kind in ("detection", "exclusion"):
        r = C.signal_needed(b, kind=kind, stats="poisson", expected="asimov") / C.signal_needed(
            b, kind=kind, stats="asymptotic")
        assert np.all(np.abs(r - 1) < [0.01, 0.001])


def test_shapes_and_scalars():
    assert isinstance(C.signal_needed(3.0), float)
    b = np.full((2, 3), 5.0)
    for kind in ("detection", "exclusion"):
        for stats in ("auto", "asymptotic", "poisson"):
            assert C.signal_needed(b, kind=kind, stats=stats).shape == (2, 3)
    np.testing.assert_allclose(C.exclusion_signal_poisson(2.0, cl=[0.9, 0.95]),
                               [C.exclusion_signal_poisson(2.0, 0.9),
                                C.exclusion_signal_poisson(2.0, 0.95)])


@pytest.mark.parametrize("bad_b", [-1.0, float("nan"), float("inf"), [1.0, -0.5]])
def test_bad_background_raises(bad_b):
    for func in (C.signal_needed, C.detection_signal_poisson, C.exclusion_signal_asymptotic):
        with pytest.raises(NuportalInputError, match=r"b \(expected background\) = .*range"):
            func(bad_b)


@pytest.mark.parametrize("bad_cl", [0.0, 1.0, 1.5, -0.1, float("nan")])
def test_bad_cl_raises(bad_cl):
    for func in (C.z_from_cl, lambda cl: C.signal_needed(1.0, cl),
                 lambda cl: C.exclusion_signal_poisson(1.0, cl)):
        with pytest.raises(NuportalInputError, match=r"cl \(confidence level\) = .*\(0, 1\)"):
            func(bad_cl)


def test_bad_options_raise():
    with pytest.raises(NuportalInputError, match="method = 'CLs'"):
        C.exclusion_signal_poisson(1.0, method="CLs")
    with pytest.raises(NuportalInputError, match="kind"):
        C.signal_needed(1.0, kind="discovery")
    with pytest.raises(NuportalInputError, match="stats"):
        C.signal_needed(1.0, stats="exact")
    with pytest.raises(NuportalInputError, match="expected"):
        C.detection_signal_poisson(1.0, expected="mean")
