"""`pactsim check` on numeric attributes (format 3): each finding located and explained,
and a scenario that uses its attributes well has none."""

from __future__ import annotations

import pytest

import pactsim
from pactsim.analysis.check import check

HEADER = "pactsim: 3\nid: t\nas_of: 2024-01-01\nhorizon: 2024-12-31\n"
EVENTS = "events:\n  rain: {p: 0.3}\n  dry: {p: 0.5, excludes: [rain]}\n"  # lines 5-7

CASES = [
    ("above_a_uniform", "attributes:\n  n: {dist: {uniform: {low: 10, high: 60}}}\n"
     "questions:\n  q: n > 80\n", "constant-comparison", 11, "questions.q",
     "'n > 80' is never true: 'n' lies in [10, 60]"),
    ("between_two_values", "attributes:\n  term: {dist: {values: {10: 0.5, 20: 0.5}}}\n"
     "questions:\n  q: term == 15 and rain\n", "constant-comparison", 11, "questions.q",
     "'term == 15' is never true: 'term' takes only the values 10, 20"),
    ("constant_on_the_left", "attributes:\n  term:\n    given: [rain]\n    table: {true: 10, "
     "false: {values: {20: 0.5, 30: 0.5}}}\nquestions:\n  q: 5 < term or rain\n",
     "constant-comparison", 13, "questions.q",
     "'5 < term' is true whenever 'term' has a value"),
    ("equal_to_a_continuous_value", "attributes:\n  x: {dist: {normal: {mean: 0, sd: 1}}}\n"
     "questions:\n  q: x == 2.5 or rain\n", "constant-comparison", 11, "questions.q",
     "a continuous value equals a given number with probability 0"),
    ("not_equal_to_a_continuous_value", "attributes:\n  x: {dist: {normal: {mean: 0, sd: 1}}}"
     "\nquestions:\n  q: x != 2 and rain\n", "constant-comparison", 11, "questions.q",
     "'x != 2' is true in every draw"),
    ("half_of_a_rounded_value", "attributes:\n  k: {dist: {uniform: {low: 0.4, high: 9.2}}, "
     "round: true}\nquestions:\n  q: k == 2.5 or rain\n", "constant-comparison", 11,
     "questions.q", "'k' is a whole number in [0, 9]"),
    ("below_a_lognormal", "attributes:\n  n: {dist: {lognormal: {median: 40, p90: 60}}}\n"
     "questions:\n  q: n < 0 or rain\n", "constant-comparison", 11, "questions.q",
     "'n < 0' is never true"),
    ("unused", "attributes:\n  spare: {dist: 3}\n", "unused-attribute", 9, "attributes.spare",
     "not used by any question or observation"),
    ("never_a_value", "attributes:\n  x: {dist: {normal: {mean: 0, sd: 1}}, requires: [rain, "
     "dry]}\nquestions:\n  q: x > 0\n", "never-value", 9, "attributes.x",
     "never has a value (always missing)"),
    ("unreachable_row", "attributes:\n  x:\n    given: [rain, dry]\n    table:\n"
     "      true: {true: 1, false: 2}\n      false: {true: 3, false: 4}\nquestions:\n"
     "  q: x > 2\n", "unreachable-row", 12, "attributes.x.table.true.true",
     "rain=true, dry=true can never be reached (P = 0), so its law is never used"),
]


@pytest.mark.parametrize(("case", "body", "rule", "line", "field", "fragment"), CASES,
                         ids=[c[0] for c in CASES])
def test_finding(case: str, body: str, rule: str, line: int, field: str, fragment: str) -> None:
    sc = pactsim.loads(HEADER + EVENTS + body, name="f.yaml")
    found = [f for f in check(sc) if f.rule == rule]
    assert found, [str(f) for f in check(sc)]
    f = found[0]
    assert (f.path, f.line, f.field) == ("f.yaml", line, field), str(f)
    assert fragment in f.message, str(f)


def test_attributes_used_well_have_no_findings() -> None:
    text = HEADER + EVENTS + """sources:
  draft: a leaked draft
attributes:
  n: {dist: {lognormal: {median: 40, p90: 60}}, round: true, source: draft}
  term:
    given: [rain]
    table: {true: {values: {10: 0.5, 20: 0.5}}, false: {uniform: {low: 5, high: 25}}}
  x: {dist: {normal: {mean: 0, sd: 1}}, requires: [rain]}
questions:
  q1: n >= 40
  q2: term == 20 or term < 7.5
  q3: x > 1 and 0 <= n
  q4: n == 40
observations:
  - {date: 2024-02-01, source: news, evidence: "term > 12", likelihood_ratio: 2}
"""
    found = [str(f) for f in check(pactsim.loads(text, name="f.yaml"))]
    assert found == ["f.yaml:19:3: questions.q3: in question 'q3', '0 <= n' is true whenever "
                     "'n' has a value: 'n' is a whole number in [0, inf] [constant-comparison]"]


def test_an_attribute_only_observed_is_used() -> None:
    text = HEADER + EVENTS + """attributes:
  term: {dist: {values: {10: 0.5, 20: 0.5}}}
questions:
  q: rain
observations:
  - {date: 2024-02-01, source: news, evidence: "term > 12", likelihood_ratio: 2}
"""
    assert [f.rule for f in check(pactsim.loads(text))] == []


@pytest.mark.parametrize(("law", "lo", "hi"), [
    ("{uniform: {low: 1, high: 3}}", 1, 3),            # the hint was '>= 40' whatever the law
    ("{lognormal: {median: 40, p90: 60}}", 30, 50),
    ("{values: {10: 0.3, 20: 0.7}}", 10, 20),
    ("{normal: {mean: 12000, sd: 30}}", 11000, 13000),
    ("{normal: {mean: -0.5, sd: 0.1}}", -1, 0),
])
def test_the_unused_attribute_hint_is_a_question_worth_asking(law: str, lo: float,
                                                              hi: float) -> None:
    """The example comparison the hint gives lies within what the attribute takes, and
    asking it leaves no finding on the attribute (not unused, not a constant comparison)."""
    import re

    body = HEADER + EVENTS + f"attributes:\n  n: {{dist: {law}}}\n"
    (found,) = [f for f in check(pactsim.loads(body)) if f.rule == "unused-attribute"]
    m = re.search(r"e\.g\. '(n >= (\S+))'", found.message)
    assert m is not None, found.message
    assert lo <= float(m.group(2)) <= hi
    asked = check(pactsim.loads(body + f"questions:\n  q: {m.group(1)}\n"))
    assert [f for f in asked if f.rule in ("unused-attribute", "constant-comparison")] == []
