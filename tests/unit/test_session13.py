"""Session 13: each test fails without the change it names."""

from __future__ import annotations

import datetime as dt
import itertools
import math
import tracemalloc
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

import pactsim
from pactsim.errors import ConditionError, ModelTooWideError, ScenarioError
from pactsim.inference import datedfactors as dfx

ROOT = Path(__file__).resolve().parents[2]

# --- a milestone's law given an earlier one is a table of differences ----------------
#
# Dated.rel(b, a) (b's day given milestone a's, both relative to their root) was built by
# convolving a day-by-day table once per link from a to b; where every link between
# follows a (or milestones after it), it is a law of its own shifted by a's day, made from
# one law over days. What to watch on a chain of 30 milestones went from 14 s to 4 s.

CHAIN = """
pactsim: 2
id: chain
as_of: 2025-01-01
horizon: 2025-12-31
signing:
  by: {2025-12-31: 0.8}
events:
  m1: {after: signing, delay: 10, p: 0.9}
  m2: {after: m1, delay: 10, p: 0.9}
  m3: {after: m2, delay: 10, p: 0.9}
  m4: {after: m3, delay: 10, p: 0.9}
  m5: {after: m4, delay: 10, p: 0.9}
  m6: {after: m5, delay: 10, p: 0.9}
questions:
  last: m6
"""

W = 364  # 2025-01-01 -> 2025-12-31


def _signed_by(t: float) -> float:
    """P(signing on day <= t): the straight line from 0 at as_of to 0.8 at the horizon."""
    return 0.8 * t / W


def _row(frame: pd.DataFrame, name: str) -> pd.Series:
    return frame[frame["node"] == name].iloc[0]


def test_what_to_watch_on_a_chain_against_hand_answers() -> None:
    """m_k happens iff signed by day 364 - 10k and k coins of 0.9 fall: P(m_k) =
    0.9^k * 0.8 (364 - 10k) / 364, and P(m6 | m_k) = 0.9^(6-k) (364 - 60) / (364 - 10k)."""
    s = pactsim.sensitivity(pactsim.loads(CHAIN), "last", method="exact")
    p6 = 0.9 ** 6 * _signed_by(W - 60)
    assert s.base == pytest.approx(p6, abs=1e-12)
    for k in range(1, 6):
        r = _row(s.voi, f"m{k}")
        pk = 0.9 ** k * _signed_by(W - 10 * k)
        assert r.p_node == pytest.approx(pk, abs=1e-12)
        assert r.q_if_true == pytest.approx(p6 / pk, abs=1e-12)
        assert r.q_if_false == pytest.approx(0.0, abs=1e-12)
        assert r.brier == pytest.approx(pk * (1 - pk) * (p6 / pk) ** 2, abs=1e-12)


@pytest.mark.parametrize(("expr", "answer"), [
    # m2 on day s + 20 <= 59 (Mar 1) <=> s <= 39; m6 then fits (s <= 304)
    ("m2.date <= 2025-03-01 and m6", 0.9 ** 6 * _signed_by(39)),
    # m5 by the horizon (s <= 314) but m6 not: either s in 305..314 with 5 coins, or
    # s <= 304 with 5 coins and the sixth failing
    ("m5 and not m6", 0.9 ** 5 * (_signed_by(314) - _signed_by(304))
     + 0.9 ** 5 * 0.1 * _signed_by(304)),
    ("m6.date - m3.date == 30", 0.9 ** 6 * _signed_by(304)),
    # m3 on day s + 30 <= 40 (Feb 10) and m6 on s + 60 > 50 (Feb 20): s <= 10, with six coins
    ("m3.date <= 2025-02-10 and m6.date > 2025-02-20", 0.9 ** 6 * _signed_by(10)),
    ("m3.date <= 2025-02-10 and m6.date > 2025-03-12", 0.0),  # m6 is always m3 + 30
])
def test_joint_laws_of_milestones_on_a_chain(expr: str, answer: float) -> None:
    assert float(pactsim.exact(pactsim.loads(CHAIN)).prob(expr).value) == \
        pytest.approx(answer, abs=1e-12)


# Structures where the shortcut applies (chains under a milestone) and where it must not
# (a combination of milestones, all / any / at least k, over branches that meet only at
# the signing: exact inference takes no others), to compare with the per-link
# convolution it replaces; delays of every kind, hazard ratios on a parent and a driver,
# ever coins with parents.
BRANCHES = """
pactsim: 2
id: branches
as_of: 2025-01-01
horizon: 2025-05-31
drivers:
  mood: {dist: normal, mean: 0, sd: 1}
signing:
  by: {2025-02-28: 0.3, 2025-05-31: 0.7}
  hazard_ratio: {shock: 1.5}
events:
  shock: {p: 0.4}
  a: {after: signing, delay: {median: 20, p90: 60}, p: 0.9}
  b1: {after: a, delay: {between: [5, 40]}, hazard_ratio: {mood: 1.3}}
  b2: {after: b1, delay: {by: {10: 0.4, 30: 0.9}}, given: [shock], table: {true: 0.8, false: 0.6}}
  b3: {after: b2, delay: 7}
  late: {after: b3, delay: {median: 15, p90: 40}, hazard_ratio: {shock: 0.7}}
  side: {after: signing, delay: 12}
  other: {after: signing, delay: {by: {30: 0.5, 90: 0.8}}}
  all2: {after: {all: [b1, side]}, delay: 5}
  any2: {after: {any: [late, other]}, delay: {between: [2, 9]}}
  two_of_3: {after: {at_least: 2, of: [b2, side, other]}, delay: {between: [1, 4]}}
  after_all: {after: all2, delay: {median: 10, p90: 30}, p: 0.7}
"""


def _branches_text() -> str:
    return BRANCHES


def _per_link(monkeypatch: pytest.MonkeyPatch) -> None:
    """The old construction from here on: every law given a milestone convolved link by
    link."""
    monkeypatch.setattr(dfx.Dated, "_shifts", lambda self, slot, given: False)


def _fresh_exact(sc: pactsim.Scenario) -> Any:
    """Exact results built anew: a network of the same scenario is otherwise reused, with
    the laws it made (the old construction would not be run)."""
    from pactsim.results.exact import _forget_structures

    _forget_structures()
    return pactsim.exact(sc)


def _laws(text: str) -> dict[tuple[str, str], np.ndarray]:
    sc = pactsim.loads(text)
    res = _fresh_exact(sc)
    dated = res._net.dated
    names = dated.model.dated
    out = {}
    for b, a in itertools.permutations(range(len(names)), 2):
        if a in dated.lay.anc.get(b, frozenset()):
            law = dated.rel(b, a)
            out[(names[b], names[a])] = np.asarray(law.table)
            assert law.vars[-2:] == (dfx.CAX, dfx.TAX)
    return out


def _shortcut_used(text: str) -> set[tuple[str, str]]:
    sc = pactsim.loads(text)
    dated = _fresh_exact(sc)._net.dated
    names = dated.model.dated
    return {(names[b], names[a]) for b, a in itertools.permutations(range(len(names)), 2)
            if a in dated.lay.anc.get(b, frozenset()) and dated._shifts(b, a)}


def test_which_laws_take_the_shortcut() -> None:
    used = _shortcut_used(_branches_text())
    assert {("late", "a"), ("b3", "b1"), ("b2", "a"), ("after_all", "all2")} <= used
    # a combination also follows a branch that does not come after the milestone given
    assert not {("all2", "b1"), ("after_all", "a"), ("any2", "late"), ("two_of_3", "b2"),
                ("any2", "a")} & used


def test_laws_given_a_milestone_match_the_per_link_convolution(
        monkeypatch: pytest.MonkeyPatch) -> None:
    text = _branches_text()
    new = _laws(text)
    _per_link(monkeypatch)
    old = _laws(text)
    assert new.keys() == old.keys() and len(new) >= 12
    for key in new:
        assert new[key].shape == old[key].shape, key
        np.testing.assert_allclose(new[key], old[key], rtol=0, atol=1e-13, err_msg=str(key))


def test_answers_on_branches_match_the_per_link_convolution(
        monkeypatch: pytest.MonkeyPatch) -> None:
    exprs = ["late and a", "late.date - a.date <= 60", "b3.date <= 2025-04-15 and late",
             "b2 and not late", "after_all and b1", "after_all.date - all2.date <= 12",
             "any2 and late", "two_of_3 and b1"]
    text = _branches_text()
    res = _fresh_exact(pactsim.loads(text))
    new = [float(res.prob(e).value) for e in exprs]
    _per_link(monkeypatch)
    res = _fresh_exact(pactsim.loads(text))
    old = [float(res.prob(e).value) for e in exprs]
    assert new == pytest.approx(old, abs=1e-13)
    assert all(0.0 < p < 1.0 for p in new)


# --- a date with `given:` is scored on the conditional law --------------------------------

DATE_GIVEN = """
pactsim: 2
id: score-date-given
as_of: 2025-01-01
horizon: 2025-12-31
events:
  fast: {p: 0.5}
signing:
  given: [fast]
  table:
    true: {by: {2025-01-31: 1.0}}
    false: {by: {2025-12-31: 1.0}}
"""

DATE_GIVEN_RES = """
resolutions: 1
scenario: score-date-given
sources: {s: made up}
outcomes:
  fast: {outcome: true, resolved: 2025-01-02, source: s}
  signing: {outcome: 2025-01-10, given: fast, resolved: 2025-01-10, source: s}
"""


@pytest.mark.parametrize("method", ["exact", "montecarlo"])
def test_a_date_given_a_condition_is_scored_on_the_conditional_law(
        tmp_path: Path, method: str) -> None:
    """Given fast, the signing is uniform on days 1..30 (Jan 2..31): P(Jan 10) = 1/30, the
    80% interval Jan 4..Jan 28 (days 3 and 27: F(d) = d/30 reaches 0.1 and 0.9), and the
    CRPS over days of a uniform law on 1..30 at day 9 is sum_d (F(d) - [d >= 9])^2. The
    unconditional law (half of it spread over the year) gave log 4.0 and CRPS 33 days."""
    sc = tmp_path / "s.yaml"
    sc.write_text(DATE_GIVEN)
    res = tmp_path / "r.yaml"
    res.write_text(DATE_GIVEN_RES)
    card = pactsim.score(str(sc), str(res), method=method, n=200_000, seed=5)  # type: ignore[arg-type]
    row = card.items[card.items.kind == "date"].iloc[0]
    F = np.minimum(np.arange(365) / 30, 1.0)  # F(d), d = 0..364 days after as_of
    crps = float(np.sum((F - (np.arange(365) >= 9)) ** 2))
    if method == "exact":
        assert row.p_day == pytest.approx(1 / 30, abs=1e-12)
        assert row.log == pytest.approx(math.log(30), abs=1e-12)
        assert row.crps == pytest.approx(crps, abs=1e-9)
        assert (row.q10, row.q90) == (dt.date(2025, 1, 4), dt.date(2025, 1, 28))
    else:  # about 100,000 draws given fast: P(that day) within 4 standard errors
        se = math.sqrt((1 / 30) * (29 / 30) / 100_000)
        assert abs(row.p_day - 1 / 30) < 4 * se
        assert row.crps == pytest.approx(crps, rel=0.05)
    assert row.p == pytest.approx(1.0, abs=1e-12)
    assert "signing.date | fast" in str(card)


# --- a refusal for width comes before the tables are filled ------------------------------

def test_a_joint_law_too_wide_is_refused_before_it_is_built() -> None:
    """Ten years of days: the joint law of two milestone dates over the signing's bit has
    2 x 4017^2 entries, above max_table. It was refused only after its convolutions,
    which took about 4 GB; now before anything over two days is made."""
    sc = pactsim.loads("""
pactsim: 2
id: wide
as_of: 2025-01-01
horizon: 2035-12-31
signing: {by: {2025-12-31: 0.7}}
events:
  m1: {after: signing, delay: 45}
  m2: {after: m1, delay: {median: 60, p90: 150}}
questions:
  gap: m2.date - m1.date <= 100
""")
    ex = pactsim.exact(sc)
    tracemalloc.start()
    try:
        with pytest.raises(ModelTooWideError) as err:
            ex.prob("gap")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert "32,272,578 entries" in str(err.value)
    assert "(signing, m1.date, m2.date)" in str(err.value)
    assert peak < 64 * 2**20  # (numpy's tables are traced; 4 GB before)


# --- a milestone's timing words say what moves its chance of ever happening ---------------

def test_timing_words_name_the_odds_and_gates_of_a_milestone() -> None:
    from pactsim.views.display import timing_words

    sc = pactsim.loads("""
pactsim: 2
id: timing-text
as_of: 2025-01-01
horizon: 2025-12-31
events:
  crisis: {p: 0.5}
  ally: {p: 0.5}
  rc: {after: signing, delay: 10, p: 0.9, excludes: [crisis]}
  ro: {after: signing, delay: 10, p: 0.2, odds: {ally: 20}}
  rq: {after: signing, delay: 10, requires: [ally, crisis]}
signing:
  by: {2025-06-30: 0.8}
""")
    assert timing_words(sc, "rc") == ("10 days after signing; p 0.9 of ever happening once "
                                      "its anchor has; never with crisis")
    assert timing_words(sc, "ro") == ("10 days after signing; p 0.2 (odds × ally 20) of "
                                      "ever happening once its anchor has")
    assert timing_words(sc, "rq") == "10 days after signing; only if ally and crisis"
    # the words are true of the numbers: ro's chance given signing is not 0.2
    ex = pactsim.exact(sc)
    odds = 0.2 / 0.8 * 20
    ro = 0.5 * 0.2 + 0.5 * odds / (1 + odds)
    assert float(ex.prob("ro", given="signing").value) == pytest.approx(ro, abs=1e-12)
    assert float(ex.prob("rc and crisis").value) == 0.0


# --- a delay curve that never reaches 1/2 is swung by the tornado -------------------------

def test_a_delay_curve_below_one_half_is_swung() -> None:
    """m's delay is 20% within 30 days, 40% within 90 (60% never): no median, so it was
    left out of the tornado without a word. Its median among the delays that happen is 30
    days; swung x0.8 / x1.2 like any delay."""
    sc = pactsim.loads("""
pactsim: 2
id: sens-drops-delay
as_of: 2025-01-01
horizon: 2025-12-31
events:
  m: {after: signing, delay: {by: {30: 0.2, 90: 0.4}}}
signing:
  by: {2025-06-30: 0.6}
questions:
  m_early: m.date <= 2025-04-15
""")
    s = pactsim.sensitivity(sc, "m_early", method="exact")
    row = s.tornado[s.tornado.input == "m.delay"].iloc[0]
    assert (row.base, row.low, row.high) == pytest.approx((30.0, 24.0, 36.0))
    for value, q in ((24.0, row.q_low), (36.0, row.q_high)):
        scaled = {"by": {round(30 * value / 30): 0.2, round(90 * value / 30): 0.4}}
        want = float(pactsim.exact(sc.with_changes({"m.delay": scaled})).prob("m_early").value)
        assert q == pytest.approx(want, abs=1e-12)
    assert row.q_low > row.q_high  # shorter delays: likelier by Apr 15


# --- no follow-on errors from one mistake --------------------------------------------------

def test_names_of_a_misspelt_section_are_not_reported_again() -> None:
    text = """
pactsim: 2
id: x
as_of: 2025-01-01
horizon: 2025-12-31
signing: {by: {2025-12-31: 0.5}}
pilars:
  trade:
    p: 0.9
    clauses:
      tariffs: {p: 0.5}
events:
  e: {p: 0.5, requires: [trade]}
questions:
  both: trade and tariffs
  nope: trade and missing_one
"""
    with pytest.raises(ScenarioError) as err:
        pactsim.loads(text)
    messages = [p.message for p in err.value.problems]
    assert len(messages) == 2, messages
    assert messages[0].startswith("unknown section 'pilars'")
    assert "did you mean 'pillars'?" in messages[0]
    assert "the names it defines, trade, tariffs, are not reported" in messages[0]
    assert messages[1].startswith("unknown name 'missing_one'")  # a real mistake stays


@pytest.mark.parametrize("by", ["{2025-6-30: 0.45}", "[0.45, 0.7]"])
def test_a_bad_by_is_not_also_a_hazard_ratio_without_a_date(by: str) -> None:
    text = f"""
pactsim: 2
id: x
as_of: 2025-01-01
horizon: 2025-12-31
events:
  push: {{p: 0.5}}
  talks:
    by: {by}
    hazard_ratio: {{push: 2}}
"""
    with pytest.raises(ScenarioError) as err:
        pactsim.loads(text)
    assert [p.field for p in err.value.problems] == [
        "events.talks.by.2025-6-30" if "6-30" in by else "events.talks.by"]


# --- news impossible by itself is named by itself, where validate and run agree -------------

NEWS = """
pactsim: 2
id: news
as_of: 2025-01-01
horizon: 2025-12-31
signing: {by: {2025-12-31: 0.8}}
pillars:
  trade: {p: 0.9}
sources: {s: a report}
observations:
  - {date: 2025-03-01, source: s, evidence: not signing.date <= 2025-03-01}
  - {date: 2025-03-01, source: s, evidence: trade and not signing}
"""


def test_news_impossible_alone_is_named_alone(tmp_path: Path) -> None:
    """'trade and not signing' cannot hold (a pillar is in a signed text); the other entry
    of that day shares the node signing with it and is not to blame."""
    path = tmp_path / "news.yaml"
    path.write_text(NEWS)
    found = [f for f in pactsim.check(pactsim.load(path)) if f.rule == "impossible-news"]
    assert len(found) == 1
    assert (found[0].field, found[0].line) == ("observations[1].evidence", 12)
    assert "evidence 'trade and not signing':" in found[0].message
    assert "not signing.date <= 2025-03-01'" not in found[0].message
    with pytest.raises(ConditionError) as err:
        pactsim.simulate(pactsim.load(path), n=1000, seed=1)
    assert "observations[1].evidence: evidence 'trade and not signing':" in str(err.value)


def test_every_mistake_of_set_is_reported_at_once(tmp_path: Path) -> None:
    """An unknown set: path stopped the check of the entries that did apply."""
    base = tmp_path / "base.yaml"
    base.write_text("pactsim: 2\nid: base\nas_of: 2025-01-01\nhorizon: 2025-12-31\n"
                    "drivers:\n  mood: {dist: normal, mean: 0, sd: 1}\n"
                    "events:\n  talks: {p: 0.5}\n")
    variant = tmp_path / "variant.yaml"
    variant.write_text("pactsim: 2\nextends: base.yaml\nid: variant\nset:\n"
                       "  tallks.p: 0.5\n  mood.sd: -1\n  talks.p: 1.5\n")
    with pytest.raises(ScenarioError) as err:
        pactsim.load(variant)
    lines = sorted(p.line for p in err.value.problems if p.line is not None)
    assert lines == [5, 6, 7], [p.message for p in err.value.problems]
    assert "did you mean 'talks'" in str(err.value)


# --- check flags a factor no one means ------------------------------------------------------

@pytest.mark.parametrize(("key", "value", "found"), [
    ("hazard_ratio", "1e300", True), ("hazard_ratio", "0.0001", True),
    ("odds", "2000", True), ("odds", "1000", False), ("odds", "0.001", False),
    ("hazard_ratio", "2.5", False),
])
def test_check_flags_an_extreme_factor(key: str, value: str, found: bool) -> None:
    sc = pactsim.loads(f"""
pactsim: 2
id: x
as_of: 2025-01-01
horizon: 2025-12-31
drivers:
  push: {{dist: normal, mean: 0, sd: 1}}
events:
  crisis: {{p: 0.3}}
  talks:
    {"by: {2025-12-31: 0.5}" if key == "hazard_ratio" else "p: 0.5"}
    {key}: {{push: {value}, crisis: 1.5}}
""")
    hits = [f for f in pactsim.check(sc) if f.rule == "extreme-factor"]
    assert bool(hits) == found
    if found:
        assert hits[0].field == f"events.talks.{key}.push"
        assert "per standard deviation on push" in hits[0].message
