"""Reproduce reference 001 (NA48/2 and NA62 HNL searches in kaon decays): Figs. 2-5, 9 and the LNV limit.

Writes into the output folder (every CSV with version, configurations and seed; PNG next to it):

* ``na48_lnv_summary.json``        BR(K -> pi mu mu, LNV) limit from n_obs = 1, b = 1.16 (Sec. 3.1)
* ``fig2_kpimumu_br_vs_lifetime``  BR(K -> mu N) BR(N -> pi mu) limits vs m_N for a few lifetimes
* ``kpimumu_U2_mu``                their self-consistent |U_mu|^2 translation (LNV, LNC)
* ``<search>_spectrum``            SYNTHETIC missing-mass spectra (Figs. 3-4 left)
* ``<search>_limits`` / ``..._signal_upper_limit.png``  limits on signal events (Figs. 3-4 right),
  BR (Fig. 5) and |U_l|^2 (Fig. 9) per mass hypothesis
* ``fig5_br_upper_limits.png``, ``fig9_U2_limits.png``  with published limits overlaid

The K+ -> l+ N spectra are SYNTHETIC (nuportal background model with tuned levels), not the
experiments' data; every file and plot title says so.
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
from nuportal.experiments.kaon_searches import (  # noqa: E402
    PEAK_SEARCHES,
    SYNTHETIC_LABEL,
    load_kpimumu,
    load_peak_search,
    run_peak_search,
)
from nuportal.io import ensure_writable_dir, provenance, write_csv, write_json  # noqa: E402
from nuportal.limits import limits_for  # noqa: E402
from nuportal.plotting import plot_existing_limits, style_log_axes  # noqa: E402
from nuportal.recast import kpimumu  # noqa: E402
from nuportal.reproduce.na62_outputs import save_figure  # noqa: E402
from nuportal.search.peaks import plot_upper_limits  # noqa: E402

__all__ = ["reproduce", "lnv_summary", "kpimumu_tables"]

log = logging.getLogger(__name__)


def lnv_summary(cfg) -> dict:
    """NA48/2 LNV total: our Rolke-Lopez limit next to the published 8.6e-11 (reference 001)."""
    t = cfg.lnv_total
    ours = kpimumu.lnv_total_limit(t.n_obs, t.background, t.background_sigma_stat,
                                   t.background_sigma_syst, t.n_kaon_decays, t.acceptance, t.cl)
    return {"n_obs": t.n_obs, "background": t.background,
            "background_sigma_stat_syst_quadrature": ours["sigma_b"], "n_kaon_decays": t.n_kaon_decays,
            "acceptance_LNV": t.acceptance, "signal_events_upper_limit": ours["n_ul"],
            "BR_upper_limit": {"ours": ours["br_ul"], "paper": t.published_br_ul,
                               "ratio_ours_over_paper": ours["br_ul"] / t.published_br_ul},
            "cl": ours["cl"], "method": ours["method"], "sources": t.sources}


def kpimumu_tables(cfg, n_mass: int) -> tuple[dict, dict]:
    """(Fig. 2 columns: BR-product limit per lifetime and channel; |U_mu|^2 columns) vs m_N."""
    lm = cfg.lifetime_model
    m = np.linspace(lm.m_min_GeV, lm.m_max_GeV, n_mass)
    fig2 = {"m_N_GeV": m}
    for ch in ("LNV", "LNC"):
        for tau in lm.lifetimes_s:
            fig2[f"BR_product_UL_{ch}_tau_{tau:g}s"] = kpimumu.br_product_limit_vs_lifetime(
                lm.br_ul_prompt[ch], m, tau, lm.z_max_cm, lm.beam_momentum_GeV)
    u2 = {"m_N_GeV": m}
    for label, ch, maj in (("LNV_majorana", "LNV", True), ("LNC_majorana", "LNC", True),
                           ("LNC_dirac", "LNC", False)):
        lim = np.asarray(kpimumu.mixing_limit_from_kpimumu(
            lm.br_ul_prompt[ch], m, ch, z_max_cm=lm.z_max_cm, majorana=maj,
            beam_momentum_GeV=lm.beam_momentum_GeV))
        u2[f"U2_mu_UL_{label}"] = np.where(np.isfinite(lim), lim, 1.0)
        u2[f"excluded_{label}"] = np.isfinite(lim).astype(float)
    return fig2, u2


def _fig2(out: Path, cfg, meta: dict, n_mass: int) -> tuple[list[Path], dict]:
    fig2, u2 = kpimumu_tables(cfg, n_mass)
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.5), sharey=True)
    for ax, ch in zip(axes, ("LNV", "LNC"), strict=True):
        for key, y in fig2.items():
            if key.startswith(f"BR_product_UL_{ch}"):
                ax.plot(fig2["m_N_GeV"] * 1e3, y, label="tau = " + key.rsplit("_", 1)[1])
        style_log_axes(ax, r"$m_N$ [MeV]", rf"BR($K\to\mu N$) BR($N\to\pi\mu$) UL, {ch}, 90% CL",
                       legend_size=8)
        ax.set_title(f"{ch}: prompt limit {cfg.lifetime_model.br_ul_prompt[ch]:.1e} (typical NA48/2), "
                     f"z_max = {cfg.lifetime_model.z_max_cm:g} cm", fontsize=8)
    paths = [write_csv(out / "fig2_kpimumu_br_vs_lifetime.csv", fig2, meta),
             save_figure(fig, out / "fig2_kpimumu_br_vs_lifetime.png", meta),
             write_csv(out / "kpimumu_U2_mu.csv", u2, meta)]
    return paths, u2


def _spectrum_files(out: Path, res, meta: dict) -> list[Path]:
    cfg, sp = res.config, res.spectrum
    lo, hi = sp.edges[:-1], sp.edges[1:]
    cols = {"m_low_GeV": lo, "m_high_GeV": hi, "observed": sp.observed, "background": sp.background,
            "background_sigma": sp.background_sigma}
    cols.update({f"background[{k.replace(',', ';')}]": v for k, v in sp.components.items()})
    fig, ax = plt.subplots(figsize=(6.4, 4.8))
    x = 0.5 * (lo + hi) * 1e3
    ax.errorbar(x, sp.observed, yerr=np.sqrt(sp.observed), fmt=".", ms=2, color="k", label="observed")
    ax.stairs(sp.background, sp.edges * 1e3, color="tab:red", label="total background")
    for name, v in sp.components.items():
        ax.stairs(v, sp.edges * 1e3, lw=0.8, label=name)
    ax.axvspan(cfg.scan.m_min_GeV * 1e3, cfg.scan.m_max_GeV * 1e3, color="tab:orange", alpha=0.1,
               label="signal region")
    ax.set_yscale("log")
    ax.set_xlabel(r"$m_{miss}$ [MeV]")
    ax.set_ylabel(f"events / {cfg.histogram.bin_GeV * 1e3:g} MeV")
    ax.set_title(f"{cfg.name}: {SYNTHETIC_LABEL}", fontsize=8)
    ax.legend(fontsize=6)
    return [write_csv(out / f"{cfg.name}_spectrum.csv", cols, meta),
            save_figure(fig, out / f"{cfg.name}_spectrum.png", meta)]


def _limit_files(out: Path, res, meta: dict) -> list[Path]:
    fig, ax = plt.subplots(figsize=(10.0, 4.8))
    plot_upper_limits(ax, res.scan)
    ax.set_title(f"{res.config.name}: {SYNTHETIC_LABEL}\n{res.scan.method}", fontsize=7)
    return [write_csv(out / f"{res.config.name}_limits.csv", res.columns(), meta),
            save_figure(fig, out / f"{res.config.name}_signal_upper_limit.png", meta)]


def _fig5_fig9(out: Path, results: dict, u2_kpimumu: dict, meta: dict | None = None) -> list[Path]:
    fig5, axes5 = plt.subplots(1, 2, figsize=(11, 4.5), layout="constrained")
    fig9, axes9 = plt.subplots(1, 2, figsize=(12, 6.5), layout="constrained")
    for ax5, ax9, res in zip(axes5, axes9, results.values(), strict=True):
        lep, m = res.config.lepton, res.scan.masses * 1e3
        tex = {"mu": r"\mu", "e": "e"}[lep]
        label = f"{res.config.name} (SYNTHETIC spectrum), 90% CL"
        ax5.plot(m, res.br_ul, drawstyle="steps-mid", color="k", label=label)
        style_log_axes(ax5, r"$m_N$ [MeV]", rf"UL on BR($K^+\to {tex}^+ N$)", legend_size=7)
        ax9.plot(res.scan.masses, res.u2_ul, drawstyle="steps-mid", color="k", lw=1.5, label=label)
        if lep == "mu":
            sel = u2_kpimumu["excluded_LNV_majorana"] > 0
            ax9.plot(u2_kpimumu["m_N_GeV"][sel], u2_kpimumu["U2_mu_UL_LNV_majorana"][sel], color="tab:blue",
                     lw=2.0, zorder=4,
                     label=r"NA48/2 $K\to\pi\mu\mu$ (LNV, typical prompt BR limit), this recast")
        plot_existing_limits(ax9, limits_for(lep))
        ax9.set_xlim(0.1, 0.5)
        style_log_axes(ax9, r"$m_N$ [GeV]", rf"$|U_{{{tex}}}|^2$ upper limit", ylim=(1e-10, 1e-2))
        ax9.legend(fontsize=6.5, loc="upper center", bbox_to_anchor=(0.5, -0.13), ncols=1)
    return [save_figure(fig5, out / "fig5_br_upper_limits.png", meta),
            save_figure(fig9, out / "fig9_U2_limits.png", meta)]


def reproduce(out, seed: int = 1, n_background: int | None = None, quick: bool = False,
              full: bool = False) -> list[Path]:
    """Write every figure, CSV and the LNV summary of reference 001.

    ``n_background`` sets the simulated events per background component of the synthetic spectra
    (default: configuration); ``quick`` uses 2e4 events, 5 MeV scan steps and a coarse m_N grid.
    """
    if n_background is not None and n_background < 1000:
        raise NuportalInputError(f"--n-background = {n_background} is outside the allowed range [1000, inf)")
    n_mc = n_background if n_background is not None else (20_000 if quick else None)
    out = ensure_writable_dir(out)
    kcfg = load_kpimumu()
    pcfgs = {name: load_peak_search(name) for name in PEAK_SEARCHES}
    configs = {"na48_kpimumu": kcfg.model_dump(), **{k: v.model_dump() for k, v in pcfgs.items()}}
    meta = provenance(configs, seed, reference="001", n_background_per_component=n_mc,
                      synthetic_spectra=SYNTHETIC_LABEL)
    rng = np.random.default_rng(seed)
    summary = {"provenance": meta, "na48_lnv": lnv_summary(kcfg)}
    paths, u2 = _fig2(out, kcfg, meta, 25 if quick else 134)
    results = {name: run_peak_search(cfg, rng, n_mc=n_mc, step_GeV=0.005 if quick else None)
               for name, cfg in pcfgs.items()}
    for res in results.values():
        paths += _spectrum_files(out, res, meta) + _limit_files(out, res, meta)
        summary[res.config.name] = {"synthetic": True, **res.scan.summary(),
                                    "signal_upper_total_range": [float(res.n_ul_total.min()),
                                                                 float(res.n_ul_total.max())],
                                    "U2_upper_limit_range": [float(res.u2_ul.min()), float(res.u2_ul.max())]}
    paths += _fig5_fig9(out, results, u2, meta)
    write_json(out / "na48_lnv_summary.json", summary)
    paths.append(out / "na48_lnv_summary.json")
    from nuportal.reproduce.report import Check, write_report

    br = summary["na48_lnv"]["BR_upper_limit"]
    checks = [Check("BR(K -> pi mu mu, LNV) upper limit, 90% CL", br["paper"], br["ours"],
                    rel_tol=0.05,
                    why="Rolke-Lopez; N_K ~1.6e11 (rounded in the proceedings); acceptance unverified")]
    paths.append(write_report(out, "001", "NA48/2 and NA62 HNL searches in kaon decays", checks, meta))
    print(json.dumps(summary["na48_lnv"], indent=1))
    for p in paths:
        print(p)
    return paths
