"""Exact three-flavour neutrino oscillations through piecewise-constant matter.

In the flavour basis the Hamiltonian of one layer is (e.g. Akhmedov, hep-ph/0001264, Eq. 2)

    H = U diag(0, dm21^2, dm31^2) U^dagger / (2 E) + diag(V, 0, 0),   V = sqrt(2) G_F n_e,

with U -> U* and V -> -V for antineutrinos.  A layer of length L evolves the flavour amplitudes by
S = exp(-i H L) = Q diag(exp(-i lambda L)) Q^dagger (batched ``numpy.linalg.eigh``); a path is the
ordered product S_K ... S_1 (first layer first), and P(nu_beta -> nu_alpha) = |S[alpha, beta]|^2.
Reference 004 Sec. II / App. A.2 solves the same Schroedinger equation along the PREM chord.

Internally H is in cm^-1: dm^2 [eV^2] / (2 E [GeV]) * 1e-9 / (hbar c [eV cm]) and
V = sqrt(2) G_F n_e (hbar c)^2 with n_e = rho Y_e N_A.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib.resources import files

import numpy as np

from nuportal import _yaml, constants
from nuportal.errors import NuportalInputError, require_range

__all__ = [
    "OscillationParameters",
    "matter_potential_per_cm",
    "hamiltonians",
    "evolution_operators",
    "probabilities",
    "vacuum_probabilities",
    "smeared_probabilities",
]

#: Avogadro constant (exact SI 2019), nucleons per gram for Y_e in electrons per nucleon mass unit.
AVOGADRO = 6.02214076e23
_HBARC_EV_CM = constants.HBARC_GEV_CM * 1e9


@dataclass(frozen=True)
class OscillationParameters:
    """Three-flavour mixing parameters (standard PDG parametrisation of U).

    Attributes
    ----------
    dm21_sq_eV2, dm31_sq_eV2 : float
        Mass-squared splittings in eV^2 (dm31^2 < 0: inverted ordering).
    theta12_deg, theta13_deg, theta23_deg, delta_cp_deg : float
        Mixing angles and Dirac CP phase in degrees.
    """

    dm21_sq_eV2: float
    dm31_sq_eV2: float
    theta12_deg: float
    theta13_deg: float
    theta23_deg: float
    delta_cp_deg: float

    def __post_init__(self) -> None:
        require_range("dm21_sq_eV2", self.dm21_sq_eV2, 0.0, np.inf, low_open=True)
        require_range("|dm31_sq_eV2|", abs(self.dm31_sq_eV2), 0.0, np.inf, low_open=True)
        for name in ("theta12_deg", "theta13_deg", "theta23_deg"):
            require_range(name, getattr(self, name), 0.0, 90.0)
        require_range("delta_cp_deg", self.delta_cp_deg, -360.0, 360.0)

    @classmethod
    def from_data(cls) -> OscillationParameters:
        """NuFit 5.0 best fit used by reference 004 (``data/oscillation/nufit.yaml``)."""
        return _from_data()

    def pmns(self) -> np.ndarray:
        """PMNS matrix U (3, 3) complex, PDG convention U = R23 U13(delta) R12."""
        angles = [self.theta12_deg, self.theta13_deg, self.theta23_deg, self.delta_cp_deg]
        t12, t13, t23, d = np.radians(angles)
        s12, s13, s23 = np.sin(t12), np.sin(t13), np.sin(t23)
        c12, c13, c23 = np.cos(t12), np.cos(t13), np.cos(t23)
        ep = np.exp(1j * d)
        return np.array([
            [c12 * c13, s12 * c13, s13 / ep],
            [-s12 * c23 - c12 * s23 * s13 * ep, c12 * c23 - s12 * s23 * s13 * ep, s23 * c13],
            [s12 * s23 - c12 * c23 * s13 * ep, -c12 * s23 - s12 * c23 * s13 * ep, c23 * c13],
        ])

    def mass_matrix_eV2(self, antineutrino: bool = False) -> np.ndarray:
        """U diag(0, dm21^2, dm31^2) U^dagger in eV^2 (U -> U* for antineutrinos), shape (3, 3)."""
        U = self.pmns().conj() if antineutrino else self.pmns()
        return (U * np.array([0.0, self.dm21_sq_eV2, self.dm31_sq_eV2])) @ U.conj().T


@cache
def _from_data() -> OscillationParameters:
    raw = _yaml.safe_load(files("nuportal").joinpath("data/oscillation/nufit.yaml").read_text())
    return OscillationParameters(
        dm21_sq_eV2=float(raw["dm21_sq"]["value"]), dm31_sq_eV2=float(raw["dm31_sq"]["value"]),
        theta12_deg=float(raw["theta12"]["value"]), theta13_deg=float(raw["theta13"]["value"]),
        theta23_deg=float(raw["theta23"]["value"]), delta_cp_deg=float(raw["delta_cp"]["value"]),
    )


def matter_potential_per_cm(density_g_cm3, ye) -> np.ndarray:
    """Charged-current potential V = sqrt(2) G_F n_e in cm^-1 (7.63e-14 eV per g/cm^3 at Y_e = 1).

    Parameters
    ----------
    density_g_cm3 : array_like
        Mass density in g/cm^3.
    ye : array_like
        Electrons per nucleon mass unit.
    """
    n_e = np.asarray(density_g_cm3, dtype=float) * np.asarray(ye, dtype=float) * AVOGADRO
    return np.sqrt(2.0) * constants.value("G_F") * constants.HBARC_GEV_CM**2 * n_e


def hamiltonians(E_GeV, potential_per_cm, antineutrino: bool, params: OscillationParameters) -> np.ndarray:
    """Flavour-basis Hamiltonians in cm^-1, shape ``broadcast(E, V).shape + (3, 3)``.

    Parameters
    ----------
    E_GeV : array_like
        Neutrino energy in GeV.
    potential_per_cm : array_like
        V = sqrt(2) G_F n_e in cm^-1 (:func:`matter_potential_per_cm`); sign flipped here for
        antineutrinos.
    antineutrino : bool
    params : OscillationParameters
    """
    E, V = np.broadcast_arrays(np.asarray(E_GeV, dtype=float), np.asarray(potential_per_cm, dtype=float))
    M = params.mass_matrix_eV2(antineutrino) * (1e-9 / (2.0 * _HBARC_EV_CM))
    H = M / E[..., None, None]
    H[..., 0, 0] += -V if antineutrino else V
    return H


def evolution_operators(H_per_cm: np.ndarray, lengths_cm: np.ndarray) -> np.ndarray:
    """exp(-i H L) for a batch of Hermitian H (..., 3, 3) and lengths (...), via batched eigh."""
    w, Q = np.linalg.eigh(H_per_cm)
    phase = np.exp(-1j * w * np.asarray(lengths_cm, dtype=float)[..., None])
    return (Q * phase[..., None, :]) @ np.swapaxes(Q.conj(), -1, -2)


def _check_path(E_GeV, lengths_cm, density_g_cm3, ye):
    E = np.atleast_1d(np.asarray(E_GeV, dtype=float))
    L = np.atleast_2d(np.asarray(lengths_cm, dtype=float))
    rho = np.atleast_2d(np.asarray(density_g_cm3, dtype=float))
    y = np.atleast_2d(np.asarray(ye, dtype=float))
    if E.ndim != 1 or not (L.shape == rho.shape == y.shape) or L.shape[0] != E.shape[0]:
        raise NuportalInputError(
            f"expected E (N,) and lengths/density/ye (N, K); "
            f"got {E.shape}, {L.shape}, {rho.shape}, {y.shape}")
    require_range("E_GeV", E, 0.0, np.inf, low_open=True)
    require_range("lengths_cm", L, 0.0, np.inf)
    require_range("density_g_cm3", rho, 0.0, np.inf)
    require_range("ye", y, 0.0, 1.0)
    return E, L, rho, y


def probabilities(E_GeV, lengths_cm, density_g_cm3, ye, antineutrino: bool = False,
                  params: OscillationParameters | None = None) -> np.ndarray:
    """Oscillation probabilities through piecewise-constant matter (exact, reference 004 Eq. 3).

    Parameters
    ----------
    E_GeV : array_like, shape (N,)
        Neutrino energies in GeV.
    lengths_cm, density_g_cm3, ye : array_like, shape (N, K)
        Layer lengths (cm), mass densities (g/cm^3) and electron fractions, in the order the
        neutrino travels (e.g. :func:`nuportal.earth.geometry.path_profile`).
    antineutrino : bool
        Antineutrinos (U -> U*, V -> -V).
    params : OscillationParameters, optional
        Default: :meth:`OscillationParameters.from_data` (NuFit 5.0).

    Returns
    -------
    ndarray, shape (N, 3, 3)
        P[n, alpha, beta] = P(nu_beta -> nu_alpha), flavours ordered (e, mu, tau).
    """
    params = params or OscillationParameters.from_data()
    E, L, rho, y = _check_path(E_GeV, lengths_cm, density_g_cm3, ye)
    H = hamiltonians(E[:, None], matter_potential_per_cm(rho, y), antineutrino, params)
    S_layers = evolution_operators(H, L)
    S = np.broadcast_to(np.eye(3, dtype=complex), (E.size, 3, 3))
    for k in range(L.shape[1]):
        S = S_layers[:, k] @ S
    return np.abs(S) ** 2


def vacuum_probabilities(E_GeV, L_cm, antineutrino: bool = False,
                         params: OscillationParameters | None = None) -> np.ndarray:
    """Analytic vacuum probabilities, shape (N, 3, 3), P[n, alpha, beta] = P(nu_beta -> nu_alpha).

    P = |sum_j U_alpha_j U*_beta_j exp(-i m_j^2 L / 2E)|^2 (PDG Review "Neutrino mixing", Eq. 14.9),
    with U -> U* for antineutrinos.
    """
    params = params or OscillationParameters.from_data()
    E = np.atleast_1d(np.asarray(E_GeV, dtype=float))
    L = np.atleast_1d(np.asarray(L_cm, dtype=float))
    U = params.pmns().conj() if antineutrino else params.pmns()
    m2 = np.array([0.0, params.dm21_sq_eV2, params.dm31_sq_eV2])
    phase = np.exp(-1j * m2 * (L / E)[:, None] * (1e-9 / (2.0 * _HBARC_EV_CM)))
    amp = np.einsum("aj,bj,nj->nab", U, U.conj(), phase)
    return np.abs(amp) ** 2


def smeared_probabilities(E_GeV, lengths_cm, density_g_cm3, ye, antineutrino: bool = False,
                          params: OscillationParameters | None = None, sigma_lnE: float = 0.05,
                          n_nodes: int = 401) -> np.ndarray:
    """:func:`probabilities` averaged over a Gaussian in ln E of width ``sigma_lnE`` (direct, slow).

    The average uses ``n_nodes`` equally spaced nodes over +-4 sigma (trapezoid with Gaussian
    weights); spacing 8 sigma / (n_nodes - 1) must resolve the fastest oscillation (Nyquist):
    the default resolves phases up to ~3000 rad (0.1 GeV across the Earth: ~800 rad) at sigma = 0.05.
    Reference for :class:`nuportal.oscillation.table.EarthOscillationTable`.

    Returns
    -------
    ndarray, shape (N, 3, 3)
    """
    require_range("sigma_lnE", sigma_lnE, 0.0, 1.0, low_open=True)
    E, L, rho, y = _check_path(E_GeV, lengths_cm, density_g_cm3, ye)
    t = np.linspace(-4.0, 4.0, int(n_nodes))
    w = np.exp(-0.5 * t**2)
    w /= w.sum()
    E_all = (E[:, None] * np.exp(sigma_lnE * t)).ravel()
    rep = lambda a: np.repeat(a, t.size, axis=0)  # noqa: E731
    P = probabilities(E_all, rep(L), rep(rho), rep(y), antineutrino, params)
    return np.einsum("nmab,m->nab", P.reshape(E.size, t.size, 3, 3), w)
