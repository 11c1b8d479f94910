"""Fixes of the 2026-12-02 session (fourteenth) outside the milestone signing
(tests/unit/test_signing_milestone.py)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import pactsim
from pactsim.errors import ArgumentError, ScenarioError
from pactsim.views.report import _headline

TWO_YEARS = """\
pactsim: 2
id: two-years
as_of: 2025-01-01
horizon: 2026-06-30
signing: {by: {2025-06-30: 0.2, 2025-12-31: 0.5, 2026-06-30: 0.6}}
questions:
  by_march: signing.date <= 2025-03-31
"""


def test_the_first_headline_card_is_the_year_end() -> None:
    """review-analyst13: the first big number was "signed by" the first quarter end
    (2025-03-31 here: 10%, the least informative number); it is now the first year end
    among the key dates, the question forecasters are asked, with exact's number."""
    ex = pactsim.exact(pactsim.loads(TWO_YEARS))
    cards = _headline(ex)
    shown = re.findall(r"signed by (\d{4}-\d{2}-\d{2})", cards)
    assert shown == ["2025-12-31", "2026-06-30"]
    assert re.findall(r'class="v">([\d.]+)%', cards)[:2] == ["50.0", "60.0"]
    # the question on the first quarter end is a card of its own: linear to 0.2 on
    # 2025-06-30 from 0 on as_of, so 89/180 of 0.2 on 2025-03-31
    assert "by march" in cards
    assert f"{100 * 0.2 * 89 / 180:.1f}%" in cards


def test_the_first_quarter_end_stays_when_the_only_year_end_is_the_horizon() -> None:
    sc = pactsim.loads(TWO_YEARS.replace("2026-06-30", "2025-12-31")
                       .replace(", 2025-12-31: 0.6", ""))
    cards = _headline(pactsim.exact(sc))
    assert re.findall(r"signed by (\d{4}-\d{2}-\d{2})", cards) == ["2025-03-31", "2025-12-31"]
    assert pytest.approx(0.5) == pactsim.exact(sc).prob("signing").value


# -- score: what it says of outcomes it cannot judge -------------------------------------------
DATES = """\
pactsim: 2
id: dates-demo
as_of: 2025-04-01
horizon: 2025-12-31
signing:
  by: {2025-12-31: 0.6}
events:
  in_force: {after: signing, delay: 30}
questions:
  q: in_force.date <= 2025-10-31
"""


def _resolutions(tmp_path: Path, outcomes: str) -> Path:
    f = tmp_path / "r.yaml"
    f.write_text("resolutions: 1\nscenario: dates-demo\nsources: {n: news}\noutcomes:\n"
                 + outcomes)
    return f


def test_score_says_when_false_was_resolved_before_it_could_be_known(tmp_path: Path) -> None:
    """review-analyst14: "signing: false, resolved 2025-06-30" (horizon 2025-12-31) was
    scored without a word, though "not signed by the horizon" is known only then; so was
    a question `x.date <= D` resolved false before D."""
    sc = pactsim.loads(DATES)
    early = _resolutions(tmp_path, "  signing: {outcome: false, resolved: 2025-06-30, "
                                   "source: n}\n  q: {outcome: false, resolved: 2025-09-01, "
                                   "source: n}\n")
    notes = pactsim.score(sc, early).notes
    assert any(n.startswith("dates-demo: signing resolved false on 2025-06-30, before the "
                            "horizon 2025-12-31") for n in notes), notes
    assert any(n.startswith("dates-demo: q resolved false on 2025-09-01, before 2025-10-31: "
                            "that in_force.date <= 2025-10-31 is false is known only then")
               for n in notes), notes
    on_time = _resolutions(tmp_path, "  signing: {outcome: false, resolved: 2025-12-31, "
                                     "source: n}\n  q: {outcome: true, resolved: 2025-09-01, "
                                     "source: n}\n")
    assert not any("resolved false on" in n for n in pactsim.score(sc, on_time).notes)


ARM_AZ = """\
pactsim: 2
id: arm-az-small
as_of: 2025-04-01
horizon: 2027-12-31
drivers:
  will: {dist: normal, sd: 1}
events:
  constitution_changed:
    by: {2026-12-31: 0.08, 2027-06-30: 0.25, 2027-12-31: 0.35}
    hazard_ratio: {will: 1.3}
  ratified_am: {after: signing, delay: {median: 75, p90: 200}, p: 0.95}
  in_force: {after: ratified_am, delay: 15}
signing:
  after: constitution_changed
  delay: {median: 60, p90: 240}
  p: 0.85
"""


def test_score_says_which_outcomes_it_could_not_check_together(tmp_path: Path) -> None:
    """review-analyst14: in force five days after a signing it follows by at least 16
    days was scored with no note on a three-year horizon, where the pair is too wide for
    exact inference; the note now says which pair was not checked (on a nearer horizon
    the same pair is named as impossible)."""
    f = tmp_path / "r.yaml"
    f.write_text("resolutions: 1\nscenario: arm-az-small\nsources: {n: news}\noutcomes:\n"
                 "  signing: {outcome: 2026-06-01, resolved: 2026-06-01, source: n}\n"
                 "  in_force: {outcome: 2026-06-06, resolved: 2026-06-06, source: n}\n")
    notes = pactsim.score(pactsim.loads(ARM_AZ), f).notes
    assert "arm-az-small: resolved outcomes not all checked together: in_force with " \
        "signing (too wide for exact inference; a nearer horizon helps)" in notes
    near = pactsim.loads(ARM_AZ.replace("will: 1.3", "will: 1.0").replace(
        "  will: {dist: normal, sd: 1}\n", "").replace("drivers:\n", "").replace(
        "    hazard_ratio: {will: 1.0}\n", ""))
    assert any("cannot both hold" in n for n in pactsim.score(near, f).notes)
    # refused for another reason than width: that reason, not "a nearer horizon"
    # (review-session14)
    treaty = pactsim.loads(
        "pactsim: 2\nid: arm-az-small\nas_of: 2025-04-01\nhorizon: 2026-12-31\nevents:\n"
        "  changed: {by: {2025-12-31: 0.3, 2026-12-31: 0.5}}\n"
        "  other: {after: changed, delay: 10}\n"
        "  ratified_am: {after: {any: [signing, other]}, delay: {median: 60, p90: 150}}\n"
        "  ratified_az: {after: signing, delay: {median: 30, p90: 90}}\n"
        "signing: {after: changed, delay: {median: 60, p90: 200}}\n")
    g = tmp_path / "g.yaml"
    g.write_text("resolutions: 1\nscenario: arm-az-small\nsources: {n: news}\noutcomes:\n"
                 "  ratified_am: {outcome: 2026-06-01, resolved: 2026-06-01, source: n}\n"
                 "  ratified_az: {outcome: 2026-06-06, resolved: 2026-06-06, source: n}\n")
    said = [n for n in pactsim.score(treaty, g).notes if "not all checked" in n]
    assert said == ["arm-az-small: resolved outcomes not all checked together: ratified_az "
                    "with ratified_am (exact inference cannot give the joint law of "
                    "'ratified_am' and 'ratified_az': both depend on 'signing', and "
                    "'ratified_am' can happen without it)"]
    # in force 5 days after Armenia's ratification, 30 days after both: checked, and
    # impossible (refused as three days at once before session 15)
    both = pactsim.loads(
        "pactsim: 2\nid: arm-az-small\nas_of: 2025-04-01\nhorizon: 2026-12-31\nevents:\n"
        "  changed: {by: {2025-12-31: 0.3, 2026-12-31: 0.5}}\n"
        "  ratified_am: {after: signing, delay: {median: 60, p90: 150}}\n"
        "  ratified_az: {after: signing, delay: {median: 30, p90: 90}}\n"
        "  in_force: {after: {all: [ratified_am, ratified_az]}, delay: 30}\n"
        "signing: {after: changed, delay: {median: 60, p90: 200}}\n")
    g.write_text("resolutions: 1\nscenario: arm-az-small\nsources: {n: news}\noutcomes:\n"
                 "  ratified_am: {outcome: 2026-06-01, resolved: 2026-06-01, source: n}\n"
                 "  in_force: {outcome: 2026-06-06, resolved: 2026-06-06, source: n}\n")
    notes = pactsim.score(both, g).notes
    assert not [n for n in notes if "not all checked" in n]
    assert any("in_force (in_force.date == 2026-06-06) and ratified_am cannot both hold" in n
               for n in notes)


def test_a_negated_condition_row_is_bracketed() -> None:
    """review-analyst14: the false row of `given: ["us_engaged and not border_clash"]`
    read "if not us_engaged and not border_clash", a narrower case than the row's."""
    from pactsim.views.display import _condition

    cond = "us_engaged and not border_clash"
    assert _condition([cond], (True,)) == "if us_engaged and not border_clash"
    assert _condition([cond], (False,)) == "if not (us_engaged and not border_clash)"
    assert _condition([cond, "rain"], (True, False)) == \
        "if (us_engaged and not border_clash) and not rain"
    assert _condition(["rain", "x"], (False, "hi")) == "if not rain and x == hi"
    html = pactsim.loads(
        "pactsim: 2\nid: c\nas_of: 2025-04-01\nhorizon: 2025-12-31\nevents:\n"
        "  us_engaged: {p: 0.5}\n  border_clash: {p: 0.2}\n"
        f"  transport:\n    given: ['{cond}']\n    table: {{true: 0.35, false: 0.15}}\n"
    )._repr_html_()
    assert "if not (us_engaged and not border_clash)</td>" in html


def test_a_row_its_node_can_never_use_is_flagged() -> None:
    """review-analyst14: a milestone's table row on its own anchor being false can never
    apply (it happens only after its anchor), and check said nothing; nor of a clause's
    row on its own pillar being false. The rows are reached (P > 0), so the message says
    why they are unused; a row of an undated node on the same parent is not flagged."""
    from pactsim.analysis.check import check

    text = ("pactsim: 2\nid: u\nas_of: 2025-04-01\nhorizon: 2025-12-31\nevents:\n"
            "  changed: {by: {2025-12-31: 0.4}}\n"
            "  mood: {given: [changed], table: {true: 0.7, false: 0.2}}\n"
            "signing:\n  after: changed\n  delay: {median: 30, p90: 90}\n"
            "  given: [changed]\n  table: {true: 0.85, false: 0.5}\n"
            "pillars:\n  defence:\n    p: 0.5\n    clauses:\n"
            "      bases: {given: [defence], table: {true: 0.6, false: 0.1}}\n")
    found = [(f.field, f.message) for f in check(pactsim.loads(text))
             if f.rule == "unreachable-row"]
    assert found == [
        ("signing.table.false", "table row changed=false is never used: 'signing' cannot "
         "happen without changed (it happens after it), so its probability there never "
         "applies; drop changed from given (or keep the row as the format asks, knowing it "
         "is not read)"),
        ("pillars.defence.clauses.bases.table.false", "table row defence=false is never "
         "used: 'bases' cannot happen without defence (its pillar), so its probability "
         "there never applies; drop defence from given (or keep the row as the format "
         "asks, knowing it is not read)")]
    # a row closed through another node (a categorical parent absent where the pillar's
    # signing is not) is left alone: the format asks for it, and the README writes it
    readme = pactsim.loads(
        "pactsim: 3\nid: r\nas_of: 2025-01-01\nhorizon: 2025-12-31\nevents:\n"
        "  form: {levels: {treaty: 0.9, programme: 0.1}, requires: [signing]}\n"
        "signing: {by: {2025-12-31: 0.5}}\npillars:\n  security:\n    given: [form]\n"
        "    table: {absent: 0.1, treaty: 0.6, programme: 0.2}\n")
    assert [f for f in check(readme) if f.rule == "unreachable-row"] == []


def test_percent_ticks_show_the_decimals_their_step_needs() -> None:
    """review-analyst14: a tornado's axis read "0% 1% 2% 2% 3%" (ticks 0.75 points
    apart, rounded to whole percents)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from pactsim.views.plot import _percent_axis

    fig, ax = plt.subplots()
    try:
        ax.set_xlim(0, 3)
        ax.set_xticks([0, 0.75, 1.5, 2.25, 3])
        _percent_axis(ax.xaxis)
        fig.canvas.draw()
        assert [t.get_text() for t in ax.get_xticklabels()] == [
            "0.00%", "0.75%", "1.50%", "2.25%", "3.00%"]
        ax.set_xlim(0, 100)
        ax.set_xticks([0, 25, 50, 75, 100])
        fig.canvas.draw()
        assert [t.get_text() for t in ax.get_xticklabels()] == [
            "0%", "25%", "50%", "75%", "100%"]
    finally:
        plt.close(fig)


def test_history_never_prints_a_standard_error_of_zero_that_is_not() -> None:
    """review-analyst14: `history` printed "1.8% ±0.0" for an error under 0.05 points."""
    from pactsim.views.history import _se

    assert [_se(x) for x in (0.0123, 0.0004, 0.0, float("nan"))] == [
        " ±1.2", " ±<0.1", " ±0", ""]


def test_pool_says_which_files_are_read_with_their_news() -> None:
    """review-analyst14: a node pooled to 1.000 because one file's news settled it, with
    no word that the files' observations were used."""
    base = ("pactsim: 2\nid: p\nas_of: 2025-01-01\nhorizon: 2025-12-31\n"
            "events:\n  rain: {p: 0.4}\n")
    news = base + ("observations:\n  - {date: 2025-03-01, source: wire, evidence: rain}\n")
    pooled = pactsim.pool([pactsim.loads(base), pactsim.loads(news)], names=["a", "b"])
    assert "each file's numbers are given its own news (observations: b to 2025-03-01)" \
        in pooled.notes
    assert pooled.table.loc["rain", "b"] == pytest.approx(1.0)
    assert not any("news" in n for n in pactsim.pool(
        [pactsim.loads(base), pactsim.loads(base)], names=["a", "b"]).notes)


# -- messages a new analyst met (review-analyst14), each located and with its fix --------------
_BASE = """\
pactsim: 2
id: m
as_of: 2025-04-01
horizon: 2025-12-31
events:
  text_agreed: {by: {2025-12-31: 0.6}}
  us_engaged: {p: 0.5}
signing:
  after: text_agreed
  delay: {median: 30, p90: 90}
questions:
  quick: signing.date - text_agreed.date <= 60
"""


@pytest.mark.parametrize(("old", "new", "where", "words"), [
    ("  delay: {median: 30, p90: 90}\n",
     "  delay: {median: 30, p90: 90}\n  given: [us_engaged]\n  table:\n"
     "    true: {by: {2025-09-30: 0.5}}\n    false: {by: {2025-12-31: 0.3}}\n",
     ":13:11: signing.table.true", "= {by: {2025-09-30: 0.5}} is a curve, but a milestone's "
     "table gives its chance of ever happening once its anchor has: a number per row"),
    ("{median: 30, p90: 90}", "{median: 30}", ":10:10: signing.delay",
     "= {median: 30} gives median without p90: a lognormal delay needs both"),
    ("  delay: {median: 30, p90: 90}\n",
     "  delay: {median: 30, p90: 90}\n  why_by: {2025-09-30: a referendum}\n",
     ":11:3: signing.why_by", "a milestone has none (its date comes from after + delay): "
     "give the reason in why"),
    # an undated event's why_by was accepted without a word (review-cli, 2026-12-04)
    ("  us_engaged: {p: 0.5}\n", "  us_engaged: {p: 0.5, why_by: {2025-09-30: a visit}}\n",
     ":7:24: events.us_engaged.why_by", "explains points of a by curve, but this event has "
     "none (it is undated: p is its chance by the horizon)"),
    ("  after: text_agreed\n", "", ":9:3: signing.delay", "e.g. after: text_agreed"),
    # a by written but invalid is not "no by": its own error alone
    ("  us_engaged: {p: 0.5}\n", "  us_engaged: {by: {2025-09-30: 1.5}, why_by: {2025-09-30: "
     "x}}\n", ":7:33: events.us_engaged.by.2025-09-30", "= 1.5 must be"),
    ("  text_agreed: {by:", "  text-agreed: {by:", ":9:10: signing.after",
     "unknown name 'text_agreed' (in after); the file defines 'text-agreed', which is not a "
     "valid name: rename it text_agreed"),
    ("<= 60", "<= '60'", ":12:45: questions.quick",
     "dates and numbers are written without quotes"),
    ("<= 60", "<= 60 days", ":12:48: questions.quick", "numbers have no units"),
    ("signing.date - text_agreed.date <= 60", "signing.date + 30 <= 2025-10-01",
     ":12:23: questions.quick", "write the days between them: a.date - b.date <= 30"),
], ids=["curve-table", "median-alone", "why_by", "why_by-undated", "delay-alone",
        "why_by-bad-by", "misnamed", "quoted", "units", "plus"])
def test_a_mistake_gets_its_own_fix(old: str, new: str, where: str, words: str) -> None:
    text = _BASE.replace(old, new)
    assert text != _BASE
    with pytest.raises(ScenarioError) as err:
        pactsim.loads(text, name="m.yaml")
    lines = [x for x in str(err.value).splitlines() if where in x]
    assert any(words in x for x in lines), str(err.value)
    assert "this event has none" not in str(err.value) or "undated" in words or \
        "has none" in words, str(err.value)
    assert "datetime.date" not in str(err.value) and "{'" not in str(err.value)


def test_a_file_without_signing_says_so_where_it_is_used() -> None:
    text = _BASE.replace("signing:\n  after: text_agreed\n  delay: {median: 30, p90: 90}\n",
                         "").replace("signing.date - ", "").replace(" <= 60", "")
    text = text.replace("events:\n", "events:\n  r: {after: signing, delay: 30}\n")
    with pytest.raises(ScenarioError) as err:
        pactsim.loads(text, name="m.yaml")
    assert "events.r.after: unknown name 'signing' (in after); this file has no signing: " \
        "section: add one" in str(err.value)


def test_set_of_a_curve_point_on_a_milestone_signing_says_what_it_is() -> None:
    sc = pactsim.loads(_BASE)
    with pytest.raises(ArgumentError, match=r"signing is a milestone \(after \+ delay\) "
                       r"here: it has no by curve"):
        sc.with_changes({"signing.by.2025-12-31": 0.3})


def test_a_conditional_on_few_signed_draws_says_so() -> None:
    """review-numbers14: P(in text | signed) printed 0.0% (0 of 2 draws; the answer is
    0.4), with a standard error of 0 and no word that it rests on two draws."""
    from pactsim.views.text import format_results

    sc = pactsim.loads("pactsim: 1\nid: f\nas_of: 2025-01-01\nhorizon: 2025-12-31\n"
                       "signing: {by: {2025-12-31: 0.0005}}\npillars:\n  d: {p: 0.4}\n"
                       "questions:\n  q: d\n")
    res = pactsim.simulate(sc, n=20_000, seed=3)
    k = round(res.prob("signing").value * 20_000)
    assert 0 < k < 30
    text = format_results(res)
    line = f"  (P(· | signed) rests on about {k:,} signed draws of 20,000: more draws steady it)"
    assert text.count(line) == 2  # under the questions and under the text
    many = format_results(pactsim.simulate(sc.with_changes({"signing.by.2025-12-31": 0.5}),
                                           n=20_000, seed=3))
    assert "rests on about" not in many


def test_the_time_averaged_table_keeps_an_item_resolved_before_the_news(
        tmp_path: Path) -> None:
    """review-analyst14: an item resolved before the file's first news had one version
    and was left out of the time-averaged table, while the mean scores counted it."""
    sc = pactsim.loads("pactsim: 2\nid: t\nas_of: 2025-01-01\nhorizon: 2025-12-31\n"
                       "events:\n  a: {p: 0.3}\n  b: {p: 0.6}\nobservations:\n"
                       "  - {date: 2025-03-01, source: wire, evidence: b, "
                       "likelihood_ratio: 4}\n")
    f = tmp_path / "r.yaml"
    f.write_text("resolutions: 1\nscenario: t\nsources: {n: news}\noutcomes:\n"
                 "  a: {outcome: true, resolved: 2025-02-01, source: n}\n"
                 "  b: {outcome: true, resolved: 2025-05-01, source: n}\n")
    track = pactsim.score(sc, f).track.set_index("item")
    assert (track.loc["a", "versions"], track.loc["a", "days"]) == (1, 31)
    assert track.loc["a", "brier"] == pytest.approx(0.7 ** 2, abs=1e-12)  # P(a) = 0.3
    # b: the priors for 59 days (0.6), then 0.6 * 4 / (0.6 * 4 + 0.4) for 61 days
    after = 2.4 / 2.8
    assert (track.loc["b", "versions"], track.loc["b", "days"]) == (2, 120)
    assert track.loc["b", "brier"] == pytest.approx(
        (59 * 0.4 ** 2 + 61 * (1 - after) ** 2) / 120, abs=1e-12)


def test_exact_leaves_blank_only_the_p_given_signed_it_cannot_give() -> None:
    """review-numbers14: `run --method exact` refused the whole run when one question's
    P(yes | signed) needed a joint law beyond exact inference, though the question itself
    is answered. The column is now blank for it, and a line says why; the answer agrees
    with Monte Carlo (n = 200,000, seed 4, within 4 standard errors)."""
    from pactsim.views.text import format_results

    sc = pactsim.loads(
        "pactsim: 2\nid: s\nas_of: 2025-01-01\nhorizon: 2026-06-30\nevents:\n"
        "  text: {by: {2025-06-30: 0.3, 2025-12-31: 0.6, 2026-06-30: 0.75}}\n"
        "  rat_a: {after: signing, delay: 40, p: 0.9}\n"
        "  rat_b: {after: signing, delay: {by: {60: 0.5, 120: 0.8}}}\n"
        "signing:\n  after: text\n  delay: {by: {30: 0.5, 90: 0.9}}\n"
        "questions:\n  both: rat_a and rat_b\n  early: signing.date <= 2025-12-31\n")
    ex = pactsim.exact(sc)
    qs = ex.questions()
    assert qs.p_given_signed.isna().tolist() == [True, False]
    assert list(ex.unanswered_given_signed) == ["both"]
    p = qs.loc["both", "p"]
    mc = pactsim.simulate(sc, n=200_000, seed=4).prob("both").value
    assert abs(mc - p) <= 4 * (p * (1 - p) / 200_000) ** 0.5
    assert "  (P(yes | signed) of both left blank: " in format_results(ex)


def test_a_clamped_factor_range_says_where_it_stops() -> None:
    """review-numbers14: "÷/× 2, not past 1 (no effect)" read as if the input had no
    effect; the low end of odds 1.5 halved (0.75) is clamped to 1, and the words say so.
    By hand: P(x) = 0.4 without the factor; with 3 on esc (0.3): 0.7*0.4 + 0.3*2/3."""
    sc = pactsim.loads("pactsim: 1\nid: t\nas_of: 2025-01-01\nhorizon: 2025-12-31\nevents:\n"
                       "  esc: {p: 0.3}\n  x: {p: 0.4, odds: {esc: 1.5}}\nquestions:\n  q: x\n")
    row = pactsim.sensitivity(sc, "q").tornado.set_index("input").loc["x.odds.esc"]
    assert (row.low, row.high) == (1.0, 3.0)
    assert row["range"] == "÷/× 2, stopping at 1 (a factor of 1: no effect)"
    assert row.q_low == pytest.approx(0.4, abs=1e-12)
    assert row.q_high == pytest.approx(0.7 * 0.4 + 0.3 * 2 / 3, abs=1e-12)


def test_a_delay_without_after_suggests_a_dated_node_of_the_file() -> None:
    """review-session14: the old fixed example (after: text_agreed) passed the earlier
    test by chance; here the file's dated node is named talks."""
    text = ("pactsim: 2\nid: m\nas_of: 2025-04-01\nhorizon: 2025-12-31\nevents:\n"
            "  talks: {by: {2025-12-31: 0.6}}\nsigning:\n  delay: 30\n")
    with pytest.raises(ScenarioError, match="signing.delay: needs after: the dated node"
                       r"\(s\) the delay runs from, e.g. after: talks$"):
        pactsim.loads(text, name="m.yaml")


def test_the_strategies_make_milestone_signings() -> None:
    """pactsim.testing's dated scenarios include a signing that is a milestone (300
    derandomized examples held 16 on 2026-12-02; the signing is placed after every event
    half the time since)."""
    from samples import drawn

    seen = {"milestone": 0, "curve": 0}
    for sc in drawn(300, dated=True):
        if sc.signing is not None:
            seen[str(sc.nodes["signing"].timing)] += 1
    assert seen["milestone"] >= 5 and seen["curve"] >= 50, seen


def test_a_curve_signing_with_a_milestones_keys_is_told_of_the_milestone_form() -> None:
    text = ("pactsim: 2\nid: x\nas_of: 2025-01-01\nhorizon: 2025-12-31\nevents:\n"
            "  esc: {p: 0.3}\nsigning:\n  by: {2025-12-31: 0.5}\n  requires: [esc]\n")
    with pytest.raises(ScenarioError, match=r"x.yaml:9:3: signing.requires: unknown field "
                       r"'requires' .*: a signing timed by a curve takes no requires; write "
                       r"it as a milestone \(after: a dated node, delay: ...\)"):
        pactsim.loads(text, name="x.yaml")


def test_with_changes_shows_values_as_yaml() -> None:
    """review-session14: with_changes messages still showed Python reprs."""
    sc = pactsim.loads(_BASE)
    with pytest.raises(ScenarioError) as err:
        sc.with_changes({"signing.by": {"2025-12-31": 0.5}})
    msg = str(err.value)
    assert "signing.by: = {2025-12-31: 0.5}: " in msg and "{'" not in msg
    assert "drop after to give the signing its own curve" in msg


def test_unsetting_p_keeps_the_table_set_in_the_same_call() -> None:
    """review-session14 (from before this session): `{"x.given": ..., "x.table": ...,
    "x.p": None}` dropped the table it had just set, leaving a milestone's chance 1 (and
    an event refused); None only unsets p now, in either order. By hand 0.3*0.5 + 0.7*0.2."""
    sc = pactsim.loads("pactsim: 1\nid: t\nas_of: 2025-01-01\nhorizon: 2025-12-31\nevents:\n"
                       "  esc: {p: 0.3}\n  x: {p: 0.4}\n")
    table = {"x.given": ["esc"], "x.table": {True: 0.5, False: 0.2}}
    for changes in ({**table, "x.p": None}, {"x.p": None, **table}):
        v = sc.with_changes(changes)
        assert v.events["x"].p is None and v.events["x"].given == ["esc"]
        assert pactsim.exact(v).prob("x").value == pytest.approx(0.29, abs=1e-12)
    milestone = pactsim.loads(_BASE.replace("  after: text_agreed\n",
                                            "  after: text_agreed\n  p: 0.5\n"))
    v = milestone.with_changes({"signing.given": ["us_engaged"],
                                "signing.table": {True: 0.5, False: 0.2}, "signing.p": None})
    assert v.signing.given == ["us_engaged"]
    assert pactsim.exact(v).prob("signing").value == pytest.approx(
        0.35 * pactsim.exact(milestone).prob("signing").value / 0.5, abs=1e-12)
