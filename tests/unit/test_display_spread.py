"""The results display shows each forecast's 80% band over the uncertain inputs when
the scenario has some (issue 12 item 3), and nothing otherwise."""

from __future__ import annotations

import re

import pactsim
from pactsim.analysis.spread import spreads
from pactsim.views.display import DISPLAY_SPREAD_N, spread_table
from pactsim.views.format import pct_short

TWO = ("pactsim: 1\nid: two-display\nas_of: 2024-01-01\nhorizon: 2024-12-31\n"
       "events:\n  a: {p: {between: [0.2, 0.6]}}\n  b: {p: 0.5}\n  c: {p: 0.3}\n"
       "questions:\n  both: a and b\n  other: c\n")


def test_display_lists_the_questions_that_move_with_their_band() -> None:
    sc = pactsim.loads(TWO)
    html = pactsim.simulate(sc, 5000, seed=1)._repr_html_()
    assert "Spread over the uncertain inputs (1 of 2 questions move)" in html
    s = {x.question: x for x in spreads(sc, n=DISPLAY_SPREAD_N)}
    both = s["both"]
    row = re.search(r"<td>both</td><td class='num'>([^<]+)</td><td class='num'>([^<]+)</td>",
                    html)
    assert row is not None
    assert row.group(1) == pct_short(both.mean)
    assert row.group(2) == f"{pct_short(both.lo)}–{pct_short(both.hi)}"
    # by hand: P(both | a) = a / 2 with a's Beta mean 0.4 (between 0.2 and 0.6): about 20%
    assert abs(both.mean - 0.2) < 0.02
    assert "no spread: other" in html


def test_no_section_without_uncertain_inputs_or_under_evidence() -> None:
    plain = pactsim.loads(TWO.replace("{between: [0.2, 0.6]}", "0.4"))
    assert "Spread over" not in pactsim.simulate(plain, 2000, seed=1)._repr_html_()
    sc = pactsim.loads(TWO)
    res = pactsim.simulate(sc, 2000, seed=1)
    assert spread_table(res.given("c")) == ""
    assert "Spread over" in pactsim.exact(sc)._repr_html_()
