"""Weighted upscattering events for a neutrino beam crossing a detector made of material boxes.

Physics (reference 003).  A beam of flux density dPhi/dE (neutrinos per cm^2 GeV POT, uniform over
the transverse plane, along +z) upscatters nu A -> N A anywhere in the material; the HNL decays
inside fiducial box k with probability  P_k = exp(-L1/lambda) - exp(-L2/lambda)  (L1, L2 the entry
and exit distances of the HNL ray in box k, lambda = (p_N/m) c tau).  The expected decays per POT:

    R = sum_k int dE dPhi/dE int d^3X n_s(X) int dOmega_N (1/2 pi) dsigma/du  P_k(X, Omega_N).

Parametrisation (exact, no rejection).  For each fiducial box k, write X = P - l Omega_N with P on
the plane z = z_k (the upstream face of box k) and l the distance along the HNL ray behind that
plane (l < 0: inside the slab of the box); d^3X = Omega_z dA_P dl.  The engine samples

* E from the flux histogram mixed with a log-uniform part (:class:`~nuportal.flux.beam.BinnedEnergySampler`);
* u = 1 - cos Theta (Theta = angle of the HNL to the beam axis) from the channel's forward density
  on [0, 1 - cos_min] (the analysis cut cos Theta > cos_min is applied by the integration range),
  and the azimuth uniformly;
* P uniformly on the face of box k widened by depth x tan(Theta_max) on every side (every ray that
  hits the box crosses that rectangle);
* l from q(l) = eta(l) sum_c pi_c g_c(l) / Z_c along the ray: eta is the stream's importance density (sum over
  species of n_s c_s, with c_s = Z^2 for coherent, Z for proton, N for neutron scattering), exact
  piecewise constant from the ray's crossings of every box (nesting rule of
  :mod:`nuportal.geometry.boxes`), and g a mixture of a uniform part inside the fiducial slab, a
  log-uniform part in (l + l0) upstream of it (short decay lengths, 1 cm - 10 km equally served) and a
  uniform part over the whole line (long decay lengths: the column density), each g_c weighted by
  eta and normalised by Z_c = int eta g_c dl, and pi_c fixed fractions;
* the species at the vertex with probability n_s c_s / eta.

An event of stream (k, channel type) generated N_k times carries the weight

    w = A_k Omega_z / (c_s D(l) N_k rho_E(E) rho_u(u)),   D(l) = sum_c pi_c g_c(l) / Z_c,

in cm^2 x cm x GeV (per nucleus, per unit dPhi/dE and dsigma/du)

and contributes  w sum_{nu/nubar, alpha} q_alpha dPhi_alpha/dE dsigma/du  P_k  decays per POT.
The events keep r = L1 and ``path_cm`` = L2 - L1, so :mod:`nuportal.mc.reweight` evaluates
P_k = e^{-r/lambda}(1 - e^{-path/lambda}) for any coupling from one simulation per mass.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from nuportal.errors import NuportalInputError, require_range
from nuportal.mc import sampling as S
from nuportal.mc.events import UpscatterEvents
from nuportal.mc.plan import SamplingPlan
from nuportal.mc.upscatter import PORTALS, _channel_sigma, _cross_sections, _u_range, natural_angle_scale

__all__ = ["simulate_beam", "channel_kind", "importance_factor", "BEAM_AXIS"]

BEAM_AXIS = np.array([0.0, 0.0, 1.0])
#: Seed of the pilot run of the automatic stream shares (fixed: reproducible, independent of the caller).
_PILOT_SEED = 20261206
_PILOT_EVENTS = 250
#: Largest chunk of the beam engine (the ray tracing holds N x boxes x 3 numbers).
_MAX_CHUNK = 8192
#: Proper decay lengths (cm) at which the pilot weighs the streams: 1 cm - 10 km.
_PILOT_CTAU_CM = np.geomspace(1.0, 1e6, 13)


def channel_kind(channel) -> str:
    """'coherent', 'p-elastic', 'n-elastic' or 'dis' (streams are per kind, species chosen per event)."""
    cls = type(channel).__name__
    if cls == "CoherentChannel":
        return "coherent"
    if cls == "NucleonChannel":
        return f"{channel.nucleon}-elastic"
    if cls == "DISChannel":
        return "dis"
    return channel.name


def importance_factor(kind: str, nucleus, portal: str) -> float:
    """c_s of the species choice: rough scaling of the cross section with the nucleus."""
    if kind == "coherent":
        return float(nucleus.Z**2) if portal == "dipole" else float(nucleus.weak_charge**2)
    if kind == "p-elastic":
        return float(nucleus.Z)
    if kind == "n-elastic":
        return float(nucleus.A - nucleus.Z)
    return float(nucleus.A)


class _Stream:
    """One (fiducial box, channel kind) stream: per-species channels and importance densities."""

    def __init__(self, geometry, k: int, kind: str, per_species: dict, portal: str, boxes=None) -> None:
        self.k, self.kind, self.per_species = k, kind, per_species  # per_species: species idx -> channel
        self.forward = any(getattr(ch, "forward", False) for ch in per_species.values())
        self.boxes = np.arange(geometry.n_boxes) if boxes is None else boxes
        c = np.zeros(len(geometry.species))
        for s, ch in per_species.items():
            c[s] = importance_factor(kind, ch.nucleus, portal)
        self.c = c
        self.eta_box = geometry.box_number_densities @ c  # (B,)
        parent = geometry.parent
        self.d_eta = (self.eta_box - np.where(parent >= 0, self.eta_box[np.maximum(parent, 0)], 0.0))[
            self.boxes
        ]


def _group_channels(channels: Mapping, geometry, portal: str) -> dict:
    """{kind: {species index: channel}} validated against the geometry."""
    out: dict = {}
    for species, chans in channels.items():
        if species not in geometry.species:
            raise NuportalInputError(
                f"species {species!r} is not in the geometry ({', '.join(geometry.species)})"
            )
        for ch in chans:
            if getattr(ch, "portal", portal) != portal:
                raise NuportalInputError(f"channel {ch.name!r} is for portal {ch.portal!r}, not {portal!r}")
            out.setdefault(channel_kind(ch), {})[geometry.species.index(species)] = ch
    if not out:
        raise NuportalInputError("no upscattering channels given")
    return out


def _face(geometry, k: int, tan_max: float):
    """(z_face, lo_xy, hi_xy, depth) of fiducial box k, the face widened by depth x tan(Theta_max)."""
    lo, hi = geometry.fid_lo[k], geometry.fid_hi[k]
    depth = hi[2] - lo[2]
    margin = depth * tan_max
    return lo[2], lo[:2] - margin, hi[:2] + margin, depth


# ------------------------------------------------------------------------------- vertex distance l
def _g_parts(a, b, l_min, l_max, l0):
    """Integrals over segments [a, b] of the three unit-normalised components of g: (inside, log, column)."""
    inside = np.clip(np.minimum(b, 0.0) - np.maximum(a, l_min), 0.0, None) / (-l_min)
    la, lb = np.clip(a, 0.0, l_max), np.clip(b, 0.0, l_max)
    log = np.log((lb + l0) / (la + l0)) / np.log((l_max + l0) / l0)
    col = np.clip(np.minimum(b, l_max) - np.maximum(a, l_min), 0.0, None) / (l_max - l_min)
    return inside, log, col


def _g_components(ell, l_min, l_max, l0):
    """The three unit-normalised component densities at l: (N, 3)."""
    inside = np.where((ell >= l_min) & (ell <= 0.0), 1.0 / (-l_min), 0.0)
    log = np.where((ell >= 0.0) & (ell <= l_max), 1.0 / ((ell + l0) * np.log((l_max + l0) / l0)), 0.0)
    col = np.where((ell >= l_min) & (ell <= l_max), 1.0 / (l_max - l_min), 0.0)
    return np.stack([inside, log, col], axis=1)


def _reachable_boxes(geometry, k: int, tan_max: float) -> np.ndarray:
    """Boxes that a ray within Theta_max of +z ending in fiducial box k can cross (a conservative cut).

    The rays cross the face of box k widened by depth x tan(Theta_max); going upstream by dz their
    transverse reach grows by dz tan(Theta_max).  A box is kept if it starts upstream of the far face
    of box k and its xy range meets the face rectangle widened by its largest upstream distance.
    """
    lo_f, hi_f = geometry.fid_lo[k], geometry.fid_hi[k]
    depth = hi_f[2] - lo_f[2]
    reach = (np.maximum(hi_f[2] - geometry.lo[:, 2], 0.0) + depth) * tan_max + 1e-6
    keep = geometry.lo[:, 2] <= hi_f[2]
    for a in range(2):
        keep &= (geometry.lo[:, a] <= hi_f[a] + reach) & (geometry.hi[:, a] >= lo_f[a] - reach)
    keep[geometry.root] = True
    idx = np.flatnonzero(keep)
    # a kept box needs its ancestors (the importance jumps are relative to the parent)
    full = set(idx.tolist())
    for b in idx:
        p = geometry.parent[b]
        while p >= 0 and p not in full:
            full.add(int(p))
            p = geometry.parent[p]
    return np.array(sorted(full), int)


def _ray_segments(geometry, stream: _Stream, p0, back_dir, l_min, l_max):
    """Elementary segments [t_j, t_j+1] (N, 2B+1) of the back-ray and the importance eta_j on each."""
    t_in, t_out = geometry.ray_intervals(p0, back_dir, geometry.lo[stream.boxes], geometry.hi[stream.boxes])
    t_in, t_out = np.clip(t_in, l_min, l_max), np.clip(t_out, l_min, l_max)
    hit = t_out > t_in
    jumps = np.where(hit, stream.d_eta[None, :], 0.0)
    t = np.concatenate([np.where(hit, t_in, l_max), np.where(hit, t_out, l_max)], axis=1)
    dj = np.concatenate([jumps, -jumps], axis=1)
    order = np.argsort(t, axis=1, kind="stable")
    t = np.take_along_axis(t, order, axis=1)
    eta = np.clip(np.cumsum(np.take_along_axis(dj, order, axis=1), axis=1), 0.0, None)
    # segment j spans [t[:, j], t[:, j + 1]] with density eta[:, j]; prepend l_min (eta 0 before box 1)
    t = np.concatenate([np.full((t.shape[0], 1), l_min), t], axis=1)
    eta = np.concatenate([np.zeros((t.shape[0], 1)), eta], axis=1)[:, :-1]
    return t[:, :-1], t[:, 1:], eta, (t_in, t_out, hit)


def _pick(rng, mass):
    """Row-wise index drawn with probabilities proportional to ``mass`` (N, K) (rows with mass > 0)."""
    cum = np.cumsum(mass, axis=1)
    u = rng.random(mass.shape[0]) * cum[:, -1]
    return np.minimum((cum < u[:, None]).sum(axis=1), mass.shape[1] - 1)


def _sample_vertex(rng, geometry, stream, p0, back_dir, l_min, l_max, plan: SamplingPlan):
    """(l, D(l)) per event: q(l) = eta(l) D(l) with D = sum_c pi_c g_c(l) / Z_c (D = 0: no material).

    The component c (inside / log / column) is drawn first with its fixed fraction pi_c (renormalised
    over the components that meet material, Z_c = int eta g_c > 0), then the segment with
    probability eta_j int_j g_c / Z_c, then l within the segment from g_c.  So each component keeps
    its share of the events whatever the densities (the gas of a TPC is 1000 times thinner than its
    walls but dominates at decay lengths below a centimetre).
    """
    a, b, eta, crossings = _ray_segments(geometry, stream, p0, back_dir, l_min[:, None], l_max[:, None])
    l0, n = plan.vertex_log_scale_cm, p0.shape[0]
    parts = _g_parts(a, b, l_min[:, None], l_max[:, None], l0)
    z_c = np.stack([(eta * p).sum(axis=1) for p in parts], axis=1)  # (N, 3)
    pi = np.where(z_c > 0.0, np.asarray(plan.vertex_fractions)[None, :], 0.0)
    pi_sum = pi.sum(axis=1)
    live = pi_sum > 0.0
    pi = pi / np.where(live, pi_sum, 1.0)[:, None]
    comp = _pick(rng, np.where(live[:, None], pi, 1.0))
    rows = np.arange(n)
    seg_mass = eta * np.stack(parts, axis=0)[comp, rows]  # (N, 2B)
    j = _pick(rng, np.where(live[:, None], seg_mass, 1.0))
    a_j, b_j = a[rows, j], b[rows, j]
    x = rng.random(n)
    lo_in, hi_in = np.maximum(a_j, l_min), np.minimum(b_j, 0.0)
    lo_c, hi_c = np.maximum(a_j, l_min), np.minimum(b_j, l_max)
    lo_g, hi_g = np.clip(a_j, 0.0, l_max), np.clip(b_j, 0.0, l_max)
    ell = np.where(
        comp == 0,
        lo_in + x * (hi_in - lo_in),
        np.where(comp == 1, (lo_g + l0) * ((hi_g + l0) / (lo_g + l0)) ** x - l0, lo_c + x * (hi_c - lo_c)),
    )
    ell = np.clip(ell, a_j, b_j)
    g = _g_components(ell, l_min, l_max, l0)
    d = (pi * g / np.where(z_c > 0.0, z_c, 1.0)).sum(axis=1)
    return ell, np.where(live, d, 0.0), _deepest_box(geometry, crossings, ell, stream.boxes)


def _deepest_box(geometry, crossings, ell, boxes):
    """Index of the deepest box whose crossing of the back-ray contains t = l (-1: none)."""
    t_in, t_out, hit = crossings
    inside = hit & (t_in <= ell[:, None]) & (t_out >= ell[:, None])
    score = np.where(inside, geometry.depth[boxes][None, :], -1)
    k = np.argmax(score, axis=1)
    return np.where(score[np.arange(k.size), k] >= 0, boxes[k], -1)


# ------------------------------------------------------------------------------- one stream chunk
def _sample_chunk(rng, ctx: dict, stream: _Stream, n: int, n_stream: int) -> dict:
    geometry, m, plan = ctx["geometry"], ctx["mass"], ctx["plan"]
    z_face, lo_xy, hi_xy, depth = ctx["faces"][stream.k]
    area = float(np.prod(hi_xy - lo_xy))
    e_nu, rho_e = ctx["energy"][stream.kind].sample(rng, n)
    u0 = natural_angle_scale(e_nu, m)
    u_cut = ctx["u_cut"]
    if stream.forward:
        u, rho_u = S.sample_forward_angle(rng, np.zeros(n), np.full(n, u_cut), u0)
    else:
        u, rho_u = rng.random(n) * u_cut, np.full(n, 1.0 / u_cut)
    cos_t = 1.0 - u
    sin_t = np.sqrt(np.clip(u * (2.0 - u), 0.0, None))
    phi = rng.uniform(0.0, 2.0 * np.pi, n)
    omega = np.stack([sin_t * np.cos(phi), sin_t * np.sin(phi), cos_t], axis=1)
    p0 = np.column_stack([lo_xy + rng.random((n, 2)) * (hi_xy - lo_xy), np.full(n, z_face)])
    l_min = -depth / cos_t
    l_max = np.maximum((z_face - geometry.lo[geometry.root, 2]) / cos_t, 1.0)
    ell, dens, box = _sample_vertex(rng, geometry, stream, p0, -omega, l_min, l_max, plan)
    x = p0 - ell[:, None] * omega
    nd = (
        np.where(box[:, None] >= 0, geometry.box_number_densities[np.maximum(box, 0)], 0.0)
        * stream.c[None, :]
    )
    eta = nd.sum(axis=1)
    ok = (dens > 0.0) & (eta > 0.0)
    cum = np.cumsum(nd, axis=1)
    species = np.minimum((cum < (rng.random(n) * eta)[:, None]).sum(axis=1), nd.shape[1] - 1)
    c_s = stream.c[species]
    weight = np.where(ok, area * cos_t / np.where(ok, c_s * dens * n_stream * rho_e * rho_u, 1.0), 0.0)
    t_in, t_out = geometry.ray_intervals(
        x, omega, geometry.fid_lo[stream.k : stream.k + 1], geometry.fid_hi[stream.k : stream.k + 1]
    )
    l1, l2 = np.maximum(t_in[:, 0], 0.0), t_out[:, 0]
    weight = np.where(l2 > l1, weight, 0.0)
    dsig = np.zeros((2, n))
    e_n = e_nu.copy()
    for s, ch in stream.per_species.items():
        sel = np.flatnonzero((species == s) & (weight > 0.0))
        if sel.size == 0:
            continue
        u_lo, u_hi, valid = _u_range(ch, e_nu[sel], m, plan.forward_u_min)
        inside = valid & (u[sel] >= u_lo) & (u[sel] <= u_hi)
        ds, en = _cross_sections(ch, e_nu[sel], np.clip(u[sel], 0.0, 2.0), m)
        dsig[:, sel] = np.where(inside, ds, 0.0)
        e_n[sel] = en
    weight = np.where(dsig.sum(axis=0) > 0.0, weight, 0.0)
    keep = np.flatnonzero(weight > 0.0)
    intensity, _ = ctx["source"].intensity_at(e_nu[keep])
    cols = {
        "E_nu": e_nu[keep],
        "E_N": e_n[keep],
        "cos_Theta": cos_t[keep],
        "X": x[keep],
        "r": l1[keep],
        "path_cm": (l2 - l1)[keep],
        "cos_zenith": cos_t[keep],
        "hnl_dir": omega[keep],
        "cos_det": cos_t[keep],
        "weight": weight[keep],
        "species": species[keep].astype(np.int32),
        "region": box[keep].astype(np.int32),
        "intensity": np.asarray(intensity, float),
        "dsigma": dsig[:, keep],
    }
    for name, arr in cols.items():
        if not np.all(np.isfinite(arr)):
            raise FloatingPointError(f"non-finite values in the '{name}' column of the beam MC")
    return cols


# ------------------------------------------------------------------------------- public entry
def _build_streams(geometry, kinds: dict, portal: str, tan_max: float) -> list[_Stream]:
    streams = []
    for k in range(len(geometry.fiducial_names)):
        boxes = _reachable_boxes(geometry, k, tan_max)
        for kind, per_species in kinds.items():
            st = _Stream(geometry, k, kind, per_species, portal, boxes)
            streams.append(st)
    return streams


def _sigma_per_bin(source, geometry, per_species: dict, kind: str, portal: str, mass: float, u_cut: float):
    """Rough cross section inside the direction cut at the flux-bin centres (importance of E only).

    Species weighted by their share of the importance density over the whole geometry's boxes
    (mass-weighted); uses the engine's 24-point quadrature in ln(u + u0).
    """
    edges = source.flux.edges
    e = 0.5 * (edges[:-1] + edges[1:])
    vol = np.prod(geometry.hi - geometry.lo, axis=1)
    share = (geometry.box_number_densities * vol[:, None]).sum(axis=0)
    total = np.zeros(e.size)
    for s, ch in per_species.items():
        ok = e > float(ch.threshold_energy(mass)) * (1 + 1e-6)
        if ok.any():
            total[ok] += share[s] * np.maximum(_channel_sigma(ch, e[ok], mass, 0.0, u_cut), 0.0)
    return total


def _context(mass, source, geometry, kinds, plan, cos_min, portal):
    e_min, e_max = source.energy_range
    energy = {}
    for kind, per_species in kinds.items():
        thr = min(float(ch.threshold_energy(mass)) for ch in per_species.values()) * (1.0 + 1e-9)
        if thr < e_max:
            factor = _sigma_per_bin(source, geometry, per_species, kind, portal, mass, 1.0 - cos_min)
            if factor.sum() <= 0.0:
                continue
            energy[kind] = source.energy_sampler(
                max(thr, e_min, 1e-6), None, plan.beam_energy_log_fraction, factor
            )
    tan_max = np.sqrt(max(1.0 - cos_min**2, 0.0)) / cos_min
    faces = [_face(geometry, k, tan_max) for k in range(len(geometry.fiducial_names))]
    return {
        "mass": float(mass),
        "source": source,
        "geometry": geometry,
        "plan": plan,
        "energy": energy,
        "faces": faces,
        "u_cut": 1.0 - cos_min,
    }


def _pilot_shares(ctx, streams, plan: SamplingPlan) -> np.ndarray:
    """Shares proportional to each stream's share of the rate, averaged over c tau = 1 cm - 10 km."""
    prng = np.random.default_rng(_PILOT_SEED)
    rates = np.zeros((len(streams), _PILOT_CTAU_CM.size))
    for j, st in enumerate(streams):
        if st.kind not in ctx["energy"]:
            continue
        cols = _sample_chunk(prng, ctx, st, _PILOT_EVENTS, _PILOT_EVENTS)
        if cols["weight"].size == 0:
            continue
        base = cols["weight"] * np.einsum("pan,pn->n", cols["intensity"], cols["dsigma"])
        p_n = np.sqrt(np.clip(cols["E_N"] ** 2 - ctx["mass"] ** 2, 0.0, None))
        lam = p_n[:, None] / ctx["mass"] * _PILOT_CTAU_CM[None, :]
        prob = np.exp(-cols["r"][:, None] / lam) * -np.expm1(-cols["path_cm"][:, None] / lam)
        rates[j] = base @ prob
    tot = rates.sum(axis=0)
    frac = np.where(tot > 0, rates / np.where(tot > 0, tot, 1.0), 0.0).mean(axis=1)
    if frac.sum() <= 0.0:
        return np.ones(len(streams)) / len(streams)
    return (1.0 - plan.share_floor) * frac / frac.sum() + plan.share_floor / len(streams)


def _shares(ctx, streams, plan: SamplingPlan) -> np.ndarray:
    if plan.stream_shares == "auto":
        shares = _pilot_shares(ctx, streams, plan)
    elif plan.stream_shares == "equal":
        shares = np.ones(len(streams))
    else:
        shares = np.asarray(plan.stream_shares, float)
        if shares.shape != (len(streams),):
            raise NuportalInputError(
                f"stream_shares must have {len(streams)} entries (fiducial boxes x channel "
                f"kinds), got {shares.size}"
            )
    live = np.array([st.kind in ctx["energy"] for st in streams])
    shares = np.where(live, shares, 0.0)
    if shares.sum() <= 0.0:
        return shares
    return shares / shares.sum()


def simulate_beam(
    mass: float,
    portal: str,
    source,
    geometry,
    channels: Mapping[str, Sequence],
    n_events: int,
    rng: np.random.Generator,
    plan: SamplingPlan | None = None,
    *,
    cos_min: float = 0.999,
    metadata: dict | None = None,
) -> UpscatterEvents:
    """Simulate weighted beam-upscattering events at one HNL mass (see module docstring).

    Parameters
    ----------
    mass : float
        HNL mass in GeV (> 0, below what the beam can produce).
    portal : {"dipole", "mixing"}
    source : nuportal.flux.beam.BeamSource
        The beam (along +z of the geometry).
    geometry : nuportal.geometry.BoxGeometry
        Material boxes and fiducial boxes.
    channels : mapping
        species name -> channels (:func:`nuportal.mc.upscatter.default_channels`).
    n_events : int
        Generated events over all streams (fiducial boxes x channel kinds).
    rng : numpy.random.Generator
    plan : SamplingPlan, optional
        Sampling choices (the beam uses chunk_size, stream_shares, share_floor, forward_u_min,
        beam_energy_log_fraction, vertex_fractions, vertex_log_scale_cm).
    cos_min : float in [0.2, 1)
        Selection on the HNL direction: cos(angle to the beam axis) > cos_min (reference 003: 0.999).
    metadata : dict, optional
        Provenance stored with the events.

    Returns
    -------
    UpscatterEvents
        With ``path_cm`` (length of the HNL path inside its fiducial box), ``region`` (index of the
        box where the upscattering happened, names in ``region_names``) and channel names
        "<fiducial>:<kind>".  Intensities are dPhi/dE per POT, so rates are decays per POT.
    """
    require_range("HNL mass [GeV]", mass, 0.0, np.inf, low_open=True, high_open=True)
    if portal not in PORTALS:
        raise NuportalInputError(f"portal = {portal!r} is not one of {', '.join(PORTALS)}")
    require_range("n_events", n_events, 1, np.inf, high_open=True)
    require_range("cos_min (HNL direction cut)", cos_min, 0.2, 1.0, high_open=True)
    if getattr(source, "diffuse", True):
        raise NuportalInputError(
            "simulate_beam needs a beam source (diffuse = False); use simulate() for diffuse ones"
        )
    if not np.allclose(source.axis, BEAM_AXIS):
        raise NuportalInputError(f"beam axis {tuple(source.axis)} must be +z of the geometry (0, 0, 1)")
    plan = plan or SamplingPlan()
    kinds = _group_channels(channels, geometry, portal)
    ctx = _context(mass, source, geometry, kinds, plan, float(cos_min), portal)
    if not ctx["energy"]:
        raise NuportalInputError(
            f"HNL mass = {mass:g} GeV is above what the beam can produce (every channel's "
            f"threshold exceeds E_max = {source.energy_range[1]:g} GeV)"
        )
    streams = _build_streams(geometry, kinds, portal, np.sqrt(1.0 - cos_min**2) / cos_min)
    shares = _shares(ctx, streams, plan)
    counts = rng.multinomial(int(n_events), shares)
    names, parts = [], []
    for j, (st, n_k) in enumerate(zip(streams, counts, strict=True)):
        names.append(f"{geometry.fiducial_names[st.k]}:{st.kind}")
        done, chunk = 0, min(plan.chunk_size, _MAX_CHUNK)
        while done < n_k:
            n = min(chunk, int(n_k) - done)
            part = _sample_chunk(rng, ctx, st, n, int(n_k))
            part["channel"] = np.full(part["weight"].size, j, dtype=np.int32)
            parts.append(part)
            done += n
    return _assemble(mass, portal, names, geometry, parts, metadata)


def _assemble(mass, portal, names, geometry, parts, metadata) -> UpscatterEvents:
    keys = (
        "E_nu",
        "E_N",
        "cos_Theta",
        "X",
        "r",
        "path_cm",
        "cos_zenith",
        "hnl_dir",
        "cos_det",
        "weight",
        "channel",
        "species",
        "region",
    )
    ints = ("channel", "species", "region")
    cat = {}
    for key in keys:
        if parts:
            cat[key] = np.concatenate([p[key] for p in parts])
        else:
            cat[key] = (
                np.zeros((0, 3))
                if key in ("X", "hnl_dir")
                else np.zeros(0, np.int32 if key in ints else float)
            )
    cat["intensity"] = (
        np.concatenate([p["intensity"] for p in parts], axis=-1) if parts else np.zeros((2, 3, 0))
    )
    cat["dsigma"] = np.concatenate([p["dsigma"] for p in parts], axis=-1) if parts else np.zeros((2, 0))
    return UpscatterEvents(
        mass_GeV=float(mass),
        portal=portal,
        channel_names=tuple(names),
        species_names=tuple(geometry.species),
        detector_length_cm=0.0,
        up=BEAM_AXIS.copy(),
        metadata=dict(metadata or {}),
        region_names=tuple(geometry.box_names),
        **cat,
    )
