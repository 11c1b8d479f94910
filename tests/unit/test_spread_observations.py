"""The spread under a file's observations: outer draws weighted by P(news | params).

``a`` has p ~ Beta(2, 6) and one observation of likelihood ratio 4 on ``a``. Given
p, P(news | p) is proportional to 1 + 3p and P(a | news, p) = 4p / (1 + 3p); the
inputs' distribution given the news has density proportional to (1 + 3p) Beta(2, 6),
whose quantiles scipy computes here (no pactsim code), and P(a | news) =
E[4p] / E[1 + 3p] = 1 / 1.75.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import integrate, optimize, stats

import pactsim
from pactsim.analysis import spread as spread_module

TEXT = """\
pactsim: 2
id: o
as_of: 2024-01-01
horizon: 2024-12-31
events:
  a: {p: {beta: [2, 6]}}
  b:
    given: [a]
    table: {true: 0.7, false: 0.2}
questions:
  both: a and b
observations:
  - {date: 2024-02-01, source: radio, evidence: a, likelihood_ratio: 4}
"""


def _posterior_quantile(q: float) -> float:
    """The q quantile of P(a | news, p) = 4p / (1 + 3p) with p given the news."""
    def f(p: float) -> float:
        return float(stats.beta.pdf(p, 2, 6) * (1 + 3 * p) / 1.75)

    p = optimize.brentq(lambda x: integrate.quad(f, 0, x)[0] - q, 1e-12, 1 - 1e-12)
    return 4 * p / (1 + 3 * p)


@pytest.fixture(scope="module")
def sc() -> pactsim.Scenario:
    return pactsim.loads(TEXT, name="o.yaml")


def test_weighted_spread_is_the_inputs_given_the_news(sc: pactsim.Scenario) -> None:
    s = pactsim.spread(sc, "a", n=4000, seed=3)
    assert s.weights is not None and s.weights.shape == (4000,)
    assert s.weights.sum() == pytest.approx(1.0, rel=1e-12)
    assert s.forecast == pytest.approx(1 / 1.75, rel=1e-12)
    assert abs(s.mean - s.forecast) < 4 * s.stderr
    # each draw's weight is (1 + 3p) / sum: p read back from the answer v = 4p / (1 + 3p)
    p = s.values / (4 - 3 * s.values)
    np.testing.assert_allclose(s.weights, (1 + 3 * p) / np.sum(1 + 3 * p), rtol=1e-9)
    # the band against the posterior's quantiles (quantile standard error ~0.008 at ess ~3,800)
    for got, q in ((s.lo, 0.1), (s.hi, 0.9)):
        assert got == pytest.approx(_posterior_quantile(q), abs=0.03)
    assert 3000 < s.ess < 4000
    # the weighted standard error by the delta method, written out
    w = s.weights
    assert s.stderr == pytest.approx(math.sqrt(float(np.sum(w * w * (s.values - s.mean) ** 2))))


def test_spreads_weigh_like_spread(sc: pactsim.Scenario) -> None:
    one = pactsim.spread(sc, "both", n=300, seed=5)
    many = {s.question: s for s in pactsim.spreads(sc, n=300, seed=5)}
    assert many["both"].mean == one.mean and many["both"].lo == one.lo
    assert one.weights is not None and many["both"].weights is not None
    np.testing.assert_array_equal(many["both"].weights, one.weights)
    # P(a and b | news) = 0.7 P(a | news)
    assert abs(one.mean - 0.7 / 1.75) < 4 * one.stderr


def test_without_observations_nothing_is_weighted() -> None:
    plain = pactsim.loads(TEXT.split("observations:")[0])
    s = pactsim.spread(plain, "a", n=500, seed=1)
    assert s.weights is None and s.ess == 500
    assert s.stderr == pytest.approx(float(np.std(s.values, ddof=1) / math.sqrt(500)))
    np.testing.assert_allclose(s.quantile([0.1, 0.9]), np.quantile(s.values, [0.1, 0.9]))


def test_monte_carlo_inner_answers_weigh_by_the_mean_likelihood_weight(
        sc: pactsim.Scenario) -> None:
    """By Monte Carlo the weight of a parameter set is the inner draws' mean likelihood
    weight: its ratio across two sets is (1 + 3 p1) / (1 + 3 p2), within the inner error."""
    answers = spread_module._Answers(sc, "a", "a", seed=2)
    answers.method = "monte carlo"
    (v1, l1), (v2, l2) = answers.weighted({"a.p": 0.1}), answers.weighted({"a.p": 0.6})
    assert math.exp(l2 - l1) == pytest.approx((1 + 3 * 0.6) / (1 + 3 * 0.1), rel=0.05)
    assert v1 == pytest.approx(0.4 / 1.3, abs=0.03) and v2 == pytest.approx(2.4 / 2.8, abs=0.03)


def test_weighted_quantile_by_hand() -> None:
    v = np.array([3.0, 1.0, 2.0])
    w = np.array([0.5, 0.25, 0.25])
    # sorted 1, 2, 3 at the middles of their weights: 0.125, 0.375, 0.75
    got = spread_module._weighted_quantile(v, w, [0.125, 0.5, 0.75, 0.0, 1.0])
    np.testing.assert_allclose(got, [1.0, 2 + (0.5 - 0.375) / 0.375, 3.0, 1.0, 3.0])


def test_the_views_say_the_draws_are_weighted(sc: pactsim.Scenario) -> None:
    from pactsim.views.display import spread_html
    from pactsim.views.text import format_spreads

    s = pactsim.spread(sc, "a", n=200, seed=1)
    for text in (format_spreads([s]), spread_html(s)):
        assert "weighted by the likelihood of the file" in text  # (HTML escapes the ')
        assert f"effective {s.ess:,.0f}" in text
    plain = pactsim.spread(pactsim.loads(TEXT.split("observations:")[0]), "a", n=200, seed=1)
    assert "weighted" not in format_spreads([plain]) + spread_html(plain)
