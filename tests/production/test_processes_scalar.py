"""Scalar in, scalar out (issue 11): br_over_U2 of one mass is a float, of an array an array of that shape."""

import numpy as np

from nuportal.production.processes import PROCESSES, br_over_U2


def test_scalar_in_scalar_out():
    for name, proc in PROCESSES.items():
        m = 0.5 * proc.endpoint
        v = br_over_U2(name, m)
        assert isinstance(v, float) and v > 0
        a = br_over_U2(name, np.array([[m, m]]))
        assert a.shape == (1, 2) and np.allclose(a, v)
