"""The rationale travels with the numbers (issue 17 item 2).

``why`` on every node kind, ``why_by`` for single signing points and
``why_table`` for single rows of a table: loaded, validated, kept through
``with_changes`` and ``dumps``, part of the digest, never part of a draw, and
shown in the notebook display and the report's inputs section.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

import pactsim
from pactsim.errors import ScenarioError
from pactsim.language.io import from_dict
from pactsim.language.scenario import Driver, Node, Pillar, Question, Signing
from pactsim.views import display

ROOT = Path(__file__).resolve().parents[2]
FLAGSHIP = ROOT / "scenarios" / "iran-russia-2024.yaml"
WHY_KEYS = ("why", "why_by", "why_table")

SMALL = """\
pactsim: 1
id: small
as_of: 2024-11-05
horizon: 2025-12-31
sources:
  edm: EDM 21/160
drivers:
  mood: {dist: normal, mean: 0, sd: 1, why: 0 is today's mood}
events:
  rain:
    p: 0.3
    why: "the forecast says 30%: trust it"
    source: edm
  wet:
    given: [rain]
    table: {true: 0.9, false: {beta: [1, 9]}}
    why_table:
      true: rain wets the street
    odds: {mood: 1.5}
signing:
  why: a target date, discounted
  by: {2024-12-31: 0.4, 2025-06-30: 0.7}
  why_by:
    2025-06-30: one slip
pillars:
  trade:
    p: 0.9
    why: always there
    clauses:
      fta: {p: 0.5, why: "<b>maybe</b>"}
questions:
  early: {expr: "signing.date <= 2024-12-31", why: the officials' target}
  plain: rain and wet
"""


def _strip(x: Any) -> Any:
    """Plain scenario data without any rationale."""
    if isinstance(x, dict):
        return {k: _strip(v) for k, v in x.items() if k not in WHY_KEYS}
    if isinstance(x, list):
        return [_strip(v) for v in x]
    return x


@pytest.fixture(scope="module")
def small() -> pactsim.Scenario:
    return pactsim.loads(SMALL)


@pytest.fixture(scope="module")
def flagship() -> pactsim.Scenario:
    return pactsim.load(FLAGSHIP)


# -- the model ---------------------------------------------------------------------------
@pytest.mark.parametrize("model", [Node, Pillar, Driver, Signing, Question])
def test_every_node_spec_kind_has_a_why_field(model: type) -> None:
    assert "why" in model.model_fields
    assert model.model_fields["why"].default is None


def test_whys_load_where_they_were_written(small: pactsim.Scenario) -> None:
    nodes = small.nodes
    assert nodes["mood"].why == "0 is today's mood"
    assert nodes["rain"].why == "the forecast says 30%: trust it"
    assert nodes["rain"].spec.why == nodes["rain"].why  # what exports read
    assert nodes["wet"].why is None
    assert nodes["signing"].why == "a target date, discounted"
    assert nodes["trade"].why == "always there"
    assert nodes["fta"].why == "<b>maybe</b>"
    assert nodes["early"].why == "the officials' target"
    assert nodes["plain"].why is None  # a question in short form has none
    assert small.signing is not None
    assert small.signing.why_by == {dt.date(2025, 6, 30): "one slip"}
    wet = small.events["wet"]
    assert wet.row_why((True,)) == "rain wets the street"
    assert wet.row_why((False,)) is None
    assert small.events["rain"].row_why(()) is None  # no table, no rows


def test_a_why_changes_the_digest_but_not_a_draw(flagship: pactsim.Scenario) -> None:
    bare = from_dict(_strip(flagship.model_dump(exclude_defaults=True)))
    assert bare != flagship
    assert bare.digest != flagship.digest
    assert flagship.with_changes({"military.why": "another reason"}).digest != flagship.digest
    a = pactsim.simulate(flagship, n=5_000, seed=11).to_frame()
    b = pactsim.simulate(bare, n=5_000, seed=11).to_frame()
    pd.testing.assert_frame_equal(a, b, check_exact=True)
    pd.testing.assert_frame_equal(pactsim.exact(flagship).marginals(),
                                  pactsim.exact(bare).marginals(), check_exact=True)


def test_a_file_without_why_keeps_its_digest() -> None:
    sc = pactsim.loads("pactsim: 1\nid: x\nas_of: 2024-01-01\nhorizon: 2024-12-31\n"
                       "events:\n  rain: {p: 0.3}\nsigning:\n  by: {2024-06-30: 0.5}\n")
    canonical = ('{"pactsim":1,"id":"x","as_of":"2024-01-01","horizon":"2024-12-31",'
                 '"events":{"rain":{"p":0.3}},"signing":{"by":{"2024-06-30":0.5}}}')
    assert sc.digest == hashlib.sha256(canonical.encode()).hexdigest()


def test_whys_survive_dumps_and_plain_data(small: pactsim.Scenario) -> None:
    text = pactsim.dumps(small)
    again = pactsim.loads(text)
    assert again == small
    assert "why_by:" in text and "why_table:" in text
    assert from_dict(small.model_dump(exclude_defaults=True)) == small


# -- with_changes ------------------------------------------------------------------------
def test_with_changes_keeps_every_why(small: pactsim.Scenario) -> None:
    v = small.with_changes({"rain.p": 0.5, "wet.table.true": 0.8,
                            "signing.by.2025-06-30": 0.75, "trade.p": 0.8})
    assert v.nodes["rain"].why == small.nodes["rain"].why
    assert v.events["wet"].why_table == {True: "rain wets the street"}
    assert v.signing is not None and v.signing.why_by == {dt.date(2025, 6, 30): "one slip"}
    assert [x.why for x in v.iter_nodes()] == [x.why for x in small.iter_nodes()]


def test_with_changes_sets_a_why_by_path(small: pactsim.Scenario) -> None:
    v = small.with_changes({"fta.why": "now likelier", "signing.why_by.2024-12-31": "target",
                            "wet.why_table.false": "dry streets stay dry"})
    assert v.nodes["fta"].why == "now likelier"
    assert v.signing is not None and v.signing.why_by[dt.date(2024, 12, 31)] == "target"
    assert v.events["wet"].row_why((False,)) == "dry streets stay dry"
    assert list(v.signing.by) == list(small.signing.by)  # type: ignore[union-attr]


def test_reasons_go_with_what_they_explain(small: pactsim.Scenario) -> None:
    # p replaces the table, and the reasons of its rows with it
    assert small.with_changes({"wet.p": 0.2}).events["wet"].why_table is None
    # a new curve keeps the reasons of the dates it still has
    v = small.with_changes({"signing.by": {"2025-06-30": 0.6, "2025-09-30": 0.7}})
    assert v.signing is not None and v.signing.why_by == {dt.date(2025, 6, 30): "one slip"}
    gone = small.with_changes({"signing.by": {"2025-03-31": 0.6}})
    assert gone.signing is not None and gone.signing.why_by == {}


def test_with_changes_refuses_a_why_that_is_not_text(small: pactsim.Scenario) -> None:
    with pytest.raises(ScenarioError, match=r"with_changes: rain\.why: = 0\.4 must be text"):
        small.with_changes({"rain.why": 0.4})
    with pytest.raises(ScenarioError, match=r"date 2025-03-31 is not a point of by"):
        small.with_changes({"signing.why_by.2025-03-31": "no such point"})


# -- the flagship -------------------------------------------------------------------------
def test_the_flagship_gives_a_reason_for_every_number(flagship: pactsim.Scenario) -> None:
    missing = []
    for v in flagship.iter_nodes():
        if v.kind == "question":
            continue
        spec = v.spec
        if isinstance(spec, Node) and spec.given:
            rows = ([keys for keys, _ in spec.level_rows()] if spec.levels is not None
                    else [combo for combo, _ in spec.table_entries()])  # categorical: format 3
            missing += [f"{v.name} {combo}" for combo in rows if not spec.row_why(combo)]
        elif not v.why:
            missing.append(v.name)
    assert flagship.signing is not None
    missing += [f"signing.by.{d}" for d in flagship.signing.by
                if d not in flagship.signing.why_by]
    assert missing == []


def test_the_flagship_keeps_its_sources(flagship: pactsim.Scenario) -> None:
    for v in flagship.iter_nodes():
        if v.kind != "question":
            assert getattr(v.spec, "source", None), v.name


# -- the JSON Schema -----------------------------------------------------------------------
def test_the_schema_knows_why() -> None:
    jsonschema = pytest.importorskip("jsonschema")
    from pactsim.language.jsonschema import json_schema

    head = {"pactsim": 1, "id": "x", "as_of": "2024-01-01", "horizon": "2024-12-31"}
    good = {**head, "events": {"a": {"p": 0.5, "why": "text"},
                               "b": {"given": ["a"], "table": {"true": 0.1, "false": 0.2},
                                     "why_table": {"true": "text"}}},
            "signing": {"by": {"2024-06-30": 0.5}, "why_by": {"2024-06-30": "text"},
                        "why": "text"},
            "drivers": {"d": {"dist": "normal", "sd": 1, "why": "text"}},
            "questions": {"q": {"expr": "a", "why": "text"}}}
    jsonschema.validate(good, json_schema())
    for bad in ({**head, "events": {"a": {"p": 0.5, "why": 1}}},
                {**head, "signing": {"by": {"2024-06-30": 0.5}, "why_by": {"2024-06-30": 2}}},
                {**head, "drivers": {"d": {"dist": "normal", "sd": 1, "why": ["x"]}}}):
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(bad, json_schema())


# -- where it shows ------------------------------------------------------------------------
def test_notebook_display_shows_reasons_numbers_and_sources(small: pactsim.Scenario) -> None:
    html = small._repr_html_()
    assert "<td class='why'>the forecast says 30%: trust it" in html
    assert "[edm]" in html  # the source keys beside the reason
    assert "0 is today&#x27;s mood" in html  # drivers are listed, with their reason
    assert "normal, mean 0, sd 1" in html
    assert "a target date, discounted" in html
    assert "<td>2025-06-30</td><td class='num'>0.7</td><td class='why'>one slip</td>" in html
    # a table shows its rows with their numbers and reasons, not only "table on rain"
    assert "table on rain" in html
    assert "<td>if rain</td><td>0.9</td><td class='why'>rain wets the street</td>" in html
    assert "<td>if not rain</td><td>β(1, 9) ≈ 0.10</td>" in html
    assert "always there" in html
    assert "&lt;b&gt;maybe&lt;/b&gt;" in html and "<b>maybe" not in html
    assert "the officials&#x27; target" in html  # a question's reason


def test_flagship_display_shows_its_reasons(flagship: pactsim.Scenario) -> None:
    html = display.scenario_inputs(flagship)
    for v in flagship.iter_nodes():
        if v.why:
            assert display.escape(v.why) in html, v.name
    assert flagship.signing is not None
    for why in flagship.signing.why_by.values():
        assert display.escape(why) in html
    assert "<td>if us_trump_win</td><td>0.9</td>" in html
    assert "<td>if not us_trump_win</td><td>90% in [0.7, 0.92]</td>" in html
    assert "Strategic alignment <code>alignment</code>" in html


def test_a_wide_table_shows_a_few_rows_and_counts_the_rest() -> None:
    names = [f"e{i}" for i in range(12)]
    events: dict[str, Any] = {n: {"p": 0.5} for n in names}

    def nest(depth: int) -> Any:
        return 0.25 if depth == len(names) else {True: nest(depth + 1), False: nest(depth + 1)}

    events["x"] = {"given": names, "table": nest(0)}
    sc = from_dict({"pactsim": 1, "id": "wide", "as_of": dt.date(2024, 1, 1),
                    "horizon": dt.date(2024, 12, 31), "events": events})
    html = display.scenario_inputs(sc)
    assert html.count("<td>if e0 and") == display.TABLE_ROWS_SHOWN
    assert f"… and {4096 - display.TABLE_ROWS_SHOWN:,} more rows of 4,096" in html
    rows, total = display.table_rows(sc.events["x"], most=3)
    assert total == 4096
    assert [combo for combo, _, _ in rows] == [(True,) * 12, (True,) * 11 + (False,),
                                               (True,) * 10 + (False, True)]


def test_report_inputs_show_the_reasons(small: pactsim.Scenario) -> None:
    from pactsim.views.report import report_html

    page = report_html(pactsim.simulate(small, n=2_000, seed=1))
    inputs = page[page.index("<h2>Scenario inputs</h2>"):]
    assert "each number with its reason" in inputs
    assert "one slip" in inputs
    assert "<td>if rain</td><td>0.9</td><td class='why'>rain wets the street</td>" in inputs
    assert "0 is today&#x27;s mood" in inputs
