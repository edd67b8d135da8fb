"""One writer per output folder: ``<out>/.nuportal.lock``.

A run that writes into ``--out`` holds the folder's lock for its whole duration. A second run on the
same folder stops at once with exit status 2 and names the holder (PID, host, command, start time). A
lock left by a process that no longer exists (killed with SIGKILL, a crashed machine of the same host)
is taken over with a warning, and the temporary files that run left behind (``.<name>.*.tmp``) are
removed. The lock is re-entrant within one process: a reproduction that locks ``out/004`` can run
scans that lock it again.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import socket
import sys
import time
from pathlib import Path

from nuportal.errors import NuportalInputError

__all__ = ["LOCK_NAME", "locks_output", "output_lock", "read_lock"]

log = logging.getLogger(__name__)

LOCK_NAME = ".nuportal.lock"
_HELD: dict[Path, int] = {}


def read_lock(folder) -> dict | None:
    """The holder recorded in ``folder``'s lock ({} if unreadable, None if there is no lock)."""
    path = Path(folder) / LOCK_NAME
    try:
        return json.loads(path.read_text() or "{}")
    except FileNotFoundError:
        return None
    except (OSError, json.JSONDecodeError):
        return {}


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by another user
        return True
    return True


def _stale(holder: dict) -> bool:
    """True when the holder is a process of this host that no longer exists (or the file is garbage)."""
    pid = holder.get("pid")
    if not isinstance(pid, int):
        return True
    return holder.get("host") == socket.gethostname() and not _alive(pid)


def _describe(holder: dict) -> str:
    return (f"PID {holder.get('pid')} on {holder.get('host')}, started {holder.get('started_utc')}, "
            f"command: {holder.get('command')}")


def _remove_leftovers(folder: Path) -> None:
    """Delete the temporary files of atomic writes that a killed run left in ``folder``."""
    for tmp in folder.glob(".*.tmp"):
        with contextlib.suppress(OSError):
            tmp.unlink()


def _acquire(folder: Path) -> None:
    path = folder / LOCK_NAME
    me = {"pid": os.getpid(), "host": socket.gethostname(),
          "started_utc": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
          "command": " ".join(os.path.basename(a) if k == 0 else a for k, a in enumerate(sys.argv))}
    for _ in range(3):
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        except FileExistsError:
            holder = read_lock(folder)
            if holder is None:  # released in between
                continue
            if not _stale(holder):
                raise NuportalInputError(
                    f"output folder {folder} is in use by another nuportal run ({_describe(holder)}); "
                    f"wait for it, choose another --out, or delete {path} if that run is gone") from None
            log.warning("taking over the stale lock %s of a run that no longer exists (%s)", path,
                        _describe(holder))
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
            _remove_leftovers(folder)
            continue
        except OSError as exc:
            raise NuportalInputError(f"output folder {folder} is not writable: {exc.strerror}") from None
        with os.fdopen(fd, "w") as fh:
            fh.write(json.dumps(me))
            fh.flush()
            os.fsync(fh.fileno())
        return
    raise NuportalInputError(f"could not take the lock {path}: another run keeps taking it")


@contextlib.contextmanager
def output_lock(folder):
    """Hold ``folder``'s lock for the block (created with the folder if needed; re-entrant)."""
    from nuportal.io import ensure_writable_dir

    folder = ensure_writable_dir(folder)
    key = folder.resolve()
    if _HELD.get(key, 0) == 0:
        _acquire(folder)
    _HELD[key] = _HELD.get(key, 0) + 1
    try:
        yield folder
    finally:
        _HELD[key] -= 1
        if _HELD[key] == 0:
            del _HELD[key]
            with contextlib.suppress(FileNotFoundError):
                (folder / LOCK_NAME).unlink()


def locks_output(func):
    """Decorator: hold the lock of the folder passed as ``func``'s ``out`` argument while it runs."""
    import functools
    import inspect

    sig = inspect.signature(func)

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        out = sig.bind(*args, **kwargs).arguments.get("out")
        if out is None:
            return func(*args, **kwargs)
        with output_lock(out):
            return func(*args, **kwargs)

    return wrapper
