"""T2K ND280 flux tables (data/flux/t2k2020_nd280_*.csv) and their validation."""

from __future__ import annotations

import numpy as np
import pytest

from nuportal.errors import NuportalInputError
from nuportal.flux.beam import BeamFlux, BeamSource, load_beam_flux


def test_fhc_numu_integral_is_the_release_check_value():
    """SOURCES.md of the T2K 2020 release: FHC numu 0-30 GeV = 1.866e-8 cm^-2 POT^-1 (+-1%)."""
    f = load_beam_flux("t2k-nd280", "fhc")
    assert abs(f.integral()[0, 1] / 1.866e-8 - 1) < 0.01
    assert f.energy_range == (0.0, 30.0)
    # peak about 3.4e-8 per cm^2 GeV POT near 0.55 GeV
    assert f.at(0.545)[0, 1, 0] == pytest.approx(3.38e-8, rel=0.02)
    r = load_beam_flux("t2k-nd280", "rhc")
    assert r.integral()[1, 1] > 5 * r.integral()[0, 1]  # antineutrino mode: numubar dominates
    assert np.all(f.density[:, 2] == 0)  # no tau neutrinos in the table


def test_energy_sampler_density_is_normalised():
    src = BeamSource(load_beam_flux("t2k-nd280", "fhc"))
    s = src.energy_sampler(0.3, None, 0.3)
    e = np.linspace(0.3, 30, 400001)
    assert np.trapezoid(s.density(e), e) == pytest.approx(1.0, rel=2e-3)
    x, dens = s.sample(np.random.default_rng(1), 20000)
    assert np.all((x >= 0.3) & (x <= 30)) and np.allclose(dens, s.density(x))


def test_bad_tables_are_refused(tmp_path):
    with pytest.raises(NuportalInputError, match="strictly increasing"):
        BeamFlux(np.array([0.0, 1.0, 0.5]), np.zeros((2, 3, 2)))
    with pytest.raises(NuportalInputError, match="bin 1"):
        BeamFlux(np.array([0.0, 1.0, 2.0]), np.array([[[1.0, -1.0]] * 3] * 2))
    bad = tmp_path / "f.csv"
    bad.write_text("E_low_GeV,E_high_GeV,numu\n0,1,1e-9\n2,3,1e-9\n")
    with pytest.raises(NuportalInputError, match="contiguous"):
        load_beam_flux(path=bad)
    bad.write_text("E_low_GeV,E_high_GeV,numu\n0,1,-1e-9\n1,2,1e-9\n")
    with pytest.raises(NuportalInputError, match=">= 0"):
        load_beam_flux(path=bad)
    with pytest.raises(NuportalInputError, match="beam mode = 'fhx'"):
        load_beam_flux("t2k-nd280", "fhx")
