"""A value YAML cannot read (an impossible date, a number out of range, a duplicate
key, a tag) is reported together with every other problem of the file, each at its line.

Before, reading stopped at such a value: the file's other mistakes came out only once it
was fixed, one round at a time. The value is now kept as its text, validation runs on
the rest, and what validation says at or under the same key (it only repeats the
reading problem) is left out.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import pactsim
from pactsim.errors import ScenarioError
from pactsim.language._yaml import _MAX_PROBLEMS

HEAD = "pactsim: 2\nid: x\nas_of: 2025-01-01\nhorizon: 2025-12-31\n"


def _problems(text: str) -> list[tuple[int | None, str, str]]:
    with pytest.raises(ScenarioError) as err:
        pactsim.loads(text, name="f.yaml")
    return [(p.line, p.field, p.message) for p in err.value.problems]


def test_an_impossible_date_and_the_files_other_mistakes_come_out_together() -> None:
    text = HEAD + ("events:\n  a: {p: 1.5}\n"                       # line 6
                   "signing:\n  by: {2025-02-30: 0.5, 2025-06-30: 0.7}\n"  # line 8
                   "questions:\n  q: a and bb\n")                    # line 10
    found = _problems(text)
    assert [(line, field) for line, field, _ in found] == [
        (6, "events.a.p"), (8, "signing.by"), (10, "questions.q")]
    assert "invalid date '2025-02-30'" in found[1][2]
    assert "unknown name 'bb'" in found[2][2]


@pytest.mark.parametrize(("body", "line", "field", "fragment"), [
    ("events:\n  c: {p: 0.2}\n  c: {p: 0.3}\n", 7, "events.c", "duplicate key 'c'"),
    ("events:\n  d: {p: !!str 0.4}\n", 6, "events.d.p", "tags are not allowed"),
    ("events:\n  e: {p: 1e999999}\n", 6, "events.e.p", "= inf must be in [0, 1]"),
])
def test_each_reading_problem_comes_with_the_others_and_alone_at_its_key(
        body: str, line: int, field: str, fragment: str) -> None:
    other = "questions:\n  q: nothere\n"
    found = _problems(HEAD + body + other)
    at_field = [f for f in found if f[1] == field or f[1].startswith(field + ".")]
    assert len(at_field) == 1 and at_field[0][0] == line and fragment in at_field[0][2]
    assert [f for f in found if f[1] == "questions.q"]  # the other mistake too
    # nothing at the node above it only repeats it (a tagged p is not "needs a p")
    node = ".".join(field.split(".")[:2])
    assert not [f for f in found if f[1] == node and f[1] != field]


def test_a_reading_problem_alone_is_still_refused() -> None:
    # the text kept in its place would validate (a reason is text): still refused
    found = _problems(HEAD + "events:\n  a: {p: 0.5, why: !!str fine}\n")
    assert [(f[1], "tags are not allowed" in f[2]) for f in found] == [("events.a.why", True)]


def test_a_variant_with_a_reading_problem_is_refused_before_its_base_is_read(
        tmp_path: Path) -> None:
    (tmp_path / "v.yaml").write_text("pactsim: 2\nextends: missing.yaml\nid: v\n"
                                     "set:\n  a.p: 2025-02-30\n", encoding="utf-8")
    with pytest.raises(ScenarioError) as err:
        pactsim.load(tmp_path / "v.yaml")
    assert [p.field for p in err.value.problems] == ["set.a.p"]
    assert "invalid date" in err.value.problems[0].message


def test_too_many_reading_problems_stop_reading_as_before() -> None:
    body = "events:\n" + "".join(f"  e{i}: {{p: 1e999999, x: 2025-02-30}}\n"
                                 for i in range(_MAX_PROBLEMS))
    with pytest.raises(ScenarioError) as err:
        pactsim.loads(HEAD + body)
    assert all("invalid" in p.message for p in err.value.problems)
    assert len(err.value.problems) >= _MAX_PROBLEMS


def test_a_bad_value_in_a_list_or_reached_through_an_alias_is_said_once_at_each_place() -> None:
    """List items are named as validation names them (observations[0].date), so
    validation's own complaint about the kept text is not repeated beside it; a bad value
    reached again through an alias or a merge is said at that place too (ruamel gave None
    the second time, and validation said "needs a probability")."""
    text = ("pactsim: 3\nid: x\nas_of: 2025-01-01\nhorizon: 2025-12-31\n"
            "events:\n  a: &A {p: 2025-02-30}\n  b: *A\n  c: {<<: *A}\n"
            "observations:\n  - date: 2025-02-30\n    source: s\n    evidence: a\n")
    found = _problems(text)
    assert [f[1] for f in found] == ["events.a.p", "events.b.p", "events.c.p",
                                     "observations[0].date"]
    assert all("invalid date '2025-02-30'" in f[2] for f in found)
