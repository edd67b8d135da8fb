"""``nuportal reach na62-k2pi0eN``: NA62 K+ -> pi0 e+ N missing-mass reach (reference 000)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from nuportal.commands import reach_app


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
