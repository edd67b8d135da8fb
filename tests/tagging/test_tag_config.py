"""The shipped tagging configuration validates; malformed files give a one-line input error."""

import pytest

from nuportal.errors import NuportalInputError
from nuportal.tagging.config import load_config


def test_shipped_config_has_sources():
    cfg = load_config()
    assert cfg.beam.momentum_GeV == 75.0  # JINST 12 (2017) P05025: 75 GeV/c beam
    assert all(m.source for m in cfg.materials)
    assert cfg.reference.n_background == pytest.approx(0.034)  # reference 002: 0.030 + 0.004


def test_bad_config(tmp_path):
    text = load_config().model_dump()
    import yaml

    text["beam"]["z_decay_max_m"] = 50.0
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(text))
    with pytest.raises(NuportalInputError, match="z_decay_max_m"):
        load_config(path)
