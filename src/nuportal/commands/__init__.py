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
