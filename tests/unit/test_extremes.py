"""Values at the edges of the format, computed right (issue 8 item 4, issue 9 items 8 and 9).

Each case has an answer derived independently of pactsim: a closed form, or
``scipy.integrate.quad`` over the density written out in log space. Monte
Carlo is compared within 4 standard errors (fixed seeds); exact answers
within their reported ``quadrature_error``, which must be a true bound.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
from typing import Any

import numpy as np
import pytest
from scipy import integrate, special, stats

import pactsim
from pactsim.language.distributions import between_to_beta
from pactsim.language.io import from_dict

AS_OF, HORIZON = dt.date(2025, 1, 1), dt.date(2025, 12, 31)


def _scenario(**sections: Any) -> pactsim.Scenario:
    return from_dict({"pactsim": 1, "id": "t", "as_of": AS_OF, "horizon": HORIZON, **sections})


def _quad(f: Any, a: float, b: float, **kw: Any) -> float:
    value, err = integrate.quad(f, a, b, epsabs=1e-13, epsrel=1e-11, limit=2000, **kw)
    assert err < 1e-9
    return float(value)


# -- issue 8 item 4: `x or default` on numbers ----------------------------------
def test_uniform_driver_with_high_zero() -> None:
    """uniform(-1, 0) has mean -0.5; it was sampled as uniform(-1, 1) (``high or 1``)."""
    sc = _scenario(drivers={"d": {"dist": "uniform", "low": -1, "high": 0}},
                   events={"x": {"p": 0.5, "odds": {"d": 3.0}}},
                   questions={"m": "d", "low_half": "d < -0.5"})
    want_x = _quad(lambda u: float(special.expit(math.log(3.0) * u)), -1.0, 0.0)
    ex = pactsim.exact(sc)
    assert ex.numeric("m").mean == pytest.approx(-0.5, abs=1e-15)
    assert ex.prob("low_half").value == pytest.approx(0.5, abs=1e-15)
    assert ex.prob("x").value == pytest.approx(want_x, abs=1e-12)
    res = pactsim.simulate(sc, n=100_000, seed=4)
    m = res.numeric("m")
    assert abs(m.mean - (-0.5)) < 4 * m.stderr
    for name, want in (("x", want_x), ("low_half", 0.5)):
        est = res.prob(name)
        assert abs(est.value - want) < 4 * est.stderr, name


def test_normal_driver_with_mean_zero_and_low_zero() -> None:
    """0.0 is a value like any other for mean, low and high."""
    sc = _scenario(drivers={"n": {"dist": "normal", "mean": 0, "sd": 0.5},
                            "u": {"dist": "uniform", "low": 0, "high": 2}},
                   questions={"mn": "n", "mu": "u"})
    ex = pactsim.exact(sc)
    assert (ex.numeric("mn").mean, ex.numeric("mn").sd) == pytest.approx((0.0, 0.5))
    assert (ex.numeric("mu").mean, ex.numeric("mu").sd) == pytest.approx((1.0, 2 / 12**0.5))


# -- issue 9 item 8: values that used to crash ------------------------------------
def test_between_far_below_one_in_a_million() -> None:
    """``between: [1e-200, 2e-200]`` raised ZeroDivisionError; its Beta is fitted in log space."""
    a, b = between_to_beta(1e-200, 2e-200)
    # so concentrated near 0 that T = G/b with G ~ Gamma(a), to relative 1e-100
    q = special.gammaincinv(a, [0.05, 0.95]) / b
    assert q == pytest.approx([1e-200, 2e-200], rel=1e-9)
    sc = _scenario(events={"x": {"p": {"between": [1e-200, 2e-200]}}})
    assert pactsim.exact(sc).prob("x").value == pytest.approx(a / (a + b), rel=1e-12)
    assert 1e-200 < a / (a + b) < 2e-200


def test_between_close_to_one() -> None:
    """Fitted on the side of 1 - T (law Beta(b, a)), in relative terms there."""
    a, b = between_to_beta(1 - 1e-12, 1 - 5e-13)
    assert stats.beta.ppf([0.95, 0.05], b, a) == pytest.approx([1e-12, 5e-13], rel=1e-8)


@pytest.mark.parametrize(("lo", "hi"), [(0.2, 0.5), (1e-9, 3e-9), (0.02, 0.97), (1e-6, 0.5),
                                        (0.4999, 0.5001), (1e-300, 0.5), (1e-200, 0.3),
                                        (0.4, 1 - 1e-15), (1e-10, 1 - 1e-10),
                                        (0.3, 0.3000000001), (0.999999, 0.9999999)])
def test_between_fits_its_quantiles(lo: float, hi: float) -> None:
    """Each quantile to 1e-8 relative to its distance from the nearer bound (a
    quantile above 1/2 is read as a quantile of 1 - T ~ Beta(b, a))."""
    a, b = between_to_beta(lo, hi)
    for u, x in ((0.05, lo), (0.95, hi)):
        if x <= 0.5:
            assert stats.beta.ppf(u, a, b) == pytest.approx(x, rel=1e-8)
        else:
            assert stats.beta.ppf(1 - u, b, a) == pytest.approx(1 - x, rel=1e-8)


def test_uniform_driver_over_the_whole_float_range() -> None:
    """A uniform driver over ±1.7e308 raised OverflowError (high - low overflows)."""
    sc = _scenario(drivers={"d": {"dist": "uniform", "low": -1.7e308, "high": 1.7e308}},
                   events={"x": {"p": 0.5, "odds": {"d": 1.001}}},
                   questions={"up": "d > 0"})
    ex = pactsim.exact(sc)
    assert ex.prob("up").value == pytest.approx(0.5, abs=1e-15)
    # |log 1.001 * d| > 700 except on a sliver of width 1.4e6 around 0: x = d > 0
    assert ex.prob("x").value == pytest.approx(0.5, abs=1e-12)
    assert ex.quadrature_error < 1e-9
    res = pactsim.simulate(sc, n=100_000, seed=2)
    draws = res.to_frame()["d"].to_numpy()
    assert np.all(np.isfinite(draws)) and draws.min() < -1e308 and draws.max() > 1e308
    for name in ("x", "up"):
        est = res.prob(name)
        assert abs(est.value - 0.5) < 4 * est.stderr


# -- issue 9 item 9: silently wrong at the extremes --------------------------------
def _beta_logistic_mean(a: float, b: float, s: float) -> float:
    """E[sigma(logit T + s)] for T ~ Beta(a, b), by quad over u = log T and v = log(1 - T).

    The density of u is exp(a u + (b - 1) log(1 - e^u) - betaln(a, b)); the mass
    below T = 1/2 is integrated in u, the rest in v (by symmetry), each split at
    the point where the logistic changes fastest and at -1, -10, ..., -10**6
    (quad misses mass on one long piece).
    """
    lb = special.betaln(a, b)

    def lower(u: float) -> float:  # T = e^u <= 1/2
        return math.exp(a * u + (b - 1) * math.log1p(-math.exp(u)) - lb) \
            * float(special.expit(u - math.log1p(-math.exp(u)) + s))

    def upper(v: float) -> float:  # 1 - T = e^v <= 1/2
        return math.exp(b * v + (a - 1) * math.log1p(-math.exp(v)) - lb) \
            * float(special.expit(math.log1p(-math.exp(v)) - v + s))

    lo_u = -60.0 / min(a, 1.0) - 1e4
    total = 0.0
    for f, centre in ((lower, -s), (upper, s)):
        pts = {centre - 40, centre, centre + 40, *(-(10.0**k) for k in range(7))}
        edges = [lo_u, *sorted(x for x in pts if lo_u < x < -math.log(2)), -math.log(2)]
        total += sum(_quad(f, x, y) for x, y in itertools.pairwise(edges))
    return total


@pytest.mark.parametrize(("ab", "factor"), [((0.001, 0.001), 1e308), ((0.3, 2.0), 1e20),
                                            ((2.0, 5.0), 4.0), ((1e-300, 1e-300), 2.0),
                                            ((1e308, 1.0), 0.5), ((1.0, 1e308), 1e300),
                                            ((1e300, 1e300), 3.0), ((1e308, 1e308), 3.0)])
def test_uncertain_p_with_extreme_odds(ab: tuple[float, float], factor: float) -> None:
    """Beta(a, b) p with odds × factor on a sure parent, against quad and Monte Carlo.

    ``beta: [0.001, 0.001]`` with odds × 1e308 gave 1.0 (true 0.754) with a
    reported error of 2e-16; ``beta: [1e308, 1]`` gave 0 (true 1).
    """
    a, b = ab
    sc = _scenario(events={"on": {"p": 1.0},
                           "x": {"p": {"beta": [a, b]}, "odds": {"on": factor}}})
    s = math.log(factor)
    if max(a, b) >= 1e300 or min(a, b) < 1e-200:  # the law is a point mass (or two)
        # T is 0 or 1 (each 1/2), 1, or 1/2 (sd 1e-150, so sigma(0 + log 3) = 3/4)
        want = {(1e-300, 1e-300): 0.5, (1e308, 1.0): 1.0, (1e300, 1e300): 0.75,
                (1e308, 1e308): 0.75}.get(ab)
        if want is None:  # Beta(1, 1e308): T = E / 1e308, E ~ Exp(1); T e^s = E / 1e8 ~ 0
            want = _quad(lambda e: math.exp(-e) * float(special.expit(math.log(e)
                                                                       + s - math.log(1e308))),
                         0.0, 60.0, points=[1e-8, 1e-4])
    else:
        want = _beta_logistic_mean(a, b, s)
    ex = pactsim.exact(sc)
    got = ex.prob("x").value
    assert abs(got - want) <= max(ex.quadrature_error, 1e-12), (got, want, ex.quadrature_error)
    assert abs(got - want) < 1e-8
    n = 200_000
    est = pactsim.simulate(sc, n=n, seed=7).prob("x")
    assert abs(est.value - want) < 4 * math.sqrt(want * (1 - want) / n) + 1e-12
