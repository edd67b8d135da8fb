"""Reference oscillation probabilities from jaxnu, stored as test oracle numbers.

Runs in a separate environment (jaxnu needs JAX; nuportal never imports it)::

    python -m venv /tmp/osc-venv && /tmp/osc-venv/bin/pip install jaxnu==0.2.4
    /tmp/osc-venv/bin/python scripts/oscillation_oracle.py > tests/oscillation/data/jaxnu_oracle.json

Each case is a piecewise-constant profile (lengths in km, density in g/cm^3, Y_e), an energy and
nu/nubar; the oracle is ``jaxnu.probability_profile(params, E_GeV, density, ye, length_km,
anti=anti, backend="eigh")`` with NuFit 5.0 parameters of reference 004 Sec. II, returning
P[alpha_out, beta_in] = P(nu_beta -> nu_alpha), the same convention as nuportal.oscillation.
"""

from __future__ import annotations

import json
import sys

import numpy as np


def cases() -> list[dict]:
    """Profiles: slabs, a two-density Earth (mantle 4.5 / core 11.5 g/cm^3) and a graded chord."""
    out = []
    for E, L, rho in [(0.3, 295.0, 2.6), (1.0, 1300.0, 2.8), (2.5, 1300.0, 2.8), (6.0, 6000.0, 4.5),
                      (0.5, 12742.0, 0.0), (20.0, 10000.0, 5.0), (0.15, 800.0, 3.3)]:
        out.append({"E_GeV": E, "length_km": [L], "density": [rho], "ye": [0.5]})
    r_earth, r_core = 6371.0, 3480.0
    for E, cz in [(3.0, -0.5), (5.0, -0.9), (10.0, -0.95), (0.8, -0.99), (2.0, -0.7), (30.0, -1.0)]:
        b = r_earth * np.sqrt(1 - cz**2)
        half = np.sqrt(r_earth**2 - b**2)
        core = np.sqrt(max(r_core**2 - b**2, 0.0))
        out.append({"E_GeV": E, "length_km": [half - core, 2 * core, half - core],
                    "density": [4.5, 11.5, 4.5], "ye": [0.495, 0.467, 0.495]})
    s = np.linspace(-4000.0, 4000.0, 21)
    r = np.sqrt(3000.0**2 + (0.5 * (s[1:] + s[:-1])) ** 2)
    graded = {"length_km": list(np.diff(s)), "density": list(13.0 - 8.0 * r / r_earth), "ye": [0.48] * 20}
    for E in (0.4, 1.7, 4.0, 9.0):
        out.append({"E_GeV": E, **graded})
    return out


def main() -> None:
    """Print the oracle JSON (both nu and nubar for every case) on stdout."""
    import jaxnu

    deg = np.pi / 180.0
    params = jaxnu.OscParams(theta12=33.44 * deg, theta13=8.57 * deg, theta23=49.2 * deg,
                             deltacp=197.0 * deg, dm21=7.42e-5, dm31=2.52e-3)
    rows = []
    for case in cases():
        for anti in (False, True):
            p = jaxnu.probability_profile(params, case["E_GeV"], np.array(case["density"]),
                                          np.array(case["ye"]), np.array(case["length_km"]),
                                          anti=anti, backend="eigh")
            rows.append({**{k: (list(map(float, v)) if isinstance(v, list) else v) for k, v in case.items()},
                         "antineutrino": anti, "P": np.asarray(p).tolist()})
    meta = {"oracle": f"jaxnu {jaxnu.__version__}: probability_profile(..., backend='eigh')",
            "parameters": "NuFit 5.0 (reference 004 Sec. II): dm21=7.42e-5, dm31=2.52e-3 eV^2, "
                          "theta12=33.44, theta13=8.57, theta23=49.2, delta=197 deg",
            "G_F_jaxnu_GeV-2": 1.1663787e-5, "convention": "P[alpha_out][beta_in]",
            "script": "scripts/oscillation_oracle.py"}
    json.dump({"meta": meta, "cases": rows}, sys.stdout, indent=1)


if __name__ == "__main__":
    main()
