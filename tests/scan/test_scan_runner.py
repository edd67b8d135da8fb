"""Resumable mass scans: incremental rows, resume after interruption, fresh start on new settings."""

import json

import pytest

from nuportal.scan.runner import run_mass_scan

CALLS = []


def square(m):
    CALLS.append(m)
    return {"m_N_GeV": m, "value": m * m}


def failing_after(n):
    def task(m):
        if len(CALLS) >= n:
            raise KeyboardInterrupt
        return square(m)
    return task


def test_resume_skips_finished_masses(tmp_path):
    CALLS.clear()
    part = tmp_path / "scan.partial.jsonl"
    with pytest.raises(KeyboardInterrupt):
        run_mass_scan([0.1, 0.2, 0.3, 0.4], failing_after(2), part, {"a": 1})
    assert len(part.read_text().splitlines()) == 3  # fingerprint + two finished masses
    CALLS.clear()
    rows = run_mass_scan([0.1, 0.2, 0.3, 0.4], square, part, {"a": 1})
    assert CALLS == [0.3, 0.4]
    assert [r["value"] for r in rows] == pytest.approx([0.01, 0.04, 0.09, 0.16])


def test_new_settings_start_afresh(tmp_path):
    CALLS.clear()
    part = tmp_path / "scan.partial.jsonl"
    run_mass_scan([0.1, 0.2], square, part, {"a": 1})
    CALLS.clear()
    run_mass_scan([0.1, 0.2], square, part, {"a": 2})
    assert CALLS == [0.1, 0.2]
    assert json.loads(part.read_text().splitlines()[0])["fingerprint"]


def test_process_pool_gives_same_rows(tmp_path):
    rows = run_mass_scan([0.3, 0.1, 0.2], square, tmp_path / "p.jsonl", {"b": 1}, workers=2)
    assert [r["m_N_GeV"] for r in rows] == [0.1, 0.2, 0.3]


def test_resume_after_a_cut_line_keeps_the_next_row(tmp_path):
    # review fix: appending after a line cut without its newline glued the next row to it, so that row
    # was lost (recomputed) at the following resume
    CALLS.clear()
    part = tmp_path / "scan.partial.jsonl"
    run_mass_scan([0.1], square, part, {"a": 1})
    with open(part, "a") as fh:
        fh.write('{"m_N_GeV": 0.2, "val')  # interrupted while writing
    run_mass_scan([0.1, 0.2, 0.3], square, part, {"a": 1})
    CALLS.clear()
    rows = run_mass_scan([0.1, 0.2, 0.3], square, part, {"a": 1})
    assert CALLS == [] and [r["m_N_GeV"] for r in rows] == [0.1, 0.2, 0.3]


def test_cut_header_and_repeated_masses(tmp_path):
    # review fix: a cut fingerprint line raised JSONDecodeError; a mass given twice ran twice
    CALLS.clear()
    part = tmp_path / "scan.partial.jsonl"
    part.write_text('{"fingerp')
    rows = run_mass_scan([0.1, 0.1, 0.2], square, part, {"a": 1})
    assert CALLS == [0.1, 0.2] and [r["m_N_GeV"] for r in rows] == [0.1, 0.2]
