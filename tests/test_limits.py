"""Existing-limit index and loader (data from the hnlimits package, read offline)."""

import numpy as np
import pytest

from nuportal.errors import NuportalInputError
from nuportal.limits import limit_index, limits_for, load_limit


def test_every_indexed_limit_loads_in_GeV():
    for lid, info in limit_index().items():
        m, u = load_limit(lid)
        assert info.region in ("closed", "above"), lid
        assert m.size > 10, lid
        # GeV after unit conversion: 10 keV (SN1987A) to the Z mass (LEP); a MeV/GeV mix-up would leave it
        assert np.all((m > 5e-6) & (m < 100.0)), lid
        assert np.all((u > 0) & (u <= 1)), lid           # |U|^2, or d in GeV^-1 (all < 1)
        assert info.cl in (0.9, 0.95) and info.flavour in ("e", "mu", "tau")


def test_mu_limits_indexed_with_correct_units():
    """|U_mu|^2 curves for reference 001 Fig. 9 (the panel was empty before).  Mass ranges checked
    against the kinematics: K+ -> mu+ N below m_K - m_mu = 388 MeV, pi+ -> mu+ N below 34 MeV."""
    from nuportal.plotting import _LIMIT_STYLE

    mu = {i.id: i for i in limits_for("mu")}
    assert {"NA62-2021-Kmu", "NA62-RK-2017-Kmu", "E949-2015", "KEK-1982-Kmu", "PSI-1987",
            "PIENU-2019-mu"} <= set(mu)
    for lid in mu:
        m, u = load_limit(lid)
        assert lid in _LIMIT_STYLE
        kaon = mu[lid].process.startswith("K+")
        assert np.all(m < (0.3885 if kaon else 0.0339)), lid
    # NA62 2021 (PLB 816 (2021) 136259): file row "200  2.69182E-08" -> 0.200 GeV (header says GeV)
    m, u = load_limit("NA62-2021-Kmu")
    assert m[0] == pytest.approx(0.200) and u[0] == pytest.approx(2.69182e-8)
    # NA62-RK 2007 data (PLB 772 (2017) 712): 300-375 MeV window of reference 001, ~1e-6 at 300 MeV
    m, u = load_limit("NA62-RK-2017-Kmu")
    assert 0.299 < m.min() and m.max() < 0.380 and 1e-7 < np.interp(0.300, m, u) < 3e-6
    # E949 (PRD 91 (2015) 052001): 1e-7 - 1e-9 for 175-300 MeV (abstract)
    m, u = load_limit("E949-2015")
    assert np.all((u > 1e-10) & (u < 3e-7))


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


def test_dipole_limits_are_separate_from_mixing():
    from nuportal.limits import limits_for, load_limit

    assert all(i.quantity.startswith("|U_") for f in ("e", "mu", "tau") for i in limits_for(f))
    dip = {i.id for i in limits_for("e", "dipole")}
    assert "SK-atm-2022-de" in dip and "LSND-de" in dip
    # reference 004's own Super-K curve (digitised in hnlimits): floor near 5e-7 GeV^-1 around 10-40 MeV
    m, d = load_limit("SK-atm-2022-de")
    assert 4e-7 < d.min() < 6e-7 and 0.08 < m.max() < 0.09


def test_dipole_limits_of_reference_003_in_GeV_inverse():
    """SN1987A is stored in mu_B: d = 148.1 GeV^-1 x mu / mu_B (mu_tr = 2 d, mu_B = e / 2 m_e)."""
    m, d = load_limit("SN1987A-bottom")
    assert 1e-11 < d.min() < 1e-10 and m.max() == pytest.approx(0.31016, rel=1e-4)
    m, d = load_limit("LEP-dgz")
    assert d[0] == pytest.approx(2.0985e-5, rel=1e-3) and m.max() > 90  # MeV column converted
    assert limit_index()["LEP-dgz"].region == "above"
