"""recast.kaon: signal-event limit -> BR(K+ -> l+ N) -> |U_l|^2 (reference 001, Sec. 3.2)."""

import numpy as np
import pytest

from nuportal import constants as C
from nuportal.errors import NuportalInputError
from nuportal.production.meson import br_over_U2
from nuportal.recast.kaon import (
    br_upper_limit,
    br_upper_limit_from_kl2,
    mass_range,
    mixing_from_br,
    n_kaon_from_kl2,
)


def test_br_upper_limit_is_n_ul_over_nk_acceptance():
    # reference 001: BR = N_UL / (N_K A); exact arithmetic, tolerance = float rounding
    assert br_upper_limit(2.3, 1e10, 0.5) == pytest.approx(4.6e-10, rel=1e-12)
    out = br_upper_limit(np.array([1.0, 2.0]), 1e8, np.array([0.5, 0.25]))
    np.testing.assert_allclose(out, [2e-8, 8e-8], rtol=1e-12)


def test_kl2_normalisation_equals_explicit_kaon_count():
    # N_K = N_lnu / (BR(K_l2) A_lnu) and BR_UL = N_UL A_lnu / (N_lnu A_N) BR(K_l2): two routes agree
    n_ul, n_lnu, a_lnu, a_n = 37.0, 5.977e7, 0.4, 0.25
    n_k = n_kaon_from_kl2(n_lnu, a_lnu, "mu")
    assert n_k == pytest.approx(n_lnu / (C.value("BR_K_mu2") * a_lnu), rel=1e-12)
    direct = br_upper_limit(n_ul, n_k, a_n)
    assert br_upper_limit_from_kl2(n_ul, n_lnu, a_n / a_lnu, "mu") == pytest.approx(direct, rel=1e-12)


def test_mixing_inverts_the_shrock_production_rate():
    # |U|^2 = BR / (BR(K_l2) rho): inverse of production.meson.br_over_U2 (same formula, rtol 1e-12)
    for lepton in ("e", "mu"):
        m = np.linspace(0.01, mass_range("K+", lepton)[1] - 1e-3, 50)
        u2 = np.geomspace(1e-9, 1e-3, 50)
        np.testing.assert_allclose(mixing_from_br(br_over_U2(m, "K+", lepton) * u2, m, "K+", lepton), u2,
                                   rtol=1e-12)


def test_light_hnl_limit_reduces_to_br_ratio():
    # rho -> 1 for m_N -> 0 (Shrock): |U_mu|^2 -> BR / BR(K_mu2); m_N = 1 keV, tolerance 1e-4
    assert mixing_from_br(C.value("BR_K_mu2") * 1e-6, 1e-6, "K+", "mu") == pytest.approx(1e-6, rel=1e-4)


@pytest.mark.parametrize("m", [0.0, -0.1, 0.3881, 0.5, np.nan])
def test_mass_outside_kinematic_range_is_rejected(m):
    with pytest.raises(NuportalInputError, match="HNL mass"):
        mixing_from_br(1e-6, m, "K+", "mu")


def test_bad_inputs_are_rejected():
    with pytest.raises(NuportalInputError, match="BR upper limit"):
        mixing_from_br(-1e-6, 0.3)
    with pytest.raises(NuportalInputError, match="acceptance"):
        br_upper_limit(10.0, 1e9, 0.0)
    with pytest.raises(NuportalInputError, match="lepton"):
        mixing_from_br(1e-6, 0.3, "K+", "tau")
