"""Review of 2026-12-01 (new user), items 2, 6 and 7: ``diff`` of a variant against its
base is not "different agreements", a variant is scored by its base's resolution file,
and the tables of ``score`` and ``diff`` fit 80 columns."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

import pactsim
from pactsim.analysis.scoring import score
from pactsim.errors import ScenarioError
from pactsim.language.resolutions import check_resolutions, load_resolutions
from pactsim.views.scoring import format_scorecard
from pactsim.views.terminal import fold

ROOT = Path(__file__).parents[2] / "scenarios"
FLAGSHIP = ROOT / "iran-russia-2024.yaml"
VARIANT = ROOT / "variants" / "iran-russia-2024-firm-december.yaml"
RESOLVED = ROOT / "backtest" / "iran-russia-2024.resolutions.yaml"
DPRK = ROOT / "backtest" / "russia-dprk-2024.yaml"
DPRK_RESOLVED = ROOT / "backtest" / "russia-dprk-2024.resolutions.yaml"

BASE = """\
pactsim: 2
id: base
as_of: 2024-01-01
horizon: 2024-12-31
events:
  a: {p: 0.3}
  b: {p: 0.5}
questions:
  both: a and b
"""


def _file(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text)
    return path


@pytest.fixture
def chain(tmp_path: Path) -> dict[str, Path]:
    """base.yaml; one.yaml extends it; two.yaml extends one.yaml; other.yaml extends base
    too (a sibling of one.yaml); alone.yaml is base written out with another id."""
    return {
        "base": _file(tmp_path, "base.yaml", BASE),
        "one": _file(tmp_path, "one.yaml", "pactsim: 2\nextends: base.yaml\nid: one\n"
                     "set: {a.p: 0.6}\n"),
        "two": _file(tmp_path, "two.yaml", "pactsim: 2\nextends: one.yaml\nid: two\n"
                     "set: {b.p: 0.7}\n"),
        "other": _file(tmp_path, "other.yaml", "pactsim: 2\nextends: base.yaml\nid: other\n"
                       "set: {b.p: 0.9}\n"),
        "alone": _file(tmp_path, "alone.yaml", BASE.replace("id: base", "id: alone")
                       .replace("{p: 0.3}", "{p: 0.6}").replace("{p: 0.5}", "{p: 0.7}")),
    }


# -- item 2: a variant and its base are one agreement -----------------------------------------
def test_the_shipped_variant_is_not_a_different_agreement() -> None:
    d = pactsim.diff(FLAGSHIP, VARIANT, "signed_by_2024")
    assert not any("different agreements" in n for n in d.notes), d.notes
    assert not any("go together" in n for n in d.notes)
    # the two edits are credited apart (the README's variant moves two signing points)
    assert [e.name for e in d.edits] == ["signing.by.2024-12-31", "signing.by.2025-03-31"]
    assert "note:" not in str(d)


def test_extended_ids_follow_the_chain_nearest_base_first(chain: dict[str, Path]) -> None:
    from pactsim.language.resolutions import extended_ids

    assert extended_ids(pactsim.load(chain["two"])) == ("one", "base")
    assert extended_ids(pactsim.load(chain["one"])) == ("base",)
    assert extended_ids(pactsim.load(chain["base"])) == ()
    # read from the text kept at load time: the files may be gone since
    two = pactsim.load(chain["two"])
    chain["one"].unlink()
    chain["base"].unlink()
    assert extended_ids(two) == ("one", "base")


@pytest.mark.parametrize(("a", "b"), [("base", "one"), ("one", "base"), ("base", "two"),
                                      ("two", "one"), ("one", "other")])
def test_files_of_one_chain_or_one_base_get_no_note(chain: dict[str, Path], a: str,
                                                    b: str) -> None:
    d = pactsim.diff(chain[a], chain[b], "both")
    assert not any("different agreements" in n for n in d.notes), d.notes


def test_unrelated_ids_get_the_note_without_go_together(chain: dict[str, Path]) -> None:
    """base -> alone: a.p 0.3 -> 0.6 and b.p 0.5 -> 0.7, each valid alone, so no edit
    is grouped: the note says different agreements, but not that edits go together."""
    d = pactsim.diff(chain["base"], chain["alone"], "both")
    (note,) = [n for n in d.notes if "different agreements" in n]
    assert "'base' and 'alone'" in note and "neither extends the other" in note
    assert "go together" not in note
    assert [e.name for e in d.edits] == ["a.p", "b.p"]
    # exact Shapley values by hand: 0.3*0.5 -> 0.6*0.7; a.p: (0.15 + 0.21)/2 = 0.18
    att = d.attribution.set_index("edit").shapley
    assert att["a.p"] == pytest.approx(0.5 * (0.6 * 0.5 - 0.15) + 0.5 * (0.42 - 0.3 * 0.7),
                                       abs=1e-12)


def test_go_together_is_said_when_most_edits_were_grouped(tmp_path: Path) -> None:
    """A's question reads `a`, B's reads `c` (a new node) and B drops `a`: dropping `a`
    alone leaves `both` naming an unknown node and the new question alone names an unknown
    node, so all three edits only work together (3 of 3 grouped)."""
    a = _file(tmp_path, "a.yaml", BASE)
    b = _file(tmp_path, "b.yaml", BASE.replace("id: base", "id: unrelated")
              .replace("  a: {p: 0.3}\n", "").replace("b: {p: 0.5}\n", "b: {p: 0.5}\n"
                                                      "  c: {p: 0.4}\n")
              .replace("both: a and b", "both: c and b"))
    d = pactsim.diff(a, b, "both")
    (note,) = [n for n in d.notes if "different agreements" in n]
    assert note.endswith("and most edits go together (3 of 3 edits are applied in groups)"), note
    assert len(d.edits) == 1
    t = d.totals.iloc[0]
    assert (t.a, t.b) == pytest.approx((0.15, 0.2), abs=1e-12)


# -- item 2 (nit): a variant is scored by its base's resolution file --------------------------
def test_the_base_resolutions_score_the_variant() -> None:
    variant = pactsim.load(VARIANT)
    res = load_resolutions(RESOLVED, scenario=variant)  # raised before
    assert res.scenario == "iran-russia-2024"
    card = score(variant, RESOLVED)
    ex = pactsim.exact(variant)
    items = card.items[card.items.kind == "binary"].set_index("item")
    assert set(card.items.scenario) == {"iran-russia-2024-firm-december"}
    assert items.loc["signed_by_2024", "p"] == pytest.approx(
        float(ex.prob("signed_by_2024").value), abs=1e-12)
    # the variant raised P(signed by 2024) from 0.397 to 0.599: it resolved false, so
    # its Brier score is 0.599^2 (the flagship's is 0.158)
    assert items.loc["signed_by_2024", "brier"] == pytest.approx(
        float(ex.prob("signed_by_2024").value) ** 2, abs=1e-12)
    assert items.loc["signed_by_2024", "brier"] > 0.35


def test_the_report_of_the_variant_takes_the_base_resolutions(tmp_path: Path) -> None:
    from pactsim.cli import main

    out = tmp_path / "r.html"
    assert main(["report", str(VARIANT), "-r", str(RESOLVED), "-n", "2000", "--seed", "1",
                 "-o", str(out)]) == 0
    assert "How did it score?" in out.read_text()


def test_a_chain_is_scored_by_any_base_and_the_nearest_wins(chain: dict[str, Path],
                                                            tmp_path: Path) -> None:
    head = ("resolutions: 1\nscenario: {}\nsources: {{s: a paper}}\noutcomes:\n"
            "  a: {{outcome: {}, resolved: 2024-06-01, source: s}}\n")
    base_res = _file(tmp_path, "base.res.yaml", head.format("base", "true"))
    one_res = _file(tmp_path, "one.res.yaml", head.format("one", "false"))
    two = pactsim.load(chain["two"])
    check_resolutions(load_resolutions(base_res), two)
    # two's a.p is one's 0.6: Brier (1 - 0.6)^2 by base's file, 0.6^2 by one's (nearer)
    assert score(two, base_res).items.brier.iloc[0] == pytest.approx(0.16, abs=1e-12)
    assert score(two, [base_res, one_res]).items.brier.iloc[0] == pytest.approx(0.36,
                                                                                  abs=1e-12)


def test_another_scenario_is_still_refused_and_told_about_bases(chain: dict[str, Path]
                                                                ) -> None:
    variant = pactsim.load(VARIANT)
    with pytest.raises(ScenarioError) as err:
        load_resolutions(DPRK_RESOLVED, scenario=variant)
    first = str(err.value).splitlines()[0]
    assert ("scenario: = 'russia-dprk-2024' but the scenario's id is "
            "'iran-russia-2024-firm-december', and that of the file it extends "
            "'iran-russia-2024'") in first
    assert "the id of a file it extends, through extends:, is accepted too" in first
    with pytest.raises(ScenarioError, match="matches none of the scenarios given "
                       r"\(iran-russia-2024-firm-december\) nor the files they extend "
                       r"\(iran-russia-2024\)"):
        score(variant, DPRK_RESOLVED)
    # a sibling's file is not a base's: refused
    other = pactsim.load(chain["other"])
    res = pactsim.language.resolutions.loads_resolutions(
        "resolutions: 1\nscenario: one\nsources: {s: x}\noutcomes:\n"
        "  a: {outcome: true, resolved: 2024-06-01, source: s}\n", name="r.yaml")
    with pytest.raises(ScenarioError, match="and that of the file it extends 'base'"):
        check_resolutions(res, other)


# -- items 6 and 7: 80 columns ---------------------------------------------------------------
def _table_after(text: str, heading: str) -> list[str]:
    lines = text.splitlines()
    k = next(i for i, x in enumerate(lines) if x.startswith(heading))
    rows = []
    for x in lines[k + 1:]:
        if not x.strip() or "  " not in x.strip():
            break
        rows.append(x)
    return rows


def test_the_scorecard_tables_fit_80_columns_and_say_the_method_once() -> None:
    card = score([FLAGSHIP, DPRK], [RESOLVED, DPRK_RESOLVED])
    text = format_scorecard(card)
    for sid, n in (("iran-russia-2024", 22), ("russia-dprk-2024", 6)):
        heading = f"{sid} (forecast as of "
        (line,) = [x for x in text.splitlines() if x.startswith(heading)]
        assert line.endswith("; p by exact inference)")
        rows = _table_after(text, heading)
        assert len(rows) == n + 1 and rows[0].split() == ["item", "p", "outcome", "Brier",
                                                           "base", "log", "base"]
        assert max(len(r) for r in rows) <= 80
        assert fold("\n".join(rows), 80).splitlines() == rows  # nothing wraps at 80
    row = next(x for x in text.splitlines() if x.startswith("military_without_alliance "))
    assert row.split()[1:] == ["0.563", "true", "0.191", "0.062", "0.574", "0.288"]


def test_mixed_methods_keep_the_column() -> None:
    card = score(DPRK, DPRK_RESOLVED)
    items = card.items.copy()
    items.loc[items.index[items.kind == "binary"][1], "method"] = "montecarlo"
    text = format_scorecard(dataclasses.replace(card, items=items))
    assert "russia-dprk-2024 (forecast as of 2024-06-01)\n" in text
    rows = _table_after(text, "russia-dprk-2024 (forecast")
    assert rows[0].split()[-1] == "method"
    assert [r.split()[-1] for r in rows[1:3]] == ["exact", "montecarlo"]


def test_the_diff_table_fits_80_columns_with_the_change_in_each_row() -> None:
    d = pactsim.diff(FLAGSHIP, VARIANT, "signed_by_2024")
    text = str(d)
    rows = _table_after(text, "Biggest changes")
    assert rows[0].split() == ["what", "name", "change", "A", "B"]
    assert max(len(r) for r in rows) <= 80
    assert fold("\n".join(rows), 80).splitlines() == rows
    a, b = pactsim.exact(pactsim.load(FLAGSHIP)), pactsim.exact(pactsim.load(VARIANT))
    pa = float(a.prob("signed_by_2024", given="signing").value)
    pb = float(b.prob("signed_by_2024", given="signing").value)
    row = next(r for r in rows if "signed_by_2024 | signed " in r)
    assert row.split()[-4:] == [f"{100 * (pb - pa):+.1f}", "pp", f"{100 * pa:.1f}%",
                                f"{100 * pb:.1f}%"]
    assert any(r.split()[:2] == ["date", "signing"] and r.split()[2:4] == ["-24", "days"]
               for r in rows)
