"""Published HNL limits for plots, read from the data files of the PyPI package `hnlimits`.

The `hnlimits` loader fetches its index from the network; nuportal keeps its own small index
(``data/limits/index.yaml``) naming file, experiment, flavour, units and confidence level, and
reads the numbers offline from the installed package.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib.resources import files

import numpy as np

from nuportal import _yaml
from nuportal.errors import NuportalInputError

__all__ = ["LimitInfo", "limit_index", "load_limit", "limits_for"]

_UNIT = {"MeV": 1e-3, "GeV": 1.0}


@dataclass(frozen=True)
class LimitInfo:
    """Metadata of one published limit curve."""

    id: str
    file: str
    experiment: str
    process: str
    flavour: str
    quantity: str
    mass_unit: str
    cl: float
    reference: str
    note: str = ""
    value_scale: float = 1.0  # file value x value_scale = the quantity in its stated unit
    region: str = "closed"  # "closed": the curve outlines the excluded region; "above": it is the lower edge
    plot_mass_max_GeV: float | None = None  # points above are digitisation strokes, not drawn (see note)

    @property
    def label(self) -> str:
        """Legend label: experiment, process and confidence level."""
        return f"{self.experiment}: {self.process}, {self.cl:.0%} CL"


@cache
def limit_index() -> dict[str, LimitInfo]:
    """All indexed limits keyed by id."""
    raw = _yaml.safe_load(files("nuportal").joinpath("data/limits/index.yaml").read_text())
    return {k: LimitInfo(id=k, **v) for k, v in raw.items()}


def limits_for(flavour: str, portal: str = "mixing") -> list[LimitInfo]:
    """Indexed limits for one flavour: on |U_flavour|^2 (``portal="mixing"``) or d_flavour ("dipole")."""
    prefix = {"mixing": "|U_", "dipole": "d_"}[portal]
    return [v for v in limit_index().values() if v.flavour == flavour and v.quantity.startswith(prefix)]


def _data_root():
    try:
        return files("HNLimits").joinpath("include/data")
    except ModuleNotFoundError:  # pragma: no cover - dependency missing
        raise NuportalInputError(
            "the package 'hnlimits' is not installed; it ships the existing-limit data "
            "(pip install hnlimits)") from None


def load_limit(limit_id: str) -> tuple[np.ndarray, np.ndarray]:
    """Return (m_N in GeV, limit) of the indexed curve ``limit_id`` in file order."""
    index = limit_index()
    if limit_id not in index:
        raise NuportalInputError(f"unknown limit {limit_id!r}; known: {', '.join(index)}")
    info = index[limit_id]
    path = _data_root().joinpath(info.file)
    rows = []
    for line in path.read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        parts = line.replace(",", " ").split()
        try:
            rows.append((float(parts[0]), float(parts[1])))
        except (ValueError, IndexError):
            continue
    data = np.array(rows)
    return data[:, 0] * _UNIT[info.mass_unit], data[:, 1] * info.value_scale
