"""e+e- selection efficiency of the T2K 2019 ND280 heavy-neutrino search, per mass and beam mode.

Reference 003 applies the e+e- channel efficiency of the T2K search (about 6-11%) to the dipole
signal.  The release gives it per HNL production/decay mode; the dipole signal N -> nu e+ e- is
closest to the modes with an e+e- nu final state (rows 10, 11, 14, 15 of the release: K -> mu N /
K -> e N followed by N -> e+ e- nu), so the efficiency at each mass is the mean of those of these
four modes that are populated (the K -> mu N ones vanish above m_K - m_mu = 388 MeV).  Masses are
140-490 MeV in 10 MeV steps; linear interpolation in between.  Outside that range the efficiency is
held at the nearest edge ("constant", default) or set to zero ("zero"); either way the caller is
told that it was extrapolated.
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files

import numpy as np

from nuportal.errors import NuportalInputError

__all__ = ["ee_efficiency", "ee_efficiency_table", "EE_MODES"]

#: Production/decay modes of the release with an e+ e- nu final state.
EE_MODES = (10, 11, 14, 15)


@cache
def ee_efficiency_table(modes: tuple = EE_MODES, combine: str = "mean") -> tuple[np.ndarray, dict]:
    """(masses in GeV (36,), {"fhc": eff, "rhc": eff}): mean (or min) over the populated ``modes``."""
    text = files("nuportal").joinpath("data/t2k2019/efficiency.csv").read_text()
    rows = [ln for ln in text.splitlines() if ln and not ln.startswith("#")]
    head = rows[0].split(",")
    data = np.array([[float(v) for v in r.split(",")] for r in rows[1:]])
    masses = np.unique(data[:, 0])
    out = {}
    for mode in ("fhc", "rhc"):
        col = head.index(f"{mode}_ee")
        eff = np.zeros(masses.size)
        for i, m in enumerate(masses):
            sel = (data[:, 0] == m) & np.isin(data[:, 1], modes)
            vals = data[sel, col]
            vals = vals[vals > 0]
            eff[i] = (vals.mean() if combine == "mean" else vals.min()) if vals.size else 0.0
        out[mode] = eff
    return masses * 1e-3, out


def ee_efficiency(
    mass_GeV, mode: str, extrapolation: str = "constant", modes=EE_MODES, combine: str = "mean"
):
    """(efficiency, outside_table) at HNL mass(es) ``mass_GeV`` in beam ``mode`` ("fhc" | "rhc")."""
    if mode not in ("fhc", "rhc"):
        raise NuportalInputError(f"beam mode = {mode!r} is not one of fhc, rhc")
    if extrapolation not in ("constant", "zero"):
        raise NuportalInputError(f"extrapolation = {extrapolation!r} is not one of constant, zero")
    if combine not in ("mean", "min"):
        raise NuportalInputError(f"combine = {combine!r} is not one of mean, min")
    bad = [k for k in modes if not 0 <= int(k) < 24]
    if bad:
        raise NuportalInputError(f"efficiency mode {bad[0]} is outside the allowed range [0, 23]")
    masses, table = ee_efficiency_table(tuple(int(k) for k in modes), combine)
    m = np.asarray(mass_GeV, float)
    outside = (m < masses[0] - 1e-12) | (m > masses[-1] + 1e-12)
    eff = np.interp(m, masses, table[mode])
    if extrapolation == "zero":
        eff = np.where(outside, 0.0, eff)
    if eff.ndim == 0:
        return float(eff), bool(outside)
    return eff, outside
