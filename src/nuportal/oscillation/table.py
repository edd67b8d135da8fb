"""Pre-computed, energy-smeared oscillation probabilities inside a spherical PREM Earth.

For an interaction point X and a travel direction v_hat the chord from the entry point W to X is
fixed by r_x = |X| and mu = X_hat . v_hat.  The table is built line by line: a straight line with
impact parameter b = r_x sqrt(1 - mu^2) is labelled by u = s / sqrt(R^2 - b^2) in [-1, 1] with
s = r_x mu the signed distance from its closest approach (u = -1 at W).  For each line the
evolution operator is accumulated from W through all u nodes in one pass (prefix products), so a
grid of n_b lines x n_u points costs one chord per line.  The grid is uniform in (y(E), theta, u) with
y = -ln(1 + E_c / E) (uniform in ln E below E_c, in 1/E above) and b = R sin(theta) (so that both b
and the half chord R cos(theta) change by at most R d theta between lines).

Fast oscillations: probabilities are averaged with a Gaussian in ln E of width ``sigma_lnE``
(default 5 %, far narrower than any flux or cross-section feature a broadband integral sees), which
makes them smooth enough for linear interpolation.  Below ``E_smear_max_GeV`` the average is done
on a fine energy grid that resolves every oscillation (Nyquist with margin for the Earth
diameter); above it the phases are < 1 rad and the unsmeared value is used (difference < 1e-3).

Approximations (validated in tests/oscillation/test_matter_oscillation.py): each step between grid
points or shell crossings carries the mean PREM potential (Gauss-Legendre, 4 nodes), and the
potential is rounded to a logarithmic grid of relative spacing 1e-3 so that eigen-decompositions are
shared (phase error < 1e-3 of the matter phase).  Only P_ee, P_emu, P_mue, P_mumu are stored; the
other five entries follow from unitarity, which interpolation then preserves exactly.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from nuportal import constants
from nuportal.earth import composition, prem
from nuportal.errors import NuportalInputError, require_range
from nuportal.oscillation.matter import OscillationParameters, matter_potential_per_cm

__all__ = ["EarthOscillationTable", "earth_oscillation_table"]

_HBARC_EV_CM = constants.HBARC_GEV_CM * 1e9
_LN_A_STEP = 1e-3
_CHUNK = 1 << 15
_GL_X, _GL_W = np.polynomial.legendre.leggauss(4)


def _matmul3(A: np.ndarray, B: np.ndarray) -> np.ndarray:
    """Product of stacks of 3x3 matrices stored component-first, shape (3, 3, M)."""
    return A[:, 0, None] * B[None, 0] + A[:, 1, None] * B[None, 1] + A[:, 2, None] * B[None, 2]


def _line_points(b_cm: np.ndarray, u_nodes: np.ndarray, radius_cm: float, ocean: bool):
    """Sorted s-coordinates (n_b, P) of the u nodes and shell crossings, and where the nodes are."""
    half = np.sqrt(np.maximum(radius_cm**2 - b_cm**2, 0.0))
    radii = np.array([s.r_outer_cm for s in prem.shells(ocean)[:-1]])
    cross = np.sqrt(np.maximum(radii[None, :] ** 2 - b_cm[:, None] ** 2, 0.0))
    cross = np.where(radii[None, :] > b_cm[:, None], cross, half[:, None])
    pts = np.concatenate([u_nodes[None, :] * half[:, None], -cross, cross], axis=1)
    order = np.argsort(pts, axis=1, kind="stable")
    node_pos = np.argsort(order, axis=1)[:, : u_nodes.size]
    return np.take_along_axis(pts, order, axis=1), node_pos


def _step_potentials(b_cm, s_pts, radius_cm, ocean) -> np.ndarray:
    """Mean V = sqrt(2) G_F n_e (cm^-1) on each step between consecutive points, shape (n_b, P-1)."""
    mid, half = 0.5 * (s_pts[:, 1:] + s_pts[:, :-1]), 0.5 * np.diff(s_pts, axis=1)
    s = mid[..., None] + half[..., None] * _GL_X
    r = np.minimum(np.sqrt(b_cm[:, None, None] ** 2 + s**2), radius_cm * (1 - 1e-12))
    V = matter_potential_per_cm(prem.density(r, ocean=ocean), composition.electron_fraction(r, ocean=ocean))
    return V @ _GL_W / 2.0


def _eigen_lookup(params: OscillationParameters, antineutrino: bool, lnA: np.ndarray):
    """Eigenvalues (n, 3) in eV^2 and eigenvectors (n, 3, 3) of M +- A e e^T on a grid of ln A."""
    H = np.broadcast_to(params.mass_matrix_eV2(antineutrino), (lnA.size, 3, 3)).copy()
    H[:, 0, 0] += (-1.0 if antineutrino else 1.0) * np.exp(lnA)
    mu, Q = np.linalg.eigh(H)
    return mu - mu.mean(axis=1, keepdims=True), Q


def _accumulate(E_GeV, L_cm, V_per_cm, params, antineutrino) -> np.ndarray:
    """|S|^2 entries (ee, e mu, mu e, mu mu) from W to every point: shape (P, n_E, n_b, 4).

    ``L_cm`` and ``V_per_cm`` have shape (n_b, P - 1); energies shape (n_E,).
    """
    E_eV = E_GeV[:, None, None] * 1e9
    A = 2.0 * E_eV * V_per_cm[None] * _HBARC_EV_CM  # eV^2, (n_E, n_b, P-1)
    lnA0 = np.log(A.min()) - 2 * _LN_A_STEP
    idx = np.rint((np.log(A) - lnA0) / _LN_A_STEP).astype(np.intp)
    mu, Q = _eigen_lookup(params, antineutrino, lnA0 + _LN_A_STEP * np.arange(idx.max() + 1))
    Qc = np.ascontiguousarray(np.moveaxis(Q, 0, -1))  # (3, 3, n_A)
    S = np.zeros((3, 3, idx[..., 0].size), complex)
    S[0, 0] = S[1, 1] = S[2, 2] = 1.0
    out = [np.stack([np.ones(S.shape[-1]), np.zeros(S.shape[-1]), np.zeros(S.shape[-1]),
                     np.ones(S.shape[-1])], axis=-1)]
    scale = (L_cm[None] / (2.0 * E_eV * _HBARC_EV_CM))  # (n_E, n_b, P-1)
    for k in range(L_cm.shape[1]):
        i = idx[..., k].ravel()
        q = Qc[:, :, i]
        phase = np.exp(-1j * mu[i].T * scale[..., k].ravel())  # (3, M)
        T = _matmul3(np.conj(np.swapaxes(q, 0, 1)), S) * phase[:, None, :]
        S = _matmul3(q, T)
        P = np.abs(S[:2, :2]) ** 2
        out.append(np.stack([P[0, 0], P[0, 1], P[1, 0], P[1, 1]], axis=-1))
    return np.stack(out).reshape((L_cm.shape[1] + 1,) + idx.shape[:2] + (4,))


def _fine_energies(E_lo: float, sigma: float, E_smear_max: float, diameter_cm: float) -> np.ndarray:
    """ln E grid resolving the fastest oscillation: step <= min(0.7 pi / phase rate, sigma / 2)."""
    # phase rate |d phase / d ln E| <= dm31^2 L / (2 E) with dm31^2 <= 2.6e-3 eV^2, L = diameter
    rate_at_1GeV = 2.6e-3 * diameter_cm / (2.0 * 1e9 * _HBARC_EV_CM)
    x, out = np.log(E_lo), []
    while x < np.log(E_smear_max):
        out.append(x)
        x += min(0.7 * np.pi * np.exp(x) / rate_at_1GeV, sigma / 2)
    return np.array(out)


class EarthOscillationTable:
    """Energy-smeared P(nu_beta -> nu_alpha) on a (y(E), b/R, u) grid; see the module docstring.

    Parameters
    ----------
    params : OscillationParameters, optional
        Default: NuFit 5.0 (reference 004 Sec. II).
    sigma_lnE : float
        Gaussian smearing width in ln E (default 0.05).
    energy_range_GeV : (float, float)
        Table range (default: the Honda 2014 range 0.1 - 1e4 GeV).
    n_b, n_u : int
        Number of lines (uniform in theta = arcsin(b / R)) and of points per line (uniform in u).
    radius_cm : float
        Earth radius (PREM).
    ocean : bool
        PREM ocean option, as :func:`nuportal.earth.geometry.path_profile`.
    """

    def __init__(self, params: OscillationParameters | None = None, sigma_lnE: float = 0.05,
                 energy_range_GeV: tuple[float, float] = (0.1, 1.0e4), n_b: int = 41, n_u: int = 49,
                 radius_cm: float = prem.EARTH_RADIUS_CM, ocean: bool = True, E_c_GeV: float = 20.0,
                 E_smear_max_GeV: float = 100.0) -> None:
        require_range("sigma_lnE", sigma_lnE, 0.005, 0.5)
        require_range("energy_range_GeV[0]", energy_range_GeV[0], 0.0, energy_range_GeV[1], low_open=True,
                      high_open=True)
        self.params = params or OscillationParameters.from_data()
        self.sigma_lnE, self.radius_cm, self.E_c_GeV = float(sigma_lnE), float(radius_cm), float(E_c_GeV)
        self.energy_range = (float(energy_range_GeV[0]), float(energy_range_GeV[1]))
        y_span = self._y(self.energy_range[1]) - self._y(self.energy_range[0])
        n_y = int(np.ceil(y_span / (sigma_lnE / 3))) + 1
        self.y_nodes = np.linspace(self._y(self.energy_range[0]), self._y(self.energy_range[1]), n_y)
        self.theta_nodes = np.linspace(0.0, 0.5 * np.pi, n_b)  # b / R = sin(theta), half chord = cos(theta)
        self.b_nodes = np.sin(self.theta_nodes)
        self.u_nodes = np.linspace(-1.0, 1.0, n_u)
        E_nodes = self.E_c_GeV / np.expm1(-self.y_nodes)
        fine = np.exp(_fine_energies(self.energy_range[0] * np.exp(-4 * sigma_lnE), sigma_lnE,
                                     E_smear_max_GeV, 2 * radius_cm))
        direct = E_nodes[E_nodes >= E_smear_max_GeV]
        E_all = np.concatenate([fine, direct])
        weights = self._smearing_weights(np.log(E_nodes), np.log(fine), direct.size)
        b_cm = self.b_nodes * radius_cm
        s_pts, node_pos = _line_points(b_cm, self.u_nodes, radius_cm, ocean)
        L, V = np.diff(s_pts, axis=1), _step_potentials(b_cm, s_pts, radius_cm, ocean)
        tables = []
        for anti in (False, True):
            P = _accumulate(E_all, L, V, self.params, anti)  # (P, n_E, n_b, 4)
            P = P[node_pos, :, np.arange(n_b)[:, None], :]  # (n_b, n_u, n_E, 4)
            smeared = np.tensordot(weights, P, axes=([1], [2]))  # (n_y, n_b, n_u, 4)
            tables.append(smeared.astype(np.float32))
        self.table = np.stack(tables)  # (2, n_y, n_b, n_u, 4)
        self._index_rows()

    _STATE = ("sigma_lnE", "radius_cm", "E_c_GeV", "energy_range", "y_nodes", "theta_nodes", "b_nodes",
              "u_nodes", "table")

    def state(self) -> dict:
        """The arrays and numbers that define the table (what the disk cache stores)."""
        return {k: np.asarray(getattr(self, k)) for k in self._STATE}

    @classmethod
    def from_state(cls, params: OscillationParameters, state: dict) -> EarthOscillationTable:
        """A table rebuilt from :meth:`state` without recomputing any chord."""
        self = cls.__new__(cls)
        self.params = params
        for k in cls._STATE:
            v = state[k]
            if k == "energy_range":
                v = tuple(map(float, v))
            setattr(self, k, float(v) if np.ndim(v) == 0 else v)
        self._index_rows()
        return self

    def _index_rows(self) -> None:
        # one row per node: (nu at u, nu at u+1, nubar at u, nubar at u+1) so that one gather
        # fetches both u corners of both tables: shape (n_y * n_b * n_u, 16)
        nxt = np.roll(self.table, -1, axis=3)
        rows = np.concatenate([self.table[0], nxt[0], self.table[1], nxt[1]], axis=-1)
        self._rows = np.ascontiguousarray(rows.reshape(-1, 16))

    def _y(self, E) -> np.ndarray:
        return -np.log1p(self.E_c_GeV / np.asarray(E, dtype=float))

    def _smearing_weights(self, x_nodes, x_fine, n_direct: int) -> np.ndarray:
        """Rows: Gaussian(ln E) trapezoid weights on the fine grid, or a unit weight on a direct node."""
        dx = np.gradient(x_fine)
        n_smear = x_nodes.size - n_direct
        g = np.exp(-0.5 * ((x_fine[None, :] - x_nodes[:n_smear, None]) / self.sigma_lnE) ** 2) * dx
        g /= g.sum(axis=1, keepdims=True)
        W = np.zeros((x_nodes.size, x_fine.size + n_direct))
        W[:n_smear, : x_fine.size] = g
        W[n_smear:, x_fine.size:] = np.eye(n_direct)
        return W

    def probabilities(self, E_GeV, r_x_cm, mu, antineutrino: bool = False) -> np.ndarray:
        """Smeared P(nu_beta -> nu_alpha) at X (|X| = r_x_cm, X_hat . v_hat = mu) by trilinear interpolation.

        Parameters
        ----------
        E_GeV : array_like, shape (N,)
            Energies in GeV within ``energy_range``.
        r_x_cm : array_like, shape (N,)
            |X| in cm, in [0, radius_cm].
        mu : array_like, shape (N,)
            Cosine between X_hat and the travel direction, in [-1, 1].
        antineutrino : bool

        Returns
        -------
        ndarray, shape (N, 3, 3)
            P[n, alpha, beta] = P(nu_beta -> nu_alpha).
        """
        p4 = self.probabilities4(E_GeV, r_x_cm, mu, antineutrino)
        return _full_matrix(p4)

    def probabilities4(self, E_GeV, r_x_cm, mu, antineutrino: bool = False) -> np.ndarray:
        """(P_ee, P_e<-mu, P_mu<-e, P_mumu) as shape (N, 4): P[alpha, beta] for alpha, beta in (e, mu)."""
        return self.probabilities4_both(E_GeV, r_x_cm, mu)[int(bool(antineutrino))]

    def probabilities4_both(self, E_GeV, r_x_cm, mu) -> np.ndarray:
        """As :meth:`probabilities4` for neutrinos and antineutrinos at once, shape (2, N, 4)."""
        E = np.atleast_1d(np.asarray(E_GeV, dtype=float))
        r = np.atleast_1d(np.asarray(r_x_cm, dtype=float))
        m = np.atleast_1d(np.asarray(mu, dtype=float))
        require_range("E_GeV (oscillation table)", E, *self.energy_range)
        require_range("r_x_cm", r, 0.0, self.radius_cm * (1 + 1e-9))
        require_range("mu", m, -1.0, 1.0)
        if not (E.shape == r.shape == m.shape) or E.ndim != 1:
            raise NuportalInputError(
                f"E, r_x, mu must have equal shapes (N,), got {E.shape}, {r.shape}, {m.shape}")
        out = np.empty((2, E.size, 4))
        for start in range(0, E.size, _CHUNK):  # chunks keep the temporaries in cache
            sl = slice(start, start + _CHUNK)
            out[:, sl] = self._interpolate(E[sl], r[sl], m[sl])
        return out

    def _interpolate(self, E, r, m) -> np.ndarray:
        """Trilinear interpolation of the stored entries on the uniform (y, b, u) grid, shape (2, N, 4)."""
        b = np.minimum(r * np.sqrt(np.maximum(1.0 - m * m, 0.0)) / self.radius_cm, 1.0)
        half = np.sqrt(np.maximum(1.0 - b * b, 0.0))
        u = np.divide(r * m / self.radius_cm, half, out=np.ones_like(half), where=half > 1e-12)
        u = np.clip(u, -1.0, 1.0)
        n_y, n_b, n_u = self.table.shape[1:4]
        fy = (self._y(E) - self.y_nodes[0]) / (self.y_nodes[1] - self.y_nodes[0])
        fb, fu = np.arcsin(b) * ((n_b - 1) / (0.5 * np.pi)), (u + 1.0) * 0.5 * (n_u - 1)
        iy = np.clip(fy.astype(np.intp), 0, n_y - 2)
        ib = np.clip(fb.astype(np.intp), 0, n_b - 2)
        iu = np.clip(fu.astype(np.intp), 0, n_u - 2)
        ty, tb = (fy - iy).astype(np.float32), (fb - ib).astype(np.float32)
        tu = (fu - iu).astype(np.float32)[:, None]
        base = (iy * n_b + ib) * n_u + iu
        corners = base[:, None] + np.array([0, n_u, n_b * n_u, (n_b + 1) * n_u])
        weights = np.stack([(1 - ty) * (1 - tb), (1 - ty) * tb, ty * (1 - tb), ty * tb], axis=1)
        rows = np.take(self._rows, corners, axis=0)  # (N, 4, 16); np.take is ~10x faster than fancy indexing
        lo = np.einsum("nck,nc->nk", rows, weights).reshape(-1, 2, 2, 4)  # (N, nu/nubar, u/u+1, 4)
        res = lo[:, :, 0] + tu[:, :, None] * (lo[:, :, 1] - lo[:, :, 0])
        return np.moveaxis(res, 1, 0).astype(float)


def _full_matrix(p4: np.ndarray) -> np.ndarray:
    """3x3 P from (P_ee, P_emu, P_mue, P_mumu) using unitarity (rows and columns sum to 1)."""
    ee, em, me, mm = p4.T
    P = np.empty((p4.shape[0], 3, 3))
    P[:, 0, 0], P[:, 0, 1], P[:, 1, 0], P[:, 1, 1] = ee, em, me, mm
    P[:, 0, 2], P[:, 1, 2] = 1 - ee - em, 1 - me - mm
    P[:, 2, 0], P[:, 2, 1] = 1 - ee - me, 1 - em - mm
    P[:, 2, 2] = ee + em + me + mm - 1
    return P


@lru_cache(maxsize=8)
def earth_oscillation_table(params: OscillationParameters | None = None, sigma_lnE: float = 0.05,
                            radius_cm: float = prem.EARTH_RADIUS_CM,
                            ocean: bool = True) -> EarthOscillationTable:
    """Cached :class:`EarthOscillationTable`: in memory, and on disk between processes.

    Building takes ~3 s; the disk cache (:func:`cache_dir`, ``$NUPORTAL_CACHE_DIR``, default
    ``~/.cache/nuportal``; ``off`` disables it) brings a process's cold start to ~0.1 s. The file name
    holds a hash of everything the table depends on (the parameters, the arguments, this module's source
    and the PREM, composition and oscillation data files), so a change of any of them builds a new table.
    """
    params = params or OscillationParameters.from_data()
    path = _cache_path(params, sigma_lnE, radius_cm, ocean)
    if path is not None and path.exists():
        try:
            with np.load(path) as z:
                return EarthOscillationTable.from_state(params, {k: z[k] for k in z.files})
        except (OSError, ValueError, KeyError):  # a damaged cache file: rebuild it
            pass
    table = EarthOscillationTable(params, sigma_lnE=sigma_lnE, radius_cm=radius_cm, ocean=ocean)
    if path is not None:
        _save(path, table)
    return table


def cache_dir():
    """Folder of the on-disk table cache (None when ``NUPORTAL_CACHE_DIR=off``)."""
    import os
    from pathlib import Path

    env = os.environ.get("NUPORTAL_CACHE_DIR")
    if env is not None:
        return None if env.strip().lower() in ("", "off", "0", "none") else Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "nuportal"


def _cache_path(params, sigma_lnE, radius_cm, ocean):
    import dataclasses
    import hashlib
    import json
    from pathlib import Path

    folder = cache_dir()
    if folder is None:
        return None
    data = Path(__file__).resolve().parents[1] / "data"
    h = hashlib.sha256(json.dumps([dataclasses.asdict(params), float(sigma_lnE), float(radius_cm),
                                   bool(ocean)], sort_keys=True).encode())
    for f in (Path(__file__), data / "earth" / "prem.yaml", data / "earth" / "composition.yaml",
              data / "oscillation" / "nufit.yaml", Path(prem.__file__), Path(composition.__file__)):
        h.update(f.read_bytes())
    return folder / f"earth-oscillation-{h.hexdigest()[:20]}.npz"


def _save(path, table: EarthOscillationTable) -> None:
    """Write the cache file atomically; a folder that cannot be written only costs the next process time."""
    import io
    import logging

    from nuportal.io import atomic_write_bytes

    buf = io.BytesIO()
    np.savez(buf, **table.state())
    try:
        atomic_write_bytes(path, buf.getvalue())
    except (OSError, NuportalInputError) as exc:
        logging.getLogger(__name__).debug("oscillation table cache not written to %s: %s", path, exc)
