"""One mistake, one message: a malformed ``after`` or a categorical parent of a table of
curves is reported once, without follow-ups that call the node undated or its table
keys not true/false (a first-time analyst got four false ones for each)."""

from __future__ import annotations

import pytest

import pactsim
from pactsim.errors import ScenarioError

HEAD = "pactsim: 3\nid: x\nas_of: 2025-02-10\nhorizon: 2025-12-31\n"
BODY = """\
signing: {{by: {{2025-04-30: 0.5, 2025-12-31: 0.8}}}}
events:
  ra: {{after: signing, delay: 30}}
  rb: {{after: signing, delay: 60}}
  in_force:
    after: {after}
    delay: 30
  fund:
    after: in_force
    delay: 10
questions:
  by_2025: in_force.date <= 2025-12-31
  days: in_force.date - signing.date
"""


def _problems(text: str) -> list[str]:
    with pytest.raises(ScenarioError) as caught:
        pactsim.loads(text, name="f.yaml")
    return [str(p) for p in caught.value.problems]


@pytest.mark.parametrize(("after", "said"), [
    ("[ra, rb]", "is not an anchor: write a dated node's name"),
    ("{all: ra}", "all: must be a non-empty list of names of dated nodes"),
    ("{both: [ra, rb]}", "is not an anchor"),
    ("{at_least: 3, of: [ra, rb]}", "must be a whole number from 1 to 2"),
])
def test_a_malformed_after_is_reported_once(after: str, said: str) -> None:
    problems = _problems(HEAD + BODY.format(after=after))
    assert len(problems) == 1, problems
    assert "events.in_force.after" in problems[0] and said in problems[0]


def test_the_same_file_with_a_good_after_is_valid() -> None:
    sc = pactsim.loads(HEAD + BODY.format(after="{all: [ra, rb]}"))
    assert "in_force" in sc.dated_names


CURVES = HEAD + """\
signing: {by: {2025-04-30: 0.5, 2025-12-31: 0.8}}
events:
  legal_form:
    levels: {framework: 0.6, full_agreement: 0.4}
    requires: [signing]
  talks:
    given: [legal_form]
    table:
      absent: {by: {2025-12-31: 0.3}}
      framework: {by: {2025-06-30: 0.4, 2025-12-31: 0.6}}
      full_agreement: {by: {2025-06-30: 0.6, 2025-12-31: 0.9}}
"""


def test_a_categorical_parent_of_a_table_of_curves_is_reported_once() -> None:
    problems = _problems(CURVES)
    assert len(problems) == 1, problems
    assert "'legal_form' is categorical; a table of curves conditions on true/false" \
        in problems[0]
