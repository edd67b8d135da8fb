"""SamplingPlan: one validated value for every sampling knob of both engines."""

import numpy as np
import pytest

from nuportal.errors import NuportalInputError
from nuportal.mc.plan import SamplingPlan
from nuportal.mc.reweight import decay_model


@pytest.mark.parametrize("kw,needle", [
    ({"share_floor": 1.5}, "share_floor = 1.5"),
    ({"forward_u_min": 0.1}, "forward_u_min = 0.1"),
    ({"stream_shares": "half"}, "stream_shares = 'half'"),
    ({"stream_shares": (1, -1)}, "non-negative"),
    ({"radial_fractions": (0.2, 0.2)}, "radial_fractions must be"),
    ({"radial_fractions": (0.2, 0.2, 0.3)}, "needs lambda0_cm"),
    ({"corners": ((0.6, 1, 2), (0.5, 1, 2))}, "sum to less than 1"),
    ({"vertex_fractions": (0.5, 0.5, 0.0)}, "column fraction must be > 0"),
    ({"vertex_log_scale_cm": 0.0}, "vertex_log_scale_cm = 0"),
    ({"chunk_size": 0}, "chunk_size = 0"),
])
def test_bad_plans_are_refused(kw, needle):
    with pytest.raises(NuportalInputError) as exc:
        SamplingPlan(**kw)
    assert needle in str(exc.value)


def test_plan_replace_and_record():
    p = SamplingPlan().replace(vertex_fractions=(1, 1, 2))
    assert p.vertex_fractions == (0.25, 0.25, 0.5)
    with pytest.raises(NuportalInputError, match="unknown sampling-plan fields"):
        p.replace(n_events=5)
    d = p.to_dict()
    assert d["corners"] == [list(c) for c in p.corners] and d["vertex_fractions"] == [0.25, 0.25, 0.5]


def test_dipole_visible_conventions():
    """ee: physical width in the total; ee-ref003: printed ratio, Gamma = Gamma(nu gamma); -dn: half."""
    from nuportal.decay import dipole_pair

    m = 0.5
    g = decay_model(m, "dipole", (0, 1, 0))
    ee = decay_model(m, "dipole", (0, 1, 0), dipole_visible="ee")
    r = float(dipole_pair.ee_to_gamma_ratio(m))
    assert ee.width_unit == pytest.approx(g.width_unit * (1 + r), rel=1e-12)
    assert ee.b_vis == pytest.approx(r / (1 + r), rel=1e-12)
    ref = decay_model(m, "dipole", (0, 1, 0), dipole_visible="ee-ref003")
    assert ref.width_unit == g.width_unit and ref.b_vis == pytest.approx(0.00941, abs=1e-4)  # "about 0.94%"
    dn = decay_model(m, "dipole", (0, 1, 0), dipole_visible="ee-ref003-dn")
    assert dn.width_unit == pytest.approx(0.5 * g.width_unit)
    with pytest.raises(NuportalInputError, match="dipole_visible = 'mu'"):
        decay_model(m, "dipole", (0, 1, 0), dipole_visible="mu")


def test_geometry_density_override():
    from nuportal.geometry import load_geometry

    g = load_geometry("nd280")
    h = g.with_material_density("GAS", 1.855)
    c = 0.5 * (g.fid_lo + g.fid_hi)
    assert np.allclose(h.mass_density(c), 1.855) and np.allclose(g.mass_density(c), 0.001855)
    k = h.species.index("Ar40")
    assert np.allclose(h.number_densities(c)[k], 1000 * g.number_densities(c)[k])
    with pytest.raises(NuportalInputError, match="no material 'CHEESE'"):
        g.with_material_density("CHEESE", 1.0)
