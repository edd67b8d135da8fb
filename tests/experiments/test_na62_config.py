"""NA62 configuration loading and validation."""

import pytest

from nuportal.errors import NuportalInputError
from nuportal.experiments.config import available_configs
from nuportal.experiments.na62 import load_config


def test_shipped_config_loads():
    cfg = load_config()
    assert "na62_k2pi0eN" in available_configs()
    # reference 000: N_K = 3e10 (Run 1), 1.4e11 by 2024; sigma = 1.7e-3 GeV^2, k = 1.4
    assert cfg.scenarios["run1"].n_kaon == 3e10
    assert cfg.scenarios["run1-2024"].n_kaon == 1.4e11
    assert cfg.scenarios["dedicated-trigger"].n_kaon == pytest.approx(3e10 + 5e10 + 6e10 * 150,
                                                                      rel=1e-3)
    assert cfg.analysis.sigma_m2_GeV2 == 1.7e-3 and cfg.analysis.k_window == 1.4
    assert cfg.photon_veto.theta_max_rad == 0.05 and cfg.photon_veto.inefficiency == 1e-3


def _write(tmp_path, text):
    p = tmp_path / "c.yaml"
    p.write_text(text)
    return p


def _shipped_text():
    from nuportal.experiments.config import config_path

    return config_path("na62_k2pi0eN").read_text()


@pytest.mark.parametrize("old,new,match", [
    ("n_kaon: 3.0e10", "n_kaon: -3.0e10", r"scenarios.run1.n_kaon.*greater than 0"),
    ("k_window: 1.4", "k_window: 0", r"analysis.k_window.*greater than 0"),
    ("inefficiency: 1.0e-3", "inefficiency: 2", r"photon_veto.inefficiency.*less than or equal"),
    ("model: hermetic", "model: magic", r"photon_veto.model"),
    ("selection_efficiency: 0.65", "selection_efficiency: -0.1", "selection_efficiency"),
    ("  momentum_GeV: 75.0\n", "", r"beam.momentum_GeV.*Field required"),
    ("z_decay_max_m: 165.0", "z_decay_max_m: 100.0", "z_decay_max_m"),
    ("z_decay_max_m: 165.0", "z_decay_max_m: 190.0", "upstream of the first STRAW"),
    ("lkr_r_max_m: 1.10", "lkr_r_max_m: 0.10", "lkr_r_max_m must exceed"),
    ("positron_momentum_max_GeV: 70.0", "positron_momentum_max_GeV: 2.0",
     "positron_momentum_max_GeV must exceed"),
    ("detector_end_m: 241.1", "detector_end_m: 150.0", "detector_end_m"),
    ("statistics: poisson", "statistics: bayesian", "analysis.statistics"),
    ("mass_max_GeV: 0.32", "mass_max_GeV: 0.5", "mass_max_GeV"),
])
def test_malformed_config(tmp_path, old, new, match):
    text = _shipped_text()
    assert old in text
    with pytest.raises(NuportalInputError, match=match):
        load_config(_write(tmp_path, text.replace(old, new)))


def test_missing_and_unparsable_files(tmp_path):
    with pytest.raises(NuportalInputError, match="cannot read configuration file"):
        load_config(tmp_path / "nope.yaml")
    with pytest.raises(NuportalInputError, match="not valid YAML"):
        load_config(_write(tmp_path, "beam: [unclosed"))
    with pytest.raises(NuportalInputError, match="must hold a YAML mapping"):
        load_config(_write(tmp_path, "- 1\n- 2\n"))
    with pytest.raises(NuportalInputError, match="Extra inputs"):
        load_config(_write(tmp_path, _shipped_text() + "bogus_key: 1\n"))
