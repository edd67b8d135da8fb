"""Importance samplers of the upscattering Monte Carlo (reference 004, Appendix A.1).

Every sampler returns the sampled values together with their probability density (in the sampled
variable), so that the caller forms exact weights ``1 / density``.

* :func:`sample_power_law` - neutrino energy, rho_E = kappa E^-gamma (004 Eqs. 16-18).
* :func:`sample_energy_mixture` - defensive energy mixture: (1 - f_log) kappa E^-gamma + f_log
  log-uniform (the gamma = 1 limit, 004 Eq. 18).  The log-uniform part keeps the tens-of-GeV
  neutrinos that dominate at short decay lengths (the top of an exclusion region, where only boosted
  HNLs reach the detector) from being starved by the steep power law.
* :func:`sample_distance` - distance r' of the interaction point from the detector.  Reference 004
  Eq. 19 uses one truncated exponential at the decay length of the coupling being simulated.  We
  reweight ONE sample per mass to every coupling (decay lengths from ~10 m to >> R_earth), so we use
  a *defensive mixture*: f_log log-uniform + f_uni uniform (+ f_exp truncated exponential of scale
  lambda_0) on [R_min, R_max], + f_near log-uniform on [R_min, R_near] (the short decay lengths of
  the exclusion ceiling, where the contributing events lie within a few R_min of the detector).
  The density is the full mixture density at each r' (exact mixture weights, independent of which
  component produced the point).
* :class:`LogUniform` - one log-uniform variable; the upscattering engine uses a product of two
  (high energy x small distance) as the "corner" component of its joint (E, r') mixture.
* :func:`sample_forward_angle` - 1 - cos(Theta) for forward-peaked channels (004 Eqs. 21, 22, 24
  with epsilon = 1), with the logarithm shifted by the natural scale u_0 of the channel:
  rho(u) = 1 / [(u + u_0) ln((u_hi + u_0)/(u_lo + u_0))].  With u_0 -> 0 this is exactly 004 Eq. 24
  with 1 - cos Theta_min = u_lo; the shift lets the sampling reach u = 0 (Theta_min = 0, allowed for
  m_N > 0) without truncation, while still covering the 1/Q^2 peak log-uniformly above u_0.  The
  sampled variable is u itself (exact down to u = 0; cos Theta = 1 - u cannot resolve u < 1e-16).
* :func:`sample_uniform_angle` - cos(Theta) uniform (004 Eqs. 23, 25, epsilon = 0).
* :func:`sample_directions_in_cap` - unit vectors uniform in the cap cos(theta') <= c_max around an
  axis (004 Eq. 20: cos theta' uniform below the bound that keeps X inside the target).
* :func:`orthonormal_frame`, :func:`rotate_from_axis` - Eq. 26 (v_hat_in from Theta, psi).
"""

from __future__ import annotations

import numpy as np

from nuportal.errors import NuportalInputError, require_range

__all__ = [
    "sample_power_law", "power_law_density", "sample_energy_mixture", "energy_mixture_density",
    "RadialMixture", "LogUniform", "sample_distance", "distance_density",
    "sample_forward_angle", "forward_angle_density", "sample_uniform_angle",
    "sample_directions_in_cap", "orthonormal_frame", "rotate_from_axis",
]


def _power_law_norm(gamma: float, e_lo, e_hi):
    """int_{e_lo}^{e_hi} E^-gamma dE (the 1/kappa of 004 Eq. 17), vectorised."""
    if abs(gamma - 1.0) < 1e-12:
        return np.log(e_hi / e_lo)
    return (e_hi ** (1.0 - gamma) - e_lo ** (1.0 - gamma)) / (1.0 - gamma)


def sample_power_law(rng: np.random.Generator, gamma: float, e_lo, e_hi, n: int):
    """Energies E in [e_lo, e_hi] (GeV) with density kappa E^-gamma (004 Eqs. 16-18).

    Parameters
    ----------
    rng : numpy.random.Generator
    gamma : float
        Power-law index (gamma = 1 gives the log-uniform limit of Eq. 18).
    e_lo, e_hi : float or array_like
        Range in GeV, 0 < e_lo < e_hi (broadcast against ``n`` samples).
    n : int
        Number of samples.

    Returns
    -------
    E, density : ndarray (n,)
        Sampled energies (GeV) and rho_E(E) in GeV^-1.
    """
    e_lo = np.broadcast_to(np.asarray(e_lo, float), (n,))
    e_hi = np.broadcast_to(np.asarray(e_hi, float), (n,))
    if np.any(e_lo <= 0.0) or np.any(e_hi <= e_lo):
        raise NuportalInputError("power-law energy range must satisfy 0 < E_lo < E_hi [GeV]")
    chi = rng.random(n)
    if abs(gamma - 1.0) < 1e-12:
        energy = e_lo * (e_hi / e_lo) ** chi
    else:
        a, b = e_lo ** (1.0 - gamma), e_hi ** (1.0 - gamma)
        energy = (a + chi * (b - a)) ** (1.0 / (1.0 - gamma))
    energy = np.clip(energy, e_lo, e_hi)
    return energy, power_law_density(energy, gamma, e_lo, e_hi)


def power_law_density(energy, gamma: float, e_lo, e_hi):
    """rho_E = kappa E^-gamma on [e_lo, e_hi] (004 Eqs. 16-17), GeV^-1."""
    return np.asarray(energy, float) ** (-gamma) / _power_law_norm(gamma, e_lo, e_hi)


def sample_energy_mixture(rng: np.random.Generator, gamma: float, f_log: float, e_lo: float, e_hi: float,
                          n: int):
    """Energies (GeV) from (1 - f_log) kappa E^-gamma + f_log / (E ln(E_hi/E_lo)) on [e_lo, e_hi].

    Scalar range (one stream); returns (E, mixture density in GeV^-1).  ``f_log = 0`` is
    :func:`sample_power_law`.
    """
    require_range("log-uniform energy fraction", f_log, 0.0, 1.0)
    if not 0.0 < e_lo < e_hi:
        raise NuportalInputError("power-law energy range must satisfy 0 < E_lo < E_hi [GeV]")
    chi = rng.random(n)
    energy = _power_law_quantile(chi, gamma, e_lo, e_hi)
    if f_log > 0.0:
        use_log = rng.random(n) < f_log
        energy = np.where(use_log, e_lo * (e_hi / e_lo) ** chi, energy)
    energy = np.clip(energy, e_lo, e_hi)
    return energy, energy_mixture_density(energy, gamma, f_log, e_lo, e_hi)


def _power_law_quantile(chi, gamma: float, e_lo: float, e_hi: float):
    if abs(gamma - 1.0) < 1e-12:
        return e_lo * (e_hi / e_lo) ** chi
    a, b = e_lo ** (1.0 - gamma), e_hi ** (1.0 - gamma)
    return (a + chi * (b - a)) ** (1.0 / (1.0 - gamma))


def energy_mixture_density(energy, gamma: float, f_log: float, e_lo: float, e_hi: float):
    """Density (GeV^-1) of :func:`sample_energy_mixture` at ``energy`` (inside the range)."""
    e = np.asarray(energy, float)
    rho = (1.0 - f_log) * e ** (-gamma) / _power_law_norm(gamma, e_lo, e_hi)
    return rho + f_log / (e * np.log(e_hi / e_lo)) if f_log > 0.0 else rho


class RadialMixture:
    """Defensive mixture for the distance r' (cm) between interaction point and detector.

    rho(r') = f_log / (r' ln(R_max/R_min)) + f_uni / (R_max - R_min)
              + f_exp exp(-(r'-R_min)/lambda_0) / (lambda_0 (1 - exp(-(R_max-R_min)/lambda_0)))
              + f_near [r' <= R_near] / (r' ln(R_near/R_min))
    on [R_min, R_max].  The exponential is 004 Eq. 19 at a single decay length lambda_0; the "near"
    log-uniform component concentrates events close to the detector for short decay lengths.

    Parameters
    ----------
    r_min_cm, r_max_cm : float
        Range, 0 < R_min < R_max.  R_min excludes production inside the detector (the paper's point
        detector approximation); choose it of the order of the detector size.
    f_log, f_uni, f_exp : float
        Non-negative mixture fractions (normalised internally; their sum must be > 0).
    lambda0_cm : float, optional
        Scale of the exponential component (required if f_exp > 0).
    f_near : float
        Fraction of the near log-uniform component on [R_min, R_near] (default 0).
    r_near_cm : float, optional
        R_near (default 10 R_min), clipped to R_max.
    """

    def __init__(self, r_min_cm: float, r_max_cm: float, f_log: float = 0.5, f_uni: float = 0.5,
                 f_exp: float = 0.0, lambda0_cm: float | None = None, *, f_near: float = 0.0,
                 r_near_cm: float | None = None) -> None:
        require_range("R_min [cm]", r_min_cm, 0.0, np.inf, low_open=True, high_open=True)
        require_range("R_max [cm]", r_max_cm, r_min_cm, np.inf, low_open=True, high_open=True)
        fr = np.array([f_log, f_uni, f_exp, f_near], float)
        require_range("radial mixture fractions", fr, 0.0, np.inf, high_open=True)
        if fr.sum() <= 0.0:
            raise NuportalInputError("radial mixture fractions sum to 0; at least one must be > 0")
        if f_exp > 0.0:
            require_range("lambda_0 [cm]", lambda0_cm if lambda0_cm is not None else np.nan,
                          0.0, np.inf, low_open=True, high_open=True)
        self.r_min, self.r_max = float(r_min_cm), float(r_max_cm)
        self.fractions = fr / fr.sum()
        self.lambda0 = float(lambda0_cm) if lambda0_cm is not None else 1.0
        r_near = 10.0 * self.r_min if r_near_cm is None else float(r_near_cm)
        require_range("R_near [cm]", r_near, self.r_min, np.inf, low_open=True, high_open=True)
        self.r_near = min(r_near, self.r_max)

    def sample(self, rng: np.random.Generator, n: int):
        """r' (cm, shape (n,)) drawn from the mixture; returns (r', density in cm^-1)."""
        cum = np.cumsum(self.fractions)
        comp = np.searchsorted(cum[:-1] / cum[-1], rng.random(n), side="right")
        chi = rng.random(n)
        lo, hi, lam = self.r_min, self.r_max, self.lambda0
        r = lo * (hi / lo) ** chi
        r = np.where(comp == 1, lo + chi * (hi - lo), r)
        if self.fractions[2] > 0.0:
            sel = comp == 2
            r[sel] = lo - lam * np.log1p(-chi[sel] * -np.expm1(-(hi - lo) / lam))  # 004 Eq. 19
        if self.fractions[3] > 0.0:
            sel = comp == 3
            r[sel] = lo * (self.r_near / lo) ** chi[sel]
        r = np.clip(r, lo, hi)
        return r, self.density(r)

    def density(self, r):
        """Mixture density (cm^-1) at r' (0 outside [R_min, R_max])."""
        r = np.asarray(r, float)
        lo, hi, lam = self.r_min, self.r_max, self.lambda0
        f_log, f_uni, f_exp, f_near = self.fractions
        inside = (r >= lo) & (r <= hi)
        rs = np.where(inside, r, lo)
        rho = f_log / (rs * np.log(hi / lo)) + f_uni / (hi - lo)
        if f_exp > 0.0:
            rho = rho + f_exp * np.exp(-(rs - lo) / lam) / (lam * -np.expm1(-(hi - lo) / lam))
        if f_near > 0.0 and self.r_near > lo:
            rho = rho + np.where(rs <= self.r_near, f_near / (rs * np.log(self.r_near / lo)), 0.0)
        return np.where(inside, rho, 0.0)


class LogUniform:
    """Log-uniform density 1 / (x ln(hi/lo)) on [lo, hi] (0 outside), 0 < lo < hi."""

    def __init__(self, lo: float, hi: float) -> None:
        if not 0.0 < lo < hi:
            raise NuportalInputError(f"log-uniform range must satisfy 0 < lo < hi, got [{lo}, {hi}]")
        self.lo, self.hi = float(lo), float(hi)
        self._log = float(np.log(self.hi / self.lo))

    def sample(self, rng: np.random.Generator, n: int):
        """n values and their density."""
        x = np.clip(self.lo * np.exp(self._log * rng.random(n)), self.lo, self.hi)
        return x, self.density(x)

    def density(self, x):
        """Density at x (0 outside [lo, hi])."""
        x = np.asarray(x, float)
        inside = (x >= self.lo) & (x <= self.hi)
        return np.where(inside, 1.0 / (np.where(inside, x, 1.0) * self._log), 0.0)


def sample_distance(rng: np.random.Generator, mixture: RadialMixture, n: int):
    """r' (cm) and its density (cm^-1) from ``mixture`` (see :class:`RadialMixture`)."""
    return mixture.sample(rng, n)


def distance_density(mixture: RadialMixture, r):
    """Density (cm^-1) of ``mixture`` at r' (cm)."""
    return mixture.density(r)


def sample_forward_angle(rng: np.random.Generator, u_lo, u_hi, u0):
    """u = 1 - cos(Theta) with density 1/[(u + u0) ln((u_hi + u0)/(u_lo + u0))] on [u_lo, u_hi].

    004 Eqs. 21-22, 24 (epsilon = 1) with the logarithm shifted by the natural scale u0 > 0 of the
    channel (see module docstring).  All arguments are arrays of equal shape (one per event).

    Returns
    -------
    u, density : ndarray
        1 - cos(Theta) and its density (per unit cos Theta).
    """
    u_lo, u_hi, u0 = (np.asarray(v, float) for v in (u_lo, u_hi, u0))
    chi = rng.random(u_lo.shape)
    x = chi * np.log((u_hi + u0) / (u_lo + u0))
    # (u_lo + u0) e^x - u0 written without cancellation for u << u0 (u_lo = 0 is the usual case)
    u = np.clip(u_lo * np.exp(x) + u0 * np.expm1(x), u_lo, u_hi)
    return u, forward_angle_density(u, u_lo, u_hi, u0)


def forward_angle_density(u, u_lo, u_hi, u0):
    """Density of :func:`sample_forward_angle` at u = 1 - cos(Theta)."""
    return 1.0 / ((u + u0) * np.log((u_hi + u0) / (u_lo + u0)))


def sample_uniform_angle(rng: np.random.Generator, c_lo, c_hi):
    """cos(Theta) uniform on [c_lo, c_hi] (004 Eqs. 23, 25); returns (cos, density)."""
    c_lo, c_hi = np.asarray(c_lo, float), np.asarray(c_hi, float)
    c = c_lo + rng.random(c_lo.shape) * (c_hi - c_lo)
    return c, 1.0 / (c_hi - c_lo)


def orthonormal_frame(axis):
    """Two unit vectors (N, 3) completing the unit vectors ``axis`` (N, 3) to a right-handed frame.

    Branch-free construction of Duff et al., J. Comput. Graph. Tech. 6 (2017) 1 (elementwise only).
    """
    axis = np.asarray(axis, float)
    x, y, z = axis[..., 0], axis[..., 1], axis[..., 2]
    sign = np.where(z >= 0.0, 1.0, -1.0)
    a = -1.0 / (sign + z)
    b = x * y * a
    e1 = np.stack([1.0 + sign * x * x * a, sign * b, -sign * x], axis=-1)
    e2 = np.stack([b, sign + y * y * a, -y], axis=-1)
    return e1, e2


def rotate_from_axis(axis, cos_t, phi):
    """Unit vectors at polar angle acos(cos_t) and azimuth phi around ``axis`` (004 Eq. 26).

    Parameters
    ----------
    axis : ndarray (N, 3) or (3,)
        Unit vectors.
    cos_t, phi : ndarray (N,)
        Polar cosine and azimuth (rad).
    """
    cos_t = np.asarray(cos_t, float)
    axis = np.asarray(axis, float)
    e1, e2 = orthonormal_frame(axis if axis.ndim == 2 else axis[None, :])
    sin_t = np.sqrt(np.clip(1.0 - cos_t * cos_t, 0.0, None))
    return (axis * cos_t[:, None] + e1 * (sin_t * np.cos(phi))[:, None]
            + e2 * (sin_t * np.sin(phi))[:, None])


def sample_directions_in_cap(rng: np.random.Generator, axis, cos_max):
    """Unit vectors uniform over {cos(theta') <= cos_max} around ``axis`` (004 Eq. 20).

    Parameters
    ----------
    axis : ndarray (3,)
        Unit vector (theta' is measured from it; for the Earth the local vertical at Y).
    cos_max : ndarray (N,)
        Upper bound on cos(theta') in [-1, 1].

    Returns
    -------
    n_hat, solid_angle : ndarray (N, 3), (N,)
        Directions and the solid angle of the cap, 2 pi (1 + cos_max) sr (the inverse density; it is
        returned instead of the density so that an empty cap gives a zero weight, not a division
        by zero).
    """
    cos_max = np.asarray(cos_max, float)
    cos_t = -1.0 + rng.random(cos_max.shape) * (1.0 + cos_max)
    phi = rng.uniform(0.0, 2.0 * np.pi, cos_max.shape)
    n_hat = rotate_from_axis(axis, cos_t, phi)
    return n_hat, 2.0 * np.pi * (1.0 + cos_max)
