"""Tests of nuportal.decay.widths (HNL decay widths below the kaon mass).

Reference formulas: Bondarenko, Boyarsky, Gorbunov, Ruchayskiy, JHEP 11 (2018) 032,
arXiv:1805.08567 (BBGR), Sec. 3.  Where BBGR print no numbers we check the closed forms against
independent evaluations coded here: analytic limits, crossing from the pi+ -> l+ N rate, and a
direct 2-d Dalitz-plot integration of the spin-summed squared matrix elements (derived from the
V-A effective Lagrangian, written out below) for the massive-lepton 3-body channels.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy.integrate import quad

from nuportal import HNL, NuportalInputError
from nuportal import constants as C
from nuportal.decay import widths as W
from nuportal.kinematics import kallen

GF = C.value("G_F")
SW2 = C.value("sin2_theta_W")
F_PI = C.value("f_pi")
V_UD = C.value("V_ud")
M_E, M_MU = C.mass("e"), C.mass("mu")
M_PI, M_PI0, M_K = C.mass("pi+"), C.mass("pi0"), C.mass("K+")

# Float rounding only (closed forms evaluated two ways): 1e-12.
EXACT = 1e-12


def fermi(m, u2=1.0):
    """G_F^2 m^5 U^2 / (192 pi^3)."""
    return GF**2 * m**5 * u2 / (192.0 * np.pi**3)


def muon_decay_f(y):
    """Textbook mu -> e nu nu mass function, y = m_e^2 / m_mu^2 (e.g. PDG/Okun)."""
    return 1.0 - 8.0 * y + 8.0 * y**3 - y**4 - 12.0 * y**2 * np.log(y)


# ----------------------------------------------------------------------------------------------
# independent 3-body Dalitz integration
# ----------------------------------------------------------------------------------------------
def dalitz_width(M, m1, m2, m3, msq, n=160):
    """Gamma = 1/((2 pi)^3 32 M^3) int ds12 ds23 |M|^2_avg  (PDG kinematics review, Eq. 49.22).

    ``msq(dots)`` gets the dict of all Lorentz products and returns the spin-averaged |M|^2.
    Gauss-Legendre in s23 (polynomial integrand: exact) and in s12 after s12 = lo + D sin^2 phi.
    """
    x, w = np.polynomial.legendre.leggauss(n)
    lo, hi = (m1 + m2) ** 2, (M - m3) ** 2
    phi = 0.25 * np.pi * (x + 1.0)
    s12 = lo + (hi - lo) * np.sin(phi) ** 2
    w12 = (hi - lo) * np.sin(2 * phi) * 0.25 * np.pi * w
    e2 = (s12 - m1**2 + m2**2) / (2 * np.sqrt(s12))
    e3 = (M**2 - s12 - m3**2) / (2 * np.sqrt(s12))
    p2, p3 = np.sqrt(np.clip(e2**2 - m2**2, 0, None)), np.sqrt(np.clip(e3**2 - m3**2, 0, None))
    a, b = (e2 + e3) ** 2 - (p2 + p3) ** 2, (e2 + e3) ** 2 - (p2 - p3) ** 2
    s23 = a[:, None] + (b - a)[:, None] * 0.5 * (x + 1.0)
    w23 = (b - a)[:, None] * 0.5 * w
    s12 = s12[:, None]
    s13 = M**2 + m1**2 + m2**2 + m3**2 - s12 - s23
    dots = {
        "N1": (M**2 + m1**2 - s23) / 2, "N2": (M**2 + m2**2 - s13) / 2,
        "N3": (M**2 + m3**2 - s12) / 2, "12": (s12 - m1**2 - m2**2) / 2,
        "13": (s13 - m1**2 - m3**2) / 2, "23": (s23 - m2**2 - m3**2) / 2,
    }
    return np.sum(msq(dots) * w23 * w12[:, None]) / ((2 * np.pi) ** 3 * 32 * M**3)


def msq_nu_ll(g_l, g_r, m_l):
    """N -> nu(3) l^-(1) l^+(2), L = -(G_F/sqrt2) [nu g^mu(1-g5) N][l g_mu(gL(1-g5)+gR(1+g5)) l].

    Traces give sum|M|^2 = 128 G_F^2 [gL^2 (pN.p2)(p3.p1) + gR^2 (pN.p1)(p3.p2)
    + gL gR m_l^2 (pN.p3)]; averaged over the 2 N spins: 64 G_F^2 [...].
    """
    def msq(d):
        return 64 * GF**2 * (g_l**2 * d["N2"] * d["13"] + g_r**2 * d["N1"] * d["23"]
                             + g_l * g_r * m_l**2 * d["N3"])
    return msq


def msq_cc(d):
    """N -> l_a^-(1) l_b^+(2) nu_b(3): muon-decay-like (pN.p_lb)(p_la.p_nu), 64 G_F^2 averaged."""
    return 64 * GF**2 * d["N2"] * d["13"]


# ----------------------------------------------------------------------------------------------
# 3 nu and the Dirac / Majorana convention
# ----------------------------------------------------------------------------------------------
def test_3nu_dirac_is_muon_like_and_flavour_summed():
    # BBGR Sec. 3.1.2: Gamma(N -> nu_a nu_b nubar_b) = (1 + delta_ab) G_F^2 m^5 |U_a|^2/(768 pi^3);
    # summed over b: (2 + 1 + 1)/768 = 1/192.  Exact formula -> float tolerance.
    m = 0.2
    by_hand = sum(1 + (beta == "e") for beta in ("e", "mu", "tau")) / 768.0  # alpha = e
    assert by_hand == pytest.approx(1.0 / 192.0, rel=EXACT)
    dirac = W.partial_widths(HNL(m, {"e": 1.0}, majorana=False))["nu nu nu"]
    assert dirac == pytest.approx(fermi(m), rel=EXACT)
    mixed = HNL(m, {"e": 0.2, "mu": 0.3, "tau": 0.5}, majorana=False)
    assert W.partial_widths(mixed)["nu nu nu"] == pytest.approx(fermi(m), rel=EXACT)


def test_majorana_doubles_every_mixing_width_not_dipole_or_extra():
    # Convention (BBGR Sec. 3; authors' FairShip hnl.py): Gamma_Maj = 2 Gamma_Dirac for every
    # mixing-induced channel, 3 nu and NC included; the dipole width is d^2 m^3/(4 pi) in both
    # cases (arXiv:2205.02234 Eq. 8 convention); the extra invisible width is the user's number.
    kw = dict(U2={"e": 1e-5, "mu": 2e-5, "tau": 3e-5}, d={"e": 1e-7, "mu": 2e-7},
              extra_invisible_width=1e-20)
    maj = W.partial_widths(HNL(0.45, majorana=True, **kw))
    dir_ = W.partial_widths(HNL(0.45, majorana=False, **kw))
    for ch in ("nu nu nu", "nu e e", "nu mu mu", "e mu nu", "nu pi0", "e pi", "mu pi"):
        assert dir_[ch] > 0
        assert maj[ch] == pytest.approx(2 * dir_[ch], rel=EXACT), ch
    for ch in ("nu gamma", "invisible"):
        assert maj[ch] == pytest.approx(dir_[ch], rel=EXACT) and dir_[ch] > 0
    assert W.width_3nu(0.3, 1.0, majorana=True) == pytest.approx(2 * fermi(0.3), rel=EXACT)
    assert W.charge_conjugation_factor(True) == 2.0 and W.charge_conjugation_factor(False) == 1.0


# ----------------------------------------------------------------------------------------------
# nu l l (Z and W-Z interference)
# ----------------------------------------------------------------------------------------------
def test_nc_coefficients_are_chiral_couplings():
    # C1 = gL^2 + gR^2, C2 = gL gR with gL = -1/2 + s_W^2 (+1 from the Fierzed W graph when the
    # neutrino and the lepton pair share the flavour), gR = s_W^2 (standard nu-e NC couplings).
    for alpha, g_l in (("e", 0.5 + SW2), ("mu", -0.5 + SW2), ("tau", -0.5 + SW2)):
        c1, c2 = W.nc_coefficients(alpha, "e")
        assert c1 == pytest.approx(g_l**2 + SW2**2, rel=EXACT)
        assert c2 == pytest.approx(g_l * SW2, rel=EXACT)


@pytest.mark.parametrize("alpha", ["e", "mu"])
def test_nu_ll_massless_limit(alpha):
    # Massless-lepton limit of BBGR's bracket is C1: G_F^2 m^5 U^2 C1 / (192 pi^3).
    c1, c2 = W.nc_coefficients(alpha, "e")
    assert W.neutral_current_kernel(0.0, c1, c2) == pytest.approx(c1, rel=EXACT)
    # At m = 0.45 GeV, x_e^2 = 1.3e-6: mass corrections (-14 C1 + 8 C2) x_e^2 / C1 < 2e-5;
    # tolerance 1e-4.
    width = W.width_nu_ll(0.45, 1.0, alpha, "e")
    assert width == pytest.approx(fermi(0.45) * c1, rel=1e-4)


@pytest.mark.parametrize(("m", "alpha", "lepton"), [
    (0.30, "mu", "mu"), (0.30, "e", "mu"), (0.45, "mu", "mu"), (0.45, "tau", "mu"),
    (0.0025, "e", "e"), (0.0025, "mu", "e"), (0.22, "e", "mu"),
])
def test_nu_ll_closed_form_vs_dalitz_integration(m, alpha, lepton):
    # Independent check of the full lepton-mass dependence (incl. the log term and the C2
    # interference sign): numerical integration of |M|^2 of msq_nu_ll.  Quadrature error < 1e-12;
    # tolerance 1e-9.
    m_l = C.mass(lepton)
    g_l = (0.5 if alpha == lepton else -0.5) + SW2
    numeric = dalitz_width(m, m_l, m_l, 0.0, msq_nu_ll(g_l, SW2, m_l))
    assert W.width_nu_ll(m, 1.0, alpha, lepton) == pytest.approx(numeric, rel=1e-9)


# ----------------------------------------------------------------------------------------------
# l_alpha l_beta nu (W only) and the phase-space integral I
# ----------------------------------------------------------------------------------------------
def test_three_body_integral_limits():
    # I(0,0,0) = 1 (BBGR normalisation); one massive lepton: the mu-decay function f(y), whichever
    # slot carries the mass; closed channel: 0.  64-point quadrature: tolerance 1e-10.
    assert W.three_body_integral(0.0, 0.0, 0.0) == pytest.approx(1.0, rel=1e-12)
    for x in (0.05, 0.2, 0.5, 0.8):
        for args in ((x, 0, 0), (0, x, 0), (0, 0, x)):
            assert W.three_body_integral(*args) == pytest.approx(muon_decay_f(x * x), rel=1e-10)
    assert W.three_body_integral(0.6, 0.0, 0.5) == 0.0


def test_three_body_integral_vs_adaptive_quad():
    # Same integral by scipy.quad (epsrel 1e-12) directly in s: tolerance 1e-9.
    def ref(xa, xb, xc):
        def f(s):
            lam1 = max(kallen(s, xa**2, xb**2), 0.0)
            lam2 = max(kallen(1.0, s, xc**2), 0.0)
            return 12 / s * (s - xa**2 - xb**2) * (1 + xc**2 - s) * np.sqrt(lam1 * lam2)
        return quad(f, (xa + xb) ** 2, (1 - xc) ** 2, epsabs=0, epsrel=1e-12, limit=200)[0]
    xs = np.array([[0.01, 0.0, 0.3], [0.3, 0.0, 0.01], [0.2, 0.1, 0.3], [0.45, 0.0, 0.5]])
    got = W.three_body_integral(xs[:, 0], xs[:, 1], xs[:, 2])
    assert got.shape == (4,)
    np.testing.assert_allclose(got, [ref(*row) for row in xs], rtol=1e-9)


@pytest.mark.parametrize("m", [0.12, 0.2, 0.3, 0.45])
def test_e_mu_nu_vs_dalitz_integration(m):
    # Massive-lepton CC channel against direct integration of the V-A |M|^2 (msq_cc), both
    # charge assignments: N -> e- mu+ nu_mu (|U_e|^2) and N -> mu- e+ nu_e (|U_mu|^2).
    # Tolerance 1e-9 (quadrature error < 1e-12).
    e_mu = dalitz_width(m, M_E, M_MU, 0.0, msq_cc)
    mu_e = dalitz_width(m, M_MU, M_E, 0.0, msq_cc)
    assert W.width_lalpha_lbeta_nu(m, 1.0, "e", "mu") == pytest.approx(e_mu, rel=1e-9)
    assert W.width_lalpha_lbeta_nu(m, 1.0, "mu", "e") == pytest.approx(mu_e, rel=1e-9)
    # The V-A total rate is symmetric under exchanging the two charged leptons (as it must be
    # for the muon-decay function): the two assignments agree.
    assert e_mu == pytest.approx(mu_e, rel=1e-9)


def test_e_mu_nu_light_electron_limit():
    # Neglecting m_e the channel is muon decay with the massive muon: G_F^2 m^5 f(x_mu^2)/(192 pi^3)
    # (analytic).  Electron-mass effects ~ 8 x_e^2 ~ 1e-5 at 0.45 GeV: tolerance 1e-4.
    m = 0.45
    expected = fermi(m) * muon_decay_f((M_MU / m) ** 2)
    assert W.width_lalpha_lbeta_nu(m, 1.0, "e", "mu") == pytest.approx(expected, rel=1e-4)


# ----------------------------------------------------------------------------------------------
# two-body meson channels
# ----------------------------------------------------------------------------------------------
def pion_decay_msq(m_pi, m_l, m_n, u2=1.0):
    """sum |M|^2 of pi+ -> l+ N from Shrock, PRD 24 (1981) 1232:

    Gamma(pi -> l N) = K m_pi / (8 pi) lambda^{1/2}(1, a, b) [a + b - (a - b)^2], a, b = m^2/m_pi^2,
    K = G_F^2 f_pi^2 |V_ud|^2 |U|^2; with p* = m_pi lambda^{1/2}/2 and Gamma = p* sum|M|^2/(8 pi
    m_pi^2) this is sum|M|^2 = 2 K [m_pi^2 (m_l^2 + m_N^2) - (m_l^2 - m_N^2)^2].
    """
    k = GF**2 * F_PI**2 * V_UD**2 * u2
    a, b = (m_l / m_pi) ** 2, (m_n / m_pi) ** 2
    gamma = k * m_pi / (8 * np.pi) * np.sqrt(kallen(1, a, b)) * (a + b - (a - b) ** 2)
    p_star = m_pi * np.sqrt(kallen(1, a, b)) / 2
    return gamma * 8 * np.pi * m_pi**2 / p_star


@pytest.mark.parametrize("lepton", ["e", "mu"])
def test_l_pi_from_crossed_pion_decay(lepton):
    # Crossing pi+ -> l+ N into N -> l- pi+: same invariant polynomial, sign flipped for the one
    # crossed fermion; Gamma_N = (1/2) |sum M^2| p*_N / (8 pi m_N^2) (1/2: N spin average).
    # First make sure the pion formula is the textbook pi -> l nu rate at m_N = 0.
    m_l = C.mass(lepton)
    k = GF**2 * F_PI**2 * V_UD**2
    textbook = k * M_PI * m_l**2 * (1 - (m_l / M_PI) ** 2) ** 2 / (8 * np.pi)
    p0 = (M_PI**2 - m_l**2) / (2 * M_PI)
    assert p0 * pion_decay_msq(M_PI, m_l, 0.0) / (8 * np.pi * M_PI**2) == pytest.approx(
        textbook, rel=EXACT)
    for m in (0.25, 0.35, 0.49):
        # sum|M|^2 is a polynomial in the masses (the lambda^{1/2} of Gamma and p* cancel), so the
        # pion-decay expression can be evaluated at the N-decay point m_N > m_pi + m_l.
        msq = -pion_decay_msq(M_PI, m_l, m)
        p_n = np.sqrt(kallen(m**2, m_l**2, M_PI**2)) / (2 * m)
        expected = 0.5 * msq * p_n / (8 * np.pi * m**2)
        assert W.width_l_pi(m, 1.0, lepton) == pytest.approx(expected, rel=1e-10)


def test_meson_channel_thresholds_and_isospin():
    # Exact zeros below/at threshold, continuity above; CC/NC ratio 2|V_ud|^2 (isospin, BBGR
    # Sec. 3.2.1 formulas) up to the pi+/pi0 and e mass differences, which we divide out.
    thr = M_MU + M_PI
    assert W.width_l_pi(thr, 1.0, "mu") == 0.0
    assert W.width_l_pi(thr * 0.9, 1.0, "mu") == 0.0
    near = W.width_l_pi(thr * (1 + 1e-8), 1.0, "mu")
    assert 0 < near < 1e-3 * W.width_l_pi(0.45, 1.0, "mu")
    assert W.width_nu_pi0(M_PI0 * 0.999, 1.0) == 0.0
    assert W.width_nu_pi0(M_PI0, 1.0) == 0.0
    m = 0.45
    direct = GF**2 * F_PI**2 * m**3 / (32 * np.pi) * (1 - (M_PI0 / m) ** 2) ** 2
    assert W.width_nu_pi0(m, 1.0) == pytest.approx(direct, rel=EXACT)
    ratio = W.width_l_pi(m, 1.0, "e") / W.width_nu_pi0(m, 1.0)
    phase = (1 - (M_PI / m) ** 2) ** 2 / (1 - (M_PI0 / m) ** 2) ** 2
    # residual m_e corrections O(x_e^2) ~ 1e-6: tolerance 1e-5
    assert ratio == pytest.approx(2 * V_UD**2 * phase, rel=1e-5)


def test_three_body_thresholds_are_exact_zeros():
    assert W.width_nu_ll(2 * M_MU, 1.0, "mu", "mu") == 0.0
    assert W.width_nu_ll(0.2, 1.0, "e", "mu") == 0.0
    assert W.width_nu_ll(0.001, 1.0, "e", "e") == 0.0
    assert W.width_lalpha_lbeta_nu(M_E + M_MU, 1.0, "e", "mu") == 0.0
    assert W.width_lalpha_lbeta_nu(0.45, 1.0, "e", "tau") == 0.0
    widths = W.partial_widths_array(np.array([0.05, 0.1]), 1e-3, 1e-3, 1e-3)
    for ch in ("nu mu mu", "e mu nu", "nu pi0", "e pi", "mu pi"):
        np.testing.assert_array_equal(widths[ch], [0.0, 0.0])


# ----------------------------------------------------------------------------------------------
# dipole, aggregate API, lifetimes
# ----------------------------------------------------------------------------------------------
def test_dipole_width():
    # Gamma = d^2 m^3 / (4 pi) (arXiv:2205.02234 Eq. 8): d = 1e-6 GeV^-1, m = 0.1 GeV
    # -> 1e-15 / (4 pi) GeV; flavours add in quadrature.
    assert W.width_nu_gamma(0.1, 1e-6) == pytest.approx(1e-15 / (4 * np.pi), rel=EXACT)
    hnl = HNL(0.1, d={"e": 3e-6, "tau": 4e-6})
    assert W.partial_widths(hnl)["nu gamma"] == pytest.approx(25e-15 / (4 * np.pi), rel=EXACT)
    assert W.branching_ratios(hnl)["nu gamma"] == pytest.approx(1.0, rel=EXACT)


def test_array_api_matches_scalar_api_and_brs_sum_to_one():
    masses = np.array([0.005, 0.12, 0.25, 0.4, 0.49])
    u2 = {"e": 1e-6, "mu": 3e-6, "tau": 2e-6}
    arr = W.partial_widths_array(masses, u2["e"], u2["mu"], u2["tau"], d_mu=1e-8,
                                 majorana=False, extra_invisible=1e-24)
    assert tuple(arr) == W.CHANNELS
    for i, m in enumerate(masses):
        hnl = HNL(float(m), u2, {"mu": 1e-8}, majorana=False, extra_invisible_width=1e-24)
        single = W.partial_widths(hnl)
        for ch in W.CHANNELS:
            assert isinstance(single[ch], float)
            assert arr[ch][i] == pytest.approx(single[ch], rel=EXACT, abs=0.0)
        brs = W.branching_ratios(hnl)
        assert sum(brs.values()) == pytest.approx(1.0, rel=EXACT)
        assert W.visible_fraction(hnl) == pytest.approx(
            1 - brs["nu nu nu"] - brs["invisible"], rel=EXACT)
    brs_arr = W.branching_ratios_from_widths(arr)
    np.testing.assert_allclose(sum(brs_arr.values()), 1.0, rtol=EXACT)
    assert set(W.VISIBLE_CHANNELS) == set(W.CHANNELS) - {"nu nu nu", "invisible"}


def test_lifetime_ctau_and_decay_length_units():
    # tau = hbar/Gamma, c tau = hbar c/Gamma; their ratio must be c = 2.99792458e10 cm/s (exact
    # SI value; the two CODATA constants are given to 10 digits -> tolerance 1e-9).
    hnl = HNL(0.3, {"mu": 1e-7})
    gamma = W.total_width(hnl)
    assert W.lifetime_s(hnl) == pytest.approx(C.HBAR_GEV_S / gamma, rel=EXACT)
    assert W.ctau_cm(hnl) == pytest.approx(C.HBARC_GEV_CM / gamma, rel=EXACT)
    assert W.ctau_cm(hnl) / W.lifetime_s(hnl) == pytest.approx(2.99792458e10, rel=1e-9)
    p = np.array([0.3, 3.0, 30.0])
    np.testing.assert_allclose(W.decay_length_cm(hnl, p), p / 0.3 * W.ctau_cm(hnl), rtol=EXACT)
    assert isinstance(W.decay_length_cm(hnl, 1.0), float)


def test_decay_probability_limits():
    hnl = HNL(0.3, {"e": 1e-4})
    L = W.decay_length_cm(hnl, 10.0)
    z1, z2 = 0.3 * L, 1.7 * L
    # generic: the defining formula (no cancellation at L ~ z): tolerance 1e-12
    assert W.decay_probability(hnl, 10.0, z1, z2) == pytest.approx(
        np.exp(-z1 / L) - np.exp(-z2 / L), rel=1e-12)
    # short lifetime (L << z1): 0; starting at the production point: 1
    assert W.decay_probability(hnl, 1e-3, 1e4 * L, 2e4 * L) == 0.0
    assert W.decay_probability(hnl, 1e-3, 0.0, 1e4 * L) == pytest.approx(1.0, rel=EXACT)
    # long lifetime (L/z ~ 1e17, where exp(-z1/L) - exp(-z2/L) rounds to 0 in double precision):
    # P = (z2 - z1)/L (1 - (z1 + z2)/(2L)) to O((z/L)^2): tolerance 1e-12
    weak = HNL(0.01, {"e": 1e-12})
    L_w = W.decay_length_cm(weak, 100.0)
    assert L_w > 1e18
    p = W.decay_probability(weak, 100.0, 1e2, 1e3)
    assert p == pytest.approx(900.0 / L_w, rel=1e-12)
    assert p > 0 and np.exp(-1e2 / L_w) - np.exp(-1e3 / L_w) == 0.0
    # vectorised broadcasting: momenta (3, 1) x windows (4,)
    moms, ends = np.array([[1.0], [5.0], [20.0]]), np.array([0.01, 0.1, 1.0, 10.0]) * L
    probs = W.decay_probability(hnl, moms, np.zeros(4), ends)
    assert probs.shape == (3, 4) and np.all(np.diff(probs, axis=1) > 0)
    np.testing.assert_allclose(probs, -np.expm1(-ends / W.decay_length_cm(hnl, moms)), rtol=1e-12)
    # a stable (uncoupled) HNL never decays
    stable = HNL(0.3)
    assert W.lifetime_s(stable) == np.inf and W.ctau_cm(stable) == np.inf
    assert W.decay_probability(stable, 1.0, 0.0, 1e5) == 0.0


# ----------------------------------------------------------------------------------------------
# bad input
# ----------------------------------------------------------------------------------------------
def test_branching_ratios_without_couplings_raise():
    with pytest.raises(NuportalInputError, match="total width is 0"):
        W.branching_ratios(HNL(0.3))


@pytest.mark.parametrize("call", [
    lambda: W.width_3nu(-0.1, 1.0),
    lambda: W.width_3nu(np.array([0.1, np.nan]), 1.0),
    lambda: W.width_3nu(0.1, 3.5),
    lambda: W.width_nu_ll(0.3, 1.5, "e", "e"),
    lambda: W.width_nu_ll(0.3, 1.0, "x", "e"),
    lambda: W.width_nu_ll(0.3, 1.0, "e", "pi"),
    lambda: W.width_lalpha_lbeta_nu(0.3, 1.0, "mu", "mu"),
    lambda: W.width_l_pi(0.3, 1.0, "nu"),
    lambda: W.width_l_pi(0.3, -1e-3, "e"),
    lambda: W.width_nu_gamma(0.3, -1e-6),
    lambda: W.width_3nu(0.3, 1.0, majorana="yes"),
    lambda: W.partial_widths_array(np.array([0.3, M_K]), 1e-6),
    lambda: W.partial_widths_array(0.3, 1e-6, extra_invisible=-1.0),
    lambda: W.partial_widths({"mass": 0.3}),
    lambda: W.decay_length_cm(HNL(0.3, {"e": 1e-6}), 0.0),
    lambda: W.decay_probability(HNL(0.3, {"e": 1e-6}), 1.0, 10.0, 5.0),
    lambda: W.decay_probability(HNL(0.3, {"e": 1e-6}), 1.0, -1.0, 5.0),
])
def test_bad_input_raises(call):
    with pytest.raises(NuportalInputError):
        call()
