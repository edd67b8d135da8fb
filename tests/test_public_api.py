"""The public API is fixed by __all__ (DESIGN.md)."""

import importlib

import nuportal

MODULES = {
    "nuportal": {"HNL", "NuportalInputError", "__version__"},
    "nuportal.production.processes": {"Process", "PROCESSES", "get_process", "br_over_U2"},
    "nuportal.production.meson": {"rho", "br_over_U2", "MESONS"},
    "nuportal.stats.intervals": {"Interval", "feldman_cousins", "rolke_lopez", "cls_upper_limit",
                                 "cls_upper_limit_binned", "gaussian_rate_upper_limit"},
    "nuportal.search.peaks": {"BinnedSpectrum", "scan_peaks", "PeakScan", "global_significance",
                              "read_spectrum_csv", "plot_upper_limits"},
    "nuportal.recast.kaon": {"br_upper_limit", "mixing_from_br"},
    "nuportal.recast.kpimumu": {"br_product_limit_vs_lifetime", "mixing_limit_from_kpimumu"},
    "nuportal.tagging": {"neutrino_energy", "missing_mass2", "expected_yield", "projection"},
    "nuportal.earth.prem": {"EARTH_RADIUS_CM", "SHELLS", "density", "shell_of", "earth_mass_kg"},
    "nuportal.earth.composition": {"ELEMENTS", "mass_fractions", "number_densities", "electron_fraction"},
    "nuportal.earth.geometry": {"entry_point", "cos_zenith_at_entry", "path_profile", "cos_theta_max_inside"},
    "nuportal.earth.sites": {"Site", "get_site", "available_sites"},
    "nuportal.flux.atmospheric": {"HondaFlux", "load_honda", "FLAVOURS"},
    "nuportal.flux.sources": {"AtmosphericSource"},
    "nuportal.oscillation": {"OscillationParameters", "probabilities", "EarthOscillationTable"},
    "nuportal.nuclear.nuclei": {"Nucleus", "get_nucleus"},
    "nuportal.nuclear.form_factors": {"helm", "fermi_2p"},
    "nuportal.production.upscattering": {"channels", "CoherentChannel", "NucleonChannel", "DISChannel"},
    "nuportal.mc": {"simulate", "expected_events", "UpscatterEvents", "EarthTarget", "default_channels"},
    "nuportal.scan": {"excluded_interval", "run_mass_scan", "log_grid"},
    "nuportal.experiments.atmospheric.study": {"point_rate", "mass_point", "sample_signal", "FLAVOURS"},
}


def test_all_lists_exist_and_resolve():
    for name, expected in MODULES.items():
        mod = importlib.import_module(name)
        assert expected <= set(mod.__all__), name
        for attr in mod.__all__:
            assert hasattr(mod, attr), f"{name}.{attr}"
    assert nuportal.__version__


def test_scalar_mass_gives_a_python_float_and_arrays_keep_their_shape():
    import numpy as np

    from nuportal.production import kl3, meson
    from nuportal.production.processes import br_over_U2

    for fn in (lambda m: kl3.br_over_U2(m, "e"), lambda m: meson.br_over_U2(m, "K+", "mu"),
               lambda m: br_over_U2("K+ -> pi0 e+ N", m)):
        assert isinstance(fn(0.1), float)
        assert np.shape(fn(np.array([0.05, 0.1]))) == (2,)
        assert fn(np.array([0.05, 0.1]))[1] == fn(0.1)
