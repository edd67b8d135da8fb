"""Stream shares, the defensive energy / near-radial mixtures and the Earth target options."""

import numpy as np
import pytest
from scipy import integrate, stats

from nuportal.earth import composition
from nuportal.earth.geometry import cos_theta_max_inside
from nuportal.earth.prem import EARTH_RADIUS_CM
from nuportal.mc import BoxDetector, EarthTarget, IsotropicPowerLawSource, UniformSphereTarget, simulate
from nuportal.mc import sampling as S
from nuportal.mc.targets import sphere_cap_cos_max

N = 20_000


def _sphere_cap_formula(r, y, radius):
    """The formula targets.py carried before delegating to nuportal.earth.geometry."""
    return np.clip((radius**2 - y**2 - r * r) / (2.0 * r * y), -1.0, 1.0)


def test_cap_delegates_to_geometry_and_agrees_with_formula():
    y = EARTH_RADIUS_CM - 1e5
    r = np.geomspace(1e2, EARTH_RADIUS_CM + y, 1000)
    R = EARTH_RADIUS_CM
    np.testing.assert_allclose(sphere_cap_cos_max(r, y, R), _sphere_cap_formula(r, y, R), rtol=1e-14,
                               atol=1e-15)
    np.testing.assert_array_equal(sphere_cap_cos_max(r, y, EARTH_RADIUS_CM), cos_theta_max_inside(r, y))


def test_earth_target_ocean_option():
    x = np.array([[0.0, 0.0, EARTH_RADIUS_CM - 1e5], [0.0, 0.0, 3e8]])  # 1 km deep; mantle
    for ocean in (True, False):
        n = EarthTarget(ocean=ocean).number_densities(x)
        np.testing.assert_allclose(n, composition.number_densities(np.linalg.norm(x, axis=1), ocean=ocean))
    wet, dry = EarthTarget().number_densities(x), EarthTarget(ocean=False).number_densities(x)
    assert dry[0, 0] > 2.0 * wet[0, 0]  # upper-crust rock (2.6 g/cm^3) instead of water (1.02)
    np.testing.assert_array_equal(wet[:, 1], dry[:, 1])


@pytest.mark.parametrize("f_log", [0.0, 0.6, 1.0])
def test_energy_mixture_matches_cdf(f_log):
    rng = np.random.default_rng(3)
    lo, hi = 0.1, 1e4
    e, rho = S.sample_energy_mixture(rng, 2.0, f_log, lo, hi, N)
    assert np.all((e >= lo) & (e <= hi))

    def cdf(x):
        return integrate.quad(lambda t: float(S.energy_mixture_density(t, 2.0, f_log, lo, hi)), lo, x,
                              points=[1.0, 100.0], limit=200)[0]

    grid = np.geomspace(lo, hi, 60)
    table = np.array([cdf(g) for g in grid])
    assert table[-1] == pytest.approx(1.0, rel=1e-8)
    assert stats.kstest(e, lambda x: np.interp(np.log(x), np.log(grid), table)).pvalue > 1e-3
    np.testing.assert_allclose(rho, S.energy_mixture_density(e, 2.0, f_log, lo, hi))


def test_radial_near_component_density():
    rng = np.random.default_rng(4)
    mix = S.RadialMixture(1e3, 1e9, 0.25, 0.35, f_near=0.4)
    assert mix.r_near == pytest.approx(1e4)
    r, rho = mix.sample(rng, 4 * N)
    total = integrate.quad(lambda x: float(mix.density(x)), 1e3, 1e9, points=[1e4, 1e5], limit=400)[0]
    assert total == pytest.approx(1.0, rel=1e-6)
    p_near = integrate.quad(lambda x: float(mix.density(x)), 1e3, 1e4)[0]
    assert np.mean(r <= 1e4) == pytest.approx(p_near, abs=4 * np.sqrt(p_near / (4 * N)))
    np.testing.assert_allclose(rho, mix.density(r))


class _Flat:
    portal, forward = "dipole", False

    def __init__(self, name, sigma):
        self.name, self.sigma = name, sigma

    def threshold_energy(self, m):
        return m

    def cos_theta_range(self, e, m):
        return -np.ones_like(e), np.ones_like(e)

    def dsigma_dcos(self, e, c, m, antineutrino=False):
        return np.where(e > m, 0.5 * self.sigma, 0.0) + 0.0 * c

    def hnl_energy(self, e, c, m):
        return np.asarray(e, float)


def _two_streams(**kw):
    target = UniformSphereTarget(1e8, {"Si": 1e23, "O": 1e21})
    det = BoxDetector([0.0, 0.0, 0.0], 1e10, 1e3)
    src = IsotropicPowerLawSource(np.ones((2, 3)), 2.0, (0.2, 5.0))
    chans = {"Si": [_Flat("big", 1e-40)], "O": [_Flat("small", 1e-40)]}
    return simulate(0.01, "dipole", src, target, det, chans, 40_000, np.random.default_rng(7), **kw)


def test_auto_shares_follow_contributions_and_keep_weights_exact():
    auto, equal = _two_streams(), _two_streams(stream_shares="equal")
    n_auto = np.bincount(auto.channel, minlength=2)
    # contributions 100 : 1 -> shares 0.9 * 100/101 + 0.05 and 0.9 / 101 + 0.05
    assert n_auto[1] / n_auto.sum() == pytest.approx(0.9 / 101 + 0.05, rel=0.1)
    def totals(ev):
        rate = ev.weight * ev.dsigma.sum(0) * ev.intensity.sum((0, 1))
        parts = [rate[ev.channel == k] for k in (0, 1)]
        return np.array([p.sum() for p in parts]), np.array([np.sqrt(np.square(p).sum()) for p in parts])

    (tot_a, err_a), (tot_e, err_e) = totals(auto), totals(equal)
    # two independent unbiased estimates: agree within 4 combined MC standard deviations (the small
    # stream has ~2400 events under "auto", a ~4% MC error)
    assert np.all(np.abs(tot_a - tot_e) < 4.0 * np.hypot(err_a, err_e))
    assert np.all(np.hypot(err_a, err_e) < 0.05 * tot_e)
