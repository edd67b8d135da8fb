"""Measured physics inputs, loaded from ``data/constants.yaml`` (value, uncertainty, unit, source).

Masses and lifetimes are taken from the PDG tables shipped with the `particle` package, so that
no number is typed in twice.  Everything is in GeV / s.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib.resources import files

from nuportal import _yaml

__all__ = ["Constant", "all_constants", "get", "value", "mass", "lifetime", "HBARC_GEV_CM",
           "HBAR_GEV_S"]

#: hbar*c in GeV*cm (CODATA 2022 exact SI definitions).
HBARC_GEV_CM = 1.973269804e-14
#: hbar in GeV*s (CODATA 2022).
HBAR_GEV_S = 6.582119569e-25


@dataclass(frozen=True)
class Constant:
    """A measured input with its 1-sigma uncertainty, unit and source."""

    name: str
    value: float
    uncertainty: float
    unit: str
    source: str


@cache
def all_constants() -> dict[str, Constant]:
    """Return every constant of ``data/constants.yaml`` keyed by name."""
    raw = _yaml.safe_load(files("nuportal").joinpath("data/constants.yaml").read_text())
    out = {}
    for name, entry in raw.items():
        out[name] = Constant(
            name=name,
            value=float(entry["value"]),
            uncertainty=float(entry["uncertainty"]),
            unit=str(entry["unit"]),
            source=str(entry["source"]),
        )
    return out


def get(name: str) -> Constant:
    """Return the :class:`Constant` called ``name`` (KeyError lists the known names)."""
    table = all_constants()
    if name not in table:
        raise KeyError(f"unknown constant {name!r}; known: {', '.join(sorted(table))}")
    return table[name]


def value(name: str) -> float:
    """Central value of the constant ``name``."""
    return get(name).value


@cache
def _pdg() -> dict:
    """The PDG table shipped in ``data/pdg.yaml`` (from the `particle` package, see its header)."""
    raw = _yaml.safe_load(files("nuportal").joinpath("data/pdg.yaml").read_text())
    return {k: v for k, v in raw.items() if isinstance(v, dict)}


def _entry(name: str) -> dict:
    table = _pdg()
    if name not in table:
        raise KeyError(f"unknown particle {name!r}; known: {', '.join(table)}")
    return table[name]


@cache
def mass(name: str) -> float:
    """PDG mass in GeV (names: K+, pi+, pi0, e, mu, tau, eta, p, n; ``data/pdg.yaml``)."""
    return float(_entry(name)["mass_MeV"]) / 1000.0


@cache
def lifetime(name: str) -> float:
    """PDG mean lifetime in s (inf for stable particles; names as for :func:`mass`)."""
    tau_ns = _entry(name)["lifetime_ns"]
    return float("inf") if tau_ns is None else float(tau_ns) * 1e-9
