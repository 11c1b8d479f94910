"""P(yes | signed) of the scenario's questions in the notebook display and the report
(issue 17, item 4), each number against the run's own ``questions()`` frame."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import pactsim
from pactsim.views import display
from pactsim.views.format import pct
from view_fakes import NOTHING_SIGNED

ROOT = Path(__file__).resolve().parents[2]
FLAGSHIP = ROOT / "scenarios" / "iran-russia-2024.yaml"
_ROW = re.compile(r"<tr><td>(.*?)</td>(.*?)</tr>", re.S)


@pytest.fixture(scope="module")
def res() -> pactsim.Results:
    return pactsim.simulate(pactsim.load(FLAGSHIP), n=20_000, seed=2, keep_draws=False)


def _cells(table: str) -> dict[str, list[str]]:
    """Question name -> its cells (text without tags), from a questions table."""
    out = {}
    for first, rest in _ROW.findall(table.split("<tbody>")[1]):
        name = re.findall(r"<code>([a-z0-9_]+)</code>", first) or [first]
        out[name[-1]] = [re.sub(r"<[^>]+>", "", c) for c in re.findall(r"<td[^>]*>(.*?)</td>",
                                                                      rest, re.S)]
    return out


def _check(table: str, res: pactsim.Results) -> None:
    head = re.findall(r"<th>(.*?)</th>", table)
    assert head == ["question", "P", "", "95% interval", "P(yes | signed)", "expression"]
    cells = _cells(table)
    qs = res.questions()
    assert list(cells) == list(qs.index)
    for name, row in qs.iterrows():
        p, _bar, _ci, given, _expr = cells[str(name)]
        assert (p, given) == (pct(row.p), pct(row.p_given_signed))
        assert given != p  # they differ in the flagship: signing is not certain


def test_notebook_questions_show_p_given_signed(res: pactsim.Results) -> None:
    html = display.results_html(res)
    table = html[html.index("<caption>Questions</caption>") - 20:]
    _check(table[table.index("<table"):table.index("</table>")], res)


def test_report_questions_show_p_given_signed(res: pactsim.Results) -> None:
    pytest.importorskip("matplotlib")
    from pactsim.views.report import report_html

    page = report_html(res)
    part = page.split("<h2>Questions</h2>")[1]
    _check(part[:part.index("</table>")], res)


@pytest.mark.parametrize("text", [NOTHING_SIGNED + "  early: signing.date <= 2025-03-31\n",
                                  (ROOT / "scenarios" / "analytic-independent.yaml").read_text()],
                         ids=["never-signed", "no-signing"])
def test_no_column_when_nothing_is_signed(text: str) -> None:
    res = pactsim.simulate(pactsim.loads(text), n=1_000, seed=1)
    table = display.questions_table(res)
    assert "signed" not in table
    assert re.findall(r"<th>(.*?)</th>", table) == ["question", "P", "", "95% interval",
                                                   "expression"]
