"""Throughput of the upscattering Monte Carlo (weighted events per second).

Runs nuportal.mc.simulate with stand-ins (uniform sphere, isotropic power-law source, flat toy
channel) and, when the real modules exist, with the Earth (PREM + composition), the atmospheric
source and the real upscattering channels (with oscillations), in 1 process and in 2 processes each
simulating its own mass (the scan layer's process-level parallelism over masses).
Usage: python benchmarks/mc_throughput.py [n_events]
"""

from __future__ import annotations

import sys
import time
from concurrent.futures import ProcessPoolExecutor

import numpy as np

from nuportal.mc import BoxDetector, IsotropicPowerLawSource, UniformSphereTarget, expected_events, simulate


class _FlatChannel:
    name, portal, forward = "flat", "dipole", True

    def threshold_energy(self, m):
        return m

    def cos_theta_range(self, e, m):
        return -np.ones_like(e), np.ones_like(e)

    def dsigma_dcos(self, e, c, m, antineutrino=False):
        return np.where(e > m, 1e-40, 0.0) + 0.0 * c

    def hnl_energy(self, e, c, m):
        return np.asarray(e, float)


def _time(label: str, n: int, **kw) -> None:
    t0 = time.perf_counter()
    ev = simulate(n_events=n, rng=np.random.default_rng(1), **kw)
    t1 = time.perf_counter()
    expected_events(ev, np.geomspace(1e-10, 1e-5, 100), (1, 1, 1), 3.15e7, (0.03, 1.33))
    t2 = time.perf_counter()
    print(f"{label:28s} simulate: {n / (t1 - t0):10.3g} events/s ({len(ev)} kept)   "
          f"reweight 100 couplings: {len(ev) * 100 / (t2 - t1):10.3g} event-couplings/s")


def _real_setup():
    from nuportal.earth.sites import get_site
    from nuportal.flux.atmospheric import load_honda
    from nuportal.flux.sources import AtmosphericSource
    from nuportal.mc import EarthTarget, default_channels

    target = EarthTarget(ocean=False)
    source = AtmosphericSource(load_honda(), oscillate=True, radius_cm=target.radius_cm)
    return dict(source=source, target=target, detector=get_site("superk"),
                channels=default_channels("dipole", target))


def main(n: int = 1_000_000) -> None:
    det = BoxDetector([0.0, 0.0, 6.371e8 - 1e5], 2.25e10, 3e3)
    stand_in = dict(mass=0.02, portal="dipole", detector=det, channels={"Si": [_FlatChannel()]},
                    source=IsotropicPowerLawSource(np.ones((2, 3)), 2.7, (0.1, 1e4)),
                    target=UniformSphereTarget(6.371e8, {"Si": 1e23}))
    _time("stand-ins (sphere, toy)", n, **stand_in)
    try:
        real = _real_setup()
    except (ImportError, AttributeError, TypeError) as exc:
        print(f"real Earth/atmospheric/channels not available yet: {exc}")
        return
    simulate(n_events=1000, rng=np.random.default_rng(0), mass=0.02, portal="dipole", **real)  # warm caches
    _time("Earth + Honda(osc) + channels", n // 2, mass=0.02, portal="dipole", **real)
    with ProcessPoolExecutor(2) as pool:
        list(pool.map(_real_worker, [(0.02, 1000), (0.03, 1000)]))  # start + warm the workers
        t0 = time.perf_counter()
        kept = list(pool.map(_real_worker, [(0.02, n // 2), (0.03, n // 2)]))
        dt = time.perf_counter() - t0
    print(f"{'  same, 2 processes':28s} simulate: {2 * (n // 2) / dt:10.3g} events/s ({sum(kept)} kept)")
    _whole_process(n)


_WHOLE = """
import sys, time
t0 = time.perf_counter()
import numpy as np
sys.path.insert(0, {here!r})
from mc_throughput import _real_setup
from nuportal.mc import simulate
real = _real_setup()
simulate(n_events=1000, rng=np.random.default_rng(0), mass=0.02, portal="dipole", **real)
t1 = time.perf_counter()
simulate(n_events={n}, rng=np.random.default_rng({seed}), mass=0.02, portal="dipole", **real)
print(t1 - t0, time.perf_counter() - t0)
"""


def _whole_process(n: int) -> None:
    """Cold start (imports, tables, first events) and events/s of whole processes, 1 and 2 at once."""
    import os
    import subprocess

    here = os.path.dirname(os.path.abspath(__file__))

    def launch(seed):
        code = _WHOLE.format(here=here, n=n // 2, seed=seed)
        return subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)

    for procs in (1, 2):
        t0 = time.perf_counter()
        out = [p.communicate()[0].split() for p in [launch(s) for s in range(procs)]]
        dt = time.perf_counter() - t0
        cold = max(float(o[0]) for o in out)
        print(f"{f'  whole process x{procs}':28s} simulate: {procs * (n // 2) / dt:10.3g} events/s "
              f"(cold start {cold:.2f} s, oscillation-table cache: "
              f"{os.environ.get('NUPORTAL_CACHE_DIR', '~/.cache/nuportal')})")


_REAL = {}


def _real_worker(args) -> int:
    mass, n = args
    if not _REAL:
        _REAL.update(_real_setup())
    return len(simulate(n_events=n, rng=np.random.default_rng(int(mass * 1e4)), mass=mass, portal="dipole",
                        **_REAL))


if __name__ == "__main__":
    main(int(float(sys.argv[1])) if len(sys.argv) > 1 else 1_000_000)
