"""report.md / report.json of a reproduction and the demo index."""

import json
import math

import pytest

from nuportal.cli import main
from nuportal.reproduce.report import Check, write_report


def test_check_status():
    assert Check("x", 2.0, 2.1, rel_tol=0.1).status == "pass"
    assert Check("x", 2.0, 2.3, rel_tol=0.1).status == "fail"
    assert Check("x", 1.0, 2.5, factor=2.0).status == "fail"
    assert Check("x", 1.0, 0.6, factor=2.0).status == "pass"
    assert Check("x", 1.0, 7.0).status == "info"
    assert Check("x", 1.0, float("nan"), rel_tol=0.1).status == "fail"  # a missing number never passes
    assert math.isnan(Check("x", 0.0, 1.0).ratio)


def test_report_and_index(tmp_path, capsys):
    out = tmp_path / "004"
    out.mkdir()
    (out / "fig.png").write_bytes(b"")
    checks = [Check("a", 1.0, 1.02, rel_tol=0.05, why="w"), Check("b", 1.0, 3.0, factor=2.0),
              Check("c", 1.0, 0.7, mc_rel_error=float("nan"))]
    path = write_report(out, "004", "title", checks, {"nuportal_version": "v", "seed": 7})
    text = path.read_text()
    assert "| a | 1 | 1.02 | 1.02 | — | ±5% | pass | w |" in text
    assert "1 pass, 1 fail, 1 informational" in text and "![fig.png](fig.png)" in text
    data = json.loads((out / "report.json").read_text())
    assert data["counts"] == {"pass": 1, "fail": 1, "info": 1}
    assert main(["report-index", str(tmp_path)]) == 0
    assert "| 004 | title | 1 | 1 | 1 |" in (tmp_path / "index.md").read_text()


def test_index_without_reports(tmp_path, capsys):
    assert main(["report-index", str(tmp_path)]) == 2
    assert "no report.json below" in capsys.readouterr().err


def test_quick_and_full_exclude_each_other(capsys):
    assert main(["reproduce", "001", "--quick", "--full"]) == 2
    assert "exclude each other" in capsys.readouterr().err


@pytest.mark.parametrize("ref", ["001", "002"])
def test_reproduction_writes_report(tmp_path, ref):
    assert main(["reproduce", ref, "--quick", "--out", str(tmp_path), "--quiet"]) == 0
    data = json.loads((tmp_path / "report.json").read_text())
    assert data["reference"] == ref and data["counts"]["fail"] == 0
