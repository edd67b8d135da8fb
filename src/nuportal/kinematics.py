"""Relativistic kinematics helpers, vectorised over events.

Four-vectors are arrays of shape ``(..., 4)`` ordered ``(E, px, py, pz)`` in GeV; the metric is
``diag(+1, -1, -1, -1)``.
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "kallen", "two_body_momentum", "dot", "mass2", "boost", "boost_along_z",
    "random_unit_vectors", "four_vector", "angle_to_z",
]


def kallen(a, b, c):
    """Kallen triangle function lambda(a, b, c) = a^2 + b^2 + c^2 - 2ab - 2ac - 2bc."""
    a, b, c = np.asarray(a, float), np.asarray(b, float), np.asarray(c, float)
    return a * a + b * b + c * c - 2.0 * (a * b + a * c + b * c)


def two_body_momentum(M, m1, m2):
    """Momentum (GeV) of either daughter in the rest frame of M -> m1 m2 (0 below threshold)."""
    lam = kallen(np.square(M), np.square(m1), np.square(m2))
    return np.sqrt(np.clip(lam, 0.0, None)) / (2.0 * np.asarray(M, float))


def dot(a, b):
    """Minkowski product a.b of four-vectors of shape (..., 4)."""
    return a[..., 0] * b[..., 0] - np.sum(a[..., 1:] * b[..., 1:], axis=-1)


def mass2(p):
    """Invariant mass squared p.p in GeV^2."""
    return dot(p, p)


def four_vector(energy, momentum3):
    """Stack an energy array (...) and a three-momentum array (..., 3) into (..., 4)."""
    return np.concatenate([np.asarray(energy)[..., None], momentum3], axis=-1)


def boost(p, beta):
    """Boost four-vectors ``p`` (..., 4) by velocity ``beta`` (..., 3) (the frame moving at -beta).

    A particle at rest in the frame where ``p`` is given ends up with velocity ``beta``.
    """
    beta = np.asarray(beta, float)
    b2 = np.sum(beta * beta, axis=-1)
    gamma = 1.0 / np.sqrt(1.0 - b2)
    bp = np.sum(beta * p[..., 1:], axis=-1)
    safe_b2 = np.where(b2 > 0, b2, 1.0)
    coef = np.where(b2 > 0, (gamma - 1.0) * bp / safe_b2, 0.0)
    e_new = gamma * (p[..., 0] + bp)
    p3_new = p[..., 1:] + (coef + gamma * p[..., 0])[..., None] * beta
    return four_vector(e_new, p3_new)


def boost_along_z(p, gamma):
    """Boost four-vectors (..., 4) along +z with Lorentz factor ``gamma`` (broadcastable)."""
    gamma = np.asarray(gamma, float)
    bg = np.sqrt(gamma * gamma - 1.0)
    e = gamma * p[..., 0] + bg * p[..., 3]
    pz = bg * p[..., 0] + gamma * p[..., 3]
    return np.stack([e, p[..., 1], p[..., 2], pz], axis=-1)


def random_unit_vectors(rng: np.random.Generator, n: int):
    """``n`` isotropic unit vectors, shape (n, 3)."""
    cos_t = rng.uniform(-1.0, 1.0, n)
    phi = rng.uniform(0.0, 2.0 * np.pi, n)
    sin_t = np.sqrt(1.0 - cos_t * cos_t)
    return np.stack([sin_t * np.cos(phi), sin_t * np.sin(phi), cos_t], axis=-1)


def angle_to_z(p):
    """Polar angle (rad) of the three-momentum of four-vectors (..., 4) with respect to +z."""
    pt = np.hypot(p[..., 1], p[..., 2])
    return np.arctan2(pt, p[..., 3])
