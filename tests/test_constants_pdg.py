"""The shipped PDG table (data/pdg.yaml) equals what the `particle` package gives (exactly: the file is
written from it by scripts/make_pdg_table.py; a newer `particle` with new PDG values fails here)."""

import math

import pytest
from particle import Particle

from nuportal import constants as C

PDGID = {"K+": 321, "pi+": 211, "pi0": 111, "e": 11, "mu": 13, "tau": 15, "eta": 221, "p": 2212, "n": 2112}


@pytest.mark.parametrize("name", list(PDGID))
def test_shipped_masses_and_lifetimes_equal_particle(name):
    p = Particle.from_pdgid(PDGID[name])
    assert C.mass(name) == pytest.approx(p.mass / 1000.0, rel=1e-15)
    tau = p.lifetime
    if tau is None or math.isinf(tau):
        assert math.isinf(C.lifetime(name))
    else:
        assert C.lifetime(name) == pytest.approx(tau * 1e-9, rel=1e-15)


def test_unknown_particle():
    with pytest.raises(KeyError, match="unknown particle"):
        C.mass("sterile")
