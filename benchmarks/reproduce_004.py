"""Benchmark: `nuportal reproduce 004` at default (demo) statistics, stage by stage (issue 11).

Prints the wall time of every scan, the ledger, the point distributions and the total, then the report's
pass / fail / info counts.  Usage:  python benchmarks/reproduce_004.py [--full]
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path

import nuportal.reproduce.ref004 as ref004


def _timed(name: str, func, times: dict):
    def wrapper(*args, **kwargs):
        t0 = time.perf_counter()
        result = func(*args, **kwargs)
        label = name if name != "_scan" else f"scan {args[1]} {args[2]} {','.join(args[3])}"
        times[label] = times.get(label, 0.0) + time.perf_counter() - t0
        return result
    return wrapper


def main() -> None:
    full = "--full" in sys.argv
    times: dict[str, float] = {}
    for name in ("_scan", "point_distributions", "ledger_outputs", "dipole_figures", "projection_figures",
                 "floor_figure", "mixing_figure"):
        setattr(ref004, name, _timed(name, getattr(ref004, name), times))
    with tempfile.TemporaryDirectory() as out:
        t0 = time.perf_counter()
        ref004.reproduce(Path(out), full=full)
        total = time.perf_counter() - t0
        counts = json.loads((Path(out) / "report.json").read_text())["counts"]
    print(f"\nreproduce 004 ({'full' if full else 'default'} statistics), seconds per stage:")
    for label, sec in times.items():
        print(f"  {label:45s} {sec:7.1f}")
    print(f"  {'total':45s} {total:7.1f}")
    print(f"report: {counts['pass']} pass, {counts['fail']} fail, {counts['info']} info")


if __name__ == "__main__":
    main()
