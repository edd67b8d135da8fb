"""``report.md`` of every reproduction and the index of a demo run: paper against nuportal, computed from
the run itself (no hand-typed results).

A reproduction builds a list of :class:`Check` from the numbers it has just computed and calls
:func:`write_report`; ``nuportal report-index DIR`` (run at the end of ``make demo``) lists every report
below DIR with its pass / fail / info counts.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass
from pathlib import Path

__all__ = ["Check", "write_report", "write_index"]


@dataclass(frozen=True)
class Check:
    """One number the paper prints and nuportal reproduces.

    ``rel_tol``: pass when |ours/paper - 1| <= rel_tol; ``factor``: pass when 1/factor <= ours/paper <=
    factor; neither: informational (a documented physics difference, status "info").  ``why`` states
    the reason for the tolerance or for the difference.
    """

    quantity: str
    paper: float
    ours: float
    rel_tol: float | None = None
    factor: float | None = None
    why: str = ""
    mc_rel_error: float | None = None

    @property
    def ratio(self) -> float:
        """nuportal / paper (NaN when either is not a finite number)."""
        try:
            return float(self.ours) / float(self.paper)
        except (TypeError, ZeroDivisionError, ValueError):
            return math.nan

    @property
    def tolerance(self) -> str:
        if self.rel_tol is not None:
            return f"±{self.rel_tol:.0%}" if self.rel_tol >= 0.01 else f"±{self.rel_tol:.2%}"
        if self.factor is not None:
            return f"×{self.factor:g}"
        return "—"

    @property
    def status(self) -> str:
        r = self.ratio
        if not math.isfinite(r):
            return "fail" if (self.rel_tol is not None or self.factor is not None) else "info"
        if self.rel_tol is not None:
            return "pass" if abs(r - 1.0) <= self.rel_tol else "fail"
        if self.factor is not None:
            return "pass" if 1.0 / self.factor <= r <= self.factor else "fail"
        return "info"


def _fmt(v) -> str:
    if isinstance(v, float | int) and not isinstance(v, bool):
        return "—" if not math.isfinite(float(v)) else f"{float(v):.4g}"
    return str(v)


def write_report(out, reference: str, title: str, checks: list[Check], meta: dict) -> Path:
    """Write ``out/report.md`` (and ``report.json``): the checks, the figures, settings, seed, version."""
    from nuportal.io import atomic_path, nan_to_none

    out = Path(out)
    counts = {s: sum(c.status == s for c in checks) for s in ("pass", "fail", "info")}
    lines = [f"# Reference {reference}: {title}", "",
             f"nuportal {meta.get('nuportal_version', '?')}, seed {meta.get('seed')}; "
             f"{counts['pass']} pass, {counts['fail']} fail, "
             f"{counts['info']} informational.", "",
             "| quantity | paper | nuportal | ratio | MC error | tolerance | status | why |",
             "|---|---|---|---|---|---|---|---|"]
    for c in checks:
        err = "—" if c.mc_rel_error is None or not math.isfinite(c.mc_rel_error) else f"{c.mc_rel_error:.1%}"
        lines.append(f"| {c.quantity} | {_fmt(c.paper)} | {_fmt(c.ours)} | {_fmt(c.ratio)} | {err} | "
                     f"{c.tolerance} | {c.status} | {c.why} |")
    figures = sorted(p.name for p in out.glob("*.png"))
    lines += ["", "## Figures", ""] + [f"![{f}]({f})" for f in figures]
    settings = {k: v for k, v in meta.items() if k != "config"}
    lines += ["", "## Settings", "", "```json", json.dumps(settings, indent=1, default=str), "```", ""]
    path = out / "report.md"
    with atomic_path(path) as tmp:
        Path(tmp).write_text("\n".join(lines))
    rows = [{**asdict(c), "ratio": c.ratio, "status": c.status, "tolerance": c.tolerance} for c in checks]
    rows = [nan_to_none(r) for r in rows]
    with atomic_path(out / "report.json") as tmp:
        Path(tmp).write_text(json.dumps({"reference": reference, "title": title, "counts": counts,
                                         "checks": rows}, indent=1, default=str, allow_nan=False))
    return path


def write_index(root) -> Path:
    """``root/index.md``: every ``*/report.md`` below ``root`` with its counts of pass / fail / info."""
    from nuportal.errors import NuportalInputError
    from nuportal.io import atomic_path

    root = Path(root)
    reports = sorted(root.glob("*/report.json"))
    if not reports:
        raise NuportalInputError(f"no report.json below {root}: run "
                                 f"`nuportal reproduce NNN --out {root}/NNN` first")
    lines = ["# nuportal reproductions", "", "| reference | title | pass | fail | info | report |",
             "|---|---|---|---|---|---|"]
    for p in reports:
        d = json.loads(p.read_text())
        c = d["counts"]
        lines.append(f"| {d['reference']} | {d['title']} | {c['pass']} | {c['fail']} | {c['info']} | "
                     f"[{p.parent.name}/report.md]({p.parent.name}/report.md) |")
    path = root / "index.md"
    with atomic_path(path) as tmp:
        Path(tmp).write_text("\n".join(lines) + "\n")
    return path
