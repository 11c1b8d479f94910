"""Categorical nodes (format 3) through with_changes, do= and evidence mappings.

Answers are checked against exact inference and against values derived by hand
from the scenario below.
"""

from __future__ import annotations

import pytest

import pactsim
from pactsim.errors import ArgumentError, ScenarioError
from pactsim.results.exact import exact

TEXT = """\
pactsim: 3
id: cat
as_of: 2024-01-01
horizon: 2024-12-31
events:
  a: {p: 0.4}
  instc:
    levels: {absent: 0.2, generic: 0.45, named: 0.35}
    odds: {a: 2.0}
  form:
    levels: [absent, treaty, programme]
    given: [instc, a]
    table:
      absent: {true: {absent: 0.5, treaty: 0.5}, false: {absent: 1.0}}
      generic: {true: {treaty: 0.3, programme: 0.7}, false: {absent: 0.2, programme: 0.8}}
      named: {true: {treaty: 0.9, programme: 0.1}, false: {treaty: 0.5, programme: 0.5}}
  b:
    given: [form]
    table: {absent: 0.1, treaty: 0.9, programme: 0.5}
    requires: ["instc == named"]
pillars:
  p:
    p: 0.5
    clauses:
      c:
        levels: {generic: 0.6, named: 0.4}
"""
SC = pactsim.loads(TEXT)


# -- with_changes ----------------------------------------------------------------------


def test_levels_change_whole_or_one_outcome_at_a_time() -> None:
    whole = SC.with_changes({"instc.levels": {"absent": 0.1, "generic": 0.5, "named": 0.4}})
    parts = SC.with_changes({"instc.levels.absent": 0.1, "instc.levels.generic": 0.5,
                             "instc.levels.named": 0.4})
    assert whole == parts
    assert whole.events["instc"].levels == {"absent": 0.1, "generic": 0.5, "named": 0.4}
    assert whole.outcomes == SC.outcomes
    # no odds: P(named) is the written 0.4 (odds on a stay: with them it moves)
    plain = whole.with_changes({"instc.odds": {}})
    assert exact(plain).prob("instc == named").value == pytest.approx(0.4)


def test_one_outcome_alone_must_keep_the_sum() -> None:
    with pytest.raises(ScenarioError, match=r"instc\.levels\.named: = 0\.5: .*sum to 1\.15, not 1"):
        SC.with_changes({"instc.levels.named": 0.5})


def test_rows_keyed_by_outcomes_change_by_path() -> None:
    changed = SC.with_changes({"form.table.named.true.treaty": 0.2,
                               "form.table.named.true.programme": 0.8, "b.table.treaty": 0.3})
    assert changed.events["form"].table["named"][True] == {"treaty": 0.2, "programme": 0.8}
    assert changed.events["b"].table == {"absent": 0.1, "treaty": 0.3, "programme": 0.5}
    # a row that left an outcome out may add it (the last part of a path may be new)
    added = SC.with_changes({"form.table.absent.false": {"absent": 0.5, "programme": 0.5}})
    assert added.events["form"].table["absent"][False] == {"absent": 0.5, "programme": 0.5}


def test_a_row_that_is_not_an_outcome_is_named_with_the_rows() -> None:
    with pytest.raises(ArgumentError, match=r"'nmed' is not a row of the table events\.form\.table "
                       r"\(rows are 'absent', 'generic', 'named', .*did you mean 'named'"):
        SC.with_changes({"form.table.nmed.true": {"treaty": 1.0}})


def test_levels_replace_p_and_p_replaces_levels() -> None:
    cat = SC.with_changes({"a.levels": {"absent": 0.5, "yes": 0.5}, "form.given": ["instc"],
                           "form.table": {"absent": {"absent": 1.0},
                                          "generic": {"treaty": 1.0},
                                          "named": {"programme": 1.0}}})
    assert cat.events["a"].p is None and cat.outcomes["a"] == ("absent", "yes")
    back = cat.with_changes({"a.p": 0.4})
    assert back.events["a"].levels is None and "a" not in back.outcomes


# -- do= -------------------------------------------------------------------------------


def test_do_an_outcome_cuts_the_node_from_its_causes() -> None:
    do = {"instc": "named"}
    ex = exact(SC, do=do)
    assert ex.prob("instc == named").value == 1.0
    # form | instc=named: a true 0.4 -> treaty 0.9, a false -> 0.5 (odds on a are cut,
    # so a keeps its 0.4; conditioning on instc == named would not)
    assert ex.prob("form == treaty").value == pytest.approx(0.4 * 0.9 + 0.6 * 0.5)
    assert ex.prob("b").value == pytest.approx(0.66 * 0.9 + 0.34 * 0.5)
    assert exact(SC).prob("form == treaty", given="instc == named").value != pytest.approx(0.66)
    res = pactsim.simulate(SC, n=40_000, seed=3, do=do)
    for q in ("form == treaty", "b", "form == programme"):
        est = res.prob(q)
        assert abs(est.value - ex.prob(q).value) < 5 * est.stderr + 1e-12


def test_do_false_is_absent_and_a_clause_keeps_its_pillar() -> None:
    ex = exact(SC, do={"instc": False, "c": "named"})
    assert ex.prob("instc").value == 0.0 and ex.prob("b").value == 0.0
    assert ex.prob("c == named").value == pytest.approx(0.5)  # only inside its pillar
    assert ex.prob("c == generic").value == 0.0


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        (True, "'instc' is categorical; set it to one of its outcomes (absent, generic, named) "
               "or False (absent)"),
        ("nmed", "did you mean 'named'?"),
        (3, "set it to one of its outcomes"),
    ],
)
def test_do_a_categorical_to_something_else_says_what_it_takes(value: object,
                                                               fragment: str) -> None:
    with pytest.raises(ArgumentError) as info:
        SC.do({"instc": value})
    assert fragment in str(info.value)


def test_do_absent_of_a_node_that_cannot_be_absent_is_refused() -> None:
    sc = pactsim.loads("pactsim: 3\nid: t\nas_of: 2024-01-01\nhorizon: 2024-12-31\n"
                       "events:\n  x:\n    levels: {generic: 0.6, named: 0.4}\n")
    with pytest.raises(ArgumentError) as info:
        sc.do({"x": False})
    assert str(info.value).endswith("set it to one of its outcomes (generic, named)")


# -- evidence mappings -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("mapping", "expr"),
    [
        ({"instc": "named"}, "instc == named"),
        ({"instc": {"generic", "named"}}, "in(instc, generic, named)"),
        ({"form": "absent"}, "form == absent"),
    ],
)
def test_an_evidence_mapping_means_the_outcome_test(mapping: dict[str, object],
                                                    expr: str) -> None:
    ex = exact(SC)
    for q in ("b", "form == treaty", "a"):
        assert exact(SC, evidence=mapping).prob(q).value == pytest.approx(
            ex.prob(q, given=expr).value)
    res = pactsim.simulate(SC, n=20_000, seed=5, evidence=mapping)
    est = res.prob("a")
    assert abs(est.value - ex.prob("a", given=expr).value) < 5 * est.stderr
