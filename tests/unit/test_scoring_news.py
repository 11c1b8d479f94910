"""A file with ``observations:`` is scored item by item with the forecast that stood
before the item resolved, not with the forecast after its news (which may be the
outcome itself). Every number here is derived by hand."""

from __future__ import annotations

import datetime as dt
import math

import pytest

import pactsim
from helpers import call
from pactsim.analysis.scoring import score
from pactsim.language.resolutions import loads_resolutions

# P(a) = 0.3; P(b | a) = 0.8, P(b | not a) = 0.2; signing F(d) linear to 0.5 by 2025-12-31
SCENARIO = """\
pactsim: 2
id: news
as_of: 2025-01-01
horizon: 2025-12-31
signing: {by: {2025-12-31: 0.5}}
events:
  a: {p: 0.3}
  b: {given: [a], table: {true: 0.8, false: 0.2}}
observations:
  - {date: 2025-03-01, source: wire, evidence: a}
  - {date: 2025-05-01, source: wire, evidence: "signing.date == 2025-05-01"}
"""
RESOLUTIONS = """\
resolutions: 1
scenario: news
sources: {s: a paper}
outcomes:
  a: {outcome: true, resolved: 2025-03-01, source: s}
  b: {outcome: true, resolved: 2025-06-01, source: s}
  signing: {outcome: 2025-05-01, resolved: 2025-05-01, source: s}
"""
P_A, P_B_GIVEN_A = 0.3, 0.8
DAYS = (dt.date(2025, 12, 31) - dt.date(2025, 1, 1)).days  # 364 days after as_of
P_SIGNING_DAY = 0.5 / DAYS  # the curve's mass on each day
P_SIGNED = 0.5


@pytest.mark.parametrize("method", ["exact", "montecarlo"])
def test_each_item_is_scored_before_its_news(method: str) -> None:
    card = score(pactsim.loads(SCENARIO), loads_resolutions(RESOLUTIONS), method=method,
                 n=400_000, seed=3)
    it = card.items.set_index("item")
    # a: the news "a" came the day a resolved; the forecast before it is the priors
    a = it.loc["a"]
    assert a.news_to is None
    assert a.p == pytest.approx(P_A, abs=4 * math.sqrt(P_A * (1 - P_A) / 400_000) + 1e-12)
    assert a.brier == pytest.approx((1 - a.p) ** 2)
    # b resolved after both observations: P(b | a, the signing day), and the signing
    # says nothing about b: P(b | a)
    b = it.loc["b"]
    assert b.news_to == dt.date(2025, 5, 1)
    tol = 0 if method == "exact" else 4 * math.sqrt(0.16 / (400_000 * P_A))
    assert b.p == pytest.approx(P_B_GIVEN_A, abs=tol + 1e-12)
    # the signing resolved with its own news: scored with what stood before (news of a,
    # which says nothing about the signing): the stated curve
    s = it.loc["signing.date"]
    assert s.news_to == dt.date(2025, 3, 1)
    assert s.p_day == pytest.approx(P_SIGNING_DAY, rel=0.1 if method == "montecarlo" else 1e-9)
    assert it.loc["signing", "p"] == pytest.approx(P_SIGNED, abs=0.005)


def test_a_file_scored_with_its_news_would_have_foreseen_the_outcome() -> None:
    """What this guards against: the forecast after all the news knows the outcomes."""
    ex = pactsim.exact(pactsim.loads(SCENARIO))  # conditioned on every observation
    assert ex.prob("a").value == pytest.approx(1.0)
    assert ex.prob("signing.date == 2025-05-01").value == pytest.approx(1.0)
    card = score(pactsim.loads(SCENARIO), loads_resolutions(RESOLUTIONS))
    assert card.items.set_index("item").loc["a", "p"] == pytest.approx(P_A)


def test_the_scorecard_says_which_news_it_used(capsys: pytest.CaptureFixture[str],
                                               tmp_path: object) -> None:
    from pathlib import Path

    folder = Path(str(tmp_path))
    (folder / "news.yaml").write_text(SCENARIO, encoding="utf-8")
    (folder / "res.yaml").write_text(RESOLUTIONS, encoding="utf-8")
    code, out, err = call(capsys, "score", folder / "news.yaml", "-r", folder / "res.yaml")
    assert (code, err) == (0, "")
    head = out.splitlines()[0]
    assert "each item with the news learnt before it resolved, up to 2025-05-01" in head
    row = next(x for x in out.splitlines() if x.split()[:1] == ["a"])
    assert row.split()[1] == f"{P_A:.3f}"


def test_an_item_the_news_settled_before_its_resolved_day_is_pointed_out(
        capsys: pytest.CaptureFixture[str], tmp_path: object) -> None:
    """`a` observed on 2025-03-01 but resolved a day later: scored P = 1 with that news,
    where the priors said 0.3. By the documented rule, but worth a line."""
    from pathlib import Path

    folder = Path(str(tmp_path))
    (folder / "news.yaml").write_text(SCENARIO, encoding="utf-8")
    (folder / "res.yaml").write_text(
        RESOLUTIONS.replace("a: {outcome: true, resolved: 2025-03-01",
                            "a: {outcome: true, resolved: 2025-03-02"), encoding="utf-8")
    card = score(pactsim.load(folder / "news.yaml"), folder / "res.yaml")
    it = card.items.set_index("item")
    assert it.loc["a", "p"] == pytest.approx(1.0) and bool(it.loc["a", "settled_by_news"])
    assert not bool(it.loc["b", "settled_by_news"])
    code, out, _ = call(capsys, "score", folder / "news.yaml", "-r", folder / "res.yaml")
    assert code == 0
    assert ("settled by the file's news before it resolved (check its resolved date): a "
            "(news to 2025-03-01)") in out


def test_a_file_with_news_is_its_own_track_record() -> None:
    """The priors stood from as_of to the first news, then the forecast after each day of
    news until the next: the track record averages them over the days an item was open.
    By hand for b (resolved 2025-06-01, true): P(b) = 0.3 * 0.8 + 0.7 * 0.2 = 0.38 for
    the 59 days to 2025-03-01, then P(b | a) = 0.8 for the 61 days to the signing news
    and the 31 days after it."""
    card = score(pactsim.loads(SCENARIO), loads_resolutions(RESOLUTIONS))
    track = card.track.set_index("item")
    b = track.loc["b"]
    assert (b.days, b.versions) == (151, 3)
    want = (59 * (1 - 0.38) ** 2 + (61 + 31) * (1 - 0.8) ** 2) / 151
    assert b.brier == pytest.approx(want, abs=1e-12)
    assert b.p_by_version.startswith("2025-01-01: 0.380 (59 d); 2025-03-01: 0.800 (61 d)")
    # the item-by-item scores are unchanged: the forecast that stood before each resolved
    assert card.items.set_index("item").loc["b", "p"] == pytest.approx(0.8)
    # resolved the day of the first news: one version only, kept (since 2026-12-02) with
    # the score of its one version over its days
    a = track.loc["a"]
    assert a.versions == 1
    assert a.brier == pytest.approx(card.items.set_index("item").loc["a", "brier"], abs=1e-12)


def test_news_that_rules_out_the_outcome_is_said_to_clash(
        capsys: pytest.CaptureFixture[str], tmp_path: object) -> None:
    """The file's news says not a, the resolution file says a: one of them is wrong (not a
    matter of the resolved date)."""
    from pathlib import Path

    folder = Path(str(tmp_path))
    (folder / "news.yaml").write_text(SCENARIO.replace("evidence: a}", "evidence: not a}"),
                                      encoding="utf-8")
    (folder / "res.yaml").write_text(
        RESOLUTIONS.replace("a: {outcome: true, resolved: 2025-03-01",
                            "a: {outcome: true, resolved: 2025-03-02"), encoding="utf-8")
    code, out, _ = call(capsys, "score", folder / "news.yaml", "-r", folder / "res.yaml")
    assert code == 0
    assert ("the file's news rules out the recorded outcome, or leaves it a chance under "
            "1e-12 (one of the two files is wrong): "
            "a true (news to 2025-03-01)") in out
    assert "check its resolved date" not in out
