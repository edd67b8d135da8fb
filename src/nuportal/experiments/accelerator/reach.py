"""Exclusion contours of an accelerator-beam study: a resumable scan over HNL masses (CSV + PNG).

Each mass is one task (FHC and RHC simulated once, reweighted to the whole coupling grid); finished
masses are appended to ``<file>.partial.jsonl`` so an interrupted scan resumes, and the CSV is
written atomically with its provenance once every mass is done.
"""

from __future__ import annotations

import functools
from pathlib import Path

import numpy as np

from nuportal import __version__
from nuportal.errors import NuportalInputError
from nuportal.experiments.accelerator import study as S
from nuportal.experiments.atmospheric.reach import validate_scan_options
from nuportal.io import ensure_writable_dir, provenance, write_csv
from nuportal.locking import locks_output
from nuportal.scan.runner import run_mass_scan

__all__ = ["reach", "scan_study", "reach_path"]


def reach_path(out: Path, cfg, portal: str, flavour: str) -> Path:
    """``beam-upscatter_<experiment>_<portal>_<flavour>.csv`` in ``out``."""
    return Path(out) / f"beam-upscatter_{cfg.name}_{portal}_{flavour}.csv"


def _validate(cfg, portal, flavour, workers, n_events, masses, couplings):
    S._check_choice("portal", portal, S.PORTALS)
    S._check_choice("flavour", flavour, tuple(S.FLAVOURS))
    m, c = validate_scan_options(S.DEFAULT_GRIDS[portal], portal, workers, n_events, masses, couplings)
    top = S.max_mass(cfg)
    if m[-1] >= top:
        raise NuportalInputError(
            f"--masses upper end {m[-1]:g} GeV is outside the allowed range (0.00102, {top:.4g}) "
            "GeV: the beam cannot produce heavier HNLs"
        )
    return m, c


@locks_output
def scan_study(
    experiment,
    portal: str,
    flavour: str,
    out,
    *,
    masses: str | None = None,
    couplings: str | None = None,
    seed: int = 1,
    n_events: int | None = None,
    workers: int = 1,
    progress=None,
    plot: bool = True,
) -> Path:
    """Scan the masses of a beam study; returns the CSV path (a PNG is written beside it)."""
    cfg = S.study_config(experiment)
    m, c = _validate(cfg, portal, flavour, workers, n_events, masses, couplings)
    out = ensure_writable_dir(out)
    path = reach_path(out, cfg, portal, flavour)
    settings = {
        "nuportal_version": __version__,
        "config": cfg.model_dump(),
        "portal": portal,
        "flavour": flavour,
        "masses": m.tolist(),
        "couplings": c.tolist(),
        "seed": seed,
        "n_events": n_events,
    }
    task = functools.partial(
        S.mass_point,
        experiment=cfg,
        portal=portal,
        flavour=flavour,
        couplings=c,
        seed=seed,
        n_events=n_events,
    )
    partial = path.with_name(path.name + ".partial.jsonl")
    rows = run_mass_scan(m, task, partial, settings, workers=workers, progress=progress)
    unit = S.COUPLING_UNITS[portal][0]
    tag = _unit_tag(unit)
    grid_keys = ("signal_grid", "signal_rel_error_grid")
    cols = {k: [r[k] for r in rows] for k in rows[0] if k not in grid_keys}
    cols = {(f"{k}_{tag}" if k.startswith(("coupling_", "gap_")) else k): v for k, v in cols.items()}
    meta = provenance(
        cfg,
        seed,
        reference=cfg.reference,
        experiment=cfg.name,
        portal=portal,
        flavour=flavour,
        coupling_unit=unit,
        curves={
            t or "main": {"signal_factor": f, "threshold_events": th} for t, (f, th) in S.curves(cfg).items()
        },
        couplings_grid=c.tolist(),
        n_events=n_events,
        efficiency_note="T2K 2019 e+e- efficiency per mass and mode; outside 140-490 MeV: "
        f"{cfg.efficiency.extrapolation} extrapolation (efficiency_extrapolated_* = 1)",
    )
    empty = tuple(k for k in cols if k.startswith(("coupling_", "mc_rel_error", "gap_")))
    write_csv(path, cols, meta, empty_ok=empty)
    signal = np.array([r["signal_grid"] for r in rows])
    grid = {
        "m_N_GeV": np.repeat(m, c.size),
        f"coupling_{tag}": np.tile(c, m.size),
        "signal_events": signal.ravel(),
        "mc_rel_error": np.array([r["signal_rel_error_grid"] for r in rows]).ravel(),
    }
    gmeta = {
        **meta,
        "note": "expected signal events (FHC + RHC, nominal flux, efficiency applied) on the scan grid; "
        "a curve excludes where signal_events x signal_factor >= threshold_events (see 'curves'); "
        "mc_rel_error -1 where no event contributes",
    }
    write_csv(grid_path(path), grid, gmeta)
    if plot:
        plot_reach(path.with_suffix(".png"), m, c, signal, cfg, portal, flavour, meta)
    partial.unlink(missing_ok=True)
    return path


def grid_path(path: Path) -> Path:
    """The signal-grid CSV written beside a reach CSV."""
    return path.with_name(path.stem + "_grid.csv")


def _unit_tag(unit: str) -> str:
    return {"GeV^-1": "GeV-1", "|U|^2": "U2"}[unit]


def reach(experiment, portal: str, flavour: str, out, **options) -> Path:
    """``nuportal reach beam-upscatter``."""
    return scan_study(experiment, portal, flavour, out, **options)


def draw_region(ax, masses, couplings, signal, threshold: float, *, label: str, fill: bool = True, **style):
    """Excluded region {S(m, c) >= threshold} from the signal grid (islands and gaps drawn exactly)."""
    ratio = np.log10(np.maximum(np.asarray(signal, float), 1e-300) / threshold).T  # (n_c, n_m)
    if not np.any(ratio >= 0):
        return ax.plot([], [], label=f"{label} (nothing excluded)", **style)
    mm, cc = np.meshgrid(masses, couplings)
    color = style.pop("color", None)
    ls = style.pop("ls", "-" if fill else "--")
    if fill:
        ax.contourf(mm, cc, ratio, levels=[0.0, 1e9], colors=[color or "C0"], alpha=style.pop("alpha", 0.35))
    cs = ax.contour(
        mm,
        cc,
        ratio,
        levels=[0.0],
        colors=[color or "C0"],
        linestyles=ls,
        linewidths=style.pop("lw", 1.2),
    )
    return ax.plot([], [], color=color or "C0", ls=ls, label=label), cs


def plot_reach(path: Path, masses, couplings, signal, cfg, portal: str, flavour: str,
               meta: dict | None = None) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 4.5))
    curves = S.curves(cfg)
    tags = [""] if cfg.statistics.kind == "measured" else [f"z{z:g}" for z in cfg.statistics.projection_z]
    for k, tag in enumerate(tags):
        factor, thr = curves[tag]
        label = f"{cfg.name} {cfg.statistics.cl:.0%} CL" if not tag else f"{cfg.name} Z = {tag[1:]}"
        draw_region(ax, masses, couplings, signal * factor, thr, label=label, fill=k == 0, color=f"C{k}")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel(r"$m_N$ [GeV]")
    sym = {"e": "e", "mu": r"\mu", "tau": r"\tau"}[flavour]
    ax.set_ylabel(rf"$d_{{{sym}}}$ [GeV$^{{-1}}$]" if portal == "dipole" else rf"$|U_{{{sym}}}|^2$")
    if np.any(np.asarray(signal)[:, -1] * curves[tags[0]][0] >= curves[tags[0]][1]):
        ax.set_title(f"shading reaches the top of the scanned range ({couplings[-1]:.0e}): no upper edge "
                     "found there", fontsize=7)
    ax.legend(fontsize=8)
    fig.tight_layout()
    from nuportal.io import save_figure

    return save_figure(fig, path, meta)
