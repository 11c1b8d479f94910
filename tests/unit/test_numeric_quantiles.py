"""A numeric question of too many distinct values for the streaming statistics gets its
quantiles from the kept draws, as a numeric attribute does; without draws, the text
says there are none (it used to print "(sd ...); ; no value in ...")."""

from __future__ import annotations

import math

import pytest
from scipy.stats import norm

import pactsim
from pactsim.views.text import format_results

TEXT = """\
pactsim: 3
id: numeric-quantiles
as_of: 2024-11-05
horizon: 2025-12-31
signing:
  by: {2024-12-31: 0.4, 2025-12-31: 0.82}
attributes:
  cost:
    dist: {lognormal: {median: 2400, p90: 6000}}
    requires: [signing]
questions:
  cost_q: cost
"""
N = 200_000


@pytest.fixture(scope="module")
def sc() -> pactsim.Scenario:
    return pactsim.loads(TEXT, name="numeric-quantiles.yaml")


def test_a_continuous_numeric_question_has_the_quantiles_of_its_draws(sc: pactsim.Scenario
                                                                      ) -> None:
    res = pactsim.simulate(sc, n=N, seed=3, progress=False)
    q = res.numeric("cost_q").quantiles
    assert set(q) == {0.1, 0.5, 0.9}
    assert q == res.numeric("cost").quantiles  # the same draws, the same answer
    # closed form: ln(cost) ~ N(ln 2400, s) with s = ln(6000 / 2400) / z(0.9), given signing
    # (0.82); each sample quantile's CDF value is within 5 standard errors of its level
    s = math.log(6000 / 2400) / norm.ppf(0.9)
    present = 0.82 * N
    for level, x in q.items():
        f = norm.cdf((math.log(x) - math.log(2400)) / s)
        assert abs(f - level) < 5 * math.sqrt(level * (1 - level) / present), (level, x, f)


def test_without_draws_the_text_says_there_are_no_quantiles(sc: pactsim.Scenario) -> None:
    res = pactsim.simulate(sc, n=N, seed=3, progress=False, keep_draws=False)
    assert res.numeric("cost_q").quantiles == {}
    text = format_results(res)
    line = next(x for x in text.splitlines() if x.startswith("Distribution of cost_q"))
    assert "; ;" not in line
    assert "no quantiles (more than 10,000 distinct values, and no draws kept)" in line
