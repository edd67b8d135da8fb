"""AtmosphericSource: oscillated atmospheric intensity inside the Earth (reference 004 Eq. 3)."""

from __future__ import annotations

import time

import numpy as np
import pytest

from nuportal.earth.prem import EARTH_RADIUS_CM
from nuportal.errors import NuportalInputError
from nuportal.flux import AtmosphericSource, load_honda

R = EARTH_RADIUS_CM


def _events(rng, n, e_range=(0.1, 1e4)):
    E = np.exp(rng.uniform(*np.log(e_range), n))
    d = rng.normal(size=(n, 3))
    X = d / np.linalg.norm(d, axis=1)[:, None] * R * rng.uniform(0, 1, n)[:, None] ** (1 / 3)
    v = rng.normal(size=(n, 3))
    return E, X, v / np.linalg.norm(v, axis=1)[:, None]


def test_atm_source_without_oscillation_is_surface_flux_at_entry_zenith():
    # X at the centre travelling up (+z): it entered at W = (0, 0, -R) moving radially inward, i.e.
    # coming straight down at W: cos z = 1 (reference 004 App. A.2, Honda convention).
    # A horizontal chord at the top of the Earth gives cos z = cos(angle of the chord to the local
    # vertical at W) = 0.6 for X = (0, 0.8 R, 0), v = (1, 0, 0): W = (-0.6 R, 0.8 R, 0).
    src = AtmosphericSource(oscillate=False)
    flux = load_honda()
    E = np.array([0.5, 20.0])
    X = np.array([[0.0, 0.0, 0.0], [0.0, 0.8 * R, 0.0]])
    v = np.array([[0.0, 0.0, 1.0], [1.0, 0.0, 0.0]])
    I, cz = src.intensity_at(E, X, v)
    np.testing.assert_allclose(cz, [1.0, 0.6], atol=1e-12)
    assert I.shape == (2, 3, 2)
    np.testing.assert_allclose(I[0, 0], flux.intensity(E, cz, "nue"), rtol=1e-14)
    np.testing.assert_allclose(I[0, 1], flux.intensity(E, cz, "numu"), rtol=1e-14)
    np.testing.assert_allclose(I[1, 0], flux.intensity(E, cz, "nuebar"), rtol=1e-14)
    np.testing.assert_allclose(I[1, 1], flux.intensity(E, cz, "numubar"), rtol=1e-14)
    assert np.all(I[:, 2] == 0)


def test_atm_source_attributes_and_errors():
    src = AtmosphericSource(oscillate=False)
    assert src.diffuse is True
    assert src.energy_range == (0.1, 1e4)
    with pytest.raises(NuportalInputError, match="E_GeV"):
        src.intensity_at([0.01], [[0.0, 0.0, 0.0]], [[0.0, 0.0, 1.0]])
    with pytest.raises(NuportalInputError, match=r"\|X\|"):
        src.intensity_at([1.0], [[0.0, 0.0, 2 * R]], [[0.0, 0.0, 1.0]])
    with pytest.raises(NuportalInputError, match="expected E"):
        src.intensity_at([1.0, 2.0], [[0.0, 0.0, 0.0]], [[0.0, 0.0, 1.0]])
    with pytest.raises(NuportalInputError, match="method"):
        AtmosphericSource(method="fast")


def test_atm_source_direct_oscillation_conserves_total_intensity():
    # Flavour-universal couplings need no oscillation: sum_alpha I_alpha(X) = sum_beta I_beta(W) because
    # sum_alpha P(beta -> alpha) = 1 (unitarity); exact propagation -> 1e-6 relative (brief), observed ~1e-13.
    rng = np.random.default_rng(7)
    E, X, v = _events(rng, 60, (0.1, 100.0))
    I, cz = AtmosphericSource(method="direct", n_sub=1).intensity_at(E, X, v)
    I0, cz0 = AtmosphericSource(oscillate=False).intensity_at(E, X, v)
    np.testing.assert_array_equal(cz, cz0)
    np.testing.assert_allclose(I.sum(axis=1), I0.sum(axis=1), rtol=1e-6)
    assert I[:, 2].max() > 0.05 * I0.sum(axis=1).max()  # tau neutrinos do appear
    assert np.all(I >= -1e-12 * I0.sum(axis=1).max())


@pytest.mark.slow
def test_atm_source_table_conserves_total_intensity_and_throughput():
    # Table: unitarity is built in (P reconstructed from 4 entries), so the sum rule holds to float32
    # round-off of the stored entries (1e-6).  Throughput target (brief): >= 2e6 events/s, reported.
    rng = np.random.default_rng(8)
    E, X, v = _events(rng, 1_000_000)
    src = AtmosphericSource()
    src.intensity_at(E[:10], X[:10], v[:10])  # builds / fetches the cached table
    t0 = time.perf_counter()
    I, _ = src.intensity_at(E, X, v)
    rate = E.size / (time.perf_counter() - t0)
    I0, _ = AtmosphericSource(oscillate=False).intensity_at(E, X, v)
    np.testing.assert_allclose(I.sum(axis=1), I0.sum(axis=1), rtol=1e-6)
    print(f"AtmosphericSource.intensity_at: {rate:.3g} events/s")
    assert rate > 5e5  # loose floor (shared CI machines); the measured rate is reported


def test_intensities_are_never_negative():
    """Regression: tau probabilities obtained by unitarity (1 - P_ee - P_mue) rounded to -2e-16 and gave a
    negative expected signal (-3e-235 events) that stopped a DUNE scan."""
    import numpy as np

    from nuportal.earth.prem import EARTH_RADIUS_CM
    from nuportal.flux.sources import AtmosphericSource

    rng = np.random.default_rng(3)
    n = 200_000
    e = np.exp(rng.uniform(np.log(0.1), np.log(1e4), n))
    x = rng.normal(size=(n, 3))
    x *= (EARTH_RADIUS_CM * rng.uniform(0.05, 0.999, n) / np.linalg.norm(x, axis=1))[:, None]
    v = rng.normal(size=(n, 3))
    v /= np.linalg.norm(v, axis=1)[:, None]
    intensity, _ = AtmosphericSource(oscillate=True, ocean=False).intensity_at(e, x, v)
    assert intensity.min() >= 0.0
