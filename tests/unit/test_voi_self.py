"""The value of information leaves out the rows that are the question itself.

Learning X when the question is X (or ``X == l`` when it is ``X == l``, or which
outcome a categorical X has when the question reads nothing but X) settles the
question: such a row only shows the largest value there is. The kept rows are
checked against answers derived by hand from the scenario's numbers.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pandas as pd
import pytest

import pactsim
from helpers import call

SELF = """\
pactsim: 3
id: voi-self
as_of: 2024-01-01
horizon: 2024-12-31
events:
  a: {p: 0.3}
  b:                     # b is a through the model's numbers, not by the question's wording
    given: [a]
    table: {true: 1, false: 0}
  c: {p: 0.6}
  x:
    given: [c]
    levels: [absent, generic, named]
    table:
      true: {absent: 0.2, generic: 0.3, named: 0.5}
      false: {absent: 0.5, generic: 0.3, named: 0.2}
signing:
  by: {2024-12-31: 0.5}
questions:
  named: x == named
  not_named: not named
  a_alone: a
"""

#: P(x == named), P(x == generic), P(x present): 0.6 * 0.5 + 0.4 * 0.2, 0.3, 1 - 0.32.
NAMED, GENERIC, PRESENT = 0.38, 0.3, 0.68


@pytest.fixture(scope="module")
def sc() -> pactsim.Scenario:
    return pactsim.loads(SELF)


def _rows(s: pactsim.Sensitivity) -> dict[str, pd.Series]:
    return {str(r.node): r for _, r in s.voi.iterrows()}


def _b_shown_as_a(s: pactsim.Sensitivity) -> None:
    """b is true in exactly the draws where a is (its table: 1 and 0): one row, a's."""
    assert "b" not in set(s.voi.node)
    assert "in what to watch once, as a: b (true in exactly the same draws as a)" in s.notes


def _check(row: pd.Series, px: float, q1: float, q0: float) -> None:
    assert (row.p_node, row.q_if_true, row.q_if_false) == pytest.approx((px, q1, q0),
                                                                        abs=1e-12), row.node


@pytest.mark.parametrize("question", ["x == named", "x=named", "named", "not_named",
                                      "x != named", "in(x, named)"])
def test_an_outcome_question_leaves_out_its_outcome_and_which_outcome(
        sc: pactsim.Scenario, question: str) -> None:
    s = pactsim.sensitivity(sc, question)
    rows = _rows(s)
    assert "x == named" not in rows and "x: which outcome" not in rows
    # the other rows of x stay, with their hand-derived answers
    q = NAMED if "not" not in question and "!=" not in question else 1 - NAMED
    assert s.base == pytest.approx(q, abs=1e-12)
    yes = q == NAMED
    _check(rows["x"], PRESENT, NAMED / PRESENT if yes else 1 - NAMED / PRESENT,
           0.0 if yes else 1.0)
    _check(rows["x == generic"], GENERIC, 0.0 if yes else 1.0,
           NAMED / (1 - GENERIC) if yes else 1 - NAMED / (1 - GENERIC))
    _check(rows["c"], 0.6, *((0.5, 0.2) if yes else (1 - 0.5, 1 - 0.2)))  # P(named | c)
    _check(rows["a"], 0.3, q, q)  # independent of x: kept, worth nothing
    assert {"a", "c", "signing"} <= set(rows)
    _b_shown_as_a(s)
    assert any("not in what to watch: x == named, x: which outcome" in n for n in s.notes)


@pytest.mark.parametrize("question", ["a", "not a", "a_alone", "a or a", "count(a) >= 1"])
def test_a_binary_question_leaves_out_its_node_only(sc: pactsim.Scenario,
                                                    question: str) -> None:
    s = pactsim.sensitivity(sc, question)
    rows = _rows(s)
    assert "a" not in rows
    yes = not question.startswith("not")
    # b equals a only through its table: it is another node, and stays (1 and 0 exactly)
    _check(rows["b"], 0.3, 1.0 if yes else 0.0, 0.0 if yes else 1.0)
    assert {"b", "c", "x", "x == generic", "x == named", "x: which outcome",
            "signing"} <= set(rows)
    assert any(n.startswith("not in what to watch: a (") for n in s.notes)


def test_a_categorical_node_as_the_question_keeps_its_outcome_rows(
        sc: pactsim.Scenario) -> None:
    s = pactsim.sensitivity(sc, "x")  # x present: generic or named
    rows = _rows(s)
    assert "x" not in rows and "x: which outcome" not in rows
    _check(rows["x == generic"], GENERIC, 1.0, NAMED / (1 - GENERIC))
    _check(rows["x == named"], NAMED, 1.0, GENERIC / (1 - NAMED))


@pytest.mark.parametrize("question", ["x == named or c", "a and b"])
def test_nothing_is_left_out_when_no_row_is_the_question(sc: pactsim.Scenario,
                                                         question: str) -> None:
    s = pactsim.sensitivity(sc, question)
    assert {"a", "c", "x", "x == generic", "x == named", "x: which outcome",
            "signing"} <= set(s.voi.node)
    _b_shown_as_a(s)
    assert not any("not in what to watch" in n for n in s.notes)


def test_signing_is_left_out_of_a_question_on_its_date(sc: pactsim.Scenario) -> None:
    """Whether it is signed by the horizon is learnt on the signing day, when the
    question on its date is settled, or at the horizon, after the question's day: it
    cannot be learnt first. The rest are kept, with their hand-derived answers."""
    s = pactsim.sensitivity(sc, "signing.date <= 2024-06-30")
    rows = _rows(s)
    assert "signing" not in rows
    assert {"a", "c", "x", "x == generic", "x == named", "x: which outcome"} <= set(rows)
    _b_shown_as_a(s)
    (note,) = [n for n in s.notes if "not in what to watch" in n]
    assert note.startswith("not in what to watch: signing (the question's own event: "
                           "learnt on its day")
    # the signing curve rises linearly from as_of to 0.5 at the horizon, and nothing
    # else moves it: every kept row is worth nothing
    frac = ((pd.Timestamp("2024-06-30") - pd.Timestamp("2024-01-01")).days
            / (pd.Timestamp("2024-12-31") - pd.Timestamp("2024-01-01")).days)
    assert s.base == pytest.approx(0.5 * frac, abs=1e-12)
    _check(rows["a"], 0.3, 0.5 * frac, 0.5 * frac)


def test_monte_carlo_leaves_out_the_same_rows(sc: pactsim.Scenario) -> None:
    n = 20_000
    s = pactsim.sensitivity(sc, "x == named", method="mc", n=n, seed=11)
    rows = _rows(s)
    assert set(s.voi.method) == {"mc"}
    assert set(rows) == set(pactsim.sensitivity(sc, "x == named").voi.node)
    row = rows["x"]
    assert abs(row.p_node - PRESENT) < 5 * math.sqrt(PRESENT * (1 - PRESENT) / n)
    want = NAMED / PRESENT
    assert abs(row.q_if_true - want) < 5 * math.sqrt(want * (1 - want) / (PRESENT * n))
    assert row.q_if_false == 0.0


def test_the_cli_agrees_with_the_api(sc: pactsim.Scenario, tmp_path: Path,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "self.yaml"
    path.write_text(SELF)
    api = pactsim.sensitivity(sc, "x=named")
    code, out, err = call(capsys, "sensitivity", path, "-q", "x=named", "--format", "json")
    assert code == 0, err
    data = json.loads(out)
    assert [r["node"] for r in data["voi"]] == list(api.voi.node)
    assert data["notes"] == list(api.notes)
    code, out, err = call(capsys, "sensitivity", path, "-q", "x=named", "--top", "50")
    assert code == 0, err
    table = out[out.index("What to watch"):].splitlines()[2:]
    assert [line.split("  ")[1].strip() for line in table] == list(api.voi.node)
    assert "note: not in what to watch: x == named, x: which outcome" in out


@pytest.mark.parametrize("question", ["signing.date <= 2024-12-31", "2024-12-31 >= signing.date",
                                      "signing.date >= 2024-01-01",
                                      "signing.date <= 2024-12-31 or signing.date < 2024-02-01"])
def test_a_date_question_that_is_its_node_leaves_out_the_node(sc: pactsim.Scenario,
                                                              question: str) -> None:
    """A dated node's date is there exactly when it happened by the horizon, so
    ``signing.date <= horizon`` (or ``>= as_of``) is ``signing``: learning whether it
    is signed settles it, as it does not for a day before the horizon."""
    s = pactsim.sensitivity(sc, question)
    rows = _rows(s)
    assert s.base == pytest.approx(0.5, abs=1e-12)  # the curve's 0.5 by the horizon
    assert "signing" not in rows
    assert {"a", "c", "x"} <= set(rows)
    _b_shown_as_a(s)
    assert any(n.startswith("not in what to watch: signing (") for n in s.notes)


@pytest.mark.parametrize("question", ["signing.date <= 2024-12-30", "signing.date == 2024-12-31",
                                      "signing.date > 2024-03-01"])
def test_a_date_question_the_day_matters_to_leaves_out_the_node_as_known_too_late(
        sc: pactsim.Scenario, question: str) -> None:
    """Not the question itself (the day matters), but known only once it is settled."""
    s = pactsim.sensitivity(sc, question)
    assert "signing" not in set(s.voi.node)
    (note,) = [n for n in s.notes if "not in what to watch" in n]
    assert note.startswith("not in what to watch: signing (the question's own event: "
                           "learnt on its day")
