"""K+ -> pi0 l+ N: the K_l3 matrix element with a massive neutral lepton and a massive charged lepton.

Hadronic current (PDG review "K_l3 form factors"; Cirigliano et al., Rev. Mod. Phys. 84 (2012) 399):

    <pi0(p)| s-bar gamma^mu u |K+(P)>  ~  F^mu = f_+(t) (P + p)^mu + f_-(t) (P - p)^mu,
    f_0(t) = f_+(t) + f_-(t) t / (m_K^2 - m_pi^2),      t = (P - p)^2 = (p_l + p_N)^2,

with the quadratic (vector) and linear (scalar) expansions in t / m_pi+^2 of the FlaviaNet fit
(``Kl3_lambda_*`` in ``data/constants.yaml``).  For the V-A lepton current
u-bar(p_N) gamma_mu (1 - gamma_5) v(p_l) the spin-summed squared matrix element is (the mass
terms of both leptons drop out of the trace, they enter only through kinematics)

    |M|^2  propto  8 [ 2 (F.p_l)(F.p_N) - F^2 (p_l.p_N) ],

(Shrock, Phys. Rev. D 24 (1981) 1232; Gorbunov & Shaposhnikov, JHEP 10 (2007) 015, App. A).
Branching ratios are normalised to the measured K_e3 / K_mu3 branching ratio at m_N -> 0:

    BR(K+ -> pi0 l+ N) / |U_l|^2 = BR(K_l3) * Gamma(m_N) / Gamma(m_N = 0).
"""

from __future__ import annotations

from functools import cache

import numpy as np

from nuportal import constants as C
from nuportal.kinematics import four_vector, random_unit_vectors

__all__ = [
    "form_factors", "hadronic_current", "matrix_element_sq", "dalitz_limits",
    "reduced_width", "br_over_U2", "sample_kl3_events", "LEPTON_MASS", "kmu3_over_ke3",
]

LEPTON_MASS = {"e": lambda: C.mass("e"), "mu": lambda: C.mass("mu")}
_MEASURED_BR = {"e": "BR_K_e3", "mu": "BR_K_mu3"}


def _masses():
    return C.mass("K+"), C.mass("pi0"), C.mass("pi+")


def form_factors(t):
    """K+ -> pi0 form factors (f_+, f_-) normalised to f_+(0) = 1.

    Parameters
    ----------
    t : array_like
        Squared momentum transfer (P_K - p_pi)^2 in GeV^2 (> 0).

    Returns
    -------
    f_plus, f_minus : ndarray
        Quadratic vector and linear scalar parametrisations (PDG / FlaviaNet convention, expansion
        in t / m_pi+^2), with f_- = (f_0 - f_+) (m_K^2 - m_pi^2) / t.
    """
    m_k, m_pi, m_pic = _masses()
    x = np.asarray(t, float) / m_pic**2
    f_plus = 1.0 + C.value("Kl3_lambda_plus_prime") * x + 0.5 * C.value(
        "Kl3_lambda_plus_second") * x * x
    f_zero = 1.0 + C.value("Kl3_lambda_0") * x
    f_minus = (f_zero - f_plus) * (m_k**2 - m_pi**2) / np.asarray(t, float)
    return f_plus, f_minus


def hadronic_current(p_kaon, p_pion, t=None):
    """F^mu = f_+(t) (P+p)^mu + f_-(t) (P-p)^mu for four-vectors of shape (..., 4).

    ``t`` defaults to (P - p)^2; pass it explicitly to evaluate the form factors at another point
    (the radiative generator evaluates them at the non-radiative momentum transfer).
    """
    q = p_kaon - p_pion
    if t is None:
        t = q[..., 0] ** 2 - np.sum(q[..., 1:] ** 2, axis=-1)
    f_plus, f_minus = form_factors(t)
    return f_plus[..., None] * (p_kaon + p_pion) + f_minus[..., None] * q


def matrix_element_sq(t, s_pil, m_l, m_n):
    """Spin-summed |M|^2 (up to a constant) as a function of the Dalitz invariants.

    Parameters
    ----------
    t : array_like
        (p_l + p_N)^2 in GeV^2.
    s_pil : array_like
        (p_pi + p_l)^2 in GeV^2.
    m_l, m_n : float or array_like
        Charged-lepton and HNL masses in GeV.
    """
    m_k, m_pi, _ = _masses()
    t, s_pil = np.asarray(t, float), np.asarray(s_pil, float)
    ml2, mn2 = np.square(m_l), np.square(m_n)
    s_pin = m_k**2 + m_pi**2 + ml2 + mn2 - t - s_pil
    pl_pn = 0.5 * (t - ml2 - mn2)
    p_pl = 0.5 * (s_pil - m_pi**2 - ml2)
    p_pn = 0.5 * (s_pin - m_pi**2 - mn2)
    big_pl = p_pl + ml2 + pl_pn          # P.p_l with P = p + p_l + p_N
    big_pn = p_pn + pl_pn + mn2          # P.p_N
    q_pl = 0.5 * (t + ml2 - mn2)
    q_pn = 0.5 * (t + mn2 - ml2)
    f_p, f_m = form_factors(t)
    f_dot_l = f_p * (big_pl + p_pl) + f_m * q_pl
    f_dot_n = f_p * (big_pn + p_pn) + f_m * q_pn
    f_sq = (f_p**2 * (2 * m_k**2 + 2 * m_pi**2 - t) + 2 * f_p * f_m * (m_k**2 - m_pi**2)
            + f_m**2 * t)
    return 8.0 * (2.0 * f_dot_l * f_dot_n - f_sq * pl_pn)


def dalitz_limits(t, m_l, m_n):
    """Range (s_min, s_max) of s_pil = (p_pi + p_l)^2 at fixed t (PDG kinematics review, Eq. 49.23)."""
    m_k, m_pi, _ = _masses()
    t = np.asarray(t, float)
    sqrt_t = np.sqrt(t)
    e_l = (t - np.square(m_n) + np.square(m_l)) / (2 * sqrt_t)   # lepton energy in the (lN) frame
    e_pi = (m_k**2 - t - m_pi**2) / (2 * sqrt_t)                  # pion energy in the (lN) frame
    p_l = np.sqrt(np.clip(e_l**2 - np.square(m_l), 0, None))
    p_pi = np.sqrt(np.clip(e_pi**2 - m_pi**2, 0, None))
    base = (e_l + e_pi) ** 2
    return base - (p_l + p_pi) ** 2, base - (p_l - p_pi) ** 2


_NODES, _WEIGHTS = np.polynomial.legendre.leggauss(96)


def reduced_width(m_n, lepton="e"):
    """Integral of |M|^2 over the Dalitz plot, proportional to Gamma(K+ -> pi0 l+ N) / |U_l|^2.

    Double Gauss-Legendre quadrature (96 x 96 nodes) with a square-root substitution in t that
    removes the threshold behaviour; zero at and beyond the kinematic endpoint.
    """
    m_k, m_pi, _ = _masses()
    m_l = LEPTON_MASS[lepton]()
    m_n = np.atleast_1d(np.asarray(m_n, float))
    out = np.zeros_like(m_n)
    open_ = m_n + m_l < (m_k - m_pi) * (1.0 - 1e-12)
    mn = m_n[open_][:, None, None]
    t_lo, t_hi = (mn + m_l) ** 2, (m_k - m_pi) ** 2
    u = 0.5 * (_NODES + 1.0)[None, :, None]                  # u in (0,1), t = lo + (hi-lo) u^2
    t = t_lo + (t_hi - t_lo) * u**2
    jac_t = 2.0 * u * (t_hi - t_lo) * 0.5
    s_lo, s_hi = dalitz_limits(t, m_l, mn)
    v = 0.5 * (_NODES + 1.0)[None, None, :]
    s = s_lo + (s_hi - s_lo) * v
    integrand = matrix_element_sq(t, s, m_l, mn) * (s_hi - s_lo) * 0.5 * jac_t
    w2 = _WEIGHTS[None, :, None] * _WEIGHTS[None, None, :]
    out[open_] = np.sum(integrand * w2, axis=(1, 2))
    return out


@cache
def _massless_width(lepton: str) -> float:
    return float(reduced_width(0.0, lepton)[0])


def br_over_U2(m_n, lepton="e"):
    """BR(K+ -> pi0 l+ N) / |U_l|^2, normalised to the measured BR(K_l3) at m_N = 0.

    Parameters
    ----------
    m_n : float or array_like
        HNL mass in GeV (zero beyond m_K - m_pi0 - m_l).
    lepton : {"e", "mu"}
        Charged lepton flavour.
    """
    ratio = reduced_width(m_n, lepton) / _massless_width(lepton)
    out = C.value(_MEASURED_BR[lepton]) * ratio
    return float(out[0]) if np.ndim(m_n) == 0 else out  # scalar in, scalar out


def kmu3_over_ke3() -> float:
    """Gamma(K_mu3) / Gamma(K_e3) predicted by the form factors alone (PDG: 0.661 +- 0.005)."""
    return _massless_width("mu") / _massless_width("e")


def sample_kl3_events(rng: np.random.Generator, n: int, m_n: float, lepton: str = "e"):
    """Unweighted K+ -> pi0 l+ N events in the kaon rest frame with the exact |M|^2.

    Dalitz-plot accept-reject (phase space is flat in (t, s_pil)) followed by a random rotation.

    Returns
    -------
    dict of ndarray
        ``p_pi``, ``p_l``, ``p_N``: four-momenta (n, 4) in GeV.
    """
    m_k, m_pi, _ = _masses()
    m_l = LEPTON_MASS[lepton]()
    if not 0.0 <= m_n < m_k - m_pi - m_l:
        raise ValueError(f"m_N = {m_n} GeV outside [0, {m_k - m_pi - m_l:.6f})")
    t_lo, t_hi = (m_n + m_l) ** 2, (m_k - m_pi) ** 2
    s_lo, s_hi = (m_pi + m_l) ** 2, (m_k - m_n) ** 2
    grid_t = np.linspace(t_lo, t_hi, 200)[:, None]
    sl, sh = dalitz_limits(grid_t, m_l, m_n)
    grid_s = sl + (sh - sl) * np.linspace(0, 1, 200)[None, :]
    m_max = 1.2 * np.max(matrix_element_sq(grid_t, grid_s, m_l, m_n))
    t_acc, s_acc = [], []
    n_have = 0
    while n_have < n:
        k = max(2 * (n - n_have), 1000)
        t = rng.uniform(t_lo, t_hi, k)
        s = rng.uniform(s_lo, s_hi, k)
        lo, hi = dalitz_limits(t, m_l, m_n)
        inside = (s > lo) & (s < hi)
        keep = inside & (rng.uniform(0, m_max, k) < np.where(inside, matrix_element_sq(
            t, s, m_l, m_n), 0.0))
        t_acc.append(t[keep])
        s_acc.append(s[keep])
        n_have += int(keep.sum())
    t = np.concatenate(t_acc)[:n]
    s = np.concatenate(s_acc)[:n]
    return _dalitz_to_momenta(rng, t, s, m_l, m_n)


def _dalitz_to_momenta(rng, t, s_pil, m_l, m_n):
    """Build kaon-rest-frame four-momenta from (t, s_pil) with an isotropic orientation."""
    m_k, m_pi, _ = _masses()
    n = t.size
    e_pi = (m_k**2 + m_pi**2 - t) / (2 * m_k)
    s_pin = m_k**2 + m_pi**2 + m_l**2 + m_n**2 - t - s_pil
    e_l = (m_k**2 + m_l**2 - s_pin) / (2 * m_k)
    e_n = m_k - e_pi - e_l
    p_pi = np.sqrt(np.clip(e_pi**2 - m_pi**2, 0, None))
    p_l = np.sqrt(np.clip(e_l**2 - m_l**2, 0, None))
    p_nn = np.sqrt(np.clip(e_n**2 - m_n**2, 0, None))
    # angle between pion and lepton from momentum balance: p_N^2 = p_pi^2 + p_l^2 + 2 p_pi p_l c
    cos_pl = np.clip((p_nn**2 - p_pi**2 - p_l**2) / (2 * p_pi * p_l), -1.0, 1.0)
    sin_pl = np.sqrt(1.0 - cos_pl**2)
    # frame: pion along axis a, lepton in (a, b) plane
    a = random_unit_vectors(rng, n)
    helper = np.where(np.abs(a[:, 2:3]) < 0.9, [0.0, 0.0, 1.0], [1.0, 0.0, 0.0])
    b = np.cross(a, helper)
    b /= np.linalg.norm(b, axis=1, keepdims=True)
    c = np.cross(a, b)
    phi = rng.uniform(0, 2 * np.pi, n)[:, None]
    perp = np.cos(phi) * b + np.sin(phi) * c
    pi3 = p_pi[:, None] * a
    l3 = p_l[:, None] * (cos_pl[:, None] * a + sin_pl[:, None] * perp)
    n3 = -(pi3 + l3)
    return {
        "p_pi": four_vector(e_pi, pi3),
        "p_l": four_vector(e_l, l3),
        "p_N": four_vector(e_n, n3),
    }


def endpoint(lepton: str = "e") -> float:
    """Largest kinematically allowed HNL mass m_K - m_pi0 - m_l in GeV."""
    m_k, m_pi, _ = _masses()
    return m_k - m_pi - LEPTON_MASS[lepton]()


