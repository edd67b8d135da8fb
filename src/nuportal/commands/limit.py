"""``nuportal limit``: frequentist upper limits on signal events from observed counts.

Methods (see :mod:`nuportal.stats.intervals`): ``feldman-cousins``, ``rolke-lopez``, ``cls``
(exact Poisson CLs) and ``gaussian-rate`` (rate-only test of reference 004).
"""

from __future__ import annotations

import json
from typing import Annotated

import typer

from nuportal.errors import NuportalInputError

METHODS = ("feldman-cousins", "rolke-lopez", "cls", "gaussian-rate")
_TWO_SIDED = ("feldman-cousins", "rolke-lopez")


def register(app: typer.Typer) -> None:
    """Add the ``limit`` command to the top-level app."""
    app.command("limit")(limit)


def _count(name: str, value: float | None) -> int:
    """Check an observed count of a Poisson method: present, finite, integer, >= 0, within the work limit
    of a Neyman construction."""
    import math

    from nuportal.budget import check_work

    if value is None:
        raise NuportalInputError(f"{name} is required for this method")
    if not math.isfinite(value) or value < 0 or value != int(value):
        raise NuportalInputError(f"{name} = {value:g} must be an integer count in [0, inf)")
    check_work(name, value, "poisson_count")
    return int(value)


def _compute(method, observed, background, background_sigma, cl, expected, sys, efficiency,
             efficiency_sigma, sideband, tau, unbounded, z, scale_factor=False):
    """Call the library for ``method``; return (Interval, echoed inputs)."""
    from nuportal.stats import intervals

    if method == "gaussian-rate":
        if expected is None or observed is None:
            raise NuportalInputError("--method gaussian-rate needs --expected and --observed")
        res = intervals.gaussian_rate_upper_limit(expected, observed, cl, sys, z=z)
        return res, {"expected": expected, "observed": observed, "sys": sys, "z": z}
    n = _count("--observed", observed)
    if method == "rolke-lopez":
        if background is None and sideband is None:
            raise NuportalInputError("--method rolke-lopez needs --background or --sideband with --tau")
        res = intervals.rolke_lopez(
            n, background, background_sigma, cl, efficiency=efficiency, sigma_eff=efficiency_sigma,
            sideband=None if sideband is None else _count("--sideband", sideband), tau=tau,
            bounded=not unbounded, efficiency_scale_factor=scale_factor)
        return res, {"observed": n, "background": background, "background_sigma": background_sigma,
                     "efficiency": efficiency, "efficiency_sigma": efficiency_sigma,
                     "sideband": sideband, "tau": tau, "bounded": not unbounded}
    if background is None:
        raise NuportalInputError(f"--method {method} needs --background")
    from nuportal.budget import check_work

    check_work("--background", background, "poisson_count")
    fn = intervals.feldman_cousins if method == "feldman-cousins" else intervals.cls_upper_limit
    return fn(n, background, cl), {"observed": n, "background": background}


def limit(
    method: Annotated[str, typer.Option(help="feldman-cousins | rolke-lopez | cls | gaussian-rate.")],
    observed: Annotated[float | None, typer.Option(help="Observed events.")] = None,
    background: Annotated[float | None, typer.Option(help="Expected background events.")] = None,
    background_sigma: Annotated[float, typer.Option(
        help="Gaussian uncertainty of the background (rolke-lopez).")] = 0.0,
    cl: Annotated[float | None, typer.Option(
        help="Confidence level (default 0.9 for feldman-cousins/rolke-lopez, 0.95 otherwise).")] = None,
    expected: Annotated[float | None, typer.Option(
        help="Expected (Monte Carlo) background for gaussian-rate.")] = None,
    sys: Annotated[float, typer.Option(help="Relative systematic of --expected (gaussian-rate).")] = 0.0,
    z: Annotated[float | None, typer.Option(
        help="Override the one-sided quantile of gaussian-rate (the paper's numbers use 1.65).")] = None,
    efficiency: Annotated[float, typer.Option(help="Signal efficiency (rolke-lopez).")] = 1.0,
    efficiency_sigma: Annotated[float, typer.Option(help="Gaussian efficiency uncertainty.")] = 0.0,
    efficiency_scale_factor: Annotated[bool, typer.Option(
        "--efficiency-scale-factor",
        help="Read --efficiency as a signal scale factor, which may exceed 1 (default: an efficiency in "
        "(0, 1]).")] = False,
    sideband: Annotated[float | None, typer.Option(help="Side-band count (rolke-lopez).")] = None,
    tau: Annotated[float | None, typer.Option(help="Side-band / signal-region ratio.")] = None,
    unbounded: Annotated[bool, typer.Option(
        "--unbounded", help="Rolke-Lopez unbounded likelihood (TRolke default).")] = False,
    json_out: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
):
    """Upper limit (and lower limit for FC / Rolke-Lopez) on signal events from a count."""
    if method not in METHODS:
        raise NuportalInputError(f"--method {method!r} is not one of {', '.join(METHODS)}")
    cl = (0.9 if method in _TWO_SIDED else 0.95) if cl is None else cl
    res, inputs = _compute(method, observed, background, background_sigma, cl, expected, sys,
                           efficiency, efficiency_sigma, sideband, tau, unbounded, z,
                           scale_factor=efficiency_scale_factor)
    out = {"method": method, "statistic": res.method, "cl": cl, **inputs,
           "signal_upper_limit": float(res.upper)}
    if method in _TWO_SIDED:
        out["signal_lower_limit"] = float(res.lower)
    if json_out:
        typer.echo(json.dumps(out, indent=1))
        return
    lower = f"{out['signal_lower_limit']:.4g} <= " if method in _TWO_SIDED else ""
    typer.echo(f"{lower}signal events <= {out['signal_upper_limit']:.4g} at {cl:g} CL ({res.method})")
