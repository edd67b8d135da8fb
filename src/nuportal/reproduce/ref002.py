"""Reproduce reference 002 (NA62 neutrino tagging, WIN25): kinematics, yields, Poisson statements.

Writes into the output folder (every CSV with version, configuration and seed):

* ``enu_vs_muon_angle.{csv,png}``  E_nu versus the muon lab angle and versus p_mu for p_K = 75 GeV/c
  (K+ -> mu+ nu two-body kinematics), the reference-002 candidate marked
* ``yield_vs_kaon_decays.{csv,png}``  expected tagged neutrinos versus the number of K+ decays, with the
  2022 point of the talk and the projection to a three times larger data set
* ``summary.json``  the talk's numbers next to ours
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from nuportal.errors import NuportalInputError  # noqa: E402
from nuportal.io import ensure_writable_dir, provenance, write_csv, write_json  # noqa: E402
from nuportal.reproduce.na62_outputs import save_figure  # noqa: E402
from nuportal.tagging import kinematics as kin  # noqa: E402
from nuportal.tagging import yields  # noqa: E402
from nuportal.tagging.config import TagConfig, load_config  # noqa: E402

__all__ = ["reproduce", "candidate_numbers", "inelasticity_variants", "yield_numbers",
           "statistics_numbers"]

log = logging.getLogger(__name__)
P_BEAM_PLOT_GEV = 75.0


def candidate_numbers(cfg: TagConfig) -> dict:
    """E_nu, the opening angle implied by m2_miss = 0 and by the measured m2_miss, LKr impact radius."""
    c = cfg.candidate
    z_lkr = cfg.geometry.lkr_z_m
    two_body = kin.tag_event(c.p_kaon_GeV, c.p_muon_GeV, None, c.vertex_z_m, z_lkr)
    theta_meas = float(kin.muon_angle_from_m2(c.p_kaon_GeV, c.p_muon_GeV, c.m2_miss_GeV2))
    measured = kin.tag_event(c.p_kaon_GeV, c.p_muon_GeV, theta_meas, c.vertex_z_m, z_lkr)
    return {
        "E_nu_GeV": {"ours": two_body["E_nu_GeV"], "talk": c.e_nu_GeV,
                     "note": "inputs printed to 0.01 GeV/c: |ours - talk| <= 0.01 expected"},
        "E_nu_collinear_GeV": two_body["E_nu_collinear_GeV"],
        "theta_mu_mrad": {"two_body_m2_0": two_body["theta_mu_mrad"],
                          "from_measured_m2": measured["theta_mu_mrad"]},
        "theta_nu_mrad": {"two_body_m2_0": two_body["theta_nu_mrad"],
                          "from_measured_m2": measured["theta_nu_mrad"]},
        "p_nu_GeV": {"two_body_m2_0": two_body["p_nu_GeV"], "from_measured_m2": measured["p_nu_GeV"]},
        "r_LKr_mm": {"two_body_m2_0": two_body["r_at_plane_mm"],
                     "from_measured_m2": measured["r_at_plane_mm"], "talk_LKr_signal": c.r_lkr_mm,
                     "note": "straight line from a vertex on the beam axis to the LKr front face; the "
                             "talk quotes the LKr signal position (shower depth, beam offsets) and "
                             "d_LKr = 31.4 mm between prediction and signal"},
    }


def inelasticity_variants(cfg: TagConfig) -> dict:
    """y = E_had / E_nu for several E_had definitions, next to the talk's 0.69.

    Muon deposits are minimum-ionising losses (PDG dE/dx_min) of the CC muon crossing MUV1 and MUV2
    (vertex in the LKr; half the LKr as a variant).
    """
    c = cfg.candidate
    mats = {m.name: m for m in cfg.materials}
    mip = {n: float(kin.muon_mip_energy(m.column_density_g_cm2, m.dedx_min_MeV_cm2_g))
           for n, m in mats.items()}
    e_sum = c.e_lkr_GeV + c.e_muv1_GeV + c.e_muv2_GeV
    e_nu = c.e_nu_GeV
    variants = {
        "sum_LKr_MUV1_MUV2": e_sum,
        "sum_minus_muon_mip_MUV1_MUV2": e_sum - mip.get("MUV1", 0.0) - mip.get("MUV2", 0.0),
        "sum_minus_muon_mip_MUV1_MUV2_half_LKr": e_sum - mip.get("MUV1", 0.0) - mip.get("MUV2", 0.0)
        - 0.5 * mip.get("LKr", 0.0),
        "LKr_MUV1_only": c.e_lkr_GeV + c.e_muv1_GeV,
    }
    out = {k: {"E_had_GeV": v, "y": float(kin.inelasticity(v, e_nu))} for k, v in variants.items()}
    out["scale_factor_needed_for_sum"] = c.inelasticity / out["sum_LKr_MUV1_MUV2"]["y"]
    out["muon_mip_GeV"] = mip
    out["talk"] = c.inelasticity
    out["adopted"] = "sum_minus_muon_mip_MUV1_MUV2"
    return out


def yield_numbers(cfg: TagConfig, rng: np.random.Generator, n_mc: int) -> dict:
    """Calibrated and physics-only (eps_sel = 1) yields for the talk's N_K, A_geo MC vs analytic."""
    ref = cfg.reference
    physics = yields.expected_yield(ref.n_kaon_decays, cfg, rng, n_mc=n_mc, efficiency=1.0)
    n_phys = float(physics.n_tagged)
    calibrated = n_phys * cfg.selection.efficiency
    nu_only = yields.acceptance_mask(yields.sample_kmu2(cfg, rng, n_mc, momentum_spread=False), cfg,
                                     require_muon=False).mean()
    return {
        "n_kaon_decays": ref.n_kaon_decays,
        "N_sig": {"ours_with_configured_eps_sel": calibrated, "talk": ref.n_signal,
                  "ratio_ours_over_talk": calibrated / ref.n_signal,
                  "eps_sel": cfg.selection.efficiency, "eps_sel_calibrated": cfg.selection.calibrated},
        "N_physics_only_eps_sel_1": n_phys,
        "implied_eps_sel": ref.n_signal / n_phys,
        "factors": {"BR_K_mu2": physics.br, "A_geo": physics.acceptance,
                    "A_geo_mc_error": physics.acceptance_mc_error,
                    "P_int_mean_accepted": physics.p_int_accepted,
                    "mean_E_nu_accepted_GeV": physics.mean_e_nu_accepted_GeV,
                    "column_density_g_cm2": yields.column_density_g_cm2(cfg)},
        "A_geo_neutrino_only": {"mc_fixed_p": float(nu_only),
                                "analytic": yields.annulus_acceptance_analytic(cfg)},
        "per_decay_physics_only": physics.per_decay,
    }


def statistics_numbers(cfg: TagConfig, n_signal: float | None = None) -> dict:
    """Poisson statements of the talk and the projection to the larger data set."""
    ref = cfg.reference
    s = ref.n_signal if n_signal is None else n_signal
    obs = yields.observation_statistics(s, ref.n_background, ref.n_observed)
    obs["talk_P_n_obs_given_s_plus_b"] = ref.p_one_event_signal_plus_background
    obs["talk_P_n_obs_given_b"] = ref.p_one_event_background
    return {"observation": obs, "projection": yields.projection(s, ref.n_background,
                                                                ref.data_scale_projection)}


def _two_body_curves(p_kaon: float):
    """(theta [rad], E_nu low/high branch, p_mu low/high branch) of K+ -> mu+ nu at ``p_kaon``."""
    theta = np.linspace(0.0, float(kin.max_muon_angle(p_kaon)) * (1 - 1e-9), 400)
    e_lo, e_hi = kin.neutrino_energy_from_muon_angle(p_kaon, theta)
    p_lo, p_hi = kin.two_body_muon_momentum(p_kaon, theta)
    return theta, e_lo, e_hi, p_lo, p_hi


def kinematics_files(out: Path, cfg: TagConfig, meta: dict) -> list[Path]:
    """E_nu versus muon angle (both branches) and versus p_mu, at the nominal p_K = 75 GeV/c and at the
    candidate's own p_K (on which curve the candidate lies); candidate marked."""
    c = cfg.candidate
    cand = kin.tag_event(c.p_kaon_GeV, c.p_muon_GeV)
    fig, (a1, a2) = plt.subplots(1, 2, figsize=(11, 4.5), layout="constrained")
    curves = {}
    for p_k, ls, tag in ((P_BEAM_PLOT_GEV, "-", "nominal beam"), (c.p_kaon_GeV, "--", "candidate's")):
        theta, e_lo, e_hi, p_lo, p_hi = curves[p_k] = _two_body_curves(p_k)
        a1.plot(1e3 * theta, e_hi, ls=ls, color="tab:blue",
                label=rf"high-$p_\mu$ branch, $p_K$ = {p_k:g} GeV/c ({tag})")
        a1.plot(1e3 * theta, e_lo, ls=ls, color="tab:orange",
                label=rf"low-$p_\mu$ branch, $p_K$ = {p_k:g} GeV/c ({tag})")
        a2.plot(np.concatenate([p_lo, p_hi[::-1]]), np.concatenate([e_lo, e_hi[::-1]]), ls=ls,
                color="tab:blue", label=f"$p_K$ = {p_k:g} GeV/c ({tag})")
    for ax, x in ((a1, cand["theta_mu_mrad"]), (a2, c.p_muon_GeV)):
        ax.plot([x], [cand["E_nu_GeV"]], "r*", ms=12,
                label=f"candidate ($p_K$ = {c.p_kaon_GeV} GeV/c), $E_\\nu$ = {cand['E_nu_GeV']:.2f} GeV")
        ax.set_ylabel(r"$E_\nu$ [GeV]")
        ax.grid(alpha=0.3)
        ax.legend(fontsize=6.5)
    a1.set_xlabel(r"muon lab angle $\theta_\mu$ [mrad]")
    a2.set_xlabel(r"$p_\mu$ [GeV/c]")
    theta, e_lo, e_hi, p_lo, p_hi = curves[P_BEAM_PLOT_GEV]
    cols = {"theta_mu_mrad": 1e3 * theta, "p_mu_low_GeV": p_lo, "E_nu_low_GeV": e_lo,
            "p_mu_high_GeV": p_hi, "E_nu_high_GeV": e_hi}
    theta, e_lo, e_hi, p_lo, p_hi = curves[c.p_kaon_GeV]
    cols.update({"theta_mu_mrad_candidate_pK": 1e3 * theta, "E_nu_low_GeV_candidate_pK": e_lo,
                 "E_nu_high_GeV_candidate_pK": e_hi})
    m = {**meta, "p_kaon_GeV": P_BEAM_PLOT_GEV, "candidate_p_kaon_GeV": c.p_kaon_GeV, "candidate": cand}
    return [write_csv(out / "enu_vs_muon_angle.csv", cols, m),
            save_figure(fig, out / "enu_vs_muon_angle.png", m)]


def yield_files(out: Path, cfg: TagConfig, per_decay_physics: float, meta: dict) -> list[Path]:
    """N_tagged versus N_K (calibrated and physics-only), with the 2022 and projection points."""
    ref = cfg.reference
    nk = np.logspace(11, 14, 61)
    n_cal = nk * per_decay_physics * cfg.selection.efficiency
    fig, ax = plt.subplots(figsize=(6.4, 4.8))
    ax.plot(nk, n_cal, "k-", label=f"ours, eps_sel = {cfg.selection.efficiency:.2g} (calibrated)")
    ax.errorbar([ref.n_kaon_decays], [ref.n_signal], yerr=[np.hypot(ref.n_signal_stat,
                ref.n_signal_syst)], fmt="rs", label="NA62 2022 (talk): 0.208")
    n3 = ref.data_scale_projection * ref.n_kaon_decays
    ax.plot([n3], [ref.data_scale_projection * ref.n_signal], "b^",
            label=f"projection x{ref.data_scale_projection:g}")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel(r"K$^+$ decays in the fiducial volume")
    ax.set_ylabel("expected tagged neutrinos (CC, selected)")
    ax.grid(alpha=0.3, which="both")
    ax.legend(fontsize=7)
    cols = {"n_kaon_decays": nk, "n_tagged_calibrated": n_cal,
            "n_interacting_physics_only": nk * per_decay_physics}
    return [write_csv(out / "yield_vs_kaon_decays.csv", cols, meta),
            save_figure(fig, out / "yield_vs_kaon_decays.png", meta)]


def report_checks(numbers: dict) -> list:
    """Talk against nuportal for ``report.md``."""
    from nuportal.reproduce.report import Check

    cand, obs = numbers["candidate"], numbers["statistics_talk_inputs"]["observation"]
    inel = numbers["inelasticity"]
    return [
        Check("E_nu of the tagged candidate [GeV]", 52.09, cand["E_nu_GeV"]["ours"], rel_tol=0.001,
              why="inputs printed to 0.01 GeV/c"),
        Check("P(n = 1 | s + b), s = 0.208, b = 0.034", 0.19, obs["P_n_obs_given_s_plus_b"], rel_tol=0.03,
              why="the talk rounds to 2 digits"),
        Check("P(n = 1 | b)", 0.03, obs["P_n_obs_given_b"], rel_tol=0.15, why="the talk rounds to 1 digit"),
        Check("inelasticity of the candidate", 0.69, inel[inel["adopted"]]["y"], rel_tol=0.02,
              why="calorimeter sum minus the muon's MIP loss"),
        Check("expected tagged nu events N_sig", 0.208,
              numbers["yield"]["N_sig"]["ours_with_configured_eps_sel"],
              why="selection efficiency calibrated to the talk: not an independent check"),
    ]


def reproduce(out, seed: int = 1, n_background: int | None = None, quick: bool = False,
              full: bool = False) -> list[Path]:
    """Write the reference-002 files and summary; ``n_background`` sets the acceptance MC size.

    ``quick`` uses 2e4 Monte Carlo decays instead of 2e5 (runs in seconds either way).
    """
    if n_background is not None and n_background < 1:
        raise NuportalInputError(f"--n-background = {n_background} is outside the allowed range [1, inf)")
    n_mc = n_background if n_background is not None else (20_000 if quick else 200_000)
    out = ensure_writable_dir(out)
    cfg = load_config()
    rng = np.random.default_rng(seed)
    meta = provenance(cfg, seed, reference="002", n_mc=n_mc)
    ylds = yield_numbers(cfg, rng, n_mc)
    numbers = {"candidate": candidate_numbers(cfg), "inelasticity": inelasticity_variants(cfg),
               "yield": ylds, "statistics_talk_inputs": statistics_numbers(cfg),
               "statistics_our_signal": statistics_numbers(
                   cfg, ylds["N_sig"]["ours_with_configured_eps_sel"])}
    paths = kinematics_files(out, cfg, meta)
    paths += yield_files(out, cfg, ylds["per_decay_physics_only"], meta)
    summary = {"provenance": meta, "numbers": numbers}
    write_json(out / "summary.json", summary)
    paths.append(out / "summary.json")
    from nuportal.reproduce.report import write_report

    paths.append(write_report(out, "002", "NA62 neutrino tagging", report_checks(numbers), meta))
    print(json.dumps(numbers, indent=1, default=str))
    for p in paths:
        print(p)
    return paths
