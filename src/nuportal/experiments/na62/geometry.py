"""NA62 beam kinematics, simplified geometric acceptance and the photon-veto model.

The acceptance follows the "basic event selection" of reference 000, Sec. II: the positron and
both photons of pi0 -> gamma gamma inside the spectrometer / calorimeter acceptance.  Straight
tracks from the decay vertex; the positron gets the MNP33 transverse kick (+x) at the magnet plane.
Positions in metres, momenta in GeV.
"""

from __future__ import annotations

import numpy as np

from nuportal import constants as C
from nuportal.experiments.na62.config import Beam, Detector, PhotonVeto
from nuportal.kinematics import (
    angle_to_z,
    boost,
    boost_along_z,
    four_vector,
    random_unit_vectors,
)

__all__ = [
    "sample_kaons", "to_lab", "decay_pi0", "positron_accepted", "photons_accepted",
    "accept_event", "lab_event", "veto_pass_probability",
]


def sample_kaons(rng: np.random.Generator, n: int, beam: Beam):
    """Kaon Lorentz factors and decay z positions (uniform in the fiducial region).

    Returns
    -------
    gamma : ndarray (n,)
        Lorentz factor of each kaon (momentum Gaussian around the nominal value).
    z_vtx : ndarray (n,)
        Decay position along the beam in metres.
    """
    m_k = C.mass("K+")
    p = beam.momentum_GeV * (1.0 + beam.momentum_rms_fraction * rng.standard_normal(n))
    gamma = np.sqrt(1.0 + (p / m_k) ** 2)
    z_vtx = rng.uniform(beam.z_decay_min_m, beam.z_decay_max_m, n)
    return gamma, z_vtx


def to_lab(p_rest, gamma):
    """Boost kaon-rest-frame four-vectors (n, 4) to the lab (kaon along +z)."""
    return boost_along_z(p_rest, gamma)


def decay_pi0(rng: np.random.Generator, p_pi0):
    """Isotropic pi0 -> gamma gamma for pi0 four-momenta (n, 4) in any frame; returns two (n, 4)."""
    m = C.mass("pi0")
    n = p_pi0.shape[0]
    d = random_unit_vectors(rng, n) * (0.5 * m)
    g1 = four_vector(np.full(n, 0.5 * m), d)
    g2 = four_vector(np.full(n, 0.5 * m), -d)
    beta = p_pi0[:, 1:] / p_pi0[:, :1]
    return boost(g1, beta), boost(g2, beta)


def _position(p, z_vtx, z):
    """Transverse (x, y) of a straight track from (0, 0, z_vtx) at plane z (forward tracks only)."""
    dz = z - z_vtx
    return p[:, 1] / p[:, 3] * dz, p[:, 2] / p[:, 3] * dz


def _in_annulus(x, y, r_min, r_max):
    r2 = x * x + y * y
    return (r2 >= r_min * r_min) & (r2 <= r_max * r_max)


def positron_accepted(p_e, z_vtx, det: Detector):
    """Positron inside every STRAW chamber and the LKr, momentum in range (boolean (n,)).

    Returns the mask and the positron (x, y) at the LKr front face for cluster separation.
    """
    p_mag = np.linalg.norm(p_e[:, 1:], axis=1)
    ok = (p_e[:, 3] > 0) & (p_mag >= det.positron_momentum_min_GeV)
    ok &= p_mag <= det.positron_momentum_max_GeV
    kick = det.magnet_pt_kick_GeV / np.where(p_e[:, 3] > 0, p_e[:, 3], 1.0)
    x_mag, y_mag = _position(p_e, z_vtx, det.magnet_z_m)
    slope_x = p_e[:, 1] / np.where(p_e[:, 3] > 0, p_e[:, 3], 1.0)
    slope_y = p_e[:, 2] / np.where(p_e[:, 3] > 0, p_e[:, 3], 1.0)
    for z in det.straw_z_m + [det.lkr_z_m]:
        if z < det.magnet_z_m:
            x, y = _position(p_e, z_vtx, z)
        else:
            x = x_mag + (slope_x + kick) * (z - det.magnet_z_m)
            y = y_mag + slope_y * (z - det.magnet_z_m)
        r_min, r_max = (
            (det.lkr_r_min_m, det.lkr_r_max_m) if z == det.lkr_z_m
            else (det.straw_r_min_m, det.straw_r_max_m)
        )
        ok &= _in_annulus(x, y, r_min, r_max)
    return ok, (x, y)


def photons_accepted(photons, z_vtx, det: Detector, positron_xy):
    """Both pi0 photons in the LKr, above threshold, and separated from each other and the e+."""
    ok = np.ones(z_vtx.shape, bool)
    xy = []
    for g in photons:
        ok &= (g[:, 3] > 0) & (g[:, 0] >= det.photon_energy_min_GeV)
        x, y = _position(g, z_vtx, det.lkr_z_m)
        ok &= _in_annulus(x, y, det.lkr_r_min_m, det.lkr_r_max_m)
        xy.append((x, y))
    d_min2 = det.cluster_separation_min_m**2
    pairs = [(xy[0], xy[1]), (xy[0], positron_xy), (xy[1], positron_xy)]
    for (xa, ya), (xb, yb) in pairs:
        ok &= (xa - xb) ** 2 + (ya - yb) ** 2 >= d_min2
    return ok


def accept_event(rng, p_pi0_rest, p_e_rest, beam: Beam, det: Detector, extra_rest=()):
    """Boost a kaon-rest-frame event to the lab and apply the geometric acceptance.

    Parameters
    ----------
    p_pi0_rest, p_e_rest : ndarray (n, 4)
        pi0 and positron four-momenta in the kaon rest frame.
    extra_rest : sequence of ndarray (n, 4)
        Further rest-frame four-vectors to boost (e.g. the radiative photon).

    Returns
    -------
    accepted : ndarray of bool (n,)
    extra_lab : list of ndarray (n, 4)
        The boosted ``extra_rest`` vectors.
    z_vtx : ndarray (n,)
        Kaon decay positions (m).
    """
    ev = lab_event(rng, p_pi0_rest, p_e_rest, beam, det)
    return ev["accepted"], [to_lab(p, ev["gamma"]) for p in extra_rest], ev["z_vtx_m"]


def lab_event(rng, p_pi0_rest, p_e_rest, beam: Beam, det: Detector) -> dict:
    """Kaons from the beam, the pi0 and e+ boosted to the lab, pi0 -> gamma gamma, and the acceptance.

    Returns ``gamma`` (kaon Lorentz factors), ``z_vtx_m``, the lab four-momenta ``pi0``, ``e+``,
    ``gamma1``, ``gamma2`` (n, 4) and ``accepted`` (bool (n,)).
    """
    n = p_e_rest.shape[0]
    gamma, z_vtx = sample_kaons(rng, n, beam)
    p_e = to_lab(p_e_rest, gamma)
    p_pi = to_lab(p_pi0_rest, gamma)
    ok_e, e_xy = positron_accepted(p_e, z_vtx, det)
    photons = decay_pi0(rng, p_pi)
    ok = ok_e & photons_accepted(photons, z_vtx, det, e_xy)
    return {"gamma": gamma, "z_vtx_m": z_vtx, "pi0": p_pi, "e+": p_e, "gamma1": photons[0],
            "gamma2": photons[1], "accepted": ok}


def veto_pass_probability(p_gamma_lab, veto: PhotonVeto):
    """Probability that a photon escapes the photon vetoes (reference 000, Sec. III).

    theta < theta_max: the nominal inefficiency; theta >= theta_max: 1 ("hermetic" model:
    undetected) or 1 - (1 - inefficiency) * theta_max / theta ("partial": coverage ~theta_max/theta).
    """
    theta = angle_to_z(p_gamma_lab)
    inside = theta < veto.theta_max_rad
    if veto.model == "hermetic":
        outside = np.ones_like(theta)
    else:
        cover = np.clip(veto.theta_max_rad / np.where(inside, 1.0, theta), 0.0, 1.0)
        outside = 1.0 - (1.0 - veto.inefficiency) * cover
    return np.where(inside, veto.inefficiency, outside)
