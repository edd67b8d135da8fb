import pytest
from particle import Particle

from nuportal import constants
from nuportal.errors import NuportalInputError
from nuportal.nuclear import all_nuclei, get_nucleus

EARTH = ["O", "Si", "Al", "Fe", "Ca", "Na", "K", "Mg", "S", "Ni"]


def test_nuclei_element_and_isotope_lookup():
    assert get_nucleus("Fe") is get_nucleus("Fe56")
    assert get_nucleus("H").A == 1 and get_nucleus("p").Z == 1
    for el in EARTH:
        assert get_nucleus(el).element == el
    for iso in ["C12", "Ar40", "Pb208"]:
        assert get_nucleus(iso).symbol == iso


def test_nuclei_unknown_raises():
    with pytest.raises(NuportalInputError, match="Xx"):
        get_nucleus("Xx")


def test_nuclei_free_proton_mass_is_pdg_proton_mass():
    # AME2020 H1 mass excess - m_e + 13.6 eV must reproduce m_p (PDG via `particle`) to < 1 keV
    assert get_nucleus("H1").mass_GeV == pytest.approx(Particle.from_pdgid(2212).mass / 1e3, abs=1e-6)


def test_nuclei_fe56_nuclear_mass():
    # 56Fe nuclear mass 52.08981 GeV (AME2020 atomic mass 55.934936 u minus 26 m_e + B_e); 1e-5 GeV tolerance
    assert get_nucleus("Fe56").mass_GeV == pytest.approx(52.08981, abs=1e-5)


def test_nuclei_weak_charge_convention():
    s2 = constants.value("sin2_theta_W")
    for nuc in all_nuclei().values():
        assert nuc.weak_charge == pytest.approx(nuc.N - (1 - 4 * s2) * nuc.Z, rel=1e-12)


def test_nuclei_every_nucleus_with_density_has_helm_parameters():
    for nuc in all_nuclei().values():
        if nuc.charge_density is not None:
            assert nuc.helm_R1_fm > 0 and nuc.helm_s_fm > 0
