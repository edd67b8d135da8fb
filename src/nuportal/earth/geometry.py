"""Straight-line geometry in the spherical Earth (reference 004 Appendix A, Eqs. 20, 26-27).

Earth-centred Cartesian coordinates in cm.  A neutrino with travel direction ``v_hat`` (unit
vector along its motion) that reaches the interaction point X entered the Earth at W = X - t v_hat
with t = |v_in| of Eq. 27.  Along that line, points are labelled by s, the signed distance from the
point of closest approach to the centre (impact parameter b): r(s)^2 = b^2 + s^2.
"""

from __future__ import annotations

import numpy as np

from nuportal.earth import composition, prem
from nuportal.errors import NuportalInputError, require_range

__all__ = [
    "entry_point",
    "cos_zenith_at_entry",
    "chord_length",
    "path_profile",
    "cos_theta_max_inside",
]

_REL_TOL = 1e-9  # relative slack on |X| <= R and |v_hat| = 1 (floating-point round-off)


def _check_vectors(X, v_hat, radius_cm) -> tuple[np.ndarray, np.ndarray]:
    X = np.atleast_2d(np.asarray(X, dtype=float))
    v = np.atleast_2d(np.asarray(v_hat, dtype=float))
    if X.shape[-1] != 3 or v.shape[-1] != 3:
        raise NuportalInputError(f"positions and directions must have shape (N, 3), got {X.shape}, {v.shape}")
    require_range("|v_hat|", np.linalg.norm(v, axis=-1), 1 - 1e-6, 1 + 1e-6)
    require_range("|X| (cm)", np.linalg.norm(X, axis=-1), 0.0, radius_cm * (1 + _REL_TOL))
    return X, v


def entry_point(X_cm, v_hat, radius_cm: float = prem.EARTH_RADIUS_CM) -> np.ndarray:
    """Point W where a neutrino reaching X along ``v_hat`` entered the sphere of ``radius_cm``.

    Reference 004 Eq. 27: |v_in| = X.v + sqrt((X.v)^2 + R^2 - |X|^2), W = X - v_hat |v_in|.

    Parameters
    ----------
    X_cm : array_like, shape (N, 3)
        Interaction points in cm, inside the sphere.
    v_hat : array_like, shape (N, 3)
        Unit travel directions of the neutrinos.
    radius_cm : float
        Radius of the sphere (default: PREM radius).

    Returns
    -------
    numpy.ndarray, shape (N, 3): W in cm, on the sphere.
    """
    X, v = _check_vectors(X_cm, v_hat, radius_cm)
    xv = np.sum(X * v, axis=-1)
    disc = np.maximum(xv**2 + radius_cm**2 - np.sum(X * X, axis=-1), 0.0)
    t = xv + np.sqrt(disc)
    return X - t[:, None] * v


def cos_zenith_at_entry(W_cm, v_hat) -> np.ndarray:
    """Cosine of the arrival zenith angle at the entry point W, Honda's convention.

    The neutrino comes from direction -v_hat; the local vertical at W is W/|W|, so
    cos(zenith) = -v_hat . W/|W|: +1 for a neutrino coming straight down from overhead at W,
    0 for a grazing one.  For a true entry point the value lies in [0, 1].

    Parameters
    ----------
    W_cm : array_like, shape (N, 3)
        Entry points in cm (non-zero).
    v_hat : array_like, shape (N, 3)
        Unit travel directions.
    """
    W = np.atleast_2d(np.asarray(W_cm, dtype=float))
    v = np.atleast_2d(np.asarray(v_hat, dtype=float))
    norm = np.linalg.norm(W, axis=-1)
    require_range("|W| (cm)", norm, 0.0, np.inf, low_open=True)
    return np.clip(-np.sum(W * v, axis=-1) / norm, -1.0, 1.0)


def chord_length(r_x_cm, mu, radius_cm: float = prem.EARTH_RADIUS_CM) -> np.ndarray:
    """Path length |X - W| in cm from the entry point to X at radius ``r_x_cm``.

    ``mu = (X/|X|) . v_hat``; |X - W| = r mu + sqrt(R^2 - r^2 (1 - mu^2)) (reference 004 Eq. 27).
    """
    r, mu = _check_radial(r_x_cm, mu, radius_cm)
    return r * mu + np.sqrt(np.maximum(radius_cm**2 - r**2 * (1.0 - mu**2), 0.0))


def _check_radial(r_x_cm, mu, radius_cm) -> tuple[np.ndarray, np.ndarray]:
    r = np.asarray(r_x_cm, dtype=float)
    m = np.asarray(mu, dtype=float)
    require_range("r_x_cm", r, 0.0, radius_cm * (1 + _REL_TOL))
    require_range("mu", m, -1.0, 1.0)
    r, m = np.broadcast_arrays(np.minimum(r, radius_cm), m)
    return np.atleast_1d(r).astype(float), np.atleast_1d(m).astype(float)


def _breakpoints(r, mu, radius_cm, ocean) -> np.ndarray:
    """Sorted s-coordinates (N, B) of W, X, the turning point and all shell crossings."""
    b2 = r**2 * (1.0 - mu**2)
    s_x = r * mu
    s_w = -np.sqrt(np.maximum(radius_cm**2 - b2, 0.0))
    bounds = np.array([s.r_outer_cm for s in prem.shells(ocean)[:-1]])
    cross = np.sqrt(np.maximum(bounds[None, :] ** 2 - b2[:, None], 0.0))
    pts = np.concatenate([s_w[:, None], s_x[:, None], -cross, cross, np.zeros_like(s_x)[:, None]], axis=1)
    return np.sort(np.clip(pts, s_w[:, None], s_x[:, None]), axis=1)


def _antiderivative(s, b, coef) -> np.ndarray:
    """int_0^s rho(sqrt(b^2 + u^2)) du for rho = a + b' x + c x^2 + d x^3 (all lengths in units of R).

    Uses int sqrt(b^2+u^2) du = (u r + b^2 asinh(u/b)) / 2 and
    int (b^2+u^2)^(3/2) du = u r^3 / 4 + 3 b^2 u r / 8 + 3 b^4 asinh(u/b) / 8.
    """
    r = np.sqrt(b**2 + s**2)
    bs = np.maximum(b, 1e-150)  # b -> 0: the asinh terms carry b^2 and vanish
    ash = np.arcsinh(s / bs)
    a0, a1, a2, a3 = np.moveaxis(coef, -1, 0)
    return (a0 * s + a1 * 0.5 * (s * r + b**2 * ash) + a2 * (b**2 * s + s**3 / 3.0)
            + a3 * (0.25 * s * r**3 + 0.375 * b**2 * s * r + 0.375 * b**4 * ash))


def _mean_density(s1, s2, b, r_mid, ocean) -> np.ndarray:
    """Exact average of the PREM density over the chord piece [s1, s2] (cm) lying in one shell."""
    idx = prem.shell_of(r_mid, ocean=ocean)
    coef = np.array([sh.coefficients for sh in prem.shells(ocean)])[idx]
    R = prem.EARTH_RADIUS_CM
    length = (s2 - s1) / R
    tiny = length < 1e-9  # < 6 mm: avoid 0/0, use the midpoint value
    integral = _antiderivative(s2 / R, b / R, coef) - _antiderivative(s1 / R, b / R, coef)
    mean = integral / np.where(tiny, 1.0, length)
    return np.where(tiny, prem.density(r_mid, ocean=ocean), mean)


def path_profile(r_x_cm, mu, n_sub: int = 3, *, radius_cm: float = prem.EARTH_RADIUS_CM,
                 ocean: bool = True) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Piecewise-constant density profile of the chord from the entry point W to X.

    The chord is cut at every PREM shell boundary it crosses (exactly, from r(s)^2 = b^2 + s^2)
    and at its point of closest approach, so that r(s) is monotonic within each piece; each piece
    is split into ``n_sub`` equal steps.  Each step carries the exact average of the PREM density
    polynomial over the step (closed-form integral, so the column depth and the matter-potential
    integral of the chord are exact for any ``n_sub``) and the Y_e of its shell.  Steps are in the
    order the neutrino travels (W first).  Pieces a chord does not reach have zero length, so every
    row has the same number K = 2 n_sub len(shells) of steps (78 for n_sub = 3).

    Parameters
    ----------
    r_x_cm : array_like, shape (N,)
        |X| in cm.
    mu : array_like, shape (N,)
        (X/|X|) . v_hat, cosine between the outward radial direction at X and the travel direction.
    n_sub : int
        Steps per piece (>= 1).
    radius_cm : float
        Radius of the sphere where the chord starts (the PREM radius unless testing).
    ocean : bool
        PREM ocean option (:func:`nuportal.earth.prem.shells`).

    Returns
    -------
    lengths_cm, density_g_cm3, ye : numpy.ndarray, each shape (N, K)
        Step lengths (sum = |X - W|), mean densities in g/cm^3 and electron fractions.
    """
    if int(n_sub) != n_sub or n_sub < 1:
        raise NuportalInputError(f"n_sub = {n_sub} must be an integer >= 1")
    r, mu = _check_radial(r_x_cm, mu, radius_cm)
    pts = _breakpoints(r, mu, radius_cm, ocean)
    start, piece = pts[:, :-1], np.diff(pts, axis=1)
    edges = start[:, :, None] + piece[:, :, None] * (np.arange(n_sub + 1) / n_sub)  # (N, P, n_sub + 1)
    s1, s2 = edges[..., :-1].reshape(len(r), -1), edges[..., 1:].reshape(len(r), -1)
    b = (r * np.sqrt(1.0 - mu**2))[:, None]
    r_mid = np.minimum(np.sqrt(b**2 + (0.5 * (s1 + s2)) ** 2), radius_cm)
    rho = _mean_density(s1, s2, b, r_mid, ocean)
    return (s2 - s1, np.where(r_mid < prem.EARTH_RADIUS_CM * (1 + 1e-12), rho, 0.0),
            composition.electron_fraction(r_mid, ocean=ocean))


def cos_theta_max_inside(r_prime_cm, y_cm, radius_cm: float = prem.EARTH_RADIUS_CM) -> np.ndarray:
    """Largest cos(theta') for which X = Y + r' (sin, ., cos theta') stays inside the Earth.

    Reference 004 Appendix A, Eq. 20 ("sample cos theta' uniformly from angles that leave the
    interaction within the Earth"), with the detector at Y = (0, 0, y):
    |X|^2 = y^2 + r'^2 + 2 y r' cos theta' <= R^2, i.e. cos theta' <= (R^2 - y^2 - r'^2) / (2 y r').
    The result is clipped to [-1, 1]: 1 when every direction stays inside (r' <= R - y), -1 when
    none does except possibly straight down (r' >= R + y, zero-measure range).

    Parameters
    ----------
    r_prime_cm : array_like
        Distance from the detector in cm (>= 0).
    y_cm : float or array_like
        Distance of the detector from the centre in cm, 0 <= y <= R.
    radius_cm : float
        Earth radius in cm.
    """
    rp = np.asarray(r_prime_cm, dtype=float)
    y = np.asarray(y_cm, dtype=float)
    require_range("r_prime_cm", rp, 0.0, np.inf)
    require_range("y_cm", y, 0.0, radius_cm)
    num = radius_cm**2 - y**2 - rp**2
    den = 2.0 * y * rp
    safe = np.where(den > 0, den, 1.0)
    c = np.where(den > 0, num / safe, np.where(num >= 0, 1.0, -1.0))
    return np.clip(c, -1.0, 1.0)
