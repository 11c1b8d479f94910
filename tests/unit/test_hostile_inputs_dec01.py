"""Hostile inputs a fuzzer found on 2026-12-01 (review of that day, reproducers were in
/tmp/fuzz/repro): each is refused where it is written, or answered, never a traceback,
a raw terminal escape or a silent loss."""

from __future__ import annotations

import pytest

import pactsim
from pactsim.errors import ScenarioError

HEAD = "as_of: 2025-01-15\nhorizon: 2025-12-31\n"


def _problems(text: str) -> list[str]:
    with pytest.raises(ScenarioError) as info:
        pactsim.loads(text, name="f.yaml")
    return [str(p) for p in info.value.problems]


@pytest.mark.parametrize(("where", "text"), [
    ("events.a.p", "events:\n  a: {p: 1" + "0" * 400 + "}\n"),
    ("events.a.p", "events:\n  a: {p: -1" + "0" * 400 + "}\n"),
    ("events.r.delay.by", "signing:\n  by: {2025-06-30: 0.4}\nevents:\n"
                          "  r: {after: signing, delay: {by: {1" + "0" * 400 + ": 0.5}}}\n"),
])
def test_an_integer_past_the_float_range_is_a_located_error(where: str, text: str) -> None:
    """A whole number no float can hold (1e400 written out) was an OverflowError
    traceback; it is refused where it is written, as a number too large."""
    msgs = _problems("pactsim: 2\nid: x\n" + HEAD + text)
    hit = [m for m in msgs if f": {where}: invalid value '" in m]
    assert hit and "write a smaller number" in hit[0], msgs


ESCAPES = """\
pactsim: 2
id: hostile
title: "\\e]0;WINDOW-TITLE\\a\\e]52;c;ZWNobyBwd25lZA==\\aT"
as_of: 2025-01-01
horizon: 2025-12-31
signing:
  by: {2025-06-30: 0.4, 2025-12-31: 0.7}
events:
  a: {p: 0.5}
questions:
  q: signing and a
observations:
  - {date: 2025-02-01, source: "\\e[2J\\e[HSRC", evidence: a}
"""


def test_a_files_terminal_escapes_are_shown_not_obeyed() -> None:
    """A title or a source holding terminal escapes (set the window title, write the
    clipboard, clear the screen) is printed escaped by run and history, never raw."""
    from pactsim.views.history import format_history
    from pactsim.views.text import format_results

    sc = pactsim.loads(ESCAPES)
    text = format_results(pactsim.simulate(sc, n=1_000, seed=1))
    assert "\x1b" not in text and "\x07" not in text
    assert text.splitlines()[0] == "\\x1b]0;WINDOW-TITLE\\x07\\x1b]52;c;ZWNobyBwd25lZA==\\x07T"
    hist = format_history(pactsim.history(sc))
    assert "\x1b" not in hist and "source: \\x1b[2J\\x1b[HSRC" in hist


def test_a_quoted_date_equal_to_a_date_key_is_a_duplicate() -> None:
    """`'2025-06-30'` and `2025-06-30` are one point of a curve: the second was kept
    silently (0.5 over 0.4); it is a duplicate key, located at the second."""
    (msg,) = _problems("pactsim: 1\nid: x\n" + HEAD + "signing:\n"
                       "  by: {2025-06-30: 0.4, '2025-06-30': 0.5, 2025-12-31: 0.7}\n")
    assert msg.startswith("f.yaml:6:25: signing.by.2025-06-30: duplicate key '2025-06-30'")
    # a text key that is no date is compared as text
    sc = pactsim.loads("pactsim: 1\nid: x\n" + HEAD + "sources: {'2025-13-01': a, b: c}\n"
                       "events:\n  e: {p: 0.5, source: b}\n")
    assert set(sc.sources) == {"2025-13-01", "b"}


def test_sensitivity_of_a_comparison_with_the_first_date() -> None:
    """A question comparing a date with 0001-01-01 made the value-of-information pass
    step a day before the first date there is (OverflowError)."""
    sc = pactsim.loads("pactsim: 1\nid: x\n" + HEAD + "signing:\n  by: {2025-06-30: 0.4, "
                       "2025-12-31: 0.7}\nquestions:\n  q: signing.date >= 0001-01-01\n")
    s = pactsim.sensitivity(sc, "q")
    assert s.base == pytest.approx(0.7)  # signed by the horizon: every date is after 0001


@pytest.mark.parametrize(("field", "value"), [("odds", 1e308), ("odds", 5e-324),
                                                ("hazard_ratio", 1e308)])
def test_a_factor_at_the_edge_of_the_floats_is_swung_within_them(field: str,
                                                                 value: float) -> None:
    """An odds factor of 1e308 doubled is inf, and 5e-324 halved is 0: the format refuses
    both, and the whole analysis failed. The swing stops at the last finite number and
    the smallest normal one, and its range says so."""
    sc = pactsim.loads("pactsim: 2\nid: x\n" + HEAD + "drivers:\n  d: {dist: normal, sd: 1}\n"
                       "signing:\n  by: {2025-06-30: 0.4, 2025-12-31: 0.7}\n"
                       + (f"  hazard_ratio: {{d: {value!r}}}\n" if field == "hazard_ratio"
                          else "") + "events:\n  a: {p: 0.5"
                       + (f", odds: {{d: {value!r}}}" if field == "odds" else "") + "}\n"
                       "questions:\n  q: a and signing\n")
    s = pactsim.sensitivity(sc, "q", voi=False)
    row = s.tornado.set_index("input").loc[f"{'signing' if field == 'hazard_ratio' else 'a'}"
                                           f".{field}.d"]
    assert 0 < row.low <= value <= row.high < float("inf")
    assert "kept to finite numbers above 0" in row.range


def test_check_of_a_chain_past_the_calendar() -> None:
    """80 milestones of 36,525 days each from 2150: the earliest days pass 9999-12-31,
    where date arithmetic overflowed (a traceback); they are reported, past the calendar
    said in words."""
    from pactsim.analysis.check import check

    lines = ["pactsim: 2", "id: x", "as_of: 2150-01-01", "horizon: 2199-12-31", "events:",
             "  m0: {by: {2199-12-31: 0.9}}"]
    lines += [f"  m{i}: {{after: m{i - 1}, delay: 36525}}" for i in range(1, 81)]
    found = check(pactsim.loads("\n".join(lines) + "\n"))
    late = [f for f in found if f.rule == "never-in-time"]
    assert len(late) == 80
    assert "its anchor is on 2150-01-02 at the earliest" in late[0].message
    assert "so it is after 9999-12-31 at the earliest" in late[-1].message


def test_validating_ordinary_intervals_imports_no_optimizer() -> None:
    """Checking that each `between` fits a Beta imported scipy.optimize (and, before,
    scipy.stats): half of a `pactsim validate`. An interval away from 0 and 1 always fits
    and is fitted when first used; one near the edges is still fitted at once."""
    import subprocess
    import sys
    from pathlib import Path

    flagship = Path(__file__).resolve().parents[2] / "scenarios" / "iran-russia-2024.yaml"
    code = ("import sys, pactsim\n"
            f"sc = pactsim.load({str(flagship)!r})\n"
            "print('scipy.optimize' in sys.modules, 'scipy.stats' in sys.modules)\n"
            "pactsim.loads('pactsim: 1\\nid: x\\nas_of: 2025-01-01\\nhorizon: 2025-12-31\\n'\n"
            "              'events:\\n  a: {p: {between: [1.0e-9, 3.0e-9]}}\\n')\n"
            "print('scipy.optimize' in sys.modules)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.split()
    assert out == ["False", "False", "True"], out
