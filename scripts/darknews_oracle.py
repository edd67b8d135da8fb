"""Reference dipole-portal upscattering cross sections from DarkNews, stored as test-oracle numbers.

DarkNews is a test-only oracle (nuportal never imports it); this script runs in its own environment::

    python -m venv /tmp/dn-venv && /tmp/dn-venv/bin/pip install DarkNews==0.4.8
    /tmp/dn-venv/bin/python scripts/darknews_oracle.py > tests/production/data/darknews_dipole_xsec.csv

For every (target, regime, E_nu, m_N) the model is ``DarkNews.model.ThreePortalModel(m4=m_N,
mu_tr_mu4=1.0, Umu4=0.0, epsilon=0.0, HNLtype="dirac")`` (only the nu_mu - N4 transition magnetic moment
is non-zero: no mixing, no kinetic mixing; the Z' decouples from hadrons) and the process is
``DarkNews.processes.UpscatteringProcess(nu_projectile=pdg.numu, nu_upscattered=model.neutrino4,
nuclear_target=NuclearTarget(target), scattering_regime=regime, TheoryModel=model, helicity=h)``
for h in ("flipping", "conserving"); the cross section is the sum of the two helicities.  Two numbers
are stored: ``total_xsec(E, diagrams=["TMM_SQR"], ...)`` (DarkNews's own VEGAS integral, documented
API) and a deterministic trapezoid integral in ln Q^2 of the same integrand
``DarkNews.amplitudes.upscattering_dxsec_dQ2([s, t, u], process, diagrams=["TMM_SQR"])`` (times the target
multiplicity) over DarkNews's own range [Q2min, min(Q2max, QMAX^2)] (QMAX = 2 GeV coherent, 5 GeV
nucleon, as in DarkNews.integrands.UpscatteringXsec).  The script checks that the two agree to 0.3 %.
(``UpscatteringProcess.diff_xsec_Q2`` is not used: in DarkNews 0.4.8 it builds u = 2 M^2 + m_N - s + Q^2,
with m_N instead of m_N^2, which shifts dsigma/dQ^2 by O((m_N - m_N^2)/(2 M E)); total_xsec's integrand
DarkNews.integrands.UpscatteringXsec uses the correct u = 2 M^2 + m_N^2 - s - t.)

Coupling convention (see tests/production/test_darknews_oracle.py): DarkNews's vertex is
t_aj = mu_tr / 2 (DarkNews/model.py ``_set_vertices_common``) and its summed dsigma/dQ^2 tends to
alpha mu_tr^2 Z^2 F^2 / Q^2 for m_N -> 0, the textbook magnetic-moment result; nuportal's
dsigma/dQ^2 tends to 4 alpha d^2 Z^2 F^2 / Q^2.  Hence sigma_DarkNews(mu_tr = x) = sigma_nuportal(d = x/2),
i.e. d = t_aj = mu_tr / 2.  The N -> nu gamma widths are stored too (DarkNews ``FermionSinglePhotonDecay
.total_width()``, Dirac and Majorana) for the width comparison in the test.
"""

from __future__ import annotations

import logging
import sys

import DarkNews
import numpy as np
from DarkNews import amplitudes as amps
from DarkNews import const, model, pdg, processes
from DarkNews import phase_space as ps
from DarkNews.nuclear_tools import NuclearTarget

MU_TR = 1.0  # GeV^-1
NEVAL, NINT = 20000, 20
SEED = 12345
N_QUAD = 200001
QMAX = {"coherent": 2.0, "p-el": 5.0}


def points() -> list[tuple[str, str, float, float]]:
    """(DarkNews target, regime, E_nu GeV, m_N GeV)."""
    out = []
    grid_E, grid_m = (0.3, 1.0, 3.0), (0.01, 0.05, 0.1)
    for E in grid_E:
        for m in grid_m:
            out.append(("O16", "coherent", E, m))
    for E in grid_E:
        out.append(("Fe56", "coherent", E, 0.05))
    for E in grid_E:
        for m in grid_m:
            out.append(("H1", "p-el", E, m))
    # No "n-el" points: DarkNews 0.4.8's TMM amplitude is proportional to the target charge Z^2, so its
    # dipole neutron-elastic cross section is identically 0 (the neutron magnetic moment is dropped).
    # "p-el" on a nucleus is DarkNews multiplicity Z times the H1 value (same bound-nucleon mass), so only
    # the free proton is listed.
    return out


def coherent_grid() -> None:
    """``--coherent-grid``: deterministic (ln Q^2 trapezoid) coherent C12 and O16 cross sections on the grid
    of the form-factor test (m_N <= 0.3 GeV, E = 0.5 - 10 GeV), for
    tests/production/data/darknews_coherent.csv."""
    w = sys.stdout.write
    w(f"# DarkNews {DarkNews.__version__} coherent dipole cross sections (value_quad only, see "
      "scripts/darknews_oracle.py), mu_tr = 1 GeV^-1, cm^2 per nucleus\n")
    w("quantity,target,E_nu_GeV,m_N_GeV,value_quad,unit\n")
    for target in ("C12", "O16"):
        for E in (0.5, 1.0, 3.0, 10.0):
            for m in (0.01, 0.1, 0.2, 0.3):
                quad = 0.0
                for hel in ("flipping", "conserving"):
                    p = process(target, "coherent", m, hel)
                    q2min = float(ps.upscattering_Q2min(E, m, p.MA))
                    q2max = min(float(ps.upscattering_Q2max(E, m, p.MA)), QMAX["coherent"] ** 2)
                    x = np.linspace(np.log(q2min), np.log(q2max), N_QUAD)[1:-1]
                    Q2 = np.exp(x)
                    s = p.MA**2 + 2.0 * E * p.MA
                    u = 2.0 * p.MA**2 + m**2 - s + Q2
                    dsig = amps.upscattering_dxsec_dQ2([s, -Q2, u], p, diagrams=["TMM_SQR"])
                    dsig = dsig * p.target_multiplicity
                    quad += float(np.trapezoid(dsig * Q2, x))
                w(f"xsec_coherent,{target},{E},{m},{quad:.6e},cm2\n")
                sys.stdout.flush()


def make_model(m_N: float, hnl_type: str = "dirac"):
    return model.ThreePortalModel(m4=m_N, mu_tr_mu4=MU_TR, Umu4=0.0, epsilon=0.0, HNLtype=hnl_type)


def process(target: str, regime: str, m_N: float, helicity: str):
    mdl = make_model(m_N)
    return processes.UpscatteringProcess(nu_projectile=pdg.numu, nu_upscattered=mdl.neutrino4,
                                         nuclear_target=NuclearTarget(target), scattering_regime=regime,
                                         TheoryModel=mdl, helicity=helicity)


def sigma(target: str, regime: str, E: float, m_N: float) -> tuple[float, float]:
    """(VEGAS total_xsec, deterministic ln Q^2 trapezoid) in cm^2, summed over the N helicity."""
    vegas, quad = 0.0, 0.0
    for hel in ("flipping", "conserving"):
        p = process(target, regime, m_N, hel)
        vegas += float(p.total_xsec(E, diagrams=["TMM_SQR"], NINT=NINT, NEVAL=NEVAL, NINT_warmup=NINT,
                                    NEVAL_warmup=NEVAL, seed=SEED))
        q2min = float(ps.upscattering_Q2min(E, m_N, p.MA))
        q2max = min(float(ps.upscattering_Q2max(E, m_N, p.MA)), QMAX[regime] ** 2)
        x = np.linspace(np.log(q2min), np.log(q2max), N_QUAD)[1:-1]  # open ends: diff_xsec_Q2 masks them
        Q2 = np.exp(x)
        s = p.MA**2 + 2.0 * E * p.MA
        u = 2.0 * p.MA**2 + m_N**2 - s + Q2  # NB: DarkNews 0.4.8 diff_xsec_Q2 uses m_N, not m_N^2, here
        dsig = amps.upscattering_dxsec_dQ2([s, -Q2, u], p, diagrams=["TMM_SQR"]) * p.target_multiplicity
        quad += float(np.trapezoid(dsig * Q2, x))
    return vegas, quad


def widths(m_N: float) -> dict[str, float]:
    out = {}
    for hnl in ("dirac", "majorana"):
        mdl = make_model(m_N, hnl)
        dec = processes.FermionSinglePhotonDecay(nu_parent=mdl.neutrino4, nu_daughter=pdg.nulight,
                                                 TheoryModel=mdl)
        out[hnl] = float(dec.total_width())
    return out


def main() -> None:
    logging.disable(logging.WARNING)
    w = sys.stdout.write
    w(f"# DarkNews {DarkNews.__version__} dipole (transition magnetic moment) reference values; "
      f"generated by scripts/darknews_oracle.py\n")
    w(f"# model = DarkNews.model.ThreePortalModel(m4=m_N, mu_tr_mu4={MU_TR}, Umu4=0.0, epsilon=0.0, "
      "HNLtype='dirac'); DarkNews vertex t_aj = mu_tr/2\n")
    w("# xsec: UpscatteringProcess(nu_projectile=pdg.numu, nu_upscattered=model.neutrino4, "
      "nuclear_target=NuclearTarget(target), scattering_regime=regime, TheoryModel=model, helicity=h), "
      "summed over h in (flipping, conserving)\n")
    w(f"# value_vegas = total_xsec(E_nu, diagrams=['TMM_SQR'], NINT={NINT}, NEVAL={NEVAL}, "
      f"NINT_warmup={NINT}, NEVAL_warmup={NEVAL}, seed={SEED}); value_quad = trapezoid in ln Q2 "
      f"({N_QUAD} nodes) of DarkNews.amplitudes.upscattering_dxsec_dQ2([s, -Q2, u], process, "
      f"diagrams=['TMM_SQR']) x multiplicity on [Q2min, min(Q2max, QMAX^2)]\n")
    w("# xsec values: cm^2 per target nucleus (p-el/n-el: times DarkNews multiplicity Z/N, no Pauli "
      "factor) for mu_tr = 1 GeV^-1\n")
    w("# width_nu_gamma_<type>: FermionSinglePhotonDecay(nu_parent=model.neutrino4, "
      "nu_daughter=pdg.nulight, TheoryModel=model).total_width() in GeV, mu_tr = 1 GeV^-1\n")
    w(f"# DarkNews alpha_QED = {const.alphaQED!r}; nucleus form factor: Fourier-Bessel (De Vries) fit; "
      "nucleon: dipole F1, F2 with M_V = 0.843 GeV, mu_p = 2.792\n")
    w("# convention: sigma_DarkNews(mu_tr = x) = sigma_nuportal(d = x/2) (d = t_aj = mu_tr/2)\n")
    w("quantity,target,E_nu_GeV,m_N_GeV,value_vegas,value_quad,unit\n")
    for target, regime, E, m in points():
        vegas, quad = sigma(target, regime, E, m)
        if abs(vegas / quad - 1.0) > 3e-3:
            raise RuntimeError(f"VEGAS and quadrature disagree: {target} {regime} {E} {m}: {vegas} {quad}")
        w(f"xsec_{regime},{target},{E},{m},{vegas:.6e},{quad:.6e},cm2\n")
    for m in (0.01, 0.05, 0.1):
        for hnl, val in widths(m).items():
            w(f"width_nu_gamma_{hnl},-,nan,{m},{val:.6e},{val:.6e},GeV\n")


if __name__ == "__main__":
    logging.disable(logging.WARNING)
    coherent_grid() if "--coherent-grid" in sys.argv else main()
