"""Upscattering cross sections in u = 1 - cos(Theta): exact down to u = 0 (the forward 1/Q^2 peak).

At TeV energies the peak saturates at u0 = Q^2_min / (2 E k) ~ m^4 / (8 E^4) (1e-30 at 10 TeV, 5 MeV), far
below what cos(Theta) can resolve (1e-16) and where the cos-based Q^2 = 2E^2 - m^2 - 2 E k cos cancels to an
absolute E^2 * 2e-16.  References: mpmath at 50 digits of the same closed forms (reference 004 Eq. 33 and
the corrected Eq. 9 of nuportal.production.upscattering.dipole; the two-body roots of kinematics.py).
"""

import numpy as np
import pytest

from nuportal import constants
from nuportal.nuclear.form_factors import helm
from nuportal.production.upscattering import channels
from nuportal.production.upscattering import dipole as dip
from nuportal.production.upscattering import kinematics as kin
from nuportal.production.upscattering._nucleon_ff import dirac_pauli
from nuportal.production.upscattering.channels import GEV2_TO_CM2, CoherentChannel

mp = pytest.importorskip("mpmath")
M_P = 0.93827208816
ENERGIES_MASSES = [(1e4, 0.005), (1e3, 0.03), (10.0, 0.09), (1.0, 0.03)]


def _all_channels():
    return channels("dipole", "O16") + channels("mixing", "O16") + channels("mixing", "Fe56")


def _coherent_dipole_exact(E, u, m, Z, nucleus):
    """2 E k dsigma/dQ^2 of the corrected Eq. 9 in cm^2, evaluated with 50 digits (F from helm at Q)."""
    with mp.workdps(50):
        E, u, m = mp.mpf(E), mp.mpf(u), mp.mpf(m)
        k = mp.sqrt(E * E - m * m)
        Q2 = (E - k) ** 2 + 2 * E * k * u
        bracket = 1 - m * m / (4 * E * E) - m**4 / (4 * E * E * Q2)
        F2 = helm(np.sqrt(float(Q2)), nucleus) ** 2
        val = 2 * E * k * 4 * mp.mpf(constants.value("alpha_em")) * Z * Z / Q2 * bracket * mp.mpf(F2)
        return float(val) * GEV2_TO_CM2


@pytest.mark.parametrize("E,m", ENERGIES_MASSES)
def test_coherent_dipole_exact_down_to_u_zero(E, m):
    """dsigma/du = 50-digit Eq. 9 (corrected) on u = 0 and 1e-40 ... 2 to 1e-12: no noise at any u.  At u = 0
    the bracket is the helicity-conserving remainder (E - k)/(2E), a 1e-14 cancellation in Eq. 9 itself."""
    ch = channels("dipole", "O16")[0]
    u = np.concatenate([[0.0], np.geomspace(1e-40, 2.0, 121)])
    ref = np.array([_coherent_dipole_exact(E, x, m, 8, ch.nucleus) for x in u])
    np.testing.assert_allclose(ch.dsigma_du(E, u, m), ref, rtol=1e-12, atol=0)
    # the analytic u -> 0 limit: 2 E k 4 alpha Z^2 |F(Q_min)|^2 / Q2_min * (E - k)/(2E)
    k = np.sqrt(E * E - m * m)
    q2min = (m * m / (E + k)) ** 2
    limit = (8 * constants.value("alpha_em") * 64 * E * k / q2min * m * m / (2 * E * (E + k))
             * helm(np.sqrt(q2min), ch.nucleus) ** 2 * GEV2_TO_CM2)
    assert ch.dsigma_du(E, 0.0, m) == pytest.approx(limit, rel=1e-13)


@pytest.mark.parametrize("E,m", [(1e4, 0.005), (1e4, 0.03), (1e3, 0.03)])
def test_coherent_dipole_continuous_from_1e_20_to_1e_8(E, m):
    """Neighbouring points of a fine u grid: the ratio of dsigma/du to the 50-digit value scatters by < 1e-10
    (the cos-based Q^2 had ~100% noise below u ~ 1e-14 at these energies).  (dsigma/du is not monotone:
    it rises from u = 0 to ~u0, the helicity suppression of exactly forward production, and the form
    factor oscillates at Q^2 = 2 E^2 u ~ 1 GeV^2.)"""
    ch = channels("dipole", "O16")[0]
    u = np.geomspace(1e-20, 1e-8, 61)
    vals = ch.dsigma_du(E, u, m)
    assert np.all(vals > 0)
    ratio = vals / np.array([_coherent_dipole_exact(E, x, m, 8, ch.nucleus) for x in u])
    assert np.max(np.abs(np.diff(ratio))) < 1e-10


@pytest.mark.parametrize("E,m", ENERGIES_MASSES)
def test_dsigma_du_equals_cos_formula_where_that_is_accurate(E, m):
    """For u >= 1e-6 dsigma/du equals the cos-based formulas of reference 004 Eq. 33 / two-body roots
    (Q^2, E_N and the Jacobian from cos in extended precision, which the float64 cos forms lack at
    u = 1e-6) to 1e-10; atol 1e-10 of the largest value for the zeros of the Helm form factor."""
    u = np.geomspace(1e-6, 2.0, 40)
    c = 1.0 - u
    for ch in _all_channels():
        new = ch.dsigma_du(E, u, m)
        np.testing.assert_allclose(ch.dsigma_dcos(E, c, m), ch.dsigma_du(E, 1.0 - c, m), rtol=1e-15, atol=0)
        if isinstance(ch, CoherentChannel):
            El, ml = np.longdouble(E), np.longdouble(m)
            kl = np.sqrt(El * El - ml * ml)
            Q2 = (2 * El * El - ml * ml - 2 * El * kl * np.asarray(c, np.longdouble)).astype(float)
            k = float(kl)
            F2 = helm(np.sqrt(Q2), ch.nucleus) ** 2
            if ch.portal == "dipole":
                old = dip.coherent_dsigma_dQ2(E, Q2, m, ch.nucleus.Z, F2) * 2 * E * k * GEV2_TO_CM2
                core = F2 > 1e-8  # deep in the Helm tail rounding of Q is amplified by (Q R)^2
                np.testing.assert_allclose(new[core], old[core], rtol=1e-10, atol=1e-10 * old.max())
        elif hasattr(ch, "nucleon") and E > 1.01 * ch.threshold_energy(m):
            M, El, ml, cl = (np.longdouble(x) for x in (ch.target_mass, E, m, 0.0))
            cl = np.asarray(c, np.longdouble)
            a, b = El + M, El * M + ml * ml / 2
            den = a * a - El * El * cl * cl
            sq = np.sqrt(b * b - ml * ml * den)
            sign = np.where(cl >= 0, 1, -1)
            e_n = (a * b + sign * El * np.abs(cl) * sq) / den
            kN = np.sqrt(e_n**2 - ml * ml)
            jac = (2 * M * El * kN**2 / np.abs(a * kN - El * cl * e_n)).astype(float)
            old = ch._dsdt_cm2(E, (-2 * M * (El - e_n)).astype(float), m, False) * jac
            # the reference's own t error (~1e-14 from 80-bit cos) is amplified near t_max (u < 1e4 u0)
            # by the helicity cancellation in dsigma/dt: 1e-10 from u = 1e-4, 1e-8 below
            for sel, rtol in ((u >= 1e-4, 1e-10), (u < 1e-4, 1e-8)):
                np.testing.assert_allclose(new[sel], old[sel], rtol=rtol, atol=1e-10 * old.max())


def _roots_exact(E, u, m, M):
    with mp.workdps(50):
        E, u, m, M = (mp.mpf(x) for x in (E, u, m, M))
        c = 1 - u
        a, b = E + M, E * M + m * m / 2
        den = a * a - E * E * c * c
        sq = mp.sqrt(b * b - m * m * den)
        out = []
        for e in ((a * b + E * abs(c) * sq) / den, (a * b - E * abs(c) * sq) / den):
            kn = mp.sqrt(e * e - m * m)
            out.append((float(e), float(E - e), float(2 * M * E * kn * kn / abs(a * kn - E * c * e))))
        return out


@pytest.mark.parametrize("E,m", ENERGIES_MASSES + [(0.3, 0.2), (1e3, 0.4)])
def test_elastic_roots_exact_for_all_u(E, m):
    """E_N, nu = E - E_N (t = -2 M nu) and |dt/du| of both roots equal the 50-digit values to 1e-13 at
    u = 0, 1e-30, ..., 2; at u = 0 the high root gives t_max of elastic_t_range exactly (no clamping)."""
    for u in (0.0, 1e-30, 1e-20, 1e-12, 1e-6, 0.01, 0.3, 0.99, 1.0, 1.5, 2.0):
        e_hi, ok_hi, e_lo, ok_lo, nu_hi, nu_lo = kin.elastic_roots_u(E, u, m, M_P)
        for (e, nu, ok), (e_x, nu_x, jac_x) in zip(((e_hi, nu_hi, ok_hi), (e_lo, nu_lo, ok_lo)),
                                                   _roots_exact(E, u, m, M_P), strict=True):
            assert e == pytest.approx(e_x, rel=1e-13) and nu == pytest.approx(nu_x, rel=1e-13)
            if ok:
                assert kin.elastic_dt_du(E, u, e, m, M_P) == pytest.approx(jac_x, rel=1e-13)
    t_lo, t_hi = kin.elastic_t_range(E, m, M_P)
    assert t_hi == pytest.approx(-2 * M_P * _roots_exact(E, 0.0, m, M_P)[0][1], rel=1e-13)
    assert t_lo == pytest.approx(-2 * M_P * _roots_exact(E, 0.0, m, M_P)[1][1], rel=1e-13)


def _dipole_neutron_exact(ch, E, u, m):
    """dsigma/dt |dt/du| of dipole.nucleon_dsigma_dt at 50 digits (F1, F2 from float64 at that Q^2)."""
    with mp.workdps(50):
        E, u, m, M = (mp.mpf(x) for x in (E, u, m, ch.target_mass))
        c = 1 - u
        a, b = E + M, E * M + m * m / 2
        den = a * a - E * E * c * c
        e = (a * b + E * c * mp.sqrt(b * b - m * m * den)) / den
        kn = mp.sqrt(e * e - m * m)
        jac = 2 * M * E * kn * kn / abs(a * kn - E * c * e)
        t = -2 * M * (E - e)
        f1, f2 = (mp.mpf(float(f)) for f in dirac_pauli(float(-t), ch.nucleon))
        tau = -t / (4 * M * M)
        ge, gm = f1 - tau * f2, f1 + f2
        c2 = (ge * ge + tau * gm * gm) / (1 + tau)
        pk, p2 = M * E + (t - m * m) / 4, M * M - t / 4
        curly = (t * gm * gm * (t * t + t * m * m - 2 * m**4)
                 - 2 * c2 * (8 * t * pk * pk + 2 * p2 * m * m * (m * m - t)))
        ds = mp.mpf(constants.value("alpha_em")) * curly / (t * t * (2 * M * E) ** 2) * jac * ch._count()
        return float(ds) * GEV2_TO_CM2


@pytest.mark.parametrize("E,m", [(1e4, 0.005), (1e4, 0.002), (1e3, 0.03), (10.0, 0.09)])
def test_nucleon_channel_exact_at_and_near_u_zero(E, m):
    """Dipole neutron channel (no Pauli factor) = its 50-digit value to 1e-13 for u = 0 ... 1e-12 (the
    cos-based form returned ~1e15 times too much at cos Theta == 1: t clamped to -1e-30 GeV^2); every
    nucleon channel is finite and non-negative at u = 0."""
    ch = [c for c in channels("dipole", "O16") if c.name.startswith("dipole-n")][0]
    u = np.array([0.0, 1e-40, 1e-30, 1e-27, 1e-25, 1e-22, 1e-18, 1e-12])
    ref = np.array([_dipole_neutron_exact(ch, E, x, m) for x in u])
    np.testing.assert_allclose(ch.dsigma_du(E, u, m), ref, rtol=1e-13, atol=0)
    for other in channels("dipole", "O16") + channels("mixing", "O16"):
        if hasattr(other, "nucleon"):
            at0 = other.dsigma_du(E, 0.0, m)
            assert np.isfinite(at0) and at0 >= 0.0


def _sigma_ln_u(ch, E, m, anti):
    """int_0^{u_max} dsigma/du du by 40 x 64-point Gauss-Legendre panels in ln(u + u0) (u0 of sigma_total)."""
    lo, hi = ch.cos_theta_range(E, m)
    u0 = max(float(kin.static_angle_scale(E, m)), 1e-40)
    x, w = np.polynomial.legendre.leggauss(64)
    edges = np.linspace(np.log(1.0 - hi + u0), np.log(1.0 - lo + u0), 41)
    v = 0.5 * (edges[:-1] + edges[1:])[:, None] + 0.5 * np.diff(edges)[:, None] * x
    us = np.exp(v)
    vals = ch.dsigma_du(E, np.clip(us - u0, 0.0, 2.0), m, anti) * us
    return float((0.5 * np.diff(edges)[:, None] * w * vals).sum())


@pytest.mark.parametrize("E,m", ENERGIES_MASSES)
def test_sigma_from_u_zero_equals_sigma_total(E, m):
    """int dsigma/du du from u = 0 (panels in ln u) = sigma_total (nucleon channels: an independent
    integral over t between the exact t range ends) to 1e-4."""
    for ch in _all_channels():
        for anti in (False, True):
            assert _sigma_ln_u(ch, E, m, anti) == pytest.approx(float(ch.sigma_total(E, m, anti)), rel=1e-4)


def test_fused_u_path_equals_separate_calls():
    """dsigma_du_and_energy = (dsigma_du for nu and nubar, E_N) for every channel, u down to 0."""
    rng = np.random.default_rng(3)
    n = 2000
    m = np.where(rng.random(n) < 0.5, 0.005, 0.09)
    E = 10 ** rng.uniform(0, 4, n)
    u = np.where(rng.random(n) < 0.5, 10 ** rng.uniform(-40, 0, n), rng.uniform(0, 2, n))
    u[:10] = 0.0
    for ch in _all_channels():
        both, e_n = ch.dsigma_du_and_energy(E, u, m)
        for k, anti in enumerate((False, True)):
            np.testing.assert_allclose(both[k], ch.dsigma_du(E, u, m, anti), rtol=1e-14, atol=0)
        assert np.all(np.isfinite(both)) and np.all(np.isfinite(e_n))
        np.testing.assert_allclose(e_n, ch.hnl_energy(E, np.maximum(1.0 - u, -1.0), m), rtol=1e-12)


def test_u_out_of_range_raises():
    from nuportal.errors import NuportalInputError
    for ch in channels("dipole", "Fe"):
        with pytest.raises(NuportalInputError):
            ch.dsigma_du(1.0, -1e-3, 0.1)
        with pytest.raises(NuportalInputError):
            ch.dsigma_du(1.0, 2.5, 0.1)
