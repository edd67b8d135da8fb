"""CLI of the atmospheric-upscattering issue: acceptance interface and bad input (exit 2, one line)."""

import json

import pytest

from nuportal.cli import main
from nuportal.io import read_csv


def run(capsys, *args):
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_rate_json_acceptance(capsys):
    code, out, _ = run(capsys, "rate", "atm-upscatter", "--experiment", "superk", "--sample", "subgev",
                       "--portal", "dipole", "--flavor", "e", "--mass", "0.03", "--coupling", "2e-10",
                       "--json", "--n-events", "5000")
    assert code == 0
    d = json.loads(out)
    assert d["events"] > 0 and 0 < d["mc_rel_error"] < 0.5
    assert d["coupling_unit"] == "MeV^-1" and d["coupling"] == 2e-10 and d["m_N_GeV"] == 0.03


def test_rate_mixing_unit(capsys):
    code, out, _ = run(capsys, "rate", "atm-upscatter", "--portal", "mixing", "--flavor", "tau", "--mass",
                       "0.03", "--coupling", "1e-3", "--json", "--n-events", "5000")
    assert code == 0 and json.loads(out)["coupling_unit"] == "|U|^2"


def test_reach_writes_contour_csv(capsys, tmp_path):
    code, out, err = run(capsys, "reach", "atm-upscatter", "--experiment", "superk", "--portal", "dipole",
                         "--flavor", "e", "--out", str(tmp_path), "--masses", "0.02:0.05:2",
                         "--couplings", "1e-11:1e-6:11", "--n-events", "5000")
    assert code == 0, err
    path = tmp_path / "atm-upscatter_superk_dipole_e.csv"
    meta, cols = read_csv(path)
    assert {"m_N_GeV", "coupling_low", "coupling_high", "open_low", "open_high"} <= set(cols)
    assert meta["main_columns_sys"] == 0.0  # which systematic setting fills the unsuffixed columns
    assert meta["coupling_unit"] == "MeV^-1" and meta["seed"] == 1 and "config" in meta
    assert meta["nuportal_version"] and (tmp_path / "atm-upscatter_superk_dipole_e.png").exists()
    assert not list(tmp_path.glob("*.partial.jsonl"))
    # the floor at 20-50 MeV lies between 1e-10 and 1e-9 MeV^-1 (reference 004 Fig. 2a: ~2-5e-10)
    assert all(1e-10 < x < 1e-9 for x in cols["coupling_low"])


@pytest.mark.parametrize("args,needle", [
    (["--experiment", "kamland"], "unknown experiment 'kamland'"),
    (["--portal", "axion"], "portal 'axion' is not one of"),
    (["--flavor", "sterile"], "flavour 'sterile' is not one of"),
    (["--mass", "0"], "HNL mass [GeV] = 0 is outside the allowed range"),
    (["--mass", "-0.1"], "outside the allowed range"),
    (["--coupling", "-1e-10"], "coupling = -1e-10 is outside the allowed range"),
    (["--oscillations", "maybe"], "--oscillations 'maybe'"),
    (["--sample", "highgev"], "sample 'highgev'"),
])
def test_rate_bad_input(capsys, args, needle):
    code, _, err = run(capsys, "rate", "atm-upscatter", "--n-events", "1000", *args)
    assert code == 2 and needle in err and err.count("\n") == 1


@pytest.mark.parametrize("args,needle", [
    (["--masses", "0.1:0.01"], "malformed"),
    (["--masses", "-0.1:0.2:3"], "outside the allowed range"),
    (["--couplings", "1e-9:1e-8:1"], "n >= 2"),
    (["--portal", "mixing", "--flavor", "tau", "--couplings", "1e-3:3:5"], "(0, 1]"),
    (["--workers", "0"], "--workers = 0"),
    (["--out", "/dev/null/x"], "is not writable"),
])
def test_reach_bad_input(capsys, tmp_path, args, needle):
    extra = [] if "--out" in args else ["--out", str(tmp_path)]
    code, _, err = run(capsys, "reach", "atm-upscatter", "--n-events", "1000", *extra, *args)
    assert code == 2 and needle in err


def _user_study(tmp_path, **edits):
    from nuportal.experiments.config import config_path

    text = config_path("atm_superk").read_text()
    for old, new in edits.items():
        text = text.replace(old, new)
    p = tmp_path / "study.yaml"
    p.write_text(text)
    return str(p)


def test_detector_outside_the_earth(capsys, tmp_path):
    path = _user_study(tmp_path, **{"site: superk": "site: superk\ndepth_m: 7.0e6"})
    code, _, err = run(capsys, "rate", "atm-upscatter", "--experiment", path, "--n-events", "1000")
    assert code == 2 and "depth_m = 7e+06 is outside the allowed range [0, 6.371e+06]" in err


def test_energy_window_outside_flux_table(capsys, tmp_path):
    path = _user_study(tmp_path, **{"E_vis_min_GeV: 1.33": "E_vis_min_GeV: 2.0e4"})
    code, _, err = run(capsys, "rate", "atm-upscatter", "--experiment", path, "--n-events", "1000")
    assert code == 2 and "E_vis_min_GeV = 20000 is outside the allowed range" in err


def test_reach_is_reproducible(capsys, tmp_path):
    args = ["reach", "atm-upscatter", "--out", str(tmp_path), "--masses", "0.02:0.05:2", "--couplings",
            "1e-11:1e-6:6", "--n-events", "2000"]
    assert run(capsys, *args)[0] == 0
    first = read_csv(tmp_path / "atm-upscatter_superk_dipole_e.csv")[1]
    assert run(capsys, *args)[0] == 0  # same settings: identical result (same seed)
    again = read_csv(tmp_path / "atm-upscatter_superk_dipole_e.csv")[1]
    assert list(first["coupling_low"]) == list(again["coupling_low"])


def test_rate_writes_events_parquet(capsys, tmp_path):
    from nuportal.mc.events import UpscatterEvents

    path = tmp_path / "ev" / "events.parquet"
    code, out, err = run(capsys, "rate", "atm-upscatter", "--mass", "0.03", "--coupling", "2e-10",
                         "--n-events", "3000", "--seed", "4", "--events-out", str(path), "--json")
    assert code == 0, err
    ev = UpscatterEvents.from_parquet(path)
    assert len(ev) > 1000 and ev.mass_GeV == 0.03 and ev.portal == "dipole"
    assert ev.metadata["seed"] == 4 and ev.metadata["config"]["name"] == "superk"


def test_detector_outside_the_earth_is_refused_before_any_work(capsys, tmp_path):
    # review fix: the site was only checked inside the simulation, so coupling 0 passed and a reach
    # left a partial file behind
    path = _user_study(tmp_path, **{"site: superk": "site: superk\ndepth_m: 7.0e6"})
    code, _, err = run(capsys, "rate", "atm-upscatter", "--experiment", path, "--coupling", "0")
    assert code == 2 and "depth_m = 7e+06" in err
    out = tmp_path / "out"
    code, _, err = run(capsys, "reach", "atm-upscatter", "--experiment", path, "--out", str(out),
                       "--masses", "0.05:0.05:1", "--n-events", "1000")
    assert code == 2 and "depth_m = 7e+06" in err and not list(out.glob("*"))


def test_rate_zero_events_is_refused(capsys):
    # review fix: --n-events 0 silently fell back to the configured 100000 events
    code, _, err = run(capsys, "rate", "atm-upscatter", "--n-events", "0")
    assert code == 2 and "--n-events = 0 is outside the allowed range" in err


@pytest.mark.parametrize("args", [["--couplings", "1e-10:1e-10:3"], ["--masses", "0.05:0.05:3"]])
def test_degenerate_grid_is_refused_upfront(capsys, tmp_path, args):
    # review fix: lo == hi with n >= 2 repeated points (masses simulated twice; couplings failed only
    # after the simulation, leaving a partial file)
    code, _, err = run(capsys, "reach", "atm-upscatter", "--out", str(tmp_path), "--n-events", "1000", *args)
    assert code == 2 and "lo < hi when n >= 2" in err and not list(tmp_path.glob("*"))
