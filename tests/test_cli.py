"""Command-line interface: acceptance interface of the foundation issue and bad input."""

import json

import numpy as np
import pytest

from nuportal.cli import main
from nuportal.io import read_csv


def run(capsys, *args):
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("process", ["K+ -> pi0 e+ N", "K+ -> pi0 mu+ N", "K+ -> e+ N",
                                     "K+ -> mu+ N", "pi+ -> e+ N", "pi+ -> mu+ N"])
def test_br_json(capsys, process):
    code, out, _ = run(capsys, "br", process, "--mass", "0.02", "--json")
    assert code == 0
    d = json.loads(out)
    assert d["process"] == process and d["m_N_GeV"] == 0.02 and d["br_over_U2"] > 0


def test_br_table_range(capsys):
    code, out, _ = run(capsys, "br", "K+ -> pi0 e+ N", "--mass", "0.0:0.35:8")
    assert code == 0
    rows = [line.split() for line in out.splitlines() if not line.lstrip().startswith(("#", "m"))]
    assert len(rows) == 8 and float(rows[0][1]) == pytest.approx(0.0507)


def test_width_json(capsys):
    code, out, _ = run(capsys, "width", "--mass", "0.135", "--U2e", "1e-6", "--json")
    assert code == 0
    d = json.loads(out)
    assert {"width_GeV", "lifetime_s", "ctau_m", "branching_ratios"} <= set(d)
    assert sum(d["branching_ratios"].values()) == pytest.approx(1.0)
    assert d["ctau_m"] == pytest.approx(2.99792458e8 * d["lifetime_s"], rel=1e-6)


def test_width_dipole_in_per_MeV(capsys):
    # reference 004, Eq. 8: Gamma = d^2 m^3 / (4 pi); d = 1e-9 MeV^-1 = 1e-6 GeV^-1
    code, out, _ = run(capsys, "width", "--mass", "0.1", "--d-e", "1e-9", "--json")
    d = json.loads(out)
    assert d["width_GeV"] == pytest.approx(1e-12 * 0.1**3 / (4 * np.pi), rel=1e-9)


@pytest.mark.parametrize("args,needle", [
    (["br", "K+ -> pi0 e+ N", "--mass", "0.4"], "0.4 is outside the allowed range [0, 0.358"),
    (["br", "K+ -> pi0 e+ N", "--mass", "-0.1"], "outside the allowed range"),
    (["br", "K+ -> tau+ N", "--mass", "0.1"], "unknown process"),
    (["br", "K+ -> e+ N", "--mass", "0.1:0.2"], "malformed"),
    (["width", "--mass", "0.1", "--U2e", "1.5"], "|U|^2_e = 1.5 is outside the allowed range [0, 1]"),
    (["width", "--mass", "0", "--U2e", "1e-6"], "outside the allowed range (0, inf)"),
    (["width", "--mass", "0.1"], "total width"),
    (["width", "--mass", "x"], "--mass"),
    (["reach", "na62-k2pi0eN", "--scenario", "nope"], "unknown scenario 'nope'"),
    (["reach", "na62-k2pi0eN", "--k", "0"], "--k = 0 is outside the allowed range (0, inf)"),
    (["reach", "na62-k2pi0eN", "--n-background", "-5"], "outside the allowed range [1, inf)"),
    (["reach", "na62-k2pi0eN", "--config", "/nonexistent.yaml"], "cannot read configuration"),
    (["reach", "super-k"], "No such command"),
    (["reproduce", "999"], "unknown reference"),
    (["reproduce", "000", "--n-background", "0"], "outside the allowed range [1, inf)"),
    (["reproduce", "000", "--n-background", "-5"], "outside the allowed range [1, inf)"),
    (["reproduce", "000", "--out", "/dev/null/x"], "is not writable"),
    (["reach", "na62-k2pi0eN", "--k", "inf"], "--k = inf is outside the allowed range"),
    (["br", "K+ -> e+ N", "--mass", "0.1:0.2:0"], "n = 0 is outside the allowed range [1, inf)"),
])
def test_bad_input_exit_2_one_line(capsys, tmp_path, args, needle):
    extra = ["--out", str(tmp_path)] if args[0] in ("reach", "reproduce") and "--out" not in args \
        else []
    code, out, err = run(capsys, *args, *extra)
    assert code == 2
    assert needle in err
    assert len(err.strip().splitlines()) == 1
    assert list(tmp_path.iterdir()) == []


def test_reach_writes_csv_with_provenance(capsys, tmp_path):
    cfg = tmp_path / "small.yaml"
    from nuportal.experiments.config import config_path

    text = config_path("na62_k2pi0eN").read_text()
    text = text.replace("n_signal_events_per_mass: 20000", "n_signal_events_per_mass: 3000")
    text = text.replace("n_efficiency_masses: 36", "n_efficiency_masses: 8")
    text = text.replace("n_masses: 100", "n_masses: 12")
    cfg.write_text(text)
    out = tmp_path / "res"
    code, _, err = run(capsys, "reach", "na62-k2pi0eN", "--scenario", "run1", "--out", str(out),
                       "--config", str(cfg), "--n-background", "30000", "--seed", "5")
    assert code == 0, err
    meta, cols = read_csv(out / "na62-k2pi0eN_run1.csv")
    assert meta["seed"] == 5 and "nuportal_version" in meta and meta["config"]["scenarios"]
    assert {"m_N_GeV", "U2_e_detection", "U2_e_median_exclusion"} <= set(cols)
    assert cols["m_N_GeV"].size == 12 and np.all(np.isfinite(cols["U2_e_detection"]))
    assert (out / "na62-k2pi0eN_run1.png").stat().st_size > 1000
    first = (out / "na62-k2pi0eN_run1.csv").read_text().splitlines()
    assert first[0].startswith("#") and any(line.startswith("m_N_GeV,") for line in first)


def test_version(capsys):
    code, out, _ = run(capsys, "--version")
    assert code == 0 and out.startswith("nuportal ")
