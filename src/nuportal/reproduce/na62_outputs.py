"""Files and figures of the NA62 K+ -> pi0 e+ N study (shared by `reach` and `reproduce 000`)."""

from __future__ import annotations

import logging
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from nuportal.errors import NuportalInputError  # noqa: E402
from nuportal.experiments.na62 import load_config  # noqa: E402
from nuportal.experiments.na62.study import Study, run_study  # noqa: E402
from nuportal.io import (  # noqa: E402
    ensure_writable_dir,
    provenance,
    write_csv,
)
from nuportal.limits import limits_for  # noqa: E402
from nuportal.locking import locks_output
from nuportal.plotting import plot_curves, plot_existing_limits  # noqa: E402

__all__ = ["reach_command", "write_reach_csvs", "plot_reach", "save_figure", "EXPERIMENT"]

log = logging.getLogger(__name__)
EXPERIMENT = "na62-k2pi0eN"
_STYLES = {"run1": dict(color="k", ls="-"), "run1-2024": dict(color="k", ls="--"),
           "dedicated-trigger": dict(color="k", ls=":")}


def save_figure(fig, path: Path, meta: dict | None = None) -> Path:
    """Save a figure atomically as PNG (version, seed and configuration in its metadata) and close it."""
    from nuportal.io import save_figure as _save

    return _save(fig, path, meta, dpi=150, bbox_inches="tight")


def _statistic_label(cfg) -> str:
    a = cfg.analysis
    return (f"{a.cl:.0%} CL cut-and-count in m2_miss window m_N^2 +- {a.k_window} sigma; detection: "
            f"s >= z sqrt(b), median expected exclusion: s >= z sqrt(b+s) (CLs+b), z = z({a.cl}); "
            f"statistics={a.statistics} (exact Poisson medians below b = 100); veto-acceptance "
            f"treatment: {cfg.photon_veto.acceptance_correlation}")


def write_reach_csvs(study: Study, out: Path, **extra_meta) -> list[Path]:
    """One CSV per scenario: ``<out>/na62-k2pi0eN_<scenario>.csv`` with provenance header."""
    paths = []
    for name, curve in study.curves.items():
        meta = provenance(study.config, study.seed, experiment=EXPERIMENT, scenario=name,
                          n_kaon=curve.n_kaon, n_background_generated=study.background.n_generated,
                          statistic=_statistic_label(study.config),
                          **extra_meta)
        paths.append(write_csv(out / f"{EXPERIMENT}_{name}.csv", curve.columns(), meta))
    return paths


def plot_reach(ax, study: Study, kind: str = "U2_e_median_exclusion", limits: bool = True):
    """Draw the scenario curves of ``study`` and the existing |U_e|^2 limits on ``ax``."""
    cfg = study.config
    for name, c in study.curves.items():
        label = f"NA62 K+->pi0 e+ N, {cfg.scenarios[name].label}"
        plot_curves(ax, c.m_N_GeV, {label: (getattr(c, kind), _STYLES.get(name, {}))}, lw=2)
    if limits:
        plot_existing_limits(ax, limits_for("e"))
        _seesaw(ax)
    ax.set_xscale("linear")
    ax.set_yscale("log")
    ax.set_xlabel(r"$m_N$ [GeV]")
    what = "median expected exclusion" if "exclusion" in kind else "detection sensitivity"
    ax.set_ylabel(r"$|U_e|^2$" + f" ({cfg.analysis.cl:.0%} CL {what})")
    ax.set_xlim(0.0, 0.36)
    ax.set_ylim(1e-13 if limits else 1e-10, 1e-3)
    ax.legend(fontsize=6, loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0.0)
    ax.grid(alpha=0.3, which="both")


def _seesaw(ax) -> None:
    """The type-I seesaw lower bounds on |U_e|^2 (two quasi-degenerate HNLs), normal and inverted."""
    from nuportal.seesaw import seesaw_lower_bound_U2

    m = np.linspace(0.005, 0.4, 200)
    for ordering, color in (("normal", "0.35"), ("inverted", "0.6")):
        bound = seesaw_lower_bound_U2(m, "e", ordering)
        ax.plot(m, bound, color=color, lw=1.0, ls=(0, (6, 2, 1, 2)),
                label=f"seesaw lower bound, {ordering} ordering (2 HNLs; below: no fit to $\\nu$ masses)")
        ax.fill_between(m, 1e-16, bound, color=color, alpha=0.12, lw=0)


@locks_output
def reach_command(out: Path, scenario: str, config_file, seed: int, n_background,
                  veto_model, k_window, veto_acceptance=None) -> list[Path]:
    """Implementation of ``nuportal reach na62-k2pi0eN``."""
    cfg = load_config(config_file)
    if veto_acceptance is not None:
        if veto_acceptance not in ("factorised", "correlated"):
            raise NuportalInputError(f"veto-acceptance treatment {veto_acceptance!r} is not "
                                     "allowed; choose factorised or correlated")
        cfg = cfg.with_veto(acceptance_correlation=veto_acceptance)
    if veto_model is not None:
        if veto_model not in ("hermetic", "partial"):
            raise NuportalInputError(
                f"veto model {veto_model!r} is not allowed; choose hermetic or partial")
        cfg = cfg.with_veto(model=veto_model)
    if k_window is not None:
        if not (k_window > 0 and np.isfinite(k_window)):
            raise NuportalInputError(f"--k = {k_window:g} is outside the allowed range (0, inf)")
        cfg = cfg.with_analysis(k_window=k_window)
    if n_background is not None and n_background <= 0:
        raise NuportalInputError(
            f"--n-background = {n_background} is outside the allowed range [1, inf)")
    if scenario != "all" and scenario not in cfg.scenarios:
        raise NuportalInputError(f"unknown scenario {scenario!r}; allowed: "
                                 f"{', '.join(cfg.scenarios)}, all")
    names = None if scenario == "all" else [scenario]
    ensure_writable_dir(out)
    study = run_study(cfg, seed=seed, scenarios=names, n_background=n_background)
    paths = write_reach_csvs(study, Path(out))
    fig, ax = plt.subplots(figsize=(10.5, 5.0))
    plot_reach(ax, study)
    suffix = "all" if names is None else scenario
    paths.append(save_figure(fig, Path(out) / f"{EXPERIMENT}_{suffix}.png"))
    for p in paths:
        print(p)
    return paths
