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


def test_atmospheric_hepmc3_photons_in_the_window(tmp_path, capsys):
    path = tmp_path / "sk.hepmc3"
    args = [
        "rate",
        "atm-upscatter",
        "--experiment",
        "superk",
        "--sample",
        "subgev",
        "--mass",
        "0.03",
        "--coupling",
        "2e-10",
        "--n-events",
        "5000",
        "--oscillations",
        "off",
        "--json",
    ]
    assert main([*args, "--events-out", str(path)]) == 0
    rate = json.loads(capsys.readouterr().out)
    events = _read(path)
    w = np.array([e.weights[0] for e in events])
    assert w.sum() == pytest.approx(rate["events"], rel=1e-9)
    for e in events[:300]:
        _, dec = e.vertices
        gam = [p for p in dec.particles_out if p.pid == 22][0]
        assert 0.03 - 1e-12 <= gam.momentum.e <= 1.33 + 1e-12  # sub-GeV window 30 MeV - 1.33 GeV
        nu = [p for p in dec.particles_out if p.pid == 14][0]
        assert nu.momentum.m() < 1e-7 * nu.momentum.e + 1e-6  # massless up to rounding of E^2 - p^2
