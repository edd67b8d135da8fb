"""recast.kpimumu: NA48/2 K -> mu N, N -> pi mu lifetime dependence and |U_mu|^2 (reference 001)."""

import numpy as np
import pytest
from scipy import integrate

from nuportal import HNL
from nuportal import constants as C
from nuportal.decay import widths
from nuportal.errors import NuportalInputError
from nuportal.experiments.kaon_searches import load_kpimumu
from nuportal.kinematics import boost_along_z, two_body_momentum
from nuportal.production.meson import br_over_U2
from nuportal.recast import kpimumu as K
from nuportal.stats.intervals import rolke_lopez

M = np.array([0.26, 0.30, 0.34, 0.38])
C_CM_S = 2.99792458e10


def test_lab_momentum_matches_an_explicit_boost():
    # forward/backward N from K -> mu N boosted with kinematics.boost_along_z (independent route)
    m_k, p_beam = C.mass("K+"), 60.0
    gamma = np.hypot(p_beam, m_k) / m_k
    for m in M:
        p = float(two_body_momentum(m_k, C.mass("mu"), m))
        for c in (1.0, -1.0):
            p4 = np.array([np.hypot(p, m), 0.0, 0.0, c * p])
            expected = abs(boost_along_z(p4, gamma)[3])
            assert K.hnl_lab_momentum(m, c, p_beam) == pytest.approx(expected, rel=1e-12)


def test_acceptance_limits():
    # tau = 0: decays at the vertex, A = 1 exactly
    np.testing.assert_allclose(K.prompt_acceptance(M, 0.0, 100.0), 1.0, rtol=0, atol=1e-15)
    # long lifetime: A -> z_max m <1/p> / (c tau), <.> over cos theta* (scipy quad, independent of
    # the Gauss-Legendre rule); at tau = 1e-6 s the O(z/L) correction is < 1e-5, tolerance 1e-4
    tau, z = 1e-6, 100.0
    for m in M:
        inv_p = 0.5 * integrate.quad(lambda c, m=m: 1.0 / K.hnl_lab_momentum(m, c), -1, 1)[0]
        assert K.prompt_acceptance(m, tau, z) == pytest.approx(z * m * inv_p / (C_CM_S * tau), rel=1e-4)


def test_configured_vertex_tolerance_keeps_10ps_prompt():
    # reference 001 Sec. 3.1: for lifetimes below ~10 ps the event is indistinguishable from a
    # 3-track event -> our configured z_max must keep A(10 ps) >= 0.85 over the mass range ("~10 ps"
    # is approximate; we get 0.89-0.94) while A(100 ps) has dropped well below 1 (< 0.5)
    lm = load_kpimumu().lifetime_model
    m = np.linspace(lm.m_min_GeV, lm.m_max_GeV, 20)
    assert np.all(K.prompt_acceptance(m, 1e-11, lm.z_max_cm, lm.beam_momentum_GeV) >= 0.85)
    assert np.all(K.prompt_acceptance(m, 1e-10, lm.z_max_cm, lm.beam_momentum_GeV) < 0.5)


def test_br_product_limit_grows_with_lifetime():
    taus = np.array([0.0, 1e-12, 1e-11, 1e-10, 1e-9])
    lim = K.br_product_limit_vs_lifetime(2e-10, 0.3, taus, 100.0)
    assert lim[0] == pytest.approx(2e-10, rel=1e-14)
    assert np.all(np.diff(lim) > 0)


def test_pimu_branching_ratio_follows_the_decay_module():
    # Majorana: LNV = LNC = half of BR("mu pi") (charge-conjugate split); Dirac: LNC = BR("mu pi").
    # Independent of |U_mu|^2, so any value may be used for the HNL object; float tolerance.
    for m in M:
        maj = widths.branching_ratios(HNL(m, {"mu": 1e-6}, majorana=True))["mu pi"]
        dirac = widths.branching_ratios(HNL(m, {"mu": 1e-6}, majorana=False))["mu pi"]
        assert K.br_n_to_pimu(m, "LNV", True) == pytest.approx(0.5 * maj, rel=1e-10)
        assert K.br_n_to_pimu(m, "LNC", True) == pytest.approx(0.5 * maj, rel=1e-10)
        assert K.br_n_to_pimu(m, "LNC", False) == pytest.approx(dirac, rel=1e-10)
        tau = widths.lifetime_s(HNL(m, {"mu": 1e-6})) * 1e-6
        assert K.lifetime_at_unit_mixing_s(m) == pytest.approx(tau, rel=1e-10)


def test_mixing_limit_is_self_consistent():
    # at the returned U2 the predicted BR product equals the limit (bisection tolerance ~1e-10)
    br_ul, z = 2e-10, 100.0
    u2 = K.mixing_limit_from_kpimumu(br_ul, M, "LNV", z_max_cm=z)
    for m, u in zip(M, u2, strict=True):
        tau = K.lifetime_at_unit_mixing_s(m) / u
        pred = u * br_over_U2(m, "K+", "mu") * K.br_n_to_pimu(m) * K.prompt_acceptance(m, tau, z)
        assert pred == pytest.approx(br_ul, rel=1e-8)
        assert K.mixing_limit_from_kpimumu(br_ul, m, "LNV", z_max_cm=z) == pytest.approx(u, rel=1e-12)
    # a weaker prompt limit excludes less
    assert np.all(K.mixing_limit_from_kpimumu(4e-10, M, "LNV", z_max_cm=z) > u2)


def test_nothing_excluded_gives_inf():
    assert K.mixing_limit_from_kpimumu(0.5, 0.3, "LNV", z_max_cm=100.0) == np.inf


def test_invalid_inputs():
    with pytest.raises(NuportalInputError, match="Majorana"):
        K.mixing_limit_from_kpimumu(1e-10, 0.3, "LNV", z_max_cm=100.0, majorana=False)
    with pytest.raises(NuportalInputError, match="channel"):
        K.br_n_to_pimu(0.3, "XYZ")
    with pytest.raises(NuportalInputError, match="HNL mass"):
        K.prompt_acceptance(0.2, 0.0, 100.0)  # below m_pi + m_mu = 245 MeV
    with pytest.raises(NuportalInputError, match="lifetime"):
        K.prompt_acceptance(0.3, -1.0, 100.0)


def test_na48_lnv_total():
    cfg = load_kpimumu().lnv_total
    res = K.lnv_total_limit(cfg.n_obs, cfg.background, cfg.background_sigma_stat,
                            cfg.background_sigma_syst, cfg.n_kaon_decays, cfg.acceptance, cfg.cl)
    # the chain: Rolke-Lopez N_UL with sigma_b = 0.87 (+) 0.12, then N_UL / (N_K A)
    n_ul = rolke_lopez(1, 1.16, np.hypot(0.87, 0.12), 0.9).upper
    assert res["n_ul"] == pytest.approx(n_ul, rel=1e-12)
    assert res["br_ul"] == pytest.approx(n_ul / (1.6e11 * cfg.acceptance), rel=1e-12)
    # Our number, pinned: N_UL = 2.772 (bounded Rolke-Lopez, checked independently by a brute-force
    # profile likelihood, also with b >= 0 imposed: 2.7733 for sigma_b = 0.88), BR_UL = 8.40e-11.
    assert res["n_ul"] == pytest.approx(2.7722, abs=1e-3)
    assert res["br_ul"] == pytest.approx(8.402e-11, rel=1e-3)
    # reference 001 publishes BR < 8.6e-11: with N_K = 1.6e11 ("~1.6 x 10^11", NA48/2 proceedings) we are
    # 2.3% low, inside the rounding of N_K (1.56e11 gives 8.6e-11); the 20.62% acceptance is unverified.
    assert 0.96 < res["br_ul"] / 8.6e-11 < 0.99
