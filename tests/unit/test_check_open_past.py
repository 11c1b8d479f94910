"""`pactsim check`'s ``open-past`` rule: news of a day that speaks of a dated node's date
but leaves open whether it had already happened by that day.

The chance is derived by hand from a signing curve that is linear in days: with
``F(d) = 0.8 * (d - as_of) / 364`` and soft news "signed by March 31" (ratio 10)
learnt on March 1, P(signed before March 1 | news) = 10 F(Feb 28) /
(10 F(Mar 31) + 1 - F(Mar 31)).
"""

from __future__ import annotations

import datetime as dt

import pytest

import pactsim
from pactsim.analysis.check import RULES, check

HEAD = ("pactsim: 2\nid: t\nas_of: 2025-01-01\nhorizon: 2025-12-31\n"
        "events:\n  us_win: {p: 0.5}\n"
        "signing:\n  by: {2025-12-31: 0.8}\n"
        "observations:\n")
SOFT = ("  - date: 2025-03-01\n    source: a ceremony announced for March\n"
        "    evidence: signing.date <= 2025-03-31\n    likelihood_ratio: 10\n")


def _f(day: dt.date) -> float:
    return 0.8 * (day - dt.date(2025, 1, 1)).days / 364


def _open(text: str) -> list[pactsim.analysis.check.CheckFinding]:
    return [f for f in check(pactsim.loads(text, name="n.yaml")) if f.rule == "open-past"]


def test_soft_news_of_a_date_that_leaves_the_past_open_is_found() -> None:
    assert "open-past" in RULES
    (found,) = _open(HEAD + SOFT)
    a, b = _f(dt.date(2025, 2, 28)), _f(dt.date(2025, 3, 31))
    want = 10 * a / (10 * b + 1 - b)
    assert f"P(signing before 2025-03-01) = {want:.3g} " in found.message
    assert (found.path, found.line, found.field) == ("n.yaml", 12, "observations[0].evidence")
    assert "not signing.date < 2025-03-01" in found.message  # the fix


@pytest.mark.parametrize("settles", [
    "not signing.date < 2025-03-01",      # not yet signed: the fix the message gives
    "signing.date < 2025-03-01",          # already signed
    "signing.date <= 2025-02-10",         # signed, and when
])
def test_news_that_settles_the_past_is_not_found(settles: str) -> None:
    hard = f"  - date: 2025-03-01\n    source: the same news\n    evidence: {settles}\n"
    assert _open(HEAD + hard + SOFT) == []


def test_news_learnt_later_does_not_settle_an_earlier_day() -> None:
    # the hard entry is dated a day after the soft one: on March 1 the past was open (and
    # the entry of March 2 settles its own past, so it is not found)
    hard = "  - date: 2025-03-02\n    source: later\n    evidence: not signing.date < 2025-03-02\n"
    (found,) = _open(HEAD + SOFT + hard)
    assert found.field == "observations[0].evidence"


def test_news_without_a_date_is_not_checked() -> None:
    news = "  - date: 2025-03-01\n    source: election\n    evidence: us_win\n"
    assert _open(HEAD + news) == []


@pytest.mark.parametrize("path", ["scenarios/variants/iran-russia-2024-news.yaml"])
def test_the_shipped_news_file_settles_its_past(path: str) -> None:
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    sc = pactsim.load(root / path)
    assert [f for f in check(sc) if f.rule == "open-past"] == []
    # without its entry saying nothing was signed from Jan 1 to 12, the rule fires
    kept = [o.model_dump(exclude_defaults=True) for o in sc.observations
            if o.evidence != "not signing.date <= 2025-01-12"]
    assert len(kept) == len(sc.observations) - 1
    found = [f for f in check(sc.with_changes(observations=kept)) if f.rule == "open-past"]
    assert len(found) == 1 and "signing.date" in found[0].message


@pytest.mark.parametrize(("delay", "words"), [(1, "at least 1 day,"), (30, "at least 30 days,")])
def test_never_in_time_counts_its_days_in_words(delay: int, words: str) -> None:
    # signing no earlier than the horizon's last day: a milestone after it cannot be in time
    text = ("pactsim: 2\nid: t\nas_of: 2025-01-01\nhorizon: 2025-12-31\n"
            "signing:\n  by: {2025-12-30: 0.0, 2025-12-31: 0.5}\n"
            f"events:\n  done: {{after: signing, delay: {delay}}}\n")
    found = [f for f in check(pactsim.loads(text)) if f.rule == "never-in-time"]
    assert len(found) == 1 and words in found[0].message, found


def test_soft_news_of_a_bare_dated_name_is_found_too() -> None:
    """`evidence: signing` (signed by the horizon, ratio 10) learnt on March 1 raises the
    days already past as well: P(signed before March 1 | news) = 10 F(Feb 28) /
    (10 F(Dec 31) + 1 - F(Dec 31)), with F(Dec 31) = 0.8."""
    soft = ("  - date: 2025-03-01\n    source: both sides say they will sign\n"
            "    evidence: signing\n    likelihood_ratio: 10\n")
    (found,) = _open(HEAD + soft)
    want = 10 * _f(dt.date(2025, 2, 28)) / (10 * 0.8 + 1 - 0.8)
    assert f"speaks of signing but leaves open whether signing had already happened " \
           f"before that day (P(signing before 2025-03-01) = {want:.3g} " in found.message
    hard = ("  - date: 2025-03-01\n    source: not yet\n"
            "    evidence: not signing.date < 2025-03-01\n")
    assert _open(HEAD + hard + soft) == []


def test_news_that_cannot_all_hold_is_a_finding_at_its_day() -> None:
    """Signed by January 15, then learnt on March 1 that it was not signed by February 1:
    no forecast can be made (run refuses the file); check said only that it skipped
    open-past there, and exited 0."""
    first = ("  - date: 2025-02-01\n    source: a\n    evidence: signing.date <= 2025-01-15\n")
    later = ("  - date: 2025-03-01\n    source: b\n    evidence: signing.date > 2025-02-01\n")
    found = check(pactsim.loads(HEAD + first + later, name="n.yaml"))
    (bad,) = [f for f in found if f.rule == "impossible-news"]
    assert (bad.line, bad.field) == (15, "observations[1].evidence")
    assert bad.message.startswith("the news to 2025-03-01 cannot all hold in this scenario")
    assert "impossible-news" in RULES
    assert not [f for f in found if f.rule in ("exact-skipped", "open-past")]
    assert not [f for f in check(pactsim.loads(HEAD + first, name="n.yaml"))
                if f.rule == "impossible-news"]
