"""Review of the 1 December changes: each test failed before its fix.

- The notebook display of exact results under evidence so wide that no node's
  chance fits (``marginals()`` refused) raised from ``_repr_html_``, where the
  report shows what fits and says what does not.
- A diff's edit whose one path is longer than its column read "path + … (+0 more)"
  in the waterfall and the text table.
- ``fold`` failed (UnicodeEncodeError, an internal error of the CLI) on a table
  with a lone surrogate, which is how Python reads a file name that is not UTF-8:
  ``pactsim pool`` of such a file on a terminal narrower than its table.
"""

from __future__ import annotations

import itertools
import math
import re

import pytest

import pactsim
from pactsim.views.diff import _edit_label
from pactsim.views.format import fold, pct

# as in test_report_wide_evidence: soft news over six events is in every joint law
EVENTS = {"e1": 0.3, "e2": 0.4, "e3": 0.5, "e4": 0.6, "e5": 0.2, "e6": 0.7}
RATIO = 3.0
TEXT = (
    "pactsim: 1\nid: wide-evidence\nas_of: 2024-01-01\nhorizon: 2024-12-31\nevents:\n"
    + "".join(f"  {e}: {{p: {p}}}\n" for e, p in EVENTS.items())
    + "signing:\n  by: {2024-06-30: 0.4, 2024-12-31: 0.8}\n"
    "pillars:\n  military:\n    p: 0.7\n    clauses:\n      drones: {p: 0.5}\n"
    "questions:\n  e_pair: e1 and e2\n"
)
EVIDENCE = pactsim.soft(f"count({', '.join(EVENTS)}) >= 3", RATIO)
#: 2**6: the evidence's own law fits, nothing with one more variable.
NOTHING_ELSE_FITS = 64


def _p_pair_given_news() -> float:
    """P(e1 and e2 | the soft news), enumerating the 2**6 outcomes of the events."""
    num = den = 0.0
    for bits in itertools.product((0, 1), repeat=len(EVENTS)):
        w = math.prod(p if b else 1 - p for b, p in zip(bits, EVENTS.values(), strict=True))
        w *= RATIO if sum(bits) >= 3 else 1.0
        num += w * bits[0] * bits[1]
        den += w
    return num / den


def test_notebook_display_when_no_node_chance_fits() -> None:
    """Only the evidence's own six events fit: every node's chance is refused, yet
    the display shows the question over events alone (checked against the hand
    enumeration) and names the sections it leaves out."""
    res = pactsim.exact(pactsim.loads(TEXT), evidence=EVIDENCE, max_table=NOTHING_ELSE_FITS)
    html = res._repr_html_()
    e_pair = _p_pair_given_news()
    m = re.search(r"<tr><td>e_pair</td><td class='num'>([^<]*)</td>", html)
    assert m is not None and m.group(1) == pct(e_pair)
    note = re.search(r'<div class="ps-muted">Not computed exactly: ([^<]*)<code>', html)
    assert note is not None and "the pillars, clauses and events" in note.group(1)


@pytest.mark.parametrize("width", [30, 46, 60])
def test_a_long_single_edit_is_cut_not_said_to_have_more(width: int) -> None:
    name = "north_south_transport_corridor_railway_financing_scheme_of_2025.p"
    assert len(name) > width
    got = _edit_label(name, width)
    assert "more)" not in got
    assert len(got) <= width and got.endswith("…") and name.startswith(got[:-1])
    group = f"{name} + other.p"  # a group still says how many more
    assert _edit_label(group, width).endswith("(+1 more)")


def test_notebook_display_names_the_p_given_signed_it_could_not_compute() -> None:
    """P(e_pair | signed) needs the signing with the six events: the display's table
    has no such column, and its note says why (as the report does), not nothing."""
    res = pactsim.exact(pactsim.loads(TEXT), evidence=EVIDENCE, max_table=NOTHING_ELSE_FITS)
    html = res._repr_html_()
    note = re.search(r'<div class="ps-muted">Not computed exactly: ([^<]*)<code>', html)
    assert note is not None and "P(yes | signed) of e_pair" in note.group(1)


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
