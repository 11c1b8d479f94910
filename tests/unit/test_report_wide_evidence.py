"""The report of exact results under evidence too wide for some answers.

Evidence that is not a node's name (here a soft count over six events) puts its
variables into every joint law exact inference builds, so with a small enough
``max_table`` some answers no longer fit (``ModelTooWideError``) while others do.
The page is still written: what fits is shown, each thing that does not is said
in its section (and once under the headline) with what to do instead. The numbers
shown are checked against an oracle that enumerates the six events by hand.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Callable, Mapping

import pytest

pytest.importorskip("matplotlib")

import pactsim
from pactsim.errors import ModelTooWideError
from pactsim.views.format import pct, value
from pactsim.views.report import report_html

EVENTS = {"e1": 0.3, "e2": 0.4, "e3": 0.5, "e4": 0.6, "e5": 0.2, "e6": 0.7}
RATIO = 3.0
TEXT = (
    "pactsim: 1\nid: wide-evidence\nas_of: 2024-01-01\nhorizon: 2024-12-31\nevents:\n"
    + "".join(f"  {e}: {{p: {p}}}\n" for e, p in EVENTS.items())
    + "signing:\n  by: {2024-06-30: 0.4, 2024-12-31: 0.8}\n"
    "pillars:\n  military:\n    p: 0.7\n    clauses:\n      drones: {p: 0.5}\n"
    "questions:\n"
    "  signed_h1: signing.date <= 2024-06-30\n"
    "  e_pair: e1 and e2\n"
    "  n_events: count(e1, e2, e3)\n"
    "  signed_on: signing.date\n"
)
#: Soft news over all six events: not one node's name, so in every joint law (6 variables).
EVIDENCE = pactsim.soft(f"count({', '.join(EVENTS)}) >= 3", RATIO)
#: 2**7: the evidence's events and one more binary node fit; the signing date's states do not.
SOME_FIT = 128
#: 2**6: the evidence's own law fits, nothing with one more variable.
NOTHING_ELSE_FITS = 64


def _given_news(f: Callable[[Mapping[str, int]], float]) -> float:
    """E[f(events) | the soft news], by enumerating the 2**6 outcomes of the six
    independent events, each weighted by RATIO where three or more are true."""
    num = den = 0.0
    for bits in itertools.product((0, 1), repeat=len(EVENTS)):
        x = dict(zip(EVENTS, bits, strict=True))
        w = math.prod(p if x[e] else 1 - p for e, p in EVENTS.items())
        w *= RATIO if sum(bits) >= 3 else 1.0
        num += w * f(x)
        den += w
    return num / den


def _body(page: str) -> str:
    return re.sub(r"<style>.*?</style>|base64,[^\"]*", "", page, flags=re.DOTALL)


def _section(body: str, heading: str) -> str:
    """The page from the section ``heading`` to the next one."""
    start = body.index(f"<h2>{heading}</h2>")
    end = body.find("<h2>", start + 4)
    return body[start:] if end < 0 else body[start:end]


def _row(body: str, heading: str, name: str) -> str:
    """The cells after the first cell (``name``, maybe with its code) of a row of the
    section ``heading``."""
    m = re.search(rf"<tr[^>]*><td>{re.escape(name)}( <code>[^<]*</code>)?</td>(.*?)</tr>",
                  _section(body, heading))
    assert m is not None, f"no row for {name} under {heading}"
    return m.group(2)


def _num(cells: str, k: int = 0) -> str:
    """The text of the k-th right-aligned number cell of a row."""
    return re.findall(r"<td class='num'>([^<]*)</td>", cells)[k]


@pytest.fixture(scope="module")
def sc() -> pactsim.Scenario:
    return pactsim.loads(TEXT)


def test_the_case_is_real(sc: pactsim.Scenario) -> None:
    """Without the fix the page fails here: the questions are asked all at once."""
    with pytest.raises(ModelTooWideError, match="conditioning on the evidence"):
        pactsim.exact(sc, evidence=EVIDENCE, max_table=SOME_FIT).questions()


def test_report_shows_what_fits_and_says_what_does_not(sc: pactsim.Scenario) -> None:
    res = pactsim.exact(sc, evidence=EVIDENCE, max_table=SOME_FIT)
    page = report_html(res)  # "What drives it" too: its question skips the one not computed
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    body = _body(page)
    assert not re.search(r"\bnan\b", body, re.IGNORECASE)

    # computed: every number against the hand enumeration (the signing curve is
    # independent of the events: P(e_pair | signed) is P(e_pair))
    e_pair = _given_news(lambda x: x["e1"] * x["e2"])
    assert e_pair == pytest.approx(res.prob("e_pair").value, abs=1e-12)
    assert _num(_row(body, "Questions", "e_pair"), 0) == pct(e_pair)
    assert _num(_row(body, "Questions", "e_pair"), 1) == pct(e_pair)
    for e in EVENTS:
        p = _given_news(lambda x, e=e: x[e])
        assert _num(_row(body, "Context events", e), 0) == pct(p), e
    text = "What will the text contain?"  # signed, pillar and clause: untouched by the news
    assert _num(_row(body, text, "military"), 0) == pct(0.8 * 0.7)
    assert _num(_row(body, text, "drones"), 0) == pct(0.8 * 0.7 * 0.5)
    mean = _given_news(lambda x: x["e1"] + x["e2"] + x["e3"])
    assert _num(_row(body, "Numeric questions", "n_events"), 0) == value(mean, "number")
    assert 'class="card"><div class="v">' + pct(e_pair) in body  # a headline card
    assert "P(e_pair) = " in body  # the lead analyses the first question computed

    # not computed: shown as "—", each said in its section with what to do instead
    assert _num(_row(body, "Questions", "signed_h1"), 0) == "\u2014"
    assert _num(_row(body, "Numeric questions", "signed_on"), 0) == "\u2014"
    simulate = "<code>pactsim.simulate(scenario, evidence=...)</code>"
    for what in ("signed_h1 (\u2014 in the table)", "the signing date", "signed_on"):
        note = re.search(rf'<p class="empty">Not computed exactly: {re.escape(what)}[^<]*'
                         rf"above max_table \(128 entries\)\. Monte Carlo estimates it: "
                         rf"{re.escape(simulate)}", body)
        assert note is not None, what
    assert "chance signed by each date" not in body  # no signing chart, its note instead
    head = body.index('<div class="cards">')
    summary = body.index("Not computed exactly under this evidence: 1 question, the signing "
                         "date, 1 numeric question")
    assert head < summary < body.index("<h2>")


def test_report_when_only_the_evidence_fits(sc: pactsim.Scenario) -> None:
    """No node's chance fits with the evidence's six events: the content and events
    sections are notes; a question over events alone is still computed."""
    page = report_html(pactsim.exact(sc, evidence=EVIDENCE, max_table=NOTHING_ELSE_FITS),
                       sensitivity=None)
    body = _body(page)
    assert page.rstrip().endswith("</html>")
    for what in ("the chance of each pillar and clause", "the chance of each context event"):
        assert re.search(rf"</h2><p class=\"empty\">Not computed exactly: {what}\. Under this "
                         r"evidence it needs a table over 7 variables at once", body), what
    e_pair = _given_news(lambda x: x["e1"] * x["e2"])
    assert _num(_row(body, "Questions", "e_pair"), 0) == pct(e_pair)
    # P(yes | signed) needs signing with the six events: said, though its column is empty
    assert "P(yes | signed) of e_pair. Under this evidence each needs" in body
    assert "<th>P(yes | signed)</th>" not in body


def test_report_unchanged_when_everything_fits(sc: pactsim.Scenario) -> None:
    body = _body(report_html(pactsim.exact(sc, evidence=EVIDENCE), sensitivity=None))
    assert "Not computed" not in body
    assert _num(_row(body, "Questions", "signed_h1"), 0) == pct(0.4)  # the curve at 2024-06-30
    e_pair = _given_news(lambda x: x["e1"] * x["e2"])
    assert _num(_row(body, "Questions", "e_pair"), 0) == pct(e_pair)
    assert "chance signed by each date" in body


def test_notebook_display_shows_what_fits_and_says_what_does_not(sc: pactsim.Scenario) -> None:
    """What Jupyter shows for the results (``_repr_html_``) failed the same way: it now
    shows what fits, checked against the hand enumeration, and names what does not."""
    res = pactsim.exact(sc, evidence=EVIDENCE, max_table=SOME_FIT)
    html = res._repr_html_()
    assert not re.search(r"\bnan\b", _body(html), re.IGNORECASE)
    e_pair = _given_news(lambda x: x["e1"] * x["e2"])
    m = re.search(r"<tr><td>e_pair</td><td class='num'>([^<]*)</td>", html)
    assert m is not None and m.group(1) == pct(e_pair)
    m = re.search(r"<tr><td>signed_h1</td><td class='num'>([^<]*)</td>", html)
    assert m is not None and m.group(1) == "\u2014"
    note = re.search(r'<div class="ps-muted">Not computed exactly: ([^<]*)<code>'
                     r"pactsim\.simulate\(scenario, evidence=\.\.\.\)</code>", html)
    assert note is not None
    said = note.group(1)
    assert "signed_h1" in said and "signed_on" in said and "the signing date" in said
    assert "e_pair" not in said


def test_notebook_display_unchanged_when_everything_fits(sc: pactsim.Scenario) -> None:
    """Where exact inference answers everything the display takes its usual path: the
    same page as the guarded one, and no note."""
    from pactsim.views.display import _results_html, results_html
    from pactsim.views.partial import Partial

    res = pactsim.exact(sc, evidence=EVIDENCE)
    html = results_html(res)
    assert "Not computed exactly" not in html
    assert _results_html(Partial(res), Partial(res)) == html


def test_notebook_display_when_no_node_chance_fits(sc: pactsim.Scenario) -> None:
    """Only the evidence's own six events fit: every node's chance is refused, yet
    the display shows the question over events alone (checked against the hand
    enumeration) and names the sections it leaves out, and the P(yes | signed) it
    could not compute (the table has no such column: the note says why)."""
    res = pactsim.exact(sc, evidence=EVIDENCE, max_table=NOTHING_ELSE_FITS)
    html = res._repr_html_()
    e_pair = _given_news(lambda x: x["e1"] * x["e2"])
    m = re.search(r"<tr><td>e_pair</td><td class='num'>([^<]*)</td>", html)
    assert m is not None and m.group(1) == pct(e_pair)
    note = re.search(r'<div class="ps-muted">Not computed exactly: ([^<]*)<code>', html)
    assert note is not None
    assert "the pillars, clauses and events" in note.group(1)
    assert "P(yes | signed) of e_pair" in note.group(1)
