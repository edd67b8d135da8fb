"""Expected event numbers versus couplings from ONE simulation per mass (no re-simulation).

Couplings are an overall scale s times a fixed flavour pattern p = (p_e, p_mu, p_tau):

* dipole:  d_alpha = s p_alpha (GeV^-1);  production ~ q_alpha = p_alpha^2, h(s) = s^2;
  Gamma = h(s) Gamma_1 with Gamma_1 = sum_alpha p_alpha^2 m^3/(4 pi) (004 Eq. 8,
  :func:`nuportal.decay.widths.width_nu_gamma`); B_vis = 1 (N -> nu gamma is the only channel).
* mixing:  |U_alpha|^2 = s p_alpha;  q_alpha = p_alpha, h(s) = s;  every partial width scales with
  |U|^2, so Gamma_1 and B_vis = BR(N -> nu e+ e-) (004 Sec. II.2) are computed once from
  :func:`nuportal.decay.widths.partial_widths_array` at |U_alpha|^2 = p_alpha.

With lambda_i(s) = (p_N / m) hbar c / (h(s) Gamma_1) (004 Eqs. 5, 8) the expected number is

    N(s) = T sum_i w_i h(s) sum_{nu/nubar, alpha} q_alpha I_i dsigma_i
           * B_vis exp(-r_i/lambda_i) (1 - exp(-l/lambda_i)) * f_vis,i        (004 Eqs. 6, 31)

and its Monte Carlo relative error is sqrt(sum_i R_i^2) / sum_i R_i.
"""

from __future__ import annotations

import numpy as np

from nuportal import constants as C
from nuportal.decay import widths
from nuportal.errors import NuportalInputError, require_range
from nuportal.mc.decay_products import visible_fraction
from nuportal.mc.events import UpscatterEvents
from nuportal.mc.upscatter import PORTALS

__all__ = ["DecayModel", "decay_model", "expected_events", "expected_events_many", "event_rates",
           "decay_lengths_cm"]


class DecayModel:
    """Unit-scale decay quantities of one (mass, portal, flavour pattern, Majorana) point."""

    def __init__(self, mass: float, portal: str, pattern: np.ndarray, width_unit: float, b_vis: float):
        self.mass, self.portal, self.pattern = float(mass), portal, pattern
        self.width_unit, self.b_vis = float(width_unit), float(b_vis)

    @property
    def q(self) -> np.ndarray:
        """Production factors q_alpha per unit h(s)."""
        return self.pattern**2 if self.portal == "dipole" else self.pattern

    def h(self, scales):
        """h(s): s^2 (dipole) or s (mixing)."""
        s = np.asarray(scales, float)
        return s * s if self.portal == "dipole" else s


def _pattern(flavour_pattern) -> np.ndarray:
    p = np.asarray(flavour_pattern, float).reshape(-1)
    if p.shape != (3,):
        raise NuportalInputError(f"flavour_pattern must have 3 entries (e, mu, tau), got {p.size}")
    require_range("flavour_pattern", p, 0.0, np.inf, high_open=True)
    if p.sum() <= 0.0:
        raise NuportalInputError("flavour_pattern = (0, 0, 0): at least one coupling must be > 0")
    return p


#: Visible signatures of the dipole portal: N -> nu gamma (reference 004), N -> nu e+ e- with the
#: physical partial width (the total width then includes it), or reference 003's convention
#: (rate of N -> nu gamma times alpha L(r)/(3 pi), total width = Gamma(nu gamma)); "ee-ref003-dn" is the
#: same with DarkNews's Dirac width Gamma(nu gamma) = d^2 m^3 / (8 pi) (half ours), as reference 003's code.
DIPOLE_VISIBLE = ("gamma", "ee", "ee-ref003", "ee-ref003-dn")


def decay_model(mass: float, portal: str, flavour_pattern, majorana: bool = True,
                dipole_visible: str = "gamma") -> DecayModel:
    """Gamma_1 (GeV) and B_vis at unit coupling scale (see module docstring and :data:`DIPOLE_VISIBLE`)."""
    require_range("HNL mass [GeV]", mass, 0.0, np.inf, low_open=True, high_open=True)
    if portal not in PORTALS:
        raise NuportalInputError(f"portal = {portal!r} is not one of {', '.join(PORTALS)}")
    if dipole_visible not in DIPOLE_VISIBLE:
        raise NuportalInputError(
            f"dipole_visible = {dipole_visible!r} is not one of {', '.join(DIPOLE_VISIBLE)}")
    p = _pattern(flavour_pattern)
    if portal == "dipole":
        gamma1 = sum(float(widths.width_nu_gamma(mass, d)) for d in p)
        if dipole_visible == "gamma":
            return DecayModel(mass, portal, p, gamma1, 1.0)
        from nuportal.decay import dipole_pair

        if dipole_visible in ("ee-ref003", "ee-ref003-dn"):
            ratio = float(dipole_pair.ee_to_gamma_ratio_reference003(mass))
            width = gamma1 * (0.5 if dipole_visible == "ee-ref003-dn" else 1.0)
            return DecayModel(mass, portal, p, width, ratio)
        ratio = float(dipole_pair.ee_to_gamma_ratio(mass))
        return DecayModel(mass, portal, p, gamma1 * (1.0 + ratio), ratio / (1.0 + ratio))
    pmax = float(p.max())
    pw = widths.partial_widths_array(mass, *(p / pmax), majorana=majorana)
    total = float(sum(pw.values()))
    return DecayModel(mass, portal, p, total * pmax, float(pw["nu e e"]) / total)


def decay_lengths_cm(events: UpscatterEvents, model: DecayModel):
    """lambda_i (cm) at unit scale h(s) = 1: (p_N / m) hbar c / Gamma_1 (004 Eq. 5)."""
    p_n = np.sqrt(np.clip(events.E_N**2 - model.mass**2, 0.0, None))
    return np.maximum(p_n / model.mass * C.HBARC_GEV_CM / model.width_unit, 1e-30)


def _check_scales(model: DecayModel, scales) -> np.ndarray:
    s = np.atleast_1d(np.asarray(scales, float))
    require_range("coupling scale", s, 0.0, np.inf, low_open=True, high_open=True)
    if model.portal == "mixing":
        require_range("|U_alpha|^2 = scale * pattern", s * model.pattern.max(), 0.0, 1.0)
    return s


def _chunk_rates(h, base, r, lam1, length):
    """(n_c, n) rates: h * base * exp(-r h/lam1) * (1 - exp(-l h/lam1)); l scalar or per event."""
    inv = h[:, None] / lam1[None, :]
    length = np.asarray(length, float)
    length = length[None, :] if length.ndim == 1 else length
    return h[:, None] * base[None, :] * np.exp(-r[None, :] * inv) * -np.expm1(-length * inv)


def _prepare(events: UpscatterEvents, model: DecayModel, window_GeV, alpha: float):
    """Per-event factors independent of the coupling: base = w * q.I.dsigma * B_vis * f_vis."""
    if events.portal != model.portal or not np.isclose(events.mass_GeV, model.mass):
        raise NuportalInputError(
            f"events are for ({events.portal}, m = {events.mass_GeV:g} GeV), not "
            f"({model.portal}, m = {model.mass:g} GeV)")
    flux_xsec = np.einsum("a,pan,pn->n", model.q, events.intensity, events.dsigma)
    f_vis = visible_fraction(model.portal, events.E_N, model.mass, window_GeV, alpha)
    return events.weight * flux_xsec * model.b_vis * f_vis, decay_lengths_cm(events, model)


def expected_events(events: UpscatterEvents, coupling_scales, flavour_pattern, exposure_s: float,
                    window_GeV=(0.0, np.inf), *, majorana: bool = True, alpha: float = 0.0,
                    chunk_size: int = 200_000, dipole_visible: str = "gamma"):
    """Expected visible HNL decays in the detector for each coupling scale (004 Eqs. 6, 7, 31).

    Parameters
    ----------
    events : UpscatterEvents
        One simulation at one mass (:func:`nuportal.mc.upscatter.simulate`).
    coupling_scales : array_like (n_c,)
        s > 0: d_alpha = s p_alpha in GeV^-1 (dipole) or |U_alpha|^2 = s p_alpha (mixing).
    flavour_pattern : array_like (3,)
        p = (p_e, p_mu, p_tau) >= 0, e.g. (1, 0, 0) or (1, 1, 1).
    exposure_s : float
        Live time in seconds.
    window_GeV : (float, float)
        Visible-energy window [E_lo, E_hi] (E_hi may be inf).
    majorana : bool
        Majorana HNL (mixing widths x 2; no effect on the dipole width, 004 Eq. 8).
    alpha : float
        Photon rest-frame asymmetry (dipole only), in [-1, 1].
    chunk_size : int
        Events per chunk (memory ~ 8 n_c chunk_size bytes per temporary).

    Returns
    -------
    n_expected, rel_error : ndarray (n_c,)
        Expected events and the Monte Carlo relative error (inf where no event contributes).
    """
    require_range("exposure [s]", exposure_s, 0.0, np.inf, high_open=True)
    model = decay_model(events.mass_GeV, events.portal, flavour_pattern, majorana, dipole_visible)
    scales = _check_scales(model, coupling_scales)
    base, lam1 = _prepare(events, model, window_GeV, alpha)
    h = model.h(scales)
    path = events.path_lengths()
    total, total_sq = np.zeros(scales.size), np.zeros(scales.size)
    for start in range(0, len(events), int(chunk_size)):
        sl = slice(start, start + int(chunk_size))
        rates = _chunk_rates(h, base[sl], events.r[sl], lam1[sl], path[sl])
        total += rates.sum(axis=1)
        total_sq += np.square(rates).sum(axis=1)
    positive = total > 0.0
    rel = np.full(scales.size, np.inf)
    rel[positive] = np.sqrt(total_sq[positive]) / total[positive]
    return exposure_s * total, rel


def expected_events_many(events: UpscatterEvents, coupling_scales, requests, exposure_s: float, *,
                         majorana: bool = True, alpha: float = 0.0, chunk_size: int = 100_000,
                         dipole_visible: str = "gamma"):
    """:func:`expected_events` for many (flavour pattern, window, per-event factor) requests at once.

    Requests whose decay models share the unit width (e.g. d_e only, d_mu only, d_tau only; or several
    windows of one pattern) share the matrix of decay probabilities P_ci = h_c exp(-r_i h_c/lambda_i)
    (1 - exp(-l h_c/lambda_i)), which dominates the cost; each request then costs one matrix-vector
    product. Results equal :func:`expected_events` to rounding.

    Parameters
    ----------
    requests : sequence of (flavour_pattern, window_GeV, factor)
        ``factor`` is None or an (N,) array multiplying the event weights (direction cuts, channel
        scales).

    Returns
    -------
    list of (n_expected, rel_error), one per request, each of shape (n_c,).
    """
    require_range("exposure [s]", exposure_s, 0.0, np.inf, high_open=True)
    prepared = []
    for pattern, window, factor in requests:
        model = decay_model(events.mass_GeV, events.portal, pattern, majorana, dipole_visible)
        base, lam1 = _prepare(events, model, window, alpha)
        if factor is not None:
            base = base * np.asarray(factor, float)
        prepared.append((model, base, lam1))
    scales = _check_scales(prepared[0][0], coupling_scales)
    groups: dict[float, list[int]] = {}
    for k, (model, _, _) in enumerate(prepared):
        groups.setdefault(model.width_unit, []).append(k)
    out = [None] * len(prepared)
    for idx in groups.values():
        model, lam1 = prepared[idx[0]][0], prepared[idx[0]][2]
        bases = np.stack([prepared[k][1] for k in idx], axis=1)  # (N, K)
        total, total_sq = _shared_sums(model.h(scales), bases, events, lam1, int(chunk_size))
        for j, k in enumerate(idx):
            rel = np.full(scales.size, np.inf)
            pos = total[:, j] > 0.0
            rel[pos] = np.sqrt(total_sq[pos, j]) / total[pos, j]
            out[k] = (exposure_s * total[:, j], rel)
    return out


def _shared_sums(h, bases, events, lam1, chunk_size: int):
    """sum_i P_ci B_ik and sum_i P_ci^2 B_ik^2 over chunks of events: (n_c, K) each."""
    total = np.zeros((h.size, bases.shape[1]))
    total_sq = np.zeros_like(total)
    path = events.path_lengths()
    for start in range(0, len(events), chunk_size):
        sl = slice(start, start + chunk_size)
        prob = _chunk_rates(h, np.ones(lam1[sl].size), events.r[sl], lam1[sl], path[sl])
        b = bases[sl]
        total += prob @ b
        total_sq += np.square(prob) @ np.square(b)
    return total, total_sq


def event_rates(events: UpscatterEvents, coupling_scale: float, flavour_pattern,
                window_GeV=(0.0, np.inf), *, majorana: bool = True, alpha: float = 0.0,
                dipole_visible: str = "gamma"):
    """Per-event visible decay rates R_i (s^-1) at one coupling scale (for spectra, histograms)."""
    model = decay_model(events.mass_GeV, events.portal, flavour_pattern, majorana, dipole_visible)
    s = _check_scales(model, coupling_scale)
    base, lam1 = _prepare(events, model, window_GeV, alpha)
    return _chunk_rates(model.h(s), base, events.r, lam1, events.path_lengths())[0]
