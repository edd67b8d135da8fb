"""Excluded intervals from signal curves: analytic curves with known crossings."""

import numpy as np
import pytest

from nuportal.errors import NuportalInputError
from nuportal.scan import excluded_interval, log_grid


def island(c, floor=1e-7, ceiling=1e-5):
    # S = (c/floor)^2 exp(-(c/ceiling)^2): the shape of an upscattering exclusion (rate ~ c^2 times
    # the survival probability); S = 1 at c = floor (to 1e-4) and at the upper root
    return (c / floor) ** 2 * np.exp(-((c / ceiling) ** 2))


def test_power_law_floor_is_exact():
    c = log_grid(1e-9, 1e-3, 61)
    iv = excluded_interval(c, (c / 3.3e-7) ** 2, 1.0)
    assert iv.low == pytest.approx(3.3e-7, rel=1e-9) and iv.open_high and not iv.open_low
    assert iv.islands == 1


def test_island_edges_match_roots():
    c = log_grid(1e-9, 1e-3, 121)
    iv = excluded_interval(c, island(c), 1.0)
    # upper root of x^2 exp(-x^2 (1e-7/1e-5)^2 ...): solve numerically on a dense grid for the reference
    fine = np.geomspace(1e-6, 1e-4, 2_000_001)
    upper = fine[np.argmin(np.abs(np.log(island(fine))))]
    assert iv.low == pytest.approx(1e-7, rel=2e-3)
    assert iv.high == pytest.approx(upper, rel=5e-3)  # log-log interpolation of a Gaussian-like fall
    assert not iv.open_low and not iv.open_high


def test_nothing_excluded_and_islands():
    c = log_grid(1e-9, 1e-3, 20)
    assert excluded_interval(c, np.zeros(20), 5.0).empty
    s = np.where((np.arange(20) % 7) == 3, 10.0, 0.1)
    iv = excluded_interval(c, s, 1.0)
    assert iv.islands == 3 and iv.low < iv.high


@pytest.mark.parametrize("c,s,t", [
    ([1e-3, 1e-4], [1, 1], 1.0), ([0, 1], [1, 1], 1.0), ([1, 2], [1, np.nan], 1.0), ([1, 2], [1, 1], 0.0),
])
def test_bad_input(c, s, t):
    with pytest.raises(NuportalInputError):
        excluded_interval(c, s, t)
