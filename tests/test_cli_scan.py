"""`nuportal scan`: peak search on a spectrum CSV (reference 001, Sec. 3) and its bad-input exits."""

import json
from pathlib import Path

import numpy as np
import pytest

from nuportal.cli import main
from nuportal.io import read_csv

DATA = Path(__file__).parent / "search" / "data"
SPECTRUM = str(DATA / "peak_spectrum.csv")


def run(capsys, *args):
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_scan_finds_injected_peak_and_writes_files(capsys, tmp_path):
    # the test spectrum holds a 120-event Gaussian peak at 340 MeV on 20 events/MeV (its header);
    # the most significant hypothesis must lie within one resolution (1.5 MeV) of it
    code, out, err = run(capsys, "scan", SPECTRUM, "--resolution", "0.0015", "--step", "0.001",
                         "--k", "1.5", "--toys", "200", "--seed", "3", "--out", str(tmp_path), "--json")
    assert code == 0, err
    s = json.loads(out)
    assert abs(s["m_at_max_local_Z_GeV"] - 0.340) <= 0.0015
    assert s["max_local_Z"] > 3 and s["n_excess_above_3_sigma"] >= 1
    assert s["n_toys"] == 200 and 0 < s["global_p_toys"] <= 1 and s["global_Z_toys"] >= 0
    meta, cols = read_csv(tmp_path / "peak_scan.csv")
    assert meta["seed"] == 3 and meta["config"]["method"] == "rolke-lopez"
    assert "rolke-lopez" in meta["statistic"] and "0.9 CL" in meta["statistic"]
    assert cols["m_GeV"].size == 76  # 300-375 MeV in 1 MeV steps (reference 001, Sec. 3.2)
    assert {"local_Z", "signal_upper", "signal_fraction_in_window", "excess"} <= set(cols)
    np.testing.assert_array_equal(cols["excess"], cols["local_Z"] > 3)
    assert (tmp_path / "peak_scan.png").stat().st_size > 1000


def test_scan_same_seed_same_global_p(capsys, tmp_path):
    args = ["scan", SPECTRUM, "--resolution", "0.0015", "--toys", "50", "--seed", "9", "--json"]
    p = [json.loads(run(capsys, *args, "--out", str(tmp_path / d))[1])["global_p_toys"] for d in "ab"]
    assert p[0] == p[1]


@pytest.mark.parametrize("extra", [
    ["--resolution-csv", str(DATA / "resolution.csv"), "--step", "sigma/2", "--method", "cls"],
    ["--resolution", "0.0015", "--method", "feldman-cousins", "--mass-range", "0.335:0.345"],
])
def test_scan_text_summary_variants(capsys, tmp_path, extra):
    code, out, err = run(capsys, "scan", SPECTRUM, *extra, "--out", str(tmp_path))
    assert code == 0, err
    assert "max local Z" in out and "local excesses above 3 sigma" in out and "N_eff" in out
    assert (tmp_path / "peak_scan.csv").exists()


@pytest.mark.parametrize("args,needle", [
    (["--resolution", "0.0015", "--k", "0"], "k (window half-width in sigma) = 0 is outside"),
    (["--resolution", "0.0015", "--k", "-2"], "is outside the allowed range (0, inf)"),
    (["--resolution", "0.0015", "--method", "bayes"], "method = 'bayes' is not one of"),
    (["--resolution", "0.0015", "--mass-range", "0.2:0.4"], "mass hypothesis (GeV) = 0.2 is outside"),
    (["--resolution", "0.0015", "--step", "half"], "--step 'half' is malformed"),
    (["--resolution", "-0.001"], "resolution (sigma(m) in GeV) = -0.001 is outside"),
    ([], "give exactly one of --resolution"),
    (["--resolution", "0.0015", "--cl", "1.5"], "cl (confidence level) = 1.5"),
    (["--resolution", "0.0015", "--toys", "-1"], "--toys = -1"),
    (["--resolution-csv", "nope.csv"], "resolution file nope.csv does not exist"),
])
def test_scan_bad_options_exit_2(capsys, tmp_path, args, needle):
    code, out, err = run(capsys, "scan", SPECTRUM, *args, "--out", str(tmp_path))
    assert code == 2 and needle in err and len(err.strip().splitlines()) == 1


@pytest.mark.parametrize("text,needle", [
    ("m_low_GeV,m_high_GeV,observed,background\n", "holds no bins"),
    ("m_low_GeV,m_high_GeV,observed,background\n0.3,0.2,1,1\n0.2,0.3,1,1\n",
     "edges must be strictly increasing"),
    ("m_low_GeV,m_high_GeV,observed,background\n0.3,0.31,-1,1\n", "observed = -1 is outside"),
    ("m_low_GeV,m_high_GeV,observed,background,background_sigma\n0.3,0.31,1,1,-0.5\n",
     "background_sigma = -0.5 is outside"),
])
def test_scan_bad_spectrum_exit_2(capsys, tmp_path, text, needle):
    (tmp_path / "s.csv").write_text(text)
    code, _, err = run(capsys, "scan", str(tmp_path / "s.csv"), "--resolution", "0.001",
                       "--out", str(tmp_path))
    assert code == 2 and needle in err and len(err.strip().splitlines()) == 1


def test_scan_missing_spectrum_exit_2(capsys, tmp_path):
    code, _, err = run(capsys, "scan", str(tmp_path / "none.csv"), "--resolution", "0.001")
    assert code == 2 and "does not exist" in err
