"""Nuclear targets: Z, A, nuclear mass, weak charge, charge density and fitted Helm parameters.

Data come from ``data/nuclear/nuclei.yaml`` (every entry with its source).  Conventions:

* nuclear mass M = A u + Delta_atomic - Z m_e + B_e(Z) (AME2020 atomic mass excess, electron binding
  energy of Lunney et al. 2003); GeV.
* weak charge Q_w = N - (1 - 4 sin^2 theta_W) Z (PDG normalisation, sin^2 theta_W from
  ``nuportal.constants``).  Reference 004 Eq. 39 is written with G_F^2 Q_w^2 / (2 pi), which is the
  same cross section for Q_w^(004) = Q_w / 2; nuportal always uses the PDG Q_w with G_F^2 Q_w^2/(8 pi).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib.resources import files

from nuportal import _yaml, constants
from nuportal.errors import NuportalInputError

__all__ = ["ChargeDensity", "Nucleus", "get_nucleus", "all_nuclei", "nucleon_parameters",
           "raw_table"]


@dataclass(frozen=True)
class ChargeDensity:
    """Charge density: (three-parameter) Fermi rho(r) ~ (1 + w r^2/c^2) / (1 + exp((r - c)/z)), or
    Fourier-Bessel rho(r) = sum_n a_n j0(n pi r / R) for r <= R.

    ``model`` is "2pF" (w = 0), "3pF" or "FB" (then ``c_fm`` is the cut-off radius R and
    ``coefficients`` the a_n, in De Vries et al.'s units; z_fm = w = 0); lengths in fm.
    """

    model: str
    c_fm: float
    z_fm: float
    w: float
    source: str
    coefficients: tuple[float, ...] = ()


@dataclass(frozen=True)
class Nucleus:
    """A nuclear target (one isotope).

    Attributes
    ----------
    symbol : str
        Isotope name, e.g. "Fe56"; ``element`` is the element symbol ("Fe").
    Z, A : int
        Proton and mass numbers.
    mass_GeV : float
        Nuclear (not atomic) mass in GeV.
    weak_charge : float
        Q_w = N - (1 - 4 sin^2 theta_W) Z.
    charge_density : ChargeDensity or None
        Fermi charge density (None for the free proton).
    helm_R1_fm, helm_s_fm : float or None
        Helm parameters fitted to the Fermi form factor (scripts/fit_helm.py).
    """

    symbol: str
    element: str
    Z: int
    A: int
    mass_GeV: float
    weak_charge: float
    charge_density: ChargeDensity | None
    helm_R1_fm: float | None
    helm_s_fm: float | None

    @property
    def N(self) -> int:
        """Neutron number A - Z."""
        return self.A - self.Z

    @property
    def is_free_nucleon(self) -> bool:
        """True for the free proton (A = 1): no coherent channel."""
        return self.A == 1


@cache
def raw_table() -> dict:
    """The parsed ``data/nuclear/nuclei.yaml`` (do not mutate)."""
    return _yaml.safe_load(files("nuportal").joinpath("data/nuclear/nuclei.yaml").read_text())


@cache
def nucleon_parameters() -> dict[str, float]:
    """Nucleon form-factor parameters (mu_p, mu_n, dipole_vector_mass2, g_A, axial_mass)."""
    return {k: float(v["value"]) for k, v in raw_table()["nucleon"].items()}


def _nuclear_mass_GeV(Z: int, A: int, mass_excess_keV: float) -> float:
    """Nuclear mass from the atomic mass excess (AME2020) in GeV."""
    c = raw_table()["constants"]
    u = c["atomic_mass_unit_MeV"]["value"] * 1e-3
    m_e = c["electron_mass_MeV"]["value"] * 1e-3
    binding_e = (14.4381 * Z**2.39 + 1.55468e-6 * Z**5.35) * 1e-9
    return A * u + mass_excess_keV * 1e-6 - Z * m_e + binding_e


def _build(symbol: str, entry: dict) -> Nucleus:
    Z, A = int(entry["Z"]), int(entry["A"])
    rho = entry.get("charge_density")
    density = None
    if rho is not None and rho["model"] == "FB":
        density = ChargeDensity("FB", float(rho["R_fm"]), 0.0, 0.0, str(rho["source"]),
                                tuple(float(a) for a in rho["coefficients"]))
    elif rho is not None:
        density = ChargeDensity(str(rho["model"]), float(rho["c_fm"]), float(rho["z_fm"]),
                                float(rho.get("w", 0.0)), str(rho["source"]))
    helm = entry.get("helm") or {}
    s2w = constants.value("sin2_theta_W")
    return Nucleus(
        symbol=symbol, element=str(entry["element"]), Z=Z, A=A,
        mass_GeV=_nuclear_mass_GeV(Z, A, float(entry["mass_excess_keV"])),
        weak_charge=(A - Z) - (1.0 - 4.0 * s2w) * Z,
        charge_density=density,
        helm_R1_fm=float(helm["R1_fm"]) if "R1_fm" in helm else None,
        helm_s_fm=float(helm["s_fm"]) if "s_fm" in helm else None,
    )


@cache
def all_nuclei() -> dict[str, Nucleus]:
    """Every tabulated nucleus keyed by isotope name ("O16", "Fe56", ..., "H1")."""
    return {sym: _build(sym, entry) for sym, entry in raw_table()["nuclei"].items()}


def get_nucleus(name: str | Nucleus) -> Nucleus:
    """Return the :class:`Nucleus` for an isotope name ("Fe56") or an element symbol ("Fe").

    An element symbol maps to the tabulated (dominant) isotope of that element; "H" and "p" give
    the free proton.  A :class:`Nucleus` is returned unchanged.
    """
    if isinstance(name, Nucleus):
        return name
    table = all_nuclei()
    if name in table:
        return table[name]
    key = "H" if name == "p" else name
    for nucleus in table.values():
        if nucleus.element == key:
            return nucleus
    known = ", ".join(sorted(table)) + ", " + ", ".join(sorted({n.element for n in table.values()}))
    raise NuportalInputError(f"unknown nucleus {name!r}; allowed: {known}")
