"""Exclusion contours of an atmospheric-upscattering study: a resumable scan over HNL masses.

Each mass is an independent task (one simulation, reweighted to the whole coupling grid); finished masses
are appended to ``<file>.partial.jsonl`` so that an interrupted scan resumes, and the final CSV is written
atomically with the full provenance once every mass is done.
"""

from __future__ import annotations

import functools
from pathlib import Path

import numpy as np

from nuportal import __version__
from nuportal.budget import check_n_events
from nuportal.errors import NuportalInputError
from nuportal.experiments.atmospheric import study as S
from nuportal.io import ensure_writable_dir, provenance, write_csv
from nuportal.locking import locks_output
from nuportal.scan.runner import run_mass_scan

__all__ = ["parse_grid", "reach", "reach_columns", "scan_study", "validate_scan_options"]


def parse_grid(spec: str | None, default: tuple[float, float, int], name: str,
               kind: str = "scan_masses") -> np.ndarray:
    """'lo:hi:n' -> n log-spaced values (0 < lo < hi < inf; lo = hi for n = 1); None -> the default grid.

    ``kind`` names the work limit on n (:data:`nuportal.budget.LIMITS`).
    """
    from nuportal.budget import check_work
    from nuportal.errors import require_range_spec

    if spec is None:
        lo, hi, n = default
    else:
        try:
            lo_s, hi_s, n_s = spec.split(":")
            lo, hi, n = float(lo_s), float(hi_s), int(n_s)
        except ValueError:
            raise NuportalInputError(f"{name} {spec!r} is malformed; use lo:hi:n (log-spaced)") from None
    if not (lo > 0 and hi >= lo and n >= 1 and np.isfinite(hi)) or (n >= 2 and not hi > lo):
        raise NuportalInputError(f"{name} {lo:g}:{hi:g}:{n} is outside the allowed range: need 0 < lo <= hi "
                                 "< inf, n >= 1, and lo < hi when n >= 2")
    require_range_spec(name, lo, hi, n)  # what is left: one-point ranges must have lo == hi
    check_work(f"{name} n", n, kind)
    return np.geomspace(lo, hi, n)


def reach_columns(rows: list[dict], key: str) -> dict:
    """CSV columns for one flavour/variant ``key`` from the rows of :func:`study.mass_point`."""
    cols = {"m_N_GeV": [r["m_N_GeV"] for r in rows]}
    for k in [k.split(":", 1)[1] for k in rows[0] if k.split(":", 1)[0] == key]:
        cols[k] = [r[f"{key}:{k}"] for r in rows]
    cols["n_generated"] = [r["n_generated"] for r in rows]
    return cols


def _validate(cfg, portal, flavours, workers, n_events, masses, couplings):
    S._check_choice("portal", portal, S.PORTALS)
    for f in flavours:
        S._check_choice("flavour", f, tuple(S.FLAVOURS))
    m, c = validate_scan_options(S.DEFAULT_GRIDS[portal], portal, workers, n_events, masses, couplings)
    top = S.max_mass(cfg)
    if m[-1] >= top:
        raise NuportalInputError(
            f"--masses upper end {m[-1]:g} GeV is outside the allowed range (0, {top:.4g}) GeV: the "
            "atmospheric flux cannot produce heavier HNLs")
    return m, c


def validate_scan_options(grid: dict, portal: str, workers: int, n_events, masses, couplings):
    """(masses, couplings) grids of a scan, with --workers and --n-events checked (shared by the studies)."""
    if workers < 1:
        raise NuportalInputError(f"--workers = {workers} is outside the allowed range [1, inf)")
    check_n_events(n_events)
    m = parse_grid(masses, grid["masses"], "--masses")
    c = parse_grid(couplings, grid["couplings"], "--couplings", kind="scan_couplings")
    if c.size < 2:
        raise NuportalInputError("--couplings needs n >= 2 points to bracket an excluded interval")
    if portal == "mixing" and c[-1] > 1.0:
        raise NuportalInputError(
            f"--couplings upper end {c[-1]:g} is outside the allowed range (0, 1] for |U|^2")
    return m, c


@locks_output
def scan_study(experiment, portal: str, flavours, out, *, masses: str | None = None,
               couplings: str | None = None, seed: int = 1, n_events: int | None = None, workers: int = 1,
               oscillations="on", channel_scales: dict | None = None, progress=None,
               plot: bool = True) -> dict[str, Path]:
    """Scan the masses once for several flavour patterns (and channel-scale variants).

    Writes ``atm-upscatter_<exp>_<portal>_<flavour><variant>.csv`` (+ PNG) per flavour and variant and
    returns {"<flavour><variant>": path}.
    """
    cfg = S.study_config(experiment)
    flavours = tuple(flavours)
    oscillate = S._oscillate(oscillations)
    m, c = _validate(cfg, portal, flavours, workers, n_events, masses, couplings)
    out = ensure_writable_dir(out)
    variants = {"": None, **(channel_scales or {})}
    first = S.reach_path(out, cfg, portal, flavours[0] + "".join(variants))
    settings = {"nuportal_version": __version__, "config": cfg.model_dump(), "portal": portal,
                "flavours": flavours, "masses": m.tolist(),
                "couplings": c.tolist(), "seed": seed, "n_events": n_events, "oscillate": oscillate,
                "channel_scales": channel_scales}
    task = functools.partial(S.mass_point, experiment=cfg, portal=portal, flavours=flavours, couplings=c,
                             seed=seed, oscillate=oscillate, n_events=n_events, channel_scales=channel_scales)
    partial = first.with_name(first.name + ".partial.jsonl")
    rows = run_mass_scan(m, task, partial, settings, workers=workers, progress=progress)
    unit = S.COUPLING_UNITS[portal][0]
    paths = {}
    for flav in flavours:
        for vname, scale in variants.items():
            key = flav + vname
            path = S.reach_path(out, cfg, portal, key)
            meta = provenance(cfg, seed, reference="004", experiment=cfg.name, portal=portal, flavour=flav,
                              variant=vname or "nominal", channel_scale=scale, coupling_unit=unit, cl=cfg.cl,
                              statistic="rate-only Gaussian test (reference 004 Sec. III), union of the "
                              "samples; columns with _sysN use sigma_sys = N% of the background",
                              main_columns_sys=cfg.systematics[0],
                              oscillations=oscillate, couplings_grid=c.tolist(), n_events=n_events)
            cols = reach_columns(rows, key)
            empty = tuple(k for k in cols if k.startswith(("coupling_", "mc_rel_error")))
            write_csv(path, cols, meta, empty_ok=empty)
            if plot:
                _plot(path, cols, cfg, portal, flav, unit, meta)
            paths[key] = path
    partial.unlink(missing_ok=True)
    return paths


def reach(experiment, portal: str, flavour: str, out, **options) -> Path:
    """``nuportal reach atm-upscatter``: one flavour; see :func:`scan_study` for the options."""
    return scan_study(experiment, portal, (flavour,), out, **options)[flavour]


def _plot(path: Path, cols: dict, cfg, portal: str, flavour: str, unit: str,
          meta: dict | None = None) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from nuportal.experiments.atmospheric.figures import plot_exclusion

    fig, ax = plt.subplots(figsize=(6, 4.5))
    plot_exclusion(ax, cols["m_N_GeV"], cols["coupling_low"], cols["coupling_high"],
                   label=f"{cfg.name}, {cfg.cl:.0%} CL, {cfg.systematics[0]:.0%} syst.")
    sys_keys = [k for k in cols if k.startswith("coupling_low_sys")]
    for k in sys_keys:
        tag = k[len("coupling_low"):]
        plot_exclusion(ax, cols["m_N_GeV"], cols[k], cols["coupling_high" + tag], fill=False,
                       label=f"{cfg.name}, {cfg.cl:.0%} CL, {tag[4:]}% syst.")
    sym = "d" if portal == "dipole" else "|U|^2"
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("m_N [GeV]")
    ax.set_ylabel(f"{sym}_{flavour} [{unit}]" if portal == "dipole" else f"|U_{flavour}|^2")
    ax.legend(fontsize=8)
    fig.tight_layout()
    from nuportal.io import save_figure

    save_figure(fig, path.with_suffix(".png"), meta, dpi=120)
