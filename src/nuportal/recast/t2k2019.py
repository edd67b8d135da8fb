r"""Recast of the T2K 2019 ND280 heavy-neutrino search on |U_e|^2 and |U_mu|^2 (140-490 MeV).

Source: T2K collaboration, "Search for heavy neutrinos with the T2K near detector ND280",
Phys. Rev. D 100, 052006 (2019), arXiv:1902.07598, and its public data release, converted into
``nuportal/data/t2k2019/`` by ``scripts/convert_t2k2019.py`` (see the README there).  Runs 2-8:
12.34e20 POT in neutrino mode (FHC) and 6.29e20 POT in antineutrino mode (RHC).

Signal model
------------
The release gives, per mass m (140-490 MeV in 10 MeV steps), the expected HNL decays in the TPCs
``Phi_r`` for 48 rows r (r < 24 FHC, r >= 24 RHC; production/decay mode i = r mod 24) at
|U_e|^2 = |U_mu|^2 = |U_tau|^2 = 1, and the efficiency ``eff[c, i]`` of the 10 analysis channels
c (0-4 FHC: mu pi, e- pi+, e+ pi-, mu mu, e e; 5-9 the same in RHC).  With mixings U^2 the
expected signal in channel c is

    s_c = sum_i w_i(U^2) Phi_{r(c, i)} eff[c, i],   r(c, i) = i (c < 5) or 24 + i (c >= 5),   (1)

with the mode weight ``w_i = U^2_a(prod) * D_b(decay)``: production K -> l_a N scales with
|U_a|^2 and, in the long-lifetime limit, the decay probability in ND280 scales with the partial
width of the decay mode (not with the total width).  Mapping (:data:`MODE_MIXINGS`):

=================================  =============================  =========================
decay mode (modes i, i+1)          process                        D_b
=================================  =============================  =========================
mu- pi+, mu+ pi- (0,1; 4,5)        charged current                |U_mu|^2
e- pi+, e+ pi- (2,3; 6,7)          charged current                |U_e|^2
mu+ mu- nu(e,tau) (8, 9)           neutral current, nu_e + nu_tau (|U_e|^2 + |U_tau|^2) / 2
e+ e- nu(mu,tau) (10, 11)          neutral current, nu_mu + nu_tau (|U_mu|^2 + |U_tau|^2) / 2
mu+ mu- nu_mu (12, 13)             CC + NC interference           |U_mu|^2
e+ e- nu_e (14, 15)                CC + NC interference           |U_e|^2
mu- e+ nu_e, mu+ e- nubar_e        CC, W at the muon vertex       |U_mu|^2
(16,17; 20,21)
mu- e+ nubar_mu, mu+ e- nu_mu      CC, W at the electron vertex   |U_e|^2
(18,19; 22,23)
=================================  =============================  =========================

The factor 1/2 of the summed neutral-current modes: each such row is the sum of two final states
(nu_e and nu_tau, or nu_mu and nu_tau), each with its own U^2 set to 1 in the release, so one
flavour alone gives half the row.  This is (i) the physics -- the NC width into
nu_alpha l+ l- (alpha != l) is the same function times |U_alpha|^2 for each alpha, and the release
rows agree: at 140 MeV Phi(e e nu(mu,tau)) / Phi(e e nu_e) = 0.427 = 2 x 0.125 / 0.588, the NC-only
and the CC+NC coefficients of Gamma(N -> nu e e) for sin^2 theta_W = 0.231 -- and (ii) exactly
T2K's own model, ``heavyNu_combined_model.py`` of the release's ``scripts/`` folder (not in our
shared copy of the release; read from a public copy of it): its ``contribution`` codes 3 and 4 give
``(Ue2 + Utau2) / 2`` and ``(Umu2 + Utau2) / 2``.  So with only U_mu non-zero the rows of K -> mu N
with decays mu pi, mu mu nu_mu, mu- e+ nu_e, mu+ e- nubar_e count fully and e e nu(mu,tau) with
weight 1/2; everything scales as |U_mu|^4.  (Dropping the half-weight NC rows, as a "production and
decay need only that flavour" rule would, lowers the U_mu signal by 0.5 % at 380 MeV up to 94 % at
140 MeV, where e e nu is the main open mode below the mu pi threshold, and the U_e signal by < 1 %.)

Long-lifetime assumption.  Eq. (1) is linear in the partial width, valid while the lab decay length
lambda = (p/m) c tau is much longer than the ~280 m from the target to ND280.  At |U|^2 = 1e-9 for
all three flavours lambda > 1e7 m for p = 1 GeV at every mass here (L/lambda < 3e-5), and along the
limits below the correction is of the same size; :func:`long_lifetime_ratio` evaluates it.

Statistics (all observed counts are zero)
------------------------------------------
T2K's limits are 90 % Bayesian *credible* upper limits (the 90 % quantile of the marginal
posterior from an MCMC): Poisson likelihood per channel, multivariate-Gaussian flux nuisances
(15 % fully correlated plus Monte-Carlo statistics per row), Gaussian efficiency nuisances, a
log-normal background per channel, and -- read from the release's ``heavyNu_combined_model.py``,
``prior=0`` being the default of ``heavyNu_combined_MCMC.py`` --
a prior *flat in U^2* on [1e-16, 10] (``log10 U^2 ~ Uniform(-16, 1)`` with the Jacobian
``potential log(10) * log10 U^2``).  That this prior made the published curves is borne out by
the numbers: it reproduces them to a few per cent, whereas a log-uniform prior down to 1e-16 would
give limits ~7x lower, and the marginalised U_e^2 limits of ~1e-15 above 388 MeV need the other
mixings spread flat up to 10.  The "profiling" curves
set the other two mixings to 0: that is the single-flavour case recast here.

With n = 0 in every channel the likelihood is ``prod_c exp(-(s_c + b_c)) = exp(-b) exp(-s)``:
the background (and its log-normal uncertainty) factorises and drops out of every limit below,
Bayesian or CLs.  For one flavour, ``s = S0 g U^4`` with the flux scale g ~ N(1, sigma) truncated
at g > 0, ``sigma^2 = 0.15^2 + sum_r (a_r sigma_r^stat)^2 / S0^2`` (a_r: contribution of row r;
the two Gaussian pieces add exactly for a linear signal).  With a prior of density u^p in ln u
(u = U^2; p = 1 flat in U^2, 0 log-uniform, 1/2 flat in U, 2 flat in U^4) the posterior CDF is
analytic for each g,

    F_g(u) = int u^p exp(-S0 g u^2) d ln u = (S0 g)^(-p/2) Gamma(p/2) P(p/2, S0 g u^2) / 2   (p > 0)
           = -E1(S0 g u^2) / 2 + const                                                   (p = 0)

and g is integrated by Gauss-Hermite quadrature (no Monte Carlo).  Without nuisances and with the
flat prior the limit is ``erfinv(cl) / sqrt(S0)`` (1.163 / sqrt(S0) at 90 %); the frequentist CLs
limit (:func:`cls_limit`; n = 0, any background) is ``sqrt(-ln(1 - cl) / S0)`` = 1.517 / sqrt(S0),
30 % higher in U^2 at the same nominal 90 %.  With the log-uniform prior the credible limit depends
on the lower prior bound (the posterior is flat below the sensitivity): see
:func:`bayesian_limit`.  Not modelled: the efficiency covariance (``cov_efficiency.root`` is not in
our copy of the release).

Units: masses in GeV at the interface (the tables are in MeV), mixings dimensionless, yields in
expected events.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files

import numpy as np
from scipy import special
from scipy.optimize import brentq

from nuportal import constants as C
from nuportal.errors import NuportalInputError, require_range
from nuportal.stats.intervals import cls_upper_limit

__all__ = [
    "PAPER", "POT", "MASS_RANGE_GEV", "CHANNELS", "MODES", "MODE_MIXINGS", "FLUX_REL_UNCERTAINTY",
    "T2K_PRIOR_RANGE", "PRIOR_EXPONENTS", "T2K2019Tables", "load_tables", "load_t2k_limits",
    "mode_weights", "channel_mode_yields", "expected_signal", "single_flavour_yield",
    "flux_scale_uncertainty", "cls_limit", "bayesian_limit", "single_flavour_limits",
    "compare_with_t2k", "long_lifetime_ratio", "plot_t2k2019_recast", "figure_t2k2019",
]

PAPER = ("T2K collaboration, Search for heavy neutrinos with the T2K near detector ND280, "
         "Phys. Rev. D 100, 052006 (2019), arXiv:1902.07598")
#: Protons on target of runs 2-8, already folded into the expected-decay table.
POT = {"fhc": 12.34e20, "rhc": 6.29e20}
#: HNL mass range of the tables (GeV); 10 MeV grid.
MASS_RANGE_GEV = (0.14, 0.49)
#: The 10 analysis channels (beam mode, selection), in table order.
CHANNELS = (("fhc", "mu pi"), ("fhc", "e- pi+"), ("fhc", "e+ pi-"), ("fhc", "mu+ mu-"), ("fhc", "e+ e-"),
            ("rhc", "mu pi"), ("rhc", "e- pi+"), ("rhc", "e+ pi-"), ("rhc", "mu+ mu-"), ("rhc", "e+ e-"))
_DECAYS = ("mu- pi+", "mu- pi+", "e- pi+", "e- pi+", "mu+ pi-", "mu+ pi-", "e+ pi-", "e+ pi-",
           "mu+ mu- nu(e,tau)", "mu+ mu- nu(e,tau)", "e+ e- nu(mu,tau)", "e+ e- nu(mu,tau)",
           "mu+ mu- nu_mu", "mu+ mu- nu_mu", "e+ e- nu_e", "e+ e- nu_e",
           "mu- e+ nu_e", "mu- e+ nu_e", "mu- e+ nubar_mu", "mu- e+ nubar_mu",
           "mu+ e- nubar_e", "mu+ e- nubar_e", "mu+ e- nu_mu", "mu+ e- nu_mu")
#: The 24 production/decay modes (even: K -> mu N, odd: K -> e N), release README Sec. 2.
MODES = tuple(f"K->{'mu' if i % 2 == 0 else 'e'} N, N->{dec}" for i, dec in enumerate(_DECAYS))
#: (production flavour, decay mixing) per mode; decay "e+tau" means (U_e^2 + U_tau^2) / 2, etc.
MODE_MIXINGS = tuple(("mu" if i % 2 == 0 else "e", d) for i, d in enumerate(
    ("mu", "mu", "e", "e", "mu", "mu", "e", "e", "e+tau", "e+tau", "mu+tau", "mu+tau",
     "mu", "mu", "e", "e", "mu", "mu", "e", "e", "mu", "mu", "e", "e")))
#: Fully correlated relative flux uncertainty (paper and release README).
FLUX_REL_UNCERTAINTY = 0.15
#: T2K's prior range on each U^2 (log10 U^2 in [-16, 1], heavyNu_combined_model.py).
T2K_PRIOR_RANGE = (1e-16, 10.0)
#: Prior density u^p in ln u (u = |U|^2): name -> p.  "flat" (in U^2) is T2K's default.
PRIOR_EXPONENTS = {"flat": 1.0, "log": 0.0, "flat_U": 0.5, "flat_U4": 2.0}

_DATA = "data/t2k2019"
_FLAVOURS = ("e", "mu")
_GH_Z, _GH_W = np.polynomial.hermite_e.hermegauss(64)   # probabilists' Hermite nodes (weight e^-z^2/2)


@dataclass(frozen=True)
class T2K2019Tables:
    """The converted T2K 2019 release (see ``nuportal/data/t2k2019/README.md``).

    Attributes
    ----------
    mass_GeV : ndarray, shape (36,)
        Mass grid, 0.14-0.49 GeV in 0.01 GeV steps.
    decays : ndarray, shape (36, 48)
        Expected decays in the TPCs at U_e^2 = U_mu^2 = U_tau^2 = 1 before efficiency (events),
        rows 0-23 FHC, 24-47 RHC (mode = row mod 24).
    flux_mc_stat : ndarray, shape (36, 48)
        Relative Monte-Carlo statistical uncertainty of each row (uncorrelated), 0 for empty rows.
    efficiency : ndarray, shape (36, 10, 24)
        Efficiency ``[mass, channel, mode]``.
    background, background_error, observed : ndarray, shape (10,)
        Expected background with its 1-sigma total uncertainty, and observed events, per channel.
    """

    mass_GeV: np.ndarray
    decays: np.ndarray
    flux_mc_stat: np.ndarray
    efficiency: np.ndarray
    background: np.ndarray
    background_error: np.ndarray
    observed: np.ndarray


def _read_csv(name: str) -> tuple[list[str], list[list[str]]]:
    """Header and string rows of a package table, skipping the ``#`` comment lines."""
    lines = [ln for ln in files("nuportal").joinpath(f"{_DATA}/{name}").read_text().splitlines()
             if ln and not ln.startswith("#")]
    return lines[0].split(","), [ln.split(",") for ln in lines[1:]]


def _numeric(name: str) -> tuple[list[str], np.ndarray]:
    """Header and float array of an all-numeric package table."""
    header, rows = _read_csv(name)
    return header, np.array([[float(x) for x in row] for row in rows])


@lru_cache(maxsize=1)
def load_tables() -> T2K2019Tables:
    """Load the converted release tables (cached; arrays are read-only).

    Returns
    -------
    T2K2019Tables
    """
    _, dec = _numeric("expected_decays.csv")
    _, stat = _numeric("flux_mc_stat.csv")
    _, eff = _numeric("efficiency.csv")
    header, rows = _read_csv("channels.csv")
    col = {k: header.index(k) for k in ("background", "background_error", "observed")}
    mass_mev = dec[:, 0]
    n_m = mass_mev.size
    if not (np.array_equal(stat[:, 0], mass_mev) and np.array_equal(eff[::24, 0], mass_mev)):
        raise RuntimeError("t2k2019 tables have inconsistent mass grids")
    efficiency = eff[:, 2:].reshape(n_m, 24, 10).transpose(0, 2, 1)
    out = T2K2019Tables(
        mass_GeV=mass_mev / 1000.0,
        decays=dec[:, 1:],
        flux_mc_stat=stat[:, 1:],
        efficiency=np.ascontiguousarray(efficiency),
        background=np.array([float(r[col["background"]]) for r in rows]),
        background_error=np.array([float(r[col["background_error"]]) for r in rows]),
        observed=np.array([float(r[col["observed"]]) for r in rows]),
    )
    for arr in vars(out).values():
        arr.setflags(write=False)
    return out


@lru_cache(maxsize=1)
def _yields() -> np.ndarray:
    """Per-(mass, channel, mode) yields Phi_{r(c,i)} eff[c, i] at unit mixings, shape (36, 10, 24)."""
    t = load_tables()
    flux = np.where(np.arange(10)[None, :, None] < 5, t.decays[:, None, :24], t.decays[:, None, 24:])
    out = flux * t.efficiency
    out.setflags(write=False)
    return out


def load_t2k_limits() -> dict:
    """T2K's published 90 % credible upper limits (for comparisons and figures).

    Returns
    -------
    dict
        ``"profiling"``: dict with ``mass_GeV``, ``U2e``, ``U2mu`` (other mixings set to 0; the
        release's placeholder 1 for "no sensitivity", U_mu^2 above 388 MeV, becomes NaN);
        ``"marginalisation"``: ``mass_GeV``, ``U2e``, ``U2mu``, ``U2tau``;
        ``"single_Umumu_method_A"``: ``mass_GeV``, ``U2mu`` (channel K -> mu N, N -> mu pi only).
    """
    _, comb = _numeric("t2k_limits_combined.csv")
    _, single = _numeric("t2k_limit_single_Umumu_method_A.csv")
    m = comb[:, 0] / 1000.0
    no_limit = lambda u: np.where(u >= 1.0, np.nan, u)  # noqa: E731
    return {
        "profiling": {"mass_GeV": m, "U2e": no_limit(comb[:, 1]), "U2mu": no_limit(comb[:, 2])},
        "marginalisation": {"mass_GeV": m, "U2e": comb[:, 3], "U2mu": comb[:, 4], "U2tau": comb[:, 5]},
        "single_Umumu_method_A": {"mass_GeV": single[:, 0] / 1000.0, "U2mu": single[:, 1]},
    }


# ------------------------------------------------------------------------------------ signal
def _check_mass(mass_GeV) -> np.ndarray:
    lo, hi = MASS_RANGE_GEV
    require_range("HNL mass [GeV] (T2K 2019 ND280 tables)", mass_GeV, lo, hi)
    return np.asarray(mass_GeV, dtype=float)


def _check_flavour(flavour: str) -> str:
    if flavour not in _FLAVOURS:
        raise NuportalInputError(f"flavour {flavour!r} is not one of {', '.join(_FLAVOURS)}")
    return flavour


def _interp_mass(mass: np.ndarray, table: np.ndarray) -> np.ndarray:
    """Linear interpolation of ``table`` (leading axis = mass grid) at ``mass`` (any shape)."""
    grid = load_tables().mass_GeV
    k = np.clip(np.searchsorted(grid, mass, side="right") - 1, 0, grid.size - 2)
    t = (mass - grid[k]) / (grid[k + 1] - grid[k])
    t = t.reshape(t.shape + (1,) * (table.ndim - 1))
    return (1.0 - t) * table[k] + t * table[k + 1]


def mode_weights(U2e=0.0, U2mu=0.0, U2tau=0.0) -> np.ndarray:
    """Mixing factor ``w_i = U^2_a(production) D_b(decay)`` of each of the 24 modes (Eq. 1).

    Parameters
    ----------
    U2e, U2mu, U2tau : float or array_like
        |U_alpha|^2 in [0, 1]; broadcast against each other.

    Returns
    -------
    ndarray, shape ``broadcast_shape + (24,)``
    """
    u = {}
    for fl, val in (("e", U2e), ("mu", U2mu), ("tau", U2tau)):
        require_range(f"|U_{fl}|^2", val, 0.0, 1.0)
        u[fl] = np.asarray(val, dtype=float)
    ue, um, ut = np.broadcast_arrays(u["e"], u["mu"], u["tau"])
    decay = {"e": ue, "mu": um, "e+tau": 0.5 * (ue + ut), "mu+tau": 0.5 * (um + ut)}
    return np.stack([u[prod] * decay[dec] + 0.0 * ue for prod, dec in MODE_MIXINGS], axis=-1)


def channel_mode_yields(mass_GeV) -> np.ndarray:
    """Selected events per channel and mode at unit mixings, ``Phi_{r(c,i)} eff[c, i]``.

    Parameters
    ----------
    mass_GeV : float or array_like
        HNL mass in [0.14, 0.49] GeV; linear interpolation between the 10 MeV grid points.

    Returns
    -------
    ndarray, shape ``mass.shape + (10, 24)``
    """
    return _interp_mass(_check_mass(mass_GeV), _yields())


def expected_signal(mass_GeV, U2e, U2mu, U2tau=0.0) -> np.ndarray:
    """Expected selected signal events in each of the 10 channels (Eq. 1), runs 2-8.

    Linear in the tabulated per-mode yields, so it is exact at the 10 MeV grid points and linearly
    interpolated in mass between them (crude within ~10 MeV of a kinematic threshold, e.g. the
    mu pi opening at 245 MeV and the K -> mu N end point at 388 MeV).

    Parameters
    ----------
    mass_GeV : float or array_like
        HNL mass in [0.14, 0.49] GeV.
    U2e, U2mu, U2tau : float or array_like
        |U_alpha|^2 in [0, 1]; all four arguments broadcast together.

    Returns
    -------
    ndarray, shape ``broadcast_shape + (10,)``
        Channels in the order of :data:`CHANNELS`.

    Raises
    ------
    NuportalInputError
        For a mass outside [0.14, 0.49] GeV or a mixing outside [0, 1] (the message names it).
    """
    m = _check_mass(mass_GeV)
    w = mode_weights(U2e, U2mu, U2tau)
    shape = np.broadcast_shapes(m.shape, w.shape[:-1])
    y = channel_mode_yields(np.broadcast_to(m, shape))
    return np.einsum("...ci,...i->...c", y, np.broadcast_to(w, shape + (24,)))


def _unit_weights(flavour: str) -> np.ndarray:
    return mode_weights(**{f"U2{_check_flavour(flavour)}": 1.0})


def single_flavour_yield(mass_GeV, flavour: str, channels=None) -> np.ndarray:
    """S0 such that the summed expected signal is ``S0 |U|^4`` when only U_flavour is non-zero.

    Parameters
    ----------
    mass_GeV : float or array_like
        HNL mass in [0.14, 0.49] GeV.
    flavour : {"e", "mu"}
    channels : sequence of int, optional
        Channel indices to sum (default: all 10).

    Returns
    -------
    float or ndarray
        Events at |U|^2 = 1; 0 where no mode is open (U_mu above 388 MeV).
    """
    sel = slice(None) if channels is None else np.asarray(channels, dtype=int)
    s = expected_signal(mass_GeV, **{"U2e": 0.0, "U2mu": 0.0, f"U2{_check_flavour(flavour)}": 1.0})
    return _scalar_or_array(s[..., sel].sum(axis=-1))


def flux_scale_uncertainty(mass_GeV, flavour: str) -> np.ndarray:
    """Relative Gaussian uncertainty of the single-flavour signal from the flux covariance.

    ``sqrt(0.15^2 + sum_r (a_r sigma_r)^2 / S0^2)``: the 15 % fully correlated part plus the
    uncorrelated Monte-Carlo statistics sigma_r of each row r contributing a_r events (release
    ``covmat_flux``).  Evaluated on the grid and interpolated linearly in mass.

    Returns
    -------
    float or ndarray
        Dimensionless; 0.15 where the signal vanishes.
    """
    m = _check_mass(mass_GeV)
    t = load_tables()
    w = _unit_weights(flavour)
    per_row = np.concatenate([(_yields()[:, :5] * w).sum(axis=1), (_yields()[:, 5:] * w).sum(axis=1)], axis=1)
    s0 = per_row.sum(axis=1)
    stat2 = np.divide(((per_row * t.flux_mc_stat) ** 2).sum(axis=1), s0**2, out=np.zeros_like(s0),
                      where=s0 > 0)
    return _scalar_or_array(np.sqrt(FLUX_REL_UNCERTAINTY**2 + _interp_mass(m, stat2)))


def _scalar_or_array(x):
    x = np.asarray(x, dtype=float)
    return float(x) if x.ndim == 0 else x


# ------------------------------------------------------------------------------------ limits
def cls_limit(mass_GeV, flavour: str, cl: float = 0.9) -> np.ndarray:
    """Frequentist single-flavour upper limit on |U|^2: exact Poisson CLs with the total background.

    All channels are combined into one count (n = 0 observed, b = summed background; for n = 0 the
    product of per-channel Poisson likelihoods is the same).  For n = 0, CLs gives
    ``s_up = -ln(1 - cl)`` for any background (2.303 at 90 %), so ``U^2_up = sqrt(s_up / S0)``.
    No nuisance parameters.

    Parameters
    ----------
    mass_GeV : float or array_like
        HNL mass in [0.14, 0.49] GeV.
    flavour : {"e", "mu"}
        The only non-zero mixing.
    cl : float
        Confidence level in (0, 1).

    Returns
    -------
    float or ndarray
        Upper limit on |U_flavour|^2; NaN where no mode is open.
    """
    t = load_tables()
    s_up = cls_upper_limit(int(t.observed.sum()), float(t.background.sum()), cl).upper
    s0 = np.asarray(single_flavour_yield(mass_GeV, flavour))
    with np.errstate(divide="ignore"):
        return _scalar_or_array(np.where(s0 > 0, np.sqrt(s_up / np.where(s0 > 0, s0, 1.0)), np.nan))


def _flux_nodes(sigma: float) -> tuple[np.ndarray, np.ndarray]:
    """Gauss-Hermite nodes g and weights of N(1, sigma) truncated to g > 0 (weights sum to 1)."""
    g = 1.0 + sigma * _GH_Z
    keep = g > 0
    w = _GH_W[keep]
    return g[keep], w / w.sum()


def _posterior_mass(u, s0, g, p: float, u_lo: float):
    """Unnormalised posterior mass of (u_lo, u] for one flux scale g (array over g)."""
    a = s0 * g
    if p == 0.0:
        return 0.5 * (special.exp1(a * u_lo**2) - special.exp1(a * u**2))
    h = 0.5 * p
    cdf = special.gammainc(h, a * u**2) - special.gammainc(h, a * u_lo**2)
    return 0.5 * a ** (-h) * special.gamma(h) * cdf


def _bayes_one(s0: float, sigma: float, cl: float, p: float, u_lo: float, u_hi: float) -> float:
    if s0 <= 0.0:
        return np.nan
    g, w = _flux_nodes(sigma) if sigma > 0 else (np.ones(1), np.ones(1))
    total = float(np.dot(w, _posterior_mass(u_hi, s0, g, p, u_lo)))
    target = cl * total
    f = lambda x: float(np.dot(w, _posterior_mass(np.exp(x), s0, g, p, u_lo))) - target  # noqa: E731
    if f(np.log(u_hi)) <= 0.0:
        return u_hi
    return float(np.exp(brentq(f, np.log(u_lo), np.log(u_hi), xtol=1e-10, rtol=1e-12)))


def bayesian_limit(mass_GeV, flavour: str, cl: float = 0.9, prior: str = "flat",
                   prior_range: tuple[float, float] = T2K_PRIOR_RANGE,
                   flux_uncertainty: bool = True) -> np.ndarray:
    """Bayesian single-flavour credible upper limit on |U|^2, mimicking T2K's combined analysis.

    Poisson likelihood in each channel with the observed zeros; log-normal background per channel
    (it factorises out for n = 0, see the module notes); truncated-Gaussian flux scale (15 %
    correlated plus per-row Monte-Carlo statistics, :func:`flux_scale_uncertainty`) integrated by
    64-node Gauss-Hermite quadrature; prior on u = |U|^2 over ``prior_range``; the limit is the
    ``cl`` quantile of the posterior, from the analytic CDF (module notes) and a root finder.

    Parameters
    ----------
    mass_GeV : float or array_like
        HNL mass in [0.14, 0.49] GeV.
    flavour : {"e", "mu"}
        The only non-zero mixing (T2K's "profiling" case).
    cl : float
        Credibility in (0, 1); T2K quote 0.9.
    prior : {"flat", "log", "flat_U", "flat_U4"}
        Prior flat in U^2 (T2K's choice, ``prior=0`` of ``heavyNu_combined_MCMC.py``), log-uniform
        in U^2, flat in U, flat in U^4 (T2K's alternatives 2 and 1).  With ``"log"`` the result
        depends on the lower bound: the posterior is flat in ln U^2 below the sensitivity, so the
        limit falls with u_lo (for U_e at 390 MeV: 1.4e-10 with u_lo = 1e-16, T2K's bound,
        3.9e-10 with 1e-12, 7.6e-10 with 1e-10, against 1.07e-9 for the flat prior and 1.06e-9
        published).
    prior_range : (float, float)
        Prior support (u_lo, u_hi), 0 < u_lo < u_hi; default T2K's [1e-16, 10].
    flux_uncertainty : bool
        Marginalise the flux scale (default) or fix it to 1.

    Returns
    -------
    float or ndarray
        Upper limit on |U_flavour|^2; NaN where no mode is open (T2K quote 1 there).
    """
    if prior not in PRIOR_EXPONENTS:
        raise NuportalInputError(f"prior {prior!r} is not one of {', '.join(PRIOR_EXPONENTS)}")
    require_range("credibility level cl", cl, 0.0, 1.0, low_open=True, high_open=True)
    u_lo, u_hi = (float(x) for x in prior_range)
    require_range("lower prior bound on |U|^2", u_lo, 0.0, np.inf, low_open=True, high_open=True)
    require_range("upper prior bound on |U|^2", u_hi, u_lo, np.inf, low_open=True, high_open=True)
    m = _check_mass(mass_GeV)
    s0 = np.atleast_1d(np.asarray(single_flavour_yield(m, flavour), dtype=float)).ravel()
    sig = np.atleast_1d(np.asarray(flux_scale_uncertainty(m, flavour), dtype=float)).ravel()
    p = PRIOR_EXPONENTS[prior]
    out = np.array([_bayes_one(s, sg if flux_uncertainty else 0.0, float(cl), p, u_lo, u_hi)
                    for s, sg in zip(s0, sig, strict=True)])
    return _scalar_or_array(out.reshape(m.shape))


_METHODS = ("bayesian", "cls")


def single_flavour_limits(flavour: str, method: str = "bayesian", mass_GeV=None, cl: float = 0.9,
                          **kwargs) -> tuple[np.ndarray, np.ndarray]:
    """Upper limit on |U_flavour|^2 versus mass (the other mixings zero).

    Parameters
    ----------
    flavour : {"e", "mu"}
    method : {"bayesian", "cls"}
        :func:`bayesian_limit` (T2K-like, default) or :func:`cls_limit`.
    mass_GeV : array_like, optional
        Masses in [0.14, 0.49] GeV (default: the 36 grid points).
    cl : float
        Confidence / credibility level (default 0.9, as T2K).
    **kwargs
        Passed to :func:`bayesian_limit` (``prior``, ``prior_range``, ``flux_uncertainty``).

    Returns
    -------
    mass_GeV, U2_limit : ndarray
    """
    m = load_tables().mass_GeV.copy() if mass_GeV is None else np.atleast_1d(_check_mass(mass_GeV))
    if method == "bayesian":
        lim = bayesian_limit(m, flavour, cl, **kwargs)
    elif method == "cls":
        if kwargs:
            raise NuportalInputError(f"method 'cls' takes no options, got {sorted(kwargs)}")
        lim = cls_limit(m, flavour, cl)
    else:
        raise NuportalInputError(f"method {method!r} is not one of {', '.join(_METHODS)}")
    return m, np.atleast_1d(np.asarray(lim, dtype=float))


def compare_with_t2k(flavour: str, method: str = "bayesian", **kwargs) -> dict:
    """Our single-flavour limit against T2K's published "profiling" limit, mass by mass.

    Parameters
    ----------
    flavour : {"e", "mu"}
    method : {"bayesian", "cls"}
    **kwargs
        Passed to :func:`single_flavour_limits`.

    Returns
    -------
    dict
        ``mass_GeV``, ``ours``, ``t2k`` and ``ratio`` (ours / T2K; NaN where either is missing),
        plus ``ratio_min`` and ``ratio_max`` over the masses where both exist.
    """
    ref = load_t2k_limits()["profiling"]
    m, ours = single_flavour_limits(flavour, method, ref["mass_GeV"], **kwargs)
    theirs = ref[f"U2{_check_flavour(flavour)}"]
    ratio = ours / theirs
    ok = np.isfinite(ratio)
    return {"mass_GeV": m, "ours": ours, "t2k": theirs, "ratio": ratio,
            "ratio_min": float(np.min(ratio[ok])), "ratio_max": float(np.max(ratio[ok]))}


def long_lifetime_ratio(mass_GeV, U2e, U2mu, U2tau=0.0, momentum_GeV=1.0, distance_m=280.0,
                        depth_m=1.7, majorana: bool = True) -> np.ndarray:
    """Exact over linearised decay probability in ND280, ``exp(-L/lam)(1 - exp(-D/lam)) / (D/lam)``.

    Checks the long-lifetime assumption behind Eq. (1): the ratio is 1 - (L + D/2)/lam + ... with
    lam = (p/m) c tau from :mod:`nuportal.decay.widths`.

    Parameters
    ----------
    mass_GeV : float or array_like
        HNL mass in [0.14, 0.49] GeV.
    U2e, U2mu, U2tau : float
        Mixings in [0, 1] (not all zero).
    momentum_GeV : float or array_like
        HNL lab momentum (> 0); T2K HNLs from kaon decays carry ~0.5-5 GeV.
    distance_m : float
        Flight distance to ND280 (~280 m from the target; kaons decay up to ~100 m downstream).
    depth_m : float
        Length of the decay volume along the beam (three TPC gas volumes, ~0.56 m each, plus gaps).
    majorana : bool
        Majorana widths (shorter lifetime: the conservative choice).

    Returns
    -------
    float or ndarray
        Ratio in (0, 1]; the linear (long-lifetime) approximation is good where it is ~1.
    """
    from nuportal.decay.widths import partial_widths_array

    m = _check_mass(mass_GeV)
    require_range("HNL momentum [GeV]", momentum_GeV, 0.0, np.inf, low_open=True, high_open=True)
    require_range("distance to ND280 [m]", distance_m, 0.0, np.inf, high_open=True)
    require_range("decay-volume depth [m]", depth_m, 0.0, np.inf, low_open=True, high_open=True)
    gamma = sum(partial_widths_array(m, U2e, U2mu, U2tau, majorana=majorana).values())
    gamma = np.asarray(gamma, dtype=float)
    if np.any(gamma <= 0):
        raise NuportalInputError("all mixings are zero: the HNL does not decay")
    lam = np.asarray(momentum_GeV, dtype=float) / m * (C.HBARC_GEV_CM / 100.0) / gamma
    x = depth_m / lam
    with np.errstate(under="ignore"):
        ratio = np.exp(-distance_m / lam) * np.where(x > 1e-8, -np.expm1(-x) / np.where(x > 0, x, 1.0),
                                                      1.0 - 0.5 * x)
    return _scalar_or_array(ratio)


# ---------------------------------------------------------------------------------- plotting
_METHOD_STYLE = {"bayesian": dict(color="tab:blue", lw=1.8, label="this recast, Bayesian (flat U$^2$ prior)"),
                 "cls": dict(color="tab:orange", lw=1.4, ls="--", label="this recast, CLs (n = 0)")}


def plot_t2k2019_recast(ax_e, ax_mu, methods=("bayesian", "cls")) -> list:
    """Draw our single-flavour limits against T2K's published ones, one axis per flavour.

    Parameters
    ----------
    ax_e, ax_mu : matplotlib.axes.Axes
        Axes for |U_e|^2 and |U_mu|^2.
    methods : sequence of {"bayesian", "cls"}

    Returns
    -------
    list
        The artists drawn.
    """
    from nuportal.plotting import style_log_axes

    ref = load_t2k_limits()["profiling"]
    artists = []
    for ax, fl, sym in ((ax_e, "e", "e"), (ax_mu, "mu", r"\mu")):
        artists += ax.plot(ref["mass_GeV"] * 1e3, ref[f"U2{fl}"], color="k", lw=2.2,
                           label="T2K 2019 (90% C.L., other mixings 0)")
        for meth in methods:
            m, lim = single_flavour_limits(fl, meth)
            artists += ax.plot(m * 1e3, lim, **_METHOD_STYLE[meth])
        style_log_axes(ax, r"HNL mass $m_N$ [MeV/$c^2$]", rf"$|U_{{{sym}}}|^2$ (90% upper limit)",
                       legend_size=8)
        ax.set_xlim(140, 490)
        ax.set_title(rf"T2K ND280 2019 recast, only $U_{{{sym}}} \neq 0$", fontsize=10)
    return artists


def figure_t2k2019(path, methods=("bayesian", "cls")):
    """Write the two-panel comparison figure (format from the suffix) and return its path.

    Uses a bare :class:`matplotlib.figure.Figure` (no pyplot state, any backend) and an atomic
    write.
    """
    from pathlib import Path

    from matplotlib.figure import Figure


    path = Path(path)
    fig = Figure(figsize=(10, 4.2), layout="constrained")
    ax_e, ax_mu = fig.subplots(1, 2)
    plot_t2k2019_recast(ax_e, ax_mu, methods)
    from nuportal.io import save_figure

    return save_figure(fig, path, {"source": "T2K 2019 ND280 HNL-search data release"}, close=False)
