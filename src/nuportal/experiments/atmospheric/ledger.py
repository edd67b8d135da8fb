"""The difference ledger of reference 004: what each of the authors' choices changes, against the paper.

For the quantities of :data:`QUANTITIES` (points A and B of Fig. 5, the d_e floor at 30 MeV and the
highest excluded mass of each flavour, Super-K, sigma_sys = 0), :func:`ledger` evaluates the study in
the nuportal convention, then with each differing choice of another convention set switched alone
("single") and together with every earlier one ("cumulative", in the order of
:data:`~nuportal.experiments.atmospheric.conventions.CHOICES`).  The last cumulative row is the other
convention itself.  Every row carries the paper's value and the ratio to it.
"""

from __future__ import annotations

import logging

import numpy as np

from nuportal.scan.contour import excluded_interval

__all__ = ["QUANTITIES", "SYSTEMATIC", "ledger", "quantities", "floor", "paper_values", "paper_floor"]

log = logging.getLogger(__name__)

#: Reference 004 Fig. 5: points on the Super-K boundary (Sec. IV: "two ... points which are at the
#: Super-Kamiokande exclusion boundary"), d_e in MeV^-1; Fig. 5 is sigma_sys = 0.
POINTS = {"A": (0.03, 2e-10), "B": (0.1, 2e-9)}
FLAVOURS = ("e", "mu", "tau")
QUANTITIES = ("point_A", "point_B", *(f"floor_30MeV_{f}" for f in FLAVOURS), "ceiling_70MeV_e",
              *(f"max_mass_{f}" for f in FLAVOURS))
#: sigma_sys of each quantity.  The hnlimits digitisations of Fig. 2 are its sigma_sys = 5% curves (Fig. 2
#: shows both; the digitised floors and tips lie where the 5% curve does, and point B, on the sigma_sys = 0
#: boundary at 100 MeV, lies beyond the digitised d_e tip at 86 MeV).
SYSTEMATIC = {q: (0.0 if q.startswith("point") else 0.05) for q in QUANTITIES}
UNITS = {q: ("events / threshold" if q.startswith("point") else "GeV" if q.startswith("max") else "MeV^-1")
         for q in QUANTITIES}
_FIG = {"e": "2a", "mu": "2b", "tau": "2c"}
_LIMITS = {"e": "SK-atm-2022-de", "mu": "SK-atm-2022-dmu", "tau": "SK-atm-2022-dtau"}
PAPER_SOURCE = {"point_A": "reference 004 Sec. IV: on the sigma_sys = 0 boundary (ratio 1)",
                "point_B": "reference 004 Sec. IV: on the sigma_sys = 0 boundary (ratio 1)",
                **{f"floor_30MeV_{f}": f"reference 004 Fig. {_FIG[f]}, 5% curve digitised in hnlimits "
                   f"({_LIMITS[f]}), lower edge at 30 MeV" for f in FLAVOURS},
                "ceiling_70MeV_e": "reference 004 Fig. 2a, 5% curve digitised in hnlimits (SK-atm-2022-de), "
                                   "upper edge at 70 MeV",
                **{f"max_mass_{f}": f"reference 004 Fig. {_FIG[f]}, 5% curve digitised in hnlimits "
                   f"({_LIMITS[f]}), largest mass" for f in FLAVOURS}}
#: d_e grid (MeV^-1) for the floors, and the masses (GeV) bracketing the highest excluded mass.
_COUPLINGS_MEV = np.geomspace(1e-11, 1e-5, 121)
MAX_MASS_GRID = np.geomspace(0.04, 0.4, 10)


def _branch(m, y, at: float, upper: bool = False) -> float:
    """Lower (or upper) edge of a digitised closed contour at mass ``at``: the curve is split at its
    largest mass into two branches, each interpolated in log-log; NaN where the branch does not reach."""
    m, y = np.asarray(m, float), np.asarray(y, float)
    tip = int(np.argmax(m))
    vals = []
    for bm, by in ((m[:tip + 1], y[:tip + 1]), (m[tip:], y[tip:])):
        order = np.argsort(bm)
        bm, by = bm[order], by[order]
        if bm.size > 1 and bm[0] <= at <= bm[-1]:
            vals.append(float(np.exp(np.interp(np.log(at), np.log(bm), np.log(by)))))
    if not vals or (upper and len(vals) < 2):
        return np.nan
    return max(vals) if upper else min(vals)


def paper_values() -> dict:
    """The paper's value of every quantity (digitised curves from the shipped hnlimits copy)."""
    from nuportal.limits import load_limit

    out = {"point_A": 1.0, "point_B": 1.0}
    for flav, key in _LIMITS.items():
        out[f"floor_30MeV_{flav}"] = paper_floor(flav, 0.03)
        out[f"max_mass_{flav}"] = float(np.max(load_limit(key)[0]))
    m, y = load_limit(_LIMITS["e"])
    out["ceiling_70MeV_e"] = _branch(m, y, 0.07, upper=True) * 1e-3  # GeV^-1 -> MeV^-1
    return out


def paper_floor(flavour: str, m_GeV: float) -> float:
    """The digitised 5% curve's lower edge (MeV^-1) at one mass."""
    from nuportal.limits import load_limit

    m, y = load_limit(_LIMITS[flavour])
    return _branch(m, y, m_GeV) * 1e-3  # GeV^-1 -> MeV^-1


def _union_ratios(S, cfg, ev, flavours, couplings_mev, sys: float) -> dict:
    """{flavour: (max over samples of S_k / S_UL,k, MC relative error of that sample)} at each coupling,
    from one reweighting of ``ev`` for all ``flavours``."""
    sig = S.signals(ev, cfg, tuple(flavours), np.asarray(couplings_mev) * 1e3)
    limits = {k: S.signal_upper_limit(cfg, k, sys, "dipole") for k in cfg.samples}
    out = {}
    for f in flavours:
        ratios = np.array([sig[(f, "", k)][0] / limits[k] for k in cfg.samples])
        errs = np.array([sig[(f, "", k)][1] for k in cfg.samples])
        cols = np.arange(ratios.shape[1])
        best = np.argmax(ratios, axis=0)
        out[f] = (ratios[best, cols], errs[best, cols])
    return out


def _highest_mass(masses, peaks) -> float:
    """Largest mass where the peak ratio (max over couplings) crosses 1, log-interpolated; NaN if none."""
    above = np.flatnonzero(peaks >= 1.0)
    if above.size == 0:
        return np.nan
    i = int(above[-1])
    if i == len(masses) - 1:
        return float(masses[-1])  # still excluded at the end of the grid: a lower bound
    lp = np.log(np.maximum(peaks[i:i + 2], 1e-300))
    f = (0.0 - lp[0]) / (lp[1] - lp[0])
    return float(np.exp(np.log(masses[i]) + f * np.log(masses[i + 1] / masses[i])))


def floor(cfg, flavour: str, m_GeV: float, n_events: int, seed: int, sys: float = 0.05, events=None,
          edge: str = "low") -> float:
    """Lower (``edge="high"``: upper) edge in MeV^-1 of the excluded d interval at one mass (NaN when
    nothing is excluded)."""
    from nuportal.experiments.atmospheric import study as S

    ev = S.simulate_mass(cfg, "dipole", m_GeV, n_events, seed) if events is None else events
    r, _ = _union_ratios(S, cfg, ev, (flavour,), _COUPLINGS_MEV, sys)[flavour]
    return float(getattr(excluded_interval(_COUPLINGS_MEV, r, 1.0), edge))


def quantities(cfg, n_events: int, seed: int, mass_grid=None, point_events: int | None = None) -> dict:
    """Every ledger quantity for one study (dipole portal; sigma_sys per :data:`SYSTEMATIC`); the highest
    excluded masses are bracketed on ``mass_grid`` (GeV, default :data:`MAX_MASS_GRID`); points A and B
    (and the 30 MeV floors, from the same simulation) use ``point_events`` (default ``n_events``)."""
    grid = MAX_MASS_GRID if mass_grid is None else np.asarray(mass_grid, float)
    from nuportal.experiments.atmospheric import study as S

    out, errs, sims = {}, {}, {}
    for name, (m, d) in POINTS.items():
        sims[m] = S.simulate_mass(cfg, "dipole", m, point_events or n_events, seed)
        r, e = _union_ratios(S, cfg, sims[m], ("e",), [d], SYSTEMATIC[f"point_{name}"])["e"]
        out[f"point_{name}"], errs[f"point_{name}"] = float(r[0]), float(e[0])
    # floors and tips share one systematic setting (SYSTEMATIC): one reweighting serves every flavour
    floors = _union_ratios(S, cfg, sims[0.03], FLAVOURS, _COUPLINGS_MEV, SYSTEMATIC["floor_30MeV_e"])
    for f, (r, _) in floors.items():
        out[f"floor_30MeV_{f}"] = float(excluded_interval(_COUPLINGS_MEV, r, 1.0).low)
    peaks = {f: [] for f in FLAVOURS}
    out["ceiling_70MeV_e"] = floor(cfg, "e", 0.07, n_events, seed, SYSTEMATIC["ceiling_70MeV_e"], edge="high")
    for m in grid:
        ev = S.simulate_mass(cfg, "dipole", float(m), n_events, seed)
        tips = _union_ratios(S, cfg, ev, FLAVOURS, _COUPLINGS_MEV, SYSTEMATIC["max_mass_e"])
        for f, (r, _) in tips.items():
            peaks[f].append(float(np.max(r)))
    for f, p in peaks.items():
        out[f"max_mass_{f}"] = _highest_mass(grid, np.array(p))
    out["_errors"] = errs
    return out


def _quantities_job(args):
    return quantities(*args)


def ledger(convention="reference-004-authors", *, experiment="superk", n_events: int = 100_000,
           seed: int = 1, workers: int = 1, progress=None, singles: bool = True,
           mass_grid=None, point_events: int | None = None) -> list[dict]:
    """Ledger rows: one per (step, mode, quantity) with our value, the paper's and their ratio.

    Steps run in ``workers`` processes; the first cumulative step equals the first single one and is
    not recomputed.  ``singles=False`` leaves out the one-at-a-time steps (the cumulative chain, the
    options and the end points are kept); ``mass_grid`` as in :func:`quantities`.
    """
    from nuportal.experiments.atmospheric.conventions import ledger_configs, load_convention
    from nuportal.experiments.atmospheric.study import study_config

    conv = load_convention(convention)
    paper = paper_values()
    steps = ledger_configs(study_config(experiment), conv)
    if not singles:
        steps = [s for i, s in enumerate(steps) if s[1] != "single" or i == 1]
    unique = [i for i, (_, mode, _) in enumerate(steps) if not (mode == "cumulative" and i == 2)]
    jobs = [(steps[i][2], n_events, seed, mass_grid, point_events) for i in unique]
    results = dict(zip(unique, _map(jobs, workers, progress), strict=True))
    rows = []
    for i, (key, mode, _cfg) in enumerate(steps):
        q = results[i if i in results else 1]
        if mode == "option":
            from nuportal.experiments.atmospheric.conventions import load_convention as _lc

            value, source = "true", "option on the nuportal set: " + _lc("nuportal").choices[key].source
        else:
            value = "nuportal" if key == "baseline" else conv.value(key)
            source = "" if key == "baseline" else conv.choices[key].source
        for name in QUANTITIES:
            rows.append({"step": key, "mode": mode, "value": str(value), "quantity": name,
                         "unit": UNITS[name],
                         "sigma_sys": SYSTEMATIC[name], "nuportal": q[name],
                         "mc_rel_error": q["_errors"].get(name, np.nan), "paper": paper[name],
                         "ratio_to_paper": q[name] / paper[name], "paper_source": PAPER_SOURCE[name],
                         "choice_source": source})
    return rows


def _map(jobs, workers: int, progress):
    """Results of :func:`quantities` for each job, in order, on the installed executor (or in-process /
    the local pool, by ``workers``)."""
    from nuportal.scan.executors import executor_for

    out: list = [None] * len(jobs)
    for n, (k, res) in enumerate(executor_for(workers).run(_quantities_job, list(jobs)), start=1):
        out[k] = res
        if progress is not None:
            progress(n, len(jobs))
    return out
