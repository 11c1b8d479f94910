"""Exact inference with conditions on drivers used as parents (``given: ["alignment >
0.5"]``, an ``odds`` or ``hazard_ratio`` key such as ``"alignment <= -1"``).

The driver's quadrature is cut at each number a condition compares it with
(``DriverPlan.cuts``), so the condition is constant on every piece and the answer
is exact to rounding. Each answer here is derived by hand from the normal and
uniform distribution functions (scipy), sharing no code with the engine; where a
hand answer would be long, Monte Carlo checks it within 5 standard errors.
"""

from __future__ import annotations

import math

import pytest
from scipy.stats import norm

import pactsim
from pactsim.errors import ExactUnsupportedError

BASE = """\
pactsim: 2
id: driver-conditions
as_of: 2024-11-05
horizon: 2025-12-31
drivers:
  alignment: {dist: normal, mean: 0, sd: 1}
  mood: {dist: uniform, low: 0, high: 10}
"""

NODES = BASE + """\
signing:
  by: {2024-12-31: 0.4, 2025-12-31: 0.8}
pillars:
  military:
    given: ["alignment > 0.5"]
    table: {true: 0.8, false: 0.4}
  energy:
    p: 0.5
    odds: {"alignment <= -1": 3}
  trade:
    given: ["mood >= 7.5", "not military"]
    table:
      true: {true: 0.9, false: 0.6}
      false: {true: 0.3, false: 0.1}
"""


def _sig(x: float) -> float:
    return 1 / (1 + math.exp(-x))


@pytest.fixture(scope="module")
def nodes() -> pactsim.Scenario:
    return pactsim.loads(NODES, name="driver-conditions.yaml")


def test_a_given_condition_on_a_normal_driver(nodes: pactsim.Scenario) -> None:
    ex = pactsim.exact(nodes)
    up = norm.sf(0.5)  # P(alignment > 0.5)
    assert ex.prob("military").value == pytest.approx(0.8 * (0.8 * up + 0.4 * (1 - up)),
                                                      abs=1e-12)
    assert ex.prob("military", given="alignment > 0.5").value == pytest.approx(0.64, abs=1e-12)


def test_an_odds_key_on_a_driver(nodes: pactsim.Scenario) -> None:
    ex = pactsim.exact(nodes)
    low = norm.cdf(-1)  # odds x3 on 0.5: 0.75
    assert ex.prob("energy").value == pytest.approx(0.8 * (0.75 * low + 0.5 * (1 - low)),
                                                    abs=1e-12)
    # military and energy depend on each other through alignment only: three pieces
    a, b = norm.cdf(-1), norm.cdf(0.5)
    joint = 0.8 * (a * 0.4 * 0.75 + (b - a) * 0.4 * 0.5 + (1 - b) * 0.8 * 0.5)
    assert ex.prob("military and energy").value == pytest.approx(joint, abs=1e-12)


def test_a_uniform_driver_and_a_binary_parent_together(nodes: pactsim.Scenario) -> None:
    ex = pactsim.exact(nodes)
    up = norm.sf(0.5)
    mil = 0.8 * up + 0.4 * (1 - up)  # given signing
    hi = 0.25  # P(mood >= 7.5) on [0, 10]
    trade = hi * (mil * 0.6 + (1 - mil) * 0.9) + (1 - hi) * (mil * 0.1 + (1 - mil) * 0.3)
    assert ex.prob("trade").value == pytest.approx(0.8 * trade, abs=1e-12)


def test_a_hazard_ratio_keyed_by_a_driver_condition() -> None:
    sc = pactsim.loads(BASE + """\
signing:
  by: {2024-12-31: 0.4, 2025-12-31: 0.8}
  hazard_ratio: {"alignment > 0": 2}
""", name="hazard.yaml")
    ex = pactsim.exact(sc)
    # P(not by t | alignment > 0) = S0(t)**2, each side of 0 with probability 1/2
    assert ex.prob("signing.date <= 2024-12-31").value == pytest.approx(
        0.5 * (1 - 0.6**2) + 0.5 * 0.4, abs=1e-12)
    assert ex.prob("signing").value == pytest.approx(0.5 * (1 - 0.2**2) + 0.5 * 0.8, abs=1e-12)


def test_a_condition_on_a_driver_and_a_date_agrees_with_monte_carlo() -> None:
    sc = pactsim.loads(BASE + """\
signing:
  by: {2024-12-31: 0.4, 2025-06-30: 0.6, 2025-12-31: 0.8}
events:
  escalation:
    by: {2025-03-31: 0.3, 2025-12-31: 0.5}
    hazard_ratio: {alignment: 1.4}
pillars:
  military:
    given: ["alignment > 0.3 and signing.date <= 2025-03-31", "escalation"]
    table:
      true: {true: 0.9, false: 0.7}
      false: {true: 0.5, false: 0.2}
    odds: {"mood < 2 or not escalation": 2}
""", name="mixed.yaml")
    ex = pactsim.exact(sc)
    res = pactsim.simulate(sc, n=400_000, seed=11, progress=False)
    for q in ("military", "military and escalation", "military and signing.date <= 2025-03-31"):
        mc = res.prob(q)
        assert abs(mc.value - ex.prob(q).value) < 5 * mc.stderr, (q, mc, ex.prob(q))
    assert ex.quadrature_error < 1e-9


def test_a_driver_compared_with_another_driver_is_refused_clearly() -> None:
    sc = pactsim.loads(BASE + """\
signing:
  by: {2024-12-31: 0.4, 2025-12-31: 0.8}
pillars:
  military:
    given: ["alignment > mood"]
    table: {true: 0.8, false: 0.4}
""", name="two-drivers.yaml")
    with pytest.raises(ExactUnsupportedError, match=r"compares a driver in a condition only "
                                                    r"with a number.*'alignment > mood'"):
        pactsim.exact(sc)
    assert 0 < pactsim.simulate(sc, n=1000, seed=1, progress=False).prob("military").value < 1
