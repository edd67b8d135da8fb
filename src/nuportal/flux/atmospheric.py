"""Atmospheric neutrino intensity at Kamioka: Honda et al. 2014 tables with nuflux's interpolation.

Source: M. Honda et al., Phys. Rev. D 92, 023004 (2015), Super-Kamiokande site, solar minimum,
azimuth averaged; the tables are those shipped by the PyPI package ``nuflux`` 2.0.7
(``IPhonda2014_sk_solmin``), converted unchanged into ``data/flux/honda2014_kamioka_solmin.txt``
by ``scripts/make_honda_table.py``.  Reference 004 (Sec. II, App. A.2) evaluates the same flux
with nuflux.

Why not depend on nuflux: it pins ``numpy<2`` (our environment uses NumPy 2), is a compiled
extension evaluated point by point, and returns 0 silently outside its range.  We reproduce its
"integral-preserving" interpolation (nuflux ``IntegralPreservingFlux::evaluate2D``) exactly:

1. for each cos(zenith) bin, the tabulated values E*Phi are treated as a histogram in log10 E
   (bins 0.05 wide centred on the nodes); its cumulative integral is fitted by a natural cubic
   spline whose derivative at log10 E gives E*Phi;
2. the 20 values so obtained are treated as a histogram in cos(zenith) (bins 0.1 wide on
   [-1, 1]); the derivative of the natural cubic spline through its cumulative integral gives
   E*Phi at cos(zenith); dividing by E and by 10^4 gives (GeV cm^2 s sr)^-1.

Both steps are linear in the table values and piecewise quadratic in (log10 E, cos zenith), so
the whole interpolant is precomputed as 3x3 polynomial coefficients per (energy cell, angle
cell) and evaluated fully vectorised.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

import numpy as np

from nuportal.errors import NuportalInputError, require_range

__all__ = ["FLAVOURS", "FLUX_MODELS", "HondaFlux", "load_honda", "load_flux"]

#: Flavour names, in the column order of the data file.
FLAVOURS = ("nue", "numu", "nuebar", "numubar")
_DATA = "data/flux/honda2014_kamioka_solmin.txt"
_M2_TO_CM2 = 1.0e-4  # (m^2)^-1 -> (cm^2)^-1
_LOG_BIN = 0.05  # log10 E spacing of the Honda nodes
_N_COS = 20
_CHUNK = 1 << 15


def _spline_derivative_coefficients(edges: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Piecewise-quadratic coefficients of d/dx of the natural spline through the cumulative histogram.

    Parameters
    ----------
    edges : ndarray, shape (M + 1,)
        Bin edges (increasing).
    values : ndarray, shape (M, ...)
        Bin contents (any trailing shape).

    Returns
    -------
    ndarray, shape (3, M, ...)
        Coefficients c[p, m] of (x - edges[m])^(2 - p) on cell m (nuflux ``dumbHistogram`` +
        ``CubicSpline``, which is a natural cubic spline; scipy's ``CubicSpline(..., bc_type="natural")
        .derivative().c`` to 1e-12, tests/flux/test_honda_flux.py, without its 0.5 s import).
    """
    cum = np.concatenate([np.zeros((1,) + values.shape[1:]), np.cumsum(values * np.diff(edges).reshape(
        (-1,) + (1,) * (values.ndim - 1)), axis=0)])
    return _natural_spline_derivative(np.asarray(edges, float), cum)


def _natural_spline_derivative(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """(3, n - 1, ...) coefficients of S'(x) on each cell for the natural cubic spline through (x, y).

    Second derivatives M (M_0 = M_n = 0) from the tridiagonal system
    h_(i-1) M_(i-1) + 2 (h_(i-1) + h_i) M_i + h_i M_(i+1) = 6 (dy_i / h_i - dy_(i-1) / h_(i-1)),
    solved by the Thomas algorithm over the leading axis (vectorised over the trailing ones); then on
    cell i, S' = b + 2 c t + 3 d t^2 with b = dy_i / h_i - h_i (2 M_i + M_(i+1)) / 6, c = M_i / 2,
    d = (M_(i+1) - M_i) / (6 h_i).
    """
    h = np.diff(x).reshape((-1,) + (1,) * (y.ndim - 1))
    slope = np.diff(y, axis=0) / h
    n = x.size - 1
    m = np.zeros_like(y)
    if n >= 2:
        diag = 2.0 * (h[:-1] + h[1:]) * np.ones_like(slope[1:])
        rhs = 6.0 * (slope[1:] - slope[:-1])
        for i in range(1, n - 1):  # forward sweep; the sub- and super-diagonals are h
            w = h[i] / diag[i - 1]
            diag[i] = diag[i] - w * h[i]
            rhs[i] = rhs[i] - w * rhs[i - 1]
        inner = np.empty_like(rhs)
        inner[-1] = rhs[-1] / diag[-1]
        for i in range(n - 3, -1, -1):
            inner[i] = (rhs[i] - h[i + 1] * inner[i + 1]) / diag[i]
        m[1:-1] = inner
    b = slope - h * (2.0 * m[:-1] + m[1:]) / 6.0
    return np.stack([3.0 * (m[1:] - m[:-1]) / (6.0 * h) * np.ones_like(b), m[:-1] * np.ones_like(b), b])


@dataclass(frozen=True, eq=False)
class HondaFlux:
    """Tabulated atmospheric neutrino intensity with nuflux's integral-preserving interpolation.

    Attributes
    ----------
    log10_e_edges : ndarray, shape (n_E + 1,)
        Histogram edges in log10(E / GeV).
    cos_edges : ndarray, shape (21,)
        Histogram edges in cos(zenith).
    coefficients : ndarray, shape (4, n_E, 20, 3, 3)
        Polynomial coefficients of E * intensity (per m^2) on each (energy, angle) cell, powers
        (2 - p) in d log10 E and (2 - q) in d cos zenith.
    energy_range : tuple of float
        (lowest, highest) tabulated energy in GeV: the allowed range of ``intensity``.
    label : str
        Where the numbers come from.
    """

    log10_e_edges: np.ndarray
    cos_edges: np.ndarray
    coefficients: np.ndarray
    energy_range: tuple[float, float]
    label: str

    @classmethod
    def from_nodes(cls, energy_GeV: np.ndarray, table_m2: np.ndarray, label: str) -> HondaFlux:
        """Build the interpolant from Honda nodes.

        Parameters
        ----------
        energy_GeV : ndarray, shape (n_E,)
            Node energies (GeV), log10-spaced by 0.05.
        table_m2 : ndarray, shape (4, n_E, 20)
            Intensity in (m^2 s sr GeV)^-1 for ``FLAVOURS``, cos(zenith) bin centres increasing
            (-0.95 ... 0.95).
        label : str
            Source description.
        """
        log_e = np.log10(energy_GeV)
        # nuflux: first edge log10(E_0) - 0.025, then upper edges log10(E_i) + 0.025 of the printed E_i
        e_edges = np.append(log_e[0] - _LOG_BIN / 2, log_e + _LOG_BIN / 2)
        cos_edges = np.linspace(-1.0, 1.0, _N_COS + 1)
        # step 1: energy splines for every (flavour, angle bin): c_e[p, cell_E, flavour, cos_bin]
        c_e = _spline_derivative_coefficients(e_edges, np.moveaxis(table_m2 * energy_GeV[:, None], 1, 0))
        # step 2: angle spline is linear in the 20 bin values -> basis coefficients d[q, cell_c, bin]
        d = _spline_derivative_coefficients(cos_edges, np.eye(_N_COS))
        coeff = np.einsum("pefk,qck->fecpq", c_e, d)
        return cls(e_edges, cos_edges, np.ascontiguousarray(coeff),
                   (float(energy_GeV[0]), float(energy_GeV[-1])), label)

    def intensity(self, E_GeV, cos_zenith, flavour: str) -> np.ndarray:
        """Atmospheric neutrino intensity dPhi/(dE dOmega) at the surface.

        Parameters
        ----------
        E_GeV : array_like
            Neutrino energy in GeV, within ``energy_range``.
        cos_zenith : array_like
            Cosine of the arrival zenith angle (+1: coming straight down), in [-1, 1].
        flavour : {"nue", "numu", "nuebar", "numubar"}

        Returns
        -------
        ndarray
            Intensity in (GeV cm^2 s sr)^-1 (Honda et al. PRD 92, 023004 with nuflux's
            integral-preserving interpolation).
        """
        if flavour not in FLAVOURS:
            raise NuportalInputError(f"flavour = {flavour!r} is not one of {', '.join(FLAVOURS)}")
        return self.intensities(E_GeV, cos_zenith)[FLAVOURS.index(flavour)]

    def intensities(self, E_GeV, cos_zenith) -> np.ndarray:
        """All four flavours at once, shape (4, ...) in ``FLAVOURS`` order; see :meth:`intensity`."""
        E = np.asarray(E_GeV, dtype=float)
        cz = np.asarray(cos_zenith, dtype=float)
        require_range("E_GeV (Honda 2014 table)", E, *self.energy_range)
        require_range("cos_zenith", cz, -1.0, 1.0)
        E, cz = np.broadcast_arrays(E, cz)
        x, c = np.log10(E).ravel(), cz.ravel()
        e_phi = np.empty((4, x.size))
        for start in range(0, x.size, _CHUNK):  # chunks keep the temporaries in cache
            sl = slice(start, start + _CHUNK)
            e_phi[:, sl] = self._e_phi(x[sl], c[sl])
        return (e_phi * (_M2_TO_CM2 / E.ravel())).reshape((4,) + E.shape)

    def _e_phi(self, x: np.ndarray, cz: np.ndarray) -> np.ndarray:
        """E * intensity per m^2 (4, N) at log10 E = x, by the precomputed cell polynomials."""
        n_e = len(self.log10_e_edges) - 1
        step_e = (self.log10_e_edges[-1] - self.log10_e_edges[0]) / n_e  # edges uniform to ~1e-5
        ie = np.clip(((x - self.log10_e_edges[0]) / step_e).astype(np.intp), 0, n_e - 1)
        ie = np.clip(ie - (x < self.log10_e_edges[ie]) + (x >= self.log10_e_edges[ie + 1]), 0, n_e - 1)
        ic = np.clip(((cz + 1.0) / (2.0 / _N_COS)).astype(np.intp), 0, _N_COS - 1)
        dx = x - self.log10_e_edges[ie]
        dc = cz - self.cos_edges[ic]
        px = np.stack([dx * dx, dx, np.ones_like(dx)], axis=-1)
        pc = np.stack([dc * dc, dc, np.ones_like(dc)], axis=-1)
        weights = (px[:, :, None] * pc[:, None, :]).reshape(-1, 9)
        cells = np.take(self._cells, ie * _N_COS + ic, axis=0)  # np.take: much faster than fancy indexing
        return np.einsum("nfk,nk->fn", cells, weights)

    @property
    def _cells(self) -> np.ndarray:
        """Coefficients laid out as (energy cell * 20 + angle cell, flavour, 9) for fast gathers."""
        return _cell_layout(self)


@cache
def _cell_layout(flux: HondaFlux) -> np.ndarray:
    """Contiguous (n_cells, 4, 9) copy of ``flux.coefficients`` (cached per flux object)."""
    c = flux.coefficients
    return np.ascontiguousarray(np.moveaxis(c, 0, 2).reshape(c.shape[1] * c.shape[2], 4, 9))


#: Shipped atmospheric flux tables: name -> (package file, label).  All share Honda's layout.
FLUX_MODELS = {
    "honda2014-kamioka": (_DATA, "Honda et al. PRD 92, 023004 (2015), Kamioka solmin via nuflux 2.0.7"),
    "h3a-sibyll23c": ("data/flux/h3a_sibyll23c.txt",
                      "H3a_SIBYLL23C (MCEq, nuflux 2.0.7 SplineFlux2), tabulated by "
                      "scripts/make_h3a_table.py"),
}


@cache
def load_honda() -> HondaFlux:
    """Honda 2014 intensity at Kamioka, solar minimum (the flux reference 004's text names).

    Returns
    -------
    HondaFlux
        Valid for 0.1 GeV <= E <= 10^4 GeV and -1 <= cos(zenith) <= 1.
    """
    return load_flux("honda2014-kamioka")


@cache
def load_flux(name: str) -> HondaFlux:
    """A shipped atmospheric intensity by name (:data:`FLUX_MODELS`).

    ``"honda2014-kamioka"`` (default of every study) or ``"h3a-sibyll23c"`` (the model reference 004's
    public code evaluates; no site dependence, tabulated from nuflux on the Honda grid).

    Raises
    ------
    NuportalInputError
        Unknown name (the message lists the available models).
    """
    if name not in FLUX_MODELS:
        raise NuportalInputError(f"atmospheric flux {name!r} is not one of: {', '.join(FLUX_MODELS)}")
    path, label = FLUX_MODELS[name]
    raw = np.loadtxt(io.StringIO(files("nuportal").joinpath(path).read_text()))
    energies = np.unique(raw[:, 0])
    cosz = np.unique(raw[:, 1])
    ie = np.searchsorted(energies, raw[:, 0])
    ic = np.searchsorted(cosz, raw[:, 1])
    table = np.zeros((4, energies.size, cosz.size))
    table[:, ie, ic] = raw[:, 2:].T
    return HondaFlux.from_nodes(energies, table, label)
