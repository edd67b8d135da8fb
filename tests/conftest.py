"""Shared fixtures."""

import numpy as np
import pytest


@pytest.fixture
def rng():
    """A seeded generator: Monte Carlo tests are reproducible."""
    return np.random.default_rng(12345)
