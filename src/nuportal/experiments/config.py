"""Loading experiment configurations (YAML) into validated, frozen pydantic models.

Configurations are found by listing ``configs/`` (no hand-kept name map).  Any problem with a file
(missing, unreadable YAML, unknown or missing field, out-of-range value) becomes a
:class:`~nuportal.errors.NuportalInputError` naming the file, the field and the allowed range.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path
from typing import TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from nuportal import _yaml
from nuportal.errors import NuportalInputError

__all__ = ["FrozenModel", "KaonBeam", "available_configs", "config_path", "load_model"]

M = TypeVar("M", bound=BaseModel)


class FrozenModel(BaseModel):
    """Base of every configuration model: immutable, unknown fields rejected."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class KaonBeam(FrozenModel):
    """Kaon beam and fiducial decay region (z from the target, metres)."""

    momentum_GeV: float = Field(gt=0)
    momentum_rms_fraction: float = Field(ge=0, lt=0.5)
    z_decay_min_m: float = Field(ge=0)
    z_decay_max_m: float

    @model_validator(mode="after")
    def _ordered(self):
        if not self.z_decay_max_m > self.z_decay_min_m:
            raise ValueError(f"z_decay_max_m ({self.z_decay_max_m}) must exceed z_decay_min_m "
                             f"({self.z_decay_min_m})")
        return self


def _config_dir():
    return files("nuportal.experiments").joinpath("configs")


def available_configs() -> list[str]:
    """Names (file stems) of the shipped experiment configurations."""
    return sorted(p.name[:-5] for p in _config_dir().iterdir() if p.name.endswith(".yaml"))


def config_path(name: str):
    """Path of the shipped configuration ``name`` (file stem)."""
    if name not in available_configs():
        raise NuportalInputError(
            f"unknown experiment configuration {name!r}; available: {', '.join(available_configs())}"
        )
    return _config_dir().joinpath(f"{name}.yaml")


def load_model(model: type[M], source) -> M:
    """Read YAML from ``source`` (a path or a shipped resource) and validate it as ``model``."""
    label = str(source)
    try:
        text = Path(source).read_text() if isinstance(source, str | Path) else source.read_text()
    except OSError as exc:
        raise NuportalInputError(f"cannot read configuration file {label}: {exc.strerror}") from None
    try:
        raw = _yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise NuportalInputError(f"configuration file {label} is not valid YAML: {exc}") from None
    if not isinstance(raw, dict):
        raise NuportalInputError(f"configuration file {label} must hold a YAML mapping")
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(x) for x in err["loc"])
        raise NuportalInputError(
            f"configuration file {label}: field '{where}': {err['msg']}"
            + (f" (got {err['input']!r})" if "input" in err and err["type"] != "missing" else "")
        ) from None
