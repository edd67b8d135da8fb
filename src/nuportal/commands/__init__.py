"""Command modules of the CLI, found by listing this package.

Each module defines ``register(app)``, which adds its commands to the top-level Typer ``app`` or to
one of the command groups below (``reach_app``, ``rate_app``). Modules import the physics lazily,
inside the command functions, so ``nuportal --help`` stays fast. Library errors on user input are
:class:`nuportal.errors.NuportalInputError`; :func:`nuportal.cli.main` turns them into exit status 2.
"""

from __future__ import annotations

import importlib
import pkgutil

import typer

reach_app = typer.Typer(help="Projected or observed reach of an experiment study (CSV + PNG).",
                        no_args_is_help=True)
rate_app = typer.Typer(help="Expected signal events for one model point at an experiment.",
                       no_args_is_help=True)


def register_all(app: typer.Typer) -> None:
    """Import every module of this package, call its ``register(app)``, then attach the groups."""
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{__name__}.{info.name}")
        module.register(app)
    app.add_typer(reach_app, name="reach")
    app.add_typer(rate_app, name="rate")


EXECUTOR_HELP = "Where the masses run: local (in-process, or a pool of --workers) | dask."
SCHEDULER_HELP = "Dask scheduler address, e.g. tcp://host:8786 (with --executor dask)."
CLUSTER_HELP = "dask-jobqueue cluster file (YAML: kind slurm|pbs|sge|lsf|htcondor|local, jobs, ...)."


def executor_scope(executor: str, workers: int, scheduler: str | None, dask_cluster, always: bool = False):
    """Context manager running the scans of a command on the executor its options name.

    With ``--executor dask`` and neither a scheduler nor a cluster file, a LocalCluster of ``--workers``
    processes is started and shut down with the command. ``always``: install the local executor of
    ``workers`` even for ``--executor local`` (it then overrides the scans' own worker counts).
    """
    from nuportal.scan.executors import make_executor, use_executor

    if executor == "local" and scheduler is None and dask_cluster is None and not always:
        return use_executor(None)  # scans pick in-process or the shared pool from --workers
    return use_executor(make_executor(executor, workers, scheduler, dask_cluster))
