"""Unit tests of pactsim.views.display: the HTML shown in notebooks (and reused by reports)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import pactsim
from fakes import ExactLike
from pactsim.results.estimate import Estimate
from pactsim.views import display
from view_fakes import NO_PILLARS, NOTHING_SIGNED, Pruned

ROOT = Path(__file__).resolve().parents[2]
FLAGSHIP = ROOT / "scenarios" / "iran-russia-2024.yaml"

EVIL = "<script>alert('x')</script>"
MALICIOUS = f"""\
pactsim: 1
id: evil
title: "{EVIL} & co"
description: "Resolves when <b>bold</b> happens"
as_of: 2025-01-01
horizon: 2025-12-31
sources:
  s1: "{EVIL}"
events:
  rain:
    p: 0.3
    label: "{EVIL}"
signing:
  by: {{2025-06-30: 0.5}}
pillars:
  trade:
    p: 0.9
    label: "Trade <img src=x onerror=alert(1)>"
    clauses:
      fta: {{p: 0.5, label: "{EVIL}"}}
questions:
  early: signing.date < 2025-03-01
  q_label: {{expr: "rain and trade", label: "{EVIL}"}}
  n_items: count(trade, fta)
"""


@pytest.fixture(scope="module")
def res() -> pactsim.Results:
    return pactsim.simulate(pactsim.load(FLAGSHIP), n=20_000, seed=1, keep_draws=False)


@pytest.fixture(scope="module")
def evil() -> pactsim.Results:
    return pactsim.simulate(pactsim.loads(MALICIOUS), n=5_000, seed=2)


def test_results_html_has_headline_numbers(res: pactsim.Results) -> None:
    html = res._repr_html_()
    assert html == display.results_html(res)
    assert html.startswith('<div class="pactsim">')
    assert html.endswith("</div>")
    qs = res.questions()
    for name, row in qs.iterrows():
        assert str(name) in html
        assert f"{100 * row.p:.1f}%" in html
        assert f"{100 * row.lo:.1f}–{100 * row.hi:.1f}" in html
    for d, row in res.signing_cdf(res.key_dates()).iterrows():
        assert str(pd.Timestamp(d).date()) in html
        assert f"{100 * row.p:.1f}%" in html
    assert "n = 20,000 draws" in html
    assert "seed 1" in html
    assert res.info.digest[:12] in html
    assert "Treaty signed" not in display.content_table(res)  # a curve, not a pillar row


def test_pillars_nest_their_clauses(res: pactsim.Results) -> None:
    html = display.content_table(res)
    pos = [html.index(f"<code>{name}</code>") for name in ("security", "no_aid_to_aggressor",
                                                            "info_security", "military")]
    assert pos == sorted(pos)
    assert html.count("<tr class='pillar'>") == len(res.scenario.pillars)
    assert html.count("<tr class='clause'>") == sum(
        len(p.clauses) for p in res.scenario.pillars.values())


@pytest.mark.parametrize("render", ["results", "scenario", "report-sections"])
def test_user_text_is_escaped(evil: pactsim.Results, render: str) -> None:
    if render == "results":
        html = display.results_html(evil)
    elif render == "scenario":
        html = display.scenario_html(evil.scenario)
    else:
        html = display.scenario_inputs(evil.scenario) + display.events_table(evil)
    assert "<script" not in html.lower()
    assert "<img" not in html.lower()
    assert "<b>" not in html
    if render != "report-sections":
        assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; co" in html
    if render == "scenario":
        assert "signing.date &lt; 2025-03-01" in html


def test_escape_drops_control_characters() -> None:
    assert display.escape("a\x07b<\n") == "ab&lt;\n"


def test_exact_results_render_without_optional_parts(res: pactsim.Results) -> None:
    exact = ExactLike(res)
    html = display.results_html(exact)
    assert "Exact inference" in html
    assert "exact" in display.questions_table(exact)
    assert "95%" not in display.signing_table(exact).split("</caption>")[1].split("<tbody>")[1]
    assert display.key_dates(exact) == res.key_dates()
    assert display.numeric_table(exact) == ""
    assert display.bundles_table(exact) == ""


def test_estimate_html() -> None:
    est = Estimate.from_counts(250, 1000)
    html = est._repr_html_()
    assert "<b>25.0%</b>" in html
    assert "± 1.37 pts" in html
    assert "n = 1,000" in html
    assert f"{100 * est.lo:.1f}%–{100 * est.hi:.1f}%" in html
    assert "(exact)" in Estimate.exact(0.5)._repr_html_()
    assert repr(est).startswith("Estimate(0.2500 ± 0.0137")  # plain repr unchanged


def test_scenario_html_overview() -> None:
    sc = pactsim.load(FLAGSHIP)
    html = sc._repr_html_()
    assert "iran-russia-2024" in html
    assert "as of 2024-11-05" in html
    assert "horizon 2025-12-31" in html
    assert ("1 driver · 10 events (3 milestones) · signing · 7 pillars · 19 clauses · "
            "20 questions") in html
    dated = pactsim.load(DATED)._repr_html_()
    assert "7 events (1 dated, 4 milestones) · signing" in dated
    assert "β(2, 6) ≈ 0.25" in html
    assert "90% in [0.05, 0.35]" in html
    assert "table on su35_sale" in html
    assert "requires training" in html
    assert html.index("drones_missiles") < html.index("energy")


def test_display_does_not_import_matplotlib() -> None:
    code = (
        "import sys, pactsim\n"
        f"sc = pactsim.load({str(FLAGSHIP)!r})\n"
        "res = pactsim.simulate(sc, n=2000, seed=1)\n"
        "res._repr_html_(); sc._repr_html_(); res.prob('signing')._repr_html_()\n"
        "import pactsim.views.plot, pactsim.views.report, pactsim.views.display; res.plot\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'matplotlib'))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=ROOT)
    assert out.stdout.strip() == "[]"


def test_bundle_counts_show_their_bound(res: pactsim.Results) -> None:
    plain = display.bundles_table(res, top=5)
    assert "<th>draws</th>" in plain
    assert "+≤" not in plain
    assert "≥" not in plain
    assert "may be low" not in plain
    # 50 of 20,000 draws is far more than a 0.04% share's standard error: marked and footnoted
    pruned = display.bundles_table(Pruned(res, 50, warn=True), top=5)
    nothing, rare = (r for _, r in res.bundles(top=2).iterrows())
    assert nothing.bundle == "(nothing)"  # 18%: its stderr (0.27 points) exceeds 50 draws
    assert f"<td class='num'>{100 * nothing.p:.1f}%</td>" in pruned
    assert f"<td class='num'>{nothing['count']:,} +≤50</td>" in pruned
    assert f"<td class='num'>≥{100 * rare.p:.2f}%</td>" in pruned  # 0.04%: marked
    assert f"<td class='num'>{rare['count']:,} +≤50</td>" in pruned
    assert "≥ counts may be low by up to 50 draws (more than their standard error)" in pruned
    # a bound below every standard error: shown beside the counts, no marker
    small = display.bundles_table(Pruned(res, 1), top=3, of="pillars")
    assert "+≤1</td>" in small
    assert "≥" not in small
    assert "counts may be low by up to 1 draws (less than their standard error)" in small


def test_pruned_results_display_without_warning(res: pactsim.Results) -> None:
    # the library's warnings are errors in this suite: the display shows the bound instead
    html = display.results_html(Pruned(res, 50, warn=True))
    assert "+≤50" in html


def test_exact_results_display_their_bundles_or_say_why_not() -> None:
    ex = pactsim.exact(pactsim.load(FLAGSHIP))
    html = ex._repr_html_()
    assert "Exact inference" in html
    # (every pillar and clause, and the outcome rows of categorical ones)
    assert re.search(r"too many nodes together for exact inference \(\d+ variables\)", html)
    pillars = display.bundles_table(ex, top=3, of="pillars")
    assert "<th>draws</th>" not in pillars  # exact: probabilities, no counts
    best = ex.bundles(top=1, of="pillars").iloc[0]
    assert f"{100 * best.p:.1f}%" in pillars


def test_no_pillars_no_texts() -> None:
    res = pactsim.simulate(pactsim.loads(NO_PILLARS), n=1_000, seed=1)
    html = display.results_html(res)
    assert "(nothing)" not in html
    assert "Most frequent texts" not in html
    assert display.bundles_table(res) == ""


def test_never_signed_says_what_is_empty() -> None:
    res = pactsim.simulate(pactsim.loads(NOTHING_SIGNED), n=2_000, seed=1)
    assert "Not signed by the horizon in any outcome." in display.signing_table(res)
    table = display.numeric_table(res)
    row = table[table.index("<td>when</td>"):].split("</tr>")[0]
    assert "<td class='num'>—</td>" in row
    assert "<td class='num'>100.0%</td>" in row  # no value in every outcome
    assert "nan" not in table
    assert "In the text: 1 pillar, 1 clause" in display.results_html(res)
    ex = pactsim.exact(pactsim.loads(NOTHING_SIGNED))
    assert "nan" not in display.numeric_table(ex)
    assert "Not signed by the horizon in any outcome." in display.signing_table(ex)


# -- dated nodes ------------------------------------------------------------------------------
DATED = ROOT / "scenarios" / "analytic-dated.yaml"


@pytest.fixture(scope="module")
def dated() -> pactsim.Results:
    return pactsim.simulate(pactsim.load(DATED), n=20_000, seed=6, keep_draws=True)


def _rows(html: str, caption: str) -> list[list[str]]:
    """The cells of each body row of the table with ``caption`` (tags stripped)."""
    import re

    table = html.split(f"<caption>{caption}")[1].split("</table>")[0]
    body = table.split("<tbody>")[1]
    return [[re.sub(r"<[^>]+>", " ", c).split() and " ".join(re.sub(r"<[^>]+>", " ", c).split())
             for c in re.findall(r"<td[^>]*>(.*?)</td>", row)]
            for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body)]


def test_timeline_table_against_the_draws_and_hand_answers(dated: pactsim.Results) -> None:
    from reference_answers import ANSWERS

    a = ANSWERS["analytic-dated.yaml"]
    hand = {"signing": a["signing"], "crisis": a["crisis"], "ratify_a": a["ratify_a_done"],
            "notify": a["notify_done"], "ratify_b": a["ratify_b_done"],
            "in_force": a["in_force_done"]}
    html = display.results_html(dated)
    rows = _rows(html, "Timeline (dates if it happens by the horizon)")
    frame = dated.to_frame()
    n = len(frame)
    names = [r[0].split()[-1] for r in rows]
    assert names == ["signing", "crisis", "ratify_a", "notify", "ratify_b", "in_force"]
    for name, r in zip(names, rows, strict=True):
        col = frame[f"{name}.date"]
        p = col.notna().sum() / n
        assert r[1] == f"{100 * p:.1f}%"
        assert abs(p - hand[name]) < 4.5 * (0.5 / n ** 0.5) + 1e-9, name
        days = col.dropna().sort_values().reset_index(drop=True)
        q = [str(days[max(-(-int(lv * len(days) * 10) // 10), 1) - 1].date())
             for lv in (0.1, 0.5, 0.9)]
        assert r[4] == q[1] and r[5] == f"{q[0]} – {q[2]}", name
    timing = {n: r[-1] for n, r in zip(names, rows, strict=True)}
    assert timing["ratify_a"] == ("30 days after signing; p 0.5 of ever happening "
                                   "once its anchor has")
    assert timing["in_force"] == "10 days after both ratify_a and notify"
    assert timing["crisis"].endswith("hazard ratio shock 2")
    events = _rows(html, "Context events")
    assert [r[0].split()[-1] for r in events] == ["shock", "early_bonus"]
    assert "Context events (2)" in html


def test_scenario_html_describes_timing_in_words() -> None:
    flag = display.scenario_html(pactsim.load(FLAGSHIP))
    for words in ("median 140 days (90%: 300) after signing",
                  "median 200 days (90%: 500) after signing; hazard ratio alignment 1.2",
                  "90% between 7 and 60 days after both ratified_ru and ratified_ir",
                  "p 0.95 of ever happening once its anchor has",
                  "alignment 1.4, us_trump_win 1.2, iran_israel_escalation 0.85"):
        assert display.escape(words) in flag, words
    html = display.scenario_html(pactsim.load(DATED))  # a table of signing curves
    assert "if shock" in html and "60% by 2025-01-31" in html
    assert "40% by 2025-03-31, 80% by 2025-12-31" in html
    assert "50% within 10, 100% within 20 days after signing" in html
    assert ("base curve (no hazard ratio applied): 25% by 2025-01-31, 50% by 2025-03-31; "
            "hazard ratio shock 2") in html


def test_anchor_and_delay_words() -> None:
    from pactsim.language.scenario import After, Delay

    assert display.anchor_words(After("one", ("signing",), 1)) == "signing"
    assert display.anchor_words(After("all", ("a", "b"), 2)) == "both a and b"
    assert display.anchor_words(After("all", ("a", "b", "c"), 3)) == "all of a, b and c"
    assert display.anchor_words(After("any", ("a", "b"), 1)) == "the first of a and b"
    assert display.anchor_words(After("at_least", ("a", "b", "c"), 2)) == (
        "the second of a, b and c")
    assert display.delay_words(Delay("fixed", days=1)) == "1 day"
    assert display.delay_words(Delay("lognormal", written={"between": [7, 60]})) == (
        "90% between 7 and 60 days")
    assert display.delay_words(Delay("lognormal", written={"median": 140, "p90": 300})) == (
        "median 140 days (90%: 300)")


class _ExactDated(ExactLike):
    """Exact-like results with the general date API (stderr 0), as ExactResults
    will have it."""

    def dated(self) -> list[str]:
        return self._res.dated()

    def date_cdf(self, node: str, dates: object = None) -> pd.DataFrame:
        return self._exact(self._res.date_cdf(node, dates))

    def date_quantiles(self, node: str, probs: object = (0.1, 0.5, 0.9)) -> pd.Series:
        return self._res.date_quantiles(node, probs)


def test_exact_results_show_the_timeline(dated: pactsim.Results) -> None:
    html = display.results_html(_ExactDated(dated))
    rows = _rows(html, "Timeline (dates if it happens by the horizon)")
    assert len(rows) == 6 and all(r[3] == "exact" for r in rows)
    # without the date API, dated events are not lost: they stay among the events
    plain = display.results_html(ExactLike(dated))
    assert "Timeline" not in plain
    assert [r[0].split()[-1] for r in _rows(plain, "Context events")] == [
        "shock", "crisis", "early_bonus", "ratify_a", "notify", "ratify_b", "in_force"]
