"""Numbers the README quotes, recomputed: each case finds the README's text and checks that the code gives
the same number at the README's precision (the quoted digits). Monte Carlo results at publication
statistics (acceptances, backgrounds, contour floors) are pinned by the slow reproduction tests instead
(`make validate`); the cases here are the deterministic ones, fast enough for every CI run."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from scipy.stats import poisson

README = (Path(__file__).resolve().parents[1] / "README.md").read_text()


def _kmu3_ke3():
    from nuportal.production import kl3

    return kl3.kmu3_over_ke3()


def _fc_upper():
    from nuportal.stats.intervals import feldman_cousins

    return feldman_cousins(1, 1.0, 0.9).upper


def _rl_upper():
    from nuportal.stats.intervals import rolke_lopez

    return rolke_lopez(1, 1.16, float(np.hypot(0.87, 0.12)), 0.9).upper


def _e_nu():
    from nuportal.tagging.kinematics import tag_event

    return tag_event(77.34, 25.26)["E_nu_GeV"]


def _br_example():
    from nuportal.production.processes import br_over_U2

    return br_over_U2("K+ -> pi0 e+ N", 0.135)


def _upper(experiment, sample, sys):
    from nuportal.experiments.atmospheric.study import signal_upper_limit, study_config

    return signal_upper_limit(study_config(experiment), sample, sys, "dipole")


def _printed_over_physical(m):
    from nuportal.decay.dipole_pair import ee_to_gamma_ratio, ee_to_gamma_ratio_reference003

    return 100 * (ee_to_gamma_ratio_reference003(m) / ee_to_gamma_ratio(m) - 1)


CASES = [
    ("| 0.6611 |", _kmu3_ke3, "{:.4f}", "0.6611"),
    ("[0, 3.357]", _fc_upper, "{:.3f}", "3.357"),
    ("→ Rolke-Lopez 90% CL signal events | — | 2.77", _rl_upper, "{:.2f}", "2.77"),
    ("| 52.09 GeV | 52.08 GeV |", _e_nu, "{:.2f}", "52.08"),
    ("# BR/|U_e|^2 = 0.0258", _br_example, "{:.4f}", "0.0258"),
    ("| 19%, 3% | 19.0%, 3.3% |", lambda: 100 * poisson.pmf(1, 0.208 + 0.034), "{:.1f}", "19.0"),
    ("| 19%, 3% | 19.0%, 3.3% |", lambda: 100 * poisson.pmf(1, 0.034), "{:.1f}", "3.3"),
    ("| 197 / 893 | 196.2 / 890.0", lambda: _upper("superk", "subgev", 0.0), "{:.1f}", "196.2"),
    ("| 197 / 893 | 196.2 / 890.0", lambda: _upper("superk", "subgev", 0.05), "{:.1f}", "890.0"),
    ("| 26 / 145 | 25.5 / 145.2 |", lambda: _upper("superk", "multigev", 0.0), "{:.1f}", "25.5"),
    ("| 26 / 145 | 25.5 / 145.2 |", lambda: _upper("superk", "multigev", 0.05), "{:.1f}", "145.2"),
    ("| 218 / 18 | 216.8 / 16.9", lambda: _upper("hyperk", "subgev", 0.0), "{:.1f}", "216.8"),
    ("| 218 / 18 | 216.8 / 16.9", lambda: _upper("dune", "subgev", 0.0), "{:.1f}", "16.9"),
    ("16.6% too high at 150 MeV", lambda: _printed_over_physical(0.150), "{:.1f}", "16.6"),
    ("and 12.9% at 500 MeV", lambda: _printed_over_physical(0.500), "{:.1f}", "12.9"),
]


@pytest.mark.parametrize("text,compute,fmt,shown", CASES, ids=[c[0][:40] for c in CASES])
def test_readme_number_is_what_the_code_gives(text, compute, fmt, shown):
    assert text in README, f"the README no longer quotes {text!r}: update this test with it"
    assert fmt.format(compute()) == shown
