"""Axis-aligned material boxes with a strict nesting rule, read from YAML and validated.

Nesting rule.  Boxes form a tree: exactly one root (``parent: null``); every other box names a
parent listed before it and lies entirely inside it (faces may touch); boxes with the same parent
(siblings) do not overlap in volume (faces may touch).  A point takes the material of the deepest
box that contains it, so a child replaces its parent's material where it sits.  Tolerance of all
tests: 1e-9 m.  Fiducial boxes are regions of the material volume (no material of their own) and
must lie inside the root.

Number densities: n_s = rho w_s / M_s with w_s the element mass fraction of the material and
M_s the atomic mass (nuclear mass + Z electron masses) of the nucleus that stands for the element
(:func:`nuportal.nuclear.nuclei.get_nucleus`, the element's tabulated isotope).

YAML format (lengths in ``length_unit``, m or cm; densities in g/cm^3)::

    name: ND280
    length_unit: m
    materials:
      ROCK: {composition: {Si: 0.4674349, O: 0.5325651}, note: SiO2}
    boxes:
      - {name: rock, parent: null, center: [0, 0, -136.75], size: [24, 24, 310.5], material: ROCK,
         density: 2.9}
    fiducial:
      - {name: TPC1, center: [0, 0, -0.375], size: [1.70, 1.96, 0.563]}
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

import numpy as np
import yaml

from nuportal import _yaml
from nuportal.errors import NuportalInputError
from nuportal.nuclear.nuclei import get_nucleus

__all__ = ["Material", "BoxGeometry", "load_geometry", "available_geometries", "GRAM_PER_GEV"]

#: 1 GeV/c^2 in grams.
GRAM_PER_GEV = 1.78266192e-24
_ELECTRON_MASS_GEV = 0.51099895069e-3
_LENGTH = {"m": 100.0, "cm": 1.0}
_TOL_M = 1e-9


@dataclass(frozen=True)
class Material:
    """A material: element mass fractions (normalised to 1)."""

    name: str
    composition: dict
    note: str = ""


def _vec3(value, what: str, label: str) -> np.ndarray:
    arr = np.asarray(value, float) if isinstance(value, list | tuple) else None
    if arr is None or arr.shape != (3,) or not np.all(np.isfinite(arr)):
        raise NuportalInputError(
            f"geometry {label}: {what} must be a list of 3 finite numbers, got {value!r}"
        )
    return arr


def _material(name: str, raw, label: str) -> Material:
    if not isinstance(raw, dict) or not isinstance(raw.get("composition"), dict) or not raw["composition"]:
        raise NuportalInputError(
            f"geometry {label}: material {name!r} needs a non-empty 'composition' mapping"
        )
    comp = {}
    for element, frac in raw["composition"].items():
        get_nucleus(str(element))  # raises with the allowed list
        f = float(frac)
        if not np.isfinite(f) or f < 0.0:
            raise NuportalInputError(
                f"geometry {label}: material {name!r} mass fraction of {element} = {f:g} "
                "is outside the allowed range [0, 1]"
            )
        comp[str(element)] = comp.get(str(element), 0.0) + f
    total = sum(comp.values())
    if abs(total - 1.0) > 1e-3:
        raise NuportalInputError(
            f"geometry {label}: material {name!r} mass fractions sum to {total:.6g}, allowed 1 +- 1e-3"
        )
    return Material(name, {k: v / total for k, v in comp.items()}, str(raw.get("note", "")))


def _inside(lo_a, hi_a, lo_b, hi_b, tol) -> bool:
    """Box a inside box b."""
    return bool(np.all(lo_a >= lo_b - tol) and np.all(hi_a <= hi_b + tol))


def _overlap(lo_a, hi_a, lo_b, hi_b, tol) -> bool:
    """Boxes a and b share a volume (more than touching faces)."""
    return bool(np.all(np.minimum(hi_a, hi_b) - np.maximum(lo_a, lo_b) > tol))


class BoxGeometry:
    """A validated tree of material boxes plus fiducial boxes (all lengths in cm).

    Attributes
    ----------
    name : str
    box_names, materials_of : tuple of str
        Box names and the material name of each box.
    lo, hi : ndarray (B, 3)
        Box corners (cm).
    parent, depth : ndarray (B,) int
        Parent index (-1 for the root) and depth in the tree (root 0).
    density : ndarray (B,)
        Mass density (g/cm^3).
    species : tuple of str
        Nuclei present (names of :mod:`nuportal.nuclear.nuclei`).
    box_number_densities : ndarray (B, S)
        Nuclei per cm^3 of each species in each box.
    fiducial_names : tuple of str
    fid_lo, fid_hi : ndarray (K, 3)
        Fiducial boxes (cm).
    """

    def __init__(
        self,
        name: str,
        materials: dict,
        boxes: list[dict],
        fiducial: list[dict],
        length_unit: str = "m",
        label: str = "",
        description: str = "",
    ) -> None:
        label = label or name
        if length_unit not in _LENGTH:
            raise NuportalInputError(f"geometry {label}: length_unit = {length_unit!r}; allowed: m, cm")
        scale = _LENGTH[length_unit]
        tol = _TOL_M * 100.0
        self.name, self.description, self.label = name, description, label
        self.materials = {k: _material(k, v, label) for k, v in (materials or {}).items()}
        if not boxes:
            raise NuportalInputError(f"geometry {label}: no boxes")
        names, lo, hi, parent, dens, mats = [], [], [], [], [], []
        index = {}
        for k, b in enumerate(boxes):
            if not isinstance(b, dict) or "name" not in b:
                raise NuportalInputError(f"geometry {label}: box {k} must be a mapping with a 'name'")
            bname = str(b["name"])
            if bname in index:
                raise NuportalInputError(f"geometry {label}: box name {bname!r} is used twice")
            missing = {"center", "size", "material", "density"} - set(b)
            if missing:
                raise NuportalInputError(f"geometry {label}: box {bname!r} lacks {sorted(missing)}")
            c, s = (
                _vec3(b["center"], f"box {bname!r} center", label),
                _vec3(b["size"], f"box {bname!r} size", label),
            )
            if np.any(s <= 0.0):
                raise NuportalInputError(
                    f"geometry {label}: box {bname!r} size {tuple(s)} {length_unit}: every side must be > 0"
                )
            if b["material"] not in self.materials:
                raise NuportalInputError(
                    f"geometry {label}: box {bname!r} has unknown material {b['material']!r}; "
                    f"defined: {', '.join(sorted(self.materials))}"
                )
            rho = float(b["density"])
            if not np.isfinite(rho) or rho <= 0.0 or rho > 30.0:
                raise NuportalInputError(
                    f"geometry {label}: box {bname!r} density = {rho:g} g/cm^3 is outside "
                    "the allowed range (0, 30]"
                )
            p = b.get("parent")
            if p is None:
                if parent and -1 in parent:
                    raise NuportalInputError(
                        f"geometry {label}: box {bname!r} is a second root (parent: null); "
                        "exactly one box may have no parent"
                    )
                parent.append(-1)
            else:
                if p not in index:
                    raise NuportalInputError(
                        f"geometry {label}: box {bname!r} names parent {p!r}, which is not a "
                        "box listed before it"
                    )
                parent.append(index[p])
            index[bname] = k
            names.append(bname)
            lo.append((c - s / 2) * scale)
            hi.append((c + s / 2) * scale)
            dens.append(rho)
            mats.append(str(b["material"]))
        self.box_names, self.materials_of = tuple(names), tuple(mats)
        self.lo, self.hi = np.array(lo), np.array(hi)
        self.parent, self.density = np.array(parent, int), np.array(dens)
        depth = np.zeros(len(names), int)
        for k, p in enumerate(self.parent):
            depth[k] = 0 if p < 0 else depth[p] + 1
        self.depth = depth
        self._check_nesting(tol)
        self._densities()
        self._fiducial(fiducial, scale, tol)

    def _check_nesting(self, tol: float) -> None:
        lo, hi, names = self.lo, self.hi, self.box_names
        for k, p in enumerate(self.parent):
            if p >= 0 and not _inside(lo[k], hi[k], lo[p], hi[p], tol):
                raise NuportalInputError(
                    f"geometry {self.label}: box {names[k]!r} is not inside its parent {names[p]!r} "
                    "(nesting rule: a child lies entirely inside its parent)"
                )
        for p in np.unique(self.parent):
            kids = np.flatnonzero(self.parent == p)
            for i, a in enumerate(kids):
                ov = np.all(
                    np.minimum(hi[a], hi[kids[i + 1 :]]) - np.maximum(lo[a], lo[kids[i + 1 :]]) > tol, axis=1
                )
                if ov.any():
                    b = kids[i + 1 :][np.argmax(ov)]
                    raise NuportalInputError(
                        f"geometry {self.label}: boxes {names[a]!r} and {names[b]!r} overlap (nesting rule: "
                        "boxes with "
                        "the same parent may touch but not overlap)"
                    )

    def _densities(self) -> None:
        species = sorted({get_nucleus(e).symbol for m in self.materials.values() for e in m.composition})
        self.species = tuple(species)
        nd = np.zeros((len(self.box_names), len(species)))
        for k, mname in enumerate(self.materials_of):
            for element, w in self.materials[mname].composition.items():
                nuc = get_nucleus(element)
                m_atom_g = (nuc.mass_GeV + nuc.Z * _ELECTRON_MASS_GEV) * GRAM_PER_GEV
                nd[k, species.index(nuc.symbol)] += self.density[k] * w / m_atom_g
        self.box_number_densities = nd

    def _fiducial(self, fiducial, scale: float, tol: float) -> None:
        if not fiducial:
            raise NuportalInputError(f"geometry {self.label}: no fiducial boxes")
        names, lo, hi = [], [], []
        root = int(np.flatnonzero(self.parent < 0)[0])
        for k, f in enumerate(fiducial):
            if not isinstance(f, dict) or not {"name", "center", "size"} <= set(f):
                raise NuportalInputError(
                    f"geometry {self.label}: fiducial box {k} needs name, center and size"
                )
            c = _vec3(f["center"], f"fiducial {f['name']!r} center", self.label)
            s = _vec3(f["size"], f"fiducial {f['name']!r} size", self.label)
            if np.any(s <= 0.0):
                raise NuportalInputError(
                    f"geometry {self.label}: fiducial box {f['name']!r} size {tuple(s)}: every "
                    "side must be > 0"
                )
            a, b = (c - s / 2) * scale, (c + s / 2) * scale
            if not _inside(a, b, self.lo[root], self.hi[root], tol):
                raise NuportalInputError(
                    f"geometry {self.label}: fiducial box {f['name']!r} (centre {tuple(c)}) lies outside "
                    "every "
                    f"material box (root {self.box_names[root]!r} spans {tuple(self.lo[root] / scale)} to "
                    f"{tuple(self.hi[root] / scale)})"
                )
            names.append(str(f["name"]))
            lo.append(a)
            hi.append(b)
        self.fiducial_names, self.fid_lo, self.fid_hi = tuple(names), np.array(lo), np.array(hi)

    # ---------------------------------------------------------------------------------------- queries
    @classmethod
    def from_yaml(cls, path) -> BoxGeometry:
        """Read and validate a geometry file."""
        label = str(path)
        try:
            text = Path(path).read_text() if isinstance(path, str | Path) else path.read_text()
            raw = _yaml.safe_load(text)
        except OSError as exc:
            raise NuportalInputError(f"cannot read geometry file {label}: {exc.strerror}") from None
        except yaml.YAMLError as exc:
            raise NuportalInputError(f"geometry file {label} is not valid YAML: {exc}") from None
        if not isinstance(raw, dict):
            raise NuportalInputError(f"geometry file {label} must hold a mapping")
        allowed = {
            "name",
            "description",
            "length_unit",
            "density_unit",
            "rule",
            "materials",
            "boxes",
            "fiducial",
        }
        unknown = set(raw) - allowed
        if unknown:
            raise NuportalInputError(
                f"geometry file {label}: unknown keys {sorted(unknown)}; allowed {sorted(allowed)}"
            )
        if raw.get("density_unit", "g/cm3") != "g/cm3":
            raise NuportalInputError(f"geometry file {label}: density_unit must be g/cm3")
        return cls(
            str(raw.get("name", Path(label).stem)),
            raw.get("materials") or {},
            raw.get("boxes") or [],
            raw.get("fiducial") or [],
            str(raw.get("length_unit", "m")),
            label,
            str(raw.get("description", "")),
        )

    def with_material_density(self, material: str, density: float) -> BoxGeometry:
        """A copy in which every box of ``material`` has mass density ``density`` (g/cm^3).

        For reproducing other authors' runs (reference 003's TPC gas at 1.855 g/cm^3); number densities
        are recomputed, the nesting is unchanged.
        """
        import copy

        if material not in self.materials:
            raise NuportalInputError(
                f"geometry {self.label}: no material {material!r} to override; defined: "
                f"{', '.join(sorted(self.materials))}"
            )
        if not np.isfinite(density) or not 0.0 < density <= 30.0:
            raise NuportalInputError(
                f"density override of {material} = {density:g} g/cm^3 is outside the allowed range (0, 30]"
            )
        new = copy.copy(self)
        new.density = np.where(np.array(self.materials_of) == material, float(density), self.density)
        new.label = f"{self.label} ({material} at {density:g} g/cm^3)"
        new._densities()
        return new

    @property
    def root(self) -> int:
        """Index of the root box."""
        return int(np.flatnonzero(self.parent < 0)[0])

    @property
    def n_boxes(self) -> int:
        return len(self.box_names)

    def locate(self, x_cm) -> np.ndarray:
        """Index of the deepest box containing each point (N,), -1 outside the root."""
        x = np.atleast_2d(np.asarray(x_cm, float))
        out = np.full(x.shape[0], -1, int)
        for start in range(0, x.shape[0], 20_000):
            xs = x[start : start + 20_000, None, :]
            inside = np.all((xs >= self.lo[None]) & (xs <= self.hi[None]), axis=2)
            score = np.where(inside, self.depth[None, :], -1)
            k = np.argmax(score, axis=1)
            out[start : start + xs.shape[0]] = np.where(score[np.arange(k.size), k] >= 0, k, -1)
        return out

    def number_densities(self, x_cm) -> np.ndarray:
        """(S, N) nuclei per cm^3 at points (0 outside)."""
        k = self.locate(x_cm)
        return np.where(k[None, :] >= 0, self.box_number_densities[np.maximum(k, 0)].T, 0.0)

    def mass_density(self, x_cm) -> np.ndarray:
        """(N,) g/cm^3 at points (0 outside)."""
        k = self.locate(x_cm)
        return np.where(k >= 0, self.density[np.maximum(k, 0)], 0.0)

    def contains(self, x_cm) -> np.ndarray:
        return self.locate(x_cm) >= 0

    def box_masses_g(self) -> np.ndarray:
        """Mass of the material of each box excluding its children (g)."""
        vol = np.prod(self.hi - self.lo, axis=1)
        own = vol.copy()
        for k, p in enumerate(self.parent):
            if p >= 0:
                own[p] -= vol[k]
        return own * self.density

    def ray_intervals(self, origin_cm, direction, lo=None, hi=None):
        """Entry and exit parameters (t_in, t_out) (N, B) of rays x = origin + t direction in each box.

        Slab method, one axis at a time on (N, B) arrays; t_out < t_in where a ray misses a box.  A
        zero direction component is replaced by 1e-300 (the ray is then inside the slab or misses it,
        as it should).  ``lo``/``hi`` default to the material boxes (``fid_lo``/``fid_hi`` for the
        fiducial boxes).
        """
        lo = self.lo if lo is None else lo
        hi = self.hi if hi is None else hi
        o = np.asarray(origin_cm, float)
        d = np.asarray(direction, float)
        d = np.where(d == 0.0, 1e-300, d)
        inv = 1.0 / d
        t_in = t_out = None
        for a in range(3):
            t1 = (lo[None, :, a] - o[:, a, None]) * inv[:, a, None]
            t2 = (hi[None, :, a] - o[:, a, None]) * inv[:, a, None]
            near, far = np.minimum(t1, t2), np.maximum(t1, t2)
            if t_in is None:
                t_in, t_out = near, far
            else:
                np.maximum(t_in, near, out=t_in)
                np.minimum(t_out, far, out=t_out)
        return t_in, t_out


def _geometry_dir():
    return files("nuportal").joinpath("data/geometry")


def available_geometries() -> list[str]:
    """Names of the shipped geometry files."""
    return sorted(p.name[:-5] for p in _geometry_dir().iterdir() if p.name.endswith(".yaml"))


def load_geometry(name_or_path: str | Path) -> BoxGeometry:
    """A shipped geometry ("nd280", "nd280-upgrade") or a YAML file path."""
    s = str(name_or_path)
    if s.endswith((".yaml", ".yml")) or Path(s).exists():
        return BoxGeometry.from_yaml(Path(s))
    if s not in available_geometries():
        raise NuportalInputError(
            f"unknown geometry {s!r}; shipped: {', '.join(available_geometries())} (or give a .yaml path)"
        )
    return BoxGeometry.from_yaml(_geometry_dir().joinpath(f"{s}.yaml"))
