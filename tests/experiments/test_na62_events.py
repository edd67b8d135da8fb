"""NA62 K+ -> pi0 e+ N signal events: yield against the reach module's efficiency (independent MC
streams: 4 sigma of the combined binomial error), four-momentum conservation (1e-9 GeV), and the HepMC3
file read back (particles, vertices, named weights summing to the printed rate to 1e-9)."""

import json

import numpy as np
import pytest
from scipy.special import erf

from nuportal.cli import main
from nuportal.experiments.na62 import events as E
from nuportal.experiments.na62.config import load_config
from nuportal.experiments.na62.signal import simulate_signal_efficiency
from nuportal.production import kl3


def test_yield_matches_the_reach_formula():
    cfg = load_config()
    n, m, u2 = 20_000, 0.2, 1e-6
    ev = E.generate_signal(cfg, m, n, np.random.default_rng(4))
    expected, generated = E.signal_weights(cfg, ev, "run1", u2)
    eff = simulate_signal_efficiency(cfg.model_copy(update={"analysis": cfg.analysis.model_copy(
        update={"n_signal_events_per_mass": n})}), np.random.default_rng(5), masses=[m])
    ref = cfg.scenarios["run1"].n_kaon * kl3.br_over_U2(m, "e") * u2 * float(eff(m)) * erf(
        cfg.analysis.k_window / np.sqrt(2))
    a = ev["accepted"].mean()
    sigma = np.sqrt(2 * a * (1 - a) / n) / a
    assert expected.sum() == pytest.approx(ref, rel=4 * sigma)
    assert generated.sum() == pytest.approx(cfg.scenarios["run1"].n_kaon * kl3.br_over_U2(m, "e") * u2)
    for key in ("pi0", "e+", "N"):
        assert ev[key].shape == (n, 4)
    np.testing.assert_allclose(ev["pi0"] + ev["e+"] + ev["N"], ev["K+"], atol=1e-9)
    np.testing.assert_allclose(ev["gamma1"] + ev["gamma2"], ev["pi0"], atol=1e-9)


def test_hepmc3_round_trip_and_weights_sum_to_the_printed_rate(tmp_path, capsys):
    pyhepmc = pytest.importorskip("pyhepmc")
    path = tmp_path / "na62.hepmc3"
    code = main(["rate", "na62-k2pi0eN", "--mass", "0.15", "--U2e", "2e-6", "--n-events", "2000",
                 "--events-out", str(path), "--json"])
    assert code == 0
    res = json.loads(capsys.readouterr().out)
    total, gen, n, accepted = 0.0, 0.0, 0, 0
    with pyhepmc.open(path) as f:
        for evt in f:
            n += 1
            names = evt.run_info.weight_names
            w = dict(zip(names, evt.weights, strict=True))
            total += w["expected_events"]
            gen += w["generated"]
            pids = sorted(p.pid for p in evt.particles)
            assert pids == sorted([321, 111, 22, 22, -11, 5914])
            acc = int(evt.attributes["accepted"].astype(int))
            accepted += acc
            assert (w["expected_events"] > 0) == bool(acc)
            vz = evt.vertices[0].position.z
            assert 105e3 <= vz <= 165e3  # mm, the fiducial decay region
    assert n == 2000 and accepted > 0
    assert total == pytest.approx(res["signal_events"], rel=1e-9)
    assert gen == pytest.approx(res["produced_decays"], rel=1e-9)
    assert json.loads(evt.run_info.attributes["seed"].astype(str)) == 1
