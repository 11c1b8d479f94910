"""The report opens with the analysed question's forecast, its spread over the
uncertain inputs and the five inputs that move it most (issue 12, "Done when")."""

from __future__ import annotations

import html
import math
import re
from pathlib import Path

import pytest

pytest.importorskip("matplotlib")

import pactsim
from pactsim.views.report import LEAD_INPUTS, report_html

ROOT = Path(__file__).resolve().parents[2]

# q = a and b, a and b independent. Hand-derived tornado of P(q):
#   a.p fixed 0.4, swung ±1 in log-odds: expit(logit(.4) ± 1) = 0.1971, 0.6444; x 0.5
#   b.p {between: [0.3, 0.7]} (mean 0.5), swung over its 90% range 0.3 .. 0.7; x 0.4
#   c.p fixed 0.9 does not feed q: no swing
_SC = """\
pactsim: 1
id: lead
as_of: 2024-01-01
horizon: 2024-12-31
events:
  a: {p: 0.4}
  b: {p: {between: [0.3, 0.7]}}
  c: {p: 0.9}
questions:
  q: a and b
"""


def _expit(x: float) -> float:
    return 1 / (1 + math.exp(-x))


def _lead(page: str) -> str:
    head = page.split('<div class="cards">', 1)[1]
    return html.unescape(re.sub(r"<[^>]+>", " ", head.split("<h2>", 1)[0]))


def test_lead_names_forecast_spread_and_inputs_by_hand() -> None:
    sc = pactsim.loads(_SC)
    page = report_html(pactsim.exact(sc))
    lead = " ".join(_lead(page).split())
    assert "P(q) = 20.0%" in lead  # 0.4 x 0.5
    sp = pactsim.spread(sc, "q", n=200, seed=0)
    # a band over a point wide: whole percents, as `pactsim run` prints it
    assert sp.hi - sp.lo > 0.01
    assert f"80% band {100 * sp.lo:.0f}%–{100 * sp.hi:.0f}%" in lead
    # the band is 0.4 x the 10% and 90% quantiles of b's Beta: inside 0.4 x (0.3, 0.7)
    assert 0.12 < sp.lo < 0.2 < sp.hi < 0.28
    lo, hi = _expit(math.log(0.4 / 0.6) - 1), _expit(math.log(0.4 / 0.6) + 1)
    a_row = f"a.p from {lo:.3g} to {hi:.3g} → {50 * lo:.1f}% to {50 * hi:.1f}%"
    b_row = "b.p from 0.3 to 0.7 → 12.0% to 28.0%"
    assert b_row in lead and a_row in lead
    assert lead.index(a_row) < lead.index(b_row)  # a's swing (0.22) beats b's (0.16)
    assert "c.p" not in lead
    assert "The 2 inputs that move it most" in lead


def test_flagship_lead_lists_the_top_five_of_the_tornado() -> None:
    sc = pactsim.load(ROOT / "scenarios" / "iran-russia-2024.yaml")
    s = pactsim.sensitivity(sc, "arms_package")
    page = report_html(pactsim.exact(sc), sensitivity=s)
    lead = " ".join(_lead(page).split())
    top = list(s.tornado[s.tornado.swing > 0].input.head(LEAD_INPUTS))
    assert len(top) == LEAD_INPUTS
    assert [lead.index(f" {name} from ") for name in top] == sorted(
        lead.index(f" {name} from ") for name in top)
    assert "P(arms_package) = " in lead and "80% band" in lead
    assert page.index("The 5 inputs that move it most") < page.index("<h2>Questions</h2>")


def test_a_question_the_news_settled_is_not_the_one_analysed() -> None:
    """After 1 January 2025 with no treaty, signed_by_2024 is 0 under the news file's
    observations: the report analyses the first question still open."""
    sc = pactsim.load(ROOT / "scenarios" / "variants" / "iran-russia-2024-news.yaml")
    res = pactsim.exact(sc)
    qs = res.questions()
    assert qs.loc["signed_by_2024", "p"] == 0.0
    first_open = next(q for q, r in qs.iterrows() if 0.005 < r.p < 0.995)
    lead = " ".join(_lead(report_html(res)).split())
    assert f" P({first_open}) = " in lead and "P(signed_by_2024) =" not in lead
