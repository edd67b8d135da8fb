"""Kinematics of nu + target -> N + target with a massive N (lab frame, target at rest).

Static (infinitely heavy) target, reference 004 Eq. 33: E_N = E_nu and
    Q^2 = -t = 2 E^2 - m^2 - 2 E k cos(Theta),   k = sqrt(E^2 - m^2)
(the paper calls this t_coh; it is -t).  Two-body elastic nu p -> N p with target mass M (replaces the
garbled Eq. 36): with a = E + M and b = E M + m^2/2, energy-momentum conservation gives
    a E_N - b = E cos(Theta) sqrt(E_N^2 - m^2),
    E_N = [a b +- E c sqrt(b^2 - m^2 (a^2 - E^2 c^2))] / (a^2 - E^2 c^2),   c = cos(Theta),
keeping the roots with (a E_N - b) c >= 0.  When the CM velocity exceeds the N velocity in the CM
(a^2 m^2 > b^2) both roots are physical for cos(Theta) > c_min = sqrt(a^2 m^2 - b^2)/(E m): a
maximum lab angle and two E_N per angle.  Then t = -2 M (E - E_N) and
|dt/dcos| = 2 M E k_N^2 / |a k_N - E c E_N|.
"""

from __future__ import annotations

import numpy as np

__all__ = ["static_Q2", "static_cos_range", "elastic_threshold", "elastic_cos_min", "elastic_roots",
           "elastic_dt_dcos", "elastic_t_range"]


def static_Q2(E, cos_theta, m):
    """Q^2 = -t (GeV^2) for an infinitely heavy target (reference 004 Eq. 33)."""
    k = np.sqrt(np.maximum(E * E - m * m, 0.0))
    return 2.0 * E * E - m * m - 2.0 * E * k * cos_theta


def static_cos_range(E, m):
    """(cos_min, cos_max) = (-1, 1) above threshold E >= m (static target); NaN-free arrays."""
    shape = np.broadcast(E, m).shape
    return np.full(shape, -1.0), np.full(shape, 1.0)


def elastic_threshold(m, M):
    """Threshold E_nu = m + m^2/(2M) for nu + target(M) -> N(m) + target (GeV)."""
    return m + m * m / (2.0 * M)


def elastic_cos_min(E, m, M):
    """Smallest lab cos(Theta) reachable in the elastic two-body reaction (-1 if all angles)."""
    a, b = E + M, E * M + 0.5 * m * m
    arg = a * a * m * m - b * b
    with np.errstate(divide="ignore", invalid="ignore"):
        cmin = np.sqrt(np.maximum(arg, 0.0)) / np.where(m > 0, E * m, 1.0)
    return np.where(arg > 0, np.minimum(cmin, 1.0), -1.0)


def elastic_roots(E, cos_theta, m, M):
    """Both lab-frame E_N roots and their validity masks (see module docstring).

    Returns
    -------
    (E_hi, ok_hi, E_lo, ok_lo) : arrays
        The two roots (GeV) and booleans telling which are physical.
    """
    c = cos_theta
    a, b = E + M, E * M + 0.5 * m * m
    den = a * a - E * E * c * c
    disc = b * b - m * m * den
    sq = np.sqrt(np.maximum(disc, 0.0))
    e_hi = (a * b + E * np.abs(c) * sq) / den
    e_lo = (a * b - E * np.abs(c) * sq) / den
    above = (E >= elastic_threshold(m, M)) & (disc >= 0.0)
    # a E_N - b = E c k_N >= 0 for c >= 0: the high root always, the low root only in the double-valued
    # regime a^2 m^2 > b^2; for c < 0 (single-valued regime only) the low root is the physical one.
    double = a * a * m * m > b * b
    ok_hi = above & (c >= 0)
    ok_lo = above & ((c < 0) | double)
    return e_hi, ok_hi & (e_hi >= m), e_lo, ok_lo & (e_lo >= m)


def elastic_dt_dcos(E, cos_theta, E_N, m, M):
    """|dt/dcos(Theta)| (GeV^2) at a given root E_N of the elastic reaction."""
    kN = np.sqrt(np.maximum(E_N * E_N - m * m, 0.0))
    den = np.abs((E + M) * kN - E * cos_theta * E_N)
    with np.errstate(divide="ignore"):
        return 2.0 * M * E * kN * kN / den


def elastic_t_range(E, m, M):
    """(t_min, t_max) as (most negative, least negative) t in GeV^2 for the elastic reaction."""
    s = M * M + 2.0 * M * E
    rs = np.sqrt(s)
    p_in = (s - M * M) / (2.0 * rs)
    lam = (s - (M + m) ** 2) * (s - (M - m) ** 2)
    p_out = np.sqrt(np.maximum(lam, 0.0)) / (2.0 * rs)
    e_in, e_out = p_in, (s + m * m - M * M) / (2.0 * rs)
    t0 = m * m - 2.0 * (e_in * e_out - p_in * p_out)
    t1 = m * m - 2.0 * (e_in * e_out + p_in * p_out)
    return t1, t0
