"""``nuportal scan``: peak search in a binned mass spectrum (shared reference 001, Sec. 3)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from nuportal.errors import NuportalInputError


def register(app: typer.Typer) -> None:
    """Add ``nuportal scan`` to the top-level app."""
    app.command("scan")(scan)


def _parse_step(step: str):
    """'sigma/2' (or 'sigma/N') stays a string; anything else must be a number in GeV."""
    if step.replace(" ", "").startswith("sigma/"):
        return step
    try:
        return float(step)
    except ValueError:
        raise NuportalInputError(f"--step {step!r} is malformed; use a number (GeV) or 'sigma/2'") from None


def _parse_range(spec: str | None):
    """'lo:hi' in GeV -> (lo, hi); None -> None (the spectrum range)."""
    if spec is None:
        return None
    try:
        lo, hi = (float(x) for x in spec.split(":"))
    except ValueError:
        raise NuportalInputError(f"--mass-range {spec!r} is malformed; use lo:hi (GeV)") from None
    return lo, hi


def _summary_lines(summary: dict) -> list[str]:
    s = summary
    lines = [f"peak scan: {s['n_masses']} mass hypotheses, {s['limit_method']}",
             f"max local Z = {s['max_local_Z']:.2f} at m = {s['m_at_max_local_Z_GeV'] * 1e3:.3f} MeV "
             f"({s['significance']} p-value)",
             f"local excesses above 3 sigma: {s['n_excess_above_3_sigma']}",
             f"look-elsewhere: N_eff = {s['n_eff_windows']:.1f} windows, global p (trials) = "
             f"{s['global_p_trials']:.3g}, global p (Gross-Vitells) = {s['global_p_gross_vitells']:.3g}"]
    if "global_p_toys" in s:
        bound = s["global_p_toys_is_upper_bound"]
        lines.append(f"global p (toys, n = {s['n_toys']}) {'<=' if bound else '='} {s['global_p_toys']:.3g}, "
                     f"global Z {'>=' if bound else '='} {s['global_Z_toys']:.2f}"
                     + (" (no toy reached the observed Z: use more toys)" if bound else ""))
    return lines


def scan(
    spectrum: Annotated[Path, typer.Argument(
        help="CSV: m_low_GeV,m_high_GeV,observed,background[,background_sigma] (or m2_low_GeV2,...).")],
    resolution: Annotated[float | None, typer.Option(help="Mass resolution sigma(m) in GeV.")] = None,
    resolution_csv: Annotated[Path | None, typer.Option(
        help="CSV m_GeV,sigma_GeV: resolution interpolated linearly.")] = None,
    step: Annotated[str, typer.Option(help="Mass step in GeV, or 'sigma/2'.")] = "sigma/2",
    k: Annotated[float, typer.Option("--k", help="Window half-width in sigma.")] = 1.5,
    method: Annotated[str, typer.Option(help="rolke-lopez | feldman-cousins | cls.")] = "rolke-lopez",
    cl: Annotated[float, typer.Option(help="Confidence level of the intervals.")] = 0.9,
    significance: Annotated[str, typer.Option(help="Local significance: hybrid | asimov.")] = "hybrid",
    background_correlation: Annotated[str, typer.Option(
        help="Per-bin background uncertainties: full (linear sum) | none (quadrature).")] = "full",
    mass_range: Annotated[str | None, typer.Option(help="lo:hi in GeV (default: spectrum range).")] = None,
    out: Annotated[Path, typer.Option(help="Output folder.")] = Path("out"),
    toys: Annotated[int, typer.Option(help="Background-only toys for the global p-value (0: none).")] = 0,
    seed: Annotated[int, typer.Option(min=0, help="Random seed of the toys.")] = 1,
    json_out: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
):
    """Scan a binned mass spectrum for peaks: per-mass intervals, local and global significance."""
    import numpy as np

    from nuportal.budget import check_work
    from nuportal.errors import require_range
    from nuportal.io import ensure_writable_dir, provenance, write_csv
    from nuportal.locking import output_lock
    from nuportal.search import peaks

    if (resolution is None) == (resolution_csv is None):
        raise NuportalInputError("give exactly one of --resolution (GeV) and --resolution-csv")
    require_range("--toys", toys, 0, np.inf, high_open=True)
    check_work("--toys", toys, "toys")
    sigma = resolution if resolution_csv is None else peaks.read_resolution_csv(resolution_csv)
    spec = peaks.read_spectrum_csv(spectrum)
    ensure_writable_dir(out)  # before the work: an unusable --out fails at once
    result = peaks.scan_peaks(spec, step=_parse_step(step), resolution=sigma, k=k, method=method, cl=cl,
                              significance=significance, background_correlation=background_correlation,
                              mass_range=_parse_range(mass_range))
    if toys > 0:
        rng = np.random.default_rng(seed)
        result = peaks.with_global(result, peaks.global_significance(result, toys, rng))
    summary = result.summary()
    config = {"spectrum": str(spectrum), "resolution_GeV": resolution,
              "resolution_csv": None if resolution_csv is None else str(resolution_csv), "step": step,
              "k": k, "method": method, "cl": cl, "significance": significance,
              "background_correlation": background_correlation, "mass_range": mass_range, "toys": toys}
    meta = provenance(config, seed if toys > 0 else None, statistic=result.method, summary=summary)
    with output_lock(out):
        write_csv(out / "peak_scan.csv", result.to_columns(), meta)
        _save_plot(result, out / "peak_scan.png")
    if json_out:
        typer.echo(json.dumps(summary, indent=1))
    else:
        for line in _summary_lines(summary):
            typer.echo(line)
        typer.echo(f"wrote {out / 'peak_scan.csv'} and {out / 'peak_scan.png'}")


def _save_plot(result, path: Path) -> None:
    """Upper limits vs mass (reference 001, Figs. 3-4 right), saved atomically as PNG."""

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from nuportal.search.peaks import plot_upper_limits

    fig, ax = plt.subplots(figsize=(9.5, 4))
    plot_upper_limits(ax, result)
    from nuportal.io import save_figure

    save_figure(fig, path, dpi=150, bbox_inches="tight")
