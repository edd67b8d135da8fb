"""HNL parameter point: validation on construction."""

import pytest

from nuportal import HNL, NuportalInputError


def test_defaults_and_totals():
    n = HNL(0.1, {"e": 1e-6, "mu": 2e-6})
    assert n.U2 == {"e": 1e-6, "mu": 2e-6, "tau": 0.0}
    assert n.U2_total == pytest.approx(3e-6)
    assert n.majorana and not n.dirac
    assert n.with_mass(0.2).mass == 0.2


@pytest.mark.parametrize("kwargs,match", [
    (dict(mass=0.0), r"HNL mass \[GeV\] = 0 is outside the allowed range \(0, inf\)"),
    (dict(mass=-1.0), "outside the allowed range"),
    (dict(mass=float("nan")), "outside the allowed range"),
    (dict(mass=0.1, U2={"e": 1.5}), r"\|U\|\^2_e = 1.5 is outside the allowed range \[0, 1\]"),
    (dict(mass=0.1, U2={"mu": -1e-3}), r"\|U\|\^2_mu = -0.001"),
    (dict(mass=0.1, U2={"x": 1e-3}), "unknown flavour"),
    (dict(mass=0.1, d={"tau": -1.0}), "dipole"),
    (dict(mass=0.1, extra_invisible_width=-1.0), "extra invisible width"),
])
def test_bad_input(kwargs, match):
    with pytest.raises(NuportalInputError, match=match):
        HNL(**kwargs)
