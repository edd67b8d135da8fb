r"""Peak searches in binned (missing-)mass spectra: a scan over mass hypotheses.

Implements the resonance scans of shared reference 001 (NA48/2 and NA62 HNL searches,
Sec. 3.1 and 3.2): mass hypotheses in steps of ``sigma(m)/2`` (NA48/2, K -> pi mu mu) or in fixed
steps (NA62, 1 MeV), a window ``m +- k sigma(m)`` around each hypothesis, the observed count and
expected background summed over the window, a confidence interval on the signal events in the
window per hypothesis (Rolke-Lopez at 90 % CL in the paper), and a local significance whose maximum
is compared with 3 sigma ("the significance of the signals never exceed 3 standard deviations").

Conventions (all documented choices):

* **Mass hypotheses** are HNL masses in GeV; ``resolution`` is ``sigma(m)`` in GeV.  For spectra
  binned in ``m2`` (GeV^2) the window ``[m - k sigma, m + k sigma]`` is mapped to ``m2`` with the
  signed square ``x |x|`` (a Gaussian of width sigma in ``m``; pass ``sigma_m2 / (2 m)`` for a
  Gaussian of width ``sigma_m2`` in ``m2``).
* **Partial bins**: a bin belongs to a window iff its centre lies in the closed window.  The column
  ``signal_fraction_in_window`` is the Gaussian signal fraction inside the *included bins* (their
  outer edges), which tends to ``erf(k / sqrt 2)`` for fine bins; divide a limit on window events
  by it to get a limit on total signal events.
* **Background uncertainty** of a window: the per-bin sigmas are added linearly (fully correlated,
  default ``background_correlation="full"``) or in quadrature (``"none"``).
* **Local significance**: ``p = P(N >= n_obs)``, one-sided, with the background uncertainty folded
  in by a Gaussian prior truncated at zero (hybrid Bayesian-frequentist, R. D. Cousins &
  V. L. Highland, Nucl. Instrum. Meth. A 320 (1992) 331; ``significance="hybrid"``, default), or
  the asymptotic profile-likelihood ``Z`` of G. Cowan, "Discovery sensitivity for a counting
  experiment with background uncertainty" (2012), Eq. (20) with ``s + b -> n_obs``: the
  background is constrained by a control measurement ``m = tau b`` with ``tau = b / sigma_b^2``
  (``significance="asimov"``).  ``Z = Phi^-1(1 - p)`` clipped at 0
  (deficits have ``Z = 0``); the ``local_p`` column is not clipped.
* **Look-elsewhere effect**: an effective number of independent windows
  ``N_eff = int dm / (2 k sigma(m))`` and the Gross-Vitells upcrossing estimate (E. Gross &
  O. Vitells, Eur. Phys. J. C 70 (2010) 525, Eq. (2)) are stored in every scan; a toy-based global
  p-value is given by :func:`global_significance`.
"""

from __future__ import annotations

import csv
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
from scipy import special

from nuportal.errors import NuportalInputError, require_range

__all__ = [
    "BinnedSpectrum",
    "read_spectrum_csv",
    "ScanWindows",
    "build_windows",
    "mass_hypotheses",
    "resolution_function",
    "resolution_from_table",
    "read_resolution_csv",
    "p_value_hybrid",
    "z_asimov_with_uncertainty",
    "local_significance",
    "LimitMethod",
    "resolve_limit_method",
    "LIMIT_METHODS",
    "PeakScan",
    "scan_peaks",
    "effective_trials",
    "gross_vitells_global_p",
    "GlobalSignificance",
    "global_significance",
    "toy_max_local_z",
    "with_global",
    "plot_upper_limits",
    "EXCESS_Z",
]

log = logging.getLogger(__name__)

EXCESS_Z = 3.0
"""Local significance above which a hypothesis is flagged as an excess (reference 001, Sec. 3)."""

_VARIABLES = ("m", "m2")
_CORRELATIONS = ("full", "none")
_SIGNIFICANCE = ("hybrid", "asimov")


def _choice(name: str, value, allowed) -> str:
    if value not in allowed:
        raise NuportalInputError(f"{name} = {value!r} is not one of the allowed values "
                                 f"{', '.join(map(repr, allowed))}")
    return value


def _signed_sqrt(x):
    return np.sign(x) * np.sqrt(np.abs(x))


# ------------------------------------------------------------------------------------ spectrum
@dataclass(frozen=True, eq=False)
class BinnedSpectrum:
    """A binned mass spectrum: observed counts and expected background, validated on construction.

    Attributes
    ----------
    edges : ndarray, shape (n_bins + 1,)
        Strictly increasing bin edges: GeV if ``variable == "m"``, GeV^2 if ``"m2"``.
    observed : ndarray of int, shape (n_bins,)
        Observed events per bin (``>= 0``).
    background : ndarray, shape (n_bins,)
        Expected background events per bin (``>= 0``).
    background_sigma : ndarray, shape (n_bins,), optional
        Absolute uncertainty of the background per bin (events, ``>= 0``; default zeros).
    variable : {"m", "m2"}
        Binned variable: mass (GeV) or mass squared (GeV^2).
    """

    edges: np.ndarray
    observed: np.ndarray
    background: np.ndarray
    background_sigma: np.ndarray | None = None
    variable: str = "m"

    def __post_init__(self):
        _choice("variable", self.variable, _VARIABLES)
        edges = _spectrum_array("edges", self.edges, -np.inf)
        if edges.size < 2:
            raise NuportalInputError(f"edges has {edges.size} values; a spectrum needs >= 2 edges (>= 1 bin)")
        if np.any(np.diff(edges) <= 0):
            i = int(np.flatnonzero(np.diff(edges) <= 0)[0])
            raise NuportalInputError(f"edges must be strictly increasing: edges[{i + 1}] = "
                                     f"{edges[i + 1]:g} <= edges[{i}] = {edges[i]:g}")
        n_bins = edges.size - 1
        sigma = np.zeros(n_bins) if self.background_sigma is None else self.background_sigma
        for name, arr in (("observed", self.observed), ("background", self.background),
                          ("background_sigma", sigma)):
            object.__setattr__(self, name, _spectrum_array(name, arr, 0.0, n_bins))
        obs = self.observed
        if np.any(np.abs(obs - np.round(obs)) > 1e-6):
            bad = obs[np.abs(obs - np.round(obs)) > 1e-6][0]
            raise NuportalInputError(f"observed = {bad:g} must be an integer count in [0, inf)")
        object.__setattr__(self, "observed", _readonly(np.round(obs).astype(np.int64)))
        object.__setattr__(self, "edges", edges)

    @property
    def n_bins(self) -> int:
        """Number of bins."""
        return self.edges.size - 1

    @property
    def centres(self) -> np.ndarray:
        """Bin centres in the binned variable (GeV or GeV^2)."""
        return 0.5 * (self.edges[1:] + self.edges[:-1])

    @property
    def mass_range(self) -> tuple[float, float]:
        """Range of the spectrum in mass (GeV); ``m2`` edges map by the signed square root."""
        lo, hi = self.edges[0], self.edges[-1]
        return (lo, hi) if self.variable == "m" else (float(_signed_sqrt(lo)), float(_signed_sqrt(hi)))


def _readonly(arr: np.ndarray) -> np.ndarray:
    arr.setflags(write=False)
    return arr


def _spectrum_array(name: str, values, low: float, size: int | None = None) -> np.ndarray:
    """1-D finite float array, ``>= low``, of the given size (NuportalInputError otherwise)."""
    try:
        arr = np.array(values, dtype=float).ravel()
    except (TypeError, ValueError):
        raise NuportalInputError(f"{name} is not numeric") from None
    if arr.size == 0:
        raise NuportalInputError(f"{name} is empty; a spectrum needs at least one bin")
    if size is not None and arr.size != size:
        raise NuportalInputError(f"{name} has {arr.size} values but the spectrum has {size} bins")
    require_range(name, arr, low, np.inf, high_open=True)
    return _readonly(arr)


def read_spectrum_csv(path) -> BinnedSpectrum:
    """Read a spectrum CSV: ``m_low_GeV,m_high_GeV,observed,background[,background_sigma]``.

    Lines starting with ``#`` are comments (so files written by :func:`nuportal.io.write_csv`,
    whose header is ``# key: json`` lines, are read too).  ``m2_low_GeV2,m2_high_GeV2`` instead of
    the mass columns gives a spectrum in ``m2``.  Bins must be contiguous (``high[i] == low[i+1]``).
    """
    path = Path(path)
    if not path.is_file():
        raise NuportalInputError(f"spectrum file {path} does not exist")
    lines = [ln for ln in path.read_text().splitlines() if ln.strip() and not ln.startswith("#")]
    rows = list(csv.DictReader(lines))
    if not rows:
        raise NuportalInputError(f"spectrum file {path} holds no bins")
    variable = "m2" if "m2_low_GeV2" in rows[0] else "m"
    names = ("m_low_GeV", "m_high_GeV") if variable == "m" else ("m2_low_GeV2", "m2_high_GeV2")
    names += ("observed", "background")
    missing = [n for n in names if n not in rows[0]]
    if missing:
        raise NuportalInputError(f"spectrum file {path} lacks the columns {', '.join(missing)}; "
                                 f"required: {','.join(names)}[,background_sigma]")
    try:
        cols = {n: np.array([float(r[n]) for r in rows]) for n in (*names, "background_sigma")
                if n in rows[0]}
    except (TypeError, ValueError) as exc:
        raise NuportalInputError(f"spectrum file {path}: non-numeric entry ({exc})") from None
    lo, hi = cols[names[0]], cols[names[1]]
    if lo.size > 1 and not np.allclose(hi[:-1], lo[1:], rtol=1e-9, atol=1e-12):
        i = int(np.flatnonzero(~np.isclose(hi[:-1], lo[1:], rtol=1e-9, atol=1e-12))[0])
        raise NuportalInputError(f"spectrum file {path}: bins not contiguous: {names[1]} = {hi[i]:g} "
                                 f"in row {i + 1} differs from {names[0]} = {lo[i + 1]:g} in row {i + 2}")
    return BinnedSpectrum(np.append(lo, hi[-1]), cols["observed"], cols["background"],
                          cols.get("background_sigma"), variable)


# ----------------------------------------------------------------------------- mass hypotheses
def resolution_function(resolution) -> Callable[[np.ndarray], np.ndarray]:
    """Return ``sigma(m)`` (GeV) from a number or a callable, checking ``0 < sigma < inf``."""
    if resolution is None:
        raise NuportalInputError("resolution (sigma(m) in GeV) is required: a number > 0 or a callable")
    if not callable(resolution):
        require_range("resolution (sigma(m) in GeV)", resolution, 0.0, np.inf, low_open=True,
                      high_open=True)
        value = float(resolution)
        base = lambda m: np.full(np.shape(m), value)  # noqa: E731
    else:
        base = resolution

    def sigma(m):
        s = np.broadcast_to(np.asarray(base(np.asarray(m, dtype=float)), dtype=float), np.shape(m))
        require_range("resolution sigma(m) (GeV)", s, 0.0, np.inf, low_open=True, high_open=True)
        return np.array(s)

    return sigma


def resolution_from_table(m_GeV, sigma_GeV) -> Callable[[np.ndarray], np.ndarray]:
    """``sigma(m)`` (GeV) interpolated linearly in a table; masses outside the table are refused."""
    m = _spectrum_array("resolution table m_GeV", m_GeV, 0.0)
    s = _spectrum_array("resolution table sigma_GeV", sigma_GeV, 0.0, m.size)
    if np.any(np.diff(m) <= 0) or np.any(s <= 0):
        raise NuportalInputError("resolution table: m_GeV must be strictly increasing and sigma_GeV > 0")

    def sigma(masses):
        require_range("mass hypothesis for the resolution table (GeV)", masses, m[0], m[-1])
        return np.interp(masses, m, s)

    return sigma


def read_resolution_csv(path) -> Callable[[np.ndarray], np.ndarray]:
    """Read a resolution table ``m_GeV,sigma_GeV`` (``#`` comment lines allowed), see above."""
    path = Path(path)
    if not path.is_file():
        raise NuportalInputError(f"resolution file {path} does not exist")
    lines = [ln for ln in path.read_text().splitlines() if ln.strip() and not ln.startswith("#")]
    rows = list(csv.DictReader(lines))
    if not rows or not {"m_GeV", "sigma_GeV"} <= set(rows[0]):
        raise NuportalInputError(f"resolution file {path} needs rows with the columns m_GeV,sigma_GeV")
    try:
        m, s = (np.array([float(r[c]) for r in rows]) for c in ("m_GeV", "sigma_GeV"))
    except (TypeError, ValueError) as exc:
        raise NuportalInputError(f"resolution file {path}: non-numeric entry ({exc})") from None
    return resolution_from_table(m, s)


def mass_hypotheses(m_low: float, m_high: float, *, step="sigma/2", resolution=None,
                    max_hypotheses: int = 1_000_000) -> np.ndarray:
    """Mass hypotheses (GeV) from ``m_low`` to at most ``m_high``.

    ``step`` is a fixed step in GeV (reference 001, Sec. 3.2: 1 MeV) or ``"sigma/N"``:
    ``m_{i+1} = m_i + sigma(m_i) / N`` (Sec. 3.1: ``sigma(M_pi mu) / 2``), ``resolution`` giving
    ``sigma(m)`` in GeV.  ``None`` means ``"sigma/2"``.
    """
    require_range("m_low (GeV)", m_low, 0.0, np.inf, high_open=True)
    require_range("m_high (GeV)", m_high, m_low, np.inf, high_open=True)
    step = "sigma/2" if step is None else step
    if isinstance(step, str):
        match = re.fullmatch(r"\s*sigma\s*/\s*([0-9.eE+-]+)\s*", step)
        if match is None:
            raise NuportalInputError(f"step = {step!r} is malformed; use a number (GeV) or 'sigma/N'")
        divisor = float(match.group(1))
        require_range("N in step 'sigma/N'", divisor, 0.0, np.inf, low_open=True, high_open=True)
        sigma, masses, m = resolution_function(resolution), [], float(m_low)
        while m <= m_high + 1e-12 * abs(m_high) and len(masses) <= max_hypotheses:
            masses.append(m)
            m += float(sigma(np.array(m))) / divisor
        out = np.array(masses)
    else:
        require_range("step (GeV)", step, 0.0, np.inf, low_open=True, high_open=True)
        n = int(np.floor((m_high - m_low) / float(step) + 1e-9)) + 1
        out = m_low + float(step) * np.arange(min(n, max_hypotheses + 1))
    out = np.minimum(out, m_high)  # a last step that overshoots by rounding only
    if out.size > max_hypotheses:
        raise NuportalInputError(f"the scan needs more than max_hypotheses = {max_hypotheses} masses; "
                                 "use a larger step")
    return out


# ------------------------------------------------------------------------------------- windows
@dataclass(frozen=True, eq=False)
class ScanWindows:
    """Windows ``m +- k sigma(m)`` of a scan and the spectrum bins they include.

    Attributes
    ----------
    spectrum : BinnedSpectrum
    masses, sigma : ndarray
        Mass hypotheses and resolution ``sigma(m)`` (GeV).
    k : float
        Window half-width in units of sigma.
    first, stop : ndarray of int
        Included bins of each window: ``spectrum`` bins ``first <= i < stop`` (centre inside).
    background_correlation : {"full", "none"}
        How per-bin background uncertainties combine in a window.
    """

    spectrum: BinnedSpectrum
    masses: np.ndarray
    sigma: np.ndarray
    k: float
    first: np.ndarray
    stop: np.ndarray
    background_correlation: str = "full"

    @property
    def window_low(self) -> np.ndarray:
        """Lower window edge ``m - k sigma`` (GeV)."""
        return self.masses - self.k * self.sigma

    @property
    def window_high(self) -> np.ndarray:
        """Upper window edge ``m + k sigma`` (GeV)."""
        return self.masses + self.k * self.sigma

    def sums(self, counts) -> np.ndarray:
        """Sum per-bin values over each window; ``counts`` shape (..., n_bins) -> (..., n_masses)."""
        c = np.asarray(counts, dtype=float)
        cum = np.concatenate([np.zeros(c.shape[:-1] + (1,)), np.cumsum(c, axis=-1)], axis=-1)
        return cum[..., self.stop] - cum[..., self.first]

    def background_sigma(self) -> np.ndarray:
        """Background uncertainty per window (events): linear or quadrature sum of bin sigmas."""
        s = self.spectrum.background_sigma
        if self.background_correlation == "full":
            return self.sums(s)
        return np.sqrt(self.sums(s * s))

    def signal_fraction(self) -> np.ndarray:
        """Fraction of a Gaussian signal ``N(m, sigma)`` inside the included bins' outer edges."""
        edges = self.spectrum.edges
        lo, hi = edges[self.first], edges[self.stop]
        if self.spectrum.variable == "m2":
            lo, hi = _signed_sqrt(lo), _signed_sqrt(hi)
        return special.ndtr((hi - self.masses) / self.sigma) - special.ndtr((lo - self.masses) / self.sigma)


def build_windows(spectrum: BinnedSpectrum, masses, resolution, k: float,
                  background_correlation: str = "full") -> ScanWindows:
    """Windows ``[m - k sigma(m), m + k sigma(m)]`` (GeV) and their bins (centre inside, closed).

    Raises NuportalInputError for masses outside the spectrum range, ``k <= 0``, or a window
    that contains no bin centre (resolution finer than the binning).
    """
    require_range("k (window half-width in sigma)", k, 0.0, np.inf, low_open=True, high_open=True)
    _choice("background_correlation", background_correlation, _CORRELATIONS)
    masses = np.atleast_1d(np.asarray(masses, dtype=float))
    if masses.ndim != 1 or masses.size == 0:
        raise NuportalInputError("masses must be a non-empty 1-D list of mass hypotheses (GeV)")
    lo_m, hi_m = spectrum.mass_range
    require_range("mass hypothesis (GeV)", masses, max(lo_m, 0.0), hi_m)
    sigma = resolution_function(resolution)(masses)
    lo, hi = masses - k * sigma, masses + k * sigma
    if spectrum.variable == "m2":
        lo, hi = lo * np.abs(lo), hi * hi
    centres = spectrum.centres
    first = np.searchsorted(centres, lo, side="left")
    stop = np.searchsorted(centres, hi, side="right")
    if np.any(stop <= first):
        bad = masses[stop <= first][0]
        raise NuportalInputError(f"the window around m = {bad:g} GeV (+- {k:g} sigma) contains no bin "
                                 "centre; the resolution is finer than the binning (increase k)")
    return ScanWindows(spectrum, _readonly(masses.copy()), _readonly(sigma), float(k),
                       _readonly(first), _readonly(stop), background_correlation)


# ------------------------------------------------------------------------ local significance
_NODES, _WEIGHTS = np.polynomial.legendre.leggauss(64)
_PRIOR_RANGE = 8.0  # the Gaussian prior is integrated over b +- 8 sigma_b (truncated at 0)


def _poisson_sf_inclusive(n, lam):
    """``P(N >= n | lam)`` for Poisson ``N`` (regularised lower incomplete gamma ``P(n, lam)``)."""
    n = np.asarray(n, dtype=float)
    return np.where(n <= 0, 1.0, special.gammainc(np.maximum(n, 1.0), lam))


def p_value_hybrid(n_obs, b, sigma_b) -> np.ndarray:
    r"""One-sided p-value ``P(N >= n_obs)`` with a Gaussian prior on the background.

    ``p = int P(N >= n | b') G(b'; b, sigma_b) db'`` over ``b' >= 0`` with the prior normalised on
    the truncated range (Cousins & Highland 1992, Sec. 3), by 64-point Gauss-Legendre quadrature
    over ``b +- 8 sigma_b``; exact Poisson for ``sigma_b = 0``.  Vectorised (broadcasting).

    Parameters
    ----------
    n_obs : array_like of int
        Observed events.
    b, sigma_b : array_like
        Expected background and its absolute Gaussian uncertainty (events).
    """
    n, b, s = np.broadcast_arrays(*(np.asarray(a, dtype=float) for a in (n_obs, b, sigma_b)))
    p = _poisson_sf_inclusive(n, b)
    fuzzy = s > 0
    if np.any(fuzzy):
        nf, bf, sf = n[fuzzy][:, None], b[fuzzy][:, None], s[fuzzy][:, None]
        z_lo = np.maximum(-bf / sf, -_PRIOR_RANGE)
        z = z_lo + (_PRIOR_RANGE - z_lo) * 0.5 * (_NODES + 1.0)
        w = _WEIGHTS * np.exp(-0.5 * z * z)
        lam = np.maximum(bf + sf * z, 0.0)
        p = p.copy()
        p[fuzzy] = np.sum(w * _poisson_sf_inclusive(nf, lam), axis=1) / np.sum(w, axis=1)
    return np.clip(p, 0.0, 1.0)


def z_asimov_with_uncertainty(n_obs, b, sigma_b) -> np.ndarray:
    r"""Asymptotic discovery significance with an uncertain background (observed, signed).

    Profile-likelihood ratio of ``n ~ Poisson(s + b)`` with the background constrained by a
    control count ``m ~ Poisson(tau b)``, ``m = tau b``, ``tau = b / sigma_b^2`` (Cowan (2012),
    Eq. (20) with ``s + b -> n`` and ``s_b = sigma_b``):
    ``Z^2 = 2 [n ln(n (b + s_b^2) / (b^2 + n s_b^2))
    - (b^2 / s_b^2) ln(1 + s_b^2 (n - b) / (b (b + s_b^2)))]``
    and its ``s_b -> 0`` limit ``2 [n ln(n / b) - (n - b)]``; ``Z`` has the sign of ``n - b``.
    Requires ``b > 0``.  Vectorised.
    """
    n, b, s = np.broadcast_arrays(*(np.asarray(a, dtype=float) for a in (n_obs, b, sigma_b)))
    s2 = s * s
    with np.errstate(divide="ignore", invalid="ignore"):
        known = special.xlogy(n, n / b) - (n - b)
        term1 = special.xlogy(n, n * (b + s2) / (b * b + n * s2))
        term2 = (b * b / s2) * np.log1p(s2 * (n - b) / (b * (b + s2)))
        q = 2.0 * np.where(s2 > 0, term1 - term2, known)
    return np.sign(n - b) * np.sqrt(np.maximum(q, 0.0))


def local_significance(n_obs, b, sigma_b, method: str = "hybrid") -> tuple[np.ndarray, np.ndarray]:
    """Local p-value and ``Z = Phi^-1(1 - p)`` clipped at 0, for ``method`` "hybrid" or "asimov".

    Hybrid p-values that underflow (``Z > 37``) take ``Z`` from the asymptotic formula.
    ``b = 0`` with ``sigma_b = 0`` and ``n_obs > 0`` (infinite significance) is refused.
    """
    _choice("significance", method, _SIGNIFICANCE)
    n, b, s = np.broadcast_arrays(*(np.asarray(a, dtype=float) for a in (n_obs, b, sigma_b)))
    infinite = (b == 0) & (s == 0) & (n > 0)
    if np.any(infinite):
        raise NuportalInputError(f"a window has n_obs = {n[infinite].flat[0]:g} events on a background "
                                 "b = 0 known exactly: the significance is infinite; give b > 0")
    z_asym = np.maximum(z_asimov_with_uncertainty(n, np.where(b > 0, b, 1.0), s), 0.0)
    z_asym = np.where(b > 0, z_asym, 0.0)
    if method == "asimov":
        return special.ndtr(-z_asym), z_asym
    p = p_value_hybrid(n, b, s)
    with np.errstate(divide="ignore"):
        z = np.where(p > 0, -special.ndtri(np.where(p > 0, p, 0.5)), z_asym)
    return p, np.maximum(z, 0.0)


# ---------------------------------------------------------------------------------- limits
@dataclass(frozen=True)
class LimitMethod:
    """An interval construction on the signal events of a window.

    ``function(n_obs, b, sigma_b, cl)`` returns an object with ``lower`` and ``upper`` (events);
    ``vectorised`` functions take arrays; ``uses_sigma_b`` says whether the background uncertainty
    enters the interval (if not, the label says so).
    """

    name: str
    function: Callable
    vectorised: bool = False
    uses_sigma_b: bool = True


def _rolke(n, b, s, cl):
    from nuportal.stats.intervals import rolke_lopez

    return rolke_lopez(int(n), float(b), float(s), float(cl))


def _fc(n, b, s, cl):  # noqa: ARG001 - Feldman-Cousins takes a known background
    from nuportal.stats.intervals import feldman_cousins

    return feldman_cousins(int(n), float(b), float(cl))


def _cls(n, b, s, cl):  # noqa: ARG001 - exact Poisson CLs takes a known background
    from nuportal.stats.intervals import cls_upper_limit

    return cls_upper_limit(np.asarray(n), np.asarray(b), float(cl))


LIMIT_METHODS = {
    "rolke-lopez": LimitMethod("rolke-lopez (profile likelihood, Gaussian background)", _rolke),
    "feldman-cousins": LimitMethod("feldman-cousins (known background)", _fc, uses_sigma_b=False),
    "cls": LimitMethod("cls (exact Poisson, known background)", _cls, vectorised=True,
                       uses_sigma_b=False),
}
"""Named interval methods; resolved from :mod:`nuportal.stats.intervals` at call time."""


def resolve_limit_method(method) -> LimitMethod:
    """A :class:`LimitMethod` from a name in :data:`LIMIT_METHODS`, a LimitMethod, or a callable."""
    if isinstance(method, LimitMethod):
        return method
    if callable(method):
        return LimitMethod(getattr(method, "__name__", "user method"), method)
    return LIMIT_METHODS[_choice("method", method, tuple(LIMIT_METHODS))]


def _intervals(method: LimitMethod, n, b, s, cl) -> tuple[np.ndarray, np.ndarray]:
    """(lower, upper) per window; scalar methods are called once per distinct (n, b, sigma_b)."""
    if method.vectorised:
        iv = method.function(n, b, s, cl)
        return (np.broadcast_to(np.asarray(iv.lower, float), n.shape).copy(),
                np.broadcast_to(np.asarray(iv.upper, float), n.shape).copy())
    keys, inverse = np.unique(np.column_stack([n, b, s]), axis=0, return_inverse=True)
    lower, upper = np.empty(len(keys)), np.empty(len(keys))
    for i, (ni, bi, si) in enumerate(keys):
        iv = method.function(int(ni), float(bi), float(si), cl)
        lower[i], upper[i] = float(iv.lower), float(iv.upper)
    return lower[inverse.ravel()], upper[inverse.ravel()]


# ------------------------------------------------------------------------------------ results
@dataclass(frozen=True, eq=False)
class PeakScan:
    """Result of :func:`scan_peaks`: one row per mass hypothesis, plus the scan settings.

    Columns (arrays of length ``n_masses``): ``masses``, ``sigma`` and window edges (GeV),
    ``n_obs``, ``b``, ``sigma_b`` (events in the window), ``local_p``, ``local_z``,
    ``signal_lower``, ``signal_upper`` (interval on signal events *in the window*),
    ``signal_upper_expected`` (limit for ``n_obs`` = median of Poisson(b); None if not computed),
    ``signal_fraction_in_window`` and ``excess`` (``local_z > 3``).
    """

    windows: ScanWindows
    n_obs: np.ndarray
    b: np.ndarray
    sigma_b: np.ndarray
    local_p: np.ndarray
    local_z: np.ndarray
    signal_lower: np.ndarray
    signal_upper: np.ndarray
    signal_upper_expected: np.ndarray | None
    cl: float
    method: str
    significance: str
    global_toys: GlobalSignificance | None = field(default=None)
    #: limits for n_obs at the background-only quantiles of Poisson(b): {"-2": ..., "-1": ..., "+1": ...,
    #: "+2": ...} (the +-1 sigma / +-2 sigma band around the median; None if not computed)
    expected_band: dict | None = field(default=None)

    masses = property(lambda self: self.windows.masses, doc="Mass hypotheses (GeV).")
    sigma = property(lambda self: self.windows.sigma, doc="Resolution sigma(m) (GeV).")
    window_low = property(lambda self: self.windows.window_low, doc="m - k sigma (GeV).")
    window_high = property(lambda self: self.windows.window_high, doc="m + k sigma (GeV).")
    signal_fraction_in_window = property(lambda self: self.windows.signal_fraction(),
                                         doc="Gaussian signal fraction in the included bins.")
    excess = property(lambda self: self.local_z > EXCESS_Z, doc="local Z > 3 (reference 001).")

    @property
    def max_local_z(self) -> tuple[float, float]:
        """(max local Z, its mass in GeV)."""
        i = int(np.argmax(self.local_z))
        return float(self.local_z[i]), float(self.masses[i])

    @property
    def n_eff(self) -> float:
        """Effective number of independent windows, :func:`effective_trials`."""
        return effective_trials(self.masses, self.sigma, self.windows.k)

    def gross_vitells(self, z_ref: float = 1.0) -> float:
        """Global p-value of the maximum local Z from the scan's own upcrossings of ``z_ref``."""
        return gross_vitells_global_p(self.max_local_z[0], self.local_z, z_ref)

    def to_columns(self) -> dict:
        """Columns for :func:`nuportal.io.write_csv` (units in the names)."""
        cols = {"m_GeV": self.masses, "sigma_m_GeV": self.sigma, "window_low_GeV": self.window_low,
                "window_high_GeV": self.window_high, "bin_first": self.windows.first,
                "bin_stop": self.windows.stop, "n_obs": self.n_obs, "b": self.b, "sigma_b": self.sigma_b,
                "local_p": self.local_p, "local_Z": self.local_z, "signal_lower": self.signal_lower,
                "signal_upper": self.signal_upper}
        if self.signal_upper_expected is not None:
            cols["signal_upper_expected"] = self.signal_upper_expected
        for key, values in (self.expected_band or {}).items():
            cols[f"signal_upper_expected_{'m' if key[0] == '-' else 'p'}{key[1:]}sigma"] = values
        cols["signal_fraction_in_window"] = self.signal_fraction_in_window
        cols["excess"] = self.excess.astype(int)
        return cols

    def summary(self) -> dict:
        """JSON-ready summary: settings, max local Z and its mass, trials factors, global Z."""
        z_max, m_max = self.max_local_z
        out = {"n_masses": int(self.masses.size), "k": self.windows.k, "cl": self.cl,
               "limit_method": self.method, "significance": self.significance,
               "background_correlation": self.windows.background_correlation,
               "spectrum_variable": self.windows.spectrum.variable,
               "max_local_Z": z_max, "m_at_max_local_Z_GeV": m_max,
               "n_excess_above_3_sigma": int(np.sum(self.excess)), "n_eff_windows": self.n_eff,
               "global_p_trials": float(_trials_global_p(z_max, self.n_eff)),
               "global_p_gross_vitells": self.gross_vitells()}
        if self.global_toys is not None:
            out.update(self.global_toys.to_dict())
        return out


def scan_peaks(spectrum: BinnedSpectrum, masses=None, *, step="sigma/2", resolution=None, k: float = 1.5,
               method="rolke-lopez", cl: float = 0.9, significance: str = "hybrid",
               background_correlation: str = "full", mass_range=None, expected: bool = True) -> PeakScan:
    """Scan a binned spectrum for peaks: per mass hypothesis, window sums, local Z and a CL interval.

    Reference 001, Sec. 3.1-3.2 (see the module docstring for the conventions).

    Parameters
    ----------
    spectrum : BinnedSpectrum
    masses : array_like, optional
        Mass hypotheses (GeV); by default generated over ``mass_range`` (default: the spectrum's
        range, from 0 up) with :func:`mass_hypotheses` and ``step``.
    step : float or str
        Fixed step in GeV or ``"sigma/N"`` (default ``"sigma/2"``, reference 001 Sec. 3.1).
    resolution : float or callable
        ``sigma(m)`` in GeV (required).
    k : float
        Window half-width in sigma (``> 0``).
    method : str, LimitMethod or callable
        ``"rolke-lopez"`` (default, as in reference 001), ``"feldman-cousins"``, ``"cls"``, or a
        callable ``f(n_obs, b, sigma_b, cl) -> object with .lower, .upper``.
    cl : float
        Confidence level of the intervals in (0, 1) (default 0.9).
    significance : {"hybrid", "asimov"}
        Local-significance definition, :func:`local_significance`.
    background_correlation : {"full", "none"}
        Per-bin background uncertainties added linearly or in quadrature.
    expected : bool
        Also compute the limit for ``n_obs`` equal to the median of Poisson(b).

    Returns
    -------
    PeakScan
    """
    require_range("cl (confidence level)", cl, 0.0, 1.0, low_open=True, high_open=True)
    lim = resolve_limit_method(method)
    if masses is None:
        lo, hi = mass_range if mass_range is not None else spectrum.mass_range
        masses = mass_hypotheses(max(lo, 0.0), hi, step=step, resolution=resolution)
    win = build_windows(spectrum, masses, resolution, k, background_correlation)
    n, b, s = win.sums(spectrum.observed), win.sums(spectrum.background), win.background_sigma()
    p, z = local_significance(n, b, s, significance)
    s_lim = s if lim.uses_sigma_b else np.zeros_like(s)
    lower, upper = _intervals(lim, n, b, s_lim, cl)
    upper_exp, band = None, None
    if expected:
        from scipy.stats import poisson

        upper_exp = _intervals(lim, poisson.median(b), b, s_lim, cl)[1]
        # background-only quantiles of the count. Median and band jump where a bin centre enters or leaves
        # the window m +- k sigma (b changes by a bin's content); the integer quantiles add 1-count steps
        band = {f"{z:+d}": _intervals(lim, poisson.ppf(special.ndtr(z), b), b, s_lim, cl)[1]
                for z in (-2, -1, 1, 2)}
    label = f"{lim.name}, {cl:g} CL, signal events in m +- {k:g} sigma"
    return PeakScan(win, n, b, s, p, z, lower, upper, upper_exp, float(cl), label, significance,
                    expected_band=band)


# ------------------------------------------------------------------------- look-elsewhere
def effective_trials(masses, sigma, k: float) -> float:
    """Effective number of independent windows ``N_eff = int dm / (2 k sigma(m))`` (trapezoid).

    At least 1.  ``masses`` and ``sigma`` in GeV, ``k`` the window half-width in sigma.
    """
    masses, sigma = np.asarray(masses, float), np.asarray(sigma, float)
    if masses.size < 2:
        return 1.0
    return max(1.0, float(np.trapezoid(1.0 / (2.0 * k * sigma), masses)))


def _trials_global_p(z_local, n_eff):
    """``1 - (1 - p_local)^N_eff`` (independent windows)."""
    p = special.ndtr(-np.asarray(z_local, float))
    return -np.expm1(n_eff * np.log1p(-p))


def gross_vitells_global_p(z_local: float, z_scan, z_ref: float = 1.0) -> float:
    """Gross-Vitells estimate ``p_global = p_local + N(z_ref) exp(-(Z^2 - z_ref^2) / 2)``.

    Gross & Vitells (2010), Eq. (2)-(3) for one degree of freedom (``q = Z^2``): ``N(z_ref)`` is
    the number of upcrossings of ``z_ref`` by the local-Z scan ``z_scan`` (or a toy average).
    Capped at 1.  For ``Z <= z_ref`` the estimate is not meaningful and 1 is returned.
    """
    z_scan = np.asarray(z_scan, float)
    if z_local <= z_ref:
        return 1.0
    n_up = int(np.sum((z_scan[:-1] < z_ref) & (z_scan[1:] >= z_ref)) + (z_scan[0] >= z_ref))
    p = special.ndtr(-z_local) + n_up * np.exp(-0.5 * (z_local ** 2 - z_ref ** 2))
    return float(min(p, 1.0))


@dataclass(frozen=True, eq=False)
class GlobalSignificance:
    """Toy-based global significance of the largest local excess.

    ``p_global = (#toys with max Z >= observed + 1) / (n_toys + 1)`` (never 0, conservative);
    ``z_global = Phi^-1(1 - p_global)`` clipped at 0; ``max_z_toys`` the toy distribution.
    If no toy reaches the observed maximum (``n_exceeding == 0``), ``p_global`` is only an upper
    bound (and ``z_global`` a lower bound): more toys are needed.
    """

    p_global: float
    z_global: float
    n_toys: int
    max_z_observed: float
    max_z_toys: np.ndarray
    n_exceeding: int

    def to_dict(self) -> dict:
        """Scalars only (the toy distribution is left out)."""
        return {"global_p_toys": self.p_global, "global_Z_toys": self.z_global, "n_toys": self.n_toys,
                "global_p_toys_is_upper_bound": self.n_exceeding == 0}


def toy_max_local_z(windows: ScanWindows, n_toys: int, rng: np.random.Generator,
                    significance: str = "hybrid", chunk: int = 2048) -> np.ndarray:
    """Maximum local Z of ``n_toys`` background-only Poisson toys of the spectrum (no limits).

    Toys fluctuate each bin as Poisson(background); the window background and its uncertainty are
    the nominal ones, so the local Z of the toys is computed exactly as for the data.
    """
    b_bins = windows.spectrum.background
    b, s = windows.sums(b_bins), windows.background_sigma()
    out = np.empty(n_toys)
    for start in range(0, n_toys, chunk):
        size = min(chunk, n_toys - start)
        n = windows.sums(rng.poisson(b_bins, size=(size, b_bins.size))).astype(np.int64)
        # distinct (window, count) pairs only: toys repeat counts, the quadrature is the cost
        keys, inverse = np.unique(n * b.size + np.arange(b.size), return_inverse=True)
        col = keys % b.size
        z = local_significance(keys // b.size, b[col], s[col], significance)[1]
        out[start:start + size] = z[inverse.reshape(n.shape)].max(axis=1)
    return out


def global_significance(scan_inputs, n_toys: int, rng: np.random.Generator, *,
                        significance: str | None = None, max_z_observed: float | None = None
                        ) -> GlobalSignificance:
    """Global p-value of the largest local excess from background-only toys (look-elsewhere).

    Parameters
    ----------
    scan_inputs : PeakScan or ScanWindows
        The scan (observed max local Z and significance definition taken from it), or its windows
        together with ``max_z_observed``.
    n_toys : int
        Number of background-only toys (``>= 1``).
    rng : numpy.random.Generator
    """
    require_range("n_toys", n_toys, 1, np.inf, high_open=True)
    if isinstance(scan_inputs, PeakScan):
        windows = scan_inputs.windows
        significance = significance or scan_inputs.significance
        max_z_observed = scan_inputs.max_local_z[0] if max_z_observed is None else max_z_observed
    else:
        windows, significance = scan_inputs, significance or "hybrid"
        if max_z_observed is None:
            raise NuportalInputError("max_z_observed is required when scan_inputs is a ScanWindows")
    toys = toy_max_local_z(windows, int(n_toys), rng, significance)
    n_exceeding = int(np.sum(toys >= max_z_observed))
    p = (n_exceeding + 1.0) / (n_toys + 1.0)
    z = max(0.0, float(-special.ndtri(p)))
    return GlobalSignificance(float(p), z, int(n_toys), float(max_z_observed), _readonly(toys),
                              n_exceeding)


def with_global(scan: PeakScan, result: GlobalSignificance) -> PeakScan:
    """Copy of ``scan`` carrying the toy-based global significance."""
    return replace(scan, global_toys=result)


# --------------------------------------------------------------------------------------- plot
def plot_upper_limits(ax, scan: PeakScan, expected: bool = True, per_mev: bool = True, **style):
    """Upper limit on signal events in the window vs mass (reference 001, Figs. 3-4 right).

    Draws the observed limit (solid) and, if available and ``expected``, the median expected limit
    (dashed); masses in MeV if ``per_mev`` else GeV.  Returns the artists.
    """
    x = scan.masses * (1e3 if per_mev else 1.0)
    artists = ax.plot(x, scan.signal_upper, drawstyle="steps-mid", color=style.pop("color", "k"),
                      label=f"observed upper limit ({scan.cl:.0%} CL)", **style)
    if expected and scan.expected_band is not None:
        band = scan.expected_band
        artists.append(ax.fill_between(x, band["-2"], band["+2"], step="mid", color="#ffdf3a", lw=0,
                                       label=r"expected $\pm 2\sigma$"))
        artists.append(ax.fill_between(x, band["-1"], band["+1"], step="mid", color="#5fd35f", lw=0,
                                       label=r"expected $\pm 1\sigma$"))
    if expected and scan.signal_upper_expected is not None:
        artists += ax.plot(x, scan.signal_upper_expected, ls="--", color="tab:blue", drawstyle="steps-mid",
                           label="median expected (background only); its jumps: a bin centre enters or "
                                 "leaves the window m +- k sigma")
    if np.any(scan.excess):
        artists.append(ax.scatter(x[scan.excess], scan.signal_upper[scan.excess], color="tab:red",
                                  zorder=3, label=f"local Z > {EXCESS_Z:g}"))
    ax.set_xlabel("mass hypothesis [MeV]" if per_mev else "mass hypothesis [GeV]")
    ax.set_ylabel("upper limit on signal events in window")
    ax.set_title(scan.method, fontsize=8)
    ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0.0)
    return artists
