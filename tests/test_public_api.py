"""The public API is fixed by __all__ (DESIGN.md)."""

import importlib

import nuportal

MODULES = {
    "nuportal": {"HNL", "NuportalInputError", "__version__"},
    "nuportal.production.processes": {"Process", "PROCESSES", "get_process", "br_over_U2"},
    "nuportal.production.meson": {"rho", "br_over_U2", "MESONS"},
}


def test_all_lists_exist_and_resolve():
    for name, expected in MODULES.items():
        mod = importlib.import_module(name)
        assert expected <= set(mod.__all__), name
        for attr in mod.__all__:
            assert hasattr(mod, attr), f"{name}.{attr}"
    assert nuportal.__version__
