"""``look-ahead``: a dated node's timing that reads a dated node which can happen after
it. The effect it warns of is checked by hand: with a dated key, a signing in March
moves as much for talks that open in November as for talks in February."""

from __future__ import annotations

import pytest

import pactsim
from pactsim.analysis.check import check

HEAD = "pactsim: 2\nid: t\nas_of: 2025-01-01\nhorizon: 2025-12-31\n"


def _found(body: str) -> list[tuple[str, str, str]]:
    return [(f.rule, f.field, f.message) for f in check(pactsim.loads(HEAD + body))
            if f.rule == "look-ahead"]


def test_a_dated_hazard_ratio_key_is_flagged_at_its_key() -> None:
    body = ("events:\n  talks: {by: {2025-12-31: 0.6}}\n"
            "signing: {by: {2025-12-31: 0.5}, hazard_ratio: {talks: 2}}\n")
    (_, field, message), = _found(body)
    assert field == "signing.hazard_ratio.talks"
    assert "'talks' counts as whether it happens by the horizon" in message
    # what it means, exactly: P(signed by March | talks) is the same for talks in
    # February and in November; by hand, (1 - F(Mar 31))^2 with F(Mar 31) = 0.5 * 89/364
    ex = pactsim.exact(pactsim.loads(HEAD + body))
    q = "signing.date <= 2025-03-31"
    early = ex.prob(q, given="talks.date <= 2025-02-28").value
    late = ex.prob(q, given="talks.date >= 2025-11-01").value
    f = 0.5 * 89 / 364
    assert early == pytest.approx(late, abs=1e-12) == pytest.approx(1 - (1 - f) ** 2)


def test_a_condition_on_a_date_in_a_table_of_curves_is_flagged() -> None:
    body = ("events:\n  talks: {by: {2025-12-31: 0.6}}\n"
            "  deal:\n    given: ['talks.date <= 2025-03-01']\n    table:\n"
            "      true: {by: {2025-12-31: 0.8}}\n      false: {by: {2025-12-31: 0.4}}\n")
    (_, field, message), = _found(body)
    assert field == "events.deal.given[0]"
    assert "'talks.date <= 2025-03-01' depends on when talks happens" in message


def test_a_milestone_reading_a_later_node_is_flagged_one_reading_its_anchor_is_not() -> None:
    body = ("signing: {by: {2025-12-31: 0.7}}\nevents:\n  talks: {by: {2025-12-31: 0.6}}\n"
            "  ratified:\n    after: signing\n    delay: {median: 60, p90: 120}\n"
            "    hazard_ratio: {signing: 0.8, talks: 1.5}\n")
    found = _found(body)
    assert [f for _, f, _ in found] == ["events.ratified.hazard_ratio.talks"]


def test_undated_keys_and_the_flagship_are_clean() -> None:
    body = ("events:\n  news: {p: 0.4}\n"
            "signing: {by: {2025-12-31: 0.5}, hazard_ratio: {news: 2}}\n")
    assert _found(body) == []
    flagship = pactsim.load("scenarios/iran-russia-2024.yaml")
    assert [f for f in check(flagship) if f.rule == "look-ahead"] == []


def test_a_constant_question_over_a_curve_that_ends_early_says_why() -> None:
    body = ("events:\n  talks: {by: {2025-06-30: 0.5}}\n"
            "questions:\n  late: talks.date > 2025-07-01\n")
    found = [f for f in check(pactsim.loads(HEAD + body)) if f.rule == "constant-question"]
    assert len(found) == 1
    assert found[0].message == (
        "question 'late' is always false (the curve of talks ends at 2025-06-30: it cannot "
        "happen after that, and one minus the last value is the chance it does not happen "
        "by the horizon)")


def test_no_look_ahead_through_any_anchors_or_for_dates_settled_at_as_of() -> None:
    """A milestone after any of two ratifications, both after the signing, always follows
    the signing; a condition on a date before as_of reads nothing ahead. (A review found
    both flagged.)"""
    body = ("signing: {by: {2025-06-30: 0.5, 2025-12-31: 0.8}}\nevents:\n"
            "  talks: {by: {2025-12-31: 0.5}}\n"
            "  ra: {after: signing, delay: 30}\n  rb: {after: signing, delay: 60}\n"
            "  enter:\n    after: {any: [ra, rb]}\n    delay: {between: [5, 40]}\n"
            "    hazard_ratio: {'signing.date <= 2025-03-01': 2, ra: 1.5}\n"
            "  early:\n    by: {2025-12-31: 0.5}\n"
            "    hazard_ratio: {'talks.date <= 2024-12-01': 2}\n")
    found = _found(body)
    # ra is an anchor of `any`: rb may come first and enter before ra, so ra is read ahead
    assert [f for _, f, _ in found] == ["events.enter.hazard_ratio.ra"]


def test_the_curve_end_is_not_given_as_the_reason_of_another_constant() -> None:
    body = ("events:\n  talks: {by: {2025-06-30: 0.5}}\n  never: {p: 0}\n"
            "questions:\n  q: talks.date <= 2025-03-01 and never\n")
    found = [f for f in check(pactsim.loads(HEAD + body)) if f.rule == "constant-question"]
    assert [f.message for f in found] == ["question 'q' is always false"]


def test_at_least_all_of_them_is_all_of_them() -> None:
    body = ("signing: {by: {2025-12-31: 0.6}}\nevents:\n"
            "  d: {after: signing, delay: {median: 30, p90: 90}}\n"
            "  e: {after: signing, delay: {median: 30, p90: 90}}\n"
            "  n2: {after: {at_least: 2, of: [d, e]}, delay: {median: 5, p90: 9},\n"
            "       hazard_ratio: {d: 2}}\n"
            "  n1: {after: {at_least: 1, of: [d, e]}, delay: {median: 5, p90: 9},\n"
            "       hazard_ratio: {d: 2}}\n")
    assert [f for _, f, _ in _found(body)] == ["events.n1.hazard_ratio.d"]


# a milestone's chance of happening (odds, given, requires, excludes) reads ahead too
_CHANCE = ("signing: {by: {2025-03-31: 1.0}}\nevents:\n"
           "  escalation: {by: {2025-12-31: 0.5}}\n"
           "  ratified_ru: {after: signing, delay: {median: 100, p90: 200}}\n"
           "  ratified_ir:\n    after: signing\n    delay: 10\n    p: 0.5\n"
           "    odds: {escalation: 3, 'escalation.date < signing.date': 0.8}\n"
           "    requires: [ratified_ru, signing]\n")


def test_a_milestones_chance_reading_a_later_node_is_flagged_at_its_key() -> None:
    found = _found(_CHANCE)
    assert [f for _, f, _ in found] == ["events.ratified_ir.odds.escalation",
                                        "events.ratified_ir.requires[0]"]
    _, _, message = found[0]
    assert message.startswith("the chance of 'ratified_ir' reads the dated node 'escalation'")
    assert "'escalation.date < signing.date' (settled on that day)" in message
    assert "settled on that day" not in found[1][2]  # ratified_ru follows the signing
    # what it means, exactly: an escalation in November raises the chance of a
    # ratification in April as much as one in February: odds 3 on 0.5 is 0.75 either
    # way (the gates and the condition dropped to read the odds alone)
    sc = pactsim.loads(HEAD + _CHANCE.replace("    requires: [ratified_ru, signing]\n", "")
                       .replace(", 'escalation.date < signing.date': 0.8", ""))
    ex = pactsim.exact(sc)
    q = "ratified_ir.date <= 2025-04-30"
    early = ex.prob(q, given="escalation.date <= 2025-01-31").value
    late = ex.prob(q, given="escalation.date >= 2025-11-01").value
    assert early == pytest.approx(0.75, abs=1e-12) and late == pytest.approx(0.75, abs=1e-12)
    assert ex.prob(q, given="not escalation").value == pytest.approx(0.5, abs=1e-12)


def test_a_condition_settled_on_an_anchors_day_is_not_flagged() -> None:
    body = ("signing: {by: {2025-06-30: 0.5}}\nevents:\n"
            "  escalation: {by: {2025-12-31: 0.5}}\n"
            "  ratified:\n    after: signing\n    delay: {median: 60, p90: 120}\n"
            "    odds: {'escalation.date < signing.date': 0.8}\n"
            "    hazard_ratio: {'signing.date > escalation.date': 1.5}\n"
            "    given: ['escalation.date <= signing.date']\n"
            "    table: {true: 0.5, false: 0.9}\n")
    assert _found(body) == []
    later = body.replace("'escalation.date < signing.date'", "'escalation.date > signing.date'")
    assert [f for _, f, _ in _found(later)] == [
        "events.ratified.odds.escalation.date > signing.date"]
