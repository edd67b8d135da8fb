"""Three-flavour neutrino oscillations in the Earth's matter (reference 004 Sec. II, Eq. 3)."""

from nuportal.oscillation.matter import (
    OscillationParameters,
    matter_potential_per_cm,
    probabilities,
    smeared_probabilities,
    vacuum_probabilities,
)
from nuportal.oscillation.table import EarthOscillationTable, earth_oscillation_table

__all__ = [
    "EarthOscillationTable",
    "OscillationParameters",
    "earth_oscillation_table",
    "matter_potential_per_cm",
    "probabilities",
    "smeared_probabilities",
    "vacuum_probabilities",
]
