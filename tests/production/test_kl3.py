"""K_l3 with a massive HNL: form-factor checks, limits, and the event sampler."""

import numpy as np
import pytest

from nuportal import constants as C
from nuportal.kinematics import dot, mass2
from nuportal.production import kl3


def test_kmu3_over_ke3_from_form_factors():
    # PDG 2024: BR(K_mu3)/BR(K_e3) = 3.352% / 5.07% = 0.661 +- 0.005 (a check of the form factors,
    # not an input).  Tolerance: the quoted experimental uncertainty.
    assert kl3.kmu3_over_ke3() == pytest.approx(0.661, abs=0.005)


def test_massless_limit_reproduces_measured_kl3():
    # normalisation: BR(K+ -> pi0 l+ N)/|U|^2 -> BR(K_l3) (PDG 2024) as m_N -> 0, continuously
    assert kl3.br_over_U2(1e-6, "e") == pytest.approx(C.value("BR_K_e3"), rel=1e-6)
    assert kl3.br_over_U2(1e-4, "mu") == pytest.approx(C.value("BR_K_mu3"), rel=1e-4)


def test_vanishes_at_threshold():
    for lepton in ("e", "mu"):
        end = kl3.endpoint(lepton)
        near = kl3.br_over_U2([end * (1 - 1e-3), end, end + 0.01], lepton)
        assert near[0] < 1e-5 * kl3.br_over_U2(0.0, lepton)
        assert near[1] == 0.0 and near[2] == 0.0


def test_monotonic_decrease_with_mass():
    m = np.linspace(0, kl3.endpoint("e"), 50)
    br = kl3.br_over_U2(m, "e")
    assert np.all(np.diff(br) < 0)


def test_phase_space_integral_against_independent_quadrature():
    # with form factors switched off the Dalitz integral of |M|^2 must equal a brute-force
    # midpoint sum over a fine (t, s) grid inside the boundary (independent of the GL mapping)
    m_n = 0.1
    m_l = C.mass("e")
    m_k, m_pi = C.mass("K+"), C.mass("pi0")
    t = np.linspace((m_n + m_l) ** 2, (m_k - m_pi) ** 2, 1501)
    s = np.linspace((m_pi + m_l) ** 2, (m_k - m_n) ** 2, 1501)
    tc, sc = 0.5 * (t[1:] + t[:-1]), 0.5 * (s[1:] + s[:-1])
    tt, ss = np.meshgrid(tc, sc, indexing="ij")
    lo, hi = kl3.dalitz_limits(tt, m_l, m_n)
    inside = (ss > lo) & (ss < hi)
    brute = np.sum(np.where(inside, kl3.matrix_element_sq(tt, ss, m_l, m_n), 0.0)) * (
        (t[1] - t[0]) * (s[1] - s[0]))
    assert kl3.reduced_width(m_n, "e")[0] == pytest.approx(brute, rel=3e-3)


def test_sampler_kinematics(rng):
    ev = kl3.sample_kl3_events(rng, 20000, 0.135, "e")
    total = ev["p_pi"] + ev["p_l"] + ev["p_N"]
    assert np.allclose(total[:, 0], C.mass("K+"))
    assert np.allclose(total[:, 1:], 0.0, atol=1e-12)
    assert np.allclose(np.sqrt(mass2(ev["p_N"])), 0.135, rtol=1e-6)
    assert np.allclose(np.sqrt(np.abs(mass2(ev["p_l"]))), C.mass("e"), rtol=1e-3, atol=1e-6)


def test_sampler_follows_matrix_element(rng):
    # <t> of the sample against the |M|^2-weighted average on a fine grid; tolerance 5 sigma of
    # the Monte Carlo mean (about 0.2%)
    m_n, m_l = 0.1, C.mass("e")
    ev = kl3.sample_kl3_events(rng, 40000, m_n, "e")
    t_sample = mass2(ev["p_l"] + ev["p_N"])
    m_k, m_pi = C.mass("K+"), C.mass("pi0")
    t = np.linspace((m_n + m_l) ** 2, (m_k - m_pi) ** 2, 800)[:, None]
    lo, hi = kl3.dalitz_limits(t, m_l, m_n)
    s = lo + (hi - lo) * np.linspace(0, 1, 800)[None, :]
    w = kl3.matrix_element_sq(t, s, m_l, m_n) * (hi - lo)
    t_mean = np.sum(w * t) / np.sum(w)
    err = t_sample.std() / np.sqrt(t_sample.size)
    assert abs(t_sample.mean() - t_mean) < 5 * err
    assert np.all(dot(ev["p_l"], ev["p_N"]) > 0)


def test_sampler_rejects_closed_mass(rng):
    with pytest.raises(ValueError, match="outside"):
        kl3.sample_kl3_events(rng, 10, 0.4, "e")
