"""HepMC3 event files (pyhepmc): round trip, weights sum to the printed rate, conservation, vertices."""

import json

import numpy as np
import pyhepmc as hp
import pytest

from nuportal.cli import main


def _read(path):
    with hp.open(path) as f:
        return list(f)


def test_beam_hepmc3_round_trip(tmp_path, capsys):
    path = tmp_path / "nd280.hepmc3"
    args = ["rate", "beam-upscatter", "--mass", "0.3", "--coupling", "1e-6", "--n-events", "3000", "--json"]
    assert main([*args, "--events-out", str(path)]) == 0
    rate = json.loads(capsys.readouterr().out)
    events = _read(path)
    assert len(events) > 1000
    w = np.array([e.weights[0] for e in events])
    assert w.sum() == pytest.approx(rate["events"], rel=1e-9)  # weight = expected signal events
    info = events[0].run_info
    assert info.weight_names == ["expected_events"]
    attr = {k: json.loads(info.attributes[k].astype(str)) for k in ("coupling_unit", "seed", "coupling")}
    assert attr == {"coupling_unit": "GeV^-1", "seed": 1, "coupling": 1e-6}
    for e in events[:200]:
        prod, dec = e.vertices
        pin = sum(
            np.array([p.momentum.e, p.momentum.px, p.momentum.py, p.momentum.pz]) for p in prod.particles_in
        )
        pout = sum(
            np.array([p.momentum.e, p.momentum.px, p.momentum.py, p.momentum.pz]) for p in prod.particles_out
        )
        assert np.allclose(pin, pout, atol=1e-9)
        hnl = [p for p in prod.particles_out if p.pid == 5914][0]
        assert hnl.momentum.m() == pytest.approx(0.3, rel=1e-6)
        assert {p.pid for p in dec.particles_out} == {11, -11, 14}
        ee = [p for p in dec.particles_out if abs(p.pid) == 11]
        assert all(p.momentum.m() == pytest.approx(0.000511, rel=1e-3) for p in ee)
        dsum = sum(
            np.array([p.momentum.e, p.momentum.px, p.momentum.py, p.momentum.pz]) for p in dec.particles_out
        )
        assert np.allclose(
            dsum, [hnl.momentum.e, hnl.momentum.px, hnl.momentum.py, hnl.momentum.pz], atol=1e-9
        )
        assert hnl.momentum.pz / hnl.momentum.p3mod() > 0.999  # the direction cut
        # decay vertex in a TPC fiducial box (|x| <= 850 mm, |y| <= 980 mm)
        assert abs(dec.position.x) <= 850 + 1e-6 and abs(dec.position.y) <= 980 + 1e-6
        assert abs([p for p in prod.particles_in if abs(p.pid) in (12, 14, 16)][0].pid) == 14


def test_events_out_needs_a_known_suffix(tmp_path, capsys):
    code = main(["rate", "beam-upscatter", "--n-events", "1000", "--events-out", str(tmp_path / "x.root")])
    assert code == 2 and "must end in .hepmc3 or .parquet" in capsys.readouterr().err
    assert not list(tmp_path.iterdir())
