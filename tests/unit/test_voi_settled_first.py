"""What to watch leaves out the nodes known only once the question is settled.

The value of information is what learning X *before the question resolves* is worth.
A node that follows every dated node the question reads (it requires them, through
its pillar or its anchors after all of them) is known only after they have happened:
for a question on the signing date, the text and the ratifications; for one on a
ratification, entry into force after both. So is the last dated node the question reads,
when no gate or table can make it impossible earlier (whether it happens by the horizon
is known on its day or at the horizon). An undated node drawn given the signing is kept:
``given`` orders nothing in time. Such rows are left out and a note names them; the rows
kept are checked against P(Q | X) by hand.
"""

from __future__ import annotations

import pytest

import pactsim

SC = """\
pactsim: 2
id: voi-after
as_of: 2025-01-01
horizon: 2025-12-31
events:
  crisis: {p: 0.4}
  ratified_a: {after: signing, delay: 60}
  ratified_b: {after: signing, delay: 90, p: 0.5}
  in_force: {after: {all: [ratified_a, ratified_b]}, delay: 30}
pillars:
  military:
    p: 0.6
    clauses:
      drones: {p: 0.5}
signing:
  by: {2025-03-31: 0.3, 2025-12-31: 0.6}
  hazard_ratio: {crisis: 2}
questions:
  early: signing.date <= 2025-03-31
  ra_by_june: ratified_a.date <= 2025-06-30
  both: ratified_a and ratified_b
"""


def _voi(q: str) -> tuple[pactsim.analysis.sensitivity.Sensitivity, list[str]]:
    s = pactsim.sensitivity(pactsim.loads(SC), q)
    return s, list(s.voi.node)


def test_a_signing_date_question_watches_the_world_not_the_text() -> None:
    s, rows = _voi("early")
    # signing itself: whether it happens by the horizon is known on its day (when the
    # question is settled) or at the horizon (after 2025-03-31)
    assert rows == ["crisis"]
    (note,) = [n for n in s.notes if "known only once" in n]
    assert note == ("not in what to watch: ratified_a, ratified_b, in_force, "
                    "military, drones (known only once signing has happened or no longer "
                    "can, when the question is settled)")
    assert "not in what to watch: signing (the question's own event: learnt on its day, " \
        "or at the horizon, when the question is settled)" in s.notes
    # crisis: S(t)^h with S(2025-03-31) = 0.7, h = 2 if crisis
    q_if, q_not = 1 - 0.7 ** 2, 0.3
    r = s.voi.set_index("node").loc["crisis"]
    assert (r.q_if_true, r.q_if_false) == (pytest.approx(q_if), pytest.approx(q_not))
    assert s.base == pytest.approx(0.4 * q_if + 0.6 * q_not)


def test_a_ratification_question_keeps_the_text_and_drops_entry_into_force() -> None:
    _s, rows = _voi("ra_by_june")
    assert "in_force" not in rows and {"military", "drones", "ratified_b", "crisis"} <= set(rows)
    assert "ratified_a" not in rows  # by the horizon: known on its day or after June


def test_of_two_dates_read_the_later_is_left_out_and_the_earlier_kept() -> None:
    """``ratified_a`` follows the signing: on its day both dates are known and the
    question is settled. On the signing's day it is still open, so the signing stays."""
    s, rows = _voi("ratified_a.date - signing.date <= 61")
    assert "ratified_a" not in rows and "in_force" not in rows
    assert {"signing", "crisis", "ratified_b", "military"} <= set(rows)
    r = s.voi.set_index("node").loc["signing"]
    ex = pactsim.exact(pactsim.loads(SC))
    want = ex.prob("ratified_a.date - signing.date <= 61", given="signing").value
    # exact inference refuses some rows (three days at once), and answers this one: rows
    # are tried one by one, so a refusal no longer sends the signing to Monte Carlo
    assert r.method == "exact"
    assert r.q_if_true == pytest.approx(float(want), abs=1e-9)
    # the row refused (in_force) is left out of what to watch anyway: no note on it
    assert set(s.voi.method) == {"exact"}
    assert not any(n.startswith("what to watch: exact inference refused") for n in s.notes)


def test_an_undated_node_drawn_given_the_signing_is_kept() -> None:
    """``form`` is drawn given the signing alone, ``signer`` given ``form``: a ``given``
    orders nothing in time (a programme signed instead of the treaty may be seen before
    the question settles), so both are kept, with P(Q | X) from exact inference."""
    extra = ("  form: {given: [signing], table: {true: 0.9, false: 0.2}}\n"
             "  signer: {given: [form], table: {true: 0.7, false: 0.01}}\n")
    sc = pactsim.loads(SC.replace("events:\n", "events:\n" + extra))
    s = pactsim.sensitivity(sc, "early")
    rows = s.voi.set_index("node")
    assert {"form", "signer", "crisis"} <= set(rows.index) and "signing" not in rows.index
    ex = pactsim.exact(sc)
    for x in ("form", "signer"):
        want = ex.prob("signing.date <= 2025-03-31", given=x).value
        assert rows.loc[x, "q_if_true"] == pytest.approx(want, abs=1e-12)


def test_a_gated_last_node_is_kept() -> None:
    """``b`` follows ``a`` but excludes ``g``, which may happen early: b can be known
    impossible before the question settles, so the last-node rule does not drop it."""
    sc = pactsim.loads("pactsim: 2\nid: gate\nas_of: 2025-01-01\nhorizon: 2025-12-31\n"
                       "events:\n  a: {by: {2025-06-30: 0.5, 2025-12-31: 0.8}}\n"
                       "  g: {by: {2025-03-31: 0.5}}\n"
                       "  b: {after: a, delay: 30, excludes: [g]}\n"
                       "  c: {after: a, delay: 30}\n")
    kept = set(pactsim.sensitivity(sc, "a.date <= 2025-06-30 and b.date <= 2025-09-30").voi.node)
    assert "b" in kept
    ungated = set(pactsim.sensitivity(sc, "a.date <= 2025-06-30 and c.date <= 2025-09-30"
                                      ).voi.node)
    assert "c" not in ungated and "a" in ungated  # c, ungated and last, is left out


def test_a_question_on_two_dates_leaves_out_only_what_follows_both() -> None:
    _s, rows = _voi("both")  # in_force follows both ratifications
    assert "in_force" not in rows and {"military", "signing", "crisis"} <= set(rows)


def test_a_question_on_the_text_leaves_out_nothing() -> None:
    """The text is known at once: a clause is no later than its pillar (and the value of
    learning one is that of learning the text), so nothing is left out for it."""
    s, rows = _voi("military")
    assert not any("known only once" in n for n in s.notes)
    assert {"drones", "ratified_a", "signing", "crisis"} <= set(rows)


def test_a_question_reading_more_than_dates_and_text_leaves_out_nothing() -> None:
    """An event without a date is not settled by any date: nothing waits for it."""
    for q in ("crisis", "crisis or military", "early and crisis"):
        s, rows = _voi(q)
        assert not any("known only once" in n for n in s.notes), q
        assert {"ratified_a", "in_force"} <= set(rows), q


# found by the review of 2026-12-01: what the first rule (every gate a "follows", every
# question) dropped, though it can be learnt before the question resolves
REVIEWED = {
    # the question is still open after the signing (z is known at the horizon), and the
    # ratification, after the signing, says much about z
    "and": ("signing:\n  by: {2025-03-31: 0.3, 2025-06-30: 0.7, 2025-12-31: 0.9}\nevents:\n"
            "  ratified: {after: signing, delay: {median: 60, p90: 150}, p: 0.5}\n"
            "  z: {given: [ratified], table: {true: 0.95, false: 0.05}}\n",
            "signing.date <= 2025-06-30 and z", "ratified"),
    # an event that requires the signing is not the text: it may be learnt later
    "requires": ("signing:\n  by: {2025-03-31: 0.3, 2025-06-30: 0.7, 2025-12-31: 0.9}\n"
                 "events:\n  ratified: {after: signing, delay: {median: 60, p90: 150}, "
                 "p: 0.5}\n  relief: {given: [ratified], table: {true: 0.9, false: 0.1}, "
                 "requires: [signing]}\n", "relief", "ratified"),
    # requires orders nothing in time: x has its own date, often before a's
    "gate": ("events:\n  a: {by: {2025-03-31: 0.1, 2025-06-30: 0.4, 2025-12-31: 0.7}}\n"
             "  x: {by: {2025-02-28: 0.5, 2025-12-31: 0.8}, requires: [a]}\n"
             "  b: {by: {2025-02-28: 0.6, 2025-12-31: 0.8}}\n"
             "  m: {after: b, delay: {median: 10, p90: 30}, requires: [a]}\n",
             "a.date <= 2025-09-30", "x"),
}


@pytest.mark.parametrize("case", sorted(REVIEWED))
def test_what_can_be_learnt_first_is_kept(case: str) -> None:
    body, q, node = REVIEWED[case]
    sc = pactsim.loads("pactsim: 2\nid: r\nas_of: 2025-01-01\nhorizon: 2025-12-31\n" + body)
    s = pactsim.sensitivity(sc, q)
    assert node in set(s.voi.node), case
    assert not any("known only once" in n and f" {node}" in n for n in s.notes), case
    r = s.voi.set_index("node").loc[node]  # by its definition, from exact P(Q | X)
    ex = pactsim.exact(sc)
    assert r.q_if_true == pytest.approx(ex.prob(q, given=node).value, abs=1e-12)
