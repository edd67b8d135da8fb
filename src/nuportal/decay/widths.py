"""HNL decay widths below the kaon mass: mass-mixing portal and dipole portal.

Reference for every mixing-induced width: K. Bondarenko, A. Boyarsky, D. Gorbunov, O. Ruchayskiy,
"Phenomenology of GeV-scale heavy neutral leptons", JHEP 11 (2018) 032, arXiv:1805.08567 (BBGR
below), Section 3: Sec. 3.1.1 (W-mediated 3-body decays and the integral I), Sec. 3.1.2 (Z-mediated
and interference decays, C1/C2 table) and Sec. 3.2.1 (one pseudoscalar meson).
Dipole portal: R. A. Gustafson, R. Plestid, I. M. Shoemaker, "Neutrino portals, terrestrial
upscattering, and atmospheric neutrinos", Phys. Rev. D 106 (2022) 095037, arXiv:2205.02234, Eq. (8).

Conventions
-----------
* Units: masses and widths in GeV, dipole couplings ``d`` in GeV^-1, lengths in cm, times in s.
* Dirac versus Majorana.  BBGR quote each width for one definite final state, e.g.
  N -> l_alpha^- pi^+ or N -> nu_alpha nu_beta nu-bar_beta.  That is the width of a Dirac HNL
  (lepton number conserved; N-bar decays into the conjugate states at the same rate).  A Majorana
  HNL also decays into every charge-conjugate final state (l^+ pi^-, nu-bar_alpha pi^0,
  nu-bar nu-bar nu, ...) at the same rate, so *every* mixing-induced width, the invisible 3-nu and
  the neutral-current nu pi0 / nu l l widths included, is doubled: Gamma_Maj = 2 Gamma_Dirac
  (BBGR Sec. 3; the authors' reference code, FairShip ``python/hnl.py``, multiplies each channel,
  3 nu and nu pi0 included, by 2 for the "Majorana case (charge conjugate channels)").  The
  per-channel functions therefore take ``majorana=False`` (the BBGR formula) by default and
  return twice that for ``majorana=True``.
* The dipole width Gamma(N -> nu_alpha gamma) = d_alpha^2 m^3 / (4 pi) is used *unchanged for both*
  Dirac and Majorana HNLs: ``d`` is defined by that width, following the convention of Gustafson,
  Plestid & Shoemaker (Eq. 8).  Dipole couplings quoted in another convention (some papers
  normalise the Majorana operator with an extra factor 2 or 1/2) must be converted before use.
* Channel names (all flavours summed inside each channel, closed channels give exactly 0):
  see :data:`CHANNELS`.  ``"e mu nu"`` is N -> e^- mu^+ nu_mu (|U_e|^2) plus N -> mu^- e^+ nu_e
  (|U_mu|^2), plus the conjugates for a Majorana HNL.
* Validity: the channel list is complete only below the kaon mass (N -> e K opens at m_K + m_e),
  so the aggregate functions reject m_N >= m_K+.
"""

from __future__ import annotations

import numpy as np

from nuportal import constants as C
from nuportal.errors import NuportalInputError, require_range
from nuportal.kinematics import kallen
from nuportal.model import FLAVOURS, HNL

__all__ = [
    "CHANNELS", "VISIBLE_CHANNELS", "CHARGED_LEPTONS", "max_mass",
    "charge_conjugation_factor", "nc_coefficients", "neutral_current_kernel",
    "three_body_integral", "width_3nu", "width_nu_ll", "width_lalpha_lbeta_nu", "width_nu_pi0",
    "width_l_pi", "width_nu_gamma", "partial_widths_array", "partial_widths", "total_width",
    "branching_ratios_from_widths", "branching_ratios", "visible_fraction", "lifetime_s",
    "ctau_cm", "decay_length_cm", "decay_probability",
]

#: Channel names returned by :func:`partial_widths` (in this order).
CHANNELS = ("nu nu nu", "nu e e", "nu mu mu", "e mu nu", "nu pi0", "e pi", "mu pi", "nu gamma",
            "invisible")
#: Channels with at least one visible (charged or photon) daughter.
VISIBLE_CHANNELS = tuple(ch for ch in CHANNELS if ch not in ("nu nu nu", "invisible"))
#: Charged-lepton names accepted by the per-channel functions.
CHARGED_LEPTONS = ("e", "mu", "tau")

# Gauss-Legendre nodes for the 1-d phase-space integral (see three_body_integral).
_GL_NODES, _GL_WEIGHTS = np.polynomial.legendre.leggauss(64)


def max_mass() -> float:
    """Upper end (GeV, exclusive) of the mass range the channel list is complete for: m_K+."""
    return C.mass("K+")


# --------------------------------------------------------------------------------------------
# input helpers
# --------------------------------------------------------------------------------------------
def _mass(m):
    require_range("HNL mass [GeV]", m, 0.0, np.inf, low_open=True, high_open=True)
    return np.asarray(m, dtype=float)


def _coupling(name: str, value, upper: float = 1.0):
    require_range(name, value, 0.0, upper, high_open=upper == np.inf)
    return np.asarray(value, dtype=float)


def _lepton(name: str, allowed=CHARGED_LEPTONS) -> float:
    if name not in allowed:
        raise NuportalInputError(f"lepton {name!r} is not one of {', '.join(allowed)}")
    return C.mass(name)


def _result(value):
    """Plain float for scalar input, ndarray otherwise."""
    value = np.asarray(value, dtype=float)
    return float(value) if value.ndim == 0 else value


def charge_conjugation_factor(majorana) -> float:
    """2 for a Majorana HNL (charge-conjugate final states add, BBGR Sec. 3), 1 for a Dirac HNL."""
    if not isinstance(majorana, bool | np.bool_):
        raise NuportalInputError(f"majorana = {majorana!r} must be a bool (True or False)")
    return 2.0 if majorana else 1.0


def _fermi_prefactor(m, U2):
    """G_F^2 m^5 U^2 / (192 pi^3), the muon-decay-like normalisation of BBGR Sec. 3.1."""
    return C.value("G_F") ** 2 * m**5 * U2 / (192.0 * np.pi**3)


# --------------------------------------------------------------------------------------------
# kinematic functions
# --------------------------------------------------------------------------------------------
def nc_coefficients(alpha: str, lepton: str) -> tuple[float, float]:
    """C1, C2 of N -> nu_alpha l_beta^+ l_beta^- (BBGR Sec. 3.1.2 table, charged leptons).

    C1 = (1 +- 4 s_W^2 + 8 s_W^4) / 4 and C2 = s_W^2 (2 s_W^2 +- 1) / 2, upper sign for
    alpha = beta (W and Z exchange interfere), lower sign for alpha != beta (Z only).  In terms of
    the effective chiral couplings of the charged-lepton current, C1 = g_L^2 + g_R^2 and
    C2 = g_L g_R with g_L = -1/2 + s_W^2 (+1 from the Fierzed W graph if alpha = beta), g_R = s_W^2.
    """
    if alpha not in FLAVOURS:
        raise NuportalInputError(f"neutrino flavour {alpha!r} is not one of {', '.join(FLAVOURS)}")
    _lepton(lepton)
    sw2 = C.value("sin2_theta_W")
    sign = 1.0 if alpha == lepton else -1.0
    c1 = 0.25 * (1.0 + sign * 4.0 * sw2 + 8.0 * sw2**2)
    c2 = 0.5 * sw2 * (2.0 * sw2 + sign)
    return c1, c2


def neutral_current_kernel(x, c1: float, c2: float):
    """Mass-dependent bracket of Gamma(N -> nu l l) (BBGR Sec. 3.1.2), x = m_l / m_N.

    C1 [(1 - 14x^2 - 2x^4 - 12x^6) sqrt(1-4x^2) + 12 x^4 (x^4 - 1) L]
    + 4 C2 [x^2 (2 + 10x^2 - 12x^4) sqrt(1-4x^2) + 6 x^4 (1 - 2x^2 + 2x^4) L],
    with L = ln[(1 - 3x^2 - (1-x^2) sqrt(1-4x^2)) / (x^2 (1 + sqrt(1-4x^2)))].  The argument of L
    is rewritten as 4x^4 / [(1 - 3x^2 + (1-x^2) sqrt(1-4x^2)) (1 + sqrt(1-4x^2))] (identical, but
    free of the cancellation for small x).  Equals C1 at x = 0 and 0 for x >= 1/2.
    """
    y = np.square(np.asarray(x, dtype=float))
    is_open = y < 0.25
    root = np.sqrt(np.where(is_open, 1.0 - 4.0 * y, 0.0))
    den = (1.0 - 3.0 * y + (1.0 - y) * root) * (1.0 + root)
    arg = np.where(is_open & (y > 0.0), 4.0 * y**2 / np.where(is_open, den, 1.0), 1.0)
    log_term = np.log(arg)  # finite; y^2 * L -> 0 as y -> 0 (arg set to 1 at y = 0)
    f1 = (1.0 - 14.0 * y - 2.0 * y**2 - 12.0 * y**3) * root + 12.0 * y**2 * (y**2 - 1.0) * log_term
    f2 = y * (2.0 + 10.0 * y - 12.0 * y**2) * root + 6.0 * y**2 * (1.0 - 2.0 * y + 2.0 * y**2) \
        * log_term
    return _result(np.where(is_open, c1 * f1 + 4.0 * c2 * f2, 0.0))


def three_body_integral(x_a, x_b, x_c):
    """Phase-space integral I of the W-mediated 3-body width (BBGR Sec. 3.1.1), vectorised.

    I = 12 int_{(x_a+x_b)^2}^{(1-x_c)^2} ds/s (s - x_a^2 - x_b^2)(1 + x_c^2 - s)
        lambda^{1/2}(s, x_a^2, x_b^2) lambda^{1/2}(1, s, x_c^2),

    masses in units of m_N.  (a, b) is the pair whose momenta are contracted with each other in
    |M|^2 ~ (p_N.p_c)(p_a.p_b); for N -> l_alpha^- l_beta^+ nu_beta that is (l_alpha, nu_beta) and
    c = l_beta.  I(0, 0, 0) = 1; I = 0 for closed channels.  Evaluated by 64-point Gauss-Legendre
    quadrature after s = s_lo + (s_hi - s_lo) sin^2(phi), which removes the square-root endpoints
    (relative accuracy ~1e-12).
    """
    xa, xb, xc = np.broadcast_arrays(*(np.asarray(v, dtype=float) for v in (x_a, x_b, x_c)))
    a, b, c = (v[..., None] ** 2 for v in (xa, xb, xc))
    is_open = xa + xb + xc < 1.0
    s_lo = (xa + xb) ** 2
    s_hi = np.where(is_open, (1.0 - xc) ** 2, s_lo)
    phi = 0.25 * np.pi * (_GL_NODES + 1.0)
    width = (s_hi - s_lo)[..., None]
    s = s_lo[..., None] + width * np.sin(phi) ** 2
    jacobian = width * np.sin(2.0 * phi) * (0.25 * np.pi) * _GL_WEIGHTS
    lam_pair = np.sqrt(np.clip(kallen(s, a, b), 0.0, None))
    lam_n = np.sqrt(np.clip(kallen(1.0, s, c), 0.0, None))
    integrand = (s - a - b) * (1.0 + c - s) * lam_pair * lam_n / np.where(s > 0.0, s, 1.0)
    return _result(12.0 * np.sum(integrand * jacobian, axis=-1))


# --------------------------------------------------------------------------------------------
# per-channel widths (GeV); Dirac by default, x2 with majorana=True
# --------------------------------------------------------------------------------------------
def width_3nu(m, U2_total, *, majorana: bool = False):
    """Gamma(N -> 3 nu) summed over all neutrino flavours, in GeV.

    sum_{alpha,beta} Gamma(N -> nu_alpha nu_beta nu-bar_beta)
    = sum_alpha (1 + delta_ab) G_F^2 m^5 |U_alpha|^2 / (768 pi^3) summed over beta
    = G_F^2 m^5 U2_total / (192 pi^3)  (BBGR Sec. 3.1.2), times 2 for a Majorana HNL.

    Parameters
    ----------
    m : float or array_like
        HNL mass in GeV (> 0).
    U2_total : float or array_like
        sum_alpha |U_alpha|^2, in [0, 3].
    majorana : bool
        Add the charge-conjugate final states (factor 2).
    """
    m = _mass(m)
    U2 = _coupling("sum |U|^2", U2_total, 3.0)
    return _result(charge_conjugation_factor(majorana) * _fermi_prefactor(m, U2))


def width_nu_ll(m, U2_alpha, alpha: str, lepton: str, *, majorana: bool = False):
    """Gamma(N -> nu_alpha l^+ l^-) in GeV, Z exchange (plus W if alpha = lepton flavour).

    Gamma = G_F^2 m^5 |U_alpha|^2 / (192 pi^3) * [C1 f1(x) + 4 C2 f2(x)], x = m_l / m
    (BBGR Sec. 3.1.2 with N_Z = 1 and their C1/C2 table, see :func:`nc_coefficients` and
    :func:`neutral_current_kernel`); 0 below threshold m < 2 m_l.

    Parameters
    ----------
    m : float or array_like
        HNL mass in GeV.
    U2_alpha : float or array_like
        |U_alpha|^2 in [0, 1] of the flavour of the emitted neutrino.
    alpha : {"e", "mu", "tau"}
        Neutrino flavour (selects the interference sign: upper sign if ``alpha == lepton``).
    lepton : {"e", "mu", "tau"}
        Charged-lepton pair flavour.
    majorana : bool
        Add the charge-conjugate final state (factor 2).
    """
    m = _mass(m)
    U2 = _coupling(f"|U_{alpha}|^2", U2_alpha)
    c1, c2 = nc_coefficients(alpha, lepton)
    kernel = neutral_current_kernel(C.mass(lepton) / m, c1, c2)
    return _result(charge_conjugation_factor(majorana) * _fermi_prefactor(m, U2) * kernel)


def width_lalpha_lbeta_nu(m, U2_alpha, alpha: str, beta: str, *, majorana: bool = False):
    """Gamma(N -> l_alpha^- l_beta^+ nu_beta), alpha != beta (pure W exchange), in GeV.

    Gamma = G_F^2 m^5 |U_alpha|^2 / (192 pi^3) * I(x_alpha, 0, x_beta), x = m_l / m (BBGR
    Sec. 3.1.1 with N_W = 1, |V| -> 1; I from :func:`three_body_integral`, with both charged-lepton
    masses kept).  0 below threshold m < m_alpha + m_beta.

    Parameters
    ----------
    m : float or array_like
        HNL mass in GeV.
    U2_alpha : float or array_like
        |U_alpha|^2 in [0, 1] (flavour of the negatively charged lepton).
    alpha, beta : {"e", "mu", "tau"}
        Distinct charged-lepton flavours (alpha = beta is :func:`width_nu_ll`).
    majorana : bool
        Add the charge-conjugate final state l_alpha^+ l_beta^- nu-bar_beta (factor 2).
    """
    m = _mass(m)
    U2 = _coupling(f"|U_{alpha}|^2", U2_alpha)
    m_alpha, m_beta = _lepton(alpha), _lepton(beta)
    if alpha == beta:
        raise NuportalInputError(
            f"alpha = beta = {alpha!r}: the same-flavour channel is width_nu_ll (W-Z interference)")
    phase_space = three_body_integral(m_alpha / m, 0.0, m_beta / m)
    return _result(charge_conjugation_factor(majorana) * _fermi_prefactor(m, U2) * phase_space)


def width_nu_pi0(m, U2_total, *, majorana: bool = False):
    """Gamma(N -> nu pi0) summed over neutrino flavours, in GeV (neutral current).

    Gamma = G_F^2 f_pi^2 m^3 U2_total / (32 pi) (1 - x_pi^2)^2, x_pi = m_pi0 / m (BBGR Sec. 3.2.1,
    with f_pi0 = f_pi+ = 130.2 MeV, isospin limit); 0 for m <= m_pi0.

    Parameters
    ----------
    m : float or array_like
        HNL mass in GeV.
    U2_total : float or array_like
        sum_alpha |U_alpha|^2, in [0, 3].
    majorana : bool
        Add nu-bar pi0 (factor 2).
    """
    m = _mass(m)
    U2 = _coupling("sum |U|^2", U2_total, 3.0)
    x2 = (C.mass("pi0") / m) ** 2
    shape = np.where(x2 < 1.0, (1.0 - x2) ** 2, 0.0)
    width = C.value("G_F") ** 2 * C.value("f_pi") ** 2 * m**3 * U2 / (32.0 * np.pi) * shape
    return _result(charge_conjugation_factor(majorana) * width)


def width_l_pi(m, U2_alpha, lepton: str, *, majorana: bool = False):
    """Gamma(N -> l_alpha^- pi^+) in GeV (charged current).

    Gamma = G_F^2 f_pi^2 |V_ud|^2 |U_alpha|^2 m^3 / (16 pi)
            * [(1 - x_l^2)^2 - x_pi^2 (1 + x_l^2)] lambda^{1/2}(1, x_pi^2, x_l^2)
    (BBGR Sec. 3.2.1), x = mass / m; 0 for m <= m_l + m_pi+.

    Parameters
    ----------
    m : float or array_like
        HNL mass in GeV.
    U2_alpha : float or array_like
        |U_alpha|^2 in [0, 1], alpha = ``lepton``.
    lepton : {"e", "mu", "tau"}
        Flavour of the charged lepton.
    majorana : bool
        Add l^+ pi^- (factor 2).
    """
    m_l = _lepton(lepton)
    m = _mass(m)
    U2 = _coupling(f"|U_{lepton}|^2", U2_alpha)
    xl2, xp2 = (m_l / m) ** 2, (C.mass("pi+") / m) ** 2
    is_open = m_l + C.mass("pi+") < m
    shape = (1.0 - xl2) ** 2 - xp2 * (1.0 + xl2)
    root = np.sqrt(np.clip(kallen(1.0, xp2, xl2), 0.0, None))
    norm = C.value("G_F") ** 2 * C.value("f_pi") ** 2 * C.value("V_ud") ** 2 / (16.0 * np.pi)
    width = np.where(is_open, norm * U2 * m**3 * shape * root, 0.0)
    return _result(charge_conjugation_factor(majorana) * width)


def width_nu_gamma(m, d):
    """Gamma(N -> nu_alpha gamma) = d_alpha^2 m^3 / (4 pi) in GeV, d in GeV^-1.

    Gustafson, Plestid & Shoemaker, arXiv:2205.02234, Eq. (8).  Same formula for Dirac and
    Majorana HNLs: d is *defined* by this width (reference's convention), no factor 2 is applied.
    """
    m = _mass(m)
    d = _coupling("dipole d [GeV^-1]", d, np.inf)
    return _result(d**2 * m**3 / (4.0 * np.pi))


# --------------------------------------------------------------------------------------------
# all channels, totals, lifetimes
# --------------------------------------------------------------------------------------------
def _sum_flavours(func, m, U2: dict, *args, majorana: bool):
    return sum(func(m, U2[fl], fl, *args, majorana=majorana) for fl in FLAVOURS)


def partial_widths_array(m, U2e=0.0, U2mu=0.0, U2tau=0.0, d_e=0.0, d_mu=0.0, d_tau=0.0,
                         majorana: bool = True, extra_invisible=0.0) -> dict:
    """Partial widths (GeV) of every channel in :data:`CHANNELS`, vectorised over ``m``.

    Parameters
    ----------
    m : float or array_like
        HNL mass in GeV, in (0, m_K+) (see :func:`max_mass`).
    U2e, U2mu, U2tau : float
        Squared mixings |U_alpha|^2 in [0, 1].
    d_e, d_mu, d_tau : float
        Dipole couplings in GeV^-1 (>= 0), see :func:`width_nu_gamma`.
    majorana : bool
        Majorana HNL (mixing-induced widths x2, BBGR Sec. 3) or Dirac HNL.
    extra_invisible : float
        Additional width into hidden-sector states (GeV, >= 0), reported as ``"invisible"``.

    Returns
    -------
    dict
        Channel name -> width (float for scalar input, ndarray of the shape of ``m`` otherwise).
    """
    mm = _mass(m)
    if np.any(mm >= max_mass()):
        raise NuportalInputError(
            f"HNL mass [GeV] = {np.max(mm):g} is outside the allowed range (0, {max_mass():g}): "
            "the decay channels are complete only below the kaon mass (N -> e K opens at m_K+m_e)")
    U2 = {fl: _coupling(f"|U_{fl}|^2", v) for fl, v in zip(FLAVOURS, (U2e, U2mu, U2tau),
                                                            strict=True)}
    dip = [_coupling(f"dipole d_{fl} [GeV^-1]", v, np.inf)
           for fl, v in zip(FLAVOURS, (d_e, d_mu, d_tau), strict=True)]
    extra = _coupling("extra invisible width [GeV]", extra_invisible, np.inf)
    u2_total = sum(U2.values())
    kw = {"majorana": majorana}
    widths = {
        "nu nu nu": width_3nu(mm, u2_total, **kw),
        "nu e e": _sum_flavours(width_nu_ll, mm, U2, "e", **kw),
        "nu mu mu": _sum_flavours(width_nu_ll, mm, U2, "mu", **kw),
        "e mu nu": width_lalpha_lbeta_nu(mm, U2["e"], "e", "mu", **kw)
        + width_lalpha_lbeta_nu(mm, U2["mu"], "mu", "e", **kw),
        "nu pi0": width_nu_pi0(mm, u2_total, **kw),
        "e pi": width_l_pi(mm, U2["e"], "e", **kw),
        "mu pi": width_l_pi(mm, U2["mu"], "mu", **kw),
        "nu gamma": sum(width_nu_gamma(mm, d) for d in dip),
        "invisible": extra + np.zeros_like(mm),
    }
    return {ch: _result(widths[ch] + np.zeros_like(mm)) for ch in CHANNELS}


def _require_hnl(hnl) -> HNL:
    if not isinstance(hnl, HNL):
        raise NuportalInputError(f"expected a nuportal.HNL, got {type(hnl).__name__}")
    return hnl


def partial_widths(hnl: HNL) -> dict:
    """Partial widths (GeV) of ``hnl`` in every channel of :data:`CHANNELS`.

    Wraps :func:`partial_widths_array` with the couplings, Majorana flag and
    ``extra_invisible_width`` of the :class:`~nuportal.model.HNL`.
    """
    hnl = _require_hnl(hnl)
    return partial_widths_array(
        hnl.mass, hnl.U2["e"], hnl.U2["mu"], hnl.U2["tau"], hnl.d["e"], hnl.d["mu"], hnl.d["tau"],
        majorana=bool(hnl.majorana), extra_invisible=hnl.extra_invisible_width)


def total_width(hnl: HNL) -> float:
    """Total width of ``hnl`` in GeV (sum of :func:`partial_widths`)."""
    return float(sum(partial_widths(hnl).values()))


def branching_ratios_from_widths(widths: dict) -> dict:
    """Branching ratios from a dict of partial widths (scalars or equal-shape arrays).

    Raises
    ------
    NuportalInputError
        If the total width vanishes anywhere (all couplings zero: the branching ratios are
        undefined).
    """
    total = np.asarray(sum(np.asarray(w, dtype=float) for w in widths.values()))
    if np.any(total <= 0.0):
        raise NuportalInputError(
            "total width is 0 (all mixings |U|^2, dipole couplings d and the extra invisible "
            "width vanish): branching ratios are undefined")
    return {ch: _result(np.asarray(w, dtype=float) / total) for ch, w in widths.items()}


def branching_ratios(hnl: HNL) -> dict:
    """Branching ratios of ``hnl`` per channel of :data:`CHANNELS` (they sum to 1).

    Raises :class:`NuportalInputError` if the total width is zero (all couplings zero).
    """
    return branching_ratios_from_widths(partial_widths(hnl))


def visible_fraction(hnl: HNL) -> float:
    """Sum of the branching ratios into :data:`VISIBLE_CHANNELS`."""
    brs = branching_ratios(hnl)
    return float(sum(brs[ch] for ch in VISIBLE_CHANNELS))


def lifetime_s(hnl: HNL) -> float:
    """Proper lifetime hbar / Gamma in s (``inf`` if every coupling vanishes)."""
    gamma = total_width(hnl)
    return C.HBAR_GEV_S / gamma if gamma > 0.0 else np.inf


def ctau_cm(hnl: HNL) -> float:
    """Proper decay length c tau = hbar c / Gamma in cm (``inf`` if every coupling vanishes)."""
    gamma = total_width(hnl)
    return C.HBARC_GEV_CM / gamma if gamma > 0.0 else np.inf


def decay_length_cm(hnl: HNL, momentum_GeV):
    """Lab-frame mean decay length beta gamma c tau = (p / m) c tau in cm, vectorised over p.

    Parameters
    ----------
    hnl : HNL
    momentum_GeV : float or array_like
        HNL momentum in the lab frame, GeV (> 0, finite).
    """
    hnl = _require_hnl(hnl)
    require_range("HNL momentum [GeV]", momentum_GeV, 0.0, np.inf, low_open=True, high_open=True)
    p = np.asarray(momentum_GeV, dtype=float)
    return _result(p / hnl.mass * ctau_cm(hnl))


def decay_probability(hnl: HNL, momentum_GeV, z_start_cm, z_end_cm):
    """Probability to decay between z_start and z_end (cm along the flight path), vectorised.

    P = exp(-z1/L) - exp(-z2/L), L = :func:`decay_length_cm`, evaluated as
    exp(-z1/L) * (-expm1(-(z2 - z1)/L)), which stays accurate for L >> z (P -> (z2 - z1)/L)
    and for L << z (P -> 0, or 1 if z1 = 0).  Arguments broadcast against each other.

    Raises
    ------
    NuportalInputError
        If z_start < 0 or z_end < z_start anywhere, or the momentum is not > 0.
    """
    length = np.asarray(decay_length_cm(hnl, momentum_GeV), dtype=float)
    z1 = np.asarray(z_start_cm, dtype=float)
    z2 = np.asarray(z_end_cm, dtype=float)
    require_range("z_start [cm]", z1, 0.0, np.inf, high_open=True)
    require_range("z_end - z_start [cm]", z2 - z1, 0.0, np.inf, high_open=True)
    with np.errstate(over="ignore", under="ignore"):
        prob = np.exp(-z1 / length) * -np.expm1(-(z2 - z1) / length)
    return _result(prob)
