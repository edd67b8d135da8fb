"""Neutrino tagging at NA62 (reference 002): K+ -> mu+ nu kinematics, yields and Poisson statements.

* :mod:`nuportal.tagging.kinematics`  E_nu, m2_miss, opening angles, extrapolation to the LKr
* :mod:`nuportal.tagging.yields`      N_K x BR x A_geo x P_int x eps_sel, Poisson statements
* :mod:`nuportal.tagging.config`      validated configuration (configs/na62_nutag.yaml)
"""

from nuportal.tagging.config import TagConfig, load_config
from nuportal.tagging.kinematics import missing_mass2, neutrino_energy, neutrino_four_momentum
from nuportal.tagging.yields import expected_yield, observation_statistics, projection

__all__ = ["TagConfig", "load_config", "neutrino_energy", "neutrino_four_momentum", "missing_mass2",
           "expected_yield", "observation_statistics", "projection"]
