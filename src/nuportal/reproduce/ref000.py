"""Reproduce reference 000 (NA62 K+ -> pi0 e+ N projected sensitivity): Figs. 1-4 and key numbers.

Writes into the output folder (every CSV with version, configuration and seed):

* ``fig1_production_br.{csv,png}``   BR / |U|^2 of K -> e N, mu N, pi0 e N, pi0 mu N
* ``fig2_background_m2miss.{csv,png}`` reconstructed m2_miss background, no veto, N_K = 3e10
* ``fig3_background_theta.{csv,png}``  background density in (true m2_miss, theta_gamma)
* ``fig4_reach.png`` and ``na62-k2pi0eN_<scenario>.csv``  projected |U_e|^2 reach
* ``k_scan.csv``  s/sqrt(b) versus the window half-width k at m_N = 150 MeV
* ``shape_vs_count.{csv,png}``  binned profile-likelihood reach next to the cut-and-count
* ``summary.json``  the figures quoted in the paper's text, next to ours
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
from nuportal.experiments.na62 import load_config  # noqa: E402
from nuportal.experiments.na62.background import M2_EDGES_2D, THETA_EDGES  # noqa: E402
from nuportal.experiments.na62.reach import k_scan, reach_curve, window_bounds  # noqa: E402
from nuportal.experiments.na62.shape import shape_reach  # noqa: E402
from nuportal.experiments.na62.study import run_study  # noqa: E402
from nuportal.io import ensure_writable_dir, provenance, write_csv, write_json  # noqa: E402
from nuportal.plotting import (  # noqa: E402
    plot_curves,
    plot_density_2d,
    plot_spectrum,
    style_log_axes,
)
from nuportal.production.processes import PROCESSES  # noqa: E402
from nuportal.reproduce.na62_outputs import plot_reach, save_figure, write_reach_csvs  # noqa: E402

__all__ = ["reproduce", "summary_numbers"]

log = logging.getLogger(__name__)
_FIG1 = ("K+ -> e+ N", "K+ -> mu+ N", "K+ -> pi0 e+ N", "K+ -> pi0 mu+ N")


def fig1(out: Path, meta: dict) -> list[Path]:
    """Production BR / |U|^2 versus m_N for the four kaon channels (paper Fig. 1)."""
    m = np.linspace(1e-3, 0.49, 491)
    cols = {"m_N_GeV": m}
    for name in _FIG1:
        p = PROCESSES[name]
        cols[f"BR_over_U2[{name}]"] = np.where(m < p.endpoint,
                                               p.br_over_U2(np.minimum(m, p.endpoint)), 0.0)
    fig, ax = plt.subplots(figsize=(6.4, 4.8))
    plot_curves(ax, m, {k[11:-1]: np.where(v > 0, v, np.nan) for k, v in cols.items()
                        if k != "m_N_GeV"}, lw=2)
    style_log_axes(ax, r"$m_N$ [GeV]", r"BR / $|U_\alpha|^2$", ylim=(1e-6, 10))
    return [write_csv(out / "fig1_production_br.csv", cols, meta),
            save_figure(fig, out / "fig1_production_br.png", meta)]


def fig2(out: Path, study, meta: dict) -> list[Path]:
    """Reconstructed m2_miss background, radiative photon undetected (paper Fig. 2)."""
    n_k = study.config.scenarios["run1"].n_kaon
    m2 = np.linspace(-0.02, 0.13, 301)
    bin_w = m2[1] - m2[0]
    no_veto = study.background.density(m2, veto=False) * n_k * bin_w
    vetoed = study.background.density(m2, veto=True) * n_k * bin_w
    win = window_bounds(0.150, study.config.analysis.sigma_m2_GeV2, study.config.analysis.k_window)
    fig, ax = plt.subplots(figsize=(6.4, 4.8))
    plot_spectrum(ax, m2, no_veto, window=win, color="tab:blue",
                  label=r"$K^+\to\pi^0 e^+\nu(\gamma)$, $\gamma$ undetected")
    plot_spectrum(ax, m2, vetoed, color="tab:cyan", ls="--", label="after photon veto")
    ax.set_yscale("log")
    ax.set_ylim(0.1, 5 * no_veto.max())
    ax.set_xlabel(r"$m^2_{miss}$ [GeV$^2$]")
    ax.set_ylabel(f"events / {bin_w:.1e} GeV$^2$ ($N_K$ = {n_k:.1e})")
    ax.set_title(f"total reconstructed: {study.background.total() * n_k:.3g} events")
    ax.legend(fontsize=7)
    ax.grid(alpha=0.3, which="both")
    cols = {"m2_miss_GeV2": m2, "events_per_bin_no_veto": no_veto,
            "events_per_bin_after_veto": vetoed}
    return [write_csv(out / "fig2_background_m2miss.csv", cols, {**meta, "bin_width_GeV2": bin_w}),
            save_figure(fig, out / "fig2_background_m2miss.png", meta)]


def fig3(out: Path, study, meta: dict) -> list[Path]:
    """Background density in (true m2_miss, theta_gamma) with the 50 mrad line (paper Fig. 3)."""
    n_k = study.config.scenarios["run1"].n_kaon
    dens = study.background.density_2d * n_k
    fig, ax = plt.subplots(figsize=(6.4, 4.8))
    (mesh,) = plot_density_2d(ax, M2_EDGES_2D, THETA_EDGES, dens, cmap="viridis")
    fig.colorbar(mesh, ax=ax, label="events per bin")
    ax.axhline(study.config.photon_veto.theta_max_rad, color="r", ls="--",
               label=r"$\theta_{max}$ = 50 mrad")
    ax.set_yscale("log")
    ax.set_xlabel(r"true $m^2_{miss}$ [GeV$^2$]")
    ax.set_ylabel(r"$\theta_\gamma$ [rad]")
    ax.legend(loc="lower right")
    cx = np.repeat(0.5 * (M2_EDGES_2D[1:] + M2_EDGES_2D[:-1]), THETA_EDGES.size - 1)
    cy = np.tile(np.sqrt(THETA_EDGES[1:] * THETA_EDGES[:-1]), M2_EDGES_2D.size - 1)
    cols = {"m2_miss_true_GeV2": cx, "theta_gamma_rad": cy, "events": dens.ravel()}
    return [write_csv(out / "fig3_background_theta.csv", cols, meta),
            save_figure(fig, out / "fig3_background_theta.png", meta)]


def fig4(out: Path, study, meta: dict | None = None) -> list[Path]:
    """Projected reach of the three scenarios with existing limits (paper Fig. 4)."""
    paths = write_reach_csvs(study, out)
    fig, ax = plt.subplots(figsize=(10.5, 5.0))
    plot_reach(ax, study)
    ax.set_xlim(0.06, 0.36)
    paths.append(save_figure(fig, out / "fig4_reach.png", meta))
    return paths


def k_scan_file(out: Path, study, meta: dict) -> list[Path]:
    """s/sqrt(b) versus k at 150 MeV, normalised to its maximum; printed and written."""
    ks, fom = k_scan(study.config, study.background, 0.150)
    fom = fom / fom.max()
    print("# s/sqrt(b) (relative) versus window half-width k, m_N = 150 MeV")
    for k, f in zip(ks, fom, strict=True):
        print(f"  k = {k:4.2f}  {f:6.3f}{'  <- optimum' if f == 1.0 else ''}")
    return [write_csv(out / "k_scan.csv", {"k": ks, "s_over_sqrt_b_relative": fom}, meta)]


def shape_file(out: Path, study, meta: dict) -> list[Path]:
    """Binned profile-likelihood reach (Run 1) next to the cut-and-count."""
    curve = study.curves["run1"]
    u2_shape = shape_reach(study.config, "run1", study.background, study.efficiency,
                           curve.m_N_GeV)
    cols = {"m_N_GeV": curve.m_N_GeV, "U2_e_cut_and_count": curve.U2_e_median_exclusion,
            "U2_e_shape": u2_shape}
    fig, ax = plt.subplots(figsize=(6.4, 4.8))
    plot_curves(ax, curve.m_N_GeV, {"cut-and-count (+-1.4 sigma window)":
                                    curve.U2_e_median_exclusion,
                                    "binned profile likelihood (CLs+b, Asimov)": u2_shape}, lw=2)
    style_log_axes(ax, r"$m_N$ [GeV]", r"$|U_e|^2$ median expected 90% CL exclusion, Run 1")
    return [write_csv(out / "shape_vs_count.csv", cols, meta),
            save_figure(fig, out / "shape_vs_count.png", meta)]


def summary_numbers(study) -> dict:
    """The paper's quoted numbers next to ours (Secs. III-V of reference 000)."""
    cfg = study.config
    n_k = cfg.scenarios["run1"].n_kaon
    m = np.linspace(0.125, 0.144, 20)
    lo, hi = window_bounds(m, cfg.analysis.sigma_m2_GeV2, cfg.analysis.k_window)
    veto = study.background.window(lo, hi, True) / study.background.window(lo, hi, False)
    corr = study.background.with_treatment("correlated")
    veto_corr = corr.window(lo, hi, True) / corr.window(lo, hi, False)
    out = {
        "veto_acceptance_treatment": study.background.veto_treatment,
        "total_background_run1": {"ours": study.background.total() * n_k, "paper": 1.5e8},
        "mean_veto_efficiency_125_144MeV": {"ours": float(veto.mean()), "paper": 0.017,
                                            "ours_correlated_treatment": float(veto_corr.mean())},
        "eps_sig_below_150MeV": {"ours": float(study.efficiency(np.array([0.1]))[0]),
                                 "paper": "about 0.10"},
    }
    for name, paper in (("run1", 2e-6), ("dedicated-trigger", 1e-7)):
        if name in study.curves:
            c = study.curves[name]
            c_corr = reach_curve(cfg, name, corr, study.efficiency, c.m_N_GeV)
            sel = (c.m_N_GeV >= 0.125) & (c.m_N_GeV <= 0.144)
            out[f"U2_e_exclusion_125_144MeV_{name}"] = {
                "ours_min": float(c.U2_e_median_exclusion[sel].min()),
                "ours_max": float(c.U2_e_median_exclusion[sel].max()), "paper": paper,
                "ours_correlated_treatment_min": float(c_corr.U2_e_median_exclusion[sel].min()),
                "background_mc_rel_error_max": float(c.background_mc_rel_error[sel].max())}
    return out


def report_checks(numbers: dict) -> list:
    """Paper against nuportal for ``report.md`` (from :func:`summary_numbers`)."""
    from nuportal.reproduce.report import Check

    mc = numbers["U2_e_exclusion_125_144MeV_run1"]["background_mc_rel_error_max"]
    fig = "read off the paper's figure (≈)"
    return [
        Check("total reconstructed background, N_K = 3e10", 1.5e8, numbers["total_background_run1"]["ours"],
              rel_tol=0.15, why="the paper prints ≈1.5e8"),
        Check("mean veto efficiency, 125-144 MeV windows", 0.017,
              numbers["mean_veto_efficiency_125_144MeV"]["ours"], rel_tol=0.10,
              why="factorised veto x acceptance (config); correlated treatment in summary.json"),
        Check("signal acceptance below 150 MeV", 0.10, numbers["eps_sig_below_150MeV"]["ours"], rel_tol=0.10,
              why="the paper: 'about 10%'"),
        Check("median exclusion |U_e|^2, 125-144 MeV, Run 1 (best)", 2e-6,
              numbers["U2_e_exclusion_125_144MeV_run1"]["ours_min"], factor=1.5, why=fig, mc_rel_error=mc),
        Check("median exclusion |U_e|^2, 125-144 MeV, dedicated trigger (best)", 1e-7,
              numbers["U2_e_exclusion_125_144MeV_dedicated-trigger"]["ours_min"], factor=1.5, why=fig,
              mc_rel_error=mc),
    ]


#: Radiative decays generated by the default (demo) tier; ``--full`` uses the configuration's 1e7.
DEMO_BACKGROUND = 2_000_000


def reproduce(out, seed: int = 1, n_background: int | None = None, quick: bool = False,
              full: bool = False) -> list[Path]:
    """Run the study once and write every figure, CSV and the summary of reference 000.

    ``quick`` generates 2e5 radiative decays (smoke runs), the default :data:`DEMO_BACKGROUND` (the demo;
    the background MC error is in summary.json), ``full`` the configured number (1e7).
    """
    if quick and n_background is None:
        n_background = 200_000
    elif not full and n_background is None:
        n_background = DEMO_BACKGROUND
    if n_background is not None and n_background < 1:
        raise NuportalInputError(
            f"--n-background = {n_background} is outside the allowed range [1, inf)")
    out = ensure_writable_dir(out)
    cfg = load_config()
    study = run_study(cfg, seed=seed, n_background=n_background)
    meta = provenance(cfg, seed, reference="000", n_background_generated=study.background.n_generated)
    paths = fig1(out, meta) + fig2(out, study, meta) + fig3(out, study, meta) + fig4(out, study, meta)
    paths += k_scan_file(out, study, meta) + shape_file(out, study, meta)
    summary = {"provenance": meta, "numbers": summary_numbers(study)}
    write_json(out / "summary.json", summary)
    paths.append(out / "summary.json")
    from nuportal.reproduce.report import write_report

    paths.append(write_report(out, "000", "NA62 K+ -> pi0 e+ N projection", report_checks(summary["numbers"]),
                              meta))
    print(json.dumps(summary["numbers"], indent=1))
    for p in paths:
        print(p)
    return paths
