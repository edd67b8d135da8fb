"""Atmospheric-neutrino upscattering studies: expected HNL decays per sample and exclusion contours.

The chain of reference 004 (Gustafson, Plestid, Shoemaker): Honda atmospheric intensity, oscillated through
PREM from the entry point W to the interaction point X (:class:`nuportal.flux.sources.AtmosphericSource`),
upscattering nu A -> N X on the Table-1 elements of a PREM Earth (:mod:`nuportal.production.upscattering`),
the weighted Monte Carlo of Eq. 7 (:func:`nuportal.mc.upscatter.simulate`) and analytic reweighting to every
coupling (:func:`nuportal.mc.reweight.expected_events`): ONE simulation per mass serves every coupling, every
flavour pattern and every sample of a detector. The rate-only test of Sec. III
(:func:`nuportal.stats.intervals.gaussian_rate_upper_limit`) turns expected events into exclusions; the
excluded region at each mass is the union over the samples (Sec. III.1).

Couplings: dipole d_alpha in GeV^-1 internally (the CLI and result files use MeV^-1, as reference 004
quotes them); mixing |U_alpha|^2.
"""

from __future__ import annotations

import functools
import logging
from pathlib import Path

import numpy as np

from nuportal.errors import NuportalInputError, require_range
from nuportal.experiments.atmospheric.config import AtmStudyConfig, Sample, load_study
from nuportal.scan.contour import excluded_interval

__all__ = ["FLAVOURS", "PORTALS", "COUPLING_UNITS", "DEFAULT_GRIDS", "study_config", "engine_inputs",
           "simulate_mass", "signals", "sample_signal", "signal_upper_limit", "mass_point", "point_rate"]

log = logging.getLogger(__name__)

#: Flavour patterns (p_e, p_mu, p_tau) of the coupling: d_alpha = s p_alpha or |U_alpha|^2 = s p_alpha.
FLAVOURS = {"e": (1.0, 0.0, 0.0), "mu": (0.0, 1.0, 0.0), "tau": (0.0, 0.0, 1.0), "universal": (1.0, 1.0, 1.0)}
PORTALS = ("dipole", "mixing")
#: Unit of the coupling in files and on the command line, and its factor to the internal unit.
COUPLING_UNITS = {"dipole": ("MeV^-1", 1.0e3), "mixing": ("|U|^2", 1.0)}
#: Default scan grids (masses in GeV, couplings in file units), log-spaced: (lo, hi, n).
DEFAULT_GRIDS = {"dipole": {"masses": (0.002, 0.4, 40), "couplings": (1e-11, 1e-5, 61)},
                 "mixing": {"masses": (0.005, 0.2, 30), "couplings": (1e-5, 1.0, 51)}}
#: Sub-channels scaled by the "incoherent" factor (reference 004 Fig. 2d band: x2 and x0.5).
INCOHERENT_TAGS = ("-p-elastic-", "-n-elastic-")
#: Mixing-portal HNLs are Majorana (widths of Bondarenko et al. 2018 as in nuportal.decay.widths).
MAJORANA = True


#: Neutrino energies of the Honda 2014 table (GeV): HNL energies and visible energies lie below the top.
FLUX_RANGE_GEV = (0.1, 1.0e4)


def study_config(experiment) -> AtmStudyConfig:
    """The study for ``experiment`` (a shipped name, a YAML path or an already loaded config).

    Raises NuportalInputError when the detector site is unknown or lies outside the Earth (``depth_m``),
    or when a sample's visible-energy window lies outside the flux table.
    """
    from nuportal.earth.sites import get_site

    cfg = experiment if isinstance(experiment, AtmStudyConfig) else load_study(experiment)
    get_site(cfg.site, depth_m=cfg.depth_m)  # checked here, before any output or simulation
    for name, s in cfg.samples.items():
        if s.E_vis_min_GeV >= FLUX_RANGE_GEV[1]:
            raise NuportalInputError(
                f"sample {name!r}: E_vis_min_GeV = {s.E_vis_min_GeV:g} is outside the allowed range "
                f"[0, {FLUX_RANGE_GEV[1]:g}) GeV of the atmospheric flux table")
    return cfg


def _check_choice(name: str, value: str, allowed) -> str:
    if value not in allowed:
        raise NuportalInputError(f"{name} {value!r} is not one of: {', '.join(allowed)}")
    return value


def _oscillate(oscillations) -> bool:
    if isinstance(oscillations, bool):
        return oscillations
    return _check_choice("--oscillations", str(oscillations), ("on", "off")) == "on"


@functools.lru_cache(maxsize=8)
def _inputs(site_name: str, depth_m: float | None, portal: str, oscillate: bool, ocean: bool,
            flux: str = "honda2014-kamioka", shape: str = "mean-chord", m4_sign: int = -1,
            screening: bool = False):
    import dataclasses

    from nuportal.earth.sites import get_site
    from nuportal.flux.atmospheric import load_flux
    from nuportal.flux.sources import AtmosphericSource
    from nuportal.mc.targets import EarthTarget
    from nuportal.mc.upscatter import default_channels

    site = get_site(site_name, depth_m=depth_m)
    if shape == "cube-root":  # reference 004's code: l = V^(1/3), A_perp = V^(2/3) (per module)
        length = (site.volume_cm3 / site.n_modules) ** (1.0 / 3.0)
        site = dataclasses.replace(site, length_cm=length, area_cm2=site.volume_cm3 / length)
    # the same Earth (with or without the PREM ocean shell) for the oscillation paths and the target
    source = AtmosphericSource(load_flux(flux), oscillate=oscillate, ocean=ocean)
    target = EarthTarget(ocean=ocean)
    return site, source, target, default_channels(portal, target, coherent_m4_sign=m4_sign,
                                                  atomic_screening=screening)


def engine_inputs(cfg: AtmStudyConfig, portal: str, oscillate: bool = True):
    """(site, source, target, channels) of a study, built once per process.

    The study's convention choices enter here: flux model, oscillations (off when either the study or
    ``oscillate`` says so), detector shape and the coherent cross-section variant.
    """
    _check_choice("portal", portal, PORTALS)
    return _inputs(cfg.site, cfg.depth_m, portal, bool(oscillate) and cfg.oscillations, cfg.earth_ocean,
                   cfg.flux, cfg.detector_shape, cfg.coherent_m4_sign, cfg.atomic_screening)


def _rng(seed: int, mass: float, portal: str, part: int) -> np.random.Generator:
    """Per-mass stream: the same (seed, mass) gives the same events in any process or order."""
    from nuportal.scan.executors import mass_stream

    return mass_stream(seed, mass, PORTALS.index(portal), part)


def max_mass(cfg: AtmStudyConfig) -> float:
    """Heaviest HNL the flux can produce (GeV): the coherent threshold on the heaviest nucleus of the
    Earth model at the flux table's top energy, m = M (sqrt(1 + 2 E / M) - 1)."""
    from nuportal.earth.composition import _element_arrays
    from nuportal.flux.atmospheric import load_flux

    e_max = load_flux(cfg.flux).energy_range[1]
    heavy = float(np.max(_element_arrays()[1])) * 0.93149410242  # molar mass (g/mol) -> GeV
    return float(heavy * (np.sqrt(1.0 + 2.0 * e_max / heavy) - 1.0))


def simulate_mass(cfg: AtmStudyConfig, portal: str, mass: float, n_events: int, seed: int,
                  oscillate: bool = True, part: int = 0):
    """One weighted simulation at ``mass`` (GeV) for the study's detector."""
    from nuportal.io import provenance
    from nuportal.mc.plan import SamplingPlan
    from nuportal.mc.upscatter import simulate

    require_range("HNL mass [GeV]", mass, 0.0, np.inf, low_open=True, high_open=True)
    site, source, target, channels = engine_inputs(cfg, portal, oscillate)
    meta = provenance(cfg, seed, portal=portal, m_N_GeV=mass,
                      oscillations=bool(oscillate) and cfg.oscillations, part=part,
                      n_generated=int(n_events))
    r_min = None if cfg.rock_distance_m is None else cfg.rock_distance_m * 100.0
    plan = SamplingPlan(r_min_cm=r_min, forward_u_min=cfg.forward_u_min)
    return simulate(mass, portal, source, target, site, channels, int(n_events),
                    _rng(seed, mass, portal, part), plan, metadata=meta)


def merge(parts):
    """Combine independent simulations (:func:`nuportal.mc.events.merge_simulations`)."""
    from nuportal.mc.events import merge_simulations

    return merge_simulations(parts)


def _weight_factor(events, sample: Sample, channel_scale: dict[str, float] | None):
    """Per-event weight factor of a sample's direction cut and channel scales (None when all 1)."""
    factor = None
    if channel_scale:
        per_channel = np.ones(len(events.channel_names))
        for k, name in enumerate(events.channel_names):
            for tag, f in channel_scale.items():
                if tag in name:
                    per_channel[k] = f
        factor = per_channel[events.channel]
    if sample.direction == "upgoing":
        # the photon (or e+e- pair) follows the HNL direction to within ~m_N/E_N: an up-going HNL
        # (arriving from below, cos_det < 0) gives an up-going shower
        up = (events.cos_det < 0.0).astype(float)
        factor = up if factor is None else factor * up
    return factor


def signals(events, cfg: AtmStudyConfig, flavours, couplings_internal, variants=None) -> dict:
    """Expected events and MC relative errors for every (flavour, variant, sample), from one reweighting.

    ``variants`` maps a name to channel scales (e.g. {"_inc2": {"-p-elastic-": 2, "-n-elastic-": 2}});
    the nominal variant "" is always included. Returns {(flavour, variant, sample): (n (n_c,), rel)}.
    """
    from nuportal.mc.reweight import expected_events_many

    keys, requests = [], []
    for flav in flavours:
        pattern = FLAVOURS[_check_choice("flavour", flav, tuple(FLAVOURS))]
        for vname, scale in {"": None, **(variants or {})}.items():
            for sname, sample in cfg.samples.items():
                keys.append((flav, vname, sname))
                requests.append((pattern, sample.window_GeV, _weight_factor(events, sample, scale)))
    res = expected_events_many(events, couplings_internal, requests, cfg.live_time_s, majorana=MAJORANA)
    return dict(zip(keys, res, strict=True))


def sample_signal(events, cfg: AtmStudyConfig, sample_name: str, flavour: str, couplings_internal,
                  channel_scale: dict[str, float] | None = None):
    """Expected HNL decays in one sample and their MC relative error at each coupling scale."""
    _check_choice("sample", sample_name, tuple(cfg.samples))
    one = cfg.model_copy(update={"samples": {sample_name: cfg.samples[sample_name]}})
    variants = {"_": channel_scale} if channel_scale else None
    return signals(events, one, (flavour,), couplings_internal, variants)[
        (flavour, "_" if channel_scale else "", sample_name)]


def signal_upper_limit(cfg: AtmStudyConfig, sample_name: str, sys: float, portal: str) -> float:
    """Signal events excluded in a sample: the rate-only Gaussian test of reference 004 Sec. III.

    DUNE's mixing-portal projection uses the fixed benchmark of 30 events (reference 004 Sec. IV).
    """
    from nuportal.stats.intervals import gaussian_rate_upper_limit

    if portal == "mixing" and cfg.mixing_signal_events is not None:
        return float(cfg.mixing_signal_events)
    s = cfg.samples[sample_name]
    ul = gaussian_rate_upper_limit(s.background.expected, s.observed_events, cl=cfg.cl, sys=sys,
                                   z=cfg.rate_test_z).upper
    return float(max(ul, 1e-9))


def _union_ratio(signals: dict, limits: dict) -> np.ndarray:
    """max over samples of S_k(c) / S_UL,k: a coupling is excluded where it is >= 1."""
    return np.max([signals[k][0] / limits[k] for k in signals], axis=0)


def _edge_error(couplings, signals, limits, edge: float) -> float:
    """MC relative error of the sample that sets the exclusion, at the grid point nearest the edge."""
    if not np.isfinite(edge):
        return np.nan
    i = int(np.argmin(np.abs(np.log(couplings / edge))))
    best = max(signals, key=lambda k: signals[k][0][i] / limits[k])
    return float(signals[best][1][i])


def _intervals(couplings, signals, cfg, portal, unit) -> dict:
    """Excluded interval (file units) and the MC error at its edges, per systematic setting."""
    row = {}
    for sys in cfg.systematics:
        limits = {k: signal_upper_limit(cfg, k, sys, portal) for k in signals}
        iv = excluded_interval(couplings, _union_ratio(signals, limits), 1.0)
        tag = "" if sys == cfg.systematics[0] else f"_sys{round(sys * 100):d}"
        row[f"coupling_low{tag}"] = iv.low / unit
        row[f"coupling_high{tag}"] = iv.high / unit
        row[f"open_low{tag}"] = float(iv.open_low)
        row[f"open_high{tag}"] = float(iv.open_high)
        # an interval reaching the end of the grid has its true edge beyond it: no error to quote
        row[f"mc_rel_error_low{tag}"] = (np.nan if iv.open_low
                                         else _edge_error(couplings, signals, limits, iv.low))
        row[f"mc_rel_error_high{tag}"] = (np.nan if iv.open_high
                                          else _edge_error(couplings, signals, limits, iv.high))
    return row


def _boundary_error(row: dict) -> float:
    """Largest MC relative error at an edge of a nominal interval (channel-scale variants are bands of
    a theory uncertainty and do not drive the statistics)."""
    errs = [v for k, v in row.items() if ":mc_rel_error" in k and k.split(":")[0] in FLAVOURS
            and np.isfinite(v)]
    return max(errs) if errs else 0.0


def mass_point(mass: float, *, experiment, portal: str, flavours: tuple[str, ...], couplings, seed: int,
               oscillate: bool = True, n_events: int | None = None,
               channel_scales: dict[str, dict] | None = None) -> dict:
    """Excluded intervals at one mass for several flavour patterns (and channel-scale variants).

    The Monte Carlo statistics are doubled until the relative error at every interval edge is below the
    study's ``target_rel_error`` or ``max_events`` is reached.
    """
    cfg = study_config(experiment)
    unit = COUPLING_UNITS[portal][1]
    c = np.asarray(couplings, float) * unit
    n = int(cfg.monte_carlo.n_events if n_events is None else n_events)
    parts = [simulate_mass(cfg, portal, mass, n, seed, oscillate, part=0)]
    variants = {"": None, **(channel_scales or {})}
    while True:
        events = merge(parts)
        row = {"m_N_GeV": float(mass), "n_generated": float(sum(p.metadata.get("n_generated", 0)
                                                                for p in parts))}
        sig = signals(events, cfg, flavours, c, channel_scales)
        for flav in flavours:
            for vname in variants:
                per_sample = {k: sig[(flav, vname, k)] for k in cfg.samples}
                ivs = _intervals(c, per_sample, cfg, portal, unit)
                row.update({f"{flav}{vname}:{k}": v for k, v in ivs.items()})
        total = row["n_generated"]
        if _boundary_error(row) <= cfg.monte_carlo.target_rel_error or total >= cfg.monte_carlo.max_events:
            return row
        parts.append(simulate_mass(cfg, portal, mass, int(total), seed, oscillate, part=len(parts)))


def point_rate(experiment, sample: str, portal: str, flavour: str, mass: float, coupling: float, *,
               seed: int = 1, n_events: int | None = None, oscillations="on", events_out=None) -> dict:
    """Expected events in one sample at one (mass, coupling) point; ``coupling`` in file units.

    ``events_out``: a ``.parquet`` file (the coupling-independent weighted events, with provenance) or a
    ``.hepmc3`` file (dipole portal: events with their N -> nu gamma photon, weight = expected events in
    the sample at this coupling).
    """
    from nuportal.budget import check_n_events
    from nuportal.io import check_output_file

    cfg = study_config(experiment)
    if events_out is not None:
        check_output_file(events_out, (".hepmc3", ".parquet"))
    check_n_events(n_events)
    _check_choice("portal", portal, PORTALS)
    _check_choice("flavour", flavour, tuple(FLAVOURS))
    _check_choice("sample", sample, tuple(cfg.samples))
    require_range("HNL mass [GeV]", mass, 0.0, max_mass(cfg), low_open=True, high_open=True)
    require_range("coupling", coupling, 0.0, 1.0 if portal == "mixing" else np.inf)
    oscillate = _oscillate(oscillations)
    unit_name, unit = COUPLING_UNITS[portal]
    n = int(cfg.monte_carlo.n_events if n_events is None else n_events)
    if coupling == 0.0:
        events, rel = np.zeros(1), np.zeros(1)
    else:
        ev = simulate_mass(cfg, portal, mass, n, seed, oscillate)
        events, rel = sample_signal(ev, cfg, sample, flavour, [coupling * unit])
        if events_out is not None:
            _write_events(ev, events_out, cfg, sample, flavour, coupling, seed)
    ul = {f"{s:g}": signal_upper_limit(cfg, sample, s, portal) for s in cfg.systematics}
    return {"experiment": cfg.name, "sample": sample, "portal": portal, "flavor": flavour, "m_N_GeV": mass,
            "coupling": coupling, "coupling_unit": unit_name, "events": float(events[0]),
            "mc_rel_error": float(rel[0]) if np.isfinite(rel[0]) else None, "cl": cfg.cl,
            "signal_upper_limit": ul[f"{cfg.systematics[0]:g}"], "signal_upper_limit_by_sys": ul,
            "live_days": cfg.live_days, "oscillations": oscillate, "seed": seed, "n_events": n}


def _write_events(events, path, cfg=None, sample=None, flavour=None, coupling=None, seed=None) -> None:
    """Parquet (coupling-independent) or HepMC3 (one coupling point, dipole portal) event file."""
    from nuportal.io import ensure_writable_dir, provenance

    path = Path(path)
    ensure_writable_dir(path.parent if str(path.parent) else ".")
    if path.suffix != ".hepmc3":
        events.to_parquet(path)
        return
    from nuportal.mc import hepmc
    from nuportal.mc.reweight import decay_lengths_cm, decay_model, event_rates

    unit_name, unit = COUPLING_UNITS[events.portal]
    c = coupling * unit
    s = cfg.samples[sample]
    model = decay_model(events.mass_GeV, events.portal, FLAVOURS[flavour], MAJORANA)
    rates = event_rates(events, c, FLAVOURS[flavour], s.window_GeV, majorana=MAJORANA) * cfg.live_time_s
    factor = _weight_factor(events, s, None)
    if factor is not None:
        rates = rates * factor
    meta = provenance(cfg, seed, sample=sample, flavour=flavour, coupling=coupling, coupling_unit=unit_name,
                      weight="expected events in the sample over the live time")
    hepmc.write_hepmc3(path, events, rates, decay_lengths_cm(events, model) / model.h(c), model.q,
                       decay="nu gamma", rng=np.random.default_rng([int(seed), 78]), run_info=meta,
                       photon_window_GeV=s.window_GeV)


def reach_path(out: Path, cfg: AtmStudyConfig, portal: str, flavour: str) -> Path:
    """Result file of ``nuportal reach atm-upscatter`` for one flavour."""
    return Path(out) / f"atm-upscatter_{cfg.name}_{portal}_{flavour}.csv"
