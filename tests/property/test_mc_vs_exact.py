"""Monte Carlo against exact inference on generated scenarios.

Every binary node and true/false question of ``pactsim.simulate`` must agree
with ``pactsim.exact`` within 4.5 standard errors, family-wise over the
comparisons of one scenario (Šidák; see :mod:`pactsim.testing.assertions`).
At 4.5 sigma a correct engine fails one example in about 150,000, so the
100 examples of the ``ci`` profile or the 20 of ``dev`` (both derandomised:
the same examples every run) hold a false alarm far less often than once in a
thousand, while a wrong table row, odds factor or gate is typically tens of
sigma off at n = 20,000.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from hypothesis import assume, given, note, settings
from hypothesis import strategies as st

import pactsim
from pactsim.errors import ModelTooWideError
from pactsim.language.scenario import Scenario
from pactsim.results.exact import exact
from pactsim.testing import assert_matches_exact, assert_prob_close, strategies
from pactsim.testing.assertions import family_wise_threshold

N = 20_000
SEED = 7
SIGMAS = 4.5
SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"
ANALYTIC = [pactsim.load(p) for p in sorted(SCENARIOS.glob("analytic-*.yaml"))]
FLAGSHIP = pactsim.load(SCENARIOS / "iran-russia-2024.yaml")
# Derandomized under every profile (``ci`` already is): drawn afresh under ``dev``, the
# ~30 examples of this file make up to three 4.5-sigma family-wise checks each (6.8e-6
# apiece): a false alarm of about 2e-4 to 6e-4 a run, above what a suite run should risk.
SAME = settings(derandomize=True, database=None)
FEWER = settings(SAME, max_examples=max(5, settings.default.max_examples // 4))


class _Answered:
    """Results without the questions exact inference refused (same surface)."""

    def __init__(self, obj: Any, questions: pd.DataFrame) -> None:
        self._obj, self._questions, self.n = obj, questions, getattr(obj, "n", 0)

    def marginals(self) -> pd.DataFrame:
        return self._obj.marginals()  # type: ignore[no-any-return]

    def questions(self) -> pd.DataFrame:
        return self._questions


def check(sc: Scenario) -> None:
    res = pactsim.simulate(sc, n=N, seed=SEED)
    ex = exact(sc)
    note(repr(ex))
    refused = []
    for q, (_tree, kind) in ex.model.questions.items():
        if kind != "bool":
            continue
        try:
            ex.prob(q)
        except ModelTooWideError as err:
            # a root's day with a milestone's day given many quadrature states of a
            # driver: refused by name (not truly beyond exact inference; a known limit)
            message = str(err)
            refused.append(q)
            assert ".date" in message and "max_table" in message, message
    if not refused:
        assert_matches_exact(res, ex, sigmas=SIGMAS)
    else:
        note(f"refused: {refused}")
        mc_q = res.questions().drop(index=refused)
        ex_q = pd.DataFrame({"p": [ex.prob(q).value for q in mc_q.index]}, index=mc_q.index)
        assert_matches_exact(_Answered(res, mc_q), _Answered(ex, ex_q),  # type: ignore[arg-type]
                             sigmas=SIGMAS)
    if sc.signing is not None:  # the signing-date curve at the key dates
        dates = res.key_dates()
        mc, ref = res.signing_cdf(dates), ex.signing_cdf(dates)
        z = family_wise_threshold(SIGMAS, len(dates))
        for d in mc.index:
            est = pactsim.Estimate.from_counts(round(mc.loc[d, "p"] * N), N)
            assert_prob_close(est, float(ref.loc[d, "p"]), sigmas=z)


@SAME
@given(strategies.scenarios(max_nodes=8))
def test_mc_matches_exact(sc: Scenario) -> None:
    check(sc)


@FEWER
@given(st.sampled_from(ANALYTIC).flatmap(strategies.from_scenario))
def test_mc_matches_exact_on_analytic_variants(sc: Scenario) -> None:
    check(sc)


@settings(SAME, max_examples=max(2, settings.default.max_examples // 40))
@given(strategies.from_scenario(FLAGSHIP))
def test_mc_matches_exact_on_flagship_variants(sc: Scenario) -> None:
    check(sc)


@FEWER
@given(st.data())
def test_conditionals_match_exact(data: st.DataObject) -> None:
    sc = data.draw(strategies.scenarios(max_nodes=6), label="scenario")
    a = data.draw(strategies.expressions(sc), label="A")
    b = data.draw(strategies.expressions(sc), label="B")
    res = pactsim.simulate(sc, n=N, seed=SEED)
    ex = exact(sc)
    assume(res.prob(b).value > 0 and ex.prob(b).value > 0)
    assert_prob_close(res.prob(a, given=b), ex.prob(a, given=b).value, sigmas=SIGMAS)
    assert_prob_close(res.prob(a), ex.prob(a).value, sigmas=SIGMAS)


# -- intervals whose Beta fit once failed (scipy's "not making good progress" at the root) --


@pytest.mark.parametrize("bounds", [(0.05, 0.95), (0.34, 0.66), (0.589, 0.6)])
def test_between_intervals_compile(bounds: tuple[float, float]) -> None:
    lo, hi = bounds
    sc = pactsim.loads("pactsim: 1\nid: x\nas_of: 2024-01-01\nhorizon: 2024-12-31\n"
                       f"events:\n  a: {{p: {{between: [{lo}, {hi}]}}}}\n")
    res = pactsim.simulate(sc, n=1_000, seed=0)
    assert_matches_exact(res, exact(sc))
