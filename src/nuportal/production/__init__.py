"""HNL production in meson decays (two-body and K_l3-type three-body)."""
