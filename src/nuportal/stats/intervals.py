r"""Frequentist confidence intervals and upper limits on a signal yield from observed counts.

Methods (each cites the paper it implements; all yields are expected event counts):

* :func:`feldman_cousins` -- Neyman construction with the likelihood-ratio ordering of
  G. J. Feldman & R. D. Cousins, Phys. Rev. D 57 (1998) 3873 (FC), Sec. IV.B, Eq. (4.1):
  Poisson signal ``mu`` on a known background ``b``.
* :func:`rolke_lopez` -- profile-likelihood intervals of W. A. Rolke, A. M. Lopez & J. Conrad,
  Nucl. Instrum. Meth. A 551 (2005) 493 (RLC), as implemented in ROOT's ``TRolke`` (models 2,
  3, 4, 5, 7 and the known-background/known-efficiency case).
* :func:`cls_upper_limit` -- exact Poisson CLs (A. L. Read, J. Phys. G 28 (2002) 2693).
* :func:`cls_upper_limit_binned` -- binned CLs with the one-sided profile-likelihood-ratio
  statistics ``q_mu`` / ``q~_mu`` and the asymptotic formulae of G. Cowan, K. Cranmer,
  E. Gross & O. Vitells, Eur. Phys. J. C 71 (2011) 1554, arXiv:1007.1727 (CCGV).
* :func:`gaussian_rate_upper_limit` -- the rate-only Gaussian test of shared reference 004
  (Gustafson, Plestid & Shoemaker, Super-K constraints, Sec. III).

Every function returns an :class:`Interval` that states its confidence level and method.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import special
from scipy.optimize import brentq

from nuportal.errors import NuportalInputError, require_range
from nuportal.stats._validate import check_background, check_choice, check_cl, scalar_or_array

__all__ = [
    "Interval",
    "feldman_cousins",
    "rolke_lopez",
    "cls_upper_limit",
    "cls_upper_limit_binned",
    "gaussian_rate_upper_limit",
]


@dataclass(frozen=True)
class Interval:
    """A confidence interval ``[lower, upper]`` on a signal yield (expected events).

    Attributes
    ----------
    lower, upper : float or ndarray
        Interval ends (events); ``lower = 0`` for one-sided upper limits.  Arrays for the
        vectorised methods (:func:`cls_upper_limit`, :func:`gaussian_rate_upper_limit`).
    cl : float
        Confidence level of the interval.
    method : str
        Construction and test statistic, e.g. ``"feldman-cousins"``.
    """

    lower: float | np.ndarray
    upper: float | np.ndarray
    cl: float
    method: str

    def to_dict(self) -> dict:
        """JSON-ready dictionary (arrays become lists)."""
        conv = lambda v: np.asarray(v).tolist()  # noqa: E731
        return {"lower": conv(self.lower), "upper": conv(self.upper), "cl": float(self.cl),
                "method": self.method}


def _check_count(name: str, n) -> np.ndarray:
    """Return ``n`` as a float array after checking it is a non-negative integer count."""
    require_range(name, n, 0.0, np.inf, high_open=True)
    arr = np.asarray(n, dtype=float)
    if np.any(arr != np.round(arr)):
        bad = arr[arr != np.round(arr)].flat[0]
        raise NuportalInputError(f"{name} = {bad:g} must be an integer count in [0, inf)")
    return arr


def _scalar(name: str, value) -> float:
    """Return ``value`` as a Python float, rejecting arrays (scalar-only methods)."""
    if np.ndim(value) != 0:
        raise NuportalInputError(f"{name} must be a scalar for this method, got shape {np.shape(value)}")
    return float(value)


# ----------------------------------------------------------------------------- Feldman-Cousins
def _fc_swap_points(n0: int, b: float, n_max: int) -> tuple[np.ndarray, np.ndarray]:
    """Where each count ``n`` swaps rank with ``n0``: ``ln lam_n`` for ``n > n0`` and ``n < n0``.

    With ``B_n = max(n, b)``, ``ln R(n) = n ln lam - n ln B_n + B_n - lam`` (FC Eq. 4.1; the
    ``n!`` cancel), so ``ln R(n) - ln R(n0) = (n - n0) ln lam - [h(n) - h(n0)]`` with
    ``h(n) = n ln B_n - B_n``: ``n`` is ranked above ``n0`` iff ``ln lam > ln lam_n`` (``n > n0``)
    or ``ln lam < ln lam_n`` (``n < n0``), ``ln lam_n = [h(n) - h(n0)] / (n - n0)``.  As
    ``ln R`` is concave in ``n``, ``ln lam_n`` increases with ``n`` on both sides, so the
    counts ranked above ``n0`` form one integer interval next to ``n0``.
    """
    n = np.arange(n_max + 1, dtype=float)
    big = np.maximum(n, b)
    h = special.xlogy(n, big) - big
    with np.errstate(divide="ignore", invalid="ignore"):
        slope = (h - h[n0]) / (n - n0)
    if b > 0:  # h linear (slope ln b) for n <= b: exact ties with ln lam at mu = 0
        slope[(n <= b) & (n0 <= b)] = np.log(b)
    return slope[n0 + 1:], slope[:n0]


def _fc_prob_above(mu, n0: int, b: float, swaps) -> np.ndarray:
    """Poisson probability of the counts ranked strictly above ``n0`` (vectorised over ``mu``).

    Uses the rank-swap points of :func:`_fc_swap_points`: the counts above ``n0`` are
    ``n0 + 1 .. n0 + j`` (``j`` swap points below ``ln lam``) or ``n0 - i .. n0 - 1`` (``i``
    swap points above ``ln lam``; at most one side is non-empty), and their probability is
    a difference of Poisson CDFs (regularised incomplete gamma functions).  Equals the direct
    sum of FC's construction over all ``n`` (ties, of measure zero, count as not above).
    """
    up, down = swaps
    lam = np.atleast_1d(np.asarray(mu, dtype=float)) + b
    with np.errstate(divide="ignore"):
        log_lam = np.log(lam)
    j = np.searchsorted(up, log_lam, side="left").astype(float)  # up < ln lam
    i = (down.size - np.searchsorted(down, log_lam, side="right")).astype(float)  # down > ln lam
    # P(lo <= N <= hi - 1) = Q(hi, lam) - Q(lo, lam), Q(m, lam) = P(N <= m - 1)
    hi = np.where(j > 0, n0 + 1.0 + j, float(n0))
    lo = np.where(j > 0, n0 + 1.0, n0 - i)
    prob = np.zeros(lam.shape)
    some = hi > lo  # non-empty set
    prob[some] = special.gammaincc(hi[some], lam[some])
    some &= lo > 0
    prob[some] -= special.gammaincc(lo[some], lam[some])
    return prob


def _fc_accepted(mu, n0: int, b: float, cl: float, swaps) -> np.ndarray:
    """Is ``n0`` inside the FC acceptance region of each ``mu``? (vectorised over ``mu``).

    FC Eq. (4.1): rank ``n`` by ``R = P(n|mu+b) / P(n|mu_best+b)``, ``mu_best = max(0, n-b)``,
    and add counts in decreasing ``R`` until the summed probability reaches ``cl``.  ``n0`` is
    accepted iff the probability of all counts ranked strictly above it is still ``< cl``.
    """
    return _fc_prob_above(mu, n0, b, swaps) < cl


def _fc_edge(inside: float, outside: float, n0, b, cl, swaps, tol=1e-9) -> float:
    """Where the acceptance of ``n0`` changes between ``inside`` (accepted) and ``outside``.

    While a rank-swap point lies in the bracket, 16-section (keeping the first change seen
    from ``inside``); then the ranked-above probability is smooth and unimodal in the bracket
    (see :func:`_fc_accepted_hull`), so ``P_above(mu) = cl`` has one root there: Brent's
    method to ``tol`` (relative; absolute below 1).
    """
    up, down = swaps
    frac = np.linspace(0.0, 1.0, 17)
    while True:
        lo_l, hi_l = np.log(np.sort([inside, outside]) + b)
        if not (np.any((up > lo_l) & (up < hi_l)) or np.any((down > lo_l) & (down < hi_l))):
            break
        pts = inside + (outside - inside) * frac
        acc = _fc_accepted(pts[1:-1], n0, b, cl, swaps)
        j = 16 if acc.all() else int(np.argmin(acc)) + 1
        inside, outside = float(pts[j - 1]), float(pts[j])
        if abs(outside - inside) <= tol * max(1.0, abs(inside)):
            return 0.5 * (inside + outside)
    f = lambda mu: float(_fc_prob_above(mu, n0, b, swaps)[0]) - cl  # noqa: E731
    a, c = sorted((inside, outside))
    return brentq(f, a, c, xtol=0.1 * tol * max(1.0, abs(inside)), rtol=1e-12)


def _fc_accepted_hull(grid, n0: int, b: float, cl: float, swaps):
    """Indices of the first and last accepted ``grid`` points (None if none), exactly as a
    test of every point would give, from a few tests.

    Between consecutive rank-swap points the ranked-above set is fixed, and its probability
    ``Q(hi, lam) - Q(lo, lam)`` has derivative ``pmf(lo - 1) - pmf(hi - 1)``, which changes
    sign at most once (+ to -): it rises then falls, so the accepted points of one such
    segment are a prefix and/or a suffix of it.  Hence only the ends of each segment need
    testing, plus all points of the (at most two) segments where the hull ends inside.
    """
    up, down = swaps
    with np.errstate(divide="ignore"):
        log_lam = np.log(grid + b)
    seg = np.searchsorted(up, log_lam, side="left") * (down.size + 1) + (
        down.size - np.searchsorted(down, log_lam, side="right"))
    cut = np.flatnonzero(np.diff(seg)) + 1
    first, last = np.r_[0, cut], np.r_[cut - 1, grid.size - 1]
    ends = _fc_accepted(grid[np.r_[first, last]], n0, b, cl, swaps).reshape(2, -1)
    hit = np.flatnonzero(ends.any(axis=0))
    if hit.size == 0:
        return None
    out = []
    for k, pick in ((hit[0], 0), (hit[-1], -1)):
        if ends[pick, k]:  # the segment's first (last) point is accepted
            out.append(first[k] if pick == 0 else last[k])
        else:
            acc = _fc_accepted(grid[first[k]:last[k] + 1], n0, b, cl, swaps)
            out.append(first[k] + np.flatnonzero(acc)[pick])
    return int(out[0]), int(out[1])


def feldman_cousins(n_obs, b, cl=0.9) -> Interval:
    r"""Feldman-Cousins interval for a Poisson signal mean with known background.

    Construction of FC Sec. IV.B (likelihood-ratio ordering, ``mu_best = max(0, n - b)``):
    ``mu`` is accepted iff the Poisson probability of the counts ranked above ``n0`` is
    ``< cl`` (:func:`_fc_accepted`, exact via the rank-swap points and incomplete gamma
    functions).  The accepted set is located on a ``mu`` grid (step ``<= 0.01``, at most 1500
    points; only segment ends are tested, see :func:`_fc_accepted_hull`), and its lowest and
    highest accepted grid points are refined to ``1e-9`` relative precision
    (:func:`_fc_edge`).  The interval is the hull ``[mu_min, mu_max]`` of accepted ``mu`` (FC's
    convention for the rare non-contiguous belts).  Ties in ``R`` (measure zero) are broken in
    favour of the observed count.

    Parameters
    ----------
    n_obs : int
        Observed count ``n0 >= 0``.
    b : float
        Known expected background (events, ``>= 0``).
    cl : float, optional
        Confidence level in (0, 1) (default 0.9).

    Returns
    -------
    Interval
        ``[mu_1, mu_2]`` on the signal mean (events); e.g. ``n0 = 0, b = 0``: ``[0, 2.44]``
        (FC Table IV).  About 1 ms per call (a few ms for ``b ~ 500``).
    """
    n0 = int(_check_count("n_obs (observed events)", _scalar("n_obs", n_obs)))
    b = float(check_background(_scalar("b", b)))
    cl = float(check_cl(_scalar("cl", cl)))
    mu_top = special.gammainccinv(n0 + 1.0, 0.05 * (1.0 - cl)) + 1.0
    while True:
        n_max = int(mu_top + b + 12.0 * np.sqrt(mu_top + b + 1.0) + 20.0)
        swaps = _fc_swap_points(n0, b, n_max)
        grid = np.linspace(0.0, mu_top, int(min(1500, max(200, mu_top / 0.01))) + 1)
        idx = _fc_accepted_hull(grid, n0, b, cl, swaps)
        if idx is None or idx[1] < grid.size - 1:
            break
        mu_top *= 2.0
    if idx is None:  # cannot happen for cl < 1 (mu = max(0, n0 - b) accepts n0); guard anyway
        raise NuportalInputError(f"no Feldman-Cousins interval found for n_obs = {n0}, b = {b:g}")
    if idx[0] == 0:
        lo = 0.0
    else:
        lo = _fc_edge(grid[idx[0]], grid[idx[0] - 1], n0, b, cl, swaps)
    hi = _fc_edge(grid[idx[1]], grid[idx[1] + 1], n0, b, cl, swaps)
    return Interval(lo, hi, cl, "feldman-cousins")


# ------------------------------------------------------------------------------- Rolke-Lopez
@dataclass(frozen=True)
class _RolkeModel:
    """Observed data and constraint widths of a Rolke-Lopez-Conrad model (internal).

    ``x`` observed count; background: ``sideband`` count ``y`` with ratio ``tau`` (Poisson,
    TRolke models 2/4) or Gaussian ``bm +- sqrt(u)`` (models 3/5; ``u = 0``: known); efficiency
    Gaussian ``em +- sqrt(v)`` (models 2/3/7; ``v = 0``: known).
    """

    x: float
    bm: float
    u: float
    em: float
    v: float
    y: float | None = None
    tau: float | None = None


def _rolke_profile(mu, m: _RolkeModel):
    """Profiled (b, e) at each ``mu`` from the stationarity conditions (RLC Sec. 2).

    With ``g = x / (e mu + b) - 1`` the conditions read ``b = bm + u g`` (Gaussian background),
    ``b = y / (tau - g)`` (side band) and ``e = em + v mu g``; ``(1 + g) s(g) = x`` then fixes
    ``g``: a quadratic solved in closed form, or monotone bisection for the side band.
    """
    mu = np.asarray(mu, dtype=float)
    if m.y is None:
        s0, w = m.em * mu + m.bm, m.u + m.v * mu * mu
        disc = np.sqrt((s0 - w) ** 2 + 4.0 * w * m.x)
        with np.errstate(divide="ignore", invalid="ignore"):
            g = np.where(s0 + w + disc > 0, 2.0 * (m.x - s0) / (s0 + w + disc), -1.0)
        return m.bm + m.u * g, m.em + m.v * mu * g
    lo = np.full(mu.shape, np.log(1e-300))
    hi = np.full(mu.shape, np.log(1.0 + m.tau))
    h = lambda d: (1.0 + m.tau - d) * (m.em * mu + m.v * mu * mu * (m.tau - d) + m.y / d) - m.x  # noqa
    for _ in range(64):  # h decreases in d = tau - g; bisection in log d (width 700 / 2^64)
        mid = 0.5 * (lo + hi)
        pos = h(np.exp(mid)) > 0.0
        lo, hi = np.where(pos, mid, lo), np.where(pos, hi, mid)
    d = np.exp(0.5 * (lo + hi))
    e = m.em + m.v * mu * (m.tau - d)
    b = m.y / d
    if m.y == 0:  # b = 0 unless even g = tau leaves a deficit; then x / (e mu + b) = 1 + tau
        e_tau = m.em + m.v * mu * m.tau
        deficit = (1.0 + m.tau) * e_tau * mu < m.x
        b = np.where(deficit, m.x / (1.0 + m.tau) - e_tau * mu, 0.0)
        e = np.where(deficit, e_tau, e)
    return b, e


def _rolke_loglike(mu, b, e, m: _RolkeModel):
    """Log-likelihood (constants dropped) of the RLC model at (mu, b, e)."""
    s = e * mu + b
    ll = special.xlogy(m.x, s) - s
    if m.u > 0:
        ll = ll - 0.5 * (b - m.bm) ** 2 / m.u
    if m.v > 0:
        ll = ll - 0.5 * (e - m.em) ** 2 / m.v
    if m.y is not None:
        ll = ll + special.xlogy(m.y, b) - m.tau * b
    return np.where(s >= 0.0, ll, -np.inf)


def _rolke_q(mu, m: _RolkeModel, bounded: bool):
    """``-2 ln lambda(mu)`` with profiled nuisances; returns (q(mu), mu_hat)."""
    b_hat = m.bm if m.y is None else m.y / m.tau
    mu_hat = (m.x - b_hat) / m.em
    l_max = _rolke_loglike(mu_hat, b_hat, m.em, m)
    if bounded and mu_hat < 0.0:
        mu_hat, l_max = 0.0, _rolke_loglike(0.0, *_rolke_profile(0.0, m), m)
    return 2.0 * (l_max - _rolke_loglike(mu, *_rolke_profile(mu, m), m)), mu_hat


def _rolke_limits(m: _RolkeModel, dchi2: float, bounded: bool):
    """Ends of ``{mu >= 0 : q(mu) <= dchi2}``; None if empty (unbounded, deep deficit)."""
    f = lambda mu: float(_rolke_q(mu, m, bounded)[0]) - dchi2  # noqa: E731
    mu_hat = _rolke_q(0.0, m, bounded)[1]
    start = max(mu_hat, 0.0)
    if f(start) > 0.0:
        return None
    lower = 0.0 if f(0.0) <= 0.0 else brentq(f, 0.0, start, xtol=1e-10, rtol=1e-12)
    step = max(1.0, start)
    while f(start + step) <= 0.0:
        step *= 2.0
    return lower, brentq(f, start, start + step, xtol=1e-10, rtol=1e-12)


def rolke_lopez(n_obs, b=None, sigma_b=0.0, cl=0.9, *, efficiency=1.0, sigma_eff=0.0,
                sideband=None, tau=None, bounded=True, efficiency_scale_factor=False) -> Interval:
    r"""Rolke-Lopez-Conrad profile-likelihood interval on a Poisson signal rate.

    Model (RLC Eqs. (1)-(3); TRolke models 2-5, 7): ``n_obs ~ Poisson(e mu + b)`` with the
    background either a Gaussian measurement ``b +- sigma_b`` or a side-band count
    ``sideband ~ Poisson(tau b)``, and the efficiency either known or a Gaussian measurement
    ``efficiency +- sigma_eff``.  The interval is ``{mu >= 0 : -2 ln[L(mu, b^, e^) / L_max]
    <= chi2_1^-1(cl)}`` (2.706 at 90 %), nuisances profiled exactly (closed-form stationarity
    conditions; bisection for the side band).  As in TRolke, Gaussian nuisances are not
    truncated at zero (only ``e mu + b >= 0`` is required).

    Boundary treatment: ``bounded=True`` (default) is the bounded likelihood of RLC Sec. 3 /
    ``TRolke::SetBounding(true)``: if the MLE ``mu_hat`` is negative, ``L_max`` is taken at
    ``mu = 0``.  ``bounded=False`` (TRolke's default) keeps the unphysical ``mu_hat``; if the
    resulting set is empty, TRolke's rule is followed: ``n_obs`` is raised by one until an
    interval exists.  Unlike TRolke, ``n_obs = 0`` is computed directly (TRolke extrapolates
    linearly from ``n_obs = 1, 2``).

    Parameters
    ----------
    n_obs : int
        Observed events in the signal region (``>= 0``).
    b : float or None
        Background estimate in the signal region (events); None when ``sideband`` is given.
    sigma_b : float, optional
        Gaussian uncertainty of ``b`` (events, ``>= 0``; 0 = known background).
    cl : float, optional
        Confidence level in (0, 1) (default 0.9).
    efficiency, sigma_eff : float, optional
        Signal efficiency in (0, 1] and its Gaussian uncertainty (``>= 0``).
    efficiency_scale_factor : bool, optional
        Read ``efficiency`` as a scale factor on the signal (e.g. luminosity x efficiency relative to a
        reference), which may exceed 1; then only ``> 0`` is required.
    sideband, tau : int, float, optional
        Side-band count and ratio (side band / signal region) of the Poisson background model.
    bounded : bool, optional
        Bounded (default) or unbounded likelihood, see above.

    Returns
    -------
    Interval
        Limits on the signal rate ``mu`` before efficiency (expected signal = ``e mu``).
    """
    m, cl = _rolke_model(n_obs, b, sigma_b, cl, efficiency, sigma_eff, sideband, tau,
                             efficiency_scale_factor)
    dchi2 = float(special.chdtri(1.0, 1.0 - cl))
    limits = _rolke_limits(m, dchi2, bounded)
    while limits is None:  # unbounded only (bounded sets always contain mu = 0 or mu_hat)
        m = _RolkeModel(m.x + 1.0, m.bm, m.u, m.em, m.v, m.y, m.tau)
        limits = _rolke_limits(m, dchi2, bounded)
    name = "rolke-lopez (" + ("bounded" if bounded else "unbounded") + " profile likelihood)"
    return Interval(float(limits[0]), float(limits[1]), cl, name)


def _rolke_model(n_obs, b, sigma_b, cl, efficiency, sigma_eff, sideband, tau, efficiency_scale_factor=False):
    """Validate :func:`rolke_lopez` inputs; return the internal model and ``cl``."""
    x = float(_check_count("n_obs (observed events)", _scalar("n_obs", n_obs)))
    cl = float(check_cl(_scalar("cl", cl)))
    if efficiency_scale_factor:
        require_range("efficiency (scale factor)", _scalar("efficiency", efficiency), 0.0, np.inf,
                      low_open=True, high_open=True)
    else:
        require_range("efficiency", _scalar("efficiency", efficiency), 0.0, 1.0, low_open=True)
    require_range("sigma_eff (efficiency uncertainty)", _scalar("sigma_eff", sigma_eff), 0.0, np.inf,
                  high_open=True)
    v = float(sigma_eff) ** 2
    if sideband is None:
        if b is None:
            raise NuportalInputError("b (expected background) is required unless sideband and tau are given")
        bm = float(check_background(_scalar("b", b)))
        require_range("sigma_b (background uncertainty)", _scalar("sigma_b", sigma_b), 0.0, np.inf,
                      high_open=True)
        return _RolkeModel(x, bm, float(sigma_b) ** 2, float(efficiency), v), cl
    if b is not None or tau is None:
        raise NuportalInputError("the side-band model takes sideband and tau (> 0) and no b")
    y = float(_check_count("sideband (side-band events)", _scalar("sideband", sideband)))
    require_range("tau (side-band / signal-region ratio)", _scalar("tau", tau), 0.0, np.inf,
                  low_open=True, high_open=True)
    return _RolkeModel(x, y / float(tau), 0.0, float(efficiency), v, y, float(tau)), cl


# ---------------------------------------------------------------------------------------- CLs
def cls_upper_limit(n_obs, b, cl=0.95) -> Interval:
    r"""Exact Poisson CLs upper limit on the signal mean of a counting experiment.

    Solves ``CL_s = P(N <= n | s + b) / P(N <= n | b) = 1 - cl`` (Read 2002, Eq. (6)) in closed
    form with the regularised incomplete gamma function ``Q`` (``P(N <= n | lam) =
    Q(n + 1, lam)``): ``s + b = Q^-1(n + 1, (1 - cl) Q(n + 1, b))``.  Vectorised over
    ``n_obs``, ``b`` and ``cl``.

    Parameters
    ----------
    n_obs : int or array_like
        Observed counts (integers ``>= 0``).
    b : float or array_like
        Known expected background (events, ``>= 0``).
    cl : float or array_like, optional
        Confidence level in (0, 1) (default 0.95).

    Returns
    -------
    Interval
        ``[0, s_up]`` (events); ``n = 0`` gives ``-ln(1 - cl)`` for every ``b`` (2.996 at 95 %),
        ``b = 0`` the classical Poisson upper limit.
    """
    n = _check_count("n_obs (observed events)", n_obs)
    b = check_background(b)
    cl_arr = check_cl(cl)
    s = special.gammainccinv(n + 1.0, (1.0 - cl_arr) * special.gammaincc(n + 1.0, b)) - b
    return Interval(scalar_or_array(np.zeros_like(s)), scalar_or_array(s),
                    float(cl_arr) if cl_arr.ndim == 0 else cl_arr, "cls (exact Poisson)")


def _max_mu(n, s, b, mu_min):
    """Maximum-likelihood strength of ``n_i ~ Poisson(mu s_i + b_i)`` for ``mu >= mu_min``."""
    def score(mu):  # d ln L / d mu, decreasing in mu
        nu = mu * s + b
        return float(np.sum(np.where(n > 0, n * s / np.where(nu > 0, nu, 1e-300), 0.0) - s))

    if score(mu_min) <= 0.0:
        return mu_min
    hi = max(1.0, mu_min + 1.0)
    while score(hi) > 0.0:
        hi *= 2.0
    return brentq(score, mu_min, hi, xtol=1e-12, rtol=1e-12)


def _binned_q(mu, n, s, b, mu_hat):
    """One-sided ``q_mu = -2 ln[L(mu) / L(mu_hat)]`` (0 for ``mu_hat > mu``), CCGV Eq. (14)."""
    ll = lambda m: float(np.sum(special.xlogy(n, m * s + b) - (m * s + b)))  # noqa: E731
    return 0.0 if mu_hat > mu else max(2.0 * (ll(mu_hat) - ll(mu)), 0.0)


def cls_upper_limit_binned(n_obs_bins, b_bins, s_bins_shape, cl=0.95, test_stat="qtilde") -> Interval:
    r"""Observed CLs upper limit on the total signal yield of a binned spectrum (asymptotic).

    Model: ``n_i ~ Poisson(s f_i + b_i)`` with the known background ``b_i`` and signal shape
    ``f_i = s_bins_shape_i / sum(s_bins_shape)``.  The test statistic is CCGV's one-sided
    ``q_mu`` (Eq. 14, unconstrained ``mu_hat``) or ``q~_mu`` (Eq. 16, ``mu_hat >= 0``); the
    ``CL_{s+b}`` and ``CL_b`` p-values use the asymptotic distributions (CCGV Eqs. (59), (66)
    and Sec. 3.8) with ``sigma`` from the background-only Asimov data set
    (``q_{mu,A}`` of :func:`nuportal.stats.shape.q_mu_asimov`) -- the pyhf convention.
    No toys: asymptotics are poor for a few events per bin (use :func:`cls_upper_limit`
    for a single bin).

    Parameters
    ----------
    n_obs_bins : array_like of int, shape (n_bins,)
        Observed counts per bin.
    b_bins : array_like, shape (n_bins,)
        Expected background per bin (events, ``>= 0``).
    s_bins_shape : array_like, shape (n_bins,)
        Signal shape (``>= 0``, any normalisation, positive sum).
    cl : float, optional
        Confidence level in (0, 1) (default 0.95).
    test_stat : {"qtilde", "q"}, optional
        ``q~_mu`` (default, pyhf's choice) or ``q_mu``.

    Returns
    -------
    Interval
        ``[0, s_up]``: limit on the total expected signal events ``s``.
    """
    from nuportal.stats.shape import q_mu_asimov

    n, b, f, cl = _binned_inputs(n_obs_bins, b_bins, s_bins_shape, cl)
    check_choice("test_stat", test_stat, ("qtilde", "q"))
    pos = f > 0
    mu_min = 0.0 if test_stat == "qtilde" else -float(np.min(b[pos] / f[pos])) * (1 - 1e-9)
    mu_hat = _max_mu(n, f, b, mu_min)

    def cls_minus_alpha(mu):
        q, qa = _binned_q(mu, n, f, b, mu_hat), float(q_mu_asimov(mu, f, b))
        if test_stat == "q" or q <= qa:
            clsb, clb = special.ndtr(-np.sqrt(q)), special.ndtr(np.sqrt(qa) - np.sqrt(q))
        else:
            clsb = special.ndtr(-(q + qa) / (2.0 * np.sqrt(qa)))
            clb = special.ndtr(-(q - qa) / (2.0 * np.sqrt(qa)))
        return clsb / clb - (1.0 - cl)

    hi = max(1.0, mu_hat) + 3.0 * np.sqrt(np.sum(b) + max(mu_hat, 0.0) + 1.0)
    while cls_minus_alpha(hi) > 0.0:
        hi *= 2.0
    lo = max(mu_hat, 0.0) + 1e-9 * hi
    up = brentq(cls_minus_alpha, lo, hi, xtol=1e-10, rtol=1e-10)
    return Interval(0.0, float(up), cl, f"cls (asymptotic, {test_stat}_mu)")


def _binned_inputs(n_obs_bins, b_bins, s_bins_shape, cl):
    """Validate the binned inputs; return (n, b, normalised shape, cl)."""
    n = _check_count("n_obs_bins (observed events per bin)", n_obs_bins)
    b = check_background(b_bins, "b_bins (expected background per bin)")
    s = np.asarray(s_bins_shape, dtype=float)
    require_range("s_bins_shape", s, 0.0, np.inf, high_open=True)
    if not (n.ndim == b.ndim == s.ndim == 1 and n.shape == b.shape == s.shape and s.sum() > 0):
        raise NuportalInputError(
            f"n_obs_bins {n.shape}, b_bins {b.shape} and s_bins_shape {s.shape} must be 1-D arrays "
            "of equal length with a positive signal sum")
    if np.any((b == 0) & (s == 0) & (n > 0)):
        raise NuportalInputError("a bin with b = 0 and no signal has observed events > 0")
    return n, b, s / s.sum(), float(check_cl(_scalar("cl", cl)))


# --------------------------------------------------------------------- Gaussian rate (ref. 004)
def gaussian_rate_upper_limit(expected, observed, cl=0.95, sys=0.0, *, z=None) -> Interval:
    r"""Rate-only Gaussian upper limit on signal events (shared reference 004, Sec. III).

    The signal ``mu_s`` is excluded when ``P(x <= N_obs | mu, sigma) = 1 - cl`` for a Gaussian
    with mean ``mu = mu_MC + mu_s`` and ``sigma^2 = (mu_MC + mu_s) + (sys mu_MC)^2`` (the
    paper's printed pdf has ``sigma`` where ``sigma^2`` is meant).  With ``z = Phi^-1(cl)``
    (1.6449 at 95 %) and ``t = mu - N_obs`` this is ``t^2 = z^2 (t + N_obs + sys^2 mu_MC^2)``,
    solved exactly: ``t = [z^2 + sqrt(z^4 + 4 z^2 (N_obs + sys^2 mu_MC^2))] / 2``,
    ``mu_s = t + N_obs - mu_MC``.  Vectorised.

    Parameters
    ----------
    expected : float or array_like
        Expected background ``mu_MC`` (events, ``> 0``).
    observed : float or array_like
        Observed events ``N_obs`` (``>= 0``; need not be an integer in this approximation).
    cl : float or array_like, optional
        One-sided confidence level in (0.5, 1) (default 0.95).
    sys : float or array_like, optional
        Relative systematic uncertainty of ``mu_MC`` (``>= 0``; the paper uses 0 and 0.05).
    z : float or None, optional
        Override of the one-sided quantile (``> 0``).  The paper's printed numbers are
        reproduced best with the rounded ``z = 1.65`` (893 for sub-GeV with ``sys = 0.05``,
        where the exact ``z = 1.6449`` gives 890.0); default None uses ``Phi^-1(cl)``.

    Returns
    -------
    Interval
        ``[0, mu_s]``; e.g. Super-K sub-GeV (``mu_MC = 10266``, ``N_obs = 10294``): 196.2
        (paper: 197) for ``sys = 0``.  ``mu_s`` is negative when the deficit alone already
        excludes ``mu_MC`` at this ``cl``.
    """
    require_range("expected (background events)", expected, 0.0, np.inf, low_open=True, high_open=True)
    require_range("observed (events)", observed, 0.0, np.inf, high_open=True)
    require_range("sys (relative systematic uncertainty)", sys, 0.0, np.inf, high_open=True)
    cl_arr = check_cl(cl, low=0.5)
    mc, nobs, sys = (np.asarray(a, dtype=float) for a in (expected, observed, sys))
    if z is not None:
        require_range("z (one-sided Gaussian quantile)", z, 0.0, np.inf, low_open=True, high_open=True)
    z2 = (special.ndtri(cl_arr) if z is None else np.asarray(z, dtype=float)) ** 2
    t = 0.5 * (z2 + np.sqrt(z2 * z2 + 4.0 * z2 * (nobs + (sys * mc) ** 2)))
    s = t + nobs - mc
    return Interval(scalar_or_array(np.zeros_like(s)), scalar_or_array(s),
                    float(cl_arr) if cl_arr.ndim == 0 else cl_arr, "gaussian rate (reference 004)")
