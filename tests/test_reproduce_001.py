"""`nuportal reproduce 001` (quick mode): every file written, with provenance and finite numbers."""

import json

import numpy as np
import pytest

from nuportal.errors import NuportalInputError
from nuportal.io import read_csv
from nuportal.reproduce.ref001 import reproduce


def test_reproduce_001_quick(tmp_path):
    paths = reproduce(tmp_path, seed=3, quick=True)
    names = {p.name for p in paths}
    for stem in ("fig2_kpimumu_br_vs_lifetime", "na62rk_kmu2_2007_spectrum", "na62_ke2_2015_spectrum"):
        assert f"{stem}.csv" in names and f"{stem}.png" in names
    for extra in ("kpimumu_U2_mu.csv", "na62rk_kmu2_2007_limits.csv", "na62_ke2_2015_limits.csv",
                  "fig5_br_upper_limits.png", "fig9_U2_limits.png", "na48_lnv_summary.json"):
        assert extra in names
    for p in paths:
        assert p.exists() and p.stat().st_size > 0
        if p.suffix == ".csv":
            meta, cols = read_csv(p)
            assert meta["seed"] == 3 and meta["nuportal_version"] and meta["reference"] == "001"
            assert set(meta["config"]) == {"na48_kpimumu", "na62rk_kmu2_2007", "na62_ke2_2015"}
            assert "SYNTHETIC" in meta["synthetic_spectra"]
            assert all(np.all(np.isfinite(v)) for v in cols.values())
    summary = json.loads((tmp_path / "na48_lnv_summary.json").read_text())
    assert summary["provenance"]["seed"] == 3
    assert summary["na62_ke2_2015"]["synthetic"] is True
    assert 0 < summary["na48_lnv"]["BR_upper_limit"]["ours"] < 1e-9


def test_reproduce_001_rejects_tiny_background():
    with pytest.raises(NuportalInputError, match="n-background"):
        reproduce("unused", n_background=10)
