"""Review (new user) item 4 and its nit: `pactsim check` names the gates a never-true
node inherits (a clause its pillar's, a pillar signing) when those, not its own, make it
impossible; and a milestone whose fixed delay ends past the horizon gets `never-in-time`
alone, not also a `never-true` that blamed its probability (its p is 0.9).

The scenario is the reviewer's /tmp/nu/my/lint.yaml, trimmed; each "why" below is
derived by hand from the gates written in it.
"""

from __future__ import annotations

import pytest

import pactsim
from pactsim.analysis.check import check

LINT = """\
pactsim: 2
id: uk-india-fta
as_of: 2025-01-15
horizon: 2026-06-30
events:
  visa_row: {p: 0.3}
  ratified_uk:
    after: signing
    delay: 600
    p: 0.9
signing:
  by: {2025-06-30: 0.3, 2025-12-31: 0.6, 2026-06-30: 0.75}
pillars:
  goods:
    p: 0.95
    clauses:
      whisky_tariffs: {p: 0}
  services:
    p: 0.6
    excludes: [visa_row]
    clauses:
      mobility: {p: 0.5, requires: [visa_row]}
"""
HEAD = ("pactsim: 2\nid: t\nas_of: 2025-01-01\nhorizon: 2025-12-31\n"
        "signing:\n  by: {2025-06-30: 0.5}\n")


def _never_true(text: str) -> dict[str, str]:
    return {f.field: f.message for f in check(pactsim.loads(text)) if f.rule == "never-true"}


def test_a_clause_blocked_by_its_pillar_names_the_pillars_gate() -> None:
    found = _never_true(LINT)
    assert found["pillars.services.clauses.mobility"] == (
        "'mobility' can never be true (P = 0): its requires/excludes and those it inherits "
        "can never all hold at once (requires: visa_row; excludes: -; its pillar 'services' "
        "excludes visa_row)")


@pytest.mark.parametrize(("body", "field", "why"), [
    # a excludes signing and c requires a; c's pillar needs signing: only signing is named
    ("events:\n  a: {p: 0.5, excludes: [signing]}\n  b: {p: 0.5}\npillars:\n  pp:\n"
     "    p: 0.5\n    requires: [b]\n    clauses:\n      c: {p: 0.5, requires: [a]}\n",
     "pillars.pp.clauses.c",
     "its requires/excludes and those it inherits can never all hold at once "
     "(requires: a; excludes: -; its pillar 'pp' requires signing)"),
    # a pillar that excludes signing, which every pillar needs
    ("events:\n  a: {p: 0.5}\npillars:\n  pp:\n    p: 0.5\n    requires: [a]\n"
     "    excludes: [signing]\n",
     "pillars.pp",
     "its requires/excludes and those it inherits can never all hold at once "
     "(requires: a; excludes: signing; as a pillar it requires signing)"),
    # every gate can hold; the pillar's own chance is 0 where a is true
    ("events:\n  a: {p: 0.5}\npillars:\n  pp:\n    given: [a]\n    table: {true: 0, false: 0.5}\n"
     "    clauses:\n      c: {p: 0.5, requires: [a]}\n",
     "pillars.pp.clauses.c",
     "its pillar 'pp' can never be true where its requires/excludes hold "
     "(requires: a; excludes: -)"),
    # its gate can hold: its p of 0 is the reason, not its requires
    ("events:\n  a: {p: 0.5}\n  b: {p: 0, requires: [a]}\n", "events.b",
     "its probability is 0 wherever it can be drawn"),
    # its own gates cannot hold (c requires b, which requires a, and excludes a): as before
    ("events:\n  a: {p: 0.5}\n  b: {p: 0.5, requires: [a]}\n"
     "  c: {p: 0.5, requires: [b], excludes: [a]}\n", "events.c",
     "its requires/excludes can never all hold at once (requires: b; excludes: a)"),
])
def test_the_reason_given_is_the_one_that_holds(body: str, field: str, why: str) -> None:
    found = _never_true(HEAD + body)
    assert found[field] == f"'{field.split('.')[-1]}' can never be true (P = 0): {why}"


def test_a_milestone_too_late_is_never_in_time_only() -> None:
    findings = [(f.rule, f.field) for f in check(pactsim.loads(LINT))
                if f.field == "events.ratified_uk"]
    # signing's earliest day is 2025-01-16; 600 days later is 2026-09-08, past the horizon
    assert findings == [("never-in-time", "events.ratified_uk")]
    late = [f for f in check(pactsim.loads(LINT)) if f.rule == "never-in-time"]
    assert "2026-09-08 at the earliest" in late[0].message
    # and whisky_tariffs (p: 0, not dated) is still never-true, for its probability
    assert _never_true(LINT)["pillars.goods.clauses.whisky_tariffs"].endswith(
        "its probability is 0 wherever it can be drawn")
