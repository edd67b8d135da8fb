"""Benchmark: NA62 K+ -> pi0 e+ N reach, all three scenarios (issue target: <= 60 s on 2 cores).

Prints the radiative generator's throughput (weighted events per second) and the wall time to
produce the three scenario curves (>= 100 masses, background from >= 1e7 radiative decays).
Usage:  python benchmarks/na62_reach.py [N_BACKGROUND]
"""

from __future__ import annotations

import sys
import time

import numpy as np

from nuportal.experiments.na62 import load_config
from nuportal.experiments.na62.study import run_study
from nuportal.production.kl3_radiative import sample_ke3_gamma


def generator_rate(n: int = 2_000_000) -> float:
    """Weighted K+ -> pi0 e+ nu gamma events per second (one process)."""
    rng = np.random.default_rng(7)
    sample_ke3_gamma(rng, 10_000)  # warm-up
    t0 = time.perf_counter()
    sample_ke3_gamma(rng, n)
    return n / (time.perf_counter() - t0)


def main() -> None:
    n_bkg = int(float(sys.argv[1])) if len(sys.argv) > 1 else 10_000_000
    rate = generator_rate()
    print(f"radiative generator: {rate:.3e} weighted events/s")
    cfg = load_config()
    t0 = time.perf_counter()
    study = run_study(cfg, seed=1, n_background=n_bkg)
    wall = time.perf_counter() - t0
    n_masses = len(next(iter(study.curves.values())).m_N_GeV)
    print(f"full study: {len(study.curves)} scenarios x {n_masses} masses, "
          f"{n_bkg:.2e} radiative decays: {wall:.1f} s wall (target <= 60 s)")
    for name, c in study.curves.items():
        sel = (c.m_N_GeV >= 0.125) & (c.m_N_GeV <= 0.144)
        print(f"  {name:18s} |U_e|^2 exclusion at 125-144 MeV: "
              f"{c.U2_e_median_exclusion[sel].min():.2e} - {c.U2_e_median_exclusion[sel].max():.2e}")


if __name__ == "__main__":
    main()
