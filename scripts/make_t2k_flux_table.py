"""Convert the T2K 2020 ND280 flux release to nuportal's table (dev-time; reads ../shared).

Input: ``nd280_plus250kA.dat`` / ``nd280_minus250kA.dat`` (columns: bin, E_low - E_high [GeV], numu,
numubar, nue, nuebar in neutrinos per cm^2 per 50 MeV per 1e21 POT, a density).  Output: one CSV
per horn polarity with the bin edges kept and the density converted to per cm^2 per GeV per POT
(value / 0.05 / 1e21); no number is otherwise changed.  Usage::

    python scripts/make_t2k_flux_table.py /work/shared/data/t2k-nd280/flux-2020
"""

from __future__ import annotations

import sys
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "src/nuportal/data/flux"
FILES = {
    "fhc": ("nd280_plus250kA.dat", "+250 kA (neutrino mode, FHC)"),
    "rhc": ("nd280_minus250kA.dat", "-250 kA (antineutrino mode, RHC)"),
}


def convert(src: Path, mode: str) -> Path:
    name, label = FILES[mode]
    rows = []
    for line in (src / name).read_text().splitlines():
        parts = line.split()
        if len(parts) == 8 and parts[0].isdigit() and parts[2] == "-":
            lo, hi = float(parts[1]), float(parts[3])
            vals = [float(v) / 0.05 / 1e21 for v in parts[4:]]
            rows.append((lo, hi, *vals))
    out = OUT / f"t2k2020_nd280_{mode}.csv"
    head = [
        f"# T2K ND280 neutrino flux prediction, 2020 public release, horn current {label}.",
        f"# Source: T2K collaboration, t2kflux_2020_{name[6:-4]}_runcond_nd280.txt",
        "#   (as redistributed in SIREN 0.1.0 resources/fluxes/T2K_NEAR); converted by",
        "#   scripts/make_t2k_flux_table.py: per cm^2 per 50 MeV per 1e21 POT -> per cm^2 per GeV per POT.",
        "# Columns: E_low_GeV, E_high_GeV, then the flux density dPhi/dE in neutrinos / (cm^2 GeV POT)",
        "#   on the bin [E_low, E_high) for numu, numubar, nue, nuebar (constant within the bin).",
        "E_low_GeV,E_high_GeV,numu,numubar,nue,nuebar",
    ]
    body = [",".join([f"{r[0]:.4g}", f"{r[1]:.4g}"] + [f"{v:.6e}" for v in r[2:]]) for r in rows]
    out.write_text("\n".join(head + body) + "\n")
    return out


if __name__ == "__main__":
    src = Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/data/t2k-nd280/flux-2020")
    for m in FILES:
        print(convert(src, m))
