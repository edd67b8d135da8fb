"""Columnar record of weighted upscattering events, with Parquet I/O.

One :class:`UpscatterEvents` holds one simulation at one HNL mass.  It stores everything needed to
recompute rates for any couplings without re-simulating (reference 004 Eq. 31 factorised):

    rate_i(c) = weight_i * sum_{nu/nubar, alpha} q_alpha(c) I[nu/nubar, alpha]_i dsigma[nu/nubar]_i
                * P_vis(lambda_i(c), r_i, l) * f_vis,i

with ``weight`` in GeV cm sr (per unit coupling, per unit intensity), ``intensity`` in
(GeV cm^2 s sr)^-1 and ``dsigma`` in cm^2 (per nucleus, per unit cos Theta, unit coupling), so
rate_i is in s^-1 (see :mod:`nuportal.mc.upscatter` for the derivation).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, fields
from pathlib import Path

import numpy as np

from nuportal.errors import NuportalInputError

__all__ = ["UpscatterEvents", "FLAVOUR_COLUMNS", "merge_simulations"]

#: Parquet names of the six intensity columns, order [nu/nubar][e, mu, tau].
FLAVOUR_COLUMNS = tuple(f"I_{p}_{a}" for p in ("nu", "nubar") for a in ("e", "mu", "tau"))

_SCALARS = ("E_nu", "E_N", "cos_Theta", "r", "cos_zenith", "cos_det", "channel", "species", "weight")
_UNITS = {"E_nu": "E_nu_GeV", "E_N": "E_N_GeV", "r": "r_cm", "weight": "weight_GeV_cm_sr"}


@dataclass(frozen=True)
class UpscatterEvents:
    """Weighted events of one simulation (one HNL mass), arrays of length N.

    Attributes
    ----------
    mass_GeV : float
        HNL mass.
    portal : str
        "dipole" or "mixing".
    channel_names, species_names : tuple of str
        Names indexed by ``channel`` and ``species``.
    detector_length_cm : float
        Effective detector length l of 004 Eq. 6.
    up : ndarray (3,)
        Local vertical at the detector.
    E_nu, E_N : ndarray (N,)
        Neutrino and HNL energies (GeV).
    cos_Theta : ndarray (N,)
        Cosine of the scattering angle between neutrino and HNL.
    X : ndarray (N, 3)
        Interaction point (cm).
    r : ndarray (N,)
        |X - Y| (cm).
    cos_zenith : ndarray (N,)
        Source diagnostic (atmosphere: cos of the zenith angle at the entry point W).
    hnl_dir : ndarray (N, 3)
        HNL travel direction (Y - X)/|Y - X| at the detector.
    cos_det : ndarray (N,)
        -hnl_dir . up: +1 for an HNL coming straight down at the detector.
    channel, species : ndarray (N,) int
        Indices into ``channel_names`` / ``species_names``.
    weight : ndarray (N,)
        Base weight (GeV cm sr), see module docstring.
    intensity : ndarray (2, 3, N)
        I[nu/nubar][e, mu, tau] at X ((GeV cm^2 s sr)^-1; a beam: (GeV cm^2 s)^-1 with weight in
        GeV cm).
    dsigma : ndarray (2, N)
        dsigma/dcos Theta for nu and nubar at unit coupling (cm^2 per nucleus).
    metadata : dict
        Provenance (nuportal version, configuration, seed).
    path_cm : ndarray (N,) or None
        Beam events: length of the HNL path inside its fiducial box (L2 - L1, with ``r`` = L1, the
        distance to the entry point), so P_decay = e^{-r/lambda} (1 - e^{-path/lambda}).  None: every
        event has ``detector_length_cm``.
    region : ndarray (N,) int or None
        Beam events: index of the material box where the upscattering happened (``region_names``).
    region_names : tuple of str
    """

    mass_GeV: float
    portal: str
    channel_names: tuple
    species_names: tuple
    detector_length_cm: float
    up: np.ndarray
    E_nu: np.ndarray
    E_N: np.ndarray
    cos_Theta: np.ndarray
    X: np.ndarray
    r: np.ndarray
    cos_zenith: np.ndarray
    hnl_dir: np.ndarray
    cos_det: np.ndarray
    channel: np.ndarray
    species: np.ndarray
    weight: np.ndarray
    intensity: np.ndarray
    dsigma: np.ndarray
    metadata: dict = field(default_factory=dict)
    path_cm: np.ndarray | None = None
    region: np.ndarray | None = None
    region_names: tuple = ()

    def __len__(self) -> int:
        return int(self.E_nu.shape[0])

    @staticmethod
    def concatenate(parts: list[UpscatterEvents]) -> UpscatterEvents:
        """Join event sets of the same mass/portal/names (weights are kept as they are)."""
        if not parts:
            raise NuportalInputError("cannot concatenate an empty list of event sets")
        first = parts[0]
        arrays = {}
        for f in fields(UpscatterEvents):
            value = getattr(first, f.name)
            if value is None or f.name == "region_names":
                arrays[f.name] = value
            elif f.name in ("intensity", "dsigma"):
                arrays[f.name] = np.concatenate([getattr(p, f.name) for p in parts], axis=-1)
            elif isinstance(value, np.ndarray) and f.name != "up":
                arrays[f.name] = np.concatenate([getattr(p, f.name) for p in parts], axis=0)
            else:
                arrays[f.name] = value
        return UpscatterEvents(**arrays)

    def take(self, idx) -> UpscatterEvents:
        """The events at indices ``idx`` (weights unchanged)."""
        out = {}
        for f in fields(UpscatterEvents):
            v = getattr(self, f.name)
            if f.name in ("intensity", "dsigma"):
                out[f.name] = v[..., idx]
            elif isinstance(v, np.ndarray) and f.name != "up":
                out[f.name] = v[idx]
            else:
                out[f.name] = v
        return UpscatterEvents(**out)

    def path_lengths(self) -> np.ndarray:
        """Per-event path length in the detector (cm): ``path_cm`` or ``detector_length_cm``."""
        return self.path_cm if self.path_cm is not None else np.full(len(self), self.detector_length_cm)

    def columns(self) -> dict:
        """Flat columns (name -> 1-d array) as written to Parquet (units in the names)."""
        cols = {_UNITS.get(k, k): getattr(self, k) for k in _SCALARS}
        cols.update({f"X_{a}_cm": self.X[:, i] for i, a in enumerate("xyz")})
        cols.update({f"dir_{a}": self.hnl_dir[:, i] for i, a in enumerate("xyz")})
        flat = self.intensity.reshape(6, -1)
        cols.update({name: flat[k] for k, name in enumerate(FLAVOUR_COLUMNS)})
        cols["dsigma_nu_cm2"], cols["dsigma_nubar_cm2"] = self.dsigma[0], self.dsigma[1]
        if self.path_cm is not None:
            cols["path_cm"] = self.path_cm
        if self.region is not None:
            cols["region"] = self.region
        return cols

    def _header(self) -> dict:
        return {"mass_GeV": self.mass_GeV, "portal": self.portal,
                "channel_names": list(self.channel_names), "species_names": list(self.species_names),
                "detector_length_cm": self.detector_length_cm, "up": self.up.tolist(),
                "region_names": list(self.region_names)}

    def to_parquet(self, path, metadata: dict | None = None) -> Path:
        """Write the events atomically to ``path`` (Parquet) with provenance in the schema metadata.

        ``metadata`` (e.g. ``nuportal.io.provenance(config, seed)``) is merged over
        ``self.metadata``; it must be JSON-serialisable.
        """
        import pyarrow as pa
        import pyarrow.parquet as pq

        path = Path(path)
        meta = {**self.metadata, **(metadata or {})}
        table = pa.table(self.columns())
        schema_meta = {b"nuportal.events": json.dumps(self._header()).encode(),
                       b"nuportal.provenance": json.dumps(meta, default=str).encode()}
        table = table.replace_schema_metadata(schema_meta)
        from nuportal.io import atomic_path

        with atomic_path(path) as tmp:
            pq.write_table(table, tmp)
        return path

    @classmethod
    def from_parquet(cls, path) -> UpscatterEvents:
        """Read events written by :meth:`to_parquet`."""
        import pyarrow.parquet as pq

        table = pq.read_table(path)
        meta = table.schema.metadata or {}
        if b"nuportal.events" not in meta:
            raise NuportalInputError(f"{path} is not a nuportal event file (no nuportal.events metadata)")
        head = json.loads(meta[b"nuportal.events"])
        col = {name: table.column(name).to_numpy() for name in table.column_names}
        kw = {k: col[_UNITS.get(k, k)] for k in _SCALARS}
        kw["X"] = np.stack([col[f"X_{a}_cm"] for a in "xyz"], axis=1)
        kw["hnl_dir"] = np.stack([col[f"dir_{a}"] for a in "xyz"], axis=1)
        kw["intensity"] = np.stack([col[n] for n in FLAVOUR_COLUMNS]).reshape(2, 3, -1)
        kw["dsigma"] = np.stack([col["dsigma_nu_cm2"], col["dsigma_nubar_cm2"]])
        kw["path_cm"], kw["region"] = col.get("path_cm"), col.get("region")
        return cls(mass_GeV=float(head["mass_GeV"]), portal=head["portal"],
                   channel_names=tuple(head["channel_names"]), species_names=tuple(head["species_names"]),
                   detector_length_cm=float(head["detector_length_cm"]), up=np.asarray(head["up"], float),
                   region_names=tuple(head.get("region_names", ())),
                   metadata=json.loads(meta.get(b"nuportal.provenance", b"{}")), **kw)


def merge_simulations(parts: list[UpscatterEvents]) -> UpscatterEvents:
    """Combine independent simulations of one point: weights scaled by N_i / sum N (``n_generated``)."""
    import dataclasses

    sizes = np.array([p.metadata.get("n_generated", 0) for p in parts], float)
    total = sizes.sum()
    scaled = [dataclasses.replace(p, weight=p.weight * (n / total))
              for p, n in zip(parts, sizes, strict=True)]
    return UpscatterEvents.concatenate(scaled)
