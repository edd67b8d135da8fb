"""Registry of HNL production processes in meson decays, addressed by their decay string.

``"K+ -> pi0 e+ N"`` etc.; whitespace and case of the arrow are normalised.  Each process knows its
kinematic endpoint and the function giving BR / |U_l|^2.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from nuportal import constants as C
from nuportal.errors import NuportalInputError, require_range
from nuportal.production import kl3, meson

__all__ = ["Process", "PROCESSES", "get_process", "br_over_U2"]


@dataclass(frozen=True)
class Process:
    """One production process: its name, mixing flavour, endpoint and BR/|U|^2 function."""

    name: str
    flavour: str
    parent: str
    spectators: tuple[str, ...]
    _br: Callable

    @property
    def endpoint(self) -> float:
        """Largest HNL mass (GeV) for which the decay is open."""
        return C.mass(self.parent) - sum(C.mass(p) for p in self.spectators)

    def br_over_U2(self, m_n):
        """BR / |U_flavour|^2 at HNL mass(es) ``m_n`` in GeV, validated against [0, endpoint].

        A scalar mass gives a float, an array an array of the same shape.
        """
        require_range(f"m_N [GeV] for {self.name}", m_n, 0.0, self.endpoint)
        out = np.asarray(self._br(np.asarray(m_n, float)), float)
        return float(out.reshape(-1)[0]) if np.ndim(m_n) == 0 else out.reshape(np.shape(m_n))


PROCESSES: dict[str, Process] = {
    p.name: p
    for p in (
        Process("K+ -> pi0 e+ N", "e", "K+", ("pi0", "e"), lambda m: kl3.br_over_U2(m, "e")),
        Process("K+ -> pi0 mu+ N", "mu", "K+", ("pi0", "mu"), lambda m: kl3.br_over_U2(m, "mu")),
        Process("K+ -> e+ N", "e", "K+", ("e",), lambda m: meson.br_over_U2(m, "K+", "e")),
        Process("K+ -> mu+ N", "mu", "K+", ("mu",), lambda m: meson.br_over_U2(m, "K+", "mu")),
        Process("pi+ -> e+ N", "e", "pi+", ("e",), lambda m: meson.br_over_U2(m, "pi+", "e")),
        Process("pi+ -> mu+ N", "mu", "pi+", ("mu",), lambda m: meson.br_over_U2(m, "pi+", "mu")),
    )
}


def _normalise(name: str) -> str:
    s = re.sub(r"\s*(->|→)\s*", " -> ", name.strip())
    return re.sub(r"\s+", " ", s)


def get_process(name: str) -> Process:
    """Look a process up by its decay string; unknown strings raise NuportalInputError."""
    key = _normalise(name)
    if key not in PROCESSES:
        raise NuportalInputError(
            f"unknown process {name!r}; allowed: " + ", ".join(repr(k) for k in PROCESSES)
        )
    return PROCESSES[key]


def br_over_U2(name: str, m_n):
    """BR(process) / |U|^2 at mass(es) ``m_n`` (GeV) for the process called ``name``."""
    return get_process(name).br_over_U2(m_n)
