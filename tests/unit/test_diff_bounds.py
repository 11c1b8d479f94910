"""`diff` of scenarios that differ a lot stays bounded: it once built every variant a
search for a valid group of edits met (10,700 for the two analytic dated files; the
flagship against the EU–Mercosur file ran past 10 minutes and 12 GB). The version line
is a text edit, and the edits of the nodes an invalid variant's error names are tried
before any blind search."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest

import pactsim
import pactsim.analysis.diff as diff_module
from pactsim.language.io import from_dict

ROOT = Path(__file__).resolve().parents[2] / "scenarios"


@pytest.fixture
def built(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts the scenarios diff builds (each a validation of a variant)."""
    count = [0]

    def counting(*args: Any, **kwargs: Any) -> pactsim.Scenario:
        count[0] += 1
        return from_dict(*args, **kwargs)

    monkeypatch.setattr(diff_module, "from_dict", counting)
    return count


def test_two_very_different_files_build_few_variants(built: list[int]) -> None:
    a, b = pactsim.load(ROOT / "analytic-dated.yaml"), pactsim.load(ROOT / "analytic-timing.yaml")
    d = pactsim.diff(a, b)
    assert built[0] <= 3 * diff_module.MAX_SEARCH  # 10,701 before
    # the attribution still sums to the change, whatever went together
    t = d.totals.iloc[0]
    assert d.attribution.shapley.sum() == pytest.approx(t.change, abs=1e-12)


def test_different_agreements_are_said_to_be_so(built: list[int]) -> None:
    a = pactsim.load(ROOT / "iran-russia-2024.yaml")
    b = pactsim.load(ROOT / "eu-mercosur-2024.yaml")
    d = pactsim.diff(a, b)
    assert built[0] <= 3 * diff_module.MAX_SEARCH
    assert any("different agreements" in n for n in d.notes)
    assert any("within 500 scenarios" in n for n in d.notes)  # said when the search stops
    # the text table names a long group by its first edits and a count
    row = next(x for x in str(d).splitlines() if "more)" in x)
    assert len(row) < 120


V1 = """\
pactsim: 1
id: v
as_of: 2024-11-05
horizon: 2025-12-31
signing:
  by: {2024-12-31: 0.4, 2025-12-31: 0.8}
events:
  crisis: {p: 0.3}
  shock: {p: 0.2}
pillars:
  military:
    given: [shock]
    table: {true: 0.9, false: 0.5}
"""


def test_the_version_line_is_a_text_edit() -> None:
    # B needs format 2 (a dated event); raising the version changes no number, so the
    # dated edit and the change of p are attributed on their own
    b = V1.replace("pactsim: 1", "pactsim: 2").replace(
        "crisis: {p: 0.3}", "crisis: {by: {2025-06-30: 0.2, 2025-12-31: 0.3}}").replace(
        "shock: {p: 0.2}", "shock: {p: 0.4}")
    d = pactsim.diff(pactsim.loads(V1), pactsim.loads(b), "military")
    assert "pactsim" in [e.name for e in d.text_edits]
    assert sorted(e.name for e in d.edits) == ["crisis.p + crisis.by", "shock.p"]
    # shock.p alone moves P(military): 0.8 x 0.4 x (0.2 -> 0.4) = +0.032, crisis nothing
    got = dict(zip(d.attribution.edit, d.attribution.shapley, strict=True))
    assert got["shock.p"] == pytest.approx(0.8 * 0.4 * 0.2, abs=1e-12)
    assert got["crisis.p + crisis.by"] == pytest.approx(0.0, abs=1e-12)


def test_the_edits_an_error_names_go_together(built: list[int]) -> None:
    # removing `shock` alone leaves `military` given an unknown name: the edit of
    # military goes with it, found from the error, and crisis.p stays apart
    b = V1.replace("  shock: {p: 0.2}\n", "").replace(
        "    given: [shock]\n    table: {true: 0.9, false: 0.5}\n", "    p: 0.6\n").replace(
        "crisis: {p: 0.3}", "crisis: {p: 0.35}")
    d = pactsim.diff(pactsim.loads(V1), pactsim.loads(b), "military")
    names = sorted(e.name for e in d.edits)
    assert "crisis.p" in names and len(names) == 2
    assert any("shock" in n and "military" in n for n in names)
    assert any("applied together" in n for n in d.notes)


def test_the_pairing_note_only_comes_with_monte_carlo() -> None:
    a = pactsim.loads(V1)
    b = pactsim.loads(V1.replace("  crisis: {p: 0.3}\n  shock: {p: 0.2}\n",
                                 "  shock: {p: 0.2}\n  crisis: {p: 0.3}\n"))
    exact = pactsim.diff(a, b, "military")
    assert exact.method == "exact"
    assert not any("pairs their draws" in n for n in exact.notes)
    mc = pactsim.diff(a, b, "military", method="mc", n=2000)
    assert any("pairs their draws" in n for n in mc.notes)


def test_the_named_edits_are_found_where_a_blind_search_would_give_up() -> None:
    # removing `shock` needs the edits of both nodes given it: a pair among 62 edits,
    # C(62, 2) = 1,891 variants, past MAX_SEARCH. The error names them, so they are
    # found at once; a blind search would have merged all 62 edits into one.
    events = "".join(f"  e{i}: {{p: 0.5}}\n" for i in range(60))
    a_text = ("pactsim: 1\nid: w\nas_of: 2024-11-05\nhorizon: 2025-12-31\nevents:\n"
              + events + "  shock: {p: 0.2}\npillars:\n"
              "  military: {given: [shock], table: {true: 0.9, false: 0.5}}\n"
              "  trade: {given: [shock], table: {true: 0.7, false: 0.4}}\n")
    b_text = (a_text.replace("{p: 0.5}", "{p: 0.6}").replace("  shock: {p: 0.2}\n", "")
              .replace("{given: [shock], table: {true: 0.9, false: 0.5}}", "{p: 0.6}")
              .replace("{given: [shock], table: {true: 0.7, false: 0.4}}", "{p: 0.5}"))
    a, b = pactsim.loads(a_text), pactsim.loads(b_text)
    edits, _ = diff_module.edits_between(a, b)
    assert len(edits) == 63 and math.comb(62, 2) > diff_module.MAX_SEARCH
    notes: list[str] = []
    grouped = diff_module._group_singles(diff_module._Variants(a, b, edits), notes)
    merged = [e for e in grouped.edits if len(e.leaves) > 1]
    assert len(grouped.edits) == 61  # the 60 events, and shock with military and trade
    assert len(merged) == 1 and {leaf.path[1] for leaf in merged[0].leaves} == {
        "shock", "military", "trade"}
    assert not any("every remaining edit" in n for n in notes)
