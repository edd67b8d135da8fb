"""`nuportal xsec`: per-channel cross sections at unit coupling, for comparison with DarkNews."""

import csv
import json
from pathlib import Path

import pytest

from nuportal.cli import main

DN = Path(__file__).parent / "production" / "data" / "darknews_coherent.csv"


def test_xsec_json_matches_darknews_coherent(capsys):
    """The command's coherent 12C number is DarkNews's (mu_tr = 1 GeV^-1) times 4 (d = mu_tr/2), within the
    1% of tests/production/test_darknews_oracle.py at E = 1 GeV, m_N = 0.1 GeV."""
    assert main(["xsec", "--portal", "dipole", "--target", "C12", "--mass", "0.1", "--energy", "1,3",
                 "--json"]) == 0
    res = json.loads(capsys.readouterr().out)
    assert res["unit"] == "cm^2 per nucleus" and "mu_tr/2" in res["coupling"]
    assert set(res["channels"]) == {"coherent", "proton", "neutron"}
    with DN.open() as fh:
        rows = {(r["target"], float(r["E_nu_GeV"]), float(r["m_N_GeV"])): float(r["value_quad"])
                for r in csv.DictReader(line for line in fh if not line.startswith("#"))}
    for i, E in enumerate((1.0, 3.0)):
        assert res["channels"]["coherent"]["nu"][i] / 4 == pytest.approx(rows[("C12", E, 0.1)], rel=0.01)


def test_xsec_mixing_has_dis_and_antineutrinos(capsys):
    assert main(["xsec", "--portal", "mixing", "--target", "O16", "--mass", "0.1", "--energy", "5",
                 "--json"]) == 0
    ch = json.loads(capsys.readouterr().out)["channels"]
    assert "dis" in ch and ch["proton"]["nu"][0] != ch["proton"]["nubar"][0]


@pytest.mark.parametrize("args, msg", [
    (["--energy", "0"], "every energy must lie in (0, 1e5] GeV"),
    (["--energy", "1,x"], "expected comma-separated numbers"),
    (["--portal", "axion"], "is not one of: dipole, mixing"),
    (["--mass", "-1"], "--mass [GeV]"),
    (["--target", "Xx99"], "Xx99"),
])
def test_xsec_bad_input(capsys, args, msg):
    assert main(["xsec", *args]) == 2
    assert msg in capsys.readouterr().err
