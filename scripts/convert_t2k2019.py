"""Convert the T2K 2019 ND280 heavy-neutrino data release to nuportal's tables (dev-time only).

Source: T2K collaboration, "Search for heavy neutrinos with the T2K near detector ND280",
Phys. Rev. D 100, 052006 (2019), arXiv:1902.07598, and its public data release (``README.txt``).
Reads the ROOT files with ``uproot`` (install it into the venv for this script only; the package
never needs it) and writes plain CSV tables with a ``#`` header into
``src/nuportal/data/t2k2019/``.  No number is changed except for rounding to the stated digits;
the only derived quantity is the relative Monte-Carlo statistical uncertainty of each flux row,
``sqrt(rcov_ii - 0.15^2)``, taken from the diagonal of ``covmat_flux_<m>``.

Checks made while converting (the script stops if one fails):

* ``flux.npy`` and ``efficiency.npy`` equal the ROOT objects ``vector_flux_<m>`` and
  ``effmat_eff_<m>``;
* ``effmat_eff_<m>`` is stored as 24 (production/decay modes) x 10 (channels), the transpose of the
  "10 x 24" in README.txt (T2K's own ``heavyNu_combined_model.py`` reshapes it to (24, 10) and
  reads ``eff[mode, channel]``);
* the off-diagonal relative flux covariance is 0.15^2 (15 %, fully correlated) wherever both rows
  are populated.

Usage::

    .venv/bin/pip install uproot
    .venv/bin/python scripts/convert_t2k2019.py /work/shared/data/t2k-nd280/hnl-search-2019
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

OUT = Path(__file__).resolve().parents[1] / "src/nuportal/data/t2k2019"
PAPER = ("T2K collaboration, Search for heavy neutrinos with the T2K near detector ND280, "
         "Phys. Rev. D 100, 052006 (2019), arXiv:1902.07598")
MASSES_MEV = np.arange(140, 500, 10)
FLUX_REL_CORRELATED = 0.15

#: Production/decay modes 0-23 (README.txt Sec. 2); the same list for rows 24-47 (RHC).
MODES = [
    "K->mu N, N->mu- pi+", "K->e N, N->mu- pi+", "K->mu N, N->e- pi+", "K->e N, N->e- pi+",
    "K->mu N, N->mu+ pi-", "K->e N, N->mu+ pi-", "K->mu N, N->e+ pi-", "K->e N, N->e+ pi-",
    "K->mu N, N->mu+ mu- nu(e,tau)", "K->e N, N->mu+ mu- nu(e,tau)",
    "K->mu N, N->e+ e- nu(mu,tau)", "K->e N, N->e+ e- nu(mu,tau)",
    "K->mu N, N->mu+ mu- nu_mu", "K->e N, N->mu+ mu- nu_mu",
    "K->mu N, N->e+ e- nu_e", "K->e N, N->e+ e- nu_e",
    "K->mu N, N->mu- e+ nu_e", "K->e N, N->mu- e+ nu_e",
    "K->mu N, N->mu- e+ nubar_mu", "K->e N, N->mu- e+ nubar_mu",
    "K->mu N, N->mu+ e- nubar_e", "K->e N, N->mu+ e- nubar_e",
    "K->mu N, N->mu+ e- nu_mu", "K->e N, N->mu+ e- nu_mu",
]
CHANNELS = [("fhc", "mu pi"), ("fhc", "e- pi+"), ("fhc", "e+ pi-"), ("fhc", "mu+ mu-"), ("fhc", "e+ e-"),
            ("rhc", "mu pi"), ("rhc", "e- pi+"), ("rhc", "e+ pi-"), ("rhc", "mu+ mu-"), ("rhc", "e+ e-")]


def _vector(obj) -> np.ndarray:
    return np.asarray(obj.member("fElements"), dtype=float)


def _matrix(obj) -> np.ndarray:
    return _vector(obj).reshape(obj.member("fNrows"), obj.member("fNcols"))


def _sym_matrix(obj) -> np.ndarray:
    """TMatrixDSym as written by ROOT: the upper triangle, row by row."""
    n = obj.member("fNrows")
    out = np.zeros((n, n))
    out[np.triu_indices(n)] = _vector(obj)
    return out + out.T - np.diag(np.diag(out))


def _fmt(x: float, digits: int) -> str:
    return "0" if x == 0.0 else f"{x:.{digits}g}"


def _write(name: str, header: list[str], columns: list[str], rows) -> Path:
    lines = [f"# {h}" if h else "#" for h in header]
    lines.append(",".join(columns))
    lines += [",".join(row) for row in rows]
    path = OUT / name
    path.write_text("\n".join(lines) + "\n")
    return path


def read_release(src: Path) -> dict:
    import uproot

    f_flux = uproot.open(src / "flux.root")
    f_eff = uproot.open(src / "efficiency.root")
    flux, stat, eff = [], [], []
    for m in MASSES_MEV:
        v = _vector(f_flux[f"vector_flux_{m}"])
        rcov = _sym_matrix(f_flux[f"covmat_flux_{m}"])
        full = np.outer(v > 0, v > 0) & ~np.eye(v.size, dtype=bool)
        if not np.allclose(rcov[full], FLUX_REL_CORRELATED**2, rtol=1e-6):
            raise SystemExit(f"m = {m} MeV: off-diagonal flux covariance is not 0.15^2")
        var = np.where(v > 0, np.diag(rcov) - FLUX_REL_CORRELATED**2, 0.0)
        if np.any(var < -1e-12):
            raise SystemExit(f"m = {m} MeV: flux covariance diagonal below 0.15^2")
        e = _matrix(f_eff[f"effmat_eff_{m}"])
        if e.shape != (24, 10):
            raise SystemExit(f"m = {m} MeV: efficiency matrix has shape {e.shape}, expected (24, 10)")
        flux.append(v)
        stat.append(np.sqrt(np.clip(var, 0.0, None)))
        eff.append(e)
    flux, stat, eff = np.array(flux), np.array(stat), np.array(eff)
    if not np.allclose(np.load(src / "flux.npy"), flux, rtol=1e-12, atol=0.0):
        raise SystemExit("flux.npy differs from flux.root")
    if not np.allclose(np.load(src / "efficiency.npy"), eff, rtol=1e-12, atol=0.0):
        raise SystemExit("efficiency.npy differs from efficiency.root")
    f_bkg = uproot.open(src / "background.root")
    f_data = uproot.open(src / "data.root")
    return {
        "flux": flux, "flux_stat": stat, "eff": eff,
        "bkg": _vector(f_bkg["vector_bkg"]), "bkg_err": _vector(f_bkg["error_bkg"]),
        "data": _vector(f_data["vector_data"]),
        "prof": np.loadtxt(src / "limits_combined/limits_profiling.dat"),
        "marg": np.loadtxt(src / "limits_combined/limits_marginalisation.dat"),
        "single": np.loadtxt(src / "limits_single/Umumu_method_A.dat"),
    }


def _mode_legend() -> list[str]:
    out = ["Rows (columns row00-row47): row r < 24 is FHC (neutrino mode, 12.34e20 POT), row r >= 24 is RHC",
           "(antineutrino mode, 6.29e20 POT); both halves use production/decay mode i = r mod 24:"]
    out += [f"  mode {i:2d}: {label}" for i, label in enumerate(MODES)]
    out.append("  nu(x) = neutrino and antineutrino summed; nu(e,tau) = the nu_e and nu_tau final states")
    out.append("  summed (likewise nu(mu,tau)).")
    return out


def write_tables(rel: dict) -> list[Path]:
    OUT.mkdir(parents=True, exist_ok=True)
    written = []
    rows = [[str(m)] + [_fmt(x, 8) for x in rel["flux"][k]] for k, m in enumerate(MASSES_MEV)]
    written.append(_write("expected_decays.csv", [
        "T2K 2019 ND280 heavy-neutrino search: expected HNL decays in the ND280 TPCs, before efficiency.",
        f"Paper: {PAPER}.",
        "Source: data release flux.root, TVectorD vector_flux_<mass> (identical to flux.npy);",
        "  converted by scripts/convert_t2k2019.py (8 significant digits).",
        "Values: expected number of decays (events) for runs 2-8 with |U_e|^2 = |U_mu|^2 = |U_tau|^2 = 1 in",
        "  the long-lifetime (linear) approximation, per production/decay mode; scale each row by its mixing",
        "  factor (see nuportal.recast.t2k2019) for other mixings.",
        *_mode_legend(),
        "Columns: mass_MeV (HNL mass, MeV/c^2), row00 ... row47 (events).",
    ], ["mass_MeV"] + [f"row{r:02d}" for r in range(48)], rows))

    rows = [[str(m)] + [_fmt(x, 4) for x in rel["flux_stat"][k]] for k, m in enumerate(MASSES_MEV)]
    written.append(_write("flux_mc_stat.csv", [
        "T2K 2019 ND280 heavy-neutrino search: relative Monte-Carlo statistical uncertainty per flux row.",
        f"Paper: {PAPER}.",
        "Source: data release flux.root, TMatrixDSym covmat_flux_<mass> (relative covariance); value =",
        "  sqrt(rcov_ii - 0.15^2). The off-diagonal elements are 0.15^2: a 15% fully correlated flux",
        "  uncertainty on top of these uncorrelated terms. 0 where the row is empty (its covariance is 1).",
        "Columns: mass_MeV (MeV/c^2), row00 ... row47 (dimensionless), rows as in expected_decays.csv.",
    ], ["mass_MeV"] + [f"row{r:02d}" for r in range(48)], rows))

    rows = [[str(m), str(i)] + [_fmt(x, 6) for x in rel["eff"][k, i]]
            for k, m in enumerate(MASSES_MEV) for i in range(24)]
    written.append(_write("efficiency.csv", [
        "T2K 2019 ND280 heavy-neutrino search: selection efficiency per mass, mode and analysis channel.",
        f"Paper: {PAPER}.",
        "Source: data release efficiency.root, TMatrixD effmat_eff_<mass> (identical to efficiency.npy),",
        "  stored 24 (modes) x 10 (channels); converted by scripts/convert_t2k2019.py (6 digits).",
        "Expected signal in channel c: sum_i decays[row] * eff[c, i] with row = i (FHC channels c = 0-4)",
        "  or row = 24 + i (RHC channels c = 5-9). Modes i as in expected_decays.csv.",
        "Columns: mass_MeV (MeV/c^2), mode (0-23), then the efficiency (dimensionless) in channels",
        "  fhc_mupi, fhc_emPip (e- pi+), fhc_epPim (e+ pi-), fhc_mumu, fhc_ee, and the same five for rhc.",
    ], ["mass_MeV", "mode"] + [f"{b}_{n}" for b in ("fhc", "rhc")
                               for n in ("mupi", "emPip", "epPim", "mumu", "ee")], rows))

    rows = [[str(c), b, name, _fmt(rel["bkg"][c], 6), _fmt(rel["bkg_err"][c], 6), _fmt(rel["data"][c], 6)]
            for c, (b, name) in enumerate(CHANNELS)]
    written.append(_write("channels.csv", [
        "T2K 2019 ND280 heavy-neutrino search: analysis channels, expected background and observed events.",
        f"Paper: {PAPER}.",
        "Source: data release background.root (TVectorD vector_bkg, error_bkg: nominal NEUT 5.3.2",
        "  background and its total uncertainty) and data.root (TVectorD vector_data: observed events in",
        "  the signal region), runs 2-8: 12.34e20 POT (fhc, neutrino mode), 6.29e20 POT (rhc).",
        "Columns: channel (index 0-9), beam (fhc/rhc), selection, background (events),",
        "  background_error (events, 1 sigma), observed (events).",
    ], ["channel", "beam", "selection", "background", "background_error", "observed"], rows))

    prof, marg = rel["prof"], rel["marg"]
    if not np.array_equal(prof[:, 0], marg[:, 0]):
        raise SystemExit("profiling and marginalisation files have different mass grids")
    rows = [[_fmt(prof[k, 0], 6)] + [_fmt(x, 8) for x in (*prof[k, 1:3], *marg[k, 1:4])]
            for k in range(prof.shape[0])]
    written.append(_write("t2k_limits_combined.csv", [
        "T2K 2019 ND280 heavy-neutrino search: published 90% upper limits on the mixings",
        "  (Bayesian credible limits).",
        f"Paper: {PAPER}.",
        "Source: data release limits_combined/limits_profiling.dat and limits_marginalisation.dat.",
        "profiling: the two other mixings set to 0 (single-flavour limits; T2K writes 1 where no",
        "  production/decay mode is sensitive, i.e. U_mu^2 above 388 MeV). marginalisation: the two other",
        "  mixings marginalised with their priors (flat in U^2, as in T2K's heavyNu_combined_model.py).",
        "Columns: mass_MeV (MeV/c^2), prof_U2e, prof_U2mu, marg_U2e, marg_U2mu, marg_U2tau (dimensionless).",
    ], ["mass_MeV", "prof_U2e", "prof_U2mu", "marg_U2e", "marg_U2mu", "marg_U2tau"], rows))

    rows = [[_fmt(m, 6), _fmt(u, 8)] for m, u in rel["single"]]
    written.append(_write("t2k_limit_single_Umumu_method_A.csv", [
        "T2K 2019 ND280 heavy-neutrino search: published 90% upper limit on U_mu^2 from the single channel",
        "  K -> mu N, N -> mu pi (method A of the paper), Fig. 5.",
        f"Paper: {PAPER}.",
        "Source: data release limits_single/Umumu_method_A.dat.",
        "Columns: mass_MeV (MeV/c^2), U2mu (dimensionless).",
    ], ["mass_MeV", "U2mu"], rows))
    return written


if __name__ == "__main__":
    src = Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/data/t2k-nd280/hnl-search-2019")
    for p in write_tables(read_release(src)):
        print(f"{p}  ({p.stat().st_size / 1024:.1f} kB)")
