"""HepMC3 event files of weighted upscattering events (for detector simulation), written with pyhepmc.

Each event holds, in GeV and mm:

* the incoming neutrino (status 4): flavour and nu/nubar drawn per event with probability
  proportional to its term q_alpha I[p, alpha] dsigma[p] of the event's rate; its direction is the
  beam axis (beams) or the HNL direction turned by the sampled scattering angle Theta about a
  uniform azimuth (diffuse sources: the engine integrates the azimuth, so any azimuth is as good);
* the target at rest (status 4): the nucleus (PDG 100ZZZAAA0) for coherent scattering, the proton
  (2212) or neutron (2112) for the nucleon channels;
* at the production vertex X: the HNL (PDG 5914, as DarkNews/SIREN, status 2) and the recoil
  (status 1, four-momentum from conservation);
* at the decay vertex, a distance drawn from the exponential of the event's decay length truncated
  to the path inside the detector [L1, L2]: N -> nu gamma (dipole, reference 004) or
  N -> nu e+ e- (dipole, :func:`nuportal.decay.dipole_pair.sample_nu_ee_decay`), status 1.

The event weight (named in the run info) is the event's expected number of visible decays at the
coupling given, for the exposure given, so the sum of the weights is the expected signal printed by
``nuportal rate``.  Writing loops over events (it is I/O); the physics is vectorised before.
Parquet (:meth:`nuportal.mc.events.UpscatterEvents.to_parquet`) stays the columnar format: it keeps
the coupling-independent weights for reweighting, HepMC3 one coupling point with full kinematics.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from nuportal import __version__
from nuportal.errors import NuportalInputError
from nuportal.mc.events import UpscatterEvents
from nuportal.mc.sampling import rotate_from_axis

__all__ = ["write_hepmc3", "HNL_PDG", "DECAYS"]

HNL_PDG = 5914
DECAYS = ("nu gamma", "nu e e")
_NU_PDG = np.array([[12, 14, 16], [-12, -14, -16]])
_M_E = 0.51099895e-3


def _nucleus_pdg(nucleus) -> int:
    return 1000000000 + 10000 * int(nucleus.Z) + 10 * int(nucleus.A)


def _targets(events: UpscatterEvents):
    """(PDG (N,), mass (N,)) of the struck target of each event."""
    from nuportal.nuclear._masses import neutron_mass, proton_mass
    from nuportal.nuclear.nuclei import get_nucleus

    pdg, mass = np.zeros(len(events), np.int64), np.zeros(len(events))
    for c, name in enumerate(events.channel_names):
        sel_c = events.channel == c
        for s, species in enumerate(events.species_names):
            sel = sel_c & (events.species == s)
            if not sel.any():
                continue
            if "p-elastic" in name:
                pdg[sel], mass[sel] = 2212, proton_mass()
            elif "n-elastic" in name:
                pdg[sel], mass[sel] = 2112, neutron_mass()
            else:
                nuc = get_nucleus(species)
                pdg[sel], mass[sel] = _nucleus_pdg(nuc), nuc.mass_GeV
    return pdg, mass


def _incoming(rng, events: UpscatterEvents, q: np.ndarray, beam_axis):
    """(PDG (N,), direction (N, 3)) of the incoming neutrinos."""
    terms = q[None, :, None] * events.intensity * events.dsigma[:, None, :]  # (2, 3, N)
    flat = terms.reshape(6, -1).T
    tot = flat.sum(axis=1)
    cum = np.cumsum(flat, axis=1)
    k = np.minimum((cum < (rng.random(tot.size) * tot)[:, None]).sum(axis=1), 5)
    pdg = _NU_PDG.reshape(-1)[k]
    if beam_axis is not None:
        return pdg, np.broadcast_to(np.asarray(beam_axis, float), (len(events), 3)).copy()
    v = rotate_from_axis(events.hnl_dir, events.cos_Theta, rng.uniform(0.0, 2.0 * np.pi, len(events)))
    return pdg, v


def _decay_distance(rng, l1, l2, lam):
    """Distance from the production point, exponential with scale lam truncated to [l1, l2]."""
    u = rng.random(l1.size)
    a = np.exp(-(l2 - l1) / lam)  # e^{-(l - l1)/lam} at l = l2
    return l1 - lam * np.log1p(-u * (1.0 - a))


def _photons_in_window(rng, e_n, direction, mass: float, window):
    """N -> nu gamma photons (isotropic in the N frame) drawn inside the lab-energy window.

    x = cos zeta' is uniform (alpha = 0); E_gamma = E_N (1 + beta x)/2, so the window maps to an x
    interval and x is drawn uniformly in it: the event weights already carry the visible fraction.
    """
    e = np.asarray(e_n, float)
    beta = np.sqrt(np.clip(1.0 - (mass / e) ** 2, 0.0, None))
    lo, hi = float(window[0]), float(window[1])
    x_lo = np.clip((2.0 * lo / e - 1.0) / np.maximum(beta, 1e-300), -1.0, 1.0)
    x_hi = (
        np.clip((2.0 * hi / e - 1.0) / np.maximum(beta, 1e-300), -1.0, 1.0)
        if np.isfinite(hi)
        else np.ones_like(e)
    )
    x = x_lo + rng.random(e.size) * (x_hi - x_lo)
    energy = 0.5 * e * (1.0 + beta * x)
    cos_lab = (x + beta) / (1.0 + beta * x)
    k_hat = rotate_from_axis(direction, cos_lab, rng.uniform(0.0, 2.0 * np.pi, e.size))
    return energy, k_hat


def _decay_products(rng, decay: str, e_n, direction, mass: float, window=(0.0, np.inf)):
    """[(PDG, (N, 4) four-momenta)] of the decay products."""
    if decay == "nu e e":
        from nuportal.decay.dipole_pair import sample_nu_ee_decay

        p_em, p_ep, p_nu = sample_nu_ee_decay(rng, e_n, direction, mass)
        return [(11, p_em), (-11, p_ep), (14, p_nu)]
    e_g, k_hat = _photons_in_window(rng, e_n, direction, mass, window)
    p_g = np.column_stack([e_g, e_g[:, None] * k_hat])
    p_n = np.column_stack([e_n, np.sqrt(np.clip(e_n**2 - mass**2, 0, None))[:, None] * direction])
    return [(22, p_g), (14, p_n - p_g)]


def write_hepmc3(
    path,
    events: UpscatterEvents,
    weights,
    decay_lengths_cm,
    flavour_pattern,
    *,
    decay: str,
    rng: np.random.Generator,
    beam_axis=None,
    run_info: dict | None = None,
    weight_name: str = "expected_events",
    photon_window_GeV=(0.0, np.inf),
) -> Path:
    """Write weighted upscattering events with their decays to a HepMC3 ASCII file, atomically.

    Parameters
    ----------
    path : path
        Output file (``.hepmc3``).
    events : UpscatterEvents
        One simulation (dipole portal).
    weights : array_like (N,)
        Expected visible decays of each event at the chosen coupling and exposure (>= 0, finite).
    decay_lengths_cm : array_like (N,)
        Decay length of each event at that coupling (cm).
    flavour_pattern : array_like (3,)
        Production factors q_alpha (d_alpha^2 pattern) used to draw the incoming flavour.
    decay : {"nu gamma", "nu e e"}
    rng : numpy.random.Generator
    beam_axis : array_like (3,), optional
        Neutrino direction of a beam; None for diffuse sources.
    run_info : dict, optional
        Provenance (version, configuration, seed, coupling with its unit), stored as run attributes.
    photon_window_GeV : (float, float)
        N -> nu gamma: photons are drawn inside this lab-energy window (the weights carry f_vis).
    """
    import pyhepmc as hp

    if decay not in DECAYS:
        raise NuportalInputError(f"decay = {decay!r} is not one of {', '.join(DECAYS)}")
    if events.portal != "dipole":
        raise NuportalInputError(
            "HepMC3 output is implemented for the dipole portal only (N -> nu gamma, "
            "N -> nu e+ e-); use Parquet (.parquet) for mixing-portal events"
        )
    w = np.asarray(weights, float)
    lam = np.asarray(decay_lengths_cm, float)
    if w.shape != (len(events),) or not np.all(np.isfinite(w)) or np.any(w < 0):
        raise NuportalInputError("HepMC3 weights must be finite, >= 0 and one per event")
    keep = np.flatnonzero(w > 0)
    ev = events.take(keep)
    w, lam = w[keep], lam[keep]
    m = float(events.mass_GeV)
    q = np.asarray(flavour_pattern, float)
    nu_pdg, nu_dir = _incoming(rng, ev, q, beam_axis)
    t_pdg, t_mass = _targets(ev)
    l1 = ev.r
    dist = _decay_distance(rng, l1, l1 + ev.path_lengths(), lam)
    x_prod = ev.X * 10.0  # cm -> mm
    x_dec = x_prod + (dist * 10.0)[:, None] * ev.hnl_dir
    p_n = np.sqrt(np.clip(ev.E_N**2 - m * m, 0.0, None))
    pn4 = np.column_stack([ev.E_N, p_n[:, None] * ev.hnl_dir])
    pnu4 = np.column_stack([ev.E_nu, ev.E_nu[:, None] * nu_dir])
    pt4 = np.column_stack([t_mass, np.zeros((len(ev), 3))])
    rec4 = pnu4 + pt4 - pn4
    products = _decay_products(rng, decay, ev.E_N, ev.hnl_dir, m, photon_window_GeV)

    info = hp.GenRunInfo()
    info.weight_names = [weight_name]
    info.tools = [hp.GenRunInfo.ToolInfo("nuportal", __version__, "weighted HNL upscattering events")]
    meta = {
        "mass_GeV": m,
        "portal": events.portal,
        "decay": decay,
        "n_events": int(len(ev)),
        **(run_info or {}),
    }
    for key, value in meta.items():
        info.attributes[key] = json.dumps(value, default=str)

    from nuportal.io import atomic_path

    path = Path(path)
    with atomic_path(path) as tmp, hp.open(tmp, "w", format="HepMC3") as f:
        for i in range(len(ev)):
            products_i = [(pid, p[i]) for pid, p in products]
            f.write(_event(hp, info, i, w[i], nu_pdg[i], pnu4[i], t_pdg[i], pt4[i], pn4[i], rec4[i],
                           x_prod[i], x_dec[i], products_i))
    return path


def _fv(p4):
    import pyhepmc as hp

    return hp.FourVector(float(p4[1]), float(p4[2]), float(p4[3]), float(p4[0]))


def _event(hp, info, i, weight, nu_pdg, pnu, t_pdg, pt, pn, rec, x_prod, x_dec, products):
    evt = hp.GenEvent(hp.Units.GEV, hp.Units.MM)
    evt.run_info = info
    evt.event_number = i
    nu = hp.GenParticle(_fv(pnu), int(nu_pdg), 4)
    tgt = hp.GenParticle(_fv(pt), int(t_pdg), 4)
    hnl = hp.GenParticle(_fv(pn), HNL_PDG, 2)
    recoil = hp.GenParticle(_fv(rec), int(t_pdg), 1)
    v1 = hp.GenVertex(hp.FourVector(*map(float, x_prod), 0.0))
    for p in (nu, tgt):
        v1.add_particle_in(p)
    for p in (hnl, recoil):
        v1.add_particle_out(p)
    evt.add_vertex(v1)
    v2 = hp.GenVertex(hp.FourVector(*map(float, x_dec), 0.0))
    v2.add_particle_in(hnl)
    for pid, p4 in products:
        v2.add_particle_out(hp.GenParticle(_fv(p4), int(pid), 1))
    evt.add_vertex(v2)
    evt.weights = [float(weight)]
    return evt
