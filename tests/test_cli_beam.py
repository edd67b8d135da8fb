"""CLI of the beam-upscattering issue (reference 003): acceptance interface, units and bad input (exit 2)."""

import json

import pytest
import yaml

from nuportal.cli import main
from nuportal.io import read_csv


def run(capsys, *args):
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_rate_json_acceptance(capsys):
    code, out, err = run(
        capsys,
        "rate",
        "beam-upscatter",
        "--experiment",
        "nd280",
        "--mode",
        "both",
        "--portal",
        "dipole",
        "--flavor",
        "mu",
        "--mass",
        "0.5",
        "--coupling",
        "1e-6",
        "--json",
        "--n-events",
        "4000",
    )
    assert code == 0, err
    d = json.loads(out)
    assert d["coupling_unit"] == "GeV^-1" and d["coupling"] == 1e-6
    assert d["events"] > 0 and set(d["events_by_mode"]) == {"fhc", "rhc"}
    assert abs(d["events"] - sum(d["events_by_mode"].values())) < 1e-12 * d["events"]
    assert d["signal_threshold"] == pytest.approx(2.9957, abs=1e-3)  # ln 20
    assert sum(r["fraction"] for r in d["decomposition"]) == pytest.approx(1.0)


def test_coupling_units_are_explicit(capsys):
    """1e-9 MeV^-1 is 1e-6 GeV^-1: the same events; the unit is echoed."""
    args = ("rate", "beam-upscatter", "--mode", "fhc", "--mass", "0.3", "--json", "--n-events", "2000")
    _, a, _ = run(capsys, *args, "--coupling", "1e-6")
    _, b, _ = run(capsys, *args, "--coupling", "1e-9/MeV")
    _, c, _ = run(capsys, *args, "--coupling", "1e-6 GeV^-1")
    ea, eb, ec = (json.loads(x)["events"] for x in (a, b, c))
    assert eb == pytest.approx(ea, rel=1e-9) and ec == ea


def test_reach_writes_csv_grid_and_png(capsys, tmp_path):
    code, _, err = run(
        capsys,
        "reach",
        "beam-upscatter",
        "--experiment",
        "nd280",
        "--out",
        str(tmp_path),
        "--masses",
        "0.1:0.3:2",
        "--couplings",
        "1e-8:1e-3:16",
        "--n-events",
        "2000",
    )
    assert code == 0, err
    path = tmp_path / "beam-upscatter_nd280_dipole_mu.csv"
    meta, cols = read_csv(path)
    assert {"m_N_GeV", "coupling_low_GeV-1", "coupling_high_GeV-1", "islands", "efficiency_fhc"} <= set(cols)
    assert meta["coupling_unit"] == "GeV^-1" and meta["seed"] == 1 and meta["config"]["name"] == "nd280"
    assert (tmp_path / "beam-upscatter_nd280_dipole_mu_grid.csv").exists()
    from nuportal.io import figure_metadata

    png = figure_metadata(tmp_path / "beam-upscatter_nd280_dipole_mu.png")
    assert png["seed"] == 1 and png["config"]["name"] == "nd280" and png["coupling_unit"] == "GeV^-1"
    assert not list(tmp_path.glob("*.partial.jsonl"))


@pytest.mark.parametrize(
    "args,needle",
    [
        (["--mass", "40"], "HNL mass [GeV] = 40 is outside the allowed range"),
        (["--mass", "0"], "HNL mass [GeV] = 0 is outside the allowed range"),
        (["--coupling", "0"], "coupling [GeV^-1] = 0 is outside the allowed range"),
        (["--coupling", "-1e-6"], "coupling [GeV^-1] = -1e-06 is outside the allowed range"),
        (["--coupling", "nan"], "--coupling 'nan' is not a number"),
        (["--coupling", "1e-6/TeV"], "--coupling unit '/tev' is not allowed"),
        (["--coupling", "abc"], "--coupling 'abc' is not a number"),
        (["--mode", "fhx"], "mode = 'fhx' is not one of fhc, rhc, both"),
        (["--experiment", "nd281"], "unknown experiment 'nd281'"),
        (["--experiment", "missing.yaml"], "experiment file missing.yaml does not exist"),
        (["--flavor", "sterile"], "flavour = 'sterile' is not one of"),
    ],
)
def test_rate_bad_input(capsys, args, needle):
    code, out, err = run(capsys, "rate", "beam-upscatter", "--n-events", "1000", *args)
    assert code == 2 and needle in err and out == ""


def test_reach_bad_input_leaves_no_file(capsys, tmp_path):
    code, _, err = run(capsys, "reach", "beam-upscatter", "--out", str(tmp_path), "--masses", "0.1:50:3")
    assert code == 2 and "the beam cannot produce heavier HNLs" in err
    assert not list(tmp_path.iterdir())


def test_study_file_edit_adds_pot(capsys, tmp_path):
    """'ND280 with 5e21 more POT' is a config edit: the signal scales with the FHC exposure."""
    from nuportal.experiments.accelerator.config import config_path

    raw = yaml.safe_load(config_path("beam_nd280").read_text())
    raw["modes"]["fhc"]["pot"] = 12.34e20 + 5e21
    f = tmp_path / "more.yaml"
    f.write_text(yaml.safe_dump(raw))
    args = ("rate", "beam-upscatter", "--mode", "fhc", "--mass", "0.3", "--json", "--n-events", "2000")
    _, a, _ = run(capsys, *args, "--experiment", "nd280")
    _, b, _ = run(capsys, *args, "--experiment", str(f))
    assert json.loads(b)["events"] / json.loads(a)["events"] == pytest.approx((12.34e20 + 5e21) / 12.34e20)


@pytest.mark.parametrize(
    "edit,needle",
    [
        (lambda r: r["modes"].update({"fhx": r["modes"]["fhc"]}), "modes"),
        (lambda r: r["modes"]["fhc"].update({"pot": -1}), "pot"),
        (lambda r: r.update({"geometry": "nowhere.yaml"}), "cannot read geometry file nowhere.yaml"),
    ],
)
def test_malformed_study_files(capsys, tmp_path, edit, needle):
    from nuportal.experiments.accelerator.config import config_path

    raw = yaml.safe_load(config_path("beam_nd280").read_text())
    edit(raw)
    f = tmp_path / "bad.yaml"
    f.write_text(yaml.safe_dump(raw))
    code, _, err = run(capsys, "rate", "beam-upscatter", "--experiment", str(f), "--n-events", "1000")
    assert code == 2 and needle in err
