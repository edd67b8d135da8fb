"""One validated value holding every sampling choice of the upscattering Monte Carlo.

:class:`SamplingPlan` replaces the dozen keyword arguments that :func:`nuportal.mc.upscatter.simulate`
used to take, and carries the beam engine's choices (:func:`nuportal.mc.beam.simulate_beam`) too,
so a study file, a benchmark and a test name the same knobs with the same checks.  Every field is
validated on construction (a bad value raises :class:`~nuportal.errors.NuportalInputError` naming
it and its allowed range); ``plan.replace(field=value)`` returns a validated copy and
``plan.to_dict()`` is what result files record.

None of the choices changes an expectation value: they only move Monte Carlo variance around
(every sampler returns its exact density).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

from nuportal.errors import NuportalInputError, require_range

__all__ = ["SamplingPlan", "DEFAULT_CORNERS"]

#: Default corner components of the joint (E, r') sampling of diffuse sources, each (fraction,
#: decades of energy below E_max, r'_hi / R_min); see :func:`nuportal.mc.upscatter.simulate`.
DEFAULT_CORNERS = ((0.15, 3.0, 4.0), (0.1, 0.4, 1.5))


@dataclass(frozen=True)
class SamplingPlan:
    """Sampling choices of the upscattering Monte Carlo (diffuse and beam sources).

    Common
    ------
    chunk_size : int
        Events per vectorised chunk (bounds memory).
    stream_shares : "auto" | "equal" | tuple of float
        Events per stream: estimated contributions (with ``share_floor`` spread equally), equal, or
        explicit relative numbers.
    share_floor : float in [0, 1]
    forward_u_min : float in [0, 1e-3]
        Smallest 1 - cos Theta of forward channels (0: the whole forward peak).

    Diffuse sources (atmospheric, reference 004)
    --------------------------------------------
    energy_index, energy_log_fraction :
        Power law E^-gamma with a log-uniform fraction.
    r_min_cm, radial_fractions, lambda0_cm, near_fraction, r_near_cm :
        Distance mixture of :class:`nuportal.mc.sampling.RadialMixture` (R_min default: the radius
        of the detector's volume-equivalent sphere).
    corners : tuple of (fraction, decades, factor)
        Joint (E, r') corner components (``()`` turns them off).

    Beams (reference 003)
    ---------------------
    beam_energy_log_fraction : float in [0, 1]
        Fraction of energies drawn log-uniformly instead of from the flux histogram.
    vertex_fractions : (f_inside, f_log, f_column)
        Mixture of the vertex distance l along the HNL ray behind the fiducial face: uniform inside
        the fiducial box, log-uniform in (l + vertex_log_scale_cm) upstream (short decay lengths:
        every scale from 1 cm to 10 km gets the same share), and uniform over the whole line
        (long decay lengths: the column density).  All three are weighted by the material density.
    vertex_log_scale_cm : float > 0
        Offset of the log-uniform component.
    """

    chunk_size: int = 200_000
    stream_shares: object = "auto"
    share_floor: float = 0.1
    forward_u_min: float = 0.0
    energy_index: float = 2.0
    energy_log_fraction: float = 0.6
    r_min_cm: float | None = None
    radial_fractions: tuple = (0.25, 0.35, 0.0)
    lambda0_cm: float | None = None
    near_fraction: float = 0.4
    r_near_cm: float | None = None
    corners: tuple = DEFAULT_CORNERS
    beam_energy_log_fraction: float = 0.3
    vertex_fractions: tuple = (0.15, 0.55, 0.3)
    vertex_log_scale_cm: float = 0.5

    def __post_init__(self) -> None:
        require_range("chunk_size", self.chunk_size, 1, np.inf, high_open=True)
        object.__setattr__(self, "chunk_size", int(self.chunk_size))
        self._check_shares()
        require_range("share_floor", self.share_floor, 0.0, 1.0)
        require_range("forward_u_min", self.forward_u_min, 0.0, 1e-3)
        require_range("energy_index", self.energy_index, -5.0, 10.0)
        require_range("energy_log_fraction", self.energy_log_fraction, 0.0, 1.0)
        for name in ("r_min_cm", "lambda0_cm", "r_near_cm"):
            value = getattr(self, name)
            if value is not None:
                require_range(name, value, 0.0, np.inf, low_open=True, high_open=True)
        fr = tuple(float(v) for v in self.radial_fractions)
        if len(fr) != 3:
            raise NuportalInputError(
                f"radial_fractions must be (f_log, f_uni, f_exp), got {self.radial_fractions}"
            )
        require_range("radial_fractions", fr, 0.0, 1.0)
        if fr[2] > 0.0 and self.lambda0_cm is None:
            raise NuportalInputError("radial_fractions f_exp > 0 needs lambda0_cm")
        object.__setattr__(self, "radial_fractions", fr)
        require_range("near_fraction", self.near_fraction, 0.0, 1.0, high_open=True)
        object.__setattr__(self, "corners", _check_corners(self.corners))
        require_range("beam_energy_log_fraction", self.beam_energy_log_fraction, 0.0, 1.0)
        vf = tuple(float(v) for v in self.vertex_fractions)
        if len(vf) != 3 or any(v < 0 or not np.isfinite(v) for v in vf) or sum(vf) <= 0:
            raise NuportalInputError(
                f"vertex_fractions must be 3 non-negative numbers (inside, log, column), not all 0; got {vf}"
            )
        if vf[2] <= 0.0:
            raise NuportalInputError(
                "vertex_fractions: the column fraction must be > 0 (it is the only "
                "component that covers the whole beam line)"
            )
        object.__setattr__(self, "vertex_fractions", tuple(v / sum(vf) for v in vf))
        require_range("vertex_log_scale_cm", self.vertex_log_scale_cm, 0.0, 1e4, low_open=True)

    def _check_shares(self) -> None:
        s = self.stream_shares
        if s is None:
            object.__setattr__(self, "stream_shares", "equal")
        elif isinstance(s, str):
            if s not in ("auto", "equal"):
                raise NuportalInputError(f"stream_shares = {s!r}: use 'auto', 'equal' or numbers")
        else:
            arr = tuple(float(v) for v in s)
            if any(v < 0 or not np.isfinite(v) for v in arr) or sum(arr) <= 0:
                raise NuportalInputError(f"stream_shares must be non-negative numbers, not all 0; got {arr}")
            object.__setattr__(self, "stream_shares", arr)

    def replace(self, **changes) -> SamplingPlan:
        """A validated copy with some fields changed (unknown names are refused)."""
        unknown = set(changes) - {f.name for f in dataclasses.fields(self)}
        if unknown:
            raise NuportalInputError(
                f"unknown sampling-plan fields {sorted(unknown)}; allowed: "
                f"{', '.join(f.name for f in dataclasses.fields(self))}"
            )
        return dataclasses.replace(self, **changes)

    def to_dict(self) -> dict:
        """Plain-JSON form recorded in result files."""
        out = dataclasses.asdict(self)
        out["corners"] = [list(c) for c in self.corners]
        return {k: list(v) if isinstance(v, tuple) else v for k, v in out.items()}


def _check_corners(corners) -> tuple:
    out = tuple(tuple(float(v) for v in c) for c in corners)
    if any(len(c) != 3 for c in out):
        raise NuportalInputError(f"corners must be (fraction, decades, factor) triples, got {corners}")
    for f_c, decades, factor in out:
        require_range("corner fraction", f_c, 0.0, 1.0, high_open=True)
        require_range("corner decades", decades, 0.0, np.inf, low_open=True, high_open=True)
        require_range("corner r'/R_min factor", factor, 1.0, np.inf, low_open=True, high_open=True)
    if sum(c[0] for c in out) >= 1.0:
        raise NuportalInputError("corner fractions must sum to less than 1 (the main mixture stays)")
    return out
