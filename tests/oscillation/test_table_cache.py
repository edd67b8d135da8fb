"""The on-disk cache of the Earth oscillation table gives exactly the table a fresh build gives."""

import numpy as np

from nuportal.oscillation import table as T


def test_cached_table_equals_a_fresh_build(tmp_path, monkeypatch):
    monkeypatch.setenv("NUPORTAL_CACHE_DIR", str(tmp_path))
    T.earth_oscillation_table.cache_clear()
    try:
        built = T.earth_oscillation_table()  # builds and writes the cache file
        files = list(tmp_path.glob("earth-oscillation-*.npz"))
        assert len(files) == 1
        T.earth_oscillation_table.cache_clear()
        loaded = T.earth_oscillation_table()  # read back from disk
        assert loaded is not built
        assert np.array_equal(loaded.table, built.table) and np.array_equal(loaded._rows, built._rows)
        rng = np.random.default_rng(3)
        E, r, mu = 10 ** rng.uniform(-1, 4, 500), rng.uniform(0, 6.371e8, 500), rng.uniform(-1, 1, 500)
        assert np.array_equal(loaded.probabilities4_both(E, r, mu), built.probabilities4_both(E, r, mu))
        files[0].write_bytes(b"damaged")  # a damaged file is rebuilt, not trusted
        T.earth_oscillation_table.cache_clear()
        again = T.earth_oscillation_table()
        assert np.array_equal(again.table, built.table)
    finally:
        T.earth_oscillation_table.cache_clear()


def test_cache_can_be_switched_off(monkeypatch):
    monkeypatch.setenv("NUPORTAL_CACHE_DIR", "off")
    assert T.cache_dir() is None
