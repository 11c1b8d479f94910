"""Variants: ``Scenario.with_changes`` and its path mapping (pactsim.language.variants)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

import pactsim
from pactsim.errors import (
    ArgumentError,
    ArgumentTypeError,
    PactsimError,
    PactsimWarning,
    ScenarioError,
)
from pactsim.language.variants import resolve_path

ROOT = Path(__file__).parents[2]
TEXT = """\
pactsim: 1
id: unit
title: Unit scenario
as_of: 2025-01-01
horizon: 2025-12-31
sources: {s: "A source", t: "Another"}
drivers:
  mood: {dist: uniform, low: -1, high: 1, label: Mood}
events:
  e: {p: {beta: [2, 6]}, source: s}
  f: {p: 0.4, label: Eff, source: t}
signing:
  by: {2025-03-31: 0.2, 2025-06-30: 0.5, 2025-12-31: 0.7}
pillars:
  mil:
    given: [e]
    table: {true: 0.9, false: 0.4}
    odds: {mood: 2}
    clauses:
      c: {p: {between: [0.2, 0.5]}, requires: [e], label: The clause}
questions:
  q: {expr: "c or e", label: Either}
  n: count(mil, c)
"""


@pytest.fixture
def sc() -> pactsim.Scenario:
    return pactsim.loads(TEXT, name="unit.yaml")


def by_dates(sc: pactsim.Scenario) -> list[str]:
    assert sc.signing is not None
    return [d.isoformat() for d in sc.signing.by]


# -- dates go where they belong ------------------------------------------------------


@pytest.mark.parametrize(("date", "p", "expected"), [
    ("2025-02-15", 0.1, ["2025-02-15", "2025-03-31", "2025-06-30", "2025-12-31"]),
    ("2025-09-30", 0.6, ["2025-03-31", "2025-06-30", "2025-09-30", "2025-12-31"]),
    ("2025-12-31", 0.8, ["2025-03-31", "2025-06-30", "2025-12-31"]),  # an existing date
])
def test_a_new_by_date_is_inserted_in_date_order(sc, date, p, expected):
    v = sc.with_changes({f"signing.by.{date}": p})
    assert by_dates(v) == expected
    assert v.signing.by[dt.date.fromisoformat(date)] == p


def test_issue_example_on_the_flagship():
    sc = pactsim.load(ROOT / "scenarios" / "iran-russia-2024.yaml")
    v = sc.with_changes({"signing.by.2025-09-30": 0.78})
    assert by_dates(v) == ["2024-12-31", "2025-03-31", "2025-06-30", "2025-09-30", "2025-12-31"]
    # the flagship's curve is the base of hazard ratios: without them it is the curve itself
    flat = v.with_changes({"signing.hazard_ratio": {}})
    assert pactsim.exact(flat).prob("signing.date <= 2025-09-30").value == pytest.approx(0.78)


# -- everything else is kept ------------------------------------------------------------


def test_no_change_gives_an_equal_scenario(sc):
    assert sc.with_changes({}) == sc and sc.with_changes() == sc and sc.with_changes(None) == sc


def test_a_change_equals_the_same_edit_made_in_the_file(sc):
    """Labels, sources, the order of every mapping: all as if edited by hand."""
    by_hand = pactsim.loads(TEXT.replace("e: {p: {beta: [2, 6]}", "e: {p: 0.3"))
    assert sc.with_changes({"e.p": 0.3}) == by_hand
    by_hand = pactsim.loads(TEXT.replace("2025-06-30: 0.5, ", "2025-06-30: 0.5, 2025-09-30: 0.6, "))
    assert sc.with_changes({"signing.by.2025-09-30": 0.6}) == by_hand


def test_labels_sources_and_order_are_kept(sc):
    v = sc.with_changes({"f.p": 0.9, "mil.odds.mood": 3})
    assert list(v.nodes) == list(sc.nodes) and list(v.sources) == ["s", "t"]
    assert v.nodes["f"].label == "Eff" and v.events["f"].source == "t"
    assert v.questions == sc.questions and v.title == sc.title
    assert v.pillars["mil"].table == sc.pillars["mil"].table
    assert v.pillars["mil"].odds == {"mood": 3.0}


def test_the_last_part_may_add_a_key(sc):
    v = sc.with_changes({"f.odds.mood": 1.5, "mil.clauses.d": {"p": 0.2, "requires": ["f"]},
                         "events.g": {"p": 0.1}})
    assert v.events["f"].odds == {"mood": 1.5}
    assert list(v.pillars["mil"].clauses) == ["c", "d"] and list(v.events) == ["e", "f", "g"]


def test_p_and_table_replace_each_other(sc):
    v = sc.with_changes({"mil.p": 0.7})
    assert v.pillars["mil"].p == 0.7 and v.pillars["mil"].given is None
    w = v.with_changes({"mil.given": ["f"], "mil.table": {True: 0.8, False: 0.1}})
    assert w.pillars["mil"].p is None and w.pillars["mil"].table == {True: 0.8, False: 0.1}


def test_keyword_arguments_are_top_level_fields_and_win(sc):
    v = sc.with_changes({"title": "A"}, title="B", horizon=dt.date(2026, 6, 30))
    assert v.title == "B" and v.horizon == dt.date(2026, 6, 30)


def test_a_node_named_like_a_metadata_field():
    sc = pactsim.loads("pactsim: 1\nid: x\nas_of: 2024-01-01\nhorizon: 2024-12-31\n"
                       "events:\n  title: {p: 0.3}\n")
    assert sc.with_changes({"title.p": 0.6}).events["title"].p == 0.6
    assert sc.with_changes({"title": "T"}).title == "T"


def test_resolve_path_is_the_one_mapping(sc):
    assert resolve_path(sc, "c.p") == (("pillars", "mil", "clauses", "c", "p"), False)
    assert resolve_path(sc, "signing.by.2025-09-30") == (
        ("signing", "by", dt.date(2025, 9, 30)), True)
    assert resolve_path(sc, "mil.table.true") == (("pillars", "mil", "table", True), False)
    with pytest.raises(ArgumentError, match=r"^nosuch\.p: 'nosuch' is neither a section"):
        resolve_path(sc, "nosuch.p")


# -- errors name the argument, never the file -------------------------------------------

ERRORS = [
    # (changes, class, builtin, message)
    ({5: 1}, ArgumentTypeError, TypeError,
     "with_changes: 5 = 1: a key must be a dotted path (text) such as 'military.p'"),
    (["e.p", 0.3], ArgumentTypeError, TypeError,
     "with_changes: changes must be a mapping of dotted paths to new values"),
    ("e.p=0.3", ArgumentTypeError, TypeError, "not str 'e.p=0.3'"),
    ({"nosuch.p": 0.3}, ArgumentError, ValueError,
     "with_changes: nosuch.p: 'nosuch' is neither a section nor a node of scenario 'unit'"),
    ({"ee.p": 0.3}, ArgumentError, ValueError, "did you mean 'e'?"),
    ({"mil.clauses.zz.p": 0.3}, ArgumentError, ValueError,
     "with_changes: mil.clauses.zz.p: pillars.mil.clauses.zz does not exist"),
    ({"mil.nosuch": 1}, ArgumentError, ValueError,
     "with_changes: mil.nosuch: 'nosuch' is not a field of pillars.mil"),
    ({"c.p.between": [0.1, 0.2]}, ArgumentError, ValueError,
     "with_changes: c.p.between: pillars.mil.clauses.c.p = {between: [0.2, 0.5]} is set "
     "whole, not part by part: write 'c.p' with every part (e.g. c.p: {between: [0.2, 0.5]}, "
     "with the between you want)"),
    ({"e.p.x": 0.3}, ArgumentError, ValueError,
     "with_changes: e.p.x: events.e.p = {beta: [2.0, 6.0]} has no part 'x'; set 'e.p' itself"),
    ({"f.table.true": 0.3}, ArgumentError, ValueError,
     "with_changes: f.table.true: events.f.table is not set in this scenario"),
    ({"mil.table.maybe": 0.3}, ArgumentError, ValueError,
     "'maybe' is not a row of the table pillars.mil.table"),
    ({"signing.by.soon": 0.3}, ArgumentError, ValueError,
     "with_changes: signing.by.soon: 'soon' is not a date written YYYY-MM-DD"),
    ({"e..p": 0.3}, ArgumentError, ValueError, "with_changes: e..p: is not a dotted path"),
    ({"e.p": 1.5}, ScenarioError, ValueError,
     "with_changes: e.p: = 1.5 must be in [0, 1] (a probability"),
    ({"signing.by.2025-09-30": 0.4}, ScenarioError, ValueError,
     "with_changes: signing.by.2025-09-30: = 0.4 is below the previous point (0.5)"),
    ({"signing.by.2025-05-31": 0.6}, ScenarioError, ValueError,
     "with_changes: signing.by.2025-05-31: = 0.6: signing.by.2025-06-30: = 0.5 is below the "
     "previous point (0.6)"),
    ({"horizon": dt.date(2025, 9, 30)}, ScenarioError, ValueError,
     "with_changes: horizon: = 2025-09-30: signing.by.2025-12-31: date 2025-12-31 is after the "
     "horizon"),
    ({"c.requires": ["ff"]}, ScenarioError, ValueError,
     "with_changes: c.requires[0]: unknown name 'ff'"),
    ({"mil.clauses.c": {"p": 2}}, ScenarioError, ValueError,
     "with_changes: mil.clauses.c.p: = 2 must be in [0, 1]"),
    ({"events.c": {"p": 0.1}}, ScenarioError, ValueError, "name 'c' is already used (events.c)"),
]


@pytest.mark.parametrize(("changes", "cls", "builtin", "message"), ERRORS,
                         ids=[str(e[0]) for e in ERRORS])
def test_errors_name_the_argument(sc, changes, cls, builtin, message):
    with pytest.raises(cls) as info:
        sc.with_changes(changes)
    err = info.value
    assert isinstance(err, PactsimError) and isinstance(err, builtin)
    text = str(err)
    assert message in text, text
    for word in ("the file", "unit.yaml", "(changed)", "line None", "<dict>"):
        assert word not in text, text
    assert all(line.startswith("with_changes: ") for line in text.splitlines()), text


def test_scenario_errors_carry_the_key_and_value(sc):
    with pytest.raises(ScenarioError) as info:
        sc.with_changes({"f.p": 0.2, "e.p": 1.5})
    (p,) = info.value.problems
    assert (p.path, p.field, p.line, p.value) == ("with_changes", "e.p", None, 1.5)


def test_every_bad_key_is_reported_at_once(sc):
    with pytest.raises(ArgumentError) as info:
        sc.with_changes({"nosuch.p": 0.3, "f.p": 0.2, "mil.nosuch": 1})
    lines = str(info.value).splitlines()
    assert [line.split(":")[1].strip() for line in lines] == ["nosuch.p", "mil.nosuch"]


def test_a_path_through_a_value_replaced_in_the_same_call(sc):
    with pytest.raises(ArgumentError, match=r"with_changes: mil\.p: sets pillars\.mil\.p, "
                       r"which 'mil' sets too \(one holds the other\)"):
        sc.with_changes({"mil": 3, "mil.p": 0.5})
    with pytest.raises(ArgumentError, match=r"with_changes: mil\.p: sets pillars\.mil\.p, "):
        sc.with_changes({"mil": {"p": 0.4}, "mil.p": 0.5})  # whichever came last won


def test_keys_are_never_echoed_with_terminal_escapes(sc):
    with pytest.raises(ArgumentError) as info:
        sc.with_changes({"e\x1b[2J.p": 0.3})
    assert "\x1b" not in str(info.value) and "e\\x1b[2J.p" in str(info.value)



# -- a new node one slip from a name the scenario has ---------------------------------------


@pytest.mark.parametrize("key", [
    "pillars.mil.clauses.claus",   # one slip from 'c'? names under five letters are not told
    "events.mood_swing",           # far from every name
])
def test_new_names_far_from_every_name_add_quietly(sc, key, recwarn):
    out = sc.with_changes({key: {"p": 0.3}})
    assert key.rsplit(".", 1)[1] in out.nodes
    assert not [w for w in recwarn if issubclass(w.category, PactsimWarning)]


def test_a_new_node_one_slip_from_a_node_warns_naming_the_key():
    sc = pactsim.loads(TEXT.replace(" c: {p:", " jets_sale: {p:")
                       .replace("c or e", "jets_sale or e").replace("(mil, c)", "(mil, jets_sale)"),
                       name="unit.yaml")
    changed = {"pillars.mil.clauses.jets_sael": {"p": 0.3},   # swapped letters: told
               "mil.clauses.jetz_sale": {"p": 0.3},            # one letter changed: told
               "events.jets_sale_2": {"p": 0.3},               # a suffix: a chosen name
               "events.jets_sale9": {"p": 0.3},                # a digit: a chosen name
               "events.jets_salf": {"p": 0.3}}                 # an event beside a clause: told
    with pytest.warns(PactsimWarning) as caught:
        out = sc.with_changes(changed)
    assert [str(w.message) for w in caught] == [
        f"with_changes: {k}: adds a new {kind} '{new}'; did you mean 'jets_sale'? (a name "
        f"that is not found adds a {kind}, so a slip of the hand would go unnoticed)"
        for k, kind, new in [("pillars.mil.clauses.jets_sael", "clause", "jets_sael"),
                             ("mil.clauses.jetz_sale", "clause", "jetz_sale"),
                             ("events.jets_salf", "event", "jets_salf")]]
    assert all(w.filename == __file__ for w in caught)  # the user's line
    assert {"jets_sael", "jetz_sale", "jets_sale_2", "jets_sale9", "jets_salf"} <= set(out.nodes)


def test_a_new_source_one_slip_from_a_source_warns():
    sc = pactsim.loads(TEXT.replace('{s: "A source"', '{reuters: "A source"')
                       .replace("source: s}", "source: reuters}"), name="unit.yaml")
    with pytest.warns(PactsimWarning, match=r"^with_changes: sources\.reuter: adds a "
                      r"new source 'reuter'; did you mean 'reuters'\?"):
        sc.with_changes({"sources.reuter": "Reuters, 2024"})


@pytest.mark.parametrize(("changes", "said"), [
    ({"c.p": 0.3, "pillars.mil.clauses.c.p": 0.6},
     "with_changes: pillars.mil.clauses.c.p: sets pillars.mil.clauses.c.p, which 'c.p' sets "
     "too (two spellings of one path); give it once"),
    ({"c.p": 0.3, "mil.clauses.c": {"p": 0.6}},
     "with_changes: mil.clauses.c: sets pillars.mil.clauses.c, which 'c.p' sets too (one "
     "holds the other); give it once"),
])
def test_two_keys_for_one_value_are_refused(sc, changes, said):
    """review-api27: the last of two spellings won, silently and by order."""
    with pytest.raises(ArgumentError) as err:
        sc.with_changes(changes)
    assert str(err.value) == said


def test_set_with_two_spellings_of_one_path_points_at_the_second(tmp_path):
    (tmp_path / "base.yaml").write_text(TEXT, encoding="utf-8")
    child = tmp_path / "child.yaml"
    child.write_text("pactsim: 2\nextends: base.yaml\nid: child\nset:\n  c.p: 0.3\n"
                     "  pillars.mil.clauses.c.p: 0.6\n", encoding="utf-8")
    with pytest.raises(ScenarioError) as err:
        pactsim.load(child)
    [problem] = err.value.problems
    assert (problem.line, problem.column, problem.field) == (6, 3, "set.pillars.mil.clauses.c.p")
    assert "which 'c.p' sets too" in problem.message
