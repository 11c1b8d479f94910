"""``pactsim.testing``'s assertions on weighted runs, against another run, and on an
exact 0 (found by the test-author review of 2026-12-01).

* Weighted draws (evidence, ``observations:``) were compared with the binomial error
  of all ``n`` draws: on the news variant of the flagship ``assert_matches_exact``
  failed 86 of 100 correct runs. It now takes the effective sample size and the
  estimate's own (delta-method) error.
* A second Monte Carlo run as the reference had its error ignored.
* An exact 0 (a closed gate) passed with up to ~16 impossible draws; one is proof.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import pactsim
from pactsim.results.estimate import Estimate
from pactsim.testing import assert_matches_exact, assert_prob_close

ROOT = Path(__file__).parents[2]
NEWS = ROOT / "scenarios" / "variants" / "iran-russia-2024-news.yaml"
INDEPENDENT = ROOT / "scenarios" / "analytic-independent.yaml"


def test_weighted_runs_of_the_news_variant_match_exact() -> None:
    """Five seeds: with the old error each failed with chance 0.86, all five passing
    had chance 5e-5. The family-wise false-alarm rate is about 6e-5 per run."""
    sc = pactsim.load(NEWS)
    ex = pactsim.exact(sc)
    for seed in range(5):
        res = pactsim.simulate(sc, n=20_000, seed=seed)
        assert res.weighted and res.ess < 5_000
        assert_matches_exact(res, ex)


def test_a_weighted_estimate_is_measured_in_its_own_error() -> None:
    """The reviewer's seed-4 case: 0.3895 with its own error 0.0075 (ess 4,559) is 2.3
    standard errors from 0.407; with the binomial error of 20,000 draws it was 5.1."""
    est = Estimate(0.3895, 0.0075, 0.3749, 0.4042, n=20_000, ess=4_559.0)
    assert_prob_close(est, 0.407056)
    with pytest.raises(AssertionError, match=r"ess=4,559, se 0\.0075"):
        assert_prob_close(est, 0.407056, sigmas=2)


def test_weighted_soft_evidence_run_passes_and_a_wrong_value_fails() -> None:
    sc = pactsim.load(INDEPENDENT)
    ev = [pactsim.soft("a", 20.0), pactsim.soft("not b", 10.0)]
    want = pactsim.exact(sc, evidence=ev).prob("f").value
    est = pactsim.simulate(sc, n=20_000, seed=4, evidence=ev).prob("f")
    assert est.ess is not None and est.ess < 10_000
    assert_prob_close(est, want)
    with pytest.raises(AssertionError, match="standard errors from"):
        assert_prob_close(est, want + 10 * est.stderr)


class _Reference:
    """Another Monte Carlo run's surface: p and stderr columns, and its draws n."""

    def __init__(self, res: pactsim.Results, shift: dict[str, float]) -> None:
        self.n = res.n
        self._m, self._q = res.marginals().copy(), res.questions().copy()
        for name, k in shift.items():  # move one row by k of its standard errors
            self._m.loc[name, "p"] += k * self._m.loc[name, "stderr"]

    def marginals(self) -> pd.DataFrame:
        return self._m

    def questions(self) -> pd.DataFrame:
        return self._q


def test_another_run_as_reference_adds_its_error() -> None:
    """A row 5.5 of one run's standard errors away is 3.9 of the two runs' together:
    within 4 sigma (family-wise, higher still). Against exact answers, 5.5 fails."""
    sc = pactsim.load(INDEPENDENT)
    res = pactsim.simulate(sc, n=20_000, seed=1)
    ref = _Reference(res, {"d": 5.5})
    assert_matches_exact(res, ref)
    exactish = _Reference(res, {"d": 5.5})
    exactish.n = None  # type: ignore[assignment]  # no draws: taken as exact answers
    exactish._m["stderr"] = 0.0
    with pytest.raises(AssertionError, match="disagrees with exact inference on 1 of"):
        assert_matches_exact(res, exactish, family_wise=False)
    with pytest.raises(AssertionError, match="the reference run on 1 of"):
        assert_matches_exact(res, _Reference(res, {"d": 8.0}))


def test_an_exact_zero_fails_on_a_single_draw() -> None:
    """Eleven impossible draws in 10,000 are z = 3.3 by the binomial error, and passed."""
    with pytest.raises(AssertionError, match="must hold in every draw"):
        assert_prob_close(Estimate.from_counts(11, 10_000), 0.0)
    with pytest.raises(AssertionError, match="must hold in every draw"):
        assert_prob_close(Estimate.from_counts(9_999, 10_000), 1.0)
    assert_prob_close(Estimate.from_counts(0, 10_000), 0.0)
    # a tiny but nonzero chance keeps the one-draw floor: one hit is 1 standard error
    assert_prob_close(Estimate.from_counts(1, 10_000), 1e-9)


def test_an_exact_zero_missed_in_a_run_is_flagged_with_infinite_z() -> None:
    sc = pactsim.load(INDEPENDENT)
    res = pactsim.simulate(sc, n=10_000, seed=2)
    ex = pactsim.exact(sc)

    class Leaky:  # exact answers with f said to be impossible
        def marginals(self) -> pd.DataFrame:
            m = ex.marginals().copy()
            m.loc["f", "p"] = 0.0
            return m

        def questions(self) -> pd.DataFrame:
            return ex.questions()

    with pytest.raises(AssertionError, match=r"z = ±inf: exact inference gives exactly 0"):
        assert_matches_exact(res, Leaky())
    assert_matches_exact(res, ex)


def test_misuse_is_named() -> None:
    sc = pactsim.load(INDEPENDENT)
    res, ex = pactsim.simulate(sc, n=2_000, seed=1), pactsim.exact(sc)
    with pytest.raises(TypeError, match=r"did you pass \(exact, results\)\?"):
        assert_matches_exact(ex, res)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="family_wise='no' must be True or False"):
        assert_matches_exact(res, ex, family_wise="no")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="sigmas='4' must be a positive number"):
        assert_prob_close(res.prob("a"), 0.3, sigmas="4")  # type: ignore[arg-type]
    import numpy as np

    assert_prob_close(res.prob("a"), ex.prob("a"), sigmas=np.int64(4))  # an exact Estimate
    with pytest.raises(TypeError, match="is a Monte Carlo estimate"):
        assert_prob_close(res.prob("a"), res.prob("a"))
