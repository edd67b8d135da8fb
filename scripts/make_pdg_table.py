"""Write src/nuportal/data/pdg.yaml: the PDG masses and lifetimes nuportal uses, from the `particle`
package (its PDG tables), so that no run has to load the whole `particle` table (0.4 s per process).

Usage: python scripts/make_pdg_table.py   (tests/test_constants_pdg.py checks the file against `particle`)
"""

from __future__ import annotations

import math
from pathlib import Path

import particle
from particle import Particle

NAMES = {"K+": 321, "pi+": 211, "pi0": 111, "e": 11, "mu": 13, "tau": 15, "eta": 221, "p": 2212, "n": 2112}


def main() -> None:
    lines = [f"# PDG masses (MeV) and mean lifetimes (ns; null = stable) from the `particle` package "
             f"{particle.__version__},", "# written by scripts/make_pdg_table.py; checked by "
             "tests/test_constants_pdg.py.", "source: \"PDG via particle " + particle.__version__ + "\""]
    for name, pid in NAMES.items():
        p = Particle.from_pdgid(pid)
        tau = p.lifetime
        tau_s = "null" if tau is None or math.isinf(tau) else repr(float(tau))
        lines.append(f"\"{name}\": {{pdgid: {pid}, mass_MeV: {p.mass!r}, lifetime_ns: {tau_s}}}")
    out = Path(__file__).resolve().parents[1] / "src" / "nuportal" / "data" / "pdg.yaml"
    out.write_text("\n".join(lines) + "\n")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
