"""Accelerator neutrino beams: binned flux tables per POT and the beam source of the Monte Carlo.

A beam is a flux density dPhi/dE per flavour in neutrinos / (cm^2 GeV POT), given on energy bins
(constant within a bin, the convention of the T2K flux releases), arriving along one axis and
uniform over the plane transverse to it (the detector is small compared with the beam spot at the
near detector: reference 003 and the T2K ND280 flux release quote one flux for the whole detector).

Shipped tables (``data/flux/``, source in each file's header): T2K 2020 ND280 flux, +250 kA
(neutrino mode, ``fhc``) and -250 kA (antineutrino mode, ``rhc``).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from pathlib import Path

import numpy as np

from nuportal.errors import NuportalInputError

__all__ = ["BeamFlux", "BeamSource", "load_beam_flux", "MODES", "T2K_ND280_TABLES", "FLAVOUR_ORDER"]

#: Beam modes (horn polarities).
MODES = ("fhc", "rhc")
#: Shipped tables: (beam name, mode) -> package data file.
T2K_ND280_TABLES = {
    ("t2k-nd280", "fhc"): "data/flux/t2k2020_nd280_fhc.csv",
    ("t2k-nd280", "rhc"): "data/flux/t2k2020_nd280_rhc.csv",
}
#: Column order of the tables.
FLAVOUR_ORDER = ("numu", "numubar", "nue", "nuebar")
#: (nu/nubar, flavour index e=0 mu=1 tau=2) of each table column.
_SLOT = {"numu": (0, 1), "numubar": (1, 1), "nue": (0, 0), "nuebar": (1, 0)}


@dataclass(frozen=True)
class BeamFlux:
    """Binned flux density of one beam mode.

    Attributes
    ----------
    edges : ndarray (n_bins + 1,)
        Bin edges in GeV, strictly increasing, from >= 0.
    density : ndarray (2, 3, n_bins)
        dPhi/dE [nu/nubar][e, mu, tau] in neutrinos / (cm^2 GeV POT), constant within a bin.
    name : str
        Label (e.g. "T2K 2020 ND280 FHC").
    """

    edges: np.ndarray
    density: np.ndarray
    name: str = ""

    def __post_init__(self) -> None:
        e, d = np.asarray(self.edges, float), np.asarray(self.density, float)
        if e.ndim != 1 or e.size < 2:
            raise NuportalInputError(f"flux {self.name!r}: need at least one energy bin, got {e.size - 1}")
        if not np.all(np.isfinite(e)) or e[0] < 0.0 or np.any(np.diff(e) <= 0.0):
            bad = int(np.flatnonzero(np.diff(e) <= 0.0)[0]) if np.any(np.diff(e) <= 0.0) else 0
            raise NuportalInputError(
                f"flux {self.name!r}: bin edges must be finite, >= 0 and strictly increasing; "
                f"edge {bad} = {e[bad]:g} GeV, next = {e[min(bad + 1, e.size - 1)]:g} GeV"
            )
        if d.shape != (2, 3, e.size - 1):
            raise NuportalInputError(
                f"flux {self.name!r}: density shape {d.shape}, expected (2, 3, {e.size - 1})"
            )
        if not np.all(np.isfinite(d)) or np.any(d < 0.0):
            idx = np.argwhere(~np.isfinite(d) | (d < 0.0))[0]
            raise NuportalInputError(
                f"flux {self.name!r}: flux density must be finite and >= 0; bin {idx[2]} "
                f"([{e[idx[2]]:g}, {e[idx[2] + 1]:g}] GeV) has {d[tuple(idx)]:g}"
            )
        object.__setattr__(self, "edges", e)
        object.__setattr__(self, "density", d)

    @property
    def energy_range(self) -> tuple[float, float]:
        """(lowest, highest) energy of the table in GeV."""
        return float(self.edges[0]), float(self.edges[-1])

    @property
    def widths(self) -> np.ndarray:
        return np.diff(self.edges)

    def integral(self) -> np.ndarray:
        """Integrated flux (2, 3) in neutrinos / (cm^2 POT)."""
        return self.density @ self.widths

    def at(self, energy) -> np.ndarray:
        """dPhi/dE (2, 3, N) at energies (GeV); zero outside the table."""
        e = np.atleast_1d(np.asarray(energy, float))
        idx = np.searchsorted(self.edges, e, side="right") - 1
        inside = (idx >= 0) & (idx < self.widths.size)
        out = self.density[:, :, np.clip(idx, 0, self.widths.size - 1)]
        return np.where(inside, out, 0.0)

    def scaled(self, factor: float) -> BeamFlux:
        """The same shape times ``factor`` (e.g. a flux-normalisation variation)."""
        return BeamFlux(self.edges, self.density * float(factor), f"{self.name} x {factor:g}")


def _parse_table(path, label: str) -> BeamFlux:
    try:
        text = path.read_text()
    except OSError as exc:
        raise NuportalInputError(f"cannot read flux table {label}: {exc.strerror}") from None
    rows = [ln for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
    if not rows or rows[0].split(",")[:2] != ["E_low_GeV", "E_high_GeV"]:
        raise NuportalInputError(
            f"flux table {label}: first non-comment line must be the header "
            "E_low_GeV,E_high_GeV,numu,numubar,nue,nuebar"
        )
    names = [c.strip() for c in rows[0].split(",")[2:]]
    unknown = set(names) - set(FLAVOUR_ORDER)
    if unknown:
        raise NuportalInputError(
            f"flux table {label}: unknown columns {sorted(unknown)}; allowed {FLAVOUR_ORDER}"
        )
    try:
        data = np.array([[float(v) for v in r.split(",")] for r in rows[1:]], float)
    except ValueError as exc:
        raise NuportalInputError(f"flux table {label}: non-numeric entry ({exc})") from None
    if data.ndim != 2 or data.shape[1] != 2 + len(names):
        raise NuportalInputError(f"flux table {label}: every row needs {2 + len(names)} numbers")
    lo, hi = data[:, 0], data[:, 1]
    if np.any(np.abs(lo[1:] - hi[:-1]) > 1e-9 * np.maximum(1.0, hi[:-1])):
        k = int(np.flatnonzero(np.abs(lo[1:] - hi[:-1]) > 1e-9 * np.maximum(1.0, hi[:-1]))[0])
        raise NuportalInputError(
            f"flux table {label}: bins must be contiguous and increasing; bin {k} ends at "
            f"{hi[k]:g} GeV, bin {k + 1} starts at {lo[k + 1]:g} GeV"
        )
    density = np.zeros((2, 3, data.shape[0]))
    for j, name in enumerate(names):
        density[_SLOT[name]] = data[:, 2 + j]
    return BeamFlux(np.append(lo, hi[-1]), density, label)


@cache
def _shipped(beam: str, mode: str) -> BeamFlux:
    rel = T2K_ND280_TABLES[(beam, mode)]
    return _parse_table(files("nuportal").joinpath(rel), f"{beam} {mode.upper()}")


def load_beam_flux(beam: str = "t2k-nd280", mode: str = "fhc", path: str | Path | None = None) -> BeamFlux:
    """A shipped beam flux (``beam``, ``mode``) or a user table at ``path`` (same CSV format).

    Parameters
    ----------
    beam : str
        Shipped beam name: "t2k-nd280".
    mode : {"fhc", "rhc"}
        Horn polarity: neutrino mode (+250 kA) or antineutrino mode (-250 kA).
    path : path, optional
        A CSV file with the header ``E_low_GeV,E_high_GeV,<columns>`` (columns among numu, numubar,
        nue, nuebar) and dPhi/dE in neutrinos / (cm^2 GeV POT).
    """
    if path is not None:
        return _parse_table(Path(path), str(path))
    if mode not in MODES:
        raise NuportalInputError(f"beam mode = {mode!r} is not one of {', '.join(MODES)}")
    beams = sorted({b for b, _ in T2K_ND280_TABLES})
    if beam not in beams:
        raise NuportalInputError(f"unknown beam {beam!r}; shipped: {', '.join(beams)}")
    return _shipped(beam, mode)


class BeamSource:
    """A neutrino beam along ``axis``: flux density per POT, uniform over the transverse plane.

    ``intensity_at(E, X, v)`` returns dPhi/dE (2, 3, N) in (cm^2 GeV POT)^-1 (independent of X and
    of v: the beam has one direction, the engine takes it from ``axis``).  ``diffuse = False`` tells
    the engine (:func:`nuportal.mc.beam.simulate_beam`) that the neutrino direction is fixed.
    """

    diffuse = False

    def __init__(self, flux: BeamFlux, axis=(0.0, 0.0, 1.0)) -> None:
        a = np.asarray(axis, float).reshape(3)
        if not np.all(np.isfinite(a)) or np.linalg.norm(a) == 0.0:
            raise NuportalInputError(f"beam axis {tuple(a)} must be a finite non-zero vector")
        self.flux, self.axis = flux, a / np.linalg.norm(a)

    @property
    def energy_range(self) -> tuple[float, float]:
        return self.flux.energy_range

    def intensity_at(self, energy, x_cm=None, v_hat=None):
        """(dPhi/dE (2, 3, N), axis cosine (N,) = 1) at energies ``energy`` (GeV)."""
        e = np.atleast_1d(np.asarray(energy, float))
        return self.flux.at(e), np.ones(e.size)

    def energy_sampler(
        self, e_lo: float, e_hi: float | None = None, f_log: float = 0.3, bin_factor=None
    ) -> BinnedEnergySampler:
        """Sampler of E on [e_lo, e_hi] following the summed flux times ``bin_factor`` (per bin, e.g. a
        rough cross section; see :class:`BinnedEnergySampler`)."""
        return BinnedEnergySampler(
            self.flux, e_lo, self.energy_range[1] if e_hi is None else e_hi, f_log, bin_factor
        )


class BinnedEnergySampler:
    """E from a mixture: (1 - f_log) x histogram + f_log x log-uniform, on [e_lo, e_hi].

    The histogram is the summed flux per bin, times ``bin_factor`` when given (an importance factor
    per bin, e.g. a rough cross section, >= 0).  The log-uniform part keeps the high-energy tail
    (boosted HNLs, which dominate at short decay lengths) sampled where the flux is small.
    ``density`` is the exact mixture density.
    """

    def __init__(self, flux: BeamFlux, e_lo: float, e_hi: float, f_log: float = 0.3, bin_factor=None) -> None:
        e_lo, e_hi = float(e_lo), float(e_hi)
        if not (e_hi > e_lo > 0.0):
            raise NuportalInputError(f"energy range [{e_lo:g}, {e_hi:g}] GeV is empty")
        edges = np.clip(flux.edges, e_lo, e_hi)
        w = np.diff(edges)
        tot = flux.density.sum(axis=(0, 1))
        if bin_factor is not None:
            tot = tot * np.clip(np.nan_to_num(np.asarray(bin_factor, float)), 0.0, None)
        mass = tot * w
        self.e_lo, self.e_hi = e_lo, e_hi
        self.f_log = float(f_log) if mass.sum() > 0.0 else 1.0
        self.edges, self.widths = edges, w
        self.prob = mass / mass.sum() if mass.sum() > 0.0 else np.zeros_like(mass)
        self.cdf = np.concatenate([[0.0], np.cumsum(self.prob)])

    def sample(self, rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
        """(E (n,), density (n,)) in GeV and 1/GeV."""
        u = rng.random(n)
        log = rng.random(n) < self.f_log
        e = np.empty(n)
        e[log] = self.e_lo * (self.e_hi / self.e_lo) ** u[log]
        hist = ~log
        if hist.any():
            k = np.clip(np.searchsorted(self.cdf, u[hist], side="right") - 1, 0, self.prob.size - 1)
            frac = (u[hist] - self.cdf[k]) / np.where(self.prob[k] > 0, self.prob[k], 1.0)
            e[hist] = self.edges[k] + np.clip(frac, 0.0, 1.0) * self.widths[k]
        return np.clip(e, self.e_lo, self.e_hi), self.density(e)

    def density(self, energy) -> np.ndarray:
        e = np.asarray(energy, float)
        k = np.clip(np.searchsorted(self.edges, e, side="right") - 1, 0, self.prob.size - 1)
        hist = np.where(
            self.widths[k] > 0, self.prob[k] / np.where(self.widths[k] > 0, self.widths[k], 1.0), 0.0
        )
        log = 1.0 / (e * np.log(self.e_hi / self.e_lo))
        inside = (e >= self.e_lo) & (e <= self.e_hi)
        return np.where(inside, (1.0 - self.f_log) * hist + self.f_log * log, 0.0)
