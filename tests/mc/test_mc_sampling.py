"""Samplers of the upscattering MC reproduce their densities (reference 004 App. A.1, Eqs. 16-26).

Kolmogorov-Smirnov tests use a p-value threshold of 1e-3 (seeded, so deterministic; a wrong
density with these sample sizes gives p << 1e-10).
"""

import numpy as np
import pytest
from scipy import integrate, stats

from nuportal.errors import NuportalInputError
from nuportal.mc import sampling as S
from nuportal.mc.targets import sphere_cap_cos_max

N = 20_000


@pytest.mark.parametrize("gamma", [1.0, 2.0, 2.7])
def test_power_law_matches_cdf(gamma):
    rng = np.random.default_rng(1)
    e, dens = S.sample_power_law(rng, gamma, 0.1, 100.0, N)
    if gamma == 1.0:
        cdf = lambda x: np.log(x / 0.1) / np.log(1000.0)  # noqa: E731
    else:
        cdf = lambda x: (x ** (1 - gamma) - 0.1 ** (1 - gamma)) / (100.0 ** (1 - gamma) - 0.1 ** (1 - gamma))  # noqa: E731,E501
    assert stats.kstest(e, cdf).pvalue > 1e-3
    # the returned density integrates to 1 (quadrature, rtol 1e-6)
    norm = integrate.quad(lambda x: S.power_law_density(x, gamma, 0.1, 100.0), 0.1, 100.0, limit=200)[0]
    assert norm == pytest.approx(1.0, rel=1e-6)
    assert np.allclose(dens, S.power_law_density(e, gamma, 0.1, 100.0))


def _mixture_cdf(mix, r):
    lo, hi, lam = mix.r_min, mix.r_max, mix.lambda0
    f = mix.fractions
    return (f[0] * np.log(r / lo) / np.log(hi / lo) + f[1] * (r - lo) / (hi - lo)
            + f[2] * -np.expm1(-(r - lo) / lam) / -np.expm1(-(hi - lo) / lam))


@pytest.mark.parametrize("fractions", [(1, 0, 0), (0, 1, 0), (0, 0, 1), (0.3, 0.3, 0.4)])
def test_radial_mixture_matches_cdf(fractions):
    mix = S.RadialMixture(1e3, 1e9, *fractions, lambda0_cm=1e6)
    r, dens = mix.sample(np.random.default_rng(2), N)
    assert np.all((r >= 1e3) & (r <= 1e9))
    assert stats.kstest(r, lambda x: _mixture_cdf(mix, x)).pvalue > 1e-3
    # density is the derivative of the CDF (finite differences, rtol 1e-4)
    x = np.geomspace(2e3, 5e8, 7)
    numeric = (_mixture_cdf(mix, x * (1 + 1e-6)) - _mixture_cdf(mix, x * (1 - 1e-6))) / (2e-6 * x)
    assert np.allclose(mix.density(x), numeric, rtol=1e-4)


def test_forward_angle_matches_cdf():
    rng = np.random.default_rng(3)
    u_lo, u_hi, u0 = np.zeros(N), np.full(N, 2.0), np.full(N, 1e-6)
    u, dens = S.sample_forward_angle(rng, u_lo, u_hi, u0)
    cdf = lambda x: np.log((x + 1e-6) / 1e-6) / np.log((2.0 + 1e-6) / 1e-6)  # noqa: E731
    assert stats.kstest(u, cdf).pvalue > 1e-3
    assert np.allclose(dens, S.forward_angle_density(u, 0.0, 2.0, 1e-6))


def test_uniform_angle_and_rotation():
    rng = np.random.default_rng(4)
    c, dens = S.sample_uniform_angle(rng, np.full(N, -0.5), np.full(N, 0.8))
    assert stats.kstest(c, stats.uniform(-0.5, 1.3).cdf).pvalue > 1e-3
    assert np.allclose(dens, 1 / 1.3)
    axis = np.tile([0.0, 0.6, 0.8], (N, 1))
    v = S.rotate_from_axis(axis, c, rng.uniform(0, 2 * np.pi, N))
    assert np.allclose(np.linalg.norm(v, axis=1), 1.0)  # Eq. 26 gives unit vectors
    assert np.allclose(np.einsum("ij,ij->i", v, axis), c)


def test_directions_in_cap_stay_inside_sphere():
    rng = np.random.default_rng(5)
    radius, y = 6.371e8, np.array([0.0, 0.0, 6.371e8 - 1e5])
    r = np.geomspace(1e3, radius + np.linalg.norm(y), N)
    cmax = sphere_cap_cos_max(r, np.linalg.norm(y), radius)
    n_hat, omega = S.sample_directions_in_cap(rng, y / np.linalg.norm(y), cmax)
    x = y + r[:, None] * n_hat
    assert np.all(np.linalg.norm(x, axis=1) <= radius * (1 + 1e-12))
    assert np.allclose(omega, 2 * np.pi * (1 + cmax))
    # cos theta' is uniform on [-1, cmax]: the rescaled variable is U(0, 1)
    ok = cmax > -1
    t = (n_hat[ok, 2] + 1.0) / (1.0 + cmax[ok])
    assert stats.kstest(t, "uniform").pvalue > 1e-3


def test_bad_ranges_raise():
    rng = np.random.default_rng(0)
    with pytest.raises(NuportalInputError):
        S.sample_power_law(rng, 2.0, 1.0, 0.5, 10)
    with pytest.raises(NuportalInputError):
        S.RadialMixture(0.0, 1.0)
    with pytest.raises(NuportalInputError):
        S.RadialMixture(1.0, 2.0, 0.0, 0.0, 1.0)  # exponential without lambda_0
    with pytest.raises(NuportalInputError):
        S.RadialMixture(1.0, 2.0, 0.0, 0.0, 0.0)
