"""``nuportal xsec``: upscattering cross sections nu A -> N X per channel, for comparison with DarkNews.

Cross sections are total (integrated over the HNL angle), in cm^2 per nucleus of the target (nucleon
channels include their multiplicity: dipole protons Z (1 - |F|^2), neutrons A - Z; mixing protons and
neutrons times (1 - |F|^2)), at unit coupling: d = 1 GeV^-1 for the dipole portal (L = d F N-bar sigma P_L nu,
i.e. d = mu_tr / 2 of DarkNews's transition magnetic moment) and |U|^2 = 1 for mass mixing.
"""

from __future__ import annotations

import json
from typing import Annotated

import numpy as np
import typer

from nuportal.errors import NuportalInputError

COUPLING_CONVENTION = {
    "dipole": "d = 1 GeV^-1; L = d F^{mu nu} N-bar sigma_{mu nu} P_L nu + h.c. (reference 004 Eq. 2): "
              "d = mu_tr/2 of DarkNews (whose mu_tr is a transition magnetic moment in GeV^-1)",
    "mixing": "|U_alpha N|^2 = 1 (neutral-current upscattering through Z exchange)",
}


def _energies(text: str) -> np.ndarray:
    try:
        vals = np.array([float(v) for v in str(text).split(",") if v.strip()])
    except ValueError as exc:
        raise NuportalInputError(f"--energy {text!r}: expected comma-separated numbers in GeV") from exc
    if vals.size == 0 or not np.all(np.isfinite(vals)) or np.any(vals <= 0) or np.any(vals > 1e5):
        raise NuportalInputError(f"--energy {text!r}: every energy must lie in (0, 1e5] GeV")
    return vals


def cross_sections(portal: str, target: str, mass: float, energies, *, coherent_m4_sign: int = -1) -> dict:
    """{channel: {"nu": [...], "nubar": [...]}} total cross sections (cm^2 per nucleus, unit coupling)."""
    from nuportal.errors import require_range
    from nuportal.production.upscattering import channels

    require_range("--mass [GeV]", mass, 0.0, 1e3, low_open=True)
    if np.any(np.asarray(energies) <= mass):
        raise NuportalInputError(
            f"--energy {np.min(energies):g} GeV is outside the allowed range (m_N, 1e5] = ({mass:g}, 1e5] "
            "GeV: below the threshold of producing the HNL")
    out = {}
    for ch in channels(portal, target, coherent_m4_sign=coherent_m4_sign):
        kind = ch.name.split("-")[1]  # coherent | p | n | dis
        key = {"p": "proton", "n": "neutron"}.get(kind, kind)
        nu = np.asarray(ch.sigma_total(energies, mass, False), float)
        nub = nu if ch._same_for_antineutrinos() else np.asarray(ch.sigma_total(energies, mass, True), float)
        out[key] = {"nu": nu.tolist(), "nubar": nub.tolist(), "channel": ch.name}
    return out


def register(app: typer.Typer) -> None:
    """Attach ``nuportal xsec``."""

    @app.command("xsec")
    def xsec(
        portal: Annotated[str, typer.Option(help="Portal: dipole | mixing.")] = "dipole",
        target: Annotated[str, typer.Option(help="Target nucleus: C12, O16, Si28, Ar40, Fe56, H, ...")]
        = "C12",
        mass: Annotated[float, typer.Option(help="HNL mass in GeV.")] = 0.1,
        energy: Annotated[str, typer.Option(help="Neutrino energies in GeV, comma-separated.")] = "1",
        json_out: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    ):
        """Upscattering cross sections per channel (cm^2 per nucleus, at unit coupling)."""
        if portal not in COUPLING_CONVENTION:
            raise NuportalInputError(f"--portal {portal!r} is not one of: dipole, mixing")
        E = _energies(energy)
        res = {"portal": portal, "target": target, "m_N_GeV": mass, "E_nu_GeV": E.tolist(),
               "unit": "cm^2 per nucleus", "coupling": COUPLING_CONVENTION[portal],
               "channels": cross_sections(portal, target, mass, E)}
        if json_out:
            typer.echo(json.dumps(res, indent=1, allow_nan=False))
            return
        typer.echo(f"{portal} upscattering on {target}, m_N = {mass:g} GeV; {res['coupling']}")
        typer.echo("E_nu [GeV]  " + "  ".join(f"{k:>12s}" for k in res["channels"]) + "   (nu, cm^2)")
        for i, e in enumerate(E):
            typer.echo(f"{e:10.4g}  " + "  ".join(f"{v['nu'][i]:12.4e}" for v in res["channels"].values()))
