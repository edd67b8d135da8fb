"""Validated configuration of an accelerator-beam upscattering study (configs/beam_<name>.yaml).

A study is a beam (flux tables per mode), a geometry file (material and fiducial boxes), the
exposure per mode (POT), the selection (HNL direction cut, e+e- efficiency), the expected
backgrounds and observed counts per mode, the flux-normalisation uncertainty and the statistics
(measured limit or projection).  "ND280 with 5e21 more POT" is an edit of ``modes.fhc.pot``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator

from nuportal.errors import NuportalInputError
from nuportal.experiments.config import FrozenModel, available_configs, config_path, load_model

__all__ = [
    "ModeConfig",
    "Efficiency",
    "Statistics",
    "BeamMonteCarlo",
    "BeamStudyConfig",
    "load_beam_study",
    "available_beam_studies",
]

_PREFIX = "beam_"


class ModeConfig(FrozenModel):
    """One beam mode: exposure, expected background (with its uncertainty) and observation."""

    pot: float = Field(gt=0, description="protons on target")
    background: float = Field(ge=0, description="expected background events in the e+e- selection")
    background_error: float = Field(default=0.0, ge=0)
    observed: int | None = Field(default=None, ge=0, description="observed events; None for projections")
    source: str = ""


class Efficiency(FrozenModel):
    """Signal efficiency: a T2K 2019 e+e- table (per mass, per mode) or a constant."""

    table: Literal["t2k2019-ee"] | None = "t2k2019-ee"
    constant: float | None = Field(default=None, gt=0, le=1)
    modes: list[int] = Field(
        default=[10, 11, 14, 15],
        min_length=1,
        description="production/decay modes of the T2K table (e+ e- nu final states)",
    )
    combine: Literal["mean", "min"] = "mean"
    scale: float = Field(default=1.0, gt=0, le=10, description="factor on the table (e.g. an upgrade gain)")
    extrapolation: Literal["constant", "zero"] = "constant"

    @model_validator(mode="after")
    def _one(self):
        if (self.table is None) == (self.constant is None):
            raise ValueError("efficiency needs exactly one of 'table' or 'constant'")
        return self


class Statistics(FrozenModel):
    """How the expected signal becomes a limit or a sensitivity."""

    kind: Literal["measured", "projection"]
    cl: float = Field(default=0.95, gt=0, lt=1)
    # paper: s = -ln(1 - CL) (zero observed, background ignored);
    # asimov-null: s = z^2 / 2 with z = Phi^-1(CL),
    # the Asimov significance of s on a vanishing background (what reference 003's public code used)
    method: Literal["paper", "cls", "fc", "profile", "asimov-null"] = "paper"
    projection_z: list[float] = Field(default=[1.645, 5.0], min_length=1)

    @model_validator(mode="after")
    def _z(self):
        if any(not 0 < z < 10 for z in self.projection_z):
            raise ValueError(f"projection_z {self.projection_z} must lie in (0, 10)")
        return self


class BeamMonteCarlo(FrozenModel):
    """Monte Carlo statistics per mass and mode."""

    n_events: int = Field(default=12_000, ge=1000)
    max_events: int = Field(default=400_000, ge=1000)
    target_rel_error: float = Field(default=0.03, gt=0, lt=1)


class BeamStudyConfig(FrozenModel):
    """An accelerator-beam upscattering study."""

    name: str
    description: str
    reference: str = ""
    beam: Literal["t2k-nd280"] = "t2k-nd280"
    geometry: str
    geometry_density_overrides: dict[str, float] = Field(
        default={}, description="material -> density (g/cm^3), e.g. to reproduce other authors' runs"
    )
    modes: dict[Literal["fhc", "rhc"], ModeConfig] = Field(min_length=1)
    cos_theta_min: float = Field(default=0.999, ge=0.2, lt=1)
    efficiency: Efficiency = Efficiency()
    flux_uncertainty: float = Field(default=0.112, ge=0, lt=1)
    flux_reduction_in_main: bool = True
    decay_convention: Literal["physical", "reference-003", "reference-003-code"] = "physical"
    statistics: Statistics
    monte_carlo: BeamMonteCarlo = BeamMonteCarlo()
    notes: list[str] = []

    @model_validator(mode="after")
    def _observed(self):
        if self.statistics.kind == "measured" and any(m.observed is None for m in self.modes.values()):
            raise ValueError("a measured study needs 'observed' in every mode")
        return self

    @property
    def dipole_visible(self) -> str:
        """Visible-channel convention of :func:`nuportal.mc.reweight.decay_model`."""
        return {"physical": "ee", "reference-003": "ee-ref003", "reference-003-code": "ee-ref003-dn"}[
            self.decay_convention
        ]

    @property
    def total_pot(self) -> float:
        return sum(m.pot for m in self.modes.values())


def available_beam_studies() -> list[str]:
    """Names of the shipped beam studies (configs/beam_<name>.yaml)."""
    return [n[len(_PREFIX) :] for n in available_configs() if n.startswith(_PREFIX)]


def load_beam_study(name_or_path) -> BeamStudyConfig:
    """A shipped study by name (nd280, nd280-upgrade) or a YAML file by path."""
    if isinstance(name_or_path, BeamStudyConfig):
        return name_or_path
    text = str(name_or_path)
    if text.endswith((".yaml", ".yml")):
        if not Path(text).exists():
            raise NuportalInputError(f"experiment file {text} does not exist")
        return load_model(BeamStudyConfig, text)
    if text not in available_beam_studies():
        raise NuportalInputError(
            f"unknown experiment {text!r}; available: {', '.join(available_beam_studies())} "
            "(or a YAML study file)"
        )
    return load_model(BeamStudyConfig, config_path(_PREFIX + text))
