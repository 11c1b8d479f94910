"""Review of the 1 December changes: each test failed before its fix.

- (The notebook display under evidence so wide that no node's chance fits is in
  ``test_report_wide_evidence.py``, with that file's scenario.)
- A diff's edit whose one path is longer than its column read "path + … (+0 more)"
  in the waterfall and the text table.
- ``fold`` failed (UnicodeEncodeError, an internal error of the CLI) on a table
  with a lone surrogate, which is how Python reads a file name that is not UTF-8:
  ``pactsim pool`` of such a file on a terminal narrower than its table.
"""

from __future__ import annotations

import math

import pytest

import pactsim
from pactsim.views.diff import _edit_label
from pactsim.views.terminal import fold


@pytest.mark.parametrize("width", [30, 46, 60])
def test_a_long_single_edit_is_cut_not_said_to_have_more(width: int) -> None:
    name = "north_south_transport_corridor_railway_financing_scheme_of_2025.p"
    assert len(name) > width
    got = _edit_label(name, width)
    assert "more)" not in got
    assert len(got) <= width and got.endswith("…") and name.startswith(got[:-1])
    group = f"{name} + other.p"  # a group still says how many more
    assert _edit_label(group, width).endswith("(+1 more)")


def test_fold_a_table_naming_a_file_whose_name_is_not_utf8() -> None:
    """A column named by the file stem ``rv_\\udcff`` (the byte 0xff in the name, as
    ``os.fsdecode`` reads it), as ``pactsim pool`` prints it: folded like any table,
    each character kept."""
    name = "rv_\udcff"
    rows = [f"{'item':<30}  {'pooled':>8}  {'iran-russia-2024':>16}  {name:>8}  {'spread':>8}",
            f"{'us_trump_win':<30}  {0.5:>8.3f}  {0.5:>16.3f}  {0.5:>8.3f}  {0.0:>8.3f}"]
    text = "\n".join(rows)
    out = fold(text, 50)
    assert all(len(line) <= 50 for line in out.split("\n"))
    assert out.split() == text.split()


def test_conditioning_without_draws_names_the_reason_not_a_missing_node() -> None:
    """``prob(q, given=node)`` on a run without draws said the node "is not a node or a
    question of this scenario"; it is one, and what is missing is the draws."""
    sc = pactsim.loads("pactsim: 1\nid: lean\nas_of: 2024-01-01\nhorizon: 2024-12-31\n"
                       "events:\n  a: {p: 0.3}\n  b: {given: [a], table: {true: 0.9, "
                       "false: 0.2}}\n")
    lean = pactsim.simulate(sc, n=1000, seed=1, keep_draws=False)
    assert lean.prob("b").value == pytest.approx(0.3 * 0.9 + 0.7 * 0.2, abs=4 * 0.5 / 30)
    with pytest.raises(pactsim.errors.PactsimError) as err:
        lean.prob("b", given="a")
    assert "conditioning on 'a' needs the draws" in str(err.value)
    assert "is not a node" not in str(err.value)
    with pytest.raises(pactsim.errors.PactsimError, match="is not a node or a question"):
        lean.prob("b", given="a and b")  # an expression: not one of them indeed
    kept = pactsim.simulate(sc, n=1000, seed=1)
    assert kept.prob("b", given="a").value == pytest.approx(0.9, abs=4 * 0.3 / math.sqrt(250))


def test_a_note_on_a_model_too_wide_says_how_wide_not_every_variable() -> None:
    """Sensitivity's (and diff's) note on what exact inference refused quoted the whole
    error, with its list of variables; it now says how wide, in one short clause."""
    names = [f"e{i}" for i in range(25)]
    text = ("pactsim: 1\nid: wide\nas_of: 2024-01-01\nhorizon: 2024-12-31\nevents:\n"
            + "".join(f"  {e}: {{p: 0.5}}\n" for e in names)
            + f"questions:\n  q: count({', '.join(names)}) >= 13\n")
    s = pactsim.sensitivity(pactsim.loads(text), "q", n=2000, seed=1)
    note = next(n for n in s.notes if "refused" in n)
    assert "needs a table over 25 variables at once, above max_table" in note
    assert "e0, e1" not in note and len(note) < 200
