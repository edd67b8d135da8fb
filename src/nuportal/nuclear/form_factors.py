"""Nuclear and nucleon form factors (reference 004 Appendix B, Eqs. 37-38, 42-44).

All momentum transfers are Q = sqrt(-t) >= 0 in GeV (or Q2 = -t >= 0 in GeV^2); radii in fm.

Helm form factor.  Reference 004 Eq. 42 prints F = (3 j1(Q R1)/(Q R1))^(1/2) exp(-(sQ)^2/2); the
square root is a typo: the Helm (1956) form factor, the Fourier transform of a hard sphere of radius
R1 folded with a Gaussian of width s, is F = 3 j1(Q R1)/(Q R1) exp(-(Q s)^2/2) (Lewin & Smith,
Astropart. Phys. 6 (1996) 87, Eq. 4.7), which is what the reference-004 authors' code evaluates and
what we use.  Eq. 43 splits R1 into (R_A, r0, s); F depends only on R1 and s, so we fit and store
(R1, s) directly.
"""

from __future__ import annotations

import numpy as np

from nuportal.errors import NuportalInputError, require_range
from nuportal.nuclear.nuclei import Nucleus, get_nucleus, nucleon_parameters

__all__ = ["HBARC_GEV_FM", "helm", "helm_form_factor", "helm_rms_radius_fm", "fermi_form_factor",
           "fermi_2p", "fermi_3p", "fermi_rms_radius_fm", "charge_form_factor_fermi", "charge_form_factor",
           "fourier_bessel_form_factor", "fourier_bessel_rms_radius_fm", "dipole_GD",
           "sachs_form_factors", "nucleon_F1", "nucleon_F2", "axial_FA"]

#: hbar c in GeV fm (CODATA 2022).
HBARC_GEV_FM = 0.1973269804


def _j1_over_x(x: np.ndarray) -> np.ndarray:
    """j1(x)/x = (sin x - x cos x)/x^3, with its Taylor series below x = 0.02."""
    x = np.asarray(x, dtype=float)
    small = x < 0.02
    xs = np.where(small, 1.0, x)
    exact = (np.sin(xs) - xs * np.cos(xs)) / xs**3
    x2 = x * x
    return np.where(small, 1.0 / 3.0 - x2 / 30.0 + x2 * x2 / 840.0, exact)


def helm_form_factor(Q_GeV, R1_fm: float, s_fm: float) -> np.ndarray:
    """Helm form factor F = 3 j1(Q R1)/(Q R1) exp(-(Q s)^2/2), F(0) = 1 (Lewin & Smith Eq. 4.7).

    Parameters
    ----------
    Q_GeV : array_like
        Momentum transfer |q| in GeV (>= 0).
    R1_fm, s_fm : float
        Box radius and surface thickness in fm.
    """
    Q = np.asarray(Q_GeV, dtype=float)
    x = Q * (R1_fm / HBARC_GEV_FM)
    qs = Q * (s_fm / HBARC_GEV_FM)
    return 3.0 * _j1_over_x(x) * np.exp(-0.5 * qs * qs)


def helm(Q_GeV, nucleus: Nucleus | str) -> np.ndarray:
    """Helm charge form factor of ``nucleus`` with its fitted (R1, s) (reference 004 Eqs. 42-44).

    Parameters
    ----------
    Q_GeV : array_like
        Momentum transfer Q = sqrt(-t) in GeV.
    nucleus : Nucleus or str
        Target ("Fe", "Fe56", ...); must have Helm parameters (not the free proton).
    """
    nuc = get_nucleus(nucleus)
    if nuc.helm_R1_fm is None or nuc.helm_s_fm is None:
        raise NuportalInputError(f"nucleus {nuc.symbol} has no Helm parameters (run scripts/fit_helm.py)")
    return helm_form_factor(Q_GeV, nuc.helm_R1_fm, nuc.helm_s_fm)


def helm_rms_radius_fm(R1_fm: float, s_fm: float) -> float:
    """rms radius of the Helm density: <r^2> = 3/5 R1^2 + 3 s^2 (fm)."""
    return float(np.sqrt(0.6 * R1_fm**2 + 3.0 * s_fm**2))


def _fermi_grid(c_fm: float, z_fm: float, w: float, n: int = 3000) -> tuple[np.ndarray, np.ndarray]:
    """Radial grid (fm) and Simpson-like weights times r^2 rho(r) for the Fermi density."""
    r = np.linspace(0.0, c_fm + 25.0 * z_fm, n)
    rho = (1.0 + w * (r / c_fm) ** 2) / (1.0 + np.exp((r - c_fm) / z_fm))
    wts = np.full(n, 2.0)
    wts[1::2] = 4.0
    wts[0] = wts[-1] = 1.0
    return r, wts * r * r * rho


def fermi_form_factor(Q_GeV, c_fm: float, z_fm: float, w: float = 0.0, chunk: int = 4096) -> np.ndarray:
    """Form factor of the (3-parameter) Fermi charge density by numerical 3-D Fourier transform.

    F(Q) = int r^2 rho(r) sin(Qr)/(Qr) dr / int r^2 rho(r) dr (Simpson rule on 3000 points up to
    c + 25 z), so F(0) = 1.  rho(r) = (1 + w r^2/c^2)/(1 + exp((r - c)/z)) (De Vries et al. 1987).

    Parameters
    ----------
    Q_GeV : array_like
        Momentum transfer in GeV (>= 0).
    c_fm, z_fm : float
        Half-density radius and diffuseness in fm.
    w : float
        3pF central-depression parameter (0 for 2pF).
    """
    Q = np.asarray(Q_GeV, dtype=float)
    require_range("Q_GeV", Q, 0.0, np.inf)
    r, weight = _fermi_grid(c_fm, z_fm, w)
    norm = weight.sum()
    flat = Q.ravel() / HBARC_GEV_FM
    out = np.empty_like(flat)
    for start in range(0, flat.size, chunk):
        q = flat[start:start + chunk]
        out[start:start + chunk] = np.sinc(np.outer(q, r) / np.pi) @ weight / norm
    return out.reshape(Q.shape)


def fermi_2p(Q_GeV, c_fm: float, a_fm: float) -> np.ndarray:
    """Two-parameter Fermi form factor (see :func:`fermi_form_factor` with w = 0)."""
    return fermi_form_factor(Q_GeV, c_fm, a_fm, 0.0)


def fermi_3p(Q_GeV, c_fm: float, z_fm: float, w: float) -> np.ndarray:
    """Three-parameter Fermi form factor (see :func:`fermi_form_factor`)."""
    return fermi_form_factor(Q_GeV, c_fm, z_fm, w)


def fermi_rms_radius_fm(c_fm: float, z_fm: float, w: float = 0.0) -> float:
    """rms radius (fm) of the (3-parameter) Fermi density, by the same quadrature."""
    r, weight = _fermi_grid(c_fm, z_fm, w)
    return float(np.sqrt((weight * r * r).sum() / weight.sum()))


def fourier_bessel_form_factor(Q_GeV, R_fm: float, coefficients) -> np.ndarray:
    """Form factor of a Fourier-Bessel charge density rho(r) = sum_n a_n j0(n pi r / R) for r <= R.

    F(q) = sum_n (-1)^n a_n j0(qR) / ((n pi)^2 - (qR)^2) / sum_n (-1)^n a_n / (n pi)^2 (exact transform;
    De Vries et al., At. Data Nucl. Data Tables 36 (1987) 495, Sec. 2), with the removable singularity at
    qR = n pi taken as its limit (the n-th term tends to -1 / (2 (n pi)^2)).  F(0) = 1.
    """
    Q = np.asarray(Q_GeV, dtype=float)
    require_range("Q_GeV", Q, 0.0, np.inf)
    a = np.asarray(coefficients, float)
    n = np.arange(1, a.size + 1)
    x = (Q * (R_fm / HBARC_GEV_FM))[..., None]
    npi = n * np.pi
    sign = (-1.0) ** n
    near = np.abs(x - npi) < 1e-6
    j0 = np.where(x > 0, np.sin(x) / np.where(x > 0, x, 1.0), 1.0)
    term = np.where(near, -0.5 / npi**2, sign * j0 / np.where(near, 1.0, npi**2 - x**2))
    return (term * a).sum(axis=-1) / np.sum(sign * a / npi**2)


def fourier_bessel_rms_radius_fm(R_fm: float, coefficients, n_grid: int = 4001) -> float:
    """rms radius (fm) of a Fourier-Bessel density (quadrature on [0, R])."""
    r = np.linspace(0.0, R_fm, n_grid)
    a = np.asarray(coefficients, float)
    rho = (a[:, None] * np.sinc(np.arange(1, a.size + 1)[:, None] * r[None, :] / R_fm)).sum(axis=0)
    return float(np.sqrt(np.trapezoid(rho * r**4, r) / np.trapezoid(rho * r**2, r)))


def charge_form_factor(Q_GeV, nucleus: Nucleus | str) -> np.ndarray:
    """Charge form factor of a tabulated nucleus from its density model (2pF, 3pF or FB; slow)."""
    rho = get_nucleus(nucleus).charge_density
    if rho is None:
        raise NuportalInputError(f"nucleus {nucleus!r} has no charge density")
    if rho.model == "FB":
        return fourier_bessel_form_factor(Q_GeV, rho.c_fm, rho.coefficients)
    return fermi_form_factor(Q_GeV, rho.c_fm, rho.z_fm, rho.w)


#: Former name, kept for callers: the charge form factor of the tabulated density (any model).
charge_form_factor_fermi = charge_form_factor


def dipole_GD(Q2) -> np.ndarray:
    """Dipole form factor G_D = (1 + Q^2/0.71 GeV^2)^-2 (reference 004 Eq. 38); Q2 = -t in GeV^2."""
    return (1.0 + np.asarray(Q2, dtype=float) / nucleon_parameters()["dipole_vector_mass2"]) ** -2


def sachs_form_factors(Q2, nucleon: str) -> tuple[np.ndarray, np.ndarray]:
    """Sachs (G_E, G_M) of "p" or "n": G_E^p = G_D, G_E^n = 0, G_M = mu G_D (reference 004 Eq. 38)."""
    par = nucleon_parameters()
    gd = dipole_GD(Q2)
    if nucleon == "p":
        return gd, par["mu_p"] * gd
    if nucleon == "n":
        return np.zeros_like(gd), par["mu_n"] * gd
    raise NuportalInputError(f"nucleon = {nucleon!r}; allowed: 'p', 'n'")


def _tau(Q2) -> np.ndarray:
    from nuportal.nuclear._masses import nucleon_mass

    return np.asarray(Q2, dtype=float) / (4.0 * nucleon_mass() ** 2)


def nucleon_F1(Q2, nucleon: str) -> np.ndarray:
    """Dirac form factor F1 = (G_E + tau G_M)/(1 + tau), tau = Q^2/4M^2 (reference 004 Eq. 37).

    Eq. 37 is printed with Q^2 = t; we use Q2 = -t >= 0 throughout (standard sign).
    """
    ge, gm = sachs_form_factors(Q2, nucleon)
    tau = _tau(Q2)
    return (ge + tau * gm) / (1.0 + tau)


def nucleon_F2(Q2, nucleon: str) -> np.ndarray:
    """Pauli form factor F2 = (G_M - G_E)/(1 + tau), F2(0) = anomalous moment (reference 004 Eq. 37)."""
    ge, gm = sachs_form_factors(Q2, nucleon)
    return (gm - ge) / (1.0 + _tau(Q2))


def axial_FA(Q2, g_A: float | None = None, M_A: float | None = None) -> np.ndarray:
    """Isovector axial dipole F_A = g_A (1 + Q^2/M_A^2)^-2 (g_A > 0; PDG 2024, M_A = 1.026 GeV)."""
    par = nucleon_parameters()
    g = par["g_A"] if g_A is None else g_A
    m = par["axial_mass"] if M_A is None else M_A
    return g * (1.0 + np.asarray(Q2, dtype=float) / m**2) ** -2
