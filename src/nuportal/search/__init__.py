"""Searches in observed data: resonance (peak) scans of binned mass spectra.

* :mod:`nuportal.search.peaks` -- the mass-hypothesis scan of shared reference 001 (NA48/2 and
  NA62 HNL peak searches): windows ``m +- k sigma(m)``, local significance, Rolke-Lopez /
  Feldman-Cousins / CLs intervals per hypothesis, and the look-elsewhere effect.
"""

from nuportal.search.peaks import (
    BinnedSpectrum,
    GlobalSignificance,
    PeakScan,
    global_significance,
    plot_upper_limits,
    read_spectrum_csv,
    scan_peaks,
)

__all__ = [
    "BinnedSpectrum",
    "read_spectrum_csv",
    "scan_peaks",
    "PeakScan",
    "global_significance",
    "GlobalSignificance",
    "plot_upper_limits",
]
