"""Test helpers for pactsim users and developers, in Hypothesis's style.

* :mod:`pactsim.testing.strategies` — Hypothesis strategies that generate valid
  scenarios (:func:`~pactsim.testing.strategies.scenarios`), renumbered copies
  of a scenario (:func:`~pactsim.testing.strategies.from_scenario`) and valid
  expressions over a scenario's names
  (:func:`~pactsim.testing.strategies.expressions`).
* :func:`assert_matches_exact` — a Monte Carlo run agrees with exact inference
  on every binary node and true/false question, within a family-wise number of
  standard errors.
* :func:`assert_prob_close` — one estimate agrees with a known value.
* :func:`family_wise_threshold` — the z threshold of ``m`` comparisons, and
  :class:`ExactLike`, what the assertions need of a reference.

Examples
--------
>>> import pactsim
>>> from hypothesis import given, settings
>>> from pactsim.testing import strategies, assert_prob_close
>>> @settings(max_examples=5, deadline=None)
... @given(strategies.scenarios(max_nodes=3, allow_timing=False))
... def test_runs(sc):
...     res = pactsim.simulate(sc, n=2_000, seed=0)
...     assert len(res.marginals()) == len(sc.binary_names)
>>> test_runs()
"""

from pactsim.testing import strategies
from pactsim.testing.assertions import (
    ExactLike,
    assert_matches_exact,
    assert_prob_close,
    family_wise_threshold,
)

__all__ = ["ExactLike", "assert_matches_exact", "assert_prob_close", "family_wise_threshold",
           "strategies"]
