"""Validated configuration of the NA62 K+ -> pi0 e+ N search (see configs/na62_k2pi0eN.yaml)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from nuportal.experiments.config import FrozenModel, KaonBeam, config_path, load_model

__all__ = ["Beam", "Spectrometer", "Detector", "PhotonVeto", "Analysis", "Scenario", "NA62Config",
           "load_config"]


class Beam(KaonBeam):
    """Kaon beam and fiducial decay region (z from the target, metres)."""


def _raise_first(checks) -> None:
    for ok, msg in checks:
        if not ok:
            raise ValueError(msg)


class Spectrometer(FrozenModel):
    """NA62 STRAW chambers, MNP33 kick and LKr (positions in metres, kick in GeV): shared by every
    NA62 study (the K+ -> pi0 e+ N search and neutrino tagging)."""

    straw_z_m: list[float] = Field(min_length=1)
    straw_r_min_m: float = Field(ge=0)
    straw_r_max_m: float = Field(gt=0)
    magnet_z_m: float
    magnet_pt_kick_GeV: float = Field(ge=0)
    lkr_z_m: float
    lkr_r_min_m: float = Field(ge=0)
    lkr_r_max_m: float = Field(gt=0)

    @model_validator(mode="after")
    def _spectrometer(self):
        _raise_first([
            (self.straw_r_max_m > self.straw_r_min_m, "straw_r_max_m must exceed straw_r_min_m"),
            (self.lkr_r_max_m > self.lkr_r_min_m, "lkr_r_max_m must exceed lkr_r_min_m"),
            (self.straw_z_m == sorted(self.straw_z_m), "straw_z_m must be in increasing order"),
            (self.straw_z_m[-1] < self.lkr_z_m, "the STRAW chambers must lie upstream of the LKr"),
        ])
        return self


class Detector(Spectrometer):
    """Simplified NA62 geometry for K+ -> pi0 e+ N: spectrometer, LKr photon and positron selection."""

    photon_energy_min_GeV: float = Field(ge=0)
    cluster_separation_min_m: float = Field(ge=0)
    positron_momentum_min_GeV: float = Field(ge=0)
    positron_momentum_max_GeV: float = Field(gt=0)
    selection_efficiency: float = Field(gt=0, le=1)
    detector_end_m: float

    @model_validator(mode="after")
    def _consistent(self):
        _raise_first([(self.positron_momentum_max_GeV > self.positron_momentum_min_GeV,
                       "positron_momentum_max_GeV must exceed positron_momentum_min_GeV")])
        return self


class PhotonVeto(FrozenModel):
    """Photon-veto model of reference 000, Sec. III."""

    theta_max_rad: float = Field(gt=0, lt=3.15)
    inefficiency: float = Field(ge=0, le=1)
    model: Literal["hermetic", "partial"] = "hermetic"
    acceptance_correlation: Literal["factorised", "correlated"] = "factorised"


class Analysis(FrozenModel):
    """Resolution, window, statistics and Monte Carlo sizes."""

    sigma_m2_GeV2: float = Field(gt=0)
    k_window: float = Field(gt=0)
    cl: float = Field(gt=0, lt=1)
    statistics: Literal["auto", "asymptotic", "poisson"] = "poisson"
    poisson_expected: Literal["asimov", "median"] = "asimov"
    e_gamma_min_GeV: float = Field(gt=0, lt=0.2)
    n_background_events: int = Field(gt=0)
    n_signal_events_per_mass: int = Field(gt=0)
    n_efficiency_masses: int = Field(ge=4)
    mass_min_GeV: float = Field(gt=0)
    mass_max_GeV: float = Field(gt=0, lt=0.3582)

    @model_validator(mode="after")
    def _mass_range(self):
        if not self.mass_max_GeV > self.mass_min_GeV:
            raise ValueError(f"mass_max_GeV ({self.mass_max_GeV}) must exceed mass_min_GeV "
                             f"({self.mass_min_GeV})")
        return self
    n_masses: int = Field(ge=2)


class Scenario(FrozenModel):
    """A data set: effective number of K+ decays in the fiducial volume."""

    label: str
    n_kaon: float = Field(gt=0)
    description: str = ""


class NA62Config(FrozenModel):
    """Full configuration of the NA62 K+ -> pi0 e+ N sensitivity study."""

    name: str
    description: str = ""
    beam: Beam
    detector: Detector
    photon_veto: PhotonVeto
    analysis: Analysis
    scenarios: dict[str, Scenario] = Field(min_length=1)

    @model_validator(mode="after")
    def _geometry_order(self):
        if not self.beam.z_decay_max_m < min(self.detector.straw_z_m):
            raise ValueError(f"beam.z_decay_max_m ({self.beam.z_decay_max_m}) must lie upstream "
                             f"of the first STRAW chamber ({min(self.detector.straw_z_m)})")
        if not self.detector.detector_end_m >= self.beam.z_decay_max_m:
            raise ValueError(f"detector.detector_end_m ({self.detector.detector_end_m}) must not "
                             f"lie upstream of beam.z_decay_max_m ({self.beam.z_decay_max_m})")
        return self

    def with_analysis(self, **changes) -> NA62Config:
        """A copy with some analysis settings changed (validated)."""
        data = self.model_dump()
        data["analysis"].update(changes)
        return NA62Config.model_validate(data)

    def with_veto(self, **changes) -> NA62Config:
        """A copy with some photon-veto settings changed (validated)."""
        data = self.model_dump()
        data["photon_veto"].update(changes)
        return NA62Config.model_validate(data)


def load_config(path=None) -> NA62Config:
    """Load an NA62 configuration: the shipped default, or a user YAML file at ``path``."""
    return load_model(NA62Config, path if path is not None else config_path("na62_k2pi0eN"))
