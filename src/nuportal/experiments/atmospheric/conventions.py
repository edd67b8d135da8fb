"""Convention sets: every choice that changes an atmospheric-upscattering result, as validated data.

A convention set (``data/conventions/<name>.yaml``) names one value per key of :data:`CHOICES`, each with
its source.  ``nuportal`` is the default (the best physics we know); ``reference-004-authors`` is what the
public code of reference 004 does, item by item with file and line.  :func:`apply_convention` turns a
study into the same study in another convention; :func:`ledger_configs` gives the studies of the
difference ledger (one choice switched at a time, and cumulatively in the order of :data:`CHOICES`).
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError, model_validator

from nuportal import _yaml
from nuportal.errors import NuportalInputError
from nuportal.experiments.config import FrozenModel

__all__ = ["CHOICES", "Choice", "Convention", "available_conventions", "load_convention", "apply_convention",
           "ledger_configs", "DEFAULT_CONVENTION"]

DEFAULT_CONVENTION = "nuportal"
_DIR = "data/conventions"

#: Keys of a convention set, in ledger order, with their allowed values (a tuple) or a checker.
CHOICES: dict[str, Any] = {
    "flux": ("honda2014-kamioka", "h3a-sibyll23c"),
    "oscillations": (True, False),
    "rock_distance": ("study", "volume-cube-root"),
    "detector_shape": ("mean-chord", "cube-root"),
    "depth_m": lambda v: v is None or 0.0 <= float(v) <= 6.371e6,
    "coherent_m4_sign": (-1, 1),
    "atomic_screening": (True, False),
    "forward_u_min": lambda v: 0.0 <= float(v) <= 1e-3,
    "rate_test_z": lambda v: v is None or 0.5 < float(v) < 5.0,
    "earth_ocean": (True, False),
}
_RANGES = {"depth_m": "null or [0, 6.371e6] m", "forward_u_min": "[0, 1e-3]",
           "rate_test_z": "null or (0.5, 5)"}


class Choice(FrozenModel):
    """One choice: its value and where it comes from."""

    value: Any
    source: str


class Convention(FrozenModel):
    """A validated convention set."""

    name: str
    description: str
    choices: dict[str, Choice]

    @model_validator(mode="after")
    def _complete(self):
        missing = [k for k in CHOICES if k not in self.choices]
        extra = [k for k in self.choices if k not in CHOICES]
        if missing or extra:
            raise ValueError(f"convention {self.name!r}: missing keys {missing}, unknown keys {extra}; "
                             f"a set names exactly: {', '.join(CHOICES)}")
        for key, allowed in CHOICES.items():
            v = self.choices[key].value
            ok = allowed(v) if callable(allowed) else any(v == a and type(v) is type(a) for a in allowed)
            if not ok:
                rng = _RANGES.get(key) or ", ".join(str(a) for a in allowed)
                raise ValueError(f"convention {self.name!r}: {key} = {v!r} is outside the allowed values "
                                 f"({rng})")
        return self

    def value(self, key: str):
        """The value of one choice."""
        return self.choices[key].value


def available_conventions() -> list[str]:
    """Names of the shipped convention sets."""
    return sorted(p.name[:-5] for p in files("nuportal").joinpath(_DIR).iterdir() if p.name.endswith(".yaml"))


@cache
def _load_text(text: str, origin: str) -> Convention:
    try:
        return Convention.model_validate(_yaml.safe_load(text))
    except (ValidationError, yaml.YAMLError, TypeError) as exc:
        raise NuportalInputError(f"{origin}: invalid convention set: {exc}") from exc


def load_convention(name_or_path: str | Convention | None = None) -> Convention:
    """A shipped convention set by name, or a user YAML file by path (default: ``nuportal``)."""
    if isinstance(name_or_path, Convention):
        return name_or_path
    text = DEFAULT_CONVENTION if name_or_path is None else str(name_or_path)
    if text.endswith((".yaml", ".yml")):
        path = Path(text)
        if not path.is_file():
            raise NuportalInputError(f"convention file {text} does not exist")
        return _load_text(path.read_text(), text)
    if text not in available_conventions():
        names = ", ".join(available_conventions())
        raise NuportalInputError(f"unknown convention {text!r}; available: {names}")
    return _load_text(files("nuportal").joinpath(f"{_DIR}/{text}.yaml").read_text(), text)


def _rock_distance_m(cfg, rule: str) -> float | None:
    if rule == "study":
        return cfg.rock_distance_m
    from nuportal.earth.sites import get_site

    return get_site(cfg.site).volume_cm3 ** (1.0 / 3.0) / 100.0


def apply_convention(cfg, convention=None, keys=None):
    """The study ``cfg`` with the choices ``keys`` (default: all) taken from ``convention``.

    Choices not in ``keys`` keep the study's own values; the result records the convention's name (with
    the switched keys when not all).  A study moved whole into another set than ``nuportal`` is renamed
    ``<name>-<convention>``, so that its result files do not mix with the default ones.
    """
    conv = load_convention(convention)
    keys = list(CHOICES) if keys is None else list(keys)
    bad = [k for k in keys if k not in CHOICES]
    if bad:
        raise NuportalInputError(f"unknown convention key {bad[0]!r}; keys: {', '.join(CHOICES)}")
    update: dict[str, Any] = {}
    for k in keys:
        v = conv.value(k)
        if k == "rock_distance":
            update["rock_distance_m"] = _rock_distance_m(cfg, v)
        elif k == "depth_m":
            update["depth_m"] = cfg.depth_m if v is None else float(v)
        else:
            update[k] = v
    label = conv.name if len(keys) == len(CHOICES) else f"{conv.name}[{','.join(keys)}]"
    if len(keys) == len(CHOICES) and conv.name != DEFAULT_CONVENTION and cfg.convention == DEFAULT_CONVENTION:
        update["name"] = f"{cfg.name}-{conv.name}"  # result files of another convention get their own names
    return cfg.model_copy(update={**update, "convention": label})


#: Options shown in the ledger although both shipped sets leave them off: (key, value).
LEDGER_OPTIONS = (("atomic_screening", True),)


def ledger_configs(cfg, convention) -> list[tuple[str, str, Any]]:
    """Studies of the difference ledger: [(key, "single" | "cumulative" | "option", study)].

    The first entry is ("baseline", "nuportal", cfg in the nuportal set); then, for every key whose value
    differs between the sets, the study with only that key switched, and the study with it and every
    earlier differing key switched; last, each of :data:`LEDGER_OPTIONS` on the nuportal set alone.
    """
    base = apply_convention(cfg, DEFAULT_CONVENTION)
    conv = load_convention(convention)
    ref = load_convention(DEFAULT_CONVENTION)
    differing = [k for k in CHOICES if conv.value(k) != ref.value(k)]
    out = [("baseline", "nuportal", base)]
    for i, key in enumerate(differing):
        out.append((key, "single", apply_convention(base, conv, [key])))
        out.append((key, "cumulative", apply_convention(base, conv, differing[: i + 1])))
    for key, value in LEDGER_OPTIONS:
        if ref.value(key) != value:
            out.append((key, "option", base.model_copy(update={key: value, "convention": f"nuportal+{key}"})))
    return out
