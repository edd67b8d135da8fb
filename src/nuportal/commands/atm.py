"""``nuportal rate atm-upscatter`` and ``nuportal reach atm-upscatter`` (reference 004).

Dipole couplings on the command line are in MeV^-1 (as reference 004 quotes them); mixings are |U|^2.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from nuportal.commands import CLUSTER_HELP, EXECUTOR_HELP, SCHEDULER_HELP, executor_scope, rate_app, reach_app

_EXP = "Experiment: superk, hyperk, dune, juno (or a YAML study file)."
_PORTAL = "Portal: dipole | mixing."
_FLAVOUR = "Coupled flavour: e | mu | tau | universal."
_CONV = "Convention set: nuportal (default) | reference-004-authors | FILE.yaml (see README, conventions)."


def register(app: typer.Typer) -> None:  # noqa: ARG001 - commands live in the rate/reach groups
    """Commands are attached to ``rate_app`` and ``reach_app`` at import time."""


@rate_app.command("atm-upscatter")
def rate_atm(
    experiment: Annotated[str, typer.Option(help=_EXP)] = "superk",
    sample: Annotated[str, typer.Option(help="Event sample of the experiment, e.g. subgev | multigev.")]
    = "subgev",
    portal: Annotated[str, typer.Option(help=_PORTAL)] = "dipole",
    flavor: Annotated[str, typer.Option(help=_FLAVOUR)] = "e",
    mass: Annotated[float, typer.Option(help="HNL mass in GeV.")] = 0.03,
    coupling: Annotated[float, typer.Option(help="Dipole d in MeV^-1, or mixing |U|^2.")] = 2e-10,
    seed: Annotated[int, typer.Option(min=0, help="Random seed.")] = 1,
    n_events: Annotated[int | None, typer.Option(help="Monte Carlo events (default: config).")] = None,
    oscillations: Annotated[str, typer.Option(help="Oscillations in the Earth: on | off.")] = "on",
    convention: Annotated[str | None, typer.Option(help=_CONV)] = None,
    events_out: Annotated[Path | None, typer.Option(
        help="Also write the events: F.parquet (for reweighting) or F.hepmc3 (dipole, photons).")] = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
):
    """Expected HNL decays in one sample of an atmospheric-neutrino detector for one model point."""
    from nuportal.experiments.atmospheric import study

    res = study.point_rate(_with_convention(experiment, convention), sample, portal, flavor, mass, coupling,
                           seed=seed, n_events=n_events, oscillations=oscillations, events_out=events_out)
    if json_out:
        typer.echo(json.dumps(res, indent=1, allow_nan=False))
        return
    err = "no MC event contributes" if res["mc_rel_error"] is None else \
        f"MC relative error {res['mc_rel_error']:.2%}"
    typer.echo(f"{res['experiment']} {res['sample']}: {res['events']:.4g} expected HNL decays "
               f"({err}); excluded at {res['cl']:.0%} CL "
               f"above {res['signal_upper_limit']:.4g} events")


@reach_app.command("atm-upscatter")
def reach_atm(
    experiment: Annotated[str, typer.Option(help=_EXP)] = "superk",
    portal: Annotated[str, typer.Option(help=_PORTAL)] = "dipole",
    flavor: Annotated[str, typer.Option(help=_FLAVOUR)] = "e",
    out: Annotated[Path, typer.Option(help="Output folder.")] = Path("out"),
    masses: Annotated[str | None, typer.Option(
        help="HNL masses lo:hi:n in GeV, log-spaced (default: the portal's grid).")] = None,
    couplings: Annotated[str | None, typer.Option(
        help="Couplings lo:hi:n, log-spaced (dipole MeV^-1, mixing |U|^2; default: the portal's grid).")]
    = None,
    seed: Annotated[int, typer.Option(min=0, help="Random seed.")] = 1,
    n_events: Annotated[int | None, typer.Option(help="Initial Monte Carlo events per mass.")] = None,
    workers: Annotated[int, typer.Option(help="Worker processes (local pool, or a Dask LocalCluster).")] = 1,
    oscillations: Annotated[str, typer.Option(help="Oscillations in the Earth: on | off.")] = "on",
    convention: Annotated[str | None, typer.Option(help=_CONV)] = None,
    executor: Annotated[str, typer.Option(help=EXECUTOR_HELP)] = "local",
    scheduler: Annotated[str | None, typer.Option(help=SCHEDULER_HELP)] = None,
    dask_cluster: Annotated[Path | None, typer.Option(help=CLUSTER_HELP)] = None,
    quiet: Annotated[bool, typer.Option("--quiet", help="No progress bar.")] = False,
):
    """Excluded coupling interval at each mass (CSV + PNG); resumes an interrupted scan."""
    from nuportal.experiments.atmospheric.reach import reach

    study = _with_convention(experiment, convention)
    with executor_scope(executor, workers, scheduler, dask_cluster):
        path = reach(study, portal, flavor, out, masses=masses, couplings=couplings, seed=seed,
                     n_events=n_events, workers=workers, oscillations=oscillations,
                     progress=None if quiet else _progress_bar())
    typer.echo(f"wrote {path}")


def _with_convention(experiment: str, convention: str | None):
    """The study ``experiment`` in ``convention`` (the name or path itself when no convention is given)."""
    if convention is None:
        return experiment
    from nuportal.experiments.atmospheric.conventions import apply_convention
    from nuportal.experiments.atmospheric.study import study_config

    return apply_convention(study_config(experiment), convention)


def _progress_bar(label: str = "scan"):
    """A tqdm bar over masses (done / total, rate, ETA), drawn on stderr; None when stderr is not a
    terminal (logs and CI stay clean)."""
    import sys

    from tqdm import tqdm

    if not sys.stderr.isatty():
        return None

    state = {}

    def update(done: int, total: int) -> None:
        if "bar" not in state:
            state["bar"] = tqdm(total=total, unit="mass", desc=label, leave=False)
        state["bar"].n = done
        state["bar"].refresh()
        if done >= total:
            state["bar"].close()

    return update
