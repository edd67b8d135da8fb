"""Atmospheric-upscattering physics checks (reference 004): Eq. 10-11 flat region, boundary points A and B,
flavour unitarity, sample definitions."""

import numpy as np
import pytest

from nuportal.earth.sites import get_site
from nuportal.errors import NuportalInputError
from nuportal.experiments.atmospheric import study as S
from nuportal.experiments.atmospheric.analytic import SILICON_MOLAR_MASS, floor_coupling

AVOGADRO = 6.02214076e23
SK = S.study_config("superk")


def test_flat_region_matches_eq11():
    """Reference 004 Eq. 10-11: a uniform silicon Earth at 5 g/cm^3, the Honda flux and the real dipole
    channels; at the analytic floor coupling the Monte Carlo gives the 197 events of Eq. 11.

    Tolerance 30% (the issue's); we get 0.97. Eq. 10 neglects the 1 km of rock above the detector and the
    curvature (O(depth/lambda), O(lambda/R)), and uses the angle-averaged flux, whose up-going half is ~4%
    larger than the down-going half that reaches the interaction points."""
    from nuportal.flux.sources import AtmosphericSource
    from nuportal.mc.reweight import expected_events
    from nuportal.mc.targets import UniformSphereTarget
    from nuportal.mc.upscatter import default_channels, simulate

    site = get_site("superk")
    target = UniformSphereTarget(6.371e8, {"Si": 5.0 * AVOGADRO / SILICON_MOLAR_MASS})
    ev = simulate(0.03, "dipole", AtmosphericSource(oscillate=False), target, site,
                  default_channels("dipole", target), 60_000, np.random.default_rng(2))
    d_floor = floor_coupling([0.03], 197.0, 5326.0, site.volume_cm3)[0]
    n, rel = expected_events(ev, [d_floor], (1, 1, 1), 5326 * 86400.0, (0.03, 1.33))
    assert rel[0] < 0.05
    assert n[0] / 197.0 == pytest.approx(1.0, abs=0.3)


def test_point_A_sits_at_the_subgev_threshold():
    """Reference 004 Fig. 5 point A (m_N = 30 MeV, d_e = 2e-10 MeV^-1) lies on the Super-K boundary, set by
    the sub-GeV sample (196 excluded events). The issue asks for the rate within a factor 2; we get ~0.98
    (rock overburden) and ~0.75 with PREM's ocean shell."""
    ev = S.simulate_mass(SK, "dipole", 0.03, 60_000, 5)
    n, rel = S.sample_signal(ev, SK, "subgev", "e", [2e-10 * 1e3])
    ratio = n[0] / S.signal_upper_limit(SK, "subgev", 0.0, "dipole")
    assert rel[0] < 0.05
    assert 0.5 < ratio < 2.0


def test_point_B_gap_is_documented():
    """Point B (m_N = 100 MeV, d_e = 2e-9 MeV^-1; multi-GeV sample, 25.5 excluded events) is NOT reproduced
    within the issue's factor 2: we predict ~7x the threshold with rock around the detector (~2.8x with
    PREM's ocean shell). There lambda ~ 20 m x E/3 GeV, comparable to the detector and to R_min (20 m to the
    rock), where reference 004 itself says its rate depends on the detector geometry by an O(1) factor
    (Sec. II: 'the ceiling of our constraints will be modified by an O(1) number'). This test pins our
    value (so a change is noticed) rather than claiming agreement."""
    ev = S.simulate_mass(SK, "dipole", 0.1, 60_000, 5)
    n, _ = S.sample_signal(ev, SK, "multigev", "e", [2e-9 * 1e3])
    ratio = n[0] / S.signal_upper_limit(SK, "multigev", 0.0, "dipole")
    assert 4.0 < ratio < 11.0


def test_universal_coupling_needs_no_oscillation():
    """Unitarity: with d_e = d_mu = d_tau the rate is the same with and without oscillations (same seed,
    same events; the oscillation table keeps sum_alpha P = 1 exactly)."""
    n = {}
    for osc in (True, False):
        ev = S.simulate_mass(SK, "dipole", 0.03, 20_000, 3, oscillate=osc)
        n[osc] = S.sample_signal(ev, SK, "subgev", "universal", [1e-7])[0][0]
    assert n[True] == pytest.approx(n[False], rel=1e-6)


def test_flavour_patterns_add_up():
    """d_e only + d_mu only + d_tau only = universal (production is linear in d_alpha^2 at fixed decay
    length, and the dipole width only depends on sum d_alpha^2, so compare at long decay lengths)."""
    ev = S.simulate_mass(SK, "dipole", 0.03, 20_000, 4)
    c = [1e-10]  # lambda >> R_earth: rate ~ (sum_alpha d_alpha^2 I_alpha) x Gamma
    single = sum(S.sample_signal(ev, SK, "subgev", f, c)[0][0] for f in ("e", "mu", "tau"))
    universal = S.sample_signal(ev, SK, "subgev", "universal", c)[0][0]
    # in the long-lifetime limit the rate scales as production x width: universal has 3x the width
    assert universal == pytest.approx(3.0 * single, rel=1e-3)


def test_signal_thresholds():
    # reference 004 Sec. III (exact z = 1.6449; the paper's 197/26 use z = 1.65, see stats tests)
    assert S.signal_upper_limit(SK, "subgev", 0.0, "dipole") == pytest.approx(196.2, abs=0.1)
    assert S.signal_upper_limit(SK, "multigev", 0.0, "dipole") == pytest.approx(25.5, abs=0.1)
    # DUNE mixing benchmark: 30 events (Sec. IV)
    assert S.signal_upper_limit(S.study_config("dune"), "subgev", 0.0, "mixing") == 30.0


@pytest.mark.parametrize("args,needle", [
    (("superk", "subgev", "axion", "e", 0.03, 1e-10), "portal 'axion'"),
    (("superk", "subgev", "dipole", "sterile", 0.03, 1e-10), "flavour 'sterile'"),
    (("superk", "lowgev", "dipole", "e", 0.03, 1e-10), "sample 'lowgev'"),
    (("superk", "subgev", "dipole", "e", 0.0, 1e-10), "HNL mass [GeV] = 0 is outside the allowed range (0"),
    (("superk", "subgev", "dipole", "e", 0.03, -1e-10), "coupling = -1e-10 is outside the allowed range [0"),
    (("superk", "subgev", "mixing", "tau", 0.03, 2.0), "coupling = 2 is outside the allowed range [0, 1]"),
    (("icecube", "subgev", "dipole", "e", 0.03, 1e-10), "unknown experiment 'icecube'"),
])
def test_point_rate_bad_input(args, needle):
    with pytest.raises(NuportalInputError, match=needle.replace("[", r"\[").replace("(", r"\(")):
        S.point_rate(*args, n_events=1000)


def test_interval_reaching_the_grid_start_is_flagged_open():
    # review fix: only open_high was recorded, so a floor below the grid looked like a measured edge
    row = S.mass_point(0.03, experiment="superk", portal="dipole", flavours=("e",),
                       couplings=np.geomspace(1e-9, 1e-8, 3), seed=1, n_events=2000)
    assert row["e:coupling_low"] == pytest.approx(1e-9) and row["e:open_low"] == 1.0
    assert row["e:open_low_sys5"] == 1.0 and np.isnan(row["e:mc_rel_error_low"])
