"""Validated configuration of the NA62 neutrino-tagging estimate (configs/na62_nutag.yaml)."""

from __future__ import annotations

from pydantic import Field, model_validator

from nuportal.experiments.config import FrozenModel, KaonBeam, config_path, load_model
from nuportal.experiments.na62.config import Spectrometer

__all__ = ["Beam", "Geometry", "Material", "CrossSection", "Selection", "Reference", "Candidate",
           "TagConfig", "load_config"]


class Beam(KaonBeam):
    """K+ beam and fiducial decay volume (z from the target, metres)."""

    source: str


class Geometry(Spectrometer):
    """NA62 spectrometer and LKr (shared model) plus the MUV3 annulus; metres, GeV."""

    muv3_z_m: float
    muv3_r_min_m: float = Field(ge=0)
    muv3_r_max_m: float = Field(gt=0)
    source: str

    @model_validator(mode="after")
    def _consistent(self):
        if not self.muv3_r_max_m > self.muv3_r_min_m:
            raise ValueError("muv3_r_max_m must exceed muv3_r_min_m")
        if not self.lkr_z_m < self.muv3_z_m:
            raise ValueError("the STRAW chambers, LKr and MUV3 must be in this order along z")
        return self


class Material(FrozenModel):
    """A calorimeter layer crossed by the neutrino along z."""

    name: str
    thickness_cm: float = Field(gt=0)
    density_g_cm3: float = Field(gt=0)
    dedx_min_MeV_cm2_g: float = Field(gt=0)
    source: str

    @property
    def column_density_g_cm2(self) -> float:
        """Thickness x density in g/cm^2."""
        return self.thickness_cm * self.density_g_cm3


class CrossSection(FrozenModel):
    """Deep-inelastic nu_mu-nucleon cross section, linear in E_nu."""

    cc_slope_cm2_per_GeV: float = Field(gt=0, lt=1e-36)
    nc_over_cc: float = Field(ge=0, le=1)
    source: str


class Selection(FrozenModel):
    """Requirements beyond the neutrino hitting the calorimeters, and the non-geometric efficiency."""

    require_muon_in_acceptance: bool = True
    count_neutral_current: bool = False
    efficiency: float = Field(gt=0, le=1)
    calibrated: bool
    source: str


class Reference(FrozenModel):
    """Numbers quoted in reference 002 that we compare with."""

    n_kaon_decays: float = Field(gt=0)
    n_signal: float = Field(ge=0)
    n_signal_stat: float = Field(ge=0)
    n_signal_syst: float = Field(ge=0)
    n_background_overlaid: float = Field(ge=0)
    n_background_misreco: float = Field(ge=0)
    n_observed: int = Field(ge=0)
    p_one_event_signal_plus_background: float = Field(ge=0, le=1)
    p_one_event_background: float = Field(ge=0, le=1)
    data_scale_projection: float = Field(gt=0)
    source: str

    @property
    def n_background(self) -> float:
        """Total expected background (overlaid + mis-reconstructed)."""
        return self.n_background_overlaid + self.n_background_misreco


class Candidate(FrozenModel):
    """The tagged-neutrino candidate of reference 002 (GeV, m, mm)."""

    p_kaon_GeV: float = Field(gt=0)
    p_muon_GeV: float = Field(gt=0)
    vertex_z_m: float
    e_nu_GeV: float = Field(gt=0)
    r_lkr_mm: float = Field(ge=0)
    e_lkr_GeV: float = Field(ge=0)
    e_muv1_GeV: float = Field(ge=0)
    e_muv2_GeV: float = Field(ge=0)
    inelasticity: float = Field(ge=0, le=1)
    m2_miss_GeV2: float
    source: str


class TagConfig(FrozenModel):
    """Full configuration of the NA62 neutrino-tagging yield estimate."""

    name: str
    description: str = ""
    beam: Beam
    geometry: Geometry
    materials: list[Material] = Field(min_length=1)
    cross_section: CrossSection
    selection: Selection
    reference: Reference
    candidate: Candidate

    @model_validator(mode="after")
    def _fv_upstream(self):
        if not self.beam.z_decay_max_m < min(self.geometry.straw_z_m):
            raise ValueError(f"beam.z_decay_max_m ({self.beam.z_decay_max_m}) must lie upstream of "
                             f"the first STRAW chamber ({min(self.geometry.straw_z_m)})")
        return self

    def with_selection(self, **changes) -> TagConfig:
        """A copy with some selection settings changed (validated)."""
        data = self.model_dump()
        data["selection"].update(changes)
        return TagConfig.model_validate(data)


def load_config(path=None) -> TagConfig:
    """Load the tagging configuration: the shipped default, or a user YAML file at ``path``."""
    return load_model(TagConfig, path if path is not None else config_path("na62_nutag"))
