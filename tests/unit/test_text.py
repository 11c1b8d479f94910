"""Unit tests of pactsim.views.text (the printed forecast) and pactsim.views.export."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import pactsim
from pactsim.views import export, text
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


def test_json_export_carries_bundle_counts_and_bounds(res: pactsim.Results) -> None:
    data = json.loads(export.results_to_json(Pruned(res, 7)))  # type: ignore[arg-type]
    top = res.bundles(top=1).iloc[0]
    assert data["bundles"][0] == {"items": list(top["items"]), "p": top.p,
                                  "stderr": top.stderr, "count": int(top["count"]), "bound": 7}
    assert data["signing_cdf"][0]["date"] == str(res.key_dates()[0])
    table = export.results_to_table(res)
    assert list(table.columns) == ["kind", "name", "p", "stderr", "lo", "hi"]
    assert set(table.kind) >= {"question", "pillar", "clause", "event", "signed_by"}
