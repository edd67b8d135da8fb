"""`nuportal tag` through nuportal.cli.main (exit codes, JSON keys, one-line errors)."""

import json

import pytest

from nuportal.cli import main


def test_tag_json_candidate(capsys):
    # Reference 002 candidate: E_nu = 52.09 GeV; inputs printed to 0.01 GeV/c -> tolerance 0.01 GeV.
    assert main(["tag", "--p-kaon", "77.34", "--p-muon", "25.26", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["E_nu_GeV"] == pytest.approx(52.09, abs=0.01)
    assert out["m2_miss_GeV2"] == 0.0
    assert {"theta_mu_mrad", "theta_nu_mrad", "p_nu_GeV"} <= set(out)


def test_tag_with_angle_and_vertex(capsys):
    assert main(["tag", "--p-kaon", "77.34", "--p-muon", "25.26", "--theta-mu-mrad", "8.52",
                 "--vertex-z-m", "161.2", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    # m2 < 0 for an angle above the two-body 8.50 mrad; impact within d_LKr = 31.4 mm of the talk's
    # LKr signal at 334.9 mm (reference 002 table).
    assert out["m2_miss_GeV2"] < 0
    assert abs(out["r_at_plane_mm"] - 334.9) < 31.4


def test_tag_yield(capsys):
    assert main(["tag", "--yield", "--n-kaon-decays", "5e12", "--n-mc", "20000", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    # Calibrated eps_sel reproduces the talk's N_sig = 0.208 (MC error ~1.4% at 2e4 decays): 5%.
    assert out["N_tagged"] == pytest.approx(0.208, rel=0.05)
    assert out["eps_sel_calibrated_to_reference_002"] is True


@pytest.mark.parametrize("args, word", [
    (["--p-kaon", "-77", "--p-muon", "25"], "p_kaon"),
    (["--p-kaon", "20", "--p-muon", "25"], "p_muon"),
    (["--p-kaon", "77.34", "--p-muon", "25.26", "--theta-mu-mrad", "5000"], "theta-mu-mrad"),
    (["--p-kaon", "77.34", "--p-muon", "1.0"], "p_muon"),
    (["--p-kaon", "77.34"], "p-muon"),
    (["--yield", "--n-kaon-decays", "-5"], "n-kaon-decays"),
])
def test_tag_bad_input(capsys, args, word):
    assert main(["tag", *args]) == 2
    err = capsys.readouterr().err.strip()
    assert word in err and "range" in err and "\n" not in err
