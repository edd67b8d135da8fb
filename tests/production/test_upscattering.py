import numpy as np
import pytest

from nuportal import constants
from nuportal.nuclear import get_nucleus
from nuportal.nuclear._masses import proton_mass
from nuportal.production.upscattering import channels
from nuportal.production.upscattering import dipole as dip
from nuportal.production.upscattering.channels import GEV2_TO_CM2

# ---- explicit Dirac-matrix trace (independent of the closed forms) -------------------------------
_I, _Z = np.eye(2), np.zeros((2, 2))
_S = [np.array([[0, 1], [1, 0]], complex), np.array([[0, -1j], [1j, 0]]),
      np.array([[1, 0], [0, -1]], complex)]
_G = [np.block([[_Z, _I], [_I, _Z]]).astype(complex)] + [np.block([[_Z, s], [-s, _Z]]) for s in _S]
_G5 = 1j * _G[0] @ _G[1] @ _G[2] @ _G[3]
_MET = np.diag([1.0, -1, -1, -1])


def _sl(p):
    return sum(_MET[m, m] * p[m] * _G[m] for m in range(4))


def _sig(m, n):
    return 0.5j * (_G[m] @ _G[n] - _G[n] @ _G[m])


def _bar(v):
    return _G[0] @ v.conj().T @ _G[0]


def _trace_dsdt(E, m, c, M, F1, F2):
    """|M|^2/(16 pi (s-M^2)^2) for nu p -> N p with vertices 2 sigma q P_L and F1 gamma + i F2 sigma q/2M."""
    a, b = E + M, E * M + m * m / 2
    den, disc = a * a - E * E * c * c, b * b - m * m * (a * a - E * E * c * c)
    EN = (a * b + E * c * np.sqrt(disc)) / den
    kN = np.sqrt(EN**2 - m * m)
    k, p = np.array([E, 0, 0, E]), np.array([M, 0, 0, 0.0])
    kp = np.array([EN, kN * np.sqrt(1 - c * c), 0, kN * c])
    pp, q = k + p - kp, k - kp
    ql = _MET @ q
    L = [2 * sum(_sig(mu, n) * ql[n] for n in range(4)) @ (np.eye(4) - _G5) / 2 for mu in range(4)]
    H = [F1 * _G[mu] + 1j * F2 / (2 * M) * sum(_sig(mu, n) * ql[n] for n in range(4)) for mu in range(4)]
    e4 = np.eye(4)
    Lt = np.array([[np.trace((_sl(kp) + m * e4) @ L[x] @ _sl(k) @ _bar(L[y])) for y in range(4)]
                   for x in range(4)])
    Ht = np.array([[np.trace((_sl(pp) + M * e4) @ H[x] @ (_sl(p) + M * e4) @ _bar(H[y])) for y in range(4)]
                   for x in range(4)])
    t = q @ _MET @ q
    msq = 4 * np.pi * constants.value("alpha_em") / t**2 * 0.5 * np.einsum("ab,a,b,ab->", Lt, np.diag(_MET),
                                                                          np.diag(_MET), Ht).real
    return t, msq / (16 * np.pi * (2 * M * E) ** 2)


@pytest.mark.parametrize("E,m,c", [(1.0, 0.1, 0.7), (2.0, 0.3, 0.2), (0.5, 0.05, -0.5)])
def test_upscattering_dipole_nucleon_formula_equals_trace(E, m, c):
    # closed form in dipole.nucleon_dsigma_dt vs the explicit trace with the same F1, F2: 1e-10 (round-off)
    M = proton_mass()
    from nuportal.nuclear.form_factors import nucleon_F1, nucleon_F2
    t, _ = _trace_dsdt(E, m, c, M, 1.0, 0.0)  # t of this kinematic point (independent of F)
    f1, f2 = nucleon_F1(-t, "p"), nucleon_F2(-t, "p")
    t, ref = _trace_dsdt(E, m, c, M, f1, f2)
    assert dip.nucleon_dsigma_dt(E, t, m, "p", M) == pytest.approx(ref, rel=1e-10)


def test_upscattering_dipole_point_dirac_massless_limit():
    # point Dirac target, m_N = 0: dsigma/dt = alpha mu^2 (1/|t| - 1/(2ME)), mu = 2d (Vogel & Engel 1989)
    E, M = 1.0, proton_mass()
    for c in (0.3, -0.4):
        t, ref = _trace_dsdt(E, 0.0, c, M, 1.0, 0.0)
        assert ref == pytest.approx(constants.value("alpha_em") * 4 * (1 / -t - 1 / (2 * M * E)), rel=1e-10)


def test_upscattering_dipole_coherent_massless_limit_closed_form():
    # m_N -> 0, F = 1: sigma = int 4 alpha Z^2/Q^2 dQ^2 = 4 alpha Z^2 ln(Q2max/Q2min): check with tiny
    # Q^2 range (form factor ~1 to 1e-6 below Q = 1 MeV).  Tolerance 1e-3 (Gauss-Legendre, F deviation).
    E, m, Z = 0.01, 1e-4, 26
    ch = channels("dipole", "Fe")[0]
    k = np.sqrt(E * E - m * m)
    qmin2, qmax2 = (E - k) ** 2, (E + k) ** 2
    from scipy.integrate import quad
    exact = quad(lambda q2: dip.coherent_dsigma_dQ2(E, q2, m, Z, 1.0), qmin2, qmax2, limit=200,
                 points=[qmin2 * 10, qmin2 * 1000])[0]
    closed = 4 * constants.value("alpha_em") * Z**2 * (np.log(qmax2 / qmin2) - 1 + qmin2 / qmax2 - 0)
    assert exact * GEV2_TO_CM2 == pytest.approx(closed * GEV2_TO_CM2, rel=2e-3, abs=0.0)
    assert ch.sigma_total(E, m) == pytest.approx(exact * GEV2_TO_CM2, rel=2e-2, abs=0.0)


def test_upscattering_mixing_coherent_cevns_limit():
    # F -> 1 (E = 5 MeV: Q < 10 MeV, Helm^2 > 0.99) and m_N = 0: sigma = G_F^2 Q_w^2 E^2/(4 pi); 1% tol.
    E = 0.005
    ch = channels("mixing", "O16")[0]
    qw = get_nucleus("O16").weak_charge
    ref = constants.value("G_F") ** 2 * qw**2 * E**2 / (4 * np.pi) * GEV2_TO_CM2
    assert ch.sigma_total(E, 0.0) == pytest.approx(ref, rel=0.01, abs=0.0)


def test_upscattering_elastic_kinematics_vs_boost():
    # generate CM angles, boost N to the lab, compare E_N with hnl_energy/sample roots: 1e-9 relative
    ch = [c for c in channels("dipole", "O16") if c.name.startswith("dipole-p")][0]
    M, E, m = ch.target_mass, 0.3, 0.2
    s = M * M + 2 * M * E
    rs = np.sqrt(s)
    pst = np.sqrt((s - (M + m) ** 2) * (s - (M - m) ** 2)) / (2 * rs)
    Est = np.sqrt(pst**2 + m * m)
    beta, gam = E / (E + M), (E + M) / rs
    cst = np.linspace(-0.99, 0.99, 21)
    EN = gam * (Est + beta * pst * cst)
    pz = gam * (pst * cst + beta * Est)
    pT = pst * np.sqrt(1 - cst**2)
    cos_lab = pz / np.hypot(pz, pT)
    from nuportal.production.upscattering import kinematics as kin
    e_hi, ok_hi, e_lo, ok_lo = kin.elastic_roots(E, cos_lab, m, M)
    match = np.where(ok_hi & np.isclose(e_hi, EN, rtol=1e-9), True, ok_lo & np.isclose(e_lo, EN, rtol=1e-9))
    assert match.all()


def test_upscattering_nucleon_sigma_total_cos_vs_t_integration():
    # integral over cos (sum of both roots) equals the integral over t; 1% (1/sqrt edge at cos_min)
    ch = [c for c in channels("mixing", "O16") if c.name.startswith("mixing-p")][0]
    for E, m in [(1.0, 0.05), (0.3, 0.2)]:
        from nuportal.production.upscattering.channels import UpscatterChannel
        via_cos = UpscatterChannel.sigma_total(ch, E, m)
        assert via_cos == pytest.approx(ch.sigma_total(E, m), rel=0.01, abs=0.0)


def test_upscattering_qe_neutrino_exceeds_antineutrino():
    # B term (V-A interference): sigma(nu p) > sigma(nubar p) (Llewellyn Smith 1972)
    ch = [c for c in channels("mixing", "H")][0]
    assert ch.sigma_total(1.0, 0.01) > 1.3 * ch.sigma_total(1.0, 0.01, antineutrino=True)


def test_upscattering_zero_outside_kinematics_and_bad_input():
    from nuportal.errors import NuportalInputError
    for ch in channels("dipole", "Fe") + channels("mixing", "Fe"):
        assert ch.dsigma_dcos(0.05, 0.5, 0.1) == 0.0  # below threshold
        with pytest.raises(NuportalInputError):
            ch.dsigma_dcos(1.0, 1.5, 0.1)
