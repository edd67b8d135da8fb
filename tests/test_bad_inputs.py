"""Audit of every numeric (and path) option of every subcommand: NaN, inf, negative, zero, out of range,
unphysical, too much work, unusable output paths.

Each case asserts exit status 2, a one-line message naming the value or the range (the needle), and that
the run left no file behind. Inputs the cases need (a spectrum, a YAML file) live in a separate folder;
``{run}`` is the folder the command may write into, which must hold no file afterwards.
"""

from __future__ import annotations

import pytest

from nuportal.cli import main

ATM = ["reach", "atm-upscatter", "--quiet", "--out", "{run}/out"]
BEAM = ["reach", "beam-upscatter", "--quiet", "--out", "{run}/out"]
RATM = ["rate", "atm-upscatter"]
RBEAM = ["rate", "beam-upscatter"]
NA62 = ["reach", "na62-k2pi0eN", "--out", "{run}/out"]
REPRO = ["reproduce", "000", "--quiet", "--out", "{run}/out"]
SCAN = ["scan", "{in}/spectrum.csv", "--out", "{run}/out"]
RANGE = "outside the allowed range"

CASES = [
    # --- br ------------------------------------------------------------------------------------------
    (["br", "K+ -> e+ N", "--mass", "nan"], "= nan is outside the allowed range"),
    (["br", "K+ -> e+ N", "--mass", "inf"], RANGE),
    (["br", "K+ -> e+ N", "--mass", "-0.01"], RANGE),
    (["br", "K+ -> e+ N", "--mass", "0.5"], RANGE),
    (["br", "K+ -> e+ N", "--mass", "0.1:0.1:3"], "lo < hi"),
    (["br", "K+ -> e+ N", "--mass", "0.1:0.2:1"], "one-point range"),
    (["br", "K+ -> e+ N", "--mass", "0.1:0.2:-3"], "n = -3"),
    (["br", "K+ -> e+ N", "--mass", "0.1:0.2:100000000"], "n = 100000000"),
    (["br", "pi+ -> mu+ N", "--mass", "0.04"], RANGE),
    (["br", "K+ -> e+ N", "--mass", "a:b:c"], "malformed"),
    # --- width ---------------------------------------------------------------------------------------
    (["width", "--mass", "nan", "--U2e", "1e-6"], "nan"),
    (["width", "--mass", "inf", "--U2e", "1e-6"], RANGE),
    (["width", "--mass", "-0.1", "--U2e", "1e-6"], RANGE),
    (["width", "--mass", "0.6", "--U2e", "1e-6"], RANGE),
    (["width", "--mass", "0.1", "--U2e", "-1e-6"], RANGE),
    (["width", "--mass", "0.1", "--U2e", "nan"], "nan"),
    (["width", "--mass", "0.1", "--U2mu", "2"], RANGE),
    (["width", "--mass", "0.1", "--U2tau", "inf"], RANGE),
    (["width", "--mass", "0.1", "--U2e", "0.6", "--U2mu", "0.6"], "sum |U_e|^2 + |U_mu|^2 + |U_tau|^2"),
    (["width", "--mass", "0.1", "--d-e", "-1e-9"], RANGE),
    (["width", "--mass", "0.1", "--d-mu", "nan"], "nan"),
    (["width", "--mass", "0.1", "--d-tau", "inf"], RANGE),
    (["width", "--mass", "0.1", "--U2e", "1e-6", "--extra-invisible-width", "-1"], RANGE),
    (["width", "--mass", "0.1", "--U2e", "1e-6", "--extra-invisible-width", "nan"], "nan"),
    # --- limit ---------------------------------------------------------------------------------------
    (["limit", "--method", "feldman-cousins", "--observed", "-1", "--background", "1"], "--observed = -1"),
    (["limit", "--method", "feldman-cousins", "--observed", "1.5", "--background", "1"], "integer"),
    (["limit", "--method", "feldman-cousins", "--observed", "nan", "--background", "1"], "--observed"),
    (["limit", "--method", "feldman-cousins", "--observed", "inf", "--background", "1"], "--observed"),
    (["limit", "--method", "feldman-cousins", "--observed", "100000000", "--background", "1"],
     "--observed = 100000000"),
    (["limit", "--method", "feldman-cousins", "--observed", "2", "--background", "-1"], "background) = -1"),
    (["limit", "--method", "feldman-cousins", "--observed", "2", "--background", "nan"], "--background"),
    (["limit", "--method", "feldman-cousins", "--observed", "2", "--background", "1e9"], "--background"),
    (["limit", "--method", "feldman-cousins", "--observed", "2", "--background", "1", "--cl", "1.5"], "cl"),
    (["limit", "--method", "feldman-cousins", "--observed", "2", "--background", "1", "--cl", "0"], "cl"),
    (["limit", "--method", "feldman-cousins", "--observed", "2", "--background", "1", "--cl", "nan"], "cl"),
    (["limit", "--method", "cls", "--observed", "2", "--background", "-0.5"], "background) = -0.5"),
    (["limit", "--method", "cls", "--observed", "2", "--background", "1", "--cl", "1"], "cl"),
    (["limit", "--method", "cls", "--observed", "100000000", "--background", "1"], "--observed = 100000000"),
    (["limit", "--method", "rolke-lopez", "--observed", "2", "--background", "1", "--efficiency", "1.2"],
     "efficiency = 1.2 is outside the allowed range (0, 1]"),
    (["limit", "--method", "rolke-lopez", "--observed", "2", "--background", "1", "--efficiency", "0"],
     "efficiency = 0 is outside"),
    (["limit", "--method", "rolke-lopez", "--observed", "2", "--background", "1", "--efficiency", "-0.5"],
     "efficiency = -0.5"),
    (["limit", "--method", "rolke-lopez", "--observed", "2", "--background", "1", "--efficiency", "nan"],
     "efficiency = nan"),
    (["limit", "--method", "rolke-lopez", "--observed", "2", "--background", "1",
      "--efficiency-sigma", "-0.1"], "sigma_eff"),
    (["limit", "--method", "rolke-lopez", "--observed", "2", "--background", "1",
      "--background-sigma", "-1"], "sigma_b"),
    (["limit", "--method", "rolke-lopez", "--observed", "2", "--background", "1",
      "--background-sigma", "inf"], "sigma_b"),
    (["limit", "--method", "rolke-lopez", "--observed", "2", "--sideband", "3", "--tau", "0"], "tau"),
    (["limit", "--method", "rolke-lopez", "--observed", "2", "--sideband", "3", "--tau", "-1"], "tau"),
    (["limit", "--method", "rolke-lopez", "--observed", "2", "--sideband", "-3", "--tau", "1"],
     "--sideband"),
    (["limit", "--method", "rolke-lopez", "--observed", "100000000", "--background", "1"],
     "--observed = 100000000"),
    (["limit", "--method", "gaussian-rate", "--expected", "-5", "--observed", "3"], "expected"),
    (["limit", "--method", "gaussian-rate", "--expected", "5", "--observed", "3", "--sys", "-0.1"], "sys"),
    (["limit", "--method", "gaussian-rate", "--expected", "5", "--observed", "3", "--sys", "nan"], "sys"),
    (["limit", "--method", "gaussian-rate", "--expected", "5", "--observed", "3", "--z", "-1"], "z"),
    (["limit", "--method", "gaussian-rate", "--expected", "nan", "--observed", "3"], "expected"),
    (["limit", "--method", "bayes", "--observed", "3"], "is not one of"),
    # --- tag -----------------------------------------------------------------------------------------
    (["tag", "--p-kaon", "75", "--p-muon", "80"], "p_muon"),
    (["tag", "--p-kaon", "-75", "--p-muon", "30"], "p_kaon"),
    (["tag", "--p-kaon", "nan", "--p-muon", "30"], "nan"),
    (["tag", "--p-kaon", "inf", "--p-muon", "30"], "p_kaon"),
    (["tag", "--p-kaon", "75", "--p-muon", "0"], "p_muon"),
    (["tag", "--p-kaon", "75", "--p-muon", "30", "--theta-mu-mrad", "-1"], "--theta-mu-mrad"),
    (["tag", "--p-kaon", "75", "--p-muon", "30", "--theta-mu-mrad", "50"], "kinematic maximum"),
    (["tag", "--p-kaon", "75", "--p-muon", "30", "--theta-mu-mrad", "nan"], "--theta-mu-mrad"),
    (["tag", "--p-kaon", "75", "--p-muon", "30", "--vertex-z-m", "nan"], "vertex z = nan m"),
    (["tag", "--p-kaon", "75", "--p-muon", "30", "--vertex-z-m", "500"], "vertex z = 500 m"),
    (["tag", "--yield", "--n-mc", "0"], "--n-mc"),
    (["tag", "--yield", "--n-mc", "1000000000"], "--n-mc"),
    (["tag", "--yield", "--n-kaon-decays", "-1"], "--n-kaon-decays"),
    (["tag", "--yield", "--n-kaon-decays", "nan"], "--n-kaon-decays"),
    (["tag", "--yield", "--config", "{in}/missing.yaml"], "missing.yaml"),
    (["tag", "--yield", "--config", "{in}/garbage.yaml"], "garbage.yaml"),
    # --- xsec ----------------------------------------------------------------------------------------
    (["xsec", "--mass", "-0.1"], "--mass"),
    (["xsec", "--mass", "nan"], "--mass"),
    (["xsec", "--mass", "0"], "--mass"),
    (["xsec", "--energy", "-1"], "--energy"),
    (["xsec", "--energy", "inf"], "--energy"),
    (["xsec", "--energy", "0.05", "--mass", "0.1"], "below the threshold"),
    (["xsec", "--target", "Xx99"], "Xx99"),
    (["xsec", "--portal", "axion"], "axion"),
    # --- scan (peak scan) ----------------------------------------------------------------------------
    ([*SCAN, "--resolution", "-0.001"], "resolution"),
    ([*SCAN, "--resolution", "0"], "resolution"),
    ([*SCAN, "--resolution", "nan"], "resolution"),
    ([*SCAN, "--resolution", "0.05", "--k", "0"], "k (window half-width in sigma) = 0"),
    ([*SCAN, "--resolution", "0.05", "--k", "inf"], "k (window half-width in sigma) = inf"),
    ([*SCAN, "--resolution", "0.05", "--cl", "1.2"], "cl"),
    ([*SCAN, "--resolution", "0.05", "--toys", "-1"], "--toys"),
    ([*SCAN, "--resolution", "0.05", "--toys", "100000000"], "--toys"),
    ([*SCAN, "--resolution", "0.05", "--step", "-0.001"], "step"),
    ([*SCAN, "--resolution", "0.05", "--step", "0"], "step"),
    ([*SCAN, "--resolution", "0.05", "--mass-range", "0.3:0.2"], "m_high (GeV) = 0.2"),
    ([*SCAN, "--resolution", "0.05", "--method", "bayes"], "bayes"),
    ([*SCAN, "--resolution", "0.05", "--out", "{in}/spectrum.csv"], "spectrum.csv"),
    (["scan", "{in}/missing.csv", "--resolution", "0.001", "--out", "{run}/out"], "missing.csv"),
    (["scan", "{in}/garbage.yaml", "--resolution", "0.001", "--out", "{run}/out"], "garbage.yaml"),
    # --- reach na62 ----------------------------------------------------------------------------------
    ([*NA62, "--k", "-1"], "--k"),
    ([*NA62, "--k", "nan"], "--k"),
    ([*NA62, "--n-background", "0"], "--n-background"),
    ([*NA62, "--n-background", "100000000000"], "--n-background"),
    ([*NA62, "--seed", "-1"], "--seed"),
    ([*NA62, "--veto-model", "leaky"], "leaky"),
    ([*NA62, "--config", "{in}/garbage.yaml"], "garbage.yaml"),
    (["reach", "na62-k2pi0eN", "--out", "{in}/spectrum.csv"], "spectrum.csv"),
    # --- reach atm-upscatter -------------------------------------------------------------------------
    ([*ATM, "--masses", "0.01:0.1:0"], "--masses"),
    ([*ATM, "--masses", "-0.01:0.1:4"], "--masses"),
    ([*ATM, "--masses", "0.1:0.01:4"], "--masses"),
    ([*ATM, "--masses", "0.01:0.02:1"], "one-point range"),
    ([*ATM, "--masses", "0.01:inf:4"], "--masses"),
    ([*ATM, "--masses", "nan:0.1:4"], "--masses"),
    ([*ATM, "--masses", "0.01:0.1:100000"], "--masses"),
    ([*ATM, "--masses", "0.01:2000:4"], "cannot produce heavier HNLs"),
    ([*ATM, "--couplings", "1e-10:1e-6:1"], "--couplings"),
    ([*ATM, "--couplings", "0:1e-6:8"], "--couplings"),
    ([*ATM, "--couplings", "1e-10:1e-6:10000000"], "--couplings"),
    ([*ATM, "--portal", "mixing", "--couplings", "1e-6:3:8"], "(0, 1]"),
    ([*ATM, "--n-events", "10"], "--n-events"),
    ([*ATM, "--n-events", "-1000"], "--n-events"),
    ([*ATM, "--n-events", "10000000000"], "--n-events = 10000000000"),
    ([*ATM, "--workers", "0"], "--workers"),
    ([*ATM, "--workers", "-2"], "--workers"),
    ([*ATM, "--seed", "-1"], "--seed"),
    ([*ATM, "--executor", "slurm"], "--executor"),
    ([*ATM, "--scheduler", "tcp://localhost:1"], "--executor dask"),
    ([*ATM, "--executor", "dask", "--dask-cluster", "{in}/missing.yaml"], "missing.yaml"),
    ([*ATM, "--executor", "dask", "--dask-cluster", "{in}/garbage.yaml"], "garbage.yaml"),
    ([*ATM, "--executor", "dask", "--dask-cluster", "{in}/badcluster.yaml"], "kind"),
    ([*ATM, "--oscillations", "maybe"], "maybe"),
    ([*ATM, "--experiment", "icecube"], "icecube"),
    ([*ATM, "--flavor", "sterile"], "sterile"),
    ([*ATM, "--convention", "nonsense"], "nonsense"),
    (["reach", "atm-upscatter", "--out", "{in}/spectrum.csv"], "spectrum.csv"),
    # --- reach beam-upscatter ------------------------------------------------------------------------
    ([*BEAM, "--masses", "0.1:50:4"], "cannot produce heavier HNLs"),
    ([*BEAM, "--masses", "0.1:0.2:1"], "one-point range"),
    ([*BEAM, "--masses", "0:0.5:4"], "--masses"),
    ([*BEAM, "--couplings", "1e-7:1e-4:1"], "--couplings"),
    ([*BEAM, "--couplings", "-1e-7:1e-4:8"], "--couplings"),
    ([*BEAM, "--n-events", "999"], "--n-events"),
    ([*BEAM, "--n-events", "10000000000"], "--n-events = 10000000000"),
    ([*BEAM, "--workers", "0"], "--workers"),
    ([*BEAM, "--experiment", "nd999"], "nd999"),
    ([*BEAM, "--flavor", "x"], "'x'"),
    ([*BEAM, "--portal", "axion"], "axion"),
    # --- rate atm-upscatter --------------------------------------------------------------------------
    ([*RATM, "--mass", "-0.03"], "mass"),
    ([*RATM, "--mass", "nan"], "mass"),
    ([*RATM, "--mass", "2000"], "HNL mass [GeV] = 2000"),
    ([*RATM, "--coupling", "-1e-9"], "coupling"),
    ([*RATM, "--coupling", "nan"], "coupling"),
    ([*RATM, "--coupling", "inf"], "coupling"),
    ([*RATM, "--portal", "mixing", "--coupling", "2"], "coupling"),
    ([*RATM, "--n-events", "5"], "--n-events"),
    ([*RATM, "--n-events", "10000000000"], "--n-events = 10000000000"),
    ([*RATM, "--sample", "ultragev"], "ultragev"),
    ([*RATM, "--events-out", "{run}"], "is a directory"),
    ([*RATM, "--events-out", "{run}/ev.txt"], "ev.txt"),
    ([*RATM, "--events-out", "/dev/null/x.parquet"], "x.parquet"),
    # --- rate beam-upscatter -------------------------------------------------------------------------
    ([*RBEAM, "--mass", "-0.5"], "mass"),
    ([*RBEAM, "--mass", "50"], "HNL mass [GeV] = 50"),
    ([*RBEAM, "--mass", "inf"], "mass"),
    ([*RBEAM, "--coupling", "-1e-6"], "coupling"),
    ([*RBEAM, "--coupling", "1e-6 furlongs"], "furlongs"),
    ([*RBEAM, "--mode", "both-ways"], "both-ways"),
    ([*RBEAM, "--n-events", "10"], "--n-events"),
    ([*RBEAM, "--n-events", "10000000000"], "--n-events = 10000000000"),
    ([*RBEAM, "--events-out", "{run}"], "is a directory"),
    ([*RBEAM, "--events-out", "/dev/null/x.hepmc3"], "x.hepmc3"),
    # --- rate na62-k2pi0eN ---------------------------------------------------------------------------
    (["rate", "na62-k2pi0eN", "--mass", "0.4"], "HNL mass [GeV] = 0.4"),
    (["rate", "na62-k2pi0eN", "--mass", "nan"], "nan"),
    (["rate", "na62-k2pi0eN", "--U2e", "2"], "|U_e|^2 = 2"),
    (["rate", "na62-k2pi0eN", "--U2e", "-1e-6"], "|U_e|^2"),
    (["rate", "na62-k2pi0eN", "--n-events", "10"], "--n-events = 10"),
    (["rate", "na62-k2pi0eN", "--n-events", "10000000000"], "--n-events = 10000000000"),
    (["rate", "na62-k2pi0eN", "--scenario", "run9"], "run9"),
    (["rate", "na62-k2pi0eN", "--events-out", "{run}/ev.parquet"], "ev.parquet"),
    (["rate", "na62-k2pi0eN", "--events-out", "{run}"], "is a directory"),
    # --- reproduce -----------------------------------------------------------------------------------
    ([*REPRO, "--n-background", "0"], "--n-background"),
    ([*REPRO, "--n-background", "100000000000"], "--n-background"),
    ([*REPRO, "--seed", "-3"], "--seed"),
    ([*REPRO, "--workers", "0"], "--workers"),
    ([*REPRO, "--executor", "spark"], "--executor"),
    ([*REPRO, "--quick", "--full"], "exclude each other"),
    (["reproduce", "001", "--convention", "reference-004-authors", "--out", "{run}/out"], "reference 004"),
    (["reproduce", "004", "--convention", "{in}/garbage.yaml", "--out", "{run}/out"], "garbage.yaml"),
    (["reproduce", "000", "--out", "{in}/spectrum.csv"], "spectrum.csv"),
    (["report-index", "{in}/missing"], "missing"),
]


@pytest.fixture
def folders(tmp_path):
    inp, run = tmp_path / "in", tmp_path / "run"
    inp.mkdir()
    run.mkdir()
    (inp / "spectrum.csv").write_text("m_low_GeV,m_high_GeV,observed,background\n0.1,0.2,3,2.5\n"
                                      "0.2,0.3,1,2.0\n0.3,0.4,2,1.5\n")
    (inp / "garbage.yaml").write_text("{this: is: not: yaml\n")
    (inp / "badcluster.yaml").write_text("kind: kubernetes\njobs: 2\n")
    return inp, run


def test_the_table_has_at_least_100_cases():
    assert len(CASES) >= 100


@pytest.mark.parametrize("args,needle", CASES, ids=[" ".join(a)[:70] for a, _ in CASES])
def test_bad_input_exit_2_named_and_no_file_left(capsys, folders, args, needle):
    inp, run = folders
    argv = [a.replace("{in}", str(inp)).replace("{run}", str(run)) for a in args]
    code = main(argv)
    err = capsys.readouterr().err
    assert code == 2, err
    assert needle.replace("{in}", str(inp)) in err
    assert len(err.strip().splitlines()) == 1, err
    assert [p for p in run.rglob("*") if p.is_file()] == []
    assert sorted(p.name for p in inp.iterdir()) == ["badcluster.yaml", "garbage.yaml", "spectrum.csv"]


def test_work_limits_state_the_estimate_and_can_be_lifted(capsys):
    from nuportal.budget import allow_large, check_work

    code = main(["limit", "--method", "cls", "--observed", "20000", "--background", "1"])
    err = capsys.readouterr().err
    assert code == 2 and "above the work limit 10000" in err and "--allow-large" in err
    code = main(["rate", "atm-upscatter", "--n-events", "20000000"])
    err = capsys.readouterr().err
    assert code == 2 and "estimated about 8 GB of memory" in err
    with allow_large():
        check_work("--n-events", 2e7, "mc_events")  # no error inside the override
    from nuportal.budget import set_allow_large

    try:
        assert main(["--allow-large", "limit", "--method", "cls", "--observed", "20000", "--background",
                     "19990"]) == 0
    finally:
        set_allow_large(False)  # the process-wide switch of --allow-large, for the other tests
    capsys.readouterr()
