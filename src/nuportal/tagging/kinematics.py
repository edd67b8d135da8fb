"""Kinematics of a tagged neutrino from K+ -> mu+ nu_mu, vectorised over events.

Momenta in GeV/c with the beam along +z, lengths in cm (``*_m`` / ``*_mm`` names say otherwise),
angles in rad.  The neutrino is reconstructed from the measured kaon and muon (reference 002:
``E_nu = E_K - E_mu``, ``m2_miss = (P_K - P_mu)^2``) and extrapolated on a straight line from the
decay vertex to a downstream plane (the LKr front face).  Masses come from :mod:`nuportal.constants`.
"""

from __future__ import annotations

import numpy as np

from nuportal.constants import mass
from nuportal.errors import NuportalInputError, require_range
from nuportal.kinematics import four_vector

__all__ = [
    "energy", "neutrino_energy", "neutrino_energy_collinear", "neutrino_four_momentum",
    "missing_mass2", "m2_miss_from_angle", "muon_angle_from_m2", "neutrino_angle",
    "neutrino_momentum", "neutrino_direction", "extrapolate_to_plane", "radial_distance_at_plane",
    "two_body_muon_momentum_range", "max_muon_angle", "two_body_muon_momentum",
    "neutrino_energy_from_muon_angle", "inelasticity", "muon_mip_energy", "tag_event",
]


def energy(p, m):
    """Energy sqrt(p^2 + m^2) in GeV of a particle of momentum ``p`` (GeV/c) and mass ``m`` (GeV)."""
    return np.hypot(np.asarray(p, float), m)


def _check_pair(p_kaon, p_muon):
    require_range("p_kaon (GeV/c)", p_kaon, 0.0, np.inf, low_open=True, high_open=True)
    require_range("p_muon (GeV/c)", p_muon, 0.0, np.inf, low_open=True, high_open=True)
    pk, pm = np.broadcast_arrays(np.asarray(p_kaon, float), np.asarray(p_muon, float))
    if np.any(pm >= pk):
        bad = pm[pm >= pk].flat[0]
        raise NuportalInputError(f"p_muon = {bad:g} GeV/c is outside the kinematically allowed range "
                                 f"(0, p_kaon = {pk[pm >= pk].flat[0]:g}) GeV/c")
    return pk, pm


def neutrino_energy(p_kaon, p_muon):
    """E_nu = E_K - E_mu (GeV) from the kaon and muon momentum magnitudes (GeV/c).

    Exact for any opening angle: energy conservation needs only |p| and the masses (reference 002,
    candidate table).  Raises :class:`NuportalInputError` unless 0 < p_muon < p_kaon.
    """
    pk, pm = _check_pair(p_kaon, p_muon)
    return energy(pk, mass("K+")) - energy(pm, mass("mu"))


def neutrino_energy_collinear(p_kaon, p_muon):
    """Massless collinear approximation E_nu ~ p_K - p_mu (GeV).

    It differs from :func:`neutrino_energy` by m_K^2/(2 p_K) - m_mu^2/(2 p_mu) + O(m^4/p^3), i.e. by
    1.4 MeV for the reference-002 candidate.
    """
    pk, pm = _check_pair(p_kaon, p_muon)
    return pk - pm


def neutrino_four_momentum(p_kaon3, p_muon3):
    """Four-momentum P_K - P_mu (..., 4) = (E, px, py, pz) in GeV from three-momenta (..., 3)."""
    pk3, pm3 = np.asarray(p_kaon3, float), np.asarray(p_muon3, float)
    e_k = energy(np.linalg.norm(pk3, axis=-1), mass("K+"))
    e_mu = energy(np.linalg.norm(pm3, axis=-1), mass("mu"))
    return four_vector(e_k - e_mu, pk3 - pm3)


def missing_mass2(p_kaon3, p_muon3):
    """m2_miss = (P_K - P_mu)^2 in GeV^2 from three-momenta (..., 3) (reference 002, slide 7)."""
    p = neutrino_four_momentum(p_kaon3, p_muon3)
    return p[..., 0] ** 2 - np.sum(p[..., 1:] ** 2, axis=-1)


def m2_miss_from_angle(p_kaon, p_muon, theta_mu):
    """m2_miss (GeV^2) for momenta |p_K|, |p_mu| (GeV/c) at opening angle ``theta_mu`` (rad).

    m2 = m_K^2 + m_mu^2 - 2 (E_K E_mu - p_K p_mu cos theta).
    """
    require_range("theta_mu (rad)", theta_mu, 0.0, np.pi)
    pk, pm = _check_pair(p_kaon, p_muon)
    mk, mm = mass("K+"), mass("mu")
    return mk**2 + mm**2 - 2.0 * (energy(pk, mk) * energy(pm, mm) - pk * pm * np.cos(theta_mu))


def muon_angle_from_m2(p_kaon, p_muon, m2_miss=0.0):
    """Opening angle (rad) between kaon and muon that gives ``m2_miss`` (GeV^2); inverse of above.

    With ``m2_miss = 0`` this is the two-body K+ -> mu+ nu angle.  Raises
    :class:`NuportalInputError` when no angle exists (p_mu outside the two-body range).
    """
    pk, pm = _check_pair(p_kaon, p_muon)
    mk, mm = mass("K+"), mass("mu")
    cos_t = (2.0 * energy(pk, mk) * energy(pm, mm) - mk**2 - mm**2 + np.asarray(m2_miss, float)) / (
        2.0 * pk * pm)
    bad = np.abs(cos_t) > 1.0
    if np.any(bad):
        lo, hi = two_body_muon_momentum_range(pk)
        first = [float(np.broadcast_to(a, bad.shape)[bad].flat[0]) for a in (pm, pk, lo, hi)]
        raise NuportalInputError(
            f"p_muon = {first[0]:g} GeV/c admits no opening angle for this m2_miss; the two-body range "
            f"for p_kaon = {first[1]:g} GeV/c is [{first[2]:.5g}, {first[3]:.5g}] GeV/c")
    return np.arccos(cos_t)


def neutrino_momentum(p_kaon, p_muon, theta_mu):
    """|p_nu| (GeV/c) = |p_K - p_mu| for opening angle ``theta_mu`` (rad); equals E_nu iff m2 = 0."""
    pk, pm = _check_pair(p_kaon, p_muon)
    return np.sqrt(pk**2 + pm**2 - 2.0 * pk * pm * np.cos(theta_mu))


def neutrino_angle(p_kaon, p_muon, theta_mu):
    """Angle (rad) between the neutrino and the kaon, on the opposite side of the muon.

    tan theta_nu = p_mu sin(theta_mu) / (p_K - p_mu cos(theta_mu)).
    """
    require_range("theta_mu (rad)", theta_mu, 0.0, np.pi)
    pk, pm = _check_pair(p_kaon, p_muon)
    return np.arctan2(pm * np.sin(theta_mu), pk - pm * np.cos(theta_mu))


def neutrino_direction(p_kaon3, p_muon3):
    """Unit vectors (..., 3) along p_K - p_mu."""
    p = np.asarray(p_kaon3, float) - np.asarray(p_muon3, float)
    return p / np.linalg.norm(p, axis=-1, keepdims=True)


def extrapolate_to_plane(vertex_cm, direction, z_plane_cm):
    """Point (..., 3) in cm where a straight line from ``vertex_cm`` along ``direction`` meets z = z_plane.

    Raises :class:`NuportalInputError` if a direction does not point downstream to the plane.
    """
    v, d = np.asarray(vertex_cm, float), np.asarray(direction, float)
    dz = np.asarray(z_plane_cm, float) - v[..., 2]
    if np.any(d[..., 2] <= 0) or np.any(dz < 0):
        raise NuportalInputError(f"z_plane = {np.min(z_plane_cm):g} cm must lie downstream of the vertex"
                                 " and the direction must have d_z > 0")
    t = dz / d[..., 2]
    return v + t[..., None] * d


def radial_distance_at_plane(vertex_cm, direction, z_plane_cm):
    """Distance (cm) from the beam (z) axis of the straight-line extrapolation at z = z_plane."""
    point = extrapolate_to_plane(vertex_cm, direction, z_plane_cm)
    return np.hypot(point[..., 0], point[..., 1])


def two_body_muon_momentum_range(p_kaon):
    """(p_min, p_max) in GeV/c of the muon of K+ -> mu+ nu for a kaon of momentum ``p_kaon``.

    p = gamma (beta E* -/+ p*) ... written as (E_K E* -/+ p_K p*)/m_K boosts of the rest-frame muon.
    """
    require_range("p_kaon (GeV/c)", p_kaon, 0.0, np.inf, low_open=True)
    pk = np.asarray(p_kaon, float)
    mk, mm = mass("K+"), mass("mu")
    p_star = (mk**2 - mm**2) / (2.0 * mk)
    e_star = (mk**2 + mm**2) / (2.0 * mk)
    e_k = energy(pk, mk)
    return np.abs(pk * e_star - e_k * p_star) / mk, (pk * e_star + e_k * p_star) / mk


def max_muon_angle(p_kaon):
    """Largest lab angle (rad) of the mu+ of K+ -> mu+ nu for a kaon of momentum ``p_kaon`` (GeV/c).

    sin(theta_max) = (p*/m_mu) / (p_K/m_K) with p* = (m_K^2 - m_mu^2) / (2 m_K) = 0.2355 GeV/c; below
    p_K = p* m_K / m_mu = 1.10 GeV/c the muon can go backwards and theta_max = pi. No K+ decay to a mu+
    gives a wider angle, since a massive partner only lowers p*. Vectorised over ``p_kaon``.
    """
    require_range("p_kaon (GeV/c)", p_kaon, 0.0, np.inf, low_open=True, high_open=True)
    m_k, m_mu = mass("K+"), mass("mu")
    p_star = (m_k**2 - m_mu**2) / (2.0 * m_k)
    ratio = p_star * m_k / (m_mu * np.asarray(p_kaon, float))
    return np.where(ratio < 1.0, np.arcsin(np.minimum(ratio, 1.0)), np.pi)


def two_body_muon_momentum(p_kaon, theta_mu):
    """Both muon momenta (low, high) in GeV/c of K+ -> mu+ nu at lab angle ``theta_mu`` (rad).

    Solves m_K^2 + m_mu^2 = 2 (E_K E_mu - p_K p_mu cos theta) for p_mu; below theta_max two roots.
    """
    th_max = max_muon_angle(p_kaon)
    require_range("theta_mu (rad)", theta_mu, 0.0, float(np.min(th_max)))
    pk, c = np.asarray(p_kaon, float), np.cos(theta_mu)
    mk, mm = mass("K+"), mass("mu")
    a = 0.5 * (mk**2 + mm**2)
    e_k = energy(pk, mk)
    quad = e_k**2 - (pk * c) ** 2
    disc = np.sqrt(np.clip((a * pk * c) ** 2 - quad * (e_k**2 * mm**2 - a**2), 0.0, None))
    return (a * pk * c - disc) / quad, (a * pk * c + disc) / quad


def neutrino_energy_from_muon_angle(p_kaon, theta_mu):
    """E_nu (GeV) of K+ -> mu+ nu for both muon branches (low-p_mu, high-p_mu) at angle ``theta_mu``."""
    lo, hi = two_body_muon_momentum(p_kaon, theta_mu)
    e_k = energy(p_kaon, mass("K+"))
    return e_k - energy(lo, mass("mu")), e_k - energy(hi, mass("mu"))


def inelasticity(e_hadronic, e_nu):
    """Bjorken inelasticity y = E_had / E_nu = 1 - E_mu'/E_nu for a CC interaction (GeV in)."""
    require_range("E_nu (GeV)", e_nu, 0.0, np.inf, low_open=True)
    require_range("E_had (GeV)", e_hadronic, 0.0, np.inf)
    return np.asarray(e_hadronic, float) / np.asarray(e_nu, float)


def muon_mip_energy(column_density_g_cm2, dedx_min_MeV_cm2_g):
    """Energy (GeV) a minimum-ionising muon deposits crossing ``column_density`` (PDG dE/dx_min)."""
    require_range("column density (g/cm^2)", column_density_g_cm2, 0.0, np.inf)
    return np.asarray(column_density_g_cm2, float) * np.asarray(dedx_min_MeV_cm2_g, float) * 1e-3


#: Measured angles are accepted up to this factor times the two-body maximum (angular resolution).
MAX_ANGLE_SLACK = 1.05


def tag_event(p_kaon: float, p_muon: float, theta_mu=None, vertex_z_m=None,
              z_plane_m: float = 241.1) -> dict:
    """Everything the tag gives for one K+ -> mu+ nu candidate (kaon along z, vertex on the axis).

    Without ``theta_mu`` (rad) the two-body angle (m2_miss = 0) is used; with it, m2_miss follows.
    With ``vertex_z_m`` the neutrino's distance to the axis at ``z_plane_m`` (LKr front face) is given.
    """
    e_nu = float(neutrino_energy(p_kaon, p_muon))
    if theta_mu is None:
        theta, m2, source = float(muon_angle_from_m2(p_kaon, p_muon, 0.0)), 0.0, "two-body (m2_miss = 0)"
    else:
        theta, source = float(theta_mu), "measured"
        top = float(max_muon_angle(p_kaon))
        if not 0.0 <= theta <= MAX_ANGLE_SLACK * top:
            hi = 1e3 * MAX_ANGLE_SLACK * top
            raise NuportalInputError(
                f"theta_mu = {1e3 * theta:g} mrad is outside the allowed range [0, {hi:.4g}] mrad: the "
                f"kinematic maximum of K+ -> mu+ nu at p_K = {p_kaon:g} GeV/c is {1e3 * top:.4g} mrad "
                f"(+{MAX_ANGLE_SLACK - 1:.0%} for the angular resolution)")
        m2 = float(m2_miss_from_angle(p_kaon, p_muon, theta))
    theta_nu = float(neutrino_angle(p_kaon, p_muon, theta))
    out = {"p_kaon_GeV": float(p_kaon), "p_muon_GeV": float(p_muon), "E_nu_GeV": e_nu,
           "E_nu_collinear_GeV": float(neutrino_energy_collinear(p_kaon, p_muon)),
           "m2_miss_GeV2": m2, "theta_mu_mrad": 1e3 * theta, "theta_mu_from": source,
           "theta_nu_mrad": 1e3 * theta_nu,
           "p_nu_GeV": float(neutrino_momentum(p_kaon, p_muon, theta))}
    if vertex_z_m is not None:
        if not vertex_z_m < z_plane_m:
            raise NuportalInputError(f"vertex z = {vertex_z_m:g} m is outside the allowed range "
                                     f"(-inf, {z_plane_m:g}) m (upstream of the LKr front face)")
        out["vertex_z_m"] = float(vertex_z_m)
        out["z_plane_m"] = float(z_plane_m)
        out["r_at_plane_mm"] = 1e3 * (z_plane_m - vertex_z_m) * float(np.tan(theta_nu))
    return out
