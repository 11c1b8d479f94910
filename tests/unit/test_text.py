"""Unit tests of pactsim.views.text (the printed forecast); exports: test_export.py."""

from __future__ import annotations

import re
from pathlib import Path

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
