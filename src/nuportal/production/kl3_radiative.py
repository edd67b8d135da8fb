"""K+ -> pi0 e+ nu_e gamma: weighted events with the exact O(e) inner-bremsstrahlung amplitude.

This is the dominant background of the K+ -> pi0 e+ N missing-mass search (reference 000,
Sec. III): the radiative photon escapes detection and m2_miss = (p_K - p_pi - p_e)^2 =
(p_nu + p_gamma)^2 is shifted away from zero.

Amplitude
---------
With the K_e3 hadronic current of :func:`nuportal.production.kl3.hadronic_current`,
F^nu = f_+ (P + p)^nu + f_- (P - p)^nu (P = p_K, p = p_pi), and the V-A lepton current, the
non-radiative amplitude is M_0 = c F_nu u-bar(p_nu) gamma^nu (1 - g5) v(p_e) with
c = G_F V_us / sqrt(2) times the isospin factor, and the inner-bremsstrahlung (IB) amplitude of
K+ -> pi0 e+ nu gamma is T = e c eps*_mu T^mu with

    T^mu = V^{mu nu} u-bar(p_nu) gamma_nu (1 - g5) v(p_e)
           + F_nu u-bar(p_nu) gamma^nu (1 - g5) (m_e - pslash_e - qslash) gamma^mu v(p_e)
             / (2 p_e.q),
    V^{mu nu} = P^mu / (P.q) [f_+ (P - q + p)^nu + f_- (P - q - p)^nu] + (f_+ + f_-) g^{mu nu}.

The first line is emission off the kaon (plus the contact term that makes it gauge invariant),
the second emission off the positron.  The form factors are evaluated at one common
t = (P - p)^2 in every term, so that q_mu T^mu = 0 holds exactly (q_mu V^{mu nu} = F^nu and the
positron term contracts to -F.L by the Dirac equation).  This is Low's theorem with the
O(q^0) terms proportional to the form-factor slopes df/dt dropped, and without the
structure-dependent (SD) amplitudes (vector / axial hadronic form factors of K -> pi gamma W*):
both change the rate at the ~1% level for the usual cuts (Gasser, Kubis, Paver, Verbeni,
Eur. Phys. J. C 40 (2005) 205; Kubis, Mueller, Gasser, Schmid, Eur. Phys. J. C 50 (2007) 557).

Squared matrix element
----------------------
Photon polarisations are summed with -g_{mu nu} (allowed because q_mu T^mu = 0), the spins
with the usual completeness relations.  The neutrino is massless and left-handed, so in the
Weyl basis u-bar(p_nu) gamma^nu (1 - g5) X = 2 u_L^dag sigmabar^nu X_L: the whole spin sum is
a trace of products of the 2x2 matrices v.sigma and v.sigmabar.  Writing the amplitude as
Y^mu = A^mu v_L + B^mu v_R, with

    A^mu = 2 [a^mu G.sigmabar + K sigmabar^mu],   B^mu = 2 m_e d F.sigmabar sigma^mu,
    a = P / (P.q),   G = F - (f_+ + f_-) q,   d = 1 / (2 p_e.q),
    K = f_+ + f_- - d (F.sigmabar) (Pe.sigma),

(Pe = p_e + q) and using sum_s v_L v_L^dag = p_e.sigma, sum_s v_L v_R^dag = -m_e,
sum_s v_R v_R^dag = p_e.sigmabar, u_L u_L^dag = p_nu.sigma and the Fierz identities
sigmabar^mu (x.sigma) sigmabar_mu = -2 x.sigmabar, sigma^mu (x.sigmabar) sigma_mu = -2 x.sigma,
sigmabar^mu sigma_mu = 4, one finds (see :func:`_ib_trace`)

    sum |T^mu|^2 (-g) = -4 a^2 T1 - 8 T2 + 8 T3 + 8 m_e^2 d (T4 + 4 T5) + 8 m_e^2 d^2 T6

where T1..T6 are real parts of traces of 4 or 6 alternating sigma / sigmabar matrices,
Re tr[(a.sigma)(b.sigmabar)(c.sigma)(d.sigmabar)] = 2 [(ab)(cd) - (ac)(bd) + (ad)(bc)]
(half the Dirac trace; the Levi-Civita parts are imaginary and cancel in |T|^2).  Only Minkowski
products of p_nu, p_e, q, p_K and F are needed, which makes the evaluation fast.  The same
machinery without the photon gives 4 tr[(p_nu.sigma)(F.sigmabar)(p_e.sigma)(F.sigmabar)] =
8 [2 (F.p_e)(F.p_nu) - F^2 p_e.p_nu], the trace of
:func:`nuportal.production.kl3.matrix_element_sq`.
A slow, independent 4x4 Dirac-matrix implementation (:func:`ib_current_dirac`,
:func:`matrix_element_sq_dirac`) is kept for validation.

Phase space and weights
-----------------------
Events are built as K -> gamma R, R -> pi0 W, W -> e+ nu (R = pi0 e+ nu system, W = e+ nu):

    dPhi_4 = dPhi_2(K; gamma, R) dM_R^2/(2 pi) dPhi_2(R; pi, W) dt_W/(2 pi) dPhi_2(W; e, nu),
    dPhi_2(M; a, b) = p* dOmega* / (16 pi^2 M)

(dPhi_n = (2 pi)^4 delta^4(...) prod d^3p / ((2 pi)^3 2E)).  Importance sampling:

* E_gamma (kaon frame) with density 1/E_gamma on [E_min, E_max] (infrared peak);
* t_W = (p_e + p_nu)^2 with density ~ (t_max - t)^T_POWER (the K_e3 rate vanishes as p_pi^3);
* the positron direction in the W frame relative to the W flight direction: mixture of uniform
  and 3/4 sin^2 (vector-current shape), fraction SIN2_FRACTION;
* the photon direction is chosen relative to the positron direction in the R rest frame, where
  p_e.q = E_gamma^R E_e^R (1 - beta_e^R cos theta^R): a mixture of a uniform distribution in
  cos theta^R and one proportional to 1 / (1 - beta_e^R cos theta^R) (collinear peak),
  fraction COLLINEAR_FRACTION.  The overall orientation stays isotropic (Haar measure), so
  the Jacobian is (1/4 pi)/(h/2 pi).

The weight spread is (sum w)^2 / (n sum w^2) ~ 0.70 for E_min = 1 MeV; about 1e6 weighted
events per second on one core.

Each event carries the weight

    w = BR(K_e3) * Gamma(K -> pi0 e+ nu gamma) / Gamma_0 density
      = BR(K_e3) * e^2 |T|^2 dPhi_4/dx / g(x) / (2 m_K)  /  [R_0 / (256 pi^3 m_K^3)],

with e^2 = 4 pi alpha and R_0 = :func:`nuportal.production.kl3.reduced_width` (0, 'e') the
integral of the same spin-summed |M_0|^2 / |c|^2 over the Dalitz plot, so that
Gamma_0 = |c|^2 R_0 / (256 pi^3 m_K^3); the constant |c|^2 cancels.  The mean weight is the
branching ratio of the sampled region.  The measured BR(K_e3) is inclusive of radiation; the
difference between Gamma_0 and the inclusive width is O(alpha) and is neglected.

Photon energy cut
-----------------
The generator produces only E*_gamma > E_min (default 1 MeV, kaon frame).  Softer photons move
m2_miss = 2 E_nu E_gamma (1 - cos theta_nu,gamma) by at most 4 E_nu E_gamma < 1e-3 GeV^2, below
the NA62 m2_miss resolution (sigma ~ 1.7e-3 GeV^2, reference 000, Sec. II): those events belong
to the K_e3 peak and are described by the non-radiative generator (whose normalisation
includes them, to O(alpha)).

Validation (tests/production/test_kl3_radiative.py)
----------------------------------------------------
R = BR(K_e3 gamma)/BR(K_e3) in the NA62 regions (1e7 events each): E* > 10 MeV, theta* > 10 deg:
1.799(1)e-2; E* > 30 MeV, theta* > 20 deg: 0.6445(5)e-2; E* > 10 MeV, 0.6 < cos theta* < 0.9:
0.5557(6)e-2, within 1% of ChPT O(p^4) (1.804, 0.640, 0.559 e-2; Kubis et al. 2007) and
4-6% above the NA62 2023 measurements (JHEP 09 (2023) 040), which lie below ChPT by a similar
amount.  R(E* > 1 MeV, all angles) = 9.61e-2.
"""

from __future__ import annotations

from functools import cache

import numpy as np

from nuportal import constants as C
from nuportal.production import kl3

__all__ = [
    "sample_ke3_gamma", "radiative_ratio", "matrix_element_sq", "nonradiative_matrix_element_sq",
    "ib_current_dirac", "matrix_element_sq_dirac", "e_gamma_max", "CHUNK", "COLLINEAR_FRACTION",
]

#: events generated per internal chunk (bounds the memory of intermediate arrays)
CHUNK = 100_000
#: fraction of photon directions drawn from the collinear (1 / (1 - beta cos)) component
COLLINEAR_FRACTION = 0.95
#: power k of the (t_hi - t)^k proposal for t_W = (p_e + p_nu)^2
T_POWER = 1.0
#: fraction of W-frame positron angles drawn from the 3/4 (1 - x^2) component
SIN2_FRACTION = 0.8


def _masses():
    return C.mass("K+"), C.mass("pi0"), C.mass("e")


def e_gamma_max() -> float:
    """Largest photon energy in the kaon frame, (m_K^2 - (m_pi0 + m_e)^2) / (2 m_K), in GeV."""
    m_k, m_pi, m_e = _masses()
    return (m_k**2 - (m_pi + m_e) ** 2) / (2.0 * m_k)


# --------------------------------------------------------------------------------------------
# squared matrix element (fast, trace form)
# --------------------------------------------------------------------------------------------

def _mdot(a, b):
    """Minkowski product of four-vectors stored component-first, shape (4, ...)."""
    return a[0] * b[0] - a[1] * b[1] - a[2] * b[2] - a[3] * b[3]


class _Dots(dict):
    """Symmetric table of Minkowski products keyed by pairs of vector labels."""

    def __getitem__(self, key):
        a, b = key
        return dict.__getitem__(self, (a, b) if a <= b else (b, a))

    def __setitem__(self, key, val):
        a, b = key
        dict.__setitem__(self, (a, b) if a <= b else (b, a), val)


def _tr4(D, a, b, c, d):
    """Re tr[(a.sigma)(b.sigmabar)(c.sigma)(d.sigmabar)] = 2[(ab)(cd) - (ac)(bd) + (ad)(bc)]."""
    return 2.0 * (D[a, b] * D[c, d] - D[a, c] * D[b, d] + D[a, d] * D[b, c])


def _tr6(D, a, b, c, d, e, f):
    """Re tr of six alternating sigma / sigmabar matrices (Dirac-trace recursion, halved)."""
    return (D[a, b] * _tr4(D, c, d, e, f) - D[a, c] * _tr4(D, b, d, e, f)
            + D[a, d] * _tr4(D, b, c, e, f) - D[a, e] * _tr4(D, b, c, d, f)
            + D[a, f] * _tr4(D, b, c, d, e))


def _current(p_k, p_pi, t):
    """Hadronic current F (component-first) and f_+ + f_- at the common t, reusing kl3."""
    f_plus, f_minus = kl3.form_factors(t)
    big_f = kl3.hadronic_current(np.moveaxis(p_k, 0, -1), np.moveaxis(p_pi, 0, -1), t)
    return np.ascontiguousarray(np.moveaxis(big_f, -1, 0)), f_plus + f_minus


def _ib_trace(p_k, p_pi, p_e, p_nu, q):
    """sum_spins,pol |T|^2 (without e^2 |c|^2) for component-first four-vectors (4, n)."""
    m_e = C.mass("e")
    t = _mdot(p_k - p_pi, p_k - p_pi)
    big_f, c = _current(p_k, p_pi, t)
    # base products among n = p_nu, e = p_e, q, k = p_K, F
    base = {"n": p_nu, "e": p_e, "q": q, "k": p_k, "F": big_f}
    B = _Dots()
    names = list(base)
    for i, x in enumerate(names):
        for y in names[i:]:
            if x == y and x in ("n", "q"):
                continue
            B[x, y] = _mdot(base[x], base[y])
    B["n", "n"] = B["q", "q"] = 0.0
    B["e", "e"] = m_e * m_e
    kq, eq = B["k", "q"], B["e", "q"]
    d = 0.5 / eq
    inv_kq = 1.0 / kq
    # composite vectors: G = F - c q, a = p_K / (p_K.q), P = p_e + q
    D = _Dots()
    for x in ("n", "e", "F"):
        D[x, "G"] = B[x, "F"] - c * B[x, "q"]
        D[x, "a"] = B[x, "k"] * inv_kq
        D[x, "P"] = B[x, "e"] + B[x, "q"]
    for x, y in (("n", "e"), ("n", "F"), ("e", "F"), ("F", "F")):
        D[x, y] = B[x, y]
    D["G", "G"] = B["F", "F"] - 2.0 * c * B["q", "F"]
    D["G", "a"] = (B["k", "F"] - c * kq) * inv_kq
    D["G", "P"] = D["e", "G"] + B["q", "F"]
    D["a", "a"] = B["k", "k"] * inv_kq * inv_kq
    D["a", "P"] = (B["k", "e"] + kq) * inv_kq
    D["P", "P"] = m_e * m_e + 2.0 * eq
    tr_nfpf = _tr4(D, "n", "F", "P", "F")
    tr_nfef = _tr4(D, "n", "F", "e", "F")
    t1 = 2.0 * (2.0 * D["n", "G"] * D["e", "G"] - D["n", "e"] * D["G", "G"])
    t2 = c * _tr4(D, "n", "G", "e", "a") - d * _tr6(D, "n", "G", "e", "a", "P", "F")
    # S(P) Sb(e) S(P) = 2 (P.e) S(P) - P^2 S(e) reduces the six-matrix trace of T3
    t3 = (2.0 * c * c * D["n", "e"] - 2.0 * c * d * _tr4(D, "n", "e", "P", "F")
          + d * d * (2.0 * D["e", "P"] * tr_nfpf - D["P", "P"] * tr_nfef))
    t4 = _tr4(D, "n", "G", "a", "F")
    t5 = 2.0 * c * D["n", "F"] - d * tr_nfpf
    t6 = tr_nfef
    m2 = m_e * m_e
    return (-4.0 * D["a", "a"] * t1 - 8.0 * t2 + 8.0 * t3 + 8.0 * m2 * d * (t4 + 4.0 * t5)
            + 8.0 * m2 * d * d * t6)


def _components(p):
    return np.ascontiguousarray(np.moveaxis(np.asarray(p, float), -1, 0))


def matrix_element_sq(p_k, p_pi, p_e, p_nu, p_gamma):
    """Spin- and polarisation-summed |T|^2 / (e^2 |c|^2) of K+ -> pi0 e+ nu gamma (IB, O(e)).

    Parameters
    ----------
    p_k, p_pi, p_e, p_nu, p_gamma : array_like, shape (..., 4)
        Four-momenta (E, px, py, pz) in GeV satisfying p_k = p_pi + p_e + p_nu + p_gamma; any
        frame (the result is Lorentz invariant).

    Returns
    -------
    ndarray, shape (...)
        -g_{mu nu} sum_spins T^mu T^nu* in GeV^2 (the constant c and normalisation are those
        of :func:`nuportal.production.kl3.matrix_element_sq`, which is in GeV^4).
    """
    return _ib_trace(*(_components(p) for p in (p_k, p_pi, p_e, p_nu, p_gamma)))


def nonradiative_matrix_element_sq(p_k, p_pi, p_e, p_nu):
    """Spin-summed |M_0|^2 / |c|^2 from the same sigma-matrix machinery (four-momenta (..., 4)).

    4 Re tr[(p_nu.sigma)(F.sigmabar)(p_e.sigma)(F.sigmabar)]; equals
    8 [2 (F.p_e)(F.p_nu) - F^2 p_e.p_nu] and :func:`nuportal.production.kl3.matrix_element_sq`.
    """
    p_k, p_pi, p_e, p_nu = (_components(p) for p in (p_k, p_pi, p_e, p_nu))
    t = _mdot(p_k - p_pi, p_k - p_pi)
    big_f, _ = _current(p_k, p_pi, t)
    D = _Dots()
    vec = {"n": p_nu, "e": p_e, "F": big_f}
    for x in vec:
        for y in vec:
            D[x, y] = _mdot(vec[x], vec[y])
    return 4.0 * _tr4(D, "n", "F", "e", "F")


# --------------------------------------------------------------------------------------------
# slow reference: explicit 4x4 Dirac matrices (validation only)
# --------------------------------------------------------------------------------------------

_SIGMA = np.array([[[0, 1], [1, 0]], [[0, -1j], [1j, 0]], [[1, 0], [0, -1]]], complex)
_ZERO2, _ONE2 = np.zeros((2, 2), complex), np.eye(2, dtype=complex)
#: Weyl-basis gamma^mu (upper index), gamma^5 and the metric
GAMMA = np.array([np.block([[_ZERO2, _ONE2], [_ONE2, _ZERO2]])]
                 + [np.block([[_ZERO2, s], [-s, _ZERO2]]) for s in _SIGMA])
GAMMA5 = np.diag([-1.0, -1.0, 1.0, 1.0]).astype(complex)
METRIC = np.diag([1.0, -1.0, -1.0, -1.0])


def _slash(p):
    """p_mu gamma^mu for four-vectors (..., 4) -> (..., 4, 4)."""
    return np.einsum("...m,mab->...ab", np.asarray(p, float) @ METRIC, GAMMA)


def ib_current_dirac(p_k, p_pi, p_e, p_nu, p_gamma):
    """Dirac-space operator Gamma^mu of the IB amplitude, shape (n, 4 [mu, upper], 4, 4).

    T^mu = u-bar(p_nu) Gamma^mu v(p_e).  Slow reference implementation (validation only).
    """
    p_k, p_pi, p_e, p_nu, q = (np.atleast_2d(np.asarray(p, float))
                               for p in (p_k, p_pi, p_e, p_nu, p_gamma))
    m_e = C.mass("e")
    diff = p_k - p_pi
    t = diff[:, 0] ** 2 - np.sum(diff[:, 1:] ** 2, axis=1)
    f_plus, f_minus = kl3.form_factors(t)
    big_f = kl3.hadronic_current(p_k, p_pi, t)
    g_vec = big_f - (f_plus + f_minus)[:, None] * q
    kq = np.einsum("na,ab,nb->n", p_k, METRIC, q)
    eq = np.einsum("na,ab,nb->n", p_e, METRIC, q)
    v_minus_a = np.eye(4) - GAMMA5                                   # (1 - g5)
    gam_va = np.einsum("mab,bc->mac", GAMMA, v_minus_a)               # gamma^nu (1 - g5)
    # V^{mu nu} gamma_nu (1 - g5) = a^mu G.gamma (1-g5) + (f+ + f-) gamma^mu (1-g5)
    g_slash = np.einsum("nm,mac->nac", g_vec @ METRIC, gam_va)
    term_k = (p_k / kq[:, None])[:, :, None, None] * g_slash[:, None]
    term_k = term_k + (f_plus + f_minus)[:, None, None, None] * gam_va[None]
    f_slash = np.einsum("nm,mac->nac", big_f @ METRIC, gam_va)
    prop = m_e * np.eye(4) - _slash(p_e + q)                            # (n, 4, 4)
    term_e = np.einsum("nab,nbc,mcd->nmad", f_slash, prop, GAMMA) / (2.0 * eq)[:, None, None, None]
    return term_k + term_e


def matrix_element_sq_dirac(p_k, p_pi, p_e, p_nu, p_gamma, polarisation_sum=None):
    """Slow 4x4 reference for :func:`matrix_element_sq`.

    Contracts tr[pslash_nu Gamma^mu (pslash_e - m_e) gamma^0 Gamma^nu^dag gamma^0] with
    -g_{mu nu}, or with ``polarisation_sum`` (n, 4, 4) = sum_lambda eps_mu eps_nu^* (lower
    indices), e.g. the two transverse polarisations, to test gauge invariance.
    """
    m_e = C.mass("e")
    gam = ib_current_dirac(p_k, p_pi, p_e, p_nu, p_gamma)
    gbar = np.einsum("ab,nmcb,cd->nmad", GAMMA[0], gam.conj(), GAMMA[0])  # gamma0 Gamma^dag gamma0
    p_nu, p_e = np.atleast_2d(p_nu), np.atleast_2d(p_e)
    left = _slash(p_nu)
    right = _slash(p_e) - m_e * np.eye(4)
    tens = np.einsum("nab,nmbc,ncd,nkda->nmk", left, gam, right, gbar)
    if polarisation_sum is None:
        polarisation_sum = np.broadcast_to(-METRIC, (gam.shape[0], 4, 4))
    return np.real(np.einsum("nmk,nmk->n", tens, polarisation_sum))


# --------------------------------------------------------------------------------------------
# phase space
# --------------------------------------------------------------------------------------------

def _sphere(u_cos, u_phi):
    """cos theta, sin theta, cos phi, sin phi of isotropic directions from two uniforms."""
    cos_t = 1.0 - 2.0 * u_cos
    sin_t = np.sqrt((1.0 - cos_t) * (1.0 + cos_t))
    phi = 2.0 * np.pi * u_phi
    return cos_t, sin_t, np.cos(phi), np.sin(phi)


def _sin2_cos(v):
    """Inverse CDF of the density 3/4 (1 - x^2) on [-1, 1] (root of x^3 - 3x + 4v - 2 = 0)."""
    return 2.0 * np.cos(np.arccos(1.0 - 2.0 * v) / 3.0 - 2.0 * np.pi / 3.0)


def _boost(e, p3, n_hat, gamma, gamma_beta):
    """Boost (e, p3) [p3 shape (3, n)] so that a body at rest moves along n_hat with gamma."""
    npar = np.einsum("in,in->n", n_hat, p3)
    e_new = gamma * e + gamma_beta * npar
    p_new = p3 + ((gamma - 1.0) * npar + gamma_beta * e) * n_hat
    return e_new, p_new


def _generate(rng, n, e_lo, e_hi, collinear_fraction=COLLINEAR_FRACTION):
    """Phase-space points with photon energy in [e_lo, e_hi) (kaon frame).

    Returns component-first kaon-frame four-momenta ``p_pi, p_e, p_nu, q`` (4, n) and
    ``w_ps`` = dPhi_4 / (sampling density) in GeV^4.  Sampling densities (all normalised):

    * E_gamma: 1 / (E_gamma log(e_hi / e_lo));
    * t_W: (k + 1) y^k / (t_hi - t_lo) with y = (t_hi - t) / (t_hi - t_lo), k = T_POWER
      (the K_e3 rate vanishes like p_pi^3 at t_hi);
    * cos theta_W (positron in the W frame w.r.t. the W flight direction): mixture of uniform and
      3/4 (1 - x^2) (the vector-current sin^2 shape), fraction SIN2_FRACTION;
    * photon direction: see the module docstring (collinear fraction ``collinear_fraction``).
    """
    m_k, m_pi, m_e = _masses()
    u = rng.random((10, n))
    log_e = np.log(e_hi / e_lo)
    e_g = e_lo * np.exp(log_e * u[0])
    m_r = np.sqrt(m_k * m_k - 2.0 * m_k * e_g)
    # R -> pi0 W
    t_lo, t_hi = m_e * m_e, (m_r - m_pi) ** 2
    y = (1.0 - u[1]) ** (1.0 / (T_POWER + 1.0))                       # in (0, 1]
    t = t_hi - (t_hi - t_lo) * y
    inv_g_t = (t_hi - t_lo) / ((T_POWER + 1.0) * y**T_POWER)
    m_w = np.sqrt(t)
    lam = (m_r * m_r - (m_pi + m_w) ** 2) * (m_r * m_r - (m_pi - m_w) ** 2)
    p1 = np.sqrt(np.clip(lam, 0.0, None)) / (2.0 * m_r)
    p2 = (t - m_e * m_e) / (2.0 * m_w)
    ct1, st1, cp1, sp1 = _sphere(u[2], u[3])          # W direction n1 in the R frame
    n1 = np.array([st1 * cp1, st1 * sp1, ct1])
    e_th = np.array([ct1 * cp1, ct1 * sp1, -st1])
    e_ph = np.array([-sp1, cp1, np.zeros_like(cp1)])
    # positron direction in the W frame relative to n1
    sin2 = u[6] < SIN2_FRACTION
    x = np.where(sin2, _sin2_cos(u[4]), 1.0 - 2.0 * u[4])
    dens_w = (1.0 - SIN2_FRACTION) * 0.5 + SIN2_FRACTION * 0.75 * (1.0 - x) * (1.0 + x)
    sx = np.sqrt(np.clip((1.0 - x) * (1.0 + x), 0.0, None))
    phi2 = 2.0 * np.pi * u[5]
    n2 = x * n1 + sx * (np.cos(phi2) * e_th + np.sin(phi2) * e_ph)
    e_w = np.sqrt(p1 * p1 + t)
    e_e_w = (t + m_e * m_e) / (2.0 * m_w)
    ee_r, pe_r = _boost(e_e_w, p2 * n2, n1, e_w / m_w, p1 / m_w)
    epi_r = np.sqrt(p1 * p1 + m_pi * m_pi)
    ppi_r = -p1 * n1
    # photon direction relative to the R-frame positron: uniform + collinear mixture
    pabs = np.sqrt(np.einsum("in,in->n", pe_r, pe_r))
    e_hat = pe_r / pabs
    beta = pabs / ee_r
    one_m_beta = m_e * m_e / (ee_r * (ee_r + pabs))
    log_c = np.log1p(beta) - np.log(one_m_beta)
    coll = u[8] < collinear_fraction
    u_col = one_m_beta * np.exp(log_c * u[7])         # 1 - beta cos in (1 - beta, 1 + beta)
    cos_c = np.where(coll, (1.0 - u_col) / beta, 1.0 - 2.0 * u[7])
    one_m_bc = np.where(coll, u_col, 1.0 - beta * cos_c)
    dens_c = (1.0 - collinear_fraction) * 0.5 + collinear_fraction * beta / (one_m_bc * log_c)
    sin_c = np.sqrt(np.clip((1.0 - cos_c) * (1.0 + cos_c), 0.0, None))
    helper = np.where(np.abs(e_hat[2]) < 0.9, np.array([0.0, 0.0, 1.0])[:, None],
                      np.array([1.0, 0.0, 0.0])[:, None])
    v1 = np.cross(e_hat, helper, axis=0)
    v1 /= np.sqrt(np.einsum("in,in->n", v1, v1))
    v2 = np.cross(e_hat, v1, axis=0)
    phi = 2.0 * np.pi * u[9]
    q_hat = cos_c * e_hat + sin_c * (np.cos(phi) * v1 + np.sin(phi) * v2)
    # boost R-frame momenta to the kaon frame: R moves along -q_hat with |p_R| = E_gamma
    gam_r, gb_r = (m_k - e_g) / m_r, e_g / m_r
    epi, ppi = _boost(epi_r, ppi_r, -q_hat, gam_r, gb_r)
    ee, pe = _boost(ee_r, pe_r, -q_hat, gam_r, gb_r)
    q3 = e_g * q_hat
    enu = m_k - e_g - epi - ee
    pnu = -(q3 + ppi + pe)
    # dPhi_4 / density = E_g p1 p2 / (256 pi^5 m_R m_W dens_c) x 1/g_E x 1/g_t x (1/2)/dens_w
    # (dens_c, dens_w: normalised densities of the photon and W-frame polar cosines; the
    # azimuths and the overall orientation are sampled uniformly)
    w_ps = (e_g * e_g * log_e * inv_g_t * p1 * p2
            / (512.0 * np.pi**5 * m_r * m_w * dens_c * dens_w))
    four = lambda e, p: np.concatenate([e[None], p])  # noqa: E731
    return four(epi, ppi), four(ee, pe), four(enu, pnu), four(e_g, q3), w_ps


@cache
def _weight_constant() -> float:
    """BR(K_e3) e^2 / (2 m_K) / [R_0 / (256 pi^3 m_K^3)] in GeV^-4 (multiplies |T|^2 dPhi_4)."""
    m_k = C.mass("K+")
    r0 = float(kl3.reduced_width(0.0, "e")[0])
    e2 = 4.0 * np.pi * C.value("alpha_em")
    return C.value("BR_K_e3") * e2 / (2.0 * m_k) * 256.0 * np.pi**3 * m_k**3 / r0


def _weighted_chunk(rng, n, e_lo, e_hi, collinear_fraction=COLLINEAR_FRACTION):
    p_pi, p_e, p_nu, q, w_ps = _generate(rng, n, e_lo, e_hi, collinear_fraction)
    p_k = np.zeros_like(q)
    p_k[0] = C.mass("K+")
    w = _weight_constant() * _ib_trace(p_k, p_pi, p_e, p_nu, q) * w_ps
    return p_pi, p_e, p_nu, q, w


def sample_ke3_gamma(rng: np.random.Generator, n: int, e_gamma_min: float = 0.001) -> dict:
    """Weighted K+ -> pi0 e+ nu_e gamma (IB) events in the kaon rest frame.

    Parameters
    ----------
    rng : numpy.random.Generator
    n : int
        Number of events (generated in chunks of :data:`CHUNK`).
    e_gamma_min : float
        Minimum photon energy in the kaon frame in GeV (default 1 MeV, see module docstring).

    Returns
    -------
    dict of ndarray
        ``p_pi``, ``p_e``, ``p_nu``, ``p_gamma``: four-momenta (n, 4) in GeV (Fortran-ordered, i.e.
        each component ``p[:, i]`` is contiguous; use ``np.ascontiguousarray`` if C order is
        needed); ``weight`` (n,)
        normalised so that ``weight.mean()`` estimates BR(K+ -> pi0 e+ nu gamma,
        E*_gamma > e_gamma_min) = BR(K_e3) Gamma_gamma / Gamma_0.  Weights are >= 0.
    """
    e_hi = e_gamma_max()
    if not 0.0 < e_gamma_min < e_hi:
        raise ValueError(f"e_gamma_min = {e_gamma_min} GeV outside (0, {e_hi:.6f})")
    # component-first buffers: contiguous chunk writes; returned as (n, 4) transposed views
    buf = {k: np.empty((4, n)) for k in ("p_pi", "p_e", "p_nu", "p_gamma")}
    weight = np.empty(n)
    for start in range(0, n, CHUNK):
        stop = min(start + CHUNK, n)
        p_pi, p_e, p_nu, q, w = _weighted_chunk(rng, stop - start, e_gamma_min, e_hi)
        for key, val in (("p_pi", p_pi), ("p_e", p_e), ("p_nu", p_nu), ("p_gamma", q)):
            buf[key][:, start:stop] = val
        weight[start:stop] = w
    out = {k: v.T for k, v in buf.items()}
    out["weight"] = weight
    return out


def radiative_ratio(e_gamma_min: float, theta_eg_min_deg: float, n: int,
                    rng: np.random.Generator, cos_eg_range: tuple[float, float] | None = None):
    """Gamma(K_e3 gamma; E*_gamma > cut, theta*_e gamma > cut) / Gamma(K_e3) and its MC error.

    Parameters
    ----------
    e_gamma_min : float
        Photon-energy cut in the kaon frame, GeV.
    theta_eg_min_deg : float
        Minimum positron-photon opening angle in the kaon frame, degrees.
    n : int
        Number of weighted events.
    rng : numpy.random.Generator
    cos_eg_range : (float, float), optional
        Additional window lo < cos theta*_e gamma < hi (e.g. (0.6, 0.9), NA62 region 3).

    Returns
    -------
    value, stat_error : float
    """
    cos_max = np.cos(np.radians(theta_eg_min_deg))
    lo, hi = (-1.0, 1.0) if cos_eg_range is None else cos_eg_range
    e_hi = e_gamma_max()
    s1 = s2 = 0.0
    for start in range(0, n, CHUNK):
        m = min(CHUNK, n - start)
        _, p_e, _, q, w = _weighted_chunk(rng, m, e_gamma_min, e_hi)
        cos_eg = (np.einsum("in,in->n", p_e[1:], q[1:])
                  / np.sqrt(np.einsum("in,in->n", p_e[1:], p_e[1:])) / q[0])
        w = np.where((cos_eg < cos_max) & (cos_eg > lo) & (cos_eg < hi), w, 0.0)
        s1 += w.sum()
        s2 += np.dot(w, w)
    mean = s1 / n
    err = np.sqrt(max(s2 / n - mean * mean, 0.0) / n)
    br = C.value("BR_K_e3")
    return mean / br, err / br
