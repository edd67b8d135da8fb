"""Convert the Honda 2014 Kamioka (solar minimum) tables shipped by nuflux into nuportal package data.

Source: M. Honda, M. Sajjad Athar, T. Kajita, K. Kasahara, S. Midorikawa, Phys. Rev. D 92, 023004
(2015), azimuth-averaged ("2D") tables for Super-Kamiokande, solar minimum, as redistributed in the
PyPI package ``nuflux`` (files ``nuflux/data/IPLEFlux/IPhonda2014_sk_solmin_{nue,num,nbe,nbm}2D.dat``).

Each input line is ``E_GeV  cos_zenith  flux`` with the flux in (m^2 s sr GeV)^-1; 101 energies
(log10 spacing 0.05 from 0.1 GeV to 10 TeV) times 20 cos(zenith) bin centres (0.95 ... -0.95).
The output keeps the numbers exactly as printed (no unit conversion: the loader converts to cm^-2)
in one text file with one row per (E, cos zenith) node and one column per flavour.

Usage::

    pip download --no-deps nuflux==2.0.7 -d /tmp/nuflux && unzip /tmp/nuflux/nuflux-*.whl -d /tmp/nuflux
    python scripts/make_honda_table.py /tmp/nuflux/nuflux/data/IPLEFlux 2.0.7
"""

from __future__ import annotations

import sys
from pathlib import Path

FLAVOURS = {"nue": "nue", "numu": "num", "nuebar": "nbe", "numubar": "nbm"}
OUT = Path(__file__).resolve().parents[1] / "src/nuportal/data/flux/honda2014_kamioka_solmin.txt"


def read_table(path: Path) -> list[tuple[str, str, str]]:
    """Return the (energy, cos zenith, flux) strings of one nuflux 2D table, in file order."""
    rows = [tuple(line.split()) for line in path.read_text().splitlines() if line.strip()]
    if any(len(r) != 3 for r in rows) or len(rows) != 101 * 20:
        raise ValueError(f"{path}: expected 2020 rows of 3 columns")
    return rows


def main(folder: str, nuflux_version: str) -> None:
    """Write ``OUT`` from the four flavour tables found in ``folder``."""
    tables = {f: read_table(Path(folder) / f"IPhonda2014_sk_solmin_{tag}2D.dat")
              for f, tag in FLAVOURS.items()}
    keys = [(e, c) for e, c, _ in tables["nue"]]
    for f, rows in tables.items():
        if [(e, c) for e, c, _ in rows] != keys:
            raise ValueError(f"{f}: node grid differs from nue")
    header = [
        "# Honda et al., Phys. Rev. D 92, 023004 (2015): atmospheric neutrino flux at Kamioka (Super-K),",
        "# solar minimum, azimuth averaged (files IPhonda2014_sk_solmin_*2D.dat of the PyPI package",
        f"# nuflux {nuflux_version}, converted by scripts/make_honda_table.py; numbers unchanged).",
        "# Flux unit: (m^2 s sr GeV)^-1.  cos_zenith is the bin centre (bins 0.1 wide); +1 = downgoing.",
        "# E_GeV cos_zenith nue numu nuebar numubar",
    ]
    body = [" ".join([e, c] + [tables[f][i][2] for f in FLAVOURS]) for i, (e, c) in enumerate(keys)]
    OUT.write_text("\n".join(header + body) + "\n")
    print(f"wrote {OUT} ({len(body)} rows)")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
