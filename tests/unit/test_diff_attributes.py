"""`diff` with numeric attributes (format 3): a law or a table row is one edit, old law
to new; its effect on questions is computed and attributed; the attribute's mean is a
row of the changes (exact, or Monte Carlo within 4 standard errors of exact)."""

from __future__ import annotations

import math

import pytest

import pactsim
from pactsim.analysis.diff import edits_between

Z90 = 1.2815515655446004
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
    dist: {lognormal: {median: 40, p90: 60}}
    round: true
    requires: [signing]
  term_years:
    given: [military]
    table:
      true: {values: {20: 0.7, 10: 0.3}}
      false: {uniform: {low: 5, high: 25}}
questions:
  long_text: n_articles >= 40
  twenty_mil: term_years == 20 and military
"""


def phi(x: float) -> float:
    return 0.5 * (1.0 + math.erf(x / math.sqrt(2.0)))


def long_text(median: float, p90: float) -> float:
    s = (math.log(p90) - math.log(median)) / Z90
    return 0.8 * (1 - phi(math.log(39.5 / median) / s))


@pytest.fixture(scope="module")
def pair() -> tuple[pactsim.Scenario, pactsim.Scenario]:
    a = pactsim.loads(TEXT)
    b = a.with_changes({"n_articles.dist": {"lognormal": {"median": 45, "p90": 70}},
                        "term_years.table.true": {"values": {20: 0.5, 10: 0.5}}})
    return a, b


def test_a_law_and_a_table_row_are_one_edit_each(pair) -> None:
    a, b = pair
    edits, text = edits_between(a, b)
    assert text == []
    assert [e.name for e in edits] == ["n_articles.dist", "term_years.table.true"]
    assert edits[0].describe() == ("n_articles.dist: {lognormal: {median: 40, p90: 60}} -> "
                                   "{lognormal: {median: 45, p90: 70}}")
    assert edits[1].describe() == ("term_years.table.true: {values: {20: 0.7, 10: 0.3}} -> "
                                   "{values: {20: 0.5, 10: 0.5}}")


def test_effects_on_questions_are_exact_and_attributed(pair) -> None:
    a, b = pair
    d = pactsim.diff(a, b, ["long_text", "twenty_mil"])
    c = d.changes.set_index(["name", "statistic"])
    assert c.loc[("long_text", "p"), "a"] == pytest.approx(long_text(40, 60), abs=1e-12)
    assert c.loc[("long_text", "p"), "b"] == pytest.approx(long_text(45, 70), abs=1e-12)
    assert c.loc[("twenty_mil", "p"), "change"] == pytest.approx(0.6 * (0.5 - 0.7), abs=1e-12)
    # each question moves through its own attribute's edit only
    att = d.attribution.set_index(["target", "edit"])
    assert att.loc[("long_text", "n_articles.dist"), "shapley"] == pytest.approx(
        long_text(45, 70) - long_text(40, 60), abs=1e-12)
    assert att.loc[("long_text", "term_years.table.true"), "shapley"] == pytest.approx(0, abs=1e-12)
    assert att.loc[("twenty_mil", "term_years.table.true"), "shapley"] == pytest.approx(
        -0.12, abs=1e-12)
    # the means: 0.6 * 17 + 0.4 * 15 before, 0.6 * 15 + 0.4 * 15 after
    assert c.loc[("term_years", "mean"), "a"] == pytest.approx(16.2, abs=1e-12)
    assert c.loc[("term_years", "mean"), "change"] == pytest.approx(-1.2, abs=1e-12)
    text = str(d)
    assert "n_articles.dist: {lognormal: {median: 40, p90: 60}} -> " in text
    assert "attribute  term_years  " in text and "-1.2   16.2     15" in text  # change, A, B


def test_monte_carlo_mean_changes_agree_with_exact(pair) -> None:
    a, b = pair
    ex = pactsim.diff(a, b, "long_text").changes.set_index(["name", "statistic"])
    mc = pactsim.diff(a, b, "long_text", method="mc", n=40_000, seed=3).changes.set_index(
        ["name", "statistic"])
    for name in ("n_articles", "term_years"):
        row = mc.loc[(name, "mean")]
        assert row.method == "mc" and 0 < row.stderr < row.stderr_independent
        assert abs(row.change - ex.loc[(name, "mean"), "change"]) < 4 * row.stderr, name
    row = mc.loc[("long_text", "p")]
    assert abs(row.change - ex.loc[("long_text", "p"), "change"]) < 4 * row.stderr


def test_a_law_becoming_a_table_is_one_edit(pair) -> None:
    a, _b = pair
    c = a.with_changes({"n_articles.dist": None, "n_articles.given": ["military"],
                        "n_articles.table": {True: 50, False: {"normal": {"mean": 30, "sd": 5}}}})
    (edit,), _ = edits_between(a, c)
    assert edit.name == "n_articles.dist + n_articles.given + n_articles.table"
    assert edit.reason == "how the node's probability is given changes form"
    d = pactsim.diff(a, c, "long_text")
    p = 0.8 * (0.6 + 0.4 * (1 - phi((39.5 - 30) / 5)))
    assert d.totals.loc[0, "b"] == pytest.approx(p, abs=1e-12)
