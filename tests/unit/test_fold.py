"""Long lines of the text outputs folded to the terminal's width (``views.format.fold``)
and the CLI folding only on a terminal: piped output keeps a row on one line."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pactsim.cli import main
from pactsim.views.terminal import MIN_FOLD, _is_row, fold

ROOT = Path(__file__).resolve().parents[2]
FLAGSHIP = ROOT / "scenarios" / "iran-russia-2024.yaml"


def _words(text: str) -> list[str]:
    return text.split()


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(alphabet="ab  %.,()=-", min_size=0, max_size=160), max_size=6),
       st.integers(min_value=0, max_value=200))
def test_fold_fits_and_keeps_every_word(lines: list[str], width: int) -> None:
    text = "\n".join(lines)
    out = fold(text, width)
    limit = max(width, MIN_FOLD)
    assert all(len(line) <= limit for line in out.split("\n"))
    # nothing lost or added: the same characters apart from spaces and line breaks
    assert "".join(_words(out)) == "".join(_words(text))
    for line in text.split("\n"):  # short lines outside tables are left as they were
        if len(line) <= limit and not _is_row(line):  # (a table may lose spare spaces)
            assert line in out.split("\n")


def test_fold_cuts_a_table_at_one_gap_and_keeps_its_columns_aligned() -> None:
    rows = [f"  {name:<44} {lo:>6} .. {hi:<6}  {rng:<40} {a:>8} {b:>9} {sw:>8}"
            for name, lo, hi, rng, a, b, sw in [
                ("input", "low", "high", "range", "Q at low", "Q at high", "swing"),
                ("signing.hazard_ratio.us_trump_win", "0.6", "2.4", "÷/× 2", "34.2%",
                 "47.9%", "13.6 pp"),
                ("ratified_ir.delay", "160d", "240d", "×0.8/×1.2 (days)", "46.3%", "36.9%",
                 "9.4 pp"),
                ("signing.by.2025-03-31", "0.39", "0.73", "±1 log-odds (kept between "
                 "neighbours)", "36.8%", "43.7%", "6.9 pp")]]
    assert min(len(r) for r in rows) > 100
    lines = fold("\n".join(rows), 80).split("\n")
    assert len(lines) == 2 * len(rows) and all(len(line) <= 80 for line in lines)
    firsts, rests = lines[0::2], lines[1::2]
    cut = len(firsts[0])
    for row, first, rest in zip(rows, firsts, rests, strict=True):
        assert rest.startswith("      ") and first.startswith("  " + row.split()[0])
        assert " ".join(row.split()) == " ".join((first + " " + rest).split())
    # the columns before the cut stay aligned too: "..", between low and high, lines up
    assert len({f.index("..") for f in firsts}) == 1
    # the columns after the cut stay aligned: every rest ends where the others do
    assert len({len(r) for r in rests}) == 1
    assert len({r.rindex("%") for r in rests[1:]}) == 1 and cut <= 80


def test_fold_narrows_a_table_by_its_spare_spaces_first() -> None:
    cells = [("what", "name", "A", "B"), ("question", "alpha", "48.2%", "72.7%"),
             ("date", "beta_gamma", "2025-01-06", "2024-12-13")]
    rows = [f"  {a:<12}{b:<16}{c:<14}{d}" for a, b, c, d in cells]
    assert max(len(r) for r in rows) == 54
    out = fold("\n".join(rows), 46).split("\n")
    assert len(out) == len(rows) and max(len(line) for line in out) == 46  # not cut
    assert [line.split() for line in out] == [list(c) for c in cells]
    for k in range(1, 4):  # each column still starts at one place in every row
        assert len({line.index(c[k], len(c[0]) + 2) for line, c in zip(out, cells,
                                                                        strict=True)}) == 1


def test_fold_hangs_prose_four_spaces_in() -> None:
    line = "  no spread (the band is under 0.05 point wide): " + ", ".join(
        f"question_{i}" for i in range(12))
    first, *rest = fold(line, 80).split("\n")
    assert first.startswith("  no spread") and rest
    assert all(r.startswith("      ") and r[6] != " " for r in rest)


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def _run(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
         argv: list[str], tty: bool) -> str:
    capsys.readouterr()
    if not tty:
        assert main(argv) == 0
        return capsys.readouterr().out
    screen = _Terminal()
    monkeypatch.setenv("COLUMNS", "80")
    monkeypatch.setattr("sys.stdout", screen)
    assert main(argv) == 0
    monkeypatch.undo()
    return screen.getvalue()


@pytest.mark.parametrize("argv", [
    ["run", str(FLAGSHIP), "-n", "20000", "--seed", "3"],
    ["sensitivity", str(FLAGSHIP), "-q", "instc=named", "--top", "5"],
])
def test_cli_folds_on_a_terminal_only(monkeypatch: pytest.MonkeyPatch,
                                      capsys: pytest.CaptureFixture[str],
                                      argv: list[str]) -> None:
    piped = _run(monkeypatch, capsys, argv, tty=False)
    shown = _run(monkeypatch, capsys, argv, tty=True)
    assert max(len(line) for line in piped.splitlines()) > 80  # the case is real
    assert max(len(line) for line in shown.splitlines()) <= 80
    assert shown == fold(piped, 80)
    assert re.sub(r"\s+", " ", shown) == re.sub(r"\s+", " ", piped)


def test_fold_wraps_a_last_column_under_itself_when_no_gap_is_common() -> None:
    """Sets of pillars (a share right-aligned, then the set): no column gap all rows
    share past the share, so each set continues under where it starts."""
    rows = [f"  {p:>6}  " + " + ".join(names) for p, names in [
        ("21.0%", ["security", "military", "energy", "payments", "instc=named", "trade",
                   "culture"]),
        ("3.9%", ["security", "military", "energy", "instc=named", "trade", "culture",
                  "space"]),
        ("17.6%", ["(nothing)"])]]
    out = fold("\n".join(rows), 60).split("\n")
    start = rows[0].index("security")
    assert all(len(line) <= 60 for line in out) and len(out) == 5
    assert [line for line in out if not line.lstrip().endswith(")")
            and "%" not in line] == [line for line in out if line.startswith(" " * start)]
    assert all(line[start] != " " for line in out if line.startswith(" " * start))
