"""Accelerator-beam upscattering studies (reference 003): events, signals, limits, decompositions.

One simulation per (mass, beam mode) is reweighted to every coupling.  The expected signal in mode
k is  S_k(d) = POT_k x eff_k(m) x R_k(d)  with R_k the decays per POT in the fiducial boxes
(:func:`nuportal.mc.beam.simulate_beam` and :func:`nuportal.mc.reweight.expected_events`).  The
modes are combined by summing signals, backgrounds and observations (one counting experiment; with
zero observed events the likelihood is the same).

Couplings inside this module are in GeV^-1 (dipole, as reference 003 quotes them) or |U|^2
(mixing); result files and the CLI carry the unit in their column names and options.
"""

from __future__ import annotations

from functools import cache

import numpy as np
from scipy import special

from nuportal.errors import NuportalInputError, require_range
from nuportal.experiments.accelerator.config import BeamStudyConfig, load_beam_study
from nuportal.scan.contour import excluded_interval, excluded_islands

__all__ = [
    "PORTALS",
    "FLAVOURS",
    "COUPLING_UNITS",
    "DEFAULT_GRIDS",
    "study_config",
    "engine_inputs",
    "simulate_mode",
    "mode_signals",
    "thresholds",
    "mass_point",
    "point_rate",
    "decomposition",
    "curves",
]

PORTALS = ("dipole", "mixing")
FLAVOURS = {"e": (1.0, 0.0, 0.0), "mu": (0.0, 1.0, 0.0), "tau": (0.0, 0.0, 1.0)}
#: Coupling units of files and options: name and value of one unit in the internal unit.
COUPLING_UNITS = {"dipole": ("GeV^-1", 1.0), "mixing": ("|U|^2", 1.0)}
#: Default scan grids (lo, hi, n), log-spaced: masses in GeV, couplings in file units.
DEFAULT_GRIDS = {
    "dipole": {"masses": (0.01, 2.0, 40), "couplings": (1e-9, 1e-2, 64)},
    "mixing": {"masses": (0.01, 0.49, 30), "couplings": (1e-10, 1e-2, 64)},
}


def study_config(experiment) -> BeamStudyConfig:
    """The study for a name, a path or a config."""
    return load_beam_study(experiment)


def _check_choice(name: str, value, allowed) -> str:
    if value not in allowed:
        raise NuportalInputError(f"{name} = {value!r} is not one of {', '.join(map(str, allowed))}")
    return value


@cache
def _geometry(name: str):
    from nuportal.geometry import load_geometry

    return load_geometry(name)


@cache
def _source(beam: str, mode: str):
    from nuportal.flux.beam import BeamSource, load_beam_flux

    return BeamSource(load_beam_flux(beam, mode))


@cache
def _channels(geometry_name: str, portal: str):
    from nuportal.mc.upscatter import default_channels

    return default_channels(portal, _geometry(geometry_name))


@cache
def _study_geometry(name: str, overrides: tuple):
    geo = _geometry(name)
    for material, density in overrides:
        geo = geo.with_material_density(material, density)
    return geo


def study_geometry(cfg: BeamStudyConfig):
    """The study's geometry with its density overrides applied (cached)."""
    return _study_geometry(cfg.geometry, tuple(sorted(cfg.geometry_density_overrides.items())))


def engine_inputs(cfg: BeamStudyConfig, mode: str, portal: str):
    """(source, geometry, channels) of a study's mode, built once per process."""
    _check_choice("mode", mode, tuple(cfg.modes))
    _check_choice("portal", portal, PORTALS)
    return _source(cfg.beam, mode), study_geometry(cfg), _channels(cfg.geometry, portal)


def max_mass(cfg: BeamStudyConfig) -> float:
    """Heaviest HNL the beam can produce: coherent threshold on the heaviest nucleus at E_max."""
    from nuportal.nuclear.nuclei import get_nucleus

    e_max = max(_source(cfg.beam, m).energy_range[1] for m in cfg.modes)
    big = max(get_nucleus(s).mass_GeV for s in _geometry(cfg.geometry).species)
    # E_th = m + m^2 / (2 M)  ->  m = M (sqrt(1 + 2 E / M) - 1)
    return float(big * (np.sqrt(1.0 + 2.0 * e_max / big) - 1.0))


def _check_mass(cfg: BeamStudyConfig, mass: float) -> None:
    require_range("HNL mass [GeV]", mass, 2 * 0.51099895e-3, max_mass(cfg), low_open=True, high_open=True)


def _rng(seed: int, mass: float, mode: str, portal: str, part: int) -> np.random.Generator:
    """Per-(mass, mode) stream: the same seed gives the same events in any process or order."""
    from nuportal.scan.executors import mass_stream

    return mass_stream(seed, mass, ("fhc", "rhc").index(mode), PORTALS.index(portal), part, 3)


def simulate_mode(
    cfg: BeamStudyConfig, portal: str, mass: float, mode: str, n_events: int, seed: int, part: int = 0
):
    """One weighted simulation of the study's detector in one beam mode (decays per POT)."""
    from nuportal.io import provenance
    from nuportal.mc.beam import simulate_beam

    _check_mass(cfg, mass)
    source, geometry, channels = engine_inputs(cfg, mode, portal)
    meta = provenance(cfg, seed, portal=portal, m_N_GeV=mass, mode=mode, part=part, n_generated=int(n_events))
    return simulate_beam(
        mass,
        portal,
        source,
        geometry,
        channels,
        int(n_events),
        _rng(seed, mass, mode, portal, part),
        cos_min=cfg.cos_theta_min,
        metadata=meta,
    )


def merge(parts):
    """Combine independent simulations (:func:`nuportal.mc.events.merge_simulations`)."""
    from nuportal.mc.events import merge_simulations

    return merge_simulations(parts)


def efficiency(cfg: BeamStudyConfig, mass: float, mode: str) -> tuple[float, bool]:
    """(selection efficiency, extrapolated?) of the study at ``mass`` in ``mode``."""
    eff = cfg.efficiency
    if eff.constant is not None:
        return float(eff.constant) * eff.scale, False
    from nuportal.experiments.accelerator.efficiency import ee_efficiency

    value, outside = ee_efficiency(mass, mode, eff.extrapolation, tuple(eff.modes), eff.combine)
    return float(value) * eff.scale, bool(outside)


def mode_signals(events_by_mode: dict, cfg: BeamStudyConfig, flavour: str, couplings) -> dict:
    """{mode: (S_k(c) (n_c,), absolute MC error (n_c,))}: POT x efficiency x decays per POT."""
    from nuportal.mc.reweight import expected_events

    out = {}
    for mode, events in events_by_mode.items():
        eff, _ = efficiency(cfg, events.mass_GeV, mode)
        n, rel = expected_events(events, couplings, FLAVOURS[flavour], 1.0, dipole_visible=cfg.dipole_visible)
        s = cfg.modes[mode].pot * eff * n
        out[mode] = (s, np.where(np.isfinite(rel), rel * s, 0.0))
    return out


def _combine(signals: dict):
    s = sum(v[0] for v in signals.values())
    err = np.sqrt(sum(v[1] ** 2 for v in signals.values()))
    return s, np.where(s > 0, err / np.where(s > 0, s, 1.0), np.inf)


def thresholds(cfg: BeamStudyConfig) -> dict:
    """{curve tag: signal events that are excluded (measured) or reach the projection z}.

    Measured: "" = the study's method; plus every other method ("paper", "cls", "fc", "profile",
    "asimov-null") for the comparison of how much the contour moves.  Projection: "z1.645", "z5", ...
    Computed once per study (Feldman-Cousins and the profile likelihood take ~0.1 s) and cached.
    """
    return dict(_thresholds_for(cfg.model_dump_json()))


@cache
def _thresholds_for(cfg_json: str) -> tuple:
    return tuple(_compute_thresholds(BeamStudyConfig.model_validate_json(cfg_json)).items())


def _compute_thresholds(cfg: BeamStudyConfig) -> dict:
    """{curve tag: signal events that are excluded (measured) or reach the projection z}.

    Measured: "" = the study's method; plus every other method ("paper", "cls", "fc", "profile")
    for the comparison of how much the contour moves.  Projection: "z1.645", "z5", ...
    """
    from nuportal.stats import cls_upper_limit, discovery_strength_asimov, feldman_cousins, rolke_lopez

    st = cfg.statistics
    b = sum(m.background for m in cfg.modes.values())
    sb = float(np.sqrt(sum(m.background_error**2 for m in cfg.modes.values())))
    if st.kind == "projection":
        return {
            f"z{z:g}": float(
                discovery_strength_asimov(
                    np.array([1.0]), np.array([max(b, 1e-9)]), cl=float(special.ndtr(z))
                )
            )
            for z in st.projection_z
        }
    n = int(sum(m.observed for m in cfg.modes.values()))
    methods = {
        "paper": lambda: float(special.gammainccinv(n + 1.0, 1.0 - st.cl)),  # background ignored
        "asimov-null": lambda: float(0.5 * special.ndtri(st.cl) ** 2),
        "cls": lambda: float(cls_upper_limit(n, b, st.cl).upper),
        "fc": lambda: float(feldman_cousins(n, b, st.cl).upper),
        "profile": lambda: float(rolke_lopez(n, b, sb, st.cl).upper),
    }
    out = {"": methods[st.method]()}
    out.update({k: f() for k, f in methods.items() if k != st.method})
    return out


def curves(cfg: BeamStudyConfig) -> dict:
    """{column tag: (signal factor, threshold)}: main result, flux band and the other methods."""
    th = thresholds(cfg)
    lo, hi = 1.0 - cfg.flux_uncertainty, 1.0 + cfg.flux_uncertainty
    main = lo if cfg.flux_reduction_in_main else 1.0
    if cfg.statistics.kind == "projection":
        first = next(iter(th))
        out = {tag: (main, v) for tag, v in th.items()}
        out[f"{first}_flux_nominal"] = (1.0, th[first])
        out[f"{first}_flux_high"] = (hi, th[first])
        return out
    out = {
        "": (main, th[""]),
        "flux_low": (lo, th[""]),
        "flux_nominal": (1.0, th[""]),
        "flux_high": (hi, th[""]),
    }
    out.update({m: (main, v) for m, v in th.items() if m})
    return out


def _edge_error(couplings, rel, edge: float) -> float:
    if not np.isfinite(edge):
        return np.nan
    return float(rel[int(np.argmin(np.abs(np.log(couplings / edge))))])


def _intervals(couplings, s, rel, cfg) -> dict:
    """Interval columns per curve; MC errors at the edges of the main curve (the first one)."""
    row = {}
    all_curves = curves(cfg)
    main = next(iter(all_curves))
    for tag, (factor, thr) in all_curves.items():
        iv = excluded_interval(couplings, s * factor, thr)
        sfx = f"_{tag}" if tag else ""
        row[f"coupling_low{sfx}"], row[f"coupling_high{sfx}"] = iv.low, iv.high
        row[f"open_low{sfx}"], row[f"open_high{sfx}"] = float(iv.open_low), float(iv.open_high)
        isl = excluded_islands(couplings, s * factor, thr)
        row[f"islands{sfx}"] = float(len(isl))
        # the widest allowed gap inside [low, high] (NaN: one island); exact for <= 2 islands
        gaps = [(isl[i][1], isl[i + 1][0]) for i in range(len(isl) - 1)]
        gap = max(gaps, key=lambda g: g[1] / g[0]) if gaps else (np.nan, np.nan)
        row[f"gap_low{sfx}"], row[f"gap_high{sfx}"] = gap
        if tag == main:
            edges = [e for lo_hi in isl for e in lo_hi]
            open_edges = {couplings[0], couplings[-1]}
            errs = [_edge_error(couplings, rel, e) for e in edges if e not in open_edges]
            row["mc_rel_error_low"] = np.nan if iv.open_low else _edge_error(couplings, rel, iv.low)
            row["mc_rel_error_high"] = np.nan if iv.open_high else _edge_error(couplings, rel, iv.high)
            row["mc_rel_error_edges"] = max(errs) if errs else np.nan
    return row


def mass_point(
    mass: float, *, experiment, portal: str, flavour: str, couplings, seed: int, n_events: int | None = None
) -> dict:
    """Excluded coupling intervals at one mass for every curve of :func:`curves`.

    More events are added to every mode (as many as the error scaling 1/sqrt(N) asks for, times 1.2)
    until the relative error at both edges of the main interval is below ``target_rel_error`` or
    ``max_events`` is reached.
    """
    cfg = study_config(experiment)
    c = np.asarray(couplings, float)
    n = int(cfg.monte_carlo.n_events if n_events is None else n_events)
    parts = {mode: [simulate_mode(cfg, portal, mass, mode, n, seed)] for mode in cfg.modes}
    while True:
        events = {mode: merge(p) for mode, p in parts.items()}
        sig = mode_signals(events, cfg, flavour, c)
        s, rel = _combine(sig)
        total = sum(ev.metadata.get("n_generated", 0) for p in parts.values() for ev in p)
        row = {
            "m_N_GeV": float(mass),
            **_intervals(c, s, rel, cfg),
            "n_generated": float(total),
            "signal_grid": s.tolist(),
            "signal_rel_error_grid": np.where(np.isfinite(rel), rel, -1.0).tolist(),
        }
        for mode in cfg.modes:
            eff, outside = efficiency(cfg, mass, mode)
            row[f"efficiency_{mode}"], row[f"efficiency_extrapolated_{mode}"] = eff, float(outside)
        errs = [row["mc_rel_error_edges"]] if np.isfinite(row["mc_rel_error_edges"]) else []
        target = cfg.monte_carlo.target_rel_error
        if not errs or max(errs) <= target or total >= cfg.monte_carlo.max_events:
            return row
        grow = min(max(1.2 * (max(errs) / target) ** 2 - 1.0, 0.25), 8.0)
        for mode in cfg.modes:
            done = sum(p.metadata["n_generated"] for p in parts[mode])
            parts[mode].append(
                simulate_mode(
                    cfg, portal, mass, mode, max(int(grow * done), 1000), seed, part=len(parts[mode])
                )
            )


def decomposition(events_by_mode: dict, cfg: BeamStudyConfig, flavour: str, coupling: float) -> list[dict]:
    """Signal events by mode and by the material (and box) where the upscattering happened."""
    from nuportal.mc.reweight import event_rates

    rows = []
    geometry = study_geometry(cfg)
    for mode, ev in events_by_mode.items():
        eff, _ = efficiency(cfg, ev.mass_GeV, mode)
        rates = event_rates(ev, coupling, FLAVOURS[flavour], dipole_visible=cfg.dipole_visible)
        s = rates * cfg.modes[mode].pot * eff
        material = np.array(geometry.materials_of)[ev.region]
        for mat in np.unique(material):
            sel = material == mat
            boxes = np.array(geometry.box_names)[ev.region[sel]]
            top = max(set(boxes.tolist()), key=lambda b: s[sel][boxes == b].sum())
            rows.append(
                {
                    "mode": mode,
                    "material": str(mat),
                    "events": float(s[sel].sum()),
                    "mc_rel_error": float(np.sqrt((s[sel] ** 2).sum()) / s[sel].sum())
                    if s[sel].sum() > 0
                    else None,
                    "largest_box": top,
                }
            )
    total = sum(r["events"] for r in rows)
    for r in rows:
        r["fraction"] = r["events"] / total if total > 0 else 0.0
    return sorted(rows, key=lambda r: -r["events"])


def point_rate(
    experiment,
    mode: str,
    portal: str,
    flavour: str,
    mass: float,
    coupling: float,
    *,
    seed: int = 1,
    n_events: int | None = None,
    events_out=None,
) -> dict:
    """Expected signal at one (mass, coupling) for ``mode`` fhc | rhc | both; ``coupling`` in file units.

    ``events_out``: a ``.hepmc3`` file (events with their e+e- decays, weight = expected signal events,
    all modes together) or a ``.parquet`` file (the coupling-independent weighted events; with several
    modes, one file per mode, ``<stem>_<mode>.parquet``).
    """
    from nuportal.budget import check_n_events
    from nuportal.io import check_output_file

    cfg = study_config(experiment)
    if events_out is not None:
        check_output_file(events_out, (".hepmc3", ".parquet"))
    check_n_events(n_events)
    _check_choice("portal", portal, PORTALS)
    _check_choice("flavour", flavour, tuple(FLAVOURS))
    _check_choice("mode", mode, (*cfg.modes, "both"))
    _check_mass(cfg, mass)
    unit_name = COUPLING_UNITS[portal][0]
    require_range(f"coupling [{unit_name}]", coupling, 0.0, 1.0, low_open=True)
    n = int(cfg.monte_carlo.n_events if n_events is None else n_events)
    require_range("--n-events", n, 1000, np.inf, high_open=True)
    modes = tuple(cfg.modes) if mode == "both" else (mode,)
    events = {m: simulate_mode(cfg, portal, mass, m, n, seed) for m in modes}
    if events_out is not None:
        write_events(events_out, events, cfg, portal, flavour, coupling, seed)
    sig = mode_signals(events, cfg, flavour, [coupling])
    s, rel = _combine(sig)
    th = thresholds(cfg)
    key = next(iter(th))
    b = sum(cfg.modes[m].background for m in modes)
    return {
        "experiment": cfg.name,
        "mode": mode,
        "portal": portal,
        "flavor": flavour,
        "m_N_GeV": mass,
        "coupling": coupling,
        "coupling_unit": unit_name,
        "events": float(s[0]),
        "events_flux_reduced": float(s[0] * (1 - cfg.flux_uncertainty)),
        "mc_rel_error": float(rel[0]) if np.isfinite(rel[0]) else None,
        "events_by_mode": {m: float(v[0][0]) for m, v in sig.items()},
        "efficiency_by_mode": {m: efficiency(cfg, mass, m)[0] for m in modes},
        "pot_by_mode": {m: cfg.modes[m].pot for m in modes},
        "background": b,
        "statistics": cfg.statistics.kind,
        "cl": cfg.statistics.cl,
        "signal_threshold": th[key],
        "threshold_name": key or cfg.statistics.method,
        "decomposition": decomposition(events, cfg, flavour, coupling),
        "decay_convention": cfg.decay_convention,
        "seed": seed,
        "n_events": n,
    }


def write_events(
    path, events_by_mode: dict, cfg: BeamStudyConfig, portal: str, flavour: str, coupling: float, seed: int
) -> list:
    """Write beam events to HepMC3 (one file, all modes, weights = expected signal events) or Parquet."""
    from pathlib import Path

    from nuportal.io import ensure_writable_dir, provenance

    path = Path(path)
    ensure_writable_dir(path.parent if str(path.parent) else ".")
    unit = COUPLING_UNITS[portal][0]
    if path.suffix == ".parquet":
        out = []
        for mode, ev in events_by_mode.items():
            p = path if len(events_by_mode) == 1 else path.with_name(f"{path.stem}_{mode}.parquet")
            out.append(ev.to_parquet(p, provenance(cfg, seed, mode=mode, pot=cfg.modes[mode].pot)))
        return out
    from nuportal.mc import hepmc
    from nuportal.mc.events import UpscatterEvents
    from nuportal.mc.reweight import decay_lengths_cm, decay_model, event_rates

    model = decay_model(
        next(iter(events_by_mode.values())).mass_GeV,
        portal,
        FLAVOURS[flavour],
        dipole_visible=cfg.dipole_visible,
    )
    parts, weights, lams = [], [], []
    for mode, ev in events_by_mode.items():
        eff, _ = efficiency(cfg, ev.mass_GeV, mode)
        rates = event_rates(ev, coupling, FLAVOURS[flavour], dipole_visible=cfg.dipole_visible)
        parts.append(ev)
        weights.append(rates * cfg.modes[mode].pot * eff)
        lams.append(decay_lengths_cm(ev, model) / model.h(coupling))
    merged = UpscatterEvents.concatenate(parts)
    meta = provenance(
        cfg,
        seed,
        coupling=coupling,
        coupling_unit=unit,
        flavour=flavour,
        modes=list(events_by_mode),
        weight="expected signal events (POT x efficiency x decays/POT)",
    )
    rng = np.random.default_rng([int(seed), 77])
    return [
        hepmc.write_hepmc3(
            path,
            merged,
            np.concatenate(weights),
            np.concatenate(lams),
            model.q,
            decay="nu e e",
            rng=rng,
            beam_axis=(0.0, 0.0, 1.0),
            run_info=meta,
        )
    ]
