"""Fixes of the 2026-12-02 session (fourteenth) outside the milestone signing
(tests/unit/test_signing_milestone.py)."""

from __future__ import annotations

import re

import pytest

import pactsim
from pactsim.views.report import _headline

TWO_YEARS = """\
pactsim: 2
id: two-years
as_of: 2025-01-01
horizon: 2026-06-30
signing: {by: {2025-06-30: 0.2, 2025-12-31: 0.5, 2026-06-30: 0.6}}
questions:
  by_march: signing.date <= 2025-03-31
"""


def test_the_first_headline_card_is_the_year_end() -> None:
    """review-analyst13: the first big number was "signed by" the first quarter end
    (2025-03-31 here: 10%, the least informative number); it is now the first year end
    among the key dates, the question forecasters are asked, with exact's number."""
    ex = pactsim.exact(pactsim.loads(TWO_YEARS))
    cards = _headline(ex)
    shown = re.findall(r"signed by (\d{4}-\d{2}-\d{2})", cards)
    assert shown == ["2025-12-31", "2026-06-30"]
    assert re.findall(r'class="v">([\d.]+)%', cards)[:2] == ["50.0", "60.0"]
    # the question on the first quarter end is a card of its own: linear to 0.2 on
    # 2025-06-30 from 0 on as_of, so 89/180 of 0.2 on 2025-03-31
    assert "by march" in cards
    assert f"{100 * 0.2 * 89 / 180:.1f}%" in cards


def test_the_first_quarter_end_stays_when_the_only_year_end_is_the_horizon() -> None:
    sc = pactsim.loads(TWO_YEARS.replace("2026-06-30", "2025-12-31")
                       .replace(", 2025-12-31: 0.6", ""))
    cards = _headline(pactsim.exact(sc))
    assert re.findall(r"signed by (\d{4}-\d{2}-\d{2})", cards) == ["2025-03-31", "2025-12-31"]
    assert pytest.approx(0.5) == pactsim.exact(sc).prob("signing").value
