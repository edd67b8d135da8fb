"""Convert SIREN's ND280 / ND280-upgrade box geometries to nuportal's YAML (dev-time; reads ../shared).

Inputs (SIREN 0.1.0, ``resources/detectors/ND280/ND280-v1`` and ``ND280UPGRD/ND280UPGRD-v1``,
LGPL-3.0, author Ming-Shau Liu): ``nd280_densities.dat``, ``nd280_materials.dat``,
``nd280upgrade_densities.dat``, ``nd280upgrade_materials.dat``.  Only the numbers are taken; the
output format, the nesting and every edit below are ours.  Outputs::

    src/nuportal/data/geometry/nd280.yaml
    src/nuportal/data/geometry/nd280-upgrade.yaml

SIREN resolves overlapping boxes by "the later box wins"; nuportal's loader enforces a strict
nesting rule instead (one root; a child inside its parent; siblings disjoint; the deepest box
containing a point gives its material).  This script

1. parses the SIREN files (checks that every rotation is 0 and every density model constant),
2. lists every pair of SIREN boxes that overlaps without one containing the other, and every
   containment in which the inner box comes first (SIREN would hide it),
3. applies the smallest geometric edits that make the boxes nest (each edit is logged),
4. builds the ND280-upgrade detector from the edited pre-upgrade one (P0D replaced by the
   SuperFGD, two High-Angle TPCs and six ToF planes, ND280-upgrade TDR arXiv:1901.04346),
5. assigns parents (smallest containing box), checks the nesting rule on the YAML as written
   (all box pairs: disjoint, or one an ancestor of the other, tolerance 1e-9 m),
6. compares, on the exact rectilinear cell decomposition of all box faces, the material map with
   SIREN's "later box wins" map, and prints masses (per material within +-5 m of the detector
   centre, per TPC gas volume, SuperFGD).

Usage::

    python scripts/convert_nd280_geometry.py [/work/shared/data/t2k-nd280/geometry-siren]
"""

from __future__ import annotations

import copy
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import yaml

SRC_DEFAULT = Path("/work/shared/data/t2k-nd280/geometry-siren")
OUT = Path(__file__).resolve().parents[1] / "src/nuportal/data/geometry"
TOL = 1e-9  # m, containment / touching tolerance of the nesting rule
SNAP = 1e-4  # m, gaps or overlaps below this between stacked P0D layers are rounding, snapped to 0
REGION = 5.0  # m, half-size of the cube around the detector centre used for the mass summary

SYMBOL = {1: "H", 6: "C", 7: "N", 8: "O", 9: "F", 13: "Al", 14: "Si", 17: "Cl", 18: "Ar", 22: "Ti",
          24: "Cr", 26: "Fe", 29: "Cu", 30: "Zn", 82: "Pb"}

# Short notes for the materials (our words; SIREN's comments in brackets where they help).
MATERIAL_NOTE = {
    "ROCK": "SiO2 (SIREN: ROCK)",
    "AIR": "N2/O2 78/22 by volume",
    "IRON": "natural iron (UA1 return yoke)",
    "ALUM": "aluminium (UA1 coil)",
    "LEAD": "P0D ECal radiator: Pb with Fe/Cr (steel cladding), as given by SIREN",
    "WATER": "H2O (P0D water bags)",
    "BRASS": "Cu/Zn (P0D brass sheets)",
    "SCINT": "polystyrene scintillator with TiO2 coating and Si (SIREN: SCINT)",
    "H2OSCINT": "FGD2 scintillator + water modules, averaged",
    "FGDbox": "FGD dark box, epoxy fibreglass C21H25ClO5",
    "old_TPC_padding": "TPC walls, mostly Rohacell PMI C4H7NO (G10/Cu cladding not included)",
    "GAS": "TPC gas Ar/CF4/iC4H10 95/3/2 (SIREN's mass fractions, see header)",
    "TPC_padding": "HA-TPC field-cage walls, aramid (PPTA) with Cu",
    "sFGD_box": "SuperFGD box (SIREN: sFGD_box)",
    "sFGD_cubes": "SuperFGD polystyrene cubes (SIREN: sFGD_cubes)",
    "TOF_scint": "EJ-200 polyvinyltoluene scintillator",
}


# --------------------------------------------------------------------------------------------------
# Boxes
# --------------------------------------------------------------------------------------------------
@dataclass
class Box:
    name: str
    center: list[float]
    size: list[float]
    material: str
    density: float
    parent: str | None = None

    @property
    def lo(self) -> np.ndarray:
        return np.array(self.center) - 0.5 * np.array(self.size)

    @property
    def hi(self) -> np.ndarray:
        return np.array(self.center) + 0.5 * np.array(self.size)

    @property
    def volume(self) -> float:
        return float(np.prod(self.size))

    def set_z_range(self, z0: float, z1: float) -> None:
        self.center[2] = _r(0.5 * (z0 + z1))
        self.size[2] = _r(z1 - z0)

    def set_range(self, axis: int, a: float, b: float) -> None:
        self.center[axis] = _r(0.5 * (a + b))
        self.size[axis] = _r(b - a)


def _r(v: float) -> float:
    """Round to 1e-12 m (far below the 1e-9 tolerance) so the YAML shows clean decimals."""
    v = round(float(v), 12)
    return 0.0 if v == 0 else v


def inside(a: Box, b: Box, tol: float = TOL) -> bool:
    """a lies inside b (faces may touch)."""
    return bool(np.all(a.lo >= b.lo - tol) and np.all(a.hi <= b.hi + tol))


def overlap_extent(a: Box, b: Box) -> np.ndarray:
    return np.minimum(a.hi, b.hi) - np.maximum(a.lo, b.lo)


def overlapping(a: Box, b: Box, tol: float = TOL) -> bool:
    """Overlap in volume (touching faces, or overlaps thinner than tol, do not count)."""
    return bool(np.all(overlap_extent(a, b) > tol))


def overlap_volume(a: Box, b: Box) -> float:
    return float(np.prod(np.clip(overlap_extent(a, b), 0, None)))


# --------------------------------------------------------------------------------------------------
# SIREN parsers
# --------------------------------------------------------------------------------------------------
def parse_densities(path: Path) -> tuple[list[Box], list[Box], list[float], list[str]]:
    boxes, fiducials, detector, notes = [], [], [0.0, 0.0, 0.0], []
    for raw in path.read_text().splitlines():
        line = raw.split("#", 1)[0].split()
        if not line:
            continue
        if line[0] == "detector":
            detector = [float(v) for v in line[1:4]]
            continue
        if line[:2] == ["fiducial", "box"]:
            c, rot, s = line[2:5], line[5:8], line[8:11]
            if any(float(v) != 0 for v in rot):
                raise ValueError(f"rotated fiducial box in {path.name}: {raw}")
            fiducials.append(Box("siren_fiducial", [float(v) for v in c], [float(v) for v in s], "", 0.0))
            continue
        if line[:2] != ["object", "box"]:
            raise ValueError(f"unexpected line in {path.name}: {raw}")
        c, rot, s = line[2:5], line[5:8], line[8:11]
        name, mat, model, dens = line[11], line[12], line[13], float(line[14])
        if any(float(v) != 0 for v in rot):
            raise ValueError(f"rotated box {name} in {path.name}")
        if model != "constant":
            raise ValueError(f"density model {model} of {name} in {path.name}")
        boxes.append(Box(name, [float(v) for v in c], [float(v) for v in s], mat, dens))
    names = [b.name for b in boxes]
    if len(set(names)) != len(names):
        raise ValueError(f"duplicate box names in {path.name}")
    notes.append(f"{path.name}: {len(boxes)} boxes, all rotations 0, all density models 'constant'")
    return boxes, fiducials, detector, notes


def parse_materials(path: Path) -> tuple[dict[str, dict[str, float]], list[str]]:
    """Element mass fractions per material: isotopes (PDG 10LZZZAAAI codes) summed per element."""
    mats: dict[str, dict[str, float]] = {}
    declared: dict[str, int | None] = {}
    count: dict[str, int] = {}
    notes: list[str] = []
    current = None
    for raw in path.read_text().splitlines():
        line = raw.split("#", 1)[0].split()
        if not line:
            continue
        if line[0].isdigit() and len(line[0]) == 10:
            code = int(line[0])
            z, a = (code // 10000) % 1000, (code // 10) % 1000
            if a == 0 or z not in SYMBOL:
                raise ValueError(f"unknown nucleus {code} in {path.name}")
            el = SYMBOL[z]
            mats[current][el] = mats[current].get(el, 0.0) + float(line[1])
            count[current] += 1
        else:
            current = line[0]
            mats[current] = {}
            count[current] = 0
            declared[current] = int(line[1]) if len(line) > 1 else None
    for m in mats:
        if declared[m] is None:
            notes.append(f"{path.name}: material {m} has no component count on its header line "
                         f"(read {count[m]} components)")
        elif declared[m] != count[m]:
            raise ValueError(f"{path.name}: {m} declares {declared[m]} components, has {count[m]}")
        total = sum(mats[m].values())
        if abs(total - 1) > 1e-6:
            raise ValueError(f"{path.name}: {m} mass fractions sum to {total}")
        mats[m] = {el: round(f, 10) for el, f in mats[m].items()}
    return mats, notes


# --------------------------------------------------------------------------------------------------
# Overlap analysis of the raw SIREN list
# --------------------------------------------------------------------------------------------------
def raw_report(boxes: list[Box]) -> list[str]:
    out = []
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:  # b comes later in SIREN and wins where both are
            if not overlapping(a, b):
                continue
            if inside(b, a):
                continue  # ordinary nesting: the later inner box is visible
            if inside(a, b):
                out.append(f"hidden: {a.name} lies inside the later {b.name} (SIREN never shows it)")
                continue
            ext = np.round(overlap_extent(a, b), 6).tolist()
            out.append(f"partial overlap: {a.name} / {b.name} (later wins), overlap extent {ext} m, "
                       f"volume {overlap_volume(a, b):.4g} m^3")
    return out


# --------------------------------------------------------------------------------------------------
# Nesting: parents, ordering, checker
# --------------------------------------------------------------------------------------------------
def assign_parents(boxes: list[Box]) -> list[Box]:
    """Parent = the smallest other box containing it; order parents before children (stable)."""
    for b in boxes:
        cands = [p for p in boxes if p is not b and inside(b, p) and p.volume > b.volume * (1 + 1e-12)]
        b.parent = min(cands, key=lambda p: p.volume).name if cands else None
    roots = [b for b in boxes if b.parent is None]
    if len(roots) != 1:
        raise ValueError(f"expected one root, got {[b.name for b in roots]}")
    children: dict[str | None, list[Box]] = {}
    for b in boxes:
        children.setdefault(b.parent, []).append(b)
    ordered: list[Box] = []

    def walk(b: Box) -> None:
        ordered.append(b)
        for c in children.get(b.name, []):
            walk(c)

    walk(roots[0])
    return ordered


def check_nesting(boxes: list[Box]) -> list[str]:
    """Enforce the nuportal rule; returns a list of violations (empty = OK)."""
    err: list[str] = []
    seen: dict[str, Box] = {}
    roots = [b for b in boxes if b.parent is None]
    if len(roots) != 1:
        err.append(f"{len(roots)} roots")
    for b in boxes:
        if b.name in seen:
            err.append(f"duplicate name {b.name}")
        if min(b.size) <= 0 or b.density <= 0:
            err.append(f"{b.name}: non-positive size or density")
        if b.parent is not None:
            if b.parent not in seen:
                err.append(f"{b.name}: parent {b.parent} not named earlier")
            elif not inside(b, seen[b.parent]):
                err.append(f"{b.name} not inside its parent {b.parent}")
        seen[b.name] = b
    anc: dict[str, set[str]] = {}
    for b in boxes:
        anc[b.name] = set() if b.parent is None else anc.get(b.parent, set()) | {b.parent}
    for i, a in enumerate(boxes):  # every pair: disjoint, or one is an ancestor of the other
        for b in boxes[i + 1:]:
            if not overlapping(a, b):
                continue
            if a.name in anc[b.name]:
                if not inside(b, a):
                    err.append(f"{b.name} pokes out of its ancestor {a.name}")
            elif b.name in anc[a.name]:
                if not inside(a, b):
                    err.append(f"{a.name} pokes out of its ancestor {b.name}")
            else:
                err.append(f"overlap between non-nested {a.name} and {b.name}: "
                           f"{overlap_volume(a, b):.4g} m^3")
    return err


# --------------------------------------------------------------------------------------------------
# Material maps on the exact cell decomposition
# --------------------------------------------------------------------------------------------------
def cell_grid(box_sets: list[list[Box]], region: float):
    edges = []
    for ax in range(3):
        v = {-region, region}
        for boxes in box_sets:
            for b in boxes:
                for e in (b.lo[ax], b.hi[ax]):
                    if -region < e < region:
                        v.add(round(float(e), 10))
        edges.append(np.array(sorted(v)))
    mids = [0.5 * (e[1:] + e[:-1]) for e in edges]
    widths = [np.diff(e) for e in edges]
    return mids, widths


def material_map(boxes: list[Box], mids, materials: list[str]):
    """Later box wins (SIREN); for a nested list (parents first) this is also the deepest box."""
    shape = tuple(len(m) for m in mids)
    mat = np.full(shape, -1, dtype=np.int16)
    rho = np.zeros(shape)
    for b in boxes:
        sel = [(m > lo) & (m < hi) for m, lo, hi in zip(mids, b.lo, b.hi, strict=True)]
        if not all(s.any() for s in sel):
            continue
        ix = np.ix_(*sel)
        mat[ix] = materials.index(b.material)
        rho[ix] = b.density
    return mat, rho


def mass_by_material(boxes: list[Box], region: float = REGION) -> dict[str, float]:
    """Exact mass [kg] per material inside the cube |x|,|y|,|z| < region (nested list)."""
    mats = sorted({b.material for b in boxes})
    mids, widths = cell_grid([boxes], region)
    mat, rho = material_map(boxes, mids, mats)
    dv = widths[0][:, None, None] * widths[1][None, :, None] * widths[2][None, None, :]
    return {m: float((rho * dv)[mat == i].sum()) * 1e3 for i, m in enumerate(mats)}


def compare_maps(ours: list[Box], siren: list[Box], region: float = REGION) -> dict:
    """Both lists read with "later box wins" (for a nested list, parents first, = deepest box)."""
    mats = sorted({b.material for b in ours} | {b.material for b in siren})
    mids, widths = cell_grid([ours, siren], region)
    m1, r1 = material_map(ours, mids, mats)
    m0, r0 = material_map(siren, mids, mats)
    dv = widths[0][:, None, None] * widths[1][None, :, None] * widths[2][None, None, :]
    changed = (m1 != m0) | (np.abs(r1 - r0) > 1e-12)
    per_mat = {}
    for i, m in enumerate(mats):
        per_mat[m] = ((r1 * dv)[m1 == i].sum() * 1e3, (r0 * dv)[m0 == i].sum() * 1e3)
    return {"changed_volume_m3": float(dv[changed].sum()),
            "changed_mass_kg": float((np.abs(r1 - r0) * dv)[changed].sum() * 1e3),
            "per_material_kg": per_mat}


def own_mass(boxes: list[Box], name: str) -> float:
    """Mass [kg] of the material of box `name` itself (its volume minus its children's)."""
    b = next(x for x in boxes if x.name == name)
    v = b.volume - sum(c.volume for c in boxes if c.parent == name)
    return v * b.density * 1e3


# --------------------------------------------------------------------------------------------------
# Pre-upgrade ND280
# --------------------------------------------------------------------------------------------------
RENAME = {"surr_earth": "rock",
          "old_TPC_shell": "TPC1_shell", "new_TPC_gas": "TPC1_gas",
          "old_TPC_shell_2": "TPC2_shell", "new_TPC_gas_2": "TPC2_gas",
          "old_TPC_shell_3": "TPC3_shell", "new_TPC_gas_3": "TPC3_gas",
          "FGDXYBox": "FGD1_box", "FGDXYScint": "FGD1_scint",
          "FGDWaterBox": "FGD2_box", "FGDWaterScint": "FGD2_scint"}

P0D_LAYER_PREFIXES = ("lead_plate", "pod", "water_bag", "brass_plate")

# Pre-upgrade TPC gas fiducial volumes used by reference 003 (SOURCES.md).
TPC_FIDUCIAL = [("TPC1", [0.0, 0.0, -0.375]), ("TPC2", [0.0, 0.0, 0.99]), ("TPC3", [0.0, 0.0, 2.355])]
TPC_FIDUCIAL_SIZE = [1.70, 1.96, 0.563]


def build_nd280(raw: list[Box]) -> tuple[list[Box], list[str], list[list[Box]]]:
    boxes = [copy.deepcopy(b) for b in raw]
    for b in boxes:
        b.name = RENAME.get(b.name, b.name)
    by = {b.name: b for b in boxes}
    edits: list[str] = []
    snaps: list[list[Box]] = [copy.deepcopy(boxes)]

    def log(text: str) -> None:  # record the edit and the box list after it (SIREN order)
        edits.append(text)
        snaps.append(copy.deepcopy(boxes))

    # E1: rock encloses the hall.
    rock, hall = by["rock"], by["det_hall"]
    z0, z1 = rock.lo[2], rock.hi[2]
    rock.set_z_range(z0, hall.hi[2])
    log(f"rock (SIREN surr_earth, 24x24x300 m centred at z=-142: z {z0:g}..{z1:g} m) extended "
        f"downstream to the hall's downstream face z=+{hall.hi[2]:g} m (now z {z0:g}..{hall.hi[2]:g}, "
        f"centre {rock.center[2]:g}, length {rock.size[2]:g}) so that it encloses the 19x19x37 m hall "
        f"(SIREN let the later hall win). Only the rock beside the hall at z +8..+18.5 m (|x| or |y| "
        f"in 9.5..12 m) changes, from nothing to rock: downstream of the detector, irrelevant for "
        f"forward HNLs")

    # E2: UA1 magnet nesting is already consistent: check and record.
    chain = ["UA1_yoke", "UA1_chamber_1", "UA1_coil", "UA1_chamber_2"]
    for outer, inner in zip(chain, chain[1:], strict=False):
        if not inside(by[inner], by[outer]):
            raise ValueError(f"{inner} not inside {outer}")
    log("UA1 magnet (checked, unchanged): yoke (IRON 5.6x6.1x7.6) > chamber_1 (AIR 3.5x4.0x7.6, "
                 "open yoke ends) > coil (ALUM 3.5x4.0x7.4) > chamber_2 (AIR 3.5x3.6x7.0) each contain "
                 "the next (faces touch), so the SIREN order maps onto the nesting unchanged")

    # E3: the P0D stack - snap the 1e-5 m rounding of the layer centres so the layers abut.
    layers = [b for b in boxes if b.name.startswith(P0D_LAYER_PREFIXES)]
    layers.sort(key=lambda b: -b.center[2])  # downstream (z=-0.875) to upstream
    shifts = []
    for prev, cur in zip(layers, layers[1:], strict=False):
        gap = prev.lo[2] - cur.hi[2]  # > 0 gap, < 0 overlap
        if gap != 0 and abs(gap) < SNAP:
            new = _r(prev.lo[2] - 0.5 * cur.size[2])
            shifts.append((cur.name, cur.center[2], new))
            cur.center[2] = new
    moved = [s for s in shifts if abs(s[2] - s[1]) > TOL]
    if moved:
        log("P0D layers: " + ", ".join(f"{n} z {a:.6f} -> {b:.7f}" for n, a, b in moved)
            + f" (SIREN rounds these upstream-ECal centres to 1e-5 m, so each of these 3.875 cm "
            f"scintillator layers sat 5e-6 m too far upstream: a 5e-6 m gap to the lead plate "
            f"downstream of it and a 5e-6 m overlap with the one upstream; re-centred so the layers "
            f"abut, shift <= {max(abs(b - a) for _, a, b in moved):.1e} m)")
    p0d = Box("P0D", [0.0, 0.0, 0.0], [0.0, 0.0, 0.0], "AIR", by["UA1_chamber_2"].density)
    for ax in range(3):
        p0d.set_range(ax, min(b.lo[ax] for b in layers), max(b.hi[ax] for b in layers))
    gaps = sum(1 for a, b in zip(layers, layers[1:], strict=False) if abs(a.lo[2] - b.hi[2]) > TOL)
    boxes.insert(min(boxes.index(b) for b in layers), p0d)
    log(f"P0D: added an AIR envelope box 'P0D' ({p0d.size[0]:g} x {p0d.size[1]:g} x "
        f"{p0d.size[2]:.6g} m, z {p0d.lo[2]:.6f}..{p0d.hi[2]:.6f}) holding its {len(layers)} layers "
        f"(7 ECal + 25 water-target + 7 ECal sandwiches); the layers tile it with {gaps} gaps, so "
        f"no material changes (same air as the magnet chamber around it)")

    # E5: P0D ECal side modules overlap the top/bottom ones -> trim the sides in y.
    top = by["PODCAL_TOP"]
    for s in ("PODCAL_SIDE1", "PODCAL_SIDE2"):
        b = by[s]
        y0, y1 = b.lo[1], b.hi[1]
        b.set_range(1, by["PODCAL_BOT"].hi[1], top.lo[1])
    log(f"PODCAL_SIDE1/SIDE2 (P0D ECal side modules): y {y0:g}..{y1:g} trimmed to {b.lo[1]:g}.."
        f"{b.hi[1]:g} (height {y1 - y0:g} -> {b.size[1]:g} m): each overlapped PODCAL_TOP and "
        f"PODCAL_BOT in |x| 1.4225..1.55, |y| 1.4225..1.449 over their full length (SIREN let the "
        f"side win; same SCINT 2.5 g/cm3 on both). Only the side's corner beyond the top/bottom "
        f"modules (|x| 1.55..1.5775, |y| 1.4225..1.449) becomes air; trimming TOP/BOT in x instead "
        f"would turn their |x| 1.4225..1.55, |y| 1.449..1.5775 strips (8x larger) into air")

    # E6: P0D ECal modules overlap the barrel ECal at z -1.025..-0.98 -> trim the P0D ECal.
    barrel = ("ECAL_Side_1", "ECAL_Side_2", "ECAL_Top", "ECAL_Bottom")
    pecal = ("PODCAL_TOP", "PODCAL_BOT", "PODCAL_SIDE1", "PODCAL_SIDE2")
    zb = min(by[n].lo[2] for n in barrel)
    dz = max(by[n].hi[2] for n in pecal) - zb
    v_pecal = sum(by[n].size[0] * by[n].size[1] * dz for n in pecal)
    v_barrel = sum(by[n].size[0] * by[n].size[1] * dz for n in barrel)
    for n in pecal:
        b = by[n]
        z0, z1 = b.lo[2], b.hi[2]
        if z1 > zb + TOL:
            b.set_z_range(z0, zb)
    log(f"PODCAL_TOP/BOT/SIDE1/SIDE2: downstream end z -0.98 trimmed to {zb:g} (length 2.45 -> "
        f"{by['PODCAL_TOP'].size[2]:g} m, centre -2.205 -> {by['PODCAL_TOP'].center[2]:g}): the "
        f"4.5 cm overlap with the barrel ECal modules (which start at z={zb:g}) is given to the "
        f"barrel ECal. Trimming the P0D ECal removes {v_pecal:.3f} m^3, trimming the barrel "
        f"ECal would remove {v_barrel:.3f} m^3; both are SCINT (density 2.5 vs 2.09/2.5), so "
        f"the overlap keeps its material (SIREN gave it to the later P0D ECal, density 2.5)")

    nested = assign_parents(boxes)
    return nested, edits, snaps


# --------------------------------------------------------------------------------------------------
# ND280 upgrade
# --------------------------------------------------------------------------------------------------
# Frame: the upgrade positions are taken from the ND280-upgrade simulation of the T2K upgrade group
# (github.com/t2k-nd280-upgrade/t2k-nd280-upgrade, config/04242020.xml, April 2020: SuperFGD
# 192x56x184 cubes of 1 cm at z=-1707 mm, HA-TPCs at y=+-725 mm, ToF planes at z=-2800/-723 mm,
# y=+1245/-1265, x=+-1270 mm, forward TPC1 at z=-211 mm) and shifted by -0.164 m so that TPC1
# coincides with SIREN's TPC1 (z=-0.375 m).  Outer sizes of the HA-TPCs from the TDR (2.0 x 0.8 x 1.8 m).
Z_SHIFT = -0.375 - (-0.211)
Z_SFGD = round(-1.707 + Z_SHIFT, 6)  # -1.871
SFGD_CUBES = [1.92, 0.56, 1.84]  # x, y (vertical), z (beam): 192 x 56 x 184 cubes of 1 cm (TDR)
SFGD_WALL = [0.049, 0.040, 0.049]  # box wall per side: SIREN's sFGD_box - sFGD_cubes half-differences
HATPC_OUTER = [2.0, 0.8, 1.8]  # TDR: overall x * y * z of each HA-TPC
HATPC_GAS = [1.90, 0.72, 1.72]  # ours: 5 cm endplates (x), 4 cm field-cage walls (y, z)
HATPC_FID = [1.70, 0.70, 1.70]  # ours: the simulation's drift volume (1700 x 700 x 1700 mm)
HATPC_Y = 0.725
TOF_T = 0.01  # ToF planes: one layer of 1 cm thick bars
TOF_UP_Z = round(-2.800 + Z_SHIFT, 6)  # -2.964
TOF_DN_Z = round(-0.723 + Z_SHIFT, 6)  # -0.887
TOF_TB_Y = 1.245
TOF_SIDE_X = 1.255  # simulation: 1.270; moved 1.5 cm in to clear the barrel ECal side modules (x>=1.269)
TOF_XY = [2.30, 2.40]  # plane extent: 20 bars of 12 cm (2.4 m), bar length 2.3 m
GAS_DENSITY = 0.001855


def build_upgrade(nd280: list[Box], raw_up: list[Box]) -> tuple[list[Box], list[str], list[Box]]:
    edits: list[str] = []
    keep = [copy.deepcopy(b) for b in nd280 if b.name != "P0D" and b.parent != "P0D"]
    n_p0d = sum(1 for b in nd280 if b.name == "P0D" or b.parent == "P0D")
    edits.append(f"P0D removed ({n_p0d} boxes: the envelope 'P0D' and its layers); the TDR "
                 f"replaces the whole P0D ('the upstream part of ND280') by the new detectors, which fill "
                 f"its length (z {TOF_UP_Z - TOF_T / 2:g}..{TOF_DN_Z + TOF_T / 2:g} here vs P0D "
                 f"-3.181..-0.875), so no P0D part can stay")
    edits.append("kept from the pre-upgrade geometry (as edited there): rock, hall, UA1 magnet, barrel and "
                 "downstream ECal, TPC1-3, FGD1-2, and the P0D ECal (our choice, absent from SIREN's "
                 "upgrade file: it is mounted on the magnet outside the basket and is not part of the P0D "
                 "that the upgrade removes). "
                 "The ECal did not change in the upgrade, so the SIREN upgrade file's own ECal boxes "
                 "(e.g. ECAL_Side 0.5x2.36x3.84 m at density 1.05 instead of 0.462x2.5x4.14 m at 2.09, "
                 "which carries the module mass) are not used, nor its ECAL_Upstream (z -3.75..-3.25: it "
                 "pokes out of the magnet chamber into the coil; the only upstream ECal was the P0D's)")
    for b in keep:
        if b.material == "GAS":
            b.density = GAS_DENSITY
    up = {b.name: b for b in raw_up}
    bad = sorted(n for n, b in up.items() if b.material == "GAS" and b.density != GAS_DENSITY)
    edits.append(f"TPC gas density {up['new_TPC_gas'].density:g} g/cm^3 in the SIREN upgrade file "
                 f"({', '.join(bad)}) -> {GAS_DENSITY:g} (argon-based gas at ~1 atm, as in the pre-upgrade "
                 f"file); applies to the 3 old TPCs and the 2 HA-TPCs")

    c = [0.0, 0.0, Z_SFGD]
    box = Box("SuperFGD_box", c[:], [_r(s + 2 * w) for s, w in zip(SFGD_CUBES, SFGD_WALL, strict=True)],
              "sFGD_box", up["sFGD_box"].density)
    cubes = Box("SuperFGD", c[:], SFGD_CUBES[:], "sFGD_cubes", up["sFGD_cubes"].density)
    new = [box, cubes]
    for tag, sign in (("top", 1), ("bottom", -1)):
        cc = [0.0, _r(sign * HATPC_Y), Z_SFGD]
        new.append(Box(f"HATPC_{tag}_shell", cc[:], HATPC_OUTER[:], "TPC_padding",
                       up["new_TPC_shell_top"].density))
        new.append(Box(f"HATPC_{tag}_gas", cc[:], HATPC_GAS[:], "GAS", GAS_DENSITY))
    tof_z0, tof_z1 = _r(TOF_UP_Z + TOF_T / 2), _r(TOF_DN_Z - TOF_T / 2)
    tof_len, tof_zc = _r(tof_z1 - tof_z0), _r(0.5 * (tof_z0 + tof_z1))
    rho_tof = up["TOF"].density
    new += [
        Box("ToF_upstream", [0.0, 0.0, TOF_UP_Z], [TOF_XY[0], TOF_XY[1], TOF_T], "TOF_scint", rho_tof),
        Box("ToF_downstream", [0.0, 0.0, TOF_DN_Z], [TOF_XY[0], TOF_XY[1], TOF_T], "TOF_scint", rho_tof),
        Box("ToF_top", [0.0, TOF_TB_Y, tof_zc], [TOF_XY[0], TOF_T, tof_len], "TOF_scint", rho_tof),
        Box("ToF_bottom", [0.0, -TOF_TB_Y, tof_zc], [TOF_XY[0], TOF_T, tof_len], "TOF_scint", rho_tof),
        Box("ToF_left", [TOF_SIDE_X, 0.0, tof_zc], [TOF_T, TOF_XY[1], tof_len], "TOF_scint", rho_tof),
        Box("ToF_right", [-TOF_SIDE_X, 0.0, tof_zc], [TOF_T, TOF_XY[1], tof_len], "TOF_scint", rho_tof),
    ]
    edits.append(
        f"new detectors (ND280-upgrade TDR arXiv:1901.04346 sizes; positions from the T2K upgrade "
        f"simulation config 04242020.xml shifted by {Z_SHIFT:+.3f} m in z so its TPC1 matches ours): "
        f"SuperFGD cubes {SFGD_CUBES} m (192x56x184 cubes, y vertical) at z={Z_SFGD:g}, in a "
        f"{box.size} m box (SIREN's wall thicknesses); HA-TPCs {HATPC_OUTER} m outer at y=+-{HATPC_Y:g}, "
        f"z={Z_SFGD:g}, gas {HATPC_GAS} m; six 1 cm ToF planes (up/downstream {TOF_XY} m at z={TOF_UP_Z:g} / "
        f"{TOF_DN_Z:g}; top/bottom at y=+-{TOF_TB_Y:g} and left/right at x=+-{TOF_SIDE_X:g} (simulation: "
        f"1.27, moved in to clear the barrel ECal) spanning z {tof_z0:g}..{tof_z1:g}). SuperFGD mass "
        f"{cubes.volume * cubes.density:.2f} t (cubes at SIREN's 1.05 g/cm3). SIREN's upgrade boxes (all "
        f"centred at z=-2.205, i.e. 0.33 m further upstream, SuperFGD 1.92x0.56x1.92, HA-TPC shell "
        f"1.795x0.795x2 with gas 1.7x0.7x2 open at the z ends, ToF 2.3x2.3 m) are replaced")
    fid = [Box(f"HATPC_{t}", [0.0, _r(s * HATPC_Y), Z_SFGD], HATPC_FID[:], "", 0.0)
           for t, s in (("top", 1), ("bottom", -1))]
    nested = assign_parents(keep + new)
    return nested, edits, fid


# --------------------------------------------------------------------------------------------------
# YAML
# --------------------------------------------------------------------------------------------------
def _num(v: float) -> str:
    """Fixed-point decimal (no exponent: YAML 1.1 readers need a dot in floats), trailing zeros cut."""
    s = f"{_r(v):.12f}".rstrip("0").rstrip(".")
    return "0" if s in ("", "-0") else s


def _vec(v) -> str:
    return "[" + ", ".join(_num(x) for x in v) + "]"


def write_yaml(path: Path, header: list[str], name: str, description: str, materials, boxes, fiducial):
    used = [m for m in dict.fromkeys(b.material for b in boxes)]
    lines = [f"# {h}".rstrip() for h in header]
    lines += [f"name: {name}", "description: >-", *_wrap(description, "  "), "length_unit: m",
              "density_unit: g/cm3", "rule: >-"]
    rule = ("Every box except the single root (parent: null) names as parent a box listed earlier. "
            "A child lies entirely inside its parent (faces may touch, tolerance 1e-9 m); boxes with "
            "the same parent do not overlap in volume (touching faces allowed). The material and "
            "density at a point are those of the deepest box containing it; outside the root there is "
            "no material. Boxes are axis-aligned (no rotations); center and size in metres; density "
            "in g/cm3; composition in element mass fractions (sum 1).")
    lines += _wrap(rule, "  ")
    lines.append("materials:")
    for m in used:
        comp = ", ".join(f"{el}: {_num(f)}" for el, f in materials[m].items())
        lines.append(f"  {m}: {{note: \"{MATERIAL_NOTE[m]}\", composition: {{{comp}}}}}")
    lines.append("boxes:")
    for b in boxes:
        parent = "null" if b.parent is None else b.parent
        lines.append(f"  - {{name: {b.name}, parent: {parent}, center: {_vec(b.center)}, "
                     f"size: {_vec(b.size)}, material: {b.material}, density: {_num(b.density)}}}")
    lines.append("fiducial:")
    for f in fiducial:
        lines.append(f"  - {{name: {f.name}, center: {_vec(f.center)}, size: {_vec(f.size)}}}")
    path.write_text("\n".join(lines) + "\n")


def _wrap(text: str, indent: str, width: int = 100) -> list[str]:
    out, cur = [], indent
    for w in text.split():
        if len(cur) + len(w) + 1 > width and cur.strip():
            out.append(cur.rstrip())
            cur = indent
        cur += w + " "
    out.append(cur.rstrip())
    return out


def load_back(path: Path) -> tuple[list[Box], list[Box], dict]:
    d = yaml.safe_load(path.read_text())
    boxes = [Box(b["name"], list(map(float, b["center"])), list(map(float, b["size"])), b["material"],
                 float(b["density"]), b["parent"]) for b in d["boxes"]]
    fid = [Box(f["name"], list(map(float, f["center"])), list(map(float, f["size"])), "", 0.0)
           for f in d["fiducial"]]
    for m, spec in d["materials"].items():
        tot = sum(spec["composition"].values())
        if abs(tot - 1) > 1e-6:
            raise ValueError(f"{path.name}: {m} sums to {tot}")
    if not {b.material for b in boxes} <= set(d["materials"]):
        raise ValueError(f"{path.name}: a box uses an undefined material")
    return boxes, fid, d


def check_fiducials(boxes: list[Box], fid: list[Box]) -> list[str]:
    out = []
    for f in fid:
        gas = [b for b in boxes if b.material == "GAS" and inside(f, b)]
        if len(gas) != 1:
            out.append(f"fiducial {f.name}: inside {len(gas)} gas boxes")
            continue
        g = gas[0]
        inner = [b.name for b in boxes if b.parent == g.name and overlapping(b, f)]
        if inner:
            out.append(f"fiducial {f.name}: gas {g.name} has children {inner} in it")
        out.append(f"ok: fiducial {f.name} {f.size} at {f.center} lies in {g.name} {g.size}; gas mass "
                   f"in fiducial {f.volume * g.density * 1e3:.3f} kg, whole gas volume "
                   f"{own_mass(boxes, g.name):.3f} kg")
    return out


# --------------------------------------------------------------------------------------------------
def header_common(siren_dir: str, files: str, dates: str) -> list[str]:
    """Header paragraphs (each wrapped) shared by both YAML files."""
    paras = [
        f"Source: SIREN 0.1.0 (github.com/Harvard-Neutrino/SIREN), resources/detectors/{siren_dir} "
        f"({files}), LGPL-3.0; detector and material model files by Ming-Shau Liu ({dates}). Only the "
        "numbers are taken (centres, sizes, densities, element mass fractions); the format, the nesting "
        "and the edits below are nuportal's. Written by scripts/convert_nd280_geometry.py: do not edit "
        "by hand, change the script and re-run it. See README.md in this folder.",
        "Frame: ND280 centre at the origin (SIREN 'detector 0 0 0'); x horizontal, y vertical (up), z "
        "along the beam; the upstream rock starts at z = -292 m (~280 m from the target).",
        "Materials: the isotopes of the SIREN files are mapped to elements and their mass fractions "
        "summed (Fe54/56/57/58 -> Fe, Ti46..50 -> Ti, Si28/29/30 -> Si, Cu63/65 -> Cu, Zn64/66 -> Zn, "
        "Cl35 -> Cl, ...). SIREN materials no box uses are left out.",
        "Kept as in SIREN although imprecise: the hall air density 0.001225 g/cm3 is sea-level air (the "
        "SIREN comment says 0.673 atm, which would give 0.00081); the GAS mass fractions (Ar 0.95, F "
        "0.026, C 0.021, H 0.0034) are not those of Ar/CF4/iC4H10 95/3/2 by volume (Ar 0.909, F 0.055, "
        "C 0.032, H 0.0048); the ECal modules are SCINT (no lead) at densities 2.09-2.5 g/cm3 that carry "
        "their total mass.",
    ]
    out: list[str] = []
    for p in paras:
        w = _wrap(p, "", 98)
        out += [w[0]] + ["  " + x for x in w[1:]]
    return out


def numbered(tag: str, items: list[str]) -> list[str]:
    out = []
    for i, e in enumerate(items):
        w = _wrap(e, "", 93)
        out += [f"  {tag}{i + 1}. {w[0]}"] + [f"      {x}" for x in w[1:]]
    return out


def para(text: str) -> list[str]:
    w = _wrap(text, "", 98)
    return [w[0]] + ["  " + x for x in w[1:]]


def main(src: Path = SRC_DEFAULT) -> int:
    raw, fid0, det, notes = parse_densities(src / "nd280_densities.dat")
    raw_up, fid_up0, det_up, notes_up = parse_densities(src / "nd280upgrade_densities.dat")
    mats, mnotes = parse_materials(src / "nd280_materials.dat")
    mats_up, mnotes_up = parse_materials(src / "nd280upgrade_materials.dat")
    for m in set(mats) & set(mats_up):
        if mats[m] != mats_up[m]:
            raise ValueError(f"material {m} differs between the two SIREN files")
    materials = {**mats, **mats_up}
    print("== SIREN inputs")
    for n in notes + notes_up + mnotes + mnotes_up:
        print("  " + n)
    print(f"  detector centre: {det} / {det_up}; SIREN fiducial boxes: "
          f"{[(f.center, f.size) for f in fid0]} / {[(f.center, f.size) for f in fid_up0]}")
    print("== overlaps in the raw SIREN lists (pre-upgrade)")
    for line in raw_report(raw):
        print("  " + line)
    print("== overlaps in the raw SIREN lists (upgrade)")
    for line in raw_report(raw_up):
        print("  " + line)

    nd, edits, snaps = build_nd280(raw)
    for k in range(len(edits)):  # exact effect of each edit on the material map (whole geometry)
        d = compare_maps(snaps[k + 1], snaps[k], region=400.0)
        dm = sum(a - b for a, b in d["per_material_kg"].values())
        if d["changed_volume_m3"] == 0:
            edits[k] += " [no effect on the material map]"
        else:
            mass = f"{dm / 1e3:+.4g} t" if abs(dm) >= 1e3 else f"{dm:+.3g} kg"
            edits[k] += (f" [effect on the material map: {d['changed_volume_m3']:.3g} m^3 change material "
                         f"or density, net mass {mass}]")
    up, edits_up, fid_hatpc = build_upgrade(nd, raw_up)
    fid_old = [Box(n, c, TPC_FIDUCIAL_SIZE[:], "", 0.0) for n, c in TPC_FIDUCIAL]
    kept = [f"E{i + 1}" for i, e in enumerate(edits) if not e.startswith("P0D")]

    OUT.mkdir(parents=True, exist_ok=True)
    d_nd = compare_maps(nd, raw)
    h_nd = (para("T2K ND280 (pre-upgrade) as nested material boxes, for beam upscattering and HNL "
                 "decays in the TPC gas.")
            + header_common("ND280/ND280-v1", "nd280_densities.dat, nd280_materials.dat",
                            "2024-08-17 / 2024-07-14")
            + ["Edits to SIREN's boxes (SIREN lets the later of two overlapping boxes win; here boxes nest;",
               "  every overlapping pair of SIREN boxes is resolved by one of these):"]
            + numbered("E", edits)
            + para(f"Check: within |x|,|y|,|z| < {REGION:g} m of the centre this map differs from SIREN's "
                   f"'later box wins' map in {d_nd['changed_volume_m3']:.3f} m^3, "
                   f"{d_nd['changed_mass_kg']:.0f} kg (of "
                   f"{sum(v[1] for v in d_nd['per_material_kg'].values()) / 1e3:.0f} t).")
            + para("Names: SIREN surr_earth -> rock, old_TPC_shell[_2,_3] -> TPC1-3_shell, "
                   "new_TPC_gas[_2,_3] -> TPC1-3_gas, FGDXYBox/FGDXYScint -> FGD1_box/FGD1_scint, "
                   "FGDWaterBox/FGDWaterScint -> FGD2_box/FGD2_scint; the others as in SIREN.")
            + para("Fiducial: the three TPC gas fiducial volumes of reference 003 (1.70 x 1.96 x 0.563 m "
                   "at z = -0.375, 0.99, 2.355 m, x = y = 0), each inside its TPC gas box. SIREN's own "
                   "single fiducial box (TPC3 only) is not used."))
    write_yaml(OUT / "nd280.yaml", h_nd, "ND280",
               "T2K near detector ND280 before the upgrade: rock, hall, UA1 magnet, P0D (water, brass and "
               "lead layers), P0D ECal, barrel and downstream ECal, three gas TPCs and two FGDs.",
               materials, nd, fid_old)
    h_up = (para("T2K ND280 after the upgrade: SuperFGD, two High-Angle TPCs and six ToF planes in place "
                 "of the P0D.")
            + header_common("ND280UPGRD/ND280UPGRD-v1 and ND280/ND280-v1",
                            "nd280upgrade_densities.dat, nd280upgrade_materials.dat, nd280_densities.dat",
                            "2023-07-11 / 2024-07-14 / 2024-08-17")
            + para("Upgrade layout: ND280-upgrade TDR, T2K collaboration, arXiv:1901.04346 (SuperFGD of "
                   "192 x 56 x 184 cubes of 1 cm, x * y * z, y vertical, ~2 t; HA-TPCs of about 2.0 x 0.8 x "
                   "1.8 m above and below it; six ToF planes around them); positions from the T2K "
                   "ND280-upgrade Geant4 configuration (github.com/t2k-nd280-upgrade/t2k-nd280-upgrade, "
                   "src/app/EffStudy/config/04242020.xml, GPL-3.0, numbers only). The new boxes are "
                   "approximate at the few-cm level.")
            + para(f"The pre-upgrade part is nd280.yaml with its edits {', '.join(kept)} (rock encloses "
                   "the hall; UA1 nesting; P0D ECal side modules trimmed in y, all P0D ECal modules "
                   "trimmed to end at z = -1.025 m).")
            + ["Edits for the upgrade:"]
            + numbered("U", edits_up)
            + para(f"Fiducial: the three old TPC gas fiducial volumes (as nd280.yaml) and the two HA-TPC "
                   f"gas fiducial volumes {HATPC_FID[0]:.2f} x {HATPC_FID[1]:.2f} x {HATPC_FID[2]:.2f} m "
                   f"(our choice: the drift volume of the upgrade simulation, 1700 x 700 x 1700 mm), "
                   f"centred in the {HATPC_GAS[0]:.2f} x {HATPC_GAS[1]:.2f} x {HATPC_GAS[2]:.2f} m gas "
                   f"boxes."))
    write_yaml(OUT / "nd280-upgrade.yaml", h_up, "ND280-upgrade",
               "T2K near detector ND280 after the 2023 upgrade: the P0D is replaced by the SuperFGD between "
               "two High-Angle TPCs inside six ToF planes; P0D ECal, barrel and downstream ECal, TPC1-3 and "
               "FGD1-2 as before.", materials, up, fid_old + fid_hatpc)

    ok = True
    for fname, siren in (("nd280.yaml", raw), ("nd280-upgrade.yaml", raw_up)):
        boxes, fid, d = load_back(OUT / fname)
        print(f"== {fname}: {len(boxes)} boxes, {len(d['materials'])} materials, {len(fid)} fiducial boxes")
        errs = check_nesting(boxes)
        for e in errs:
            print("  NESTING VIOLATION: " + e)
        ok &= not errs
        if not errs:
            print("  nesting rule: OK (one root, parents earlier, children inside parents, all pairs "
                  "disjoint or nested, tol 1e-9 m)")
        for line in check_fiducials(boxes, fid):
            print("  " + line)
            ok &= line.startswith("ok")
        print(f"  mass per material within |x|,|y|,|z| < {REGION:g} m of the detector centre [kg]:")
        for m, kg in sorted(mass_by_material(boxes).items(), key=lambda t: -t[1]):
            print(f"    {m:16s} {kg:12.1f}")
        cmp_ = compare_maps(boxes, siren)
        print(f"  vs SIREN 'later box wins' within +-{REGION:g} m: material or density differs in "
              f"{cmp_['changed_volume_m3']:.4f} m^3 (sum |d rho| dV = {cmp_['changed_mass_kg']:.1f} kg)")
        for m, (ours, theirs) in cmp_["per_material_kg"].items():
            if abs(ours - theirs) > 1e-6:
                print(f"    {m:16s} ours {ours:12.1f}  SIREN {theirs:12.1f}  diff {ours - theirs:+10.1f}")
        gas = [b.name for b in boxes if b.material == "GAS"]
        print("  TPC gas volumes [kg]: " + ", ".join(f"{g} {own_mass(boxes, g):.2f}" for g in gas))
        if any(b.name == "SuperFGD" for b in boxes):
            print(f"  SuperFGD cubes: {own_mass(boxes, 'SuperFGD'):.0f} kg; with its box "
                  f"{own_mass(boxes, 'SuperFGD') + own_mass(boxes, 'SuperFGD_box'):.0f} kg")
        els = sorted({el for m in d["materials"].values() for el in m["composition"]})
        print(f"  elements: {els}")
    print("== edits (pre-upgrade)")
    for i, e in enumerate(edits):
        print(f"  E{i + 1}. {e}")
    print("== edits (upgrade)")
    for i, e in enumerate(edits_up):
        print(f"  U{i + 1}. {e}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else SRC_DEFAULT))
