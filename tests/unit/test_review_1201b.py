"""Review of fffef77..3ede389: gaps found in the new ``open-past`` rule, ``news_to`` and
``Scenario.model_copy``. The bugs it found are fixed; the tests keep them fixed.

The references are independent of the code under review: the chance that the rule
speaks of is asked of exact inference directly, and the stale value of a subclass's
cache is compared with the value computed afresh from the copy's own fields.
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path

import pytest

import pactsim
from pactsim.analysis.check import check
from pactsim.language.scenario import Scenario
from pactsim.views.display import news_to

ROOT = Path(__file__).resolve().parents[2]
NEWS = ROOT / "scenarios" / "variants" / "iran-russia-2024-news.yaml"

HEAD = ("pactsim: 2\nid: t\nas_of: 2025-01-01\nhorizon: 2025-12-31\n"
        "signing:\n  by: {2025-12-31: 0.8}\n"
        "questions:\n  soon: signing.date <= 2025-03-31\n"
        "observations:\n")


def _soft(evidence: str) -> str:
    return (f"  - date: 2025-03-01\n    source: a ceremony announced for March\n"
            f"    evidence: {evidence}\n    likelihood_ratio: 10\n")


def _open_past(sc: pactsim.Scenario) -> list[str]:
    return [f.field or "" for f in check(sc) if f.rule == "open-past"]


def test_the_rule_fires_on_the_expression_written_out() -> None:
    # the control for the next test: the same news, written with signing.date
    sc = pactsim.loads(HEAD + _soft("signing.date <= 2025-03-31"), name="n.yaml")
    past = pactsim.exact(sc).prob("signing.date < 2025-03-01").value
    assert 0.3 < past < 0.7  # open: about 0.46 (10 F(Feb 28) / (10 F(Mar 31) + 1 - F))
    assert _open_past(sc) == ["observations[0].evidence"]


def test_the_rule_sees_a_date_through_a_question_name() -> None:
    sc = pactsim.loads(HEAD + _soft("soon"), name="n.yaml")
    # the news leaves the past just as open as the expression written out does
    same = pactsim.loads(HEAD + _soft("signing.date <= 2025-03-31"), name="n.yaml")
    past = pactsim.exact(sc).prob("signing.date < 2025-03-01").value
    assert past == pytest.approx(pactsim.exact(same).prob("signing.date < 2025-03-01").value,
                                 abs=1e-12)
    assert 0.3 < past < 0.7
    assert _open_past(sc) == ["observations[0].evidence"]


WIDE = ("pactsim: 2\nid: w\nas_of: 2025-01-01\nhorizon: 2025-12-31\nevents:\n"
        + "".join(f"  r{i}: {{p: 0.5}}\n" for i in range(30))
        + "signing:\n  by: {2025-12-31: 0.8}\n"
        "questions:\n  q: signing.date <= 2025-06-30\nobservations:\n")


def test_news_exact_inference_cannot_take_is_reported_as_skipped() -> None:
    names = ", ".join(f"r{i}" for i in range(30))
    sc = pactsim.loads(WIDE + _soft(f"any({names}) and signing.date <= 2025-03-31"),
                       name="w.yaml")
    with pytest.raises(pactsim.errors.ModelTooWideError):
        pactsim.exact(sc)  # the file's own news is too wide for exact inference
    found = [(f.rule, f.field) for f in check(sc)]
    assert ("exact-skipped", "observations[0].evidence") in found \
        or ("open-past", "observations[0].evidence") in found


def test_news_to_is_the_same_for_exact_and_monte_carlo_given_dated_findings() -> None:
    sc = pactsim.load(NEWS)
    found = list(sc.findings("2025-01-01"))  # the first two observations, dated
    assert [f.date.isoformat() for f in found] == ["2024-11-06", "2025-01-01"]
    ex = pactsim.exact(sc, observations=False, evidence=found)
    mc = pactsim.simulate(sc, n=2_000, seed=1, observations=False, evidence=found)
    assert news_to(ex) == news_to(mc)


def test_undated_evidence_is_not_read_back_as_the_files_news() -> None:
    sc = pactsim.loads("pactsim: 2\nid: t\nas_of: 2024-11-05\nhorizon: 2025-12-31\n"
                       "events:\n  win: {p: 0.5}\nsigning:\n  by: {2025-12-31: 0.8}\n"
                       "  hazard_ratio: {win: 1.2}\nquestions:\n  q: signing.date <= 2025-03-31\n"
                       "observations:\n  - {date: 2024-12-01, source: election, evidence: win}\n")
    ex = pactsim.exact(sc, observations=False, evidence="win")
    mc = pactsim.simulate(sc, n=2_000, seed=1, observations=False, evidence="win")
    assert news_to(ex) is None  # evidence without a date: no news date
    assert news_to(mc) is None


class _Counted(Scenario):
    """A subclass with a cache of its own (functools.cached_property)."""

    @cached_property
    def n_events(self) -> int:
        return len(self.events)


def test_a_subclass_copy_drops_its_own_caches() -> None:
    base = pactsim.loads("pactsim: 1\nid: t\nas_of: 2025-01-01\nhorizon: 2025-12-31\n"
                         "events:\n  a: {p: 0.5}\n  b: {p: 0.5}\n  c: {p: 0.5}\n")
    sub = _Counted.model_validate(base.model_dump())
    assert sub.n_events == 3  # cached
    copy = sub.model_copy(update={"events": {"a": base.events["a"]}})
    assert len(copy.events) == 1
    assert copy.n_events == 1
