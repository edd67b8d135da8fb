"""Resumable scans over HNL masses: one independent task per mass, results on disk as they finish.

Each finished mass point is appended (and flushed) to ``<final>.partial.jsonl`` whose first line holds a
fingerprint of the scan settings. An interrupted scan rerun with the same settings skips the masses already
in the partial file; a different fingerprint starts afresh. The tasks run in-process or in a local process
pool (``workers > 1``); the same task function can be mapped by any executor (e.g. Dask's).
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

__all__ = ["fingerprint", "run_mass_scan", "set_default_progress"]

#: Factory of progress callbacks used when a scan is given none (the CLI installs a progress bar here
#: when it runs on a terminal; the library itself draws nothing).
_DEFAULT_PROGRESS: Callable[[str], Callable[[int, int], None]] | None = None


_POOLS: dict[int, ProcessPoolExecutor] = {}


def shared_pool(workers: int) -> ProcessPoolExecutor:
    """A process pool of ``workers`` processes kept for the life of this process.

    Successive scans (a reproduction runs a dozen) reuse the same workers, which keep what they built
    once: the oscillation table (~3 s), flux and cross-section tables.  A broken pool is replaced.
    """
    pool = _POOLS.get(workers)
    if pool is None or getattr(pool, "_broken", False):
        pool = ProcessPoolExecutor(max_workers=workers)
        _POOLS[workers] = pool
    return pool


def discard_pool(workers: int) -> None:
    """Shut down and forget the shared pool (after an error or interruption)."""
    pool = _POOLS.pop(workers, None)
    if pool is not None:
        pool.shutdown(wait=False, cancel_futures=True)


def default_progress() -> Callable[[str], Callable[[int, int], None]] | None:
    """The progress-bar factory installed by the CLI (None: no bars)."""
    return _DEFAULT_PROGRESS


def set_default_progress(factory: Callable[[str], Callable[[int, int], None]] | None) -> None:
    """Install (or with None remove) the factory ``factory(label) -> progress(done, total)``."""
    global _DEFAULT_PROGRESS
    _DEFAULT_PROGRESS = factory


def fingerprint(settings: dict) -> str:
    """Stable hash of the JSON-serialisable scan settings."""
    text = json.dumps(settings, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _load_partial(path: Path, key: str) -> dict[float, dict]:
    if not path.exists():
        return {}
    lines = path.read_text().splitlines()
    try:
        head = json.loads(lines[0]) if lines else {}
    except json.JSONDecodeError:  # the header itself was cut: start afresh
        return {}
    if not isinstance(head, dict) or head.get("fingerprint") != key:
        return {}
    done = {}
    for line in lines[1:]:
        try:
            row = json.loads(line)
        except json.JSONDecodeError:  # a line cut by an interruption
            continue
        if isinstance(row, dict) and "m_N_GeV" in row:
            done[row["m_N_GeV"]] = row
    return done


def _append(fh, row: dict) -> None:
    fh.write(json.dumps(row, allow_nan=True) + "\n")
    fh.flush()
    os.fsync(fh.fileno())


def run_mass_scan(masses, task: Callable[[float], dict], partial_path, settings: dict,
                  workers: int = 1, progress: Callable[[int, int], None] | None = None) -> list[dict]:
    """Run ``task(mass) -> row`` for every mass, resuming from ``partial_path``.

    Parameters
    ----------
    masses : iterable of float
        HNL masses in GeV.
    task : callable
        Picklable function returning a dict with at least ``m_N_GeV``.
    partial_path : path
        Incremental results file (JSON lines); removed by the caller once the final file is written.
    settings : dict
        Everything that determines the results (configuration, seed, grids): its fingerprint decides
        whether a partial file can be resumed.
    workers : int
        Processes (1 = in-process).
    progress : callable, optional
        Called as ``progress(done, total)`` after each mass.

    Returns
    -------
    list of dict
        Rows sorted by mass.
    """
    partial_path = Path(partial_path)
    key = fingerprint(settings)
    if progress is None and _DEFAULT_PROGRESS is not None:
        progress = _DEFAULT_PROGRESS(partial_path.name.replace(".partial.jsonl", ""))
    done = _load_partial(partial_path, key)
    todo = [float(m) for m in masses if float(m) not in done]
    todo = list(dict.fromkeys(todo))  # a mass given twice is computed once
    total = len(done) + len(todo)
    mode = "a" if done else "w"
    # a line cut by an interruption: end it, so that the next row starts on a line of its own
    cut = mode == "a" and not partial_path.read_bytes().endswith(b"\n")
    with open(partial_path, mode) as fh:
        if cut:
            fh.write("\n")
        if mode == "w":
            _append(fh, {"fingerprint": key})
        if progress:
            progress(len(done), total)
        if workers <= 1:
            for m in todo:
                done[m] = task(m)
                _append(fh, done[m])
                if progress:
                    progress(len(done), total)
        else:
            pool = shared_pool(workers)
            futures = {pool.submit(task, m): m for m in todo}
            try:
                for fut in as_completed(futures):
                    row = fut.result()
                    done[futures[fut]] = row
                    _append(fh, row)
                    if progress:
                        progress(len(done), total)
            except BaseException:
                for fut in futures:
                    fut.cancel()
                discard_pool(workers)
                raise
    return [done[m] for m in sorted(done)]
