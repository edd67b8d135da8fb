"""Visible HNL decay products at the detector: energies, directions, window fractions.

Dipole portal, N -> nu gamma (reference 004 Sec. II.3, Eqs. 13-14): in the HNL rest frame
E*_gamma = m/2 and dGamma/dcos zeta' = (1 + alpha cos zeta')/2, alpha in [-1, 1] (004 takes
alpha = 0; here zeta' is measured from the HNL direction of flight, i.e. alpha is the product of the
decay asymmetry and the HNL helicity).  In the lab E_gamma = (E_N/2)(1 + beta cos zeta'):
a box on [E_N(1-beta)/2, E_N(1+beta)/2] for alpha = 0, a linear ramp for alpha != 0, and
cos zeta_lab = (cos zeta' + beta)/(1 + beta cos zeta') (equivalent to 004 Eq. 13).

Mass mixing, N -> nu e+ e- (004 Sec. II.2).  Approximation: m_e -> 0 in the kinematics and the
decay unpolarised (isotropic in the rest frame).  For every term of |M|^2 of the Z and W graphs
(BBGR Sec. 3.1) the neutrino momentum is contracted with a charged lepton, not with p_N, so its
rest-frame spectrum is the muon-decay one of the particle not paired with the parent,
dGamma/dx = 2 x^2 (3 - 2x), x = 2 E*_nu / m in [0, 1] (<x> = 0.7).  The e+e- system recoils with
E*_ee = m (1 - x/2), |p*_ee| = m x / 2, isotropic, hence in the lab, for fixed x, E_ee is uniform on
E_N (1 - x/2) -+ p_N x / 2.  Mean: <E_ee> = 0.65 E_N (tested against the exact massive phase-space
average in tests/mc/test_decay_products.py).

The angle to the vertical at the detector is reported as cos_det = -k_hat . up (+1: the particle
comes straight down, i.e. travels downward).  Reference 004 Fig. 8 plots the angle of the
travel direction from the upward vertical; that is cos = -cos_det.
"""

from __future__ import annotations

import numpy as np

from nuportal.errors import require_range
from nuportal.mc.sampling import rotate_from_axis

__all__ = ["photon_visible_fraction", "ee_visible_fraction", "visible_fraction",
           "sample_photons", "sample_ee_pairs", "ee_x_density"]

_GL_X, _GL_W = np.polynomial.legendre.leggauss(96)
_GL_X, _GL_W = 0.5 * (_GL_X + 1.0), 0.5 * _GL_W  # on [0, 1]


def _beta(e_n, mass: float):
    e = np.asarray(e_n, float)
    return np.sqrt(np.clip(1.0 - (mass / e) ** 2, 0.0, None))


def photon_visible_fraction(e_n, mass: float, e_lo: float, e_hi: float, alpha: float = 0.0):
    """Fraction of N -> nu gamma photons with lab energy in [e_lo, e_hi] (GeV; e_hi may be inf).

    004 Eq. 14 with dGamma/dx = (1 + alpha x)/2, x = cos zeta' = (2 E_gamma / E_N - 1)/beta, whose
    CDF is F(x) = (1 + x)/2 + alpha (x^2 - 1)/4.
    """
    require_range("polarisation alpha", alpha, -1.0, 1.0)
    e = np.asarray(e_n, float)
    beta = np.maximum(_beta(e, mass), 1e-300)

    def cdf(energy):
        x = np.clip((2.0 * energy / e - 1.0) / beta, -1.0, 1.0) if np.isfinite(energy) else 1.0
        return 0.5 * (1.0 + x) + 0.25 * alpha * (x * x - 1.0)

    return np.clip(cdf(e_hi) - cdf(e_lo), 0.0, 1.0)


def ee_x_density(x):
    """Rest-frame neutrino energy fraction density 2 x^2 (3 - 2 x) on [0, 1] (massless V-A)."""
    x = np.asarray(x, float)
    return np.where((x >= 0) & (x <= 1), 2.0 * x * x * (3.0 - 2.0 * x), 0.0)


#: Above this many energies :func:`ee_visible_fraction` tabulates the fraction once on a log grid of
#: ``_EE_TABLE_POINTS`` energies spanning the input and interpolates (measured: max |error| 3.2e-4 over
#: masses 5-400 MeV, E_N up to 10 TeV and the Super-K windows, tests/mc/test_decay_products.py) instead of
#: building (N, 96) temporaries (1.2 GB at 1.6e6 events).
_EE_TABLE_MIN = 8192
_EE_TABLE_POINTS = 16385


def ee_visible_fraction(e_n, mass: float, e_lo: float, e_hi: float):
    """Fraction of N -> nu e+ e- decays with lab E_ee = E_N - E_nu in [e_lo, e_hi] (GeV).

    Integrates the box of half-width p_N x/2 around E_N (1 - x/2) over x with
    :func:`ee_x_density` (96-point Gauss-Legendre; the integrand has kinks, accuracy ~1e-4).  Large
    inputs go through a table in ln E_N (see ``_EE_TABLE_MIN``).
    """
    e = np.asarray(e_n, float)
    if e.size > _EE_TABLE_MIN:
        lo, hi = float(e.min()), float(e.max())
        if hi > lo:
            grid = np.geomspace(lo, hi, _EE_TABLE_POINTS)
            table = _ee_fraction_direct(grid, mass, e_lo, e_hi)
            return np.interp(np.log(e), np.log(grid), table)
    return _ee_fraction_direct(e, mass, e_lo, e_hi)


def _ee_fraction_direct(e_n, mass: float, e_lo: float, e_hi: float):
    e = np.asarray(e_n, float)[..., None]
    p = np.sqrt(np.clip(e * e - mass * mass, 0.0, None))
    centre, half = e * (1.0 - 0.5 * _GL_X), 0.5 * p * _GL_X
    lo, hi = np.maximum(centre - half, e_lo), np.minimum(centre + half, e_hi)
    box = np.where(half > 0.0, np.clip(hi - lo, 0.0, None) / np.maximum(2.0 * half, 1e-300),
                   ((centre >= e_lo) & (centre <= e_hi)).astype(float))
    return np.clip(np.sum(box * ee_x_density(_GL_X) * _GL_W, axis=-1), 0.0, 1.0)


def visible_fraction(portal: str, e_n, mass: float, window_GeV, alpha: float = 0.0):
    """f_vis of 004 Eq. 10: photon (dipole) or e+e- (mixing) energy inside ``window_GeV``."""
    e_lo, e_hi = float(window_GeV[0]), float(window_GeV[1])
    require_range("visible-energy window lower edge [GeV]", e_lo, 0.0, np.inf, high_open=True)
    require_range("visible-energy window upper edge [GeV]", e_hi, e_lo, np.inf, low_open=True)
    if portal == "dipole":
        return photon_visible_fraction(e_n, mass, e_lo, e_hi, alpha)
    return ee_visible_fraction(e_n, mass, e_lo, e_hi)


def _cos_to_vertical(direction, up):
    return -(np.asarray(direction) @ np.asarray(up, float))


def sample_photons(rng: np.random.Generator, e_n, hnl_dir, mass: float, up, alpha: float = 0.0):
    """Photons of N -> nu gamma (004 Eqs. 13-14): (E_gamma (N,), k_hat (N, 3), cos_det (N,)).

    Parameters
    ----------
    e_n : ndarray (N,)
        HNL energies (GeV).
    hnl_dir : ndarray (N, 3)
        HNL travel directions (unit vectors).
    mass : float
        HNL mass (GeV).
    up : ndarray (3,)
        Local vertical at the detector.
    alpha : float
        Rest-frame asymmetry, dGamma/dcos zeta' ~ 1 + alpha cos zeta'.
    """
    require_range("polarisation alpha", alpha, -1.0, 1.0)
    e = np.asarray(e_n, float)
    chi = rng.random(e.shape)
    c = 0.5 - 0.25 * alpha - chi                         # alpha x^2/4 + x/2 + c = 0
    x = -2.0 * c / (0.5 + np.sqrt(np.clip(0.25 - alpha * c, 0.0, None)))
    x = np.clip(x, -1.0, 1.0)
    beta = _beta(e, mass)
    energy = 0.5 * e * (1.0 + beta * x)
    cos_lab = (x + beta) / (1.0 + beta * x)
    k_hat = rotate_from_axis(hnl_dir, cos_lab, rng.uniform(0.0, 2.0 * np.pi, e.shape))
    return energy, k_hat, _cos_to_vertical(k_hat, up)


def _sample_x(rng, n: int):
    """x from 2x^2(3-2x) by bisection on its CDF 2x^3 - x^4."""
    chi = rng.random(n)
    lo, hi = np.zeros(n), np.ones(n)
    for _ in range(48):
        mid = 0.5 * (lo + hi)
        below = 2.0 * mid**3 - mid**4 < chi
        lo, hi = np.where(below, mid, lo), np.where(below, hi, mid)
    return 0.5 * (lo + hi)


def sample_ee_pairs(rng: np.random.Generator, e_n, hnl_dir, mass: float, up):
    """e+e- systems of N -> nu e+ e- (approximation in the module docstring).

    Returns (E_ee (N,) GeV, p_hat of the pair (N, 3), cos_det (N,)).
    """
    e = np.asarray(e_n, float)
    x = _sample_x(rng, e.size).reshape(e.shape)
    cos_z = rng.uniform(-1.0, 1.0, e.shape)
    gamma, bg = e / mass, np.sqrt(np.clip(e * e - mass * mass, 0.0, None)) / mass
    e_star, p_star = mass * (1.0 - 0.5 * x), 0.5 * mass * x
    energy = gamma * e_star + bg * p_star * cos_z
    p_par = gamma * p_star * cos_z + bg * e_star
    p_perp = p_star * np.sqrt(np.clip(1.0 - cos_z * cos_z, 0.0, None))
    cos_lab = p_par / np.maximum(np.hypot(p_par, p_perp), 1e-300)
    p_hat = rotate_from_axis(hnl_dir, cos_lab, rng.uniform(0.0, 2.0 * np.pi, e.shape))
    return energy, p_hat, _cos_to_vertical(p_hat, up)
