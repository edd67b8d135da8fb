"""The upscattering engine against closed forms (reference 004 Eq. 7, Eq. 10, App. A).

Stand-ins: a uniform sphere of one species, an isotropic nu_e intensity I0 E^-2 and a toy channel
with a constant dsigma/dcos Theta = sigma0/2 on [-1, 1] and E_N = E_nu, so that every integral but
the one over E is analytic (the E integral is done with scipy.integrate.quad, rtol 1e-8).
"""

import numpy as np
import pytest
from scipy import integrate, special

from nuportal.constants import HBARC_GEV_CM
from nuportal.errors import NuportalInputError
from nuportal.mc import (
    BoxDetector,
    IsotropicPowerLawSource,
    UniformSphereTarget,
    event_rates,
    expected_events,
    simulate,
)
from nuportal.mc.events import UpscatterEvents
from nuportal.mc.upscatter import default_r_min_cm

MASS, SIGMA0, I0, GAMMA, E_RANGE, N_DENS = 0.01, 1e-40, 1.0, 2.0, (0.2, 5.0), 1e23


class ToyChannel:
    """Constant dsigma/dcos Theta = sigma0/2 on [-1, 1] per unit coupling; E_N = E_nu."""

    name, portal = "toy", "dipole"

    def __init__(self, forward=False):
        self.forward = forward

    def threshold_energy(self, m):
        return m

    def cos_theta_range(self, e, m):
        return -np.ones_like(e), np.ones_like(e)

    def dsigma_dcos(self, e, c, m, antineutrino=False):
        return np.where(e > m, 0.5 * SIGMA0, 0.0) + 0.0 * c

    def hnl_energy(self, e, c, m):
        return np.asarray(e, float)

    def sigma_total(self, e, m, antineutrino=False):
        return np.where(e > m, SIGMA0, 0.0)


def _source():
    return IsotropicPowerLawSource([[I0, 0, 0], [0, 0, 0]], GAMMA, E_RANGE)


def _lambda(e, scale):
    """Decay length (cm) of the dipole HNL: gamma beta c tau, Gamma = d^2 m^3/(4 pi) (004 Eq. 8)."""
    return np.sqrt(e * e - MASS**2) / MASS * HBARC_GEV_CM / (scale**2 * MASS**3 / (4 * np.pi))


def _scale_for(lam_cm):
    """Coupling scale d (GeV^-1) giving decay length lam_cm at E = 1 GeV."""
    return np.sqrt(_lambda(1.0, 1.0) / lam_cm)


def _centre_rate(scale, radius, det, r_min):
    """n sigma (4 pi I) A int_{R_min}^{R} e^{-r/lambda} dr (1 - e^{-l/lambda}), integrated over E."""
    def integrand(e):
        lam = _lambda(e, scale)
        radial = lam * (np.exp(-r_min / lam) - np.exp(-radius / lam))
        return I0 * e**-GAMMA * SIGMA0 * scale**2 * radial * -np.expm1(-det.length_cm / lam)
    val = integrate.quad(integrand, E_RANGE[0], E_RANGE[1], epsrel=1e-8, limit=200)[0]
    return N_DENS * 4 * np.pi * det.area_cm2 * val


@pytest.fixture(scope="module")
def centre_sample():
    target = UniformSphereTarget(1e8, {"Si": N_DENS})
    det = BoxDetector([0.0, 0.0, 0.0], 1e10, 1e3)
    ev = simulate(MASS, "dipole", _source(), target, det, {"Si": [ToyChannel()]}, 200_000,
                  np.random.default_rng(11))
    return ev, target, det


def test_centre_of_uniform_sphere_closed_form(centre_sample):
    """Rate at lambda from << R to >> R equals the closed form within 3 MC sigma."""
    ev, target, det = centre_sample
    lams = np.array([3e3, 1e5, 1e7, 1e8, 1e10])
    scales = _scale_for(lams)
    mc, rel = expected_events(ev, scales, (1, 0, 0), 1.0)
    exact = np.array([_centre_rate(s, target.radius_cm, det, default_r_min_cm(det)) for s in scales])
    assert np.all(rel < 0.05)  # the sample is precise enough for the comparison to bite
    assert np.all(np.abs(mc / exact - 1) < 3 * rel), (mc / exact, rel)


def test_forward_sampling_same_rate(centre_sample):
    """The forward-peaked angle sampler (shifted log) gives the same rate as uniform sampling."""
    ev, target, det = centre_sample
    ev_f = simulate(MASS, "dipole", _source(), target, det, {"Si": [ToyChannel(forward=True)]},
                    100_000, np.random.default_rng(12))
    s = _scale_for(1e6)
    a, ra = expected_events(ev, s, (1, 0, 0), 1.0)
    b, rb = expected_events(ev_f, s, (1, 0, 0), 1.0)
    assert abs(a[0] - b[0]) < 3 * np.hypot(a[0] * ra[0], b[0] * rb[0])


def _flat_setup():
    radius = 6.371e8
    target = UniformSphereTarget(radius, {"Si": N_DENS})
    det = BoxDetector([0.0, 0.0, radius - 1e4], 2.25e10, 3e3)  # 100 m deep, Super-K-like V, l
    return target, det


def test_flat_region_limit_eq10():
    """l << lambda << R, detector 100 m deep: rate = n V Phi sigma / 2 (004 Eq. 10, Phi = 4 pi I).

    Tolerance 5% (brief): the neglected corrections are O(lambda/2R) ~ 0.3% (curvature),
    O(depth/lambda ln) ~ 0.5% (material above) and O(l/lambda) ~ 0.1%; MC error ~ 1%.
    """
    target, det = _flat_setup()
    ev = simulate(MASS, "dipole", _source(), target, det, {"Si": [ToyChannel()]}, 200_000,
                  np.random.default_rng(13))
    s = _scale_for(3e6)
    mc, rel = expected_events(ev, s, (1, 0, 0), 1.0)
    flux_xsec = integrate.quad(lambda e: I0 * e**-GAMMA * SIGMA0, *E_RANGE)[0]
    eq10 = N_DENS * det.volume_cm3 * 4 * np.pi * flux_xsec * s**2 / 2
    assert rel[0] < 0.02
    assert mc[0] == pytest.approx(eq10, rel=0.05)
    rates = event_rates(ev, s, (1, 0, 0))
    below = rates[ev.cos_det < 0].sum()  # the half space below alone: Eq. 10 within 2% (3 MC sigma)
    assert below == pytest.approx(eq10, rel=0.02)
    # the 100 m of rock above add the slab term a(E) = 1 - E_2(d/lambda) relative to the half space
    # below (int_0^1 dc int_0^{d/c} e^{-r/lambda} dr / lambda); MC fraction within 10% of it
    mc_above = rates[ev.cos_det > 0].sum() / rates.sum()
    slab = lambda e: 1 - special.expn(2, 1e4 / _lambda(e, s))  # noqa: E731
    num = integrate.quad(lambda e: e**-GAMMA * slab(e), *E_RANGE, limit=200)[0]
    den = integrate.quad(lambda e: e**-GAMMA * (1 + slab(e)), *E_RANGE, limit=200)[0]
    assert mc_above == pytest.approx(num / den, rel=0.1)


@pytest.mark.parametrize("fractions,lam0", [((1, 0, 0), None), ((0.2, 0.2, 0.6), 1e6)])
def test_rate_independent_of_radial_mixture(fractions, lam0):
    """Default mixture vs pure log-uniform vs exponential-dominated: equal within 3 combined sigma."""
    target, det = _flat_setup()
    kw = dict(source=_source(), target=target, detector=det, channels={"Si": [ToyChannel()]},
              n_events=60_000)
    ref = simulate(MASS, "dipole", rng=np.random.default_rng(21), **kw)
    alt = simulate(MASS, "dipole", rng=np.random.default_rng(22), radial_fractions=fractions,
                   lambda0_cm=lam0, **kw)
    scales = _scale_for(np.array([1e5, 1e7]))
    a, ra = expected_events(ref, scales, (1, 0, 0), 1.0)
    b, rb = expected_events(alt, scales, (1, 0, 0), 1.0)
    assert np.all(np.abs(a - b) < 3 * np.hypot(a * ra, b * rb))


def test_weights_positive_finite(centre_sample):
    ev = centre_sample[0]
    assert len(ev) > 0.9 * 200_000
    assert np.all(ev.weight > 0) and np.all(np.isfinite(ev.weight))
    for name, value in ev.columns().items():
        assert np.all(np.isfinite(value)), name
    assert np.all(np.abs(ev.cos_Theta) <= 1) and np.all(np.abs(ev.cos_det) <= 1)
    assert np.allclose(np.linalg.norm(ev.X - 0.0, axis=1), ev.r)  # detector at the origin


def test_parquet_round_trip(tmp_path, centre_sample):
    ev = centre_sample[0]
    small = UpscatterEvents.concatenate([ev])
    path = small.to_parquet(tmp_path / "ev.parquet", {"seed": 11, "config": {"n": 1}})
    back = UpscatterEvents.from_parquet(path)
    assert back.metadata["seed"] == 11 and back.channel_names == ev.channel_names
    for name, value in ev.columns().items():
        assert np.array_equal(back.columns()[name], value), name
    assert [p.name for p in tmp_path.iterdir()] == ["ev.parquet"]  # no temporary left behind


def test_bad_input_raises():
    target = UniformSphereTarget(1e8, {"Si": N_DENS})
    det = BoxDetector([0.0, 0.0, 0.0], 1e10, 1e3)
    kw = dict(source=_source(), target=target, detector=det, channels={"Si": [ToyChannel()]},
              n_events=100, rng=np.random.default_rng(0))
    with pytest.raises(NuportalInputError, match="mass"):
        simulate(0.0, "dipole", **kw)
    with pytest.raises(NuportalInputError, match="portal"):
        simulate(MASS, "axion", **kw)
    with pytest.raises(NuportalInputError, match="portal"):
        simulate(MASS, "mixing", **kw)  # toy channel is a dipole channel
    with pytest.raises(NuportalInputError, match="species"):
        simulate(MASS, "dipole", **{**kw, "channels": {"Fe": [ToyChannel()]}})
    with pytest.raises(NuportalInputError):
        simulate(MASS, "dipole", **{**kw, "n_events": 0})
