"""The scenario model: loading, navigation, freezing, round trips, changes."""

from __future__ import annotations

import datetime as dt
import pickle
from pathlib import Path

import pandas as pd
import pytest

import pactsim
from pactsim.errors import ScenarioError
from pactsim.language.distributions import p_mean
from pactsim.language.io import from_dict
from pactsim.language.scenario import Beta, Between

ROOT = Path(__file__).parents[2]
TEXT = """\
pactsim: 1
id: unit
title: Unit scenario
as_of: 2025-01-01
horizon: 2025-12-31
sources: {s: "A source"}
drivers:
  mood: {dist: uniform, low: -1, high: 1, label: Mood}
events:
  e: {p: {beta: [2, 6]}, source: s}
signing:
  by: {2025-06-30: 0.5}
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
def sc():
    return pactsim.loads(TEXT, name="unit.yaml")


def test_sections_and_types(sc):
    assert sc.as_of == dt.date(2025, 1, 1)
    assert isinstance(sc.events["e"].p, Beta) and sc.events["e"].p.mean == 0.25
    assert isinstance(sc.pillars["mil"].clauses["c"].p, Between)
    assert sc.signing.by == {dt.date(2025, 6, 30): 0.5}
    assert sc.question_text("q") == "c or e" and sc.question_text("n") == "count(mil, c)"


def test_nodes_in_file_order_with_kinds_and_labels(sc):
    assert [(v.name, v.kind) for v in sc.iter_nodes()] == [
        ("mood", "driver"), ("e", "event"), ("signing", "signing"), ("mil", "pillar"),
        ("c", "clause"), ("q", "question"), ("n", "question")]
    assert sc.nodes["c"].pillar == "mil"
    assert sc.nodes["c"].label == "The clause" and sc.nodes["mil"].label == "mil"
    assert sc.binary_names == ["e", "signing", "mil", "c"]


def test_parents_include_implicit_gates(sc):
    assert sc.parents("mil") == ["signing", "e", "mood"]
    assert sc.parents("c") == ["mil", "e"]
    assert sc.parents("e") == []


def test_table_entries_follow_given_order(sc):
    assert sc.pillars["mil"].table_entries() == [((False,), 0.4), ((True,), 0.9)]


def test_between_mean_comes_from_the_fitted_beta():
    m = p_mean(Between(between=(0.2, 0.5)))
    assert 0.2 < m < 0.5


def test_frozen(sc):
    # pydantic's frozen models raise its ValidationError; a scenario says how to change it
    with pytest.raises(pactsim.errors.FrozenError, match="with_changes"):
        sc.id = "other"  # type: ignore[misc]


def test_round_trip_through_yaml_and_pickle(sc):
    again = pactsim.loads(pactsim.dumps(sc))
    assert again == sc and again.digest == sc.digest
    assert pickle.loads(pickle.dumps(sc)) == sc


def test_digest_changes_with_content(sc):
    assert sc.with_changes({"e.p": 0.3}).digest != sc.digest
    assert len(sc.digest) == 64


def test_with_changes_by_node_name_and_by_path(sc):
    v = sc.with_changes({"mil.p": 0.7, "signing.by.2025-06-30": 0.6}, title="Variant")
    assert v.pillars["mil"].p == 0.7 and v.pillars["mil"].given is None
    assert v.signing.by[dt.date(2025, 6, 30)] == 0.6 and v.title == "Variant"
    assert sc.pillars["mil"].p is None  # the original is untouched
    w = sc.with_changes({"pillars.mil.table.true": 0.5})
    assert w.pillars["mil"].table == {True: 0.5, False: 0.4}
    with pytest.raises(ScenarioError, match=r"^with_changes: c\.p: = 1\.5 must be in \[0, 1\]"):
        sc.with_changes({"c.p": 1.5})


def frame(sc: pactsim.Scenario) -> pd.DataFrame:
    return pactsim.simulate(sc, n=3_000, seed=1).to_frame()


def test_equal_scenarios_hash_equal_and_give_the_same_draws(sc):
    """Equality ignores where a scenario came from: file name, layout, comments."""
    other = pactsim.loads("# another file\n" + TEXT.replace("{2025-06-30: 0.5}",
                                                               "\n    2025-06-30: 0.50"),
                          name="elsewhere.yaml")
    for again in (other, from_dict(sc.model_dump()), pactsim.loads(pactsim.dumps(sc))):
        assert again == sc and hash(again) == hash(sc) and again.digest == sc.digest
        pd.testing.assert_frame_equal(frame(again), frame(sc))


SWAPPED = TEXT.replace("events:\n  e: {p: {beta: [2, 6]}, source: s}\n",
                       "events:\n  f: {p: 0.7}\n  e: {p: {beta: [2, 6]}, source: s}\n")
IN_ORDER = SWAPPED.replace("  f: {p: 0.7}\n  e: {p: {beta: [2, 6]}, source: s}\n",
                           "  e: {p: {beta: [2, 6]}, source: s}\n  f: {p: 0.7}\n")


def test_order_of_nodes_is_part_of_equality():
    """The same nodes in another order draw other random numbers, so they are not equal."""
    a, b = pactsim.loads(IN_ORDER), pactsim.loads(SWAPPED)
    assert a.model_dump() == b.model_dump()  # the same content as unordered mappings
    assert not frame(a)[["e", "f"]].equals(frame(b)[["e", "f"]])  # ... but other draws
    assert a != b and a.digest != b.digest
    assert len({a, b}) == 2


@pytest.mark.parametrize("text", [IN_ORDER, TEXT])
def test_equality_agrees_with_digest_and_hash(text):
    a = pactsim.loads(text)
    b = pactsim.loads(text.replace("title: Unit scenario", "title: Other"))
    assert (a == b) is False and a != b and a.digest != b.digest
    assert a == pactsim.loads(text) and {a: 1}[pactsim.loads(text)] == 1
    assert a != "not a scenario"


def test_from_dict_reports_field_paths_without_lines():
    with pytest.raises(ScenarioError) as info:
        from_dict({"pactsim": 1, "id": "x", "as_of": dt.date(2024, 1, 1),
                   "horizon": dt.date(2024, 12, 31), "events": {"a": {"p": 2}}})
    p = info.value.problems[0]
    assert (p.field, p.line, p.path) == ("events.a.p", None, "<dict>")


def test_locate_points_into_the_file(sc):
    assert sc.locate(("pillars", "mil", "clauses", "c", "p")) == ("unit.yaml", 19, 14)
    assert from_dict(sc.model_dump()).locate(("events",)) == ("<dict>", None, None)


def test_repr_is_one_line(sc):
    assert repr(sc) == ("<Scenario 'unit': 1 driver, 1 event, 1 pillar, 1 clause, 2 questions, "
                        "signing; as_of 2025-01-01, horizon 2025-12-31>")


def test_bytes_with_bom_and_crlf_load():
    sc = pactsim.loads(b"\xef\xbb\xbf" + TEXT.replace("\n", "\r\n").encode())
    assert sc.id == "unit"


def test_minimal_scenario_is_metadata_only():
    sc = pactsim.loads("pactsim: 1\nid: x\nas_of: 2024-01-01\nhorizon: 2024-02-01\n")
    assert sc.binary_names == [] and sc.signing is None


def test_yes_and_no_stay_strings():
    """YAML 1.2: `yes` is not a boolean, so a typo cannot silently become true."""
    with pytest.raises(ScenarioError, match="'yes' is not a probability"):
        pactsim.loads("pactsim: 1\nid: x\nas_of: 2024-01-01\nhorizon: 2024-02-01\n"
                      "events:\n  a: {p: yes}\n")
