"""The complete NA62 K+ -> pi0 e+ N sensitivity study: efficiency, background, reach curves.

One background simulation serves every scenario and every mass (scenarios differ only in N_K).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np

from nuportal.errors import NuportalInputError
from nuportal.experiments.na62.background import BackgroundSpectrum, simulate_background
from nuportal.experiments.na62.config import NA62Config
from nuportal.experiments.na62.reach import ReachCurve, reach_curve
from nuportal.experiments.na62.signal import SignalEfficiency, simulate_signal_efficiency

__all__ = ["Study", "run_study"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Study:
    """Everything computed for one configuration and seed."""

    config: NA62Config
    seed: int
    efficiency: SignalEfficiency
    background: BackgroundSpectrum
    curves: dict[str, ReachCurve]


def run_study(cfg: NA62Config, seed: int = 1, scenarios=None, n_background: int | None = None,
              masses=None) -> Study:
    """Simulate once and compute the reach of each scenario (default: all in the config)."""
    names = list(cfg.scenarios) if scenarios is None else list(scenarios)
    for name in names:
        if name not in cfg.scenarios:
            raise NuportalInputError(
                f"unknown scenario {name!r}; allowed: {', '.join(cfg.scenarios)}")
    if not 0 <= seed < 2**63:
        raise NuportalInputError(f"seed = {seed} is outside the allowed range [0, 2**63)")
    from nuportal.budget import check_work

    check_work("--n-background", n_background, "radiative_decays")
    rng_eff, rng_bkg = (np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(2))
    log.info("signal efficiency on %d masses", cfg.analysis.n_efficiency_masses)
    eff = simulate_signal_efficiency(cfg, rng_eff)
    log.info("background: %s radiative events", n_background or cfg.analysis.n_background_events)
    bkg = simulate_background(cfg, rng_bkg, n_background)
    curves = {s: reach_curve(cfg, s, bkg, eff, masses) for s in names}
    return Study(cfg, seed, eff, bkg, curves)
