"""Weighted generation of upscattering events nu A -> N A (reference 004 Eq. 7 and Appendix A).

Normalisation (derived from 004 Eq. 7).  The HNLs produced per unit volume, time and HNL solid
angle at X are  n(X) int dE int dOmega_nu I(E, Omega_nu, X) dsigma/dOmega_N, with
dsigma/dOmega_N = (1/2pi) dsigma/dcos Theta for an unpolarised, azimuthally symmetric process.  The
detector, a point of area A_perp at distance r' = |X - Y|, subtends A_perp / r'^2, and a fraction
P_vis (004 Eq. 6) decays visibly inside it.  With X = Y + r' n_hat, d^3X = r'^2 dr' dOmega_n, so
the r'^2 cancels:

    R = int dr' dOmega_n dE dcos Theta (dpsi / 2 pi) n(X) I(E, v_in, X) dsigma/dcos Theta A_perp P_vis.

(Check: isotropic I and a detector at the centre of a uniform sphere give
n sigma (4 pi I) A_perp int dr' e^{-r'/lambda} (1 - e^{-l/lambda}), the closed form tested in
tests/mc/test_upscatter_engine.py.  004 Eqs. 7/31 as printed carry 1/(4 pi |X-Y|^2) instead of
A_perp/(2 pi |X-Y|^2) and would be half of this; the factor here is the one that reproduces the
flat-Earth limit n V Phi sigma / 2 of 004 Eq. 10 with Phi = 4 pi I.)  Sampling (r', n_hat, E,
Theta, psi) with densities rho_r, rho_Omega, rho_E, rho_Theta and psi uniform, an event of a
stream (species s, channel k) generated N_k times carries the base weight

    w = A_perp n_s(X) / (N_k rho_r(r') rho_Omega(n_hat) rho_E(E) rho_Theta(cos Theta))  [GeV cm sr]

and contributes w * sum_{nu/nubar, alpha} q_alpha I_alpha dsigma * P_vis * f_vis events per second
(004 Eq. 30/31 with our samplers; the couplings q_alpha, P_vis and f_vis enter in
:mod:`nuportal.mc.reweight`).  With corner components (``corners`` of :func:`simulate`),
rho_r(r') rho_E(E) is replaced by the joint mixture density of (E, r') evaluated for every event.

Streams.  Every (species, channel) pair is sampled as its own stream with a fixed share of the
events (equal shares by default, or ``stream_shares``); each stream is an unbiased estimate of its
own term, so the weights are exact.  Only events with a non-zero contribution are kept.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from nuportal.errors import NuportalInputError, require_range
from nuportal.kinematics import random_unit_vectors
from nuportal.mc import sampling as S
from nuportal.mc.events import UpscatterEvents
from nuportal.mc.plan import DEFAULT_CORNERS, SamplingPlan
from nuportal.mc.targets import local_vertical

__all__ = ["PORTALS", "DEFAULT_CORNERS", "SamplingPlan", "simulate", "default_channels", "default_r_min_cm",
           "natural_angle_scale",
           "auto_stream_shares"]

PORTALS = ("dipole", "mixing")
#: Smallest u = 1 - cos Theta sampled for forward channels (default of ``forward_u_min``): 0, the
#: whole angular range.  The engine samples u itself and the channels evaluate dsigma/du without forming
#: cos Theta (``dsigma_du``; exact for every u in [0, 2]), so the forward region down to u = 0 (where the
#: 1/Q^2 peak saturates at u0 = Q^2_min/(2 E k) ~ m^4/(8 E^4), 1e-30 at 10 TeV and 5 MeV) is integrated.
#: A positive value cuts the region u < forward_u_min out of the integral (as 004 Eq. 24 excludes
#: Theta < Theta_min); the former default 1e-14, forced by the cancellation of Q^2 = 2E^2 - m^2 -
#: 2 E k cos Theta in cos-based cross sections, dropped 37-51% of the coherent dipole rate at TeV.
FORWARD_U_MIN = 0.0
#: Floor of the shift u0 of the forward-angle sampling (only keeps the logarithm finite where u0
#: underflows, m_N -> 0; the former floor of 1e-12 made weights ~ 1e-12/u at TeV energies).
U0_FLOOR = 1e-300
#: Default corner components of the joint (E, r') sampling (:data:`nuportal.mc.plan.DEFAULT_CORNERS`):
#: the broad one serves the exclusion ceiling where it is set by 10 GeV - 1 TeV neutrinos (m_N ~ 0.03 -
#: 0.15 GeV at Super-K), the narrow one where only the top of the flux table reaches the detector
#: (m_N < 0.01 GeV).  Each event carries the full mixture density, so the weights stay exact.


@dataclass(frozen=True)
class _Context:
    mass: float
    source: object
    target: object
    y: np.ndarray
    up: np.ndarray
    area: float
    mixture: S.RadialMixture
    gamma: float
    f_log_energy: float
    u_min: float = FORWARD_U_MIN
    corners: tuple = ()  # ((fraction, energy decades, r_hi / R_min), ...)


def default_r_min_cm(detector) -> float:
    """R_min (cm): radius of the sphere of the detector volume, (3 V / 4 pi)^(1/3).

    Production closer than this is excluded (inside the detector the point-detector approximation
    of 004 Eq. 7 fails); for Super-K (V = 22.5e3 m^3) R_min = 17.5 m.
    """
    return float((3.0 * detector.volume_cm3 / (4.0 * np.pi)) ** (1.0 / 3.0))


def natural_angle_scale(e_nu, mass: float):
    """u0 = Q^2_min / (2 E p_N) = (E - p_N)^2 / (2 E p_N) ~ m^4 / (8 E^4) (E_N = E_nu assumed).

    Scale of 1 - cos Theta below which the 1/Q^2 of a forward channel saturates (Q^2 ~ Q^2_min +
    2 E p_N (1 - cos Theta)); floored at :data:`U0_FLOOR`.
    """
    e = np.asarray(e_nu, float)
    p = np.sqrt(np.clip(e * e - mass * mass, 0.0, None))
    diff = mass * mass / (e + p)
    return np.maximum(diff * diff / np.maximum(2.0 * e * p, 1e-300), U0_FLOOR)


def default_channels(portal: str, target, *, coherent_m4_sign: int = -1,
                     atomic_screening: bool = False) -> dict:
    """{species: nuportal.production.upscattering.channels(portal, nucleus)} for a target."""
    from nuportal.nuclear.nuclei import get_nucleus
    from nuportal.production.upscattering import channels

    _check_portal(portal)
    return {s: list(channels(portal, get_nucleus(s), coherent_m4_sign=coherent_m4_sign,
                             atomic_screening=atomic_screening))
            for s in target.species}


def _check_portal(portal: str) -> None:
    if portal not in PORTALS:
        raise NuportalInputError(f"portal = {portal!r} is not one of {', '.join(PORTALS)}")


def _u_range(channel, e_nu, mass, u_min: float):
    """(u_lo, u_hi, valid) of u = 1 - cos Theta: the channel's range, u_lo >= u_min for forward channels.

    u_lo = 1 - cos_max is exactly 0 where cos_max = 1 (every channel above threshold).
    """
    cmin, cmax = (np.asarray(v, float) for v in channel.cos_theta_range(e_nu, mass))
    u_lo, u_hi = 1.0 - np.clip(cmax, -1.0, 1.0), 1.0 - np.clip(cmin, -1.0, 1.0)
    if getattr(channel, "forward", False):
        u_lo = np.maximum(u_lo, u_min)
    valid = u_hi > u_lo
    return np.where(valid, u_lo, 0.0), np.where(valid, u_hi, 2.0), valid


def _sample_neutrino_angle(rng, channel, e_nu, mass, u_min: float = FORWARD_U_MIN):
    """(u = 1 - cos Theta, 1/rho_Theta, valid) for one channel (004 Eqs. 21-25 with the shifted log).

    Forward channels: u in [max(1 - cos_max, u_min), 1 - cos_min] (see :data:`FORWARD_U_MIN`), density
    1/[(u + u0) ln(...)] with the natural scale u0; others: cos Theta uniform.  u is returned (not
    cos Theta, which cannot represent u < 1e-16) and goes to the channels' ``dsigma_du``.
    """
    u_lo, u_hi, valid = _u_range(channel, e_nu, mass, u_min)
    if getattr(channel, "forward", False):
        u, dens = S.sample_forward_angle(rng, u_lo, u_hi, natural_angle_scale(e_nu, mass))
        return u, 1.0 / dens, valid
    cos_t, dens = S.sample_uniform_angle(rng, 1.0 - u_hi, 1.0 - u_lo)
    return np.clip(1.0 - cos_t, u_lo, u_hi), 1.0 / dens, valid


def _sample_direction(rng, ctx: _Context, r):
    """(n_hat, 1/rho_Omega) of X = Y + r' n_hat (004 Eq. 20: uniform in the cap inside the target)."""
    cap = ctx.target.direction_cap(r, ctx.y)
    if cap is None:
        return random_unit_vectors(rng, r.size), np.full(r.size, 4.0 * np.pi)
    return S.sample_directions_in_cap(rng, cap[0], cap[1])


def _sample_position(rng, ctx: _Context, n: int):
    """(r', n_hat, 1/(rho_r rho_Omega)) of X = Y + r' n_hat (004 Eqs. 19-20, mixture in r')."""
    r, rho_r = ctx.mixture.sample(rng, n)
    n_hat, omega = _sample_direction(rng, ctx, r)
    return r, n_hat, omega / rho_r


def _corners(ctx: _Context, e_range) -> list:
    """[(fraction, LogUniform in E, LogUniform in r')] of the corner components for one stream.

    Energies log-uniform on [max(E_lo, E_max / 10^decades), E_max], distances log-uniform on
    [R_min, min(factor R_min, R_max)]; components with an empty range or fraction 0 are left out.
    """
    e_lo, e_hi = float(e_range[0]), float(e_range[1])
    r_lo = ctx.mixture.r_min
    out = []
    for f_c, decades, factor in ctx.corners:
        c_lo = max(e_lo, e_hi * 10.0 ** (-decades))
        r_hi = min(factor * r_lo, ctx.mixture.r_max)
        if f_c > 0.0 and c_lo < e_hi and r_hi > r_lo:
            out.append((f_c, S.LogUniform(c_lo, e_hi), S.LogUniform(r_lo, r_hi)))
    return out


def _joint_density(ctx: _Context, corners: list, e_nu, r, e_range):
    """Full (E, r') mixture density: (1 - sum f_c) rho_r rho_E + sum f_c rho_c,r rho_c,E."""
    rho = ctx.mixture.density(r) * S.energy_mixture_density(e_nu, ctx.gamma, ctx.f_log_energy,
                                                            e_range[0], e_range[1])
    rho = (1.0 - sum(c[0] for c in corners)) * rho
    for f_c, c_e, c_r in corners:
        rho = rho + f_c * c_r.density(r) * c_e.density(e_nu)
    return rho


def _cross_sections(channel, e_nu, u, m):
    """(dsigma (2, N) for nu / nubar, E_N (N,)) at u = 1 - cos Theta.

    Through the channel's fused ``dsigma_du_and_energy`` if it has one (the package's channels: exact
    for all u), else ``dsigma_du``; channels with only cos Theta methods (``dsigma_dcos[_and_energy]``)
    are called at cos Theta = 1 - u.
    """
    for fused, arg in (("dsigma_du_and_energy", u), ("dsigma_dcos_and_energy", 1.0 - u)):
        if hasattr(channel, fused):
            dsig, e_n = getattr(channel, fused)(e_nu, arg, m)
            return np.asarray(dsig, float), np.asarray(e_n, float)
    cos_t = 1.0 - u
    return _dsigma_u(channel, e_nu, u, m), np.asarray(channel.hnl_energy(e_nu, cos_t, m), float) + 0.0 * e_nu


def _dsigma_u(channel, e_nu, u, m):
    """dsigma (2, ...) for nu / nubar at u = 1 - cos Theta: ``dsigma_du`` or else ``dsigma_dcos(1 - u)``."""
    if hasattr(channel, "dsigma_du"):
        return np.stack([np.asarray(channel.dsigma_du(e_nu, u, m, antineutrino=b), float)
                         for b in (False, True)])
    return np.stack([np.asarray(channel.dsigma_dcos(e_nu, 1.0 - u, m, antineutrino=b), float)
                     for b in (False, True)])


def _take(cols: dict, idx) -> dict:
    return {k: np.take(v, idx, axis=-1 if k in ("intensity", "dsigma") else 0) for k, v in cols.items()}


def _sample_chunk(rng, ctx: _Context, s_idx: int, channel, e_range, n: int, n_stream: int) -> dict:
    """One chunk of one (species, channel) stream as a dict of columns (zero-weight events dropped).

    Order of work: positions first; points where the species is absent (n_s = 0, e.g. nickel outside
    the core) or outside the target carry zero weight whatever the rest, so they are dropped before
    the energy, angle, cross section and source are evaluated (the weights of the others are
    unchanged: every generated event still counts in N_k).  The source, the most expensive part, is
    evaluated last on events with a non-zero cross section.
    """
    m = ctx.mass
    corners = _corners(ctx, e_range)
    # component of each event: j = 1..len(corners) the corners, 0 the main product of mixtures
    comp = np.zeros(n, np.int64)
    if corners:
        idx = np.searchsorted(np.cumsum([c[0] for c in corners]), rng.random(n), side="right")
        comp = np.where(idx < len(corners), idx + 1, 0)
    r, _ = ctx.mixture.sample(rng, n)
    for j, (_, _, c_r) in enumerate(corners, start=1):
        sel = comp == j
        r[sel] = c_r.sample(rng, int(sel.sum()))[0]
    n_hat, omega = _sample_direction(rng, ctx, r)
    x = ctx.y[None, :] + r[:, None] * n_hat
    n_s = np.asarray(ctx.target.number_densities(x), float)[s_idx]
    live = np.flatnonzero((n_s > 0.0) & (omega > 0.0) & ctx.target.contains(x))
    r, n_hat, omega, x, n_s, comp = (a[live] for a in (r, n_hat, omega, x, n_s, comp))
    k = live.size
    e_nu, rho_e = S.sample_energy_mixture(rng, ctx.gamma, ctx.f_log_energy, e_range[0], e_range[1], k)
    rho = ctx.mixture.density(r) * rho_e
    if corners:
        for j, (_, c_e, _) in enumerate(corners, start=1):
            sel = comp == j
            e_nu[sel] = c_e.sample(rng, int(sel.sum()))[0]
        rho = _joint_density(ctx, corners, e_nu, r, e_range)
    hnl_dir = -n_hat
    u, inv_ang, valid = _sample_neutrino_angle(rng, channel, e_nu, m, ctx.u_min)
    cos_t = 1.0 - u  # stored and used for v_in only (flux direction); the cross sections take u
    v_in = S.rotate_from_axis(hnl_dir, cos_t, rng.uniform(0.0, 2.0 * np.pi, k))
    dsig, e_n = _cross_sections(channel, e_nu, u, m)
    weight = np.where(valid, ctx.area * n_s * omega * inv_ang / (n_stream * rho), 0.0)
    cols = {"E_nu": e_nu, "E_N": e_n, "cos_Theta": cos_t, "X": x, "r": r, "hnl_dir": hnl_dir,
            "cos_det": n_hat @ ctx.up, "weight": weight, "dsigma": dsig, "v_in": v_in}
    _require_finite(cols)
    keep = np.flatnonzero((weight > 0.0) & (dsig.sum(axis=0) > 0.0))
    if keep.size < k:
        cols = _take(cols, keep)
    v_in = cols.pop("v_in")
    if keep.size == 0:
        return {**cols, "intensity": np.zeros((2, 3, 0)), "cos_zenith": np.zeros(0),
                "species": np.zeros(0, np.int32)}
    intensity, aux = ctx.source.intensity_at(cols["E_nu"], cols["X"], v_in)
    cols["intensity"], cols["cos_zenith"] = np.asarray(intensity, float), np.asarray(aux, float)
    _require_finite({"intensity": cols["intensity"], "cos_zenith": cols["cos_zenith"]})
    keep = np.flatnonzero(cols["intensity"].sum(axis=(0, 1)) > 0.0)
    if keep.size < cols["weight"].size:
        cols = _take(cols, keep)
    cols["species"] = np.full(cols["weight"].size, s_idx, dtype=np.int32)
    return cols


def _require_finite(cols: dict) -> None:
    for name, arr in cols.items():
        if not np.all(np.isfinite(arr)):
            raise FloatingPointError(f"non-finite values in the '{name}' column of the upscattering MC")


def _streams(channels: Mapping, target, portal: str):
    """[(species index, channel)], validated."""
    streams = []
    for species, chans in channels.items():
        if species not in target.species:
            raise NuportalInputError(
                f"species {species!r} is not in the target ({', '.join(target.species)})")
        for ch in chans:
            if getattr(ch, "portal", portal) != portal:
                raise NuportalInputError(f"channel {ch.name!r} is for portal {ch.portal!r}, not {portal!r}")
            streams.append((target.species.index(species), ch))
    if not streams:
        raise NuportalInputError("no upscattering channels given")
    return streams


def _shares(streams, ctx: _Context, stream_shares, floor: float) -> np.ndarray:
    """Normalised event shares of the streams: "auto" (estimated contributions), "equal" or numbers."""
    if isinstance(stream_shares, str) and stream_shares == "auto":
        shares = auto_stream_shares(streams, ctx, floor) if len(streams) > 1 else np.ones(1)
    elif stream_shares is None or (isinstance(stream_shares, str) and stream_shares == "equal"):
        shares = np.ones(len(streams))
    elif isinstance(stream_shares, str):
        raise NuportalInputError(f"stream_shares = {stream_shares!r}: use 'auto', 'equal' or numbers")
    else:
        shares = np.asarray(stream_shares, float)
    if shares.shape != (len(streams),) or np.any(shares < 0) or shares.sum() <= 0:
        raise NuportalInputError(f"stream_shares must be {len(streams)} non-negative numbers, not all 0")
    return shares / shares.sum()


#: Seed of the pilot sample of :func:`auto_stream_shares` (fixed: the shares do not consume the
#: caller's generator and are reproducible).
_PILOT_SEED = 20240611
_PILOT_POINTS = 4096
_PILOT_ENERGIES = 12
_PILOT_DIRECTIONS = 16
_GAUSS_24 = np.polynomial.legendre.leggauss(24)


def _channel_sigma(channel, energies, m: float, u_min: float = FORWARD_U_MIN,
                   u_max: float = 2.0) -> np.ndarray:
    """Rough sigma(E) (cm^2, nu + nubar average) by 24-point Gauss-Legendre in ln(u + u0), u = 1 - cos.

    Generic (any channel with cos_theta_range and dsigma_du or dsigma_dcos) and adequate for the forward
    1/Q^2 peak, which a linear quadrature in cos Theta misses.  Used only to allocate events.
    """
    t, wt = _GAUSS_24
    u_lo, u_hi, _ = _u_range(channel, energies, m, u_min)
    u_hi = np.maximum(np.minimum(u_hi, u_max), u_lo)  # u_max: a direction cut (beams)
    u0 = natural_angle_scale(energies, m) if getattr(channel, "forward", False) else np.ones_like(u_lo)
    a, b = np.log(u_lo + u0), np.log(u_hi + u0)
    ln_v = 0.5 * (a + b)[:, None] + 0.5 * (b - a)[:, None] * t
    v = np.exp(ln_v)
    u = np.clip(v - u0[:, None], u_lo[:, None], u_hi[:, None])
    e = np.broadcast_to(energies[:, None], u.shape)
    ds = _dsigma_u(channel, e, u, m).sum(axis=0)
    return np.where(b > a, 0.25 * (b - a) * (ds * v * wt).sum(axis=1), 0.0)


def auto_stream_shares(streams, ctx: _Context, floor: float = 0.1) -> np.ndarray:
    """Shares proportional to an estimate of each (species, channel) stream's event rate.

    estimate_k = D_s * sum_j Delta ln E  E_j <I(E_j)> sigma_k(E_j), where

    * D_s = half the normalised distance-weighted column int dr' dOmega n_s(Y + r' n) (from a pilot
      sample of the radial mixture; the long-decay-length regime) plus half the normalised mean
      density within 2 R_min of the detector (the short-decay-length regime);
    * <I(E_j)> the source intensity at the detector, summed over flavours and nu/nubar, averaged
      over 16 directions, at 12 log-spaced energies between the lowest threshold and E_max;
    * sigma_k a rough total cross section (:func:`_channel_sigma`).

    A fraction ``floor`` of the events is shared equally so that no stream is starved.  Any
    positive shares give exact weights (each stream is its own unbiased estimator); these only
    reduce the variance.  The pilot uses a fixed seed, not the caller's generator.
    """
    prng = np.random.default_rng(_PILOT_SEED)
    target, m = ctx.target, ctx.mass
    r, n_hat, inv_pos = _sample_position(prng, ctx, _PILOT_POINTS)
    x = ctx.y[None, :] + r[:, None] * n_hat
    far = (np.asarray(target.number_densities(x), float) * inv_pos).mean(axis=1)
    x_near = ctx.y[None, :] + 2.0 * ctx.mixture.r_min * random_unit_vectors(prng, _PILOT_POINTS)
    near = (np.asarray(target.number_densities(x_near), float) * target.contains(x_near)).mean(axis=1)
    column = sum(0.5 * d / d.sum() for d in (far, near) if d.sum() > 0.0)
    e_min, e_max = (float(v) for v in ctx.source.energy_range)
    e_lo = max(e_min, min(float(ch.threshold_energy(m)) for _, ch in streams) * (1.0 + 1e-9))
    energies = np.geomspace(e_lo, e_max, _PILOT_ENERGIES)
    e_rep = np.repeat(energies, _PILOT_DIRECTIONS)
    dirs = random_unit_vectors(prng, e_rep.size)
    intensity, _ = ctx.source.intensity_at(e_rep, np.broadcast_to(ctx.y, dirs.shape), dirs)
    i_mean = np.asarray(intensity, float).sum(axis=(0, 1)).reshape(_PILOT_ENERGIES, -1).mean(axis=1)
    dlog = np.log(e_max / e_lo) / (_PILOT_ENERGIES - 1)
    est = np.array([column[s] * np.sum(dlog * energies * i_mean * _channel_sigma(ch, energies, m, ctx.u_min))
                    for s, ch in streams])
    if not np.all(np.isfinite(est)) or est.sum() <= 0.0:
        return np.ones(len(streams))
    return (1.0 - floor) * est / est.sum() + floor / len(streams)


def _run_stream(rng, ctx, s_idx, channel, n_stream, chunk_size) -> list:
    e_min, e_max = ctx.source.energy_range
    e_lo = max(float(e_min), float(channel.threshold_energy(ctx.mass)) * (1.0 + 1e-9))
    if n_stream == 0 or e_lo >= e_max:
        return []
    parts, done = [], 0
    while done < n_stream:
        n = min(chunk_size, n_stream - done)
        parts.append(_sample_chunk(rng, ctx, s_idx, channel, (e_lo, e_max), n, n_stream))
        done += n
    return parts


def simulate(mass: float, portal: str, source, target, detector, channels: Mapping[str, Sequence],
             n_events: int, rng: np.random.Generator, plan: SamplingPlan | None = None, *,
             metadata: dict | None = None, **knobs) -> UpscatterEvents:
    """Simulate weighted upscattering events at one HNL mass (reference 004 Eq. 7, App. A).

    Parameters
    ----------
    mass : float
        HNL mass in GeV (> 0).
    portal : {"dipole", "mixing"}
    source, target, detector
        Objects satisfying :class:`~nuportal.mc.targets.Source` (diffuse), ``Target`` and ``Detector``.
        Beams (``source.diffuse = False``) go through :func:`nuportal.mc.beam.simulate_beam`.
    channels : mapping
        species name -> list of UpscatterChannel (see :func:`default_channels`).
    n_events : int
        Number of generated events over all streams (zero-contribution events are dropped).
    rng : numpy.random.Generator
    plan : SamplingPlan, optional
        Every sampling choice (energy mixture, distance mixture with R_min, near and corner components,
        stream shares, chunk size, forward_u_min); see :class:`~nuportal.mc.plan.SamplingPlan`.
        Default ``SamplingPlan()``.
    metadata : dict, optional
        Provenance stored with the events (e.g. ``nuportal.io.provenance(config, seed)``).
    **knobs
        Shorthand for ``plan.replace(**knobs)`` (field names of SamplingPlan, validated there).
    """
    require_range("HNL mass [GeV]", mass, 0.0, np.inf, low_open=True, high_open=True)
    _check_portal(portal)
    require_range("n_events", n_events, 1, np.inf, high_open=True)
    if not getattr(source, "diffuse", True):
        raise NuportalInputError("beam (non-diffuse) sources go through nuportal.mc.beam.simulate_beam")
    plan = plan or SamplingPlan()
    if knobs:
        plan = plan.replace(**knobs)
    y = np.asarray(detector.position_cm, float).reshape(3)
    r_min = default_r_min_cm(detector) if plan.r_min_cm is None else float(plan.r_min_cm)
    mixture = S.RadialMixture(r_min, target.max_distance(y), *plan.radial_fractions,
                              lambda0_cm=plan.lambda0_cm, f_near=plan.near_fraction, r_near_cm=plan.r_near_cm)
    ctx = _Context(float(mass), source, target, y, local_vertical(y), float(detector.area_cm2),
                   mixture, float(plan.energy_index), float(plan.energy_log_fraction),
                   float(plan.forward_u_min), plan.corners)
    streams = _streams(channels, target, portal)
    shares = _shares(streams, ctx, plan.stream_shares, float(plan.share_floor))
    counts = rng.multinomial(int(n_events), shares)
    names, parts = [], []
    for k, ((s_idx, ch), n_k) in enumerate(zip(streams, counts, strict=True)):
        names.append(f"{target.species[s_idx]}:{ch.name}")
        for part in _run_stream(rng, ctx, s_idx, ch, int(n_k), plan.chunk_size):
            part["channel"] = np.full(part["species"].shape, k, dtype=np.int32)
            parts.append(part)
    return _assemble(ctx, portal, names, target.species, parts, detector, metadata)


def _assemble(ctx, portal, names, species, parts, detector, metadata) -> UpscatterEvents:
    """Concatenate the chunks field by field, dropping each chunk's field as soon as it is copied: the
    peak stays near one record per event plus one field (instead of two records)."""
    cat = {}
    keys = ("intensity", "dsigma", "X", "hnl_dir", "E_nu", "E_N", "cos_Theta", "r", "cos_zenith", "cos_det",
            "weight", "channel", "species")  # largest fields first
    empty = {"X": np.zeros((0, 3)), "hnl_dir": np.zeros((0, 3)), "channel": np.zeros(0, np.int32),
             "species": np.zeros(0, np.int32), "intensity": np.zeros((2, 3, 0)), "dsigma": np.zeros((2, 0))}
    for key in keys:
        axis = -1 if key in ("intensity", "dsigma") else 0
        cat[key] = np.concatenate([p.pop(key) for p in parts], axis=axis) if parts \
            else empty.get(key, np.zeros(0))
    return UpscatterEvents(mass_GeV=ctx.mass, portal=portal, channel_names=tuple(names),
                           species_names=tuple(species), detector_length_cm=float(detector.length_cm),
                           up=ctx.up, metadata=dict(metadata or {}), **cat)
