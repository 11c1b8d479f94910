"""Exact inference that knows its error (issue 8 item 6) and checks its arguments (issue 9 item 6).

Every case is checked against ``scipy.integrate.quad`` (adaptive, with
breakpoints where the logistic changes fastest), which shares no code with
pactsim's rules. Two properties are tested:

* ``quadrature_error`` is an upper bound: ``|exact - quad| <= quadrature_error``
  for steep odds (up to a factor of e**20 per sd), step-like odds (a factor of
  1e308 per unit), uniform drivers, tables with binary odds, uncertain p and
  nodes with two drivers, at 24 and at 8 points;
* with the default 24 points a node with one driver is accurate to 1e-12
  however steep its odds (Gauss–Hermite alone was off by 3e-2).
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
from functools import cache
from typing import Any

import numpy as np
import pytest
from scipy import integrate, special, stats

import pactsim
from pactsim.errors import ArgumentError, ArgumentTypeError
from pactsim.language.io import from_dict
from pactsim.results.exact import ExactResults

AS_OF, HORIZON = dt.date(2025, 1, 1), dt.date(2025, 12, 31)
STEP = 1e308  # odds factor per unit: log 1e308 = 709.2, a step


def _scenario(**sections: Any) -> pactsim.Scenario:
    return from_dict({"pactsim": 1, "id": "t", "as_of": AS_OF, "horizon": HORIZON, **sections})


def _quad(f: Any, edges: list[float], tol: float = 1e-15, **kw: Any) -> float:
    total = 0.0
    for a, b in itertools.pairwise(edges):
        value, err = integrate.quad(f, a, b, epsabs=tol, epsrel=100 * tol, limit=500, **kw)
        assert err < 1000 * tol
        total += value
    return total


def _normal_truth(logit: float, lam: float, mean: float, sd: float) -> float:
    """E[sigma(logit + lam * X)], X ~ N(mean, sd), split around the crossing point."""
    slope = abs(lam) * sd
    c = -(logit + lam * mean) / (lam * sd)
    pts = {c + k / slope for k in (-40, -5, -1, 0, 1, 5, 40)}
    edges = [-13.0, *sorted(x for x in pts if -13 < x < 13), 13.0]
    return _quad(lambda z: float(special.expit(logit + lam * (mean + sd * z))
                                 * stats.norm.pdf(z)), edges)


def _uniform_truth(logit: float, lam: float, low: float, high: float) -> float:
    c = -logit / lam
    pts = {c + k / abs(lam) for k in (-40, -5, -1, 0, 1, 5, 40)}
    edges = [low, *sorted(x for x in pts if low < x < high), high]
    return _quad(lambda x: float(special.expit(logit + lam * x)) / (high - low), edges)


def _check(ex: ExactResults, expr: str, want: float) -> float:
    got = ex.prob(expr).value
    err = abs(got - want)
    assert err <= ex.quadrature_error, (expr, got, want, err, ex.quadrature_error)
    return err


# -- one driver: the bound holds, and 24 points are accurate ------------------------
SLOPES = [0.5, 1.0, 2.0, 4.0, 8.0, 20.0, math.log(STEP)]


@pytest.mark.parametrize("slope", SLOPES)
@pytest.mark.parametrize("quad_points", [24, 8])
def test_normal_driver_steep_odds(slope: float, quad_points: int) -> None:
    """Log odds slope ``slope`` per sd; p from nearly 0 to nearly 1 moves the crossing."""
    mean, sd = 0.3, 1.3
    events = {f"x{i}": {"p": p, "odds": {"d": math.exp(slope / sd)}}
              for i, p in enumerate([0.001, 0.3, 0.5, 0.97])}
    sc = _scenario(drivers={"d": {"dist": "normal", "mean": mean, "sd": sd}}, events=events)
    ex = pactsim.exact(sc, quad_points=quad_points)
    for name, spec in events.items():
        want = _normal_truth(float(special.logit(spec["p"])), slope / sd, mean, sd)
        err = _check(ex, name, want)
        if quad_points == 24:
            assert err < 1e-12, (name, err)
    if quad_points == 24:
        assert ex.quadrature_error < 1e-12


@pytest.mark.parametrize("slope", [1.0, 6.0, 30.0, math.log(STEP) * 2.0])
def test_uniform_driver_steep_odds(slope: float) -> None:
    """uniform(-1, 3): slope per unit ``slope / 2`` (``slope`` over the half-range)."""
    lam = slope / 2
    events = {f"x{i}": {"p": p, "odds": {"u": math.exp(lam)}}
              for i, p in enumerate([1e-6, 0.2, 0.9])}
    sc = _scenario(drivers={"u": {"dist": "uniform", "low": -1, "high": 3}}, events=events)
    ex = pactsim.exact(sc)
    for name, spec in events.items():
        want = _uniform_truth(float(special.logit(spec["p"])), lam, -1.0, 3.0)
        assert _check(ex, name, want) < 1e-12


def test_table_rows_and_binary_odds_each_have_their_crossing() -> None:
    """A ``given`` table, a binary odds parent and a steep driver: four crossings."""
    lam = 12.0
    sc = _scenario(drivers={"d": {"dist": "normal", "mean": 0, "sd": 1}},
                   events={"a": {"p": 0.4}, "b": {"p": 0.5},
                           "x": {"given": ["a"], "table": {True: 0.2, False: 0.7},
                                 "odds": {"b": 5.0, "d": math.exp(lam)}}},
                   questions={"high": "x and d > 0.3"})
    ex = pactsim.exact(sc)
    want = 0.0
    for pa, row in ((0.4, 0.2), (0.6, 0.7)):
        for bit in (0, 1):
            want += pa * 0.5 * _normal_truth(float(special.logit(row)) + bit * math.log(5.0),
                                             lam, 0.0, 1.0)
    assert _check(ex, "x", want) < 1e-12
    # an expression's cut and the crossings share the rule's pieces
    part = 0.0
    for pa, row in ((0.4, 0.2), (0.6, 0.7)):
        for bit in (0, 1):
            logit = float(special.logit(row)) + bit * math.log(5.0)
            c = -logit / lam
            edges = [0.3, *sorted(x for x in (c - 1, c, c + 1) if 0.3 < x < 13), 13.0]
            part += pa * 0.5 * _quad(lambda z, g=logit: float(special.expit(g + lam * z)
                                                              * stats.norm.pdf(z)), edges)
    assert ex.prob("high").value == pytest.approx(part, abs=1e-11)


@cache
def _beta_mean(a: float, b: float, s: float) -> float:
    """E[sigma(logit T + s)], T ~ Beta(a, b) (a, b >= 1), the endpoint powers as quad weights."""
    value, err = integrate.quad(lambda t: float(special.expit(special.logit(t) + s)), 0.0, 1.0,
                                weight="alg", wvar=(a - 1, b - 1), epsabs=1e-15, epsrel=1e-13,
                                limit=200)
    assert err < 1e-12
    return float(value / special.beta(a, b))


def test_uncertain_p_with_a_steep_driver() -> None:
    """p ~ Beta(2, 5) with odds e**8 per sd: the driver's rule and the Beta integral together."""
    lam = 8.0
    sc = _scenario(drivers={"d": {"dist": "normal", "mean": 0, "sd": 1}},
                   events={"x": {"p": {"beta": [2, 5]}, "odds": {"d": math.exp(lam)}}})
    ex = pactsim.exact(sc)
    # over s = lam z: E[g(s)] with s ~ N(0, lam); g is smooth on the scale of 1 in s
    edges = [float(x) for x in np.linspace(-13 * lam, 13 * lam, 105)]
    want = _quad(lambda s: _beta_mean(2.0, 5.0, s) * stats.norm.pdf(s / lam) / lam, edges)
    assert _check(ex, "x", want) < 1e-10


def _two_driver_truth(logit: float, l1: float, l2: float) -> float:
    """E[sigma(logit + l1 Z1 + l2 Z2)] for independent standard normals: l1 Z1 + l2 Z2
    is N(0, l1**2 + l2**2), so one quad suffices."""
    return _normal_truth(logit, math.hypot(l1, l2), 0.0, 1.0)


@pytest.mark.parametrize(("l1", "l2", "quad_points"), [(4.0, 4.0, 8), (20.0, 3.0, 8),
                                                       (math.log(STEP), 1.0, 24),
                                                       (math.log(STEP), math.log(STEP), 8)])
def test_two_steep_drivers_on_one_node(l1: float, l2: float, quad_points: int) -> None:
    """Where no rule can place its pieces at the crossing (it moves with the other
    driver), the bound still holds, also for two step-like drivers."""
    sc = _scenario(drivers={"d1": {"dist": "normal", "mean": 0, "sd": 1},
                            "d2": {"dist": "normal", "mean": 0, "sd": 1}},
                   events={"x": {"p": 0.3, "odds": {"d1": math.exp(l1), "d2": math.exp(l2)}}})
    ex = pactsim.exact(sc, quad_points=quad_points)
    _check(ex, "x", _two_driver_truth(float(special.logit(0.3)), l1, l2))


def test_bound_when_twice_the_points_do_not_fit() -> None:
    """With twice the points above max_table the check uses half as many (and says so
    by a looser, still honest, bound) instead of failing."""
    sc = _scenario(drivers={"d1": {"dist": "normal", "mean": 0, "sd": 1},
                            "d2": {"dist": "normal", "mean": 0, "sd": 1}},
                   events={"x": {"p": 0.3, "odds": {"d1": 1.5, "d2": 1.3}}})
    want = _two_driver_truth(float(special.logit(0.3)), math.log(1.5), math.log(1.3))
    # x, d1, d2 with 24 Gauss-Hermite points each: 1,152 entries; 48 points do not fit
    ex = pactsim.exact(sc, max_table=1152)
    assert ex.largest_table == 1152
    assert abs(ex.prob("x").value - want) <= ex.quadrature_error < 1e-9
    # 2 points have no half to compare with: the bound is infinite, not made up
    assert pactsim.exact(sc, quad_points=2, max_table=72).quadrature_error == math.inf


def test_where_the_bound_is_small_the_answer_is_right() -> None:
    """Gauss–Hermite alone was off by up to 3e-2 at slope 20 while reporting half that."""
    sc = _scenario(drivers={"d": {"dist": "normal", "mean": 0, "sd": 1}},
                   events={"x": {"p": 0.5, "odds": {"d": math.exp(20.0)}},
                           "y": {"p": 0.02, "odds": {"d": math.exp(20.0)}}})
    ex = pactsim.exact(sc)
    assert ex.quadrature_error < 1e-6
    for name, p in (("x", 0.5), ("y", 0.02)):
        want = _normal_truth(float(special.logit(p)), 20.0, 0.0, 1.0)
        assert abs(ex.prob(name).value - want) < 1e-12


# -- issue 9 item 6: exact()'s arguments --------------------------------------------
@cache
def _small() -> pactsim.Scenario:
    return _scenario(drivers={"d": {"dist": "normal", "mean": 0, "sd": 1}},
                     events={"x": {"p": 0.3, "odds": {"d": 2.0}}})


@pytest.mark.parametrize(("kwargs", "error", "match"), [
    ({"quad_points": 5000}, ArgumentError, r"quad_points .* from 2 to 200 .*not 5,000"),
    ({"quad_points": 10**5}, ArgumentError, r"quad_points .* from 2 to 200"),
    ({"quad_points": 1}, ArgumentError, r"quad_points .* from 2 to 200 .*not 1$"),
    ({"quad_points": 0}, ArgumentError, r"quad_points"),
    ({"quad_points": -3}, ArgumentError, r"quad_points"),
    ({"quad_points": 2.5}, ArgumentTypeError, r"quad_points .*an int.*not 2\.5"),
    ({"quad_points": "24"}, ArgumentTypeError, r"quad_points .*not '24'"),
    ({"quad_points": True}, ArgumentTypeError, r"quad_points"),
    ({"max_table": 0}, ArgumentError, r"max_table .* from 1 to 2,147,483,648"),
    ({"max_table": 2**31 + 1}, ArgumentError, r"max_table .*not 2,147,483,649"),
    ({"max_table": 1e6}, ArgumentTypeError, r"max_table"),
    ({"progress": "yes"}, ArgumentTypeError, r"progress must be True, False or None"),
])
def test_arguments_are_checked_before_any_work(kwargs: dict[str, Any], error: type,
                                               match: str) -> None:
    with pytest.raises(error, match=match):
        pactsim.exact(_small(), **kwargs)
    assert issubclass(error, ValueError if error is ArgumentError else TypeError)


def test_not_a_scenario() -> None:
    with pytest.raises(ArgumentTypeError, match=r"scenario: exact\(\) needs a Scenario"):
        pactsim.exact("scenarios/iran-russia-2024.yaml")  # type: ignore[arg-type]


def test_quad_points_range_ends_work() -> None:
    want = _normal_truth(float(special.logit(0.3)), math.log(2.0), 0.0, 1.0)
    for q in (2, 200, np.int64(24)):
        ex = pactsim.exact(_small(), quad_points=q)  # type: ignore[arg-type]
        _check(ex, "x", want)
    assert pactsim.exact(_small(), max_table=2**31).prob("x").value == pytest.approx(want)
