"""Validated configurations of the kaon HNL searches of reference 001 (YAML in ``configs/``).

* :class:`PeakSearchConfig` -- K+ -> l+ N missing-mass peak searches with a SYNTHETIC background
  spectrum (``na62rk_kmu2_2007.yaml``, ``na62_ke2_2015.yaml``).
* :class:`KPiMuMuConfig` -- NA48/2 K+- -> pi mu mu: LNV total and the lifetime model of the
  prompt-vertex acceptance (``na48_kpimumu.yaml``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import numpy as np
from pydantic import Field, model_validator

from nuportal.experiments.config import FrozenModel, config_path, load_model

__all__ = ["Normalisation", "Scan", "Histogram", "AcceptanceModel", "BackgroundComponent",
           "PeakSearchConfig", "LNVTotal", "LifetimeModel", "KPiMuMuConfig", "load_peak_search",
           "load_kpimumu", "PEAK_SEARCHES"]

#: Shipped peak-search configurations (file stems).
PEAK_SEARCHES = ("na62rk_kmu2_2007", "na62_ke2_2015")


class Normalisation(FrozenModel):
    """Kaon flux: a selected K_l2 sample (N_lnu, BR(K_l2)) or a number of kaon decays N_K."""

    kind: Literal["kl2_sample", "kaon_decays"]
    n_events: float = Field(gt=0)
    source: str


class Scan(FrozenModel):
    """Mass hypotheses (GeV) in fixed steps, window m +- k sigma(m), confidence level."""

    m_min_GeV: float = Field(gt=0)
    m_max_GeV: float = Field(gt=0)
    step_GeV: float = Field(gt=0)
    k_window: float = Field(gt=0)
    cl: float = Field(gt=0, lt=1)
    method: Literal["rolke-lopez", "feldman-cousins", "cls"] = "rolke-lopez"

    @model_validator(mode="after")
    def _ordered(self):
        if not self.m_max_GeV > self.m_min_GeV:
            raise ValueError(f"m_max_GeV ({self.m_max_GeV}) must exceed m_min_GeV ({self.m_min_GeV})")
        return self


class Histogram(FrozenModel):
    """Missing-mass histogram range and bin width (GeV)."""

    m_min_GeV: float = Field(ge=0)
    m_max_GeV: float = Field(gt=0)
    bin_GeV: float = Field(gt=0)

    @model_validator(mode="after")
    def _ordered(self):
        if not self.m_max_GeV > self.m_min_GeV + self.bin_GeV:
            raise ValueError("m_max_GeV must exceed m_min_GeV by at least one bin")
        return self

    @property
    def edges(self) -> np.ndarray:
        """Bin edges in GeV."""
        n = int(round((self.m_max_GeV - self.m_min_GeV) / self.bin_GeV))
        return self.m_min_GeV + self.bin_GeV * np.arange(n + 1)


class AcceptanceModel(FrozenModel):
    """Piecewise-linear signal acceptance (ratio A_N/A_lnu or absolute A_N) versus m_N (GeV)."""

    m_GeV: list[float] = Field(min_length=2)
    value: list[float] = Field(min_length=2)
    note: str

    @model_validator(mode="after")
    def _table(self):
        if len(self.m_GeV) != len(self.value):
            raise ValueError("m_GeV and value must have the same length")
        if any(b <= a for a, b in zip(self.m_GeV, self.m_GeV[1:], strict=False)):
            raise ValueError("m_GeV must be strictly increasing")
        if any(v <= 0 for v in self.value):
            raise ValueError("acceptance values must be > 0")
        return self


class BackgroundComponent(FrozenModel):
    """One background source of the synthetic spectrum (shape from kaon-decay kinematics).

    process:
      * ``kl3``        -- K+ -> pi0 l+ nu, only the lepton reconstructed (production.kl3 sampler).
      * ``two_body``   -- K+ -> a+ b (e.g. pi+ pi0, mu+ nu), the a+ track taken with the lepton mass.
      * ``pi_decay``   -- K+ -> pi+ b with pi+ -> mu+ nu in flight, the mu+ reconstructed.
      * ``halo``       -- beam-halo muons: momentum uniform in [p_min, p_max], angle to the beam axis
        Rayleigh-distributed with scale ``angle_rms_rad``.
    ``events_in_range`` is the expected number of events in the histogram range (tuned level).
    """

    name: str
    process: Literal["kl3", "two_body", "pi_decay", "halo"]
    events_in_range: float = Field(gt=0)
    track: Literal["e", "mu", "pi+"] | None = None
    partner: Literal["pi0", "e", "mu", "nu"] | None = None
    p_min_GeV: float | None = Field(default=None, gt=0)
    p_max_GeV: float | None = Field(default=None, gt=0)
    angle_rms_rad: float | None = Field(default=None, gt=0)

    @model_validator(mode="after")
    def _fields(self):
        need = {"kl3": ("track",), "two_body": ("track", "partner"), "pi_decay": ("partner",),
                "halo": ("p_min_GeV", "p_max_GeV", "angle_rms_rad")}[self.process]
        missing = [f for f in need if getattr(self, f) is None]
        if missing:
            raise ValueError(f"process {self.process!r} needs {', '.join(missing)}")
        if self.process == "halo" and not self.p_max_GeV > self.p_min_GeV:
            raise ValueError("p_max_GeV must exceed p_min_GeV")
        return self


class PeakSearchConfig(FrozenModel):
    """A K+ -> l+ N missing-mass peak search with a synthetic spectrum (reference 001, Sec. 3.2)."""

    name: str
    description: str
    synthetic: Literal[True]
    lepton: Literal["e", "mu"]
    beam_momentum_GeV: float = Field(gt=0)
    normalisation: Normalisation
    scan: Scan
    histogram: Histogram
    sigma_m2_GeV2: float = Field(gt=0)
    acceptance: AcceptanceModel
    background_rel_uncertainty: float = Field(ge=0, lt=1)
    n_mc_per_component: int = Field(ge=1000)
    backgrounds: list[BackgroundComponent] = Field(min_length=1)

    @model_validator(mode="after")
    def _ranges(self):
        h, s = self.histogram, self.scan
        if not (h.m_min_GeV < s.m_min_GeV and s.m_max_GeV < h.m_max_GeV):
            raise ValueError("the scan range must lie strictly inside the histogram range")
        return self

    def sigma_m(self, m_GeV):
        """Missing-mass resolution sigma(m) = sigma(m^2) / (2 m) in GeV (Gaussian in m^2)."""
        return self.sigma_m2_GeV2 / (2.0 * np.asarray(m_GeV, float))

    def acceptance_at(self, m_GeV):
        """Signal acceptance model (ratio or absolute, see ``normalisation.kind``) at m_N (GeV)."""
        return np.interp(np.asarray(m_GeV, float), self.acceptance.m_GeV, self.acceptance.value)


class LNVTotal(FrozenModel):
    """NA48/2 LNV K+- -> pi-+ mu+- mu+- counting result and normalisation."""

    n_obs: int = Field(ge=0)
    background: float = Field(ge=0)
    background_sigma_stat: float = Field(ge=0)
    background_sigma_syst: float = Field(ge=0)
    n_kaon_decays: float = Field(gt=0)
    acceptance: float = Field(gt=0, le=1)
    cl: float = Field(gt=0, lt=1)
    published_br_ul: float = Field(gt=0)
    sources: dict[str, str]


class LifetimeModel(FrozenModel):
    """Prompt-vertex acceptance model and the prompt limits used for the lifetime scan."""

    beam_momentum_GeV: float = Field(gt=0)
    z_max_cm: float = Field(gt=0)
    z_max_note: str
    br_ul_prompt: dict[Literal["LNV", "LNC"], float]
    br_ul_prompt_source: str
    lifetimes_s: list[float] = Field(min_length=1)
    m_min_GeV: float = Field(gt=0)
    m_max_GeV: float = Field(gt=0)


class KPiMuMuConfig(FrozenModel):
    """NA48/2 K+- -> pi mu mu search (reference 001, Sec. 3.1)."""

    name: str
    description: str
    lnv_total: LNVTotal
    lifetime_model: LifetimeModel


def _source(name_or_path):
    if isinstance(name_or_path, Path) or str(name_or_path).endswith((".yaml", ".yml")):
        return Path(name_or_path)
    return config_path(str(name_or_path))


def load_peak_search(name_or_path="na62rk_kmu2_2007") -> PeakSearchConfig:
    """Load a peak-search configuration by shipped name (file stem) or path."""
    return load_model(PeakSearchConfig, _source(name_or_path))


def load_kpimumu(name_or_path="na48_kpimumu") -> KPiMuMuConfig:
    """Load the NA48/2 K -> pi mu mu configuration by shipped name (file stem) or path."""
    return load_model(KPiMuMuConfig, _source(name_or_path))
