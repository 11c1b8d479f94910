"""Fixes of the 2026-12-02 session, each with the finding that led to it."""

from __future__ import annotations

from pathlib import Path

import pytest

import pactsim
from helpers import call

TABLE_SIGNING = """\
pactsim: 2
id: min2
as_of: 2025-09-01
horizon: 2027-06-30
events:
  cbam: {p: 0.45}
signing:
  given: [cbam]
  table:
    true: {by: {2026-12-31: 0.6, 2027-06-30: 0.75}}
    false: {by: {2026-12-31: 0.35, 2027-06-30: 0.5}}
questions:
  signed_by_2026: signing.date <= 2026-12-31
"""

GATED_EVENT = """\
pactsim: 2
id: gated
as_of: 2025-09-01
horizon: 2027-06-30
events:
  mandate: {p: 0.7}
  talks: {by: {2026-06-30: 0.4, 2027-06-30: 0.8}, requires: [mandate]}
questions:
  early_talks: talks.date <= 2026-06-30
"""


@pytest.mark.parametrize("method", ["exact", "mc"])
def test_a_question_on_a_signing_drawn_from_a_table_of_curves_does_not_watch_the_signing(
        method: str) -> None:
    # review-analyst11 B1: with `given` + `table` the signing was kept, "Q if not X" = 0
    # and the largest value of information: a tautology at the top of the report's table
    sc = pactsim.loads(TABLE_SIGNING)
    kw = {"n": 20_000, "seed": 1} if method == "mc" else {}
    s = pactsim.sensitivity(sc, "signed_by_2026", method=method, **kw)  # type: ignore[arg-type]
    assert list(s.voi.node) == ["cbam"]
    assert any(n.startswith("not in what to watch: signing (the question's own event")
               for n in s.notes), s.notes
    # the row that stays is the one exact inference gives: P(Q | cbam) from the table
    row = s.voi.set_index("node").loc["cbam"]
    assert row["q_if_true"] == pytest.approx(0.6, abs=4 * max(row["q_if_true_se"], 1e-12))
    assert row["q_if_false"] == pytest.approx(0.35, abs=4 * max(row["q_if_false_se"], 1e-12))


def test_a_dated_event_with_a_gate_is_not_watched_for_a_question_on_its_own_date() -> None:
    # the same reasoning holds with requires: learning that `talks` never happens (its
    # mandate failed) settles `early_talks` at the same moment
    sc = pactsim.loads(GATED_EVENT)
    s = pactsim.sensitivity(sc, "early_talks")
    assert list(s.voi.node) == ["mandate"]
    row = s.voi.set_index("node").loc["mandate"]
    assert row["q_if_true"] == pytest.approx(0.4, abs=1e-12)  # the curve's point
    assert row["q_if_false"] == pytest.approx(0.0, abs=1e-12)  # gated off


def test_a_gated_node_read_with_another_is_still_watched() -> None:
    # with two nodes read, a gate can make the last one known before the question settles:
    # the rule for the one node read does not extend to it
    sc = pactsim.loads(GATED_EVENT.replace(
        "  early_talks: talks.date <= 2026-06-30\n",
        "  early_talks: talks.date <= 2026-06-30\n  both: talks and signing\n").replace(
        "events:\n", "signing: {by: {2026-12-31: 0.5}}\nevents:\n"))
    s = pactsim.sensitivity(sc, "both")
    assert "talks" in set(s.voi.node)


FLAGSHIP = "scenarios/iran-russia-2024.yaml"


@pytest.mark.parametrize(("question", "hint"), [
    ("signing <= 2024-12-31", "did you mean 'signing.date'?"),
    ("2025-01-01 > ratified_ru", "did you mean 'ratified_ru.date'?"),
    ("us_trump_win <= 2024-12-31", None),  # not dated: no such hint
    ("signing == 3", None),  # a number, not a date
])
def test_a_dated_nodes_name_compared_with_a_date_suggests_its_date(
        question: str, hint: str | None) -> None:
    # review-analyst11 C6: a forgotten .date, a common slip, got no hint
    from pactsim.errors import PactsimError

    ex = pactsim.exact(pactsim.load(FLAGSHIP))
    with pytest.raises(PactsimError, match="cannot compare") as err:
        ex.prob(question)
    if hint is None:
        assert "did you mean" not in str(err.value)
    else:
        assert str(err.value).endswith(hint)


def test_a_part_of_a_value_set_whole_names_the_whole_key_in_yaml(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # review-analyst11 C3: "delay = {'median': 240, 'p90': 420} is one value, with no part
    # 'median' inside" contradicted the value it showed, in Python's notation
    variant = tmp_path / "v.yaml"
    variant.write_text(f"pactsim: 3\nextends: {Path(FLAGSHIP).resolve()}\nid: v\nset:\n"
                       "  ratified_ru.delay.median: 100\n", encoding="utf-8")
    code, _out, err = call(capsys, "validate", variant)
    assert code == 2
    assert (f"{variant}:5:3: set.ratified_ru.delay.median: events.ratified_ru.delay = "
            "{median: 140, p90: 300} is set whole, not part by part: write "
            "'ratified_ru.delay' with every part (e.g. ratified_ru.delay: {median: 140, "
            "p90: 300}, with the median you want)") in err


NEWS = "scenarios/variants/iran-russia-2024-news.yaml"


@pytest.mark.parametrize("argv", [
    ["run", NEWS, "--target-se", "0.002"],
    ["run", FLAGSHIP, "--target-se", "0.002", "--evidence", "su35_sale"],
    ["report", NEWS, "--target-se", "0.002"],
])
def test_target_se_under_news_is_refused_in_the_shells_words(
        argv: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # review-analyst11 C1: the CLI answered with the library's advice ("pass
    # observations=False", "results.info.ess"), which no CLI user can follow
    out = tmp_path / "out.html"
    code, stdout, err = call(capsys, *argv, "-o", out)
    assert code == 2 and stdout == "" and not out.exists()
    whence = "--evidence/--soft" if "--evidence" in argv else f"the observations of {NEWS}"
    assert err.strip() == (f"--target-se cannot be used with {whence}: under news the "
                           "standard errors depend on the weights of the draws; give -n "
                           "instead (the output prints the effective sample size)")
    assert "observations=False" not in err and "results.info" not in err


PILLAR_SLIP = """\
pactsim: 2
id: slip
as_of: 2025-09-01
horizon: 2027-06-30
signing: {by: {2026-12-31: 0.5}}
events:
  e: {p: 0.5, colour: red}
pillars:
  services:
    p: 0.8
    clauses:
      visas: {p: 0.5, colour: blue}
    data: {p: 0.15, requires: [visas]}
"""


def test_unknown_keys_list_what_that_kind_of_node_takes(tmp_path: Path) -> None:
    # review-analyst11 C5: a pillar's and a clause's "allowed here" listed by, after, delay
    # and hazard_ratio, which they refuse, and a clause indented one level too shallow
    # got no hint
    from pactsim.errors import ScenarioError

    path = tmp_path / "slip.yaml"
    path.write_text(PILLAR_SLIP, encoding="utf-8")
    with pytest.raises(ScenarioError) as err:
        pactsim.load(path)
    by_field = {p.field: p for p in err.value.problems}
    dated = ("by", "why_by", "hazard_ratio", "after", "delay")

    def allowed(message: str) -> list[str]:
        return message.split("(allowed here: ", 1)[1].split(")", 1)[0].split(", ")

    event = by_field["events.e.colour"]
    assert set(dated) <= set(allowed(event.message))
    pillar = by_field["pillars.services.data"]
    assert (pillar.line, pillar.column) == (13, 5)
    assert not set(dated) & set(allowed(pillar.message)) and "clauses" in allowed(pillar.message)
    assert pillar.message.endswith("if 'data' is a clause of this pillar, put it under its "
                                   "`clauses:` (`services: {clauses: {data: ...}}`)")
    clause = by_field["pillars.services.clauses.visas.colour"]
    assert not (set(dated) | {"clauses"}) & set(allowed(clause.message))
    assert "is a clause of this pillar" not in clause.message


def test_the_reports_headline_starts_at_the_news() -> None:
    # review-analyst11 C7: the first big number of a file with news was "0.0% signed by
    # 2024-12-31", a date the news (to 2025-01-13) had already settled
    import re

    from pactsim.views.report import report_html

    sc = pactsim.load(NEWS)
    ex = pactsim.exact(sc)
    page = report_html(ex, sensitivity=None)
    cards = page[page.index('<div class="cards">'):]
    cards = cards[:cards.index('<p class="lead">') if '<p class="lead">' in cards
                  else 3000]
    shown = re.findall(r"signed by (\d{4}-\d{2}-\d{2})", cards)
    news = max(o.date for o in sc.observations).isoformat()
    assert shown and all(d >= news for d in shown), shown
    first = min(d for d in sc.key_dates() if d.isoformat() >= news)
    assert shown[0] == first.isoformat()
    # its number is the exact answer, as printed
    want = float(ex.prob(f"signing.date <= {first.isoformat()}").value)
    assert f"{100 * want:.1f}%" in cards


def test_a_set_value_that_breaks_a_curve_is_blamed_alone(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # review-analyst11 C2: "(with set: services.clauses.mode4_visas.p)" named every other
    # set: key beside the one that made a later curve point too low
    variant = tmp_path / "v.yaml"
    variant.write_text(f"pactsim: 3\nextends: {Path(FLAGSHIP).resolve()}\nid: v\nset:\n"
                       "  us_trump_win.p: 0.6\n"
                       "  signing.by.2024-12-31: 0.9\n"
                       "  su35_sale.p: 0.5\n", encoding="utf-8")
    code, _out, err = call(capsys, "validate", variant)
    assert code == 2
    line = next(x for x in err.splitlines() if x.startswith(f"{variant}:"))
    assert line.startswith(f"{variant}:6:26: set.signing.by.2024-12-31: = 0.9 makes "
                           "signing.by.2025-03-31 (")
    assert "below the previous point (0.9)" in line
    assert "with set:" not in line and "us_trump_win" not in line and "su35" not in line


SCORED = """\
pactsim: 1
id: demo
as_of: 2024-01-01
horizon: 2024-01-11
signing: {by: {2024-01-11: 0.3}}
"""


def test_a_day_after_the_horizon_is_scored_by_its_chance_of_after_the_horizon(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # review-analyst11 C11: a signing dated after the horizon printed "P(that day) 0.7000",
    # which is the chance of no signing by the horizon, not of a day
    sc, res = tmp_path / "s.yaml", tmp_path / "r.yaml"
    sc.write_text(SCORED, encoding="utf-8")
    res.write_text("resolutions: 1\nscenario: demo\nsources: {s: a paper}\noutcomes:\n"
                   "  signing: {outcome: 2024-02-20, resolved: 2024-02-20, source: s}\n",
                   encoding="utf-8")
    code, out, _err = call(capsys, "score", sc, "--resolutions", res)
    assert code == 0
    # by hand: P(signed by the horizon) = 0.3, so P(after it) = 0.7, log -ln 0.7
    assert ("signing.date: 2024-02-20 (after the horizon); P(after the horizon) 0.7000, "
            "log 0.357") in out
    assert "P(that day)" not in out


CAUSE = TABLE_SIGNING.replace(
    "true: {by: {2026-12-31: 0.6, 2027-06-30: 0.75}}",
    "true: {by: {2026-12-31: 0.6, 2027-06-30: 1.0}}").replace(
    "false: {by: {2026-12-31: 0.35, 2027-06-30: 0.5}}",
    "false: {by: {2026-12-31: 0.0, 2027-06-30: 0.0}}").replace(
    "  cbam: {p: 0.45}\n", "  cbam: {p: 0.45}\n  other: {p: 0.3}\n")

ANCHOR = """\
pactsim: 2
id: anchor
as_of: 2024-01-01
horizon: 2024-12-31
events:
  a: {by: {2024-06-30: 0.5}}
  other: {p: 0.3}
  m: {after: a, delay: {by: {30: 0.5, 60: 1.0}}}
questions:
  q: m.date <= 2024-08-31
"""


@pytest.mark.parametrize("method", ["exact", "mc"])
def test_a_cause_the_question_node_always_follows_is_still_watched(method: str) -> None:
    # review-session11 #1: with the signing certain given cbam and impossible without it,
    # cbam (an undated event, learnable first) was merged into the left-out signing as
    # "known at the same time", and the table showed only an unrelated event
    kw = {"n": 20_000, "seed": 1} if method == "mc" else {}
    s = pactsim.sensitivity(pactsim.loads(CAUSE), "signed_by_2026", method=method,
                            **kw)  # type: ignore[arg-type]
    rows = s.voi.set_index("node")
    assert set(rows.index) == {"cbam", "other"}
    # by hand: P(Q | cbam) = 0.6 (its row's curve), P(Q | not cbam) = 0 (never signed)
    assert rows.loc["cbam", "q_if_true"] == pytest.approx(
        0.6, abs=4 * max(rows.loc["cbam", "q_if_true_se"], 1e-12))
    assert rows.loc["cbam", "q_if_false"] == 0.0
    note = next(n for n in s.notes if n.startswith("not in what to watch"))
    assert "cbam" not in note and "signing" in note


def test_an_anchor_a_milestone_always_follows_is_still_watched() -> None:
    # review-session11 #1 (older): `a` was dropped as "known only once m has happened",
    # though it happens first and settles the question: a by June, m within 60 days
    s = pactsim.sensitivity(pactsim.loads(ANCHOR), "q")
    rows = s.voi.set_index("node")
    assert set(rows.index) == {"a", "other"}
    assert rows.loc["a", "q_if_true"] == pytest.approx(1.0, abs=1e-12)
    assert rows.loc["a", "q_if_false"] == pytest.approx(0.0, abs=1e-12)
    assert rows.loc["other", "q_if_true"] == pytest.approx(0.5, abs=1e-12)


def test_a_key_of_another_node_is_not_blamed_for_sharing_its_section(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # review-session11 #2: 'set.e.p makes events.a.by.2024-03-01 wrong' when as_of moved
    # past that point: e.p shared only the word 'events' with the field
    base = tmp_path / "base.yaml"
    base.write_text("pactsim: 2\nid: base\nas_of: 2024-01-01\nhorizon: 2024-12-31\n"
                    "events:\n  e: {p: 0.4}\n  a: {by: {2024-03-01: 0.2, 2024-09-01: 0.5}}\n",
                    encoding="utf-8")
    variant = tmp_path / "v.yaml"
    variant.write_text("pactsim: 2\nextends: base.yaml\nid: v\nset:\n  as_of: 2024-04-01\n"
                       "  e.p: 0.5\n", encoding="utf-8")
    code, _out, err = call(capsys, "validate", variant)
    assert code == 2
    assert err.startswith(f"{variant}:5:10: set.as_of: = 2024-04-01 makes "
                          "events.a.by.2024-03-01 (")
    assert "set.e.p" not in err and "with set:" not in err
    with pytest.raises(pactsim.errors.ScenarioError) as raised:  # and with_changes alike
        pactsim.load(base).with_changes({"as_of": "2024-04-01", "e.p": 0.5})
    assert all(not p.field.startswith("e.p") for p in raised.value.problems)


TWO_CURVES_NEWS = """\
pactsim: 2
id: two
as_of: 2024-01-01
horizon: 2024-12-31
signing: {by: {2024-06-30: 0.5}}
events:
  talks: {by: {2024-05-31: 0.6}}
  done: {after: {all: [signing, talks]}, delay: 10}
questions:
  early: done.date <= 2024-09-30
observations:
  - {date: 2024-02-01, source: a paper, evidence: not signing.date <= 2024-01-31}
"""


def test_target_se_under_news_is_refused_where_auto_falls_back_to_monte_carlo(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # review-session11 #3: under --method auto, a file exact inference refuses went to
    # Monte Carlo and the library's wording (observations=False, results.info.ess)
    path = tmp_path / "two.yaml"
    path.write_text(TWO_CURVES_NEWS, encoding="utf-8")
    code, _out, err = call(capsys, "run", path, "--method", "exact")
    assert code == 2 and "exact inference handles a milestone" in err  # refused: the case
    code, stdout, err = call(capsys, "run", path, "--method", "auto", "--target-se", "0.01")
    assert code == 2 and stdout == ""
    last = err.strip().splitlines()[-1]  # after the note that Monte Carlo answers it
    assert last.startswith(f"--target-se cannot be used with the observations of {path}: "
                           "under news")
    assert "observations=False" not in err


def test_the_tornado_of_a_curve_after_a_very_skewed_beta_point() -> None:
    # review-session11 #5: beta [0.01, 10] has its mean (0.000999) above its 95% quantile
    # (0.000354); the between after it swung to its low end 0.0005, below that mean, and
    # the variant was refused, so the whole tornado raised on a valid file
    sc = pactsim.loads("pactsim: 2\nid: x\nas_of: 2024-01-01\nhorizon: 2024-12-31\nevents:\n"
                       "  e: {by: {2024-03-01: {beta: [0.01, 10]}, "
                       "2024-06-01: {between: [0.0005, 0.05]}}}\n")
    t = pactsim.sensitivity(sc, "e.date <= 2024-04-15", voi=False).tornado.set_index("input")
    row = t.loc["e.by.2024-06-01"]
    assert row["low"] == pytest.approx(0.01 / 10.01, rel=1e-12)  # capped at the beta's mean
    assert row["high"] == 0.05
    assert "capped at its neighbours" in row["range"]
    for end, col in (("low", "q_low"), ("high", "q_high")):  # each end a valid variant
        ex = pactsim.exact(sc.with_changes({"e.by.2024-06-01": float(row[end])}))
        assert row[col] == pytest.approx(ex.prob("e.date <= 2024-04-15").value, abs=1e-12)
