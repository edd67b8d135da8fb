"""HNL decay widths, branching ratios, lifetimes and decay probabilities (below the kaon mass).

See :mod:`nuportal.decay.widths` for the formulas, references and the Dirac/Majorana convention.
"""

from nuportal.decay.widths import (
    CHANNELS,
    CHARGED_LEPTONS,
    VISIBLE_CHANNELS,
    branching_ratios,
    branching_ratios_from_widths,
    charge_conjugation_factor,
    ctau_cm,
    decay_length_cm,
    decay_probability,
    lifetime_s,
    max_mass,
    nc_coefficients,
    neutral_current_kernel,
    partial_widths,
    partial_widths_array,
    three_body_integral,
    total_width,
    visible_fraction,
    width_3nu,
    width_l_pi,
    width_lalpha_lbeta_nu,
    width_nu_gamma,
    width_nu_ll,
    width_nu_pi0,
)

__all__ = [
    "CHANNELS", "CHARGED_LEPTONS", "VISIBLE_CHANNELS", "branching_ratios",
    "branching_ratios_from_widths", "charge_conjugation_factor", "ctau_cm", "decay_length_cm",
    "decay_probability", "lifetime_s", "max_mass", "nc_coefficients", "neutral_current_kernel",
    "partial_widths", "partial_widths_array", "three_body_integral", "total_width",
    "visible_fraction", "width_3nu", "width_l_pi", "width_lalpha_lbeta_nu", "width_nu_gamma",
    "width_nu_ll", "width_nu_pi0",
]
