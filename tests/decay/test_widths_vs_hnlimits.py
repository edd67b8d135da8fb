"""HNL decay widths against an independent implementation of Bondarenko et al. (2018).

The PyPI package `hnlimits` (HNLimits/Bosonic_CC/decay_functions.py, used here only as a test
oracle) codes the same closed forms with rounded constants: G_F = 1.16e-5 GeV^-2,
sin^2 theta_W = 0.23, f_pi = 0.130 GeV, m_mu = 0.105 GeV.  We rescale its widths by
(G_F / 1.16e-5)^2; the remaining differences come from sin^2 theta_W, f_pi and the rounded masses.
Its widths are per Dirac channel, so we compare with ``majorana=False``.
"""

import pytest

from nuportal import constants as C
from nuportal.decay import widths as w

df = pytest.importorskip("HNLimits.Bosonic_CC.decay_functions")
GF_SCALE = (C.value("G_F") / 1.16e-5) ** 2


def _theirs(fn, m, ue=0.0, umu=0.0):
    # hnlimits takes |U| (not |U|^2) and returns mpmath numbers
    return float(fn(m, ue, umu, 0.0)) * GF_SCALE


@pytest.mark.parametrize("m", [0.15, 0.25, 0.35, 0.45])
def test_widths_agree_with_hnlimits(m):
    # tolerance 0.6%: sin^2 theta_W 0.23121 vs 0.23 and f_pi 0.1302 vs 0.130 (0.3% in f_pi^2)
    assert w.width_3nu(m, 1.0) == pytest.approx(_theirs(df.Gammavvv, m, 1.0), rel=1e-9)
    assert w.width_nu_ll(m, 1.0, "e", "e") == pytest.approx(_theirs(df.Gammavee, m, 1.0), rel=6e-3)
    assert w.width_nu_ll(m, 1.0, "mu", "e") == pytest.approx(_theirs(df.Gammavee, m, 0, 1.0),
                                                             rel=6e-3)
    assert w.width_nu_pi0(m, 1.0) == pytest.approx(_theirs(df.GammaPi0, m, 1.0), rel=6e-3)
    assert w.width_l_pi(m, 1.0, "e") == pytest.approx(_theirs(df.GammaPie, m, 1.0), rel=6e-3)


def test_muon_channels_away_from_threshold():
    # hnlimits rounds m_mu to 0.105 GeV: near the 2 m_mu threshold that moves the phase space by
    # ~10%; at 0.45 GeV the difference is < 1%
    m = 0.45
    assert w.width_nu_ll(m, 1.0, "mu", "mu") == pytest.approx(_theirs(df.Gammavmumu, m, 0, 1.0),
                                                              rel=1e-2)
    assert w.width_l_pi(m, 1.0, "mu") == pytest.approx(_theirs(df.GammaPimu, m, 0, 1.0), rel=6e-3)
    assert w.width_lalpha_lbeta_nu(m, 1.0, "e", "mu") == pytest.approx(
        _theirs(df.Gammavemmup, m, 1.0), rel=1e-2)
