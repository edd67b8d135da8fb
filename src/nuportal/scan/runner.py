"""Resumable scans over HNL masses: one independent task per mass, results on disk as they finish.

Each finished mass point is appended to ``<final>.partial.jsonl`` (the resume file) with one
``write(2)`` of a whole line on an ``O_APPEND`` descriptor, then ``fsync``: a run killed at any moment
(SIGKILL included) leaves at most one torn last line, which the next run drops. The first line holds
the settings and their fingerprint, written atomically (temporary file + fsync + rename). An
interrupted scan rerun with the same settings skips the masses already done; a resume file written with
other settings is set aside with a warning that names what changed.

The tasks run through a :class:`nuportal.scan.executors.ScanExecutor` (in-process, a local pool, Dask);
each mass has its own random stream (:func:`nuportal.scan.executors.mass_stream`) and the rows are
sorted by mass, so the results do not depend on the executor, the number of workers or the order in
which the masses finish.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from collections.abc import Callable
from pathlib import Path

from nuportal.errors import NuportalInputError
from nuportal.io import atomic_write_bytes
from nuportal.scan.executors import ScanExecutor, discard_pool, executor_for, shared_pool

__all__ = ["discard_pool", "fingerprint", "run_mass_scan", "set_default_progress", "shared_pool"]

log = logging.getLogger(__name__)

#: Factory of progress callbacks used when a scan is given none (the CLI installs a progress bar here
#: when it runs on a terminal; the library itself draws nothing).
_DEFAULT_PROGRESS: Callable[[str], Callable[[int, int], None]] | None = None


def default_progress() -> Callable[[str], Callable[[int, int], None]] | None:
    """The progress-bar factory installed by the CLI (None: no bars)."""
    return _DEFAULT_PROGRESS


def set_default_progress(factory: Callable[[str], Callable[[int, int], None]] | None) -> None:
    """Install (or with None remove) the factory ``factory(label) -> progress(done, total)``."""
    global _DEFAULT_PROGRESS
    _DEFAULT_PROGRESS = factory


def _canonical(settings: dict) -> dict:
    return json.loads(json.dumps(settings, sort_keys=True, default=str))


def fingerprint(settings: dict) -> str:
    """Stable hash of the JSON-serialisable scan settings."""
    text = json.dumps(settings, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _changes(old: dict, new: dict) -> str:
    """'seed 1 -> 2, masses' : the top-level settings that differ (values shown when short)."""
    parts = []
    for k in sorted(set(old) | set(new)):
        a, b = old.get(k), new.get(k)
        if a != b:
            short = len(json.dumps(a, default=str)) + len(json.dumps(b, default=str)) < 60
            parts.append(f"{k} {json.dumps(a, default=str)} -> {json.dumps(b, default=str)}" if short else k)
    return ", ".join(parts) or "unknown settings"


def _load_partial(path: Path, key: str, settings: dict) -> dict[float, dict]:
    """Rows of a resume file written with the same settings ({} otherwise, with a warning)."""
    if not path.exists():
        return {}
    lines = path.read_bytes().split(b"\n")
    try:
        head = json.loads(lines[0]) if lines[0] else {}
    except json.JSONDecodeError:  # cannot happen with the atomic header, but a hand-edited file can
        head = {}
    if not isinstance(head, dict) or head.get("fingerprint") != key:
        old = head.get("settings") if isinstance(head, dict) else None
        what = _changes(old, _canonical(settings)) if isinstance(old, dict) else "an unreadable header"
        log.warning("resume file %s was written with other settings (%s): it is set aside and the scan "
                    "starts afresh", path, what)
        return {}
    done = {}
    for line in lines[1:]:
        try:
            row = json.loads(line)
        except json.JSONDecodeError:  # the torn last line of a killed run, or an empty line
            continue
        if isinstance(row, dict) and "m_N_GeV" in row:
            done[row["m_N_GeV"]] = row
    return done


def _start(path: Path, key: str, settings: dict, done: dict) -> int:
    """A resume file holding the header and the rows in ``done`` (rewritten atomically, torn line
    dropped); returns an O_APPEND descriptor on it."""
    lines = [json.dumps({"fingerprint": key, "settings": _canonical(settings)})]
    lines += [json.dumps(done[m], allow_nan=True) for m in sorted(done)]
    atomic_write_bytes(path, ("\n".join(lines) + "\n").encode())
    return os.open(path, os.O_WRONLY | os.O_APPEND)


def _append(fd: int, row: dict) -> None:
    data = (json.dumps(row, allow_nan=True) + "\n").encode()
    written = os.write(fd, data)
    if written != len(data):  # a short write on a full disk: never leave half a line without saying so
        raise OSError(f"short write to the resume file ({written} of {len(data)} bytes)")
    os.fsync(fd)


def _kept(done: dict, total: int, path: Path) -> str:
    return (f"{len(done)} of {total} masses are kept in the resume file {path}; the same command resumes "
            "from there")


def run_mass_scan(masses, task: Callable[[float], dict], partial_path, settings: dict,
                  workers: int = 1, progress: Callable[[int, int], None] | None = None,
                  executor: ScanExecutor | None = None) -> list[dict]:
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
        whether a partial file can be resumed. It must not hold the executor or the worker count.
    workers : int
        Processes of the local pool (1 = in-process) when no executor is given or installed.
    progress : callable, optional
        Called as ``progress(done, total)`` after each mass.
    executor : ScanExecutor, optional
        Where the tasks run (default: the one installed by ``use_executor``, else from ``workers``).

    Returns
    -------
    list of dict
        Rows sorted by mass.
    """
    partial_path = Path(partial_path)
    key = fingerprint(settings)
    if progress is None and _DEFAULT_PROGRESS is not None:
        progress = _DEFAULT_PROGRESS(partial_path.name.replace(".partial.jsonl", ""))
    done = _load_partial(partial_path, key, settings)
    todo = list(dict.fromkeys(float(m) for m in masses if float(m) not in done))  # a repeat runs once
    total = len(done) + len(todo)
    if done:
        log.info("resuming %s: %d of %d masses already done", partial_path, len(done), total)
    fd = _start(partial_path, key, settings, done)
    try:
        if progress:
            progress(len(done), total)
        for k, row in (executor or executor_for(workers)).run(task, todo):
            done[todo[k]] = row
            _append(fd, row)
            if progress:
                progress(len(done), total)
    except NuportalInputError as exc:
        raise NuportalInputError(f"{exc} ({_kept(done, total, partial_path)})") from None
    except BaseException as exc:
        note = _kept(done, total, partial_path)
        log.warning("scan stopped: %s", note)
        if not isinstance(exc, KeyboardInterrupt | SystemExit):
            exc.add_note(note)
        raise
    finally:
        os.close(fd)
    return [done[m] for m in sorted(done)]
