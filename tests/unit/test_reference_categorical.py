"""The reference sampler's categorical nodes against answers derived by hand.

The oracle of ``tests/property/test_categorical_oracle.py`` must be right on its
own: here its draws are compared with closed-form probabilities (no pactsim
inference involved) within 4.5 standard errors, seeds fixed.
"""

from __future__ import annotations

import math

import pytest

import pactsim
from reference_sampler import ReferenceSampler, parse_question

TEXT = """\
pactsim: 3
id: ref-cat
as_of: 2024-01-01
horizon: 2024-12-31
events:
  a: {p: 0.4}
  instc:
    levels: {absent: 0.2, generic: 0.45, named: 0.35}
    odds: {a: 2.0}
  b:
    given: [instc]
    table: {absent: 0.1, generic: 0.5, named: 0.9}
    requires: ["in(instc, generic, named)"]
pillars:
  p:
    p: 0.5
    clauses:
      c:
        levels: [generic, named]
        given: [a]
        table: {true: {named: 1.0}, false: {generic: 0.25, named: 0.75}}
questions:
  q1: instc == named and c != generic
  q2: in(c, absent, named)
"""
N = 40_000


def _present(p: float, factor: float) -> float:
    return p * factor / (p * factor + 1 - p)


# by hand: instc is present with 0.8, odds x2 when a (0.8 -> 1.6/1.8); its named share
# of presence stays 0.35/0.8 either way
P_PRESENT = 0.4 * _present(0.8, 2.0) + 0.6 * 0.8
P_NAMED = 0.4 * _present(0.8, 2.0) * 0.35 / 0.8 + 0.6 * 0.35
# c: absent unless its pillar (0.5); named with 1 (a) or 0.75 (not a)
P_C_NAMED = 0.5 * (0.4 * 1.0 + 0.6 * 0.75)
ANSWERS = {
    "instc": P_PRESENT,
    "instc == named": P_NAMED,
    "instc == absent": 1 - P_PRESENT,
    "b": (P_PRESENT - P_NAMED) * 0.5 + P_NAMED * 0.9,  # gated on presence: absent row unused
    "c == named": P_C_NAMED,
    "c == absent": 0.5,
    "q2": 0.5 + P_C_NAMED,
}


@pytest.fixture(scope="module")
def sample() -> list[dict[str, object]]:
    return ReferenceSampler(pactsim.loads(TEXT)).sample(N, seed=17).draws


def _read(text: str, draw: dict[str, object]) -> bool:
    levels = {"instc": ("absent", "generic", "named"), "c": ("absent", "generic", "named")}
    return bool(parse_question(text, levels).evaluate(draw))


@pytest.mark.parametrize("expr", list(ANSWERS))
def test_reference_matches_the_hand_derived_answer(expr: str,
                                                   sample: list[dict[str, object]]) -> None:
    p = ANSWERS[expr]
    k = sum(_read(expr, d) for d in sample)
    se = math.sqrt(p * (1 - p) / N)
    assert abs(k / N - p) <= 4.5 * se, (expr, k / N, p)


def test_one_outcome_per_draw_consistent_with_presence(sample: list[dict[str, object]]) -> None:
    for d in sample[:2000]:
        assert d["instc.outcome"] in ("absent", "generic", "named")
        assert d["instc"] == (d["instc.outcome"] != "absent")
        assert d["c"] == (d["c.outcome"] != "absent")
        assert d["q1"] == (d["instc.outcome"] == "named" and d["c.outcome"] != "generic")
        if not d["p"]:
            assert d["c.outcome"] == "absent"  # a closed gate


def test_outcome_tests_read_either_side_and_refuse_unknown_outcomes() -> None:
    levels = {"x": ("absent", "generic", "named")}
    draw = {"x": True, "x.outcome": "named", "a": False}
    assert parse_question("named == x", levels).evaluate(draw) is True
    assert parse_question("x != generic and not a", levels).evaluate(draw) is True
    assert parse_question("in(x, absent, generic)", levels).evaluate(draw) is False
    assert parse_question("(x != absent) == a", levels).evaluate(draw) is False  # presence
    for text in ("x == nmed", "a == x"):  # as pactsim: the other side must be an outcome
        with pytest.raises(ValueError, match="not an outcome"):
            parse_question(text, levels)
    with pytest.raises(ValueError, match="categorical"):
        parse_question("in(a, named)", levels)
