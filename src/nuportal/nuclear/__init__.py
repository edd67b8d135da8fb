"""Nuclear targets and form factors (nuclear Helm / Fermi, nucleon Dirac, Pauli and axial)."""

from nuportal.nuclear.nuclei import Nucleus, all_nuclei, get_nucleus

__all__ = ["Nucleus", "all_nuclei", "get_nucleus"]
