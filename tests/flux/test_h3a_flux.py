"""The H3a_SIBYLL23C table (reference 004's code flux) against nuflux 2.0.7's own evaluation."""

import json
from pathlib import Path

import numpy as np
import pytest

from nuportal.errors import NuportalInputError
from nuportal.flux.atmospheric import FLAVOURS, load_flux

ORACLE = json.loads((Path(__file__).parent / "h3a_oracle.json").read_text())


def test_h3a_matches_nuflux():
    """300 random points, 0.11 GeV - 9 TeV.  The spline is smooth on the 0.05-decade grid, so the
    integral-preserving interpolation of cell averages agrees to 1.5% (median 0.05%), except near the
    horizon above 5 GeV, where the MCEq intensity peaks sharply within |cos z| < 0.2 and the 0.1-wide
    cos-zenith cells of the Honda layout smooth the peak (up to 12% there; a few per mille of the
    events, which come from all directions)."""
    flux = load_flux("h3a-sibyll23c")
    E, cz = np.array(ORACLE["E_GeV"]), np.array(ORACLE["cos_zenith"])
    horizon = (np.abs(cz) < 0.2) & (E > 5.0)
    for f in FLAVOURS:
        dev = np.abs(flux.intensity(E, cz, f) / np.array(ORACLE[f]) - 1)
        assert np.median(dev) < 0.002, f
        assert np.max(dev[~horizon]) < 0.025, f
        assert np.max(dev[horizon]) < 0.15, f


def test_h3a_is_not_honda():
    """At 0.3 GeV the H3a intensity is ~0.3x Honda's Kamioka one (the MCEq tables are not computed for
    Kamioka's geomagnetic cut-off and atmosphere): the switch matters for the sub-GeV sample."""
    h3a, honda = load_flux("h3a-sibyll23c"), load_flux("honda2014-kamioka")
    r = h3a.intensity(0.3, 0.05, "numu") / honda.intensity(0.3, 0.05, "numu")
    assert 0.2 < float(r) < 0.4


def test_unknown_flux_named():
    with pytest.raises(NuportalInputError, match="not one of: honda2014-kamioka, h3a-sibyll23c"):
        load_flux("bartol")
