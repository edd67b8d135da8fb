"""`nuportal reproduce 003 --quick`: every file of reference 003 is produced, with provenance."""

import json

import pytest

from nuportal.cli import main
from nuportal.io import read_csv


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("ref003")
    assert main(["reproduce", "003", "--quick", "--out", str(out)]) == 0
    return out


def test_files_written(quick_run):
    names = {p.name for p in quick_run.iterdir()}
    for f in (
        "beam-upscatter_nd280_dipole_mu.csv",
        "beam-upscatter_nd280_dipole_mu_grid.csv",
        "beam-upscatter_nd280-upgrade_dipole_mu.csv",
        "ref003_dipole_mu.png",
        "ref003_decomposition.csv",
        "ref003_t2k2019_recast.png",
        "ref003_t2k2019_recast.csv",
        "summary.json",
    ):
        assert f in names, f
    assert not [n for n in names if n.endswith((".partial.jsonl", ".tmp"))]


def test_summary_and_provenance(quick_run):
    meta, cols = read_csv(quick_run / "beam-upscatter_nd280_dipole_mu.csv")
    assert meta["reference"] == "003" and meta["seed"] == 1 and meta["config"]["name"] == "nd280"
    assert meta["coupling_unit"] == "GeV^-1"
    s = json.loads((quick_run / "summary.json").read_text())
    assert s["paper"]["nd280_world_leading_GeV"] == [0.390, 0.743]
    assert set(s["world_leading_windows_GeV"]) >= {"nd280", "upgrade_z1.645"}
    assert s["thresholds_events"]["nd280"][""] == pytest.approx(2.9957, abs=1e-3)
    assert {"miniboone:nd280", "miniboone:nd280-upgrade", "long_decay:nd280"} <= set(s["points"])
    # the T2K 2019 recast (Bayesian, flat prior as T2K) is within 20% of T2K's published limits
    for flav in ("e", "mu"):
        r = s["t2k2019_recast_ratio_ours_over_t2k"][f"{flav}_bayesian"]
        assert 0.8 < r["ratio_min"] <= r["ratio_max"] < 1.2
    text = (quick_run / "ref003_decomposition.csv").read_text().splitlines()
    assert text[0].startswith("# ") and text[1].startswith("point,experiment,mode,material")
