"""NA62 K+ -> pi0 e+ N missing-mass search (reference 000): beam, acceptance, vetoes, background,
signal efficiency and projected reach."""

from nuportal.experiments.na62.config import NA62Config, load_config

__all__ = ["NA62Config", "load_config"]
