"""Convention sets (reference 004's authors' choices as data) and the difference ledger."""

import json
from pathlib import Path

import numpy as np
import pytest

from nuportal.cli import main
from nuportal.errors import NuportalInputError
from nuportal.experiments.atmospheric import study as S
from nuportal.experiments.atmospheric.conventions import (
    CHOICES,
    apply_convention,
    available_conventions,
    ledger_configs,
    load_convention,
)

ORACLE = json.loads((Path(__file__).parent / "atmo_upscatt_oracle.json").read_text())


def test_shipped_sets_are_complete_and_cited():
    assert {"nuportal", "reference-004-authors"} <= set(available_conventions())
    for name in ("nuportal", "reference-004-authors"):
        conv = load_convention(name)
        assert list(conv.choices) == list(CHOICES) or set(conv.choices) == set(CHOICES)
        assert all(c.source.strip() for c in conv.choices.values())
    authors = load_convention("reference-004-authors")
    # every authors' item cites the file of their repository it comes from (or the paper)
    for key, c in authors.choices.items():
        assert ".py" in c.source or "reference 004" in c.source, key


def test_nuportal_set_is_the_default_study():
    cfg = S.study_config("superk")
    same = apply_convention(cfg, "nuportal")
    assert same.model_dump(exclude={"convention"}) == cfg.model_dump(exclude={"convention"})


def test_authors_set_changes_the_study():
    cfg = apply_convention(S.study_config("superk"), "reference-004-authors")
    assert cfg.name == "superk-reference-004-authors" and cfg.convention == "reference-004-authors"
    assert cfg.flux == "h3a-sibyll23c" and cfg.coherent_m4_sign == 1 and cfg.forward_u_min == 1e-7
    assert cfg.depth_m == pytest.approx(637.81) and cfg.rate_test_z == 1.65
    # R_min = V^(1/3) for V = 22.5e3 m^3 (MainIntegration.py:55): 28.23 m
    assert cfg.rock_distance_m == pytest.approx(22500.0 ** (1 / 3), rel=1e-9)
    site = S.engine_inputs(cfg, "dipole")[0]
    assert site.length_cm == pytest.approx(2822.9, rel=1e-4)
    assert site.area_cm2 == pytest.approx(site.volume_cm3 ** (2 / 3), rel=1e-9)


def test_ledger_steps_order():
    steps = ledger_configs(S.study_config("superk"), "reference-004-authors")
    assert steps[0][:2] == ("baseline", "nuportal")
    keys = [k for k, mode, _ in steps[1:] if mode == "single"]
    # the choices both sets share are not steps
    assert keys == [k for k in CHOICES if k not in ("oscillations", "earth_ocean", "atomic_screening")]
    options = [(k, cfg.atomic_screening) for k, mode, cfg in steps if mode == "option"]
    assert options == [("atomic_screening", True)]
    last = [cfg for _, mode, cfg in steps if mode == "cumulative"][-1]
    full = apply_convention(S.study_config("superk"), "reference-004-authors")
    assert last.model_dump(exclude={"convention", "name"}) == full.model_dump(exclude={"convention", "name"})


@pytest.mark.parametrize("text, match", [
    ("name: x\ndescription: y\nchoices: {}\n", "missing keys"),
    ("name: x\ndescription: y\nchoices:\n" + "".join(
        f"  {k}: {{value: {v}, source: s}}\n" for k, v in [
            ("flux", "honda2014-kamioka"), ("oscillations", "true"), ("rock_distance", "study"),
            ("detector_shape", "mean-chord"), ("depth_m", "null"), ("coherent_m4_sign", "-1"),
            ("atomic_screening", "false"),
            ("forward_u_min", "0.5"), ("rate_test_z", "null"), ("earth_ocean", "false")]),
     r"forward_u_min = 0.5 is outside the allowed values \(\[0, 1e-3\]\)"),
])
def test_bad_convention_file(tmp_path, text, match):
    path = tmp_path / "bad.yaml"
    path.write_text(text)
    with pytest.raises(NuportalInputError, match=match):
        load_convention(str(path))


def test_unknown_convention_named():
    with pytest.raises(NuportalInputError, match="unknown convention 'authors'; available: nuportal"):
        load_convention("authors")


def test_cli_convention(capsys):
    code = main(["rate", "atm-upscatter", "--convention", "reference-004-authors", "--n-events", "3000",
                 "--json"])
    out = capsys.readouterr().out
    assert code == 0 and json.loads(out)["experiment"] == "superk-reference-004-authors"
    assert main(["rate", "atm-upscatter", "--convention", "nope", "--json"]) == 2
    assert "unknown convention 'nope'" in capsys.readouterr().err
    assert main(["reproduce", "000", "--convention", "reference-004-authors"]) == 2
    assert "reference 004 only" in capsys.readouterr().err


def _emulation():
    """The authors' convention without oscillations: what their MainIntegration + ReIntegrate compute."""
    cfg = apply_convention(S.study_config("superk"), "reference-004-authors")
    return cfg.model_copy(update={"oscillations": False})


@pytest.mark.slow
@pytest.mark.parametrize("point, sample, tol", [("A", "subgev", 0.05), ("A", "multigev", 0.10),
                                                ("B", "subgev", 0.08), ("B", "multigev", 0.10)])
def test_authors_convention_reproduces_their_code(point, sample, tol):
    """nuportal in the authors' convention against their own code at points A and B (1e5 events there;
    2e5 here, MC errors 1-3%).  Measured: A sub-GeV +0.2%, A multi-GeV +2%, B +3% and +6%: the residual
    at B (100 MeV, E ~ GeV) is the incoherent channels, where their code sets E_N = E_nu and uses Eq. 34's
    g^{mu nu} form; the tolerances allow 3 sigma of the MC above that."""
    p = ORACLE["points"][point]
    cfg = _emulation()
    ev = S.simulate_mass(cfg, "dipole", p["m_N_GeV"], 200_000, 5)
    n, rel = S.sample_signal(ev, cfg, sample, "e", [p["d_MeV"] * 1e3])
    theirs = np.mean([v for v in p[sample] if v is not None])
    assert n[0] / theirs == pytest.approx(1.0, abs=tol)


@pytest.mark.slow
def test_authors_convention_matches_published_curves():
    """Issue: floors 10-60 MeV within 15% in d, highest excluded masses within 10%, against the sigma_sys =
    5% curves of Fig. 2 digitised in hnlimits (measured: e, mu floors 0.95-1.04 over 10-60 MeV, tips
    1.01-1.06).  The nu_tau floors (0.77-0.94, lowest near the nu_tau tip) are not asserted: the tau flux is
    all oscillation, which the authors compute with their own ODE code (oscillations.py: R_E = 6731 km, a
    typo for 6371, and rtol 1e-3; Update_Fluxes leaves the 5% lowest-rate events unoscillated)."""
    from nuportal.experiments.atmospheric import ledger as L

    cfg = apply_convention(S.study_config("superk"), "reference-004-authors")
    for m in (0.01, 0.02, 0.03, 0.045):
        ev = S.simulate_mass(cfg, "dipole", m, 100_000, 2)
        for f in ("e", "mu"):
            ratio = L.floor(cfg, f, m, 0, 0, 0.05, events=ev) / L.paper_floor(f, m)
            assert ratio == pytest.approx(1, abs=0.15), (f, m)
    q = L.quantities(cfg, 100_000, 2)
    paper = L.paper_values()
    for f in ("e", "mu", "tau"):
        assert q[f"max_mass_{f}"] / paper[f"max_mass_{f}"] == pytest.approx(1.0, abs=0.10), f
    # points A and B are not on the boundary in the authors' own code either (oracle: A 0.54, B 2.65 of the
    # threshold without oscillations); pinned at the measured values (+-10%, MC 2%)
    assert 0.45 <= q["point_A"] <= 0.56
    assert 2.4 <= q["point_B"] <= 3.0
