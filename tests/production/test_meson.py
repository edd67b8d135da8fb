"""Two-body P+ -> l+ N against an independent absolute evaluation."""

import numpy as np
import pytest

from nuportal import constants as C
from nuportal.errors import NuportalInputError
from nuportal.production import meson
from nuportal.production.processes import PROCESSES, br_over_U2, get_process


def _independent_br(m_n, parent, lepton):
    """Absolute Gamma(P -> l N)/|U|^2 from G_F, f_P, |V| (Shrock 1981 / Gorbunov-Shaposhnikov
    2007 Eq. 3.4) divided by the PDG total width hbar/tau_P; no radiative corrections."""
    m_p, m_l = C.mass(parent), C.mass(lepton)
    f, v = (C.value("f_K"), C.value("V_us")) if parent == "K+" else (C.value("f_pi"),
                                                                      C.value("V_ud"))
    lam = (m_p**2 - (m_n + m_l) ** 2) * (m_p**2 - (m_n - m_l) ** 2)
    amp = m_n**2 + m_l**2 - (m_n**2 - m_l**2) ** 2 / m_p**2
    gamma = C.value("G_F") ** 2 * f**2 * v**2 / (8 * np.pi * m_p) * amp * np.sqrt(lam)
    return gamma / (C.HBAR_GEV_S / C.lifetime(parent))


def test_rho_is_one_at_zero_mass():
    for parent in ("K+", "pi+"):
        for lepton in ("e", "mu"):
            assert meson.rho(0.0, parent, lepton) == pytest.approx(1.0, rel=1e-12)


@pytest.mark.parametrize("parent,lepton,masses", [
    ("K+", "e", [0.05, 0.15, 0.3, 0.45]),
    ("K+", "mu", [0.05, 0.2, 0.35]),
    ("pi+", "e", [0.03, 0.1, 0.13]),
])
def test_two_body_against_absolute_rate(parent, lepton, masses):
    # the measured-BR normalisation and the absolute rate differ by the radiative corrections of
    # the SM decay (a few %) and the f_P, V uncertainties: tolerance 6%
    ours = meson.br_over_U2(np.array(masses), parent, lepton)
    ref = _independent_br(np.array(masses), parent, lepton)
    assert ours == pytest.approx(ref, rel=0.06)


def test_helicity_lifting_peak_value():
    # rho_e for K -> e N peaks near 1.4e5 around m_N ~ 0.3 GeV (Shrock 1981; NA62 2020 Fig. 1)
    m = np.linspace(0.01, 0.49, 500)
    r = meson.rho(m, "K+", "e")
    assert 1.2e5 < r.max() < 1.6e5
    assert 0.25 < m[np.argmax(r)] < 0.35


def test_process_registry():
    assert set(PROCESSES) == {"K+ -> pi0 e+ N", "K+ -> pi0 mu+ N", "K+ -> e+ N", "K+ -> mu+ N",
                              "pi+ -> e+ N", "pi+ -> mu+ N"}
    assert get_process("K+->pi0  e+ N").name == "K+ -> pi0 e+ N"
    with pytest.raises(NuportalInputError, match="unknown process"):
        get_process("K+ -> pi+ N")
    with pytest.raises(NuportalInputError, match=r"outside the allowed range \[0, 0.358"):
        br_over_U2("K+ -> pi0 e+ N", 0.4)
    with pytest.raises(NuportalInputError, match="outside the allowed range"):
        br_over_U2("K+ -> e+ N", -0.1)
