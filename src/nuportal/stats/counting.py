r"""Cut-and-count sensitivity: signal yield needed for detection or median expected exclusion.

Setting ("Projected NA62 sensitivity to HNL production in K+ -> pi0 e+ N decays", Phys. Rev. D,
Sec. IV, Eqs. (2)-(3); shared reference ``000_8765c30c5ed4f07e``): in every rolling
missing-mass window the expected background ``b`` is known and a signal ``s`` is searched for
by counting events.  The paper uses the large-``b`` Gaussian rules

* detection (90 % CL, local):           s >= z sqrt(b),        z = Phi^-1(0.9) = 1.2816;
* median expected exclusion (90 % CL):  s  = z sqrt(b + s)     (sqrt(b) -> sqrt(b + s)),

which this module provides together with their exact Poisson counterparts.

Conventions
-----------
``cl`` is a one-sided confidence level, ``alpha = 1 - cl`` the test size, ``Phi`` the standard
normal CDF.  The Poisson probabilities are evaluated with the regularised incomplete gamma
functions (Abramowitz & Stegun 6.5.1, 26.4.21)::

    P(N <= n | mu) = Q(n + 1, mu) = scipy.special.gammaincc(n + 1, mu)   (= pdtr(n, mu))
    P(N >= n | mu) = P(n, mu)     = scipy.special.gammainc(n, mu)        (n >= 1)

so every "solve for s" step is an explicit call to ``gammaincinv`` / ``gammainccinv`` and all
functions are vectorised over ``b`` (and ``cl``) without Python loops.

Exclusion method: ``"clsb"`` uses the p-value of the s+b hypothesis, ``CL_{s+b} = alpha``;
``"cls"`` uses ``CL_s = CL_{s+b} / CL_b = alpha`` (Read, J. Phys. G 28 (2002) 2693; Junk,
NIM A 434 (1999) 435).  The paper's rule ``s = 1.282 sqrt(b+s)`` is the asymptotic CL_{s+b}
result, hence ``method="clsb"`` is the default throughout :mod:`nuportal.stats`.  For the
median background-only outcome ``CL_b = 1/2`` asymptotically, so the asymptotic CLs limit is
the CL_{s+b} limit with ``alpha -> alpha/2`` (Cowan, Cranmer, Gross & Vitells,
Eur. Phys. J. C 71 (2011) 1554, arXiv:1007.1727).
"""

from __future__ import annotations

import numpy as np
from scipy import special
from scipy.stats import poisson as _poisson

from nuportal.stats._validate import check_background, check_choice, check_cl, scalar_or_array

__all__ = [
    "POISSON_ASYMPTOTIC_SWITCH",
    "z_from_cl",
    "detection_signal_asymptotic",
    "exclusion_signal_asymptotic",
    "detection_signal_poisson",
    "exclusion_signal_poisson",
    "signal_needed",
]

#: Background count at and above which ``signal_needed(..., stats="auto")`` switches from the
#: exact Poisson construction to the asymptotic (Gaussian) formulae.
POISSON_ASYMPTOTIC_SWITCH = 100.0

_METHODS = ("clsb", "cls")
_EXPECTED = ("median", "asimov")


def z_from_cl(cl):
    r"""One-sided Gaussian quantile ``z = Phi^-1(cl)``.

    Parameters
    ----------
    cl : float or array_like
        Confidence level in (0, 1).

    Returns
    -------
    float or ndarray
        ``z`` with ``1 - Phi(z) = 1 - cl``; e.g. ``z_from_cl(0.9) = 1.2816`` (the paper's
        1.282), ``z_from_cl(0.95) = 1.6449``.

    Raises
    ------
    NuportalInputError
        If ``cl`` is NaN or outside (0, 1).
    """
    return scalar_or_array(special.ndtri(check_cl(cl)))


def _exclusion_z(cl, method):
    """Gaussian quantile of the median exclusion: Phi^-1(cl) (CLs+b), Phi^-1((1+cl)/2) (CLs)."""
    check_choice("method", method, _METHODS)
    cl = check_cl(cl)
    return special.ndtri(cl if method == "clsb" else 0.5 * (1.0 + cl))


def detection_signal_asymptotic(b, cl=0.9):
    r"""Large-``b`` signal yield needed for a local ``cl`` detection: ``s = z sqrt(b)``.

    Parameters
    ----------
    b : float or array_like
        Expected background count(s), ``0 <= b < inf``.
    cl : float or array_like, optional
        One-sided confidence level of the detection (default 0.9, ``z = 1.2816``).

    Returns
    -------
    float or ndarray
        ``s = Phi^-1(cl) sqrt(b)`` (paper Sec. IV: "s >~ 1.282 sqrt(b) in the limit b >> 1").
        Zero at ``b = 0``, where the Gaussian approximation is meaningless; use
        :func:`detection_signal_poisson` for small ``b``.
    """
    b = check_background(b)
    return scalar_or_array(special.ndtri(check_cl(cl)) * np.sqrt(b))


def exclusion_signal_asymptotic(b, cl=0.9, method="clsb"):
    r"""Large-``b`` median expected exclusion yield: the root of ``s = z sqrt(b + s)``.

    Parameters
    ----------
    b : float or array_like
        Expected background count(s), ``0 <= b < inf``.
    cl : float or array_like, optional
        Confidence level of the exclusion (default 0.9).
    method : {"clsb", "cls"}, optional
        ``"clsb"`` (default, the paper's rule): ``z = Phi^-1(cl)``.
        ``"cls"``: ``z = Phi^-1(1 - (1 - cl)/2)`` because ``CL_b = 1/2`` for the median
        background-only outcome.

    Returns
    -------
    float or ndarray
        ``s = (z^2 + z sqrt(z^2 + 4 b)) / 2``, the positive root of ``s^2 = z^2 (b + s)``.
        At ``b = 0`` this is ``z^2`` (1.64 for cl = 0.9), not the exact Poisson 2.303.
    """
    b = check_background(b)
    z = _exclusion_z(cl, method)
    return scalar_or_array(0.5 * (z * z + z * np.sqrt(z * z + 4.0 * b)))


def detection_signal_poisson(b, cl=0.9, expected="median"):
    r"""Exact Poisson signal yield for which the median experiment detects the signal.

    Definitions (counting experiment, known background ``b``):

    * critical count ``n_c`` = smallest ``n`` with ``P(N >= n | b) <= 1 - cl``, i.e.
      ``n_c = F^-1(cl; b) + 1`` with ``F`` the Poisson CDF (so ``n_c >= 1``);
    * ``s_det`` solves ``P(N >= n_c | b + s) = 1/2`` (the median outcome reaches ``n_c``,
      50 % power), i.e. ``b + s_det = P^-1(n_c, 1/2)`` (``scipy.special.gammaincinv``).

    Parameters
    ----------
    b : float or array_like
        Expected background count(s), ``0 <= b < inf``.
    cl : float or array_like, optional
        One-sided confidence level of the local detection (default 0.9).
    expected : {"median", "asimov"}, optional
        ``"median"`` (default): integer ``n_c`` as above.  Because ``n_c`` is discrete,
        ``s_det(b)`` is a saw-tooth (it falls like ``-b`` between jumps of one count).
        ``"asimov"``: smooth alternative with the continuous quantile
        ``k_c`` solving ``Q(k_c + 1, b) = cl`` (``scipy.special.pdtrik``, floored at 0, i.e.
        at least one event) and ``n_c = k_c + 1``; it touches the exact curve where ``k_c`` is
        an integer (the lower corners of the saw-tooth), equals it for ``b <= -ln(cl)``
        (``n_c = 1``) and has the same large-``b`` limit ``z sqrt(b)``.

    Returns
    -------
    float or ndarray
        ``s_det``; e.g. ``ln 2 = 0.693`` at ``b = 0`` (``n_c = 1``).  For ``cl <= 0.5`` the
        result can be <= 0 (no excess needed), as in the asymptotic formula.
    """
    b = check_background(b)
    cl = check_cl(cl)
    if check_choice("expected", expected, _EXPECTED) == "median":
        n_c = _poisson.ppf(cl, b) + 1.0
    else:
        n_c = special.pdtrik(cl, b) + 1.0
    return scalar_or_array(special.gammaincinv(n_c, 0.5) - b)


def exclusion_signal_poisson(b, cl=0.9, method="clsb", expected="median"):
    r"""Exact Poisson median expected upper limit on ``s`` for background-only data.

    With ``n`` the observed count of the median background-only experiment, the upper limit
    ``s_up`` solves

    * ``"clsb"``:  ``P(N <= n | s + b) = 1 - cl``  ->  ``s + b = Q^-1(n + 1, 1 - cl)``;
    * ``"cls"``:   ``P(N <= n | s + b) / P(N <= n | b) = 1 - cl``
      ->  ``s + b = Q^-1(n + 1, (1 - cl) Q(n + 1, b))``,

    with ``Q^-1`` = ``scipy.special.gammainccinv``.  For ``b = 0`` both give
    ``s_up = -ln(1 - cl)`` (2.303 at 90 % CL); for ``n = 3`` (CL_{s+b}) the classic 90 %
    upper limit on ``s + b`` is 6.68 (PDG, Statistics review, table of Poisson upper limits).

    Parameters
    ----------
    b : float or array_like
        Expected background count(s), ``0 <= b < inf``.
    cl : float or array_like, optional
        Confidence level (default 0.9).
    method : {"clsb", "cls"}, optional
        Test used for the exclusion (default ``"clsb"``, see module docstring).
    expected : {"median", "asimov"}, optional
        ``"median"`` (default): ``n`` = median of Poisson(``b``) (smallest ``n`` with
        ``F(n; b) >= 1/2``).  The discrete median makes ``s_up(b)`` step-like (saw-tooth,
        slope -1 between jumps).  ``"asimov"``: ``n = b`` inserted in the continuous
        extension ``Q(n + 1, mu)`` -- a smooth curve that coincides with the exact one at
        integer ``b`` (where the Poisson median equals ``b``) and has the same large-``b``
        limit.

    Returns
    -------
    float or ndarray
        ``s_up`` (>= 0 for ``cl > 0.5``).
    """
    b = check_background(b)
    cl = check_cl(cl)
    check_choice("method", method, _METHODS)
    if check_choice("expected", expected, _EXPECTED) == "median":
        n = _poisson.ppf(0.5, b)
    else:
        n = b
    alpha = 1.0 - cl
    target = alpha if method == "clsb" else alpha * special.gammaincc(n + 1.0, b)
    return scalar_or_array(special.gammainccinv(n + 1.0, target) - b)


def signal_needed(b, cl=0.9, kind="detection", stats="auto", method="clsb", expected="median"):
    r"""Signal yield needed for detection or median exclusion, dispatching on the statistics.

    Parameters
    ----------
    b : float or array_like
        Expected background count(s) in the signal window, ``0 <= b < inf``.
    cl : float or array_like, optional
        Confidence level (default 0.9, as in the paper).
    kind : {"detection", "exclusion"}, optional
        Detection sensitivity (``s >~ z sqrt(b)``) or median expected exclusion
        (``s = z sqrt(b + s)``).
    stats : {"auto", "asymptotic", "poisson"}, optional
        ``"auto"`` uses the exact Poisson construction for ``b < POISSON_ASYMPTOTIC_SWITCH``
        (= 100) and the asymptotic formula for ``b >= 100``, where the two agree to a few per
        cent (residual: the discreteness/continuity correction of ~0.5 event on s ~ 13-14).
    method : {"clsb", "cls"}, optional
        Exclusion test (ignored for detection).  Default ``"clsb"`` = the paper's rule.
    expected : {"median", "asimov"}, optional
        Discrete median (step-like) or smooth Asimov-like Poisson curves (Poisson part only).

    Returns
    -------
    float or ndarray
        Required signal yield ``s`` (same shape as ``b`` broadcast with ``cl``).
    """
    b = check_background(b)
    check_choice("kind", kind, ("detection", "exclusion"))
    check_choice("stats", stats, ("auto", "asymptotic", "poisson"))
    check_choice("expected", expected, _EXPECTED)
    if kind == "detection":
        asym = detection_signal_asymptotic(b, cl) if stats != "poisson" else None
        pois = detection_signal_poisson(b, cl, expected) if stats != "asymptotic" else None
    else:
        asym = exclusion_signal_asymptotic(b, cl, method) if stats != "poisson" else None
        pois = exclusion_signal_poisson(b, cl, method, expected) if stats != "asymptotic" else None
    if stats == "asymptotic":
        return asym
    if stats == "poisson":
        return pois
    return scalar_or_array(np.where(b < POISSON_ASYMPTOTIC_SWITCH, pois, asym))
