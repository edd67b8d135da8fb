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

Forward region.  Written with c = cos(Theta) the formulas above cancel catastrophically near c = 1 (the
static Q^2 to an absolute E^2 * 2e-16, E - E_N and hence t likewise), and c cannot even represent
1 - c < 1e-16, while the physical scale of the forward peak is u0 = Q^2_min / (2 E k) ~ m^4 / (8 E^4)
(1e-30 at E = 10 TeV, m = 5 MeV).  The ``*_u`` functions therefore take u = 1 - cos(Theta) and are exact
to rounding for every u in [0, 2]:

* static target: Q^2 = Q^2_min + 2 E k u with Q^2_min = (E - k)^2 = (m^2 / (E + k))^2;
* elastic: the energy transfer nu = E - E_N solves A nu^2 - B nu + C = 0 with w = 1 - c^2 = u (2 - u),
  A = M (2E + M) + w E^2, B = 2 M E^2 - (E + M) m^2 + 2 w E^3, C = m^4/4 + w E^2 k^2 (the squared
  conservation law shifted by E_N = E - nu; B^2 - 4AC = 4 E^2 c^2 [b^2 - m^2 (a^2 - E^2 c^2)], evaluated
  in that product form).  The
  small root nu = 2C / (B + sqrt(B^2 - 4AC)) (high E_N) and the large one (B + sqrt(...)) / (2A) have
  no cancellation; t = -2 M nu; at u = 0 the small root gives t_0 = t_max exactly.  E_N itself is
  (a b + E |c| sqrt(b^2 - m^2 (a^2 - E^2 c^2))) / A for the high root (a^2 - E^2 c^2 = A) and
  (b^2 + E^2 c^2 m^2) / (A E_hi) for the low one (product of the roots), not E - nu.  The Jacobian
  denominator is a k_N - E c E_N = M k_N - E m^2 / (E_N + k_N) + E u E_N.
"""

from __future__ import annotations

import numpy as np

__all__ = ["static_Q2", "static_Q2_u", "static_momentum", "static_Q2_min", "static_angle_scale",
           "static_cos_range", "elastic_threshold", "elastic_cos_min", "elastic_roots", "elastic_roots_u",
           "elastic_dt_dcos", "elastic_dt_du", "elastic_t_range"]


def static_momentum(E, m):
    """k = sqrt(E^2 - m^2) (GeV) as sqrt((E - m)(E + m)), 0 below threshold."""
    return np.sqrt(np.maximum((E - m) * (E + m), 0.0))


def static_Q2_min(E, m):
    """Q^2_min = (E - k)^2 = (m^2 / (E + k))^2 (GeV^2), without cancellation."""
    d = m * m / (E + static_momentum(E, m))
    return d * d


def static_Q2_u(E, u, m):
    """Q^2 = -t = Q^2_min + 2 E k u (GeV^2), u = 1 - cos(Theta) (reference 004 Eq. 33), exact for all u."""
    return static_Q2_min(E, m) + 2.0 * E * static_momentum(E, m) * u


def static_angle_scale(E, m):
    """u0 = Q^2_min / (2 E k): the u below which Q^2 of Eq. 33 saturates at Q^2_min (inf where k = 0)."""
    k = static_momentum(E, m)
    with np.errstate(divide="ignore"):
        return static_Q2_min(E, m) / (2.0 * E * k)


def static_Q2(E, cos_theta, m):
    """Q^2 = -t (GeV^2) for an infinitely heavy target (reference 004 Eq. 33), via :func:`static_Q2_u`.

    1 - cos(Theta) is exact in floating point for cos >= 0.5; use :func:`static_Q2_u` where
    1 - cos(Theta) < 1e-16 matters.
    """
    return static_Q2_u(E, 1.0 - np.asarray(cos_theta, float), m)


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


def _elastic_quadratic(E, u, m, M):
    """(A, B, C, B^2 - 4AC) of A nu^2 - B nu + C = 0 for nu = E - E_N (module docstring)."""
    w = u * (2.0 - u)
    A = M * (2.0 * E + M) + w * E * E
    B = 2.0 * M * E * E - (E + M) * m * m + 2.0 * w * E**3
    C = 0.25 * m**4 + w * E * E * (E - m) * (E + m)
    # B^2 - 4AC = 4 E^2 c^2 (lambda/4 - w m^2 E^2), lambda = (s - (M + m)^2)(s - (M - m)^2): the
    # product form, as B^2 and 4AC cancel for E >> M
    lam4 = 0.25 * (2.0 * M * (E - m) - m * m) * (2.0 * M * (E + m) - m * m)
    return A, B, C, 4.0 * E * E * (1.0 - u) ** 2 * (lam4 - w * m * m * E * E)


def elastic_roots_u(E, u, m, M):
    """Both lab-frame roots at u = 1 - cos(Theta), exact near u = 0 (see module docstring).

    Returns
    -------
    (E_hi, ok_hi, E_lo, ok_lo, nu_hi, nu_lo) : arrays
        The two roots E_N (GeV), booleans telling which are physical, and the energy transfers
        nu = E - E_N (GeV) computed without cancellation (t = -2 M nu).
    """
    E, u, m = (np.asarray(x, float) for x in (E, u, m))
    A, B, C, D = _elastic_quadratic(E, u, m, M)
    ssum = B + np.sqrt(np.maximum(D, 0.0))
    pos = ssum > 0.0
    with np.errstate(divide="ignore", invalid="ignore"):
        nu_hi = np.where(pos, 2.0 * C / np.where(pos, ssum, 1.0), np.inf)
    nu_lo = ssum / (2.0 * A)
    # E_N itself: E_hi = (a b + E |c| sqrt(D) / (2E|c|)) / A (both terms >= 0) and E_lo from the product of
    # the roots (b^2 + E^2 c^2 m^2) / A, not E - nu (which cancels where E_N << E)
    a, b = E + M, E * M + 0.5 * m * m
    c = 1.0 - u
    e_hi = (a * b + 0.5 * np.sqrt(np.maximum(D, 0.0))) / A
    with np.errstate(divide="ignore", invalid="ignore"):
        e_lo = (b * b + E * E * c * c * m * m) / (A * e_hi)
    above = (E >= elastic_threshold(m, M)) & (D >= 0.0) & pos
    # a E_N - b = E c k_N >= 0 for c >= 0: the high root always, the low root only in the double-valued
    # regime a^2 m^2 > b^2; for c < 0 (single-valued regime only) the low root is the physical one.
    double = a * a * m * m > b * b
    ok_hi = above & (u <= 1.0)
    ok_lo = above & ((u > 1.0) | double)
    return e_hi, ok_hi & (e_hi >= m), e_lo, ok_lo & (e_lo >= m), nu_hi, nu_lo


def elastic_roots(E, cos_theta, m, M):
    """Both lab-frame E_N roots and their validity masks (see module docstring).

    Returns
    -------
    (E_hi, ok_hi, E_lo, ok_lo) : arrays
        The two roots (GeV) and booleans telling which are physical (:func:`elastic_roots_u` at
        u = 1 - cos(Theta)).
    """
    return elastic_roots_u(E, 1.0 - np.asarray(cos_theta, float), m, M)[:4]


def elastic_dt_du(E, u, E_N, m, M):
    """|dt/du| = |dt/dcos(Theta)| (GeV^2) at a root E_N, u = 1 - cos(Theta), without cancellation."""
    kN = np.sqrt(np.maximum((E_N - m) * (E_N + m), 0.0))
    with np.errstate(divide="ignore", invalid="ignore"):
        den = np.abs(M * kN - E * m * m / (E_N + kN) + E * u * E_N)
        return 2.0 * M * E * kN * kN / den


def elastic_dt_dcos(E, cos_theta, E_N, m, M):
    """|dt/dcos(Theta)| (GeV^2) at a given root E_N of the elastic reaction (:func:`elastic_dt_du`)."""
    return elastic_dt_du(E, 1.0 - np.asarray(cos_theta, float), E_N, m, M)


def elastic_t_range(E, m, M):
    """(t_min, t_max) as (most negative, least negative) t in GeV^2 for the elastic reaction.

    The roots of the u = 0 (and u = 2) quadratic of the module docstring: t_max = -4 M C / (B + sqrt D),
    t_min = -M (B + sqrt D) / A, exact also where t_max ~ -m^4 / (4 E^2) is 1e-20 of s.
    """
    A, B, C, D = _elastic_quadratic(E, 0.0 * np.asarray(E, float), m, M)
    ssum = B + np.sqrt(np.maximum(D, 0.0))
    with np.errstate(divide="ignore", invalid="ignore"):
        t_hi = np.where(ssum > 0.0, -4.0 * M * C / np.where(ssum > 0.0, ssum, 1.0), 0.0)
    return -M * ssum / A, t_hi
