"""Fit Helm (R1, s) to each nucleus's Fermi charge form factor and store them in nuclei.yaml.

Reference 004 Eq. 44: minimise S = sum_i (F_Helm^2(Q_i) - F_Fermi^2(Q_i))^2.  The paper uses a
fixed-step gradient descent; we use scipy.optimize.least_squares on the same residuals over
Q in [0.001, 0.4] GeV (400 points).  Usage:  python scripts/fit_helm.py  [--check]
"""

from __future__ import annotations

import sys
from importlib.resources import files

import numpy as np
import yaml
from scipy.optimize import least_squares

from nuportal.nuclear.form_factors import (
    fermi_form_factor,
    fermi_rms_radius_fm,
    fourier_bessel_form_factor,
    fourier_bessel_rms_radius_fm,
    helm_form_factor,
)

Q_GRID_GEV = np.linspace(0.001, 0.4, 400)
HEADER_LINES = 4  # comment header of nuclei.yaml kept verbatim


def fit_helm(c_fm: float, z_fm: float, w: float, coefficients=None) -> tuple[float, float, float]:
    """Return (R1_fm, s_fm, rms residual of F^2) of the Helm fit to a Fermi (or, with ``coefficients``, a
    Fourier-Bessel density of cut-off radius ``c_fm``)."""
    if coefficients:
        target = fourier_bessel_form_factor(Q_GRID_GEV, c_fm, coefficients) ** 2
        r_rms = fourier_bessel_rms_radius_fm(c_fm, coefficients)
    else:
        target = fermi_form_factor(Q_GRID_GEV, c_fm, z_fm, w) ** 2
        r_rms = fermi_rms_radius_fm(c_fm, z_fm, w)
    s0 = 0.9
    r1_0 = np.sqrt(max((r_rms**2 - 3 * s0**2) / 0.6, 1.0))

    def resid(p):
        return helm_form_factor(Q_GRID_GEV, p[0], p[1]) ** 2 - target

    sol = least_squares(resid, x0=[r1_0, s0], bounds=([0.1, 0.0], [20.0, 5.0]), xtol=1e-12, ftol=1e-12)
    return float(sol.x[0]), float(sol.x[1]), float(np.sqrt(np.mean(sol.fun**2)))


def main(argv: list[str]) -> int:
    path = files("nuportal").joinpath("data/nuclear/nuclei.yaml")
    text = path.read_text()
    header = "".join(text.splitlines(keepends=True)[:HEADER_LINES])
    table = yaml.safe_load(text)
    for sym, entry in table["nuclei"].items():
        rho = entry.get("charge_density")
        if rho is None:
            continue
        if rho["model"] == "FB":
            r1, s, rms = fit_helm(rho["R_fm"], 0.0, 0.0, rho["coefficients"])
        else:
            r1, s, rms = fit_helm(rho["c_fm"], rho["z_fm"], rho.get("w", 0.0))
        entry["helm"] = {"R1_fm": round(r1, 5), "s_fm": round(s, 5), "rms_residual_F2": float(f"{rms:.2e}"),
                         "source": "scripts/fit_helm.py: least squares of F^2 on Q in [0.001, 0.4] GeV"}
        print(f"{sym:6s} R1 = {r1:.5f} fm  s = {s:.5f} fm  rms(F^2 residual) = {rms:.2e}")
    if "--check" not in argv:
        with open(str(path), "w") as fh:
            fh.write(header + yaml.safe_dump(table, sort_keys=False, width=100))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
