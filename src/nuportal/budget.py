"""Upper bounds on the work a single option can ask for, with a memory and time estimate.

Every option that sets an amount of work (Monte Carlo events, grid points, toys, a count that sizes a
Neyman construction) is checked against a documented limit *before* anything runs. Beyond it the command
stops with exit status 2 and says what the request would cost; ``nuportal --allow-large COMMAND ...``
(or :func:`allow_large` in the library) lifts the limits for users who mean it.

The estimates are deliberately rough (measured costs on one core of a 2026 laptop, see
``benchmarks/mc_throughput.py``); they exist to tell "minutes" from "days" and "GB" from "TB".
"""

from __future__ import annotations

import contextlib
import logging
import math
from dataclasses import dataclass

from nuportal.errors import NuportalInputError

__all__ = ["LIMITS", "Limit", "allow_large", "check_n_events", "check_work", "large_allowed"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Limit:
    """``limit``: the largest value accepted; ``bytes_per`` / ``seconds_per``: cost of one unit."""

    limit: float
    unit: str
    bytes_per: float
    seconds_per: float


#: The limits, by what the option counts. Documented in README ("Limits on work").
LIMITS = {
    "mc_events": Limit(1e7, "Monte Carlo events per mass", 400.0, 2e-6),
    "radiative_decays": Limit(5e7, "generated radiative decays", 120.0, 1e-6),
    "tag_mc": Limit(2e7, "K -> mu nu decays", 200.0, 1e-6),
    "scan_masses": Limit(1000, "masses", 0.0, 5.0),
    "scan_couplings": Limit(10_000, "couplings per mass", 8.0 * 1e5, 0.0),
    "mass_points": Limit(1e5, "masses", 1e3, 1e-4),
    "toys": Limit(1e6, "toys", 1e3, 1e-4),
    "poisson_count": Limit(1e4, "events in a Neyman construction", 0.0, 0.0),
}

_ALLOW = [False]


def large_allowed() -> bool:
    """True inside :func:`allow_large` (or after ``nuportal --allow-large``)."""
    return _ALLOW[-1]


@contextlib.contextmanager
def allow_large(on: bool = True):
    """Lift (or restore) the work limits inside the block."""
    _ALLOW.append(bool(on))
    try:
        yield
    finally:
        _ALLOW.pop()


def set_allow_large(on: bool) -> None:
    """Set the process-wide switch (the CLI's ``--allow-large``)."""
    _ALLOW[0] = bool(on)


def _size(nbytes: float) -> str:
    for unit in ("B", "kB", "MB", "GB", "TB"):
        if nbytes < 1000 or unit == "TB":
            return f"{nbytes:.3g} {unit}"
        nbytes /= 1000
    return f"{nbytes:.3g} TB"  # pragma: no cover


def _duration(seconds: float) -> str:
    for unit, s in (("days", 86400), ("h", 3600), ("min", 60)):
        if seconds >= s:
            return f"{seconds / s:.3g} {unit}"
    return f"{seconds:.3g} s"


def check_work(option: str, value: float | None, kind: str, *, times: float = 1.0) -> None:
    """Refuse ``value`` of ``option`` above the limit of ``kind`` (unless large work is allowed).

    ``times`` multiplies the time estimate (e.g. the number of masses a per-mass count applies to).
    """
    if value is None:
        return
    lim = LIMITS[kind]
    if not math.isfinite(float(value)):
        raise NuportalInputError(f"{option} = {value} is outside the allowed range (finite values only)")
    parts = []
    if lim.bytes_per:
        parts.append(f"about {_size(value * lim.bytes_per)} of memory")
    if lim.seconds_per:
        parts.append(f"about {_duration(value * lim.seconds_per * times)} on one core")
    if parts:
        log.info("%s = %g %s: estimated %s", option, value, lim.unit, " and ".join(parts))
    if value <= lim.limit or large_allowed():
        return
    cost = f" (estimated {' and '.join(parts)})" if parts else ""
    shown = str(int(value)) if float(value).is_integer() else f"{value:g}"
    raise NuportalInputError(
        f"{option} = {shown} is above the work limit {lim.limit:g} {lim.unit}{cost}; "
        "run 'nuportal --allow-large ...' to lift the limit")


def check_n_events(n_events: int | None, option: str = "--n-events") -> None:
    """A Monte Carlo sample size: at least 1000 events, at most the ``mc_events`` limit (None: the
    configuration's default, not checked here)."""
    if n_events is not None and n_events < 1000:
        raise NuportalInputError(f"{option} = {n_events} is outside the allowed range [1000, inf)")
    check_work(option, n_events, "mc_events")
