"""Session 15: fixes and extensions, each against an independent answer."""

from __future__ import annotations

import pytest

import pactsim
from pactsim import exact

THROUGH = """\
pactsim: 2
id: through-hand
as_of: 2025-01-01
horizon: 2025-12-31
events:
  a: {by: {2025-01-31: 0.6, 2025-12-31: 0.6}}
  c: {after: a, delay: 10}
  g: {after: c, delay: 20, p: 0.5}
  o: {after: c, delay: 40, p: 0.8}
  t_all: {after: {all: [g, o]}, delay: 5}
  t_any: {after: {any: [g, o]}, delay: 5}
"""


@pytest.mark.parametrize(("question", "want"), [
    # a happens in January (0.6), c 10 days later, g 20 days after c (0.5), o 40 days
    # after c (0.8), all within the horizon. t_all is 5 days after o, 25 after g
    ("t_all.date - g.date <= 25", 0.6 * 0.5 * 0.8),
    ("t_all.date - g.date <= 24", 0.0),
    # t_any is 5 days after g when g happens (g comes first), else 5 after o
    ("t_any.date - g.date <= 5", 0.6 * 0.5),
    ("t_any.date - g.date <= 4", 0.0),
    ("t_any.date - o.date <= -15", 0.6 * 0.8 * 0.5),
    ("t_any.date - o.date <= -16", 0.0),
    ("t_any.date - o.date >= 5", 0.6 * 0.8 * 0.5),
    ("t_any.date - o.date >= 6", 0.0),
])
def test_a_milestone_given_an_anchor_that_shares_a_milestone(question: str,
                                                             want: float) -> None:
    """The law of a milestone given the day of one of its anchors, where the anchors are
    independent only given the day of the milestone they share (c): refused before as
    "three days at once", now summed over c's day two days at a time. By hand."""
    assert exact(pactsim.loads(THROUGH)).prob(question).value == pytest.approx(want, abs=1e-9)
