"""``nuportal tag``: tagged-neutrino kinematics of one K+ -> mu+ nu candidate, or the expected yield."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer


def register(app: typer.Typer) -> None:
    """Add the ``tag`` command to the top-level app."""
    app.command("tag")(tag)


def _print(rows: dict, json_out: bool) -> None:
    if json_out:
        typer.echo(json.dumps(rows, indent=1, allow_nan=False))
        return
    for key, val in rows.items():
        typer.echo(f"{key:32s} {val:.6g}" if isinstance(val, float) else f"{key:32s} {val}")


def tag(
    p_kaon: Annotated[float | None, typer.Option(help="K+ momentum in GeV/c.")] = None,
    p_muon: Annotated[float | None, typer.Option(help="mu+ momentum in GeV/c.")] = None,
    theta_mu_mrad: Annotated[float | None, typer.Option(
        help="Measured K+-mu+ opening angle in mrad (default: two-body angle, m2_miss = 0).")] = None,
    vertex_z_m: Annotated[float | None, typer.Option(
        help="Decay vertex z in m from the target: adds the neutrino's distance to the axis at the LKr.")]
    = None,
    yield_mode: Annotated[bool, typer.Option("--yield", help="Expected tagged-neutrino yield instead.")]
    = False,
    n_kaon_decays: Annotated[float | None, typer.Option(
        help="K+ decays in the fiducial volume for --yield (default: the 2022 sample, 5e12).")] = None,
    config: Annotated[Path | None, typer.Option(help="User YAML configuration (na62_nutag format).")]
    = None,
    seed: Annotated[int, typer.Option(min=0, help="Random seed of the acceptance Monte Carlo.")] = 1,
    n_mc: Annotated[int, typer.Option(help="Monte Carlo K+ -> mu+ nu decays for --yield.")] = 200_000,
    json_out: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
):
    """K+ -> mu+ nu tagging: E_nu = E_K - E_mu, m2_miss, angles, LKr impact; or --yield (N_tagged)."""
    import numpy as np

    from nuportal.errors import NuportalInputError, require_range
    from nuportal.tagging.config import load_config

    cfg = load_config(config)
    if yield_mode:
        from nuportal.tagging.yields import expected_yield

        nk = cfg.reference.n_kaon_decays if n_kaon_decays is None else n_kaon_decays
        require_range("--n-kaon-decays", nk, 0.0, np.inf)
        from nuportal.budget import check_work

        require_range("--n-mc", n_mc, 1, np.inf, high_open=True)
        check_work("--n-mc", n_mc, "tag_mc")
        est = expected_yield(nk, cfg, np.random.default_rng(seed), n_mc=n_mc)
        _print({"n_kaon_decays": float(nk), "N_tagged": float(est.n_tagged), "BR_K_mu2": est.br,
                "A_geo": est.acceptance, "P_int_mean": est.p_int_accepted,
                "mean_E_nu_accepted_GeV": est.mean_e_nu_accepted_GeV, "eps_sel": est.efficiency,
                "eps_sel_calibrated_to_reference_002": est.calibrated, "seed": seed, "n_mc": n_mc},
               json_out)
        return
    if p_kaon is None or p_muon is None:
        raise NuportalInputError("--p-kaon and --p-muon are required unless --yield is given "
                                 "(allowed range: 0 < p_muon < p_kaon, GeV/c)")
    from nuportal.tagging.kinematics import tag_event

    theta = None
    if theta_mu_mrad is not None:
        require_range("--theta-mu-mrad", theta_mu_mrad, 0.0, 1e3 * np.pi)
        theta = 1e-3 * theta_mu_mrad
    _print(tag_event(p_kaon, p_muon, theta, vertex_z_m, cfg.geometry.lkr_z_m), json_out)
