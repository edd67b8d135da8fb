"""NA48/2 K+- -> mu+- N, N -> pi mu: lifetime-dependent limits and their |U_mu|^2 translation.

Reference 001, Sec. 3.1 (NA48/2 2003-2004 data; full paper: NA48/2, Phys. Lett. B 769 (2017) 67).
The selection asks for three tracks from one (prompt) vertex, so an HNL that flies before decaying
is accepted only while its decay point stays within the vertex tolerance.  We model that as

    A(tau) = < 1 - exp(-z_max / L) >_{cos theta*},   L = (p_N / m_N) c tau,          (acceptance)

with p_N the lab momentum of N from K -> mu N at the beam momentum (60 GeV/c for NA48/2), averaged
over the isotropic decay angle theta* in the kaon frame, and z_max the largest flight distance
indistinguishable from a prompt vertex (configuration ``na48_kpimumu.yaml``).  A(0) = 1, so the
limit on the product at lifetime tau is

    [BR(K -> mu N) BR(N -> pi mu)]_UL(m, tau) = BR_UL^prompt(m) A(0) / A(tau).           (Fig. 2)

For |U_mu|^2 only, BR(K -> mu N) = |U_mu|^2 BR(K_mu2) rho(m) (Shrock), BR(N -> pi mu) is independent
of |U_mu|^2 and tau = tau_1 / |U_mu|^2 (tau_1: lifetime at |U_mu|^2 = 1, :mod:`nuportal.decay.widths`).
The excluded mixings solve

    U2 BR(K_mu2) rho(m) BR(N -> pi mu) A(tau_1 / U2) >= BR_UL^prompt(m);

the left side rises monotonically with U2 (~U2^2 at long lifetimes, ~U2 when prompt), so the
exclusion is U2 above one root, found by bisection in log U2 (vectorised over masses).

Charge combinations for K+ -> mu+ N: LNV is N -> pi- mu+, LNC is N -> pi+ mu-.  A Majorana HNL
decays into each with the Dirac width (half of its total pi mu width, widths module convention); a
Dirac HNL has only the LNC combination (its full pi mu width).  Units: GeV, cm, s.
"""

from __future__ import annotations

import numpy as np

from nuportal import constants as C
from nuportal.decay import widths
from nuportal.errors import NuportalInputError, require_range
from nuportal.kinematics import two_body_momentum
from nuportal.production.meson import br_over_U2
from nuportal.stats.intervals import rolke_lopez

__all__ = ["CHANNELS", "mass_range", "hnl_lab_momentum", "prompt_acceptance",
           "br_product_limit_vs_lifetime", "br_n_to_pimu", "lifetime_at_unit_mixing_s",
           "mixing_limit_from_kpimumu", "lnv_total_limit"]

#: Charge combinations of N -> pi mu searched by NA48/2.
CHANNELS = ("LNV", "LNC")
_NODES, _WEIGHTS = np.polynomial.legendre.leggauss(48)
_C_CM_PER_S = 2.99792458e10


def _result(value):
    value = np.asarray(value, dtype=float)
    return float(value) if value.ndim == 0 else value


def mass_range() -> tuple[float, float]:
    """Open HNL mass range (m_pi+ + m_mu, m_K+ - m_mu) of K -> mu N, N -> pi mu, in GeV."""
    return C.mass("pi+") + C.mass("mu"), C.mass("K+") - C.mass("mu")


def _check_mass(m_n) -> np.ndarray:
    low, high = mass_range()
    require_range("HNL mass [GeV] in K -> mu N, N -> pi mu", m_n, low, high, low_open=True,
                  high_open=True)
    return np.asarray(m_n, dtype=float)


def hnl_lab_momentum(m_n, cos_theta, beam_momentum_GeV=60.0):
    """Lab momentum (GeV) of N from K+ -> mu+ N in flight, vectorised (broadcasting).

    Parameters
    ----------
    m_n : float or array_like
        HNL mass in GeV, in (0, m_K - m_mu).
    cos_theta : float or array_like
        Cosine of the N direction relative to the kaon flight direction, in the kaon frame.
    beam_momentum_GeV : float
        Kaon momentum (NA48/2: 60 GeV/c, reference 001 Sec. 2).
    """
    require_range("cos(theta*)", cos_theta, -1.0, 1.0)
    require_range("beam momentum [GeV]", beam_momentum_GeV, 0.0, np.inf, low_open=True, high_open=True)
    m_k = C.mass("K+")
    m = np.asarray(m_n, dtype=float)
    p_star = two_body_momentum(m_k, C.mass("mu"), m)
    e_star = np.sqrt(p_star**2 + m**2)
    bg = np.asarray(beam_momentum_GeV, float) / m_k
    gamma = np.sqrt(1.0 + bg**2)
    c = np.asarray(cos_theta, dtype=float)
    p_long = gamma * p_star * c + bg * e_star
    p_perp = p_star * np.sqrt(np.clip(1.0 - c**2, 0.0, None))
    return _result(np.hypot(p_long, p_perp))


def prompt_acceptance(m_n, tau_s, z_max_cm, beam_momentum_GeV=60.0):
    """A(tau): probability that N decays within z_max of the kaon vertex (module docstring).

    Average of 1 - exp(-z_max / L) over the isotropic decay angle (48-point Gauss-Legendre),
    L = (p_N / m_N) c tau.  A = 1 for tau = 0; A ~ z_max m_N <1/p_N> / (c tau) for long lifetimes.

    Parameters
    ----------
    m_n : float or array_like
        HNL mass in GeV, in (m_pi + m_mu, m_K - m_mu).
    tau_s : float or array_like
        HNL proper lifetime in s (>= 0; broadcast against ``m_n``).
    z_max_cm : float
        Flight distance still reconstructed as a prompt vertex, in cm (> 0).
    beam_momentum_GeV : float
        Kaon beam momentum in GeV.
    """
    m = _check_mass(m_n)
    require_range("HNL lifetime tau [s]", tau_s, 0.0, np.inf, high_open=True)
    require_range("z_max [cm]", z_max_cm, 0.0, np.inf, low_open=True, high_open=True)
    tau = np.asarray(tau_s, dtype=float)
    m, tau = np.broadcast_arrays(m, tau)
    p = hnl_lab_momentum(m[..., None], _NODES, beam_momentum_GeV)
    length = p / m[..., None] * _C_CM_PER_S * tau[..., None]
    with np.errstate(divide="ignore"):
        ratio = np.where(length > 0.0, z_max_cm / np.where(length > 0.0, length, 1.0), np.inf)
    return _result(0.5 * np.sum(_WEIGHTS * -np.expm1(-ratio), axis=-1))


def br_product_limit_vs_lifetime(br_ul_prompt, m_n, tau_s, z_max_cm, beam_momentum_GeV=60.0):
    """Upper limit on BR(K -> mu N) BR(N -> pi mu) at lifetime tau: BR_UL^prompt A(0) / A(tau).

    Parameters
    ----------
    br_ul_prompt : float or array_like
        Limit for a prompt decay (tau -> 0) at mass ``m_n`` (> 0).
    m_n, tau_s, z_max_cm, beam_momentum_GeV
        As in :func:`prompt_acceptance` (GeV, s, cm, GeV); all broadcast.
    """
    require_range("prompt BR upper limit", br_ul_prompt, 0.0, np.inf, low_open=True, high_open=True)
    acc = np.asarray(prompt_acceptance(m_n, tau_s, z_max_cm, beam_momentum_GeV))
    if np.any(acc <= 0.0):
        raise NuportalInputError("the lifetime is so long that the prompt acceptance underflows to 0; "
                                 "no limit exists there (reduce tau)")
    return _result(np.asarray(br_ul_prompt, float) / acc)


def _check_channel(channel: str, majorana: bool) -> None:
    if channel not in CHANNELS:
        raise NuportalInputError(f"channel {channel!r} is not one of {', '.join(CHANNELS)}")
    widths.charge_conjugation_factor(majorana)
    if channel == "LNV" and not majorana:
        raise NuportalInputError("channel 'LNV' needs a Majorana HNL (majorana=True): a Dirac HNL "
                                 "conserves lepton number")


def br_n_to_pimu(m_n, channel: str = "LNV", majorana: bool = True):
    """BR of N into the searched pi mu charge combination, only |U_mu| nonzero (module docstring).

    Majorana: LNV and LNC each get half of BR("mu pi") of :func:`nuportal.decay.widths.branching_ratios`;
    Dirac: LNC gets all of it.  Independent of |U_mu|^2.  ``m_n`` in GeV.
    """
    _check_channel(channel, majorana)
    m = _check_mass(m_n)
    pw = widths.partial_widths_array(m, U2mu=1.0, majorana=majorana)
    total = sum(np.asarray(w, float) for w in pw.values())
    share = 0.5 if majorana else 1.0
    return _result(share * np.asarray(pw["mu pi"], float) / total)


def lifetime_at_unit_mixing_s(m_n, majorana: bool = True):
    """HNL lifetime in s for |U_mu|^2 = 1 (others 0); tau(U2) = tau_1 / U2.  ``m_n`` in GeV."""
    m = _check_mass(m_n)
    pw = widths.partial_widths_array(m, U2mu=1.0, majorana=majorana)
    return _result(C.HBAR_GEV_S / sum(np.asarray(w, float) for w in pw.values()))


def mixing_limit_from_kpimumu(br_ul_prompt, m_n, channel: str = "LNV", *, z_max_cm: float,
                              majorana: bool = True, beam_momentum_GeV: float = 60.0,
                              u2_min: float = 1e-16, n_iter: int = 80):
    """Smallest excluded |U_mu|^2 from a prompt limit on BR(K -> mu N) BR(N -> pi mu), vectorised.

    Solves U2 BR(K_mu2) rho(m) BR(N -> pi mu) A(tau_1/U2) = BR_UL^prompt(m) by bisection in
    log U2 on [u2_min, 1] (module docstring; reference 001 Sec. 3.1 with the Shrock BR).  All
    |U_mu|^2 above the returned value (up to 1) are excluded.

    Returns
    -------
    float or ndarray
        The smallest excluded |U_mu|^2; ``inf`` where even |U_mu|^2 = 1 is not excluded.
    """
    m = _check_mass(m_n)
    require_range("prompt BR upper limit", br_ul_prompt, 0.0, np.inf, low_open=True, high_open=True)
    require_range("u2_min", u2_min, 0.0, 1.0, low_open=True, high_open=True)
    m, br_ul = np.broadcast_arrays(m, np.asarray(br_ul_prompt, float))
    scale = br_over_U2(m, "K+", "mu") * br_n_to_pimu(m, channel, majorana)
    tau1 = lifetime_at_unit_mixing_s(m, majorana)

    def excess(log_u2):  # log of (predicted / limit); increasing in log_u2
        u2 = np.exp(log_u2)
        acc = prompt_acceptance(m, tau1 / u2, z_max_cm, beam_momentum_GeV)
        return np.log(u2 * scale * np.maximum(acc, 1e-300)) - np.log(br_ul)

    lo = np.full(m.shape, np.log(u2_min))
    hi = np.zeros(m.shape)
    excluded_at_one = excess(hi) >= 0.0
    for _ in range(n_iter):
        mid = 0.5 * (lo + hi)
        above = excess(mid) >= 0.0
        hi, lo = np.where(above, mid, hi), np.where(above, lo, mid)
    return _result(np.where(excluded_at_one, np.exp(hi), np.inf))


def lnv_total_limit(n_obs, b, sigma_b_stat, sigma_b_syst, n_k, acceptance, cl=0.9):
    """NA48/2 BR(K -> pi mu mu, LNV) upper limit: Rolke-Lopez N_UL / (N_K A) (reference 001).

    Background uncertainties are added in quadrature into one Gaussian sigma_b; the bounded
    Rolke-Lopez-Conrad profile likelihood of :func:`nuportal.stats.intervals.rolke_lopez` gives N_UL.

    Returns
    -------
    dict
        ``n_ul`` (events), ``br_ul``, ``sigma_b`` and the interval ``method``.
    """
    require_range("sigma_b_stat", sigma_b_stat, 0.0, np.inf, high_open=True)
    require_range("sigma_b_syst", sigma_b_syst, 0.0, np.inf, high_open=True)
    sigma_b = float(np.hypot(sigma_b_stat, sigma_b_syst))
    interval = rolke_lopez(n_obs, b, sigma_b, cl)
    require_range("N_K (kaon decays)", n_k, 0.0, np.inf, low_open=True, high_open=True)
    require_range("LNV acceptance", acceptance, 0.0, 1.0, low_open=True)
    return {"n_ul": float(interval.upper), "br_ul": float(interval.upper) / (n_k * acceptance),
            "sigma_b": sigma_b, "cl": float(interval.cl), "method": interval.method}
