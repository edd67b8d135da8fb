"""Upscattering channels: the objects the Monte Carlo engine calls (reference 004 Eq. 32, App. B).

Every method is vectorised over broadcastable (E_nu, cos_theta, m_N) arrays, returns cm^2 per nucleus
of the element for unit coupling (dipole d = 1 GeV^-1, mixing |U|^2 = 1) and 0 outside the kinematic
range.  Nucleon channels are already multiplied by their multiplicity: dipole protons Z (1 - |F|^2),
dipole neutrons (A - Z) (reference 004 Eq. 32); mixing protons Z (1 - |F|^2) and neutrons
(A - Z)(1 - |F|^2) (the coherent weak charge involves both); the free proton has multiplicity 1.

Forward region.  The primary methods take u = 1 - cos(Theta) (``dsigma_du``, ``dsigma_du_and_energy``) and
are exact to rounding for all u in [0, 2], including u = 0 and u < 1e-16, which cos(Theta) cannot
represent (see :mod:`~nuportal.production.upscattering.kinematics`); dsigma/du = dsigma/dcos at
cos = 1 - u, and the ``dsigma_dcos`` methods call them with u = 1 - cos(Theta).
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
#: Electron mass (GeV), PDG 2024.
ELECTRON_MASS_GEV = 0.51099895e-3


#: Smallest u0 of the ln(u + u0) quadrature of :meth:`UpscatterChannel.sigma_total` (only m_N = 0 has a
#: smaller natural scale; a coherent dipole cross section is log-divergent there anyway).
_U0_QUADRATURE_FLOOR = 1e-40


def _check(E_nu, m_N, cos_theta=None):
    require_range("E_nu", E_nu, 0.0, np.inf, low_open=True)
    require_range("m_N", m_N, 0.0, np.inf)
    if cos_theta is not None:
        require_range("cos_theta", cos_theta, -1.0, 1.0)
    arrs = [np.asarray(x, dtype=float) for x in ((E_nu, cos_theta, m_N) if cos_theta is not None
                                                   else (E_nu, m_N))]
    return np.broadcast_arrays(*arrs)


def _check_u(E_nu, m_N, u):
    """Validated, broadcast float arrays (E, u, m); u = 1 - cos(Theta) in [0, 2]."""
    require_range("E_nu", E_nu, 0.0, np.inf, low_open=True)
    require_range("m_N", m_N, 0.0, np.inf)
    require_range("u = 1 - cos_theta", u, 0.0, 2.0)
    return np.broadcast_arrays(*(np.asarray(x, dtype=float) for x in (E_nu, u, m_N)))


def _u_of_cos(E_nu, cos_theta, m_N):
    """u = 1 - cos(Theta) after validating cos(Theta) (exact for cos >= 0.5)."""
    E, c, m = _check(E_nu, m_N, cos_theta)
    return E, 1.0 - c, m


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

    def dsigma_du(self, E_nu, u, m_N, antineutrino=False):
        """dsigma/du in cm^2 per nucleus (unit coupling), u = 1 - cos(Theta) in [0, 2], exact near u = 0."""
        raise NotImplementedError

    def hnl_energy(self, E_nu, cos_theta, m_N, antineutrino=False):
        """HNL lab energy E_N in GeV."""
        raise NotImplementedError

    def _hnl_energy_u(self, E, u, m):
        """E_N (GeV) at u = 1 - cos(Theta) for validated arrays (default: E_N = E_nu)."""
        return E * 1.0

    def dsigma_dcos(self, E_nu, cos_theta, m_N, antineutrino=False):
        """dsigma/dcos(Theta) in cm^2 per nucleus (unit coupling): :meth:`dsigma_du` at u = 1 - cos."""
        E, u, m = _u_of_cos(E_nu, cos_theta, m_N)
        return self.dsigma_du(E, u, m, antineutrino)

    def _same_for_antineutrinos(self) -> bool:
        return self.portal == "dipole" or isinstance(self, CoherentChannel)

    def dsigma_du_and_energy(self, E_nu, u, m_N):
        """(dsigma/du for [nu, nubar] (2, N) in cm^2, E_N (N,)) in one call (the MC hot path).

        Default: two :meth:`dsigma_du` calls; channels whose cross section is the same for neutrinos and
        antineutrinos (dipole portal, coherent mixing) evaluate it once.
        """
        E, u, m = _check_u(E_nu, m_N, u)
        ds = self.dsigma_du(E, u, m, False)
        dsb = ds if self._same_for_antineutrinos() else self.dsigma_du(E, u, m, True)
        return np.stack([ds, dsb]), np.asarray(self._hnl_energy_u(E, u, m), float) + 0.0 * ds

    def dsigma_dcos_and_energy(self, E_nu, cos_theta, m_N):
        """:meth:`dsigma_du_and_energy` at u = 1 - cos(Theta)."""
        E, u, m = _u_of_cos(E_nu, cos_theta, m_N)
        return self.dsigma_du_and_energy(E, u, m)

    def sigma_total(self, E_nu, m_N, antineutrino=False):
        """Total cross section (cm^2): Gauss-Legendre integral of dsigma/du over the angular range.

        The nodes are uniform in v = ln(u + u0), u = 1 - cos, u0 = Q^2_min / (2 E k) (Q^2 = 2 E k (u + u0)
        for static kinematics; floored at 1e-40), so the forward 1/Q^2 peak of coherent scattering is
        resolved down to u = 0: a linear grid in cos misses it (up to a factor 4 low, found against
        DarkNews).
        """
        E, m = _check(E_nu, m_N)
        lo, hi = self.cos_theta_range(E, m)
        u0 = kinematics.static_angle_scale(E, m)
        u0 = np.where(np.isfinite(u0), np.maximum(u0, _U0_QUADRATURE_FLOOR), 1.0)
        v_lo, v_hi = np.log(1.0 - hi + u0), np.log(1.0 - lo + u0)
        x, w = np.polynomial.legendre.leggauss(_N_GAUSS)
        half = 0.5 * (v_hi - v_lo)
        v = 0.5 * (v_hi + v_lo)[..., None] + half[..., None] * x
        ushift = np.exp(v)
        u = np.clip(ushift - u0[..., None], 0.0, 2.0)
        vals = self.dsigma_du(E[..., None], u, m[..., None], antineutrino) * ushift
        return (vals * w).sum(axis=-1) * half


@dataclass(frozen=True)
class CoherentChannel(UpscatterChannel):
    """Coherent scattering on the whole nucleus, static-target kinematics (Eq. 33), E_N = E_nu.

    ``m4_sign``: -1 (physical) or +1, the sign of the dipole's m^4/Q^2 term in reference 004's public
    code (see :func:`~nuportal.production.upscattering.dipole.coherent_dsigma_du`).
    """

    m4_sign: int = -1
    screening: bool = False

    def _screening_factor(self, Q2):
        """(1 - F_atom)^2 of the electron cloud, F_atom = 1/(1 + Q^2 a^2), a = 111 Z^(-1/3)/m_e (Tsai,
        Rev. Mod. Phys. 46 (1974) 815, Eq. 3.38 with the Thomas-Fermi radius): the photon sees the net
        charge Z (1 - F_atom) at Q below ~ 1/a (keV)."""
        a = 111.0 * self.nucleus.Z ** (-1.0 / 3.0) / ELECTRON_MASS_GEV
        x2 = Q2 * a * a
        return (x2 / (1.0 + x2)) ** 2

    def threshold_energy(self, m_N):
        """E_th = m_N (infinitely heavy nucleus)."""
        return np.asarray(m_N, dtype=float) * 1.0

    def cos_theta_range(self, E_nu, m_N):
        """Full range [-1, 1] above threshold; (1, 1) below."""
        E, m = _check(E_nu, m_N)
        lo, hi = kinematics.static_cos_range(E, m)
        below = E < m
        return np.where(below, 1.0, lo), hi

    def dsigma_du(self, E_nu, u, m_N, antineutrino=False):
        """dsigma/du = 2 E k dsigma/dQ^2 at Q^2 = Q^2_min + 2 E k u, |F|^2 = Helm^2 (cm^2).

        Dipole: :func:`~nuportal.production.upscattering.dipole.coherent_dsigma_du` (exact at u -> 0);
        mixing: :func:`~nuportal.production.upscattering.mixing.coherent_dsigma_dQ2` (no cancellation).
        """
        E, u, m = _check_u(E_nu, m_N, u)
        above = E > m
        Es = np.where(above, E, m + 1.0)
        Q2 = kinematics.static_Q2_u(Es, u, m)
        F2 = helm(np.sqrt(Q2), self.nucleus) ** 2
        if self.portal == "dipole":
            if self.screening:
                F2 = F2 * self._screening_factor(Q2)
            ds = dipole.coherent_dsigma_du(Es, u, m, self.nucleus.Z, F2, self.m4_sign)
        else:
            k = kinematics.static_momentum(Es, m)
            ds = mixing.coherent_dsigma_dQ2(Es, Q2, m, self.nucleus.weak_charge, F2) * 2.0 * Es * k
        return np.where(above, ds * GEV2_TO_CM2, 0.0)

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

    def _roots(self, E, u, m):
        return kinematics.elastic_roots_u(E, u, m, self.target_mass)

    def dsigma_du(self, E_nu, u, m_N, antineutrino=False):
        """Sum over the physical E_N roots of dsigma/dt |dt/du| (cm^2 per nucleus), exact near u = 0."""
        E, u, m = _check_u(E_nu, m_N, u)
        return self._sum_roots(E, u, m, self._roots(E, u, m), (bool(antineutrino),))[0]

    def dsigma_du_and_energy(self, E_nu, u, m_N):
        """([nu, nubar] dsigma/du (2, N), E_N of :meth:`hnl_energy`) with the roots solved once."""
        E, u, m = _check_u(E_nu, m_N, u)
        roots = self._roots(E, u, m)
        e_n = self._pick_energy(E, roots)
        if self.portal == "dipole":  # same for nu and nubar
            ds = self._sum_roots(E, u, m, roots, (False,))[0]
            return np.stack([ds, ds]), e_n
        return np.stack(self._sum_roots(E, u, m, roots, (False, True))), e_n

    @staticmethod
    def _pick_energy(E, roots):
        e_hi, ok_hi, e_lo, ok_lo = roots[:4]
        return np.where(ok_hi, e_hi, np.where(ok_lo, e_lo, E))  # E where no root (dsigma = 0 there)

    def _root_term(self, E, u, e_n, nu, ok, m, antineutrino):
        """dsigma/dt |dt/du| at one root (t = -2 M nu), 0 where that root is unphysical.

        t < 0 for every physical root with m_N > 0; t = 0 (m_N = 0 at u = 0, where the dipole's
        dsigma/dt ~ 1/|t| has its pole) gives 0.
        """
        M = self.target_mass
        en = np.where(ok, e_n, E)
        t = -2.0 * M * np.where(ok, nu, 1.0)
        live = ok & (t < 0.0)
        t = np.where(live, t, -1.0)
        jac = kinematics.elastic_dt_du(E, u, en, m, M)
        val = self._dsdt_cm2(E, t, m, antineutrino) * jac
        return np.where(live & np.isfinite(jac), val, 0.0)

    def _sum_roots(self, E, u, m, roots, antis):
        """Per antineutrino flag: the first physical root on all events, the second root (both physical:
        near threshold, cos > cos_min) only on those events (form factors once per physical root)."""
        e_hi, ok_hi, e_lo, ok_lo, nu_hi, nu_lo = roots
        first, nu1, ok1 = np.where(ok_hi, e_hi, e_lo), np.where(ok_hi, nu_hi, nu_lo), ok_hi | ok_lo
        both = np.flatnonzero(np.ravel(ok_hi & ok_lo))
        out = []
        for anti in antis:
            total = np.array(self._root_term(E, u, first, nu1, ok1, m, anti), dtype=float)
            if both.size:
                sub = [np.ravel(a)[both] for a in (E, u, e_lo, nu_lo, m)]
                flat = total.reshape(-1)
                flat[both] += self._root_term(sub[0], sub[1], sub[2], sub[3], True, sub[4], anti)
            out.append(total)
        return out

    def _hnl_energy_u(self, E, u, m):
        return self._pick_energy(E, self._roots(E, u, m))

    def hnl_energy(self, E_nu, cos_theta, m_N, antineutrino=False):
        """Lab E_N of the forward (high) root; the low root where only it is physical (cos < 0).

        Where both roots are physical (near threshold, cos > cos_min > -1) this returns the high one;
        use :meth:`sample_hnl_energy` to pick a root with probability proportional to its dsigma/dcos.
        """
        E, u, m = _u_of_cos(E_nu, cos_theta, m_N)
        return self._hnl_energy_u(E, u, m)

    def sample_hnl_energy(self, E_nu, cos_theta, m_N, rng: np.random.Generator, antineutrino=False):
        """E_N choosing between the two roots with probability proportional to each root's dsigma/dcos."""
        E, u, m = _u_of_cos(E_nu, cos_theta, m_N)
        e_hi, ok_hi, e_lo, ok_lo, nu_hi, nu_lo = self._roots(E, u, m)
        w = [self._root_term(E, u, e_n, nu, ok, m, antineutrino)
             for e_n, nu, ok in ((e_hi, nu_hi, ok_hi), (e_lo, nu_lo, ok_lo))]
        p_hi = np.divide(w[0], w[0] + w[1], out=ok_hi.astype(float), where=(w[0] + w[1]) > 0)
        return np.where(rng.random(E.shape) < p_hi, e_hi, e_lo)

    def sigma_total(self, E_nu, m_N, antineutrino=False):
        """Total cross section (cm^2) by Gauss-Legendre integration of dsigma/dt over the t range.

        The ends come from :func:`~nuportal.production.upscattering.kinematics.elastic_t_range`, exact
        also at TeV energies where t_max ~ -m^4 / (4 E^2).
        """
        E, m = _check(E_nu, m_N)
        M = self.target_mass
        above = E > self.threshold_energy(m)
        Es = np.where(above, E, self.threshold_energy(m) + 1.0)
        t_lo, t_hi = kinematics.elastic_t_range(Es, m, M)
        # nodes uniform in ln(-t): resolves the 1/|t| forward peak of the dipole (DarkNews check)
        s_lo, s_hi = np.log(np.maximum(-t_hi, 1e-300)), np.log(np.maximum(-t_lo, 1e-300))
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

    def dsigma_du(self, E_nu, u, m_N, antineutrino=False):
        """A x Eq. 41 (cm^2 per nucleus, flat in u); |F|^2 at the static-target Q^2 of Eq. 33; nu = nubar."""
        E, u, m = _check_u(E_nu, m_N, u)
        above = E > self.threshold_energy(m)
        Es = np.where(above, E, m + 1.0)
        if self.nucleus.is_free_nucleon:
            F2 = np.zeros_like(Es)
        else:
            F2 = helm(np.sqrt(kinematics.static_Q2_u(Es, u, m)), self.nucleus) ** 2
        per = mixing.dis_dsigma_dcos_per_nucleon(Es, m, proton_mass(), 1.0 - F2)
        return np.where(above, self.nucleus.A * per, 0.0)

    def dsigma_du_and_energy(self, E_nu, u, m_N):
        """([nu, nubar] dsigma/du (2, N), E_N of :meth:`hnl_energy` for neutrinos)."""
        return super().dsigma_du_and_energy(E_nu, u, m_N)

    def _hnl_energy_u(self, E, u, m):
        return np.maximum(E * (1.0 - DIS_MEAN_Y[False]), m)

    def hnl_energy(self, E_nu, cos_theta, m_N, antineutrino=False):
        """E_N = max(E_nu (1 - <y>), m_N) with <y> = 0.48 (nu) or 0.33 (nubar)."""
        E, c, m = _check(E_nu, m_N, cos_theta)
        return np.maximum(E * (1.0 - DIS_MEAN_Y[bool(antineutrino)]), m)
