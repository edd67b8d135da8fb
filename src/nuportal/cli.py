"""Command-line interface: thin wrappers around the library (options in, library call, files out).

Bad input exits with status 2 and a one-line message on stderr naming the value and its range.
"""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path
from typing import Annotated

import numpy as np
import typer

from nuportal import __version__
from nuportal.errors import NuportalInputError

app = typer.Typer(
    name="nuportal",
    help="Sensitivity and recasting toolkit for heavy neutral leptons (units: GeV unless stated).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

MEV_PER_GEV = 1000.0


def _version(value: bool):
    if value:
        typer.echo(f"nuportal {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Print the version and exit.")] = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log progress.")] = False,
    allow_large: Annotated[bool, typer.Option(
        "--allow-large", help="Lift the limits on work (events, grid points, toys; see README).")] = False,
):
    """nuportal: heavy-neutral-lepton production, decays and experimental reach."""
    from nuportal.budget import set_allow_large

    set_allow_large(allow_large)
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")


def parse_mass_spec(spec: str) -> np.ndarray:
    """'0.135' -> [0.135]; 'lo:hi:n' -> n evenly spaced masses from lo to hi (GeV).

    ``lo:hi:1`` is accepted only with lo = hi (a one-point range); n >= 2 needs lo < hi.
    """
    from nuportal.budget import check_work
    from nuportal.errors import require_range_spec

    parts = spec.split(":")
    try:
        if len(parts) == 1:
            return np.array([float(parts[0])])
        if len(parts) == 3:
            lo, hi, n = float(parts[0]), float(parts[1]), int(parts[2])
        else:
            raise ValueError
    except ValueError:
        raise NuportalInputError(f"--mass {spec!r} is malformed; use a number or lo:hi:n (GeV)") from None
    if n < 1:
        raise NuportalInputError(
            f"number of masses n = {n} is outside the allowed range [1, inf) in --mass lo:hi:n")
    check_work("number of masses n in --mass lo:hi:n", n, "mass_points")
    require_range_spec("--mass", lo, hi, n)
    return np.linspace(lo, hi, n)


@app.command()
def br(
    process: Annotated[str, typer.Argument(help='e.g. "K+ -> pi0 e+ N", "K+ -> mu+ N".')],
    mass: Annotated[str, typer.Option(help="HNL mass in GeV, or a range lo:hi:n.")],
    json_out: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
):
    """Production branching ratio divided by |U|^2 for a meson decay to an HNL."""
    from nuportal.production.processes import get_process

    proc = get_process(process)
    masses = parse_mass_spec(mass)
    values = proc.br_over_U2(masses)
    rows = [{"process": proc.name, "m_N_GeV": float(m), "br_over_U2": float(v),
             "mixing": f"|U_{proc.flavour}|^2"} for m, v in zip(masses, values, strict=True)]
    if json_out:
        typer.echo(json.dumps(rows[0] if len(rows) == 1 else rows, indent=1))
        return
    typer.echo(f"# {proc.name}: BR / |U_{proc.flavour}|^2")
    typer.echo(f"{'m_N_GeV':>12} {'br_over_U2':>14}")
    for r in rows:
        typer.echo(f"{r['m_N_GeV']:12.6f} {r['br_over_U2']:14.6e}")


@app.command()
def width(
    mass: Annotated[float, typer.Option(help="HNL mass in GeV.")],
    u2e: Annotated[float, typer.Option("--U2e", help="|U_e|^2.")] = 0.0,
    u2mu: Annotated[float, typer.Option("--U2mu", help="|U_mu|^2.")] = 0.0,
    u2tau: Annotated[float, typer.Option("--U2tau", help="|U_tau|^2.")] = 0.0,
    d_e: Annotated[float, typer.Option("--d-e", help="Dipole coupling to nu_e in MeV^-1.")] = 0.0,
    d_mu: Annotated[float, typer.Option("--d-mu", help="Dipole coupling to nu_mu, MeV^-1.")] = 0.0,
    d_tau: Annotated[float, typer.Option("--d-tau", help="Dipole to nu_tau, MeV^-1.")] = 0.0,
    dirac: Annotated[bool, typer.Option("--dirac", help="Dirac HNL (default Majorana).")] = False,
    invisible: Annotated[float, typer.Option("--extra-invisible-width",
                                             help="Extra invisible width in GeV.")] = 0.0,
    json_out: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
):
    """Total width, lifetime, c*tau and branching ratios of an HNL (decays below m_K)."""
    from nuportal.decay import widths
    from nuportal.model import HNL

    d = {"e": d_e * MEV_PER_GEV, "mu": d_mu * MEV_PER_GEV, "tau": d_tau * MEV_PER_GEV}
    hnl = HNL(mass, {"e": u2e, "mu": u2mu, "tau": u2tau}, d, majorana=not dirac,
              extra_invisible_width=invisible)
    total = widths.total_width(hnl)
    out = {
        "m_N_GeV": mass, "majorana": not dirac, "U2": hnl.U2,
        "d_per_GeV": hnl.d,
        "width_GeV": total,
        "lifetime_s": widths.lifetime_s(hnl),
        "ctau_m": widths.ctau_cm(hnl) / 100.0,
        "branching_ratios": {k: float(v) for k, v in widths.branching_ratios(hnl).items()},
    }
    if json_out:
        typer.echo(json.dumps(out, indent=1))
        return
    typer.echo(f"m_N = {mass} GeV ({'Dirac' if dirac else 'Majorana'})")
    typer.echo(f"total width = {total:.6e} GeV, lifetime = {out['lifetime_s']:.6e} s, "
               f"c*tau = {out['ctau_m']:.6e} m")
    for k, v in out["branching_ratios"].items():
        if v > 0:
            typer.echo(f"  BR({k:10s}) = {v:.6e}")


def _reference_modules() -> dict[str, str]:
    """Reference number -> module name, found by listing ``nuportal/reproduce/ref*.py``."""
    import pkgutil

    import nuportal.reproduce as pkg

    return {info.name[3:]: f"{pkg.__name__}.{info.name}" for info in pkgutil.iter_modules(pkg.__path__)
            if info.name.startswith("ref") and info.name[3:].isdigit()}


@app.command()
def reproduce(
    reference: Annotated[str, typer.Argument(help="Reference paper number, e.g. 000.")],
    out: Annotated[Path, typer.Option(help="Output folder.")] = Path("out"),
    seed: Annotated[int, typer.Option(min=0, help="Random seed.")] = 1,
    n_background: Annotated[int | None, typer.Option(
        help="Generated radiative decays for reference 000 (default: from the configuration).")] = None,
    quick: Annotated[bool, typer.Option("--quick", help="Reduced Monte Carlo statistics (smoke runs).")]
    = False,
    quiet: Annotated[bool, typer.Option("--quiet", help="No progress bars (drawn only on a terminal).")]
    = False,
    full: Annotated[bool, typer.Option(
        "--full", help="Publication statistics (default: the faster demo tier).")] = False,
    convention: Annotated[str | None, typer.Option(
        help="Convention set (reference 004 only): nuportal (default) | reference-004-authors | FILE.yaml.")]
    = None,
    executor: Annotated[str, typer.Option(help="Where the scans' masses run: local | dask.")] = "local",
    workers: Annotated[int | None, typer.Option(
        help="Worker processes (default: min(2, CPUs); with --executor dask, a LocalCluster of that size).")]
    = None,
    scheduler: Annotated[str | None, typer.Option(help="Dask scheduler address (--executor dask).")] = None,
    dask_cluster: Annotated[Path | None, typer.Option(help="dask-jobqueue cluster file (YAML).")] = None,
):
    """Reproduce the figures of a reference paper (PNG + CSV with provenance)."""
    import importlib

    from nuportal.scan.runner import set_default_progress

    modules = _reference_modules()
    key = reference.zfill(3) if reference.isdigit() else reference
    if key not in modules:
        raise NuportalInputError(f"unknown reference {reference!r}; available: {', '.join(sorted(modules))}")
    if convention is not None and key != "004":
        raise NuportalInputError(f"--convention applies to reference 004 only, not {key}")
    if quick and full:
        raise NuportalInputError("--quick and --full exclude each other")
    from nuportal.budget import check_work

    check_work("--n-background", n_background, "mc_events" if key in ("003", "004") else "radiative_decays")
    extra = {} if convention is None else {"convention": convention}
    if full:
        extra["full"] = True
    if convention is not None:
        from nuportal.experiments.atmospheric.conventions import load_convention

        load_convention(convention)  # a bad name or file fails before any work
    if not quiet and sys.stderr.isatty():
        from nuportal.commands.atm import _progress_bar

        set_default_progress(_progress_bar)
    from nuportal.commands import executor_scope
    from nuportal.locking import output_lock
    from nuportal.scan.executors import default_workers

    n_workers = default_workers() if workers is None else workers
    try:
        with output_lock(out), executor_scope(executor, n_workers, scheduler, dask_cluster,
                                              always=workers is not None):
            module = importlib.import_module(modules[key])
            module.reproduce(out, seed=seed, n_background=n_background, quick=quick, **extra)
    finally:
        set_default_progress(None)


@app.command("report-index")
def report_index(
    root: Annotated[Path, typer.Argument(help="Folder holding NNN/report.json of reproductions.")]
    = Path("out"),
):
    """Write ROOT/index.md: every reproduction's report with its pass / fail / info counts."""
    from nuportal.reproduce.report import write_index

    path = write_index(root)
    typer.echo(path.read_text())
    typer.echo(f"wrote {path}")


from nuportal.commands import register_all  # noqa: E402

register_all(app)


def main(argv=None) -> int:
    """Entry point: run the app, mapping NuportalInputError to exit status 2."""
    try:
        app(args=argv, standalone_mode=False)
    except NuportalInputError as exc:
        text = "; ".join(line.strip() for line in str(exc).splitlines() if line.strip(" ^"))
        print(f"nuportal: error: {text}", file=sys.stderr)
        return 2
    except typer.Exit as exc:
        return exc.exit_code
    except (typer.Abort, KeyboardInterrupt):
        print("nuportal: aborted", file=sys.stderr)
        return 130
    except Exception as exc:
        # usage errors of (typer's vendored) click: one line on stderr, exit status 2
        if hasattr(exc, "format_message") and hasattr(exc, "exit_code"):
            param = getattr(exc, "param", None)
            name = f" for {param.opts[0] if getattr(param, 'opts', None) else param.name}" if (
                param is not None) else ""
            print(f"nuportal: error{name}: {exc.format_message()}", file=sys.stderr)
            return exc.exit_code
        raise
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())


def console_main() -> None:
    """Console-script wrapper around :func:`main`."""
    sys.exit(main())
