"""Flux-folded dipole-portal upscattering rates at T2K ND280 (FHC numu) from DarkNews 0.4.8 (test oracle).

DarkNews is a test-only oracle (nuportal never imports it); this script runs in its own environment::

    python3 -m venv /tmp/dn-venv && /tmp/dn-venv/bin/pip install DarkNews==0.4.8
    /tmp/dn-venv/bin/python scripts/darknews_beam_oracle.py            # ~10 min on one core

It writes ``tests/mc/data/darknews_beam_rate.json`` and the DarkNews inputs ``scripts/darknews_beam/
t2k2020_nd280_fhc_darknews.dat`` (flux) and ``scripts/darknews_beam/c12_slab_1t.txt`` (experiment file).
It reads the T2K release ``/work/shared/data/t2k-nd280/flux-2020/nd280_plus250kA.dat`` (dev time only;
override with ``--flux``).

What it computes
----------------
Physics (same as scripts/darknews_oracle.py): ``DarkNews.model.ThreePortalModel(m4=m_N, mu_tr_mu4=2 d,
Umu4=0, epsilon=0, HNLtype="dirac")`` with d = 1e-6 GeV^-1, i.e. only the nu_mu - N transition magnetic
moment;
``UpscatteringProcess(nu_projectile=numu, nu_upscattered=neutrino4, nuclear_target=NuclearTarget(T),
scattering_regime=R, helicity=h)``, summed over h in (flipping, conserving), R in (coherent, p-el).
Coupling convention: DarkNews vertex t_aj = mu_tr / 2 = d, so mu_tr_mu4 = 2 d (see
tests/production/test_darknews_oracle.py).

1. ``points``: the expected number of upscatterings per target nucleus per POT,
       R = int dE dPhi/dE(E) sigma(E),
   dPhi/dE in nu_mu / (cm^2 GeV POT) (T2K value / 0.05 / 1e21, constant on each published bin, the histogram
   is used as is), sigma in cm^2 per nucleus, so R is dimensionless (per nucleus per POT).  Deterministic:
   Gauss-Legendre in E on every flux bin (the bin holding the threshold E_th = m_N + m_N^2 / (2 M) is
   mapped E = E_th + (E_hi - E_th) u^2, which absorbs the sqrt(E - E_th) onset), and for every E a composite
   Gauss-Legendre integral in ln Q^2 of DarkNews's own integrand ``DarkNews.amplitudes.upscattering_dxsec_dQ2
   ([s, -Q2, u], process, diagrams=["TMM_SQR"])`` x multiplicity, with u = 2 M^2 + m_N^2 - s + Q^2 (the
   correct one; ``UpscatteringProcess.diff_xsec_Q2`` has u with m_N instead of m_N^2 and is not used).  The
   Q^2 range is [Q2min(E), Q2max(E)] (full kinematic range, as DarkNews's event generator uses it) and, stored
   separately as ``*_QMAX``, [Q2min, min(Q2max, QMAX^2)] with QMAX = 2 GeV (coherent) / 5 GeV (p-el), the
   cut that DarkNews's ``total_xsec`` (integrands.UpscatteringXsec) applies.  The two differ by < 1e-5 here.
   p-el: DarkNews's target is a free proton (M = m_p = 0.93827208816 GeV, dipole F1/F2 with M_V = 0.843 GeV,
   mu_p = 2.792), multiplied by the multiplicity Z (6 for C12, 26 for Fe56); no Pauli blocking, no binding,
   no Fermi motion, the threshold is that of a free proton.  (n-el is identically zero for the TMM in
   DarkNews 0.4.8: its amplitude carries the target charge.)
2. ``vegas_crosscheck``: DarkNews's own ``total_xsec`` (VEGAS) against the ln Q^2 quadrature at fixed E
   (must agree to < 1 %).
3. ``genlauncher``: ``DarkNews.GenLauncher`` driven by the custom experiment file (1 t of C12, POT = 1e20,
   the FHC flux written in DarkNews's format: column order E, nue, numu, nutau, nuebar, numubar, nutaubar,
   in nu / (cm^2 GeV POT), read by DarkNews as a point table with linear interpolation, zero outside; the
   histogram is written as a step function with 1e-7 GeV ramps so that the interpolation reproduces it),
   m4 = 0.5 GeV, decay N -> nu gamma.  The sum of the event weights ``w_event_rate`` per regime is compared
   with R x N_nuclei x POT, where N_nuclei = 1 t x const.t_to_GeV / M_C12 (DarkNews's own count) and R is
   integrated from E_min = 1.05 E_th (DarkNews's MC_events starts the energy integral at
   max(erange[0], 1.05 E_th); erange = [0, 30] here) over the full Q^2 range (the MC integrand has no QMAX).
   Generation speed: weighted events per second of wall clock, process pinned to one CPU.
"""

from __future__ import annotations

import os

for _v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_v, "1")

import argparse  # noqa: E402
import json  # noqa: E402
import logging  # noqa: E402
import platform  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import DarkNews  # noqa: E402
import numpy as np  # noqa: E402
from DarkNews import amplitudes as amps  # noqa: E402
from DarkNews import model, pdg, processes  # noqa: E402
from DarkNews import phase_space as ps  # noqa: E402
from DarkNews.nuclear_tools import NuclearTarget  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
OUT_JSON = ROOT / "tests/mc/data/darknews_beam_rate.json"
INPUT_DIR = ROOT / "scripts/darknews_beam"
FLUX_OUT = INPUT_DIR / "t2k2020_nd280_fhc_darknews.dat"
EXP_OUT = INPUT_DIR / "c12_slab_1t.txt"
FLUX_SRC = Path("/work/shared/data/t2k-nd280/flux-2020/nd280_plus250kA.dat")

D_DIPOLE = 1e-6  # GeV^-1 (nuportal convention)
MU_TR = 2.0 * D_DIPOLE  # DarkNews mu_tr_mu4
TARGETS = ("C12", "Fe56")
MASSES = (0.1, 0.3, 0.5)
REGIMES = ("coherent", "p-el")
HELICITIES = ("flipping", "conserving")
QMAX = {"coherent": 2.0, "p-el": 5.0}  # GeV, DarkNews.integrands.UpscatteringXsec
N_E_GL = (8, 16)  # Gauss points per flux bin: result uses the larger, the smaller is the convergence check
Q2_PANELS, Q2_GL = 32, 8  # composite Gauss-Legendre in ln Q^2 (converged to ~1e-13 against 128 x 16)
STEP = 1e-7  # GeV, width of the ramps in the step-function flux file

VEGAS_POINTS = [(t, r, m, 1.0) for t in TARGETS for r in REGIMES for m in (0.1, 0.5)]
VEGAS_SETTINGS = {"NINT": 20, "NEVAL": 20000, "NINT_warmup": 20, "NEVAL_warmup": 20000, "seed": 12345}

GEN_MASS = 0.5
GEN_TARGET = "C12"
GEN_FID_MASS_T = 1.0
GEN_POT = 1e20
GEN_ERANGE = (0.0, 30.0)
GEN_RUNS = [  # (label, neval, nint, neval_warmup, nint_warmup, seeds)
    ("darknews_defaults", 10_000, 20, 1_000, 10, (11,)),
    ("precision", 100_000, 10, 10_000, 10, (1, 2, 3)),
]


# ----------------------------------------------------------------------------------------------- flux
def read_t2k_flux(path: Path) -> np.ndarray:
    """Rows (E_lo, E_hi, numu, numubar, nue, nuebar) with the densities in nu / (cm^2 GeV POT)."""
    rows = []
    for line in path.read_text().splitlines():
        p = line.split()
        if len(p) == 8 and p[0].isdigit() and p[2] == "-":
            rows.append([float(p[1]), float(p[3])] + [float(v) / 0.05 / 1e21 for v in p[4:]])
    return np.array(rows)


def write_darknews_inputs(flux: np.ndarray) -> None:
    INPUT_DIR.mkdir(parents=True, exist_ok=True)
    lines = [
        "# T2K ND280 flux prediction, 2020 public release, horn +250 kA (FHC, neutrino mode):",
        "#   t2kflux_2020_plus250kA_runcond_nd280 (as redistributed in SIREN 0.1.0",
        "#   resources/fluxes/T2K_NEAR),",
        "#   written by scripts/darknews_beam_oracle.py in DarkNews 0.4.8 detector-flux format.",
        "# Units: nu / (cm^2 GeV POT) = T2K value [/cm^2/50MeV/1e21POT] / 0.05 / 1e21.",
        "# DarkNews reads this as a point table, linear interpolation, zero outside.  The T2K histogram",
        f"#   (constant on each bin) is written as a step function: (E_lo, v), (E_hi - {STEP:g}, v) per bin.",
        "# Columns (DarkNews order, index = doublet + 3 * antiparticle): E_GeV nue numu nutau nuebar numubar "
        "nutaubar",
    ]
    for lo, hi, numu, numubar, nue, nuebar in flux:
        for E in (lo, hi - STEP):
            lines.append(f"{E:.9f} {nue:.6e} {numu:.6e} {0.0:.6e} {nuebar:.6e} {numubar:.6e} {0.0:.6e}")
    FLUX_OUT.write_text("\n".join(lines) + "\n")
    EXP_OUT.write_text(
        "# Single-material slab for the DarkNews 0.4.8 GenLauncher cross-check\n"
        "# (scripts/darknews_beam_oracle.py): 1 tonne of C12 in the T2K ND280 FHC flux (2020 release,\n"
        "# correct +250 kA numu; NOT DarkNews's own ND280_FHC.dat, which holds the antineutrino-mode flux).\n"
        "# No geometry: DarkNews places scatters at 0.\n"
        "# The flux file path is relative to this file.\n"
        'name = "t2k_nd280_fhc_c12_slab"\n'
        f'fluxfile = "{FLUX_OUT.name}"\n'
        "flux_norm = 1\n"
        f"erange = [{GEN_ERANGE[0]}, {GEN_ERANGE[1]}]  # GeV; DarkNews starts at max(erange[0], 1.05 E_th)\n"
        f"nuclear_targets = ['{GEN_TARGET}']\n"
        f"fiducial_mass_per_target = [{GEN_FID_MASS_T}]  # tonnes\n"
        f"fiducial_mass = {GEN_FID_MASS_T}  # tonnes\n"
        f"POTs = {GEN_POT:g}\n"
    )


# ------------------------------------------------------------------------------------------- physics
def make_model(m_N: float):
    return model.ThreePortalModel(m4=m_N, mu_tr_mu4=MU_TR, Umu4=0.0, epsilon=0.0, HNLtype="dirac")


def make_process(target: str, regime: str, m_N: float, helicity: str):
    mdl = make_model(m_N)
    return processes.UpscatteringProcess(nu_projectile=pdg.numu, nu_upscattered=mdl.neutrino4,
                                         nuclear_target=NuclearTarget(target), scattering_regime=regime,
                                         TheoryModel=mdl, helicity=helicity)


def gl_nodes(a: float, b: float, panels: int, n: int) -> tuple[np.ndarray, np.ndarray]:
    x, w = np.polynomial.legendre.leggauss(n)
    e = np.linspace(a, b, panels + 1)
    h, c = 0.5 * (e[1:] - e[:-1]), 0.5 * (e[1:] + e[:-1])
    return (c[:, None] + h[:, None] * x).ravel(), (h[:, None] * w).ravel()


def sigma_E(p, E: float) -> tuple[float, float]:
    """(sigma with Q <= QMAX, sigma over the full Q^2 range) in cm^2 per nucleus (x multiplicity)."""
    q2lo = float(ps.upscattering_Q2min(E, p.m_ups, p.MA))
    q2hi = float(ps.upscattering_Q2max(E, p.m_ups, p.MA))
    qmax2 = QMAX[p.scattering_regime] ** 2
    s = p.MA**2 + 2.0 * E * p.MA

    def part(a: float, b: float) -> float:
        x, w = gl_nodes(np.log(a), np.log(b), Q2_PANELS, Q2_GL)
        Q2 = np.exp(x)
        u = 2.0 * p.MA**2 + p.m_ups**2 - s + Q2
        ds = amps.upscattering_dxsec_dQ2([s, -Q2, u], p, diagrams=["TMM_SQR"]) * p.target_multiplicity
        return float(np.sum(w * ds * Q2))

    cut = part(q2lo, min(q2hi, qmax2))
    above = part(qmax2, q2hi) if q2hi > qmax2 else 0.0
    return cut, cut + above


def fold(p, flux: np.ndarray, n_gl: int, e_min: float | None = None) -> tuple[float, float]:
    """(R with QMAX, R full) = int dE dPhi/dE sigma(E) over E > max(E_th, e_min), per nucleus per POT."""
    eth = float(p.Ethreshold)
    lo_cut = eth if e_min is None else max(eth, e_min)
    xg, wg = np.polynomial.legendre.leggauss(n_gl)
    tot_cut = tot_full = 0.0
    for lo, hi, numu in flux[:, :3]:
        a = max(lo, lo_cut)
        if hi <= a or numu == 0.0:
            continue
        u = 0.5 * (xg + 1.0)
        if lo < eth and a == eth:  # threshold bin: E = E_th + (hi - E_th) u^2
            E = eth + (hi - eth) * u**2
            w = 0.5 * wg * 2.0 * (hi - eth) * u
        else:
            E = a + (hi - a) * u
            w = 0.5 * wg * (hi - a)
        for Ei, wi in zip(E, w, strict=True):
            c, f = sigma_E(p, float(Ei))
            tot_cut += wi * numu * c
            tot_full += wi * numu * f
    return tot_cut, tot_full


def quadrature_points(flux: np.ndarray) -> list[dict]:
    out = []
    phi = float(np.sum(flux[:, 2] * (flux[:, 1] - flux[:, 0])))
    for target in TARGETS:
        nt = NuclearTarget(target)
        for m in MASSES:
            pt = {"target": target, "Z": int(nt.Z), "A": int(nt.A), "mass_GeV": m,
                  "M_nucleus_GeV_darknews": float(nt.mass)}
            for regime in REGIMES:
                key = "coherent" if regime == "coherent" else "p_el"
                res = {n: [0.0, 0.0] for n in N_E_GL}
                by_h = {}
                for h in HELICITIES:
                    p = make_process(target, regime, m, h)
                    for n in N_E_GL:
                        c, f = fold(p, flux, n)
                        res[n][0] += c
                        res[n][1] += f
                        if n == N_E_GL[-1]:
                            by_h[h] = f
                    eth = float(p.Ethreshold)
                    mult = int(p.target_multiplicity)
                    M_target = float(p.MA)
                hi, lo_n = res[N_E_GL[-1]], res[N_E_GL[0]]
                pt[f"{key}_upscatters_per_nucleus_per_POT"] = hi[1]
                pt[f"{key}_upscatters_per_nucleus_per_POT_QMAX"] = hi[0]
                pt[f"{key}_flux_averaged_sigma_cm2_per_nucleus"] = hi[1] / phi
                pt[f"{key}_by_helicity_upscatters_per_nucleus_per_POT"] = by_h
                pt[f"{key}_E_threshold_GeV"] = eth
                pt[f"{key}_target_mass_GeV"] = M_target
                conv_key = f"{key}_quadrature_rel_change_{N_E_GL[0]}_to_{N_E_GL[-1]}_Epoints"
                pt[conv_key] = abs(lo_n[1] / hi[1] - 1.0)
                if regime == "p-el":
                    pt["p_el_multiplicity"] = mult
                    pt["p_el_upscatters_per_proton_per_POT"] = hi[1] / mult
                print(f"{target} m={m} {regime}: R = {hi[1]:.6e} (QMAX: {hi[0]:.6e}; E-conv "
                      f"{abs(lo_n[1] / hi[1] - 1):.1e})", flush=True)
            out.append(pt)
    return out


def vegas_crosscheck() -> list[dict]:
    out = []
    for target, regime, m, E in VEGAS_POINTS:
        vegas = quad = 0.0
        for h in HELICITIES:
            p = make_process(target, regime, m, h)
            vegas += float(p.total_xsec(E, diagrams=["TMM_SQR"], **VEGAS_SETTINGS))
            quad += sigma_E(p, E)[0]
        rel = vegas / quad - 1.0
        print(f"VEGAS {target} {regime} m={m} E={E}: {vegas:.5e} vs quad {quad:.5e} ({rel:+.2e})", flush=True)
        if abs(rel) > 0.01:
            raise RuntimeError(f"total_xsec and quadrature disagree by {rel:.3%}: {target} {regime} {m} {E}")
        out.append({"target": target, "regime": regime, "mass_GeV": m, "E_nu_GeV": E,
                    "total_xsec_vegas_cm2": vegas, "quadrature_QMAX_cm2": quad, "rel_diff": rel})
    return out


# ---------------------------------------------------------------------------------------- GenLauncher
def run_genlauncher(flux: np.ndarray) -> dict:
    from DarkNews.detector import Detector
    from DarkNews.GenLauncher import GenLauncher

    try:  # one core for the timing
        cpu = min(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {cpu})
        pinned = f"pinned to CPU {cpu} (os.sched_setaffinity), OMP/OPENBLAS/MKL threads = 1"
    except (AttributeError, OSError):
        pinned = "not pinned"

    det = Detector(str(EXP_OUT))
    n_nuclei = float(det.NUMBER_OF_TARGETS[GEN_TARGET])
    fl = det.neutrino_flux(pdg.numu)
    check_E = flux[:, :2].mean(axis=1)
    assert np.allclose(fl(check_E), flux[:, 2], rtol=1e-6, atol=0.0), "flux file column order / units"
    grid = np.sort(np.concatenate([flux[:, 0], flux[:, 1] - STEP]))
    phi_dn = float(np.trapezoid(fl(grid), grid))

    # the quadrature that corresponds to what the generator integrates
    quad = {}
    for regime in REGIMES:
        r_mc = r_th = 0.0
        for h in HELICITIES:
            p = make_process(GEN_TARGET, regime, GEN_MASS, h)
            r_mc += fold(p, flux, N_E_GL[-1], e_min=1.05 * float(p.Ethreshold))[1]
            r_th += fold(p, flux, N_E_GL[-1])[1]
            emin = max(GEN_ERANGE[0], 1.05 * float(p.Ethreshold))
        quad[regime] = {"E_min_GeV": emin, "upscatters_per_nucleus_per_POT_from_Emin": r_mc,
                        "upscatters_per_nucleus_per_POT_from_threshold": r_th,
                        "events_from_Emin": r_mc * n_nuclei * GEN_POT,
                        "events_from_threshold": r_th * n_nuclei * GEN_POT}

    runs = []
    for label, neval, nint, neval_w, nint_w, seeds in GEN_RUNS:
        for seed in seeds:
            settings = dict(experiment=str(EXP_OUT), m4=GEN_MASS, mu_tr_mu4=MU_TR, Umu4=0.0, epsilon=0.0,
                            HNLtype="dirac", decay_product="photon", nu_flavors=["nu_mu"], neval=neval,
                            nint=nint, neval_warmup=neval_w, nint_warmup=nint_w, seed=seed, sparse=0,
                            pandas=False, loglevel="WARNING")
            with tempfile.TemporaryDirectory() as tmp:
                t0 = time.perf_counter()
                gen = GenLauncher(path=tmp, **settings)
                t1 = time.perf_counter()
                df = gen.run()
                t2 = time.perf_counter()
            per = {}
            for regime in REGIMES:
                sel = df[df["scattering_regime"] == regime]
                w = sel["w_event_rate"].to_numpy()
                err = 0.0
                for h in HELICITIES:  # independent VEGAS samples per helicity
                    wh = sel.loc[sel["helicity"] == h, "w_event_rate"].to_numpy()
                    err += max(0.0, float(np.sum(wh**2) - np.sum(wh) ** 2 / len(wh)))
                per[regime] = {"events": float(w.sum()), "mc_error_naive": float(np.sqrt(err)),
                               "sum_w_flux_avg_xsec": float(sel["w_flux_avg_xsec"].to_numpy().sum()),
                               "n_weighted_events": int(len(w)),
                               "by_helicity_events": {
                                   h: float(sel.loc[sel["helicity"] == h, "w_event_rate"].sum())
                                   for h in HELICITIES},
                               "ratio_to_quadrature_from_Emin":
                                   float(w.sum()) / quad[regime]["events_from_Emin"]}
            n_ev = int(len(df))
            run = {"label": label, "seed": seed, "neval": neval, "nint": nint, "neval_warmup": neval_w,
                   "nint_warmup": nint_w, "n_weighted_events": n_ev, "wall_s_init": t1 - t0,
                   "wall_s_run": t2 - t1, "weighted_events_per_s": n_ev / (t2 - t0), "by_regime": per}
            print(f"GenLauncher {label} seed={seed}: {n_ev} events in {t2 - t0:.1f} s "
                  f"({n_ev / (t2 - t0):.0f}/s); " + "; ".join(
                      f"{r}: {v['events']:.5g} +- {v['mc_error_naive']:.2g} "
                      f"(x{v['ratio_to_quadrature_from_Emin']:.4f})"
                      for r, v in per.items()), flush=True)
            runs.append(run)

    prec = [r for r in runs if r["label"] == "precision"]
    combined = {}
    for regime in REGIMES:
        ev = np.array([r["by_regime"][regime]["events"] for r in prec])
        er = np.array([r["by_regime"][regime]["mc_error_naive"] for r in prec])
        wts = 1.0 / er**2
        mean = float(np.sum(wts * ev) / np.sum(wts))
        combined[regime] = {"events_mean": mean, "mc_error_naive_of_mean": float(1.0 / np.sqrt(np.sum(wts))),
                            "seed_spread_rel": float(np.std(ev, ddof=1) / mean) if len(ev) > 1 else None,
                            "ratio_to_quadrature_from_Emin": mean / quad[regime]["events_from_Emin"]}
    return {
        "experiment_file": str(EXP_OUT.relative_to(ROOT)),
        "flux_file": str(FLUX_OUT.relative_to(ROOT)),
        "target": GEN_TARGET, "fiducial_mass_t": GEN_FID_MASS_T, "POT": GEN_POT,
        "N_nuclei_darknews": n_nuclei,
        "N_nuclei_note": "DarkNews Detector: fiducial_mass * const.t_to_GeV / NuclearTarget('C12').mass",
        "mass_GeV": GEN_MASS, "mu_tr_mu4_GeV^-1": MU_TR, "d_GeV^-1": D_DIPOLE,
        "decay_product": "photon (N -> nu gamma)", "erange_GeV": list(GEN_ERANGE),
        "flux_integral_darknews_interpolated_per_cm2_per_POT": phi_dn,
        "note": ("Generator energy integral starts at E_min = max(erange[0], 1.05 E_th) (DarkNews "
                 "MC_events); its Q^2 integral is the full kinematic range (no QMAX); w_event_rate already "
                 "divides by the "
                 "integrated N -> nu gamma width, so its sum is the upscattering count (BR = 1). Quadrature "
                 "'from_Emin' is the like-for-like comparison; 'from_threshold' is the physical total."),
        "quadrature": quad,
        "mc_error_naive_note": ("sqrt(sum w^2 - (sum w)^2 / n) per helicity sample, added in quadrature: "
                                "the unstratified estimate, which overstates VEGAS's error (compare "
                                "seed_spread_rel)"),
        "runs": runs,
        "combined_precision_runs": combined,
        "timing_note": f"wall clock of GenLauncher(...) + run(), {pinned}; weighted events = len(df) over "
                       f"all 4 MC cases (2 regimes x 2 helicities); machine: {_cpu_model()}, "
                       f"{os.cpu_count()} CPUs, Python {platform.python_version()}",
    }


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--flux", type=Path, default=FLUX_SRC)
    ap.add_argument("--skip-genlauncher", action="store_true")
    args = ap.parse_args()
    logging.getLogger("logger.DarkNews").setLevel(logging.ERROR)

    flux = read_t2k_flux(args.flux)
    phi = float(np.sum(flux[:, 2] * (flux[:, 1] - flux[:, 0])))
    if abs(phi / 1.866e-8 - 1.0) > 1e-3:
        raise RuntimeError(f"FHC numu integral {phi:.4e} != 1.866e-8 /cm^2/POT")
    write_darknews_inputs(flux)

    t0 = time.perf_counter()
    points = quadrature_points(flux)
    t_quad = time.perf_counter() - t0
    vegas = vegas_crosscheck()
    gen = None if args.skip_genlauncher else run_genlauncher(flux)

    data = {
        "source": "scripts/darknews_beam_oracle.py (DarkNews 0.4.8 from PyPI, own venv /tmp/dn-venv)",
        "darknews_version": DarkNews.__version__,
        "flux": "T2K 2020 ND280 +250kA numu",
        "flux_source": "t2kflux_2020_plus250kA_runcond_nd280 (nd280_plus250kA.dat), histogram, "
                       "dPhi/dE [nu/(cm^2 GeV POT)] = value / 0.05 / 1e21, constant on each bin",
        "flux_numu_integral_per_cm2_per_POT": phi,
        "d_GeV^-1": D_DIPOLE,
        "mu_tr_mu4_GeV^-1": MU_TR,
        "convention": "mu_tr = 2 d",
        "model": (f"DarkNews.model.ThreePortalModel(m4=m_N, mu_tr_mu4={MU_TR:g}, Umu4=0, epsilon=0, "
                  "HNLtype='dirac'); nu_mu + target -> N + target via the transition magnetic moment only "
                  "(diagram TMM_SQR); summed over the N helicities (flipping + conserving)"),
        "quantity": ("*_upscatters_per_nucleus_per_POT = int dE dPhi/dE(E) [nu_mu/(cm^2 GeV POT)] x sigma(E) "
                     "[cm^2 per target nucleus] = expected upscatterings per target nucleus per POT "
                     "(dimensionless); events = value x N_nuclei x POT. p_el values are per NUCLEUS, i.e. "
                     "include the multiplicity Z; p_el_upscatters_per_proton_per_POT = value / Z."),
        "q2_range": ("un-suffixed values: Q^2 in [Q2min(E), Q2max(E)] (full 2->2 kinematics with the "
                     "recoiling target of mass M, as DarkNews's MC integrand); *_QMAX: Q^2 <= QMAX^2 "
                     "with QMAX = 2 GeV (coherent), 5 GeV (p-el), as DarkNews total_xsec"),
        "QMAX_GeV": QMAX,
        "energy_range": "E from the threshold E_th = m_N + m_N^2/(2 M) (M = nucleus mass for coherent, "
                        "free-proton mass for p-el) to 30 GeV",
        "p_el_convention": ("DarkNews 'p-el': free-proton target (M = m_p = 0.93827208816 GeV, dipole "
                            "F1_EM/F2_EM, M_V = 0.843 GeV, mu_p = 2.792, G_E = D, G_M = mu_p D), cross "
                            "section times multiplicity Z (UpscatteringProcess.target_multiplicity and "
                            "MC_events: 6 for C12, 26 for Fe56); no Pauli blocking, no binding energy, "
                            "no Fermi motion"),
        "coherent_convention": ("whole-nucleus target, mass NuclearTarget(T).mass, Z^2 F^2 with DarkNews's "
                                "Fourier-Bessel (De Vries) charge form factor, F2 = 0"),
        "quadrature_settings": {
            "E": (f"Gauss-Legendre, {N_E_GL[-1]} points per flux bin (threshold bin mapped "
                  f"E = E_th + (E_hi - E_th) u^2); convergence vs {N_E_GL[0]} points stored per point"),
            "Q2": f"composite Gauss-Legendre in ln Q^2: {Q2_PANELS} panels x {Q2_GL} points",
            "integrand": "DarkNews.amplitudes.upscattering_dxsec_dQ2([s, -Q2, 2M^2 + m_N^2 - s + Q2], "
                         "process, diagrams=['TMM_SQR']) * process.target_multiplicity",
            "wall_s": t_quad,
        },
        "points": points,
        "vegas_crosscheck": {"settings": VEGAS_SETTINGS, "note": "total_xsec (Q <= QMAX) at fixed E, "
                             "summed over helicities, vs the ln Q^2 quadrature with the same cut",
                             "points": vegas},
        "genlauncher": gen,
    }
    OUT_JSON.parent.mkdir(parents=True, exist_ok=True)
    OUT_JSON.write_text(json.dumps(data, indent=1) + "\n")
    print(f"wrote {OUT_JSON}")


if __name__ == "__main__":
    main()
