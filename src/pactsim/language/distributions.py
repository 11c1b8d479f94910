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

    Solved in log-parameters from a moment-matched start. Each quantile
    matches to 1e-9 *relative* to its distance from the nearer bound (0 or 1),
    so ``[5e-13, 1e-12]``, ``[1 - 1e-12, 1 - 5e-13]`` and ``[1e-300, 0.5]``
    are fitted as well as ``[0.2, 0.5]``. Where the plain fit falls short of
    that, the residuals are those log distances; an interval above 1/2 is
    fitted as ``1 - T`` (parameters swapped); one below 1e-20 by the Gamma
    limit of the Beta law (T = G / b, G ~ Gamma(a)), solved for ``a`` from the
    ratio of the quantiles; and if the root finder still falls short, by
    bisection on each parameter in turn.

    Raises
    ------
    ArithmeticError
        Only when the parameters themselves leave the float range (a bound
        below about 1e-306, so that ``b`` would pass 1.8e308).

    Examples
    --------
    >>> a, b = between_to_beta(0.2, 0.5)
    >>> from scipy.stats import beta
    >>> [round(float(x), 6) for x in beta.ppf([0.05, 0.95], a, b)]
    [0.2, 0.5]
    """
    # scipy.special's betaincinv is what scipy.stats.beta.ppf calls (the same numbers),
    # without importing scipy.stats: half a second of every `pactsim validate`
    from scipy import optimize, special

    # the plain fit, with absolute residuals (the fit of earlier versions)
    m = (lo + hi) / 2
    sd = (hi - lo) / 3.29
    with np.errstate(all="ignore"):
        k = m * (1 - m) / sd**2 - 1 if sd**2 > 0 else math.inf
    if math.isfinite(k) and hi >= _GAMMA_LIMIT and 1.0 - lo >= _GAMMA_LIMIT:
        x0 = np.log([m * max(k, 0.5), (1 - m) * max(k, 0.5)])

        def f(x: NDArray[np.float64]) -> NDArray[np.float64]:
            a, b = np.exp(x)
            q = special.betaincinv(a, b, [0.05, 0.95])
            return np.asarray(q - [lo, hi], dtype=np.float64)

        with np.errstate(all="ignore"):
            sol = optimize.root(f, x0, method="hybr", options={"xtol": 1e-12})
        # Judge by the quantiles, not by sol.success: at the root scipy may still say
        # "not making good progress" when xtol is tighter than it can go.
        if np.all(np.isfinite(sol.x)):
            ab = (float(np.exp(sol.x[0])), float(np.exp(sol.x[1])))
            if _off(ab, lo, hi) <= 1e-9:
                return ab
    try:
        with np.errstate(all="ignore"):
            if lo > 0.5:  # both near 1: fit 1 - T, whose law is Beta(b, a)
                b, a = _fit_log(1.0 - hi, 1.0 - lo)
            else:
                a, b = _fit_log(lo, hi)
    except (ValueError, OverflowError, RuntimeError) as err:
        raise ArithmeticError(f"cannot fit a Beta distribution to the interval [{lo}, {hi}] "
                              f"({err})") from err
    if hi >= _GAMMA_LIMIT and not _off((a, b), lo, hi) <= 1e-9:
        raise ArithmeticError(f"cannot fit a Beta distribution to the interval [{lo}, {hi}]")
    return a, b


def _log_gap(u: float, a: float, b: float, x: float) -> float:
    """Log distance of the ``u`` quantile of Beta(a, b) from the bound nearer ``x``:
    ``log q`` for ``x <= 1/2``, else ``log(1 - q)``, computed as a quantile of
    ``1 - T ~ Beta(b, a)`` (no cancellation near 1)."""
    from scipy import special

    q = float(special.betaincinv(a, b, u) if x <= 0.5 else special.betaincinv(b, a, 1.0 - u))
    return math.log(q) if q > 0 else -math.inf


def _gap(x: float) -> float:
    return x if x <= 0.5 else 1.0 - x


def _off(ab: tuple[float, float], lo: float, hi: float) -> float:
    """Largest relative error of the fitted quantiles, each from its nearer bound."""
    err = [abs(math.expm1(_log_gap(u, *ab, x) - math.log(_gap(x))))
           for u, x in ((0.05, lo), (0.95, hi))]
    return max(err) if all(map(math.isfinite, err)) else math.inf


def _fit_log(lo: float, hi: float) -> tuple[float, float]:
    """The fit of :func:`between_to_beta` for ``lo <= 1/2``, with log-gap residuals."""
    from scipy import optimize

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
    want = np.array([math.log(_gap(lo)), math.log(_gap(hi))])

    def f(x: NDArray[np.float64]) -> NDArray[np.float64]:
        a, b = (float(v) for v in np.exp(x))
        got = np.array([_log_gap(0.05, a, b, lo), _log_gap(0.95, a, b, hi)])
        return np.asarray(got - want, dtype=np.float64)

    sol = optimize.root(f, x0, method="hybr", options={"xtol": 1e-14})
    if np.all(np.isfinite(sol.x)) and np.all(np.abs(f(sol.x)) <= 1e-10):
        return float(np.exp(sol.x[0])), float(np.exp(sol.x[1]))
    return _fit_nested(lo, hi)


def _fit_nested(lo: float, hi: float) -> tuple[float, float]:
    """The slow, sure fit: for each ``a`` the ``b`` that puts the 95% quantile at
    ``hi`` (it moves monotonically with ``b``), then the ``a`` that puts the 5%
    quantile at ``lo``, both by bisection in log space on log-gap residuals."""
    from scipy import optimize

    def b_for(log_a: float) -> float:
        return float(optimize.brentq(
            lambda lb: _log_gap(0.95, math.exp(log_a), math.exp(lb), hi) - math.log(_gap(hi)),
            log_a - 60.0, log_a + 60.0 - math.log(hi), xtol=1e-14, rtol=1e-15))

    def low(log_a: float) -> float:
        gap = _log_gap(0.05, math.exp(log_a), math.exp(b_for(log_a)), lo)
        return max(gap, -1e300) - math.log(_gap(lo))

    log_a = optimize.brentq(low, -40.0, 40.0, xtol=1e-14, rtol=1e-15)
    return math.exp(log_a), math.exp(b_for(log_a))


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
