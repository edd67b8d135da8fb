"""PREM density (Dziewonski & Anderson 1981) as implemented in nuportal.earth.prem."""

import numpy as np
import pytest

from nuportal.earth import prem
from nuportal.errors import NuportalInputError

KM = 1.0e5
EPS = 1.0e-3  # cm: 10 micron either side of a discontinuity


def rho_at(r_km):
    return prem.density(np.asarray(r_km, float) * KM)


def test_shells_cover_the_earth_without_gaps():
    sh = prem.SHELLS
    assert len(sh) == 13  # D&A 1981 Table I: 13 regions including the ocean
    assert sh[0].r_inner_cm == 0.0 and sh[-1].r_outer_cm == prem.EARTH_RADIUS_CM
    assert all(a.r_outer_cm == b.r_inner_cm for a, b in zip(sh[:-1], sh[1:], strict=True))
    assert {s.region for s in sh} == set(prem.REGIONS)


def test_earth_mass():
    # Earth mass 5.9722e24 kg (IAU 2015 nominal / CODATA GM_E / G).  PREM was fitted to the mass
    # 5.974e24 kg (D&A 1981 Sec. 5); 0.5 % tolerance as in the task brief covers both.
    assert prem.earth_mass_kg() == pytest.approx(5.972e24, rel=5e-3)
    # Replacing the 3 km ocean (1.02 g/cm^3) by crust (2.6 g/cm^3) adds
    # 4 pi R^2 * 3 km * 1.58 g/cm^3 = 2.4e21 kg (shell-volume estimate, 0.2 % tolerance on it).
    extra = prem.earth_mass_kg(ocean=False) - prem.earth_mass_kg()
    expected = 4 / 3 * np.pi * (6371.0e5**3 - 6368.0e5**3) * (2.6 - 1.02) * 1e-3
    assert extra == pytest.approx(expected, rel=2e-3)


def test_mass_matches_numerical_integral():
    # Independent check of the analytic shell integration: trapezoid on a fine grid that
    # includes every boundary from both sides (relative error ~1e-7 expected, tolerance 1e-5).
    bounds = np.array([s.r_outer_cm for s in prem.SHELLS])
    grid = np.unique(np.concatenate([np.linspace(0, prem.EARTH_RADIUS_CM, 400_001), bounds - EPS, bounds]))
    grid = grid[grid <= prem.EARTH_RADIUS_CM]
    mass_g = np.trapezoid(4 * np.pi * grid**2 * prem.density(grid), grid)
    assert mass_g * 1e-3 == pytest.approx(prem.earth_mass_kg(), rel=1e-5)


@pytest.mark.parametrize(
    ("r_km", "below", "above"),
    [
        # D&A 1981 Table IV values (kg/m^3 / 1000), identical to ObsPy's prem.nd (see the test
        # below).  Tolerance 2e-4 g/cm^3: Table I coefficients are rounded to 4 decimals.
        (1221.5, 12.76360, 12.16634),  # inner-core boundary
        (3480.0, 9.90349, 5.56645),  # core-mantle boundary
        (5701.0, 4.38071, 3.99214),  # 670 km discontinuity
        (5971.0, 3.72378, 3.54325),  # 400 km discontinuity
        (6346.6, 3.38076, 2.90000),  # Moho
        (6356.0, 2.90000, 2.60000),  # Conrad
        (6368.0, 2.60000, 1.02000),  # sea floor
    ],
)
def test_discontinuities(r_km, below, above):
    r = r_km * KM
    assert prem.density(r - EPS) == pytest.approx(below, abs=2e-4)
    assert prem.density(r) == pytest.approx(above, abs=2e-4)  # boundary belongs to the outer shell


@pytest.mark.parametrize("r_km", [3630.0, 5600.0, 5771.0, 6291.0])
def test_continuous_boundaries(r_km):
    # Boundaries that PREM defines for the velocities only: density continuous (D&A Table I).
    r = r_km * KM
    assert prem.density(r - EPS) == pytest.approx(prem.density(r + EPS), abs=1e-4)


def test_centre_surface_outside():
    # Central density 13.0885 g/cm^3 (D&A Table I, a of the inner core); ocean 1.02 at the surface.
    np.testing.assert_allclose(rho_at([0.0, 6371.0]), [13.0885, 1.02], rtol=0, atol=1e-12)
    assert prem.density(6371.0 * KM, ocean=False) == pytest.approx(2.6, abs=1e-12)
    np.testing.assert_array_equal(rho_at([6371.001, 1e5]), [0.0, 0.0])
    np.testing.assert_array_equal(prem.shell_of(np.array([0.0, 6371.0, 6372.0]) * KM), [0, 12, -1])


def test_density_positive_and_decreasing_outward():
    r = np.linspace(0, prem.EARTH_RADIUS_CM, 20_001)
    rho = prem.density(r)
    assert np.all(rho > 0)
    # PREM density never increases outward except in the LVZ/LID gradient (positive b = 0.6924).
    lvz = (r > 6151 * KM) & (r < 6346.6 * KM)
    assert np.all(np.diff(rho)[~lvz[1:]] <= 1e-12)


def test_shapes_and_bad_input():
    assert prem.density(np.ones((2, 3)) * 1e8).shape == (2, 3)
    assert np.ndim(prem.density(1e8)) == 0
    with pytest.raises(NuportalInputError, match="r_cm"):
        prem.density(-1.0)
    with pytest.raises(NuportalInputError, match="r_cm"):
        prem.density(np.nan)


def test_against_obspy_prem_table():
    # Independent copy of PREM: ObsPy 1.5.1 TauP file prem.nd (88 rows, see the CSV header), which
    # has no ocean -> compare with ocean=False.  Its values (= D&A Table IV) were computed from
    # unrounded coefficients; Table I prints 4 decimals, so each term may be off by 5e-5: tolerance
    # 2e-4 g/cm^3 (observed maximum 5.2e-5).
    from pathlib import Path

    data = np.loadtxt(Path(__file__).with_name("prem_obspy_reference.csv"), delimiter=",", skiprows=5)
    depth_km, rho_ref = data.T
    r = (6371.0 - depth_km) * KM
    repeat = np.r_[False, depth_km[1:] == depth_km[:-1]]  # second row of a pair = deeper layer
    r = np.where(repeat, r - EPS, r)
    np.testing.assert_allclose(prem.density(r, ocean=False), rho_ref, rtol=0, atol=2e-4)
