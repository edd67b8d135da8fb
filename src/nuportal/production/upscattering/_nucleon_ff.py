"""Dirac/Pauli form factors from ONE Sachs evaluation (hot path of the nucleon channels).

Same formulas as :func:`nuportal.nuclear.form_factors.nucleon_F1` / ``nucleon_F2`` (reference 004
Eq. 37, tau = Q^2 / 4 M_N^2 with the average nucleon mass), which each evaluate G_E, G_M (two
dipole powers) again; tests/production/test_upscattering_speed_equivalence.py checks equality.
"""

from __future__ import annotations

import numpy as np

from nuportal.nuclear._masses import nucleon_mass
from nuportal.nuclear.form_factors import sachs_form_factors


def dirac_pauli(Q2, nucleon: str) -> tuple[np.ndarray, np.ndarray]:
    """(F1, F2) of "p" or "n" at Q2 = -t >= 0 (GeV^2)."""
    q2 = np.asarray(Q2, dtype=float)
    ge, gm = sachs_form_factors(q2, nucleon)
    tau = q2 / (4.0 * nucleon_mass() ** 2)
    inv = 1.0 / (1.0 + tau)
    return (ge + tau * gm) * inv, (gm - ge) * inv
