"""Distributions of uncertain probabilities: Beta fits of 90% intervals and means.

An uncertain p is written ``{beta: [a, b]}`` or ``{between: [lo, hi]}`` (a 90%
interval, turned into the Beta whose 5% and 95% quantiles are ``lo`` and ``hi``).
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np
from numpy.typing import NDArray

from pactsim.language.scenario import Beta, Between

__all__ = ["beta_params", "between_to_beta", "p_mean"]


#: Below this upper bound a ``between`` interval is fitted by the Gamma limit
#: of the Beta law (T = G / b with G ~ Gamma(a)), whose relative error in the
#: quantiles, O(1 / sqrt(b)), is then below 1e-10.
_GAMMA_LIMIT = 1e-20


@lru_cache(maxsize=1024)
def between_to_beta(lo: float, hi: float) -> tuple[float, float]:
    """Beta(a, b) whose 5% and 95% quantiles are ``lo`` and ``hi`` (``0 < lo < hi < 1``).

    Solved in log-parameters from a moment-matched start. The quantiles match
    to 1e-9 *relative* to their distance from the nearer bound (0 for an
    interval below 1/2, 1 above), so ``[5e-13, 1e-12]`` and
    ``[1 - 1e-12, 1 - 5e-13]`` are fitted as well as ``[0.2, 0.5]``. Where the
    plain fit falls short of that, the interval is fitted on the side of its
    bound (``1 - T`` above 1/2, parameters swapped) with log residuals; below
    1e-20 by the Gamma limit of the Beta law (T = G / b, G ~ Gamma(a)), solved
    for ``a`` from the ratio of the quantiles. Everything is in log space, so
    ``[1e-200, 2e-200]`` works.

    Examples
    --------
    >>> a, b = between_to_beta(0.2, 0.5)
    >>> from scipy.stats import beta
    >>> [round(float(x), 6) for x in beta.ppf([0.05, 0.95], a, b)]
    [0.2, 0.5]
    """
    from scipy import optimize, stats

    near = np.array([lo, hi]) if lo + hi <= 1.0 else 1.0 - np.array([lo, hi])

    def off(ab: tuple[float, float]) -> float:
        """Largest relative error of the fitted quantiles, measured from the nearer bound."""
        with np.errstate(all="ignore"):
            q = stats.beta.ppf([0.05, 0.95], *ab)
            err = np.abs((q if lo + hi <= 1.0 else 1.0 - q) / near - 1.0)
        return float(np.max(err)) if np.all(np.isfinite(err)) else math.inf

    # the plain fit, with absolute residuals (the fit of earlier versions)
    m = (lo + hi) / 2
    sd = (hi - lo) / 3.29
    with np.errstate(all="ignore"):
        k = m * (1 - m) / sd**2 - 1 if sd**2 > 0 else math.inf
    if math.isfinite(k) and hi >= _GAMMA_LIMIT and 1.0 - lo >= _GAMMA_LIMIT:
        x0 = np.log([m * max(k, 0.5), (1 - m) * max(k, 0.5)])

        def f(x: NDArray[np.float64]) -> NDArray[np.float64]:
            a, b = np.exp(x)
            q = stats.beta.ppf([0.05, 0.95], a, b)
            return np.asarray(q - [lo, hi], dtype=np.float64)

        with np.errstate(all="ignore"):
            sol = optimize.root(f, x0, method="hybr", options={"xtol": 1e-12})
        # Judge by the quantiles, not by sol.success: at the root scipy may still say
        # "not making good progress" when xtol is tighter than it can go.
        if np.all(np.isfinite(sol.x)):
            ab = (float(np.exp(sol.x[0])), float(np.exp(sol.x[1])))
            if off(ab) <= 1e-9:
                return ab
    if lo + hi > 1.0:
        b, a = _fit_near_zero(1.0 - hi, 1.0 - lo)
    else:
        a, b = _fit_near_zero(lo, hi)
    if hi >= _GAMMA_LIMIT and 1.0 - lo >= _GAMMA_LIMIT and off((a, b)) > 1e-9:
        raise ArithmeticError(f"cannot fit a Beta distribution to the interval [{lo}, {hi}]")
    return a, b


def _fit_near_zero(lo: float, hi: float) -> tuple[float, float]:
    """The fit of :func:`between_to_beta` for ``lo + hi <= 1``, in log space."""
    from scipy import optimize, stats

    if hi < _GAMMA_LIMIT:
        target = math.log(hi) - math.log(lo)

        def ratio(log_a: float) -> float:
            a = math.exp(log_a)
            return _log_gamma_quantile(a, 0.95) - _log_gamma_quantile(a, 0.05) - target

        log_a = optimize.brentq(ratio, -40.0, 80.0, xtol=1e-15, rtol=1e-15)
        a = math.exp(log_a)
        return a, math.exp(_log_gamma_quantile(a, 0.05) - math.log(lo))
    m = (lo + hi) / 2
    log_sd = math.log(hi - lo) - math.log(3.29)
    # k = max(m (1 - m) / sd**2 - 1, 0.5), in logs (sd**2 underflows for tiny intervals)
    big = math.log(m) + math.log1p(-m) - 2 * log_sd
    log_k = big + math.log1p(-math.exp(-big)) if big > math.log(1.5) else math.log(0.5)
    x0 = np.array([math.log(m), math.log1p(-m)]) + min(log_k, 600.0)
    want = np.log([lo, hi])

    def f(x: NDArray[np.float64]) -> NDArray[np.float64]:
        a, b = np.exp(x)
        with np.errstate(divide="ignore", invalid="ignore"):
            q = np.log(stats.beta.ppf([0.05, 0.95], a, b))
        return np.asarray(q - want, dtype=np.float64)

    sol = optimize.root(f, x0, method="hybr", options={"xtol": 1e-14})
    return float(np.exp(sol.x[0])), float(np.exp(sol.x[1]))


def _log_gamma_quantile(a: float, u: float) -> float:
    """``log`` of the ``u`` quantile of Gamma(a, 1), also where it underflows.

    For a small quantile q, :math:`P(a, q) \\approx q^a / \\Gamma(a + 1)`, so
    :math:`\\log q \\approx (\\log u + \\log\\Gamma(a + 1)) / a`.
    """
    from scipy import special

    q = float(special.gammaincinv(a, u))
    if q > 1e-300:
        return math.log(q)
    return (math.log(u) + float(special.gammaln(a + 1.0))) / a


def beta_params(spec: float | Beta | Between) -> tuple[float, float] | None:
    if isinstance(spec, Beta):
        return spec.beta
    if isinstance(spec, Between):
        return between_to_beta(*spec.between)
    return None


def p_mean(spec: float | Beta | Between) -> float:
    """Mean of a probability spec (for ``between``, the mean of its fitted Beta)."""
    ab = beta_params(spec)
    if ab is None:
        return float(spec)  # type: ignore[arg-type]
    a, b = ab
    return a / (a + b)
