"""Box geometries: the nesting rule, validation messages, densities and the shipped ND280 files."""

from __future__ import annotations

import numpy as np
import pytest
import yaml

from nuportal.errors import NuportalInputError
from nuportal.geometry import BoxGeometry, available_geometries, load_geometry

MATS = {
    "ROCK": {"composition": {"Si": 0.4674349, "O": 0.5325651}},
    "AIR": {"composition": {"N": 0.7562, "O": 0.2438}},
}


def _boxes(**child):
    kid = {
        "name": "kid",
        "parent": "root",
        "center": [0, 0, 0],
        "size": [1, 1, 1],
        "material": "AIR",
        "density": 0.0012,
        **child,
    }
    return [
        {
            "name": "root",
            "parent": None,
            "center": [0, 0, 0],
            "size": [10, 10, 10],
            "material": "ROCK",
            "density": 2.9,
        },
        kid,
    ]


FID = [{"name": "F", "center": [0, 0, 0], "size": [0.5, 0.5, 0.5]}]


def test_nesting_rule_deepest_box_wins_and_densities():
    g = BoxGeometry("t", MATS, _boxes(), FID)
    k = g.locate(np.array([[0, 0, 0], [300, 0, 0], [0, 0, 900]]))
    assert k.tolist() == [1, 0, -1]
    # n_Si = rho w / M_atom (28Si: 27.9769 u)
    n_si = g.box_number_densities[0, g.species.index("Si28")]
    assert abs(n_si / (2.9 * 0.4674349 / (27.9769 * 1.66053907e-24)) - 1) < 2e-4
    assert g.box_masses_g()[0] == pytest.approx(
        (1e9 - 1e6) * 2.9, rel=1e-9
    )  # 1000 m^3 of rock minus the 1 m^3 kid


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"center": [4.8, 0, 0]}, ["'kid'", "not inside its parent"]),
        ({"material": "CHEESE"}, ["unknown material 'CHEESE'", "ROCK"]),
        ({"size": [1, -1, 1]}, ["'kid'", "must be > 0"]),
        ({"density": 0}, ["density = 0", "(0, 30]"]),
        ({"parent": "nobody"}, ["parent 'nobody'"]),
    ],
)
def test_bad_boxes_are_refused_with_the_value_named(change, words):
    with pytest.raises(NuportalInputError) as exc:
        BoxGeometry("t", MATS, _boxes(**change), FID)
    for w in words:
        assert w in str(exc.value)


def test_overlapping_siblings_and_fiducial_outside_are_refused():
    boxes = _boxes() + [
        {
            "name": "kid2",
            "parent": "root",
            "center": [0.5, 0, 0],
            "size": [1, 1, 1],
            "material": "AIR",
            "density": 0.0012,
        }
    ]
    with pytest.raises(NuportalInputError, match="'kid' and 'kid2' overlap"):
        BoxGeometry("t", MATS, boxes, FID)
    touching = _boxes() + [
        {
            "name": "kid2",
            "parent": "root",
            "center": [1.0, 0, 0],
            "size": [1, 1, 1],
            "material": "AIR",
            "density": 0.0012,
        }
    ]
    BoxGeometry("t", MATS, touching, FID)  # touching faces are allowed
    with pytest.raises(NuportalInputError, match="outside every material box"):
        BoxGeometry("t", MATS, _boxes(), [{"name": "F", "center": [0, 0, 20], "size": [1, 1, 1]}])


def test_bad_materials_and_files(tmp_path):
    with pytest.raises(NuportalInputError, match="sum to 0.9"):
        BoxGeometry("t", {"X": {"composition": {"Si": 0.9}}, **MATS}, _boxes(), FID)
    with pytest.raises(NuportalInputError, match="unknown nucleus 'Xx'"):
        BoxGeometry("t", {"X": {"composition": {"Xx": 1.0}}, **MATS}, _boxes(), FID)
    with pytest.raises(NuportalInputError, match="cannot read geometry file"):
        load_geometry(tmp_path / "missing.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump({"name": "x", "boxes": [], "colour": "red"}))
    with pytest.raises(NuportalInputError, match="unknown keys"):
        load_geometry(bad)
    with pytest.raises(NuportalInputError, match="unknown geometry 'nd281'"):
        load_geometry("nd281")


def test_ray_intervals_match_a_direct_scan():
    g = BoxGeometry("t", MATS, _boxes(), FID)
    rng = np.random.default_rng(1)
    o = rng.uniform(-400, 400, (50, 3))
    d = rng.normal(size=(50, 3))
    d /= np.linalg.norm(d, axis=1)[:, None]
    t_in, t_out = g.ray_intervals(o, d)
    t = np.linspace(-3000, 3000, 60001)
    for i in range(50):
        pts = o[i] + t[:, None] * d[i]
        inside = np.all((pts >= g.lo[1]) & (pts <= g.hi[1]), axis=1)
        if inside.any():
            assert t_in[i, 1] == pytest.approx(t[inside][0], abs=0.2)
            assert t_out[i, 1] == pytest.approx(t[inside][-1], abs=0.2)
        else:
            assert t_out[i, 1] < t_in[i, 1] or t_out[i, 1] - t_in[i, 1] < 0.2


def test_shipped_nd280_geometries():
    """Masses and layout against the T2K descriptions (tolerances: rounding of the box sizes)."""
    assert {"nd280", "nd280-upgrade"} <= set(available_geometries())
    g = load_geometry("nd280")
    assert g.fiducial_names == ("TPC1", "TPC2", "TPC3")
    assert np.allclose((g.fid_hi - g.fid_lo) / 100, [1.70, 1.96, 0.563])
    assert np.allclose(0.5 * (g.fid_lo + g.fid_hi)[:, 2] / 100, [-0.375, 0.99, 2.355])
    # each fiducial box sits in TPC gas at 0.001855 g/cm^3
    centres = 0.5 * (g.fid_lo + g.fid_hi)
    assert np.allclose(g.mass_density(centres), 0.001855)
    # upstream rock starts about 280 m upstream
    assert -300 < g.lo[g.root, 2] / 100 < -280
    u = load_geometry("nd280-upgrade")
    assert len(u.fiducial_names) == 5
    assert np.allclose(u.mass_density(0.5 * (u.fid_lo + u.fid_hi)), 0.001855)  # the 1.855 defect is fixed
    masses = dict(zip(u.box_names, u.box_masses_g(), strict=True))
    sfgd = sum(v for k, v in masses.items() if "SuperFGD" in k or "sFGD" in k.lower())
    assert 1.8e6 < sfgd < 2.4e6  # about 2 t of plastic cubes
