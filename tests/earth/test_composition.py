"""Earth composition (reference 004 Appendix C, Table 1 and Eq. 45)."""

import numpy as np
import pytest
from scipy.constants import Avogadro

from nuportal.earth import composition, prem
from nuportal.errors import NuportalInputError

KM = 1.0e5

# Reference 004 Table 1, weight percent (crust, mantle, core), typed from the paper.
TABLE1 = {
    "O": (46.6, 44.0, 0.0), "Si": (27.72, 21.0, 6.0), "Al": (8.13, 2.35, 0.0), "Fe": (5.05, 6.26, 85.5),
    "Ca": (3.65, 2.5, 0.0), "Na": (2.75, 0.0, 0.0), "K": (2.58, 0.0, 0.0), "Mg": (2.08, 22.8, 0.0),
    "S": (0.0, 0.0, 1.9), "Ni": (0.0, 0.0, 5.2),
}


@pytest.mark.parametrize(
    ("col", "region", "total"), [(0, "crust", 98.56), (1, "mantle", 98.91), (2, "core", 98.6)]
)
def test_table1_as_printed(col, region, total):
    f = composition.mass_fractions(region)
    assert tuple(f) == composition.ELEMENTS
    for el, row in TABLE1.items():
        assert f[el] == pytest.approx(row[col] / 100, abs=1e-12)
    assert sum(f.values()) == pytest.approx(total / 100, abs=1e-12)  # printed totals of Table 1
    assert sum(composition.mass_fractions(region, renormalise=True).values()) == pytest.approx(1.0, abs=1e-12)


def test_ocean_uses_crust_and_unknown_region_raises():
    assert composition.mass_fractions("ocean") == composition.mass_fractions("crust")
    with pytest.raises(NuportalInputError, match="region 'lava'"):
        composition.mass_fractions("lava")


def test_molar_masses_and_Z():
    # IUPAC standard atomic weights (abridged, 5 significant digits) and atomic numbers.
    iupac = {"O": (8, 15.999), "Si": (14, 28.085), "Fe": (26, 55.845), "Mg": (12, 24.305), "Ni": (28, 58.693)}
    for el, (z, m) in iupac.items():
        e = composition.element(el)
        assert e.Z == z and e.molar_mass_g_mol == pytest.approx(m, abs=1e-3)


def test_number_densities_eq45():
    # Eq. 45 by hand at r = 5000 km (lower mantle): n_Fe = rho f_Fe N_A / m_Fe.
    r = np.array([5000.0 * KM, 1000.0 * KM])
    n = composition.number_densities(r)
    assert n.shape == (len(composition.ELEMENTS), 2)
    i_fe = composition.ELEMENTS.index("Fe")
    rho = prem.density(r)
    np.testing.assert_allclose(n[i_fe], rho * np.array([0.0626, 0.855]) * Avogadro / 55.845, rtol=1e-12)
    # mass closure: sum_i n_i m_i / N_A = rho * (printed total) in every region
    m = np.array([composition.element(e).molar_mass_g_mol for e in composition.ELEMENTS])
    np.testing.assert_allclose((n * m[:, None]).sum(0) / Avogadro, rho * [0.9891, 0.986], rtol=1e-12)
    n_re = composition.number_densities(r, renormalise=True)
    np.testing.assert_allclose((n_re * m[:, None]).sum(0) / Avogadro, rho, rtol=1e-12)


def test_number_densities_outside_and_shape():
    assert np.all(composition.number_densities(np.array([6372.0 * KM])) == 0)
    assert composition.number_densities(np.full((2, 4), 1e8)).shape == (10, 2, 4)
    # the top 3 km: ocean density (1.02) by default, crust density (2.6) with ocean=False
    top = np.array([6370.0 * KM])
    i_o = composition.ELEMENTS.index("O")
    ratio = composition.number_densities(top, ocean=False)[i_o] / composition.number_densities(top)[i_o]
    np.testing.assert_allclose(ratio, 2.6 / 1.02, rtol=1e-12)


def test_electron_fraction_against_usual_values():
    # Usual oscillation inputs: Z/A = 0.497 (mantle) and 0.468 (core), e.g. the GLoBES example
    # code (Huber, Kopp, Lindner, Rolinec, Winter; "Ne_MANTLE 0.497, Ne_CORE 0.468").  Table 1 of
    # reference 004 is a different composition model; tolerance 0.003 (0.6 %).
    assert composition.region_electron_fraction("mantle") == pytest.approx(0.497, abs=3e-3)
    assert composition.region_electron_fraction("crust") == pytest.approx(0.497, abs=3e-3)
    assert composition.region_electron_fraction("core") == pytest.approx(0.468, abs=3e-3)
    # hand computation for the core, renormalised: (0.06*14/28.085 + 0.855*26/55.845
    #   + 0.019*16/32.06 + 0.052*28/58.6934) / 0.986 = 0.46883 (1e-5 rounding tolerance)
    assert composition.region_electron_fraction("core") == pytest.approx(0.46883, abs=1e-5)
    # as printed (no renormalisation) the values are lower by exactly the printed totals
    for region, total in (("crust", 0.9856), ("mantle", 0.9891), ("core", 0.986)):
        raw = composition.region_electron_fraction(region, renormalise=False)
        assert raw == pytest.approx(total * composition.region_electron_fraction(region), rel=1e-12)


def test_electron_density_profile():
    r = np.array([500.0, 3000.0, 5000.0, 6360.0, 6372.0]) * KM
    ye = composition.electron_fraction(r)
    np.testing.assert_allclose(ye[:2], composition.region_electron_fraction("core"))
    assert ye[2] == pytest.approx(composition.region_electron_fraction("mantle"))
    assert ye[3] == pytest.approx(composition.region_electron_fraction("crust"))
    assert ye[4] == 0.0
    np.testing.assert_allclose(composition.electron_density(r), prem.density(r) * Avogadro * ye, rtol=1e-12)
    # n_e in the lower mantle: rho ~ 4.9 g/cm^3 * 0.4956 * N_A ~ 1.46e24 cm^-3 (5 % tolerance)
    assert composition.electron_density(5000.0 * KM) == pytest.approx(4.9 * 0.4956 * Avogadro, rel=5e-2)
