"""Neutrino sources for the upscattering Monte Carlo: the oscillated atmospheric intensity inside the Earth.

Reference 004 Eq. 3: at an interaction point X the intensity of flavour alpha arriving along the
travel direction v_hat is I_alpha(E, X, v_hat) = sum_beta P_alpha,beta(X, E, v_hat) I_beta(E, cos z),
where I_beta is the surface (Honda) intensity at the entry point W (found backwards from X along
-v_hat, Eq. 27) and cos z the zenith angle of arrival at W (App. A.2).
"""

from __future__ import annotations

import numpy as np

from nuportal.earth import geometry, prem
from nuportal.errors import NuportalInputError
from nuportal.flux.atmospheric import HondaFlux, load_honda
from nuportal.oscillation.matter import OscillationParameters, probabilities
from nuportal.oscillation.table import earth_oscillation_table

__all__ = ["AtmosphericSource"]

_METHODS = ("table", "direct")


class AtmosphericSource:
    """Atmospheric neutrinos (Honda 2014, Kamioka) entering a spherical Earth, optionally oscillated.

    Parameters
    ----------
    flux : HondaFlux, optional
        Surface intensity (default :func:`nuportal.flux.atmospheric.load_honda`).
    oscillate : bool
        Apply three-flavour oscillations from W to X.  Without, nu_e and nu_mu keep their surface
        intensity and nu_tau is zero.
    radius_cm : float
        Earth radius in cm.
    method : {"table", "direct"}
        "table": :class:`~nuportal.oscillation.table.EarthOscillationTable` (energy-smeared,
        fast, built once and cached); "direct": exact propagation along
        :func:`nuportal.earth.geometry.path_profile` (slow, for validation).
    params : OscillationParameters, optional
        Default NuFit 5.0 (reference 004 Sec. II).
    sigma_lnE : float
        Smearing width of the table (ignored by "direct").
    n_sub : int
        Sub-steps per PREM shell for "direct".
    ocean : bool
        PREM with its 3 km ocean (default, as reference 004) or with upper crust instead
        (:func:`nuportal.earth.prem.shells`); used for the matter profile of the oscillations.

    Attributes
    ----------
    diffuse : bool
        True: the intensity is spread over all directions (the engine samples the neutrino
        direction around the HNL direction).
    """

    diffuse = True

    def __init__(self, flux: HondaFlux | None = None, oscillate: bool = True,
                 radius_cm: float = prem.EARTH_RADIUS_CM, *, method: str = "table",
                 params: OscillationParameters | None = None, sigma_lnE: float = 0.05,
                 n_sub: int = 3, ocean: bool = True) -> None:
        if method not in _METHODS:
            raise NuportalInputError(f"method = {method!r} is not one of {', '.join(_METHODS)}")
        self.flux = flux or load_honda()
        self.oscillate, self.radius_cm, self.method = bool(oscillate), float(radius_cm), method
        self.params = params or OscillationParameters.from_data()
        self.sigma_lnE, self.n_sub, self.ocean = float(sigma_lnE), int(n_sub), bool(ocean)

    @property
    def energy_range(self) -> tuple[float, float]:
        """(lowest, highest) neutrino energy in GeV for which the intensity is defined."""
        return self.flux.energy_range

    def surface_intensity(self, E_GeV, cos_zenith) -> np.ndarray:
        """Unoscillated intensity (2, 3, N) in (GeV cm^2 s sr)^-1: [nu/nubar][e, mu, tau = 0]."""
        I4 = self.flux.intensities(E_GeV, cos_zenith)
        out = np.zeros((2, 3) + I4.shape[1:])
        out[0, :2], out[1, :2] = I4[:2], I4[2:]
        return out

    def intensity_at(self, E_GeV, X_cm, v_hat) -> tuple[np.ndarray, np.ndarray]:
        """Intensity of each flavour at X for neutrinos travelling along ``v_hat`` (reference 004 Eq. 3).

        Parameters
        ----------
        E_GeV : array_like, shape (N,)
            Neutrino energies in GeV, within ``energy_range``.
        X_cm : array_like, shape (N, 3)
            Interaction points (Earth-centred, cm), inside the Earth.
        v_hat : array_like, shape (N, 3)
            Unit travel directions of the neutrinos.

        Returns
        -------
        I : ndarray, shape (2, 3, N)
            [nu, nubar][e, mu, tau] intensity at X in (GeV cm^2 s sr)^-1.
        cos_zenith : ndarray, shape (N,)
            Cosine of the arrival zenith angle at the entry point W (Honda convention, in [0, 1]).
        """
        E = np.atleast_1d(np.asarray(E_GeV, dtype=float))
        X = np.atleast_2d(np.asarray(X_cm, dtype=float))
        v = np.atleast_2d(np.asarray(v_hat, dtype=float))
        if not (E.ndim == 1 and X.shape == v.shape == (E.size, 3)):
            raise NuportalInputError(
                f"expected E (N,), X and v_hat (N, 3); got {E.shape}, {X.shape}, {v.shape}")
        W = geometry.entry_point(X, v, self.radius_cm)
        cz = geometry.cos_zenith_at_entry(W, v)
        I_surf = self.surface_intensity(E, cz)
        if not self.oscillate:
            return I_surf, cz
        return self._oscillate(E, X, v, I_surf), cz

    def _oscillate(self, E, X, v, I_surf) -> np.ndarray:
        """Eq. 3: sum_beta P_alpha,beta I_beta over beta = e, mu (no tau at the surface), (2, 3, N)."""
        r = np.sqrt(np.einsum("ni,ni->n", X, X))  # einsum: faster than norm/sum over a length-3 axis
        mu = np.clip(np.divide(np.einsum("ni,ni->n", X, v), r, out=np.zeros_like(r), where=r > 0), -1.0, 1.0)
        if self.method == "table":
            table = earth_oscillation_table(self.params, self.sigma_lnE, self.radius_cm, self.ocean)
            ee, em, me, mm = np.moveaxis(table.probabilities4_both(E, r, mu), 2, 0)  # each (2, N)
            I_e, I_mu = I_surf[:, 0], I_surf[:, 1]
            out = np.stack([ee * I_e + em * I_mu, me * I_e + mm * I_mu,
                            (1 - ee - me) * I_e + (1 - em - mm) * I_mu], axis=1)
            # probabilities derived by unitarity can round to -1e-16: an intensity is never negative
            return np.maximum(out, 0.0)
        out = np.empty_like(I_surf)
        for anti in (0, 1):
            P = self._probabilities(E, r, mu, bool(anti))[:, :, :2]
            out[anti] = np.einsum("nab,bn->an", P, I_surf[anti, :2])
        return out

    def _probabilities(self, E, r, mu, antineutrino: bool) -> np.ndarray:
        """Exact P(nu_beta -> nu_alpha) from W to X along the PREM chord, shape (N, 3, 3)."""
        L, rho, ye = geometry.path_profile(r, mu, n_sub=self.n_sub, radius_cm=self.radius_cm,
                                           ocean=self.ocean)
        return probabilities(E, L, rho, ye, antineutrino, self.params)
