"""The CLI's progress hook: scans given no progress callback use the installed factory (issue 11)."""

from nuportal.scan.runner import run_mass_scan, set_default_progress


def _task(m):
    return {"m_N_GeV": m}


def test_default_progress_factory_is_used_and_removable(tmp_path):
    calls = []
    set_default_progress(lambda label: (lambda done, total: calls.append((label, done, total))))
    try:
        run_mass_scan([0.1, 0.2], _task, tmp_path / "x.csv.partial.jsonl", {"a": 1})
    finally:
        set_default_progress(None)
    assert calls == [("x.csv", 0, 2), ("x.csv", 1, 2), ("x.csv", 2, 2)]
    calls.clear()
    run_mass_scan([0.3], _task, tmp_path / "y.csv.partial.jsonl", {"a": 2})
    assert calls == []
