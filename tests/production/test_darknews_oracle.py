"""Dipole-portal upscattering cross sections against DarkNews 0.4.8 (test-only oracle, reference 004 App. B).

The oracle numbers in data/darknews_dipole_xsec.csv come from scripts/darknews_oracle.py, run in a separate
environment (DarkNews is never imported here).  They are DarkNews's total_xsec for a Dirac HNL with only the
nu_mu - N transition magnetic moment mu_tr = 1 GeV^-1, summed over the two N helicities.

Coupling convention: sigma_DarkNews(mu_tr = x) = sigma_nuportal(d = x / 2), i.e. d = t_aj = mu_tr / 2
(DarkNews/model.py sets the vertex t_aj = mu_tr / 2; its dsigma/dQ^2 tends to alpha mu_tr^2 Z^2 |F|^2 / Q^2
for m_N -> 0, ours to 4 alpha d^2 Z^2 |F|^2 / Q^2).  With our unit coupling d = 1 GeV^-1 this is
sigma_nuportal / 4 = sigma_DarkNews(mu_tr = 1 GeV^-1).

Tolerances (observed worst cases in brackets):
* coherent, 1 % [0.32 %]: the two codes share the amplitude up to nuclear recoil (DarkNews keeps a recoiling
  spin-1/2 nucleus, we use the static limit: O(Q^2 / (2 M_A E)) <~ 0.1 %) but differ in |F|^2 (our Helm fit
  to the De Vries 3pF density vs DarkNews's Fourier-Bessel fit).  The total is dominated by the
  log-enhanced region |F| ~ 1; the Q ~ 0.1 - 0.3 GeV region where the two |F|^2 differ by a few per cent
  carries <~ 20 % of sigma, hence <~ 0.5 %.
* free proton, 0.3 % [0.01 %]: same dipole nucleon form factors (ours M_V^2 = 0.71 GeV^2, mu_p = 2.793;
  DarkNews M_V = 0.843 GeV, mu_p = 2.792) and the same full-recoil amplitude; only these constants differ.

``test_dipole_physics_matches_darknews`` integrates our dsigma in ln Q^2 (converged), so it tests the
physics (formula, form factors, kinematic limits, coupling convention).  ``test_sigma_total_matches_darknews``
tests the production ``sigma_total``, which now integrates in ln Q^2 (ln(-t) for nucleons): the earlier
256-node Gauss-Legendre grid linear in cos(theta) / t missed the 1/Q^2 forward peak that starts at
Q2_min ~ m_N^4 / (4 E^2) and was up to a factor 4 low; this test found it.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest

from nuportal.decay.widths import width_nu_gamma
from nuportal.nuclear.nuclei import get_nucleus
from nuportal.production.upscattering import channels, dipole, kinematics
from nuportal.production.upscattering.channels import GEV2_TO_CM2

DATA = Path(__file__).parent / "data" / "darknews_dipole_xsec.csv"
#: sigma_nuportal(d = 1 GeV^-1) / sigma_DarkNews(mu_tr = 1 GeV^-1) = (1 / (1/2))^2.
CONVENTION_FACTOR = 4.0
TOL = {"xsec_coherent": 0.01, "xsec_p-el": 0.003}
N_LOG = 20001

def _rows(prefix: str) -> list[dict]:
    with DATA.open() as fh:
        rows = list(csv.DictReader(line for line in fh if not line.startswith("#")))
    return [r for r in rows if r["quantity"].startswith(prefix)]


def _key(row: dict) -> tuple:
    return row["quantity"], row["target"], float(row["E_nu_GeV"]), float(row["m_N_GeV"])


def _id(row: dict) -> str:
    q, t, E, m = _key(row)
    return f"{q[5:]}-{t}-E{E:g}-m{m:g}"


XSEC_ROWS = _rows("xsec_")
WIDTH_ROWS = _rows("width_")


def _channel(row: dict):
    quantity, target = row["quantity"], row["target"]
    chans = channels("dipole", get_nucleus(target))
    name = "coherent" if quantity == "xsec_coherent" else "p-elastic"
    (ch,) = [c for c in chans if name in c.name]
    return ch


def _converged_sigma(row: dict) -> float:
    """Our sigma (cm^2, d = 1 GeV^-1) by a trapezoid in ln Q^2 over the full kinematic range."""
    _, _, E, m = _key(row)
    ch = _channel(row)
    if row["quantity"] == "xsec_coherent":
        k = np.sqrt(E * E - m * m)
        q2min, q2max = (E - k) ** 2, (E + k) ** 2
        x = np.linspace(np.log(q2min), np.log(q2max), N_LOG)[1:-1]
        Q2 = np.exp(x)
        cos = np.clip(1.0 - (Q2 - q2min) / (2.0 * E * k), -1.0, 1.0)  # Q^2 = Q2min + 2 E k (1 - cos)
        dsig_dQ2 = ch.dsigma_dcos(E, cos, m) / (2.0 * E * k)
    else:
        M = ch.target_mass
        t_lo, t_hi = kinematics.elastic_t_range(E, m, M)
        x = np.linspace(np.log(-t_hi), np.log(-t_lo), N_LOG)[1:-1]
        Q2 = np.exp(x)
        dsig_dQ2 = dipole.nucleon_dsigma_dt(E, -Q2, m, "p", M) * GEV2_TO_CM2  # free proton: multiplicity 1
    return float(np.trapezoid(dsig_dQ2 * Q2, x))


def test_oracle_table_complete():
    assert len(XSEC_ROWS) == 21
    assert len(WIDTH_ROWS) == 6
    for row in XSEC_ROWS:  # DarkNews's VEGAS total_xsec and the deterministic quadrature of its integrand
        assert float(row["value_vegas"]) == pytest.approx(float(row["value_quad"]), rel=3e-3, abs=0.0)


@pytest.mark.parametrize("row", XSEC_ROWS, ids=_id)
def test_dipole_physics_matches_darknews(row):
    ours = _converged_sigma(row) / CONVENTION_FACTOR
    assert ours == pytest.approx(float(row["value_quad"]), rel=TOL[row["quantity"]], abs=0.0)


@pytest.mark.parametrize("row", XSEC_ROWS, ids=_id)
def test_sigma_total_matches_darknews(row):
    """The channels' own sigma_total (log-spaced quadrature since the DarkNews check found the linear
    grid up to 4x low) against DarkNews."""
    _, _, E, m = _key(row)
    ours = float(_channel(row).sigma_total(E, m)) / CONVENTION_FACTOR
    assert ours == pytest.approx(float(row["value_quad"]), rel=TOL[row["quantity"]], abs=0.0)


@pytest.mark.parametrize("hnl_type", ["dirac", "majorana"])
def test_nu_gamma_width_convention(hnl_type):
    """Widths at mu_tr = 1 GeV^-1 against ours at d = mu_tr / 2.

    DarkNews: Gamma = |t|^2 m^3 / (8 pi) (Dirac), 2 |t|^2 m^3 / (8 pi) (Majorana), t = mu_tr / 2.  Ours:
    d^2 m^3 / (4 pi), which is what the vertex 2 d sigma^{mu nu} q_nu P_L gives (explicit trace) -- the same
    vertex whose cross section agrees with DarkNews's at d = mu_tr / 2.  So DarkNews's Majorana width equals
    ours and its Dirac width is half of it: the width is not a clean handle on the convention (for a Dirac
    HNL DarkNews's width and cross section are mutually a factor 2 apart); the cross sections fix d = mu_tr/2.
    """
    expected_ratio = {"dirac": 0.5, "majorana": 1.0}[hnl_type]
    rows = [r for r in WIDTH_ROWS if r["quantity"] == f"width_nu_gamma_{hnl_type}"]
    assert len(rows) == 3
    for r in rows:
        m = float(r["m_N_GeV"])
        ours = float(width_nu_gamma(m, 0.5))
        assert float(r["value_quad"]) / ours == pytest.approx(expected_ratio, rel=1e-6, abs=0.0)


COHERENT = Path(__file__).parent / "data" / "darknews_coherent.csv"


def _coherent_rows():
    with COHERENT.open() as fh:
        return list(csv.DictReader(line for line in fh if not line.startswith("#")))


@pytest.mark.parametrize("row", _coherent_rows(),
                         ids=lambda r: f"{r['target']}-E{r['E_nu_GeV']}-m{r['m_N_GeV']}")
def test_coherent_c12_o16_matches_darknews(row):
    """12C (Helm fitted to the De Vries 1987 Fourier-Bessel density, rms 2.464 fm) and 16O against DarkNews
    0.4.8 (its own De Vries FB form factors) for m_N <= 0.3 GeV, E = 0.5 - 10 GeV: 2% (issue 10).  With the
    former generic 2pF (rms 2.57 fm) 12C was 6.7% low at E = 0.5, m_N = 0.3.  Worst now: +2.7% (12C) and
    +1.7% (16O) at that one corner, where E_nu is 1.7 m_N and the static-nucleus kinematics (no recoil; the
    shift scales as 1/M_A, 12C > 16O) is the remaining difference, not the form factor (the exact FB
    transform gives the same +2.7%); 3% allowed there, 1% elsewhere (observed <= 0.8%)."""
    E, m = float(row["E_nu_GeV"]), float(row["m_N_GeV"])
    ours = float(channels("dipole", row["target"])[0].sigma_total(E, m)) / CONVENTION_FACTOR
    tol = 0.03 if (E, m) == (0.5, 0.3) else 0.01
    assert ours / float(row["value_quad"]) == pytest.approx(1.0, abs=tol)
