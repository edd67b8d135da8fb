"""Result files: provenance header, atomic writes, no NaN."""

import numpy as np
import pytest

from nuportal import __version__
from nuportal.io import provenance, read_csv, write_csv


def test_roundtrip_with_provenance(tmp_path):
    meta = provenance({"a": 1}, seed=7, experiment="x")
    p = write_csv(tmp_path / "r.csv", {"m_N_GeV": [0.1, 0.2], "U2_e": [1e-6, 2e-6]}, meta)
    back_meta, cols = read_csv(p)
    assert back_meta["nuportal_version"] == __version__
    assert back_meta["seed"] == 7 and back_meta["config"] == {"a": 1}
    assert np.allclose(cols["U2_e"], [1e-6, 2e-6])
    assert not list(tmp_path.glob(".*tmp"))


def test_files_are_readable_by_others(tmp_path):
    p = write_csv(tmp_path / "r.csv", {"x": [1.0]}, {})
    assert p.stat().st_mode & 0o044 == 0o044  # group/other read under the usual umask 022


def test_refuses_nan_and_leaves_no_file(tmp_path):
    with pytest.raises(ValueError, match="non-finite"):
        write_csv(tmp_path / "bad.csv", {"x": [1.0, np.nan]}, {})
    assert list(tmp_path.iterdir()) == []


def test_empty_cells_only_where_allowed(tmp_path):
    path = tmp_path / "c.csv"
    write_csv(path, {"m": [0.1, 0.2], "low": [1e-7, np.nan]}, {"seed": 1}, empty_ok=("low",))
    assert path.read_text().splitlines()[-1] == "0.2,"
    _, cols = read_csv(path)
    assert np.isnan(cols["low"][1]) and cols["low"][0] == 1e-7
    with pytest.raises(ValueError, match="non-finite"):
        write_csv(tmp_path / "d.csv", {"m": [0.1, np.nan]}, {}, empty_ok=("low",))
    with pytest.raises(ValueError, match="non-finite"):
        write_csv(tmp_path / "e.csv", {"low": [np.inf]}, {}, empty_ok=("low",))


def test_write_json_refuses_nan_and_leaves_no_file(tmp_path):
    import json

    from nuportal.io import write_json

    write_json(tmp_path / "a.json", {"x": 1.5, "meta": {"seed": 1}})
    assert json.loads((tmp_path / "a.json").read_text())["x"] == 1.5
    with pytest.raises(ValueError):
        write_json(tmp_path / "b.json", {"x": float("nan")})
    assert not (tmp_path / "b.json").exists() and not list(tmp_path.glob(".b.json*"))


def test_png_figures_carry_provenance(tmp_path):
    """Figures written by io.save_figure carry the version and the given provenance (issue 11)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from nuportal import __version__
    from nuportal.io import figure_metadata, save_figure

    fig, ax = plt.subplots()
    ax.plot([1, 2], [1, 2])
    path = save_figure(fig, tmp_path / "f.png", {"seed": 7, "config": {"name": "x"}})
    meta = figure_metadata(path)
    assert meta == {"nuportal_version": __version__, "seed": 7, "config": {"name": "x"}}
    assert not list(tmp_path.glob("*.tmp"))
