r"""Binned shape analysis: median expected upper limits and discovery reach (asymptotic).

This goes beyond the cut-and-count of the NA62 projection (shared reference
``000_8765c30c5ed4f07e``, Sec. IV: "we expect that the actual search will instead involve
spectrum shape analysis").  The model for a 1-D histogram with expected background ``B_i`` and
signal template ``S_i`` (expected yield for unit signal strength) is

    nu_i(mu, theta) = mu S_i + B_i (1 + sigma_b theta),     n_i ~ Poisson(nu_i),
    theta ~ N(0, 1)   (Gaussian-constrained background normalisation; absent if sigma_b = 0).

With the Poisson deviance ``d(n, nu) = nu - n + n ln(n / nu)`` every Asimov test statistic of
Cowan, Cranmer, Gross & Vitells, Eur. Phys. J. C 71 (2011) 1554, arXiv:1007.1727 (CCGV) is

    q(n, a) = min_theta [ 2 sum_i d(n_i, a_i + B_i (1 + sigma_b theta)) + theta^2 ],

because on an Asimov data set the unconditional fit reproduces the generating point exactly:

* exclusion, background-only Asimov data ``n = B``, tested signal ``a = mu S``:
  ``q~_{mu,A} = q(B, mu S)``; for ``sigma_b = 0`` this is
  ``2 sum [mu S - B ln(1 + mu S / B)]``.  (The "tilde" and the plain ``q_mu`` coincide here
  because the Asimov ``mu_hat = 0`` is not negative.)
* discovery, signal-plus-background Asimov data ``n = B + mu S``, background-only fit
  ``a = 0``: ``q_{0,A} = q(B + mu S, 0)``; for ``sigma_b = 0`` this is
  ``2 sum [(mu S + B) ln(1 + mu S / B) - mu S]`` (CCGV Eq. (97) per bin).

Median expected results (CCGV Secs. 3-4; ``Phi`` = standard normal CDF, ``alpha = 1 - cl``):

* upper limit ``mu_up``: ``q~_{mu,A}(mu_up) = z^2`` with ``z = Phi^-1(1 - alpha)`` for
  ``CL_{s+b}`` and ``z = Phi^-1(1 - alpha / 2)`` for ``CL_s`` (``CL_b = 1/2`` at the median);
* detection: median significance ``Z_A = sqrt(q_{0,A})``; the strength needed for a
  ``cl`` local detection solves ``q_{0,A}(mu) = Phi^-1(cl)^2``.

Both ``q`` are convex and increasing in ``mu >= 0`` (a partial minimum of a jointly convex
function), so a safeguarded Newton iteration (``dq/dmu`` from the envelope theorem) converges
monotonically; ``theta`` is profiled by Newton iterations with a fraction-to-boundary rule that
keeps every ``nu_i > 0``.  Everything is vectorised over leading "batch" axes: ``signal`` and
``background`` of shape ``(..., n_bins)`` give results of shape ``(...)``.

:func:`pyhf_upper_limit` computes the same median expected limit with pyhf (field-standard
cross-check; the numpy model above is exactly pyhf's ``histosys`` with linear interpolation).
"""

from __future__ import annotations

import numpy as np
from scipy import special

from nuportal.errors import NuportalInputError, require_range
from nuportal.stats._validate import check_choice, check_cl, scalar_or_array

__all__ = [
    "q_mu_asimov",
    "q0_asimov",
    "upper_limit_asimov",
    "discovery_strength_asimov",
    "discovery_significance_asimov",
    "shape_signal_needed",
    "pyhf_upper_limit",
]

_MAXITER = 100
_RTOL = 1e-10


def _prepare(signal, background, bkg_uncertainty, batch=0.0):
    """Validate and broadcast inputs to S, B of shape (..., n) and sigma of shape (...)."""
    S = np.asarray(signal, dtype=float)
    B = np.asarray(background, dtype=float)
    require_range("signal", S, 0.0, np.inf, high_open=True)
    require_range("background", B, 0.0, np.inf, high_open=True)
    require_range("bkg_uncertainty", bkg_uncertainty, 0.0, np.inf, high_open=True)
    sigma = np.asarray(bkg_uncertainty, dtype=float)
    if S.ndim == 0 or B.ndim == 0 or S.shape[-1] != B.shape[-1]:
        raise NuportalInputError(
            f"signal shape {S.shape} and background shape {B.shape} must both end in the same "
            "number of bins (>= 1)"
        )
    try:
        full = np.broadcast_shapes(S.shape[:-1], B.shape[:-1], sigma.shape, np.shape(batch))
    except ValueError as exc:
        raise NuportalInputError(
            f"signal {S.shape}, background {B.shape}, bkg_uncertainty {sigma.shape} and "
            f"mu {np.shape(batch)} have incompatible batch shapes"
        ) from exc
    S = np.broadcast_to(S, full + S.shape[-1:])
    B = np.broadcast_to(B, full + B.shape[-1:])
    total = S.sum(axis=-1)
    if np.any(total <= 0.0):
        raise NuportalInputError(
            f"signal template sum = {np.min(total):g} is outside the allowed range (0, inf)"
        )
    return S, B, np.broadcast_to(sigma, full)


def _deviance(n, delta):
    """Poisson deviance d(n, nu) with delta = nu - n (log1p form: exact for |delta| << n)."""
    pos = n > 0.0
    n_safe = np.where(pos, n, 1.0)
    return np.where(pos, delta - n_safe * np.log1p(delta / n_safe), delta)


def _profile_theta(n, base, sB, theta):
    """Newton solve of min_theta sum 2 d(n, n + base + sB theta) + theta^2 (warm start theta)."""
    active = sB > 0.0
    for _ in range(_MAXITER):
        delta = base + sB * theta[..., None]
        nu = n + delta
        nu_safe = np.where(nu > 0.0, nu, 1.0)
        grad = 2.0 * np.sum(sB * delta / nu_safe, axis=-1) + 2.0 * theta
        curv = 2.0 * np.sum(sB * sB * n / nu_safe**2, axis=-1) + 2.0
        step = -grad / curv
        # fraction to the boundary: no nu_i may drop by more than half in one step
        room = np.min(np.where(active, nu / np.where(active, sB, 1.0), np.inf), axis=-1)
        step = np.maximum(step, -0.5 * room)
        theta = theta + step
        if np.all(np.abs(step) <= 1e-12 * (1.0 + np.abs(theta))):
            break
    return theta


def _q_and_slope(mu, S, B, sigma, kind, theta):
    """Profiled Asimov q(mu), dq/dmu and theta_hathat for kind 'exclusion' or 'discovery'."""
    muS = mu[..., None] * S
    n, base = (B, muS) if kind == "exclusion" else (B + muS, -muS)
    sB = sigma[..., None] * B
    if np.any(sigma > 0.0):
        theta = _profile_theta(n, base, sB, theta)
    delta = base + sB * theta[..., None]
    q = 2.0 * np.sum(_deviance(n, delta), axis=-1) + theta * theta
    if kind == "exclusion":
        nu = n + delta
        slope = 2.0 * np.sum(S * delta / np.where(nu > 0.0, nu, 1.0), axis=-1)
    else:
        pos = n > 0.0
        n_safe = np.where(pos, n, 1.0)
        slope = -2.0 * np.sum(np.where(pos, S * np.log1p(delta / n_safe), 0.0), axis=-1)
    return q, slope, theta


def _initial_mu(S, B, sigma, z):
    """Gaussian (Fisher-information) guess z * sigma_mu, evaluated at nu = B + S."""
    nu = B + S
    sB = sigma[..., None] * B
    i_mm = np.sum(S * S / nu, axis=-1)
    i_mt = np.sum(S * sB / nu, axis=-1)
    i_tt = np.sum(sB * sB / nu, axis=-1) + 1.0
    return z / np.sqrt(i_mm - i_mt * i_mt / i_tt)


def _solve_mu(S, B, sigma, z, kind):
    """Safeguarded Newton solve of q(mu) = z^2 (q convex, increasing, q(0) = 0)."""
    target = z * z
    mu = _initial_mu(S, B, sigma, z)
    theta = np.zeros_like(mu)
    for _ in range(_MAXITER):
        q, slope, theta = _q_and_slope(mu, S, B, sigma, kind, theta)
        new = np.clip(mu - (q - target) / slope, 0.1 * mu, 10.0 * mu)
        done = np.abs(new - mu) <= _RTOL * mu
        mu = new
        if np.all(done):
            return mu
    raise RuntimeError(f"q(mu) = z^2 not solved in {_MAXITER} Newton steps")  # pragma: no cover


def _check_discovery_bins(S, B):
    """Discovery needs B_i > 0 wherever S_i > 0 (else q_0 is infinite)."""
    bad = (B <= 0.0) & (S > 0.0)
    if np.any(bad):
        raise NuportalInputError(
            "background = 0 in a bin with signal > 0 makes the asymptotic discovery "
            "significance infinite; allowed range for background there is (0, inf) -- merge "
            "bins or add a background floor"
        )


def q_mu_asimov(mu, signal, background, bkg_uncertainty=0.0):
    r"""Median (Asimov, background-only) exclusion test statistic ``q~_{mu,A}``.

    Parameters
    ----------
    mu : float or array_like
        Tested signal strength(s) (>= 0), broadcast against the batch shape.
    signal, background : array_like, shape (..., n_bins)
        Signal template for ``mu = 1`` and expected background (>= 0, finite).
    bkg_uncertainty : float or array_like, optional
        Relative Gaussian background-normalisation uncertainty ``sigma_b`` (default 0).

    Returns
    -------
    float or ndarray
        ``q~_{mu,A} = min_theta 2 sum d(B_i, mu S_i + B_i (1 + sigma_b theta)) + theta^2``;
        for ``sigma_b = 0``: ``2 sum [mu S_i - B_i ln(1 + mu S_i / B_i)]`` (CCGV).
    """
    require_range("mu", mu, 0.0, np.inf, high_open=True)
    mu = np.asarray(mu, dtype=float)
    S, B, sigma = _prepare(signal, background, bkg_uncertainty, batch=mu)
    mu = np.broadcast_to(mu, sigma.shape)
    return scalar_or_array(_q_and_slope(mu, S, B, sigma, "exclusion", np.zeros(mu.shape))[0])


def q0_asimov(mu, signal, background, bkg_uncertainty=0.0):
    r"""Median discovery test statistic ``q_{0,A}`` for signal-plus-background Asimov data.

    Parameters
    ----------
    mu : float or array_like
        True signal strength(s) of the Asimov data (>= 0).
    signal, background : array_like, shape (..., n_bins)
        Signal template and background; ``background > 0`` wherever ``signal > 0``.
    bkg_uncertainty : float or array_like, optional
        Relative Gaussian background-normalisation uncertainty ``sigma_b`` (default 0).

    Returns
    -------
    float or ndarray
        ``q_{0,A} = min_theta 2 sum d(mu S_i + B_i, B_i (1 + sigma_b theta)) + theta^2``;
        for ``sigma_b = 0``: ``2 sum [(mu S_i + B_i) ln(1 + mu S_i / B_i) - mu S_i]``
        (CCGV Eq. (97) summed over bins).  ``Z_A = sqrt(q_{0,A})``.
    """
    require_range("mu", mu, 0.0, np.inf, high_open=True)
    mu = np.asarray(mu, dtype=float)
    S, B, sigma = _prepare(signal, background, bkg_uncertainty, batch=mu)
    _check_discovery_bins(S, B)
    mu = np.broadcast_to(mu, sigma.shape)
    return scalar_or_array(_q_and_slope(mu, S, B, sigma, "discovery", np.zeros(mu.shape))[0])


def upper_limit_asimov(signal, background, cl=0.9, bkg_uncertainty=0.0, method="clsb"):
    r"""Median expected upper limit ``mu_up`` on the signal strength (asymptotic, Asimov).

    Parameters
    ----------
    signal, background : array_like, shape (..., n_bins)
        Signal template for ``mu = 1`` and expected background (>= 0, finite; bins with
        ``B = 0`` are allowed and contribute ``2 mu S_i``).
    cl : float or array_like, optional
        Confidence level in (0.5, 1) (default 0.9).
    bkg_uncertainty : float or array_like, optional
        Relative Gaussian background-normalisation uncertainty ``sigma_b`` (default 0).
    method : {"clsb", "cls"}, optional
        ``"clsb"`` (default, consistent with the paper's ``s = z sqrt(b+s)``):
        ``q~_{mu,A}(mu_up) = Phi^-1(cl)^2``; ``"cls"``:
        ``q~_{mu,A}(mu_up) = Phi^-1(1 - (1 - cl)/2)^2`` (pyhf's default CLs limit).

    Returns
    -------
    float or ndarray
        ``mu_up`` with shape ``signal.shape[:-1]`` (broadcast).  The needed signal yield is
        ``mu_up * sum(signal)`` (see :func:`shape_signal_needed`).  Single bin, ``sigma_b = 0``,
        large ``b``: ``mu_up S -> z sqrt(b + mu_up S)`` (the counting formula).
    """
    check_cl(cl, low=0.5)
    check_choice("method", method, ("clsb", "cls"))
    S, B, sigma = _prepare(signal, background, bkg_uncertainty, batch=np.asarray(cl))
    cl = np.broadcast_to(np.asarray(cl, dtype=float), sigma.shape)
    z = special.ndtri(cl if method == "clsb" else 0.5 * (1.0 + cl))
    return scalar_or_array(_solve_mu(S, B, sigma, z, "exclusion"))


def discovery_strength_asimov(signal, background, cl=0.9, bkg_uncertainty=0.0):
    r"""Signal strength for which the median local significance reaches ``Phi^-1(cl)``.

    Solves ``q_{0,A}(mu) = Phi^-1(cl)^2`` (``Z_A = 1.2816`` for the paper's 90 % CL local
    detection; ``cl = Phi(5)`` gives the 5 sigma discovery reach).

    Parameters
    ----------
    signal, background : array_like, shape (..., n_bins)
        Signal template and background; ``background > 0`` wherever ``signal > 0``.
    cl : float or array_like, optional
        One-sided confidence level in (0.5, 1) (default 0.9).
    bkg_uncertainty : float or array_like, optional
        Relative Gaussian background-normalisation uncertainty ``sigma_b`` (default 0).

    Returns
    -------
    float or ndarray
        ``mu_det``; single bin and large ``b``: ``mu_det S -> z sqrt(b)``.
    """
    check_cl(cl, low=0.5)
    S, B, sigma = _prepare(signal, background, bkg_uncertainty, batch=np.asarray(cl))
    _check_discovery_bins(S, B)
    z = special.ndtri(np.broadcast_to(np.asarray(cl, dtype=float), sigma.shape))
    return scalar_or_array(_solve_mu(S, B, sigma, z, "discovery"))


def discovery_significance_asimov(signal, background, bkg_uncertainty=0.0):
    r"""Median discovery significance ``Z_A = sqrt(q_{0,A}(mu = 1))`` of the template ``signal``.

    Parameters
    ----------
    signal, background : array_like, shape (..., n_bins)
        Signal and background expectations; ``background > 0`` wherever ``signal > 0``.
    bkg_uncertainty : float or array_like, optional
        Relative Gaussian background-normalisation uncertainty ``sigma_b`` (default 0).

    Returns
    -------
    float or ndarray
        ``Z_A``; single bin, ``sigma_b = 0``: ``sqrt(2 ((s + b) ln(1 + s/b) - s))``.
    """
    return scalar_or_array(np.sqrt(q0_asimov(1.0, signal, background, bkg_uncertainty)))


def shape_signal_needed(
    signal, background, cl=0.9, kind="exclusion", bkg_uncertainty=0.0, method="clsb"
):
    r"""Total signal yield ``mu * sum(S)`` needed for median exclusion or detection.

    Shape-analysis analogue of :func:`nuportal.stats.counting.signal_needed`.

    Parameters
    ----------
    signal, background : array_like, shape (..., n_bins)
        Signal template (any normalisation) and expected background.
    cl : float or array_like, optional
        Confidence level in (0.5, 1) (default 0.9).
    kind : {"exclusion", "detection"}, optional
        :func:`upper_limit_asimov` or :func:`discovery_strength_asimov`.
    bkg_uncertainty : float or array_like, optional
        Relative Gaussian background-normalisation uncertainty ``sigma_b`` (default 0).
    method : {"clsb", "cls"}, optional
        Exclusion test (ignored for detection).

    Returns
    -------
    float or ndarray
        Needed signal yield summed over all bins.
    """
    check_choice("kind", kind, ("exclusion", "detection"))
    if kind == "exclusion":
        mu = upper_limit_asimov(signal, background, cl, bkg_uncertainty, method)
    else:
        mu = discovery_strength_asimov(signal, background, cl, bkg_uncertainty)
    return scalar_or_array(mu * np.sum(np.asarray(signal, dtype=float), axis=-1))


def _pyhf_model(S, B, sigma):
    """pyhf model: signal x normfactor 'mu'; background with a linear histosys (+-sigma_b)."""
    import pyhf

    bkg = {"name": "background", "data": B.tolist(), "modifiers": []}
    if sigma > 0.0:
        hi, lo = (B * (1.0 + sigma)).tolist(), (B * (1.0 - sigma)).tolist()
        bkg["modifiers"].append(
            {"name": "bkg_norm", "type": "histosys", "data": {"hi_data": hi, "lo_data": lo}}
        )
    sig = {"name": "signal", "data": S.tolist(),
           "modifiers": [{"name": "mu", "type": "normfactor", "data": None}]}
    spec = {"channels": [{"name": "shape", "samples": [sig, bkg]}]}
    return pyhf.Model(spec, poi_name="mu")


def _pyhf_expected_p(mu, data, model, bounds, method):
    """Median expected CL_s or CL_{s+b} at POI value ``mu`` (pyhf asymptotics, q~_mu)."""
    import pyhf

    calc = pyhf.infer.calculators.AsymptoticCalculator(
        data, model, par_bounds=bounds, test_stat="qtilde"
    )
    calc.teststatistic(mu)
    clsb, _, cls = calc.expected_pvalues(*calc.distributions(mu))
    return float((cls if method == "cls" else clsb)[2])


def pyhf_upper_limit(signal, background, bkg_uncertainty=None, cl=0.9, method="clsb"):
    r"""Median expected upper limit on ``mu`` computed with pyhf (cross-check).

    Builds a one-channel pyhf model (signal with a free normfactor ``mu``; background with,
    if ``bkg_uncertainty`` is given, a ``histosys`` modifier ``B (1 +- sigma_b)`` whose
    piecewise-linear interpolation and Gaussian constraint reproduce the numpy model exactly),
    takes the background-only Asimov data ``n = B`` and finds the ``mu`` at which pyhf's
    median expected ``CL_s`` (``method="cls"``, what ``pyhf.infer.intervals.upper_limits``
    reports) or ``CL_{s+b}`` equals ``1 - cl`` (``AsymptoticCalculator`` with ``q~_mu``,
    Brent root finding; ``upper_limit(scan=None)`` itself is not used because pyhf 0.7.6
    ignores its ``level`` argument, scikit-hep/pyhf#2563).  The numpy result only rescales
    the template so the root lies near 1; the limit itself is pyhf's.  Uses the active pyhf
    backend.

    Parameters
    ----------
    signal, background : array_like, shape (n_bins,)
        Signal template for ``mu = 1`` and expected background.
    bkg_uncertainty : float or None, optional
        Relative background-normalisation uncertainty ``sigma_b`` (None or 0: none).
    cl : float, optional
        Confidence level in (0.5, 1) (default 0.9).
    method : {"clsb", "cls"}, optional
        Test used for the limit (default ``"clsb"``, as elsewhere in :mod:`nuportal.stats`).

    Returns
    -------
    float
        Median expected ``mu_up``, typically ~10 fits x 5 per call (0.1-1 s).
    """
    from scipy.optimize import brentq

    sigma = 0.0 if bkg_uncertainty is None else bkg_uncertainty
    scale = upper_limit_asimov(signal, background, cl, sigma, method)
    S, B, sig = _prepare(signal, background, sigma)
    if S.ndim != 1:
        raise NuportalInputError(f"pyhf_upper_limit needs 1-D bins, got shape {S.shape}")
    model = _pyhf_model(S * scale, B, float(sig))
    data = B.tolist() + list(model.config.auxdata)
    bounds = [list(b) for b in model.config.suggested_bounds()]
    bounds[model.config.poi_index] = [0.0, 100.0]
    f = lambda mu: _pyhf_expected_p(mu, data, model, bounds, method) - (1.0 - cl)  # noqa: E731
    lo, hi = 0.5, 2.0
    while f(lo) < 0.0 and lo > 1e-3:
        lo *= 0.5
    while f(hi) > 0.0 and hi < 50.0:
        hi *= 2.0
    return float(brentq(f, lo, hi, xtol=1e-7, rtol=1e-7) * scale)
