"""Reproduce reference 003 (Liu, Kamp, Arguelles, arXiv:2412.15051): dipole-portal HNLs at T2K ND280 and
its upgrade, plus the T2K 2019 mass-mixing recast that validates the data release we use.

Outputs (CSV with provenance + PNG):

* ``beam-upscatter_nd280_dipole_mu.csv`` (+ ``_grid.csv``): the measured 95% CL exclusion (zero observed,
  s = 2.996, 11.2% flux reduction), the flux band and the other statistical methods;
* ``beam-upscatter_nd280-upgrade_dipole_mu.csv``: the upgrade's Z = 1.645 and Z = 5 sensitivities;
* ``ref003_dipole_mu.png``: the (m_N, d_mu) plane with both, the existing limits and the MiniBooNE point;
* ``ref003_decomposition.csv``: signal by material and mode at two points;
* ``ref003_t2k2019_recast.png`` / ``.csv``: |U_e|^2, |U_mu|^2 limits from the T2K 2019 release vs T2K's;
* ``summary.json``: world-leading mass windows as computed next to the paper's, the MiniBooNE point.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from nuportal.errors import NuportalInputError
from nuportal.io import ensure_writable_dir, provenance, read_csv, write_csv, write_json
from nuportal.scan.executors import default_workers

__all__ = ["reproduce", "PAPER", "MINIBOONE_POINT", "EXISTING_DEFAULT", "world_leading_windows"]

#: Numbers quoted in the abstract of reference 003 (GeV).
PAPER = {
    "nd280_world_leading_GeV": [0.390, 0.743],
    "upgrade_world_leading_GeV": [0.148, 0.860],
    "miniboone_disfavoured_by_upgrade_sigma": 5.0,
}
#: MiniBooNE best fit of the dipole explanation (Kamp et al., PRD 107 (2023) 055009), as quoted by 003.
MINIBOONE_POINT = {"m_N_GeV": 0.51, "d_GeV^-1": 1.4e-6}
#: Existing nu_mu dipole limits counted for "world-leading" (ids of data/limits/index.yaml); the issue's list.
EXISTING_DEFAULT = (
    "CHARMII-dmu",
    "NOMAD-dmu",
    "MiniBooNE-dmu",
    "MINERvA-dmu",
    "SK-atm-2022-dmu",
    "Borexino-d",
    "XENON1T-d",
    "Borexino-SK-d",
    "SN1987A",
)
#: The existing limits reference 003's code compares with (NOMAD scaled by sqrt 2 there; LSND, a d_e limit,
#: left out), used for the windows of the authors'-conventions variant.
EXISTING_AUTHORS = {
    "NOMAD-dmu": 2**0.5,
    "CHARMII-dmu": 1.0,
    "SK-atm-2022-dmu": 1.0,
    "SN1987A": 1.0,
    "Borexino-d": 1.0,
    "MINERvA-dmu": 1.0,
}
#: Largest coupling reference 003's simulations reach (mu_tr = 1e-5 GeV^-1, d = mu_tr / 2).
AUTHORS_D_MAX = 5e-6
#: Decomposition points: the MiniBooNE point (short decay length) and a long-decay-length point.
POINTS = {"miniboone": (0.51, 1.4e-6), "long_decay": (0.2, 1e-6)}


def _settings(quick: bool, n_events: int | None, full: bool = False) -> dict:
    """``quick`` (smoke runs), the default (the demo: 14 masses, Monte Carlo capped at 3e4 events per mass
    and mode, the MC error at the edges in the CSV) or ``full`` (the study files' grids and statistics)."""
    workers = default_workers()
    if quick:
        return {
            "tier": "quick",
            "masses": "0.05:1.5:8",
            "couplings": "1e-8:1e-3:28",
            "n_events": n_events or 4000,
            "max_events": n_events or 4000,
            "workers": workers,
            "point_events": 6000,
            "authors_masses": "0.1:1.2:6",
            "authors_events": 3000,
        }
    if not full:
        return {
            "tier": "default",
            "masses": "0.02:2.0:14",
            "couplings": None,
            "n_events": n_events or 6000,
            "max_events": max(30_000, n_events or 0),
            "workers": workers,
            "point_events": 20_000,
            "authors_masses": "0.1:1.5:8",
            "authors_events": 5000,
        }
    return {
        "tier": "full",
        "masses": None,
        "couplings": None,
        "n_events": n_events,
        "max_events": None,
        "workers": workers,
        "point_events": 40_000,
        "authors_masses": "0.1:1.5:28",
        "authors_events": 8000,
    }


def _study(name: str, st: dict):
    from nuportal.experiments.accelerator.config import load_beam_study

    cfg = load_beam_study(name)
    if st["max_events"] is None:
        return cfg
    mc = cfg.monte_carlo.model_copy(update={"n_events": st["n_events"], "max_events": st["max_events"]})
    return cfg.model_copy(update={"monte_carlo": mc})


def _scan(out: Path, name: str, st: dict, seed: int, authors: bool = False) -> tuple[Path, dict]:
    """One reach scan; ``authors``: the authors'-conventions cross-check with fewer masses and events."""
    from nuportal.experiments.accelerator.reach import grid_path, scan_study

    cfg = _study(name, st)
    masses, n_events = st["masses"], st["n_events"]
    if authors:
        masses, n_events = st["authors_masses"], st["authors_events"]
        mc = cfg.monte_carlo.model_copy(update={"n_events": n_events, "max_events": n_events})
        cfg = cfg.model_copy(update={"monte_carlo": mc})
    path = scan_study(
        cfg,
        "dipole",
        "mu",
        out,
        masses=masses,
        couplings=st["couplings"],
        seed=seed,
        n_events=n_events,
        workers=st["workers"],
    )
    return path, _grid(grid_path(path))


def _grid(path: Path) -> dict:
    _, g = read_csv(path)
    m, c = np.unique(g["m_N_GeV"]), np.unique(g["coupling_GeV-1"])
    return {
        "masses": m,
        "couplings": c,
        "signal": np.asarray(g["signal_events"], float).reshape(m.size, c.size),
    }


# ------------------------------------------------------------------------------------------ existing limits
def existing_polygons(ids=EXISTING_DEFAULT, scales: dict | None = None) -> dict:
    """{id: (N, 2) polygon in (log10 m/GeV, log10 d/GeV^-1)} of the existing limits.

    Curves marked ``region: above`` in the limits index (lower edges of regions without a ceiling: LEP,
    CHARM-II, the solar-neutrino limits) are closed through d = 10 GeV^-1; the others are closed by a
    straight line in log space between their end points.  SN1987A is the band between its two curves.
    """
    from nuportal.limits import limit_index, load_limit

    out = {}
    for lid in ids:
        if lid == "SN1987A":
            mb, yb = load_limit("SN1987A-bottom")
            mt, yt = load_limit("SN1987A-top")
            m, y = np.concatenate([mb, mt]), np.concatenate([yb, yt])
        else:
            m, y = load_limit(lid)
        ok = (m > 0) & (y > 0)
        y = y * (scales or {}).get(lid, 1.0)
        poly = np.column_stack([np.log10(m[ok]), np.log10(y[ok])])
        if lid != "SN1987A" and limit_index()[lid].region == "above":
            poly = np.vstack([poly, [poly[-1, 0], 1.0], [poly[0, 0], 1.0]])
        out[lid] = poly
    return out


def _inside_any(polys: dict, logm: np.ndarray, logd: np.ndarray) -> np.ndarray:
    from matplotlib.path import Path as MplPath

    pts = np.column_stack([logm.ravel(), logd.ravel()])
    inside = np.zeros(pts.shape[0], bool)
    for poly in polys.values():
        inside |= MplPath(poly, closed=True).contains_points(pts)
    return inside.reshape(logm.shape)


def _fine_signal(grid: dict, n_m: int = 300, n_c: int = 300):
    """log10 of the signal on a fine (log m, log d) grid, bilinear in the logs of the scan grid."""
    from scipy.interpolate import RegularGridInterpolator

    lm, lc = np.log10(grid["masses"]), np.log10(grid["couplings"])
    ls = np.log10(np.maximum(grid["signal"], 1e-300))
    f = RegularGridInterpolator((lm, lc), ls)
    fm, fc = np.linspace(lm[0], lm[-1], n_m), np.linspace(lc[0], lc[-1], n_c)
    mm, cc = np.meshgrid(fm, fc, indexing="ij")
    return fm, fc, f(np.stack([mm, cc], axis=-1)), mm, cc


def world_leading_windows(
    grid: dict, factor: float, threshold: float, polys: dict, min_decades: float = 0.1, d_max: float = np.inf
) -> list[list[float]]:
    """Mass windows [lo, hi] (GeV) where the study excludes couplings that no listed limit excludes.

    The scan grid is interpolated bilinearly in (log m, log d) onto 300 x 300 points; a mass counts when
    the newly excluded couplings span at least ``min_decades`` in log10 d (slivers where two boundaries
    touch, within the interpolation error, do not).
    """
    fm, fc, ls, mm, cc = _fine_signal(grid)
    excluded = ls + np.log10(factor) >= np.log10(threshold)
    new = excluded & ~_inside_any(polys, mm, cc) & (cc <= np.log10(d_max))
    lead = new.sum(axis=1) * (fc[1] - fc[0]) >= min_decades
    windows, start = [], None
    edges = np.concatenate([[fm[0]], 0.5 * (fm[1:] + fm[:-1]), [fm[-1]]])
    for i, flag in enumerate(lead):
        if flag and start is None:
            start = i
        if (not flag or i == lead.size - 1) and start is not None:
            stop = i if flag else i - 1
            windows.append([float(10 ** edges[start]), float(10 ** edges[stop + 1])])
            start = None
    return windows


# ------------------------------------------------------------------------------------------ figures
def _plane_figure(
    path: Path,
    nd: dict,
    up: dict,
    cfg_nd,
    cfg_up,
    polys: dict,
    title: str = "Dipole-portal HNLs at T2K ND280 (reference 003)",
) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from nuportal.experiments.accelerator import study as S
    from nuportal.experiments.accelerator.reach import draw_region
    from nuportal.limits import limit_index

    fig, ax = plt.subplots(figsize=(11.0, 5.4))
    index = limit_index()
    for k, (lid, poly) in enumerate(polys.items()):
        label = "SN1987A (cooling)" if lid == "SN1987A" else index[lid].label
        ax.fill(10 ** poly[:, 0], 10 ** poly[:, 1], color=f"C{(k + 4) % 10}", alpha=0.06, lw=0)
        ax.plot(
            10 ** np.append(poly[:, 0], poly[0, 0]),
            10 ** np.append(poly[:, 1], poly[0, 1]),
            color=f"C{(k + 4) % 10}",
            lw=0.8,
            label=label,
        )
    c_nd, c_up = S.curves(cfg_nd), S.curves(cfg_up)
    draw_region(
        ax,
        nd["masses"],
        nd["couplings"],
        nd["signal"] * c_nd[""][0],
        c_nd[""][1],
        label=f"ND280 data, 95% CL ({'flux -11.2%' if cfg_nd.flux_reduction_in_main else 'nominal flux'}, "
        f"s = {c_nd[''][1]:.3g})",
        color="k",
    )
    for tag, ls in (("flux_low", ":"), ("flux_high", ":")):
        f, th = c_nd[tag]
        draw_region(
            ax,
            nd["masses"],
            nd["couplings"],
            nd["signal"] * f,
            th,
            fill=False,
            color="0.3",
            ls=ls,
            lw=0.8,
            label=f"ND280 flux x{f:.3g}",
        )
    for tag, color in (("z1.645", "C0"), ("z5", "C3")):
        f, th = c_up[tag]
        draw_region(
            ax,
            up["masses"],
            up["couplings"],
            up["signal"] * f,
            th,
            fill=False,
            color=color,
            ls="--",
            label=f"ND280 upgrade 2e22 POT, Z = {tag[1:]}",
        )
    ax.plot(
        [MINIBOONE_POINT["m_N_GeV"]], [MINIBOONE_POINT["d_GeV^-1"]], "r*", ms=12, label="MiniBooNE best fit"
    )
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlim(0.01, 2.0)
    ax.set_ylim(1e-9, 1e-2)
    ax.set_xlabel(r"$m_N$ [GeV]")
    ax.set_ylabel(r"$d_\mu$ [GeV$^{-1}$]  ($\Gamma_{N\to\nu\gamma} = d^2 m_N^3/4\pi$)")
    m_lo, m_hi, d_hi = nd["masses"][0], nd["masses"][-1], nd["couplings"][-1]
    ax.set_title(f"{title}\n(edges at d = {d_hi:.0e} GeV$^{{-1}}$ or m = {m_lo:g}, {m_hi:g} GeV are the "
                 "scanned range, not physical edges)", fontsize=8)
    ax.legend(fontsize=6.5, loc="upper left", bbox_to_anchor=(1.02, 1.0), frameon=False)  # outside the data
    fig.tight_layout()
    from nuportal.io import save_figure

    return save_figure(fig, path, {"reference": "003", "studies": [cfg_nd.name, cfg_up.name]})


def _t2k_recast(out: Path, meta: dict) -> tuple[list[Path], dict]:
    from nuportal.recast import t2k2019 as T

    png = out / "ref003_t2k2019_recast.png"
    T.figure_t2k2019(png)
    summary, cols = {}, {}
    for flav in ("e", "mu"):
        for method in ("bayesian", "cls"):
            cmp = T.compare_with_t2k(flav, method=method)
            summary[f"{flav}_{method}"] = {
                "ratio_min": float(cmp["ratio_min"]),
                "ratio_max": float(cmp["ratio_max"]),
            }
            cols.setdefault("m_N_GeV", list(cmp["mass_GeV"]))
            cols[f"U2{flav}_{method}"] = list(cmp["ours"])
        cols[f"U2{flav}_t2k"] = list(cmp["t2k"])
    csv = out / "ref003_t2k2019_recast.csv"
    n = len(cols["m_N_GeV"])
    cols = {k: [np.nan if v is None else float(v) for v in vals][:n] for k, vals in cols.items()}
    write_csv(
        csv,
        cols,
        {**meta, "note": "90% CL upper limits on |U|^2 (single flavour); NaN where T2K has no sensitivity"},
        empty_ok=tuple(k for k in cols if k != "m_N_GeV"),
    )
    return [png, csv], summary


# ------------------------------------------------------------------------------------------ points
def _points(out: Path, cfgs: dict, seed: int, n_events: int, meta: dict) -> tuple[Path, dict]:
    from nuportal.experiments.accelerator import study as S
    from nuportal.stats import discovery_significance_asimov

    rows, summary = [], {}
    for label, (m, d) in POINTS.items():
        for name, cfg in cfgs.items():
            ev = {mode: S.simulate_mode(cfg, "dipole", m, mode, n_events, seed) for mode in cfg.modes}
            sig = S.mode_signals(ev, cfg, "mu", [d])
            s, rel = S._combine(sig)
            s_red = float(s[0] * S.curves(cfg)[next(iter(S.curves(cfg)))][0])
            b = sum(x.background for x in cfg.modes.values())
            entry = {
                "m_N_GeV": m,
                "d_GeV^-1": d,
                "signal": float(s[0]),
                "signal_main_curve": s_red,
                "mc_rel_error": float(rel[0]),
                "background": b,
                "signal_by_mode": {k: float(v[0][0]) for k, v in sig.items()},
            }
            if cfg.statistics.kind == "projection":
                entry["asimov_Z"] = float(discovery_significance_asimov(np.array([s_red]), np.array([b])))
            else:
                entry["excluded_at_95CL"] = bool(s_red >= S.thresholds(cfg)[""])
            summary[f"{label}:{name}"] = entry
            for r in S.decomposition(ev, cfg, "mu", d):
                rows.append({"point": label, "experiment": name, **r})
    path = out / "ref003_decomposition.csv"
    _write_table(path, rows, meta)
    return path, summary


def _write_table(path: Path, rows: list[dict], meta: dict) -> None:
    """A small mixed-type table (strings allowed) as CSV with a '#' provenance header, atomically."""
    from nuportal.io import atomic_write_bytes

    keys = ["point", "experiment", "mode", "material", "largest_box", "events", "fraction", "mc_rel_error"]
    lines = ["# " + json.dumps(meta, default=str), ",".join(keys)]
    for r in rows:
        vals = []
        for k in keys:
            v = r.get(k)
            vals.append("" if v is None else (f"{v:.6g}" if isinstance(v, float) else str(v)))
        lines.append(",".join(vals))
    atomic_write_bytes(path, ("\n".join(lines) + "\n").encode())


# ------------------------------------------------------------------------------------------ entry point
def report_checks(summary: dict) -> list:
    """Paper against nuportal for ``report.md`` (physical conventions are informational: see README)."""
    from nuportal.reproduce.report import Check

    pts, thr = summary["points"], summary["thresholds_events"]
    rec = summary["t2k2019_recast_ratio_ours_over_t2k"]

    def worst(r):
        return r["ratio_min"] if abs(r["ratio_min"] - 1) > abs(r["ratio_max"] - 1) else r["ratio_max"]

    up_auth = summary["world_leading_windows_GeV"]["upgrade_z1.645_authors_conventions_d_below_5e-6"]
    return [
        Check("MiniBooNE point, ND280, authors' conventions: signal / threshold", 1.0,
              pts["miniboone:nd280-authors"]["signal"] / thr["nd280"]["asimov-null"], rel_tol=0.10,
              why="the paper: on the ND280 boundary",
              mc_rel_error=pts["miniboone:nd280-authors"]["mc_rel_error"]),
        Check("MiniBooNE point, upgrade, authors' conventions: Asimov Z", 5.0,
              pts["miniboone:nd280-upgrade-authors"]["asimov_Z"], rel_tol=0.25, why="the paper: '5 sigma'"),
        Check("MiniBooNE point, ND280, physical conventions: signal / threshold", 1.0,
              pts["miniboone:nd280"]["signal"] / thr["nd280"][""],
              why="TPC gas at its real density (1.855e-3 g/cm^3): see README, reference 003"),
        Check("upgrade world-leading window, lower edge [GeV] (authors, d <= 5e-6)", 0.148,
              up_auth[0][0] if up_auth else float("nan"), why="see README: residual x2.4-3 normalisation"),
        Check("T2K 2019 |U_mu|^2 limit, Bayesian, worst mass", 1.0, worst(rec["mu_bayesian"]), rel_tol=0.05,
              why="flat-U^2 prior as T2K's code"),
        Check("T2K 2019 |U_e|^2 limit, Bayesian, worst mass", 1.0, worst(rec["e_bayesian"]), rel_tol=0.10,
              why="no efficiency covariance in our copy of the release"),
    ]


def reproduce(out, seed: int = 1, n_background: int | None = None, quick: bool = False,
              full: bool = False) -> list[Path]:
    """Run the ND280 and ND280-upgrade studies and the T2K 2019 recast; write figures, CSV and summary.json.

    ``n_background`` sets the initial Monte Carlo events per mass and mode (default: the study files);
    ``quick`` uses coarse grids and few events (smoke runs only), ``full`` the publication statistics
    (default: the demo tier of :func:`_settings`).
    """
    from nuportal.experiments.accelerator import study as S

    if n_background is not None and n_background < 1000:
        raise NuportalInputError(f"--n-background = {n_background} is outside the allowed range [1000, inf)")
    out = ensure_writable_dir(out)
    st = _settings(quick, n_background, full)
    meta = provenance(None, seed, reference="003", quick=quick, settings=st)
    nd_path, nd = _scan(out, "nd280", st, seed)
    up_path, up = _scan(out, "nd280-upgrade", st, seed)
    cfg_nd, cfg_up = _study("nd280", st), _study("nd280-upgrade", st)
    polys = existing_polygons()
    files = [nd_path, up_path, _plane_figure(out / "ref003_dipole_mu.png", nd, up, cfg_nd, cfg_up, polys)]
    c_nd, c_up = S.curves(cfg_nd), S.curves(cfg_up)
    with_lep = {**polys, **existing_polygons(("LEP-dgz",))}
    windows = {
        "nd280": world_leading_windows(nd, *c_nd[""], polys),
        "upgrade_z1.645": world_leading_windows(up, *c_up["z1.645"], polys),
        "nd280_with_LEP": world_leading_windows(nd, *c_nd[""], with_lep),
        "upgrade_z1.645_with_LEP": world_leading_windows(up, *c_up["z1.645"], with_lep),
    }
    # the authors' conventions (1.855 g/cm^3 gas, DarkNews width, printed ratio, s = 1.353)
    na_path, na = _scan(out, "nd280-authors", st, seed, authors=True)
    ua_path, ua = _scan(out, "nd280-upgrade-authors", st, seed, authors=True)
    cfg_na, cfg_ua = _study("nd280-authors", st), _study("nd280-upgrade-authors", st)
    pa = existing_polygons(tuple(EXISTING_AUTHORS), EXISTING_AUTHORS)
    windows["nd280_authors_conventions"] = world_leading_windows(na, *S.curves(cfg_na)[""], pa)
    windows["upgrade_z1.645_authors_conventions"] = world_leading_windows(ua, *S.curves(cfg_ua)["z1.645"], pa)
    # their simulations stop at mu_tr = 1e-5 (d = 5e-6 GeV^-1): the windows as they could see them
    for key, grid, cfg, tag in (("nd280", na, cfg_na, ""), ("upgrade_z1.645", ua, cfg_ua, "z1.645")):
        windows[f"{key}_authors_conventions_d_below_5e-6"] = world_leading_windows(
            grid, *S.curves(cfg)[tag], pa, d_max=AUTHORS_D_MAX
        )
    title = "reference 003 code conventions (TPC gas 1.855 g/cm^3, s = 1.353): compare with the paper"
    files += [
        na_path,
        ua_path,
        _plane_figure(out / "ref003_dipole_mu_authors_conventions.png", na, ua, cfg_na, cfg_ua, pa, title),
    ]
    cfgs = {
        "nd280": cfg_nd,
        "nd280-upgrade": cfg_up,
        "nd280-authors": cfg_na,
        "nd280-upgrade-authors": cfg_ua,
    }
    dec_path, points = _points(out, cfgs, seed, st["point_events"], meta)
    recast_files, recast = _t2k_recast(out, meta)
    files += [dec_path, *recast_files]
    summary = {
        "provenance": meta,
        "paper": PAPER,
        "world_leading_windows_GeV": windows,
        "existing_limits_counted": list(EXISTING_DEFAULT),
        "existing_limits_counted_authors_conventions": EXISTING_AUTHORS,
        "thresholds_events": {"nd280": S.thresholds(cfg_nd), "nd280-upgrade": S.thresholds(cfg_up)},
        "points": points,
        "t2k2019_recast_ratio_ours_over_t2k": recast,
        "conventions": {
            "d": "Gamma(N -> nu gamma) = d^2 m^3 / (4 pi); DarkNews mu_tr = 2 d",
            "decay": cfg_nd.decay_convention,
        },
    }
    write_json(out / "summary.json", summary)
    from nuportal.reproduce.report import write_report

    files.append(write_report(out, "003", "T2K ND280 and its upgrade, dipole portal", report_checks(summary),
                              meta))
    print(json.dumps({"world_leading_windows_GeV": windows, "paper": PAPER, "points": points}, indent=1))
    return files + [out / "summary.json"]
