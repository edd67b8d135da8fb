"""`nuportal limit`: acceptance interface (JSON keys, echoed inputs) and bad input -> exit 2."""

import json

import pytest

from nuportal.cli import main


def run(capsys, *args):
    code = main(["limit", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_feldman_cousins_json(capsys):
    code, out, _ = run(capsys, "--method", "feldman-cousins", "--observed", "1", "--background", "1.0",
                       "--cl", "0.9", "--json")
    d = json.loads(out)
    assert code == 0 and d["method"] == "feldman-cousins" and d["cl"] == 0.9
    assert d["observed"] == 1 and d["background"] == 1.0
    # FC Table IV (n0 = 1, b = 1): [0.00, 3.36], printed to 2 decimals
    assert d["signal_lower_limit"] == 0.0 and d["signal_upper_limit"] == pytest.approx(3.36, abs=0.01)


def test_rolke_lopez_json_na48(capsys):
    code, out, _ = run(capsys, "--method", "rolke-lopez", "--observed", "1", "--background", "1.16",
                       "--background-sigma", "0.88", "--cl", "0.9", "--json")
    d = json.loads(out)
    assert code == 0 and d["background_sigma"] == 0.88 and d["bounded"] is True
    # same computation as tests/stats/test_intervals.py (2.772 for sigma = 0.878; 0.88 -> 2.773)
    assert d["signal_upper_limit"] == pytest.approx(2.773, abs=1e-3) and d["signal_lower_limit"] == 0.0


def test_rolke_lopez_sideband_and_efficiency(capsys):
    """TRolke tutorial model 2 (Poisson side band, Gaussian efficiency): [3.88417, 18.4584]."""
    code, out, _ = run(capsys, "--method", "rolke-lopez", "--observed", "10", "--sideband", "3", "--tau",
                       "2.5", "--efficiency", "0.9", "--efficiency-sigma", "0.05", "--cl", "0.95",
                       "--unbounded", "--json")
    d = json.loads(out)
    assert code == 0 and d["sideband"] == 3 and d["tau"] == 2.5 and d["bounded"] is False
    assert d["signal_lower_limit"] == pytest.approx(3.88417, rel=3e-5)
    assert d["signal_upper_limit"] == pytest.approx(18.4584, rel=3e-5)


def test_cls_json_and_text(capsys):
    code, out, _ = run(capsys, "--method", "cls", "--observed", "0", "--background", "1.0", "--cl", "0.95",
                       "--json")
    d = json.loads(out)
    assert code == 0 and "signal_lower_limit" not in d
    assert d["signal_upper_limit"] == pytest.approx(2.996, abs=1e-3)  # n = 0: -ln 0.05 for any b
    code, out, _ = run(capsys, "--method", "cls", "--observed", "1", "--background", "1.0")
    assert code == 0 and "signal events <=" in out and "0.95 CL" in out


@pytest.mark.parametrize(("sys", "paper"), [("0", 197), ("0.05", 893)])
def test_gaussian_rate_json(capsys, sys, paper):
    code, out, _ = run(capsys, "--method", "gaussian-rate", "--expected", "10266", "--observed", "10294",
                       "--cl", "0.95", "--sys", sys, "--json")
    d = json.loads(out)
    assert code == 0 and d["expected"] == 10266 and d["observed"] == 10294 and d["sys"] == float(sys)
    # reference 004 Sec. III; exact z: 196.2 / 890.0 (see tests/stats/test_gaussian_rate.py)
    assert d["signal_upper_limit"] == pytest.approx(paper, abs=3.1)


@pytest.mark.parametrize(("args", "needle"), [
    (["--method", "cls", "--observed", "-1", "--background", "1"], "--observed = -1"),
    (["--method", "cls", "--observed", "1.5", "--background", "1"], "--observed = 1.5"),
    (["--method", "feldman-cousins", "--observed", "1", "--background", "-1"], "background"),
    (["--method", "rolke-lopez", "--observed", "1", "--background", "1", "--background-sigma", "-1"],
     "sigma_b"),
    (["--method", "cls", "--observed", "1", "--background", "1", "--cl", "1.5"], "cl"),
    (["--method", "gaussian-rate", "--expected", "100", "--observed", "90", "--sys", "-0.1"], "sys"),
    (["--method", "bayes", "--observed", "1"], "bayes"),
    (["--method", "gaussian-rate", "--observed", "90"], "--expected"),
    (["--method", "cls", "--observed", "1"], "--background"),
])
def test_bad_input_exit_2(capsys, args, needle):
    code, out, err = run(capsys, *args)
    assert code == 2 and out == ""
    assert needle in err and len(err.strip().splitlines()) == 1
