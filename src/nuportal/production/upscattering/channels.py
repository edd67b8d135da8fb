"""Upscattering channels: the objects the Monte Carlo engine calls (reference 004 Eq. 32, App. B).

Every method is vectorised over broadcastable (E_nu, cos_theta, m_N) arrays, returns cm^2 per nucleus
of the element for unit coupling (dipole d = 1 GeV^-1, mixing |U|^2 = 1) and 0 outside the kinematic
range.  Nucleon channels are already multiplied by their multiplicity: dipole protons Z (1 - |F|^2),
dipole neutrons (A - Z) (reference 004 Eq. 32); mixing protons Z (1 - |F|^2) and neutrons
(A - Z)(1 - |F|^2) (the coherent weak charge involves both); the free proton has multiplicity 1.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from nuportal.constants import HBARC_GEV_CM
from nuportal.errors import require_range
from nuportal.nuclear._masses import neutron_mass, proton_mass
from nuportal.nuclear.form_factors import helm
from nuportal.nuclear.nuclei import Nucleus
from nuportal.production.upscattering import dipole, kinematics, mixing

__all__ = ["UpscatterChannel", "CoherentChannel", "NucleonChannel", "DISChannel", "GEV2_TO_CM2",
           "DIS_MEAN_Y"]

#: (hbar c)^2 in cm^2 GeV^2: converts GeV^-2 to cm^2.
GEV2_TO_CM2 = HBARC_GEV_CM**2
#: Mean inelasticity <y> used for E_N in DIS, nu and nubar (PDG Neutrino cross sections review,
#: high-energy values 0.48 / 0.33 for charged current; used as a documented approximation).
DIS_MEAN_Y = {False: 0.48, True: 0.33}
_N_GAUSS = 256


def _check(E_nu, m_N, cos_theta=None):
    require_range("E_nu", E_nu, 0.0, np.inf, low_open=True)
    require_range("m_N", m_N, 0.0, np.inf)
    if cos_theta is not None:
        require_range("cos_theta", cos_theta, -1.0, 1.0)
    arrs = [np.asarray(x, dtype=float) for x in ((E_nu, cos_theta, m_N) if cos_theta is not None
                                                   else (E_nu, m_N))]
    return np.broadcast_arrays(*arrs)


@dataclass(frozen=True)
class UpscatterChannel:
    """Base class: name, portal ("dipole"|"mixing"), nucleus, forward (sample with epsilon = 1)."""

    name: str
    portal: str
    nucleus: Nucleus
    forward: bool

    def threshold_energy(self, m_N):
        """Lowest E_nu (GeV) for producing an HNL of mass m_N."""
        raise NotImplementedError

    def cos_theta_range(self, E_nu, m_N):
        """(cos_min, cos_max) of the HNL lab angle; cos_min = cos_max = 1 below threshold."""
        raise NotImplementedError

    def dsigma_dcos(self, E_nu, cos_theta, m_N, antineutrino=False):
        """dsigma/dcos(Theta) in cm^2 per nucleus (unit coupling)."""
        raise NotImplementedError

    def hnl_energy(self, E_nu, cos_theta, m_N, antineutrino=False):
        """HNL lab energy E_N in GeV."""
        raise NotImplementedError

    def dsigma_dcos_and_energy(self, E_nu, cos_theta, m_N):
        """(dsigma/dcos for [nu, nubar] (2, N) in cm^2, E_N (N,)) in one call (the MC hot path).

        Default: two :meth:`dsigma_dcos` calls; channels whose cross section is the same for
        neutrinos and antineutrinos (dipole portal, coherent mixing) evaluate it once.
        """
        ds = self.dsigma_dcos(E_nu, cos_theta, m_N, False)
        same = self.portal == "dipole" or isinstance(self, CoherentChannel)
        dsb = ds if same else self.dsigma_dcos(E_nu, cos_theta, m_N, True)
        return np.stack([ds, dsb]), np.asarray(self.hnl_energy(E_nu, cos_theta, m_N), float) + 0.0 * ds

    def sigma_total(self, E_nu, m_N, antineutrino=False):
        """Total cross section (cm^2): Gauss-Legendre integral of dsigma/dcos over cos_theta_range.

        The nodes are uniform in v = ln(1 - cos + u0), u0 = (E - k)^2 / (2 E k) (Q^2 = 2 E k (1 - cos + u0)
        for static kinematics), so the forward 1/Q^2 peak of coherent scattering is resolved: a
        linear grid in cos misses it (up to a factor 4 low, found against DarkNews).
        """
        E, m = _check(E_nu, m_N)
        lo, hi = self.cos_theta_range(E, m)
        k = np.sqrt(np.clip(E * E - m * m, 0.0, None))
        u0 = np.maximum((E - k) ** 2 / np.maximum(2.0 * E * k, 1e-300), 1e-14)
        v_lo, v_hi = np.log(1.0 - hi + u0), np.log(1.0 - lo + u0)
        x, w = np.polynomial.legendre.leggauss(_N_GAUSS)
        half = 0.5 * (v_hi - v_lo)
        v = 0.5 * (v_hi + v_lo)[..., None] + half[..., None] * x
        u = np.exp(v)
        c = np.clip(1.0 - (u - u0[..., None]), -1.0, 1.0)
        vals = self.dsigma_dcos(E[..., None], c, m[..., None], antineutrino) * u
        return (vals * w).sum(axis=-1) * half


@dataclass(frozen=True)
class CoherentChannel(UpscatterChannel):
    """Coherent scattering on the whole nucleus, static-target kinematics (Eq. 33), E_N = E_nu."""

    def threshold_energy(self, m_N):
        """E_th = m_N (infinitely heavy nucleus)."""
        return np.asarray(m_N, dtype=float) * 1.0

    def cos_theta_range(self, E_nu, m_N):
        """Full range [-1, 1] above threshold; (1, 1) below."""
        E, m = _check(E_nu, m_N)
        lo, hi = kinematics.static_cos_range(E, m)
        below = E < m
        return np.where(below, 1.0, lo), hi

    def dsigma_dcos(self, E_nu, cos_theta, m_N, antineutrino=False):
        """dsigma/dcos = 2 E k dsigma/dQ^2 with |F|^2 = Helm^2 (cm^2); see dipole/mixing modules."""
        E, c, m = _check(E_nu, m_N, cos_theta)
        above = E > m
        Es = np.where(above, E, m + 1.0)
        k = np.sqrt(Es * Es - m * m)
        Q2 = np.maximum(kinematics.static_Q2(Es, c, m), 1e-100)
        F2 = helm(np.sqrt(Q2), self.nucleus) ** 2
        if self.portal == "dipole":
            ds = dipole.coherent_dsigma_dQ2(Es, Q2, m, self.nucleus.Z, F2)
        else:
            ds = mixing.coherent_dsigma_dQ2(Es, Q2, m, self.nucleus.weak_charge, F2)
        return np.where(above, ds * 2.0 * Es * k * GEV2_TO_CM2, 0.0)

    def hnl_energy(self, E_nu, cos_theta, m_N, antineutrino=False):
        """E_N = E_nu (elastic on an infinitely heavy nucleus)."""
        E, c, m = _check(E_nu, m_N, cos_theta)
        return E * 1.0


@dataclass(frozen=True)
class NucleonChannel(UpscatterChannel):
    """Elastic scattering on one bound nucleon species, treated as free (two-body kinematics)."""

    nucleon: str = "p"
    multiplicity_factor: str = "pauli"  # "pauli": times (1 - |F|^2); "none": plain count

    @property
    def target_mass(self) -> float:
        """Nucleon mass (GeV)."""
        return proton_mass() if self.nucleon == "p" else neutron_mass()

    def _count(self) -> int:
        return self.nucleus.Z if self.nucleon == "p" else self.nucleus.A - self.nucleus.Z

    def threshold_energy(self, m_N):
        """E_th = m_N + m_N^2/(2 M_nucleon)."""
        return kinematics.elastic_threshold(np.asarray(m_N, dtype=float), self.target_mass)

    def cos_theta_range(self, E_nu, m_N):
        """[cos_min, 1]; cos_min > -1 where the lab angle has a maximum."""
        E, m = _check(E_nu, m_N)
        above = E >= self.threshold_energy(m)
        return np.where(above, kinematics.elastic_cos_min(E, m, self.target_mass), 1.0), np.ones_like(E)

    def _dsdt_cm2(self, E, t, m, antineutrino):
        M = self.target_mass
        if self.portal == "dipole":
            ds = dipole.nucleon_dsigma_dt(E, t, m, self.nucleon, M)
        else:
            ds = mixing.nucleon_dsigma_dQ2(E, -t, m, self.nucleon, M, antineutrino)
        weight = float(self._count())
        if self.multiplicity_factor == "pauli" and not self.nucleus.is_free_nucleon:
            weight = weight * (1.0 - helm(np.sqrt(np.maximum(-t, 0.0)), self.nucleus) ** 2)
        return ds * weight * GEV2_TO_CM2

    def dsigma_dcos(self, E_nu, cos_theta, m_N, antineutrino=False):
        """Sum over the physical E_N roots of dsigma/dt |dt/dcos| (cm^2 per nucleus)."""
        E, c, m = _check(E_nu, m_N, cos_theta)
        roots = kinematics.elastic_roots(E, c, m, self.target_mass)
        return self._sum_roots(E, c, m, roots, (bool(antineutrino),))[0]

    def dsigma_dcos_and_energy(self, E_nu, cos_theta, m_N):
        """([nu, nubar] dsigma/dcos (2, N), E_N of :meth:`hnl_energy`) with the roots solved once."""
        E, c, m = _check(E_nu, m_N, cos_theta)
        roots = kinematics.elastic_roots(E, c, m, self.target_mass)
        e_hi, ok_hi, e_lo, ok_lo = roots
        e_n = np.where(ok_hi, e_hi, np.where(ok_lo, e_lo, E))
        if self.portal == "dipole":  # same for nu and nubar
            ds = self._sum_roots(E, c, m, roots, (False,))[0]
            return np.stack([ds, ds]), e_n
        return np.stack(self._sum_roots(E, c, m, roots, (False, True))), e_n

    def _root_term(self, E, c, e_n, ok, m, antineutrino):
        """dsigma/dt |dt/dcos| at one root, 0 where that root is unphysical."""
        M = self.target_mass
        en = np.where(ok, e_n, E)
        t = np.minimum(-2.0 * M * (E - en), -1e-30)
        jac = kinematics.elastic_dt_dcos(E, c, en, m, M)
        val = self._dsdt_cm2(E, t, m, antineutrino) * jac
        return np.where(ok & np.isfinite(jac), val, 0.0)

    def _sum_roots(self, E, c, m, roots, antis):
        """Per antineutrino flag: the first physical root on all events, the second root (both physical:
        near threshold, cos > cos_min) only on those events (form factors once per physical root)."""
        e_hi, ok_hi, e_lo, ok_lo = roots
        first, ok1 = np.where(ok_hi, e_hi, e_lo), ok_hi | ok_lo
        both = np.flatnonzero(np.ravel(ok_hi & ok_lo))
        out = []
        for anti in antis:
            total = np.array(self._root_term(E, c, first, ok1, m, anti), dtype=float)
            if both.size:
                sub = [np.ravel(a)[both] for a in (E, c, e_lo, m)]
                flat = total.reshape(-1)
                flat[both] += self._root_term(sub[0], sub[1], sub[2], True, sub[3], anti)
            out.append(total)
        return out

    def hnl_energy(self, E_nu, cos_theta, m_N, antineutrino=False):
        """Lab E_N of the forward (high) root; the low root where only it is physical (cos < 0).

        Where both roots are physical (near threshold, cos > cos_min > -1) this returns the high one;
        use :meth:`sample_hnl_energy` to pick a root with probability proportional to its dsigma/dcos.
        """
        E, c, m = _check(E_nu, m_N, cos_theta)
        e_hi, ok_hi, e_lo, ok_lo = kinematics.elastic_roots(E, c, m, self.target_mass)
        return np.where(ok_hi, e_hi, np.where(ok_lo, e_lo, E))  # E where no root (dsigma = 0 there)

    def sample_hnl_energy(self, E_nu, cos_theta, m_N, rng: np.random.Generator, antineutrino=False):
        """E_N choosing between the two roots with probability proportional to each root's dsigma/dcos."""
        E, c, m = _check(E_nu, m_N, cos_theta)
        M = self.target_mass
        e_hi, ok_hi, e_lo, ok_lo = kinematics.elastic_roots(E, c, m, M)
        w = []
        for e_n, ok in ((e_hi, ok_hi), (e_lo, ok_lo)):
            en = np.where(ok, e_n, E)
            t = np.minimum(-2.0 * M * (E - en), -1e-30)
            val = self._dsdt_cm2(E, t, m, antineutrino) * kinematics.elastic_dt_dcos(E, c, en, m, M)
            w.append(np.where(ok & np.isfinite(val), val, 0.0))
        p_hi = np.divide(w[0], w[0] + w[1], out=ok_hi.astype(float), where=(w[0] + w[1]) > 0)
        return np.where(rng.random(E.shape) < p_hi, e_hi, e_lo)

    def sigma_total(self, E_nu, m_N, antineutrino=False):
        """Total cross section (cm^2) by Gauss-Legendre integration of dsigma/dt over the t range."""
        E, m = _check(E_nu, m_N)
        M = self.target_mass
        above = E > self.threshold_energy(m)
        Es = np.where(above, E, self.threshold_energy(m) + 1.0)
        t_lo, t_hi = kinematics.elastic_t_range(Es, m, M)
        # nodes uniform in ln(-t): resolves the 1/|t| forward peak of the dipole (DarkNews check)
        s_lo, s_hi = np.log(np.maximum(-t_hi, 1e-30)), np.log(np.maximum(-t_lo, 1e-30))
        x, w = np.polynomial.legendre.leggauss(_N_GAUSS)
        half = 0.5 * (s_hi - s_lo)
        minus_t = np.exp(0.5 * (s_hi + s_lo)[..., None] + half[..., None] * x)
        vals = self._dsdt_cm2(Es[..., None], -minus_t, m[..., None], antineutrino) * minus_t
        return np.where(above, (vals * w).sum(axis=-1) * half, 0.0)


@dataclass(frozen=True)
class DISChannel(UpscatterChannel):
    """Mixing-portal DIS, reference 004 Eq. 41 times A nucleons; E_N = E_nu (1 - <y>)."""

    def threshold_energy(self, m_N):
        """Same as the nucleon-elastic threshold m_N + m_N^2/(2 m_p) (Eq. 41 itself only needs s > m^2)."""
        return kinematics.elastic_threshold(np.asarray(m_N, dtype=float), proton_mass())

    def cos_theta_range(self, E_nu, m_N):
        """[-1, 1] above threshold (Eq. 41 is flat in cos Theta)."""
        E, m = _check(E_nu, m_N)
        return np.where(E > self.threshold_energy(m), -1.0, 1.0), np.ones_like(E)

    def dsigma_dcos(self, E_nu, cos_theta, m_N, antineutrino=False):
        """A x Eq. 41 (cm^2 per nucleus); |F|^2 at the static-target Q^2 of Eq. 33; nu = nubar."""
        E, c, m = _check(E_nu, m_N, cos_theta)
        above = E > self.threshold_energy(m)
        Es = np.where(above, E, m + 1.0)
        if self.nucleus.is_free_nucleon:
            F2 = np.zeros_like(Es)
        else:
            F2 = helm(np.sqrt(np.maximum(kinematics.static_Q2(Es, c, m), 0.0)), self.nucleus) ** 2
        per = mixing.dis_dsigma_dcos_per_nucleon(Es, m, proton_mass(), 1.0 - F2)
        return np.where(above, self.nucleus.A * per, 0.0)

    def hnl_energy(self, E_nu, cos_theta, m_N, antineutrino=False):
        """E_N = max(E_nu (1 - <y>), m_N) with <y> = 0.48 (nu) or 0.33 (nubar)."""
        E, c, m = _check(E_nu, m_N, cos_theta)
        return np.maximum(E * (1.0 - DIS_MEAN_Y[bool(antineutrino)]), m)
