"""Validation work is bounded by the request, not by what a hostile file asks for.

Counts, not timings: how many edit-distance computations "did you mean" makes,
chains far deeper than Python's recursion limit, tables never expanded.
"""

from __future__ import annotations

import sys

import pytest

import pactsim
from pactsim import errors
from pactsim.errors import ScenarioError, Suggestions

HEADER = "pactsim: 1\nid: t\nas_of: 2024-11-05\nhorizon: 2025-12-31\n"
META = {"pactsim": 1, "id": "t", "as_of": "2024-11-05", "horizon": "2025-12-31"}


@pytest.fixture
def edits(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts calls of the edit-distance kernel behind every "did you mean"."""
    calls = [0]
    kernel = errors._edits

    def counting(a: str, b: str, limit: int) -> int:
        calls[0] += 1
        return kernel(a, b, limit)

    monkeypatch.setattr(errors, "_edits", counting)
    return calls


def test_many_unknown_names_make_a_bounded_number_of_suggestions(edits: list[int]) -> None:
    n = 2_450  # issue 9: 2,450 unknown names in a 65 kB file took 20 s
    data = {**META, "events": {f"event_{i:04d}": {"p": 0.5} for i in range(n)},
            "questions": {f"q{i:04d}": f"evnt_{i:04d}" for i in range(n)}}
    with pytest.raises(ScenarioError) as info:
        pactsim.from_dict(data)
    problems = info.value.problems
    assert len(problems) == n  # every unknown name is reported ...
    assert "did you mean 'event_0000'?" in problems[0].message
    assert edits[0] <= 100 * 16  # ... but at most 100 look-ups of at most 16 comparisons


def test_unknown_references_in_a_file(edits: list[int]) -> None:
    n, m = 800, 1_500  # 4 YAML nodes an event, 1 a reference: within the 5,000-node budget
    text = HEADER + "events:\n" + "".join(f"  e{i:04d}: {{p: .5}}\n" for i in range(n)) \
        + "  z:\n    p: .5\n    requires: [" + ", ".join(f"x{i:04d}" for i in range(m)) + "]\n"
    with pytest.raises(ScenarioError) as info:
        pactsim.loads(text)
    assert len(info.value.problems) == m
    assert "did you mean 'e0000'?" in info.value.problems[0].message
    assert edits[0] <= 100 * 16


def test_one_look_up_compares_few_candidates_however_alike_they_are(edits: list[int]) -> None:
    alike = [f"abcdefgh{c}" for c in "ijklmnopqrstuvwxyz"] + [
        f"abcdefg{c}i" for c in "jklmnopqrstuvwxyz"]  # all within two edits of one another
    suggest = Suggestions(alike * 10)
    assert suggest.closest("abcdefghz") is not None
    assert edits[0] <= 16


def test_questions_chained_in_reverse_order_validate_without_recursion() -> None:
    n = 2_400  # the YAML node budget allows about this many questions
    text = HEADER + "drivers:\n  d: {dist: normal, mean: 0, sd: 1}\nquestions:\n" + "".join(
        f"  q{i}: q{i + 1}\n" for i in range(n)) + f"  q{n}: d > 0\n"
    sc = pactsim.loads(text)
    assert len(sc.questions) == n + 1
    deeper = 5 * sys.getrecursionlimit()
    data = {**META, "events": {"a": {"p": 0.5}},
            "questions": {**{f"q{i}": f"q{i + 1}" for i in range(deeper)}, f"q{deeper}": "a"}}
    assert len(pactsim.from_dict(data).questions) == deeper + 1


def test_a_broken_question_does_not_make_its_users_unknown() -> None:
    text = HEADER + "events:\n  a: {p: .5}\nquestions:\n  q1: q2 and a\n  q2: a and\n" \
        "  q3: q4\n  q4: a < 3\n"
    with pytest.raises(ScenarioError) as info:
        pactsim.loads(text)
    fields = [p.field for p in info.value.problems]
    assert fields == ["questions.q2", "questions.q4"]  # not "unknown name 'q2'" in q1
