"""Findings of a new-user review: each test failed before its fix.

1. ``sensitivity``/``report -q instc=named`` (a marginals row name) ran, then failed on
   an expression built from the question text.
2. ``score X.yaml copy-of-X.yaml`` scored both as versions (every item twice).
3. ``validate`` of a file that is no scenario (a JSON schema) gave a line per key.
4. A key longer than YAML's 1024 characters was "a `key: value` cannot start here".
5. ``run --target-se 0.001 -n 1000`` noted "target_se = 0.001 (the largest is 0.017)"
   in Python's words and fractions, under a header in points ("≤ 1 points").
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest

import pactsim
from helpers import call
from pactsim.analysis.scoring import score
from pactsim.errors import ArgumentError, ScenarioError
from pactsim.language.resolutions import loads_resolutions

CAT = """\
pactsim: 3
id: cat-test
as_of: 2024-11-05
horizon: 2025-12-31
events:
  war:
    p: 0.6
pillars:
  transport:
    p: 0.8
    clauses:
      instc:
        levels: {absent: 0.2, generic: 0.45, named: 0.35}
      legal:
        given: [instc]
        table: {absent: 0.1, generic: 0.5, named: 0.9}
signing:
  by: {2024-12-31: 0.4, 2025-12-31: 0.8}
questions:
  named: instc == named
"""


@pytest.fixture(scope="module")
def cat() -> pactsim.Scenario:
    return pactsim.loads(CAT)


# -- 1. an outcome row as the question ---------------------------------------------------------
@pytest.mark.parametrize("question", ["instc=named", " instc = named "])
def test_sensitivity_of_an_outcome_row_is_that_of_the_comparison(
        cat: pactsim.Scenario, question: str) -> None:
    row = pactsim.sensitivity(cat, question)
    ref = pactsim.sensitivity(cat, "instc == named")
    assert row.question == question.strip()
    # P(instc == named) = P(signed) P(transport | signed) 0.35, exactly
    assert row.base == pytest.approx(0.8 * 0.8 * 0.35, abs=1e-12)
    pd.testing.assert_frame_equal(row.tornado, ref.tornado)
    pd.testing.assert_frame_equal(row.voi, ref.voi)
    assert len(row.voi) > 0


def test_cli_sensitivity_of_an_outcome_row(tmp_path, capsys) -> None:
    f = tmp_path / "cat.yaml"
    f.write_text(CAT)
    code, out, err = call(capsys, "sensitivity", f, "-q", "instc=named")
    assert code == 0, err
    assert "is not an operator" not in out + err
    assert "What to watch" in out


# -- 2. two versions of one id on one day -------------------------------------------------------
DEMO = """\
pactsim: 1
id: demo
as_of: {as_of}
horizon: 2024-01-11
events:
  rain: {{p: {rain}}}
"""
RAIN = """\
resolutions: 1
scenario: demo
sources: {s: a paper}
outcomes:
  rain: {outcome: false, resolved: 2024-01-11, source: s}
"""


@pytest.mark.parametrize(("rain", "why"), [
    (0.3, "the same forecast: scoring both would count every item twice"),
    (0.6, "they differ, and which one stood that day is not said"),
])
def test_score_refuses_two_versions_on_one_day(tmp_path, capsys, rain: float, why: str) -> None:
    a, b, r = tmp_path / "a.yaml", tmp_path / "b.yaml", tmp_path / "r.yaml"
    a.write_text(DEMO.format(as_of="2024-01-01", rain=0.3))
    b.write_text(DEMO.format(as_of="2024-01-01", rain=rain))
    r.write_text(RAIN)
    with pytest.raises(ArgumentError) as err:
        score([a, b], r)
    assert str(err.value).startswith(
        f"score(): two versions of 'demo' as of 2024-01-01: {a} and {b}; give one (")
    assert why in str(err.value)
    code, out, text = call(capsys, "score", a, b, "-r", r)
    assert code == 2 and out == ""
    assert f"two versions of 'demo' as of 2024-01-01: {a} and {b}; give one" in text


def test_score_names_scenarios_without_a_file_by_their_place() -> None:
    v = pactsim.loads(DEMO.format(as_of="2024-01-01", rain=0.3))
    w = pactsim.loads(DEMO.format(as_of="2024-01-06", rain=0.3))
    with pytest.raises(ArgumentError, match=r"as of 2024-01-01: scenarios\[0\] and "
                                            r"scenarios\[2\]; give one \(the same forecast"):
        score([v, w, v], loads_resolutions(RAIN))
    # different days are a track record, as before: one item per version
    assert len(score([v, w], loads_resolutions(RAIN)).items) == 2


# -- 3. a file that is no scenario --------------------------------------------------------------
SECTIONS = ("id, as_of, horizon, sources, drivers, events, signing, pillars, attributes, "
            "questions, observations")


def test_validate_of_a_json_schema_is_one_located_line(tmp_path, capsys) -> None:
    f = tmp_path / "schema.json"
    f.write_text('{"$schema": "https://json-schema.org/draft/2020-12/schema",\n'
                 ' "title": "x", "type": "object", "properties": {}, "required": [],\n'
                 ' "$defs": {}, "additionalProperties": false}\n')
    code, out, err = call(capsys, "validate", f)
    assert code == 2 and out == ""
    assert err.splitlines() == [
        f"{f}:1:1: not a pactsim scenario (no `pactsim:` version and none of its sections: "
        f"{SECTIONS}); its top-level keys are '$schema', 'title', 'type', 'properties', "
        "'required', ... (7 in all)"]


def test_validate_of_the_shipped_schema_is_one_line(capsys) -> None:
    f = Path(__file__).parents[2] / "scenarios" / "pactsim.schema.json"
    code, out, err = call(capsys, "validate", f)
    assert code == 2 and out == ""
    assert err.splitlines() == [
        f"{f}:1:1: not a pactsim scenario (no `pactsim:` version and none of its sections: "
        f"{SECTIONS}); its top-level keys are '$defs', 'additionalProperties', 'description', "
        "'properties', 'title', ... (12 in all)"]


def test_sections_indented_under_one_key_are_pointed_at() -> None:
    with pytest.raises(ScenarioError) as err:
        pactsim.loads("scenario:\n  pactsim: 1\n  id: x\n", name="f.yaml")
    [problem] = err.value.problems
    assert (problem.line, problem.column) == (1, 1)
    assert problem.message.endswith("its top-level keys are 'scenario'; the sections are under "
                                    "'scenario': move them to the top level, unindented")


@pytest.mark.parametrize(("text", "first"), [
    # a scenario's own key (even misspelt in capitals) or only a title: checked key by key
    ("Pactsim: 1\nid: x\nzz: 1\n", "unknown section 'Pactsim'"),
    ("AS_OF: 2024-01-01\nzz: 1\n", "unknown section 'AS_OF'"),
    ("title: x\n", "missing required field 'pactsim'"),
    ("{}\n", "missing required field 'pactsim'"),
])
def test_a_file_with_a_scenario_key_keeps_its_messages(text: str, first: str) -> None:
    with pytest.raises(ScenarioError) as err:
        pactsim.loads(text)
    messages = [p.message for p in err.value.problems]
    assert any(m.startswith(first) for m in messages), messages
    assert not any("not a pactsim scenario" in m for m in messages)


# -- 4. a key longer than YAML allows -----------------------------------------------------------
LONG = "a" * 1100
HEAD = "pactsim: 1\nid: x\nas_of: 2024-01-01\nhorizon: 2024-12-31\n"


@pytest.mark.parametrize(("text", "line", "column", "size"), [
    (HEAD + f"events:\n  {LONG}: {{p: 0.5}}\n", 6, 3, 1100),      # block mapping
    (HEAD + f"events:\n  b: {{p: 0.5}}\n  {LONG}: {{p: 0.5}}\n", 7, 3, 1100),
    (HEAD + f"events: {{{LONG}: {{p: 0.5}}}}\n", 5, 10, 1100),        # flow mapping
    (HEAD + f'events:\n  "{LONG}": {{p: 0.5}}\n', 6, 3, 1102),    # quoted: quotes count
    (f"- {LONG}: 1\n", 1, 3, 1100),                                 # list item
    ("a" * 1025 + ": 1\n", 1, 1, 1025),
])
def test_a_key_over_1024_characters_is_named_as_such(text: str, line: int, column: int,
                                                     size: int) -> None:
    with pytest.raises(ScenarioError) as err:
        pactsim.loads(text, name="f.yaml")
    [problem] = err.value.problems
    assert (problem.path, problem.line, problem.column) == ("f.yaml", line, column)
    assert problem.message == (
        f"invalid YAML: this key is {size:,} characters long, longer than YAML's "
        "1024-character limit for a key written `key: value` (use a shorter key)")


def test_a_key_of_1024_characters_is_read() -> None:
    sc = pactsim.loads(HEAD + "events:\n  " + "a" * 1024 + ": {p: 0.5}\n")
    assert list(sc.events) == ["a" * 1024]


# -- 5. the target standard error, in points --------------------------------------------------
COIN = "pactsim: 1\nid: coin\nas_of: 2024-01-01\nhorizon: 2024-12-31\nevents:\n  heads: {p: 0.5}\n"


def _largest_se(res: pactsim.Results) -> float:
    """The watched standard error of the one event, smoothed as simulate says:
    sqrt((c + 1)(n - c + 1) / (n + 2)^3) for c heads in n draws."""
    n = res.n
    c = round(res.prob("heads").value * n)
    return math.sqrt((c + 1) * (n - c + 1) / (n + 2) ** 3)


def test_the_cap_note_reads_in_points_for_python_and_the_cli(tmp_path, capsys) -> None:
    with pytest.warns(UserWarning, match="stopped at the cap") as caught:
        res = pactsim.simulate(pactsim.loads(COIN), n=1000, seed=1, target_se=0.01)
    largest = _largest_se(res)
    assert 0.01 < largest < 0.02  # 1.6 points near p = 0.5
    note = (f"the Monte Carlo run stopped at the cap n = 1,000 draws before every watched "
            f"standard error reached the target of 0.01 (1 percentage point): the largest is "
            f"{largest:.2g} ({100 * largest:.2g} points); raise n")
    assert [str(w.message) for w in caught] == [note]
    f = tmp_path / "coin.yaml"
    f.write_text(COIN)
    code, out, err = call(capsys, "run", f, "-n", "1000", "--target-se", "0.01", "--seed", "1")
    assert code == 0
    assert err.splitlines() == [f"pactsim: note: {note}"]
    assert ("the target standard error of 1 point was NOT reached within n = 1,000)"
            in out)


@pytest.mark.parametrize(("se", "shown"), [(0.01, "1 point"), (0.004, "0.4 points"),
                                           (0.02, "2 points")])
def test_the_header_says_point_for_one(tmp_path, capsys, se: float, shown: str) -> None:
    f = tmp_path / "coin.yaml"
    f.write_text(COIN)
    code, out, _ = call(capsys, "run", f, "--target-se", str(se), "--seed", "1")
    assert code == 0
    assert f"drawn until every standard error was ≤ {shown})" in out
