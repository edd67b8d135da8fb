"""`nuportal reproduce 004 --quick`: every figure and file of reference 004 is produced, with provenance."""

import json

import pytest

from nuportal.cli import main
from nuportal.io import read_csv


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("ref004")
    assert main(["reproduce", "004", "--quick", "--out", str(out)]) == 0
    return out


def test_files_written(quick_run):
    names = {p.name for p in quick_run.iterdir()}
    for f in ("fig2_dipole_e.png", "fig2_dipole_mu.png", "fig2_dipole_tau.png", "fig2d_mixing_tau.png",
              "fig3_universal_decay_lengths.png", "fig4_floor.png", "fig4_floor.csv",
              "fig5_dipole_flavours.png",
              "pointA_cos_det.png", "pointB_energy.csv", "fig10_projection_dipole_e.png", "summary.json",
              "atm-upscatter_superk_dipole_universal.csv", "atm-upscatter_superk_mixing_tau_inc2.csv",
              "atm-upscatter_dune_mixing_tau.csv", "atm-upscatter_juno_dipole_tau.csv",
              "ledger.csv", "ledger.png", "report.md", "report.json"):
        assert f in names, f
    assert not [n for n in names if n.endswith(".partial.jsonl")]


def test_provenance_and_statistics(quick_run):
    meta, cols = read_csv(quick_run / "atm-upscatter_superk_dipole_e.csv")
    assert meta["reference"] == "004" and meta["seed"] == 1 and meta["config"]["name"] == "superk"
    summary = json.loads((quick_run / "summary.json").read_text())
    stats = summary["statistics"]
    # reference 004 Sec. III: 197, 893, 26, 145 (z = 1.65 reproduces them to 1 event)
    for key in ("superk_subgev_sys0", "superk_subgev_sys5", "superk_multigev_sys0", "superk_multigev_sys5"):
        assert stats[key]["ours_z1.65"] == pytest.approx(stats[key]["paper"], abs=1.0)
    assert set(summary["points"]) == {"A", "B"}
    assert summary["provenance"]["quick"] is True


def test_ledger_and_report(quick_run):
    """The ledger has the nuportal baseline, the cumulative chain to the authors' set and the screening
    option; report.json carries its end points (quick statistics: statuses are not asserted)."""
    import csv

    rows = list(csv.DictReader(line for line in (quick_run / "ledger.csv").read_text().splitlines()
                               if not line.startswith("#")))
    modes = {r["mode"] for r in rows}
    assert {"nuportal", "single", "cumulative", "option"} <= modes
    assert all(r["nuportal"] != "nan" for r in rows)
    report = json.loads((quick_run / "report.json").read_text())
    names = [c["quantity"] for c in report["checks"]]
    assert "max mass e, authors' convention" in names and report["reference"] == "004"
