"""Scale-out and hardening of scans: executors (local pool, Dask), resume under SIGKILL, byte-identical
reruns, locks on output folders, and the resume file's settings check.

The scan used throughout is the cheapest real one: ND280 dipole, 4-6 masses, 1000 events per mass and
mode, 8 couplings (a few seconds). Byte identity is the criterion, so no tolerance is involved.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from nuportal.cli import main
from nuportal.locking import LOCK_NAME, output_lock
from nuportal.scan.executors import InProcess, LocalPool, ScanExecutor, use_executor
from nuportal.scan.runner import run_mass_scan

SCAN = ["reach", "beam-upscatter", "--couplings", "1e-7:1e-4:8", "--n-events", "1000", "--quiet"]
CSV = "beam-upscatter_nd280_dipole_mu.csv"
OUTPUTS = (CSV, "beam-upscatter_nd280_dipole_mu_grid.csv")


def _files(folder: Path) -> dict[str, bytes]:
    return {name: (folder / name).read_bytes() for name in OUTPUTS}


def _cli(*args) -> list[str]:
    return [sys.executable, "-c", "import sys; from nuportal.cli import main; sys.exit(main(sys.argv[1:]))",
            *args]


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    """An uninterrupted in-process run: 4 masses."""
    out = tmp_path_factory.mktemp("ref")
    assert main([*SCAN, "--masses", "0.1:0.5:4", "--out", str(out)]) == 0
    return _files(out)


class Reversed(ScanExecutor):
    """In-process, the masses finishing in reverse order."""

    name = "reversed"

    def run(self, fn, items):
        for k in reversed(range(len(items))):
            yield k, fn(items[k])


def test_same_seed_same_bytes_any_workers_and_order(tmp_path, reference):
    assert main([*SCAN, "--masses", "0.1:0.5:4", "--out", str(tmp_path / "w2"), "--workers", "2"]) == 0
    assert _files(tmp_path / "w2") == reference
    from nuportal.experiments.accelerator.reach import reach

    with use_executor(Reversed()):
        reach("nd280", "dipole", "mu", tmp_path / "rev", masses="0.1:0.5:4", couplings="1e-7:1e-4:8",
              n_events=1000)
    assert _files(tmp_path / "rev") == reference


def test_dask_local_cluster_gives_the_same_files(tmp_path, reference):
    pytest.importorskip("distributed")
    code = main([*SCAN, "--masses", "0.1:0.5:4", "--out", str(tmp_path), "--executor", "dask",
                 "--workers", "2"])
    assert code == 0
    assert _files(tmp_path) == reference
    assert not list(tmp_path.glob("*.partial.jsonl")) and not (tmp_path / LOCK_NAME).exists()


def test_kill_9_at_random_points_then_resume_is_byte_identical(tmp_path, reference):
    """Ten SIGKILLs at random moments (start-up, simulation, appends, final writes), then one run to the
    end: the files equal the uninterrupted run's, and nothing else is left in the folder."""
    out = tmp_path / "killed"
    args = _cli(*SCAN, "--masses", "0.1:0.5:4", "--out", str(out))
    rng = random.Random(20261207)
    kills = attempts = 0
    while kills < 10 and attempts < 40:  # a run that ends before its kill time does not count
        attempts += 1
        proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.4, 4.0))
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
            kills += 1
        proc.wait()
    assert kills == 10
    done = subprocess.run(args, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert _files(out) == reference
    left = sorted(p.name for p in out.iterdir())
    assert left == sorted([*OUTPUTS, CSV.replace(".csv", ".png")]), left


def test_resume_file_of_other_settings_is_named_and_set_aside(tmp_path, caplog):
    partial = tmp_path / "x.partial.jsonl"
    task = _Square()
    run_mass_scan([1.0, 2.0], task, partial, {"seed": 1, "grid": [1, 2]})
    assert [r["m_N_GeV"] for r in map(json.loads, partial.read_text().splitlines()[1:])] == [1.0, 2.0]
    with caplog.at_level("WARNING"):
        rows = run_mass_scan([1.0, 2.0], task, partial, {"seed": 2, "grid": [1, 2]})
    assert "other settings (seed 1 -> 2)" in caplog.text and "starts afresh" in caplog.text
    assert [r["y"] for r in rows] == [1.0, 4.0]


def test_torn_last_line_is_dropped_on_resume(tmp_path):
    partial = tmp_path / "x.partial.jsonl"
    settings = {"seed": 1}
    run_mass_scan([1.0, 2.0], _Square(), partial, settings)
    text = partial.read_bytes()
    partial.write_bytes(text[:-7])  # the last row cut by a kill
    calls = _Square()
    rows = run_mass_scan([1.0, 2.0, 3.0], calls, partial, settings)
    assert calls.seen == [2.0, 3.0] and [r["y"] for r in rows] == [1.0, 4.0, 9.0]
    assert all(json.loads(line) for line in partial.read_text().splitlines())  # no torn line remains


class _Square:
    def __init__(self):
        self.seen = []

    def __call__(self, m):
        self.seen.append(m)
        return {"m_N_GeV": m, "y": m * m}


def _die_once(args):
    """Kill this worker process the first time (a marker file remembers), then square."""
    m, marker = args
    if m == 2.0 and not os.path.exists(marker):
        Path(marker).write_text("died")
        os._exit(1)
    return {"m_N_GeV": m, "y": m * m}


def test_local_pool_retries_the_tasks_of_a_dead_worker(tmp_path):
    marker = str(tmp_path / "died")
    res = LocalPool(2).map(_die_once, [(1.0, marker), (2.0, marker), (3.0, marker)])
    assert [r["y"] for r in res] == [1.0, 4.0, 9.0] and Path(marker).exists()


def test_dask_retries_the_task_of_a_dead_worker(tmp_path):
    pytest.importorskip("distributed")
    from nuportal.scan.executors import DaskExecutor

    marker = str(tmp_path / "died")
    ex = DaskExecutor.connect(workers=2)
    try:
        res = ex.map(_die_once, [(1.0, marker), (2.0, marker), (3.0, marker)])
    finally:
        ex.close()
    assert [r["y"] for r in res] == [1.0, 4.0, 9.0] and Path(marker).exists()


def test_in_process_map_keeps_order():
    assert [r["y"] for r in InProcess().map(_Square(), [3.0, 1.0])] == [9.0, 1.0]


# --- locks -------------------------------------------------------------------------------------------


def _lock_of(pid: int) -> str:
    import socket

    return json.dumps({"pid": pid, "host": socket.gethostname(), "started_utc": "2026-12-07T00:00:00Z",
                       "command": "nuportal reach beam-upscatter"})


def test_a_live_holder_stops_the_second_run_with_exit_2(tmp_path, capsys):
    holder = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        (tmp_path / LOCK_NAME).write_text(_lock_of(holder.pid))
        code = main([*SCAN, "--masses", "0.1:0.5:4", "--out", str(tmp_path)])
        err = capsys.readouterr().err
    finally:
        holder.kill()
        holder.wait()
    assert code == 2
    assert f"is in use by another nuportal run (PID {holder.pid}" in err and len(err.splitlines()) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == [LOCK_NAME]


def test_two_concurrent_runs_the_second_gets_exit_2(tmp_path):
    first = subprocess.Popen(_cli(*SCAN, "--masses", "0.1:0.5:6", "--out", str(tmp_path)),
                             stderr=subprocess.DEVNULL)
    try:
        for _ in range(200):
            if (tmp_path / LOCK_NAME).exists():
                break
            time.sleep(0.05)
        second = subprocess.run(_cli(*SCAN, "--masses", "0.1:0.5:6", "--out", str(tmp_path)),
                                capture_output=True, text=True, timeout=60)
        assert second.returncode == 2 and f"PID {first.pid}" in second.stderr
    finally:
        first.kill()
        first.wait()


def test_a_stale_lock_is_taken_over_with_a_warning(tmp_path, caplog):
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                          text=True)
    (tmp_path / LOCK_NAME).write_text(_lock_of(int(gone.stdout)))
    (tmp_path / f".{CSV}.abc.tmp").write_text("half a file")
    with caplog.at_level("WARNING"), output_lock(tmp_path):
        assert json.loads((tmp_path / LOCK_NAME).read_text())["pid"] == os.getpid()
        with output_lock(tmp_path):  # re-entrant in one process
            pass
        assert (tmp_path / LOCK_NAME).exists()
    assert "taking over the stale lock" in caplog.text
    assert list(tmp_path.iterdir()) == []


def _fail_at_two(m):
    from nuportal.errors import NuportalInputError

    if m == 2.0:
        raise NuportalInputError("mass 2 is bad")
    return {"m_N_GeV": m, "y": m}


def test_a_failing_mass_names_the_resume_file(tmp_path):
    from nuportal.errors import NuportalInputError

    partial = tmp_path / "x.partial.jsonl"
    with pytest.raises(NuportalInputError, match=r"mass 2 is bad \(1 of 3 masses are kept in the resume"):
        run_mass_scan([1.0, 2.0, 3.0], _fail_at_two, partial, {"seed": 1})
    assert len(partial.read_text().splitlines()) == 2  # header + mass 1


def test_the_documented_slurm_file_is_a_valid_cluster_spec():
    from nuportal.scan.executors import load_cluster_spec

    spec = load_cluster_spec(Path(__file__).resolve().parents[2] / "docs" / "cluster-slurm.yaml")
    assert spec["kind"] == "slurm" and spec["jobs"] == 10
    dask_jobqueue = pytest.importorskip("dask_jobqueue")
    import inspect

    accepted = set(inspect.signature(dask_jobqueue.SLURMCluster.__init__).parameters)
    accepted |= set(inspect.signature(dask_jobqueue.core.JobQueueCluster.__init__).parameters)
    accepted |= set(inspect.signature(dask_jobqueue.slurm.SLURMJob.__init__).parameters)
    accepted |= set(inspect.signature(dask_jobqueue.core.Job.__init__).parameters)
    assert set(spec) - {"kind", "jobs"} <= accepted
