"""Unit tests of pactsim.views.text (the printed forecast); exports: test_export.py."""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

import pactsim
from pactsim.views import text
from view_fakes import NO_PILLARS, NOTHING_SIGNED, Pruned

ROOT = Path(__file__).resolve().parents[2]
FLAGSHIP = ROOT / "scenarios" / "iran-russia-2024.yaml"


@pytest.fixture(scope="module")
def res() -> pactsim.Results:
    return pactsim.simulate(pactsim.load(FLAGSHIP), n=20_000, seed=1, keep_draws=False)


def test_forecast_text(res: pactsim.Results) -> None:
    out = res.summary()
    assert out == text.format_results(res)
    for heading in ("Questions", "Signed on or before", "In the text", "Context events",
                    "Most frequent texts (exact sets of pillars)"):
        assert f"\n{heading}" in out
    row = res.questions().loc["signed_by_2024"]
    assert f"{100 * row.p:.1f}% [{100 * row.lo:.1f}–{100 * row.hi:.1f}]" in out
    assert "Distribution of n_pillars: mean " in out
    assert "\n\n\n" not in out
    assert not [line for line in out.splitlines() if line != line.rstrip()]
    assert "may be low" not in out  # pillar sets are counted exactly


def test_pruned_counts_are_shown_with_their_bound(res: pactsim.Results) -> None:
    small = Pruned(res, 1)  # below every standard error: counts shown, nothing marked
    out = text.format_results(small)  # type: ignore[arg-type]
    assert "+≤1 draws)" in out
    assert "≥" not in out
    assert "counts may be low by up to 1 draws (less than their standard error)" in out
    big = text.format_results(Pruned(res, 5_000, warn=True))  # type: ignore[arg-type]
    lines = big.split("Most frequent texts")[1].splitlines()
    assert all(line.startswith(" ≥") for line in lines[1:6])
    assert "≥ counts may be low by up to 5,000 draws (more than their standard error)" in big


def test_no_pillars_no_texts_section() -> None:
    res = pactsim.simulate(pactsim.loads(NO_PILLARS), n=1_000, seed=1)
    out = res.summary()
    assert "(nothing)" not in out
    assert "Most frequent texts" not in out
    assert "In the text" not in out
    assert out.endswith("]\n")


def test_never_signed_says_so() -> None:
    res = pactsim.simulate(pactsim.loads(NOTHING_SIGNED), n=1_000, seed=1)
    out = res.summary()
    assert "not signed by the horizon in any draw" in out
    assert "Distribution of when: no value in any draw" in out
    assert "nan" not in out


def test_questions_show_p_given_signed(res: pactsim.Results) -> None:
    out = res.summary()
    lines = _section(out, "Questions")
    assert "P(yes | signed)" in lines[0]
    qs = res.questions()
    assert len(lines) == len(qs) + 1
    for line, (name, row) in zip(lines[1:], qs.iterrows(), strict=True):
        assert line.split()[0] == name
        shown = re.findall(r"(\d+\.\d+)%", line)
        assert [float(x) for x in shown] == [round(100 * row.p, 1),
                                            round(100 * row.p_given_signed, 1)], line
        assert line.endswith(str(row.expr))
        # the column lines up under its heading
        assert line.rindex(shown[1] + "%") + len(shown[1]) + 1 == (
            lines[0].index("P(yes | signed)") + 6)


def test_questions_without_signing_have_no_given_signed_column() -> None:
    res = pactsim.simulate(pactsim.load(ROOT / "scenarios" / "analytic-independent.yaml"),
                           n=1_000, seed=1)
    lines = _section(res.summary(), "Questions")
    assert "signed" not in lines[0]
    assert all(len(re.findall(r"%", line)) == 1 for line in lines[1:])


def test_never_signed_has_no_given_signed_column() -> None:
    text = NOTHING_SIGNED + "  early: signing.date <= 2025-03-31\n"
    lines = _section(pactsim.simulate(pactsim.loads(text), n=1_000, seed=1).summary(),
                     "Questions")
    assert "signed" not in lines[0] and "nan" not in "".join(lines)


def _section(text: str, heading: str) -> list[str]:
    """The lines of one section, its heading line first."""
    for block in text.split("\n\n"):
        if block.startswith(heading):
            return block.splitlines()
    raise AssertionError(f"no section {heading!r} in {text}")


# -- the timeline (dated nodes) -----------------------------------------------------------------
DATED = ROOT / "scenarios" / "analytic-dated.yaml"


@pytest.fixture(scope="module")
def dated() -> pactsim.Results:
    return pactsim.simulate(pactsim.load(DATED), n=40_000, seed=2, keep_draws=True)


def _quantile_dates(col: Any) -> list[str]:
    """10/50/90% of the dates that exist, recounted from the draws: the first date
    whose share of them reaches the level; "—" when none exists."""
    days = col.dropna().sort_values().reset_index(drop=True)
    if not len(days):
        return ["—"] * 3
    return [str(days[max(math.ceil(q * len(days) - 1e-9), 1) - 1].date())
            for q in (0.1, 0.5, 0.9)]


def test_timeline_rows_against_hand_answers_and_draws(dated: pactsim.Results) -> None:
    from reference_answers import ANSWERS

    a = ANSWERS["analytic-dated.yaml"]
    hand = {"signing": a["signing"], "crisis": a["crisis"], "ratify_a": a["ratify_a_done"],
            "notify": a["notify_done"], "ratify_b": a["ratify_b_done"],
            "in_force": a["in_force_done"]}
    out = dated.summary()
    lines = _section(out, "Timeline")
    assert "P(by 2025-12-31)" in lines[1]
    rows = lines[2:]
    assert [r.split()[0] for r in rows] == ["signing", "crisis", "ratify_a", "notify",
                                            "ratify_b", "in_force"]
    frame = dated.to_frame()
    n = len(frame)
    se = 0.5 / math.sqrt(n)
    for row in rows:
        name = row.split()[0]
        col = frame[f"{name}.date"]
        shown = float(re.findall(r"(\d+\.\d+)%", row)[0]) / 100
        assert shown == round(col.notna().sum() / n * 100, 1) / 100  # the draws' own count
        assert abs(shown - hand[name]) <= 4.5 * se + 0.0005, (name, shown, hand[name])
        assert re.findall(r"\d{4}-\d{2}-\d{2}", row)[:3] == _quantile_dates(col), row
    timing = {r.split()[0]: r for r in rows}
    assert timing["ratify_a"].endswith("30 days after signing; p 0.5 of ever happening "
                                        "once its anchor has")
    assert timing["in_force"].endswith("10 days after both ratify_a and notify")
    assert timing["notify"].endswith("60 days after signing; p 0.6 of ever happening once its "
                                     "anchor has")


def test_on_or_before_grid_matches_the_draws(dated: pactsim.Results) -> None:
    lines = _section(dated.summary(), "On or before")
    dates = re.findall(r"\d{4}-\d{2}-\d{2}", lines[0])
    assert dates == [str(d) for d in dated.key_dates()]
    frame = dated.to_frame()
    for row in lines[1:]:
        name, *cells = row.split()
        col = frame[f"{name}.date"]
        want = [f"{100 * (col <= pd.Timestamp(d)).sum() / len(frame):.1f}%" for d in dates]
        assert cells == want, name
    # the hand answer at Jan 31 for the signing, and the milestones that cannot have happened
    from reference_answers import ANSWERS

    grid = {r.split()[0]: r.split()[1:] for r in lines[1:]}
    assert abs(float(grid["signing"][0][:-1]) / 100
               - ANSWERS["analytic-dated.yaml"]["signed_by_jan31"]) < 0.01
    assert grid["ratify_a"][0] == grid["notify"][0] == grid["in_force"][0] == "0.0%"


def test_context_events_are_the_undated_ones(dated: pactsim.Results,
                                             res: pactsim.Results) -> None:
    assert [r.split()[0] for r in _section(dated.summary(), "Context events")[1:]] == [
        "shock", "early_bonus"]
    rows = [r.split()[0] for r in _section(res.summary(), "Context events")[1:]]
    flagship = [r for r in rows if "=" not in r]  # a categorical event's outcomes follow it
    assert flagship == ["us_trump_win", "new_sanctions", "ukraine_war_continues",
                        "iran_israel_escalation", "brics_payments", "legal_form",
                        "signatories"]
    assert rows[rows.index("legal_form") + 1:rows.index("signatories")] == [
        "legal_form=absent", "legal_form=binding_treaty", "legal_form=programme"]
    timeline = [r.split()[0] for r in _section(res.summary(), "Timeline")[2:]
                if not r.split()[0].endswith(":")]
    assert timeline == ["signing", "ratified_ru", "ratified_ir", "in_force"]


def test_days_after_signing_line(res: pactsim.Results) -> None:
    """The flagship's days_to_in_force: its median in the timeline, and its
    distribution line, against a recount of the draws."""
    full = pactsim.simulate(res.scenario, n=20_000, seed=1, keep_draws=True)
    frame = full.to_frame()
    days = (frame["in_force.date"] - frame["signing.date"]).dt.days.dropna()
    out = full.summary()
    med = float(days.sort_values().iloc[math.ceil(0.5 * len(days)) - 1])
    assert (f"  in_force: median {med:.0f} days after signing, if it happens by the "
            "horizon (days_to_in_force)") in _section(out, "Timeline")
    line = next(x for x in out.splitlines() if x.startswith("Distribution of days_to_in_force"))
    q = [float(days.sort_values().iloc[math.ceil(p * len(days)) - 1]) for p in (0.1, 0.5, 0.9)]
    assert f"q10={q[0]:.3g}, q50={q[1]:.3g}, q90={q[2]:.3g}" in line
    assert f"mean {days.mean():.3g} (sd {days.std(ddof=0):.3g})" in line
    assert f"no value in {100 * (1 - len(days) / len(frame)):.1f}%" in line


def test_v1_scenarios_have_no_timeline() -> None:
    res = pactsim.simulate(pactsim.loads(NO_PILLARS), n=1_000, seed=1)
    assert "Timeline" not in res.summary() and "Signed on or before" in res.summary()
