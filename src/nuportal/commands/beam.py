"""``nuportal rate beam-upscatter`` and ``nuportal reach beam-upscatter`` (reference 003).

Dipole couplings are in GeV^-1 (as reference 003 quotes them; reference 004 and the
``atm-upscatter`` commands use MeV^-1).  ``--coupling`` takes a bare number in GeV^-1 or a number
with its unit ("1e-6/GeV", "1e-6 GeV^-1", "1e-9/MeV", "1e-9 MeV^-1"); the unit is echoed in every
output, so the two conventions cannot be mixed up silently.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Annotated

import typer

from nuportal.commands import CLUSTER_HELP, EXECUTOR_HELP, SCHEDULER_HELP, executor_scope, rate_app, reach_app
from nuportal.errors import NuportalInputError

_EXP = "Experiment: nd280 | nd280-upgrade (or a YAML study file)."
_UNITS = {
    "gev^-1": 1.0,
    "/gev": 1.0,
    "gev-1": 1.0,
    "1/gev": 1.0,
    "mev^-1": 1e3,
    "/mev": 1e3,
    "mev-1": 1e3,
    "1/mev": 1e3,
}


def register(app: typer.Typer) -> None:  # noqa: ARG001 - commands live in the rate/reach groups
    """Commands are attached to ``rate_app`` and ``reach_app`` at import time."""


def parse_coupling(text: str, portal: str) -> float:
    """Coupling in file units (dipole: GeV^-1, mixing: |U|^2) from '1e-6', '1e-6/GeV', '1e-9 MeV^-1'."""
    m = re.fullmatch(r"\s*([-+0-9.eE]+)\s*(\S*)\s*", str(text))
    try:
        value = float(m.group(1)) if m else float("nan")
    except ValueError:
        value = float("nan")
    unit = (m.group(2) if m else "").lower()
    if value != value:
        raise NuportalInputError(f"--coupling {text!r} is not a number (e.g. 1e-6, 1e-6/GeV, 1e-9/MeV)")
    if portal == "mixing":
        if unit not in ("", "u2", "|u|^2"):
            raise NuportalInputError(f"--coupling unit {unit!r}: a mixing |U|^2 has no unit")
        return value
    if unit and unit not in _UNITS:
        raise NuportalInputError(
            f"--coupling unit {unit!r} is not allowed; use GeV^-1 (default), /GeV, MeV^-1 or /MeV"
        )
    return value * _UNITS.get(unit, 1.0)


@rate_app.command("beam-upscatter")
def rate_beam(
    experiment: Annotated[str, typer.Option(help=_EXP)] = "nd280",
    mode: Annotated[str, typer.Option(help="Beam mode: fhc | rhc | both.")] = "both",
    portal: Annotated[str, typer.Option(help="Portal: dipole | mixing.")] = "dipole",
    flavor: Annotated[str, typer.Option(help="Coupled flavour: e | mu | tau.")] = "mu",
    mass: Annotated[float, typer.Option(help="HNL mass in GeV.")] = 0.5,
    coupling: Annotated[
        str,
        typer.Option(
            help="Dipole d in GeV^-1 (bare number) or with its unit (1e-6/GeV, 1e-9/MeV); mixing |U|^2."
        ),
    ] = "1e-6",
    seed: Annotated[int, typer.Option(min=0, help="Random seed.")] = 1,
    n_events: Annotated[
        int | None, typer.Option(help="Monte Carlo events per mode (default: config).")
    ] = None,
    events_out: Annotated[
        Path | None,
        typer.Option(
            help="Also write the events: FILE.hepmc3 (e+e- decays, weight = expected events) or FILE.parquet."
        ),
    ] = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
):
    """Expected HNL decays (N -> nu e+ e-) in the fiducial volume of a beam experiment for one model point."""
    from nuportal.experiments.accelerator import study

    value = parse_coupling(coupling, portal)
    res = study.point_rate(
        experiment, mode, portal, flavor, mass, value, seed=seed, n_events=n_events, events_out=events_out
    )
    if json_out:
        typer.echo(json.dumps(res, indent=1, allow_nan=False))
        return
    unit = res["coupling_unit"]
    typer.echo(
        f"{res['experiment']} {mode}: {res['events']:.4g} expected signal events at m_N = {mass:g} GeV, "
        f"coupling = {value:.4g} {unit} (MC relative error {res['mc_rel_error'] or 0:.2%}; "
        f"{res['events_flux_reduced']:.4g} after the flux reduction); threshold "
        f"{res['signal_threshold']:.4g} events ({res['threshold_name']})"
    )
    for row in res["decomposition"][:6]:
        typer.echo(
            f"  {row['mode']:>3s} {row['material']:<16s} {row['fraction']:7.1%}  (largest box "
            f"{row['largest_box']})"
        )


@reach_app.command("beam-upscatter")
def reach_beam(
    experiment: Annotated[str, typer.Option(help=_EXP)] = "nd280",
    portal: Annotated[str, typer.Option(help="Portal: dipole | mixing.")] = "dipole",
    flavor: Annotated[str, typer.Option(help="Coupled flavour: e | mu | tau.")] = "mu",
    out: Annotated[Path, typer.Option(help="Output folder.")] = Path("out"),
    masses: Annotated[str | None, typer.Option(help="HNL masses lo:hi:n in GeV, log-spaced.")] = None,
    couplings: Annotated[
        str | None, typer.Option(help="Couplings lo:hi:n, log-spaced, in GeV^-1 (dipole) or |U|^2 (mixing).")
    ] = None,
    seed: Annotated[int, typer.Option(min=0, help="Random seed.")] = 1,
    n_events: Annotated[
        int | None, typer.Option(help="Initial Monte Carlo events per mass and mode.")
    ] = None,
    workers: Annotated[int, typer.Option(help="Worker processes (local pool, or a Dask LocalCluster).")] = 1,
    executor: Annotated[str, typer.Option(help=EXECUTOR_HELP)] = "local",
    scheduler: Annotated[str | None, typer.Option(help=SCHEDULER_HELP)] = None,
    dask_cluster: Annotated[Path | None, typer.Option(help=CLUSTER_HELP)] = None,
    quiet: Annotated[bool, typer.Option("--quiet", help="No progress bar.")] = False,
):
    """Excluded (or reachable) coupling interval at each mass, FHC + RHC (CSV + PNG); resumes a scan."""
    from nuportal.commands.atm import _progress_bar
    from nuportal.experiments.accelerator.reach import reach

    with executor_scope(executor, workers, scheduler, dask_cluster):
        path = reach(experiment, portal, flavor, out, masses=masses, couplings=couplings, seed=seed,
                     n_events=n_events, workers=workers, progress=None if quiet else _progress_bar())
    typer.echo(f"wrote {path}")
