"""Tabulate nuflux's H3a_SIBYLL23C atmospheric flux on the Honda grid, as nuportal package data.

The flux model used by reference 004's public code (github ryanplestid/Atmo-UpScatt,
``sourceCode/MainIntegration.py``: ``flux_name = 'H3a_SIBYLL23C'``; ``atmoNuIntensity.calc_fluxes``
evaluates it with nuflux).  In nuflux 2.0.7 it is a ``SplineFlux2`` (MCEq with the Gaisser H3a
primary spectrum and SIBYLL 2.3c, conventional + prompt; IceCube's tables).

nuportal reads every atmospheric table with Honda's layout and nuflux's integral-preserving
interpolation (:class:`nuportal.flux.atmospheric.HondaFlux`), which treats each node value of
E * intensity as the average of a histogram cell (0.05 wide in log10 E, 0.1 wide in cos zenith).
So this script writes, for every node, the cell AVERAGE of E * intensity (Gauss-Legendre, 6 x 6
points per cell, divided back by the node energy); the interpolant then reproduces the spline to
well below a percent (tests/flux/test_h3a_flux.py checks against values computed by nuflux).

Usage (nuflux needs numpy < 2, so it runs in its own environment)::

    python -m venv /tmp/nf && /tmp/nf/bin/pip install "numpy<2" nuflux==2.0.7
    /tmp/nf/bin/python scripts/make_h3a_table.py            # writes the table
    /tmp/nf/bin/python scripts/make_h3a_table.py --oracle   # writes tests/flux/h3a_oracle.json
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "src/nuportal/data/flux/h3a_sibyll23c.txt"
ORACLE = ROOT / "tests/flux/h3a_oracle.json"
MODEL = "H3a_SIBYLL23C"
ENERGIES = 10.0 ** (-1.0 + 0.05 * np.arange(101))  # Honda nodes 0.1 GeV ... 10 TeV
COS_CENTRES = np.linspace(0.95, -0.95, 20)  # file order of the Honda table
_CM2_TO_M2 = 1.0e4


def _flux():
    import nuflux

    return nuflux, nuflux.makeFlux(MODEL)


def _particles(nuflux):
    return {"nue": nuflux.NuE, "numu": nuflux.NuMu, "nuebar": nuflux.NuEBar, "numubar": nuflux.NuMuBar}


def cell_average(flux, ptype, log_e: float, cos_c: float, n: int = 6) -> float:
    """Average of E * intensity (per cm^2) over the cell centred on (log10 E, cos zenith)."""
    x, w = np.polynomial.legendre.leggauss(n)
    le = log_e + 0.025 * x
    cz = np.clip(cos_c + 0.05 * x, -1.0, 1.0)
    total = 0.0
    for a, wa in zip(le, w, strict=True):
        e = 10.0**a
        total += wa * sum(wb * e * flux.getFlux(ptype, e, float(c)) for c, wb in zip(cz, w, strict=True))
    return total / 4.0


def write_table() -> None:
    nuflux, flux = _flux()
    parts = _particles(nuflux)
    header = [
        f"# {MODEL} atmospheric neutrino flux (MCEq: Gaisser H3a primaries, SIBYLL 2.3c; conventional +",
        "# prompt), as evaluated by the PyPI package nuflux "
        f"{getattr(nuflux, '__version__', '2.0.7')} (SplineFlux2 '{MODEL}').",
        "# The flux of reference 004's public code (Atmo-UpScatt sourceCode/MainIntegration.py, flux_name).",
        "# Written by scripts/make_h3a_table.py: each value is the cell average of E * flux over",
        "# (log10 E +- 0.025, cos zenith +- 0.05), divided by the node E, so that nuportal's",
        "# integral-preserving interpolation reproduces the spline.  Honda layout and units:",
        "# flux (m^2 s sr GeV)^-1; cos_zenith is the bin centre; +1 = downgoing.",
        "# E_GeV cos_zenith nue numu nuebar numubar",
    ]
    body = []
    for c in COS_CENTRES:
        for e in ENERGIES:
            vals = [cell_average(flux, parts[f], np.log10(e), c) / e * _CM2_TO_M2 for f in parts]
            body.append(f"{e:.4E} {c:.2f} " + " ".join(f"{v:.6E}" for v in vals))
    OUT.write_text("\n".join(header + body) + "\n")
    print(f"wrote {OUT} ({len(body)} rows)")


def write_oracle(n: int = 300, seed: int = 7) -> None:
    """nuflux values at random (E, cos zenith) points, for the validation test."""
    nuflux, flux = _flux()
    rng = np.random.default_rng(seed)
    log_e = rng.uniform(-0.95, 3.95, n)
    cz = rng.uniform(-0.999, 0.999, n)
    rows = {f: [float(flux.getFlux(p, 10.0**a, float(c))) for a, c in zip(log_e, cz, strict=True)]
            for f, p in _particles(nuflux).items()}
    ORACLE.write_text(json.dumps({"source": f"nuflux 2.0.7 makeFlux('{MODEL}').getFlux, per cm^2 s sr GeV",
                                  "E_GeV": list(10.0**log_e), "cos_zenith": list(cz), **rows}, indent=0))
    print(f"wrote {ORACLE}")


if __name__ == "__main__":
    write_oracle() if "--oracle" in sys.argv else write_table()
