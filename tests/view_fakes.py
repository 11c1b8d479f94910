"""Test doubles for the views: results whose bundle counts may be low (a pruned table),
and small scenarios with awkward content."""

from __future__ import annotations

import warnings
from typing import Any

import pandas as pd

import pactsim
from pactsim.errors import PactsimWarning

__all__ = ["DOLLARS", "DOLLAR_LABELS", "NOTHING_SIGNED", "NO_PILLARS", "PILLAR_NEVER", "Pruned"]


class Pruned:
    """``res`` with a ``bound`` on every bundle count, as a run whose table of
    distinct sets was pruned reports it; everything else is ``res``'s."""

    def __init__(self, res: pactsim.Results, bound: int, *, warn: bool = False) -> None:
        self._res = res
        self.bound = bound
        self.warn = warn

    def __getattr__(self, name: str) -> Any:
        return getattr(self._res, name)

    def bundles(self, top: int | None = 10, *, of: str = "all") -> pd.DataFrame:
        b = self._res.bundles(top, of=of).copy()
        b["bound"] = self.bound
        if self.warn:  # as Results.bundles does when its table was pruned
            warnings.warn(f"counts may be low by up to {self.bound:,} draws", PactsimWarning,
                          stacklevel=2)
        return b


#: Labels that matplotlib would read as mathematics: one that does not parse, one
#: that is not valid TeX, one deeply nested, and one typeset silently.
DOLLAR_LABELS = ["Price $x^$", r"$\frac{1}$", "$" + "{" * 60 + "x" + "}" * 60 + "$",
                 "cost $5 and $10"]
DOLLARS = f"""\
pactsim: 1
id: dollars
title: "Price $x^$ and cost $5 and $10"
as_of: 2025-01-01
horizon: 2025-12-31
signing:
  by: {{2025-06-30: 0.5}}
pillars:
  a:
    p: 0.6
    label: "{DOLLAR_LABELS[0]}"
    clauses:
      b: {{p: 0.5, label: '{DOLLAR_LABELS[1]}'}}
      c: {{p: 0.5, label: "{DOLLAR_LABELS[2]}"}}
  d: {{p: 0.7, label: "{DOLLAR_LABELS[3]}"}}
questions:
  k: {{expr: "count(a, b, c, d)", label: "Count $n$ items"}}
  early: {{expr: "signing.date < 2025-03-01", label: "early $"}}
"""

#: A valid scenario that is never signed: nothing can be in the text, and the
#: date question never has a value.
NOTHING_SIGNED = """\
pactsim: 1
id: never
as_of: 2025-01-01
horizon: 2025-12-31
signing:
  by: {2025-06-30: 0.0}
pillars:
  a: {p: 0.5, clauses: {b: {p: 0.5}}}
questions:
  when: signing.date
  k: count(a, b)
"""

#: Signed half the time, but its only pillar never makes it into the text.
PILLAR_NEVER = """\
pactsim: 1
id: pillar-never
as_of: 2025-01-01
horizon: 2025-12-31
signing:
  by: {2025-06-30: 0.5}
pillars:
  a: {p: 0.0, clauses: {b: {p: 0.5}}}
questions:
  when: signing.date
"""

#: A signing date and an event, but no pillars: there are no texts to list.
NO_PILLARS = """\
pactsim: 1
id: no-pillars
as_of: 2025-01-01
horizon: 2025-12-31
signing:
  by: {2025-06-30: 0.5}
events:
  rain: {p: 0.3}
"""
