"""Result files: CSV with a '#'-prefixed provenance header, written atomically.

Every file records the nuportal version, the full configuration and the random seed.  A file is
written to a temporary name and renamed, so an interrupted run never leaves a partial file, and
non-finite numbers are refused instead of being written.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import platform
import tempfile
from pathlib import Path

import numpy as np

from nuportal import __version__
from nuportal.errors import NuportalInputError

__all__ = ["check_output_file", "provenance",
           "write_csv", "read_csv", "write_json", "atomic_write_bytes", "ensure_writable_dir",
           "save_figure", "figure_metadata", "atomic_path", "nan_to_none"]


def _probe_folder(path: Path) -> None:
    """Create ``path`` if needed and write (and remove) a probe file there; OSError if it cannot."""
    path.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=path, prefix=".nuportal-probe-"):
        pass


def ensure_writable_dir(path) -> Path:
    """Create ``path`` if needed and check that files can be written there (before long runs)."""
    path = Path(path)
    try:
        _probe_folder(path)
    except OSError as exc:
        raise NuportalInputError(
            f"output folder {path} is not writable: {exc.strerror or exc}") from None
    return path


def check_output_file(path, suffixes: tuple[str, ...], option: str = "--events-out") -> Path:
    """Check before any work that ``path`` can be written: an allowed suffix, not a folder, not a lock
    or resume file, and a writable parent folder (created if missing)."""
    path = Path(path)
    if path.is_dir():
        raise NuportalInputError(f"{option} {path} is a directory; give a file name ending in "
                                 f"{' or '.join(suffixes)}")
    if not str(path).endswith(suffixes):
        raise NuportalInputError(f"{option} {path}: the file must end in {' or '.join(suffixes)}")
    if path.name == ".nuportal.lock" or path.name.endswith(".partial.jsonl"):
        raise NuportalInputError(f"{option} {path} is another run's lock or resume file")
    parent = path.parent if str(path.parent) else Path(".")
    try:
        _probe_folder(parent)
    except OSError as exc:
        raise NuportalInputError(f"{option} {path}: folder {parent} is not writable: "
                                 f"{exc.strerror or exc}") from None
    return path


def provenance(config=None, seed: int | None = None, **extra) -> dict:
    """Metadata recorded in every result file: version, seed, configuration and ``extra``.

    No time stamp: the same seed and settings give byte-identical files (the file's own modification
    time says when it was written).
    """
    meta = {
        "nuportal_version": __version__,
        "python": platform.python_version(),
        "numpy": np.__version__,
        "seed": seed,
    }
    meta.update(extra)
    if config is not None:
        meta["config"] = config.model_dump() if hasattr(config, "model_dump") else config
    return meta


def _publish(tmp, path: Path) -> None:
    """Give ``tmp`` the permissions of a normal new file (mkstemp's 0600 would make results private) and
    rename it to ``path``."""
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o666 & ~umask)
    os.replace(tmp, path)


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder and a rename."""
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise NuportalInputError(f"cannot write to {path.parent}: {exc.strerror}") from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        _publish(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def write_json(path, data) -> Path:
    """Write ``data`` as indented JSON, atomically; NaN and infinity are refused (ValueError)."""
    text = json.dumps(data, indent=1, default=str, allow_nan=False)
    atomic_write_bytes(Path(path), text.encode())
    return Path(path)


def write_csv(path, columns: dict, metadata: dict, empty_ok: tuple[str, ...] = ()) -> Path:
    """Write equal-length numeric columns to ``path`` with a JSON provenance header.

    Parameters
    ----------
    empty_ok : tuple of str
        Columns where NaN means "no value" (e.g. no excluded interval at that mass): written as an
        empty cell, and read back as NaN by :func:`read_csv`. Infinity is refused everywhere.

    Raises
    ------
    ValueError
        If a column holds NaN (outside ``empty_ok``) or infinity, or the lengths differ.
    """
    names = list(columns)
    arrays = [np.asarray(columns[k], float).ravel() for k in names]
    if len({a.size for a in arrays}) > 1:
        raise ValueError(f"columns of different lengths: {[a.size for a in arrays]}")
    for name, arr in zip(names, arrays, strict=True):
        if np.any(np.isinf(arr)) or (name not in empty_ok and np.any(np.isnan(arr))):
            raise ValueError(f"column {name!r} holds non-finite values; refusing to write {path}")
    lines = [f"# {k}: {json.dumps(v, default=str)}" for k, v in metadata.items()]
    lines.append(",".join(names))
    table = np.column_stack(arrays) if arrays else np.empty((0, 0))
    lines += [",".join("" if np.isnan(x) else f"{x:.6g}" for x in row) for row in table]
    atomic_write_bytes(Path(path), ("\n".join(lines) + "\n").encode())
    return Path(path)


def read_csv(path) -> tuple[dict, dict]:
    """Read a file written by :func:`write_csv`: (metadata, columns)."""
    meta, rows, header = {}, [], None
    for line in Path(path).read_text().splitlines():
        if line.startswith("# "):
            key, _, val = line[2:].partition(": ")
            meta[key] = json.loads(val)
        elif header is None:
            header = line.split(",")
        elif line:
            rows.append([float(x) if x else np.nan for x in line.split(",")])
    data = np.array(rows).reshape(-1, len(header))
    return meta, {k: data[:, i] for i, k in enumerate(header)}


def save_figure(fig, path, metadata: dict | None = None, *, dpi: int = 130, close: bool = True,
                **savefig_kw) -> Path:
    """Write a matplotlib figure atomically; PNG files carry the provenance in their text chunks.

    The PNG keys are ``Software`` (nuportal and its version) and ``nuportal.provenance`` (JSON of
    ``metadata``: version, seed, configuration, ...), read back by :func:`figure_metadata`.
    """
    import io as _io

    path = Path(path)
    fmt = path.suffix.lstrip(".").lower() or "png"
    kw = dict(savefig_kw)
    if fmt == "png":
        meta = {"nuportal_version": __version__, **(metadata or {})}
        kw["metadata"] = {"Software": f"nuportal {__version__}",
                          "nuportal.provenance": json.dumps(meta, default=str)}
    buf = _io.BytesIO()
    fig.savefig(buf, format=fmt, dpi=dpi, **kw)
    if close:
        import matplotlib.pyplot as plt

        plt.close(fig)
    atomic_write_bytes(path, buf.getvalue())
    return path


def figure_metadata(path) -> dict:
    """The provenance stored in a PNG written by :func:`save_figure` ({} if none)."""
    from PIL import Image

    with Image.open(path) as im:
        text = im.text.get("nuportal.provenance") if hasattr(im, "text") else None
    return json.loads(text) if text else {}


def nan_to_none(row: dict) -> dict:
    """``row`` with every non-finite float replaced by None (JSON has no NaN; "no value" stays visible)."""
    return {k: (None if isinstance(v, float) and not math.isfinite(v) else v) for k, v in row.items()}


@contextlib.contextmanager
def atomic_path(path):
    """Context manager yielding a temporary path beside ``path``; renamed to ``path`` on success,
    removed on any error (for writers that take a file name: pyarrow, pyhepmc)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    try:
        yield tmp
        _publish(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
