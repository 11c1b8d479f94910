"""Monte Carlo against the closed-form answers of the analytic scenarios.

Each estimate must lie within 4 standard errors of the exact value. With ~120
comparisons at 4 SE, a false alarm has probability about 120 × 6.3e-5 ≈ 0.8%
for a random seed; the seed is fixed, so the test is deterministic.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import pactsim
from reference_answers import ANSWERS, CONDITIONAL

SCENARIOS = Path(__file__).parents[2] / "scenarios"
SIGMAS = 4.0
N = 400_000


@pytest.fixture(scope="module", params=sorted(ANSWERS))
def run(request):
    sc = pactsim.load(SCENARIOS / request.param)
    return request.param, pactsim.simulate(sc, n=N, seed=20241105)


def _se(est, n):
    return max(est.stderr, 1.0 / n)  # an estimate of exactly 0 or 1 has stderr 0


def test_marginals_match_closed_form(run):
    name, res = run
    for expr, exact in ANSWERS[name].items():
        est = res.prob(expr)
        assert abs(est.value - exact) <= SIGMAS * _se(est, N), (name, expr, est, exact)
        lo, hi = est.interval
        assert lo <= est.value <= hi


def test_conditionals_match_closed_form(run):
    name, res = run
    for expr, given, exact in CONDITIONAL.get(name, []):
        est = res.prob(expr, given=given)
        assert abs(est.value - exact) <= SIGMAS * _se(est, est.n), (name, expr, given, est, exact)


def test_monte_carlo_error_is_detected():
    """The comparison above has teeth: a 1-point error is many SEs at this n."""
    sc = pactsim.load(SCENARIOS / "analytic-independent.yaml")
    res = pactsim.simulate(sc, n=N, seed=1)
    est = res.prob("a")
    assert abs(est.value - (ANSWERS["analytic-independent.yaml"]["a"] + 0.01)) > SIGMAS * est.stderr
