"""do on numeric attributes (format 3): the attribute takes the value set in every
draw, its table and gates cut; nodes are unchanged (it is a leaf). Exact answers by
hand, Monte Carlo within 4 standard errors of exact (fixed seed)."""

from __future__ import annotations

import pytest

import pactsim
from pactsim.errors import ArgumentError

TEXT = """\
pactsim: 3
id: t
as_of: 2024-01-01
horizon: 2024-12-31
events:
  military: {p: 0.6}
signing:
  by: {2024-06-30: 0.4, 2024-12-31: 0.8}
attributes:
  n_articles:
    label: Number of articles
    dist: {lognormal: {median: 40, p90: 60}}
    round: true
    requires: [signing]
  term_years:
    given: [military]
    table:
      true: {values: {20: 0.7, 10: 0.3}}
      false: {uniform: {low: 5, high: 25}}
questions:
  forty: n_articles == 40
  long_mil: term_years > 12 and military
  signed: signing
"""


def test_do_fixes_the_value_and_cuts_table_and_gates() -> None:
    sc = pactsim.loads(TEXT)
    done = sc.do({"n_articles": 40, "term_years": 15})
    n = done.attributes["n_articles"]
    assert (n.label, n.round, n.requires, n.given) == ("Number of articles", True, [], None)
    assert done.attributes["term_years"].table is None
    ex = pactsim.exact(done)
    assert ex.prob("forty").value == pytest.approx(1.0, abs=1e-12)  # gate cut: even unsigned
    assert ex.prob("long_mil").value == pytest.approx(0.6, abs=1e-12)
    assert ex.prob("term_years == 15").value == pytest.approx(1.0, abs=1e-12)
    assert ex.prob("signed").value == pytest.approx(0.8, abs=1e-12)  # nodes as before
    assert ex.numeric("n_articles").missing == pytest.approx(0.0, abs=1e-12)
    res = pactsim.simulate(done, n=20_000, seed=4)
    for q in ("long_mil", "signed"):
        est = res.prob(q)
        assert abs(est.value - ex.prob(q).value) < 4 * est.stderr, q
    assert res.prob("forty").value == 1.0


def test_do_changes_only_questions_about_the_attribute() -> None:
    sc = pactsim.loads(TEXT)
    before, after = pactsim.exact(sc), pactsim.exact(sc.do({"term_years": 10}))
    assert after.prob("long_mil").value == 0.0
    assert before.prob("long_mil").value == pytest.approx(0.6 * 0.7, abs=1e-12)
    assert after.prob("forty").value == pytest.approx(before.prob("forty").value, abs=1e-12)


@pytest.mark.parametrize(("settings", "message"), [
    ({"n_articles": 40.5}, "'n_articles' takes whole numbers (round: true); set it to one, "
                           "e.g. 40 or 41"),
    ({"term_years": True}, "'term_years' is a numeric attribute; set it to a number"),
    ({"term_years": "20"}, "'term_years' is a numeric attribute; set it to a number"),
    ({"term_years": float("nan")}, "set it to a number"),
    ({"n_artcles": 3}, "did you mean 'n_articles'?"),
])
def test_bad_settings_are_told(settings: dict[str, object], message: str) -> None:
    with pytest.raises(ArgumentError) as err:
        pactsim.loads(TEXT).do(settings)
    assert message in str(err.value)
