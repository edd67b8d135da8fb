"""Statistics for sensitivity projections.

* :mod:`nuportal.stats.counting` -- cut-and-count (rolling-window) detection and median
  exclusion yields, asymptotic (``s = z sqrt(b)``, ``s = z sqrt(b + s)``) and exact Poisson.
* :mod:`nuportal.stats.intervals` -- observed intervals and limits: Feldman-Cousins,
  Rolke-Lopez profile likelihood, exact Poisson and binned asymptotic CLs, and the rate-only
  Gaussian test of reference 004 (results are :class:`~nuportal.stats.intervals.Interval`).
* :mod:`nuportal.stats.shape` -- binned shape analysis with the profile-likelihood Asimov
  test statistics (Cowan, Cranmer, Gross & Vitells 2011) and a pyhf cross-check.

Default exclusion test everywhere: ``method="clsb"`` (the convention behind the paper's
``s = 1.282 sqrt(b + s)``); ``method="cls"`` is available in every exclusion function.
"""

from nuportal.stats.counting import (
    POISSON_ASYMPTOTIC_SWITCH,
    detection_signal_asymptotic,
    detection_signal_poisson,
    exclusion_signal_asymptotic,
    exclusion_signal_poisson,
    signal_needed,
    z_from_cl,
)
from nuportal.stats.intervals import (
    Interval,
    cls_upper_limit,
    cls_upper_limit_binned,
    feldman_cousins,
    gaussian_rate_upper_limit,
    rolke_lopez,
)
from nuportal.stats.shape import (
    discovery_significance_asimov,
    discovery_strength_asimov,
    pyhf_upper_limit,
    q0_asimov,
    q_mu_asimov,
    shape_signal_needed,
    upper_limit_asimov,
)

__all__ = [
    "POISSON_ASYMPTOTIC_SWITCH",
    "z_from_cl",
    "detection_signal_asymptotic",
    "exclusion_signal_asymptotic",
    "detection_signal_poisson",
    "exclusion_signal_poisson",
    "signal_needed",
    "q_mu_asimov",
    "q0_asimov",
    "upper_limit_asimov",
    "discovery_strength_asimov",
    "discovery_significance_asimov",
    "shape_signal_needed",
    "pyhf_upper_limit",
    "Interval",
    "feldman_cousins",
    "rolke_lopez",
    "cls_upper_limit",
    "cls_upper_limit_binned",
    "gaussian_rate_upper_limit",
]
