"""Batched reweighting (shared decay-probability matrix) equals one-by-one reweighting."""

import dataclasses

import numpy as np
import pytest

from nuportal.experiments.atmospheric import study as S
from nuportal.mc.reweight import expected_events, expected_events_many


@pytest.mark.parametrize("portal,couplings", [("dipole", np.geomspace(1e-8, 1e-3, 13)),
                                              ("mixing", np.geomspace(1e-6, 0.3, 9))])
def test_many_equals_single(portal, couplings):
    cfg = S.study_config("superk")
    ev = S.simulate_mass(cfg, portal, 0.03, 5_000, 7)
    rng = np.random.default_rng(1)
    requests = [(S.FLAVOURS[f], cfg.samples[s].window_GeV, fac) for f in ("e", "tau", "universal")
                for s in cfg.samples for fac in (None, rng.random(len(ev)))]
    many = expected_events_many(ev, couplings, requests, cfg.live_time_s)
    for (pattern, window, fac), (n, rel) in zip(requests, many, strict=True):
        ev_k = ev if fac is None else dataclasses.replace(ev, weight=ev.weight * fac)
        n1, rel1 = expected_events(ev_k, couplings, pattern, cfg.live_time_s, window)
        assert np.allclose(n, n1, rtol=1e-12, atol=0.0)
        assert np.allclose(rel[np.isfinite(rel1)], rel1[np.isfinite(rel1)], rtol=1e-10, atol=0.0)
