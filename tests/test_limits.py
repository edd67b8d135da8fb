"""Existing-limit index and loader (data from the hnlimits package, read offline)."""

import numpy as np
import pytest

from nuportal.errors import NuportalInputError
from nuportal.limits import limit_index, limits_for, load_limit


def test_every_indexed_limit_loads_in_GeV():
    for lid, info in limit_index().items():
        m, u = load_limit(lid)
        assert m.size > 10, lid
        assert np.all((m > 0.005) & (m < 0.5)), lid       # GeV after unit conversion
        assert np.all((u > 0) & (u <= 1)), lid
        assert info.cl == 0.9 and info.flavour == "e"


def test_known_values():
    # NA62 2020 K+ -> e+ N: first point 144 MeV, 2.2e-9 (file NA62_2020.dat of hnlimits)
    m, u = load_limit("NA62-2020-Ke")
    assert m[0] == pytest.approx(0.144) and u[0] == pytest.approx(2.20202e-9)
    # KEK K -> e N is at the 1e-6 level around 140 MeV (reference 000, Sec. I.D)
    m, u = load_limit("KEK-1984")
    assert 5e-7 < np.interp(0.14, m, u) < 5e-6
    assert {i.experiment for i in limits_for("e")} >= {"PIENU", "TRIUMF", "KEK", "NA62", "PS191"}


def test_unknown_limit():
    with pytest.raises(NuportalInputError, match="unknown limit"):
        load_limit("nope")
