"""Kaon-decay HNL searches of reference 001 (NA48/2 K -> pi mu mu, NA62-RK and NA62 K -> l N).

* :mod:`~nuportal.experiments.kaon_searches.config` -- validated YAML configurations.
* :mod:`~nuportal.experiments.kaon_searches.spectra` -- SYNTHETIC missing-mass spectra.
* :mod:`~nuportal.experiments.kaon_searches.analysis` -- peak scan -> BR -> |U|^2.
"""

from nuportal.experiments.kaon_searches.analysis import PeakSearchResult, run_peak_search
from nuportal.experiments.kaon_searches.config import (
    PEAK_SEARCHES,
    KPiMuMuConfig,
    PeakSearchConfig,
    load_kpimumu,
    load_peak_search,
)
from nuportal.experiments.kaon_searches.spectra import SYNTHETIC_LABEL, SyntheticSpectrum, synthetic_spectrum

__all__ = ["PEAK_SEARCHES", "KPiMuMuConfig", "PeakSearchConfig", "PeakSearchResult", "SYNTHETIC_LABEL",
           "SyntheticSpectrum", "load_kpimumu", "load_peak_search", "run_peak_search", "synthetic_spectrum"]
