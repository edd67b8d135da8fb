"""Benchmark: one full atmospheric-upscattering exclusion contour (issue target: <= 5 min on 2 cores).

Super-K, dipole portal coupled to nu_e, oscillations on, >= 40 masses x >= 60 couplings, adaptive Monte
Carlo statistics until the relative error at every edge of the excluded interval is <= 3% (or the
configured cap). Prints the wall time, the events simulated per mass and the largest MC relative error
along the floor and the ceiling of the contour.
Usage:  python benchmarks/atm_contour.py [N_MASSES] [WORKERS]
"""

from __future__ import annotations

import sys
import tempfile
import time

import numpy as np

from nuportal.experiments.atmospheric.reach import reach
from nuportal.io import read_csv


def main() -> None:
    n_masses = int(sys.argv[1]) if len(sys.argv) > 1 else 40
    workers = int(sys.argv[2]) if len(sys.argv) > 2 else 2
    with tempfile.TemporaryDirectory() as out:
        t0 = time.perf_counter()
        path = reach("superk", "dipole", "e", out, masses=f"0.002:0.4:{n_masses}",
                     couplings="1e-11:1e-5:61", workers=workers)
        wall = time.perf_counter() - t0
        meta, cols = read_csv(path)
    low, high = cols["mc_rel_error_low"], cols["mc_rel_error_high"]
    excluded = np.isfinite(cols["coupling_low"])
    print(f"contour: {n_masses} masses x 61 couplings, superk dipole d_e, oscillations on, {workers} workers")
    print(f"wall time: {wall:.1f} s  (target <= 300 s)")
    print(f"masses with an excluded interval: {int(excluded.sum())} (up to m_N = "
          f"{cols['m_N_GeV'][excluded].max():.3f} GeV)")
    print(f"events simulated per mass: median {np.median(cols['n_generated']):.3g}, "
          f"max {np.max(cols['n_generated']):.3g}, total {np.sum(cols['n_generated']):.3g}")
    print(f"max MC relative error on the floor: {np.nanmax(low):.2%}; on the ceiling: {np.nanmax(high):.2%} "
          f"(target <= 3%; open edges at the end of the grid are not counted)")
    print(f"throughput: {np.sum(cols['n_generated']) / wall:.3g} weighted events/s over the whole scan")


if __name__ == "__main__":
    main()
