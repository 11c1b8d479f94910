"""do: setting nodes cuts their causes; conditioning does not (issue 11, item 5).

Hand answers. rain p = .3; wet | rain = .9, | not rain = .1; slippery | wet = .8,
| not wet = .05. P(wet) = .27 + .07 = .34, P(slippery) = .34(.8) + .66(.05) = .305.
do(wet = true): P(rain) stays .3, P(slippery) = .8. Given wet: P(rain | wet) =
.27/.34, P(slippery | wet) = .8 too (slippery depends on rain only through wet).
"""

from __future__ import annotations

import pytest

import pactsim
from pactsim.errors import ArgumentError, ArgumentTypeError

SIGMAS = 4.0
TEXT = """pactsim: 1
id: wet
as_of: 2025-01-01
horizon: 2025-12-31
events:
  rain: {p: 0.3}
  wet: {given: [rain], table: {true: 0.9, false: 0.1}, label: Wet, source: s}
  slippery: {given: [wet], table: {true: 0.8, false: 0.05}}
signing:
  by: {2025-06-30: 0.5}
pillars:
  mil:
    p: 0.5
    clauses:
      c: {p: 0.4, requires: [rain]}
sources: {s: a source}
"""


@pytest.fixture(scope="module")
def sc() -> pactsim.Scenario:
    return pactsim.loads(TEXT)


def test_do_cuts_the_causes_and_keeps_what_follows(sc):
    done = sc.do({"wet": True})
    assert done.events["wet"].label == "Wet" and done.events["wet"].source == "s"
    res = pactsim.simulate(sc, n=400_000, seed=1, do={"wet": True})
    for expr, want in (("wet", 1.0), ("rain", 0.3), ("slippery", 0.8)):
        est = res.prob(expr)
        assert abs(est.value - want) <= SIGMAS * max(est.stderr, 1e-9), (expr, est)
    # conditioning moves the cause
    base = pactsim.simulate(sc, n=400_000, seed=1)
    est = base.prob("rain", given="wet")
    assert abs(est.value - 0.27 / 0.34) <= SIGMAS * est.stderr


def test_a_clause_set_by_do_stays_inside_its_pillar(sc):
    res = pactsim.simulate(sc, n=400_000, seed=2, do={"c": True})
    # c no longer requires rain, but is in the text only when mil is: .5 (signed) x .5
    est = res.prob("c")
    assert abs(est.value - 0.25) <= SIGMAS * est.stderr
    assert res.prob("c", given="mil").value == 1.0
    res0 = pactsim.simulate(sc, n=10_000, seed=2, do={"c": False, "mil": True})
    assert res0.prob("c").value == 0.0
    assert abs(res0.prob("mil").value - 0.5) < 0.03  # a pillar set true is in every signed text


def test_a_dated_node_set_to_a_day_moves_what_follows():
    """analytic-dated.yaml with the signing set on 2025-01-31: ratify_a (p 1/2, 30 days)
    on 2025-03-02, in_force (3/10, 70 days) on 2025-04-11, early_bonus (.8 when signed by
    Jan 31); crisis (5/8) does not depend on the signing and stays."""
    sc = pactsim.load("scenarios/analytic-dated.yaml")
    res = pactsim.simulate(sc, n=400_000, seed=3, do={"signing": "2025-01-31"})
    assert res.date_quantiles("signing").tolist() == [pd_day("2025-01-31")] * 3
    for expr, want in (("ratify_a.date == 2025-03-02", 0.5), ("ratify_a", 0.5),
                       ("in_force.date == 2025-04-11", 0.3), ("early_bonus", 0.8),
                       ("crisis", 5 / 8)):
        est = res.prob(expr)
        assert abs(est.value - want) <= SIGMAS * est.stderr, (expr, est)
    never = pactsim.simulate(sc, n=10_000, seed=3, do={"signing": False})
    assert never.prob("signing").value == 0.0 and never.prob("ratify_a").value == 0.0
    late = pactsim.simulate(sc, n=10_000, seed=3, do={"ratify_a": "2025-12-31"})
    assert late.prob("ratify_a.date == 2025-12-31").value == 1.0


def pd_day(text: str) -> object:
    import pandas as pd

    return pd.Timestamp(text)


@pytest.mark.parametrize(("settings", "error", "match"), [
    ([("wet", True)], ArgumentTypeError, "mapping of node names"),
    ({"nothing": True}, ArgumentError, "not a node of this scenario"),
    ({"wet": "yes"}, ArgumentError, "set it to True or False"),
    ({"signing": True}, ArgumentError, "is dated; set it to a date"),
    ({"signing": "2026-01-01"}, ArgumentError, r"must be in \(as_of, horizon\]"),
    ({"signing": "soon"}, ArgumentError, "is not a date"),
])
def test_bad_interventions_are_refused_with_their_reason(sc, settings, error, match):
    with pytest.raises(error, match=match):
        pactsim.simulate(sc, n=100, seed=1, do=settings)


def test_a_driver_or_a_question_cannot_be_set():
    sc = pactsim.loads("pactsim: 1\nid: d\nas_of: 2025-01-01\nhorizon: 2025-12-31\n"
                       "drivers:\n  z: {dist: normal, sd: 1}\n"
                       "events:\n  a: {p: 0.5, odds: {z: 2}}\n"
                       "questions:\n  q: a\n")
    with pytest.raises(ArgumentError, match="is a driver") as info:
        sc.do({"z": 1.0, "q": True})
    assert "is a question" in str(info.value)


def test_the_flagship_tells_deciding_from_finding_out():
    """'If Moscow decided to add a defence article' (do) leaves the timing alone; 'if the
    text turns out to have one' (given) says the treaty exists and leans to closer
    alignment, so it was likelier signed early."""
    sc = pactsim.load("scenarios/iran-russia-2024.yaml")
    base = pactsim.simulate(sc, n=400_000, seed=5)
    done = pactsim.simulate(sc, n=400_000, seed=5, do={"mutual_defence": True})
    a, b = base.prob("signed_by_2024"), done.prob("signed_by_2024")
    assert a.value == b.value  # same draws for the signing: do changed nothing upstream
    given = base.prob("signed_by_2024", given="mutual_defence")
    assert given.value > a.value + 10 * given.stderr
    esc = base.prob("iran_israel_escalation", given="mutual_defence")
    assert esc.value > 0.6 + 4 * esc.stderr  # evidence about a cause
    assert done.prob("iran_israel_escalation").value == base.prob("iran_israel_escalation").value


def test_results_given_evidence_have_the_whole_surface(sc):
    """res.given(e): every number over the draws where e holds. Hand answers: given wet,
    P(rain) = .27/.34 and P(slippery) = .8; given not signed by 2025-03-31 (F = .5 x 89/180
    on the curve 0.5 by Jun 30), P(signed) = (.5 - F)/(1 - F)."""
    res = pactsim.simulate(sc, n=400_000, seed=7)
    g = res.given("wet")
    assert g.n == round(res.prob("wet").value * res.n) and g.info.n_run == res.n
    for expr, want in (("rain", 0.27 / 0.34), ("slippery", 0.8)):
        est = g.prob(expr)
        assert abs(est.value - want) <= SIGMAS * est.stderr, (expr, est)
    assert g.marginals().loc["wet", "p"] == 1.0
    f = 0.5 * 89 / 180
    late = res.given("not signing.date <= 2025-03-31")
    est = late.prob("signing")
    assert abs(est.value - (0.5 - f) / (1 - f)) <= SIGMAS * est.stderr
    assert late.date_cdf("signing", "2025-03-31")["p"].iloc[0] == 0.0
    both = res.given("wet").given("rain")
    assert both.n == int(res.prob("wet and rain").value * res.n + 0.5)
    assert "given '(wet) and (rain)'" in repr(both)
    assert "given wet (in" in g.summary()
    # impossible in the scenario: said so (no n is enough), not "held in none of the draws"
    with pytest.raises(pactsim.errors.ConditionError,
                       match="'wet' is asked to be both true and false"):
        res.given("wet and not wet")
    with pytest.raises(pactsim.errors.PactsimError, match="keep_draws"):
        pactsim.simulate(sc, n=1000, seed=1, keep_draws=False).given("wet")


def test_exact_answers_an_intervention_as_the_monte_carlo_does(sc):
    ex = pactsim.exact(sc, do={"wet": True})
    assert ex.prob("slippery").value == pytest.approx(0.8, abs=1e-12)
    assert ex.prob("rain").value == pytest.approx(0.3, abs=1e-12)
    assert pactsim.exact(sc).prob("rain", given="wet").value == pytest.approx(0.27 / 0.34)
    flag = pactsim.load("scenarios/iran-russia-2024.yaml")
    a = pactsim.exact(flag).prob("signed_by_2024").value
    assert pactsim.exact(flag, do={"mutual_defence": True}).prob("signed_by_2024").value == \
        pytest.approx(a, abs=1e-12)
    assert pactsim.exact(flag).prob("signed_by_2024", given="mutual_defence").value > a + 0.1


@pytest.mark.parametrize("do", ["wet", ["wet"], 5])
def test_exact_refuses_a_do_that_is_not_a_mapping_as_simulate_does(do):
    """review-api27: exact(do="wet") raised numpy's/dict's own ValueError or TypeError."""
    sc = pactsim.loads(TEXT)
    said = []
    for run in (lambda: pactsim.simulate(sc, n=10, seed=1, do=do),
                lambda: pactsim.exact(sc, do=do)):
        with pytest.raises(ArgumentTypeError, match=r"^do must be a mapping of node names to "
                           r"values, e\.g\. ") as err:
            run()
        said.append(str(err.value))
    assert said[0] == said[1]
