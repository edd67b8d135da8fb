"""Chord geometry in the Earth (reference 004 Appendix A, Eqs. 20, 26-27)."""

import numpy as np
import pytest

from nuportal.earth import composition, geometry, prem
from nuportal.errors import NuportalInputError

R = prem.EARTH_RADIUS_CM
KM = 1.0e5


def random_inside(rng, n):
    """Points uniform in the ball and isotropic unit directions."""
    u = rng.normal(size=(n, 3))
    u /= np.linalg.norm(u, axis=1, keepdims=True)
    X = u * R * rng.uniform(0, 1, size=(n, 1)) ** (1 / 3)
    v = rng.normal(size=(n, 3))
    return X, v / np.linalg.norm(v, axis=1, keepdims=True)


def test_entry_point_on_surface_and_behind_X(rng):
    X, v = random_inside(rng, 2000)
    W = geometry.entry_point(X, v, R)
    np.testing.assert_allclose(np.linalg.norm(W, axis=1), R, rtol=1e-12)
    d = X - W
    t = np.linalg.norm(d, axis=1)
    # X - W is parallel (not anti-parallel) to v_hat: d = t v_hat
    np.testing.assert_allclose(d, t[:, None] * v, atol=1e-6 * R)
    # and the neutrino travels inward at W: cos zenith in [0, 1]
    cz = geometry.cos_zenith_at_entry(W, v)
    assert np.all((cz >= 0) & (cz <= 1))
    mu = np.sum(X * v, axis=1) / np.linalg.norm(X, axis=1)
    np.testing.assert_allclose(geometry.chord_length(np.linalg.norm(X, axis=1), mu), t, rtol=1e-9, atol=1e-3)


def test_vertical_and_horizontal_cases():
    depth = 1000.0 * 100  # 1 km in cm, a Super-K-like detector
    X = np.array([[0, 0, R - depth]] * 3)
    v = np.array([[0, 0, -1.0], [0, 0, 1.0], [1.0, 0, 0]])  # down-going, up-going, horizontal
    W = geometry.entry_point(X, v, R)
    np.testing.assert_allclose(W[0], [0, 0, R], atol=1e-6)  # entered straight above: path = depth
    np.testing.assert_allclose(W[1], [0, 0, -R], atol=1e-6)  # entered at the antipode: path 2R - depth
    h = np.sqrt(R**2 - (R - depth) ** 2)  # horizontal chord half-length at depth d (Pythagoras)
    np.testing.assert_allclose(W[2], [-h, 0, R - depth], rtol=1e-12)
    np.testing.assert_allclose(geometry.cos_zenith_at_entry(W, v), [1.0, 1.0, h / R], rtol=1e-12)


def test_surface_detector_chord_2R_cos_nadir(rng):
    # Detector at the surface, neutrino arriving from nadir angle eta: chord = 2 R cos(eta).
    eta = rng.uniform(0, np.pi / 2, 500)
    X = np.tile([0.0, 0.0, R], (500, 1))
    v = np.stack([np.sin(eta), np.zeros_like(eta), np.cos(eta)], axis=1)  # up-going at X
    W = geometry.entry_point(X, v, R)
    np.testing.assert_allclose(np.linalg.norm(X - W, axis=1), 2 * R * np.cos(eta), rtol=1e-9, atol=1e-3)
    lengths, _, _ = geometry.path_profile(np.full(500, R), np.cos(eta))
    np.testing.assert_allclose(lengths.sum(1), 2 * R * np.cos(eta), rtol=1e-9, atol=1e-3)


def test_path_profile_sums_and_order(rng):
    X, v = random_inside(rng, 500)
    r = np.linalg.norm(X, axis=1)
    mu = np.sum(X * v, axis=1) / r
    lengths, rho, ye = geometry.path_profile(r, mu, n_sub=3)
    assert lengths.shape == rho.shape == ye.shape == (500, 78)
    assert np.all(lengths >= 0)
    np.testing.assert_allclose(lengths.sum(1), np.linalg.norm(X - geometry.entry_point(X, v), axis=1),
                               rtol=1e-9, atol=1e-3)
    # travel order: the last step with non-zero length ends at X, so its density is PREM near |X|
    # (within one sub-step); the first starts at the surface (crust/ocean density <= 3.4)
    first = np.argmax(lengths > 0, axis=1)
    assert np.all(rho[np.arange(500), first] <= 3.4)
    assert np.all((ye > 0.46) & (ye < 0.5))


@pytest.mark.parametrize("mu", [1.0, 0.95, 0.8, 0.3])
def test_path_profile_integrates_density(mu):
    # Column depth and electron column of a chord from a surface detector (nadir angle acos(mu)) vs
    # a brute-force midpoint sum with 2e5 steps along the same line (its own error ~1e-6 from the
    # discontinuities, steps of 30-64 m).  The profile uses exact step averages: tolerance 1e-5.
    lengths, rho, ye = geometry.path_profile(np.array([R]), np.array([mu]), n_sub=1)
    L = 2 * R * mu
    s = (np.arange(200_000) + 0.5) / 200_000 * L
    r_line = np.sqrt(R**2 + s**2 - 2 * R * s * mu)  # |X - s v_hat| with X at the surface
    brute = prem.density(r_line).sum() * L / 200_000
    assert (lengths * rho).sum() == pytest.approx(brute, rel=1e-5)
    ne_brute = (prem.density(r_line) * composition.electron_fraction(r_line)).sum() * L / 200_000
    assert (lengths * rho * ye).sum() == pytest.approx(ne_brute, rel=1e-5)
    # the chord reaches the core iff its impact parameter R sqrt(1 - mu^2) < 3480 km
    assert (rho.max() > 9.9) == (R * np.sqrt(1 - mu**2) < 3480 * KM)


def test_path_profile_n_sub_resolves_the_shape():
    # more sub-steps: same column depth, finer steps (max step shrinks by the factor n_sub)
    l1, r1, _ = geometry.path_profile(np.array([R]), np.array([0.9]), n_sub=1)
    l4, r4, _ = geometry.path_profile(np.array([R]), np.array([0.9]), n_sub=4)
    assert (l4 * r4).sum() == pytest.approx((l1 * r1).sum(), rel=1e-12)
    assert l4.max() == pytest.approx(l1.max() / 4, rel=1e-12)
    # the step next to the turning point is denser than the mean of its piece
    assert r4[l4 > 0].max() > r1[l1 > 0].max()


def test_path_profile_exact_boundaries():
    # straight through the centre from the surface: the pieces are the shell thicknesses (twice)
    lengths, rho, _ = geometry.path_profile(np.array([R]), np.array([1.0]), n_sub=1)
    nz = lengths[0][lengths[0] > 0]
    radii = np.array([0.0] + [s.r_outer_cm for s in prem.SHELLS])
    thick = np.diff(radii)
    np.testing.assert_allclose(nz, np.concatenate([thick[::-1], thick]), rtol=1e-12, atol=1e-6)
    assert rho[0][lengths[0] > 0][0] == pytest.approx(1.02)  # ocean first


def test_cos_theta_max_inside(rng):
    y = R - 1000.0 * 100
    rp = rng.uniform(0, 2 * R, 20_000)
    cmax = geometry.cos_theta_max_inside(rp, y, R)
    # points just inside the bound are inside the Earth, just outside (if any) are not
    inside = y**2 + rp**2 + 2 * y * rp * (cmax - 1e-9) <= R**2 * (1 + 1e-12)
    assert np.all(inside[rp <= R + y])
    has_out = cmax < 1 - 1e-9
    assert np.all(y**2 + rp[has_out] ** 2 + 2 * y * rp[has_out] * (cmax[has_out] + 1e-6) > R**2)
    special = geometry.cos_theta_max_inside(np.array([0.0, 5e4, 3 * R]), y, R)
    np.testing.assert_array_equal(special, [1, 1, -1])
    assert geometry.cos_theta_max_inside(R / 2, 0.0, R) == 1.0  # detector at the centre
    with pytest.raises(NuportalInputError, match="y_cm"):
        geometry.cos_theta_max_inside(1.0, 2 * R, R)


def test_bad_input():
    with pytest.raises(NuportalInputError, match=r"\|X\|"):
        geometry.entry_point([[0, 0, 2 * R]], [[0, 0, 1.0]])
    with pytest.raises(NuportalInputError, match="v_hat"):
        geometry.entry_point([[0, 0, 0.0]], [[0, 0, 2.0]])
    with pytest.raises(NuportalInputError, match="mu"):
        geometry.path_profile(np.array([R]), np.array([1.5]))
    with pytest.raises(NuportalInputError, match="n_sub"):
        geometry.path_profile(np.array([R]), np.array([0.5]), n_sub=0)
