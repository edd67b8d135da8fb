"""Reweighting one simulation to many couplings (reference 004 Eqs. 5, 6, 8, 31)."""

import numpy as np
import pytest

from nuportal import HNL
from nuportal.constants import HBARC_GEV_CM
from nuportal.decay import widths
from nuportal.errors import NuportalInputError
from nuportal.mc import (
    BoxDetector,
    IsotropicPowerLawSource,
    UniformSphereTarget,
    decay_model,
    event_rates,
    expected_events,
    simulate,
)

MASS = 0.02


class FlatChannel:
    """Constant dsigma/dcos Theta = 1e-40 cm^2 / 2 on [-1, 1] (unit coupling), E_N = E_nu."""

    name = "flat"

    def __init__(self, portal):
        self.portal, self.forward = portal, False

    def threshold_energy(self, m):
        return m

    def cos_theta_range(self, e, m):
        return -np.ones_like(e), np.ones_like(e)

    def dsigma_dcos(self, e, c, m, antineutrino=False):
        return np.where(e > m, 0.5e-40, 0.0) + 0.0 * c

    def hnl_energy(self, e, c, m):
        return np.asarray(e, float)


def _simulate(portal, rng, n=60_000, **kw):
    src = IsotropicPowerLawSource([[1.0, 2.0, 0.0], [0.8, 1.6, 0.0]], 2.0, (0.1, 5.0))
    target = UniformSphereTarget(6.371e8, {"O": 1e23})
    det = BoxDetector([0.0, 0.0, 6.371e8 - 1e5], 2.25e10, 3e3)
    return simulate(MASS, portal, src, target, det, {"O": [FlatChannel(portal)]}, n, rng, **kw)


@pytest.fixture(scope="module")
def dipole_events():
    return _simulate("dipole", np.random.default_rng(31))


def test_decay_model_matches_widths_module():
    """Unit-scale widths reproduce nuportal.decay.widths at the actual couplings (rtol 1e-12)."""
    dip = decay_model(MASS, "dipole", (1.0, 0.5, 0.0))
    hnl = HNL(MASS, d={"e": 3e-7, "mu": 1.5e-7})
    assert dip.h(3e-7) * dip.width_unit == pytest.approx(widths.total_width(hnl), rel=1e-12)
    mix = decay_model(MASS, "mixing", (2.0, 0.0, 1.0), majorana=False)
    hnl = HNL(MASS, U2={"e": 2e-6, "tau": 1e-6}, majorana=False)
    assert mix.h(1e-6) * mix.width_unit == pytest.approx(widths.total_width(hnl), rel=1e-12)
    assert mix.b_vis == pytest.approx(widths.branching_ratios(hnl)["nu e e"], rel=1e-12)


def test_reweight_equals_resimulation(dipole_events):
    """A sample generated with the r' exponential tuned to lambda(d) agrees with the reweighted
    generic sample within 3 combined MC sigma (004 Eq. 19 sampling = the paper's per-coupling run)."""
    d = 2e-6
    lam = np.sqrt(1.0 - MASS**2) / MASS * HBARC_GEV_CM / (d**2 * MASS**3 / (4 * np.pi))
    tuned = _simulate("dipole", np.random.default_rng(32), radial_fractions=(0.1, 0.1, 0.8),
                      lambda0_cm=lam)
    a, ra = expected_events(dipole_events, d, (1, 1, 1), 3.15e7)
    b, rb = expected_events(tuned, d, (1, 1, 1), 3.15e7)
    assert a[0] > 0 and ra[0] < 0.05
    assert abs(a[0] - b[0]) < 3 * np.hypot(a[0] * ra[0], b[0] * rb[0])


def test_vectorised_chunks_and_per_event_rates_agree(dipole_events):
    scales = np.geomspace(1e-8, 1e-4, 9)
    a, ra = expected_events(dipole_events, scales, (1, 0, 0), 2.0, (0.03, 1.33))
    b, rb = expected_events(dipole_events, scales, (1, 0, 0), 2.0, (0.03, 1.33), chunk_size=777)
    assert np.allclose(a, b, rtol=1e-12) and np.allclose(ra, rb, rtol=1e-10)
    per_event = event_rates(dipole_events, scales[4], (1, 0, 0), (0.03, 1.33))
    assert 2.0 * per_event.sum() == pytest.approx(a[4], rel=1e-12)
    # lambda >> 2 R_earth (d <= 2e-10 here): rate ~ d^4 (production d^2 x P_vis ~ l/lambda ~ d^2);
    # corrections O(r/lambda) < 1e-4, tolerance 1e-3
    c, _ = expected_events(dipole_events, [1e-10, 2e-10], (1, 0, 0), 2.0, (0.03, 1.33))
    assert c[1] / c[0] == pytest.approx(16.0, rel=1e-3)


def test_flavour_pattern_selects_intensity(dipole_events):
    """Only nu_e and nu_mu have intensity (ratio 1:2 by construction): tau-only gives 0 events."""
    e, _ = expected_events(dipole_events, 1e-7, (1, 0, 0), 1.0)
    mu, _ = expected_events(dipole_events, 1e-7, (0, 1, 0), 1.0)
    tau, rel_tau = expected_events(dipole_events, 1e-7, (0, 0, 1), 1.0)
    # same total width for (1,0,0) and (0,1,0), so the ratio is the intensity ratio 2 (rtol 1e-12)
    assert mu[0] / e[0] == pytest.approx(2.0, rel=1e-12)
    assert tau[0] == 0.0 and np.isinf(rel_tau[0])


def test_mixing_reweight_finite():
    ev = _simulate("mixing", np.random.default_rng(33), n=20_000)
    n, rel = expected_events(ev, np.geomspace(1e-9, 1e-2, 8), (1, 1, 1), 1e8, (0.03, 1.33))
    assert np.all(np.isfinite(n)) and np.all(n > 0) and np.all(np.isfinite(rel))


def test_bad_input_raises(dipole_events):
    with pytest.raises(NuportalInputError, match="coupling scale"):
        expected_events(dipole_events, [-1.0], (1, 0, 0), 1.0)
    with pytest.raises(NuportalInputError, match="flavour_pattern"):
        expected_events(dipole_events, 1e-7, (0, 0, 0), 1.0)
    with pytest.raises(NuportalInputError, match="exposure"):
        expected_events(dipole_events, 1e-7, (1, 0, 0), -1.0)
    with pytest.raises(NuportalInputError, match="portal"):
        decay_model(MASS, "axion", (1, 0, 0))
    with pytest.raises(NuportalInputError, match="mass"):
        decay_model(-0.1, "dipole", (1, 0, 0))
    with pytest.raises(NuportalInputError, match="window"):
        expected_events(dipole_events, 1e-7, (1, 0, 0), 1.0, (1.0, 0.5))
