"""Uncertain p with odds is drawn from a table of E[sigma(logit T + s)], not a Beta per draw.

The table (``pactsim.inference.betatable``) must be within its documented bound
(1e-9 per probability) of the exact engine's quadrature everywhere, inside its
grid and beyond; and the draws it gives must have the law exact inference and
the naive reference sampler (which draws a Beta per draw) compute.
"""

from __future__ import annotations

import numpy as np
import pytest

import pactsim
from pactsim.inference import betatable
from pactsim.inference.compile import compile_scenario
from pactsim.inference.factors import beta_logistic_mean
from reference_sampler import ReferenceSampler


@pytest.mark.parametrize("ab", [(2.0, 6.0), (0.3, 0.7), (5.2, 20.1), (0.05, 3.0), (50.0, 0.2),
                                (1.0, 1.0), (1e9, 2e9), (0.6, 4000.0)])
def test_table_is_within_its_bound_of_the_quadrature(ab):
    a, b = ab
    tab = betatable.table(a, b, -6.0, 6.0)
    rng = np.random.default_rng(1)
    s = np.concatenate([rng.uniform(-6.0, 6.0, 40_000),  # inside the grid
                        rng.uniform(-60.0, 60.0, 200),   # mostly beyond: computed directly
                        [-6.0, 6.0, -np.inf, np.inf, 0.0]])
    got = betatable.evaluate(tab, a, b, s)
    want = beta_logistic_mean(a, b, s, 2 * betatable.POINTS)
    assert np.all((got >= 0.0) & (got <= 1.0))
    assert np.max(np.abs(got - want)) < betatable.ERROR_BOUND / 10


def test_grid_points_are_reproduced_and_the_cubic_is_exact_on_cubics():
    a, b = 2.0, 6.0
    lo, intervals, coef = betatable.table(a, b, -1.0, 1.0)
    x = lo + betatable.STEP * np.arange(intervals)
    assert betatable.evaluate((lo, intervals, coef), a, b, x) == pytest.approx(coef[:, 0], abs=0)
    # the coefficients are the cubic through four neighbouring points: a cubic is kept exactly
    f = np.array([0.1, -0.3, 0.7, 0.2])  # values at t = -1, 0, 1, 2 of some cubic
    cub = np.polyfit([-1, 0, 1, 2], f, 3)[::-1]
    fm, f0, f1, f2 = f
    mine = [f0, -fm / 3 - f0 / 2 + f1 - f2 / 6, fm / 2 - f0 + f1 / 2,
            (f2 - fm) / 6 + (f0 - f1) / 2]
    assert mine == pytest.approx(cub, abs=1e-12)


SCENARIO = """\
pactsim: 1
id: beta-odds
as_of: 2024-01-01
horizon: 2024-12-31
drivers:
  z: {dist: normal, mean: 0.3, sd: 1.2}
events:
  f: {p: 0.4}
  e: {p: {beta: [2, 6]}, odds: {z: 2.5, f: 3.0}}
  g:
    given: [f]
    table: {true: {between: [0.05, 0.35]}, false: 0.3}
    odds: {z: 0.4}
  h: {p: {beta: [0.4, 0.9]}, odds: {e: 0.2}}
questions:
  e_high: e and z > 1
  e_low: e and z < -0.5
  g_high: g and z > 1
  g_f: g and f
  h_e: h and e
"""


def test_draws_have_the_law_of_exact_and_of_the_reference_sampler():
    sc = pactsim.loads(SCENARIO)
    plans = {p.name: p for p in compile_scenario(sc).plans}
    assert all(plans[k].beta_given is not None for k in "egh")  # the tabulated path
    ex = pactsim.exact(sc)
    mc = pactsim.simulate(sc, n=1_000_000, seed=11, keep_draws=False)
    ref = ReferenceSampler(sc).sample(20_000, seed=12)
    names = ["e", "g", "h", "e_high", "e_low", "g_high", "g_f", "h_e"]
    for name in names:
        want = float(ex.prob(name))
        got = mc.prob(name)
        se = np.sqrt(want * (1 - want) / 1_000_000)
        assert abs(got.value - want) < 5 * se, name
        r = np.mean([bool(v) for v in ref.column(name)])
        assert abs(r - want) < 5 * np.sqrt(want * (1 - want) / 20_000), name
