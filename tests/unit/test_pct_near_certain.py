"""A probability that rounds to certain but is not certain is not printed as 100%;
the HTML views escape what the percentages may start with (``<``, ``>``)."""

from __future__ import annotations

import re

import pytest

import pactsim
from pactsim.views.display import results_html
from pactsim.views.format import pct, pct_short


@pytest.mark.parametrize(("p", "shown"), [
    (1.0, "100.0%"), (0.99996, ">99.99%"), (0.99995, ">99.99%"), (0.99994, "99.99%"),
    (0.9996, "99.96%"), (0.999, "99.9%"), (0.5, "50.0%"), (0.0004, "0.04%"),
    (0.00004, "<0.01%"), (0.0, "0.0%")])
def test_pct_is_symmetric_about_one_half(p: float, shown: str) -> None:
    assert pct(p) == shown
    if 0 < p < 1:  # what p and 1 - p show add up to 100%, to the digits shown
        a, b = pct(p), pct(1 - p)
        if a[0] not in "<>" and b[0] not in "<>":
            digits = max(len(a.partition(".")[2]), len(b.partition(".")[2])) - 1
            assert float(a[:-1]) + float(b[:-1]) == pytest.approx(100, abs=10.0 ** -digits)
        else:  # one end is "<0.01%", the other ">99.99%"
            assert {a[0], b[0]} == {"<", ">"}


@pytest.mark.parametrize(("p", "shown"), [
    (1.0, "100%"), (0.99996, ">99.9%"), (0.9995, ">99.9%"), (0.996, "99.6%"),
    (0.99, "99%"), (0.4003, "40%"), (0.0042, "0.4%"), (0.0001, "<0.1%")])
def test_pct_short_near_certain(p: float, shown: str) -> None:
    assert pct_short(p) == shown


SCENARIO = """\
pactsim: 1
id: near-certain
as_of: 2025-01-01
horizon: 2025-12-31
events:
  a: {p: 0.99996}
  b: {p: 0.00003}
"""


def test_exact_summary_and_html_of_a_near_certain_event() -> None:
    res = pactsim.exact(pactsim.loads(SCENARIO))
    text = res.summary()
    rows = {line.split()[0]: line.split()[1] for line in text.splitlines()
            if line.startswith("  ") and len(line.split()) > 1}
    assert (rows["a"], rows["b"]) == (">99.99%", "<0.01%")
    html = results_html(res)
    cells = re.findall(r"<td class='num'>([^<]*)</td>", html)
    assert "&gt;99.99%" in cells and "&lt;0.01%" in cells
    assert "<0.01%" not in html


def test_rounding_noise_below_one_is_certain() -> None:
    from pactsim.views.format import CERTAIN_NOISE

    one = sum([0.1] * 10)  # 0.9999999999999999
    assert one < 1 and pct(one) == "100.0%" and pct_short(one) == "100%"
    assert pct(1 - 10 * CERTAIN_NOISE) == ">99.99%"
