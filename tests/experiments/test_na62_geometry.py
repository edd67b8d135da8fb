"""NA62 acceptance and photon-veto model (reference 000, Secs. II-III)."""

import numpy as np
import pytest

from nuportal.errors import NuportalInputError
from nuportal.experiments.na62 import load_config
from nuportal.experiments.na62.geometry import accept_event, sample_kaons, veto_pass_probability
from nuportal.experiments.na62.reach import window_bounds
from nuportal.production import kl3


def _photon(theta):
    theta = np.asarray(theta, float)
    return np.stack([np.ones_like(theta), np.sin(theta), 0 * theta, np.cos(theta)], axis=-1)


def test_veto_model_hermetic_and_partial():
    cfg = load_config()
    th = np.array([0.001, 0.049, 0.051, 0.1, 0.5])
    p = veto_pass_probability(_photon(th), cfg.photon_veto)
    assert np.allclose(p, [1e-3, 1e-3, 1, 1, 1])
    part = veto_pass_probability(_photon(th), cfg.with_veto(model="partial").photon_veto)
    # partial coverage ~ theta_max/theta above 50 mrad (reference 000, Sec. III)
    assert np.allclose(part[:2], 1e-3)
    assert part[3] == pytest.approx(1 - (1 - 1e-3) * 0.5)
    assert np.all(np.diff(part[2:]) > 0)


def test_kaon_beam(rng):
    cfg = load_config()
    gamma, z = sample_kaons(rng, 100000, cfg.beam)
    p = np.sqrt(gamma**2 - 1) * 0.493677
    assert p.mean() == pytest.approx(75.0, rel=1e-3)
    assert p.std() / p.mean() == pytest.approx(0.01, rel=0.05)
    assert z.min() >= 105 and z.max() <= 165


def test_signal_acceptance_shape(rng):
    # reference 000, Sec. II: about 10% below 150 MeV, falling towards the endpoint.
    # Tolerance: +-2.5% absolute (our simplified geometry vs the paper's GEANT4 simulation).
    cfg = load_config()
    eff = {}
    for m in (0.05, 0.14, 0.25, 0.33):
        ev = kl3.sample_kl3_events(rng, 40000, m)
        ok, _, _ = accept_event(rng, ev["p_pi"], ev["p_l"], cfg.beam, cfg.detector)
        eff[m] = ok.mean() * cfg.detector.selection_efficiency
    assert eff[0.05] == pytest.approx(0.10, abs=0.025)
    assert eff[0.14] == pytest.approx(0.10, abs=0.025)
    assert eff[0.05] > eff[0.14] > eff[0.25] > eff[0.33]


def test_window_bounds_and_bad_k():
    lo, hi = window_bounds(0.15, 1.7e-3, 1.4)
    assert lo == pytest.approx(0.0225 - 1.4 * 1.7e-3) and hi == pytest.approx(0.0225 + 2.38e-3)
    with pytest.raises(NuportalInputError, match=r"k = 0 is outside the allowed range \(0, inf\)"):
        window_bounds(0.15, 1.7e-3, 0.0)
