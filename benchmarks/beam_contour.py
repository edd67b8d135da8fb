"""Benchmark: the full ND280 dipole contour and the beam engine's throughput (issue 9 targets).

1. ``nuportal reach beam-upscatter --experiment nd280``: 40 masses (10 MeV - 2 GeV) x 64 couplings
   (1e-9 - 1e-2 GeV^-1), FHC + RHC simulated once per mass, adaptive statistics until the MC relative
   error at every edge of the excluded set is <= 3% (target: <= 30 s on 2 cores).
2. Weighted beam events per second of one simulation (m_N = 0.5 GeV, FHC, one core), next to DarkNews
   0.4.8's GenLauncher on a comparable point (1 t carbon slab, m_N = 0.5 GeV, d = 1e-6 GeV^-1, the
   numbers stored by scripts/darknews_beam_oracle.py in tests/mc/data/darknews_beam_rate.json).
   DarkNews generates upscatterings only (no decay geometry); ours are decays in the ND280 TPCs with
   129 material boxes, so ours do more work per event.
Usage:  python benchmarks/beam_contour.py [N_MASSES] [WORKERS]
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from nuportal.experiments.accelerator import study as S
from nuportal.experiments.accelerator.reach import reach
from nuportal.io import read_csv


def contour(n_masses: int, workers: int) -> None:
    with tempfile.TemporaryDirectory() as out:
        t0 = time.perf_counter()
        path = reach(
            "nd280",
            "dipole",
            "mu",
            out,
            masses=f"0.01:2.0:{n_masses}",
            couplings="1e-9:1e-2:64",
            workers=workers,
        )
        wall = time.perf_counter() - t0
        _, cols = read_csv(path)
    err = np.array(cols["mc_rel_error_edges"], float)
    n = np.array(cols["n_generated"], float)
    print(f"ND280 contour: {n_masses} masses x 64 couplings, FHC + RHC, {workers} workers: {wall:.1f} s")
    print(f"  events per mass (both modes): median {np.median(n):.0f}, max {n.max():.0f}")
    print(f"  MC relative error at the edges: max {np.nanmax(err):.2%}, median {np.nanmedian(err):.2%}")


def throughput() -> None:
    cfg = S.study_config("nd280")
    S.simulate_mode(cfg, "dipole", 0.5, "fhc", 2000, 1)  # warm caches (geometry, tables)
    n = 50_000
    t0 = time.perf_counter()
    ev = S.simulate_mode(cfg, "dipole", 0.5, "fhc", n, 1)
    dt = time.perf_counter() - t0
    print(
        f"nuportal beam engine: {n} generated, {len(ev)} weighted decay events kept in {dt:.2f} s -> "
        f"{len(ev) / dt:,.0f} weighted events/s (m_N = 0.5 GeV, FHC, 1 core)"
    )
    oracle = Path(__file__).resolve().parents[1] / "tests/mc/data/darknews_beam_rate.json"
    if oracle.exists():
        runs = json.loads(oracle.read_text()).get("genlauncher", {}).get("runs", [])
        for r in runs:
            print(
                f"DarkNews 0.4.8 GenLauncher ({r['label']}, neval = {r['neval']}; recorded here, 1 core): "
                f"{r['weighted_events_per_s']:,.0f} weighted upscattering events/s"
            )


if __name__ == "__main__":
    contour(int(sys.argv[1]) if len(sys.argv) > 1 else 40, int(sys.argv[2]) if len(sys.argv) > 2 else 2)
    throughput()
