"""``nuportal reach na62-k2pi0eN``: NA62 K+ -> pi0 e+ N missing-mass reach (reference 000)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from nuportal.commands import rate_app, reach_app


def register(app: typer.Typer) -> None:  # noqa: ARG001 - the command lives in the reach group
    """Commands are attached to ``reach_app`` at import time."""


@reach_app.command("na62-k2pi0eN")
def reach_na62(
    out: Annotated[Path, typer.Option(help="Output folder.")] = Path("out"),
    scenario: Annotated[str, typer.Option(help="Scenario name or 'all'.")] = "all",
    config: Annotated[Path | None, typer.Option(help="User YAML configuration file.")] = None,
    seed: Annotated[int, typer.Option(min=0, help="Random seed.")] = 1,
    n_background: Annotated[int | None, typer.Option(
        help="Generated radiative decays (default: from the configuration).")] = None,
    veto_model: Annotated[str | None, typer.Option(
        help="Photon-veto model above theta_max: hermetic | partial.")] = None,
    veto_acceptance: Annotated[str | None, typer.Option(
        help="Veto x acceptance treatment: factorised | correlated.")] = None,
    k_window: Annotated[float | None, typer.Option("--k", help="Window half-width in sigma.")] = None,
):
    """NA62 K+ -> pi0 e+ N: projected |U_e|^2 reach curves (CSV + PNG) per data-set scenario."""
    from nuportal.reproduce import na62_outputs

    na62_outputs.reach_command(out, scenario, config, seed, n_background, veto_model, k_window,
                               veto_acceptance)


@rate_app.command("na62-k2pi0eN")
def rate_na62(
    mass: Annotated[float, typer.Option(help="HNL mass in GeV.")] = 0.2,
    u2e: Annotated[float, typer.Option("--U2e", help="|U_e|^2.")] = 1e-6,
    scenario: Annotated[str, typer.Option(help="Data-set scenario (sets N_K).")] = "run1",
    config: Annotated[Path | None, typer.Option(help="User YAML configuration file.")] = None,
    seed: Annotated[int, typer.Option(min=0, help="Random seed.")] = 1,
    n_events: Annotated[int, typer.Option(help="Generated K+ -> pi0 e+ N decays.")] = 20_000,
    events_out: Annotated[Path | None, typer.Option(
        help="Also write the events as HepMC3 (F.hepmc3): K+, pi0 -> gamma gamma, e+, N.")] = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
):
    """Expected K+ -> pi0 e+ N signal events in the NA62 selection for one (mass, |U_e|^2) point."""
    import json

    import numpy as np

    from nuportal.budget import check_n_events
    from nuportal.errors import NuportalInputError
    from nuportal.experiments.na62 import events as E
    from nuportal.experiments.na62.config import load_config
    from nuportal.io import check_output_file, provenance

    cfg = load_config(config)
    if scenario not in cfg.scenarios:
        raise NuportalInputError(f"unknown scenario {scenario!r}; allowed: {', '.join(cfg.scenarios)}")
    check_n_events(n_events)
    if events_out is not None:
        check_output_file(events_out, (".hepmc3",))
    ev = E.generate_signal(cfg, mass, n_events, np.random.default_rng(seed))
    expected, generated = E.signal_weights(cfg, ev, scenario, u2e)
    acc = float(ev["accepted"].mean())
    res = {"experiment": "na62", "process": "K+ -> pi0 e+ N", "scenario": scenario,
           "n_kaon": cfg.scenarios[scenario].n_kaon, "m_N_GeV": mass, "U2_e": u2e,
           "signal_events": float(expected.sum()), "produced_decays": float(generated.sum()),
           "geometric_acceptance": acc,
           "mc_rel_error": float(np.sqrt((1 - acc) / (acc * n_events))) if acc > 0 else None,
           "seed": seed, "n_events": n_events}
    if events_out is not None:
        meta = provenance(cfg, seed, scenario=scenario, U2_e=u2e,
                          weights={"expected_events": "expected selected signal events (sum = signal_events)",
                                   "generated": "produced K+ -> pi0 e+ N decays (no acceptance)"})
        E.write_signal_hepmc3(events_out, ev, {"expected_events": expected, "generated": generated}, meta)
        res["events_out"] = str(events_out)
    if json_out:
        typer.echo(json.dumps(res, indent=1, allow_nan=False))
        return
    typer.echo(f"NA62 {scenario}: {res['signal_events']:.4g} expected K+ -> pi0 e+ N signal events in the "
               f"selection (acceptance {acc:.3f}, MC relative error {res['mc_rel_error'] or 0:.2%}); "
               f"{res['produced_decays']:.4g} produced")
