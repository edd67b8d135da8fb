"""NA62 K+ -> pi0 e+ N signal events with full lab kinematics, their expected yield, and HepMC3 files.

One simulation at one HNL mass: kaons from the beam (momentum spread, decay vertex uniform in the
fiducial region), K+ -> pi0 e+ N with the exact |M|^2 (:func:`nuportal.production.kl3.sample_kl3_events`),
pi0 -> gamma gamma, and the geometric acceptance of reference 000 (positron through the STRAW chambers
and the LKr, both photons in the LKr, cluster separation).

The expected signal in the m2_miss window of one scenario is

    s = N_K BR(K+ -> pi0 e+ N)/|U_e|^2 |U_e|^2 eps_sel erf(k/sqrt 2) < accepted (1 - P_vis) >,

the formula of :func:`nuportal.experiments.na62.reach.reach_curve` evaluated event by event: P_vis is
each HNL's probability to decay visibly before the end of the detector. Each event's weight
``expected_events`` is its share of s, so the weights of a file sum to the rate printed by
``nuportal rate na62-k2pi0eN``; ``generated`` is N_K BR |U_e|^2 / n (no acceptance), for users who run
their own detector simulation.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from scipy.special import erf

from nuportal import __version__
from nuportal.constants import mass as pdg_mass
from nuportal.decay import widths
from nuportal.errors import NuportalInputError, require_range
from nuportal.experiments.na62 import geometry as G
from nuportal.experiments.na62.config import NA62Config
from nuportal.model import HNL
from nuportal.production import kl3

__all__ = ["generate_signal", "signal_weights", "write_signal_hepmc3"]

PDG = {"K+": 321, "pi0": 111, "gamma": 22, "e+": -11, "N": 5914}


def generate_signal(cfg: NA62Config, m_n: float, n: int, rng: np.random.Generator) -> dict:
    """``n`` signal decays at HNL mass ``m_n`` (GeV): lab four-momenta (n, 4) of the K+, pi0, both photons,
    e+ and N, the decay vertex z (m) and the geometric acceptance (bool)."""
    end = kl3.endpoint("e")
    require_range("HNL mass [GeV]", m_n, 0.0, end, low_open=True, high_open=True)
    rest = kl3.sample_kl3_events(rng, int(n), float(m_n), "e")
    ev = G.lab_event(rng, rest["p_pi"], rest["p_l"], cfg.beam, cfg.detector)
    gamma, m_k = ev.pop("gamma"), pdg_mass("K+")
    kaon = np.column_stack([gamma * m_k, np.zeros((gamma.size, 2)), m_k * np.sqrt(gamma**2 - 1.0)])
    return {"mass_GeV": float(m_n), "K+": kaon, "N": G.to_lab(rest["p_N"], gamma), **ev}


def signal_weights(cfg: NA62Config, events: dict, scenario: str, u2_e: float, majorana: bool = True):
    """(expected_events (n,), generated (n,)): each event's share of the expected signal of ``scenario``
    at |U_e|^2 = ``u2_e``, and of the produced decays (no acceptance)."""
    if scenario not in cfg.scenarios:
        raise NuportalInputError(f"unknown scenario {scenario!r}; allowed: {', '.join(cfg.scenarios)}")
    require_range("|U_e|^2", u2_e, 0.0, 1.0, low_open=True)
    m, n = events["mass_GeV"], events["z_vtx_m"].size
    per_event = cfg.scenarios[scenario].n_kaon * kl3.br_over_U2(m, "e") * u2_e / n
    hnl = HNL(m, {"e": u2_e}, majorana=majorana)
    p_n = np.linalg.norm(events["N"][:, 1:], axis=1)
    path_cm = (cfg.detector.detector_end_m - events["z_vtx_m"]) * 100.0
    p_vis = widths.visible_fraction(hnl) * widths.decay_probability(hnl, p_n, 0.0, path_cm)
    window = erf(cfg.analysis.k_window / np.sqrt(2.0))
    expected = per_event * cfg.detector.selection_efficiency * window * events["accepted"] * (1.0 - p_vis)
    return expected, np.full(n, per_event)


def write_signal_hepmc3(path, events: dict, weights: dict, run_info: dict | None = None) -> Path:
    """Write the events as HepMC3 (GeV, mm), atomically: K+ (status 4) -> pi0 (2) e+ N at the decay vertex,
    pi0 -> gamma gamma at the same point; named weights ``weights`` ({name: (n,)}); ``accepted`` as an
    event attribute; ``run_info`` as run attributes."""
    import json

    import pyhepmc as hp

    from nuportal.io import atomic_path
    from nuportal.mc.hepmc import _fv

    names = list(weights)
    w = np.column_stack([np.asarray(weights[k], float) for k in names])
    if not np.all(np.isfinite(w)) or np.any(w < 0):
        raise NuportalInputError("HepMC3 weights must be finite and >= 0")
    info = hp.GenRunInfo()
    info.weight_names = names
    info.tools = [hp.GenRunInfo.ToolInfo("nuportal", __version__, "NA62 K+ -> pi0 e+ N signal events")]
    for key, value in {"mass_GeV": events["mass_GeV"], "process": "K+ -> pi0 e+ N",
                       **(run_info or {})}.items():
        info.attributes[key] = json.dumps(value, default=str)
    path = Path(path)
    with atomic_path(path) as tmp, hp.open(tmp, "w", format="HepMC3") as f:
        for i in range(events["z_vtx_m"].size):
            evt = hp.GenEvent(hp.Units.GEV, hp.Units.MM)
            evt.run_info = info
            evt.event_number = i
            kaon = hp.GenParticle(_fv(events["K+"][i]), PDG["K+"], 4)
            pi0 = hp.GenParticle(_fv(events["pi0"][i]), PDG["pi0"], 2)
            vtx = hp.GenVertex(hp.FourVector(0.0, 0.0, float(events["z_vtx_m"][i]) * 1e3, 0.0))
            vtx.add_particle_in(kaon)
            vtx.add_particle_out(pi0)
            for key in ("e+", "N"):
                vtx.add_particle_out(hp.GenParticle(_fv(events[key][i]), PDG[key], 1))
            evt.add_vertex(vtx)
            decay = hp.GenVertex(hp.FourVector(0.0, 0.0, float(events["z_vtx_m"][i]) * 1e3, 0.0))
            decay.add_particle_in(pi0)
            for key in ("gamma1", "gamma2"):
                decay.add_particle_out(hp.GenParticle(_fv(events[key][i]), PDG["gamma"], 1))
            evt.add_vertex(decay)
            evt.weights = [float(x) for x in w[i]]
            evt.attributes["accepted"] = int(events["accepted"][i])
            f.write(evt)
    return path
